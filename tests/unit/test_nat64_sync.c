/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * HA session synchronisation, lib's half (lib/nat64_sync.c, nat64_redirect.c):
 * what a table tells its sync ring as traffic goes through it, what a peer's
 * records make of another table, the bulk walk, and the ports a peer with
 * another worker count allocated (the redirect map).
 *
 * The property the failover test (tests/e2e/ha.sh) rests on is checked here
 * packet by packet: traffic through table "a", its records installed into an
 * empty table "b", and then b translates the same flows both ways exactly as a
 * did (same pool4 address and port, same IPv6 host and port, TCP state kept).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "eal_test.h"
#include "nat64.h"
#include "nat64_fixture.h"
#include "nat64_redirect.h"
#include "nat64_sync.h"
#include "pktbuild.h"

#define C ip6("2001:db8:6::c")

static struct rte_ring *ring;
static unsigned ring_seq;

static struct rte_ring *mkring(unsigned size)
{
	char name[24];

	snprintf(name, sizeof(name), "sr%u", ring_seq++);
	struct rte_ring *r = rte_ring_create_elem(name, sizeof(struct sync_session), size, SOCKET_ID_ANY,
						  RING_F_SP_ENQ | RING_F_SC_DEQ | RING_F_EXACT_SZ);
	if (!r)
		fail_msg("rte_ring_create_elem(%u) failed", size);
	return r;
}

static int setup_sync(void **state)
{
	setup(state);
	ring = mkring(1024);
	nat64_sync_attach(tab, ring);
	return 0;
}

static int teardown_sync(void **state)
{
	teardown(state);
	rte_ring_free(ring);
	ring = NULL;
	cfg.redirect = NULL;
	return 0;
}

/* Everything the ring holds, in order (at most max). */
static unsigned drain(struct sync_session *out, unsigned max)
{
	return rte_ring_sc_dequeue_burst_elem(ring, out, sizeof(*out), max, NULL);
}

static unsigned pending(void)
{
	return rte_ring_count(ring);
}

/* ------------------------------------------------------------------------ */
/* Events                                                                   */
/* ------------------------------------------------------------------------ */

static void t_new_udp_session_is_one_record(void **state)
{
	(void)state;
	uint32_t a4;
	uint16_t p4;
	struct sync_session r[4];

	fwd64(17, A, 5000, S1, 53, 0, &a4, &p4);
	assert_int_equal(drain(r, 4), 1);
	assert_int_equal(r[0].op, SYNC_UPSERT);
	assert_int_equal(r[0].proto, 17);
	assert_addr6(r[0].addr6, A);
	assert_int_equal(r[0].port6, 5000);
	assert_addr4(r[0].addr4, a4);
	assert_int_equal(r[0].port4, p4);
	assert_addr4(r[0].remote4, be4(S1));
	assert_int_equal(r[0].rport, 53);
	/* the whole timeout is left (the table's clock: its last expiry round) */
	assert_in_range(r[0].expires_ms, cfg.g.nat.udp_timeout_ms - 1000, cfg.g.nat.udp_timeout_ms + 1000);
	/* the next packets of the flow only refresh: nothing more to say for now */
	for (unsigned i = 0; i < 10; i++) {
		now_ms(1000 + i * 100);
		fwd64(17, A, 5000, S1, 53, 0, &a4, &p4);
		fwd46(17, S1, 53, a4, p4, 0, A, 5000);
	}
	assert_int_equal(pending(), 0);
}

