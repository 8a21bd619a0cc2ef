#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""
Live replay of a graybox row, for the rows that a pcap replay cannot give what they need:

  * inputs on both ports in a given order, with time between them (so-success: the IPv4 SYN must be
    stored before the IPv6 SYN arrives);
  * a reacting peer (issue132: n4 is a Linux router without a route to 203.0.113.0/24 and answers the
    translated packet with ICMPv4 3/0, which the translator turns into the expected ICMPv6 error);
  * a kernel behind the translator's exception path (bibless: UDP to the box's address outside pool4
    belongs to the host, whose kernel answers ICMPv4 3/3).

The topology is upstream's (the vectors' README): three private network namespaces joined by two veth
pairs, j (xlat64d on net_af_packet ports p6/p4, exception path on, so its TAPs and their kernel live in
j) and the peers n6/n4 (Linux, with the README's addresses; n4 forwards IPv4). An agent in each peer
(this file, "agent" mode) injects the row's inputs on its veth and captures what arrives there; the
runner judges the capture of the peer that faces `expect_at` like a pcap replay.

Namespace names start with "xconf<pid>-<case>": they are this run's own, removed at the end.
  live.py agent IFACE OUT.pcap   (run inside a namespace): stdin "send HEX" / "stop"; writes OUT.pcap
"""

import json
import os
import select
import socket
import struct
import subprocess
import sys
import threading
import time

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4
GAP_S = 0.3     # between two inputs: upstream sends one, waits, sends the next
TAIL_S = 1.0    # after the last input, for the answers (a peer's ICMP error comes back within ms)
READY_S = 45    # for xlat64d to start (READY=1: ports and exception-path TAPs up)


# ------------------------------------------------------------------ agent ---
def agent(iface, out_path):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.bind((iface, 0))
    frames, stop = [], threading.Event()

    def rx():
        while not stop.is_set():
            r, _, _ = select.select([s], [], [], 0.05)
            if not r:
                continue
            data, addr = s.recvfrom(65535)
            if addr[2] != PACKET_OUTGOING:  # what the translator sent, not our own injections
                frames.append(data)

    t = threading.Thread(target=rx, daemon=True)
    t.start()
    print("ready", flush=True)
    for line in sys.stdin:
        cmd, _, arg = line.strip().partition(" ")
        if cmd == "send":
            s.send(bytes.fromhex(arg))
            print("sent", flush=True)
        elif cmd == "stop":
            break
    time.sleep(0.05)
    stop.set()
    t.join()
    with open(out_path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i, fr in enumerate(frames):
            f.write(struct.pack("<IIII", 1, i, len(fr), len(fr)))
            f.write(fr)
    return 0


class Agent:
    def __init__(self, ns, iface, out_path):
        self.out = out_path
        self.p = subprocess.Popen(["ip", "netns", "exec", ns, sys.executable, os.path.abspath(__file__), "agent",
                                   iface, out_path], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, text=True)
        self._expect("ready")

    def _expect(self, word):
        r, _, _ = select.select([self.p.stdout], [], [], 30)  # a loaded machine starts python slowly
        line = self.p.stdout.readline() if r else ""
        if line.strip() != word:
            raise RuntimeError("live agent: expected %r, got %r" % (word, line))

    def send(self, frame):
        self.p.stdin.write("send %s\n" % frame.hex())
        self.p.stdin.flush()
        self._expect("sent")

    def stop(self):
        try:
            self.p.stdin.write("stop\n")
            self.p.stdin.flush()
            self.p.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            self.p.kill()
            self.p.wait()


# --------------------------------------------------------------- topology ---
def sh(*cmd):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if r.returncode != 0:
        raise RuntimeError("%s: %s" % (" ".join(cmd), r.stdout.strip()))


def available():
    """None when live rows can run here, else why not."""
    if os.geteuid() != 0:
        return "live replay needs root (network namespaces)"
    if subprocess.run(["ip", "netns", "list"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode:
        return "live replay needs ip(8) with netns support"
    if not os.path.exists("/dev/net/tun"):
        return "live replay needs /dev/net/tun (exception-path TAPs)"
    return None


class Topology:
    """j, n6, n4 as in the vectors' README; j's veth ends carry our port MACs, the peers' the neighbours'."""

    def __init__(self, tag, base, macs):
        self.j, self.n6, self.n4 = tag + "j", tag + "n6", tag + "n4"
        self.made = []
        try:
            for ns in (self.j, self.n6, self.n4):
                sh("ip", "netns", "add", ns)
                self.made.append(ns)
                sh("ip", "-n", ns, "link", "set", "lo", "up")
                # static addressing only; ICMP rate limits and offloads stay the kernel's (hosts as they come)
                sh("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.accept_dad=0",
                   "net.ipv6.conf.default.accept_dad=0", "net.ipv6.conf.all.router_solicitations=0",
                   "net.ipv6.conf.default.router_solicitations=0")
            for port, peer, pmac, nmac in (("p6", self.n6, macs["j6"], macs["n6"]),
                                           ("p4", self.n4, macs["j4"], macs["n4"])):
                # room for the largest vectors (2153 bytes); xlat64d sets its own ports' MTU
                sh("ip", "-n", self.j, "link", "add", port, "address", pmac, "mtu", "9000", "type", "veth",
                   "peer", "name", "eth0", "netns", peer, "address", nmac, "mtu", "9000")
                # the translator's kernel stays off the wire: DPDK owns p6/p4 (scripts/lab.sh does the same)
                sh("ip", "netns", "exec", self.j, "sysctl", "-qw", "net.ipv6.conf.%s.disable_ipv6=1" % port,
                   "net.ipv4.conf.%s.arp_ignore=8" % port)
                for ns, ifc in ((self.j, port), (peer, "eth0")):
                    sh("ip", "-n", ns, "link", "set", ifc, "up")
            # n6: the IPv6 host; n4: 192.0.2.5, an IPv4 router with no route to 203.0.113.0/24
            sh("ip", "-n", self.n6, "addr", "add", "%s/%d" % (base["n6"], base["j6len"]), "dev", "eth0", "nodad")
            sh("ip", "-n", self.n6, "neigh", "replace", base["j6"], "lladdr", macs["j6"], "dev", "eth0")
            sh("ip", "-n", self.n4, "addr", "add", "%s/%d" % (base["n4"], base["j4len"]), "dev", "eth0")
            sh("ip", "-n", self.n4, "neigh", "replace", base["j4"], "lladdr", macs["j4"], "dev", "eth0")
            sh("ip", "netns", "exec", self.n4, "sysctl", "-qw", "net.ipv4.ip_forward=1")
            for _ in range(50):
                r = subprocess.run(["ip", "-n", self.j, "-o", "link", "show"], stdout=subprocess.PIPE, text=True)
                if r.stdout.count("LOWER_UP") >= 3:  # lo, p6, p4
                    break
                time.sleep(0.1)
        except Exception:
            self.remove()
            raise

    def remove(self):
        for ns in reversed(self.made):
            r = subprocess.run(["ip", "netns", "pids", ns], stdout=subprocess.PIPE, text=True)
            for pid in r.stdout.split():
                try:
                    os.kill(int(pid), 9)
                except (ProcessLookupError, ValueError):
                    pass
            subprocess.run(["ip", "netns", "del", ns], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.made = []


# -------------------------------------------------------------------- run ---
def run(cfg, work, daemon, daemon_timeout, base, macs, tag, sends):
    """
    Start xlat64d on cfg (af_packet ports p6/p4 in j), inject sends = [(port "v6"|"v4", frame)] in order,
    GAP_S apart, wait TAIL_S, stop. Returns (daemon exit status or None, why not, {port: capture at that
    port's peer (pcap path)}).
    """
    topo = Topology(tag, base, macs)
    daemon_p, agents = None, {}
    try:
        cfg = json.loads(json.dumps(cfg))
        cfg["ports"][0]["device"] = "net_af_packet0,iface=p6"
        cfg["ports"][1]["device"] = "net_af_packet1,iface=p4"
        cfg["control"] = {"socket": os.path.join(work, "ctl.sock")}
        cfg.setdefault("dataplane", {})["exception-path"] = True
        with open(os.path.join(work, "cfg.json"), "w") as f:
            json.dump(cfg, f, indent=1)
        nsock = os.path.join(work, "notify.sock")
        if os.path.exists(nsock):
            os.unlink(nsock)
        ready = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        ready.bind(nsock)
        log = open(os.path.join(work, "daemon.log"), "wb")
        daemon_p = subprocess.Popen(["ip", "netns", "exec", topo.j, "timeout", str(daemon_timeout), daemon,
                                     "--config", os.path.join(work, "cfg.json"), "--stats-out",
                                     os.path.join(work, "stats.json")], stdout=log, stderr=subprocess.STDOUT,
                                    env=dict(os.environ, NOTIFY_SOCKET=nsock), cwd=work)
        t_end = time.time() + READY_S
        up = False
        while time.time() < t_end and daemon_p.poll() is None:
            r, _, _ = select.select([ready], [], [], 0.2)
            if r and b"READY=1" in ready.recv(4096):
                up = True
                break
        ready.close()
        if not up:
            return None, "xlat64d did not signal READY=1 within %d s" % READY_S, {}
        agents = {"v6": Agent(topo.n6, "eth0", os.path.join(work, "cap6.pcap")),
                  "v4": Agent(topo.n4, "eth0", os.path.join(work, "cap4.pcap"))}
        for i, (port, frame) in enumerate(sends):
            if i:
                time.sleep(GAP_S)
            agents[port].send(frame)
        time.sleep(TAIL_S)
        for a in agents.values():
            a.stop()
        daemon_p.terminate()
        rc = daemon_p.wait(timeout=20)
        return rc, "", {p: a.out for p, a in agents.items()}
    finally:
        for a in agents.values():
            if a.p.poll() is None:
                a.p.kill()
                a.p.wait()
        if daemon_p and daemon_p.poll() is None:
            daemon_p.kill()
            daemon_p.wait()
        topo.remove()


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "agent":
        sys.exit(agent(sys.argv[2], sys.argv[3]))
    print(__doc__)
    sys.exit(2)
