/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Stateful NAT64 (RFC 6146) in lib/: the TCP state machine (3.5.2), transition by
 * transition on the table API and through packets; simultaneous open, stored SYNs.
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

/* ------------------------------------------------------------------------ */
/* RFC 6146 3.5.2.2: the TCP state machine, transition by transition        */
/* ------------------------------------------------------------------------ */


static void t_tcp_next_every_transition(void **state)
{
	(void)state;
	static const struct {
		enum tcp_state from;
		bool v6;
		uint8_t flags;
		bool rst_fin;
		enum tcp_state to;
	} t[] = {
		/* CLOSED: a SYN opens from either side; nothing else does */
		{ TCP_CLOSED, V6, SYN, false, TCP_V6_INIT },
		{ TCP_CLOSED, V4, SYN, false, TCP_V4_INIT },
		{ TCP_CLOSED, V6, ACK, false, TCP_CLOSED },
		{ TCP_CLOSED, V4, ACK | FIN, false, TCP_CLOSED },
		{ TCP_CLOSED, V6, RST, false, TCP_CLOSED },
		/* V6 INIT: the IPv4 SYN (SYN-ACK) establishes; the IPv6 side's SYN only refreshes */
		{ TCP_V6_INIT, V4, SYN | ACK, false, TCP_ESTABLISHED },
		{ TCP_V6_INIT, V4, SYN, false, TCP_ESTABLISHED },
		{ TCP_V6_INIT, V6, SYN, false, TCP_V6_INIT },
		{ TCP_V6_INIT, V6, ACK, false, TCP_V6_INIT },
		{ TCP_V6_INIT, V4, ACK, false, TCP_V6_INIT },
		/* V4 INIT: the IPv6 SYN establishes */
		{ TCP_V4_INIT, V6, SYN | ACK, false, TCP_ESTABLISHED },
		{ TCP_V4_INIT, V4, SYN, false, TCP_V4_INIT },
		{ TCP_V4_INIT, V6, ACK, false, TCP_V4_INIT },
		/* ESTABLISHED: FIN from a side, RST from either */
		{ TCP_ESTABLISHED, V4, FIN | ACK, false, TCP_V4_FIN_RCV },
		{ TCP_ESTABLISHED, V6, FIN | ACK, false, TCP_V6_FIN_RCV },
		{ TCP_ESTABLISHED, V4, RST, false, TCP_TRANS },
		{ TCP_ESTABLISHED, V6, RST | ACK, false, TCP_TRANS },
		{ TCP_ESTABLISHED, V6, ACK, false, TCP_ESTABLISHED },
		{ TCP_ESTABLISHED, V4, ACK, false, TCP_ESTABLISHED },
		/* V4 FIN RCV: the IPv6 FIN closes both; the rest keeps it */
		{ TCP_V4_FIN_RCV, V6, FIN | ACK, false, TCP_V4_FIN_V6_FIN_RCV },
		{ TCP_V4_FIN_RCV, V4, FIN | ACK, false, TCP_V4_FIN_RCV },
		{ TCP_V4_FIN_RCV, V6, ACK, false, TCP_V4_FIN_RCV },
		{ TCP_V4_FIN_RCV, V4, RST, false, TCP_V4_FIN_RCV },
		{ TCP_V4_FIN_RCV, V4, RST, true, TCP_TRANS }, /* handle-rst-during-fin-rcv */
		{ TCP_V4_FIN_RCV, V6, RST, true, TCP_TRANS },
		/* V6 FIN RCV: the IPv4 FIN closes both */
		{ TCP_V6_FIN_RCV, V4, FIN | ACK, false, TCP_V4_FIN_V6_FIN_RCV },
		{ TCP_V6_FIN_RCV, V6, FIN | ACK, false, TCP_V6_FIN_RCV },
		{ TCP_V6_FIN_RCV, V4, ACK, false, TCP_V6_FIN_RCV },
		{ TCP_V6_FIN_RCV, V6, RST, false, TCP_V6_FIN_RCV },
		{ TCP_V6_FIN_RCV, V6, RST, true, TCP_TRANS },
		/* V4 FIN + V6 FIN RCV: nothing moves it; it runs out */
		{ TCP_V4_FIN_V6_FIN_RCV, V6, ACK, false, TCP_V4_FIN_V6_FIN_RCV },
		{ TCP_V4_FIN_V6_FIN_RCV, V4, SYN, false, TCP_V4_FIN_V6_FIN_RCV },
		{ TCP_V4_FIN_V6_FIN_RCV, V4, RST, true, TCP_V4_FIN_V6_FIN_RCV },
		/* TRANS: any non-RST packet revives it; a RST keeps it */
		{ TCP_TRANS, V6, ACK, false, TCP_ESTABLISHED },
		{ TCP_TRANS, V4, ACK, false, TCP_ESTABLISHED },
		{ TCP_TRANS, V4, RST, false, TCP_TRANS },
		{ TCP_TRANS, V6, RST | ACK, false, TCP_TRANS },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		enum tcp_state got = nat64_tcp_next(t[i].from, t[i].v6, t[i].flags, t[i].rst_fin);
		if (got != t[i].to)
			fail_msg("row %zu: state %d + %s flags %02x (rst-fin %d): got %d, want %d", i, t[i].from,
				 t[i].v6 ? "v6" : "v4", t[i].flags, t[i].rst_fin, got, t[i].to);
	}
}

