# SPDX-License-Identifier: BSD-3-Clause
"""Multi-core figures (issue 6): `scripts/bench.sh --scaling` (bench.py --scaling, --workers 1,2,..).

On the ports of the other DPDK figures (net_pcap infinite_rx -> net_null), with
one rx queue per worker (net_pcap: one rx_pcap= per queue, each its own pcap
with its own flows; xlat64d's worker i polls queue i of every port):
  (a) SIIT 6->4 and 4->6 with 1, 2, .. workers: Mpps, and per CPU-second of the
      workers' threads; the scaling factor against 1 worker;
  (b) NAT64 established flows with N >= 2 workers, 6->4 and 4->6: "local" pcaps,
      whose flows are all owned by the worker whose queue receives them, against
      "cross" pcaps, whose flows are all owned by the next worker (every packet
      goes through that worker's handoff ring): the handoff's cost per packet.
      Owners as lib/nat64_owner.c decides them: 6->4 by the IPv6 source
      (nat64_owner6: rte_jhash of the address, seed 0x6146, mod N; jhash16()
      of tests/packet/nat64_owner.py), 4->6 by the pool4 port ((port / 2) % N,
      nat64_owner4; the ports are read from the daemon's BIB);
  (c) dpdk-testpmd io with N forwarding cores and N queues on the same ports and
      pcaps: the ceiling for the N-core figures;
  (d) beside each handoff figure, what one cache line costs to move between the
      first two workers' CPUs (c2c.c), measured just before and just after it:
      the floor of a handoff, which moves at least a frame's mbuf and data lines
      to the owner (on a VM the figure moves with where the vCPUs run).
Workers' CPUs come from the machine (sched_getaffinity): with fewer workers than
CPUs they leave the first CPU to the control threads and this script; with as
many, worker 0 shares it with them (a 2-CPU machine's 2-worker figures), which
is why the figures per CPU-second (thread CPU time of the N busiest threads) are
the ones to compare.
"""
import ipaddress
import json
import math
import os
import struct
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "packet"))
from nat64_owner import jhash16  # noqa: E402  (rte_jhash as lib/nat64_owner.c uses it)

PY = "/usr/bin/python3"


# ---------------------------------------------------------------------- flow owners (lib/nat64_owner.c)
def owner6(client, n):
    """nat64_owner6() of genpcap's nat64 client 2001:db8:7::client (no CGN section)."""
    if n <= 1:
        return 0
    key = ipaddress.IPv6Address("2001:db8:7::").packed[:14] + struct.pack("!H", client)
    return jhash16(key, 0x6146) % n


