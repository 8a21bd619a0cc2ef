/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * NAT64 across workers, lib's half (lib/nat64_owner.c, lib/nat64_hairpin.c):
 * which worker owns a packet's flow, which IPv4 packets to an address NAT64
 * shares with the box are NAT64's, and the hairpin re-entry (RFC 6146 3.8).
 * The dataplane (dataplane/worker.c) only moves the packets these answers
 * send somewhere; what they are is tested here, packet by packet.
 *
 * The design these tests hold lib to: a flow is owned by a pure function of
 * its packets, the same for both directions: IPv6 by source address (a hash),
 * IPv4 by the pool4 port it is sent to (port pair q = port / 2 belongs to
 * worker q % n), a static BIB entry by its IPv6 side, an ICMP error by the
 * packet it quotes, a later IPv4 fragment by where its first fragment went.
 *
 * Configuration: pool6 64:ff9b::/96; pool4 192.0.2.1/32 ports 2000-2003
 * (TCP, UDP, ICMP identifiers); static BIB UDP [2001:db8:6::5]#53 <->
 * 192.0.2.1#53 and ICMP [2001:db8:6::5]#77 <-> 192.0.2.1#77. IPv6 hosts A,
 * B; IPv4 server S.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_memory.h>

#include "bytes.h"
#include "nat64.h"
#include "pktbuild.h"
#include "stats.h"
#include "xlat.h"

#define BUFSZ 2048
#define HEADROOM 128

#define A ip6("2001:db8:6::a")
#define B ip6("2001:db8:6::b")
#define STATIC6 ip6("2001:db8:6::5")
#define S "198.51.100.2"
#define POOL "192.0.2.1"

static struct xlat_config cfg;
static uint64_t ctr[XSTAT_MAX];
static struct xlat_ctx ctx;
static struct nat64_table *tab;
static unsigned tab_seq;

/* ------------------------------------------------------------------------ */
/* Fixture                                                                  */
/* ------------------------------------------------------------------------ */

static int route_cb(void *opaque, int family, const uint8_t *dst, struct xlat_route *out)
{
	(void)opaque;
	(void)dst;
	memset(out, 0, sizeof(*out));
	out->mtu = 1500;
	out->nexthop = (uint32_t)family;
	return 0;
}

static struct nat64_table *mktable(unsigned worker, unsigned n)
{
	char name[24];
	struct nat64_table *t;

	snprintf(name, sizeof(name), "to%u_", tab_seq++);
	t = nat64_table_create(name, 1024, worker, n, SOCKET_ID_ANY);
	if (!t)
		fail_msg("nat64_table_create(%u/%u) failed", worker, n);
	return t;
}

static void use_table(struct nat64_table *t)
{
	if (tab)
		nat64_table_free(tab);
	tab = t;
	ctx.nat = t;
}

static void pool_add(uint8_t proto, uint16_t lo, uint16_t hi)
{
	struct pool4_entry *e = &cfg.pool4[cfg.n_pool4++];

	memset(e, 0, sizeof(*e));
	e->proto = proto;
	e->addr = be4(POOL);
	e->plen = 32;
	e->port_min = lo;
	e->port_max = hi;
}

static void static_add(uint8_t proto, uint16_t port)
{
	struct bib_static *b = &cfg.bib[cfg.n_bib++];

	b->proto = proto;
	memcpy(b->addr6, STATIC6, 16);
	b->port6 = port;
	b->addr4 = be4(POOL);
	b->port4 = port;
}

static int setup(void **state)
{
	(void)state;
	xlat_config_init(&cfg, XLAT_MODE_NAT64);
	cfg.g.pool6_set = true;
	memcpy(cfg.g.pool6.addr, ip6("64:ff9b::"), 16);
	cfg.g.pool6.len = 96;
	pool_add(6, 2000, 2003);
	pool_add(17, 2000, 2003);
	pool_add(1, 2000, 2003);
	static_add(17, 53);
	static_add(1, 77);
	memset(ctr, 0, sizeof(ctr));
	memset(&ctx, 0, sizeof(ctx));
	ctx.cfg = &cfg;
	ctx.counters = ctr;
	ctx.route = route_cb;
	ctx.rand_state = 0x2545f491;
	ctx.in_mtu = 1500;
	ctx.now_ns = 1000ull * 1000000ull;
	use_table(mktable(0, 1));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	use_table(NULL);
	return 0;
}