/* ------------------------------------------------------------------------ */
/* TCP through packets                                                      */
/* ------------------------------------------------------------------------ */

static void t_tcp_v6_open_and_fin_v4_first(void **state)
{
	(void)state;
	uint32_t a4, a4b;
	uint16_t p4, p4b;

	now_ms(1000);
	fwd64(6, A, 1000, S1, 80, SYN, &a4, &p4);
	assert_int_equal(sess_state(6, A, 1000, S1), TCP_V6_INIT);
	assert_int_equal(sess_expires(6, A, 1000, S1), 1000 + G()->tcp_trans_timeout_ms);
	assert_int_equal(ctr[XLAT_NAT64_SESSION_CREATED], 1);
	assert_int_equal(ctr[XLAT_NAT64_BIB_CREATED], 1);

	now_ms(2000);
	fwd46(6, S1, 80, a4, p4, SYN | ACK, A, 1000);
	assert_int_equal(sess_state(6, A, 1000, S1), TCP_ESTABLISHED);
	assert_int_equal(sess_expires(6, A, 1000, S1), 2000 + G()->tcp_est_timeout_ms);

	/* a refresh on the same timer sets it T + slack ahead (NAT64_TIMER_SLACK), and the next slack's packets leave it */
	const uint64_t E = G()->tcp_est_timeout_ms;
	now_ms(3000);
	fwd64(6, A, 1000, S1, 80, ACK, &a4b, &p4b);
	assert_int_equal(a4b, a4);
	assert_int_equal(p4b, p4);
	assert_int_equal(sess_expires(6, A, 1000, S1), 3000 + E + NAT64_TIMER_SLACK(E));

	/* v4 FIN: V4 FIN RCV, still on the established timer */
	now_ms(4000);
	fwd46(6, S1, 80, a4, p4, FIN | ACK, A, 1000);
	assert_int_equal(sess_state(6, A, 1000, S1), TCP_V4_FIN_RCV);
	assert_int_equal(sess_expires(6, A, 1000, S1), 3000 + E + NAT64_TIMER_SLACK(E));
	assert_true(3000 + E + NAT64_TIMER_SLACK(E) >= 4000 + E); /* at least T after this packet */
	fwd64(6, A, 1000, S1, 80, ACK, &a4b, &p4b);
	assert_int_equal(sess_state(6, A, 1000, S1), TCP_V4_FIN_RCV);

	/* v6 FIN: both FINs seen, transitory timer, which later packets do not refresh */
	now_ms(5000);
	fwd64(6, A, 1000, S1, 80, FIN | ACK, &a4b, &p4b);
	assert_int_equal(sess_state(6, A, 1000, S1), TCP_V4_FIN_V6_FIN_RCV);
	assert_int_equal(sess_expires(6, A, 1000, S1), 5000 + G()->tcp_trans_timeout_ms);
	now_ms(6000);
	fwd46(6, S1, 80, a4, p4, ACK, A, 1000);
	assert_int_equal(sess_expires(6, A, 1000, S1), 5000 + G()->tcp_trans_timeout_ms);

	/* it runs out on that timer, and its BIB entry with it */
	nat64_expire(tab, &cfg, 5000 + G()->tcp_trans_timeout_ms - 1, 64);
	assert_true(sess(6, A, 1000, S1, NULL));
	nat64_expire(tab, &cfg, 5000 + G()->tcp_trans_timeout_ms, 64);
	assert_false(sess(6, A, 1000, S1, NULL));
	assert_int_equal(nat64_table_sessions(tab), 0);
	assert_int_equal(nat64_table_bibs(tab), 0);
}

