/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ports for new BIB entries under carrier-grade NAT64 (doc/cgn.md): port
 * block allocation (RFC 6888 REQ-14, RFC 7422 section 1), each block a
 * subscriber's until its last entry goes, and deterministic NAT's fixed ranges
 * (RFC 7422).
 */
#include <string.h>

#include <rte_hash.h>
#include <rte_jhash.h>

#include "cgn.h"
#include "cgn_table.h"
#include "nat64.h"
#include "xlat.h"

/* Ports a search looks at, at most (pool4's automatic max-iterations is 4096 per parity). */
#define CGN_PORT_PROBES 8192

/* A free port in [first, last] from start, same parity as sport first (RFC 4787 4.2.2: parity is a SHOULD). */
static int range_port(uint8_t proto, uint32_t a4, uint16_t first, uint16_t last, uint16_t sport, uint32_t start,
		      cgn_port_free_fn port_free, void *arg, uint16_t *p4)
{
	uint32_t len = (uint32_t)last - first + 1, probes = CGN_PORT_PROBES;

	for (int pass = proto == 1 ? 1 : 0; pass < 2; pass++) {
		for (uint32_t i = 0; i < len && probes; i++) {
			uint32_t p = first + (start + i) % len;
			if (pass == 0 && (p & 1) != (sport & 1u))
				continue;
			probes--;
			if (p != 0 && port_free(arg, proto, a4, (uint16_t)p)) {
				*p4 = (uint16_t)p;
				return 0;
			}
		}
	}
	return -1;
}

/*
 * A block search looks at this many candidate blocks at most (as pool4's automatic max-iterations): a
 * nearly exhausted pool must not stall the worker on every refused flow.
 */
#define CGN_BLOCK_PROBES 4096

/* A new block for the subscriber on address a4, if this worker has a free one there (*budget: probes left). */
static int32_t blk_new(struct cgn_table *c, const struct xlat_config *cfg, int32_t sp, uint8_t proto, uint32_t a4,
		       unsigned *budget)
{
	uint16_t bs = cfg->cgn.block_size;

	for (unsigned i = 0; i < cfg->n_pool4; i++) {
		const struct pool4_entry *e = &cfg->pool4[i];
		struct prefix4 p = { e->addr, e->plen };
		if (e->proto != proto || !prefix4_contains(&p, a4))
			continue;
		/* blocks are aligned on multiples of block-size; worker w owns those with (start / bs) % n == w */
		for (uint32_t q = e->port_min / bs; q <= (uint32_t)e->port_max / bs; q++) {
			if (q % c->n_workers != c->worker)
				continue;
			if (*budget == 0)
				return -1;
			(*budget)--;
			struct blk_key k = { .proto = proto, .start = (uint16_t)(q * bs), .addr4 = a4 };
			if (rte_hash_lookup(c->blocks, &k) >= 0)
				continue;
			int32_t pos = rte_hash_add_key(c->blocks, &k);
			if (pos < 0)
				return -1;
			if ((uint32_t)pos >= c->max_blk) {
				rte_hash_del_key(c->blocks, &k);
				return -1;
			}
			struct cgn_block *b = &c->blk[pos];
			uint32_t first = q * bs, last = q * bs + bs - 1;
			b->addr4 = a4;
			b->first = (uint16_t)(first < e->port_min ? e->port_min : first < 1 ? 1 : first);
			b->last = (uint16_t)(last > e->port_max ? e->port_max : last);
			b->proto = proto;
			b->used = 0;
			b->sub = (uint32_t)sp;
			b->cursor = 0;
			struct cgn_sub *s = &c->sub[sp];
			int pi = cgn_proto_idx(proto);
			b->next = s->blk_head[pi];
			s->blk_head[pi] = (uint32_t)pos;
			s->nblk[pi]++;
			cgn_cnt(c, XLAT_CGN_BLOCK_ALLOCATED);
			cgn_cnt(c, XLAT_CGN_BLOCKS);
			cgn_blk_event(c, cfg, b, NATLOG_BLOCK_ALLOC);
			return pos;
		}
	}
	return -1;
}

