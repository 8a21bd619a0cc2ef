# SPDX-License-Identifier: BSD-3-Clause
"""
Hostile traffic scenarios for tests/hostile/run.py. Each scenario is a dict:

  name, what     identification
  mode           "siit" or "nat64" (the packet suite's topology: tests/packet/README.md)
  workers        1 or 2 (2: all input reaches worker 0, which hands NAT64 flows to their owner)
  config         overrides: "global", "dataplane" merged, other keys replaced
  frames()       -> {"in6": [frame bytes], "in4": [...], "good6": [ids], "good4": [ids]}: good
                 frames carry b"GOOD%05d" and must come out translated (good6 on v4, good4 on v6)
  counters       exact values ("A|B": the sum), or a predicate
  idle_ms        --idle-exit (default 300)

Generation is seeded: a run is the same frames every time.
"""

import random

from scapy.all import (ICMP, IP, TCP, UDP, Ether, ICMPv6DestUnreach, ICMPv6EchoReply, ICMPv6EchoRequest,
                       ICMPv6PacketTooBig, ICMPv6ParamProblem, ICMPv6TimeExceeded, IPerror, IPv6,
                       IPOption, IPv6ExtHdrDestOpt, IPv6ExtHdrFragment, IPv6ExtHdrHopByHop, IPv6ExtHdrRouting, Raw,
                       raw)

from cases import BOX4, BOX6, C4, C6, GW4, GW6, H4MAC, H6MAC, MAC4, MAC6, POOL6, S4, S6, rfc6052
from nat64_cases import POOL, W0

N64_ROUTES = [
    {"prefix": "2001:db8::/32", "via": GW6, "port": "v6"},
    {"prefix": "203.0.0.0/16", "via": GW4, "port": "v4"},
]


def n64_pool4(workers):
    # pool4 192.0.2.1: one even/odd pair per worker (worker w owns the ports p with (p / 2) % workers == w),
    # so that W0's even source port always gets 2000
    rng = "2000-2001" if workers == 1 else "2000-2003"
    return [{"protocol": p, "prefix": POOL + "/32", "port range": rng} for p in ("TCP", "UDP", "ICMP")]

POOL_6 = rfc6052(POOL6, POOL)

SCENARIOS = []


def e6(pkt, dst=MAC6, src=H6MAC):
    return raw(Ether(dst=dst, src=src, type=0x86DD) / pkt)


def e4(pkt, dst=MAC4, src=H4MAC):
    return raw(Ether(dst=dst, src=src, type=0x0800) / pkt)


def marker(i):
    return b"GOOD%05d" % i + bytes(range(22))


# Good traffic. SIIT: the IPv6 client C6 <-> the IPv4 server S4. NAT64: host W0 (worker 0 owns it)
# to S4 from an even port (pool4 port 2000), and the server's replies to 192.0.2.1#2000.
def good6(mode, i):
    if mode == "siit":
        return e6(IPv6(src=C6, dst=S6, hlim=64) / UDP(sport=1000, dport=4000) / Raw(marker(i)))
    return e6(IPv6(src=W0, dst=S6, hlim=64) / UDP(sport=4000, dport=53) / Raw(marker(i)))


def good4(mode, i):
    if mode == "siit":
        return e4(IP(src=S4, dst=C4, ttl=64) / UDP(sport=4000, dport=1000) / Raw(marker(i)))
    return e4(IP(src=S4, dst=POOL, ttl=64) / UDP(sport=53, dport=2000) / Raw(marker(i)))


def mix(mode, bad6, bad4, every=8):
    """Interleave bad frames with good ones (one every `every`); NAT64's first IPv6 frame is good,
    so that the session exists before the IPv4 side's first burst (the v6 port is polled first)."""
    out = {"in6": [], "in4": [], "good6": [], "good4": []}
    gid = [0]

    def add(side, bad, goodf):
        lst = out["in" + side]
        for k, b in enumerate(bad):
            if k % every == 0:
                gid[0] += 1
                lst.append(goodf(mode, gid[0]))
                out["good" + side].append(gid[0])
            lst.append(b)
    if mode == "nat64" and not bad6:
        bad6 = []
        gid[0] += 1
        out["in6"].append(good6(mode, gid[0]))
        out["good6"].append(gid[0])
    add("6", bad6, good6)
    add("4", bad4, good4)
    return out