/* The TCP state machine's every step reaches the peer, a new session's first (V6 INIT) included. */
static void t_tcp_state_changes(void **state)
{
	(void)state;
	uint32_t a4;
	uint16_t p4;
	struct sync_session r[8];

	fwd64(6, A, 40000, S1, 80, TCPF_SYN, &a4, &p4);
	assert_int_equal(drain(r, 8), 1);
	assert_int_equal(r[0].tcp_state, TCP_V6_INIT);
	fwd46(6, S1, 80, a4, p4, TCPF_SYN | 0x10, A, 40000);
	assert_int_equal(drain(r, 8), 1);
	assert_int_equal(r[0].tcp_state, TCP_ESTABLISHED);
	assert_in_range(r[0].expires_ms, cfg.g.nat.tcp_est_timeout_ms - 1000, cfg.g.nat.tcp_est_timeout_ms + 1000);
	/* data both ways: no change, no record */
	fwd64(6, A, 40000, S1, 80, 0x10, &a4, &p4);
	fwd46(6, S1, 80, a4, p4, 0x10, A, 40000);
	assert_int_equal(pending(), 0);
	fwd64(6, A, 40000, S1, 80, TCPF_FIN | 0x10, &a4, &p4);
	assert_int_equal(drain(r, 8), 1);
	assert_int_equal(r[0].tcp_state, TCP_V6_FIN_RCV);
	fwd46(6, S1, 80, a4, p4, TCPF_FIN | 0x10, A, 40000);
	assert_int_equal(drain(r, 8), 1);
	assert_int_equal(r[0].tcp_state, TCP_V4_FIN_V6_FIN_RCV);
}

/*
 * A busy UDP flow for 20 minutes, a packet a second: the peer hears of it once
 * per half timeout (2.5 min), not 1200 times; and each record leaves the
 * peer's copy at least half a timeout, so it never runs out under a live flow.
 */
static void t_refresh_coalesced(void **state)
{
	(void)state;
	uint32_t a4;
	uint16_t p4;
	struct sync_session r[64];
	const uint64_t T = cfg.g.nat.udp_timeout_ms, t0 = 1000;
	uint64_t peer_expiry = 0;
	unsigned records = 0;

	for (uint64_t s = 0; s < 1200; s++) {
		uint64_t now = t0 + s * 1000;
		now_ms(now);
		nat64_expire(tab, &cfg, now, 64);
		fwd64(17, A, 5000, S1, 53, 0, &a4, &p4);
		unsigned n = drain(r, 64);
		for (unsigned i = 0; i < n; i++) {
			/* the peer's copy would still have been alive when this came */
			if (peer_expiry)
				assert_true(peer_expiry >= now + T / 2 - 1000);
			peer_expiry = now + r[i].expires_ms;
		}
		records += n;
	}
	/* 20 min / 2.5 min = 8 crossings, and the first record */
	assert_in_range(records, 8, 10);
}

/* A TCP session that runs out of its established timer goes to TRANS: the peer's copy follows. */
static void t_established_timeout_to_trans(void **state)
{
	(void)state;
	uint32_t a4;
	uint16_t p4;
	struct sync_session r[8];

	fwd64(6, A, 40000, S1, 80, TCPF_SYN, &a4, &p4);
	fwd46(6, S1, 80, a4, p4, TCPF_SYN | 0x10, A, 40000);
	drain(r, 8);
	nat64_expire(tab, &cfg, 1000 + cfg.g.nat.tcp_est_timeout_ms + 1000, 64);
	assert_int_equal(drain(r, 8), 1);
	assert_int_equal(r[0].tcp_state, TCP_TRANS);
}

/* A full ring loses events, counted; the worker goes on translating. */
static void t_full_ring_drops_and_counts(void **state)
{
	(void)state;
	uint32_t a4;
	uint16_t p4;

	rte_ring_free(ring);
	ring = mkring(16);
	nat64_sync_attach(tab, ring);
	for (unsigned i = 0; i < 20; i++)
		fwd64(17, A, (uint16_t)(5000 + i), S1, 53, 0, &a4, &p4);
	assert_int_equal(pending(), 16);
	assert_int_equal(nat64_sync_dropped(tab), 4);
	assert_int_equal(nat64_table_sessions(tab), 20);
}

