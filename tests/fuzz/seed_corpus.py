#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""
Seed the libFuzzer corpora from the packet tests: every input frame of tests/packet/cases.py
(SIIT) and nat64_cases.py (NAT64), and the hostile suite's templates, written in the targets'
input format (byte 0: flags, bit 0 = IPv4; then the IP datagram). ICMP errors also give their
quoted packet to fuzz_icmp_inner.

  seed_corpus.py OUTDIR      writes OUTDIR/corpus_xlat, corpus_nat64, corpus_icmp_inner, corpus_forward
                             (forward_cases.py's frames)
Prints how many seeds each corpus got.
"""

import hashlib
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(REPO, "tests", "packet"))
sys.path.insert(0, os.path.join(REPO, "tests", "hostile"))
sys.dont_write_bytecode = True

from scapy.all import Ether, raw  # noqa: E402

import cases as C  # noqa: E402
import forward_cases as F  # noqa: E402
import nat64_cases as N  # noqa: E402


def l3(p):
    if isinstance(p, Ether):
        if p.type not in (0x0800, 0x86DD):
            return None
        return raw(p.payload)
    return raw(p)


def inner_of(b):
    """The quoted packet of an ICMP error, and the target's flags for it, or None."""
    v = b[0] >> 4
    if v == 6 and len(b) > 48 and b[6] == 58 and b[40] < 128:
        return b[48:], 0
    if v == 4 and len(b) > 28:
        ihl = (b[0] & 15) * 4
        if b[9] == 1 and len(b) > ihl + 8 and b[ihl] in (3, 11, 12):
            return b[ihl + 8:], 1
    return None


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    out = sys.argv[1]
    seeds = {"corpus_xlat": set(), "corpus_nat64": set(), "corpus_icmp_inner": set(), "corpus_forward": set()}
    for corpus, cases in (("corpus_xlat", C.CASES), ("corpus_nat64", N.CASES), ("corpus_forward", F.CASES)):
        for c in cases:
            for key, fam in (("in6", 0), ("in4", 1)):
                for p in c[key]:
                    b = l3(p)
                    if not b:
                        continue
                    seeds[corpus].add(bytes([fam]) + b)
                    inn = inner_of(b)
                    if inn and inn[0]:
                        seeds["corpus_icmp_inner"].add(bytes([inn[1]]) + inn[0])
    try:
        import hostile_cases as H
        for mode, corpus in (("siit", "corpus_xlat"), ("nat64", "corpus_nat64")):
            t6, t4 = H.templates(mode)
            for fam, frames in ((0, t6), (1, t4)):
                for f in frames:
                    seeds[corpus].add(bytes([fam]) + f[14:])
    except ImportError:
        pass
    for corpus, s in seeds.items():
        d = os.path.join(out, corpus)
        os.makedirs(d, exist_ok=True)
        for b in s:
            with open(os.path.join(d, "pkt_" + hashlib.sha1(b).hexdigest()[:16]), "wb") as f:
                f.write(b)
        print("seed_corpus: %s: %d seeds" % (corpus, len(s)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
