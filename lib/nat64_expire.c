/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * NAT64 sessions that end: by their timers (RFC 6146 3.5.1, 3.5.2.2: the
 * expiry lists, oldest first) and by a configuration change that takes their
 * pool4 address or static BIB entry away (as Jool purges them).
 */
#include <rte_prefetch.h>

#include "cgn.h"
#include "nat64_db.h"
#include "nat64_pool4.h"
#include "nat64_redirect.h"

/*
 * The lines session i's deletion touches: its two index buckets, its BIB
 * entry and, where it may be the BIB entry's last session, the BIB's two
 * buckets (their hashes from the session's own copy of the BIB's sides).
 */
static inline void expire_prefetch(const struct nat64_table *t, uint32_t i, uint64_t hb[2])
{
	const struct session *s = &t->sess[i];

	rte_prefetch0(idx_home(&t->s6, s->h6));
	rte_prefetch0(idx_home(&t->s4, s->h4));
	rte_prefetch0(&t->bibs[s->bib]);
	if (s->bnext == NIL && s->bprev == NIL) {
		hb[0] = hash_b6(t, s->proto, s->a6, s->p6);
		hb[1] = hash_b4(t, s->proto, s->a4, s->p4);
		rte_prefetch0(idx_home(&t->b6, hb[0]));
		rte_prefetch0(idx_home(&t->b4, hb[1]));
	} else {
		hb[0] = hb[1] = 0; /* not asked for: computed if it comes to that */
	}
}

/*
 * How many due sessions go together: their deletions' lines (4 index buckets
 * each, their BIB entries) are all asked for before the first goes, so that
 * their misses overlap. One step ahead, as before, was not enough at 1M
 * sessions: a deletion is shorter than a miss, and perf found the index
 * deletions waiting (~11% of a new session's cycles at a steady state).
 */
#define EXPIRE_BATCH 8

/*
 * One list's due sessions, oldest first, at most budget of them, in batches:
 * the batch's sessions found along the list (their lines, allocated in
 * expiry order, are mostly next to each other), their deletions' lines asked
 * for, then each one handled. n: sessions handled; returns those deleted.
 */
static unsigned expire_list(struct nat64_table *t, const struct xlat_config *cfg, unsigned l, uint64_t now,
			    unsigned budget, unsigned *n)
{
	unsigned deleted = 0;
	uint32_t i = t->lists[l].head;

	while (*n < budget && i != NIL && due(t->sess[i].expires, now)) {
		uint32_t batch[EXPIRE_BATCH];
		uint64_t hb[EXPIRE_BATCH][2]; /* the BIB hashes, where the session may be its BIB's last */
		unsigned m = 0;
		for (; m < EXPIRE_BATCH && *n + m < budget && i != NIL && due(t->sess[i].expires, now); m++) {
			batch[m] = i;
			i = t->sess[i].next;
			if (i != NIL)
				rte_prefetch0(&t->sess[i]);
		}
		for (unsigned j = 0; j < m; j++)
			expire_prefetch(t, batch[j], hb[j]);
		for (unsigned j = 0; j < m; j++) {
			uint32_t si = batch[j];
			struct session *s = &t->sess[si];
			/* Jool: an established TCP session that runs out gets the transitory timer before it goes. */
			if (l == LIST_TCP_EST) {
				uint8_t old = s->state;
				s->state = TCP_TRANS;
				nat64_list_unlink(t, si);
				nat64_list_append(t, si, LIST_TCP_TRANS, now + timeout_of(&cfg->g.nat, LIST_TCP_TRANS));
				nat64_sess_notify(t, cfg, si, NAT64_EV_STATE, old);
			} else {
				nat64_sess_del_hb(t, cfg, si, hb[j][0] | hb[j][1] ? hb[j] : NULL);
				deleted++;
			}
		}
		*n += m;
	}
	return deleted;
}

unsigned nat64_expire(struct nat64_table *t, const struct xlat_config *cfg, uint64_t now, unsigned budget)
{
	unsigned n = 0, deleted = 0;

	t->now_ms = now;
	if (cgn_of(t, cfg))
		cgn_clock(t->cgn, now);
	for (unsigned l = LIST_FREE + 1; l < N_LISTS && n < budget; l++)
		deleted += expire_list(t, cfg, l, now, budget, &n);
	return deleted; /* sessions gone (an established one moving to TRANS is not one yet) */
}

/* Does the configuration still hold what BIB entry i stands on? (nat64_purge) */
static bool bib_still_valid(const struct nat64_table *t, const struct xlat_config *cfg, uint32_t i)
{
	const struct bib *b = &t->bibs[i];
	const struct bib_static *s = nat64_static_by4(cfg, b->proto, b->a4, b->p4);

	if (s) /* a static entry owns this IPv4 transport address: it must be this very mapping */
		return s->port6 == b->p6 && memcmp(s->addr6, b->a6, 16) == 0;
	if (!nat64_pool4_port(cfg, b->proto, b->a4, b->p4))
		return false;
	/* no longer static: a dynamic entry must be on a port this worker could have allocated */
	/* HA: a port a peer allocated, kept here with its IPv6 side's owner (nat64_redirect.h) */
	if (nat64_redirect_active(cfg->redirect) &&
	    nat64_redirect_get(cfg->redirect, b->proto, b->a4, b->p4) == (int)t->worker)
		return true;
	int v = cfg->cgn.enabled ? cgn_port_valid(cfg, b->proto, b->a4, b->p4, t->worker, t->n_workers) : -1;
	if (v >= 0)
		return t->n_workers <= 1 || v;
	return t->n_workers <= 1 || (b->p4 / 2u) % t->n_workers == t->worker;
}

unsigned nat64_purge(struct nat64_table *t, const struct xlat_config *cfg)
{
	unsigned n = 0;

	for (uint32_t i = 0; i < t->max; i++) {
		if (t->sess[i].list == LIST_FREE || bib_still_valid(t, cfg, t->sess[i].bib))
			continue;
		nat64_sess_del(t, cfg, i); /* may spare a static BIB entry: the pass below removes it */
		n++;
	}
	/* BIB entries left without sessions: static ones no longer configured (or no longer valid) */
	for (uint32_t i = 0; i < t->max; i++) {
		const struct bib *b = &t->bibs[i];
		if (!b->proto || b->head != NIL)
			continue;
		const struct bib_static *s = nat64_static_by6(cfg, b->proto, b->a6, b->p6);
		if (!s || s->addr4 != b->a4 || s->port4 != b->p4 || !bib_still_valid(t, cfg, i))
			nat64_bib_gone(t, cfg, i);
	}
	return n;
}
