/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * NAT64 with several workers: each flow's state lives with one worker (its
 * owner, lib/nat64_owner.c); frames another worker received are handed to the
 * owner's MP/SC ring in bursts, with backpressure and a bound on it.
 */
#include <string.h>

#include <rte_ring.h>

#include "worker.h"

/*
 * The burst's handoffs, to each owner's ring in one enqueue (one CAS on a
 * multi-producer ring, not one per packet). What a full ring does not take
 * stays here, and worker_main() polls no new frames until it has gone: a busy
 * owner slows its senders down (the NIC queues, then drops, at no CPU cost)
 * instead of having them receive, classify and then drop. Nothing waits on
 * anything but the owner's own loop, which empties its ring every round.
 */
void dp_handoff_flush(struct dp_worker *w)
{
	struct rte_mbuf *batch[RTE_DIM(w->ho)], *keep[RTE_DIM(w->ho)];
	uint16_t keep_to[RTE_DIM(w->ho)];
	unsigned left = 0, n = w->n_ho, taken = 0;

	for (unsigned start = 0; start < n; start++) {
		if (!w->ho[start])
			continue;
		uint16_t o = w->ho_to[start];
		unsigned k = 0;
		for (unsigned i = start; i < n; i++)
			if (w->ho[i] && w->ho_to[i] == o) {
				batch[k++] = w->ho[i];
				w->ho[i] = NULL;
			}
		unsigned sent = rte_ring_enqueue_burst(g_dp.workers[o].handoff, (void **)batch, k, NULL);
		w->counters[XLAT_HANDOFF_OUT] += sent;
		taken += sent;
		for (unsigned i = sent; i < k; i++) { /* kept, in order, for the next round */
			keep[left] = batch[i];
			keep_to[left++] = o;
		}
	}
	memcpy(w->ho, keep, left * sizeof(keep[0]));
	memcpy(w->ho_to, keep_to, left * sizeof(keep_to[0]));
	w->n_ho = left;
	if (taken) /* an owner is moving: the hold's clock starts again */
		w->ho_blocked_ns = 0;
}

/*
 * Backpressure has a bound: an owner that has taken nothing for 100 ms is not
 * slow but stuck (or stopped), and its senders must not stop with it: what they
 * hold for it is dropped and counted, and they receive again.
 */
#define HANDOFF_HOLD_MAX_NS (100ull * 1000000ull)

bool dp_handoff_give_up(struct dp_worker *w, uint64_t now)
{
	if (!w->ho_blocked_ns) {
		w->ho_blocked_ns = now ? now : 1;
		return false;
	}
	if (now - w->ho_blocked_ns < HANDOFF_HOLD_MAX_NS)
		return false;
	w->counters[XLAT_HANDOFF_FULL] += w->n_ho;
	rte_pktmbuf_free_bulk(w->ho, w->n_ho);
	w->n_ho = 0;
	w->ho_blocked_ns = 0;
	return true;
}

/*
 * The loop asks before each port's receive: while handoffs wait for a full
 * owner ring (and dp_handoff_give_up() does not give up on it), true: this
 * round receives nothing more.
 */
bool dp_handoff_backpressure(struct dp_worker *w, uint64_t now)
{
	dp_handoff_flush(w);
	return w->n_ho && !dp_handoff_give_up(w, now);
}

/* At exit: the handoffs no owner will take any more, dropped and counted. */
void dp_handoff_drop_held(struct dp_worker *w)
{
	w->counters[XLAT_HANDOFF_FULL] += w->n_ho;
	for (unsigned i = 0; i < w->n_ho; i++)
		rte_pktmbuf_free(w->ho[i]);
	w->n_ho = 0;
}

/*
 * NAT64 with several workers: the owner of each frame of a burst where it can
 * be told without side effects (nat64_owner(), which remembers where a first
 * fragment went: fragments are left to dp_dispatch()), -1 for those and non-IP.
 */
void dp_frame_owners(struct xlat_ctx *ctx, struct rte_mbuf **pkts, uint16_t n, int16_t *owner)
{
	for (uint16_t i = 0; i < n; i++) {
		const uint8_t *f = rte_pktmbuf_mtod(pkts[i], const uint8_t *), *ip = f + ETH_HLEN;
		uint32_t flen = pkts[i]->data_len;

		owner[i] = -1;
		if (flen >= ETH_HLEN + 40 && f[12] == 0x86 && f[13] == 0xdd)
			owner[i] = (int16_t)nat64_owner(ctx, ip, flen - ETH_HLEN, 6, g_dp.n_workers);
		else if (flen >= ETH_HLEN + 20 && f[12] == 0x08 && f[13] == 0x00 && !(dp_rd16(ip + 6) & 0x3fff))
			owner[i] = (int16_t)nat64_owner(ctx, ip, flen - ETH_HLEN, 4, g_dp.n_workers);
	}
}
