#!/usr/bin/env bash
# Copies the repository's alert rules and Grafana dashboards into the chart. Helm packages only what is
# inside the chart directory (.Files cannot read ../), so the chart carries copies in files/;
# scripts/suites/30-helm.sh fails while they differ from alerts/ and dashboards/. Run after changing either.
set -euo pipefail
cd "$(dirname "$0")/.."
files=helm/libvirt-capabilities-exporter/files
install -D -m 0644 alerts/libvirt-capabilities.rules.yml "$files/alerts/libvirt-capabilities.rules.yml"
rm -f "$files"/dashboards/*.json
mkdir -p "$files/dashboards"
cp dashboards/*.json "$files/dashboards/"
echo "synced $(ls "$files"/dashboards/*.json | wc -l) dashboards and the alert rules into $files"
