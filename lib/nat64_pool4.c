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
	return PK[1] * hk_w(src6) + PK[2] * hk_w(src6 + 4) + PK[3] * hk_w(src6 + 8) + PK[4] * hk_w(src6 + 12);
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

/* Try one address of one pool4 entry; ports owned by this worker, same parity as sport. */
static int try_addr(struct nat64_table *t, const struct xlat_config *cfg, const struct pool4_entry *e, uint32_t a4,
		    uint16_t sport, uint32_t start, uint16_t *p4, uint64_t *hb4)
{
	uint32_t n = t->n_workers, w = t->worker;
	uint32_t parity = sport & 1;
	uint32_t lo = e->port_min, hi = e->port_max;

	if (e->proto == IPPROTO_ICMP) {
		parity = 2; /* identifiers have no parity to keep */
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
	/* a pair q holds ports 2q and 2q+1; the loop below skips the one outside [lo, hi] */
	uint32_t first_pair = lo / 2u, last_pair = hi / 2u;
	if (last_pair < first_pair)
		return -1;
	/*
	 * Owned pairs: first_pair <= q <= last_pair with q % n == w: the first of them and how many,
	 * remembered for the last range asked (three divisions, ~25 instructions and ~75 cycles of
	 * latency per new BIB entry, where the range is nearly always the one asked before).
	 */
	struct nat64_owned *om = &t->owned;
	if (om->lo != lo || om->hi != hi) {
		uint32_t q = first_pair + ((w + n - first_pair % n) % n);
		om->q0 = q;
		om->owned = q > last_pair ? 0 : (last_pair - q) / n + 1;
		om->lo = lo;
		om->hi = hi;
	}
	uint32_t q0 = om->q0, owned = om->owned;
	if (!owned)
		return -1;
	uint32_t tries = e->max_iterations ? e->max_iterations : (owned < 4096 ? owned * (parity == 2 ? 2 : 1) : 4096);
	/*
	 * RFC 6056 3.3.3: the search starts where the last one for this F() bucket ended, so
	 * that the flows of one host to one server port (f-args 11 leaves the source port out)
	 * do not all walk over the same taken ports and give up after max-iterations.
	 */
	uint16_t *next = &t->alg3[start % 1024u];
	uint32_t k0 = (start + *next) % owned;
	/*
	 * RFC 4787 REQ-4 / RFC 6146 3.5.1.1: parity is kept where it can be (a
	 * RECOMMENDED); when this address has no port of that parity left, the
	 * other parity is used rather than another address (RFC 6888 REQ-2,
	 * paired pooling, weighs more).
	 */
	unsigned passes = parity == 2 ? 1 : 2;
	for (unsigned pass = 0; pass < passes; pass++, parity ^= 1) {
		for (uint32_t i = 0, k = k0; i < tries; i++, k = k + 1 == owned ? 0 : k + 1) {
			uint32_t q = q0 + k * n; /* (k0 + i) % owned, without a division per try */
			uint32_t port = q * 2 + (parity == 2 ? (i / owned) & 1 : parity);
			if (port < lo || port > hi || port == 0)
				continue;
			struct nat64_key key = { .a4 = a4, .p4 = (uint16_t)port, .proto = e->proto };
			struct nat64_q bq = { t, &key };
			uint64_t h = hash_b4(t, e->proto, a4, (uint16_t)port);
			if (idx_find(&t->b4, h, eq_b4, &bq) < 0 &&
			    (!cfg->n_bib || !nat64_static_by4(cfg, e->proto, a4, (uint16_t)port)) &&
			    !(nat64_redirect_active(cfg->redirect) && /* HA: a port a peer gave another worker */
			      nat64_redirect_get(cfg->redirect, e->proto, a4, (uint16_t)port) >= 0)) {
				*next = (uint16_t)(*next + i + 1);
				*p4 = (uint16_t)port;
				*hb4 = h;
				return 0;
			}
		}
	}
	return -1;
}

/* lib/cgn.c's question while it searches a block or a deterministic range: is this port free? */
bool nat64_port_free(void *arg, uint8_t proto, uint32_t a4, uint16_t p4)
{
	const struct nat64_table *t = arg;

	return bib_find4(t, proto, a4, p4) < 0;
}

/*
 * RFC 6888 REQ-2 (paired pooling): an IPv6 source always starts at the same
 * pool4 address (a hash of it), and only moves on when that one is full.
 */
int nat64_alloc4(struct nat64_table *t, const struct xlat_config *cfg, uint8_t proto, const uint8_t *src6,
		 uint16_t sport, uint32_t dst4, uint16_t dport, uint32_t *a4, uint16_t *p4, uint64_t *hb4)
{
	/* nat64_pool4_count(), with the entry where the protocol has only one (pool4_addr's walk spared) */
	uint32_t total = 0, entries = 0;
	const struct pool4_entry *only = NULL;
	for (unsigned i = 0; i < cfg->n_pool4; i++) {
		if (cfg->pool4[i].proto != proto)
			continue;
		total += 1u << (32 - cfg->pool4[i].plen);
		only = &cfg->pool4[i];
		entries++;
	}
	if (total == 0)
		return -1;
	uint64_t part6 = src6_part(src6); /* both hashes' (the address pick's and F()'s): once */
	uint32_t pick = (uint32_t)(((hk_fin(PK[0] + 0x2e0 + part6) >> 32) * total) >> 32);
	uint32_t start = fargs_hash(&cfg->g.nat, part6, sport, dst4, dport);
	for (uint32_t tried = 0; tried < total && tried < 256; tried++) {
		uint32_t addr, idx = (pick + tried) % total;
		const struct pool4_entry *e = entries == 1 ? only : nat64_pool4_addr(cfg, proto, idx, &addr);
		if (entries == 1)
			addr = only->addr | __builtin_bswap32(idx);
		if (e && try_addr(t, cfg, e, addr, sport, start, p4, hb4) == 0) {
			*a4 = addr;
			return 0;
		}
	}
	return -1;
}
