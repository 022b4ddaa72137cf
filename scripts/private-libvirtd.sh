#!/usr/bin/env bash
# Starts or stops a PRIVATE libvirtd for fault tests: one that may be killed, stopped (SIGSTOP) or lose its
# socket without touching the shared libvirtd of scripts/libvirtd-up.sh that other tests use.
#
#   scripts/private-libvirtd.sh start DIR    # prints nothing on success; DIR/env has the ports and paths
#   scripts/private-libvirtd.sh stop DIR
#
# Environment: PRIVATE_LIBVIRTD_TCP_PORT (default 16520), PRIVATE_LIBVIRTD_TLS_PORT (default 16521).
# When DIR/pki holds cacert.pem, servercert.pem and serverkey.pem, the daemon also listens for TLS.
#
# Isolation: a privileged libvirtd hard-codes its QEMU driver state (/run/libvirt/qemu with the driver's
# pid lock, /var/lib/libvirt, /var/cache/libvirt) whatever libvirtd.conf says; only the sockets
# (unix_sock_dir), the pid file (--pid-file) and the logs are configurable. So the daemon runs in its own
# mount namespace (unshare --mount) where those directories are bind mounts of folders in DIR. Its sockets
# are in DIR/sock, visible from outside. It runs as "libvirtd-faults" (a symlink to libvirtd) so that
# `pgrep -x libvirtd` / `pkill -x libvirtd` of the shared daemon's tooling never match it.
set -euo pipefail

