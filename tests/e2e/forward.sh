#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# End-to-end tests of native forwarding beside translation (issue 20): the box is the hosts'
# gateway and routes what it does not translate, like a router (doc/architecture.md, "Forwarding").
# The lab's third segment (scripts/lab.sh, LAB_FAR=1): x64-far, dual stack, behind port vf;
# x64-far is also on the box's own kernel through mgmt, an interface the dataplane does not drive.
# Run as root after a build, under the lab lock:
#   flock /tmp/xlat64-lab.lock tests/e2e/forward.sh
#   E2E_ONLY=regex, E2E_KEEP=1, E2E_PORTS=af_xdp, XLAT64_BUILD=DIR as tests/e2e/run.sh
# Prints "PASS name" / "FAIL name" per test and "N passed, M failed" last; exit 1 on any failure.
set -uo pipefail

. "$(dirname "$0")/lib.sh"

[[ $(id -u) -eq 0 ]] || { echo "forward: must run as root" >&2; exit 1; }
[[ -x "$XLAT64D" ]] || { echo "forward: $XLAT64D not built" >&2; echo "0 passed, 1 failed"; exit 1; }

e2e_init

NS_FAR=x64-far
BOX6=2001:db8:6::1
BOX4=198.51.100.1
BOXF6=2001:db8:f::1
BOXF4=203.0.113.1
FAR6=2001:db8:f::2
FAR4=203.0.113.2
BEHIND6=2001:db8:aa::1 # on x64-far's loopback, reached only by a route BIRD installs on the box
BEHIND4=198.18.99.1
MGMT6=2001:db8:77::2   # x64-far on the box kernel's own link (mgmt): the host's route, not the dataplane's
MGMT4=10.77.0.2
MTUF=1280              # the third segment's MTU: smaller than the hosts' 1500, for the MTU tests
PROBE="$PY $E2E_DIR/fwdprobe.py"

# fwd_config OUT CHANGE...: lab-siit.json (as make_config) with the third port, the native IPv4 ranges in
# denylist4 (in SIIT with pool6 every IPv4 address is translatable otherwise: RFC 6052), then dataplane.KEY=JSON
fwd_config() {
	local out=$1
	shift
	make_config "$out" "$@" || return 1
	$PY - "$out" "$E2E_PORTS" "$MTUF" <<'EOF'
import json, sys
path, ports, mtu = sys.argv[1:4]
cfg = json.load(open(path))
dev = "net_af_xdp2,iface=pf" if ports == "af_xdp" else "net_af_packet2,iface=pf"
cfg["ports"].append({"name": "vf", "device": dev, "mtu": int(mtu),
                     "addresses": ["2001:db8:f::1/64", "203.0.113.1/24"]})
cfg["denylist4"] = ["203.0.113.0/24", "198.18.0.0/15", "10.77.0.0/24"]
json.dump(cfg, open(path, "w"), indent=2)
EOF
}

phase() { # NAME CHANGES...: restart the daemon on a generated config
	local name=$1
	shift
	fwd_config "$WORK/$name.json" "$@" || return 1
	t "daemon_start_$name" daemon_start "$WORK/$name.json"
}

delta() { echo $(($(cnt "$2" "${@:3}") - $(cnt "$1" "${@:3}"))); }

# ---------------------------------------------------------------- tests

