/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The fast path: rx burst -> classify -> translate in place -> route ->
 * neighbour -> tx buffer. No locks, syscalls, allocation or printing here
 * (except mbufs for the rare IPv6 fragmentation case).
 */
#include <string.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_memcpy.h>
#include <rte_prefetch.h>

#include "dp.h"
#include "xlat_fast.h"

#define ETH_HLEN 14

static inline void cnt(struct dp_worker *w, enum xlat_stat s)
{
	w->counters[s]++;
}

/* dp_tx() for a VLAN sub-interface: its 802.1Q tag added, sent on its parent's port (out of line: rare). */
static __rte_noinline void dp_tx_vlan(struct dp_worker *w, struct rte_mbuf *m, unsigned iface)
{
	const struct dp_port *pt = &g_dp.ports[iface];

	m->vlan_tci = pt->vlan;
	if (rte_vlan_insert(&m) != 0) {
		cnt(w, XLAT_NO_MBUF);
		rte_pktmbuf_free(m);
		return;
	}
	w->if_tx[iface]++;
	w->if_tx_bytes[iface] += m->pkt_len;
	w->counters[XLAT_TX] +=
		rte_eth_tx_buffer(g_dp.ports[pt->phys].port_id, (uint16_t)w->index, w->txb[pt->phys], m);
}

/*
 * A frame with its Ethernet header leaves through interface iface: a VLAN
 * sub-interface adds its 802.1Q tag and sends on its parent's port.
 */
static inline void dp_tx(struct dp_worker *w, struct rte_mbuf *m, unsigned iface)
{
	m->ol_flags = 0;
	m->packet_type = 0;
	if (unlikely(g_dp.ports[iface].is_vlan)) {
		dp_tx_vlan(w, m, iface);
		return;
	}
	w->counters[XLAT_TX] += rte_eth_tx_buffer(g_dp.ports[iface].port_id, (uint16_t)w->index, w->txb[iface], m);
}

void dp_send_eth(struct dp_worker *w, struct rte_mbuf *m, uint16_t port, const struct rte_ether_addr *dst,
		 uint16_t ethertype)
{
	struct rte_ether_hdr *eh = (struct rte_ether_hdr *)rte_pktmbuf_prepend(m, ETH_HLEN);

	if (unlikely(!eh)) {
		cnt(w, XLAT_NO_MBUF);
		rte_pktmbuf_free(m);
		return;
	}
	rte_ether_addr_copy(dst, &eh->dst_addr);
	rte_ether_addr_copy(&g_dp.ports[port].mac, &eh->src_addr);
	eh->ether_type = rte_cpu_to_be_16(ethertype);
	m->port = port;
	dp_tx(w, m, port);
}

static void slow_enqueue(struct dp_worker *w, struct rte_mbuf *m, uint8_t reason, uint16_t port, int family,
			 const uint8_t *addr)
{
	struct dp_meta *meta = dp_meta(m);

	meta->reason = reason;
	meta->port = port;
	meta->family = (uint8_t)family;
	if (addr)
		memcpy(meta->addr, addr, 16);
	if (rte_ring_enqueue(g_dp.to_slow, m) != 0) {
		cnt(w, XLAT_HOST_QUEUE_FULL);
		rte_pktmbuf_free(m);
		return;
	}
	cnt(w, reason == META_HOST ? XLAT_TO_HOST : XLAT_RESOLVE_HELD);
}

/*
 * A TCP super-frame for the host (a peer's TSO segment to one of the box's
 * addresses): the TAP takes frames of the port's MTU only, so it is cut as the
 * sender's NIC would have (lib/tso.c) and each segment queued for the host. A
 * longer datagram of any other kind cannot be cut (counted, dropped).
 */
static void host_segments(struct dp_worker *w, struct rte_mbuf *m, uint16_t port, int family)
{
	struct xlat_pkt xp = {
		.data = rte_pktmbuf_mtod_offset(m, uint8_t *, ETH_HLEN),
		.len = m->data_len - ETH_HLEN,
		.family = family,
		.seg_size = g_dp.ports[port].mtu,
	};
	unsigned n = xlat_tso_count(&xp);

	if (!n)
		cnt(w, XLAT_GSO_REFUSED);
	for (unsigned i = 0; i < n; i++) {
		struct rte_mbuf *f = rte_pktmbuf_alloc(g_dp.pool);
		if (unlikely(!f) || rte_pktmbuf_tailroom(f) < ETH_HLEN + xp.seg_size) {
			rte_pktmbuf_free(f);
			cnt(w, XLAT_NO_MBUF);
			break;
		}
		uint8_t *d = rte_pktmbuf_mtod(f, uint8_t *);
		memcpy(d, rte_pktmbuf_mtod(m, const uint8_t *), ETH_HLEN);
		uint32_t len = ETH_HLEN + xlat_tso_write(&xp, i, d + ETH_HLEN);
		f->data_len = (uint16_t)len;
		f->pkt_len = len;
		cnt(w, XLAT_GSO_SEGMENTS);
		slow_enqueue(w, f, META_HOST, port, family, NULL);
	}
	rte_pktmbuf_free(m);
}

