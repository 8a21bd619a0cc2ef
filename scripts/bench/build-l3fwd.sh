#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# DPDK's l3fwd, the reference router of DPDK's own benchmarks, built from the examples of the DPDK this
# machine has (Debian 12: 22.11, package dpdk-doc; Debian ships no l3fwd binary), for the forwarding
# comparison in doc/performance.md ("Native forwarding": scripts/bench/cgcount.py --mode l3fwd).
#   scripts/bench/build-l3fwd.sh [OUTDIR]     (default /var/tmp/xlat64-bench/l3fwd); prints the binary's path
# Two changes to the example, both for DPDK's virtual ports, where the benchmark runs it; neither touches
# its forwarding loop:
#   - the receive offloads it asks for are masked with what the port has: it asks for IPv4/TCP/UDP
#     checksum offload, which net_pcap lacks, and exits otherwise (with it absent l3fwd checks no IPv4
#     header checksum at all: its RFC 1812 checks rely on the NIC's);
#   - it prints port 1's transmitted packets every second and once more when it stops ("L3FWD_TX"),
#     since it has no statistics of its own.
set -euo pipefail
OUT=${1:-/var/tmp/xlat64-bench/l3fwd}
DEB_DIR=$OUT/deb
SRC=$OUT/src/l3fwd # beside ../common, the examples' shared headers

if [[ ! -x $SRC/build/l3fwd-shared ]]; then
	command -v pkg-config >/dev/null && pkg-config --exists libdpdk || { echo "build-l3fwd: libdpdk-dev is not installed" >&2; exit 1; }
	rm -rf "$DEB_DIR" "$OUT/src"
	mkdir -p "$DEB_DIR" "$OUT/src"
	EX=/usr/share/dpdk/examples
	if [[ ! -d $EX/l3fwd ]]; then # the examples are in dpdk-doc: unpacked here, not installed
		(cd "$DEB_DIR" && apt-get download "dpdk-doc=$(dpkg-query -W -f '${Version}' libdpdk-dev)" >/dev/null 2>&1 ||
			apt-get download dpdk-doc >/dev/null) || { echo "build-l3fwd: cannot download dpdk-doc" >&2; exit 1; }
		dpkg-deb -x "$DEB_DIR"/dpdk-doc_*.deb "$DEB_DIR/x"
		EX=$DEB_DIR/x/usr/share/dpdk/examples
	fi
	cp -r "$EX/l3fwd" "$EX/common" "$OUT/src/"
	/usr/bin/python3 - "$SRC/main.c" <<'PY'
import sys
p = sys.argv[1]
s = open(p).read()
def sub(old, new):
    global s
    if old not in s:
        sys.exit("build-l3fwd: this l3fwd's main.c differs from 22.11's: %r not found" % old[:60])
    s = s.replace(old, new, 1)
# the receive offloads: what the port has
sub("""		local_port_conf.rx_adv_conf.rss_conf.rss_hf &=
			dev_info.flow_type_rss_offloads;
""", """		local_port_conf.rx_adv_conf.rss_conf.rss_hf &=
			dev_info.flow_type_rss_offloads;
		local_port_conf.rxmode.offloads &= dev_info.rx_offload_capa; /* xlat64 bench: virtual ports */
		port_conf.rxmode.offloads &= dev_info.rx_offload_capa;
""")
# port 1's transmitted packets: every second, and at the end
sub("""#include "l3fwd.h"
""", """#include "l3fwd.h"
#include <pthread.h>
#include <unistd.h>
/* xlat64 bench: port 1's transmitted packets every second (l3fwd has no statistics of its own) */
extern volatile bool force_quit;
static void *tx_stats(void *a)
{
	(void)a;
	while (!force_quit) {
		struct rte_eth_stats st;
		sleep(1);
		if (rte_eth_stats_get(1, &st) == 0)
			printf("L3FWD_TX %lu\\n", (unsigned long)st.opackets);
		fflush(stdout);
	}
	return NULL;
}
""")
sub("""	} else {
		rte_eal_mp_wait_lcore();
""", """	} else {
		rte_eal_mp_wait_lcore();
		{ /* xlat64 bench */
			struct rte_eth_stats st;
			if (rte_eth_stats_get(1, &st) == 0)
				printf("L3FWD_TX %lu\\n", (unsigned long)st.opackets);
			fflush(stdout);
		}
""")
sub("""	check_all_ports_link_status(enabled_port_mask);
""", """	check_all_ports_link_status(enabled_port_mask);
	{ /* xlat64 bench */
		pthread_t t;
		pthread_create(&t, NULL, tx_stats, NULL);
		pthread_detach(t);
	}
""")
open(p, "w").write(s)
PY
	CFLAGS="-g" make -s -C "$SRC" shared >"$OUT/build.log" 2>&1 || { tail -20 "$OUT/build.log" >&2; exit 1; }
fi
echo "$SRC/build/l3fwd-shared"
