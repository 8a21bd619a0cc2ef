/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The fast path, inlined into the worker's loop (worker.c): the common case of
 * classify + translate + output in one pass over a burst (fp_burst_run(),
 * fp_burst()), with what it remembers across packets (struct fp_memo).
 * Everything else goes, untouched, to the general path (classify.c).
 */
#ifndef XLAT_DP_FASTPATH_H
#define XLAT_DP_FASTPATH_H

#include <string.h>

#include <rte_ethdev.h>

#include "worker.h"
#include "xlat_fast.h"

/*
 * What the fast path remembers. The translator's memo (xlat_fast.h: mappings,
 * routes, checksum parts, and so which destinations are not the box's own: the
 * ports' addresses are fixed at start) lives as long as the configuration
 * snapshot: values only, reset when the worker loads a snapshot of another
 * generation. The next hops' L2 headers live as long as the neighbour table
 * does not change (neigh_generation(), read once a round), so a neighbour
 * update reaches the fast path at the next round.
 */
struct fp_memo {
	struct xlat_fmemo x;
	uint64_t cfg_gen, fib_gen; /* the routes it remembers are those of one routing table generation (fib.c) */
	bool cfg_seen;
	uint64_t nb_gen; /* the neighbour table generation nb_* were derived in */
	bool nb_gw;
	int nb_family; /* the next hop's family; 0: none remembered (no frame has family 0) */
	uint32_t nb_nexthop;
	uint8_t nb_dst[16];  /* the destination the neighbour was derived from (unless nb_gw: a gateway's) */
	uint16_t nb_port, nb_port_id; /* the interface, and its DPDK port */
	bool nb_vlan;                 /* the interface is a VLAN sub-interface (dp_tx_vlan) */
	struct rte_ether_addr nb_mac;
	uint8_t nb_eth[RTE_ETHER_HDR_LEN]; /* the L2 header for that next hop, written as it is */
	struct dp_fwd_memo fwd; /* native forwarding's destinations (forward.c), the same lifetimes */
};

/* Once per poll round, with the snapshot and the routing table generation (fib_round()) the round uses. */
static inline void fp_memo_round(struct fp_memo *fm, const struct xlat_config *cfg, uint64_t fib_gen)
{
	if (!fm->cfg_seen || fm->cfg_gen != cfg->gen || fm->fib_gen != fib_gen) {
		xlat_fmemo_reset(&fm->x);
		fm->fwd.gen++;
		fm->fwd.n = 0;
		fm->cfg_gen = cfg->gen;
		fm->fib_gen = fib_gen;
		fm->cfg_seen = true;
		fm->nb_family = 0; /* its next hop is a route's: of the old table */
	}
	uint64_t ng = neigh_generation();
	if (fm->nb_gen != ng) {
		fm->nb_family = 0;
		fm->nb_gen = ng;
	}
	fm->fwd.nb_gen = ng;
}

#define FP_FORWARDED (-2) /* fp_translate(): native forwarding's fast case sent the frame (forward.c) */

/* The bytes of a 64-bit load from a frame that are its destination MAC (the first six in memory). */
static inline uint64_t fp_mac_mask(void)
{
	const uint8_t b[8] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0};
	uint64_t v;

	memcpy(&v, b, 8);
	return v;
}

/* Interface pidx's MAC as fp_translate() compares it (fp_mac_mask()'s bytes). */
static inline uint64_t fp_port_mac(unsigned pidx)
{
	uint64_t v = 0;

	memcpy(&v, g_dp.ports[pidx].mac.addr_bytes, RTE_ETHER_ADDR_LEN);
	return v;
}

/*
 * The fast path's frame checks: a frame for our MAC (mac: fp_port_mac(pidx)),
 * for an address that is not the box's, that the fast path may translate, in
 * *xp (its family: 6 or 4); owners: NAT64 with several workers, only the
 * flow's owner's (w->pre_owner, else asked). XF_SLOW with nothing changed
 * otherwise, FP_FORWARDED where native forwarding's fast case sent it; else 0.
 */