static void to_slowpath(struct dp_worker *w, struct rte_mbuf *m, uint8_t reason, uint16_t port, int family,
			const uint8_t *addr)
{
	if (reason == META_HOST) {
		/* frames for the host pass a per-worker rate limit (dataplane.exception-pps) before the shared queue */
		if (unlikely(!exception_admit(w->index, m))) {
			cnt(w, XLAT_EXC_RATE_LIMITED);
			rte_pktmbuf_free(m);
			return;
		}
		if (unlikely(m->data_len > ETH_HLEN + g_dp.ports[port].mtu) && (family == 4 || family == 6)) {
			host_segments(w, m, port, family);
			return;
		}
		/* a TCP/UDP checksum the sender left partial, finished: the TAP carries no flag that says so */
		if ((family == 4 || family == 6) && m->data_len > ETH_HLEN &&
		    xlat_csum_finish_partial(rte_pktmbuf_mtod_offset(m, uint8_t *, ETH_HLEN), m->data_len - ETH_HLEN,
					     family))
			cnt(w, XLAT_CSUM_PARTIAL);
	}
	slow_enqueue(w, m, reason, port, family, addr);
}

/* m holds one IP datagram (no L2) that must leave through route nexthop. */
static void output(struct dp_worker *w, struct rte_mbuf *m, int family, uint32_t nexthop)
{
	const uint8_t *ip = rte_pktmbuf_mtod(m, const uint8_t *);
	uint8_t addr[16];
	uint16_t port;
	struct rte_ether_addr mac;

	fib_neighbor_addr(nexthop, family, family == 4 ? ip + 16 : ip + 24, addr, &port);
	if (unlikely(!neigh_lookup(port, family, addr, &mac))) {
		to_slowpath(w, m, META_RESOLVE, port, family, addr);
		return;
	}
	dp_send_eth(w, m, port, &mac, family == 4 ? RTE_ETHER_TYPE_IPV4 : RTE_ETHER_TYPE_IPV6);
}

/* RFC 7915 4.1: cut a translated IPv6 packet into fragments of at most xp->frag_size bytes. */
static void output_fragments(struct dp_worker *w, struct rte_mbuf *m, const struct xlat_pkt *xp)
{
	unsigned n = xlat_frag6_count(xp);

	for (unsigned i = 0; i < n; i++) {
		struct rte_mbuf *f = rte_pktmbuf_alloc(g_dp.pool);
		if (unlikely(!f)) {
			cnt(w, XLAT_NO_MBUF);
			break;
		}
		rte_pktmbuf_reset_headroom(f);
		if (rte_pktmbuf_tailroom(f) < xp->frag_size) {
			rte_pktmbuf_free(f);
			cnt(w, XLAT_NO_MBUF);
			break;
		}
		uint32_t len = xlat_frag6_write(xp, i, rte_pktmbuf_mtod(f, uint8_t *));
		f->data_len = (uint16_t)len;
		f->pkt_len = len;
		cnt(w, XLAT_FRAG6_OUT);
		output(w, f, 6, xp->route.nexthop);
	}
	rte_pktmbuf_free(m);
}

/*
 * A translated TCP super-frame (xlat.h: xp->seg_size) cut into segments that
 * fit the egress MTU, each in a packet pool mbuf; the super-frame's own
 * buffer goes back at once.
 */
static void output_segments(struct dp_worker *w, struct rte_mbuf *m, const struct xlat_pkt *xp)
{
	unsigned n = xlat_tso_count(xp);

	if (unlikely(!n)) /* an egress MTU too small for the headers */
		cnt(w, XLAT_GSO_REFUSED);
	for (unsigned i = 0; i < n; i++) {
		struct rte_mbuf *f = rte_pktmbuf_alloc(g_dp.pool);
		if (unlikely(!f)) {
			cnt(w, XLAT_NO_MBUF);
			break;
		}
		if (rte_pktmbuf_tailroom(f) < xp->seg_size) {
			rte_pktmbuf_free(f);
			cnt(w, XLAT_NO_MBUF);
			break;
		}
		uint32_t len = xlat_tso_write(xp, i, rte_pktmbuf_mtod(f, uint8_t *));
		f->data_len = (uint16_t)len;
		f->pkt_len = len;
		cnt(w, XLAT_GSO_SEGMENTS);
		output(w, f, xp->family, xp->route.nexthop);
	}
	rte_pktmbuf_free(m);
}

static void dispatch(struct dp_worker *w, struct rte_mbuf *m, unsigned pidx, int family,
		     const struct xlat_config *cfg, uint64_t now);

