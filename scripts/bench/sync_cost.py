#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""What session synchronisation (doc/ha.md) costs a worker, measured side by side in one run.

  scripts/bench/sync_cost.py [--build build] [--new-flows 1000000] [--est-flows 1000] [--repeat 3]
  scripts/bench/sync_cost.py --callgrind XLAT64D [--seconds 20]

The benchmark's NAT64 runs (scripts/bench.sh: net_pcap infinite_rx -> net_null, one worker) twice each,
alternating, once as they are and once with a "sync" section and ss-enabled true: the daemon then runs
its sync thread, every worker queues its events, and datagrams go to a peer through a veth in a namespace
of this script's own (x64b-sync), whose far end drops them as a wire without a peer would. Reported:
new sessions per second (each a new BIB entry and session) and established packets per second, with and
without, their ratio; the records and datagrams the sync thread sent, and so the bandwidth per 1000 new
sessions per second. Best of --repeat for each (other work on a shared machine only ever lowers a figure).
With --callgrind (XLAT64D built with -Dmarch=x86-64-v3, as for scripts/bench/cgcount.py) the same pairs
run under valgrind instead, and the worker loop's instructions per packet are compared: deterministic,
where the rates above move with whatever else the machine does. Run as root.
"""
import argparse
import copy
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bench  # noqa: E402

NS = "x64b-sync"
IPV4_UDP_HDR = 28  # what a datagram costs on the wire beyond its payload (IPv4 + UDP)


def netns_up():
    subprocess.run(["ip", "netns", "del", NS], stderr=subprocess.DEVNULL)
    subprocess.run(["ip", "netns", "add", NS], check=True)
    # a veth whose far end takes the frames and does nothing with them: the peer's address a permanent
    # neighbour, so that every datagram is really sent
    for cmd in (["link", "set", "lo", "up"], ["link", "add", "sync0", "type", "veth", "peer", "name", "sync1"],
                ["addr", "add", "10.64.9.1/24", "dev", "sync0"], ["link", "set", "sync0", "up"],
                ["link", "set", "sync1", "up"],
                ["neigh", "add", "10.64.9.2", "lladdr", "02:00:00:00:00:02", "dev", "sync0", "nud", "permanent"]):
        subprocess.run(["ip", "-n", NS] + cmd, check=True)


def with_sync(cfg, work):
    key = os.path.join(work, "sync.key")
    with open(key, "w") as f:
        f.write(os.urandom(32).hex() + "\n")
    os.chmod(key, 0o600)
    c = copy.deepcopy(cfg)
    c["global"]["ss-enabled"] = True
    c["sync"] = {"node-id": 1, "key-file": key, "address": "10.64.9.1", "peers": ["10.64.9.2"]}
    return c


def callgrind(xlat64d, cfg, seconds, what, stop_at=0):
    """The worker loop's instructions per packet, and its counters, for cfg run under callgrind.
    stop_at: stop once that many sessions were made (the first pass of an all-new pcap, before it wraps
    and its flows come back as established ones), at the latest after seconds."""
    d = tempfile.mkdtemp(prefix="xlat64-sync-cg-")
    cfg = copy.deepcopy(cfg)
    cfg["control"]["socket"] = os.path.join(d, "ctl.sock")
    cfg["eal"][cfg["eal"].index("--file-prefix") + 1] = "xsc%d" % os.getpid()
    cfgf, stats, out = os.path.join(d, "cfg.json"), os.path.join(d, "stats.json"), os.path.join(d, "cg.out")
    with open(cfgf, "w") as f:
        json.dump(cfg, f)
    p = subprocess.Popen(["ip", "netns", "exec", NS, "valgrind", "--tool=callgrind", "--fair-sched=yes",
                          "--toggle-collect=worker_main",
                          "--callgrind-out-file=" + out, xlat64d, "--config", cfgf, "--stats-out", stats],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # under valgrind the start (the pcap read into memory, the tables) takes long: the clock starts at ready
    deadline = time.monotonic() + 600
    while not os.path.exists(cfg["control"]["socket"]) and time.monotonic() < deadline and p.poll() is None:
        time.sleep(0.5)
    end = time.monotonic() + seconds
    while time.monotonic() < end and p.poll() is None:
        time.sleep(0.5)
        if stop_at:
            try:
                if bench.Bench.ctl(cfg["control"]["socket"])["counters"].get("XLAT_NAT64_SESSION_CREATED",
                                                                               0) >= stop_at:
                    break
            except (OSError, ValueError):
                pass
    p.send_signal(signal.SIGINT)
    p.wait(120)
    with open(stats) as f:
        c = json.load(f)["counters"]
    ann = subprocess.run(["callgrind_annotate", "--inclusive=yes", out], capture_output=True, text=True).stdout
    m = re.search(r"^\s*([\d,]+) \([^)]*\)\s+\S*:?worker_main", ann, re.M)
    incl = int(m.group(1).replace(",", "")) if m else 0
    tx = c.get("XLAT_TX", 0)
    print("  %-10s XLAT_TX %9d, sessions created %8d, records sent %8d: %6.0f instructions per packet" % (
        what, tx, c.get("XLAT_NAT64_SESSION_CREATED", 0), c.get("XLAT_SYNC_TX_SESSIONS", 0),
        incl / tx if tx else 0))
    if stop_at and tx > 1.02 * c.get("XLAT_NAT64_SESSION_CREATED", 0):
        print("  WARNING: %s: the pcap wrapped (more packets than new sessions): not a new-session figure" % what)
    return incl / tx if tx else 0


def main_callgrind(a, b):
    sock = os.path.join(a.work, "run", "ctl-sync-%d.sock" % os.getpid())
    print("sync cost under callgrind, the worker loop (worker_main inclusive) per packet, %.0f s each after ready"
          % a.seconds)
    for name, cfg, stop in (("new", b.nat64_config("64", b.pcap("nat64new", "64", a.new_flows), a.new_flows, sock,
                                                   new=True), int(a.new_flows * 0.9)),
                            ("est", b.nat64_config("64", b.pcap("nat64", "64", a.est_flows), a.est_flows, sock), 0)):
        x = callgrind(a.callgrind, cfg, a.seconds, name, stop)
        y = callgrind(a.callgrind, with_sync(cfg, a.work), a.seconds, name + "+sync", stop)
        print("  %s: %+.0f instructions per packet with sync (%+.1f%%)" % (name, y - x, 100 * (y - x) / x if x else 0))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default="build")
    ap.add_argument("--new-flows", type=int, default=1000000)
    ap.add_argument("--est-flows", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--duration", type=float, default=3)
    ap.add_argument("--work", default="/var/tmp/xlat64-bench")
    ap.add_argument("--callgrind", metavar="XLAT64D", help="compare instructions per packet under callgrind")
    ap.add_argument("--seconds", type=float, default=20)
    a = ap.parse_args()
    ns = argparse.Namespace(build=a.build, work=a.work, duration=a.duration, warmup=1,
                            flows=[a.new_flows, a.est_flows], repeat=a.repeat, perf=False)
    b = bench.Bench(ns)
    netns_up()
    if a.callgrind:
        try:
            main_callgrind(a, b)
        finally:
            subprocess.run(["ip", "netns", "del", NS], stderr=subprocess.DEVNULL)
        return
    try:
        sock = os.path.join(a.work, "run", "ctl-sync-%d.sock" % os.getpid())
        res = {}
        # new sessions: the first pass of an all-new-flows pcap
        cfg = b.nat64_config("64", b.pcap("nat64new", "64", a.new_flows), a.new_flows, sock, new=True)
        for _ in range(a.repeat):
            for name, c in (("new", cfg), ("new+sync", with_sync(cfg, a.work))):
                r, _ = b.run_daemon(c, name, ns=NS, measure=lambda s: dict(b.new_session_rate(s, a.new_flows),
                                                                          counters=b.sample(s)[1]))
                if name not in res or r["pps"] > res[name]["pps"]:
                    res[name] = r
        # established: the 6->4 pcap's flows, their sessions made during the warm-up
        cfg = b.nat64_config("64", b.pcap("nat64", "64", a.est_flows), a.est_flows, sock)
        warm = 1 + a.est_flows / 250000.0
        for _ in range(a.repeat):
            for name, c in (("est", cfg), ("est+sync", with_sync(cfg, a.work))):
                r, _ = b.run_daemon(c, name, ns=NS, measure=lambda s: dict(b.xlat_rate(s, warmup=warm),
                                                                          counters=b.sample(s)[1]))
                if name not in res or r["pps"] > res[name]["pps"]:
                    res[name] = r
    finally:
        subprocess.run(["ip", "netns", "del", NS], stderr=subprocess.DEVNULL)
    print("sync cost, one worker, best of %d, same run (loadavg %s)" % (a.repeat, open("/proc/loadavg").read().split()[0]))
    for base, what, unit in (("new", "new sessions (%d flows)" % a.new_flows, "sessions/s"),
                             ("est", "established 6->4 (%d flows)" % a.est_flows, "packets/s")):
        x, y = res[base]["pps"], res[base + "+sync"]["pps"]
        print("  %-34s without %10.0f  with %10.0f %s  ratio %.3f" % (what, x, y, unit, y / x))
    c = res["new+sync"]["counters"]
    recs, dgrams = c.get("XLAT_SYNC_TX_SESSIONS", 0), c.get("XLAT_SYNC_TX_DATAGRAMS", 0)
    lost = c.get("XLAT_SYNC_QUEUE_FULL", 0)
    if recs and dgrams:
        wire = recs * 40 + dgrams * (28 + 32 + IPV4_UDP_HDR)
        per_rec = wire / recs
        print("  records sent %d in %d datagrams (%.1f per datagram), %d lost to a full queue" % (
            recs, dgrams, recs / dgrams, lost))
        print("  on the wire: %.1f bytes per session record: 1000 new UDP sessions/s take %.0f kbit/s "
              "(a TCP connection: 2 records to established, 2-3 more to close)" % (per_rec, per_rec * 8))


if __name__ == "__main__":
    main()
