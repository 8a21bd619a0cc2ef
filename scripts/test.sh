#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Every test, from a fresh Debian 12 as root:  sudo scripts/test.sh
# Suites: deps, hugepages, gcc build (-Dwerror=true), clang build (-Dwerror=true, build-clang/),
# unit tests (meson test), packet tests (tests/packet/run.sh), hostile traffic (tests/hostile/run.sh),
# conformance (tests/conformance/run.sh: fails on a regression, a row of tests/conformance/expected-pass.txt
# that no longer passes), e2e (tests/e2e/run.sh, nat64.sh and forward.sh, on af_packet and on af_xdp ports;
# nat64.sh also without hugepages), carrier-grade NAT64 (tests/cgn/run.sh), control API
# (tests/control/run.sh), sanitizers (unit, packet and hostile tests on a clang ASan/UBSan build), fuzzing.
# Prints a per-suite summary and "N passed, M failed" (required suites); exits 1 if any required suite failed.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

[[ $(id -u) -eq 0 ]] || { echo "test: run as root: sudo $0" >&2; exit 1; }

BUILD=${XLAT64_BUILD:-build}             # gcc build (the one the e2e suite runs)
BUILD_CLANG=${XLAT64_BUILD_CLANG:-build-clang}
BUILD_ASAN=${XLAT64_BUILD_ASAN:-build-asan}
LOGDIR=$(mktemp -d /tmp/xlat64-test.XXXXXX)
SUITES=()
declare -A S_RESULT S_PASS S_FAIL S_TIME S_REQ
TOTAL_PASS=0
TOTAL_FAIL=0
ANY_REQ_FAILED=0

# suite NAME required|informational CMD...: run, stream output, record counts and time
suite() {
	local name=$1 req=$2
	shift 2
	local logf=$LOGDIR/$name.log t0 rc p f
	printf '\n\033[1m==== %s\033[0m\n' "$name"
	t0=$(date +%s)
	"$@" 2>&1 | tee "$logf"
	rc=${PIPESTATUS[0]}
	S_TIME[$name]=$(($(date +%s) - t0))
	# a suite that prints "N passed, M failed" is counted test by test, others as one test
	if read -r p f < <(sed -n 's/^\([0-9]\+\) passed, \([0-9]\+\) failed.*/\1 \2/p' "$logf" | tail -n1) &&
		[[ -n "$p" ]]; then
		:
	elif [[ $name == unit ]] && grep -q '^Ok:' "$logf"; then
		p=$(awk '/^Ok:/ { print $2 }' "$logf" | tail -n1)
		f=$(awk '/^(Fail|Unexpected Pass|Timeout):/ { s += $NF } END { print s + 0 }' "$logf")
	elif ((rc == 0)); then
		p=1 f=0
	else
		p=0 f=1
	fi
	((rc == 0 || f > 0)) || f=1 # failed without saying which test
	S_PASS[$name]=$p
	S_FAIL[$name]=$f
	S_REQ[$name]=$req
	if ((rc == 0)); then S_RESULT[$name]=ok; else S_RESULT[$name]=FAILED; fi
	SUITES+=("$name")
	if [[ $req == required ]]; then
		TOTAL_PASS=$((TOTAL_PASS + p))
		TOTAL_FAIL=$((TOTAL_FAIL + f))
		((rc == 0)) || ANY_REQ_FAILED=1
	fi
	return "$rc"
}

skip() { # NAME REASON
	SUITES+=("$1")
	S_RESULT[$1]="skipped ($2)"
	S_PASS[$1]=0 S_FAIL[$1]=0 S_TIME[$1]=0 S_REQ[$1]=-
}

build_gcc() {
	if [[ -f "$BUILD/build.ninja" ]]; then
		meson configure "$BUILD" -Dwerror=true
	else
		meson setup "$BUILD" -Dwerror=true
	fi && ninja -C "$BUILD"
}

