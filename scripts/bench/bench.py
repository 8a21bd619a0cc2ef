#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""xlat64 benchmark driver (run through scripts/bench.sh, as root).

DPDK part, one thing at a time, each pinned to CPU 1 (the script and the
control threads live on CPU 0):
  (a) dpdk-testpmd io forwarding, net_pcap (infinite_rx) -> net_null (no-rx=1):
      the I/O ceiling of these ports;
  (b) xlat64d SIIT on the same ports, 6->4 and 4->6, 64-byte-class UDP;
  (c) NAT64 established flows, 6->4 and 4->6 (nat64_established) and (d) NAT64
      session setup, every packet a new BIB entry and session (nat64_new_sessions);
  (e) native forwarding (no translation) of the SIIT pcaps' packets, IPv6 and IPv4;
  each for 1, 1k, 100k and 1M flows (pcaps from genpcap.py, cached).
  xlat64d's rate is the XLAT_TX counter read twice over the control socket;
  testpmd's is the Tx-pps of the null port from --stats-period.
Lab part (lab.py: scripts/lab.sh namespaces, under flock /tmp/xlat64-lab.lock,
  the hosts with the kernel's default offloads): small-UDP packets per second
  both ways and TCP throughput (iperf3) through xlat64d on af_packet and on
  af_xdp ports (--lab-ports) and through TAYGA configured for the same
  translation, translator pinned to CPU 1, generators and sinks to CPU 0.

Multi-core part (--scaling, scaling.py): SIIT with 1, 2, .. workers (--workers,
one rx queue each), the NAT64 handoff's cost (flows owned by the receiving
worker against flows owned by another) and testpmd io with as many cores; it
replaces the one-core DPDK part and the lab in that run.

Writes WORK/results-*.json and .md, and the plot (--plot).

Why ~700 lines: one driver for the parts that share the pcaps, the pinning,
the counters read over the control socket and the report; lab.py, scaling.py,
genpcap.py and cgcount.py are its separable pieces.
"""
import argparse
import datetime
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import time

import lab
import scaling

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))
import ctl as ctlsock  # noqa: E402  (the control socket's client)
PY = "/usr/bin/python3"
CPU_FWD = "1"   # the forwarding core
CPU_AUX = "0"   # everything else
HUGE_NR = "/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages"
MBUF_KB = 5.0   # per mbuf (2176-byte buffer, header, mempool overhead): --no-huge pools need about twice their size in -m

MAC_P6, MAC_P4 = "02:00:00:00:00:06", "02:00:00:00:00:04"
MAC_H6, MAC_H4 = "02:00:00:00:01:06", "02:00:00:00:01:04"


def log(msg):
    print(msg, flush=True)


def human(n):
    return {1: "1", 1000: "1k", 100000: "100k", 1000000: "1M"}.get(n, str(n))


def tsc_hz():
    """The TSC rate the cycle figures are in: the kernel's calibration, else cpu MHz."""
    try:
        out = subprocess.run(["dmesg"], capture_output=True, text=True, timeout=5).stdout
        m = re.findall(r"tsc: Detected ([0-9.]+) MHz", out)
        if m:
            return float(m[-1]) * 1e6
    except (OSError, subprocess.SubprocessError):
        pass
    with open("/proc/cpuinfo") as f:
        m = re.search(r"cpu MHz\s*:\s*([0-9.]+)", f.read())
    return float(m.group(1)) * 1e6 if m else 0.0


def cpu_model():
    with open("/proc/cpuinfo") as f:
        m = re.search(r"model name\s*:\s*(.*)", f.read())
    return m.group(1).strip() if m else "unknown"


def thread_ticks(pid):
    """{tid: utime + stime} of every thread of pid (clock ticks)."""
    out = {}
    try:
        for tid in os.listdir("/proc/%d/task" % pid):
            try:
                with open("/proc/%d/task/%s/stat" % (pid, tid)) as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                out[tid] = int(fields[11]) + int(fields[12])
            except (OSError, IndexError, ValueError):
                pass
    except OSError:
        pass
    return out


def busiest_share(t0, ticks0, t1, ticks1):
    """CPU share the busiest thread (the polling core) got between two thread_ticks() samples:
    below ~0.97 something else ran on the forwarding core and the figure is low."""
    hz = os.sysconf("SC_CLK_TCK")
    best = max((ticks1[t] - ticks0.get(t, 0) for t in ticks1), default=0)
    return best / hz / (t1 - t0) if t1 > t0 else None


