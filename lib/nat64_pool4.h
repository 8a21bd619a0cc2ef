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
struct nat64_cand;

const struct bib_static *nat64_static_by4(const struct xlat_config *cfg, uint8_t proto, uint32_t a4, uint16_t p4);
const struct bib_static *nat64_static_by6(const struct xlat_config *cfg, uint8_t proto, const uint8_t *a6,
					  uint16_t p6);

/* RFC 6056 algorithm 3 flavour: a keyed hash of what f-args selects picks where the search starts. */
uint32_t nat64_fargs_hash(const struct nat64_globals *g, const uint8_t *src6, uint16_t sport, uint32_t dst4,
			  uint16_t dport);
/* lib/cgn.c's question while it searches a block or a deterministic range: is this port free? */
bool nat64_port_free(void *arg, uint8_t proto, uint32_t a4, uint16_t p4);
/*
 * RFC 6888 REQ-2 (paired pooling): an IPv6 source always starts at the same
 * pool4 address (a hash of it), and only moves on when that one is full.
 * hb4: the chosen port's BIB hash (hash_b4), which its free test computed, for nat64_bib_add().
 */
int nat64_alloc4(struct nat64_table *t, const struct xlat_config *cfg, uint8_t proto, const uint8_t *src6,
		 uint16_t sport, uint32_t dst4, uint16_t dport, uint32_t *a4, uint16_t *p4, uint64_t *hb4);
/*
 * The burst's guess for a flow that will need a new BIB entry (nat64_lookup_burst): the first
 * ports nat64_alloc4() will try for it, their index lines asked for now, so that the misses of a
 * burst's new flows overlap (false: none to guess).
 */
bool nat64_alloc4_prefetch(struct nat64_table *t, const struct xlat_config *cfg, uint8_t proto, const uint8_t *src6,
			   uint16_t sport, uint32_t dst4, uint16_t dport, struct nat64_cand *c);

#endif