/* Detached, a table says nothing. */
static void t_detached_is_silent(void **state)
{
	(void)state;
	uint32_t a4;
	uint16_t p4;

	nat64_sync_attach(tab, NULL);
	fwd64(17, A, 5000, S1, 53, 0, &a4, &p4);
	fwd64(6, A, 40000, S1, 80, TCPF_SYN, &a4, &p4);
	assert_int_equal(pending(), 0);
	assert_int_equal(nat64_sync_dropped(tab), 0);
}

/* ------------------------------------------------------------------------ */
/* Installing a peer's sessions                                             */
/* ------------------------------------------------------------------------ */

/*
 * Flows through table a (this fixture's), their records into a fresh table b:
 * b then translates them both ways as a did, and new flows of the same hosts
 * keep their mapping (endpoint-independent: the BIB entry came along).
 */
static void t_install_then_translate_alike(void **state)
{
	(void)state;
	uint32_t ua4, ta4, ia4, a4;
	uint16_t up4, tp4, ip4, p4;
	struct sync_session r[16];

	fwd64(17, A, 5000, S1, 53, 0, &ua4, &up4);
	fwd64(6, B, 40000, S1, 80, TCPF_SYN, &ta4, &tp4);
	fwd46(6, S1, 80, ta4, tp4, TCPF_SYN | 0x10, B, 40000);
	fwd64(58, C, 77, S2, 0, 0, &ia4, &ip4);
	unsigned n = drain(r, 16);
	assert_int_equal(n, 4);

	struct nat64_table *b = mktable(4096, 0, 1);
	for (unsigned i = 0; i < n; i++) {
		enum nat64_install res = nat64_sync_install(b, &cfg, &r[i], 2000);
		assert_true(res == NAT64_INSTALL_NEW || res == NAT64_INSTALL_UPDATED);
	}
	assert_int_equal(nat64_table_sessions(b), 3);
	assert_int_equal(nat64_table_bibs(b), 3);
	use_table(b); /* a freed: b is all there is now, as after a failover */
	now_ms(3000);
	/* the replies find their sessions: same IPv6 hosts and ports */
	fwd46(17, S1, 53, ua4, up4, 0, A, 5000);
	fwd46(6, S1, 80, ta4, tp4, 0x10, B, 40000);
	fwd46(1, S2, 0, ia4, ip4, 0, C, 77);
	/* the IPv6 side keeps its pool4 address and port */
	fwd64(17, A, 5000, S1, 53, 0, &a4, &p4);
	assert_addr4(a4, ua4);
	assert_int_equal(p4, up4);
	fwd64(6, B, 40000, S1, 80, 0x10, &a4, &p4);
	assert_addr4(a4, ta4);
	assert_int_equal(p4, tp4);
	/* endpoint-independent mapping: A's same source port to another server, same mapping */
	fwd64(17, A, 5000, S2, 53, 0, &a4, &p4);
	assert_addr4(a4, ua4);
	assert_int_equal(p4, up4);
	/* nothing new was created for the synced flows (one new session: A to S2) */
	assert_int_equal(nat64_table_sessions(b), 4);
	/* an established TCP session needs no SYN: a data segment of the old connection went through above, and a
	 * SYN-less segment would have been refused (JSTAT_SYN6_EXPECTED) had its state not come along */
}

/* The same record twice (a refresh, a resend) updates: no second session. */
static void t_install_twice_updates(void **state)
{
	(void)state;
	uint32_t a4;
	uint16_t p4;
	struct sync_session r[4];

	fwd64(6, A, 40000, S1, 80, TCPF_SYN, &a4, &p4);
	drain(r, 4);
	struct nat64_table *b = mktable(4096, 0, 1);
	assert_int_equal(nat64_sync_install(b, &cfg, &r[0], 2000), NAT64_INSTALL_NEW);
	r[0].tcp_state = TCP_ESTABLISHED;
	assert_int_equal(nat64_sync_install(b, &cfg, &r[0], 2000), NAT64_INSTALL_UPDATED);
	assert_int_equal(nat64_table_sessions(b), 1);
	struct nat64_session_info si;
	assert_int_not_equal(nat64_session_next(b, 0, &si), 0);
	assert_int_equal(si.state, TCP_ESTABLISHED);
	nat64_table_free(b);
}

