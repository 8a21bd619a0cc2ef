/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The NAT64 store's hash indexes (nat64_db.h): entry numbers by a key's hash,
 * the keys themselves kept in the entries (a session's line holds both of its
 * 5-tuples), so that a lookup reads one bucket line and the entry it finds.
 *
 * Open addressing over 64-byte buckets of 8 slots (a 16-bit tag from the
 * hash's top bits and a 32-bit entry number), probed linearly from the key's
 * home bucket; each bucket counts the entries whose probe went past it (F14's
 * "outbound overflow count", Bronson & Shi 2019), so that a lookup stops at
 * the first bucket without its key and without overflow, and a deletion needs
 * no tombstones: it clears its slot and takes one off the counts it added.
 * Sized at creation to at most 5/8 full (nat64_idx_buckets), the home bucket
 * almost always answers. What rte_hash did here in ~300 instructions per
 * operation (cuckoo displacement, a key store, a free-slot ring, two buckets
 * per key) is ~20 here, and every line a lookup needs can be prefetched from
 * the hash alone (the burst lookups, expiry).
 */
#ifndef XLAT_NAT64_DB_INDEX_H
#define XLAT_NAT64_DB_INDEX_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define IDX_WAYS 8

struct idx_bucket {
	uint16_t tag[IDX_WAYS]; /* 0: a free slot */
	uint32_t ent[IDX_WAYS];
	uint32_t over; /* entries stored past this bucket whose probe started at or before it */
	uint32_t pad[3];
} __attribute__((aligned(64)));

_Static_assert(sizeof(struct idx_bucket) == 64, "one bucket, one cache line");

struct idx {
	struct idx_bucket *b;
	uint32_t mask; /* buckets - 1 (a power of two) */
};

/* Buckets for max entries: a power of two with at least 8/5 slots per entry (load at most 5/8). */
static inline uint32_t nat64_idx_buckets(uint32_t max)
{
	uint64_t want = ((uint64_t)max * 8 / 5 + IDX_WAYS - 1) / IDX_WAYS, n = 2;

	while (n < want)
		n <<= 1;
	return (uint32_t)n;
}

/*
 * A hash's parts, both from its low 32 bits (all an entry keeps of it): the
 * home bucket from the lowest, the tag from bits 16-31 (never 0: 0 is a free
 * slot). Where the two overlap (past 65536 buckets) the tag has fewer bits of
 * its own; a tag that matches by chance costs one key compare.
 */
static inline uint16_t idx_tag(uint64_t h)
{
	uint16_t t = (uint16_t)(h >> 16);

	return t ? t : 1;
}

static inline const struct idx_bucket *idx_home(const struct idx *x, uint64_t h)
{
	return &x->b[(uint32_t)h & x->mask];
}

/* The slots of bucket b whose tag is tag, as a bit mask: bit 2i for slot i (IDX_NEXT takes them one by one). */
static inline unsigned idx_match(const struct idx_bucket *b, uint16_t tag)
{
#ifdef __SSE2__
	__m128i v = _mm_load_si128((const __m128i *)(const void *)b->tag);
	return (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi16(v, _mm_set1_epi16((short)tag))) & 0x5555u;
#else
	unsigned m = 0;
	for (unsigned i = 0; i < IDX_WAYS; i++)
		m |= (unsigned)(b->tag[i] == tag) << (2 * i);
	return m;
#endif
}

/* The next slot of a match mask m (not 0), taken off it. */
static inline unsigned idx_next(unsigned *m)
{
	unsigned i = (unsigned)__builtin_ctz(*m) >> 1;

	*m &= *m - 1;
	return i;
}

static inline uint32_t idx_step(const struct idx *x, uint32_t b)
{
	return (b + 1) & x->mask;
}

/*
 * The entry under hash h for which eq(arg, entry) holds, or -1. eq compares
 * the key with the entry's own (an inline function, so that it is inlined).
 */
static inline __attribute__((always_inline)) int32_t idx_find(const struct idx *x, uint64_t h,
							      bool (*eq)(const void *arg, uint32_t ent),
							      const void *arg)
{
	uint32_t b = (uint32_t)h & x->mask;
	uint16_t tag = idx_tag(h);

	for (;;) {
		const struct idx_bucket *bk = &x->b[b];
		for (unsigned m = idx_match(bk, tag); m;) {
			unsigned i = idx_next(&m);
			if (eq(arg, bk->ent[i]))
				return (int32_t)bk->ent[i];
		}
		if (!bk->over)
			return -1;
		b = idx_step(x, b);
	}
}

/*
 * Whether an entry under hash h may be there: its tag found, the keys not
 * compared (a false yes about once in 3 000 probes at the indexes' load: 8
 * slots, 5/8 full, 14 bits of tag of their own past 2^18 buckets). For
 * guesses, which a wrong answer only makes less useful (the burst's guess of
 * a new flow's port): where the answer decides, idx_find compares the keys,
 * or the outcome would depend on the table's random hash key.
 */
static inline bool idx_maybe(const struct idx *x, uint64_t h)
{
	uint32_t b = (uint32_t)h & x->mask;
	uint16_t tag = idx_tag(h);

	for (;;) {
		const struct idx_bucket *bk = &x->b[b];
		if (idx_match(bk, tag))
			return true;
		if (!bk->over)
			return false;
		b = idx_step(x, b);
	}
}

/* Entry ent under hash h (its key not there yet). The index is never full (nat64_idx_buckets). */
static inline void idx_add(struct idx *x, uint64_t h, uint32_t ent)
{
	uint32_t b = (uint32_t)h & x->mask;

	for (;;) {
		struct idx_bucket *bk = &x->b[b];
		unsigned m = idx_match(bk, 0);
		if (m) {
			unsigned i = idx_next(&m);
			bk->tag[i] = idx_tag(h);
			bk->ent[i] = ent;
			return;
		}
		bk->over++;
		b = idx_step(x, b);
	}
}

/*
 * Entry ent, added under a hash whose low 32 bits are h (what an entry keeps
 * of its hashes), out again; the overflow counts its probe raised go back down.
 */
static inline void idx_del(struct idx *x, uint32_t h, uint32_t ent)
{
	uint32_t home = h & x->mask, b = home;
	uint16_t tag = idx_tag(h);

	for (;;) {
		struct idx_bucket *bk = &x->b[b];
		for (unsigned m = idx_match(bk, tag); m;) {
			unsigned i = idx_next(&m);
			if (bk->ent[i] != ent)
				continue;
			bk->tag[i] = 0;
			for (uint32_t j = home; j != b; j = idx_step(x, j))
				x->b[j].over--;
			return;
		}
		if (!bk->over)
			return; /* not there: nothing to undo */
		b = idx_step(x, b);
	}
}

#endif
