/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * NAT64 across workers, lib's half (lib/nat64_owner.c, lib/nat64_hairpin.c):
 * which worker owns a packet's flow, which IPv4 packets to an address NAT64
 * shares with the box are NAT64's, and the hairpin re-entry (RFC 6146 3.8).
 * The dataplane (dataplane/handoff.c) only moves the packets these answers
 * send somewhere; what they are is tested here, packet by packet.
 *
 * The design these tests hold lib to: a flow is owned by a pure function of
 * its packets, the same for both directions: IPv6 by source address (a hash),
 * IPv4 by the pool4 port it is sent to (port pair q = port / 2 belongs to
 * worker q % n), a static BIB entry by its IPv6 side, an ICMP error by the
 * packet it quotes, a later IPv4 fragment by where its first fragment went.
 *
 * Configuration: nat64_fixture.h's, with pool4 192.0.2.1/32 ports 2000-2003
 * (TCP, UDP, ICMP identifiers: two pairs) and static BIB entries UDP
 * [2001:db8:6::5]#53 <-> 192.0.2.1#53 and ICMP [2001:db8:6::5]#77 <->
 * 192.0.2.1#77.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>

#include "bytes.h"
#include "eal_test.h"
#include "nat64.h"
#include "nat64_fixture.h"
#include "pktbuild.h"
#include "stats.h"
#include "xlat.h"

#define STATIC6 ip6("2001:db8:6::5")
#define S S1

static int setup_owner(void **state)
{
	setup(state);
	pool_clear();
	for (unsigned i = 0; i < 3; i++)
		pool_add((uint8_t[]){ 6, 17, 1 }[i], POOL, 32, 2000, 2003);
	bib_add_static(17, STATIC6, 53, POOL, 53);
	bib_add_static(1, STATIC6, 77, POOL, 77);
	return 0;
}

/* An IPv4 packet of the fixture's (mk4) as a fragment: frag is its flags and offset field. */
static void frag4(struct pk *k, uint16_t frag)
{
	wr16(k->p.data + 6, frag);
	ip4_fix_csum(k->p.data);
}

/* An ICMP echo request (mk4 makes replies) to dst4 with identifier id. */
static void echo_req4(struct pk *k, const char *src4, const char *dst4, uint16_t id)
{
	mk4(k, 1, be4(src4), 0, be4(dst4), id, 0);
	k->p.data[20] = 8;
	l4_set(4, k->p.data + 12, k->p.data + 16, 1, k->p.data + 20, k->p.len - 20);
}

/* An ICMPv4 error (port unreachable) from router r4 to dst4 quoting q's first qlen bytes. */
static void err4(struct pk *k, const char *r4, const char *dst4, const struct pk *q, uint32_t qlen)
{
	uint8_t *p = k->mem + HEADROOM, *icmp = p + 20;

	memset(k->mem, 0, sizeof(k->mem));
	icmp[0] = 3;
	icmp[1] = 3;
	memcpy(icmp + 8, q->p.data, qlen);
	put_ip4(p, 20, 0, (uint16_t)(28 + qlen), 1, 0, 64, 1, ip4(r4), ip4(dst4));
	l4_set(4, p + 12, p + 16, 1, icmp, 8 + qlen);
	pk_ready(k, 4, 28 + qlen);
}

/* An ICMPv6 error (port unreachable) from src6 to dst6 quoting q. */
static void err6(struct pk *k, const uint8_t *src6, const uint8_t *dst6, const struct pk *q)
{
	uint8_t *p = k->mem + HEADROOM, *icmp = p + 40;

	memset(k->mem, 0, sizeof(k->mem));
	icmp[0] = 1;
	icmp[1] = 4;
	memcpy(icmp + 8, q->p.data, q->p.len);
	put_ip6(p, 0, 0, (uint16_t)(8 + q->p.len), 58, 64, src6, dst6);
	l4_set(6, p + 8, p + 24, 58, icmp, 8 + q->p.len);
	pk_ready(k, 6, 48 + q->p.len);
}

