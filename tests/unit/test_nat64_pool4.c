/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Stateful NAT64 (RFC 6146) in lib/: pool4 allocation (3.5.1.1; RFC 4787 parity
 * and range preservation, RFC 6888 REQ-2 paired pooling, worker slices, static
 * BIB entries), mapping and filtering (RFC 4787 EIM, EIF/ADF via 3.5.1).
 *
 * The fixture (configuration, addresses, packets, table helpers) is
 * nat64_fixture.h; where expectations come from: test_nat64.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_memory.h>

#include "nat64.h"
#include "pktbuild.h"
#include "stats.h"
#include "xlat.h"
#include "bytes.h"
#include "eal_test.h"
#include "nat64_fixture.h"
#include "nat64_filter.h"
#include "nat64_frag.h"
#include "nat64_db.h"
#include "nat64_pool4.h"

/* ------------------------------------------------------------------------ */
/* pool4 allocation (RFC 6146 3.5.1.1, RFC 4787, RFC 6888)                  */
/* ------------------------------------------------------------------------ */

/* RFC 6146 3.5.1.1: no address/port left -> refused, ICMPv6 Destination Unreachable code 3; old flows live on. */
static void t_pool4_exhaustion(void **state)
{
	(void)state;
	struct pk k;
	uint32_t a4, b4;
	uint16_t p4, q4;

	pool_clear();
	pool_add(17, POOL, 32, 2000, 2001);
	fwd64(17, A, 1000, S1, 53, 0, &a4, &p4);
	fwd64(17, A, 1001, S1, 53, 0, &b4, &q4);
	assert_addr4(a4, be4(POOL));
	assert_addr4(b4, be4(POOL));
	assert_int_equal(p4, 2000);
	assert_int_equal(q4, 2001);

	mk6(&k, 17, A, 1002, p6(S1), 53, 0);
	assert_int_equal(run(&k), XV_REPLY);
	assert_int_equal(ctr[XLAT_POOL4_EXHAUSTED], 1);
	const uint8_t *l4 = o6(&k);
	assert_int_equal(l4[0], 1); /* Destination Unreachable */
	assert_int_equal(l4[1], 3); /* Address Unreachable */
	assert_addr6(k.p.data + 24, A);
	assert_int_equal(k.p.data[6], 58);
	assert_addr6(l4 + 8 + 8, A);             /* the quoted packet */
	assert_int_equal(rd16(l4 + 8 + 40), 1002); /* its source port, untranslated */
	assert_int_equal(nat64_table_bibs(tab), 2);

	mk6(&k, 17, B, 1000, p6(S2), 53, 0);
	assert_int_equal(run(&k), XV_REPLY);
	assert_int_equal(ctr[XLAT_POOL4_EXHAUSTED], 2);

	/* the existing flows keep working, both ways */
	fwd46(17, S1, 53, a4, 2000, 0, A, 1000);
	fwd46(17, S1, 53, b4, 2001, 0, A, 1001);
	fwd64(17, A, 1000, S1, 53, 0, &a4, &p4);
	assert_int_equal(p4, 2000);
	/* a new destination for an existing BIB entry needs no new port (EIM) */
	fwd64(17, A, 1000, S2, 53, 0, &a4, &p4);
	assert_int_equal(p4, 2000);

	/* when a flow expires its port is free again */
	nat64_expire(tab, &cfg, 1000 + G()->udp_timeout_ms, 64);
	assert_int_equal(nat64_table_bibs(tab), 0);
	fwd64(17, B, 1000, S2, 53, 0, &a4, &p4);
	assert_int_equal(p4, 2000);
}

