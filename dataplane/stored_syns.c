/* SPDX-License-Identifier: BSD-3-Clause */
/* NAT64's simultaneous open: what becomes of IPv4 SYNs the table held (lib/nat64_so.c) when their time is up. */
#include <string.h>

#include "worker.h"

/* RFC 6146 3.5.2.2: IPv4 SYNs held 6 s with no IPv6 side: ICMP port unreachable, from the port's address. */
void dp_stored_syns_expire(struct dp_worker *w, const struct xlat_config *cfg, uint64_t now)
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
			dp_count(w, XLAT_NO_MBUF);
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
			dp_hairpin(w, m, pidx, cfg, now);
			continue;
		}
		dp_output(w, m, 4, xp.route.nexthop);
	}
}
