/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Stateful NAT64 (RFC 6146) in lib/: ICMP queries and errors (3.5.3, 3.6), UDP
 * without a BIB entry, hairpinning (3.8). The rest, one file a topic:
 * test_nat64_tcp.c, test_nat64_pool4.c, test_nat64_expiry.c.
 *
 * Two levels: the table API (nat64_out / nat64_in / nat64_expire, nat64_tcp_next,
 * nat64_owner4) where a property is about the tables alone, and xlat_process()
 * on packets built byte by byte here where it is about what goes on the wire.
 * Checksums of built and translated packets come from the naive reference of
 * pktbuild.c, never from lib's.
 *
 * Expectations come from RFC 6146 (3.5.1 UDP, 3.5.1.1 allocation, 3.5.2 TCP,
 * 3.5.3 ICMP query, 3.5.4 hairpinning, 3.6 ICMP errors), RFC 4787 (EIM, ADF,
 * parity), RFC 6888 REQ-2 (paired pooling) and Jool's documented options
 * (doc/configuration.md, doc/conformance.md).
 *
 * Configuration: pool6 64:ff9b::/96; pool4 192.0.2.1/32 unless a test says
 * otherwise; IPv6 hosts A = 2001:db8:6::a, B = 2001:db8:6::b; IPv4 servers
 * S1 = 198.51.100.2, S2 = 198.51.100.3.
 *
 * NAT64's tables are rte_hash: main() starts an EAL without hugepages, PCI or
 * shared config once; no lcore threads or devices are used.
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
/* ICMP queries and errors                                                  */
/* ------------------------------------------------------------------------ */

static void t_icmp_echo(void **state)
{
	(void)state;
	uint32_t a4;
	uint16_t id4;

	pool_clear();
	pool_add(1, POOL, 32, 100, 199);
	fwd64(58, A, 0x1234, S1, 0, 0, &a4, &id4);
	assert_addr4(a4, be4(POOL));
	assert_true(id4 >= 100 && id4 <= 199);
	fwd46(1, S1, 0, a4, id4, 0, A, 0x1234);
	assert_int_equal(sess_expires(1, A, 0x1234, S1), 1000 + G()->icmp_timeout_ms);
	/* an unknown identifier goes nowhere */
	struct pk k;
	mk4(&k, 1, be4(S1), 0, a4, (uint16_t)(id4 == 199 ? 198 : id4 + 1), 0);
	assert_int_not_equal(run(&k), XV_FORWARD);
	assert_int_equal(ctr[JSTAT_BIB4_NOT_FOUND], 1);

	cfg.g.nat.drop_icmpv6_info = true;
	mk6(&k, 58, A, 0x1235, p6(S1), 0, 0);
	assert_int_equal(run(&k), XV_DROP);
	assert_int_equal(ctr[JSTAT_ICMP6_FILTER], 1);
}

/* RFC 6146 3.6 / 3.5.x: an ICMPv4 error about a translated packet reaches the IPv6 host, quote translated back. */
static void t_icmp_error_46_through_session(void **state)
{
	(void)state;
	uint32_t a4;
	uint16_t p4;
	struct pk k, in;

	fwd64(17, A, 1000, S1, 53, 0, &a4, &p4);
	/* what left the box: S1 answers with Port Unreachable quoting it */
	mk4(&in, 17, a4, p4, be4(S1), 53, 0);
	uint8_t *q = in.p.data;
	q[8] = 63;
	ip4_fix_csum(q);
	uint8_t *p = k.mem + HEADROOM;
	memset(k.mem, 0, sizeof(k.mem));
	memcpy(p + 28, q, in.p.len);
	p[20] = 3;
	p[21] = 3;
	p[0] = 0x45;
	wr16(p + 2, (uint16_t)(28 + in.p.len));
	p[8] = 64;
	p[9] = 1;
	uint32_t s = be4(S1);
	memcpy(p + 12, &s, 4);
	memcpy(p + 16, &a4, 4);
	ip4_fix_csum(p);
	l4_set(4, p + 12, p + 16, 1, p + 20, 8 + in.p.len);
	pk_ready(&k, 4, 28 + in.p.len);

	assert_int_equal(run(&k), XV_FORWARD);
	const uint8_t *l4 = o6(&k);
	assert_addr6(k.p.data + 24, A);
	assert_int_equal(l4[0], 1); /* Destination Unreachable */
	assert_int_equal(l4[1], 4); /* Port Unreachable */
	const uint8_t *iq = l4 + 8;
	assert_addr6(iq + 8, A);
	assert_addr6(iq + 24, p6(S1));
	assert_int_equal(rd16(iq + 40), 1000);
	assert_int_equal(rd16(iq + 42), 53);
}

/*
 * An ICMPv4 error quoting a packet the box never sent (no session towards that
 * remote, only the BIB entry) is not a reply to anything: dropped as
 * SESSION_NOT_FOUND (RFC 6146 3.5: ICMP errors are translated through the
 * session of the packet they quote), so that third parties cannot inject errors
 * into a mapping (and ADF cannot be bypassed that way).
 */
static void t_icmp_error_46_needs_session(void **state)
{
	(void)state;
	/* regression: an ICMP error needs the session of the packet it quotes */
	uint32_t a4;
	uint16_t p4;
	struct pk k, in;

	fwd64(17, A, 1000, S1, 53, 0, &a4, &p4);
	mk4(&in, 17, a4, p4, be4(S2), 53, 0); /* never sent: A has no session with S2 */
	uint8_t *p = k.mem + HEADROOM;
	memset(k.mem, 0, sizeof(k.mem));
	memcpy(p + 28, in.p.data, in.p.len);
	p[20] = 3;
	p[21] = 3;
	p[0] = 0x45;
	wr16(p + 2, (uint16_t)(28 + in.p.len));
	p[8] = 64;
	p[9] = 1;
	uint32_t s = be4(S2);
	memcpy(p + 12, &s, 4);
	memcpy(p + 16, &a4, 4);
	ip4_fix_csum(p);
	l4_set(4, p + 12, p + 16, 1, p + 20, 8 + in.p.len);
	pk_ready(&k, 4, 28 + in.p.len);
	assert_int_equal(run(&k), XV_DROP);
	assert_int_equal(ctr[JSTAT_SESSION_NOT_FOUND], 1);
}

