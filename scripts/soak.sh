#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Soak: xlat64d in NAT64 mode (config/lab-nat64.json, two workers) in the lab, mixed traffic
# (ping, UDP flows, TCP connections from both IPv6 hosts, UDP from the IPv4 side through a static
# BIB entry) plus control-socket changes for --minutes, then the traffic stops and the sessions
# drain by their timeouts (set short through the socket: ICMP 10 s; UDP and TCP transitory at the
# minimums the configuration allows, 2 and 4 minutes). It checks:
#   - the daemon never crashed and exits 0 on SIGTERM;
#   - every traffic round succeeded (all UDP flows answered, all TCP connections echoed, pings);
#   - every control request was answered ok;
#   - the session count goes back to 0 after the timeouts, the packet pool's in-use gauge back to
#     the idle baseline, the daemon's RSS stays flat;
#   - no counter that should stay 0 moved (refusals, malformed, no mbuf, ring full, ...).
# Prints figures and PASS or FAIL last; exit 1 on FAIL.
#
#   sudo scripts/soak.sh [--minutes N] [--drain-max SECONDS]      (default 3 minutes, drain up to 300 s)
#   XLAT64_BUILD=DIR picks the build (default build/). Takes the lab lock itself.
set -uo pipefail

MINUTES=3
DRAIN_MAX=300
while (($#)); do
	case $1 in
	--minutes) MINUTES=$2; shift 2 ;;
	--drain-max) DRAIN_MAX=$2; shift 2 ;;
	-h | --help) sed -n '3,19p' "$0"; exit 0 ;;
	*) echo "soak: unknown argument $1" >&2; exit 2 ;;
	esac
done
[[ $(id -u) -eq 0 ]] || { echo "soak: run as root" >&2; exit 2; }
# the lab is shared: one user at a time
if [[ -z "${SOAK_LOCKED:-}" ]]; then
	SOAK_LOCKED=1 exec flock /tmp/xlat64-lab.lock "$0" --minutes "$MINUTES" --drain-max "$DRAIN_MAX"
fi

. "$(dirname "$0")/../tests/e2e/lib.sh"
[[ -x "$XLAT64D" ]] || { echo "soak: $XLAT64D not built" >&2; exit 2; }
e2e_init

NS_H6B=x64-h6b
POOL4=192.0.2.1
FLOWS="$PY $E2E_DIR/nat64flows.py"
FAIL=0
fail() { echo "soak: FAIL: $*"; FAIL=1; }

# req JSON: one control request; prints the reply; status 1 unless "ok": true. A change waits for an RCU
# grace period (both workers' next poll round), which a loaded machine can make slow: 20 s allowed.
req() {
	timeout 25 $CTL request "$DAEMON_SOCK" "$1" 20
}
jget() { $PY -c 'import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1], {"d": d}))' "$1"; }
counter() { req '{"command": "stats", "all": true}' | jget "d['counters']['$1']"; }
sessions() { req '{"command": "session", "limit": 1}' | jget "d['total']"; }
rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$DAEMON_PID/status" 2>/dev/null || echo 0; }

echo "soak: work dir $WORK, traffic for $MINUTES min, drain up to $DRAIN_MAX s"
"$ROOT/scripts/lab.sh" up >/dev/null || { echo "soak: lab up failed"; echo FAIL; exit 1; }

bg "$NS_H4" "$WORK/udp4.log" $FLOWS udp-server 0.0.0.0 7
bg "$NS_H4" "$WORK/tcp4.log" $FLOWS tcp-server 0.0.0.0 9000
bg "$NS_H6" "$WORK/udp6.log" $PY "$E2E_DIR/udpecho.py" server :: 9001
wait_tcp "$NS_H4" 0.0.0.0 9000 && wait_udp "$NS_H4" 7 && wait_udp "$NS_H6" 9001 ||
	{ echo "soak: servers did not start"; echo FAIL; exit 1; }

