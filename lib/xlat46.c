/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv4 -> IPv6 (RFC 7915 section 4), one datagram, step by step: the checks
 * that need no address (xlat46_check), the IPv6 destination (SIIT: siit46.c,
 * NAT64: nat64_tuple46.c), the TTL, a zero UDP checksum, the route, the IPv6
 * source, then either the ICMPv4 error and the packet it quotes
 * (xlat46_icmp.c) or the datagram itself (xlat46_datagram).
 */
#include <string.h>

#include "checksum.h"
#include "icmp_reply.h"
#include "icmp_types.h"
#include "ip_hdr.h"
#include "l4.h"
#include "nat64_tuple46.h"
#include "pkt_parse.h"
#include "rfc6052.h"
#include "siit46.h"
#include "xlat46.h"
#include "xlat_step.h"

/* RFC 7915 4.1: what makes an IPv4 packet untranslatable before its addresses are looked at. */
static enum xlat_verdict xlat46_check(struct xlat_ctx *ctx, struct xlat_pkt *pkt, struct xlat46_state *s)
{
	const struct rte_ipv4_hdr *ip4 = (const void *)pkt->data;
	struct pkt_info *li = &s->li;
	enum xlat_stat r = pkt_parse4(pkt->data, pkt->len, false, li);

	if (r != XLAT_OK)
		return xlat_drop(ctx, r);
	pkt->len = li->pktlen; /* drop L2 padding */
	if (li->src_route) /* RFC 7915 4.1 */
		return icmp_refuse4(ctx, pkt, JSTAT46_SRC_ROUTE, ICMPV4_DEST_UNREACH, ICMPV4_SOURCE_ROUTE_FAILED, 0);
	s->l4 = pkt->data + li->l3len;
	s->l4len = pkt->len - li->l3len;
	/* A first fragment or whole packet must hold its whole TCP/UDP/ICMP header (as Jool). */
	if (li->frag_off == 0 && s->l4len < l4_min_len(li->proto))
		return xlat_drop(ctx, JSTAT_SKB_TRUNCATED);
	s->src4 = ip4->src_addr;
	s->dst4 = ip4->dst_addr;
	/* a super-frame's segments get checksums of their own (tso.c) */
	if (!li->frag && !pkt->gso)
		l4_csum_offload(ctx, li->proto, s->l4, s->l4len, csum_pseudo4(s->src4, s->dst4, li->proto, s->l4len));
	s->udp_zero = li->proto == IPPROTO_UDP && li->frag_off == 0 && s->l4len >= sizeof(struct rte_udp_hdr) &&
		      ((const struct rte_udp_hdr *)(const void *)s->l4)->dgram_cksum == 0;
	s->port6 = 0;
	s->icmp_err = false;
	if (li->proto != IPPROTO_ICMP)
		return XV_CONTINUE;
	if (li->frag) /* the ICMPv6 pseudo-header needs the full length of the message */
		return xlat_drop(ctx, JSTAT46_FRAGMENTED_ICMP);
	if (s->l4len < ICMP_HDR_LEN)
		return xlat_drop(ctx, JSTAT_SKB_TRUNCATED);
	s->icmp_err = icmp4_is_error(s->l4[0]);
	r = icmp_map46(s->l4[0], s->l4[1], s->l4 + 4, &s->im);
	return r == XLAT_OK ? XV_CONTINUE : xlat_drop(ctx, r);
}

/* RFC 7915 4.5: a zero UDP checksum cannot cross into IPv6 unless computed; never for fragments. */
static enum xlat_verdict xlat46_udp_zero(struct xlat_ctx *ctx, struct xlat_pkt *pkt, const struct xlat46_state *s)
{
	if (!s->udp_zero)
		return XV_CONTINUE;
	if (s->li.frag)
		return icmp_refuse4(ctx, pkt, JSTAT46_FRAGMENTED_ZERO_CSUM, ICMPV4_DEST_UNREACH,
				    ICMPV4_ADMIN_PROHIBITED, 0);
	if (!ctx->cfg->g.amend_udp_checksum_zero && ctx->cfg->mode != XLAT_MODE_NAT64) /* stateful: always computed */
		return icmp_refuse4(ctx, pkt, XLAT_UDP_ZERO_CSUM, ICMPV4_DEST_UNREACH, ICMPV4_ADMIN_PROHIBITED, 0);
	return XV_CONTINUE;
}

