# shellcheck shell=bash
# SPDX-License-Identifier: BSD-3-Clause
# e2e tests of the exception path (issue 5): the box stays a Linux host behind its TAP interfaces
# (xlat-v6, xlat-v4 in the x64-box namespace) while it translates. Sourced by tests/e2e/run.sh.

EXC_BOX6=2001:db8:6::1
EXC_BOX4=198.51.100.1

# exc_config OUT CHANGE... [dataplane.KEY=JSON]...: make_config (ctl.py mkconfig sets dataplane keys)
exc_config() { make_config "$@"; }

exc_phase() { # NAME CHANGES...: restart the daemon on a generated config
	local name=$1
	shift
	exc_config "$WORK/$name.json" "$@" || return 1
	t "daemon_start_$name" daemon_start "$WORK/$name.json"
}

# Translated traffic in the background: UDP 4->6 through the EAMT at 20 Mbit/s, and pings 6->4.
exc_translated_start() { # SECONDS
	local secs=$1
	bg "$NS_H6" "$WORK/exc-iperf3-s.log" iperf3 -s -1 -p 5210
	EXC_SRV=$LAST_BG
	wait_tcp "$NS_H6" "$H6" 5210 || return 1
	bg "$NS_H4" "$WORK/exc-iperf3-c.log" iperf3 -c "$H6_FROM_V4" -p 5210 -u -b 20M -l 1200 -t "$secs" -f m
	EXC_CLI=$LAST_BG
	bg "$NS_H6" "$WORK/exc-ping.log" ping -n -i 0.05 -w "$secs" "$H4_FROM_V6"
	EXC_PING=$LAST_BG
}

exc_translated_wait() { # [quiet|MAX_LOSS_PERCENT]: wait for the background traffic; 0 if it went through
	local i loss rx max=5
	# quiet: the box is gone, iperf3 would wait for its results forever
	[[ "${1:-}" == quiet ]] || for i in $(seq 1 300); do
		kill -0 "$EXC_CLI" 2>/dev/null || kill -0 "$EXC_PING" 2>/dev/null || break
		sleep 0.1
	done
	bg_stop "$EXC_CLI"
	bg_stop "$EXC_PING"
	bg_stop "$EXC_SRV"
	[[ "${1:-}" == quiet ]] && return 0
	[[ -n "${1:-}" ]] && max=$1
	loss=$(grep -E 'receiver$' "$WORK/exc-iperf3-c.log" | sed -n 's/.*(\([0-9.e+-]*\)%).*/\1/p' | tail -n1)
	rx=$(sed -n 's/.* \([0-9]\+\) received.*/\1/p' "$WORK/exc-ping.log")
	log "translated meanwhile: UDP 20 Mbit/s 4->6 loss ${loss:-?}%, ping 6->4 ${rx:-0} answered"
	[[ -n "$loss" ]] && awk -v l="$loss" -v m="$max" 'BEGIN { exit !(l < m) }' && ((${rx:-0} > 0))
}

# delta A B NAME...: growth of the named counters between two snapshots
delta() { echo $(($(cnt "$2" "${@:3}") - $(cnt "$1" "${@:3}"))); }

sha_of() { sha256sum "$1" | cut -d' ' -f1; }

