#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The demo, from a fresh Debian 12 as root:  sudo scripts/demo.sh [--nat64]
# Installs what is missing, reserves hugepages, builds, starts the lab (scripts/lab.sh), runs
# xlat64d on config/lab-siit.json in namespace x64-box (its veths driven by af_xdp where the kernel
# offers it, else af_packet), and shows an IPv6-only host and an IPv4-only host, with the kernel's
# default offloads, talking through it. Everything it started is stopped on exit.
# --nat64: stateful NAT64 on config/lab-nat64.json with DNS64 beside it (Unbound's dns64 module on the
# box's own kernel, config/dns64/): the IPv6-only host finds the IPv4-only web server by name.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

MODE=siit
case "${1:-}" in
"") ;;
--nat64) MODE=nat64 ;;
*) echo "usage: $0 [--nat64]" >&2; exit 2 ;;
esac
CONFIG=${XLAT64_CONFIG:-$ROOT/config/lab-$MODE.json}
RUNDIR=/run/xlat64
PIDFILE=$RUNDIR/lab-xlat64d.pid
LOGFILE=$RUNDIR/lab-xlat64d.log
PY=/usr/bin/python3
BUILD=${XLAT64_BUILD:-build}
XLAT64D=$BUILD/dataplane/xlat64d
XLAT64CTL=$BUILD/control/xlat64ctl

H4=198.51.100.2
H4_FROM_V6=64:ff9b::198.51.100.2
H6_FROM_V4=192.0.2.2

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
show() { printf '\033[2m$ %s\033[0m\n' "$*"; }
# hN CMD...: run (and show) a command on a host, bounded in time
h6() { show "[x64-h6] $*"; timeout 60 ip netns exec x64-h6 "$@"; }
h4() { show "[x64-h4] $*"; timeout 60 ip netns exec x64-h4 "$@"; }

[[ $(id -u) -eq 0 ]] || { echo "demo: run as root: sudo $0" >&2; exit 1; }

DAEMON_PID=
HTTP_PID=
DNS_PIDS=()
WWW=
cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	if [[ -n "$HTTP_PID" ]]; then kill "$HTTP_PID" 2>/dev/null || true; fi
	local p
	for p in "${DNS_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	rm -rf /etc/netns/x64-h6
	if [[ -n "$DAEMON_PID" ]] && kill -0 "$DAEMON_PID" 2>/dev/null; then
		kill -TERM "$DAEMON_PID" 2>/dev/null || true
		timeout 15 tail --pid="$DAEMON_PID" -f /dev/null || kill -9 "$DAEMON_PID" 2>/dev/null || true
	fi
	rm -f "$PIDFILE"
	[[ -z "$WWW" ]] || rm -rf "$WWW"
	scripts/lab.sh down >/dev/null 2>&1 || true
	if ((rc != 0)); then
		echo "demo: FAILED (exit $rc); daemon log: $LOGFILE" >&2
		[[ -f "$LOGFILE" ]] && tail -n 20 "$LOGFILE" >&2
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step "dependencies"
scripts/deps.sh

step "hugepages"
mkdir -p "$RUNDIR"
NOHUGE=()
if ! scripts/hugepages.sh 512 ||
	(($(awk '/^HugePages_Free/ { f = $2 } END { print f + 0 }' /proc/meminfo) < 150)); then
	echo "demo: not enough hugepages, running the daemon with --no-huge"
	NOHUGE=(nohuge=1)
fi

step "build"
[[ -f "$BUILD/build.ninja" ]] || meson setup "$BUILD"
ninja -C "$BUILD"

step "lab: x64-h6 (IPv6 only) <-> x64-box (xlat64d) <-> x64-h4 (IPv4 only)"
scripts/lab.sh up
scripts/lab.sh status

# start PORTS: xlat64d on the lab's veths driven as PORTS (af_xdp or af_packet); 0 once it answers
start() {
	local cfg=$RUNDIR/lab-$MODE.$1.json
	$PY tests/e2e/ctl.py mkconfig "$CONFIG" "$cfg" "ports=$1" "${NOHUGE[@]}"
	SOCK=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["control"]["socket"])' "$cfg")
	mkdir -p "$(dirname "$SOCK")"
	rm -f "$SOCK"
	show "ip netns exec x64-box $XLAT64D --config $cfg"
	ip netns exec x64-box "$XLAT64D" --config "$cfg" >"$LOGFILE" 2>&1 &
	DAEMON_PID=$!
	echo "$DAEMON_PID" >"$PIDFILE"
	echo "xlat64d pid $DAEMON_PID, log $LOGFILE, control socket $SOCK"
	for _ in $(seq 1 300); do
		if ! kill -0 "$DAEMON_PID" 2>/dev/null; then
			echo "demo: xlat64d on $1 ports exited during start-up:" >&2
			tail -n 5 "$LOGFILE" >&2
			DAEMON_PID=
			return 1
		fi
		if [[ -S "$SOCK" ]] && timeout 5 "$XLAT64CTL" --socket "$SOCK" version >/dev/null 2>&1; then
			return 0
		fi
		sleep 0.1
	done
	echo "demo: xlat64d did not answer on $SOCK within 30 s" >&2
	kill -TERM "$DAEMON_PID" 2>/dev/null || true
	timeout 15 tail --pid="$DAEMON_PID" -f /dev/null || kill -9 "$DAEMON_PID" 2>/dev/null || true
	DAEMON_PID=
	return 1
}

