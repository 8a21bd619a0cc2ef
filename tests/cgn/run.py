#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""
Carrier-grade NAT64 tests that need tshark or the daemon (doc/cgn.md).

  run.py [-k SUBSTR]... [-v]

Prints "PASS name" / "FAIL name: why" per test and, last, "N passed, M failed".
"""

import argparse
import ipaddress
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
BUILD = os.environ.get("XLAT64_BUILD", os.path.join(HERE, "..", "..", "build"))
DAEMON = os.environ.get("XLAT64D", os.path.join(BUILD, "dataplane", "xlat64d"))
VERBOSE = False
sys.path.insert(0, os.path.join(HERE, "..", "packet"))
sys.dont_write_bytecode = True

import run as P  # noqa: E402  (tests/packet/run.py: configs, pcaps)
from cases import S4  # noqa: E402
from scapy.all import IP, UDP, Ether, IPv6, Raw, wrpcap  # noqa: E402

# tshark field names of the RFC 8158 elements (Wireshark 4.0 cflow dissector)
FIELDS = ["cflow.nat_event", "cflow.protocol", "cflow.srcaddrv6", "cflow.srcport",
          "cflow.post_natsource_ipv4_address", "cflow.post_naptsource_transport_port",
          "cflow.dstaddr", "cflow.dstport", "cflow.port_range_start", "cflow.port_range_end",
          "cflow.nat_quota_exceeded_event", "cflow.max_entries_per_user",
          "cflow.observation_time_milliseconds", "cflow.od_id", "cflow.sequence"]


class Fail(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Fail(msg)


def tshark_records(pcap, port):
    """Every IPFIX data record tshark decodes in pcap (UDP port `port` as cflow), as dicts."""
    out = subprocess.run(["tshark", "-r", pcap, "-d", "udp.port==%d,cflow" % port, "-Y", "cflow",
                          "-T", "fields", "-E", "separator=|", "-E", "occurrence=a", "-E", "aggregator=;"]
                         + sum([["-e", f] for f in FIELDS], []),
                         capture_output=True, text=True, timeout=120, env=dict(os.environ, TZ="UTC"))
    if out.returncode != 0:
        raise Fail("tshark failed: " + out.stderr.strip()[-300:])
    recs = []
    for line in out.stdout.splitlines():
        cols = [c.split(";") if c else [] for c in line.split("|")]
        ev = cols[0]
        # one message: the per-record fields are parallel lists over the records that have them
        idx = {f: 0 for f in FIELDS}
        for i, e in enumerate(ev):
            r = {"nat_event": int(e), "od_id": cols[FIELDS.index("cflow.od_id")][0],
                 "sequence": int(cols[FIELDS.index("cflow.sequence")][0])}
            names = ["protocol", "srcaddrv6", "observation_time_milliseconds"]
            if r["nat_event"] in (6, 7, 10, 11):
                names += ["srcport", "post_natsource_ipv4_address", "post_naptsource_transport_port"]
            if r["nat_event"] in (6, 7):
                names += ["dstaddr", "dstport"]
            if r["nat_event"] in (16, 17):
                names += ["post_natsource_ipv4_address", "port_range_start", "port_range_end"]
            if r["nat_event"] == 13:
                names += ["nat_quota_exceeded_event", "max_entries_per_user"]
            for n in names:
                f = "cflow." + n
                vals = cols[FIELDS.index(f)]
                check(idx[f] < len(vals), "record %d of a message has no %s" % (i, f))
                r[n] = vals[idx[f]]
                idx[f] += 1
            recs.append(r)
    return recs


def epoch_of(tshark_time):
    """tshark's absolute time ("Nov 14, 2023 22:13:20.123000000 UTC", TZ=UTC) as seconds since the epoch."""
    import calendar
    whole, _, frac = tshark_time.replace(" UTC", "").partition(".")
    return calendar.timegm(time.strptime(whole, "%b %d, %Y %H:%M:%S")) + float("0." + (frac or "0"))


