#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Benchmark traffic: pcaps of small UDP datagrams, N distinct flows, one direction.

Scapy builds (and checks) the template frame of each direction; the N flows are
then written straight into the pcap, patching addresses, ports and the two
checksums arithmetically, because a million scapy packets take minutes.

The frames are the RFC 8219 "64-byte class": an IPv4 frame of 60 bytes (64 on
the wire with the FCS) and the corresponding IPv6 frame of 80 bytes (84 on the
wire): UDP with 18 bytes of payload.

Profiles (addresses match scripts/bench/bench.py's configurations):
  dpdk: v6 servers 2001:db8:100::/118 <-> 198.18.0.0/22 (EAMT), v4 clients
        198.19.0.0/16 through pool6 2001:db8:64::/96. Flow i uses server i % 1024,
        client address 198.19.0.0 + (i // 1024) % 65536 and client port
        1024 + (i // 1024) % 64000: every i below 2**26 is a distinct 5-tuple.
  nat64: NAT64 established flows (bench.py's nat64 configuration): IPv6 client c
        = (i // 1024) % 1024 is 2001:db8:7::c port 20000 + c, server s = i % 1024
        is 198.18.0.0 + s port 53, seen from IPv6 as pool6 2001:db8:64::/96.
        6->4: client -> pool6(server); 4->6: server -> the client's BIB entry,
        from --portmap (JSON {"c": ["203.0.113.1", port]}, read from the daemon
        by bench.py). Distinct 5-tuples up to 2**20 flows; up to 1024 BIB
        entries, one session per flow. With --clients C1,C2,.. and --servers S
        (bench.py --scaling: the clients a chosen worker owns), flow i is client
        C[(i // S) % len(C)] to server i % S instead.
  nat64new: NAT64 session setup, 6->4 only: every flow a new BIB entry and a new
        session: client 2001:db8:7::(i % 65536) port 1024 + (i // 65536) % 64000 ->
        server i % 1024 (as above) through pool6: up to 65536 sources with a few
        flows each.
  lab:  the lab hosts (scripts/lab.sh): 2001:db8:6::2 (EAMT 192.0.2.2) sends to
        2001:db8:64::198.51.100.3 (pool6 2001:db8:64::/96: TAYGA refuses 64:ff9b::/96
        with documentation addresses), and 198.51.100.2 sends to 192.0.2.3 (EAMT
        2001:db8:6::3). The .3 addresses are sinks: static neighbours on the far
        host, which drops what it receives without an answer. Flows differ by ports.

--offset K (dpdk, nat64new): flows K .. K+N-1 instead of 0 .. N-1 (one pcap per rx
queue with flows of its own, bench.py --scaling).

usage: genpcap.py --profile dpdk|nat64|nat64new|lab --dir 64|46 --flows N --out FILE
"""
import argparse
import ipaddress
import json
import struct
import sys

from scapy.all import IP, UDP, Ether, IPv6, Raw, raw  # noqa: E402

PAYLOAD = b"xlat64-bench-0123!"  # 18 bytes
assert len(PAYLOAD) == 18

MAC_P6, MAC_P4 = "02:00:00:00:00:06", "02:00:00:00:00:04"
MAC_H6, MAC_H4 = "02:00:00:00:01:06", "02:00:00:00:01:04"


def fold(s):
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s


def words(b):
    return sum(struct.unpack("!%dH" % (len(b) // 2), b))


def dpdk_flow(i):
    server = i % 1024
    client = (i // 1024) % 65536
    cport = 1024 + (i // 1024) % 64000
    v6 = ipaddress.IPv6Address("2001:db8:100::").packed[:14] + struct.pack("!H", server)
    c4 = bytes([198, 19, client >> 8, client & 0xFF])
    v4c6 = ipaddress.IPv6Address("2001:db8:64::").packed[:12] + c4  # pool6 /96 form of the client
    return v6, c4, v4c6, 53, cport


def nat64_flow(profile, i, clients=None, servers=1024):
    """(client IPv6, client port, server IPv4) of flow i of the nat64 profiles."""
    server = i % servers
    s4 = bytes([198, 18, server >> 8, server & 0xFF])
    if profile == "nat64" and clients:
        c = clients[(i // servers) % len(clients)]
        cport = 20000 + c
    elif profile == "nat64":
        c, cport = (i // 1024) % 1024, 20000 + (i // 1024) % 1024
    else:
        c, cport = i % 65536, 1024 + (i // 65536) % 64000
    c6 = ipaddress.IPv6Address("2001:db8:7::").packed[:14] + struct.pack("!H", c)
    return c6, cport, s4


def build(profile, direction, flows, out, portmap=None, offset=0, clients=None, servers=1024):
    if profile in ("nat64", "nat64new"):
        if direction == "64":
            tmpl = (Ether(dst=MAC_P6, src=MAC_H6) /
                    IPv6(src="2001:db8:7::", dst="2001:db8:64::c612:0", hlim=64) /
                    UDP(sport=20000, dport=53) / Raw(PAYLOAD))
        else:
            tmpl = (Ether(dst=MAC_P4, src=MAC_H4) /
                    IP(src="198.18.0.0", dst="203.0.113.1", ttl=64, id=1) /
                    UDP(sport=53, dport=20000) / Raw(PAYLOAD))
    elif profile == "dpdk":
        if direction == "64":
            tmpl = (Ether(dst=MAC_P6, src=MAC_H6) /
                    IPv6(src="2001:db8:100::", dst="2001:db8:64::c613:0", hlim=64) /
                    UDP(sport=53, dport=1024) / Raw(PAYLOAD))
        else:
            tmpl = (Ether(dst=MAC_P4, src=MAC_H4) /
                    IP(src="198.19.0.0", dst="198.18.0.0", ttl=64, id=1) /
                    UDP(sport=1024, dport=53) / Raw(PAYLOAD))
    else:
        if direction == "64":
            tmpl = (Ether(dst=MAC_P6, src=MAC_H6) /
                    IPv6(src="2001:db8:6::2", dst="2001:db8:64::198.51.100.3", hlim=64) /
                    UDP(sport=1024, dport=9) / Raw(PAYLOAD))
        else:
            tmpl = (Ether(dst=MAC_P4, src=MAC_H4) /
                    IP(src="198.51.100.2", dst="192.0.2.3", ttl=64, id=1) /
                    UDP(sport=1024, dport=9) / Raw(PAYLOAD))
    frame = bytearray(raw(tmpl))
    want = 80 if direction == "64" else 60
    assert len(frame) == want, (len(frame), want)

    # Offsets of the fields a flow changes (addresses, ports) and of the UDP checksum.
    if direction == "64":
        src_off, dst_off, l4 = 14 + 8, 14 + 24, 14 + 40
        alen = 16
    else:
        src_off, dst_off, l4 = 14 + 12, 14 + 16, 14 + 20
        alen = 4
    # Checksum of everything constant: the pseudo-header length/protocol, the UDP
    # length and payload (ports, addresses and the checksum field itself excluded).
    frame[l4 + 6:l4 + 8] = b"\0\0"
    udp_len = len(frame) - l4
    const = 17 + udp_len + udp_len + words(bytes(frame[l4 + 8:]))

    w = open(out, "wb")
    w.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
    rec = struct.pack("<IIII", 0, 0, len(frame), len(frame))
    for i in range(offset, offset + flows):
        if profile in ("nat64", "nat64new"):
            c6, cport, s4 = nat64_flow(profile, i, clients, servers)
            if direction == "64":
                src, dst, sp, dp = c6, ipaddress.IPv6Address("2001:db8:64::").packed[:12] + s4, cport, 53
            else:
                a4, p4 = portmap[str(cport - 20000)]
                src, dst, sp, dp = s4, ipaddress.IPv4Address(a4).packed, 53, p4
        elif profile == "dpdk":
            v6, c4, c6, sport6, cport = dpdk_flow(i)
            if direction == "64":
                src, dst, sp, dp = v6, c6, sport6, cport
            else:
                # IPv4 client -> the server's IPv4 (EAMT) address
                srv = struct.unpack("!H", v6[14:])[0]
                src, dst, sp, dp = c4, bytes([198, 18, srv >> 8, srv & 0xFF]), cport, sport6
        else:
            src = bytes(frame[src_off:src_off + alen])
            dst = bytes(frame[dst_off:dst_off + alen])
            sp, dp = 1024 + i % 64512, 9
        frame[src_off:src_off + alen] = src
        frame[dst_off:dst_off + alen] = dst
        struct.pack_into("!HH", frame, l4, sp, dp)
        c = 0xFFFF - fold(const + words(src) + words(dst) + sp + dp)
        struct.pack_into("!H", frame, l4 + 6, c or 0xFFFF)
        if direction == "46":
            frame[14 + 10:14 + 12] = b"\0\0"
            struct.pack_into("!H", frame, 14 + 10, 0xFFFF - fold(words(bytes(frame[14:34]))))
        w.write(rec)
        w.write(frame)
        if i < offset + 3:  # the arithmetic must agree with scapy's checksums
            chk = Ether(bytes(frame))
            got = (chk.getlayer(UDP).chksum, chk[1].chksum if direction == "46" else None)
            del chk.getlayer(UDP).chksum
            if direction == "46":
                del chk[1].chksum
            ref = Ether(raw(chk))
            exp = (ref.getlayer(UDP).chksum, ref[1].chksum if direction == "46" else None)
            if got != exp:
                sys.exit("genpcap: checksum mismatch in flow %d: %r != %r" % (i, got, exp))
    w.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--profile", choices=["dpdk", "nat64", "nat64new", "lab"], default="dpdk")
    ap.add_argument("--dir", choices=["64", "46"], required=True)
    ap.add_argument("--flows", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--portmap", help="nat64 4->6: the clients' BIB entries (JSON)")
    ap.add_argument("--offset", type=int, default=0, help="first flow index (dpdk, nat64new)")
    ap.add_argument("--clients", type=lambda s: [int(x) for x in s.split(",")],
                    help="nat64: these client indices (0-1023) only")
    ap.add_argument("--servers", type=int, default=1024, help="nat64 with --clients: servers per client")
    a = ap.parse_args()
    if a.profile == "nat64new" and a.dir != "64" or a.profile == "nat64" and a.dir == "46" and not a.portmap:
        sys.exit("genpcap: nat64new is 6->4 only; nat64 4->6 needs --portmap")
    if not 1 <= a.flows or a.offset < 0 or a.offset + a.flows > 2 ** 26:
        sys.exit("genpcap: --offset + --flows must be in [1, 2^26]")
    if a.clients and (a.profile != "nat64" or not 1 <= a.servers <= 1024 or
                      any(not 0 <= c < 1024 for c in a.clients)):
        sys.exit("genpcap: --clients (0-1023) is for the nat64 profile, with 1 <= --servers <= 1024")
    portmap = None
    if a.portmap:
        with open(a.portmap) as f:
            portmap = json.load(f)
    build(a.profile, a.dir, a.flows, a.out, portmap, a.offset, a.clients, a.servers)


if __name__ == "__main__":
    main()