static inline __attribute__((always_inline)) int fp_prepare(struct dp_worker *w, struct fp_memo *fm,
							    struct rte_mbuf *m, unsigned pidx, struct xlat_pkt *xp,
							    uint64_t mac, bool owners)
{
	uint8_t *f = rte_pktmbuf_mtod(m, uint8_t *);
	uint32_t flen = m->data_len;
	uint64_t dst_mac;

	if (unlikely((m->nb_segs != 1) | (flen < ETH_HLEN + 20)))
		return XF_SLOW;
	memcpy(&dst_mac, f, 8); /* the destination MAC and the source's first two bytes */
	if ((dst_mac ^ mac) & fp_mac_mask())
		return XF_SLOW;
	/* a destination native forwarding remembers (none until it has forwarded something) */
	if (unlikely(fm->fwd.n) && dp_forward_fast(w, &fm->fwd, m, pidx))
		return FP_FORWARDED;
	xp->data = f + ETH_HLEN;
	xp->len = flen - ETH_HLEN;
	xp->headroom = rte_pktmbuf_headroom(m);
	xp->tailroom = 0; /* the fast paths do not read it (xlat_fast.h) */
	if (f[12] == 0x86 && f[13] == 0xdd) {
		const uint8_t *dst = xp->data + 24;
		if (flen < ETH_HLEN + 40 || dst[0] == 0xff)
			return XF_SLOW;
		/* the box's own addresses: xlat_fast64() asks ctx->own (dp_own), once per memo entry */
		xp->family = 6;
		/* NAT64 with several workers: only the flow's owner translates it (dp_dispatch()) */
		if (owners && (w->pre_owner >= 0 ? (unsigned)w->pre_owner
						 : nat64_owner6(w->ctx[pidx].cfg, xp->data + 8, g_dp.n_workers)) != w->index)
			return XF_SLOW;
		return 0;
	}
	if (f[12] == 0x08 && f[13] == 0x00) {
		/* multicast is the host's; so are the box's own addresses, which xlat_fast46() asks ctx->own
		 * about (NAT64: an address of the box's that pool4 shares is classified port by port, dp_classify()) */
		if ((xp->data[16] & 0xf0) == 0xe0)
			return XF_SLOW;
		xp->family = 4;
		/* NAT64 with several workers: only the owner of the pool4 port translates (dp_dispatch()) */
		if (owners &&
		    (flen < ETH_HLEN + 28 || xp->data[0] != 0x45 ||
		     (w->pre_owner >= 0 ? (unsigned)w->pre_owner
					: nat64_owner_ports(w->ctx[pidx].cfg, xp->data, xp->len, g_dp.n_workers)) != w->index))
			return XF_SLOW;
		return 0;
	}
	return XF_SLOW;
}

/* fp_prepare(), then xlat_fast64/46() (in place, into *xp): their verdict, XF_SLOW or FP_FORWARDED. */
static inline __attribute__((always_inline)) int fp_translate(struct dp_worker *w, struct fp_memo *fm,
							      struct rte_mbuf *m, unsigned pidx, struct xlat_pkt *xp,
							      uint64_t mac, bool owners)
{
	int r = fp_prepare(w, fm, m, pidx, xp, mac, owners);

	if (r)
		return r;
	return xp->family == 6 ? xlat_fast64(&w->ctx[pidx], xp, &fm->x) : xlat_fast46(&w->ctx[pidx], xp, &fm->x);
}

/* Whether the neighbour fp_neighbour() remembers is xp's next hop's, without asking (its fast case). */
static inline __attribute__((always_inline)) bool fp_neighbour_same(const struct fp_memo *fm,
								    const struct xlat_pkt *xp)
{
	return fm->nb_family == xp->family && fm->nb_nexthop == xp->route.nexthop &&
	       (fm->nb_gw || (xp->family == 4 ? memcmp(fm->nb_dst, xp->data + 16, 4) == 0
					      : xlat_same16(fm->nb_dst, xp->data + 24)));
}

