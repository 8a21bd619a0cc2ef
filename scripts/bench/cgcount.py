#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Instructions per packet of the worker loop, under callgrind (deterministic, unlike time on a shared VM).

  scripts/bench/cgcount.py XLAT64D [--dir 64|46] [--flows N] [--mode siit|nat64|nat64new|nat64steady|fwd]
                           [--seconds S] [--top N] [--scale K] [--cache-sim]
  scripts/bench/cgcount.py XLAT64D --mode l3fwd [--l3fwd PATH] [--dir 64|46] [--flows N]

Runs XLAT64D (build it with -Dmarch=x86-64-v3: valgrind has no AVX-512) under
valgrind --tool=callgrind on the benchmark's ports (net_pcap infinite_rx ->
net_null, the pcaps of scripts/bench.sh in /var/tmp/xlat64-bench/pcap), stops it
after S seconds and prints the worker loop's inclusive instructions divided by
XLAT_TX, and the top functions by self cost per packet. Run as root.

nat64: established flows: the counts start once every flow's session exists (at
1M flows under valgrind the first pass, which makes them, takes about a minute).
There a pass of 1M flows takes ~25 s, longer than the timers' slack (udp-timeout
/ 64: 4.7 s), so every packet moves its session in the expiry list (~60
instructions) where at full speed about one in twenty does.

l3fwd: DPDK's l3fwd (LPM, software packet types) on the same ports and pcaps, the
reference for --mode fwd: its lcore loop (lpm_main_loop) over the packets port 1
sent (scripts/bench/build-l3fwd.sh builds it from DPDK's examples; --l3fwd PATH
another build). Its routes: the pcaps' destinations out of port 1, as fwd's.

