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
 * One list's due sessions, oldest first, at most budget of them. A software
 * pipeline along the list: while session i goes, the lines of the next one's
 * deletion are on their way (asked for one step before) and the line of the
 * one after it (two steps before), so that the misses of consecutive
 * deletions overlap instead of queueing. n: sessions handled; returns those
 * deleted.
 */
static unsigned expire_list(struct nat64_table *t, const struct xlat_config *cfg, unsigned l, uint64_t now,
			    unsigned budget, unsigned *n)
{
	unsigned deleted = 0;
	uint32_t i = t->lists[l].head;
	uint64_t hb[2], hbn[2] = { 0, 0 }; /* the BIB hashes of i and of the next one */

	if (i == NIL || !due(t->sess[i].expires, now))
		return 0;
	expire_prefetch(t, i, hb);
	if (t->sess[i].next != NIL)
		rte_prefetch0(&t->sess[t->sess[i].next]);
	while (*n < budget && i != NIL && due(t->sess[i].expires, now)) {
		struct session *s = &t->sess[i];
		uint32_t nx = s->next;
		if (nx != NIL) {
			uint32_t nnx = t->sess[nx].next;
			if (nnx != NIL)
				rte_prefetch0(&t->sess[nnx]);
			expire_prefetch(t, nx, hbn);
		}
		/* Jool: an established TCP session that runs out gets the transitory timer before it goes. */
		if (l == LIST_TCP_EST) {
			uint8_t old = s->state;
			s->state = TCP_TRANS;
			nat64_list_unlink(t, i);
			nat64_list_append(t, i, LIST_TCP_TRANS, now + timeout_of(&cfg->g.nat, LIST_TCP_TRANS));
			nat64_sess_notify(t, cfg, i, NAT64_EV_STATE, old);
		} else {
			nat64_sess_del_hb(t, cfg, i, hb[0] | hb[1] ? hb : NULL);
			deleted++;
		}
		(*n)++;
		i = nx;
		hb[0] = hbn[0];
		hb[1] = hbn[1];
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