usage() { echo "usage: $0 start|stop DIR" >&2; exit 2; }
[ $# -eq 2 ] || usage
action=$1
dir=$(realpath -m "$2")
tcp_port=${PRIVATE_LIBVIRTD_TCP_PORT:-16520}
tls_port=${PRIVATE_LIBVIRTD_TLS_PORT:-16521}
pidfile=$dir/libvirtd.pid

# The daemon's pid while it lives; a killed daemon may linger as a zombie until its parent reaps it.
running_pid() {
  local pid
  pid=$(cat "$pidfile" 2>/dev/null) || return 1
  [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = libvirtd-faults ] || return 1
  [ "$(awk '{ print $3 }' "/proc/$pid/stat" 2>/dev/null)" != Z ] || return 1
  echo "$pid"
}

stop() {
  local pid
  if pid=$(running_pid); then
    kill -CONT "$pid" 2>/dev/null || true # A stopped daemon cannot act on SIGTERM.
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do
      running_pid >/dev/null || break
      sleep 0.2
    done
    kill -KILL "$pid" 2>/dev/null || true
    while running_pid >/dev/null; do sleep 0.1; done
  fi
  rm -f "$pidfile" "$dir"/sock/libvirt-sock "$dir"/sock/libvirt-sock-ro "$dir"/sock/libvirt-admin-sock
}

start() {
  if running_pid >/dev/null; then
    return 0
  fi

  # The same prerequisites as the shared daemon: packages, the QEMU user, /dev/kvm as udev would set it.
  for tool in libvirtd virsh unshare; do
    command -v "$tool" >/dev/null || { echo "private-libvirtd: $tool is missing; run scripts/libvirtd-up.sh first" >&2; exit 1; }
  done
  [ "$(id -u)" -eq 0 ] || { echo "private-libvirtd: must run as root (a private mount namespace)" >&2; exit 1; }
  # Only when needed: /dev/kvm is shared with the daemons already running.
  if [ -c /dev/kvm ] && [ "$(stat -c %G:%a /dev/kvm)" != kvm:660 ]; then
    chgrp kvm /dev/kvm
    chmod 0660 /dev/kvm
  fi

  stop # Leftovers of a killed daemon: stale pid file and sockets.
  mkdir -p "$dir"/{sock,run,lib,cache,log,etc}
  chmod 0755 "$dir"
  # A copy of libvirt's QEMU capability cache spares a 40 s re-probe; libvirt re-validates every entry.
  if [ -d /var/cache/libvirt/qemu/capabilities ] && [ ! -d "$dir/cache/qemu/capabilities" ]; then
    mkdir -p "$dir/cache/qemu"
    cp -a /var/cache/libvirt/qemu/capabilities "$dir/cache/qemu/"
  fi
  [ -e "$dir/etc/libvirt.conf" ] || cp -a /etc/libvirt/. "$dir/etc/"
  ln -sfn "$(command -v libvirtd)" "$dir/libvirtd-faults"

  # Without readable SMBIOS (no /dev/mem in a VM or container) libvirt makes up a new host UUID at every
  # start; a real host keeps its UUID across daemon restarts, so this one does too.
  [ -s "$dir/host-uuid" ] || cat /proc/sys/kernel/random/uuid > "$dir/host-uuid"

  local tls=0 pki=$dir/pki
  if [ -f "$pki/cacert.pem" ] && [ -f "$pki/servercert.pem" ] && [ -f "$pki/serverkey.pem" ]; then
    tls=1
  fi
  cat > "$dir/libvirtd.conf" <<CONF
host_uuid = "$(cat "$dir/host-uuid")"
listen_tcp = 1
listen_tls = $tls
listen_addr = "127.0.0.1"
tcp_port = "$tcp_port"
tls_port = "$tls_port"
auth_tcp = "none"
auth_tls = "none"
auth_unix_ro = "none"
auth_unix_rw = "none"
unix_sock_dir = "$dir/sock"
unix_sock_group = "libvirt"
unix_sock_ro_perms = "0777"
unix_sock_rw_perms = "0770"
key_file = "$pki/serverkey.pem"
cert_file = "$pki/servercert.pem"
ca_file = "$pki/cacert.pem"
log_outputs = "3:file:$dir/libvirtd.log"
CONF

  # A daemon killed a moment ago may still hold its ports while it exits: wait for them, or say who holds them.
  local port busy=
  for _ in $(seq 1 40); do
    command -v ss >/dev/null || break
    busy=
    for port in "$tcp_port" "$tls_port"; do
      if ss -Htln "sport = :$port" | grep -q .; then busy=$port; fi
    done
    [ -z "$busy" ] && break
    sleep 0.25
  done
  if [ -n "$busy" ]; then
    echo "private-libvirtd: port $busy is still in use after 10 s: $(ss -Htlnp "sport = :$busy")" >&2
    exit 1
  fi

  unshare --mount --propagation private -- bash -c '
    set -e
    dir=$1
    mkdir -p /run/libvirt /var/lib/libvirt /var/cache/libvirt /var/log/libvirt /etc/libvirt
    mount --bind "$dir/run" /run/libvirt
    mount --bind "$dir/lib" /var/lib/libvirt
    mount --bind "$dir/cache" /var/cache/libvirt
    mount --bind "$dir/log" /var/log/libvirt
    mount --bind "$dir/etc" /etc/libvirt
    # A daemon keeps every descriptor it inherits: one of them may be the lock of `flock /tmp/cpu-heavy.lock`
    # around the test run, which would then stay held for as long as the daemon lives.
    for fd in /proc/$$/fd/*; do
      fd=${fd##*/}
      if [ "$fd" -gt 2 ]; then eval "exec $fd>&-" 2>/dev/null || true; fi
    done
    # Pinned to one CPU: libvirt 9.0 re-validates its QEMU capability cache against the CPUID of the CPU it
    # happens to run on, which includes its APIC ID, so on this 2-CPU VM half the starts would re-probe QEMU (8 s).
    exec taskset -c 0 "$dir/libvirtd-faults" --daemon --listen --config "$dir/libvirtd.conf" --pid-file "$dir/libvirtd.pid"
  ' private-libvirtd "$dir"

  for _ in $(seq 1 120); do
    if virsh -c "qemu+tcp://127.0.0.1:$tcp_port/system" uri >/dev/null 2>&1 \
      && virsh -c "qemu+unix:///system?socket=$dir/sock/libvirt-sock" uri >/dev/null 2>&1; then
      cat > "$dir/env" <<ENV
PID=$(running_pid)
TCP_URI=qemu+tcp://127.0.0.1:$tcp_port/system
TLS_PORT=$tls_port
UNIX_SOCKET=$dir/sock/libvirt-sock
ENV
      return 0
    fi
    sleep 0.5
  done
  echo "private-libvirtd: no answer on 127.0.0.1:$tcp_port and $dir/sock within 60 s; see $dir/libvirtd.log" >&2
  tail -n 20 "$dir/libvirtd.log" >&2 2>/dev/null || true
  exit 1
}

case $action in
  start) start ;;
  stop) stop ;;
  *) usage ;;
esac
