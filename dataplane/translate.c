/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Translation of a classified frame: NAT64 flows go to the worker that owns
 * their state (handoff.c), the rest through lib's translator in place
 * (xlat_process), then out (tx.c); a NAT64 hairpin (RFC 6146 3.8) comes back in
 * here as IPv4.
 */
#include <string.h>

#include "worker.h"

void dp_translate(struct dp_worker *w, struct rte_mbuf *m, unsigned pidx, int family, uint64_t now)
{
	uint8_t *ip = rte_pktmbuf_mtod_offset(m, uint8_t *, ETH_HLEN);
	struct xlat_pkt xp = {
		.data = ip,
		.len = m->data_len - ETH_HLEN,
		/* the old L2 header's bytes are reused; the new one needs ETH_HLEN in front */
		.headroom = rte_pktmbuf_headroom(m),
		.tailroom = rte_pktmbuf_tailroom(m),
		.family = family,
	};
	struct xlat_ctx *ctx = &w->ctx[pidx];

	ctx->now_ns = now;
	if (xlat_process(ctx, &xp) == XV_DROP) {
		rte_pktmbuf_free(m);
		return;
	}
	m->data_off = (uint16_t)(xp.data - (uint8_t *)m->buf_addr);
	m->data_len = (uint16_t)xp.len;
	m->pkt_len = xp.len;
	if (unlikely(nat64_hairpin(ctx->cfg, &xp))) {
		nat64_hairpin_reenter(xp.data);
		dp_hairpin(w, m, pidx, ctx->cfg, now);
		return;
	}
	if (unlikely(xp.frag_size)) {
		dp_output_fragments(w, m, &xp);
		return;
	}
	if (unlikely(xp.seg_size)) {
		dp_output_segments(w, m, &xp);
		return;
	}
	dp_output(w, m, xp.family, xp.route.nexthop);
}

/*
 * RFC 6146 3.8 hairpinning: an IPv4 packet (m's data) for pool4 comes back in
 * as if it had arrived on the IPv4 side, through its flow's owner.
 */
void dp_hairpin(struct dp_worker *w, struct rte_mbuf *m, unsigned pidx, const struct xlat_config *cfg, uint64_t now)
{
	uint8_t *eh = (uint8_t *)rte_pktmbuf_prepend(m, ETH_HLEN);

	if (!eh) {
		dp_count(w, XLAT_NO_MBUF);
		rte_pktmbuf_free(m);
		return;
	}
	eh[12] = 0x08;
	eh[13] = 0x00;
	dp_count(w, XLAT_HAIRPIN);
	dp_dispatch(w, m, pidx, 4, cfg, now);
}

/* NAT64 flows are translated by the worker that owns their state; others are handed to it. */
void dp_dispatch(struct dp_worker *w, struct rte_mbuf *m, unsigned pidx, int family,
		     const struct xlat_config *cfg, uint64_t now)
{
	if (cfg->mode == XLAT_MODE_NAT64 && g_dp.n_workers > 1) {
		struct xlat_ctx *ctx = &w->ctx[pidx];
		ctx->cfg = cfg;
		ctx->now_ns = now;
		unsigned o = w->pre_owner >= 0 ? (unsigned)w->pre_owner
					       : nat64_owner(ctx, rte_pktmbuf_mtod_offset(m, const uint8_t *, ETH_HLEN),
							     m->data_len - ETH_HLEN, family, g_dp.n_workers);
		w->pre_owner = -1; /* it was this packet's; what the translation makes of it is asked again */
		if (o != w->index) {
			struct dp_meta *meta = dp_meta(m);
			meta->port = (uint16_t)pidx;
			meta->family = (uint8_t)family;
			if (w->n_ho == RTE_DIM(w->ho))
				dp_handoff_flush(w);
			if (unlikely(w->n_ho == RTE_DIM(w->ho))) { /* the owner is not keeping up */
				dp_count(w, XLAT_HANDOFF_FULL);
				rte_pktmbuf_free(m);
				return;
			}
			w->ho[w->n_ho] = m;
			w->ho_to[w->n_ho++] = (uint16_t)o;
			return;
		}
	}
	dp_translate(w, m, pidx, family, now);
}
