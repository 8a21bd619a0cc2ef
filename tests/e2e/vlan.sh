#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# End-to-end tests of 802.1Q trunks (config/lab-vlan.json): xlat64d in x64v-box with an IPv6 port (p6, to
# the IPv6-only host x64v-h6) and a trunk (p4t) to a switch, x64v-sw, a Linux bridge with VLAN filtering
# whose access ports put x64v-h4a on VLAN 10, x64v-h4b on VLAN 20 and x64v-h4c on VLAN 30, which the box
# does not carry. Every host keeps the kernel's defaults (offloads on).
#
#   x64v-h6 ---- p6 [x64v-box] p4t ==trunk 10,20,30== tbox [br0 in x64v-sw] a10 ---- x64v-h4a (VLAN 10)
#                                                                            a20 ---- x64v-h4b (VLAN 20)
#                                                                            a30 ---- x64v-h4c (VLAN 30)
#
# Run as root after a build, one lab user at a time:  flock /tmp/xlat64-lab.lock tests/e2e/vlan.sh
#   E2E_ONLY=REGEX, E2E_KEEP=1, E2E_NOHUGE=1, E2E_PORTS=af_xdp, XLAT64_BUILD=DIR: as tests/e2e/run.sh
# Prints "PASS name" / "FAIL name" per test and "N passed, M failed" last; exit 1 on any failure.
set -uo pipefail

. "$(dirname "$0")/lib.sh"

[[ $(id -u) -eq 0 ]] || { echo "e2e-vlan: must run as root" >&2; exit 1; }
[[ -x "$XLAT64D" ]] || { echo "e2e-vlan: $XLAT64D not built" >&2; echo "0 passed, 1 failed"; exit 1; }

NS_BOX=x64v-box
NS_SW=x64v-sw
NS_H6=x64v-h6
NS_H4A=x64v-h4a
NS_H4B=x64v-h4b
NS_H4C=x64v-h4c
VNS=("$NS_H6" "$NS_H4A" "$NS_H4B" "$NS_H4C" "$NS_SW" "$NS_BOX")
H4A=198.51.100.2
H4B=203.0.113.2
H4A_FROM_V6=64:ff9b::198.51.100.2
H4B_FROM_V6=64:ff9b::203.0.113.2

vlan_down() {
	local ns pids
	for ns in "${VNS[@]}"; do
		ip netns list | awk '{print $1}' | grep -qx "$ns" || continue
		pids=$(ip netns pids "$ns" 2>/dev/null || true)
		[[ -z "$pids" ]] || kill $pids 2>/dev/null || true
		ip netns del "$ns"
	done
}

vlan_up() {
	vlan_down
	local ns
	for ns in "${VNS[@]}"; do
		ip netns add "$ns"
		ip -n "$ns" link set lo up
	done
	# static addressing only (no router advertisements here): no SLAAC, RS or DAD waits
	for ns in "$NS_H6" "$NS_BOX"; do
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 \
			net.ipv6.conf.all.accept_ra=0 net.ipv6.conf.default.accept_ra=0
	done
	# the box's own interfaces: DPDK owns them, the box's kernel stays off them (as scripts/lab.sh)
	ip -n "$NS_BOX" link add p6 address 02:00:00:00:00:06 type veth peer name eth0 netns "$NS_H6" \
		address 02:00:00:00:01:06
	ip -n "$NS_BOX" link add p4t address 02:00:00:00:00:04 type veth peer name tbox netns "$NS_SW"
	local p
	for p in p6 p4t; do
		ip netns exec "$NS_BOX" sysctl -qw "net.ipv6.conf.$p.disable_ipv6=1" "net.ipv4.conf.$p.arp_ignore=8"
		ip -n "$NS_BOX" link set "$p" up
	done
	# the switch: a VLAN-aware Linux bridge, the trunk tagged, one access port per host; where the kernel
	# has no bridge VLAN filtering (CONFIG_BRIDGE_VLAN_FILTERING), tests/e2e/vswitch.py does the same
	ip netns exec "$NS_SW" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
	if ip -n "$NS_SW" link add br0 type bridge vlan_filtering 1 2>/dev/null; then
		SWITCH="Linux bridge (vlan_filtering)"
		ip -n "$NS_SW" link set tbox master br0
	else
		SWITCH="tests/e2e/vswitch.py (this kernel's bridge has no VLAN filtering)"
	fi
	ip -n "$NS_SW" link set tbox up
	local v h access=()
	for v in 10 20 30; do
		case $v in 10) h=$NS_H4A ;; 20) h=$NS_H4B ;; 30) h=$NS_H4C ;; esac
		ip -n "$NS_SW" link add "a$v" type veth peer name eth0 netns "$h"
		ip -n "$NS_SW" link set "a$v" up
		if [[ $SWITCH == Linux* ]]; then
			ip -n "$NS_SW" link set "a$v" master br0
			ip netns exec "$NS_SW" bridge vlan del dev "a$v" vid 1
			ip netns exec "$NS_SW" bridge vlan add dev "a$v" vid "$v" pvid untagged
			ip netns exec "$NS_SW" bridge vlan add dev tbox vid "$v"
		fi
		access+=("a$v:$v")
		ip netns exec "$h" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
		ip -n "$h" link set eth0 up
	done
	if [[ $SWITCH == Linux* ]]; then
		ip netns exec "$NS_SW" bridge vlan del dev tbox vid 1
		ip -n "$NS_SW" link set br0 up
	else
		ip netns exec "$NS_SW" timeout 900 $PY "$E2E_DIR/vswitch.py" tbox "${access[@]}" >"$WORK/vswitch.log" 2>&1 &
		BG_PIDS+=($!)
	fi
	echo "e2e-vlan: switch: $SWITCH"
	# hosts
	ip -n "$NS_H6" addr add 2001:db8:6::2/64 dev eth0 nodad
	ip -n "$NS_H6" link set eth0 up
	ip -n "$NS_H6" -6 route add default via 2001:db8:6::1 dev eth0
	ip -n "$NS_H4A" addr add "$H4A/24" dev eth0
	ip -n "$NS_H4A" route add 192.0.2.0/24 via 198.51.100.1
	ip -n "$NS_H4B" addr add "$H4B/24" dev eth0
	ip -n "$NS_H4B" route add 192.0.2.0/24 via 203.0.113.1
	ip -n "$NS_H4C" addr add 192.0.2.130/25 dev eth0
	local i
	for i in $(seq 1 50); do
		ip -n "$NS_BOX" -o link show p4t | grep -q LOWER_UP && ip -n "$NS_BOX" -o link show p6 | grep -q LOWER_UP &&
			return 0
		sleep 0.1
	done
	echo "e2e-vlan: links did not come up" >&2
	return 1
}

