/* SPDX-License-Identifier: BSD-3-Clause */
/* SIIT, IPv6 -> IPv4: the addresses (RFC 7915 5.1, RFC 7757 3.3, RFC 6052, RFC 6791). */
#include <string.h>

#include "addr_xlat.h"
#include "siit64.h"
#include "xlat_step.h"

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

enum xlat_verdict siit64_dst(struct xlat_ctx *ctx, struct xlat64_state *s, const struct rte_ipv6_hdr *ip6)
{
	const struct xlat_config *cfg = ctx->cfg;
	int map = addr_map64(cfg, ip6->dst_addr, &s->dst4);

	if (map < 0)
		return xlat_drop(ctx, map == ADDR_MAP_DENIED ? XLAT_DENYLIST4 : JSTAT64_DST);
	/*
	 * RFC 7757 4.2 / appendix B (intrinsic hairpinning): a pool6 destination whose
	 * IPv4 address is an EAMT one belongs to another IPv6 node: straight back to IPv6.
	 */
	s->hairpin = cfg->g.eam_hairpin_mode != EAM_HAIRPIN_OFF && map == ADDR_MAP_POOL6 &&
		     eamt_has4(&cfg->eamt, s->dst4);
	s->stays = s->hairpin;
	return XV_CONTINUE;
}

enum xlat_verdict siit64_src(struct xlat_ctx *ctx, const struct xlat_pkt *pkt, struct xlat64_state *s,
			     const struct rte_ipv6_hdr *ip6)
{
	if (addr_map64(ctx->cfg, ip6->src_addr, &s->src4) >= 0)
		return XV_CONTINUE;
	if (!s->icmp_err || rfc6791_src4(ctx, s->hairpin ? NULL : &pkt->route, &s->src4) != 0)
		return xlat_drop(ctx, JSTAT64_SRC);
	return XV_CONTINUE;
}

enum xlat_verdict siit64_quoted(struct xlat_ctx *ctx, struct xlat64_quote *q)
{
	const struct rte_ipv6_hdr *in = (const void *)q->in;

	if (addr_map64(ctx->cfg, in->src_addr, &q->src4) < 0 || addr_map64(ctx->cfg, in->dst_addr, &q->dst4) < 0)
		return xlat_drop(ctx, JSTAT_UNTRANSLATABLE_DST6);
	return XV_CONTINUE;
}
