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
