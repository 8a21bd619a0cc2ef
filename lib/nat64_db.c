/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The NAT64 session store (RFC 6146 3.1, 3.2): a worker's BIB and session
 * tables created and freed, entries added and removed (with their events and
 * CGN accounting), the expiry lists' links, and the control plane's walk.
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

static bool idx_init(struct idx *x, const char *name, uint32_t max, int socket)
{
	uint32_t n = nat64_idx_buckets(max);

	x->b = rte_zmalloc_socket(name, sizeof(*x->b) * n, 64, socket);
	x->mask = n - 1;
	return x->b != NULL;
}

static bool ring_init(struct free_ring *r, const char *name, uint32_t max, int socket)
{
	r->v = rte_malloc_socket(name, sizeof(*r->v) * max, 64, socket);
	if (!r->v)
		return false;
	for (uint32_t i = 0; i < max; i++)
		r->v[i] = i;
	r->head = 0;
	r->n = max;
	return true;
}

struct nat64_table *nat64_table_create(const char *name, uint32_t max, unsigned worker, unsigned n_workers,
				       int socket)
{
	struct nat64_table *t = rte_zmalloc_socket("nat64", sizeof(*t), 64, socket);
	struct rte_hash_parameters fp = {
		.name = NULL,
		.entries = FRAG_MAX,
		.key_len = sizeof(struct frag_key),
		.hash_func = rte_jhash,
		.hash_func_init_val = (uint32_t)rte_rand(),
		.socket_id = socket,
		/* FRAG_MAX is a power of two: cuckoo hashing alone takes ~98% of that, the extension the rest */
		.extra_flag = RTE_HASH_EXTRA_FLAGS_EXT_TABLE,
	};
	char fname[RTE_HASH_NAMESIZE];

	if (!t)
		return NULL;
	if (max < 8)
		max = 8;
	t->max = max;
	t->worker = worker;
	t->n_workers = n_workers ? n_workers : 1;
	t->rand = 0x9e3779b9u ^ (worker * 0x85ebca6bu);
	uint64_t seed = rte_rand();
	for (unsigned i = 0; i <= HK_WORDS; i++)
		t->hk[i] = splitmix64(&seed);
	snprintf(fname, sizeof(fname), "%sfr", name);
	fp.name = fname;
	t->frag = rte_hash_create(&fp);
	t->sess = rte_zmalloc_socket("nat64_sess", sizeof(struct session) * max, 64, socket);
	t->bibs = rte_zmalloc_socket("nat64_bibs", sizeof(struct bib) * max, 64, socket);
	t->fvals = rte_zmalloc_socket("nat64_frag", sizeof(struct frag_val) * FRAG_MAX, 64, socket);
	t->frag_fifo = rte_zmalloc_socket("nat64_ffifo", sizeof(int32_t) * FRAG_MAX, 64, socket);
	int use = nat64_usage_init(&t->use, max, socket); /* issue 19: occupancy counts */
	if (!idx_init(&t->s6, "nat64_s6", max, socket) || !idx_init(&t->s4, "nat64_s4", max, socket) ||
	    !idx_init(&t->b6, "nat64_b6", max, socket) || !idx_init(&t->b4, "nat64_b4", max, socket) ||
	    !ring_init(&t->sfree, "nat64_sfree", max, socket) || !ring_init(&t->bfree, "nat64_bfree", max, socket) ||
	    !t->sess || !t->bibs || !t->frag || !t->fvals || !t->frag_fifo || use != 0) {
		nat64_table_free(t);
		return NULL;
	}
	for (unsigned i = 0; i < N_LISTS; i++)
		t->lists[i].head = t->lists[i].tail = NIL;
	for (uint32_t i = 0; i < max; i++)
		t->bibs[i].head = NIL;
	t->hint_cur = -1;
	t->hint_idx = -1;
	t->owned.lo = 1; /* lo > hi: no range remembered */
	return t;
}

void nat64_table_free(struct nat64_table *t)
{
	if (!t)
		return;
	rte_free(t->s6.b);
	rte_free(t->s4.b);
	rte_free(t->b6.b);
	rte_free(t->b4.b);
	rte_free(t->sfree.v);
	rte_free(t->bfree.v);
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
	t->listened = t->cgn != NULL || t->sync_ring != NULL;
}

uint32_t nat64_table_sessions(const struct nat64_table *t)
{
	return t->n_sess;
}

uint32_t nat64_table_bibs(const struct nat64_table *t)
{
	return t->n_bib;
}

/* ---- free rings: entries handed out in the order they were freed ---- */

