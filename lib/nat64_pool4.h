/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pool4 (nat64_pool4.c): static BIB entries by either side, and the search for
 * a free pool4 port for a new BIB entry (RFC 6146 3.5.1.1, RFC 6056, RFC 6888
 * REQ-2). The membership tests the classifier asks are in nat64.h.
 */
#ifndef XLAT_NAT64_POOL4_H
#define XLAT_NAT64_POOL4_H

#include <stdbool.h>
#include <stdint.h>

#include "nat64.h"

struct nat64_table;
struct pool4_entry;

const struct bib_static *nat64_static_by4(const struct xlat_config *cfg, uint8_t proto, uint32_t a4, uint16_t p4);
const struct bib_static *nat64_static_by6(const struct xlat_config *cfg, uint8_t proto, const uint8_t *a6,
					  uint16_t p6);

/* RFC 6056 algorithm 3 flavour: a keyed hash of what f-args selects picks where the search starts. */
uint32_t nat64_fargs_hash(const struct nat64_globals *g, const uint8_t *src6, uint16_t sport, uint32_t dst4,
			  uint16_t dport);
/* lib/cgn.c's question while it searches a block or a deterministic range: is this port free? */
bool nat64_port_free(void *arg, uint8_t proto, uint32_t a4, uint16_t p4);
/*
 * A flow's search: its protocol's pool4 (the entry, where it has only one),
 * the first address it tries (RFC 6888 REQ-2, paired pooling: a hash of the
 * IPv6 source) and where the port search starts (F()).
 */
struct alloc_start {
	uint32_t total, pick, start;
	const struct pool4_entry *only; /* the protocol's entry where it has one, else NULL */
};

/*
 * The ports a new BIB entry may take at one address of one pool4 entry, in
 * the order they are tried: owned by this worker, in sport's range, of its
 * parity first. A walk, so that the search and the burst's guess see the
 * same candidates.
 */
struct port_walk {
	uint32_t lo, hi, q0, owned, n;
	uint32_t k0, k, i, tries; /* the first pair's rank among the owned, the next one's, the try in this pass */
	unsigned parity, pass, passes;
	uint16_t *next; /* RFC 6056 3.3.3: where this F() bucket's next search starts */
};

/*
 * The first ports a new BIB entry's search will try at its first address
 * (nat64_alloc4_prefetch, in the burst): their hash_b4 and try numbers, the
 * walk past them, and what the search needs to go on from there
 * (nat64_alloc4), so that it computes none of it again.
 */
#define NAT64_CAND 4
struct nat64_cand {
	struct alloc_start a;
	struct port_walk w;
	uint32_t a4;
	uint16_t next0; /* *w.next when they were taken: the search uses them only while it is unchanged */
	uint8_t proto;
	bool more; /* the walk goes on past them */
	unsigned n;
	uint16_t port[NAT64_CAND];
	uint32_t step[NAT64_CAND];
	uint64_t hb4[NAT64_CAND];
};

/*
 * RFC 6888 REQ-2 (paired pooling): an IPv6 source always starts at the same
 * pool4 address (a hash of it), and only moves on when that one is full.
 * c: the burst's candidates for this very flow (nat64_alloc4_prefetch), or NULL.
 * hb4: the chosen port's BIB hash (hash_b4), which its free test computed, for nat64_bib_add().
 */
int nat64_alloc4(struct nat64_table *t, const struct xlat_config *cfg, uint8_t proto, const uint8_t *src6,
		 uint16_t sport, uint32_t dst4, uint16_t dport, const struct nat64_cand *c, uint32_t *a4, uint16_t *p4,
		 uint64_t *hb4);
/*
 * The burst's guess for a flow that will need a new BIB entry (nat64_lookup_burst): the first
 * ports nat64_alloc4() will try for it, their index lines asked for now, so that the misses of a
 * burst's new flows overlap (false: none to guess).
 */
bool nat64_alloc4_prefetch(struct nat64_table *t, const struct xlat_config *cfg, uint8_t proto, const uint8_t *src6,
			   uint16_t sport, uint32_t dst4, uint16_t dport, struct nat64_cand *c);

#endif
