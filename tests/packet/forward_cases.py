# SPDX-License-Identifier: BSD-3-Clause
"""
Packet test cases for native forwarding (lib/forward.c, dataplane/forward.c): what is neither
translated nor the box's own is routed as a router does. Same format as cases.py; names start
with fwd_. Expectations come from RFC 1812 (IPv4 routers), RFC 8200 and RFC 4443 (IPv6), RFC 791
(fragmentation), RFC 1191 (Fragmentation Needed's next-hop MTU), never from the daemon's output.

Topology on top of cases.py's: each port gets an address of the other family too, with a static
neighbour behind the same host MAC, so that a packet can leave by the other port:

  v6 port: 2001:db8:6::1/64 (GW6) and 192.168.6.1/24 (next hop 192.168.6.2)
  v4 port: 198.51.100.1/24 (GW4) and 2001:db8:4::1/64 (next hop 2001:db8:4::2)
  routes:  2001:db8:f::/48 via 2001:db8:4::2 (v4 port), 10.99.0.0/16 via 192.168.6.2 (v6 port),
           and cases.py's (2001:db8::/32 via GW6, 203.0.0.0/16 via GW4, ...)

In SIIT with pool6 every IPv4 destination is translatable (RFC 6052): the native IPv4 ranges
are in denylist4, which is how a box routes them (doc/operations.md).
"""

from scapy.all import (ICMP, IP, UDP, Ether, ICMPv6DestUnreach, ICMPv6PacketTooBig,
                       ICMPv6TimeExceeded, IPv6, IPv6ExtHdrHopByHop, Raw, RouterAlert, raw)

from cases import (BOX4, BOX4_ERR_VARY, BOX6, BOX6_ERR_VARY, C4, C6, GW4, GW6, H4MAC, H6MAC, MAC4, MAC6, S4, S6,
                   Out, pat)

CASES = []

V6_4 = "2001:db8:4::1"    # the v4 port's IPv6 address
NH6_4 = "2001:db8:4::2"   # its IPv6 next hop (H4MAC)
V4_6 = "192.168.6.1"      # the v6 port's IPv4 address
NH4_6 = "192.168.6.2"     # its IPv4 next hop (H6MAC)
FAR6 = "2001:db8:f::5"    # behind NH6_4
FAR4 = "10.99.0.5"        # behind NH4_6
SRC6 = "2001:db8:1::5"    # an IPv6 host behind GW6 (2001:db8::/32)
SRC4 = "203.0.113.9"      # an IPv4 host behind GW4 (203.0.0.0/16)

ROUTES = [
    {"prefix": "64:ff9b::/96", "via": GW6, "port": "v6"},
    {"prefix": "2001:db8::/32", "via": GW6, "port": "v6"},
    {"prefix": "203.0.0.0/16", "via": GW4, "port": "v4"},
    {"prefix": "192.0.2.0/24", "via": GW4, "port": "v4"},
    {"prefix": "2001:db8:f::/48", "via": NH6_4, "port": "v4"},
    {"prefix": "10.99.0.0/16", "via": NH4_6, "port": "v6"},
]


def fcfg(**extra):
    c = {
        "ports": {
            "v6": {"addresses": [BOX6 + "/64", V4_6 + "/24"],
                   "neighbors": [{"address": GW6, "mac": "02:00:00:00:01:06"},
                                 {"address": NH4_6, "mac": "02:00:00:00:01:06"}]},
            "v4": {"addresses": [BOX4 + "/24", V6_4 + "/64"],
                   "neighbors": [{"address": GW4, "mac": "02:00:00:00:01:04"},
                                 {"address": NH6_4, "mac": "02:00:00:00:01:04"}]},
        },
        "routes": ROUTES,
        "denylist4": ["10.99.0.0/16", "203.0.113.0/24"],
    }
    for k, v in extra.items():
        if k == "ports":
            for p, o in v.items():
                c["ports"][p] = dict(c["ports"][p], **o)
        else:
            c[k] = v
    return c


def case(name, rfc, config=None, **kw):
    assert name.startswith("fwd_"), name
    assert all(c["name"] != name for c in CASES), name
    CASES.append(dict(name=name, rfc=rfc, config=config or fcfg(), in6=list(kw.get("in6", ())),
                      in4=list(kw.get("in4", ())),
                      out6=None if kw.get("out6", ()) is None else list(kw.get("out6", ())),
                      out4=None if kw.get("out4", ()) is None else list(kw.get("out4", ())),
                      vary=dict(kw.get("vary") or {}), counters=dict(kw.get("counters") or {})))


