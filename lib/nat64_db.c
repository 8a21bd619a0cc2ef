/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The NAT64 session store (RFC 6146 3.1, 3.2): a worker's BIB and session
 * tables created and freed, entries added and removed (with their CGN
 * accounting), the expiry lists' links, and the control plane's walk.
 */
#include <string.h>

#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_jhash.h>
#include <rte_malloc.h>
#include <rte_random.h>

#include "cgn.h"
#include "nat64_db.h"
#include "nat64_pool4.h"

static inline uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static void hk_init(uint64_t a[HK_WORDS + 1], uint32_t seed)
{
	uint64_t x = seed;

	for (unsigned i = 0; i <= HK_WORDS; i++)
		a[i] = splitmix64(&x);
}

/* rte_hash's own hash function, for any call that would not pass the hash in: the same values. */
static uint32_t hk_rte_hash(const void *key, uint32_t key_len, uint32_t seed)
{
	uint64_t a[HK_WORDS + 1];

	hk_init(a, seed);
	return hk_hash(a, key, key_len / 4);
}

/*
 * rte_hash sizes its buckets to the next power of two of `entries` (8 keys a
 * bucket) and its key store to `entries` exactly (positions stay below it,
 * which the entry arrays rely on). Cuckoo hashing alone takes random keys up
 * to ~98% of the bucket slots (measured: 1 000 000 keys into 1 048 576 slots,
 * every time), so extendable buckets, at 9-10 bytes per entry per table, are
 * only asked for where `entries` fills more than 96% of the slots (a power of
 * two or just under). A key that still finds no slot is a refused flow
 * (XLAT_NAT64_TABLE_FULL), as a full table's would be.
 */
static struct rte_hash *mkhash(const char *name, const char *suffix, uint32_t max, uint32_t key_len, int socket,
			       rte_hash_function f, uint32_t seed)
{
	char n[RTE_HASH_NAMESIZE];
	struct rte_hash_parameters p = {
		.name = n,
		.entries = max,
		.key_len = key_len,
		.hash_func = f,
		.hash_func_init_val = seed,
		.socket_id = socket,
	};

	if ((uint64_t)max * 100 > (uint64_t)rte_align32pow2(max) * 96)
		p.extra_flag = RTE_HASH_EXTRA_FLAGS_EXT_TABLE;
	snprintf(n, sizeof(n), "%s%s", name, suffix);
	return rte_hash_create(&p);
}

struct nat64_table *nat64_table_create(const char *name, uint32_t max, unsigned worker, unsigned n_workers,
				       int socket)
{
	struct nat64_table *t = rte_zmalloc_socket("nat64", sizeof(*t), 64, socket);

	if (!t)
		return NULL;
	if (max < 8)
		max = 8;
	t->max = max;
	t->worker = worker;
	t->n_workers = n_workers ? n_workers : 1;
	t->rand = 0x9e3779b9u ^ (worker * 0x85ebca6bu);
	uint32_t seed = (uint32_t)rte_rand();
	hk_init(t->hk, seed);
	t->bib6 = mkhash(name, "b6", max, sizeof(struct bib6_key), socket, hk_rte_hash, seed);
	t->bib4 = mkhash(name, "b4", max, sizeof(struct bib4_key), socket, hk_rte_hash, seed);
	t->s6 = mkhash(name, "s6", max, sizeof(struct s6_key), socket, hk_rte_hash, seed);
	t->s4 = mkhash(name, "s4", max, sizeof(struct s4_key), socket, hk_rte_hash, seed);
	/* Without multi-writer caches, rte_hash positions are key slot - 1: always below `entries`. */
	uint32_t cap = max;
	t->bibs = rte_zmalloc_socket("nat64_bibs", sizeof(struct bib) * cap, 64, socket);
	t->sess = rte_zmalloc_socket("nat64_sess", sizeof(struct session) * cap, 64, socket);
	t->frag = mkhash(name, "fr", FRAG_MAX, sizeof(struct frag_key), socket, rte_jhash, (uint32_t)rte_rand());
	t->fvals = rte_zmalloc_socket("nat64_frag", sizeof(struct frag_val) * FRAG_MAX, 64, socket);
	t->frag_fifo = rte_zmalloc_socket("nat64_ffifo", sizeof(int32_t) * FRAG_MAX, 64, socket);
	int use = nat64_usage_init(&t->use, max, socket); /* issue 19: occupancy counts */
	if (!t->bib6 || !t->bib4 || !t->s6 || !t->s4 || !t->bibs || !t->sess || !t->frag ||
	    !t->fvals || !t->frag_fifo || use != 0) {
		nat64_table_free(t);
		return NULL;
	}
	for (unsigned i = 0; i < N_LISTS; i++)
		t->lists[i].head = t->lists[i].tail = NIL;
	for (uint32_t i = 0; i < cap; i++)
		t->bibs[i].head = NIL;
	t->hint_cur = -1;
	t->hint_idx = -1;
	return t;
}

