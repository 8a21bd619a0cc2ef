/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RFC 7915 (SIIT) rules, one test or more per rule, driven through
 * xlat_process() on packets built byte by byte here. Expected values come
 * from the RFC text (RFC 7915, RFC 6052, RFC 7757, RFC 6791, RFC 4443,
 * RFC 792/1191/1812, RFC 8200); where the RFCs leave a choice, from Jool's
 * graybox vectors (tests/conformance/vectors), named as such.
 *
 * Checksums of the packets built here and of the translated results are
 * computed with the naive reference of pktbuild.c, never with lib's.
 *
 * The configuration mirrors Jool's graybox SIIT baseline:
 *   pool6 2001:db8:100::/40 (an RFC 6052 /40: 192.0.2.33 = 2001:db8:1c0:2:21::,
 *   198.51.100.2 = 2001:db8:1c6:3364:2::), EAMT 2001:db8:3::/120 = 1.0.0.0/24
 *   and 2001:db8:2::/120 = 10.0.0.0/24, rfc6791v4-prefix 203.0.113.8; the
 *   translator's own addresses 2001:db8:1c0:2:1:: and 198.51.100.1.
 *
 * Comments marked "Regression" name what the first lib/ (cfe2a5b) did wrong
 * there; fixed in eb37269/ac4d21e.
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

/* The dataplane's buffer layout: 2048-byte buffers, data at offset 128. */
#define BUFSZ 2048
#define HEADROOM 128

/* ------------------------------------------------------------------------ */
/* Helpers (fields: lib's bytes.h; checksum, addresses, headers: pktbuild.h) */
/* ------------------------------------------------------------------------ */

static void assert_addr6(const uint8_t *got, const char *want)
{
	char g[INET6_ADDRSTRLEN];

	if (memcmp(got, ip6(want), 16) != 0) {
		inet_ntop(AF_INET6, got, g, sizeof(g));
		fail_msg("address %s, want %s", g, want);
	}
}

static void assert_addr4(const uint8_t *got, const char *want)
{
	char g[INET_ADDRSTRLEN];

	if (memcmp(got, ip4(want), 4) != 0) {
		inet_ntop(AF_INET, got, g, sizeof(g));
		fail_msg("address %s, want %s", g, want);
	}
}

#define N6 ip6("2001:db8:1c0:2:21::")      /* IPv6 host; 192.0.2.33 through pool6 */
#define N4_6 ip6("2001:db8:1c6:3364:2::")  /* 198.51.100.2 through pool6 */
#define N4 ip4("198.51.100.2")             /* IPv4 host */
#define N6_4 ip4("192.0.2.33")
#define SELF6 ip6("2001:db8:1c0:2:1::")    /* the translator's addresses */
#define SELF4 ip4("198.51.100.1")

/* ------------------------------------------------------------------------ */
/* Packet builders                                                          */
/* ------------------------------------------------------------------------ */

static void put_udp(uint8_t *u, uint32_t n)
{
	wr16(u, 2000);
	wr16(u + 2, 4000);
	wr16(u + 4, (uint16_t)(8 + n));
	wr16(u + 6, 0);
	fill(u + 8, n);
}

static void put_tcp(uint8_t *t, uint32_t n)
{
	memset(t, 0, 20);
	wr16(t, 2000);
	wr16(t + 2, 4000);
	wr32(t + 4, 0x01020304);
	t[12] = 0x50;
	t[13] = 0x18; /* PSH ACK */
	wr16(t + 14, 8192);
	fill(t + 20, n);
}

static void put_icmp(uint8_t *m, uint8_t type, uint8_t code, uint32_t rest)
{
	m[0] = type;
	m[1] = code;
	wr16(m + 2, 0);
	wr32(m + 4, rest);
}

#define IPV4_DF 0x4000
#define IPV4_MF 0x2000