/* pool6 (64:ff9b::/96) form of an IPv4 address */
static const uint8_t *p6(const char *v4)
{
	static uint8_t ring[8][16];
	static unsigned i;
	uint8_t *a = ring[i++ % 8];
	uint32_t x = be4(v4);

	memcpy(a, ip6("64:ff9b::"), 16);
	memcpy(a + 12, &x, 4);
	return a;
}

/* ------------------------------------------------------------------------ */
/* Packets (no L2 header; checksums right, from pktbuild's reference)       */
/* ------------------------------------------------------------------------ */

struct pk {
	uint8_t mem[BUFSZ];
	uint8_t *ip;
	uint32_t len;
};

/* TCP/UDP ports, or an ICMP(v6) message of type icmp with identifier sport. 16 bytes of payload. */
static uint32_t put_l4(uint8_t *l4, uint8_t proto, uint8_t icmp, uint16_t sport, uint16_t dport)
{
	if (proto == 6) {
		memset(l4, 0, 20);
		wr16(l4, sport);
		wr16(l4 + 2, dport);
		l4[12] = 0x50;
		l4[13] = 0x02; /* SYN */
		fill(l4 + 20, 16);
		return 36;
	}
	if (proto == 17) {
		wr16(l4, sport);
		wr16(l4 + 2, dport);
		wr16(l4 + 4, 24);
		wr16(l4 + 6, 0);
		fill(l4 + 8, 16);
		return 24;
	}
	l4[0] = icmp;
	l4[1] = 0;
	wr16(l4 + 2, 0);
	wr16(l4 + 4, sport);
	wr16(l4 + 6, 1);
	fill(l4 + 8, 16);
	return 24;
}

/* IPv6, src6#sport -> dst6#dport; proto 58: an ICMPv6 message of type icmp, id sport. */
static void mk6(struct pk *k, uint8_t proto, uint8_t icmp, const uint8_t *src6, uint16_t sport, const uint8_t *dst6,
		uint16_t dport)
{
	memset(k->mem, 0, sizeof(k->mem));
	k->ip = k->mem + HEADROOM;
	uint32_t n = put_l4(k->ip + 40, proto, icmp, sport, dport);
	put_ip6(k->ip, 0, 0, (uint16_t)n, proto, 64, src6, dst6);
	l4_set(6, k->ip + 8, k->ip + 24, proto, k->ip + 40, n);
	k->len = 40 + n;
}

/* IPv4, src4#sport -> dst4#dport (frag: the flags and offset field); proto 1: an ICMP type icmp, id sport. */
static void mk4(struct pk *k, uint8_t proto, uint8_t icmp, const char *src4, uint16_t sport, const char *dst4,
		uint16_t dport, uint16_t frag)
{
	memset(k->mem, 0, sizeof(k->mem));
	k->ip = k->mem + HEADROOM;
	uint32_t n = put_l4(k->ip + 20, proto, icmp, sport, dport);
	put_ip4(k->ip, 20, 0, (uint16_t)(20 + n), 0x4242, frag, 64, proto, ip4(src4), ip4(dst4));
	l4_set(4, k->ip + 12, k->ip + 16, proto, k->ip + 20, n);
	k->len = 20 + n;
}

/* An ICMPv4 error (type 3) from router r4 to dst4 quoting q (its first qlen bytes). */
static void mk4_err(struct pk *k, const char *r4, const char *dst4, const struct pk *q, uint32_t qlen)
{
	uint8_t quote[BUFSZ];

	memcpy(quote, q->ip, qlen);
	memset(k->mem, 0, sizeof(k->mem));
	k->ip = k->mem + HEADROOM;
	uint8_t *icmp = k->ip + 20;
	icmp[0] = 3;
	icmp[1] = 3;
	memcpy(icmp + 8, quote, qlen);
	put_ip4(k->ip, 20, 0, (uint16_t)(28 + qlen), 1, 0, 64, 1, ip4(r4), ip4(dst4));
	l4_set(4, k->ip + 12, k->ip + 16, 1, icmp, 8 + qlen);
	k->len = 28 + qlen;
}

