// Writes what a rendered exporter pod would run with, for running the exporter as that pod would:
//   node pod-identity.mjs rendered.yaml OUT_DIR
// OUT_DIR/config.json (the ConfigMap's), OUT_DIR/args (one argument a line), OUT_DIR/identity
// ("UID GID GROUP,GROUP..." from the container and pod security contexts).
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";

const [manifests, out] = process.argv.slice(2);
const docs = parseAllDocuments(readFileSync(manifests, "utf8"), { version: "1.1" }).map((d) => d.toJS()).filter(Boolean);
const pod = docs.find((d) => d.kind === "DaemonSet" || d.kind === "Deployment").spec.template.spec;
const container = pod.containers.find((c) => c.name === "libvirt-capabilities-exporter");
const sc = { ...pod.securityContext, ...container.securityContext };
writeFileSync(join(out, "config.json"), docs.find((d) => d.kind === "ConfigMap" && d.data?.["config.json"]).data["config.json"]);
writeFileSync(join(out, "args"), container.args.join("\n") + "\n");
writeFileSync(join(out, "identity"), `${sc.runAsUser} ${sc.runAsGroup} ${(pod.securityContext?.supplementalGroups ?? []).join(",")}\n`);
