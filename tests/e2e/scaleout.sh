#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Scale-out behind BGP and ECMP (issue 18; doc/operations.md "Scaling out behind ECMP"), with the real
# routing daemon: an upstream router (x64s-rtr, BIRD 2, ECMP) with an IPv6-only host (x64s-h6) and an
# IPv4-only server (x64s-h4) behind it, and two boxes (x64s-b1, x64s-b2), each xlat64d with BIRD on its
# host side peering with the router over the exception path's TAPs (eBGP + BFD 100 ms x 3), announcing what
# xlat64d puts in routing table 6464 while it translates (config/scaleout/).
#
#   x64s-h6 -- r6h [x64s-rtr] r1v6/r1v4 == p6/p4 [x64s-b1: xlat64d + BIRD]
#   x64s-h4 -- r4h            r2v6/r2v4 == p6/p4 [x64s-b2: xlat64d + BIRD]
#
# SIIT: flows spread over both boxes; kill -9 of one box's xlat64d under traffic: how long its flows are
# black-holed (measured), SIIT flows go on through the other, the router withdrew the dead box; restarted,
# it rejoins and takes traffic again. NAT64: each box's pool4 slice routes its replies back to it (no
# session misses), and a dead box's slice is withdrawn. The rate with one box and with two (the generator
# on this machine limits it: a ratio, not an assertion). Hosts keep the kernel's defaults.
# Run as root after a build:  flock /tmp/xlat64-lab.lock tests/e2e/scaleout.sh
#   E2E_KEEP=1 keep the work directory; XLAT64_BUILD=DIR build directory
# Prints "PASS name" / "FAIL name" per test and "N passed, M failed" last; exit 1 on any failure.
set -uo pipefail

. "$(dirname "$0")/lib.sh"

[[ $(id -u) -eq 0 ]] || { echo "e2e-scaleout: must run as root" >&2; exit 1; }
[[ -x "$XLAT64D" ]] || { echo "e2e-scaleout: $XLAT64D not built" >&2; echo "0 passed, 1 failed"; exit 1; }
command -v bird >/dev/null || { echo "e2e-scaleout: bird (bird2) is not installed" >&2; echo "0 passed, 1 failed"; exit 1; }

CFG=$ROOT/config/scaleout
RTR=x64s-rtr
B=(x64s-b1 x64s-b2)
S6=x64s-h6
S4=x64s-h4
SNS=("$S6" "$S4" "${B[@]}" "$RTR")
H4=198.51.100.2
H4_FROM_V6=64:ff9b::198.51.100.2
declare -A DPID BPID SOCKS

s_down() { ns_purge "${SNS[@]}"; }

s_up() {
	s_down
	local ns b
	for ns in "${SNS[@]}"; do
		ip netns add "$ns"
		ip -n "$ns" link set lo up
		# static addressing only: no SLAAC, RS or DAD waits
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 \
			net.ipv6.conf.all.accept_ra=0 net.ipv6.conf.default.accept_ra=0
	done
	# the router: forwarding, multipath by addresses and ports
	ip netns exec "$RTR" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 \
		net.ipv4.fib_multipath_hash_policy=1 net.ipv6.fib_multipath_hash_policy=1
	ip -n "$RTR" link add r6h type veth peer name eth0 netns "$S6"
	ip -n "$RTR" link add r4h type veth peer name eth0 netns "$S4"
	ip -n "$RTR" addr add 2001:db8:10::1/64 dev r6h nodad
	ip -n "$RTR" addr add 198.51.100.1/24 dev r4h
	ip -n "$S6" addr add 2001:db8:10::2/64 dev eth0 nodad
	ip -n "$S4" addr add "$H4/24" dev eth0
	ip netns exec "$S4" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	for b in 1 2; do
		local box=${B[$((b - 1))]} p
		ip -n "$RTR" link add "r${b}v6" type veth peer name p6 netns "$box"
		ip -n "$RTR" link add "r${b}v4" type veth peer name p4 netns "$box"
		ip -n "$RTR" addr add "2001:db8:6$b::1/64" dev "r${b}v6" nodad
		ip -n "$RTR" addr add "198.18.$b.1/24" dev "r${b}v4"
		# the box's own interfaces: DPDK owns them, the box's kernel stays off them (as scripts/lab.sh)
		for p in p6 p4; do
			ip netns exec "$box" sysctl -qw "net.ipv6.conf.$p.disable_ipv6=1" "net.ipv4.conf.$p.arp_ignore=8"
			ip -n "$box" link set "$p" up
		done
		ip -n "$RTR" link set "r${b}v6" up
		ip -n "$RTR" link set "r${b}v4" up
	done
	for ns in "$RTR" "$S6" "$S4"; do
		ip -n "$ns" -o link show | awk -F': ' '{print $2}' | cut -d@ -f1 | grep -v '^lo$' |
			while read -r l; do ip -n "$ns" link set "$l" up; done
	done
	ip -n "$S6" -6 route add default via 2001:db8:10::1
	ip -n "$S4" route add default via 198.51.100.1
}