def owner4(port, n):
    """nat64_owner4() of a dynamic pool4 port."""
    return (port // 2) % n if n > 1 else 0


# ---------------------------------------------------------------------- CPUs and CPU time
def cpu_plan(n):
    """(CPUs of the n workers, the CPU of everything else) from this process's affinity."""
    cpus = sorted(os.sched_getaffinity(0))
    if n > len(cpus):
        raise RuntimeError("%d workers but only %d CPUs" % (n, len(cpus)))
    return (cpus[1:n + 1] if n < len(cpus) else cpus[:n]), cpus[0]


def thread_times(pid):
    """{tid: (comm, utime + stime ticks)} of every thread of pid."""
    out = {}
    try:
        tids = os.listdir("/proc/%d/task" % pid)
    except OSError:
        return out
    for tid in tids:
        try:
            with open("/proc/%d/task/%s/stat" % (pid, tid)) as f:
                s = f.read()
            comm = s[s.index("(") + 1:s.rindex(")")]
            fields = s.rsplit(")", 1)[1].split()
            out[tid] = (comm, int(fields[11]) + int(fields[12]))
        except (OSError, IndexError, ValueError):
            pass
    return out


def busiest(t0, k0, t1, k1, n):
    """CPU shares (CPU-seconds per second) of the n busiest threads between two thread_times()
    samples, busiest first, with their names: the polling threads (workers, forwarding lcores)."""
    hz = os.sysconf("SC_CLK_TCK")
    d = sorted(((v[1] - k0.get(t, (None, 0))[1], v[0]) for t, v in k1.items()), reverse=True)[:n]
    return [(ticks / hz / (t1 - t0), name) for ticks, name in d]


def log(msg):
    print(msg, flush=True)


def loadavg():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


class Scaling:
    def __init__(self, bench):
        self.b = bench
        self.a = bench.a
        self.rows = bench.results.setdefault("scaling", [])
        self.flows = self.a.scaling_flows
        ncpu = len(os.sched_getaffinity(0))
        self.workers = [n for n in self.a.workers if n <= ncpu]
        for n in self.a.workers:
            if n > ncpu:
                bench.results["skipped"].append("scaling: %d workers: only %d CPUs" % (n, ncpu))
        bench.results["params"].update({"workers": self.workers, "flows_per_queue": self.flows})
        self.sock = os.path.join(bench.work, "run", "scal-%d.sock" % os.getpid())
        # testpmd's rows by (direction, workers): the SIIT pcaps' ceiling serves the NAT64 rows too
        # (frames of the same size, as many flows per queue)
        self.ceil = {}

    # ------------------------------------------------------------------ pcaps
    def pcap(self, name, args, fresh=False):
        """A pcap from genpcap.py (cached under its name unless fresh or the generator changed)."""
        path = os.path.join(self.b.work, "pcap", "s-%s.pcap" % name)
        gen = os.path.join(HERE, "genpcap.py")
        if fresh or not os.path.exists(path) or os.path.getmtime(path) < os.path.getmtime(gen):
            tmp = path + ".tmp"
            subprocess.run([PY, gen, "--out", tmp] + args, check=True)
            os.rename(tmp, path)
        return path

    def siit_pcaps(self, direction, n):
        # queue q: flows q * 2^20 .. + F: their own client (and port), every server
        return [self.pcap("siit-%s-%d-q%d" % (direction, self.flows, q),
                          ["--profile", "dpdk", "--dir", direction, "--flows", str(self.flows),
                           "--offset", str(q << 20)]) for q in range(n)]

    def nat64_clients(self, n):
        """{worker: [client indices it owns]}, as many per worker as the flows per queue need,
        and the servers per client."""
        # 32 servers per client, more when the clients would run out (about 1024 / n per owner)
        servers = min(1024, max(min(self.flows, 32), math.ceil(self.flows / (1024 // (2 * n)))))
        need = math.ceil(self.flows / servers)
        own = {w: [] for w in range(n)}
        for c in range(1024):
            w = owner6(c, n)
            if len(own[w]) < need:
                own[w].append(c)
        if any(len(v) < need for v in own.values()):
            raise RuntimeError("not enough clients per worker for %d flows per queue" % self.flows)
        return own, servers

    def nat64_pcap(self, direction, clients, servers, tag, portmap=None):
        args = ["--profile", "nat64", "--dir", direction, "--flows", str(len(clients) * servers),
                "--clients", ",".join(map(str, clients)), "--servers", str(servers)]
        extra = []
        if portmap:
            mapf = os.path.join(self.b.work, "pcap", "s-%s.map" % tag)
            with open(mapf, "w") as f:
                json.dump(portmap, f)
            extra = ["--portmap", mapf]
        return self.pcap(tag, args + extra, fresh=bool(portmap))

    # ------------------------------------------------------------------ (c) testpmd
    def testpmd(self, pcaps):
        n = len(pcaps)
        cpus, aux = cpu_plan(n)
        nb = n * self.flows + 16384 * n
        mem = int(nb * 5.0 / 1024) + 256
        self.b.seq += 1
        logf = os.path.join(self.b.work, "run", "scal-testpmd-%d.log" % self.b.seq)
        # lcore 0 (the main one: statistics, no forwarding) with the other threads, 1..n forward
        lcores = ",".join(["0@%d" % aux] + ["%d@%d" % (i + 1, c) for i, c in enumerate(cpus)])
        cmd = ["dpdk-testpmd", "--lcores", lcores] + self.b.eal_args(self.b.eal_mem(mem)) + ["--no-pci",
               "--no-shconf",
               "--file-prefix", "xbench-st%d" % os.getpid(), "--log-level", "lib.eal:error",
               "--vdev", "net_pcap0,%s,infinite_rx=1" % ",".join("rx_pcap=" + p for p in pcaps),
               "--vdev", "net_null0,no-rx=1",
               "--", "--forward-mode=io", "--nb-cores=%d" % n, "--rxq=%d" % n, "--txq=%d" % n, "--burst=32",
               "--total-num-mbufs=%d" % nb, "--stats-period=1", "--no-lsc-interrupt"]
        with open(logf, "w") as out:
            p = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
            try:
                deadline = time.monotonic() + 120
                while time.monotonic() < deadline and p.poll() is None and not self.b._tx_pps(logf):
                    time.sleep(0.2)
                if p.poll() is not None:
                    raise RuntimeError("testpmd exited (%d), see %s" % (p.returncode, logf))
                time.sleep(self.a.warmup)
                t0, k0 = time.monotonic(), thread_times(p.pid)
                time.sleep(self.a.duration)
                shares = busiest(t0, k0, time.monotonic(), thread_times(p.pid), n)
                time.sleep(0.5)
            finally:
                self.b._stop(p, 30)
        samples = self.b._tx_pps(logf)
        skip = max(1, int(round(self.a.warmup)))
        use = samples[skip:skip + max(1, int(round(self.a.duration)))] or samples[-1:]
        if not use:
            raise RuntimeError("testpmd produced no statistics, see %s" % logf)
        return {"pps": sum(use) / len(use), "shares": shares, "cpus": cpus, "log": logf}

    # ------------------------------------------------------------------ xlat64d
    def stats(self, sock):
        t0 = time.monotonic()
        r = self.b.ctl_req(sock, {"command": "stats", "per-core": True})
        t1 = time.monotonic()
        per = [x for x in r.get("per-core", []) if x.get("thread") == "worker"]
        return (t0 + t1) / 2, r["counters"], per

    def measure(self, sock, n, warmup, settle=False):
        """Counters (total and per worker) and each worker thread's CPU time over the window. settle
        (NAT64): after the warm-up, wait (up to 30 s) until no session is being created any more: in a
        cross run most packets of the first passes are dropped at full rings, so the sessions of a large
        pcap take several passes."""
        time.sleep(warmup)
        if settle:
            last, deadline = None, time.monotonic() + 30
            while time.monotonic() < deadline:
                n_sess = self.b.ctl(sock)["counters"].get("XLAT_NAT64_SESSION_CREATED", 0)
                if n_sess == last:
                    break
                last = n_sess
                time.sleep(0.5)
        pid = self.b.cur_pid
        t0, c0, w0 = self.stats(sock)
        k0 = thread_times(pid)
        time.sleep(self.a.duration)
        t1, c1, w1 = self.stats(sock)
        k1 = thread_times(pid)
        dt = t1 - t0
        hz = os.sysconf("SC_CLK_TCK")
        d = {k: c1.get(k, 0) - c0.get(k, 0) for k in c1}
        per = []
        for w, (a, b) in enumerate(zip(w0, w1)):
            x = {k: b["counters"].get(k, 0) - a["counters"].get(k, 0)
                 for k in ("XLAT_RX", "XLAT_TX", "XLAT_HANDOFF_OUT", "XLAT_HANDOFF_FULL")}
            # the main lcore's worker is the main thread; the others are EAL's rte-worker-LCORE
            tid = next((t for t, v in k1.items() if v[0] == "rte-worker-%d" % b["lcore"]), str(pid))
            x["lcore"] = b["lcore"]
            x["thread"] = k1.get(tid, ("?", 0))[0]
            x["share"] = (k1.get(tid, ("", 0))[1] - k0.get(tid, ("", 0))[1]) / hz / dt
            per.append(x)
        return {"pps": d.get("XLAT_TX", 0) / dt, "rx_pps": d.get("XLAT_RX", 0) / dt,
                "shares": [(x["share"], x["thread"]) for x in per], "dt": dt,
                "per_worker": per, "handoff_out": d.get("XLAT_HANDOFF_OUT", 0),
                "handoff_full": d.get("XLAT_HANDOFF_FULL", 0), "rx": d.get("XLAT_RX", 0),
                "other": {k: v for k, v in d.items() if v and "IN_USE" not in k and k not in (
                    "XLAT_TX", "XLAT_RX", "JSTAT_SUCCESS", "JSTAT_RECEIVED6", "JSTAT_RECEIVED4",
                    "XLAT_HANDOFF_OUT", "XLAT_HANDOFF_FULL")}}

    def config(self, mode, direction, rx, n, once6=None):
        """xlat64d with n workers: rx (one pcap per queue, infinite) on the receiving port, net_null
        (n queues) on the other; NAT64 4->6: the IPv6 port plays once6 (one pcap per queue) once."""
        cpus, _ = cpu_plan(n)
        if mode == "siit":
            cfg = self.b.siit_config(direction, rx[0], self.flows, "1", self.sock)
        else:
            cfg = self.b.nat64_config(direction, rx[0], self.flows * n, self.sock)
        nb = n * (self.flows + 8192)
        eal = cfg["eal"]
        eal[eal.index("-l") + 1] = ",".join(map(str, cpus))
        m = eal.index("-m") + 1
        eal[m] = str(int(eal[m]) + int((2 * nb + 1024 * n) * 5.0 / 1024))
        cfg["dataplane"]["mbufs-per-port"] = nb
        dev = "net_pcap0,%s,infinite_rx=1" % ",".join("rx_pcap=" + p for p in rx)
        cfg["ports"][0 if direction == "64" else 1]["device"] = dev
        if once6:
            cfg["ports"][0]["device"] = "net_pcap1,%s" % ",".join("rx_pcap=" + p for p in once6)
        return cfg

    def xlat(self, name, cfg, n, warmup, after=None):
        def go(sock):
            r = self.measure(sock, n, warmup, settle=cfg["mode"] == "nat64")
            if after:
                r.update(after(sock))
            return r
        r, logf = self.b.run_daemon(cfg, name, measure=go)
        r["log"] = logf
        return r

    # ------------------------------------------------------------------ rows
    def row(self, part, run, direction, n, r, ceil=None, base=None, local=None):
        """One figure: r from measure()/testpmd(); ceil: testpmd's row with as many cores; base: the
        1-worker row of the same run (scaling); local: for a handoff (cross) row, its local row."""
        cpu_s = sum(s for s, _ in r["shares"]) or None
        pps = r["pps"]
        row = {"part": part, "run": run, "dir": "6->4" if direction == "64" else "4->6", "workers": n,
               "cpus": ",".join(map(str, r.get("cpus") or cpu_plan(n)[0])),
               "flows_per_queue": self.flows, "mpps": pps / 1e6, "cpu_s": cpu_s,
               "shares": [round(s, 3) for s, _ in r["shares"]], "threads": [t for _, t in r["shares"]],
               "mpps_per_cpu_s": pps / cpu_s / 1e6 if cpu_s and pps else None,
               "cycles_per_pkt": self.b.hz * cpu_s / pps if cpu_s and pps else None, "load": loadavg()}
        for k in ("per_worker", "handoff_out", "handoff_full", "rx", "other", "log", "c2c"):
            if k in r:
                row[k] = r[k]
        if "rx" in r and r["rx"]:
            # packets received by a worker that does not own their flow: handed off, or dropped at the
            # owner's full ring
            row["handoff_frac"] = (r.get("handoff_out", 0) + r.get("handoff_full", 0)) / r["rx"]
        if r.get("per_worker"):
            for x in r["per_worker"]:
                tx = x["XLAT_TX"] / r["dt"]
                x["mpps_per_cpu_s"] = tx / x["share"] / 1e6 if x["share"] and tx else None
                x["cycles_per_pkt"] = self.b.hz * x["share"] / tx if tx else None
        if ceil and ceil.get("mpps_per_cpu_s") and row["mpps_per_cpu_s"]:
            row["ratio_cpu"] = row["mpps_per_cpu_s"] / ceil["mpps_per_cpu_s"]
        if base and base["mpps"]:
            row["scaling"] = row["mpps"] / base["mpps"]
            if base.get("mpps_per_cpu_s") and row["mpps_per_cpu_s"]:
                row["scaling_cpu"] = row["mpps_per_cpu_s"] / base["mpps_per_cpu_s"]
        if local and local.get("cycles_per_pkt") and row.get("per_worker"):
            # The handoff's cost. In a cross run every worker's CPU time goes to the packets it receives
            # (rx, classification, the push to the owner's ring, or the drop when that ring is full:
            # nothing slows the receiver down) and to those it takes from its own ring (translation, tx):
            # CPU_w = a RX_w + b TX_w, the same a and b for every worker (least squares over the workers;
            # 2 workers: solved exactly). A handed-off packet costs a + b; a worker with no drops
            # (RX_w = TX_w) measures a + b directly. Against the local run's cycles per packet.
            w = [(x["share"] * r["dt"], x["XLAT_RX"], x["XLAT_TX"]) for x in row["per_worker"]]
            srr = sum(q * q for _, q, _ in w)
            stt = sum(t * t for _, _, t in w)
            srt = sum(q * t for _, q, t in w)
            scr = sum(c * q for c, q, _ in w)
            sct = sum(c * t for c, _, t in w)
            det = srr * stt - srt * srt
            if det > 1e-6 * srr * stt:
                ca = (scr * stt - sct * srt) / det
                cb = (sct * srr - scr * srt) / det
                if ca > 0 and cb > 0:
                    row["handoff_model"] = {"rx_cycles": ca * self.b.hz, "ring_cycles": cb * self.b.hz}
                    row["handoff_cross_cycles"] = (ca + cb) * self.b.hz
            if "handoff_cross_cycles" not in row and row["cycles_per_pkt"]:
                # no drops on any worker (or nothing to tell a from b): every packet costs a + b
                row["handoff_cross_cycles"] = row["cycles_per_pkt"]
            if "handoff_cross_cycles" in row:
                row["handoff_local_cycles"] = local["cycles_per_pkt"]
                row["handoff_cycles"] = row["handoff_cross_cycles"] - local["cycles_per_pkt"]
                row["handoff_cross_mpps_per_cpu_s"] = self.b.hz / row["handoff_cross_cycles"] / 1e6
                row["handoff_local_mpps_per_cpu_s"] = local["mpps_per_cpu_s"]
        self.rows.append(row)
        log("%-26s %-4s %2d %-6s %7.2f %5.2f %8s %7s %6s %6s %5.2f%s" % (
            run, row["dir"], n, row["cpus"], row["mpps"], cpu_s or 0,
            "%.2f" % row["mpps_per_cpu_s"] if row["mpps_per_cpu_s"] else "-",
            "%.0f" % row["cycles_per_pkt"] if row["cycles_per_pkt"] else "-",
            "%.2f" % row["scaling"] if "scaling" in row else "-",
            "%.0f%%" % (100 * row["handoff_frac"]) if "handoff_frac" in row else "-", row["load"],
            "  per worker Mpps/CPU-s (share): " + ", ".join(
                "%s (%.2f)" % ("%.2f" % w["mpps_per_cpu_s"] if w.get("mpps_per_cpu_s") else "-", w["share"])
                for w in row.get("per_worker", [])) +
            ("  handoff ring full: %d" % row["handoff_full"] if row.get("handoff_full") else "") +
            ("  c2c (TSC cycles per line, before / after): %s" % " / ".join(
                "%.0f" % c if c else "-" for c in row["c2c"]) if row.get("c2c") else "") +
            ("  other counters: %s" % row["other"] if row.get("other") else "")))
        return row

    def check(self, row, kind, n):
        """The pcaps did what they are for: no packet of a local run changed worker, every packet of a
        cross run did; no session was made and no BIB entry missed in the window."""
        frac = row.get("handoff_frac", 0)
        bad = []
        if n > 1 and kind == "local" and frac > 0.001:
            bad.append("%.1f%% of the packets changed worker" % (100 * frac))
        if n > 1 and kind == "cross" and frac < 0.999:
            bad.append("only %.1f%% of the packets changed worker" % (100 * frac))
        for k in ("XLAT_NAT64_SESSION_CREATED", "JSTAT_BIB4_NOT_FOUND"):
            if row.get("other", {}).get(k):
                bad.append("%s moved by %d" % (k, row["other"][k]))
        if bad:
            row["warning"] = "; ".join(bad)
            log("    WARNING %s %s: %s" % (row["run"], row["dir"], row["warning"]))
            self.b.results["skipped"].append("scaling %s %s: %s" % (row["run"], row["dir"], row["warning"]))

    def c2c(self, n):
        """TSC cycles per cache-line transfer between the first two workers' CPUs (c2c.c); None if it fails."""
        cpus, _ = cpu_plan(n)
        exe = os.path.join(self.b.work, "c2c")
        src = os.path.join(HERE, "c2c.c")
        try:
            if not os.path.exists(exe) or os.path.getmtime(exe) < os.path.getmtime(src):
                subprocess.run(["gcc", "-O2", "-Wall", "-pthread", "-o", exe, src], check=True)
            out = subprocess.run([exe, str(cpus[0]), str(cpus[1]), "1000000"], capture_output=True, text=True,
                                 check=True, timeout=30).stdout
            return float(out.split(",")[1].split()[0])
        except (subprocess.SubprocessError, OSError, ValueError, IndexError) as e:
            log("    c2c on CPUs %s: %s" % (cpus[:2], e))
            return None

    def failed(self, what, e):
        log("%-26s failed: %s" % (what, e))
        self.b.results["skipped"].append("scaling %s: failed: %s" % (what, e))

    # ------------------------------------------------------------------ (a) + (c) SIIT
    def siit(self):
        for direction in ("64", "46"):
            base = None
            for n in self.workers:
                pcaps = self.siit_pcaps(direction, n)
                ceil = None
                try:
                    ceil = self.row("testpmd", "testpmd io", direction, n, self.testpmd(pcaps))
                    self.ceil[(direction, n)] = ceil
                except RuntimeError as e:
                    self.failed("testpmd %s %d cores" % (direction, n), e)
                try:
                    r = self.xlat("scal-siit", self.config("siit", direction, pcaps, n), n, self.a.warmup)
                    row = self.row("siit", "xlat64d siit", direction, n, r, ceil=ceil, base=base)
                    if n == 1:
                        base = row
                except RuntimeError as e:
                    self.failed("siit %s %d workers" % (direction, n), e)

    # ------------------------------------------------------------------ (b) NAT64 handoff
    def nat64(self, n, base64=None, base46=None):
        """NAT64 established with n workers. n == 1: one run each way (the base of the scaling
        factor). n > 1: 6->4 local (queue q: clients owned by worker q; its BIB gives the 4->6 ports),
        6->4 cross (queue q: worker q+1's clients), then 4->6 local / cross the same way, the IPv6 port
        replaying the local 6->4 pcaps once to make the same sessions (the allocation is the same for
        the same packets in the same order per worker)."""
        own, servers = self.nat64_clients(n)
        nxt = lambda q: (q + 1) % n  # noqa: E731
        p64 = {q: self.nat64_pcap("64", own[q], servers, "nat64-64-%d-%dw-q%d" % (self.flows, n, q))
               for q in range(n)}
        warm = self.a.warmup + 0.5 + n * self.flows / 250000.0  # the first pass makes the sessions
        portmap = {}
        rows = {}
        for kind in ("local", "cross") if n > 1 else ("local",):
            rx = [p64[q] if kind == "local" else p64[nxt(q)] for q in range(n)]
            name = "nat64 est" + ("" if n == 1 else " " + kind)
            try:
                c0 = self.c2c(n) if kind == "cross" else None
                r = self.xlat("scal-nat64", self.config("nat64", "64", rx, n), n, warm,
                              after=(lambda s: {"portmap": self.b.nat64_bib(s)}) if kind == "local" else None)
                if kind == "local":
                    portmap = r.pop("portmap")
                else:
                    r["c2c"] = [c0, self.c2c(n)]
                rows[kind] = self.row("nat64", "xlat64d " + name, "64", n, r, base=base64,
                                      local=rows.get("local"), ceil=self.ceil.get(("64", n)))
                self.check(rows[kind], kind, n)
            except (RuntimeError, OSError, ValueError, KeyError) as e:
                self.failed("%s 64 %d workers" % (name, n), e)
        out = {"64": rows.get("local")}
        if not portmap:
            return out
        # every client's BIB port must be owned by the client's owner (both use the same split)
        bad = [c for c, (_, p) in portmap.items() if owner4(p, n) != owner6(int(c), n)]
        if bad:
            self.failed("nat64 %d workers" % n, "BIB ports of clients %s not owned by their IPv6 owner" % bad[:5])
            return out
        p46 = {q: self.nat64_pcap("46", own[q], servers, "nat64-46-%d-%dw-q%d" % (self.flows, n, q),
                                  portmap={str(c): portmap[str(c)] for c in own[q]}) for q in range(n)}
        rows = {}
        for kind in ("local", "cross") if n > 1 else ("local",):
            rx = [p46[q] if kind == "local" else p46[nxt(q)] for q in range(n)]
            name = "nat64 est" + ("" if n == 1 else " " + kind)
            try:
                cfg = self.config("nat64", "46", rx, n, once6=[p64[q] for q in range(n)])
                c0 = self.c2c(n) if kind == "cross" else None
                r = self.xlat("scal-nat64", cfg, n, warm)
                if kind == "cross":
                    r["c2c"] = [c0, self.c2c(n)]
                rows[kind] = self.row("nat64", "xlat64d " + name, "46", n, r, base=base46, local=rows.get("local"),
                                      ceil=self.ceil.get(("46", n)))
                self.check(rows[kind], kind, n)
            except (RuntimeError, OSError, ValueError, KeyError) as e:
                self.failed("%s 46 %d workers" % (name, n), e)
        out["46"] = rows.get("local")
        return out

    def run(self):
        b = self.b
        log("== scaling: net_pcap (infinite_rx, one rx_pcap per queue) -> net_null, %d flows per queue, "
              "workers %s; load %s" % (self.flows, self.workers, open("/proc/loadavg").read().split()[:3]))
        for n in self.workers:
            cpus, aux = cpu_plan(n)
            log("   %d worker(s): CPUs %s, control threads and this script: CPU %d%s" % (
                n, ",".join(map(str, cpus)), aux, " (shared with worker 0)" if aux in cpus else ""))
        log("%-26s %-4s %2s %-6s %7s %5s %8s %7s %6s %6s %5s" % (
            "run", "dir", "n", "CPUs", "Mpps", "CPU-s", "Mpps/CPU", "cyc/pkt", "scale", "hoff", "load"))
        if not self.a.no_siit:
            self.siit()
        if not self.a.no_nat64:
            base = {}
            for n in self.workers:
                got = self.nat64(n, base.get("64"), base.get("46"))
                if n == 1:
                    base = got
        b.results["loadavg_end"] = open("/proc/loadavg").read().split()[:3]


def markdown(r):
    rows = r.get("scaling") or []
    if not rows:
        return []
    fmt = lambda v, f: (f % v) if v is not None else "-"  # noqa: E731
    lines = ["Scaling: %s flows per rx queue, one queue per worker; load average %s at the start, %s at the end; "
             "CPU-s = CPU-seconds per second of the N busiest threads (the workers, testpmd's forwarding lcores)."
             % (r["params"].get("flows_per_queue"), " ".join(r.get("loadavg_start", [])),
                " ".join(r.get("loadavg_end", []))), "",
             "| run | direction | workers (CPUs) | Mpps | CPU-s | Mpps per CPU-second | cycles/packet | "
             "scaling vs 1 worker (Mpps / per CPU-s) | ratio (CPU time) to testpmd, same cores and direction | "
             "per worker: Mpps per CPU-s (CPU share) | handed off | handoff ring full | load |",
             "|---|---|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|"]
    def per(x):
        if not x.get("per_worker"):
            return ", ".join("(%.2f)" % v for v in x["shares"])
        return ", ".join("%s (%.2f)" % (fmt(w["mpps_per_cpu_s"], "%.2f"), w["share"]) for w in x["per_worker"])
    for x in rows:
        lines.append("| %s | %s | %d (%s) | %.2f | %s | %s | %s | %s | %s | %s | %s | %s | %.1f |" % (
            x["run"], x["dir"], x["workers"], x["cpus"], x["mpps"], fmt(x["cpu_s"], "%.2f"),
            fmt(x["mpps_per_cpu_s"], "%.2f"), fmt(x["cycles_per_pkt"], "%.0f"),
            "%.2f / %.2f" % (x["scaling"], x.get("scaling_cpu") or 0) if "scaling" in x else "-",
            fmt(x.get("ratio_cpu"), "%.3f"), per(x),
            fmt(100 * x["handoff_frac"], "%.0f%%") if "handoff_frac" in x else "-",
            str(x["handoff_full"]) if "handoff_full" in x else "-", x["load"]))
    lines.append("")
    for x in rows:
        if "handoff_cycles" in x:
            m = x.get("handoff_model")
            who = ("receiving %.0f + translating from the ring %.0f" % (m["rx_cycles"], m["ring_cycles"]) if m else
                   "whole run")
            c2c = [c for c in x.get("c2c") or [] if c]
            lines.append("Handoff, NAT64 established %s, %d workers: %+.0f cycles per handed-off packet (%.0f: %s; "
                         "local %.0f), %.2f against %.2f Mpps per CPU-second%s." % (
                             x["dir"], x["workers"], x["handoff_cycles"], x["handoff_cross_cycles"], who,
                             x["handoff_local_cycles"], x["handoff_cross_mpps_per_cpu_s"],
                             x["handoff_local_mpps_per_cpu_s"],
                             "; one cache-line transfer between the workers' CPUs %s TSC cycles (before / after)" %
                             " / ".join("%.0f" % c for c in c2c) if c2c else ""))
    lines.append("")
    return lines
