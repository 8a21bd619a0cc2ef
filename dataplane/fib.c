/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The dataplane's routing table (doc/architecture.md, "Forwarding"): per
 * family an rte_fib (DIR24_8 for IPv4, the trie for IPv6; 2-byte next-hop
 * indices into one next-hop array), in two copies ("left-right"). Workers read
 * the published copy, one per poll round (fib_round()). The control thread,
 * the only writer, changes the other copy, publishes it with a new generation
 * (the fast path's memo checks it), waits for a grace period (RCU: every
 * worker has reported quiescence since) and makes the same changes to the
 * copy no worker reads any more. A next hop is rewritten only once no copy and
 * no round refers to it.
 *
 * What the table holds, per prefix (struct rec): the configuration's route
 * (connected prefixes of the port addresses, then "routes"), fixed at start and
 * always preferred; else the lowest metric of the routes learnt from the host
 * kernel's main table (route_sync.c), at most dataplane.max-kernel-routes per
 * family. A next hop is a port (and gateway), or one of the kernel's route
 * types the forwarder answers itself: the host's (an interface the dataplane
 * does not drive), blackhole, unreachable, prohibit. The translator routes by
 * port routes only.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <rte_fib.h>
#include <rte_fib6.h>
#include <rte_hash.h>
#include <rte_jhash.h>
#include <rte_malloc.h>
#include <rte_per_lcore.h>

#include "dp.h"

#define FIB_MAX_NH 4096  /* next hops; index 0 is "no route" (the tables' default) */
#define FIB_ALTS 4       /* learnt routes per prefix (other metrics, other interfaces) */
#define FIB_MAX_OPS 4096 /* changes per publication; more wait for the next one */
#define LOG_EVERY_NS (60ull * 1000000000ull)

struct nexthop {
	struct fib_hop hop;
	bool used;
	uint32_t refs; /* control thread: routes that name it, and prefixes the copies send to it */
};

struct fib_key {
	uint8_t family, plen, pad[2];
	uint8_t prefix[16];
};

struct alt {
	uint32_t metric;
	int32_t oif;
	uint16_t nh;
	bool stale; /* not seen again in a full re-read (fib_learn_sweep) */
};

struct rec {
	struct fib_key key;
	uint16_t base;      /* the configuration's route; 0: none */
	uint16_t installed; /* what both copies hold for the prefix; 0: nothing */
	uint8_t n_alt;
	bool dirty;         /* on the list of the next publication */
	struct alt alt[FIB_ALTS];
};

struct side {
	struct rte_fib *v4;
	struct rte_fib6 *v6;
	uint64_t gen;
};

struct op {
	uint32_t rec;
	uint16_t nh; /* 0: delete */
};

static struct nexthop nhs[FIB_MAX_NH];
static unsigned nh_top = 1; /* next never-used index */
static struct side sides[2];
static const struct side *pub; /* the copy workers read */
static uint64_t gen_last;
static RTE_DEFINE_PER_LCORE(const struct side *, round_side);

/* control thread only */
static struct rte_hash *recs_hash;
static struct rec *recs;
static uint32_t *dirty, n_dirty, n_recs_max;
static struct op ops[FIB_MAX_OPS];
static unsigned max_learnt, n_learnt[2]; /* [0] IPv4, [1] IPv6 */
static uint64_t refused_unlogged, refused_logged_at;

static inline unsigned fam_i(int family)
{
	return family == 6;
}

/* ------------------------------------------------------------- next hops */

static bool same_hop(const struct fib_hop *a, const struct fib_hop *b)
{
	return a->kind == b->kind && a->port == b->port && a->has_gw == b->has_gw &&
	       (!a->has_gw || memcmp(a->gw, b->gw, 16) == 0);
}

