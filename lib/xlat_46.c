/* SPDX-License-Identifier: BSD-3-Clause */
/* IPv4 -> IPv6: RFC 7915 section 4. */
#include "checksum.h"
#include "rfc6052.h"
#include "xlat_fast.h"
#include "xlat_internal.h"

void write_ipv6(uint8_t *h, uint8_t tclass, uint16_t paylen, uint8_t nexthdr, uint8_t hlim, const uint8_t src[16],
		const uint8_t dst[16])
{
	/* RFC 7915 4.1: flow label 0. */
	h[0] = (uint8_t)(0x60 | (tclass >> 4));
	h[1] = (uint8_t)(tclass << 4);
	h[2] = 0;
	h[3] = 0;
	wr16(h + 4, paylen);
	h[6] = nexthdr;
	h[7] = hlim;
	memcpy(h + 8, src, 16);
	memcpy(h + 24, dst, 16);
}

static void write_frag6(uint8_t *f, uint8_t nexthdr, uint16_t off, bool mf, uint32_t id)
{
	f[0] = nexthdr;
	f[1] = 0;
	wr16(f + 2, (uint16_t)(off << 3 | (mf ? 1 : 0)));
	wr32(f + 4, id);
}

/* RFC 7915 4.1: traffic class is the TOS, unless zeroize-traffic-class. */
static uint8_t tclass_of(const struct xlat_config *cfg, const uint8_t *ip4)
{
	return cfg->g.zeroize_traffic_class ? 0 : ip4[1];
}

/* RFC 1624 updates of the L4 checksum for the new pseudo-header (see l4_update64). */
static void l4_csum46(uint8_t proto, uint8_t *l4, uint32_t l4len, uint32_t ulen, uint32_t src4, uint32_t dst4,
		      const uint8_t *src6, const uint8_t *dst6, const struct icmp_map *im)
{
	if (proto == IPPROTO_TCP_ && l4len >= 18) {
		wr16(l4 + 16, csum_replace(rd16(l4 + 16), csum_addr4(src4, dst4), csum_addr6(src6, dst6)));
	} else if (proto == IPPROTO_UDP_ && l4len >= 8) {
		uint16_t c = rd16(l4 + 6);
		if (c == 0)
			return; /* handled by the caller (amend-udp-checksum-zero) or left as quoted */
		c = csum_replace(c, csum_addr4(src4, dst4), csum_addr6(src6, dst6));
		wr16(l4 + 6, c ? c : 0xffff);
	} else if (proto == IPPROTO_ICMP_ && im && l4len >= 4) {
		/* ICMPv6 adds the pseudo-header (RFC 4443 2.3) and a new type/code. */
		uint32_t old = rd16(l4);
		l4[0] = im->type;
		l4[1] = im->code;
		wr16(l4 + 2, csum_replace(rd16(l4 + 2), old, csum_pseudo6(src6, dst6, IPPROTO_ICMPV6_, ulen) + rd16(l4)));
	}
}

static void l4_update46(const struct l3info *li, uint8_t *l4, uint32_t l4len, uint32_t ulen, uint32_t src4,
			uint32_t dst4, const uint8_t *src6, const uint8_t *dst6, const struct icmp_map *im)
{
	if (li->frag_off != 0)
		return;
	l4_csum46(li->proto, l4, l4len, ulen, src4, dst4, src6, dst6, im);
}

/* RFC 6791: the source of an ICMPv4 error whose source has no IPv6 form. */
static int rfc6791_src6(struct xlat_ctx *ctx, const struct xlat_route *rt, uint8_t src6[16])
{
	const struct xlat_globals *g = &ctx->cfg->g;

	if (g->rfc6791v6_set) {
		memcpy(src6, g->rfc6791v6.addr, 16);
		if (g->randomize_rfc6791) {
			for (unsigned bit = g->rfc6791v6.len; bit < 128; bit++)
				if (xrand(ctx) & 1)
					src6[bit / 8] |= (uint8_t)(0x80 >> (bit % 8));
		}
		return 0;
	}
	count(ctx, JSTAT46_6791_ENOENT);
	if (rt->self_set) {
		memcpy(src6, rt->self, 16);
		return 0;
	}
	return -1;
}

