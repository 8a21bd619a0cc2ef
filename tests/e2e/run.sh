#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# End-to-end tests: real Linux hosts in network namespaces on both sides of xlat64d
# (af_packet ports on veth, scripts/lab.sh). Run as root after a build:
#   tests/e2e/run.sh                 all tests
#   E2E_ONLY='pmtu|ping' tests/e2e/run.sh    only tests whose name matches the regex
#   E2E_KEEP=1 ...                   keep the work directory (logs, captures, configs)
#   E2E_NOHUGE=1                     run the daemon with --no-huge (automatic when hugepages are short)
#   E2E_MKCONFIG='KEY=VALUE ...'     ctl.py mkconfig changes for every config the suite makes
#   E2E_PORTS=af_xdp                 drive the lab's veths with net_af_xdp (one worker) instead of net_af_packet
#   XLAT64_BUILD=DIR                 build directory (default build/)
# Prints "PASS name" / "FAIL name" per test and "N passed, M failed" last; exit 1 on any failure.
set -uo pipefail

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/test_exception.sh"

[[ $(id -u) -eq 0 ]] || { echo "e2e: must run as root" >&2; exit 1; }
[[ -x "$XLAT64D" ]] || { echo "e2e: $XLAT64D not built" >&2; echo "0 passed, 1 failed"; exit 1; }

e2e_init

# ---------------------------------------------------------------- tests

test_ping6_6to4() { ping_ok "$NS_H6" "$H4_FROM_V6"; }
test_ping_4to6_eamt() { ping_ok "$NS_H4" "$H6_FROM_V4"; }

# tracepath NS ADDR: hop 1 is the box (time exceeded from the translator), then the target
tracepath_ok() {
	local out
	out=$(T=40 nsx "$1" tracepath -n -m 6 "$2" 2>&1)
	echo "$out"
	grep -q 'reached' <<<"$out" || { echo "tracepath did not reach $2" >&2; return 1; }
	log "$(grep -m1 '^ *1:' <<<"$out" | tr -s ' ')"
	log "$(grep 'Resume' <<<"$out" | tr -s ' ')"
}
test_tracepath6() { tracepath_ok "$NS_H6" "$H4_FROM_V6"; }
test_tracepath4() { tracepath_ok "$NS_H4" "$H6_FROM_V4"; }

# get_5m_6to4: x64-h6 downloads 5 MiB from x64-h4's HTTP server through the box, intact; CURL_W is
# curl's "code size speed"
get_5m_6to4() {
	rm -f "$WORK/got5m"
	CURL_W=$(T=90 nsx "$NS_H6" curl -sS -g --max-time 80 -o "$WORK/got5m" \
		-w '%{http_code} %{size_download} %{speed_download}' "http://[$H4_FROM_V6]:8080/blob5m") || return 1
	echo "curl: $CURL_W"
	[[ "$(sha "$WORK/got5m")" == "$(sha "$WORK/www4/blob5m")" ]] || { echo "sha256 mismatch" >&2; return 1; }
}

test_http_get_5m_6to4() {
	get_5m_6to4 || return 1
	log "5 MiB from [$H4_FROM_V6] intact, $(awk '{ printf "%.1f MB/s", $3 / 1e6 }' <<<"$CURL_W")"
}

test_tcp_4to6_eamt() {
	rm -f "$WORK/got1m"
	local w r
	w=$(T=60 nsx "$NS_H4" curl -sS --max-time 50 -o "$WORK/got1m" \
		-w '%{http_code} %{size_download} %{speed_download}' "http://$H6_FROM_V4:8080/blob1m") || return 1
	echo "curl GET: $w"
	[[ "$(sha "$WORK/got1m")" == "$(sha "$WORK/www6/blob1m")" ]] || { echo "GET sha256 mismatch" >&2; return 1; }
	log "GET 1 MiB from $H6_FROM_V4 (server on h6) intact"
	r=$(T=60 nsx "$NS_H4" curl -sS --max-time 50 -H 'Expect:' --data-binary "@$WORK/www4/blob1m" \
		"http://$H6_FROM_V4:8080/upload") || return 1
	echo "curl POST: $r"
	[[ "${r%% *}" == "$(sha "$WORK/www4/blob1m")" ]] || { echo "POST sha256 mismatch" >&2; return 1; }
	log "POST 1 MiB to $H6_FROM_V4 intact"
}

