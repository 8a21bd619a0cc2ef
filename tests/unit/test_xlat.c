/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Checksums (RFC 7915 4.5/5.5), ICMP informational messages, denylist4,
 * EAM hairpinning (RFC 7757), classification and configuration switches.
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
/* Checksums (RFC 7915 4.5 / 5.5; RFC 1624 for incremental updates)          */
/* ======================================================================== */

/* A wrong L4 checksum stays wrong by the same amount (Jool's "csumfail" vectors). */
static void bad_checksum_case(int fam, uint8_t proto)
{
	uint32_t len, l3 = fam == 6 ? 40 : 20;
	uint8_t *l4 = IN + l3;

	reset();
	if (fam == 6)
		len = proto == 17 ? b6_udp(IN, N6, N4_6, 40) : proto == 6 ? b6_tcp(IN, N6, N4_6, 40)
									  : b6_icmp(IN, N6, N4_6, 128, 40);
	else
		len = proto == 17 ? b4_udp(IN, N4, N6_4, 40, 0) : proto == 6 ? b4_tcp(IN, N4, N6_4, 40)
									    : b4_icmp(IN, N4, N6_4, 8, 40);
	unsigned off = csum_off(proto);
	wr16(l4 + off, oc_add(rd16(l4 + off), 1));
	assert_verdict(run(fam, len), XV_FORWARD);
	uint32_t ol3 = fam == 6 ? 20 : 40, ol4len = len - l3;
	uint8_t oproto = proto == 58 ? 1 : proto == 1 ? 58 : proto;
	uint8_t *ol4 = OUT + ol3;
	uint16_t good = fam == 6 ? l4_want(4, OUT + 12, OUT + 16, oproto, ol4, ol4len)
				 : l4_want(6, OUT + 8, OUT + 24, oproto, ol4, ol4len);
	uint16_t got = rd16(ol4 + off);
	if (oc_norm(got) != oc_norm(oc_add(good, 1)))
		fail_msg("IPv%d proto %u: checksum %04x, want %04x (correct %04x + 1)", fam, proto, got,
			 oc_add(good, 1), good);
}

static void t_bad_checksum_stays_bad(void **state)
{
	(void)state;
	bad_checksum_case(6, 17);
	bad_checksum_case(6, 6);
	bad_checksum_case(6, 58);
	bad_checksum_case(4, 17);
	bad_checksum_case(4, 6);
	bad_checksum_case(4, 1);
}

/* Find a 2-byte UDP payload for which the translated side's checksum computes to zero. */
static uint16_t zero_sum_word(int fam, const uint8_t *src, const uint8_t *dst)
{
	uint8_t u[10];

	put_udp(u, 2);
	for (uint32_t w = 0; w <= 0xffff; w++) {
		wr16(u + 8, (uint16_t)w);
		wr16(u + 6, 0);
		uint32_t acc = fam == 6 ? ref_ph6(src, dst, 17, 10) : ref_ph4(src, dst, 17, 10);
		if (ref_fold(ref_add(acc, u, 10)) == 0xffff) /* the checksum computes to ~0xffff = 0 */
			return (uint16_t)w;
	}
	fail_msg("no such word");
	return 0;
}

/* RFC 768 / RFC 8200 8.1: a computed UDP checksum of zero is sent as 0xffff (zero means "none"/invalid). */
static void t_udp_checksum_never_zero(void **state)
{
	uint16_t w;
	uint32_t len;

	(void)state;
	w = zero_sum_word(6, N4_6, N6);
	len = b4_udp(IN, N4, N6_4, 2, 0);
	wr16(IN + 28, w);
	l4_set(4, N4, N6_4, 17, IN + 20, 10);
	assert_verdict(run(4, len), XV_FORWARD);
	assert_int_equal(rd16(OUT + 46), 0xffff);

	reset();
	w = zero_sum_word(4, N6_4, N4);
	len = b6_udp(IN, N6, N4_6, 2);
	wr16(IN + 48, w);
	l4_set(6, N6, N4_6, 17, IN + 40, 10);
	assert_verdict(run(6, len), XV_FORWARD);
	assert_int_equal(rd16(OUT + 26), 0xffff);
}