/* Ports of a quoted (possibly truncated) packet: only the first 4 (6 for an ICMP id) bytes are needed. */
static bool inner_ports(uint8_t proto, const uint8_t *l4, uint32_t l4len, uint16_t *sport, uint16_t *dport)
{
	if ((proto == IPPROTO_TCP_ || proto == IPPROTO_UDP_) && l4len >= 4) {
		*sport = rd16(l4);
		*dport = rd16(l4 + 2);
		return true;
	}
	if (proto == IPPROTO_ICMP_ && l4len >= 6) {
		*sport = *dport = rd16(l4 + 4);
		return true;
	}
	return false;
}

/*
 * NAT64, IPv4 -> IPv6: the IPv6 destination (and port) from the session table.
 * For an ICMP error, from the session of the packet it quotes (no state change).
 */
static int nat64_dst46(struct xlat_ctx *ctx, const struct l3info *li, const uint8_t *l4, uint32_t l4len,
		       bool icmp_err, uint32_t src4, uint32_t dst4, uint8_t dst6[16], uint16_t *nport)
{
	uint16_t sport, dport;
	uint8_t flags;

	if (li->frag_off != 0) { /* no ports in a later fragment: what did its first fragment map to? */
		uint32_t unused;
		uint8_t s4[4], d4[4];
		memcpy(s4, &src4, 4);
		memcpy(d4, &dst4, 4);
		return nat64_frag_get(ctx, 4, li->proto, li->frag_id, s4, d4, &unused, dst6) == 0 ? XSTAT_MAX
													 : XLAT_NAT64_FRAGMENT;
	}
	if (icmp_err) {
		struct l3info ili;
		const uint8_t *in = l4 + 8;
		if (parse4(in, l4len - 8, true, &ili) != XSTAT_MAX ||
		    !inner_ports(ili.proto, in + ili.l3len, l4len - 8 - ili.l3len, &sport, &dport))
			return XLAT_ICMP_TOO_SHORT;
		uint16_t p6;
		if (nat64_find_in(ctx, ili.proto, ld32(in + 12), sport, ld32(in + 16), dport, dst6, &p6) != 0)
			return JSTAT_SESSION_NOT_FOUND;
		return XSTAT_MAX;
	}
	if (!l4_ports(li->proto, l4, l4len, &sport, &dport, &flags))
		return JSTAT_UNKNOWN_L4_PROTO;
	int r = nat64_in(ctx, li->proto, src4, sport, dst4, dport, flags, dst6, nport);
	if (r == XSTAT_MAX && li->mf) {
		uint8_t s4[4], d4[4];
		memcpy(s4, &src4, 4);
		memcpy(d4, &dst4, 4);
		nat64_frag_put(ctx, 4, li->proto, li->frag_id, s4, d4, 0, dst6);
	}
	return r;
}

/* NAT64 found no state for an IPv4 packet (r): counted, and answered as RFC 6146 says (pkt: the whole datagram). */
static enum xlat_verdict nat64_refused46(struct xlat_ctx *ctx, struct xlat_pkt *pkt, int r, bool icmp_err)
{
	count(ctx, (enum xlat_stat)r);
	/* RFC 6146 3.5.1/3.5.3: nothing maps there -> ICMPv4 port unreachable (Jool's "bibless") */
	if (r == JSTAT_TYPE1PKT) { /* held for a simultaneous open; it is answered later if at all */
		nat64_so_keep(ctx, pkt->data, pkt->len);
		return XV_DROP;
	}
	/* no BIB: port unreachable; drop-externally-initiated-tcp: a silent discard, as policy asks */
	if (!icmp_err && r == JSTAT_BIB4_NOT_FOUND)
		return icmp4_error_reply(ctx, pkt, 3, 3, 0);
	/* RFC 6146 3.5.1: refused by address-dependent filtering -> Destination Unreachable,
	 * Communication Administratively Prohibited (as Jool) */
	if (!icmp_err && r == JSTAT_ADF)
		return icmp4_error_reply(ctx, pkt, 3, 13, 0);
	return XV_DROP;
}

/*
 * RFC 7915 4.1: does a datagram of *outlen bytes (Fragment header included when
 * *fraghdr) fit pkt->route? DF set and too big: Packet Too Big back (its
 * verdict returned). DF clear: fragments of at most the smaller of the route's
 * MTU and lowest-ipv6-mtu, each with a Fragment header (pkt->frag_size). -1:
 * go on.
 */
