#!/usr/bin/env bash
# Makes the shipped binary: a Native AOT publish of the exporter for this machine's architecture, into
# OUTDIR (the binary libvirt-capabilities-exporter, plus its symbols in a separate .dbg file).
# The Dockerfile and CI use this script, so there is one way to build what ships.
# Native AOT links with clang and zlib; the script installs Debian's packages when they are missing.
# It takes no lock itself: callers on a shared machine wrap it in `flock /tmp/cpu-heavy.lock`.
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: scripts/publish.sh OUTDIR" >&2; exit 2; }
mkdir -p "$1"
out=$(cd "$1" && pwd)
cd "$(dirname "$0")/.."

case "$(uname -m)" in
  x86_64) rid=linux-x64 ;;
  aarch64) rid=linux-arm64 ;;
  *) echo "publish.sh: unsupported machine $(uname -m)" >&2; exit 1 ;;
esac

missing=()
command -v clang >/dev/null || missing+=(clang)
[ -e /usr/include/zlib.h ] || missing+=(zlib1g-dev)
if [ ${#missing[@]} -gt 0 ]; then
  echo "publish.sh: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null \
    || { apt-get update >/dev/null && apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null; }
fi

dotnet publish src/Libvirt.Capabilities.Exporter -c Release -r "$rid" -p:PublishAot=true -o "$out"

binary="$out/libvirt-capabilities-exporter"
[ -x "$binary" ] || { echo "publish.sh: $binary was not produced" >&2; exit 1; }
echo "publish.sh: $binary $(stat -c %s "$binary") bytes ($rid)"
