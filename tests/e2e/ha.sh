#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# High availability (issue 17; doc/ha.md): two NAT64 boxes share the gateway addresses through keepalived
# (VRRPv3 over the exception path) and synchronise their sessions over a link of their own; box A runs
# two workers, box B one (config/ha/). Hosts keep the kernel's defaults.
#
#   x64h-h6a, x64h-h6b --- br6 [x64h-sw] br4 --- x64h-srv (198.51.100.2)
#                           |    |      |    |
#                        A: p6  B: p6  A: p4  B: p4        A sa === sb B  (sync link, 10.64.0.0/30)
#
# 200 TCP connections and 1000 UDP flows from the IPv6 hosts through A; kill -9 of A's xlat64d; B takes
# over; every TCP connection must go on (the server sees its old source address and port) and every UDP
# flow keep its pool4 address and port. A restarts, receives B's table in bulk, fails back: the same
# again, now through A, which gets sessions B made (and ports whose number is another worker's there).
# Reported: connections surviving, the outage a host sees (ms), sessions on each box.
# Run as root after a build:  flock /tmp/xlat64-lab.lock tests/e2e/ha.sh
#   E2E_KEEP=1 keep the work directory; XLAT64_BUILD=DIR build directory
# Prints "PASS name" / "FAIL name" per test and "N passed, M failed" last; exit 1 on any failure.
set -uo pipefail

. "$(dirname "$0")/lib.sh"

[[ $(id -u) -eq 0 ]] || { echo "e2e-ha: must run as root" >&2; exit 1; }
[[ -x "$XLAT64D" ]] || { echo "e2e-ha: $XLAT64D not built" >&2; echo "0 passed, 1 failed"; exit 1; }
command -v keepalived >/dev/null || { echo "e2e-ha: keepalived is not installed" >&2; echo "0 passed, 1 failed"; exit 1; }

CFG=$ROOT/config/ha
SW=x64h-sw
BOX=(x64h-a x64h-b)
H6=(x64h-h6a x64h-h6b)
SRV=x64h-srv
HNS=("${H6[@]}" "$SRV" "${BOX[@]}" "$SW")
SRV4=198.51.100.2
SRV6=64:ff9b::198.51.100.2
PORT=7000
N_TCP=${HA_TCP:-100}  # per IPv6 host
N_UDP=${HA_UDP:-500}  # per IPv6 host
declare -A DPID KPID SOCK

h_down() { ns_purge "${HNS[@]}"; }

# a veth from a namespace into the switch's bridge
plug() { # NS IFNAME BRIDGE
	local peer="s-${1#x64h-}-$2"
	ip -n "$SW" link add "$peer" type veth peer name "$2" netns "$1"
	ip -n "$SW" link set "$peer" master "$3" up
	ip -n "$1" link set "$2" up
}

h_up() {
	h_down
	local ns b
	for ns in "${HNS[@]}"; do
		ip netns add "$ns"
		ip -n "$ns" link set lo up
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 \
			net.ipv6.conf.all.accept_ra=0 net.ipv6.conf.default.accept_ra=0
	done
	ip -n "$SW" link add br6 type bridge
	ip -n "$SW" link add br4 type bridge
	ip -n "$SW" link set br6 up
	ip -n "$SW" link set br4 up
	local i=0
	for ns in "${H6[@]}"; do
		plug "$ns" eth0 br6
		ip -n "$ns" addr add "2001:db8:6::$((10 + i))/64" dev eth0 nodad
		ip -n "$ns" -6 route add default via 2001:db8:6::1
		i=$((i + 1))
	done
	plug "$SRV" eth0 br4
	ip -n "$SRV" addr add "$SRV4/24" dev eth0
	ip netns exec "$SRV" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	ip -n "$SRV" route add 192.0.2.0/28 via 198.51.100.1
	for b in 0 1; do
		plug "${BOX[$b]}" p6 br6
		plug "${BOX[$b]}" p4 br4
		# the box's own interfaces: DPDK owns them, the box's kernel stays off them (as scripts/lab.sh)
		for p in p6 p4; do
			ip netns exec "${BOX[$b]}" sysctl -qw "net.ipv6.conf.$p.disable_ipv6=1" "net.ipv4.conf.$p.arp_ignore=8"
		done
	done
	# the sync link: the boxes' host sides, directly
	ip -n "${BOX[0]}" link add sa type veth peer name sb netns "${BOX[1]}"
	ip -n "${BOX[0]}" addr add 10.64.0.1/30 dev sa
	ip -n "${BOX[1]}" addr add 10.64.0.2/30 dev sb
	ip -n "${BOX[0]}" link set sa up
	ip -n "${BOX[1]}" link set sb up
}

