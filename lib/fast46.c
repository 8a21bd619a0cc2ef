/* SPDX-License-Identifier: BSD-3-Clause */
/* The IPv4 -> IPv6 fast path (xlat_fast.h): SIIT here, NAT64 in fast46_nat64.c. */
#include <string.h>

#include "addr_xlat.h"
#include "checksum.h"
#include "fast.h"
#include "fast_nat64.h"
#include "ip_hdr.h"
#include "l4.h"
#include "xlat46.h"
#include "xlat_fast.h"
#include "xlat_step.h"

/* The memo's entries not in it yet, out of line and cold (fast64.c fast64_siit_dst()); false: declined. */
static __attribute__((noinline, cold)) bool fast46_siit_dst(struct xlat_ctx *ctx, const struct xlat_config *cfg,
							   struct xlat_fmemo *m, struct xlat_fm4 *d, uint32_t dst4)
{
	struct xlat_route rt;

	if ((ctx->own && ctx->own(ctx->route_opaque, 4, (const uint8_t *)&dst4)) ||
	    addr_map46(cfg, dst4, d->val) != 0 || ctx->route(ctx->route_opaque, 6, d->val, &rt) != 0) {
		d->gen = 0; /* d->val may have been written */
		return false;
	}
	d->nexthop = rt.nexthop;
	d->mtu = rt.mtu;
	fast_fm4(d, m->gen, dst4);
	return true;
}

static __attribute__((noinline, cold)) bool fast46_siit_src(const struct xlat_config *cfg, struct xlat_fmemo *m,
							   struct xlat_fm4 *sm, uint32_t src4)
{
	if (addr_map46(cfg, src4, sm->val) != 0) {
		sm->gen = 0;
		return false;
	}
	fast_fm4(sm, m->gen, src4);
	return true;
}

/*
 * xlat46() for the common case only (xlat_fast.h): every test below is one
 * xlat46() makes, in the order that lets the packet fall back untouched.
 */
static inline __attribute__((always_inline)) int fast46_siit(struct xlat_ctx *ctx, const struct fast_env *env,
							    struct xlat_pkt *pkt, struct xlat_fmemo *m)
{
	const struct rte_ipv4_hdr *ip4 = (const void *)pkt->data;
	struct fast_l4 u;
	struct icmp_map im;

	if (!fast46_accept(env, pkt, &u, &im))
		return XF_SLOW;
	const struct xlat_config *cfg = env->cfg;
	uint32_t dst4 = ip4->dst_addr, src4 = ip4->src_addr;
	struct xlat_fm4 *d = &m->d4[xlat_fm_slot4(dst4)], *sm = &m->s4[xlat_fm_slot4(src4)];
	if ((d->gen != m->gen || d->key != dst4) && !fast46_siit_dst(ctx, cfg, m, d, dst4))
		return XF_SLOW;
	if ((sm->gen != m->gen || sm->key != src4) && !fast46_siit_src(cfg, m, sm, src4))
		return XF_SLOW;
	uint32_t outlen = sizeof(struct rte_ipv6_hdr) + u.len, limit = d->mtu;
	if (!ip4_df(ip4) && env->lowest_ipv6_mtu < limit)
		limit = env->lowest_ipv6_mtu;
	if (outlen > limit)
		return XF_SLOW; /* Packet Too Big, or IPv6 fragments */

	/* committed: what xlat_process() + xlat46() do for it (its counters: fast_count_*(), once a run) */
	fast_route(pkt, d->nexthop, d->mtu);
	const uint8_t *src6 = sm->val, *dst6 = d->val;
	uint8_t tc = xlat_tos_apply(env->tclass46, ip4->type_of_service), hl = (uint8_t)(ip4->time_to_live - 1);
	l4_csum_offload_at(ctx, u.coff, u.proto, u.l4, u.len,
			   fast_pseudo_be(sm->a, d->a, u.proto, be16_((uint16_t)u.len)));
	/* the checks above leave a UDP checksum that is not zero, a whole TCP header, an echo */
	uint8_t proto6 = u.proto;
	if (!l4_adjust(u.proto, u.l4, sm->adj + d->adj)) {
		l4_csum46(u.proto, u.l4, u.len, u.len, src4, dst4, src6, dst6, &im);
		proto6 = IPPROTO_ICMPV6;
	}
	uint8_t *h = u.l4 - sizeof(struct rte_ipv6_hdr);
	ip6_hdr_write(h, tc, (uint16_t)u.len, proto6, hl, src6, dst6);
	xlat46_move(pkt, h, outlen);
	return XV_FORWARD;
}

static __attribute__((noinline)) int fast46_siit_one(struct xlat_ctx *ctx, struct xlat_pkt *pkt, struct xlat_fmemo *m)
{
	int v = fast_one(fast46_siit, 4, ctx, pkt, m);

	fast_count_siit_success(ctx, v != XF_SLOW);
	return v;
}

/* Each mode's fast path is a function of its own (a tail call here): neither pays for the other's registers. */
int xlat_fast46(struct xlat_ctx *ctx, struct xlat_pkt *pkt, struct xlat_fmemo *m)
{
	if (ctx->cfg->mode == XLAT_MODE_NAT64)
		return xlat_fast46_nat64(ctx, pkt, m);
	return fast46_siit_one(ctx, pkt, m);
}

unsigned xlat_fast46_siit_run(struct xlat_ctx *ctx, struct xlat_pkt *pkts, unsigned n, struct xlat_fmemo *m,
			      uint8_t *v)
{
	unsigned k = fast_run(fast46_siit, 4, ctx, pkts, n, m, v, -1);

	fast_count_siit_success(ctx, k);
	return k;
}