def scenario(name, what, mode, frames, workers=1, config=None, counters=None, idle_ms=300, **kw):
    sc = {"name": name, "what": what, "mode": mode, "workers": workers, "frames": frames,
          "config": dict(config or {}), "counters": counters or {}, "idle_ms": idle_ms}
    if mode == "nat64":
        sc["config"].setdefault("pool4", n64_pool4(workers))
    sc.update(kw)
    SCENARIOS.append(sc)


# ------------------------------------------------------------- garbage ---
def garbage(mode, seed, n):
    r = random.Random(seed)
    dst6 = [POOL6.split("/")[0].rstrip(":") + "::%x:%x" % (r.randrange(65536), r.randrange(65536))
            for _ in range(8)]
    dst4 = [POOL] if mode == "nat64" else [C4, "192.0.2.77", "203.0.113.9"]

    def rnd(k):
        return bytes(r.randrange(256) for _ in range(k))

    def frame(side):
        kind = r.randrange(6)
        mac, smac = (MAC6, H6MAC) if side == "6" else (MAC4, H4MAC)
        if kind == 0:  # anything at all, any length (0-byte and runt frames included)
            return rnd(r.choice([0, 1, 6, 13, 14, 15, r.randrange(200)]))
        if kind == 1:  # to us, a random EtherType
            return Ether(dst=mac, src=smac, type=r.randrange(65536)).build() + rnd(r.randrange(80))
        if kind == 2:  # a random unicast MAC (promiscuous port)
            return bytes([0x02]) + rnd(5) + rnd(6) + (b"\x86\xdd" if side == "6" else b"\x08\x00") + rnd(60)
        et = b"\x86\xdd" if side == "6" else b"\x08\x00"
        eh = Ether(dst=mac, src=smac).build()[:12] + et
        if side == "6":  # IPv6 header to a translated prefix, every other byte random
            nh = r.choice([0, 6, 17, 58, 43, 44, 60, 59, r.randrange(256)])
            pl = r.randrange(300)
            body = rnd(pl if kind != 5 else r.randrange(pl + 1))
            plen = pl if kind == 3 else r.randrange(65536)
            import socket
            h = bytes([0x60 | r.randrange(16)]) + rnd(3) + plen.to_bytes(2, "big") + bytes([nh, r.randrange(256)]) + \
                (socket.inet_pton(socket.AF_INET6, C6) if kind == 3 else rnd(16)) + \
                socket.inet_pton(socket.AF_INET6, r.choice(dst6))
            return eh + h + body
        import socket
        ihl = 5 if kind == 3 else r.randrange(16)
        proto = r.choice([1, 6, 17, 2, 47, r.randrange(256)])
        opts = rnd(max(0, ihl * 4 - 20))
        body = rnd(r.randrange(300))
        tl = 20 + len(opts) + len(body) if kind == 3 else r.randrange(65536)
        h = bytes([0x40 | ihl, r.randrange(256)]) + tl.to_bytes(2, "big") + rnd(4) + \
            bytes([r.randrange(256), proto]) + rnd(2) + rnd(4) + socket.inet_aton(r.choice(dst4))
        return eh + h + opts + body

    return [frame("6") for _ in range(n)], [frame("4") for _ in range(n)]


for mode in ("siit", "nat64"):
    for w in (1, 2):
        scenario("garbage_%s_w%d" % (mode, w), "random frames: any bytes, random EtherTypes and MACs, "
                 "IP headers with random fields and lengths", mode,
                 (lambda mode=mode, w=w: mix(mode, *garbage(mode, 7 + w, 1500))), workers=w)


