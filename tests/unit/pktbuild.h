/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Test scaffolding shared by the RFC 7915 rule tests (siit_fixture.c,
 * test_xlat*.c) and test_nat64.c: a naive reference checksum (RFC 1071 read
 * literally, byte at a time, so that lib/checksum.c is never checked against
 * itself), addresses from text, and IP header builders.
 * Everything here fails the running cmocka test on bad input.
 */
#ifndef PKTBUILD_H
#define PKTBUILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- reference checksum ---- */

uint32_t ref_add(uint32_t acc, const uint8_t *p, size_t n); /* 16-bit big-endian words added to acc */
uint16_t ref_fold(uint32_t acc);                             /* carries folded back in */
uint16_t oc_norm(uint16_t v);                                /* one's complement: 0xffff and 0 are both zero */
uint16_t oc_add(uint16_t a, uint16_t b);
uint32_t ref_ph4(const uint8_t *src, const uint8_t *dst, uint8_t proto, uint32_t len); /* RFC 768 */
uint32_t ref_ph6(const uint8_t *src, const uint8_t *dst, uint8_t nh, uint32_t len);    /* RFC 8200 8.1 */
unsigned csum_off(uint8_t proto); /* offset of the checksum in a UDP (17), TCP (6) or ICMP header */

/*
 * What the L4 checksum field of len bytes at l4 must hold: fam 6 uses the
 * RFC 8200 pseudo-header, fam 4 the RFC 768 one (none for ICMPv4, RFC 792).
 * A UDP result of zero is sent as all ones (RFC 768).
 */
uint16_t l4_want(int fam, const uint8_t *src, const uint8_t *dst, uint8_t proto, const uint8_t *l4, uint32_t len);
void l4_set(int fam, const uint8_t *src, const uint8_t *dst, uint8_t proto, uint8_t *l4, uint32_t len);
/* Fails the test unless the field holds l4_want (UDP exactly, others in one's complement). */
void assert_l4_ok(int fam, const uint8_t *src, const uint8_t *dst, uint8_t proto, const uint8_t *l4, uint32_t len);
bool ip4_hdr_ok(const uint8_t *p);
void ip4_fix_csum(uint8_t *p);

/* ---- addresses from text: pointers into rings, valid for a while ---- */

const uint8_t *ip6(const char *s);
const uint8_t *ip4(const char *s);
uint32_t be4(const char *s); /* network order */
void ip6_to(const char *s, uint8_t out[16]);
const char *str4(uint32_t a);
const char *str6(const uint8_t *a);

/* ---- builders ---- */

void fill(uint8_t *p, uint32_t n); /* 00 01 02 ... */
void put_ip6(uint8_t *p, uint8_t tc, uint32_t flow, uint16_t plen, uint8_t nh, uint8_t hlim, const uint8_t *src,
	     const uint8_t *dst);
/* Options, if any, must already be at p + 20; computes the header checksum. */
void put_ip4(uint8_t *p, unsigned ihl, uint8_t tos, uint16_t totlen, uint16_t id, uint16_t frag, uint8_t ttl,
	     uint8_t proto, const uint8_t *src, const uint8_t *dst);

#endif
