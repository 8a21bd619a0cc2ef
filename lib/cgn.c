/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Carrier-grade NAT64 duties (doc/cgn.md): per-subscriber accounting and
 * limits (RFC 6888 REQ-4), port block allocation (RFC 6888 REQ-14 / RFC 7422
 * section 1), deterministic NAT (RFC 7422) and NAT events (RFC 8158) into the
 * worker's event ring. One struct cgn_table per worker, touched only by it.
 */
#include <string.h>

#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_jhash.h>
#include <rte_malloc.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

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

void cgn_config_init(struct cgn_config *c)
{
	memset(c, 0, sizeof(*c));
	c->subscriber_plen = CGN_DEFAULT_PLEN;
	c->max_blocks = CGN_DEFAULT_MAX_BLOCKS;
	c->log_events = CGN_LOG_BIB | CGN_LOG_QUOTA;
	c->observation_domain = 1;
	c->template_refresh_s = CGN_DEFAULT_TEMPLATE_REFRESH_S;
}

void cgn_subscriber(const uint8_t a6[16], uint8_t plen, uint8_t out[16])
{
	for (unsigned i = 0; i < 16; i++) {
		unsigned bits = plen > i * 8 ? plen - i * 8 : 0;
		out[i] = bits >= 8 ? a6[i] : (uint8_t)(a6[i] & (0xff00u >> bits));
	}
}

unsigned cgn_owner6(const uint8_t src6[16], uint8_t plen, unsigned n)
{
	uint8_t s[16] __attribute__((aligned(4))); /* rte_jhash reads words */

	if (n <= 1)
		return 0;
	cgn_subscriber(src6, plen, s);
	return rte_jhash(s, 16, 0x6146) % n;
}

/* ---- deterministic NAT (RFC 7422) ---- */

const char *cgn_det_geometry(const struct cgn_config *c, struct cgn_det_geometry *g)
{
	const struct cgn_det *d = &c->det;

	if (c->subscriber_plen < d->prefix6.len)
		return "the subscriber prefix length is shorter than the ipv6 prefix";
	if (c->subscriber_plen - d->prefix6.len > 24)
		return "more than 2^24 subscribers (subscriber prefix length - ipv6 prefix length > 24)";
	if (d->prefix4.len < 16)
		return "more than 65536 IPv4 addresses (ipv4 prefix shorter than /16)";
	if (d->port_min > d->port_max || d->port_min == 0)
		return "the port range is empty or starts at 0";
	g->subscribers = 1u << (c->subscriber_plen - d->prefix6.len);
	g->addresses = 1u << (32 - d->prefix4.len);
	g->per_address = (g->subscribers + g->addresses - 1) / g->addresses;
	g->ports = ((uint32_t)d->port_max - d->port_min + 1) / g->per_address;
	if (g->ports == 0)
		return "fewer ports than subscribers per address: a subscriber would get no port";
	return NULL;
}

/* Bits [from, from + n) of a (n <= 24), as an integer. */
static uint32_t get_bits(const uint8_t a[16], unsigned from, unsigned n)
{
	uint32_t v = 0;

	for (unsigned b = from; b < from + n; b++)
		v = v << 1 | ((a[b / 8] >> (7 - b % 8)) & 1u);
	return v;
}

static void set_bits(uint8_t a[16], unsigned from, unsigned n, uint32_t v)
{
	for (unsigned k = 0; k < n; k++) {
		unsigned b = from + k;
		uint8_t m = (uint8_t)(0x80u >> (b % 8));
		if ((v >> (n - 1 - k)) & 1u)
			a[b / 8] |= m;
		else
			a[b / 8] &= (uint8_t)~m;
	}
}

bool cgn_det_forward(const struct cgn_config *c, const uint8_t src6[16], uint32_t *addr4, uint16_t *first,
		     uint16_t *last)
{
	const struct cgn_det *d = &c->det;
	struct cgn_det_geometry g;

	if (!d->enabled || cgn_det_geometry(c, &g) || !prefix6_contains(&d->prefix6, src6))
		return false;
	uint32_t i = get_bits(src6, d->prefix6.len, c->subscriber_plen - d->prefix6.len);
	uint32_t a = i % g.addresses, slot = i / g.addresses;
	*addr4 = __builtin_bswap32(__builtin_bswap32(d->prefix4.addr) + a);
	*first = (uint16_t)(d->port_min + slot * g.ports);
	*last = (uint16_t)(*first + g.ports - 1);
	return true;
}