class Bench:
    def __init__(self, a):
        self.a = a
        self.build = os.path.abspath(a.build)
        self.xlat64d = os.path.join(self.build, "dataplane", "xlat64d")
        self.work = a.work
        os.makedirs(os.path.join(self.work, "pcap"), exist_ok=True)
        os.makedirs(os.path.join(self.work, "run"), exist_ok=True)
        self.hz = tsc_hz()
        self.huge = getattr(a, "huge", False)
        self.results = {
            "date": datetime.datetime.now().isoformat(timespec="seconds"),
            "host": {"cpu": cpu_model(), "nproc": os.cpu_count(), "tsc_hz": self.hz,
                     "kernel": os.uname().release},
            # cgcount.py and sync_cost.py make a Bench of their own arguments: no lab, no hugepages (valgrind)
            "params": {"duration_s": a.duration, "warmup_s": a.warmup, "flows": a.flows, "repeat": a.repeat,
                       "huge": self.huge, "lab_duration_s": getattr(a, "lab_duration", None),
                       "lab_ports": getattr(a, "lab_ports", None)},
            "loadavg_start": open("/proc/loadavg").read().split()[:3],
            "dpdk": [], "lab": [], "scaling": [], "skipped": [],
        }
        self.seq = 0
        self.cur_pid = None

    # ------------------------------------------------------------------ traffic
    def pcap(self, profile, direction, flows, portmap=None):
        path = os.path.join(self.work, "pcap", "%s-%s-%d.pcap" % (profile, direction, flows))
        gen = os.path.join(HERE, "genpcap.py")
        # regenerate when the generator changed since (or always, for a port map read from a daemon)
        if portmap or not os.path.exists(path) or os.path.getmtime(path) < os.path.getmtime(gen):
            log("  generating %s (%d flows, %s)" % (os.path.basename(path), flows, direction))
            tmp = path + ".tmp"
            extra = []
            if portmap:
                extra = ["--portmap", tmp + ".map"]
                with open(tmp + ".map", "w") as f:
                    json.dump(portmap, f)
            subprocess.run([PY, gen, "--profile", profile, "--dir", direction, "--flows", str(flows),
                            "--out", tmp] + extra, check=True)
            os.rename(tmp, path)
        return path

    # ------------------------------------------------------------------ (a) testpmd
    def testpmd(self, pcap, flows):
        nb = flows + 16384
        mem = int(nb * MBUF_KB / 1024) + 256
        self.seq += 1
        logf = os.path.join(self.work, "run", "testpmd-%d.log" % self.seq)
        cmd = ["dpdk-testpmd", "-l", CPU_AUX + "," + CPU_FWD] + self.eal_args(self.eal_mem(mem)) + ["--no-pci",
               "--no-shconf", "--file-prefix", "xbench-tp%d" % os.getpid(), "--log-level", "lib.eal:error",
               "--vdev", "net_pcap0,rx_pcap=%s,infinite_rx=1" % pcap, "--vdev", "net_null0,no-rx=1",
               "--", "--forward-mode=io", "--nb-cores=1", "--rxq=1", "--txq=1", "--burst=32",
               "--total-num-mbufs=%d" % nb, "--stats-period=1", "--no-lsc-interrupt"]
        with open(logf, "w") as out:
            p = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
            # testpmd prints one block per second once forwarding runs
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and p.poll() is None:
                if self._tx_pps(logf):
                    break
                time.sleep(0.2)
            time.sleep(self.a.warmup)
            c0 = (time.monotonic(), thread_ticks(p.pid))
            time.sleep(self.a.duration)
            share = busiest_share(c0[0], c0[1], time.monotonic(), thread_ticks(p.pid))
            time.sleep(0.5)
            self._stop(p, 30)
        samples = self._tx_pps(logf)
        # drop the first (partial) periods: warm-up
        skip = max(1, int(round(self.a.warmup)))
        use = samples[skip:skip + max(1, int(round(self.a.duration)))] or samples[-1:]
        if not use:
            raise RuntimeError("testpmd produced no statistics, see %s" % logf)
        return statistics.mean(use), share, logf

    @staticmethod
    def _tx_pps(logf):
        """Tx-pps of port 1 (net_null) from each --stats-period block."""
        with open(logf, errors="replace") as f:
            text = f.read()
        out = []
        for block in text.split("NIC statistics for port ")[1:]:
            if not block.startswith("1 "):
                continue
            m = re.search(r"Tx-pps:\s+(\d+)", block)
            if m:
                out.append(int(m.group(1)))
        return out

    @staticmethod
    def _stop(p, timeout):
        if p.poll() is None:
            p.send_signal(signal.SIGINT)
            try:
                p.wait(timeout)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()

    # ------------------------------------------------------------------ (b) xlat64d
    def siit_config(self, direction, pcap, flows, eamt, sock):
        nb = flows + 8192
        mem = int((2 * nb + 1024) * MBUF_KB / 1024) + 512
        pcapdev = "net_pcap0,rx_pcap=%s,infinite_rx=1" % pcap
        nulldev = "net_null0,no-rx=1"
        if eamt == "1":
            table = [{"ipv6 prefix": "2001:db8:100::/118", "ipv4 prefix": "198.18.0.0/22"}]
        else:  # the largest table (EAMT_MAX), one /128 <-> /32 pair per server
            table = [{"ipv6 prefix": "2001:db8:100::%x/128" % s,
                      "ipv4 prefix": "198.18.%d.%d/32" % (s >> 8, s & 255)} for s in range(1024)]
        return {
            "mode": "siit",
            "eal": ["-l", CPU_FWD] + self.eal_mem(mem) + ["--no-shconf", "--no-pci",
                    "--file-prefix", "xbench%d" % os.getpid(), "--log-level", "lib.eal:error"],
            "ports": [
                {"name": "v6", "device": pcapdev if direction == "64" else nulldev, "mtu": 1500,
                 "mac": MAC_P6, "addresses": ["2001:db8:6::1/64"],
                 "neighbors": [{"address": "2001:db8:6::2", "mac": MAC_H6}]},
                {"name": "v4", "device": nulldev if direction == "64" else pcapdev, "mtu": 1500,
                 "mac": MAC_P4, "addresses": ["198.51.100.1/24"],
                 "neighbors": [{"address": "198.51.100.2", "mac": MAC_H4}]},
            ],
            "routes": [{"prefix": "198.19.0.0/16", "via": "198.51.100.2", "port": "v4"},
                       {"prefix": "2001:db8:100::/64", "via": "2001:db8:6::2", "port": "v6"}],
            "control": {"socket": sock},
            "dataplane": {"mbufs-per-port": nb, "idle-sleep-us": 0, "exception-path": False},
            "global": {"pool6": "2001:db8:64::/96"},
            "eamt": table,
        }

    def eal_mem(self, mb):
        """EAL's memory arguments for a process that needs mb MiB: anonymous 4 KiB pages (--no-huge), or
        (the default) 2 MiB hugepages (--in-memory: no files left behind), as deployments have them; there
        eal_args() drops the -m at start (DPDK takes pages as it needs them)."""
        if self.huge:
            return ["--in-memory", "-m", str(mb)]
        return ["--no-huge", "-m", str(mb)]

    def eal_args(self, eal):
        """eal as a process is started with: on hugepages without -m (sized for --no-huge, about twice the
        need: main() reserved the pages for the largest figure)."""
        if self.huge and "-m" in eal:
            i = eal.index("-m")
            return eal[:i] + eal[i + 2:]
        return eal

    @staticmethod
    def ctl(sock, command="stats", timeout=5):
        return Bench.ctl_req(sock, {"command": command}, timeout)

    @staticmethod
    def ctl_req(sock, req, timeout=5):
        return ctlsock.call(sock, req, timeout)

    def sample(self, sock):
        t0 = time.monotonic()
        c = self.ctl(sock)["counters"]
        t1 = time.monotonic()
        return (t0 + t1) / 2, c

    def run_daemon(self, cfg, name, ns=None, measure=None, exe=None, env=None):
        """Start xlat64d with cfg (env: more environment), wait for its socket, call measure(sock), stop it."""
        self.seq += 1
        run = os.path.join(self.work, "run")
        cfgf = os.path.join(run, "%s-%d.json" % (name, self.seq))
        logf = os.path.join(run, "%s-%d.log" % (name, self.seq))
        sock = cfg["control"]["socket"]
        with open(cfgf, "w") as f:
            json.dump(dict(cfg, eal=self.eal_args(cfg["eal"])), f, indent=1)
        if os.path.exists(sock):
            os.unlink(sock)
        cmd = ([] if ns is None else ["ip", "netns", "exec", ns]) + [exe or self.xlat64d, "--config", cfgf]
        with open(logf, "w") as out:
            p = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                 env=dict(os.environ, **env) if env else None)
            try:
                deadline = time.monotonic() + 180
                while True:
                    if p.poll() is not None:
                        raise RuntimeError("xlat64d exited (%d), see %s" % (p.returncode, logf))
                    if time.monotonic() > deadline:
                        raise RuntimeError("xlat64d did not come up, see %s" % logf)
                    try:
                        self.ctl(sock, "version", 1)
                        break
                    except (OSError, ValueError):
                        time.sleep(0.2)
                self.cur_pid = p.pid
                return measure(sock), logf
            finally:
                self._stop(p, 30)

    def window(self, sock):
        """The counters over --duration: (counters at the start, at the end, their difference, seconds,
        the polling thread's CPU share)."""
        t0, c0 = self.sample(sock)
        k0 = thread_ticks(self.cur_pid)
        time.sleep(self.a.duration)
        t1, c1 = self.sample(sock)
        share = busiest_share(t0, k0, t1, thread_ticks(self.cur_pid))
        return c0, c1, {k: c1.get(k, 0) - c0.get(k, 0) for k in c1}, t1 - t0, share

    def xlat_rate(self, sock, warmup=None):
        time.sleep(self.a.warmup if warmup is None else warmup)
        c0, c1, d, dt, share = self.window(sock)
        prof = self.profile() if self.a.perf else None
        return {"profile": prof, "cpu_share": share, "pps": d.get("XLAT_TX", 0) / dt, "success_pps": d.get("JSTAT_SUCCESS", 0) / dt,
                "rx_pps": d.get("XLAT_RX", 0) / dt, "tx_drop": d.get("XLAT_TX_DROP", 0),
                "other": {k: v for k, v in d.items() if v and "IN_USE" not in k and k not in (
                    "XLAT_TX", "XLAT_RX", "JSTAT_SUCCESS", "JSTAT_RECEIVED6", "JSTAT_RECEIVED4")}}

    def profile(self):
        """perf record the forwarding core for a while; the top functions, folded (perfsym.py)."""
        self.seq += 1
        data = os.path.join(self.work, "run", "perf-%d.data" % self.seq)
        subprocess.run(["perf", "record", "-q", "-C", CPU_FWD, "-o", data, "--", "sleep", "2"],
                       capture_output=True, timeout=60)
        rep = subprocess.run(["perf", "report", "-i", data, "--no-children", "--stdio", "--sort", "dso,sym"],
                             capture_output=True, text=True, timeout=120).stdout
        top = subprocess.run([PY, os.path.join(HERE, "perfsym.py"), self.xlat64d, "25"], input=rep,
                             capture_output=True, text=True, timeout=60).stdout
        with open(data + ".top", "w") as f:
            f.write(top)
        return top

    def fwd_config(self, direction, pcap, flows, sock):
        """Native forwarding (issue 20) on the SIIT pcaps' ports: no pool6 and no EAMT, so nothing is
        translated; each port gets an address of the other family and a static neighbour behind the null
        port, and the pcap's destinations a route there (IPv6 2001:db8:64::/96 out of v4, IPv4 198.18.0.0/15
        out of v6): every packet is routed, its hop limit decremented, to the other port."""
        cfg = self.siit_config(direction, pcap, flows, "1", sock)
        del cfg["eamt"]
        del cfg["global"]["pool6"]
        cfg["ports"][0]["addresses"].append("192.168.6.1/24")
        cfg["ports"][0]["neighbors"].append({"address": "192.168.6.2", "mac": MAC_H6})
        cfg["ports"][1]["addresses"].append("2001:db8:4::1/64")
        cfg["ports"][1]["neighbors"].append({"address": "2001:db8:4::2", "mac": MAC_H4})
        cfg["routes"] = [{"prefix": "2001:db8:64::/96", "via": "2001:db8:4::2", "port": "v4"},
                         {"prefix": "198.18.0.0/15", "via": "192.168.6.2", "port": "v6"}]
        return cfg

    def forward(self, direction, pcap, flows):
        sock = os.path.join(self.work, "run", "ctl-%d.sock" % os.getpid())
        r, logf = self.run_daemon(self.fwd_config(direction, pcap, flows, sock), "fwd", measure=self.xlat_rate)
        r["log"] = logf
        return r

    def siit(self, direction, pcap, flows, eamt, exe=None):
        sock = os.path.join(self.work, "run", "ctl-%d.sock" % os.getpid())
        cfg = self.siit_config(direction, pcap, flows, eamt, sock)
        r, logf = self.run_daemon(cfg, "siit", measure=self.xlat_rate, exe=exe)
        r["log"] = logf
        return r

    # ------------------------------------------------------------------ (c), (d) NAT64
    def nat64_config(self, direction, pcap, flows, sock, new=False):
        """One worker, stateful NAT64 (doc/nat64.md) on the ports of siit_config: IPv6 clients
        2001:db8:7::/64 behind 2001:db8:6::2, IPv4 servers 198.18.0.0/15 behind 198.51.100.2, UDP pool4
        203.0.113.1 (established: up to 1024 BIB entries) or 203.0.113.0/27 (new sessions: one BIB
        entry per flow). The tables are sized not to fill."""
        cfg = self.siit_config(direction, pcap, flows, "1", sock)
        need = max(65536, int(flows * 1.25))
        cap = 1 << (need - 1).bit_length()
        del cfg["eamt"]
        cfg["mode"] = "nat64"
        mem = cfg["eal"].index("-m") + 1
        cfg["eal"][mem] = str(int(cfg["eal"][mem]) + cap * 400 // (1 << 20) + 64)  # ~223 B/session + hashes
        cfg["routes"] = [{"prefix": "198.18.0.0/15", "via": "198.51.100.2", "port": "v4"},
                         {"prefix": "2001:db8:7::/64", "via": "2001:db8:6::2", "port": "v6"}]
        cfg["global"]["max-sessions-per-worker"] = cap
        cfg["pool4"] = [{"protocol": "UDP", "prefix": "203.0.113.0/27" if new else "203.0.113.1/32",
                         "port range": "1024-65535"}]
        return cfg

    def nat64_bib(self, sock):
        """{client index: [pool4 address, port]} from the daemon's BIB (genpcap's nat64 clients)."""
        out = {}
        for e in self.ctl_req(sock, {"command": "bib", "protocol": "UDP"}, 30).get("bib", []):
            a6, p6 = e["ipv6 address"].rsplit("#", 1)
            a4, p4 = e["ipv4 address"].rsplit("#", 1)
            c = int(p6) - 20000
            out[str(c)] = [a4, int(p4)]
        return out

    def nat64_established(self, flows):
        """(c): the flows' sessions exist before the measurement. 6->4: the warm-up lasts at least one
        pass of the pcap (the first pass creates the sessions) and XLAT_NAT64_SESSION_CREATED must not move
        in the measured window; then the BIB is read. 4->6: a pcap to those BIB entries (the allocation is
        deterministic for the same packet order), and a daemon whose IPv6 port plays the 6->4 pcap once
        (net_pcap without infinite_rx: it creates the sessions, then is silent) while its IPv4 port
        replays the 4->6 pcap; JSTAT_BIB4_NOT_FOUND must not move in the measured window."""
        out = []
        sock = os.path.join(self.work, "run", "ctl-%d.sock" % os.getpid())
        warm = self.a.warmup + flows / 250000.0
        pcap64 = self.pcap("nat64", "64", flows)
        portmap = None
        for direction in ("64", "46"):
            try:
                if direction == "64":
                    pcap = pcap64
                    cfg = self.nat64_config("64", pcap, flows, sock)
                else:
                    if not portmap:
                        raise RuntimeError("no BIB read from the 6->4 run")
                    pcap = self.pcap("nat64", "46", flows, portmap=portmap)
                    cfg = self.nat64_config("46", pcap, flows, sock)
                    cfg["ports"][0]["device"] = "net_pcap1,rx_pcap=%s" % pcap64  # one pass: the sessions
                tp = max((self.testpmd(pcap, flows) for _ in range(self.a.repeat)), key=lambda x: x[0])
                self._row("testpmd io (nat64 pcap)", direction, flows, tp[0], None,
                          {"cpu_share": tp[1], "log": tp[2]})
                best = self.nat64_est_run(cfg, direction, warm)
                if direction == "64":
                    portmap = best.pop("portmap")
                out.append((direction, best["pps"], (tp[0], tp[1]), best))
                if self.a.baseline:  # the same figure with another build, side by side
                    r = self.nat64_est_run(cfg, direction, warm, exe=self.a.baseline)
                    r.pop("portmap", None)
                    self._row("xlat64d nat64 est (baseline)", direction, flows, r["pps"], (tp[0], tp[1]), r)
            except (RuntimeError, OSError, ValueError, KeyError) as e:
                self._failed("xlat64d nat64 est", direction, flows, e)
        return out

    def nat64_est_run(self, cfg, direction, warm, exe=None):
        """nat64_established's measurement, the best of --repeat runs (with the BIB read, 6->4)."""
        best = None
        for _ in range(self.a.repeat):
            def measure(s):
                r = self.xlat_rate(s, warmup=warm)
                if direction == "64":
                    r["portmap"] = self.nat64_bib(s)
                return r
            r, logf = self.run_daemon(cfg, "nat64", measure=measure, exe=exe)
            r["log"] = logf
            bad = r["other"].get("XLAT_NAT64_SESSION_CREATED", 0) + r["other"].get("JSTAT_BIB4_NOT_FOUND", 0)
            if bad:
                log("    nat64 %s: %d packets in the window were not of established flows" % (direction, bad))
            if best is None or r["pps"] > best["pps"]:
                best = r
        return best

    def new_session_rate(self, sock, flows):
        """Sessions per second while the first pass of an all-new-flows pcap runs: the session counter
        sampled every ~20 ms, the rate between 10% and 90% of the flows (the start-up and the tail of
        the pass, where other things happen, left out)."""
        samples = []
        k0 = (time.monotonic(), thread_ticks(self.cur_pid))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                t, c = self.sample(sock)
            except (OSError, ValueError):
                continue
            n = c.get("XLAT_NAT64_SESSION_CREATED", 0)
            samples.append((t, n, c))
            if n >= flows or (len(samples) > 50 and samples[-50][1] == n):
                break
            time.sleep(0.02)
        share = busiest_share(k0[0], k0[1], time.monotonic(), thread_ticks(self.cur_pid))
        lo = [x for x in samples if x[1] >= 0.1 * flows]
        hi = [x for x in samples if x[1] <= 0.9 * flows]
        if not lo or not hi or hi[-1][0] <= lo[0][0]:
            raise RuntimeError("the first pass was too short to sample (%d samples, %d sessions)" % (
                len(samples), samples[-1][1] if samples else 0))
        a, b = lo[0], hi[-1]
        last = samples[-1][2]
        return {"pps": (b[1] - a[1]) / (b[0] - a[0]), "cpu_share": share, "sessions": samples[-1][1],
                "bib_created": last.get("XLAT_NAT64_BIB_CREATED", 0),
                "other": {k: v for k, v in last.items() if v and k in (
                    "XLAT_POOL4_EXHAUSTED", "XLAT_NAT64_TABLE_FULL", "XLAT_TX_DROP")}}

    def nat64_new_sessions(self, flows):
        """(d): a pcap of `flows` distinct 6->4 flows, each a new BIB entry and a new session (nat64new
        profile); the rate is measured during its first pass (new_session_rate), so below ~100k flows
        there is nothing to measure."""
        if flows < 100000:
            return []
        pcap = self.pcap("nat64new", "64", flows)
        out = []
        try:
            tp = max((self.testpmd(pcap, flows) for _ in range(self.a.repeat)), key=lambda x: x[0])
            self._row("testpmd io (nat64new pcap)", "64", flows, tp[0], None, {"cpu_share": tp[1], "log": tp[2]})
            sock = os.path.join(self.work, "run", "ctl-%d.sock" % os.getpid())
            cfg = self.nat64_config("64", pcap, flows, sock, new=True)
            best = None
            for _ in range(self.a.repeat):
                r, logf = self.run_daemon(cfg, "nat64new", measure=lambda s: self.new_session_rate(s, flows))
                r["log"] = logf
                if best is None or r["pps"] > best["pps"]:
                    best = r
            out.append(("64", best["pps"], (tp[0], tp[1]), best))
        except RuntimeError as e:
            self._failed("xlat64d nat64 new", "64", flows, e)
        return out

    def steady_rate(self, sock, flows, t_eff):
        """New sessions per second at a steady state (nat64_steady): after the warm-up (the first pass of
        the pcap, sessions expiring T_eff after they were made, the pcap's second pass finding its flows
        expired), the session counter and the expired counter over --duration; live sessions are
        created - expired (the daemon started empty), sampled at both ends. None when the sessions stop
        being new (the flows came back before their sessions expired: T_eff too long for the rate)."""
        deadline, last, t_last = time.monotonic() + 60, -1, time.monotonic()
        while True:  # well into the second pass: every flow seen once, and expired
            n = self.sample(sock)[1].get("XLAT_NAT64_SESSION_CREATED", 0)
            if n >= 2 * flows:
                break
            if n != last:
                last, t_last = n, time.monotonic()
            elif time.monotonic() - t_last > 2 or time.monotonic() > deadline:
                return None
            time.sleep(0.05)
        time.sleep(max(self.a.warmup, t_eff))
        c0, c1, d, dt, share = self.window(sock)
        live = [c.get("XLAT_NAT64_SESSION_CREATED", 0) - c.get("XLAT_NAT64_EXPIRED", 0) for c in (c0, c1)]
        prof = self.profile() if self.a.perf else None
        return {"profile": prof, "pps": d.get("XLAT_NAT64_SESSION_CREATED", 0) / dt, "cpu_share": share,
                "expired_pps": d.get("XLAT_NAT64_EXPIRED", 0) / dt, "tx_pps": d.get("XLAT_TX", 0) / dt,
                "live": live, "other": {k: v for k, v in d.items() if v and k in (
                    "XLAT_POOL4_EXHAUSTED", "XLAT_NAT64_TABLE_FULL", "XLAT_TX_DROP")}}

    def nat64_steady(self, live, exe=None):
        """(d) at a steady state: `live` sessions in the table, as many expiring per second as are made,
        every packet a new BIB entry and session. The pcap (nat64new profile) has 1.2 x live flows,
        replayed without end; UDP sessions live udp-timeout (its minimum, 2 minutes, as configured) on
        a worker clock that runs N times faster (XLAT64_CLOCK_SCALE, the daemon's benchmark knob), N
        chosen so that rate x timeout = live: from a guess on the high side (a timeout too long lets the
        flows come back before their sessions expire, and nothing is new), then from the rate measured,
        until live is within 10% (at most 4 runs; with --repeat R, R runs within 10%, the best kept)."""
        if live < 100000:
            return []
        flows = int(live * 1.2)
        pcap = self.pcap("nat64new", "64", flows)
        sock = os.path.join(self.work, "run", "ctl-%d.sock" % os.getpid())
        cfg = self.nat64_config("64", pcap, flows, sock, new=True)
        cfg["global"]["udp-timeout"] = "0:02:00"
        rate, best, good = 4e6, None, 0
        for _ in range(3 + self.a.repeat):
            scale = max(1, int(round(120.0 / (live / rate))))
            t_eff = 120.0 / scale
            r, logf = self.run_daemon(cfg, "nat64steady", env={"XLAT64_CLOCK_SCALE": str(scale)}, exe=exe,
                                      measure=lambda s: self.steady_rate(s, flows, t_eff))
            if r is None:
                log("    steady state: clock x%d (udp-timeout 2 min = %.3f s): flows came back before their "
                    "sessions expired; shorter" % (scale, t_eff))
                rate *= 4
                continue
            r.update({"log": logf, "clock_scale": scale, "timeout_s": t_eff, "flows_in_pcap": flows})
            off = abs(sum(r["live"]) / 2 - live) / live
            log("    steady state: clock x%d (udp-timeout 2 min = %.3f s): %.3f M sessions/s, expired %.3f M/s, "
                "live %d..%d (%+.0f%%)" % (scale, t_eff, r["pps"] / 1e6, r["expired_pps"] / 1e6, r["live"][0],
                                          r["live"][1], 100 * (sum(r["live"]) / 2 - live) / live))
            if off <= 0.1:
                good += 1
                if best is None or r["pps"] > best["pps"]:
                    best = r
                if good >= self.a.repeat:
                    break
            rate = max(r["pps"], 1e4)
        if best is None:
            raise RuntimeError("no steady state within 10%% of %d live sessions" % live)
        return best

    def nat64_steady_rows(self, flows):
        out = []
        if flows < 100000:
            return out
        try:
            pcap = self.pcap("nat64new", "64", int(flows * 1.2))
            tp = max((self.testpmd(pcap, int(flows * 1.2)) for _ in range(self.a.repeat)), key=lambda x: x[0])
            self._row("testpmd io (nat64new pcap)", "64", flows, tp[0], None, {"cpu_share": tp[1], "log": tp[2]})
            r = self.nat64_steady(flows)
            out.append(("64", r["pps"], (tp[0], tp[1]), r))
            if self.a.baseline:
                r = self.nat64_steady(flows, exe=self.a.baseline)
                self._row("xlat64d nat64 steady (baseline)", "64", flows, r["pps"], (tp[0], tp[1]), r)
        except RuntimeError as e:
            self._failed("xlat64d nat64 steady", "64", flows, e)
        return out

    # ------------------------------------------------------------------ DPDK part
    def dpdk(self):
        a = self.a
        log("== DPDK ports: net_pcap (infinite_rx) -> net_null (no-rx=1), one core (CPU %s)" % CPU_FWD)
        log("%-22s %-4s %6s %8s %6s %8s %8s %7s %7s" % ("run", "dir", "flows", "Mpps", "share", "Mpps/cpu",
                                                       "cyc/pkt", "ratio", "r(cpu)"))
        skipped = set()
        for flows in a.flows:
            for direction in (() if a.no_siit else ("64", "46")):
                pcap = self.pcap("dpdk", direction, flows)
                # best of --repeat: on a shared machine other work only ever lowers a figure
                try:
                    tp = max((self.testpmd(pcap, flows) for _ in range(a.repeat)), key=lambda x: x[0])
                except RuntimeError as e:
                    self._failed("testpmd io", direction, flows, e)
                    continue
                ceil = (tp[0], tp[1])
                self._row("testpmd io", direction, flows, tp[0], None, {"cpu_share": tp[1], "log": tp[2]})
                for eamt in a.eamt:
                    if eamt != "1" and flows > a.eamt_max_flows:
                        continue  # the large-table figures at every flow count would push a run past 10 min
                    name = "xlat64d siit" + ("" if eamt == "1" else " eamt1024")
                    try:
                        r = max((self.siit(direction, pcap, flows, eamt) for _ in range(a.repeat)),
                                key=lambda x: x["pps"])
                    except RuntimeError as e:
                        self._failed(name, direction, flows, e)
                        continue
                    self._row(name, direction, flows, r["pps"], ceil, r)
                    if a.baseline and eamt == "1":
                        # the same figure with another build (before/after, side by side in one run)
                        try:
                            r = max((self.siit(direction, pcap, flows, eamt, exe=a.baseline)
                                     for _ in range(a.repeat)), key=lambda x: x["pps"])
                            self._row(name + " (baseline)", direction, flows, r["pps"], ceil, r)
                        except RuntimeError as e:
                            self._failed(name + " (baseline)", direction, flows, e)
                if not a.no_fwd:  # the same packets routed natively, not translated
                    try:
                        r = max((self.forward(direction, pcap, flows) for _ in range(a.repeat)),
                                key=lambda x: x["pps"])
                        self._row("xlat64d forward", direction, flows, r["pps"], ceil, r)
                    except RuntimeError as e:
                        self._failed("xlat64d forward", direction, flows, e)
            if not a.no_nat64:
                for name, fn in (("xlat64d nat64 est", self.nat64_established),
                                 ("xlat64d nat64 new", self.nat64_new_sessions),
                                 ("xlat64d nat64 steady", self.nat64_steady_rows)):
                    if name.split()[-1] not in a.nat64:
                        continue
                    for direction, pps, ceil, r in fn(flows):
                        self._row(name, direction, flows, pps, ceil, r)
        for what in sorted(skipped):
            self.results["skipped"].append(what)

    def _failed(self, name, direction, flows, err):
        log("%-22s %-4s %6s failed: %s" % (name, "6->4" if direction == "64" else "4->6", human(flows), err))
        self.results["skipped"].append("%s %s %s flows: failed: %s" % (name, direction, human(flows), err))

    def _row(self, name, direction, flows, pps, ceil, extra):
        """ceil: (testpmd pps, its core share) or None. Besides the wall-clock rate, every figure is
        also given per second of CPU time of the polling thread (core share): on a shared machine
        that is the fairer comparison, and cycles per packet come from it."""
        share = extra.get("cpu_share") or 1.0
        share = min(share, 1.0)
        row = {"run": name, "dir": "6->4" if direction == "64" else "4->6", "flows": flows,
               "mpps": pps / 1e6, "cpu_share": share,
               "mpps_per_core": pps / share / 1e6,
               "cycles_per_pkt": self.hz * share / pps if pps else None,
               "ratio": pps / ceil[0] if ceil else None,
               "ratio_cpu": (pps / share) / (ceil[0] / min(ceil[1] or 1.0, 1.0)) if ceil else None}
        row.update({k: v for k, v in extra.items() if k not in ("pps", "cpu_share")})
        self.results["dpdk"].append(row)
        log("%-22s %-4s %6s %8.2f %6.2f %8.2f %8.0f %7s %7s%s" % (
            name, row["dir"], human(flows), row["mpps"], share, row["mpps_per_core"], row["cycles_per_pkt"] or 0,
            "%.3f" % row["ratio"] if ceil else "-", "%.3f" % row["ratio_cpu"] if ceil else "-",
            ("  other counters: %s" % extra["other"]) if extra.get("other") else ""))
        if extra.get("profile"):
            log("    perf, CPU %s:\n" % CPU_FWD + "".join("    " + ln + "\n" for ln in extra["profile"].splitlines()[:12]))

    # ------------------------------------------------------------------ output
    def write(self):
        self.results["loadavg_end"] = open("/proc/loadavg").read().split()[:3]
        stamp = self.results["date"].replace(":", "")
        jf = os.path.join(self.work, "results-%s.json" % stamp)
        with open(jf, "w") as f:
            json.dump(self.results, f, indent=1)
        md = self.markdown()
        mf = os.path.join(self.work, "results-%s.md" % stamp)
        with open(mf, "w") as f:
            f.write(md)
        log("\n" + md)
        log("results: %s\n         %s" % (jf, mf))
        if self.a.plot:
            try:
                subprocess.run([PY, os.path.join(HERE, "plot.py"), jf, self.a.plot], check=True)
                log("plot: %s" % self.a.plot)
            except (subprocess.CalledProcessError, OSError) as e:
                log("plot: failed (%s)" % e)

    def markdown(self):
        r = self.results
        h = r["host"]
        per = []
        if r["dpdk"] or r["scaling"]:
            per.append("%s s per DPDK figure after %s s warm-up, %s" % (
                r["params"]["duration_s"], r["params"]["warmup_s"],
                "2 MiB hugepages" if r["params"].get("huge") else
                "--no-huge (4 KiB pages: xlat64d packs its mbufs, testpmd has one a page; the default, hugepages, "
                "compares like with like)"))
        if r["lab"]:
            per.append("%s s per lab figure" % r["params"].get("lab_duration_s"))
        lines = ["Run %s on %s, %s CPUs, TSC %.3f GHz, kernel %s; %s; load average %s at the start, %s at the end "
                 "(the machine may be shared: the figures per CPU-second are the fairer ones then)." % (
                     r["date"], h["cpu"], h["nproc"], h["tsc_hz"] / 1e9, h["kernel"], "; ".join(per),
                     " ".join(r["loadavg_start"]), " ".join(r.get("loadavg_end", []))), ""]
        if r["dpdk"]:
            lines += ["| run | direction | flows | Mpps | core share | Mpps per CPU-second | cycles/packet | "
                      "ratio to testpmd | ratio (CPU time) |", "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
            for x in r["dpdk"]:
                lines.append("| %s | %s | %s | %.2f | %.2f | %.2f | %.0f | %s | %s |" % (
                    x["run"], x["dir"], human(x["flows"]), x["mpps"], x["cpu_share"], x["mpps_per_core"],
                    x["cycles_per_pkt"] or 0, "%.3f" % x["ratio"] if x["ratio"] is not None else "-",
                    "%.3f" % x["ratio_cpu"] if x["ratio_cpu"] is not None else "-"))
            lines.append("")
        lines += lab.markdown(r)
        lines += scaling.markdown(r)
        for s in r["skipped"]:
            lines.append("skipped: " + s)
        return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default=os.environ.get("XLAT64_BUILD", os.path.join(ROOT, "build")))
    ap.add_argument("--work", default=os.environ.get("XLAT64_BENCH_DIR", "/var/tmp/xlat64-bench"),
                    help="pcap cache, logs and results (default %(default)s)")
    ap.add_argument("--flows", default="1,1000,100000,1000000",
                    type=lambda s: [int(float(x)) for x in s.split(",")])
    ap.add_argument("--eamt", default="1,1024", type=lambda s: s.split(","),
                    help="EAMT sizes to run SIIT with: 1 (one /118 entry) and/or 1024 (/128 entries)")
    ap.add_argument("--eamt-max-flows", type=int, default=100000,
                    help="run the EAMT-1024 variant only up to this many flows (default %(default)s)")
    ap.add_argument("--duration", type=float, default=3.0, help="seconds measured per DPDK figure")
    ap.add_argument("--warmup", type=float, default=1.0)
    ap.add_argument("--repeat", type=int, default=1, help="best of N runs per DPDK figure")
    ap.add_argument("--lab-duration", type=int, default=4, help="seconds per lab figure")
    ap.add_argument("--lab-ports", default="af_packet,af_xdp", type=lab.ports_arg,
                    help="lab: the port types xlat64d drives the veths with, one after the other beside TAYGA "
                         "(default %(default)s)")
    ap.add_argument("--baseline", help="also run the SIIT, NAT64 established and steady-state figures with this "
                    "xlat64d binary (before/after, side by side)")
    # hugepages by default: without them testpmd's pool has an mbuf a 4 KiB page (L1 set conflicts) while
    # xlat64d packs its own (dataplane/mbuf_pool.c), and the ratios flatter xlat64d (doc/performance.md)
    ap.add_argument("--huge", dest="huge", action="store_true", default=True,
                    help="testpmd and xlat64d on 2 MiB hugepages (--in-memory; scripts/hugepages.sh reserves them; "
                         "the default)")
    ap.add_argument("--no-huge", dest="huge", action="store_false",
                    help="both on 4 KiB pages instead (--no-huge: the method of the figures before 8 Dec; "
                         "flatters xlat64d, whose pools are packed where testpmd's are not)")
    ap.add_argument("--perf", action="store_true", help="also perf-record each xlat64d run (after its figure)")
    ap.add_argument("--no-dpdk", action="store_true")
    ap.add_argument("--no-lab", action="store_true")
    ap.add_argument("--no-siit", action="store_true", help="DPDK part: leave out testpmd/SIIT on the SIIT pcaps")
    ap.add_argument("--no-nat64", action="store_true", help="DPDK part: leave out the NAT64 figures")
    ap.add_argument("--nat64", default="est,new,steady", type=lambda s: s.split(","),
                    help="DPDK part: which NAT64 figures (default %(default)s)")
    ap.add_argument("--no-fwd", action="store_true", help="DPDK part: leave out native forwarding on the SIIT pcaps")
    ap.add_argument("--scaling", action="store_true",
                    help="the multi-core figures only (scaling.py): SIIT with --workers, the NAT64 handoff, "
                         "testpmd with as many cores")
    ap.add_argument("--workers", default="1,2", type=lambda s: [int(x) for x in s.split(",")],
                    help="--scaling: worker counts (default %(default)s; those above the CPU count are skipped)")
    ap.add_argument("--scaling-flows", type=int, default=1024, help="--scaling: flows per rx queue (default %(default)s)")
    ap.add_argument("--plot", help="default doc/perf-bench.png (doc/perf-scaling.png with --scaling); 'none': no plot")
    a = ap.parse_args()
    if a.plot is None:
        a.plot = os.path.join(ROOT, "doc", "perf-scaling.png" if a.scaling else "perf-bench.png")
    elif a.plot == "none":
        a.plot = None
    if os.geteuid() != 0:
        sys.exit("bench: run as root")
    pages0 = None
    if a.huge:  # 2 MiB pages for the largest figure: two ports' mbufs (2.4 KiB each) and sessions, ~3 KiB a flow
        with open(HUGE_NR) as f:
            pages0 = int(f.read())
        if subprocess.run([os.path.join(ROOT, "scripts", "hugepages.sh"),
                            str(512 + max(a.flows) * 3 // 1024)]).returncode != 0:
            # the results' header says which memory the run had
            log("bench: WARNING: not enough 2 MiB hugepages for %d flows: running on 4 KiB pages (--no-huge), "
                "where the ratios flatter xlat64d" % max(a.flows))
            a.huge = False
    try:
        b = Bench(a)
        t0 = time.monotonic()
        if a.scaling:
            scaling.Scaling(b).run()
        else:
            if not a.no_dpdk:
                b.dpdk()
            if not a.no_lab:
                lab.Lab(b, CPU_FWD, CPU_AUX, thread_ticks, busiest_share).run()
    finally:
        if pages0 is not None:  # what the machine had before (hugepages.sh never lowers a reservation)
            with open(HUGE_NR, "w") as f:
                f.write(str(pages0))
    b.write()
    log("bench: %.0f s" % (time.monotonic() - t0))


if __name__ == "__main__":
    main()
