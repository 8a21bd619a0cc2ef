/* SPDX-License-Identifier: BSD-3-Clause */
/* The IPv6 -> IPv4 fast path (xlat_fast.h): SIIT here, NAT64 in fast64_nat64.c. */
#include <string.h>

#include "addr_xlat.h"
#include "checksum.h"
#include "fast.h"
#include "fast_nat64.h"
#include "ip_hdr.h"
#include "l4.h"
#include "xlat64.h"
#include "xlat_fast.h"
#include "xlat_step.h"

/*
 * The memo's entries for a destination and a source not in it yet (false: not
 * one the fast path takes). Out of line and cold: the loop that inlines the
 * fast path keeps its registers for the packets that hit.
 */
static __attribute__((noinline, cold)) bool fast64_siit_dst(struct xlat_ctx *ctx, const struct xlat_config *cfg,
							   struct xlat_fmemo *m, struct xlat_fm6 *d,
							   const uint8_t *dst6)
{
	uint32_t d4;
	struct xlat_route rt;

	if (ctx->own && ctx->own(ctx->route_opaque, 6, dst6))
		return false;
	int map = addr_map64(cfg, dst6, &d4);
	if (map < 0)
		return false;
	if (cfg->g.eam_hairpin_mode != EAM_HAIRPIN_OFF && map == ADDR_MAP_POOL6 && eamt_has4(&cfg->eamt, d4))
		return false;
	if (ctx->route(ctx->route_opaque, 4, (const uint8_t *)&d4, &rt) != 0)
		return false;
	fast_fm6_dst(d, m->gen, dst6, d4, &rt);
	return true;
}

static __attribute__((noinline, cold)) bool fast64_siit_src(const struct xlat_config *cfg, struct xlat_fmemo *m,
							   struct xlat_fm6 *sm, const uint8_t *src6)
{
	uint32_t s4;

	if (addr_map64(cfg, src6, &s4) < 0)
		return false;
	fast_fm6(sm, m->gen, src6, s4);
	return true;
}

/*
 * xlat64() for the common case only (xlat_fast.h): every test below is one
 * xlat64() makes, in the order that lets the packet fall back untouched; the
 * rewrite is xlat64()'s own (same helpers, same random draws).
 */
static inline __attribute__((always_inline)) int fast64_siit(struct xlat_ctx *ctx, const struct fast_env *env,
							    struct xlat_pkt *pkt, struct xlat_fmemo *m)
{
	const struct rte_ipv6_hdr *ip6 = (const void *)pkt->data;
	struct fast_l4 u;
	struct icmp_map im;

	if (!fast64_accept(env, pkt, &u, &im))
		return XF_SLOW;
	const struct xlat_config *cfg = env->cfg;
	/* destination: EAMT or pool6 (not denied), not intrinsically hairpinned, routed */
	struct xlat_fm6 *d = &m->d6[xlat_fm_slot6(ip6->dst_addr)], *sm = &m->s6[xlat_fm_slot6(ip6->src_addr)];
	if ((d->gen != m->gen || !xlat_same16(d->key, ip6->dst_addr)) &&
	    !fast64_siit_dst(ctx, cfg, m, d, ip6->dst_addr))
		return XF_SLOW;
	if ((sm->gen != m->gen || !xlat_same16(sm->key, ip6->src_addr)) && !fast64_siit_src(cfg, m, sm, ip6->src_addr))
		return XF_SLOW;
	uint32_t totlen = sizeof(struct rte_ipv4_hdr) + u.len, src4 = sm->val, dst4 = d->val;
	if (totlen > d->mtu)
		return XF_SLOW; /* Packet Too Big */

	/* committed: what xlat_process() + xlat64() do for it (its counters: fast_count_*(), once a run) */
	fast_route(pkt, d->nexthop, d->mtu);
	uint8_t tos = xlat_tos_apply(env->tos64, ip6_tclass(ip6)), ttl = (uint8_t)(ip6->hop_limits - 1);
	uint16_t id, frag;
	xlat64_id_flags_whole(ctx, totlen, &id, &frag);
	l4_csum_offload_at(ctx, u.coff, u.proto, u.l4, u.len, fast_pseudo_be(sm->a, d->a, u.proto, ip6->payload_len));
	if (!l4_adjust(u.proto, u.l4, sm->adj + d->adj))
		l4_csum64(u.proto, u.l4, u.len, u.len, ip6->src_addr, ip6->dst_addr, src4, dst4, &im);
	uint8_t proto4 = u.proto == IPPROTO_ICMPV6 ? IPPROTO_ICMP : u.proto;
	uint8_t *h = u.l4 - sizeof(struct rte_ipv4_hdr);
	ip4_hdr_write_sum(h, tos, (uint16_t)totlen, id, frag, ttl, proto4, src4, dst4, sm->h + d->h);
	fast64_move(pkt, h, totlen);
	return XV_FORWARD;
}

static __attribute__((noinline)) int fast64_siit_one(struct xlat_ctx *ctx, struct xlat_pkt *pkt, struct xlat_fmemo *m)
{
	int v = fast_one(fast64_siit, 6, ctx, pkt, m);

	fast_count_siit_success(ctx, v != XF_SLOW);
	return v;
}

/* Each mode's fast path is a function of its own (a tail call here): neither pays for the other's registers. */
int xlat_fast64(struct xlat_ctx *ctx, struct xlat_pkt *pkt, struct xlat_fmemo *m)
{
	if (ctx->cfg->mode == XLAT_MODE_NAT64)
		return xlat_fast64_nat64(ctx, pkt, m);
	return fast64_siit_one(ctx, pkt, m);
}

unsigned xlat_fast64_siit_run(struct xlat_ctx *ctx, struct xlat_pkt *pkts, unsigned n, struct xlat_fmemo *m,
			      uint8_t *v)
{
	unsigned k = fast_run(fast64_siit, 6, ctx, pkts, n, m, v, -1);

	fast_count_siit_success(ctx, k);
	return k;
}
