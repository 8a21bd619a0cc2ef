/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The NAT64 fixture that test_nat64*.c and test_nat64_owner.c share
 * (nat64_fixture.h): one worker's configuration, context and table, and
 * packets built byte by byte, their checksums from pktbuild's reference.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <rte_memory.h>

#include "bytes.h"
#include "nat64_filter.h"
#include "nat64_fixture.h"
#include "pktbuild.h"
#include "xlat_fixture.h"

/* ------------------------------------------------------------------------ */
/* Addresses (the reference checksum and the IP headers: pktbuild.h)        */
/* ------------------------------------------------------------------------ */

/* pool6 64:ff9b::/96 form of an IPv4 address */
const uint8_t *p6(const char *v4)
{
	static uint8_t ring[16][16];
	static unsigned i;
	uint8_t *a = ring[i++ % 16];
	uint32_t x = be4(v4);

	memcpy(a, ip6("64:ff9b::"), 16);
	memcpy(a + 12, &x, 4);
	return a;
}

void assert_addr6(const uint8_t *got, const uint8_t *want)
{
	if (memcmp(got, want, 16) != 0)
		fail_msg("IPv6 address %s, want %s", str6(got), str6(want));
}

void assert_addr4(uint32_t got, uint32_t want)
{
	if (got != want)
		fail_msg("IPv4 address %s, want %s", str4(got), str4(want));
}

/* ------------------------------------------------------------------------ */
/* Fixture                                                                  */
/* ------------------------------------------------------------------------ */

struct xlat_config cfg;
uint64_t ctr[XSTAT_MAX];
struct xlat_ctx ctx;
struct nat64_table *tab;
static unsigned tab_seq;

int route_cb(void *opaque, int family, const uint8_t *dst, struct xlat_route *out)
{
	(void)opaque;
	(void)dst;
	memset(out, 0, sizeof(*out));
	out->mtu = 1500;
	out->nexthop = (uint32_t)family;
	if (family == 4) {
		uint32_t s = be4(SELF4);
		memcpy(out->self, &s, 4);
	} else {
		memcpy(out->self, SELF6, 16);
	}
	out->self_set = true;
	return 0;
}

struct nat64_table *mktable(uint32_t max, unsigned worker, unsigned n)
{
	char name[24];
	struct nat64_table *t;

	snprintf(name, sizeof(name), "tn%u_", tab_seq++);
	t = nat64_table_create(name, max, worker, n, SOCKET_ID_ANY);
	if (!t)
		fail_msg("nat64_table_create(%u, %u/%u) failed", max, worker, n);
	return t;
}

void use_table(struct nat64_table *t)
{
	if (tab)
		nat64_table_free(tab);
	tab = t;
	ctx.nat = t;
}

void pool_clear(void)
{
	cfg.n_pool4 = 0;
}

void pool_add(uint8_t proto, const char *prefix, uint8_t plen, uint16_t lo, uint16_t hi)
{
	struct pool4_entry *e = &cfg.pool4[cfg.n_pool4++];

	memset(e, 0, sizeof(*e));
	e->proto = proto;
	e->addr = be4(prefix);
	e->plen = plen;
	e->port_min = lo;
	e->port_max = hi;
}

void bib_add_static(uint8_t proto, const uint8_t *a6, uint16_t port6, const char *a4, uint16_t port4)
{
	struct bib_static *b = &cfg.bib[cfg.n_bib++];

	memset(b, 0, sizeof(*b));
	b->proto = proto;
	memcpy(b->addr6, a6, 16);
	b->port6 = port6;
	b->addr4 = be4(a4);
	b->port4 = port4;
}

void now_ms(uint64_t ms)
{
	ctx.now_ns = ms * MS;
}

int setup(void **state)
{
	(void)state;
	xlat_config_init(&cfg, XLAT_MODE_NAT64);
	cfg.g.pool6_set = true;
	memcpy(cfg.g.pool6.addr, ip6("64:ff9b::"), 16);
	cfg.g.pool6.len = 96;
	pool_add(6, POOL, 32, 61001, 65535);
	pool_add(17, POOL, 32, 61001, 65535);
	pool_add(1, POOL, 32, 61001, 65535);
	xlat_fixture_ctx(&ctx, &cfg, ctr, route_cb);
	memcpy(ctx.in_self6, SELF6, 16);
	ctx.in_self6_set = true;
	ctx.in_self4 = be4(SELF4);
	ctx.in_self4_set = true;
	now_ms(1000);
	use_table(mktable(4096, 0, 1));
	return 0;
}

int teardown(void **state)
{
	(void)state;
	use_table(NULL);
	return 0;
}


/* ------------------------------------------------------------------------ */
/* Packets                                                                  */
/* ------------------------------------------------------------------------ */