static inline uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void translate(struct dp_worker *w, struct rte_mbuf *m, unsigned pidx, int family, uint64_t now)
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
		/* RFC 6146 3.8 hairpinning: back in as if it had arrived on the IPv4 side */
		uint8_t *eh = (uint8_t *)rte_pktmbuf_prepend(m, ETH_HLEN);
		if (!eh) {
			cnt(w, XLAT_NO_MBUF);
			rte_pktmbuf_free(m);
			return;
		}
		eh[12] = 0x08;
		eh[13] = 0x00;
		nat64_hairpin_reenter(eh + ETH_HLEN);
		cnt(w, XLAT_HAIRPIN);
		dispatch(w, m, pidx, 4, ctx->cfg, now);
		return;
	}
	if (unlikely(xp.frag_size)) {
		output_fragments(w, m, &xp);
		return;
	}
	if (unlikely(xp.seg_size)) {
		output_segments(w, m, &xp);
		return;
	}
	output(w, m, xp.family, xp.route.nexthop);
}

/*
 * The burst's handoffs, to each owner's ring in one enqueue (one CAS on a
 * multi-producer ring, not one per packet). What a full ring does not take
 * stays here, and worker_main() polls no new frames until it has gone: a busy
 * owner slows its senders down (the NIC queues, then drops, at no CPU cost)
 * instead of having them receive, classify and then drop. Nothing waits on
 * anything but the owner's own loop, which empties its ring every round.
 */
static void handoff_flush(struct dp_worker *w)
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

static bool handoff_give_up(struct dp_worker *w, uint64_t now)
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

/* NAT64 flows are translated by the worker that owns their state; others are handed to it. */
static void dispatch(struct dp_worker *w, struct rte_mbuf *m, unsigned pidx, int family,
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
				handoff_flush(w);
			if (unlikely(w->n_ho == RTE_DIM(w->ho))) { /* the owner is not keeping up */
				cnt(w, XLAT_HANDOFF_FULL);
				rte_pktmbuf_free(m);
				return;
			}
			w->ho[w->n_ho] = m;
			w->ho_to[w->n_ho++] = (uint16_t)o;
			return;
		}
	}
	translate(w, m, pidx, family, now);
}

/*
 * A frame as long as the port's receive buffers (dp_port.rx_cap) whose IP
 * header says it was longer: the port cut it (af_packet with frames smaller
 * than a sender's super-frame). Told apart from a malformed packet, which the
 * translator counts as such, so that the operator learns what to change
 * (ports_watch).
 */
static bool cut_by_port(const uint8_t *f, uint32_t flen, uint16_t et)
{
	if (et == RTE_ETHER_TYPE_IPV6 && flen >= ETH_HLEN + 40)
		return ETH_HLEN + 40u + rd16(f + ETH_HLEN + 4) > flen;
	if (et == RTE_ETHER_TYPE_IPV4 && flen >= ETH_HLEN + 20)
		return ETH_HLEN + (uint32_t)rd16(f + ETH_HLEN + 2) > flen;
	return false;
}

/* Classify: translate what is ours, hand the box's own traffic to the slow path, drop the rest (counted). */
static void handle(struct dp_worker *w, struct rte_mbuf *m, unsigned pidx, const struct xlat_config *cfg, uint64_t now)
{
	const uint8_t *f = rte_pktmbuf_mtod(m, const uint8_t *);
	uint32_t flen = m->data_len;

	if (unlikely(m->nb_segs != 1)) {
		cnt(w, XLAT_RX_MULTISEG);
		goto drop;
	}
	if (unlikely(flen < ETH_HLEN)) {
		cnt(w, XLAT_RX_BAD_L2);
		goto drop;
	}
	/* Unicast frames for other stations (promiscuous ports, shared segments) are not ours. */
	if (!(f[0] & 1) && !rte_is_same_ether_addr((const struct rte_ether_addr *)f, &g_dp.ports[pidx].mac)) {
		cnt(w, XLAT_NOT_OURS);
		goto drop;
	}
	uint16_t et = (uint16_t)(f[12] << 8 | f[13]);
	if (unlikely(flen >= g_dp.ports[pidx].rx_cap) && cut_by_port(f, flen, et)) {
		cnt(w, XLAT_RX_TRUNCATED);
		goto drop;
	}
	if (et == RTE_ETHER_TYPE_IPV6) {
		if (unlikely(flen < ETH_HLEN + 40)) {
			cnt(w, JSTAT_SKB_TRUNCATED);
			goto drop;
		}
		const uint8_t *ip = f + ETH_HLEN, *dst = ip + 24;
		if (dst[0] == 0xff || dp_is_own6(&g_dp, dst) ||
		    (ip[6] == 58 && flen > ETH_HLEN + 40 && ip[40] >= 133 && ip[40] <= 137)) {
			to_slowpath(w, m, META_HOST, (uint16_t)pidx, 6, NULL);
			return;
		}
		if (likely(xlat_wants6(cfg, dst))) {
			dispatch(w, m, pidx, 6, cfg, now);
			return;
		}
		cnt(w, XLAT_NOT_OURS);
		goto drop;
	}
	if (et == RTE_ETHER_TYPE_IPV4) {
		if (unlikely(flen < ETH_HLEN + 20)) {
			cnt(w, JSTAT_SKB_TRUNCATED);
			goto drop;
		}
		uint32_t dst;
		memcpy(&dst, f + ETH_HLEN + 16, 4);
		if (cfg->mode == XLAT_MODE_NAT64 && nat64_pool4_has(cfg, dst) &&
		    (!dp_is_own4(&g_dp, dst) || nat64_claims4(cfg, f + ETH_HLEN, flen - ETH_HLEN))) {
			dispatch(w, m, pidx, 4, cfg, now);
			return;
		}
		if (dp_is_own4(&g_dp, dst) || (f[ETH_HLEN + 16] & 0xf0) == 0xe0) {
			to_slowpath(w, m, META_HOST, (uint16_t)pidx, 4, NULL);
			return;
		}
		if (likely(xlat_wants4(cfg, dst))) {
			dispatch(w, m, pidx, 4, cfg, now);
			return;
		}
		cnt(w, XLAT_NOT_OURS);
		goto drop;
	}
	/* 802.1Q/802.1ad on a port that carries no VLANs (vlan_demux() takes those of the ones that do) */
	if (et == RTE_ETHER_TYPE_VLAN || et == RTE_ETHER_TYPE_QINQ) {
		cnt(w, XLAT_VLAN_UNKNOWN);
		goto drop;
	}
	/* ARP and anything else non-IP belongs to the host side. */
	to_slowpath(w, m, META_HOST, (uint16_t)pidx, 0, NULL);
	return;
drop:
	rte_pktmbuf_free(m);
}

