/* SPDX-License-Identifier: BSD-3-Clause */
/* The IPv4 -> IPv6 fast path in NAT64 mode (xlat_fast.h). */
#include <string.h>

#include "addr_xlat.h"
#include "checksum.h"
#include "fast.h"
#include "fast_nat64.h"
#include "ip_hdr.h"
#include "l4.h"
#include "nat64.h"
#include "nat64_burst.h"
#include "nat64_filter.h"
#include "nat64_tuple46.h"
#include "rfc6052.h"
#include "xlat46.h"
#include "xlat_step.h"

/* The memo's entries not in it yet, out of line and cold (fast64.c fast64_siit_dst()); false: declined. */
static __attribute__((noinline, cold)) bool fast46_nat64_dst(struct xlat_ctx *ctx, const struct xlat_config *cfg,
							    struct xlat_fmemo *m, struct xlat_fm4 *d, uint32_t dst4)
{
	/* a pool4 destination (the classifier's test); its checksum part */
	if (!nat64_pool4_has(cfg, dst4) || (ctx->own && ctx->own(ctx->route_opaque, 4, (const uint8_t *)&dst4)))
		return false;
	d->key = dst4;
	d->a = (uint16_t)csum_a4_be(dst4);
	d->adj = (uint16_t)~d->a; /* the IPv6 side comes from the session */
	d->gen = m->gen;
	return true;
}

static __attribute__((noinline, cold)) bool fast46_nat64_src(const struct xlat_config *cfg, struct xlat_fmemo *m,
							    struct xlat_fm4 *sm, uint32_t src4)
{
	/* a source that may have state (not martian, RFC 1812 5.3.7), not pool4 itself (hairpinning); its pool6 form */
	if (!cfg->g.pool6_set || addr_reserved4(src4) || nat64_pool4_has(cfg, src4))
		return false;
	rfc6052_4to6(&cfg->g.pool6, src4, sm->val);
	fast_fm4(sm, m->gen, src4);
	return true;
}

/*
 * xlat46()'s NAT64 branch for the common case (a whole TCP/UDP datagram or an
 * echo, to a pool4 address): the tests that can send the packet back untouched
 * come first; nat64_in() changes state, so from there on every outcome is
 * xlat46()'s own (refusals answered as it answers them, the route and the MTU
 * after the session, IPv6 fragments when DF is clear).
 */
static inline __attribute__((always_inline)) int fast46_nat64(struct xlat_ctx *ctx, const struct fast_env *env,
							    struct xlat_pkt *pkt, struct xlat_fmemo *m)
{
	const struct xlat_config *cfg = env->cfg;
	const struct rte_ipv4_hdr *ip4 = (const void *)pkt->data;
	struct fast_l4 u;
	struct icmp_map im;
	uint16_t sport, dport, nport;
	uint8_t flags;

	if (!fast46_accept(env, pkt, &u, &im) || !l4_ports(u.proto, u.l4, u.len, &sport, &dport, &flags))
		return XF_SLOW;
	uint32_t src4 = ip4->src_addr, dst4 = ip4->dst_addr;
	struct xlat_fm4 *d = &m->d4[xlat_fm_slot4(dst4)], *sm = &m->s4[xlat_fm_slot4(src4)];
	if ((d->gen != m->gen || d->key != dst4) && !fast46_nat64_dst(ctx, cfg, m, d, dst4))
		return XF_SLOW;
	if ((sm->gen != m->gen || sm->key != src4) && !fast46_nat64_src(cfg, m, sm, src4))
		return XF_SLOW;

	/* committed: what xlat_process() + xlat46() do for it (received: fast_count_received(), once a run) */
	pkt->frag_size = 0;
	pkt->len = sizeof(*ip4) + u.len; /* L2 padding off: an ICMPv4 error below quotes the datagram */
	uint8_t dst6[16];
	l4_csum_offload_at(ctx, u.coff, u.proto, u.l4, u.len,
			   fast_pseudo_be(sm->a, d->a, u.proto, be16_((uint16_t)u.len)));
	enum xlat_stat r = nat64_in_fast(ctx, env->now_ms, u.proto, src4, sport, dst4, dport, flags, dst6, &nport);
	if (r != XLAT_OK)
		return nat64_tuple46_refuse(ctx, pkt, r, false);
	const struct xlat_fr6 *rc = fast_fr6(ctx, m, dst6);
	if (!rc)
		return xlat_drop(ctx, JSTAT_FAILED_ROUTES);
	fast_route(pkt, rc->nexthop, rc->mtu);
	const uint8_t *src6 = sm->val;
	uint32_t outlen = sizeof(struct rte_ipv6_hdr) + u.len;
	bool fraghdr = false;
	enum xlat_verdict v = xlat46_fit(ctx, pkt, ip4_df(ip4), &fraghdr, &outlen);
	if (v != XV_CONTINUE)
		return v;
	uint8_t tc = xlat_tos_apply(env->tclass46, ip4->type_of_service), hl = (uint8_t)(ip4->time_to_live - 1);
	uint8_t nproto = u.proto;
	if (u.proto != IPPROTO_ICMP) {
		/* xlat46_l4_update + l4_set_port in one RFC 1624 update: the addresses and the destination port */
		wr16(u.l4 + l4_port_off(u.proto, true), nport);
		l4_adjust(u.proto, u.l4, sm->adj + d->adj + rc->a + csum_delta(be16_(dport), be16_(nport)));
	} else {
		l4_csum46(u.proto, u.l4, u.len, u.len, src4, dst4, src6, dst6, &im);
		l4_set_port(u.proto, u.l4, u.len, l4_port_off(u.proto, true), nport);
		nproto = IPPROTO_ICMPV6;
	}
	uint8_t *h = u.l4 - sizeof(struct rte_ipv6_hdr) - (fraghdr ? sizeof(struct rte_ipv6_fragment_ext) : 0);
	if ((uint32_t)(pkt->data - h) > pkt->headroom)
		return xlat_drop(ctx, XLAT_NO_MBUF);
	uint16_t id = be16_(ip4->packet_id); /* the new header overwrites the old one */
	ip6_hdr_write(h, tc, (uint16_t)(outlen - sizeof(struct rte_ipv6_hdr)), fraghdr ? IPPROTO_FRAGMENT : nproto, hl,
		      src6, dst6);
	if (fraghdr)
		ip6_frag_hdr_write(h + sizeof(struct rte_ipv6_hdr), nproto, 0, false, id);
	xlat46_move(pkt, h, outlen);
	xlat_count(ctx, JSTAT_SUCCESS);
	return XV_FORWARD;
}

int xlat_fast46_nat64(struct xlat_ctx *ctx, struct xlat_pkt *pkt, struct xlat_fmemo *m)
{
	return fast_one(fast46_nat64, 4, ctx, pkt, m);
}

unsigned xlat_fast46_nat64_run(struct xlat_ctx *ctx, struct xlat_pkt *pkts, unsigned n, struct xlat_fmemo *m,
			       uint8_t *v, int hint0)
{
	return fast_run(fast46_nat64, 4, ctx, pkts, n, m, v, hint0);
}
