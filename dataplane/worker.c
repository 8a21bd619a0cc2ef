/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A worker's poll loop: one configuration snapshot per round (RCU), rx bursts
 * from every port (rx.c), each frame through the fast path (fastpath.h) or the
 * general path (classify.c -> translate.c -> tx.c), NAT64 handoffs in and out
 * (handoff.c), expiry and the control thread's requests, then the transmit
 * buffers flushed. No locks, syscalls, allocation or printing in the loop
 * (mbufs aside, for fragments and segments).
 */
#include <stdlib.h>
#ifdef XLAT64_PHASE_CLOCK
#include <inttypes.h> /* dp_phase_log() */
#include <stdio.h>
#endif

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_prefetch.h>

#include "fastpath.h"

static void tx_drop_cb(struct rte_mbuf **pkts, uint16_t unsent, void *userdata)
{
	uint64_t *drops = userdata;

	*drops += unsent;
	rte_pktmbuf_free_bulk(pkts, unsent);
}

/*
 * A benchmark's knob (doc/performance.md, NAT64 steady state): XLAT64_CLOCK_SCALE=N in the
 * environment makes the worker's clock, and so every timer it keeps (sessions, fragments, stored
 * SYNs), run N times faster, so that sessions made at millions a second expire within a second
 * while the timeouts stay at their configured minimums. Unset (1) everywhere else.
 */
static uint64_t clock_scale(unsigned worker)
{
	const char *s = getenv("XLAT64_CLOCK_SCALE");
	unsigned long v = s ? strtoul(s, NULL, 10) : 1;

	if (v <= 1 || v > 1000000)
		return 1;
	RTE_LOG(WARNING, XLAT64, "worker %u: its clock runs %lu times faster (XLAT64_CLOCK_SCALE)\n", worker, v);
	return v;
}

/* phase.h: the worker's cycles by phase, per packet, when it stops (-Dphase_clock=true builds) */
static void dp_phase_log(const struct dp_worker *w)
{
#ifdef XLAT64_PHASE_CLOCK
	static const char *const name[DP_PH_MAX] = {"rx", "lookup", "check", "xlat", "out", "tx", "round"};
	const struct dp_phase_clock *c = &w->phase;
	double pk = c->pkts ? (double)c->pkts : 1, rest = (double)c->cyc[DP_PH_ROUND];
	char line[256];
	int at = 0;

	for (unsigned i = 0; i < DP_PH_ROUND; i++) {
		rest -= (double)c->cyc[i];
		at += snprintf(line + at, sizeof(line) - (size_t)at, "%s %.1f, ", name[i], (double)c->cyc[i] / pk);
	}
	RTE_LOG(NOTICE, XLAT64,
		"worker %u phases, TSC cycles a packet: %sthe rest of the round %.1f; all %.1f "
		"(%" PRIu64 " packets, %.1f a round)\n", w->index, line, rest / pk, (double)c->cyc[DP_PH_ROUND] / pk,
		c->pkts, (double)c->pkts / (double)(c->rounds ? c->rounds : 1));
#else
	(void)w;
#endif
}

static struct dp_worker *self_worker(void)
{
	unsigned lcore = rte_lcore_id();

	for (unsigned i = 0; i < g_dp.n_workers; i++)
		if (g_dp.workers[i].lcore == lcore)
			return &g_dp.workers[i];
	return NULL;
}

/* The worker's start: its transmit buffers' drop counter, its RCU reader slot, its fast-path memo (NULL: none). */
static struct fp_memo *worker_start(struct dp_worker *w)
{
	w->pre_owner = -1;
	w->n_ho = 0;
	w->ho_blocked_ns = 0;
	__atomic_store_n(&w->tsc0, rte_get_tsc_cycles(), __ATOMIC_RELEASE); /* NAT events' clock origin (natlog.c) */
	for (unsigned p = 0; p < g_dp.n_ports; p++)
		rte_eth_tx_buffer_set_err_callback(w->txb[p], tx_drop_cb, &w->counters[XLAT_TX_DROP]);
	rte_rcu_qsbr_thread_register(g_dp.rcu, w->index);
	rte_rcu_qsbr_thread_online(g_dp.rcu, w->index);