/* IPv6 + UDP with n payload bytes; returns the datagram length. */
static uint32_t b6_udp(uint8_t *p, const uint8_t *src, const uint8_t *dst, uint32_t n)
{
	put_udp(p + 40, n);
	l4_set(6, src, dst, 17, p + 40, 8 + n);
	put_ip6(p, 0, 0, (uint16_t)(8 + n), 17, 64, src, dst);
	return 48 + n;
}

static uint32_t b6_tcp(uint8_t *p, const uint8_t *src, const uint8_t *dst, uint32_t n)
{
	put_tcp(p + 40, n);
	l4_set(6, src, dst, 6, p + 40, 20 + n);
	put_ip6(p, 0, 0, (uint16_t)(20 + n), 6, 64, src, dst);
	return 60 + n;
}

/* ICMPv6 informational message (echo: id 0x1234, sequence 7) with n data bytes. */
static uint32_t b6_icmp(uint8_t *p, const uint8_t *src, const uint8_t *dst, uint8_t type, uint32_t n)
{
	put_icmp(p + 40, type, 0, 0x12340007);
	fill(p + 48, n);
	l4_set(6, src, dst, 58, p + 40, 8 + n);
	put_ip6(p, 0, 0, (uint16_t)(8 + n), 58, 64, src, dst);
	return 48 + n;
}

static uint32_t b4_udp(uint8_t *p, const uint8_t *src, const uint8_t *dst, uint32_t n, uint16_t frag)
{
	put_udp(p + 20, n);
	l4_set(4, src, dst, 17, p + 20, 8 + n);
	put_ip4(p, 20, 0, (uint16_t)(28 + n), 0x1234, frag, 64, 17, src, dst);
	return 28 + n;
}

static uint32_t b4_tcp(uint8_t *p, const uint8_t *src, const uint8_t *dst, uint32_t n)
{
	put_tcp(p + 20, n);
	l4_set(4, src, dst, 6, p + 20, 20 + n);
	put_ip4(p, 20, 0, (uint16_t)(40 + n), 0x1234, IPV4_DF, 64, 6, src, dst);
	return 40 + n;
}

static uint32_t b4_icmp(uint8_t *p, const uint8_t *src, const uint8_t *dst, uint8_t type, uint32_t n)
{
	put_icmp(p + 20, type, 0, 0x12340007);
	fill(p + 28, n);
	l4_set(4, src, dst, 1, p + 20, 8 + n);
	put_ip4(p, 20, 0, (uint16_t)(28 + n), 0x1234, 0, 64, 1, src, dst);
	return 28 + n;
}

/* An ICMPv6 error quoting the ilen bytes at inner. */
static uint32_t wrap6_err(uint8_t *p, const uint8_t *src, const uint8_t *dst, uint8_t type, uint8_t code, uint32_t rest,
			  const uint8_t *inner, uint32_t ilen)
{
	memmove(p + 48, inner, ilen);
	put_icmp(p + 40, type, code, rest);
	l4_set(6, src, dst, 58, p + 40, 8 + ilen);
	put_ip6(p, 0, 0, (uint16_t)(8 + ilen), 58, 64, src, dst);
	return 48 + ilen;
}

static uint32_t wrap4_err(uint8_t *p, const uint8_t *src, const uint8_t *dst, uint8_t type, uint8_t code, uint32_t rest,
			  const uint8_t *inner, uint32_t ilen)
{
	memmove(p + 28, inner, ilen);
	put_icmp(p + 20, type, code, rest);
	l4_set(4, src, dst, 1, p + 20, 8 + ilen);
	put_ip4(p, 20, 0, (uint16_t)(28 + ilen), 0, 0, 64, 1, src, dst);
	return 28 + ilen;
}

/*
 * ICMPv6 error from src to dst about a UDP packet (n payload bytes, hop limit
 * 63 when it met trouble) that dst had sent to src; q > 0 quotes only q bytes.
 */
static uint32_t b6_err_in(uint8_t *p, const uint8_t *src, const uint8_t *dst, const uint8_t *isrc,
			  const uint8_t *idst, uint8_t type, uint8_t code, uint32_t rest, uint32_t n, uint32_t q)
{
	uint8_t in[BUFSZ];
	uint32_t il = b6_udp(in, isrc, idst, n);

	in[7] = 63;
	if (q && q < il)
		il = q;
	return wrap6_err(p, src, dst, type, code, rest, in, il);
}

