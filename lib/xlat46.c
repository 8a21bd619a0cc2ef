/* SPDX-License-Identifier: BSD-3-Clause */
/* IPv4 -> IPv6: RFC 7915 section 4, one datagram (its ICMPv4 errors: xlat46_icmp.c). */
#include <string.h>

#include "addr_xlat.h"
#include "checksum.h"
#include "icmp_reply.h"
#include "icmp_types.h"
#include "ip_hdr.h"
#include "nat64_tuple46.h"
#include "rfc6052.h"
#include "xlat46.h"
#include "xlat_step.h"

/* RFC 6791: the source of an ICMPv4 error whose source has no IPv6 form. */
static int rfc6791_src6(struct xlat_ctx *ctx, const struct xlat_route *rt, uint8_t src6[16])
{
	const struct xlat_globals *g = &ctx->cfg->g;

	if (g->rfc6791v6_set) {
		memcpy(src6, g->rfc6791v6.addr, 16);
		if (g->randomize_rfc6791) {
			for (unsigned bit = g->rfc6791v6.len; bit < 128; bit++)
				if (xlat_rand(ctx) & 1)
					src6[bit / 8] |= (uint8_t)(0x80 >> (bit % 8));
		}
		return 0;
	}
	xlat_count(ctx, JSTAT46_6791_ENOENT);
	if (rt->self_set) {
		memcpy(src6, rt->self, 16);
		return 0;
	}
	return -1;
}

enum xlat_verdict xlat46(struct xlat_ctx *ctx, struct xlat_pkt *pkt, bool hairpin)
{
	const struct xlat_config *cfg = ctx->cfg;
	uint8_t *p = pkt->data;
	struct pkt_info li;
	enum xlat_stat r = pkt_parse4(p, pkt->len, false, &li);

	if (r != XLAT_OK)
		return xlat_drop(ctx, r);
	pkt->len = li.pktlen;
	if (li.src_route) { /* RFC 7915 4.1 */
		return icmp_refuse4(ctx, pkt, JSTAT46_SRC_ROUTE, ICMPV4_DEST_UNREACH, ICMPV4_SOURCE_ROUTE_FAILED, 0);
	}
	uint8_t *l4 = p + li.l3len;
	uint32_t l4len = pkt->len - li.l3len;
	/* A first fragment or whole packet must hold its whole TCP/UDP/ICMP header (as Jool). */
	if (li.frag_off == 0 && l4len < l4_min_len(li.proto))
		return xlat_drop(ctx, JSTAT_SKB_TRUNCATED);
	uint32_t src4 = ld32(p + 12), dst4 = ld32(p + 16);
	/* a super-frame's segments get checksums of their own (tso.c) */
	if (!li.frag && !pkt->gso)
		l4_csum_offload(ctx, li.proto, l4, l4len, csum_pseudo4(src4, dst4, li.proto, l4len));
	bool icmp_err = false;
	struct icmp_map im;

	if (li.proto == IPPROTO_ICMP) {
		if (li.frag) { /* the ICMPv6 pseudo-header needs the full length of the message */
			return xlat_drop(ctx, JSTAT46_FRAGMENTED_ICMP);
		}
		if (l4len < 8)
			return xlat_drop(ctx, JSTAT_SKB_TRUNCATED);
		icmp_err = icmp4_is_error(l4[0]);
		r = icmp_map46(l4[0], l4[1], l4 + 4, &im);
		if (r != XLAT_OK)
			return xlat_drop(ctx, r);
	}

