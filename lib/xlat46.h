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
#include "icmp_types.h"
#include "l4.h"
#include "pkt_parse.h"
#include "xlat.h"
#include "xlat_step.h"

/* RFC 7915 4.1: traffic class is the TOS, unless zeroize-traffic-class. */
static inline struct xlat_tos_rule xlat46_tclass_rule(const struct xlat_config *cfg)
{
	return (struct xlat_tos_rule){.keep = cfg->g.zeroize_traffic_class ? 0 : 0xff, .set = 0};
}

static inline uint8_t xlat46_tclass(const struct xlat_config *cfg, const struct rte_ipv4_hdr *ip4)
{
	return xlat_tos_apply(xlat46_tclass_rule(cfg), ip4->type_of_service);
}

/* l4_csum46() for a whole datagram or first fragment (a later fragment has no L4 header). */
static inline void xlat46_l4_update(const struct pkt_info *li, uint8_t *l4, uint32_t l4len, uint32_t ulen,
				    uint32_t src4, uint32_t dst4, const uint8_t *src6, const uint8_t *dst6,
				    const struct icmp_map *im)
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
static inline enum xlat_verdict xlat46_fit(struct xlat_ctx *ctx, struct xlat_pkt *pkt, bool df, bool *fraghdr,
					   uint32_t *outlen)
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

/* One IPv4 datagram on its way to IPv6: what xlat46() and its steps learn of it. */
struct xlat46_state {
	struct pkt_info li;         /* its header chain */
	uint8_t *l4;                /* its upper layer, l4len bytes of it */
	uint32_t l4len;
	bool icmp_err;              /* an ICMPv4 error: the packet it quotes is translated too (xlat46_icmp.c) */
	struct icmp_map im;         /* an ICMPv4 message's ICMPv6 type and code */
	uint32_t src4, dst4;        /* its addresses as it came (network order) */
	uint8_t src6[16], dst6[16]; /* and as IPv6 */
	uint16_t port6;             /* NAT64: the IPv6 host's port or query id (its session's) */
	bool hairpin;               /* RFC 7757 appendix B: the second pass of an EAM hairpin */
	bool udp_zero;              /* a UDP datagram (or first fragment) without a checksum (RFC 7915 4.5) */
};

/* The packet an ICMPv4 error quotes (RFC 792), and what it becomes. */
struct xlat46_quote {
	uint8_t *in;                /* the quoted IPv4 packet, inlen bytes of it */
	uint32_t inlen;
	uint32_t ext_len;           /* RFC 4884: the extension structure after it */
	struct pkt_info li;         /* its header chain */
	uint8_t src6[16], dst6[16]; /* its addresses, translated */
	uint16_t port6;             /* NAT64: its IPv6 side's port or query id (its session's) */
};

/* RFC 7915 4.1: the TTL ran out here: Time Exceeded back, unless the packet is an ICMP error itself. */
static inline enum xlat_verdict xlat46_ttl_expired(struct xlat_ctx *ctx, struct xlat_pkt *pkt,
						   const struct xlat46_state *s)
{
	if (s->icmp_err)
		return xlat_drop(ctx, JSTAT46_TTL);
	return icmp_refuse4(ctx, pkt, JSTAT46_TTL, ICMPV4_TIME_EXCEEDED, ICMPV4_TTL_EXCEEDED, 0);
}

/* RFC 7915 section 4, one IPv4 datagram. hairpin: the second pass of an EAM hairpin (no TTL decrement,
 * RFC 7757 B address choice). */
enum xlat_verdict xlat46(struct xlat_ctx *ctx, struct xlat_pkt *pkt, bool hairpin);
/* RFC 7915 4.3: an ICMPv4 error's outer and inner headers, both translated (xlat46_icmp.c). */
enum xlat_verdict xlat46_icmp_error(struct xlat_ctx *ctx, struct xlat_pkt *pkt, struct xlat46_state *s);

#endif
