/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Explicit Address Mapping Table, RFC 7757 sections 3.1-3.3: prefix pairs,
 * longest-prefix match in each direction, host bits (the suffix) carried over.
 * The IPv6 prefix may leave more suffix bits than the IPv4 one needs: the IPv4
 * suffix goes right after the IPv6 prefix, further bits are zero one way and
 * ignored the other. Refused: an IPv4 suffix that does not fit, host bits set,
 * a prefix already in the table (nested prefixes are fine: longest match).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "eamt.h"
#include "pktbuild.h"

static struct eamt table; /* large: keep it off the stack */

static struct prefix6 p6(const char *s)
{
	struct prefix6 p;

	if (prefix6_parse(s, &p) != 0)
		fail_msg("prefix6_parse(%s)", s);
	return p;
}

static struct prefix4 p4(const char *s)
{
	struct prefix4 p;

	if (prefix4_parse(s, &p) != 0)
		fail_msg("prefix4_parse(%s)", s);
	return p;
}

static int add(const char *s6, const char *s4)
{
	struct prefix6 a = p6(s6);
	struct prefix4 b = p4(s4);
	const char *why = NULL;
	int r = eamt_add(&table, &a, &b, &why);

	if (r != 0)
		assert_non_null(why);
	return r;
}

static void must_add(const char *s6, const char *s4)
{
	if (add(s6, s4) != 0)
		fail_msg("eamt_add(%s, %s) refused", s6, s4);
}

/* a6 <-> a4 through the table, both directions. */
static void assert_maps(const char *s6, const char *s4)
{
	uint8_t a6[16], got6[16];
	uint32_t got4 = 0;
	char buf[INET6_ADDRSTRLEN];

	ip6_to(s6, a6);
	if (eamt_6to4(&table, a6, &got4) != 0)
		fail_msg("%s: no 6->4 match", s6);
	if (got4 != be4(s4)) {
		inet_ntop(AF_INET, &got4, buf, sizeof(buf));
		fail_msg("%s -> %s, want %s", s6, buf, s4);
	}
	if (eamt_4to6(&table, be4(s4), got6) != 0)
		fail_msg("%s: no 4->6 match", s4);
	if (memcmp(got6, a6, 16) != 0) {
		inet_ntop(AF_INET6, got6, buf, sizeof(buf));
		fail_msg("%s -> %s, want %s", s4, buf, s6);
	}
	assert_true(eamt_has6(&table, a6));
	assert_true(eamt_has4(&table, be4(s4)));
}

static void assert_miss6(const char *s6)
{
	uint8_t a6[16];
	uint32_t a4;

	ip6_to(s6, a6);
	assert_int_equal(eamt_6to4(&table, a6, &a4), -1);
	assert_false(eamt_has6(&table, a6));
}

static void assert_miss4(const char *s4)
{
	uint8_t a6[16];

	assert_int_equal(eamt_4to6(&table, be4(s4), a6), -1);
	assert_false(eamt_has4(&table, be4(s4)));
}

static int setup(void **state)
{
	(void)state;
	eamt_init(&table);
	return 0;
}

/*
 * RFC 7757 section 3.2 figure 1 and the translations section 3.3 derives from
 * it (rows 4 and 5 have longer IPv6 suffixes than IPv4 ones).
 */
