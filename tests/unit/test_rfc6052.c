/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RFC 6052 (IPv6 Addressing of IPv4/IPv6 Translators), tested against the
 * RFC's own text: section 2.2 (address format, u-octet, valid prefix
 * lengths) and section 2.4 (the table of examples).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "pktbuild.h"
#include "rfc6052.h"

static struct prefix6 pfx(const char *addr, uint8_t len)
{
	struct prefix6 p;

	memset(&p, 0, sizeof(p));
	assert_int_equal(inet_pton(AF_INET6, addr, p.addr), 1);
	p.len = len;
	return p;
}

static void assert_addr6_equal(const uint8_t got[16], const char *want)
{
	uint8_t w[16];
	char gs[INET6_ADDRSTRLEN];

	ip6_to(want, w);
	if (memcmp(got, w, 16) != 0) {
		inet_ntop(AF_INET6, got, gs, sizeof(gs));
		fail_msg("got %s, want %s", gs, want);
	}
}

/* RFC 6052 section 2.4, table 1: 192.0.2.33 under each Network-Specific Prefix length. */
static const struct {
	const char *prefix;
	uint8_t len;
	const char *embedded;
} table[] = {
	{ "2001:db8::", 32, "2001:db8:c000:221::" },
	{ "2001:db8:100::", 40, "2001:db8:1c0:2:21::" },
	{ "2001:db8:122::", 48, "2001:db8:122:c000:2:2100::" },
	{ "2001:db8:122:300::", 56, "2001:db8:122:3c0:0:221::" },
	{ "2001:db8:122:344::", 64, "2001:db8:122:344:c0:2:2100:0" },
	{ "2001:db8:122:344::", 96, "2001:db8:122:344::192.0.2.33" },
};

static void test_table_4to6(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		struct prefix6 p = pfx(table[i].prefix, table[i].len);
		uint8_t out[16];

		memset(out, 0xaa, sizeof(out));
		rfc6052_4to6(&p, be4("192.0.2.33"), out);
		assert_addr6_equal(out, table[i].embedded);
	}
}

static void test_table_6to4(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		struct prefix6 p = pfx(table[i].prefix, table[i].len);
		uint8_t a6[16];
		uint32_t a4 = 0;

		ip6_to(table[i].embedded, a6);
		assert_int_equal(rfc6052_6to4(&p, a6, &a4), 0);
		assert_int_equal(a4, be4("192.0.2.33"));
	}
}

/* RFC 6052 section 2.2 also names the Well-Known Prefix 64:ff9b::/96. */
static void test_well_known_prefix(void **state)
{
	struct prefix6 p = pfx("64:ff9b::", 96);
	uint8_t out[16];
	uint32_t a4;

	(void)state;
	rfc6052_4to6(&p, be4("192.0.2.33"), out);
	assert_addr6_equal(out, "64:ff9b::c000:221");
	assert_int_equal(rfc6052_6to4(&p, out, &a4), 0);
	assert_int_equal(a4, be4("192.0.2.33"));
}

/*
 * RFC 6052 2.2: bits 64 to 71 (the u-octet, byte 8) are zero and never carry
 * IPv4 bits; the suffix after the IPv4 address is zero. Checked for every
 * valid length with an address whose bytes are all non-zero.
 */
static void test_u_octet_skipped(void **state)
{
	static const uint8_t lens[] = { 32, 40, 48, 56, 64, 96 };
	const uint8_t v4b[4] = { 0xc6, 0x33, 0x64, 0xfe };
	uint32_t a4;

	(void)state;
	memcpy(&a4, v4b, 4);
	for (size_t i = 0; i < sizeof(lens); i++) {
		struct prefix6 p;
		uint8_t out[16], want[16];
		unsigned pos = lens[i] / 8;

		memset(&p, 0, sizeof(p));
		for (unsigned b = 0; b < lens[i] / 8; b++)
			p.addr[b] = (uint8_t)(0x11 * (b + 1));
		p.len = lens[i];
		/* Expected address built straight from RFC 6052 figure 1. */
		memset(want, 0, sizeof(want));
		memcpy(want, p.addr, lens[i] / 8);
		for (unsigned k = 0; k < 4; k++, pos++) {
			if (pos == 8)
				pos++; /* the u-octet */
			want[pos] = v4b[k];
		}
		memset(out, 0xee, sizeof(out));
		rfc6052_4to6(&p, a4, out);
		assert_memory_equal(out, want, 16);
		if (lens[i] <= 64)
			assert_int_equal(out[8], 0);
		uint32_t back = 0;
		assert_int_equal(rfc6052_6to4(&p, out, &back), 0);
		assert_int_equal(back, a4);
	}
}

