# SPDX-License-Identifier: BSD-3-Clause
"""
Packet test cases for xlat64d in stateful NAT64 mode (RFC 6146), in the format of
cases.py (see its docstring), with three more keys:

  workers  1 (default) or 2. With 2 the daemon runs two lcores (two workers) and each
           net_pcap port gets two queues: all input goes into queue 0 (so worker 0
           receives everything, in file order, and hands what worker 1 owns to it), each
           queue writes its own output pcap, and outputs are compared without regard to
           order between the two queues (each expected frame must match one distinct
           captured frame).
  xfail    a string naming a known bug: a failure is reported as XFAIL and does not
           count as failed; a pass is reported as XPASS (remove the mark).

Every NAT64 case runs on its own fresh daemon (no batching: sessions would leak between
cases). Within a run, the v6 port is polled before the v4 port, so with at most 32 input
frames per port every IPv6 input is translated before any IPv4 input: an IPv4 reply in
in4 sees the sessions the IPv6 packets in in6 created.

Dynamic pool4 ports are made predictable, never read from the daemon's output:
  - pool4 ranges of one even/odd port pair: an even source port gets the even port, an
    odd one the odd port (RFC 4787 parity, RFC 6146 3.5.1.1);
  - with 2 workers, ranges of two pairs, one per worker (a worker owns the ports p with
    (p / 2) % 2 == its index), and IPv6 hosts chosen by the ownership hash (nat64_owner6:
    rte_jhash of the source address, initval 0x6146, modulo the worker count; mirrored by
    nat64_owner.py's owner6() and checked by the 2-worker cases' handoff counters);
  - static BIB entries for flows that start on the IPv4 side.

Baseline (NCFG): pool6 64:ff9b::/96; pool4 192.0.2.1/32 (TCP, UDP, ICMP) ports 2000-2001;
IPv6 hosts 2001:db8:a::/64 behind the v6 next hop; IPv4 server S4 = 198.51.100.2 on the
v4 link and R4 = 203.0.113.1 behind it. No route covers pool4 (the box owns it).
"""

from scapy.all import (ARP, ICMP, IP, TCP, UDP, Ether, ICMPv6DestUnreach, ICMPv6EchoReply,
                       ICMPv6EchoRequest, ICMPv6TimeExceeded, IPv6, IPv6ExtHdrFragment, Raw, raw)

from cases import (ANY, BOX4, BOX4_ERR_VARY, BOX6, BOX6_ERR_VARY, GW4, GW6, H4MAC, MAC4, POOL6,
                   R4, S4, Out, frag6_pieces, one_of, pat, rfc6052)
from nat64_owner import owner6

CASES = []

POOL = "192.0.2.1"
POOL_6 = rfc6052(POOL6, POOL)   # 64:ff9b::c000:201, pool4 seen from IPv6 (hairpinning)
S6 = rfc6052(POOL6, S4)
R6 = rfc6052(POOL6, R4)
R4B = "203.0.113.2"
R6B = rfc6052(POOL6, R4B)
H1 = "2001:db8:a::1"
H2 = "2001:db8:a::2"


# ------------------------------------------------------ ownership (2 workers) ---
def _host_of(owner, skip=()):
    for i in range(0x100, 0x10000):
        a = "2001:db8:a::%x" % i
        if a not in skip and owner6(a, 2) == owner:
            return a
    raise RuntimeError("no host")


W0 = _host_of(0)            # an IPv6 host worker 0 owns (with 2 workers)
W1 = _host_of(1)            # one worker 1 owns
W1B = _host_of(1, (W1,))    # another one


# ----------------------------------------------------------------- helpers ---
def pool4(rng="2000-2001", protos=("TCP", "UDP", "ICMP"), prefix=POOL + "/32"):
    return [{"protocol": p, "prefix": prefix, "port range": rng} for p in protos]


ROUTES = [
    {"prefix": "2001:db8::/32", "via": GW6, "port": "v6"},
    {"prefix": "203.0.0.0/16", "via": GW4, "port": "v4"},
]


def ncfg(pool=None, bib=None, glob=None, **extra):
    c = {"mode": "nat64", "pool4": pool if pool is not None else pool4(), "routes": ROUTES}
    if bib:
        c["bib"] = bib
    if glob:
        c["global"] = glob
    c.update(extra)
    return c


def sbib(proto, a6, p6, p4, a4=POOL):
    return {"protocol": proto, "ipv6 address": "%s#%d" % (a6, p6), "ipv4 address": "%s#%d" % (a4, p4)}


# IPv6 frames the box drops without a word (for another station's MAC: XLAT_NOT_OURS).
FILLER = Ether(dst="02:00:00:00:99:99", src="02:00:00:00:01:06") / \
    IPv6(src="2001:db8:a::ff", dst="2001:db8:ffff::1", hlim=64) / UDP(sport=9, dport=9) / Raw(b"x")