def t_ipfix_encoder_tshark():
    """lib/ipfix.c's messages (test_cgn --pcap), decoded by tshark: every field of every event type."""
    exe = os.path.join(BUILD, "tests", "cgn", "test_cgn")
    with tempfile.TemporaryDirectory() as d:
        pcap = os.path.join(d, "ipfix.pcap")
        subprocess.run([exe, "--pcap", pcap, "4739"], check=True, timeout=60)
        recs = tshark_records(pcap, 4739)
    # two messages: the second has no templates but tshark still decodes it from the first's
    check(len(recs) == 10, "expected 10 records, tshark decoded %d" % len(recs))
    r = recs[0]
    check(r["nat_event"] == 10 and r["protocol"] == "17" and r["srcaddrv6"] == "2001:db8:6::a"
          and r["srcport"] == "5000" and r["post_natsource_ipv4_address"] == "192.0.2.1"
          and r["post_naptsource_transport_port"] == "61002", "BIB create record: %s" % r)
    check(abs(epoch_of(r["observation_time_milliseconds"]) - 1700000000.123) < 0.0005,
          "time: %s" % r["observation_time_milliseconds"])
    r = recs[1]
    check(r["nat_event"] == 6 and r["protocol"] == "6" and r["dstaddr"] == "198.51.100.2" and r["dstport"] == "80"
          and r["post_naptsource_transport_port"] == "61004", "session create record: %s" % r)
    r = recs[2]
    check(r["nat_event"] == 16 and r["port_range_start"] == "1024" and r["port_range_end"] == "1535"
          and r["post_natsource_ipv4_address"] == "192.0.2.2" and r["srcaddrv6"] == "2001:db8:6::",
          "block record: %s" % r)
    r = recs[3]
    check(r["nat_event"] == 13 and r["nat_quota_exceeded_event"] == "3" and r["max_entries_per_user"] == "10"
          and r["srcaddrv6"] == "2001:db8:7::", "quota record: %s" % r)
    check(recs[4]["nat_event"] == 17, "block free record: %s" % recs[4])
    check(recs[0]["od_id"] == "42", "observation domain %s" % recs[0]["od_id"])
    check(recs[5]["sequence"] == 5, "second message's sequence number %d, expected 5" % recs[5]["sequence"])


# ------------------------------------------------------------ the daemon ---
class Collector:
    """A UDP socket on 127.0.0.1 keeping every datagram (the IPFIX collector / syslog server)."""

    def __init__(self):
        self.s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.s.bind(("127.0.0.1", 0))
        self.s.settimeout(0.2)
        self.port = self.s.getsockname()[1]
        self.got = []
        self.stop = False
        self.t = threading.Thread(target=self.loop, daemon=True)
        self.t.start()

    def loop(self):
        while not self.stop:
            try:
                self.got.append(self.s.recv(65535))
            except socket.timeout:
                continue

    def close(self):
        time.sleep(0.3)
        self.stop = True
        self.t.join()
        self.s.close()

    def pcap(self, path):
        """What arrived, as frames on the loopback, for tshark."""
        wrpcap(path, [Ether() / IP(src="127.0.0.1", dst="127.0.0.1") / UDP(sport=40000, dport=self.port) / Raw(d)
                      for d in self.got], linktype=1)