bird_start() { # NS CONF NAME
	bg "$1" "$WORK/bird-$3.log" bird -f -c "$2" -s "$WORK/bird-$3.ctl" -P "$WORK/bird-$3.pid"
	BPID[$3]=$LAST_BG
}

box_start() { # 1|2 siit|nat64
	local b=$1 box=${B[$(($1 - 1))]} cfg=$WORK/box$1-$2.json
	$CTL mkconfig "$CFG/box$1-$2.json" "$cfg" "socket=$WORK/box$1.sock" >/dev/null
	SOCKS[$b]=$WORK/box$1.sock
	daemon_in "$box" "$cfg" "${SOCKS[$b]}" "$WORK/xlat64d-box$b.log"
	local rc=$?
	DPID[$b]=$DAEMON_IN_PID
	return $rc
}

box_stop() { # 1|2: SIGTERM
	local b=$1
	[[ -n "${DPID[$b]:-}" ]] || return 0
	kill -TERM "${DPID[$b]}" 2>/dev/null
	timeout 15 tail --pid="${DPID[$b]}" -f /dev/null 2>/dev/null || kill -9 "${DPID[$b]}" 2>/dev/null
	wait "${DPID[$b]}" 2>/dev/null
	DPID[$b]=
}

# nexthops FAMILY PREFIX: how many next hops the router's kernel has for the prefix
nexthops() {
	local r
	r=$(ip -n "$RTR" "-$1" route show "$2" 2>/dev/null)
	if grep -q nexthop <<<"$r"; then grep -c nexthop <<<"$r"; elif [[ -n "$r" ]]; then echo 1; else echo 0; fi
}

# wait_routes FAMILY PREFIX N [SECS]: until the router has N next hops for the prefix
wait_routes() {
	local i
	for i in $(seq 1 $((${4:-30} * 10))); do
		(($(nexthops "$1" "$2") == $3)) && return 0
		sleep 0.1
	done
	echo "router: $2 has $(nexthops "$1" "$2") next hop(s), expected $3" >&2
	ip -n "$RTR" "-$1" route show "$2" >&2
	return 1
}

counter() { # BOX NAME: a counter of box 1 or 2 now
	timeout 5 "$XLAT64CTL" --socket "${SOCKS[$1]}" --json stats 2>/dev/null >"$WORK/s.json" || { echo 0; return; }
	$CTL get "$WORK/s.json" "$2"
}

# ---------------------------------------------------------------- tests

test_bgp_ecmp_siit() {
	wait_routes 6 64:ff9b::/96 2 60 && wait_routes 4 192.0.2.0/24 2 30 || return 1
	log "router: 64:ff9b::/96 and 192.0.2.0/24 (EAMT) each through both boxes (ECMP, BGP + BFD)"
	log "$(ip -n "$RTR" -6 route show 64:ff9b::/96 | tr -s ' \n' ' ')"
}

# flows: FLOWS UDP flows from the IPv6 host for SECS at PPS; every flow answered
flows() { # NAME FLOWS PPS SECS
	T=$((${4%.*} + 30)) nsx "$S6" $PY "$E2E_DIR/flowgap.py" "$H4_FROM_V6" 7 "$2" "$3" "$4" "$WORK/$1.json"
}