static void t_tcp_fin_v6_first(void **state)
{
	(void)state;
	uint32_t a4, x4;
	uint16_t p4, xp;

	handshake6(A, 1001, S1, 443, &a4, &p4);
	fwd64(6, A, 1001, S1, 443, FIN | ACK, &x4, &xp);
	assert_int_equal(sess_state(6, A, 1001, S1), TCP_V6_FIN_RCV);
	fwd46(6, S1, 443, a4, p4, ACK, A, 1001);
	assert_int_equal(sess_state(6, A, 1001, S1), TCP_V6_FIN_RCV);
	fwd46(6, S1, 443, a4, p4, FIN | ACK, A, 1001);
	assert_int_equal(sess_state(6, A, 1001, S1), TCP_V4_FIN_V6_FIN_RCV);
}

static void t_tcp_rst(void **state)
{
	(void)state;
	uint32_t a4, x4;
	uint16_t p4, xp;

	handshake6(A, 1002, S1, 80, &a4, &p4);
	now_ms(10000);
	fwd46(6, S1, 80, a4, p4, RST, A, 1002);
	assert_int_equal(sess_state(6, A, 1002, S1), TCP_TRANS);
	assert_int_equal(sess_expires(6, A, 1002, S1), 10000 + G()->tcp_trans_timeout_ms);
	/* a second RST does not extend it */
	now_ms(11000);
	fwd64(6, A, 1002, S1, 80, RST, &x4, &xp);
	assert_int_equal(sess_state(6, A, 1002, S1), TCP_TRANS);
	assert_int_equal(sess_expires(6, A, 1002, S1), 10000 + G()->tcp_trans_timeout_ms);
	/* anything else brings it back to ESTABLISHED on the long timer */
	now_ms(12000);
	fwd64(6, A, 1002, S1, 80, ACK, &x4, &xp);
	assert_int_equal(sess_state(6, A, 1002, S1), TCP_ESTABLISHED);
	assert_int_equal(sess_expires(6, A, 1002, S1), 12000 + G()->tcp_est_timeout_ms);
}

static void t_tcp_rst_during_fin_rcv(void **state)
{
	(void)state;
	uint32_t a4;
	uint16_t p4;

	handshake6(A, 1003, S1, 80, &a4, &p4);
	fwd46(6, S1, 80, a4, p4, FIN | ACK, A, 1003);
	fwd46(6, S1, 80, a4, p4, RST, A, 1003);
	assert_int_equal(sess_state(6, A, 1003, S1), TCP_V4_FIN_RCV); /* option off: RFC 6146 as written */

	cfg.g.nat.handle_rst_during_fin_rcv = true;
	handshake6(A, 1004, S1, 80, &a4, &p4);
	fwd46(6, S1, 80, a4, p4, FIN | ACK, A, 1004);
	now_ms(50000);
	fwd46(6, S1, 80, a4, p4, RST, A, 1004);
	assert_int_equal(sess_state(6, A, 1004, S1), TCP_TRANS);
	assert_int_equal(sess_expires(6, A, 1004, S1), 50000 + G()->tcp_trans_timeout_ms);
}

/* RFC 6146 3.5.2.2: a SYN from IPv4 to a (static) BIB entry opens V4 INIT; the IPv6 SYN-ACK establishes. */
static void t_tcp_v4_open_static_bib(void **state)
{
	(void)state;
	uint32_t a4;
	uint16_t p4;

	bib_add_static(6, A, 80, POOL, 8080);
	now_ms(1000);
	fwd46(6, S1, 40000, be4(POOL), 8080, SYN, A, 80);
	assert_int_equal(sess_state(6, A, 80, S1), TCP_V4_INIT);
	assert_true(sess_expires(6, A, 80, S1) <= 1000 + G()->tcp_trans_timeout_ms);
	fwd64(6, A, 80, S1, 40000, SYN | ACK, &a4, &p4);
	assert_addr4(a4, be4(POOL));
	assert_int_equal(p4, 8080);
	assert_int_equal(sess_state(6, A, 80, S1), TCP_ESTABLISHED);
	fwd46(6, S1, 40000, be4(POOL), 8080, ACK, A, 80);
}