static int fit46(struct xlat_ctx *ctx, struct xlat_pkt *pkt, bool df, bool *fraghdr, uint32_t *outlen)
{
	uint32_t limit = pkt->route.mtu;

	pkt->frag_size = 0;
	if (df) {
		if (*outlen > limit) {
			count(ctx, JSTAT_PKT_TOO_BIG);
			return icmp4_error_reply(ctx, pkt, 3, 4, limit > 20 ? limit - 20 : 0);
		}
		return -1;
	}
	if (ctx->cfg->g.lowest_ipv6_mtu < limit)
		limit = ctx->cfg->g.lowest_ipv6_mtu;
	if (*outlen > limit) {
		if (!*fraghdr) {
			*fraghdr = true;
			*outlen += 8;
		}
		pkt->frag_size = limit;
	}
	return -1;
}

static void move_data(struct xlat_pkt *pkt, uint8_t *h, uint32_t len)
{
	pkt->headroom = (uint32_t)((int64_t)pkt->headroom + (h - pkt->data));
	pkt->data = h;
	pkt->len = len;
	pkt->family = 6;
}

enum xlat_verdict xlat46(struct xlat_ctx *ctx, struct xlat_pkt *pkt, bool hairpin)
{
	const struct xlat_config *cfg = ctx->cfg;
	uint8_t *p = pkt->data;
	struct l3info li;
	int r = parse4(p, pkt->len, false, &li);

	if (r != XSTAT_MAX) {
		count(ctx, (enum xlat_stat)r);
		return XV_DROP;
	}
	pkt->len = li.pktlen;
	if (li.src_route) { /* RFC 7915 4.1 */
		count(ctx, JSTAT46_SRC_ROUTE);
		return icmp4_error_reply(ctx, pkt, 3, 5, 0);
	}
	uint8_t *l4 = p + li.l3len;
	uint32_t l4len = pkt->len - li.l3len;
	/* A first fragment or whole packet must hold its whole TCP/UDP/ICMP header (as Jool). */
	if (li.frag_off == 0 && l4len < l4_min_len(li.proto)) {
		count(ctx, JSTAT_SKB_TRUNCATED);
		return XV_DROP;
	}
	uint32_t src4 = ld32(p + 12), dst4 = ld32(p + 16);
	/* a super-frame's segments get checksums of their own (tso.c) */
	if (!li.frag && !pkt->gso)
		l4_csum_offload(ctx, li.proto, l4, l4len, csum_pseudo4(src4, dst4, li.proto, l4len));
	bool icmp_err = false;
	struct icmp_map im;

	if (li.proto == IPPROTO_ICMP_) {
		if (li.frag) { /* the ICMPv6 pseudo-header needs the full length of the message */
			count(ctx, JSTAT46_FRAGMENTED_ICMP);
			return XV_DROP;
		}
		if (l4len < 8) {
			count(ctx, JSTAT_SKB_TRUNCATED);
			return XV_DROP;
		}
		icmp_err = icmp4_is_error(l4[0]);
		r = icmp46_map(l4[0], l4[1], l4 + 4, &im);
		if (r != XSTAT_MAX) {
			count(ctx, (enum xlat_stat)r);
			return XV_DROP;
		}
	}