/* L4 header + PAYLOAD bytes at l4; proto 6, 17 or an ICMP(v6) echo type via icmp_type. Returns its length. */
uint32_t put_l4(uint8_t *l4, uint8_t proto, uint8_t icmp_type, uint16_t sport, uint16_t dport, uint8_t flags)
{
	if (proto == 6) {
		memset(l4, 0, 20);
		wr16(l4, sport);
		wr16(l4 + 2, dport);
		wr32(l4 + 4, 0x01020304);
		wr32(l4 + 8, (flags & TCPF_SYN) && !(flags & 0x10) ? 0 : 0x0a0b0c0d);
		l4[12] = 0x50;
		l4[13] = flags;
		wr16(l4 + 14, 8192);
		fill(l4 + 20, PAYLOAD);
		return 20 + PAYLOAD;
	}
	if (proto == 17) {
		wr16(l4, sport);
		wr16(l4 + 2, dport);
		wr16(l4 + 4, 8 + PAYLOAD);
		wr16(l4 + 6, 0);
		fill(l4 + 8, PAYLOAD);
		return 8 + PAYLOAD;
	}
	l4[0] = icmp_type;
	l4[1] = 0;
	wr16(l4 + 2, 0);
	wr16(l4 + 4, sport); /* identifier */
	wr16(l4 + 6, 7);     /* sequence */
	fill(l4 + 8, PAYLOAD);
	return 8 + PAYLOAD;
}

void pk_ready(struct pk *k, int fam, uint32_t len)
{
	k->p.data = k->mem + HEADROOM;
	k->p.len = len;
	k->p.headroom = HEADROOM;
	k->p.tailroom = BUFSZ - HEADROOM - len;
	k->p.family = fam;
}

/* IPv6 from src6#sport to 64:ff9b::dst4#dport. proto 58: ICMPv6 echo request with id sport. */
void mk6(struct pk *k, uint8_t proto, const uint8_t *src6, uint16_t sport, const uint8_t *dst6, uint16_t dport,
	 uint8_t flags)
{
	uint8_t *p = k->mem + HEADROOM;

	memset(k->mem, 0, sizeof(k->mem));
	uint32_t n = put_l4(p + 40, proto == 58 ? 1 : proto, 128, sport, dport, flags);
	put_ip6(p, 0, 0, (uint16_t)n, proto, 64, src6, dst6);
	l4_set(6, p + 8, p + 24, proto, p + 40, n);
	pk_ready(k, 6, 40 + n);
}

/* IPv4 from src4#sport to dst4#dport; proto 1: ICMP echo reply (type 0) with id dport. */
void mk4(struct pk *k, uint8_t proto, uint32_t src4, uint16_t sport, uint32_t dst4, uint16_t dport,
	 uint8_t flags)
{
	uint8_t *p = k->mem + HEADROOM;

	memset(k->mem, 0, sizeof(k->mem));
	uint32_t n = put_l4(p + 20, proto, 0, sport, dport, flags);
	if (proto == 1)
		wr16(p + 24, dport);
	put_ip4(p, 20, 0, (uint16_t)(20 + n), 0x4321, 0x4000, 64, proto, (const uint8_t *)&src4,
		(const uint8_t *)&dst4);
	l4_set(4, p + 12, p + 16, proto, p + 20, n);
	pk_ready(k, 4, 20 + n);
}

enum xlat_verdict run(struct pk *k)
{
	return xlat_process(&ctx, &k->p);
}

/* Check the translated IPv4 datagram's checksums; return its L4 header. */
const uint8_t *o4(const struct pk *k)
{
	const uint8_t *p = k->p.data;

	assert_int_equal(k->p.family, 4);
	assert_int_equal(p[0] >> 4, 4);
	if (!ip4_hdr_ok(p))
		fail_msg("bad IPv4 header checksum");
	uint32_t n = k->p.len - 20;
	uint16_t want = l4_want(4, p + 12, p + 16, p[9], p + 20, n), got = rd16(p + 20 + csum_off(p[9]));
	if (oc_norm(want) != oc_norm(got))
		fail_msg("IPv4 L4 (%u) checksum %04x, want %04x", p[9], got, want);
	return p + 20;
}

const uint8_t *o6(const struct pk *k)
{
	const uint8_t *p = k->p.data;

	assert_int_equal(k->p.family, 6);
	assert_int_equal(p[0] >> 4, 6);
	uint32_t n = k->p.len - 40;
	uint16_t want = l4_want(6, p + 8, p + 24, p[6], p + 40, n), got = rd16(p + 40 + csum_off(p[6]));
	if (p[6] == 17 ? want != got : oc_norm(want) != oc_norm(got))
		fail_msg("IPv6 L4 (%u) checksum %04x, want %04x", p[6], got, want);
	return p + 40;
}

uint32_t o4_src(const struct pk *k)
{
	return ld32(k->p.data + 12);
}

uint32_t o4_dst(const struct pk *k)
{
	return ld32(k->p.data + 16);
}

