#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Does a flood at the box itself hurt translation? (issue 5: the exception path has its own bounded queue
# and rate, so it must not.) In the lab (scripts/lab.sh, taken under flock /tmp/xlat64-lab.lock):
#
#   translated:   iperf3 UDP h6 -> 64:ff9b::198.51.100.2 (h4) at RATE, 1200-byte datagrams
#   flood "box":  UDP from h4 to the box's own address 198.51.100.1 (not translated: exception path),
#                 64-byte datagrams from 8 source ports at FLOOD pps, alongside the translated traffic
#   flood "drop": the same flood sent to a MAC that is not the box's: the dataplane receives it and drops
#                 it at once (XLAT_NOT_OURS). It measures what receiving a flood costs by itself here
#                 (veth, af_packet copies, the sender's CPU), without the exception path.
#
# Each configuration (exception-pps limited, and 0 = unlimited) runs REPS rounds of {none, drop, box},
# interleaved; the table gives medians. Verdict: with the limit, the "box" flood may cost translated
# throughput at most MARGIN percent more than the "drop" flood does.
#
# usage: scripts/bench-exception.sh [-t SECS] [-r REPS] [-b RATE] [-f FLOOD] [-p PPS] [-m MARGIN] [-o FILE]
#   -t SECS    seconds per measurement (default 5)      -r REPS   rounds (default 3)
#   -b RATE    iperf3 offered rate, e.g. 300M, or 0: as fast as it goes (default 200M)
#   -f FLOOD   flood packets per second, 0: as fast as one core sends (default 100000)
#   -p PPS     dataplane.exception-pps for the limited runs (default 10000)
#   -m MARGIN  allowed extra loss of translated throughput, percent (default 10)
#   -o FILE    also write the results as JSON
# env: XLAT64_BUILD (default build/), E2E_NOHUGE=1 (daemon without hugepages)
set -uo pipefail

SECS=5 REPS=3 RATE=200M FLOOD=100000 PPS=10000 MARGIN=10 OUT=''
while getopts "t:r:b:f:p:m:o:h" o; do
	case $o in
	t) SECS=$OPTARG ;; r) REPS=$OPTARG ;; b) RATE=$OPTARG ;; f) FLOOD=$OPTARG ;; p) PPS=$OPTARG ;;
	m) MARGIN=$OPTARG ;; o) OUT=$OPTARG ;;
	*) sed -n '3,24p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
	esac