# ---------------------------------------------------------- truncation ---
def templates(mode):
    """Well-formed datagrams of every shape the translator parses."""
    src6, dst6 = (C6, S6) if mode == "siit" else (W0, S6)
    d4 = C4 if mode == "siit" else POOL
    t6 = [
        IPv6(src=src6, dst=dst6) / UDP(sport=1, dport=2) / Raw(b"u" * 12),
        IPv6(src=src6, dst=dst6) / TCP(sport=1, dport=2, flags="S", options=[("MSS", 1400), ("SAckOK", b"")]),
        IPv6(src=src6, dst=dst6) / ICMPv6EchoRequest(id=7, seq=1, data=b"ping"),
        IPv6(src=src6, dst=dst6) / IPv6ExtHdrHopByHop() / IPv6ExtHdrDestOpt() / UDP(sport=1, dport=2) / Raw(b"x"),
        IPv6(src=src6, dst=dst6) / IPv6ExtHdrRouting(segleft=0) / IPv6ExtHdrFragment(id=5, m=1) /
        UDP(sport=1, dport=2) / Raw(b"y" * 16),
        IPv6(src=src6, dst=dst6) / ICMPv6DestUnreach(code=4) /
        IPv6(src=dst6, dst=src6) / UDP(sport=2, dport=1) / Raw(b"q" * 8),
        IPv6(src=src6, dst=dst6) / ICMPv6PacketTooBig(mtu=1280) /
        IPv6(src=dst6, dst=src6) / IPv6ExtHdrFragment(id=9) / TCP(sport=2, dport=1),
        IPv6(src=src6, dst=dst6) / ICMPv6ParamProblem(code=0, ptr=6) / IPv6(src=dst6, dst=src6) / ICMPv6EchoReply(id=3),
    ]
    t4 = [
        IP(src=S4, dst=d4, options=b"\x01\x01\x01\x00") / UDP(sport=2, dport=2000) / Raw(b"u" * 12),
        IP(src=S4, dst=d4) / TCP(sport=2, dport=2000, flags="SA", options=[("MSS", 1400)]),
        IP(src=S4, dst=d4) / ICMP(type=0, id=2000, seq=1) / Raw(b"pong"),
        IP(src=S4, dst=d4, flags="MF", id=77) / UDP(sport=2, dport=2000) / Raw(b"f" * 16),
        IP(src=S4, dst=d4) / ICMP(type=3, code=3) / IPerror(src=d4, dst=S4) / UDP(sport=2000, dport=2) / Raw(b"q" * 8),
        IP(src=S4, dst=d4) / ICMP(type=11, code=0) / IPerror(src=d4, dst=S4, options=b"\x01\x01\x01\x00") /
        TCP(sport=2000, dport=2),
        IP(src=S4, dst=d4) / ICMP(type=12, code=0, ptr=8) / IPerror(src=d4, dst=S4) / ICMP(type=8, id=2000),
    ]
    return [e6(p) for p in t6], [e4(p) for p in t4]


def truncations(mode):
    t6, t4 = templates(mode)
    cut = lambda ts: [f[:k] for f in ts for k in range(len(f))]  # noqa: E731
    # the IP length fields say more than the frame holds, or less than the headers
    lie = []
    for f in t6:
        for pl in (0, 1, 7, 8, 39, 65535):
            lie.append(f[:18] + pl.to_bytes(2, "big") + f[20:])
    lie4 = []
    for f in t4:
        for tl in (0, 19, 20, 27, 65535):
            g = bytearray(f)
            g[16:18] = tl.to_bytes(2, "big")
            lie4.append(bytes(g))
    return cut(t6) + lie, cut(t4) + lie4


for mode in ("siit", "nat64"):
    scenario("truncated_%s" % mode, "every template (UDP, TCP, ICMP, extension headers, options, fragments, "
             "ICMP errors) cut at every byte, and length fields that lie", mode,
             (lambda mode=mode: mix(mode, *truncations(mode))))