void nat64_table_free(struct nat64_table *t)
{
	if (!t)
		return;
	rte_hash_free(t->bib6);
	rte_hash_free(t->bib4);
	rte_hash_free(t->s6);
	rte_hash_free(t->s4);
	rte_free(t->bibs);
	rte_free(t->sess);
	rte_hash_free(t->frag);
	rte_free(t->fvals);
	rte_free(t->frag_fifo);
	nat64_usage_free(&t->use); /* issue 19 */
	rte_free(t);
}

void nat64_attach_cgn(struct nat64_table *t, struct cgn_table *c)
{
	t->cgn = c;
}

uint32_t nat64_table_sessions(const struct nat64_table *t)
{
	return t->n_sess;
}

uint32_t nat64_table_bibs(const struct nat64_table *t)
{
	return t->n_bib;
}

/* ---- expiry lists ---- */

void nat64_list_unlink(struct nat64_table *t, uint32_t i)
{
	struct session *s = &t->sess[i];
	struct fifo *f = &t->lists[s->list];

	if (s->prev != NIL)
		t->sess[s->prev].next = s->next;
	else
		f->head = s->next;
	if (s->next != NIL)
		t->sess[s->next].prev = s->prev;
	else
		f->tail = s->prev;
	s->prev = s->next = NIL;
}

void nat64_list_append(struct nat64_table *t, uint32_t i, uint8_t list, uint64_t expires)
{
	struct session *s = &t->sess[i];
	struct fifo *f = &t->lists[list];

	s->list = list;
	s->expires = (uint32_t)expires;
	s->next = NIL;
	s->prev = f->tail;
	if (f->tail != NIL)
		t->sess[f->tail].next = i;
	else
		f->head = i;
	f->tail = i;
}

/* Out of line: refresh() (nat64_db.h) calls it once a timer needs it, not per packet. */
__attribute__((noinline)) void nat64_relink(struct nat64_table *t, uint32_t i, uint8_t list, uint64_t expires)
{
	nat64_list_unlink(t, i);
	nat64_list_append(t, i, list, expires);
}

/* ---- BIB and sessions ---- */

/* Session i's IPv6-side key, rebuilt from its BIB entry and remote end. */
static void sess_key(const struct nat64_table *t, uint32_t i, struct s6_key *k)
{
	const struct session *s = &t->sess[i];
	const struct bib6_key *b = bib_key(t, s->bib);

	memset(k, 0, sizeof(*k));
	k->proto = b->proto;
	k->port6 = b->port6;
	memcpy(k->addr6, b->addr6, 16);
	k->rport = s->rport;
	k->remote4 = s->remote4;
}

int32_t nat64_bib_add(struct nat64_table *t, const struct bib6_key *key6, uint32_t h6, uint32_t a4, uint16_t p4)
{
	struct bib6_key k6 = *key6;
	struct bib4_key k4 = { .proto = k6.proto, .port4 = p4, .addr4 = a4 };

	if (t->n_bib >= t->max)
		return -1;
	int32_t pos = rte_hash_add_key_with_hash(t->bib6, &k6, h6);
	if (pos < 0)
		return -1;
	if ((uint32_t)pos >= t->max) { /* never past the entry array, whatever rte_hash does */
		rte_hash_del_key_with_hash(t->bib6, &k6, h6);
		return -1;
	}
	if (rte_hash_add_key_with_hash_data(t->bib4, &k4, hash_b4(t, &k4), (void *)(uintptr_t)pos) != 0) {
		rte_hash_del_key_with_hash(t->bib6, &k6, h6);
		return -1;
	}
	t->added_b6 |= 1ull << (h6 & 63);
	struct bib *b = &t->bibs[pos];
	b->k6 = k6;
	b->addr4 = a4;
	b->port4 = p4;
	b->head = NIL;
	t->n_bib++;
	nat64_use_bib(&t->use, k6.proto, a4, 1); /* issue 19: occupancy counts */
	return pos;
}

void nat64_bib_del(struct nat64_table *t, uint32_t i)
{
	struct bib *b = &t->bibs[i];
	struct bib6_key k6 = *bib_key(t, i);
	struct bib4_key k4 = { .proto = k6.proto, .port4 = b->port4, .addr4 = b->addr4 };

	if (__builtin_expect(t->sync_ring != NULL, 0))
		nat64_sync_bib_gone(t, i);
	rte_hash_del_key_with_hash(t->bib4, &k4, hash_b4(t, &k4));
	rte_hash_del_key_with_hash(t->bib6, &k6, hash_b6(t, &k6));
	b->head = NIL;
	b->k6.proto = 0; /* no packet's key: a burst's BIB position (b6pos) that went stale cannot match */
	t->n_bib--;
	nat64_use_bib(&t->use, k6.proto, k4.addr4, -1); /* issue 19: occupancy counts */
}

static void s4_key_of(const struct s6_key *k6, const struct bib *b, struct s4_key *k4)
{
	memset(k4, 0, sizeof(*k4));
	k4->proto = k6->proto;
	k4->rport = k6->rport;
	k4->remote4 = k6->remote4;
	k4->lport = b->port4;
	k4->local4 = b->addr4;
}

