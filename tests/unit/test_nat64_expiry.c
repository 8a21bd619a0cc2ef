/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Stateful NAT64 (RFC 6146) in lib/: expiry with an injected clock (3.5.2,
 * 3.5.3, 4: timers, order, refresh, budget), fragment tracking, table limits and
 * burst lookups.
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

/* ------------------------------------------------------------------------ */
/* Expiry with an injected clock                                            */
/* ------------------------------------------------------------------------ */

static void t_expire_udp_timing(void **state)
{
	(void)state;
	struct pk k;
	uint32_t a4;
	uint16_t p4;
	const uint64_t T = G()->udp_timeout_ms;

	now_ms(1000);
	fwd64(17, A, 1000, S1, 53, 0, &a4, &p4);
	assert_int_equal(sess_expires(17, A, 1000, S1), 1000 + T);
	assert_int_equal(nat64_expire(tab, &cfg, 1000 + T - 1, 64), 0);
	assert_int_equal(nat64_table_sessions(tab), 1);
	nat64_expire(tab, &cfg, 1000 + T, 64);
	assert_int_equal(nat64_table_sessions(tab), 0);
	assert_int_equal(nat64_table_bibs(tab), 0); /* its BIB entry had no other session */
	now_ms(1000 + T + 1);
	mk4(&k, 17, be4(S1), 53, a4, p4, 0);
	assert_int_not_equal(run(&k), XV_FORWARD);
	assert_int_equal(ctr[JSTAT_BIB4_NOT_FOUND], 1);
}

/* Refreshes move a session to the back; sessions go in expiry order; a BIB entry stays while it has one. */
static void t_expire_order_and_refresh(void **state)
{
	(void)state;
	uint32_t a4, b4;
	uint16_t p4, q4;
	const uint64_t T = G()->udp_timeout_ms;

	now_ms(0);
	fwd64(17, A, 1000, S1, 53, 0, &a4, &p4); /* s1 at 0 */
	now_ms(10000);
	fwd64(17, A, 1000, S2, 53, 0, &a4, &p4); /* s2 at 10 s, same BIB */
	now_ms(15000);
	fwd64(17, B, 1000, S1, 53, 0, &b4, &q4); /* s3 at 15 s */
	now_ms(20000);
	fwd46(17, S1, 53, a4, p4, 0, A, 1000); /* s1 refreshed from IPv4 at 20 s */

	nat64_expire(tab, &cfg, T + 9999, 64);
	assert_int_equal(nat64_table_sessions(tab), 3);
	nat64_expire(tab, &cfg, T + 10000, 64);
	assert_false(sess(17, A, 1000, S2, NULL));
	assert_true(sess(17, A, 1000, S1, NULL));
	assert_int_equal(nat64_table_bibs(tab), 2);
	nat64_expire(tab, &cfg, T + 15000, 64);
	assert_false(sess(17, B, 1000, S1, NULL));
	assert_int_equal(nat64_table_bibs(tab), 1);
	/* the refresh relinked s1 with its slack (NAT64_TIMER_SLACK): never before T after its last packet */
	nat64_expire(tab, &cfg, T + 20000, 64);
	assert_true(sess(17, A, 1000, S1, NULL));
	nat64_expire(tab, &cfg, T + 20000 + NAT64_TIMER_SLACK(T) - 1, 64);
	assert_true(sess(17, A, 1000, S1, NULL));
	nat64_expire(tab, &cfg, T + 20000 + NAT64_TIMER_SLACK(T), 64);
	assert_int_equal(nat64_table_sessions(tab), 0);
	assert_int_equal(nat64_table_bibs(tab), 0);
}

/*
 * Lazy refresh (lib/nat64_db.h refresh()): packets within the slack of a relink
 * leave the lists alone, yet no timer runs out before T after a session's last
 * packet, nor later than T + slack after it; sessions behind one that was
 * refreshed still go in their order, each on time.
 */
