#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Send malformed and untranslatable frames at the box (run inside a host namespace).

usage: badpkts.py v6|v4 IFACE DST_MAC
Prints "malformed N" and "notours M": how many frames of each kind were sent.
Each malformed frame is addressed to a destination the box would otherwise translate.
"""
import struct
import sys

from scapy.all import ICMPv6DestUnreach, IP, IPv6, Ether, Raw, TCP, UDP, conf, get_if_hwaddr, sendp

conf.verb = 0

V6_SRC = "2001:db8:6::2"
V6_XLAT = "64:ff9b::198.51.100.2"
V4_SRC = "198.51.100.2"
V4_XLAT = "192.0.2.2"


def v6_frames():
    good = IPv6(src=V6_SRC, dst=V6_XLAT) / UDP(sport=4000, dport=4001) / Raw(b"x" * 32)
    gb = bytes(good)
    mal = [
        # IPv6 header cut short (20 of 40 bytes)
        gb[:20],
        # payload length claims more than the frame holds
        bytes(IPv6(src=V6_SRC, dst=V6_XLAT, plen=1000, nh=17) / UDP(sport=4000, dport=4001, len=40) / Raw(b"y" * 32)),
        # TCP with only 8 bytes of its 20-byte header
        bytes(IPv6(src=V6_SRC, dst=V6_XLAT, nh=6, plen=8)) + bytes(TCP(sport=4000, dport=80))[:8],
        # UDP with only 4 bytes of header
        bytes(IPv6(src=V6_SRC, dst=V6_XLAT, nh=17, plen=4)) + b"\x0f\xa0\x0f\xa1",
        # version field 5 instead of 6
        bytes([0x50]) + gb[1:],
        # ICMPv6 error whose inner packet is cut to 8 bytes
        bytes(IPv6(src=V6_SRC, dst=V6_XLAT) / ICMPv6DestUnreach(code=4) / Raw(gb[:8])),
    ]
    notours = [
        bytes(IPv6(src=V6_SRC, dst="2001:db8:99::1") / UDP(sport=4000, dport=4001) / Raw(b"z" * 16)),
        bytes(IPv6(src=V6_SRC, dst="2001:db8:6::99") / UDP(sport=4000, dport=4001) / Raw(b"z" * 16)),
    ]
    return 0x86DD, mal, notours


def v4_frames():
    good = IP(src=V4_SRC, dst=V4_XLAT, flags="DF") / UDP(sport=4000, dport=4001) / Raw(b"x" * 32)
    gb = bytearray(bytes(good))
    ihl3 = bytearray(gb)
    ihl3[0] = 0x43  # IHL 3 (12 bytes): invalid
    tlen = bytearray(gb)
    struct.pack_into("!H", tlen, 2, 1000)  # total length beyond the frame
    mal = [
        bytes(gb[:12]),   # header cut short
        bytes(ihl3),
        bytes(tlen),
        bytes(IP(src=V4_SRC, dst=V4_XLAT, proto=6, flags="DF") / Raw(bytes(TCP(sport=4000, dport=80))[:8])),
    ]
    return 0x0800, mal, []


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ("v6", "v4"):
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    which, iface, dmac = sys.argv[1:]
    etype, mal, notours = v6_frames() if which == "v6" else v4_frames()
    smac = get_if_hwaddr(iface)
    for p in mal + notours:
        sendp(Ether(src=smac, dst=dmac, type=etype) / Raw(p), iface=iface)
    print("malformed", len(mal))
    print("notours", len(notours))


if __name__ == "__main__":
    main()
