/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RFC 7915 section 5.1: IPv6 -> IPv4 header translation, rule by rule.
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
/* RFC 7915 section 5.1: IPv6 -> IPv4 header translation                    */
/* ======================================================================== */

static void t64_udp_pool6(void **state)
{
	uint8_t orig[BUFSZ];
	uint32_t len = b6_udp(IN, N6, N4_6, 100);

	(void)state;
	memcpy(orig, IN, len);
	assert_verdict(run(6, len), XV_FORWARD);
	assert_int_equal(pkt.family, 4);
	assert_int_equal(pkt.len, 128);
	/* Version 4, IHL 5, TOS = traffic class, total length = payload length + 20, TTL = hop limit - 1 */
	chk_ip4(OUT, 128, N6_4, N4, 17, 63);
	assert_int_equal(OUT[1], 0);
	/* No Fragment header and not above 1260 bytes: DF clear, MF clear, offset 0 */
	assert_int_equal(rd16(OUT + 6), 0);
	assert_memory_equal(OUT + 20, orig + 40, 6); /* ports and UDP length unchanged */
	assert_memory_equal(OUT + 28, orig + 48, 100);
	assert_l4_ok(4, OUT + 12, OUT + 16, 17, OUT + 20, 108);
	/* routed as IPv4 to the translated destination */
	assert_int_equal(fr.calls, 1);
	assert_route(4, N4);
	assert_int_equal(pkt.route.mtu, 1500);
	assert_int_equal(pkt.route.nexthop, 7);
	assert_int_equal(pkt.frag_size, 0);
	assert_int_equal(ctr[JSTAT_RECEIVED6], 1);
	assert_int_equal(ctr[JSTAT_SUCCESS], 1);
	assert_int_equal(others(), 0);
}

static void t64_tcp_pool6(void **state)
{
	uint8_t orig[BUFSZ];
	uint32_t len = b6_tcp(IN, N6, N4_6, 50);

	(void)state;
	memcpy(orig, IN, len);
	assert_verdict(run(6, len), XV_FORWARD);
	chk_ip4(OUT, 90, N6_4, N4, 6, 63);
	assert_memory_equal(OUT + 20, orig + 40, 16); /* ports, sequence numbers, offset, flags, window */
	assert_memory_equal(OUT + 40, orig + 60, 50);
	assert_l4_ok(4, OUT + 12, OUT + 16, 6, OUT + 20, 70);
}

/* RFC 7757 3.3: EAMT first; the source 2001:db8:3::8 maps to 1.0.0.8 with its suffix. */
static void t64_eam_src(void **state)
{
	uint32_t len = b6_udp(IN, ip6("2001:db8:3::8"), N4_6, 20);

	(void)state;
	assert_verdict(run(6, len), XV_FORWARD);
	chk_ip4(OUT, 48, ip4("1.0.0.8"), N4, 17, 63);
	assert_l4_ok(4, OUT + 12, OUT + 16, 17, OUT + 20, 28);
}

static void t64_eam_dst(void **state)
{
	uint32_t len = b6_udp(IN, N6, ip6("2001:db8:2::7"), 20);

	(void)state;
	cfg.g.eam_hairpin_mode = EAM_HAIRPIN_OFF; /* hairpinning has its own tests */
	assert_verdict(run(6, len), XV_FORWARD);
	chk_ip4(OUT, 48, N6_4, ip4("10.0.0.7"), 17, 63);
	assert_route(4, ip4("10.0.0.7"));
	assert_l4_ok(4, OUT + 12, OUT + 16, 17, OUT + 20, 28);
}

/* RFC 7757 3.3: an address that both an EAM and pool6 could translate takes the EAM. */
static void t64_eam_before_pool6(void **state)
{
	uint32_t len = b6_udp(IN, N6, N4_6, 20);

	(void)state;
	eam("2001:db8:1c0:2:21::", "192.0.2.99");
	assert_verdict(run(6, len), XV_FORWARD);
	chk_ip4(OUT, 48, ip4("192.0.2.99"), N4, 17, 63);
	assert_l4_ok(4, OUT + 12, OUT + 16, 17, OUT + 20, 28);
}

/* RFC 7915 5.1: TOS copied from the Traffic Class; the flow label is dropped. */
static void t64_traffic_class(void **state)
{
	uint32_t len = b6_udp(IN, N6, N4_6, 20);

	(void)state;
	IN[0] = 0x6b; /* traffic class 0xb8, flow label 0xabcde */
	IN[1] = 0x8a;
	IN[2] = 0xbc;
	IN[3] = 0xde;
	assert_verdict(run(6, len), XV_FORWARD);
	assert_int_equal(OUT[1], 0xb8);
	assert_true(ip4_hdr_ok(OUT));
}

