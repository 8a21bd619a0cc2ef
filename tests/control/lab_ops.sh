#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The operator's views (issue 19) against real traffic in the NAT64 lab (scripts/lab.sh, config/lab-nat64.json:
# two workers, af_packet ports). Run by tests/control/run.sh under flock /tmp/xlat64-lab.lock.
#
#   1. flows: x64-h6 opens 200 UDP flows, 40 TCP connections and a ping, x64-h6b 100 UDP flows (to echo
#      servers on x64-h4); "nat64 status" says as many sessions and BIB entries per protocol as the session
#      list holds, per worker and in all, and pool4 192.0.2.1 holds as many ports as there are BIB entries
#   2. subscribers: "subscriber show" of x64-h6's address and of x64-h6b's /64, "subscriber top /64",
#      against the session list
#   3. top: xlat64ctl top in a real terminal (tmux, 160x40) while x64-h6 sends 300 UDP datagrams a second
#      (echoed), x64-h4 50 a second to a pool4 port nobody holds (dropped: JSTAT_BIB4_NOT_FOUND) and x64-h6
#      pings the box 20 times a second (the exception path); the screen's rates are compared with the
#      daemon's counters over the same seconds, its sessions with "nat64 status"; q quits it
# Env: XLAT64D, XLAT64CTL, WORK (a directory for logs). Prints "  - ..." lines; exit 0 when every check passed.
set -uo pipefail

LAB_NAME=lab_ops
L=$WORK/lab-ops
LAB_BEFORE_CLEANUP="tmux -S $L/tmux.sock kill-server"
# shellcheck source=tests/control/lab_common.sh
. "$(dirname "$0")/lab_common.sh"
FLOWS="/usr/bin/python3 $ROOT/tests/e2e/nat64flows.py"
NS_H6B=x64-h6b
TMUX=(tmux -S "$L/tmux.sock")
H4_FROM_V6=64:ff9b::198.51.100.2

bg() { # NS LOG CMD...
	local ns=$1 log=$2
	shift 2
	ip netns exec "$ns" timeout 300 "$@" >"$log" 2>&1 &
	BG+=($!)
}

"$LAB" up >"$L/lab.log" 2>&1 || die "lab up failed: $(tail -n 3 "$L/lab.log")"
lab_config lab-nat64.json
daemon_up

# ------------------------------------------------------------ 1. flows
bg "$NS_H4" "$L/udp-server.log" $FLOWS udp-server 0.0.0.0 7000
bg "$NS_H4" "$L/tcp-server.log" $FLOWS tcp-server 0.0.0.0 7001
sleep 1
ip netns exec "$NS_H6" timeout 60 $FLOWS udp-flows "$H4_FROM_V6" 7000 200 20 >"$L/h6-udp.log" 2>&1 || die "x64-h6 UDP flows: $(cat "$L/h6-udp.log")"
ip netns exec "$NS_H6B" timeout 60 $FLOWS udp-flows "$H4_FROM_V6" 7000 100 20 >"$L/h6b-udp.log" 2>&1 || die "x64-h6b UDP flows: $(cat "$L/h6b-udp.log")"
ip netns exec "$NS_H6" timeout 60 $FLOWS tcp-conns "$H4_FROM_V6" 7001 40 20 >"$L/h6-tcp.log" 2>&1 || die "x64-h6 TCP: $(cat "$L/h6-tcp.log")"
ip netns exec "$NS_H6" timeout 20 ping -n -c 2 -i 0.2 "$H4_FROM_V6" >"$L/ping.log" 2>&1 || die "ping: $(cat "$L/ping.log")"
echo "  - traffic: $(cat "$L/h6-udp.log"), $(cat "$L/h6b-udp.log"), $(cat "$L/h6-tcp.log") (x64-h6), a ping"

ctl --json nat64 status >"$L/status.json" && ctl --json session limit 10000 >"$L/sessions.json" || die "status or session list failed"
$PY - "$L/status.json" "$L/sessions.json" <<'EOF' || die "nat64 status does not match the sessions"
import json, sys
st, se = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
sess = {"tcp": 0, "udp": 0, "icmp": 0}
per_w = {}
bibs = set()
for s in se["sessions"]:
    p = s["protocol"].lower()
    sess[p] += 1
    per_w.setdefault(s["worker"], {"tcp": 0, "udp": 0, "icmp": 0})[p] += 1
    bibs.add((p, s["ipv4 address"], s["worker"]))
assert sess == {"tcp": 40, "udp": 300, "icmp": 1}, "the session list: %s" % sess
for p in sess:
    assert st["sessions"][p] == sess[p], ("sessions", p, st["sessions"], sess)
    assert st["bib"][p] == len({b for b in bibs if b[0] == p}), ("bib", p, st["bib"])
for w in st["workers"]:
    want = per_w.get(w["worker"], {"tcp": 0, "udp": 0, "icmp": 0})
    got = {p: w["sessions"][p] for p in want}
    assert got == want, ("worker", w["worker"], got, want)