static uint32_t b4_err_in(uint8_t *p, const uint8_t *src, const uint8_t *dst, const uint8_t *isrc,
			  const uint8_t *idst, uint8_t type, uint8_t code, uint32_t rest, uint32_t n, uint32_t q)
{
	uint8_t in[BUFSZ];
	uint32_t il = b4_udp(in, isrc, idst, n, IPV4_DF);

	in[8] = 63;
	ip4_fix_csum(in);
	if (q && q < il)
		il = q;
	return wrap4_err(p, src, dst, type, code, rest, in, il);
}

/* The usual case: the error goes back to the packet's source from its destination. */
static uint32_t b6_err(uint8_t *p, const uint8_t *src, const uint8_t *dst, uint8_t type, uint8_t code, uint32_t rest,
		       uint32_t n, uint32_t q)
{
	return b6_err_in(p, src, dst, dst, src, type, code, rest, n, q);
}

static uint32_t b4_err(uint8_t *p, const uint8_t *src, const uint8_t *dst, uint8_t type, uint8_t code, uint32_t rest,
		       uint32_t n, uint32_t q)
{
	return b4_err_in(p, src, dst, dst, src, type, code, rest, n, q);
}

/* Recompute the outer ICMP checksum after editing an error. */
static void fix_err6(uint8_t *p, uint32_t len)
{
	l4_set(6, p + 8, p + 24, 58, p + 40, len - 40);
}

static void fix_err4(uint8_t *p, uint32_t len)
{
	l4_set(4, p + 12, p + 16, 1, p + 20, len - 20);
}

/* IPv6 + Fragment header carrying n bytes of data. */
static uint32_t b6_frag(uint8_t *p, const uint8_t *src, const uint8_t *dst, uint8_t nh, uint16_t off8, bool mf,
			uint32_t id, const uint8_t *data, uint32_t n)
{
	uint8_t *f = p + 40;

	memmove(f + 8, data, n);
	f[0] = nh;
	f[1] = 0;
	wr16(f + 2, (uint16_t)(off8 << 3 | (mf ? 1 : 0)));
	wr32(f + 4, id);
	put_ip6(p, 0, 0, (uint16_t)(8 + n), 44, 64, src, dst);
	return 48 + n;
}

static uint32_t b4_frag(uint8_t *p, const uint8_t *src, const uint8_t *dst, uint8_t proto, uint16_t frag, uint16_t id,
			const uint8_t *data, uint32_t n)
{
	memmove(p + 20, data, n);
	put_ip4(p, 20, 0, (uint16_t)(20 + n), id, frag, 64, proto, src, dst);
	return 20 + n;
}

/* ------------------------------------------------------------------------ */
/* The fixture: configuration, counters, a fake route callback              */
/* ------------------------------------------------------------------------ */

struct fake_route {
	uint16_t mtu4, mtu6;
	bool fail;
	bool self;
	unsigned calls;
	unsigned calls4, calls6;
	int family; /* of the last call */
	uint8_t dst[16];
};

static struct xlat_config cfg;
static uint64_t ctr[XSTAT_MAX];
static struct xlat_ctx ctx;
static struct fake_route fr;
static uint8_t mem[BUFSZ];
static struct xlat_pkt pkt;

#define IN (mem + HEADROOM)
#define OUT (pkt.data)

static int route_cb(void *opaque, int family, const uint8_t *dst, struct xlat_route *out)
{
	struct fake_route *r = opaque;

	r->calls++;
	if (family == 4)
		r->calls4++;
	else
		r->calls6++;
	r->family = family;
	memset(r->dst, 0, sizeof(r->dst));
	memcpy(r->dst, dst, family == 4 ? 4 : 16);
	if (r->fail)
		return -1;
	memset(out, 0, sizeof(*out));
	out->mtu = family == 4 ? r->mtu4 : r->mtu6;
	out->nexthop = 7;
	if (r->self) {
		memcpy(out->self, family == 4 ? SELF4 : SELF6, family == 4 ? 4 : 16);
		out->self_set = true;
	}
	return 0;
}