extra=()
if [[ -n "${E2E_NOHUGE:-}" ]] || (($(hugepages_free_mb) < 300)); then extra+=(nohuge=1); fi
$CTL mkconfig "$ROOT/config/lab-nat64.json" "$WORK/nat64.json" "socket=$WORK/ctl.sock" "${extra[@]}"
if ((${#extra[@]})); then # no hugepages: 512 MB of ordinary memory, tables to match (the soak peaks near 10k sessions)
	$PY - "$WORK/nat64.json" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1]))
c["eal"][c["eal"].index("-m") + 1] = "512"
c["global"]["max-sessions-per-worker"] = 16384
json.dump(c, open(sys.argv[1], "w"), indent=2)
EOF
fi
daemon_start "$WORK/nat64.json" || { echo FAIL; exit 1; }

# short timeouts through the socket (the minimums for UDP and TCP transitory)
req '{"command": "global", "op": "set", "values": {"icmp-timeout": "0:00:10", "udp-timeout": "0:02:00", "tcp-trans-timeout": "0:04:00"}}' \
	>"$WORK/timeouts.json" || fail "setting the timeouts: $(cat "$WORK/timeouts.json")"
sleep 1
BASE_MBUF=$(counter XLAT_MBUF_IN_USE)
BASE_RSS=$(rss_kb)
SNAP0=$WORK/stats.start.json
req '{"command": "stats", "all": true}' >"$SNAP0"

# ---------------------------------------------------------------- traffic, changes
END=$(($(date +%s) + MINUTES * 60))
loop() { # NAME CMD...: run CMD in rounds until END; one line per round in $WORK/NAME.rounds
	local name=$1
	shift
	while (($(date +%s) < END)); do
		if "$@" >>"$WORK/$name.log" 2>&1; then echo ok; else echo failed; fi >>"$WORK/$name.rounds"
	done
}
ping_round() { # NS: 40 echo requests (a new identifier, so a new ICMP session, each round), 2 may be lost
	local out rx
	out=$(T=30 nsx "$1" ping -n -q -c 40 -i 0.05 -W 5 "$H4_FROM_V6" 2>&1)
	rx=$(sed -n 's/.* \([0-9]\+\) received.*/\1/p' <<<"$out")
	((${rx:-0} >= 38))
}
udp_round() { T=40 nsx "$NS_H6" $FLOWS udp-flows "$H4_FROM_V6" 7 200 20; }        # 200 new UDP flows
# 50 TCP connections a round, as fast as they go: all of x64-h6b's connections to one server port (and
# x64-h6's UDP flows) start their pool4 port search at one place (f-args 11 leaves the source port out),
# which RFC 6056 algorithm 3's counter must keep from running out of max-iterations (found by this soak)
tcp_round() { T=40 nsx "$NS_H6B" $FLOWS tcp-conns "$H4_FROM_V6" 9000 50 20; }
static_round() { # IPv4-initiated through the static BIB entry: 20 datagrams, one may be lost on a loaded machine
	local out n
	out=$(T=40 nsx "$NS_H4" $PY "$E2E_DIR/udpecho.py" client "$POOL4" 9001 20 2>&1)
	echo "$out"
	n=$(sed -n 's/^udp: \([0-9]\+\)\/20 .*/\1/p' <<<"$out")
	((${n:-0} >= 19))
}
loop ping_h6 ping_round "$NS_H6" &
P1=$!
loop ping_h6b ping_round "$NS_H6B" &
P2=$!
loop udp_h6 udp_round &
P3=$!
loop tcp_h6b tcp_round &
P4=$!
loop udp_static static_round &
P5=$!