test_udp_6to4() { T=60 nsx "$NS_H6" $PY "$E2E_DIR/udpecho.py" client "$H4_FROM_V6" 5001 20 | sed 's/^/  - /'; }
test_udp_4to6() { T=60 nsx "$NS_H4" $PY "$E2E_DIR/udpecho.py" client "$H6_FROM_V4" 5002 20 | sed 's/^/  - /'; }

test_iperf3_tcp_6to4() {
	bg "$NS_H4" "$WORK/iperf3-s.tcp.log" iperf3 -s -1 -B "$H4" -p 5201
	local srv=$LAST_BG
	wait_tcp "$NS_H4" "$H4" 5201 || return 1
	local out rc
	out=$(T=30 nsx "$NS_H6" iperf3 -c "$H4_FROM_V6" -p 5201 -t 3 -f m 2>&1)
	rc=$?
	echo "$out"
	bg_stop "$srv"
	((rc == 0)) || return 1
	log "$(grep -E 'receiver$' <<<"$out" | tr -s ' ' | sed 's/^\[ *[0-9]*\] *//')"
}

test_iperf3_udp_4to6() {
	bg "$NS_H6" "$WORK/iperf3-s.udp.log" iperf3 -s -1 -p 5202
	local srv=$LAST_BG
	sleep 0.5
	local out rc loss
	out=$(T=30 nsx "$NS_H4" iperf3 -c "$H6_FROM_V4" -p 5202 -u -b 20M -l 1200 -t 2 -f m 2>&1)
	rc=$?
	echo "$out"
	bg_stop "$srv"
	((rc == 0)) || return 1
	loss=$(grep -E 'receiver$' <<<"$out" | sed -n 's/.*(\([0-9.e+-]*\)%).*/\1/p' | tail -n1)
	log "UDP 20 Mbit/s 2 s 4->6: loss ${loss:-?}%"
	[[ -n "$loss" ]] && awk -v l="$loss" 'BEGIN { exit !(l < 20) }'
}

test_counters_after_traffic() {
	snap "$WORK/stats.traffic.json" || return 1
	$CTL counters "$WORK/stats.traffic.json" | awk '$2 != 0'
	expect_gt "$WORK/stats.traffic.json" JSTAT_SUCCESS &&
		expect_gt "$WORK/stats.traffic.json" JSTAT_RECEIVED6 &&
		expect_gt "$WORK/stats.traffic.json" JSTAT_RECEIVED4 &&
		expect_gt "$WORK/stats.traffic.json" JSTAT64_TTL JSTAT46_TTL &&
		expect_gt "$WORK/stats.traffic.json" JSTAT_ICMP6ERR_SUCCESS &&
		expect_gt "$WORK/stats.traffic.json" JSTAT_ICMP4ERR_SUCCESS &&
		# the hosts keep the kernel's offloads: what they send (partial checksums, TSO super-frames)
		# reached the box as they send it, and was finished and cut there
		expect_gt "$WORK/stats.traffic.json" XLAT_CSUM_PARTIAL || return 1
	# af_packet gets the hosts' TSO super-frames; with XDP on a veth the kernel segments them before XDP
	[[ $E2E_PORTS == af_xdp ]] && return 0
	expect_gt "$WORK/stats.traffic.json" XLAT_GSO_SEGMENTED &&
		expect_gt "$WORK/stats.traffic.json" XLAT_GSO_SEGMENTS
}

