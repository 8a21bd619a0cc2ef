/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A worker's path through the dataplane, one file per stage; a frame goes
 * worker.c (the loop) -> rx.c -> fastpath.h, or classify.c -> translate.c
 * (handoff.c: to the NAT64 flow's owner) -> tx.c, or classify.c -> forward.c
 * (native forwarding) -> tx.c; to_host.c for the box's own traffic, what only
 * the host forwards, and unresolved next hops. These run on worker lcores only.
 */
#ifndef XLAT_DP_WORKER_H
#define XLAT_DP_WORKER_H

#include <rte_ethdev.h>

#include "dp.h"

#define ETH_HLEN 14

static inline void dp_count(struct dp_worker *w, enum xlat_stat s)
{
	w->counters[s]++;
}

static inline uint16_t dp_rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* tx.c */
void dp_tx_vlan(struct dp_worker *w, struct rte_mbuf *m, unsigned iface);
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
/* One IP datagram (no L2) out through route nexthop; fragments and segments for those longer than the MTU. */
void dp_output(struct dp_worker *w, struct rte_mbuf *m, int family, uint32_t nexthop);
void dp_output_fragments(struct dp_worker *w, struct rte_mbuf *m, const struct xlat_pkt *xp);
void dp_output_segments(struct dp_worker *w, struct rte_mbuf *m, const struct xlat_pkt *xp);
void dp_output_frag4(struct dp_worker *w, struct rte_mbuf *m, const struct xlat_pkt *xp);

/* to_host.c: reason META_HOST (the frame keeps its L2 header) or META_RESOLVE (addr: the next hop) */
void dp_to_slowpath(struct dp_worker *w, struct rte_mbuf *m, uint8_t reason, uint16_t port, int family,
		    const uint8_t *addr);

/*
 * forward.c: native forwarding of what is neither translated nor the box's own. dp_forward() is the
 * general path (classify.c; memo: the destination alone made it native, so its route may be remembered);
 * dp_forward_fast() the fast path's case (fastpath.h) for a destination it remembers: its route (one
 * routing table generation, one configuration) and its next hop's L2 header (one poll round).
 */
#define DP_FWD_MEMO_BITS 11 /* 2048 destinations, as many as the translator's memo holds addresses */
#define DP_FWD_MEMO (1u << DP_FWD_MEMO_BITS)
struct dp_fwd_ent {
	uint64_t gen, eth_gen; /* the memo's generation it was filled in; the neighbour table's its L2 header is of */
	uint8_t key[16];         /* the destination (IPv4: the first 4 bytes) */
	uint8_t family;
	struct xlat_route r;
	uint16_t port;           /* the next hop's interface */
	uint8_t eth[ETH_HLEN];   /* the L2 header for the next hop, as written */
};
struct dp_fwd_memo {
	uint64_t gen, nb_gen; /* nb_gen: neigh_generation() at the start of the round */
	unsigned n; /* entries filled in this generation: 0, and the fast path does not look */
	struct dp_fwd_ent e[DP_FWD_MEMO];
};
void dp_forward(struct dp_worker *w, struct rte_mbuf *m, unsigned pidx, int family, uint64_t now, bool memo);
bool dp_forward_fast(struct dp_worker *w, struct dp_fwd_memo *fm, struct rte_mbuf *m, unsigned pidx);

/* classify.c */
void dp_classify(struct dp_worker *w, struct rte_mbuf *m, unsigned pidx, const struct xlat_config *cfg, uint64_t now);

/* translate.c: dp_dispatch() hands another worker's NAT64 flow over; dp_translate() translates here */
void dp_dispatch(struct dp_worker *w, struct rte_mbuf *m, unsigned pidx, int family, const struct xlat_config *cfg,
		 uint64_t now);
void dp_translate(struct dp_worker *w, struct rte_mbuf *m, unsigned pidx, int family, uint64_t now);
void dp_hairpin(struct dp_worker *w, struct rte_mbuf *m, unsigned pidx, const struct xlat_config *cfg, uint64_t now);

/* handoff.c */
void dp_handoff_flush(struct dp_worker *w);
bool dp_handoff_give_up(struct dp_worker *w, uint64_t now);
bool dp_handoff_backpressure(struct dp_worker *w, uint64_t now); /* true: receive nothing this round */
void dp_handoff_drop_held(struct dp_worker *w);                  /* at exit */
void dp_frame_owners(struct xlat_ctx *ctx, struct rte_mbuf **pkts, uint16_t n, int16_t *owner);

/* rx.c */
void dp_rx_copy_out(struct rte_mbuf **pkts, uint16_t n);
uint16_t dp_vlan_demux(struct dp_worker *w, const struct dp_port *pt, unsigned p, struct rte_mbuf **pkts, uint16_t n,
		       uint8_t *pif);
bool dp_nat64_burst(struct xlat_ctx *ctx, struct rte_mbuf **pkts, uint16_t n, const int16_t *owner, unsigned self);

/* stored_syns.c */
void dp_stored_syns_expire(struct dp_worker *w, const struct xlat_config *cfg, uint64_t now);

#endif
