#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Traffic for the HA failover test (tests/e2e/ha.sh): long-lived TCP connections and UDP flows through the
translator that must survive a failover, each checked by what the server sees of it.

  ha_traffic.py server ADDR PORT
      TCP and UDP on ADDR#PORT: every line (TCP) or datagram (UDP) is answered with
      "TAG PEER-ADDR PEER-PORT": the flow's IPv4 source as the server sees it (the box's pool4 mapping).
  ha_traffic.py client DST PORT TCP UDP CTLFIFO OUTDIR
      opens TCP connections and UDP sockets to DST#PORT and keeps them; every line NAME read from CTLFIFO
      starts a round: each flow sends "NAME" and waits for its answer; OUTDIR/NAME.json gets, per flow, the
      peer the server saw (or the error). "quit" ends it.
  ha_traffic.py probe DST PORT SECONDS OUT
      a UDP datagram every 5 ms for SECONDS; OUT gets the longest gap between answers (the outage as this
      host sees it), when it began, and how many answers came.
"""
import json
import os
import selectors
import socket
import sys
import threading
import time


def server(addr, port):
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    ls = socket.socket(fam, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((addr, port))
    ls.listen(1024)
    us = socket.socket(fam, socket.SOCK_DGRAM)
    us.bind((addr, port))
    sel = selectors.DefaultSelector()
    sel.register(ls, selectors.EVENT_READ, "listen")
    sel.register(us, selectors.EVENT_READ, "udp")
    bufs = {}
    while True:
        for key, _ in sel.select():
            s = key.fileobj
            if key.data == "listen":
                c, peer = s.accept()
                c.setblocking(False)
                sel.register(c, selectors.EVENT_READ, peer)
                bufs[c] = b""
            elif key.data == "udp":
                data, peer = s.recvfrom(2048)
                tag = data.decode(errors="replace").strip()
                s.sendto(f"{tag} {peer[0]} {peer[1]}\n".encode(), peer)
            else:
                try:
                    data = s.recv(4096)
                except OSError:
                    data = b""
                if not data:
                    sel.unregister(s)
                    bufs.pop(s, None)
                    s.close()
                    continue
                bufs[s] += data
                while b"\n" in bufs[s]:
                    line, bufs[s] = bufs[s].split(b"\n", 1)
                    peer = key.data
                    try:
                        s.sendall(f"{line.decode(errors='replace')} {peer[0]} {peer[1]}\n".encode())
                    except OSError:
                        pass


class Flows:
    def __init__(self, dst, port, n_tcp, n_udp):
        self.dst, self.port = dst, port
        self.tcp, self.udp = [], []
        for i in range(n_tcp):
            s = socket.create_connection((dst, port), timeout=20)
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.tcp.append([s, b""])
        for i in range(n_udp):
            s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
            s.connect((dst, port))
            s.setblocking(False)
            self.udp.append(s)

    def round(self, name, limit=40.0):
        """Every flow once: TCP lines in parallel, UDP datagrams resent every 0.5 s until answered."""
        res = {"tcp": [None] * len(self.tcp), "udp": [None] * len(self.udp)}
        deadline = time.time() + limit
        sel = selectors.DefaultSelector()
        for i, (s, _) in enumerate(self.tcp):
            try:
                s.setblocking(False)
                s.sendall(f"{name}-t{i}\n".encode())
                sel.register(s, selectors.EVENT_READ, ("t", i))
            except OSError as e:
                res["tcp"][i] = {"error": str(e)}
        sent = {}
        for i, s in enumerate(self.udp):
            sel.register(s, selectors.EVENT_READ, ("u", i))
        while time.time() < deadline:
            now = time.time()
            for i, s in enumerate(self.udp):
                if res["udp"][i] is None and now - sent.get(i, 0) >= 0.5:
                    try:
                        s.send(f"{name}-u{i}".encode())
                    except OSError:
                        pass
                    sent[i] = now
            if all(r is not None for r in res["tcp"]) and all(r is not None for r in res["udp"]):
                break
            for key, _ in sel.select(timeout=0.1):
                kind, i = key.data
                s = key.fileobj
                try:
                    data = s.recv(4096)
                except OSError as e:
                    if kind == "t":
                        res["tcp"][i] = {"error": str(e)}
                        sel.unregister(s)
                    continue
                if kind == "t":
                    if not data:
                        res["tcp"][i] = {"error": "closed by the peer"}
                        sel.unregister(s)
                        continue
                    self.tcp[i][1] += data
                    if b"\n" in self.tcp[i][1]:
                        line, self.tcp[i][1] = self.tcp[i][1].split(b"\n", 1)
                        tag, addr, port = line.decode().split()
                        res["tcp"][i] = {"peer": f"{addr}#{port}"} if tag == f"{name}-t{i}" else {"error": line.decode()}
                        sel.unregister(s)
                else:
                    tag, addr, port = data.decode().split()
                    if tag == f"{name}-u{i}" and res["udp"][i] is None:
                        res["udp"][i] = {"peer": f"{addr}#{port}"}
        for kind in ("tcp", "udp"):
            for i, r in enumerate(res[kind]):
                if r is None:
                    res[kind][i] = {"error": "no answer in %.0f s" % limit}
        sel.close()
        for s, _ in self.tcp:
            s.setblocking(True)
            s.settimeout(20)
        return res


def client(dst, port, n_tcp, n_udp, fifo, outdir):
    flows = Flows(dst, port, n_tcp, n_udp)
    with open(os.path.join(outdir, "ready"), "w") as f:
        f.write("ok\n")
    while True:
        with open(fifo) as f:
            for line in f:
                name = line.strip()
                if name == "quit":
                    return
                if not name:
                    continue
                res = flows.round(name)
                tmp = os.path.join(outdir, name + ".tmp")
                with open(tmp, "w") as out:
                    json.dump(res, out)
                os.rename(tmp, os.path.join(outdir, name + ".json"))


def probe(dst, port, seconds, out):
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.connect((dst, port))
    s.setblocking(False)
    answers = []
    stop = time.time() + seconds
    seq = 0
    next_send = time.time()

    def rx():
        while True:
            try:
                s.recv(2048)
                answers.append(time.time())
            except BlockingIOError:
                return
            except OSError:
                return

    while time.time() < stop:
        now = time.time()
        if now >= next_send:
            try:
                s.send(f"p{seq}".encode())
            except OSError:
                pass
            seq += 1
            next_send += 0.005
        rx()
        time.sleep(0.001)
    time.sleep(0.2)
    rx()
    gap, at = 0.0, 0.0
    for a, b in zip(answers, answers[1:]):
        if b - a > gap:
            gap, at = b - a, a
    with open(out, "w") as f:
        json.dump({"sent": seq, "answers": len(answers), "max_gap_ms": round(gap * 1000, 1), "gap_at": at,
                   "first": answers[0] if answers else 0, "last": answers[-1] if answers else 0}, f)


def main():
    cmd = sys.argv[1]
    if cmd == "server":
        server(sys.argv[2], int(sys.argv[3]))
    elif cmd == "client":
        client(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6], sys.argv[7])
    elif cmd == "probe":
        probe(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), sys.argv[5])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    threading.stack_size(1 << 20)
    main()
