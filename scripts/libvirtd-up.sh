#!/usr/bin/env bash
# Installs (when missing) and starts a local libvirtd with the QEMU driver, idempotently.
# This machine kind has no systemd, so the daemons are started by hand. libvirtd also listens on
# TCP 127.0.0.1:16509 without authentication so that remote URIs (qemu+tcp://) are tested for real;
# that listener is bound to loopback only and is meant for test machines.
set -euo pipefail

need_pkgs=()
for pkg in libvirt0 libvirt-daemon libvirt-daemon-driver-qemu libvirt-clients qemu-system-x86 ${LIBVIRT_EXTRA_PACKAGES:-}; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need_pkgs+=("$pkg")
done
if [ ${#need_pkgs[@]} -gt 0 ]; then
  echo "libvirtd-up: installing ${need_pkgs[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >&2
fi

# The QEMU driver refuses to load unless its unprivileged user exists.
getent group kvm >/dev/null || groupadd --system kvm
getent group libvirt-qemu >/dev/null || groupadd --system libvirt-qemu
id libvirt-qemu >/dev/null 2>&1 || useradd --system --no-create-home --home-dir /var/lib/libvirt \
  --shell /usr/sbin/nologin --gid libvirt-qemu --groups kvm libvirt-qemu
getent group libvirt >/dev/null || groupadd --system libvirt

# Mirror udev's rule for /dev/kvm (root:kvm 0660). Machines without udev leave it root:root 0600; libvirt
# then finds at every call that KVM "is not available now" for its QEMU user, invalidates its QEMU
# capability cache and re-probes every binary (about 4 s per call instead of milliseconds).
if [ -c /dev/kvm ]; then
  chgrp kvm /dev/kvm
  chmod 0660 /dev/kvm
fi
mkdir -p /var/log/libvirt /var/run/libvirt /var/lib/libvirt

conf_dir=/var/lib/libvirt-capabilities-exporter
mkdir -p "$conf_dir"
cat > "$conf_dir/libvirtd.conf" <<CONF
listen_tls = 0
listen_tcp = 1
listen_addr = "127.0.0.1"
auth_tcp = "none"
auth_unix_ro = "none"
auth_unix_rw = "none"
unix_sock_group = "libvirt"
unix_sock_ro_perms = "0777"
unix_sock_rw_perms = "0770"
CONF

# Daemons must not inherit the caller's descriptors (a build lock held by flock, a test's pipes): close
# everything above stderr in this shell before starting them.
for fd in /proc/$$/fd/*; do
  fd=${fd##*/}
  if [ "$fd" -gt 2 ] 2>/dev/null; then eval "exec $fd>&-" 2>/dev/null || true; fi
done

pgrep -x virtlogd >/dev/null || virtlogd -d
if ! pgrep -x libvirtd >/dev/null; then
  libvirtd -d --listen -f "$conf_dir/libvirtd.conf"
fi

# Wait until the daemon answers on both the socket and TCP (it probes QEMU on first start).
for _ in $(seq 1 60); do
  if virsh -c qemu:///system version >/dev/null 2>&1 && virsh -c qemu+tcp://127.0.0.1/system uri >/dev/null 2>&1; then
    echo "libvirtd-up: libvirtd is ready ($(virsh -c qemu:///system version | grep -i 'running hypervisor' || true))" >&2
    exit 0
  fi
  sleep 1
done
echo "libvirtd-up: libvirtd did not answer on qemu:///system and qemu+tcp://127.0.0.1/system within 60 s" >&2
exit 1