e2e_init
vlan_cleanup() {
	local rc=$?
	daemon_stop quiet || true
	vlan_down
	(exit "$rc")
	e2e_cleanup
}
trap vlan_cleanup EXIT

# ---------------------------------------------------------------- tests

test_ping_6to4_vlan10() { ping_ok "$NS_H6" "$H4A_FROM_V6"; }
test_ping_6to4_vlan20() { ping_ok "$NS_H6" "$H4B_FROM_V6"; }
test_ping_4to6_vlan10() { ping_ok "$NS_H4A" 192.0.2.2; }
test_ping_4to6_vlan20() { ping_ok "$NS_H4B" 192.0.2.2; }

# the box's own addresses on each VLAN are its kernel's, through that VLAN's TAP
test_exception_per_vlan() {
	ip -n "$NS_BOX" -br addr show xlat-v10 | grep -q 198.51.100.1 || { echo "xlat-v10 lacks its address" >&2; return 1; }
	ip -n "$NS_BOX" -br addr show xlat-v20 | grep -q 203.0.113.1 || { echo "xlat-v20 lacks its address" >&2; return 1; }
	log "$(ip -n "$NS_BOX" -br addr show xlat-v10 | tr -s ' ')"
	log "$(ip -n "$NS_BOX" -br addr show xlat-v20 | tr -s ' ')"
	ping_ok "$NS_H4A" 198.51.100.1 && ping_ok "$NS_H4B" 203.0.113.1
}

# curl_vlan NS URL FILE: a download through the box, intact
curl_vlan() {
	local w
	rm -f "$WORK/got.$1"
	w=$(T=60 nsx "$1" curl -sS -g --max-time 50 -o "$WORK/got.$1" -w '%{http_code} %{size_download}' "$2") || return 1
	echo "curl: $w"
	[[ "$(sha "$WORK/got.$1")" == "$(sha "$3")" ]] || { echo "sha256 mismatch" >&2; return 1; }
	log "$2 to $1: 1 MiB intact"
}
test_tcp_6to4_vlan10() { curl_vlan "$NS_H6" "http://[$H4A_FROM_V6]:8080/blob1m" "$WORK/www4/blob1m"; }
test_tcp_6to4_vlan20() { curl_vlan "$NS_H6" "http://[$H4B_FROM_V6]:8080/blob1m" "$WORK/www4/blob1m"; }
test_tcp_4to6_vlan20() { curl_vlan "$NS_H4B" "http://192.0.2.2:8080/blob1m" "$WORK/www6/blob1m"; }
test_udp_6to4_vlan10() { T=60 nsx "$NS_H6" $PY "$E2E_DIR/udpecho.py" client "$H4A_FROM_V6" 5001 20; }