/* The pool4 address a subscriber starts at (RFC 6888 REQ-2, paired pooling): where its blocks are, else a hash. */
static enum xlat_stat pba_alloc(struct cgn_table *c, const struct xlat_config *cfg, uint8_t proto,
				const uint8_t addr6[16], uint16_t sport, uint32_t start, cgn_port_free_fn port_free,
				void *arg, uint32_t *a4, uint16_t *p4)
{
	int pi = cgn_proto_idx(proto);
	int32_t sp = cgn_sub_get(c, cfg, addr6);

	if (sp < 0 || pi < 0)
		return XLAT_NAT64_TABLE_FULL;
	struct cgn_sub *s = &c->sub[sp];
	uint32_t home = 0;
	bool has_home = false;
	for (unsigned p = 0; p < CGN_NPROTO && !has_home; p++) {
		if (s->blk_head[p] != NIL) {
			home = c->blk[s->blk_head[p]].addr4;
			has_home = true;
		}
	}
	for (uint32_t b = s->blk_head[pi]; b != NIL; b = c->blk[b].next) {
		struct cgn_block *k = &c->blk[b];
		if (k->used > (uint32_t)k->last - k->first)
			continue;
		if (range_port(proto, k->addr4, k->first, k->last, sport, start, port_free, arg, p4) == 0) {
			*a4 = k->addr4;
			return XLAT_OK;
		}
	}
	if (s->nblk[pi] >= cfg->cgn.max_blocks) {
		cgn_quota(c, cfg, sp, proto, (uint32_t)cfg->cgn.max_blocks * cfg->cgn.block_size);
		cgn_sub_release(c, sp);
		return XLAT_CGN_BLOCK_LIMIT;
	}
	uint32_t total = nat64_pool4_count(cfg, proto);
	uint8_t k[16] __attribute__((aligned(4)));
	cgn_subscriber(addr6, cfg->cgn.subscriber_plen, k);
	uint32_t pick = total ? rte_jhash(k, 16, 0x2e0) % total : 0;
	unsigned budget = CGN_BLOCK_PROBES;
	for (uint32_t tried = 0; tried <= total && tried < 257 && budget; tried++) {
		uint32_t addr;
		if (tried == 0) {
			if (!has_home)
				continue;
			addr = home;
		} else if (!nat64_pool4_addr(cfg, proto, (pick + tried - 1) % total, &addr)) {
			addr = 0;
		}
		int32_t b = blk_new(c, cfg, sp, proto, addr, &budget);
		if (b < 0)
			continue;
		struct cgn_block *nb = &c->blk[b];
		if (range_port(proto, nb->addr4, nb->first, nb->last, sport, start, port_free, arg, p4) == 0) {
			*a4 = nb->addr4;
			return XLAT_OK;
		}
	}
	cgn_sub_release(c, sp);
	return XLAT_POOL4_EXHAUSTED;
}

bool cgn_allocates(const struct xlat_config *cfg)
{
	return cfg->cgn.enabled && (cfg->cgn.det.enabled || cfg->cgn.block_size);
}

enum xlat_stat cgn_alloc(struct cgn_table *c, const struct xlat_config *cfg, uint8_t proto, const uint8_t addr6[16],
			 uint16_t sport, uint32_t start, cgn_port_free_fn port_free, void *arg, uint32_t *addr4,
			 uint16_t *port4)
{
	if (!cgn_allocates(cfg))
		return XLAT_POOL4_EXHAUSTED; /* never: the caller asks cgn_allocates() first */
	if (cfg->cgn.det.enabled) {
		uint16_t first, last;
		if (!cgn_det_forward(&cfg->cgn, addr6, addr4, &first, &last))
			return XLAT_CGN_DET_OUTSIDE;
		int32_t sp = cgn_sub_find(c, cfg, addr6);
		int pi = cgn_proto_idx(proto);
		/* a full range is refused without a search (its entries are counted) */
		bool full = sp >= 0 && pi >= 0 && c->sub[sp].bibs[pi] >= (uint32_t)last - first + 1;
		if (!full && range_port(proto, *addr4, first, last, sport, start, port_free, arg, port4) == 0)
			return XLAT_OK;
		if (sp >= 0)
			cgn_quota(c, cfg, sp, proto, (uint32_t)last - first + 1);
		return XLAT_CGN_BLOCK_LIMIT;
	}
	return pba_alloc(c, cfg, proto, addr6, sport, start, port_free, arg, addr4, port4);
}
