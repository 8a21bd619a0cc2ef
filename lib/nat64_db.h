/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The NAT64 session store (RFC 6146 3.1, 3.2): one worker's BIB and session
 * tables, their memory layout and the small operations on them that the NAT64
 * files share (nat64_db.c keeps the rest). Internal to lib/: the dataplane and
 * the control plane see struct nat64_table only through nat64.h.
 */
#ifndef XLAT_NAT64_DB_H
#define XLAT_NAT64_DB_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_hash.h>

#include "cgn.h"
#include "ip_hdr.h"
#include "nat64.h"
#include "nat64_usage.h"
#include "xlat.h"

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
	/* HA (nat64_sync.h): where this table's session events go (NULL: nowhere), and those a full ring lost */
	struct rte_ring *sync_ring;
	uint64_t sync_drops;
	/* issue 19: occupancy by protocol and pool4 address, for the control plane (nat64_usage.h) */
	struct nat64_usage use;
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
void nat64_tcp_update(struct nat64_table *t, const struct nat64_globals *g, uint32_t i, bool v6, uint8_t flags,
		      uint64_t now);

static inline const struct bib6_key *bib_key(const struct nat64_table *t, uint32_t bib)
{
	return &t->bibs[bib].k6;
}

static inline void bib6_key_of(struct bib6_key *k, uint8_t proto, const uint8_t *a6, uint16_t p6)
{
	memset(k, 0, sizeof(*k));
	k->proto = proto;
	k->port6 = p6;
	memcpy(k->addr6, a6, 16);
}

/* A BIB entry by its IPv6 side; h: hash_b6(k), which the caller keeps for nat64_bib_add(). */
static inline int32_t bib_find6(const struct nat64_table *t, const struct bib6_key *k, uint32_t h)
{
	return rte_hash_lookup_with_hash(t->bib6, k, h);
}

static inline int32_t bib_find4(const struct nat64_table *t, uint8_t proto, uint32_t a4, uint16_t p4)
{
	struct bib4_key k = { .proto = proto, .port4 = p4, .addr4 = a4 };
	void *data;

	if (rte_hash_lookup_with_hash_data(t->bib4, &k, hash_b4(t, &k), &data) < 0)
		return -1;
	return (int32_t)(uintptr_t)data;
}

/* Session keys as a packet gives them; the hash goes with the key to the lookup and, on a miss, to nat64_sess_add(). */
static inline void s4_key_mk(struct s4_key *k, uint8_t proto, uint32_t local4, uint16_t lport, uint32_t remote4,
			     uint16_t rport)
{
	memset(k, 0, sizeof(*k));
	k->proto = proto;
	k->lport = lport;
	k->rport = rport;
	k->local4 = local4;
	k->remote4 = remote4;
}

static inline void s6_key_mk(struct s6_key *k, uint8_t proto, const uint8_t *a6, uint16_t p6, uint32_t remote4,
			     uint16_t rport)
{
	memset(k, 0, sizeof(*k));
	k->proto = proto;
	k->port6 = p6;
	k->rport = rport;
	memcpy(k->addr6, a6, 16);
	k->remote4 = remote4;
}

static inline int32_t sess_find4(const struct nat64_table *t, const struct s4_key *k, uint32_t h)
{
	void *data;

	if (rte_hash_lookup_with_hash_data(t->s4, k, h, &data) < 0)
		return -1;
	return (int32_t)(uintptr_t)data;
}

static inline int32_t sess_find6(const struct nat64_table *t, const struct s6_key *k, uint32_t h)
{
	return rte_hash_lookup_with_hash(t->s6, k, h);
}

int32_t nat64_bib_add(struct nat64_table *t, const struct bib6_key *key6, uint32_t h6, uint32_t a4, uint16_t p4);
void nat64_bib_del(struct nat64_table *t, uint32_t i);
/* h6 / h4: the hashes of the new session's keys where the caller has them (its lookup's), else NULL. */
int32_t nat64_sess_add(struct nat64_table *t, uint32_t bib, uint32_t remote4, uint16_t rport, uint64_t now,
		       const struct nat64_globals *g, const uint32_t *h6p, const uint32_t *h4p);
void nat64_sess_del(struct nat64_table *t, const struct xlat_config *cfg, uint32_t i);
/* A BIB entry goes other than with its last session (purge, a refused session). */
void nat64_bib_gone(struct nat64_table *t, const struct xlat_config *cfg, uint32_t i);

#endif
