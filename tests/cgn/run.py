#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""
Carrier-grade NAT64 tests that need tshark or the daemon (doc/cgn.md).

  run.py [-k SUBSTR]... [-v]

Prints "PASS name" / "FAIL name: why" per test and, last, "N passed, M failed".
"""

import argparse
import os
import subprocess
import sys
import tempfile
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
BUILD = os.environ.get("XLAT64_BUILD", os.path.join(HERE, "..", "..", "build"))
VERBOSE = False

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
                         capture_output=True, text=True, timeout=120)
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
    check("2023-11-14" in r["observation_time_milliseconds"] or "Nov 14, 2023" in r["observation_time_milliseconds"],
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


TESTS = [t_ipfix_encoder_tshark]


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