def case(name, rfc, in6=(), in4=(), out6=(), out4=(), config=None, vary=None, counters=None,
         workers=1, xfail=None, v4_first=False, idle_ms=None):
    """v4_first: the IPv4 input is translated before the IPv6 input (32 filler frames first in
    in6 fill the worker's first burst from the v6 port, so the v4 port's burst comes next; this
    relies on bursts of 32). idle_ms: the daemon's --idle-exit (default 300), for cases that wait
    for a timer."""
    assert name.startswith("nat64_"), name
    assert all(c["name"] != name for c in CASES), name
    assert len(in6) <= 32 or not in4, "%s: IPv4 input would race IPv6 input past 32 frames" % name
    c = dict(name=name, rfc=rfc, config=config or ncfg(), in6=list(in6), in4=list(in4),
             out6=None if out6 is None else list(out6),
             out4=None if out4 is None else list(out4),
             vary=dict(vary or {}), counters=dict(counters or {}),
             workers=workers, xfail=xfail)
    if v4_first:
        c["in6"] = [FILLER] * 32 + c["in6"]
        c["counters"]["XLAT_NOT_OURS"] = 32
    if idle_ms:
        c["idle_ms"] = idle_ms
    CASES.append(c)


N = 40  # payload bytes


def u6(src, sport, dst=S6, dport=53, hlim=64, n=N):
    return IPv6(src=src, dst=dst, hlim=hlim) / UDP(sport=sport, dport=dport) / Raw(pat(n))


def u4(src, sport, dport, dst=POOL, ttl=64, n=N, flags="DF", chksum=None):
    return IP(src=src, dst=dst, ttl=ttl, flags=flags, id=0x4242) / \
        UDP(sport=sport, dport=dport, chksum=chksum) / Raw(pat(n))


def x4(src, sport, dst, dport, proto=UDP, ttl=63, n=N, **kw):
    """What the box sends to IPv4 (DF clear: <= 1260 bytes, RFC 7915 5.1; ID any)."""
    return IP(src=src, dst=dst, ttl=ttl, flags=0) / proto(sport=sport, dport=dport, **kw) / Raw(pat(n))


def x6(src, sport, dst, dport, proto=UDP, hlim=63, n=N, **kw):
    return IPv6(src=src, dst=dst, hlim=hlim) / proto(sport=sport, dport=dport, **kw) / Raw(pat(n))


def t6(src, sport, flags, dst=S6, dport=80, seq=1000, ack=0):
    return IPv6(src=src, dst=dst, hlim=64) / TCP(sport=sport, dport=dport, flags=flags, seq=seq, ack=ack,
                                                 window=8192) / Raw(pat(N))


def t4(src, sport, dport, flags, dst=POOL, seq=5000, ack=0):
    return IP(src=src, dst=dst, ttl=64, flags="DF", id=0x4243) / \
        TCP(sport=sport, dport=dport, flags=flags, seq=seq, ack=ack, window=8192) / Raw(pat(N))


def xt4(src, sport, dst, dport, flags, seq=1000, ack=0):
    return IP(src=src, dst=dst, ttl=63, flags=0) / \
        TCP(sport=sport, dport=dport, flags=flags, seq=seq, ack=ack, window=8192) / Raw(pat(N))


def xt6(src, sport, dst, dport, flags, seq=5000, ack=0):
    return IPv6(src=src, dst=dst, hlim=63) / \
        TCP(sport=sport, dport=dport, flags=flags, seq=seq, ack=ack, window=8192) / Raw(pat(N))


ID = {"IP.id": ANY}


def ok(n6=0, n4=0, **more):
    c = {"JSTAT_RECEIVED6": n6, "JSTAT_RECEIVED4": n4, "JSTAT_SUCCESS": n6 + n4}
    c.update(more)
    return c


# ================================================== basic, one worker ===
case("nat64_udp_both_ways",
     "RFC 6146 3.5.1 + 3.5.1.1: an IPv6 UDP packet to pool6 gets a BIB entry and a session, source "
     "= pool4 address and a port of the source port's parity (even -> 2000); the reply to that "
     "transport address goes back to the IPv6 host's own address and port (RFC 7915 headers)",
     in6=[u6(H1, 5000)], in4=[u4(S4, 53, 2000)],
     out4=[x4(POOL, 2000, S4, 53)], out6=[x6(S6, 53, H1, 5000)],
     vary=ID, counters=ok(1, 1, XLAT_NAT64_BIB_CREATED=1, XLAT_NAT64_SESSION_CREATED=1))

case("nat64_udp_parity_odd",
     "RFC 4787 4.2.2 via RFC 6146 3.5.1.1: an odd source port gets the odd pool4 port (2001)",
     in6=[u6(H1, 5001)], in4=[u4(S4, 53, 2001)],
     out4=[x4(POOL, 2001, S4, 53)], out6=[x6(S6, 53, H1, 5001)],
     vary=ID, counters=ok(1, 1))

case("nat64_tcp_both_ways",
     "RFC 6146 3.5.2: SYN from IPv6 opens a session (pool4 port 2000), the IPv4 SYN-ACK reaches the "
     "IPv6 host's port, data and FINs both ways go through with ports rewritten (checksums updated)",
     in6=[t6(H1, 6000, "S"), t6(H1, 6000, "A", seq=1001, ack=5001),
          t6(H1, 6000, "FA", seq=1001, ack=5001)],
     in4=[t4(S4, 80, 2000, "SA", ack=1001), t4(S4, 80, 2000, "PA", seq=5001, ack=1001),
          t4(S4, 80, 2000, "FA", seq=5001, ack=1002)],
     out4=[xt4(POOL, 2000, S4, 80, "S"), xt4(POOL, 2000, S4, 80, "A", seq=1001, ack=5001),
           xt4(POOL, 2000, S4, 80, "FA", seq=1001, ack=5001)],
     out6=[xt6(S6, 80, H1, 6000, "SA", ack=1001), xt6(S6, 80, H1, 6000, "PA", seq=5001, ack=1001),
           xt6(S6, 80, H1, 6000, "FA", seq=5001, ack=1002)],
     vary=ID, counters=ok(3, 3, XLAT_NAT64_SESSION_CREATED=1))

