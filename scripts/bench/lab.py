# SPDX-License-Identifier: BSD-3-Clause
"""The lab part of the benchmark (bench.py, scripts/bench.sh; doc/performance.md "Lab").

scripts/lab.sh namespaces, under flock /tmp/xlat64-lab.lock: x64-h6 (2001:db8:6::2)
- x64-box - x64-h4 (198.51.100.2) on veth pairs, the hosts with the kernel's
defaults (offloads on: TSO/GSO, checksum offload), as users have them. In one
run, one after the other on fresh namespaces:
  xlat64d with net_af_packet ports on p6/p4 (--lab-ports af_packet),
  xlat64d with net_af_xdp ports on p6/p4 (--lab-ports af_xdp),
  TAYGA (the kernel routing p6/p4 to its tun device),
each translator on CPU 1, generators, iperf3 and sinks on CPU 0:
  small UDP both ways (pcapreplay.c from the sending host towards a sink address:
  delivered = the far veth's rx_packets over the sending time) and one TCP
  stream each way (iperf3).
Capacity, the figure per CPU-second: xlat64d's packets per busy second
(XLAT_BUSY_CYCLES: a polling worker's CPU share is always ~1), or per second of
its CPU time where that is less (a core shared with other work), TAYGA's
delivered packets per second of its CPU time. The load average is kept with each
translator's figures: the machine may be shared.
"""
import fcntl
import json
import os
import re
import subprocess
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
LAB_SH = os.path.join(ROOT, "scripts", "lab.sh")
LOCK = "/tmp/xlat64-lab.lock"
PORTS = ("af_packet", "af_xdp")
NS_BOX, NS_H6, NS_H4 = "x64-box", "x64-h6", "x64-h4"
MAC_H6, MAC_H4 = "02:00:00:00:01:06", "02:00:00:00:01:04"
DROPS = ("rx-missed", "rx-errors", "tx-errors", "rx-nombuf")
# What a host's offloads are, as ethtool -k shows them ("on", "off [requested on]", ...)
OFFLOADS = ("tx-checksumming", "tcp-segmentation-offload", "tx-tcp-segmentation", "tx-tcp6-segmentation",
            "generic-segmentation-offload", "generic-receive-offload")


def log(msg):
    print(msg, flush=True)


def loadavg():
    with open("/proc/loadavg") as f:
        return [float(x) for x in f.read().split()[:3]]


def ports_arg(s):
    """--lab-ports: af_packet,af_xdp (the default), or one of them."""
    ports = [p for p in s.split(",") if p]
    bad = [p for p in ports if p not in PORTS]
    if bad or not ports:
        raise ValueError("--lab-ports: af_packet and/or af_xdp, not %s" % s)
    return ports