box_start() { # 0|1
	local b=$1 name=${BOX[$1]} cfg=$WORK/box$1.json src
	src=$CFG/box-$([[ $1 == 0 ]] && echo a || echo b).json
	$CTL mkconfig "$src" "$cfg" "socket=$WORK/box$1.sock" "keyfile=$WORK/sync.key" >/dev/null
	SOCK[$b]=$WORK/box$1.sock
	daemon_in "$name" "$cfg" "${SOCK[$b]}" "$WORK/xlat64d-$name.log"
	local rc=$?
	DPID[$b]=$DAEMON_IN_PID
	return $rc
}

ka_start() { # 0|1
	local b=$1 name=${BOX[$1]} ab conf=$WORK/keepalived-$1.conf
	ab=$([[ $1 == 0 ]] && echo a || echo b)
	sed -e "s|@XLAT64CTL@|$XLAT64CTL|g" -e "s|@SOCKET@|${SOCK[$b]}|g" -e "s|@NOTIFY@|$WORK/notify.sh|g" \
		"$CFG/keepalived-$ab.conf" >"$conf"
	ip netns exec "$name" keepalived -n -l -D --vrrp -f "$conf" -p "$WORK/ka-$b.pid" -r "$WORK/ka-vrrp-$b.pid" \
		>>"$WORK/keepalived-$name.log" 2>&1 &
	KPID[$b]=$!
}

ka_stop() { # 0|1
	[[ -n "${KPID[$1]:-}" ]] || return 0
	kill -TERM "${KPID[$1]}" 2>/dev/null
	timeout 10 tail --pid="${KPID[$1]}" -f /dev/null 2>/dev/null || kill -9 "${KPID[$1]}" 2>/dev/null
	wait "${KPID[$1]}" 2>/dev/null
	KPID[$1]=
}

ctl() { # BOX ARGS...
	local b=$1
	shift
	timeout 10 "$XLAT64CTL" --socket "${SOCK[$b]}" "$@"
}

# has_vip BOX: the box's TAP holds the IPv6 and the IPv4 virtual address
has_vip() {
	ip -n "${BOX[$1]}" -6 addr show dev xlat-v6 2>/dev/null | grep -q '2001:db8:6::1/' &&
		ip -n "${BOX[$1]}" -4 addr show dev xlat-v4 2>/dev/null | grep -q '198.51.100.1/'
}

wait_master() { # BOX SECS
	local i
	for i in $(seq 1 $(($2 * 10))); do
		has_vip "$1" && return 0
		sleep 0.1
	done
	echo "${BOX[$1]} did not become master in $2 s" >&2
	tail -n 20 "$WORK/keepalived-${BOX[$1]}.log" >&2
	return 1
}

sessions() { # BOX: total sessions
	ctl "$1" --json session limit 1 2>/dev/null | $PY -c 'import json,sys; print(json.load(sys.stdin)["total"])' ||
		echo -1
}

# session_keys BOX FILE: every session as "proto ipv6 local4 remote4", sorted
session_keys() {
	local off=0 total=1
	: >"$2.raw"
	while ((off < total)); do
		ctl "$1" --json session offset "$off" limit 1000 >"$2.page" 2>/dev/null || return 1
		read -r total n < <($PY -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["total"], r["count"])' "$2.page")
		$PY -c '
import json, sys
for s in json.load(open(sys.argv[1]))["sessions"]:
    print(s["protocol"], s["ipv6 address"], s["ipv4 address"], s["remote ipv4"])' "$2.page" >>"$2.raw"
		((n > 0)) || break
		off=$((off + n))
	done
	sort "$2.raw" >"$2"
}

