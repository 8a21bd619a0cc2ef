/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ICMPv6 errors to ICMPv4 (RFC 7915 5.2, 5.3): the error and the packet it quotes;
 * RFC 4884 extensions, both ways.
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
/* ICMP errors, IPv6 -> IPv4 (RFC 7915 5.2, 5.3)                             */
/* ======================================================================== */

static void t64_icmp_error(void **state)
{
	uint8_t orig[BUFSZ];
	uint32_t len = b6_err(IN, N6, N4_6, 1, 4, 0, 20, 0); /* 40 + 8 + 40 + 28 = 116 */

	(void)state;
	memcpy(orig, IN, len);
	assert_verdict(run(6, len), XV_FORWARD);
	assert_int_equal(pkt.len, 76);
	chk_ip4(OUT, 76, N6_4, N4, 1, 63);
	assert_int_equal(OUT[20], 3);
	assert_int_equal(OUT[21], 3);
	assert_int_equal(rd32(OUT + 24), 0);
	/* inner: what 198.51.100.2 sent to 192.0.2.33, TTL = its hop limit (unchanged) */
	const uint8_t *in4 = OUT + 28;
	chk_ip4(in4, 48, N4, N6_4, 17, 63);
	assert_memory_equal(in4 + 20, orig + 88, 6);
	assert_memory_equal(in4 + 28, orig + 96, 20);
	assert_l4_ok(4, N4, N6_4, 17, in4 + 20, 28);
	assert_l4_ok(4, NULL, NULL, 1, OUT + 20, 56);
	assert_route(4, N4);
	assert_int_equal(ctr[JSTAT_SUCCESS], 1);
}