case("nat64_icmp_echo_both_ways",
     "RFC 6146 3.5.3 + RFC 7915: ICMPv6 echo request -> ICMP echo with a pool4 identifier (2000); "
     "the echo reply to it comes back as an ICMPv6 echo reply with the host's identifier",
     in6=[IPv6(src=H1, dst=S6) / ICMPv6EchoRequest(id=0x1234, seq=7) / Raw(pat(N))],
     in4=[IP(src=S4, dst=POOL, flags="DF") / ICMP(type=0, id=2000, seq=7) / Raw(pat(N))],
     out4=[IP(src=POOL, dst=S4, ttl=63, flags=0) / ICMP(type=8, id=2000, seq=7) / Raw(pat(N))],
     out6=[IPv6(src=S6, dst=H1, hlim=63) / ICMPv6EchoReply(id=0x1234, seq=7) / Raw(pat(N))],
     vary=ID, counters=ok(1, 1, XLAT_NAT64_SESSION_CREATED=1))

case("nat64_udp_eim_eif",
     "RFC 4787 REQ-1 (endpoint-independent mapping) + REQ-8 default filtering (Jool's "
     "address-dependent-filtering off): one source transport address keeps 2000 towards two "
     "servers, and a third IPv4 host that never heard from it may still use the mapping",
     in6=[u6(H1, 5000), u6(H1, 5000, dst=R6)],
     in4=[u4(R4B, 7777, 2000)],
     out4=[x4(POOL, 2000, S4, 53), x4(POOL, 2000, R4, 53)],
     out6=[x6(R6B, 7777, H1, 5000)],
     vary=ID, counters=ok(2, 1, XLAT_NAT64_BIB_CREATED=1, XLAT_NAT64_SESSION_CREATED=3))

case("nat64_udp_adf",
     "RFC 4787 REQ-8 address-dependent filtering (Jool's address-dependent-filtering=true): a "
     "reply from an address the host never sent to is dropped (ADF) and answered with ICMPv4 "
     "3/13 (RFC 6146 3.5.1, as Jool), one from a contacted address but another port passes",
     config=ncfg(glob={"address-dependent-filtering": True}),
     in6=[u6(H1, 5000)], in4=[u4(R4B, 53, 2000), u4(S4, 5353, 2000)],
     out4=[x4(POOL, 2000, S4, 53),
           Out(IP(src=BOX4, dst=R4B) / ICMP(type=3, code=13) / Raw(raw(u4(R4B, 53, 2000))),
               dict(BOX4_ERR_VARY, **{"IP.src": one_of(BOX4, POOL), "IPerror.ttl": one_of(64, 63)}))],
     out6=[x6(S6, 5353, H1, 5000)],
     vary=ID, counters=ok(1, 2, JSTAT_SUCCESS=2, JSTAT_ADF=1))

_x = u6(H1, 5002)
case("nat64_udp_pool4_exhausted",
     "RFC 6146 3.5.1.1: no pool4 port left (2000-2001 taken) -> the packet is dropped and an "
     "ICMPv6 Destination Unreachable code 3 (address unreachable) goes back; the flows that got "
     "ports keep working both ways",
     in6=[u6(H1, 5000), u6(H1, 5001), _x],
     in4=[u4(S4, 53, 2001), u4(S4, 53, 2000)],
     out4=[x4(POOL, 2000, S4, 53), x4(POOL, 2001, S4, 53)],
     out6=[Out(IPv6(src=BOX6, dst=H1) / ICMPv6DestUnreach(code=3) / Raw(raw(_x)),
               dict(BOX6_ERR_VARY, **{"IPerror6.hlim": one_of(64, 63)})),
           x6(S6, 53, H1, 5001), x6(S6, 53, H1, 5000)],
     vary=ID, counters=ok(3, 2, JSTAT_SUCCESS=4, XLAT_POOL4_EXHAUSTED=1))

case("nat64_udp_no_bib46",
     "RFC 6146 3.5.1 (Jool's 'bibless' vector): an IPv4 packet to a pool4 port with no BIB "
     "entry is not translated; ICMPv4 Port Unreachable (3/3) goes back to its source",
     in4=[u4(S4, 53, 2000)],
     out6=[],
     out4=[Out(IP(src=BOX4, dst=S4) / ICMP(type=3, code=3) / Raw(raw(u4(S4, 53, 2000))),
               dict(BOX4_ERR_VARY, **{"IP.src": one_of(BOX4, POOL), "IPerror.ttl": one_of(64, 63)}))],
     counters={"JSTAT_BIB4_NOT_FOUND": 1, "JSTAT_SUCCESS": 0})

