/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Burst lookups: the sessions of a whole burst looked up in stages, each
 * stage's memory fetched for the whole burst at once, each packet's result
 * kept as a hint for its translation (nat64.h).
 */
#include <string.h>

#include <rte_prefetch.h>

#include "l4.h"
#include "nat64_burst.h"
#include "nat64_db.h"
#include "nat64_pool4.h"
#include "rfc6052.h"

/*
 * The session key an IPv6 packet would be looked up with, read where a plain
 * datagram has it (no extension headers): a guess, not a check. Whatever it
 * finds is a hint that nat64_out() confirms against the packet's real key, and
 * a miss is used only for a key equal to the real one; a packet that is not
 * what it seems only costs a lookup. False: not worth a lookup.
 */
static inline bool burst_key6(const struct xlat_config *cfg, const uint8_t *ip, uint32_t len, struct nat64_key *k)
{
	uint8_t proto = ip[6];
	uint16_t sport, rport;
	uint32_t dst4;

	if (len < 48 || ip_version(ip) != 6 || !cfg->g.pool6_set)
		return false;
	if (proto == IPPROTO_UDP || proto == IPPROTO_TCP) {
		sport = rd16(ip + 40);
		rport = rd16(ip + 42);
	} else if (proto == IPPROTO_ICMPV6) { /* an echo's identifier; ICMP sessions have no remote port */
		proto = IPPROTO_ICMP;
		sport = rd16(ip + 44);
		rport = 0;
	} else {
		return false;
	}
	if (cfg->g.pool6.len == 96)
		memcpy(&dst4, ip + 36, 4);
	else if (rfc6052_6to4(&cfg->g.pool6, ip + 24, &dst4) != 0)
		return false;
	key6_mk(k, proto, ip + 8, sport, dst4, rport);
	return true;
}

/* The same for an IPv4 packet without options, unfragmented or a first fragment. */
static inline bool burst_key4(const uint8_t *ip, uint32_t len, struct nat64_key *k)
{
	uint8_t proto = ip[9];
	uint32_t src4, dst4;

	if (len < 28 || ip[0] != 0x45 || (rd16(ip + 6) & RTE_IPV4_HDR_OFFSET_MASK) != 0)
		return false;
	memcpy(&src4, ip + 12, 4);
	memcpy(&dst4, ip + 16, 4);
	if (proto == IPPROTO_UDP || proto == IPPROTO_TCP)
		key4_mk(k, proto, dst4, rd16(ip + 22), src4, rd16(ip + 20));
	else if (proto == IPPROTO_ICMP)
		key4_mk(k, proto, dst4, rd16(ip + 24), src4, 0);
	else
		return false;
	return true;
}

/* The lines the entries under hash h's tag in its home bucket live in (the key compares' lines). */
static inline void prefetch_candidates(const struct idx *x, uint64_t h, const void *base, size_t size)
{
	const struct idx_bucket *b = idx_home(x, h);

	for (unsigned m = idx_match(b, idx_tag(h)); m;)
		rte_prefetch0((const uint8_t *)base + size * b->ent[idx_next(&m)]);
}

/*
 * A new 6->4 flow's IPv4 side, guessed in two passes over the burst: its BIB
 * entry's where it has one, else the first port, of the first ones the pool4
 * search will try, that the index has no tag of (nat64_alloc4_prefetch: their
 * index lines asked for in the first pass, looked at in the second, where the
 * BIB lines of the taken ones, which the search will compare, are asked for
 * too). The session's IPv4-side bucket at the guess is asked for as well. At
 * 1M sessions the port search's probes, the BIB lines they compared and the
 * session's IPv4-side insert were the new session's misses nobody asked for
 * ahead (two thirds of its cycles, measured with perf); now they overlap
 * across the burst. The guess's hash goes on to nat64_sess_add() where the
 * session lands there (out_new).
 */
static inline void guess4_set(struct nat64_table *t, unsigned i, uint32_t a4, uint16_t p4)
{
	const struct nat64_key *k = &t->bkey[i];

	t->bg4[i] = a4;
	t->bgp4[i] = p4;
	t->bgh4[i] = hash_s4(t, k->proto, a4, p4, k->remote4, k->rport);
	idx_prefetch(&t->s4, t->bgh4[i]);
}

static inline void guess4_ask(struct xlat_ctx *ctx, unsigned i)
{
	struct nat64_table *t = ctx->nat;
	const struct nat64_key *k = &t->bkey[i];
	struct nat64_cand *c = &t->bcand[i];

	t->bg4[i] = 0;
	c->n = 0;
	if (t->b6pos[i] >= 0) {
		guess4_set(t, i, t->bibs[t->b6pos[i]].a4, t->bibs[t->b6pos[i]].p4);
		return;
	}
	if (!cgn_allocates(ctx->cfg))
		nat64_alloc4_prefetch(t, ctx->cfg, k->proto, k->a6, k->p6, k->remote4,
				      k->proto == IPPROTO_ICMP ? k->p6 : k->rport, c);
}

