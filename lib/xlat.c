/* SPDX-License-Identifier: BSD-3-Clause */
/* The entry point: which direction, hairpinning, totals. */
#include "rfc6052.h"
#include "xlat_internal.h"

bool xlat_wants6(const struct xlat_config *cfg, const uint8_t dst6[16])
{
	if (cfg->g.pool6_set && prefix6_contains(&cfg->g.pool6, dst6))
		return true;
	return cfg->mode == XLAT_MODE_SIIT && eamt_has6(&cfg->eamt, dst6);
}

bool xlat_wants4(const struct xlat_config *cfg, uint32_t dst4_be)
{
	/* SIIT: every IPv4 address has an IPv6 form through EAMT or pool6, bar the denied ones. */
	if (cfg->mode == XLAT_MODE_NAT64)
		return nat64_pool4_has(cfg, dst4_be); /* RFC 6146: only what is addressed to pool4 */
	if (eamt_has4(&cfg->eamt, dst4_be))
		return true;
	return cfg->mode == XLAT_MODE_SIIT && cfg->g.pool6_set && !denied4(cfg, dst4_be);
}

enum xlat_verdict xlat_process(struct xlat_ctx *ctx, struct xlat_pkt *pkt)
{
	enum xlat_verdict v;

	pkt->frag_size = 0;
	if (!ctx->cfg->g.manually_enabled) {
		count(ctx, JSTAT_XLATOR_DISABLED);
		return XV_DROP;
	}
	if (pkt->family == 6) {
		bool hairpin = false;
		count(ctx, JSTAT_RECEIVED6);
		v = xlat64(ctx, pkt, &hairpin);
		if (v == XV_FORWARD && hairpin) {
			count(ctx, XLAT_HAIRPIN);
			v = xlat46(ctx, pkt, true);
		}
	} else {
		count(ctx, JSTAT_RECEIVED4);
		v = xlat46(ctx, pkt, false);
	}
	if (v == XV_FORWARD)
		count(ctx, JSTAT_SUCCESS);
	return v;
}
