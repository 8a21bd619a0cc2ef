/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * To the slow path: frames for the box itself (ARP, ND, routing protocols,
 * management: the exception path to the host kernel, exception.c) and packets
 * whose next hop is being resolved (slowpath.c), through the shared MP/SC ring.
 * Rate-limited, checksums finished and super-frames cut before the TAP.
 */
#include <string.h>

#include "worker.h"

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
		dp_count(w, XLAT_HOST_QUEUE_FULL);
		rte_pktmbuf_free(m);
		return;
	}
	dp_count(w, reason == META_HOST ? XLAT_TO_HOST : XLAT_RESOLVE_HELD);
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
		dp_count(w, XLAT_GSO_REFUSED);
	for (unsigned i = 0; i < n; i++) {
		struct rte_mbuf *f = rte_pktmbuf_alloc(g_dp.pool);
		if (unlikely(!f) || rte_pktmbuf_tailroom(f) < ETH_HLEN + xp.seg_size) {
			rte_pktmbuf_free(f);
			dp_count(w, XLAT_NO_MBUF);
			break;
		}
		uint8_t *d = rte_pktmbuf_mtod(f, uint8_t *);
		memcpy(d, rte_pktmbuf_mtod(m, const uint8_t *), ETH_HLEN);
		uint32_t len = ETH_HLEN + xlat_tso_write(&xp, i, d + ETH_HLEN);
		f->data_len = (uint16_t)len;
		f->pkt_len = len;
		dp_count(w, XLAT_GSO_SEGMENTS);
		slow_enqueue(w, f, META_HOST, port, family, NULL);
	}
	rte_pktmbuf_free(m);
}

void dp_to_slowpath(struct dp_worker *w, struct rte_mbuf *m, uint8_t reason, uint16_t port, int family,
			const uint8_t *addr)
{
	if (reason == META_HOST) {
		/* frames for the host pass a per-worker rate limit (dataplane.exception-pps) before the shared queue */
		if (unlikely(!exception_admit(w->index, m))) {
			dp_count(w, XLAT_EXC_RATE_LIMITED);
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
			dp_count(w, XLAT_CSUM_PARTIAL);
	}
	slow_enqueue(w, m, reason, port, family, addr);
}