static void t_expire_lazy_refresh(void **state)
{
	(void)state;
	uint32_t a4, b4;
	uint16_t p4, q4;
	const uint64_t T = G()->udp_timeout_ms, S = NAT64_TIMER_SLACK(T);

	assert_true(S > 1000);
	now_ms(0);
	fwd64(17, A, 1000, S1, 53, 0, &a4, &p4); /* s1: 0 + T, exact */
	assert_int_equal(sess_expires(17, A, 1000, S1), T);
	now_ms(1000);
	fwd64(17, B, 1000, S1, 53, 0, &b4, &q4); /* s2: 1000 + T */
	now_ms(2000);
	fwd46(17, S1, 53, a4, p4, 0, A, 1000); /* s1 refreshed: relinked behind s2, at 2000 + T + S */
	assert_int_equal(sess_expires(17, A, 1000, S1), 2000 + T + S);
	/* packets within the slack leave the timer where it is: it is still at least T ahead of them */
	for (uint64_t t = 3000; t <= 2000 + S; t += 500) {
		now_ms(t);
		fwd64(17, A, 1000, S1, 53, 0, &a4, &p4);
		fwd46(17, S1, 53, a4, p4, 0, A, 1000);
		assert_int_equal(sess_expires(17, A, 1000, S1), 2000 + T + S);
	}
	/* one more past the slack relinks it again */
	const uint64_t last = 2000 + S + 1;
	now_ms(last);
	fwd64(17, A, 1000, S1, 53, 0, &a4, &p4);
	assert_int_equal(sess_expires(17, A, 1000, S1), last + T + S);

	/* s1 survives its first deadline (T) and s2's; s2 goes on time although s1 was ahead of it */
	nat64_expire(tab, &cfg, T, 64);
	assert_true(sess(17, A, 1000, S1, NULL));
	nat64_expire(tab, &cfg, 1000 + T - 1, 64);
	assert_true(sess(17, B, 1000, S1, NULL));
	nat64_expire(tab, &cfg, 1000 + T, 64);
	assert_false(sess(17, B, 1000, S1, NULL));
	assert_true(sess(17, A, 1000, S1, NULL));
	/* never before T after its last packet; gone by T + slack after it */
	nat64_expire(tab, &cfg, last + T - 1, 64);
	assert_true(sess(17, A, 1000, S1, NULL));
	nat64_expire(tab, &cfg, last + T + S, 64);
	assert_false(sess(17, A, 1000, S1, NULL));
	assert_int_equal(nat64_table_sessions(tab), 0);
	assert_int_equal(nat64_table_bibs(tab), 0);
}

/* A TCP state change to another timer relinks at once, exactly: the slack is only for refreshes of the same timer. */
static void t_expire_lazy_refresh_tcp_list_change(void **state)
{
	(void)state;
	uint32_t a4;
	uint16_t p4;
	const uint64_t E = G()->tcp_est_timeout_ms, T = G()->tcp_trans_timeout_ms;

	now_ms(0);
	handshake6(A, 1000, S1, 80, &a4, &p4); /* established at 0: E */
	assert_int_equal(sess_expires(6, A, 1000, S1), E);
	now_ms(10);
	fwd46(6, S1, 80, a4, p4, RST, A, 1000); /* TRANS: the transitory timer, from now */
	assert_int_equal(sess_state(6, A, 1000, S1), TCP_TRANS);
	assert_int_equal(sess_expires(6, A, 1000, S1), 10 + T);
	nat64_expire(tab, &cfg, 10 + T - 1, 64);
	assert_true(sess(6, A, 1000, S1, NULL));
	nat64_expire(tab, &cfg, 10 + T, 64);
	assert_false(sess(6, A, 1000, S1, NULL));
}

static void t_expire_budget(void **state)
{
	(void)state;
	uint32_t a4;
	uint16_t p4;

	now_ms(0);
	for (unsigned i = 0; i < 10; i++)
		fwd64(17, A, (uint16_t)(1000 + i), S1, 53, 0, &a4, &p4);
	assert_int_equal(nat64_expire(tab, &cfg, G()->udp_timeout_ms, 4), 4);
	assert_int_equal(nat64_table_sessions(tab), 6);
	/* the oldest went first */
	assert_false(sess(17, A, 1003, S1, NULL));
	assert_true(sess(17, A, 1004, S1, NULL));
	assert_int_equal(nat64_expire(tab, &cfg, G()->udp_timeout_ms, 100), 6);
	assert_int_equal(nat64_table_sessions(tab), 0);
}