assert len(st["workers"]) == 2 and all(w["sessions"]["total"] > 0 for w in st["workers"]), st["workers"]
pool = {(e["protocol"], e["address"]): e for e in st["pool4"]}
assert pool[("UDP", "192.0.2.1")]["used"] == 300 and pool[("UDP", "192.0.2.1")]["ports"] == 64512, pool
assert pool[("TCP", "192.0.2.1")]["used"] == 40 and pool[("ICMP", "192.0.2.1")]["used"] == 1, pool
assert all(v == 0 for v in st["limits"].values()), st["limits"]
print("  - nat64 status: sessions %s, workers %s, pool4 UDP %d of %d ports: as the session list says"
      % (st["sessions"], [w["sessions"]["total"] for w in st["workers"]], pool[("UDP", "192.0.2.1")]["used"],
         pool[("UDP", "192.0.2.1")]["ports"]))
EOF

# ------------------------------------------------------ 2. subscribers
ctl --json subscriber 2001:db8:6::2 >"$L/sub-h6.json" && ctl --json subscriber 2001:db8:7::/64 >"$L/sub-h6b.json" &&
	ctl --json subscriber top /64 >"$L/top64.json" && ctl --json subscriber top /128 limit 1 >"$L/top128.json" ||
	die "subscriber requests failed"
$PY - "$L" <<'EOF' || die "the subscriber views do not match the sessions"
import json, os, sys
d = sys.argv[1]
se = json.load(open(os.path.join(d, "sessions.json")))["sessions"]
h6, h6b = (json.load(open(os.path.join(d, f))) for f in ("sub-h6.json", "sub-h6b.json"))
t64, t128 = (json.load(open(os.path.join(d, f))) for f in ("top64.json", "top128.json"))
w6 = {s["worker"] for s in se if s["ipv6 address"].startswith("2001:db8:6::2#")}
assert len(w6) == 1 and h6["workers"] == sorted(w6), ("a host has one owner", w6, h6["workers"])
assert (h6["sessions"]["udp"], h6["sessions"]["tcp"], h6["sessions"]["icmp"]) == (200, 40, 1), h6
assert h6["pool4"] == [{"protocol": p, "address": "192.0.2.1", "used": n} for p, n in (("UDP", 200), ("TCP", 40), ("ICMP", 1))] \
    or sorted(map(json.dumps, h6["pool4"])) == sorted(json.dumps({"protocol": p, "address": "192.0.2.1", "used": n})
                                                      for p, n in (("UDP", 200), ("TCP", 40), ("ICMP", 1))), h6["pool4"]
assert h6b["sessions"]["total"] == h6b["sessions"]["udp"] == 100 and h6b["workers"] == [0, 1], h6b
got = [(x["prefix"], x["sessions"]["total"], x["bib"]["total"]) for x in t64["subscribers"]]
assert got == [("2001:db8:6::/64", 241, 241), ("2001:db8:7::/64", 100, 100)], got
assert t128["total"] == 2 and t128["more"] and t128["subscribers"][0]["prefix"] == "2001:db8:6::2/128", t128
print("  - subscriber 2001:db8:6::2 (worker %s): %s; 2001:db8:7::/64: %s; top /64: %s" %
      (h6["workers"], h6["sessions"], h6b["sessions"], got))
EOF

# --------------------------------------------------------------- 3. top
PACED='
import socket, sys, time
fam = socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET
s = socket.socket(fam, socket.SOCK_DGRAM)
s.setblocking(False)
rate, secs, t0, n = float(sys.argv[3]), float(sys.argv[4]), time.monotonic(), 0
while time.monotonic() - t0 < secs:
    due = int((time.monotonic() - t0) * rate)
    while n < due:
        try:
            s.sendto(b"x" * 64, (sys.argv[1], int(sys.argv[2])))
        except BlockingIOError:
            pass
        n += 1
    try:
        while s.recv(2048):
            pass
    except BlockingIOError:
        pass
    time.sleep(0.002)
print("sent", n)
'
bg "$NS_H6" "$L/paced6.log" $PY -c "$PACED" "$H4_FROM_V6" 7000 300 25
bg "$NS_H4" "$L/paced4.log" $PY -c "$PACED" 192.0.2.1 40000 50 25
bg "$NS_H6" "$L/ping-box.log" ping -n -i 0.05 -w 25 2001:db8:6::1
"${TMUX[@]}" new-session -d -s top -x 160 -y 40 "$XLAT64CTL --socket $SOCK top; echo \$? >$L/top.rc" ||
	die "tmux did not start"
sleep 5 # the senders at their rates, top past its first frames

# Daemon counters around one screen: stats and ports at t0, the screen at t0 + 1.5 s, again at t0 + 3 s.
snap() { ctl --json stats >"$L/$1.stats" && ctl --json ports >"$L/$1.ports" && ctl --json nat64 status >"$L/$1.status" && date +%s.%N >"$L/$1.t"; }
ok=
for attempt in 1 2 3; do
	snap a || die "counters"
	sleep 1.5
	"${TMUX[@]}" capture-pane -p -t top >"$L/screen.$attempt" || die "capture-pane"
	sleep 1.5
	snap b || die "counters"
	if $PY - "$L" "$attempt" <<'EOF'; then