static void test_rfc7757_table(void **state)
{
	uint8_t a6[16];
	uint32_t a4;

	(void)state;
	must_add("2001:db8:aaaa::", "192.0.2.1");         /* no length: /128 and /32 */
	must_add("2001:db8:bbbb::b/128", "192.0.2.2/32");
	must_add("2001:db8:cccc::/124", "192.0.2.16/28");
	must_add("2001:db8:dddd::/64", "192.0.2.128/26");
	must_add("2001:db8:eeee:8::/62", "192.0.2.192/29");
	must_add("64:ff9b::/127", "192.0.2.224/31");
	assert_int_equal(table.n, 6);

	assert_maps("2001:db8:aaaa::", "192.0.2.1");
	assert_maps("2001:db8:bbbb::b", "192.0.2.2");
	assert_maps("2001:db8:cccc::", "192.0.2.16");
	assert_maps("2001:db8:cccc::4", "192.0.2.20");
	assert_maps("2001:db8:cccc::f", "192.0.2.31");
	assert_maps("2001:db8:dddd::", "192.0.2.128");
	assert_maps("2001:db8:dddd:0:400::", "192.0.2.129");
	assert_maps("2001:db8:dddd:0:fc00::", "192.0.2.191");
	assert_maps("2001:db8:eeee:9:8000::", "192.0.2.195");
	assert_maps("2001:db8:eeee:b:8000::", "192.0.2.199");
	assert_maps("64:ff9b::", "192.0.2.224");
	assert_maps("64:ff9b::1", "192.0.2.225");
	/* IPv6 bits after the IPv4 suffix are ignored on the way to IPv4 */
	ip6_to("2001:db8:dddd:0:4ff:ffff:ffff:ffff", a6);
	assert_int_equal(eamt_6to4(&table, a6, &a4), 0);
	assert_int_equal(a4, be4("192.0.2.129"));
	ip6_to("2001:db8:eeee:9:ffff::1", a6);
	assert_int_equal(eamt_6to4(&table, a6, &a4), 0);
	assert_int_equal(a4, be4("192.0.2.195"));

	assert_miss6("2001:db8:aaaa::1");
	assert_miss6("2001:db8:bbbb::a");
	assert_miss6("2001:db8:cccc::10");
	assert_miss6("64:ff9b::2");
	assert_miss4("192.0.2.3");
	assert_miss4("192.0.2.32");
	assert_miss4("192.0.2.15");
	assert_miss4("192.0.2.226");
}

/* Suffix copying: 2001:db8:6::/120 <-> 192.0.2.0/24, every host. */
static void test_suffix_copy_24(void **state)
{
	(void)state;
	must_add("2001:db8:6::/120", "192.0.2.0/24");
	for (unsigned h = 0; h < 256; h++) {
		char s6[64], s4[32];
		snprintf(s6, sizeof(s6), "2001:db8:6::%x", h);
		snprintf(s4, sizeof(s4), "192.0.2.%u", h);
		assert_maps(s6, s4);
	}
	assert_miss6("2001:db8:6::100");
	assert_miss6("2001:db8:7::1");
	assert_miss4("192.0.3.0");
	assert_miss4("192.0.1.255");
}

/* Suffixes that do not start on a byte boundary, and the whole IPv4 space as one entry. */
static void test_suffix_copy_odd_lengths(void **state)
{
	(void)state;
	must_add("2001:db8:1::a0/125", "198.51.100.8/29");
	assert_maps("2001:db8:1::a0", "198.51.100.8");
	assert_maps("2001:db8:1::a5", "198.51.100.13");
	assert_maps("2001:db8:1::a7", "198.51.100.15");
	assert_miss6("2001:db8:1::a8");
	assert_miss4("198.51.100.16");

	must_add("2001:db8:2::/107", "10.0.0.0/11"); /* 21-bit suffix */
	assert_maps("2001:db8:2::12:3456", "10.18.52.86");
	assert_maps("2001:db8:2::1f:ffff", "10.31.255.255");
	assert_miss6("2001:db8:2::20:0");
	assert_miss4("10.32.0.0");
}

static void test_suffix_whole_space(void **state)
{
	(void)state;
	must_add("2001:db8:ffff::/96", "0.0.0.0/0");
	assert_maps("2001:db8:ffff::", "0.0.0.0");
	assert_maps("2001:db8:ffff::c000:221", "192.0.2.33");
	assert_maps("2001:db8:ffff::ffff:ffff", "255.255.255.255");
	assert_miss6("2001:db8:fffe::1");
}