/* An established TCP session that runs out gets the transitory timer (Jool), then goes. */
static void t_expire_tcp_est_then_trans(void **state)
{
	(void)state;
	uint32_t a4;
	uint16_t p4;
	const uint64_t E = G()->tcp_est_timeout_ms, T = G()->tcp_trans_timeout_ms;

	now_ms(0);
	handshake6(A, 1000, S1, 80, &a4, &p4);
	nat64_expire(tab, &cfg, E - 1, 64);
	assert_int_equal(sess_state(6, A, 1000, S1), TCP_ESTABLISHED);
	nat64_expire(tab, &cfg, E, 64);
	assert_int_equal(sess_state(6, A, 1000, S1), TCP_TRANS);
	assert_int_equal(sess_expires(6, A, 1000, S1), E + T);
	nat64_expire(tab, &cfg, E + T - 1, 64);
	assert_true(sess(6, A, 1000, S1, NULL));
	nat64_expire(tab, &cfg, E + T, 64);
	assert_false(sess(6, A, 1000, S1, NULL));
	assert_int_equal(nat64_table_bibs(tab), 0);

	/* a packet during TRANS revives it */
	now_ms(E + T + 1000);
	handshake6(A, 1001, S1, 80, &a4, &p4);
	nat64_expire(tab, &cfg, E + T + 1000 + E, 64);
	assert_int_equal(sess_state(6, A, 1001, S1), TCP_TRANS);
	now_ms(E + T + 1000 + E + 10);
	fwd46(6, S1, 80, a4, p4, ACK, A, 1001);
	assert_int_equal(sess_state(6, A, 1001, S1), TCP_ESTABLISHED);
	nat64_expire(tab, &cfg, E + T + 1000 + E + T, 64);
	assert_true(sess(6, A, 1001, S1, NULL));

	/* an unanswered SYN lives on the transitory timer */
	now_ms(0);
	use_table(mktable(4096, 0, 1));
	fwd64(6, A, 1002, S1, 80, SYN, &a4, &p4);
	nat64_expire(tab, &cfg, T - 1, 64);
	assert_true(sess(6, A, 1002, S1, NULL));
	nat64_expire(tab, &cfg, T, 64);
	assert_false(sess(6, A, 1002, S1, NULL));
}

static void t_expire_icmp(void **state)
{
	(void)state;
	uint32_t a4;
	uint16_t p4;
	const uint64_t I = G()->icmp_timeout_ms;

	now_ms(500);
	fwd64(58, A, 42, S1, 0, 0, &a4, &p4);
	fwd64(17, A, 42, S1, 53, 0, &a4, &p4);
	nat64_expire(tab, &cfg, 500 + I - 1, 64);
	assert_true(sess(1, A, 42, S1, NULL));
	nat64_expire(tab, &cfg, 500 + I, 64);
	assert_false(sess(1, A, 42, S1, NULL));
	assert_true(sess(17, A, 42, S1, NULL)); /* UDP lives longer */
	assert_int_equal(nat64_table_bibs(tab), 1);
}

/* Static BIB entries outlive their sessions: the IPv4 side can always reach them. */
static void t_expire_static_bib_survives(void **state)
{
	(void)state;
	uint32_t a4;
	uint16_t p4;

	bib_add_static(17, A, 53, POOL, 5353);
	now_ms(0);
	fwd46(17, S1, 1111, be4(POOL), 5353, 0, A, 53);
	fwd64(17, A, 53, S2, 2222, 0, &a4, &p4);
	assert_addr4(a4, be4(POOL));
	assert_int_equal(p4, 5353);
	nat64_expire(tab, &cfg, G()->udp_timeout_ms, 64);
	assert_int_equal(nat64_table_sessions(tab), 0);
	now_ms(G()->udp_timeout_ms + 1);
	fwd46(17, S2, 3333, be4(POOL), 5353, 0, A, 53);
	fwd64(17, A, 53, S1, 1111, 0, &a4, &p4);
	assert_int_equal(p4, 5353);
	/* and the port stays out of dynamic allocation */
	nat64_expire(tab, &cfg, 10 * G()->udp_timeout_ms, 64);
	pool_clear();
	pool_add(17, POOL, 32, 5352, 5353);
	assert_int_equal(out6(17, B, 5352, S1, 53, 0, &a4, &p4), OK);
	assert_int_equal(p4, 5352);
	assert_int_equal(out6(17, B, 5353, S1, 53, 0, &a4, &p4), XLAT_POOL4_EXHAUSTED);
}