static struct sync_session rec(uint8_t proto, const uint8_t *a6, uint16_t p6, const char *a4, uint16_t p4,
			       const char *remote4, uint16_t rport)
{
	struct sync_session s = { .op = SYNC_UPSERT, .proto = proto, .port6 = p6, .port4 = p4, .rport = rport,
				  .expires_ms = 60000 };

	memcpy(s.addr6, a6, 16);
	s.addr4 = be4(a4);
	s.remote4 = be4(remote4);
	s.tcp_state = proto == 6 ? TCP_ESTABLISHED : 0;
	return s;
}

/* This box maps a side otherwise: its own mapping stays, the record is refused. */
static void t_install_conflicts_keep_ours(void **state)
{
	(void)state;
	uint32_t a4;
	uint16_t p4;

	fwd64(17, A, 5000, S1, 53, 0, &a4, &p4); /* here: A#5000 -> a4#p4 */
	/* the peer says A#5000 is another port */
	struct sync_session s = rec(17, A, 5000, POOL, (uint16_t)(p4 == 61001 ? 61003 : 61001), S1, 53);
	assert_int_equal(nat64_sync_install(tab, &cfg, &s, 1000), NAT64_INSTALL_CONFLICT);
	/* the peer gives our a4#p4 to another host */
	s = rec(17, B, 6000, POOL, p4, S1, 53);
	assert_int_equal(nat64_sync_install(tab, &cfg, &s, 1000), NAT64_INSTALL_CONFLICT);
	assert_int_equal(nat64_table_sessions(tab), 1);
	fwd46(17, S1, 53, a4, p4, 0, A, 5000);
}

/* Records that make no sense here are refused: nothing is created. */
static void t_install_invalid(void **state)
{
	(void)state;
	struct sync_session s = rec(17, A, 5000, POOL, 1000, S1, 53); /* port 1000: not in pool4 */
	assert_int_equal(nat64_sync_install(tab, &cfg, &s, 1000), NAT64_INSTALL_INVALID);
	s = rec(17, A, 5000, "192.0.2.9", 61001, S1, 53); /* not a pool4 address */
	assert_int_equal(nat64_sync_install(tab, &cfg, &s, 1000), NAT64_INSTALL_INVALID);
	s = rec(17, A, 5000, POOL, 61001, S1, 53);
	s.proto = 47;
	assert_int_equal(nat64_sync_install(tab, &cfg, &s, 1000), NAT64_INSTALL_INVALID);
	s = rec(6, A, 5000, POOL, 61001, S1, 53);
	s.tcp_state = TCP_CLOSED;
	assert_int_equal(nat64_sync_install(tab, &cfg, &s, 1000), NAT64_INSTALL_INVALID);
	s.tcp_state = 200;
	assert_int_equal(nat64_sync_install(tab, &cfg, &s, 1000), NAT64_INSTALL_INVALID);
	s = rec(17, A, 5000, POOL, 61001, S1, 53);
	s.op = SYNC_LOCAL_BIB_GONE;
	assert_int_equal(nat64_sync_install(tab, &cfg, &s, 1000), NAT64_INSTALL_INVALID);
	assert_int_equal(nat64_table_sessions(tab), 0);
	assert_int_equal(nat64_table_bibs(tab), 0);
}