# Both hosts reach x64-far through the box (native, routed), while the IPv6 host's pool6 traffic and the
# IPv4 host's EAMT traffic are translated at the same time; the counters of both move, and neither path
# took the other's packets.
test_ping_beside_translation() {
	local a=$WORK/stats.p0.json b=$WORK/stats.p1.json ok=0
	snap "$a" || return 1
	bg "$NS_H6" "$WORK/xlat-ping6.log" ping -n -i 0.05 -w 4 "$H4_FROM_V6"
	local x6=$LAST_BG
	bg "$NS_H4" "$WORK/xlat-ping4.log" ping -n -i 0.05 -w 4 "$H6_FROM_V4"
	local x4=$LAST_BG
	ping_ok "$NS_H6" "$FAR6" || ok=1
	ping_ok "$NS_H4" "$FAR4" || ok=1
	ping_ok "$NS_FAR" "$H6" || ok=1 # the reply to h6 (an EAMT address) is native traffic too: routed
	ping_ok "$NS_FAR" "$H4" || ok=1
	timeout 10 tail --pid="$x6" -f /dev/null
	timeout 10 tail --pid="$x4" -f /dev/null
	snap "$b" || return 1
	local f6 f4 s r6 r4
	f6=$(delta "$a" "$b" XLAT_FWD6)
	f4=$(delta "$a" "$b" XLAT_FWD4)
	s=$(delta "$a" "$b" JSTAT_SUCCESS)
	r6=$(sed -n 's/.* \([0-9]\+\) received.*/\1/p' "$WORK/xlat-ping6.log")
	r4=$(sed -n 's/.* \([0-9]\+\) received.*/\1/p' "$WORK/xlat-ping4.log")
	log "forwarded: IPv6 +$f6, IPv4 +$f4; translated meanwhile +$s (pings through pool6 ${r6:-0}, EAMT ${r4:-0} answered)"
	((f6 >= 16 && f4 >= 16)) || { echo "forwarding counters did not move enough" >&2; ok=1; }
	((s >= 40 && ${r6:-0} > 20 && ${r4:-0} > 20)) || { echo "translation suffered" >&2; ok=1; }
	(($(delta "$a" "$b" XLAT_FWD_TO_HOST XLAT_NOT_OURS JSTAT64_SRC JSTAT46_SRC) == 0)) ||
		{ echo "native traffic went to the host, was dropped or met the translator" >&2; ok=1; }
	return $ok
}

# tracepath from each host to x64-far: the box answers hop 1 (Time Exceeded from its own address), then far.
tracepath_through() { # NS TARGET BOX
	local out
	out=$(T=40 nsx "$1" tracepath -n -m 5 "$2" 2>&1)
	echo "$out"
	grep -q 'reached' <<<"$out" || { echo "tracepath did not reach $2" >&2; return 1; }
	grep -qE "^ *1: +$3 " <<<"$out" || { echo "hop 1 is not the box ($3)" >&2; return 1; }
	grep -qE "^ *2: +$2 " <<<"$out" || { echo "hop 2 is not $2" >&2; return 1; }
	log "$(grep -m1 '^ *1:' <<<"$out" | tr -s ' ')"
	log "$(grep -m1 "^ *2: *$2 " <<<"$out" | tr -s ' ')"
}
test_tracepath6() { tracepath_through "$NS_H6" "$FAR6" "$BOX6"; }
test_tracepath4() { tracepath_through "$NS_H4" "$FAR4" "$BOX4"; }