/* ------------------------------------------------------------------------ */
/* Fragment tracking                                                        */
/* ------------------------------------------------------------------------ */

/*
 * The fragment table keeps the most recent datagrams: the newest entry is
 * always found, even when a first fragment was seen twice (retransmission, ID
 * reuse) and the table has since wrapped around its 4096 entries.
 */
static void t_frag_tracking_newest_kept(void **state)
{
	(void)state;
	uint8_t s4[4], d4[4], a6[16];
	uint32_t a4;
	uint32_t s = be4(S1), d = be4(POOL);

	memcpy(s4, &s, 4);
	memcpy(d4, &d, 4);
	now_ms(1000);
	nat64_frag_put(&ctx, 4, 17, 7, s4, d4, 0, A);
	nat64_frag_put(&ctx, 4, 17, 7, s4, d4, 0, A); /* the same first fragment again */
	assert_int_equal(nat64_frag_get(&ctx, 4, 17, 7, s4, d4, &a4, a6), 0);
	for (uint32_t id = 100; id < 100 + 4096 + 8; id++) {
		nat64_frag_put(&ctx, 4, 17, id, s4, d4, 0, B);
		if (nat64_frag_get(&ctx, 4, 17, id, s4, d4, &a4, a6) != 0)
			fail_msg("fragment entry %u, just put, not found", id);
		assert_memory_equal(a6, B, 16);
	}
	/* and the last 4000 are all still there */
	for (uint32_t id = 100 + 4096 + 8 - 4000; id < 100 + 4096 + 8; id++)
		if (nat64_frag_get(&ctx, 4, 17, id, s4, d4, &a4, a6) != 0)
			fail_msg("fragment entry %u lost", id);
	/* 2 s later they are gone */
	now_ms(1000 + 2001);
	assert_int_not_equal(nat64_frag_get(&ctx, 4, 17, 100 + 4096, s4, d4, &a4, a6), 0);
}

/* ------------------------------------------------------------------------ */
/* Limits                                                                   */
/* ------------------------------------------------------------------------ */

/*
 * nat64_lookup_burst + nat64_hint (the worker's bulk lookups): a hint is the
 * packet's session when it has one; a hint that is not this flow's (another
 * packet's, or a session gone since) is ignored and the lookup done as usual,
 * so results never depend on hints.
 */
static void udp6_hdr(uint8_t *p, const uint8_t *src6, uint16_t sport, const char *dst4, uint16_t dport)
{
	uint32_t d4 = be4(dst4);

	memset(p, 0, 48);
	p[0] = 0x60;
	p[5] = 8;
	p[6] = 17;
	p[7] = 64;
	memcpy(p + 8, src6, 16);
	memcpy(p + 24, ip6("64:ff9b::"), 12);
	memcpy(p + 36, &d4, 4);
	p[40] = (uint8_t)(sport >> 8);
	p[41] = (uint8_t)sport;
	p[42] = (uint8_t)(dport >> 8);
	p[43] = (uint8_t)dport;
}

