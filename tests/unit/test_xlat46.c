/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RFC 7915 section 4.1: IPv4 -> IPv6 header translation, rule by rule.
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
/* RFC 7915 section 4.1: IPv4 -> IPv6 header translation                    */
/* ======================================================================== */

static void t46_udp_pool6(void **state)
{
	uint8_t orig[BUFSZ];
	uint32_t len = b4_udp(IN, N4, N6_4, 100, IPV4_DF);

	(void)state;
	memcpy(orig, IN, len);
	assert_verdict(run(4, len), XV_FORWARD);
	assert_int_equal(pkt.family, 6);
	assert_int_equal(pkt.len, 148);
	/* Version 6, TC = TOS, flow label 0, payload length = total length - IHL, hop limit = TTL - 1 */
	chk_ip6(OUT, 148, N4_6, N6, 17, 63);
	assert_int_equal(OUT[0], 0x60);
	assert_int_equal(OUT[1], 0);
	assert_int_equal(OUT[2], 0);
	assert_int_equal(OUT[3], 0);
	assert_memory_equal(OUT + 40, orig + 20, 6);
	assert_memory_equal(OUT + 48, orig + 28, 100);
	assert_l4_ok(6, OUT + 8, OUT + 24, 17, OUT + 40, 108);
	assert_int_equal(fr.calls, 1);
	assert_route(6, N6);
	assert_int_equal(pkt.frag_size, 0);
	assert_int_equal(ctr[JSTAT_RECEIVED4], 1);
	assert_int_equal(ctr[JSTAT_SUCCESS], 1);
	assert_int_equal(others(), 0);
}

static void t46_tcp_pool6(void **state)
{
	uint8_t orig[BUFSZ];
	uint32_t len = b4_tcp(IN, N4, N6_4, 50);

	(void)state;
	memcpy(orig, IN, len);
	assert_verdict(run(4, len), XV_FORWARD);
	chk_ip6(OUT, 110, N4_6, N6, 6, 63);
	assert_memory_equal(OUT + 40, orig + 20, 16);
	assert_memory_equal(OUT + 60, orig + 40, 50);
	assert_l4_ok(6, OUT + 8, OUT + 24, 6, OUT + 40, 70);
}

static void t46_eam(void **state)
{
	uint32_t len = b4_udp(IN, N4, ip4("1.0.0.8"), 20, 0);

	(void)state;
	assert_verdict(run(4, len), XV_FORWARD);
	chk_ip6(OUT, 68, N4_6, ip6("2001:db8:3::8"), 17, 63);
	assert_route(6, ip6("2001:db8:3::8"));
	assert_l4_ok(6, OUT + 8, OUT + 24, 17, OUT + 40, 28);

	/* RFC 7757 3.3: the EAMT wins over pool6 for the source too */
	reset();
	eam("2001:db8:aaaa::/120", "198.51.100.0/24");
	len = b4_udp(IN, N4, N6_4, 20, 0);
	assert_verdict(run(4, len), XV_FORWARD);
	chk_ip6(OUT, 68, ip6("2001:db8:aaaa::2"), N6, 17, 63);
	assert_l4_ok(6, OUT + 8, OUT + 24, 17, OUT + 40, 28);
}

/* RFC 7915 4.1: Traffic Class = TOS by default; Flow Label 0. */
static void t46_tos(void **state)
{
	uint32_t len = b4_udp(IN, N4, N6_4, 20, 0);

	(void)state;
	IN[1] = 0xb8;
	ip4_fix_csum(IN);
	assert_verdict(run(4, len), XV_FORWARD);
	assert_int_equal(OUT[0], 0x6b);
	assert_int_equal(OUT[1], 0x80);
	assert_int_equal(OUT[2], 0);
	assert_int_equal(OUT[3], 0);
}

/* RFC 7915 4.1: "...the translator ... SHOULD provide the ability to ignore the IPv4 TOS and always set the TC to zero." */
static void t46_zeroize_traffic_class(void **state)
{
	uint32_t len = b4_udp(IN, N4, N6_4, 20, 0);

	(void)state;
	IN[1] = 0xb8;
	ip4_fix_csum(IN);
	cfg.g.zeroize_traffic_class = true;
	assert_verdict(run(4, len), XV_FORWARD);
	assert_int_equal(OUT[0], 0x60);
	assert_int_equal(OUT[1], 0);
}

