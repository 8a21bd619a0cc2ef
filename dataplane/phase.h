/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Where a worker's cycles go, phase by phase: a profile for hosts that give no
 * performance counters (VMs). Built only with `meson configure
 * -Dphase_clock=true`; otherwise every probe below compiles to nothing. Each
 * phase's TSC cycles are summed per worker and logged per packet when the
 * worker stops (doc/performance.md, Round 2, the ninth session). Meant for a worker
 * kept busy (bench.sh's replayed ports): idle rounds count too. A probe is a
 * pair of TSC reads a burst (about 1.5 cycles a packet at 32 frames), which the
 * figures include. check, xlat and out split fp_burst_run(), a port's burst
 * where one worker translates every flow; elsewhere (VLAN trunks, NAT64 with
 * several workers, handoffs) that work is in the rest of the round.
 */
#ifndef XLAT_DP_PHASE_H
#define XLAT_DP_PHASE_H

#include <stdint.h>

enum dp_phase {
	DP_PH_RX,     /* rte_eth_rx_burst(), every port's, empty polls included */
	DP_PH_LOOKUP, /* NAT64: the burst's owners and session lookups (rx.c) */
	DP_PH_CHECK,  /* the frames' checks (fp_prepare()) */
	DP_PH_XLAT,   /* the translator's fast path over the burst (xlat_fast_run()) */
	DP_PH_OUT,    /* L2 headers, mbuf fields, the transmit queue (fp_out()) */
	DP_PH_TX,     /* rte_eth_tx_burst() and the transmit buffers' flushes */
	DP_PH_ROUND,  /* the whole poll round: what the phases above leave is the round's own work */
	DP_PH_MAX
};

#ifdef XLAT64_PHASE_CLOCK
#include <rte_cycles.h>

struct dp_phase_clock {
	uint64_t cyc[DP_PH_MAX];
	uint64_t pkts, rounds; /* frames received, poll rounds */
};

#define DP_PHASE_START(t) const uint64_t t = rte_rdtsc()
#define DP_PHASE_ADD(w, ph, t) ((w)->phase.cyc[ph] += rte_rdtsc() - (t))
#define DP_PHASE_COUNT(w, field, n) ((w)->phase.field += (n))
#else
#define DP_PHASE_START(t) ((void)0)
#define DP_PHASE_ADD(w, ph, t) ((void)0)
#define DP_PHASE_COUNT(w, field, n) ((void)0)
#endif

#endif