counter() { # BOX NAME
	ctl "$1" --json stats >"$WORK/s.json" 2>/dev/null || { echo 0; return; }
	$CTL get "$WORK/s.json" "$2"
}

# clients SET NTCP NUDP: a set of flows on each IPv6 host, kept open ($WORK/ctl-SET-H, $WORK/out-SET-H)
clients() {
	local h i
	for h in 0 1; do
		mkdir -p "$WORK/out-$1-$h"
		mkfifo "$WORK/ctl-$1-$h"
		bg "${H6[$h]}" "$WORK/client-$1-$h.log" $PY "$E2E_DIR/ha_traffic.py" client "$SRV6" $PORT "$2" "$3" \
			"$WORK/ctl-$1-$h" "$WORK/out-$1-$h"
	done
	for h in 0 1; do
		for i in $(seq 1 300); do [[ -f "$WORK/out-$1-$h/ready" ]] && break; sleep 0.1; done
		[[ -f "$WORK/out-$1-$h/ready" ]] || { echo "host $h: $1 connections not up"; cat "$WORK/client-$1-$h.log"; return 1; }
	done
}

round() { # SET NAME: every flow of the set, on both hosts, once; results in $WORK/out-SET-H/NAME.json
	local h i
	for h in 0 1; do echo "$2" >"$WORK/ctl-$1-$h"; done
	for h in 0 1; do
		for i in $(seq 1 600); do
			[[ -f "$WORK/out-$1-$h/$2.json" ]] && break
			sleep 0.1
		done
		[[ -f "$WORK/out-$1-$h/$2.json" ]] || { echo "host $h: round $1/$2 did not end" >&2; return 1; }
	done
}

# compare SET FIRST THEN: every flow answered in both rounds with the same source as the server saw it
compare() {
	$PY - "$WORK" "$1" "$2" "$3" <<'EOF'
import json, sys
work, st, a, b = sys.argv[1:]
bad, tcp, udp = [], 0, 0
for h in (0, 1):
    r1 = json.load(open(f"{work}/out-{st}-{h}/{a}.json"))
    r2 = json.load(open(f"{work}/out-{st}-{h}/{b}.json"))
    for kind in ("tcp", "udp"):
        for i, (x, y) in enumerate(zip(r1[kind], r2[kind])):
            ok = "peer" in x and "peer" in y and x["peer"] == y["peer"]
            tcp += ok and kind == "tcp"
            udp += ok and kind == "udp"
            if not ok:
                bad.append(f"host {h} {kind} {i}: {x} then {y}")
print(f"{tcp} TCP connections and {udp} UDP flows kept their source as the server sees it")
for line in bad[:10]:
    print("  ", line, file=sys.stderr)
sys.exit(1 if bad else 0)
EOF
}

# ---------------------------------------------------------------- tests

test_start() {
	head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$WORK/sync.key"
	chmod 600 "$WORK/sync.key"
	# keepalived runs scripts only from paths no other user can write
	install -m 755 "$CFG/xlat64-vrrp-notify.sh" "$WORK/notify.sh"
	sed -i "s|^ctl=.*|ctl=$XLAT64CTL|" "$WORK/notify.sh"
	box_start 0 && box_start 1 || return 1
	ka_start 0
	ka_start 1
	wait_master 0 20 || return 1
	has_vip 1 && { echo "both boxes hold the virtual addresses" >&2; return 1; }
	ctl 0 address | grep -q '198.51.100.1/24' || { echo "A's dataplane lacks the IPv4 virtual address" >&2; return 1; }
	log "A is master (priority 150), B backup; A: $(ctl 0 --json sync | $PY -c 'import json,sys; print(json.load(sys.stdin)["state"])')"
	# the gateway answers (the virtual address is the box's own: the kernel behind the TAP replies)
	nsx "${H6[0]}" ping -c 2 -W 2 -i 0.2 2001:db8:6::1 >/dev/null || { echo "the virtual IPv6 address does not answer" >&2; return 1; }
	nsx "$SRV" ping -c 2 -W 2 -i 0.2 198.51.100.1 >/dev/null || { echo "the virtual IPv4 address does not answer" >&2; return 1; }
}