def u6(src=SRC6, dst=FAR6, n=100, hlim=64, tc=0, fl=0):
    return IPv6(src=src, dst=dst, hlim=hlim, tc=tc, fl=fl) / UDP(sport=3000, dport=4000) / Raw(pat(n))


def u4(src=SRC4, dst=FAR4, n=100, ttl=64, flags="DF", id=0x1234, tos=0x10):
    return IP(src=src, dst=dst, ttl=ttl, flags=flags, id=id, tos=tos) / UDP(sport=3000, dport=4000) / Raw(pat(n))


def out4(pkt):
    """A frame of the other family out of the v4 port (run.py's wrapping assumes IPv4 there)."""
    return Ether(dst=H4MAC, src=MAC4) / pkt


def out6(pkt):
    return Ether(dst=H6MAC, src=MAC6) / pkt


def hop(pkt, by=1):
    """The same packet with its hop limit / TTL less by (checksums recomputed)."""
    b = IPv6(raw(pkt)) if raw(pkt)[0] >> 4 == 6 else IP(raw(pkt))
    if isinstance(b, IPv6):
        b.hlim -= by
    else:
        b.ttl -= by
        b.chksum = None
    return b


# ================================================================ forwarded ===
case("fwd_ipv6_other_port",
     "RFC 8200 3: an IPv6 packet to a native destination is routed (2001:db8:f::/48 via the v4 "
     "port): hop limit 64 -> 63, nothing else changed, to the route's next hop",
     in6=[u6(), u6(tc=0xb8, fl=0x12345, n=1000)],
     out4=[out4(hop(u6())), out4(hop(u6(tc=0xb8, fl=0x12345, n=1000)))], out6=[],
     counters={"XLAT_FWD6": 2, "JSTAT_SUCCESS": 0, "JSTAT_RECEIVED6": 0})

case("fwd_ipv4_other_port",
     "RFC 1812 5.2.1, 5.3.1: an IPv4 packet to a native destination (in denylist4, so not "
     "translated) is routed out of the v6 port: TTL 64 -> 63, header checksum updated (RFC 1624), "
     "nothing else changed",
     in4=[u4(), u4(ttl=2, flags=0, tos=0, n=3)],
     out6=[out6(hop(u4())), out6(hop(u4(ttl=2, flags=0, tos=0, n=3)))], out4=[],
     counters={"XLAT_FWD4": 2, "JSTAT_SUCCESS": 0, "JSTAT_RECEIVED4": 0})

case("fwd_same_port_no_redirect",
     "RFC 1812 5.2.7.2 leaves redirects optional and the box sends none: a packet routed back out "
     "of the port it came in on (2001:db8::/32 via GW6) is forwarded",
     in6=[u6(src="2001:db8:6::2", dst="2001:db8:77::1")],
     out6=[hop(u6(src="2001:db8:6::2", dst="2001:db8:77::1"))], out4=[],
     counters={"XLAT_FWD6": 1})

case("fwd_beside_translation",
     "Steal only what is ours: pool6 traffic is translated (RFC 7915), native traffic in the same "
     "burst is routed; neither meets the other's path",
     in6=[IPv6(src=C6, dst=S6) / UDP(sport=2000, dport=4000) / Raw(pat(50)), u6(n=50),
          IPv6(src=C6, dst=S6) / UDP(sport=2000, dport=4000) / Raw(pat(60))],
     out4=[IP(src=C4, dst=S4, ttl=63, flags=0) / UDP(sport=2000, dport=4000) / Raw(pat(50)),
           out4(hop(u6(n=50))),
           IP(src=C4, dst=S4, ttl=63, flags=0) / UDP(sport=2000, dport=4000) / Raw(pat(60))],
     out6=[], vary={"IP.id": None},
     counters={"XLAT_FWD6": 1, "JSTAT_SUCCESS": 2})