static void t46_ttl(void **state)
{
	static const uint8_t in[] = { 2, 3, 64, 255 };

	(void)state;
	for (size_t i = 0; i < sizeof(in); i++) {
		reset();
		uint32_t len = b4_udp(IN, N4, N6_4, 20, 0);
		IN[8] = in[i];
		ip4_fix_csum(IN);
		assert_verdict(run(4, len), XV_FORWARD);
		assert_int_equal(OUT[7], in[i] - 1);
	}
}

/* RFC 7915 4.1 / RFC 792: TTL expired -> ICMPv4 Time Exceeded 11/0 from the incoming port's address. */
static void t46_ttl_expired(void **state)
{
	static const uint8_t in[] = { 1, 0 };

	(void)state;
	for (size_t i = 0; i < sizeof(in); i++) {
		uint8_t orig[BUFSZ];
		reset();
		uint32_t len = b4_udp(IN, N4, N6_4, 60, IPV4_DF);
		IN[8] = in[i];
		ip4_fix_csum(IN);
		memcpy(orig, IN, len);
		assert_verdict(run(4, len), XV_REPLY);
		assert_int_equal(pkt.family, 4);
		assert_int_equal(pkt.len, 28 + len);
		chk_ip4(OUT, 28 + len, SELF4, N4, 1, -1);
		assert_true(OUT[8] > 1);
		assert_int_equal(OUT[20], 11);
		assert_int_equal(OUT[21], 0);
		assert_int_equal(rd32(OUT + 24), 0);
		assert_memory_equal(OUT + 28, orig, len);
		assert_l4_ok(4, NULL, NULL, 1, OUT + 20, 8 + len);
		assert_route(4, N4);
		assert_int_equal(ctr[JSTAT46_TTL], 1);
		assert_int_equal(ctr[JSTAT_ICMP4ERR_SUCCESS], 1);
		assert_int_equal(ctr[JSTAT_SUCCESS], 0);
	}
}

/* RFC 1812 4.3.2.3: an ICMPv4 error carries as much as fits in 576 bytes. */
static void t46_ttl_expired_big(void **state)
{
	uint8_t orig[BUFSZ];
	uint32_t len = b4_udp(IN, N4, N6_4, 1372, 0);

	(void)state;
	IN[8] = 1;
	ip4_fix_csum(IN);
	memcpy(orig, IN, len);
	assert_verdict(run(4, len), XV_REPLY);
	assert_int_equal(pkt.len, 576);
	chk_ip4(OUT, 576, SELF4, N4, 1, -1);
	assert_memory_equal(OUT + 28, orig, 548);
	assert_l4_ok(4, NULL, NULL, 1, OUT + 20, 556);
}

/* RFC 1122 3.2.2: no ICMP error about an ICMP error. */
static void t46_ttl_expired_icmp_error(void **state)
{
	uint32_t len = b4_err(IN, N4, N6_4, 3, 3, 0, 20, 0);

	(void)state;
	IN[8] = 1;
	ip4_fix_csum(IN);
	assert_verdict(run(4, len), XV_DROP);
	assert_int_equal(ctr[JSTAT_ICMP4ERR_SUCCESS], 0);
	assert_true(others() > 0);
}

/* RFC 7915 4.1: an IPv4 fragment gets a Fragment header: id = IPv4 id (high bits 0), offset and M copied. */
static void t46_fragment_header(void **state)
{
	uint8_t dg[200];

	(void)state;
	put_udp(dg, 192);
	l4_set(4, N4, N6_4, 17, dg, 200);
	uint32_t len = b4_frag(IN, N4, N6_4, 17, IPV4_MF, 0xabcd, dg, 64);
	assert_verdict(run(4, len), XV_FORWARD);
	chk_ip6(OUT, 112, N4_6, N6, 44, 63);
	assert_int_equal(OUT[40], 17);
	assert_int_equal(OUT[41], 0);
	assert_int_equal(rd16(OUT + 42), 1);
	assert_int_equal(rd32(OUT + 44), 0xabcd);
	assert_memory_equal(OUT + 48, dg, 6);
	assert_int_equal(rd16(OUT + 54), l4_want(6, N4_6, N6, 17, dg, 200));
	assert_memory_equal(OUT + 56, dg + 8, 56);
	assert_int_equal(pkt.frag_size, 0);

	reset();
	len = b4_frag(IN, N4, N6_4, 17, 8, 0xabcd, dg + 64, 64);
	assert_verdict(run(4, len), XV_FORWARD);
	chk_ip6(OUT, 112, N4_6, N6, 44, 63);
	assert_int_equal(OUT[40], 17);
	assert_int_equal(rd16(OUT + 42), 8 << 3);
	assert_int_equal(rd32(OUT + 44), 0xabcd);
	assert_memory_equal(OUT + 48, dg + 64, 64);
}