/* RFC 7915 5.1 allows the TOS to be set by configuration instead (Jool: override-tos, tos). */
static void t64_override_tos(void **state)
{
	uint32_t len = b6_udp(IN, N6, N4_6, 20);

	(void)state;
	IN[0] = 0x6b;
	IN[1] = 0x80;
	cfg.g.override_tos = true;
	cfg.g.tos = 0x28;
	assert_verdict(run(6, len), XV_FORWARD);
	assert_int_equal(OUT[1], 0x28);
	assert_true(ip4_hdr_ok(OUT));
}

/* RFC 7915 5.1: the translator is a router; the TTL is the hop limit minus one. */
static void t64_hop_limit(void **state)
{
	static const uint8_t in[] = { 2, 3, 64, 128, 255 };

	(void)state;
	for (size_t i = 0; i < sizeof(in); i++) {
		reset();
		uint32_t len = b6_udp(IN, N6, N4_6, 20);
		IN[7] = in[i];
		assert_verdict(run(6, len), XV_FORWARD);
		assert_int_equal(OUT[8], in[i] - 1);
		assert_true(ip4_hdr_ok(OUT));
	}
}

/*
 * RFC 7915 5.1 / RFC 4443 3.3: hop limit expired -> ICMPv6 Time Exceeded (3/0) to
 * the sender, from the address of the port it came in on; the invoking packet
 * is quoted as received.
 */
static void t64_hop_limit_expired(void **state)
{
	static const uint8_t in[] = { 1, 0 };

	(void)state;
	for (size_t i = 0; i < sizeof(in); i++) {
		uint8_t orig[BUFSZ];
		reset();
		uint32_t len = b6_udp(IN, N6, N4_6, 60);
		IN[7] = in[i];
		memcpy(orig, IN, len);
		assert_verdict(run(6, len), XV_REPLY);
		assert_int_equal(pkt.family, 6);
		assert_int_equal(pkt.len, 48 + len);
		chk_ip6(OUT, 48 + len, SELF6, N6, 58, -1);
		assert_true(OUT[7] > 1);
		assert_int_equal(OUT[40], 3);
		assert_int_equal(OUT[41], 0);
		assert_int_equal(rd32(OUT + 44), 0);
		assert_memory_equal(OUT + 48, orig, len);
		assert_l4_ok(6, OUT + 8, OUT + 24, 58, OUT + 40, 8 + len);
		assert_route(6, N6);
		assert_int_equal(ctr[JSTAT64_TTL], 1);
		assert_int_equal(ctr[JSTAT_ICMP6ERR_SUCCESS], 1);
		assert_int_equal(ctr[JSTAT_SUCCESS], 0);
	}
}

/* RFC 4443 2.4 (c): the error does not exceed the minimum IPv6 MTU. */
static void t64_hop_limit_expired_big(void **state)
{
	uint8_t orig[BUFSZ];
	uint32_t len = b6_udp(IN, N6, N4_6, 1452);

	(void)state;
	IN[7] = 1;
	memcpy(orig, IN, len);
	assert_verdict(run(6, len), XV_REPLY);
	assert_int_equal(pkt.len, 1280);
	chk_ip6(OUT, 1280, SELF6, N6, 58, -1);
	assert_memory_equal(OUT + 48, orig, 1232);
	assert_l4_ok(6, OUT + 8, OUT + 24, 58, OUT + 40, 1240);
}

/* RFC 4443 2.4 (e.1): no ICMPv6 error about an ICMPv6 error. */
static void t64_hop_limit_expired_icmp_error(void **state)
{
	uint32_t len = b6_err(IN, N6, N4_6, 1, 4, 0, 20, 0);

	(void)state;
	IN[7] = 1;
	assert_verdict(run(6, len), XV_DROP);
	assert_int_equal(ctr[JSTAT_ICMP6ERR_SUCCESS], 0);
	assert_true(others() > 0);
}

/* RFC 4443 2.4 (e): an error needs a unicast destination; none goes to the unspecified address. */
static void t64_hop_limit_expired_odd_source(void **state)
{
	uint32_t len;

	(void)state;
	len = b6_udp(IN, ip6("::"), N4_6, 20);
	IN[7] = 1;
	assert_verdict(run(6, len), XV_DROP);
	assert_int_equal(ctr[JSTAT_ICMP6ERR_SUCCESS], 0);
}

