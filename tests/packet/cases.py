# SPDX-License-Identifier: BSD-3-Clause
"""
Packet test cases for xlat64d (SIIT mode), one declarative record each.

Every expectation here is derived from the RFC text (RFC 7915, 6052, 7757, 6791,
4884, 4443, 792/1812, 4861, 826), never from the daemon's output.

A case is a dict (built with case()):
  name      unique name
  rfc       the rule it checks, with the section
  config    overrides deep-merged into the baseline config (see run.py BASE):
              {"global": {...}}            (a value of None removes the option)
              {"ports": {"v4": {"mtu": 1400}}}
              {"eamt": [...], "denylist4": [...]}
  in6/in4   frames injected on the v6 / v4 port, in order. An L3 packet is wrapped
            in Ethernet (dst = the port's MAC, src = the host's MAC); a packet that
            already starts with Ether is sent as is.
  out6/out4 expected frames leaving the v6 / v4 port, in order. An L3 packet is
            wrapped in Ethernet (src = the port's MAC, dst = the next hop's MAC).
            An item may be Out(pkt, vary={...}) to add per-packet varying fields.
            None means "this port is not checked" (anything may come out).
  vary      {"Layer.field": rule} for fields allowed to differ, for every
            expected packet of the case. Layer is the scapy class name as
            dissected (IP, IPv6, IPerror, IPerror6, UDP, UDPerror, ICMP, ...).
            rule: ANY, a predicate (value -> bool), or a tuple of allowed values.
  counters  {"NAME": n} exact values in --stats-out (each case runs on a fresh
            daemon, so these are the deltas). "A|B": n means counter A + counter B
            == n; it is used only where lib/stats.h's descriptions leave the choice
            between two names open (never to hide a missing drop).

Comparison rules (run.py): every field of every layer is compared; IPv4 header
checksums (outer and inner) are checked for validity rather than equality
(equivalent when all other header fields match, and works when the ID varies);
an ICMP/ICMPv6 checksum is compared exactly unless a field of that message
varies, in which case it must be valid. TCP/UDP checksums are always compared
exactly unless named in vary.

Why this file is long: it is a table (about 90 SIIT records, one per rule, each a few
lines of scapy), with no logic to split out; NAT64's records are nat64_cases.py.
"""

import socket
import struct

from scapy.all import (ARP, ICMP, IP, TCP, UDP, Ether, ICMPv6DestUnreach,
                       ICMPv6EchoReply, ICMPv6EchoRequest, ICMPv6ND_NA,
                       ICMPv6ND_NS, ICMPv6NDOptDstLLAddr, ICMPv6NDOptSrcLLAddr,
                       ICMPv6PacketTooBig, ICMPv6ParamProblem,
                       ICMPv6TimeExceeded, ICMPv6Unknown, IPOption, IPv6,
                       IPv6ExtHdrDestOpt, IPv6ExtHdrFragment, IPv6ExtHdrHopByHop,
                       IPv6ExtHdrRouting, PadN, Raw, raw)

# ---------------------------------------------------------------- topology ---
MAC6 = "02:00:00:00:00:06"   # box, v6 port
MAC4 = "02:00:00:00:00:04"   # box, v4 port
H6MAC = "02:00:00:00:01:06"  # IPv6 next hop (2001:db8:6::2)
H4MAC = "02:00:00:00:01:04"  # IPv4 next hop (198.51.100.2)
BOX6 = "2001:db8:6::1"       # v6 port address (/64)
BOX4 = "198.51.100.1"        # v4 port address (/24)
GW6 = "2001:db8:6::2"
GW4 = "198.51.100.2"
POOL6 = "64:ff9b::/96"


def rfc6052(prefix, v4):
    """RFC 6052 2.2: embed v4 in an IPv6 prefix ("p::/len"); u-octet and suffix zero."""
    pfx, plen = prefix.split("/")
    plen = int(plen)
    p = bytearray(socket.inet_pton(socket.AF_INET6, pfx))
    for i in range(16):  # keep only the prefix bits
        keep = max(0, min(8, plen - 8 * i))
        p[i] &= (0xFF << (8 - keep)) & 0xFF
    a = socket.inet_aton(v4)
    if plen == 32:
        p[4:8] = a
    elif plen == 40:
        p[5:8] = a[0:3]
        p[9] = a[3]
    elif plen == 48:
        p[6:8] = a[0:2]
        p[9:11] = a[2:4]
    elif plen == 56:
        p[7] = a[0]
        p[9:12] = a[1:4]
    elif plen == 64:
        p[9:13] = a
    elif plen == 96:
        p[12:16] = a
    else:
        raise ValueError("RFC 6052 prefix length %d" % plen)
    return socket.inet_ntop(socket.AF_INET6, bytes(p))


C4 = "192.0.2.33"                 # the IPv6 client's IPv4 address
C6 = rfc6052(POOL6, C4)           # 64:ff9b::c000:221
S4 = GW4                          # the IPv4 server (on the v4 link)
S6 = rfc6052(POOL6, S4)           # 64:ff9b::c633:6402
R4 = "203.0.113.1"                # an IPv4 router behind GW4
R6 = rfc6052(POOL6, "192.0.2.1")  # an IPv6 router with a pool6 address

# ------------------------------------------------------------- vary rules ---
ANY = None


def POSITIVE(v):
    return v is not None and int(v) > 0


def NO_MF(v):
    return int(v) in (0, 2)  # scapy IP flags: MF=1, DF=2


def one_of(*vals):
    return tuple(vals)


# ICMP errors the box originates itself: fields no RFC pins down.
BOX4_ERR_VARY = {"IP.id": ANY, "IP.flags": NO_MF, "IP.tos": ANY, "IP.ttl": POSITIVE}
BOX6_ERR_VARY = {"IPv6.hlim": POSITIVE, "IPv6.tc": ANY, "IPv6.fl": ANY}


class Out:
    def __init__(self, pkt, vary=None):
        self.pkt = pkt
        self.vary = vary or {}


# ---------------------------------------------------------------- helpers ---
def pat(n, start=0):
    return bytes((start + i) & 0xFF for i in range(n))


def l4bytes(pkt, layer):
    """Serialized bytes of `layer` and everything after it, checksums computed."""
    b = raw(pkt)
    p = (IP if b[0] >> 4 == 4 else IPv6)(b)
    return raw(p[layer])


def csum_of(pkt, layer, field="chksum"):
    b = raw(pkt)
    p = (IP if b[0] >> 4 == 4 else IPv6)(b)
    return p[layer].getfieldval(field)


def ones_add(a, b):
    s = a + b
    return (s & 0xFFFF) + (s >> 16)


def trunc(pkt, n):
    return raw(pkt)[:n]


CASES = []


def case(name, rfc, in6=(), in4=(), out6=(), out4=(), config=None, vary=None,
         counters=None):
    assert all(c["name"] != name for c in CASES), name
    CASES.append(dict(name=name, rfc=rfc, config=config or {}, in6=list(in6),
                      in4=list(in4),
                      out6=None if out6 is None else list(out6),
                      out4=None if out4 is None else list(out4),
                      vary=dict(vary or {}), counters=dict(counters or {})))


ID_ANY = {"IP.id": ANY}
OK64 = {"JSTAT_RECEIVED6": 1, "JSTAT_SUCCESS": 1}
OK46 = {"JSTAT_RECEIVED4": 1, "JSTAT_SUCCESS": 1}

# ======================================================= basic translation ===


def udp6(src=C6, dst=S6, n=100, hlim=64, tc=0, fl=0, sport=2000, dport=4000,
         chksum=None):
    return IPv6(src=src, dst=dst, hlim=hlim, tc=tc, fl=fl) / \
        UDP(sport=sport, dport=dport, chksum=chksum) / Raw(pat(n))


def udp4(src=S4, dst=C4, n=100, ttl=64, tos=0, flags="DF", id=0, sport=4000,
         dport=2000, chksum=None, frag=0, options=None):
    ip = IP(src=src, dst=dst, ttl=ttl, tos=tos, flags=flags, id=id, frag=frag)
    if options:
        ip.options = options
    return ip / UDP(sport=sport, dport=dport, chksum=chksum) / Raw(pat(n))


case("udp64_basic",
     "RFC 7915 5.1: IPv6->IPv4 header (TOS=TC, TTL=HL-1, proto, DF=0 when <=1260, ID any); "
     "RFC 6052 2.2 /96 addresses; UDP checksum updated for the pseudo-header",
     in6=[udp6()],
     out4=[IP(src=C4, dst=S4, ttl=63, flags=0, id=0) / UDP(sport=2000, dport=4000) / Raw(pat(100))],
     vary=ID_ANY, counters=OK64)

case("udp46_basic",
     "RFC 7915 4.1: IPv4->IPv6 header (TC=TOS, flow label 0, HL=TTL-1, NH=proto); DF=1 "
     "unfragmented -> no Fragment Header; RFC 6052 /96",
     in4=[udp4(id=0x4242)],
     out6=[IPv6(src=S6, dst=C6, hlim=63) / UDP(sport=4000, dport=2000) / Raw(pat(100))],
     counters=OK46)