bool cgn_det_reverse(const struct cgn_config *c, uint32_t addr4, uint16_t port, uint8_t sub6[16])
{
	const struct cgn_det *d = &c->det;
	struct cgn_det_geometry g;

	if (!d->enabled || cgn_det_geometry(c, &g) || !prefix4_contains(&d->prefix4, addr4) || port < d->port_min ||
	    port > d->port_max)
		return false;
	uint32_t a = __builtin_bswap32(addr4) - __builtin_bswap32(d->prefix4.addr);
	uint32_t slot = (uint32_t)(port - d->port_min) / g.ports;
	if (slot >= g.per_address)
		return false; /* the remainder of the range nobody has */
	uint32_t i = slot * g.addresses + a;
	if (i >= g.subscribers)
		return false;
	memcpy(sub6, d->prefix6.addr, 16);
	set_bits(sub6, d->prefix6.len, c->subscriber_plen - d->prefix6.len, i);
	for (unsigned b = c->subscriber_plen; b < 128; b++)
		sub6[b / 8] &= (uint8_t)~(0x80u >> (b % 8));
	return true;
}

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

static inline void cnt(struct cgn_table *c, enum xlat_stat s)
{
	if (c->counters)
		c->counters[s]++;
}

void cgn_log(struct cgn_table *c, struct natlog_event *e)
{
	e->time_ms = c->now_ms;
	/* single producer (this worker), single consumer (the control thread): a copy, never a wait */
	if (c->ring && rte_ring_sp_enqueue_elem(c->ring, e, sizeof(*e)) == 0)
		cnt(c, XLAT_NATLOG_EVENTS);
	else
		cnt(c, XLAT_NATLOG_DROPPED);
}

static inline bool wants(const struct xlat_config *cfg, uint8_t what)
{
	return (cfg->cgn.log_events & what) && (cfg->cgn.ipfix.set || cfg->cgn.syslog.set);
}

/* ---- subscribers ---- */

static int32_t sub_find(const struct cgn_table *c, const struct xlat_config *cfg, const uint8_t a6[16])
{
	uint8_t k[16];

	cgn_subscriber(a6, cfg->cgn.subscriber_plen, k);
	return rte_hash_lookup(c->subs, k);
}

static int32_t sub_get(struct cgn_table *c, const struct xlat_config *cfg, const uint8_t a6[16])
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
	cnt(c, XLAT_CGN_SUBSCRIBERS);
	return pos;
}

/* A subscriber with nothing left goes. */
static void sub_release(struct cgn_table *c, int32_t pos)
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

static void sub_prefix(const struct cgn_table *c, int32_t pos, uint8_t out[16])
{
	const void *key;

	if (rte_hash_get_key_with_position(c->subs, pos, (void **)&key) == 0)
		memcpy(out, key, 16);
	else
		memset(out, 0, 16);
}

/* RFC 8158 Quota Exceeded, "maximum entries per user", once a second per subscriber at most. */
static void quota(struct cgn_table *c, const struct xlat_config *cfg, int32_t pos, uint8_t proto, uint32_t limit)
{
	struct cgn_sub *s = &c->sub[pos];

	if (!wants(cfg, CGN_LOG_QUOTA))
		return;
	if (s->quota_logged && c->now_ms - s->quota_ms < CGN_QUOTA_LOG_INTERVAL_MS)
		return;
	s->quota_logged = true;
	s->quota_ms = c->now_ms;
	struct natlog_event e = { .type = NATLOG_QUOTA_EXCEEDED, .proto = proto, .quota = NATLOG_QUOTA_PER_USER,
				  .limit = limit };
	sub_prefix(c, pos, e.addr6);
	cgn_log(c, &e);
}

int cgn_admit_bib(struct cgn_table *c, const struct xlat_config *cfg, uint8_t proto, const uint8_t addr6[16])
{
	int pi = cgn_proto_idx(proto);

	if (!cfg->cgn.enabled || pi < 0 || !cfg->cgn.max_ports[pi])
		return XSTAT_MAX;
	int32_t pos = sub_find(c, cfg, addr6);
	if (pos >= 0 && c->sub[pos].bibs[pi] >= cfg->cgn.max_ports[pi]) {
		quota(c, cfg, pos, proto, cfg->cgn.max_ports[pi]);
		return XLAT_CGN_PORT_LIMIT;
	}
	return XSTAT_MAX;
}