/* RFC 4787 4.2.2 / RFC 6146 3.5.1.1: the allocated port keeps the source port's parity. */
static void t_pool4_parity(void **state)
{
	(void)state;
	static uint8_t used[65536];
	uint32_t a4;
	uint16_t p4;
	unsigned rnd = 12345;

	memset(used, 0, sizeof(used));
	pool_clear();
	pool_add(17, POOL, 32, 2000, 2099);
	pool_add(6, POOL, 32, 3001, 3100);
	for (unsigned i = 0; i < 80; i++) {
		uint8_t src[16];
		memcpy(src, A, 16);
		src[15] = (uint8_t)(i % 7);
		rnd = rnd * 1103515245u + 12345u;
		uint16_t sport = (uint16_t)(1024 + (rnd >> 8) % 60000);
		uint8_t proto = (i & 1) ? 6 : 17;
		int r = out6(proto, src, sport, S1, 53, proto == 6 ? SYN : 0, &a4, &p4);
		if (r != OK)
			fail_msg("flow %u (%s port %u): %d", i, proto == 6 ? "TCP" : "UDP", sport, r);
		if ((p4 & 1) != (sport & 1))
			fail_msg("flow %u: source port %u got %u: parity lost", i, sport, p4);
		if (proto == 17 ? (p4 < 2000 || p4 > 2099) : (p4 < 3001 || p4 > 3100))
			fail_msg("flow %u: port %u outside its pool4 range", i, p4);
		if (used[p4] & (1u << (proto == 6)))
			fail_msg("flow %u: port %u allocated twice", i, p4);
		used[p4] |= (uint8_t)(1u << (proto == 6));
	}
}

/* RFC 6888 REQ-2: all flows of one IPv6 source share one IPv4 address while it has ports. */
static void t_pool4_paired_pooling(void **state)
{
	(void)state;
	uint32_t first = 0, a4;
	uint16_t p4;
	uint32_t seen[16];
	unsigned nseen = 0;

	pool_clear();
	pool_add(17, "192.0.2.0", 28, 2000, 2099);
	pool_add(1, "192.0.2.0", 28, 1, 100);
	pool_add(6, "192.0.2.0", 28, 2000, 2099);
	for (unsigned i = 0; i < 90; i++) {
		uint8_t proto = i % 3 == 0 ? 17 : i % 3 == 1 ? 6 : 1;
		int r = out6(proto, A, (uint16_t)(5000 + i), i & 1 ? S1 : S2, 53, proto == 6 ? SYN : 0, &a4, &p4);
		assert_int_equal(r, OK);
		if (i == 0)
			first = a4;
		else if (a4 != first)
			fail_msg("flow %u of A (protocol %u) got %s, the first got %s", i, proto, str4(a4), str4(first));
	}
	/* every source is consistent, and the sources spread over the pool */
	for (unsigned h = 0; h < 64; h++) {
		uint8_t src[16];
		memcpy(src, B, 16);
		src[14] = (uint8_t)h;
		uint32_t mine = 0;
		for (unsigned f = 0; f < 3; f++) {
			assert_int_equal(out6(17, src, (uint16_t)(7000 + f), S1, 53, 0, &a4, &p4), OK);
			if (f == 0)
				mine = a4;
			else
				assert_addr4(a4, mine);
		}
		bool known = false;
		for (unsigned j = 0; j < nseen; j++)
			known |= seen[j] == mine;
		if (!known && nseen < 16)
			seen[nseen++] = mine;
	}
	if (nseen < 4)
		fail_msg("64 sources used only %u of 16 pool4 addresses", nseen);
}

/*
 * The per-worker slices: with n workers, each allocates only ports the
 * ownership function gives back to it (so 4->6 packets find their session),
 * the slices are disjoint, and together they cover the whole range.
 */
