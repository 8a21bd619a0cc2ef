/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ICMPv4 errors to ICMPv6 (RFC 7915 4.2, 4.3): the error and the packet it quotes.
 *
 * Driven through xlat_process() on packets built byte by byte; the
 * configuration, builders and checks are siit_fixture.h's (Jool's graybox SIIT
 * baseline; expected values from the RFC text, checksums from pktbuild.c).
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

#include "bytes.h"
#include "eamt.h"
#include "pktbuild.h"
#include "stats.h"
#include "xlat.h"
#include "siit_fixture.h"

/* ======================================================================== */
/* ICMP errors, IPv4 -> IPv6 (RFC 7915 4.2, 4.3)                             */
/* ======================================================================== */

/* Port unreachable about a UDP packet: outer and inner headers translated, inner TTL unchanged (Jool "ba"). */
static void t46_icmp_error(void **state)
{
	uint8_t orig[BUFSZ];
	uint32_t len = b4_err(IN, N4, N6_4, 3, 3, 0, 20, 0); /* 20 + 8 + 20 + 28 = 76 */

	(void)state;
	memcpy(orig, IN, len);
	assert_verdict(run(4, len), XV_FORWARD);
	assert_int_equal(pkt.len, 116);
	chk_ip6(OUT, 116, N4_6, N6, 58, 63);
	assert_int_equal(OUT[40], 1);
	assert_int_equal(OUT[41], 4);
	assert_int_equal(rd32(OUT + 44), 0);
	/* the inner packet: the one 192.0.2.33 (2001:db8:1c0:2:21::) sent to 198.51.100.2 */
	const uint8_t *in6 = OUT + 48;
	chk_ip6(in6, 68, N6, N4_6, 17, 63);
	assert_int_equal(in6[0], 0x60);
	assert_int_equal(in6[1], 0);
	assert_memory_equal(in6 + 40, orig + 48, 6);
	assert_memory_equal(in6 + 48, orig + 56, 20);
	assert_l4_ok(6, N6, N4_6, 17, in6 + 40, 28);
	assert_l4_ok(6, OUT + 8, OUT + 24, 58, OUT + 40, 76);
	assert_route(6, N6);
	assert_int_equal(ctr[JSTAT_SUCCESS], 1);
}

