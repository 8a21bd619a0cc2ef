/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv4 -> IPv6: an ICMPv4 error and the packet it quotes (RFC 7915 4.3): the
 * error checked and its quote parsed, the quote's addresses (SIIT: siit46.c,
 * NAT64: nat64_tuple46.c), the quote translated in place, then the error's
 * own headers; the error is cut to the ICMPv6 error size (1280 bytes, also
 * when lowest-ipv6-mtu is larger).
 */
#include <string.h>

#include "checksum.h"
#include "icmp_error.h"
#include "icmp_types.h"
#include "ip_hdr.h"
#include "l4.h"
#include "nat64_tuple46.h"
#include "siit46.h"
#include "xlat46.h"
#include "xlat_step.h"

/* RFC 4884: ICMPv4 Destination Unreachable, Time Exceeded and Parameter Problem say how long their quote is. */
static bool icmp4_has_len(uint8_t type)
{
	return type == ICMPV4_DEST_UNREACH || type == ICMPV4_TIME_EXCEEDED || type == ICMPV4_PARAM_PROBLEM;
}

/* The error's own checksum, and the packet it quotes parsed (it may be cut short). */
static enum xlat_verdict quote46_parse(struct xlat_ctx *ctx, const struct xlat46_state *s, struct xlat46_quote *q)
{
	uint8_t *icmp = s->l4;

	if (csum_fold(csum_partial(icmp, s->l4len, 0)) != 0)
		return xlat_drop(ctx, JSTAT46_ICMP_CSUM);
	q->in = icmp + ICMP_HDR_LEN;
	q->inlen = s->l4len - ICMP_HDR_LEN;
	q->ext_len = 0;
	q->port6 = 0;
	/* RFC 4884: with a length field, the quote ends there and an extension structure follows. */
	uint32_t qlen = icmp[ICMP4_LEN_OFF] * ICMP4_LEN_UNIT;
	if (icmp4_has_len(icmp[0]) && qlen != 0 && qlen < q->inlen) {
		q->ext_len = q->inlen - qlen;
		q->inlen = qlen;
	}
	enum xlat_stat r = pkt_parse4(q->in, q->inlen, true, &q->li);
	if (r != XLAT_OK)
		return xlat_drop(ctx, r == JSTAT_SKB_TRUNCATED ? XLAT_ICMP_TOO_SHORT : r);
	const uint8_t *l4 = q->in + q->li.l3len;
	if (q->li.proto == IPPROTO_ICMP && q->li.frag_off == 0 && q->inlen > q->li.l3len && icmp4_is_error(l4[0]))
		return xlat_drop(ctx, JSTAT_DOUBLE_ICMP4_ERROR);
	return XV_CONTINUE;
}

/* RFC 7915 4.2: bytes 4-7 of the ICMPv6 error: the MTU (RFC 1191's next-hop MTU in bytes 6-7), the pointer, or zero. */
static uint32_t rest46(const struct xlat_ctx *ctx, const struct xlat_pkt *pkt, const struct xlat46_state *s,
		       const struct xlat46_quote *q)
{
	const struct rte_ipv4_hdr *in = (const void *)q->in;

	switch (s->im.rest) {
	case ICMP_REST_MTU:
		return icmp_mtu46(&ctx->cfg->g, rd16(s->l4 + 6), rte_be_to_cpu_16(in->total_length), pkt->route.mtu,
				  ctx->in_mtu);
	case ICMP_REST_PTR:
		return s->im.ptr;
	default:
		return 0;
	}
}

/* The quoted packet's upper layer updated for its new addresses (and NAT64 port), as xlat46() does. */
static void quote46_l4(struct xlat_ctx *ctx, const struct xlat46_quote *q)
{
	const struct rte_ipv4_hdr *in = (const void *)q->in;
	const struct pkt_info *li = &q->li;
	uint8_t *l4 = q->in + li->l3len;
	uint32_t l4len = q->inlen - li->l3len;
	struct icmp_map im;
	/* a quoted ICMPv4 message may be cut anywhere after its type and code */
	bool icmp = li->proto == IPPROTO_ICMP && l4len >= 4 &&
		    icmp_map46(l4[0], l4[1], l4len >= ICMP_HDR_LEN ? l4 + 4 : l4, &im) == XLAT_OK;

	xlat46_l4_update(li, l4, l4len, li->pktlen - li->l3len, in->src_addr, in->dst_addr, q->src6, q->dst6,
			 icmp ? &im : NULL);
	if (ctx->cfg->mode == XLAT_MODE_NAT64) /* the IPv6 side's port: it came from the IPv6 host */
		l4_set_port(li->proto, l4, l4len, l4_port_off(li->proto, false), q->port6);
}

enum xlat_verdict xlat46_icmp_error(struct xlat_ctx *ctx, struct xlat_pkt *pkt, struct xlat46_state *s)
{
	const struct rte_ipv4_hdr *ip4 = (const void *)pkt->data;
	const uint8_t *buf_end = pkt->data + pkt->len + pkt->tailroom;
	struct xlat46_quote q;
	enum xlat_verdict v = quote46_parse(ctx, s, &q);

	if (v != XV_CONTINUE)
		return v;
	v = ctx->cfg->mode == XLAT_MODE_NAT64 ? nat64_tuple46_quoted(ctx, s, &q) : siit46_quoted(ctx, s, &q);
	if (v != XV_CONTINUE)
		return v;
	/* everything read from the old headers before the new ones overwrite them */
	const struct rte_ipv4_hdr *in = (const void *)q.in;
	const struct pkt_info *ili = &q.li;
	uint32_t rest = rest46(ctx, pkt, s, &q);
	uint8_t tc = xlat46_tclass(ctx->cfg, ip4), ttl = ip4->time_to_live, hl = s->hairpin ? ttl : (uint8_t)(ttl - 1);
	uint8_t itc = xlat46_tclass(ctx->cfg, in), ihl = in->time_to_live;
	uint8_t iproto = ili->proto == IPPROTO_ICMP ? IPPROTO_ICMPV6 : ili->proto;
	uint32_t iulen = ili->pktlen - ili->l3len; /* the original packet's upper-layer length */
	uint32_t fhlen = ili->frag ? sizeof(struct rte_ipv6_fragment_ext) : 0;
	uint8_t *il4 = q.in + ili->l3len;
	quote46_l4(ctx, &q);
	uint8_t *ih = il4 - sizeof(struct rte_ipv6_hdr) - fhlen;
	uint8_t *icmp = ih - ICMP_HDR_LEN;
	uint8_t *h = icmp - sizeof(struct rte_ipv6_hdr);
	if ((uint32_t)(pkt->data - h) > pkt->headroom)
		return xlat_drop(ctx, XLAT_NO_MBUF);
	ip6_hdr_write(ih, itc, (uint16_t)(iulen + fhlen), ili->frag ? IPPROTO_FRAGMENT : iproto, ihl, q.src6, q.dst6);
	if (ili->frag)
		ip6_frag_hdr_write(ih + sizeof(struct rte_ipv6_hdr), iproto, ili->frag_off, ili->mf, ili->frag_id);
	uint32_t quote = (uint32_t)(il4 - ih) + (q.inlen - ili->l3len);
	uint32_t icmp_len = icmp_error_finish(icmp, s->im.type, s->im.code, rest, quote, q.ext_len, buf_end, s->src6,
					      s->dst6);
	ip6_hdr_write(h, tc, (uint16_t)icmp_len, IPPROTO_ICMPV6, hl, s->src6, s->dst6);
	xlat46_move(pkt, h, sizeof(struct rte_ipv6_hdr) + icmp_len);
	return XV_FORWARD;
}
