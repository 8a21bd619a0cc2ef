#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Live EAMT changes while traffic flows, on the lab (scripts/lab.sh). Run by tests/control/run.sh
# under flock /tmp/xlat64-lab.lock (the lab's namespaces are shared by every suite).
#
#   h6 (2001:db8:6::2 and ::3) --- xlat64d --- h4 (198.51.100.2)
#   EAMT 2001:db8:6::2 <-> 192.0.2.2   (flow A: h4 pings 192.0.2.2; the entry is removed and re-added)
#   EAMT 2001:db8:6::3 <-> 192.0.2.3   (flow B: h6 pings 64:ff9b::198.51.100.2 from ::3, pool6;
#                                        flow C: h4 pings 192.0.2.3) -- both must not notice
# Env: XLAT64D, XLAT64CTL, WORK (a directory for logs). Exit 0 when every check passed.
set -uo pipefail

LAB_NAME="lab test"
L=$WORK/lab
# shellcheck source=tests/control/lab_common.sh
. "$(dirname "$0")/lab_common.sh"

# received NS ARGS...: how many of a short ping's requests were answered
received() {
	local ns=$1
	shift
	timeout 20 ip netns exec "$ns" ping -n -c 4 -i 0.2 -W 1 "$@" 2>&1 | sed -n 's/.* \([0-9]\+\) received.*/\1/p'
}

flow_a() { received "$NS_H4" 192.0.2.2; }
flow_b() { received "$NS_H6" -I 2001:db8:6::3 64:ff9b::198.51.100.2; }
flow_c() { received "$NS_H4" 192.0.2.3; }

expect_flows() { # A B C: "up" or "down" each
	local want got f i
	for i in 1 2 3; do
		f=$(echo "a b c" | cut -d' ' -f$i)
		want=${!i}
		got=$(flow_$f)
		got=${got:-0}
		if [[ $want == up && $got -lt 3 ]] || [[ $want == down && $got -ne 0 ]]; then
			echo "flow $f: $got/4 answered, expected $want"
			return 1
		fi
	done
}

"$LAB" up >"$L/lab.log" 2>&1 || die "lab up failed: $(tail -n 3 "$L/lab.log")"
ip -n "$NS_H6" addr add 2001:db8:6::3/64 dev eth0 nodad || die "cannot add 2001:db8:6::3 to h6"

# lab-siit.json with our socket, a second EAMT entry, and --no-huge when hugepages are short
lab_config lab-siit.json 'c["eamt"].append({"ipv6 prefix": "2001:db8:6::3/128", "ipv4 prefix": "192.0.2.3/32"})'
daemon_up

# 1. all three flows work
expect_flows up up up || die "baseline"
echo "  - baseline: flows A (EAMT ::2), B (pool6 from ::3), C (EAMT ::3) answered"

# 2. long-running B and C across every change below
ip netns exec "$NS_H6" ping -n -i 0.05 -c 500 -W 1 -I 2001:db8:6::3 64:ff9b::198.51.100.2 >"$L/bg_b.log" 2>&1 &
BG+=($!)
ip netns exec "$NS_H4" ping -n -i 0.05 -c 500 -W 1 192.0.2.3 >"$L/bg_c.log" 2>&1 &
BG+=($!)
sleep 1

# 3. remove A's entry: A stops, B and C do not
ctl eamt remove 2001:db8:6::2 >/dev/null || die "eamt remove failed"
expect_flows down up up || die "after removing 2001:db8:6::2 <-> 192.0.2.2"
echo "  - entry 2001:db8:6::2 <-> 192.0.2.2 removed: A stopped, B and C kept flowing"

# 4. re-add: A works again
ctl eamt add 2001:db8:6::2 192.0.2.2 >/dev/null || die "eamt add failed"
expect_flows up up up || die "after re-adding the entry"
echo "  - entry re-added: A answered again"

# 5. churn: 200 changes (EAMT, denylist4, globals, a whole reload) while B and C run
for i in $(seq 1 40); do
	ctl eamt remove 192.0.2.2 >/dev/null && ctl eamt add 2001:db8:6::2 192.0.2.2 >/dev/null &&
		ctl denylist4 add 10.$i.0.0/16 >/dev/null && ctl global set tos $((i % 4)) >/dev/null &&
		ctl config reload >/dev/null || die "change $i failed"
done
echo "  - 200 live changes (eamt remove/add, denylist4, global, config reload)"
expect_flows up up up || die "after the churn"

# 6. B and C lost (almost) nothing in all that time
for p in "${BG[@]}"; do wait "$p"; done
BG=()
for f in b c; do
	tx=$(sed -n 's/^\([0-9]\+\) packets transmitted.*/\1/p' "$L/bg_$f.log")
	rx=$(sed -n 's/.* \([0-9]\+\) received.*/\1/p' "$L/bg_$f.log")
	echo "  - flow $(echo "$f" | tr bc BC) in the background: ${rx:-0}/${tx:-0} answered"
	[[ -n $tx && -n $rx ]] || die "flow $f: no ping summary"
	((tx - rx <= tx / 50)) || die "flow $f lost $((tx - rx)) of $tx during the changes"
done

# 7. still alive, stops cleanly
daemon_down