static void slices_cover(uint8_t proto, uint16_t lo, uint16_t hi, unsigned n)
{
	static uint8_t owner[65536];
	uint32_t a4;
	uint16_t p4;

	memset(owner, 0xff, sizeof(owner));
	pool_clear();
	pool_add(proto, POOL, 32, lo, hi);
	for (unsigned w = 0; w < n; w++) {
		use_table(mktable(4096, w, n));
		for (unsigned parity = 0; parity < 2; parity++) {
			for (unsigned i = 0;; i++) {
				uint16_t sport = (uint16_t)(10000 + 2 * i + parity);
				int r = out6(proto, A, sport, S1, 53, proto == 6 ? SYN : 0, &a4, &p4);
				if (r != OK) {
					assert_int_equal(r, XLAT_POOL4_EXHAUSTED);
					break;
				}
				assert_true(i < 70000);
				if (p4 < lo || p4 > hi)
					fail_msg("n=%u worker %u: port %u outside %u-%u", n, w, p4, lo, hi);
				if (owner[p4] != 0xff)
					fail_msg("n=%u: port %u allocated by workers %u and %u", n, p4, owner[p4], w);
				owner[p4] = (uint8_t)w;
				unsigned o = nat64_owner4(&cfg, proto, a4, p4, n);
				if (o != w)
					fail_msg("n=%u: worker %u allocated port %u, which nat64_owner4 gives to %u", n, w,
						 p4, o);
			}
		}
	}
	for (unsigned p = lo; p <= hi; p++)
		if (p != 0 && owner[p] == 0xff)
			fail_msg("n=%u proto %u range %u-%u: port %u never allocated by any worker", n, proto, lo, hi, p);
}

static void t_pool4_worker_slices(void **state)
{
	(void)state;
	for (unsigned n = 1; n <= 4; n++) {
		slices_cover(17, 2000, 2099, n);
		slices_cover(6, 4000, 4063, n);
		slices_cover(1, 0, 99, n);
	}
}

/*
 * RFC 4787 REQ-4: parity is kept while the address has a port of that parity;
 * then the other parity is used (RFC 6888 REQ-2, the same address, weighs more
 * than parity), and only a full address refuses the flow.
 */
static void t_pool4_parity_fallback(void **state)
{
	(void)state;
	uint32_t a4;
	uint16_t p4;
	uint8_t seen[4] = { 0 };

	pool_clear();
	pool_add(17, POOL, 32, 2000, 2003); /* two even ports, two odd */
	for (unsigned i = 0; i < 4; i++) {
		uint8_t src[16];
		memcpy(src, A, 16);
		src[15] = (uint8_t)i;
		assert_int_equal(out6(17, src, (uint16_t)(5000 + 2 * i), S1, 53, 0, &a4, &p4), OK); /* even sources */
		assert_int_equal(a4, be4(POOL));
		assert_true(p4 >= 2000 && p4 <= 2003);
		if (i < 2 && (p4 & 1))
			fail_msg("even source %u got odd port %u while even ports were free", i, p4);
		if (seen[p4 - 2000]++)
			fail_msg("port %u allocated twice", p4);
	}
	uint8_t src[16];
	memcpy(src, A, 16);
	src[15] = 9;
	assert_int_equal(out6(17, src, 5100, S1, 53, 0, &a4, &p4), XLAT_POOL4_EXHAUSTED);
}

/* Ranges whose ends are odd: every port of the range is usable (the pair split by the bound too). */
static void t_pool4_odd_bounds(void **state)
{
	(void)state;
	/* regression: port_min odd used to be skipped (try_addr) */
	uint32_t a4;
	uint16_t p4;

	pool_clear();
	pool_add(17, POOL, 32, 2001, 2001);
	assert_int_equal(out6(17, A, 1001, S1, 53, 0, &a4, &p4), OK);
	assert_int_equal(p4, 2001);
	for (unsigned n = 1; n <= 3; n++)
		slices_cover(17, 2001, 2100, n);
}

/*
 * RFC 6146 3.5.1.1 (as the issue asks, "range preservation"): a source port in
 * 0-1023 gets a pool4 port in 0-1023 when there is one, and a port from 1024 up
 * gets one from 1024 up.
 */
