/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pool4: which IPv4 transport addresses NAT64 translates (pool4 ranges and
 * static BIB entries), and the port a new BIB entry gets (RFC 6146 3.5.1.1,
 * RFC 6056 algorithm 3, RFC 4787 parity, RFC 6888 REQ-2 paired pooling), only
 * ever one this worker owns (nat64.h).
 */
#include <string.h>

#include <rte_byteorder.h>

#include "nat64_db.h"
#include "nat64_pool4.h"
#include "nat64_redirect.h"

const struct bib_static *nat64_static_by4(const struct xlat_config *cfg, uint8_t proto, uint32_t a4, uint16_t p4)
{
	for (unsigned i = 0; i < cfg->n_bib; i++) {
		const struct bib_static *b = &cfg->bib[i];
		if (b->proto == proto && b->addr4 == a4 && b->port4 == p4)
			return b;
	}
	return NULL;
}

const struct bib_static *nat64_static_by6(const struct xlat_config *cfg, uint8_t proto, const uint8_t *a6,
					  uint16_t p6)
{
	for (unsigned i = 0; i < cfg->n_bib; i++) {
		const struct bib_static *b = &cfg->bib[i];
		if (b->proto == proto && b->port6 == p6 && memcmp(b->addr6, a6, 16) == 0)
			return b;
	}
	return NULL;
}

bool nat64_static4(const struct xlat_config *cfg, uint8_t proto, uint32_t a4, uint16_t port)
{
	return nat64_static_by4(cfg, proto, a4, port) != NULL;
}

bool nat64_pool4_port(const struct xlat_config *cfg, uint8_t proto, uint32_t a4, uint16_t port)
{
	for (unsigned i = 0; i < cfg->n_pool4; i++) {
		const struct pool4_entry *e = &cfg->pool4[i];
		struct prefix4 p = { e->addr, e->plen };
		if (e->proto == proto && port >= e->port_min && port <= e->port_max && prefix4_contains(&p, a4))
			return true;
	}
	return nat64_static_by4(cfg, proto, a4, port) != NULL;
}

/* Asked up to three times per packet (is this address pool4?): the prefix test inline, not a call per entry. */
bool nat64_pool4_has(const struct xlat_config *cfg, uint32_t a4)
{
	for (unsigned i = 0; i < cfg->n_pool4; i++) {
		const struct pool4_entry *e = &cfg->pool4[i];
		uint32_t mask = e->plen ? rte_cpu_to_be_32(~0u << (32 - e->plen)) : 0;
		if (((a4 ^ e->addr) & mask) == 0)
			return true;
	}
	return false;
}

uint32_t nat64_pool4_count(const struct xlat_config *cfg, uint8_t proto)
{
	uint32_t total = 0;

	for (unsigned i = 0; i < cfg->n_pool4; i++)
		if (cfg->pool4[i].proto == proto)
			total += 1u << (32 - cfg->pool4[i].plen);
	return total;
}

const struct pool4_entry *nat64_pool4_addr(const struct xlat_config *cfg, uint8_t proto, uint32_t idx, uint32_t *a4)
{
	for (unsigned i = 0; i < cfg->n_pool4; i++) {
		const struct pool4_entry *e = &cfg->pool4[i];
		if (e->proto != proto)
			continue;
		uint32_t size = 1u << (32 - e->plen);
		if (idx < size) {
			*a4 = e->addr | __builtin_bswap32(idx);
			return e;
		}
		idx -= size;
	}
	return NULL;
}

/* ---- allocation ---- */

/*
 * The port choice's hashes (RFC 6888 REQ-2's address pick, RFC 6056
 * algorithm 3's F()): the indexes' multiply-shift over 32-bit words and
 * MurmurHash3's finaliser (nat64_db.h), with fixed coefficients, ~25
 * instructions where rte_jhash took ~190 for both. Fixed, as rte_jhash's
 * seeds were: the same flows get the same ports after a restart.
 */
static const uint64_t PK[8] = {
	0x9e3779b97f4a7c15ull, 0xbf58476d1ce4e5b9ull, 0x94d049bb133111ebull, 0xd6e8feb86659fd93ull,
	0xa0761d6478bd642full, 0xe7037ed1a0b428dbull, 0x8ebc6af09c88c6e3ull, 0x589965cc75374cc3ull,
};

