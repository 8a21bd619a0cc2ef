/* SPDX-License-Identifier: BSD-3-Clause */
/* IPv6 -> IPv4: RFC 7915 section 5. */
#include "checksum.h"
#include "nat64.h"
#include "rfc6052.h"
#include "xlat_fast.h"
#include "xlat_internal.h"

void write_ipv4(uint8_t *h, uint8_t tos, uint16_t totlen, uint16_t id, uint16_t frag, uint8_t ttl, uint8_t proto,
		uint32_t src, uint32_t dst)
{
	h[0] = 0x45;
	h[1] = tos;
	wr16(h + 2, totlen);
	wr16(h + 4, id);
	wr16(h + 6, frag);
	h[8] = ttl;
	h[9] = proto;
	wr16(h + 10, 0);
	st32(h + 12, src);
	st32(h + 16, dst);
	wr16(h + 10, csum_ipv4_header(h, 20));
}

static uint8_t tclass6(const uint8_t *p)
{
	return (uint8_t)((p[0] << 4) | (p[1] >> 4));
}

/* RFC 7915 5.1: TOS is the traffic class, unless the operator overrides it. */
static uint8_t tos_of(const struct xlat_config *cfg, const uint8_t *ip6)
{
	return cfg->g.override_tos ? cfg->g.tos : tclass6(ip6);
}

/*
 * RFC 7915 5.1: Identification/flags. With a Fragment Header: low 16 bits of its
 * id, MF and offset copied, DF clear. Without: DF set when the IPv4 packet is
 * larger than 1260 bytes (so that PMTUD works), with id 0 (RFC 6864 atomic
 * datagram); smaller ones get DF clear and a random id.
 */
static void id_flags(struct xlat_ctx *ctx, const struct l3info *li, uint32_t totlen, uint16_t *id, uint16_t *frag)
{
	if (li->frag) {
		*id = (uint16_t)li->frag_id;
		*frag = (uint16_t)(li->frag_off | (li->mf ? IPV4_MF : 0));
	} else if (totlen > 1260) {
		*id = 0;
		*frag = IPV4_DF;
	} else {
		*id = (uint16_t)xrand(ctx);
		*frag = 0;
	}
}

/*
 * Update the L4 checksum of a TCP/UDP/ICMP header for the new addresses (RFC
 * 1624, so a wrong checksum stays wrong the same way). l4len is what the
 * buffer holds; ulen is the upper-layer length the pseudo-header carries.
 */
static void l4_csum64(uint8_t proto, uint8_t *l4, uint32_t l4len, uint32_t ulen, const uint8_t *src6,
		      const uint8_t *dst6, uint32_t src4, uint32_t dst4, const struct icmp_map *im)
{
	if (proto == IPPROTO_TCP_ && l4len >= 18) {
		wr16(l4 + 16, csum_replace(rd16(l4 + 16), csum_addr6(src6, dst6), csum_addr4(src4, dst4)));
	} else if (proto == IPPROTO_UDP_ && l4len >= 8) {
		uint16_t c = rd16(l4 + 6);
		if (c == 0)
			return; /* invalid in IPv6; in IPv4 it reads as "no checksum" */
		c = csum_replace(c, csum_addr6(src6, dst6), csum_addr4(src4, dst4));
		wr16(l4 + 6, c ? c : 0xffff);
	} else if (proto == IPPROTO_ICMPV6_ && im && l4len >= 4) {
		/* ICMPv4 has no pseudo-header: take it out, and swap the type/code word. */
		uint32_t old = csum_pseudo6(src6, dst6, IPPROTO_ICMPV6_, ulen) + rd16(l4);
		l4[0] = im->type;
		l4[1] = im->code;
		wr16(l4 + 2, csum_replace(rd16(l4 + 2), old, rd16(l4)));
	}
}

static void l4_update64(const struct l3info *li, uint8_t *l4, uint32_t l4len, uint32_t ulen, const uint8_t *src6,
			const uint8_t *dst6, uint32_t src4, uint32_t dst4, const struct icmp_map *im)
{
	if (li->frag_off != 0)
		return; /* no L4 header in a non-first fragment */
	l4_csum64(li->proto, l4, l4len, ulen, src6, dst6, src4, dst4, im);
}

