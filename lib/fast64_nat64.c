/* SPDX-License-Identifier: BSD-3-Clause */
/* The IPv6 -> IPv4 fast path in NAT64 mode (xlat_fast.h). */
#include <string.h>

#include "addr_xlat.h"
#include "checksum.h"
#include "fast.h"
#include "fast_nat64.h"
#include "l4.h"
#include "ip_hdr.h"
#include "nat64.h"
#include "nat64_burst.h"
#include "nat64_filter.h"
#include "nat64_tuple64.h"
#include "rfc6052.h"
#include "xlat64.h"
#include "xlat_step.h"

/* The memo's entries not in it yet, out of line and cold (fast64.c fast64_siit_dst()); false: declined. */
static __attribute__((noinline, cold)) bool fast64_nat64_dst(struct xlat_ctx *ctx, const struct xlat_config *cfg,
							    struct xlat_fmemo *m, struct xlat_fm6 *d,
							    const uint8_t *dst6)
{
	uint32_t d4;
	struct xlat_route rt;

	/* a pool6 destination that is not pool4 (hairpinning), routed */
	if ((ctx->own && ctx->own(ctx->route_opaque, 6, dst6)) || rfc6052_6to4(&cfg->g.pool6, dst6, &d4) != 0 ||
	    nat64_pool4_has(cfg, d4) || ctx->route(ctx->route_opaque, 4, (const uint8_t *)&d4, &rt) != 0)
		return false;
	fast_fm6_dst(d, m->gen, dst6, d4, &rt);
	return true;
}

static __attribute__((noinline, cold)) bool fast64_nat64_src(const struct xlat_config *cfg, struct xlat_fmemo *m,
							    struct xlat_fm6 *sm, const uint8_t *src6)
{
	/* a source that may have state: not in pool6 (a hairpin loop), one routers forward */
	if (prefix6_contains(&cfg->g.pool6, src6) || addr_unforwardable6(src6))
		return false;
	memcpy(sm->key, src6, 16);
	sm->a = (uint16_t)csum_a6_be(src6);
	sm->adj = (uint16_t)~sm->a; /* the IPv4 source comes from the session */
	sm->gen = m->gen;
	return true;
}

/*
 * xlat64()'s NAT64 branch for the common case: the tests that can send the
 * packet back untouched come first; nat64_out() changes state, so from there on
 * every outcome is xlat64()'s own (a refused flow is counted, and answered as
 * xlat64() answers it).
 */
static inline __attribute__((always_inline)) int fast64_nat64(struct xlat_ctx *ctx, const struct fast_env *env,
							    struct xlat_pkt *pkt, struct xlat_fmemo *m)
{
	const struct xlat_config *cfg = env->cfg;
	const struct rte_ipv6_hdr *ip6 = (const void *)pkt->data;
	struct fast_l4 u;
	struct icmp_map im;
	uint16_t sport, dport, nport;
	uint8_t flags;

	if (!fast64_accept(env, pkt, &u, &im))
		return XF_SLOW;
	uint8_t nproto = u.proto == IPPROTO_ICMPV6 ? IPPROTO_ICMP : u.proto; /* NAT64 keys use IPv4's numbers */
	if (!cfg->g.pool6_set || (nproto == IPPROTO_ICMP && cfg->g.nat.drop_icmpv6_info) ||
	    !l4_ports(nproto, u.l4, u.len, &sport, &dport, &flags))
		return XF_SLOW;
	struct xlat_fm6 *d = &m->d6[xlat_fm_slot6(ip6->dst_addr)], *sm = &m->s6[xlat_fm_slot6(ip6->src_addr)];
	if ((d->gen != m->gen || !xlat_same16(d->key, ip6->dst_addr)) &&
	    !fast64_nat64_dst(ctx, cfg, m, d, ip6->dst_addr))
		return XF_SLOW;
	if ((sm->gen != m->gen || !xlat_same16(sm->key, ip6->src_addr)) &&
	    !fast64_nat64_src(cfg, m, sm, ip6->src_addr))
		return XF_SLOW;
	uint32_t totlen = sizeof(struct rte_ipv4_hdr) + u.len, dst4 = d->val, src4;
	if (totlen > d->mtu)
		return XF_SLOW;

	/* committed: what xlat_process() + xlat64() do for it (received: fast_count_received(), once a run) */
	fast_route(pkt, d->nexthop, d->mtu);
	pkt->len = sizeof(*ip6) + u.len; /* L2 padding off: an ICMPv6 error below quotes the datagram */
	uint8_t tos = xlat_tos_apply(env->tos64, ip6_tclass(ip6)), ttl = (uint8_t)(ip6->hop_limits - 1);
	uint16_t id, frag;
	xlat64_id_flags_whole(ctx, totlen, &id, &frag);
	l4_csum_offload_at(ctx, u.coff, u.proto, u.l4, u.len, fast_pseudo_be(sm->a, d->a, u.proto, ip6->payload_len));
	enum xlat_stat r =
		nat64_out_fast(ctx, env->now_ms, nproto, ip6->src_addr, sport, dst4, dport, flags, &src4, &nport);
	if (r != XLAT_OK)
		return nat64_tuple64_refuse(ctx, pkt, r);
	uint32_t s4 = csum_a4_be(src4);
	if (nproto != IPPROTO_ICMP) {
		/* l4_set_port + l4_csum64 in one RFC 1624 update: the addresses and the source port */
		wr16(u.l4, nport);
		l4_adjust(u.proto, u.l4, sm->adj + s4 + d->adj + csum_delta(be16_(sport), be16_(nport)));
	} else {
		l4_set_port(nproto, u.l4, u.len, l4_port_off(nproto, false), nport);
		l4_csum64(u.proto, u.l4, u.len, u.len, ip6->src_addr, ip6->dst_addr, src4, dst4, &im);
	}
	uint8_t *h = u.l4 - sizeof(struct rte_ipv4_hdr);
	ip4_hdr_write_sum(h, tos, (uint16_t)totlen, id, frag, ttl, nproto, src4, dst4, s4 + d->h);
	fast64_move(pkt, h, totlen);
	xlat_count(ctx, JSTAT_SUCCESS);
	return XV_FORWARD;
}

int xlat_fast64_nat64(struct xlat_ctx *ctx, struct xlat_pkt *pkt, struct xlat_fmemo *m)
{
	return fast_one(fast64_nat64, 6, ctx, pkt, m);
}

unsigned xlat_fast64_nat64_run(struct xlat_ctx *ctx, struct xlat_pkt *pkts, unsigned n, struct xlat_fmemo *m,
			       uint8_t *v, int hint0)
{
	return fast_run(fast64_nat64, 6, ctx, pkts, n, m, v, hint0);
}
