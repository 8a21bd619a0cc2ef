/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv6 -> IPv4 (RFC 7915 section 5), one datagram, step by step: the checks
 * that need no address (xlat64_check), the IPv4 destination (SIIT: siit64.c,
 * NAT64: nat64_tuple64.c), the hop limit, the route, the IPv4 source, then
 * either the ICMPv6 error and the packet it quotes (xlat64_icmp.c) or the
 * datagram itself (xlat64_datagram).
 */
#include <string.h>

#include "checksum.h"
#include "icmp_reply.h"
#include "icmp_types.h"
#include "ip_hdr.h"
#include "l4.h"
#include "nat64_tuple64.h"
#include "pkt_parse.h"
#include "siit64.h"
#include "xlat64.h"
#include "xlat_step.h"

/* RFC 7915 5.1: what makes an IPv6 packet untranslatable before its addresses are looked at. */
static enum xlat_verdict xlat64_check(struct xlat_ctx *ctx, struct xlat_pkt *pkt, struct xlat64_state *s)
{
	const struct rte_ipv6_hdr *ip6 = (const void *)pkt->data;
	struct pkt_info *li = &s->li;
	enum xlat_stat r = pkt_parse6(pkt->data, pkt->len, false, li);

	if (r != XLAT_OK)
		return xlat_drop(ctx, r);
	pkt->len = li->pktlen; /* drop L2 padding */
	/* Extension headers after a Fragment header cannot be skipped in later fragments (as Jool: 1/1). */
	if (li->ext_after_frag)
		return icmp_refuse6(ctx, pkt, JSTAT64_FRAG_THEN_EXT, ICMPV6_DEST_UNREACH, ICMPV6_ADMIN_PROHIBITED, 0);
	/* RFC 7915 5.1: a Routing header with Segments Left != 0 -> Parameter Problem pointing at it. */
	if (li->seg_left_ptr)
		return icmp_refuse6(ctx, pkt, JSTAT64_SEGMENTS_LEFT, ICMPV6_PARAM_PROBLEM, ICMPV6_ERRONEOUS_HEADER,
				    li->seg_left_ptr);
	s->l4 = pkt->data + li->l3len;
	s->l4len = pkt->len - li->l3len;
	/* A first fragment or whole packet must hold its whole TCP/UDP/ICMP header (as Jool). */
	if (li->frag_off == 0 && s->l4len < l4_min_len(li->proto))
		return xlat_drop(ctx, JSTAT_SKB_TRUNCATED);
	/* a super-frame's segments get checksums of their own (tso.c) */
	if (!li->frag && !pkt->gso)
		l4_csum_offload(ctx, li->proto, s->l4, s->l4len,
				csum_pseudo6(ip6->src_addr, ip6->dst_addr, li->proto, s->l4len));
	s->icmp_err = false;
	if (li->proto != IPPROTO_ICMPV6)
		return XV_CONTINUE;
	/* The ICMPv6 checksum covers a pseudo-header with the full length: not fixable per fragment. */
	if (li->mf || li->frag_off)
		return xlat_drop(ctx, JSTAT64_FRAGMENTED_ICMP);
	if (s->l4len < ICMP_HDR_LEN)
		return xlat_drop(ctx, JSTAT_SKB_TRUNCATED);
	s->icmp_err = icmp6_is_error(s->l4[0]);
	r = icmp_map64(s->l4[0], s->l4[1], s->l4 + 4, &s->im);
	return r == XLAT_OK ? XV_CONTINUE : xlat_drop(ctx, r);
}

/* Where the IPv4 packet goes: nowhere for a hairpin (it never leaves as IPv4), else the route to dst4. */
static enum xlat_verdict xlat64_route(struct xlat_ctx *ctx, struct xlat_pkt *pkt, const struct xlat64_state *s)
{
	if (s->stays) {
		pkt->route.mtu = 0xffff;
		pkt->route.self_set = false;
		return XV_CONTINUE;
	}
	if (ctx->route(ctx->route_opaque, 4, (const uint8_t *)&s->dst4, &pkt->route) != 0)
		return xlat_drop(ctx, JSTAT_FAILED_ROUTES);
	return XV_CONTINUE;
}