static void t_pool4_range_preservation(void **state)
{
	(void)state;
	/* regression: RFC 6146 3.5.1.1 port range preservation */
	uint32_t a4;
	uint16_t p4;

	pool_clear();
	pool_add(17, POOL, 32, 1, 65535);
	for (unsigned i = 0; i < 20; i++) {
		assert_int_equal(out6(17, A, (uint16_t)(500 + i), S1, 53, 0, &a4, &p4), OK);
		if (p4 >= 1024)
			fail_msg("source port %u (well-known range) got %u", 500 + i, p4);
		assert_int_equal(out6(17, A, (uint16_t)(40000 + i), S1, 53, 0, &a4, &p4), OK);
		if (p4 < 1024)
			fail_msg("source port %u got %u (well-known range)", 40000 + i, p4);
	}
}

/* Static BIB ports inside a pool4 range are never handed out dynamically. */
static void t_pool4_skips_static(void **state)
{
	(void)state;
	uint32_t a4;
	uint16_t p4;

	pool_clear();
	pool_add(17, POOL, 32, 2000, 2003);
	bib_add_static(17, B, 53, POOL, 2000);
	bib_add_static(17, B, 54, POOL, 2003);
	assert_int_equal(out6(17, A, 1000, S1, 53, 0, &a4, &p4), OK);
	assert_int_equal(p4, 2002);
	assert_int_equal(out6(17, A, 1001, S1, 53, 0, &a4, &p4), OK);
	assert_int_equal(p4, 2001);
	assert_int_equal(out6(17, A, 1002, S1, 53, 0, &a4, &p4), XLAT_POOL4_EXHAUSTED);
	/* the static entries themselves work */
	assert_int_equal(out6(17, B, 53, S1, 53, 0, &a4, &p4), OK);
	assert_int_equal(p4, 2000);
}

/*
 * The burst's guess (nat64_alloc4_prefetch) walks the search's own
 * candidates: the port a new BIB entry gets is the first of them not taken,
 * and is not among them when all of them are. Sources that share F()'s
 * inputs but for their address, on 20 ports: the searches run into each
 * other's ports.
 */
static void t_pool4_guess(void **state)
{
	(void)state;
	static uint8_t used[65536];
	unsigned skipped = 0, beyond = 0;
	uint32_t a4;
	uint16_t p4;

	memset(used, 0, sizeof(used));
	pool_clear();
	pool_add(17, POOL, 32, 2000, 2019);
	for (unsigned i = 0; i < 10; i++) {
		uint8_t src[16];
		struct nat64_cand c;
		memcpy(src, A, 16);
		src[15] = (uint8_t)(0x10 + i);
		assert_true(nat64_alloc4_prefetch(tab, &cfg, 17, src, 5000, be4(S1), 53, &c));
		/* as many as the pool's occupancy asks for: one while it is nearly empty, more as it fills */
		assert_true(c.n >= 1 && c.n <= NAT64_CAND);
		if (i == 0)
			assert_int_equal(c.n, 1);
		if (i == 9)
			assert_true(c.n > 1);
		assert_addr4(c.a4, be4(POOL));
		int first_free = -1;
		for (unsigned j = 0; j < c.n && first_free < 0; j++)
			if (!used[c.port[j]])
				first_free = c.port[j];
		fwd64(17, src, 5000, S1, 53, 0, &a4, &p4);
		assert_addr4(a4, c.a4);
		if (first_free >= 0) {
			assert_int_equal(p4, first_free);
			skipped += p4 != c.port[0];
		} else {
			for (unsigned j = 0; j < c.n; j++)
				assert_int_not_equal(p4, c.port[j]);
			beyond++;
		}
		assert_false(used[p4]);
		used[p4] = 1;
	}
	/* the case that matters was there: a guess past a taken port */
	assert_true(skipped + beyond > 0);
}

/* ------------------------------------------------------------------------ */
/* Mapping and filtering (RFC 4787 via RFC 6146 3.5.1)                      */
/* ------------------------------------------------------------------------ */

