/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Native forwarding (lib/forward.c) on bytes: what a router does to a packet
 * (RFC 1812, RFC 8200, RFC 4443) and the ICMP errors it answers with, byte for
 * byte. Checksums are checked with pktbuild.c's naive reference, never lib's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdbool.h>
#include <string.h>

#include "bytes.h"
#include "forward.h"
#include "pktbuild.h"
#include "stats.h"
#include "xlat.h"
#include "xlat_fixture.h"

#define HEADROOM 128
#define BUFSZ (HEADROOM + 70000)

static struct xlat_config cfg;
static struct xlat_ctx ctx;
static uint64_t ctr[XSTAT_MAX];
static uint8_t mem[BUFSZ], orig[BUFSZ];
static struct xlat_pkt pkt;
static struct fwd_route next; /* what the forwarder's route lookup answers */
static bool no_route;

#define H6 "2001:db8:6::2"
#define FAR6 "2001:db8:f::2"
#define BOX6 "2001:db8:6::1"
#define H4 "198.51.100.2"
#define FAR4 "203.0.113.2"
#define BOX4 "198.51.100.1"

static int fwd_route(void *opaque, int family, const uint8_t *dst, struct fwd_route *out)
{
	(void)opaque;
	(void)family;
	(void)dst;
	if (no_route)
		return -1;
	*out = next;
	return 0;
}

/* ICMP errors go back by this one (the translator's route callback: ports only) */
static int back_route(void *opaque, int family, const uint8_t *dst, struct xlat_route *out)
{
	(void)opaque;
	(void)dst;
	memset(out, 0, sizeof(*out));
	out->mtu = 1500;
	out->nexthop = family == 4 ? 4 : 6;
	return 0;
}

static int setup(void **state)
{
	(void)state;
	xlat_fixture_siit(&cfg);
	cfg.g.icmp_errors_per_sec = 1000;
	xlat_fixture_ctx(&ctx, &cfg, ctr, back_route);
	ctx.now_ns = 5000000000ull;
	ctx.icmp_rl.tokens = 1000;
	memcpy(ctx.in_self6, ip6(BOX6), 16);
	ctx.in_self6_set = true;
	memcpy(&ctx.in_self4, ip4(BOX4), 4);
	ctx.in_self4_set = true;
	memset(&next, 0, sizeof(next));
	next.kind = FWD_VIA_PORT;
	next.r.mtu = 1500;
	next.r.nexthop = 9;
	no_route = false;
	memset(mem, 0x5a, sizeof(mem));
	return 0;
}

static uint8_t *ip(void)
{
	return mem + HEADROOM;
}

static void set_pkt(int family, uint32_t len)
{
	memset(&pkt, 0, sizeof(pkt));
	pkt.data = ip();
	pkt.len = len;
	pkt.headroom = HEADROOM;
	pkt.tailroom = BUFSZ - HEADROOM - len;
	pkt.family = family;
	memcpy(orig, ip(), len);
}

/* UDP from src to dst with n payload bytes (00 01 02 ...), checksum complete. */
static uint32_t udp6(const char *src, const char *dst, uint8_t hlim, uint32_t n)
{
	uint8_t *p = ip(), *u = p + 40;

	put_ip6(p, 0, 0x12345, (uint16_t)(8 + n), 17, hlim, ip6(src), ip6(dst));
	wr16(u, 4000), wr16(u + 2, 5000), wr16(u + 4, (uint16_t)(8 + n)), wr16(u + 6, 0);
	fill(u + 8, n);
	l4_set(6, p + 8, p + 24, 17, u, 8 + n);
	set_pkt(6, 40 + 8 + n);
	return 40 + 8 + n;
}