case("nat64_tcp_no_syn6",
     "RFC 6146 3.5.2.2 CLOSED: a non-SYN TCP segment from IPv6 with no session opens nothing "
     "and is dropped (Jool: SYN6_EXPECTED)",
     in6=[t6(H1, 6000, "A")], out4=[], out6=[],
     counters={"JSTAT_SYN6_EXPECTED": 1, "JSTAT_SUCCESS": 0, "XLAT_NAT64_SESSION_CREATED": 0})

case("nat64_tcp_v4_syn_no_bib",
     "RFC 6146 3.5.2.2 CLOSED, V4 SYN with no BIB entry: not translated (dropped, or held 6 s "
     "for a simultaneous open), no session",
     in4=[t4(S4, 80, 2000, "S")], out6=[], out4=None,
     counters={"JSTAT_SUCCESS": 0, "XLAT_NAT64_SESSION_CREATED": 0, "JSTAT_TYPE1PKT|JSTAT_V4_SYN": 1})

case("nat64_udp_zero_checksum46",
     "RFC 6146 3.4 / RFC 7915 4.5: a stateful translator computes the UDP checksum of an "
     "unfragmented IPv4 datagram that carries zero (over the IPv6 pseudo-header and the "
     "rewritten port)",
     in6=[u6(H1, 5000)], in4=[u4(S4, 53, 2000, chksum=0)],
     out4=[x4(POOL, 2000, S4, 53)], out6=[x6(S6, 53, H1, 5000)],
     vary=ID, counters=ok(1, 1))

# ============================================== static BIB (IPv4-initiated) ===
_sb = [sbib("UDP", H2, 53, 5353), sbib("TCP", H2, 80, 8080), sbib("ICMP", H2, 7, 7)]

case("nat64_static_udp46",
     "RFC 6146 3.5.1 + static BIB (Jool's 'bib' JSON): an IPv4 host reaches "
     "2001:db8:a::2#53 through 192.0.2.1#5353 with no prior IPv6 traffic",
     config=ncfg(bib=_sb),
     in4=[u4(S4, 1111, 5353)],
     out6=[x6(S6, 1111, H2, 53)], out4=[],
     counters=ok(0, 1, XLAT_NAT64_SESSION_CREATED=1))

case("nat64_static_udp64",
     "RFC 6146 3.5.1: traffic from the IPv6 side of a static BIB entry leaves from its IPv4 "
     "transport address (192.0.2.1#5353), not from a dynamic port; the reply comes back",
     config=ncfg(bib=_sb),
     in6=[u6(H2, 53, dport=1111)], in4=[u4(S4, 1111, 5353)],
     out4=[x4(POOL, 5353, S4, 1111)], out6=[x6(S6, 1111, H2, 53)],
     vary=ID, counters=ok(1, 1, XLAT_NAT64_SESSION_CREATED=1))

case("nat64_static_tcp46",
     "RFC 6146 3.5.2.2: an IPv4 SYN to a static BIB entry opens a session (V4 INIT) and reaches "
     "the IPv6 server",
     config=ncfg(bib=_sb),
     in4=[t4(S4, 40000, 8080, "S")],
     out6=[xt6(S6, 40000, H2, 80, "S")], out4=[],
     counters=ok(0, 1, XLAT_NAT64_SESSION_CREATED=1))

case("nat64_so_expired",
     "RFC 6146 3.5.2.2: an IPv4 SYN for no BIB entry is held 6 s (simultaneous open); nobody "
     "answers from IPv6, so an ICMPv4 Port Unreachable quoting it goes back (Jool's so46 vector)",
     in4=[t4(S4, 80, 2000, "S")], out6=[],
     out4=[Out(IP(src=BOX4, dst=S4) / ICMP(type=3, code=3) / Raw(raw(t4(S4, 80, 2000, "S"))),
               dict(BOX4_ERR_VARY, **{"IP.src": one_of(BOX4, POOL), "IPerror.ttl": one_of(64, 63)}))],
     counters={"JSTAT_TYPE1PKT": 1, "XLAT_SO_EXPIRED": 1, "JSTAT_SUCCESS": 0},
     idle_ms=8100)

case("nat64_so_success",
     "RFC 6146 3.5.2.2 simultaneous open (Jool's so-success vector): the IPv4 SYN to 192.0.2.1#2001 "
     "is held; the IPv6 SYN to its source then takes 2001 (an even source port would otherwise get "
     "2000), and nothing times out",
     in4=[t4(S4, 80, 2001, "S")], in6=[t6(H1, 6000, "S")], v4_first=True, idle_ms=7000,
     out4=[xt4(POOL, 2001, S4, 80, "S")], out6=[],
     vary=ID, counters={"JSTAT_TYPE1PKT": 1, "XLAT_SO_OPENED": 1, "XLAT_SO_EXPIRED": 0,
                        "XLAT_NAT64_SESSION_CREATED": 1})

case("nat64_tcp_v4_syn_existing_bib",
     "RFC 6146 3.5.2.2 CLOSED, V4 SYN to a BIB entry that exists (endpoint-independent "
     "filtering): a session is created (V4 INIT) and the SYN reaches the IPv6 host's port",
     in6=[t6(H1, 6000, "S")], in4=[t4(R4, 1234, 2000, "S")],
     out4=[xt4(POOL, 2000, S4, 80, "S")], out6=[xt6(R6, 1234, H1, 6000, "S")],
     vary=ID, counters=ok(1, 1, XLAT_NAT64_SESSION_CREATED=2))