class Lab:
    def __init__(self, bench, cpu_fwd, cpu_aux, thread_ticks, busiest_share):
        """bench: bench.py's Bench (work dir, pcaps, daemon runs, counters); the CPUs of the translator and of
        everything else; bench.py's per-thread CPU time sampler and busiest-thread share."""
        self.b = bench
        self.a = bench.a
        self.fwd, self.aux = cpu_fwd, cpu_aux
        self.ticks, self.share = thread_ticks, busiest_share

    def run(self):
        lockf = open(LOCK, "a")
        log("== lab (xlat64d on %s, TAYGA), waiting for %s" % (" and ".join(self.a.lab_ports), LOCK))
        fcntl.flock(lockf, fcntl.LOCK_EX)
        try:
            self._locked()
        finally:
            subprocess.run([LAB_SH, "down"], capture_output=True)
            fcntl.flock(lockf, fcntl.LOCK_UN)
            lockf.close()

    def _locked(self):
        exe = self._replayer()
        log("translator: CPU %s; generators, iperf3 and sinks: CPU %s; %d s per figure" % (
            self.fwd, self.aux, self.a.lab_duration))
        sock = os.path.join(self.b.work, "run", "lab-%d.sock" % os.getpid())
        for ports in self.a.lab_ports:
            name = "xlat64d %s" % ports
            subprocess.run([LAB_SH, "up"], check=True, capture_output=True)  # fresh namespaces for each
            try:
                self.b.run_daemon(self._config(sock, ports), "lab-xlat64d-" + ports, ns=NS_BOX,
                                  measure=lambda s, n=name, p=ports: self._measure(n, exe, self.b.cur_pid, s, p))
            except RuntimeError as e:
                log("%s lab run failed: %s" % (name, e))
                self.b.results["lab"].append({"translator": name, "ports": ports, "error": str(e)})
        if subprocess.run(["which", "tayga"], capture_output=True).returncode != 0:
            log("tayga: skipped: not installed (apt-get install tayga)")
            self.b.results["skipped"].append("lab tayga: not installed")
            return
        subprocess.run([LAB_SH, "up"], check=True, capture_output=True)
        datadir = os.path.join(self.b.work, "run", "tayga")
        os.makedirs(datadir, exist_ok=True)
        conf = os.path.join(self.b.work, "run", "tayga.conf")
        self._tayga_setup(conf, datadir)
        p = subprocess.Popen(["ip", "netns", "exec", NS_BOX, "taskset", "-c", self.fwd, "tayga", "-d", "-c", conf],
                             stdout=open(os.path.join(self.b.work, "run", "tayga.log"), "w"),
                             stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        try:
            time.sleep(1)
            if p.poll() is not None:
                raise RuntimeError("tayga exited (%d)" % p.returncode)
            self._measure("tayga", exe, p.pid)
        except RuntimeError as e:
            log("tayga lab run failed: %s" % e)
            self.b.results["lab"].append({"translator": "tayga", "error": str(e)})
        finally:
            self.b._stop(p, 10)

    # ------------------------------------------------------------------ the translators
    def _config(self, sock, ports):
        """xlat64d's SIIT config on p6/p4. af_packet: the daemon's own ring (64 KiB frames, hosts' TSO
        super-frames taken whole, dataplane/port.c); af_xdp: one queue (a veth shows no combined channels).
        Nothing is changed on the box's veths for af_xdp: the PMD's program attaches in native mode (veth's
        own XDP) and 1500 is within the MTU that takes; the kernel itself then turns TSO off on the hosts'
        ends (their GSO cuts instead), which the report shows as "off [fixed]"."""
        dev = "net_af_xdp%d,iface=%s" if ports == "af_xdp" else "net_af_packet%d,iface=%s"
        return {
            "mode": "siit",
            "eal": ["-l", self.fwd] + self.b.eal_mem(512) + ["--no-shconf", "--no-pci",
                    "--file-prefix", "xbenchlab%d" % os.getpid(), "--log-level", "lib.eal:error"],
            "ports": [
                {"name": "v6", "device": dev % (0, "p6"), "mtu": 1500, "addresses": ["2001:db8:6::1/64"],
                 "neighbors": [{"address": "2001:db8:6::2", "mac": MAC_H6},
                               {"address": "2001:db8:6::3", "mac": MAC_H6}]},
                {"name": "v4", "device": dev % (1, "p4"), "mtu": 1500, "addresses": ["198.51.100.1/24"],
                 "neighbors": [{"address": "198.51.100.2", "mac": MAC_H4},
                               {"address": "198.51.100.3", "mac": MAC_H4}]},
            ],
            "routes": [],
            "control": {"socket": sock},
            "dataplane": {"idle-sleep-us": 0, "exception-path": False},
            "global": {"pool6": "2001:db8:64::/96", "lowest-ipv6-mtu": 1280},
            "eamt": [{"ipv6 prefix": "2001:db8:6::2/128", "ipv4 prefix": "192.0.2.2/32"},
                     {"ipv6 prefix": "2001:db8:6::3/128", "ipv4 prefix": "192.0.2.3/32"}],
        }

    def _tayga_setup(self, conf, datadir):
        def box(*cmd):
            subprocess.run(["ip", "netns", "exec", NS_BOX] + list(cmd), check=True, capture_output=True)
        with open(conf, "w") as f:
            f.write("tun-device nat64\nipv4-addr 192.0.2.1\n"
                    "prefix 2001:db8:64::/96\ndata-dir %s\n"
                    "map 192.0.2.2 2001:db8:6::2\nmap 192.0.2.3 2001:db8:6::3\n" % datadir)
        # The kernel routes for TAYGA: addresses on the box's p6/p4, forwarding, the tun device.
        box("sysctl", "-qw", "net.ipv6.conf.p6.disable_ipv6=0", "net.ipv4.conf.p4.arp_ignore=0",
            "net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1")
        box("ip", "addr", "add", "2001:db8:6::1/64", "dev", "p6", "nodad")
        box("ip", "addr", "add", "198.51.100.1/24", "dev", "p4")
        box("ip", "-6", "neigh", "replace", "2001:db8:6::3", "lladdr", MAC_H6, "dev", "p6", "nud", "permanent")
        box("ip", "neigh", "replace", "198.51.100.3", "lladdr", MAC_H4, "dev", "p4", "nud", "permanent")
        box("tayga", "-c", conf, "--mktun")
        box("ip", "link", "set", "nat64", "up")
        box("ip", "route", "add", "192.0.2.0/24", "dev", "nat64")
        box("ip", "-6", "route", "add", "2001:db8:64::/96", "dev", "nat64")

    # ------------------------------------------------------------------ what the lab looks like
    @staticmethod
    def _offloads(ns, dev):
        """The host's offloads as ethtool -k shows them while the translator runs (the kernel itself turns a
        veth's GSO off while its peer has an XDP program: "off [requested on]")."""
        out = subprocess.run(["ip", "netns", "exec", ns, "ethtool", "-k", dev], capture_output=True,
                             text=True).stdout
        got = dict(ln.strip().split(": ", 1) for ln in out.splitlines() if ": " in ln)
        return {k: got.get(k, "?") for k in OFFLOADS}

    @staticmethod
    def _xdp_mode(dev):
        """Which XDP mode the box's port has (af_xdp): ip link's "xdp" (native), "xdpgeneric", or none."""
        out = subprocess.run(["ip", "-n", NS_BOX, "-d", "link", "show", dev], capture_output=True, text=True).stdout
        m = re.search(r"\b(xdpgeneric|xdpdrv|xdpoffload|xdp)\b", out)
        return {"xdp": "native", "xdpdrv": "native", "xdpgeneric": "generic"}.get(m.group(1), m.group(1)) if m \
            else "none"

    def _replayer(self):
        exe = os.path.join(self.b.work, "pcapreplay")
        src = os.path.join(HERE, "pcapreplay.c")
        if not os.path.exists(exe) or os.path.getmtime(exe) < os.path.getmtime(src):
            subprocess.run(["gcc", "-O2", "-Wall", "-o", exe, src], check=True)
        return exe

    @staticmethod
    def _rx_packets(ns, dev):
        out = subprocess.run(["ip", "netns", "exec", ns, "cat", "/sys/class/net/%s/statistics/rx_packets" % dev],
                             capture_output=True, text=True, check=True).stdout
        return int(out)

    def _port_drops(self, sock):
        """{port: {rx-missed, rx-errors, tx-errors, rx-nombuf}} as the daemon's ports command reads them from
        the PMDs: what was lost before the worker saw it (a full socket ring) or on the way out."""
        if not sock:
            return None
        try:
            ports = self.b.ctl_req(sock, {"command": "ports"}).get("ports", [])
        except (OSError, ValueError):
            return None
        return {p["name"]: {k: p.get(k, 0) for k in DROPS} for p in ports}

    @staticmethod
    def _link_drops():
        """The veths' own drop counts (kernel): a sender's tx_dropped (its peer's queue full: with XDP on the
        peer, veth's ring towards it), the box's rx_dropped (the backlog, a full af_packet ring)."""
        out = {}
        for ns, devs in ((NS_H6, ("eth0",)), (NS_H4, ("eth0",)), (NS_BOX, ("p6", "p4"))):
            files = ["/sys/class/net/%s/statistics/%s" % (d, k) for d in devs for k in ("rx_dropped", "tx_dropped")]
            got = subprocess.run(["ip", "netns", "exec", ns, "cat"] + files, capture_output=True, text=True).stdout
            for f, v in zip(files, got.split()):
                out["%s %s %s" % (ns, f.split("/")[4], f.split("/")[6])] = int(v)
        return {"link": out}

    @staticmethod
    def _drops_delta(p0, p1):
        if p0 is None or p1 is None:
            return None
        return {n: {k: v - p0.get(n, {}).get(k, 0) for k, v in c.items() if v - p0.get(n, {}).get(k, 0)}
                for n, c in p1.items()}

    # ------------------------------------------------------------------ the figures
    def _udp(self, direction, exe, pid, sock=None):
        b = self.b
        pcap = b.pcap("lab", direction, 256)
        src_ns, dst_ns = (NS_H6, NS_H4) if direction == "64" else (NS_H4, NS_H6)
        r0 = self._rx_packets(dst_ns, "eth0")
        c0 = b.sample(sock)[1] if sock else None
        k0 = (time.monotonic(), self.ticks(pid))
        out = subprocess.run(["ip", "netns", "exec", src_ns, "taskset", "-c", self.aux, exe, "eth0", pcap,
                              str(self.a.lab_duration)], capture_output=True, text=True,
                             timeout=self.a.lab_duration + 30)
        share = self.share(k0[0], k0[1], time.monotonic(), self.ticks(pid))
        time.sleep(0.3)
        r1 = self._rx_packets(dst_ns, "eth0")
        m = re.search(r"sent (\d+) packets in ([0-9.]+) seconds", out.stdout)
        if not m:
            raise RuntimeError("pcapreplay: %s %s" % (out.stdout, out.stderr))
        sent, secs = int(m.group(1)), float(m.group(2))
        res = {"offered_pps": sent / secs, "pps": (r1 - r0) / secs, "loss": 1 - (r1 - r0) / sent if sent else None,
               "translator_cpu": share}
        cpu_s = self._cpu_seconds(res, secs, share, c0, b.sample(sock)[1] if sock else None)
        tx = res.pop("_tx", None)
        if tx and cpu_s:
            # xlat64d: packets translated per CPU-second (when the generator is the limit, its capacity)
            res["cycles_per_pkt"] = cpu_s * b.hz / tx
            res["capacity_pps"] = tx / cpu_s
        elif cpu_s and not sock:
            # a kernel translator: what it delivered per second of its CPU time
            res["capacity_pps"] = res["pps"] * secs / cpu_s
        return res

    def _cpu_seconds(self, res, secs, share, c0, c1):
        """The translator's CPU seconds over a figure (None: unknown); res gets busy_share and capacity_basis.
        xlat64d polls (its CPU share is ~1 on a core of its own): its load is XLAT_BUSY_CYCLES, the TSC cycles
        of the rounds that found work. Both busy time (wall clock: it counts time the thread was preempted in a
        busy round) and the thread's CPU time (it counts idle polling) are at least the CPU time the packets
        took, so the smaller of the two is the tighter bound: busy time on a core of its own, CPU time when
        other work shares the core. TAYGA (c0 None): its thread's CPU time."""
        cpu_s = share * secs if share else None
        if c0 is None or c1 is None:
            return cpu_s
        busy = c1.get("XLAT_BUSY_CYCLES", 0) - c0.get("XLAT_BUSY_CYCLES", 0)
        res["_tx"] = c1.get("XLAT_TX", 0) - c0.get("XLAT_TX", 0)
        if not busy:
            return cpu_s
        busy_s = busy / self.b.hz
        res["busy_share"] = busy_s / secs
        res["capacity_basis"] = "busy" if cpu_s is None or busy_s <= cpu_s else "cpu"
        return busy_s if cpu_s is None else min(busy_s, cpu_s)

    def _tcp(self, direction, pid, sock=None):
        if direction == "64":
            srv_ns, cli_ns, target, bind = NS_H4, NS_H6, "2001:db8:64::198.51.100.2", "198.51.100.2"
        else:
            srv_ns, cli_ns, target, bind = NS_H6, NS_H4, "192.0.2.2", "2001:db8:6::2"
        srv = subprocess.Popen(["ip", "netns", "exec", srv_ns, "taskset", "-c", self.aux, "timeout", "60",
                                "iperf3", "-s", "-1", "-B", bind, "-p", "5299"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for _ in range(100):
                ss = subprocess.run(["ip", "netns", "exec", srv_ns, "ss", "-Hltn", "sport = :5299"],
                                    capture_output=True, text=True).stdout
                if ss.strip():
                    break
                time.sleep(0.1)
            c0 = self.b.sample(sock)[1] if sock else None
            k0 = (time.monotonic(), self.ticks(pid))
            out = subprocess.run(["ip", "netns", "exec", cli_ns, "taskset", "-c", self.aux, "iperf3", "-c", target,
                                  "-p", "5299", "-t", str(self.a.lab_duration), "-J"],
                                 capture_output=True, text=True, timeout=self.a.lab_duration + 30)
            t1 = time.monotonic()
            share = self.share(k0[0], k0[1], t1, self.ticks(pid))
            j = json.loads(out.stdout)
            if "error" in j:
                raise RuntimeError("iperf3: %s" % j["error"])
            res = {"gbps": j["end"]["sum_received"]["bits_per_second"] / 1e9,
                   "retransmits": j["end"]["sum_sent"].get("retransmits"), "translator_cpu": share}
            # Gbit/s per CPU-second of the translator, over the whole iperf3 run (its start and end included)
            cpu_s = self._cpu_seconds(res, t1 - k0[0], share, c0, self.b.sample(sock)[1] if sock else None)
            res.pop("_tx", None)
            if cpu_s:
                res["gbps_per_cpu_s"] = res["gbps"] * j["end"]["sum_received"]["seconds"] / cpu_s
            return res
        finally:
            self.b._stop(srv, 5)

    def _measure(self, translator, exe, pid, sock=None, ports=None):
        res = {"translator": translator, "load_start": loadavg(),
               "offloads": {"x64-h6 eth0": self._offloads(NS_H6, "eth0"),
                            "x64-h4 eth0": self._offloads(NS_H4, "eth0")}}
        if ports:
            res["ports"] = ports
        if ports == "af_xdp":
            res["xdp_mode"] = {p: self._xdp_mode(p) for p in ("p6", "p4")}
        c0 = self.b.sample(sock)[1] if sock else None
        for d in ("64", "46"):
            drops = lambda: dict(self._port_drops(sock) or {}, **self._link_drops())  # noqa: E731
            p0 = drops()
            try:
                res["udp" + d] = self._udp(d, exe, pid, sock)
            except (RuntimeError, subprocess.SubprocessError, OSError) as e:
                res["udp" + d] = {"error": str(e)}
            p1 = drops()
            try:
                res["tcp" + d] = self._tcp(d, pid, sock)
            except (RuntimeError, subprocess.SubprocessError, OSError, ValueError, KeyError) as e:
                res["tcp" + d] = {"error": str(e)}
            p2 = drops()
            res["udp" + d]["drops"] = self._drops_delta(p0, p1)
            res["tcp" + d]["drops"] = self._drops_delta(p1, p2)
        if sock:
            # what else the daemon counted over the four figures: drops, super-frames cut, refused
            c1 = self.b.sample(sock)[1]
            res["counters"] = {k: c1[k] - c0.get(k, 0) for k in sorted(c1) if c1[k] != c0.get(k, 0)
                               and "IN_USE" not in k and k != "XLAT_BUSY_CYCLES"}
        res["load_end"] = loadavg()
        self.b.results["lab"].append(res)
        fmt = lambda r, k, s: ("%.3f" % (r[k] / s)) if r.get(k) is not None else r.get("error", "?")[:60]  # noqa: E731
        log("%-17s udp 6->4 %s Mpps (offered %s, translator CPU %s, capacity %s Mpps per CPU-s), udp 4->6 %s Mpps "
            "(offered %s, CPU %s, capacity %s), tcp 6->4 %s Gbit/s, tcp 4->6 %s Gbit/s; load %s" % (
                translator, fmt(res["udp64"], "pps", 1e6), fmt(res["udp64"], "offered_pps", 1e6),
                fmt(res["udp64"], "translator_cpu", 0.01), fmt(res["udp64"], "capacity_pps", 1e6),
                fmt(res["udp46"], "pps", 1e6), fmt(res["udp46"], "offered_pps", 1e6),
                fmt(res["udp46"], "translator_cpu", 0.01), fmt(res["udp46"], "capacity_pps", 1e6),
                fmt(res["tcp64"], "gbps", 1), fmt(res["tcp46"], "gbps", 1), res["load_start"]))
        return res


# ---------------------------------------------------------------------- the report
def _cell(x, k, unit):
    v = x.get(k, {})
    if not v:
        return "-"
    if "error" in v:
        return "error: " + v["error"][:60]
    if unit == "pps":
        return "%.3f (%.3f, %.0f%%)" % (v["pps"] / 1e6, v["offered_pps"] / 1e6, 100 * (v.get("translator_cpu") or 0))
    return "%.2f (%s)" % (v["gbps"], "%.2f" % v["gbps_per_cpu_s"] if v.get("gbps_per_cpu_s") else "-")


def _cap(x, k):
    v = x.get(k, {})
    return v.get("capacity_pps") if isinstance(v, dict) else None


def _ratio(a, b):
    return "%.1fx" % (a / b) if a and b else "-"


def markdown(r):
    """The lab table of a run's results (bench.py's report), with each xlat64d row against TAYGA's."""
    lab = r["lab"]
    if not lab:
        return []
    lines = ["| translator | UDP 6->4 Mpps (offered, translator CPU) | UDP 4->6 Mpps (offered, CPU) | "
             "UDP capacity 6->4 / 4->6, Mpps per CPU-second | TCP 6->4 Gbit/s (per CPU-second) | "
             "TCP 4->6 Gbit/s (per CPU-second) | load |",
             "|---|---:|---:|---:|---:|---:|---|"]
    for x in lab:
        if "error" in x:
            lines.append("| %s | error: %s | | | | | |" % (x["translator"], x["error"][:80]))
            continue
        cap = " / ".join("%.3f" % (_cap(x, k) / 1e6) if _cap(x, k) else "-" for k in ("udp64", "udp46"))
        lines.append("| %s | %s | %s | %s | %s | %s | %s |" % (
            x["translator"], _cell(x, "udp64", "pps"), _cell(x, "udp46", "pps"), cap, _cell(x, "tcp64", "g"),
            _cell(x, "tcp46", "g"), " ".join("%.2f" % v for v in x.get("load_start", []))))
    tayga = next((x for x in lab if x["translator"] == "tayga" and "error" not in x), None)
    for x in lab:
        if tayga is None or x is tayga or "error" in x:
            continue
        g = lambda y, k, f: y.get(k, {}).get(f) if isinstance(y.get(k), dict) else None  # noqa: E731
        lines.append("| %s / TAYGA | %s | %s | %s / %s | %s | %s | |" % (
            x["translator"], _ratio(g(x, "udp64", "pps"), g(tayga, "udp64", "pps")),
            _ratio(g(x, "udp46", "pps"), g(tayga, "udp46", "pps")),
            _ratio(_cap(x, "udp64"), _cap(tayga, "udp64")), _ratio(_cap(x, "udp46"), _cap(tayga, "udp46")),
            "%s (%s)" % (_ratio(g(x, "tcp64", "gbps"), g(tayga, "tcp64", "gbps")),
                         _ratio(g(x, "tcp64", "gbps_per_cpu_s"), g(tayga, "tcp64", "gbps_per_cpu_s"))),
            "%s (%s)" % (_ratio(g(x, "tcp46", "gbps"), g(tayga, "tcp46", "gbps")),
                         _ratio(g(x, "tcp46", "gbps_per_cpu_s"), g(tayga, "tcp46", "gbps_per_cpu_s")))))
    lines += ["", "UDP capacity: xlat64d's packets per second of busy time (XLAT_BUSY_CYCLES, the TSC cycles of "
              "its poll rounds that found work), or of its polling thread's CPU time where that is less (other "
              "work on its core); TAYGA's delivered rate per second of its CPU time. TCP per CPU-second: the same "
              "time base over the iperf3 run. load: the 1/5/15-minute load average when the translator's figures "
              "began.", ""]
    for x in lab:
        if "offloads" in x:
            hosts = "; ".join("%s: %s" % (h, ", ".join("%s %s" % kv for kv in o.items()))
                              for h, o in x["offloads"].items())
            lines.append("* %s: %s%s" % (x["translator"], hosts, "; XDP on the box's p6/p4: %s" % "/".join(
                x["xdp_mode"].values()) if x.get("xdp_mode") else ""))
        drops = ["%s: %s" % (k, ", ".join("%s %s %d" % (port, what, n) for port, c in x[k]["drops"].items()
                                            for what, n in c.items()))
                 for k in ("udp64", "udp46", "tcp64", "tcp46")
                 if isinstance(x.get(k), dict) and x[k].get("drops") and any(x[k]["drops"].values())]
        if drops:
            lines.append("* %s drops (the PMDs' counts by port, the veths' as link): %s" % (
                x["translator"], "; ".join(drops)))
        if x.get("counters"):
            c = x["counters"]
            keep = {k: v for k, v in c.items() if any(s in k for s in ("DROP", "GSO", "TRUNC", "ERR", "CSUM"))}
            if keep:
                lines.append("* %s counters: %s" % (x["translator"], ", ".join("%s %d" % kv for kv in keep.items())))
    lines.append("")
    return lines
