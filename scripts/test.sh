#!/usr/bin/env bash
# Runs the whole test suite against a real libvirtd, which it installs and starts when needed
# (scripts/libvirtd-up.sh): the dotnet tests, then every script in scripts/suites/ (alerts, dashboards,
# Helm chart, container image, end-to-end with Prometheus, ...). Each suite script installs what it needs
# and ends with one line "N passed, N failed[, N skipped]". Prints the totals as one line:
# "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."

LIBVIRT_EXTRA_PACKAGES="qemu-system-arm prometheus" bash scripts/libvirtd-up.sh || {
  echo "test.sh: could not start libvirtd" >&2
  echo "0 passed, 1 failed, 0 skipped"
  exit 1
}

passed=0 failed=0 skipped=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

dotnet test Exporter.sln "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
# dotnet prints one summary per test assembly: "Passed!  - Failed: 0, Passed: 12, Skipped: 0, Total: 12, ..."
read -r p f s < <(awk '
  /(Passed|Failed)! +- +Failed: / {
    for (i = 1; i <= NF; i++) {
      if ($i == "Failed:")  { f += $(i + 1) }
      if ($i == "Passed:")  { p += $(i + 1) }
      if ($i == "Skipped:") { s += $(i + 1) }
    }
  }
  END { printf "%d %d %d\n", p, f, s }' "$log")
# A build error or a crashed test host leaves no summary line: never report that as green.
if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))

# Suites only run with the whole suite (no dotnet test filter given).
if [ $# -eq 0 ]; then
  for suite in scripts/suites/*.sh; do
    [ -e "$suite" ] || continue
    echo "== $suite" >&2
    bash "$suite" 2>&1 | tee "$log"
    suite_status=${PIPESTATUS[0]}
    line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
    p=$(sed -E 's/^([0-9]+) passed.*/\1/' <<<"$line")
    f=$(sed -E 's/^[0-9]+ passed, ([0-9]+) failed.*/\1/' <<<"$line")
    s=$(grep -oE '[0-9]+ skipped' <<<"$line" | grep -oE '[0-9]+' || true)
    p=${p:-0} f=${f:-0} s=${s:-0}
    if [ -z "$line" ] || { [ "$suite_status" -ne 0 ] && [ "$f" -eq 0 ]; }; then
      echo "test.sh: $suite exited $suite_status without reporting a failure; counted as one" >&2
      f=$((f + 1))
    fi
    passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
  done
fi

echo "${passed} passed, ${failed} failed, ${skipped} skipped"
[ "$failed" -eq 0 ]