# The IPv6 host pings the box's IPv6 address, the IPv4 host its IPv4 address, and both fetch and send a
# file over TCP from/to a server in the box namespace bound to the TAP's address, while translated traffic
# runs; translation and exception counters both move, and the kernel saw none of the translated packets.
# The hosts keep their offloads (issue 20.3): what they send arrives with partial checksums and as TSO
# super-frames, finished and cut before the TAP (dataplane/to_host.c), both directions, both families.
test_exception_host_services() {
	local a=$WORK/stats.exc0.json b=$WORK/stats.exc1.json ok=0 s4 s6 w r
	mkdir -p "$WORK/wwwbox"
	[[ -s "$WORK/wwwbox/blob1m" ]] || head -c $((1 << 20)) /dev/urandom >"$WORK/wwwbox/blob1m"
	bg "$NS_BOX" "$WORK/httpbox4.log" $PY "$E2E_DIR/httpsink.py" "$EXC_BOX4" 8004 "$WORK/wwwbox"
	s4=$LAST_BG
	bg "$NS_BOX" "$WORK/httpbox6.log" $PY "$E2E_DIR/httpsink.py" "$EXC_BOX6" 8006 "$WORK/wwwbox"
	s6=$LAST_BG
	wait_tcp "$NS_BOX" "$EXC_BOX4" 8004 && wait_tcp "$NS_BOX" "$EXC_BOX6" 8006 || return 1
	# the hosts must resolve the box again: ARP/ND for its own addresses now go to the kernel
	ip -n "$NS_H4" neigh flush dev eth0
	ip -n "$NS_H6" -6 neigh flush dev eth0
	snap "$a" || return 1
	exc_translated_start 6 || return 1

	ping_ok "$NS_H6" "$EXC_BOX6" || ok=1
	ping_ok "$NS_H4" "$EXC_BOX4" || ok=1
	rm -f "$WORK/gotbox"
	w=$(T=30 nsx "$NS_H4" curl -sS --max-time 25 -o "$WORK/gotbox" -w '%{http_code} %{speed_download}' \
		"http://$EXC_BOX4:8004/blob1m") || ok=1
	if [[ "$(sha_of "$WORK/gotbox")" == "$(sha_of "$WORK/wwwbox/blob1m")" ]]; then
		log "h4: GET 1 MiB from the box's kernel at $EXC_BOX4 intact ($(awk '{ printf "%.1f MB/s", $2 / 1e6 }' <<<"$w"))"
	else
		echo "h4: GET from $EXC_BOX4 failed or corrupt: $w" >&2
		ok=1
	fi
	r=$(T=30 nsx "$NS_H4" curl -sS --max-time 25 -H 'Expect:' --data-binary "@$WORK/wwwbox/blob1m" \
		"http://$EXC_BOX4:8004/upload") || ok=1
	if [[ "${r%% *}" == "$(sha_of "$WORK/wwwbox/blob1m")" ]]; then
		log "h4: POST 1 MiB to the box intact"
	else
		echo "h4: POST to $EXC_BOX4: '$r'" >&2
		ok=1
	fi
	rm -f "$WORK/gotbox"
	w=$(T=30 nsx "$NS_H6" curl -sS -g --max-time 25 -o "$WORK/gotbox" -w '%{http_code} %{speed_download}' \
		"http://[$EXC_BOX6]:8006/blob1m") || ok=1
	if [[ "$(sha_of "$WORK/gotbox")" == "$(sha_of "$WORK/wwwbox/blob1m")" ]]; then
		log "h6: GET 1 MiB from the box's kernel at [$EXC_BOX6] intact"
	else
		echo "h6: GET from [$EXC_BOX6] failed or corrupt: $w" >&2
		ok=1
	fi
	r=$(T=30 nsx "$NS_H6" curl -sS -g --max-time 25 -H 'Expect:' --data-binary "@$WORK/wwwbox/blob1m" \
		"http://[$EXC_BOX6]:8006/upload") || ok=1
	if [[ "${r%% *}" == "$(sha_of "$WORK/wwwbox/blob1m")" ]]; then
		log "h6: POST 1 MiB to the box intact"
	else
		echo "h6: POST to [$EXC_BOX6]: '$r'" >&2
		ok=1
	fi
	exc_translated_wait || ok=1
	bg_stop "$s4"
	bg_stop "$s6"
	sleep 0.3
	snap "$b" || return 1
	$CTL counters "$b" | grep -E '^(XLAT_EXC|XLAT_TO_HOST|XLAT_ARP|XLAT_ND|XLAT_PING|XLAT_NEIGH|XLAT_HOST|XLAT_MBUF)' |
		sed 's/^/  counter /'
	local ds dt df dk
	ds=$(delta "$a" "$b" JSTAT_SUCCESS)
	dt=$(delta "$a" "$b" XLAT_EXC_TO_HOST)
	df=$(delta "$a" "$b" XLAT_EXC_FROM_HOST)
	log "deltas: JSTAT_SUCCESS $ds, XLAT_EXC_TO_HOST $dt, XLAT_EXC_FROM_HOST $df"
	((ds > 1000)) || { echo "translation counters did not move ($ds)" >&2; ok=1; }
	((dt > 700 && df > 700)) || { echo "exception counters did not move enough ($dt in, $df out)" >&2; ok=1; }
	# The kernel's own count of what it received on the TAPs stays within what the exception path
	# handed it: translated packets never went through the kernel.
	dk=$(ip netns exec "$NS_BOX" sh -c 'cat /sys/class/net/xlat-v4/statistics/rx_packets /sys/class/net/xlat-v6/statistics/rx_packets' |
		awk '{ s += $1 } END { print s }')
	local total
	total=$(cnt "$b" XLAT_EXC_TO_HOST)
	log "kernel rx on xlat-v4 + xlat-v6: $dk packets; exception path handed it $total; translated: $(cnt "$b" JSTAT_SUCCESS)"
	((dk <= total)) || { echo "the kernel received more ($dk) than the exception path gave it ($total)" >&2; ok=1; }
	# ARP/ND for the box's own addresses were the kernel's, not the dataplane's
	(($(delta "$a" "$b" XLAT_ARP_REPLIED XLAT_ND_REPLIED XLAT_PING_REPLIED) == 0)) ||
		{ echo "the dataplane answered ARP/ND/ping for the box's own addresses" >&2; ok=1; }
	# static neighbours override what the flushed hosts' new requests announce
	(($(cnt "$b" XLAT_NEIGH_STATIC_KEPT) > 0)) && log "XLAT_NEIGH_STATIC_KEPT = $(cnt "$b" XLAT_NEIGH_STATIC_KEPT)"
	ip -n "$NS_BOX" neigh show | sed 's/^/  box kernel neigh: /'
	return $ok
}