/*
 * dp_output()'s neighbour lookup, remembered for the round: the next hop's L2
 * header in fm->nb_eth. False when the neighbour is unresolved: the frame has
 * gone to the slow path (META_RESOLVE).
 */
static inline __attribute__((always_inline)) bool fp_neighbour(struct dp_worker *w, struct fp_memo *fm,
							       struct rte_mbuf *m, const struct xlat_pkt *xp)
{
	int family = xp->family;
	const uint8_t *dst = xp->data + (family == 4 ? 16 : 24);
	unsigned alen = family == 4 ? 4 : 16;

	if (fp_neighbour_same(fm, xp))
		return true;
	uint8_t addr[16];
	uint16_t port;
	fib_neighbor_addr(xp->route.nexthop, family, dst, addr, &port);
	if (unlikely(!neigh_lookup(port, family, addr, &fm->nb_mac))) {
		fm->nb_family = 0;
		dp_to_slowpath(w, m, META_RESOLVE, port, family, addr);
		return false;
	}
	fm->nb_family = family;
	fm->nb_nexthop = xp->route.nexthop;
	fm->nb_port = port;
	fm->nb_port_id = g_dp.ports[port].port_id;
	fm->nb_vlan = g_dp.ports[port].is_vlan;
	/* the neighbour is not the destination: a gateway, the same for every destination of the next hop */
	fm->nb_gw = memcmp(addr, dst, alen) != 0;
	memcpy(fm->nb_dst, dst, alen);
	dp_eth_hdr(fm->nb_eth, &fm->nb_mac, port, dp_ethertype(family));
	return true;
}

/* dp_send_eth() with the L2 header fp_neighbour() remembered. */
static inline __attribute__((always_inline)) void fp_send(struct dp_worker *w, const struct fp_memo *fm,
							  struct rte_mbuf *m)
{
	if (unlikely(m->data_off < ETH_HLEN)) {
		dp_count(w, XLAT_NO_MBUF);
		rte_pktmbuf_free(m);
		return;
	}
	m->data_off = (uint16_t)(m->data_off - ETH_HLEN);
	m->data_len = (uint16_t)(m->data_len + ETH_HLEN);
	m->pkt_len += ETH_HLEN;
	memcpy(rte_pktmbuf_mtod(m, uint8_t *), fm->nb_eth, ETH_HLEN);
	m->port = fm->nb_port;
	m->ol_flags = 0;
	m->packet_type = 0;
	if (unlikely(fm->nb_vlan)) {
		dp_tx_vlan(w, m, fm->nb_port);
		return;
	}
	w->counters[XLAT_TX] += rte_eth_tx_buffer(fm->nb_port_id, (uint16_t)w->index, w->txb[fm->nb_port], m);
}

/*
 * A burst's translated frames for one next hop's interface, sent together
 * (fp_txq_flush): one rte_eth_tx_burst() of the array where the port's transmit
 * buffer holds nothing, instead of a buffer append per frame. Every other
 * frame of the burst waits for it to be flushed, so that frames leave in the
 * order they came.
 */
struct fp_txq {
	uint16_t n, port;
	struct rte_mbuf *m[DP_BURST];
};

static inline __attribute__((always_inline)) void fp_txq_flush(struct dp_worker *w, struct fp_txq *q)
{
	uint16_t n = q->n, port_id = g_dp.ports[q->port].port_id;
	struct rte_eth_dev_tx_buffer *b = w->txb[q->port];

	if (!n)
		return;
	q->n = 0;
	if (unlikely(b->length)) { /* what the general path buffered goes first */
		for (uint16_t i = 0; i < n; i++)
			w->counters[XLAT_TX] += rte_eth_tx_buffer(port_id, (uint16_t)w->index, b, q->m[i]);
		return;
	}
	DP_PHASE_START(t_tx);
	uint16_t sent = rte_eth_tx_burst(port_id, (uint16_t)w->index, q->m, n);
	DP_PHASE_ADD(w, DP_PH_TX, t_tx);
	w->counters[XLAT_TX] += sent;
	if (unlikely(sent < n)) { /* as the transmit buffers' callback does (worker.c): counted, freed */
		w->counters[XLAT_TX_DROP] += n - sent;
		rte_pktmbuf_free_bulk(q->m + sent, n - sent);
	}
}

