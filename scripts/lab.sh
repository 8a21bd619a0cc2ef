#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The lab: real Linux hosts in network namespaces on both sides of the box.
#
#   x64-h6 (IPv6 only)                x64-box (xlat64d)                 x64-h4 (IPv4 only)
#   eth0 2001:db8:6::2/64  <--veth-->  p6 | xlat64d | p4  <--veth-->  eth0 198.51.100.2/24
#   default via 2001:db8:6::1                 |                        192.0.2.0/24 via 198.51.100.1
#   x64-h6b (IPv6 only)                       |
#   eth0 2001:db8:7::2/64  <--veth-->  p6b ---+   (a second IPv6 host on its own port: the NAT64
#   default via 2001:db8:7::1                      lab, config/lab-nat64.json; SIIT leaves p6b idle)
#
# p6, p6b and p4 carry no kernel addresses (IPv6 disabled on them): DPDK's af_packet PMD owns
# them and the daemon's config holds 2001:db8:6::1/64, 2001:db8:7::1/64 and 198.51.100.1/24.
#
# With LAB_FAR=1, a third segment for native forwarding (tests/e2e/forward.sh):
#   x64-far (dual stack)  eth0 2001:db8:f::2/64, 203.0.113.2/24  <--veth-->  pf (box, af_packet)
#                         default via 2001:db8:f::1 / 203.0.113.1
#                         eth1 2001:db8:77::2/64, 10.77.0.2/24   <--veth-->  mgmt (box's kernel, no DPDK:
#                                                                            2001:db8:77::1/64, 10.77.0.1/24)
#
# usage: scripts/lab.sh up|down|status
# env:   LAB_MTU6 (h6<->box link MTU, default 1500), LAB_MTU4 (h4<->box link MTU, default 1500),
#        LAB_FAR=1 (the third segment), LAB_MTUF (far<->box link MTU, default 1500)
set -euo pipefail

NS_BOX=x64-box
NS_H6=x64-h6
NS_H4=x64-h4
NS_H6B=x64-h6b
NS_FAR=x64-far
ALL_NS=("$NS_H6" "$NS_H6B" "$NS_H4" "$NS_FAR" "$NS_BOX")

# Fixed MACs so configurations and captures are reproducible.
MAC_P6=02:00:00:00:00:06
MAC_P4=02:00:00:00:00:04
MAC_H6=02:00:00:00:01:06
MAC_H4=02:00:00:00:01:04
MAC_P6B=02:00:00:00:00:16
MAC_H6B=02:00:00:00:01:16
MAC_PF=02:00:00:00:00:0f
MAC_FAR=02:00:00:00:01:0f

H6_ADDR=2001:db8:6::2/64
BOX6=2001:db8:6::1
H6B_ADDR=2001:db8:7::2/64
BOX6B=2001:db8:7::1
H4_ADDR=198.51.100.2/24
BOX4=198.51.100.1
EAM4_NET=192.0.2.0/24

MTU6=${LAB_MTU6:-1500}
MTU4=${LAB_MTU4:-1500}
MTUF=${LAB_MTUF:-1500}

die() { echo "lab: $*" >&2; exit 1; }
ns_exists() { ip netns list | awk '{print $1}' | grep -qx "$1"; }

# Hosts keep the kernel's defaults (offloads on: checksum offload, TSO/GSO; ICMP rate limits as shipped),
# as users' hosts and containers have them. What is set here is static addressing only: the lab has no
# router advertisements, so no SLAAC, RS or DAD waits on the fixed addresses.
host_sysctls() { # ns
	local ns=$1
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 \
		net.ipv6.conf.all.accept_ra=0 net.ipv6.conf.default.accept_ra=0 \
		net.ipv6.conf.all.router_solicitations=0 net.ipv6.conf.default.router_solicitations=0 \
		net.ipv6.conf.all.autoconf=0 net.ipv6.conf.default.autoconf=0
}

lab_down() {
	local ns
	for ns in "${ALL_NS[@]}"; do
		if ns_exists "$ns"; then
			# Kill anything still running inside our namespace (only processes in it).
			local pids
			pids=$(ip netns pids "$ns" 2>/dev/null || true)
			if [[ -n "$pids" ]]; then
				kill $pids 2>/dev/null || true
				sleep 0.5
				pids=$(ip netns pids "$ns" 2>/dev/null || true)
				[[ -z "$pids" ]] || kill -9 $pids 2>/dev/null || true
			fi
			ip netns del "$ns"
			echo "lab: removed namespace $ns"
		fi
	done
}

# The third segment: a dual-stack host behind port pf (the dataplane's), and a link between it and the
# box's own kernel (mgmt, an interface the dataplane does not drive: routes through it are the host's).
far_up() {
	ip netns add "$NS_FAR"
	ip -n "$NS_FAR" link set lo up
	host_sysctls "$NS_FAR"
	ip -n "$NS_BOX" link add pf address "$MAC_PF" mtu "$MTUF" type veth \
		peer name eth0 netns "$NS_FAR" address "$MAC_FAR" mtu "$MTUF"
	ip netns exec "$NS_BOX" sysctl -qw net.ipv6.conf.pf.disable_ipv6=1 net.ipv4.conf.pf.arp_ignore=8
	ip -n "$NS_BOX" link set pf up
	ip -n "$NS_FAR" addr add 2001:db8:f::2/64 dev eth0 nodad
	ip -n "$NS_FAR" addr add 203.0.113.2/24 dev eth0
	ip -n "$NS_FAR" link set eth0 up
	ip -n "$NS_FAR" -6 route add default via 2001:db8:f::1 dev eth0
	ip -n "$NS_FAR" route add default via 203.0.113.1 dev eth0
	ip -n "$NS_BOX" link add mgmt type veth peer name eth1 netns "$NS_FAR"
	ip -n "$NS_BOX" addr add 2001:db8:77::1/64 dev mgmt nodad
	ip -n "$NS_BOX" addr add 10.77.0.1/24 dev mgmt
	ip -n "$NS_BOX" link set mgmt up
	ip -n "$NS_FAR" addr add 2001:db8:77::2/64 dev eth1 nodad
	ip -n "$NS_FAR" addr add 10.77.0.2/24 dev eth1
	ip -n "$NS_FAR" link set eth1 up
}