/* RFC 7915 5.2, "ICMPv6 error messages", every type and code. */
static void t64_icmp_error_types(void **state)
{
	static const struct icmp_case cases[] = {
		{ 1, 0, 3, 1 },  { 1, 1, 3, 10 }, { 1, 2, 3, 1 },   { 1, 3, 3, 1 },   { 1, 4, 3, 3 },
		{ 1, 5, -1, -1 }, { 1, 6, -1, -1 }, { 1, 7, -1, -1 }, { 1, 255, -1, -1 },
		{ 2, 0, 3, 4 },
		{ 3, 0, 11, 0 }, { 3, 1, 11, 1 },
		{ 4, 0, 12, 0 }, { 4, 1, 3, 2 },  { 4, 2, -1, -1 }, { 4, 3, -1, -1 },
		{ 5, 0, -1, -1 }, { 100, 0, -1, -1 }, { 127, 0, -1, -1 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct icmp_case *c = &cases[i];
		/* Parameter Problem: pointer 7 (Hop Limit); Packet Too Big: MTU 1400 */
		uint32_t rest = c->type == 4 ? 7 : c->type == 2 ? 1400 : 0;
		reset();
		uint32_t len = b6_err(IN, N6, N4_6, c->type, c->code, rest, 20, 0);
		enum xlat_verdict v = run(6, len);
		if (c->out_type < 0) {
			if (v != XV_DROP || others() == 0)
				fail_msg("ICMPv6 %u/%u: verdict %d, want a counted drop", c->type, c->code, v);
			continue;
		}
		if (v != XV_FORWARD)
			fail_msg("ICMPv6 %u/%u: verdict %d, want XV_FORWARD", c->type, c->code, v);
		if (OUT[20] != c->out_type || OUT[21] != c->out_code)
			fail_msg("ICMPv6 %u/%u -> ICMPv4 %u/%u, want %d/%d", c->type, c->code, OUT[20], OUT[21],
				 c->out_type, c->out_code);
		uint32_t r4 = rd32(OUT + 24);
		if (c->out_type == 12)
			assert_int_equal(r4, 8u << 24); /* Hop Limit -> TTL */
		else if (c->out_type == 3 && c->out_code == 4)
			assert_int_equal(r4, 1380);
		else
			assert_int_equal(r4, 0);
		assert_l4_ok(4, NULL, NULL, 1, OUT + 20, pkt.len - 20);
	}
}

/* RFC 7915 5.2 figure 6: the Parameter Problem pointer, IPv6 header byte -> IPv4 header byte. */
static void t64_icmp_param_pointer(void **state)
{
	static const struct {
		uint32_t in;
		int out;
	} cases[] = {
		{ 0, 0 }, { 1, 1 }, { 2, -1 }, { 3, -1 }, { 4, 2 }, { 5, 2 }, { 6, 9 }, { 7, 8 },
		{ 8, 12 }, { 15, 12 }, { 23, 12 }, { 24, 16 }, { 31, 16 }, { 39, 16 },
		{ 40, -1 }, { 41, -1 }, { 0x100, -1 }, { 0x1000007, -1 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		reset();
		uint32_t len = b6_err(IN, N6, N4_6, 4, 0, cases[i].in, 20, 0);
		enum xlat_verdict v = run(6, len);
		if (cases[i].out < 0) {
			if (v != XV_DROP || others() == 0)
				fail_msg("pointer %u: verdict %d, want a counted drop", cases[i].in, v);
			continue;
		}
		if (v != XV_FORWARD)
			fail_msg("pointer %u: verdict %d", cases[i].in, v);
		assert_int_equal(OUT[20], 12);
		assert_int_equal(OUT[21], 0);
		if (rd32(OUT + 24) != (uint32_t)cases[i].out << 24)
			fail_msg("pointer %u -> %08x, want %d in the first byte", cases[i].in, rd32(OUT + 24),
				 cases[i].out);
		assert_l4_ok(4, NULL, NULL, 1, OUT + 20, pkt.len - 20);
	}
}

/* RFC 7915 5.2: Fragmentation Needed MTU = min(advertised MTU - 20, MTU of the IPv4 next hop, MTU of the IPv6 next hop - 20). */
static void t64_icmp_ptb_mtu(void **state)
{
	static const struct {
		uint32_t field;
		uint16_t mtu4, in_mtu, want;
	} cases[] = {
		{ 1500, 1500, 1500, 1480 }, { 1400, 1500, 1500, 1380 }, { 1500, 1400, 1500, 1400 },
		{ 1500, 1500, 1300, 1280 }, { 1280, 9000, 9000, 1260 }, { 9000, 9000, 9000, 8980 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		reset();
		fr.mtu4 = cases[i].mtu4;
		ctx.in_mtu = cases[i].in_mtu;
		uint32_t len = b6_err(IN, N6, N4_6, 2, 0, cases[i].field, 20, 0);
		assert_verdict(run(6, len), XV_FORWARD);
		assert_int_equal(OUT[20], 3);
		assert_int_equal(OUT[21], 4);
		assert_int_equal(rd16(OUT + 24), 0);
		if (rd16(OUT + 26) != cases[i].want)
			fail_msg("case %zu: PTB %u -> %u, want %u", i, cases[i].field, rd16(OUT + 26), cases[i].want);
		assert_l4_ok(4, NULL, NULL, 1, OUT + 20, pkt.len - 20);
	}
}

/* RFC 1812 4.3.2.3: the ICMPv4 error is cut to 576 bytes; the inner header keeps its length (Jool "be"). */
static void t64_icmp_error_truncated(void **state)
{
	uint32_t len = b6_err(IN, N6, N4_6, 1, 4, 0, 600, 0);

	(void)state;
	assert_verdict(run(6, len), XV_FORWARD);
	assert_int_equal(pkt.len, 576);
	chk_ip4(OUT, 576, N6_4, N4, 1, 63);
	assert_int_equal(rd16(OUT + 28 + 2), 628);
	assert_true(ip4_hdr_ok(OUT + 28));
	assert_l4_ok(4, NULL, NULL, 1, OUT + 20, 556);
}

static void t64_icmp_error_inner_echo(void **state)
{
	uint8_t in[BUFSZ];
	uint32_t il = b6_icmp(in, N4_6, N6, 128, 16);

	(void)state;
	uint32_t len = wrap6_err(IN, N6, N4_6, 3, 0, 0, in, il);
	assert_verdict(run(6, len), XV_FORWARD);
	assert_int_equal(OUT[20], 11);
	const uint8_t *in4 = OUT + 28;
	chk_ip4(in4, 44, N4, N6_4, 1, 64);
	assert_int_equal(in4[20], 8);
	assert_memory_equal(in4 + 24, in + 44, 20);
	assert_l4_ok(4, NULL, NULL, 1, in4 + 20, 24);
	assert_l4_ok(4, NULL, NULL, 1, OUT + 20, pkt.len - 20);
}

static void t64_icmp_error_in_error(void **state)
{
	uint8_t in[BUFSZ];
	uint32_t il = b6_err(in, N4_6, N6, 1, 4, 0, 20, 0);

	(void)state;
	uint32_t len = wrap6_err(IN, N6, N4_6, 1, 0, 0, in, il);
	assert_drop(run(6, len), JSTAT_DOUBLE_ICMP6_ERROR);
}

static void t64_icmp_error_bad(void **state)
{
	uint32_t len;

	(void)state;
	len = b6_err(IN, N6, N4_6, 1, 4, 0, 20, 0);
	IN[42] ^= 0x10;
	assert_drop(run(6, len), JSTAT64_ICMP_CSUM);
	for (uint32_t q = 1; q < 40; q++) {
		reset();
		len = b6_err(IN, N6, N4_6, 1, 4, 0, 20, q);
		enum xlat_verdict v = run(6, len);
		if (v != XV_DROP || others() == 0)
			fail_msg("quote of %u bytes: verdict %d", q, v);
	}
	reset();
	put_icmp(IN + 40, 1, 4, 0);
	l4_set(6, N6, N4_6, 58, IN + 40, 8);
	put_ip6(IN, 0, 0, 8, 58, 64, N6, N4_6);
	assert_verdict(run(6, 48), XV_DROP);
	assert_true(others() > 0);
}

/*
 * RFC 6791 / RFC 7915 5.3: an ICMPv6 error from a source with no IPv4 form
 * (4000::1) takes an rfc6791v4-prefix address; with none configured, the
 * translator's own IPv4 address (Jool "6791v64", "6791v64-empty").
 */
static void t64_icmp_error_rfc6791(void **state)
{
	(void)state;
	for (int variant = 0; variant < 3; variant++) {
		reset();
		if (variant == 1)
			cfg.g.rfc6791v4_set = false;
		if (variant == 2)
			assert_int_equal(prefix4_parse("203.0.113.0/24", &cfg.g.rfc6791v4), 0);
		/* 198.51.100.2 -> 192.0.2.33 met trouble at 4000::1 */
		uint32_t len = b6_err_in(IN, ip6("4000::1"), N4_6, N4_6, N6, 1, 4, 0, 32, 0);
		assert_verdict(run(6, len), XV_FORWARD);
		if (variant == 0)
			assert_addr4(OUT + 12, "203.0.113.8");
		else if (variant == 1)
			assert_addr4(OUT + 12, "198.51.100.1");
		else
			assert_memory_equal(OUT + 12, ip4("203.0.113.0"), 3);
		assert_addr4(OUT + 16, "198.51.100.2");
		assert_true(ip4_hdr_ok(OUT));
		chk_ip4(OUT + 28, 60, N4, N6_4, 17, 63);
		assert_l4_ok(4, N4, N6_4, 17, OUT + 48, 40);
		assert_l4_ok(4, NULL, NULL, 1, OUT + 20, pkt.len - 20);
	}
}

/* ======================================================================== */
/* RFC 4884 extensions in ICMP errors (Jool "ia", "ib")                      */
/* ======================================================================== */

/* An extension structure: version 2 header and one 8-byte object (RFC 4884 7, 8). */
static void put_ext(uint8_t *e)
{
	static const uint8_t x[12] = { 0x20, 0, 0, 0, 0, 8, 1, 1, 0xde, 0xad, 0xbe, 0xef };

	memcpy(e, x, sizeof(x));
	wr16(e + 2, (uint16_t)~ref_fold(ref_add(0, e, 12)));
}

/*
 * ICMPv4 3/3 with a 128-byte quote (length 32 words) and an extension. The
 * ICMPv6 error carries the translated quote, zero-padded or cut to whole
 * 64-bit words but at least 128 bytes, its length in 64-bit words in byte 4,
 * and the extension unchanged right after it (RFC 4884 4.1, 5).
 */
static void t46_icmp_error_extension(void **state)
{
	uint8_t in[BUFSZ], ext[12];
	uint32_t il = b4_udp(in, N6_4, N4, 100, IPV4_DF); /* 128 bytes */

	(void)state;
	in[8] = 63;
	ip4_fix_csum(in);
	put_ext(ext);
	memcpy(in + il, ext, 12);
	uint32_t len = wrap4_err(IN, N4, N6_4, 3, 3, 32u << 16, in, il + 12);
	assert_verdict(run(4, len), XV_FORWARD);
	assert_int_equal(OUT[40], 1);
	assert_int_equal(OUT[41], 4);
	uint32_t q = OUT[44] * 8u;
	assert_true(q >= 128);
	assert_int_equal(pkt.len, 48 + q + 12);
	assert_memory_equal(OUT + 48 + q, ext, 12);
	chk_ip6(OUT + 48, 148, N6, N4_6, 17, 63); /* the inner header keeps the original length */
	assert_memory_equal(OUT + 48 + 48, in + 28, (q < 148 ? q : 148) - 48);
	for (uint32_t i = 148; i < q; i++)
		assert_int_equal(OUT[48 + i], 0);
	assert_l4_ok(6, OUT + 8, OUT + 24, 58, OUT + 40, pkt.len - 40);
}

/* The other way: ICMPv6 1/4 with a 128-byte quote (16 words of 8) -> 108 bytes translated, padded to 128. */
static void t64_icmp_error_extension(void **state)
{
	uint8_t in[BUFSZ], ext[12];
	uint32_t il = b6_udp(in, N4_6, N6, 80); /* 128 bytes */

	(void)state;
	in[7] = 63;
	put_ext(ext);
	memcpy(in + il, ext, 12);
	uint32_t len = wrap6_err(IN, N6, N4_6, 1, 4, 16u << 24, in, il + 12);
	assert_verdict(run(6, len), XV_FORWARD);
	assert_int_equal(OUT[20], 3);
	assert_int_equal(OUT[21], 3);
	uint32_t q = OUT[25] * 4u;
	assert_true(q >= 128);
	assert_int_equal(pkt.len, 28 + q + 12);
	assert_memory_equal(OUT + 28 + q, ext, 12);
	chk_ip4(OUT + 28, 108, N4, N6_4, 17, 63);
	assert_memory_equal(OUT + 28 + 28, in + 48, 80);
	assert_l4_ok(4, N4, N6_4, 17, OUT + 48, 88);
	for (uint32_t i = 108; i < q; i++)
		assert_int_equal(OUT[28 + i], 0);
	assert_l4_ok(4, NULL, NULL, 1, OUT + 20, pkt.len - 20);
}

#define T(f) cmocka_unit_test_setup(f, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(t64_icmp_error),
		T(t64_icmp_error_types),
		T(t64_icmp_param_pointer),
		T(t64_icmp_ptb_mtu),
		T(t64_icmp_error_truncated),
		T(t64_icmp_error_inner_echo),
		T(t64_icmp_error_in_error),
		T(t64_icmp_error_bad),
		T(t64_icmp_error_rfc6791),
		T(t46_icmp_error_extension),
		T(t64_icmp_error_extension),
	};

	return cmocka_run_group_tests_name("xlat64_icmp", tests, NULL, NULL);
}
