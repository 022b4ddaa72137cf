// Validates one rendered chart: every manifest against its typed model (kubernetes-models and
// @kubernetes-models/prometheus-operator), then the security-relevant and wiring facts, each derived from
// the values the chart was rendered with (not from the chart's own output).
//
//   node validate.mjs --manifests rendered.yaml --values values.json --release NAME [--subchart NAME] --repo ROOT
//                     [--exporter PATH]
//
// With --exporter (a build of the exporter), the exporter itself is the judge of the rendered config.json
// and arguments: it validates its whole configuration before serving and reports every problem, so it is
// run with an unusable listen address and must report that one problem only.
//
// Prints one "ok - ..." or "not ok - ..." line per check, then "N passed, N failed"; exits 1 on a failure.
import { readFileSync, readdirSync, existsSync, mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { spawnSync } from "node:child_process";
import { parseAllDocuments, parse } from "yaml";
import * as core from "kubernetes-models/v1";
import * as apps from "kubernetes-models/apps/v1";
import * as monitoring from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1";
import { runbookAnchors } from "./runbooks.mjs";

const args = Object.fromEntries(process.argv.slice(2).reduce((a, x, i, all) => (x.startsWith("--") ? [...a, [x.slice(2), all[i + 1]]] : a), []));
const EXPORTER = "libvirt-capabilities-exporter";
let passed = 0, failed = 0;
function check(name, fn) {
  try {
    const problem = fn();
    if (problem) throw new Error(problem);
    passed++;
    console.log(`ok - ${name}`);
  } catch (e) {
    failed++;
    console.log(`not ok - ${name}: ${e.message.split("\n")[0]}`);
  }
}

// JSON with sorted keys: the chart re-serialises the rules (toYaml sorts keys), so compare content only.
const canonical = (v) => JSON.stringify(v, (_, x) => (x && typeof x === "object" && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : x));

const models = { v1: core, "apps/v1": apps, "monitoring.coreos.com/v1": monitoring };
// Kubernetes reads manifests as YAML 1.1 (0440 is octal there), so the validator does too.
const parsed = parseAllDocuments(readFileSync(args.manifests, "utf8"), { version: "1.1" });
check("the output is well-formed YAML", () => parsed.flatMap((d) => d.errors).map((e) => e.message).join("; "));
const docs = parsed.map((d) => d.toJS()).filter((d) => d);
let values = JSON.parse(readFileSync(args.values, "utf8"));
if (args.subchart) values = values[args.subchart];
const repo = args.repo;
const mode = values.mode;
const hasLocal = mode !== "deployment";

check(`rendered ${docs.length} manifests`, () => (docs.length ? "" : "nothing rendered"));
for (const d of docs) {
  check(`${d.kind}/${d.metadata?.name}: valid ${d.apiVersion} ${d.kind}`, () => {
    const Model = models[d.apiVersion]?.[d.kind];
    if (!Model) return `no model for ${d.apiVersion} ${d.kind}`;
    new Model(d).validate();
  });
}

const byKind = (k) => docs.filter((d) => d.kind === k);
const workloads = docs.filter((d) => ["DaemonSet", "Deployment", "StatefulSet"].includes(d.kind));
const withExporter = workloads.filter((w) => w.spec.template.spec.containers.some((c) => c.name === EXPORTER));
const configMap = byKind("ConfigMap").find((c) => c.data?.["config.json"]);

check("one workload runs the exporter, or none in sidecar mode without a host pod", () => {
  const expected = mode === "sidecar" && !args.subchart ? 0 : 1;
  return withExporter.length === expected ? "" : `${withExporter.length} workloads carry the exporter, expected ${expected}`;
});
if (mode === "daemonset") check("daemonset mode renders a DaemonSet", () => (withExporter[0]?.kind === "DaemonSet" ? "" : "no DaemonSet"));
if (mode === "deployment") check("deployment mode renders a Deployment", () => (withExporter[0]?.kind === "Deployment" ? "" : "no Deployment"));

const config = configMap ? JSON.parse(configMap.data["config.json"]) : null;
check("the exporter configuration is a ConfigMap with config.json", () => (config ? "" : "missing"));
check("config.json lists the local target and every values target", () => {
  const targets = config.Libvirt.Targets;
  const expected = (hasLocal ? 1 : 0) + (values.targets ?? []).length;
  if (targets.length !== expected) return `${targets.length} targets, expected ${expected}`;
  if (hasLocal && (targets[0].Uri !== values.local.uri || targets[0].ReadOnly !== values.local.readOnly)) return "local target differs from values.local";
  for (const [i, t] of (values.targets ?? []).entries()) {
    const r = targets[i + (hasLocal ? 1 : 0)];
    if (r.Name !== t.Name || !r.Uri.startsWith(t.Uri)) return `target ${t.Name} rendered as ${JSON.stringify(r)}`;
  }
});
for (const t of (config?.Libvirt.Targets ?? []).filter((t) => /^[a-z0-9]+\+tls:/.test(t.Uri))) {
  check(`TLS target ${t.Name}: pkipath is the mounted ${values.tls.mountPath}`, () => {
    const pki = new URL(t.Uri.replace(/^[^:]+:/, "http:")).searchParams.get("pkipath");
    return pki === values.tls.mountPath ? "" : `${t.Uri}: pkipath ${pki}`;
  });
}
check("state directory in config.json follows values.state", () => {
  const expected = values.state.enabled ? values.state.mountPath : "";
  return config.State.Directory === expected ? "" : `State.Directory '${config.State.Directory}', expected '${expected}'`;
});
check("no secret material in any ConfigMap", () => {
  for (const cm of byKind("ConfigMap")) {
    const text = JSON.stringify(cm.data ?? {});
    if (/-----BEGIN|\$2[aby]\$|basic_auth_users|"Password"/.test(text)) return `${cm.metadata.name} holds secret material`;
    if (/[a-z+]+:\/\/[^/@"]*:[^/@"]*@/.test(text)) return `${cm.metadata.name} has a URI with a password`;
  }
});

for (const w of withExporter) {
  const pod = w.spec.template.spec;
  const psc = pod.securityContext ?? {};
  const c = pod.containers.find((x) => x.name === EXPORTER);
  const sc = c.securityContext ?? {};
  const id = `${w.kind}/${w.metadata.name}`;
  const volume = (name) => (pod.volumes ?? []).find((v) => v.name === name);
  const mountOf = (path) => (c.volumeMounts ?? []).find((m) => m.mountPath === path);

  check(`${id}: exporter runs as non-root UID/GID 65532`, () =>
    (sc.runAsNonRoot ?? psc.runAsNonRoot) === true && (sc.runAsUser ?? psc.runAsUser) === 65532 && (sc.runAsGroup ?? psc.runAsGroup) === 65532
      ? "" : JSON.stringify(sc));
  check(`${id}: read-only root file system, no privilege escalation, not privileged`, () =>
    sc.readOnlyRootFilesystem === true && sc.allowPrivilegeEscalation === false && sc.privileged !== true ? "" : JSON.stringify(sc));
  check(`${id}: all capabilities dropped, none added`, () =>
    sc.capabilities?.drop?.includes("ALL") && !(sc.capabilities?.add?.length) ? "" : JSON.stringify(sc.capabilities));
  check(`${id}: seccomp RuntimeDefault`, () => ((sc.seccompProfile ?? psc.seccompProfile)?.type === "RuntimeDefault" ? "" : "missing"));
  check(`${id}: no host network, PID or IPC namespace`, () => (pod.hostNetwork || pod.hostPID || pod.hostIPC ? "host namespace shared" : ""));
  check(`${id}: service account token not mounted`, () => (pod.automountServiceAccountToken === false ? "" : "token mounted"));
  check(`${id}: memory limit set`, () => (c.resources?.limits?.memory ? "" : "no memory limit"));

  const auth = values.webConfig.enabled && values.webConfig.requiresAuth;
  for (const [probe, path] of [["livenessProbe", "/healthz"], ["readinessProbe", "/readyz"]]) {
    check(`${id}: ${probe} on ${auth ? "the TCP port (auth on)" : path}`, () => {
      const p = c[probe];
      if (!p) return "missing";
      if (auth) return p.tcpSocket?.port === "metrics" ? "" : JSON.stringify(p);
      const scheme = values.webConfig.enabled && values.webConfig.tls ? "HTTPS" : "HTTP";
      return p.httpGet?.path === path && p.httpGet.port === "metrics" && p.httpGet.scheme === scheme ? "" : JSON.stringify(p);
    });
  }
  check(`${id}: port metrics is ${values.port}`, () => (c.ports?.some((p) => p.name === "metrics" && p.containerPort === values.port) ? "" : "missing"));
  check(`${id}: --config.file is the mounted ConfigMap`, () => {
    const m = mountOf("/etc/libvirt-capabilities-exporter/config.json");
    return c.args.includes("--config.file=/etc/libvirt-capabilities-exporter/config.json") && volume(m?.name)?.configMap?.name === configMap.metadata.name
      ? "" : "not wired";
  });

  if (args.exporter) {
    check(`${id}: the exporter accepts the rendered arguments and config.json`, () => {
      const dir = mkdtempSync(join(tmpdir(), "helm-validate-"));
      try {
        writeFileSync(join(dir, "config.json"), configMap.data["config.json"]);
        const argv = c.args
          // The web config file names certificates that exist only in the cluster.
          .filter((a) => !a.startsWith("--web.config.file="))
          .map((a) => (a.startsWith("--config.file=") ? `--config.file=${dir}/config.json` : a))
          .map((a) => (a.startsWith("--web.listen-address=") ? "--web.listen-address=unusable" : a))
          .map((a) => a.replaceAll("$(NODE_NAME)", "node-1")); // what kubelet substitutes from env
        const r = spawnSync(args.exporter, argv, { encoding: "utf8", timeout: 60000 });
        const errors = `${r.stdout}${r.stderr}`.split("\n").filter((l) => l.startsWith("error:"));
        return r.status === 2 && errors.length === 1 && errors[0].includes("Web:ListenAddress")
          ? "" : `exit ${r.status}: ${errors.join(" | ") || r.stderr || r.error}`;
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
  check(`${id}: hostPath volumes are directories, never a socket or file`, () => {
    for (const v of (pod.volumes ?? []).filter((v) => v.hostPath)) {
      if (!["Directory", "DirectoryOrCreate"].includes(v.hostPath.type)) return `${v.name}: type ${v.hostPath.type}`;
      if (/sock/.test(v.hostPath.path)) return `${v.name}: ${v.hostPath.path}`;
    }
  });
  if (hasLocal) {
    check(`${id}: the libvirt socket DIRECTORY ${values.local.socketDirectory} is mounted read-only`, () => {
      const m = mountOf(values.local.socketDirectory);
      if (!m || m.readOnly !== true) return "socket directory not mounted read-only";
      const v = volume(m.name);
      if (values.sidecar.socketVolume) return m.name === values.sidecar.socketVolume && v ? "" : `volume ${m.name} missing in the pod`;
      return v?.hostPath?.path === values.local.socketDirectory && v.hostPath.type === "Directory" ? "" : JSON.stringify(v);
    });
    const gid = values.local.readOnly ? null : values.local.libvirtGroupId;
    check(`${id}: libvirt group ${gid ?? "(read-only: none)"} in supplementalGroups`, () => {
      const groups = psc.supplementalGroups ?? [];
      return gid === null ? (groups.length ? `unexpected ${groups}` : "") : groups.includes(gid) ? "" : `groups ${JSON.stringify(groups)}`;
    });
  } else {
    check(`${id}: no hostPath volume (Pod Security "restricted")`, () => ((pod.volumes ?? []).some((v) => v.hostPath) ? "hostPath used" : ""));
  }
  if (values.state.enabled) {
    check(`${id}: state volume is ${mode === "daemonset" ? "a hostPath" : "an emptyDir"}`, () => {
      const v = volume(mountOf(values.state.mountPath)?.name);
      const hostPath = values.state.hostPath || `/var/lib/libvirt-capabilities-exporter/${args.release}`;
      return (mode === "daemonset" ? v?.hostPath?.path === hostPath : v?.emptyDir) ? "" : JSON.stringify(v);
    });
  }
  for (const init of pod.initContainers ?? []) {
    check(`${id}: init container ${init.name} only chowns, with CAP_CHOWN alone`, () => {
      const s = init.securityContext ?? {};
      return JSON.stringify(s.capabilities) === JSON.stringify({ drop: ["ALL"], add: ["CHOWN"] }) && s.allowPrivilegeEscalation === false && s.readOnlyRootFilesystem === true && init.command[0] === "chown"
        ? "" : JSON.stringify(s);
    });
  }
  if (values.tls.existingSecret) {
    check(`${id}: TLS client material from Secret ${values.tls.existingSecret} at ${values.tls.mountPath}`, () => {
      const v = volume(mountOf(values.tls.mountPath)?.name);
      const keys = (v?.secret?.items ?? []).map((i) => i.path).sort().join(",");
      return v?.secret?.secretName === values.tls.existingSecret && keys === "cacert.pem,clientcert.pem,clientkey.pem" ? "" : JSON.stringify(v);
    });
  }
  check(`${id}: web config ${values.webConfig.enabled ? "from a Secret" : "off"}`, () => {
    const arg = c.args.find((a) => a.startsWith("--web.config.file="));
    if (!values.webConfig.enabled) return arg ? "flag set" : "";
    const v = volume(mountOf("/etc/libvirt-capabilities-exporter/web")?.name);
    return arg === "--web.config.file=/etc/libvirt-capabilities-exporter/web/web-config.yml" && v?.secret ? "" : "not wired to a Secret";
  });
}

for (const s of byKind("Service")) {
  check(`Service/${s.metadata.name}: selects the exporter pods on port metrics`, () => {
    const pods = withExporter.map((w) => w.spec.template.metadata.labels);
    const want = mode === "sidecar" ? values.service.selector : null;
    const sel = s.spec.selector;
    if (want && JSON.stringify(sel) !== JSON.stringify(want)) return `selector ${JSON.stringify(sel)}`;
    if (pods.some((l) => Object.entries(sel).some(([k, v]) => l[k] !== v))) return "selector misses the pod labels";
    return s.spec.ports.some((p) => p.targetPort === "metrics") ? "" : "no metrics port";
  });
}
for (const sm of byKind("ServiceMonitor")) {
  check(`ServiceMonitor/${sm.metadata.name}: selects the Service, job ${values.serviceMonitor.jobLabel}${hasLocal ? `, group ${values.local.group}` : ""}`, () => {
    const svc = byKind("Service")[0];
    if (Object.entries(sm.spec.selector.matchLabels).some(([k, v]) => svc.metadata.labels[k] !== v)) return "selector misses the Service";
    const e = sm.spec.endpoints[0];
    if (e.scheme !== (values.webConfig.enabled && values.webConfig.tls ? "https" : "http")) return `scheme ${e.scheme}`;
    if (!e.relabelings.some((r) => r.targetLabel === "job" && r.replacement === values.serviceMonitor.jobLabel)) return "job not set";
    const group = e.relabelings.find((r) => r.targetLabel === "group");
    if (hasLocal) return group?.replacement === values.local.group ? "" : `group label ${JSON.stringify(group)}`;
    return group ? "group label set for remote targets" : "";
  });
}
check(`ServiceMonitor ${values.serviceMonitor.enabled ? "rendered" : "absent"}`, () => (byKind("ServiceMonitor").length === (values.serviceMonitor.enabled ? 1 : 0) ? "" : "mismatch"));

// The chart ships copies of alerts/ and dashboards/; what it renders must equal the repository's files.
const rules = byKind("PrometheusRule");
check(`PrometheusRule ${values.prometheusRule.enabled ? "rendered" : "absent"}`, () => (rules.length === (values.prometheusRule.enabled ? 1 : 0) ? "" : "mismatch"));
if (rules.length) {
  const base = values.prometheusRule.runbookBaseUrl;
  check(`PrometheusRule groups equal alerts/libvirt-capabilities.rules.yml${base ? `, runbook links on ${base}` : ""}`, () => {
    const file = join(repo, "alerts/libvirt-capabilities.rules.yml");
    if (!existsSync(file)) return `${file} is missing`;
    const expected = parse(readFileSync(file, "utf8")).groups;
    for (const r of expected.flatMap((g) => g.rules)) {
      if (base && r.annotations?.runbook_url) r.annotations.runbook_url = r.annotations.runbook_url.replace(/^[^#]*/, base);
    }
    return canonical(rules[0].spec.groups) === canonical(expected) ? "" : "differ (run helm/sync-files.sh)";
  });
  const alerts = rules[0].spec.groups.flatMap((g) => g.rules).filter((r) => r.alert);
  const anchors = runbookAnchors(readFileSync(join(repo, "docs/runbooks.md"), "utf8"));
  check(`PrometheusRule: each of ${alerts.length} alerts links its own section of docs/runbooks.md${base ? ` at ${base}` : ""}`, () =>
    alerts.length === 0 ? "no alerts" : alerts.filter((r) => {
      const url = r.annotations?.runbook_url ?? "";
      const anchor = url.slice(url.indexOf("#") + 1);
      return !url.includes("#") || (base && url !== `${base}#${anchor}`) || anchor !== r.alert.toLowerCase() || !anchors.has(anchor);
    }).map((r) => `${r.alert}: ${r.annotations?.runbook_url}`).join("; "));
}
const dashboardMaps = byKind("ConfigMap").filter((c) => c.metadata.labels?.grafana_dashboard === "1");
if (values.dashboards.enabled) {
  const dir = join(repo, "dashboards");
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".json")).sort() : [];
  check("dashboards/ has dashboards", () => (files.length ? "" : `${dir}: no *.json`));
  for (const f of files) {
    check(`dashboard ${f}: a ConfigMap labelled grafana_dashboard=1 holds it unchanged, under 1 MiB`, () => {
      const cm = dashboardMaps.find((c) => c.data?.[f] !== undefined);
      if (!cm) return "no ConfigMap";
      if (cm.data[f] !== readFileSync(join(dir, f), "utf8")) return "content differs (run helm/sync-files.sh)";
      return Buffer.byteLength(JSON.stringify(cm)) < 1024 * 1024 ? "" : "too large for a ConfigMap";
    });
  }
  check("no dashboard ConfigMap beyond dashboards/", () => (dashboardMaps.length === files.length ? "" : `${dashboardMaps.length} ConfigMaps for ${files.length} files`));
} else {
  check("no dashboard ConfigMaps", () => (dashboardMaps.length ? "rendered while disabled" : ""));
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
