/* SPDX-License-Identifier: BSD-3-Clause */
/* The fixture of the RFC 7915 (SIIT) rule tests: builders, checks, configuration (siit_fixture.h). */
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

/* ------------------------------------------------------------------------ */
/* Helpers (fields: lib's bytes.h; checksum, addresses, headers: pktbuild.h) */
/* ------------------------------------------------------------------------ */

void assert_addr6(const uint8_t *got, const char *want)
{
	char g[INET6_ADDRSTRLEN];

	if (memcmp(got, ip6(want), 16) != 0) {
		inet_ntop(AF_INET6, got, g, sizeof(g));
		fail_msg("address %s, want %s", g, want);
	}
}

void assert_addr4(const uint8_t *got, const char *want)
{
	char g[INET_ADDRSTRLEN];

	if (memcmp(got, ip4(want), 4) != 0) {
		inet_ntop(AF_INET, got, g, sizeof(g));
		fail_msg("address %s, want %s", g, want);
	}
}


/* ------------------------------------------------------------------------ */
/* Packet builders                                                          */
/* ------------------------------------------------------------------------ */

void put_udp(uint8_t *u, uint32_t n)
{
	wr16(u, 2000);
	wr16(u + 2, 4000);
	wr16(u + 4, (uint16_t)(8 + n));
	wr16(u + 6, 0);
	fill(u + 8, n);
}

void put_tcp(uint8_t *t, uint32_t n)
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

void put_icmp(uint8_t *m, uint8_t type, uint8_t code, uint32_t rest)
{
	m[0] = type;
	m[1] = code;
	wr16(m + 2, 0);
	wr32(m + 4, rest);
}


/* IPv6 + UDP with n payload bytes; returns the datagram length. */
uint32_t b6_udp(uint8_t *p, const uint8_t *src, const uint8_t *dst, uint32_t n)
{
	put_udp(p + 40, n);
	l4_set(6, src, dst, 17, p + 40, 8 + n);
	put_ip6(p, 0, 0, (uint16_t)(8 + n), 17, 64, src, dst);
	return 48 + n;
}

uint32_t b6_tcp(uint8_t *p, const uint8_t *src, const uint8_t *dst, uint32_t n)
{
	put_tcp(p + 40, n);
	l4_set(6, src, dst, 6, p + 40, 20 + n);
	put_ip6(p, 0, 0, (uint16_t)(20 + n), 6, 64, src, dst);
	return 60 + n;
}

/* ICMPv6 informational message (echo: id 0x1234, sequence 7) with n data bytes. */
uint32_t b6_icmp(uint8_t *p, const uint8_t *src, const uint8_t *dst, uint8_t type, uint32_t n)
{
	put_icmp(p + 40, type, 0, 0x12340007);
	fill(p + 48, n);
	l4_set(6, src, dst, 58, p + 40, 8 + n);
	put_ip6(p, 0, 0, (uint16_t)(8 + n), 58, 64, src, dst);
	return 48 + n;
}

uint32_t b4_udp(uint8_t *p, const uint8_t *src, const uint8_t *dst, uint32_t n, uint16_t frag)
{
	put_udp(p + 20, n);
	l4_set(4, src, dst, 17, p + 20, 8 + n);
	put_ip4(p, 20, 0, (uint16_t)(28 + n), 0x1234, frag, 64, 17, src, dst);
	return 28 + n;
}

uint32_t b4_tcp(uint8_t *p, const uint8_t *src, const uint8_t *dst, uint32_t n)
{
	put_tcp(p + 20, n);
	l4_set(4, src, dst, 6, p + 20, 20 + n);
	put_ip4(p, 20, 0, (uint16_t)(40 + n), 0x1234, IPV4_DF, 64, 6, src, dst);
	return 40 + n;
}

uint32_t b4_icmp(uint8_t *p, const uint8_t *src, const uint8_t *dst, uint8_t type, uint32_t n)
{
	put_icmp(p + 20, type, 0, 0x12340007);
	fill(p + 28, n);
	l4_set(4, src, dst, 1, p + 20, 8 + n);
	put_ip4(p, 20, 0, (uint16_t)(28 + n), 0x1234, 0, 64, 1, src, dst);
	return 28 + n;
}

/* An ICMPv6 error quoting the ilen bytes at inner. */
uint32_t wrap6_err(uint8_t *p, const uint8_t *src, const uint8_t *dst, uint8_t type, uint8_t code, uint32_t rest,
		   const uint8_t *inner, uint32_t ilen)
{
	memmove(p + 48, inner, ilen);
	put_icmp(p + 40, type, code, rest);
	l4_set(6, src, dst, 58, p + 40, 8 + ilen);
	put_ip6(p, 0, 0, (uint16_t)(8 + ilen), 58, 64, src, dst);
	return 48 + ilen;
}

