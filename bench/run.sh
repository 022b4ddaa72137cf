#!/usr/bin/env bash
# The side-by-side performance comparison of issue 8, in one run, printing one table (bench/README.md):
#   - this exporter's shipped build (Native AOT, scripts/publish.sh) against qemu:///system, default and `all` policy;
#   - Debian's Go prometheus-libvirt-exporter against the same libvirtd;
#   - Kestrel serving the exporter's own /metrics bytes from memory (the static-bytes limit), and the same
#     Native AOT app with nothing to serve (the memory floor of ASP.NET Core), also with a libvirt connection open;
#   - the raw libvirt API loop over the same calls (python3-libvirt);
#   - 1, 10 and 50 targets against the local libvirtd.
# Everything runs on 127.0.0.1, in a bounded number of loops and seconds. The whole run holds
# /tmp/cpu-heavy.lock (builds of others would disturb the figures); expect about 10 minutes including builds.
# Environment: BENCH_PORT_BASE (19870; ten ports from it), BENCH_SECONDS (8, per wrk run),
# BENCH_BUILD_DIR (reuse binaries built there by an earlier run instead of building), BENCH_OUT (work dir).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${BENCH_LOCKED:-}" ]; then
  echo "bench: waiting for /tmp/cpu-heavy.lock" >&2
  BENCH_LOCKED=1 exec flock -o /tmp/cpu-heavy.lock "$0" "$@"
fi

port=${BENCH_PORT_BASE:-19870}
seconds=${BENCH_SECONDS:-8}
work=${BENCH_OUT:-$(mktemp -d /tmp/lce-bench.XXXXXX)}
build=${BENCH_BUILD_DIR:-$work/build}
mkdir -p "$work" "$build"
tck=$(getconf CLK_TCK)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

log() { echo "bench: $*" >&2; }

# --- prerequisites -------------------------------------------------------------------------------------
need=()
command -v wrk >/dev/null || need+=(wrk)
command -v curl >/dev/null || need+=(curl)
command -v prometheus-libvirt-exporter >/dev/null || need+=(prometheus-libvirt-exporter)
/usr/bin/python3 -c 'import libvirt' 2>/dev/null || need+=(python3-libvirt)
if [ ${#need[@]} -gt 0 ]; then
  log "installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y --no-install-recommends "${need[@]}" >/dev/null \
    || { apt-get update >/dev/null && apt-get install -y --no-install-recommends "${need[@]}" >/dev/null; }
fi
bash scripts/libvirtd-up.sh >/dev/null

case "$(uname -m)" in x86_64) rid=linux-x64 ;; aarch64) rid=linux-arm64 ;; *) log "unsupported $(uname -m)"; exit 1 ;; esac
exporter=$build/exporter/libvirt-capabilities-exporter
static=$build/static/static-bytes
if [ ! -x "$exporter" ]; then
  log "publishing the exporter (scripts/publish.sh)"
  bash scripts/publish.sh "$build/exporter" >"$work/publish-exporter.log" 2>&1 || { tail -20 "$work/publish-exporter.log"; exit 1; }
fi
if [ ! -x "$static" ]; then
  log "publishing bench/StaticBytes (Native AOT)"
  dotnet publish bench/StaticBytes -c Release -r "$rid" -p:PublishAot=true -o "$build/static" \
    >"$work/publish-static.log" 2>&1 || { tail -20 "$work/publish-static.log"; exit 1; }
fi