static void t_tcp_needs_syn(void **state)
{
	(void)state;
	struct pk k;

	mk6(&k, 6, A, 1005, p6(S1), 80, ACK);
	assert_int_equal(run(&k), XV_DROP);
	assert_int_equal(ctr[JSTAT_SYN6_EXPECTED], 1);
	assert_int_equal(nat64_table_sessions(tab), 0);
	assert_int_equal(nat64_table_bibs(tab), 0);

	bib_add_static(6, A, 80, POOL, 8080);
	mk4(&k, 6, be4(S1), 40000, be4(POOL), 8080, ACK);
	assert_int_not_equal(run(&k), XV_FORWARD);
	assert_int_equal(ctr[JSTAT_SYN4_EXPECTED], 1);
	assert_int_equal(nat64_table_sessions(tab), 0);
}

/*
 * An IPv4 SYN to nothing in the BIB is not translated and opens no session
 * (RFC 6146 3.5.2.2: dropped, or held for a simultaneous open).
 */
static void t_tcp_v4_syn_no_bib(void **state)
{
	(void)state;
	struct pk k;

	mk4(&k, 6, be4(S1), 40000, be4(POOL), 62000, SYN);
	assert_int_not_equal(run(&k), XV_FORWARD);
	assert_int_equal(ctr[JSTAT_SUCCESS], 0);
	assert_int_equal(nat64_table_sessions(tab), 0);
	assert_int_equal(nat64_table_bibs(tab), 0);
}

/*
 * drop-externally-initiated-tcp (RFC 6146 3.5.2.2: "if the security policy requires
 * silently dropping externally initiated TCP connections, then the packet is silently
 * discarded"): even a static BIB entry takes no IPv4 SYN, and nothing is sent back.
 * Connections from IPv6 still work.
 */
static void t_tcp_drop_externally_initiated(void **state)
{
	(void)state;
	struct pk k;
	uint32_t a4;
	uint16_t p4;

	bib_add_static(6, A, 80, POOL, 8080);
	cfg.g.nat.drop_externally_initiated_tcp = true;
	mk4(&k, 6, be4(S1), 40000, be4(POOL), 8080, SYN);
	assert_int_equal(run(&k), XV_DROP);
	assert_int_equal(ctr[JSTAT_V4_SYN], 1);
	assert_false(sess(6, A, 80, S1, NULL));
	handshake6(A, 1006, S1, 80, &a4, &p4);
	assert_int_equal(sess_state(6, A, 1006, S1), TCP_ESTABLISHED);

	cfg.g.nat.drop_externally_initiated_tcp = false;
	fwd46(6, S1, 40000, be4(POOL), 8080, SYN, A, 80);
}

/*
 * RFC 6146 3.5.2.2 simultaneous open: an IPv4 SYN for no BIB entry is held 6 s;
 * an IPv6 SYN to its source in that time takes the pool4 transport address the
 * IPv4 SYN was sent to (Jool's so-success vector), and the connection goes on.
 */
static void t_tcp_simultaneous_open(void **state)
{
	(void)state;
	struct pk k;
	uint32_t a4;
	uint16_t p4;
	uint8_t buf[256];

	pool_clear();
	pool_add(6, POOL, 32, 2000, 2003);
	now_ms(1000);
	mk4(&k, 6, be4(S1), 80, be4(POOL), 2001, SYN);
	assert_int_equal(run(&k), XV_DROP); /* held, not answered yet */
	assert_int_equal(ctr[JSTAT_TYPE1PKT], 1);
	assert_int_equal(nat64_table_sessions(tab), 0);
	now_ms(3000);
	fwd64(6, A, 1000, S1, 80, SYN, &a4, &p4); /* even source port: a dynamic port would be even */
	assert_addr4(a4, be4(POOL));
	assert_int_equal(p4, 2001);
	assert_int_equal(ctr[XLAT_SO_OPENED], 1);
	fwd46(6, S1, 80, be4(POOL), 2001, SYN | ACK, A, 1000);
	assert_int_equal(sess_state(6, A, 1000, S1), TCP_ESTABLISHED);
	/* it was taken: nothing times out later */
	assert_int_equal(nat64_so_expired(tab, 60000, buf), 0);
}