case("nat64_static_icmp46",
     "RFC 6146 3.5.3 + static ICMP BIB entry (identifier 7 <-> 7): an IPv4 echo request to "
     "192.0.2.1 with identifier 7 reaches the IPv6 host as an ICMPv6 echo request",
     config=ncfg(bib=_sb),
     in4=[IP(src=S4, dst=POOL, flags="DF") / ICMP(type=8, id=7, seq=1) / Raw(pat(N))],
     out6=[IPv6(src=S6, dst=H2, hlim=63) / ICMPv6EchoRequest(id=7, seq=1) / Raw(pat(N))],
     out4=[], counters=ok(0, 1))

case("nat64_drop_externally_initiated_tcp",
     "RFC 6146 3.5.2.2 with drop-externally-initiated-tcp=true: an IPv4 SYN, even to a static "
     "BIB entry, is silently discarded (nothing to IPv6, no ICMP back)",
     config=ncfg(bib=_sb, glob={"drop-externally-initiated-tcp": True}),
     in4=[t4(S4, 40000, 8080, "S")], out6=[], out4=[],
     counters={"JSTAT_V4_SYN": 1, "JSTAT_SUCCESS": 0})

case("nat64_hlim1_no_state",
     "RFC 7915 5.1 + RFC 6146 3.5: an IPv6 packet with hop limit 1 is answered with ICMPv6 "
     "Time Exceeded and creates no BIB entry or session",
     in6=[u6(H1, 5000, hlim=1)],
     out6=[Out(IPv6(src=BOX6, dst=H1) / ICMPv6TimeExceeded(code=0) / Raw(raw(u6(H1, 5000, hlim=1))),
               dict(BOX6_ERR_VARY, **{"IPerror6.hlim": one_of(1, 0)}))],
     out4=[], counters={"JSTAT64_TTL": 1, "XLAT_NAT64_SESSION_CREATED": 0, "XLAT_NAT64_BIB_CREATED": 0})

case("nat64_ttl1_46",
     "RFC 7915 4.1: an IPv4 packet with TTL 1 for a session is answered with ICMPv4 Time "
     "Exceeded, not translated",
     in6=[u6(H1, 5000)], in4=[u4(S4, 53, 2000, ttl=1)],
     out4=[x4(POOL, 2000, S4, 53),
           Out(IP(src=BOX4, dst=S4) / ICMP(type=11, code=0) / Raw(raw(u4(S4, 53, 2000, ttl=1))),
               dict(BOX4_ERR_VARY, **{"IP.src": one_of(BOX4, POOL), "IPerror.ttl": one_of(1, 0)}))],
     out6=[], vary=ID, counters={"JSTAT46_TTL": 1, "JSTAT_SUCCESS": 1})

case("nat64_pool4_default_box_address",
     "Jool's empty pool4: the box's own IPv4 address, ports 61001-65535 (parity kept); a packet "
     "to that address outside the range is the host's, not translated",
     config=ncfg(pool=[]),
     in6=[u6(H1, 5000), u6(H1, 5001, dport=54)],
     in4=[u4(S4, 53, 22, dst=BOX4)],
     out4=[Out(x4(BOX4, 0, S4, 53), {"UDP.sport": lambda v: 61001 <= v <= 65535 and v % 2 == 0,
                                     "UDP.chksum": ANY}),
           Out(x4(BOX4, 0, S4, 54), {"UDP.sport": lambda v: 61001 <= v <= 65535 and v % 2 == 1,
                                     "UDP.chksum": ANY})],
     out6=[], vary=ID, counters={"JSTAT_SUCCESS": 2, "JSTAT_RECEIVED4": 0})

case("nat64_arp_pool4",
     "Design 3: the box answers ARP for pool4 addresses on the IPv4 link (here pool4 is "
     "198.51.100.9, inside the v4 port's /24)",
     config=ncfg(pool=pool4(prefix="198.51.100.9/32")),
     in4=[Ether(dst="ff:ff:ff:ff:ff:ff", src=H4MAC) /
          ARP(op=1, hwsrc=H4MAC, psrc=GW4, hwdst="00:00:00:00:00:00", pdst="198.51.100.9")],
     out4=[Ether(dst=H4MAC, src=MAC4) / ARP(op=2, hwsrc=MAC4, psrc="198.51.100.9", hwdst=H4MAC, pdst=GW4)],
     out6=[])

# ================================================ ICMP errors via sessions ===
_inner4 = IP(src=POOL, dst=S4, ttl=63, flags=0, id=0x1234) / UDP(sport=2000, dport=53) / Raw(pat(N))
case("nat64_icmp_error46",
     "RFC 6146 3.5 + RFC 7915 4.2/4.3: an ICMPv4 Port Unreachable about a packet the box sent "
     "(192.0.2.1#2000 -> S4#53) reaches the IPv6 host as ICMPv6 1/4, the quoted packet "
     "translated back to 2001:db8:a::1#5000",
     in6=[u6(H1, 5000)],
     in4=[IP(src=S4, dst=POOL, ttl=64, flags=0) / ICMP(type=3, code=3) / _inner4],
     out4=[x4(POOL, 2000, S4, 53)],
     out6=[IPv6(src=S6, dst=H1, hlim=63) / ICMPv6DestUnreach(code=4) /
           IPv6(src=H1, dst=S6, hlim=63) / UDP(sport=5000, dport=53) / Raw(pat(N))],
     vary=ID, counters=ok(1, 1))