test_flows_up() {
	local h
	bg "$SRV" "$WORK/server.log" $PY "$E2E_DIR/ha_traffic.py" server 0.0.0.0 $PORT
	wait_tcp "$SRV" "$SRV4" $PORT || return 1
	clients main $N_TCP $N_UDP || return 1
	round main r1 || return 1
	compare main r1 r1 >"$WORK/r1.txt" || { cat "$WORK/r1.txt"; return 1; }
	log "$((2 * N_TCP)) TCP connections and $((2 * N_UDP)) UDP flows through A"
	log "sessions: A $(sessions 0), B $(sessions 1)"
}

# B holds every session A has, with the same mapping (the sync stream)
test_synced() {
	local i
	for i in $(seq 1 100); do
		(($(sessions 1) >= $(sessions 0))) && break
		sleep 0.1
	done
	session_keys 0 "$WORK/keys-a" && session_keys 1 "$WORK/keys-b" || return 1
	local missing
	missing=$(comm -23 "$WORK/keys-a" "$WORK/keys-b" | wc -l)
	((missing == 0)) || { echo "$missing of A's sessions not on B:"; comm -23 "$WORK/keys-a" "$WORK/keys-b" | head; return 1; }
	log "B holds all $(wc -l <"$WORK/keys-a") of A's sessions, mapped alike"
	log "sync: A sent $(counter 0 XLAT_SYNC_TX_SESSIONS) records in $(counter 0 XLAT_SYNC_TX_DATAGRAMS) datagrams; B installed $(counter 1 XLAT_SYNC_INSTALLED)"
}

# probe_start NAME SECS / probe_gap NAME: the outage as the first IPv6 host sees it
probe_start() {
	bg "${H6[0]}" "$WORK/probe-$1.log" $PY "$E2E_DIR/ha_traffic.py" probe "$SRV6" $PORT "$2" "$WORK/probe-$1.json"
	PROBE=$LAST_BG
}
probe_gap() {
	timeout 60 tail --pid="$PROBE" -f /dev/null 2>/dev/null
	$PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["max_gap_ms"])' "$WORK/probe-$1.json"
}

test_failover() {
	local before_a before_b
	before_a=$(sessions 0)
	before_b=$(sessions 1)
	probe_start failover 8
	if [[ -n "${HA_PCAP:-}" ]]; then # the segments' frames around the failover, for a look with tshark
		bg "$SW" "$WORK/pcap6.log" tcpdump -i br6 -w "$WORK/failover6.pcap" -U
		bg "$SW" "$WORK/pcap4.log" tcpdump -i br4 -w "$WORK/failover4.pcap" -U
	fi
	sleep 2
	log "kill -9 of A's xlat64d at $(date +%s.%N)"
	kill -9 "${DPID[0]}"
	wait "${DPID[0]}" 2>/dev/null
	DPID[0]=
	wait_master 1 10 || return 1
	round main r2 || return 1
	compare main r1 r2 | tee "$WORK/r2.txt" || return 1
	log "$(cat "$WORK/r2.txt")"
	# new flows while B is master: B's own sessions, on ports B's one worker chose
	clients late $((N_TCP / 5)) $((N_UDP / 5)) || return 1
	round late l1 || return 1
	compare late l1 l1 >/dev/null || return 1
	local gap
	gap=$(probe_gap failover)
	log "outage as an IPv6 host sees it: $gap ms (VRRP advert 100 ms x 3 + skew, then gratuitous ARP / NA)"
	log "sessions before: A $before_a, B $before_b; after: B $(sessions 1) (A is gone)"
	log "B: $(counter 1 XLAT_NAT64_SESSION_CREATED) sessions created by B itself (none for the old flows)"
}

