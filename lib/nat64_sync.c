/* SPDX-License-Identifier: BSD-3-Clause */
/* Session synchronisation, the table's side (nat64_sync.h): events out, a peer's sessions in, the bulk walk. */
#include <string.h>

#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "nat64_db.h"
#include "nat64_pool4.h"
#include "nat64_redirect.h"
#include "nat64_sync.h"

_Static_assert(sizeof(struct sync_session) % 4 == 0, "rte_ring elements are multiples of 4 bytes");

void nat64_sync_attach(struct nat64_table *t, struct rte_ring *ring)
{
	t->sync_ring = ring;
	t->listened = t->cgn != NULL || t->sync_ring != NULL;
}

uint64_t nat64_sync_dropped(const struct nat64_table *t)
{
	return __atomic_load_n(&t->sync_drops, __ATOMIC_RELAXED);
}

static void record_of(const struct nat64_table *t, uint32_t i, struct sync_session *r)
{
	const struct session *s = &t->sess[i]; /* its BIB entry's sides are on its own line */
	int32_t left = (int32_t)(s->expires - (uint32_t)t->now_ms);

	memset(r, 0, sizeof(*r));
	r->op = SYNC_UPSERT;
	r->proto = s->proto;
	r->tcp_state = s->state;
	memcpy(r->addr6, s->a6, 16);
	r->port6 = s->p6;
	r->addr4 = s->a4;
	r->port4 = s->p4;
	r->remote4 = s->remote4;
	r->rport = s->rport;
	r->expires_ms = left > 0 ? (uint32_t)left : 0;
}

static void put(struct nat64_table *t, struct sync_session *r)
{
	if (rte_ring_sp_enqueue_elem(t->sync_ring, r, sizeof(*r)) != 0)
		__atomic_store_n(&t->sync_drops, t->sync_drops + 1, __ATOMIC_RELAXED);
}

__attribute__((noinline)) void nat64_sync_emit(struct nat64_table *t, uint32_t i)
{
	struct sync_session r;

	record_of(t, i, &r);
	put(t, &r);
}

__attribute__((noinline)) void nat64_sync_bib_gone(struct nat64_table *t, uint32_t i)
{
	const struct bib *b = &t->bibs[i];
	struct sync_session r = { .op = SYNC_LOCAL_BIB_GONE, .proto = b->proto, .addr4 = b->a4, .port4 = b->p4 };

	/* only a port whose number gives another worker can be in the redirect map */
	if (t->n_workers > 1 && (b->p4 / 2u) % t->n_workers != t->worker)
		put(t, &r);
}

bool nat64_sync_walk(struct nat64_table *t, uint32_t *pos, unsigned budget, unsigned *emitted)
{
	uint32_t i = *pos;
	unsigned n = 0;

	for (; i < t->max && n < budget; i++) {
		if (t->sess[i].list == LIST_FREE)
			continue;
		nat64_sync_emit(t, i);
		n++;
	}
	*pos = i;
	*emitted = n;
	return i < t->max;
}

/* A record's state and timer into an existing session: its timer on the list that state takes. */
static void set_session(struct nat64_table *t, const struct nat64_globals *g, uint32_t si,
			const struct sync_session *s, uint64_t now)
{
	struct session *e = &t->sess[si];

	if (s->proto == IPPROTO_TCP)
		e->state = s->tcp_state & 15;
	uint8_t list = list_of(s->proto, e->state);
	uint64_t tmo = timeout_of(g, list);
	nat64_relink(t, si, list, now + (s->expires_ms < tmo ? s->expires_ms : tmo));
}

static bool record_valid(const struct xlat_config *cfg, const struct sync_session *s)
{
	if (s->op != SYNC_UPSERT || (s->proto != IPPROTO_TCP && s->proto != IPPROTO_UDP && s->proto != IPPROTO_ICMP))
		return false;
	if (s->proto == IPPROTO_TCP && (s->tcp_state == TCP_CLOSED || s->tcp_state > TCP_TRANS))
		return false;
	/* the peer's pool4 must be ours too (same pool4 on both boxes, doc/ha.md) */
	return nat64_pool4_port(cfg, s->proto, s->addr4, s->port4);
}

