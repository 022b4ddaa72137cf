#!/usr/bin/env bash
# Container image suite: makes the shipped binary with scripts/publish.sh, builds the Dockerfile with
# scripts/image.sh (buildah + debootstrap, no Docker daemon, no registry), runs the image against the
# host's real libvirtd and checks it from the outside: image configuration and labels, user, group access
# to the libvirt socket (and none without the group), /healthz, /metrics against virsh, the state
# directory, the HEALTHCHECK command, and a run with a read-only root file system.
# Last line: "N passed, N failed, N skipped". Ports 19300-19302 (19309: nobody listens). IMAGE names the
# image to build and test (default localhost/libvirt-capabilities-exporter:dev).
set -uo pipefail
cd "$(dirname "$0")/../.."

port=19300 ro_port=19301 ng_port=19302 closed_port=19309
export IMAGE=${IMAGE:-localhost/libvirt-capabilities-exporter:dev}
# The shared machine's CPU lock. flock -o: a daemon the command leaves behind must not inherit it.
lock=${CPU_HEAVY_LOCK:-/tmp/cpu-heavy.lock}
passed=0 failed=0 skipped=0
pass() { passed=$((passed + 1)); echo "ok   $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1${2:+: $2}"; }
check() { local name=$1; shift; if "$@"; then pass "$name"; else fail "$name"; fi; }
finish() { echo "${passed} passed, ${failed} failed, ${skipped} skipped"; [ "$failed" -eq 0 ]; exit; }

work=$(mktemp -d)
runner='' ro_runner='' ro_ctr='' ng_runner='' ng_ctr=''
cleanup() {
  # An exporter is the process listening on one of our ports; image.sh then removes its working container.
  local p
  for p in "$port" "$ro_port" "$ng_port"; do
    p=$(exporter_pid "$p")
    [ -z "$p" ] || kill "$p" 2>/dev/null
  done
  [ -z "$runner" ] || wait "$runner" 2>/dev/null
  [ -z "$ro_runner" ] || wait "$ro_runner" 2>/dev/null
  [ -z "$ng_runner" ] || wait "$ng_runner" 2>/dev/null
  [ -z "$ro_ctr" ] || buildah rm "$ro_ctr" >/dev/null 2>&1
  [ -z "$ng_ctr" ] || buildah rm "$ng_ctr" >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT
exporter_pid() { ss -ltnpH "sport = :$1" 2>/dev/null | grep -o 'pid=[0-9]*' | head -n 1 | cut -d= -f2; }
# until_served RUNNER CMD...: up to 60 s until CMD succeeds, or sooner if the container's runner has ended.
until_served() {
  local runner=$1; shift
  for _ in $(seq 1 60); do
    "$@" && return 0
    kill -0 "$runner" 2>/dev/null || return 1
    sleep 1
  done
  return 1
}

missing=()
for pkg in buildah debootstrap; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "40-image: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  { apt-get install -y -qq --no-install-recommends "${missing[@]}" \
    || { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}"; }; } >&2
fi
check "buildah and debootstrap are installed" command -v buildah debootstrap

if ! bash scripts/libvirtd-up.sh; then
  fail "libvirtd is running (scripts/libvirtd-up.sh)"
  finish
fi

# 1. The shipped binary, made on this host as CI and the docs do.
if flock -o "$lock" bash scripts/publish.sh "$work/out" >"$work/publish.log" 2>&1; then
  pass "scripts/publish.sh makes the Native AOT binary"
  tail -n 1 "$work/publish.log"
else
  tail -n 30 "$work/publish.log"
  fail "scripts/publish.sh makes the Native AOT binary"
fi
binary=$work/out/libvirt-capabilities-exporter
# A native executable, not a managed assembly next to a dotnet host.
check "the binary is a native ELF executable without a managed entry assembly" \
  bash -c '[ "$(head -c 4 "$1" | od -An -c | tr -d " ")" = "177ELF" ] && [ ! -e "$1.dll" ]' sh "$binary"
check "the binary loads libvirt.so.0 at run time and renders test:///default" \
  bash -c '"$1" render --uri test:///default | grep -q "^libvirt_capabilities_up{.*} 1$"' sh "$binary"