/* A full table refuses, and leaves no BIB entry without a session behind. */
static void t_install_full(void **state)
{
	(void)state;
	struct nat64_table *b = mktable(8, 0, 1);
	unsigned ok = 0, full = 0;

	for (unsigned i = 0; i < 12; i++) {
		struct sync_session s = rec(17, A, (uint16_t)(5000 + i), POOL, (uint16_t)(61001 + i), S1, 53);
		enum nat64_install r = nat64_sync_install(b, &cfg, &s, 1000);
		ok += r == NAT64_INSTALL_NEW;
		full += r == NAT64_INSTALL_FULL;
	}
	assert_int_equal(ok, 8);
	assert_int_equal(full, 4);
	assert_int_equal(nat64_table_bibs(b), nat64_table_sessions(b));
	nat64_table_free(b);
}

/* A synced copy's timer is what the peer had left, never more than this box's timeout. */
static void t_install_timer(void **state)
{
	(void)state;
	struct sync_session s = rec(17, A, 5000, POOL, 61001, S1, 53);
	s.expires_ms = 10000;
	assert_int_equal(nat64_sync_install(tab, &cfg, &s, 1000), NAT64_INSTALL_NEW);
	assert_int_equal(nat64_expire(tab, &cfg, 1000 + 9999, 64), 0);
	assert_int_equal(nat64_expire(tab, &cfg, 1000 + 10000, 64), 1);
	s.expires_ms = 0xffffffffu;
	assert_int_equal(nat64_sync_install(tab, &cfg, &s, 20000), NAT64_INSTALL_NEW);
	assert_int_equal(nat64_expire(tab, &cfg, 20000 + cfg.g.nat.udp_timeout_ms - 1, 64), 0);
	assert_int_equal(nat64_expire(tab, &cfg, 20000 + cfg.g.nat.udp_timeout_ms, 64), 1);
}

/* Installing creates no event: two boxes never echo each other's records. */
static void t_install_is_silent(void **state)
{
	(void)state;
	struct sync_session s = rec(6, A, 5000, POOL, 61001, S1, 53);

	assert_int_equal(nat64_sync_install(tab, &cfg, &s, 1000), NAT64_INSTALL_NEW);
	s.tcp_state = TCP_V4_FIN_RCV;
	assert_int_equal(nat64_sync_install(tab, &cfg, &s, 1000), NAT64_INSTALL_UPDATED);
	assert_int_equal(pending(), 0);
}

/* ------------------------------------------------------------------------ */
/* Bulk                                                                     */
/* ------------------------------------------------------------------------ */

static void t_bulk_walk(void **state)
{
	(void)state;
	uint32_t a4;
	uint16_t p4;
	struct sync_session r[128];
	uint32_t pos = 0;
	unsigned calls = 0, got = 0;

	nat64_sync_attach(tab, NULL);
	for (unsigned i = 0; i < 100; i++)
		fwd64(17, A, (uint16_t)(1024 + i), S1, 53, 0, &a4, &p4);
	nat64_sync_attach(tab, ring);
	bool more = true;
	while (more) {
		unsigned emitted;
		more = nat64_sync_walk(tab, &pos, 30, &emitted);
		calls++;
		unsigned n = drain(r, 128);
		assert_true(n <= 30);
		assert_int_equal(n, emitted);
		got += n;
	}
	assert_int_equal(got, 100);
	assert_in_range(calls, 4, 5);
	/* walked into a fresh table, it is the same table */
	struct nat64_table *b = mktable(4096, 0, 1);
	pos = 0;
	unsigned emitted;
	assert_false(nat64_sync_walk(tab, &pos, 1000, &emitted));
	assert_int_equal(emitted, 100);
	unsigned n = drain(r, 128);
	for (unsigned i = 0; i < n; i++)
		assert_int_equal(nat64_sync_install(b, &cfg, &r[i], 1000), NAT64_INSTALL_NEW);
	assert_int_equal(nat64_table_sessions(b), 100);
	nat64_table_free(b);
}

/* ------------------------------------------------------------------------ */
/* Another worker count on the peer: the redirect map                       */
/* ------------------------------------------------------------------------ */