/*
 * What the fast path remembers. The translator's memo (xlat_fast.h: mappings,
 * routes, checksum parts, and so which destinations are not the box's own: the
 * ports' addresses are fixed at start) lives as long as the configuration
 * snapshot: values only, reset when the worker loads a snapshot of another
 * generation. The next hop's MAC lives one poll round, so a neighbour update
 * reaches the fast path within a round.
 */
struct fp_memo {
	struct xlat_fmemo x;
	uint64_t cfg_gen;
	bool cfg_seen;
	bool nb_ok, nb_gw;
	int nb_family;
	uint32_t nb_nexthop;
	uint8_t nb_dst[16];  /* the destination the neighbour was derived from (unless nb_gw: a gateway's) */
	uint16_t nb_port, nb_port_id; /* the interface, and its DPDK port */
	bool nb_vlan;                 /* the interface is a VLAN sub-interface (dp_tx_vlan) */
	struct rte_ether_addr nb_mac;
	uint8_t nb_eth[RTE_ETHER_HDR_LEN]; /* the L2 header for that next hop, written as it is */
};

/* Once per poll round, with the snapshot the round uses. */
static inline void fp_memo_round(struct fp_memo *fm, const struct xlat_config *cfg)
{
	if (!fm->cfg_seen || fm->cfg_gen != cfg->gen) {
		xlat_fmemo_reset(&fm->x);
		fm->cfg_gen = cfg->gen;
		fm->cfg_seen = true;
	}
	fm->nb_ok = false;
}

/*
 * The common case (xlat_fast.h) of handle() + translate() + output(): a frame
 * for our MAC, for an address that is not the box's, that xlat_fast64/46()
 * translate. Returns false with nothing changed otherwise, and handle() takes
 * the frame (classification, counters, every other case).
 */