/* An ICMPv6 error (type 1) from src6 to dst6 quoting q. */
static void mk6_err(struct pk *k, const uint8_t *src6, const uint8_t *dst6, const struct pk *q)
{
	uint8_t quote[BUFSZ];
	uint32_t qlen = q->len;

	memcpy(quote, q->ip, qlen);
	memset(k->mem, 0, sizeof(k->mem));
	k->ip = k->mem + HEADROOM;
	uint8_t *icmp = k->ip + 40;
	icmp[0] = 1;
	icmp[1] = 4;
	memcpy(icmp + 8, quote, qlen);
	put_ip6(k->ip, 0, 0, (uint16_t)(8 + qlen), 58, 64, src6, dst6);
	l4_set(6, k->ip + 8, k->ip + 24, 58, icmp, 8 + qlen);
	k->len = 48 + qlen;
}

static unsigned owner(const struct pk *k, int family, unsigned n)
{
	return nat64_owner(&ctx, k->ip, k->len, family, n);
}

/* ------------------------------------------------------------------------ */
/* Ownership, IPv6 side                                                     */
/* ------------------------------------------------------------------------ */

/* Every flow of one IPv6 source on one worker: endpoint-independent mapping and paired pooling need it. */
static void t_owner6_by_source(void **state)
{
	(void)state;
	struct pk k;
	static const uint8_t protos[] = { 6, 17, 58 };

	for (unsigned n = 1; n <= 4; n++) {
		for (unsigned i = 0; i < 3; i++) {
			mk6(&k, protos[i], 128, A, 1000, p6(S), 53);
			assert_int_equal(owner(&k, 6, n), nat64_owner6(&cfg, A, n));
			mk6(&k, protos[i], 128, A, 4000, p6("203.0.113.7"), 80);
			assert_int_equal(owner(&k, 6, n), nat64_owner6(&cfg, A, n));
		}
		if (n == 1)
			assert_int_equal(owner(&k, 6, n), 0);
	}
	/* the hash spreads sources over the workers (here: some two of a few land apart) */
	bool apart = false;
	for (unsigned i = 0; i < 16 && !apart; i++) {
		uint8_t a[16];
		memcpy(a, A, 16);
		a[15] = (uint8_t)i;
		apart = nat64_owner6(&cfg, a, 4) != nat64_owner6(&cfg, A, 4);
	}
	assert_true(apart);
}

/* RFC 6146 3.5.3 via 3.4: an ICMPv6 error belongs to the flow of the packet it quotes, which went to a host. */
static void t_owner6_error_by_quote(void **state)
{
	(void)state;
	struct pk q, k;

	/* the quote: what NAT64 sent to A, from S's pool6 form */
	mk6(&q, 17, 0, p6(S), 53, A, 2000);
	mk6_err(&k, ip6("2001:db8:ffff::1"), p6(S), &q);
	for (unsigned n = 2; n <= 4; n++)
		assert_int_equal(owner(&k, 6, n), nat64_owner6(&cfg, A, n));
	/* informational ICMPv6 is the flow of its source */
	mk6(&k, 58, 128, B, 9, p6(S), 0);
	assert_int_equal(owner(&k, 6, 4), nat64_owner6(&cfg, B, 4));
	/* an error too short to hold a whole quoted header: by its own source (the translator drops it) */
	mk6_err(&k, B, p6(S), &q);
	k.len = 40 + 8 + 39;
	assert_int_equal(owner(&k, 6, 4), nat64_owner6(&cfg, B, 4));
}

/* ------------------------------------------------------------------------ */
/* Ownership, IPv4 side                                                     */
/* ------------------------------------------------------------------------ */

/* Port pair q = port / 2 is worker q % n's: each worker allocates only from its own pairs (RFC 4787 parity kept). */
static void t_owner4_by_pool4_port(void **state)
{
	(void)state;
	struct pk k;

	for (uint16_t port = 2000; port <= 2003; port++) {
		mk4(&k, 17, 0, S, 53, POOL, port, 0);
		assert_int_equal(owner(&k, 4, 2), (port / 2u) % 2);
		assert_int_equal(owner(&k, 4, 2), nat64_owner4(&cfg, 17, be4(POOL), port, 2));
		mk4(&k, 6, 0, S, 80, POOL, port, 0);
		assert_int_equal(owner(&k, 4, 3), nat64_owner4(&cfg, 6, be4(POOL), port, 3));
		/* an echo reply: by its identifier */
		mk4(&k, 1, 0, S, port, POOL, 0, 0);
		assert_int_equal(owner(&k, 4, 2), (port / 2u) % 2);
	}
	/* a static BIB entry's flows live with its IPv6 side's owner */
	mk4(&k, 17, 0, S, 5353, POOL, 53, 0);
	assert_int_equal(owner(&k, 4, 4), nat64_owner6(&cfg, STATIC6, 4));
	mk4(&k, 1, 8, S, 77, POOL, 0, 0);
	assert_int_equal(owner(&k, 4, 4), nat64_owner6(&cfg, STATIC6, 4));
	/* one worker owns everything */
	mk4(&k, 17, 0, S, 53, POOL, 2003, 0);
	assert_int_equal(owner(&k, 4, 1), 0);
}

