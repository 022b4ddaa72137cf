#!/usr/bin/env bash
# Soak: the exporter polls four targets of the shared libvirtd (two over the socket, two over TCP) at a 1 s
# interval until it has made POLLS polls (default 1000), while /metrics is scraped in a loop by two
# clients. Prints VmRSS, threads and descriptors after the first polls and at the end, and the scrape
# latency. A benchmark, not a test: it asserts nothing. Needs the shared libvirtd (scripts/libvirtd-up.sh).
#
#   bench/soak.sh [POLLS]
set -euo pipefail
cd "$(dirname "$0")/.."

polls=${1:-1000}
port=19130
work=$(mktemp -d /tmp/lce-soak.XXXXXX)
pid=
scrapers=()
cleanup() {
  for p in "${scrapers[@]}" $pid; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

flock /tmp/cpu-heavy.lock dotnet build src/Libvirt.Capabilities.Exporter -c Release -o "$work/bin" -nologo -v q >&2

cat > "$work/config.json" <<'JSON'
{
  "Libvirt": {
    "Targets": [
      { "Name": "soak-socket-1", "Uri": "qemu:///system" },
      { "Name": "soak-socket-2", "Uri": "qemu:///system" },
      { "Name": "soak-tcp-1", "Uri": "qemu+tcp://127.0.0.1/system" },
      { "Name": "soak-tcp-2", "Uri": "qemu+tcp://127.0.0.1/system" }
    ]
  }
}
JSON

metrics() { curl -fsS "http://127.0.0.1:$port/metrics"; }

# Polls so far: one virConnectGetCapabilities call per poll and target.
polled() {
  metrics | awk '/^libvirt_capabilities_api_call_duration_seconds_count\{.*api="virConnectGetCapabilities"/ { n += $NF } END { printf "%d\n", n }'
}

figures() {
  local rss
  rss=$(awk '/^VmRSS:/ { printf "%.0f MiB", $2 / 1024 }' "/proc/$pid/status")
  echo "$1: polls $(polled), VmRSS $rss, threads $(ls "/proc/$pid/task" | wc -l), fds $(ls "/proc/$pid/fd" | wc -l)"
}

# Holds the CPU lock for the whole run: it is a long benchmark on a shared machine.
exec 9>/tmp/cpu-heavy.lock
flock 9

dotnet "$work/bin/libvirt-capabilities-exporter.dll" --web.listen-address="127.0.0.1:$port" --config.file "$work/config.json" \
  --poll.interval=1s --poll.timeout=10s --state.directory "$work/state" --Libvirt:Machines:IncludeArch:0=x86_64 \
  >"$work/exporter.log" 2>&1 &
pid=$!

for _ in $(seq 1 120); do
  [ "$(polled 2>/dev/null)" -ge 4 ] && break
  sleep 0.5
done
figures start

for client in 1 2; do
  (
    while true; do
      curl -fsS -o /dev/null -w '%{time_total}\n' "http://127.0.0.1:$port/metrics" >>"$work/latency.$client" || echo fail >>"$work/latency.$client"
      sleep 0.05
    done
  ) &
  scrapers+=($!)
done

# A line every quarter of the run tells growth from warm-up.
started=$(date +%s)
next=$((polls / 4))
while [ "$(polled)" -lt "$polls" ]; do
  kill -0 "$pid" 2>/dev/null || { echo "soak: the exporter exited" >&2; tail -n 20 "$work/exporter.log" >&2; exit 1; }
  if [ "$(polled)" -ge "$next" ]; then
    figures "after $(($(date +%s) - started)) s"
    next=$((next + polls / 4))
  fi
  sleep 5
done
figures "end (after $(($(date +%s) - started)) s)"

for p in "${scrapers[@]}"; do kill "$p" 2>/dev/null || true; done
scrapers=()
failed=$(cat "$work"/latency.* | grep -c fail || true)
grep -hv fail "$work"/latency.* | sort -n >"$work/latency.sorted"
n=$(wc -l <"$work/latency.sorted")
at() { awk -v line="$1" 'NR == line { printf "%.0f ms", $1 * 1000 }' "$work/latency.sorted"; }
echo "scrapes: $n, failed $failed, p50 $(at $((n * 50 / 100 + 1))), p99 $(at $((n * 99 / 100 + 1))), max $(at "$n")"
echo "errors logged: $(grep -ci 'fail\|error' "$work/exporter.log" || true)"