static void t_lookup_burst_hints(void **state)
{
	(void)state;
	uint8_t pa[48], pb[48], p4[28];
	uint32_t a4, b4, x4;
	uint16_t ap, bp, xp, p6;
	uint8_t a6[16];

	fwd64(17, A, 1000, S1, 53, 0, &a4, &ap);
	fwd64(17, B, 2000, S1, 53, 0, &b4, &bp);
	assert_int_equal(ctr[XLAT_NAT64_SESSION_CREATED], 2);
	udp6_hdr(pa, A, 1000, S1, 53);
	udp6_hdr(pb, B, 2000, S1, 53);
	memset(p4, 0, sizeof(p4));
	p4[0] = 0x45;
	p4[9] = 17;
	uint32_t s1 = be4(S1);
	memcpy(p4 + 12, &s1, 4);
	memcpy(p4 + 16, &b4, 4);
	p4[21] = 53;
	p4[22] = (uint8_t)(bp >> 8);
	p4[23] = (uint8_t)bp;
	const uint8_t *l3[4] = { pa, pb, NULL, p4 };
	uint32_t len[4] = { 48, 48, 0, 28 };

	nat64_lookup_burst(&ctx, l3, len, 4);
	/* each packet with its own hint */
	nat64_hint(&ctx, 0);
	assert_int_equal(out6(17, A, 1000, S1, 53, 0, &x4, &xp), OK);
	assert_true(x4 == a4 && xp == ap);
	nat64_hint(&ctx, 3);
	assert_int_equal(in4(17, S1, 53, b4, bp, 0, a6, &p6), OK);
	assert_memory_equal(a6, B, 16);
	assert_int_equal(p6, 2000);
	/* someone else's hint, and none (a NULL frame): the lookup is still right */
	nat64_hint(&ctx, 1);
	assert_int_equal(out6(17, A, 1000, S1, 53, 0, &x4, &xp), OK);
	assert_true(x4 == a4 && xp == ap);
	nat64_hint(&ctx, 2);
	assert_int_equal(out6(17, B, 2000, S1, 53, 0, &x4, &xp), OK);
	assert_true(x4 == b4 && xp == bp);
	nat64_hint(&ctx, 3); /* B's session for A's reply */
	assert_int_equal(in4(17, S1, 53, a4, ap, 0, a6, &p6), OK);
	assert_memory_equal(a6, A, 16);
	assert_int_equal(ctr[XLAT_NAT64_SESSION_CREATED], 2);

	/* a hint whose session expired since: B's flow gets a new session, not the dead one */
	nat64_lookup_burst(&ctx, l3, len, 2);
	nat64_expire(tab, &cfg, 1000 + G()->udp_timeout_ms + 1, 64);
	assert_int_equal(nat64_table_sessions(tab), 0);
	now_ms(1000 + G()->udp_timeout_ms + 2);
	nat64_hint(&ctx, 1);
	assert_int_equal(out6(17, B, 2000, S1, 53, 0, &x4, &xp), OK);
	assert_int_equal(ctr[XLAT_NAT64_SESSION_CREATED], 3);
	assert_int_equal(nat64_table_sessions(tab), 1);
}

/*
 * New flows in a burst: the burst's misses (session, and BIB entry looked up
 * in bulk) spare nat64_out() its lookups, but only while they still hold: a
 * flow twice in one burst gets one session, two flows of one IPv6 transport
 * address one BIB entry (EIM), and a BIB entry gone since the burst is not
 * used.
 */