static void t_eim(void **state)
{
	(void)state;
	uint32_t a4, b4, c4, u4;
	uint16_t p4, q4, r4, up;

	fwd64(17, A, 1000, S1, 53, 0, &a4, &p4);
	fwd64(17, A, 1000, S2, 5353, 0, &b4, &q4);
	assert_addr4(b4, a4);
	assert_int_equal(q4, p4);
	u4 = a4;
	up = p4;
	assert_int_equal(nat64_table_bibs(tab), 1);
	assert_int_equal(nat64_table_sessions(tab), 2);
	/* TCP and ICMP too */
	fwd64(6, A, 1000, S1, 80, SYN, &a4, &p4);
	fwd64(6, A, 1000, S2, 443, SYN, &b4, &q4);
	assert_addr4(b4, a4);
	assert_int_equal(q4, p4);
	fwd64(58, A, 0x1234, S1, 0, 0, &a4, &p4);
	fwd64(58, A, 0x1234, S2, 0, 0, &b4, &q4);
	assert_addr4(b4, a4);
	assert_int_equal(q4, p4);
	assert_int_equal(nat64_table_bibs(tab), 3);
	/* a different source port is a different mapping */
	fwd64(17, A, 1001, S1, 53, 0, &c4, &r4);
	assert_false(c4 == u4 && r4 == up);
	assert_int_equal(nat64_table_bibs(tab), 4);
}

static void t_filtering_endpoint_independent(void **state)
{
	(void)state;
	uint32_t a4;
	uint16_t p4;

	assert_false(cfg.g.nat.address_dependent_filtering); /* Jool's default */
	fwd64(17, A, 1000, S1, 53, 0, &a4, &p4);
	/* anyone may use the mapping */
	fwd46(17, S2, 9999, a4, p4, 0, A, 1000);
	assert_int_equal(nat64_table_sessions(tab), 2);
	fwd64(17, A, 1000, S2, 9999, 0, &a4, &p4);
}

static void t_filtering_address_dependent(void **state)
{
	(void)state;
	struct pk k;
	uint32_t a4;
	uint16_t p4;

	cfg.g.nat.address_dependent_filtering = true;
	fwd64(17, A, 1000, S1, 53, 0, &a4, &p4);
	/* another address: filtered */
	mk4(&k, 17, be4(S2), 53, a4, p4, 0);
	assert_int_equal(run(&k), XV_REPLY); /* RFC 6146 3.5.1: ICMPv4 3/13 back to S2 */
	assert_int_equal(k.p.family, 4);
	assert_int_equal(k.p.data[9], 1);
	assert_int_equal(k.p.data[20], 3);
	assert_int_equal(k.p.data[21], 13);
	assert_memory_equal(k.p.data + 16, &(uint32_t){ be4(S2) }, 4);
	assert_int_equal(ctr[JSTAT_ADF], 1);
	assert_int_equal(nat64_table_sessions(tab), 1);
	/* the same address from another port: allowed (address-, not port-dependent) */
	fwd46(17, S1, 5353, a4, p4, 0, A, 1000);
	assert_int_equal(nat64_table_sessions(tab), 2);
	/* once A talks to S2, S2 gets through */
	fwd64(17, A, 1000, S2, 7, 0, &a4, &p4);
	fwd46(17, S2, 53, a4, p4, 0, A, 1000);
	/* ICMP queries: replies from another address are filtered too */
	fwd64(58, A, 0x77, S1, 0, 0, &a4, &p4);
	mk4(&k, 1, be4(S2), 0, a4, p4, 0);
	assert_int_equal(run(&k), XV_REPLY);
	assert_int_equal(ctr[JSTAT_ADF], 2);
	fwd46(1, S1, 0, a4, p4, 0, A, 0x77);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(t_pool4_exhaustion),
		T(t_pool4_parity),
		T(t_pool4_parity_fallback),
		T(t_pool4_paired_pooling),
		T(t_pool4_worker_slices),
		T(t_pool4_odd_bounds),
		T(t_pool4_range_preservation),
		T(t_pool4_skips_static),
		T(t_pool4_guess),
		T(t_eim),
		T(t_filtering_endpoint_independent),
		T(t_filtering_address_dependent),
	};
	return EAL_TEST_RUN("tnat64pool4", "64", tests);
}
