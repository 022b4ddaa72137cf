#!/usr/bin/python3
"""The raw libvirt API loop: the libvirt calls one exporter poll makes, from python3-libvirt, with nothing else.

Reads the exporter's /api/targets JSON (first target) for the domain-capabilities combinations it collected,
plans the same calls the exporter makes (per emulator/arch/virt-type group: the default machine, then each
requested machine that does not resolve to a machine already fetched), then times whole loops on one
connection: identity (4 calls) + virConnectGetCapabilities + those domain-capabilities calls.
With --event-loop, the connection is opened as the exporter opens it: libvirt's default event loop running in
a thread (virEventRegisterDefaultImpl, virEventRunDefaultImpl) and keepalive 5 s x 3.
Prints one line: calls=N loops=N wall_ms_median=X wall_ms_min=X cpu_ms_per_loop=X capabilities_ms_median=X
"""
import argparse
import json
import re
import resource
import statistics
import threading
import time

import libvirt

MACHINE = re.compile(r"<machine>([^<]+)</machine>")


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def plan(conn, combinations):
    """The exporter's call list: (emulator, arch, machine or None, virt_type)."""
    groups = {}
    for c in combinations:
        groups.setdefault((c["emulator"], c["arch"], c["virtType"]), []).append(c)
    calls = []
    for (emulator, arch, virt_type), members in groups.items():
        calls.append((emulator, arch, None, virt_type))
        default_xml = conn.getDomainCapabilities(emulator, arch, None, virt_type, 0)
        fetched = set(MACHINE.findall(default_xml)[:1])
        for c in members:
            if c["machine"] == "default" or c.get("resolvedMachine") in fetched:
                continue
            calls.append((emulator, arch, c["machine"], virt_type))
            fetched.add(c.get("resolvedMachine") or c["machine"])
    return calls


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--uri", default="qemu:///system")
    parser.add_argument("--targets-json", required=True)
    parser.add_argument("--loops", type=int, default=50, help="at most this many loops")
    parser.add_argument("--seconds", type=float, default=15.0, help="and at most this long")
    parser.add_argument("--event-loop", action="store_true", help="as the exporter: event loop thread and keepalive")
    parser.add_argument("--pause", type=float, default=0.0,
                        help="seconds between loops, as a poller's interval (libvirtd's threads go idle between polls)")
    args = parser.parse_args()
    if args.event_loop:
        libvirt.virEventRegisterDefaultImpl()
        threading.Thread(target=lambda: [libvirt.virEventRunDefaultImpl() for _ in iter(int, 1)], daemon=True).start()

    with open(args.targets_json, encoding="utf-8") as f:
        target = json.load(f)[0]
    conn = libvirt.open(args.uri)
    if args.event_loop:
        conn.setKeepAlive(5, 3)
    calls = plan(conn, target["combinations"])

    walls = []
    caps = []  # virConnectGetCapabilities alone: the QEMU driver rebuilds the host capabilities at each call.
    cpu_start = cpu_seconds()
    deadline = time.monotonic() + args.seconds
    while len(walls) < args.loops and time.monotonic() < deadline:
        started = time.perf_counter()
        conn.getHostname()
        conn.getLibVersion()
        conn.getType()
        conn.getVersion()
        caps_started = time.perf_counter()
        conn.getCapabilities()
        caps.append((time.perf_counter() - caps_started) * 1000)
        for emulator, arch, machine, virt_type in calls:
            conn.getDomainCapabilities(emulator, arch, machine, virt_type, 0)
        walls.append((time.perf_counter() - started) * 1000)
        if args.pause > 0:
            time.sleep(args.pause)
    cpu_ms = (cpu_seconds() - cpu_start) * 1000 / len(walls)
    conn.close()
    print(f"calls={5 + len(calls)} loops={len(walls)} wall_ms_median={statistics.median(walls):.1f} "
          f"wall_ms_min={min(walls):.1f} cpu_ms_per_loop={cpu_ms:.2f} capabilities_ms_median={statistics.median(caps):.2f}")


if __name__ == "__main__":
    main()
