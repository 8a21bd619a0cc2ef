/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Malformed packets: every header cut at every length, bad headers, padding.
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
/* Malformed packets: every header cut at every length                      */
/* ======================================================================== */

/*
 * Feed the first L bytes of a packet, L = 0 .. len-1, in a heap buffer of
 * exactly HEADROOM + L bytes (so that a sanitizer sees any read past the
 * end). consistent: also shrink the IP length field to L (header chain cut
 * short but self-consistent). Below `need` bytes the packet cannot be
 * translated: it must be dropped with a counter. Above, anything but a crash
 * or an uncounted drop is acceptable.
 */
static void cut_everywhere(const uint8_t *p, uint32_t len, int family, bool consistent, uint32_t need)
{
	for (uint32_t l = 0; l < len; l++) {
		struct xlat_pkt k;
		uint8_t *b = malloc(HEADROOM + l + 1);

		assert_non_null(b);
		memcpy(b + HEADROOM, p, l);
		if (consistent && family == 6 && l >= 40)
			wr16(b + HEADROOM + 4, (uint16_t)(l - 40));
		if (consistent && family == 4 && l >= 20) {
			wr16(b + HEADROOM + 2, (uint16_t)l);
			if (l >= (p[0] & 0xfu) * 4u) /* else options cut: the header sum cannot be made right */
				ip4_fix_csum(b + HEADROOM);
		}
		reset();
		enum xlat_verdict v = run_at(&k, b, HEADROOM + l, l, family);
		if (l < need && v != XV_DROP)
			fail_msg("IPv%d %02x.. cut to %u of %u bytes (%s): verdict %d, want XV_DROP", family,
				 p[family == 6 ? 6 : 9], l, len, consistent ? "consistent" : "short buffer", v);
		if (v == XV_DROP && others() == 0)
			fail_msg("IPv%d cut to %u of %u bytes: dropped without a counter", family, l, len);
		free(b);
	}
}

/* The packets cut below, with where their IP header chain and their first L4 header end. */
struct cut_tpl {
	const char *what;
	uint32_t len, l3_end, l4_end;
	uint8_t p[256];
};

static unsigned templates6(struct cut_tpl *t)
{
	unsigned n = 0;
	uint8_t tcp[40], dg[64];

	/* UDP */
	t[n].what = "UDP";
	t[n].len = b6_udp(t[n].p, N6, N4_6, 20);
	t[n].l3_end = 40;
	t[n].l4_end = 48;
	n++;
	/* TCP behind Hop-by-Hop and Destination Options headers */
	t[n].what = "HBH+DST+TCP";
	put_tcp(tcp, 20);
	l4_set(6, N6, N4_6, 6, tcp, 40);
	memset(t[n].p + 40, 0, 24);
	t[n].p[40] = 60;
	t[n].p[42] = 1;
	t[n].p[43] = 4;
	t[n].p[48] = 6;
	t[n].p[49] = 1;
	t[n].p[50] = 1;
	t[n].p[51] = 12;
	memcpy(t[n].p + 64, tcp, 40);
	put_ip6(t[n].p, 0, 0, 64, 0, 64, N6, N4_6);
	t[n].len = 104;
	t[n].l3_end = 64;
	t[n].l4_end = 84;
	n++;
	/* ICMPv6 echo */
	t[n].what = "ICMPv6 echo";
	t[n].len = b6_icmp(t[n].p, N6, N4_6, 128, 16);
	t[n].l3_end = 40;
	t[n].l4_end = 48;
	n++;
	/* first fragment of a UDP datagram */
	t[n].what = "first fragment";
	put_udp(dg, 56);
	l4_set(6, N6, N4_6, 17, dg, 64);
	t[n].len = b6_frag(t[n].p, N6, N4_6, 17, 0, true, 5, dg, 32);
	t[n].l3_end = 48;
	t[n].l4_end = 56;
	n++;
	/* ICMPv6 error quoting IPv6 + UDP: the quote may be cut, but not inside the inner IPv6 header */
	t[n].what = "ICMPv6 error";
	t[n].len = b6_err(t[n].p, N6, N4_6, 1, 4, 0, 20, 0);
	t[n].l3_end = 40;
	t[n].l4_end = 88;
	n++;
	return n;
}

static unsigned templates4(struct cut_tpl *t)
{
	unsigned n = 0;
	uint8_t tcp[40];

	t[n].what = "UDP";
	t[n].len = b4_udp(t[n].p, N4, N6_4, 20, 0);
	t[n].l3_end = 20;
	t[n].l4_end = 28;
	n++;
	/* TCP behind IPv4 options (Record Route) */
	t[n].what = "options+TCP";
	put_tcp(tcp, 20);
	l4_set(4, N4, N6_4, 6, tcp, 40);
	memcpy(t[n].p + 20, (const uint8_t[]){ 7, 7, 4, 0, 0, 0, 0, 1 }, 8);
	memcpy(t[n].p + 28, tcp, 40);
	put_ip4(t[n].p, 28, 0, 68, 1, 0, 64, 6, N4, N6_4);
	t[n].len = 68;
	t[n].l3_end = 28;
	t[n].l4_end = 48;
	n++;
	t[n].what = "ICMP echo";
	t[n].len = b4_icmp(t[n].p, N4, N6_4, 8, 16);
	t[n].l3_end = 20;
	t[n].l4_end = 28;
	n++;
	t[n].what = "ICMP error";
	t[n].len = b4_err(t[n].p, N4, N6_4, 3, 3, 0, 20, 0);
	t[n].l3_end = 20;
	t[n].l4_end = 48;
	n++;
	return n;
}