/*
 * RFC 7757 3.2: nested prefixes, longest match wins in each direction
 * (the example of Jool's EAMT documentation; note the asymmetry).
 */
static void test_longest_prefix_match(void **state)
{
	(void)state;
	for (int order = 0; order < 2; order++) {
		eamt_init(&table);
		if (order == 0) {
			must_add("2001:db8:aaaa::/120", "192.0.2.0/24");
			must_add("2001:db8:bbbb::/125", "192.0.2.8/29");
		} else {
			must_add("2001:db8:bbbb::/125", "192.0.2.8/29");
			must_add("2001:db8:aaaa::/120", "192.0.2.0/24");
		}
		assert_maps("2001:db8:bbbb::1", "192.0.2.9");
		assert_maps("2001:db8:aaaa::7", "192.0.2.7");
		assert_maps("2001:db8:aaaa::10", "192.0.2.16");
		/* 2001:db8:aaaa::9 -> 192.0.2.9, which goes back as 2001:db8:bbbb::1 */
		uint8_t a6[16];
		uint32_t a4;
		ip6_to("2001:db8:aaaa::9", a6);
		assert_int_equal(eamt_6to4(&table, a6, &a4), 0);
		assert_int_equal(a4, be4("192.0.2.9"));
	}
	/* nested on the IPv6 side only */
	eamt_init(&table);
	must_add("2001:db8:1::/112", "10.1.0.0/16");
	must_add("2001:db8:1::100/120", "198.51.100.0/24");
	assert_maps("2001:db8:1::1ff", "198.51.100.255");
	assert_maps("2001:db8:1::2ff", "10.1.2.255");
}

/* Entries added in any order are found (the add keeps both views sorted). */
static void test_insert_order(void **state)
{
	(void)state;
	must_add("2001:db8:1::/120", "10.1.0.0/24");
	must_add("2001:db8:2::1/128", "10.2.0.1/32");
	must_add("2001:db8:3::/112", "10.3.0.0/16");
	must_add("2001:db8:4::/126", "10.4.0.0/30");
	must_add("2001:db8:5::/104", "11.0.0.0/8");
	for (unsigned i = 1; i < table.n; i++) {
		assert_true(table.by6[i - 1].p6.len >= table.by6[i].p6.len);
		assert_true(table.by4[i - 1].p4.len >= table.by4[i].p4.len);
	}
	assert_maps("2001:db8:1::ff", "10.1.0.255");
	assert_maps("2001:db8:2::1", "10.2.0.1");
	assert_maps("2001:db8:3::1234", "10.3.18.52");
	assert_maps("2001:db8:4::3", "10.4.0.3");
	assert_maps("2001:db8:5::12:3456", "11.18.52.86");
}

/* RFC 7757 3.2: the IPv4 suffix must fit after the IPv6 prefix (128 - len6 >= 32 - len4). */
static void test_refuse_suffix_too_long(void **state)
{
	(void)state;
	assert_int_equal(add("2001:db8:6::/120", "192.0.2.0/23"), -1);
	assert_int_equal(add("2001:db8::1/128", "192.0.2.0/31"), -1);
	assert_int_equal(add("2001:db8::/100", "0.0.0.0/0"), -1);
	assert_int_equal(table.n, 0);
	/* a longer IPv6 suffix is fine: the 8 IPv4 suffix bits are bits 119-126, bit 127 is spare */
	must_add("2001:db8:6::/119", "192.0.2.0/24");
	assert_maps("2001:db8:6::a", "192.0.2.5");
	assert_maps("2001:db8:6::1fe", "192.0.2.255");
}

static void test_refuse_host_bits(void **state)
{
	(void)state;
	assert_int_equal(add("2001:db8:6::1/120", "192.0.2.0/24"), -1);
	assert_int_equal(add("2001:db8:6::/120", "192.0.2.1/24"), -1);
	assert_int_equal(add("2001:db8:6::c0/121", "192.0.2.0/25"), -1);
	assert_int_equal(add("2001:db8:6::80/121", "192.0.2.64/25"), -1);
	assert_int_equal(table.n, 0);
	must_add("2001:db8:6::80/121", "192.0.2.128/25");
}