	/* ~520 KB (160 KB of it native forwarding's memo): from the heap of the worker's socket, not its stack */
	struct fp_memo *fmp = rte_zmalloc_socket("fp_memo", sizeof(*fmp), RTE_CACHE_LINE_SIZE, (int)rte_socket_id());
	if (!fmp) {
		RTE_LOG(ERR, XLAT64, "worker %u: no memory for its fast-path memo\n", w->index);
		return NULL;
	}
	xlat_fmemo_init(&fmp->x);
	fmp->fwd.gen = 1; /* the zeroed entries are of no generation */
	w->fwd_memo = &fmp->fwd;
	return fmp;
}

/*
 * One port's burst: received (rx.c: copied out of long buffers, VLAN tags off),
 * NAT64's owners and session lookups for the whole burst, then each frame
 * through the fast path or the general path (classify.c), its handoffs
 * flushed (handoff.c). The frames received.
 */
static uint16_t rx_port(struct dp_worker *w, struct fp_memo *fmp, unsigned p, const struct xlat_config *cfg,
			bool try_fast, uint64_t now)
{
	const struct dp_port *pt = &g_dp.ports[p];
	struct rte_mbuf *pkts[DP_BURST];
	int16_t owner[DP_BURST];
	uint8_t pif[DP_BURST]; /* each frame's interface, on a port that carries VLANs */
	DP_PHASE_START(t_rx);
	uint16_t n = rte_eth_rx_burst(pt->port_id, (uint16_t)w->index, pkts, DP_BURST), got = n;

	DP_PHASE_ADD(w, DP_PH_RX, t_rx);
	if (!n)
		return 0;
	DP_PHASE_COUNT(w, pkts, n);
	w->counters[XLAT_RX] += n;
	if (unlikely(pt->rx_copy))
		dp_rx_copy_out(pkts, n);
	if (unlikely(pt->has_vlans) && !(n = dp_vlan_demux(w, pt, p, pkts, n, pif)))
		return got;
	const bool vlans = pt->has_vlans;
	bool owners = w->nat && g_dp.n_workers > 1 && cfg->mode == XLAT_MODE_NAT64;
	DP_PHASE_START(t_lookup);
	if (owners)
		dp_frame_owners(&w->ctx[p], pkts, n, owner);
	bool hints = w->nat && dp_nat64_burst(&w->ctx[p], pkts, n, owners ? owner : NULL, w->index);
	DP_PHASE_ADD(w, DP_PH_LOOKUP, t_lookup);
	/* the common case: the whole burst through the translator's fast path in one call */
	if (likely(!vlans && !owners && try_fast))
		fp_burst_run(w, fmp, pkts, n, p, hints, cfg, now);
	else
		fp_burst(w, fmp, pkts, n, p, vlans ? pif : NULL, owners ? owner : NULL, hints, cfg, try_fast, now,
			 false);
	dp_handoff_flush(w);
	return got;
}

/*
 * NAT64's share of a round: the flows other workers received for this one
 * (classified by them: fp_burst() with no owner test, what it declines
 * straight to dp_translate()), then
 * expiry, stored SYNs and the control thread's requests. The frames taken.
 */
static uint16_t nat64_round(struct dp_worker *w, struct fp_memo *fmp, const struct xlat_config *cfg, bool try_fast,
			    uint64_t now)
{
	struct rte_mbuf *pkts[DP_BURST];
	uint16_t n = (uint16_t)rte_ring_dequeue_burst(w->handoff, (void **)pkts, DP_BURST, NULL);

	/*
	 * Another core wrote these mbufs and frames: their lines are in its cache.
	 * Ask for all of them at once (headers, then the frames they point to)
	 * rather than one miss after another in the lookups below.
	 */
	for (uint16_t i = 0; i < n; i++) {
		rte_prefetch0(pkts[i]);
		rte_prefetch0((const uint8_t *)pkts[i] + RTE_CACHE_LINE_SIZE); /* dp_meta(), and m->next at free */
	}
	for (uint16_t i = 0; i < n; i++)
		rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void *));
	if (n) {
		uint8_t pif[DP_BURST]; /* each frame's receiving interface, as the sender recorded it */
		for (uint16_t i = 0; i < n; i++) /* (every interface's ctx has this round's cfg and clock: worker_main()) */
			pif[i] = (uint8_t)dp_meta(pkts[i])->port;
		/* every port's ctx shares the table, and so the hints */
		bool hints = dp_nat64_burst(&w->ctx[0], pkts, n, NULL, w->index);
		fp_burst(w, fmp, pkts, n, 0, pif, NULL, hints, cfg, try_fast, now, true);
	}
	w->counters[XLAT_NAT64_EXPIRED] += nat64_expire(w->nat, cfg, now / 1000000u, 64);
	dp_stored_syns_expire(w, cfg, now);
	dp_handoff_flush(w); /* hairpins and stored-SYN errors of flows that another worker owns */
	ctl_bridge_worker_poll(w, now / 1000000u);
	if (unlikely(w->sync_in != NULL)) /* HA: a peer's sessions in, a bulk's share out (sync.c) */
		sync_worker_poll(w, cfg, now / 1000000u);
	return n;
}