	uint8_t src6[16], dst6[16];
	uint16_t nport = 0;
	if (cfg->mode == XLAT_MODE_NAT64) {
		if (reserved4(src4)) { /* a martian source (RFC 1812 5.3.7): no state, no reply */
			count(ctx, XLAT_DENYLIST4);
			return XV_DROP;
		}
		if (p[8] <= 1) {
			count(ctx, JSTAT46_TTL);
			return icmp_err ? XV_DROP : icmp4_error_reply(ctx, pkt, 11, 0, 0);
		}
		r = nat64_dst46(ctx, &li, l4, l4len, icmp_err, src4, dst4, dst6, &nport);
		if (r != XSTAT_MAX)
			return nat64_refused46(ctx, pkt, r, icmp_err);
	} else if ((hairpin ? map_hairpin46(cfg, dst4, dst6, false) : map_addr46(cfg, dst4, dst6)) != 0) {
		count(ctx, denied4(cfg, dst4) ? XLAT_DENYLIST4 : JSTAT46_DST);
		return XV_DROP;
	}
	/* RFC 7915 4.1: TTL decremented (once: a hairpinned packet lost it on the way in); expired -> Time Exceeded */
	if (!hairpin && p[8] <= 1) {
		count(ctx, JSTAT46_TTL);
		return icmp_err ? XV_DROP : icmp4_error_reply(ctx, pkt, 11, 0, 0);
	}
	/* RFC 7915 4.5: a zero UDP checksum cannot cross into IPv6 unless computed; never for fragments. */
	if (li.proto == IPPROTO_UDP_ && li.frag_off == 0 && l4len >= 8 && rd16(l4 + 6) == 0) {
		if (li.frag) {
			count(ctx, JSTAT46_FRAGMENTED_ZERO_CSUM);
			return icmp4_error_reply(ctx, pkt, 3, 13, 0);
		}
		if (!cfg->g.amend_udp_checksum_zero && cfg->mode != XLAT_MODE_NAT64) { /* stateful: always computed */
			count(ctx, XLAT_UDP_ZERO_CSUM);
			return icmp4_error_reply(ctx, pkt, 3, 13, 0);
		}
	}
	if (ctx->route(ctx->route_opaque, 6, dst6, &pkt->route) != 0) {
		count(ctx, JSTAT_FAILED_ROUTES);
		return XV_DROP;
	}
	int srcmap = cfg->mode == XLAT_MODE_NAT64 ? (rfc6052_4to6(&cfg->g.pool6, src4, src6), 0)
		     : hairpin			  ? map_hairpin46(cfg, src4, src6, true)
		     : icmp_err			  ? map_errsrc46(cfg, src4, src6)
						  : map_addr46(cfg, src4, src6);
	if (srcmap != 0) {
		if (!icmp_err || rfc6791_src6(ctx, &pkt->route, src6) != 0) {
			count(ctx, denied4(cfg, src4) ? XLAT_DENYLIST4 : JSTAT46_SRC);
			return XV_DROP;
		}
	}
	if (icmp_err)
		return xlat46_icmp_error(ctx, pkt, &li, src6, dst6, hairpin);

	/* RFC 7915 4.1: a Fragment header only for IPv4 fragments, or when we must fragment (DF clear). */
	bool fraghdr = li.frag;
	uint32_t outlen = 40 + (fraghdr ? 8 : 0) + l4len;
	/* a super-frame is cut to the MTU after translation (pkt->gso): neither too big nor fragmented */
	if (!pkt->gso && (r = fit46(ctx, pkt, li.df, &fraghdr, &outlen)) >= 0)
		return (enum xlat_verdict)r;

	uint8_t tc = tclass_of(cfg, p), hl = hairpin ? p[8] : (uint8_t)(p[8] - 1), proto = li.proto;
	uint32_t id = li.frag_id;
	if (proto == IPPROTO_ICMP_)
		proto = IPPROTO_ICMPV6_;

	if (li.proto == IPPROTO_UDP_ && li.frag_off == 0 && l4len >= 8 && rd16(l4 + 6) == 0) {
		/* amend-udp-checksum-zero (checked above): compute it over the whole datagram */
		uint32_t sum = csum_pseudo6(src6, dst6, IPPROTO_UDP_, l4len);
		uint16_t c = csum_fold(csum_partial(l4, l4len, sum));
		wr16(l4 + 6, c ? c : 0xffff);
	} else {
		l4_update46(&li, l4, l4len, l4len, src4, dst4, src6, dst6, li.proto == IPPROTO_ICMP_ ? &im : NULL);
	}
	if (cfg->mode == XLAT_MODE_NAT64 && li.frag_off == 0) /* the IPv6 host's own port (or query id) back */
		l4_set_port(li.proto, l4, l4len, li.proto == IPPROTO_ICMP_ ? 4 : 2, nport);

	uint8_t *h = l4 - 40 - (fraghdr ? 8 : 0);
	if (h < p && (uint32_t)(p - h) > pkt->headroom) {
		count(ctx, XLAT_NO_MBUF);
		return XV_DROP;
	}
	write_ipv6(h, tc, (uint16_t)(outlen - 40), fraghdr ? IPPROTO_FRAGMENT_ : proto, hl, src6, dst6);
	if (fraghdr)
		write_frag6(h + 40, proto, li.frag_off, li.mf, id);
	move_data(pkt, h, outlen);
	return XV_FORWARD;
}

