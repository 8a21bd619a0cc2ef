/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control plane's questions to a worker's NAT64 table (nat64_status.h):
 * sessions and BIB entries by a filter, and their counts per subscriber
 * prefix, a bounded number of table positions at a time. Run by the owning
 * worker only (dataplane/ctl_bridge.c hands it the question).
 */
#include <string.h>

#include "cgn.h"
#include "nat64_db.h"
#include "nat64_status.h"

static bool in_prefix6(const uint8_t *a, const uint8_t *p, uint8_t plen)
{
	unsigned whole = plen / 8, rest = plen % 8;

	if (memcmp(a, p, whole) != 0)
		return false;
	return !rest || ((a[whole] ^ p[whole]) & (uint8_t)(0xff00u >> rest)) == 0;
}

bool nat64_filter_session(const struct nat64_filter *f, const struct nat64_session_info *s)
{
	if (f->proto && s->proto != f->proto)
		return false;
	if (f->has6 && !in_prefix6(s->addr6, f->addr6, f->plen6))
		return false;
	return !f->has4 || f->addr4 == s->local4 || f->addr4 == s->remote4;
}

static bool filter_bib(const struct nat64_filter *f, const struct bib *b)
{
	if (f->proto && b->proto != f->proto)
		return false;
	if (f->has6 && !in_prefix6(b->a6, f->addr6, f->plen6))
		return false;
	return !f->has4 || f->addr4 == b->a4;
}

/* The positions [pos, pos + budget) of the table, clipped to its end. */
static uint32_t scan_end(const struct nat64_table *t, uint32_t pos, unsigned budget)
{
	return pos + budget < pos || pos + budget > t->max ? t->max : pos + budget;
}

/* Session i, if that position holds one (nat64_session_next() then stops at once). */
static bool session_at(const struct nat64_table *t, uint32_t i, struct nat64_session_info *si)
{
	return t->sess[i].list != LIST_FREE && nat64_session_next(t, i, si) == i + 1;
}

unsigned nat64_query_sessions(const struct nat64_table *t, const struct nat64_filter *f, uint32_t pos,
			      unsigned budget, struct nat64_session_info *out, unsigned max, uint32_t *next)
{
	uint32_t end = scan_end(t, pos, budget);
	unsigned n = 0;

	for (; pos < end && n < max; pos++)
		if (session_at(t, pos, &out[n]) && nat64_filter_session(f, &out[n]))
			n++;
	*next = pos >= t->max ? 0 : pos;
	return n;
}

/* A BIB entry is in use while its IPv6 key has a protocol (nat64_bib_del() clears it). */
unsigned nat64_query_bibs(const struct nat64_table *t, const struct nat64_filter *f, uint32_t pos, unsigned budget,
			  struct nat64_bib_info *out, unsigned max, uint32_t *next)
{
	uint32_t end = scan_end(t, pos, budget);
	unsigned n = 0;

	for (; pos < end && n < max; pos++) {
		const struct bib *b = &t->bibs[pos];
		if (!b->proto || !filter_bib(f, b))
			continue;
		out[n].proto = b->proto;
		memcpy(out[n].addr6, b->a6, 16);
		out[n].port6 = b->p6;
		out[n].addr4 = b->a4;
		out[n].port4 = b->p4;
		n++;
	}
	*next = pos >= t->max ? 0 : pos;
	return n;
}

/*
 * The prefixes met in one call: an open-addressing index (twice the entries'
 * room, so probes stay short) into out[], which keeps them in the order met.
 */
#define SUB_INDEX 1024

struct sub_acc {
	struct nat64_sub_count *out;
	unsigned n, max;
	int16_t idx[SUB_INDEX];
};

/* The entry of prefix p (made if new), or NULL when out is full. */
static struct nat64_sub_count *sub_entry(struct sub_acc *a, const uint8_t p[16])
{
	uint64_t w[2];

	memcpy(w, p, 16); /* a few hundred keys a call, in an index of their own: multiply-shift is plenty */
	uint32_t h = (uint32_t)((w[0] * 0x9e3779b97f4a7c15ull ^ w[1] * 0xc2b2ae3d27d4eb4full) >> 54);
	for (uint32_t i = h % SUB_INDEX;; i = (i + 1) % SUB_INDEX) {
		if (a->idx[i] < 0) {
			if (a->n == a->max)
				return NULL;
			struct nat64_sub_count *e = &a->out[a->n];
			memset(e, 0, sizeof(*e));
			memcpy(e->prefix, p, 16);
			a->idx[i] = (int16_t)a->n++;
			return e;
		}
		if (!memcmp(a->out[a->idx[i]].prefix, p, 16))
			return &a->out[a->idx[i]];
	}
}

/* Count one entry of proto from IPv6 host a6; false when its prefix finds no room. */
static bool sub_count(struct sub_acc *a, uint8_t plen, const uint8_t *a6, uint8_t proto, bool bib)
{
	uint8_t p[16];
	int pi = cgn_proto_idx(proto);

	cgn_subscriber(a6, plen, p);
	struct nat64_sub_count *e = sub_entry(a, p);
	if (!e)
		return false;
	if (pi >= 0)
		(bib ? e->bib : e->sess)[pi]++;
	return true;
}

unsigned nat64_query_subs(const struct nat64_table *t, const struct nat64_filter *f, bool bibs, uint8_t plen,
			  uint32_t pos, unsigned budget, struct nat64_sub_count *out, unsigned max, uint32_t *next)
{
	struct sub_acc a = { .out = out, .max = max < SUB_INDEX / 2 ? max : SUB_INDEX / 2 };
	uint32_t end = scan_end(t, pos, budget);
	struct nat64_session_info si;

	memset(a.idx, 0xff, sizeof(a.idx));
	for (; pos < end; pos++) {
		const struct bib *b = &t->bibs[pos];
		if (bibs ? b->proto && filter_bib(f, b) && !sub_count(&a, plen, b->a6, b->proto, true)
			 : session_at(t, pos, &si) && nat64_filter_session(f, &si) &&
				   !sub_count(&a, plen, si.addr6, si.proto, false))
			break;
	}
	*next = pos >= t->max ? 0 : pos;
	return a.n;
}