/*
 * fp_send() into the burst's queue: the frame (translated, forwarded: xp) gets
 * the L2 header fp_neighbour() remembered and its mbuf fields in one go. False
 * where the queue cannot take it (a VLAN sub-interface, no headroom): the
 * caller flushes the queue and sends it with fp_send().
 */
static inline __attribute__((always_inline)) bool fp_stage(struct dp_worker *w, const struct fp_memo *fm,
							   struct rte_mbuf *m, const struct xlat_pkt *xp,
							   struct fp_txq *q)
{
	uint8_t *eh = xp->data - ETH_HLEN;

	if (unlikely(fm->nb_vlan || eh < (uint8_t *)m->buf_addr))
		return false;
	if (unlikely(q->port != fm->nb_port)) {
		fp_txq_flush(w, q);
		q->port = fm->nb_port;
	}
	m->data_off = (uint16_t)(eh - (uint8_t *)m->buf_addr);
	m->data_len = (uint16_t)(xp->len + ETH_HLEN);
	m->pkt_len = xp->len + ETH_HLEN;
	memcpy(eh, fm->nb_eth, ETH_HLEN);
	m->port = fm->nb_port;
	m->ol_flags = 0;
	m->packet_type = 0;
	q->m[q->n++] = m;
	return true;
}

/*
 * A frame the fast path translated (v: its verdict, xp: the result) out: a
 * forwarded whole datagram for a known neighbour into the burst's queue, the
 * rest (a refused NAT64 flow, fragments, a VLAN sub-interface, a neighbour to
 * look up) after the queue is flushed.
 */
static inline __attribute__((always_inline)) void fp_out(struct dp_worker *w, struct fp_memo *fm, struct rte_mbuf *m,
							 struct xlat_pkt *xp, int v, struct fp_txq *q)
{
	if (likely(v == XV_FORWARD) && likely(!xp->frag_size)) {
		if (unlikely(!fp_neighbour_same(fm, xp))) {
			fp_txq_flush(w, q);
			if (!fp_neighbour(w, fm, m, xp))
				return;
		}
		if (likely(fp_stage(w, fm, m, xp, q)))
			return;
		/* a VLAN sub-interface's next hop, or no headroom: fp_send() below */
	}
	fp_txq_flush(w, q);
	if (v == XV_DROP) { /* NAT64: a flow refused after the translator committed (counted) */
		rte_pktmbuf_free(m);
		return;
	}
	/* also NAT64: a refused flow's ICMPv6 error (XV_REPLY), or 4->6 with DF clear longer than the IPv6 MTU */
	m->data_off = (uint16_t)(xp->data - (uint8_t *)m->buf_addr);
	m->data_len = (uint16_t)xp->len;
	m->pkt_len = xp->len;
	if (unlikely(xp->frag_size))
		dp_output_fragments(w, m, xp);
	else if (fp_neighbour(w, fm, m, xp))
		fp_send(w, fm, m);
}

/*
 * The common case (xlat_fast.h) of dp_classify() + dp_translate() + dp_output()
 * (fp_translate(), fp_out()), and dp_classify() for what it declines, over a
 * received burst of interface pidx, frame by frame: pif, each frame's interface on a port
 * that carries VLANs; owner, each frame's NAT64 owner (several workers);
 * hints: NAT64's burst lookup was done (nat64_hint() before each frame).
 * handed: the frames came from this worker's handoff ring (nat64_round()):
 * another worker classified them for this one, so no owner test, and what the
 * fast path declines goes straight to dp_translate() (dp_meta(): its family).
 * fp_burst_run() is the common case's.
 */