/* The next hop for h, shared with the routes that have it already; 0 when the array is full. */
static uint16_t nh_get(const struct fib_hop *h)
{
	unsigned spare = 0;

	for (unsigned i = 1; i < nh_top; i++) {
		if (nhs[i].used && same_hop(&nhs[i].hop, h)) {
			nhs[i].refs++;
			return (uint16_t)i;
		}
		if (!nhs[i].used && !spare)
			spare = i;
	}
	if (!spare) {
		if (nh_top >= FIB_MAX_NH)
			return 0;
		spare = nh_top++;
	}
	/* unused: no copy and no round refers to it (fib_commit frees only after a grace period) */
	nhs[spare].hop = *h;
	if (!h->has_gw)
		memset(nhs[spare].hop.gw, 0, sizeof(nhs[spare].hop.gw));
	nhs[spare].refs = 1;
	__atomic_store_n(&nhs[spare].used, true, __ATOMIC_RELEASE);
	return (uint16_t)spare;
}

/* One reference less; the entry is freed by fib_commit() once both copies are past it. */
static void nh_put(uint16_t i)
{
	if (i && nhs[i].refs)
		nhs[i].refs--;
}

static void nh_collect(void)
{
	for (unsigned i = 1; i < nh_top; i++)
		if (nhs[i].used && !nhs[i].refs)
			nhs[i].used = false;
}

/* --------------------------------------------------------------- lookups */

uint64_t fib_round(void)
{
	const struct side *s = __atomic_load_n(&pub, __ATOMIC_ACQUIRE);

	RTE_PER_LCORE(round_side) = s;
	return s->gen;
}

static inline uint16_t lookup(int family, const uint8_t *dst)
{
	const struct side *s = RTE_PER_LCORE(round_side);
	uint64_t nh;

	if (unlikely(!s)) /* a thread that runs no poll rounds (control threads) */
		s = __atomic_load_n(&pub, __ATOMIC_ACQUIRE);
	if (family == 4) {
		uint32_t a;
		memcpy(&a, dst, 4);
		a = rte_be_to_cpu_32(a);
		rte_fib_lookup_bulk(s->v4, &a, &nh, 1);
	} else {
		uint8_t a[1][RTE_FIB6_IPV6_ADDR_SIZE];
		memcpy(a[0], dst, 16);
		rte_fib6_lookup_bulk(s->v6, a, &nh, 1);
	}
	return (uint16_t)nh;
}

static void port_route(const struct dp *dp, uint16_t nh, int family, struct xlat_route *out)
{
	const struct dp_port *port = &dp->ports[nhs[nh].hop.port];

	out->nexthop = nh;
	out->mtu = port->mtu;
	if (family == 4) {
		out->self_set = port->has4;
		memcpy(out->self, &port->self4, 4);
	} else {
		out->self_set = port->has6;
		memcpy(out->self, port->self6, 16);
	}
}

int fib_route(void *opaque, int family, const uint8_t *dst, struct xlat_route *out)
{
	uint16_t nh = lookup(family, dst);

	if (!nh || nhs[nh].hop.kind != FWD_VIA_PORT)
		return -1;
	port_route(opaque, nh, family, out);
	return 0;
}

int fib_route_fwd(void *opaque, int family, const uint8_t *dst, struct fwd_route *out)
{
	uint16_t nh = lookup(family, dst);

	if (!nh)
		return -1;
	out->kind = (enum fwd_kind)nhs[nh].hop.kind;
	if (out->kind == FWD_VIA_PORT)
		port_route(opaque, nh, family, &out->r);
	return 0;
}

void fib_neighbor_addr(uint32_t nexthop, int family, const uint8_t *dst, uint8_t out[16], uint16_t *port)
{
	const struct fib_hop *h = &nhs[nexthop].hop;

	memset(out, 0, 16);
	memcpy(out, h->has_gw ? h->gw : dst, family == 4 ? 4 : 16);
	*port = h->port;
}

/* ----------------------------------------------------------- the copies */

