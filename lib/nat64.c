/* SPDX-License-Identifier: BSD-3-Clause */
/* Stateful NAT64 (RFC 6146): per-worker BIB and session tables, pool4 allocation, TCP state, expiry. */
#include <string.h>

#include <rte_byteorder.h>
#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_jhash.h>
#include <rte_malloc.h>
#include <rte_prefetch.h>
#include <rte_random.h>

#include "cgn.h"
#include "nat64.h"
#include "rfc6052.h"
#include "xlat_internal.h"

/* Expiry lists; LIST_FREE marks an unused session slot. */
enum { LIST_FREE, LIST_UDP, LIST_ICMP, LIST_TCP_EST, LIST_TCP_TRANS, N_LISTS };
#define NIL UINT32_MAX

/*
 * Memory per session is the budget (<= 256 bytes at 1M, both lookups): keys
 * live once, in the rte_hash key stores, and the arrays beside them hold only
 * what no key has. rte_hash stores key + 8 bytes of data in 16-byte slots.
 */
struct bib6_key { /* 20 bytes: 32-byte slot */
	uint8_t proto, pad;
	uint16_t port6;
	uint8_t addr6[16];
};
struct bib4_key { /* 8 bytes: 16-byte slot; data: the bib6 position */
	uint8_t proto, pad;
	uint16_t port4;
	uint32_t addr4;
};
struct s6_key { /* 28 bytes: 48-byte slot; its position is the session index */
	uint8_t proto, pad;
	uint16_t port6;
	uint16_t rport, pad2;
	uint8_t addr6[16];
	uint32_t remote4;
};
struct s4_key { /* 16 bytes: 32-byte slot; data: the s6 position (the session index) */
	uint8_t proto, pad;
	uint16_t lport;
	uint16_t rport, pad2;
	uint32_t local4;
	uint32_t remote4;
};

#define HK_WORDS 7 /* the longest key, s6_key: 28 bytes (hk_hash) */

#define SO_MAX 64 /* per worker; maximum-simultaneous-opens caps it further */
#define SO_BYTES 128
#define SO_TIMEOUT_MS 6000

struct stored_syn {
	bool used;
	uint16_t len;
	uint32_t remote4, local4; /* the SYN's source and destination */
	uint16_t rport, lport;
	uint64_t expires_ms;
	uint8_t pkt[SO_BYTES]; /* its first bytes, quoted by the ICMP error if nobody answers */
};

#define FRAG_MAX 4096
#define FRAG_TIMEOUT_MS 2000 /* RFC 6146 3.5 / RFC 2460: at least 2 s for fragments */

struct frag_key {
	uint8_t family, proto, pad[2];
	uint32_t id;
	uint8_t src[16], dst[16];
};

struct frag_val {
	uint32_t a4;
	uint8_t a6[16];
	uint64_t expires_ms;
};

/*
 * Indexed by bib6 position (32 bytes). The IPv6 side is kept here too, not
 * read back from the hash's key store: rte_hash_get_key_with_position()
 * verifies the position with a full lookup, a second hash lookup on every
 * 4->6 packet.
 */
struct bib {
	struct bib6_key k6;
	uint32_t addr4;
	uint16_t port4;
	uint16_t pad;
	uint32_t head; /* its sessions (bprev/bnext): ADF and "last session gone" without a walk */
};

/* Indexed by s6 position (32 bytes); the rest of its 5-tuples is its BIB entry's. */
struct session {
	uint32_t bib;
	uint32_t prev, next;   /* expiry list */
	uint32_t bprev, bnext; /* the BIB's sessions */
	uint32_t remote4;
	uint16_t rport;
	uint8_t state; /* enum tcp_state for TCP */
	uint8_t list;  /* LIST_FREE when unused */
	uint32_t expires; /* ms, wrapping: see due() */
};

/*
 * Session timers are 32-bit milliseconds compared with wrap-around, which
 * holds for any timer shorter than 2^31 ms (24.8 days): timeouts are cut to
 * TIMEOUT_MAX_MS (timeout_of), so that one with its slack stays below that.
 */
#define TIMEOUT_MAX_MS 0x7e000000u /* 24.4 days */
_Static_assert(TIMEOUT_MAX_MS + NAT64_TIMER_SLACK(TIMEOUT_MAX_MS) < 0x80000000u, "timers wrap at 2^31 ms");

static inline bool due(uint32_t expires, uint64_t now_ms)
{
	return (int32_t)(expires - (uint32_t)now_ms) <= 0;
}

struct fifo {
	uint32_t head, tail;
};

struct nat64_table {
	struct rte_hash *bib6, *bib4, *s6, *s4;
	struct bib *bibs;     /* indexed by bib6 position */
	struct session *sess; /* indexed by s6 position */
	struct fifo lists[N_LISTS];
	uint32_t n_sess, n_bib, max;
	unsigned worker, n_workers;
	uint32_t rand;
	uint64_t hk[HK_WORDS + 1]; /* the four tables' hash keys (hk_hash) */
	/* Fragment tracking ("virtual reassembly"): what a datagram's first fragment mapped to, for the rest. */
	struct rte_hash *frag;
	struct frag_val *fvals;
	/* RFC 6146 3.5.2.2: IPv4-initiated SYNs held 6 s for a simultaneous open. */
	struct stored_syn so[SO_MAX];
	int32_t *frag_fifo; /* insertion order, for eviction */
	uint32_t frag_head, frag_n;
	struct stored_syn *so_last;
	struct cgn_table *cgn; /* carrier-grade NAT64 (lib/cgn.h), when configured at start; else NULL */
	uint64_t now_ms;       /* the latest time seen, to give session timers back as absolute times */
	/* nat64_lookup_burst(): each packet's session (-1: none found), and the one nat64_hint() chose */
	int32_t hint[NAT64_BURST_MAX];
	unsigned hint_n;
	int32_t hint_cur;
	/*
	 * A burst's new 6->4 flows: their session key (exact), its hash, and their
	 * BIB entry looked up in bulk too (b6pos: position, -1 none, -2 not looked
	 * up), so that nat64_out() neither looks the session up again nor waits
	 * for the BIB's buckets. A miss only holds while no key with the same hash
	 * bit went in since (added_s6 / added_b6, cleared every burst).
	 */
	struct s6_key bkey6[NAT64_BURST_MAX];
	uint32_t bh6[NAT64_BURST_MAX], bhb6[NAT64_BURST_MAX];
	int32_t b6pos[NAT64_BURST_MAX];
	uint64_t miss6, added_s6, added_b6;
	int hint_idx;
	/* RFC 6056 algorithm 3's table: how far past its F() offset a tuple's next port search starts */
	uint16_t alg3[1024];
};

/*
 * The tables' hash: vector multiply-shift (Dietzfelbinger; Thorup, "High
 * Speed Hashing for Integers and Strings", 2015), h(x) = (a0 + sum a_i x_i
 * mod 2^64) >> 32 over the key's 32-bit words with random 64-bit a_i: a
 * universal family, so which keys collide depends on the secret a_i, at one
 * multiply per word (a 28-byte session key: ~20 instructions; rte_jhash took
 * ~115). CRC32-C (rte_hash_crc, DPDK's default) costs about as little but is
 * linear: crc(x) ^ crc(y) does not depend on the seed, so keys that share
 * both of their rte_hash buckets (the IPv6 source, ports and remote address
 * are the sender's to choose) can be computed offline whatever the seed.
 * Without the extension table such keys only refuse themselves (16 slots per
 * bucket pair; another key is refused only when both of its buckets are full
 * of them); with it (tables within 4% of a power of two, the default 65536)
 * they pile up in one chain that every lookup ending in that bucket walks.
 * The a_i derive from a random 32-bit seed per table (rte_hash's init value),
 * so the hash function given to rte_hash computes the same thing; every call
 * on the four tables passes the hash in (*_with_hash), each key hashed once.
 */
static inline uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static void hk_init(uint64_t a[HK_WORDS + 1], uint32_t seed)
{
	uint64_t x = seed;

	for (unsigned i = 0; i <= HK_WORDS; i++)
		a[i] = splitmix64(&x);
}

