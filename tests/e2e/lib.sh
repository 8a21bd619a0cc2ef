# SPDX-License-Identifier: BSD-3-Clause
# Shared helpers for the e2e suites (sourced by tests/e2e/run.sh and tests/e2e/nat64.sh).
# Everything that can hang runs under timeout(1); everything started in the
# background is remembered by pid and stopped by pid in e2e_cleanup.

E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$E2E_DIR/../.." && pwd)
BUILD=${XLAT64_BUILD:-$ROOT/build}
XLAT64D=$BUILD/dataplane/xlat64d
XLAT64CTL=$BUILD/control/xlat64ctl
PY=/usr/bin/python3 # the Debian python, where python3-scapy lives
CTL="$PY $E2E_DIR/ctl.py"

NS_BOX=x64-box
NS_H6=x64-h6
NS_H4=x64-h4
MAC_P6=02:00:00:00:00:06
MAC_P4=02:00:00:00:00:04
H6=2001:db8:6::2
H4=198.51.100.2
H4_FROM_V6=64:ff9b::198.51.100.2 # the IPv4 host as the IPv6 host sees it (pool6)
H6_FROM_V4=192.0.2.2             # the IPv6 host as the IPv4 host sees it (EAMT)

# The port type the daemon drives the lab's veths with: af_packet (the configs' own) or af_xdp (one worker)
E2E_PORTS=${E2E_PORTS:-af_packet}
case $E2E_PORTS in af_packet | af_xdp) ;; *) echo "E2E_PORTS: af_packet or af_xdp, not $E2E_PORTS" >&2; exit 2 ;; esac

WORK=${WORK:-}
BG_PIDS=()
DAEMON_PID=
DAEMON_N=0
DAEMON_SOCK=
DAEMON_LOG=
DAEMON_STATS_OUT=
NPASS=0
NFAIL=0
FAILED=()

log() { echo "  - $*"; } # lines the summary shows under PASS

e2e_init() {
	WORK=$(mktemp -d /tmp/xlat64-e2e.XXXXXX)
	trap e2e_cleanup EXIT
	trap 'exit 130' INT TERM
}

e2e_cleanup() {
	local rc=$?
	trap - EXIT
	daemon_stop quiet || true
	local p
	for p in "${BG_PIDS[@]}"; do
		kill "$p" 2>/dev/null || true
	done
	for p in "${BG_PIDS[@]}"; do
		timeout 5 tail --pid="$p" -f /dev/null 2>/dev/null || kill -9 "$p" 2>/dev/null || true
	done
	"$ROOT/scripts/lab.sh" down >/dev/null 2>&1 || true
	if [[ -n "$WORK" && -d "$WORK" ]]; then
		if ((NFAIL > 0)) || [[ -n "${E2E_KEEP:-}" ]]; then
			echo "e2e: logs kept in $WORK"
		else
			rm -rf "$WORK"
		fi
	fi
	exit "$rc"
}

# nsx NS CMD...: run in a namespace with a time limit (default 30 s; T=secs to change)
nsx() {
	local ns=$1
	shift
	timeout "${T:-30}" ip netns exec "$ns" "$@"
}

# bg NS LOG CMD...: start a long-running helper in a namespace, remember its pid
bg() {
	local ns=$1 logf=$2
	shift 2
	ip netns exec "$ns" timeout 600 "$@" >"$logf" 2>&1 &
	BG_PIDS+=($!)
	LAST_BG=$!
}

bg_stop() { # pid
	kill "$1" 2>/dev/null || true
	timeout 5 tail --pid="$1" -f /dev/null 2>/dev/null || kill -9 "$1" 2>/dev/null || true
}

# wait_tcp NS ADDR PORT: wait until something listens there (max 10 s). Looks at the socket
# table instead of connecting: a connection would use up a one-shot server (iperf3 -s -1).
wait_tcp() {
	local i
	for i in $(seq 1 100); do
		ip netns exec "$1" ss -Hltn "sport = :$3" 2>/dev/null | grep -q . && return 0
		sleep 0.1
	done
	echo "nothing listens on $2 port $3 in $1" >&2
	return 1
}

# wait_udp NS PORT: wait until a UDP socket is bound to PORT (max 10 s)
wait_udp() {
	local i
	for i in $(seq 1 100); do
		ip netns exec "$1" ss -Hlun "sport = :$2" 2>/dev/null | grep -q . && return 0
		sleep 0.1
	done
	echo "nothing bound to UDP port $2 in $1" >&2
	return 1
}

