#!/usr/bin/env bash
# End to end with a real Prometheus (Debian's prometheus) and real libvirt daemons:
#   a PRIVATE libvirtd (scripts/private-libvirtd.sh, TCP 127.0.0.1:19310), which this suite stops; the
#     shared libvirtd of scripts/libvirtd-up.sh is used by others and is never stopped;
#   exporter A (127.0.0.1:19391) polls qemu:///system, qemu+tcp://127.0.0.1/system, the private daemon
#     (qemu+tcp://127.0.0.1:19310/system) and a target that never connects (qemu+tcp://127.0.0.1:1/system):
#     a central exporter, so its targets' group is the job;
#   exporter B (127.0.0.1:19392) polls qemu+tcp://127.0.0.1/system with the target label group="e2e" added
#     by the scrape config, as for one exporter per host;
#   a scrape target where nothing listens (127.0.0.1:19399) stands for an exporter that is down;
#   Prometheus (127.0.0.1:19390) scrapes them every 5 s and evaluates alerts/*.rules.yml every 5 s.
# Through the HTTP API (tools/ops/e2e-check.mjs), phase 1: the targets are up (the private daemon's
# too), the exporter-down alert and the target-down alert of the target that never connects are pending,
# the series the product promises are there. Phase 2: the private libvirtd is stopped;
# LibvirtCapabilitiesTargetDown must go pending for its target and no other, while qemu:///system stays up.
# Pending is the state the rule's `for: 5m` starts in: it appears at the first evaluation that sees
# libvirt_capabilities_up 0, so the rule needs no shortened `for:`. Phase 3: the private libvirtd restarts
# without QEMU for aarch64, with it, and without it again: the target-down alert resolves, the removed
# machine types are counted as capability drift (against virsh), LibvirtCapabilitiesMachineTypeRemoved
# fires for that target and no drift alert for any other; then every dashboard query, with its variables resolved as Grafana does, parses and
# returns data unless dashboards/may-be-empty.txt says it may be empty (the drift panels must show the
# change); every rule evaluates without error; the safe CPU model set equals what virsh reports usable.
# Last line: "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)
source tools/ops/install.sh

PROM_PORT=19390 EXPORTER_A=19391 EXPORTER_B=19392 NOBODY=19399
export PRIVATE_LIBVIRTD_TCP_PORT=19310 PRIVATE_LIBVIRTD_TLS_PORT=19311
BROKEN_URI='qemu+tcp://127.0.0.1:1/system'
TCP_URI='qemu+tcp://127.0.0.1/system'
PRIVATE_URI="qemu+tcp://127.0.0.1:$PRIVATE_LIBVIRTD_TCP_PORT/system"

finish() {
  echo "$1 passed, $2 failed, $3 skipped"
  exit "$([ "$2" -eq 0 ] && echo 0 || echo 1)"
}
# A missing prerequisite fails in CI (LIBVIRT_EXPORTER_REQUIRE_LIBVIRT=1) and skips elsewhere.
unavailable() {
  echo "60-prometheus-e2e: $1" >&2
  if [ "${LIBVIRT_EXPORTER_REQUIRE_LIBVIRT:-0}" = 1 ]; then finish 0 1 0; else finish 0 0 1; fi
}

ops_tools_install || unavailable "could not install prometheus, Node.js or the npm tools"
command -v dotnet >/dev/null || unavailable "dotnet is not installed"
if ! virsh -c qemu:///system version >/dev/null 2>&1 || ! virsh -c "$TCP_URI" uri >/dev/null 2>&1; then
  bash scripts/libvirtd-up.sh >&2 || unavailable "libvirtd does not answer on qemu:///system and $TCP_URI"
fi
for port in $PROM_PORT $EXPORTER_A $EXPORTER_B $NOBODY $PRIVATE_LIBVIRTD_TCP_PORT $PRIVATE_LIBVIRTD_TLS_PORT; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then unavailable "port $port is in use"; fi
done

work=$(mktemp -d /tmp/libvirt-caps-e2e.XXXXXX)
private=$work/libvirtd
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null; done
  bash scripts/private-libvirtd.sh stop "$private" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# The daemon this suite stops: its own mount namespace, state and sockets (see the script).