static int side_set(struct side *s, const struct fib_key *k, uint16_t nh)
{
	if (k->family == 4) {
		uint32_t a;
		memcpy(&a, k->prefix, 4);
		a = rte_be_to_cpu_32(a);
		return nh ? rte_fib_add(s->v4, a, k->plen, nh) : rte_fib_delete(s->v4, a, k->plen);
	}
	return nh ? rte_fib6_add(s->v6, k->prefix, k->plen, nh) : rte_fib6_delete(s->v6, k->prefix, k->plen);
}

/*
 * rte_fib's groups of 256 entries (tbl8) hold what is longer than /24: one per
 * IPv4 route, up to one per 8 bits past /24 for IPv6 (a /64: up to 5). With
 * 2-byte next-hop indices a table has 32767 groups at most, and 32 MiB of
 * first-level entries; beyond, 4-byte ones (64 MiB). Returns the entry size.
 */
static unsigned groups(unsigned per_route, unsigned base, unsigned routes, uint32_t *n)
{
	uint64_t want = base + (uint64_t)per_route * routes;

	*n = (uint32_t)RTE_MIN(want, (uint64_t)1 << 24);
	return want > 32767 ? 4 : 2;
}

static int side_create(struct side *s, unsigned idx, unsigned routes, char *err, size_t errlen)
{
	char n4[32], n6[32];
	/* the RIB under each table needs a node per route and one per branch between them */
	struct rte_fib_conf c4 = { .type = RTE_FIB_DIR24_8, .default_nh = 0, .max_routes = (int)(2 * routes + 16) };
	struct rte_fib6_conf c6 = { .type = RTE_FIB6_TRIE, .default_nh = 0, .max_routes = (int)(2 * routes + 16) };

	c4.dir24_8.nh_sz = groups(1, 512, routes, &c4.dir24_8.num_tbl8) == 2 ? RTE_FIB_DIR24_8_2B : RTE_FIB_DIR24_8_4B;
	c6.trie.nh_sz = groups(5, 1024, routes, &c6.trie.num_tbl8) == 2 ? RTE_FIB6_TRIE_2B : RTE_FIB6_TRIE_4B;
	snprintf(n4, sizeof(n4), "fib4_%u", idx);
	snprintf(n6, sizeof(n6), "fib6_%u", idx);
	s->v4 = rte_fib_create(n4, SOCKET_ID_ANY, &c4);
	s->v6 = rte_fib6_create(n6, SOCKET_ID_ANY, &c6);
	if (!s->v4 || !s->v6) {
		/* what failed is nearly always memory (DPDK's errno says EINVAL then too): say how much it takes */
		uint64_t sz4 = c4.dir24_8.nh_sz == RTE_FIB_DIR24_8_2B ? 2 : 4;
		uint64_t sz6 = c6.trie.nh_sz == RTE_FIB6_TRIE_2B ? 2 : 4;
		uint64_t copy = (sz4 * ((1u << 24) + 256ull * c4.dir24_8.num_tbl8) +
				 sz6 * ((1u << 24) + 256ull * c6.trie.num_tbl8)) >> 20;
		snprintf(err, errlen, "cannot create routing tables for %u routes per family: %s (the two copies take "
				      "about %" PRIu64 " MiB: more hugepages, a larger -m (without hugepages -m is all "
				      "there is), or a lower dataplane.max-kernel-routes)",
			 routes, rte_strerror(rte_errno), 2 * copy);
		return -1;
	}
	return 0;
}

/* ---------------------------------------------------------------- records */

static void make_key(struct fib_key *k, int family, const uint8_t *prefix, uint8_t plen)
{
	unsigned bytes = family == 4 ? 4 : 16;

	memset(k, 0, sizeof(*k));
	k->family = (uint8_t)family;
	k->plen = plen;
	memcpy(k->prefix, prefix, bytes);
	for (unsigned bit = plen; bit < bytes * 8; bit++) /* the network, as the kernel keys it */
		k->prefix[bit / 8] &= (uint8_t)~(0x80 >> (bit % 8));
}