int cgn_admit_session(struct cgn_table *c, const struct xlat_config *cfg, uint8_t proto, const uint8_t addr6[16])
{
	if (!cfg->cgn.enabled || !cfg->cgn.max_sessions)
		return XSTAT_MAX;
	int32_t pos = sub_find(c, cfg, addr6);
	if (pos >= 0 && c->sub[pos].sessions >= cfg->cgn.max_sessions) {
		quota(c, cfg, pos, proto, cfg->cgn.max_sessions);
		return XLAT_CGN_SESSION_LIMIT;
	}
	return XSTAT_MAX;
}

/* ---- port blocks ---- */

static int32_t blk_find(const struct cgn_table *c, uint16_t bs, uint8_t proto, uint32_t a4, uint16_t port)
{
	struct blk_key k = { .proto = proto, .start = (uint16_t)(port / bs * bs), .addr4 = a4 };

	return rte_hash_lookup(c->blocks, &k);
}

static void blk_event(struct cgn_table *c, const struct xlat_config *cfg, const struct cgn_block *b, uint8_t type)
{
	if (!wants(cfg, CGN_LOG_BLOCK))
		return;
	struct natlog_event e = { .type = type, .proto = b->proto, .addr4 = b->addr4, .port4 = b->first,
				  .port_last = b->last };
	sub_prefix(c, (int32_t)b->sub, e.addr6);
	cgn_log(c, &e);
}

static void blk_free(struct cgn_table *c, const struct xlat_config *cfg, int32_t pos)
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
	blk_event(c, cfg, b, NATLOG_BLOCK_FREE);
	cnt(c, XLAT_CGN_BLOCK_FREED);
	if (rte_hash_del_key(c->blocks, &k) >= 0 && c->counters)
		c->counters[XLAT_CGN_BLOCKS]--;
}

void cgn_bib_event(struct cgn_table *c, const struct xlat_config *cfg, bool up, uint8_t proto, const uint8_t addr6[16],
		   uint16_t port6, uint32_t addr4, uint16_t port4)
{
	int pi = cgn_proto_idx(proto);

	if (!cfg->cgn.enabled || pi < 0)
		return;
	int32_t pos = up ? sub_get(c, cfg, addr6) : sub_find(c, cfg, addr6);
	if (pos >= 0) {
		struct cgn_sub *s = &c->sub[pos];
		if (up)
			s->bibs[pi]++;
		else if (s->bibs[pi])
			s->bibs[pi]--;
		if (cfg->cgn.block_size && !cfg->cgn.det.enabled) {
			int32_t b = blk_find(c, cfg->cgn.block_size, proto, addr4, port4);
			/* a static entry may sit in someone else's block: only the owner's entries count */
			if (b >= 0 && c->blk[b].sub == (uint32_t)pos) {
				if (up)
					c->blk[b].used++;
				else if (c->blk[b].used && --c->blk[b].used == 0)
					blk_free(c, cfg, b); /* RFC 7422: the block goes back to the pool */
			}
		}
		if (!up)
			sub_release(c, pos);
	}
	if (wants(cfg, CGN_LOG_BIB)) {
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
	int32_t pos = up ? sub_get(c, cfg, addr6) : sub_find(c, cfg, addr6);
	if (pos >= 0) {
		if (up)
			c->sub[pos].sessions++;
		else if (c->sub[pos].sessions)
			c->sub[pos].sessions--;
		if (!up)
			sub_release(c, pos);
	}
	if (wants(cfg, CGN_LOG_SESSION)) {
		struct natlog_event e = { .type = up ? NATLOG_SESSION_CREATE : NATLOG_SESSION_DELETE, .proto = proto,
					  .port6 = port6, .addr4 = addr4, .port4 = port4, .remote4 = remote4,
					  .rport = rport };
		memcpy(e.addr6, addr6, 16);
		cgn_log(c, &e);
	}
}

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
			cnt(c, XLAT_CGN_BLOCK_ALLOCATED);
			cnt(c, XLAT_CGN_BLOCKS);
			blk_event(c, cfg, b, NATLOG_BLOCK_ALLOC);
			return pos;
		}
	}
	return -1;
}

