/* SPDX-License-Identifier: BSD-3-Clause */
/* See pktbuild.h. Nothing from lib/ is used here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <string.h>

#include "pktbuild.h"

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* ---- reference checksum ---- */

uint32_t ref_add(uint32_t acc, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		acc += (i & 1) ? p[i] : (uint32_t)p[i] << 8;
	return acc;
}

uint16_t ref_fold(uint32_t acc)
{
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return (uint16_t)acc;
}

uint16_t oc_norm(uint16_t v)
{
	return v == 0xffff ? 0 : v;
}

uint16_t oc_add(uint16_t a, uint16_t b)
{
	return ref_fold((uint32_t)a + b);
}

uint32_t ref_ph4(const uint8_t *src, const uint8_t *dst, uint8_t proto, uint32_t len)
{
	uint8_t b[12];

	memcpy(b, src, 4);
	memcpy(b + 4, dst, 4);
	b[8] = 0;
	b[9] = proto;
	put16(b + 10, (uint16_t)len);
	return ref_add(0, b, 12);
}

uint32_t ref_ph6(const uint8_t *src, const uint8_t *dst, uint8_t nh, uint32_t len)
{
	uint8_t b[40];

	memcpy(b, src, 16);
	memcpy(b + 16, dst, 16);
	put32(b + 32, len);
	b[36] = b[37] = b[38] = 0;
	b[39] = nh;
	return ref_add(0, b, 40);
}

unsigned csum_off(uint8_t proto)
{
	switch (proto) {
	case 17:
		return 6;
	case 6:
		return 16;
	default: /* ICMP, ICMPv6 */
		return 2;
	}
}

uint16_t l4_want(int fam, const uint8_t *src, const uint8_t *dst, uint8_t proto, const uint8_t *l4, uint32_t len)
{
	static uint8_t tmp[65536];
	unsigned off = csum_off(proto);
	uint32_t acc = 0;

	memcpy(tmp, l4, len);
	tmp[off] = tmp[off + 1] = 0;
	if (fam == 6)
		acc = ref_ph6(src, dst, proto, len);
	else if (proto != 1)
		acc = ref_ph4(src, dst, proto, len);
	uint16_t c = (uint16_t)~ref_fold(ref_add(acc, tmp, len));
	if (proto == 17 && c == 0)
		c = 0xffff;
	return c;
}

void l4_set(int fam, const uint8_t *src, const uint8_t *dst, uint8_t proto, uint8_t *l4, uint32_t len)
{
	put16(l4 + csum_off(proto), l4_want(fam, src, dst, proto, l4, len));
}

void assert_l4_ok(int fam, const uint8_t *src, const uint8_t *dst, uint8_t proto, const uint8_t *l4, uint32_t len)
{
	unsigned off = csum_off(proto);
	uint16_t want = l4_want(fam, src, dst, proto, l4, len), got = (uint16_t)(l4[off] << 8 | l4[off + 1]);

	if (proto == 17 ? got != want : oc_norm(got) != oc_norm(want))
		fail_msg("L4 checksum of protocol %u over %u bytes: got %04x, want %04x", proto, len, got, want);
}

bool ip4_hdr_ok(const uint8_t *p)
{
	return ref_fold(ref_add(0, p, (p[0] & 0xfu) * 4u)) == 0xffff;
}

void ip4_fix_csum(uint8_t *p)
{
	unsigned ihl = (p[0] & 0xfu) * 4u;

	p[10] = p[11] = 0;
	put16(p + 10, (uint16_t)~ref_fold(ref_add(0, p, ihl)));
}

/* ---- addresses ---- */

const uint8_t *ip6(const char *s)
{
	static uint8_t ring[64][16];
	static unsigned i;
	uint8_t *a = ring[i++ % 64];

	if (inet_pton(AF_INET6, s, a) != 1)
		fail_msg("bad IPv6 address %s", s);
	return a;
}

const uint8_t *ip4(const char *s)
{
	static uint8_t ring[64][4];
	static unsigned i;
	uint8_t *a = ring[i++ % 64];

	if (inet_pton(AF_INET, s, a) != 1)
		fail_msg("bad IPv4 address %s", s);
	return a;
}

void ip6_to(const char *s, uint8_t out[16])
{
	memcpy(out, ip6(s), 16);
}

uint32_t be4(const char *s)
{
	uint32_t a;

	memcpy(&a, ip4(s), 4);
	return a;
}

const char *str4(uint32_t a)
{
	static char ring[8][INET_ADDRSTRLEN];
	static unsigned i;
	char *s = ring[i++ % 8];

	inet_ntop(AF_INET, &a, s, INET_ADDRSTRLEN);
	return s;
}

const char *str6(const uint8_t *a)
{
	static char ring[8][INET6_ADDRSTRLEN];
	static unsigned i;
	char *s = ring[i++ % 8];

	inet_ntop(AF_INET6, a, s, INET6_ADDRSTRLEN);
	return s;
}

/* ---- builders ---- */

void fill(uint8_t *p, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		p[i] = (uint8_t)i;
}

void put_ip6(uint8_t *p, uint8_t tc, uint32_t flow, uint16_t plen, uint8_t nh, uint8_t hlim, const uint8_t *src,
	     const uint8_t *dst)
{
	p[0] = (uint8_t)(0x60 | tc >> 4);
	p[1] = (uint8_t)(tc << 4 | ((flow >> 16) & 0xf));
	p[2] = (uint8_t)(flow >> 8);
	p[3] = (uint8_t)flow;
	put16(p + 4, plen);
	p[6] = nh;
	p[7] = hlim;
	memcpy(p + 8, src, 16);
	memcpy(p + 24, dst, 16);
}

void put_ip4(uint8_t *p, unsigned ihl, uint8_t tos, uint16_t totlen, uint16_t id, uint16_t frag, uint8_t ttl,
	     uint8_t proto, const uint8_t *src, const uint8_t *dst)
{
	p[0] = (uint8_t)(0x40 | ihl / 4);
	p[1] = tos;
	put16(p + 2, totlen);
	put16(p + 4, id);
	put16(p + 6, frag);
	p[8] = ttl;
	p[9] = proto;
	memcpy(p + 12, src, 4);
	memcpy(p + 16, dst, 4);
	ip4_fix_csum(p);
}
