/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Native forwarding of a classified frame (doc/architecture.md, "Forwarding"):
 * what is neither translated nor the box's own is routed by the dataplane's
 * table (fib.c) through lib's forwarder (its checks, the hop limit, the MTU,
 * the box's ICMP errors), then out as translated packets go (tx.c: neighbour,
 * fragments, segments). What only the host kernel forwards (its own routes,
 * options) goes to it through the exception path, bounded as the rest of it.
 * A forwarded packet leaves from here: it never meets the translator.
 */
#include "worker.h"

void dp_forward(struct dp_worker *w, struct rte_mbuf *m, unsigned pidx, int family, uint64_t now)
{
	struct xlat_pkt xp = {
		.data = rte_pktmbuf_mtod_offset(m, uint8_t *, ETH_HLEN),
		.len = m->data_len - ETH_HLEN,
		/* the old L2 header's bytes are reused; the new one needs ETH_HLEN in front (an ICMP error more) */
		.headroom = rte_pktmbuf_headroom(m),
		.tailroom = rte_pktmbuf_tailroom(m),
		.family = family,
	};
	struct xlat_ctx *ctx = &w->ctx[pidx];

	ctx->now_ns = now;
	switch (fwd_process(ctx, &xp, fib_route_fwd, &g_dp)) {
	case FV_DROP:
		rte_pktmbuf_free(m);
		return;
	case FV_HOST: /* unchanged, L2 header and all */
		dp_to_slowpath(w, m, META_HOST, (uint16_t)pidx, family, NULL);
		return;
	default:
		break;
	}
	m->data_off = (uint16_t)(xp.data - (uint8_t *)m->buf_addr);
	m->data_len = (uint16_t)xp.len;
	m->pkt_len = xp.len;
	if (unlikely(xp.frag_size)) {
		dp_output_frag4(w, m, &xp);
		return;
	}
	if (unlikely(xp.seg_size)) {
		dp_output_segments(w, m, &xp);
		return;
	}
	dp_output(w, m, xp.family, xp.route.nexthop);
}