/* The record of a prefix; create: make it when there is none. NULL: none, or no room. */
static struct rec *rec_of(const struct fib_key *k, bool create)
{
	int32_t pos = rte_hash_lookup(recs_hash, k);

	if (pos < 0 && create) {
		pos = rte_hash_add_key(recs_hash, k);
		if (pos >= 0) {
			memset(&recs[pos], 0, sizeof(recs[pos]));
			recs[pos].key = *k;
		}
	}
	return pos >= 0 && (uint32_t)pos < n_recs_max ? &recs[pos] : NULL;
}

static void mark(struct rec *r)
{
	if (!r->dirty) {
		r->dirty = true;
		dirty[n_dirty++] = (uint32_t)(r - recs);
	}
}

/* What the prefix should send to: the configuration's route, else the lowest metric learnt. */
static uint16_t best(const struct rec *r)
{
	const struct alt *b = NULL;

	if (r->base)
		return r->base;
	for (unsigned i = 0; i < r->n_alt; i++)
		if (!b || r->alt[i].metric < b->metric)
			b = &r->alt[i];
	return b ? b->nh : 0;
}

static void alt_remove(struct rec *r, unsigned i)
{
	nh_put(r->alt[i].nh);
	n_learnt[fam_i(r->key.family)]--;
	r->alt[i] = r->alt[--r->n_alt];
}

static void alt_drop(struct rec *r, unsigned i)
{
	alt_remove(r, i);
	mark(r);
}

/* A route not learnt: counted, and said in the log (at most once a minute, with how many since). Returns -1. */
static int refused(struct dp *dp, const struct fib_key *k, const char *why)
{
	char txt[INET6_ADDRSTRLEN];
	uint64_t now = now_ns();

	__atomic_fetch_add(&dp->slow_counters[XLAT_FIB_REFUSED], 1, __ATOMIC_RELAXED);
	refused_unlogged++;
	if (refused_logged_at && now - refused_logged_at < LOG_EVERY_NS)
		return -1;
	inet_ntop(k->family == 4 ? AF_INET : AF_INET6, k->prefix, txt, sizeof(txt));
	RTE_LOG(WARNING, XLAT64, "routes: %" PRIu64 " route(s) from the host not learnt (counter XLAT_FIB_REFUSED), "
				 "the last %s/%u: %s\n", refused_unlogged, txt, k->plen, why);
	refused_unlogged = 0;
	refused_logged_at = now;
	return -1;
}

int fib_learn(int family, const uint8_t *prefix, uint8_t plen, uint32_t metric, int oif, const struct fib_hop *hop)
{
	struct fib_key k;
	struct rec *r;

	make_key(&k, family, prefix, plen);
	r = rec_of(&k, false);
	if (r && r->base) /* a prefix the configuration routes stays the configuration's */
		return 1;
	for (unsigned i = 0; r && i < r->n_alt; i++) {
		if (r->alt[i].metric != metric || r->alt[i].oif != oif)
			continue;
		r->alt[i].stale = false;
		if (same_hop(&nhs[r->alt[i].nh].hop, hop))
			return 0;
		uint16_t nh = nh_get(hop);
		if (!nh)
			return refused(&g_dp, &k, "next hops full");
		nh_put(r->alt[i].nh);
		r->alt[i].nh = nh;
		mark(r);
		return 0;
	}
	if (n_learnt[fam_i(family)] >= max_learnt)
		return refused(&g_dp, &k, "dataplane.max-kernel-routes reached");
	if (!r && !(r = rec_of(&k, true)))
		return refused(&g_dp, &k, "table full");
	if (r->n_alt == FIB_ALTS)
		return refused(&g_dp, &k, "too many routes for one prefix");
	uint16_t nh = nh_get(hop);
	if (!nh)
		return refused(&g_dp, &k, "next hops full");
	r->alt[r->n_alt++] = (struct alt){ .metric = metric, .oif = oif, .nh = nh };
	n_learnt[fam_i(family)]++;
	mark(r);
	return 0;
}

