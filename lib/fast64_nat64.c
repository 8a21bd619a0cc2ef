/* SPDX-License-Identifier: BSD-3-Clause */
/* The IPv6 -> IPv4 fast path in NAT64 mode (xlat_fast.h). */
#include <string.h>

#include "addr_xlat.h"
#include "checksum.h"
#include "fast.h"
#include "fast_nat64.h"
#include "icmp_reply.h"
#include "ip_hdr.h"
#include "nat64.h"
#include "nat64_filter.h"
#include "nat64_tuple64.h"
#include "rfc6052.h"
#include "xlat64.h"
#include "xlat_step.h"

/*
 * xlat64()'s NAT64 branch for the common case: the tests that can send the
 * packet back untouched come first; nat64_out() changes state, so from there on
 * every outcome is xlat64()'s own (a refused flow is counted, and answered as
 * xlat64() answers it).
 */
int xlat_fast64_nat64(struct xlat_ctx *ctx, struct xlat_pkt *pkt, struct xlat_fmemo *m)
{
	uint8_t *l4;
	uint32_t l4len;
	uint8_t proto;
	unsigned coff; /* where the TCP/UDP checksum is */
	struct icmp_map icmp;
	const struct icmp_map *im = &icmp;

	if (!fast64_accept(ctx, pkt, &l4, &l4len, &proto, &coff, &icmp))
		return XF_SLOW;
	const struct xlat_config *cfg = ctx->cfg;
	uint8_t *p = pkt->data;
	uint8_t nproto = proto == IPPROTO_ICMPV6_ ? IPPROTO_ICMP_ : proto;
	uint16_t sport, dport, nport;
	uint8_t flags;

	if (!cfg->g.pool6_set || (nproto == IPPROTO_ICMP_ && cfg->g.nat.drop_icmpv6_info) ||
	    !l4_ports(nproto, l4, l4len, &sport, &dport, &flags))
		return XF_SLOW;
	/* a pool6 destination that is not pool4 (hairpinning), routed */
	struct xlat_fm6 *d = &m->d6[xlat_fm_slot6(p + 24)], *sm = &m->s6[xlat_fm_slot6(p + 8)];
	if (d->gen != m->gen || !xlat_same16(d->key, p + 24)) {
		uint32_t d4;
		struct xlat_route rt;
		if ((ctx->own && ctx->own(ctx->route_opaque, 6, p + 24)) ||
		    rfc6052_6to4(&cfg->g.pool6, p + 24, &d4) != 0 || nat64_pool4_has(cfg, d4) ||
		    ctx->route(ctx->route_opaque, 4, (const uint8_t *)&d4, &rt) != 0)
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
	/* a source that may have state: not in pool6 (a hairpin loop), one routers forward */
	if (sm->gen != m->gen || !xlat_same16(sm->key, p + 8)) {
		if (prefix6_contains(&cfg->g.pool6, p + 8) || addr_unforwardable6(p + 8))
			return XF_SLOW;
		memcpy(sm->key, p + 8, 16);
		sm->a = (uint16_t)csum_a6(p + 8);
		sm->adj = (uint16_t)~sm->a; /* the IPv4 source comes from the session */
		sm->gen = m->gen;
	}
	uint32_t totlen = 20 + l4len, dst4 = d->val, src4;
	if (totlen > d->mtu)
		return XF_SLOW;

	/* committed: what xlat_process() + xlat64() do for it */
	xlat_count(ctx, JSTAT_RECEIVED6);
	pkt->frag_size = 0;
	pkt->len = 40 + l4len; /* L2 padding off: an ICMPv6 error below quotes the datagram */
	pkt->route.nexthop = d->nexthop; /* of the route, the caller reads only this */
	pkt->route.mtu = d->mtu;
	uint8_t tos = xlat64_tos(cfg, p), ttl = (uint8_t)(p[7] - 1);
	uint16_t id = 0, frag = IPV4_DF;
	if (totlen <= 1260) {
		id = (uint16_t)xlat_rand(ctx);
		frag = 0;
	}
	l4_csum_offload_at(ctx, coff, proto, l4, l4len, (uint32_t)sm->a + d->a + proto + l4len);
	enum xlat_stat r = nat64_out(ctx, nproto, p + 8, sport, dst4, dport, flags, &src4, &nport);
	if (r != XLAT_OK)
		return nat64_tuple64_refuse(ctx, pkt, r);
	uint32_t s4 = csum_a4(src4);
	if (nproto != IPPROTO_ICMP_) {
		/* l4_set_port + l4_csum64 in one RFC 1624 update: the addresses and the source port */
		wr16(l4, nport);
		l4_adjust(proto, l4, sm->adj + s4 + d->adj + csum_delta(sport, nport));
	} else {
		l4_set_port(nproto, l4, l4len, 4, nport);
		l4_csum64(proto, l4, l4len, l4len, p + 8, p + 24, src4, dst4, im);
	}
	uint8_t *h = l4 - 20;
	ip4_hdr_write_sum(h, tos, (uint16_t)totlen, id, frag, ttl, nproto, src4, dst4, s4 + d->h);
	pkt->headroom += 20;
	pkt->data = h;
	pkt->len = totlen;
	pkt->family = 4;
	xlat_count(ctx, JSTAT_SUCCESS);
	return XV_FORWARD;
}