/*
 * Cut pkt with xlat_frag6_* and check every piece (RFC 8200 4.5, RFC 7915 4.1):
 * at most frag_size bytes, all but the last carry a multiple of 8, offsets
 * follow on from base8, M set on all but the last (which keeps last_mf), one
 * id. The data is reassembled into reasm; its length is returned.
 */
static uint32_t cut(uint32_t frag_size, unsigned want_n, const uint32_t *want_lens, uint16_t base8, bool last_mf,
		    uint32_t id, uint8_t nh, uint8_t *reasm)
{
	uint32_t off = base8 * 8u, total = 0;

	assert_int_equal(pkt.frag_size, frag_size);
	unsigned n = xlat_frag6_count(&pkt);
	assert_int_equal(n, want_n);
	for (unsigned i = 0; i < n; i++) {
		uint8_t f[BUFSZ];
		memset(f, 0xcc, sizeof(f));
		uint32_t fl = xlat_frag6_write(&pkt, i, f);
		assert_true(fl <= frag_size);
		if (want_lens)
			assert_int_equal(fl, want_lens[i]);
		assert_int_equal(f[0] >> 4, 6);
		assert_int_equal(rd16(f + 4), fl - 40);
		assert_int_equal(f[6], 44);
		assert_int_equal(f[7], OUT[7]);
		assert_memory_equal(f + 8, OUT + 8, 32);
		assert_int_equal(f[40], nh);
		uint16_t fo = rd16(f + 42);
		assert_int_equal((fo >> 3) * 8u, off);
		assert_int_equal(fo & 6, 0);
		assert_int_equal(fo & 1, i + 1 < n ? 1 : (last_mf ? 1 : 0));
		assert_int_equal(rd32(f + 44), id);
		uint32_t dl = fl - 48;
		if (i + 1 < n)
			assert_int_equal(dl % 8, 0);
		memcpy(reasm + (off - base8 * 8u), f + 48, dl);
		off += dl;
		total += dl;
	}
	return total;
}

/*
 * RFC 7915 4.1: DF clear and bigger than the IPv6 side takes (the smaller of
 * the next hop's MTU and lowest-ipv6-mtu) -> IPv6 fragments with a Fragment
 * header (Jool "jba", "ck": 1280-byte fragments).
 */
static void t46_fragmentation(void **state)
{
	static uint8_t orig[BUFSZ], reasm[4096];
	static const uint32_t lens[] = { 1280, 296 };
	uint32_t len = b4_udp(IN, N4, N6_4, 1472, 0); /* 1500 bytes, DF clear */

	(void)state;
	memcpy(orig, IN, len);
	assert_verdict(run(4, len), XV_FORWARD);
	assert_int_equal(pkt.len, 1528);
	assert_int_equal(OUT[6], 44);
	assert_int_equal(cut(1280, 2, lens, 0, false, 0x1234, 17, reasm), 1480);
	assert_memory_equal(reasm, orig + 20, 6);
	assert_memory_equal(reasm + 8, orig + 28, 1472);
	assert_l4_ok(6, N4_6, N6, 17, reasm, 1480);
}

/* Jool "jca": lowest-ipv6-mtu 1402 gives a 1400-byte first fragment (1352 data bytes, a multiple of 8). */
static void t46_fragmentation_lowest_mtu(void **state)
{
	static uint8_t reasm[4096];
	static const uint32_t lens[] = { 1400, 176 };
	uint32_t len = b4_udp(IN, N4, N6_4, 1472, 0);

	(void)state;
	cfg.g.lowest_ipv6_mtu = 1402;
	assert_verdict(run(4, len), XV_FORWARD);
	assert_int_equal(cut(1402, 2, lens, 0, false, 0x1234, 17, reasm), 1480);
	assert_l4_ok(6, N4_6, N6, 17, reasm, 1480);
}

/* The next hop's MTU limits too when it is below lowest-ipv6-mtu. */
static void t46_fragmentation_route_mtu(void **state)
{
	static uint8_t reasm[4096];
	uint32_t len = b4_udp(IN, N4, N6_4, 1472, 0);

	(void)state;
	cfg.g.lowest_ipv6_mtu = 1500;
	fr.mtu6 = 1300;
	assert_verdict(run(4, len), XV_FORWARD);
	assert_int_equal(cut(1300, 2, NULL, 0, false, 0x1234, 17, reasm), 1480);
	assert_l4_ok(6, N4_6, N6, 17, reasm, 1480);
}