static uint32_t udp4(const char *src, const char *dst, uint8_t ttl, uint16_t frag, uint32_t n)
{
	uint8_t *p = ip(), *u = p + 20;

	put_ip4(p, 20, 0x10, (uint16_t)(28 + n), 0x4242, frag, ttl, 17, ip4(src), ip4(dst));
	wr16(u, 4000), wr16(u + 2, 5000), wr16(u + 4, (uint16_t)(8 + n)), wr16(u + 6, 0);
	fill(u + 8, n);
	l4_set(4, p + 12, p + 16, 17, u, 8 + n);
	set_pkt(4, 28 + n);
	return 28 + n;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* ---------------------------------------------------------------- forwarded */

static void forward6_decrements_hop_limit(void **state)
{
	(void)state;
	uint32_t len = udp6(H6, FAR6, 64, 100);

	assert_int_equal(fwd_process(&ctx, &pkt, fwd_route, NULL), FV_FORWARD);
	assert_ptr_equal(pkt.data, ip());
	assert_int_equal(pkt.len, len);
	assert_int_equal(ip()[7], 63);
	ip()[7] = 64;
	assert_memory_equal(ip(), orig, len); /* nothing else changed */
	assert_int_equal(pkt.route.nexthop, 9);
	assert_int_equal(pkt.frag_size, 0);
	assert_int_equal(pkt.seg_size, 0);
	assert_int_equal(ctr[XLAT_FWD6], 1);
	assert_int_equal(ctr[JSTAT_SUCCESS], 0); /* not translated */
}

static void forward4_decrements_ttl_rfc1624(void **state)
{
	(void)state;
	/* every TTL, so that the incremental update meets each carry case */
	for (unsigned ttl = 2; ttl <= 255; ttl++) {
		uint32_t len = udp4(H4, FAR4, (uint8_t)ttl, 0x4000, 33);
		assert_int_equal(fwd_process(&ctx, &pkt, fwd_route, NULL), FV_FORWARD);
		assert_int_equal(ip()[8], ttl - 1);
		assert_true(ip4_hdr_ok(ip()));
		uint8_t want[20];
		memcpy(want, orig, 20);
		want[8] = (uint8_t)(ttl - 1);
		ip4_fix_csum(want);
		/* the same bytes as a full recomputation, but for -0 / +0 (both verify) */
		if (get16(want + 10) != 0 && get16(ip() + 10) != 0xffff)
			assert_memory_equal(ip(), want, 20);
		assert_memory_equal(ip() + 20, orig + 20, len - 20);
	}
	assert_int_equal(ctr[XLAT_FWD4], 254);
}

static void forward4_bad_header_checksum_dropped(void **state)
{
	(void)state;
	/* a header checksum must verify before forwarding (RFC 1812 5.2.2) */
	udp4(H4, FAR4, 64, 0, 10);
	ip()[11] ^= 1;
	assert_int_equal(fwd_process(&ctx, &pkt, fwd_route, NULL), FV_DROP);
	assert_int_equal(ctr[XLAT_FWD_HDR], 1);
}

static void forward_trims_l2_padding(void **state)
{
	(void)state;
	uint32_t len = udp4(H4, FAR4, 64, 0, 2); /* 30 bytes: Ethernet pads it to 46 */
	pkt.len = 46;
	assert_int_equal(fwd_process(&ctx, &pkt, fwd_route, NULL), FV_FORWARD);
	assert_int_equal(pkt.len, len);
	len = udp6(H6, FAR6, 64, 0);
	pkt.len += 10;
	assert_int_equal(fwd_process(&ctx, &pkt, fwd_route, NULL), FV_FORWARD);
	assert_int_equal(pkt.len, len);
}

static void forward_finishes_partial_checksum(void **state)
{
	(void)state;
	uint8_t *u = ip() + 40;
	uint32_t len = udp6(H6, FAR6, 64, 200);
	/* CHECKSUM_PARTIAL: the field holds the pseudo-header sum, folded, not complemented */
	uint16_t partial = ref_fold(ref_ph6(ip() + 8, ip() + 24, 17, len - 40));
	wr16(u + 6, partial);
	assert_int_equal(fwd_process(&ctx, &pkt, fwd_route, NULL), FV_FORWARD);
	assert_l4_ok(6, ip() + 8, ip() + 24, 17, u, len - 40);
	assert_int_equal(ctr[XLAT_CSUM_PARTIAL], 1);
	/* a complete checksum is left alone */
	udp4(H4, FAR4, 64, 0, 100);
	uint16_t before = get16(ip() + 26);
	assert_int_equal(fwd_process(&ctx, &pkt, fwd_route, NULL), FV_FORWARD);
	assert_int_equal(get16(ip() + 26), before);
	assert_int_equal(ctr[XLAT_CSUM_PARTIAL], 1);
}

/* ---------------------------------------------------------------- ICMP errors */

/* The error the box sends back: checks its IPv6 header and ICMPv6 header, returns the quoted bytes' length. */
static uint32_t check_err6(uint8_t type, uint8_t code, uint32_t rest, uint32_t quoted_len)
{
	const uint8_t *p = pkt.data, *icmp = p + 40;

	assert_int_equal(pkt.family, 6);
	assert_ptr_equal(p, ip() - 48); /* built in the headroom, in front of the quoted packet */
	assert_int_equal(pkt.len, 48 + quoted_len);
	assert_int_equal(p[0], 0x60);
	assert_int_equal(get16(p + 4), 8 + quoted_len);
	assert_int_equal(p[6], 58);
	assert_int_equal(p[7], 64);
	assert_memory_equal(p + 8, ip6(BOX6), 16); /* from the port it came in on */
	assert_memory_equal(p + 24, orig + 8, 16); /* to the sender */
	assert_int_equal(icmp[0], type);
	assert_int_equal(icmp[1], code);
	assert_int_equal((uint32_t)get16(icmp + 4) << 16 | get16(icmp + 6), rest);
	assert_l4_ok(6, p + 8, p + 24, 58, icmp, 8 + quoted_len);
	assert_memory_equal(icmp + 8, orig, quoted_len); /* the packet as it came (hop limit not decremented) */
	assert_int_equal(pkt.route.nexthop, 6);
	return quoted_len;
}

static uint32_t check_err4(uint8_t type, uint8_t code, uint32_t rest, uint32_t quoted_len)
{
	const uint8_t *p = pkt.data, *icmp = p + 20;

	assert_int_equal(pkt.family, 4);
	assert_ptr_equal(p, ip() - 28);
	assert_int_equal(pkt.len, 28 + quoted_len);
	assert_true(ip4_hdr_ok(p));
	assert_int_equal(p[0], 0x45);
	assert_int_equal(p[1], 0xc0); /* RFC 1812 4.3.2.5: precedence 6 */
	assert_int_equal(get16(p + 2), 28 + quoted_len);
	assert_int_equal(get16(p + 6), 0);
	assert_int_equal(p[8], 64);
	assert_int_equal(p[9], 1);
	assert_memory_equal(p + 12, ip4(BOX4), 4);
	assert_memory_equal(p + 16, orig + 12, 4);
	assert_int_equal(icmp[0], type);
	assert_int_equal(icmp[1], code);
	assert_int_equal((uint32_t)get16(icmp + 4) << 16 | get16(icmp + 6), rest);
	assert_int_equal(ref_fold(ref_add(0, icmp, 8 + quoted_len)), 0xffff);
	assert_memory_equal(icmp + 8, orig, quoted_len);
	return quoted_len;
}

static void hop_limit_1_time_exceeded(void **state)
{
	(void)state;
	uint32_t len = udp6(H6, FAR6, 1, 100);
	assert_int_equal(fwd_process(&ctx, &pkt, fwd_route, NULL), FV_REPLY);
	check_err6(3, 0, 0, len);
	len = udp6(H6, FAR6, 0, 100);
	assert_int_equal(fwd_process(&ctx, &pkt, fwd_route, NULL), FV_REPLY);
	check_err6(3, 0, 0, len);
	len = udp4(H4, FAR4, 1, 0x4000, 100);
	assert_int_equal(fwd_process(&ctx, &pkt, fwd_route, NULL), FV_REPLY);
	check_err4(11, 0, 0, len);
	assert_int_equal(ctr[XLAT_FWD_TTL], 3);
	assert_int_equal(ctr[JSTAT_ICMP6ERR_SUCCESS], 2);
	assert_int_equal(ctr[JSTAT_ICMP4ERR_SUCCESS], 1);
	assert_int_equal(ctr[XLAT_FWD6] + ctr[XLAT_FWD4], 0);
}

static void no_route_unreachable(void **state)
{
	(void)state;
	no_route = true;
	uint32_t len = udp6(H6, "2001:db8:99::1", 64, 40);
	assert_int_equal(fwd_process(&ctx, &pkt, fwd_route, NULL), FV_REPLY);
	check_err6(1, 0, 0, len);
	len = udp4(H4, "198.18.99.1", 64, 0, 40);
	assert_int_equal(fwd_process(&ctx, &pkt, fwd_route, NULL), FV_REPLY);
	check_err4(3, 0, 0, len);
	assert_int_equal(ctr[XLAT_FWD_NO_ROUTE], 2);
}

static void route_kinds(void **state)
{
	(void)state;
	uint32_t len;

	next.kind = FWD_HOST; /* the kernel's route: the packet goes to it as it came */
	len = udp6(H6, FAR6, 1, 40);
	assert_int_equal(fwd_process(&ctx, &pkt, fwd_route, NULL), FV_HOST);
	assert_memory_equal(ip(), orig, len);
	next.kind = FWD_BLACKHOLE;
	udp4(H4, FAR4, 64, 0, 40);
	assert_int_equal(fwd_process(&ctx, &pkt, fwd_route, NULL), FV_DROP);
	next.kind = FWD_UNREACHABLE;
	len = udp4(H4, FAR4, 64, 0, 40);
	assert_int_equal(fwd_process(&ctx, &pkt, fwd_route, NULL), FV_REPLY);
	check_err4(3, 1, 0, len);
	len = udp6(H6, FAR6, 64, 40);
	assert_int_equal(fwd_process(&ctx, &pkt, fwd_route, NULL), FV_REPLY);
	check_err6(1, 0, 0, len);
	next.kind = FWD_PROHIBIT;
	len = udp4(H4, FAR4, 64, 0, 40);
	assert_int_equal(fwd_process(&ctx, &pkt, fwd_route, NULL), FV_REPLY);
	check_err4(3, 13, 0, len);
	len = udp6(H6, FAR6, 64, 40);
	assert_int_equal(fwd_process(&ctx, &pkt, fwd_route, NULL), FV_REPLY);
	check_err6(1, 1, 0, len);
	assert_int_equal(ctr[XLAT_FWD_TO_HOST], 1);
	assert_int_equal(ctr[XLAT_FWD_REJECTED], 5);
}

static void too_big(void **state)
{
	(void)state;
	next.r.mtu = 1280;
	/* IPv6: Packet Too Big with the egress MTU, quoting as much as fits 1280 bytes (RFC 4443 2.4 c) */
	udp6(H6, FAR6, 64, 1452);
	assert_int_equal(fwd_process(&ctx, &pkt, fwd_route, NULL), FV_REPLY);
	check_err6(2, 0, 1280, 1280 - 48);
	/* IPv4 with DF: Fragmentation Needed, the next-hop MTU in bytes 6-7 (RFC 1191), 576 bytes at most */
	next.r.mtu = 1400;
	udp4(H4, FAR4, 64, 0x4000, 1472);
	assert_int_equal(fwd_process(&ctx, &pkt, fwd_route, NULL), FV_REPLY);
	check_err4(3, 4, 1400, 576 - 28);
	assert_int_equal(ctr[XLAT_FWD_TOO_BIG], 2);
	/* IPv4 without DF: forwarded, to be cut (frag4.c) */
	udp4(H4, FAR4, 64, 0, 1472);
	assert_int_equal(fwd_process(&ctx, &pkt, fwd_route, NULL), FV_FORWARD);
	assert_int_equal(pkt.frag_size, 1400);
	assert_int_equal(ip()[8], 63);
	assert_true(ip4_hdr_ok(ip()));
	/* exactly the MTU: whole */
	udp6(H6, FAR6, 64, 1400 - 48);
	next.r.mtu = 1400;
	assert_int_equal(fwd_process(&ctx, &pkt, fwd_route, NULL), FV_FORWARD);
	assert_int_equal(pkt.frag_size, 0);
}

static void super_frames(void **state)
{
	(void)state;
	uint8_t *p = ip();

	/* a TCP super-frame (TSO peer on the same kernel): cut to the egress MTU, after the decrement */
	put_ip6(p, 0, 0, 20 + 8000, 6, 64, ip6(H6), ip6(FAR6));
	memset(p + 40, 0, 20);
	p[40 + 12] = 0x50;
	set_pkt(6, 40 + 20 + 8000);
	next.r.mtu = 1400;
	assert_int_equal(fwd_process(&ctx, &pkt, fwd_route, NULL), FV_FORWARD);
	assert_true(pkt.gso);
	assert_int_equal(pkt.seg_size, 1400);
	assert_int_equal(p[7], 63);
	assert_int_equal(xlat_tso_count(&pkt), (8000 + 1339) / 1340);
	/* UDP longer than the link it came in on: no segment size came with it */
	udp6(H6, FAR6, 64, 3000);
	assert_int_equal(fwd_process(&ctx, &pkt, fwd_route, NULL), FV_DROP);
	assert_int_equal(ctr[XLAT_GSO_REFUSED], 1);
	/* IPv4 without DF that was reassembled on the way in (af_packet's defrag): fragmented again */
	udp4(H4, FAR4, 64, 0, 3000);
	assert_int_equal(fwd_process(&ctx, &pkt, fwd_route, NULL), FV_FORWARD);
	assert_int_equal(pkt.frag_size, 1400);
}

static void martians_dropped(void **state)
{
	(void)state;
	static const char *const pairs6[][2] = {
		{ "::1", FAR6 }, { "::", FAR6 }, { "ff02::1", FAR6 }, { "fe80::1", FAR6 }, { H6, "fe80::2" },
		{ H6, "::ffff:192.0.2.1" }, { "::ffff:192.0.2.1", FAR6 }, { H6, "::1" },
	};
	static const char *const pairs4[][2] = {
		{ "127.0.0.1", FAR4 }, { "0.1.2.3", FAR4 }, { "224.0.0.5", FAR4 }, { "240.0.0.1", FAR4 },
		{ "255.255.255.255", FAR4 }, { "169.254.1.1", FAR4 }, { H4, "169.254.1.1" }, { H4, "127.0.0.2" },
		{ H4, "0.0.0.9" }, { H4, "250.1.1.1" },
	};
	for (unsigned i = 0; i < sizeof(pairs6) / sizeof(pairs6[0]); i++) {
		udp6(pairs6[i][0], pairs6[i][1], 1, 8);
		assert_int_equal(fwd_process(&ctx, &pkt, fwd_route, NULL), FV_DROP);
	}
	for (unsigned i = 0; i < sizeof(pairs4) / sizeof(pairs4[0]); i++) {
		udp4(pairs4[i][0], pairs4[i][1], 1, 0, 8);
		assert_int_equal(fwd_process(&ctx, &pkt, fwd_route, NULL), FV_DROP);
	}
	assert_int_equal(ctr[XLAT_FWD_MARTIAN], 18);
	assert_int_equal(ctr[JSTAT_ICMP6ERR_SUCCESS] + ctr[JSTAT_ICMP4ERR_SUCCESS], 0);
}

static void malformed_dropped(void **state)
{
	(void)state;
	udp6(H6, FAR6, 64, 10);
	pkt.len = 39;
	assert_int_equal(fwd_process(&ctx, &pkt, fwd_route, NULL), FV_DROP);
	udp6(H6, FAR6, 64, 10);
	pkt.len -= 1; /* payload length beyond the frame */
	assert_int_equal(fwd_process(&ctx, &pkt, fwd_route, NULL), FV_DROP);
	udp6(H6, FAR6, 64, 10);
	ip()[0] = 0x40;
	assert_int_equal(fwd_process(&ctx, &pkt, fwd_route, NULL), FV_DROP);
	udp4(H4, FAR4, 64, 0, 10);
	wr16(ip() + 2, 19); /* total length below the header */
	ip4_fix_csum(ip());
	assert_int_equal(fwd_process(&ctx, &pkt, fwd_route, NULL), FV_DROP);
	udp4(H4, FAR4, 64, 0, 10);
	ip()[0] = 0x44; /* IHL 16 bytes */
	ip4_fix_csum(ip());
	assert_int_equal(fwd_process(&ctx, &pkt, fwd_route, NULL), FV_DROP);
	udp4(H4, FAR4, 64, 0, 10);
	pkt.len = 19;
	assert_int_equal(fwd_process(&ctx, &pkt, fwd_route, NULL), FV_DROP);
	assert_int_equal(ctr[XLAT_FWD_HDR], 6);
}

static void host_handles_options(void **state)
{
	(void)state;
	uint8_t *p = ip();
	/* IPv6 hop-by-hop options (router alert): the host kernel's */
	put_ip6(p, 0, 0, 16, 0, 64, ip6(H6), ip6(FAR6));
	memcpy(p + 40, (const uint8_t[]){ 17, 0, 5, 2, 0, 0, 1, 0 }, 8);
	wr16(p + 48, 1), wr16(p + 50, 2), wr16(p + 52, 8), wr16(p + 54, 0);
	set_pkt(6, 56);
	assert_int_equal(fwd_process(&ctx, &pkt, fwd_route, NULL), FV_HOST);
	assert_memory_equal(p, orig, 56);
	/* IPv4 with options (record route) */
	memcpy(p + 20, (const uint8_t[]){ 7, 7, 4, 0, 0, 0, 0, 0 }, 8);
	put_ip4(p, 28, 0, 28 + 8, 1, 0, 64, 17, ip4(H4), ip4(FAR4));
	set_pkt(4, 36);
	assert_int_equal(fwd_process(&ctx, &pkt, fwd_route, NULL), FV_HOST);
	assert_memory_equal(p, orig, 36);
	assert_int_equal(ctr[XLAT_FWD_TO_HOST], 2);
}

static void errors_rate_limited_and_never_about_errors(void **state)
{
	(void)state;
	cfg.g.icmp_errors_per_sec = 2;
	ctx.icmp_rl.tokens = 2;
	for (int i = 0; i < 3; i++) {
		udp6(H6, FAR6, 1, 10);
		assert_int_equal(fwd_process(&ctx, &pkt, fwd_route, NULL), i < 2 ? FV_REPLY : FV_DROP);
	}
	assert_int_equal(ctr[JSTAT_ICMP6ERR_SUCCESS], 2);
	assert_int_equal(ctr[JSTAT_ICMP6ERR_FAILURE], 1);
	assert_int_equal(ctr[XLAT_FWD_TTL], 3);
	/* RFC 4443 2.4 (e): no error about an ICMPv6 error */
	ctx.now_ns += 2000000000ull;
	uint8_t *p = ip();
	put_ip6(p, 0, 0, 8, 58, 1, ip6(H6), ip6(FAR6));
	memcpy(p + 40, (const uint8_t[]){ 1, 4, 0, 0, 0, 0, 0, 0 }, 8);
	l4_set(6, p + 8, p + 24, 58, p + 40, 8);
	set_pkt(6, 48);
	assert_int_equal(fwd_process(&ctx, &pkt, fwd_route, NULL), FV_DROP);
	assert_int_equal(ctr[JSTAT_ICMP6ERR_SUCCESS], 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(forward6_decrements_hop_limit, setup),
		cmocka_unit_test_setup(forward4_decrements_ttl_rfc1624, setup),
		cmocka_unit_test_setup(forward4_bad_header_checksum_dropped, setup),
		cmocka_unit_test_setup(forward_trims_l2_padding, setup),
		cmocka_unit_test_setup(forward_finishes_partial_checksum, setup),
		cmocka_unit_test_setup(hop_limit_1_time_exceeded, setup),
		cmocka_unit_test_setup(no_route_unreachable, setup),
		cmocka_unit_test_setup(route_kinds, setup),
		cmocka_unit_test_setup(too_big, setup),
		cmocka_unit_test_setup(super_frames, setup),
		cmocka_unit_test_setup(martians_dropped, setup),
		cmocka_unit_test_setup(malformed_dropped, setup),
		cmocka_unit_test_setup(host_handles_options, setup),
		cmocka_unit_test_setup(errors_rate_limited_and_never_about_errors, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