NREQ=0
NREQ_FAIL=0
REQ_MAX_MS=0
creq() { # a control request that must succeed; the slowest answer is reported
	local t0 ms
	NREQ=$((NREQ + 1))
	t0=$(date +%s%N)
	req "$1" >>"$WORK/ctl.log" 2>&1 || { NREQ_FAIL=$((NREQ_FAIL + 1)); echo "failed: $1" >>"$WORK/ctl.log"; }
	ms=$((($(date +%s%N) - t0) / 1000000))
	((ms > REQ_MAX_MS)) && REQ_MAX_MS=$ms
	return 0
}
PEAK_SESS=0
PEAK_MBUF=0
PEAK_RSS=0
i=0
while (($(date +%s) < END)); do
	i=$((i + 1))
	kill -0 "$DAEMON_PID" 2>/dev/null || { fail "xlat64d died during the traffic"; break; }
	creq "{\"command\": \"global\", \"op\": \"set\", \"name\": \"icmp-errors-per-sec\", \"value\": $((500 + (i % 2) * 500))}"
	# a second UDP address: workers map new flows onto it, and its removal below purges them
	creq '{"command": "pool4", "op": "add", "protocol": "UDP", "prefix": "192.0.2.9/32", "port range": "5000-6000"}'
	creq '{"command": "bib", "op": "add", "protocol": "UDP", "ipv6 address": "2001:db8:6::2#9100", "ipv4 address": "192.0.2.1#9100"}'
	creq '{"command": "session", "limit": 50}'
	creq '{"command": "bib", "protocol": "TCP"}'
	creq '{"command": "ports"}'
	creq '{"command": "config", "op": "dump"}'
	creq '{"command": "bib", "op": "remove", "protocol": "UDP", "ipv4 address": "192.0.2.1#9100"}'
	creq '{"command": "pool4", "op": "remove", "prefix": "192.0.2.9/32"}'
	s=$(sessions 2>/dev/null || echo 0)
	m=$(counter XLAT_MBUF_IN_USE 2>/dev/null || echo 0)
	r=$(rss_kb)
	((s > PEAK_SESS)) && PEAK_SESS=$s
	((m > PEAK_MBUF)) && PEAK_MBUF=$m
	((r > PEAK_RSS)) && PEAK_RSS=$r
	echo "$(date +%T) sessions $s mbufs-in-use $m rss-kb $r" >>"$WORK/samples.log"
	sleep 3
done
for p in $P1 $P2 $P3 $P4 $P5; do wait "$p"; done
kill -0 "$DAEMON_PID" 2>/dev/null || fail "xlat64d died during the traffic"