if ! bash scripts/private-libvirtd.sh start "$private" >"$work/private-libvirtd.log" 2>&1; then
  cat "$work/private-libvirtd.log" >&2
  unavailable "the private libvirtd (scripts/private-libvirtd.sh) does not start"
fi

echo "60-prometheus-e2e: building the exporter" >&2
# Bounded like everything here: a lock held for over 20 minutes fails the suite.
if ! flock -o -w 1200 /tmp/cpu-heavy.lock dotnet build -c Release src/Libvirt.Capabilities.Exporter -nologo -v q >"$work/build.log" 2>&1; then
  cat "$work/build.log" >&2
  finish 0 1 0
fi
exporter="$repo/src/Libvirt.Capabilities.Exporter/bin/Release/net10.0/libvirt-capabilities-exporter"

"$exporter" --web.listen-address "127.0.0.1:$EXPORTER_A" --poll.interval 5s --state.directory '' \
  --libvirt.uri qemu:///system --libvirt.uri "$TCP_URI" --libvirt.uri "$PRIVATE_URI" --libvirt.uri "$BROKEN_URI" \
  >"$work/exporter-a.log" 2>&1 &
pids+=($!)
"$exporter" --web.listen-address "127.0.0.1:$EXPORTER_B" --poll.interval 5s --state.directory '' \
  --libvirt.uri "$TCP_URI" >"$work/exporter-b.log" 2>&1 &
pids+=($!)

cat >"$work/prometheus.yml" <<EOF
global:
  scrape_interval: 5s
  scrape_timeout: 4s
  evaluation_interval: 5s
rule_files:
  - $repo/alerts/libvirt-capabilities.rules.yml
scrape_configs:
  - job_name: libvirt-capabilities-exporter
    static_configs:
      - targets: ['127.0.0.1:$EXPORTER_A']
      - targets: ['127.0.0.1:$EXPORTER_B']
        labels: {group: e2e}
  - job_name: libvirt-capabilities-unreachable
    static_configs:
      - targets: ['127.0.0.1:$NOBODY']
EOF
prometheus --config.file "$work/prometheus.yml" --storage.tsdb.path "$work/data" \
  --web.listen-address "127.0.0.1:$PROM_PORT" >"$work/prometheus.log" 2>&1 &
pids+=($!)
prom="http://127.0.0.1:$PROM_PORT"

# Bounded waits: Prometheus ready, then the first polls scraped and the rules evaluated on them.
query() { curl -sf --max-time 5 "$prom/api/v1/query" --data-urlencode "query=$1" 2>/dev/null; }
ready=0
for _ in $(seq 1 180); do
  if query 'count(target:libvirt_domcaps_cpu_model_usable:max) > 0 and count(ALERTS{alertname="LibvirtCapabilitiesTargetDown"}) > 0' |
    grep -q '"result":\[{'; then
    ready=1
    break
  fi
  sleep 1
done
[ "$ready" = 1 ] || echo "60-prometheus-e2e: after 180 s the exporters' series or the rules are not there yet; checking anyway" >&2
sleep 15 # a few more scrapes, so that rate() over 1m has samples

# The independent oracle: CPU models libvirt reports usable for x86_64 KVM with the machines the exporter
# asks for by default (libvirt's default, pc, q35).
for machine in '' pc q35; do
  virsh -c qemu:///system domcapabilities --arch x86_64 --virttype kvm ${machine:+--machine $machine}
done | grep -o "<model usable='yes'[^>]*>[^<]*" | sed 's/.*>//' | sort -u >"$work/oracle-safe-models.txt"