lab_up() {
	[[ $(id -u) -eq 0 ]] || die "must run as root"
	lab_down >/dev/null
	local ns
	for ns in "${ALL_NS[@]}"; do
		[[ $ns != "$NS_FAR" ]] || continue # far_up, when asked for
		ip netns add "$ns"
		ip -n "$ns" link set lo up
	done

	# Hosts: IPv6 host is IPv6-only, IPv4 host IPv4-only.
	host_sysctls "$NS_H6"
	host_sysctls "$NS_H6B"
	host_sysctls "$NS_H4"
	host_sysctls "$NS_BOX"
	ip netns exec "$NS_BOX" sysctl -qw net.ipv4.ip_forward=0 net.ipv6.conf.all.forwarding=0

	ip -n "$NS_BOX" link add p6 address "$MAC_P6" mtu "$MTU6" type veth \
		peer name eth0 netns "$NS_H6" address "$MAC_H6" mtu "$MTU6"
	ip -n "$NS_BOX" link add p4 address "$MAC_P4" mtu "$MTU4" type veth \
		peer name eth0 netns "$NS_H4" address "$MAC_H4" mtu "$MTU4"
	ip -n "$NS_BOX" link add p6b address "$MAC_P6B" mtu "$MTU6" type veth \
		peer name eth0 netns "$NS_H6B" address "$MAC_H6B" mtu "$MTU6"

	# The box's kernel must stay silent on p6/p4: no link-local, no ND/MLD, no ARP.
	local p
	for p in p6 p6b p4; do
		ip netns exec "$NS_BOX" sysctl -qw "net.ipv6.conf.$p.disable_ipv6=1" "net.ipv4.conf.$p.arp_ignore=8"
		ip -n "$NS_BOX" link set "$p" up
	done

	# IPv6 host.
	ip netns exec "$NS_H6" sysctl -qw net.ipv6.conf.eth0.accept_dad=0 net.ipv6.conf.eth0.accept_ra=0
	ip -n "$NS_H6" addr add "$H6_ADDR" dev eth0 nodad
	ip -n "$NS_H6" link set eth0 up
	ip -n "$NS_H6" -6 route add default via "$BOX6" dev eth0

	# Second IPv6 host (NAT64 lab).
	ip netns exec "$NS_H6B" sysctl -qw net.ipv6.conf.eth0.accept_dad=0 net.ipv6.conf.eth0.accept_ra=0
	ip -n "$NS_H6B" addr add "$H6B_ADDR" dev eth0 nodad
	ip -n "$NS_H6B" link set eth0 up
	ip -n "$NS_H6B" -6 route add default via "$BOX6B" dev eth0

	# IPv4 host: no IPv6 at all.
	ip netns exec "$NS_H4" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
	ip -n "$NS_H4" addr add "$H4_ADDR" dev eth0
	ip -n "$NS_H4" link set eth0 up
	ip -n "$NS_H4" route add "$EAM4_NET" via "$BOX4" dev eth0

	[[ -z "${LAB_FAR:-}" ]] || far_up

	# Wait for carrier on every veth end (and for the IPv6 address to be usable).
	local i
	for i in $(seq 1 50); do
		if ip -n "$NS_BOX" -o link show p6 | grep -q LOWER_UP &&
			ip -n "$NS_BOX" -o link show p4 | grep -q LOWER_UP &&
			ip -n "$NS_BOX" -o link show p6b | grep -q LOWER_UP &&
			! ip -n "$NS_H6" -6 -o addr show dev eth0 | grep -q tentative &&
			! ip -n "$NS_H6B" -6 -o addr show dev eth0 | grep -q tentative &&
			{ [[ -z "${LAB_FAR:-}" ]] || ip -n "$NS_BOX" -o link show pf | grep -q LOWER_UP; }; then
			echo "lab: up (MTU v6 link $MTU6, v4 link $MTU4)"
			return 0
		fi
		sleep 0.1
	done
	die "links did not come up"
}

lab_status() {
	local ns rc=0
	for ns in "${ALL_NS[@]}"; do
		if ns_exists "$ns"; then
			echo "== $ns"
			ip -n "$ns" -br link show | grep -v '^lo ' | sed 's/^/  link: /' || true
			ip -n "$ns" -br addr show | grep -v '^lo ' | awk 'NF > 2' | sed 's/^/  addr: /' || true
			ip -n "$ns" route show 2>/dev/null | sed 's/^/  v4 route: /'
			ip -n "$ns" -6 route show 2>/dev/null | grep -v '^fe80' | sed 's/^/  v6 route: /' || true
		elif [[ $ns != "$NS_FAR" ]]; then # the third segment is there only when asked for
			echo "== $ns: absent"
			rc=1
		fi
	done
	return $rc
}

case "${1:-}" in
up) lab_up ;;
down) lab_down ;;
status) lab_status ;;
*) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