/* RFC 7915 5.1: a datagram that is not an ICMPv6 error, its IPv4 header written where the IPv6 one ended. */
static enum xlat_verdict xlat64_datagram(struct xlat_ctx *ctx, struct xlat_pkt *pkt, struct xlat64_state *s)
{
	const struct rte_ipv6_hdr *ip6 = (const void *)pkt->data;
	uint32_t totlen = sizeof(struct rte_ipv4_hdr) + s->l4len;

	/* RFC 7915 5.1 / RFC 8200 5: IPv6 is not fragmented on the way, so too big means PTB (MTU + 20).
	 * A super-frame is cut to the MTU instead (pkt->gso). */
	if (totlen > pkt->route.mtu && !pkt->gso) {
		uint32_t mtu = pkt->route.mtu + 20u;
		return icmp_refuse6(ctx, pkt, JSTAT_PKT_TOO_BIG, ICMPV6_PKT_TOO_BIG, 0,
				    mtu < IPV6_MIN_MTU ? IPV6_MIN_MTU : mtu);
	}
	/* everything read from the old header before the new one overwrites it */
	uint8_t src6[16], dst6[16];
	memcpy(src6, ip6->src_addr, 16);
	memcpy(dst6, ip6->dst_addr, 16);
	uint8_t tos = xlat64_tos(ctx->cfg, ip6), ttl = (uint8_t)(ip6->hop_limits - 1);
	uint16_t id, frag;
	xlat64_id_flags(ctx, &s->li, totlen, &id, &frag);
	if (ctx->cfg->mode == XLAT_MODE_NAT64) {
		enum xlat_verdict v = nat64_tuple64_session(ctx, pkt, s, src6, dst6);
		if (v != XV_CONTINUE)
			return v;
	}
	bool icmp = s->li.proto == IPPROTO_ICMPV6;
	xlat64_l4_update(&s->li, s->l4, s->l4len, s->li.pktlen - s->li.l3len, src6, dst6, s->src4, s->dst4,
			 icmp ? &s->im : NULL);
	uint8_t *h = s->l4 - sizeof(struct rte_ipv4_hdr);
	ip4_hdr_write(h, tos, (uint16_t)totlen, id, frag, ttl, icmp ? IPPROTO_ICMP : s->li.proto, s->src4, s->dst4);
	xlat64_move(pkt, h, totlen);
	return XV_FORWARD;
}

enum xlat_verdict xlat64(struct xlat_ctx *ctx, struct xlat_pkt *pkt, bool *hairpin)
{
	const struct rte_ipv6_hdr *ip6 = (const void *)pkt->data;
	const bool nat64 = ctx->cfg->mode == XLAT_MODE_NAT64;
	struct xlat64_state s;
	enum xlat_verdict v = xlat64_check(ctx, pkt, &s);

	if (v != XV_CONTINUE)
		return v;
	/* the IPv4 destination: RFC 6146 3.5 (pool6 only) or RFC 7915 5.1 with RFC 7757 (EAMT, then pool6) */
	v = nat64 ? nat64_tuple64_dst(ctx, &s, ip6) : siit64_dst(ctx, &s, ip6);
	if (v != XV_CONTINUE)
		return v;
	/* RFC 7915 5.1: hop limit decremented; expired -> ICMPv6 Time Exceeded from the translator. */
	if (ip6->hop_limits <= 1)
		return icmp_refuse6(ctx, pkt, JSTAT64_TTL, ICMPV6_TIME_EXCEEDED, ICMPV6_HOP_LIMIT_EXCEEDED, 0);
	if ((v = xlat64_route(ctx, pkt, &s)) != XV_CONTINUE)
		return v;
	/* the IPv4 source; NAT64's comes from the session (an error's, from the session of what it quotes) */
	if (!nat64 && (v = siit64_src(ctx, pkt, &s, ip6)) != XV_CONTINUE)
		return v;
	*hairpin = s.hairpin;
	if (s.icmp_err)
		return xlat64_icmp_error(ctx, pkt, &s);
	return xlat64_datagram(ctx, pkt, &s);
}