static inline uint32_t hk_hash(const uint64_t a[HK_WORDS + 1], const void *key, unsigned words)
{
	const uint8_t *p = key;
	uint64_t h = a[0];

	for (unsigned i = 0; i < words; i++) {
		uint32_t w;
		memcpy(&w, p + 4 * i, 4);
		h += a[i + 1] * w;
	}
	/*
	 * The sum alone is universal (few collisions) but not random-looking:
	 * keys in arithmetic progression (consecutive ports, addresses) give sums
	 * in progression, and cuckoo hashing, whose two buckets both come from
	 * this hash, then fills badly (measured: a table refusing keys at 84% of
	 * its slots). MurmurHash3's 64-bit finaliser (a bijection, so collisions
	 * stay the sum's) spreads them as SplitMix64 spreads its counter.
	 */
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return (uint32_t)h;
}

/* rte_hash's own hash function, for any call that would not pass the hash in: the same values. */
static uint32_t hk_rte_hash(const void *key, uint32_t key_len, uint32_t seed)
{
	uint64_t a[HK_WORDS + 1];

	hk_init(a, seed);
	return hk_hash(a, key, key_len / 4);
}

static inline uint32_t hash_b6(const struct nat64_table *t, const struct bib6_key *k)
{
	return hk_hash(t->hk, k, sizeof(*k) / 4);
}

static inline uint32_t hash_b4(const struct nat64_table *t, const struct bib4_key *k)
{
	return hk_hash(t->hk, k, sizeof(*k) / 4);
}

static inline uint32_t hash_s6(const struct nat64_table *t, const struct s6_key *k)
{
	return hk_hash(t->hk, k, sizeof(*k) / 4);
}

static inline uint32_t hash_s4(const struct nat64_table *t, const struct s4_key *k)
{
	return hk_hash(t->hk, k, sizeof(*k) / 4);
}


/*
 * rte_hash sizes its buckets to the next power of two of `entries` (8 keys a
 * bucket) and its key store to `entries` exactly (positions stay below it,
 * which the entry arrays rely on). Cuckoo hashing alone takes random keys up
 * to ~98% of the bucket slots (measured: 1 000 000 keys into 1 048 576 slots,
 * every time), so extendable buckets, at 9-10 bytes per entry per table, are
 * only asked for where `entries` fills more than 96% of the slots (a power of
 * two or just under). A key that still finds no slot is a refused flow
 * (XLAT_NAT64_TABLE_FULL), as a full table's would be.
 */
static struct rte_hash *mkhash(const char *name, const char *suffix, uint32_t max, uint32_t key_len, int socket,
			       rte_hash_function f, uint32_t seed)
{
	char n[RTE_HASH_NAMESIZE];
	struct rte_hash_parameters p = {
		.name = n,
		.entries = max,
		.key_len = key_len,
		.hash_func = f,
		.hash_func_init_val = seed,
		.socket_id = socket,
	};

	if ((uint64_t)max * 100 > (uint64_t)rte_align32pow2(max) * 96)
		p.extra_flag = RTE_HASH_EXTRA_FLAGS_EXT_TABLE;
	snprintf(n, sizeof(n), "%s%s", name, suffix);
	return rte_hash_create(&p);
}

struct nat64_table *nat64_table_create(const char *name, uint32_t max, unsigned worker, unsigned n_workers,
				       int socket)
{
	struct nat64_table *t = rte_zmalloc_socket("nat64", sizeof(*t), 64, socket);

	if (!t)
		return NULL;
	if (max < 8)
		max = 8;
	t->max = max;
	t->worker = worker;
	t->n_workers = n_workers ? n_workers : 1;
	t->rand = 0x9e3779b9u ^ (worker * 0x85ebca6bu);
	uint32_t seed = (uint32_t)rte_rand();
	hk_init(t->hk, seed);
	t->bib6 = mkhash(name, "b6", max, sizeof(struct bib6_key), socket, hk_rte_hash, seed);
	t->bib4 = mkhash(name, "b4", max, sizeof(struct bib4_key), socket, hk_rte_hash, seed);
	t->s6 = mkhash(name, "s6", max, sizeof(struct s6_key), socket, hk_rte_hash, seed);
	t->s4 = mkhash(name, "s4", max, sizeof(struct s4_key), socket, hk_rte_hash, seed);
	/* Without multi-writer caches, rte_hash positions are key slot - 1: always below `entries`. */
	uint32_t cap = max;
	t->bibs = rte_zmalloc_socket("nat64_bibs", sizeof(struct bib) * cap, 64, socket);
	t->sess = rte_zmalloc_socket("nat64_sess", sizeof(struct session) * cap, 64, socket);
	t->frag = mkhash(name, "fr", FRAG_MAX, sizeof(struct frag_key), socket, rte_jhash, (uint32_t)rte_rand());
	t->fvals = rte_zmalloc_socket("nat64_frag", sizeof(struct frag_val) * FRAG_MAX, 64, socket);
	t->frag_fifo = rte_zmalloc_socket("nat64_ffifo", sizeof(int32_t) * FRAG_MAX, 64, socket);
	if (!t->bib6 || !t->bib4 || !t->s6 || !t->s4 || !t->bibs || !t->sess || !t->frag ||
	    !t->fvals || !t->frag_fifo) {
		nat64_table_free(t);
		return NULL;
	}
	for (unsigned i = 0; i < N_LISTS; i++)
		t->lists[i].head = t->lists[i].tail = NIL;
	for (uint32_t i = 0; i < cap; i++)
		t->bibs[i].head = NIL;
	t->hint_cur = -1;
	t->hint_idx = -1;
	return t;
}

void nat64_table_free(struct nat64_table *t)
{
	if (!t)
		return;
	rte_hash_free(t->bib6);
	rte_hash_free(t->bib4);
	rte_hash_free(t->s6);
	rte_hash_free(t->s4);
	rte_free(t->bibs);
	rte_free(t->sess);
	rte_hash_free(t->frag);
	rte_free(t->fvals);
	rte_free(t->frag_fifo);
	rte_free(t);
}

void nat64_attach_cgn(struct nat64_table *t, struct cgn_table *c)
{
	t->cgn = c;
}

/* CGN accounting and events run only where a cgn table is attached and configured (doc/cgn.md). */
static inline struct cgn_table *cgn_of(const struct nat64_table *t, const struct xlat_config *cfg)
{
	return __builtin_expect(t->cgn != NULL, 0) && cfg->cgn.enabled ? t->cgn : NULL;
}

uint32_t nat64_table_sessions(const struct nat64_table *t)
{
	return t->n_sess;
}

uint32_t nat64_table_bibs(const struct nat64_table *t)
{
	return t->n_bib;
}

/* ---- ownership ---- */

unsigned nat64_owner6(const struct xlat_config *cfg, const uint8_t src6[16], unsigned n)
{
	if (n <= 1)
		return 0;
	/* CGN: every flow of a subscriber on one worker, which keeps its counts and blocks (doc/cgn.md) */
	if (cfg->cgn.enabled)
		return cgn_owner6(src6, cfg->cgn.subscriber_plen, n);
	uint32_t key[4]; /* rte_jhash reads 32-bit words; a source address in a frame is 2-byte aligned */
	memcpy(key, src6, 16);
	return rte_jhash(key, 16, 0x6146) % n;
}

static const struct bib_static *static_by4(const struct xlat_config *cfg, uint8_t proto, uint32_t a4, uint16_t p4)
{
	for (unsigned i = 0; i < cfg->n_bib; i++) {
		const struct bib_static *b = &cfg->bib[i];
		if (b->proto == proto && b->addr4 == a4 && b->port4 == p4)
			return b;
	}
	return NULL;
}

static const struct bib_static *static_by6(const struct xlat_config *cfg, uint8_t proto, const uint8_t *a6,
					   uint16_t p6)
{
	for (unsigned i = 0; i < cfg->n_bib; i++) {
		const struct bib_static *b = &cfg->bib[i];
		if (b->proto == proto && b->port6 == p6 && memcmp(b->addr6, a6, 16) == 0)
			return b;
	}
	return NULL;
}

unsigned nat64_owner4(const struct xlat_config *cfg, uint8_t proto, uint32_t a4, uint16_t p4, unsigned n)
{
	if (n <= 1)
		return 0;
	/* A static entry's sessions live with its IPv6 side's owner. */
	const struct bib_static *b = static_by4(cfg, proto, a4, p4);
	if (b)
		return nat64_owner6(cfg, b->addr6, n);
	unsigned o;
	if (cfg->cgn.enabled && cgn_owner4(cfg, proto, a4, p4, n, &o))
		return o;
	return (p4 / 2u) % n;
}