static inline uint32_t ring_take(struct free_ring *r, uint32_t max)
{
	uint32_t i = r->v[r->head];

	if (++r->head == max)
		r->head = 0;
	r->n--;
	return i;
}

static inline void ring_put(struct free_ring *r, uint32_t max, uint32_t i)
{
	uint32_t at = r->head + r->n;

	r->v[at >= max ? at - max : at] = i;
	r->n++;
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

	s->list = list & 15;
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

int32_t nat64_bib_add(struct nat64_table *t, const struct xlat_config *cfg, const struct nat64_key *key,
		      uint64_t hb6, uint32_t a4, uint16_t p4, uint64_t hb4)
{
	if (t->n_bib >= t->max)
		return -1;
	uint32_t i = ring_take(&t->bfree, t->max);
	struct bib *b = &t->bibs[i];
	memcpy(b->a6, key->a6, 16);
	b->p6 = key->p6;
	b->a4 = a4;
	b->p4 = p4;
	b->proto = key->proto;
	b->head = NIL;
	idx_add(&t->b6, hb6, i);
	idx_add(&t->b4, hb4, i);
	added_set(t->added_b6, hb6);
	t->n_bib++;
	nat64_use_bib(&t->use, key->proto, a4, 1); /* issue 19: occupancy by address */
	struct cgn_table *c = cgn_of(t, cfg);
	if (c)
		cgn_bib_event(c, cfg, true, b->proto, b->a6, b->p6, a4, p4);
	return (int32_t)i;
}

/* hb: its two hashes (hash_b6, hash_b4) where the caller has them, else NULL. */
static void bib_del(struct nat64_table *t, uint32_t i, const uint64_t *hb)
{
	struct bib *b = &t->bibs[i];

	if (__builtin_expect(t->sync_ring != NULL, 0))
		nat64_sync_bib_gone(t, i);
	idx_del(&t->b6, (uint32_t)(hb ? hb[0] : hash_b6(t, b->proto, b->a6, b->p6)), i);
	idx_del(&t->b4, (uint32_t)(hb ? hb[1] : hash_b4(t, b->proto, b->a4, b->p4)), i);
	t->n_bib--;
	nat64_use_bib(&t->use, b->proto, b->a4, -1); /* issue 19: occupancy by address */
	b->head = NIL;
	b->proto = 0; /* no packet's key: a burst's BIB position (b6pos) that went stale cannot match */
	ring_put(&t->bfree, t->max, i);
}

static void bib_gone(struct nat64_table *t, const struct xlat_config *cfg, uint32_t i, const uint64_t *hb)
{
	struct cgn_table *c = cgn_of(t, cfg);

	if (c) {
		const struct bib *b = &t->bibs[i];
		cgn_bib_event(c, cfg, false, b->proto, b->a6, b->p6, b->a4, b->p4);
	}
	bib_del(t, i, hb);
}

/* A BIB entry goes other than with its last session (purge, a refused session). */
void nat64_bib_gone(struct nat64_table *t, const struct xlat_config *cfg, uint32_t i)
{
	bib_gone(t, cfg, i, NULL);
}

/*
 * HA (nat64_sync.h): a new UDP/ICMP session, and every TCP state change (a
 * TCP session's first, CLOSED to V6/V4 INIT, included: not its UP, in
 * CLOSED); nothing when a session goes.
 */
static inline bool sync_wants(const struct nat64_table *t, uint32_t i, enum nat64_event ev)
{
	return t->sync_ring && (ev == NAT64_EV_STATE || (ev == NAT64_EV_UP && t->sess[i].proto != IPPROTO_TCP));
}

/* CGN's NAT events (a session made or gone), then HA's. */
static __attribute__((noinline)) void sess_event_cgn(struct nat64_table *t, const struct xlat_config *cfg,
						     uint32_t i, enum nat64_event ev)
{
	const struct session *s = &t->sess[i];
	struct cgn_table *c = cgn_of(t, cfg);

	if (c && ev != NAT64_EV_STATE)
		cgn_session_event(c, cfg, ev == NAT64_EV_UP, s->proto, s->a6, s->p6, s->a4, s->p4, s->remote4,
				  s->rport);
	if (sync_wants(t, i, ev))
		nat64_sync_emit(t, i);
}

/* Tail calls only: without CGN, HA's record costs a few tests here and no frame. */
void nat64_sess_event(struct nat64_table *t, const struct xlat_config *cfg, uint32_t i, enum nat64_event ev,
		      uint8_t old)
{
	(void)old;
	if (t->cgn) {
		sess_event_cgn(t, cfg, i, ev);
		return;
	}
	if (sync_wants(t, i, ev))
		nat64_sync_emit(t, i);
}

int32_t nat64_sess_add(struct nat64_table *t, const struct xlat_config *cfg, uint32_t bib, uint32_t remote4,
		       uint16_t rport, uint8_t state, uint64_t expires, const uint64_t *h6p, const uint64_t *h4p,
		       uint64_t rh6)
{
	struct bib *b = &t->bibs[bib];

	if (t->n_sess >= t->max)
		return -1;
	uint32_t i = ring_take(&t->sfree, t->max);
	struct session *s = &t->sess[i];
	memcpy(s->a6, b->a6, 16);
	s->remote4 = remote4;
	s->a4 = b->a4;
	s->p6 = b->p6;
	s->rport = rport;
	s->p4 = b->p4;
	s->proto = b->proto;
	s->state = state & 15;
	s->bib = bib;
	uint64_t h6 = h6p ? *h6p : hash_s6_from(t, hk_a6(t, b->a6), b->proto, b->p6, remote4, rport);
	uint64_t h4 = h4p ? *h4p : hash_s4(t, b->proto, b->a4, b->p4, remote4, rport);
	s->h6 = (uint32_t)h6;
	s->h4 = (uint32_t)h4;
	idx_add(&t->s6, h6, i);
	idx_add(&t->s4, h4, i);
	added_set(t->added_s6, h6);
	s->bprev = NIL;
	s->bnext = b->head;
	if (b->head != NIL)
		t->sess[b->head].bprev = i;
	b->head = i;
	s->prev = s->next = NIL;
	nat64_list_append(t, i, list_of(s->proto, s->state), expires);
	/* both directions' next packets find it at once (nat64_lookup_burst) */
	struct nat64_key k;
	if (!rh6) {
		key6_mk(&k, s->proto, s->a6, s->p6, remote4, rport);
		rh6 = recent_hash6(&k);
	}
	recent_put(t->recent6, rh6, i);
	key4_mk(&k, s->proto, s->a4, s->p4, remote4, rport);
	recent_put(t->recent4, recent_hash4(&k), i);
	t->n_sess++;
	nat64_use_sess(&t->use, s->proto, 1); /* issue 19 */
	nat64_sess_notify(t, cfg, i, NAT64_EV_UP, 0);
	return (int32_t)i;
}

void nat64_sess_del_hb(struct nat64_table *t, const struct xlat_config *cfg, uint32_t i, const uint64_t *hb)
{
	struct session *s = &t->sess[i];
	uint32_t bi = s->bib;
	struct bib *b = &t->bibs[bi];

	nat64_sess_notify(t, cfg, i, NAT64_EV_DOWN, 0);
	nat64_list_unlink(t, i);
	idx_del(&t->s6, s->h6, i);
	idx_del(&t->s4, s->h4, i);
	if (s->bprev != NIL)
		t->sess[s->bprev].bnext = s->bnext;
	else
		b->head = s->bnext;
	if (s->bnext != NIL)
		t->sess[s->bnext].bprev = s->bprev;
	s->list = LIST_FREE;
	t->n_sess--;
	nat64_use_sess(&t->use, s->proto, -1); /* issue 19 */
	ring_put(&t->sfree, t->max, i);
	/* RFC 6146 3.5: a dynamic BIB entry lives as long as it has sessions; static ones stay. */
	if (b->head == NIL && (!cfg->n_bib || !nat64_static_by6(cfg, b->proto, b->a6, b->p6)))
		bib_gone(t, cfg, bi, hb);
}

void nat64_sess_del(struct nat64_table *t, const struct xlat_config *cfg, uint32_t i)
{
	nat64_sess_del_hb(t, cfg, i, NULL);
}

uint32_t nat64_session_next(const struct nat64_table *t, uint32_t pos, struct nat64_session_info *out)
{
	for (uint32_t i = pos; i < t->max; i++) {
		const struct session *s = &t->sess[i];
		if (s->list == LIST_FREE)
			continue;
		out->proto = s->proto;
		out->state = s->state;
		memcpy(out->addr6, s->a6, 16);
		out->port6 = s->p6;
		out->local4 = s->a4;
		out->lport = s->p4;
		out->remote4 = s->remote4;
		out->rport = s->rport;
		/* the timer is 32-bit ms around the latest time the table saw */
		out->expires_ms = t->now_ms + (int64_t)(int32_t)(s->expires - (uint32_t)t->now_ms);
		return i + 1;
	}
	return 0;
}