void l4_set_port(uint8_t proto, uint8_t *l4, uint32_t l4len, unsigned off, uint16_t v)
{
	uint16_t old = rd16(l4 + off);
	unsigned coff = proto == IPPROTO_TCP_ ? 16 : proto == IPPROTO_UDP_ ? 6 : 2;

	if (old == v)
		return;
	wr16(l4 + off, v);
	if (l4len < coff + 2u)
		return;
	uint16_t c = rd16(l4 + coff);
	if (proto == IPPROTO_UDP_ && c == 0)
		return;
	c = csum_replace(c, old, v);
	wr16(l4 + coff, (proto == IPPROTO_UDP_ && c == 0) ? 0xffff : c);
}

/* RFC 6791: the source of an ICMPv6 error whose source has no IPv4 form. */
static int rfc6791_src4(struct xlat_ctx *ctx, const struct xlat_route *rt, uint32_t *src4)
{
	const struct xlat_globals *g = &ctx->cfg->g;

	if (g->rfc6791v4_set) {
		uint32_t host = g->rfc6791v4.len >= 32 ? 0 : (g->randomize_rfc6791 ? xrand(ctx) : 0);
		uint32_t mask = g->rfc6791v4.len ? ~0u << (32 - g->rfc6791v4.len) : 0;
		*src4 = g->rfc6791v4.addr | __builtin_bswap32(host & ~mask);
		return 0;
	}
	count(ctx, JSTAT64_6791_ENOENT);
	if (rt && rt->self_set) {
		memcpy(src4, rt->self, 4);
		return 0;
	}
	return -1;
}

enum xlat_verdict xlat64(struct xlat_ctx *ctx, struct xlat_pkt *pkt, bool *hairpin)
{
	const struct xlat_config *cfg = ctx->cfg;
	uint8_t *p = pkt->data;
	struct l3info li;
	int r = parse6(p, pkt->len, false, &li);

	if (r != XSTAT_MAX) {
		count(ctx, (enum xlat_stat)r);
		return XV_DROP;
	}
	pkt->len = li.pktlen; /* drop L2 padding */
	/* Extension headers after a Fragment header cannot be skipped in later fragments (as Jool: 1/1). */
	if (li.ext_after_frag) {
		count(ctx, JSTAT64_FRAG_THEN_EXT);
		return icmp6_error_reply(ctx, pkt, 1, 1, 0);
	}
	/* RFC 7915 5.1: a Routing header with Segments Left != 0 -> Parameter Problem pointing at it. */
	if (li.seg_left_ptr) {
		count(ctx, JSTAT64_SEGMENTS_LEFT);
		return icmp6_error_reply(ctx, pkt, 4, 0, li.seg_left_ptr);
	}

	uint8_t *l4 = p + li.l3len;
	uint32_t l4len = pkt->len - li.l3len;
	/* A first fragment or whole packet must hold its whole TCP/UDP/ICMP header (as Jool). */
	if (li.frag_off == 0 && l4len < l4_min_len(li.proto)) {
		count(ctx, JSTAT_SKB_TRUNCATED);
		return XV_DROP;
	}
	/* a super-frame's segments get checksums of their own (tso.c) */
	if (!li.frag && !pkt->gso)
		l4_csum_offload(ctx, li.proto, l4, l4len, csum_pseudo6(p + 8, p + 24, li.proto, l4len));
	bool icmp_err = false;
	struct icmp_map im;

	if (li.proto == IPPROTO_ICMPV6_) {
		/* The ICMPv6 checksum covers a pseudo-header with the full length: not fixable per fragment. */
		if (li.mf || li.frag_off) {
			count(ctx, JSTAT64_FRAGMENTED_ICMP);
			return XV_DROP;
		}
		if (l4len < 8) {
			count(ctx, JSTAT_SKB_TRUNCATED);
			return XV_DROP;
		}
		icmp_err = icmp6_is_error(l4[0]);
		r = icmp64_map(l4[0], l4[1], l4 + 4, &im);
		if (r != XSTAT_MAX) {
			count(ctx, (enum xlat_stat)r);
			return XV_DROP;
		}
	}