	uint8_t src6[16], dst6[16];
	uint16_t nport = 0;
	if (cfg->mode == XLAT_MODE_NAT64) {
		if (addr_reserved4(src4)) { /* a martian source (RFC 1812 5.3.7): no state, no reply */
			return xlat_drop(ctx, XLAT_DENYLIST4);
		}
		if (p[8] <= 1) {
			return icmp_err ? xlat_drop(ctx, JSTAT46_TTL) : icmp_refuse4(ctx, pkt, JSTAT46_TTL, ICMPV4_TIME_EXCEEDED, ICMPV4_TTL_EXCEEDED, 0);
		}
		r = nat64_tuple46_dst(ctx, &li, l4, l4len, icmp_err, src4, dst4, dst6, &nport);
		if (r != XLAT_OK)
			return nat64_tuple46_refuse(ctx, pkt, r, icmp_err);
	} else if ((hairpin ? addr_map46_hairpin(cfg, dst4, dst6, false) : addr_map46(cfg, dst4, dst6)) != 0)
		return xlat_drop(ctx, addr_denied4(cfg, dst4) ? XLAT_DENYLIST4 : JSTAT46_DST);
	/* RFC 7915 4.1: TTL decremented (once: a hairpinned packet lost it on the way in); expired -> Time Exceeded */
	if (!hairpin && p[8] <= 1) {
		return icmp_err ? xlat_drop(ctx, JSTAT46_TTL) : icmp_refuse4(ctx, pkt, JSTAT46_TTL, ICMPV4_TIME_EXCEEDED, ICMPV4_TTL_EXCEEDED, 0);
	}
	/* RFC 7915 4.5: a zero UDP checksum cannot cross into IPv6 unless computed; never for fragments. */
	if (li.proto == IPPROTO_UDP && li.frag_off == 0 && l4len >= 8 && rd16(l4 + 6) == 0) {
		if (li.frag) {
			return icmp_refuse4(ctx, pkt, JSTAT46_FRAGMENTED_ZERO_CSUM, ICMPV4_DEST_UNREACH, ICMPV4_ADMIN_PROHIBITED,
					    0);
		}
		if (!cfg->g.amend_udp_checksum_zero && cfg->mode != XLAT_MODE_NAT64) { /* stateful: always computed */
			return icmp_refuse4(ctx, pkt, XLAT_UDP_ZERO_CSUM, ICMPV4_DEST_UNREACH, ICMPV4_ADMIN_PROHIBITED, 0);
		}
	}
	if (ctx->route(ctx->route_opaque, 6, dst6, &pkt->route) != 0)
		return xlat_drop(ctx, JSTAT_FAILED_ROUTES);
	int srcmap = cfg->mode == XLAT_MODE_NAT64 ? (rfc6052_4to6(&cfg->g.pool6, src4, src6), 0)
		     : hairpin			  ? addr_map46_hairpin(cfg, src4, src6, true)
		     : icmp_err			  ? addr_map46_errsrc(cfg, src4, src6)
						  : addr_map46(cfg, src4, src6);
	if (srcmap != 0) {
		if (!icmp_err || rfc6791_src6(ctx, &pkt->route, src6) != 0)
			return xlat_drop(ctx, addr_denied4(cfg, src4) ? XLAT_DENYLIST4 : JSTAT46_SRC);
	}
	if (icmp_err)
		return xlat46_icmp_error(ctx, pkt, &li, src6, dst6, hairpin);

	/* RFC 7915 4.1: a Fragment header only for IPv4 fragments, or when we must fragment (DF clear). */
	bool fraghdr = li.frag;
	uint32_t outlen = 40 + (fraghdr ? 8 : 0) + l4len;
	/* a super-frame is cut to the MTU after translation (pkt->gso): neither too big nor fragmented */
	if (!pkt->gso) {
		enum xlat_verdict v = xlat46_fit(ctx, pkt, li.df, &fraghdr, &outlen);
		if (v != XV_CONTINUE)
			return v;
	}

	uint8_t tc = xlat46_tclass(cfg, (const void *)p), hl = hairpin ? p[8] : (uint8_t)(p[8] - 1), proto = li.proto;
	uint32_t id = li.frag_id;
	if (proto == IPPROTO_ICMP)
		proto = IPPROTO_ICMPV6;

	if (li.proto == IPPROTO_UDP && li.frag_off == 0 && l4len >= 8 && rd16(l4 + 6) == 0) {
		/* amend-udp-checksum-zero (checked above): compute it over the whole datagram */
		uint32_t sum = csum_pseudo6(src6, dst6, IPPROTO_UDP, l4len);
		uint16_t c = csum_fold(csum_partial(l4, l4len, sum));
		wr16(l4 + 6, c ? c : 0xffff);
	} else {
		xlat46_l4_update(&li, l4, l4len, l4len, src4, dst4, src6, dst6, li.proto == IPPROTO_ICMP ? &im : NULL);
	}
	if (cfg->mode == XLAT_MODE_NAT64 && li.frag_off == 0) /* the IPv6 host's own port (or query id) back */
		l4_set_port(li.proto, l4, l4len, li.proto == IPPROTO_ICMP ? 4 : 2, nport);

	uint8_t *h = l4 - 40 - (fraghdr ? 8 : 0);
	if (h < p && (uint32_t)(p - h) > pkt->headroom)
		return xlat_drop(ctx, XLAT_NO_MBUF);
	ip6_hdr_write(h, tc, (uint16_t)(outlen - 40), fraghdr ? IPPROTO_FRAGMENT : proto, hl, src6, dst6);
	if (fraghdr)
		ip6_frag_hdr_write(h + 40, proto, li.frag_off, li.mf, id);
	xlat46_move(pkt, h, outlen);
	return XV_FORWARD;
}
