/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Carrier-grade NAT64 duties (doc/cgn.md): per-subscriber accounting and
 * limits (RFC 6888 REQ-4) and NAT events (RFC 8158) into the worker's event
 * ring. One struct cgn_table per worker, touched only by it. Port blocks and
 * deterministic ranges: cgn_alloc.c; what depends on the configuration alone:
 * cgn_det.c.
 */
#include <string.h>

#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_jhash.h>
#include <rte_malloc.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "cgn.h"
#include "cgn_table.h"
#include "xlat.h"

/* ---- the table ---- */

static struct rte_hash *mkhash(const char *name, const char *suffix, uint32_t entries, uint32_t key_len, int socket)
{
	char n[RTE_HASH_NAMESIZE];
	struct rte_hash_parameters p = {
		.name = n, .entries = entries, .key_len = key_len, .hash_func = rte_jhash, .socket_id = socket,
		.extra_flag = RTE_HASH_EXTRA_FLAGS_EXT_TABLE,
	};

	snprintf(n, sizeof(n), "%s%s", name, suffix);
	return rte_hash_create(&p);
}

struct cgn_table *cgn_table_create(const char *name, uint32_t max, bool pba, unsigned worker, unsigned n_workers,
				   int socket)
{
	struct cgn_table *c = rte_zmalloc_socket("cgn", sizeof(*c), 64, socket);

	if (!c)
		return NULL;
	if (max < 8)
		max = 8;
	c->max = max;
	c->max_blk = pba ? max : 8; /* without port blocks the table is never used */
	c->worker = worker;
	c->n_workers = n_workers ? n_workers : 1;
	c->subs = mkhash(name, "cs", max, 16, socket);
	c->blocks = mkhash(name, "cb", c->max_blk, sizeof(struct blk_key), socket);
	c->sub = rte_zmalloc_socket("cgn_sub", sizeof(struct cgn_sub) * max, 64, socket);
	c->blk = rte_zmalloc_socket("cgn_blk", sizeof(struct cgn_block) * c->max_blk, 64, socket);
	if (!c->subs || !c->blocks || !c->sub || !c->blk) {
		cgn_table_free(c);
		return NULL;
	}
	return c;
}

void cgn_table_free(struct cgn_table *c)
{
	if (!c)
		return;
	rte_hash_free(c->subs);
	rte_hash_free(c->blocks);
	rte_free(c->sub);
	rte_free(c->blk);
	rte_free(c);
}

void cgn_set_output(struct cgn_table *c, struct rte_ring *ring, uint64_t *counters)
{
	c->ring = ring;
	c->counters = counters;
}

uint32_t cgn_table_subscribers(const struct cgn_table *c)
{
	return (uint32_t)rte_hash_count(c->subs);
}

uint32_t cgn_table_blocks(const struct cgn_table *c)
{
	return (uint32_t)rte_hash_count(c->blocks);
}

void cgn_clock(struct cgn_table *c, uint64_t now_ms)
{
	c->now_ms = now_ms;
}

void cgn_log(struct cgn_table *c, struct natlog_event *e)
{
	e->time_ms = c->now_ms;
	/* single producer (this worker), single consumer (the control thread): a copy, never a wait */
	if (c->ring && rte_ring_sp_enqueue_elem(c->ring, e, sizeof(*e)) == 0)
		cgn_cnt(c, XLAT_NATLOG_EVENTS);
	else
		cgn_cnt(c, XLAT_NATLOG_DROPPED);
}

/* ---- subscribers ---- */

int32_t cgn_sub_find(const struct cgn_table *c, const struct xlat_config *cfg, const uint8_t a6[16])
{
	uint8_t k[16];

	cgn_subscriber(a6, cfg->cgn.subscriber_plen, k);
	return rte_hash_lookup(c->subs, k);
}

int32_t cgn_sub_get(struct cgn_table *c, const struct xlat_config *cfg, const uint8_t a6[16])
{
	uint8_t k[16];

	cgn_subscriber(a6, cfg->cgn.subscriber_plen, k);
	int32_t pos = rte_hash_lookup(c->subs, k);
	if (pos >= 0)
		return pos;
	pos = rte_hash_add_key(c->subs, k);
	if (pos < 0)
		return -1;
	if ((uint32_t)pos >= c->max) {
		rte_hash_del_key(c->subs, k);
		return -1;
	}
	struct cgn_sub *s = &c->sub[pos];
	memset(s, 0, sizeof(*s));
	for (unsigned p = 0; p < CGN_NPROTO; p++)
		s->blk_head[p] = NIL;
	cgn_cnt(c, XLAT_CGN_SUBSCRIBERS);
	return pos;
}