# IPv4 fragments from h4 to h6 (EAMT 192.0.2.2): a 3000-byte UDP datagram in three fragments, then a lone
# first fragment whose datagram is never completed. DPDK 22.11's af_packet PMD joins a PACKET_FANOUT group
# with PACKET_FANOUT_FLAG_DEFRAG: the kernel reassembles IPv4 before the PMD sees it, so the box translates
# one datagram (and cuts it again into IPv6 fragments of lowest-ipv6-mtu), and the lone fragment never
# arrives. af_xdp hands over every fragment as it came, and each is translated on its own (RFC 7915 4.1).
test_ipv4_fragments() {
	local a=$WORK/stats.frag.before.json b=$WORK/stats.frag.after.json
	sleep 0.5
	snap "$a" || return 1
	T=30 nsx "$NS_H4" $PY - "$H6_FROM_V4" <<'PYEOF' || return 1
import sys, time
from scapy.all import IP, UDP, Raw, fragment, send, conf
conf.verb = 0
dst = sys.argv[1]
send(fragment(IP(dst=dst, id=4241) / UDP(sport=4000, dport=4001) / Raw(b"f" * 3000), fragsize=1480))
send(IP(dst=dst, id=4242, flags="MF") / UDP(sport=4000, dport=4002, len=2008) / Raw(b"l" * 1000))
time.sleep(0.5)
PYEOF
	sleep 0.5
	snap "$b" || return 1
	local rx f6
	rx=$(($(cnt "$b" JSTAT_RECEIVED4) - $(cnt "$a" JSTAT_RECEIVED4)))
	f6=$(($(cnt "$b" XLAT_FRAG6_OUT) - $(cnt "$a" XLAT_FRAG6_OUT)))
	log "$E2E_PORTS: IPv4 packets translated for 3 fragments + 1 lone fragment: $rx; IPv6 fragments sent: $f6"
	if [[ $E2E_PORTS == af_packet ]]; then
		((rx == 1)) || { echo "expected 1 reassembled datagram (kernel defrag), got $rx" >&2; return 1; }
		((f6 == 3)) || { echo "expected 3 IPv6 fragments of at most 1280 bytes, got $f6" >&2; return 1; }
	else
		((rx == 4)) || { echo "expected every fragment (4) on af_xdp, got $rx" >&2; return 1; }
	fi
}

MALFORMED=(JSTAT_SKB_TRUNCATED JSTAT_HDR6 JSTAT_HDR4 XLAT_RX_BAD_L2 JSTAT_UNKNOWN_L4_PROTO
	XLAT_ICMP_TOO_SHORT JSTAT64_ICMP_CSUM JSTAT46_ICMP_CSUM JSTAT_UNKNOWN_PROTO_INNER)

# bad_traffic v6|v4: malformed frames and frames for untranslated destinations are counted (the latter
# routed, or refused with an ICMP error: the box forwards what it does not translate), none is translated,
# and ping still works afterwards
bad_traffic() {
	local fam=$1 ns mac
	if [[ $fam == v6 ]]; then ns=$NS_H6 mac=$MAC_P6; else ns=$NS_H4 mac=$MAC_P4; fi
	local a=$WORK/stats.bad$fam.before.json b=$WORK/stats.bad$fam.after.json out
	sleep 0.5 # let earlier traffic drain
	snap "$a" || return 1
	out=$(T=60 nsx "$ns" $PY "$E2E_DIR/badpkts.py" "$fam" eth0 "$mac") || { echo "$out"; return 1; }
	echo "$out"
	local nmal nno
	nmal=$(awk '$1 == "malformed" { print $2 }' <<<"$out")
	nno=$(awk '$1 == "notours" { print $2 }' <<<"$out")
	sleep 1
	snap "$b" || return 1
	local dm dn ds n
	dm=$(($(cnt "$b" "${MALFORMED[@]}") - $(cnt "$a" "${MALFORMED[@]}")))
	local notours=(XLAT_NOT_OURS JSTAT_POOL6_MISMATCH XLAT_FWD6 XLAT_FWD4 XLAT_FWD_NO_ROUTE XLAT_FWD_MARTIAN)
	dn=$(($(cnt "$b" "${notours[@]}") - $(cnt "$a" "${notours[@]}")))
	ds=$(($(cnt "$b" JSTAT_SUCCESS) - $(cnt "$a" JSTAT_SUCCESS)))
	for n in "${MALFORMED[@]}" "${notours[@]}" JSTAT_SUCCESS XLAT_RX; do
		local d=$(($(cnt "$b" "$n") - $(cnt "$a" "$n")))
		((d == 0)) || log "delta $n = $d"
	done
	local ok=0
	((dm >= nmal)) || { echo "sent $nmal malformed frames, malformed counters grew by $dm" >&2; ok=1; }
	((dn >= nno)) || { echo "sent $nno untranslatable frames, ${notours[*]} grew by $dn" >&2; ok=1; }
	((ds == 0)) || { echo "JSTAT_SUCCESS grew by $ds while only bad frames were sent" >&2; ok=1; }
	if [[ $fam == v6 ]]; then ping_ok "$NS_H6" "$H4_FROM_V6" >/dev/null || ok=1; else
		ping_ok "$NS_H4" "$H6_FROM_V4" >/dev/null || ok=1; fi
	((ok == 0)) && log "ping still works"
	return $ok
}
test_bad_traffic_v6() { bad_traffic v6; }
test_bad_traffic_v4() { bad_traffic v4; }

