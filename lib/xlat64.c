/* SPDX-License-Identifier: BSD-3-Clause */
/* IPv6 -> IPv4: RFC 7915 section 5, one datagram (its ICMPv6 errors: xlat64_icmp.c). */
#include <string.h>

#include "addr_xlat.h"
#include "checksum.h"
#include "icmp_reply.h"
#include "icmp_types.h"
#include "ip_hdr.h"
#include "nat64.h"
#include "nat64_filter.h"
#include "nat64_tuple64.h"
#include "rfc6052.h"
#include "xlat64.h"
#include "xlat_step.h"

/*
 * RFC 7915 5.1: Identification/flags. With a Fragment Header: low 16 bits of its
 * id, MF and offset copied, DF clear. Without: DF set when the IPv4 packet is
 * larger than 1260 bytes (so that PMTUD works), with id 0 (RFC 6864 atomic
 * datagram); smaller ones get DF clear and a random id.
 */
void xlat64_id_flags(struct xlat_ctx *ctx, const struct pkt_info *li, uint32_t totlen, uint16_t *id, uint16_t *frag)
{
	if (li->frag) {
		*id = (uint16_t)li->frag_id;
		*frag = (uint16_t)(li->frag_off | (li->mf ? RTE_IPV4_HDR_MF_FLAG : 0));
	} else {
		xlat64_id_flags_whole(ctx, totlen, id, frag);
	}
}

/* RFC 6791: the source of an ICMPv6 error whose source has no IPv4 form. */
static int rfc6791_src4(struct xlat_ctx *ctx, const struct xlat_route *rt, uint32_t *src4)
{
	const struct xlat_globals *g = &ctx->cfg->g;

	if (g->rfc6791v4_set) {
		uint32_t host = g->rfc6791v4.len >= 32 ? 0 : (g->randomize_rfc6791 ? xlat_rand(ctx) : 0);
		uint32_t mask = g->rfc6791v4.len ? ~0u << (32 - g->rfc6791v4.len) : 0;
		*src4 = g->rfc6791v4.addr | __builtin_bswap32(host & ~mask);
		return 0;
	}
	xlat_count(ctx, JSTAT64_6791_ENOENT);
	if (rt && rt->self_set) {
		memcpy(src4, rt->self, 4);
		return 0;
	}
	return -1;
}

enum xlat_verdict xlat64(struct xlat_ctx *ctx, struct xlat_pkt *pkt, bool *hairpin)
{
	const struct xlat_config *cfg = ctx->cfg;
	uint8_t *p = pkt->data;
	struct pkt_info li;
	enum xlat_stat r = pkt_parse6(p, pkt->len, false, &li);

	if (r != XLAT_OK)
		return xlat_drop(ctx, r);
	pkt->len = li.pktlen; /* drop L2 padding */
	/* Extension headers after a Fragment header cannot be skipped in later fragments (as Jool: 1/1). */
	if (li.ext_after_frag) {
		return icmp_refuse6(ctx, pkt, JSTAT64_FRAG_THEN_EXT, ICMPV6_DEST_UNREACH, ICMPV6_ADMIN_PROHIBITED, 0);
	}
	/* RFC 7915 5.1: a Routing header with Segments Left != 0 -> Parameter Problem pointing at it. */
	if (li.seg_left_ptr) {
		return icmp_refuse6(ctx, pkt, JSTAT64_SEGMENTS_LEFT, ICMPV6_PARAM_PROBLEM, ICMPV6_ERRONEOUS_HEADER,
				    li.seg_left_ptr);
	}

	uint8_t *l4 = p + li.l3len;
	uint32_t l4len = pkt->len - li.l3len;
	/* A first fragment or whole packet must hold its whole TCP/UDP/ICMP header (as Jool). */
	if (li.frag_off == 0 && l4len < l4_min_len(li.proto))
		return xlat_drop(ctx, JSTAT_SKB_TRUNCATED);
	/* a super-frame's segments get checksums of their own (tso.c) */
	if (!li.frag && !pkt->gso)
		l4_csum_offload(ctx, li.proto, l4, l4len, csum_pseudo6(p + 8, p + 24, li.proto, l4len));
	bool icmp_err = false;
	struct icmp_map im;

	if (li.proto == IPPROTO_ICMPV6) {
		/* The ICMPv6 checksum covers a pseudo-header with the full length: not fixable per fragment. */
		if (li.mf || li.frag_off)
			return xlat_drop(ctx, JSTAT64_FRAGMENTED_ICMP);
		if (l4len < 8)
			return xlat_drop(ctx, JSTAT_SKB_TRUNCATED);
		icmp_err = icmp6_is_error(l4[0]);
		r = icmp_map64(l4[0], l4[1], l4 + 4, &im);
		if (r != XLAT_OK)
			return xlat_drop(ctx, r);
	}

