#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""An 802.1Q switch for the VLAN lab (tests/e2e/vlan.sh), where the kernel has no VLAN-aware bridge.

  vswitch.py TRUNK ACCESS:VID [ACCESS:VID ...]

A Linux bridge with vlan_filtering is the switch the lab wants; kernels built without
CONFIG_BRIDGE_VLAN_FILTERING (and without 8021q) cannot make one, so this takes its place: one trunk port
that carries every access port's VLAN tagged, and access ports whose frames are untagged. It forwards
as such a bridge does, GSO super-frames and partial checksums included: every socket uses
PACKET_VNET_HDR, so what a host hands over (a TSO segment, a checksum left to offload) crosses the switch
as it came, and only the VLAN tag is added or taken off (the checksum offsets moved by its 4 bytes).
Frames on the trunk for a VLAN it has no access port for, and untagged ones, are dropped. Runs until
killed.
"""
import select
import socket
import struct
import sys

ETH_P_ALL = 3
SOL_PACKET = 263
PACKET_AUXDATA = 8
PACKET_VNET_HDR = 15
PACKET_OUTGOING = 4
TP_STATUS_VLAN_VALID = 1 << 4
VNET = struct.Struct("<BBHHHH")  # flags, gso_type, hdr_len, gso_size, csum_start, csum_offset
NEEDS_CSUM = 1
AUX = struct.Struct("<IIIHHHH")  # tp_status, tp_len, tp_snaplen, tp_mac, tp_net, tp_vlan_tci, tp_vlan_tpid


def port(ifname):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.setsockopt(SOL_PACKET, PACKET_VNET_HDR, 1)
    s.setsockopt(SOL_PACKET, PACKET_AUXDATA, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    s.bind((ifname, 0))
    return s


def shift(hdr, by):
    """The virtio-net header of a frame whose L2 header grew by `by` bytes (a tag added or taken off)."""
    flags, gso_type, hdr_len, gso_size, csum_start, csum_offset = VNET.unpack(hdr)
    if flags & NEEDS_CSUM:
        csum_start += by
    if gso_type:
        hdr_len += by
    return VNET.pack(flags, gso_type, hdr_len, gso_size, csum_start, csum_offset)


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    trunk = port(sys.argv[1])
    access = {}  # vid -> socket
    vid_of = {}  # socket -> vid
    for a in sys.argv[2:]:
        name, vid = a.split(":")
        s = port(name)
        access[int(vid)] = s
        vid_of[s] = int(vid)
    socks = [trunk] + list(access.values())
    while True:
        ready, _, _ = select.select(socks, [], [])
        for s in ready:
            data, anc, _, addr = s.recvmsg(65536 + VNET.size, socket.CMSG_SPACE(AUX.size))
            if addr[2] == PACKET_OUTGOING or len(data) < VNET.size + 14:
                continue
            hdr, frame = data[:VNET.size], data[VNET.size:]
            if s is trunk:
                vid = None
                for level, kind, val in anc:
                    if level == SOL_PACKET and kind == PACKET_AUXDATA and len(val) >= AUX.size:
                        st, _, _, _, _, tci, _ = AUX.unpack(val[:AUX.size])
                        if st & TP_STATUS_VLAN_VALID:
                            vid = tci & 0xfff
                if vid is None and frame[12:14] == b"\x81\x00":
                    vid = struct.unpack("!H", frame[14:16])[0] & 0xfff
                    frame = frame[:12] + frame[16:]
                    hdr = shift(hdr, -4)
                out = access.get(vid)
                if out is not None:
                    try:
                        out.send(hdr + frame)
                    except OSError:
                        pass
            else:
                tag = b"\x81\x00" + struct.pack("!H", vid_of[s])
                try:
                    trunk.send(shift(hdr, 4) + frame[:12] + tag + frame[12:])
                except OSError:
                    pass  # a frame the trunk cannot take: dropped, as a switch would


if __name__ == "__main__":
    main()