/* The first candidate without its tag in the index; the BIB lines of those before it, which the search compares. */
static inline void guess4_pick(struct nat64_table *t, unsigned i)
{
	const struct nat64_cand *c = &t->bcand[i];

	for (unsigned j = 0; j < c->n; j++) {
		if (!idx_maybe(&t->b4, c->hb4[j])) {
			guess4_set(t, i, c->a4, c->port[j]);
			return;
		}
		prefetch_candidates(&t->b4, c->hb4[j], t->bibs, sizeof(*t->bibs));
	}
}

/*
 * A burst in stages, each over the whole burst, so that the misses of one
 * stage overlap: the keys; a flow the recent-flow slots remember takes that
 * session (its line asked for, its lookup confirms it); the others' keys
 * hashed and their home buckets asked for; the entries their tags point to
 * asked for; the lookups (from cache); for the new 6->4 flows, the BIB entry
 * lookup the same way.
 */
void nat64_lookup_burst(struct xlat_ctx *ctx, const uint8_t *const l3[], const uint32_t len[], unsigned n)
{
	struct nat64_table *t = ctx->nat;
	struct nat64_key k4[NAT64_BURST_MAX];
	uint64_t h[NAT64_BURST_MAX], part6[NAT64_BURST_MAX], rh[NAT64_BURST_MAX];
	uint8_t fam[NAT64_BURST_MAX];
	unsigned nb = 0, nx = 0;

	if (n > NAT64_BURST_MAX)
		n = NAT64_BURST_MAX;
	t->hint_n = n;
	t->hint_cur = -1;
	t->hint_idx = -1;
	t->miss6 = 0;
	memset(t->added_s6, 0, sizeof(t->added_s6));
	memset(t->added_b6, 0, sizeof(t->added_b6));
	for (unsigned i = 0; i < n; i++) {
		t->hint[i] = -1;
		fam[i] = 0;
		if (!l3[i] || len[i] < 20)
			continue;
		if (burst_key6(ctx->cfg, l3[i], len[i], &t->bkey[i])) {
			rh[i] = t->brh6[i] = recent_hash6(&t->bkey[i]);
			if ((t->hint[i] = recent_get(t->recent6, rh[i])) < 0)
				fam[i] = 6;
		} else if (burst_key4(l3[i], len[i], &k4[i])) {
			rh[i] = recent_hash4(&k4[i]);
			if ((t->hint[i] = recent_get(t->recent4, rh[i])) < 0)
				fam[i] = 4;
		}
		if (t->hint[i] >= 0)
			rte_prefetch0(&t->sess[t->hint[i]]);
		else
			nx += fam[i] != 0;
	}
	if (!nx)
		return;
	for (unsigned i = 0; i < n; i++) {
		if (fam[i] == 6) {
			const struct nat64_key *k = &t->bkey[i];
			part6[i] = hk_a6(t, k->a6);
			h[i] = t->bh6[i] = hash_s6_from(t, part6[i], k->proto, k->p6, k->remote4, k->rport);
			idx_prefetch(&t->s6, h[i]);
		} else if (fam[i] == 4) {
			h[i] = hash_s4(t, k4[i].proto, k4[i].a4, k4[i].p4, k4[i].remote4, k4[i].rport);
			idx_prefetch(&t->s4, h[i]);
		}
	}
	for (unsigned i = 0; i < n; i++)
		if (fam[i])
			prefetch_candidates(fam[i] == 6 ? &t->s6 : &t->s4, h[i], t->sess, sizeof(*t->sess));
	for (unsigned i = 0; i < n; i++) {
		if (fam[i] == 4) {
			if ((t->hint[i] = sess_find4(t, &k4[i], h[i])) >= 0)
				recent_put(t->recent4, rh[i], (uint32_t)t->hint[i]);
		} else if (fam[i] == 6 && (t->hint[i] = sess_find6(t, &t->bkey[i], h[i])) >= 0) {
			recent_put(t->recent6, rh[i], (uint32_t)t->hint[i]);
		} else if (fam[i] == 6) {
			/* a new flow (or one to refuse): its BIB entry, looked up the same way */
			const struct nat64_key *k = &t->bkey[i];
			t->miss6 |= 1ull << i;
			t->bhb6[i] = hash_b6_from(t, part6[i], k->proto, k->p6);
			idx_prefetch(&t->b6, t->bhb6[i]);
			fam[i] = 'b';
			nb++;
		}
	}
	if (!nb)
		return;
	for (unsigned i = 0; i < n; i++)
		if (fam[i] == 'b')
			prefetch_candidates(&t->b6, t->bhb6[i], t->bibs, sizeof(*t->bibs));
	for (unsigned i = 0; i < n; i++)
		if (fam[i] == 'b') {
			t->b6pos[i] = bib_find6(t, &t->bkey[i], t->bhb6[i]);
			guess4_ask(ctx, i);
		}
	for (unsigned i = 0; i < n; i++)
		if (fam[i] == 'b' && t->bcand[i].n)
			guess4_pick(t, i);
}

bool nat64_burst_worth(const struct nat64_table *t)
{
	return t->n_sess >= NAT64_BURST_MIN_SESSIONS;
}

void nat64_hint(struct xlat_ctx *ctx, unsigned i)
{
	struct nat64_table *t = ctx->nat;

	t->hint_cur = i < t->hint_n ? t->hint[i] : -1;
	t->hint_idx = i < t->hint_n ? (int)i : -1;
}
