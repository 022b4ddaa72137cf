#!/usr/bin/env bash
# Helm chart (helm/libvirt-capabilities-exporter). No helm binary can be installed here, so
# tools/helm-render (Helm's template semantics on Debian's Go, sprig and sigs.k8s.io/yaml) renders every
# ci/*-values.yaml scenario and the sidecar example chart; tools/helm-validate checks every manifest
# against its typed model (npm kubernetes-models, @kubernetes-models/prometheus-operator) and asserts the
# security-relevant fields; ajv checks the merged values against values.schema.json, including values that
# must be rejected; the exporter itself checks every rendered config.json and argument list.
# Ends with "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/../.."
chart=helm/libvirt-capabilities-exporter
example=helm/examples/libvirtd-with-exporter
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0 failed=0 skipped=0
pass() { passed=$((passed + 1)); echo "ok - $*"; }
fail() { failed=$((failed + 1)); echo "not ok - $*"; }
finish() {
  echo "${passed} passed, ${failed} failed, ${skipped} skipped"
  [ "$failed" -eq 0 ]
  exit
}

# Prerequisites, installed when missing. Failing to install is a failure, never a skip.
packages=()
command -v go >/dev/null || packages+=(golang-go)
for p in golang-github-masterminds-sprig-dev golang-k8s-sigs-yaml-dev; do
  dpkg -s "$p" >/dev/null 2>&1 || packages+=("$p")