# --- measuring helpers ---------------------------------------------------------------------------------
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }                 # utime + stime, in clock ticks
rss_mb() { awk '/^VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$1/status"; }
now_ns() { date +%s%N; }

# start NAME COMMAND...: runs it in the background, logs in $work/NAME.log; sets $pid.
start() {
  local name=$1; shift
  "$@" >"$work/$name.log" 2>&1 &
  pid=$!
  pids+=("$pid")
}

# wait_ok URL SECONDS: until URL answers 200; prints the milliseconds it took from $t0.
wait_ok() {
  local deadline=$(( $(date +%s) + $2 ))
  until curl -sf -o /dev/null "$1"; do
    [ "$(date +%s)" -lt "$deadline" ] || { log "$1 not ready after $2 s"; return 1; }
    sleep 0.01
  done
  echo $(( ($(now_ns) - t0) / 1000000 ))
}

# load PID URL [HEADER]: wrk -t2 -c8 for $seconds; sets req_s, cpu_ms (per request), rss_load (max MB sampled).
load() {
  local p=$1 url=$2 header=${3:-} out=$work/wrk.out before after max=0 r
  before=$(ticks "$p")
  if [ -n "$header" ]; then wrk -t2 -c8 -d"${seconds}s" -H "$header" "$url" >"$out" & else wrk -t2 -c8 -d"${seconds}s" "$url" >"$out" & fi
  local w=$!
  while kill -0 "$w" 2>/dev/null; do
    r=$(rss_mb "$p"); max=$(awk -v a="$max" -v b="$r" 'BEGIN {print (b > a) ? b : a}'); sleep 0.25
  done
  wait "$w"
  after=$(ticks "$p")
  local requests errors
  requests=$(awk '/requests in/ {print $1}' "$out")
  errors=$(awk '/Non-2xx/ {print $NF}' "$out")
  [ -z "$errors" ] || { log "$url: $errors non-2xx answers"; cat "$out" >&2; exit 1; }
  req_s=$(awk '/^Requests\/sec/ {printf "%.0f", $2}' "$out")
  cpu_ms=$(awk -v t=$((after - before)) -v n="$requests" -v hz="$tck" 'BEGIN {printf "%.3f", t * 1000 / hz / n}')
  rss_load=$max
}

# series URL: the number of samples in a text exposition.
series() { curl -sf "$1" | grep -cv -e '^#' -e '^$'; }

rows=()
# row NAME scrape-figures...: one line of the table.
row() { rows+=("$(printf '%s' "$1"; shift; printf ' | %s' "$@")"); }

# scrape_figures NAME PID URL: plain and gzip load, series, size; appends a row; sets gz_req_s, plain_req_s.
scrape_figures() {
  local name=$1 p=$2 url=$3 n size gz idle
  idle=$(rss_mb "$p")
  n=$(series "$url")
  size=$(curl -sf "$url" | wc -c)
  gz=$(curl -sf -H 'Accept-Encoding: gzip' "$url" | wc -c)
  load "$p" "$url" 'Accept-Encoding: gzip'; gz_req_s=$req_s; local gz_cpu=$cpu_ms gz_rss=$rss_load
  load "$p" "$url"; plain_req_s=$req_s; local plain_cpu=$cpu_ms plain_rss=$rss_load
  local peak; peak=$(awk -v a="$gz_rss" -v b="$plain_rss" 'BEGIN {print (b > a) ? b : a}')
  row "$name" "$n" "$size / $gz" "$gz_req_s / $plain_req_s" "$gz_cpu / $plain_cpu" \
    "$(awk -v s="$gz_req_s" -v n="$n" 'BEGIN {printf "%.0f", s * n}')" "$idle / $peak"
  series_per_s=$(awk -v s="$gz_req_s" -v n="$n" 'BEGIN {printf "%.0f", s * n}')
  rss_idle=$idle; rss_peak=$peak
}

# poll_figures NAME INTERVAL SECONDS ARGS...: an exporter polling every INTERVAL (whole seconds, no jitter) for
# SECONDS, nothing scraping it. Sets poll_ms (median duration it reports: libvirt calls and parsing), api_ms (of
# which in libvirt calls, from its own libvirt_capabilities_api_call_duration_seconds), full_ms (median gap
# between PollCompleted lines minus the interval: also sample building, drift and staging, which run on the
# poller's path after the reported duration), poll_cpu_ms (process CPU per poll), polls.
poll_figures() {
  local name=$1 interval=$2 window=$3; shift 3
  t0=$(now_ns)
  start "$name" "$exporter" --web.listen-address "127.0.0.1:$port" --state.directory "$work/state-$name" \
    --poll.interval "${interval}s" --Poll:Jitter=0 --Logging:LogLevel:Libvirt.Capabilities.Exporter.Polling.TargetPoller=Debug \
    --Logging:Console:FormatterOptions:SingleLine=true --Logging:Console:FormatterOptions:TimestampFormat=HH:mm:ss.fff "$@"
  local p=$pid
  wait_ok "http://127.0.0.1:$port/readyz" 120 >/dev/null
  sleep 2
  local c0 b0 c1 b1 lines
  c0=$(grep -c 'Polled ' "$work/$name.log" || true); b0=$(ticks "$p"); a0=$(api_seconds); k0=$(api_seconds virConnectGetCapabilities)
  sleep "$window"
  c1=$(grep -c 'Polled ' "$work/$name.log" || true); b1=$(ticks "$p"); a1=$(api_seconds); k1=$(api_seconds virConnectGetCapabilities)
  polls=$((c1 - c0))
  lines=$(grep 'Polled ' "$work/$name.log" | tail -n +"$c0" | head -n $((polls + 1)))   # one before the window: gaps
  poll_ms=$(tail -n +2 <<<"$lines" | grep -o ' in [0-9]* ms' | awk '{print $2}' | median)
  full_ms=$(awk -v i="$interval" '{split(substr($0, 1, 12), t, ":"); s = t[1] * 3600 + t[2] * 60 + t[3]
    if (NR > 1) printf "%.0f\n", (s - prev - i) * 1000; prev = s}' <<<"$lines" | median)
  poll_cpu_ms=$(awk -v t=$((b1 - b0)) -v n="$polls" -v hz="$tck" 'BEGIN {printf "%.1f", t * 1000 / hz / n}')
  api_ms=$(awk -v a="$a0" -v b="$a1" 'BEGIN {split(a, x); split(b, y); printf "%.1f", (y[1] - x[1]) * 1000 / (y[2] - x[2])}')
  caps_ms=$(awk -v a="$k0" -v b="$k1" 'BEGIN {split(a, x); split(b, y); printf "%.2f", (y[1] - x[1]) * 1000 / (y[2] - x[2])}')
  poll_rss=$(rss_mb "$p")
  kill "$p"; wait "$p" 2>/dev/null || true
}

# api_seconds [CALL]: the exporter's total seconds in libvirt calls (or in CALL only), and its number of polls
# that called libvirt.
api_seconds() {
  curl -sf "http://127.0.0.1:$port/metrics" | awk -v call="${1:-}" '
    /^libvirt_capabilities_api_call_duration_seconds_sum/ && (call == "" || index($0, call)) {sum += $NF}
    /^libvirt_capabilities_api_call_duration_seconds_count.*virConnectGetCapabilities/ {n = $NF}
    END {print sum, n}'
}

median() { sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }

# --- the run -------------------------------------------------------------------------------------------
lscpu | awk -F: '/Model name/ {gsub(/^ +/, "", $2); print "machine: " $2}' >&2
log "$(nproc) cores, kernel $(uname -r), $(virsh -c qemu:///system version 2>/dev/null | tr '\n' ' ')"

declare -A idle_cpu start_ms scrape_gz series_s idle_rss peak_rss pollms pollcpu rawms rawcpu rawcalls apims fullms rawevms rawpacedms capsms rawcapsms rawpacedcapsms
for policy in default all; do
  log "exporter, --libvirt.machines $policy: start, scrapes"
  t0=$(now_ns)
  start "exporter-$policy" "$exporter" --web.listen-address "127.0.0.1:$port" --state.directory "$work/state-$policy" \
    --poll.interval 1h --libvirt.machines "$policy"
  ep=$pid
  start_ms[$policy]=$(wait_ok "http://127.0.0.1:$port/readyz" 120)
  sleep 3
  i0=$(ticks "$ep"); sleep 5
  idle_cpu[$policy]=$(awk -v t=$(($(ticks "$ep") - i0)) -v hz="$tck" 'BEGIN {printf "%.1f", t * 1000 / hz / 5}')
  curl -sf "http://127.0.0.1:$port/api/targets" >"$work/targets-$policy.json"
  curl -sf "http://127.0.0.1:$port/metrics" >"$work/metrics-$policy.txt"
  curl -sf -H 'Accept-Encoding: gzip' "http://127.0.0.1:$port/metrics" >"$work/metrics-$policy.txt.gz"
  scrape_figures "exporter AOT, $policy" "$ep" "http://127.0.0.1:$port/metrics"
  scrape_gz[$policy]=$gz_req_s; series_s[$policy]=$series_per_s; idle_rss[$policy]=$rss_idle; peak_rss[$policy]=$rss_peak
  kill "$ep"; wait "$ep" 2>/dev/null || true

  # The same build without the project's 2 MiB gen-0 budget (DOTNET_GCgen0size=0: the budget follows the CPU's
  # cache size): how much of the RSS under load the budget saves. (Server GC cannot be compared this way: the
  # build does not link it, so DOTNET_gcServer=1 would be ignored.)
  log "exporter, --libvirt.machines $policy, DOTNET_GCgen0size=0"
  t0=$(now_ns)
  DOTNET_GCgen0size=0 start "exporter-$policy-nobudget" "$exporter" --web.listen-address "127.0.0.1:$port" \
    --state.directory "$work/state-$policy-nobudget" --poll.interval 1h --libvirt.machines "$policy"
  ep=$pid; wait_ok "http://127.0.0.1:$port/readyz" 120 >/dev/null; sleep 3
  scrape_figures "exporter AOT, $policy, gen-0 budget from the cache size (DOTNET_GCgen0size=0)" "$ep" "http://127.0.0.1:$port/metrics"
  kill "$ep"; wait "$ep" 2>/dev/null || true

  log "Kestrel serving the same bytes from memory ($policy)"
  start "static-$policy" "$static" --urls "http://127.0.0.1:$((port + 1))" \
    --file "$work/metrics-$policy.txt" --gzip-file "$work/metrics-$policy.txt.gz"
  sp=$pid; t0=$(now_ns); wait_ok "http://127.0.0.1:$((port + 1))/healthz" 30 >/dev/null; sleep 1
  scrape_figures "static bytes, Kestrel AOT ($policy bytes)" "$sp" "http://127.0.0.1:$((port + 1))/metrics"
  scrape_gz[static-$policy]=$gz_req_s
  kill "$sp"; wait "$sp" 2>/dev/null || true

  # Every second for default; every 3 s for all, whose rendering after a poll takes longer than a second.
  interval=1; [ "$policy" = default ] || interval=3
  log "exporter polling every ${interval}s, nothing scraping ($policy)"
  poll_figures "poll-$policy" "$interval" 18 --libvirt.machines "$policy"
  pollms[$policy]=$poll_ms; pollcpu[$policy]=$poll_cpu_ms; apims[$policy]=$api_ms; fullms[$policy]=$full_ms; capsms[$policy]=$caps_ms
  log "  $polls polls, median $poll_ms ms ($api_ms in libvirt calls), full $full_ms ms, $poll_cpu_ms ms CPU each, RSS $poll_rss MB"

  log "raw libvirt API loop over the same calls ($policy)"
  raw=$(/usr/bin/python3 bench/raw_loop.py --targets-json "$work/targets-$policy.json" --loops 40 --seconds 15)
  log "  $raw"
  rawms[$policy]=$(sed 's/.*wall_ms_median=\([^ ]*\).*/\1/' <<<"$raw")
  rawcpu[$policy]=$(sed 's/.*cpu_ms_per_loop=\([^ ]*\).*/\1/' <<<"$raw")
  rawcalls[$policy]=$(sed 's/^calls=\([0-9]*\).*/\1/' <<<"$raw")
  raw=$(/usr/bin/python3 bench/raw_loop.py --targets-json "$work/targets-$policy.json" --loops 40 --seconds 15 --event-loop)
  log "  with the exporter's event loop thread and keepalive: $raw"
  rawevms[$policy]=$(sed 's/.*wall_ms_median=\([^ ]*\).*/\1/' <<<"$raw")
  rawcapsms[$policy]=$(sed 's/.*capabilities_ms_median=\([^ ]*\).*/\1/' <<<"$raw")
  # Paced like the poller (one loop per interval): libvirtd's threads go idle between polls, as they do for the exporter.
  raw=$(/usr/bin/python3 bench/raw_loop.py --targets-json "$work/targets-$policy.json" --loops $((18 / interval)) --seconds 25 --event-loop --pause "$interval")
  log "  with the event loop, one loop every ${interval}s like the poller: $raw"
  rawpacedms[$policy]=$(sed 's/.*wall_ms_median=\([^ ]*\).*/\1/' <<<"$raw")
  rawpacedcapsms[$policy]=$(sed 's/.*capabilities_ms_median=\([^ ]*\).*/\1/' <<<"$raw")
done

log "Debian's Go prometheus-libvirt-exporter"
start go-exporter prometheus-libvirt-exporter --web.listen-address "127.0.0.1:$((port + 2))" --libvirt.uri qemu:///system
gp=$pid; t0=$(now_ns); start_ms[go]=$(wait_ok "http://127.0.0.1:$((port + 2))/metrics" 30); sleep 2
libvirtd_pid=$(pgrep -xo libvirtd || true)
lv0=$( [ -n "$libvirtd_pid" ] && ticks "$libvirtd_pid" || echo 0)
scrape_figures "Go prometheus-libvirt-exporter" "$gp" "http://127.0.0.1:$((port + 2))/metrics"
lv1=$( [ -n "$libvirtd_pid" ] && ticks "$libvirtd_pid" || echo 0)
series_s[go]=$series_per_s; idle_rss[go]=$rss_idle; peak_rss[go]=$rss_peak
go_requests=$(awk -v a="$gz_req_s" -v b="$plain_req_s" -v s="$seconds" 'BEGIN {print (a + b) * s}')
log "  libvirtd CPU during the Go exporter's load: $(awk -v t=$((lv1 - lv0)) -v n="$go_requests" -v hz="$tck" 'BEGIN {printf "%.2f", t * 1000 / hz / n}') ms per scrape"
kill "$gp"; wait "$gp" 2>/dev/null || true

log "bare ASP.NET Core Native AOT app (memory floor)"
start bare "$static" --urls "http://127.0.0.1:$((port + 3))"
bp=$pid; t0=$(now_ns); start_ms[bare]=$(wait_ok "http://127.0.0.1:$((port + 3))/healthz" 30); sleep 2
idle_rss[bare]=$(rss_mb "$bp")
load "$bp" "http://127.0.0.1:$((port + 3))/healthz"; peak_rss[bare]=$rss_load
row "bare ASP.NET Core AOT (/healthz)" "1" "2 / -" "- / $req_s" "- / $cpu_ms" "-" "${idle_rss[bare]} / ${peak_rss[bare]}"
kill "$bp"; wait "$bp" 2>/dev/null || true

# The floor of any .NET exporter of libvirt: the same app after opening a libvirt connection (libvirt.so.0 and the
# libraries it needs mapped, one virConnectGetCapabilities answered), as the Go exporter has them too.
log "bare ASP.NET Core Native AOT app with a libvirt connection (memory floor with libvirt)"
start bare-libvirt "$static" --urls "http://127.0.0.1:$((port + 3))" --libvirt qemu:///system
bp=$pid; t0=$(now_ns); wait_ok "http://127.0.0.1:$((port + 3))/healthz" 30 >/dev/null; sleep 2
idle_rss[bare-libvirt]=$(rss_mb "$bp")
load "$bp" "http://127.0.0.1:$((port + 3))/healthz"; peak_rss[bare-libvirt]=$rss_load
row "bare ASP.NET Core AOT with a libvirt connection (/healthz)" "1" "2 / -" "- / $req_s" "- / $cpu_ms" "-" "${idle_rss[bare-libvirt]} / ${peak_rss[bare-libvirt]}"
kill "$bp"; wait "$bp" 2>/dev/null || true

scale=()
for n in 1 10 50; do
  log "scale: $n targets on qemu:///system, default policy"
  {
    printf '{"Libvirt":{"Targets":['
    for i in $(seq 1 "$n"); do [ "$i" -gt 1 ] && printf ','; printf '{"Name":"bench-%02d","Uri":"qemu:///system"}' "$i"; done
    printf ']}}\n'
  } >"$work/targets-$n.json"
  t0=$(now_ns)
  start "scale-$n" "$exporter" --config.file "$work/targets-$n.json" --web.listen-address "127.0.0.1:$((port + 4))" \
    --state.directory "$work/state-scale-$n" --poll.interval 5s \
    --Logging:LogLevel:Libvirt.Capabilities.Exporter.Polling.TargetPoller=Debug
  xp=$pid
  first=$(wait_ok "http://127.0.0.1:$((port + 4))/readyz" 300)
  sleep 2
  c0=$(grep -c 'Polled ' "$work/scale-$n.log" || true); b0=$(ticks "$xp")
  sleep 15
  c1=$(grep -c 'Polled ' "$work/scale-$n.log" || true); b1=$(ticks "$xp")
  polls=$((c1 - c0))
  poll=$(grep -o 'Polled [^ ]* in [0-9]* ms' "$work/scale-$n.log" | tail -n +$((c0 + 1)) | head -n "$polls" \
    | awk '{print $4}' | median)
  cycle_cpu=$(awk -v t=$((b1 - b0)) -v p="$polls" -v n="$n" -v hz="$tck" 'BEGIN {printf "%.1f", t * 1000 / hz / (p / n)}')
  url="http://127.0.0.1:$((port + 4))/metrics"
  size=$(curl -sf "$url" | wc -c); gz=$(curl -sf -H 'Accept-Encoding: gzip' "$url" | wc -c); nseries=$(series "$url")
  stime=$(for _ in $(seq 20); do curl -sf -o /dev/null -w '%{time_total}\n' -H 'Accept-Encoding: gzip' "$url"; done \
    | median | awk '{printf "%.2f", $1 * 1000}')
  scale+=("$n | $first | $poll | $cycle_cpu | $(rss_mb "$xp") | $nseries | $size / $gz | $stime")
  kill "$xp"; wait "$xp" 2>/dev/null || true
done

# --- the table -----------------------------------------------------------------------------------------
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2fx", a / b}'; }
verdict() { awk -v v="$1" -v g="$2" -v op="$3" 'BEGIN {ok = (op == ">=") ? v >= g : v <= g; print ok ? "met" : "NOT met"}'; }
cat <<EOF

## Scrapes (wrk -t2 -c8 -d${seconds}s; "gzip" = -H 'Accept-Encoding: gzip' as Prometheus sends)
| process | series | bytes plain / gzip | scrapes/s gzip / plain | CPU ms per scrape gzip / plain | series/s (gzip) | RSS MB idle / under load |
|---|---|---|---|---|---|---|
EOF
printf '| %s |\n' "${rows[@]}"
cat <<EOF

## Polls (exporter polling every 1 s (default) or 3 s (all), no jitter, for 18 s, nothing scraping; raw = bench/raw_loop.py: same calls, one connection)
"reported" = PollCompleted / libvirt_capabilities_scrape_duration_seconds (libvirt calls and parsing); "full" = also
sample building, drift and staging (gap between polls minus the interval). Medians.

| policy | libvirt calls per poll | reported poll ms | of which libvirt calls ms | full poll ms | exporter CPU ms per poll | raw loop ms | raw loop CPU ms | raw loop with event loop ms | raw loop with event loop, paced ms | virConnectGetCapabilities ms: exporter / raw, event loop / raw, paced | reported / raw | full / raw | full / raw paced |
|---|---|---|---|---|---|---|---|---|---|---|---|---|---|
EOF
for policy in default all; do
  echo "| $policy | ${rawcalls[$policy]} | ${pollms[$policy]} | ${apims[$policy]} | ${fullms[$policy]} | ${pollcpu[$policy]} | ${rawms[$policy]} | ${rawcpu[$policy]} | ${rawevms[$policy]} | ${rawpacedms[$policy]} | ${capsms[$policy]} / ${rawcapsms[$policy]} / ${rawpacedcapsms[$policy]} | $(ratio "${pollms[$policy]}" "${rawms[$policy]}") | $(ratio "${fullms[$policy]}" "${rawms[$policy]}") | $(ratio "${fullms[$policy]}" "${rawpacedms[$policy]}") |"
done
cat <<EOF

## Start (process start to the first 200: /readyz for the exporter, after its first poll)
| exporter default | exporter all | Go exporter (/metrics) | bare AOT app (/healthz) |
|---|---|---|---|
| ${start_ms[default]} ms | ${start_ms[all]} ms | ${start_ms[go]} ms | ${start_ms[bare]} ms |

Idle exporter (polled once, interval 1 h, nothing scraping): ${idle_cpu[default]} ms CPU per second (default), ${idle_cpu[all]} ms (all).

## Scale (N targets named bench-NN on qemu:///system, default policy, --poll.interval 5s, 15 s window)
| targets | first cycle: start to /readyz ms | poll ms (median, per target) | CPU ms per cycle (all targets once) | RSS MB | series | bytes plain / gzip | gzip scrape ms (curl, median of 20) |
|---|---|---|---|---|---|---|---|
EOF
printf '| %s |\n' "${scale[@]}"
sg=$(ratio "${scrape_gz[default]}" "${scrape_gz[static-default]}")
sa=$(ratio "${scrape_gz[all]}" "${scrape_gz[static-all]}")
ss=$(ratio "${series_s[default]}" "${series_s[go]}")
cat <<EOF

## Goals (same run)
| goal | figure | verdict |
|---|---|---|
| scrapes/s >= 0.5x Kestrel serving the same bytes (gzip) | default ${sg}, all ${sa} | default $(verdict "${sg%x}" 0.5 '>='), all $(verdict "${sa%x}" 0.5 '>=') |
| series/s >= 20x the Go exporter (gzip, default policy) | ${ss} | $(verdict "${ss%x}" 20 '>=') |
| RSS idle <= the Go exporter's (default policy) | ${idle_rss[default]} vs ${idle_rss[go]} MB ($(ratio "${idle_rss[default]}" "${idle_rss[go]}"); floor: bare AOT app ${idle_rss[bare]} MB, with a libvirt connection ${idle_rss[bare-libvirt]} MB = $(ratio "${idle_rss[bare-libvirt]}" "${idle_rss[go]}") the Go exporter's) | $(verdict "${idle_rss[default]}" "${idle_rss[go]}" '<=') |
| RSS under load <= the Go exporter's (default policy) | ${peak_rss[default]} vs ${peak_rss[go]} MB ($(ratio "${peak_rss[default]}" "${peak_rss[go]}"); floor: bare AOT app ${peak_rss[bare]} MB, with a libvirt connection ${peak_rss[bare-libvirt]} MB) | $(verdict "${peak_rss[default]}" "${peak_rss[go]}" '<=') |
| the floor with libvirt <= the Go exporter's idle RSS (can the RSS goal be met at all by an ASP.NET Core app on libvirt.so.0?) | ${idle_rss[bare-libvirt]} vs ${idle_rss[go]} MB | $(verdict "${idle_rss[bare-libvirt]}" "${idle_rss[go]}" '<=') |
| RSS idle above the floor with libvirt (what the exporter itself costs) | $(awk -v a="${idle_rss[default]}" -v b="${idle_rss[bare-libvirt]}" 'BEGIN {printf "%.1f", a - b}') MB (default), $(awk -v a="${idle_rss[all]}" -v b="${idle_rss[bare-libvirt]}" 'BEGIN {printf "%.1f", a - b}') MB (all) | - |
| full poll <= 1.3x the raw loop, default | $(ratio "${fullms[default]}" "${rawms[default]}") (reported poll: $(ratio "${pollms[default]}" "${rawms[default]}")) | $(verdict "$(ratio "${fullms[default]}" "${rawms[default]}" | tr -d x)" 1.3 '<=') |
| full poll <= 1.3x the raw loop paced like the poller (event loop, one loop per interval), default | $(ratio "${fullms[default]}" "${rawpacedms[default]}") | $(verdict "$(ratio "${fullms[default]}" "${rawpacedms[default]}" | tr -d x)" 1.3 '<=') |
| full poll <= 1.3x the raw loop, all | $(ratio "${fullms[all]}" "${rawms[all]}") (reported poll: $(ratio "${pollms[all]}" "${rawms[all]}")) | $(verdict "$(ratio "${fullms[all]}" "${rawms[all]}" | tr -d x)" 1.3 '<=') |
| full poll <= 1.3x the raw loop paced like the poller (event loop, one loop per interval), all | $(ratio "${fullms[all]}" "${rawpacedms[all]}") | $(verdict "$(ratio "${fullms[all]}" "${rawpacedms[all]}" | tr -d x)" 1.3 '<=') |

logs and captured bytes: $work
EOF