# ---------------------------------------------------------------- daemon

hugepages_free_mb() {
	awk '/^HugePages_Free/ { f = $2 } /^Hugepagesize/ { s = $2 } END { print int(f * s / 1024) }' /proc/meminfo
}

# config_from BASE OUT CHANGE...: a copy of config/BASE with our socket (and --no-huge when
# hugepages are short), plus the changes ctl.py mkconfig understands: the caller's, and those in
# E2E_MKCONFIG (space-separated, e.g. 'dataplane.mbufs-per-port=2047': a whole suite run that way).
config_from() {
	local base=$1 out=$2
	shift 2
	local extra=()
	if [[ -n "${E2E_NOHUGE:-}" ]] || (($(hugepages_free_mb) < 300)); then
		extra+=(nohuge=1)
	fi
	if [[ -n "${E2E_MKCONFIG:-}" ]]; then
		local more
		read -ra more <<<"$E2E_MKCONFIG"
		extra+=("${more[@]}")
	fi
	$CTL mkconfig "$ROOT/config/$base" "$out" "socket=$WORK/ctl.sock" "ports=$E2E_PORTS" "${extra[@]}" "$@"
}

# make_config OUT CHANGE...: config/lab-siit.json, as config_from
make_config() { config_from lab-siit.json "$@"; }

ctl_version() {
	if [[ -x "$XLAT64CTL" ]]; then
		timeout 5 "$XLAT64CTL" --socket "$DAEMON_SOCK" version
	else
		timeout 5 $CTL request "$DAEMON_SOCK" version
	fi
}

# daemon_start CONFIG: run xlat64d in the box namespace, wait until its control socket answers
daemon_start() {
	local cfg=$1
	daemon_stop quiet || true
	DAEMON_N=$((DAEMON_N + 1))
	DAEMON_SOCK=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["control"]["socket"])' "$cfg")
	DAEMON_LOG=$WORK/xlat64d.$DAEMON_N.log
	DAEMON_STATS_OUT=$WORK/xlat64d.$DAEMON_N.stats.json
	rm -f "$DAEMON_SOCK"
	mkdir -p "$(dirname "$DAEMON_SOCK")"
	ip netns exec "$NS_BOX" "$XLAT64D" --config "$cfg" --stats-out "$DAEMON_STATS_OUT" >"$DAEMON_LOG" 2>&1 &
	DAEMON_PID=$!
	local i
	for i in $(seq 1 300); do
		if ! kill -0 "$DAEMON_PID" 2>/dev/null; then
			wait "$DAEMON_PID"
			echo "xlat64d exited early (status $?); log:" >&2
			tail -n 30 "$DAEMON_LOG" >&2
			DAEMON_PID=
			return 1
		fi
		if [[ -S "$DAEMON_SOCK" ]] && ctl_version >/dev/null 2>&1; then
			echo "xlat64d #$DAEMON_N up (pid $DAEMON_PID, $cfg) after $((i / 10)).$((i % 10)) s"
			return 0
		fi
		sleep 0.1
	done
	echo "xlat64d did not answer on $DAEMON_SOCK within 30 s; log:" >&2
	tail -n 30 "$DAEMON_LOG" >&2
	return 1
}

# ns_purge NS...: the namespaces that exist, their processes killed, removed (labs of their own: ha.sh,
# scaleout.sh)
ns_purge() {
	local ns pids
	for ns in "$@"; do
		ip netns list | awk '{print $1}' | grep -qx "$ns" || continue
		pids=$(ip netns pids "$ns" 2>/dev/null || true)
		[[ -z "$pids" ]] || kill -9 $pids 2>/dev/null || true
		ip netns del "$ns"
	done
}

# daemon_in NS CONFIG SOCK LOG: another xlat64d (a lab with several boxes), in NS; its pid in DAEMON_IN_PID;
# 0 once it answers on SOCK (within 20 s), 1 with its log's end when it exits or does not
daemon_in() {
	local ns=$1 cfg=$2 sock=$3 log=$4 i
	rm -f "$sock"
	ip netns exec "$ns" "$XLAT64D" --config "$cfg" >>"$log" 2>&1 &
	DAEMON_IN_PID=$!
	for i in $(seq 1 200); do
		kill -0 "$DAEMON_IN_PID" 2>/dev/null || { echo "$ns: xlat64d exited" >&2; tail -n 5 "$log" >&2; return 1; }
		[[ -S "$sock" ]] && timeout 5 "$XLAT64CTL" --socket "$sock" version >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	echo "$ns: xlat64d did not answer" >&2
	return 1
}