# TCP through the box both ways, the hosts keeping their offloads (TSO super-frames and partial checksums
# on af_packet, which the box cuts and finishes): 5 MiB down and 1 MiB up with curl, sha256 checked, and
# iperf3 for 3 s.
tcp_through() { # NS URLHOST IPERF_TARGET
	local w r out rc ok=0
	rm -f "$WORK/fgot"
	w=$(T=90 nsx "$1" curl -sS -g --max-time 80 -o "$WORK/fgot" -w '%{http_code} %{speed_download}' \
		"http://$2:8080/blob5m") || ok=1
	if [[ "$(sha "$WORK/fgot")" == "$(sha "$WORK/wwwf/blob5m")" ]]; then
		log "GET 5 MiB from $2 intact ($(awk '{ printf "%.1f MB/s", $2 / 1e6 }' <<<"$w"))"
	else
		echo "GET from $2 failed or corrupt: $w" >&2
		ok=1
	fi
	r=$(T=60 nsx "$1" curl -sS -g --max-time 50 -H 'Expect:' --data-binary "@$WORK/wwwf/blob1m" \
		"http://$2:8080/upload") || ok=1
	if [[ "${r%% *}" == "$(sha "$WORK/wwwf/blob1m")" ]]; then log "POST 1 MiB to $2 intact"; else
		echo "POST to $2: '$r'" >&2
		ok=1
	fi
	bg "$NS_FAR" "$WORK/iperf3-far.log" iperf3 -s -1 -p 5301
	local srv=$LAST_BG
	wait_tcp "$NS_FAR" "$3" 5301 || return 1
	out=$(T=30 nsx "$1" iperf3 -c "$3" -p 5301 -t 3 -f m 2>&1)
	rc=$?
	echo "$out"
	bg_stop "$srv"
	((rc == 0)) || ok=1
	log "iperf3: $(grep -E 'receiver$' <<<"$out" | tr -s ' ' | sed 's/^\[ *[0-9]*\] *//')"
	return $ok
}
test_tcp6() {
	local a=$WORK/stats.t0.json b=$WORK/stats.t1.json ok=0
	snap "$a" || return 1
	tcp_through "$NS_H6" "[$FAR6]" "$FAR6" || ok=1
	snap "$b" || return 1
	log "XLAT_FWD6 +$(delta "$a" "$b" XLAT_FWD6), checksums finished +$(delta "$a" "$b" XLAT_CSUM_PARTIAL), super-frames cut into +$(delta "$a" "$b" XLAT_GSO_SEGMENTS) segments"
	return $ok
}
test_tcp4() { tcp_through "$NS_H4" "$FAR4" "$FAR4"; }

# TTL 1, no route, too big for the 1280-byte third segment: the box's ICMP errors, byte for byte.
test_icmp_errors6() { T=60 nsx "$NS_H6" $PROBE errors v6 "$BOX6" "$H6" "$FAR6" 2001:db8:99::1 "$MTUF" | sed 's/^/  - /'; }
test_icmp_errors4() { T=60 nsx "$NS_H4" $PROBE errors v4 "$BOX4" "$H4" "$FAR4" 198.18.250.1 "$MTUF" | sed 's/^/  - /'; }

# IPv4 without DF, larger than the third segment's MTU: far receives fragments of at most 1280 bytes
# that put together are the datagram.
test_fragmented4() {
	local out sent got
	bg "$NS_FAR" "$WORK/sniff-frag.log" $PROBE sniff eth0 4 7771
	local s=$LAST_BG
	sleep 1.5
	sent=$(T=20 nsx "$NS_H4" $PROBE send4frag "$FAR4" 7771 1400) || return 1
	timeout 10 tail --pid="$s" -f /dev/null
	out=$(cat "$WORK/sniff-frag.log")
	echo "$out"
	local n
	n=$(grep -c '^ipv4 ttl 63 frag' <<<"$out")
	log "1428-byte datagram, DF clear, into the $MTUF-byte segment: $n fragments with TTL 63"
	((n == 2)) || { echo "expected 2 fragments, got $n" >&2; return 1; }
	! awk '$1 == "ipv4" && $9 > 1280 { exit 1 }' <<<"$out" && { echo "a fragment above $MTUF bytes" >&2; return 1; }
	[[ "$(grep '^data' <<<"$out")" == "$sent" ]] || { echo "reassembled data differ" >&2; return 1; }
	log "reassembled at far: intact"
}