done
command -v node >/dev/null || packages+=(nodejs)
command -v npm >/dev/null || packages+=(npm)
if [ ${#packages[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y --no-install-recommends "${packages[@]}" >"$work/apt.log" 2>&1; then
    apt-get update >>"$work/apt.log" 2>&1
    apt-get install -y --no-install-recommends "${packages[@]}" >>"$work/apt.log" 2>&1 \
      || { tail -n 20 "$work/apt.log" >&2; fail "install ${packages[*]}"; finish; }
  fi
fi

# Go builds take the shared machine's CPU lock. A lock leaked to a daemon (a process started under flock
# keeps its descriptor) would block forever: after 10 minutes, build anyway at the lowest priority.
heavy() {
  local status=0
  flock -o -w 600 -E 75 /tmp/cpu-heavy.lock "$@" || status=$? # -o: no daemon the command starts inherits the lock
  [ "$status" -ne 75 ] && return "$status" # 75: the lock was not had in time
  echo "30-helm.sh: /tmp/cpu-heavy.lock still held after 10 minutes; running '$*' at nice 19" >&2
  nice -n 19 "$@"
}
if heavy tools/helm-render/build.sh test >"$work/gotest.log" 2>&1; then
  pass "helm-render follows Helm's semantics (go test)"
else
  cat "$work/gotest.log"; fail "helm-render tests"
fi
if ! renderer=$(heavy tools/helm-render/build.sh 2>"$work/build.log"); then
  cat "$work/build.log" >&2; fail "build tools/helm-render"; finish
fi
if ! (cd tools/helm-validate && npm ci --no-audit --no-fund --loglevel=error >"$work/npm.log" 2>&1); then
  cat "$work/npm.log" >&2; fail "npm ci in tools/helm-validate"; finish
fi
# The exporter judges the rendered config.json and flags (scripts/test.sh has built it for the dotnet tests).
exporter=src/Libvirt.Capabilities.Exporter/bin/Debug/net10.0/libvirt-capabilities-exporter
if [ ! -x "$exporter" ] && ! heavy dotnet build src/Libvirt.Capabilities.Exporter -nologo -v q >"$work/dotnet.log" 2>&1; then
  cat "$work/dotnet.log" >&2; fail "build the exporter"; finish
fi
ajv=tools/helm-validate/node_modules/.bin/ajv
schema=$chart/values.schema.json

# render NAME CHART [-f FILE...]: the manifests to $work/NAME.yaml, the merged values to $work/NAME.json.
render() {
  local name=$1 dir=$2
  shift 2
  "$renderer" --release-name lce --namespace monitoring --api-versions monitoring.coreos.com/v1 \
    --values-out "$work/$name.json" "$@" "$dir" >"$work/$name.yaml" 2>"$work/$name.err"
}

# tally NAME COMMAND...: runs a node checker and adds its own "N passed, N failed" counts.
tally() {
  local name=$1
  shift
  "$@" >"$work/$name.checks" 2>&1
  sed "s/^/  [$name] /" "$work/$name.checks"
  local line
  line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$work/$name.checks" | tail -n 1)
  if [ -z "$line" ]; then fail "$name: the checker crashed"; return; fi
  passed=$((passed + ${line%% passed*}))
  line=${line#*passed, }
  failed=$((failed + ${line%% failed*}))
}

# validate NAME [--subchart NAME]: validates a rendered chart.
validate() {
  local name=$1
  shift
  tally "$name" node tools/helm-validate/validate.mjs --manifests "$work/$name.yaml" --values "$work/$name.json" --release lce --repo . --exporter "$exporter" "$@"
}

# Version, repository, image name and runbook links agree across Dockerfile, chart and alerts/.
tally release-names node tools/helm-validate/release-names.mjs --repo .

for scenario in daemonset deployment-remote-tls sidecar prometheus-operator web-config read-only; do
  [ -f "$chart/ci/$scenario-values.yaml" ] && pass "scenario $scenario exists" || fail "scenario $scenario: $chart/ci/$scenario-values.yaml is missing"
done

for file in "$chart"/ci/*-values.yaml; do
  name=$(basename "$file" -values.yaml)
  if ! render "$name" "$chart" -f "$file"; then
    fail "$name: render: $(cat "$work/$name.err")"; continue
  fi
  pass "$name: renders"
  if $ajv validate --spec=draft7 --all-errors -s "$schema" -d "$work/$name.json" >"$work/$name.ajv" 2>&1; then
    pass "$name: values valid against values.schema.json"
  else
    fail "$name: values.schema.json rejects the values: $(cat "$work/$name.ajv")"
  fi
  validate "$name"
done

# The PrometheusRule with the default runbookBaseUrl (ci/prometheus-operator-values.yaml sets another one).
printf 'local: {libvirtGroupId: 993}\nprometheusRule: {enabled: true}\n' >"$work/default-runbooks-values.yaml"
if render default-runbooks "$chart" -f "$work/default-runbooks-values.yaml"; then
  pass "default-runbooks: renders"
  validate default-runbooks
else
  fail "default-runbooks: render: $(cat "$work/default-runbooks.err")"
fi

# The sidecar as users add it: a chart of their own that includes the exporter's named templates.
if render example "$example"; then
  pass "example $example renders"
  node -e 'const fs=require("fs");const v=JSON.parse(fs.readFileSync(process.argv[1]));fs.writeFileSync(process.argv[2],JSON.stringify(v["libvirt-capabilities-exporter"]))' \
    "$work/example.json" "$work/example-sub.json"
  if $ajv validate --spec=draft7 -s "$schema" -d "$work/example-sub.json" >"$work/example.ajv" 2>&1; then
    pass "example: subchart values valid against values.schema.json"
  else
    fail "example: $(cat "$work/example.ajv")"
  fi
  validate example --subchart libvirt-capabilities-exporter
else
  fail "example $example: render: $(cat "$work/example.err")"
fi

# values.schema.json must reject these (each file says why).
for file in tools/helm-validate/bad-values/*.yaml; do
  name=bad-$(basename "$file" .yaml)
  render "$name" "$chart" -f "$file" || true # the chart may refuse them too; the schema is what is tested
  if [ ! -s "$work/$name.json" ]; then
    fail "$name: no merged values"
  elif $ajv validate --spec=draft7 -s "$schema" -d "$work/$name.json" >/dev/null 2>&1; then
    fail "$name: values.schema.json accepts $file"
  else
    pass "$name: rejected by values.schema.json"
  fi
done

# The chart itself refuses values it cannot run with, naming what to set (Helm without the schema check).
expect_render_error() {
  local name=$1 message=$2
  shift 2
  if render "$name" "$chart" "$@"; then
    fail "$name: rendered, expected an error containing '$message'"
  elif grep -qF "$message" "$work/$name.err"; then
    pass "$name: refused with '$message'"
  else
    fail "$name: error was: $(cat "$work/$name.err")"
  fi
}
expect_render_error refuse-default "local.libvirtGroupId is required"
printf 'mode: deployment\n' >"$work/no-targets.yaml"
expect_render_error refuse-no-targets "mode deployment needs at least one entry in targets" -f "$work/no-targets.yaml"
printf 'mode: deployment\ntargets: [{Uri: "qemu+tls://hv/system"}]\n' >"$work/tls.yaml"
expect_render_error refuse-tls-without-secret "set tls.existingSecret" -f "$work/tls.yaml"
printf 'mode: sidecar\nlocal: {libvirtGroupId: 993}\n' >"$work/sidecar.yaml"
expect_render_error refuse-sidecar-without-selector "service.selector is required in sidecar mode" -f "$work/sidecar.yaml"

# The privilege claims, against the real libvirtd: the exporter runs with the rendered pod's UID, GID,
# supplementalGroups, config.json and flags (setpriv instead of kubelet; the socket directory is the
# host's own /run/libvirt). With the socket's group it collects domain capabilities; read-only and
# without any group, host capabilities only.
# exitCode, not exit(): exit() would cut a large body still being written to a pipe.
http_get() { node -e 'fetch(process.argv[1]).then(async (r) => { process.stdout.write(await r.text()); process.exitCode = r.status === 200 ? 0 : 1; }).catch(() => { process.exitCode = 1; })' "$1"; }
run_as_pod() {
  local name=$1 expect=$2 dir=$work/pod-$1 uid gid groups port="" pid metrics
  shift 2
  mkdir -p "$dir/state"
  if ! render "pod-$name" "$chart" "$@" || ! node tools/helm-validate/pod-identity.mjs "$work/pod-$name.yaml" "$dir"; then
    fail "$name: render the pod"; return
  fi
  read -r uid gid groups <"$dir/identity"
  chown "$uid:$gid" "$dir/state" # what the chown-state init container does
  mapfile -t args <"$dir/args"
  args=("${args[@]/#--config.file=*/--config.file=$dir/config.json}")
  args=("${args[@]/#--web.listen-address=*/--web.listen-address=127.0.0.1:0}")
  args=("${args[@]//\$\(NODE_NAME\)/node-1}") # kubelet substitutes $(VAR) from the container's env
  local groupargs=(--clear-groups)
  [ -n "$groups" ] && groupargs=(--groups "$groups")
  setpriv --reuid "$uid" --regid "$gid" "${groupargs[@]}" --inh-caps=-all \
    "$work/exporter-bin/$(basename "$exporter")" "${args[@]}" --state.directory="$dir/state" >"$dir/log" 2>&1 &
  pid=$!
  # The first poll of a host whose libvirt has not cached QEMU's capabilities yet can take minutes.
  for _ in $(seq 1 300); do
    port=$(grep -soE 'Now listening on: http://127\.0\.0\.1:[0-9]+' "$dir/log" | grep -oE '[0-9]+$')
    [ -n "$port" ] && http_get "http://127.0.0.1:$port/readyz" >/dev/null && break
    sleep 1
  done
  metrics=$( [ -n "$port" ] && http_get "http://127.0.0.1:$port/metrics")
  kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
  local stage='libvirt_capabilities_collection_success{target="node-1",stage'
  if [ "$expect" = domain ] && grep -qF "$stage=\"domain\"} 1" <<<"$metrics" && grep -q '^libvirt_domcaps_cpu_model_usable' <<<"$metrics"; then
    pass "$name: as UID $uid with groups [$groups] the exporter reads domain capabilities"
  elif [ "$expect" = host ] && grep -qF "$stage=\"host\"} 1" <<<"$metrics" && grep -qF "$stage=\"domain\"} 0" <<<"$metrics" && grep -q 'reason="read_only"' <<<"$metrics"; then
    pass "$name: as UID $uid without groups the exporter reads host capabilities only"
  else
    fail "$name: expected $expect capabilities (port '$port'): $(grep -E '^libvirt_capabilities_(up|collection_success)' <<<"$metrics" | tr '\n' ' ') $(grep -o '"Message":"[^"]*"' "$dir/log" | tail -n 5)"
  fi
  if [ "$expect" = domain ]; then
    ls "$dir"/state/*.json >/dev/null 2>&1 && pass "$name: state persisted as UID $uid" || fail "$name: no state file in the state directory"
  fi
}
if [ -S /run/libvirt/libvirt-sock ]; then
  chmod 755 "$work" # the pod's user reads its config and binary below
  cp -r "$(dirname "$exporter")" "$work/exporter-bin"
  printf 'local: {libvirtGroupId: %s}\n' "$(stat -c %g /run/libvirt/libvirt-sock)" >"$work/host-group.yaml"
  run_as_pod daemonset domain -f "$chart/ci/daemonset-values.yaml" -f "$work/host-group.yaml"
  run_as_pod read-only host -f "$chart/ci/read-only-values.yaml"
elif [ "${LIBVIRT_EXPORTER_REQUIRE_LIBVIRT:-}" = 1 ]; then
  fail "no libvirtd at /run/libvirt/libvirt-sock: the privilege checks need it"
else
  skipped=$((skipped + 3)); echo "skip - no libvirtd at /run/libvirt/libvirt-sock: privilege checks"
fi

# Helm reads no file outside the chart: files/ holds copies of alerts/ and dashboards/ (helm/sync-files.sh).
if [ ! -f alerts/libvirt-capabilities.rules.yml ]; then
  fail "alerts/libvirt-capabilities.rules.yml is missing: the chart's PrometheusRule has no source"
elif cmp -s alerts/libvirt-capabilities.rules.yml "$chart/files/alerts/libvirt-capabilities.rules.yml"; then
  pass "chart rules are a copy of alerts/libvirt-capabilities.rules.yml"
else
  fail "chart rules differ from alerts/libvirt-capabilities.rules.yml: run helm/sync-files.sh"
fi
if ! ls dashboards/*.json >/dev/null 2>&1; then
  fail "dashboards/*.json is missing: the chart's dashboard ConfigMaps have no source"
elif diff -r <(cd dashboards && ls *.json && cat *.json) <(cd "$chart/files/dashboards" && ls *.json && cat *.json) >/dev/null 2>&1; then
  pass "chart dashboards are a copy of dashboards/*.json"
else
  fail "chart dashboards differ from dashboards/*.json: run helm/sync-files.sh"
fi

finish