# No static neighbours: the box's kernel resolves the hosts through the TAPs, and the dataplane learns
# from that resolution traffic, so translated packets need no resolution of their own.
# The configuration's routes reach the host's main table through the TAPs (issue 14.6), so what runs on
# the box routes as the dataplane does: its kernel pings networks behind the hosts through them.
test_exception_host_routes() {
	local r4 r6 rc=0
	r4=$(ip -n "$NS_BOX" route show 203.0.113.0/24)
	r6=$(ip -n "$NS_BOX" -6 route show 2001:db8:99::/48)
	echo "box: $r4"
	echo "box: $r6"
	grep -q 'via 198.51.100.2 dev xlat-v4 proto static' <<<"$r4" || { echo "IPv4 route missing" >&2; return 1; }
	grep -q 'via 2001:db8:6::2 dev xlat-v6 proto static' <<<"$r6" || { echo "IPv6 route missing" >&2; return 1; }
	log "box kernel: $r4"
	log "box kernel: $r6"
	# a network behind each host (on its loopback); the box's kernel reaches it only through the route
	ip -n "$NS_H4" addr add 203.0.113.1/32 dev lo
	ip -n "$NS_H6" addr add 2001:db8:99::1/128 dev lo nodad
	ping_ok "$NS_BOX" 203.0.113.1 || rc=1
	ping_ok "$NS_BOX" 2001:db8:99::1 || rc=1
	ip -n "$NS_H4" addr del 203.0.113.1/32 dev lo
	ip -n "$NS_H6" addr del 2001:db8:99::1/128 dev lo
	return $rc
}

test_exception_shared_neighbours() {
	local a=$WORK/stats.excn0.json b=$WORK/stats.excn1.json ok=0
	snap "$a" || return 1
	T=10 nsx "$NS_BOX" ping -n -c 2 -i 0.2 -W 2 "$H4" | tail -n 2
	T=10 nsx "$NS_BOX" ping -n -c 2 -i 0.2 -W 2 "$H6" | tail -n 2
	ip -n "$NS_BOX" neigh show | sed 's/^/  box kernel neigh: /'
	snap "$b" || return 1
	local dl dr
	dl=$(delta "$a" "$b" XLAT_NEIGH_LEARNED)
	log "the box's kernel pinged both hosts: XLAT_NEIGH_LEARNED +$dl, XLAT_EXC_FROM_HOST +$(delta "$a" "$b" XLAT_EXC_FROM_HOST)"
	((dl >= 2)) || { echo "the dataplane did not learn from the kernel's ARP/ND" >&2; ok=1; }
	ping_ok "$NS_H6" "$H4_FROM_V6" >/dev/null || ok=1
	ping_ok "$NS_H4" "$H6_FROM_V4" >/dev/null || ok=1
	snap "$a" || return 1
	dr=$(delta "$b" "$a" XLAT_RESOLVE_SENT)
	log "translated pings both ways answered; the dataplane's own ARP/NS meanwhile: $dr"
	((dr == 0)) || { echo "the dataplane resolved by itself ($dr) what the kernel's traffic taught it" >&2; ok=1; }
	return $ok
}

