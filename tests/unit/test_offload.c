/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Hosts as they come (doc/operations.md, "Senders on the same kernel"): what a
 * veth/tap peer with the kernel's default offloads hands the box, through
 * xlat_process() and the fast paths (SIIT; NAT64 in test_xlat_fast.c):
 *  - TCP/UDP checksums left partial (CHECKSUM_PARTIAL: the field holds the
 *    pseudo-header sum) are finished, counted, then translated; a merely wrong
 *    checksum stays wrong by the same amount (RFC 7915 / RFC 1624), and a
 *    complete one that happens to equal the partial value is left alone;
 *  - datagrams longer than the ingress link (TSO/GRO super-frames): TCP is
 *    translated and cut to the egress MTU (xlat_tso_*), IPv4 with DF clear is
 *    fragmented as RFC 7915 4.1 says, anything else is refused and counted.
 * Checksums are checked with pktbuild.c's naive reference, never lib's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdbool.h>
#include <string.h>

#include "bytes.h"
#include "eamt.h"
#include "pktbuild.h"
#include "stats.h"
#include "xlat.h"
#include "xlat_fast.h"
#include "xlat_fixture.h"

#define HEADROOM 128
#define BUFSZ (HEADROOM + 70000)
#define TCP_FIN 0x01
#define TCP_PSH 0x08
#define TCP_CWR 0x80

static struct xlat_config cfg;
static struct xlat_ctx ctx;
static uint64_t ctr[XSTAT_MAX];
static uint8_t mem[BUFSZ];
static struct xlat_pkt pkt;
static uint16_t mtu4 = 1500, mtu6 = 1500;

/* 6->4: 2001:db8:3::5 -> 2001:db8:1c0:2:21:: is 1.0.0.5 -> 192.0.2.33 (EAMT and pool6 /40) */
#define SRC6 "2001:db8:3::5"
#define DST6 "2001:db8:1c0:2:21::"
#define SRC4 "192.0.2.33"
#define DST4 "1.0.0.5"

static int route_cb(void *opaque, int family, const uint8_t *dst, struct xlat_route *out)
{
	(void)opaque;
	(void)dst;
	memset(out, 0, sizeof(*out));
	out->mtu = family == 4 ? mtu4 : mtu6;
	out->nexthop = 7;
	return 0;
}

static int setup(void **state)
{
	(void)state;
	xlat_fixture_siit(&cfg);
	xlat_fixture_ctx(&ctx, &cfg, ctr, route_cb);
	mtu4 = mtu6 = 1500;
	memset(mem, 0x5a, sizeof(mem));
	return 0;
}

static uint8_t *ip(void)
{
	return mem + HEADROOM;
}

/* A TCP (flags) or UDP segment of n payload bytes, checksum complete. */
static uint32_t build(int family, uint8_t proto, uint32_t n, uint8_t flags, uint16_t frag4)
{
	uint8_t *p = ip();
	uint32_t l3 = family == 6 ? 40 : 20, hl = proto == 6 ? 32 : 8, l4len = hl + n;
	uint8_t *l4 = p + l3;

	memset(l4, 0, hl);
	wr16(l4, 40000);
	wr16(l4 + 2, 443);
	if (proto == 6) {
		l4[4] = 0x10; /* seq 0x10000000 */
		l4[12] = 0x80; /* 32 bytes: 12 of options (NOP NOP timestamp) */
		l4[13] = flags;
		wr16(l4 + 14, 512);
		l4[20] = 1;
		l4[21] = 1;
		l4[22] = 8;
		l4[23] = 10;
	} else {
		wr16(l4 + 4, (uint16_t)l4len);
	}
	for (uint32_t i = 0; i < n; i++)
		l4[hl + i] = (uint8_t)(i * 7 + i / 256);
	if (family == 6) {
		put_ip6(p, 0, 0, (uint16_t)l4len, proto, 64, ip6(SRC6), ip6(DST6));
		l4_set(6, ip6(SRC6), ip6(DST6), proto, l4, l4len);
	} else {
		put_ip4(p, 20, 0, (uint16_t)(20 + l4len), 0x1234, frag4, 64, proto, ip4(SRC4), ip4(DST4));
		l4_set(4, ip4(SRC4), ip4(DST4), proto, l4, l4len);
	}
	return l3 + l4len;
}