# clang with AddressSanitizer + UndefinedBehaviorSanitizer: the unit tests, then the packet suite and the
# hostile suite's malformed-input scenarios with its daemon (a sanitizer report fails the case: UBSan halts)
build_asan() {
	if [[ ! -f "$BUILD_ASAN/build.ninja" ]]; then
		CC=clang meson setup "$BUILD_ASAN" -Dwerror=true -Db_sanitize=address,undefined -Db_lundef=false \
			-Dbuildtype=debugoptimized || return 1
	fi
	ninja -C "$BUILD_ASAN" || return 1
	local rc=0 log p=0 f=0 n
	log=$(mktemp)
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		meson test -C "$BUILD_ASAN" --suite unit --print-errorlogs | tee "$log"
	((PIPESTATUS[0] == 0)) || rc=1
	p=$(awk '/^Ok:/ { print $2 }' "$log" | tail -n1)
	f=$(awk '/^(Fail|Unexpected Pass|Timeout):/ { s += $NF } END { print s + 0 }' "$log")
	# the daemon's own allocations (EAL) are still held at exit: no leak check for it
	for t in "tests/packet/run.sh" "tests/hostile/run.sh -k garbage -k truncated -k icmp_in_icmp"; do
		XLAT64D=$(realpath "$BUILD_ASAN")/dataplane/xlat64d ASAN_OPTIONS=detect_leaks=0 \
			UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 HOSTILE_IDLE_MIN_MS=1000 $t | tee "$log"
		((PIPESTATUS[0] == 0)) || rc=1
		n=$(sed -n 's/^\([0-9]\+\) passed, \([0-9]\+\) failed.*/\1 \2/p' "$log" | tail -n1)
		[[ -n "$n" ]] || n="0 1"
		p=$((${p:-0} + ${n% *})) f=$((f + ${n#* }))
	done
	rm -f "$log"
	echo "$p passed, $f failed"
	return $rc
}

# clang, warnings as errors; with the phase clock's probes (dataplane/phase.h), which no other build compiles
build_clang() {
	if [[ ! -f "$BUILD_CLANG/build.ninja" ]]; then
		CC=clang meson setup "$BUILD_CLANG" -Dwerror=true -Dphase_clock=true || return 1
	fi
	meson configure "$BUILD_CLANG" -Dwerror=true -Dphase_clock=true && ninja -C "$BUILD_CLANG"
}

suite deps required scripts/deps.sh
# without hugepages the e2e suite falls back to --no-huge, so this one only informs
suite hugepages informational scripts/hugepages.sh 512
if suite build-gcc required build_gcc; then
	# every suite below runs the daemon of this build
	XLAT64_BUILD=$(realpath "$BUILD")
	export XLAT64_BUILD XLAT64D=$XLAT64_BUILD/dataplane/xlat64d
	suite build-clang required build_clang
	suite unit required meson test -C "$BUILD" --print-errorlogs
	if [[ -x tests/packet/run.sh ]]; then
		suite packet required tests/packet/run.sh
	else
		skip packet "tests/packet/run.sh absent"
	fi
	# floods of bad frames with good traffic mixed in: every frame counted once, good ones translated
	suite hostile required tests/hostile/run.sh
	# required: a graybox row that passed and now fails is a regression (doc/conformance.md); the vectors
	# are in the repository (tests/conformance/vectors, Jool's, GPL-2.0)
	suite conformance required tests/conformance/run.sh
	# Network namespace labs, each under the lab lock (other users of the lab wait their turn).
	# The lab's hosts keep the kernel's offloads; the box drives their veths with af_packet, then af_xdp.
	LAB=(flock /tmp/xlat64-lab.lock)
	suite e2e required "${LAB[@]}" tests/e2e/run.sh
	suite e2e-nat64 required "${LAB[@]}" tests/e2e/nat64.sh
	suite e2e-xdp required "${LAB[@]}" env E2E_PORTS=af_xdp tests/e2e/run.sh
	suite e2e-nat64-xdp required "${LAB[@]}" env E2E_PORTS=af_xdp tests/e2e/nat64.sh
	# a small VM's box: no hugepages (-m is then all DPDK gets; the pools packed by mbuf_pool.c, which af_xdp's
	# UMEM needs: with a small pool on 4 KiB-page objects it forwarded nothing), af_xdp, a small pool
	suite e2e-nat64-nohuge required "${LAB[@]}" env E2E_NOHUGE=1 E2E_PORTS=af_xdp \
		E2E_MKCONFIG=dataplane.mbufs-per-port=2047 tests/e2e/nat64.sh
	# native forwarding beside translation: a third segment, ICMP errors byte for byte, BIRD's routes, the kernel
	# as slow path (tests/e2e/forward.sh)
	suite e2e-forward required "${LAB[@]}" tests/e2e/forward.sh
	suite e2e-forward-xdp required "${LAB[@]}" env E2E_PORTS=af_xdp tests/e2e/forward.sh
	# the README's demo, and its NAT64 + DNS64 variant (Unbound's dns64 module)
	suite demo required "${LAB[@]}" scripts/demo.sh
	suite demo-nat64 required "${LAB[@]}" scripts/demo.sh --nat64
	# scale-out: two boxes behind BIRD's ECMP over the exception path, BFD, kill -9 under traffic
	suite e2e-scaleout required "${LAB[@]}" tests/e2e/scaleout.sh
	suite e2e-ha required "${LAB[@]}" tests/e2e/ha.sh
	suite e2e-vlan required "${LAB[@]}" tests/e2e/vlan.sh
	suite e2e-vlan-xdp required "${LAB[@]}" env E2E_PORTS=af_xdp tests/e2e/vlan.sh
	suite cgn required tests/cgn/run.sh
	# xlat64-exporter against a real Prometheus server (promtool, PromQL), and bad HTTP clients
	suite exporter required /usr/bin/python3 tests/exporter/run.py
	suite control required tests/control/run.sh
	suite sanitize required build_asan
	# libFuzzer targets (packet path SIIT and NAT64, ICMP errors' inner packets, native forwarding, control requests,
	# config loader), bounded
	suite fuzz required env FUZZ_DIR="$(realpath "$BUILD")-fuzz" scripts/fuzz.sh "${FUZZ_SECONDS:-20}"
else
	for s in build-clang unit packet hostile conformance e2e e2e-nat64 e2e-xdp e2e-nat64-xdp e2e-nat64-nohuge e2e-forward e2e-forward-xdp demo demo-nat64 e2e-scaleout e2e-vlan e2e-vlan-xdp e2e-ha cgn exporter control sanitize fuzz; do skip "$s" "gcc build failed"; done
fi
# the Debian package (its own build, from a copy of the tree): lintian, apt-get install, the installed
# daemon on the lab demo, apt-get purge leaving nothing (tests/package/run.sh)
suite package required tests/package/run.sh

printf '\n\033[1m==== summary\033[0m\n'
printf '%-12s %-14s %7s %7s %7s\n' suite result passed failed seconds
for s in "${SUITES[@]}"; do
	r=${S_RESULT[$s]}
	[[ ${S_REQ[$s]} != informational ]] || r="$r (info)"
	printf '%-12s %-14s %7s %7s %7s\n' "$s" "$r" "${S_PASS[$s]}" "${S_FAIL[$s]}" "${S_TIME[$s]}"
done
echo "logs: $LOGDIR"
echo "$TOTAL_PASS passed, $TOTAL_FAIL failed"
((ANY_REQ_FAILED == 0))
