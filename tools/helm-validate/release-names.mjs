// The names a release is known by agree across the repository: the version (Directory.Build.props, the
// Dockerfile's VERSION default, the chart's appVersion and default image tag), the repository (the chart's
// home and sources, the Dockerfile's SOURCE default behind org.opencontainers.image.source, the chart's
// image.repository on ghcr.io, which links an image to its repository by that label) and the runbook links
// (the rules' runbook_url, the chart's prometheusRule.runbookBaseUrl, the sections of docs/runbooks.md).
//
//   node release-names.mjs --repo ROOT
//
// Prints one "ok - ..." or "not ok - ..." line per check, then "N passed, N failed"; exits 1 on a failure.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { runbookAnchors } from "./runbooks.mjs";

const args = process.argv.slice(2);
const repo = args[args.indexOf("--repo") + 1];
const read = (path) => readFileSync(join(repo, path), "utf8");
let passed = 0, failed = 0;
function check(name, problem) {
  if (problem) {
    failed++;
    console.log(`not ok - ${name}: ${problem}`);
  } else {
    passed++;
    console.log(`ok - ${name}`);
  }
}
const same = (what) => {
  const distinct = [...new Set(Object.values(what))];
  return distinct.length === 1 && distinct[0] ? "" : JSON.stringify(what);
};

const chart = parse(read("helm/libvirt-capabilities-exporter/Chart.yaml"));
const values = parse(read("helm/libvirt-capabilities-exporter/values.yaml"));
const dockerfile = read("Dockerfile");
const argDefault = (name) => dockerfile.match(new RegExp(`^ARG ${name}=(\\S+)$`, "m"))?.[1];

const version = read("Directory.Build.props").match(/<Version>([^<]+)<\/Version>/)?.[1];
check(`version ${version} everywhere`, same({
  "Directory.Build.props": version,
  "Dockerfile ARG VERSION": argDefault("VERSION"),
  "Chart.yaml appVersion": String(chart.appVersion),
  "values.yaml image.tag (empty: appVersion)": values.image.tag || String(chart.appVersion),
}));

const home = chart.home;
check(`repository ${home} everywhere`, same({
  "Chart.yaml home": home,
  "Chart.yaml sources[0]": chart.sources?.[0],
  "Dockerfile ARG SOURCE": argDefault("SOURCE"),
}));
check("the Dockerfile labels org.opencontainers.image.source with SOURCE",
  /org\.opencontainers\.image\.source="\$\{SOURCE\}"/.test(dockerfile) ? "" : "label missing");
const ghcr = home && new URL(home).hostname === "github.com" ? `ghcr.io${new URL(home).pathname.toLowerCase()}` : null;
check(`values.yaml image.repository is the repository's ghcr.io image ${ghcr}`,
  ghcr && values.image.repository === ghcr ? "" : `image.repository ${values.image.repository}`);

const runbooks = `${home}/blob/main/docs/runbooks.md`;
check(`values.yaml prometheusRule.runbookBaseUrl is ${runbooks}`,
  values.prometheusRule.runbookBaseUrl === runbooks ? "" : values.prometheusRule.runbookBaseUrl);
const anchors = runbookAnchors(read("docs/runbooks.md"));
const alerts = parse(read("alerts/libvirt-capabilities.rules.yml")).groups.flatMap((g) => g.rules).filter((r) => r.alert);
check(`alerts/: ${alerts.length} alerts, each runbook_url is ${runbooks}#<alert> and a section of docs/runbooks.md`,
  alerts.length === 0 ? "no alerts" : alerts
    .filter((r) => r.annotations?.runbook_url !== `${runbooks}#${r.alert.toLowerCase()}` || !anchors.has(r.alert.toLowerCase()))
    .map((r) => `${r.alert}: ${r.annotations?.runbook_url}`).join("; "));

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