static void set_csum(int family, uint8_t proto, uint16_t v)
{
	wr16(ip() + (family == 6 ? 40 : 20) + csum_off(proto), v);
}

/* The value a CHECKSUM_PARTIAL sender leaves: the pseudo-header sum, folded, not complemented. */
static uint16_t partial_value(int family, uint8_t proto, uint32_t len)
{
	const uint8_t *p = ip();

	if (family == 6)
		return ref_fold(ref_ph6(p + 8, p + 24, proto, len - 40));
	return ref_fold(ref_ph4(p + 12, p + 16, proto, len - 20));
}

static enum xlat_verdict run(int family, uint32_t len)
{
	pkt.data = ip();
	pkt.len = len;
	pkt.headroom = HEADROOM;
	pkt.tailroom = BUFSZ - HEADROOM - len;
	pkt.family = family;
	return xlat_process(&ctx, &pkt);
}

/* The translated packet's L4 checksum (the other family's pseudo-header). */
static void assert_out_l4_ok(void)
{
	const uint8_t *p = pkt.data;

	if (pkt.family == 4)
		assert_l4_ok(4, p + 12, p + 16, p[9], p + 20, pkt.len - 20);
	else
		assert_l4_ok(6, p + 8, p + 24, p[6], p + 40, pkt.len - 40);
}

static void t_partial_tcp64(void **state)
{
	(void)state;
	uint32_t len = build(6, 6, 100, 0x18, 0);
	set_csum(6, 6, partial_value(6, 6, len));
	assert_int_equal(run(6, len), XV_FORWARD);
	assert_int_equal(pkt.family, 4);
	assert_out_l4_ok();
	assert_int_equal(ctr[XLAT_CSUM_PARTIAL], 1);
	assert_int_equal(ctr[JSTAT_SUCCESS], 1);
}

static void t_partial_udp46(void **state)
{
	(void)state;
	uint32_t len = build(4, 17, 333, 0, 0);
	set_csum(4, 17, partial_value(4, 17, len));
	assert_int_equal(run(4, len), XV_FORWARD);
	assert_int_equal(pkt.family, 6);
	assert_out_l4_ok();
	assert_int_equal(ctr[XLAT_CSUM_PARTIAL], 1);
}

static void t_partial_udp64_and_tcp46(void **state)
{
	(void)state;
	uint32_t len = build(6, 17, 1, 0, 0); /* odd length: the last byte is a padded word */
	set_csum(6, 17, partial_value(6, 17, len));
	assert_int_equal(run(6, len), XV_FORWARD);
	assert_out_l4_ok();
	len = build(4, 6, 1400, 0x10, 0x4000);
	set_csum(4, 6, partial_value(4, 6, len));
	assert_int_equal(run(4, len), XV_FORWARD);
	assert_out_l4_ok();
	assert_int_equal(ctr[XLAT_CSUM_PARTIAL], 2);
}

/* The fast paths finish it too, with the same result and count. */
static void t_partial_fast(void **state)
{
	static struct xlat_fmemo memo;

	(void)state;
	xlat_fmemo_init(&memo);
	for (int family = 4; family <= 6; family += 2) {
		uint32_t len = build(family, 6, 200, 0x18, 0);
		set_csum(family, 6, partial_value(family, 6, len));
		pkt.data = ip();
		pkt.len = len;
		pkt.headroom = HEADROOM;
		pkt.tailroom = BUFSZ - HEADROOM - len;
		pkt.family = family;
		int v = family == 6 ? xlat_fast64(&ctx, &pkt, &memo) : xlat_fast46(&ctx, &pkt, &memo);
		assert_int_equal(v, XV_FORWARD);
		assert_out_l4_ok();
	}
	assert_int_equal(ctr[XLAT_CSUM_PARTIAL], 2);
	assert_int_equal(ctr[JSTAT_SUCCESS], 2);
}