static unsigned owner(const struct pk *k, int family, unsigned n)
{
	return nat64_owner(&ctx, k->p.data, k->p.len, family, n);
}

/* ------------------------------------------------------------------------ */
/* Ownership, IPv6 side                                                     */
/* ------------------------------------------------------------------------ */

/* Every flow of one IPv6 source on one worker: endpoint-independent mapping and paired pooling need it. */
static void t_owner6_by_source(void **state)
{
	(void)state;
	struct pk k;
	static const uint8_t protos[] = { 6, 17, 58 };

	for (unsigned n = 1; n <= 4; n++) {
		for (unsigned i = 0; i < 3; i++) {
			mk6(&k, protos[i], A, 1000, p6(S), 53, 0);
			assert_int_equal(owner(&k, 6, n), nat64_owner6(&cfg, A, n));
			mk6(&k, protos[i], A, 4000, p6("203.0.113.7"), 80, 0);
			assert_int_equal(owner(&k, 6, n), nat64_owner6(&cfg, A, n));
		}
		if (n == 1)
			assert_int_equal(owner(&k, 6, n), 0);
	}
	/* the hash spreads sources over the workers (here: some two of a few land apart) */
	bool apart = false;
	for (unsigned i = 0; i < 16 && !apart; i++) {
		uint8_t a[16];
		memcpy(a, A, 16);
		a[15] = (uint8_t)i;
		apart = nat64_owner6(&cfg, a, 4) != nat64_owner6(&cfg, A, 4);
	}
	assert_true(apart);
}

/* RFC 6146 3.5.3 via 3.4: an ICMPv6 error belongs to the flow of the packet it quotes, which went to a host. */
static void t_owner6_error_by_quote(void **state)
{
	(void)state;
	struct pk q, k;

	/* the quote: what NAT64 sent to A, from S's pool6 form */
	mk6(&q, 17, p6(S), 53, A, 2000, 0);
	err6(&k, ip6("2001:db8:ffff::1"), p6(S), &q);
	for (unsigned n = 2; n <= 4; n++)
		assert_int_equal(owner(&k, 6, n), nat64_owner6(&cfg, A, n));
	/* informational ICMPv6 is the flow of its source */
	mk6(&k, 58, B, 9, p6(S), 0, 0);
	assert_int_equal(owner(&k, 6, 4), nat64_owner6(&cfg, B, 4));
	/* an error too short to hold a whole quoted header: by its own source (the translator drops it) */
	err6(&k, B, p6(S), &q);
	k.p.len = 40 + 8 + 39;
	assert_int_equal(owner(&k, 6, 4), nat64_owner6(&cfg, B, 4));
}

/* ------------------------------------------------------------------------ */
/* Ownership, IPv4 side                                                     */
/* ------------------------------------------------------------------------ */

/* Port pair q = port / 2 is worker q % n's: each worker allocates only from its own pairs (RFC 4787 parity kept). */
static void t_owner4_by_pool4_port(void **state)
{
	(void)state;
	struct pk k;

	for (uint16_t port = 2000; port <= 2003; port++) {
		mk4(&k, 17, be4(S), 53, be4(POOL), port, 0);
		assert_int_equal(owner(&k, 4, 2), (port / 2u) % 2);
		assert_int_equal(owner(&k, 4, 2), nat64_owner4(&cfg, 17, be4(POOL), port, 2));
		mk4(&k, 6, be4(S), 80, be4(POOL), port, 0);
		assert_int_equal(owner(&k, 4, 3), nat64_owner4(&cfg, 6, be4(POOL), port, 3));
		/* an echo reply: by its identifier */
		mk4(&k, 1, be4(S), 0, be4(POOL), port, 0);
		assert_int_equal(owner(&k, 4, 2), (port / 2u) % 2);
	}
	/* a static BIB entry's flows live with its IPv6 side's owner */
	mk4(&k, 17, be4(S), 5353, be4(POOL), 53, 0);
	assert_int_equal(owner(&k, 4, 4), nat64_owner6(&cfg, STATIC6, 4));
	echo_req4(&k, S, POOL, 77);
	assert_int_equal(owner(&k, 4, 4), nat64_owner6(&cfg, STATIC6, 4));
	/* one worker owns everything */
	mk4(&k, 17, be4(S), 53, be4(POOL), 2003, 0);
	assert_int_equal(owner(&k, 4, 1), 0);
}