	uint32_t src4, dst4;
	int dstmap = MAP_POOL6;
	if (cfg->mode == XLAT_MODE_NAT64) {
		/* RFC 6146 3.5: NAT64 destinations are pool6 addresses only. */
		if (!cfg->g.pool6_set || rfc6052_6to4(&cfg->g.pool6, p + 24, &dst4) != 0) {
			count(ctx, JSTAT_POOL6_MISMATCH);
			return XV_DROP;
		}
		/* a pool6 source comes back here once translated (Jool: hairpinning loop); no state for
		 * sources no router forwards */
		if (prefix6_contains(&cfg->g.pool6, p + 8)) {
			count(ctx, JSTAT_HAIRPIN_LOOP);
			return XV_DROP;
		}
		if (unforwardable6(p + 8)) {
			count(ctx, JSTAT64_SRC);
			return XV_DROP;
		}
	} else {
		dstmap = map64(cfg, p + 24, &dst4);
		if (dstmap < 0) {
			count(ctx, dstmap == MAP_DENIED ? XLAT_DENYLIST4 : JSTAT64_DST);
			return XV_DROP;
		}
	}
	/* RFC 7915 5.1: hop limit decremented; expired -> ICMPv6 Time Exceeded from the translator. */
	if (p[7] <= 1) {
		count(ctx, JSTAT64_TTL);
		return icmp6_error_reply(ctx, pkt, 3, 0, 0);
	}

	/*
	 * RFC 7757 4.2 / appendix B (intrinsic hairpinning): a pool6 destination whose
	 * IPv4 address is an EAMT one belongs to another IPv6 node: straight back to IPv6.
	 */
	*hairpin = cfg->mode == XLAT_MODE_SIIT && cfg->g.eam_hairpin_mode != EAM_HAIRPIN_OFF && dstmap == MAP_POOL6 &&
		   eamt_has4(&cfg->eamt, dst4);
	if (*hairpin || (cfg->mode == XLAT_MODE_NAT64 && nat64_pool4_has(cfg, dst4))) {
		/* hairpinned (EAM here, pool4 by the dataplane): it never leaves as IPv4 */
		pkt->route.mtu = 0xffff;
		pkt->route.self_set = false;
	} else if (ctx->route(ctx->route_opaque, 4, (const uint8_t *)&dst4, &pkt->route) != 0) {
		count(ctx, JSTAT_FAILED_ROUTES);
		return XV_DROP;
	}

	if (cfg->mode == XLAT_MODE_NAT64) {
		src4 = 0; /* from the session, below (or from the inner packet's, for errors) */
	} else if (map64(cfg, p + 8, &src4) < 0) {
		if (!icmp_err || rfc6791_src4(ctx, *hairpin ? NULL : &pkt->route, &src4) != 0) {
			count(ctx, JSTAT64_SRC);
			return XV_DROP;
		}
	}

	if (icmp_err)
		return xlat64_icmp_error(ctx, pkt, &li, src4, dst4);

	uint32_t totlen = 20 + l4len;
	/* RFC 7915 5.1 / RFC 8200 5: IPv6 is not fragmented on the way, so too big means PTB (MTU + 20).
	 * A super-frame is cut to the MTU instead (pkt->gso). */
	if (totlen > pkt->route.mtu && !pkt->gso) {
		uint32_t mtu = pkt->route.mtu + 20u;
		count(ctx, JSTAT_PKT_TOO_BIG);
		return icmp6_error_reply(ctx, pkt, 2, 0, mtu < 1280 ? 1280 : mtu);
	}

	uint8_t src6[16], dst6[16];
	memcpy(src6, p + 8, 16);
	memcpy(dst6, p + 24, 16);
	uint8_t tos = tos_of(cfg, p), ttl = (uint8_t)(p[7] - 1);
	uint16_t id, frag;
	id_flags(ctx, &li, totlen, &id, &frag);