# 2. The image, from the same Dockerfile as docker/podman would build.
if bash scripts/image.sh build >"$work/build.log" 2>&1; then
  pass "scripts/image.sh build builds the Dockerfile"
  grep '^image.sh: built' "$work/build.log"
else
  tail -n 40 "$work/build.log"
  fail "scripts/image.sh build builds the Dockerfile"
  finish
fi
image=$IMAGE
inspect() { buildah inspect --type image --format "$1" "$image"; }
check "image user is 65532:65532" [ "$(inspect '{{.OCIv1.Config.User}}')" = 65532:65532 ]
check "image exposes 9866/tcp only" [ "$(inspect '{{range $p, $v := .OCIv1.Config.ExposedPorts}}{{$p}} {{end}}')" = "9866/tcp " ]
check "image entrypoint is the binary" \
  [ "$(inspect '{{range .OCIv1.Config.Entrypoint}}{{.}} {{end}}')" = "/opt/libvirt-capabilities-exporter/libvirt-capabilities-exporter " ]
# Docker's HEALTHCHECK is ["CMD", "bash", "-c", SCRIPT]; OCI image configs have no health check.
mapfile -t health < <(inspect '{{range .Docker.Config.Healthcheck.Test}}{{println .}}{{end}}')
check "image has a HEALTHCHECK on /healthz" bash -c '[ "$1 $2 $3" = "CMD bash -c" ] && [[ "$4" == *"GET /healthz "* ]]' sh "${health[@]:0:4}"
for label in title description version created; do
  check "image has OCI label org.opencontainers.image.$label" \
    [ -n "$(inspect "{{index .OCIv1.Config.Labels \"org.opencontainers.image.$label\"}}")" ]
done
check "OCI label revision is this commit" \
  [ "$(inspect '{{index .OCIv1.Config.Labels "org.opencontainers.image.revision"}}')" = "$(git rev-parse HEAD)" ]
# The names the Helm chart pulls the image by (its tag defaults to appVersion; image.repository is the
# ghcr.io image of its home, which ghcr.io links by the source label; 30-helm.sh checks the rest).
chart_yaml=helm/libvirt-capabilities-exporter/Chart.yaml
app_version=$(sed -n 's/^appVersion: *"\{0,1\}\([^"]*\)"\{0,1\} *$/\1/p' "$chart_yaml")
chart_home=$(sed -n 's/^home: *//p' "$chart_yaml")
same_value() { [ -n "$1" ] && [ "$1" = "$2" ]; }
check "OCI label version is the chart's appVersion ${app_version:-?}" \
  same_value "$app_version" "$(inspect '{{index .OCIv1.Config.Labels "org.opencontainers.image.version"}}')"
check "OCI label source is the chart's home ${chart_home:-?}" \
  same_value "$chart_home" "$(inspect '{{index .OCIv1.Config.Labels "org.opencontainers.image.source"}}')"
echo "image size: $(buildah images --format '{{.Size}}' "$image" | head -n 1)"

# 3. Run it against the host's libvirtd, as the image user with the socket's group.
bash scripts/image.sh run --web.listen-address "127.0.0.1:$port" --poll.interval 10m >"$work/run.log" 2>&1 &
runner=$!
ready=0
for _ in $(seq 1 120); do
  if curl -fsS -o /dev/null "http://127.0.0.1:$port/readyz" 2>/dev/null; then ready=1; break; fi
  kill -0 "$runner" 2>/dev/null || break
  sleep 1
done
if [ "$ready" -ne 1 ]; then
  tail -n 30 "$work/run.log"
  fail "the container becomes ready (/readyz) within 120 s"
  finish
fi
pass "the container becomes ready (/readyz) within 120 s"
pid=$(exporter_pid "$port")
read -r uid gid < <(ps -o uid=,gid= -p "$pid")
check "the exporter runs as UID/GID 65532" [ "$uid:$gid" = 65532:65532 ]
check "the exporter has the libvirt socket's group as a supplementary group" \
  bash -c 'grep "^Groups:" /proc/$1/status | tr -s " \t" "\n" | grep -qx "$2"' sh "$pid" "$(stat -c %g /run/libvirt/libvirt-sock)"
check "the exporter runs in the image's root file system" \
  bash -c '[ "$(readlink "/proc/$1/root")" != / ] && [ -x "/proc/$1/root/opt/libvirt-capabilities-exporter/libvirt-capabilities-exporter" ]' sh "$pid"
# The build stage's distribution may be newer than the runtime's (sdk:10.0 is Ubuntu 24.04): the binary
# must not ask for a glibc symbol version the runtime image lacks.
glibc_needed=$(objdump -T "/proc/$pid/root/opt/libvirt-capabilities-exporter/libvirt-capabilities-exporter" \
  | grep -o 'GLIBC_[0-9.]*' | cut -d_ -f2 | sort -uV | tail -n 1)
glibc_image=$(chroot "/proc/$pid/root" dpkg-query -W -f '${Version}' libc6 | cut -d- -f1)
check "the binary needs glibc ${glibc_needed:-?}, the image has ${glibc_image:-?}" \
  bash -c '[ -n "$1" ] && [ -n "$2" ] && [ "$(printf "%s\n" "$1" "$2" | sort -V | tail -n 1)" = "$2" ]' sh "$glibc_needed" "$glibc_image"
check "the image has no SDK or compiler" bash -c '[ ! -e "$1/usr/share/dotnet" ] && [ ! -e "$1/usr/bin/clang" ]' sh "/proc/$pid/root"

curl -fsS "http://127.0.0.1:$port/healthz" >"$work/healthz" 2>/dev/null
check "/healthz answers ok from the host" grep -qx ok "$work/healthz"
curl -fsS "http://127.0.0.1:$port/metrics" >"$work/metrics" 2>/dev/null
check "/metrics has libvirt_capabilities_up 1" grep -qE '^libvirt_capabilities_up\{.*\} 1$' "$work/metrics"
# Domain capabilities need the read-write socket: the proof that the group access works.
check "/metrics has the domain stage successful" \
  grep -qE '^libvirt_capabilities_collection_success\{.*stage="domain".*\} 1$' "$work/metrics"
check "/metrics has domcaps series" grep -qE '^libvirt_domcaps_cpu_model_usable\{' "$work/metrics"
# Oracle: the machine libvirt resolves q35 to, asked with virsh on the host.
q35=$(virsh -c qemu:///system domcapabilities --arch x86_64 --machine q35 --virttype kvm 2>/dev/null \
  || virsh -c qemu:///system domcapabilities --arch x86_64 --machine q35 --virttype qemu 2>/dev/null)
q35=$(sed -n 's:.*<machine>\(.*\)</machine>.*:\1:p' <<<"$q35")
check "libvirt_domcaps_info has the machine virsh reports for q35 (${q35:-none})" \
  bash -c '[ -n "$1" ] && grep -E "^libvirt_domcaps_info\{" "$2" | grep -qF "\"$1\""' sh "$q35" "$work/metrics"
check "the default state directory is written by the image user" \
  bash -c 'find "$1" -type f -user 65532 | grep -q .' sh "/proc/$pid/root/var/lib/libvirt-capabilities-exporter/state"

# The image's HEALTHCHECK command, run as in the container (its root, its user), on our port: it must
# pass here and fail against a port nobody listens on.
probe() { chroot --userspec=65532:65532 "/proc/$pid/root" bash -c "${health[3]//9866/$1}"; }
probe_fails() { ! probe "$1" 2>/dev/null; }
check "the HEALTHCHECK command passes against the running exporter" probe "$port"
check "the HEALTHCHECK command fails against a closed port" probe_fails "$closed_port"

# 4. A read-only root file system (Kubernetes readOnlyRootFilesystem) with a volume for the state: a second
# copy of the image, its root mounted read-only in a private mount namespace, a tmpfs as the state volume,
# run as 65532 with the socket's group.
ro_ctr=$(buildah from --pull=never "$image")
ro_root=$(buildah mount "$ro_ctr")
mkdir -p "$ro_root/run/libvirt"
unshare --mount --propagation private bash -c '
  set -e
  root=$1 gid=$2 port=$3
  mount --bind "$root" "$root"
  mount -o remount,bind,ro "$root"
  mount --bind /run/libvirt "$root/run/libvirt"
  mount -t proc proc "$root/proc"
  mount --rbind /dev "$root/dev"
  mount -t tmpfs -o uid=65532,gid=65532,mode=0700 state "$root/var/lib/libvirt-capabilities-exporter/state"
  exec chroot --userspec=65532:65532 --groups="$gid" "$root" \
    /opt/libvirt-capabilities-exporter/libvirt-capabilities-exporter --web.listen-address "127.0.0.1:$port" --poll.interval 10m
' sh "$ro_root" "$(stat -c %g /run/libvirt/libvirt-sock)" "$ro_port" >"$work/ro.log" 2>&1 &
ro_runner=$!
until_served "$ro_runner" curl -fsS -o /dev/null "http://127.0.0.1:$ro_port/readyz" 2>/dev/null || true
ro_pid=$(exporter_pid "$ro_port")
curl -fsS "http://127.0.0.1:$ro_port/metrics" >"$work/ro-metrics" 2>/dev/null
check "with a read-only root: the root is mounted read-only" \
  bash -c '[ -n "$1" ] && grep -qE "^[^ ]+ / [^ ]+ ro[, ]" "/proc/$1/mounts"' sh "$ro_pid"
check "with a read-only root: libvirt_capabilities_up 1 and the domain stage successful" \
  bash -c 'grep -qE "^libvirt_capabilities_up\{.*\} 1$" "$1" && grep -qE "^libvirt_capabilities_collection_success\{.*stage=\"domain\".*\} 1$" "$1"' sh "$work/ro-metrics"
check "with a read-only root: the state is written to the volume" \
  bash -c 'find "/proc/$1/root/var/lib/libvirt-capabilities-exporter/state" -type f -user 65532 | grep -q .' sh "$ro_pid"
[ -z "$ro_pid" ] || kill "$ro_pid"
wait "$ro_runner" 2>/dev/null || tail -n 20 "$work/ro.log"
buildah rm "$ro_ctr" >/dev/null
ro_runner='' ro_ctr=''

# 5. The control: the same image as 65532:65532 WITHOUT the socket's group cannot use the read-write
# socket (root:libvirt 0770), so the access above comes from the group, not from a privilege. buildah run
# --user UID:GID sets no supplementary groups at all (buildah 1.28 has no --group-add).
ng_ctr=$(buildah from --pull=never "$image")
buildah run --isolation chroot --user 65532:65532 -v /run/libvirt:/run/libvirt "$ng_ctr" -- \
  /opt/libvirt-capabilities-exporter/libvirt-capabilities-exporter --web.listen-address "127.0.0.1:$ng_port" \
  --poll.interval 10m --state.directory '' >"$work/nogroup.log" 2>&1 &
ng_runner=$!
until_served "$ng_runner" bash -c 'curl -fsS "$1" 2>/dev/null | grep -q "^libvirt_capabilities_up{"' sh "http://127.0.0.1:$ng_port/metrics" || true
ng_pid=$(exporter_pid "$ng_port")
curl -fsS "http://127.0.0.1:$ng_port/metrics" >"$work/nogroup-metrics" 2>/dev/null
check "without the group: the exporter runs as 65532:65532 with no supplementary group but its own" \
  bash -c '[ -n "$1" ] && [ "$(grep "^Groups:" /proc/$1/status | tr -s " \t" " " | sed "s/ *$//")" = "Groups: 65532" ]' sh "$ng_pid"
check "without the group: libvirt_capabilities_up 0" grep -qE '^libvirt_capabilities_up\{.*\} 0$' "$work/nogroup-metrics"
check "without the group: libvirt reports permission denied on libvirt-sock" \
  grep -qE "libvirt-sock.{0,8}: Permission denied" "$work/nogroup.log"
[ -z "$ng_pid" ] || kill "$ng_pid"
wait "$ng_runner" 2>/dev/null
buildah rm "$ng_ctr" >/dev/null
ng_runner='' ng_ctr=''

kill "$pid"
wait "$runner"
status=$?
runner=''
check "the container exits 0 on SIGTERM (exit status $status)" [ "$status" -eq 0 ]
finish