/*
 * xlat46()'s NAT64 branch for the common case (a whole TCP/UDP datagram or an
 * echo, to a pool4 address): the tests that can send the packet back untouched
 * come first; nat64_in() changes state, so from there on every outcome is
 * xlat46()'s own (refusals answered as it answers them, the route and the MTU
 * after the session, IPv6 fragments when DF is clear).
 */
static int fast46_nat(struct xlat_ctx *ctx, struct xlat_pkt *pkt, struct xlat_fmemo *m, uint8_t proto, unsigned coff,
		      uint8_t *l4, uint32_t l4len, const struct icmp_map *im)
{
	const struct xlat_config *cfg = ctx->cfg;
	uint8_t *p = pkt->data;
	uint32_t src4 = ld32(p + 12), dst4 = ld32(p + 16);
	uint16_t sport, dport, nport;
	uint8_t flags;

	if (!l4_ports(proto, l4, l4len, &sport, &dport, &flags))
		return XF_SLOW;
	/* a pool4 destination (the classifier's test); its checksum part */
	struct xlat_fm4 *d = &m->d4[xlat_fm_slot4(dst4)], *sm = &m->s4[xlat_fm_slot4(src4)];
	if (d->gen != m->gen || d->key != dst4) {
		if (!nat64_pool4_has(cfg, dst4) || (ctx->own && ctx->own(ctx->route_opaque, 4, p + 16)))
			return XF_SLOW;
		d->key = dst4;
		d->a = (uint16_t)csum_a4(dst4);
		d->adj = (uint16_t)~d->a; /* the IPv6 side comes from the session */
		d->gen = m->gen;
	}
	/* a source that may have state (not martian, RFC 1812 5.3.7), not pool4 itself (hairpinning), and its pool6 form */
	if (sm->gen != m->gen || sm->key != src4) {
		if (!cfg->g.pool6_set || reserved4(src4) || nat64_pool4_has(cfg, src4))
			return XF_SLOW;
		rfc6052_4to6(&cfg->g.pool6, src4, sm->val);
		sm->key = src4;
		sm->a = (uint16_t)csum_a4(src4);
		sm->adj = csum_delta(sm->a, csum_a6(sm->val));
		sm->gen = m->gen;
	}

	/* committed: what xlat_process() + xlat46() do for it */
	count(ctx, JSTAT_RECEIVED4);
	pkt->frag_size = 0;
	pkt->len = 20 + l4len; /* L2 padding off: an ICMPv4 error below quotes the datagram */
	uint8_t dst6[16];
	l4_csum_offload_at(ctx, coff, proto, l4, l4len, (uint32_t)sm->a + d->a + proto + l4len);
	int r = nat64_in(ctx, proto, src4, sport, dst4, dport, flags, dst6, &nport);
	if (r != XSTAT_MAX)
		return nat64_refused46(ctx, pkt, r, false);
	struct xlat_fr6 *rc = &m->r6[xlat_fm_slot6(dst6)];
	if (rc->gen != m->gen || !xlat_same16(rc->key, dst6)) {
		struct xlat_route rt;
		if (ctx->route(ctx->route_opaque, 6, dst6, &rt) != 0) {
			count(ctx, JSTAT_FAILED_ROUTES);
			return XV_DROP;
		}
		memcpy(rc->key, dst6, 16);
		rc->nexthop = rt.nexthop;
		rc->mtu = rt.mtu;
		rc->gen = m->gen;
	}
	pkt->route.nexthop = rc->nexthop; /* of the route, the caller reads only this */
	pkt->route.mtu = rc->mtu;
	const uint8_t *src6 = sm->val;
	uint32_t outlen = 40 + l4len;
	bool fraghdr = false;
	if ((r = fit46(ctx, pkt, p[6] & 0x40, &fraghdr, &outlen)) >= 0)
		return r;
	uint8_t tc = tclass_of(cfg, p), hl = (uint8_t)(p[8] - 1), nproto = proto;
	if (proto != IPPROTO_ICMP_) {
		/* l4_update46 + l4_set_port in one RFC 1624 update: the addresses and the destination port */
		wr16(l4 + 2, nport);
		l4_adjust(proto, l4, sm->adj + d->adj + csum_a6(dst6) + csum_delta(dport, nport));
	} else {
		l4_csum46(proto, l4, l4len, l4len, src4, dst4, src6, dst6, im);
		l4_set_port(proto, l4, l4len, 4, nport);
		nproto = IPPROTO_ICMPV6_;
	}
	uint8_t *h = l4 - 40 - (fraghdr ? 8 : 0);
	if ((uint32_t)(p - h) > pkt->headroom) {
		count(ctx, XLAT_NO_MBUF);
		return XV_DROP;
	}
	uint16_t id = rd16(p + 4); /* the new header overwrites the old one */
	write_ipv6(h, tc, (uint16_t)(outlen - 40), fraghdr ? IPPROTO_FRAGMENT_ : nproto, hl, src6, dst6);
	if (fraghdr)
		write_frag6(h + 40, nproto, 0, false, id);
	move_data(pkt, h, outlen);
	count(ctx, JSTAT_SUCCESS);
	return XV_FORWARD;
}