/* Short buffer: the IP header claims the whole packet, the buffer holds less. */
static void t64_cut_buffer(void **state)
{
	static struct cut_tpl t[8];

	(void)state;
	for (unsigned i = 0, n = templates6(t); i < n; i++)
		cut_everywhere(t[i].p, t[i].len, 6, false, t[i].len);
}

static void t46_cut_buffer(void **state)
{
	static struct cut_tpl t[8];

	(void)state;
	for (unsigned i = 0, n = templates4(t); i < n; i++)
		cut_everywhere(t[i].p, t[i].len, 4, false, t[i].len);
}

/* Consistent lengths, IP header chain (extension headers, options) cut short. */
static void t64_cut_headers(void **state)
{
	static struct cut_tpl t[8];

	(void)state;
	for (unsigned i = 0, n = templates6(t); i < n; i++)
		cut_everywhere(t[i].p, t[i].len, 6, true, t[i].l3_end);
}

static void t46_cut_headers(void **state)
{
	static struct cut_tpl t[8];

	(void)state;
	for (unsigned i = 0, n = templates4(t); i < n; i++)
		cut_everywhere(t[i].p, t[i].len, 4, true, t[i].l3_end);
}

/*
 * Consistent lengths, the first L4 header (UDP 8, TCP 20, ICMP 8 bytes; the
 * inner IPv6/IPv4 header of an ICMP error) cut short: not translatable.
 * Regression: a UDP datagram shorter than 8 bytes or a TCP segment shorter
 * than 20 (first fragment or unfragmented) was translated as it was (only the
 * checksum update skipped) instead of dropped as truncated (Jool:
 * JSTAT_SKB_TRUNCATED).
 */
static void t64_cut_l4_header(void **state)
{
	static struct cut_tpl t[8];

	(void)state;
	for (unsigned i = 0, n = templates6(t); i < n; i++)
		cut_everywhere(t[i].p, t[i].len, 6, true, t[i].l4_end);
}

static void t46_cut_l4_header(void **state)
{
	static struct cut_tpl t[8];

	(void)state;
	for (unsigned i = 0, n = templates4(t); i < n; i++)
		cut_everywhere(t[i].p, t[i].len, 4, true, t[i].l4_end);
}

/* Fields that make a header invalid, whatever the length. */
static void t_malformed_headers(void **state)
{
	uint32_t len;

	(void)state;
	len = b6_udp(IN, N6, N4_6, 20);
	IN[0] = 0x45;
	assert_drop(run(6, len), JSTAT_HDR6);

	reset();
	len = b4_udp(IN, N4, N6_4, 20, 0);
	IN[0] = 0x65;
	assert_drop(run(4, len), JSTAT_HDR4);

	reset(); /* IPv4 header checksum wrong */
	len = b4_udp(IN, N4, N6_4, 20, 0);
	IN[10] ^= 1;
	assert_drop(run(4, len), JSTAT_HDR4);

	reset(); /* IHL below 5 */
	len = b4_udp(IN, N4, N6_4, 20, 0);
	IN[0] = 0x44;
	ip4_fix_csum(IN);
	assert_drop(run(4, len), JSTAT_HDR4);

	reset(); /* Total Length below the header length */
	len = b4_udp(IN, N4, N6_4, 20, 0);
	wr16(IN + 2, 19);
	ip4_fix_csum(IN);
	assert_drop(run(4, len), JSTAT_HDR4);

	reset(); /* RFC 2675 jumbogram: payload length 0 with a Hop-by-Hop header */
	memset(IN + 40, 0, 8);
	IN[40] = 17;
	IN[42] = 0xc2;
	IN[43] = 4;
	wr32(IN + 44, 70000);
	put_ip6(IN, 0, 0, 0, 0, 64, N6, N4_6);
	assert_drop(run(6, 48), JSTAT_HDR6);
}

/* Link-layer padding after the datagram is not part of it. */
static void t_padding_ignored(void **state)
{
	uint32_t len;

	(void)state;
	len = b4_udp(IN, N4, N6_4, 10, 0);
	memset(IN + len, 0xee, 20);
	assert_verdict(run(4, len + 20), XV_FORWARD);
	assert_int_equal(pkt.len, 58);
	chk_ip6(OUT, 58, N4_6, N6, 17, 63);
	assert_l4_ok(6, OUT + 8, OUT + 24, 17, OUT + 40, 18);

	reset();
	len = b6_udp(IN, N6, N4_6, 10);
	memset(IN + len, 0xee, 20);
	assert_verdict(run(6, len + 20), XV_FORWARD);
	assert_int_equal(pkt.len, 38);
	chk_ip4(OUT, 38, N6_4, N4, 17, 63);
	assert_l4_ok(4, OUT + 12, OUT + 16, 17, OUT + 20, 18);
}

#define T(f) cmocka_unit_test_setup(f, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(t64_cut_buffer),
		T(t46_cut_buffer),
		T(t64_cut_headers),
		T(t46_cut_headers),
		T(t64_cut_l4_header),
		T(t46_cut_l4_header),
		T(t_malformed_headers),
		T(t_padding_ignored),
	};

	return cmocka_run_group_tests_name("xlat_malformed", tests, NULL, NULL);
}