/* An ICMPv4 error: the flow of the packet it quotes, which left from a pool4 address and port. */
static void t_owner4_error_by_quote(void **state)
{
	(void)state;
	struct pk q, k;

	for (uint16_t port = 2000; port <= 2003; port++) {
		mk4(&q, 17, be4(POOL), port, be4(S), 53, 0);
		err4(&k, "203.0.113.1", POOL, &q, q.p.len);
		assert_int_equal(owner(&k, 4, 2), (port / 2u) % 2);
		/* RFC 792: the quote needs only the IP header and 8 bytes; 6 tell the port or id */
		err4(&k, "203.0.113.1", POOL, &q, 20 + 6);
		assert_int_equal(owner(&k, 4, 2), (port / 2u) % 2);
		/* a quoted echo request: by its identifier */
		echo_req4(&q, POOL, S, port);
		err4(&k, "203.0.113.1", POOL, &q, q.p.len);
		assert_int_equal(owner(&k, 4, 2), (port / 2u) % 2);
	}
}

/* What is too short to tell goes to worker 0, whose translator counts and drops it. */
static void t_owner4_too_short(void **state)
{
	(void)state;
	struct pk q, k;

	mk4(&k, 17, be4(S), 53, be4(POOL), 2003, 0);
	k.p.len = 27;
	assert_int_equal(owner(&k, 4, 2), 0);
	mk4(&k, 17, be4(S), 53, be4(POOL), 2003, 0);
	k.p.data[0] = 0x44; /* a header shorter than 20 bytes */
	assert_int_equal(owner(&k, 4, 2), 0);
	mk4(&q, 17, be4(POOL), 2003, be4(S), 53, 0);
	err4(&k, "203.0.113.1", POOL, &q, 20 + 5);
	assert_int_equal(owner(&k, 4, 2), 0);
	err4(&k, "203.0.113.1", POOL, &q, 19);
	assert_int_equal(owner(&k, 4, 2), 0);
}

/*
 * Only a datagram's first fragment has ports; the others follow it to the
 * worker it went to (remembered for RFC 6146's 2 s), which tracks the datagram.
 */
static void t_owner4_fragments(void **state)
{
	(void)state;
	struct pk first, later;

	mk4(&first, 17, be4(S), 53, be4(POOL), 2003, 0);
	frag4(&first, 0x2000); /* MF, offset 0 */
	assert_int_equal(owner(&first, 4, 2), 1);
	mk4(&later, 17, be4(S), 0, be4(POOL), 0, 0);
	frag4(&later, 0x0003); /* offset 24 bytes, no ports */
	later.p.data[4] = first.p.data[4];
	later.p.data[5] = first.p.data[5];
	ip4_fix_csum(later.p.data);
	assert_int_equal(owner(&later, 4, 2), 1);
	/* another datagram (another id): never seen, worker 0 */
	later.p.data[5] ^= 1;
	ip4_fix_csum(later.p.data);
	assert_int_equal(owner(&later, 4, 2), 0);
	later.p.data[5] ^= 1;
	ip4_fix_csum(later.p.data);
	/* nat64_owner_ports() is the answer for what is no later fragment, and remembers nothing */
	assert_int_equal(nat64_owner_ports(&cfg, first.p.data, first.p.len, 2), 1);
	/* the memory runs out after 2 s */
	ctx.now_ns += 2001ull * 1000000ull;
	assert_int_equal(owner(&later, 4, 2), 0);
}