# What the dataplane does not forward itself goes to the host kernel through the exception path, which
# forwards it: an IPv6 hop-by-hop header (router alert) to far, and traffic for mgmt, a network only the
# kernel has a route to (a link it owns, not the dataplane's).
test_kernel_slow_path() {
	local a=$WORK/stats.k0.json b=$WORK/stats.k1.json ok=0 out sent
	snap "$a" || return 1
	bg "$NS_FAR" "$WORK/sniff-hbh.log" $PROBE sniff eth0 4 7772
	local s=$LAST_BG
	sleep 1.5
	sent=$(T=20 nsx "$NS_H6" $PROBE send6hbh "$FAR6" 7772) || return 1
	timeout 10 tail --pid="$s" -f /dev/null
	out=$(cat "$WORK/sniff-hbh.log")
	echo "$out"
	if grep -q '^ipv6 hlim 63 hbh True' <<<"$out" && [[ "$(grep '^data' <<<"$out")" == "$sent" ]]; then
		log "hop-by-hop datagram forwarded by the box's kernel to far, hop limit 63, header kept"
	else
		echo "far did not receive the hop-by-hop datagram as sent" >&2
		ok=1
	fi
	ping_ok "$NS_H6" "$MGMT6" || ok=1
	ping_ok "$NS_H4" "$MGMT4" || ok=1
	snap "$b" || return 1
	local th eh
	th=$(delta "$a" "$b" XLAT_FWD_TO_HOST)
	eh=$(delta "$a" "$b" XLAT_EXC_TO_HOST)
	log "XLAT_FWD_TO_HOST +$th, XLAT_EXC_TO_HOST +$eh, XLAT_EXC_FROM_HOST +$(delta "$a" "$b" XLAT_EXC_FROM_HOST)"
	((th >= 9 && eh >= th)) || { echo "the kernel did not get them through the exception path" >&2; ok=1; }
	return $ok
}

# A route added by BIRD on the box's host reaches the dataplane and traffic follows it; withdrawn, the
# dataplane answers "no route" again.
bird_conf() { # FILE WITH_ROUTES(0|1)
	cat >"$1" <<EOF
router id 203.0.113.1;
protocol device { scan time 1; }
protocol kernel k4 { ipv4 { export all; }; }
protocol kernel k6 { ipv6 { export all; }; }
EOF
	if (($2)); then
		cat >>"$1" <<EOF
protocol static s4 { ipv4; route 198.18.99.0/24 via 203.0.113.2; }
protocol static s6 { ipv6; route 2001:db8:aa::/48 via 2001:db8:f::2; }
EOF
	fi
}
fib_routes() { snap "$WORK/stats.fib.json" && cnt "$WORK/stats.fib.json" XLAT_FIB_ROUTES; }
wait_fib_routes() { # N: until the dataplane has learnt N routes (10 s)
	local i
	for i in $(seq 1 100); do
		[[ "$(fib_routes)" == "$1" ]] && return 0
		sleep 0.1
	done
	echo "XLAT_FIB_ROUTES is $(fib_routes), expected $1" >&2
	return 1
}
test_bird_route() {
	local conf=$WORK/bird.conf ctl=$WORK/bird.ctl ok=0 a=$WORK/stats.b0.json b=$WORK/stats.b1.json n0
	n0=$(fib_routes) # the host's own: mgmt's connected routes
	ip -n "$NS_FAR" addr add "$BEHIND6/128" dev lo nodad 2>/dev/null
	ip -n "$NS_FAR" addr add "$BEHIND4/32" dev lo 2>/dev/null
	if T=10 nsx "$NS_H6" ping -n -c 1 -W 2 "$BEHIND6" >/dev/null 2>&1; then
		echo "$BEHIND6 answered before any route was learnt" >&2
		return 1
	fi
	bird_conf "$conf" 1
	ip netns exec "$NS_BOX" bird -c "$conf" -s "$ctl" -P "$WORK/bird.pid" || { echo "bird did not start" >&2; return 1; }
	BG_PIDS+=("$(cat "$WORK/bird.pid")")
	wait_fib_routes $((n0 + 2)) || ok=1
	ip -n "$NS_BOX" route show proto bird | sed 's/^/  - box kernel: /'
	ip -n "$NS_BOX" -6 route show proto bird | sed 's/^/  - box kernel: /'
	snap "$a" || return 1
	ping_ok "$NS_H6" "$BEHIND6" || ok=1
	ping_ok "$NS_H4" "$BEHIND4" || ok=1
	snap "$b" || return 1
	log "learnt from the host: $n0 + $(($(cnt "$b" XLAT_FIB_ROUTES) - n0)) routes (XLAT_FIB_UPDATES $(cnt "$b" XLAT_FIB_UPDATES)); forwarded +$(delta "$a" "$b" XLAT_FWD6 XLAT_FWD4), through the kernel +$(delta "$a" "$b" XLAT_FWD_TO_HOST)"
	(($(delta "$a" "$b" XLAT_FWD6) >= 8 && $(delta "$a" "$b" XLAT_FWD4) >= 8 && $(delta "$a" "$b" XLAT_FWD_TO_HOST) == 0)) ||
		{ echo "traffic did not follow the learnt routes in the dataplane" >&2; ok=1; }
	# withdrawn: BIRD takes the routes out of the kernel, the dataplane follows
	bird_conf "$conf" 0
	ip netns exec "$NS_BOX" birdc -s "$ctl" configure >/dev/null || ok=1
	wait_fib_routes "$n0" || ok=1
	local out
	out=$(T=10 nsx "$NS_H6" ping -n -c 2 -i 0.3 -W 2 "$BEHIND6" 2>&1)
	echo "$out"
	grep -q 'Destination unreachable: No route' <<<"$out" || { echo "no ICMPv6 no-route after the withdrawal" >&2; ok=1; }
	log "withdrawn by BIRD: the dataplane answers 'no route' again"
	ip netns exec "$NS_BOX" birdc -s "$ctl" down >/dev/null 2>&1
	return $ok
}

