#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Helpers for the e2e suite.

ctl.py request SOCKET COMMAND [SECONDS]
                                     send {"command": COMMAND} (or COMMAND itself, a JSON request) on the
                                     control socket, print the reply; status 1 unless "ok": true
ctl.py counters FILE                 print "NAME VALUE" lines from a stats reply / --stats-out file
ctl.py get FILE NAME [NAME...]       print the sum of the named counters in FILE (0 when absent)
ctl.py mkconfig IN OUT KEY=VALUE...  write a copy of config IN with changes:
       socket=PATH   control socket path
       mtu.PORT=N    MTU of port PORT ("v6"/"v4")
       noneigh=1     drop static neighbours from every port
       nohuge=1      run without hugepages (--no-huge --no-shconf instead of --in-memory), with -m at
                     least NOHUGE_MIN_MB: without hugepages -m is all the memory DPDK gets, not a first
                     reservation it may grow from
       route=PREFIX,VIA,PORT   add a static route
       ports=af_xdp  the lab's ports as net_af_xdp instead of net_af_packet, with one worker: DPDK
                     22.11's af_xdp PMD reads a veth's queues as one (veths report separate rx and
                     tx channels, no combined ones), and every worker needs a queue on every port
"""
import json
import socket
import sys

# What the lab's configs need without hugepages, where -m caps DPDK's memory: two copies of the routing
# tables at the default dataplane.max-kernel-routes (~160 MB: doc/operations.md), the ports' mbufs and, for
# NAT64, two workers' tables. (With hugepages DPDK allocates past -m as it needs to.)
NOHUGE_MIN_MB = 512


def call(path, req, timeout=3):
    """One request (a dict, or its JSON text) on the control socket at path: the reply, decoded."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.connect(path)
    s.sendall((req if isinstance(req, str) else json.dumps(req)).encode() + b"\n")
    buf = b""
    while not buf.endswith(b"\n"):
        chunk = s.recv(1 << 20)
        if not chunk:
            break
        buf += chunk
    s.close()
    return json.loads(buf)


def request(path, command, timeout=3):
    reply = call(path, command if command.lstrip().startswith("{") else {"command": command}, timeout)
    print(json.dumps(reply))
    return 0 if reply.get("ok") else 1


def load_counters(path):
    with open(path) as f:
        d = json.load(f)
    if isinstance(d, dict) and isinstance(d.get("counters"), dict):
        d = d["counters"]
    if isinstance(d, dict) and isinstance(d.get("stats"), dict):
        d = d["stats"]
    if isinstance(d, list):  # [{"name": .., "value": ..}]
        d = {e.get("name"): e.get("value", 0) for e in d}
    return {k: int(v) for k, v in d.items() if isinstance(v, (int, float))}


def mkconfig(src, dst, changes):
    with open(src) as f:
        cfg = json.load(f)
    for ch in changes:
        key, _, val = ch.partition("=")
        if key == "socket":
            cfg.setdefault("control", {})["socket"] = val
        elif key.startswith("mtu."):
            for p in cfg["ports"]:
                if p["name"] == key[4:]:
                    p["mtu"] = int(val)
        elif key.startswith("dataplane."):  # dataplane.KEY=JSON
            cfg.setdefault("dataplane", {})[key[len("dataplane."):]] = json.loads(val)
        elif key == "keyfile":
            cfg["sync"]["key-file"] = val
        elif key == "noneigh":
            for p in cfg["ports"]:
                p.pop("neighbors", None)
        elif key == "nohuge":
            # DPDK 22.11: --no-huge implies --legacy-mem, which --in-memory refuses;
            # --no-shconf keeps instances from sharing /var/run/dpdk/rte instead.
            eal = [a for a in cfg["eal"] if a != "--in-memory"]
            for a in ("--no-huge", "--no-shconf"):
                if a not in eal:
                    eal.append(a)
            if "-m" not in eal:
                eal += ["-m", str(NOHUGE_MIN_MB)]
            elif int(eal[eal.index("-m") + 1]) < NOHUGE_MIN_MB:
                eal[eal.index("-m") + 1] = str(NOHUGE_MIN_MB)
            cfg["eal"] = eal
        elif key == "route":
            prefix, via, port = val.split(",")
            cfg.setdefault("routes", []).append({"prefix": prefix, "via": via, "port": port})
        elif key == "ports" and val == "af_packet":
            pass
        elif key == "ports" and val == "af_xdp":
            for p in cfg["ports"]:
                if "device" in p:  # VLAN sub-interfaces have none: their parent's carries them
                    p["device"] = p["device"].replace("net_af_packet", "net_af_xdp")
            eal = cfg["eal"]
            if "-l" in eal:
                eal[eal.index("-l") + 1] = eal[eal.index("-l") + 1].split(",")[0].split("-")[0]
        else:
            raise SystemExit(f"mkconfig: unknown change {ch}")
    with open(dst, "w") as f:
        json.dump(cfg, f, indent=2)
        f.write("\n")


def main():
    a = sys.argv[1:]
    if len(a) in (3, 4) and a[0] == "request":
        sys.exit(request(a[1], a[2], float(a[3]) if len(a) == 4 else 3))
    if len(a) == 2 and a[0] == "counters":
        for k, v in sorted(load_counters(a[1]).items()):
            print(k, v)
        return
    if len(a) >= 3 and a[0] == "get":
        c = load_counters(a[1])
        print(sum(c.get(n, 0) for n in a[2:]))
        return
    if len(a) >= 3 and a[0] == "mkconfig":
        mkconfig(a[1], a[2], a[3:])
        return
    print(__doc__, file=sys.stderr)
    sys.exit(2)


if __name__ == "__main__":
    main()