/* A wrong checksum is not a partial one: translated as wrong as it came (RFC 1624), nothing finished. */
static void t_wrong_stays_wrong(void **state)
{
	(void)state;
	for (int family = 4; family <= 6; family += 2) {
		uint32_t len = build(family, 17, 64, 0, 0);
		uint8_t *c = ip() + (family == 6 ? 40 : 20) + 6;
		uint16_t good = rd16(c);
		wr16(c, (uint16_t)(good + 1));
		assert_int_equal(run(family, len), XV_FORWARD);
		const uint8_t *p = pkt.data, *l4 = p + (pkt.family == 4 ? 20 : 40);
		uint16_t want = pkt.family == 4 ? l4_want(4, p + 12, p + 16, 17, l4, pkt.len - 20)
						: l4_want(6, p + 8, p + 24, 17, l4, pkt.len - 40);
		assert_int_equal(oc_norm(rd16(l4 + 6)), oc_norm((uint16_t)(want + 1)));
	}
	assert_int_equal(ctr[XLAT_CSUM_PARTIAL], 0);
}

/*
 * A complete checksum equal to the partial value (1 packet in 65536): the
 * payload is chosen so that the segment verifies with that value in the field.
 * It is left as it is, and translates to a correct checksum.
 */
static void t_complete_equal_to_partial(void **state)
{
	(void)state;
	uint32_t len = build(6, 17, 64, 0, 0);
	uint8_t *l4 = ip() + 40;
	uint16_t pv = partial_value(6, 17, len);
	set_csum(6, 17, pv);
	/* sum of everything with the field = pv must be 0xffff: set the first two payload bytes to make it so */
	wr16(l4 + 8, 0);
	uint16_t s = ref_fold(ref_add(ref_ph6(ip() + 8, ip() + 24, 17, len - 40), l4, len - 40));
	wr16(l4 + 8, (uint16_t)~s);
	assert_int_equal(oc_norm(ref_fold(ref_add(ref_ph6(ip() + 8, ip() + 24, 17, len - 40), l4, len - 40))), 0);
	assert_int_equal(rd16(l4 + 6), pv);
	assert_int_equal(run(6, len), XV_FORWARD);
	assert_out_l4_ok();
	assert_int_equal(ctr[XLAT_CSUM_PARTIAL], 0);
}

/* A fragment's checksum covers the whole datagram: never taken for a partial one. */
static void t_fragment_not_finished(void **state)
{
	(void)state;
	uint32_t len = build(4, 17, 64, 0, 0x2000); /* MF */
	set_csum(4, 17, partial_value(4, 17, len));
	uint16_t before = rd16(ip() + 26);
	assert_int_equal(run(4, len), XV_FORWARD);
	assert_int_equal(ctr[XLAT_CSUM_PARTIAL], 0);
	/* updated for the new addresses only (RFC 1624), not finished */
	assert_int_not_equal(rd16(pkt.data + 48 + 6), before);
	assert_int_not_equal(oc_norm(rd16(pkt.data + 48 + 6)),
			     oc_norm(l4_want(6, pkt.data + 8, pkt.data + 24, 17, pkt.data + 48, pkt.len - 48)));
}

