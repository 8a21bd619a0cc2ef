#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# End-to-end tests of stateful NAT64 (RFC 6146) in the lab (scripts/lab.sh): two IPv6-only
# hosts (x64-h6 on p6, x64-h6b on p6b) and one IPv4-only server (x64-h4), xlat64d with
# config/lab-nat64.json (pool4 192.0.2.1, two workers: -l 0,1) on af_packet ports.
# Run as root after a build, one lab user at a time:
#   flock /tmp/xlat64-lab.lock tests/e2e/nat64.sh
#   E2E_ONLY='udp|tcp' ...   only tests whose name matches the regex
#   E2E_KEEP=1 ...           keep the work directory
#   E2E_NOHUGE=1             run the daemon with --no-huge (automatic when hugepages are short)
#   E2E_MKCONFIG='KEY=VALUE ...' ctl.py mkconfig changes for every config the suite makes
#   E2E_PORTS=af_xdp         drive the lab's veths with net_af_xdp (one worker) instead of net_af_packet
#   NAT64_UDP_FLOWS=10000 NAT64_TCP_CONNS=2000   the scale tests' sizes (split over both hosts)
#   XLAT64_BUILD=DIR         build directory (default build/)
# Prints "PASS name" / "FAIL name" per test and "N passed, M failed" last; exit 1 on any failure.
# Every step runs under a time limit.
set -uo pipefail

. "$(dirname "$0")/lib.sh"

[[ $(id -u) -eq 0 ]] || { echo "e2e-nat64: must run as root" >&2; exit 1; }
[[ -x "$XLAT64D" ]] || { echo "e2e-nat64: $XLAT64D not built" >&2; echo "0 passed, 1 failed"; exit 1; }

NS_H6B=x64-h6b
H6B=2001:db8:7::2
POOL4=192.0.2.1
POOL4_FROM_V6=64:ff9b::192.0.2.1 # pool4 as the IPv6 hosts see it (hairpinning)
UDP_FLOWS=${NAT64_UDP_FLOWS:-10000}
TCP_CONNS=${NAT64_TCP_CONNS:-2000}
FLOWS="$PY $E2E_DIR/nat64flows.py"

e2e_init

# ---------------------------------------------------------------- tests

test_ping_h6() { ping_ok "$NS_H6" "$H4_FROM_V6"; }
test_ping_h6b() { ping_ok "$NS_H6B" "$H4_FROM_V6"; }

curl_ok() { # NS: 1 MiB over HTTP from the IPv4 server, intact
	local w
	rm -f "$WORK/got.$1"
	w=$(T=60 nsx "$1" curl -sS -g --max-time 50 -o "$WORK/got.$1" \
		-w '%{http_code} %{size_download} %{speed_download}' "http://[$H4_FROM_V6]:8080/blob1m") || return 1
	echo "curl: $w"
	[[ "$(sha "$WORK/got.$1")" == "$(sha "$WORK/www4/blob1m")" ]] || { echo "sha256 mismatch" >&2; return 1; }
	log "1 MiB from [$H4_FROM_V6]:8080 to $1 intact, $(awk '{ printf "%.1f MB/s", $3 / 1e6 }' <<<"$w")"
}
test_curl_h6() { curl_ok "$NS_H6"; }
test_curl_h6b() { curl_ok "$NS_H6B"; }

udp_ok() { # NS ADDR PORT [COUNT]: COUNT (30) datagrams of assorted sizes echoed intact
	local out
	out=$(T=60 nsx "$1" $PY "$E2E_DIR/udpecho.py" client "$2" "$3" "${4:-30}" 2>&1)
	local rc=$?
	echo "$out"
	log "UDP echo $2#$3 from $1: $(tail -n1 <<<"$out")"
	return $rc
}
test_udp_h6() { udp_ok "$NS_H6" "$H4_FROM_V6" 7; }
test_udp_h6b() { udp_ok "$NS_H6B" "$H4_FROM_V6" 7; }

