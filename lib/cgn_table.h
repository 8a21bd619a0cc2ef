/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One worker's carrier-grade NAT64 state (cgn.c, cgn_alloc.c): subscribers and
 * their port blocks. Internal to lib/ (cgn.h is the interface).
 */
#ifndef XLAT_CGN_TABLE_H
#define XLAT_CGN_TABLE_H

#include <stdbool.h>
#include <stdint.h>

#include "cgn.h"
#include "xlat.h"

#define NIL UINT32_MAX

struct cgn_sub {
	uint32_t sessions;
	uint32_t bibs[CGN_NPROTO];
	uint32_t blk_head[CGN_NPROTO]; /* the subscriber's blocks, linked through cgn_block.next */
	uint16_t nblk[CGN_NPROTO];
	uint64_t quota_ms; /* when the last Quota Exceeded event went out */
	bool quota_logged;
	uint32_t limit_hits[CGN_NPROTO]; /* issue 19: flows a limit refused it (cgn_quota), by protocol */
};

struct cgn_block {
	uint32_t addr4;
	uint16_t first, last; /* the block's ports: an aligned range of block-size, clipped to the pool4 entry */
	uint8_t proto;
	uint32_t used; /* BIB entries on it */
	uint32_t sub;  /* owner (subscriber position) */
	uint32_t next;
	uint16_t cursor; /* where the last search ended */
};

struct blk_key {
	uint8_t proto, pad;
	uint16_t start; /* the aligned start: (port / block_size) * block_size */
	uint32_t addr4;
};

struct cgn_table {
	struct rte_hash *subs, *blocks;
	struct cgn_sub *sub;   /* indexed by subs position */
	struct cgn_block *blk; /* indexed by blocks position */
	uint32_t max, max_blk;
	unsigned worker, n_workers;
	struct rte_ring *ring;
	uint64_t *counters;
	uint64_t now_ms;
};

static inline void cgn_cnt(struct cgn_table *c, enum xlat_stat s)
{
	if (c->counters)
		c->counters[s]++;
}

/* Is this kind of event logged, and to somewhere? */
static inline bool cgn_wants(const struct xlat_config *cfg, uint8_t what)
{
	return (cfg->cgn.log_events & what) && (cfg->cgn.ipfix.set || cfg->cgn.syslog.set);
}

int32_t cgn_sub_find(const struct cgn_table *c, const struct xlat_config *cfg, const uint8_t a6[16]);
int32_t cgn_sub_get(struct cgn_table *c, const struct xlat_config *cfg, const uint8_t a6[16]);
/* A subscriber with nothing left goes. */
void cgn_sub_release(struct cgn_table *c, int32_t pos);
void cgn_sub_prefix(const struct cgn_table *c, int32_t pos, uint8_t out[16]);
/* RFC 8158 Quota Exceeded, "maximum entries per user", once a second per subscriber at most. */
void cgn_quota(struct cgn_table *c, const struct xlat_config *cfg, int32_t pos, uint8_t proto, uint32_t limit);

/* The block holding port (block size bs) of a4, or -1. */
int32_t cgn_blk_find(const struct cgn_table *c, uint16_t bs, uint8_t proto, uint32_t a4, uint16_t port);
/* RFC 8158: a Port Block allocation or de-allocation event (type), if logged. */
void cgn_blk_event(struct cgn_table *c, const struct xlat_config *cfg, const struct cgn_block *b, uint8_t type);
/* A block goes back to the pool: its last BIB entry went (RFC 7422). */
void cgn_blk_free(struct cgn_table *c, const struct xlat_config *cfg, int32_t pos);

#endif
