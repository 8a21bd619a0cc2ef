/* SPDX-License-Identifier: BSD-3-Clause */
/* SIIT, IPv4 -> IPv6: the addresses (RFC 7915 4.1, RFC 7757 3.3 and appendix B, RFC 6052, RFC 6791). */
#include <string.h>

#include "addr_xlat.h"
#include "ip_hdr.h"
#include "siit46.h"
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

enum xlat_verdict siit46_dst(struct xlat_ctx *ctx, struct xlat46_state *s)
{
	const struct xlat_config *cfg = ctx->cfg;
	int r = s->hairpin ? addr_map46_hairpin(cfg, s->dst4, s->dst6, false) : addr_map46(cfg, s->dst4, s->dst6);

	if (r != 0)
		return xlat_drop(ctx, addr_denied4(cfg, s->dst4) ? XLAT_DENYLIST4 : JSTAT46_DST);
	return XV_CONTINUE;
}

enum xlat_verdict siit46_src(struct xlat_ctx *ctx, const struct xlat_pkt *pkt, struct xlat46_state *s)
{
	const struct xlat_config *cfg = ctx->cfg;
	/* a hairpin's source was pool6 on the way in; an ICMPv4 error's may be any router's (addr_map46_errsrc) */
	int r = s->hairpin    ? addr_map46_hairpin(cfg, s->src4, s->src6, true)
		: s->icmp_err ? addr_map46_errsrc(cfg, s->src4, s->src6)
			      : addr_map46(cfg, s->src4, s->src6);

	if (r != 0 && (!s->icmp_err || rfc6791_src6(ctx, &pkt->route, s->src6) != 0))
		return xlat_drop(ctx, addr_denied4(cfg, s->src4) ? XLAT_DENYLIST4 : JSTAT46_SRC);
	return XV_CONTINUE;
}

enum xlat_verdict siit46_quoted(struct xlat_ctx *ctx, const struct xlat46_state *s, struct xlat46_quote *q)
{
	const struct xlat_config *cfg = ctx->cfg;
	const struct rte_ipv4_hdr *in = (const void *)q->in;
	uint32_t src4 = in->src_addr, dst4 = in->dst_addr;
	bool untranslatable = s->hairpin ? (addr_map46_hairpin(cfg, src4, q->src6, false) != 0 ||
					    addr_map46_hairpin(cfg, dst4, q->dst6, true) != 0)
					 : (addr_map46(cfg, src4, q->src6) != 0 || addr_map46(cfg, dst4, q->dst6) != 0);

	return untranslatable ? xlat_drop(ctx, JSTAT_UNTRANSLATABLE_DST4) : XV_CONTINUE;
}