/* RFC 6052 2.2: the suffix bits "SHOULD be ignored" by a translator that receives them non-zero. */
static void test_suffix_ignored(void **state)
{
	static const uint8_t lens[] = { 32, 40, 48, 56, 64 };

	(void)state;
	for (size_t i = 0; i < sizeof(lens); i++) {
		struct prefix6 p = pfx("2001:db8:122:344::", lens[i]);
		uint8_t a6[16];
		uint32_t a4 = 0;

		memset(p.addr + lens[i] / 8, 0, 16 - lens[i] / 8);
		rfc6052_4to6(&p, be4("203.0.113.77"), a6);
		/* IPv4 bytes end at byte 12 at most for lengths <= 64 (byte 8 skipped); set the rest. */
		unsigned end = lens[i] / 8 + 4 + (lens[i] / 8 + 4 > 8 ? 1 : 0);
		for (unsigned b = end; b < 16; b++)
			if (b != 8) /* the u-octet is not suffix */
				a6[b] = 0xff;
		assert_int_equal(rfc6052_6to4(&p, a6, &a4), 0);
		assert_int_equal(a4, be4("203.0.113.77"));
	}
}

static void test_outside_prefix_refused(void **state)
{
	struct prefix6 p = pfx("2001:db8:100::", 40);
	uint8_t a6[16];
	uint32_t a4;

	(void)state;
	ip6_to("2001:db8:200:2:21::", a6);
	assert_int_equal(rfc6052_6to4(&p, a6, &a4), -1);
	ip6_to("2001:db9:1c0:2:21::", a6);
	assert_int_equal(rfc6052_6to4(&p, a6, &a4), -1);
	p = pfx("64:ff9b::", 96);
	ip6_to("64:ff9b:1::c000:221", a6);
	assert_int_equal(rfc6052_6to4(&p, a6, &a4), -1);
}

/* RFC 6052 2.2: "the prefix length MUST be one of 32, 40, 48, 56, 64, or 96". */
static void test_valid_lengths(void **state)
{
	(void)state;
	for (unsigned len = 0; len <= 200; len++) {
		bool want = len == 32 || len == 40 || len == 48 || len == 56 || len == 64 || len == 96;
		if (rfc6052_valid_len(len) != want)
			fail_msg("rfc6052_valid_len(%u) = %d", len, !want);
	}
}

/* RFC 6052 2.2: bits 64-71 must be zero; a /96 prefix with a non-zero u-octet is refused. */
static void test_prefix_ok(void **state)
{
	struct prefix6 p;

	(void)state;
	p = pfx("64:ff9b::", 96);
	assert_true(rfc6052_prefix_ok(&p));
	p = pfx("2001:db8:122:344::", 96);
	assert_true(rfc6052_prefix_ok(&p));
	p = pfx("2001:db8:122:344:ff00::", 96); /* u-octet 0xff */
	assert_false(rfc6052_prefix_ok(&p));
	p = pfx("2001:db8:122:344:100::", 96); /* u-octet 0x01 */
	assert_false(rfc6052_prefix_ok(&p));
	p = pfx("2001:db8:122:344:ff::", 96); /* byte 9 is not the u-octet */
	assert_true(rfc6052_prefix_ok(&p));
	p = pfx("2001:db8:100::", 40);
	assert_true(rfc6052_prefix_ok(&p));
	p = pfx("2001:db8::", 32);
	assert_true(rfc6052_prefix_ok(&p));
	/* Invalid lengths are not valid prefixes either. */
	p = pfx("2001:db8::", 33);
	assert_false(rfc6052_prefix_ok(&p));
	p = pfx("2001:db8::", 128);
	assert_false(rfc6052_prefix_ok(&p));
	p = pfx("::", 0);
	assert_false(rfc6052_prefix_ok(&p));
}

/* Every length, many addresses: 4->6->4 is the identity and never touches the u-octet. */
static void test_roundtrip(void **state)
{
	static const uint8_t lens[] = { 32, 40, 48, 56, 64, 96 };
	uint32_t x = 0x12345678;

	(void)state;
	for (size_t i = 0; i < sizeof(lens); i++) {
		struct prefix6 p = pfx("2001:db8:aabb:ccdd::", lens[i]);
		memset(p.addr + lens[i] / 8, 0, 16 - lens[i] / 8);
		for (int n = 0; n < 5000; n++) {
			uint8_t a6[16];
			uint32_t a4, back = 0;

			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			a4 = x;
			rfc6052_4to6(&p, a4, a6);
			assert_memory_equal(a6, p.addr, lens[i] / 8);
			if (lens[i] <= 64)
				assert_int_equal(a6[8], 0);
			assert_int_equal(rfc6052_6to4(&p, a6, &back), 0);
			assert_int_equal(back, a4);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_4to6),
		cmocka_unit_test(test_table_6to4),
		cmocka_unit_test(test_well_known_prefix),
		cmocka_unit_test(test_u_octet_skipped),
		cmocka_unit_test(test_suffix_ignored),
		cmocka_unit_test(test_outside_prefix_refused),
		cmocka_unit_test(test_valid_lengths),
		cmocka_unit_test(test_prefix_ok),
		cmocka_unit_test(test_roundtrip),
	};

	return cmocka_run_group_tests_name("rfc6052", tests, NULL, NULL);
}