static inline __attribute__((always_inline)) bool fast(struct dp_worker *w, struct fp_memo *fm, struct rte_mbuf *m,
							 unsigned pidx)
{
	uint8_t *f = rte_pktmbuf_mtod(m, uint8_t *);
	uint32_t flen = m->data_len;
	struct xlat_ctx *ctx = &w->ctx[pidx];
	struct xlat_pkt xp;
	int family, v;

	if (unlikely(m->nb_segs != 1 || flen < ETH_HLEN + 20) ||
	    !rte_is_same_ether_addr((const struct rte_ether_addr *)f, &g_dp.ports[pidx].mac))
		return false;
	xp.data = f + ETH_HLEN;
	xp.len = flen - ETH_HLEN;
	xp.headroom = rte_pktmbuf_headroom(m);
	xp.tailroom = rte_pktmbuf_tailroom(m);
	if (f[12] == 0x86 && f[13] == 0xdd) {
		const uint8_t *dst = xp.data + 24;
		if (flen < ETH_HLEN + 40 || dst[0] == 0xff)
			return false;
		/* the box's own addresses: xlat_fast64() asks ctx->own (dp_own), once per memo entry */
		xp.family = 6;
		/* NAT64 with several workers: only the flow's owner translates it (dispatch()) */
		if (ctx->cfg->mode == XLAT_MODE_NAT64 && g_dp.n_workers > 1 &&
		    (w->pre_owner >= 0 ? (unsigned)w->pre_owner : nat64_owner6(ctx->cfg, xp.data + 8, g_dp.n_workers)) !=
			    w->index)
			return false;
		v = xlat_fast64(ctx, &xp, &fm->x);
		if (v == XF_SLOW)
			return false;
	} else if (f[12] == 0x08 && f[13] == 0x00) {
		/* multicast is the host's; so are the box's own addresses, which xlat_fast46() asks ctx->own
		 * about (NAT64: an address of the box's that pool4 shares is classified port by port, handle()) */
		if ((xp.data[16] & 0xf0) == 0xe0)
			return false;
		xp.family = 4;
		/* NAT64 with several workers: only the owner of the pool4 port translates (dispatch()) */
		if (ctx->cfg->mode == XLAT_MODE_NAT64 && g_dp.n_workers > 1 &&
		    (flen < ETH_HLEN + 28 || xp.data[0] != 0x45 ||
		     (w->pre_owner >= 0 ? (unsigned)w->pre_owner
					: nat64_owner_ports(ctx->cfg, xp.data, xp.len, g_dp.n_workers)) != w->index))
			return false;
		v = xlat_fast46(ctx, &xp, &fm->x);
		if (v == XF_SLOW)
			return false;
	} else {
		return false;
	}
	if (v == XV_DROP) { /* NAT64: a flow refused after the translator committed (counted) */
		rte_pktmbuf_free(m);
		return true;
	}
	m->data_off = (uint16_t)(xp.data - (uint8_t *)m->buf_addr);
	m->data_len = (uint16_t)xp.len;
	m->pkt_len = xp.len;
	if (unlikely(xp.frag_size)) { /* NAT64 4->6, DF clear, larger than the IPv6 MTU */
		output_fragments(w, m, &xp);
		return true;
	}
	/* output(), with the next hop's MAC remembered for the round */
	family = xp.family;
	const uint8_t *dst = xp.data + (family == 4 ? 16 : 24);
	unsigned alen = family == 4 ? 4 : 16;
	if (!fm->nb_ok || fm->nb_nexthop != xp.route.nexthop || fm->nb_family != family ||
	    (!fm->nb_gw && (family == 4 ? memcmp(fm->nb_dst, dst, 4) != 0 : !xlat_same16(fm->nb_dst, dst)))) {
		uint8_t addr[16];
		uint16_t port;
		fib_neighbor_addr(xp.route.nexthop, family, dst, addr, &port);
		if (unlikely(!neigh_lookup(port, family, addr, &fm->nb_mac))) {
			fm->nb_ok = false;
			to_slowpath(w, m, META_RESOLVE, port, family, addr);
			return true;
		}
		fm->nb_ok = true;
		fm->nb_family = family;
		fm->nb_nexthop = xp.route.nexthop;
		fm->nb_port = port;
		fm->nb_port_id = g_dp.ports[port].port_id;
		fm->nb_vlan = g_dp.ports[port].is_vlan;
		/* the neighbour is not the destination: a gateway, the same for every destination of the next hop */
		fm->nb_gw = memcmp(addr, dst, alen) != 0;
		memcpy(fm->nb_dst, dst, alen);
		struct rte_ether_hdr *eh = (struct rte_ether_hdr *)fm->nb_eth;
		rte_ether_addr_copy(&fm->nb_mac, &eh->dst_addr);
		rte_ether_addr_copy(&g_dp.ports[port].mac, &eh->src_addr);
		eh->ether_type = rte_cpu_to_be_16(family == 4 ? RTE_ETHER_TYPE_IPV4 : RTE_ETHER_TYPE_IPV6);
	}
	/* dp_send_eth() with the header remembered */
	if (unlikely(m->data_off < ETH_HLEN)) {
		cnt(w, XLAT_NO_MBUF);
		rte_pktmbuf_free(m);
		return true;
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
		return true;
	}
	w->counters[XLAT_TX] += rte_eth_tx_buffer(fm->nb_port_id, (uint16_t)w->index, w->txb[fm->nb_port], m);
	return true;
}