test_siit_spread() {
	local a1 a2 d1 d2
	a1=$(counter 1 JSTAT_SUCCESS) a2=$(counter 2 JSTAT_SUCCESS)
	flows spread 64 400 3 || return 1
	d1=$(($(counter 1 JSTAT_SUCCESS) - a1)) d2=$(($(counter 2 JSTAT_SUCCESS) - a2))
	log "64 UDP flows, every one answered: box 1 translated $d1 packets, box 2 $d2"
	((d1 > 0 && d2 > 0)) || { echo "one box took nothing" >&2; return 1; }
}

# kill -9 of box 1 under traffic: its flows black-holed until the router withdraws it (BFD), then on
# through box 2
test_siit_failover() {
	flows failover 64 1000 8 >"$WORK/failover.out" 2>&1 &
	local gen=$! t0 t1
	sleep 2.5
	t0=$(date +%s%N)
	kill -9 "${DPID[1]}"
	wait_routes 6 64:ff9b::/96 1 10 && wait_routes 4 192.0.2.0/24 1 10 || return 1
	t1=$(date +%s%N)
	wait "$gen"
	local rc=$?
	cat "$WORK/failover.out"
	DPID[1]=
	log "router withdrew box 1 $(((t1 - t0) / 1000000)) ms after its xlat64d died (kill -9; BFD 100 ms x 3)"
	$PY - "$WORK/failover.json" <<'EOF' || return 1
import json, sys
r = json.load(open(sys.argv[1]))
print("  - black-holed: %s ms at most (flows interrupted %d of %d, outages %s ms); all %d flows answered at the end: %s"
      % (r["max_gap_ms"], r["flows_interrupted"], r["flows"], r["gaps_ms"][:8], r["flows"],
         r["flows_answered_last_second"] == r["flows"]))
sys.exit(0 if r["flows_answered_last_second"] == r["flows"] and r["flows_interrupted"] > 0 else 1)
EOF
	((rc == 0))
}

test_siit_rejoin() {
	box_start 1 siit || return 1
	wait_routes 6 64:ff9b::/96 2 60 && wait_routes 4 192.0.2.0/24 2 30 || return 1
	local a1
	a1=$(counter 1 JSTAT_SUCCESS)
	flows rejoin 64 400 2 || return 1
	log "box 1 restarted: announced again, translated $(($(counter 1 JSTAT_SUCCESS) - a1)) packets of 64 flows"
	(($(counter 1 JSTAT_SUCCESS) > a1))
}

# A worker that stops turning (the routers cannot see it: the host, its BIRD and BFD all run on) takes
# the box's prefixes out: the control thread sees no poll round for 500 ms (dataplane/announce.c). Box 1's
# only worker is its main thread; tests/e2e/stall.py stops that thread alone for 3 s.
test_stuck_worker() {
	$PY "$E2E_DIR/stall.py" "${DPID[1]}" 3 >"$WORK/stall.log" 2>&1 &
	local st=$! t0 t1
	t0=$(date +%s%N)
	wait_routes 6 64:ff9b::/96 1 3 || { kill "$st" 2>/dev/null; return 1; }
	t1=$(date +%s%N)
	log "box 1's worker stopped: the router had box 1 withdrawn $(((t1 - t0) / 1000000)) ms later"
	wait "$st"
	cat "$WORK/stall.log"
	wait_routes 6 64:ff9b::/96 2 30 || return 1
	grep -q "a worker has stopped turning" "$WORK/xlat64d-box1.log" || { echo "no log line" >&2; return 1; }
	log "running again: announced again, both next hops back"
}