cat >"$work/expect.txt" <<EOF
# DESCRIPTION | PROMQL that must return at least one series
Prometheus scrapes both exporters | count(up{job="libvirt-capabilities-exporter"} == 1) == 2
the exporter reached qemu:///system | libvirt_capabilities_up{instance="127.0.0.1:$EXPORTER_A", target="qemu:///system"} == 1
the exporter reached $TCP_URI | libvirt_capabilities_up{instance="127.0.0.1:$EXPORTER_A", target="$TCP_URI"} == 1
the exporter reached the private libvirtd | libvirt_capabilities_up{instance="127.0.0.1:$EXPORTER_A", target="$PRIVATE_URI"} == 1
the target that cannot connect is down | libvirt_capabilities_up{target="$BROKEN_URI"} == 0
LibvirtCapabilitiesTargetDown is pending or firing for the target that cannot connect | ALERTS{alertname="LibvirtCapabilitiesTargetDown", target="$BROKEN_URI"}
before the stop, no other target has LibvirtCapabilitiesTargetDown | absent(ALERTS{alertname="LibvirtCapabilitiesTargetDown", target!="$BROKEN_URI"})
LibvirtCapabilitiesExporterDown is pending or firing for the exporter nobody serves | ALERTS{alertname="LibvirtCapabilitiesExporterDown", instance="127.0.0.1:$NOBODY"}
no LibvirtCapabilitiesExporterDown for the running exporters | absent(ALERTS{alertname="LibvirtCapabilitiesExporterDown", job="libvirt-capabilities-exporter"})
the relabelled target label group is the group of exporter B | target:libvirt_capabilities_group:info{group="e2e", instance="127.0.0.1:$EXPORTER_B"}
the job is the group of exporter A's targets | target:libvirt_capabilities_group:info{group="libvirt-capabilities-exporter", instance="127.0.0.1:$EXPORTER_A", target="qemu:///system"}
a group of identical hosts has no divergent CPU model | absent(group:libvirt_domcaps_cpu_model_usable_on_some_hosts:count{arch="x86_64", virt_type="kvm"})
a group of identical hosts has one fingerprint per combination | group:libvirt_domcaps_fingerprint_info:variants{group="libvirt-capabilities-exporter", arch="x86_64", virt_type="kvm"} == 1
# The metric contract of the lead's work (issues 6, 7, 8, 10):
collection stage connect | libvirt_capabilities_collection_success{target="qemu:///system", stage="connect"} == 1
machine is the requested alias, resolved_machine what libvirt reported | libvirt_domcaps_info{target="qemu:///system", arch="x86_64", virt_type="kvm", machine="q35", resolved_machine=~"pc-q35-.+"}
libvirt's default machine type | libvirt_domcaps_default_machine_info{target="qemu:///system", arch="x86_64", virt_type="kvm"}
fleet: the socket and TCP targets (one daemon) make one CPU class | libvirt_fleet_cpu_class_info{group="default", target="qemu:///system"} and on (group, class) libvirt_fleet_cpu_class_info{group="default", target="$TCP_URI"}
fleet: the host-model CPU of the socket target's class runs on the TCP target's class | libvirt_fleet_host_model_compatible{group="default"} == 1 and on (group, source) label_replace(libvirt_fleet_cpu_class_info{target="qemu:///system"}, "source", "\$1", "class", "(.*)") and on (group, destination) label_replace(libvirt_fleet_cpu_class_info{target="$TCP_URI"}, "destination", "\$1", "class", "(.*)")
fleet: a target that never connected has no CPU class to compare | absent(libvirt_fleet_cpu_class_info{target="$BROKEN_URI"})
fleet: hosts per group and arch | libvirt_fleet_hosts{group="default", arch="x86_64"} >= 2
fleet: CPU models usable on the hosts | libvirt_fleet_cpu_model_usable_hosts{group="default", arch="x86_64"}
fleet: machine types offered | libvirt_fleet_machine_type_hosts{group="default", arch="x86_64"}
fleet: a baseline CPU | libvirt_fleet_baseline_cpu_info{group="default", arch="x86_64"}
fleet: the baseline runs on qemu:///system | libvirt_fleet_baseline_cpu_compatible{group="default", arch="x86_64", target="qemu:///system"} == 1
EOF

node tools/ops/e2e-check.mjs --prometheus "$prom" --expect "$work/expect.txt" | tee "$work/check.log"

# Phase 2: the private libvirtd stops. The exporter's next poll (every 5 s) fails, the next scrape publishes
# up 0, and the next rule evaluation makes the alert pending: well within a minute (waited for up to 90 s).
if bash scripts/private-libvirtd.sh stop "$private" >>"$work/private-libvirtd.log" 2>&1 &&
  ! virsh -c "$PRIVATE_URI" uri >/dev/null 2>&1; then
  echo "ok - the private libvirtd is stopped ($PRIVATE_URI no longer answers virsh)" | tee -a "$work/check.log"
else
  echo "not ok - the private libvirtd is stopped: $PRIVATE_URI still answers" | tee -a "$work/check.log"
