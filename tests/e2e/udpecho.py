#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Tiny UDP echo for the e2e lab.

server ADDR PORT            echo every datagram back to its sender (runs until killed)
client ADDR PORT [COUNT]    send COUNT datagrams of assorted sizes, expect each echoed back intact;
                            exit 0 when all came back, 1 otherwise
"""
import os
import socket
import sys
import time


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def server(addr, port):
    s = socket.socket(family(addr), socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    while True:
        data, peer = s.recvfrom(65535)
        s.sendto(data, peer)


def client(addr, port, count):
    s = socket.socket(family(addr), socket.SOCK_DGRAM)
    s.settimeout(2.0)
    # sizes stay below 1232 so no path needs fragmentation (1280 - 48)
    sizes = [1, 16, 100, 512, 1000, 1200]
    ok = 0
    for i in range(count):
        payload = i.to_bytes(4, "big") + os.urandom(sizes[i % len(sizes)])
        deadline = time.monotonic() + 3
        got = False
        for _attempt in range(3):  # first datagram may wait for neighbour resolution
            s.sendto(payload, (addr, port))
            try:
                while time.monotonic() < deadline:
                    data, _ = s.recvfrom(65535)
                    if data == payload:
                        got = True
                        break
            except socket.timeout:
                pass
            if got:
                break
        ok += got
    print(f"udp: {ok}/{count} datagrams echoed by [{addr}]:{port}")
    return 0 if ok == count else 1


def main():
    if len(sys.argv) >= 4 and sys.argv[1] == "server":
        server(sys.argv[2], int(sys.argv[3]))
    elif len(sys.argv) >= 4 and sys.argv[1] == "client":
        sys.exit(client(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]) if len(sys.argv) > 4 else 20))
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