bool nat64_static4(const struct xlat_config *cfg, uint8_t proto, uint32_t a4, uint16_t port)
{
	return static_by4(cfg, proto, a4, port) != NULL;
}

bool nat64_pool4_port(const struct xlat_config *cfg, uint8_t proto, uint32_t a4, uint16_t port)
{
	for (unsigned i = 0; i < cfg->n_pool4; i++) {
		const struct pool4_entry *e = &cfg->pool4[i];
		struct prefix4 p = { e->addr, e->plen };
		if (e->proto == proto && port >= e->port_min && port <= e->port_max && prefix4_contains(&p, a4))
			return true;
	}
	return static_by4(cfg, proto, a4, port) != NULL;
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

/* ---- expiry lists ---- */

static void list_unlink(struct nat64_table *t, uint32_t i)
{
	struct session *s = &t->sess[i];
	struct fifo *f = &t->lists[s->list];

	if (s->prev != NIL)
		t->sess[s->prev].next = s->next;
	else
		f->head = s->next;
	if (s->next != NIL)
		t->sess[s->next].prev = s->prev;
	else
		f->tail = s->prev;
	s->prev = s->next = NIL;
}

/* Every session of a list shares one timeout, so appending keeps the list sorted by expiry (O(1)). */
static void list_append(struct nat64_table *t, uint32_t i, uint8_t list, uint64_t expires)
{
	struct session *s = &t->sess[i];
	struct fifo *f = &t->lists[list];

	s->list = list;
	s->expires = (uint32_t)expires;
	s->next = NIL;
	s->prev = f->tail;
	if (f->tail != NIL)
		t->sess[f->tail].next = i;
	else
		f->head = i;
	f->tail = i;
}

static inline uint8_t list_of(uint8_t proto, uint8_t state)
{
	if (proto == IPPROTO_UDP_)
		return LIST_UDP;
	if (proto == IPPROTO_ICMP_)
		return LIST_ICMP;
	return (state == TCP_ESTABLISHED || state == TCP_V4_FIN_RCV || state == TCP_V6_FIN_RCV) ? LIST_TCP_EST
											     : LIST_TCP_TRANS;
}

static inline uint64_t timeout_of(const struct nat64_globals *g, uint8_t list)
{
	uint32_t ms;

	switch (list) {
	case LIST_UDP:
		ms = g->udp_timeout_ms;
		break;
	case LIST_ICMP:
		ms = g->icmp_timeout_ms;
		break;
	case LIST_TCP_EST:
		ms = g->tcp_est_timeout_ms;
		break;
	default:
		ms = g->tcp_trans_timeout_ms;
	}
	return ms < TIMEOUT_MAX_MS ? ms : TIMEOUT_MAX_MS;
}

/*
 * A packet refreshes its session's timer (RFC 6146 3.5.1, 3.5.2.2). Relinking
 * the session to its list's tail on every packet cost ~54 instructions and
 * the cache lines of both neighbours; instead, a refresh that relinks sets the
 * timer S = NAT64_TIMER_SLACK(T) further than needed, and the packets of the
 * next S need do nothing but compare: a timer runs out at least T after a
 * session's last packet (the RFC's timeouts are minimums) and at most T + S
 * after it (1/64: 4.7 s of UDP's 5 minutes). The lists stay in FIFO order to
 * within S (appends come at now + T or now + T + S, in time order), so
 * nat64_expire(), which stops at the first head not due, is late by at most S
 * for a session behind a relinked one, and never early. A new session and a
 * TCP state change that moves it to another list (another timeout) get the
 * exact timer, at once.
 */
static __attribute__((noinline)) void relink(struct nat64_table *t, uint32_t i, uint8_t list, uint64_t expires)
{
	list_unlink(t, i);
	list_append(t, i, list, expires);
}

/* Inline: most packets only compare (the relink is the rare, out-of-line part). */
static inline void refresh(struct nat64_table *t, const struct nat64_globals *g, uint32_t i, uint8_t proto,
			   uint64_t now)
{
	struct session *s = &t->sess[i];
	uint8_t list = list_of(proto, s->state);
	uint64_t tmo = timeout_of(g, list);

	if (list == s->list) {
		if ((int32_t)(s->expires - (uint32_t)(now + tmo)) >= 0)
			return; /* the timer already runs at least T from now */
		tmo += NAT64_TIMER_SLACK(tmo);
	}
	relink(t, i, list, now + tmo);
}

/* ---- TCP (RFC 6146 3.5.2.2) ---- */

enum tcp_state nat64_tcp_next(enum tcp_state s, bool v6, uint8_t f, bool handle_rst_fin)
{
	switch (s) {
	case TCP_CLOSED:
		return (f & TCPF_SYN) ? (v6 ? TCP_V6_INIT : TCP_V4_INIT) : TCP_CLOSED;
	case TCP_V6_INIT:
		return (!v6 && (f & TCPF_SYN)) ? TCP_ESTABLISHED : s;
	case TCP_V4_INIT:
		return (v6 && (f & TCPF_SYN)) ? TCP_ESTABLISHED : s;
	case TCP_ESTABLISHED:
		if (f & TCPF_RST)
			return TCP_TRANS;
		if (f & TCPF_FIN)
			return v6 ? TCP_V6_FIN_RCV : TCP_V4_FIN_RCV;
		return s;
	case TCP_V4_FIN_RCV:
		if (v6 && (f & TCPF_FIN))
			return TCP_V4_FIN_V6_FIN_RCV;
		return (handle_rst_fin && (f & TCPF_RST)) ? TCP_TRANS : s;
	case TCP_V6_FIN_RCV:
		if (!v6 && (f & TCPF_FIN))
			return TCP_V4_FIN_V6_FIN_RCV;
		return (handle_rst_fin && (f & TCPF_RST)) ? TCP_TRANS : s;
	case TCP_V4_FIN_V6_FIN_RCV:
		return s; /* nothing revives it; it runs out on the transitory timer */
	case TCP_TRANS:
		return (f & TCPF_RST) ? s : TCP_ESTABLISHED;
	}
	return s;
}

/* Apply a segment to a session: new state, and its timer (RFC 6146 3.5.2.2: FIN-FIN is not refreshed). */
static void tcp_update(struct nat64_table *t, const struct nat64_globals *g, uint32_t i, bool v6, uint8_t flags,
		       uint64_t now)
{
	struct session *s = &t->sess[i];
	uint8_t old = s->state;

	s->state = (uint8_t)nat64_tcp_next((enum tcp_state)old, v6, flags, g->handle_rst_during_fin_rcv);
	if (s->state == TCP_V4_FIN_V6_FIN_RCV && old == TCP_V4_FIN_V6_FIN_RCV)
		return;
	if (s->state == TCP_TRANS && old == TCP_TRANS)
		return; /* RST in TRANS: let it run out */
	refresh(t, g, i, IPPROTO_TCP_, now);
}

/* ---- BIB and sessions ---- */

static const struct bib6_key *bib_key(const struct nat64_table *t, uint32_t bib)
{
	return &t->bibs[bib].k6;
}

/* Session i's IPv6-side key, rebuilt from its BIB entry and remote end. */
static void sess_key(const struct nat64_table *t, uint32_t i, struct s6_key *k)
{
	const struct session *s = &t->sess[i];
	const struct bib6_key *b = bib_key(t, s->bib);

	memset(k, 0, sizeof(*k));
	k->proto = b->proto;
	k->port6 = b->port6;
	memcpy(k->addr6, b->addr6, 16);
	k->rport = s->rport;
	k->remote4 = s->remote4;
}

static void bib6_key_of(struct bib6_key *k, uint8_t proto, const uint8_t *a6, uint16_t p6)
{
	memset(k, 0, sizeof(*k));
	k->proto = proto;
	k->port6 = p6;
	memcpy(k->addr6, a6, 16);
}

/* A BIB entry by its IPv6 side; h: hash_b6(k), which the caller keeps for bib_add(). */
static int32_t bib_find6(const struct nat64_table *t, const struct bib6_key *k, uint32_t h)
{
	return rte_hash_lookup_with_hash(t->bib6, k, h);
}

static int32_t bib_find4(const struct nat64_table *t, uint8_t proto, uint32_t a4, uint16_t p4)
{
	struct bib4_key k = { .proto = proto, .port4 = p4, .addr4 = a4 };
	void *data;

	if (rte_hash_lookup_with_hash_data(t->bib4, &k, hash_b4(t, &k), &data) < 0)
		return -1;
	return (int32_t)(uintptr_t)data;
}

static int32_t bib_add(struct nat64_table *t, const struct bib6_key *key6, uint32_t h6, uint32_t a4, uint16_t p4)
{
	struct bib6_key k6 = *key6;
	struct bib4_key k4 = { .proto = k6.proto, .port4 = p4, .addr4 = a4 };

	if (t->n_bib >= t->max)
		return -1;
	int32_t pos = rte_hash_add_key_with_hash(t->bib6, &k6, h6);
	if (pos < 0)
		return -1;
	if ((uint32_t)pos >= t->max) { /* never past the entry array, whatever rte_hash does */
		rte_hash_del_key_with_hash(t->bib6, &k6, h6);
		return -1;
	}
	if (rte_hash_add_key_with_hash_data(t->bib4, &k4, hash_b4(t, &k4), (void *)(uintptr_t)pos) != 0) {
		rte_hash_del_key_with_hash(t->bib6, &k6, h6);
		return -1;
	}
	t->added_b6 |= 1ull << (h6 & 63);
	struct bib *b = &t->bibs[pos];
	b->k6 = k6;
	b->addr4 = a4;
	b->port4 = p4;
	b->head = NIL;
	t->n_bib++;
	return pos;
}

static void bib_del(struct nat64_table *t, uint32_t i)
{
	struct bib *b = &t->bibs[i];
	struct bib6_key k6 = *bib_key(t, i);
	struct bib4_key k4 = { .proto = k6.proto, .port4 = b->port4, .addr4 = b->addr4 };

	rte_hash_del_key_with_hash(t->bib4, &k4, hash_b4(t, &k4));
	rte_hash_del_key_with_hash(t->bib6, &k6, hash_b6(t, &k6));
	b->head = NIL;
	b->k6.proto = 0; /* no packet's key: a burst's BIB position (b6pos) that went stale cannot match */
	t->n_bib--;
}

static void s4_key_of(const struct s6_key *k6, const struct bib *b, struct s4_key *k4)
{
	memset(k4, 0, sizeof(*k4));
	k4->proto = k6->proto;
	k4->rport = k6->rport;
	k4->remote4 = k6->remote4;
	k4->lport = b->port4;
	k4->local4 = b->addr4;
}

/* Session keys as a packet gives them; the hash goes with the key, to the lookup and, on a miss, to sess_add(). */
static void s4_key_mk(struct s4_key *k, uint8_t proto, uint32_t local4, uint16_t lport, uint32_t remote4,
		      uint16_t rport)
{
	memset(k, 0, sizeof(*k));
	k->proto = proto;
	k->lport = lport;
	k->rport = rport;
	k->local4 = local4;
	k->remote4 = remote4;
}

static void s6_key_mk(struct s6_key *k, uint8_t proto, const uint8_t *a6, uint16_t p6, uint32_t remote4,
		      uint16_t rport)
{
	memset(k, 0, sizeof(*k));
	k->proto = proto;
	k->port6 = p6;
	k->rport = rport;
	memcpy(k->addr6, a6, 16);
	k->remote4 = remote4;
}

static int32_t sess_find4(const struct nat64_table *t, const struct s4_key *k, uint32_t h)
{
	void *data;

	if (rte_hash_lookup_with_hash_data(t->s4, k, h, &data) < 0)
		return -1;
	return (int32_t)(uintptr_t)data;
}

static int32_t sess_find6(const struct nat64_table *t, const struct s6_key *k, uint32_t h)
{
	return rte_hash_lookup_with_hash(t->s6, k, h);
}

/* h6 / h4: the hashes of the new session's keys where the caller has them (its lookup's), else NULL. */
static int32_t sess_add(struct nat64_table *t, uint32_t bib, uint32_t remote4, uint16_t rport, uint64_t now,
			const struct nat64_globals *g, const uint32_t *h6p, const uint32_t *h4p)
{
	struct bib *b = &t->bibs[bib];
	const struct bib6_key *bk = bib_key(t, bib);
	struct s6_key k6 = { .proto = bk->proto, .port6 = bk->port6, .rport = rport, .remote4 = remote4 };
	struct s4_key k4;

	if (t->n_sess >= t->max)
		return -1;
	memcpy(k6.addr6, bk->addr6, 16);
	s4_key_of(&k6, b, &k4);
	uint32_t h6 = h6p ? *h6p : hash_s6(t, &k6), h4 = h4p ? *h4p : hash_s4(t, &k4);
	int32_t pos = rte_hash_add_key_with_hash(t->s6, &k6, h6);
	if (pos < 0)
		return -1;
	if ((uint32_t)pos >= t->max) {
		rte_hash_del_key_with_hash(t->s6, &k6, h6);
		return -1;
	}
	if (rte_hash_add_key_with_hash_data(t->s4, &k4, h4, (void *)(uintptr_t)pos) != 0) {
		rte_hash_del_key_with_hash(t->s6, &k6, h6);
		return -1;
	}
	t->added_s6 |= 1ull << (h6 & 63);
	struct session *s = &t->sess[pos];
	s->bib = bib;
	s->remote4 = remote4;
	s->rport = rport;
	s->state = TCP_CLOSED;
	s->prev = s->next = NIL;
	s->bprev = NIL;
	s->bnext = b->head;
	if (b->head != NIL)
		t->sess[b->head].bprev = (uint32_t)pos;
	b->head = (uint32_t)pos;
	uint8_t list = list_of(k6.proto, s->state);
	list_append(t, (uint32_t)pos, list, now + timeout_of(g, list));
	t->n_sess++;
	return pos;
}

static void sess_del(struct nat64_table *t, const struct xlat_config *cfg, uint32_t i)
{
	struct session *s = &t->sess[i];
	struct bib *b = &t->bibs[s->bib];
	struct s6_key k6;
	struct s4_key k4;

	sess_key(t, i, &k6);
	list_unlink(t, i);
	s4_key_of(&k6, b, &k4);
	rte_hash_del_key_with_hash(t->s4, &k4, hash_s4(t, &k4));
	rte_hash_del_key_with_hash(t->s6, &k6, hash_s6(t, &k6));
	if (s->bprev != NIL)
		t->sess[s->bprev].bnext = s->bnext;
	else
		b->head = s->bnext;
	if (s->bnext != NIL)
		t->sess[s->bnext].bprev = s->bprev;
	s->list = LIST_FREE;
	t->n_sess--;
	struct cgn_table *c = cgn_of(t, cfg);
	if (c)
		cgn_session_event(c, cfg, false, k6.proto, k6.addr6, k6.port6, b->addr4, b->port4, k6.remote4, k6.rport);
	/* RFC 6146 3.5: a dynamic BIB entry lives as long as it has sessions; static ones stay. */
	if (b->head == NIL && !static_by6(cfg, k6.proto, k6.addr6, k6.port6)) {
		if (c)
			cgn_bib_event(c, cfg, false, k6.proto, k6.addr6, k6.port6, b->addr4, b->port4);
		bib_del(t, s->bib);
	}
}

/* A BIB entry goes other than with its last session (purge, a refused session). */
static void bib_gone(struct nat64_table *t, const struct xlat_config *cfg, uint32_t i)
{
	struct cgn_table *c = cgn_of(t, cfg);

	if (c) {
		const struct bib6_key *k = bib_key(t, i);
		cgn_bib_event(c, cfg, false, k->proto, k->addr6, k->port6, t->bibs[i].addr4, t->bibs[i].port4);
	}
	bib_del(t, i);
}

unsigned nat64_expire(struct nat64_table *t, const struct xlat_config *cfg, uint64_t now, unsigned budget)
{
	unsigned n = 0, deleted = 0;

	t->now_ms = now;
	if (cgn_of(t, cfg))
		cgn_clock(t->cgn, now);
	for (unsigned l = LIST_FREE + 1; l < N_LISTS && n < budget; l++) {
		while (n < budget && t->lists[l].head != NIL && due(t->sess[t->lists[l].head].expires, now)) {
			uint32_t i = t->lists[l].head;
			struct session *s = &t->sess[i];
			/* Jool: an established TCP session that runs out gets the transitory timer before it goes. */
			if (l == LIST_TCP_EST) {
				s->state = TCP_TRANS;
				list_unlink(t, i);
				list_append(t, i, LIST_TCP_TRANS, now + timeout_of(&cfg->g.nat, LIST_TCP_TRANS));
			} else {
				sess_del(t, cfg, i);
				deleted++;
			}
			n++;
		}
	}
	return deleted; /* sessions gone (an established one moving to TRANS is not one yet) */
}

/* Does the configuration still hold what BIB entry i stands on? (nat64_purge) */
static bool bib_still_valid(const struct nat64_table *t, const struct xlat_config *cfg, uint32_t i)
{
	const struct bib *b = &t->bibs[i];
	const struct bib6_key *k = bib_key(t, i);
	const struct bib_static *s = static_by4(cfg, k->proto, b->addr4, b->port4);

	if (s) /* a static entry owns this IPv4 transport address: it must be this very mapping */
		return s->port6 == k->port6 && memcmp(s->addr6, k->addr6, 16) == 0;
	if (!nat64_pool4_port(cfg, k->proto, b->addr4, b->port4))
		return false;
	/* no longer static: a dynamic entry must be on a port this worker could have allocated */
	int v = cfg->cgn.enabled ? cgn_port_valid(cfg, k->proto, b->addr4, b->port4, t->worker, t->n_workers) : -1;
	if (v >= 0)
		return t->n_workers <= 1 || v;
	return t->n_workers <= 1 || (b->port4 / 2u) % t->n_workers == t->worker;
}

unsigned nat64_purge(struct nat64_table *t, const struct xlat_config *cfg)
{
	uint32_t cap = t->max;
	unsigned n = 0;
	bool again = true;

	for (uint32_t i = 0; i < cap; i++) {
		if (t->sess[i].list == LIST_FREE || bib_still_valid(t, cfg, t->sess[i].bib))
			continue;
		sess_del(t, cfg, i); /* may spare a static BIB entry: the pass below removes it */
		n++;
	}
	/* BIB entries left without sessions: static ones no longer configured (or no longer valid) */
	while (again) {
		const void *key;
		void *data;
		uint32_t it = 0;
		int32_t pos;

		again = false;
		while ((pos = rte_hash_iterate(t->bib6, &key, &data, &it)) >= 0) {
			const struct bib6_key *k = key;
			struct bib *b = &t->bibs[pos];
			const struct bib_static *s = static_by6(cfg, k->proto, k->addr6, k->port6);

			if (b->head == NIL && (!s || s->addr4 != b->addr4 || s->port4 != b->port4 ||
					       !bib_still_valid(t, cfg, (uint32_t)pos))) {
				bib_gone(t, cfg, (uint32_t)pos);
				again = true; /* deleting may move keys within the buckets: walk again */
				break;
			}
		}
	}
	return n;
}

uint32_t nat64_session_next(const struct nat64_table *t, uint32_t pos, struct nat64_session_info *out)
{
	uint32_t cap = t->max;

	for (uint32_t i = pos; i < cap; i++) {
		const struct session *s = &t->sess[i];
		if (s->list == LIST_FREE)
			continue;
		const struct bib *b = &t->bibs[s->bib];
		out->proto = b->k6.proto;
		out->state = s->state;
		memcpy(out->addr6, b->k6.addr6, 16);
		out->port6 = b->k6.port6;
		out->local4 = b->addr4;
		out->lport = b->port4;
		out->remote4 = s->remote4;
		out->rport = s->rport;
		/* the timer is 32-bit ms around the latest time the table saw */
		out->expires_ms = t->now_ms + (int64_t)(int32_t)(s->expires - (uint32_t)t->now_ms);
		return i + 1;
	}
	return 0;
}

/* ---- pool4 allocation ---- */

/* RFC 6056 algorithm 3 flavour: a keyed hash of what f-args selects picks where the search starts. */
static uint32_t fargs_hash(const struct nat64_globals *g, const uint8_t *src6, uint16_t sport, uint32_t dst4,
			   uint16_t dport)
{
	uint32_t h = 0x6056;

	if (g->f_args & 8)
		h = rte_jhash(src6, 16, h);
	if (g->f_args & 4)
		h = rte_jhash_1word(sport, h);
	if (g->f_args & 2)
		h = rte_jhash_1word(dst4, h);
	if (g->f_args & 1)
		h = rte_jhash_1word(dport, h);
	return h;
}

/* Try one address of one pool4 entry; ports owned by this worker, same parity as sport. */
static int try_addr(struct nat64_table *t, const struct xlat_config *cfg, const struct pool4_entry *e, uint32_t a4,
		    uint16_t sport, uint32_t start, uint16_t *p4)
{
	uint32_t n = t->n_workers, w = t->worker;
	uint32_t parity = sport & 1;
	uint32_t lo = e->port_min, hi = e->port_max;

	if (e->proto == IPPROTO_ICMP_) {
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
	/* Owned pairs: first_pair <= q <= last_pair with q % n == w. */
	uint32_t q0 = first_pair + ((w + n - first_pair % n) % n);
	if (q0 > last_pair)
		return -1;
	uint32_t owned = (last_pair - q0) / n + 1;
	uint32_t tries = e->max_iterations ? e->max_iterations : (owned < 4096 ? owned * (parity == 2 ? 2 : 1) : 4096);
	/*
	 * RFC 6056 3.3.3: the search starts where the last one for this F() bucket ended, so
	 * that the flows of one host to one server port (f-args 11 leaves the source port out)
	 * do not all walk over the same taken ports and give up after max-iterations.
	 */
	uint16_t *next = &t->alg3[start % 1024u];
	uint32_t k = (start + *next) % owned;
	/*
	 * RFC 4787 REQ-4 / RFC 6146 3.5.1.1: parity is kept where it can be (a
	 * RECOMMENDED); when this address has no port of that parity left, the
	 * other parity is used rather than another address (RFC 6888 REQ-2,
	 * paired pooling, weighs more).
	 */
	unsigned passes = parity == 2 ? 1 : 2;
	for (unsigned pass = 0; pass < passes; pass++, parity ^= 1) {
		for (uint32_t i = 0; i < tries; i++) {
			uint32_t q = q0 + ((k + i) % owned) * n;
			uint32_t port = q * 2 + (parity == 2 ? (i / owned) & 1 : parity);
			if (port < lo || port > hi || port == 0)
				continue;
			if (bib_find4(t, e->proto, a4, (uint16_t)port) < 0 &&
			    !static_by4(cfg, e->proto, a4, (uint16_t)port)) {
				*next = (uint16_t)(*next + i + 1);
				*p4 = (uint16_t)port;
				return 0;
			}
		}
	}
	return -1;
}

/* lib/cgn.c's question while it searches a block or a deterministic range: is this port free? */
static bool port_free(void *arg, uint8_t proto, uint32_t a4, uint16_t p4)
{
	const struct nat64_table *t = arg;

	return bib_find4(t, proto, a4, p4) < 0;
}

/*
 * RFC 6888 REQ-2 (paired pooling): an IPv6 source always starts at the same
 * pool4 address (a hash of it), and only moves on when that one is full.
 */
static int alloc4(struct nat64_table *t, const struct xlat_config *cfg, uint8_t proto, const uint8_t *src6,
		  uint16_t sport, uint32_t dst4, uint16_t dport, uint32_t *a4, uint16_t *p4)
{
	uint32_t total = 0;

	for (unsigned i = 0; i < cfg->n_pool4; i++)
		if (cfg->pool4[i].proto == proto)
			total += 1u << (32 - cfg->pool4[i].plen);
	if (total == 0)
		return -1;
	uint32_t pick = rte_jhash(src6, 16, 0x2e0) % total;
	uint32_t start = fargs_hash(&cfg->g.nat, src6, sport, dst4, dport);
	for (uint32_t tried = 0; tried < total && tried < 256; tried++) {
		uint32_t idx = (pick + tried) % total;
		for (unsigned i = 0; i < cfg->n_pool4; i++) {
			const struct pool4_entry *e = &cfg->pool4[i];
			if (e->proto != proto)
				continue;
			uint32_t size = 1u << (32 - e->plen);
			if (idx >= size) {
				idx -= size;
				continue;
			}
			uint32_t addr = e->addr | __builtin_bswap32(idx);
			if (try_addr(t, cfg, e, addr, sport, start, p4) == 0) {
				*a4 = addr;
				return 0;
			}
			break;
		}
	}
	return -1;
}

/* ---- the translation paths' entry points ---- */

static bool so_claim(struct nat64_table *t, uint32_t remote4, uint16_t rport, uint32_t *local4, uint16_t *lport);

/* ---- burst lookups: the sessions of a whole burst looked up at once, their memory fetched in parallel ---- */

/* The 6->4 session key of an IPv6 packet NAT64 would look up (false: not a plain query/datagram). */
static bool burst_key6(const struct xlat_config *cfg, const uint8_t *ip, uint32_t len, struct s6_key *k)
{
	uint8_t proto = ip[6] == IPPROTO_ICMPV6_ ? IPPROTO_ICMP_ : ip[6];
	uint16_t sport, dport;
	uint8_t flags;
	uint32_t dst4;

	if (len < 48 || (ip[0] >> 4) != 6 || !cfg->g.pool6_set ||
	    !l4_ports(proto, ip + 40, len - 40, &sport, &dport, &flags) || rfc6052_6to4(&cfg->g.pool6, ip + 24, &dst4) != 0)
		return false;
	memset(k, 0, sizeof(*k));
	k->proto = proto;
	k->port6 = sport;
	k->rport = proto == IPPROTO_ICMP_ ? 0 : dport;
	memcpy(k->addr6, ip + 8, 16);
	k->remote4 = dst4;
	return true;
}

/* The 4->6 session key of an IPv4 packet (unfragmented, or a first fragment). */
static bool burst_key4(const uint8_t *ip, uint32_t len, struct s4_key *k)
{
	uint32_t ihl = (ip[0] & 15u) * 4u;
	uint16_t sport, dport;
	uint8_t flags;

	if ((ip[0] >> 4) != 4 || ihl < 20 || len < ihl + 8 || (rd16(ip + 6) & 0x1fff) != 0 ||
	    !l4_ports(ip[9], ip + ihl, len - ihl, &sport, &dport, &flags))
		return false;
	memset(k, 0, sizeof(*k));
	k->proto = ip[9];
	k->lport = dport;
	k->rport = ip[9] == IPPROTO_ICMP_ ? 0 : sport;
	memcpy(&k->local4, ip + 16, 4);
	memcpy(&k->remote4, ip + 12, 4);
	return true;
}

void nat64_lookup_burst(struct xlat_ctx *ctx, const uint8_t *const l3[], const uint32_t len[], unsigned n)
{
	struct nat64_table *t = ctx->nat;
	struct s4_key k4[NAT64_BURST_MAX];
	const void *p6[NAT64_BURST_MAX], *p4[NAT64_BURST_MAX];
	uint8_t at6[NAT64_BURST_MAX], at4[NAT64_BURST_MAX];
	int32_t pos6[NAT64_BURST_MAX];
	void *data4[NAT64_BURST_MAX];
	uint32_t h6[NAT64_BURST_MAX], h4[NAT64_BURST_MAX];
	uint64_t hits4 = 0;
	unsigned n6 = 0, n4 = 0;

	if (n > NAT64_BURST_MAX)
		n = NAT64_BURST_MAX;
	t->hint_n = n;
	t->hint_cur = -1;
	t->hint_idx = -1;
	t->miss6 = t->added_s6 = t->added_b6 = 0;
	for (unsigned i = 0; i < n; i++) {
		t->hint[i] = -1;
		if (!l3[i] || len[i] < 20)
			continue;
		if (burst_key6(ctx->cfg, l3[i], len[i], &t->bkey6[i])) {
			p6[n6] = &t->bkey6[i];
			h6[n6] = t->bh6[i] = hash_s6(t, &t->bkey6[i]);
			at6[n6++] = (uint8_t)i;
		} else if (burst_key4(l3[i], len[i], &k4[n4])) {
			p4[n4] = &k4[n4];
			h4[n4] = hash_s4(t, &k4[n4]);
			at4[n4++] = (uint8_t)i;
		}
	}
	/* rte_hash's bulk lookups prefetch buckets and keys for the whole burst */
	if (n6 && rte_hash_lookup_with_hash_bulk(t->s6, p6, h6, n6, pos6) == 0) {
		struct bib6_key kb[NAT64_BURST_MAX];
		const void *pb[NAT64_BURST_MAX];
		uint32_t hb[NAT64_BURST_MAX];
		int32_t posb[NAT64_BURST_MAX];
		uint8_t atb[NAT64_BURST_MAX];
		unsigned nb = 0;
		for (unsigned j = 0; j < n6; j++) {
			unsigned i = at6[j];
			if (pos6[j] >= 0 && (uint32_t)pos6[j] < t->max) {
				t->hint[i] = pos6[j];
				rte_prefetch0(&t->sess[pos6[j]]);
			} else if (pos6[j] < 0) { /* a new flow (or one to refuse): its BIB entry, in bulk too */
				const struct s6_key *k = &t->bkey6[i];
				t->miss6 |= 1ull << i;
				t->b6pos[i] = -2;
				bib6_key_of(&kb[nb], k->proto, k->addr6, k->port6);
				pb[nb] = &kb[nb];
				hb[nb] = t->bhb6[i] = hash_b6(t, &kb[nb]);
				atb[nb++] = (uint8_t)i;
			}
		}
		if (nb && rte_hash_lookup_with_hash_bulk(t->bib6, pb, hb, nb, posb) == 0)
			for (unsigned j = 0; j < nb; j++)
				t->b6pos[atb[j]] = posb[j] >= 0 && (uint32_t)posb[j] < t->max ? posb[j] : -1;
	}
	if (n4 && rte_hash_lookup_with_hash_bulk_data(t->s4, p4, h4, n4, &hits4, data4) >= 0)
		for (unsigned j = 0; j < n4; j++)
			if ((hits4 >> j) & 1) {
				uint32_t si = (uint32_t)(uintptr_t)data4[j];
				t->hint[at4[j]] = (int32_t)si;
				rte_prefetch0(&t->sess[si]);
			}
	/* then, as the session lines arrive, the BIB entries (a refresh seldom relinks: its neighbours can wait) */
	for (unsigned i = 0; i < n; i++)
		if (t->hint[i] >= 0)
			rte_prefetch0(&t->bibs[t->sess[t->hint[i]].bib]);
}

void nat64_hint(struct xlat_ctx *ctx, unsigned i)
{
	struct nat64_table *t = ctx->nat;

	t->hint_cur = i < t->hint_n ? t->hint[i] : -1;
	t->hint_idx = i < t->hint_n ? (int)i : -1;
}

/* A hint is used once, and only if its session is still this flow's (sessions may have gone since). */
static inline int32_t take_hint(struct nat64_table *t, int *idx)
{
	int32_t h = t->hint_cur;

	*idx = t->hint_idx;
	t->hint_cur = -1;
	t->hint_idx = -1;
	return h;
}

static bool hint_is6(const struct nat64_table *t, int32_t si, uint8_t proto, const uint8_t *a6, uint16_t p6,
		     uint32_t remote4, uint16_t rport)
{
	const struct session *s = &t->sess[si];
	const struct bib *b = &t->bibs[s->bib];

	return s->list != LIST_FREE && s->remote4 == remote4 && s->rport == rport && b->k6.proto == proto &&
	       b->k6.port6 == p6 && memcmp(b->k6.addr6, a6, 16) == 0;
}

static bool hint_is4(const struct nat64_table *t, int32_t si, uint8_t proto, uint32_t local4, uint16_t lport,
		     uint32_t remote4, uint16_t rport)
{
	const struct session *s = &t->sess[si];
	const struct bib *b = &t->bibs[s->bib];

	return s->list != LIST_FREE && s->remote4 == remote4 && s->rport == rport && b->addr4 == local4 &&
	       b->port4 == lport && b->k6.proto == proto;
}

int nat64_out(struct xlat_ctx *ctx, uint8_t proto, const uint8_t *src6, uint16_t sport, uint32_t dst4,
	      uint16_t dport, uint8_t flags, uint32_t *src4, uint16_t *sport4)
{
	struct nat64_table *t = ctx->nat;
	const struct xlat_config *cfg = ctx->cfg;
	const struct nat64_globals *g = &cfg->g.nat;
	uint64_t now = ctx->now_ns / 1000000u;
	uint16_t rport = proto == IPPROTO_ICMP_ ? 0 : dport;

	struct s6_key sk;
	uint32_t sh = 0;
	int ci;
	bool known = false; /* the burst lookup found no session for this very key, and none came since */
	int32_t si = take_hint(t, &ci);
	if (si < 0 || !hint_is6(t, si, proto, src6, sport, dst4, rport)) {
		s6_key_mk(&sk, proto, src6, sport, dst4, rport);
		if (ci >= 0 && ((t->miss6 >> ci) & 1) && !((t->added_s6 >> (t->bh6[ci] & 63)) & 1) &&
		    memcmp(&sk, &t->bkey6[ci], sizeof(sk)) == 0) {
			sh = t->bh6[ci];
			si = -1;
			known = true;
		} else {
			sh = hash_s6(t, &sk);
			si = sess_find6(t, &sk, sh); /* a miss: sk and sh go on to sess_add() */
		}
	}
	if (si >= 0) {
		const struct bib *b = &t->bibs[t->sess[si].bib];
		if (proto == IPPROTO_TCP_)
			tcp_update(t, g, (uint32_t)si, true, flags, now);
		else
			refresh(t, g, (uint32_t)si, proto, now);
		*src4 = b->addr4;
		*sport4 = b->port4;
		return XSTAT_MAX;
	}
	/* RFC 6146 3.5.2.2: only a SYN opens a TCP session from the IPv6 side. */
	if (proto == IPPROTO_TCP_ && !(flags & TCPF_SYN))
		return JSTAT_SYN6_EXPECTED;
	/* src6 may point into the frame (2-byte aligned behind Ethernet): rte_jhash (fargs_hash) reads words */
	uint32_t src6_words[4];
	memcpy(src6_words, src6, 16);
	src6 = (const uint8_t *)src6_words;
	struct cgn_table *c = cgn_of(t, cfg);
	int r;
	if (c) { /* RFC 6888 REQ-4: the subscriber's limits, before anything is taken */
		cgn_clock(c, now);
		if ((r = cgn_admit_session(c, cfg, proto, src6)) != XSTAT_MAX)
			return r;
	}
	struct bib6_key bk;
	bib6_key_of(&bk, proto, src6, sport);
	uint32_t bh;
	int32_t bi;
	if (known && t->b6pos[ci] != -2) { /* the burst looked the BIB entry up too: still so? */
		bh = t->bhb6[ci];
		bi = t->b6pos[ci];
		if (bi >= 0 ? memcmp(&t->bibs[bi].k6, &bk, sizeof(bk)) != 0 : ((t->added_b6 >> (bh & 63)) & 1) != 0)
			bi = bib_find6(t, &bk, bh);
	} else {
		bh = hash_b6(t, &bk);
		bi = bib_find6(t, &bk, bh);
	}
	if (bi < 0) {
		const struct bib_static *sb = static_by6(cfg, proto, src6, sport);
		uint32_t a4;
		uint16_t p4;
		if (sb) {
			a4 = sb->addr4;
			p4 = sb->port4;
		} else if (proto == IPPROTO_TCP_ && (flags & TCPF_SYN) && so_claim(t, dst4, dport, &a4, &p4) &&
			   bib_find4(t, proto, a4, p4) < 0) {
			/* simultaneous open: the BIB takes the address and port the stored IPv4 SYN was sent to */
			count(ctx, XLAT_SO_OPENED);
		} else if (c && (r = cgn_admit_bib(c, cfg, proto, src6)) != XSTAT_MAX) {
			return r;
		} else if (c && (r = cgn_alloc(c, cfg, proto, src6, sport, fargs_hash(g, src6, sport, dst4, dport),
					       port_free, t, &a4, &p4)) != 1) {
			if (r != 0) /* port blocks or deterministic NAT: their answer is final */
				return r;
		} else if (alloc4(t, cfg, proto, src6, sport, dst4, dport, &a4, &p4) != 0) {
			return XLAT_POOL4_EXHAUSTED;
		}
		bi = bib_add(t, &bk, bh, a4, p4);
		if (bi < 0)
			return XLAT_NAT64_TABLE_FULL;
		count(ctx, XLAT_NAT64_BIB_CREATED);
		if (c)
			cgn_bib_event(c, cfg, true, proto, src6, sport, a4, p4);
	}
	si = sess_add(t, (uint32_t)bi, dst4, rport, now, g, &sh, NULL);
	if (si < 0) {
		if (t->bibs[bi].head == NIL && !static_by6(cfg, proto, src6, sport))
			bib_gone(t, cfg, (uint32_t)bi);
		return XLAT_NAT64_TABLE_FULL;
	}
	count(ctx, XLAT_NAT64_SESSION_CREATED);
	if (c)
		cgn_session_event(c, cfg, true, proto, src6, sport, t->bibs[bi].addr4, t->bibs[bi].port4, dst4, rport);
	if (proto == IPPROTO_TCP_)
		tcp_update(t, g, (uint32_t)si, true, flags, now);
	*src4 = t->bibs[bi].addr4;
	*sport4 = t->bibs[bi].port4;
	return XSTAT_MAX;
}

/*
 * RFC 6146 3.5.2.2: an IPv4 SYN with no BIB entry is kept (its first bytes) for
 * 6 s; an IPv6 SYN of the same connection in that time completes a simultaneous
 * open, else ICMP port unreachable goes back (nat64_so_expired). The caller
 * copies the packet in with nat64_so_keep() when this returns JSTAT_TYPE1PKT.
 */
static int so_store(struct nat64_table *t, const struct nat64_globals *g, uint32_t remote4, uint16_t rport,
		    uint32_t local4, uint16_t lport, uint64_t now)
{
	unsigned max = g->max_simultaneous_opens < SO_MAX ? g->max_simultaneous_opens : SO_MAX, used = 0;
	struct stored_syn *free_slot = NULL;

	for (unsigned i = 0; i < SO_MAX; i++) {
		struct stored_syn *e = &t->so[i];
		if (!e->used) {
			if (!free_slot)
				free_slot = e;
			continue;
		}
		used++;
		if (e->remote4 == remote4 && e->rport == rport && e->local4 == local4 && e->lport == lport)
			return JSTAT_SO_EXISTS;
	}
	if (used >= max || !free_slot)
		return JSTAT_SO_FULL;
	memset(free_slot, 0, sizeof(*free_slot));
	free_slot->used = true;
	free_slot->remote4 = remote4;
	free_slot->rport = rport;
	free_slot->local4 = local4;
	free_slot->lport = lport;
	free_slot->expires_ms = now + SO_TIMEOUT_MS;
	t->so_last = free_slot;
	return JSTAT_TYPE1PKT;
}

void nat64_so_keep(struct xlat_ctx *ctx, const uint8_t *pkt, uint32_t len)
{
	struct stored_syn *e = ctx->nat->so_last;

	if (!e)
		return;
	e->len = (uint16_t)(len < SO_BYTES ? len : SO_BYTES);
	memcpy(e->pkt, pkt, e->len);
	ctx->nat->so_last = NULL;
}

uint32_t nat64_so_expired(struct nat64_table *t, uint64_t now_ms, uint8_t *out)
{
	for (unsigned i = 0; i < SO_MAX; i++) {
		struct stored_syn *e = &t->so[i];
		if (e->used && e->expires_ms <= now_ms) {
			e->used = false;
			memcpy(out, e->pkt, e->len);
			return e->len;
		}
	}
	return 0;
}

/* An IPv6 SYN towards remote4:rport: was an IPv4 SYN from there waiting? Take it, and its pool4 port. */
static bool so_claim(struct nat64_table *t, uint32_t remote4, uint16_t rport, uint32_t *local4, uint16_t *lport)
{
	for (unsigned i = 0; i < SO_MAX; i++) {
		struct stored_syn *e = &t->so[i];
		if (e->used && e->remote4 == remote4 && e->rport == rport) {
			e->used = false;
			*local4 = e->local4;
			*lport = e->lport;
			return true;
		}
	}
	return false;
}

/* ADF (RFC 4787): does any session of this BIB talk to that remote address? (the BIB's own sessions only) */
static bool adf_allows(const struct nat64_table *t, int32_t bib, uint32_t remote4)
{
	for (uint32_t i = t->bibs[bib].head; i != NIL; i = t->sess[i].bnext)
		if (t->sess[i].remote4 == remote4)
			return true;
	return false;
}

/* Where 4->6 traffic of BIB entry bi goes. */
static void bib_v6side(const struct nat64_table *t, uint32_t bi, uint8_t a6[16], uint16_t *p6)
{
	const struct bib6_key *k = bib_key(t, bi);

	memcpy(a6, k->addr6, 16);
	*p6 = k->port6;
}

int nat64_in(struct xlat_ctx *ctx, uint8_t proto, uint32_t src4, uint16_t sport, uint32_t dst4, uint16_t dport,
	     uint8_t flags, uint8_t dst6[16], uint16_t *dport6)
{
	struct nat64_table *t = ctx->nat;
	const struct xlat_config *cfg = ctx->cfg;
	const struct nat64_globals *g = &cfg->g.nat;
	uint64_t now = ctx->now_ns / 1000000u;
	uint16_t rport = proto == IPPROTO_ICMP_ ? 0 : sport;

	struct s4_key sk;
	uint32_t sh = 0;
	int ci;
	int32_t si = take_hint(t, &ci);
	if (si < 0 || !hint_is4(t, si, proto, dst4, dport, src4, rport)) {
		s4_key_mk(&sk, proto, dst4, dport, src4, rport);
		sh = hash_s4(t, &sk);
		si = sess_find4(t, &sk, sh); /* a miss: sh goes on to sess_add() */
	}
	if (si >= 0) {
		const struct bib6_key *k = bib_key(t, t->sess[si].bib);
		if (proto == IPPROTO_TCP_)
			tcp_update(t, g, (uint32_t)si, false, flags, now);
		else
			refresh(t, g, (uint32_t)si, proto, now);
		memcpy(dst6, k->addr6, 16);
		*dport6 = k->port6;
		return XSTAT_MAX;
	}
	int32_t bi = bib_find4(t, proto, dst4, dport);
	if (bi < 0) {
		const struct bib_static *sb = static_by4(cfg, proto, dst4, dport);
		if (!sb) {
			if (proto != IPPROTO_TCP_ || !(flags & TCPF_SYN))
				return JSTAT_BIB4_NOT_FOUND;
			return g->drop_externally_initiated_tcp ? JSTAT_V4_SYN : so_store(t, g, src4, sport, dst4, dport, now);
		}
		struct bib6_key bk;
		bib6_key_of(&bk, proto, sb->addr6, sb->port6);
		bi = bib_add(t, &bk, hash_b6(t, &bk), sb->addr4, sb->port4);
		if (bi < 0)
			return XLAT_NAT64_TABLE_FULL;
		count(ctx, XLAT_NAT64_BIB_CREATED); /* a static entry enters the table as a dynamic one does */
		if (cgn_of(t, cfg))
			cgn_bib_event(t->cgn, cfg, true, proto, sb->addr6, sb->port6, sb->addr4, sb->port4);
	} else if (g->address_dependent_filtering && !adf_allows(t, bi, src4)) {
		return JSTAT_ADF;
	}
	if (proto == IPPROTO_TCP_) {
		if (g->drop_externally_initiated_tcp)
			return JSTAT_V4_SYN;
		if (!(flags & TCPF_SYN))
			return JSTAT_SYN4_EXPECTED;
	}
	struct cgn_table *c = cgn_of(t, cfg);
	const struct bib6_key *bk = c ? bib_key(t, (uint32_t)bi) : NULL;
	if (c) { /* sessions from the IPv4 side count against the subscriber too (RFC 6888 REQ-4) */
		int r;
		cgn_clock(c, now);
		if ((r = cgn_admit_session(c, cfg, proto, bk->addr6)) != XSTAT_MAX)
			return r;
	}
	si = sess_add(t, (uint32_t)bi, src4, rport, now, g, NULL, &sh);
	if (si < 0)
		return XLAT_NAT64_TABLE_FULL;
	count(ctx, XLAT_NAT64_SESSION_CREATED);
	if (c)
		cgn_session_event(c, cfg, true, proto, bk->addr6, bk->port6, dst4, dport, src4, rport);
	if (proto == IPPROTO_TCP_)
		tcp_update(t, g, (uint32_t)si, false, flags, now);
	bib_v6side(t, (uint32_t)bi, dst6, dport6);
	return XSTAT_MAX;
}

/*
 * ICMP errors (RFC 6146 3.5.3 via 3.4): the quoted packet must belong to a
 * session (a BIB entry alone would let any host send errors), else to a
 * static BIB entry.
 */
int nat64_find_in(struct xlat_ctx *ctx, uint8_t proto, uint32_t local4, uint16_t lport, uint32_t remote4,
		  uint16_t rport, uint8_t a6[16], uint16_t *p6)
{
	struct s4_key k;
	s4_key_mk(&k, proto, local4, lport, remote4, proto == IPPROTO_ICMP_ ? 0 : rport);
	int32_t si = sess_find4(ctx->nat, &k, hash_s4(ctx->nat, &k));

	if (si >= 0) {
		const struct bib6_key *k = bib_key(ctx->nat, ctx->nat->sess[si].bib);
		memcpy(a6, k->addr6, 16);
		*p6 = k->port6;
		return 0;
	}
	const struct bib_static *sb = static_by4(ctx->cfg, proto, local4, lport);
	if (!sb)
		return -1;
	memcpy(a6, sb->addr6, 16);
	*p6 = sb->port6;
	return 0;
}

int nat64_find_out(struct xlat_ctx *ctx, uint8_t proto, const uint8_t *a6, uint16_t p6, uint32_t remote4,
		   uint16_t rport, uint32_t *local4, uint16_t *lport)
{
	struct s6_key k;
	s6_key_mk(&k, proto, a6, p6, remote4, proto == IPPROTO_ICMP_ ? 0 : rport);
	int32_t si = sess_find6(ctx->nat, &k, hash_s6(ctx->nat, &k));

	if (si >= 0) {
		*local4 = ctx->nat->bibs[ctx->nat->sess[si].bib].addr4;
		*lport = ctx->nat->bibs[ctx->nat->sess[si].bib].port4;
		return 0;
	}
	const struct bib_static *sb = static_by6(ctx->cfg, proto, a6, p6);
	if (!sb)
		return -1;
	*local4 = sb->addr4;
	*lport = sb->port4;
	return 0;
}

/* ---- fragments ---- */

static void frag_key(struct frag_key *k, int family, uint8_t proto, uint32_t id, const uint8_t *src,
		     const uint8_t *dst)
{
	memset(k, 0, sizeof(*k));
	k->family = (uint8_t)family;
	k->proto = proto;
	k->id = id;
	memcpy(k->src, src, family == 6 ? 16 : 4);
	memcpy(k->dst, dst, family == 6 ? 16 : 4);
}

void nat64_frag_put(struct xlat_ctx *ctx, int family, uint8_t proto, uint32_t id, const uint8_t *src,
		    const uint8_t *dst, uint32_t a4, const uint8_t *a6)
{
	struct nat64_table *t = ctx->nat;
	struct frag_key k;

	frag_key(&k, family, proto, id, src, dst);
	if (t->frag_n >= FRAG_MAX) { /* full: the oldest datagram's entry goes */
		struct frag_key old;
		const void *kp;
		void *dp;
		int32_t pos = t->frag_fifo[t->frag_head];
		if (rte_hash_get_key_with_position(t->frag, pos, (void **)&kp) == 0) {
			memcpy(&old, kp, sizeof(old));
			rte_hash_del_key(t->frag, &old);
		}
		(void)dp;
		t->frag_head = (t->frag_head + 1) % FRAG_MAX;
		t->frag_n--;
	}
	int32_t pos = rte_hash_add_key(t->frag, &k);
	if (pos < 0)
		return;
	if (pos >= FRAG_MAX) {
		rte_hash_del_key(t->frag, &k);
		return;
	}
	struct frag_val *v = &t->fvals[pos];
	v->a4 = a4;
	if (a6)
		memcpy(v->a6, a6, 16);
	v->expires_ms = ctx->now_ns / 1000000u + FRAG_TIMEOUT_MS;
	t->frag_fifo[(t->frag_head + t->frag_n) % FRAG_MAX] = pos;
	t->frag_n++;
}

int nat64_frag_get(struct xlat_ctx *ctx, int family, uint8_t proto, uint32_t id, const uint8_t *src,
		   const uint8_t *dst, uint32_t *a4, uint8_t *a6)
{
	struct nat64_table *t = ctx->nat;
	struct frag_key k;

	frag_key(&k, family, proto, id, src, dst);
	int32_t pos = rte_hash_lookup(t->frag, &k);
	if (pos < 0 || t->fvals[pos].expires_ms < ctx->now_ns / 1000000u)
		return -1;
	*a4 = t->fvals[pos].a4;
	if (a6)
		memcpy(a6, t->fvals[pos].a6, 16);
	return 0;
}