static void eam(const char *s6, const char *s4)
{
	struct prefix6 a;
	struct prefix4 b;
	const char *why = NULL;

	assert_int_equal(prefix6_parse(s6, &a), 0);
	assert_int_equal(prefix4_parse(s4, &b), 0);
	if (eamt_add(&cfg.eamt, &a, &b, &why) != 0)
		fail_msg("eamt_add %s %s: %s", s6, s4, why);
}

static void set_pool6(const char *s)
{
	assert_int_equal(prefix6_parse(s, &cfg.g.pool6), 0);
	cfg.g.pool6_set = true;
}

static void reset(void)
{
	xlat_config_init(&cfg, XLAT_MODE_SIIT);
	set_pool6("2001:db8:100::/40");
	eam("2001:db8:3::/120", "1.0.0.0/24");
	eam("2001:db8:2::/120", "10.0.0.0/24");
	assert_int_equal(prefix4_parse("203.0.113.8/32", &cfg.g.rfc6791v4), 0);
	cfg.g.rfc6791v4_set = true;

	memset(ctr, 0, sizeof(ctr));
	memset(&fr, 0, sizeof(fr));
	fr.mtu4 = 1500;
	fr.mtu6 = 1500;
	fr.self = true;

	memset(&ctx, 0, sizeof(ctx));
	ctx.cfg = &cfg;
	ctx.counters = ctr;
	ctx.route = route_cb;
	ctx.route_opaque = &fr;
	ctx.now_ns = 10ull * 1000000000ull;
	ctx.rand_state = 0x2545f491;
	memcpy(ctx.in_self6, SELF6, 16);
	ctx.in_self6_set = true;
	memcpy(&ctx.in_self4, SELF4, 4);
	ctx.in_self4_set = true;
	ctx.in_mtu = 1500;

	memset(mem, 0x5a, sizeof(mem));
	memset(&pkt, 0, sizeof(pkt));
}

static int setup(void **state)
{
	(void)state;
	reset();
	return 0;
}

/* Run xlat_process on a datagram at base + headroom. */
static enum xlat_verdict run_at(struct xlat_pkt *k, uint8_t *base, uint32_t bufsz, uint32_t len, int family)
{
	k->data = base + HEADROOM;
	k->len = len;
	k->headroom = HEADROOM;
	k->tailroom = bufsz - HEADROOM - len;
	k->family = family;
	memset(&k->route, 0, sizeof(k->route));
	k->frag_size = 0xdead;
	enum xlat_verdict v = xlat_process(&ctx, k);
	if (v != XV_DROP) {
		assert_true(k->data >= base);
		assert_true(k->data + k->len <= base + bufsz);
		assert_int_equal(k->data - base, k->headroom);
		assert_int_equal(k->family, k->data[0] >> 4);
	}
	return v;
}

static enum xlat_verdict run(int family, uint32_t len)
{
	return run_at(&pkt, mem, BUFSZ, len, family);
}

/* Counters other than the totals: the drops and events a packet caused. */
static uint64_t others(void)
{
	uint64_t n = 0;

	for (int i = 0; i < XSTAT_MAX; i++)
		if (i != JSTAT_RECEIVED4 && i != JSTAT_RECEIVED6 && i != JSTAT_SUCCESS)
			n += ctr[i];
	return n;
}

static void assert_drop(enum xlat_verdict v, enum xlat_stat why)
{
	if (v != XV_DROP)
		fail_msg("verdict %d, want XV_DROP (%s)", v, xlat_stat_name(why));
	if (ctr[why] != 1) {
		for (int i = 0; i < XSTAT_MAX; i++)
			if (ctr[i] && i != JSTAT_RECEIVED4 && i != JSTAT_RECEIVED6)
				print_message("counter %s = %llu\n", xlat_stat_name((enum xlat_stat)i),
					      (unsigned long long)ctr[i]);
		fail_msg("counter %s = %llu, want 1", xlat_stat_name(why), (unsigned long long)ctr[why]);
	}
	assert_int_equal(ctr[JSTAT_SUCCESS], 0);
}