fi
stopped=$SECONDS
for _ in $(seq 1 90); do
  query "ALERTS{alertname=\"LibvirtCapabilitiesTargetDown\", target=\"$PRIVATE_URI\"}" | grep -q '"result":\[{' && break
  sleep 1
done
echo "60-prometheus-e2e: LibvirtCapabilitiesTargetDown for the stopped libvirtd after $((SECONDS - stopped)) s" >&2
cat >"$work/expect-stopped.txt" <<EOF
# DESCRIPTION | PROMQL that must return at least one series
after the stop, the stopped libvirtd's target is down | libvirt_capabilities_up{instance="127.0.0.1:$EXPORTER_A", target="$PRIVATE_URI"} == 0
after the stop, LibvirtCapabilitiesTargetDown is pending for the stopped libvirtd | ALERTS{alertname="LibvirtCapabilitiesTargetDown", alertstate="pending", severity="warning", instance="127.0.0.1:$EXPORTER_A", target="$PRIVATE_URI"}
after the stop, LibvirtCapabilitiesTargetDown stays for the target that never connected | ALERTS{alertname="LibvirtCapabilitiesTargetDown", target="$BROKEN_URI"}
after the stop, no other target has LibvirtCapabilitiesTargetDown | absent(ALERTS{alertname="LibvirtCapabilitiesTargetDown", target!="$PRIVATE_URI", target!="$BROKEN_URI"})
after the stop, qemu:///system stays up | libvirt_capabilities_up{instance="127.0.0.1:$EXPORTER_A", target="qemu:///system"} == 1
after the stop, $TCP_URI stays up on both exporters | count(libvirt_capabilities_up{target="$TCP_URI"} == 1) == 2
after the stop, the exporter that polls the stopped libvirtd is still scraped | up{instance="127.0.0.1:$EXPORTER_A"} == 1
EOF
node tools/ops/e2e-check.mjs --prometheus "$prom" --expect "$work/expect-stopped.txt" | tee -a "$work/check.log"

# Phase 3: the private libvirtd comes back without QEMU for aarch64, as after an upgrade that dropped a
# package: capability drift on a real daemon. libvirt looks up qemu-system-ARCH in its PATH, so the daemon
# gets a PATH whose /usr/bin lacks that one binary (Debian 12's /bin and /sbin are links into /usr). Then
# aarch64 comes back, and goes again: the drift rules count the first change of a counter series only
# for targets scraped 30 minutes earlier (this Prometheus is minutes old), so the second removal is what
# makes LibvirtCapabilitiesMachineTypeRemoved fire here. Then the dashboards run, with their drift panels
# expected to show the changes.
path_without=$work/usr-bin-without-aarch64
mkdir -p "$path_without"
for binary in /usr/bin/*; do
  [ "${binary##*/}" = qemu-system-aarch64 ] || ln -s "$binary" "$path_without/"
done
# restart_private DESCRIPTION PATH: the private libvirtd stopped, then started with that PATH.
restart_private() {
  bash scripts/private-libvirtd.sh stop "$private" >>"$work/private-libvirtd.log" 2>&1
  if ! PATH="$2" bash scripts/private-libvirtd.sh start "$private" >>"$work/private-libvirtd.log" 2>&1; then
    echo "not ok - the private libvirtd restarts $1" | tee -a "$work/check.log"
  fi
}
# wait_for DESCRIPTION PROMQL: until the query returns a series, for up to 150 s (a restart may re-probe
# QEMU, up to 40 s here).
wait_for() {
  local started=$SECONDS
  for _ in $(seq 1 150); do
    query "$2" | grep -q '"result":\[{' && break
    sleep 1
  done
  echo "60-prometheus-e2e: $1 after $((SECONDS - started)) s" >&2
}
removed="libvirt_capabilities_changes_total{instance=\"127.0.0.1:$EXPORTER_A\", target=\"$PRIVATE_URI\", scope=\"guest_machine_info\", change=\"removed\", kind=\"capability\"}"
restart_private "without qemu-system-aarch64" "$path_without:/usr/sbin"
wait_for "removed machine types counted" "libvirt_capabilities_up{target=\"$PRIVATE_URI\"} == 1 and on () $removed"
restart_private "with qemu-system-aarch64" "$PATH"
wait_for "added machine types counted" "libvirt_capabilities_changes_total{target=\"$PRIVATE_URI\", scope=\"guest_machine_info\", change=\"added\"}"
restart_private "without qemu-system-aarch64 again" "$path_without:/usr/sbin"
wait_for "LibvirtCapabilitiesMachineTypeRemoved" "ALERTS{alertname=\"LibvirtCapabilitiesMachineTypeRemoved\", target=\"$PRIVATE_URI\"}"
sleep 15
# The oracle of the drift: the guest arches the shared daemon offers and the restarted one no longer does.
arches() { virsh -c "$1" capabilities 2>/dev/null | grep -o "<arch name='[^']*'>" | cut -d"'" -f2 | sort -u; }
arches qemu:///system >"$work/arches-shared.txt"
arches "$PRIVATE_URI" >"$work/arches-private.txt"
mapfile -t gone < <(comm -23 "$work/arches-shared.txt" "$work/arches-private.txt")
if [ "${gone[*]}" = aarch64 ] && grep -qx x86_64 "$work/arches-private.txt"; then
  echo "ok - virsh: the restarted libvirtd offers every guest arch of qemu:///system but aarch64" | tee -a "$work/check.log"