# ------------------------------------------------------- nested ICMP ---
def nested(mode, n):
    src6, dst6 = (C6, S6) if mode == "siit" else (W0, S6)
    d4 = C4 if mode == "siit" else POOL
    inner6 = IPv6(src=dst6, dst=src6) / UDP(sport=53, dport=4000) / Raw(b"z" * 8)
    inner4 = IPerror(src=d4, dst=S4) / UDP(sport=2000, dport=53)
    b6, b4 = [], []
    for k in range(n):
        # an ICMPv6 error quoting an ICMPv6 error (quoting one, ...), RFC 7915 5.2 / 4443 2.4 (e.1)
        p = IPv6(src=dst6, dst=src6) / ICMPv6DestUnreach(code=k % 5) / inner6
        for _ in range(1 + k % 3):
            p = IPv6(src=src6, dst=dst6) / [ICMPv6DestUnreach(), ICMPv6TimeExceeded(),
                                            ICMPv6ParamProblem(ptr=40)][k % 3] / p
        b6.append(e6(p))
        q = IPerror(src=d4, dst=S4) / ICMP(type=3, code=1) / inner4
        for _ in range(1 + k % 3):
            q = IP(src=S4, dst=d4) / ICMP(type=[3, 11, 12][k % 3], code=k % 2) / q
        b4.append(e4(q))
    return b6, b4


scenario("icmp_in_icmp_siit", "ICMP errors quoting ICMP errors (depth 2 to 4), both directions", "siit",
         lambda: mix("siit", *nested("siit", 300)),
         # the outer Parameter Problem (pointer 40) and ICMPv4 12/1 are untranslatable before their payload matters
         counters={"JSTAT_DOUBLE_ICMP6_ERROR": 200, "JSTAT64_UNTRANSLATABLE_PARAM_PROB_PTR": 100,
                   "JSTAT_DOUBLE_ICMP4_ERROR": 250, "JSTAT_UNKNOWN_ICMP4_TYPE": 50})
scenario("icmp_in_icmp_nat64_w2", "ICMP errors quoting ICMP errors, NAT64, two workers", "nat64",
         lambda: mix("nat64", *nested("nat64", 300)), workers=2)


# ------------------------------------------------------- fragment floods ---
def frag_flood(mode, seed):
    r = random.Random(seed)
    src6, dst6 = (C6, S6) if mode == "siit" else (W0, S6)
    d4 = C4 if mode == "siit" else POOL
    b6, b4 = [], []
    for i in range(400):
        fid = 0x10000 + i
        off = r.randrange(0, 200)
        kind = i % 4
        if kind == 0:    # tiny (8-byte) fragments, never completed
            b6.append(e6(IPv6(src=src6, dst=dst6) / IPv6ExtHdrFragment(id=fid, offset=off, m=1, nh=17) / Raw(b"t" * 8)))
            b4.append(e4(IP(src=S4, dst=d4, id=i, flags="MF", frag=off, proto=17) / Raw(b"t" * 8)))
        elif kind == 1:  # overlapping: the same offsets again with other bytes
            for o in (0, 1, 0):
                b6.append(e6(IPv6(src=src6, dst=dst6) / IPv6ExtHdrFragment(id=fid, offset=o, m=1, nh=17) /
                             Raw(b"o" * 16)))
                b4.append(e4(IP(src=S4, dst=d4, id=i, flags="MF", frag=o, proto=17) / Raw(b"o" * 16)))
        elif kind == 2:  # first fragments only (UDP from the good host/port: NAT64 maps them)
            b6.append(e6(IPv6(src=src6, dst=dst6) / IPv6ExtHdrFragment(id=fid, m=1) /
                         UDP(sport=4000, dport=53, len=200, chksum=0x1234) / Raw(b"a" * 24)))
            b4.append(e4(IP(src=S4, dst=d4, id=i, flags="MF") / UDP(sport=53, dport=2000, len=200, chksum=0x1234) /
                         Raw(b"a" * 24)))
        else:            # ICMP in fragments (never translated), fragments with a zero offset and no MF
            b6.append(e6(IPv6(src=src6, dst=dst6) / IPv6ExtHdrFragment(id=fid, m=1, nh=58) /
                         ICMPv6EchoRequest(data=b"e" * 16)))
            b4.append(e4(IP(src=S4, dst=d4, id=i, flags="MF", proto=1) / ICMP(type=8) / Raw(b"e" * 16)))
            b6.append(e6(IPv6(src=src6, dst=dst6) / IPv6ExtHdrFragment(id=fid + 1, m=0, nh=17) /
                         UDP(sport=4000, dport=53) / Raw(b"w")))
    return b6, b4