/* An ICMPv4 error: the flow of the packet it quotes, which left from a pool4 address and port. */
static void t_owner4_error_by_quote(void **state)
{
	(void)state;
	struct pk q, k;

	for (uint16_t port = 2000; port <= 2003; port++) {
		mk4(&q, 17, 0, POOL, port, S, 53, 0);
		mk4_err(&k, "203.0.113.1", POOL, &q, q.len);
		assert_int_equal(owner(&k, 4, 2), (port / 2u) % 2);
		/* RFC 792: the quote needs only the IP header and 8 bytes; 6 tell the port or id */
		mk4_err(&k, "203.0.113.1", POOL, &q, 20 + 6);
		assert_int_equal(owner(&k, 4, 2), (port / 2u) % 2);
		/* a quoted echo request: by its identifier */
		mk4(&q, 1, 8, POOL, port, S, 0, 0);
		mk4_err(&k, "203.0.113.1", POOL, &q, q.len);
		assert_int_equal(owner(&k, 4, 2), (port / 2u) % 2);
	}
}

/* What is too short to tell goes to worker 0, whose translator counts and drops it. */
static void t_owner4_too_short(void **state)
{
	(void)state;
	struct pk q, k;

	mk4(&k, 17, 0, S, 53, POOL, 2003, 0);
	k.len = 27;
	assert_int_equal(owner(&k, 4, 2), 0);
	mk4(&k, 17, 0, S, 53, POOL, 2003, 0);
	k.ip[0] = 0x44; /* a header shorter than 20 bytes */
	assert_int_equal(owner(&k, 4, 2), 0);
	mk4(&q, 17, 0, POOL, 2003, S, 53, 0);
	mk4_err(&k, "203.0.113.1", POOL, &q, 20 + 5);
	assert_int_equal(owner(&k, 4, 2), 0);
	mk4_err(&k, "203.0.113.1", POOL, &q, 19);
	assert_int_equal(owner(&k, 4, 2), 0);
}

/*
 * Only a datagram's first fragment has ports; the others follow it to the
 * worker it went to (remembered for RFC 6146's 2 s), which tracks the datagram.
 */
static void t_owner4_fragments(void **state)
{
	(void)state;
	struct pk first, later;

	mk4(&first, 17, 0, S, 53, POOL, 2003, 0x2000); /* MF, offset 0 */
	assert_int_equal(owner(&first, 4, 2), 1);
	mk4(&later, 17, 0, S, 0, POOL, 0, 0x0003); /* offset 24 bytes, no ports */
	later.ip[4] = first.ip[4];
	later.ip[5] = first.ip[5];
	ip4_fix_csum(later.ip);
	assert_int_equal(owner(&later, 4, 2), 1);
	/* another datagram (another id): never seen, worker 0 */
	later.ip[5] ^= 1;
	ip4_fix_csum(later.ip);
	assert_int_equal(owner(&later, 4, 2), 0);
	later.ip[5] ^= 1;
	ip4_fix_csum(later.ip);
	/* nat64_owner_ports() is the answer for what is no later fragment, and remembers nothing */
	assert_int_equal(nat64_owner_ports(&cfg, first.ip, first.len, 2), 1);
	/* the memory runs out after 2 s */
	ctx.now_ns += 2001ull * 1000000ull;
	assert_int_equal(owner(&later, 4, 2), 0);
}

