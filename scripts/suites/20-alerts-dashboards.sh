#!/usr/bin/env bash
# Static checks of the operator artefacts: the Prometheus rules (promtool check and unit tests, naming,
# annotations, runbooks), the Grafana dashboards (schema from npm @grafana/schema; their queries run by
# promtool on synthetic data), and that every metric name they use is documented in docs/metrics.md or
# planned in alerts/planned-metrics.txt.
# Installs promtool (Debian package prometheus), Node.js and the npm tools of tools/ops when missing.
# Last line: "N passed, N failed, 0 skipped".
set -uo pipefail
cd "$(dirname "$0")/../.."
source tools/ops/install.sh

passed=0 failed=0
# Runs one check; its output is shown only when it fails.
check() {
  local name=$1 out
  shift
  if out=$("$@" 2>&1); then
    echo "ok - $name"
    passed=$((passed + 1))
  else
    echo "not ok - $name"
    sed 's/^/    /' <<<"$out"
    failed=$((failed + 1))
  fi
}

if ! ops_tools_install; then
  echo "20-alerts-dashboards: could not install promtool, Node.js or the npm tools" >&2
  echo "0 passed, 1 failed, 0 skipped"
  exit 1
fi

rules=(alerts/*.rules.yml)
check "promtool check rules ${rules[*]}" promtool check rules "${rules[@]}"
for test in alerts/tests/*.yml; do
  check "promtool test rules $test" promtool test rules "$test"
done
check "alert names, severities, annotations, runbooks and tests" \
  node tools/ops/check-alerts.mjs --runbooks docs/runbooks.md "${rules[@]}" -- alerts/tests/*.yml
for dashboard in dashboards/*.json; do
  check "$dashboard matches the Grafana schema" node tools/ops/validate-dashboards.mjs "$dashboard"
done
check "dashboard uids are unique" node tools/ops/validate-dashboards.mjs dashboards/*.json
check "every dashboard panel is described in dashboards/README.md" \
  node tools/ops/check-dashboard-readme.mjs dashboards/README.md dashboards/*.json
for spec in dashboards/tests/*.test.yml; do
  check "dashboard queries on synthetic data: $spec" node tools/ops/dashboard-query-tests.mjs "$spec" dashboards/*.json
done
names=(node tools/ops/check-metric-names.mjs --doc docs/metrics.md --planned alerts/planned-metrics.txt --records "${rules[0]}")
for file in "${rules[@]}" dashboards/*.json; do
  check "$file uses documented or planned metrics only" "${names[@]}" "$file"
done
check "alerts/planned-metrics.txt lists only names docs/metrics.md lacks" "${names[@]}"

echo "${passed} passed, ${failed} failed, 0 skipped"
[ "$failed" -eq 0 ]
