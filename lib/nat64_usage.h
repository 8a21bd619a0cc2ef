/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A worker's NAT64 table occupancy (issue 19), kept where entries come and go
 * (nat64_db.c calls the two inline updates below, at its marked points) and
 * read by the control thread without asking the worker and without locks
 * (nat64_status.h): sessions and BIB entries per protocol, and the pool4 ports
 * the BIB entries hold per (protocol, IPv4 address).
 *
 * Cost on the fast path: a session's insert or delete updates one counter; a
 * BIB entry's two (its protocol's, and its address's slot in a small
 * open-addressing table, found in one or two probes at half load at most).
 *
 * The address table is keyed by the address itself, not by a position in the
 * pool4 configuration, so reconfiguring pool4 never mixes up the counts: the
 * purge that follows a change deletes the BIB entries it removes (their slots
 * count down), and the worker then rebuilds the table from its BIB entries
 * (nat64_usage_rebuild), which drops the keys of addresses no longer used.
 *
 * Concurrency: the worker is the only writer. Every count is a naturally
 * aligned word written with a relaxed atomic store, so a reader sees each one
 * whole (never torn); different counts are not read at one instant (an entry
 * added between two reads shows in one and not yet in the other). A slot is
 * one 64-bit word (address, protocol and count together); slots never move
 * but in a rebuild, which a sequence number (odd while it runs) tells
 * readers to retry.
 */
#ifndef XLAT_NAT64_USAGE_H
#define XLAT_NAT64_USAGE_H

#include <stdint.h>

#include "cgn.h"

/*
 * (protocol, address) pairs a worker counts ports on: every address of a /16
 * in all three protocols; the table has twice as many slots (at most half
 * full). Past it, a BIB entry is counted in its protocol but not per address
 * (uncounted), until the next rebuild finds room.
 */
#define NAT64_USE_KEYS_MAX (3u * 65536u)

struct nat64_usage {
	uint32_t sess[CGN_NPROTO], bib[CGN_NPROTO]; /* by protocol: CGN_TCP, CGN_UDP, CGN_ICMP */
	/* slot: address (network order) << 32 | (protocol index + 1) << 30 | ports held; 0: empty */
	uint64_t *slot;
	uint32_t mask;      /* slots - 1 */
	uint32_t keys;      /* slots in use (counts of 0 included, until a rebuild) */
	uint32_t uncounted; /* BIB entries not counted per address: the table was at half load */
	uint32_t seq;       /* odd while nat64_usage_rebuild() runs */
};

#define USE_PORTS_MASK ((1ull << 30) - 1)

static inline uint64_t nat64_use_key(int pi, uint32_t a4)
{
	return (uint64_t)a4 << 2 | (uint64_t)(pi + 1);
}

/* The address's slot: its own, or the empty one where it would go. */
static inline uint32_t nat64_use_find(const struct nat64_usage *u, uint64_t key)
{
	/*
	 * Multiply, fold the high half in, take the low bits: pool4's addresses differ in their low bytes,
	 * the high ones of a network-order word, which the product's top bits alone (Fibonacci hashing)
	 * spread badly (measured: 4.5 probes per key for a /16 at quarter load; this: 1.0 to 1.4 for a /16,
	 * /20 and /24 in three protocols, scattered /26s and random addresses at 38-50% load).
	 */
	uint64_t h = key * 0x9e3779b97f4a7c15ull;
	uint32_t i = (uint32_t)(h ^ h >> 32) & u->mask;

	for (;;) {
		uint64_t s = u->slot[i];
		if (s == 0 || s >> 30 == key)
			return i;
		i = (i + 1) & u->mask;
	}
}

/* Out of line: an address seen for the first time since the last rebuild. */
void nat64_use_new_key(struct nat64_usage *u, uint32_t i, uint64_t key);

static inline void nat64_use_set(uint32_t *c, int d)
{
	__atomic_store_n(c, *c + (uint32_t)d, __ATOMIC_RELAXED);
}

/* A session of proto came (d = 1) or went (d = -1). */
static inline void nat64_use_sess(struct nat64_usage *u, uint8_t proto, int d)
{
	int pi = cgn_proto_idx(proto);

	if (pi >= 0)
		nat64_use_set(&u->sess[pi], d);
}

/* A BIB entry of proto holding a port of address a4 came (d = 1) or went (d = -1). */
static inline void nat64_use_bib(struct nat64_usage *u, uint8_t proto, uint32_t a4, int d)
{
	int pi = cgn_proto_idx(proto);

	if (pi < 0)
		return;
	nat64_use_set(&u->bib[pi], d);
	uint64_t key = nat64_use_key(pi, a4);
	uint32_t i = nat64_use_find(u, key);
	uint64_t s = u->slot[i];
	if (s && (d > 0 || (s & USE_PORTS_MASK))) {
		__atomic_store_n(&u->slot[i], s + (uint64_t)(int64_t)d, __ATOMIC_RELAXED);
	} else if (d > 0) {
		nat64_use_new_key(u, i, key);
	} else if (u->uncounted) { /* counted nowhere when it came: the table was full */
		nat64_use_set(&u->uncounted, -1);
	}
}

struct nat64_table;
/* Sized for a table of max entries on socket; 0, or -1 when memory runs out. */
int nat64_usage_init(struct nat64_usage *u, uint32_t max, int socket);
void nat64_usage_free(struct nat64_usage *u);

#endif
