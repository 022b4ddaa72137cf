#!/usr/bin/env bash
# Builds and runs the container image without a Docker daemon or a registry: Debian's buildah (chroot
# isolation, its configured storage: overlay on Debian 12) builds the repository's Dockerfile on local
# base images made from Debian packages by debootstrap (kept between runs by name), and runs it against
# the host's libvirtd.
#
#   scripts/image.sh build          base images (when missing), then the image; prints name, size, build time
#   scripts/image.sh run [ARG...]   runs the image as its user, plus the group of the host's libvirt socket,
#                                   with /run/libvirt mounted; ARGs go to the exporter, e.g.
#                                   --web.listen-address 127.0.0.1:19300
#
# Needs root, buildah and debootstrap (scripts/suites/40-image.sh installs them). The image build holds the
# shared machine's CPU lock, CPU_HEAVY_LOCK (default /tmp/cpu-heavy.lock). Environment: IMAGE (default
# localhost/libvirt-capabilities-exporter:dev), DEBIAN_MIRROR (default http://deb.debian.org/debian).
set -euo pipefail
cd "$(dirname "$0")/.."

export BUILDAH_ISOLATION=chroot
image=${IMAGE:-localhost/libvirt-capabilities-exporter:dev}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
lock=${CPU_HEAVY_LOCK:-/tmp/cpu-heavy.lock}
suite=bookworm
dotnet_root=$(dirname "$(readlink -f "$(command -v dotnet)")")
sdk_version=$(dotnet --version)
# The recipe of each base image is in its name: changing a package list or the SDK makes a new one.
runtime_base=localhost/libvirt-capabilities-exporter-runtime-base:$suite-1
build_base=localhost/libvirt-capabilities-exporter-build-base:$suite-sdk-$sdk_version-2
runtime_packages=libvirt0,ca-certificates
# clang and zlib for Native AOT; ICU, OpenSSL and GSSAPI for the .NET SDK itself.
build_packages=clang,zlib1g-dev,ca-certificates,libicu72,libssl3,libgssapi-krb5-2

have_image() { buildah inspect --type image "$1" >/dev/null 2>&1; }

