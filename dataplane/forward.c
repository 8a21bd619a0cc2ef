/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Native forwarding of a classified frame (doc/architecture.md, "Forwarding"):
 * what is neither translated nor the box's own is routed by the dataplane's
 * table (fib.c) through lib's forwarder (its checks, the hop limit, the MTU,
 * the box's ICMP errors), then out as translated packets go (tx.c: neighbour,
 * fragments, segments). What only the host kernel forwards (its own routes,
 * options) goes to it through the exception path, bounded as the rest of it.
 * A forwarded packet leaves from here: it never meets the translator.
 *
 * The fast path's case (dp_forward_fast): a destination the general path found
 * native by itself alone (not the box's, nothing the translator takes, routed
 * out of a port) is remembered with its route for as long as the routing table
 * generation and the configuration last (fastpath.h resets the memo), and its
 * next hop's L2 header for as long as the neighbour table does not change
 * (neigh_generation()), so that the next packets to it skip classification,
 * the route lookup and the neighbour table.
 */
#include <string.h>

#include "worker.h"

static inline unsigned memo_slot(const uint8_t *dst, int family)
{
	uint32_t h;

	memcpy(&h, dst + (family == 4 ? 0 : 12), 4);
	return (h * 0x9e3779b1u) >> (32 - DP_FWD_MEMO_BITS);
}

static inline bool memo_same(const struct dp_fwd_ent *e, const uint8_t *dst, int family)
{
	uint64_t a0, a1, b0, b1;

	if (family == 4)
		return e->family == 4 && memcmp(e->key, dst, 4) == 0;
	memcpy(&a0, e->key, 8);
	memcpy(&a1, e->key + 8, 8);
	memcpy(&b0, dst, 8);
	memcpy(&b1, dst + 8, 8);
	return e->family == 6 && ((a0 ^ b0) | (a1 ^ b1)) == 0;
}

static void memo_fill(struct dp_fwd_memo *fm, const uint8_t *dst, int family, const struct xlat_route *r)
{
	struct dp_fwd_ent *e = &fm->e[memo_slot(dst, family)];

	memset(e->key, 0, sizeof(e->key));
	memcpy(e->key, dst, family == 4 ? 4 : 16);
	e->family = (uint8_t)family;
	e->r = *r;
	e->eth_gen = 0; /* no L2 header yet */
	e->gen = fm->gen;
	fm->n++;
}

/* The route the memo holds, for lib's forwarder (opaque: the entry). */
static int memo_route(void *opaque, int family, const uint8_t *dst, struct fwd_route *out)
{
	(void)family;
	(void)dst;
	out->kind = FWD_VIA_PORT;
	out->r = ((const struct dp_fwd_ent *)opaque)->r;
	return 0;
}

/* A verdict into the mbuf and out; returns the datagram's route for the memo, or NULL. */
static const struct xlat_route *finish(struct dp_worker *w, struct rte_mbuf *m, unsigned pidx, int family,
				       enum fwd_verdict v, struct xlat_pkt *xp)
{
	switch (v) {
	case FV_DROP:
		rte_pktmbuf_free(m);
		return NULL;
	case FV_HOST: /* unchanged, L2 header and all */
		dp_to_slowpath(w, m, META_HOST, (uint16_t)pidx, family, NULL);
		return NULL;
	default:
		break;
	}
	m->data_off = (uint16_t)(xp->data - (uint8_t *)m->buf_addr);
	m->data_len = (uint16_t)xp->len;
	m->pkt_len = xp->len;
	if (unlikely(xp->frag_size)) {
		dp_output_frag4(w, m, xp);
		return NULL;
	}
	if (unlikely(xp->seg_size)) {
		dp_output_segments(w, m, xp);
		return NULL;
	}
	dp_output(w, m, xp->family, xp->route.nexthop);
	return v == FV_FORWARD ? &xp->route : NULL;
}