/* Cut the translated super-frame and check every segment against the original payload. */
static void check_segments(const uint8_t *orig_payload, uint32_t n, uint32_t mtu, unsigned want_segs, uint8_t flags)
{
	static uint8_t out[70000];
	uint32_t l3 = pkt.family == 4 ? 20 : 40, hdrs = l3 + 32, mss = mtu - hdrs, off = 0;
	uint32_t seq0 = rd32(pkt.data + l3 + 4);

	assert_int_equal(pkt.seg_size, mtu);
	unsigned k = xlat_tso_count(&pkt);
	assert_int_equal(k, want_segs);
	for (unsigned i = 0; i < k; i++) {
		uint32_t len = xlat_tso_write(&pkt, i, out);
		const uint8_t *tcp = out + l3;
		bool last = i + 1 == k;
		assert_true(len <= mtu);
		assert_int_equal(len - hdrs, last ? n - off : mss);
		if (pkt.family == 4) {
			assert_true(ip4_hdr_ok(out));
			assert_int_equal(rd16(out + 2), len);
			assert_l4_ok(4, out + 12, out + 16, 6, tcp, len - 20);
		} else {
			assert_int_equal(rd16(out + 4), len - 40);
			assert_l4_ok(6, out + 8, out + 24, 6, tcp, len - 40);
		}
		assert_int_equal(rd32(tcp + 4), seq0 + off);
		assert_int_equal(tcp[13] & (TCP_FIN | TCP_PSH), last ? flags & (TCP_FIN | TCP_PSH) : 0);
		assert_int_equal(tcp[13] & TCP_CWR, i == 0 ? flags & TCP_CWR : 0);
		assert_int_equal(tcp[13] & 0x10, flags & 0x10); /* ACK on every one */
		assert_memory_equal(tcp + 20, pkt.data + l3 + 20, 12); /* options repeated */
		assert_memory_equal(out + hdrs, orig_payload + off, len - hdrs);
		off += len - hdrs;
	}
	assert_int_equal(off, n);
}

static void t_super_tcp64(void **state)
{
	static uint8_t payload[65536];

	(void)state;
	uint32_t n = 60000, len = build(6, 6, n, 0x80 | 0x18 | 0x01, 0); /* CWR PSH ACK FIN */
	memcpy(payload, ip() + 72, n);
	set_csum(6, 6, partial_value(6, 6, len)); /* TSO: partial, for the whole super-frame */
	assert_int_equal(run(6, len), XV_FORWARD);
	assert_int_equal(pkt.family, 4);
	assert_true(pkt.gso);
	assert_int_equal(pkt.frag_size, 0);
	assert_int_equal(ctr[JSTAT_PKT_TOO_BIG], 0);
	assert_int_equal(ctr[XLAT_GSO_SEGMENTED], 1);
	assert_int_equal(ctr[XLAT_CSUM_PARTIAL], 0); /* the segments get their own */
	/* as the sender's own segments: 1500 bytes of IPv6 (1428 of data after 40 + 32 bytes of headers) are
	 * 1480 of IPv4, though the egress link would take 1500 */
	check_segments(payload, n, 1480, (n + 1427) / 1428, 0x80 | 0x18 | 0x01);
}

static void t_super_tcp46(void **state)
{
	static uint8_t payload[65536];

	(void)state;
	mtu6 = 1280;
	uint32_t n = 20000, len = build(4, 6, n, 0x10, 0x4000);
	memcpy(payload, ip() + 52, n);
	wr16(ip() + 20 + 16, 0x1234); /* GRO leaves the first segment's checksum: stale, not partial */
	assert_int_equal(run(4, len), XV_FORWARD);
	assert_int_equal(pkt.family, 6);
	assert_true(pkt.gso);
	assert_int_equal(pkt.frag_size, 0);
	assert_int_equal(ctr[JSTAT_PKT_TOO_BIG], 0);
	check_segments(payload, n, 1280, (n + 1207) / 1208, 0x10);
}

