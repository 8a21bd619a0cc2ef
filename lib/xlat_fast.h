/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The translator's common case without the general machinery (doc/performance.md):
 * a whole datagram (IPv6 without extension headers, IPv4 without options, not
 * fragmented), TCP, UDP with a checksum or ICMP echo, TTL > 1, no hairpin, fits
 * the egress MTU; SIIT both ways with both addresses mapped (EAMT or pool6), and
 * NAT64 6->4 to a pool6 destination.
 *
 * xlat_fast64/46() either do exactly what xlat_process() would have done for
 * such a packet (same bytes, same counters, same pkt fields; of pkt->route only
 * nexthop and mtu, all the worker reads of a forwarded packet) and return its
 * verdict, or return XF_SLOW having changed nothing (packet, counters, the
 * random state, NAT64 state): the caller then runs xlat_process(), which counts
 * and handles whatever it is. NAT64 commits once nat64_out() is called: a refused
 * flow then comes back as xlat_process() would return it (XV_DROP counted, or
 * XV_REPLY with an ICMPv6 error). The memo (below) keeps the addresses' mappings
 * and the destinations' routes. A destination ctx->own claims (the box's own
 * addresses, whose packets the caller's classifier gives the host) is declined
 * (XF_SLOW); the memo keeps only destinations it did not claim. A datagram
 * longer than ctx->in_mtu (a super-frame, xlat.h) is declined too; a TCP/UDP
 * checksum left partial by the sender is finished as xlat_process() finishes it.
 */
#ifndef XLAT_FAST_H
#define XLAT_FAST_H

#include "xlat.h"

#define XF_SLOW (-1)

/*
 * The memo: direct-mapped caches of what the fast path derives from one
 * address (its mapping, for destinations the route, checksum parts), by the
 * address. They hold values, never pointers into the configuration, and are
 * valid for one configuration snapshot: the caller resets them (a generation
 * bump, O(1)) whenever the snapshot it loads is a new one (xlat_config.gen).
 * 2048 slots each (~360 KB per worker, of which a packet touches a few lines):
 * thousands of destinations keep hitting.
 */
#define XLAT_FMEMO_BITS 11
#define XLAT_FMEMO_SLOTS (1u << XLAT_FMEMO_BITS)

struct xlat_fm6 { /* an IPv6 address and its IPv4 side */
	uint8_t key[16];
	uint32_t gen;
	uint32_t val;       /* its IPv4 form */
	uint32_t adj, h;    /* checksum parts (checksum.h) */
	uint32_t nexthop;   /* a destination's route */
	uint16_t mtu;
	uint16_t a;         /* csum_a6(key): its part of the pseudo-header (a partial checksum's value) */
};

struct xlat_fm4 { /* an IPv4 address and its IPv6 side */
	uint32_t key, gen;
	uint8_t val[16];
	uint32_t adj;
	uint32_t nexthop;
	uint16_t mtu;
	uint16_t a;         /* csum_a4(key): its part of the pseudo-header (a partial checksum's value) */
};

struct xlat_fr6 { /* NAT64 4->6: the route of an IPv6 host a session names */
	uint8_t key[16];
	uint32_t gen;
	uint32_t nexthop;
	uint16_t mtu;
	uint16_t a;         /* csum_a6(key): its part of the checksum update */
};

struct xlat_fmemo {
	uint32_t gen; /* entries of another generation are empty */
	struct xlat_fm6 d6[XLAT_FMEMO_SLOTS], s6[XLAT_FMEMO_SLOTS];
	struct xlat_fm4 d4[XLAT_FMEMO_SLOTS], s4[XLAT_FMEMO_SLOTS];
	struct xlat_fr6 r6[XLAT_FMEMO_SLOTS];
};

static inline void xlat_fmemo_init(struct xlat_fmemo *m)
{
	__builtin_memset(m, 0, sizeof(*m));
	m->gen = 1;
}

static inline void xlat_fmemo_reset(struct xlat_fmemo *m)
{
	if (++m->gen == 0)
		xlat_fmemo_init(m);
}

/* Two 16-byte addresses (memo keys) equal: two 64-bit compares, no memcmp call. */
static inline bool xlat_same16(const uint8_t *a, const uint8_t *b)
{
	uint64_t x[2], y[2];

	__builtin_memcpy(x, a, 16);
	__builtin_memcpy(y, b, 16);
	return ((x[0] ^ y[0]) | (x[1] ^ y[1])) == 0;
}

/*
 * Fibonacci hashing of the address as a number (its last bytes the low bits):
 * consecutive addresses land in different slots.
 */
static inline unsigned xlat_fm_slot4(uint32_t a_be)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	a_be = __builtin_bswap32(a_be);
#endif
	return (a_be * 0x9e3779b1u) >> (32 - XLAT_FMEMO_BITS);
}

/* An IPv6 address: its two halves folded, then the same in 64 bits (one swap, one multiply). */
static inline unsigned xlat_fm_slot6(const uint8_t a[16])
{
	uint64_t w[2], x;

	__builtin_memcpy(w, a, 16);
	x = w[0] ^ w[1];
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	x = __builtin_bswap64(x);
#endif
	return (unsigned)((x * 0x9e3779b97f4a7c15ull) >> (64 - XLAT_FMEMO_BITS));
}

int xlat_fast64(struct xlat_ctx *ctx, struct xlat_pkt *pkt, struct xlat_fmemo *m);
int xlat_fast46(struct xlat_ctx *ctx, struct xlat_pkt *pkt, struct xlat_fmemo *m);

/*
 * xlat_fast64/46() over a burst, in order: pkts[0..n), each of the family its
 * pkt->family says (any other value: declined), until the first one declined.
 * Returns k, how many it took, their verdicts (XV_*) in v[0..k); pkts[k]
 * (k < n) is the one declined, with nothing changed, and nothing after it was
 * looked at: what the caller does with it comes before pkts[k + 1], as in a
 * packet-by-packet loop. One call a burst instead of one a packet: the
 * configuration's tests and the call itself are paid once. NAT64: hint0 >= 0
 * is pkts[0]'s index in the burst nat64_lookup_burst() looked up (nat64_hint()
 * for each packet, hint0 + j); -1 where there was none. The fast paths do not
 * read pkt->tailroom.
 */
unsigned xlat_fast_run(struct xlat_ctx *ctx, struct xlat_pkt *pkts, unsigned n, struct xlat_fmemo *m, uint8_t *v,
		       int hint0);

#endif
