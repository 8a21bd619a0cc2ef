#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""
xlat64-exporter (control/prom.h) against a real Prometheus server (Debian's prometheus and promtool).

  run.py [-v]

xlat64d (NAT64, two workers) translates a known number of packets (net_pcap ports, tests/packet's harness),
which open as many sessions; xlat64-exporter serves its counters; then:
  exposition   promtool check metrics accepts /metrics, every counter of lib/stats.h is there per worker
  values       the exposition's values are the daemon's own (xlat64ctl --json stats)
  nat64        the tables' occupancy per worker and protocol, pool4 usage per address and the drops by
               reason are the daemon's (xlat64ctl --json nat64 status, stats)
  dashboard    config/grafana/xlat64-dashboard.json: every PromQL expression parses (promtool check rules,
               each a recording rule) and names only metrics the exporter serves
  http         bad clients get their status, and cost nothing: 400, 404, 405, 431, 408 (a client that sends
               nothing), 503 past 32 connections, each counted; /metrics still answers, the daemon was
               asked at most once a second
  xstats       the ports' DPDK extended statistics (xlat64_port_xstat{port,name}) are the daemon's own
               (xlat64ctl --json ports --xstats), one series each
  unprivileged as its systemd unit runs it (config/xlat64-exporter.service.in: root without a single
               capability, no new privileges): a second exporter, --no-xstats, answers xlat64_up 1 with
               CapEff 0 and serves no xstats; --version is the daemon's version
  prometheus   a Prometheus server scrapes the exporter every second and answers the PromQL query
               sum(xlat64_jstat_success_total) with the daemon's JSTAT_SUCCESS; the alerting rules
               (config/prometheus/xlat64-rules.yml) pass promtool check rules and are loaded healthy; every
               query of the dashboard runs on the server without an error, its sessions and pool4 panels
               answer the daemon's values
Prints "PASS name" / "FAIL name: why" per test and, last, "N passed, M failed".
"""
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
BUILD = os.environ.get("XLAT64_BUILD", os.path.join(ROOT, "build"))
DAEMON = os.environ.get("XLAT64D", os.path.join(BUILD, "dataplane", "xlat64d"))
EXPORTER = os.path.join(BUILD, "control", "xlat64-exporter")
CTL = os.path.join(BUILD, "control", "xlat64ctl")
sys.path.insert(0, os.path.join(HERE, "..", "packet"))
sys.dont_write_bytecode = True

import run as P  # noqa: E402  (tests/packet/run.py: configs, pcaps)
from scapy.all import IPv6, UDP, Raw  # noqa: E402

PORT = 19400 + os.getpid() % 500
PROM_PORT = PORT + 500
N_PACKETS = 25


class Fail(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Fail(msg)


def http(path, raw=None, timeout=10):
    """(status, body) of one request; raw: the bytes to send as they are."""
    s = socket.create_connection(("127.0.0.1", PORT), timeout=timeout)
    s.sendall(raw if raw is not None else ("GET %s HTTP/1.1\r\nHost: x\r\n\r\n" % path).encode())
    data = b""
    while True:
        b = s.recv(65536)
        if not b:
            break
        data += b
    s.close()
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), body.decode()


def metrics():
    code, body = http("/metrics")
    check(code == 200, "/metrics: %d" % code)
    return body


def value(body, name, labels=None):
    total = 0.0
    found = False
    for line in body.splitlines():
        if line.startswith("#"):
            continue
        m = re.match(r"^([a-z0-9_]+)(\{[^}]*\})? (\S+)$", line)
        if m and m.group(1) == name and (labels is None or labels in (m.group(2) or "")):
            total += float(m.group(3))
            found = True
    check(found, "%s%s not in /metrics" % (name, labels or ""))
    return total


def t_exposition(env):
    body = metrics()
    with open(os.path.join(env["work"], "metrics.txt"), "w") as f:
        f.write(body)
    r = subprocess.run(["promtool", "check", "metrics"], input=body, capture_output=True, text=True)
    check(r.returncode == 0, "promtool check metrics: %s %s" % (r.stdout[-500:], r.stderr[-500:]))
    for name in ("xlat64_jstat_success_total", "xlat64_rx_total", "xlat64_busy_cycles_total", "xlat64_mbuf_in_use",
                 "xlat64_port_receive_packets_total", "xlat64_port_up", "xlat64_up", "xlat64_tsc_hertz",
                 "xlat64_nat64_sessions", "xlat64_nat64_bib_entries", "xlat64_nat64_sessions_max",
                 "xlat64_pool4_ports_used", "xlat64_pool4_ports", "xlat64_dropped_packets_total"):
        check("# TYPE %s " % name in body, "no %s" % name)
    check(value(body, "xlat64_up") == 1, "xlat64_up is not 1")
    check('xlat64_rx_total{thread="worker",worker="0"}' in body, "no per-worker series")


def t_values(env):
    st = json.loads(subprocess.run([CTL, "--socket", env["sock"], "--json", "stats"], capture_output=True,
                                   text=True, check=True).stdout)
    c = st.get("counters", st)
    time.sleep(1.1)  # past the exporter's one-second cache
    body = metrics()
    for name, metric in (("JSTAT_SUCCESS", "xlat64_jstat_success_total"), ("XLAT_RX", "xlat64_rx_total"),
                         ("JSTAT_RECEIVED6", "xlat64_jstat_received6_total")):
        check(value(body, metric) == c.get(name, 0), "%s: exporter %s, daemon %s" % (name, value(body, metric),
                                                                                    c.get(name)))
    check(c.get("JSTAT_SUCCESS") == N_PACKETS, "the daemon translated %s, expected %d" % (c.get("JSTAT_SUCCESS"),
                                                                                         N_PACKETS))


def t_xstats(env):
    ports = json.loads(subprocess.run([CTL, "--socket", env["sock"], "--json", "ports", "--xstats"],
                                      capture_output=True, text=True, check=True).stdout)
    ports = ports.get("ports", ports)
    time.sleep(1.1)  # past the exporter's one-second cache
    got = series(metrics(), "xlat64_port_xstat")
    n = 0
    for pt in ports:
        for name, v in pt["xstats"].items():
            key = frozenset({("port", pt["name"]), ("name", name)})
            check(key in got, "no xlat64_port_xstat for port %s, %s" % (pt["name"], name))
            check(got[key] == v, "%s %s: exporter %s, daemon %s" % (pt["name"], name, got[key], v))
            n += 1
    check(n > 0 and n == len(got), "%d xstats from the daemon, %d series served" % (n, len(got)))
    print("  - %d xstats of %d ports, the daemon's values" % (n, len(ports)))


def t_unprivileged(env):
    ver = subprocess.run([EXPORTER, "--version"], capture_output=True, text=True, check=True).stdout.split()
    dver = subprocess.run([DAEMON, "--version"], capture_output=True, text=True, check=True).stdout.split()
    check(ver[0] == "xlat64-exporter" and ver[1:] == dver[1:], "--version: %s (xlat64d: %s)" % (ver, dver))
    port = PORT + 1
    e = subprocess.Popen(["setpriv", "--bounding-set", "-all", "--inh-caps", "-all", "--no-new-privs", EXPORTER,
                          "--socket", env["sock"], "--listen", "127.0.0.1:%d" % port, "--no-xstats"],
                         stdout=subprocess.DEVNULL, stderr=open(os.path.join(env["work"], "exporter2.log"), "w"))
    try:
        body = ""
        for _ in range(50):
            try:
                with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port, timeout=3) as u:
                    body = u.read().decode()
                break
            except OSError:
                time.sleep(0.1)
        with open("/proc/%d/status" % e.pid) as f:
            caps = {k: v.strip() for k, v in (line.split(":", 1) for line in f if line.startswith("Cap"))}
        check(int(caps["CapEff"], 16) == 0 and int(caps["CapBnd"], 16) == 0, "capabilities left: %s" % caps)
        check(value(body, "xlat64_up") == 1, "xlat64_up is not 1 without capabilities")
        check("xlat64_port_xstat" not in body, "--no-xstats served xstats")
        print("  - without capabilities (CapEff %s): xlat64_up 1, no xstats; %s" % (caps["CapEff"], " ".join(ver)))
    finally:
        e.terminate()
        e.wait(15)


def series(body, name):
    """{frozenset of label pairs: value} of one metric."""
    out = {}
    for line in body.splitlines():
        m = re.match(r"^([a-z0-9_]+)(?:\{([^}]*)\})? (\S+)$", line)
        if m and m.group(1) == name:
            labels = frozenset(re.findall(r'(\w+)="([^"]*)"', m.group(2) or ""))
            out[labels] = float(m.group(3))
    return out


def t_nat64(env):
    st = ctl_json(env, "nat64", "status")
    stats = ctl_json(env, "stats")["counters"]
    time.sleep(1.1)  # past the exporter's one-second cache
    body = metrics()
    check(st["sessions"]["udp"] == N_PACKETS and len(st["workers"]) == 2, "nat64 status: %s" % st["sessions"])
    sess, bib, mx = (series(body, n) for n in ("xlat64_nat64_sessions", "xlat64_nat64_bib_entries",
                                               "xlat64_nat64_sessions_max"))
    for w in st["workers"]:
        for p in ("tcp", "udp", "icmp"):
            key = frozenset({("worker", str(w["worker"])), ("protocol", p)})
            check(sess.get(key) == w["sessions"][p] and bib.get(key) == w["bib"][p],
                  "worker %d %s: exporter %s/%s, daemon %s/%s" % (w["worker"], p, sess.get(key), bib.get(key),
                                                                  w["sessions"][p], w["bib"][p]))
        check(mx.get(frozenset({("worker", str(w["worker"]))})) == w["max-sessions"], "max sessions %s" % mx)
    used, ports = series(body, "xlat64_pool4_ports_used"), series(body, "xlat64_pool4_ports")
    check(len(used) == len(st["pool4"]) == 3, "pool4 series: %d, daemon %d" % (len(used), len(st["pool4"])))
    for e in st["pool4"]:
        key = frozenset({("address", e["address"]), ("protocol", e["protocol"].lower())})
        check(used.get(key) == e["used"] and ports.get(key) == e["ports"],
              "pool4 %s: exporter %s of %s, daemon %s of %s" % (sorted(key), used.get(key), ports.get(key),
                                                                e["used"], e["ports"]))
    drops = series(body, "xlat64_dropped_packets_total")
    for labels, v in drops.items():
        reason = dict(labels)["reason"]
        want = stats.get(reason.upper() if reason.startswith("jstat") else "XLAT_" + reason.upper(), 0)
        check(v == want, "drops %s: exporter %s, daemon %s" % (reason, v, want))
    check(len(drops) > 50 and drops.get(frozenset({("reason", "pool4_exhausted")})) is not None, "drop reasons: %d"
          % len(drops))
    print("  - nat64: %d sessions per worker %s, pool4 %s, %d drop reasons: the daemon's"
          % (st["sessions"]["total"], [w["sessions"]["total"] for w in st["workers"]],
             [(e["protocol"], e["used"], e["ports"]) for e in st["pool4"]], len(drops)))


def ctl_json(env, *args):
    return json.loads(subprocess.run([CTL, "--socket", env["sock"], "--json"] + list(args), capture_output=True,
                                     text=True, check=True).stdout)


DASHBOARD = os.path.join(ROOT, "config", "grafana", "xlat64-dashboard.json")


def dashboard_exprs():
    """(panel title, PromQL) of every query of the dashboard, Grafana's variables given values."""
    with open(DASHBOARD) as f:
        dash = json.load(f)
    out = []
    for p in dash["panels"]:
        for t in p.get("targets", []):
            e = t["expr"].replace("$__rate_interval", "1m").replace('"$instance"', '".*"')
            check("$" not in e, "panel %s: a variable left in %s" % (p["title"], e))
            out.append((p["title"], e))
    return out


def t_dashboard(env):
    exprs = dashboard_exprs()
    check(len(exprs) >= 20, "only %d queries" % len(exprs))
    # every expression parses: promtool checks each as a recording rule
    rules = os.path.join(env["work"], "dashboard-rules.yml")
    with open(rules, "w") as f:
        f.write("groups:\n  - name: dashboard\n    rules:\n")
        for i, (_, e) in enumerate(exprs):
            f.write("      - record: xlat64:dashboard_%d\n        expr: %s\n" % (i, json.dumps(e)))
    r = subprocess.run(["promtool", "check", "rules", rules], capture_output=True, text=True)
    check(r.returncode == 0, "promtool check rules (the dashboard's queries): %s" % (r.stdout + r.stderr)[-800:])
    # and names only metrics the exporter serves (in NAT64 mode, where every family is there)
    with open(os.path.join(env["work"], "metrics.txt")) as f:
        served = set(re.findall(r"^# TYPE (\S+) ", f.read(), re.M))
    used = set()
    for title, e in exprs:
        for name in re.findall(r"\bxlat64_[a-z0-9_]+", e):
            check(name in served, "panel %s asks for %s, which the exporter does not serve" % (title, name))
            used.add(name)
    print("  - %d queries parse (promtool) and name %d metrics, all served" % (len(exprs), len(used)))


def dashboard_live(prom_port, want_sessions):
    """Each query of the dashboard on the server: no error; the sessions and pool4 panels give the daemon's."""
    answered = 0
    for title, e in dashboard_exprs():
        q = urllib.parse.quote(e)
        with urllib.request.urlopen("http://127.0.0.1:%d/api/v1/query?query=%s" % (prom_port, q), timeout=5) as u:
            r = json.load(u)
        check(r["status"] == "success", "panel %s: %s: %s" % (title, e, r))
        answered += bool(r["data"]["result"])
        if e.startswith("sum(xlat64_nat64_sessions{"):
            check(float(r["data"]["result"][0]["value"][1]) == want_sessions, "sessions panel: %s" % r["data"])
        if e.startswith("sum by (address, protocol) (xlat64_pool4_ports_used"):
            got = {(x["metric"]["protocol"], float(x["value"][1])) for x in r["data"]["result"]}
            check(("udp", want_sessions / 1000.0) in got, "pool4 panel: %s" % got)
    return answered


def t_http(env):
    before = metrics()
    scrapes = value(before, "xlat64_exporter_scrapes_total")
    check(http(None, b"NONSENSE\r\n\r\n")[0] == 400, "bad request line")
    check(http("/nope")[0] == 404, "unknown path")
    check(http(None, b"POST /metrics HTTP/1.1\r\nContent-Length: 0\r\n\r\n")[0] == 405, "POST")
    check(http(None, b"GET /metrics HTTP/1.1\r\nX-Junk: " + b"a" * 9000 + b"\r\n\r\n")[0] == 431, "huge header")
    check(http("/metrics", b"HEAD /metrics HTTP/1.1\r\n\r\n")[0] == 200, "HEAD")
    # a client that says nothing is answered 408 after 5 s; meanwhile others are served
    slow = socket.create_connection(("127.0.0.1", PORT), timeout=10)
    t0 = time.time()
    check(http("/metrics")[0] == 200, "/metrics while a slow client waits")
    data = slow.recv(4096)
    check(data.startswith(b"HTTP/1.1 408") and 4.5 < time.time() - t0 < 8, "slow client: %r after %.1f s" %
          (data[:40], time.time() - t0))
    slow.close()
    # 40 connections at once: 32 are taken, the rest told 503 at once
    conns = [socket.create_connection(("127.0.0.1", PORT), timeout=5) for _ in range(40)]
    time.sleep(0.3)
    refused = 0
    for s in conns[32:]:
        s.settimeout(2)
        try:
            refused += s.recv(64).startswith(b"HTTP/1.1 503")
        except socket.timeout:
            pass
    for s in conns:
        s.close()
    check(refused == 8, "%d of the 8 connections past 32 were told 503" % refused)
    time.sleep(0.3)
    after = metrics()
    for code, n in (("400", 1), ("404", 1), ("405", 1), ("431", 1), ("408", 1), ("503", 8)):
        got = value(after, "xlat64_exporter_http_responses_total", 'code="%s"' % code) - \
            value(before, "xlat64_exporter_http_responses_total", 'code="%s"' % code)
        check(got >= n, "responses %s: %d, expected %d" % (code, got, n))
    # about 6 s passed, with a dozen requests of /metrics: the daemon was asked at most once a second
    asked = value(after, "xlat64_exporter_scrapes_total") - scrapes
    check(asked <= 10, "the daemon was scraped %d times in ~6 s" % asked)


def t_prometheus(env):
    work = env["work"]
    rules = os.path.join(ROOT, "config", "prometheus", "xlat64-rules.yml")
    r = subprocess.run(["promtool", "check", "rules", rules], capture_output=True, text=True)
    check(r.returncode == 0, "promtool check rules: %s" % (r.stdout + r.stderr)[-600:])
    conf = os.path.join(work, "prometheus.yml")
    with open(conf, "w") as f:
        f.write("global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nrule_files:\n  - %s\n"
                "scrape_configs:\n  - job_name: xlat64\n    static_configs:\n      - targets: ['127.0.0.1:%d']\n"
                % (rules, PORT))
    prom = subprocess.Popen(["prometheus", "--config.file=" + conf, "--storage.tsdb.path=" + os.path.join(work, "tsdb"),
                             "--web.listen-address=127.0.0.1:%d" % PROM_PORT], stdout=subprocess.DEVNULL,
                            stderr=open(os.path.join(work, "prometheus.log"), "w"))
    try:
        st = json.loads(subprocess.run([CTL, "--socket", env["sock"], "--json", "stats"], capture_output=True,
                                       text=True, check=True).stdout)
        want = st.get("counters", st)["JSTAT_SUCCESS"]
        got = None
        for _ in range(60):
            time.sleep(1)
            try:
                q = urllib.parse.quote("sum(xlat64_jstat_success_total)")
                with urllib.request.urlopen("http://127.0.0.1:%d/api/v1/query?query=%s" % (PROM_PORT, q), timeout=3) as u:
                    res = json.load(u)["data"]["result"]
                if res:
                    got = float(res[0]["value"][1])
                    break
            except OSError:
                continue
        check(got == want, "Prometheus answered %s, the daemon says %s" % (got, want))
        with urllib.request.urlopen("http://127.0.0.1:%d/api/v1/rules" % PROM_PORT, timeout=3) as u:
            groups = json.load(u)["data"]["groups"]
        loaded = [r for g in groups for r in g["rules"]]
        check(len(loaded) >= 2 and all(r.get("health") == "ok" for r in loaded),
              "rules: %s" % [(r["name"], r.get("health"), r.get("lastError")) for r in loaded])
        time.sleep(2)  # rate() over the last minute needs two scrapes of every series
        answered = dashboard_live(PROM_PORT, N_PACKETS)
        print("  - Prometheus: sum(xlat64_jstat_success_total) = %g, as the daemon; %d rules loaded and healthy; "
              "the dashboard's %d queries ran, %d with series" % (got, len(loaded), len(dashboard_exprs()), answered))
    finally:
        prom.terminate()
        prom.wait(20)


def main():
    verbose = "-v" in sys.argv
    for tool in ("promtool", "prometheus"):
        if subprocess.run(["which", tool], capture_output=True).returncode:
            print("exporter: %s is not installed (scripts/deps.sh installs it)" % tool)
            print("0 passed, 1 failed")
            return 1
    npass = nfail = 0
    with tempfile.TemporaryDirectory() as work:
        sock = os.path.join(work, "ctl.sock")
        # N_PACKETS flows from one host: as many NAT64 sessions, on its worker
        P.write_pcap(os.path.join(work, "in6.pcap"),
                     [P.in_frame(IPv6(src="2001:db8::1", dst="64:ff9b::cb00:7105") / UDP(sport=1000 + i, dport=53) /
                                 Raw(b"x" * 20), "v6") for i in range(N_PACKETS)])
        P.write_pcap(os.path.join(work, "in4.pcap"), [])
        P.write_pcap(os.path.join(work, "empty.pcap"), [])
        cfg = P.base_config(work, 0, os.getpid() % 1000, 2)
        cfg["eal"][cfg["eal"].index("--file-prefix") + 1] = "prom%d" % os.getpid()
        cfg["control"] = {"socket": sock}
        cfg["mode"] = "nat64"
        cfg["pool4"] = [{"protocol": p, "prefix": "192.0.2.1/32", "port range": "2000-2999"}
                        for p in ("TCP", "UDP", "ICMP")]
        path = os.path.join(work, "cfg.json")
        with open(path, "w") as f:
            json.dump(cfg, f)
        d = subprocess.Popen([DAEMON, "--config", path], cwd=work, stdout=subprocess.DEVNULL,
                             stderr=open(os.path.join(work, "xlat64d.log"), "w"))
        e = None
        try:
            for _ in range(200):
                if os.path.exists(sock):
                    break
                time.sleep(0.1)
            for _ in range(100):  # the pcap is read once the daemon runs
                st = json.loads(subprocess.run([CTL, "--socket", sock, "--json", "stats"], capture_output=True,
                                               text=True).stdout or "{}")
                if st.get("counters", {}).get("JSTAT_SUCCESS", 0) >= N_PACKETS:
                    break
                time.sleep(0.1)
            e = subprocess.Popen([EXPORTER, "--socket", sock, "--listen", "127.0.0.1:%d" % PORT],
                                 stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, "exporter.log"), "w"))
            time.sleep(0.5)
            env = {"work": work, "sock": sock}
            for name, fn in (("exposition", t_exposition), ("values", t_values), ("nat64", t_nat64),
                             ("dashboard", t_dashboard), ("xstats", t_xstats), ("unprivileged", t_unprivileged),
                             ("http", t_http), ("prometheus", t_prometheus)):
                try:
                    fn(env)
                    print("PASS %s" % name)
                    npass += 1
                except Exception as ex:  # noqa: BLE001 (every failure is reported the same way)
                    print("FAIL %s: %s" % (name, ex))
                    nfail += 1
                    if verbose:
                        import traceback
                        traceback.print_exc()
        finally:
            for p in (e, d):
                if p:
                    p.terminate()
                    try:
                        p.wait(15)
                    except subprocess.TimeoutExpired:
                        p.kill()
    print("%d passed, %d failed" % (npass, nfail))
    return 1 if nfail else 0


if __name__ == "__main__":
    sys.exit(main())
