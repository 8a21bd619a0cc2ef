#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The benchmark (doc/performance.md):  sudo scripts/bench.sh [options]
#
#   (a) dpdk-testpmd io forwarding and (b) xlat64d SIIT on the same virtual ports
#       (net_pcap infinite_rx -> net_null), 64-byte-class UDP, both directions,
#       1, 1k, 100k and 1M flows, one core: Mpps, cycles per packet, ratio to (a);
#   (c) NAT64 established flows (sessions created by a warm-up pass), both ways, and
#   (d) NAT64 session setup (every packet a new BIB entry and session; 100k+ flows);
#   (e) native forwarding of (b)'s packets (routed, not translated; --no-fwd leaves it out);
#   lab: small-UDP packets per second and TCP throughput through xlat64d on af_packet and
#       on af_xdp ports and through TAYGA on the lab's veth pairs, the hosts with the
#       kernel's default offloads (scripts/bench/lab.py; it takes flock /tmp/xlat64-lab.lock
#       itself: do not wrap bench.sh in that flock).
#
#   --scaling (instead of all the above; scripts/bench/scaling.py): multi-core figures,
#       one rx queue (its own pcap) per worker: SIIT both ways with 1 and 2 workers
#       (--workers 1,2,4: counts above nproc skipped; CPUs from the machine), NAT64
#       established flows owned by the receiving worker against flows owned by another
#       (the handoff ring's cost per packet), testpmd io with as many cores;
#       about 2 minutes with the defaults (--duration 3), plot doc/perf-scaling.png.
#
# Bounded: about 11 minutes with the defaults on a 2-core VM (the first run also
# writes the pcaps, cached in /var/tmp/xlat64-bench). Not part of scripts/test.sh.
# Options (scripts/bench/bench.py --help): --flows 1,1000 --duration 3 --no-lab --no-dpdk (the lab only)
#   --lab-ports af_packet,af_xdp --lab-duration 4
#   --eamt 1,1024 --no-siit --no-nat64 --baseline OTHER_XLAT64D --plot doc/perf-bench.png --build DIR
#   --scaling [--workers 1,2] [--scaling-flows 1024] (--no-siit / --no-nat64 apply to it too)
# Instructions per packet (callgrind, deterministic): scripts/bench/cgcount.py XLAT64D --mode siit|nat64|nat64new|fwd.
set -euo pipefail
cd "$(dirname "$0")/.."

[[ $(id -u) -eq 0 ]] || { echo "bench: run as root: sudo $0" >&2; exit 1; }

# What the benchmark needs beyond scripts/deps.sh: testpmd (dpdk-dev), TAYGA, matplotlib.
need=()
command -v dpdk-testpmd >/dev/null || need+=(dpdk-dev)
command -v tayga >/dev/null || need+=(tayga)
/usr/bin/python3 -c 'import matplotlib' 2>/dev/null || need+=(python3-matplotlib)
command -v iperf3 >/dev/null || need+=(iperf3)
/usr/bin/python3 -c 'import scapy' 2>/dev/null || need+=(python3-scapy)
command -v gcc >/dev/null || need+=(gcc)
if ((${#need[@]})); then
	echo "bench: installing ${need[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >/dev/null
	apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null
fi

BUILD=${XLAT64_BUILD:-build}
if [[ ! -x "$BUILD/dataplane/xlat64d" ]]; then
	echo "bench: building $BUILD"
	[[ -f "$BUILD/build.ninja" ]] || meson setup "$BUILD" >/dev/null
	ninja -C "$BUILD" >/dev/null
fi

# One run at a time: the figures mean nothing if two benchmarks share the cores.
exec 9>/tmp/xlat64-bench.lock
flock -n 9 || { echo "bench: another benchmark is running" >&2; exit 1; }
exec /usr/bin/python3 scripts/bench/bench.py --build "$BUILD" "$@"
