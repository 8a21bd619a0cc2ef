#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""
Hostile traffic tests: xlat64d on two net_pcap ports (the packet suite's topology) is fed
floods of bad frames with good traffic mixed in. For each scenario (cases.py) it checks:

  1. the daemon exits 0 (and, under a sanitizer build, printed no report);
  2. every good frame came out translated, once (each carries a "GOOD" + id marker);
  3. every frame is accounted for exactly once (see account()): received frames equal
     translated + handed to the host + dropped under a named reason ("dropped:"/"refused:"
     counters of lib/stats.h), so a drop without a counter, or one counted twice, fails;
  4. the exact counters the scenario names;
  5. the packet pool's in-use gauge at exit (XLAT_MBUF_IN_USE, sampled while idle) is back
     to the idle baseline (0: nothing is held once the box is idle).

  run.py [-k SUBSTR]... [-j JOBS] [-v] [--keep] [--list]

Prints PASS/FAIL per scenario and, last, "N passed, M failed". XLAT64D names the daemon;
HOSTILE_IDLE_MIN_MS raises every --idle-exit (sanitizer builds).
"""

import argparse
import concurrent.futures
import json
import os
import re
import shutil
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(REPO, "tests", "packet"))
sys.dont_write_bytecode = True

import run as P  # noqa: E402  (the packet suite's runner: configuration, net_pcap devices)
from harness import read_pcap, run_daemon, start, write_pcap  # noqa: E402
import hostile_cases as H  # noqa: E402

DAEMON_TIMEOUT = 40
# a sanitizer build can stall a worker for longer than 300 ms (symbolizing a report): the daemon
# would take that for idleness and exit with input left
IDLE_MIN = int(os.environ.get("HOSTILE_IDLE_MIN_MS", "0"))


def stat_kinds():
    """Counter name -> description, from lib/stats.h."""
    txt = open(os.path.join(REPO, "lib", "stats.h")).read()
    return dict(re.findall(r'X\((\w+),\s*"([^"]*)"', txt))


DESC = stat_kinds()
# Drops that happen to a frame after it was already counted as translated (JSTAT_SUCCESS) or
# handed to the host (XLAT_TO_HOST), or events that are not about a received frame.
LATER = {"XLAT_TX_DROP", "XLAT_NO_NEIGHBOR", "XLAT_RESOLVE_FAILED", "XLAT_NO_MBUF", "XLAT_EXC_TAP_DROP",
         "XLAT_HOST_DROPPED"}
# Where a received frame ends: exactly one of these per frame.
FINAL = sorted([n for n, d in DESC.items() if re.match(r"(dropped|refused):", d) and n not in LATER] +
               ["JSTAT_SUCCESS", "XLAT_TO_HOST", "JSTAT_TYPE1PKT", "JSTAT_SO_EXISTS", "XLAT_FWD6", "XLAT_FWD4"])


def account(c, mode):
    """Frames received (plus NAT64 hairpins, which go through the translator twice) minus the
    frames that ended somewhere: 0 when every frame is counted exactly once."""
    ended = sum(int(c.get(n, 0)) for n in FINAL)
    again = int(c.get("XLAT_HAIRPIN", 0)) if mode == "nat64" else 0
    return int(c.get("XLAT_RX", 0)) + again - ended


# ------------------------------------------------------------------ pcap io ---
MARK = re.compile(rb"GOOD(\d{5})")


def good_ids(frames):
    ids = []
    for b in frames:
        if b and b[0] & 1:
            continue  # multicast/broadcast (ND, ARP)
        m = MARK.search(b)
        if m:
            ids.append(int(m.group(1)))
    return ids


# --------------------------------------------------------------------- run ---
def config(sc, work, lcore, idx):
    workers = sc.get("workers", 1)
    cfg = P.base_config(work, lcore, idx, workers)
    if sc["mode"] == "nat64":
        cfg["mode"] = "nat64"
        cfg["routes"] = H.N64_ROUTES
    for k, v in sc.get("config", {}).items():
        if k == "global":
            cfg["global"].update(v)
        elif k == "dataplane":
            cfg["dataplane"].update(v)
        else:
            cfg[k] = v
    return cfg


def run_one(sc, daemon, root, lcore, idx, verbose):
    work = os.path.join(root, sc["name"])
    os.makedirs(work, exist_ok=True)
    frames = sc["frames"]()  # {"in6": [bytes], "in4": [bytes]} plus good ids
    write_pcap(os.path.join(work, "in6.pcap"), frames["in6"])
    write_pcap(os.path.join(work, "in4.pcap"), frames["in4"])
    workers = sc.get("workers", 1)
    write_pcap(os.path.join(work, "empty.pcap"), [])
    env = dict(os.environ)
    env.setdefault("ASAN_OPTIONS", "detect_leaks=0")  # EAL's own allocations at exit are not ours
    env.setdefault("UBSAN_OPTIONS", "print_stacktrace=1")
    pr, log, dt, stats = run_daemon(daemon, work, config(sc, work, lcore, idx),
                                      max(sc.get("idle_ms", 300), IDLE_MIN), DAEMON_TIMEOUT, env)
    nin = len(frames["in6"]) + len(frames["in4"])
    if pr.returncode != 0:
        tail = " | ".join(log.strip().splitlines()[-3:])
        return False, "daemon exit %d: %s" % (pr.returncode, tail), dt, nin
    errs = []
    if "AddressSanitizer" in log or "runtime error:" in log or "LeakSanitizer" in log:
        errs.append("sanitizer report in daemon.log")
    out6, out4 = [], []
    for q in range(workers):
        sfx = "_%d" % q if q else ""
        out6 += read_pcap(os.path.join(work, "out6%s.pcap" % sfx)) or []
        out4 += read_pcap(os.path.join(work, "out4%s.pcap" % sfx)) or []
    for port, out, want in (("out4", out4, frames.get("good6", [])), ("out6", out6, frames.get("good4", []))):
        got = good_ids(out)
        missing = sorted(set(want) - set(got))
        dup = sorted({i for i in got if got.count(i) > 1})
        extra = sorted(set(got) - set(want))
        if missing:
            errs.append("%s: %d of %d good frames missing (%s...)" % (port, len(missing), len(want), missing[:5]))
        if dup or extra:
            errs.append("%s: good frames duplicated %s or unexpected %s" % (port, dup[:5], extra[:5]))
    try:
        with open(stats) as f:
            c = json.load(f)["counters"]
    except (OSError, ValueError, KeyError) as e:
        return False, "no stats: %s" % e, dt, nin
    if int(c.get("XLAT_RX", 0)) != nin:
        errs.append("XLAT_RX %s, %d frames sent" % (c.get("XLAT_RX"), nin))
    bal = account(c, sc["mode"])
    if bal:
        errs.append("accounting: %d frame(s) %s" % (abs(bal), "not counted under any final counter" if bal > 0
                                                     else "counted twice"))
    for k, v in sc.get("counters", {}).items():
        val = sum(int(c.get(n, 0)) for n in k.split("|"))
        ok = v(val) if callable(v) else val == v
        if not ok:
            errs.append("counter %s: %s, expected %s" % (k, val, "another value" if callable(v) else v))
    inuse = int(c.get("XLAT_MBUF_IN_USE", -1))
    if inuse != sc.get("mbuf_baseline", 0):
        errs.append("XLAT_MBUF_IN_USE %d at idle, baseline %d (mbufs leaked or still held)" %
                    (inuse, sc.get("mbuf_baseline", 0)))
    if errs and verbose:
        errs.append("nonzero counters: %s" % {k: v for k, v in sorted(c.items()) if v})
    return not errs, "; ".join(errs), dt, nin


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-k", action="append", default=[], help="run scenarios whose name contains this")
    ap.add_argument("-j", type=int, default=min(2, os.cpu_count() or 1), help="parallel daemons")
    ap.add_argument("-v", action="store_true", help="counters on failure")
    ap.add_argument("--keep", action="store_true", help="keep the work directories")
    ap.add_argument("--list", action="store_true", help="list scenarios")
    a = ap.parse_args()
    sel, daemon, root = start(H.SCENARIOS, a, "hostile", lambda s: "%-36s %s" % (s["name"], s["what"]),
                              "xlat64-hostile-")
    ncpu = os.cpu_count() or 1
    t0 = time.time()
    results = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, a.j)) as ex:
        futs = {ex.submit(run_one, s, daemon, root, i % ncpu, i, a.v): s for i, s in enumerate(sel)}
        for fu in concurrent.futures.as_completed(futs):
            s = futs[fu]
            try:
                ok, why, dt, nin = fu.result()
            except Exception as e:  # noqa: BLE001
                ok, why, dt, nin = False, "runner error: %r" % e, 0, 0
            results.append((s["name"], ok))
            print("%s %s (%d frames, %.1fs)%s" % ("PASS" if ok else "FAIL", s["name"], nin, dt,
                                                 "" if ok else ": " + why), flush=True)
    nfail = sum(1 for _, ok in results if not ok)
    print("hostile: %d scenarios in %.1fs, work dir %s" % (len(results), time.time() - t0, root))
    if nfail == 0 and not a.keep:
        shutil.rmtree(root, ignore_errors=True)
    print("%d passed, %d failed" % (len(results) - nfail, nfail))
    return 1 if nfail else 0


if __name__ == "__main__":
    sys.exit(main())