nat64steady: new sessions at a steady state (bench.py nat64_steady): N live
sessions, as many expiring as are made (the nat64new pcap of 1.2 N flows
replayed, udp-timeout 2 min on a worker clock K times faster: --scale, by
default 3e7 / N (300 for 100k flows: the timeout is then half a pass of the
pcap at ~120k new sessions a second under valgrind, and about 0.4 N sessions
live); it says how many of the packets counted were new sessions, and how many
sessions expired meanwhile. With K too small the flows come back before their
sessions expire, the pass gets faster, and the run can flip for good to
established flows (a faster valgrind, another job on the machine ending): it
warns when fewer than 95% of the packets counted made a session); the counts
start (callgrind_control -d ends part 1) once the pcap has gone round twice,
and are divided by the packets of the S seconds after that.
"""
import argparse
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


def count_from(p, sock, sessions):
    """Wait until the daemon has made that many sessions (nat64steady: the pcap went round twice, every
    flow new each time; nat64: every flow's session exists), then zero callgrind's counts; the daemon's
    counters at that moment."""
    deadline = time.monotonic() + 3600
    while time.monotonic() < deadline and p.poll() is None:
        try:
            c = bench.Bench.ctl(sock)["counters"]
            if c.get("XLAT_NAT64_SESSION_CREATED", 0) >= sessions:
                # a dump ends part 1 (the warm-up); the counts from here on are the final dump's, part 2
                subprocess.run(["callgrind_control", "-d", str(p.pid)], capture_output=True, timeout=60)
                return bench.Bench.ctl(sock)["counters"]
        except (OSError, ValueError):
            pass
        time.sleep(1)
    sys.exit("cgcount: the sessions were not made (the daemon ended, or took an hour)")


def l3fwd(a, b, d):
    """DPDK's l3fwd on the same ports and pcap as --mode fwd, under callgrind."""
    binary = a.l3fwd or subprocess.run([os.path.join(HERE, "build-l3fwd.sh")], capture_output=True, text=True,
                                       check=True).stdout.strip().splitlines()[-1]
    r4, r6, out = os.path.join(d, "r4.cfg"), os.path.join(d, "r6.cfg"), os.path.join(d, "cg.out")
    with open(r4, "w") as f:  # bench.py fwd_config's routes, out of port 1 (net_null)
        f.write("R198.18.0.0/15 1\n")
    with open(r6, "w") as f:
        f.write("R2001:db8:64::/96 1\n")
    cmd = ["valgrind", "--tool=callgrind", "--fair-sched=yes", "--toggle-collect=lpm_main_loop",
           "--compress-strings=no", "--callgrind-out-file=" + out, binary, "-l", "1", "--no-huge", "-m", "512",
           "--file-prefix", "l3cg%d" % os.getpid(), "--no-pci", "--vdev",
           "net_pcap0,rx_pcap=%s,infinite_rx=1" % b.pcap("dpdk", a.dir, a.flows), "--vdev", "net_null0,no-rx=1",
           "--", "-p", "0x3", "-P", "--config=(0,0,1),(1,0,1)", "--rule_ipv4=" + r4, "--rule_ipv6=" + r6,
           "--parse-ptype", "--lookup=lpm"]
    with open(os.path.join(d, "l3fwd.log"), "w") as log:
        p = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
        time.sleep(a.seconds)
        p.send_signal(signal.SIGINT)
        p.wait(120)
    with open(os.path.join(d, "l3fwd.log")) as f:
        sent = [int(x) for x in re.findall(r"^L3FWD_TX (\d+)$", f.read(), re.M)]
    tx = sent[-1] if sent else 0
    incl = inclusive(out, "lpm_main_loop")
    print("l3fwd %s %d flows: port 1 sent %d, lpm_main_loop %d instructions, %.0f per packet" % (
        a.dir, a.flows, tx, incl, incl / tx if tx else 0))
    top(out, incl, tx, a.top)


def bench_config(a, b, sock, env):
    """The daemon's configuration for a.mode, a.dir and a.flows on the benchmark's ports (bench.py's; control
    socket sock; nat64steady sets XLAT64_CLOCK_SCALE in env), and how many flows its pcap has."""
    pflows = a.flows
    if a.mode == "siit":
        cfg = b.siit_config(a.dir, b.pcap("dpdk", a.dir, a.flows), a.flows, "1", sock)
    elif a.mode == "fwd":  # native forwarding of the same packets (bench.py fwd_config)
        cfg = b.fwd_config(a.dir, b.pcap("dpdk", a.dir, a.flows), a.flows, sock)
    elif a.mode == "nat64":
        # 4->6: the pcap bench.py wrote with the BIB's ports, and the 6->4 pcap played once first
        cfg = b.nat64_config(a.dir, b.pcap("nat64", a.dir, a.flows), a.flows, sock)
        if a.dir == "46":
            cfg["ports"][0]["device"] = "net_pcap1,rx_pcap=%s" % b.pcap("nat64", "64", a.flows)
    elif a.mode == "nat64new":  # every packet a new flow while the first pass lasts: use more flows than get through
        cfg = b.nat64_config("64", b.pcap("nat64new", "64", a.flows), a.flows, sock, new=True)
    else:
        pflows = int(a.flows * 1.2)
        cfg = b.nat64_config("64", b.pcap("nat64new", "64", pflows), pflows, sock, new=True)
        cfg["global"]["udp-timeout"] = "0:02:00"
        env["XLAT64_CLOCK_SCALE"] = str(a.scale or max(1, int(3e7 / a.flows)))
    cfg["eal"][cfg["eal"].index("--file-prefix") + 1] = "xcg%d" % os.getpid()
    return cfg, pflows


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("xlat64d")
    ap.add_argument("--dir", default="64", choices=("64", "46"))
    ap.add_argument("--flows", type=int, default=1)
    ap.add_argument("--mode", default="siit", choices=("siit", "nat64", "nat64new", "nat64steady", "fwd", "l3fwd"))
    ap.add_argument("--l3fwd", help="l3fwd mode: its binary (default: scripts/bench/build-l3fwd.sh builds one)")
    ap.add_argument("--scale", type=int, default=0, help="nat64steady: XLAT64_CLOCK_SCALE (default: 3e7 / flows)")
    ap.add_argument("--seconds", type=float, default=25)
    ap.add_argument("--top", type=int, default=20)
    ap.add_argument("--cache-sim", action="store_true",
                    help="also count D1 and LL misses per packet (valgrind's model of the caches, not a measurement)")
    ap.add_argument("--work", default="/var/tmp/xlat64-bench")
    a = ap.parse_args()
    ns = argparse.Namespace(build=os.path.dirname(os.path.dirname(os.path.abspath(a.xlat64d))), work=a.work,
                            duration=1, warmup=1, flows=[a.flows], repeat=1, perf=False, lab_duration=None,
                            lab_ports=None)  # bench.Bench records the lab's parameters too
    b = bench.Bench(ns)
    env = dict(os.environ)
    d = tempfile.mkdtemp(prefix="xlat64-cg-")
    print("callgrind output: %s" % d)
    sock = os.path.join(d, "ctl.sock")
    if a.mode == "l3fwd":
        return l3fwd(a, b, d)
    cfg, pflows = bench_config(a, b, sock, env)
    cfgf, stats, out = os.path.join(d, "cfg.json"), os.path.join(d, "stats.json"), os.path.join(d, "cg.out")
    with open(cfgf, "w") as f:
        json.dump(cfg, f)
    # only the worker loop and what it calls (not start-up, not the control threads). --fair-sched: valgrind's
    # default lock lets the polling worker take it back at once, so the thread the kernel hands SIGINT to (one
    # asleep in a syscall) can wait minutes to run the handler; seen on kernel 6.18 (the counts do not change)
    p = subprocess.Popen(["valgrind", "--tool=callgrind", "--fair-sched=yes", "--toggle-collect=worker_main",
                          "--compress-strings=no",
                          "--cache-sim=" + ("yes" if a.cache_sim else "no"),
                          "--callgrind-out-file=" + out, a.xlat64d, "--config",
                          cfgf, "--stats-out", stats], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    c0 = {}
    if a.mode == "nat64steady":
        c0 = count_from(p, sock, 2 * pflows)
    elif a.mode == "nat64":  # established flows: not the first pass, which makes their sessions
        c0 = count_from(p, sock, a.flows)
    time.sleep(a.seconds)
    p.send_signal(signal.SIGINT)
    p.wait(120)
    with open(stats) as f:
        st = json.load(f)
    c = st.get("counters", st)
    c = {k: v - c0.get(k, 0) for k, v in c.items()}
    if c0:  # the last part callgrind wrote: the counted time
        parts = sorted((f for f in os.listdir(d) if f.startswith("cg.out")), key=lambda f: os.path.getmtime(
            os.path.join(d, f)))
        out = os.path.join(d, parts[-1])
    tx = c.get("XLAT_TX", 0)
    if a.mode == "nat64steady":
        made = c.get("XLAT_NAT64_SESSION_CREATED", 0)
        print("steady state: %d new sessions, %d expired in the counted time" % (made, c.get("XLAT_NAT64_EXPIRED", 0)))
        if made < 0.95 * c.get("XLAT_TX", 0):
            print("WARNING: only %d of %d packets made a session: not a new-session figure (a larger --scale)" % (
                made, c.get("XLAT_TX", 0)))
    incl = inclusive(out, "worker_main")
    print("%s %s %d flows: XLAT_TX %d (sessions created %d), worker_main %d instructions, %.0f per packet" % (
        a.mode, a.dir, a.flows, tx, c.get("XLAT_NAT64_SESSION_CREATED", 0), incl, incl / tx if tx else 0))
    if a.cache_sim:
        misses(out, tx)
    top(out, incl, tx, a.top)


def misses(out, tx):
    """--cache-sim: the counted part's first-level data and last-level misses, per packet."""
    ann = subprocess.run(["callgrind_annotate", out], capture_output=True, text=True).stdout
    ev = re.search(r"^Events shown:\s+(.*)$", ann, re.M)
    tot = re.search(r"^(.*)PROGRAM TOTALS", ann, re.M)
    if not ev or not tot or not tx:
        print("no cache simulation figures in %s" % out)
        return
    nums = re.findall(r"([\d,]+) \([^)]*\)|(?<!\S)\.(?!\S)", tot.group(1))
    v = dict(zip(ev.group(1).split(), (int(x.replace(",", "")) if x else 0 for x in nums)))
    print("cache model: D1 misses %.2f per packet (reads %.2f, writes %.2f), LL misses %.2f, I1 misses %.2f" % (
        (v.get("D1mr", 0) + v.get("D1mw", 0)) / tx, v.get("D1mr", 0) / tx, v.get("D1mw", 0) / tx,
        (v.get("DLmr", 0) + v.get("DLmw", 0)) / tx, v.get("I1mr", 0) / tx))


def inclusive(out, fn):
    """The inclusive instructions of function fn in callgrind output out."""
    ann = subprocess.run(["callgrind_annotate", "--inclusive=yes", out], capture_output=True, text=True).stdout
    # the first event (Ir) of its line; --cache-sim puts more columns ("N (P%)" or ".") before the name
    m = re.search(r"^\s*([\d,]+) \([^)]*\)(?:\s+(?:[\d,]+ \([^)]*\)|\.))*\s+\S*:?%s[ \n]" % fn, ann, re.M)
    return int(m.group(1).replace(",", "")) if m else 0


def top(out, incl, tx, n):
    """The functions by self cost per packet."""
    ann = subprocess.run(["callgrind_annotate", "--threshold=100", out], capture_output=True, text=True).stdout
    self_ir = {}
    for line in ann.splitlines():
        if line.startswith("-- Auto-annotated source"):
            break  # the per-function summary is over
        m = re.match(r"^\s*([\d,]+) \([^)]*\)\s+(.*)$", line)
        if not m or "PROGRAM TOTALS" in line or "events annotated" in line or re.search(r"\([\d,]+x\)", line):
            continue
        if incl and int(m.group(1).replace(",", "")) >= 0.99 * incl:
            continue  # a frame of the stack the counting started in (a later part's file lists them whole)
        # "file:function [object]": the same function can appear once per source file it has code from
        fn, _, obj = m.group(2).partition(" [")
        fn = fn.split(":")[-1]
        if fn.startswith("0x"):  # no symbol: say which library
            fn += " (%s)" % os.path.basename(obj.rstrip("]"))
        self_ir[fn] = self_ir.get(fn, 0) + int(m.group(1).replace(",", ""))
    for fn, ir in sorted(self_ir.items(), key=lambda x: -x[1])[:n]:
        if tx and ir / tx >= 1:
            print("  %6.0f  %s" % (ir / tx, fn))


if __name__ == "__main__":
    main()