/* Worker 0: the frames the slow path built (ARP/ND replies, held packets) leave through its queues. */
static uint16_t slowpath_frames(struct dp_worker *w)
{
	struct rte_mbuf *pkts[DP_BURST];
	uint16_t n = (uint16_t)rte_ring_dequeue_burst(g_dp.to_tx, (void **)pkts, DP_BURST, NULL);

	for (uint16_t i = 0; i < n; i++)
		dp_tx(w, pkts[i], pkts[i]->port);
	return n;
}

int worker_main(void *arg)
{
	struct dp_worker *w = self_worker();
	struct fp_memo *fmp;
	const uint32_t idle_us = g_dp.cfg.idle_sleep_us;

	(void)arg;
	if (!w || !(fmp = worker_start(w)))
		return -1;
	const uint64_t t0 = w->tsc0;
	const uint64_t scale = clock_scale(w->index); /* 1 but in benchmarks (XLAT64_CLOCK_SCALE) */
	uint64_t last_cyc = 0; /* the last round's start, and whether it had work (its cycles are busy) */
	bool last_busy = false;
	while (!__atomic_load_n(&g_dp.quit, __ATOMIC_RELAXED)) {
		DP_PHASE_START(t_round);
		/* One configuration snapshot per poll round; the control thread frees old ones after a grace period. */
		const struct xlat_config *cfg = __atomic_load_n(&g_dp.xcfg, __ATOMIC_ACQUIRE);
		bool try_fast = cfg->mode == XLAT_MODE_SIIT || cfg->mode == XLAT_MODE_NAT64;
		/* the routing table copy the round reads (RCU, like the snapshot) */
		fp_memo_round(fmp, cfg, fib_round());
		uint64_t cyc = rte_get_tsc_cycles() - t0;
		uint64_t now = dp_tsc_ns(cyc) * scale;
		unsigned got = 0;

		/* the worker's load, as DPDK apps report it: the share of TSC time spent on rounds with work, each
		 * round's counted from its start to the next's (one TSC read a round) */
		if (last_busy)
			w->counters[XLAT_BUSY_CYCLES] += cyc - last_cyc;
		last_cyc = cyc;

		for (unsigned p = 0; p < g_dp.n_ports; p++) {
			w->ctx[p].cfg = cfg;
			w->ctx[p].now_ns = now; /* the fast path's clock (NAT64 timers) for the round */
		}
		for (unsigned p = 0; p < g_dp.n_ports; p++) {
			if (g_dp.ports[p].is_vlan) /* its frames arrive on its parent's port */
				continue;
			if (unlikely(w->n_ho) && dp_handoff_backpressure(w, now))
				break; /* handoffs still waiting for an owner's ring: no new frames */
			got += rx_port(w, fmp, p, cfg, try_fast, now);
		}
		if (w->nat)
			got += nat64_round(w, fmp, cfg, try_fast, now);
		if (w->index == 0)
			got += slowpath_frames(w);
		DP_PHASE_START(t_tx);
		for (unsigned p = 0; p < g_dp.n_ports; p++)
			if (!g_dp.ports[p].is_vlan)
				w->counters[XLAT_TX] +=
					rte_eth_tx_buffer_flush(g_dp.ports[p].port_id, (uint16_t)w->index, w->txb[p]);
		DP_PHASE_ADD(w, DP_PH_TX, t_tx);
		rte_rcu_qsbr_quiescent(g_dp.rcu, w->index);
		__atomic_store_n(&w->rounds, w->rounds + 1, __ATOMIC_RELAXED);
		DP_PHASE_ADD(w, DP_PH_ROUND, t_round);
		DP_PHASE_COUNT(w, rounds, 1);
		last_busy = got != 0;
		if (!got && idle_us)
			rte_delay_us_sleep(idle_us);
	}
	dp_phase_log(w);
	dp_handoff_drop_held(w);
	w->fwd_memo = NULL;
	rte_free(fmp);
	rte_rcu_qsbr_thread_offline(g_dp.rcu, w->index);
	rte_rcu_qsbr_thread_unregister(g_dp.rcu, w->index);
	return 0;
}