/* DF clear but the result fits: no Fragment header at all (Jool "cd"); 1281 bytes does not fit (Jool "jba"). */
static void t46_fragmentation_boundary(void **state)
{
	static uint8_t reasm[4096];
	static const uint32_t lens[] = { 1280, 57 };
	uint32_t len = b4_udp(IN, N4, N6_4, 1232, 0); /* 1260 -> 1280 */

	(void)state;
	assert_verdict(run(4, len), XV_FORWARD);
	assert_int_equal(pkt.len, 1280);
	assert_int_equal(OUT[6], 17);
	assert_int_equal(pkt.frag_size, 0);

	reset();
	len = b4_udp(IN, N4, N6_4, 1233, 0); /* 1261 -> 1281 */
	assert_verdict(run(4, len), XV_FORWARD);
	assert_int_equal(cut(1280, 2, lens, 0, false, 0x1234, 17, reasm), 1241);
	assert_l4_ok(6, N4_6, N6, 17, reasm, 1241);
}

/* DF set: never fragmented by the translator, even above lowest-ipv6-mtu (Jool "jbb", "jcb"). */
static void t46_df_not_fragmented(void **state)
{
	uint32_t len = b4_udp(IN, N4, N6_4, 1372, IPV4_DF);

	(void)state;
	assert_verdict(run(4, len), XV_FORWARD);
	assert_int_equal(pkt.len, 1420);
	assert_int_equal(OUT[6], 17);
	assert_int_equal(pkt.frag_size, 0);
	assert_l4_ok(6, OUT + 8, OUT + 24, 17, OUT + 40, 1380);
}

/* An IPv4 fragment that is too big is cut further: offsets continue from its own, its MF kept on the last piece. */
static void t46_fragment_refragmented(void **state)
{
	static uint8_t data[1400], reasm[4096];

	(void)state;
	fill(data, sizeof(data));
	uint32_t len = b4_frag(IN, N4, N6_4, 17, IPV4_MF | 100, 0x4242, data, sizeof(data));
	assert_verdict(run(4, len), XV_FORWARD);
	assert_int_equal(cut(1280, 2, NULL, 100, true, 0x4242, 17, reasm), 1400);
	assert_memory_equal(reasm, data, 1400);

	reset();
	len = b4_frag(IN, N4, N6_4, 17, 100, 0x4242, data, sizeof(data));
	assert_verdict(run(4, len), XV_FORWARD);
	assert_int_equal(cut(1280, 2, NULL, 100, false, 0x4242, 17, reasm), 1400);
}

/*
 * RFC 7915 4 / RFC 1191: DF set and too big for the IPv6 next hop -> ICMPv4
 * Fragmentation Needed (3/4) with the MTU the IPv4 side can use (IPv6 MTU - 20;
 * Jool "ca": 1280 -> 1260, also for a DF+MF fragment).
 */
static void t46_fragmentation_needed(void **state)
{
	static const uint16_t frags[] = { IPV4_DF, IPV4_DF | IPV4_MF };

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		uint8_t orig[BUFSZ];
		reset();
		uint32_t len = b4_udp(IN, N4, N6_4, 1372, frags[i]);
		memcpy(orig, IN, len);
		fr.mtu6 = 1280;
		assert_verdict(run(4, len), XV_REPLY);
		assert_int_equal(pkt.len, 576);
		chk_ip4(OUT, 576, SELF4, N4, 1, -1);
		assert_int_equal(OUT[20], 3);
		assert_int_equal(OUT[21], 4);
		assert_int_equal(rd16(OUT + 24), 0);
		assert_int_equal(rd16(OUT + 26), 1260);
		assert_memory_equal(OUT + 28, orig, 548);
		assert_l4_ok(4, NULL, NULL, 1, OUT + 20, 556);
		assert_route(4, N4);
		assert_int_equal(ctr[JSTAT_PKT_TOO_BIG], 1);
		assert_int_equal(ctr[JSTAT_ICMP4ERR_SUCCESS], 1);
	}
}