test_daemon_clean_exit() { daemon_clean_exit JSTAT_SUCCESS; }

test_neighbor_resolution() {
	# config without static neighbours: the box must find the hosts by ARP and ND itself
	ping_ok "$NS_H6" "$H4_FROM_V6" && ping_ok "$NS_H4" "$H6_FROM_V4"
	ip -n "$NS_H6" -6 neigh show | sed 's/^/  - h6 neigh: /'
	ip -n "$NS_H4" neigh show | sed 's/^/  - h4 neigh: /'
}

# The v4 port's MTU is 1400 while the hosts' links are 1500: a 1500-byte IPv6 packet becomes a
# 1480-byte IPv4 packet that does not fit, so the box must answer ICMPv6 Packet Too Big (MTU 1420).
test_pmtu_v4_1400_upload() {
	ip -n "$NS_H6" -6 route flush cache 2>/dev/null
	snap "$WORK/stats.pmtu4.before.json" || return 1
	local r
	r=$(T=90 nsx "$NS_H6" curl -sS -g --max-time 80 -H 'Expect:' --data-binary "@$WORK/www6/blob2m" \
		"http://[$H4_FROM_V6]:8080/upload") || return 1
	echo "curl POST: $r"
	[[ "${r%% *}" == "$(sha "$WORK/www6/blob2m")" ]] || { echo "upload sha256 mismatch" >&2; return 1; }
	log "2 MiB upload h6 -> h4 intact"
	# h6 keeps its offloads (TSO): its super-frames are cut to the 1400-byte link by the box, and
	# whatever it sends at full size alone (a 1500-byte packet) gets Packet Too Big, as PMTUD wants.
	local out
	out=$(T=20 nsx "$NS_H6" ping -n -c 3 -i 0.3 -W 2 -M do -s 1452 "$H4_FROM_V6" 2>&1)
	echo "$out"
	log "h6: $(ip -n "$NS_H6" -6 route get "$H4_FROM_V6" | grep -o 'mtu [0-9]*' || echo 'no PMTU cached')"
	snap "$WORK/stats.pmtu4.json" || return 1
	$CTL counters "$WORK/stats.pmtu4.json" | awk '$2 != 0'
	expect_gt "$WORK/stats.pmtu4.json" JSTAT_SUCCESS &&
		expect_gt "$WORK/stats.pmtu4.json" JSTAT_PKT_TOO_BIG &&
		expect_gt "$WORK/stats.pmtu4.json" JSTAT_ICMP6ERR_SUCCESS || return 1
	ip -n "$NS_H6" -6 route get "$H4_FROM_V6" | grep -q 'mtu 1420' || { echo "h6 did not learn MTU 1420" >&2; return 1; }
	# every frame the v4 link carried fit its MTU: h4's kernel saw no oversized frame (no drops)
	local segs
	segs=$(($(cnt "$WORK/stats.pmtu4.json" XLAT_GSO_SEGMENTS) - $(cnt "$WORK/stats.pmtu4.before.json" XLAT_GSO_SEGMENTS)))
	log "super-frames from h6 cut into $segs segments for the 1400-byte link"
}

# The v6 port's MTU is 1280: h4's TCP super-frames (TSO) are cut to fit it; a 1500-byte IPv4 packet
# (DF) on its own becomes 1520 bytes of IPv6 and does not fit, so the box answers ICMPv4 Fragmentation
# Needed (MTU 1260), and h4 learns it.
test_pmtu_v6_1280_download() {
	ip -n "$NS_H4" route flush cache 2>/dev/null
	get_5m_6to4 || return 1
	log "5 MiB download h4 -> h6 intact"
	local out
	out=$(T=20 nsx "$NS_H4" ping -n -c 3 -i 0.3 -W 2 -M do -s 1472 "$H6_FROM_V4" 2>&1)
	echo "$out"
	log "h4: $(ip -n "$NS_H4" route get "$H6_FROM_V4" | grep -o 'mtu [0-9]*' || echo 'no PMTU cached')"
	snap "$WORK/stats.pmtu6.json" || return 1
	$CTL counters "$WORK/stats.pmtu6.json" | awk '$2 != 0'
	expect_gt "$WORK/stats.pmtu6.json" JSTAT_SUCCESS &&
		expect_gt "$WORK/stats.pmtu6.json" JSTAT_PKT_TOO_BIG &&
		expect_gt "$WORK/stats.pmtu6.json" JSTAT_ICMP4ERR_SUCCESS || return 1
	ip -n "$NS_H4" route get "$H6_FROM_V4" | grep -q 'mtu 1260' || { echo "h4 did not learn MTU 1260" >&2; return 1; }
}

