#!/usr/bin/env bash
# Build the libFuzzer targets with clang (ASan + UBSan) and run each for a bounded time.
# usage: scripts/fuzz.sh [SECONDS_PER_TARGET]   (default 30)
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-30}
out=${FUZZ_DIR:-build-fuzz}
mkdir -p "$out"
flags=(-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -D_GNU_SOURCE -Ilib)
# lib/nat64_db.c keeps its tables in rte_hash: DPDK's headers and libraries (the SIIT target never calls them)
read -r -a dpdk_cflags <<<"$(pkg-config --cflags libdpdk)"
read -r -a dpdk_libs <<<"$(pkg-config --libs libdpdk)"
# the corpora start from every input frame of the packet tests (and the hostile suite's templates)
if /usr/bin/python3 -c 'import scapy' 2>/dev/null; then
	/usr/bin/python3 tests/fuzz/seed_corpus.py "$out"
fi
for t in fuzz_xlat fuzz_icmp_inner; do
	# SIIT packet path; fuzz_icmp_inner: the packet quoted in an ICMP error, inside a valid outer error
	clang "${flags[@]}" "${dpdk_cflags[@]}" "tests/fuzz/$t.c" lib/*.c "${dpdk_libs[@]}" -lcrypto -o "$out/$t"
	c=corpus_${t#fuzz_}
	mkdir -p "$out/$c"
	cp -n "tests/fuzz/$c"/* "$out/$c/" 2>/dev/null || true
	echo "fuzz: $t for ${secs}s"
	"$out/$t" -max_total_time="$secs" -max_len=2000 -print_final_stats=1 "$out/$c" 2>&1 |
		grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb|==[0-9]+==ERROR|SUMMARY)" || true
	test "${PIPESTATUS[0]}" -eq 0
done

# NAT64: one worker's real tables kept across inputs (sessions, state, fragments, expiry)
clang "${flags[@]}" "${dpdk_cflags[@]}" tests/fuzz/fuzz_nat64.c lib/*.c "${dpdk_libs[@]}" -lcrypto -o "$out/fuzz_nat64"
mkdir -p "$out/corpus_nat64"
cp -n tests/fuzz/corpus_nat64/* "$out/corpus_nat64/" 2>/dev/null || true
echo "fuzz: fuzz_nat64 for ${secs}s"
"$out/fuzz_nat64" -max_total_time="$secs" -max_len=2000 -print_final_stats=1 "$out/corpus_nat64" 2>&1 |
	grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb|==[0-9]+==ERROR|SUMMARY)" || true
test "${PIPESTATUS[0]}" -eq 0

# HA: session synchronisation datagrams as a box receives them (forged, and signed but hostile)
# and what the records they carry do to two workers' real tables (install, redirect, expiry)
clang "${flags[@]}" "${dpdk_cflags[@]}" tests/fuzz/fuzz_sync.c lib/*.c "${dpdk_libs[@]}" -lcrypto -o "$out/fuzz_sync"
mkdir -p "$out/corpus_sync"
cp -n tests/fuzz/corpus_sync/* "$out/corpus_sync/" 2>/dev/null || true
echo "fuzz: fuzz_sync for ${secs}s"
"$out/fuzz_sync" -max_total_time="$secs" -max_len=4096 -print_final_stats=1 "$out/corpus_sync" 2>&1 |
	grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb|==[0-9]+==ERROR|SUMMARY)" || true
test "${PIPESTATUS[0]}" -eq 0

# control: the API's request handling (a memory bridge) and the configuration loader's dump round trip
for t in fuzz_ctl_request fuzz_config; do
	clang "${flags[@]}" "${dpdk_cflags[@]}" -Icontrol -DXLAT64_VERSION='"fuzz"' "tests/fuzz/$t.c" control/config_*.c \
		control/global_opts.c control/api_*.c lib/*.c "${dpdk_libs[@]}" -ljansson -lcrypto -o "$out/$t"
	c=corpus_${t#fuzz_}
	c=${c/corpus_ctl_request/corpus_ctl}
	mkdir -p "$out/$c"
	cp -n "tests/fuzz/$c"/* "$out/$c/" 2>/dev/null || true
	echo "fuzz: $t for ${secs}s"
	"$out/$t" -max_total_time="$secs" -max_len=8192 -dict=tests/fuzz/ctl.dict -print_final_stats=1 "$out/$c" 2>&1 |
		grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb|==[0-9]+==ERROR|SUMMARY)" || true
	test "${PIPESTATUS[0]}" -eq 0
done
echo "fuzz: no crash"