/* RFC 7915 5.1: no Fragment header, IPv4 packet <= 1260 bytes: DF clear. */
static void t64_df_clear_up_to_1260(void **state)
{
	uint32_t len = b6_udp(IN, N6, N4_6, 1232); /* IPv4: 1260 bytes */

	(void)state;
	assert_verdict(run(6, len), XV_FORWARD);
	assert_int_equal(pkt.len, 1260);
	assert_int_equal(rd16(OUT + 6), 0);
	assert_l4_ok(4, OUT + 12, OUT + 16, 17, OUT + 20, 1240);
}

/* RFC 7915 5.1: above 1260 bytes DF is set; the Identification is zero (the MAY only covers <= 1280). */
static void t64_df_set_above_1260(void **state)
{
	uint32_t len = b6_udp(IN, N6, N4_6, 1233); /* IPv4: 1261 bytes */

	(void)state;
	assert_verdict(run(6, len), XV_FORWARD);
	assert_int_equal(pkt.len, 1261);
	assert_int_equal(rd16(OUT + 6), IPV4_DF);

	reset();
	len = b6_udp(IN, N6, N4_6, 1372); /* IPv4: 1400 bytes */
	assert_verdict(run(6, len), XV_FORWARD);
	assert_int_equal(rd16(OUT + 6), IPV4_DF);
	assert_int_equal(rd16(OUT + 4), 0);
	assert_true(ip4_hdr_ok(OUT));
	assert_l4_ok(4, OUT + 12, OUT + 16, 17, OUT + 20, 1380);
}

/*
 * RFC 7915 5.1.1: with a Fragment header, Identification = low 16 bits of the
 * fragment id, MF and the offset copied, DF clear; the L4 checksum (first
 * fragment) still covers the whole datagram.
 */
static void t64_fragment_first(void **state)
{
	uint8_t dg[200];

	(void)state;
	put_udp(dg, 192);
	l4_set(6, N6, N4_6, 17, dg, 200);
	uint32_t len = b6_frag(IN, N6, N4_6, 17, 0, true, 0x12345678, dg, 64);
	assert_verdict(run(6, len), XV_FORWARD);
	chk_ip4(OUT, 84, N6_4, N4, 17, 63);
	assert_int_equal(rd16(OUT + 4), 0x5678);
	assert_int_equal(rd16(OUT + 6), IPV4_MF);
	assert_memory_equal(OUT + 20, dg, 6);
	assert_int_equal(rd16(OUT + 26), l4_want(4, N6_4, N4, 17, dg, 200));
	assert_memory_equal(OUT + 28, dg + 8, 56);
}

static void t64_fragment_middle_last(void **state)
{
	uint8_t dg[200];

	(void)state;
	put_udp(dg, 192);
	l4_set(6, N6, N4_6, 17, dg, 200);
	uint32_t len = b6_frag(IN, N6, N4_6, 17, 8, true, 0xabcdef01, dg + 64, 64);
	assert_verdict(run(6, len), XV_FORWARD);
	chk_ip4(OUT, 84, N6_4, N4, 17, 63);
	assert_int_equal(rd16(OUT + 4), 0xef01);
	assert_int_equal(rd16(OUT + 6), IPV4_MF | 8);
	assert_memory_equal(OUT + 20, dg + 64, 64); /* not a UDP header: untouched */

	reset();
	len = b6_frag(IN, N6, N4_6, 17, 16, false, 0xabcdef01, dg + 128, 72);
	assert_verdict(run(6, len), XV_FORWARD);
	chk_ip4(OUT, 92, N6_4, N4, 17, 63);
	assert_int_equal(rd16(OUT + 4), 0xef01);
	assert_int_equal(rd16(OUT + 6), 16);
	assert_memory_equal(OUT + 20, dg + 128, 72);
}

/* An atomic fragment (offset 0, M 0) is translated the same way (Jool: pktgen "nodf-nofrag"). */
static void t64_atomic_fragment(void **state)
{
	uint8_t dg[200];

	(void)state;
	put_udp(dg, 192);
	l4_set(6, N6, N4_6, 17, dg, 200);
	uint32_t len = b6_frag(IN, N6, N4_6, 17, 0, false, 0x87654321, dg, 200);
	assert_verdict(run(6, len), XV_FORWARD);
	chk_ip4(OUT, 220, N6_4, N4, 17, 63);
	assert_int_equal(rd16(OUT + 4), 0x4321);
	assert_int_equal(rd16(OUT + 6), 0);
	assert_l4_ok(4, OUT + 12, OUT + 16, 17, OUT + 20, 200);
}