static void assert_verdict(enum xlat_verdict v, enum xlat_verdict want)
{
	static const char *const names[] = { "XV_FORWARD", "XV_REPLY", "XV_DROP" };

	if (v != want) {
		for (int i = 0; i < XSTAT_MAX; i++)
			if (ctr[i] && i != JSTAT_RECEIVED4 && i != JSTAT_RECEIVED6)
				print_message("counter %s = %llu\n", xlat_stat_name((enum xlat_stat)i),
					      (unsigned long long)ctr[i]);
		fail_msg("verdict %s, want %s", names[v], names[want]);
	}
}

/* IPv4 header checks; ttl < 0: not checked. */
static void chk_ip4(const uint8_t *o, uint32_t len, const uint8_t *src, const uint8_t *dst, uint8_t proto, int ttl)
{
	assert_int_equal(o[0], 0x45);
	assert_int_equal(rd16(o + 2), len);
	if (ttl >= 0)
		assert_int_equal(o[8], ttl);
	assert_int_equal(o[9], proto);
	assert_memory_equal(o + 12, src, 4);
	assert_memory_equal(o + 16, dst, 4);
	if (!ip4_hdr_ok(o))
		fail_msg("IPv4 header checksum %04x is wrong", rd16(o + 10));
}

static void chk_ip6(const uint8_t *o, uint32_t len, const uint8_t *src, const uint8_t *dst, uint8_t nh, int hlim)
{
	assert_int_equal(o[0] >> 4, 6);
	assert_int_equal(rd16(o + 4), len - 40);
	assert_int_equal(o[6], nh);
	if (hlim >= 0)
		assert_int_equal(o[7], hlim);
	assert_memory_equal(o + 8, src, 16);
	assert_memory_equal(o + 24, dst, 16);
}

static void assert_route(int family, const uint8_t *dst)
{
	assert_true(fr.calls > 0);
	assert_int_equal(fr.family, family);
	assert_memory_equal(fr.dst, dst, family == 4 ? 4 : 16);
}

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

struct icmp_case {
	uint8_t type, code;
	int out_type, out_code; /* -1: dropped */
};

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
		/* 6 -> 4 */
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
		/* 4 -> 6 */
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
		/* checksums */
		T(t_bad_checksum_stays_bad),
		T(t_udp_checksum_never_zero),
		T(t46_udp_zero_checksum_default),
		T(t46_udp_zero_checksum_amend),
		T(t46_udp_zero_checksum_fragment),
		/* ICMP */
		T(t64_echo),
		T(t46_echo),
		T(t64_icmp_info_dropped),
		T(t46_icmp_info_dropped),
		T(t_icmp_fragmented),
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
		/* denylist4 */
		T(t46_denylist),
		T(t46_reserved_destinations),
		T(t64_denylist),
		T(t_denylist_not_eamt),
		/* hairpinning */
		T(t_hairpin_addresses),
		T(t_hairpin_hop_limit),
		T(t_hairpin_off),
		T(t_hairpin_not_for_eam_destination),
		T(t_hairpin_icmp_error),
		/* malformed */
		T(t64_cut_buffer),
		T(t46_cut_buffer),
		T(t64_cut_headers),
		T(t46_cut_headers),
		T(t64_cut_l4_header),
		T(t46_cut_l4_header),
		T(t_malformed_headers),
		T(t_padding_ignored),
		/* classification and switches */
		T(t_wants6),
		T(t_wants4),
		T(t_disabled),
		T(t_icmp_error_needs_source),
		T(t_icmp_error_rate_limit),
		T(t_headroom_is_enough),
	};

	return cmocka_run_group_tests_name("xlat", tests, NULL, NULL);
}