/* Both directions of a session meet on one worker: the owner of the IPv6 source allocates from its own pairs. */
static void t_owner_both_directions(void **state)
{
	(void)state;
	const unsigned n = 2;
	uint8_t hosts[8][16];

	for (unsigned h = 0; h < 8; h++) {
		memcpy(hosts[h], A, 16);
		hosts[h][15] = (uint8_t)(0x10 + h);
		unsigned w = nat64_owner6(&cfg, hosts[h], n);
		use_table(mktable(1024, w, n));
		struct pk k;
		mk6(&k, 17, hosts[h], 1000, p6(S), 53, 0);
		assert_int_equal(run(&k), XV_FORWARD);
		uint16_t port4 = rd16(o4(&k));
		/* S's answer to that pool4 port */
		mk4(&k, 17, be4(S), 53, be4(POOL), port4, 0);
		assert_int_equal(owner(&k, 4, n), w);
	}
}

/* ------------------------------------------------------------------------ */
/* Which IPv4 packets to pool4 are NAT64's (the rest is the box's)          */
/* ------------------------------------------------------------------------ */

static bool claims(const struct pk *k)
{
	return nat64_claims4(&cfg, k->p.data, k->p.len);
}

static void t_claims4(void **state)
{
	(void)state;
	struct pk q, k;

	/* TCP and UDP: pool4's port ranges and static BIB entries; the box's own services otherwise */
	mk4(&k, 17, be4(S), 53, be4(POOL), 2001, 0);
	assert_true(claims(&k));
	mk4(&k, 6, be4(S), 4000, be4(POOL), 2003, 0);
	assert_true(claims(&k));
	mk4(&k, 6, be4(S), 4000, be4(POOL), 22, 0);
	assert_false(claims(&k));
	mk4(&k, 17, be4(S), 4000, be4(POOL), 53, 0); /* the static entry */
	assert_true(claims(&k));
	mk4(&k, 6, be4(S), 4000, be4(POOL), 53, 0); /* the static entry is UDP's */
	assert_false(claims(&k));
	/* echo replies answer queries NAT64 sent; echo requests are the box's to answer, unless a static entry */
	mk4(&k, 1, be4(S), 0, be4(POOL), 2002, 0);
	assert_true(claims(&k));
	echo_req4(&k, S, POOL, 2002);
	assert_false(claims(&k));
	echo_req4(&k, S, POOL, 77);
	assert_true(claims(&k));
	/* errors: about a packet that left from a pool4 port */
	mk4(&q, 17, be4(POOL), 2000, be4(S), 53, 0);
	err4(&k, "203.0.113.1", POOL, &q, q.p.len);
	assert_true(claims(&k));
	mk4(&q, 6, be4(POOL), 22, be4(S), 4000, 0);
	err4(&k, "203.0.113.1", POOL, &q, q.p.len);
	assert_false(claims(&k));
	err4(&k, "203.0.113.1", POOL, &q, 20 + 5); /* too short to tell: the translator drops it */
	assert_true(claims(&k));
	/* other protocols are the box's */
	mk4(&k, 17, be4(S), 53, be4(POOL), 2001, 0);
	k.p.data[9] = 47;
	ip4_fix_csum(k.p.data);
	assert_false(claims(&k));
	/* a later fragment has no port to look at; a runt neither */
	mk4(&k, 17, be4(S), 53, be4(POOL), 22, 0);
	frag4(&k, 0x0003);
	assert_true(claims(&k));
	mk4(&k, 17, be4(S), 53, be4(POOL), 22, 0);
	k.p.len = 27;
	assert_true(claims(&k));
}

/* ------------------------------------------------------------------------ */
/* Hairpinning (RFC 6146 3.8): the decision and the re-entry                */
/* ------------------------------------------------------------------------ */

