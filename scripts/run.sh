#!/usr/bin/env bash
# Runs the exporter against the local libvirt, installing and starting libvirtd when needed.
# Extra arguments are passed to the exporter.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/libvirtd-up.sh
exec dotnet run --project src/Libvirt.Capabilities.Exporter -c Release -- render --uri qemu:///system "$@"