/* RFC 6146 3.5.2.2: IPv4 SYNs held 6 s with no IPv6 side: ICMP port unreachable, from the port's address. */
static void stored_syns_expire(struct dp_worker *w, const struct xlat_config *cfg, uint64_t now)
{
	uint8_t buf[256];
	uint32_t len;
	unsigned pidx = 0;

	for (unsigned p = 0; p < g_dp.n_ports; p++) {
		if (g_dp.ports[p].has4) {
			pidx = p;
			break;
		}
	}
	while ((len = nat64_so_expired(w->nat, now / 1000000u, buf)) != 0) {
		struct rte_mbuf *m = rte_pktmbuf_alloc(g_dp.pool);
		if (!m) {
			cnt(w, XLAT_NO_MBUF);
			return;
		}
		uint8_t *d = rte_pktmbuf_mtod(m, uint8_t *);
		memcpy(d, buf, len);
		struct xlat_pkt xp = {
			.data = d, .len = len, .headroom = rte_pktmbuf_headroom(m),
			.tailroom = rte_pktmbuf_tailroom(m) - len, .family = 4,
		};
		struct xlat_ctx *ctx = &w->ctx[pidx];
		ctx->cfg = cfg;
		ctx->now_ns = now;
		if (nat64_so_reply(ctx, &xp) != XV_REPLY) {
			rte_pktmbuf_free(m);
			continue;
		}
		m->data_off = (uint16_t)(xp.data - (uint8_t *)m->buf_addr);
		m->data_len = (uint16_t)xp.len;
		m->pkt_len = xp.len;
		if (nat64_hairpin(cfg, &xp)) {
			/* the SYN was hairpinned (an IPv6 host's, RFC 6146 3.8): its error goes back the same way, to
			 * be translated through that host's session into ICMPv6 */
			uint8_t *eh = (uint8_t *)rte_pktmbuf_prepend(m, ETH_HLEN);
			if (!eh) {
				cnt(w, XLAT_NO_MBUF);
				rte_pktmbuf_free(m);
				continue;
			}
			eh[12] = 0x08;
			eh[13] = 0x00;
			cnt(w, XLAT_HAIRPIN);
			dispatch(w, m, pidx, 4, cfg, now);
			continue;
		}
		output(w, m, 4, xp.route.nexthop);
	}
}

/*
 * NAT64: a burst's sessions looked up at once (lib's bulk lookup; their cache
 * misses overlap), before its packets go through handle() one by one, each
 * with nat64_hint(). Frames from the handoff ring carry their L2 header too.
 */
static void nat64_burst(struct xlat_ctx *ctx, struct rte_mbuf **pkts, uint16_t n, const int16_t *owner, unsigned self)
{
	const uint8_t *l3[DP_BURST];
	uint32_t len[DP_BURST];

	for (uint16_t i = 0; i < n; i++) {
		const uint8_t *f = rte_pktmbuf_mtod(pkts[i], const uint8_t *);
		uint32_t flen = pkts[i]->data_len;
		uint16_t et = flen > ETH_HLEN ? (uint16_t)(f[12] << 8 | f[13]) : 0;

		l3[i] = et == RTE_ETHER_TYPE_IPV6 || et == RTE_ETHER_TYPE_IPV4 ? f + ETH_HLEN : NULL;
		/* another worker's flow: its owner looks it up, not us */
		if (owner && owner[i] >= 0 && (unsigned)owner[i] != self)
			l3[i] = NULL;
		len[i] = l3[i] ? flen - ETH_HLEN : 0;
	}
	nat64_lookup_burst(ctx, l3, len, n);
}

/*
 * NAT64 with several workers: the owner of each frame of a burst where it can
 * be told without side effects (nat64_owner(), which remembers where a first
 * fragment went: fragments are left to dispatch()), -1 for those and non-IP.
 */
static void frame_owners(struct xlat_ctx *ctx, struct rte_mbuf **pkts, uint16_t n, int16_t *owner)
{
	for (uint16_t i = 0; i < n; i++) {
		const uint8_t *f = rte_pktmbuf_mtod(pkts[i], const uint8_t *), *ip = f + ETH_HLEN;
		uint32_t flen = pkts[i]->data_len;

		owner[i] = -1;
		if (flen >= ETH_HLEN + 40 && f[12] == 0x86 && f[13] == 0xdd)
			owner[i] = (int16_t)nat64_owner(ctx, ip, flen - ETH_HLEN, 6, g_dp.n_workers);
		else if (flen >= ETH_HLEN + 20 && f[12] == 0x08 && f[13] == 0x00 && !(rd16(ip + 6) & 0x3fff))
			owner[i] = (int16_t)nat64_owner(ctx, ip, flen - ETH_HLEN, 4, g_dp.n_workers);
	}
}

/*
 * A port that receives into long buffers (af_packet taking 64 KiB super-frames
 * whole, port.c): what fits a packet pool mbuf moves there at once, so that
 * its few long buffers are held only by super-frames, for as long as it takes
 * to cut them. Where the pool is empty the frame keeps its long buffer.
 */
static void rx_copy_out(struct rte_mbuf **pkts, uint16_t n)
{
	const uint32_t room = rte_pktmbuf_data_room_size(g_dp.pool) - RTE_PKTMBUF_HEADROOM;

	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i], *c;
		if (m->data_len > room || m->nb_segs != 1 || !(c = rte_pktmbuf_alloc(g_dp.pool)))
			continue;
		rte_memcpy(rte_pktmbuf_mtod(c, void *), rte_pktmbuf_mtod(m, const void *), m->data_len);
		c->data_len = m->data_len;
		c->pkt_len = m->pkt_len;
		c->port = m->port;
		rte_pktmbuf_free(m);
		pkts[i] = c;
	}
}