/* Send a 6->4 packet that must be translated; its IPv4 source transport address. */
void fwd64(uint8_t proto, const uint8_t *src6, uint16_t sport, const char *dst4, uint16_t dport, uint8_t flags,
	   uint32_t *a4, uint16_t *port4)
{
	struct pk k;

	mk6(&k, proto, src6, sport, p6(dst4), dport, flags);
	enum xlat_verdict v = run(&k);
	if (v != XV_FORWARD)
		fail_msg("6->4 proto %u %s#%u -> %s#%u flags %02x: verdict %d", proto, str6(src6), sport, dst4, dport,
			 flags, v);
	const uint8_t *l4 = o4(&k);
	assert_addr4(o4_dst(&k), be4(dst4));
	if (proto == 58) {
		assert_int_equal(l4[0], 8);
		*port4 = rd16(l4 + 4);
	} else {
		*port4 = rd16(l4);
		assert_int_equal(rd16(l4 + 2), dport);
		if (proto == 6)
			assert_int_equal(l4[13], flags);
	}
	*a4 = o4_src(&k);
}

/* Send a 4->6 packet that must be translated to dst6#dport6, from 64:ff9b::src4#sport. */
void fwd46(uint8_t proto, const char *src4, uint16_t sport, uint32_t a4, uint16_t port4, uint8_t flags,
	   const uint8_t *dst6, uint16_t dport6)
{
	struct pk k;

	mk4(&k, proto, be4(src4), sport, a4, port4, flags);
	enum xlat_verdict v = run(&k);
	if (v != XV_FORWARD)
		fail_msg("4->6 proto %u %s#%u -> %s#%u flags %02x: verdict %d", proto, src4, sport, str4(a4), port4,
			 flags, v);
	const uint8_t *l4 = o6(&k);
	assert_addr6(k.p.data + 8, p6(src4));
	assert_addr6(k.p.data + 24, dst6);
	if (proto == 1) {
		assert_int_equal(l4[0], 129);
		assert_int_equal(rd16(l4 + 4), dport6);
	} else {
		assert_int_equal(rd16(l4), sport);
		assert_int_equal(rd16(l4 + 2), dport6);
	}
}

/* ------------------------------------------------------------------------ */
/* Table-level helpers                                                      */
/* ------------------------------------------------------------------------ */

int out6(uint8_t proto, const uint8_t *a6, uint16_t sport, const char *d4, uint16_t dport, uint8_t flags,
	 uint32_t *a4, uint16_t *p4)
{
	return nat64_out(&ctx, proto, a6, sport, be4(d4), dport, flags, a4, p4);
}

int in4(uint8_t proto, const char *s4, uint16_t sport, uint32_t d4, uint16_t dport, uint8_t flags,
	uint8_t a6[16], uint16_t *port6)
{
	return nat64_in(&ctx, proto, be4(s4), sport, d4, dport, flags, a6, port6);
}

/* The session of (proto, a6#port6, remote4), if any. */
bool sess(uint8_t proto, const uint8_t *a6, uint16_t port6, const char *remote4,
	  struct nat64_session_info *out)
{
	uint32_t pos = 0;
	struct nat64_session_info si;

	while ((pos = nat64_session_next(tab, pos, &si)) != 0) {
		if (si.proto == proto && si.port6 == port6 && memcmp(si.addr6, a6, 16) == 0 &&
		    si.remote4 == be4(remote4)) {
			if (out)
				*out = si;
			return true;
		}
	}
	return false;
}

uint8_t sess_state(uint8_t proto, const uint8_t *a6, uint16_t port6, const char *remote4)
{
	struct nat64_session_info si = { 0 }; /* fail_msg() does not return, which the compiler cannot see */

	if (!sess(proto, a6, port6, remote4, &si))
		fail_msg("no session for port %u to %s", port6, remote4);
	return si.state;
}

uint64_t sess_expires(uint8_t proto, const uint8_t *a6, uint16_t port6, const char *remote4)
{
	struct nat64_session_info si = { 0 }; /* fail_msg() does not return, which the compiler cannot see */

	if (!sess(proto, a6, port6, remote4, &si))
		fail_msg("no session for port %u to %s", port6, remote4);
	return si.expires_ms;
}

/* The NAT64 options in force (timeouts and switches). */
const struct nat64_globals *G(void)
{
	return &cfg.g.nat;
}

/* v6 SYN, v4 SYN-ACK, v6 ACK; returns the mapping. */
void handshake6(const uint8_t *a6, uint16_t port6, const char *srv, uint16_t sport, uint32_t *a4, uint16_t *p4)
{
	fwd64(6, a6, port6, srv, sport, SYN, a4, p4);
	fwd46(6, srv, sport, *a4, *p4, SYN | ACK, a6, port6);
	fwd64(6, a6, port6, srv, sport, ACK, a4, p4);
}