# A flood of routes in the host's table: the dataplane learns dataplane.max-kernel-routes of them, counts and
# logs the rest, and keeps forwarding; the table empties when they go.
test_route_flood() {
	local n=3000 i ok=0 s=$WORK/stats.flood.json n0 max=500
	n0=$(fib_routes) # mgmt's connected routes, one per family
	for ((i = 0; i < n; i++)); do
		printf 'route add 2001:db8:1%03x:%x::/64 via 2001:db8:f::2 dev xlat-vf\n' $((i >> 8)) $((i & 255))
	done >"$WORK/flood.batch"
	ip -n "$NS_BOX" -6 -batch "$WORK/flood.batch" || { echo "ip -batch failed" >&2; return 1; }
	wait_fib_routes $((max + 1)) || ok=1 # 500 IPv6 routes at most: mgmt's and 499 of the flood
	sleep 0.5
	snap "$s" || return 1
	log "$n routes added to the host's table: $(cnt "$s" XLAT_FIB_ROUTES) learnt, $(cnt "$s" XLAT_FIB_REFUSED) refused, $(cnt "$s" XLAT_FIB_RESYNCS) re-reads"
	(($(cnt "$s" XLAT_FIB_REFUSED) == n - (max - 1))) || { echo "the refusals were not counted" >&2; ok=1; }
	grep -q 'not learnt' "$DAEMON_LOG" && log "log: $(grep -m1 'not learnt' "$DAEMON_LOG" | sed 's/.*routes: //')" ||
		{ echo "no log line for the refused routes" >&2; ok=1; }
	ping_ok "$NS_H6" "$FAR6" >/dev/null || ok=1
	sed 's/route add/route del/' "$WORK/flood.batch" >"$WORK/unflood.batch"
	ip -n "$NS_BOX" -6 -batch "$WORK/unflood.batch" 2>/dev/null
	wait_fib_routes "$n0" || ok=1
	log "routes deleted: the dataplane's learnt table is back to the host's own $n0"
	return $ok
}