/* RFC 7915 4.5: IPv4 UDP with checksum zero: dropped by default, with ICMPv4 3/13 (Jool "ea"). */
static void t46_udp_zero_checksum_default(void **state)
{
	uint8_t orig[BUFSZ];
	uint32_t len = b4_udp(IN, N4, N6_4, 20, IPV4_DF);

	(void)state;
	wr16(IN + 26, 0);
	memcpy(orig, IN, len);
	assert_verdict(run(4, len), XV_REPLY);
	chk_ip4(OUT, 28 + len, SELF4, N4, 1, -1);
	assert_int_equal(OUT[20], 3);
	assert_int_equal(OUT[21], 13);
	assert_memory_equal(OUT + 28, orig, len);
	assert_l4_ok(4, NULL, NULL, 1, OUT + 20, 8 + len);
	assert_int_equal(ctr[XLAT_UDP_ZERO_CSUM], 1);
	assert_int_equal(ctr[JSTAT_ICMP4ERR_SUCCESS], 1);
}

/* RFC 7915 4.5: ... or computed when configured (amend-udp-checksum-zero; Jool "eb"). */
static void t46_udp_zero_checksum_amend(void **state)
{
	uint32_t len = b4_udp(IN, N4, N6_4, 20, IPV4_DF);

	(void)state;
	wr16(IN + 26, 0);
	cfg.g.amend_udp_checksum_zero = true;
	assert_verdict(run(4, len), XV_FORWARD);
	chk_ip6(OUT, 68, N4_6, N6, 17, 63);
	assert_true(rd16(OUT + 46) != 0);
	assert_l4_ok(6, OUT + 8, OUT + 24, 17, OUT + 40, 28);
}

/*
 * RFC 7915 4.5: the first fragment of a fragmented UDP datagram with checksum
 * zero cannot be fixed by a stateless translator: dropped, whatever the
 * setting (Jool "ec": ICMPv4 3/13). Later fragments carry no UDP header.
 */
static void t46_udp_zero_checksum_fragment(void **state)
{
	uint8_t dg[100];

	(void)state;
	for (int amend = 0; amend < 2; amend++) {
		reset();
		cfg.g.amend_udp_checksum_zero = amend;
		put_udp(dg, 92);
		uint32_t len = b4_frag(IN, N4, N6_4, 17, IPV4_MF, 7, dg, 48);
		assert_verdict(run(4, len), XV_REPLY);
		assert_int_equal(OUT[20], 3);
		assert_int_equal(OUT[21], 13);
		assert_true(others() > 0);
	}
	reset();
	memset(dg, 0, sizeof(dg));
	uint32_t len = b4_frag(IN, N4, N6_4, 17, 6, 7, dg, 52);
	assert_verdict(run(4, len), XV_FORWARD);
	assert_memory_equal(OUT + 48, dg, 52);
}

/* ======================================================================== */
/* ICMP informational messages (RFC 7915 4.2 and 5.2)                       */
/* ======================================================================== */

/* Echo Request/Reply: 128/129 <-> 8/0; identifier, sequence and data kept; checksum without the pseudo-header. */
static void t64_echo(void **state)
{
	static const uint8_t in[] = { 128, 129 }, out[] = { 8, 0 };

	(void)state;
	for (int i = 0; i < 2; i++) {
		uint8_t orig[BUFSZ];
		reset();
		uint32_t len = b6_icmp(IN, N6, N4_6, in[i], 56);
		memcpy(orig, IN, len);
		assert_verdict(run(6, len), XV_FORWARD);
		chk_ip4(OUT, 84, N6_4, N4, 1, 63);
		assert_int_equal(OUT[20], out[i]);
		assert_int_equal(OUT[21], 0);
		assert_memory_equal(OUT + 24, orig + 44, 4 + 56);
		assert_l4_ok(4, NULL, NULL, 1, OUT + 20, 64);
	}
}

static void t46_echo(void **state)
{
	static const uint8_t in[] = { 8, 0 }, out[] = { 128, 129 };

	(void)state;
	for (int i = 0; i < 2; i++) {
		uint8_t orig[BUFSZ];
		reset();
		uint32_t len = b4_icmp(IN, N4, N6_4, in[i], 56);
		memcpy(orig, IN, len);
		assert_verdict(run(4, len), XV_FORWARD);
		chk_ip6(OUT, 104, N4_6, N6, 58, 63);
		assert_int_equal(OUT[40], out[i]);
		assert_int_equal(OUT[41], 0);
		assert_memory_equal(OUT + 44, orig + 24, 4 + 56);
		assert_l4_ok(6, OUT + 8, OUT + 24, 58, OUT + 40, 64);
	}
}