rounds() { # NAME: "ok/total"
	local ok tot
	ok=$(grep -c '^ok' "$WORK/$1.rounds" 2>/dev/null)
	tot=$(wc -l <"$WORK/$1.rounds" 2>/dev/null || echo 0)
	echo "${ok:-0}/${tot:-0}"
}
for n in ping_h6 ping_h6b udp_h6 tcp_h6b udp_static; do
	r=$(rounds $n)
	echo "soak: traffic $n: $r rounds ok"
	[[ ${r%/*} == "${r#*/}" && ${r#*/} -gt 0 ]] || fail "traffic $n: $r rounds ok (log $WORK/$n.log)"
done
echo "soak: control requests: $NREQ, failed $NREQ_FAIL, slowest answer $REQ_MAX_MS ms"
((NREQ_FAIL == 0)) || fail "$NREQ_FAIL control requests failed (see $WORK/ctl.log)"

# ---------------------------------------------------------------- drain
t0=$(date +%s)
S_END=$(sessions)
while :; do
	s=$(sessions 2>/dev/null || echo -1)
	echo "$(date +%T) drain sessions $s" >>"$WORK/samples.log"
	((s == 0)) && break
	(($(date +%s) - t0 >= DRAIN_MAX)) && break
	sleep 5
done
DRAIN_S=$(($(date +%s) - t0))
sleep 1
END_MBUF=$(counter XLAT_MBUF_IN_USE)
END_RSS=$(rss_kb)
SNAP1=$WORK/stats.end.json
req '{"command": "stats", "all": true}' >"$SNAP1"
echo "soak: sessions: peak $PEAK_SESS, $S_END when the traffic stopped, $s after ${DRAIN_S}s of drain"
((s == 0)) || fail "$s sessions left after ${DRAIN_S}s (timeouts: ICMP 10 s, UDP 2 min, TCP transitory 4 min)"
echo "soak: packet pool in use: baseline $BASE_MBUF, peak $PEAK_MBUF, end $END_MBUF"
((END_MBUF <= BASE_MBUF)) || fail "XLAT_MBUF_IN_USE $END_MBUF at the end, baseline $BASE_MBUF"
echo "soak: daemon RSS: start ${BASE_RSS} kB, peak ${PEAK_RSS} kB, end ${END_RSS} kB"
# the pools and tables are preallocated: RSS may grow while pages are first touched, not without bound
((END_RSS <= BASE_RSS + 65536)) || fail "RSS grew by $((END_RSS - BASE_RSS)) kB"

# counters: figures, and the ones that must not move
$PY - "$SNAP0" "$SNAP1" <<'EOF' >"$WORK/counters.txt"
import json, sys
def c(p):
    d = json.load(open(p))
    return d["counters"]
a, b = c(sys.argv[1]), c(sys.argv[2])
for k in sorted(b):
    if isinstance(b[k], int) and b[k] - a.get(k, 0):
        print(k, b[k] - a.get(k, 0))
EOF
delta() { awk -v k="$1" '$1 == k { print $2 }' "$WORK/counters.txt" | grep . || echo 0; }
# every session ends by expiry or by a configuration change (pool4 192.0.2.9 removed under traffic: the
# UDP sessions a worker had mapped onto it go, nat64_purge); none vanishes, none is counted twice
PURGED=$(sed -n 's/.*: \([0-9]\+\) NAT64 sessions removed with the configuration change.*/\1/p' "$DAEMON_LOG" |
	awk '{ s += $1 } END { print s + 0 }')
CREATED=$(delta XLAT_NAT64_SESSION_CREATED)
EXPIRED=$(delta XLAT_NAT64_EXPIRED)
echo "soak: sessions created $CREATED = expired $EXPIRED + removed by configuration changes $PURGED + left $s"
((CREATED == EXPIRED + PURGED + s)) || fail "sessions created $CREATED != expired $EXPIRED + purged $PURGED + left $s"
echo "soak: translated $(delta JSTAT_SUCCESS) packets (received IPv6 $(delta JSTAT_RECEIVED6), IPv4 $(delta JSTAT_RECEIVED4)), handoffs $(delta XLAT_HANDOFF_OUT)"
for k in XLAT_POOL4_EXHAUSTED XLAT_NAT64_TABLE_FULL XLAT_HANDOFF_FULL XLAT_NO_MBUF XLAT_RX_MULTISEG XLAT_RX_BAD_L2 \
	XLAT_HOST_QUEUE_FULL XLAT_RESOLVE_FAILED XLAT_NEIGH_FULL JSTAT_FAILED_ROUTES JSTAT_HDR4 JSTAT_HDR6 \
	JSTAT_SKB_TRUNCATED JSTAT_UNKNOWN_L4_PROTO JSTAT_SO_FULL XLAT_NAT64_FRAGMENT \
	JSTAT_SESSION_NOT_FOUND JSTAT_HAIRPIN_LOOP JSTAT64_SRC XLAT_DENYLIST4 JSTAT_XLATOR_DISABLED; do
	v=$(delta "$k")
	((v == 0)) || fail "$k moved by $v"
done
echo "soak: other non-zero counter deltas: $(awk '{ printf "%s=%s ", $1, $2 }' "$WORK/counters.txt")"

# what the ports themselves lost (af_packet rings, no mbuf), which no translator counter sees
req '{"command": "ports"}' | $PY -c 'import json, sys
p = json.load(sys.stdin)["ports"]
print("soak: ports: " + ", ".join("%s rx %d tx %d rx-missed %d rx-nombuf %d rx-errors %d tx-errors %d" % (
    x["name"], x["rx-packets"], x["tx-packets"], x["rx-missed"], x["rx-nombuf"], x["rx-errors"], x["tx-errors"])
    for x in p))'
daemon_stop
echo "soak: xlat64d exit status $DAEMON_RC after SIGTERM"
((DAEMON_RC == 0)) || fail "xlat64d exit status $DAEMON_RC"
if ((FAIL)); then
	NFAIL=1 # keep the work directory
	echo FAIL
	exit 1
fi
echo PASS
