/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the control plane reads of a worker's NAT64 table (issue 19).
 *
 * Occupancy (nat64_usage.c): sessions and BIB entries per protocol, the
 * table's capacity and the pool4 ports its BIB entries hold per (protocol,
 * address), read by any thread without locks while the worker runs (see
 * nat64_usage.h for what a reader may see).
 *
 * Queries (nat64_query.c, cgn_query.c): sessions, BIB entries and per-subscriber
 * counts of one table, found by a filter, a bounded number of table positions
 * at a time. Only the owning worker runs these (it is the table's only
 * writer); the control thread asks it (dataplane/ctl_bridge.c).
 */
#ifndef XLAT_NAT64_STATUS_H
#define XLAT_NAT64_STATUS_H

#include <stdbool.h>
#include <stdint.h>

#include "cgn_config.h"
#include "nat64.h"

/* ------------------------------------------------------------ occupancy */

struct nat64_occupancy {
	uint32_t sess[CGN_NPROTO], bib[CGN_NPROTO]; /* CGN_TCP, CGN_UDP, CGN_ICMP */
	uint32_t max;       /* sessions (and BIB entries) the table holds at most */
	uint32_t uncounted; /* BIB entries not counted per address (more pairs than NAT64_USE_KEYS_MAX) */
};
void nat64_occupancy(const struct nat64_table *t, struct nat64_occupancy *out);

/* Ports (ICMP: identifiers) of one pool4 address held by a table's BIB entries. */
struct nat64_addr_use {
	uint8_t proto;  /* 6, 17, 1 */
	uint32_t addr4; /* network order */
	uint32_t used;
};
/*
 * The table's addresses with ports held (at most max of them) into out, as
 * of one instant between two rebuilds; the count, or -1 when a rebuild kept
 * it busy through every retry (rare: rebuilds follow configuration changes).
 */
int nat64_addr_use(const struct nat64_table *t, struct nat64_addr_use *out, unsigned max);
/* The worker, after a configuration change: count again from its BIB entries (drops addresses no longer used). */
void nat64_usage_rebuild(struct nat64_table *t);

/* -------------------------------------------------------------- queries */

/* Which entries a query wants. */
struct nat64_filter {
	uint8_t proto; /* 0: every protocol */
	bool has6, has4;
	uint8_t addr6[16]; /* the IPv6 host: within addr6/plen6 */
	uint8_t plen6;     /* 0..128 */
	uint32_t addr4;    /* network order: the pool4 side, or (sessions) the remote side */
};
bool nat64_filter_session(const struct nat64_filter *f, const struct nat64_session_info *s);

/* A BIB entry as the control plane sees it. */
struct nat64_bib_info {
	uint8_t proto;
	uint8_t addr6[16];
	uint16_t port6;
	uint32_t addr4;
	uint16_t port4;
};

/*
 * Sessions (or BIB entries) matching f, from table position pos on, looking at
 * no more than budget positions: up to max into out. *next: the position to go
 * on from, 0 when the table's end was reached. Returns how many.
 */
unsigned nat64_query_sessions(const struct nat64_table *t, const struct nat64_filter *f, uint32_t pos,
			      unsigned budget, struct nat64_session_info *out, unsigned max, uint32_t *next);
unsigned nat64_query_bibs(const struct nat64_table *t, const struct nat64_filter *f, uint32_t pos, unsigned budget,
			  struct nat64_bib_info *out, unsigned max, uint32_t *next);

/* Sessions or BIB entries of one subscriber (an IPv6 prefix of plen bits), by protocol. */
struct nat64_sub_count {
	uint8_t prefix[16];
	uint32_t sess[CGN_NPROTO], bib[CGN_NPROTO];
};
/*
 * The sessions (bibs false) or BIB entries (bibs true) matching f, counted by
 * their IPv6 host's prefix of plen bits: as nat64_query_sessions(), with one
 * entry of out per prefix met (at most max prefixes: the walk stops before
 * the first that would be one too many). A prefix met in two calls has an
 * entry in each; the caller adds them up.
 */
unsigned nat64_query_subs(const struct nat64_table *t, const struct nat64_filter *f, bool bibs, uint8_t plen,
			  uint32_t pos, unsigned budget, struct nat64_sub_count *out, unsigned max, uint32_t *next);

/* ---------------------------------------------------- CGN per subscriber */

#define CGN_INFO_BLOCKS 64

/* A subscriber's carrier-grade NAT64 state (lib/cgn.h), as the worker that owns it holds it. */
struct cgn_sub_info {
	bool found; /* false: no state (nothing held, nothing refused since) */
	uint32_t sessions;
	uint32_t bibs[CGN_NPROTO];
	uint32_t limit_hits[CGN_NPROTO]; /* flows refused by a limit (sessions, ports, blocks, a full range) */
	uint16_t n_blocks;               /* its port blocks (the first CGN_INFO_BLOCKS below) */
	struct {
		uint8_t proto;
		uint32_t addr4;
		uint16_t first, last;
		uint32_t used;
	} blk[CGN_INFO_BLOCKS];
};
struct cgn_table;
/* sub: the subscriber's prefix (its first subscriber_plen bits, the rest zero). */
void cgn_subscriber_info(const struct cgn_table *c, const uint8_t sub[16], struct cgn_sub_info *out);

#endif