/* pool4 192.0.2.1 ports 2000-2003: pair 1000 (2000, 2001) is worker 0's of two, pair 1001 worker 1's. */
static int setup_redirect(void **state)
{
	setup_sync(state);
	pool_clear();
	for (unsigned i = 0; i < 3; i++)
		pool_add((uint8_t[]){ 6, 17, 1 }[i], POOL, 32, 2000, 2003);
	cfg.redirect = nat64_redirect_create("rd_test", 64, SOCKET_ID_ANY, NULL);
	assert_non_null(cfg.redirect);
	return 0;
}

static int teardown_redirect(void **state)
{
	nat64_redirect_free(cfg.redirect);
	return teardown_sync(state);
}

static void t_redirect_owner(void **state)
{
	(void)state;
	assert_int_equal(nat64_owner4(&cfg, 17, be4(POOL), 2000, 2), 0);
	assert_false(nat64_redirect_active(cfg.redirect));
	assert_int_equal(nat64_redirect_set(cfg.redirect, 17, be4(POOL), 2000, 1), 0);
	assert_true(nat64_redirect_active(cfg.redirect));
	assert_int_equal(nat64_owner4(&cfg, 17, be4(POOL), 2000, 2), 1);
	/* other protocols and ports keep their number's owner */
	assert_int_equal(nat64_owner4(&cfg, 6, be4(POOL), 2000, 2), 0);
	assert_int_equal(nat64_owner4(&cfg, 17, be4(POOL), 2001, 2), 0);
	/* set again: still one entry; deleted: none */
	assert_int_equal(nat64_redirect_set(cfg.redirect, 17, be4(POOL), 2000, 1), 0);
	assert_int_equal(nat64_redirect_count(cfg.redirect), 1);
	nat64_redirect_del(cfg.redirect, 17, be4(POOL), 2000);
	assert_int_equal(nat64_redirect_count(cfg.redirect), 0);
	assert_int_equal(nat64_owner4(&cfg, 17, be4(POOL), 2000, 2), 0);
}

/* Worker 0 of two never allocates a port of its own number that a peer gave worker 1. */
static void t_redirect_alloc_skips(void **state)
{
	(void)state;
	uint32_t a4;
	uint16_t p4;

	use_table(mktable(4096, 0, 2));
	assert_int_equal(nat64_redirect_set(cfg.redirect, 17, be4(POOL), 2000, 1), 0);
	fwd64(17, A, 5000, S1, 53, 0, &a4, &p4); /* even source port: 2000 would do, but is taken */
	assert_int_equal(p4, 2001);
	/* 2001 now taken here, 2000 elsewhere: worker 0 has nothing left */
	struct pk k;
	mk6(&k, 17, B, 5002, p6(S1), 53, 0);
	uint64_t exhausted = ctr[XLAT_POOL4_EXHAUSTED];
	assert_int_not_equal(run(&k), XV_FORWARD); /* refused (an ICMPv6 error back, RFC 6146 3.5.1.1) */
	assert_int_equal(ctr[XLAT_POOL4_EXHAUSTED], exhausted + 1);
}

/* A peer's session on a port whose number is another worker's: installed here, the port redirected to us. */
static void t_redirected_session_translates(void **state)
{
	(void)state;
	struct nat64_table *w1 = mktable(4096, 1, 2);
	struct sync_session s = rec(17, A, 5000, POOL, 2000, S1, 53);

	nat64_sync_attach(w1, ring);
	assert_int_equal(nat64_sync_install(w1, &cfg, &s, 1000), NAT64_INSTALL_NEW);
	assert_int_equal(nat64_redirect_set(cfg.redirect, 17, be4(POOL), 2000, 1), 0);
	use_table(w1);
	fwd46(17, S1, 53, be4(POOL), 2000, 0, A, 5000);
	/* a configuration change keeps it (nat64_purge: the port is ours by the map) */
	assert_int_equal(nat64_purge(w1, &cfg), 0);
	nat64_redirect_del(cfg.redirect, 17, be4(POOL), 2000);
	assert_int_equal(nat64_purge(w1, &cfg), 1);
}