# af_xdp where the kernel offers it (the better port type: no extra copy, frames as the hosts sent them;
# one worker on a veth), else af_packet (doc/operations.md, "Virtual machines"). NAT64 wants its two
# workers (a flow's owner, the handoff): af_packet.
step "start xlat64d in x64-box ($CONFIG, af_xdp ports)"
if [[ $MODE == nat64 ]] || ! start af_xdp; then
	step "start xlat64d in x64-box ($CONFIG, af_packet ports)"
	start af_packet || exit 1
fi
show "xlat64ctl --socket $SOCK version"
timeout 5 "$XLAT64CTL" --socket "$SOCK" version

# serve: a web server on the IPv4-only host (port 8000): hello.txt and a 1 MiB file
serve() {
	WWW=$(mktemp -d /tmp/xlat64-demo.XXXXXX)
	echo "Hello from the IPv4-only host $H4, served over IPv4, fetched over IPv6." >"$WWW/hello.txt"
	head -c $((1 << 20)) /dev/urandom >"$WWW/blob1m"
	ip netns exec x64-h4 timeout 300 $PY -m http.server --bind "$H4" --directory "$WWW" 8000 >/dev/null 2>&1 &
	HTTP_PID=$!
	for _ in $(seq 1 50); do
		ip netns exec x64-h4 timeout 1 bash -c "exec 3<>/dev/tcp/$H4/8000" 2>/dev/null && break
		sleep 0.1
	done
}

if [[ $MODE == siit ]]; then
step "IPv6 host -> IPv4 host: ping 64:ff9b::198.51.100.2 (pool6 64:ff9b::/96)"
h6 ping -n -c 3 "$H4_FROM_V6"

step "IPv6 host: tracepath through the translator"
out=$(h6 tracepath -n -m 6 "$H4_FROM_V6" 2>&1) || true
echo "$out"
grep -q reached <<<"$out" || { echo "demo: tracepath did not reach $H4_FROM_V6" >&2; exit 1; }

step "IPv6 host: HTTP download from a server on the IPv4 host"
serve
h6 curl -sS -g --max-time 30 "http://[$H4_FROM_V6]:8000/hello.txt"
h6 curl -sS -g --max-time 30 -o "$WWW/got1m" -w '%{size_download} bytes in %{time_total} s\n' \
	"http://[$H4_FROM_V6]:8000/blob1m"
cmp "$WWW/blob1m" "$WWW/got1m" && echo "1 MiB file arrived intact"

step "IPv4 host -> IPv6 host: ping 192.0.2.2 (EAMT 2001:db8:6::2/128 <-> 192.0.2.2/32)"
h4 ping -n -c 3 "$H6_FROM_V4"

else
step "DNS64 beside the NAT64: Unbound's dns64 module on the box's own kernel (config/dns64/)"
# the IPv4 network's name server (example. has A records only), and the DNS64 resolver the IPv6 host uses
ip netns exec x64-h4 timeout 600 unbound -d -c config/dns64/unbound-auth4.conf >"$RUNDIR/unbound-auth4.log" 2>&1 &
DNS_PIDS+=($!)
ip netns exec x64-box timeout 600 unbound -d -c config/dns64/unbound-dns64.conf >"$RUNDIR/unbound-dns64.log" 2>&1 &
DNS_PIDS+=($!)
mkdir -p /etc/netns/x64-h6 # ip netns exec x64-h6 sees this as /etc/resolv.conf
echo "nameserver 2001:db8:6::1" >/etc/netns/x64-h6/resolv.conf
for _ in $(seq 1 50); do
	timeout 2 ip netns exec x64-h6 dig +short +tries=1 +time=1 AAAA www4.example | grep -q : && break
	sleep 0.2
done
h6 dig +noall +answer A www4.example
h6 dig +noall +answer AAAA www4.example
aaaa=$(timeout 10 ip netns exec x64-h6 dig +short AAAA www4.example)
[[ "$aaaa" == "$H4_FROM_V6" || "$aaaa" == 64:ff9b::c633:6402 ]] ||
	{ echo "demo: www4.example has no AAAA in pool6 ($aaaa)" >&2; exit 1; }
echo "www4.example has only an A record (198.51.100.2); DNS64 gave the IPv6 host $aaaa, inside pool6"

step "IPv6 host: HTTP by name from the IPv4-only web server, through NAT64"
serve
h6 curl -sS -g --max-time 30 "http://www4.example:8000/hello.txt"
h6 curl -sS -g --max-time 30 -o "$WWW/got1m" -w '%{size_download} bytes in %{time_total} s\n' \
	"http://www4.example:8000/blob1m"
cmp "$WWW/blob1m" "$WWW/got1m" && echo "1 MiB file arrived intact"

step "NAT64 state: the sessions the IPv6 host opened"
show "xlat64ctl --socket $SOCK session"
timeout 5 "$XLAT64CTL" --socket "$SOCK" session | head -n 12

fi

step "translator counters"
show "xlat64ctl --socket $SOCK stats"
timeout 5 "$XLAT64CTL" --socket "$SOCK" stats

step "stop xlat64d"
kill -TERM "$DAEMON_PID"
set +e
timeout 15 tail --pid="$DAEMON_PID" -f /dev/null
wait "$DAEMON_PID"
rc=$?
set -e
DAEMON_PID=
echo "xlat64d exited with status $rc"
((rc == 0)) || exit 1

step "lab down"
scripts/lab.sh down
echo
echo "demo: OK"
