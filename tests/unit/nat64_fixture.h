/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The NAT64 fixture that test_nat64*.c and test_nat64_owner.c share
 * (nat64_fixture.c). Configuration (setup()): pool6 64:ff9b::/96; pool4
 * 192.0.2.1/32 ports 61001-65535 (TCP, UDP, ICMP); IPv6 hosts A =
 * 2001:db8:6::a, B = 2001:db8:6::b; IPv4 servers S1 = 198.51.100.2, S2 =
 * 198.51.100.3. One worker's table (tab, ctx.nat), made with mktable().
 */
#ifndef NAT64_FIXTURE_H
#define NAT64_FIXTURE_H

#include <stdbool.h>
#include <stdint.h>

/* before A and B below: with -march on a CPU with AVX512-FP16, clang's avx512fp16intrin.h (through DPDK's
 * rte_vect.h, which nat64_db.h and others pull in after this header) names its parameters A and B */
#include <rte_vect.h>

#include "nat64.h"
#include "pktbuild.h"
#include "stats.h"
#include "xlat.h"

#define BUFSZ 2048
#define HEADROOM 128
#define MS 1000000ull /* ns */
#define SEC (1000ull * MS)

#define A ip6("2001:db8:6::a")
#define B ip6("2001:db8:6::b")
#define S1 "198.51.100.2"
#define S2 "198.51.100.3"
#define POOL "192.0.2.1"
#define SELF6 ip6("2001:db8:6::1")
#define SELF4 "198.51.100.1"

extern struct xlat_config cfg;
extern uint64_t ctr[XSTAT_MAX];
extern struct xlat_ctx ctx;
extern struct nat64_table *tab;

struct pk {
	uint8_t mem[BUFSZ];
	struct xlat_pkt p;
};

#define PAYLOAD 16

/* pool6 64:ff9b::/96 form of an IPv4 address */
const uint8_t *p6(const char *v4);
void assert_addr6(const uint8_t *got, const uint8_t *want);
void assert_addr4(uint32_t got, uint32_t want);
int route_cb(void *opaque, int family, const uint8_t *dst, struct xlat_route *out);
struct nat64_table *mktable(uint32_t max, unsigned worker, unsigned n);
void use_table(struct nat64_table *t);
void pool_clear(void);
void pool_add(uint8_t proto, const char *prefix, uint8_t plen, uint16_t lo, uint16_t hi);
void bib_add_static(uint8_t proto, const uint8_t *a6, uint16_t port6, const char *a4, uint16_t port4);
void now_ms(uint64_t ms);
int setup(void **state);
int teardown(void **state);
/* L4 header + PAYLOAD bytes at l4; proto 6, 17 or an ICMP(v6) echo type via icmp_type. Returns its length. */
uint32_t put_l4(uint8_t *l4, uint8_t proto, uint8_t icmp_type, uint16_t sport, uint16_t dport, uint8_t flags);
void pk_ready(struct pk *k, int fam, uint32_t len);
/* IPv6 from src6#sport to 64:ff9b::dst4#dport. proto 58: ICMPv6 echo request with id sport. */
void mk6(struct pk *k, uint8_t proto, const uint8_t *src6, uint16_t sport, const uint8_t *dst6, uint16_t dport,
	 uint8_t flags);
/* IPv4 from src4#sport to dst4#dport; proto 1: ICMP echo reply (type 0) with id dport. */
void mk4(struct pk *k, uint8_t proto, uint32_t src4, uint16_t sport, uint32_t dst4, uint16_t dport,
	 uint8_t flags);
enum xlat_verdict run(struct pk *k);
/* Check the translated IPv4 datagram's checksums; return its L4 header. */
const uint8_t *o4(const struct pk *k);
const uint8_t *o6(const struct pk *k);
uint32_t o4_src(const struct pk *k);
uint32_t o4_dst(const struct pk *k);
/* Send a 6->4 packet that must be translated; its IPv4 source transport address. */
void fwd64(uint8_t proto, const uint8_t *src6, uint16_t sport, const char *dst4, uint16_t dport, uint8_t flags,
	   uint32_t *a4, uint16_t *port4);
/* Send a 4->6 packet that must be translated to dst6#dport6, from 64:ff9b::src4#sport. */
void fwd46(uint8_t proto, const char *src4, uint16_t sport, uint32_t a4, uint16_t port4, uint8_t flags,
	   const uint8_t *dst6, uint16_t dport6);

/* TCP flags and directions, as the tests write them (V6: a packet from the IPv6 side). */
#define V6 true
#define V4 false
#define SYN TCPF_SYN
#define FIN TCPF_FIN
#define RST TCPF_RST
#define ACK 0x10

#define OK XLAT_OK

/*
 * A test of an open bug in lib/: skipped (with the reason printed) unless
 * XLAT64_KNOWN_BUGS is set in the environment, so that the suite stays green
 * while the bug is open. Remove the line when the bug is fixed.
 */
#define KNOWN_BUG(why)                                                                       \
	do {                                                                                 \
		if (!getenv("XLAT64_KNOWN_BUGS")) {                                          \
			print_message("known bug, skipped (XLAT64_KNOWN_BUGS=1 runs it): %s\n", \
				      why);                                                  \
			skip();                                                              \
		}                                                                            \
	} while (0)

/* The table API with text addresses; the session of a flow, its state, its expiry. */
int out6(uint8_t proto, const uint8_t *a6, uint16_t sport, const char *d4, uint16_t dport, uint8_t flags,
	 uint32_t *a4, uint16_t *p4);
int in4(uint8_t proto, const char *s4, uint16_t sport, uint32_t d4, uint16_t dport, uint8_t flags,
	uint8_t a6[16], uint16_t *port6);
/* The session of (proto, a6#port6, remote4), if any. */
bool sess(uint8_t proto, const uint8_t *a6, uint16_t port6, const char *remote4,
	  struct nat64_session_info *out);
uint8_t sess_state(uint8_t proto, const uint8_t *a6, uint16_t port6, const char *remote4);
uint64_t sess_expires(uint8_t proto, const uint8_t *a6, uint16_t port6, const char *remote4);
/* The NAT64 options in force (timeouts and switches). */
const struct nat64_globals *G(void);
/* v6 SYN, v4 SYN-ACK, v6 ACK; returns the mapping. */
void handshake6(const uint8_t *a6, uint16_t port6, const char *srv, uint16_t sport, uint32_t *a4, uint16_t *p4);

#endif