/*
 * A port that carries VLANs (dp_port.vlan_if): each tagged frame of the burst
 * loses its tag and is its VLAN sub-interface's (pif[i]); untagged frames are
 * the port's own; a tag of a VLAN the port does not carry drops the frame
 * (counted). Frames whose tag the NIC took off already (RX_VLAN_STRIPPED) are
 * told the same way. Returns the burst's new length.
 */
static uint16_t vlan_demux(struct dp_worker *w, const struct dp_port *pt, unsigned p, struct rte_mbuf **pkts,
			   uint16_t n, uint8_t *pif)
{
	uint16_t k = 0;

	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		uint8_t *f = rte_pktmbuf_mtod(m, uint8_t *);
		unsigned vid;

		if (m->ol_flags & RTE_MBUF_F_RX_VLAN_STRIPPED) {
			vid = m->vlan_tci & 0xfff;
		} else if (m->data_len >= ETH_HLEN + 4 && f[12] == 0x81 && f[13] == 0x00) {
			vid = rd16(f + 14) & 0xfff;
			memmove(f + 4, f, 12);
			rte_pktmbuf_adj(m, 4);
		} else {
			pif[k] = (uint8_t)p;
			pkts[k++] = m;
			continue;
		}
		uint8_t ifx = pt->vlan_if[vid];
		if (ifx == 0xff) {
			cnt(w, XLAT_VLAN_UNKNOWN);
			rte_pktmbuf_free(m);
			continue;
		}
		m->ol_flags &= ~(RTE_MBUF_F_RX_VLAN | RTE_MBUF_F_RX_VLAN_STRIPPED);
		w->if_rx[ifx]++;
		w->if_rx_bytes[ifx] += m->pkt_len;
		pif[k] = ifx;
		pkts[k++] = m;
	}
	return k;
}

static void tx_drop_cb(struct rte_mbuf **pkts, uint16_t unsent, void *userdata)
{
	uint64_t *drops = userdata;

	*drops += unsent;
	rte_pktmbuf_free_bulk(pkts, unsent);
}

static struct dp_worker *self_worker(void)
{
	unsigned lcore = rte_lcore_id();

	for (unsigned i = 0; i < g_dp.n_workers; i++)
		if (g_dp.workers[i].lcore == lcore)
			return &g_dp.workers[i];
	return NULL;
}