# ---------------------------------------------------------------- suite

T0=$(date +%s)
echo "e2e: lab up, work dir $WORK"
"$ROOT/scripts/lab.sh" up || { echo "0 passed, 1 failed"; exit 1; }

mkdir -p "$WORK/www4" "$WORK/www6"
head -c $((5 << 20)) /dev/urandom >"$WORK/www4/blob5m"
head -c $((1 << 20)) /dev/urandom >"$WORK/www4/blob1m"
head -c $((1 << 20)) /dev/urandom >"$WORK/www6/blob1m"
head -c $((2 << 20)) /dev/urandom >"$WORK/www6/blob2m"

# Services on the hosts; they live across daemon restarts.
bg "$NS_H4" "$WORK/http4.log" $PY "$E2E_DIR/httpsink.py" "$H4" 8080 "$WORK/www4"
bg "$NS_H6" "$WORK/http6.log" $PY "$E2E_DIR/httpsink.py" :: 8080 "$WORK/www6"
bg "$NS_H4" "$WORK/udp4.log" $PY "$E2E_DIR/udpecho.py" server "$H4" 5001
bg "$NS_H6" "$WORK/udp6.log" $PY "$E2E_DIR/udpecho.py" server :: 5002
wait_tcp "$NS_H4" "$H4" 8080 && wait_tcp "$NS_H6" "$H6" 8080 && wait_udp "$NS_H4" 5001 && wait_udp "$NS_H6" 5002 ||
	{ echo "e2e: host services did not start"; echo "0 passed, 1 failed"; exit 1; }

phase() { # NAME CHANGES...: restart the daemon on a generated config
	local name=$1
	shift
	make_config "$WORK/$name.json" "$@" || return 1
	t "daemon_start_$name" daemon_start "$WORK/$name.json"
}

if want 'ping|tracepath|http|tcp|udp|iperf|frag|counters|bad|clean|default'; then
	phase default
	run ping6_6to4 test_ping6_6to4
	run ping_4to6_eamt test_ping_4to6_eamt
	run tracepath6_6to4 test_tracepath6
	run tracepath4_4to6 test_tracepath4
	run http_get_5m_6to4 test_http_get_5m_6to4
	run tcp_4to6_eamt test_tcp_4to6_eamt
	run udp_6to4 test_udp_6to4
	run udp_4to6 test_udp_4to6
	run iperf3_tcp_6to4 test_iperf3_tcp_6to4
	run iperf3_udp_4to6 test_iperf3_udp_4to6
	run ipv4_fragments test_ipv4_fragments
	run counters_after_traffic test_counters_after_traffic
	run bad_traffic_v6 test_bad_traffic_v6
	run bad_traffic_v4 test_bad_traffic_v4
	run daemon_clean_exit test_daemon_clean_exit
fi
if want 'neigh'; then
	phase noneigh noneigh=1
	run neighbor_resolution test_neighbor_resolution
fi
if want 'pmtu'; then
	phase v4mtu1400 mtu.v4=1400
	run pmtu_v4_1400_upload test_pmtu_v4_1400_upload
	phase v6mtu1280 mtu.v6=1280
	run pmtu_v6_1280_download test_pmtu_v6_1280_download
fi
if want 'exception'; then
	exc_phase exception route=203.0.113.0/24,198.51.100.2,v4 route=2001:db8:99::/48,2001:db8:6::2,v6
	run exception_readiness test_exception_readiness
	run exception_host_routes test_exception_host_routes
	run exception_host_services test_exception_host_services
	run exception_lifecycle test_exception_lifecycle
	exc_phase exception_noneigh noneigh=1
	run exception_shared_neighbours test_exception_shared_neighbours
	exc_phase exception_ratelimit dataplane.exception-pps=200
	run exception_rate_limit test_exception_rate_limit
fi
daemon_stop quiet || true

echo "e2e: $(($(date +%s) - T0)) s"
((NFAIL == 0)) || echo "e2e: failed: ${FAILED[*]}"
echo "$NPASS passed, $NFAIL failed"
((NFAIL == 0))