case("udp46_nodf_small",
     "RFC 7915 4.1: DF=0, unfragmented and not bigger than lowest-ipv6-mtu -> no Fragment "
     "Header (RFC 7915 drops RFC 6145's atomic fragments)",
     in4=[udp4(flags=0, id=0x1234, n=200)],
     out6=[IPv6(src=S6, dst=C6, hlim=63) / UDP(sport=4000, dport=2000) / Raw(pat(200))],
     counters=OK46)

case("tcp64_basic",
     "RFC 7915 5.1/5.5: TCP over IPv6 -> IPv4, checksum updated for the pseudo-header, "
     "options untouched",
     in6=[IPv6(src=C6, dst=S6, hlim=64) / TCP(sport=40000, dport=80, seq=1000, ack=0,
                                               flags="S", window=65535,
                                               options=[("MSS", 1440), ("SAckOK", b""),
                                                        ("WScale", 7)])],
     out4=[IP(src=C4, dst=S4, ttl=63, flags=0) / TCP(sport=40000, dport=80, seq=1000, ack=0,
                                                     flags="S", window=65535,
                                                     options=[("MSS", 1440), ("SAckOK", b""),
                                                              ("WScale", 7)])],
     vary=ID_ANY, counters=OK64)

case("tcp46_basic",
     "RFC 7915 4.1/4.5: TCP over IPv4 -> IPv6, checksum updated for the pseudo-header",
     in4=[IP(src=S4, dst=C4, ttl=64, flags="DF") / TCP(sport=80, dport=40000, seq=5000, ack=1001,
                                                       flags="SA", window=29200) / Raw(pat(40))],
     out6=[IPv6(src=S6, dst=C6, hlim=63) / TCP(sport=80, dport=40000, seq=5000, ack=1001,
                                               flags="SA", window=29200) / Raw(pat(40))],
     counters=OK46)

case("icmp64_echo",
     "RFC 7915 5.2: ICMPv6 echo request 128 -> ICMPv4 8, echo reply 129 -> 0; id/seq/data kept; "
     "checksum without pseudo-header",
     in6=[IPv6(src=C6, dst=S6, hlim=64) / ICMPv6EchoRequest(id=0x1234, seq=7, data=pat(56)),
          IPv6(src=C6, dst=S6, hlim=64) / ICMPv6EchoReply(id=0x4321, seq=9, data=pat(32))],
     out4=[IP(src=C4, dst=S4, ttl=63, flags=0) / ICMP(type=8, id=0x1234, seq=7) / Raw(pat(56)),
           IP(src=C4, dst=S4, ttl=63, flags=0) / ICMP(type=0, id=0x4321, seq=9) / Raw(pat(32))],
     vary=ID_ANY, counters={"JSTAT_RECEIVED6": 2, "JSTAT_SUCCESS": 2})

case("icmp46_echo",
     "RFC 7915 4.2: ICMPv4 echo request 8 -> 128, echo reply 0 -> 129; checksum gains the "
     "ICMPv6 pseudo-header",
     in4=[IP(src=S4, dst=C4, ttl=64) / ICMP(type=8, id=0x1234, seq=7) / Raw(pat(56)),
          IP(src=S4, dst=C4, ttl=64) / ICMP(type=0, id=0x4321, seq=9) / Raw(pat(32))],
     out6=[IPv6(src=S6, dst=C6, hlim=63) / ICMPv6EchoRequest(id=0x1234, seq=7, data=pat(56)),
           IPv6(src=S6, dst=C6, hlim=63) / ICMPv6EchoReply(id=0x4321, seq=9, data=pat(32))],
     counters={"JSTAT_RECEIVED4": 2, "JSTAT_SUCCESS": 2})

# ------------------------------------------------- L4 checksum corruption ---
_u6 = udp6(n=64)
_c6 = csum_of(_u6, UDP)
_c4 = csum_of(IP(src=C4, dst=S4) / UDP(sport=2000, dport=4000) / Raw(pat(64)), UDP)
case("udp64_bad_checksum_stays_bad",
     "RFC 7915 5.5 / RFC 1624: the UDP checksum is updated incrementally, so a wrong checksum "
     "stays wrong by the same amount (+1 in, +1 out)",
     in6=[udp6(n=64, chksum=ones_add(_c6, 1))],
     out4=[IP(src=C4, dst=S4, ttl=63, flags=0) / UDP(sport=2000, dport=4000, chksum=ones_add(_c4, 1))
           / Raw(pat(64))],
     vary=ID_ANY, counters=OK64)

_t4 = IP(src=S4, dst=C4, ttl=64, flags="DF") / TCP(sport=80, dport=40000, seq=1, ack=2, flags="PA") / Raw(pat(77))
_t6 = IPv6(src=S6, dst=C6, hlim=63) / TCP(sport=80, dport=40000, seq=1, ack=2, flags="PA") / Raw(pat(77))
_tc4, _tc6 = csum_of(_t4, TCP), csum_of(_t6, TCP)
case("tcp46_bad_checksum_stays_bad",
     "RFC 7915 4.5 / RFC 1624: TCP checksum updated incrementally; a checksum off by 2 stays off by 2",
     in4=[IP(src=S4, dst=C4, ttl=64, flags="DF") / TCP(sport=80, dport=40000, seq=1, ack=2, flags="PA",
                                                       chksum=ones_add(_tc4, 2)) / Raw(pat(77))],
     out6=[IPv6(src=S6, dst=C6, hlim=63) / TCP(sport=80, dport=40000, seq=1, ack=2, flags="PA",
                                               chksum=ones_add(_tc6, 2)) / Raw(pat(77))],
     counters=OK46)

_e6 = IPv6(src=C6, dst=S6) / ICMPv6EchoRequest(id=5, seq=6, data=pat(20))
_ec6 = csum_of(_e6, ICMPv6EchoRequest, "cksum")
_ec4 = csum_of(IP(src=C4, dst=S4) / ICMP(type=8, id=5, seq=6) / Raw(pat(20)), ICMP)
case("icmp64_echo_bad_checksum_stays_bad",
     "RFC 7915 5.2: echo checksum adjusted (pseudo-header removed, type changed) incrementally; "
     "a wrong checksum stays wrong by the same amount",
     in6=[IPv6(src=C6, dst=S6, hlim=64) / ICMPv6EchoRequest(id=5, seq=6, data=pat(20), cksum=ones_add(_ec6, 1))],
     out4=[IP(src=C4, dst=S4, ttl=63, flags=0) / ICMP(type=8, id=5, seq=6, chksum=ones_add(_ec4, 1)) / Raw(pat(20))],
     vary=ID_ANY, counters=OK64)

# ===================================================== RFC 6052 prefixes ===
for _plen, _pfx in ((32, "2001:db8::/32"), (40, "2001:db8:100::/40"), (48, "2001:db8:100::/48"),
                    (56, "2001:db8:100:100::/56"), (64, "2001:db8:100:200::/64"),
                    (96, "2001:db8:64:64::/96")):
    _c6x, _s6x = rfc6052(_pfx, C4), rfc6052(_pfx, S4)
    case("pool6_len%d" % _plen,
         "RFC 6052 2.2: /%d prefix, IPv4 bits around the u-octet (bits 64-71 zero), both directions"
         % _plen,
         config={"global": {"pool6": _pfx}},
         in6=[udp6(src=_c6x, dst=_s6x, n=30)],
         in4=[udp4(n=30)],
         out4=[IP(src=C4, dst=S4, ttl=63, flags=0) / UDP(sport=2000, dport=4000) / Raw(pat(30))],
         out6=[IPv6(src=_s6x, dst=_c6x, hlim=63) / UDP(sport=4000, dport=2000) / Raw(pat(30))],
         vary=ID_ANY, counters={"JSTAT_SUCCESS": 2})

# ================================================================== EAMT ===
EAM_A = {"ipv6 prefix": "2001:db8:aaaa::/120", "ipv4 prefix": "192.0.2.0/24"}
EAM_B = {"ipv6 prefix": "2001:db8:bbbb::5/128", "ipv4 prefix": "192.0.2.33/32"}
EAM_S = {"ipv6 prefix": "2001:db8:cccc::/112", "ipv4 prefix": "203.0.0.0/16"}

case("eamt64_src",
     "RFC 7757 3.2/4.1: IPv6 source in an EAM -> its IPv4 prefix plus the suffix; destination "
     "through pool6",
     config={"eamt": [EAM_A]},
     in6=[udp6(src="2001:db8:aaaa::21", n=40)],
     out4=[IP(src=C4, dst=S4, ttl=63, flags=0) / UDP(sport=2000, dport=4000) / Raw(pat(40))],
     vary=ID_ANY, counters=OK64)

case("eamt46_dst",
     "RFC 7757 3.2/4.2: IPv4 destination in an EAM -> IPv6 prefix plus suffix; source through pool6",
     config={"eamt": [EAM_A]},
     in4=[udp4(n=40)],
     out6=[IPv6(src=S6, dst="2001:db8:aaaa::21", hlim=63) / UDP(sport=4000, dport=2000) / Raw(pat(40))],
     counters=OK46)