# exception-pps 200: a flood of UDP at the box's own address is cut to the configured rate per worker,
# counted, and neither translation nor pings to the box stop working.
test_exception_rate_limit() {
	local a=$WORK/stats.excr0.json b=$WORK/stats.excr1.json ok=0 out
	snap "$a" || return 1
	exc_translated_start 4 || return 1
	out=$(T=20 nsx "$NS_H4" $PY - "$EXC_BOX4" <<'EOF'
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
n, t0 = 0, time.time()
while time.time() - t0 < 2.0:
    for _ in range(64):
        s.sendto(b"x" * 64, (sys.argv[1], 9))
    n += 64
print(n, round(time.time() - t0, 2))
EOF
	) || ok=1
	exc_translated_wait 20 || ok=1 # two cores shared by sender, flood, box and receiver
	ping_ok "$NS_H4" "$EXC_BOX4" >/dev/null || ok=1
	snap "$b" || return 1
	local sent secs rl th nw
	read -r sent secs <<<"$out"
	rl=$(delta "$a" "$b" XLAT_EXC_RATE_LIMITED)
	th=$(delta "$a" "$b" XLAT_EXC_TO_HOST)
	nw=2
	log "flood: $sent UDP datagrams to $EXC_BOX4 in $secs s; XLAT_EXC_RATE_LIMITED +$rl, XLAT_EXC_TO_HOST +$th"
	((rl > 0)) || { echo "nothing was rate-limited" >&2; ok=1; }
	# at most 200/s per worker and class, plus the initial burst (32), for the flood's duration (+1 s slack)
	local cap
	cap=$(awk -v s="$secs" -v w=$nw 'BEGIN { printf "%d", w * 2 * (200 * (s + 1) + 32) }')
	((th <= cap)) || { echo "the host got $th frames, more than the limit allows ($cap)" >&2; ok=1; }
	return $ok
}

# Readiness (systemd Type=notify): READY=1 arrives on $NOTIFY_SOCKET once the ports and their TAP
# interfaces are up; STOPPING=1 when it stops. Leaves the daemon running on the same configuration.
test_exception_readiness() {
	local sock=$WORK/notify.sock out=$WORK/notify.log cfg=$WORK/exception.json i ok=0
	rm -f "$sock"
	$PY - "$sock" "$NS_BOX" >"$out" 2>&1 <<'PYEOF' &
import socket, subprocess, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(40)
t0 = time.time()
while True:
    try:
        m = s.recv(4096).decode()
    except socket.timeout:
        break
    links = subprocess.run(["ip", "-n", sys.argv[2], "-br", "link", "show", "up"],
                           capture_output=True, text=True).stdout
    up = sorted(l.split()[0] for l in links.splitlines() if l.startswith("xlat-"))
    print("%.1f %s taps-up=%s" % (time.time() - t0, m.replace("\n", " "), ",".join(up)), flush=True)
    if m.startswith("STOPPING"):
        break
PYEOF
	local lpid=$!
	for i in $(seq 1 50); do [[ -S "$sock" ]] && break; sleep 0.1; done
	NOTIFY_SOCKET=$sock daemon_start "$cfg" || { kill "$lpid" 2>/dev/null; return 1; }
	for i in $(seq 1 50); do grep -q READY "$out" && break; sleep 0.1; done
	sed 's/^/  notify: /' "$out"
	if grep -q 'READY=1 taps-up=xlat-v4,xlat-v6' "$out"; then
		log "READY=1 with xlat-v4 and xlat-v6 up"
	else
		echo "no READY=1, or sent before the TAPs were up" >&2
		ok=1
	fi
	# stop (STOPPING=1 on the way out) and start again for the next tests
	daemon_stop || ok=1
	wait "$lpid"
	if grep -q ' STOPPING=1' "$out"; then log "STOPPING=1 on SIGTERM"; else echo "no STOPPING=1" >&2; ok=1; fi
	daemon_start "$cfg" || ok=1
	return $ok
}

