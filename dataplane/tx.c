/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * To the wire: a translated datagram's next hop resolved (fib.c, neigh.c) and
 * its L2 header written, fragments (RFC 7915 4.1) and TCP segments cut where it
 * is longer than the egress MTU, VLAN tags added, frames into the port's
 * transmit buffer. A next hop not yet resolved holds the packet in the slow
 * path (to_host.c).
 */
#include <string.h>

#include <rte_ethdev.h>

#include "worker.h"

/* dp_tx() for a VLAN sub-interface: its 802.1Q tag added, sent on its parent's port (out of line: rare). */
__rte_noinline void dp_tx_vlan(struct dp_worker *w, struct rte_mbuf *m, unsigned iface)
{
	const struct dp_port *pt = &g_dp.ports[iface];

	m->vlan_tci = pt->vlan;
	if (rte_vlan_insert(&m) != 0) {
		dp_count(w, XLAT_NO_MBUF);
		rte_pktmbuf_free(m);
		return;
	}
	w->if_tx[iface]++;
	w->if_tx_bytes[iface] += m->pkt_len;
	w->counters[XLAT_TX] +=
		rte_eth_tx_buffer(g_dp.ports[pt->phys].port_id, (uint16_t)w->index, w->txb[pt->phys], m);
}

void dp_send_eth(struct dp_worker *w, struct rte_mbuf *m, uint16_t port, const struct rte_ether_addr *dst,
		 uint16_t ethertype)
{
	struct rte_ether_hdr *eh = (struct rte_ether_hdr *)rte_pktmbuf_prepend(m, ETH_HLEN);

	if (unlikely(!eh)) {
		dp_count(w, XLAT_NO_MBUF);
		rte_pktmbuf_free(m);
		return;
	}
	dp_eth_hdr(eh, dst, port, ethertype);
	m->port = port;
	dp_tx(w, m, port);
}

/* m holds one IP datagram (no L2) that must leave through route nexthop. */
void dp_output(struct dp_worker *w, struct rte_mbuf *m, int family, uint32_t nexthop)
{
	const uint8_t *ip = rte_pktmbuf_mtod(m, const uint8_t *);
	uint8_t addr[16];
	uint16_t port;
	struct rte_ether_addr mac;

	fib_neighbor_addr(nexthop, family, family == 4 ? ip + 16 : ip + 24, addr, &port);
	if (unlikely(!neigh_lookup(port, family, addr, &mac))) {
		dp_to_slowpath(w, m, META_RESOLVE, port, family, addr);
		return;
	}
	dp_send_eth(w, m, port, &mac, family == 4 ? RTE_ETHER_TYPE_IPV4 : RTE_ETHER_TYPE_IPV6);
}

/*
 * A datagram cut into n pieces of at most size bytes (write: lib's cutter),
 * each in a packet pool mbuf of its own and out through the same route (each
 * counted as each); the datagram's own buffer goes back at once.
 */
static void output_pieces(struct dp_worker *w, struct rte_mbuf *m, const struct xlat_pkt *xp, unsigned n,
			  uint32_t size, uint32_t (*write)(const struct xlat_pkt *, unsigned, uint8_t *),
			  enum xlat_stat each)
{
	for (unsigned i = 0; i < n; i++) {
		struct rte_mbuf *f = rte_pktmbuf_alloc(g_dp.pool);
		if (unlikely(!f)) {
			dp_count(w, XLAT_NO_MBUF);
			break;
		}
		if (rte_pktmbuf_tailroom(f) < size) {
			rte_pktmbuf_free(f);
			dp_count(w, XLAT_NO_MBUF);
			break;
		}
		uint32_t len = write(xp, i, rte_pktmbuf_mtod(f, uint8_t *));
		f->data_len = (uint16_t)len;
		f->pkt_len = len;
		dp_count(w, each);
		dp_output(w, f, xp->family, xp->route.nexthop);
	}
	rte_pktmbuf_free(m);
}

/* RFC 7915 4.1: cut a translated IPv6 packet into fragments of at most xp->frag_size bytes. */
void dp_output_fragments(struct dp_worker *w, struct rte_mbuf *m, const struct xlat_pkt *xp)
{
	output_pieces(w, m, xp, xlat_frag6_count(xp), xp->frag_size, xlat_frag6_write, XLAT_FRAG6_OUT);
}

/* RFC 1812 5.2.6: a forwarded IPv4 datagram without DF, larger than the egress MTU, cut into fragments. */
void dp_output_frag4(struct dp_worker *w, struct rte_mbuf *m, const struct xlat_pkt *xp)
{
	dp_count(w, XLAT_FWD_FRAGMENTED); /* lib/forward.c made sure it can be cut */
	output_pieces(w, m, xp, xlat_frag4_count(xp), xp->frag_size, xlat_frag4_write, XLAT_FRAG4_OUT);
}

/*
 * A TCP super-frame (xlat.h: xp->seg_size; translated, or forwarded) cut into
 * segments that fit the egress MTU.
 */
void dp_output_segments(struct dp_worker *w, struct rte_mbuf *m, const struct xlat_pkt *xp)
{
	unsigned n = xlat_tso_count(xp);

	if (unlikely(!n)) /* an egress MTU too small for the headers */
		dp_count(w, XLAT_GSO_REFUSED);
	output_pieces(w, m, xp, n, xp->seg_size, xlat_tso_write, XLAT_GSO_SEGMENTS);
}
