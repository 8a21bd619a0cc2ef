/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv6 -> IPv4: an ICMPv6 error and the packet it quotes (RFC 7915 5.3): the
 * error checked and its quote parsed, the quote's addresses (SIIT: siit64.c,
 * NAT64: nat64_tuple64.c), the quote translated in place, then the error's
 * own headers; the quote is cut to the ICMPv4 error size (576 bytes).
 */
#include <string.h>

#include "checksum.h"
#include "icmp_error.h"
#include "icmp_types.h"
#include "ip_hdr.h"
#include "l4.h"
#include "nat64_tuple64.h"
#include "siit64.h"
#include "xlat64.h"
#include "xlat_step.h"

/* RFC 4884: ICMPv6 Destination Unreachable and Time Exceeded say how long their quote is. */
static bool icmp6_has_len(uint8_t type)
{
	return type == ICMPV6_DEST_UNREACH || type == ICMPV6_TIME_EXCEEDED;
}

/* The error's own checksum, and the packet it quotes parsed (it may be cut short). */
static enum xlat_verdict quote64_parse(struct xlat_ctx *ctx, const struct xlat_pkt *pkt,
				       const struct xlat64_state *s, struct xlat64_quote *q)
{
	const struct rte_ipv6_hdr *ip6 = (const void *)pkt->data;
	uint8_t *icmp = s->l4;

	if (csum_fold(csum_partial(icmp, s->l4len, csum_pseudo6(ip6->src_addr, ip6->dst_addr, IPPROTO_ICMPV6,
								   s->l4len))) != 0)
		return xlat_drop(ctx, JSTAT64_ICMP_CSUM);
	q->in = icmp + ICMP_HDR_LEN;
	q->inlen = s->l4len - ICMP_HDR_LEN;
	q->ext_len = 0;
	q->port4 = 0;
	/* RFC 4884: with a length field, the quote ends there and an extension structure follows. */
	uint32_t qlen = icmp[ICMP6_LEN_OFF] * ICMP6_LEN_UNIT;
	if (icmp6_has_len(icmp[0]) && qlen != 0 && qlen < q->inlen) {
		q->ext_len = q->inlen - qlen;
		q->inlen = qlen;
	}
	enum xlat_stat r = pkt_parse6(q->in, q->inlen, true, &q->li);
	if (r != XLAT_OK)
		return xlat_drop(ctx, r == JSTAT_SKB_TRUNCATED ? XLAT_ICMP_TOO_SHORT : r);
	if (q->li.proto == IPPROTO_ICMPV6 && q->li.frag_off == 0 && q->inlen > q->li.l3len &&
	    icmp6_is_error(q->in[q->li.l3len]))
		return xlat_drop(ctx, JSTAT_DOUBLE_ICMP6_ERROR);
	return XV_CONTINUE;
}

/* RFC 7915 5.2: bytes 4-7 of the ICMPv4 error: the MTU, the pointer, or zero. */
static uint32_t rest64(const struct xlat_ctx *ctx, const struct xlat_pkt *pkt, const struct xlat64_state *s)
{
	switch (s->im.rest) {
	case ICMP_REST_MTU:
		return icmp_mtu64(rd32(s->l4 + 4), pkt->route.mtu, ctx->in_mtu);
	case ICMP_REST_PTR:
		return s->im.ptr << 24;
	default:
		return 0;
	}
}

/* The quoted packet translated in place as xlat64() translates a datagram; returns its new start. */
static uint8_t *quote64_write(struct xlat_ctx *ctx, const struct xlat64_quote *q)
{
	const struct rte_ipv6_hdr *in = (const void *)q->in;
	const struct pkt_info *li = &q->li;
	uint8_t *l4 = q->in + li->l3len;
	uint32_t l4len = q->inlen - li->l3len;
	uint32_t totlen = sizeof(struct rte_ipv4_hdr) + (li->pktlen - li->l3len); /* what its header said */
	uint8_t proto = li->proto == IPPROTO_ICMPV6 ? IPPROTO_ICMP : li->proto;

	/* everything read from the old header before the new one overwrites it */
	uint8_t src6[16], dst6[16];
	memcpy(src6, in->src_addr, 16);
	memcpy(dst6, in->dst_addr, 16);
	uint8_t tos = xlat64_tos(ctx->cfg, in), ttl = in->hop_limits;
	uint16_t id, frag;
	xlat64_id_flags(ctx, li, totlen, &id, &frag);
	/* a quoted ICMPv6 message may be cut anywhere after its type and code */
	struct icmp_map im;
	bool icmp = li->proto == IPPROTO_ICMPV6 && l4len >= 4 &&
		    icmp_map64(l4[0], l4[1], l4len >= ICMP_HDR_LEN ? l4 + 4 : l4, &im) == XLAT_OK;
	xlat64_l4_update(li, l4, l4len, li->pktlen - li->l3len, src6, dst6, q->src4, q->dst4, icmp ? &im : NULL);
	if (ctx->cfg->mode == XLAT_MODE_NAT64) /* the IPv4 side's port: it went to the IPv6 host, from pool4 */
		l4_set_port(proto, l4, l4len, l4_port_off(proto, true), q->port4);
	uint8_t *h = l4 - sizeof(struct rte_ipv4_hdr);
	ip4_hdr_write(h, tos, (uint16_t)totlen, id, frag, ttl, proto, q->src4, q->dst4);
	return h;
}

enum xlat_verdict xlat64_icmp_error(struct xlat_ctx *ctx, struct xlat_pkt *pkt, struct xlat64_state *s)
{
	const struct rte_ipv6_hdr *ip6 = (const void *)pkt->data;
	const uint8_t *buf_end = pkt->data + pkt->len + pkt->tailroom;
	struct xlat64_quote q;
	enum xlat_verdict v = quote64_parse(ctx, pkt, s, &q);

	if (v != XV_CONTINUE)
		return v;
	v = ctx->cfg->mode == XLAT_MODE_NAT64 ? nat64_tuple64_quoted(ctx, s, &q) : siit64_quoted(ctx, &q);
	if (v != XV_CONTINUE)
		return v;
	/* everything read from the old headers before the new ones overwrite them */
	uint8_t tos = xlat64_tos(ctx->cfg, ip6), ttl = (uint8_t)(ip6->hop_limits - 1);
	uint32_t rest = rest64(ctx, pkt, s);
	uint8_t *ih = quote64_write(ctx, &q);
	uint8_t *icmp = ih - ICMP_HDR_LEN;
	uint8_t *h = icmp - sizeof(struct rte_ipv4_hdr);
	uint32_t quote = sizeof(struct rte_ipv4_hdr) + (q.inlen - q.li.l3len);
	uint32_t len = sizeof(struct rte_ipv4_hdr) +
		       icmp_error_finish(icmp, s->im.type, s->im.code, rest, quote, q.ext_len, buf_end, NULL, NULL);
	uint16_t id, frag;
	xlat64_id_flags(ctx, &s->li, len, &id, &frag);
	ip4_hdr_write(h, tos, (uint16_t)len, id, frag, ttl, IPPROTO_ICMP, s->src4, s->dst4);
	xlat64_move(pkt, h, len);
	return XV_FORWARD;
}