static void t_icmp_error_64_through_session(void **state)
{
	(void)state;
	uint8_t a6[16];
	uint16_t port6;
	struct pk k;

	/* S2 reaches A through a static entry; A's stack answers with Port Unreachable */
	bib_add_static(17, A, 5000, POOL, 6000);
	assert_int_equal(in4(17, S2, 4444, be4(POOL), 6000, 0, a6, &port6), OK);
	uint8_t *p = k.mem + HEADROOM;
	memset(k.mem, 0, sizeof(k.mem));
	struct pk in;
	mk6(&in, 17, p6(S2), 4444, A, 5000, 0);
	memcpy(p + 48, in.p.data, in.p.len);
	p[40] = 1;
	p[41] = 4;
	p[0] = 0x60;
	wr16(p + 4, (uint16_t)(8 + in.p.len));
	p[6] = 58;
	p[7] = 64;
	memcpy(p + 8, A, 16);
	memcpy(p + 24, p6(S2), 16);
	l4_set(6, p + 8, p + 24, 58, p + 40, 8 + in.p.len);
	pk_ready(&k, 6, 48 + in.p.len);

	assert_int_equal(run(&k), XV_FORWARD);
	const uint8_t *l4 = o4(&k);
	assert_addr4(o4_src(&k), be4(POOL));
	assert_addr4(o4_dst(&k), be4(S2));
	assert_int_equal(l4[0], 3);
	assert_int_equal(l4[1], 3);
	const uint8_t *iq = l4 + 8;
	assert_addr4(ld32(iq + 12), be4(S2));
	assert_addr4(ld32(iq + 16), be4(POOL));
	assert_int_equal(rd16(iq + 20), 4444);
	assert_int_equal(rd16(iq + 22), 6000);
}

/* RFC 6146 3.5.1 / 3.5.x: an IPv4 packet for no BIB entry is answered with ICMP Port Unreachable (Jool "bibless"). */
static void t_udp_no_bib(void **state)
{
	(void)state;
	struct pk k;

	mk4(&k, 17, be4(S1), 53, be4(POOL), 62000, 0);
	assert_int_equal(run(&k), XV_REPLY);
	assert_int_equal(ctr[JSTAT_BIB4_NOT_FOUND], 1);
	assert_int_equal(k.p.family, 4);
	assert_int_equal(k.p.data[9], 1);
	assert_int_equal(k.p.data[20], 3);
	assert_int_equal(k.p.data[21], 3);
	assert_addr4(o4_dst(&k), be4(S1));
}

/* A zero IPv4 UDP checksum cannot cross; stateful NAT64 computes it (after the port rewrite). */
static void t_udp_zero_checksum_46(void **state)
{
	(void)state;
	struct pk k;
	uint32_t a4;
	uint16_t p4;

	fwd64(17, A, 1000, S1, 53, 0, &a4, &p4);
	mk4(&k, 17, be4(S1), 53, a4, p4, 0);
	wr16(k.p.data + 26, 0);
	k.p.data[6] = 0; /* DF off: a whole datagram, not a fragment */
	ip4_fix_csum(k.p.data);
	assert_int_equal(run(&k), XV_FORWARD);
	const uint8_t *l4 = o6(&k);
	assert_int_equal(rd16(l4 + 2), 1000);
}

/* ------------------------------------------------------------------------ */
/* Hairpinning (RFC 6146 3.8): lib's half                                   */
/* ------------------------------------------------------------------------ */

/*
 * B reaches A through A's pool4 transport address: the 6->4 result is an IPv4
 * packet to pool4, which (fed back in as IPv4, as the dataplane does) reaches
 * A with B's pool4 transport address as source.
 */
static void t_hairpin_lib(void **state)
{
	(void)state;
	uint32_t a4, b4;
	uint16_t p4;
	struct pk k;

	fwd64(17, A, 1000, S1, 53, 0, &a4, &p4);
	mk6(&k, 17, B, 2000, p6(str4(a4)), p4, 0);
	assert_int_equal(run(&k), XV_FORWARD);
	o4(&k);
	b4 = o4_src(&k);
	uint16_t q4 = rd16(k.p.data + 20);
	assert_addr4(o4_dst(&k), a4);
	assert_int_equal(rd16(k.p.data + 22), p4);
	assert_true(nat64_pool4_has(&cfg, o4_dst(&k)));
	/* second pass */
	k.p.family = 4;
	assert_int_equal(run(&k), XV_FORWARD);
	const uint8_t *l4 = o6(&k);
	assert_addr6(k.p.data + 8, p6(str4(b4)));
	assert_addr6(k.p.data + 24, A);
	assert_int_equal(rd16(l4), q4);
	assert_int_equal(rd16(l4 + 2), 1000);
	/* and A answers B the same way */
	fwd64(17, A, 1000, str4(b4), q4, 0, &a4, &p4);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(t_icmp_echo),
		T(t_icmp_error_46_through_session),
		T(t_icmp_error_46_needs_session),
		T(t_icmp_error_64_through_session),
		T(t_udp_no_bib),
		T(t_udp_zero_checksum_46),
		T(t_hairpin_lib),
	};
	return EAL_TEST_RUN("tnat64", "64", tests);
}