case("eamt_both_ends",
     "RFC 7757 3.2: EAMs on both addresses (/112 <-> /16: suffix of 16 bits), both directions",
     config={"eamt": [EAM_A, EAM_S]},
     in6=[udp6(src="2001:db8:aaaa::21", dst="2001:db8:cccc::7132", n=20)],
     in4=[udp4(src="203.0.113.50", dst="192.0.2.34", n=20)],
     out4=[IP(src=C4, dst="203.0.113.50", ttl=63, flags=0) / UDP(sport=2000, dport=4000) / Raw(pat(20))],
     out6=[IPv6(src="2001:db8:cccc::7132", dst="2001:db8:aaaa::22", hlim=63) /
           UDP(sport=4000, dport=2000) / Raw(pat(20))],
     vary=ID_ANY, counters={"JSTAT_SUCCESS": 2})

case("eamt_longest_prefix",
     "RFC 7757 3.2: overlapping EAMs, the longest prefix wins (192.0.2.33/32 over 192.0.2.0/24), "
     "both directions",
     config={"eamt": [EAM_A, EAM_B]},
     in4=[udp4(dst="192.0.2.33", n=10), udp4(dst="192.0.2.34", n=11)],
     in6=[udp6(src="2001:db8:bbbb::5", n=12), udp6(src="2001:db8:aaaa::40", n=13)],
     out6=[IPv6(src=S6, dst="2001:db8:bbbb::5", hlim=63) / UDP(sport=4000, dport=2000) / Raw(pat(10)),
           IPv6(src=S6, dst="2001:db8:aaaa::22", hlim=63) / UDP(sport=4000, dport=2000) / Raw(pat(11))],
     out4=[IP(src="192.0.2.33", dst=S4, ttl=63, flags=0) / UDP(sport=2000, dport=4000) / Raw(pat(12)),
           IP(src="192.0.2.64", dst=S4, ttl=63, flags=0) / UDP(sport=2000, dport=4000) / Raw(pat(13))],
     vary=ID_ANY, counters={"JSTAT_SUCCESS": 4})

case("eam_hairpin",
     "RFC 7757 4.3 + App. B: IPv6 host to another IPv6 host's EAM IPv4 address (via pool6) comes "
     "back out IPv6: source via pool6, destination via the EAM, hop limit decremented once",
     config={"eamt": [EAM_A]},
     in6=[udp6(src="2001:db8:aaaa::21", dst=rfc6052(POOL6, "192.0.2.34"), n=24)],
     out6=[IPv6(src=rfc6052(POOL6, "192.0.2.33"), dst="2001:db8:aaaa::22", hlim=63) /
           UDP(sport=2000, dport=4000) / Raw(pat(24))],
     out4=[],
     counters={"XLAT_HAIRPIN": 1})

# =========================================================== TOS / TC ===
case("tc64_copied_flowlabel_ignored",
     "RFC 7915 5.1: TOS = IPv6 traffic class (all 8 bits); the flow label is dropped",
     in6=[udp6(tc=0xb8, fl=0x12345, n=20)],
     out4=[IP(src=C4, dst=S4, ttl=63, tos=0xb8, flags=0) / UDP(sport=2000, dport=4000) / Raw(pat(20))],
     vary=ID_ANY, counters=OK64)

case("tos46_copied_flowlabel_zero",
     "RFC 7915 4.1: traffic class = TOS (all 8 bits); flow label = 0",
     in4=[udp4(tos=0xa1, n=20)],
     out6=[IPv6(src=S6, dst=C6, hlim=63, tc=0xa1, fl=0) / UDP(sport=4000, dport=2000) / Raw(pat(20))],
     counters=OK46)

case("override_tos64",
     "RFC 7915 5.1: administrative option to ignore the traffic class and set TOS to a fixed "
     "value (Jool override-tos + tos)",
     config={"global": {"override-tos": True, "tos": 40}},
     in6=[udp6(tc=0xb8, n=20)],
     out4=[IP(src=C4, dst=S4, ttl=63, tos=40, flags=0) / UDP(sport=2000, dport=4000) / Raw(pat(20))],
     vary=ID_ANY, counters=OK64)

case("zeroize_traffic_class46",
     "RFC 7915 4.1: administrative option to ignore the TOS and set traffic class 0 "
     "(Jool zeroize-traffic-class)",
     config={"global": {"zeroize-traffic-class": True}},
     in4=[udp4(tos=0xb8, n=20)],
     out6=[IPv6(src=S6, dst=C6, hlim=63, tc=0) / UDP(sport=4000, dport=2000) / Raw(pat(20))],
     counters=OK46)

# ======================================================= TTL / hop limit ===
case("hlim64_2_becomes_ttl1",
     "RFC 7915 5.1: TTL = hop limit - 1; hop limit 2 is still forwarded (TTL 1)",
     in6=[udp6(hlim=2, n=20)],
     out4=[IP(src=C4, dst=S4, ttl=1, flags=0) / UDP(sport=2000, dport=4000) / Raw(pat(20))],
     vary=ID_ANY, counters=OK64)

case("ttl46_2_becomes_hlim1",
     "RFC 7915 4.1: hop limit = TTL - 1; TTL 2 is still forwarded (hop limit 1)",
     in4=[udp4(ttl=2, n=20)],
     out6=[IPv6(src=S6, dst=C6, hlim=1) / UDP(sport=4000, dport=2000) / Raw(pat(20))],
     counters=OK46)

_x = udp6(hlim=1, n=60)
case("hlim64_expired",
     "RFC 7915 5.1 + RFC 4443 3.3: hop limit 1 -> not translated, ICMPv6 Time Exceeded (3/0) "
     "from the ingress port's address back to the source, carrying the invoking packet",
     in6=[_x],
     out6=[Out(IPv6(src=BOX6, dst=C6) / ICMPv6TimeExceeded(code=0) / Raw(raw(_x)),
               dict(BOX6_ERR_VARY, **{"IPerror6.hlim": one_of(1, 0)}))],
     out4=[],
     counters={"JSTAT64_TTL": 1, "JSTAT_ICMP6ERR_SUCCESS": 1, "JSTAT_SUCCESS": 0})

_x = udp4(ttl=1, n=60)
case("ttl46_expired",
     "RFC 7915 4.1 + RFC 792: TTL 1 -> not translated, ICMPv4 Time Exceeded (11/0) from the "
     "ingress port's address, carrying the invoking datagram",
     in4=[_x],
     out4=[Out(IP(src=BOX4, dst=S4) / ICMP(type=11, code=0) / Raw(raw(_x)),
               dict(BOX4_ERR_VARY, **{"IPerror.ttl": one_of(1, 0)}))],
     out6=[],
     counters={"JSTAT46_TTL": 1, "JSTAT_ICMP4ERR_SUCCESS": 1, "JSTAT_SUCCESS": 0})

# ============================================================ DF and ID ===
case("df64_1260_clear",
     "RFC 7915 5.1: no Fragment Header and translated size <= 1260 (here exactly 1260) -> DF=0, "
     "ID any",
     in6=[udp6(n=1260 - 28)],
     out4=[IP(src=C4, dst=S4, ttl=63, flags=0) / UDP(sport=2000, dport=4000) / Raw(pat(1232))],
     vary=ID_ANY, counters=OK64)

case("df64_1261_set",
     "RFC 7915 5.1: no Fragment Header and translated size > 1260 (1261 and 1480) -> DF=1, ID any",
     in6=[udp6(n=1261 - 28), udp6(n=1480 - 28)],
     out4=[IP(src=C4, dst=S4, ttl=63, flags="DF") / UDP(sport=2000, dport=4000) / Raw(pat(1233)),
           IP(src=C4, dst=S4, ttl=63, flags="DF") / UDP(sport=2000, dport=4000) / Raw(pat(1452))],
     vary=ID_ANY, counters={"JSTAT_SUCCESS": 2})


def frag6_pieces(l3, l4cls, cuts):
    """Bytes of l4cls and after, split at the byte offsets in cuts (multiples of 8)."""
    data = l4bytes(l3, l4cls)
    edges = [0] + list(cuts) + [len(data)]
    return [(edges[i], data[edges[i]:edges[i + 1]]) for i in range(len(edges) - 1)]