/* Both directions of a session meet on one worker: the owner of the IPv6 source allocates from its own pairs. */
static void t_owner_both_directions(void **state)
{
	(void)state;
	const unsigned n = 2;
	uint8_t hosts[8][16];

	for (unsigned h = 0; h < 8; h++) {
		memcpy(hosts[h], A, 16);
		hosts[h][15] = (uint8_t)(0x10 + h);
		unsigned w = nat64_owner6(&cfg, hosts[h], n);
		use_table(mktable(w, n));
		struct pk k;
		mk6(&k, 17, 0, hosts[h], 1000, p6(S), 53);
		struct xlat_pkt p = { .data = k.ip, .len = k.len, .headroom = HEADROOM,
				      .tailroom = BUFSZ - HEADROOM - k.len, .family = 6 };
		assert_int_equal(xlat_process(&ctx, &p), XV_FORWARD);
		uint16_t port4 = rd16(p.data + 20);
		/* S's answer to that pool4 port */
		mk4(&k, 17, 0, S, 53, POOL, port4, 0);
		assert_int_equal(owner(&k, 4, n), w);
	}
}

/* ------------------------------------------------------------------------ */
/* Which IPv4 packets to pool4 are NAT64's (the rest is the box's)          */
/* ------------------------------------------------------------------------ */

static bool claims(const struct pk *k)
{
	return nat64_claims4(&cfg, k->ip, k->len);
}

static void t_claims4(void **state)
{
	(void)state;
	struct pk q, k;

	/* TCP and UDP: pool4's port ranges and static BIB entries; the box's own services otherwise */
	mk4(&k, 17, 0, S, 53, POOL, 2001, 0);
	assert_true(claims(&k));
	mk4(&k, 6, 0, S, 4000, POOL, 2003, 0);
	assert_true(claims(&k));
	mk4(&k, 6, 0, S, 4000, POOL, 22, 0);
	assert_false(claims(&k));
	mk4(&k, 17, 0, S, 4000, POOL, 53, 0); /* the static entry */
	assert_true(claims(&k));
	mk4(&k, 6, 0, S, 4000, POOL, 53, 0); /* the static entry is UDP's */
	assert_false(claims(&k));
	/* echo replies answer queries NAT64 sent; echo requests are the box's to answer, unless a static entry */
	mk4(&k, 1, 0, S, 2002, POOL, 0, 0);
	assert_true(claims(&k));
	mk4(&k, 1, 8, S, 2002, POOL, 0, 0);
	assert_false(claims(&k));
	mk4(&k, 1, 8, S, 77, POOL, 0, 0);
	assert_true(claims(&k));
	/* errors: about a packet that left from a pool4 port */
	mk4(&q, 17, 0, POOL, 2000, S, 53, 0);
	mk4_err(&k, "203.0.113.1", POOL, &q, q.len);
	assert_true(claims(&k));
	mk4(&q, 6, 0, POOL, 22, S, 4000, 0);
	mk4_err(&k, "203.0.113.1", POOL, &q, q.len);
	assert_false(claims(&k));
	mk4_err(&k, "203.0.113.1", POOL, &q, 20 + 5); /* too short to tell: the translator drops it */
	assert_true(claims(&k));
	/* other protocols are the box's */
	mk4(&k, 17, 0, S, 53, POOL, 2001, 0);
	k.ip[9] = 47;
	ip4_fix_csum(k.ip);
	assert_false(claims(&k));
	/* a later fragment has no port to look at; a runt neither */
	mk4(&k, 17, 0, S, 53, POOL, 22, 0x0003);
	assert_true(claims(&k));
	mk4(&k, 17, 0, S, 53, POOL, 22, 0);
	k.len = 27;
	assert_true(claims(&k));
}

/* ------------------------------------------------------------------------ */
/* Hairpinning (RFC 6146 3.8): the decision and the re-entry                */
/* ------------------------------------------------------------------------ */

static void t_hairpin_decision(void **state)
{
	(void)state;
	struct pk k;

	mk4(&k, 17, 0, "192.0.2.1", 2000, POOL, 2001, 0);
	struct xlat_pkt p = { .data = k.ip, .len = k.len, .family = 4 };
	assert_true(nat64_hairpin(&cfg, &p));
	mk4(&k, 17, 0, "192.0.2.1", 2000, S, 53, 0);
	assert_false(nat64_hairpin(&cfg, &p));
	/* IPv6 never hairpins here (it is the IPv6 destination that pool6 maps) */
	mk4(&k, 17, 0, "192.0.2.1", 2000, POOL, 2001, 0);
	p.family = 6;
	assert_false(nat64_hairpin(&cfg, &p));
	/* SIIT does its own (RFC 7757, inside xlat_process()) */
	p.family = 4;
	cfg.mode = XLAT_MODE_SIIT;
	assert_false(nat64_hairpin(&cfg, &p));
	cfg.mode = XLAT_MODE_NAT64;
}