void fib_unlearn(int family, const uint8_t *prefix, uint8_t plen, uint32_t metric, int oif)
{
	struct fib_key k;
	struct rec *r;

	make_key(&k, family, prefix, plen);
	if (!(r = rec_of(&k, false)))
		return;
	for (unsigned i = 0; i < r->n_alt; i++)
		if (r->alt[i].metric == metric && r->alt[i].oif == oif) {
			alt_drop(r, i);
			return;
		}
}

void fib_learn_mark_stale(void)
{
	const void *key;
	void *data;
	uint32_t next = 0;
	int32_t pos;

	while ((pos = rte_hash_iterate(recs_hash, &key, &data, &next)) >= 0)
		for (unsigned i = 0; i < recs[pos].n_alt; i++)
			recs[pos].alt[i].stale = true;
}

void fib_learn_sweep(void)
{
	const void *key;
	void *data;
	uint32_t next = 0;
	int32_t pos;

	while ((pos = rte_hash_iterate(recs_hash, &key, &data, &next)) >= 0)
		for (unsigned i = recs[pos].n_alt; i-- > 0;)
			if (recs[pos].alt[i].stale)
				alt_drop(&recs[pos], i);
}

/* ------------------------------------------------------------- publication */

/* The same changes to the copy no worker reads any more; next hops no copy refers to are freed. */
static void commit_done(struct dp *dp, struct side *old, unsigned n_ops)
{
	for (unsigned i = 0; i < n_ops; i++) {
		struct rec *r = &recs[ops[i].rec];
		if (side_set(old, &r->key, ops[i].nh) != 0)
			RTE_LOG(ERR, XLAT64, "routes: the table copies differ (a change failed on one only)\n");
		nhs[ops[i].nh].refs += ops[i].nh != 0;
		nh_put(r->installed);
		r->installed = ops[i].nh;
		if (!r->base && !r->n_alt && !r->installed && !r->dirty)
			rte_hash_del_key(recs_hash, &r->key);
	}
	nh_collect();
	__atomic_fetch_add(&dp->slow_counters[XLAT_FIB_UPDATES], n_ops, __ATOMIC_RELAXED);
	__atomic_store_n(&dp->slow_counters[XLAT_FIB_ROUTES], (uint64_t)(n_learnt[0] + n_learnt[1]), __ATOMIC_RELAXED);
}

void fib_commit(struct dp *dp)
{
	struct side *next = pub == &sides[0] ? &sides[1] : &sides[0], *old = &sides[next == &sides[0]];
	unsigned n_ops = 0, k = 0;

	if (!n_dirty)
		return;
	for (unsigned i = 0; i < n_dirty; i++) {
		struct rec *r = &recs[dirty[i]];
		if (n_ops == FIB_MAX_OPS) { /* the rest at the next publication */
			dirty[k++] = dirty[i];
			continue;
		}
		r->dirty = false;
		uint16_t want = best(r);
		if (want == r->installed) {
			if (!r->base && !r->n_alt && !r->installed)
				rte_hash_del_key(recs_hash, &r->key);
			continue;
		}
		if (side_set(next, &r->key, want) != 0) { /* no room in the table: the learnt route goes */
			for (unsigned a = r->n_alt; a-- > 0;)
				if (r->alt[a].nh == want)
					alt_remove(r, a);
			refused(dp, &r->key, "routing table full (tbl8 groups)");
			r->dirty = true; /* again at the next publication, with what is left */
			dirty[k++] = dirty[i];
			continue;
		}
		ops[n_ops++] = (struct op){ .rec = dirty[i], .nh = want };
	}
	n_dirty = k;
	if (!n_ops)
		return;
	next->gen = ++gen_last;
	__atomic_store_n(&pub, next, __ATOMIC_RELEASE);
	/* every worker's round that may have read the other copy is over */
	rte_rcu_qsbr_synchronize(dp->rcu, RTE_QSBR_THRID_INVALID);
	commit_done(dp, old, n_ops);
}