done
[[ -n "$OUT" && "$OUT" != /* ]] && OUT=$PWD/$OUT

ROOT=$(cd "$(dirname "$0")/.." && pwd)
if [[ -z "${BENCH_EXC_LOCKED:-}" ]]; then # the lab is shared: take its lock, once
	exec env BENCH_EXC_LOCKED=1 flock /tmp/xlat64-lab.lock "$0" "$@"
fi
# shellcheck source=tests/e2e/lib.sh
. "$ROOT/tests/e2e/lib.sh"
# shellcheck source=tests/e2e/test_exception.sh
. "$ROOT/tests/e2e/test_exception.sh"
[[ $(id -u) -eq 0 ]] || { echo "bench-exception: must run as root" >&2; exit 1; }
[[ -x "$XLAT64D" ]] || { echo "bench-exception: $XLAT64D not built" >&2; exit 1; }
command -v cc >/dev/null || { echo "bench-exception: needs a C compiler for the flood generator" >&2; exit 1; }
e2e_init

# A UDP flood generator: sendmmsg() bursts of 64 from several sockets (distinct source ports, so the
# box's receive queues and workers all get some), paced to PPS (0: no pacing), for a fixed time.
cat >"$WORK/flood.c" <<'CEOF'
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }
int main(int argc, char **argv)
{
	if (argc != 6) { fprintf(stderr, "usage: flood ADDR PORT SECONDS SOCKETS PPS\n"); return 2; }
	struct sockaddr_in d = { .sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(argv[2])) };
	inet_pton(AF_INET, argv[1], &d.sin_addr);
	double secs = atof(argv[3]), pps = atof(argv[5]);
	int ns = atoi(argv[4]), fds[64];
	if (ns < 1 || ns > 64) return 2;
	for (int i = 0; i < ns; i++) {
		fds[i] = socket(AF_INET, SOCK_DGRAM, 0);
		if (fds[i] < 0 || connect(fds[i], (struct sockaddr *)&d, sizeof(d)) < 0) { perror("socket"); return 1; }
	}
	static char payload[64];
	struct iovec iov = { payload, sizeof(payload) };
	struct mmsghdr m[64];
	memset(m, 0, sizeof(m));
	for (int i = 0; i < 64; i++) { m[i].msg_hdr.msg_iov = &iov; m[i].msg_hdr.msg_iovlen = 1; }
	unsigned long sent = 0;
	double t0 = now(), t;
	for (int k = 0; (t = now()) - t0 < secs; k++) {
		int r = sendmmsg(fds[k % ns], m, 64, 0);
		if (r > 0) sent += (unsigned long)r;
		double ahead = pps > 0 ? t0 + sent / pps - now() : 0;
		if (ahead > 0) {
			struct timespec ts = { (time_t)ahead, (long)((ahead - (time_t)ahead) * 1e9) };
			nanosleep(&ts, NULL);
		}
	}
	printf("%lu %.3f\n", sent, t - t0);
	return 0;
}
CEOF
cc -O2 -o "$WORK/flood" "$WORK/flood.c" || { echo "bench-exception: cannot build the flood generator" >&2; exit 1; }

"$ROOT/scripts/lab.sh" up >/dev/null || exit 1
bg "$NS_H4" "$WORK/iperf3-s.log" iperf3 -s -p 5301 -B "$H4"
wait_tcp "$NS_H4" "$H4" 5301 || exit 1
# the "drop" flood's target: an on-link address whose MAC is nobody's
DROP4=198.51.100.77
ip -n "$NS_H4" neigh replace "$DROP4" lladdr 02:00:00:00:99:99 dev eth0 nud permanent

# One SECS-long measurement with a flood of KIND (none, drop, box) alongside.
# Prints: translated_mbit loss% flood_pps to_host_pps limited_pps
measure() { # KIND
	local a=$WORK/m.a.json b=$WORK/m.b.json fpid='' j t0 t1 dst=$DROP4
	[[ $1 == box ]] && dst=$EXC_BOX4
	snap "$a" || return 1
	t0=$(date +%s.%N)
	if [[ $1 != none ]]; then
		ip netns exec "$NS_H4" "$WORK/flood" "$dst" 9 "$((SECS + 1))" 8 "$FLOOD" >"$WORK/flood.out" &
		fpid=$!
		sleep 0.5
	fi
	j=$(T=$((SECS + 20)) nsx "$NS_H6" iperf3 -c "$H4_FROM_V6" -p 5301 -u -b "$RATE" -l 1200 -t "$SECS" -J 2>&1)
	[[ -n "$fpid" ]] && wait "$fpid"
	snap "$b" || return 1
	t1=$(date +%s.%N)
	local fl=0 fs=1
	[[ $1 != none ]] && read -r fl fs <"$WORK/flood.out"
	$PY - "$j" "$fl" "$fs" "$(delta "$a" "$b" XLAT_EXC_TO_HOST)" \
		"$(delta "$a" "$b" XLAT_EXC_RATE_LIMITED XLAT_HOST_QUEUE_FULL)" "$t0" "$t1" <<'PYEOF'
import json, sys
try:
    j = json.loads(sys.argv[1])
except ValueError:
    j = {}
end = j.get("end", {})
s = end.get("sum_received") or end.get("sum") or {}
loss = end.get("sum", {}).get("lost_percent", float("nan"))
win = float(sys.argv[7]) - float(sys.argv[6])
print("%.1f %.2f %d %d %d" % (s.get("bits_per_second", 0) / 1e6, loss, int(float(sys.argv[2]) / float(sys.argv[3])),
      int(sys.argv[4]) / win, int(sys.argv[5]) / win))
PYEOF
}

declare -A R
echo "bench-exception: ${SECS} s x $REPS rounds; translated: iperf3 UDP h6->h4 at $([[ $RATE == 0 ]] && echo "max rate" || echo "$RATE"); flood: UDP from h4 at $([[ $FLOOD == 0 ]] && echo "max rate" || echo "$FLOOD pps")"
echo "bench-exception: $XLAT64D, load average before: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs"
for pps in "$PPS" 0; do
	exc_config "$WORK/bench.$pps.json" "dataplane.exception-pps=$pps" || exit 1
	daemon_start "$WORK/bench.$pps.json" >/dev/null || exit 1
	nsx "$NS_H6" ping -n -c 3 -i 0.2 "$H4_FROM_V6" >/dev/null # warm up: neighbours
	for r in $(seq 1 "$REPS"); do
		for f in none drop box; do
			line=$(measure "$f") || { echo "measurement failed" >&2; exit 1; }
			R[$pps.$f.$r]=$line
			# shellcheck disable=SC2086
			printf '  exception-pps %-6s flood %-4s round %d: %s Mbit/s translated, loss %s%%, flood %s pps, to host %s pps, dropped (limit, full queue) %s pps\n' \
				"$pps" "$f" "$r" $line
		done
	done
	daemon_stop quiet || true
done
echo "bench-exception: load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

args=()
for k in "${!R[@]}"; do args+=("$k=${R[$k]}"); done
$PY - "$PPS" "$MARGIN" "$OUT" "$SECS" "$RATE" "$FLOOD" "${args[@]}" <<'PYEOF'
import json, statistics, sys
pps, margin, out, secs, rate, flood = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6]
runs = {}
for a in sys.argv[7:]:
    k, v = a.split("=", 1)
    p, f, r = k.split(".")
    runs.setdefault((int(p), f), []).append([float(x) for x in v.split()])
med = {}
print("\n| exception-pps | flood | translated Mbit/s | loss % | flood sent pps | to host pps | dropped before the host pps |")
print("|---|---|---|---|---|---|---|")
for p in (pps, 0):
    for f in ("none", "drop", "box"):
        m = [statistics.median(x[i] for x in runs[(p, f)]) for i in range(5)]
        med[(p, f)] = m
        print("| %s | %s | %.0f | %.2f | %s | %.0f | %.0f |" % (p or "0 (no limit)", f, m[0], m[1],
              "%.0f" % m[2] if f != "none" else "-", m[3], m[4]))
def cost(p, f):
    b = med[(p, "none")][0]
    return 100.0 * (b - med[(p, f)][0]) / b if b else 100.0
res = {"limited": {f: cost(pps, f) for f in ("drop", "box")}, "unlimited": {f: cost(0, f) for f in ("drop", "box")}}
extra = res["limited"]["box"] - res["limited"]["drop"]
print("\ntranslated throughput lost to the flood (%% of the flood-free median): exception-pps %d: 'drop' %.1f%%, "
      "'box' %.1f%%, the exception path's own share %.1f%% (allowed %.0f%%); no limit: 'drop' %.1f%%, 'box' %.1f%%"
      % (pps, res["limited"]["drop"], res["limited"]["box"], extra, margin, res["unlimited"]["drop"],
         res["unlimited"]["box"]))
if out:
    json.dump({"secs": secs, "rate": rate, "flood_pps": flood, "margin": margin, "cost_percent": res,
               "runs": {"%d.%s" % k: v for k, v in runs.items()}}, open(out, "w"), indent=1)
sys.exit(0 if extra <= margin else 1)
PYEOF