# make_base NAME PACKAGES [COMMAND [ENV...]]: a Debian root file system with PACKAGES, as a local image
# NAME. COMMAND is run with the root file system's path to add to it; ENV (NAME=value) go into its config.
make_base() {
  local name=$1 packages=$2 extra=${3:-} work ctr var started=$SECONDS
  shift $(($# < 3 ? $# : 3))
  have_image "$name" && return 0
  echo "image.sh: making base image $name" >&2
  work=$(mktemp -d /var/tmp/lce-base.XXXXXX)
  debootstrap --variant=minbase --include="$packages" "$suite" "$work/root" "$mirror" >"$work/debootstrap.log" 2>&1 \
    || { tail -n 20 "$work/debootstrap.log" >&2; rm -rf "$work"; return 1; }
  # As in Debian's slim images: no package cache, lists, docs or translations. /dev is the runtime's.
  rm -rf "$work"/root/var/cache/apt/archives/*.deb "$work"/root/var/lib/apt/lists/* \
    "$work"/root/usr/share/doc/* "$work"/root/usr/share/man/* "$work"/root/usr/share/locale/* "$work"/root/dev/*
  [ -z "$extra" ] || "$extra" "$work/root"
  ctr=$(buildah from scratch)
  buildah copy --quiet "$ctr" "$work/root" / >/dev/null
  buildah config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin --cmd bash "$ctr"
  for var in "$@"; do buildah config --env "$var" "$ctr"; done
  buildah config \
    --label "org.opencontainers.image.description=debootstrap --variant=minbase --include=$packages $suite" "$ctr"
  buildah commit --quiet --rm "$ctr" "$name" >/dev/null
  rm -rf "$work"
  echo "image.sh: made base image $name in $((SECONDS - started)) s" >&2
}

# The host's .NET SDK, where the official SDK image has it (/usr/share/dotnet, /usr/bin/dotnet), and the
# host's way to NuGet: its NuGet.Config and its local CA certificates (this network may intercept TLS with
# a local CA). Only the build stage's base gets them; nothing of it reaches the runtime image.
add_sdk() {
  mkdir -p "$1/usr/share/dotnet"
  cp -a "$dotnet_root/." "$1/usr/share/dotnet/"
  ln -sf /usr/share/dotnet/dotnet "$1/usr/bin/dotnet"
  if [ -f "$HOME/.nuget/NuGet/NuGet.Config" ]; then
    install -D -m 0600 "$HOME/.nuget/NuGet/NuGet.Config" "$1/root/.nuget/NuGet/NuGet.Config"
  fi
  if compgen -G '/usr/local/share/ca-certificates/*.crt' >/dev/null; then
    cp /usr/local/share/ca-certificates/*.crt "$1/usr/local/share/ca-certificates/"
    chroot "$1" update-ca-certificates >/dev/null
  fi
}

build() {
  local started old new size
  make_base "$runtime_base" "$runtime_packages"
  make_base "$build_base" "$build_packages" add_sdk \
    DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_RUNNING_IN_CONTAINER=true
  old=$(buildah images --quiet --no-trunc "$image" 2>/dev/null || true)
  echo "image.sh: building $image (waiting for $lock)" >&2
  # The lock is held on fd 9 and not passed to buildah (a process it leaves behind must not keep the
  # lock), and the build time excludes the wait.
  exec 9>"$lock"
  flock 9
  started=$SECONDS
  buildah bud --isolation chroot --format docker --pull=never \
    --build-arg SDK_IMAGE="$build_base" --build-arg RUNTIME_IMAGE="$runtime_base" \
    --build-arg VERSION="$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' Directory.Build.props)" \
    --build-arg REVISION="$(git rev-parse HEAD 2>/dev/null || echo unknown)" \
    --build-arg CREATED="$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
    --tag "$image" --file Dockerfile . 9>&-
  flock --unlock 9
  new=$(buildah images --quiet --no-trunc "$image")
  # The previous build of the same tag is now unnamed: drop it.
  [ -z "$old" ] || [ "$old" = "$new" ] || buildah rmi "$old" >/dev/null 2>&1 || true
  size=$(buildah images --format '{{.Size}}' "$image" | head -n 1)
  echo "image.sh: built $image, $size, buildah bud took $((SECONDS - started)) s"
}

# The working container of `run`, removed when the script exits.
ctr=''
run() {
  have_image "$image" || { echo "image.sh: no image $image; run scripts/image.sh build first" >&2; exit 1; }
  local user uid gid entrypoint=() socket_gid socket_group
  ctr=$(buildah from --pull=never "$image")
  trap 'buildah rm "$ctr" >/dev/null 2>&1 || true' EXIT
  mapfile -t entrypoint < <(buildah inspect --format '{{range .OCIv1.Config.Entrypoint}}{{println .}}{{end}}' "$ctr" | sed '/^$/d')
  user=$(buildah inspect --format '{{.OCIv1.Config.User}}' "$ctr")
  uid=${user%%:*} gid=${user##*:}
  socket_gid=$(stat -c %g /run/libvirt/libvirt-sock)
  socket_group=$(getent group "$socket_gid" | cut -d: -f1)
  # libvirtd names every local client by its UID and GID on the HOST and refuses one it cannot name
  # ("Failed to find user record for uid"); with polkit (Debian's default) it also wants that user in
  # the socket's group. So the host gets a system user for the image's UID, as an operator would add.
  getent group "$gid" >/dev/null || groupadd --system --gid "$gid" libvirt-exporter
  getent passwd "$uid" >/dev/null \
    || useradd --system --uid "$uid" --gid "$gid" --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin libvirt-exporter
  id -nG "$uid" | tr ' ' '\n' | grep -qx "$socket_group" || usermod --append --groups "$socket_group" "$(id -nu "$uid")"
  # The read-write socket is root:libvirt 0770. buildah run has no --group-add (docker run --group-add,
  # Kubernetes supplementalGroups): it takes supplementary groups from the container's /etc/group when
  # --user names no group. So add the socket's group, by its host GID, to this working container only.
  buildah run --isolation chroot --user 0:0 "$ctr" -- sh -c '
    gid=$1 uid=$2
    getent group "$gid" >/dev/null || groupadd --gid "$gid" libvirt-host
    usermod --append --groups "$(getent group "$gid" | cut -d: -f1)" "$(getent passwd "$uid" | cut -d: -f1)"' \
    sh "$socket_gid" "$uid"
  buildah run --isolation chroot --user "$uid" -v /run/libvirt:/run/libvirt "$ctr" -- "${entrypoint[@]}" "$@"
}

case "${1:-}" in
  build) build ;;
  run) shift; run "$@" ;;
  *) echo "usage: scripts/image.sh build | run [exporter arguments]" >&2; exit 2 ;;
esac
