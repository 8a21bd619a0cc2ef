#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Probes for the box's native forwarding (tests/e2e/forward.sh), run inside a host namespace.

  fwdprobe.py errors v6|v4 BOX HOST TARGET NOROUTE MTU
      Sends, from HOST, a packet with hop limit/TTL 1 to TARGET, one to NOROUTE and one larger than
      MTU (the egress link's) with DF, and checks each ICMP error the box answers with byte for byte
      against RFC 4443 / RFC 792 + RFC 1812 (source BOX, hop limit/TTL 64, the probe quoted as it was
      sent, RFC 4443 2.4 (c) / RFC 1812 4.3.2.3 size limits). Prints one line per check.
  fwdprobe.py send6hbh DST PORT       an IPv6/UDP datagram with a hop-by-hop header (router alert)
  fwdprobe.py send4frag DST PORT N    an IPv4/UDP datagram of N data bytes, DF clear
  fwdprobe.py sniff IFACE SECONDS PORT
      Listens on IFACE for UDP to PORT and prints, per packet: family, hop limit/TTL, whether a
      hop-by-hop header came along, the IPv4 fragment offset/MF and length, then "data SHA256" of
      the datagram put back together (IPv4 fragments reassembled by offset).
Exit status 1 when a check fails.
"""
import hashlib
import sys
import time

from scapy.all import (ICMP, IP, UDP, AsyncSniffer, ICMPv6DestUnreach, ICMPv6PacketTooBig,
                       ICMPv6TimeExceeded, IPerror, IPerror6, IPv6, IPv6ExtHdrHopByHop, Raw, RouterAlert, conf,
                       raw, send, sniff)

conf.verb = 0


def errors(fam, box, host, target, noroute, mtu):
    mtu = int(mtu)
    if fam == "v6":
        probes = [
            ("hop limit 1", IPv6(src=host, dst=target, hlim=1) / UDP(sport=33434, dport=33435) / Raw(b"h" * 40),
             lambda p: ICMPv6TimeExceeded(code=0) / Raw(raw(p))),
            ("no route", IPv6(src=host, dst=noroute, hlim=64) / UDP(sport=33434, dport=33436) / Raw(b"n" * 40),
             lambda p: ICMPv6DestUnreach(code=0) / Raw(raw(p))),
            ("too big", IPv6(src=host, dst=target, hlim=64) / UDP(sport=33434, dport=33437) / Raw(b"b" * (mtu + 20 - 48)),
             lambda p: ICMPv6PacketTooBig(mtu=mtu) / Raw(raw(p)[:1280 - 48])),
        ]
        flt = "icmp6"
    else:
        probes = [
            ("TTL 1", IP(src=host, dst=target, ttl=1, id=4001, flags="DF") / UDP(sport=33434, dport=33435) / Raw(b"h" * 40),
             lambda p: ICMP(type=11, code=0) / Raw(raw(p))),
            ("no route", IP(src=host, dst=noroute, ttl=64, id=4002, flags="DF") / UDP(sport=33434, dport=33436) / Raw(b"n" * 40),
             lambda p: ICMP(type=3, code=0) / Raw(raw(p))),
            ("too big, DF", IP(src=host, dst=target, ttl=64, id=4003, flags="DF") / UDP(sport=33434, dport=33437) /
             Raw(b"b" * (mtu + 20 - 28)),
             lambda p: ICMP(type=3, code=4, nexthopmtu=mtu) / Raw(raw(p)[:576 - 28])),
        ]
        flt = "icmp"
    bad = 0
    for name, probe, answer in probes:
        sn = AsyncSniffer(iface="eth0", filter=flt, store=True)
        sn.start()
        time.sleep(0.3)
        send(probe)
        time.sleep(1.0)
        got = sn.stop() or []
        l3 = IPv6 if fam == "v6" else IP
        # errors only (RFC 4443 2.1: types below 128): not the neighbour discovery scapy's own send() causes
        replies = [p[l3] for p in got if l3 in p and p[l3].src == box and (fam == "v4" or raw(p[l3].payload)[0] < 128)]
        if len(replies) != 1:
            print("FAIL %s: %d ICMP errors from %s (expected 1)" % (name, len(replies), box))
            bad += 1
            continue
        r = replies[0]
        if fam == "v6":
            want = IPv6(src=box, dst=host, hlim=64, tc=0, fl=0) / answer(probe)
        else:  # RFC 1812 4.3.2.5: precedence 6; the ID is the box's choice
            want = IP(src=box, dst=host, tos=0xc0, ttl=64, flags=0, id=r.id) / answer(probe)
        wb, rb = raw(want), raw(r)
        if wb == rb:
            print("ok %s: %s, %d bytes, identical to the expected" % (name, r.payload.summary(), len(rb)))
            continue
        at = next((i for i in range(min(len(wb), len(rb))) if wb[i] != rb[i]), min(len(wb), len(rb)))
        print("FAIL %s: got %d bytes, expected %d; first difference at byte %d" % (name, len(rb), len(wb), at))
        r.show2()
        bad += 1
    return 1 if bad else 0


def sniffer(iface, secs, port):
    port = int(port)
    # (libpcap's "udp" does not look past IPv6 extension headers: every IPv6 packet, sorted out here)
    pkts = sniff(iface=iface, timeout=float(secs), filter="ip6 or udp port %d or (ip[6:2] & 0x1fff != 0)" % port)
    frags = {}
    for p in pkts:
        if IPerror6 in p or IPerror in p:  # an ICMP error quoting one (the receiver's own port unreachable)
            continue
        if IPv6 in p and UDP in p and p[UDP].dport == port:
            print("ipv6 hlim %d hbh %s len %d" % (p[IPv6].hlim, IPv6ExtHdrHopByHop in p, len(p[IPv6])))
            print("data %s" % hashlib.sha256(raw(p[UDP].payload)).hexdigest())
        elif IP in p:
            ip = p[IP]
            print("ipv4 ttl %d frag %d mf %d len %d" % (ip.ttl, ip.frag, int(ip.flags.MF), ip.len))
            frags.setdefault(ip.id, {})[ip.frag * 8] = bytes(ip.payload)
    for parts in frags.values():
        data = b"".join(parts[o] for o in sorted(parts))
        print("data %s" % hashlib.sha256(data[8:]).hexdigest())  # past the UDP header
    return 0


def main():
    a = sys.argv[1:]
    if len(a) == 7 and a[0] == "errors":
        return errors(*a[1:])
    if len(a) == 3 and a[0] == "send6hbh":
        send(IPv6(dst=a[1]) / IPv6ExtHdrHopByHop(options=[RouterAlert()]) / UDP(sport=40000, dport=int(a[2])) /
             Raw(b"hbh" * 10))
        print("data %s" % hashlib.sha256(b"hbh" * 10).hexdigest())
        return 0
    if len(a) == 4 and a[0] == "send4frag":
        data = bytes(i & 0xFF for i in range(int(a[3])))
        send(IP(dst=a[1], flags=0, id=777) / UDP(sport=40000, dport=int(a[2])) / Raw(data))
        print("data %s" % hashlib.sha256(data).hexdigest())
        return 0
    if len(a) == 4 and a[0] == "sniff":
        return sniffer(*a[1:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