/* A held SYN nobody answers: after 6 s (not before) it comes back for an ICMP Port Unreachable. */
static void t_tcp_stored_syn_expires(void **state)
{
	(void)state;
	struct pk k, in;
	uint8_t buf[256];

	now_ms(1000);
	mk4(&k, 6, be4(S1), 80, be4(POOL), 62000, SYN);
	in = k;
	assert_int_equal(run(&k), XV_DROP);
	assert_int_equal(ctr[JSTAT_TYPE1PKT], 1);
	assert_int_equal(nat64_so_expired(tab, 1000 + 5999, buf), 0);
	uint32_t len = nat64_so_expired(tab, 1000 + 6000, buf);
	assert_true(len >= 28);
	assert_true(len <= in.p.len);
	assert_memory_equal(buf, in.p.data, len);
	assert_int_equal(nat64_so_expired(tab, 1000 + 6000, buf), 0); /* once */

	/* the reply the dataplane sends: ICMPv4 3/3 to the SYN's source, quoting it */
	memset(k.mem, 0, sizeof(k.mem));
	memcpy(k.mem + HEADROOM, buf, len);
	pk_ready(&k, 4, len);
	now_ms(8000);
	assert_int_equal(nat64_so_reply(&ctx, &k.p), XV_REPLY);
	assert_int_equal(k.p.family, 4);
	assert_addr4(o4_dst(&k), be4(S1));
	assert_int_equal(k.p.data[9], 1);
	assert_int_equal(k.p.data[20], 3);
	assert_int_equal(k.p.data[21], 3);
	assert_memory_equal(k.p.data + 28, in.p.data, 20); /* the quoted IPv4 header */
	assert_int_equal(ctr[XLAT_SO_EXPIRED], 1);
}

/* maximum-simultaneous-opens caps the held SYNs; a retransmitted one is not held twice. */
static void t_tcp_stored_syn_limits(void **state)
{
	(void)state;
	struct pk k;

	cfg.g.nat.max_simultaneous_opens = 2;
	for (uint16_t sp = 80; sp < 82; sp++) {
		mk4(&k, 6, be4(S1), sp, be4(POOL), 62000, SYN);
		assert_int_equal(run(&k), XV_DROP);
	}
	assert_int_equal(ctr[JSTAT_TYPE1PKT], 2);
	mk4(&k, 6, be4(S1), 80, be4(POOL), 62000, SYN);
	assert_int_not_equal(run(&k), XV_FORWARD);
	assert_int_equal(ctr[JSTAT_SO_EXISTS], 1);
	mk4(&k, 6, be4(S1), 82, be4(POOL), 62000, SYN);
	assert_int_not_equal(run(&k), XV_FORWARD);
	assert_int_equal(ctr[JSTAT_SO_FULL], 1);
	assert_int_equal(ctr[JSTAT_TYPE1PKT], 2);
	/* drop-externally-initiated-tcp: nothing is held */
	cfg.g.nat.drop_externally_initiated_tcp = true;
	cfg.g.nat.max_simultaneous_opens = 10;
	mk4(&k, 6, be4(S1), 83, be4(POOL), 62000, SYN);
	assert_int_equal(run(&k), XV_DROP);
	assert_int_equal(ctr[JSTAT_TYPE1PKT], 2);
	assert_int_equal(ctr[JSTAT_V4_SYN], 1);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(t_tcp_next_every_transition),
		T(t_tcp_v6_open_and_fin_v4_first),
		T(t_tcp_fin_v6_first),
		T(t_tcp_rst),
		T(t_tcp_rst_during_fin_rcv),
		T(t_tcp_v4_open_static_bib),
		T(t_tcp_needs_syn),
		T(t_tcp_v4_syn_no_bib),
		T(t_tcp_drop_externally_initiated),
		T(t_tcp_simultaneous_open),
		T(t_tcp_stored_syn_expires),
		T(t_tcp_stored_syn_limits),
	};
	return EAL_TEST_RUN("tnat64tcp", "64", tests);
}
