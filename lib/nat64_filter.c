/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * NAT64 filtering and updating of binding and session information (RFC 6146
 * 3.5): the BIB entry and session of a packet, found or created (within the
 * subscriber's CGN limits), refused when the RFC or the policy says so; and
 * the read-only lookups of the packets that ICMP errors quote (3.5.3 via 3.4).
 */
#include <string.h>

#include "cgn.h"
#include "nat64_burst.h"
#include "nat64_db.h"
#include "nat64_filter.h"
#include "nat64_pool4.h"
#include "nat64_so.h"
#include "xlat_step.h"

/* ADF (RFC 4787): does any session of this BIB talk to that remote address? (the BIB's own sessions only) */
static bool adf_allows(const struct nat64_table *t, int32_t bib, uint32_t remote4)
{
	for (uint32_t i = t->bibs[bib].head; i != NIL; i = t->sess[i].bnext)
		if (t->sess[i].remote4 == remote4)
			return true;
	return false;
}

/* Where 4->6 traffic of BIB entry bi goes. */
static void bib_v6side(const struct nat64_table *t, uint32_t bi, uint8_t a6[16], uint16_t *p6)
{
	memcpy(a6, t->bibs[bi].a6, 16);
	*p6 = t->bibs[bi].p6;
}

/* A flow from the IPv6 side, as nat64_out() was given it. */
struct flow64 {
	const uint8_t *src6; /* 4-byte aligned: rte_jhash (nat64_fargs_hash) reads words */
	uint32_t dst4;
	uint16_t sport, dport, rport;
	uint8_t proto, flags;
};

/*
 * The BIB entry of a new flow whose IPv6 side has none: its static entry's,
 * the address and port a stored IPv4 SYN was sent to (a simultaneous open),
 * CGN's port block or deterministic range, or a free pool4 port (RFC 6146
 * 3.5.1.1; cand: the burst's first candidates for it, or NULL). Its
 * position, or -1 with *r the refusal.
 */
static int32_t bib_new6(struct xlat_ctx *ctx, struct cgn_table *c, const struct flow64 *f, const struct nat64_key *bk,
			uint64_t bh, const struct nat64_cand *cand, enum xlat_stat *r)
{
	struct nat64_table *t = ctx->nat;
	const struct xlat_config *cfg = ctx->cfg;
	const struct bib_static *sb = cfg->n_bib ? nat64_static_by6(cfg, f->proto, f->src6, f->sport) : NULL;
	uint32_t a4;
	uint16_t p4;
	uint64_t hb4 = 0; /* hash_b4(a4, p4): the free-port search computed it */
	bool have_hb4 = false;

	if (sb) {
		a4 = sb->addr4;
		p4 = sb->port4;
	} else if (f->proto == IPPROTO_TCP && (f->flags & TCPF_SYN) && nat64_so_claim(t, f->dst4, f->dport, &a4, &p4) &&
		   bib_find4(t, f->proto, a4, p4) < 0) {
		/* simultaneous open: the BIB takes the address and port the stored IPv4 SYN was sent to */
		xlat_count(ctx, XLAT_SO_OPENED);
	} else if (c && (*r = cgn_admit_bib(c, cfg, f->proto, f->src6)) != XLAT_OK) {
		return -1;
	} else if (c && cgn_allocates(cfg)) { /* port blocks or deterministic NAT: their answer is final */
		*r = cgn_alloc(c, cfg, f->proto, f->src6, f->sport,
			       nat64_fargs_hash(&cfg->g.nat, f->src6, f->sport, f->dst4, f->dport), nat64_port_free, t,
			       &a4, &p4);
		if (*r != XLAT_OK)
			return -1;
	} else if (nat64_alloc4(t, cfg, f->proto, f->src6, f->sport, f->dst4, f->dport, cand, &a4, &p4, &hb4) != 0) {
		*r = XLAT_POOL4_EXHAUSTED;
		return -1;
	} else {
		have_hb4 = true;
	}
	int32_t bi = nat64_bib_add(t, cfg, bk, bh, a4, p4, have_hb4 ? hb4 : hash_b4(t, f->proto, a4, p4));
	if (bi < 0) {
		*r = XLAT_NAT64_TABLE_FULL;
		return -1;
	}
	xlat_count(ctx, XLAT_NAT64_BIB_CREATED);
	return bi;
}

/*
 * nat64_out() for a flow with no session yet (RFC 6146 3.5.1, 3.5.2.2, 3.5.3):
 * its BIB entry (found, with the burst's lookup where it still holds, or made),
 * then its session. sh: the session key's hash; ci, known: the burst's word on it.
 */
static enum xlat_stat out_new(struct xlat_ctx *ctx, struct flow64 *f, uint64_t sh, int ci, bool known, uint32_t *src4,
			      uint16_t *sport4)
{
	struct nat64_table *t = ctx->nat;
	const struct xlat_config *cfg = ctx->cfg;
	const struct nat64_globals *g = &cfg->g.nat;
	uint64_t now = ctx->now_ns / 1000000u;

	/* RFC 6146 3.5.2.2: only a SYN opens a TCP session from the IPv6 side. */
	if (f->proto == IPPROTO_TCP && !(f->flags & TCPF_SYN))
		return JSTAT_SYN6_EXPECTED;
	/* src6 may point into the frame (2-byte aligned behind Ethernet): a copy rte_jhash can read by words */
	uint32_t src6_words[4];
	memcpy(src6_words, f->src6, 16);
	f->src6 = (const uint8_t *)src6_words;
	struct cgn_table *c = cgn_of(t, cfg);
	enum xlat_stat r;
	if (c) { /* RFC 6888 REQ-4: the subscriber's limits, before anything is taken */
		cgn_clock(c, now);
		if ((r = cgn_admit_session(c, cfg, f->proto, f->src6)) != XLAT_OK)
			return r;
	}
	struct nat64_key bk;
	key6_mk(&bk, f->proto, f->src6, f->sport, 0, 0);
	uint64_t bh;
	int32_t bi;
	if (known && t->b6pos[ci] != -2) { /* the burst looked the BIB entry up too: still so? */
		struct nat64_q q = { t, &bk };
		bh = t->bhb6[ci];
		bi = t->b6pos[ci];
		if (bi >= 0 ? !eq_b6(&q, (uint32_t)bi) : added_has(t->added_b6, bh))
			bi = bib_find6(t, &bk, bh);
	} else {
		bh = hash_b6(t, f->proto, f->src6, f->sport);
		bi = bib_find6(t, &bk, bh);
	}
	if (bi < 0 && (bi = bib_new6(ctx, c, f, &bk, bh, known ? &t->bcand[ci] : NULL, &r)) < 0)
		return r;
	uint8_t list = list_of(f->proto, TCP_CLOSED);
	/* the burst's guess of the IPv4 side held: its hash, whose bucket it asked for */
	const struct bib *b = &t->bibs[bi];
	const uint64_t *h4p = known && t->bg4[ci] == b->a4 && t->bgp4[ci] == b->p4 ? &t->bgh4[ci] : NULL;
	int32_t si = nat64_sess_add(t, cfg, (uint32_t)bi, f->dst4, f->rport, TCP_CLOSED, now + timeout_of(g, list), &sh,
				    h4p, known ? t->brh6[ci] : 0);
	if (si < 0) {
		if (t->bibs[bi].head == NIL && !nat64_static_by6(cfg, f->proto, f->src6, f->sport))
			nat64_bib_gone(t, cfg, (uint32_t)bi);
		return XLAT_NAT64_TABLE_FULL;
	}
	xlat_count(ctx, XLAT_NAT64_SESSION_CREATED);
	if (f->proto == IPPROTO_TCP)
		nat64_tcp_update(t, cfg, (uint32_t)si, true, f->flags, now);
	*src4 = t->sess[si].a4;
	*sport4 = t->sess[si].p4;
	return XLAT_OK;
}

enum xlat_stat nat64_out(struct xlat_ctx *ctx, uint8_t proto, const uint8_t *src6, uint16_t sport, uint32_t dst4,
			 uint16_t dport, uint8_t flags, uint32_t *src4, uint16_t *sport4)
{
	struct nat64_table *t = ctx->nat;
	uint16_t rport = proto == IPPROTO_ICMP ? 0 : dport;

	uint64_t sh = 0;
	int ci;
	bool known = false; /* the burst lookup found no session for this very key, and none came since */
	int32_t si = take_hint(t, &ci);
	if (si < 0 || !hint_is6(t, si, proto, src6, sport, dst4, rport)) {
		struct nat64_key sk;
		key6_mk(&sk, proto, src6, sport, dst4, rport);
		const struct nat64_key *bk = ci >= 0 ? &t->bkey[ci] : NULL;
		if (bk && ((t->miss6 >> ci) & 1) && !added_has(t->added_s6, t->bh6[ci]) &&
		    bk->proto == proto && bk->p6 == sport && bk->remote4 == dst4 && bk->rport == rport &&
		    same16(bk->a6, src6)) {
			sh = t->bh6[ci];
			si = -1;
			known = true;
		} else {
			sh = hash_s6(t, &sk);
			si = sess_find6(t, &sk, sh); /* a miss: sh goes on to nat64_sess_add() */
			if (si >= 0)
				recent_put(t->recent6, recent_hash6(&sk), (uint32_t)si);
		}
	}
	if (si < 0) {
		struct flow64 f = { .src6 = src6, .dst4 = dst4, .sport = sport, .dport = dport, .rport = rport,
				    .proto = proto, .flags = flags };
		return out_new(ctx, &f, sh, ci, known, src4, sport4);
	}
	const struct session *s = &t->sess[si];
	nat64_touch(ctx, ctx->now_ns / 1000000u, (uint32_t)si, proto, true, flags);
	*src4 = s->a4;
	*sport4 = s->p4;
	return XLAT_OK;
}

enum xlat_stat nat64_in(struct xlat_ctx *ctx, uint8_t proto, uint32_t src4, uint16_t sport, uint32_t dst4,
			uint16_t dport, uint8_t flags, uint8_t dst6[16], uint16_t *dport6)
{
	struct nat64_table *t = ctx->nat;
	const struct xlat_config *cfg = ctx->cfg;
	const struct nat64_globals *g = &cfg->g.nat;
	uint64_t now = ctx->now_ns / 1000000u;
	uint16_t rport = proto == IPPROTO_ICMP ? 0 : sport;

	uint64_t sh = 0;
	int ci;
	int32_t si = take_hint(t, &ci);
	if (si < 0 || !hint_is4(t, si, proto, dst4, dport, src4, rport)) {
		struct nat64_key sk;
		key4_mk(&sk, proto, dst4, dport, src4, rport);
		sh = hash_s4(t, proto, dst4, dport, src4, rport);
		si = sess_find4(t, &sk, sh); /* a miss: sh goes on to nat64_sess_add() */
		if (si >= 0)
			recent_put(t->recent4, recent_hash4(&sk), (uint32_t)si);
	}
	if (si >= 0) {
		const struct session *s = &t->sess[si];
		nat64_touch(ctx, now, (uint32_t)si, proto, false, flags);
		memcpy(dst6, s->a6, 16);
		*dport6 = s->p6;
		return XLAT_OK;
	}
	int32_t bi = bib_find4(t, proto, dst4, dport);
	if (bi < 0) {
		const struct bib_static *sb = nat64_static_by4(cfg, proto, dst4, dport);
		if (!sb) {
			if (proto != IPPROTO_TCP || !(flags & TCPF_SYN))
				return JSTAT_BIB4_NOT_FOUND;
			if (g->drop_externally_initiated_tcp)
				return JSTAT_V4_SYN;
			return nat64_so_store(t, g, src4, sport, dst4, dport, now);
		}
		struct nat64_key bk;
		key6_mk(&bk, proto, sb->addr6, sb->port6, 0, 0);
		bi = nat64_bib_add(t, cfg, &bk, hash_b6(t, proto, sb->addr6, sb->port6), sb->addr4, sb->port4,
				   hash_b4(t, proto, sb->addr4, sb->port4));
		if (bi < 0)
			return XLAT_NAT64_TABLE_FULL;
		xlat_count(ctx, XLAT_NAT64_BIB_CREATED); /* a static entry enters the table as a dynamic one does */
	} else if (g->address_dependent_filtering && !adf_allows(t, bi, src4)) {
		return JSTAT_ADF;
	}
	if (proto == IPPROTO_TCP) {
		if (g->drop_externally_initiated_tcp)
			return JSTAT_V4_SYN;
		if (!(flags & TCPF_SYN))
			return JSTAT_SYN4_EXPECTED;
	}
	struct cgn_table *c = cgn_of(t, cfg);
	if (c) { /* sessions from the IPv4 side count against the subscriber too (RFC 6888 REQ-4) */
		enum xlat_stat r;
		cgn_clock(c, now);
		if ((r = cgn_admit_session(c, cfg, proto, t->bibs[bi].a6)) != XLAT_OK)
			return r;
	}
	uint8_t list = list_of(proto, TCP_CLOSED);
	si = nat64_sess_add(t, cfg, (uint32_t)bi, src4, rport, TCP_CLOSED, now + timeout_of(g, list), NULL, &sh, 0);
	if (si < 0)
		return XLAT_NAT64_TABLE_FULL;
	xlat_count(ctx, XLAT_NAT64_SESSION_CREATED);
	if (proto == IPPROTO_TCP)
		nat64_tcp_update(t, cfg, (uint32_t)si, false, flags, now);
	bib_v6side(t, (uint32_t)bi, dst6, dport6);
	return XLAT_OK;
}

/*
 * ICMP errors (RFC 6146 3.5.3 via 3.4): the quoted packet must belong to a
 * session (a BIB entry alone would let any host send errors), else to a
 * static BIB entry.
 */
int nat64_find_in(struct xlat_ctx *ctx, uint8_t proto, uint32_t local4, uint16_t lport, uint32_t remote4,
		  uint16_t rport, uint8_t a6[16], uint16_t *p6)
{
	struct nat64_key k;
	uint16_t rp = proto == IPPROTO_ICMP ? 0 : rport;
	key4_mk(&k, proto, local4, lport, remote4, rp);
	int32_t si = sess_find4(ctx->nat, &k, hash_s4(ctx->nat, proto, local4, lport, remote4, rp));

	if (si >= 0) {
		const struct session *s = &ctx->nat->sess[si];
		memcpy(a6, s->a6, 16);
		*p6 = s->p6;
		return 0;
	}
	const struct bib_static *sb = nat64_static_by4(ctx->cfg, proto, local4, lport);
	if (!sb)
		return -1;
	memcpy(a6, sb->addr6, 16);
	*p6 = sb->port6;
	return 0;
}

int nat64_find_out(struct xlat_ctx *ctx, uint8_t proto, const uint8_t *a6, uint16_t p6, uint32_t remote4,
		   uint16_t rport, uint32_t *local4, uint16_t *lport)
{
	struct nat64_key k;
	key6_mk(&k, proto, a6, p6, remote4, proto == IPPROTO_ICMP ? 0 : rport);
	int32_t si = sess_find6(ctx->nat, &k, hash_s6(ctx->nat, &k));

	if (si >= 0) {
		*local4 = ctx->nat->sess[si].a4;
		*lport = ctx->nat->sess[si].p4;
		return 0;
	}
	const struct bib_static *sb = nat64_static_by6(ctx->cfg, proto, a6, p6);
	if (!sb)
		return -1;
	*local4 = sb->addr4;
	*lport = sb->port4;
	return 0;
}