/* The L4 checksum for the new addresses; a zero UDP one computed over the whole datagram (amended). */
static void xlat46_l4(struct xlat_ctx *ctx, struct xlat46_state *s)
{
	const struct pkt_info *li = &s->li;

	if (s->udp_zero) {
		struct rte_udp_hdr *udp = (void *)s->l4;
		uint32_t pseudo = csum_pseudo6(s->src6, s->dst6, IPPROTO_UDP, s->l4len);
		uint16_t c = csum_fold(csum_partial(s->l4, s->l4len, pseudo));
		udp->dgram_cksum = rte_cpu_to_be_16(c ? c : 0xffff);
	} else {
		xlat46_l4_update(li, s->l4, s->l4len, s->l4len, s->src4, s->dst4, s->src6, s->dst6,
				 li->proto == IPPROTO_ICMP ? &s->im : NULL);
	}
	if (ctx->cfg->mode == XLAT_MODE_NAT64 && li->frag_off == 0) /* the IPv6 host's own port (or query id) back */
		l4_set_port(li->proto, s->l4, s->l4len, l4_port_off(li->proto, true), s->port6);
}

/* RFC 7915 4.1: a datagram that is not an ICMPv4 error, its IPv6 header written in front of its payload. */
static enum xlat_verdict xlat46_datagram(struct xlat_ctx *ctx, struct xlat_pkt *pkt, struct xlat46_state *s)
{
	const struct rte_ipv4_hdr *ip4 = (const void *)pkt->data;
	const struct pkt_info *li = &s->li;
	/* RFC 7915 4.1: a Fragment header only for IPv4 fragments, or when we must fragment (DF clear). */
	bool fraghdr = li->frag;
	uint32_t fhlen = sizeof(struct rte_ipv6_fragment_ext);
	uint32_t outlen = sizeof(struct rte_ipv6_hdr) + (fraghdr ? fhlen : 0) + s->l4len;

	/* a super-frame is cut to the MTU after translation (pkt->gso): neither too big nor fragmented */
	if (!pkt->gso) {
		enum xlat_verdict v = xlat46_fit(ctx, pkt, li->df, &fraghdr, &outlen);
		if (v != XV_CONTINUE)
			return v;
	}
	uint8_t tc = xlat46_tclass(ctx->cfg, ip4), ttl = ip4->time_to_live;
	uint8_t hl = s->hairpin ? ttl : (uint8_t)(ttl - 1);
	uint8_t proto = li->proto == IPPROTO_ICMP ? IPPROTO_ICMPV6 : li->proto;
	xlat46_l4(ctx, s);
	uint8_t *h = s->l4 - sizeof(struct rte_ipv6_hdr) - (fraghdr ? fhlen : 0);
	if (h < pkt->data && (uint32_t)(pkt->data - h) > pkt->headroom)
		return xlat_drop(ctx, XLAT_NO_MBUF);
	ip6_hdr_write(h, tc, (uint16_t)(outlen - sizeof(struct rte_ipv6_hdr)), fraghdr ? IPPROTO_FRAGMENT : proto, hl,
		      s->src6, s->dst6);
	if (fraghdr)
		ip6_frag_hdr_write(h + sizeof(struct rte_ipv6_hdr), proto, li->frag_off, li->mf, li->frag_id);
	xlat46_move(pkt, h, outlen);
	return XV_FORWARD;
}

enum xlat_verdict xlat46(struct xlat_ctx *ctx, struct xlat_pkt *pkt, bool hairpin)
{
	const struct rte_ipv4_hdr *ip4 = (const void *)pkt->data;
	const bool nat64 = ctx->cfg->mode == XLAT_MODE_NAT64;
	struct xlat46_state s;
	enum xlat_verdict v = xlat46_check(ctx, pkt, &s);

	if (v != XV_CONTINUE)
		return v;
	s.hairpin = hairpin;
	/* the IPv6 destination: RFC 6146 3.5 (the session's) or RFC 7915 4.1 with RFC 7757 (EAMT, then pool6) */
	v = nat64 ? nat64_tuple46_dst(ctx, pkt, &s) : siit46_dst(ctx, &s);
	if (v != XV_CONTINUE)
		return v;
	/* RFC 7915 4.1: TTL decremented (once: a hairpinned packet lost it on the way in) */
	if (!hairpin && ip4->time_to_live <= 1)
		return xlat46_ttl_expired(ctx, pkt, &s);
	if ((v = xlat46_udp_zero(ctx, pkt, &s)) != XV_CONTINUE)
		return v;
	if (ctx->route(ctx->route_opaque, 6, s.dst6, &pkt->route) != 0)
		return xlat_drop(ctx, JSTAT_FAILED_ROUTES);
	/* the IPv6 source: NAT64's is the IPv4 source's pool6 form (RFC 6146 3.5) */
	if (nat64)
		rfc6052_4to6(&ctx->cfg->g.pool6, s.src4, s.src6);
	else if ((v = siit46_src(ctx, pkt, &s)) != XV_CONTINUE)
		return v;
	if (s.icmp_err)
		return xlat46_icmp_error(ctx, pkt, &s);
	return xlat46_datagram(ctx, pkt, &s);
}