	if (cfg->mode == XLAT_MODE_NAT64 && li.frag_off != 0) {
		/* a later fragment: no ports; its datagram's first fragment told us the IPv4 source */
		uint8_t proto = li.proto == IPPROTO_ICMPV6_ ? IPPROTO_ICMP_ : li.proto;
		if (nat64_frag_get(ctx, 6, proto, li.frag_id, src6, dst6, &src4, NULL) != 0) {
			count(ctx, XLAT_NAT64_FRAGMENT);
			return XV_DROP;
		}
	} else if (cfg->mode == XLAT_MODE_NAT64) {
		/* RFC 6146 3.5.1-3.5.3: BIB and session, then the source port (or query id) they give. */
		uint8_t proto = li.proto == IPPROTO_ICMPV6_ ? IPPROTO_ICMP_ : li.proto;
		uint16_t sport, dport, nport;
		uint8_t flags;
		if (!l4_ports(proto, l4, l4len, &sport, &dport, &flags)) {
			count(ctx, JSTAT_UNKNOWN_L4_PROTO);
			return XV_DROP;
		}
		if (proto == IPPROTO_ICMP_ && cfg->g.nat.drop_icmpv6_info) {
			count(ctx, JSTAT_ICMP6_FILTER);
			return XV_DROP;
		}
		r = nat64_out(ctx, proto, src6, sport, dst4, dport, flags, &src4, &nport);
		if (r != XSTAT_MAX) {
			count(ctx, (enum xlat_stat)r);
			/* RFC 6146 3.5.1.1: no port left -> ICMPv6 Destination Unreachable, address unreachable */
			if (r == XLAT_POOL4_EXHAUSTED || r == XLAT_NAT64_TABLE_FULL)
				return icmp6_error_reply(ctx, pkt, 1, 3, 0);
			return XV_DROP;
		}
		l4_set_port(proto, l4, l4len, proto == IPPROTO_ICMP_ ? 4 : 0, nport);
		if (li.mf)
			nat64_frag_put(ctx, 6, proto, li.frag_id, src6, dst6, src4, NULL);
	}

	l4_update64(&li, l4, l4len, li.pktlen - li.l3len, src6, dst6, src4, dst4,
		    li.proto == IPPROTO_ICMPV6_ ? &im : NULL);

	uint8_t *h = l4 - 20;
	write_ipv4(h, tos, (uint16_t)totlen, id, frag, ttl, li.proto == IPPROTO_ICMPV6_ ? IPPROTO_ICMP_ : li.proto,
		   src4, dst4);
	pkt->headroom += (uint32_t)(h - p);
	pkt->data = h;
	pkt->len = totlen;
	pkt->family = 4;
	return XV_FORWARD;
}

/*
 * write_ipv4() with the addresses' part of the header checksum known (asum:
 * csum_a4 of both, from the memo): the same bytes, without summing the header.
 */
static inline void write_ipv4_sum(uint8_t *h, uint8_t tos, uint16_t totlen, uint16_t id, uint16_t frag, uint8_t ttl,
				  uint8_t proto, uint32_t src, uint32_t dst, uint32_t asum)
{
	uint32_t s = (0x4500u | tos) + totlen + id + frag + ((uint32_t)ttl << 8 | proto) + asum;

	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	h[0] = 0x45;
	h[1] = tos;
	wr16(h + 2, totlen);
	wr16(h + 4, id);
	wr16(h + 6, frag);
	h[8] = ttl;
	h[9] = proto;
	wr16(h + 10, (uint16_t)~s);
	st32(h + 12, src);
	st32(h + 16, dst);
}

/*
 * xlat64()'s NAT64 branch for the common case: the tests that can send the
 * packet back untouched come first; nat64_out() changes state, so from there on
 * every outcome is xlat64()'s own (a refused flow is counted, and answered as
 * xlat64() answers it).
 */