static void t_hairpin_decision(void **state)
{
	(void)state;
	struct pk k;

	mk4(&k, 17, be4(POOL), 2000, be4(POOL), 2001, 0);
	assert_true(nat64_hairpin(&cfg, &k.p));
	mk4(&k, 17, be4(POOL), 2000, be4(S), 53, 0);
	assert_false(nat64_hairpin(&cfg, &k.p));
	/* IPv6 never hairpins here (it is the IPv6 destination that pool6 maps) */
	mk4(&k, 17, be4(POOL), 2000, be4(POOL), 2001, 0);
	k.p.family = 6;
	assert_false(nat64_hairpin(&cfg, &k.p));
	/* SIIT does its own (RFC 7757, inside xlat_process()) */
	k.p.family = 4;
	cfg.mode = XLAT_MODE_SIIT;
	assert_false(nat64_hairpin(&cfg, &k.p));
	cfg.mode = XLAT_MODE_NAT64;
}

/* The translation took one from the TTL; the trip through the box costs one, so it gets it back. */
static void t_hairpin_reenter(void **state)
{
	(void)state;
	struct pk k;
	uint8_t was[BUFSZ];

	mk4(&k, 17, be4(POOL), 2000, be4(POOL), 2001, 0);
	k.p.data[8] = 63;
	ip4_fix_csum(k.p.data);
	memcpy(was, k.p.data, k.p.len);
	nat64_hairpin_reenter(k.p.data);
	assert_int_equal(k.p.data[8], 64);
	assert_true(ip4_hdr_ok(k.p.data));
	assert_memory_equal(k.p.data, was, 8);
	assert_memory_equal(k.p.data + 12, was + 12, k.p.len - 12);
	/* the largest TTL a translation leaves (255 - 1) */
	k.p.data[8] = 254;
	ip4_fix_csum(k.p.data);
	nat64_hairpin_reenter(k.p.data);
	assert_int_equal(k.p.data[8], 255);
	assert_true(ip4_hdr_ok(k.p.data));
}

/*
 * B reaches A through A's pool4 transport address, the way the dataplane
 * feeds it: 6->4 (B's session), re-entry, 4->6 (A's BIB entry); A gets it
 * from B's pool4 transport address, its hop limit one less than B sent.
 */
static void t_hairpin_round_trip(void **state)
{
	(void)state;
	struct pk k;
	uint32_t a4;
	uint16_t a_port4;

	/* A's BIB entry, from a flow to S */
	mk6(&k, 17, A, 1000, p6(S), 53, 0);
	assert_int_equal(run(&k), XV_FORWARD);
	a4 = o4_src(&k);
	a_port4 = rd16(o4(&k));
	/* B to A's pool4 transport address: IPv4 to pool4, which goes back in */
	mk6(&k, 17, B, 3000, p6(str4(a4)), a_port4, 0);
	assert_int_equal(run(&k), XV_FORWARD);
	assert_true(nat64_hairpin(&cfg, &k.p));
	assert_int_equal(k.p.data[8], 63);
	uint32_t b4 = o4_src(&k);
	uint16_t b_port4 = rd16(o4(&k));
	nat64_hairpin_reenter(k.p.data);
	assert_true(ip4_hdr_ok(k.p.data));
	/* the second pass: to A, from B's pool4 transport address in pool6 form */
	assert_int_equal(run(&k), XV_FORWARD);
	assert_false(nat64_hairpin(&cfg, &k.p));
	const uint8_t *l4 = o6(&k);
	assert_addr6(k.p.data + 8, p6(str4(b4)));
	assert_addr6(k.p.data + 24, A);
	assert_int_equal(k.p.data[7], 63);
	assert_int_equal(rd16(l4), b_port4);
	assert_int_equal(rd16(l4 + 2), 1000);
}

/* ------------------------------------------------------------------------ */

#define T(f) cmocka_unit_test_setup_teardown(f, setup_owner, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(t_owner6_by_source),
		T(t_owner6_error_by_quote),
		T(t_owner4_by_pool4_port),
		T(t_owner4_error_by_quote),
		T(t_owner4_too_short),
		T(t_owner4_fragments),
		T(t_owner_both_directions),
		T(t_claims4),
		T(t_hairpin_decision),
		T(t_hairpin_reenter),
		T(t_hairpin_round_trip),
	};
	return EAL_TEST_RUN("towner", "64", tests);
}