# daemon_stop [quiet]: SIGTERM, wait up to 15 s; returns the daemon's exit status
# (DAEMON_RC) -- non-zero also when it had to be killed.
daemon_stop() {
	DAEMON_RC=0
	[[ -n "$DAEMON_PID" ]] || return 0
	local pid=$DAEMON_PID
	DAEMON_PID=
	kill -TERM "$pid" 2>/dev/null || true
	local i
	for i in $(seq 1 150); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		[[ "${1:-}" == quiet ]] || echo "xlat64d (pid $pid) ignored SIGTERM for 15 s; killing" >&2
		kill -9 "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null
		DAEMON_RC=137
		return 1
	fi
	wait "$pid"
	DAEMON_RC=$?
	return $DAEMON_RC
}

# snap FILE: the daemon's counters now (xlat64ctl --json stats, or the socket directly)
snap() {
	if [[ -x "$XLAT64CTL" ]] && timeout 5 "$XLAT64CTL" --socket "$DAEMON_SOCK" --json stats >"$1" 2>/dev/null &&
		$CTL get "$1" JSTAT_RECEIVED6 >/dev/null 2>&1; then
		return 0
	fi
	timeout 5 $CTL request "$DAEMON_SOCK" stats >"$1"
}

# cnt FILE NAME...: sum of the named counters in a snapshot
cnt() { $CTL get "$@"; }

# expect_gt FILE NAME... : the counters' sum must be > 0 (or > $MIN)
expect_gt() {
	local f=$1
	shift
	local v
	v=$(cnt "$f" "$@") || return 1
	if ((v > ${MIN:-0})); then
		log "$* = $v"
		return 0
	fi
	echo "counter $* = $v, expected > ${MIN:-0}" >&2
	return 1
}

# daemon_clean_exit COUNTER: SIGTERM ends the daemon with status 0 and its --stats-out
# file holds COUNTER > 0
daemon_clean_exit() {
	daemon_stop
	local rc=$DAEMON_RC
	log "xlat64d exit status $rc after SIGTERM"
	((rc == 0)) || return 1
	[[ -s "$DAEMON_STATS_OUT" ]] || { echo "no --stats-out file $DAEMON_STATS_OUT" >&2; return 1; }
	MIN=0 expect_gt "$DAEMON_STATS_OUT" "$1"
}

# ping_ok NS ADDR: 5 echo requests, at least 4 answered
ping_ok() {
	local out rx
	out=$(T=20 nsx "$1" ping -n -c 5 -i 0.2 -W 2 "$2" 2>&1)
	echo "$out"
	rx=$(sed -n 's/.* \([0-9]\+\) received.*/\1/p' <<<"$out")
	log "ping $2 from $1: ${rx:-0}/5 answered"
	((${rx:-0} >= 4))
}

sha() { sha256sum "$1" | cut -d' ' -f1; }

# ---------------------------------------------------------------- test runner

# want NAME: the test is selected by $E2E_ONLY (a regex; default: all)
want() { [[ "$1" =~ ${E2E_ONLY:-.} ]]; }

# run NAME FUNC [ARGS...]: a selected test that needs the daemon running
run() {
	want "$1" || return 0
	if [[ -z "$DAEMON_PID" ]] || ! kill -0 "$DAEMON_PID" 2>/dev/null; then
		NFAIL=$((NFAIL + 1))
		FAILED+=("$1")
		echo "FAIL $1"
		echo "     | xlat64d is not running"
		return 0
	fi
	t "$@"
}

# t NAME FUNC [ARGS...]: run one test, output to its own log, print PASS/FAIL NAME
t() {
	local name=$1
	shift
	local logf=$WORK/test.$name.log t0 t1 rc
	t0=$(date +%s.%N)
	"$@" >"$logf" 2>&1
	rc=$?
	t1=$(date +%s.%N)
	local secs
	secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
	if ((rc == 0)); then
		NPASS=$((NPASS + 1))
		echo "PASS $name"
		grep '^  - ' "$logf" | head -n 8
		echo "     (${secs} s)"
	else
		NFAIL=$((NFAIL + 1))
		FAILED+=("$name")
		echo "FAIL $name"
		tail -n 25 "$logf" | sed 's/^/     | /'
		echo "     (${secs} s, log $logf)"
	fi
	return 0
}
