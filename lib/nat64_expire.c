/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * NAT64 sessions that end: by their timers (RFC 6146 3.5.1, 3.5.2.2: the
 * expiry lists, oldest first) and by a configuration change that takes their
 * pool4 address or static BIB entry away (as Jool purges them).
 */
#include "cgn.h"
#include "nat64_db.h"
#include "nat64_pool4.h"
#include "nat64_redirect.h"

unsigned nat64_expire(struct nat64_table *t, const struct xlat_config *cfg, uint64_t now, unsigned budget)
{
	unsigned n = 0, deleted = 0;

	t->now_ms = now;
	if (cgn_of(t, cfg))
		cgn_clock(t->cgn, now);
	for (unsigned l = LIST_FREE + 1; l < N_LISTS && n < budget; l++) {
		while (n < budget && t->lists[l].head != NIL && due(t->sess[t->lists[l].head].expires, now)) {
			uint32_t i = t->lists[l].head;
			struct session *s = &t->sess[i];
			/* Jool: an established TCP session that runs out gets the transitory timer before it goes. */
			if (l == LIST_TCP_EST) {
				s->state = TCP_TRANS;
				nat64_list_unlink(t, i);
				nat64_list_append(t, i, LIST_TCP_TRANS, now + timeout_of(&cfg->g.nat, LIST_TCP_TRANS));
				if (t->sync_ring)
					nat64_sync_emit(t, i);
			} else {
				nat64_sess_del(t, cfg, i);
				deleted++;
			}
			n++;
		}
	}
	return deleted; /* sessions gone (an established one moving to TRANS is not one yet) */
}

/* Does the configuration still hold what BIB entry i stands on? (nat64_purge) */
static bool bib_still_valid(const struct nat64_table *t, const struct xlat_config *cfg, uint32_t i)
{
	const struct bib *b = &t->bibs[i];
	const struct bib6_key *k = bib_key(t, i);
	const struct bib_static *s = nat64_static_by4(cfg, k->proto, b->addr4, b->port4);

	if (s) /* a static entry owns this IPv4 transport address: it must be this very mapping */
		return s->port6 == k->port6 && memcmp(s->addr6, k->addr6, 16) == 0;
	if (!nat64_pool4_port(cfg, k->proto, b->addr4, b->port4))
		return false;
	/* no longer static: a dynamic entry must be on a port this worker could have allocated */
	/* HA: a port a peer allocated, kept here with its IPv6 side's owner (nat64_redirect.h) */
	if (nat64_redirect_active(cfg->redirect) &&
	    nat64_redirect_get(cfg->redirect, k->proto, b->addr4, b->port4) == (int)t->worker)
		return true;
	int v = cfg->cgn.enabled ? cgn_port_valid(cfg, k->proto, b->addr4, b->port4, t->worker, t->n_workers) : -1;
	if (v >= 0)
		return t->n_workers <= 1 || v;
	return t->n_workers <= 1 || (b->port4 / 2u) % t->n_workers == t->worker;
}

unsigned nat64_purge(struct nat64_table *t, const struct xlat_config *cfg)
{
	uint32_t cap = t->max;
	unsigned n = 0;
	bool again = true;

	for (uint32_t i = 0; i < cap; i++) {
		if (t->sess[i].list == LIST_FREE || bib_still_valid(t, cfg, t->sess[i].bib))
			continue;
		nat64_sess_del(t, cfg, i); /* may spare a static BIB entry: the pass below removes it */
		n++;
	}
	/* BIB entries left without sessions: static ones no longer configured (or no longer valid) */
	while (again) {
		const void *key;
		void *data;
		uint32_t it = 0;
		int32_t pos;

		again = false;
		while ((pos = rte_hash_iterate(t->bib6, &key, &data, &it)) >= 0) {
			const struct bib6_key *k = key;
			struct bib *b = &t->bibs[pos];
			const struct bib_static *s = nat64_static_by6(cfg, k->proto, k->addr6, k->port6);

			if (b->head == NIL && (!s || s->addr4 != b->addr4 || s->port4 != b->port4 ||
					       !bib_still_valid(t, cfg, (uint32_t)pos))) {
				nat64_bib_gone(t, cfg, (uint32_t)pos);
				again = true; /* deleting may move keys within the buckets: walk again */
				break;
			}
		}
	}
	return n;
}