/* The same prefix twice on one side would make that direction ambiguous. */
static void test_refuse_duplicate(void **state)
{
	(void)state;
	must_add("2001:db8:6::/120", "192.0.2.0/24");
	assert_int_equal(add("2001:db8:7::/120", "192.0.2.0/24"), -1);
	assert_int_equal(add("2001:db8:6::/120", "192.0.3.0/24"), -1);
	assert_int_equal(add("2001:db8:6::/120", "192.0.2.0/24"), -1);
	assert_int_equal(table.n, 1);
	/* adjacent and nested prefixes are fine */
	must_add("2001:db8:6::100/120", "192.0.3.0/24");
	must_add("2001:db8:7::/128", "192.0.2.7/32");
	assert_maps("2001:db8:6::1ff", "192.0.3.255");
	assert_maps("2001:db8:6::ff", "192.0.2.255");
	assert_maps("2001:db8:7::", "192.0.2.7");
	assert_int_equal(table.n, 3);
}

static void test_full_table(void **state)
{
	(void)state;
	for (unsigned i = 0; i < EAMT_MAX; i++) {
		char s6[64], s4[32];
		snprintf(s6, sizeof(s6), "2001:db8::%x", i);
		snprintf(s4, sizeof(s4), "10.0.%u.%u", i / 256, i % 256);
		must_add(s6, s4);
	}
	assert_int_equal(table.n, EAMT_MAX);
	assert_int_equal(add("2001:db8:1::", "11.0.0.0"), -1);
	assert_int_equal(table.n, EAMT_MAX);
	assert_maps("2001:db8::3ff", "10.0.3.255");
	assert_maps("2001:db8::0", "10.0.0.0");
}

static void test_remove(void **state)
{
	struct prefix6 a = p6("2001:db8:6::/120");
	struct prefix4 b = p4("192.0.2.0/24");
	struct prefix6 c = p6("2001:db8:cccc::/124");
	struct prefix4 d = p4("192.0.2.16/28");

	(void)state;
	must_add("2001:db8:aaaa::", "198.51.100.1");
	must_add("2001:db8:6::/120", "192.0.2.0/24");
	must_add("2001:db8:bbbb::/124", "203.0.113.16/28");
	/* a pair that is not in the table (halves of different entries) */
	assert_int_equal(eamt_remove(&table, &c, &d), -1);
	struct prefix4 wrong = p4("203.0.113.16/28");
	assert_int_equal(eamt_remove(&table, &a, &wrong), -1);
	assert_int_equal(table.n, 3);

	assert_int_equal(eamt_remove(&table, &a, &b), 0);
	assert_int_equal(table.n, 2);
	assert_miss6("2001:db8:6::5");
	assert_miss4("192.0.2.5");
	assert_maps("2001:db8:aaaa::", "198.51.100.1");
	assert_maps("2001:db8:bbbb::5", "203.0.113.21");
	assert_int_equal(eamt_remove(&table, &a, &b), -1);
	/* the space is free again, for a different pairing */
	must_add("2001:db8:6::/120", "192.0.3.0/24");
	assert_maps("2001:db8:6::5", "192.0.3.5");
	/* remove everything */
	struct prefix6 e = p6("2001:db8:aaaa::");
	struct prefix4 f = p4("198.51.100.1");
	struct prefix6 g = p6("2001:db8:bbbb::/124");
	struct prefix4 h = p4("203.0.113.16/28");
	struct prefix4 k = p4("192.0.3.0/24");
	assert_int_equal(eamt_remove(&table, &e, &f), 0);
	assert_int_equal(eamt_remove(&table, &g, &h), 0);
	assert_int_equal(eamt_remove(&table, &a, &k), 0);
	assert_int_equal(table.n, 0);
	assert_miss6("2001:db8:aaaa::");
	assert_miss4("203.0.113.20");
}