# VLAN 20's MTU is 1400 (its parent's is 1500): a full-size IPv6 packet for it gets Packet Too Big 1420
test_mtu_vlan20() {
	local out
	ip -n "$NS_H6" -6 route flush cache 2>/dev/null
	out=$(T=20 nsx "$NS_H6" ping -n -c 3 -i 0.3 -W 2 -M do -s 1452 "$H4B_FROM_V6" 2>&1)
	echo "$out"
	ip -n "$NS_H6" -6 route get "$H4B_FROM_V6" | grep -q 'mtu 1420' || { echo "h6 did not learn MTU 1420" >&2; return 1; }
	log "h6 learnt MTU 1420 for VLAN 20 (the trunk's MTU is 1500)"
}

# frames tagged with a VLAN the box does not carry (30) are counted and dropped
test_unknown_vlan() {
	local a=$WORK/stats.v30.before.json b=$WORK/stats.v30.after.json d
	snap "$a" || return 1
	T=20 nsx "$NS_H4C" ping -n -c 5 -i 0.2 -W 1 192.0.2.129 >/dev/null 2>&1
	snap "$b" || return 1
	d=$(($(cnt "$b" XLAT_VLAN_UNKNOWN) - $(cnt "$a" XLAT_VLAN_UNKNOWN)))
	log "VLAN 30 (not carried): XLAT_VLAN_UNKNOWN +$d"
	((d > 0))
}

# `xlat64ctl ports`: each VLAN an interface of its own, its frames counted apart from the trunk's
test_ports_view() {
	local out rc=0
	out=$(timeout 5 "$XLAT64CTL" --socket "$DAEMON_SOCK" ports) || return 1
	echo "$out"
	grep -Eq '^v10 .*vlan 10 of trunk' <<<"$out" || { echo "no v10 row" >&2; rc=1; }
	grep -Eq '^v20 .*vlan 20 of trunk .* 1400 ' <<<"$out" || { echo "no v20 row with MTU 1400" >&2; rc=1; }
	local j v
	j=$(timeout 5 "$XLAT64CTL" --socket "$DAEMON_SOCK" --json ports) || return 1
	for v in v10 v20; do
		$PY - "$v" "$j" <<'EOF' || rc=1
import json, sys
name = sys.argv[1]
p = [p for p in json.loads(sys.argv[2])["ports"] if p["name"] == name][0]
assert p["parent"] == "trunk" and p["vlan"] == int(name[1:]), p
assert p["rx-packets"] > 0 and p["tx-packets"] > 0, p
print("  - %s: vlan %d of %s, rx %d tx %d frames" % (name, p["vlan"], p["parent"], p["rx-packets"], p["tx-packets"]))
EOF
	done
	return $rc
}

# ---------------------------------------------------------------- main

echo "e2e-vlan: work dir $WORK"
vlan_up || { echo "0 passed, 1 failed"; exit 1; }
mkdir -p "$WORK/www4" "$WORK/www6"
head -c 1048576 /dev/urandom >"$WORK/www4/blob1m"
head -c 1048576 /dev/urandom >"$WORK/www6/blob1m"
bg "$NS_H4A" "$WORK/http4a.log" $PY "$E2E_DIR/httpsink.py" "$H4A" 8080 "$WORK/www4"
bg "$NS_H4B" "$WORK/http4b.log" $PY "$E2E_DIR/httpsink.py" "$H4B" 8080 "$WORK/www4"
bg "$NS_H6" "$WORK/http6.log" $PY "$E2E_DIR/httpsink.py" :: 8080 "$WORK/www6"
bg "$NS_H4A" "$WORK/udp4a.log" $PY "$E2E_DIR/udpecho.py" server "$H4A" 5001
wait_tcp "$NS_H4A" "$H4A" 8080 && wait_tcp "$NS_H4B" "$H4B" 8080 && wait_tcp "$NS_H6" :: 8080 &&
	wait_udp "$NS_H4A" 5001 || { echo "0 passed, 1 failed"; exit 1; }

config_from lab-vlan.json "$WORK/vlan.json"
t daemon_start daemon_start "$WORK/vlan.json"
run ping_6to4_vlan10 test_ping_6to4_vlan10
run ping_6to4_vlan20 test_ping_6to4_vlan20
run ping_4to6_vlan10 test_ping_4to6_vlan10
run ping_4to6_vlan20 test_ping_4to6_vlan20
run exception_per_vlan test_exception_per_vlan
run tcp_6to4_vlan10 test_tcp_6to4_vlan10
run tcp_6to4_vlan20 test_tcp_6to4_vlan20
run tcp_4to6_vlan20 test_tcp_4to6_vlan20
run udp_6to4_vlan10 test_udp_6to4_vlan10
run mtu_vlan20 test_mtu_vlan20
run unknown_vlan test_unknown_vlan
run ports_view test_ports_view
run daemon_clean_exit daemon_clean_exit XLAT_VLAN_UNKNOWN

daemon_stop quiet || true
echo
echo "e2e-vlan: $((NPASS + NFAIL)) tests"
((${#FAILED[@]} == 0)) || echo "e2e-vlan: failed: ${FAILED[*]}"
echo "$NPASS passed, $NFAIL failed"
((NFAIL == 0))