for mode in ("siit", "nat64"):
    for w in (1, 2):
        scenario("frag_flood_%s_w%d" % (mode, w), "fragments: tiny, overlapping, never completed, "
                 "fragmented ICMP, atomic", mode, (lambda mode=mode, w=w: mix(mode, *frag_flood(mode, 3))),
                 workers=w)


def frag_table(k):
    """NAT64: 4096 + k first fragments of distinct datagrams (the table holds 4096 per worker), then the
    later fragments of the k oldest (forgotten: dropped) and of the k newest (translated)."""
    first = [e6(IPv6(src=W0, dst=S6) / IPv6ExtHdrFragment(id=i, m=1) /
                UDP(sport=4000, dport=53, len=48, chksum=0x1234) / Raw(b"a" * 24)) for i in range(4096 + k)]
    later = [e6(IPv6(src=W0, dst=S6) / IPv6ExtHdrFragment(id=i, offset=4, m=0, nh=17) / Raw(b"b" * 16))
             for i in list(range(k)) + list(range(4096, 4096 + k))]
    orphans = [e6(IPv6(src=W0, dst=S6) / IPv6ExtHdrFragment(id=0x80000 + i, offset=4, m=0, nh=17) / Raw(b"c" * 8))
               for i in range(k)]
    return first + later + orphans, []