static int fast64_nat(struct xlat_ctx *ctx, struct xlat_pkt *pkt, struct xlat_fmemo *m, uint8_t proto, unsigned coff,
		      uint8_t *l4, uint32_t l4len, const struct icmp_map *im)
{
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
		if (prefix6_contains(&cfg->g.pool6, p + 8) || unforwardable6(p + 8))
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
	count(ctx, JSTAT_RECEIVED6);
	pkt->frag_size = 0;
	pkt->len = 40 + l4len; /* L2 padding off: an ICMPv6 error below quotes the datagram */
	pkt->route.nexthop = d->nexthop; /* of the route, the caller reads only this */
	pkt->route.mtu = d->mtu;
	uint8_t tos = tos_of(cfg, p), ttl = (uint8_t)(p[7] - 1);
	uint16_t id = 0, frag = IPV4_DF;
	if (totlen <= 1260) {
		id = (uint16_t)xrand(ctx);
		frag = 0;
	}
	l4_csum_offload_at(ctx, coff, proto, l4, l4len, (uint32_t)sm->a + d->a + proto + l4len);
	int r = nat64_out(ctx, nproto, p + 8, sport, dst4, dport, flags, &src4, &nport);
	if (r != XSTAT_MAX) {
		count(ctx, (enum xlat_stat)r);
		if (r == XLAT_POOL4_EXHAUSTED || r == XLAT_NAT64_TABLE_FULL)
			return icmp6_error_reply(ctx, pkt, 1, 3, 0);
		return XV_DROP;
	}
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
	write_ipv4_sum(h, tos, (uint16_t)totlen, id, frag, ttl, nproto, src4, dst4, s4 + d->h);
	pkt->headroom += 20;
	pkt->data = h;
	pkt->len = totlen;
	pkt->family = 4;
	count(ctx, JSTAT_SUCCESS);
	return XV_FORWARD;
}

/*
 * xlat64() for the common case only (xlat_fast.h): every test below is one
 * xlat64() makes, in the order that lets the packet fall back untouched; the
 * rewrite is xlat64()'s own (same helpers, same random draws).
 */