static inline __attribute__((always_inline)) void fp_burst(struct dp_worker *w, struct fp_memo *fm,
							   struct rte_mbuf **pkts, uint16_t n, unsigned pidx,
							   const uint8_t *pif, const int16_t *owner, bool hints,
							   const struct xlat_config *cfg, bool try_fast, uint64_t now,
							   bool handed)
{
	struct fp_txq q;
	const bool owned = owner != NULL; /* rx_port() hands owners where NAT64 has several workers */

	q.n = 0;
	q.port = 0;
	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		unsigned pi = pif != NULL ? pif[i] : pidx;
		struct xlat_pkt xp;
		int v = XF_SLOW;

		if (i + 1 < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 1], void *));
		if (hints)
			nat64_hint(&w->ctx[pi], i);
		w->pre_owner = owner != NULL ? owner[i] : -1;
		if (try_fast)
			v = fp_translate(w, fm, m, pi, &xp, fp_port_mac(pi), owned);
		if (v == FP_FORWARDED)
			continue;
		if (v == XF_SLOW) {
			fp_txq_flush(w, &q);
			if (handed)
				dp_translate(w, m, pi, dp_meta(m)->family, now);
			else
				dp_classify(w, m, pi, cfg, now);
			continue;
		}
		fp_out(w, fm, m, &xp, v, &q);
	}
	fp_txq_flush(w, &q);
	w->pre_owner = -1;
}

#define FP_SENT 1 /* fp_burst_run(): an xlat_pkt family that says native forwarding sent the frame */

/*
 * fp_burst() for a port without VLANs whose worker translates every flow it
 * receives (no NAT64 owners), the translator's fast path enabled: the frames'
 * checks first (fp_prepare), then the burst through xlat_fast_run() (one call
 * for the whole run of frames it takes), each frame out as it comes back; a
 * frame it declines goes to dp_classify() before the frames after it are
 * translated, so that the order is a frame-by-frame loop's. (Native
 * forwarding's fast case sends its frames during the checks, ahead of the
 * translated frames of the same burst: other flows, other destinations.)
 */
static inline __attribute__((always_inline)) void fp_burst_run(struct dp_worker *w, struct fp_memo *fm,
							       struct rte_mbuf **pkts, uint16_t n, unsigned pidx,
							       bool hints, const struct xlat_config *cfg, uint64_t now)
{
	struct xlat_ctx *ctx = &w->ctx[pidx];
	struct xlat_pkt xp[DP_BURST];
	uint8_t v[DP_BURST];
	struct fp_txq q;
	const uint64_t mac = fp_port_mac(pidx);

	DP_PHASE_START(t_check);
	for (uint16_t i = 0; i < n; i++) {
		if (i + 1 < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 1], void *));
		int r = fp_prepare(w, fm, pkts[i], pidx, &xp[i], mac, false);
		if (r)
			xp[i].family = r == FP_FORWARDED ? FP_SENT : 0; /* xlat_fast_run() declines both */
	}
	DP_PHASE_ADD(w, DP_PH_CHECK, t_check);
	q.n = 0;
	q.port = 0;
	for (unsigned i = 0; i < n; i++) {
		DP_PHASE_START(t_xlat);
		unsigned k = xlat_fast_run(ctx, xp + i, n - i, &fm->x, v + i, hints ? (int)i : -1);
		DP_PHASE_ADD(w, DP_PH_XLAT, t_xlat);
		DP_PHASE_START(t_out); /* (a transmit queue flushed here, for another next hop, counts in both) */
		for (unsigned end = i + k; i < end; i++)
			fp_out(w, fm, pkts[i], &xp[i], v[i], &q);
		DP_PHASE_ADD(w, DP_PH_OUT, t_out);
		if (i == n)
			break;
		if (xp[i].family == FP_SENT)
			continue;
		fp_txq_flush(w, &q);
		if (hints)
			nat64_hint(ctx, i);
		dp_classify(w, pkts[i], pidx, cfg, now);
	}
	fp_txq_flush(w, &q);
}

#endif