/* RFC 7915 5.1: Hop-by-Hop, Destination Options and Routing (Segments Left 0) headers are skipped. */
static void t64_extension_headers_skipped(void **state)
{
	uint8_t *e = IN + 40;
	uint8_t u[48];

	(void)state;
	/* HBH (8, PadN) -> Routing (8, type 0, segments left 0) -> DestOpts (16, PadN) -> UDP */
	memset(e, 0, 32);
	e[0] = 43;
	e[1] = 0;
	e[2] = 1;
	e[3] = 4;
	e[8] = 60;
	e[9] = 0;
	e[10] = 0;
	e[11] = 0;
	e[16] = 17;
	e[17] = 1;
	e[18] = 1;
	e[19] = 12;
	put_udp(u, 40);
	l4_set(6, N6, N4_6, 17, u, 48);
	memcpy(e + 32, u, 48);
	put_ip6(IN, 0, 0, 32 + 48, 0, 64, N6, N4_6);
	assert_verdict(run(6, 40 + 32 + 48), XV_FORWARD);
	chk_ip4(OUT, 68, N6_4, N4, 17, 63);
	assert_memory_equal(OUT + 28, u + 8, 40);
	assert_l4_ok(4, OUT + 12, OUT + 16, 17, OUT + 20, 48);
}

/*
 * RFC 7915 5.1: a Routing header with Segments Left != 0 -> not translated;
 * ICMPv6 Parameter Problem 4/0 pointing at the Segments Left field.
 */
static void t64_segments_left(void **state)
{
	static const unsigned hbh_len[] = { 0, 8, 24 };

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		uint8_t *e;
		uint32_t off = 40, len;

		reset();
		e = IN + 40;
		if (hbh_len[i]) {
			memset(e, 0, hbh_len[i]);
			e[0] = 43;
			e[1] = (uint8_t)(hbh_len[i] / 8 - 1);
			e[2] = 1;
			e[3] = (uint8_t)(hbh_len[i] - 4);
			off += hbh_len[i];
		}
		uint8_t *r = IN + off;
		memset(r, 0, 24);
		r[0] = 17;
		r[1] = 2; /* 24 bytes */
		r[2] = 0;
		r[3] = 1; /* segments left */
		memcpy(r + 8, ip6("2001:db8:1c6:3364:2::"), 16);
		put_udp(r + 24, 20);
		l4_set(6, N6, N4_6, 17, r + 24, 28);
		len = off + 24 + 28;
		put_ip6(IN, 0, 0, (uint16_t)(len - 40), hbh_len[i] ? 0 : 43, 64, N6, N4_6);
		assert_verdict(run(6, len), XV_REPLY);
		chk_ip6(OUT, 48 + len, SELF6, N6, 58, -1);
		assert_int_equal(OUT[40], 4);
		assert_int_equal(OUT[41], 0);
		assert_int_equal(rd32(OUT + 44), off + 3);
		assert_l4_ok(6, OUT + 8, OUT + 24, 58, OUT + 40, 8 + len);
		assert_int_equal(ctr[JSTAT64_SEGMENTS_LEFT], 1);
	}
}

/* Jool (graybox "ac"): an extension header after the Fragment header -> ICMPv6 1/1, not translated. */
static void t64_ext_after_fragment_header(void **state)
{
	uint8_t *f = IN + 40;

	(void)state;
	f[0] = 60;
	f[1] = 0;
	wr16(f + 2, 1); /* offset 0, M */
	wr32(f + 4, 0x1234);
	memset(f + 8, 0, 8);
	f[8] = 17;
	f[10] = 1;
	f[11] = 4;
	put_udp(f + 16, 20);
	put_ip6(IN, 0, 0, 8 + 8 + 28, 44, 64, N6, N4_6);
	assert_verdict(run(6, 40 + 44), XV_REPLY);
	assert_int_equal(OUT[40], 1);
	assert_int_equal(OUT[41], 1);
	assert_memory_equal(OUT + 8, SELF6, 16);
	assert_l4_ok(6, OUT + 8, OUT + 24, 58, OUT + 40, 8 + 84);
	assert_int_equal(ctr[JSTAT64_FRAG_THEN_EXT], 1);
}

static void t64_two_fragment_headers(void **state)
{
	uint8_t *f = IN + 40;

	(void)state;
	memset(f, 0, 16);
	f[0] = 44;
	wr32(f + 4, 1);
	f[8] = 17;
	wr32(f + 12, 2);
	put_udp(f + 16, 20);
	put_ip6(IN, 0, 0, 16 + 28, 44, 64, N6, N4_6);
	assert_drop(run(6, 40 + 44), JSTAT64_2XFRAG);
}