/* A subscriber with nothing left goes. */
void cgn_sub_release(struct cgn_table *c, int32_t pos)
{
	const struct cgn_sub *s = &c->sub[pos];
	const void *key;

	if (s->sessions)
		return;
	for (unsigned p = 0; p < CGN_NPROTO; p++)
		if (s->bibs[p] || s->nblk[p])
			return;
	if (rte_hash_get_key_with_position(c->subs, pos, (void **)&key) == 0) {
		uint8_t k[16];
		memcpy(k, key, 16);
		if (rte_hash_del_key(c->subs, k) >= 0 && c->counters)
			c->counters[XLAT_CGN_SUBSCRIBERS]--;
	}
}

void cgn_sub_prefix(const struct cgn_table *c, int32_t pos, uint8_t out[16])
{
	const void *key;

	if (rte_hash_get_key_with_position(c->subs, pos, (void **)&key) == 0)
		memcpy(out, key, 16);
	else
		memset(out, 0, 16);
}

/* A limit refused a flow: counted (limit_hits); RFC 8158 Quota Exceeded, "maximum entries per user", once a
 * second per subscriber at most. */
void cgn_quota(struct cgn_table *c, const struct xlat_config *cfg, int32_t pos, uint8_t proto, uint32_t limit)
{
	struct cgn_sub *s = &c->sub[pos];
	int pi = cgn_proto_idx(proto);

	if (pi >= 0) /* issue 19: the per-subscriber view's limit hits (cgn_query.c) */
		s->limit_hits[pi]++;
	if (!cgn_wants(cfg, CGN_LOG_QUOTA))
		return;
	if (s->quota_logged && c->now_ms - s->quota_ms < CGN_QUOTA_LOG_INTERVAL_MS)
		return;
	s->quota_logged = true;
	s->quota_ms = c->now_ms;
	struct natlog_event e = { .type = NATLOG_QUOTA_EXCEEDED, .proto = proto, .quota = NATLOG_QUOTA_PER_USER,
				  .limit = limit };
	cgn_sub_prefix(c, pos, e.addr6);
	cgn_log(c, &e);
}

enum xlat_stat cgn_admit_bib(struct cgn_table *c, const struct xlat_config *cfg, uint8_t proto,
			     const uint8_t addr6[16])
{
	int pi = cgn_proto_idx(proto);

	if (!cfg->cgn.enabled || pi < 0 || !cfg->cgn.max_ports[pi])
		return XLAT_OK;
	int32_t pos = cgn_sub_find(c, cfg, addr6);
	if (pos >= 0 && c->sub[pos].bibs[pi] >= cfg->cgn.max_ports[pi]) {
		cgn_quota(c, cfg, pos, proto, cfg->cgn.max_ports[pi]);
		return XLAT_CGN_PORT_LIMIT;
	}
	return XLAT_OK;
}

enum xlat_stat cgn_admit_session(struct cgn_table *c, const struct xlat_config *cfg, uint8_t proto,
				 const uint8_t addr6[16])
{
	if (!cfg->cgn.enabled || !cfg->cgn.max_sessions)
		return XLAT_OK;
	int32_t pos = cgn_sub_find(c, cfg, addr6);
	if (pos >= 0 && c->sub[pos].sessions >= cfg->cgn.max_sessions) {
		cgn_quota(c, cfg, pos, proto, cfg->cgn.max_sessions);
		return XLAT_CGN_SESSION_LIMIT;
	}
	return XLAT_OK;
}

/* ---- port blocks: their bookkeeping (their allocation: cgn_alloc.c) ---- */

int32_t cgn_blk_find(const struct cgn_table *c, uint16_t bs, uint8_t proto, uint32_t a4, uint16_t port)
{
	struct blk_key k = { .proto = proto, .start = (uint16_t)(port / bs * bs), .addr4 = a4 };

	return rte_hash_lookup(c->blocks, &k);
}