# ============================================================== ICMP errors ===
_x = u6(hlim=1, n=60)
case("fwd_ipv6_hop_limit_1",
     "RFC 8200 3, RFC 4443 3.3: hop limit 1 -> not forwarded; Time Exceeded (3/0) from the "
     "ingress port's address to the source, quoting the packet as it came",
     in6=[_x],
     out6=[Out(IPv6(src=BOX6, dst=SRC6) / ICMPv6TimeExceeded(code=0) / Raw(raw(_x)), BOX6_ERR_VARY)],
     out4=[], counters={"XLAT_FWD_TTL": 1, "JSTAT_ICMP6ERR_SUCCESS": 1, "XLAT_FWD6": 0})

_x = u4(ttl=1, n=60)
case("fwd_ipv4_ttl_1",
     "RFC 1812 5.3.1, RFC 792: TTL 1 -> Time Exceeded (11/0) from the ingress port's address, "
     "quoting the datagram as it came",
     in4=[_x],
     out4=[Out(IP(src=BOX4, dst=SRC4) / ICMP(type=11, code=0) / Raw(raw(_x)), BOX4_ERR_VARY)],
     out6=[], counters={"XLAT_FWD_TTL": 1, "JSTAT_ICMP4ERR_SUCCESS": 1, "XLAT_FWD4": 0})

_x = u6(dst="2a00:1::1", n=40)
_y = u4(dst="198.18.99.1", n=40)
case("fwd_no_route",
     "RFC 4443 3.1: no route -> Destination Unreachable 1/0 (no route to destination); "
     "RFC 1812 5.2.7.1: 3/0 (network unreachable)",
     config=fcfg(denylist4=["10.99.0.0/16", "203.0.113.0/24", "198.18.0.0/15"]),
     in6=[_x], in4=[_y],
     out6=[Out(IPv6(src=BOX6, dst=SRC6) / ICMPv6DestUnreach(code=0) / Raw(raw(_x)), BOX6_ERR_VARY)],
     out4=[Out(IP(src=BOX4, dst=SRC4) / ICMP(type=3, code=0) / Raw(raw(_y)), BOX4_ERR_VARY)],
     counters={"XLAT_FWD_NO_ROUTE": 2, "JSTAT_ICMP6ERR_SUCCESS": 1, "JSTAT_ICMP4ERR_SUCCESS": 1})

_x = u6(n=1400)
case("fwd_ipv6_too_big",
     "RFC 8200 5, RFC 4443 3.2: larger than the egress MTU (v4 port: 1400) -> Packet Too Big "
     "with MTU 1400, quoting as much as fits in 1280 bytes",
     config=fcfg(ports={"v4": {"mtu": 1400}}),
     in6=[_x],
     out6=[Out(IPv6(src=BOX6, dst=SRC6) / ICMPv6PacketTooBig(mtu=1400) / Raw(raw(_x)[:1280 - 48]),
               BOX6_ERR_VARY)],
     out4=[], counters={"XLAT_FWD_TOO_BIG": 1, "JSTAT_ICMP6ERR_SUCCESS": 1})

_x = u4(n=1400)
case("fwd_ipv4_df_too_big",
     "RFC 1812 5.2.6, RFC 1191: DF set and larger than the egress MTU (v6 port: 1280) -> "
     "Fragmentation Needed (3/4) with the next-hop MTU, quoting up to 576 bytes (RFC 1812 4.3.2.3)",
     config=fcfg(ports={"v6": {"mtu": 1280}}),
     in4=[_x],
     out4=[Out(IP(src=BOX4, dst=SRC4) / ICMP(type=3, code=4, nexthopmtu=1280) / Raw(raw(_x)[:576 - 28]),
               BOX4_ERR_VARY)],
     out6=[], counters={"XLAT_FWD_TOO_BIG": 1, "JSTAT_ICMP4ERR_SUCCESS": 1})

_x = u4(n=2000, flags=0)
_d = raw(_x)[20:]  # UDP header and data: 2008 bytes
case("fwd_ipv4_fragmented",
     "RFC 791 3.2, RFC 1812 5.2.6: DF clear and larger than the egress MTU (1280) -> fragments "
     "of at most 1280 bytes, data a multiple of 8 but the last, same ID, MF on all but the last, "
     "TTL decremented in each",
     config=fcfg(ports={"v6": {"mtu": 1280}}),
     in4=[_x],
     out6=[out6(IP(src=SRC4, dst=FAR4, ttl=63, tos=0x10, id=0x1234, flags="MF", frag=0, proto=17) / Raw(_d[:1256])),
           out6(IP(src=SRC4, dst=FAR4, ttl=63, tos=0x10, id=0x1234, flags=0, frag=157, proto=17) / Raw(_d[1256:]))],
     out4=[], counters={"XLAT_FWD4": 1, "XLAT_FWD_FRAGMENTED": 1, "XLAT_FRAG4_OUT": 2})