# IPv4-initiated, through the static BIB entries 192.0.2.1#8081 (TCP) and #9001 (UDP) -> x64-h6
test_static_tcp_from_v4() {
	local w
	rm -f "$WORK/got.static"
	w=$(T=60 nsx "$NS_H4" curl -sS --max-time 50 -o "$WORK/got.static" \
		-w '%{http_code} %{size_download}' "http://$POOL4:8081/blob1m") || return 1
	echo "curl: $w"
	[[ "$(sha "$WORK/got.static")" == "$(sha "$WORK/www6/blob1m")" ]] || { echo "sha256 mismatch" >&2; return 1; }
	log "1 MiB from x64-h6 through static BIB $POOL4#8081 to x64-h4 intact"
}
test_static_udp_from_v4() { udp_ok "$NS_H4" "$POOL4" 9001; }

# RFC 6146 3.8: x64-h6b reaches x64-h6's static UDP entry through pool4 (64:ff9b::192.0.2.1#9001)
test_hairpin_udp() { udp_ok "$NS_H6B" "$POOL4_FROM_V6" 9001; }

# both_hosts LIMIT KIND PORT N SECS NAME: nat64flows.py KIND towards x64-h4's PORT from both IPv6
# hosts at the same time, N split between them; logs in $WORK/NAME.h6 and NAME.h6b
both_hosts() {
	local limit=$1 kind=$2 port=$3 n=$4 secs=$5 name=$6 half=$(($4 / 2)) rc=0 a b
	T=$limit nsx "$NS_H6" $FLOWS "$kind" "$H4_FROM_V6" "$port" "$half" "$secs" >"$WORK/$name.h6" 2>&1 &
	a=$!
	T=$limit nsx "$NS_H6B" $FLOWS "$kind" "$H4_FROM_V6" "$port" "$((n - half))" "$secs" >"$WORK/$name.h6b" 2>&1 &
	b=$!
	wait "$a" || rc=1
	wait "$b" || rc=1
	cat "$WORK/$name.h6" "$WORK/$name.h6b"
	log "x64-h6:  $(tail -n1 "$WORK/$name.h6")"
	log "x64-h6b: $(tail -n1 "$WORK/$name.h6b")"
	return $rc
}

# UDP_FLOWS concurrent flows (half from each IPv6 host, run at the same time), all answered
test_udp_flows() { both_hosts 90 udp-flows 7 "$UDP_FLOWS" 60 udpflows; }

# TCP_CONNS concurrent connections (half from each IPv6 host), every one connected and echoing
test_tcp_conns() { both_hosts 120 tcp-conns 9000 "$TCP_CONNS" 90 tcp; }

# The counters: sessions made for all of the above, both workers' handoff rings in use, no refusals
test_counters() {
	local s=$WORK/stats.nat64.json ok=0
	snap "$s" || return 1
	$CTL counters "$s" | awk '$2 != 0'
	MIN=$((UDP_FLOWS + TCP_CONNS - 1)) expect_gt "$s" XLAT_NAT64_SESSION_CREATED || ok=1
	MIN=$((UDP_FLOWS + TCP_CONNS - 1)) expect_gt "$s" XLAT_NAT64_BIB_CREATED || ok=1
	# two workers (af_packet): flows cross between them; af_xdp on veths runs one (tests/e2e/ctl.py)
	[[ $E2E_PORTS == af_xdp ]] || expect_gt "$s" XLAT_HANDOFF_OUT || ok=1
	# the hosts keep the kernel's offloads: partial checksums finished, TSO super-frames cut (doc/operations.md)
	expect_gt "$s" XLAT_CSUM_PARTIAL || ok=1
	# af_packet gets the hosts' TSO super-frames; with XDP on a veth the kernel segments them for us
	[[ $E2E_PORTS == af_xdp ]] || expect_gt "$s" XLAT_GSO_SEGMENTS || ok=1
	local n
	for n in XLAT_POOL4_EXHAUSTED XLAT_NAT64_TABLE_FULL; do
		(($(cnt "$s" "$n") == 0)) || { echo "$n = $(cnt "$s" "$n"), expected 0" >&2; ok=1; }
	done
	log "XLAT_HANDOFF_FULL = $(cnt "$s" XLAT_HANDOFF_FULL), XLAT_TX_DROP = $(cnt "$s" XLAT_TX_DROP)"
	return $ok
}