scenario("frag_table_full_nat64", "NAT64 fragment table full (4096): oldest datagram forgotten, its later "
         "fragments dropped and counted; the newest still translated", "nat64",
         lambda: mix("nat64", *frag_table(100), every=64),
         counters={"XLAT_NAT64_FRAGMENT": 200,
                   # the first fragments, the newest datagrams' later ones, one good frame every 64
                   "JSTAT_SUCCESS": 4196 + 100 + (4496 + 63) // 64})


# --------------------------------------------------------------- TTL ---
def ttl(mode, n):
    src6, dst6 = (C6, S6) if mode == "siit" else (W0, S6)
    d4 = C4 if mode == "siit" else POOL
    b6 = [e6(IPv6(src=src6, dst=dst6, hlim=i % 2) / UDP(sport=4000, dport=53) / Raw(b"h")) for i in range(n)]
    b4 = [e4(IP(src=S4, dst=d4, ttl=i % 2) / UDP(sport=53, dport=2000) / Raw(b"h")) for i in range(n)]
    return b6, b4


scenario("ttl_0_1_siit", "hop limit / TTL 0 and 1: dropped, counted, Time Exceeded within the rate limit",
         "siit", lambda: mix("siit", *ttl("siit", 400)), config={"global": {"icmp-errors-per-sec": 100}},
         counters={"JSTAT64_TTL": 400, "JSTAT46_TTL": 400, "JSTAT_ICMP6ERR_SUCCESS|JSTAT_ICMP6ERR_FAILURE": 400,
                   "JSTAT_ICMP4ERR_SUCCESS|JSTAT_ICMP4ERR_FAILURE": 400,
                   "JSTAT_ICMP6ERR_SUCCESS": lambda v: 0 < v <= 200, "JSTAT_ICMP4ERR_SUCCESS": lambda v: 0 < v <= 200})
scenario("ttl_0_1_nat64", "hop limit / TTL 0 and 1 in NAT64", "nat64", lambda: mix("nat64", *ttl("nat64", 400)),
         counters={"JSTAT64_TTL": 400, "JSTAT46_TTL": 400})


# ------------------------------------------------------------ spoofing ---
def spoofed(mode):
    d4 = C4 if mode == "siit" else POOL
    dst6 = S6
    src6s = ["::", "::1", "ff02::1", "fe80::1", "2001:db8:ffff::1", "::ffff:192.0.2.1", rfc6052(POOL6, "127.0.0.1"),
             rfc6052(POOL6, "0.0.0.0"), rfc6052(POOL6, "224.0.0.1"), rfc6052(POOL6, "255.255.255.255"),
             rfc6052(POOL6, BOX4), BOX6, POOL_6, rfc6052(POOL6, "10.0.0.1")]
    src4s = ["0.0.0.0", "127.0.0.1", "224.0.0.5", "255.255.255.255", BOX4, "192.0.2.1", C4, "169.254.0.1",
             "240.0.0.1", "10.1.2.3"]
    b6, b4 = [], []
    for s in src6s:
        for p in (UDP(sport=4000, dport=53) / Raw(b"s"), TCP(sport=4000, dport=80, flags="S"),
                  ICMPv6EchoRequest(id=4000)):
            b6.append(e6(IPv6(src=s, dst=dst6) / p))
    for s in src4s:
        for p in (UDP(sport=53, dport=2000) / Raw(b"s"), TCP(sport=80, dport=2000, flags="SA"),
                  ICMP(type=0, id=2000)):
            b4.append(e4(IP(src=s, dst=d4) / p))
    return b6 * 4, b4 * 4


# idle 3.5 s: errors to the box's own address wait for a resolution that never comes (3 tries, 1 s apart)
# IPv4: sources with no IPv6 form to an address pool6 maps are native traffic, and these are addresses
# no router forwards (lib/forward.c), so the forwarder drops them (with forwarding off: XLAT_DENYLIST4)
scenario("spoofed_siit", "unspecified, loopback, multicast, link-local, the box's own and pool addresses "
         "as sources", "siit", lambda: mix("siit", *spoofed("siit")), idle_ms=3500,
         counters={"JSTAT64_SRC": 132, "XLAT_FWD_MARTIAN": 72})
# NAT64: no state for sources no router forwards (4 IPv6 x 3 protocols x 4, 6 IPv4 x 3 x 4), pool6 sources
# would loop (7 x 3 x 4)
scenario("spoofed_nat64", "the same in NAT64: no BIB entry, session or pool4 port for them", "nat64",
         lambda: mix("nat64", *spoofed("nat64")), idle_ms=3500,
         counters={"JSTAT64_SRC": 48, "JSTAT_HAIRPIN_LOOP": 84, "XLAT_DENYLIST4": 72})


# ---------------------------------------------------------- hairpinning ---
EAMT = [{"ipv6 prefix": "2001:db8:aaaa::/120", "ipv4 prefix": "192.0.2.0/24"}]


def hairpin_siit():
    # EAMT hosts talking to each other's IPv4 form (intrinsic hairpinning), the box's own
    # address as destination, and pool6 forms of EAMT addresses as sources (would go round)
    b6 = []
    for k in range(100):
        b6.append(e6(IPv6(src="2001:db8:aaaa::5", dst=rfc6052(POOL6, "192.0.2.%d" % (6 + k % 50))) /
                     UDP(sport=1, dport=2) / Raw(b"h")))
        b6.append(e6(IPv6(src=rfc6052(POOL6, "192.0.2.5"), dst=rfc6052(POOL6, "192.0.2.6")) /
                     UDP(sport=1, dport=2) / Raw(b"h")))
        b6.append(e6(IPv6(src="2001:db8:aaaa::5", dst="2001:db8:aaaa::6") / UDP(sport=1, dport=2) / Raw(b"h")))
    b4 = [e4(IP(src="192.0.2.5", dst="192.0.2.6") / UDP(sport=1, dport=2) / Raw(b"h")) for _ in range(100)]
    return b6, b4


def hairpin_nat64():
    # IPv6 hosts to pool6(pool4) (hairpinning, RFC 6146 3.8), with pool6(pool4) itself as the source
    b6 = []
    for k in range(100):
        b6.append(e6(IPv6(src=W0, dst=POOL_6) / UDP(sport=4000, dport=2000 + k % 4) / Raw(b"h")))
        b6.append(e6(IPv6(src=POOL_6, dst=POOL_6) / UDP(sport=2000, dport=2000) / Raw(b"h")))
        b6.append(e6(IPv6(src=rfc6052(POOL6, "203.0.113.1"), dst=POOL_6) / UDP(sport=9, dport=2001) / Raw(b"h")))
    b4 = [e4(IP(src=POOL, dst=POOL) / UDP(sport=2000, dport=2000) / Raw(b"h")) for _ in range(100)]
    return b6, b4


scenario("hairpin_siit", "EAMT hairpinning and would-be loops", "siit", lambda: mix("siit", *hairpin_siit()),
         config={"eamt": EAMT})
# pool6 sources (pool6(pool4), pool6(an IPv4 host)) would come back through the box: dropped as loops
scenario("hairpin_nat64", "NAT64 hairpinning, pool6(pool4) as source and destination", "nat64",
         lambda: mix("nat64", *hairpin_nat64()), counters={"JSTAT_HAIRPIN_LOOP": 200, "XLAT_HAIRPIN": 100})


# ------------------------------------------------------- NAT64 exhaustion ---
def syn_flood(n, seed, static):
    r = random.Random(seed)
    b4 = []
    for i in range(n):
        src = "203.0.%d.%d" % (r.randrange(256), 1 + r.randrange(254))
        b4.append(e4(IP(src=src, dst=POOL) / TCP(sport=1024 + r.randrange(60000), dport=80 if static else
                                                 2000 + i % 4, flags="S", seq=r.randrange(1 << 32))))
    return [], b4


scenario("syn_flood_nat64", "IPv4 SYN flood to pool4 without BIB entries: at most "
         "maximum-simultaneous-opens stored, the rest counted", "nat64",
         lambda: mix("nat64", *syn_flood(2000, 1, False)), workers=2,
         counters={"JSTAT_TYPE1PKT": lambda v: 0 < v <= 20,
                   "JSTAT_TYPE1PKT|JSTAT_SO_EXISTS|JSTAT_SO_FULL|JSTAT_V4_SYN": 2000})
scenario("session_table_full_nat64", "IPv4 SYN flood to a static BIB entry (a server): the session table "
         "(1024) fills, new flows refused and counted, the old flow keeps working", "nat64",
         lambda: mix("nat64", *syn_flood(1500, 2, True)),
         config={"global": {"max-sessions-per-worker": 1024},
                 "bib": [{"protocol": "TCP", "ipv6 address": W0 + "#80", "ipv4 address": POOL + "#80"}]},
         counters={"XLAT_NAT64_TABLE_FULL": lambda v: v >= 1500 + 1 - 1024,
                   "XLAT_NAT64_SESSION_CREATED": lambda v: v <= 1024})


def pool4_flood(n):
    # one pool4 port pair (2000-2001): W0 holds 2000; the first spoofed host gets 2001 (parity is
    # given up before the address, RFC 6888 REQ-2); the other 799 frames find nothing left
    b6 = [e6(IPv6(src="2001:db8:a::%x" % (0x1000 + i // 4), dst=S6) / UDP(sport=4000 + 2 * (i % 4), dport=53) /
             Raw(b"p")) for i in range(n)]
    return b6, []


scenario("pool4_full_nat64", "spoofed IPv6 sources exhaust pool4: new mappings refused and counted, "
         "the existing flow keeps working", "nat64", lambda: mix("nat64", *pool4_flood(800)),
                  counters={"XLAT_POOL4_EXHAUSTED": 799})


def many_flows(n):
    # one host, n UDP flows (source ports 10000...) to one server port: a busy resolver behind NAT64
    t = bytearray(e6(IPv6(src=W0, dst=S6) / UDP(sport=10000, dport=53) / Raw(b"q" * 12)))
    out = []
    for i in range(n):
        t[54:56] = (10000 + i).to_bytes(2, "big")  # the UDP checksum goes wrong: NAT64 keeps it wrong
        out.append(bytes(t))
    return out, []


# f-args 11 (Jool's default) leaves the source port out of F(): every search of these flows starts at
# the same pool4 port; without RFC 6056's per-bucket counter, each gave up after max-iterations (4096
# pairs) once about 8000 ports were taken, although 64 000 were free
scenario("pool4_one_destination_nat64", "12000 UDP flows from one host to one server port all get a "
         "pool4 port (RFC 6056 algorithm 3)", "nat64", lambda: mix("nat64", *many_flows(12000), every=64),
         config={"pool4": [{"protocol": "UDP", "prefix": POOL + "/32", "port range": "1024-65535"}]},
         counters={"XLAT_POOL4_EXHAUSTED": 0, "XLAT_NAT64_BIB_CREATED": 12001})


# -------------------------------------------------------------- mbufs ---
def held(n_hosts, per):
    # translated to on-link IPv4 hosts that never answer ARP: the slow path holds up to 4 per
    # next hop for 256 next hops (1024 mbufs of the 3070-mbuf pool), for 3 s, then frees them
    b6 = [e6(IPv6(src=C6, dst=rfc6052(POOL6, "198.51.100.%d" % (3 + h))) / UDP(sport=1, dport=2) / Raw(b"m" * 64))
          for _ in range(per) for h in range(n_hosts)]
    return b6, []


scenario("mbufs_held_siit", "smallest pool (mbufs-per-port 1023): 1250 packets wait for next hops that never "
         "answer; good traffic still flows, all are freed after the 3 resolution tries", "siit",
         lambda: mix("siit", *held(250, 5)), config={"dataplane": {"mbufs-per-port": 1023}}, idle_ms=4500,
         counters={"XLAT_RESOLVE_HELD": 1250, "XLAT_RESOLVE_FAILED": 1250})


# ------------------------------------------------------ native forwarding ---
# What is neither translated nor the box's own is routed (lib/forward.c): hop limit / TTL 0 and 1, no
# route, addresses no router forwards, malformed headers, what only the host kernel forwards (hop-by-hop
# options, IPv4 options: no TAP on these ports, so dropped there), beside translated traffic. IPv4 native
# destinations are in denylist4 (in SIIT with pool6 every other IPv4 address is translatable).
NATIVE6, NATIVE4 = "2001:db8:77::1", "203.0.113.77"  # behind GW6 (2001:db8::/32), behind GW4 (203.0.0.0/16)


def native(n):
    u = UDP(sport=4000, dport=53) / Raw(b"n" * 16)
    b6, b4 = [], []
    for i in range(n):
        b6 += [e6(IPv6(src=GW6, dst=NATIVE6, hlim=i % 2) / u),
               e6(IPv6(src=GW6, dst="2a00:1::1") / u),
               e6(IPv6(src="fe80::1", dst=NATIVE6) / u),
               e6(IPv6(src=GW6, dst=NATIVE6) / IPv6ExtHdrHopByHop() / u),
               e6(raw(IPv6(src=GW6, dst=NATIVE6, plen=200, nh=17) / u)),
               e6(IPv6(src=GW6, dst=NATIVE6) / u)]
        bad = bytearray(raw(IP(src=S4, dst=NATIVE4) / u))
        bad[10] ^= 0x55  # header checksum
        b4 += [e4(IP(src=S4, dst=NATIVE4, ttl=i % 2) / u),
               e4(IP(src=S4, dst="100.64.0.1") / u),
               e4(IP(src=S4, dst="127.0.0.9") / u),
               e4(IP(src=S4, dst=NATIVE4, options=[IPOption(b"\x94\x04\x00\x00")]) / u),
               e4(bytes(bad)),
               e4(IP(src=S4, dst=NATIVE4) / u)]
    return b6, b4


scenario("native_siit", "native traffic beside translation: forwarded, or refused and counted once",
         "siit", lambda: mix("siit", *native(100)), config={"denylist4": ["203.0.113.0/24", "100.64.0.0/10"]},
         counters={"XLAT_FWD_TTL": 200, "XLAT_FWD_NO_ROUTE": 200, "XLAT_FWD_MARTIAN": 200, "XLAT_FWD_HDR": 200,
                   "XLAT_FWD_TO_HOST": 200, "XLAT_HOST_DROPPED": 200, "XLAT_FWD6": 100, "XLAT_FWD4": 100,
                   "JSTAT_ICMP6ERR_SUCCESS|JSTAT_ICMP6ERR_FAILURE": 200,
                   "JSTAT_ICMP4ERR_SUCCESS|JSTAT_ICMP4ERR_FAILURE": 200, "JSTAT64_SRC": 0, "JSTAT46_SRC": 0})