uint32_t wrap4_err(uint8_t *p, const uint8_t *src, const uint8_t *dst, uint8_t type, uint8_t code, uint32_t rest,
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
uint32_t b6_err_in(uint8_t *p, const uint8_t *src, const uint8_t *dst, const uint8_t *isrc,
		   const uint8_t *idst, uint8_t type, uint8_t code, uint32_t rest, uint32_t n, uint32_t q)
{
	uint8_t in[BUFSZ];
	uint32_t il = b6_udp(in, isrc, idst, n);

	in[7] = 63;
	if (q && q < il)
		il = q;
	return wrap6_err(p, src, dst, type, code, rest, in, il);
}

uint32_t b4_err_in(uint8_t *p, const uint8_t *src, const uint8_t *dst, const uint8_t *isrc,
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
uint32_t b6_err(uint8_t *p, const uint8_t *src, const uint8_t *dst, uint8_t type, uint8_t code, uint32_t rest,
		uint32_t n, uint32_t q)
{
	return b6_err_in(p, src, dst, dst, src, type, code, rest, n, q);
}

uint32_t b4_err(uint8_t *p, const uint8_t *src, const uint8_t *dst, uint8_t type, uint8_t code, uint32_t rest,
		uint32_t n, uint32_t q)
{
	return b4_err_in(p, src, dst, dst, src, type, code, rest, n, q);
}

/* Recompute the outer ICMP checksum after editing an error. */
void fix_err6(uint8_t *p, uint32_t len)
{
	l4_set(6, p + 8, p + 24, 58, p + 40, len - 40);
}

void fix_err4(uint8_t *p, uint32_t len)
{
	l4_set(4, p + 12, p + 16, 1, p + 20, len - 20);
}

/* IPv6 + Fragment header carrying n bytes of data. */
uint32_t b6_frag(uint8_t *p, const uint8_t *src, const uint8_t *dst, uint8_t nh, uint16_t off8, bool mf,
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

uint32_t b4_frag(uint8_t *p, const uint8_t *src, const uint8_t *dst, uint8_t proto, uint16_t frag, uint16_t id,
		 const uint8_t *data, uint32_t n)
{
	memmove(p + 20, data, n);
	put_ip4(p, 20, 0, (uint16_t)(20 + n), id, frag, 64, proto, src, dst);
	return 20 + n;
}

/* ------------------------------------------------------------------------ */
/* The fixture: configuration, counters, a fake route callback              */
/* ------------------------------------------------------------------------ */


struct xlat_config cfg;
uint64_t ctr[XSTAT_MAX];
struct xlat_ctx ctx;
struct fake_route fr;
uint8_t mem[BUFSZ];
struct xlat_pkt pkt;


int route_cb(void *opaque, int family, const uint8_t *dst, struct xlat_route *out)
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

void eam(const char *s6, const char *s4)
{
	struct prefix6 a;
	struct prefix4 b;
	const char *why = NULL;

	assert_int_equal(prefix6_parse(s6, &a), 0);
	assert_int_equal(prefix4_parse(s4, &b), 0);
	if (eamt_add(&cfg.eamt, &a, &b, &why) != 0)
		fail_msg("eamt_add %s %s: %s", s6, s4, why);
}

void set_pool6(const char *s)
{
	assert_int_equal(prefix6_parse(s, &cfg.g.pool6), 0);
	cfg.g.pool6_set = true;
}

void reset(void)
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

int setup(void **state)
{
	(void)state;
	reset();
	return 0;
}

/* Run xlat_process on a datagram at base + headroom. */
enum xlat_verdict run_at(struct xlat_pkt *k, uint8_t *base, uint32_t bufsz, uint32_t len, int family)
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

enum xlat_verdict run(int family, uint32_t len)
{
	return run_at(&pkt, mem, BUFSZ, len, family);
}

/* Counters other than the totals: the drops and events a packet caused. */
uint64_t others(void)
{
	uint64_t n = 0;

	for (int i = 0; i < XSTAT_MAX; i++)
		if (i != JSTAT_RECEIVED4 && i != JSTAT_RECEIVED6 && i != JSTAT_SUCCESS)
			n += ctr[i];
	return n;
}

void assert_drop(enum xlat_verdict v, enum xlat_stat why)
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

void assert_verdict(enum xlat_verdict v, enum xlat_verdict want)
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
void chk_ip4(const uint8_t *o, uint32_t len, const uint8_t *src, const uint8_t *dst, uint8_t proto, int ttl)
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

void chk_ip6(const uint8_t *o, uint32_t len, const uint8_t *src, const uint8_t *dst, uint8_t nh, int hlim)
{
	assert_int_equal(o[0] >> 4, 6);
	assert_int_equal(rd16(o + 4), len - 40);
	assert_int_equal(o[6], nh);
	if (hlim >= 0)
		assert_int_equal(o[7], hlim);
	assert_memory_equal(o + 8, src, 16);
	assert_memory_equal(o + 24, dst, 16);
}

void assert_route(int family, const uint8_t *dst)
{
	assert_true(fr.calls > 0);
	assert_int_equal(fr.family, family);
	assert_memory_equal(fr.dst, dst, family == 4 ? 4 : 16);
}