# x64-far takes a new MAC while both hosts ping it through the box, and announces it the way hosts do
# (its ARP request and Neighbour Solicitation for the box carry it): the forwarded pings must follow.
# The fast path keeps a destination's L2 header for as long as the box's neighbour table does not change
# (dataplane/forward.c, neigh_generation()); an L2 header kept past the change sends every echo to the
# old MAC, which x64-far's interface no longer takes. The MAC is put back at the end, announced the same way.
far_mac() { # MAC: x64-far's new address, announced to the box over both families
	ip -n "$NS_FAR" link set dev eth0 address "$1" &&
		ip -n "$NS_FAR" neigh flush dev eth0 &&
		nsx "$NS_FAR" ping -n -c 1 -W 2 "$BOXF4" >/dev/null &&
		nsx "$NS_FAR" ping -n -c 1 -W 2 "$BOXF6" >/dev/null
}
test_neighbour_moves() {
	local old ok=0 a=$WORK/stats.nm0.json b=$WORK/stats.nm1.json
	old=$(ip -n "$NS_FAR" -br link show dev eth0 | awk '{print $3}')
	ping_ok "$NS_H4" "$FAR4" >/dev/null && ping_ok "$NS_H6" "$FAR6" >/dev/null || return 1
	snap "$a" || return 1
	far_mac 02:00:5e:00:fa:02 || { echo "x64-far could not take its new MAC" >&2; ok=1; }
	ping_ok "$NS_H4" "$FAR4" || ok=1
	ping_ok "$NS_H6" "$FAR6" || ok=1
	snap "$b" || ok=1
	log "neighbours learnt meanwhile: +$(delta "$a" "$b" XLAT_NEIGH_LEARNED); forwarded +$(delta "$a" "$b" XLAT_FWD4) / +$(delta "$a" "$b" XLAT_FWD6)"
	(($(delta "$a" "$b" XLAT_NEIGH_LEARNED) >= 2)) || { echo "the box did not learn the new MAC" >&2; ok=1; }
	far_mac "$old" && ping_ok "$NS_H4" "$FAR4" >/dev/null || { echo "x64-far's own MAC back: no answer" >&2; ok=1; }
	return $ok
}

test_clean_exit() { daemon_clean_exit XLAT_FWD6; }

# ---------------------------------------------------------------- suite

T0=$(date +%s)
echo "forward: lab up, work dir $WORK, ports $E2E_PORTS"
LAB_FAR=1 LAB_MTUF=$MTUF "$ROOT/scripts/lab.sh" up || { echo "0 passed, 1 failed"; exit 1; }
ip -n "$NS_H4" route add 203.0.113.0/24 via "$BOX4"
ip -n "$NS_H4" route add 198.18.0.0/15 via "$BOX4"
ip -n "$NS_H4" route add 10.77.0.0/24 via "$BOX4"

mkdir -p "$WORK/wwwf"
head -c $((5 << 20)) /dev/urandom >"$WORK/wwwf/blob5m"
head -c $((1 << 20)) /dev/urandom >"$WORK/wwwf/blob1m"
bg "$NS_FAR" "$WORK/httpf.log" $PY "$E2E_DIR/httpsink.py" :: 8080 "$WORK/wwwf"
wait_tcp "$NS_FAR" "$FAR6" 8080 || { echo "forward: far's HTTP server did not start"; echo "0 passed, 1 failed"; exit 1; }

if want 'ping|trace|tcp|icmp|frag|kernel|bird|neighbour|clean'; then
	phase forward
	run ping_beside_translation test_ping_beside_translation
	run tracepath6 test_tracepath6
	run tracepath4 test_tracepath4
	run tcp6 test_tcp6
	run tcp4 test_tcp4
	run icmp_errors6 test_icmp_errors6
	run icmp_errors4 test_icmp_errors4
	run fragmented4 test_fragmented4
	run kernel_slow_path test_kernel_slow_path
	run bird_route test_bird_route
	run neighbour_moves test_neighbour_moves
	run clean_exit test_clean_exit
fi
if want 'flood'; then
	phase flood dataplane.max-kernel-routes=500
	run route_flood test_route_flood
fi
daemon_stop quiet || true

echo "forward: $(($(date +%s) - T0)) s"
((NFAIL == 0)) || echo "forward: failed: ${FAILED[*]}"
echo "$NPASS passed, $NFAIL failed"
((NFAIL == 0))