# ========================================================= not forwarded here ===
case("fwd_martians_dropped",
     "RFC 4291 2.5.6: link-local addresses never leave their link; RFC 1812 5.3.7: no loopback "
     "or multicast source is forwarded. Dropped without an ICMP error, counted",
     in6=[u6(src="fe80::99"), u6(dst="fe80::98"), u6(src="ff05::1"), u6(src="::1")],
     out6=[], out4=[],
     counters={"XLAT_FWD_MARTIAN": 4, "JSTAT_ICMP6ERR_SUCCESS": 0, "XLAT_FWD6": 0})

case("fwd_hop_by_hop_to_host",
     "RFC 8200 4.3: hop-by-hop options are examined by routers: the host kernel's to forward "
     "(the exception path; a net_pcap port has none, so it is counted and dropped)",
     in6=[IPv6(src=SRC6, dst=FAR6) / IPv6ExtHdrHopByHop(options=[RouterAlert()]) / UDP() / Raw(pat(8))],
     out6=[], out4=[],
     counters={"XLAT_FWD_TO_HOST": 1, "XLAT_HOST_DROPPED": 1, "XLAT_FWD6": 0})

case("fwd_off",
     "dataplane.forwarding false: what is neither translated nor the box's own is dropped and "
     "counted as not ours (IPv6 only here: IPv4 still forwarded)",
     config=fcfg(dataplane={"forwarding": {"ipv6": False}}),
     in6=[u6()], in4=[u4()],
     out4=[], out6=[out6(hop(u4()))],
     counters={"XLAT_NOT_OURS": 1, "XLAT_FWD6": 0, "XLAT_FWD4": 1})

case("fwd_siit_native_source_ipv6",
     "SIIT takes what it can translate, both addresses (RFC 7915; Jool leaves the rest to the "
     "kernel): to an EAMT IPv6 address from a source with no IPv4 form (not pool6, not EAMT) is "
     "native traffic, routed",
     config=fcfg(eamt=[{"ipv6 prefix": "2001:db8:f::/120", "ipv4 prefix": "198.18.5.0/24"}]),
     in6=[u6()],
     out4=[out4(hop(u6()))], out6=[],
     counters={"XLAT_FWD6": 1, "JSTAT_SUCCESS": 0, "JSTAT64_SRC": 0})

case("fwd_siit_native_source_ipv4",
     "The same for IPv4: a reply from a denylist4 network (no IPv6 form) to an address pool6 "
     "would translate is routed, not dropped as untranslatable",
     in4=[u4(dst=NH4_6)],
     out6=[out6(hop(u4(dst=NH4_6)))], out4=[],
     counters={"XLAT_FWD4": 1, "JSTAT_SUCCESS": 0, "JSTAT46_SRC": 0})

_a, _b, _c = u6(n=20), u6(hlim=1, n=21), u6(n=1400)
case("fwd_remembered_destination",
     "The fast path's case (a destination forwarded before, remembered with its route): the same "
     "rules, packet for packet: forwarded, hop limit 1 -> Time Exceeded, too big -> Packet Too Big",
     config=fcfg(ports={"v4": {"mtu": 1400}}),
     in6=[_a, _a, _b, _c, _a],
     out4=[out4(hop(_a)), out4(hop(_a)), out4(hop(_a))],
     out6=[Out(IPv6(src=BOX6, dst=SRC6) / ICMPv6TimeExceeded(code=0) / Raw(raw(_b)), BOX6_ERR_VARY),
           Out(IPv6(src=BOX6, dst=SRC6) / ICMPv6PacketTooBig(mtu=1400) / Raw(raw(_c)[:1280 - 48]), BOX6_ERR_VARY)],
     counters={"XLAT_FWD6": 3, "XLAT_FWD_TTL": 1, "XLAT_FWD_TOO_BIG": 1})