unsigned fib_learnt(void)
{
	return n_learnt[0] + n_learnt[1];
}

/* ---------------------------------------------------------------- start */

/* A configured route, in both copies at once (no worker runs yet); a later one for the same prefix wins. */
static int add_base(int family, const uint8_t *prefix, uint8_t plen, const struct fib_hop *hop, char *err,
		    size_t errlen)
{
	struct fib_key k;
	struct rec *r;
	uint16_t nh = nh_get(hop);

	make_key(&k, family, prefix, plen);
	if (!nh || !(r = rec_of(&k, true))) {
		snprintf(err, errlen, "too many routes");
		return -1;
	}
	nh_put(r->base);
	r->base = nh;
	for (unsigned s = 0; s < 2; s++) {
		int rc = side_set(&sides[s], &k, nh);
		if (rc != 0) {
			snprintf(err, errlen, "cannot add route (%s)", rte_strerror(-rc));
			return -1;
		}
	}
	nhs[nh].refs++;
	nh_put(r->installed);
	r->installed = nh;
	return 0;
}

int fib_init(struct dp *dp, char *err, size_t errlen)
{
	unsigned n_base = dp->cfg.n_routes;

	for (unsigned p = 0; p < dp->cfg.n_ports; p++)
		n_base += dp->cfg.ports[p].n_addrs;
	max_learnt = dp->cfg.exception_path && dp->cfg.kernel_routes ? dp->cfg.max_kernel_routes : 0;
	n_recs_max = n_base + 2 * max_learnt + 16;
	struct rte_hash_parameters hp = {
		.name = "fib_recs", .entries = n_recs_max, .key_len = sizeof(struct fib_key), .hash_func = rte_jhash,
		.socket_id = SOCKET_ID_ANY, .extra_flag = RTE_HASH_EXTRA_FLAGS_EXT_TABLE,
	};
	recs_hash = rte_hash_create(&hp);
	if (!recs_hash) {
		snprintf(err, errlen, "cannot create the route records: %s", rte_strerror(rte_errno));
		return -1;
	}
	n_recs_max = (uint32_t)rte_hash_max_key_id(recs_hash) + 1;
	recs = rte_zmalloc("fib_recs", sizeof(*recs) * n_recs_max, 0);
	dirty = rte_malloc("fib_dirty", sizeof(*dirty) * n_recs_max, 0);
	if (!recs || !dirty) {
		snprintf(err, errlen, "no memory for %u route records", n_recs_max);
		return -1;
	}
	for (unsigned s = 0; s < 2; s++)
		if (side_create(&sides[s], s, n_base + max_learnt + 1, err, errlen))
			return -1;
	/* Connected routes first: every port address's prefix. */
	for (unsigned p = 0; p < dp->cfg.n_ports; p++) {
		const struct appcfg_port *pc = &dp->cfg.ports[p];
		for (unsigned a = 0; a < pc->n_addrs; a++) {
			struct fib_hop h = { .kind = FWD_VIA_PORT, .port = (uint16_t)p };
			if (add_base(pc->addrs[a].family, pc->addrs[a].addr, pc->addrs[a].plen, &h, err, errlen))
				return -1;
		}
	}
	for (unsigned i = 0; i < dp->cfg.n_routes; i++) {
		const struct appcfg_route *rc = &dp->cfg.routes[i];
		struct fib_hop h = { .kind = FWD_VIA_PORT, .port = (uint16_t)rc->port, .has_gw = rc->via_set };
		if (rc->via_set)
			memcpy(h.gw, rc->via, rc->family == 4 ? 4 : 16);
		if (add_base(rc->family, rc->prefix, rc->plen, &h, err, errlen))
			return -1;
	}
	sides[0].gen = sides[1].gen = gen_last = 1;
	__atomic_store_n(&pub, &sides[0], __ATOMIC_RELEASE);
	return 0;
}