static inline uint64_t src6_part(const uint8_t *src6)
{
	return PK[1] * ld32(src6) + PK[2] * ld32(src6 + 4) + PK[3] * ld32(src6 + 8) + PK[4] * ld32(src6 + 12);
}

/* RFC 6056 algorithm 3 flavour: a keyed hash of what f-args selects picks where the search starts. */
static inline uint32_t fargs_hash(const struct nat64_globals *g, uint64_t part6, uint16_t sport, uint32_t dst4,
				  uint16_t dport)
{
	uint64_t h = PK[0] + 0x6056;

	if (g->f_args & 8)
		h += part6;
	if (g->f_args & 4)
		h += PK[5] * sport;
	if (g->f_args & 2)
		h += PK[6] * dst4;
	if (g->f_args & 1)
		h += PK[7] * dport;
	return (uint32_t)(hk_fin(h) >> 32);
}

uint32_t nat64_fargs_hash(const struct nat64_globals *g, const uint8_t *src6, uint16_t sport, uint32_t dst4,
			  uint16_t dport)
{
	return fargs_hash(g, src6_part(src6), sport, dst4, dport);
}

static bool port_walk_init(struct nat64_table *t, const struct pool4_entry *e, uint16_t sport, uint32_t start,
			   struct port_walk *w)
{
	uint32_t n = t->n_workers, wk = t->worker;
	uint32_t lo = e->port_min, hi = e->port_max;

	w->parity = sport & 1;
	if (e->proto == IPPROTO_ICMP) {
		w->parity = 2; /* identifiers have no parity to keep */
	} else {
		/* RFC 6146 3.5.1.1: keep the range (0-1023 or 1024-65535) when this entry has ports in it */
		uint32_t clo = sport < 1024 ? 0 : 1024, chi = sport < 1024 ? 1023 : 65535;
		if (lo < clo)
			lo = clo;
		if (hi > chi)
			hi = chi;
		if (lo > hi) {
			lo = e->port_min;
			hi = e->port_max;
		}
	}
	/* a pair q holds ports 2q and 2q+1; port_walk_next() skips the one outside [lo, hi] */
	uint32_t first_pair = lo / 2u, last_pair = hi / 2u;
	if (last_pair < first_pair)
		return false;
	/*
	 * Owned pairs: first_pair <= q <= last_pair with q % n == w: the first of them and how many,
	 * remembered for the last range asked (three divisions, ~25 instructions and ~75 cycles of
	 * latency per new BIB entry, where the range is nearly always the one asked before).
	 */
	struct nat64_owned *om = &t->owned;
	if (om->lo != lo || om->hi != hi) {
		uint32_t q = first_pair + ((wk + n - first_pair % n) % n);
		om->q0 = q;
		om->owned = q > last_pair ? 0 : (last_pair - q) / n + 1;
		om->lo = lo;
		om->hi = hi;
	}
	if (!om->owned)
		return false;
	w->lo = lo;
	w->hi = hi;
	w->q0 = om->q0;
	w->owned = om->owned;
	w->n = n;
	w->tries = e->max_iterations ? e->max_iterations
				     : (w->owned < 4096 ? w->owned * (w->parity == 2 ? 2 : 1) : 4096);
	/*
	 * RFC 6056 3.3.3: the search starts where the last one for this F() bucket ended, so
	 * that the flows of one host to one server port (f-args 11 leaves the source port out)
	 * do not all walk over the same taken ports and give up after max-iterations.
	 */
	w->next = &t->alg3[start % 1024u];
	w->k = w->k0 = (start + *w->next) % w->owned;
	w->i = 0;
	/*
	 * RFC 4787 REQ-4 / RFC 6146 3.5.1.1: parity is kept where it can be (a
	 * RECOMMENDED); when this address has no port of that parity left, the
	 * other parity is used rather than another address (RFC 6888 REQ-2,
	 * paired pooling, weighs more).
	 */
	w->pass = 0;
	w->passes = w->parity == 2 ? 1 : 2;
	return true;
}

/* The next candidate port, and *step, its try's number in its pass (for alg3); -1: the walk is over. */
static int port_walk_next(struct port_walk *w, uint32_t *step)
{
	for (;;) {
		if (w->i == w->tries) {
			if (++w->pass == w->passes)
				return -1;
			w->parity ^= 1;
			w->i = 0;
			w->k = w->k0;
		}
		uint32_t i = w->i++, q = w->q0 + w->k * w->n; /* (k0 + i) % owned, without a division per try */
		uint32_t port = q * 2 + (w->parity == 2 ? (i / w->owned) & 1 : w->parity);
		w->k = w->k + 1 == w->owned ? 0 : w->k + 1;
		if (port < w->lo || port > w->hi || port == 0)
			continue;
		*step = i;
		return (int)port;
	}
}