/* RFC 7915 5.2: MLD, ND and unknown informational ICMPv6 types are single-hop or unknown: silently dropped. */
static void t64_icmp_info_dropped(void **state)
{
	static const uint8_t types[] = { 130, 131, 132, 133, 134, 135, 136, 137, 143, 200, 255 };

	(void)state;
	for (size_t i = 0; i < sizeof(types); i++) {
		reset();
		uint32_t len = b6_icmp(IN, N6, N4_6, types[i], 16);
		assert_drop(run(6, len), JSTAT_UNKNOWN_ICMP6_TYPE);
	}
}

/*
 * RFC 7915 4.2: timestamp, information, address mask, router advertisement and
 * solicitation, redirect, source quench, alternate host address and unknown
 * types: dropped.
 */
static void t46_icmp_info_dropped(void **state)
{
	static const uint8_t types[] = { 13, 14, 15, 16, 17, 18, 9, 10, 4, 5, 6, 1, 2, 7, 19, 40, 255 };

	(void)state;
	for (size_t i = 0; i < sizeof(types); i++) {
		reset();
		uint32_t len = b4_icmp(IN, N4, N6_4, types[i], 36);
		assert_drop(run(4, len), JSTAT_UNKNOWN_ICMP4_TYPE);
	}
}

/* The ICMPv6 checksum covers the whole message; a fragment cannot be translated on its own (Jool counts it). */
static void t_icmp_fragmented(void **state)
{
	uint8_t m[64];

	(void)state;
	put_icmp(m, 128, 0, 0x12340007);
	fill(m + 8, 56);
	l4_set(6, N6, N4_6, 58, m, 64);
	uint32_t len = b6_frag(IN, N6, N4_6, 58, 0, true, 99, m, 32);
	assert_drop(run(6, len), JSTAT64_FRAGMENTED_ICMP);

	reset();
	put_icmp(m, 8, 0, 0x12340007);
	fill(m + 8, 56);
	l4_set(4, NULL, NULL, 1, m, 64);
	len = b4_frag(IN, N4, N6_4, 1, IPV4_MF, 99, m, 32);
	assert_drop(run(4, len), JSTAT46_FRAGMENTED_ICMP);
}

/* ======================================================================== */
/* denylist4 and addresses never translated through pool6                    */
/* ======================================================================== */

static void add_denylist(const char *s)
{
	assert_int_equal(prefix4_parse(s, &cfg.denylist4[cfg.n_denylist4]), 0);
	cfg.n_denylist4++;
}

static void t46_denylist(void **state)
{
	uint32_t len;

	(void)state;
	add_denylist("203.0.113.0/24");
	len = b4_udp(IN, N4, ip4("203.0.113.5"), 20, 0);
	assert_drop(run(4, len), XLAT_DENYLIST4);

	reset();
	add_denylist("203.0.113.0/24");
	len = b4_udp(IN, ip4("203.0.113.5"), N6_4, 20, 0);
	assert_drop(run(4, len), XLAT_DENYLIST4);

	/* outside the list: translated */
	reset();
	add_denylist("203.0.113.0/24");
	len = b4_udp(IN, ip4("203.0.114.5"), N6_4, 20, 0);
	assert_verdict(run(4, len), XV_FORWARD);
}

/* this-network, loopback, link-local, multicast, class E/broadcast: never through pool6 (jool-reference.md). */
static void t46_reserved_destinations(void **state)
{
	static const char *const dsts[] = { "0.1.2.3", "127.0.0.1", "169.254.0.1", "224.0.0.1",
					    "239.255.255.250", "240.0.0.1", "255.255.255.255" };

	(void)state;
	for (size_t i = 0; i < sizeof(dsts) / sizeof(dsts[0]); i++) {
		reset();
		uint32_t len = b4_udp(IN, N4, ip4(dsts[i]), 20, 0);
		enum xlat_verdict v = run(4, len);
		if (v != XV_DROP || others() == 0)
			fail_msg("%s: verdict %d, want a counted drop", dsts[i], v);
	}
}

static void t64_denylist(void **state)
{
	uint32_t len;

	(void)state;
	add_denylist("203.0.113.0/24");
	len = b6_udp(IN, N6, ip6("2001:db8:1cb:71:5::"), 20); /* 203.0.113.5 */
	assert_drop(run(6, len), XLAT_DENYLIST4);
	reset();
	len = b6_udp(IN, ip6("2001:db8:17f:0:1::"), N4_6, 20); /* from 127.0.0.1 */
	assert_drop(run(6, len), JSTAT64_SRC);
}