static inline void pkt_of(struct xlat_pkt *xp, struct rte_mbuf *m, int family)
{
	memset(xp, 0, sizeof(*xp));
	xp->data = rte_pktmbuf_mtod_offset(m, uint8_t *, ETH_HLEN);
	xp->len = m->data_len - ETH_HLEN;
	/* the old L2 header's bytes are reused; the new one needs ETH_HLEN in front (an ICMP error more) */
	xp->headroom = rte_pktmbuf_headroom(m);
	xp->tailroom = rte_pktmbuf_tailroom(m);
	xp->family = family;
}

void dp_forward(struct dp_worker *w, struct rte_mbuf *m, unsigned pidx, int family, uint64_t now, bool memo)
{
	struct xlat_ctx *ctx = &w->ctx[pidx];
	struct xlat_pkt xp;
	uint8_t dst[16];

	pkt_of(&xp, m, family);
	ctx->now_ns = now;
	if (memo && xp.len >= (family == 4 ? 20u : 40u))
		memcpy(dst, xp.data + (family == 4 ? 16 : 24), family == 4 ? 4 : 16);
	else
		memo = false;
	const struct xlat_route *r = finish(w, m, pidx, family, fwd_process(ctx, &xp, fib_route_fwd, &g_dp), &xp);
	if (r && memo && w->fwd_memo)
		memo_fill(w->fwd_memo, dst, family, r);
}

/*
 * The L2 header for the entry's next hop, from the neighbour table (one lookup, where dp_output()
 * would make the same); false while the neighbour is unresolved (dp_output() asks for it).
 */
static bool eth_refresh(const struct dp_fwd_memo *fm, struct dp_fwd_ent *e, int family)
{
	uint8_t a[16];
	struct rte_ether_addr mac;

	fib_neighbor_addr(e->r.nexthop, family, e->key, a, &e->port);
	if (!neigh_lookup(e->port, family, a, &mac))
		return false;
	dp_eth_hdr(e->eth, &mac, e->port, dp_ethertype(family));
	e->eth_gen = fm->nb_gen;
	return true;
}

bool dp_forward_fast(struct dp_worker *w, struct dp_fwd_memo *fm, struct rte_mbuf *m, unsigned pidx)
{
	const uint8_t *f = rte_pktmbuf_mtod(m, const uint8_t *);
	int family;

	if (f[12] == 0x86 && f[13] == 0xdd && m->data_len >= ETH_HLEN + 48)
		family = 6;
	else if (f[12] == 0x08 && f[13] == 0x00 && m->data_len >= ETH_HLEN + 20)
		family = 4;
	else
		return false;
	const uint8_t *ip = f + ETH_HLEN, *dst = ip + (family == 4 ? 16 : 24);
	struct dp_fwd_ent *e = &fm->e[memo_slot(dst, family)];
	if (e->gen != fm->gen || !memo_same(e, dst, family))
		return false;
	/* RFC 4861: neighbour discovery is the slow path's (it learns from it), whoever it is for */
	if (family == 6 && ip[6] == IPPROTO_ICMPV6 && ip[40] >= 133 && ip[40] <= 137)
		return false;
	struct xlat_pkt xp;
	pkt_of(&xp, m, family);
	enum fwd_verdict v = fwd_process(&w->ctx[pidx], &xp, memo_route, e);
	/* the rare cases, and a next hop whose L2 header is not known: the general way (tx.c) */
	if (v != FV_FORWARD || xp.frag_size || xp.seg_size ||
	    (e->eth_gen != fm->nb_gen && !eth_refresh(fm, e, family))) {
		finish(w, m, pidx, family, v, &xp); /* m may be gone now */
		return true;
	}
	/* dp_send_eth() with the header remembered: the L2 header goes over the old one */
	m->data_off = (uint16_t)(xp.data - (uint8_t *)m->buf_addr - ETH_HLEN);
	m->data_len = (uint16_t)(xp.len + ETH_HLEN);
	m->pkt_len = m->data_len;
	memcpy(rte_pktmbuf_mtod(m, uint8_t *), e->eth, ETH_HLEN);
	m->port = e->port;
	dp_tx(w, m, e->port);
	return true;
}
