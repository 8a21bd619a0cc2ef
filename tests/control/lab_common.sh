# shellcheck shell=bash
# SPDX-License-Identifier: BSD-3-Clause
# What the control suite's lab tests (lab.sh, lab_ops.sh) share: the lab, the daemon's logs in $L, its
# socket, background processes stopped at exit. Sourced after the caller sets LAB_NAME and L.
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
LAB=$ROOT/scripts/lab.sh
PY=/usr/bin/python3
NS_BOX=x64-box
NS_H6=x64-h6
NS_H4=x64-h4
mkdir -p "$L"
SOCK=$L/ctl.sock
DPID=
BG=()
LAB_BEFORE_CLEANUP=${LAB_BEFORE_CLEANUP:-:} # a command run first at exit (lab_ops.sh: its tmux server)

cleanup() {
	local p
	$LAB_BEFORE_CLEANUP >/dev/null 2>&1
	for p in "${BG[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${BG[@]}"; do timeout 5 tail --pid="$p" -f /dev/null 2>/dev/null || kill -9 "$p" 2>/dev/null; done
	if [[ -n $DPID ]]; then
		kill -TERM "$DPID" 2>/dev/null
		timeout 15 tail --pid="$DPID" -f /dev/null 2>/dev/null || kill -9 "$DPID" 2>/dev/null
	fi
	"$LAB" down >/dev/null 2>&1
}
trap cleanup EXIT

die() {
	echo "$LAB_NAME: $*"
	[[ -f $L/xlat64d.log ]] && tail -n 20 "$L/xlat64d.log" | sed 's/^/  xlat64d: /'
	exit 1
}

ctl() { timeout 20 "$XLAT64CTL" --socket "$SOCK" "$@"; }

# lab_config SRC [PYTHON]: $L/lab.json from config/SRC with our socket, --no-huge when hugepages are short,
# and PYTHON (statements on the loaded file, c) applied
lab_config() {
	local free_mb
	free_mb=$(awk '/^HugePages_Free/ { f = $2 } /^Hugepagesize/ { s = $2 } END { print int(f * s / 1024) }' /proc/meminfo)
	$PY - "$ROOT/config/$1" "$L/lab.json" "$SOCK" "$free_mb" "${2:-}" <<'PYEOF' || die "cannot write the configuration"
import json, sys
src, dst, sock, free_mb, edit = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
c = json.load(open(src))
c["control"] = {"socket": sock}
exec(edit)
if free_mb < 300:
    c["eal"] = [a for a in c["eal"] if a != "--in-memory"] + ["--no-huge", "--no-shconf"]
json.dump(c, open(dst, "w"), indent=2)
PYEOF
}

# daemon_up: xlat64d on $L/lab.json in the box, answering on $SOCK within 30 s
daemon_up() {
	local i
	ip netns exec "$NS_BOX" "$XLAT64D" --config "$L/lab.json" >"$L/xlat64d.log" 2>&1 &
	DPID=$!
	for i in $(seq 1 300); do
		kill -0 "$DPID" 2>/dev/null || die "xlat64d exited"
		ctl version >/dev/null 2>&1 && break
		sleep 0.1
	done
	ctl version >/dev/null 2>&1 || die "xlat64d does not answer"
}

# daemon_down: xlat64d still answers, then SIGTERM stops it with status 0 within 15 s
daemon_down() {
	local rc
	ctl version >/dev/null || die "xlat64d no longer answers"
	kill -TERM "$DPID"
	timeout 15 tail --pid="$DPID" -f /dev/null
	wait "$DPID"
	rc=$?
	DPID=
	((rc == 0)) || die "xlat64d exited with $rc"
	echo "  - xlat64d stopped cleanly"
}