/* denylist4 applies to pool6 only; an EAM for the same addresses still translates. */
static void t_denylist_not_eamt(void **state)
{
	uint32_t len;

	(void)state;
	add_denylist("203.0.113.0/24");
	eam("2001:db8:cafe::/120", "203.0.113.0/24");
	len = b4_udp(IN, N4, ip4("203.0.113.5"), 20, 0);
	assert_verdict(run(4, len), XV_FORWARD);
	assert_addr6(OUT + 24, "2001:db8:cafe::5");
	reset();
	add_denylist("203.0.113.0/24");
	eam("2001:db8:cafe::/120", "203.0.113.0/24");
	cfg.g.eam_hairpin_mode = EAM_HAIRPIN_OFF; /* see t_hairpin_not_for_eam_destination */
	len = b6_udp(IN, N6, ip6("2001:db8:cafe::5"), 20);
	assert_verdict(run(6, len), XV_FORWARD);
	assert_addr4(OUT + 16, "203.0.113.5");
}

/* ======================================================================== */
/* EAM hairpinning (RFC 7757 4.2 and appendix B; Jool "ga", "6791v66")       */
/* ======================================================================== */

/*
 * 2001:db8:3::8 (EAM 1.0.0.8) sends to 1.0.0.9 through its pool6 form
 * 2001:db8:101:0:9::. 1.0.0.9 is an EAM address, so the packet comes straight
 * back to IPv6: to 2001:db8:3::9, from the pool6 form of 1.0.0.8 so that the
 * reply takes the same way back (Jool graybox "ga": gae1.pkt).
 */
static void t_hairpin_addresses(void **state)
{
	uint32_t len = b6_udp(IN, ip6("2001:db8:3::8"), ip6("2001:db8:101:0:9::"), 4);

	(void)state;
	assert_verdict(run(6, len), XV_FORWARD);
	assert_int_equal(pkt.family, 6);
	assert_int_equal(pkt.len, 52);
	assert_addr6(OUT + 24, "2001:db8:3::9");
	assert_route(6, ip6("2001:db8:3::9"));
	assert_int_equal(fr.calls4, 0);
	assert_int_equal(ctr[XLAT_HAIRPIN], 1);
	/*
	 * Regression: lib translated the source 1.0.0.8 back through the EAMT,
	 * giving 2001:db8:3::8; RFC 7757 hairpinning and Jool's gae1.pkt give the
	 * pool6 form 2001:db8:101:0:8::, so that the receiver's reply hairpins back.
	 */
	assert_addr6(OUT + 8, "2001:db8:101:0:8::");
	assert_l4_ok(6, OUT + 8, OUT + 24, 17, OUT + 40, 12);
}

/*
 * One pass through the translator, one hop: hop limit 64 -> 63 (Jool gae1.pkt).
 * Regression: xlat_process ran xlat64 then xlat46, each decrementing: 62, and
 * a packet arriving with hop limit 2 got an ICMPv4 Time Exceeded instead.
 */
static void t_hairpin_hop_limit(void **state)
{
	uint32_t len = b6_udp(IN, ip6("2001:db8:3::8"), ip6("2001:db8:101:0:9::"), 4);

	(void)state;
	assert_verdict(run(6, len), XV_FORWARD);
	assert_int_equal(OUT[7], 63);

	reset();
	len = b6_udp(IN, ip6("2001:db8:3::8"), ip6("2001:db8:101:0:9::"), 4);
	IN[7] = 2;
	assert_verdict(run(6, len), XV_FORWARD);
	assert_int_equal(pkt.family, 6);
	assert_int_equal(OUT[7], 1);
}

static void t_hairpin_off(void **state)
{
	uint32_t len = b6_udp(IN, ip6("2001:db8:3::8"), ip6("2001:db8:101:0:9::"), 4);

	(void)state;
	cfg.g.eam_hairpin_mode = EAM_HAIRPIN_OFF;
	assert_verdict(run(6, len), XV_FORWARD);
	assert_int_equal(pkt.family, 4);
	chk_ip4(OUT, 32, ip4("1.0.0.8"), ip4("1.0.0.9"), 17, 63);
	assert_route(4, ip4("1.0.0.9"));
	assert_int_equal(ctr[XLAT_HAIRPIN], 0);
}

