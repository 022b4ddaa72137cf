#!/usr/bin/env bash
# Runs the exporter against the local libvirt (qemu:///system), installing and starting libvirtd when
# needed. Metrics: http://localhost:9866/metrics. Extra arguments go to the exporter, e.g.
#   scripts/run.sh --poll.interval=5m --libvirt.uri qemu+tcp://127.0.0.1/system
#   scripts/run.sh render --uri qemu:///system      (one collection, printed, then exit)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/libvirtd-up.sh
state="${STATE_DIRECTORY:-$PWD/.state}"
if [ "${1:-}" = "render" ]; then
  exec dotnet run --project src/Libvirt.Capabilities.Exporter -c Release -- "$@"
fi
exec dotnet run --project src/Libvirt.Capabilities.Exporter -c Release -- --state.directory "$state" "$@"