_inner6 = IPv6(src=S6, dst=H2, hlim=63) / UDP(sport=1111, dport=53) / Raw(pat(N))
case("nat64_icmp_error64",
     "RFC 6146 3.5 + RFC 7915 5.2/5.3: the IPv6 host's Port Unreachable about a packet it got "
     "through the static entry leaves from 192.0.2.1 to S4 as ICMP 3/3, quoting S4#1111 -> "
     "192.0.2.1#5353",
     config=ncfg(bib=_sb),
     in4=[u4(S4, 1111, 5353)],
     in6=[IPv6(src=H2, dst=S6, hlim=64) / ICMPv6DestUnreach(code=4) / _inner6],
     out6=[x6(S6, 1111, H2, 53)],
     out4=[IP(src=POOL, dst=S4, ttl=63, flags=0) / ICMP(type=3, code=3) /
           IP(src=S4, dst=POOL, ttl=63, flags=0, id=0) / UDP(sport=1111, dport=5353) / Raw(pat(N))],
     vary={"IP.id": ANY, "IPerror.id": ANY}, counters=ok(1, 1))

# ======================================================== hairpinning ===
# A route that covers pool4 (192.0.2.0/24 towards the IPv4 side), as a default route would.
ROUTES_P4 = ROUTES + [{"prefix": "192.0.2.0/24", "via": GW4, "port": "v4"}]
case("nat64_hairpin_static",
     "RFC 6146 3.8 hairpinning: 2001:db8:a::1 reaches 2001:db8:a::2 through its static pool4 "
     "address 64:ff9b::192.0.2.1#5353: delivered over IPv6 with source 64:ff9b::192.0.2.1#2000 "
     "(the sender's own BIB entry), hop limit down by one; the answer takes the same way back",
     config=ncfg(bib=_sb, routes=ROUTES_P4),
     in6=[u6(H1, 5000, dst=POOL_6, dport=5353), u6(H2, 53, dst=POOL_6, dport=2000)],
     out6=[x6(POOL_6, 2000, H2, 53), x6(POOL_6, 5353, H1, 5000)],
     out4=[], counters={"JSTAT_RECEIVED6": 2, "XLAT_HAIRPIN": 2})

case("nat64_hairpin_dynamic",
     "RFC 6146 3.8: a host reaches another host's dynamic mapping (created towards S4) through "
     "pool4; endpoint-independent filtering lets it in",
     config=ncfg(routes=ROUTES_P4),
     in6=[u6(H1, 5001), u6(H2, 6000, dst=POOL_6, dport=2001)],
     out4=[x4(POOL, 2001, S4, 53)],
     out6=[x6(POOL_6, 2000, H1, 5001)],
     vary=ID, counters={"JSTAT_RECEIVED6": 2, "XLAT_HAIRPIN": 1})

case("nat64_hairpin_no_route",
     "RFC 6146 3.8: hairpinning needs no route to pool4 (the box owns it; here no route covers "
     "192.0.2.1, as when pool4 is a prefix routed to the box and there is no default route)",
     config=ncfg(bib=_sb),
     in6=[u6(H1, 5000, dst=POOL_6, dport=5353)],
     out6=[x6(POOL_6, 2000, H2, 53)],
     out4=[], counters={"JSTAT_RECEIVED6": 1, "XLAT_HAIRPIN": 1})

# ========================================================== fragments ===
# Later fragments carry no ports: the box remembers what each datagram's first fragment was
# mapped to (6->4: the IPv4 source; 4->6: the IPv6 destination) and whose worker it was.
FN = 600  # UDP payload: 608 bytes of UDP, cut at 304 and 504


def frags4(src, dst, sport, dport, ident, order=(0, 1, 2), ttl=64):
    """An IPv4 UDP datagram (checksum over the whole of it) in three fragments."""
    pieces = frag6_pieces(IP(src=src, dst=dst) / UDP(sport=sport, dport=dport) / Raw(pat(FN)), UDP, (304, 504))
    return [IP(src=src, dst=dst, ttl=ttl, id=ident, flags="MF" if i < 2 else 0, frag=pieces[i][0] // 8,
               proto=17) / Raw(pieces[i][1]) for i in order]