/* RFC 7915 4.2, "ICMPv4 error messages", every type and code. */
static void t46_icmp_error_types(void **state)
{
	static const struct icmp_case cases[] = {
		{ 3, 0, 1, 0 },  { 3, 1, 1, 0 },  { 3, 2, 4, 1 },   { 3, 3, 1, 4 },   { 3, 4, 2, 0 },
		{ 3, 5, 1, 0 },  { 3, 6, 1, 0 },  { 3, 7, 1, 0 },   { 3, 8, 1, 0 },   { 3, 9, 1, 1 },
		{ 3, 10, 1, 1 }, { 3, 11, 1, 0 }, { 3, 12, 1, 0 },  { 3, 13, 1, 1 },  { 3, 14, -1, -1 },
		{ 3, 15, 1, 1 }, { 3, 16, -1, -1 }, { 3, 255, -1, -1 },
		{ 11, 0, 3, 0 }, { 11, 1, 3, 1 },
		{ 12, 0, 4, 0 }, { 12, 1, -1, -1 }, { 12, 2, 4, 0 },
		{ 4, 0, -1, -1 }, { 5, 0, -1, -1 }, { 5, 1, -1, -1 }, { 6, 0, -1, -1 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct icmp_case *c = &cases[i];
		/* Parameter Problem: pointer 8 (TTL); Fragmentation Needed: MTU 1400 */
		uint32_t rest = c->type == 12 ? 8u << 24 : (c->type == 3 && c->code == 4) ? 1400 : 0;
		reset();
		uint32_t len = b4_err(IN, N4, N6_4, c->type, c->code, rest, 20, 0);
		enum xlat_verdict v = run(4, len);
		if (c->out_type < 0) {
			if (v != XV_DROP || others() == 0)
				fail_msg("ICMPv4 %u/%u: verdict %d, want a counted drop", c->type, c->code, v);
			continue;
		}
		if (v != XV_FORWARD)
			fail_msg("ICMPv4 %u/%u: verdict %d, want XV_FORWARD", c->type, c->code, v);
		if (OUT[40] != c->out_type || OUT[41] != c->out_code)
			fail_msg("ICMPv4 %u/%u -> ICMPv6 %u/%u, want %d/%d", c->type, c->code, OUT[40], OUT[41],
				 c->out_type, c->out_code);
		uint32_t r6 = rd32(OUT + 44);
		if (c->out_type == 4 && c->out_code == 1)
			assert_int_equal(r6, 6); /* protocol unreachable: pointer to Next Header */
		else if (c->out_type == 4)
			assert_int_equal(r6, 7); /* TTL -> Hop Limit */
		else if (c->out_type == 2)
			assert_int_equal(r6, 1420);
		else
			assert_int_equal(r6, 0); /* unused */
		assert_l4_ok(6, OUT + 8, OUT + 24, 58, OUT + 40, pkt.len - 40);
	}
}

/* RFC 7915 4.2 figure 3: the Parameter Problem pointer, IPv4 header byte -> IPv6 header byte. */
static void t46_icmp_param_pointer(void **state)
{
	static const int map[] = { 0, 1, 4, 4, -1, -1, -1, -1, 7, 6, -1, -1, 8, 8, 8, 8, 24, 24, 24, 24, -1, -1 };
	static const uint8_t extra[] = { 40, 100, 255 };

	(void)state;
	for (unsigned code = 0; code <= 2; code += 2) {
		for (unsigned p = 0; p < sizeof(map) / sizeof(map[0]) + sizeof(extra); p++) {
			unsigned ptr = p < sizeof(map) / sizeof(map[0]) ? p : extra[p - sizeof(map) / sizeof(map[0])];
			int want = ptr < sizeof(map) / sizeof(map[0]) ? map[ptr] : -1;
			reset();
			uint32_t len = b4_err(IN, N4, N6_4, 12, (uint8_t)code, (uint32_t)ptr << 24, 20, 0);
			enum xlat_verdict v = run(4, len);
			if (want < 0) {
				if (v != XV_DROP || others() == 0)
					fail_msg("pointer %u: verdict %d, want a counted drop", ptr, v);
				continue;
			}
			if (v != XV_FORWARD)
				fail_msg("pointer %u: verdict %d", ptr, v);
			assert_int_equal(OUT[40], 4);
			assert_int_equal(OUT[41], 0);
			if (rd32(OUT + 44) != (uint32_t)want)
				fail_msg("pointer %u -> %u, want %d", ptr, rd32(OUT + 44), want);
			assert_l4_ok(6, OUT + 8, OUT + 24, 58, OUT + 40, pkt.len - 40);
		}
	}
}

struct mtu46_case {
	uint16_t field;     /* Next-Hop MTU in the Fragmentation Needed */
	uint16_t inner_len; /* Total Length of the quoted IPv4 header */
	uint16_t mtu6;      /* MTU towards the IPv6 destination of the error */
	uint16_t in_mtu;    /* MTU of the IPv4 link the error came in on */
	uint32_t want;
};

/*
 * RFC 7915 4.2: PTB MTU = min(advertised MTU + 20, MTU of the IPv6 next hop,
 * MTU of the IPv4 next hop + 20); an MTU field of 0 (pre-RFC 1191 router)
 * takes the greatest plateau below the returned Total Length; never below
 * 1280 (Jool "db": 1261 -> 1281, 1260 -> 1280, 1259 -> 1280).
 */
static void t46_icmp_ptb_mtu(void **state)
{
	static const struct mtu46_case cases[] = {
		{ 1400, 1500, 1500, 1500, 1420 },
		{ 1500, 1500, 1500, 1500, 1500 },  /* IPv6 next hop */
		{ 1500, 1500, 9000, 1400, 1420 },  /* IPv4 link it came in on */
		{ 1261, 1300, 1500, 1500, 1281 },
		{ 1260, 1300, 1500, 1500, 1280 },
		{ 1259, 1300, 1500, 1500, 1280 },
		{ 576, 1300, 1500, 1500, 1280 },
		{ 0, 1500, 9000, 9000, 1512 },     /* plateau 1492 */
		{ 0, 4000, 9000, 9000, 2022 },     /* plateau 2002 */
		{ 0, 20000, 65535, 65535, 17934 }, /* plateau 17914 */
		{ 0, 1400, 9000, 9000, 1280 },     /* plateau 1006: below 1280 */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct mtu46_case *c = &cases[i];
		reset();
		fr.mtu6 = c->mtu6;
		ctx.in_mtu = c->in_mtu;
		uint32_t len = b4_err(IN, N4, N6_4, 3, 4, c->field, 20, 0);
		wr16(IN + 28 + 2, c->inner_len); /* the quoted header claims more than is quoted */
		ip4_fix_csum(IN + 28);
		fix_err4(IN, len);
		assert_verdict(run(4, len), XV_FORWARD);
		assert_int_equal(OUT[40], 2);
		assert_int_equal(OUT[41], 0);
		if (rd32(OUT + 44) != c->want)
			fail_msg("case %zu: MTU field %u -> %u, want %u", i, c->field, rd32(OUT + 44), c->want);
		assert_l4_ok(6, OUT + 8, OUT + 24, 58, OUT + 40, pkt.len - 40);
	}
}

/*
 * RFC 7915 4.3 / RFC 4443 2.4 (c): the ICMPv6 error is cut to 1280 bytes; the
 * inner header keeps the original length (Jool "bb").
 */
static void t46_icmp_error_truncated(void **state)
{
	uint32_t len = b4_err(IN, N4, N6_4, 3, 3, 0, 1400, 0); /* 1456 bytes */

	(void)state;
	assert_verdict(run(4, len), XV_FORWARD);
	assert_int_equal(pkt.len, 1280);
	chk_ip6(OUT, 1280, N4_6, N6, 58, 63);
	assert_int_equal(rd16(OUT + 48 + 4), 1408);
	assert_l4_ok(6, OUT + 8, OUT + 24, 58, OUT + 40, 1240);

	/* lowest-ipv6-mtu above 1280 does not raise it (Jool "ja") */
	reset();
	cfg.g.lowest_ipv6_mtu = 1500;
	len = b4_err(IN, N4, N6_4, 3, 3, 0, 1400, 0);
	assert_verdict(run(4, len), XV_FORWARD);
	assert_int_equal(pkt.len, 1280);
}

/* The quoted packet is an ICMP echo: it is translated too (type and checksum with the pseudo-header). */
static void t46_icmp_error_inner_echo(void **state)
{
	uint8_t in[BUFSZ];
	uint32_t il = b4_icmp(in, N6_4, N4, 8, 16);

	(void)state;
	uint32_t len = wrap4_err(IN, N4, N6_4, 11, 0, 0, in, il);
	assert_verdict(run(4, len), XV_FORWARD);
	assert_int_equal(OUT[40], 3);
	const uint8_t *in6 = OUT + 48;
	chk_ip6(in6, 64, N6, N4_6, 58, 64);
	assert_int_equal(in6[40], 128);
	assert_memory_equal(in6 + 44, in + 24, 20);
	assert_l4_ok(6, N6, N4_6, 58, in6 + 40, 24);
	assert_l4_ok(6, OUT + 8, OUT + 24, 58, OUT + 40, pkt.len - 40);
}

/* RFC 7915 4.3 / RFC 1122: an ICMP error about an ICMP error is not translated. */
static void t46_icmp_error_in_error(void **state)
{
	uint8_t in[BUFSZ];
	uint32_t il = b4_err(in, N6_4, N4, 3, 3, 0, 20, 0);

	(void)state;
	uint32_t len = wrap4_err(IN, N4, N6_4, 3, 1, 0, in, il);
	assert_drop(run(4, len), JSTAT_DOUBLE_ICMP4_ERROR);
}

static void t46_icmp_error_bad(void **state)
{
	uint32_t len;

	(void)state;
	/* bad ICMPv4 checksum: the error must be rebuilt, so it is checked (Jool counts it) */
	len = b4_err(IN, N4, N6_4, 3, 3, 0, 20, 0);
	IN[22] ^= 0x10;
	assert_drop(run(4, len), JSTAT46_ICMP_CSUM);
	/* quoted packet shorter than an IPv4 header */
	for (uint32_t q = 1; q < 20; q++) {
		reset();
		len = b4_err(IN, N4, N6_4, 3, 3, 0, 20, q);
		enum xlat_verdict v = run(4, len);
		if (v != XV_DROP || others() == 0)
			fail_msg("quote of %u bytes: verdict %d", q, v);
	}
	/* no quoted packet at all */
	reset();
	put_icmp(IN + 20, 3, 3, 0);
	l4_set(4, NULL, NULL, 1, IN + 20, 8);
	put_ip4(IN, 20, 0, 28, 0, 0, 64, 1, N4, N6_4);
	assert_verdict(run(4, 28), XV_DROP);
	assert_true(others() > 0);
}

/*
 * RFC 6791 / RFC 7915 4.3: an ICMPv4 error from an address with no IPv6 form
 * takes its source from rfc6791v6-prefix, else the translator's own address
 * (Jool "6791v46", "6791v46-empty"). EAM-only configuration as in Jool.
 */
static void t46_icmp_error_rfc6791(void **state)
{
	(void)state;
	for (int variant = 0; variant < 3; variant++) {
		reset();
		xlat_config_init(&cfg, XLAT_MODE_SIIT);
		eam("2001:db8:1c6:3364::/120", "198.51.100.0/24");
		eam("2001:db8:1c0:2::/120", "192.0.2.0/24");
		if (variant == 1) {
			assert_int_equal(prefix6_parse("2::2/128", &cfg.g.rfc6791v6), 0);
			cfg.g.rfc6791v6_set = true;
		} else if (variant == 2) {
			assert_int_equal(prefix6_parse("2001:db8:ffff::/64", &cfg.g.rfc6791v6), 0);
			cfg.g.rfc6791v6_set = true;
		}
		/* 192.0.2.33 -> 198.51.100.2 met trouble at 2.0.0.2 */
		uint32_t len = b4_err_in(IN, ip4("2.0.0.2"), N6_4, N6_4, N4, 3, 3, 0, 4, 0);
		assert_verdict(run(4, len), XV_FORWARD);
		if (variant == 0)
			assert_addr6(OUT + 8, "2001:db8:1c0:2:1::");
		else if (variant == 1)
			assert_addr6(OUT + 8, "2::2");
		else
			assert_memory_equal(OUT + 8, ip6("2001:db8:ffff::"), 8);
		assert_addr6(OUT + 24, "2001:db8:1c0:2::21");
		assert_addr6(OUT + 48 + 8, "2001:db8:1c0:2::21");
		assert_addr6(OUT + 48 + 24, "2001:db8:1c6:3364::2");
		assert_l4_ok(6, OUT + 48 + 8, OUT + 48 + 24, 17, OUT + 88, 12);
		assert_l4_ok(6, OUT + 8, OUT + 24, 58, OUT + 40, pkt.len - 40);
	}
	/* not an error: an untranslatable source is dropped */
	reset();
	xlat_config_init(&cfg, XLAT_MODE_SIIT);
	eam("2001:db8:1c0:2::/120", "192.0.2.0/24");
	uint32_t len = b4_udp(IN, ip4("2.0.0.2"), N6_4, 4, 0);
	assert_drop(run(4, len), JSTAT46_SRC);
}

/*
 * Jool "ha": ICMPv4 errors from 127.0.0.1 or 0.0.0.0 are still translated, the
 * source through pool6 (hae1.pkt, hae2.pkt): the never-translated ranges are
 * for traffic, and a misconfigured router's error is still useful.
 */
static void t46_icmp_error_odd_source(void **state)
{
	static const char *const srcs[] = { "127.0.0.1", "0.0.0.0" };
	static const char *const want[] = { "2001:db8:17f:0:1::", "2001:db8:100::" };

	(void)state;
	for (int i = 0; i < 2; i++) {
		reset();
		uint32_t len = b4_err_in(IN, ip4(srcs[i]), N6_4, N6_4, N4, 3, 3, 0, 4, 0);
		assert_verdict(run(4, len), XV_FORWARD);
		assert_int_equal(OUT[40], 1);
		assert_int_equal(OUT[41], 4);
		assert_addr6(OUT + 8, want[i]);
		assert_memory_equal(OUT + 24, N6, 16);
		assert_l4_ok(6, OUT + 8, OUT + 24, 58, OUT + 40, pkt.len - 40);
	}
}

#define T(f) cmocka_unit_test_setup(f, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(t46_icmp_error),
		T(t46_icmp_error_types),
		T(t46_icmp_param_pointer),
		T(t46_icmp_ptb_mtu),
		T(t46_icmp_error_truncated),
		T(t46_icmp_error_inner_echo),
		T(t46_icmp_error_in_error),
		T(t46_icmp_error_bad),
		T(t46_icmp_error_rfc6791),
		T(t46_icmp_error_odd_source),
	};

	return cmocka_run_group_tests_name("xlat46_icmp", tests, NULL, NULL);
}