void cgn_blk_event(struct cgn_table *c, const struct xlat_config *cfg, const struct cgn_block *b, uint8_t type)
{
	if (!cgn_wants(cfg, CGN_LOG_BLOCK))
		return;
	struct natlog_event e = { .type = type, .proto = b->proto, .addr4 = b->addr4, .port4 = b->first,
				  .port_last = b->last };
	cgn_sub_prefix(c, (int32_t)b->sub, e.addr6);
	cgn_log(c, &e);
}

void cgn_blk_free(struct cgn_table *c, const struct xlat_config *cfg, int32_t pos)
{
	struct cgn_block *b = &c->blk[pos];
	struct cgn_sub *s = &c->sub[b->sub];
	int pi = cgn_proto_idx(b->proto);
	struct blk_key k = { .proto = b->proto, .start = (uint16_t)(b->first / cfg->cgn.block_size *
								   cfg->cgn.block_size), .addr4 = b->addr4 };

	for (uint32_t *pp = &s->blk_head[pi]; *pp != NIL; pp = &c->blk[*pp].next) {
		if (*pp == (uint32_t)pos) {
			*pp = b->next;
			break;
		}
	}
	if (s->nblk[pi])
		s->nblk[pi]--;
	cgn_blk_event(c, cfg, b, NATLOG_BLOCK_FREE);
	cgn_cnt(c, XLAT_CGN_BLOCK_FREED);
	if (rte_hash_del_key(c->blocks, &k) >= 0 && c->counters)
		c->counters[XLAT_CGN_BLOCKS]--;
}

/* ---- BIB entries and sessions ---- */

void cgn_bib_event(struct cgn_table *c, const struct xlat_config *cfg, bool up, uint8_t proto, const uint8_t addr6[16],
		   uint16_t port6, uint32_t addr4, uint16_t port4)
{
	int pi = cgn_proto_idx(proto);

	if (!cfg->cgn.enabled || pi < 0)
		return;
	int32_t pos = up ? cgn_sub_get(c, cfg, addr6) : cgn_sub_find(c, cfg, addr6);
	if (pos >= 0) {
		struct cgn_sub *s = &c->sub[pos];
		if (up)
			s->bibs[pi]++;
		else if (s->bibs[pi])
			s->bibs[pi]--;
		if (cfg->cgn.block_size && !cfg->cgn.det.enabled) {
			int32_t b = cgn_blk_find(c, cfg->cgn.block_size, proto, addr4, port4);
			/* a static entry may sit in someone else's block: only the owner's entries count */
			if (b >= 0 && c->blk[b].sub == (uint32_t)pos) {
				if (up)
					c->blk[b].used++;
				else if (c->blk[b].used && --c->blk[b].used == 0)
					cgn_blk_free(c, cfg, b); /* RFC 7422: the block goes back to the pool */
			}
		}
		if (!up)
			cgn_sub_release(c, pos);
	}
	if (cgn_wants(cfg, CGN_LOG_BIB)) {
		struct natlog_event e = { .type = up ? NATLOG_BIB_CREATE : NATLOG_BIB_DELETE, .proto = proto,
					  .port6 = port6, .addr4 = addr4, .port4 = port4 };
		memcpy(e.addr6, addr6, 16);
		cgn_log(c, &e);
	}
}

void cgn_session_event(struct cgn_table *c, const struct xlat_config *cfg, bool up, uint8_t proto,
		       const uint8_t addr6[16], uint16_t port6, uint32_t addr4, uint16_t port4, uint32_t remote4,
		       uint16_t rport)
{
	if (!cfg->cgn.enabled)
		return;
	int32_t pos = up ? cgn_sub_get(c, cfg, addr6) : cgn_sub_find(c, cfg, addr6);
	if (pos >= 0) {
		if (up)
			c->sub[pos].sessions++;
		else if (c->sub[pos].sessions)
			c->sub[pos].sessions--;
		if (!up)
			cgn_sub_release(c, pos);
	}
	if (cgn_wants(cfg, CGN_LOG_SESSION)) {
		struct natlog_event e = { .type = up ? NATLOG_SESSION_CREATE : NATLOG_SESSION_DELETE, .proto = proto,
					  .port6 = port6, .addr4 = addr4, .port4 = port4, .remote4 = remote4,
					  .rport = rport };
		memcpy(e.addr6, addr6, 16);
		cgn_log(c, &e);
	}
}