def frags6(src, dst, sport, dport, ident, hlim=64, order=(0, 1, 2)):
    pieces = frag6_pieces(IPv6(src=src, dst=dst) / UDP(sport=sport, dport=dport) / Raw(pat(FN)), UDP, (304, 504))
    return [IPv6(src=src, dst=dst, hlim=hlim) /
            IPv6ExtHdrFragment(nh=17, offset=pieces[i][0] // 8, m=int(i < 2), id=ident) / Raw(pieces[i][1])
            for i in order]


def xfrags4(src, dst, sport, dport, ident):
    """What the box sends for frags6(): RFC 7915 5.1.1 (ID = low 16 bits, DF=0, offsets and MF kept)."""
    pieces = frag6_pieces(IP(src=src, dst=dst) / UDP(sport=sport, dport=dport) / Raw(pat(FN)), UDP, (304, 504))
    return [IP(src=src, dst=dst, ttl=63, id=ident & 0xFFFF, flags="MF" if i < 2 else 0, frag=off // 8,
               proto=17) / Raw(d) for i, (off, d) in enumerate(pieces)]


case("nat64_frag46_udp",
     "RFC 6146 3.5 + RFC 7915 4.1: an IPv4 reply in three fragments: the first is mapped through "
     "the session (port 2000 -> 5000, checksum over the whole datagram updated), the later ones, "
     "which carry no ports, follow it to the same IPv6 host (Fragment Headers, ID = IPv4 ID)",
     in6=[u6(H1, 5000)], in4=frags4(S4, POOL, 53, 2000, 0xbeef),
     out4=[x4(POOL, 2000, S4, 53)],
     out6=frags6(S6, H1, 53, 5000, 0xbeef, hlim=63),
     vary=ID, counters=ok(1, 3))

case("nat64_frag46_later_first",
     "Fragment tracking (design: track, do not reassemble): a later fragment that arrives before "
     "its datagram's first fragment cannot be mapped and is dropped (counted); the first and the "
     "later ones after it go through",
     in6=[u6(H1, 5000)], in4=frags4(S4, POOL, 53, 2000, 0xbef0, order=(1, 0, 2)),
     out4=[x4(POOL, 2000, S4, 53)],
     out6=[p for i, p in enumerate(frags6(S6, H1, 53, 5000, 0xbef0, hlim=63)) if i != 1],
     vary=ID, counters={"XLAT_NAT64_FRAGMENT": 1, "JSTAT_SUCCESS": 3})

case("nat64_frag64_udp",
     "RFC 6146 3.5 + RFC 7915 5.1.1: an IPv6 datagram in three fragments opens one session; all "
     "three leave from 192.0.2.1 (port 2000 in the first, checksum over the whole datagram)",
     in6=frags6(H1, S6, 5000, 53, 0x12345678),
     out4=xfrags4(POOL, S4, 2000, 53, 0x12345678),
     counters={"JSTAT_SUCCESS": 3, "XLAT_NAT64_SESSION_CREATED": 1})

case("nat64_2w_frag46",
     "Fragments with 2 workers: every fragment of a datagram for a worker-1 session is handed to "
     "worker 1 (the later ones after their first), and translated there",
     config=ncfg(pool=pool4("2000-2003")), workers=2,
     in6=[u6(W1, 5000)], in4=frags4(S4, POOL, 53, 2002, 0xbeef),
     out4=[x4(POOL, 2002, S4, 53)],
     out6=frags6(S6, W1, 53, 5000, 0xbeef, hlim=63),
     vary=ID, counters=ok(1, 3, XLAT_HANDOFF_OUT=4))

# ============================================================ limits ===
_flows = [u6("2001:db8:b::%x" % i, 5000) for i in range(1025)]
case("nat64_table_full",
     "Issue 3 bound: max-sessions-per-worker=1024 -> the 1025th new flow is refused (counted, "
     "ICMPv6 1/3 as RFC 6146 3.5.1.1 asks when no state can be created); the first flow still "
     "works afterwards",
     config=ncfg(pool=pool4("61001-65535"), glob={"max-sessions-per-worker": 1024}),
     in6=_flows + [u6("2001:db8:b::0", 5000)],
     out4=[Out(x4(POOL, 0, S4, 53), {"UDP.sport": lambda v: 61001 <= v <= 65535 and v % 2 == 0,
                                     "UDP.chksum": ANY}) for _ in range(1024)] +
          [Out(x4(POOL, 0, S4, 53), {"UDP.sport": lambda v: 61001 <= v <= 65535, "UDP.chksum": ANY})],
     out6=[Out(IPv6(src=BOX6, dst="2001:db8:b::400") / ICMPv6DestUnreach(code=3) / Raw(raw(_flows[1024])),
               dict(BOX6_ERR_VARY, **{"IPerror6.hlim": one_of(64, 63)}))],
     vary=ID, counters={"XLAT_NAT64_TABLE_FULL": 1, "XLAT_NAT64_SESSION_CREATED": 1024})

# ======================================================== two workers ===
# pool4 2000-2003: worker 0 owns 2000/2001, worker 1 owns 2002/2003.
P2 = ncfg(pool=pool4("2000-2003"))

case("nat64_2w_udp",
     "Design (per-worker tables + handoff): with 2 workers, a host worker 1 owns gets a port of "
     "worker 1's slice (2002) and one of worker 0 gets 2000; all input arrives on worker 0, so "
     "worker 1's IPv6 packet and the IPv4 reply to 2002 are handed off (2), and both replies "
     "reach their hosts",
     config=P2, workers=2,
     in6=[u6(W0, 5000), u6(W1, 5000)], in4=[u4(S4, 53, 2000), u4(S4, 53, 2002)],
     out4=[x4(POOL, 2000, S4, 53), x4(POOL, 2002, S4, 53)],
     out6=[x6(S6, 53, W0, 5000), x6(S6, 53, W1, 5000)],
     vary=ID, counters=ok(2, 2, XLAT_HANDOFF_OUT=2, XLAT_NAT64_SESSION_CREATED=2))

case("nat64_2w_tcp",
     "Handoff for TCP: SYN from a worker-1 host (port 2003 for an odd source port), SYN-ACK and "
     "data from IPv4 handed to worker 1, the session's state lives there",
     config=P2, workers=2,
     in6=[t6(W1, 6001, "S"), t6(W1, 6001, "A", seq=1001, ack=5001)],
     in4=[t4(S4, 80, 2003, "SA", ack=1001), t4(S4, 80, 2003, "PA", seq=5001, ack=1001)],
     out4=[xt4(POOL, 2003, S4, 80, "S"), xt4(POOL, 2003, S4, 80, "A", seq=1001, ack=5001)],
     out6=[xt6(S6, 80, W1, 6001, "SA", ack=1001), xt6(S6, 80, W1, 6001, "PA", seq=5001, ack=1001)],
     vary=ID, counters=ok(2, 2, XLAT_HANDOFF_OUT=4))

case("nat64_2w_icmp_echo",
     "Handoff for ICMP queries: a worker-1 host's echo gets identifier 2002 (worker 1's slice); "
     "the echo reply to 2002 is handed to worker 1",
     config=P2, workers=2,
     in6=[IPv6(src=W1, dst=S6) / ICMPv6EchoRequest(id=0x99, seq=1) / Raw(pat(N))],
     in4=[IP(src=S4, dst=POOL, flags="DF") / ICMP(type=0, id=2002, seq=1) / Raw(pat(N))],
     out4=[IP(src=POOL, dst=S4, ttl=63, flags=0) / ICMP(type=8, id=2002, seq=1) / Raw(pat(N))],
     out6=[IPv6(src=S6, dst=W1, hlim=63) / ICMPv6EchoReply(id=0x99, seq=1) / Raw(pat(N))],
     vary=ID, counters=ok(1, 1, XLAT_HANDOFF_OUT=2))

case("nat64_2w_static46",
     "Handoff for a static entry: its sessions live with its IPv6 host's owner (worker 1); an "
     "IPv4 packet to it arriving on worker 0 is handed off, and so is the IPv6 answer",
     config=ncfg(pool=pool4("2000-2003"), bib=[sbib("UDP", W1, 53, 5353)]), workers=2,
     in4=[u4(S4, 1111, 5353)], in6=[u6(W1, 53, dport=1111)],
     out6=[x6(S6, 1111, W1, 53)], out4=[x4(POOL, 5353, S4, 1111)],
     vary=ID, counters=ok(1, 1, XLAT_HANDOFF_OUT=2))

case("nat64_2w_hairpin",
     "Hairpinning across workers: a worker-1 host reaches a worker-0 host's mapping (2000); "
     "worker 1 translates it (source port 2003), the IPv4 result belongs to worker 0, which "
     "delivers it",
     config=ncfg(pool=pool4("2000-2003"), routes=ROUTES_P4), workers=2,
     in6=[u6(W0, 5000), u6(W1, 6001, dst=POOL_6, dport=2000)],
     out4=[x4(POOL, 2000, S4, 53)],
     out6=[x6(POOL_6, 2003, W0, 5000)],
     vary=ID, counters={"JSTAT_RECEIVED6": 2, "XLAT_HAIRPIN": 1, "XLAT_HANDOFF_OUT": 2})

case("nat64_2w_icmp_error46",
     "Handoff of an ICMPv4 error by the packet it quotes (source port 2002: worker 1)",
     config=P2, workers=2,
     in6=[u6(W1, 5000)],
     in4=[IP(src=S4, dst=POOL, ttl=64, flags=0) / ICMP(type=3, code=3) /
          (IP(src=POOL, dst=S4, ttl=63, flags=0, id=0x1234) / UDP(sport=2002, dport=53) / Raw(pat(N)))],
     out4=[x4(POOL, 2002, S4, 53)],
     out6=[IPv6(src=S6, dst=W1, hlim=63) / ICMPv6DestUnreach(code=4) /
           IPv6(src=W1, dst=S6, hlim=63) / UDP(sport=5000, dport=53) / Raw(pat(N))],
     vary=ID, counters=ok(1, 1, XLAT_HANDOFF_OUT=2))

case("nat64_2w_many_hosts",
     "Ownership spread: 24 IPv6 hosts (pool4 ports 2000-2099), each translated once by its owner; "
     "exactly the packets of the hosts worker 1 owns are handed off",
     config=ncfg(pool=pool4("2000-2099")), workers=2,
     in6=[u6("2001:db8:c::%x" % i, 5000) for i in range(24)],
     out4=[Out(x4(POOL, 0, S4, 53), {"UDP.sport": lambda v: 2000 <= v <= 2099 and v % 2 == 0,
                                     "UDP.chksum": ANY}) for _ in range(24)],
     out6=[], vary=ID,
     counters={"JSTAT_SUCCESS": 24, "XLAT_NAT64_SESSION_CREATED": 24,
               "XLAT_HANDOFF_OUT": sum(owner6("2001:db8:c::%x" % i, 2) for i in range(24))})