/*
 * How many candidates the search asks for at once: a port of a busy pool4
 * address is taken about as often as the address is full (half of them at
 * 1M sessions over a /27, ~2.4 tries a search with the walk's clustering),
 * and each try is a probe of the BIB's IPv4 index, a miss at that size. Asked
 * for together, the misses of a search overlap instead of queueing (the
 * burst asked for the first ones already: nat64_alloc4_prefetch).
 */
#define PORT_AHEAD NAT64_CAND

/*
 * The first of n candidates (ports, their hash_b4 and try numbers) that is
 * free: not in the BIB's IPv4 index (exact: a tag that matches by chance
 * must not skip a port, or the port a flow gets would depend on the table's
 * random hash key, not only on the flow), no static entry has it and, with
 * HA, no peer gave it to another worker. Taken: alg3 moves past it. A taken
 * port's BIB line is a miss where the burst did not ask for it (guess4_pick).
 */
static inline bool take_free(struct nat64_table *t, const struct xlat_config *cfg, uint8_t proto, uint32_t a4,
			     uint16_t *next, const uint16_t *port, const uint32_t *step, const uint64_t *h, unsigned n,
			     uint16_t *p4, uint64_t *hb4)
{
	for (unsigned j = 0; j < n; j++) {
		struct nat64_key key = { .a4 = a4, .p4 = port[j], .proto = proto };
		struct nat64_q bq = { t, &key };
		if (idx_find(&t->b4, h[j], eq_b4, &bq) >= 0 || (cfg->n_bib && nat64_static_by4(cfg, proto, a4, port[j])) ||
		    (nat64_redirect_active(cfg->redirect) && nat64_redirect_get(cfg->redirect, proto, a4, port[j]) >= 0))
			continue;
		*next = (uint16_t)(*next + step[j] + 1);
		*p4 = port[j];
		*hb4 = h[j];
		return true;
	}
	return false;
}

/* The walk's next candidates, at most max, hashed and their index lines asked for; how many. */
static unsigned walk_ahead(struct nat64_table *t, uint8_t proto, uint32_t a4, struct port_walk *w, unsigned max,
			   uint16_t *port, uint32_t *step, uint64_t *h)
{
	unsigned got = 0;
	int pt;

	for (; got < max && (pt = port_walk_next(w, &step[got])) >= 0; got++) {
		port[got] = (uint16_t)pt;
		h[got] = hash_b4(t, proto, a4, (uint16_t)pt);
		idx_prefetch(&t->b4, h[got]);
	}
	return got;
}

/* Try one address of one pool4 entry: the rest of walk w (ports owned by this worker, sport's parity first). */
static int try_walk(struct nat64_table *t, const struct xlat_config *cfg, uint8_t proto, uint32_t a4,
		    struct port_walk *w, uint16_t *p4, uint64_t *hb4)
{
	uint16_t port[PORT_AHEAD];
	uint32_t step[PORT_AHEAD];
	uint64_t h[PORT_AHEAD];
	unsigned got;

	do {
		got = walk_ahead(t, proto, a4, w, PORT_AHEAD, port, step, h);
		if (take_free(t, cfg, proto, a4, w->next, port, step, h, got, p4, hb4))
			return 0;
	} while (got == PORT_AHEAD);
	return -1;
}

/* lib/cgn.c's question while it searches a block or a deterministic range: is this port free? */
bool nat64_port_free(void *arg, uint8_t proto, uint32_t a4, uint16_t p4)
{
	const struct nat64_table *t = arg;

	return bib_find4(t, proto, a4, p4) < 0;
}

static bool alloc_start(const struct xlat_config *cfg, uint8_t proto, const uint8_t *src6, uint16_t sport,
			uint32_t dst4, uint16_t dport, struct alloc_start *a)
{
	/* nat64_pool4_count(), with the entry where the protocol has only one (pool4_addr's walk spared) */
	unsigned entries = 0;

	a->total = 0;
	for (unsigned i = 0; i < cfg->n_pool4; i++) {
		if (cfg->pool4[i].proto != proto)
			continue;
		a->total += 1u << (32 - cfg->pool4[i].plen);
		a->only = &cfg->pool4[i];
		entries++;
	}
	if (a->total == 0)
		return false;
	if (entries != 1)
		a->only = NULL;
	uint64_t part6 = src6_part(src6); /* both hashes' (the address pick's and F()'s): once */
	a->pick = (uint32_t)(((hk_fin(PK[0] + 0x2e0 + part6) >> 32) * a->total) >> 32);
	a->start = fargs_hash(&cfg->g.nat, part6, sport, dst4, dport);
	return true;
}