_full6 = IPv6(src=C6, dst=S6) / UDP(sport=2000, dport=4000) / Raw(pat(600))
_full4 = IP(src=C4, dst=S4) / UDP(sport=2000, dport=4000) / Raw(pat(600))
_p6 = frag6_pieces(_full6, UDP, (256, 504))
_p4 = frag6_pieces(_full4, UDP, (256, 504))
case("frag64_three_fragments",
     "RFC 7915 5.1.1: Fragment Header -> ID = low 16 bits of the fragment ID, DF=0, MF and "
     "offset copied, protocol from the Fragment Header's next header; UDP checksum updated in "
     "the first fragment only",
     in6=[IPv6(src=C6, dst=S6, hlim=64) /
          IPv6ExtHdrFragment(nh=17, offset=off // 8, m=int(i < 2), id=0x12345678) / Raw(d)
          for i, (off, d) in enumerate(_p6)],
     out4=[IP(src=C4, dst=S4, ttl=63, id=0x5678, flags="MF" if i < 2 else 0, frag=off // 8, proto=17) /
           Raw(d) for i, (off, d) in enumerate(_p4)],
     counters={"JSTAT_SUCCESS": 3})

_full4b = IP(src=S4, dst=C4) / UDP(sport=4000, dport=2000) / Raw(pat(600))
_full6b = IPv6(src=S6, dst=C6) / UDP(sport=4000, dport=2000) / Raw(pat(600))
_q4 = frag6_pieces(_full4b, UDP, (304, 504))
_q6 = frag6_pieces(_full6b, UDP, (304, 504))
case("frag46_three_fragments",
     "RFC 7915 4.1: an IPv4 fragment gets a Fragment Header: ID = IPv4 ID (high 16 bits 0), "
     "offset and M copied, next header = protocol; UDP checksum updated in the first fragment",
     in4=[IP(src=S4, dst=C4, ttl=64, id=0xbeef, flags="MF" if i < 2 else 0, frag=off // 8, proto=17) / Raw(d)
          for i, (off, d) in enumerate(_q4)],
     out6=[IPv6(src=S6, dst=C6, hlim=63) /
           IPv6ExtHdrFragment(nh=17, offset=off // 8, m=int(i < 2), id=0xbeef) / Raw(d)
           for i, (off, d) in enumerate(_q6)],
     counters={"JSTAT_SUCCESS": 3})

case("frag46_df_fragment",
     "RFC 7915 4.1: 'the packet is a fragment' (MF=1) -> Fragment Header even with DF set",
     in4=[IP(src=S4, dst=C4, ttl=64, id=0x0102, flags="DF+MF", frag=0, proto=17) / Raw(_q4[0][1])],
     out6=[IPv6(src=S6, dst=C6, hlim=63) / IPv6ExtHdrFragment(nh=17, offset=0, m=1, id=0x0102) /
           Raw(_q6[0][1])],
     counters=OK46)

# 4->6, DF=0 and bigger than lowest-ipv6-mtu: fragmented by the translator.
_big4 = IP(src=S4, dst=C4, ttl=64, id=0xabcd, flags=0) / UDP(sport=4000, dport=2000) / Raw(pat(1472))
_big6 = IPv6(src=S6, dst=C6) / UDP(sport=4000, dport=2000) / Raw(pat(1472))


def frags46(maxlen, ident=0xabcd):
    per = (maxlen - 48) // 8 * 8
    data = l4bytes(_big6, UDP)
    out = []
    for off in range(0, len(data), per):
        chunk = data[off:off + per]
        out.append(IPv6(src=S6, dst=C6, hlim=63) /
                   IPv6ExtHdrFragment(nh=17, offset=off // 8, m=int(off + per < len(data)), id=ident) /
                   Raw(chunk))
    return out


case("nodf46_fragmented_1280",
     "RFC 7915 4 and 4.1: DF=0 and the IPv6 packet (1520) exceeds lowest-ipv6-mtu 1280 -> "
     "Fragment Header (ID = IPv4 ID) and IPv6 fragments of at most 1280 bytes (1232 + 248)",
     in4=[_big4],
     out6=frags46(1280),
     counters={"JSTAT_SUCCESS": 1, "XLAT_FRAG6_OUT": 2})

case("nodf46_fragmented_lowest_mtu_1400",
     "RFC 7915 4: lowest-ipv6-mtu raised to 1400 -> fragments of at most 1400 bytes (1352 + 128)",
     config={"global": {"lowest-ipv6-mtu": 1400}},
     in4=[_big4],
     out6=frags46(1400),
     counters={"JSTAT_SUCCESS": 1, "XLAT_FRAG6_OUT": 2})

case("nodf46_fits_lowest_mtu_1500",
     "RFC 7915 4: lowest-ipv6-mtu 1500 and the IPv6 packet (1420) fits -> no Fragment Header",
     config={"global": {"lowest-ipv6-mtu": 1500}},
     in4=[udp4(flags=0, id=0x77, n=1372)],
     out6=[IPv6(src=S6, dst=C6, hlim=63) / UDP(sport=4000, dport=2000) / Raw(pat(1372))],
     counters=OK46)

case("nodf46_fragmented_egress_mtu",
     "RFC 7915 4 / RFC 8200 5: DF=0, lowest-ipv6-mtu 1500 but the v6 link MTU is 1300 -> "
     "fragments fit the link (1296 + 280)",
     config={"global": {"lowest-ipv6-mtu": 1500}, "ports": {"v6": {"mtu": 1300}}},
     in4=[_big4],
     out6=frags46(1300),
     counters={"JSTAT_SUCCESS": 1, "XLAT_FRAG6_OUT": 2})

# ================================================ egress MTU too small ===
_x = udp6(n=1452)  # IPv6 1500 -> IPv4 1480
case("mtu64_packet_too_big",
     "RFC 7915 5.1 (DF=1 when > 1260) + RFC 4443 3.2: translated packet 1480 > v4 MTU 1400 -> "
     "ICMPv6 Packet Too Big, MTU = 1400 + 20, invoking packet truncated to a 1280-byte error",
     config={"ports": {"v4": {"mtu": 1400}}},
     in6=[_x],
     out6=[Out(IPv6(src=BOX6, dst=C6) / ICMPv6PacketTooBig(mtu=1420) / Raw(trunc(_x, 1232)),
               dict(BOX6_ERR_VARY, **{"IPerror6.hlim": one_of(64, 63)}))],
     out4=[],
     counters={"JSTAT_PKT_TOO_BIG": 1, "JSTAT_ICMP6ERR_SUCCESS": 1, "JSTAT_SUCCESS": 0})

_x = udp6(n=1300 - 48)  # IPv6 1300 -> IPv4 1280 > 1200
case("mtu64_packet_too_big_min_1280",
     "RFC 7915 5.1 + RFC 8200 5: v4 MTU 1200 -> PTB MTU = max(1200 + 20, 1280) = 1280; a "
     "packet that fits (IPv4 1200) still goes through",
     config={"ports": {"v4": {"mtu": 1200}}},
     in6=[_x, udp6(n=1200 - 28)],
     out6=[Out(IPv6(src=BOX6, dst=C6) / ICMPv6PacketTooBig(mtu=1280) / Raw(trunc(_x, 1232)),
               dict(BOX6_ERR_VARY, **{"IPerror6.hlim": one_of(64, 63)}))],
     out4=[IP(src=C4, dst=S4, ttl=63, flags=0) / UDP(sport=2000, dport=4000) / Raw(pat(1172))],
     vary=ID_ANY,
     counters={"JSTAT_PKT_TOO_BIG": 1, "JSTAT_ICMP6ERR_SUCCESS": 1, "JSTAT_SUCCESS": 1})

_x = udp4(n=1372)  # IPv4 1400 DF -> IPv6 1420 > 1400
case("mtu46_frag_needed",
     "RFC 7915 4 (DF set, too big) + RFC 1191/792: IPv6 1420 > v6 MTU 1400 -> ICMPv4 3/4 with "
     "next-hop MTU 1400 - 20 = 1380, invoking datagram within 576 bytes (RFC 1812 4.3.2.3)",
     config={"ports": {"v6": {"mtu": 1400}}},
     in4=[_x],
     out4=[Out(IP(src=BOX4, dst=S4) / ICMP(type=3, code=4, nexthopmtu=1380) / Raw(trunc(_x, 548)),
               dict(BOX4_ERR_VARY, **{"IPerror.ttl": one_of(64, 63)}))],
     out6=[],
     counters={"JSTAT_PKT_TOO_BIG": 1, "JSTAT_ICMP4ERR_SUCCESS": 1, "JSTAT_SUCCESS": 0})

# ================================================== translated ICMP errors ===
# 6->4: errors about a packet the IPv4 server S4 sent to the IPv6 client (S6 -> C6).
_inner6 = IPv6(src=S6, dst=C6, hlim=61) / UDP(sport=4000, dport=2000) / Raw(pat(40))
_inner4 = IP(src=S4, dst=C4, ttl=61, flags=0, id=0) / UDP(sport=4000, dport=2000) / Raw(pat(40))
INNER4_VARY = {"IP.id": ANY, "IPerror.id": ANY}


def err6(icmp, src=R6, inner=_inner6):
    return IPv6(src=src, dst=S6, hlim=64) / icmp / inner


def err4x(icmp, src="192.0.2.1", inner=_inner4):
    return IP(src=src, dst=S4, ttl=63, flags=0) / icmp / inner


case("icmp64_dest_unreach_codes",
     "RFC 7915 5.2: ICMPv6 Destination Unreachable code 0->3/1, 1->3/10, 2->3/1, 3->3/1, 4->3/3; "
     "inner packet translated (5.3), outer checksum recomputed",
     in6=[err6(ICMPv6DestUnreach(code=c)) for c in (0, 1, 2, 3, 4)],
     out4=[err4x(ICMP(type=3, code=c4)) for c4 in (1, 10, 1, 1, 3)],
     vary=INNER4_VARY, counters={"JSTAT_SUCCESS": 5})

case("icmp64_time_exceeded",
     "RFC 7915 5.2: ICMPv6 Time Exceeded 3/c -> ICMPv4 11/c; inner TTL = inner hop limit "
     "(not decremented)",
     in6=[err6(ICMPv6TimeExceeded(code=0)), err6(ICMPv6TimeExceeded(code=1))],
     out4=[err4x(ICMP(type=11, code=0)), err4x(ICMP(type=11, code=1))],
     vary=INNER4_VARY, counters={"JSTAT_SUCCESS": 2})

_pp = ((0, 0), (1, 1), (4, 2), (5, 2), (6, 9), (7, 8), (8, 12), (23, 12), (24, 16), (39, 16))
case("icmp64_param_problem_pointer",
     "RFC 7915 5.2 Figure 6: Parameter Problem 4/0 pointer mapping (0->0, 1->1, 4,5->2, 6->9, "
     "7->8, 8-23->12, 24-39->16); 4/1 -> 3/2 (protocol unreachable)",
     in6=[err6(ICMPv6ParamProblem(code=0, ptr=p6)) for p6, _ in _pp] +
         [err6(ICMPv6ParamProblem(code=1, ptr=40))],
     out4=[err4x(ICMP(type=12, code=0, ptr=p4)) for _, p4 in _pp] +
          [err4x(ICMP(type=3, code=2))],
     vary=INNER4_VARY, counters={"JSTAT_SUCCESS": len(_pp) + 1})

case("icmp64_param_problem_untranslatable",
     "RFC 7915 5.2: pointer 2/3 (flow label) or >= 40 has no IPv4 counterpart, and code 2 "
     "(unrecognized option) has none -> silently dropped",
     in6=[err6(ICMPv6ParamProblem(code=0, ptr=2)), err6(ICMPv6ParamProblem(code=0, ptr=41)),
          err6(ICMPv6ParamProblem(code=2, ptr=42))],
     out4=[], out6=[],
     counters={"JSTAT64_UNTRANSLATABLE_PARAM_PROB_PTR": 2, "JSTAT_SUCCESS": 0})

_big_inner6 = IPv6(src=S6, dst=C6, hlim=61) / UDP(sport=4000, dport=2000) / Raw(pat(1452))
_bi6 = trunc(_big_inner6, 500)
_big_inner4 = IP(src=S4, dst=C4, ttl=61, flags="DF") / UDP(sport=4000, dport=2000) / Raw(pat(1452))
_bi4 = trunc(_big_inner4, 480)
case("icmp64_ptb_to_frag_needed",
     "RFC 7915 5.2: PTB -> 3/4, MTU = min(PTB MTU - 20, v4 link MTU, v6 link MTU - 20): "
     "1400 -> 1380 and 1500 -> 1480 (both links 1500); inner tot len from the inner header",
     in6=[err6(ICMPv6PacketTooBig(mtu=1400), inner=Raw(_bi6)),
          err6(ICMPv6PacketTooBig(mtu=1500), inner=Raw(_bi6))],
     out4=[err4x(ICMP(type=3, code=4, nexthopmtu=1380), inner=Raw(_bi4)),
           err4x(ICMP(type=3, code=4, nexthopmtu=1480), inner=Raw(_bi4))],
     vary=dict(INNER4_VARY, **{"UDPerror.chksum": ANY}), counters={"JSTAT_SUCCESS": 2})

case("icmp64_ptb_v4_link_smaller",
     "RFC 7915 5.2: PTB MTU 1500 but the IPv4 next hop's MTU is 1400 -> Frag Needed MTU 1400",
     config={"ports": {"v4": {"mtu": 1400}}},
     in6=[err6(ICMPv6PacketTooBig(mtu=1500), inner=Raw(_bi6))],
     out4=[err4x(ICMP(type=3, code=4, nexthopmtu=1400), inner=Raw(_bi4))],
     vary=dict(INNER4_VARY, **{"UDPerror.chksum": ANY}), counters={"JSTAT_SUCCESS": 1})

case("icmp64_unknown_type_dropped",
     "RFC 7915 5.2: ICMPv6 informational types other than echo (here 200, private) and unknown "
     "types are silently dropped",
     in6=[IPv6(src=C6, dst=S6, hlim=64) / ICMPv6Unknown(type=200, code=0, msgbody=pat(12)),
          IPv6(src=C6, dst=S6, hlim=64) / ICMPv6Unknown(type=139, code=0, msgbody=pat(12))],
     out4=[], out6=[],
     counters={"JSTAT_UNKNOWN_ICMP6_TYPE": 2, "JSTAT_SUCCESS": 0})

case("icmp64_error_in_error_dropped",
     "RFC 7915 5.3 (as 4.3): an ICMP error whose inner packet is itself an ICMPv6 error is dropped",
     in6=[err6(ICMPv6DestUnreach(code=4),
               inner=IPv6(src=S6, dst=C6, hlim=61) / ICMPv6TimeExceeded(code=0) / _inner6)],
     out4=[], out6=[],
     counters={"JSTAT_DOUBLE_ICMP6_ERROR": 1, "JSTAT_SUCCESS": 0})

_e = raw(err6(ICMPv6DestUnreach(code=4)))
_e = _e[:42] + bytes([_e[42] ^ 0x01]) + _e[43:]  # flip a bit of the ICMPv6 checksum
case("icmp64_error_bad_checksum_dropped",
     "RFC 7915 5.3 + RFC 4443 2.4: an ICMPv6 error is rebuilt (inner packet translated, checksum "
     "recomputed), so one with a wrong checksum must be dropped, not laundered into a valid one",
     in6=[IPv6(_e)],
     out4=[], out6=[],
     counters={"JSTAT64_ICMP_CSUM": 1, "JSTAT_SUCCESS": 0})

case("icmp64_rfc6791_source",
     "RFC 6791 + RFC 7915 5.2: ICMPv6 error from an untranslatable IPv6 source -> IPv4 source "
     "taken from rfc6791v4-prefix (203.0.113.8/32)",
     config={"global": {"rfc6791v4-prefix": "203.0.113.8"}},
     in6=[err6(ICMPv6TimeExceeded(code=0), src="2001:db8:6::99")],
     out4=[err4x(ICMP(type=11, code=0), src="203.0.113.8")],
     vary=INNER4_VARY, counters={"JSTAT_SUCCESS": 1})

case("icmp64_rfc6791_unset_uses_own_address",
     "RFC 6791 3 / RFC 7915 5.2: rfc6791v4-prefix unset -> the translator's own IPv4 address "
     "(the egress port's, 198.51.100.1) is the source",
     in6=[err6(ICMPv6TimeExceeded(code=0), src="2001:db8:6::99")],
     out4=[err4x(ICMP(type=11, code=0), src=BOX4)],
     vary=INNER4_VARY, counters={"JSTAT_SUCCESS": 1})

# RFC 4884 6->4: inner IPv6 122 bytes padded to 128 (length 16 words of 8), extension.
_ext = bytes.fromhex("20000000") + bytes.fromhex("000c0101") + pat(8)  # header + object (12)
_ext = bytearray(_ext)
_s = sum(struct.unpack("!%dH" % (len(_ext) // 2), bytes(_ext)))
_s = (_s & 0xFFFF) + (_s >> 16)
_s = (_s & 0xFFFF) + (_s >> 16)
struct.pack_into("!H", _ext, 2, ~_s & 0xFFFF)
_ext = bytes(_ext)
_in6_4884 = IPv6(src=S6, dst=C6, hlim=61) / UDP(sport=4000, dport=2000) / Raw(pat(74))   # 122 bytes
_in4_4884 = IP(src=S4, dst=C4, ttl=61, flags=0) / UDP(sport=4000, dport=2000) / Raw(pat(74))  # 102
case("icmp64_rfc4884_extension",
     "RFC 4884 4.1/5 + RFC 7915 5.2: ICMPv6 error with an extension (length 16 -> 128 bytes) -> "
     "ICMPv4 length in 32-bit words, original datagram zero-padded to 128 bytes, extension kept",
     in6=[err6(ICMPv6DestUnreach(code=4, length=16), inner=Raw(raw(_in6_4884) + bytes(6) + _ext))],
     out4=[err4x(ICMP(type=3, code=3, length=32), inner=Raw(raw(_in4_4884) + bytes(26) + _ext))],
     vary=INNER4_VARY, counters={"JSTAT_SUCCESS": 1})

# 4->6: errors about a packet the IPv6 client sent to the IPv4 server (C4 -> S4).
_i4 = IP(src=C4, dst=S4, ttl=62, flags="DF") / UDP(sport=2000, dport=4000) / Raw(pat(40))
_i6 = IPv6(src=C6, dst=S6, hlim=62) / UDP(sport=2000, dport=4000) / Raw(pat(40))


def err4(icmp, src=R4, inner=_i4, flags=0):
    return IP(src=src, dst=C4, ttl=64, flags=flags) / icmp / inner


def err6x(icmp, src=rfc6052(POOL6, R4), inner=_i6):
    return IPv6(src=src, dst=C6, hlim=63) / icmp / inner


_du = ((0, 1, 0), (1, 1, 0), (3, 1, 4), (5, 1, 0), (6, 1, 0), (7, 1, 0), (8, 1, 0), (9, 1, 1),
       (10, 1, 1), (11, 1, 0), (12, 1, 0), (13, 1, 1), (15, 1, 1))
case("icmp46_dest_unreach_codes",
     "RFC 7915 4.2: Destination Unreachable codes 0,1,5,6,7,8,11,12 -> 1/0; 3 -> 1/4; "
     "9,10,13,15 -> 1/1; 2 -> Parameter Problem 4/1 pointer 6; inner translated (4.3)",
     in4=[err4(ICMP(type=3, code=c)) for c, _, _ in _du] + [err4(ICMP(type=3, code=2))],
     out6=[err6x(ICMPv6DestUnreach(code=c6)) for _, _, c6 in _du] +
          [err6x(ICMPv6ParamProblem(code=1, ptr=6))],
     counters={"JSTAT_SUCCESS": len(_du) + 1})

case("icmp46_dest_unreach_untranslatable",
     "RFC 7915 4.2: Destination Unreachable code 14 (host precedence violation) and unknown "
     "codes are silently dropped",
     in4=[err4(ICMP(type=3, code=14)), err4(ICMP(type=3, code=16))],
     out6=[], out4=[],
     counters={"JSTAT_SUCCESS": 0})

case("icmp46_time_exceeded",
     "RFC 7915 4.2: Time Exceeded 11/c -> 3/c; inner hop limit = inner TTL",
     in4=[err4(ICMP(type=11, code=0)), err4(ICMP(type=11, code=1))],
     out6=[err6x(ICMPv6TimeExceeded(code=0)), err6x(ICMPv6TimeExceeded(code=1))],
     counters={"JSTAT_SUCCESS": 2})

_pp4 = ((0, 0), (1, 1), (2, 4), (3, 4), (8, 7), (9, 6), (12, 8), (15, 8), (16, 24), (19, 24))
case("icmp46_param_problem_pointer",
     "RFC 7915 4.2 Figure 3: Parameter Problem codes 0 and 2, pointer 0->0, 1->1, 2,3->4, 8->7, "
     "9->6, 12-15->8, 16-19->24",
     in4=[err4(ICMP(type=12, code=0, ptr=p)) for p, _ in _pp4] + [err4(ICMP(type=12, code=2, ptr=9))],
     out6=[err6x(ICMPv6ParamProblem(code=0, ptr=p)) for _, p in _pp4] +
          [err6x(ICMPv6ParamProblem(code=0, ptr=6))],
     counters={"JSTAT_SUCCESS": len(_pp4) + 1})

case("icmp46_param_problem_untranslatable",
     "RFC 7915 4.2: pointers 4-7 and 10-11 (ID, flags/offset, checksum) have no IPv6 counterpart "
     "and code 1 (missing option) is dropped",
     in4=[err4(ICMP(type=12, code=0, ptr=4)), err4(ICMP(type=12, code=0, ptr=10)),
          err4(ICMP(type=12, code=1, ptr=0))],
     out6=[], out4=[],
     counters={"JSTAT46_UNTRANSLATABLE_PARAM_PROBLEM_PTR": 2, "JSTAT_SUCCESS": 0})

_bi4b = trunc(IP(src=C4, dst=S4, ttl=62, flags="DF") / UDP(sport=2000, dport=4000) / Raw(pat(1422)), 200)
_bi6b = trunc(IPv6(src=C6, dst=S6, hlim=62) / UDP(sport=2000, dport=4000) / Raw(pat(1422)), 220)
PTB_VARY = {"UDPerror.chksum": ANY}
case("icmp46_frag_needed_to_ptb",
     "RFC 7915 4.2: Frag Needed -> PTB, MTU = min(MTU + 20, v6 link MTU, v4 link MTU + 20): "
     "1400 -> 1420, 1480 -> 1500, 1490 -> 1500 (v6 link 1500)",
     in4=[err4(ICMP(type=3, code=4, nexthopmtu=m), inner=Raw(_bi4b)) for m in (1400, 1480, 1490)],
     out6=[err6x(ICMPv6PacketTooBig(mtu=m), inner=Raw(_bi6b)) for m in (1420, 1500, 1500)],
     vary=PTB_VARY, counters={"JSTAT_SUCCESS": 3})

case("icmp46_frag_needed_min_1280",
     "RFC 7915 4.2 + RFC 8200 5: PTB never advertises less than 1280: 1000 -> 1280, 1260 -> 1280, "
     "1261 -> 1281",
     in4=[err4(ICMP(type=3, code=4, nexthopmtu=m), inner=Raw(_bi4b)) for m in (1000, 1260, 1261)],
     out6=[err6x(ICMPv6PacketTooBig(mtu=m), inner=Raw(_bi6b)) for m in (1280, 1280, 1281)],
     vary=PTB_VARY, counters={"JSTAT_SUCCESS": 3})

case("icmp46_frag_needed_v4_link_smaller",
     "RFC 7915 4.2: the v4 link's MTU + 20 caps the PTB MTU (v4 link 1400: FN 1480 -> 1420)",
     config={"ports": {"v4": {"mtu": 1400}}},
     in4=[err4(ICMP(type=3, code=4, nexthopmtu=1480), inner=Raw(_bi4b))],
     out6=[err6x(ICMPv6PacketTooBig(mtu=1420), inner=Raw(_bi6b))],
     vary=PTB_VARY, counters={"JSTAT_SUCCESS": 1})

case("icmp46_frag_needed_mtu0_plateaus",
     "RFC 7915 4.2 + RFC 1191 7: MTU field 0 -> greatest plateau below the inner total length "
     "(1450): plateaus [1400, 1300, 1000] -> 1400 -> PTB 1420",
     config={"global": {"mtu-plateaus": [1400, 1300, 1000]}},
     in4=[err4(ICMP(type=3, code=4, nexthopmtu=0), inner=Raw(_bi4b))],
     out6=[err6x(ICMPv6PacketTooBig(mtu=1420), inner=Raw(_bi6b))],
     vary=PTB_VARY, counters={"JSTAT_SUCCESS": 1})

_bi4c = trunc(IP(src=C4, dst=S4, ttl=62, flags="DF") / UDP(sport=2000, dport=4000) / Raw(pat(1472)), 200)
_bi6c = trunc(IPv6(src=C6, dst=S6, hlim=62) / UDP(sport=2000, dport=4000) / Raw(pat(1472)), 220)
case("icmp46_frag_needed_mtu0_default_plateaus",
     "RFC 7915 4.2 + RFC 1191 7: MTU field 0, default plateaus, inner total length 1500 -> 1492 "
     "-> min(1512, v6 link 1500) = 1500; inner total length 1450 -> 1006 -> 1026 -> 1280",
     in4=[err4(ICMP(type=3, code=4, nexthopmtu=0), inner=Raw(_bi4c)),
          err4(ICMP(type=3, code=4, nexthopmtu=0), inner=Raw(_bi4b))],
     out6=[err6x(ICMPv6PacketTooBig(mtu=1500), inner=Raw(_bi6c)),
           err6x(ICMPv6PacketTooBig(mtu=1280), inner=Raw(_bi6b))],
     vary=PTB_VARY, counters={"JSTAT_SUCCESS": 2})

case("icmp46_unknown_type_dropped",
     "RFC 7915 4.2: timestamp (13), address mask (17) and other obsolete informational ICMPv4 "
     "types are silently dropped",
     in4=[IP(src=S4, dst=C4, ttl=64) / ICMP(type=13) / Raw(pat(12)),
          IP(src=S4, dst=C4, ttl=64) / ICMP(type=17) / Raw(pat(4))],
     out6=[], out4=[],
     counters={"JSTAT_UNKNOWN_ICMP4_TYPE": 2, "JSTAT_SUCCESS": 0})

_e = raw(err4(ICMP(type=3, code=3)))
_e = _e[:22] + bytes([_e[22] ^ 0x01]) + _e[23:]  # flip a bit of the ICMPv4 checksum
case("icmp46_error_bad_checksum_dropped",
     "RFC 7915 4.3 + RFC 792: an ICMPv4 error is rebuilt (inner packet translated, checksum "
     "recomputed with the pseudo-header), so one with a wrong checksum must be dropped",
     in4=[IP(_e)],
     out6=[], out4=[],
     counters={"JSTAT46_ICMP_CSUM": 1, "JSTAT_SUCCESS": 0})

case("icmp46_error_in_error_dropped",
     "RFC 7915 4.3: an ICMPv4 error whose inner packet is an ICMPv4 error is dropped",
     in4=[err4(ICMP(type=3, code=1),
               inner=IP(src=C4, dst=S4, ttl=62) / ICMP(type=3, code=3) / _i4)],
     out6=[], out4=[],
     counters={"JSTAT_DOUBLE_ICMP4_ERROR": 1, "JSTAT_SUCCESS": 0})

# RFC 4884 4->6: inner IPv4 132 bytes (length 33) -> IPv6 152 (length 19), extension kept.
_in4b = IP(src=C4, dst=S4, ttl=62, flags="DF") / UDP(sport=2000, dport=4000) / Raw(pat(104))  # 132
_in6b = IPv6(src=C6, dst=S6, hlim=62) / UDP(sport=2000, dport=4000) / Raw(pat(104))  # 152
case("icmp46_rfc4884_extension",
     "RFC 4884 4.1/5 + RFC 7915 4.2: ICMPv4 Time Exceeded with length 33 (132 bytes) and an "
     "extension -> ICMPv6 length 19 (152 bytes, 8-byte units), extension appended unchanged",
     in4=[err4(ICMP(type=11, code=0, length=33), inner=Raw(raw(_in4b) + _ext))],
     out6=[err6x(ICMPv6TimeExceeded(code=0, length=19), inner=Raw(raw(_in6b) + _ext))],
     counters={"JSTAT_SUCCESS": 1})

_in4c = IP(src=C4, dst=S4, ttl=62, flags="DF") / UDP(sport=2000, dport=4000) / Raw(pat(1372))
_in6c = IPv6(src=C6, dst=S6, hlim=62) / UDP(sport=2000, dport=4000) / Raw(pat(1372))
case("icmp46_error_truncated_to_1280",
     "RFC 7915 4.3 + RFC 4443 2.4(c): a translated ICMPv6 error must not exceed 1280 bytes; "
     "inner payload length still from the inner IPv4 total length",
     in4=[err4(ICMP(type=3, code=3), inner=_in4c, flags="DF")],
     out6=[err6x(ICMPv6DestUnreach(code=4), inner=Raw(trunc(_in6c, 1280 - 48)))],
     counters={"JSTAT_SUCCESS": 1})

# ====================================================== extension headers ===
case("ext64_hbh_dstopts_skipped",
     "RFC 7915 5.1: Hop-by-Hop and Destination Options headers are skipped; protocol = the "
     "upper-layer next header; total length excludes them",
     in6=[IPv6(src=C6, dst=S6, hlim=64) / IPv6ExtHdrHopByHop(options=[PadN(optdata=b"\x00" * 4)]) /
          IPv6ExtHdrDestOpt(options=[PadN(optdata=b"\x00" * 12)]) / UDP(sport=2000, dport=4000) / Raw(pat(30))],
     out4=[IP(src=C4, dst=S4, ttl=63, flags=0) / UDP(sport=2000, dport=4000) / Raw(pat(30))],
     vary=ID_ANY, counters=OK64)

case("ext64_routing_segleft0_skipped",
     "RFC 7915 5.1: a Routing header with Segments Left 0 is skipped",
     in6=[IPv6(src=C6, dst=S6, hlim=64) / IPv6ExtHdrRouting(type=253, segleft=0, addresses=["2001:db8::9"]) /
          UDP(sport=2000, dport=4000) / Raw(pat(30))],
     out4=[IP(src=C4, dst=S4, ttl=63, flags=0) / UDP(sport=2000, dport=4000) / Raw(pat(30))],
     vary=ID_ANY, counters=OK64)

_x = IPv6(src=C6, dst=S6, hlim=64) / IPv6ExtHdrRouting(type=253, segleft=1, addresses=["2001:db8::9"]) / \
    UDP(sport=2000, dport=4000) / Raw(pat(30))
case("ext64_routing_segleft_param_problem",
     "RFC 7915 5.1: Routing header with Segments Left > 0 -> not translated, ICMPv6 Parameter "
     "Problem 4/0 pointing at Segments Left (offset 43)",
     in6=[_x],
     out6=[Out(IPv6(src=BOX6, dst=C6) / ICMPv6ParamProblem(code=0, ptr=43) / Raw(raw(_x)),
               dict(BOX6_ERR_VARY, **{"IPerror6.hlim": one_of(64, 63)}))],
     out4=[],
     counters={"JSTAT64_SEGMENTS_LEFT": 1, "JSTAT_ICMP6ERR_SUCCESS": 1, "JSTAT_SUCCESS": 0})

case("ext64_hbh_then_fragment",
     "RFC 7915 5.1/5.1.1: Hop-by-Hop before a Fragment Header: skipped, fragment fields used",
     in6=[IPv6(src=C6, dst=S6, hlim=64) / IPv6ExtHdrHopByHop(options=[PadN(optdata=b"\x00" * 4)]) /
          IPv6ExtHdrFragment(nh=17, offset=0, m=1, id=0xa0b0c0d0) / Raw(_p6[0][1])],
     out4=[IP(src=C4, dst=S4, ttl=63, id=0xc0d0, flags="MF", frag=0, proto=17) / Raw(_p4[0][1])],
     counters=OK64)

# =========================================================== IPv4 options ===
case("opts46_ignored",
     "RFC 7915 4.1: IPv4 options are ignored (not translated); payload length excludes them",
     in4=[udp4(n=20, options=[IPOption(b"\x01\x01\x01\x00"),                       # NOP NOP NOP EOL
                              ]),
          udp4(n=21, options=[IPOption(b"\x94\x04\x00\x00"),                         # router alert
                              IPOption(b"\x07\x07\x08\x00\x00\x00\x00\x00")])],      # record route
     out6=[IPv6(src=S6, dst=C6, hlim=63) / UDP(sport=4000, dport=2000) / Raw(pat(20)),
           IPv6(src=S6, dst=C6, hlim=63) / UDP(sport=4000, dport=2000) / Raw(pat(21))],
     counters={"JSTAT_SUCCESS": 2})

_x = udp4(n=20, options=[IPOption(b"\x83\x0b\x04" + socket.inet_aton("203.0.113.7") +
                                  socket.inet_aton("203.0.113.9") + b"\x00")])  # LSRR, ptr 4 <= len
case("opts46_source_route_unexpired",
     "RFC 7915 4.1: unexpired source route option -> discarded, ICMPv4 3/5 (source route "
     "failed) back to the sender",
     in4=[_x],
     out4=[Out(IP(src=BOX4, dst=S4) / ICMP(type=3, code=5) / Raw(raw(_x)),
               dict(BOX4_ERR_VARY, **{"IPerror.ttl": one_of(64, 63)}))],
     out6=[],
     counters={"JSTAT46_SRC_ROUTE": 1, "JSTAT_ICMP4ERR_SUCCESS": 1, "JSTAT_SUCCESS": 0})

# The UDP checksum is given explicitly: scapy would compute it with the route's last hop as
# destination, but an expired route's final destination is the header's.
case("opts46_source_route_expired",
     "RFC 7915 4.1: a source route whose pointer is past its end (expired) is just an ignored "
     "option",
     in4=[udp4(n=20, chksum=csum_of(udp4(n=20), UDP),
               options=[IPOption(b"\x89\x0b\x0c" + socket.inet_aton("203.0.113.7") +
                                 socket.inet_aton("203.0.113.9") + b"\x00")])],  # SSRR, ptr 12 > 11
     out6=[IPv6(src=S6, dst=C6, hlim=63) / UDP(sport=4000, dport=2000) / Raw(pat(20))],
     counters=OK46)

# ====================================================== zero UDP checksum ===
case("udp46_zero_checksum_dropped",
     "RFC 7915 4.5: IPv4 UDP checksum 0 with amend-udp-checksum-zero off -> dropped and counted "
     "(the v4 port is not checked: an ICMP error there is optional)",
     in4=[udp4(n=40, chksum=0)],
     out6=[], out4=None,
     counters={"XLAT_UDP_ZERO_CSUM": 1, "JSTAT_SUCCESS": 0})

case("udp46_zero_checksum_amended",
     "RFC 7915 4.5: amend-udp-checksum-zero on -> the translator computes the UDP checksum",
     config={"global": {"amend-udp-checksum-zero": True}},
     in4=[udp4(n=40, chksum=0)],
     out6=[IPv6(src=S6, dst=C6, hlim=63) / UDP(sport=4000, dport=2000) / Raw(pat(40))],
     counters=OK46)

case("udp46_zero_checksum_fragment_dropped",
     "RFC 7915 4.5: a first fragment with UDP checksum 0 cannot be amended -> dropped, even with "
     "amend-udp-checksum-zero on (v4 port not checked)",
     config={"global": {"amend-udp-checksum-zero": True}},
     in4=[IP(src=S4, dst=C4, ttl=64, id=9, flags="MF", proto=17) /
          Raw(raw(UDP(sport=4000, dport=2000, len=600, chksum=0)) + pat(96))],
     out6=[], out4=None,
     counters={"JSTAT46_FRAGMENTED_ZERO_CSUM": 1, "JSTAT_SUCCESS": 0})

# ============================================================== denylist4 ===
case("denylist4_64_dst",
     "Jool denylist4 (pool6-derived IPv4 addresses that must not be translated): an IPv6 packet to "
     "pool6 + a denied IPv4 address is dropped and counted as denied",
     config={"denylist4": ["198.51.100.0/28", "192.0.2.32/28"]},
     in6=[udp6(dst=rfc6052(POOL6, "198.51.100.7"), n=10)],
     out6=[], out4=[],
     counters={"XLAT_DENYLIST4": 1, "JSTAT_SUCCESS": 0})

case("denylist4_46_dst",
     "Jool denylist4: an IPv4 packet to a denied address is not translated (the classifier may "
     "already refuse it: not ours; with forwarding on it is routed, forward_cases.py)",
     config={"denylist4": ["198.51.100.0/28", "192.0.2.32/28"], "dataplane": {"forwarding": False}},
     in4=[udp4(src="203.0.113.50", dst="192.0.2.40", n=10)],
     out6=[], out4=[],
     counters={"XLAT_DENYLIST4|XLAT_NOT_OURS": 1, "JSTAT_SUCCESS": 0})

case("denylist4_46_src",
     "Jool denylist4: an IPv4 packet from a denied address (198.51.100.2 in 198.51.100.0/28) to a "
     "translatable one is dropped and counted as denied (with forwarding on it is native traffic, "
     "routed: forward_cases.py)",
     config={"denylist4": ["198.51.100.0/28"], "dataplane": {"forwarding": False}},
     in4=[udp4(n=10)],
     out6=[], out4=[],
     counters={"XLAT_DENYLIST4": 1, "JSTAT_SUCCESS": 0})

case("reserved_ipv4_not_translated",
     "RFC 6052 3.1 / RFC 7915 5.1: pool6 addresses embedding loopback 127/8, multicast 224/4 or "
     "0/8 are not translated",
     in6=[udp6(dst=rfc6052(POOL6, "127.0.0.1"), n=10), udp6(dst=rfc6052(POOL6, "224.0.0.9"), n=10),
          udp6(dst=rfc6052(POOL6, "0.0.0.7"), n=10)],
     out6=None, out4=[],
     counters={"XLAT_DENYLIST4": 3, "JSTAT_SUCCESS": 0})

# ============================================================ not ours ===
case("not_ours_dropped",
     "design 1: an IPv6 packet to an address nobody translates (not pool6, not EAMT, not the "
     "box) is not translated; with dataplane.forwarding off it is dropped and counted (on, it is "
     "routed: forward_cases.py)",
     config={"dataplane": {"forwarding": False}},
     in6=[udp6(dst="2001:db8:99::1", n=10)],
     out6=[], out4=[],
     counters={"XLAT_NOT_OURS": 1, "JSTAT_SUCCESS": 0})

# ================================================================ ARP / ND ===
case("arp_request_answered",
     "RFC 826: ARP request for the v4 port's address -> ARP reply with the port's MAC",
     in4=[Ether(dst="ff:ff:ff:ff:ff:ff", src=H4MAC) /
          ARP(op=1, hwsrc=H4MAC, psrc=GW4, hwdst="00:00:00:00:00:00", pdst=BOX4)],
     out4=[Ether(dst=H4MAC, src=MAC4) / ARP(op=2, hwsrc=MAC4, psrc=BOX4, hwdst=H4MAC, pdst=GW4)],
     out6=[])

case("arp_request_eamt_address",
     "design 3 (answers ARP for EAMT IPv4 addresses) + RFC 826: ARP for an EAM address on the "
     "v4 link -> reply with the v4 port's MAC",
     config={"eamt": [{"ipv6 prefix": "2001:db8:aaaa::/124", "ipv4 prefix": "198.51.100.16/28"}]},
     in4=[Ether(dst="ff:ff:ff:ff:ff:ff", src=H4MAC) /
          ARP(op=1, hwsrc=H4MAC, psrc=GW4, hwdst="00:00:00:00:00:00", pdst="198.51.100.17")],
     out4=[Ether(dst=H4MAC, src=MAC4) / ARP(op=2, hwsrc=MAC4, psrc="198.51.100.17", hwdst=H4MAC, pdst=GW4)],
     out6=[])

case("nd_ns_answered",
     "RFC 4861 7.2.4: multicast NS for the v6 port's address -> solicited NA (S=1, O=1, hop "
     "limit 255, target link-layer option = port MAC)",
     in6=[Ether(dst="33:33:ff:00:00:01", src=H6MAC) /
          IPv6(src=GW6, dst="ff02::1:ff00:1", hlim=255) / ICMPv6ND_NS(tgt=BOX6) /
          ICMPv6NDOptSrcLLAddr(lladdr=H6MAC)],
     out6=[Out(Ether(dst=H6MAC, src=MAC6) / IPv6(src=BOX6, dst=GW6, hlim=255) /
               ICMPv6ND_NA(tgt=BOX6, R=1, S=1, O=1) / ICMPv6NDOptDstLLAddr(lladdr=MAC6),
               {"ICMPv6ND_NA.R": ANY, "IPv6.fl": ANY, "IPv6.tc": ANY})],
     out4=[])

# ========================================================= malformed input ===


_ok4 = raw(udp4(n=40))
_bad_ihl = bytearray(_ok4)
_bad_ihl[0] = 0x44
_long4 = bytearray(_ok4)
struct.pack_into("!H", _long4, 2, 200)


def fix_ip4_csum(b):
    b = bytearray(b)
    b[10:12] = b"\x00\x00"
    ihl = (b[0] & 0xF) * 4
    s = sum(struct.unpack("!%dH" % (ihl // 2), bytes(b[:ihl])))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    struct.pack_into("!H", b, 10, ~s & 0xFFFF)
    return bytes(b)


_badsum4 = bytearray(_ok4)
_badsum4[10] ^= 0x5A
_ver4 = bytearray(_ok4)
_ver4[0] = 0x65
_short_udp4 = fix_ip4_csum(struct.pack("!BBHHHBBH4s4s", 0x45, 0, 24, 1, 0x4000, 64, 17, 0,
                                       socket.inet_aton(S4), socket.inet_aton(C4)) + b"\x0f\xa0\x07\xd0")

case("malformed4_bad_ihl",
     "RFC 791 / RFC 1812 5.2.2: IHL < 5 -> dropped, counted as a malformed IPv4 header",
     in4=[Raw(bytes(_bad_ihl))],
     out6=[], out4=[],
     counters={"JSTAT_HDR4": 1, "JSTAT_SUCCESS": 0})

case("malformed4_total_length_past_frame",
     "RFC 1812 5.2.2: total length (200) larger than the data received (68) -> dropped",
     in4=[Raw(fix_ip4_csum(bytes(_long4)))],
     out6=[], out4=[],
     counters={"JSTAT_HDR4|JSTAT_SKB_TRUNCATED": 1, "JSTAT_SUCCESS": 0})

case("malformed4_bad_header_checksum",
     "RFC 1812 5.2.2: a router MUST verify the IPv4 header checksum and discard on mismatch",
     in4=[Raw(bytes(_badsum4))],
     out6=[], out4=[],
     counters={"JSTAT_HDR4": 1, "JSTAT_SUCCESS": 0})

case("malformed4_version_not_4",
     "RFC 1812 5.2.2: EtherType IPv4 but version 6 -> dropped as a malformed IPv4 header",
     in4=[Raw(fix_ip4_csum(bytes(_ver4)))],
     out6=[], out4=[],
     counters={"JSTAT_HDR4": 1, "JSTAT_SUCCESS": 0})

case("malformed4_udp_header_truncated",
     "RFC 7915 4.5: an unfragmented UDP datagram too short for its 8-byte header cannot be "
     "translated -> dropped",
     in4=[Raw(_short_udp4)],
     out6=[], out4=[],
     counters={"JSTAT_SKB_TRUNCATED|JSTAT_HDR4": 1, "JSTAT_SUCCESS": 0})

_ok6 = raw(udp6(n=40))
_long6 = bytearray(_ok6)
struct.pack_into("!H", _long6, 4, 200)
case("malformed6_payload_length_past_frame",
     "RFC 8200 3: payload length (200) larger than the data received (48) -> dropped",
     in6=[Raw(bytes(_long6))],
     out6=[], out4=[],
     counters={"JSTAT_HDR6|JSTAT_SKB_TRUNCATED": 1, "JSTAT_SUCCESS": 0})

_ext_past = struct.pack("!IHBB16s16s", 0x60000000, 16, 60, 64,
                        socket.inet_pton(socket.AF_INET6, C6), socket.inet_pton(socket.AF_INET6, S6)) + \
    bytes([17, 10]) + bytes(14)  # Destination Options claiming 88 bytes, 16 present
case("malformed6_ext_header_past_buffer",
     "RFC 8200 4: an extension header chain running past the end of the packet -> dropped",
     in6=[Raw(_ext_past)],
     out6=[], out4=[],
     counters={"JSTAT_HDR6|JSTAT_SKB_TRUNCATED": 1, "JSTAT_SUCCESS": 0})

_short_tcp6 = struct.pack("!IHBB16s16s", 0x60000000, 10, 6, 64,
                          socket.inet_pton(socket.AF_INET6, C6), socket.inet_pton(socket.AF_INET6, S6)) + pat(10)
case("malformed6_tcp_header_truncated",
     "RFC 7915 5.5: an unfragmented TCP segment shorter than its 20-byte header -> dropped",
     in6=[Raw(_short_tcp6)],
     out6=[], out4=[],
     counters={"JSTAT_SKB_TRUNCATED|JSTAT_HDR6": 1, "JSTAT_SUCCESS": 0})

case("malformed4_icmp_error_inner_truncated",
     "RFC 792 / RFC 7915 4.3: ICMPv4 error whose inner IPv4 header is cut (12 of 20 bytes) "
     "cannot be translated -> dropped",
     in4=[err4(ICMP(type=3, code=3), inner=Raw(raw(_i4)[:12]))],
     out6=[], out4=[],
     counters={"XLAT_ICMP_TOO_SHORT|JSTAT_SKB_TRUNCATED": 1, "JSTAT_SUCCESS": 0})

case("malformed6_icmp_error_inner_truncated",
     "RFC 4443 / RFC 7915 5.3: ICMPv6 error whose inner IPv6 header is cut (20 of 40 bytes) "
     "cannot be translated -> dropped",
     in6=[err6(ICMPv6DestUnreach(code=4), inner=Raw(raw(_inner6)[:20]))],
     out6=[], out4=[],
     counters={"XLAT_ICMP_TOO_SHORT|JSTAT_SKB_TRUNCATED": 1, "JSTAT_SUCCESS": 0})