/*
 * Hairpinning is for IPv6 packets addressed to an EAM IPv4 address through
 * pool6. A destination inside an EAM's IPv6 prefix is translated by that EAM
 * and goes to IPv4 (RFC 7757 3.3; Jool hairpins only when the destination was
 * translated with RFC 6052).
 * Regression: xlat64 hairpinned every packet whose IPv4 destination is in the
 * EAMT, turning this one back into IPv6 towards 2001:db8:2::7.
 */
static void t_hairpin_not_for_eam_destination(void **state)
{
	uint32_t len = b6_udp(IN, N6, ip6("2001:db8:2::7"), 20);

	(void)state;
	assert_verdict(run(6, len), XV_FORWARD);
	assert_int_equal(pkt.family, 4);
	chk_ip4(OUT, 48, N6_4, ip4("10.0.0.7"), 17, 63);
	assert_int_equal(ctr[XLAT_HAIRPIN], 0);
}

/*
 * Jool "6791v66": an ICMPv6 error from an untranslatable source (2001:db8::5)
 * about a hairpinned packet (2001:db8:3::1 -> pool6 form of 10.0.0.10, seen
 * as 2001:db8:101:0:1:: -> 2001:db8:2::a). Expected (6791v66e.pkt): outer
 * 2001:db8:1cb:71:8:: (pool6 form of rfc6791v4 203.0.113.8) -> 2001:db8:3::1,
 * hop limit 63; inner 2001:db8:3::1 -> 2001:db8:10a:0:a::.
 * Regression: lib gave the inner destination 2001:db8:2::a (EAMT) and hop
 * limit 62.
 */
static void t_hairpin_icmp_error(void **state)
{
	uint32_t len = b6_err_in(IN, ip6("2001:db8::5"), ip6("2001:db8:101:0:1::"), ip6("2001:db8:101:0:1::"),
				 ip6("2001:db8:2::a"), 1, 0, 0, 4, 0);

	(void)state;
	IN[48 + 7] = 64;
	fix_err6(IN, len);
	assert_verdict(run(6, len), XV_FORWARD);
	assert_int_equal(pkt.family, 6);
	assert_int_equal(pkt.len, 100);
	assert_addr6(OUT + 8, "2001:db8:1cb:71:8::");
	assert_addr6(OUT + 24, "2001:db8:3::1");
	assert_int_equal(OUT[40], 1);
	assert_int_equal(OUT[41], 0);
	assert_addr6(OUT + 48 + 8, "2001:db8:3::1");
	assert_addr6(OUT + 48 + 24, "2001:db8:10a:0:a::");
	assert_int_equal(OUT[48 + 7], 64);
	assert_l4_ok(6, OUT + 48 + 8, OUT + 48 + 24, 17, OUT + 88, 12);
	assert_l4_ok(6, OUT + 8, OUT + 24, 58, OUT + 40, 60);
	assert_int_equal(OUT[7], 63);
}

/* ======================================================================== */
/* Classification, configuration switches, ICMP error generation limits      */
/* ======================================================================== */

static void t_wants6(void **state)
{
	(void)state;
	assert_true(xlat_wants6(&cfg, N4_6));
	assert_true(xlat_wants6(&cfg, ip6("2001:db8:1ff:ffff:ffff::")));
	assert_true(xlat_wants6(&cfg, ip6("2001:db8:3::ff")));
	assert_true(xlat_wants6(&cfg, ip6("2001:db8:2::")));
	assert_false(xlat_wants6(&cfg, ip6("2001:db8:3::100")));
	assert_false(xlat_wants6(&cfg, ip6("2001:db8:200::1")));
	assert_false(xlat_wants6(&cfg, ip6("fe80::1")));
	cfg.g.pool6_set = false;
	assert_false(xlat_wants6(&cfg, N4_6));
	assert_true(xlat_wants6(&cfg, ip6("2001:db8:3::1")));
}