/* The translation took one from the TTL; the trip through the box costs one, so it gets it back. */
static void t_hairpin_reenter(void **state)
{
	(void)state;
	struct pk k, was;

	mk4(&k, 17, 0, "192.0.2.1", 2000, POOL, 2001, 0);
	k.ip[8] = 63;
	ip4_fix_csum(k.ip);
	was = k;
	nat64_hairpin_reenter(k.ip);
	assert_int_equal(k.ip[8], 64);
	assert_true(ip4_hdr_ok(k.ip));
	assert_memory_equal(k.ip + 12, was.ip + 12, k.len - 12);
	/* the largest TTL a translation leaves (255 - 1) */
	k.ip[8] = 254;
	ip4_fix_csum(k.ip);
	nat64_hairpin_reenter(k.ip);
	assert_int_equal(k.ip[8], 255);
	assert_true(ip4_hdr_ok(k.ip));
}

/*
 * B reaches A through A's pool4 transport address, the way the dataplane
 * feeds it: 6->4 (B's session), re-entry, 4->6 (A's BIB entry); A gets it
 * from B's pool4 transport address, its hop limit one less than B sent.
 */
static void t_hairpin_round_trip(void **state)
{
	(void)state;
	struct pk k;
	uint32_t a4;
	uint16_t a_port4;

	/* A's BIB entry, from a flow to S */
	mk6(&k, 17, 0, A, 1000, p6(S), 53);
	struct xlat_pkt p = { .data = k.ip, .len = k.len, .headroom = HEADROOM, .tailroom = BUFSZ - HEADROOM - k.len,
			      .family = 6 };
	assert_int_equal(xlat_process(&ctx, &p), XV_FORWARD);
	a4 = ld32(p.data + 12);
	a_port4 = rd16(p.data + 20);
	/* B to A's pool4 transport address: IPv4 to pool4, which goes back in */
	mk6(&k, 17, 0, B, 3000, p6(str4(a4)), a_port4);
	p = (struct xlat_pkt){ .data = k.ip, .len = k.len, .headroom = HEADROOM, .tailroom = BUFSZ - HEADROOM - k.len,
			       .family = 6 };
	assert_int_equal(xlat_process(&ctx, &p), XV_FORWARD);
	assert_true(nat64_hairpin(&cfg, &p));
	assert_int_equal(p.data[8], 63);
	uint32_t b4 = ld32(p.data + 12);
	uint16_t b_port4 = rd16(p.data + 20);
	nat64_hairpin_reenter(p.data);
	assert_true(ip4_hdr_ok(p.data));
	/* the second pass: to A, from B's pool4 transport address in pool6 form */
	assert_int_equal(xlat_process(&ctx, &p), XV_FORWARD);
	assert_int_equal(p.family, 6);
	assert_false(nat64_hairpin(&cfg, &p));
	assert_memory_equal(p.data + 8, p6(str4(b4)), 16);
	assert_memory_equal(p.data + 24, A, 16);
	assert_int_equal(p.data[7], 63);
	assert_int_equal(rd16(p.data + 40), b_port4);
	assert_int_equal(rd16(p.data + 42), 1000);
	assert_l4_ok(6, p.data + 8, p.data + 24, 17, p.data + 40, p.len - 40);
}

/* ------------------------------------------------------------------------ */

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	char *argv[] = { "test_nat64_owner", "-l", "0", "--no-huge", "-m", "64", "--no-shconf", "--no-pci",
			 "--log-level", "*:error", "--file-prefix", "towner", NULL };
	char prefix[32];

	snprintf(prefix, sizeof(prefix), "towner_%d", (int)getpid());
	argv[11] = prefix;
	if (rte_eal_init(12, argv) < 0) {
		fprintf(stderr, "rte_eal_init failed\n");
		return 1;
	}
	const struct CMUnitTest tests[] = {
		T(t_owner6_by_source),
		T(t_owner6_error_by_quote),
		T(t_owner4_by_pool4_port),
		T(t_owner4_error_by_quote),
		T(t_owner4_too_short),
		T(t_owner4_fragments),
		T(t_owner_both_directions),
		T(t_claims4),
		T(t_hairpin_decision),
		T(t_hairpin_reenter),
		T(t_hairpin_round_trip),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	rte_eal_cleanup();
	return rc;
}
