/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Internet checksum: RFC 1071 (computation), RFC 768 / RFC 8200 8.1
 * (pseudo-headers), RFC 1624 (incremental update), RFC 791 (IPv4 header).
 * Results are compared with the RFCs' worked examples, with packets whose
 * checksums another implementation (scapy) computed, and with a naive
 * byte-at-a-time reference written here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <string.h>

#include "checksum.h"
#include "pktbuild.h"

/* The naive reference (RFC 1071 section 1, read literally): pktbuild.h. */

static uint32_t xs = 0x2545f491;

static uint32_t rnd(void)
{
	xs ^= xs << 13;
	xs ^= xs >> 17;
	xs ^= xs << 5;
	return xs;
}

static void fill_rand(uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)rnd();
}

/* ---- RFC 1071 ---- */

/* RFC 1071 section 3, "Numerical Examples": 00 01 f2 03 f4 f5 f6 f7 sums to ddf2. */
static void test_rfc1071_example(void **state)
{
	static const uint8_t b[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };

	(void)state;
	assert_int_equal(ref_fold(csum_partial(b, sizeof(b), 0)), 0xddf2);
	assert_int_equal(csum_fold(csum_partial(b, sizeof(b), 0)), 0x220d);
	/* Section 2 (B): byte order independence: swapping the bytes of every word swaps the sum. */
	static const uint8_t s[] = { 0x01, 0x00, 0x03, 0xf2, 0xf5, 0xf4, 0xf7, 0xf6 };
	assert_int_equal(ref_fold(csum_partial(s, sizeof(s), 0)), 0xf2dd);
}

/* RFC 1071 4.1: an odd trailing byte is padded with a zero byte on the right. */
static void test_odd_length(void **state)
{
	static const uint8_t b[] = { 0x00, 0x01, 0xf2 };

	(void)state;
	assert_int_equal(ref_fold(csum_partial(b, 3, 0)), 0xf201);
	assert_int_equal(ref_fold(csum_partial(b, 1, 0)), 0x0000);
	assert_int_equal(ref_fold(csum_partial(b + 2, 1, 0)), 0xf200);
	assert_int_equal(ref_fold(csum_partial(b, 0, 0x1234)), 0x1234);
}

/* RFC 1071 2 (C): parallel summation; partial sums add up, whatever the split (even offsets). */
static void test_init_chaining(void **state)
{
	uint8_t b[1501];

	(void)state;
	fill_rand(b, sizeof(b));
	uint16_t whole = ref_fold(csum_partial(b, sizeof(b), 0));
	for (size_t cut = 0; cut <= sizeof(b); cut += 2) {
		uint32_t s = csum_partial(b, cut, 0);
		s = csum_partial(b + cut, sizeof(b) - cut, s);
		assert_int_equal(ref_fold(s), whole);
	}
}

/* Random buffers of every alignment and length against the naive reference; also no overflow at 64 KiB. */
static void test_against_reference(void **state)
{
	static uint8_t b[65536 + 8];

	(void)state;
	for (int n = 0; n < 2000; n++) {
		size_t off = rnd() % 8, len = rnd() % 2049;
		fill_rand(b + off, len);
		uint32_t init = rnd() & 0xffff;
		assert_int_equal(ref_fold(csum_partial(b + off, len, init)), ref_fold(ref_add(init, b + off, len)));
	}
	memset(b, 0xff, sizeof(b));
	assert_int_equal(ref_fold(csum_partial(b, 65536, 0)), 0xffff);
	assert_int_equal(ref_fold(csum_partial(b, 65535, 0)), ref_fold(ref_add(0, b, 65535)));
	assert_int_equal(ref_fold(csum_partial(b, 65536, 0xffffffffu)), ref_fold(ref_fold(0xffffffffu) + 0xffffu));
}

/* ---- pseudo-headers and whole packets (vectors computed by scapy) ---- */

/* RFC 768: UDP over IPv4, 192.0.2.33:2000 -> 198.51.100.2:4000, 12 payload bytes 00..0b: checksum 0xddda. */
static void test_udp4_vector(void **state)
{
	uint8_t udp[20] = { 0x07, 0xd0, 0x0f, 0xa0, 0x00, 0x14, 0x00, 0x00 };

	(void)state;
	for (int i = 0; i < 12; i++)
		udp[8 + i] = (uint8_t)i;
	uint32_t ph = csum_pseudo4(be4("192.0.2.33"), be4("198.51.100.2"), 17, sizeof(udp));
	assert_int_equal(csum_fold(csum_partial(udp, sizeof(udp), ph)), 0xddda);
	udp[6] = 0xdd;
	udp[7] = 0xda;
	assert_int_equal(oc_norm(csum_fold(csum_partial(udp, sizeof(udp), ph))), 0);
}

