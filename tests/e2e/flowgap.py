#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""How long flows stop during a failover: UDP flows to an echo server, each a socket of its own (a source
port of its own, so that a router's multipath hash spreads them), paced together at a fixed rate.

  flowgap.py DST PORT FLOWS PPS SECONDS [OUT.json]

Every datagram carries its flow, sequence number and send time; an echo (nat64flows.py udp-server or
udpecho.py server) sends it back. At the end (after a second's drain) it prints, and writes to OUT.json:
sent, received, per flow the longest outage (the send times of the last reply before it and the first
after it; outages shorter than 4 packet intervals are not outages), the longest outage of all (max_gap_ms),
how many flows had one, and how many flows were answered in the last second (all of them, when every
flow came back). Exits 0 when every flow was answered in its last second.
"""
import json
import select
import socket
import struct
import sys
import time

HDR = struct.Struct("!IId")  # flow, seq, send time


def main():
    if len(sys.argv) < 6:
        sys.exit(__doc__)
    dst, port, nflows, pps, secs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), float(
        sys.argv[5])
    out = sys.argv[6] if len(sys.argv) > 6 else None
    fam = socket.AF_INET6 if ":" in dst else socket.AF_INET
    socks = []
    for _ in range(nflows):
        s = socket.socket(fam, socket.SOCK_DGRAM)
        s.setblocking(False)
        s.connect((dst, port))
        socks.append(s)
    fd_flow = {s.fileno(): i for i, s in enumerate(socks)}
    seq = [0] * nflows
    got = [[] for _ in range(nflows)]  # send times of the answered datagrams
    sent = 0
    t0 = time.monotonic()
    interval = 1.0 / pps
    nxt = t0
    pad = b"x" * 32
    poll = select.poll()
    for s in socks:
        poll.register(s, select.POLLIN)
    end = t0 + secs
    while True:
        now = time.monotonic()
        if now >= end + 1.0:
            break
        while now < end and nxt <= now:
            f = sent % nflows
            try:
                socks[f].send(HDR.pack(f, seq[f], now) + pad)
            except OSError:
                pass  # a route or neighbour gone for a moment: a loss like any other
            seq[f] += 1
            sent += 1
            nxt += interval
        wait = max(0.0, min(nxt - time.monotonic(), 0.005)) if now < end else 0.05
        for fd, _ in poll.poll(wait * 1000):
            s = socks[fd_flow[fd]]
            while True:
                try:
                    d = s.recv(2048)
                except BlockingIOError:
                    break
                except OSError:
                    break
                if len(d) >= HDR.size:
                    f, _, ts = HDR.unpack(d[:HDR.size])
                    if 0 <= f < nflows:
                        got[f].append(ts)
    per_flow = pps / nflows
    floor = 4.0 / per_flow  # shorter than 4 packet intervals: jitter, not an outage
    gaps = []
    last_ok = 0
    for f in range(nflows):
        ts = sorted(got[f])
        worst = 0.0
        for a, b in zip(ts, ts[1:]):
            worst = max(worst, b - a)
        if ts and ts[-1] >= end - 1.0:
            last_ok += 1
        gaps.append(worst if worst > floor else 0.0)
    r = {
        "flows": nflows, "pps": pps, "seconds": secs, "sent": sent, "received": sum(len(g) for g in got),
        "max_gap_ms": round(max(gaps) * 1000, 1), "flows_interrupted": sum(1 for g in gaps if g > 0),
        "gaps_ms": sorted(round(g * 1000, 1) for g in gaps if g > 0), "flows_answered_last_second": last_ok,
    }
    print(json.dumps(r))
    if out:
        with open(out, "w") as fh:
            json.dump(r, fh)
    sys.exit(0 if last_ok == nflows else 1)


if __name__ == "__main__":
    main()
