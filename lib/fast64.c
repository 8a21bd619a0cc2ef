/* SPDX-License-Identifier: BSD-3-Clause */
/* The IPv6 -> IPv4 fast path (xlat_fast.h): SIIT here, NAT64 in fast64_nat64.c. */
#include <string.h>

#include "addr_xlat.h"
#include "checksum.h"
#include "fast.h"
#include "fast_nat64.h"
#include "ip_hdr.h"
#include "xlat64.h"
#include "xlat_fast.h"
#include "xlat_step.h"

/*
 * xlat64() for the common case only (xlat_fast.h): every test below is one
 * xlat64() makes, in the order that lets the packet fall back untouched; the
 * rewrite is xlat64()'s own (same helpers, same random draws).
 */
static __attribute__((noinline)) int fast64_siit(struct xlat_ctx *ctx, struct xlat_pkt *pkt, struct xlat_fmemo *m)
{
	const struct xlat_config *cfg = ctx->cfg;
	uint8_t *p = pkt->data;

	uint8_t *l4;
	uint32_t l4len;
	uint8_t proto;
	unsigned coff; /* where the TCP/UDP checksum is */
	struct icmp_map im;
	if (!fast64_accept(ctx, pkt, &l4, &l4len, &proto, &coff, &im))
		return XF_SLOW;

	/* destination: EAMT or pool6 (not denied), not intrinsically hairpinned, routed */
	struct xlat_fm6 *d = &m->d6[xlat_fm_slot6(p + 24)], *sm = &m->s6[xlat_fm_slot6(p + 8)];
	if (d->gen != m->gen || !xlat_same16(d->key, p + 24)) {
		uint32_t d4;
		struct xlat_route rt;
		if (ctx->own && ctx->own(ctx->route_opaque, 6, p + 24))
			return XF_SLOW;
		int map = addr_map64(cfg, p + 24, &d4);
		if (map < 0)
			return XF_SLOW;
		if (cfg->g.eam_hairpin_mode != EAM_HAIRPIN_OFF && map == ADDR_MAP_POOL6 && eamt_has4(&cfg->eamt, d4))
			return XF_SLOW;
		if (ctx->route(ctx->route_opaque, 4, (const uint8_t *)&d4, &rt) != 0)
			return XF_SLOW;
		memcpy(d->key, p + 24, 16);
		d->val = d4;
		d->a = (uint16_t)csum_a6(p + 24);
		d->adj = csum_delta(d->a, csum_a4(d4));
		d->h = csum_a4(d4);
		d->nexthop = rt.nexthop;
		d->mtu = rt.mtu;
		d->gen = m->gen;
	}
	if (sm->gen != m->gen || !xlat_same16(sm->key, p + 8)) {
		uint32_t s4;
		if (addr_map64(cfg, p + 8, &s4) < 0)
			return XF_SLOW;
		memcpy(sm->key, p + 8, 16);
		sm->val = s4;
		sm->a = (uint16_t)csum_a6(p + 8);
		sm->adj = csum_delta(sm->a, csum_a4(s4));
		sm->h = csum_a4(s4);
		sm->gen = m->gen;
	}
	uint32_t totlen = 20 + l4len, src4 = sm->val, dst4 = d->val;
	if (totlen > d->mtu)
		return XF_SLOW; /* Packet Too Big */

	/* committed: what xlat_process() + xlat64() do for it */
	xlat_count(ctx, JSTAT_RECEIVED6);
	pkt->frag_size = 0;
	pkt->route.nexthop = d->nexthop; /* of the route, the caller reads only this */
	pkt->route.mtu = d->mtu;
	uint8_t tos = xlat64_tos(cfg, p), ttl = (uint8_t)(p[7] - 1);
	uint16_t id = 0, frag = IPV4_DF;
	if (totlen <= 1260) {
		id = (uint16_t)xlat_rand(ctx);
		frag = 0;
	}
	l4_csum_offload_at(ctx, coff, proto, l4, l4len, (uint32_t)sm->a + d->a + proto + l4len);
	if (!l4_adjust(proto, l4, sm->adj + d->adj))
		l4_csum64(proto, l4, l4len, l4len, p + 8, p + 24, src4, dst4, &im);
	if (proto == IPPROTO_ICMPV6_)
		proto = IPPROTO_ICMP_;
	uint8_t *h = l4 - 20;
	ip4_hdr_write_sum(h, tos, (uint16_t)totlen, id, frag, ttl, proto, src4, dst4, sm->h + d->h);
	pkt->headroom += 20;
	pkt->data = h;
	pkt->len = totlen;
	pkt->family = 4;
	xlat_count(ctx, JSTAT_SUCCESS);
	return XV_FORWARD;
}

/* Each mode's fast path is a function of its own (a tail call here): neither pays for the other's registers. */
int xlat_fast64(struct xlat_ctx *ctx, struct xlat_pkt *pkt, struct xlat_fmemo *m)
{
	if (ctx->cfg->mode == XLAT_MODE_NAT64)
		return xlat_fast64_nat64(ctx, pkt, m);
	return fast64_siit(ctx, pkt, m);
}