/* When the redirected port's BIB entry goes, the sync thread hears of it to clear the map. */
static void t_redirected_bib_gone_event(void **state)
{
	(void)state;
	struct nat64_table *w1 = mktable(4096, 1, 2);
	struct sync_session s = rec(17, A, 5000, POOL, 2000, S1, 53), r[4];

	s.expires_ms = 1000;
	nat64_sync_attach(w1, ring);
	assert_int_equal(nat64_sync_install(w1, &cfg, &s, 1000), NAT64_INSTALL_NEW);
	/* one of its own ports (2002: worker 1's) going makes no such event */
	struct sync_session own = rec(17, B, 5000, POOL, 2002, S1, 53);
	own.expires_ms = 1000;
	assert_int_equal(nat64_sync_install(w1, &cfg, &own, 1000), NAT64_INSTALL_NEW);
	assert_int_equal(nat64_expire(w1, &cfg, 2000, 64), 2);
	assert_int_equal(drain(r, 4), 1);
	assert_int_equal(r[0].op, SYNC_LOCAL_BIB_GONE);
	assert_int_equal(r[0].proto, 17);
	assert_addr4(r[0].addr4, be4(POOL));
	assert_int_equal(r[0].port4, 2000);
	nat64_table_free(w1);
}

/* A refused record on a port the sync thread redirected here: the redirect is taken back. */
static void t_refused_redirected_install_takes_back(void **state)
{
	(void)state;
	struct nat64_table *w1 = mktable(4096, 1, 2);
	struct sync_session mine = rec(17, A, 5000, POOL, 2002, S1, 53), theirs = rec(17, A, 5000, POOL, 2000, S1, 53);
	struct sync_session r[4];

	nat64_sync_attach(w1, ring);
	assert_int_equal(nat64_sync_install(w1, &cfg, &mine, 1000), NAT64_INSTALL_NEW);
	assert_int_equal(nat64_sync_install(w1, &cfg, &theirs, 1000), NAT64_INSTALL_CONFLICT);
	assert_int_equal(drain(r, 4), 1);
	assert_int_equal(r[0].op, SYNC_LOCAL_BIB_GONE);
	assert_int_equal(r[0].port4, 2000);
	/* refused on one of its own ports: nothing to take back */
	struct sync_session own = rec(17, A, 5000, POOL, 2003, S1, 53);
	assert_int_equal(nat64_sync_install(w1, &cfg, &own, 1000), NAT64_INSTALL_CONFLICT);
	assert_int_equal(pending(), 0);
	nat64_table_free(w1);
}

/* ------------------------------------------------------------------------ */

#define T(f) cmocka_unit_test_setup_teardown(f, setup_sync, teardown_sync)
#define R(f) cmocka_unit_test_setup_teardown(f, setup_redirect, teardown_redirect)

int main(void)
{
	if (eal_test_start("tsync", "64") != 0)
		return 1;
	const struct CMUnitTest tests[] = {
		T(t_new_udp_session_is_one_record),
		T(t_tcp_state_changes),
		T(t_refresh_coalesced),
		T(t_established_timeout_to_trans),
		T(t_full_ring_drops_and_counts),
		T(t_detached_is_silent),
		T(t_install_then_translate_alike),
		T(t_install_twice_updates),
		T(t_install_conflicts_keep_ours),
		T(t_install_invalid),
		T(t_install_full),
		T(t_install_timer),
		T(t_install_is_silent),
		T(t_bulk_walk),
		R(t_redirect_owner),
		R(t_redirect_alloc_skips),
		R(t_redirected_session_translates),
		R(t_redirected_bib_gone_event),
		R(t_refused_redirected_install_takes_back),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	rte_eal_cleanup();
	return rc;
}
