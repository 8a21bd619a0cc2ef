/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A received burst before classification: frames of long receive buffers moved
 * into the packet pool, VLAN tags taken off (per sub-interface counters), and
 * NAT64's bulk session lookup for the burst.
 */
#include <string.h>

#include <rte_memcpy.h>

#include "worker.h"

/*
 * NAT64: a burst's sessions looked up at once (lib's bulk lookup; their cache
 * misses overlap), before its packets go through dp_classify() one by one, each
 * with nat64_hint(). Frames from the handoff ring carry their L2 header too.
 * False where it looked nothing up (a small table, nat64_burst_worth()):
 * there are no hints to hand on.
 */
bool dp_nat64_burst(struct xlat_ctx *ctx, struct rte_mbuf **pkts, uint16_t n, const int16_t *owner, unsigned self)
{
	const uint8_t *l3[DP_BURST];
	uint32_t len[DP_BURST];

	if (!nat64_burst_worth(ctx->nat))
		n = 0; /* a table in cache: each packet looks its flow up itself */
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
	return n != 0;
}

/*
 * A port that receives into long buffers (af_packet taking 64 KiB super-frames
 * whole, port.c): what fits a packet pool mbuf moves there at once, so that
 * its few long buffers are held only by super-frames, for as long as it takes
 * to cut them. Where the pool is empty the frame keeps its long buffer.
 */
void dp_rx_copy_out(struct rte_mbuf **pkts, uint16_t n)
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
uint16_t dp_vlan_demux(struct dp_worker *w, const struct dp_port *pt, unsigned p, struct rte_mbuf **pkts,
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
			vid = dp_rd16(f + 14) & 0xfff;
			memmove(f + 4, f, 12);
			rte_pktmbuf_adj(m, 4);
		} else {
			pif[k] = (uint8_t)p;
			pkts[k++] = m;
			continue;
		}
		uint8_t ifx = pt->vlan_if[vid];
		if (ifx == 0xff) {
			dp_count(w, XLAT_VLAN_UNKNOWN);
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