	uint32_t src4, dst4;
	int dstmap = ADDR_MAP_POOL6;
	if (cfg->mode == XLAT_MODE_NAT64) {
		/* RFC 6146 3.5: NAT64 destinations are pool6 addresses only. */
		if (!cfg->g.pool6_set || rfc6052_6to4(&cfg->g.pool6, p + 24, &dst4) != 0)
			return xlat_drop(ctx, JSTAT_POOL6_MISMATCH);
		/* a pool6 source comes back here once translated (Jool: hairpinning loop); no state for
		 * sources no router forwards */
		if (prefix6_contains(&cfg->g.pool6, p + 8))
			return xlat_drop(ctx, JSTAT_HAIRPIN_LOOP);
		if (addr_unforwardable6(p + 8))
			return xlat_drop(ctx, JSTAT64_SRC);
	} else {
		dstmap = addr_map64(cfg, p + 24, &dst4);
		if (dstmap < 0)
			return xlat_drop(ctx, dstmap == ADDR_MAP_DENIED ? XLAT_DENYLIST4 : JSTAT64_DST);
	}
	/* RFC 7915 5.1: hop limit decremented; expired -> ICMPv6 Time Exceeded from the translator. */
	if (p[7] <= 1) {
		return icmp_refuse6(ctx, pkt, JSTAT64_TTL, ICMPV6_TIME_EXCEEDED, ICMPV6_HOP_LIMIT_EXCEEDED, 0);
	}

	/*
	 * RFC 7757 4.2 / appendix B (intrinsic hairpinning): a pool6 destination whose
	 * IPv4 address is an EAMT one belongs to another IPv6 node: straight back to IPv6.
	 */
	*hairpin = cfg->mode == XLAT_MODE_SIIT && cfg->g.eam_hairpin_mode != EAM_HAIRPIN_OFF && dstmap == ADDR_MAP_POOL6 &&
		   eamt_has4(&cfg->eamt, dst4);
	if (*hairpin || (cfg->mode == XLAT_MODE_NAT64 && nat64_pool4_has(cfg, dst4))) {
		/* hairpinned (EAM here, pool4 by the dataplane): it never leaves as IPv4 */
		pkt->route.mtu = 0xffff;
		pkt->route.self_set = false;
	} else if (ctx->route(ctx->route_opaque, 4, (const uint8_t *)&dst4, &pkt->route) != 0)
		return xlat_drop(ctx, JSTAT_FAILED_ROUTES);

	if (cfg->mode == XLAT_MODE_NAT64) {
		src4 = 0; /* from the session, below (or from the inner packet's, for errors) */
	} else if (addr_map64(cfg, p + 8, &src4) < 0) {
		if (!icmp_err || rfc6791_src4(ctx, *hairpin ? NULL : &pkt->route, &src4) != 0)
			return xlat_drop(ctx, JSTAT64_SRC);
	}

	if (icmp_err)
		return xlat64_icmp_error(ctx, pkt, &li, src4, dst4);

	uint32_t totlen = 20 + l4len;
	/* RFC 7915 5.1 / RFC 8200 5: IPv6 is not fragmented on the way, so too big means PTB (MTU + 20).
	 * A super-frame is cut to the MTU instead (pkt->gso). */
	if (totlen > pkt->route.mtu && !pkt->gso) {
		uint32_t mtu = pkt->route.mtu + 20u;
		return icmp_refuse6(ctx, pkt, JSTAT_PKT_TOO_BIG, ICMPV6_PKT_TOO_BIG, 0, mtu < 1280 ? 1280 : mtu);
	}

	uint8_t src6[16], dst6[16];
	memcpy(src6, p + 8, 16);
	memcpy(dst6, p + 24, 16);
	uint8_t tos = xlat64_tos(cfg, (const void *)p), ttl = (uint8_t)(p[7] - 1);
	uint16_t id, frag;
	xlat64_id_flags(ctx, &li, totlen, &id, &frag);

	if (cfg->mode == XLAT_MODE_NAT64 && li.frag_off != 0) {
		/* a later fragment: no ports; its datagram's first fragment told us the IPv4 source */
		uint8_t proto = li.proto == IPPROTO_ICMPV6 ? IPPROTO_ICMP : li.proto;
		if (nat64_frag_get(ctx, 6, proto, li.frag_id, src6, dst6, &src4, NULL) != 0)
			return xlat_drop(ctx, XLAT_NAT64_FRAGMENT);
	} else if (cfg->mode == XLAT_MODE_NAT64) {
		/* RFC 6146 3.5.1-3.5.3: BIB and session, then the source port (or query id) they give. */
		uint8_t proto = li.proto == IPPROTO_ICMPV6 ? IPPROTO_ICMP : li.proto;
		uint16_t sport, dport, nport;
		uint8_t flags;
		if (!l4_ports(proto, l4, l4len, &sport, &dport, &flags))
			return xlat_drop(ctx, JSTAT_UNKNOWN_L4_PROTO);
		if (proto == IPPROTO_ICMP && cfg->g.nat.drop_icmpv6_info)
			return xlat_drop(ctx, JSTAT_ICMP6_FILTER);
		r = nat64_out(ctx, proto, src6, sport, dst4, dport, flags, &src4, &nport);
		if (r != XLAT_OK)
			return nat64_tuple64_refuse(ctx, pkt, r);
		l4_set_port(proto, l4, l4len, proto == IPPROTO_ICMP ? 4 : 0, nport);
		if (li.mf)
			nat64_frag_put(ctx, 6, proto, li.frag_id, src6, dst6, src4, NULL);
	}

	xlat64_l4_update(&li, l4, l4len, li.pktlen - li.l3len, src6, dst6, src4, dst4,
		    li.proto == IPPROTO_ICMPV6 ? &im : NULL);

	uint8_t *h = l4 - 20;
	ip4_hdr_write(h, tos, (uint16_t)totlen, id, frag, ttl, li.proto == IPPROTO_ICMPV6 ? IPPROTO_ICMP : li.proto,
		   src4, dst4);
	pkt->headroom += (uint32_t)(h - p);
	pkt->data = h;
	pkt->len = totlen;
	pkt->family = 4;
	return XV_FORWARD;
}