static void test_prefix_parse(void **state)
{
	struct prefix6 a;
	struct prefix4 b;

	(void)state;
	assert_int_equal(prefix6_parse("2001:db8::/32", &a), 0);
	assert_int_equal(a.len, 32);
	assert_int_equal(prefix6_parse("2001:db8::1", &a), 0);
	assert_int_equal(a.len, 128);
	assert_int_equal(prefix6_parse("::/0", &a), 0);
	assert_int_equal(a.len, 0);
	assert_int_equal(prefix4_parse("192.0.2.0/24", &b), 0);
	assert_int_equal(b.len, 24);
	assert_int_equal(b.addr, be4("192.0.2.0"));
	assert_int_equal(prefix4_parse("192.0.2.1", &b), 0);
	assert_int_equal(b.len, 32);

	assert_int_equal(prefix6_parse("2001:db8::/129", &a), -1);
	assert_int_equal(prefix6_parse("2001:db8::/", &a), -1);
	assert_int_equal(prefix6_parse("/64", &a), -1);
	assert_int_equal(prefix6_parse("2001:db8::/6x", &a), -1);
	assert_int_equal(prefix6_parse("2001:db8::/-1", &a), -1);
	assert_int_equal(prefix6_parse("192.0.2.1", &a), -1);
	assert_int_equal(prefix6_parse("", &a), -1);
	assert_int_equal(prefix4_parse("192.0.2.0/33", &b), -1);
	assert_int_equal(prefix4_parse("192.0.2.0/", &b), -1);
	assert_int_equal(prefix4_parse("192.0.2/24", &b), -1);
	assert_int_equal(prefix4_parse("2001:db8::", &b), -1);
	assert_int_equal(prefix4_parse("192.0.2.0/24 ", &b), -1);
}

static void test_prefix_contains(void **state)
{
	struct prefix6 a = p6("2001:db8:1c0::/42");
	struct prefix4 b = p4("198.51.100.128/25");
	uint8_t x[16];

	(void)state;
	ip6_to("2001:db8:1ff:ffff::1", x);
	assert_true(prefix6_contains(&a, x));
	ip6_to("2001:db8:200::", x);
	assert_false(prefix6_contains(&a, x));
	ip6_to("2001:db8:1bf:ffff::", x);
	assert_false(prefix6_contains(&a, x));
	assert_true(prefix4_contains(&b, be4("198.51.100.255")));
	assert_true(prefix4_contains(&b, be4("198.51.100.128")));
	assert_false(prefix4_contains(&b, be4("198.51.100.127")));
	struct prefix4 all = p4("0.0.0.0/0");
	assert_true(prefix4_contains(&all, be4("255.1.2.3")));
	struct prefix6 all6 = p6("::/0");
	assert_true(prefix6_contains(&all6, x));

	assert_false(prefix6_has_host_bits(&a));
	a = p6("2001:db8:1e0::/42");
	assert_true(prefix6_has_host_bits(&a));
	assert_false(prefix4_has_host_bits(&b));
	b = p4("198.51.100.129/25");
	assert_true(prefix4_has_host_bits(&b));
}

#define T(f) cmocka_unit_test_setup(f, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_rfc7757_table),
		T(test_suffix_copy_24),
		T(test_suffix_copy_odd_lengths),
		T(test_suffix_whole_space),
		T(test_longest_prefix_match),
		T(test_insert_order),
		T(test_refuse_suffix_too_long),
		T(test_refuse_host_bits),
		T(test_refuse_duplicate),
		T(test_full_table),
		T(test_remove),
		T(test_prefix_parse),
		T(test_prefix_contains),
	};

	return cmocka_run_group_tests_name("eamt", tests, NULL, NULL);
}