import json, os, re, sys
d, at = sys.argv[1], sys.argv[2]
screen = open(os.path.join(d, "screen." + at)).read()
J = lambda n: json.load(open(os.path.join(d, n)))
dt = float(open(os.path.join(d, "b.t")).read()) - float(open(os.path.join(d, "a.t")).read())
ca, cb = J("a.stats")["counters"], J("b.stats")["counters"]
rate = lambda k: (cb.get(k, 0) - ca.get(k, 0)) / dt
port = {p["name"]: p for p in J("a.ports")["ports"]}
portb = {p["name"]: p for p in J("b.ports")["ports"]}
prate = lambda n, k: (portb[n][k] - port[n][k]) / dt
bad = []
def near(what, shown, want, tol=0.35, slack=15):
    ok = abs(shown - want) <= max(tol * want, slack)
    print("    %-28s top %8.1f, the daemon's counters %8.1f%s" % (what, shown, want, "" if ok else "  <-- off"))
    if not ok:
        bad.append(what)
def field(pattern):
    m = re.search(pattern, screen, re.M)
    if not m:
        bad.append("no /%s/ on the screen" % pattern)
        return None
    return m.groups()
print("  - attempt %s, %.1f s of counters around the screen:" % (at, dt))
v6 = field(r"^v6\s+(\d+)\s+(\d+)\s")
if v6:
    near("v6 RX pps", float(v6[0]), prate("v6", "rx-packets"))
    near("v6 TX pps", float(v6[1]), prate("v6", "tx-packets"))
    if float(v6[0]) < 0.6 * 300:
        bad.append("v6 receives %s pps of the 300 sent" % v6[0])
v4 = field(r"^v4\s+(\d+)\s+(\d+)\s")
if v4:
    near("v4 RX pps", float(v4[0]), prate("v4", "rx-packets"))
tr = field(r"^TRANSLATOR.*\n\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*$")
if tr:
    near("6->4 pps", float(tr[0]), rate("JSTAT_RECEIVED6"))
    near("4->6 pps", float(tr[1]), rate("JSTAT_RECEIVED4"))
    near("translated/s", float(tr[2]), rate("JSTAT_SUCCESS"))
dr = field(r"^TOP DROPS.*\n(\S+)\s+(\d+)\s")
if dr:
    if dr[0] != "JSTAT_BIB4_NOT_FOUND":
        bad.append("the top drop reason is %s, not JSTAT_BIB4_NOT_FOUND" % dr[0])
    near("JSTAT_BIB4_NOT_FOUND/s", float(dr[1]), rate("JSTAT_BIB4_NOT_FOUND"))
ss = field(r"^NAT64\s+sessions (\d+) \(TCP (\d+), UDP (\d+), ICMP (\d+)\) of (\d+), BIB (\d+)")
sa, sb = J("a.status"), J("b.status")
if ss:
    print("    sessions: top %s; nat64 status before %d, after %d" % (ss[0], sa["sessions"]["total"], sb["sessions"]["total"]))
    if not sa["sessions"]["total"] <= int(ss[0]) <= sb["sessions"]["total"] and \
       not sb["sessions"]["total"] <= int(ss[0]) <= sa["sessions"]["total"]:
        bad.append("sessions")
    if int(ss[4]) != sa["max-sessions"]:
        bad.append("max sessions %s vs %d" % (ss[4], sa["max-sessions"]))
wk = field(r"^WORKERS\s+W0\s+([\d.]+)%\s+W1\s+([\d.]+)%")
if wk and not all(0 <= float(x) <= 100 for x in wk):
    bad.append("worker load %s" % (wk,))
ex = field(r"^EXCEPTION\s+to host/s (\d+),")
if ex:
    near("exception path to host/s", float(ex[0]), rate("XLAT_TO_HOST"))
    if float(ex[0]) < 10:
        bad.append("to host/s %s: the 20 pings a second do not show" % ex[0])
if bad:
    print("    off: %s" % bad)
    sys.exit(1)
EOF
		ok=1
		break
	fi
	sed 's/^/    | /' "$L/screen.$attempt"
done
[[ -n $ok ]] || die "top's screen and the daemon's counters disagree (3 attempts)"
sed -n '1,16p' "$L/screen.$attempt" | sed 's/^/    | /'
"${TMUX[@]}" send-keys -t top q
for i in $(seq 1 30); do
	"${TMUX[@]}" has-session -t top 2>/dev/null || break
	sleep 0.1
done
! "${TMUX[@]}" has-session -t top 2>/dev/null || die "top is still running 3 s after q"
[[ $(cat "$L/top.rc" 2>/dev/null) == 0 ]] || die "top exited with '$(cat "$L/top.rc" 2>/dev/null)'"
echo "  - q: top quit (exit 0) within $((i * 100)) ms"

# ------------------------------------------------------------------ end
daemon_down