static void t_lookup_burst_new_flows(void **state)
{
	(void)state;
	uint8_t p0[48], p1[48], p2[48], p3[48];
	uint32_t x4[4];
	uint16_t xp[4];

	now_ms(1000);
	udp6_hdr(p0, A, 1000, S1, 53);
	udp6_hdr(p1, A, 1000, S1, 53); /* the same flow again */
	udp6_hdr(p2, A, 1000, S2, 53); /* same BIB entry, another session */
	udp6_hdr(p3, B, 1000, S1, 53);
	const uint8_t *l3[4] = { p0, p1, p2, p3 };
	uint32_t len[4] = { 48, 48, 48, 48 };

	nat64_lookup_burst(&ctx, l3, len, 4);
	nat64_hint(&ctx, 0);
	assert_int_equal(out6(17, A, 1000, S1, 53, 0, &x4[0], &xp[0]), OK);
	nat64_hint(&ctx, 1);
	assert_int_equal(out6(17, A, 1000, S1, 53, 0, &x4[1], &xp[1]), OK);
	nat64_hint(&ctx, 2);
	assert_int_equal(out6(17, A, 1000, S2, 53, 0, &x4[2], &xp[2]), OK);
	nat64_hint(&ctx, 3);
	assert_int_equal(out6(17, B, 1000, S1, 53, 0, &x4[3], &xp[3]), OK);
	assert_int_equal(ctr[XLAT_NAT64_SESSION_CREATED], 3);
	assert_int_equal(ctr[XLAT_NAT64_BIB_CREATED], 2);
	assert_int_equal(nat64_table_sessions(tab), 3);
	assert_int_equal(nat64_table_bibs(tab), 2);
	assert_true(x4[1] == x4[0] && xp[1] == xp[0]);
	assert_true(x4[2] == x4[0] && xp[2] == xp[0]); /* EIM */
	assert_false(x4[3] == x4[0] && xp[3] == xp[0]);

	/* the burst saw A#1000's BIB entry; it goes (with its sessions) before the packet: a new one is made */
	udp6_hdr(p0, A, 1000, "198.51.100.9", 53);
	nat64_lookup_burst(&ctx, l3, len, 1);
	nat64_expire(tab, &cfg, 1000 + G()->udp_timeout_ms, 64);
	assert_int_equal(nat64_table_bibs(tab), 0);
	now_ms(1000 + G()->udp_timeout_ms + 1);
	nat64_hint(&ctx, 0);
	assert_int_equal(out6(17, A, 1000, "198.51.100.9", 53, 0, &x4[0], &xp[0]), OK);
	assert_int_equal(ctr[XLAT_NAT64_BIB_CREATED], 3);
	assert_int_equal(nat64_table_bibs(tab), 1);
	assert_int_equal(nat64_table_sessions(tab), 1);
	assert_true(sess(17, A, 1000, "198.51.100.9", NULL));
}

/*
 * New BIB entries made in a burst get the ports they get without one: the
 * burst's first candidates for each (nat64_alloc4_prefetch) are used only
 * while they hold. Flows of one source to one server share F()'s bucket
 * (f-args 11), so each search moves it and the next such flow's candidates in
 * the same burst are stale; other sources' are not. 32 ports for 40 flows:
 * searches run into taken ports, then into the other parity's (RFC 4787
 * REQ-4's fallback), then the pool runs out.
 */
#define BURST_FLOWS 40

static void burst_flow(unsigned i, uint8_t src[16], uint16_t *sport)
{
	memcpy(src, A, 16);
	src[15] = (uint8_t)(0x10 + i % 3);
	*sport = (uint16_t)(3000 + 2 * i);
}

static void t_lookup_burst_ports(void **state)
{
	(void)state;
	uint32_t want4[BURST_FLOWS], got4;
	uint16_t wantp[BURST_FLOWS], gotp, sport;
	int wantr[BURST_FLOWS];
	uint8_t src[16], pkt[8][48];
	unsigned guessed = 0;

	now_ms(1000);
	pool_clear();
	pool_add(17, POOL, 32, 2000, 2031);
	for (unsigned i = 0; i < BURST_FLOWS; i++) { /* without bursts */
		burst_flow(i, src, &sport);
		wantr[i] = out6(17, src, sport, S1, 53, 0, &want4[i], &wantp[i]);
	}
	assert_int_equal(wantr[0], OK);
	assert_int_equal(wantr[BURST_FLOWS - 1], XLAT_POOL4_EXHAUSTED);
	use_table(mktable(4096, 0, 1));
	for (unsigned b = 0; b < BURST_FLOWS; b += 8) { /* the same flows in bursts of 8, on a new table */
		const uint8_t *l3[8];
		uint32_t len[8];
		for (unsigned j = 0; j < 8; j++) {
			burst_flow(b + j, src, &sport);
			udp6_hdr(pkt[j], src, sport, S1, 53);
			l3[j] = pkt[j];
			len[j] = 48;
		}
		nat64_lookup_burst(&ctx, l3, len, 8);
		for (unsigned j = 0; j < 8; j++) {
			guessed += tab->bcand[j].n > 0;
			burst_flow(b + j, src, &sport);
			nat64_hint(&ctx, j);
			int r = out6(17, src, sport, S1, 53, 0, &got4, &gotp);
			assert_int_equal(r, wantr[b + j]);
			if (r == OK && (got4 != want4[b + j] || gotp != wantp[b + j]))
				fail_msg("flow %u: port %u in a burst, %u without", b + j, gotp, wantp[b + j]);
		}
	}
	assert_true(guessed >= 16); /* the burst guessed (while there were ports of the parity to guess) */
	/*
	 * and each session was filed under its own IPv4 side (not a stale guess's): the servers' answers
	 * find it, not just its BIB entry (which would make them a new session)
	 */
	uint64_t made = ctr[XLAT_NAT64_SESSION_CREATED];
	for (unsigned i = 0; i < BURST_FLOWS; i++) {
		uint8_t a6[16];
		uint16_t p6;
		if (wantr[i] != OK)
			continue;
		burst_flow(i, src, &sport);
		assert_int_equal(in4(17, S1, 53, want4[i], wantp[i], 0, a6, &p6), OK);
		assert_memory_equal(a6, src, 16);
		assert_int_equal(p6, sport);
	}
	assert_int_equal(ctr[XLAT_NAT64_SESSION_CREATED], made);
}