/* The pool4 address a subscriber starts at (RFC 6888 REQ-2, paired pooling): where its blocks are, else a hash. */
static int pba_alloc(struct cgn_table *c, const struct xlat_config *cfg, uint8_t proto, const uint8_t addr6[16],
		     uint16_t sport, uint32_t start, cgn_port_free_fn port_free, void *arg, uint32_t *a4, uint16_t *p4)
{
	int pi = cgn_proto_idx(proto);
	int32_t sp = sub_get(c, cfg, addr6);

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
			return 0;
		}
	}
	if (s->nblk[pi] >= cfg->cgn.max_blocks) {
		quota(c, cfg, sp, proto, (uint32_t)cfg->cgn.max_blocks * cfg->cgn.block_size);
		sub_release(c, sp);
		return XLAT_CGN_BLOCK_LIMIT;
	}
	uint32_t total = 0;
	for (unsigned i = 0; i < cfg->n_pool4; i++)
		if (cfg->pool4[i].proto == proto)
			total += 1u << (32 - cfg->pool4[i].plen);
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
		} else {
			uint32_t idx = (pick + tried - 1) % total;
			addr = 0;
			for (unsigned i = 0; i < cfg->n_pool4; i++) {
				const struct pool4_entry *e = &cfg->pool4[i];
				if (e->proto != proto)
					continue;
				uint32_t size = 1u << (32 - e->plen);
				if (idx >= size) {
					idx -= size;
					continue;
				}
				addr = e->addr | __builtin_bswap32(idx);
				break;
			}
		}
		int32_t b = blk_new(c, cfg, sp, proto, addr, &budget);
		if (b < 0)
			continue;
		struct cgn_block *nb = &c->blk[b];
		if (range_port(proto, nb->addr4, nb->first, nb->last, sport, start, port_free, arg, p4) == 0) {
			*a4 = nb->addr4;
			return 0;
		}
	}
	sub_release(c, sp);
	return XLAT_POOL4_EXHAUSTED;
}

int cgn_alloc(struct cgn_table *c, const struct xlat_config *cfg, uint8_t proto, const uint8_t addr6[16],
	      uint16_t sport, uint32_t start, cgn_port_free_fn port_free, void *arg, uint32_t *addr4,
	      uint16_t *port4)
{
	if (!cfg->cgn.enabled)
		return 1;
	if (cfg->cgn.det.enabled) {
		uint16_t first, last;
		if (!cgn_det_forward(&cfg->cgn, addr6, addr4, &first, &last))
			return XLAT_CGN_DET_OUTSIDE;
		int32_t sp = sub_find(c, cfg, addr6);
		int pi = cgn_proto_idx(proto);
		/* a full range is refused without a search (its entries are counted) */
		bool full = sp >= 0 && pi >= 0 && c->sub[sp].bibs[pi] >= (uint32_t)last - first + 1;
		if (!full && range_port(proto, *addr4, first, last, sport, start, port_free, arg, port4) == 0)
			return 0;
		if (sp >= 0)
			quota(c, cfg, sp, proto, (uint32_t)last - first + 1);
		return XLAT_CGN_BLOCK_LIMIT;
	}
	if (!cfg->cgn.block_size)
		return 1;
	return pba_alloc(c, cfg, proto, addr6, sport, start, port_free, arg, addr4, port4);
}

bool cgn_owner4(const struct xlat_config *cfg, uint8_t proto, uint32_t addr4, uint16_t port4, unsigned n,
		unsigned *owner)
{
	(void)proto;
	if (!cfg->cgn.enabled)
		return false;
	if (cfg->cgn.det.enabled) {
		uint8_t s[16];
		*owner = cgn_det_reverse(&cfg->cgn, addr4, port4, s) ? cgn_owner6(s, cfg->cgn.subscriber_plen, n) : 0;
		return true;
	}
	if (cfg->cgn.block_size) {
		*owner = n <= 1 ? 0 : (unsigned)(port4 / cfg->cgn.block_size) % n;
		return true;
	}
	return false;
}

int cgn_port_valid(const struct xlat_config *cfg, uint8_t proto, uint32_t addr4, uint16_t port4, unsigned worker,
		   unsigned n)
{
	unsigned o;

	if (!cgn_owner4(cfg, proto, addr4, port4, n, &o))
		return -1;
	return o == worker;
}