test_failback() {
	ka_stop 0
	box_start 0 || return 1
	ka_start 0
	# A asks B for its table and stays backup (track script) until it has it
	local i st
	for i in $(seq 1 100); do
		st=$(ctl 0 --json sync 2>/dev/null | $PY -c 'import json,sys; print(json.load(sys.stdin)["state"])')
		[[ $st == synced ]] && break
		sleep 0.1
	done
	[[ $st == synced ]] || { echo "A did not receive B's table: state $st"; ctl 0 sync; return 1; }
	local red
	red=$(ctl 0 --json sync | $PY -c 'import json,sys; print(json.load(sys.stdin)["redirected-ports"])')
	log "A restarted and received B's table: $(sessions 0) sessions (B has $(sessions 1))"
	log "$red of them on ports whose number is A's other worker's: redirected to their IPv6 side's owner"
	((red > 0)) || { echo "no port redirected: the other-worker-count case went untested"; return 1; }
	probe_start failback 8
	wait_master 0 20 || return 1
	round main r3 || return 1
	compare main r1 r3 | tee "$WORK/r3.txt" || return 1
	log "failback: $(cat "$WORK/r3.txt")"
	round late l2 || return 1
	compare late l1 l2 | tee "$WORK/l2.txt" || return 1
	log "and of the flows B made: $(cat "$WORK/l2.txt")"
	log "outage at failback: $(probe_gap failback) ms"
	log "A: $(counter 0 XLAT_NAT64_SESSION_CREATED) sessions created by A itself"
}

# forged and replayed datagrams: refused, counted, and nothing installed
test_forged() {
	local bad0 rep0 inst0
	bad0=$(counter 1 XLAT_SYNC_RX_BAD_MAC)
	inst0=$(counter 1 XLAT_SYNC_INSTALLED)
	ip netns exec "${BOX[0]}" $PY - <<'EOF'
import os, socket, struct
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
# a well-formed header and record, signed with the wrong key
hdr = b"X64S" + bytes([1, 1]) + struct.pack(">HIQQ", 1, 1, 1, 99)
rec = bytes([1, 17, 0, 0]) + bytes(16) + b"\x13\x88" + bytes([192, 0, 2, 1]) + b"\x04\x00" + bytes(8) + bytes(8)
for i in range(50):
    s.sendto(hdr + rec + os.urandom(32), ("10.64.0.2", 6464))
s.sendto(b"garbage", ("10.64.0.2", 6464))
EOF
	sleep 0.5
	local bad1 mal inst1
	bad1=$(counter 1 XLAT_SYNC_RX_BAD_MAC)
	mal=$(counter 1 XLAT_SYNC_RX_MALFORMED)
	inst1=$(counter 1 XLAT_SYNC_INSTALLED)
	((bad1 - bad0 == 50)) || { echo "forged datagrams counted $((bad1 - bad0)), want 50"; return 1; }
	((mal >= 1)) || { echo "garbage not counted as malformed"; return 1; }
	((inst1 == inst0)) || { echo "a forged datagram installed something"; return 1; }
	log "50 forged datagrams refused (XLAT_SYNC_RX_BAD_MAC), garbage counted malformed, nothing installed"
}

# ---------------------------------------------------------------- main

e2e_init
ha_cleanup() {
	local rc=$?
	for b in 0 1; do
		[[ -z "${KPID[$b]:-}" ]] || kill -9 "${KPID[$b]}" 2>/dev/null
		[[ -z "${DPID[$b]:-}" ]] || kill -9 "${DPID[$b]}" 2>/dev/null
	done
	h_down
	(exit "$rc")
	e2e_cleanup
}
trap ha_cleanup EXIT
echo "e2e-ha: work dir $WORK"
h_up || { echo "0 passed, 1 failed"; exit 1; }
t start test_start
t flows_up test_flows_up
t synced test_synced
t failover test_failover
t failback test_failback
t forged test_forged
for st in main late; do
	for h in 0 1; do [[ -p "$WORK/ctl-$st-$h" ]] && timeout 5 sh -c "echo quit >'$WORK/ctl-$st-$h'"; done
done
ka_stop 0
ka_stop 1
echo
((${#FAILED[@]} == 0)) || echo "e2e-ha: failed: ${FAILED[*]}"
echo "$NPASS passed, $NFAIL failed"
((NFAIL == 0))