/* RFC 8200 8.1: UDP over IPv6, same ports and payload: checksum 0x37b1. */
static void test_udp6_vector(void **state)
{
	uint8_t udp[20] = { 0x07, 0xd0, 0x0f, 0xa0, 0x00, 0x14, 0x00, 0x00 };
	uint8_t s[16], d[16];

	(void)state;
	for (int i = 0; i < 12; i++)
		udp[8 + i] = (uint8_t)i;
	ip6_to("2001:db8:1c0:2:21::", s);
	ip6_to("2001:db8:1c6:3364:2::", d);
	uint32_t ph = csum_pseudo6(s, d, 17, sizeof(udp));
	assert_int_equal(csum_fold(csum_partial(udp, sizeof(udp), ph)), 0x37b1);
}

/* RFC 4443 2.3: ICMPv6 includes the pseudo-header. Echo request id 0x1234 seq 1, data 00..07: 0xceee. */
static void test_icmp6_vector(void **state)
{
	uint8_t m[16] = { 0x80, 0x00, 0x00, 0x00, 0x12, 0x34, 0x00, 0x01 };
	uint8_t s[16], d[16];

	(void)state;
	for (int i = 0; i < 8; i++)
		m[8 + i] = (uint8_t)i;
	ip6_to("2001:db8:1c0:2:21::", s);
	ip6_to("2001:db8:1c6:3364:2::", d);
	assert_int_equal(csum_fold(csum_partial(m, sizeof(m), csum_pseudo6(s, d, 58, sizeof(m)))), 0xceee);
}

/* Pseudo-header sums equal the reference sum of the pseudo-header bytes as the RFCs draw them. */
static void test_pseudo_headers(void **state)
{
	(void)state;
	for (int n = 0; n < 1000; n++) {
		uint8_t ph4[12], ph6[40];
		uint32_t s4 = rnd(), d4 = rnd(), len = rnd() & 0xffff;
		uint8_t proto = (uint8_t)rnd();

		memcpy(ph4, &s4, 4);
		memcpy(ph4 + 4, &d4, 4);
		ph4[8] = 0;
		ph4[9] = proto;
		ph4[10] = (uint8_t)(len >> 8);
		ph4[11] = (uint8_t)len;
		assert_int_equal(ref_fold(csum_pseudo4(s4, d4, proto, len)), ref_fold(ref_add(0, ph4, 12)));

		/* RFC 8200 8.1: 32-bit Upper-Layer Packet Length (jumbo sizes too), 3 zero bytes, Next Header. */
		uint32_t len6 = (n & 1) ? rnd() : (rnd() & 0xffff);
		fill_rand(ph6, 32);
		ph6[32] = (uint8_t)(len6 >> 24);
		ph6[33] = (uint8_t)(len6 >> 16);
		ph6[34] = (uint8_t)(len6 >> 8);
		ph6[35] = (uint8_t)len6;
		ph6[36] = ph6[37] = ph6[38] = 0;
		ph6[39] = proto;
		assert_int_equal(ref_fold(csum_pseudo6(ph6, ph6 + 16, proto, len6)), ref_fold(ref_add(0, ph6, 40)));
	}
}

/* ---- RFC 791 IPv4 header checksum ---- */

static void test_ipv4_header(void **state)
{
	/* A well-known example header (checksum field b861). */
	uint8_t h[20] = { 0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
			  0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7 };
	/* scapy: 192.0.2.33 -> 198.51.100.2 TCP, total length 45, id 1, DF */
	static const uint8_t t[20] = { 0x45, 0x00, 0x00, 0x2d, 0x00, 0x01, 0x00, 0x00, 0x40, 0x06,
				       0x8e, 0x73, 0xc0, 0x00, 0x02, 0x21, 0xc6, 0x33, 0x64, 0x02 };

	(void)state;
	assert_int_equal(csum_ipv4_header(h, 20), 0xb861);
	/* The checksum field itself is taken as zero, whatever it holds. */
	h[10] = 0x12;
	h[11] = 0x34;
	assert_int_equal(csum_ipv4_header(h, 20), 0xb861);
	assert_int_equal(csum_ipv4_header(t, 20), 0x8e73);

	/* With options (IHL 6 and 15): the result makes the header sum to all ones. */
	for (unsigned ihl = 5; ihl <= 15; ihl++) {
		uint8_t o[60];
		fill_rand(o, sizeof(o));
		o[0] = (uint8_t)(0x40 | ihl);
		uint16_t c = csum_ipv4_header(o, ihl * 4);
		o[10] = (uint8_t)(c >> 8);
		o[11] = (uint8_t)c;
		assert_int_equal(ref_fold(ref_add(0, o, ihl * 4)), 0xffff);
	}
}

/* ---- RFC 1624 incremental update ---- */

/* RFC 1624 section 3's example: HC 0xdd2f, m 0x5555 -> m' 0x3285 gives HC' 0x0000 with eqn. 3 (not 0xffff). */
static void test_rfc1624_example(void **state)
{
	(void)state;
	assert_int_equal(csum_replace(0xdd2f, 0x5555, 0x3285), 0x0000);
}