else
  echo "not ok - virsh: the restarted libvirtd lacks [${gone[*]}], expected aarch64 only" | tee -a "$work/check.log"
fi
{
  echo "# DESCRIPTION | PROMQL that must return at least one series"
  echo "after the restart, the private libvirtd's target is up again | libvirt_capabilities_up{instance=\"127.0.0.1:$EXPORTER_A\", target=\"$PRIVATE_URI\"} == 1"
  echo "after the restart, LibvirtCapabilitiesTargetDown is resolved for it | absent(ALERTS{alertname=\"LibvirtCapabilitiesTargetDown\", target=\"$PRIVATE_URI\"})"
  for arch in "${gone[@]}"; do
    echo "after the restart, no $arch machine types are published for the private libvirtd | absent(libvirt_guest_machine_info{target=\"$PRIVATE_URI\", arch=\"$arch\"})"
    echo "after the restart, qemu:///system still has $arch machine types | libvirt_guest_machine_info{target=\"qemu:///system\", arch=\"$arch\"}"
  done
  echo "after the restarts, the removed machine types are counted as capability drift, twice | increase($removed[5m]) > 0"
  echo "after the restarts, LibvirtCapabilitiesMachineTypeRemoved fires for the private libvirtd | ALERTS{alertname=\"LibvirtCapabilitiesMachineTypeRemoved\", alertstate=\"firing\", severity=\"warning\", instance=\"127.0.0.1:$EXPORTER_A\", target=\"$PRIVATE_URI\", scope=\"guest_machine_info\"}"
  echo "after the restarts, no drift alert for any other target | absent(ALERTS{alertname=~\"LibvirtCapabilities(CpuModelRemoved|MachineTypeRemoved|FeatureRemoved|Changed)\", target!=\"$PRIVATE_URI\"})"
  echo "after the restart, the last capability change of the private libvirtd is stamped | libvirt_capabilities_last_change_timestamp_seconds{target=\"$PRIVATE_URI\"} > time() - 600"
  echo "no capability drift on qemu:///system | absent(libvirt_capabilities_changes_total{target=\"qemu:///system\", kind=\"capability\"})"
  echo "no drift counted for the target that never connected | absent(libvirt_capabilities_changes_total{target=\"$BROKEN_URI\"})"
} >"$work/expect-restarted.txt"
node tools/ops/e2e-check.mjs --prometheus "$prom" --may-be-empty dashboards/may-be-empty.txt \
  --expect "$work/expect-restarted.txt" --oracle-safe-models "$work/oracle-safe-models.txt" dashboards/*.json |
  tee -a "$work/check.log"

passed=$(grep -c '^ok - ' "$work/check.log")
failed=$(grep -c '^not ok - ' "$work/check.log")
# The three phases must have run to their end.
if [ "$(grep -c '^e2e-check: ' "$work/check.log")" -ne 3 ]; then failed=$((failed + 1)); fi
if [ "$failed" -gt 0 ]; then
  echo "--- exporter A log (tail)" >&2
  tail -n 20 "$work/exporter-a.log" >&2
  echo "--- prometheus log (tail)" >&2
  tail -n 10 "$work/prometheus.log" >&2
fi
finish "$passed" "$failed" 0
