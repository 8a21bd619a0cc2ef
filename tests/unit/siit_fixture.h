/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The fixture of the RFC 7915 (SIIT) rule tests, test_xlat*.c: one test or
 * more per rule, driven through xlat_process() on packets built byte by byte
 * (the builders are here). Expected values come from the RFC text (RFC 7915,
 * RFC 6052, RFC 7757, RFC 6791, RFC 4443, RFC 792/1191/1812, RFC 8200); where the RFCs leave a choice, from Jool's
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
#ifndef SIIT_FIXTURE_H
#define SIIT_FIXTURE_H

#include <stdbool.h>
#include <stdint.h>

#include "pktbuild.h" /* ip6(), ip4() of the addresses below */
#include "stats.h"
#include "xlat.h"

/* The dataplane's buffer layout: 2048-byte buffers, data at offset 128. */
#define BUFSZ 2048
#define HEADROOM 128

#define N6 ip6("2001:db8:1c0:2:21::")      /* IPv6 host; 192.0.2.33 through pool6 */
#define N4_6 ip6("2001:db8:1c6:3364:2::")  /* 198.51.100.2 through pool6 */
#define N4 ip4("198.51.100.2")             /* IPv4 host */
#define N6_4 ip4("192.0.2.33")
#define SELF6 ip6("2001:db8:1c0:2:1::")    /* the translator's addresses */
#define SELF4 ip4("198.51.100.1")

#define IPV4_DF 0x4000
#define IPV4_MF 0x2000

/* route_cb()'s answers (the MTUs, failure, a self address) and what it was asked. */
struct fake_route {
	uint16_t mtu4, mtu6;
	bool fail;
	bool self;
	unsigned calls;
	unsigned calls4, calls6;
	int family; /* of the last call */
	uint8_t dst[16];
};

/* An ICMP error's type and code, and what they translate to (the ICMP error tests' tables). */
struct icmp_case {
	uint8_t type, code;
	int out_type, out_code; /* -1: dropped */
};

/* The packet goes in at IN (mem + HEADROOM); xlat_process() leaves it at OUT. */
#define IN (mem + HEADROOM)
#define OUT (pkt.data)

/* Checks of addresses (fail_msg with both as text). */
void assert_addr6(const uint8_t *got, const char *want);
void assert_addr4(const uint8_t *got, const char *want);

/* Packet builders: L4 headers; whole datagrams (b6_*, b4_*) at p, their length returned; ICMP errors
 * quoting a datagram (wrap*, b*_err*); fragments (b*_frag). */
void put_udp(uint8_t *u, uint32_t n);
void put_tcp(uint8_t *t, uint32_t n);
void put_icmp(uint8_t *m, uint8_t type, uint8_t code, uint32_t rest);
uint32_t b6_udp(uint8_t *p, const uint8_t *src, const uint8_t *dst, uint32_t n);
uint32_t b6_tcp(uint8_t *p, const uint8_t *src, const uint8_t *dst, uint32_t n);
uint32_t b6_icmp(uint8_t *p, const uint8_t *src, const uint8_t *dst, uint8_t type, uint32_t n);
uint32_t b4_udp(uint8_t *p, const uint8_t *src, const uint8_t *dst, uint32_t n, uint16_t frag);
uint32_t b4_tcp(uint8_t *p, const uint8_t *src, const uint8_t *dst, uint32_t n);
uint32_t b4_icmp(uint8_t *p, const uint8_t *src, const uint8_t *dst, uint8_t type, uint32_t n);
uint32_t wrap6_err(uint8_t *p, const uint8_t *src, const uint8_t *dst, uint8_t type, uint8_t code, uint32_t rest,
		   const uint8_t *inner, uint32_t ilen);
uint32_t wrap4_err(uint8_t *p, const uint8_t *src, const uint8_t *dst, uint8_t type, uint8_t code, uint32_t rest,
		   const uint8_t *inner, uint32_t ilen);
uint32_t b6_err_in(uint8_t *p, const uint8_t *src, const uint8_t *dst, const uint8_t *isrc,
		   const uint8_t *idst, uint8_t type, uint8_t code, uint32_t rest, uint32_t n, uint32_t q);
uint32_t b4_err_in(uint8_t *p, const uint8_t *src, const uint8_t *dst, const uint8_t *isrc,
		   const uint8_t *idst, uint8_t type, uint8_t code, uint32_t rest, uint32_t n, uint32_t q);
uint32_t b6_err(uint8_t *p, const uint8_t *src, const uint8_t *dst, uint8_t type, uint8_t code, uint32_t rest,
		uint32_t n, uint32_t q);
uint32_t b4_err(uint8_t *p, const uint8_t *src, const uint8_t *dst, uint8_t type, uint8_t code, uint32_t rest,
		uint32_t n, uint32_t q);
void fix_err6(uint8_t *p, uint32_t len);
void fix_err4(uint8_t *p, uint32_t len);
uint32_t b6_frag(uint8_t *p, const uint8_t *src, const uint8_t *dst, uint8_t nh, uint16_t off8, bool mf,
		 uint32_t id, const uint8_t *data, uint32_t n);
uint32_t b4_frag(uint8_t *p, const uint8_t *src, const uint8_t *dst, uint8_t proto, uint16_t frag, uint16_t id,
		 const uint8_t *data, uint32_t n);

/* The fixture: one configuration, its counters and context, the fake route, the packet buffer. */
extern struct xlat_config cfg;
extern uint64_t ctr[XSTAT_MAX];
extern struct xlat_ctx ctx;
extern struct fake_route fr;
extern uint8_t mem[BUFSZ];
extern struct xlat_pkt pkt;

/* reset(): the baseline configuration (setup() for each test); run(): xlat_process() on IN;
 * assert_...() and chk_...(): the verdict, the counter of a drop, the IP headers, the route asked. */
int route_cb(void *opaque, int family, const uint8_t *dst, struct xlat_route *out);
void eam(const char *s6, const char *s4);
void set_pool6(const char *s);
void reset(void);
int setup(void **state);
enum xlat_verdict run_at(struct xlat_pkt *k, uint8_t *base, uint32_t bufsz, uint32_t len, int family);
enum xlat_verdict run(int family, uint32_t len);
uint64_t others(void);
void assert_drop(enum xlat_verdict v, enum xlat_stat why);
void assert_verdict(enum xlat_verdict v, enum xlat_verdict want);
void chk_ip4(const uint8_t *o, uint32_t len, const uint8_t *src, const uint8_t *dst, uint8_t proto, int ttl);
void chk_ip6(const uint8_t *o, uint32_t len, const uint8_t *src, const uint8_t *dst, uint8_t nh, int hlim);
void assert_route(int family, const uint8_t *dst);

#endif