/* One byte over the link: two segments, the second of one byte; every checksum computed afresh. */
static void t_super_just_over(void **state)
{
	static uint8_t payload[2000];

	(void)state;
	ctx.in_mtu = 1280;
	mtu6 = 1400;
	uint32_t len = build(4, 6, 1281 - 52, 0x18, 0x4000);
	set_csum(4, 6, partial_value(4, 6, len));
	memcpy(payload, ip() + 52, 1229);
	assert_int_equal(run(4, len), XV_FORWARD);
	check_segments(payload, 1229, 1300, 2, 0x18); /* 1280 + 20: IPv6's longer header */
}

static void t_super_refused(void **state)
{
	(void)state;
	/* UDP GSO: the segment size is not on the wire; IPv6 and IPv4 with DF set */
	uint32_t len = build(6, 17, 3000, 0, 0);
	assert_int_equal(run(6, len), XV_DROP);
	len = build(4, 17, 3000, 0, 0x4000);
	assert_int_equal(run(4, len), XV_DROP);
	assert_int_equal(ctr[XLAT_GSO_REFUSED], 2);
	assert_int_equal(ctr[JSTAT_SUCCESS], 0);
	/* a TCP fragment longer than the link is not a super-frame to segment */
	len = build(4, 6, 3000, 0x10, 0x4000 | 0x2000);
	assert_int_equal(run(4, len), XV_DROP);
	assert_int_equal(ctr[XLAT_GSO_REFUSED], 3);
}

/* IPv4 with DF clear longer than the link (af_packet's defrag reassembled it): RFC 7915 4.1 fragments. */
static void t_super_ipv4_df_clear(void **state)
{
	(void)state;
	uint32_t len = build(4, 17, 4000, 0, 0);
	assert_int_equal(run(4, len), XV_FORWARD);
	assert_false(pkt.gso);
	assert_int_equal(pkt.frag_size, 1280); /* lowest-ipv6-mtu */
	assert_int_equal(ctr[XLAT_GSO_REFUSED], 0);
}

/* The fast paths leave super-frames to xlat_process(). */
static void t_super_fast_declines(void **state)
{
	static struct xlat_fmemo memo;

	(void)state;
	xlat_fmemo_init(&memo);
	uint32_t len = build(6, 6, 3000, 0x10, 0);
	pkt.data = ip();
	pkt.len = len;
	pkt.headroom = HEADROOM;
	pkt.tailroom = BUFSZ - HEADROOM - len;
	pkt.family = 6;
	mtu4 = 9000;
	assert_int_equal(xlat_fast64(&ctx, &pkt, &memo), XF_SLOW);
	len = build(4, 6, 3000, 0x10, 0x4000);
	pkt.data = ip();
	pkt.len = len;
	pkt.family = 4;
	mtu6 = 9000;
	assert_int_equal(xlat_fast46(&ctx, &pkt, &memo), XF_SLOW);
	for (int i = 0; i < XSTAT_MAX; i++)
		assert_int_equal(ctr[i], 0);
}

static void t_tso_mtu_too_small(void **state)
{
	(void)state;
	uint32_t len = build(4, 6, 3000, 0x10, 0x4000);
	assert_int_equal(run(4, len), XV_FORWARD);
	pkt.seg_size = 40 + 32; /* headers only: no room for data */
	assert_int_equal(xlat_tso_count(&pkt), 0);
	pkt.seg_size = 40 + 32 + 1;
	assert_int_equal(xlat_tso_count(&pkt), 3000);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup(f, setup)
	const struct CMUnitTest tests[] = {
		T(t_partial_tcp64),
		T(t_partial_udp46),
		T(t_partial_udp64_and_tcp46),
		T(t_partial_fast),
		T(t_wrong_stays_wrong),
		T(t_complete_equal_to_partial),
		T(t_fragment_not_finished),
		T(t_super_tcp64),
		T(t_super_tcp46),
		T(t_super_just_over),
		T(t_super_refused),
		T(t_super_ipv4_df_clear),
		T(t_super_fast_declines),
		T(t_tso_mtu_too_small),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
