/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv4 -> IPv6 (RFC 7915 section 4): the pipeline of one IPv4 datagram
 * (xlat46.c), the translation of an ICMPv4 error and the packet it quotes
 * (xlat46_icmp.c), and the header rules they and the fast paths share.
 */
#ifndef XLAT_XLAT46_H
#define XLAT_XLAT46_H

#include <stdbool.h>
#include <stdint.h>

#include "icmp_map.h"
#include "icmp_reply.h"
#include "l4.h"
#include "pkt_parse.h"
#include "xlat.h"
#include "xlat_step.h"

/* RFC 7915 4.1: traffic class is the TOS, unless zeroize-traffic-class. */
static inline uint8_t xlat46_tclass(const struct xlat_config *cfg, const struct rte_ipv4_hdr *ip4)
{
	return cfg->g.zeroize_traffic_class ? 0 : ip4->type_of_service;
}

/* l4_csum46() for a whole datagram or first fragment (a later fragment has no L4 header). */
static inline void xlat46_l4_update(const struct pkt_info *li, uint8_t *l4, uint32_t l4len, uint32_t ulen, uint32_t src4,
				    uint32_t dst4, const uint8_t *src6, const uint8_t *dst6, const struct icmp_map *im)
{
	if (li->frag_off != 0)
		return;
	l4_csum46(li->proto, l4, l4len, ulen, src4, dst4, src6, dst6, im);
}

/*
 * RFC 7915 4.1: does a datagram of *outlen bytes (Fragment header included when
 * *fraghdr) fit pkt->route? DF set and too big: Packet Too Big back (its
 * verdict returned). DF clear: fragments of at most the smaller of the route's
 * MTU and lowest-ipv6-mtu, each with a Fragment header (pkt->frag_size).
 * XV_CONTINUE: go on.
 */
static inline enum xlat_verdict xlat46_fit(struct xlat_ctx *ctx, struct xlat_pkt *pkt, bool df, bool *fraghdr, uint32_t *outlen)
{
	uint32_t limit = pkt->route.mtu;

	pkt->frag_size = 0;
	if (df) {
		if (*outlen > limit) {
			return icmp_refuse4(ctx, pkt, JSTAT_PKT_TOO_BIG, ICMPV4_DEST_UNREACH, ICMPV4_FRAG_NEEDED,
					    limit > 20 ? limit - 20 : 0);
		}
		return XV_CONTINUE;
	}
	if (ctx->cfg->g.lowest_ipv6_mtu < limit)
		limit = ctx->cfg->g.lowest_ipv6_mtu;
	if (*outlen > limit) {
		if (!*fraghdr) {
			*fraghdr = true;
			*outlen += 8;
		}
		pkt->frag_size = limit;
	}
	return XV_CONTINUE;
}

/* The translated datagram now starts at h (in the headroom, or inside the old headers) and is len bytes long. */
static inline void xlat46_move(struct xlat_pkt *pkt, uint8_t *h, uint32_t len)
{
	pkt->headroom = (uint32_t)((int64_t)pkt->headroom + (h - pkt->data));
	pkt->data = h;
	pkt->len = len;
	pkt->family = 6;
}

/* hairpin: second pass of an EAM hairpin (no TTL decrement, RFC 7757 B address choice). */
enum xlat_verdict xlat46(struct xlat_ctx *ctx, struct xlat_pkt *pkt, bool hairpin);
/* RFC 7915 4.3: an ICMPv4 error's outer and inner headers, both translated (src6/dst6: the outer addresses). */
enum xlat_verdict xlat46_icmp_error(struct xlat_ctx *ctx, struct xlat_pkt *pkt, const struct pkt_info *li,
				    const uint8_t src6[16], const uint8_t dst6[16], bool hairpin);

#endif
