/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The NAT64 session store (RFC 6146 3.1, 3.2): one worker's BIB and session
 * tables, their memory layout and the small operations on them that the NAT64
 * files share (nat64_db.c keeps the rest). Internal to lib/: the dataplane and
 * the control plane see struct nat64_table only through nat64.h.
 *
 * Layout (doc/performance.md, "The session store"): a session is one cache
 * line holding both of its 5-tuples (its BIB entry's sides copied in), so a
 * packet of either direction reads the bucket line of one index and that line;
 * BIB entries (32 bytes) are read only where sessions are made or go. Four
 * hash indexes (nat64_db_index.h) find them: sessions by their IPv6-side and
 * IPv4-side 5-tuples, BIB entries by either side. Entries come from FIFO free
 * rings, so that, at a steady state of new flows, sessions are made, listed
 * for expiry and freed in the same order, which is memory order.
 *
 * Two single points for what a session's life is made of: nat64_sess_add()
 * (every session enters there, from either side of the NAT, or as a copy from
 * a peer) and nat64_sess_notify() (creation, TCP state change, deletion).
 */
#ifndef XLAT_NAT64_DB_H
#define XLAT_NAT64_DB_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_hash.h>
#include <rte_prefetch.h>

#include "bytes.h"
#include "cgn.h"
#include "ip_hdr.h"
#include "nat64.h"
#include "nat64_pool4.h"
#include "nat64_usage.h"
#include "nat64_db_index.h"
#include "xlat.h"

/* Expiry lists; LIST_FREE marks an unused session slot. */
enum { LIST_FREE, LIST_UDP, LIST_ICMP, LIST_TCP_EST, LIST_TCP_TRANS, N_LISTS };
#define NIL UINT32_MAX

/*
 * A session: 64 bytes, one line, aligned. Memory per session is the budget
 * (<= 256 bytes at 1M, each session with its own BIB entry: 64 here, 32 for
 * the BIB entry, 4 x 16 in the indexes' buckets, 8 in the free rings).
 */
struct session {
	uint8_t a6[16];   /* the IPv6 host (its BIB entry's) */
	uint32_t remote4; /* the IPv4 peer */
	uint32_t a4;      /* the pool4 address (its BIB entry's) */
	uint16_t p6, rport;
	uint16_t p4;
	uint8_t proto;
	uint8_t state : 4; /* enum tcp_state for TCP */
	uint8_t list : 4;  /* LIST_FREE when unused */
	uint32_t bib;
	uint32_t expires;      /* ms, wrapping: see due() */
	uint32_t prev, next;   /* expiry list */
	uint32_t bprev, bnext; /* the BIB's sessions */
	uint32_t h6, h4;       /* the low 32 bits of its two index hashes (deletion, expiry's prefetch) */
} __attribute__((aligned(64)));

_Static_assert(sizeof(struct session) == 64, "a session is one cache line");

/* A BIB entry (RFC 6146 3.1): 32 bytes, two to a line. */
struct bib {
	uint8_t a6[16];
	uint32_t a4;
	uint16_t p6, p4;
	uint32_t head; /* its sessions (bprev/bnext): ADF and "last session gone" without a walk */
	uint8_t proto; /* 0: unused */
	uint8_t pad[3];
};

_Static_assert(sizeof(struct bib) == 32, "two BIB entries to a line");

/* A flow as the store keys it: one side or both (ports and ids in host order, addresses in network order). */
struct nat64_key {
	uint8_t a6[16];
	uint32_t a4, remote4;
	uint16_t p6, p4, rport;
	uint8_t proto;
};

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

/* A ring of free entry numbers, oldest freed first. */
struct free_ring {
	uint32_t *v;
	uint32_t head, n; /* the next to hand out, how many there are */
};

#define HK_WORDS 15 /* the hash coefficients (hash_*) */

/*
 * The flows seen last, per direction: direct-mapped, 16384 slots of (a 32-bit
 * check, the session's number), 128 KiB each, filled where a lookup finds a
 * session and where one is made. A packet whose slot holds its check takes
 * that session as its hint (nat64_lookup_burst), which its lookup then
 * confirms on the session's own line (hint_is6/4): one multiply and one load
 * where the index costs a 7-word hash and a probe. A stale or foreign slot
 * only costs the index lookup it would have cost anyway. Not the index's
 * multiply-shift: a cache whose slots attackers can make collide only misses.
 */
#define RECENT_BITS 14
#define RECENT_SLOTS (1u << RECENT_BITS)

struct nat64_table {
	struct session *sess;
	struct bib *bibs;
	struct idx s6, s4, b6, b4; /* sessions by either 5-tuple, BIB entries by either side */
	struct free_ring sfree, bfree;
	struct fifo lists[N_LISTS];
	uint32_t n_sess, n_bib, max;
	unsigned worker, n_workers;
	uint32_t rand;
	uint64_t hk[HK_WORDS + 1]; /* the indexes' hash coefficients (hash_*) */
	/* Fragment tracking ("virtual reassembly"): what a datagram's first fragment mapped to, for the rest. */
	struct rte_hash *frag;
	struct frag_val *fvals;
	/* RFC 6146 3.5.2.2: IPv4-initiated SYNs held 6 s for a simultaneous open. */
	struct stored_syn so[SO_MAX];
	int32_t *frag_fifo; /* insertion order, for eviction */
	uint32_t frag_head, frag_n;
	struct stored_syn *so_last;
	unsigned so_used; /* stored SYNs held */
	struct cgn_table *cgn; /* carrier-grade NAT64 (lib/cgn.h), when configured at start; else NULL */
	/* HA (nat64_sync.h): where this table's session events go (NULL: nowhere), and those a full ring lost */
	struct rte_ring *sync_ring;
	uint64_t sync_drops;
	bool listened; /* cgn or sync_ring attached: nat64_sess_notify() calls nat64_sess_event() */
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
	 * bit went in since (added_s6 / added_b6: 256-bit filters, added_bit(),
	 * cleared every burst; with 64 bits, a burst of 32 new flows found a third
	 * of its later misses' bits set and looked them up again).
	 */
	struct nat64_key bkey[NAT64_BURST_MAX];
	uint64_t bh6[NAT64_BURST_MAX], bhb6[NAT64_BURST_MAX], brh6[NAT64_BURST_MAX]; /* brh6: recent_hash6 */
	int32_t b6pos[NAT64_BURST_MAX];
	/* their pool4 candidates, and their IPv4 side guessed (bg4 0: none) with the session's hash_s4 there
	 * (nat64_burst.c: guess4_ask, guess4_pick) */
	struct nat64_cand bcand[NAT64_BURST_MAX];
	uint32_t bg4[NAT64_BURST_MAX];
	uint16_t bgp4[NAT64_BURST_MAX];
	uint64_t bgh4[NAT64_BURST_MAX];
	uint64_t miss6, added_s6[4], added_b6[4];
	int hint_idx;
	/* RFC 6056 algorithm 3's table: how far past its F() offset a tuple's next port search starts */
	uint16_t alg3[1024];
	/* the pairs of ports this worker owns in the port range last searched (nat64_pool4.c: try_addr) */
	struct nat64_owned {
		uint32_t lo, hi;     /* the range (lo > hi: none yet) */
		uint32_t q0, owned;  /* its first owned pair, how many */
	} owned;
	/* issue 19: occupancy by protocol and pool4 address, for the control plane (nat64_usage.h) */
	struct nat64_usage use;
	/* The flows seen last, by a cheap hash of their 5-tuple (recent_*): the burst lookup's first guess */
	uint64_t recent6[RECENT_SLOTS], recent4[RECENT_SLOTS];
};

/*
 * The indexes' hash: vector multiply-shift (Dietzfelbinger; Thorup, "High
 * Speed Hashing for Integers and Strings", 2015), h(x) = a0 + sum a_i x_i mod
 * 2^64 over the key's 32-bit words with random 64-bit a_i: a universal
 * family, so which keys collide depends on the secret a_i, at one multiply
 * per word. CRC32-C (rte_hash_crc) costs about as little but is linear:
 * crc(x) ^ crc(y) does not depend on the seed, so keys that share a bucket
 * (the IPv6 source, ports and remote address are the sender's to choose)
 * could be computed offline whatever the seed, and pile up in one probe
 * sequence that every lookup ending there walks. The a_i derive from a random
 * seed per table. The sum alone is universal (few collisions) but not
 * random-looking: keys in arithmetic progression (consecutive ports,
 * addresses) give sums in progression, which fill buckets unevenly;
 * MurmurHash3's 64-bit finaliser (a bijection, so collisions stay the sum's)
 * spreads them as SplitMix64 spreads its counter. The home bucket comes from
 * the low bits, the tag from the top 16 (nat64_db_index.h).
 */
static inline uint64_t hk_fin(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return h;
}

/* The IPv6 address's part of both IPv6-side hashes (sessions and BIB entries). */
static inline uint64_t hk_a6(const struct nat64_table *t, const uint8_t a6[16])
{
	const uint64_t *a = t->hk;

	return a[0] + a[1] * ld32(a6) + a[2] * ld32(a6 + 4) + a[3] * ld32(a6 + 8) + a[4] * ld32(a6 + 12);
}

static inline uint64_t hash_s6_from(const struct nat64_table *t, uint64_t part6, uint8_t proto, uint16_t p6,
				    uint32_t remote4, uint16_t rport)
{
	const uint64_t *a = t->hk;

	return hk_fin(part6 + a[5] * remote4 + a[6] * (p6 | (uint32_t)rport << 16) + a[7] * proto);
}

static inline uint64_t hash_b6_from(const struct nat64_table *t, uint64_t part6, uint8_t proto, uint16_t p6)
{
	return hk_fin(part6 + t->hk[8] * (p6 | (uint32_t)proto << 16));
}

static inline uint64_t hash_s6(const struct nat64_table *t, const struct nat64_key *k)
{
	return hash_s6_from(t, hk_a6(t, k->a6), k->proto, k->p6, k->remote4, k->rport);
}

static inline uint64_t hash_b6(const struct nat64_table *t, uint8_t proto, const uint8_t a6[16], uint16_t p6)
{
	return hash_b6_from(t, hk_a6(t, a6), proto, p6);
}

static inline uint64_t hash_s4(const struct nat64_table *t, uint8_t proto, uint32_t a4, uint16_t p4,
			       uint32_t remote4, uint16_t rport)
{
	const uint64_t *a = t->hk;

	return hk_fin(a[9] + a[10] * a4 + a[11] * remote4 + a[12] * (p4 | (uint32_t)rport << 16) + a[13] * proto);
}

static inline uint64_t hash_b4(const struct nat64_table *t, uint8_t proto, uint32_t a4, uint16_t p4)
{
	const uint64_t *a = t->hk;

	return hk_fin(a[9] + a[14] * a4 + a[15] * (p4 | (uint32_t)proto << 16));
}

/* A hash's bit in a burst's filter of keys added (added_s6 / added_b6): set, and asked. */
static inline void added_set(uint64_t f[4], uint64_t h)
{
	f[(h >> 6) & 3] |= 1ull << (h & 63);
}

static inline bool added_has(const uint64_t f[4], uint64_t h)
{
	return (f[(h >> 6) & 3] >> (h & 63)) & 1;
}

static inline void idx_prefetch(const struct idx *x, uint64_t h)
{
	rte_prefetch0(idx_home(x, h));
}

/* CGN accounting and events run only where a cgn table is attached and configured (doc/cgn.md). */
static inline struct cgn_table *cgn_of(const struct nat64_table *t, const struct xlat_config *cfg)
{
	return __builtin_expect(t->cgn != NULL, 0) && cfg->cgn.enabled ? t->cgn : NULL;
}

static inline uint8_t list_of(uint8_t proto, uint8_t state)
{
	if (proto == IPPROTO_UDP)
		return LIST_UDP;
	if (proto == IPPROTO_ICMP)
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

void nat64_list_unlink(struct nat64_table *t, uint32_t i);
/* Every session of a list shares one timeout, so appending keeps the list sorted by expiry (O(1)). */
void nat64_list_append(struct nat64_table *t, uint32_t i, uint8_t list, uint64_t expires);

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
void nat64_relink(struct nat64_table *t, uint32_t i, uint8_t list, uint64_t expires);

/* HA (nat64_sync.c): session i's record into the sync ring; a redirected port's BIB entry gone. */
void nat64_sync_emit(struct nat64_table *t, uint32_t i);
void nat64_sync_bib_gone(struct nat64_table *t, uint32_t i);

/*
 * HA: a refresh is worth telling the peer when the timer crossed a multiple of
 * half the timeout (nat64_sync.h): once per T/2 for a busy session.
 */
static inline bool sync_refresh_due(uint32_t before, uint32_t after, uint64_t tmo)
{
	uint32_t half = (uint32_t)(tmo / 2u) | 1u;

	return before / half != after / half;
}

/* Inline: most packets only compare (the relink is the rare, out-of-line part). */
static inline void refresh(struct nat64_table *t, const struct nat64_globals *g, uint32_t i, uint8_t proto,
			   uint64_t now)
{
	struct session *s = &t->sess[i];
	uint8_t list = list_of(proto, s->state);
	uint64_t tmo = timeout_of(g, list), t0 = tmo;
	uint32_t before = s->expires;
	bool same = list == s->list;

	if (same) {
		if ((int32_t)(s->expires - (uint32_t)(now + tmo)) >= 0)
			return; /* the timer already runs at least T from now */
		tmo += NAT64_TIMER_SLACK(tmo);
	}
	nat64_relink(t, i, list, now + tmo);
	/* (a move to another list is a TCP state change, which nat64_tcp_update() tells) */
	if (__builtin_expect(t->sync_ring != NULL, 0) && same && sync_refresh_due(before, s->expires, t0))
		nat64_sync_emit(t, i);
}

/* Apply a segment to a session: new state, and its timer (nat64_tcp.c). */
void nat64_tcp_update(struct nat64_table *t, const struct xlat_config *cfg, uint32_t i, bool v6, uint8_t flags,
		      uint64_t now);

/* ---- the recent flows ---- */

/*
 * A sum of 64-bit multiples of the key's 64-bit words (the protocol folded into
 * the IPv6 host's first word, the IPv4 peer and both ports in one), three
 * multiplies for the IPv6 side and two for the IPv4 side. A product's bit j
 * sees its word's bits 0..j, so the slot (the top 14 bits) sees every bit of
 * every word, and two keys that differ in one word by delta differ in their
 * hashes from delta's lowest set bit up: within the slot and check's 46 bits
 * unless delta's lowest bits are set, and then at random. Keys vary in their
 * high bytes (an IPv6 host's last bytes and a network-order IPv4 address's,
 * loaded little-endian): one multiply of the words XORed together, as once,
 * let flows that differ only there share a check, and one took another's slot
 * as a hit (a wrong hint: the full lookup again, without the burst's work;
 * measured on sequential hosts: 13 000 checks for 120 000 flows, since 120 000).
 * The pool4 address goes in byte-swapped, so that consecutive addresses are
 * consecutive numbers to the multiply (as they were not, a pool of consecutive
 * addresses used 29% of the slots; 89% now). test_xlat_fast.c
 * test_cache_slots() holds both to what they should do.
 */
static const uint64_t RK[3] = {0x9e3779b97f4a7c15ull, 0xc2b2ae3d27d4eb4full, 0xff51afd7ed558ccdull};

/* Its slot in the top bits, its check from the middle (never 0: 0 is an empty slot). */
static inline uint64_t recent_hash6_of(uint8_t proto, const uint8_t *a6, uint16_t p6, uint32_t remote4,
				       uint16_t rport)
{
	return RK[0] * (ld64(a6) ^ proto) + RK[1] * ld64(a6 + 8) +
	       RK[2] * (__builtin_bswap32(remote4) | (uint64_t)(p6 | (uint32_t)rport << 16) << 32);
}

static inline uint64_t recent_hash4_of(uint8_t proto, uint32_t a4, uint16_t p4, uint32_t remote4, uint16_t rport)
{
	return RK[0] * (__builtin_bswap32(a4) | (uint64_t)remote4 << 32) +
	       RK[1] * (p4 | (uint32_t)rport << 16 | (uint64_t)proto << 32);
}

static inline uint64_t recent_hash6(const struct nat64_key *k)
{
	return recent_hash6_of(k->proto, k->a6, k->p6, k->remote4, k->rport);
}

static inline uint64_t recent_hash4(const struct nat64_key *k)
{
	return recent_hash4_of(k->proto, k->a4, k->p4, k->remote4, k->rport);
}

static inline uint64_t *recent_slot(uint64_t *tab, uint64_t rh)
{
	return &tab[rh >> (64 - RECENT_BITS)];
}

static inline uint32_t recent_check(uint64_t rh)
{
	return (uint32_t)(rh >> 18) | 1;
}

/* The session this slot remembers for a flow of hash rh, or -1. */
static inline int32_t recent_get(const uint64_t *tab, uint64_t rh)
{
	uint64_t e = tab[rh >> (64 - RECENT_BITS)];

	return (uint32_t)(e >> 32) == recent_check(rh) ? (int32_t)(uint32_t)e : -1;
}

static inline void recent_put(uint64_t *tab, uint64_t rh, uint32_t si)
{
	*recent_slot(tab, rh) = (uint64_t)recent_check(rh) << 32 | si;
}

/* ---- lookups (the keys compared in the entries; each hash computed once by the caller) ---- */

static inline bool same16(const uint8_t *a, const uint8_t *b)
{
	uint64_t x[2], y[2];

	memcpy(x, a, 16);
	memcpy(y, b, 16);
	return ((x[0] ^ y[0]) | (x[1] ^ y[1])) == 0;
}

struct nat64_q {
	const struct nat64_table *t;
	const struct nat64_key *k;
};

static inline bool eq_s6(const void *arg, uint32_t i)
{
	const struct nat64_q *q = arg;
	const struct session *s = &q->t->sess[i];
	const struct nat64_key *k = q->k;

	return s->remote4 == k->remote4 && s->p6 == k->p6 && s->rport == k->rport && s->proto == k->proto &&
	       same16(s->a6, k->a6);
}

static inline bool eq_s4(const void *arg, uint32_t i)
{
	const struct nat64_q *q = arg;
	const struct session *s = &q->t->sess[i];
	const struct nat64_key *k = q->k;

	return s->remote4 == k->remote4 && s->a4 == k->a4 && s->p4 == k->p4 && s->rport == k->rport &&
	       s->proto == k->proto;
}

static inline bool eq_b6(const void *arg, uint32_t i)
{
	const struct nat64_q *q = arg;
	const struct bib *b = &q->t->bibs[i];
	const struct nat64_key *k = q->k;

	return b->p6 == k->p6 && b->proto == k->proto && same16(b->a6, k->a6);
}

static inline bool eq_b4(const void *arg, uint32_t i)
{
	const struct nat64_q *q = arg;
	const struct bib *b = &q->t->bibs[i];
	const struct nat64_key *k = q->k;

	return b->a4 == k->a4 && b->p4 == k->p4 && b->proto == k->proto;
}

/* A session by its IPv6-side 5-tuple (proto, a6, p6, remote4, rport); h: hash_s6(k). */
static inline int32_t sess_find6(const struct nat64_table *t, const struct nat64_key *k, uint64_t h)
{
	struct nat64_q q = { t, k };

	return idx_find(&t->s6, h, eq_s6, &q);
}

/* A session by its IPv4-side 5-tuple (proto, a4, p4, remote4, rport); h: hash_s4(...). */
static inline int32_t sess_find4(const struct nat64_table *t, const struct nat64_key *k, uint64_t h)
{
	struct nat64_q q = { t, k };

	return idx_find(&t->s4, h, eq_s4, &q);
}

/* A BIB entry by its IPv6 side (proto, a6, p6); h: hash_b6(...), which the caller keeps for nat64_bib_add(). */
static inline int32_t bib_find6(const struct nat64_table *t, const struct nat64_key *k, uint64_t h)
{
	struct nat64_q q = { t, k };

	return idx_find(&t->b6, h, eq_b6, &q);
}

static inline int32_t bib_find4(const struct nat64_table *t, uint8_t proto, uint32_t a4, uint16_t p4)
{
	struct nat64_key k = { .a4 = a4, .p4 = p4, .proto = proto };
	struct nat64_q q = { t, &k };

	return idx_find(&t->b4, hash_b4(t, proto, a4, p4), eq_b4, &q);
}

static inline void key6_mk(struct nat64_key *k, uint8_t proto, const uint8_t *a6, uint16_t p6, uint32_t remote4,
			   uint16_t rport)
{
	memcpy(k->a6, a6, 16);
	k->proto = proto;
	k->p6 = p6;
	k->remote4 = remote4;
	k->rport = rport;
	k->a4 = 0;
	k->p4 = 0;
}

static inline void key4_mk(struct nat64_key *k, uint8_t proto, uint32_t a4, uint16_t p4, uint32_t remote4,
			   uint16_t rport)
{
	k->proto = proto;
	k->a4 = a4;
	k->p4 = p4;
	k->remote4 = remote4;
	k->rport = rport;
}

/* ---- entries made and gone (nat64_db.c) ---- */

/*
 * A BIB entry for key (its IPv6 side) mapped to a4:p4; hb6, hb4: hash_b6 of its IPv6 side, hash_b4 of
 * a4:p4 (each packet's hashes computed once). Its number, or -1: full.
 */
int32_t nat64_bib_add(struct nat64_table *t, const struct xlat_config *cfg, const struct nat64_key *key,
		      uint64_t hb6, uint32_t a4, uint16_t p4, uint64_t hb4);
/* A BIB entry goes other than with its last session (purge, a refused session), with its event. */
void nat64_bib_gone(struct nat64_table *t, const struct xlat_config *cfg, uint32_t i);

/*
 * The one way a session enters the table (a new flow from either side; the
 * place a peer's copy of a session is installed, nat64_sync_install): under BIB
 * entry bib, towards remote4:rport, in TCP state `state` (TCP_CLOSED for
 * UDP/ICMP), its timer `expires` (ms). h6p / h4p: the hashes of its two
 * 5-tuples where the caller has them (its lookup's), else NULL; rh6: its
 * IPv6 side's recent_hash6() where the caller has it (the burst's), else 0.
 * Its number, or -1 (full).
 */
int32_t nat64_sess_add(struct nat64_table *t, const struct xlat_config *cfg, uint32_t bib, uint32_t remote4,
		       uint16_t rport, uint8_t state, uint64_t expires, const uint64_t *h6p, const uint64_t *h4p,
		       uint64_t rh6);
void nat64_sess_del(struct nat64_table *t, const struct xlat_config *cfg, uint32_t i);
/* The same where the caller has the hashes of its BIB entry's sides (hash_b6, hash_b4), should it go too. */
void nat64_sess_del_hb(struct nat64_table *t, const struct xlat_config *cfg, uint32_t i, const uint64_t *hb);

/*
 * What happens to a session, told in one place: made (NAT64_EV_UP, its timer
 * set), its TCP state changed (NAT64_EV_STATE, old: the state before; told
 * once its timer is the new state's), gone (NAT64_EV_DOWN, before its entry is
 * reused). CGN's session events and HA's (nat64_sync.h: a new UDP/ICMP
 * session, every TCP state change) come from here; a peer's copy installed
 * tells nobody (no echo).
 */
enum nat64_event { NAT64_EV_UP, NAT64_EV_STATE, NAT64_EV_DOWN };
void nat64_sess_event(struct nat64_table *t, const struct xlat_config *cfg, uint32_t i, enum nat64_event ev,
		      uint8_t old);

/* Inline: without a listener (no CGN, no sync ring attached) it is one test. */
static inline void nat64_sess_notify(struct nat64_table *t, const struct xlat_config *cfg, uint32_t i,
				     enum nat64_event ev, uint8_t old)
{
	if (__builtin_expect(t->listened, 0))
		nat64_sess_event(t, cfg, i, ev, old);
}

#endif