/* RFC 7915 5.5: other upper layers are copied unchanged (Jool: DCCP "fb", No Next Header "ad"). */
static void t64_unknown_protocol(void **state)
{
	(void)state;
	fill(IN + 40, 24);
	put_ip6(IN, 0, 0, 24, 33, 64, N6, N4_6);
	assert_verdict(run(6, 64), XV_FORWARD);
	chk_ip4(OUT, 44, N6_4, N4, 33, 63);
	for (int i = 0; i < 24; i++)
		assert_int_equal(OUT[20 + i], i);

	reset();
	put_ip6(IN, 0, 0, 0, 59, 64, N6, N4_6);
	assert_verdict(run(6, 40), XV_FORWARD);
	chk_ip4(OUT, 20, N6_4, N4, 59, 63);
}

/*
 * RFC 7915 5.1 / RFC 8200 5: too big for the IPv4 next hop -> ICMPv6 Packet
 * Too Big with MTU = IPv4 MTU + 20 (Jool "cg": 1400 -> 1420).
 */
static void t64_packet_too_big(void **state)
{
	uint8_t orig[BUFSZ];
	uint32_t len = b6_udp(IN, N6, N4_6, 1372); /* IPv4: 1400 */

	(void)state;
	memcpy(orig, IN, len);
	fr.mtu4 = 1280;
	assert_verdict(run(6, len), XV_REPLY);
	assert_int_equal(pkt.len, 1280);
	chk_ip6(OUT, 1280, SELF6, N6, 58, -1);
	assert_int_equal(OUT[40], 2);
	assert_int_equal(OUT[41], 0);
	assert_int_equal(rd32(OUT + 44), 1300);
	assert_memory_equal(OUT + 48, orig, 1232);
	assert_l4_ok(6, OUT + 8, OUT + 24, 58, OUT + 40, 1240);
	assert_route(6, N6);
	assert_int_equal(ctr[JSTAT_PKT_TOO_BIG], 1);
	assert_int_equal(ctr[JSTAT_ICMP6ERR_SUCCESS], 1);

	reset();
	len = b6_udp(IN, N6, N4_6, 1372);
	fr.mtu4 = 1400;
	assert_verdict(run(6, len), XV_FORWARD); /* exactly fits */
	reset();
	len = b6_udp(IN, N6, N4_6, 1373);
	fr.mtu4 = 1400;
	assert_verdict(run(6, len), XV_REPLY);
	assert_int_equal(rd32(OUT + 44), 1420);
}

/* An IPv6 host never goes below 1280 (RFC 8200 5), so the PTB never says less. */
static void t64_packet_too_big_1280_clamp(void **state)
{
	uint32_t len = b6_udp(IN, N6, N4_6, 1372);

	(void)state;
	fr.mtu4 = 1000;
	assert_verdict(run(6, len), XV_REPLY);
	assert_int_equal(OUT[40], 2);
	assert_int_equal(rd32(OUT + 44), 1280);
}

static void t64_untranslatable(void **state)
{
	uint32_t len;

	(void)state;
	/* destination in neither pool6 nor the EAMT */
	len = b6_udp(IN, N6, ip6("2001:db8:ffff::1"), 20);
	assert_drop(run(6, len), JSTAT64_DST);
	/* source in neither (and not an ICMPv6 error, so RFC 6791 does not apply) */
	reset();
	len = b6_udp(IN, ip6("4000::1"), N4_6, 20);
	assert_drop(run(6, len), JSTAT64_SRC);
	/* no route */
	reset();
	fr.fail = true;
	len = b6_udp(IN, N6, N4_6, 20);
	assert_drop(run(6, len), JSTAT_FAILED_ROUTES);
}

#define T(f) cmocka_unit_test_setup(f, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(t64_udp_pool6),
		T(t64_tcp_pool6),
		T(t64_eam_src),
		T(t64_eam_dst),
		T(t64_eam_before_pool6),
		T(t64_traffic_class),
		T(t64_override_tos),
		T(t64_hop_limit),
		T(t64_hop_limit_expired),
		T(t64_hop_limit_expired_big),
		T(t64_hop_limit_expired_icmp_error),
		T(t64_hop_limit_expired_odd_source),
		T(t64_df_clear_up_to_1260),
		T(t64_df_set_above_1260),
		T(t64_fragment_first),
		T(t64_fragment_middle_last),
		T(t64_atomic_fragment),
		T(t64_extension_headers_skipped),
		T(t64_segments_left),
		T(t64_ext_after_fragment_header),
		T(t64_two_fragment_headers),
		T(t64_unknown_protocol),
		T(t64_packet_too_big),
		T(t64_packet_too_big_1280_clamp),
		T(t64_untranslatable),
	};

	return cmocka_run_group_tests_name("xlat64", tests, NULL, NULL);
}
