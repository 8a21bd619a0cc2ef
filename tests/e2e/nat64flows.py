#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Many concurrent flows through the NAT64 lab, bounded in time and file descriptors.

udp-server ADDR PORT          echo every datagram back (large socket buffer; runs until killed)
udp-flows DST PORT N [SECS]   N UDP sockets (N flows, all open at once), one datagram each,
                              resent to the silent ones for up to SECS (default 30); prints
                              "udp flows N answered M" and exits 0 when M == N
tcp-server ADDR PORT          echo server for many connections (runs until killed)
tcp-conns DST PORT N [SECS]   N TCP connections opened without blocking (all open at once), a
                              line sent and echoed on each; prints "tcp conns N connected C
                              echoed E" and exits 0 when E == N
"""
import errno
import resource
import select
import socket
import sys
import time


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def more_fds(n):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = n + 256
    if soft == resource.RLIM_INFINITY or soft >= want:
        return
    if hard == resource.RLIM_INFINITY or hard >= want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
        return
    try:  # root with CAP_SYS_RESOURCE may raise the hard limit (up to fs.nr_open)
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, want))
    except (ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        if hard < n + 16:
            sys.exit("need %d file descriptors, the hard limit is %d" % (n + 16, hard))


def big_buffers(s):
    for opt, force in ((socket.SO_RCVBUF, 33), (socket.SO_SNDBUF, 32)):  # SO_RCVBUFFORCE / SO_SNDBUFFORCE
        try:
            s.setsockopt(socket.SOL_SOCKET, force, 8 << 20)
        except OSError:
            s.setsockopt(socket.SOL_SOCKET, opt, 8 << 20)


def udp_server(addr, port):
    s = socket.socket(family(addr), socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    big_buffers(s)
    s.bind((addr, port))
    while True:
        data, peer = s.recvfrom(65535)
        try:
            s.sendto(data, peer)
        except OSError:
            pass


def udp_flows(dst, port, n, secs):
    more_fds(n)
    fam = family(dst)
    ep = select.epoll()
    socks = {}
    for i in range(n):
        s = socket.socket(fam, socket.SOCK_DGRAM)
        s.setblocking(False)
        s.bind(("::" if fam == socket.AF_INET6 else "0.0.0.0", 0))
        s.connect((dst, port))
        socks[s.fileno()] = (i, s)
        ep.register(s.fileno(), select.EPOLLIN)
    pending = set(socks)
    deadline = time.monotonic() + secs
    rounds = 0
    while pending and time.monotonic() < deadline:
        rounds += 1
        # (re)send to every silent flow, paced so that no queue on the way overflows
        for k, fd in enumerate(list(pending)):
            i, s = socks[fd]
            try:
                s.send(b"flow %d" % i)
            except OSError:
                pass
            if k % 200 == 199:
                drain(ep, socks, pending, 0.01)
        wait_until = min(deadline, time.monotonic() + 2.0)
        while pending and time.monotonic() < wait_until:
            drain(ep, socks, pending, 0.2)
    answered = n - len(pending)
    print("udp flows %d answered %d (%d send rounds)" % (n, answered, rounds))
    for _, s in socks.values():
        s.close()
    return 0 if answered == n else 1


def drain(ep, socks, pending, timeout):
    for fd, _ in ep.poll(timeout):
        i, s = socks[fd]
        while True:
            try:
                data = s.recv(2048)
            except OSError:
                break
            if data == b"flow %d" % i:
                pending.discard(fd)


def tcp_server(addr, port):
    more_fds(8000)
    ls = socket.socket(family(addr), socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((addr, port))
    ls.listen(4096)
    ls.setblocking(False)
    ep = select.epoll()
    ep.register(ls.fileno(), select.EPOLLIN)
    conns = {}
    while True:
        for fd, ev in ep.poll(1.0):
            if fd == ls.fileno():
                while True:
                    try:
                        c, _ = ls.accept()
                    except OSError:
                        break
                    c.setblocking(False)
                    conns[c.fileno()] = c
                    ep.register(c.fileno(), select.EPOLLIN)
                continue
            c = conns.get(fd)
            if c is None:
                continue
            try:
                data = c.recv(4096)
            except OSError as e:
                if e.errno == errno.EAGAIN:
                    continue
                data = b""
            if data:
                try:
                    c.send(data)
                    continue
                except OSError:
                    pass
            ep.unregister(fd)
            del conns[fd]
            c.close()


def tcp_conns(dst, port, n, secs):
    more_fds(n)
    fam = family(dst)
    ep = select.epoll()
    socks = {}
    state = {}  # fd -> "connecting" | "connected" | "echoed" | "failed"
    deadline = time.monotonic() + secs
    i = 0
    # open in waves of 100 so the SYN queues on the way (box rings, the server's backlog) keep up
    while i < n and time.monotonic() < deadline:
        for _ in range(min(100, n - i)):
            s = socket.socket(fam, socket.SOCK_STREAM)
            s.setblocking(False)
            err = s.connect_ex((dst, port))
            if err not in (0, errno.EINPROGRESS):
                s.close()
                continue
            socks[s.fileno()] = (i, s)
            state[s.fileno()] = "connecting"
            ep.register(s.fileno(), select.EPOLLOUT)
            i += 1
        step(ep, socks, state, 0.05)
    while time.monotonic() < deadline and any(v in ("connecting", "connected") for v in state.values()):
        step(ep, socks, state, 0.2)
    connected = sum(1 for v in state.values() if v in ("connected", "echoed"))
    echoed = sum(1 for v in state.values() if v == "echoed")
    print("tcp conns %d connected %d echoed %d (all held open at once)" % (n, connected, echoed))
    for _, s in socks.values():
        s.close()
    return 0 if echoed == n else 1


def step(ep, socks, state, timeout):
    for fd, ev in ep.poll(timeout):
        i, s = socks[fd]
        st = state[fd]
        if st == "connecting":
            err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            if err:
                state[fd] = "failed"
                ep.unregister(fd)
                continue
            state[fd] = "connected"
            try:
                s.send(b"conn %d\n" % i)
            except OSError:
                state[fd] = "failed"
                ep.unregister(fd)
                continue
            ep.modify(fd, select.EPOLLIN)
        elif st == "connected":
            try:
                data = s.recv(4096)
            except OSError:
                continue
            if data == b"conn %d\n" % i:
                state[fd] = "echoed"  # stays open until every connection is done
                ep.unregister(fd)
            elif not data:
                state[fd] = "failed"
                ep.unregister(fd)


def main():
    a = sys.argv[1:]
    if len(a) == 3 and a[0] == "udp-server":
        udp_server(a[1], int(a[2]))
    elif len(a) in (4, 5) and a[0] == "udp-flows":
        sys.exit(udp_flows(a[1], int(a[2]), int(a[3]), float(a[4]) if len(a) == 5 else 30.0))
    elif len(a) == 3 and a[0] == "tcp-server":
        tcp_server(a[1], int(a[2]))
    elif len(a) in (4, 5) and a[0] == "tcp-conns":
        sys.exit(tcp_conns(a[1], int(a[2]), int(a[3]), float(a[4]) if len(a) == 5 else 60.0))
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