/* A UDP datagram whose addresses change (IPv4 -> IPv6 and back): incremental equals full recomputation. */
static void test_replace_keeps_correct(void **state)
{
	(void)state;
	for (int n = 0; n < 2000; n++) {
		uint8_t dg[200], s6[16], d6[16];
		uint32_t s4 = rnd(), d4 = rnd(), len = 8 + rnd() % 190;

		fill_rand(dg, len);
		fill_rand(s6, 16);
		fill_rand(d6, 16);
		dg[6] = dg[7] = 0;
		uint16_t c4 = csum_fold(csum_partial(dg, len, csum_pseudo4(s4, d4, 17, len)));
		uint16_t c6 = csum_fold(csum_partial(dg, len, csum_pseudo6(s6, d6, 17, len)));
		uint8_t old_a[8], new_a[32];
		memcpy(old_a, &s4, 4);
		memcpy(old_a + 4, &d4, 4);
		memcpy(new_a, s6, 16);
		memcpy(new_a + 16, d6, 16);
		uint16_t got = csum_replace(c4, ref_add(0, old_a, 8), ref_add(0, new_a, 32));
		assert_int_equal(oc_norm(got), oc_norm(c6));
		/* and the other way */
		got = csum_replace(c6, ref_add(0, new_a, 32), ref_add(0, old_a, 8));
		assert_int_equal(oc_norm(got), oc_norm(c4));
		/* The result verifies: the datagram with it sums to all ones. */
		dg[6] = (uint8_t)(got >> 8);
		dg[7] = (uint8_t)got;
		assert_int_equal(oc_norm(csum_fold(csum_partial(dg, len, csum_pseudo4(s4, d4, 17, len)))), 0);
	}
}

/* A wrong checksum stays wrong by the same one's complement amount (what Jool's csumfail vectors check). */
static void test_replace_keeps_wrong(void **state)
{
	(void)state;
	for (int n = 0; n < 2000; n++) {
		uint8_t dg[100], s6[16], d6[16];
		uint32_t s4 = rnd(), d4 = rnd(), len = 8 + rnd() % 90;
		uint16_t delta = (uint16_t)(1 + rnd() % 0xfffe);

		fill_rand(dg, len);
		fill_rand(s6, 16);
		fill_rand(d6, 16);
		dg[6] = dg[7] = 0;
		uint16_t c4 = csum_fold(csum_partial(dg, len, csum_pseudo4(s4, d4, 17, len)));
		uint16_t c6 = csum_fold(csum_partial(dg, len, csum_pseudo6(s6, d6, 17, len)));
		uint8_t old_a[8], new_a[32];
		memcpy(old_a, &s4, 4);
		memcpy(old_a + 4, &d4, 4);
		memcpy(new_a, s6, 16);
		memcpy(new_a + 16, d6, 16);
		uint16_t bad4 = oc_add(c4, delta);
		uint16_t got = csum_replace(bad4, ref_add(0, old_a, 8), ref_add(0, new_a, 32));
		assert_int_equal(oc_norm(got), oc_norm(oc_add(c6, delta)));
	}
}

/* Unfolded sums (as csum_partial returns them) are accepted for old/new. */
static void test_replace_unfolded(void **state)
{
	(void)state;
	assert_int_equal(csum_replace(0xdd2f, 0x5555 + 0x10000 - 1, 0x3285), csum_replace(0xdd2f, 0x5555, 0x3285));
	assert_int_equal(csum_replace(0xdd2f, 0x5555, 0x23285 - 1), csum_replace(0xdd2f, 0x5555, 0x3286));
	/* Replacing a value with itself changes nothing. */
	for (int n = 0; n < 1000; n++) {
		uint16_t hc = (uint16_t)rnd();
		uint32_t m = rnd() & 0xffffff;
		if (hc == 0xffff)
			continue; /* -0: eqn. 3 turns it into +0, which is the same number */
		assert_int_equal(csum_replace(hc, m, m), hc);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc1071_example),
		cmocka_unit_test(test_odd_length),
		cmocka_unit_test(test_init_chaining),
		cmocka_unit_test(test_against_reference),
		cmocka_unit_test(test_udp4_vector),
		cmocka_unit_test(test_udp6_vector),
		cmocka_unit_test(test_icmp6_vector),
		cmocka_unit_test(test_pseudo_headers),
		cmocka_unit_test(test_ipv4_header),
		cmocka_unit_test(test_rfc1624_example),
		cmocka_unit_test(test_replace_keeps_correct),
		cmocka_unit_test(test_replace_keeps_wrong),
		cmocka_unit_test(test_replace_unfolded),
	};

	return cmocka_run_group_tests_name("checksum", tests, NULL, NULL);
}