/* h6 / h4: the hashes of the new session's keys where the caller has them (its lookup's), else NULL. */
int32_t nat64_sess_add(struct nat64_table *t, uint32_t bib, uint32_t remote4, uint16_t rport, uint64_t now,
		       const struct nat64_globals *g, const uint32_t *h6p, const uint32_t *h4p)
{
	struct bib *b = &t->bibs[bib];
	const struct bib6_key *bk = bib_key(t, bib);
	struct s6_key k6 = { .proto = bk->proto, .port6 = bk->port6, .rport = rport, .remote4 = remote4 };
	struct s4_key k4;

	if (t->n_sess >= t->max)
		return -1;
	memcpy(k6.addr6, bk->addr6, 16);
	s4_key_of(&k6, b, &k4);
	uint32_t h6 = h6p ? *h6p : hash_s6(t, &k6), h4 = h4p ? *h4p : hash_s4(t, &k4);
	int32_t pos = rte_hash_add_key_with_hash(t->s6, &k6, h6);
	if (pos < 0)
		return -1;
	if ((uint32_t)pos >= t->max) {
		rte_hash_del_key_with_hash(t->s6, &k6, h6);
		return -1;
	}
	if (rte_hash_add_key_with_hash_data(t->s4, &k4, h4, (void *)(uintptr_t)pos) != 0) {
		rte_hash_del_key_with_hash(t->s6, &k6, h6);
		return -1;
	}
	t->added_s6 |= 1ull << (h6 & 63);
	struct session *s = &t->sess[pos];
	s->bib = bib;
	s->remote4 = remote4;
	s->rport = rport;
	s->state = TCP_CLOSED;
	s->prev = s->next = NIL;
	s->bprev = NIL;
	s->bnext = b->head;
	if (b->head != NIL)
		t->sess[b->head].bprev = (uint32_t)pos;
	b->head = (uint32_t)pos;
	uint8_t list = list_of(k6.proto, s->state);
	nat64_list_append(t, (uint32_t)pos, list, now + timeout_of(g, list));
	t->n_sess++;
	nat64_use_sess(&t->use, k6.proto, 1); /* issue 19: occupancy counts */
	return pos;
}

void nat64_sess_del(struct nat64_table *t, const struct xlat_config *cfg, uint32_t i)
{
	struct session *s = &t->sess[i];
	struct bib *b = &t->bibs[s->bib];
	struct s6_key k6;
	struct s4_key k4;

	sess_key(t, i, &k6);
	nat64_list_unlink(t, i);
	s4_key_of(&k6, b, &k4);
	rte_hash_del_key_with_hash(t->s4, &k4, hash_s4(t, &k4));
	rte_hash_del_key_with_hash(t->s6, &k6, hash_s6(t, &k6));
	if (s->bprev != NIL)
		t->sess[s->bprev].bnext = s->bnext;
	else
		b->head = s->bnext;
	if (s->bnext != NIL)
		t->sess[s->bnext].bprev = s->bprev;
	s->list = LIST_FREE;
	t->n_sess--;
	nat64_use_sess(&t->use, k6.proto, -1); /* issue 19: occupancy counts */
	struct cgn_table *c = cgn_of(t, cfg);
	if (c)
		cgn_session_event(c, cfg, false, k6.proto, k6.addr6, k6.port6, b->addr4, b->port4, k6.remote4, k6.rport);
	/* RFC 6146 3.5: a dynamic BIB entry lives as long as it has sessions; static ones stay. */
	if (b->head == NIL && !nat64_static_by6(cfg, k6.proto, k6.addr6, k6.port6)) {
		if (c)
			cgn_bib_event(c, cfg, false, k6.proto, k6.addr6, k6.port6, b->addr4, b->port4);
		nat64_bib_del(t, s->bib);
	}
}

/* A BIB entry goes other than with its last session (purge, a refused session). */
void nat64_bib_gone(struct nat64_table *t, const struct xlat_config *cfg, uint32_t i)
{
	struct cgn_table *c = cgn_of(t, cfg);

	if (c) {
		const struct bib6_key *k = bib_key(t, i);
		cgn_bib_event(c, cfg, false, k->proto, k->addr6, k->port6, t->bibs[i].addr4, t->bibs[i].port4);
	}
	nat64_bib_del(t, i);
}

uint32_t nat64_session_next(const struct nat64_table *t, uint32_t pos, struct nat64_session_info *out)
{
	uint32_t cap = t->max;

	for (uint32_t i = pos; i < cap; i++) {
		const struct session *s = &t->sess[i];
		if (s->list == LIST_FREE)
			continue;
		const struct bib *b = &t->bibs[s->bib];
		out->proto = b->k6.proto;
		out->state = s->state;
		memcpy(out->addr6, b->k6.addr6, 16);
		out->port6 = b->k6.port6;
		out->local4 = b->addr4;
		out->lport = b->port4;
		out->remote4 = s->remote4;
		out->rport = s->rport;
		/* the timer is 32-bit ms around the latest time the table saw */
		out->expires_ms = t->now_ms + (int64_t)(int32_t)(s->expires - (uint32_t)t->now_ms);
		return i + 1;
	}
	return 0;
}
