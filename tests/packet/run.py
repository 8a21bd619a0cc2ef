#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""
Packet tests: for each case in cases.py, write in6.pcap/in4.pcap, a config, run
xlat64d on two net_pcap ports until it goes idle, then compare out6.pcap and
out4.pcap with the expected packets field by field, and the counters in
--stats-out with the expected ones.

  run.py [-k SUBSTR]... [-j JOBS] [-v] [--keep] [--list]

Prints "PASS name" / "FAIL name: why" per case and, last, "N passed, M failed".
Exit status 1 when a case failed, 2 when the daemon binary is missing.
"""

import argparse
import concurrent.futures
import copy
import json
import os
import shutil
import struct
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # no __pycache__ in the source tree

from scapy.all import (Ether, checksum, conf, in6_chksum, raw, rdpcap,  # noqa: E402
                       wrpcap)

import cases as C  # noqa: E402
from harness import run_daemon, start  # noqa: E402
import forward_cases as F  # noqa: E402
import nat64_cases as N64  # noqa: E402

ALL_CASES = C.CASES + N64.CASES + F.CASES

conf.verb = 0
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
DAEMON_TIMEOUT = 20


def pcap_dev(n, work, port, workers):
    """net_pcap with one queue per worker: input in queue 0, queue q > 0 reads an empty file;
    queue q writes outP.pcap (q = 0) or outP_q.pcap."""
    rx = ["rx_pcap=%s/in%s.pcap" % (work, port)] + ["rx_pcap=%s/empty.pcap" % work] * (workers - 1)
    tx = ["tx_pcap=%s/out%s%s.pcap" % (work, port, "_%d" % q if q else "") for q in range(workers)]
    return "net_pcap%d,%s" % (n, ",".join(rx + tx))


def base_config(work, lcore, idx, workers=1):
    # Two workers: lcores 0 and 1 on two CPUs (or one, when there is only one).
    ncpu = os.cpu_count() or 1
    lc = ["-l", str(lcore)] if workers == 1 else \
        ["--lcores", ",".join("%d@%d" % (i, (lcore + i) % ncpu) for i in range(workers))]
    return {
        "mode": "siit",
        "eal": lc + ["--no-huge", "-m", "512", "--no-shconf", "--no-pci",
                     "--file-prefix", "pkt%d_%d" % (os.getpid(), idx), "--log-level", "lib.eal:error"],
        "ports": [
            {"name": "v6", "mtu": 1500, "mac": C.MAC6,
             "device": pcap_dev(0, work, "6", workers),
             "addresses": [C.BOX6 + "/64"],
             "neighbors": [{"address": C.GW6, "mac": C.H6MAC}]},
            {"name": "v4", "mtu": 1500, "mac": C.MAC4,
             "device": pcap_dev(1, work, "4", workers),
             "addresses": [C.BOX4 + "/24"],
             "neighbors": [{"address": C.GW4, "mac": C.H4MAC}]},
        ],
        # Only the prefixes the cases use: a /1 or /0 route makes rte_lpm6/rte_lpm expand
        # millions of table entries, seconds of start-up per run.
        "routes": [
            {"prefix": "64:ff9b::/96", "via": C.GW6, "port": "v6"},
            {"prefix": "2001:db8::/32", "via": C.GW6, "port": "v6"},
            {"prefix": "203.0.0.0/16", "via": C.GW4, "port": "v4"},
            {"prefix": "192.0.2.0/24", "via": C.GW4, "port": "v4"},
        ],
        "control": {"socket": None},
        "dataplane": {"mbufs-per-port": 2047, "idle-sleep-us": 20},
        "global": {"pool6": C.POOL6},
    }


def make_config(case, work, lcore, idx):
    cfg = base_config(work, lcore, idx, case.get("workers", 1))
    for k, v in case["config"].items():
        if k == "global":
            for gk, gv in v.items():
                if gv is None:
                    cfg["global"].pop(gk, None)
                else:
                    cfg["global"][gk] = gv
        elif k == "ports":
            for pname, pov in v.items():
                port = next(p for p in cfg["ports"] if p["name"] == pname)
                port.update(pov)
        elif k == "dataplane":
            cfg["dataplane"].update(copy.deepcopy(v))
        else:
            cfg[k] = copy.deepcopy(v)
    return cfg


PORTS = {"v6": (C.MAC6, C.H6MAC, 0x86DD), "v4": (C.MAC4, C.H4MAC, 0x0800)}


def in_frame(pkt, port):
    mac, host, etype = PORTS[port]
    if isinstance(pkt, Ether):
        return raw(pkt)
    return raw(Ether(dst=mac, src=host, type=etype) / pkt)


def out_frame(pkt, port):
    mac, host, etype = PORTS[port]
    if isinstance(pkt, Ether):
        return raw(pkt)
    return raw(Ether(dst=host, src=mac, type=etype) / pkt)


def write_pcap(path, frames):
    if frames:
        wrpcap(path, [Ether(f) for f in frames], linktype=1)
    else:
        with open(path, "wb") as f:
            f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))


# --------------------------------------------------------------- compare ---
def l3_len(frame):
    if len(frame) < 14:
        return None
    et = struct.unpack("!H", frame[12:14])[0]
    if et == 0x0800 and len(frame) >= 18:
        return struct.unpack("!H", frame[16:18])[0]
    if et == 0x86DD and len(frame) >= 20:
        return 40 + struct.unpack("!H", frame[18:20])[0]
    if et == 0x0806:
        return 28
    return None


def strip_l2_padding(frame):
    n = l3_len(frame)
    if n is not None and len(frame) > 14 + n and len(frame) <= 60:
        return frame[:14 + n]
    return frame


def layers(p):
    out = []
    while p is not None and p.__class__.__name__ != "NoPayload":
        out.append(p)
        p = p.payload
    return out


def fmt(v):
    if isinstance(v, bytes):
        return v.hex() if len(v) <= 24 else v[:24].hex() + "...(%d bytes)" % len(v)
    if isinstance(v, int) and not isinstance(v, bool):
        return "%d (0x%x)" % (v, v)
    return repr(v)


CKSUM_ICMP = ("chksum", "cksum")


def icmp_valid(layer):
    b = raw(layer)
    if layer.__class__.__name__.startswith("ICMPv6"):
        under = layer.underlayer
        return in6_chksum(58, under, b) == 0
    return checksum(b) == 0


def ip4_hdr_valid(layer):
    b = raw(layer)[:layer.ihl * 4]
    return checksum(b) == 0


def compare(exp_b, act_b, vary):
    e = Ether(exp_b)
    a = Ether(act_b)
    el, al = layers(e), layers(a)
    names = [x.__class__.__name__ for x in el]
    for i, le in enumerate(el):
        if i >= len(al):
            return "missing layer %s (got only %s)" % (names[i], "/".join(x.__class__.__name__ for x in al))
        la = al[i]
        cname = le.__class__.__name__
        if la.__class__ is not le.__class__:
            return "layer %d: expected %s, got %s" % (i, cname, la.__class__.__name__)
        is_icmp = cname == "ICMP" or cname.startswith("ICMPv6")
        for f in le.fields_desc:
            key = "%s.%s" % (cname, f.name)
            ev, av = le.getfieldval(f.name), la.getfieldval(f.name)
            if key in vary:
                rule = vary[key]
                if rule is None:
                    continue
                if callable(rule):
                    if not rule(av):
                        return "%s: value %s not allowed" % (key, fmt(av))
                elif av not in rule:
                    return "%s: expected one of %s, got %s" % (key, rule, fmt(av))
                continue
            if cname in ("IP", "IPerror") and f.name == "chksum":
                if not ip4_hdr_valid(la):
                    return "%s: invalid header checksum %s" % (key, fmt(av))
                continue
            if is_icmp and f.name in CKSUM_ICMP:
                nested = set(names[i + 1:]) | {cname}
                if any(k.split(".", 1)[0] in nested and k != key for k in vary):
                    if not icmp_valid(la):
                        return "%s: invalid checksum %s (expected %s if nothing varied)" % (key, fmt(av), fmt(ev))
                    continue
            if ev != av:
                return "%s: expected %s, got %s" % (key, fmt(ev), fmt(av))
    if len(al) > len(el):
        return "extra layer %s" % al[len(el)].__class__.__name__
    if len(exp_b) != len(act_b):
        return "length: expected %d bytes, got %d" % (len(exp_b), len(act_b))
    return None


def summary(b):
    try:
        return Ether(b).summary()
    except Exception:  # noqa: BLE001
        return b[:32].hex()


def check_port_unordered(name, expected, actual, case_vary):
    """Several queues wrote the port's output: each expected frame must match a distinct
    captured frame, in any order."""
    left = list(actual)
    for i, (eb, ev) in enumerate(expected):
        whys = []
        for j, ab in enumerate(left):
            why = compare(eb, ab, dict(case_vary, **ev))
            if not why:
                del left[j]
                break
            whys.append(why)
        else:
            return ["%s[%d]: no captured frame matches %s (%d left; closest: %s)"
                    % (name, i, summary(eb), len(left), whys[0] if whys else "none")]
    if left:
        return ["%s: unexpected frame %s" % (name, summary(left[0]))]
    return []


def check_port(name, expected, actual, case_vary, unordered=False):
    """expected: list of (bytes, vary) or None; actual: list of frames."""
    if expected is None:
        return []
    if unordered:
        return check_port_unordered(name, expected, actual, case_vary)
    errs = []
    for i in range(max(len(expected), len(actual))):
        if i >= len(actual):
            errs.append("%s[%d]: missing (expected %s)" % (name, i, summary(expected[i][0])))
            break
        if i >= len(expected):
            errs.append("%s[%d]: unexpected frame %s" % (name, i, summary(actual[i])))
            break
        eb, ev = expected[i]
        why = compare(eb, actual[i], dict(case_vary, **ev))
        if why:
            errs.append("%s[%d]: %s" % (name, i, why))
            break
    return errs


def read_frames(path):
    if not os.path.exists(path):
        return None
    try:
        pk = rdpcap(path)
    except Exception:  # noqa: BLE001  (empty file without header, or none written)
        return []
    out = []
    for p in pk:
        b = raw(p)
        if len(b) >= 6 and (b[0] & 1):  # multicast/broadcast destination: not ours to judge
            continue
        out.append(strip_l2_padding(b))
    return out


def check_counters(expected, got):
    errs = []
    for k, v in expected.items():
        names = k.split("|")
        missing = [n for n in names if n not in got]
        if missing:
            errs.append("counter %s missing from stats" % ",".join(missing))
            continue
        val = sum(int(got[n]) for n in names)
        if val != v:
            errs.append("counter %s: expected %d, got %d" % (k, v, val))
    return errs


# ------------------------------------------------------------------- run ---
def exp_list(items, port):
    if items is None:
        return None
    out = []
    for it in items:
        if isinstance(it, C.Out):
            out.append((out_frame(it.pkt, port), it.vary))
        else:
            out.append((out_frame(it, port), {}))
    return out


def run_case(case, daemon, root, lcore, idx, verbose):
    work = os.path.join(root, case.get("dir", case["name"]))
    os.makedirs(work, exist_ok=True)
    write_pcap(os.path.join(work, "in6.pcap"), [in_frame(p, "v6") for p in case["in6"]])
    write_pcap(os.path.join(work, "in4.pcap"), [in_frame(p, "v4") for p in case["in4"]])
    workers = case.get("workers", 1)
    if workers > 1:
        write_pcap(os.path.join(work, "empty.pcap"), [])
    pr, log, dt, stats = run_daemon(daemon, work, make_config(case, work, lcore, idx), case.get("idle_ms", 300),
                                    DAEMON_TIMEOUT)
    if pr.returncode != 0:
        tail = " | ".join(log.strip().splitlines()[-3:])
        what = "timed out after %ds" % DAEMON_TIMEOUT if pr.returncode == 124 else "exit %d" % pr.returncode
        return False, "daemon %s: %s" % (what, tail), dt
    errs = []
    out6 = read_frames(os.path.join(work, "out6.pcap"))
    out4 = read_frames(os.path.join(work, "out4.pcap"))
    if out6 is None or out4 is None:
        return False, "no output pcap written", dt
    for q in range(1, workers):
        out6 += read_frames(os.path.join(work, "out6_%d.pcap" % q)) or []
        out4 += read_frames(os.path.join(work, "out4_%d.pcap" % q)) or []
    errs += check_port("out6", exp_list(case["out6"], "v6"), out6, case["vary"], workers > 1)
    errs += check_port("out4", exp_list(case["out4"], "v4"), out4, case["vary"], workers > 1)
    try:
        with open(stats) as f:
            counters = json.load(f)["counters"]
    except (OSError, ValueError, KeyError) as e:
        return False, "no stats: %s" % e, dt
    errs += check_counters(case["counters"], counters)
    if errs and verbose:
        nz = {k: v for k, v in sorted(counters.items()) if v}
        errs.append("nonzero counters: %s" % nz)
        for nm, fr in (("out6", out6), ("out4", out4)):
            for i, b in enumerate(fr[:20]):
                errs.append("  %s[%d] %s" % (nm, i, summary(b)))
            if len(fr) > 20:
                errs.append("  %s: %d more" % (nm, len(fr) - 20))
    return (not errs), "; ".join(errs), dt


def batchable(c):
    """Cases that can share one daemon run with others of the same configuration: input on one
    port only (so each output port sees one ordered stream), no slow-path (L2) input, every
    port checked. Never NAT64 (state would leak from case to case) or several workers."""
    if c["config"].get("mode") == "nat64" or c.get("workers", 1) != 1:
        return False
    if c["in6"] and c["in4"]:
        return False
    if c["out6"] is None or c["out4"] is None:
        return False
    return not any(isinstance(p, Ether) for p in c["in6"] + c["in4"])


def merge(batch):
    m = dict(name="+".join(c["name"] for c in batch), dir="batch-" + batch[0]["name"],
             config=batch[0]["config"], in6=[], in4=[],
             out6=[], out4=[], vary={}, counters={})
    for c in batch:
        m["in6"] += c["in6"]
        m["in4"] += c["in4"]
        for port in ("out6", "out4"):
            for it in c[port]:
                if isinstance(it, C.Out):
                    m[port].append(C.Out(it.pkt, dict(c["vary"], **it.vary)))
                else:
                    m[port].append(C.Out(it, dict(c["vary"])))
        for k, v in c["counters"].items():
            m["counters"][k] = m["counters"].get(k, 0) + v
    return m


def plan(sel, batch_max):
    """Units of work: lists of cases run in one daemon."""
    groups, units = {}, []
    for c in sel:
        if batch_max > 1 and batchable(c):
            key = (json.dumps(c["config"], sort_keys=True), bool(c["in6"]), tuple(sorted(c["counters"])))
            g = groups.setdefault(key, [])
            g.append(c)
            if len(g) == batch_max:
                units.append(list(g))
                g.clear()
        else:
            units.append([c])
    units += [g for g in groups.values() if g]
    return units


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-k", action="append", default=[], help="run cases whose name contains this")
    ap.add_argument("-j", type=int, default=os.cpu_count() or 1, help="parallel daemons (one lcore each)")
    ap.add_argument("-b", type=int, default=8,
                    help="batch up to this many same-config cases per daemon run; a failing batch is "
                         "re-run case by case (1 = no batching)")
    ap.add_argument("-v", action="store_true", help="on failure, show counters and captured frames")
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    ap.add_argument("--list", action="store_true", help="list cases and the rule each checks")
    args = ap.parse_args()

    sel, daemon, root = start(ALL_CASES, args, "packet", lambda c: "%-45s %s" % (c["name"], c["rfc"]), "xlat64-pkt-")
    ncpu = os.cpu_count() or 1
    jobs = max(1, min(args.j, ncpu))
    free = list(range(jobs))
    lock = threading.Lock()
    counter = [0]
    runs = []  # (seconds, ncases)
    results = {}
    t0 = time.time()

    def one(c, lc):
        with lock:
            counter[0] += 1
            idx = counter[0]
        ok, why, dt = run_case(c, daemon, root, lc % ncpu, idx, args.v)
        with lock:
            runs.append(dt)
        return ok, why

    def work(unit):
        with lock:
            lc = free.pop()
        try:
            if len(unit) > 1:
                ok, _ = one(merge(unit), lc)
                if ok:
                    return {c["name"]: (True, "") for c in unit}
            return {c["name"]: one(c, lc) for c in unit}
        except Exception as e:  # noqa: BLE001
            return {c["name"]: (False, "runner error: %r" % e) for c in unit}
        finally:
            with lock:
                free.append(lc)

    units = plan(sel, args.b)
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as ex:
        futs = [ex.submit(work, u) for u in units]
        pending = list(sel)
        for fu in concurrent.futures.as_completed(futs):
            results.update(fu.result())
            while pending and pending[0]["name"] in results:
                c = pending.pop(0)
                ok, why = results[c["name"]]
                if c.get("xfail"):  # a known bug: reported, not counted as a failure
                    print(("XPASS %s: marked as a known bug (%s) but passes: remove the mark"
                           % (c["name"], c["xfail"])) if ok else
                          ("XFAIL %s: %s [known bug: %s]" % (c["name"], why, c["xfail"])), flush=True)
                    continue
                print(("PASS %s" % c["name"]) if ok else ("FAIL %s: %s" % (c["name"], why)), flush=True)
    xf = [c["name"] for c in sel if c.get("xfail")]
    nxfail = sum(1 for n in xf if not results[n][0])
    npass = sum(1 for n, r in results.items() if r[0])
    nfail = len(results) - npass - nxfail
    keep = args.keep or nfail
    print("time: %.1fs wall; %d daemon runs for %d cases, %.2fs each on average, %d in parallel%s"
          % (time.time() - t0, len(runs), len(sel), sum(runs) / max(1, len(runs)), jobs,
             "; work dir %s" % root if keep else ""))
    if not keep:
        shutil.rmtree(root, ignore_errors=True)
    print("%d passed, %d failed%s" % (npass, nfail, ", %d known bugs (XFAIL)" % nxfail if nxfail else ""))
    return 1 if nfail else 0


if __name__ == "__main__":
    sys.exit(main())