/* A full table refuses new flows (counted, ICMPv6 1/3) and keeps the old ones working. */
static void t_table_full(void **state)
{
	(void)state;
	const unsigned MAX = 1024;
	uint32_t a4[1024 + 1];
	uint16_t p4[1024 + 1];
	struct pk k;
	unsigned made = 0;

	use_table(mktable(MAX, 0, 1));
	now_ms(1000); /* (at 0 the ICMP error rate limiter has no tokens yet) */
	for (unsigned i = 0; i <= MAX; i++) {
		uint8_t src[16];
		memcpy(src, ip6("2001:db8:7::"), 16);
		src[14] = (uint8_t)(i >> 8);
		src[15] = (uint8_t)i;
		int r = out6(17, src, 1000, S1, 53, 0, &a4[i], &p4[i]);
		if (r != OK) {
			assert_int_equal(r, XLAT_NAT64_TABLE_FULL);
			break;
		}
		made++;
	}
	if (made != MAX)
		fail_msg("a table for %u sessions took %u", MAX, made);
	assert_int_equal(nat64_table_sessions(tab), MAX);

	mk6(&k, 17, B, 1000, p6(S1), 53, 0);
	assert_int_equal(run(&k), XV_REPLY);
	assert_int_equal(ctr[XLAT_NAT64_TABLE_FULL], 1);
	const uint8_t *l4 = o6(&k);
	assert_int_equal(l4[0], 1);
	assert_int_equal(l4[1], 3);
	/* another session on an existing BIB entry is refused too */
	mk6(&k, 17, ip6("2001:db8:7::"), 1000, p6(S2), 53, 0);
	assert_int_equal(run(&k), XV_REPLY);
	assert_int_equal(nat64_table_bibs(tab), MAX);

	/* old flows, both ways */
	for (unsigned i = 0; i < MAX; i += 97) {
		uint8_t src[16];
		memcpy(src, ip6("2001:db8:7::"), 16);
		src[14] = (uint8_t)(i >> 8);
		src[15] = (uint8_t)i;
		uint32_t x4;
		uint16_t xp;
		fwd64(17, src, 1000, S1, 53, 0, &x4, &xp);
		assert_addr4(x4, a4[i]);
		assert_int_equal(xp, p4[i]);
		fwd46(17, S1, 53, a4[i], p4[i], 0, src, 1000);
	}
	/* room again after expiry */
	nat64_expire(tab, &cfg, 1000 + G()->udp_timeout_ms, 2 * MAX);
	assert_int_equal(nat64_table_sessions(tab), 0);
	uint32_t x4;
	uint16_t xp;
	fwd64(17, B, 1000, S1, 53, 0, &x4, &xp);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(t_expire_udp_timing),
		T(t_expire_order_and_refresh),
		T(t_expire_lazy_refresh),
		T(t_expire_lazy_refresh_tcp_list_change),
		T(t_expire_budget),
		T(t_expire_tcp_est_then_trans),
		T(t_expire_icmp),
		T(t_expire_static_bib_survives),
		T(t_frag_tracking_newest_kept),
		T(t_table_full),
		T(t_lookup_burst_hints),
		T(t_lookup_burst_new_flows),
		T(t_lookup_burst_ports),
	};
	return EAL_TEST_RUN("tnat64exp", "64", tests);
}