int worker_main(void *arg)
{
	struct dp_worker *w = self_worker();
	struct rte_mbuf *pkts[DP_BURST];
	int16_t owner[DP_BURST];
	uint8_t pif[DP_BURST]; /* each frame's interface, on a port that carries VLANs */
	const uint64_t hz = rte_get_tsc_hz();
	const uint64_t t0 = rte_get_tsc_cycles();
	const uint32_t idle_us = g_dp.cfg.idle_sleep_us;

	(void)arg;
	if (!w)
		return -1;
	w->pre_owner = -1;
	w->n_ho = 0;
	w->ho_blocked_ns = 0;
	__atomic_store_n(&w->tsc0, t0, __ATOMIC_RELEASE); /* NAT events' clock origin (natlog.c) */
	for (unsigned p = 0; p < g_dp.n_ports; p++)
		rte_eth_tx_buffer_set_err_callback(w->txb[p], tx_drop_cb, &w->counters[XLAT_TX_DROP]);
	rte_rcu_qsbr_thread_register(g_dp.rcu, w->index);
	rte_rcu_qsbr_thread_online(g_dp.rcu, w->index);

	/* ~180 KB: from the heap of the worker's socket, not its stack */
	struct fp_memo *fmp = rte_zmalloc_socket("fp_memo", sizeof(*fmp), RTE_CACHE_LINE_SIZE, (int)rte_socket_id());
	if (!fmp) {
		RTE_LOG(ERR, XLAT64, "worker %u: no memory for its fast-path memo\n", w->index);
		return -1;
	}
	xlat_fmemo_init(&fmp->x);
	while (!__atomic_load_n(&g_dp.quit, __ATOMIC_RELAXED)) {
		/* One configuration snapshot per poll round; the control thread frees old ones after a grace period. */
		const struct xlat_config *cfg = __atomic_load_n(&g_dp.xcfg, __ATOMIC_ACQUIRE);
		bool try_fast = cfg->mode == XLAT_MODE_SIIT || cfg->mode == XLAT_MODE_NAT64;
		fp_memo_round(fmp, cfg);
		uint64_t cyc = rte_get_tsc_cycles() - t0;
		uint64_t now = (cyc / hz) * 1000000000ull + (cyc % hz) * 1000000000ull / hz;
		unsigned got = 0;

		for (unsigned p = 0; p < g_dp.n_ports; p++) {
			w->ctx[p].cfg = cfg;
			w->ctx[p].now_ns = now; /* the fast path's clock (NAT64 timers) for the round */
		}
		for (unsigned p = 0; p < g_dp.n_ports; p++) {
			const struct dp_port *pt = &g_dp.ports[p];
			if (pt->is_vlan) /* its frames arrive on its parent's port */
				continue;
			if (unlikely(w->n_ho)) { /* backpressure: handoffs still waiting for an owner's ring */
				handoff_flush(w);
				if (w->n_ho && !handoff_give_up(w, now))
					break;
			}
			uint16_t n = rte_eth_rx_burst(pt->port_id, (uint16_t)w->index, pkts, DP_BURST);
			if (!n)
				continue;
			got += n;
			w->counters[XLAT_RX] += n;
			if (unlikely(pt->rx_copy))
				rx_copy_out(pkts, n);
			if (unlikely(pt->has_vlans) && !(n = vlan_demux(w, pt, p, pkts, n, pif)))
				continue;
			const bool vlans = pt->has_vlans;
			bool owners = w->nat && g_dp.n_workers > 1 && cfg->mode == XLAT_MODE_NAT64;
			if (owners)
				frame_owners(&w->ctx[p], pkts, n, owner);
			if (w->nat)
				nat64_burst(&w->ctx[p], pkts, n, owners ? owner : NULL, w->index);
			for (uint16_t i = 0; i < n; i++) {
				if (i + 1 < n)
					rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 1], void *));
				if (w->nat)
					nat64_hint(&w->ctx[p], i);
				w->pre_owner = owners ? owner[i] : -1;
				unsigned pi = unlikely(vlans) ? pif[i] : p;
				if (!try_fast || !fast(w, fmp, pkts[i], pi))
					handle(w, pkts[i], pi, cfg, now);
			}
			w->pre_owner = -1;
			handoff_flush(w);
		}
		if (w->nat) {
			/* flows other workers received for us, then our share of expiry */
			uint16_t n = (uint16_t)rte_ring_dequeue_burst(w->handoff, (void **)pkts, DP_BURST, NULL);
			/*
			 * Another core wrote these mbufs and frames: their lines are in its cache.
			 * Ask for all of them at once (headers, then the frames they point to)
			 * rather than one miss after another in the lookups below.
			 */
			for (uint16_t i = 0; i < n; i++)
				rte_prefetch0(pkts[i]);
			for (uint16_t i = 0; i < n; i++)
				rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void *));
			if (n) {
				w->ctx[0].cfg = cfg;
				/* every port's ctx shares the table, and so the hints */
				nat64_burst(&w->ctx[0], pkts, n, NULL, w->index);
			}
			for (uint16_t i = 0; i < n; i++) {
				const struct dp_meta *meta = dp_meta(pkts[i]);
				w->ctx[meta->port].cfg = cfg;
				w->ctx[meta->port].now_ns = now;
				if (i + 1 < n)
					rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 1], void *));
				nat64_hint(&w->ctx[meta->port], i);
				/* classified by the worker that received it: the fast path, or straight to translate() */
				if (!try_fast || !fast(w, fmp, pkts[i], meta->port))
					translate(w, pkts[i], meta->port, meta->family, now);
			}
			got += n;
			w->counters[XLAT_NAT64_EXPIRED] += nat64_expire(w->nat, cfg, now / 1000000u, 64);
			stored_syns_expire(w, cfg, now);
			handoff_flush(w); /* hairpins and stored-SYN errors of flows that another worker owns */
			ctl_bridge_worker_poll(w, now / 1000000u);
		}
		if (w->index == 0) {
			/* frames the slow path built (ARP/ND replies, held packets) leave through worker 0's queues */
			uint16_t n = (uint16_t)rte_ring_dequeue_burst(g_dp.to_tx, (void **)pkts, DP_BURST, NULL);
			for (uint16_t i = 0; i < n; i++)
				dp_tx(w, pkts[i], pkts[i]->port);
			got += n;
		}
		for (unsigned p = 0; p < g_dp.n_ports; p++)
			if (!g_dp.ports[p].is_vlan)
				w->counters[XLAT_TX] +=
					rte_eth_tx_buffer_flush(g_dp.ports[p].port_id, (uint16_t)w->index, w->txb[p]);
		rte_rcu_qsbr_quiescent(g_dp.rcu, w->index);
		__atomic_store_n(&w->rounds, w->rounds + 1, __ATOMIC_RELAXED);
		/* the worker's load, as DPDK apps report it: the share of TSC time spent on rounds with work */
		if (got)
			w->counters[XLAT_BUSY_CYCLES] += rte_get_tsc_cycles() - (t0 + cyc);
		if (!got && idle_us)
			rte_delay_us_sleep(idle_us);
	}
	w->counters[XLAT_HANDOFF_FULL] += w->n_ho; /* at exit: handoffs no owner will take any more */
	for (unsigned i = 0; i < w->n_ho; i++)
		rte_pktmbuf_free(w->ho[i]);
	w->n_ho = 0;
	rte_free(fmp);
	rte_rcu_qsbr_thread_offline(g_dp.rcu, w->index);
	rte_rcu_qsbr_thread_unregister(g_dp.rcu, w->index);
	return 0;
}