# the aggregate rate through one box and through two (box 2 disabled: manually-enabled false withdraws it)
rate() { # NAME: "echoed/s sent/s", 256 flows from the IPv6 host for 3 s as fast as it goes
	flows "$1" 256 100000 3 >/dev/null
	$PY -c 'import json,sys; r=json.load(open(sys.argv[1])); print(int(r["received"] / r["seconds"]), int(r["sent"] / r["seconds"]))' \
		"$WORK/$1.json"
}
test_scale_figure() {
	local two one two_sent one_sent
	read -r two two_sent < <(rate rate2)
	timeout 5 "$XLAT64CTL" --socket "${SOCKS[2]}" global set manually-enabled false >/dev/null || return 1
	wait_routes 6 64:ff9b::/96 1 10 || return 1
	read -r one one_sent < <(rate rate1)
	timeout 5 "$XLAT64CTL" --socket "${SOCKS[2]}" global set manually-enabled true >/dev/null || return 1
	wait_routes 6 64:ff9b::/96 2 30 || return 1
	log "echoed datagrams per second (sent): two boxes $two ($two_sent), one box $one ($one_sent)"
	log "  ratio $($PY -c "print(round($two / max($one, 1), 2))"): not a scaling figure -- on this 2-core machine the" \
		"generator, the router's kernel and both daemons share two CPUs (doc/operations.md)"
	log "disabled box 2 (manually-enabled false): withdrawn; enabled again: announced"
	((two > 0 && one > 0))
}

test_nat64_slices() {
	box_stop 1
	box_stop 2
	box_start 1 nat64 && box_start 2 nat64 || return 1
	wait_routes 6 64:ff9b::/96 2 60 && wait_routes 4 192.0.2.0/26 1 30 && wait_routes 4 192.0.2.64/26 1 30 || return 1
	log "router: 64:ff9b::/96 through both boxes; 192.0.2.0/26 through box 1, 192.0.2.64/26 through box 2"
	flows nat64 64 400 3 || return 1
	local s1 s2 miss=0 b n
	s1=$(counter 1 XLAT_NAT64_SESSION_CREATED) s2=$(counter 2 XLAT_NAT64_SESSION_CREATED)
	for b in 1 2; do
		for n in JSTAT_BIB4_NOT_FOUND JSTAT_SESSION_NOT_FOUND JSTAT_ADF; do
			miss=$((miss + $(counter $b $n)))
		done
	done
	log "64 UDP flows answered; sessions: box 1 $s1, box 2 $s2; IPv4 replies that found no state: $miss"
	((s1 > 0 && s2 > 0 && miss == 0))
}

test_nat64_failover() {
	kill -9 "${DPID[1]}"
	DPID[1]=
	wait_routes 4 192.0.2.0/26 0 10 && wait_routes 6 64:ff9b::/96 1 10 || return 1
	log "box 1 killed: the router withdrew its slice 192.0.2.0/26 and its pool6 path"
	flows nat64after 64 400 2 || return 1
	log "new flows all through box 2 ($(counter 2 XLAT_NAT64_SESSION_CREATED) sessions there)"
}

# ---------------------------------------------------------------- main

e2e_init
so_cleanup() {
	local rc=$?
	for b in 1 2; do [[ -z "${DPID[$b]:-}" ]] || kill -9 "${DPID[$b]}" 2>/dev/null; done
	s_down
	(exit "$rc")
	e2e_cleanup
}
trap so_cleanup EXIT
echo "e2e-scaleout: work dir $WORK"
s_up || { echo "0 passed, 1 failed"; exit 1; }
bg "$S4" "$WORK/echo4.log" $PY "$E2E_DIR/nat64flows.py" udp-server 0.0.0.0 7
bird_start "$RTR" "$CFG/bird-router.conf" rtr
bird_start "${B[0]}" "$CFG/bird-box1.conf" box1
bird_start "${B[1]}" "$CFG/bird-box2.conf" box2
t box1_start box_start 1 siit
t box2_start box_start 2 siit
t bgp_ecmp_siit test_bgp_ecmp_siit
t siit_spread test_siit_spread
t siit_failover test_siit_failover
t siit_rejoin test_siit_rejoin
t stuck_worker test_stuck_worker
t scale_figure test_scale_figure
t nat64_slices test_nat64_slices
t nat64_failover test_nat64_failover
box_stop 1
box_stop 2
echo
((${#FAILED[@]} == 0)) || echo "e2e-scaleout: failed: ${FAILED[*]}"
echo "$NPASS passed, $NFAIL failed"
((NFAIL == 0))