/* RFC 7915 1.2 / 4.1: IPv4 options are not translated; the header length shrinks to 40. */
static void t46_options_ignored(void **state)
{
	static const uint8_t opts[][12] = {
		{ 1, 1, 1, 0 },                                 /* NOP NOP NOP EOL */
		{ 7, 11, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0 },        /* Record Route, then EOL */
		{ 0x83, 7, 8, 198, 51, 100, 9, 0 },             /* LSRR, expired (pointer > length) */
	};
	static const unsigned olen[] = { 4, 12, 8 };

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		uint8_t u[48];
		reset();
		unsigned ihl = 20 + olen[i];
		memcpy(IN + 20, opts[i], olen[i]);
		put_udp(u, 40);
		l4_set(4, N4, N6_4, 17, u, 48);
		memcpy(IN + ihl, u, 48);
		put_ip4(IN, ihl, 0, (uint16_t)(ihl + 48), 1, 0, 64, 17, N4, N6_4);
		assert_verdict(run(4, ihl + 48), XV_FORWARD);
		chk_ip6(OUT, 88, N4_6, N6, 17, 63);
		assert_memory_equal(OUT + 48, u + 8, 40);
		assert_l4_ok(6, OUT + 8, OUT + 24, 17, OUT + 40, 48);
	}
}

/* RFC 7915 4.1: an unexpired source route option -> not translated, ICMPv4 3/5 (Source Route Failed). */
static void t46_source_route(void **state)
{
	static const uint8_t types[] = { 0x83, 0x89 }; /* LSRR, SSRR */

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		uint8_t u[28];
		reset();
		uint8_t *o = IN + 20;
		o[0] = types[i];
		o[1] = 7;
		o[2] = 4;
		memcpy(o + 3, ip4("198.51.100.9"), 4);
		o[7] = 0;
		put_udp(u, 20);
		l4_set(4, N4, N6_4, 17, u, 28);
		memcpy(IN + 28, u, 28);
		put_ip4(IN, 28, 0, 56, 1, 0, 64, 17, N4, N6_4);
		assert_verdict(run(4, 56), XV_REPLY);
		chk_ip4(OUT, 84, SELF4, N4, 1, -1);
		assert_int_equal(OUT[20], 3);
		assert_int_equal(OUT[21], 5);
		assert_l4_ok(4, NULL, NULL, 1, OUT + 20, 64);
		assert_int_equal(ctr[JSTAT46_SRC_ROUTE], 1);
	}
}

/* RFC 7915 4.5: other protocols copied unchanged (Jool "fa", DCCP). */
static void t46_unknown_protocol(void **state)
{
	(void)state;
	fill(IN + 20, 24);
	put_ip4(IN, 20, 0, 44, 1, 0, 64, 33, N4, N6_4);
	assert_verdict(run(4, 44), XV_FORWARD);
	chk_ip6(OUT, 64, N4_6, N6, 33, 63);
	for (int i = 0; i < 24; i++)
		assert_int_equal(OUT[40 + i], i);
}

static void t46_untranslatable(void **state)
{
	uint32_t len;

	(void)state;
	/* pool6 unset, destination not in the EAMT */
	cfg.g.pool6_set = false;
	len = b4_udp(IN, N4, N6_4, 20, 0);
	assert_drop(run(4, len), JSTAT46_DST);
	/* pool6 unset, source not in the EAMT (destination is) */
	reset();
	cfg.g.pool6_set = false;
	len = b4_udp(IN, N4, ip4("1.0.0.1"), 20, 0);
	assert_drop(run(4, len), JSTAT46_SRC);
	/* no route */
	reset();
	fr.fail = true;
	len = b4_udp(IN, N4, N6_4, 20, 0);
	assert_drop(run(4, len), JSTAT_FAILED_ROUTES);
}

#define T(f) cmocka_unit_test_setup(f, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(t46_udp_pool6),
		T(t46_tcp_pool6),
		T(t46_eam),
		T(t46_tos),
		T(t46_zeroize_traffic_class),
		T(t46_ttl),
		T(t46_ttl_expired),
		T(t46_ttl_expired_big),
		T(t46_ttl_expired_icmp_error),
		T(t46_fragment_header),
		T(t46_fragmentation),
		T(t46_fragmentation_lowest_mtu),
		T(t46_fragmentation_route_mtu),
		T(t46_fragmentation_boundary),
		T(t46_df_not_fragmented),
		T(t46_fragment_refragmented),
		T(t46_fragmentation_needed),
		T(t46_options_ignored),
		T(t46_source_route),
		T(t46_unknown_protocol),
		T(t46_untranslatable),
	};

	return cmocka_run_group_tests_name("xlat46", tests, NULL, NULL);
}
