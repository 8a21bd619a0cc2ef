#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Where a worker's cycles go, phase by phase (dataplane/phase.h), on the benchmark's ports.

  scripts/bench/phases.py XLAT64D [--mode siit|nat64|fwd] [--dir 64|46] [--flows N] [--seconds S] [--runs R]

XLAT64D must be a build with the phase clock (meson configure BUILD -Dphase_clock=true).
It runs on cgcount.py's configuration (net_pcap infinite_rx -> net_null, the pcaps
of scripts/bench.sh), R times for S seconds each, and prints each run's TSC cycles
a packet by phase, as the worker logs them when it stops, then the medians. The
last column is the ports' share, (rx + tx) / all: about the ratio to testpmd io
that run would have had, as testpmd io does little but receive and send (the
probes' own cost, ~1.5 cycles a packet each, is in "all", so the share reads a
few percent low). NAT64: the first pass, which makes the sessions, is counted
too (a small part at 1-1k flows). Run as root; nothing else may use the pcaps'
ports (bench.sh's lock is not taken).
"""
import argparse
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bench  # noqa: E402
import cgcount  # noqa: E402

PHASES = ("rx", "lookup", "check", "xlat", "out", "tx", "rest", "all")
LINE = re.compile(r"phases, TSC cycles a packet: rx ([\d.]+), lookup ([\d.]+), check ([\d.]+), xlat ([\d.]+), "
                  r"out ([\d.]+), tx ([\d.]+), the rest of the round ([\d.]+); all ([\d.]+) \((\d+) packets")


def run_once(xlat64d, cfgf, seconds):
    """One run: the phases' cycles a packet and the packets, or None where the daemon logged none."""
    p = subprocess.Popen([xlat64d, "--config", cfgf], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    time.sleep(seconds)
    p.send_signal(signal.SIGINT)
    try:
        out, _ = p.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        p.kill()
        out, _ = p.communicate()
    m = LINE.search(out)
    if not m:
        why = ("a phase line this script cannot read (its format changed: worker.c dp_phase_log())"
               if "phases" in out else "no phase line (a build without -Dphase_clock=true?)")
        print("phases: %s in the daemon's log:\n%s" % (why, out[-2000:]), file=sys.stderr)
        return None
    v = [float(x) for x in m.groups()[:8]]
    return dict(zip(PHASES, v)), int(m.group(9))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("xlat64d")
    ap.add_argument("--dir", default="64", choices=("64", "46"))
    ap.add_argument("--flows", type=int, default=1)
    ap.add_argument("--mode", default="siit", choices=("siit", "nat64", "fwd"))
    ap.add_argument("--seconds", type=float, default=4)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--work", default="/var/tmp/xlat64-bench")
    a = ap.parse_args()
    a.scale = 0
    ns = argparse.Namespace(build=os.path.dirname(os.path.dirname(os.path.abspath(a.xlat64d))), work=a.work,
                            duration=1, warmup=1, flows=[a.flows], repeat=1, perf=False, lab_duration=None,
                            lab_ports=None)
    b = bench.Bench(ns)
    d = tempfile.mkdtemp(prefix="xlat64-ph-")
    cfg, _ = cgcount.bench_config(a, b, os.path.join(d, "ctl.sock"), dict(os.environ))
    cfgf = os.path.join(d, "cfg.json")
    with open(cfgf, "w") as f:
        json.dump(cfg, f)
    print("%s %s, %d flows, %d runs of %g s; TSC cycles a packet" % (a.mode, a.dir, a.flows, a.runs, a.seconds))
    print("| run | " + " | ".join(PHASES) + " | packets | ports' share |")
    print("|---" * (len(PHASES) + 3) + "|")
    rows = []
    for r in range(a.runs):
        got = run_once(a.xlat64d, cfgf, a.seconds)
        if not got:
            sys.exit(1)
        ph, pkts = got
        ph["share"] = (ph["rx"] + ph["tx"]) / ph["all"]
        rows.append(ph)
        print("| %d | %s | %d | %.2f |" % (r + 1, " | ".join("%.1f" % ph[k] for k in PHASES), pkts, ph["share"]))
    med = {k: statistics.median(x[k] for x in rows) for k in PHASES + ("share",)}
    print("| median | %s | | %.2f |" % (" | ".join("%.1f" % med[k] for k in PHASES), med["share"]))


if __name__ == "__main__":
    main()
