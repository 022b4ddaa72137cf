#!/usr/bin/env bash
# Runs the whole test suite against a real libvirtd, which it installs and starts when needed
# (scripts/libvirtd-up.sh). Prints the totals as one line: "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."

LIBVIRT_EXTRA_PACKAGES="qemu-system-arm prometheus" bash scripts/libvirtd-up.sh || {
  echo "test.sh: could not start libvirtd" >&2
  echo "0 passed, 1 failed, 0 skipped"
  exit 1
}

log=$(mktemp)
dotnet test Exporter.sln "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# dotnet prints one summary per test assembly: "Passed!  - Failed: 0, Passed: 12, Skipped: 0, Total: 12, ..."
read -r passed failed skipped < <(awk '
  /(Passed|Failed)! +- +Failed: / {
    for (i = 1; i <= NF; i++) {
      if ($i == "Failed:")  { f += $(i + 1) }
      if ($i == "Passed:")  { p += $(i + 1) }
      if ($i == "Skipped:") { s += $(i + 1) }
    }
  }
  END { printf "%d %d %d\n", p, f, s }' "$log")
rm -f "$log"

# A build error or a crashed test host leaves no summary line: never report that as green.
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1
fi
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