/*
 * xlat46() for the common case only (xlat_fast.h): every test below is one
 * xlat46() makes, in the order that lets the packet fall back untouched.
 */
int xlat_fast46(struct xlat_ctx *ctx, struct xlat_pkt *pkt, struct xlat_fmemo *m)
{
	const struct xlat_config *cfg = ctx->cfg;
	uint8_t *p = pkt->data;

	/* version 4, no options, not a fragment (DF may be set), TTL left, a valid header checksum */
	if (!cfg->g.manually_enabled || pkt->len < 20 || xlat_longer_than_link(ctx, pkt->len) || p[0] != 0x45 ||
	    (rd16(p + 6) & (IPV4_MF | IPV4_OFFMASK)) != 0 || p[8] <= 1)
		return XF_SLOW;
	uint32_t totlen = rd16(p + 2);
	if (totlen < 20 || totlen > pkt->len || csum_ipv4_header20(p) != rd16(p + 10))
		return XF_SLOW;
	uint32_t l4len = totlen - 20;
	uint8_t proto = p[9];
	uint8_t *l4 = p + 20;
	struct icmp_map im;
	unsigned coff = 0; /* where the TCP/UDP checksum is */
	if (proto == IPPROTO_UDP_) {
		if (l4len < 8 || rd16(l4 + 6) == 0) /* a zero checksum: computed or refused, RFC 7915 4.5 */
			return XF_SLOW;
		coff = 6;
	} else if (proto == IPPROTO_TCP_) {
		if (l4len < 20)
			return XF_SLOW;
		coff = 16;
	} else if (proto == IPPROTO_ICMP_) {
		if (l4len < 8 || (l4[0] != 0 && l4[0] != 8) || icmp46_map(l4[0], l4[1], l4 + 4, &im) != XSTAT_MAX)
			return XF_SLOW;
	} else {
		return XF_SLOW;
	}
	if (pkt->headroom < 20)
		return XF_SLOW;
	if (cfg->mode == XLAT_MODE_NAT64)
		return fast46_nat(ctx, pkt, m, proto, coff, l4, l4len, &im);

	uint32_t src4 = ld32(p + 12), dst4 = ld32(p + 16);
	struct xlat_fm4 *d = &m->d4[xlat_fm_slot4(dst4)], *sm = &m->s4[xlat_fm_slot4(src4)];
	if (d->gen != m->gen || d->key != dst4) {
		struct xlat_route rt;
		if ((ctx->own && ctx->own(ctx->route_opaque, 4, p + 16)) || map_addr46(cfg, dst4, d->val) != 0 ||
		    ctx->route(ctx->route_opaque, 6, d->val, &rt) != 0) {
			d->gen = 0; /* d->val may have been written */
			return XF_SLOW;
		}
		d->key = dst4;
		d->a = (uint16_t)csum_a4(dst4);
		d->adj = csum_delta(d->a, csum_a6(d->val));
		d->nexthop = rt.nexthop;
		d->mtu = rt.mtu;
		d->gen = m->gen;
	}
	if (sm->gen != m->gen || sm->key != src4) {
		if (map_addr46(cfg, src4, sm->val) != 0) {
			sm->gen = 0;
			return XF_SLOW;
		}
		sm->key = src4;
		sm->a = (uint16_t)csum_a4(src4);
		sm->adj = csum_delta(sm->a, csum_a6(sm->val));
		sm->gen = m->gen;
	}
	uint32_t outlen = 40 + l4len, limit = d->mtu;
	if (!(p[6] & 0x40) && cfg->g.lowest_ipv6_mtu < limit)
		limit = cfg->g.lowest_ipv6_mtu;
	if (outlen > limit)
		return XF_SLOW; /* Packet Too Big, or IPv6 fragments */

	/* committed: what xlat_process() + xlat46() do for it */
	count(ctx, JSTAT_RECEIVED4);
	pkt->frag_size = 0;
	pkt->route.nexthop = d->nexthop; /* of the route, the caller reads only this */
	pkt->route.mtu = d->mtu;
	const uint8_t *src6 = sm->val, *dst6 = d->val;
	uint8_t tc = tclass_of(cfg, p), hl = (uint8_t)(p[8] - 1);
	l4_csum_offload_at(ctx, coff, proto, l4, l4len, (uint32_t)sm->a + d->a + proto + l4len);
	/* the checks above leave a UDP checksum that is not zero, a whole TCP header, an echo */
	if (!l4_adjust(proto, l4, sm->adj + d->adj)) {
		l4_csum46(proto, l4, l4len, l4len, src4, dst4, src6, dst6, &im);
		proto = IPPROTO_ICMPV6_;
	}
	uint8_t *h = l4 - 40;
	write_ipv6(h, tc, (uint16_t)l4len, proto, hl, src6, dst6);
	move_data(pkt, h, outlen);
	count(ctx, JSTAT_SUCCESS);
	return XV_FORWARD;
}