mbuf_gauges() { echo "$(cnt "$1" XLAT_MBUF_IN_USE) $(cnt "$1" XLAT_EXC_MBUF_IN_USE)"; }

# Gauges $1 no higher than gauges $2, pool by pool. (Fewer in use than at the start is no leak: the
# start's reading can include a frame in flight, e.g. one af_xdp's rx ring or a transmit buffer held.)
# af_xdp sends from the packet pool's own mbufs and frees them only when it reaps their completions, at
# its next transmission on that queue (DPDK's af_xdp_tx_zc: kick_tx pulls the completion ring before
# send()): the frames of each port's last transmission stay in use while nothing more is sent, up to a
# burst (32) each, so those two ports' 64 are no leak either. (A leak per packet of the paths exercised
# here, thousands of frames, still shows far above it.)
MBUF_TX_HELD=0
[[ $E2E_PORTS == af_xdp ]] && MBUF_TX_HELD=64
mbuf_gauges_le() {
	local a b
	read -r -a a <<<"$1"
	read -r -a b <<<"$2"
	((a[0] <= b[0] + MBUF_TX_HELD && a[1] <= b[1]))
}

# Under translated and exception traffic: SIGHUP (reload) twice, then the mbuf gauges return to their
# starting values (or below) once traffic stops; then SIGTERM under traffic: exit 0, TAPs and socket gone.
test_exception_lifecycle() {
	local s=$WORK/stats.excl.json ok=0 g0 g1 i pid=$DAEMON_PID
	sleep 1
	snap "$s" || return 1
	g0=$(mbuf_gauges "$s")
	log "mbufs in use at start (packet pool, exception pool): $g0"
	exc_translated_start 5 || return 1
	bg "$NS_H4" "$WORK/exc-pingbox.log" ping -n -i 0.01 -w 5 "$EXC_BOX4"
	local pb=$LAST_BG
	sleep 1
	kill -HUP "$pid"
	sleep 1.5
	kill -HUP "$pid"
	sleep 0.5
	kill -0 "$pid" 2>/dev/null || { echo "xlat64d died on SIGHUP" >&2; return 1; }
	grep -i 'hup\|reload' "$DAEMON_LOG" | tail -n 2 | sed 's/^/  log: /'
	exc_translated_wait || ok=1
	bg_stop "$pb"
	log "box pinged meanwhile: $(sed -n 's/.* \([0-9]\+\) received.*/\1/p' "$WORK/exc-pingbox.log") answered"
	for i in $(seq 1 20); do # held packets wait for a next hop at most 3 s
		snap "$s" || return 1
		g1=$(mbuf_gauges "$s")
		mbuf_gauges_le "$g1" "$g0" && break
		sleep 0.5
	done
	log "mbufs in use after traffic: $g1"
	mbuf_gauges_le "$g1" "$g0" ||
		{ echo "mbufs in use $g1, at start $g0 (+$MBUF_TX_HELD held by transmission allowed): leak" >&2; ok=1; }

	exc_translated_start 6 || return 1
	sleep 2
	daemon_stop
	local rc=$DAEMON_RC
	exc_translated_wait quiet
	log "SIGTERM under traffic: exit status $rc"
	((rc == 0)) || ok=1
	if ip -n "$NS_BOX" link show xlat-v4 >/dev/null 2>&1 || ip -n "$NS_BOX" link show xlat-v6 >/dev/null 2>&1; then
		echo "TAP interfaces left behind" >&2
		ok=1
	else
		log "TAP interfaces removed"
	fi
	[[ -e "$DAEMON_SOCK" ]] && { echo "control socket $DAEMON_SOCK left behind" >&2; ok=1; }
	return $ok
}