/* The address of rank idx in the search, and its entry (NULL: none). */
static inline const struct pool4_entry *alloc_addr(const struct xlat_config *cfg, const struct alloc_start *a,
						   uint8_t proto, uint32_t idx, uint32_t *addr)
{
	if (a->only) {
		*addr = a->only->addr | __builtin_bswap32(idx);
		return a->only;
	}
	return nat64_pool4_addr(cfg, proto, idx, addr);
}

/*
 * The burst's candidates still hold where the flow's F() bucket was not
 * searched since (another new flow of the burst may have moved it); its
 * protocol's pool4 is the same (one configuration snapshot per burst).
 */
static inline bool cand_holds(const struct nat64_cand *c, uint8_t proto)
{
	return c && c->n && c->proto == proto && *c->w.next == c->next0;
}

int nat64_alloc4(struct nat64_table *t, const struct xlat_config *cfg, uint8_t proto, const uint8_t *src6,
		 uint16_t sport, uint32_t dst4, uint16_t dport, const struct nat64_cand *c, uint32_t *a4, uint16_t *p4,
		 uint64_t *hb4)
{
	struct alloc_start a;
	uint32_t tried = 0;

	if (cand_holds(c, proto)) { /* its first address: the burst's candidates, then the walk from there */
		struct port_walk w;
		if (take_free(t, cfg, proto, c->a4, c->w.next, c->port, c->step, c->hb4, c->n, p4, hb4) ||
		    (c->more && (w = c->w, try_walk(t, cfg, proto, c->a4, &w, p4, hb4) == 0))) {
			*a4 = c->a4;
			return 0;
		}
		a = c->a;
		tried = 1;
	} else if (!alloc_start(cfg, proto, src6, sport, dst4, dport, &a)) {
		return -1;
	}
	for (; tried < a.total && tried < 256; tried++) {
		uint32_t addr;
		struct port_walk w;
		const struct pool4_entry *e = alloc_addr(cfg, &a, proto, (a.pick + tried) % a.total, &addr);
		if (e && port_walk_init(t, e, sport, a.start, &w) && try_walk(t, cfg, proto, addr, &w, p4, hb4) == 0) {
			*a4 = addr;
			return 0;
		}
	}
	return -1;
}

/*
 * How many first candidates the burst asks for: about as many as the search
 * will try. At a pool4 occupancy a, a search ends within about 1/(1-a) tries
 * (more with the walk's runs of taken ports): one below 1/8, two below 3/8,
 * else NAT64_CAND. Each one not needed costs a hash and a prefetch (~30
 * instructions); each one missing, a miss at the search's own pace.
 */
static unsigned cand_want(const struct nat64_table *t, uint8_t proto, const struct alloc_start *a,
			  const struct port_walk *w)
{
	int pi = cgn_proto_idx(proto);
	uint64_t held = pi >= 0 ? t->use.bib[pi] : 0, ports = (uint64_t)a->total * w->owned * 2;

	if (held * 8 < ports)
		return 1;
	return held * 8 < ports * 3 ? 2 : NAT64_CAND;
}

bool nat64_alloc4_prefetch(struct nat64_table *t, const struct xlat_config *cfg, uint8_t proto, const uint8_t *src6,
			   uint16_t sport, uint32_t dst4, uint16_t dport, struct nat64_cand *c)
{
	c->n = 0;
	if (!alloc_start(cfg, proto, src6, sport, dst4, dport, &c->a))
		return false;
	const struct pool4_entry *e = alloc_addr(cfg, &c->a, proto, c->a.pick, &c->a4);
	if (!e || !port_walk_init(t, e, sport, c->a.start, &c->w))
		return false;
	c->proto = proto;
	c->next0 = *c->w.next;
	unsigned want = cand_want(t, proto, &c->a, &c->w);
	c->n = walk_ahead(t, proto, c->a4, &c->w, want, c->port, c->step, c->hb4);
	c->more = c->n == want;
	return c->n > 0;
}