/* RFC 4884: ICMPv4 Destination Unreachable, Time Exceeded and Parameter Problem carry a length in 32-bit words. */
static bool icmp4_has_len(uint8_t type)
{
	return type == 3 || type == 11 || type == 12;
}

/* RFC 7915 4.3: an ICMPv4 error's outer and inner headers, both translated; truncated to 1280. */
enum xlat_verdict xlat46_icmp_error(struct xlat_ctx *ctx, struct xlat_pkt *pkt, const struct l3info *li,
				    const uint8_t src6[16], const uint8_t dst6[16], bool hairpin)
{
	const struct xlat_config *cfg = ctx->cfg;
	uint8_t *p = pkt->data;
	uint8_t *icmp = p + li->l3len;
	uint32_t icmplen = pkt->len - li->l3len;

	if (csum_fold(csum_partial(icmp, icmplen, 0)) != 0) {
		count(ctx, JSTAT46_ICMP_CSUM);
		return XV_DROP;
	}
	struct icmp_map im;
	int r = icmp46_map(icmp[0], icmp[1], icmp + 4, &im);
	if (r != XSTAT_MAX) {
		count(ctx, (enum xlat_stat)r);
		return XV_DROP;
	}
	uint8_t *in = icmp + 8;
	uint32_t inlen = icmplen - 8;
	/* RFC 4884: with a length field, the quote ends there and an extension structure follows. */
	uint32_t ext_len = 0;
	if (icmp4_has_len(icmp[0]) && icmp[5] != 0 && icmp[5] * 4u < inlen) {
		ext_len = inlen - icmp[5] * 4u;
		inlen = icmp[5] * 4u;
	}
	const uint8_t *buf_end = p + pkt->len + pkt->tailroom;
	struct l3info ili;
	r = parse4(in, inlen, true, &ili);
	if (r != XSTAT_MAX) {
		count(ctx, r == JSTAT_SKB_TRUNCATED ? XLAT_ICMP_TOO_SHORT : (enum xlat_stat)r);
		return XV_DROP;
	}
	uint8_t *il4 = in + ili.l3len;
	uint32_t il4len = inlen - ili.l3len;
	if (ili.proto == IPPROTO_ICMP_ && ili.frag_off == 0 && il4len >= 1 && icmp4_is_error(il4[0])) {
		count(ctx, JSTAT_DOUBLE_ICMP4_ERROR);
		return XV_DROP;
	}
	uint32_t isrc4 = ld32(in + 12), idst4 = ld32(in + 16);
	uint8_t isrc6[16], idst6[16];
	uint16_t iport6 = 0;
	bool nat = cfg->mode == XLAT_MODE_NAT64;
	if (nat) {
		/* RFC 6146 3.5.3? / Jool: the quoted packet is one we sent: its source is a BIB entry. */
		uint16_t isport, idport;
		if (!inner_ports(ili.proto, il4, il4len, &isport, &idport) ||
		    nat64_find_in(ctx, ili.proto, isrc4, isport, idst4, idport, isrc6, &iport6) != 0) {
			count(ctx, JSTAT_SESSION_NOT_FOUND);
			return XV_DROP;
		}
		rfc6052_4to6(&cfg->g.pool6, idst4, idst6);
		/* Jool's source-icmpv6-errors-better off (its behaviour before issue 132): the error seems to
		 * come from the server the host tried, not from the router that sent it (RFC 7915 4.2 maps the
		 * real source: the default) */
		if (!cfg->g.nat.source_icmpv6_errors_better)
			src6 = idst6;
	} else if (hairpin ? (map_hairpin46(cfg, isrc4, isrc6, false) != 0 || map_hairpin46(cfg, idst4, idst6, true) != 0)
		    : (map_addr46(cfg, isrc4, isrc6) != 0 || map_addr46(cfg, idst4, idst6) != 0)) {
		count(ctx, JSTAT_UNTRANSLATABLE_DST4);
		return XV_DROP;
	}

	uint32_t rest;
	switch (im.rest) {
	case REST_MTU:
		rest = mtu46(&cfg->g, rd16(icmp + 6), rd16(in + 2), pkt->route.mtu, ctx->in_mtu);
		break;
	case REST_PTR:
		rest = im.ptr;
		break;
	default:
		rest = 0;
		break;
	}
	uint8_t tc = tclass_of(cfg, p), hl = hairpin ? p[8] : (uint8_t)(p[8] - 1);
	uint8_t itc = tclass_of(cfg, in), ihl = in[8];
	uint8_t iproto = ili.proto == IPPROTO_ICMP_ ? IPPROTO_ICMPV6_ : ili.proto;
	uint32_t iulen = ili.pktlen - ili.l3len; /* the original packet's upper-layer length */
	bool ifrag = ili.frag;
	struct icmp_map iim;
	bool inner_icmp = ili.proto == IPPROTO_ICMP_ && il4len >= 4 &&
			  icmp46_map(il4[0], il4[1], il4len >= 8 ? il4 + 4 : il4, &iim) == XSTAT_MAX;
	l4_update46(&ili, il4, il4len, iulen, isrc4, idst4, isrc6, idst6, inner_icmp ? &iim : NULL);
	if (nat)
		l4_set_port(ili.proto, il4, il4len, ili.proto == IPPROTO_ICMP_ ? 4 : 0, iport6);

	uint8_t *ih = il4 - 40 - (ifrag ? 8 : 0);
	uint8_t *nicmp = ih - 8;
	uint8_t *h = nicmp - 40;
	if ((uint32_t)(p - h) > pkt->headroom) {
		count(ctx, XLAT_NO_MBUF);
		return XV_DROP;
	}
	write_ipv6(ih, itc, (uint16_t)(iulen + (ifrag ? 8 : 0)), ifrag ? IPPROTO_FRAGMENT_ : iproto, ihl, isrc6, idst6);
	if (ifrag)
		write_frag6(ih + 40, iproto, ili.frag_off, ili.mf, ili.frag_id);
	uint32_t quote = (uint32_t)(il4 - ih) + il4len;
	/* 1280 also when lowest-ipv6-mtu is larger */
	uint32_t len = 40 + icmp_error_finish(nicmp, im.type, im.code, rest, quote, ext_len, buf_end, src6, dst6);
	write_ipv6(h, tc, (uint16_t)(len - 40), IPPROTO_ICMPV6_, hl, src6, dst6);
	move_data(pkt, h, len);
	return XV_FORWARD;
}

enum xlat_verdict nat64_so_reply(struct xlat_ctx *ctx, struct xlat_pkt *pkt)
{
	count(ctx, XLAT_SO_EXPIRED);
	/* RFC 6146 3.5.2.2: ICMP Destination Unreachable, port unreachable */
	return icmp4_error_reply(ctx, pkt, 3, 3, 0);
}