def run_daemon(work, cgn, in6, pool4=None, workers=1, extra=None, in4=(), out6=None):
    """xlat64d in NAT64 mode on net_pcap ports with in6 (in4) as input; returns (counters, out4 frames)
    and fills the list out6 with the IPv6 output when given."""
    P.write_pcap(os.path.join(work, "in6.pcap"), [P.in_frame(p, "v6") for p in in6])
    P.write_pcap(os.path.join(work, "in4.pcap"), [P.in_frame(p, "v4") for p in in4])
    P.write_pcap(os.path.join(work, "empty.pcap"), [])
    cfg = P.base_config(work, 0, os.getpid() % 1000, workers)
    cfg["eal"][cfg["eal"].index("--file-prefix") + 1] = "cgn%d_%d" % (os.getpid(), int(time.time() * 1000) % 100000)
    cfg["mode"] = "nat64"
    cfg["pool4"] = pool4 or [{"protocol": pr, "prefix": "192.0.2.1/32", "port range": "2000-2999"}
                             for pr in ("UDP", "TCP", "ICMP")]
    cfg["cgn"] = cgn
    cfg.update(extra or {})
    with open(os.path.join(work, "cfg.json"), "w") as f:
        json.dump(cfg, f, indent=1)
    stats = os.path.join(work, "stats.json")
    pr = subprocess.run(["timeout", "90", DAEMON, "--config", os.path.join(work, "cfg.json"), "--idle-exit", "500",
                         "--stats-out", stats], cwd=work, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    log = pr.stdout.decode(errors="replace")
    check(pr.returncode == 0, "daemon exit %d: %s" % (pr.returncode, " | ".join(log.strip().splitlines()[-3:])))
    with open(stats) as f:
        counters = json.load(f)["counters"]
    out4 = P.read_frames(os.path.join(work, "out4.pcap")) or []
    for q in range(1, workers):
        out4 += P.read_frames(os.path.join(work, "out4_%d.pcap" % q)) or []
    if out6 is not None:
        for q in range(workers):
            out6 += [Ether(b) for b in P.read_frames(os.path.join(work, "out6%s.pcap" % ("_%d" % q if q else "")))
                     or []]
    return counters, [Ether(b) for b in out4]


def udp6(src, sport, dport=53):
    return IPv6(src=src, dst=P.C.rfc6052(P.C.POOL6, S4), hlim=64) / UDP(sport=sport, dport=dport) / Raw(b"x" * 8)


def expect_counters(got, exp):
    errs = P.check_counters(exp, got)
    check(not errs, "; ".join(errs))


def t_limits_per_subscriber_and_ipfix():
    """max-ports and max-sessions per /56: the subscriber over its limit is refused and counted, the other
    is not; every BIB/session/quota event reaches the collector as IPFIX (decoded by tshark) and syslog."""
    col, sysl = Collector(), Collector()
    A1, A2, B = "2001:db8:a:100::1", "2001:db8:a:1ff::2", "2001:db8:a:200::1"
    in6 = [udp6(A1, 1000), udp6(A2, 1001), udp6(A1, 1002),  # A's 3 ports
           udp6(A1, 1003), udp6(A2, 1004),                 # refused: max-ports UDP 3
           udp6(A1, 1000, 54), udp6(A1, 1000, 55),         # A's sessions 4 and 5 (same BIB)
           udp6(A2, 1001, 56),                             # refused: max-sessions 5
           udp6(B, 1000), udp6(B, 1001), udp6(B, 1002)]    # B: unaffected
    cgn = {"subscriber-prefix-length": 56, "max-sessions": 5, "max-ports": {"UDP": 3},
           "logging": {"events": ["bib", "session", "quota"], "ipfix": "127.0.0.1#%d" % col.port,
                       "syslog": "127.0.0.1#%d" % sysl.port, "observation-domain": 99}}
    with tempfile.TemporaryDirectory() as work:
        t0 = time.time()
        try:
            counters, out4 = run_daemon(work, cgn, in6)
        finally:
            t1 = time.time()
            col.close()
            sysl.close()
        expect_counters(counters, {"XLAT_CGN_PORT_LIMIT": 2, "XLAT_CGN_SESSION_LIMIT": 1,
                                   "XLAT_NAT64_BIB_CREATED": 6, "XLAT_NAT64_SESSION_CREATED": 8,
                                   "XLAT_NATLOG_EVENTS": 6 + 8 + 1, "XLAT_NATLOG_DROPPED": 0,
                                   "JSTAT_SUCCESS": 8})
        check(len(out4) == 8, "expected 8 translated packets, got %d" % len(out4))
        # B's three flows all went out, with B's three source ports
        bports = sorted(p[UDP].sport for p in out4 if p[UDP].dport == 53)
        check(len(bports) == 6, "six flows to port 53 (A 3, B 3): %s" % bports)
        pcap = os.path.join(work, "ipfix.pcap")
        col.pcap(pcap)
        recs = tshark_records(pcap, col.port)
    ev = [r["nat_event"] for r in recs]
    check(ev.count(10) == 6 and ev.count(6) == 8 and ev.count(13) == 1,
          "natEvents: %d BIB create, %d session create, %d quota (expected 6, 8, 1): %s"
          % (ev.count(10), ev.count(6), ev.count(13), ev))
    q = next(r for r in recs if r["nat_event"] == 13)
    check(q["srcaddrv6"] == "2001:db8:a:100::" and q["max_entries_per_user"] == "3"
          and q["nat_quota_exceeded_event"] == "3", "quota record: %s" % q)
    bibs = [r for r in recs if r["nat_event"] == 10]
    # the IPFIX BIB records are the translations that left: same pool4 ports
    xl = sorted(int(r["post_naptsource_transport_port"]) for r in bibs)
    check(xl == sorted({p[UDP].sport for p in out4}), "BIB records' ports %s vs packets %s"
          % (xl, sorted({p[UDP].sport for p in out4})))
    check(all(r["post_natsource_ipv4_address"] == "192.0.2.1" and r["protocol"] == "17" for r in bibs),
          "BIB records: %s" % bibs)
    check({r["srcaddrv6"] for r in bibs} == {A1, A2, B}, "BIB sources: %s" % {r["srcaddrv6"] for r in bibs})
    s = [r for r in recs if r["nat_event"] == 6]
    check(sorted(int(r["dstport"]) for r in s) == [53] * 6 + [54, 55] and all(r["dstaddr"] == S4 for r in s),
          "session records: %s" % s)
    check(all(r["od_id"] == "99" for r in recs), "observation domain")
    for r in recs:  # wall-clock event times: during the daemon's run
        t = epoch_of(r["observation_time_milliseconds"])
        check(t0 - 1 <= t <= t1 + 1, "event time %s outside the run (%.3f..%.3f)" % (r, t0, t1))
    lines = [d.decode() for d in sysl.got]
    check(len(lines) == 15, "expected 15 syslog lines, got %d" % len(lines))
    check(any(line.startswith("<134>1 ") and "NAT64 BIB create proto=UDP src=[%s]:1000 nat=192.0.2.1:" % A1 in line
              for line in lines), "syslog lines: %s" % lines[:3])
    check(any("Quota Exceeded proto=UDP subscriber=2001:db8:a:100:: limit=3" in line for line in lines),
          "no quota line: %s" % lines)


def t_port_blocks():
    """Port blocks: a subscriber's flows take ports from 16-port blocks of one address, a second block when
    the first fills, at most max-blocks; each block is logged once (IPFIX portRangeStart/End), entries not."""
    col = Collector()
    A, B = "2001:db8:a:100::1", "2001:db8:a:200::1"
    in6 = [udp6(A, 3000 + i) for i in range(20)] + [udp6(B, 4000)] + [udp6(A, 5000 + i) for i in range(15)]
    cgn = {"port-blocks": {"block-size": 16, "max-blocks": 2}, "logging": {"ipfix": "127.0.0.1#%d" % col.port}}
    pool4 = [{"protocol": "UDP", "prefix": "192.0.2.1/32", "port range": "2000-2999"}]
    with tempfile.TemporaryDirectory() as work:
        try:
            counters, out4 = run_daemon(work, cgn, in6, pool4)
        finally:
            col.close()
        pcap = os.path.join(work, "ipfix.pcap")
        col.pcap(pcap)
        recs = tshark_records(pcap, col.port)
    # A: 32 ports in 2 blocks, 3 refused; B: one block
    expect_counters(counters, {"XLAT_CGN_BLOCK_ALLOCATED": 3, "XLAT_CGN_BLOCK_LIMIT": 3, "JSTAT_SUCCESS": 33,
                               "XLAT_NATLOG_EVENTS": 3 + 1, "XLAT_CGN_BLOCKS": 3, "XLAT_CGN_SUBSCRIBERS": 2})
    blocks = [r for r in recs if r["nat_event"] == 16]
    check(len(blocks) == 3 and not [r for r in recs if r["nat_event"] in (6, 10)],
          "expected 3 block records and no BIB/session records: %s" % recs)
    ranges = {}
    for r in blocks:
        lo, hi = int(r["port_range_start"]), int(r["port_range_end"])
        check(hi - lo == 15 and lo % 16 == 0 and 2000 <= lo and hi <= 2999, "block %s" % r)
        ranges.setdefault(r["srcaddrv6"], []).append((lo, hi))
    check(len(ranges.get("2001:db8:a:100::", [])) == 2 and len(ranges.get("2001:db8:a:200::", [])) == 1,
          "blocks per subscriber: %s" % ranges)
    for p in out4:
        src = ipaddress.ip_address(p[IP].dst)  # noqa: F841  (the server; the subscriber is told by the port)
        port = p[UDP].sport
        owner = [s for s, rs in ranges.items() if any(lo <= port <= hi for lo, hi in rs)]
        check(len(owner) == 1, "port %d is in no block (or several): %s" % (port, ranges))
        check(p[IP].src == "192.0.2.1", "address %s" % p[IP].src)
    q = [r for r in recs if r["nat_event"] == 13]
    check(len(q) == 1 and q[0]["max_entries_per_user"] == "32", "quota records: %s" % q)


def t_port_blocks_two_workers():
    """Two workers: each subscriber's flows are handed to its owner, which takes blocks it owns; IPv4
    packets to every port of the pool reach the worker of the port's block: exactly the ports in use are
    translated back, the rest find no BIB entry."""
    A, B = "2001:db8:a:100::1", "2001:db8:a:200::1"
    in6 = [udp6(A, 3000 + i) for i in range(20)] + [udp6(B, 4000)]
    in4 = [IP(src=S4, dst="192.0.2.1", ttl=64) / UDP(sport=53, dport=p) / Raw(b"y" * 8) for p in range(2000, 2064)]
    cgn = {"port-blocks": {"block-size": 16, "max-blocks": 2}}
    pool4 = [{"protocol": "UDP", "prefix": "192.0.2.1/32", "port range": "2000-2063"}]
    out6 = []
    with tempfile.TemporaryDirectory() as work:
        counters, out4 = run_daemon(work, cgn, in6, pool4, workers=2, in4=in4, out6=out6)
    used = sorted({p[UDP].sport for p in out4 if UDP in p and p[IP].src == "192.0.2.1"})
    check(len(used) == 21, "21 flows out, %d distinct ports: %s" % (len(used), used))
    back = sorted(p[UDP].dport for p in out6 if UDP in p)
    check(len(back) == 21 and sorted(p[UDP].dport for p in out6 if UDP in p and p[IPv6].dst in (A, B)) == back,
          "IPv4 replies translated back: %d (expected 21)" % len(back))
    expect_counters(counters, {"XLAT_CGN_BLOCK_ALLOCATED": 3, "JSTAT_BIB4_NOT_FOUND": 64 - 21})
    check(counters.get("XLAT_HANDOFF_OUT", 0) > 0, "no packet was handed to the other worker")
    # every used port is in a block of its subscriber's owner: blocks of 16 starting at multiples of 16
    check(len({p // 16 for p in used}) == 3, "ports in %d blocks: %s" % (len({p // 16 for p in used}), used))


def det_forward(p6, l6, plen, p4, l4, lo, hi, src):
    """The RFC 7422 function of lib/cgn.c, written again: subscriber -> (address, first, last)."""
    S, A = 1 << (plen - l6), 1 << (32 - l4)
    k = (S + A - 1) // A
    ports = (hi - lo + 1) // k
    i = (int(ipaddress.IPv6Address(src)) >> (128 - plen)) & (S - 1)
    a = int(ipaddress.IPv4Address(p4)) + i % A
    first = lo + (i // A) * ports
    return str(ipaddress.IPv4Address(a)), first, first + ports - 1


def t_deterministic():
    """Deterministic NAT: every translation lies in the range the function gives the subscriber, sources
    outside the prefix are refused, nothing is logged but quotas."""
    col = Collector()
    subs = ["2001:db8:100:%x00::%x" % (i, i + 1) for i in (0, 1, 2, 3, 4, 0x41, 0xff)]
    in6 = [udp6(s, 7000 + j) for s in subs for j in range(3)] + [udp6("2001:db8:9::1", 7000)]
    cgn = {"deterministic": {"ipv6 prefix": "2001:db8:100::/48", "ipv4 prefix": "192.0.2.0/30",
                             "port range": "1024-65535"}, "logging": {"ipfix": "127.0.0.1#%d" % col.port}}
    pool4 = [{"protocol": pr, "prefix": "192.0.2.0/30", "port range": "1024-65535"} for pr in ("UDP", "TCP")]
    with tempfile.TemporaryDirectory() as work:
        try:
            counters, out4 = run_daemon(work, cgn, in6, pool4)
        finally:
            col.close()
    expect_counters(counters, {"JSTAT_SUCCESS": 21, "XLAT_CGN_DET_OUTSIDE": 1, "XLAT_NATLOG_EVENTS": 0})
    check(len(out4) == 21, "expected 21 packets, got %d" % len(out4))
    seen = 0
    for s in subs:
        a, first, last = det_forward("2001:db8:100::", 48, 56, "192.0.2.0", 30, 1024, 65535, s)
        mine = [p for p in out4 if p[UDP].sport >= first and p[UDP].sport <= last and p[IP].src == a]
        check(len(mine) == 3, "subscriber %s: range %s %d-%d holds %d packets" % (s, a, first, last, len(mine)))
        seen += len(mine)
    check(seen == 21, "packets outside every range")
    check(not col.got, "deterministic NAT logged %d messages" % len(col.got))


def ctl(sock, *args, ok=True):
    exe = os.path.join(BUILD, "control", "xlat64ctl")
    r = subprocess.run([exe, "--socket", sock, "--timeout", "5"] + list(args), capture_output=True, text=True,
                       timeout=30)
    check((r.returncode == 0) == ok, "xlat64ctl %s: exit %d: %s%s" % (" ".join(args), r.returncode, r.stdout,
                                                                     r.stderr))
    return r.stdout + r.stderr


def t_api_cli():
    """cgn get / set (limits live; structural members refused) / who, from the daemon and offline from the file."""
    with tempfile.TemporaryDirectory() as work:
        sock = os.path.join(work, "ctl.sock")
        # two subscribers of the deterministic prefix, and one outside it
        P.write_pcap(os.path.join(work, "in6.pcap"), [P.in_frame(p, "v6") for p in
                                                      (udp6("2001:db8:100:100::1", 1), udp6("2001:db8:100:100::2", 2),
                                                       udp6("2001:db8:100:200::1", 3), udp6("2001:db8:999::1", 4))])
        P.write_pcap(os.path.join(work, "in4.pcap"), [])
        cfg = P.base_config(work, 0, os.getpid() % 1000)
        cfg["eal"][cfg["eal"].index("--file-prefix") + 1] = "cgnapi%d" % os.getpid()
        cfg.update({"mode": "nat64", "control": {"socket": sock},
                    "pool4": [{"protocol": pr, "prefix": "192.0.2.0/30", "port range": "1024-65535"}
                              for pr in ("UDP", "TCP")],
                    "cgn": {"max-sessions": 100, "deterministic": {"ipv6 prefix": "2001:db8:100::/48",
                                                                   "ipv4 prefix": "192.0.2.0/30"}}})
        path = os.path.join(work, "cfg.json")
        with open(path, "w") as f:
            json.dump(cfg, f)
        d = subprocess.Popen([DAEMON, "--config", path], cwd=work, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        try:
            for _ in range(200):
                if os.path.exists(sock):
                    break
                time.sleep(0.1)
            check(os.path.exists(sock), "no control socket")
            for _ in range(100):  # the input is read once the daemon runs
                got = json.loads(ctl(sock, "--json", "cgn"))
                if got.get("state", {}).get("subscribers"):
                    break
                time.sleep(0.1)
            check(got["enabled"] and got["cgn"]["max-sessions"] == 100 and got["cgn"]["logging"]["events"] == ["quota"],
                  "cgn get: %s" % got)
            st = got.get("state", {})
            check(st.get("subscribers") == 2 and st.get("blocks") == 0 and st.get("refused") == 1
                  and st.get("workers") == [{"subscribers": 2, "blocks": 0}] and st.get("events-dropped") == 0,
                  "cgn get state: %s" % got)
            got = json.loads(ctl(sock, "--json", "cgn", "set", '{"max-sessions": 7, "max-ports": {"TCP": 3}}'))
            check(got["changed"] and got["cgn"]["max-sessions"] == 7 and got["cgn"]["max-ports"]["TCP"] == 3,
                  "cgn set: %s" % got)
            got = json.loads(ctl(sock, "--json", "cgn", "set", '{"max-sessions": 7}'))
            check(not got["changed"], "the same value again changed something: %s" % got)
            out = ctl(sock, "cgn", "set", '{"port-blocks": {"block-size": 64}}', ok=False)
            check("restart" in out, "structural change: %s" % out)
            out = ctl(sock, "cgn", "set", '{"max-sesions": 7}', ok=False)
            check("did you mean 'max-sessions'" in out, "typo: %s" % out)
            # who: the daemon and the file agree with the function, for a sample of the pool
            for a4, port in (("192.0.2.1", 1024), ("192.0.2.3", 65000), ("192.0.2.2", 40000), ("192.0.2.0", 65535)):
                live = json.loads(ctl(sock, "--json", "cgn", "who", a4, str(port)))
                live.pop("ok", None)
                off = json.loads(ctl("/nonexistent", "--json", "cgn", "who", a4, str(port), path))
                check(live == off, "daemon %s vs file %s" % (live, off))
                sub = live["subscriber"]
                if port == 65535:  # 64 ranges of 1008 ports end at 65535 - 1024 % ... : the tail is nobody's
                    check(sub is None or sub.endswith("/56"), "who %s %d: %s" % (a4, port, live))
                    continue
                check(sub and sub.endswith("/56"), "who %s %d: %s" % (a4, port, live))
                ra, first, last = det_forward("2001:db8:100::", 48, 56, "192.0.2.0", 30, 1024, 65535,
                                              sub.split("/")[0])
                check(ra == a4 and first <= port <= last, "who %s %d -> %s, whose range is %s %d-%d"
                      % (a4, port, sub, ra, first, last))
            out = ctl("/nonexistent", "cgn", "who", "192.0.2.1", "1024", path)
            check(out.startswith("192.0.2.1 port 1024: subscriber 2001:db8:100:100::/56 (its range on that address: "
                             "1024-2031)"), "text: %s" % out)
            out = ctl("/nonexistent", "cgn", "who", "192.0.2.9", "1024", path)
            check("nobody" in out, "outside the pool: %s" % out)
        finally:
            d.terminate()
            d.wait(timeout=20)

def t_subscriber_view():
    """Issue 19: the per-subscriber view of a CGN daemon with port blocks, two workers: a subscriber's counts,
    the ports it holds, its blocks (ports used of each) and the flows its limits refused come from the worker
    that owns it, and agree with the session list; nat64 status counts the refusals; subscriber top ranks by
    sessions at the CGN subscriber length."""
    A, A2, B = "2001:db8:a:100::1", "2001:db8:a:1ff::2", "2001:db8:a:200::1"
    in6 = ([udp6(A, 3000 + i) for i in range(20)] + [udp6(A2, 5000 + i) for i in range(15)] + [udp6(B, 4000)] +
           [udp6(A, 3000, 54), udp6(A, 3000, 55)])  # A: 32 ports in 2 blocks, 3 refused; 2 more sessions
    with tempfile.TemporaryDirectory() as work:
        sock = os.path.join(work, "ctl.sock")
        P.write_pcap(os.path.join(work, "in6.pcap"), [P.in_frame(p, "v6") for p in in6])
        P.write_pcap(os.path.join(work, "in4.pcap"), [])
        P.write_pcap(os.path.join(work, "empty.pcap"), [])
        cfg = P.base_config(work, 0, os.getpid() % 1000, 2)
        cfg["eal"][cfg["eal"].index("--file-prefix") + 1] = "cgnsub%d" % os.getpid()
        cfg.update({"mode": "nat64", "control": {"socket": sock},
                    "pool4": [{"protocol": "UDP", "prefix": "192.0.2.1/32", "port range": "2000-2999"}],
                    "cgn": {"port-blocks": {"block-size": 16, "max-blocks": 2}}})
        path = os.path.join(work, "cfg.json")
        with open(path, "w") as f:
            json.dump(cfg, f)
        d = subprocess.Popen([DAEMON, "--config", path], cwd=work, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        try:
            for _ in range(300):
                if os.path.exists(sock):
                    break
                time.sleep(0.1)
            for _ in range(100):  # the input is read once the daemon runs
                se = json.loads(ctl(sock, "--json", "session", "limit", "10000"))
                if se.get("total") == 35:
                    break
                time.sleep(0.1)
            check(se.get("total") == 35, "the pcap made %s sessions, not 35" % se.get("total"))
            a_workers = {s["worker"] for s in se["sessions"] if s["ipv6 address"].startswith("2001:db8:a:1")}
            check(len(a_workers) == 1, "A's sessions on workers %s" % a_workers)
            v = json.loads(ctl(sock, "--json", "subscriber", "2001:db8:a:100::/56"))
            g = v["cgn"]
            check(v["sessions"]["udp"] == 34 and v["bib"]["udp"] == 32 and v["workers"] == sorted(a_workers),
                  "subscriber A: %s" % v)
            check(g["subscriber"] == "2001:db8:a:100::/56" and g["found"] and g["worker"] in a_workers and
                  g["sessions"] == 34 and g["bib"]["udp"] == 32 and g["limit-hits"]["udp"] == 3 and
                  g["blocks-total"] == 2, "A's CGN state: %s" % g)
            ports = sorted(int(s["ipv4 address"].split("#")[1]) for s in se["sessions"]
                           if s["ipv6 address"].startswith("2001:db8:a:1"))
            for b in g["blocks"]:
                lo, hi = (int(x) for x in b["ports"].split("-"))
                inside = {p for p in ports if lo <= p <= hi}
                check(b["size"] == 16 and b["used"] == len(inside) == 16 and b["address"] == "192.0.2.1",
                      "block %s holds %d of A's ports" % (b, len(inside)))
            check(v["pool4"] == [{"protocol": "UDP", "address": "192.0.2.1", "used": 32}], "A's ports: %s" % v["pool4"])
            # one host of A: its own counts, A's CGN state
            h = json.loads(ctl(sock, "--json", "subscriber", "show", A2))
            check(h["sessions"]["udp"] == 12 and h["cgn"]["subscriber"] == "2001:db8:a:100::/56" and
                  h["cgn"]["limit-hits"]["udp"] == 3, "host %s: %s" % (A2, h))
            # a prefix of several subscribers: both workers asked, no CGN part
            w = json.loads(ctl(sock, "--json", "subscriber", "2001:db8:a::/48"))
            check(w["sessions"]["udp"] == 35 and w["cgn"] is None and w["workers"] == [0, 1], "the /48: %s" % w)
            t = json.loads(ctl(sock, "--json", "subscriber", "top"))
            check(t["prefix-length"] == 56 and [(x["prefix"], x["sessions"]["total"]) for x in t["subscribers"]] ==
                  [("2001:db8:a:100::/56", 34), ("2001:db8:a:200::/56", 1)], "top: %s" % t)
            st = json.loads(ctl(sock, "--json", "nat64", "status"))
            check(st["limits"]["cgn-block-limit"] == 3 and st["sessions"]["udp"] == 35 and st["bib"]["udp"] == 33 and
                  st["pool4"] == [{"protocol": "UDP", "address": "192.0.2.1", "ports": 1000, "used": 33}],
                  "nat64 status: %s" % st)
            out = ctl(sock, "subscriber", "2001:db8:a:100::/56")
            check("CGN subscriber 2001:db8:a:100::/56 (worker %d): 34 sessions; flows its limits refused: TCP 0, "
                  "UDP 3, ICMP 0" % g["worker"] in out and "192.0.2.1      UDP       " in out, "text: %s" % out)
        finally:
            d.terminate()
            d.wait(timeout=20)


TESTS = [t_ipfix_encoder_tshark, t_limits_per_subscriber_and_ipfix, t_port_blocks, t_port_blocks_two_workers,
         t_deterministic, t_api_cli, t_subscriber_view]


def main():
    global VERBOSE
    ap = argparse.ArgumentParser()
    ap.add_argument("-k", action="append", default=[])
    ap.add_argument("-v", action="store_true")
    a = ap.parse_args()
    VERBOSE = a.v
    passed = failed = 0
    for t in TESTS:
        name = t.__name__[2:]
        if a.k and not any(k in name for k in a.k):
            continue
        try:
            t()
            print("PASS " + name, flush=True)
            passed += 1
        except Exception as e:  # noqa: BLE001
            print("FAIL %s: %s" % (name, e), flush=True)
            if VERBOSE or not isinstance(e, Fail):
                traceback.print_exc()
            failed += 1
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