test_daemon_clean_exit() { daemon_clean_exit XLAT_NAT64_SESSION_CREATED; }

# what the daemon says at start of the memory it took (so that -m and hugepages can be sized): the
# routing tables' two copies alone take ~150 MiB, two workers' tables and three ports' mbufs more
test_memory_logged() {
	local line used
	line=$(grep -m1 -o "memory: [0-9]* MiB of DPDK's in use, [0-9]* MiB free.*" "$DAEMON_LOG") ||
		{ echo "no memory line in $DAEMON_LOG" >&2; return 1; }
	echo "$line"
	used=$(awk '{ print $2 }' <<<"$line")
	((used >= 150 && used < 1024)) || { echo "memory in use: $used MiB, expected 150..1023" >&2; return 1; }
	if [[ -n "${E2E_NOHUGE:-}" ]]; then
		grep -q -- "-m is all it has" <<<"$line" || { echo "no-hugepage daemon, line says otherwise" >&2; return 1; }
	fi
}

# ---------------------------------------------------------------- main

echo "e2e-nat64: work dir $WORK"
"$ROOT/scripts/lab.sh" up || { echo "0 passed, 1 failed"; exit 1; }
ip netns list | grep -qw "$NS_H6B" || { echo "e2e-nat64: lab has no $NS_H6B" >&2; echo "0 passed, 1 failed"; exit 1; }

# servers: HTTP and UDP/TCP echo on x64-h4; HTTP (static BIB) and UDP echo on x64-h6
mkdir -p "$WORK/www4" "$WORK/www6"
head -c 1048576 /dev/urandom >"$WORK/www4/blob1m"
head -c 1048576 /dev/urandom >"$WORK/www6/blob1m"
bg "$NS_H4" "$WORK/http4.log" $PY "$E2E_DIR/httpsink.py" 0.0.0.0 8080 "$WORK/www4"
bg "$NS_H4" "$WORK/udp4.log" $FLOWS udp-server 0.0.0.0 7
bg "$NS_H4" "$WORK/tcp4.log" $FLOWS tcp-server 0.0.0.0 9000
bg "$NS_H6" "$WORK/http6.log" $PY "$E2E_DIR/httpsink.py" :: 8081 "$WORK/www6"
bg "$NS_H6" "$WORK/udp6.log" $PY "$E2E_DIR/udpecho.py" server :: 9001
wait_tcp "$NS_H4" 0.0.0.0 8080 && wait_tcp "$NS_H4" 0.0.0.0 9000 && wait_udp "$NS_H4" 7 &&
	wait_tcp "$NS_H6" :: 8081 && wait_udp "$NS_H6" 9001 || { echo "0 passed, 1 failed"; exit 1; }

config_from lab-nat64.json "$WORK/nat64.json"
t daemon_start daemon_start "$WORK/nat64.json"
run ping_h6 test_ping_h6
run ping_h6b test_ping_h6b
run curl_h6 test_curl_h6
run curl_h6b test_curl_h6b
run udp_h6 test_udp_h6
run udp_h6b test_udp_h6b
run static_tcp_from_v4 test_static_tcp_from_v4
run static_udp_from_v4 test_static_udp_from_v4
run udp_flows test_udp_flows
run tcp_conns test_tcp_conns
run counters test_counters
run hairpin_udp test_hairpin_udp
run memory_logged test_memory_logged
run daemon_clean_exit test_daemon_clean_exit

daemon_stop quiet || true
echo
((NFAIL == 0)) || echo "failed: ${FAILED[*]}"
echo "$NPASS passed, $NFAIL failed"
((NFAIL == 0))