int xlat_fast64(struct xlat_ctx *ctx, struct xlat_pkt *pkt, struct xlat_fmemo *m)
{
	const struct xlat_config *cfg = ctx->cfg;
	uint8_t *p = pkt->data;

	if (!cfg->g.manually_enabled || pkt->len < 40 || (p[0] >> 4) != 6 || xlat_longer_than_link(ctx, pkt->len))
		return XF_SLOW;
	uint32_t l4len = rd16(p + 4);
	uint8_t proto = p[6];
	uint8_t *l4 = p + 40;
	struct icmp_map im;
	unsigned coff = 0; /* where the TCP/UDP checksum is */
	/* a whole datagram in the buffer (L2 padding allowed), its whole L4 header, hop limit left */
	if (40 + l4len > pkt->len || p[7] <= 1)
		return XF_SLOW;
	if (proto == IPPROTO_UDP_) {
		if (l4len < 8)
			return XF_SLOW;
		coff = 6;
	} else if (proto == IPPROTO_TCP_) {
		if (l4len < 20)
			return XF_SLOW;
		coff = 16;
	} else if (proto == IPPROTO_ICMPV6_) {
		if (l4len < 8 || (l4[0] != 128 && l4[0] != 129) || icmp64_map(l4[0], l4[1], l4 + 4, &im) != XSTAT_MAX)
			return XF_SLOW;
	} else {
		return XF_SLOW;
	}

	if (cfg->mode == XLAT_MODE_NAT64)
		return fast64_nat(ctx, pkt, m, proto, coff, l4, l4len, &im);

	/* destination: EAMT or pool6 (not denied), not intrinsically hairpinned, routed */
	struct xlat_fm6 *d = &m->d6[xlat_fm_slot6(p + 24)], *sm = &m->s6[xlat_fm_slot6(p + 8)];
	if (d->gen != m->gen || !xlat_same16(d->key, p + 24)) {
		uint32_t d4;
		struct xlat_route rt;
		if (ctx->own && ctx->own(ctx->route_opaque, 6, p + 24))
			return XF_SLOW;
		int map = map64(cfg, p + 24, &d4);
		if (map < 0)
			return XF_SLOW;
		if (cfg->g.eam_hairpin_mode != EAM_HAIRPIN_OFF && map == MAP_POOL6 && eamt_has4(&cfg->eamt, d4))
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
		if (map64(cfg, p + 8, &s4) < 0)
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
	count(ctx, JSTAT_RECEIVED6);
	pkt->frag_size = 0;
	pkt->route.nexthop = d->nexthop; /* of the route, the caller reads only this */
	pkt->route.mtu = d->mtu;
	uint8_t tos = tos_of(cfg, p), ttl = (uint8_t)(p[7] - 1);
	uint16_t id = 0, frag = IPV4_DF;
	if (totlen <= 1260) {
		id = (uint16_t)xrand(ctx);
		frag = 0;
	}
	l4_csum_offload_at(ctx, coff, proto, l4, l4len, (uint32_t)sm->a + d->a + proto + l4len);
	if (!l4_adjust(proto, l4, sm->adj + d->adj))
		l4_csum64(proto, l4, l4len, l4len, p + 8, p + 24, src4, dst4, &im);
	if (proto == IPPROTO_ICMPV6_)
		proto = IPPROTO_ICMP_;
	uint8_t *h = l4 - 20;
	write_ipv4_sum(h, tos, (uint16_t)totlen, id, frag, ttl, proto, src4, dst4, sm->h + d->h);
	pkt->headroom += 20;
	pkt->data = h;
	pkt->len = totlen;
	pkt->family = 4;
	count(ctx, JSTAT_SUCCESS);
	return XV_FORWARD;
}

/* RFC 4884: ICMPv6 Destination Unreachable and Time Exceeded carry a length in 8-byte units. */
static bool icmp6_has_len(uint8_t type)
{
	return type == 1 || type == 3;
}

/* RFC 7915 5.3: an ICMPv6 error's outer and inner headers, both translated; the quote truncated to 576. */
enum xlat_verdict xlat64_icmp_error(struct xlat_ctx *ctx, struct xlat_pkt *pkt, const struct l3info *li,
				    uint32_t src4, uint32_t dst4)
{
	const struct xlat_config *cfg = ctx->cfg;
	uint8_t *p = pkt->data;
	uint8_t *icmp = p + li->l3len;
	uint32_t icmplen = pkt->len - li->l3len;

	if (csum_fold(csum_partial(icmp, icmplen, csum_pseudo6(p + 8, p + 24, IPPROTO_ICMPV6_, icmplen))) != 0) {
		count(ctx, JSTAT64_ICMP_CSUM);
		return XV_DROP;
	}
	struct icmp_map im;
	int r = icmp64_map(icmp[0], icmp[1], icmp + 4, &im);
	if (r != XSTAT_MAX) {
		count(ctx, (enum xlat_stat)r);
		return XV_DROP;
	}

	uint8_t *in = icmp + 8;
	uint32_t inlen = icmplen - 8;
	/* RFC 4884: with a length field, the quote ends there and an extension structure follows. */
	uint32_t ext_len = 0;
	if (icmp6_has_len(icmp[0]) && icmp[4] != 0 && icmp[4] * 8u < inlen) {
		ext_len = inlen - icmp[4] * 8u;
		inlen = icmp[4] * 8u;
	}
	const uint8_t *buf_end = p + pkt->len + pkt->tailroom;
	struct l3info ili;
	r = parse6(in, inlen, true, &ili);
	if (r != XSTAT_MAX) {
		count(ctx, r == JSTAT_SKB_TRUNCATED ? XLAT_ICMP_TOO_SHORT : (enum xlat_stat)r);
		return XV_DROP;
	}
	if (ili.proto == IPPROTO_ICMPV6_ && ili.frag_off == 0 && inlen > ili.l3len && icmp6_is_error(in[ili.l3len])) {
		count(ctx, JSTAT_DOUBLE_ICMP6_ERROR);
		return XV_DROP;
	}
	uint32_t isrc4, idst4;
	uint16_t iport4 = 0;
	bool nat = cfg->mode == XLAT_MODE_NAT64;
	if (nat) {
		/* The quoted packet is one we sent to the IPv6 host: its destination is a BIB entry. */
		uint8_t ip = ili.proto == IPPROTO_ICMPV6_ ? IPPROTO_ICMP_ : ili.proto;
		const uint8_t *q = in + ili.l3len;
		uint32_t qlen = inlen - ili.l3len;
		uint16_t isport, idport;
		if ((ip == IPPROTO_ICMP_ ? qlen < 6 : qlen < 4) || rfc6052_6to4(&cfg->g.pool6, in + 8, &isrc4) != 0) {
			count(ctx, XLAT_ICMP_TOO_SHORT);
			return XV_DROP;
		}
		isport = ip == IPPROTO_ICMP_ ? rd16(q + 4) : rd16(q);
		idport = ip == IPPROTO_ICMP_ ? rd16(q + 4) : rd16(q + 2);
		if (nat64_find_out(ctx, ip, in + 24, idport, isrc4, isport, &idst4, &iport4) != 0) {
			count(ctx, JSTAT_SESSION_NOT_FOUND);
			return XV_DROP;
		}
		src4 = idst4; /* RFC 6146: the error comes from the NAT64's own (pool4) address */
	} else if (map64(cfg, in + 8, &isrc4) < 0 || map64(cfg, in + 24, &idst4) < 0) {
		count(ctx, JSTAT_UNTRANSLATABLE_DST6);
		return XV_DROP;
	}

	/* Everything read from the old headers before the new ones overwrite them. */
	uint8_t isrc6[16], idst6[16];
	memcpy(isrc6, in + 8, 16);
	memcpy(idst6, in + 24, 16);
	uint8_t itos = tos_of(cfg, in), ittl = in[7];
	uint8_t tos = tos_of(cfg, p), ttl = (uint8_t)(p[7] - 1);
	uint32_t rest;
	switch (im.rest) {
	case REST_MTU:
		rest = mtu64(rd32(icmp + 4), pkt->route.mtu, ctx->in_mtu);
		break;
	case REST_PTR:
		rest = im.ptr << 24;
		break;
	default:
		rest = 0;
		break;
	}
	uint8_t *il4 = in + ili.l3len;
	uint32_t il4len = inlen - ili.l3len;
	uint32_t itotlen = 20 + (ili.pktlen - ili.l3len); /* what the original packet's header said */
	uint16_t iid, ifrag;
	id_flags(ctx, &ili, itotlen, &iid, &ifrag);
	struct icmp_map iim;
	bool inner_icmp = ili.proto == IPPROTO_ICMPV6_ && il4len >= 4 &&
			  icmp64_map(il4[0], il4[1], il4len >= 8 ? il4 + 4 : il4, &iim) == XSTAT_MAX;
	l4_update64(&ili, il4, il4len, ili.pktlen - ili.l3len, isrc6, idst6, isrc4, idst4, inner_icmp ? &iim : NULL);
	if (nat)
		l4_set_port(ili.proto == IPPROTO_ICMPV6_ ? IPPROTO_ICMP_ : ili.proto, il4, il4len,
			    ili.proto == IPPROTO_ICMPV6_ ? 4 : 2, iport4);

	uint8_t *ih = il4 - 20;
	write_ipv4(ih, itos, (uint16_t)itotlen, iid, ifrag, ittl,
		   ili.proto == IPPROTO_ICMPV6_ ? IPPROTO_ICMP_ : ili.proto, isrc4, idst4);
	uint8_t *nicmp = ih - 8;
	uint8_t *h = nicmp - 20;
	uint32_t len = 20 + icmp_error_finish(nicmp, im.type, im.code, rest, 20 + il4len, ext_len, buf_end, NULL, NULL);
	uint16_t id, frag;
	id_flags(ctx, li, len, &id, &frag);
	write_ipv4(h, tos, (uint16_t)len, id, frag, ttl, IPPROTO_ICMP_, src4, dst4);
	pkt->headroom += (uint32_t)(h - p);
	pkt->data = h;
	pkt->len = len;
	pkt->family = 4;
	return XV_FORWARD;
}
