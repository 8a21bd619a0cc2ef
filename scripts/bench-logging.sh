#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# The cost of CGN accounting and NAT event logging (doc/performance.md, "NAT event logging cost"):
# logging off and on, in the same run, on one worker's NAT64 table (tests/cgn/bench_cgn.c: modes off,
# limits, log-bib, log-all, pba-log, interleaved round by round; thread CPU time, median of ROUNDS).
# Usage: scripts/bench-logging.sh [FLOWS] [ROUNDS] [CPU]   (XLAT64_BUILD: build directory, default build/)
set -eu
cd "$(dirname "$0")/.."
BUILD=${XLAT64_BUILD:-build}
FLOWS=${1:-200000}
ROUNDS=${2:-15}
CPU=${3:-}
ninja -C "$BUILD" tests/cgn/bench_cgn >/dev/null
if [ -n "$CPU" ]; then
	exec taskset -c "$CPU" "$BUILD/tests/cgn/bench_cgn" "$FLOWS" "$ROUNDS"
fi
exec "$BUILD/tests/cgn/bench_cgn" "$FLOWS" "$ROUNDS"