/* The store's own entry points: nat64_bib_add(), and nat64_sess_add() with the record's state and timer. */
static enum nat64_install install(struct nat64_table *t, const struct xlat_config *cfg,
				  const struct sync_session *s, uint64_t now)
{
	const struct nat64_globals *g = &cfg->g.nat;

	if (!record_valid(cfg, s))
		return NAT64_INSTALL_INVALID;
	struct nat64_key k;
	key6_mk(&k, s->proto, s->addr6, s->port6, s->remote4, s->rport);
	uint64_t part6 = hk_a6(t, s->addr6);
	uint64_t bh = hash_b6_from(t, part6, s->proto, s->port6);
	int32_t bi = bib_find6(t, &k, bh);
	bool new_bib = false;
	if (bi >= 0) {
		if (t->bibs[bi].a4 != s->addr4 || t->bibs[bi].p4 != s->port4)
			return NAT64_INSTALL_CONFLICT; /* this IPv6 transport address has another mapping here */
	} else {
		if (bib_find4(t, s->proto, s->addr4, s->port4) >= 0)
			return NAT64_INSTALL_CONFLICT; /* that pool4 port is another IPv6 host's here */
		if ((bi = nat64_bib_add(t, cfg, &k, bh, s->addr4, s->port4, hash_b4(t, s->proto, s->addr4, s->port4))) <
		    0)
			return NAT64_INSTALL_FULL;
		new_bib = true;
	}
	uint64_t sh = hash_s6_from(t, part6, s->proto, s->port6, s->remote4, s->rport);
	int32_t si = sess_find6(t, &k, sh);
	if (si >= 0) {
		set_session(t, g, (uint32_t)si, s, now);
		return NAT64_INSTALL_UPDATED;
	}
	uint8_t state = s->proto == IPPROTO_TCP ? s->tcp_state : TCP_CLOSED;
	uint64_t tmo = timeout_of(g, list_of(s->proto, state));
	si = nat64_sess_add(t, cfg, (uint32_t)bi, s->remote4, s->rport, state,
			    now + (s->expires_ms < tmo ? s->expires_ms : tmo), &sh, NULL, 0);
	if (si < 0) {
		if (new_bib)
			nat64_bib_gone(t, cfg, (uint32_t)bi);
		return NAT64_INSTALL_FULL;
	}
	return NAT64_INSTALL_NEW;
}

enum nat64_install nat64_sync_install(struct nat64_table *t, const struct xlat_config *cfg,
				      const struct sync_session *s, uint64_t now)
{
	struct rte_ring *ring = t->sync_ring;

	t->sync_ring = NULL; /* a peer's record is not news to send back (no echo) */
	enum nat64_install r = install(t, cfg, s, now);
	t->sync_ring = ring;

	/*
	 * Refused, on a port whose number is another worker's: the sync thread
	 * redirected it here before handing the record over; it takes that back
	 * (unless this worker holds the port after all).
	 */
	if (r >= NAT64_INSTALL_CONFLICT && t->sync_ring && t->n_workers > 1 && s->op == SYNC_UPSERT &&
	    (s->port4 / 2u) % t->n_workers != t->worker && bib_find4(t, s->proto, s->addr4, s->port4) < 0) {
		struct sync_session g = { .op = SYNC_LOCAL_BIB_GONE, .proto = s->proto, .addr4 = s->addr4,
					  .port4 = s->port4 };
		put(t, &g);
	}
	return r;
}

const char *nat64_install_name(enum nat64_install r)
{
	static const char *const names[] = { "new", "updated", "conflict", "full", "invalid" };

	return (unsigned)r < sizeof(names) / sizeof(names[0]) ? names[r] : "?";
}