static void t_wants4(void **state)
{
	(void)state;
	/* SIIT with pool6: every IPv4 address has an IPv6 form, bar the never-translated ones */
	assert_true(xlat_wants4(&cfg, be4("198.51.100.2")));
	assert_true(xlat_wants4(&cfg, be4("192.0.2.33")));
	assert_true(xlat_wants4(&cfg, be4("1.0.0.200")));
	assert_false(xlat_wants4(&cfg, be4("127.0.0.1")));
	assert_false(xlat_wants4(&cfg, be4("0.0.0.1")));
	assert_false(xlat_wants4(&cfg, be4("169.254.3.4")));
	assert_false(xlat_wants4(&cfg, be4("224.0.0.5")));
	assert_false(xlat_wants4(&cfg, be4("255.255.255.255")));
	add_denylist("198.51.100.0/24");
	assert_false(xlat_wants4(&cfg, be4("198.51.100.2")));
	assert_true(xlat_wants4(&cfg, be4("198.51.101.2")));
	/* EAMT addresses are ours whatever pool6 and denylist4 say */
	eam("2001:db8:cafe::/120", "198.51.100.0/24");
	assert_true(xlat_wants4(&cfg, be4("198.51.100.2")));
	cfg.g.pool6_set = false;
	assert_false(xlat_wants4(&cfg, be4("192.0.2.33")));
	assert_true(xlat_wants4(&cfg, be4("10.0.0.1")));
	assert_true(xlat_wants4(&cfg, be4("198.51.100.9")));
}

static void t_disabled(void **state)
{
	uint32_t len;

	(void)state;
	cfg.g.manually_enabled = false;
	len = b6_udp(IN, N6, N4_6, 20);
	assert_drop(run(6, len), JSTAT_XLATOR_DISABLED);
	reset();
	cfg.g.manually_enabled = false;
	len = b4_udp(IN, N4, N6_4, 20, 0);
	assert_drop(run(4, len), JSTAT_XLATOR_DISABLED);
}

/* Without an address of the incoming port, no ICMP error can be sourced: counted failure, no reply. */
static void t_icmp_error_needs_source(void **state)
{
	uint32_t len;

	(void)state;
	ctx.in_self4_set = false;
	len = b4_udp(IN, N4, N6_4, 20, 0);
	IN[8] = 1;
	ip4_fix_csum(IN);
	assert_verdict(run(4, len), XV_DROP);
	assert_int_equal(ctr[JSTAT_ICMP4ERR_FAILURE], 1);

	reset();
	ctx.in_self6_set = false;
	len = b6_udp(IN, N6, N4_6, 20);
	IN[7] = 1;
	assert_verdict(run(6, len), XV_DROP);
	assert_int_equal(ctr[JSTAT_ICMP6ERR_FAILURE], 1);
}

/* ICMP errors the translator originates are rate limited (icmp_errors_per_sec, per worker). */
static void t_icmp_error_rate_limit(void **state)
{
	(void)state;
	cfg.g.icmp_errors_per_sec = 2;
	for (int i = 0; i < 3; i++) {
		uint32_t len = b4_udp(IN, N4, N6_4, 20, 0);
		IN[8] = 1;
		ip4_fix_csum(IN);
		assert_verdict(run(4, len), i < 2 ? XV_REPLY : XV_DROP);
	}
	assert_int_equal(ctr[JSTAT_ICMP4ERR_SUCCESS], 2);
	assert_int_equal(ctr[JSTAT_ICMP4ERR_FAILURE], 1);
	/* a second later there are tokens again */
	ctx.now_ns += 1000000000ull;
	uint32_t len = b6_udp(IN, N6, N4_6, 20);
	IN[7] = 1;
	assert_verdict(run(6, len), XV_REPLY);
}

/* The ICMP error replaces the packet in the same buffer: it must fit the headroom the dataplane leaves. */
static void t_headroom_is_enough(void **state)
{
	(void)state;
	assert_true(XLAT_HEADROOM_NEEDED <= HEADROOM);
}

#define T(f) cmocka_unit_test_setup(f, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(t_bad_checksum_stays_bad),
		T(t_udp_checksum_never_zero),
		T(t46_udp_zero_checksum_default),
		T(t46_udp_zero_checksum_amend),
		T(t46_udp_zero_checksum_fragment),
		T(t64_echo),
		T(t46_echo),
		T(t64_icmp_info_dropped),
		T(t46_icmp_info_dropped),
		T(t_icmp_fragmented),
		T(t46_denylist),
		T(t46_reserved_destinations),
		T(t64_denylist),
		T(t_denylist_not_eamt),
		T(t_hairpin_addresses),
		T(t_hairpin_hop_limit),
		T(t_hairpin_off),
		T(t_hairpin_not_for_eam_destination),
		T(t_hairpin_icmp_error),
		T(t_wants6),
		T(t_wants4),
		T(t_disabled),
		T(t_icmp_error_needs_source),
		T(t_icmp_error_rate_limit),
		T(t_headroom_is_enough),
	};

	return cmocka_run_group_tests_name("xlat", tests, NULL, NULL);
}
