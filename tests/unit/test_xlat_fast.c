/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The fast paths (lib/xlat_fast.h) against xlat_process(), packet by packet:
 * xlat_fast64/46 must either give exactly what xlat_process() gives (verdict,
 * every byte, counters, the random state, the pkt fields the worker reads) or
 * decline with nothing changed; xlat_fast_run() the same over a burst, up to the
 * first packet it declines, which it and every packet after it leave untouched. Randomised packets (seeded: the run is the
 * same every time) cover both cases: mapped and unmapped addresses, every
 * protocol, checksums of 0, 0xffff and anything else, checksums left partial by
 * the sender (finished by both), hop limits 0-255, TOS, datagrams longer than
 * the link (super-frames: declined), fragments, options, bad header checksums, truncation and L2 padding. The
 * memo lives across packets, as it does in a worker, and is reset every 4096 (a
 * new configuration snapshot).
 * NAT64 the same way, with two session tables fed the same conversations (IPv6
 * clients opening flows, IPv4 servers answering them or probing ports nobody
 * holds), so that state changes, refusals and their ICMP errors are compared too;
 * the fast side looks its packets up in bursts first, as a worker does.
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

#include "eal_test.h"
#include "eamt.h"
#include "nat64.h"
#include "nat64_db.h"
#include "pktbuild.h"
#include "stats.h"
#include "xlat.h"
#include "xlat_fast.h"
#include "xlat_fixture.h"

#define BUFSZ 2048
#define HEADROOM 128
#define ROUNDS 200000

static struct xlat_config cfg;

static int route_cb(void *opaque, int family, const uint8_t *dst, struct xlat_route *out)
{
	(void)opaque;
	memset(out, 0, sizeof(*out));
	/* some destinations have no route, some a small MTU: both must fall back */
	if (dst[family == 4 ? 3 : 15] == 0xee)
		return -1;
	out->mtu = dst[family == 4 ? 3 : 15] == 0xdd ? 600 : 1500;
	out->nexthop = dst[family == 4 ? 3 : 15] & 3;
	out->self_set = true;
	memcpy(out->self, family == 4 ? ip4("198.51.100.1") : ip6("2001:db8:1c0:2:1::"), family == 4 ? 4 : 16);
	return 0;
}

/* The box's own addresses, as the worker's classifier knows them: the fast path must leave them alone. */
static bool own_cb(void *opaque, int family, const uint8_t *a)
{
	(void)opaque;
	return a[family == 4 ? 3 : 15] == 3;
}

static unsigned own_declined;

static uint32_t rng = 12345;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

static void ctx_init(struct xlat_ctx *c, uint64_t *ctr)
{
	memset(c, 0, sizeof(*c));
	memset(ctr, 0, sizeof(uint64_t) * XSTAT_MAX);
	c->cfg = &cfg;
	c->counters = ctr;
	c->route = route_cb;
	c->own = own_cb;
	c->now_ns = 10ull * 1000000000ull;
	c->rand_state = 0x2545f491;
	memcpy(c->in_self6, ip6("2001:db8:1c0:2:1::"), 16);
	c->in_self6_set = true;
	memcpy(&c->in_self4, ip4("198.51.100.1"), 4);
	c->in_self4_set = true;
	c->in_mtu = 1500;
}

static void setup_cfg(void)
{
	xlat_fixture_siit(&cfg);
	assert_int_equal(prefix4_parse("203.0.113.8/32", &cfg.g.rfc6791v4), 0);
	cfg.g.rfc6791v4_set = true;
}

/* An address from a small set: EAMT, pool6 (RFC 6052 /40), or neither; the last byte picks route and MTU. */
static void pick6(uint8_t *a)
{
	static const uint8_t last[] = {1, 2, 3, 0xdd, 0xee, 0x21};
	uint32_t r = rnd();

	switch (r % 4) {
	case 0:
		memcpy(a, ip6("2001:db8:3::"), 16);
		break;
	case 1:
	case 2:
		memcpy(a, ip6("2001:db8:1c0:2:21::"), 16); /* 192.0.2.33 through pool6 */
		a[11] = (uint8_t)(r >> 8);
		break;
	default:
		memcpy(a, ip6("2001:db8:99::"), 16); /* not ours */
	}
	a[15] = last[(r >> 16) % sizeof(last)];
}

static void pick4(uint8_t *a)
{
	static const uint8_t last[] = {1, 2, 3, 0xdd, 0xee, 0x21};
	uint32_t r = rnd();

	switch (r % 4) {
	case 0:
		memcpy(a, ip4("1.0.0.0"), 4); /* EAMT */
		break;
	case 1:
	case 2:
		memcpy(a, ip4("192.0.2.0"), 4); /* pool6 */
		a[2] = (uint8_t)(r >> 8);
		break;
	default:
		memcpy(a, ip4("127.0.0.0"), 4); /* never translated */
	}
	a[3] = last[(r >> 16) % sizeof(last)];
}

static const uint16_t csums[] = {0, 0xffff, 0x0001, 0xfffe, 0x8000};

static bool aim_ok(uint8_t proto)
{
	return proto == 6 || proto == 17 || proto == 1 || proto == 58;
}

/* L4 header and payload of l4len bytes; its checksum right, or one of the edge values. */
static uint8_t put_l4(int fam, uint8_t *l4, uint32_t l4len, const uint8_t *src, const uint8_t *dst)
{
	uint32_t r = rnd();
	uint8_t proto;

	for (uint32_t i = 0; i < l4len; i++)
		l4[i] = (uint8_t)rnd();
	switch (r % 8) {
	case 0: case 1: case 2:
		proto = 17;
		break;
	case 3: case 4:
		proto = 6;
		break;
	case 5: case 6:
		proto = fam == 6 ? 58 : 1;
		if (l4len >= 1)
			l4[0] = fam == 6 ? ((r >> 8) & 1 ? 128 : 129) : ((r >> 8) & 1 ? 8 : 0);
		if (l4len >= 2 && (r >> 9) % 4 == 0)
			l4[1] = 1; /* a code echo messages do not have */
		break;
	default:
		proto = (r >> 8) & 1 ? 47 : 132;
	}
	if (l4len >= 8 && (proto == 17 || proto == 6 || proto == 1 || proto == 58) &&
	    (l4len >= 20 || proto != 6)) {
		l4_set(fam, src, dst, proto, l4, l4len);
		unsigned off = csum_off(proto);
		if ((r >> 12) % 4 == 0) {
			uint16_t c = csums[(r >> 16) % 5];
			l4[off] = (uint8_t)(c >> 8);
			l4[off + 1] = (uint8_t)c;
		} else if ((r >> 12) % 4 == 1 && (proto == 6 || proto == 17)) {
			/* left partial by the sender (CHECKSUM_PARTIAL): the pseudo-header sum, not complemented */
			uint16_t c = ref_fold(fam == 6 ? ref_ph6(src, dst, proto, l4len) : ref_ph4(src, dst, proto, l4len));
			l4[off] = (uint8_t)(c >> 8);
			l4[off + 1] = (uint8_t)c;
		}
	}
	return proto;
}

static uint32_t build6(uint8_t *p, uint32_t room)
{
	uint8_t src[16], dst[16];
	uint32_t r = rnd();
	uint32_t l4len = r % 4 == 0 ? rnd() % 1500 : rnd() % 64;

	if (40 + l4len > room)
		l4len = room - 40;
	pick6(src);
	pick6(dst);
	uint8_t hl = (uint8_t)((r >> 4) % 3 == 0 ? rnd() % 4 : 64);
	uint8_t proto = put_l4(6, p + 40, l4len, src, dst);
	put_ip6(p, (uint8_t)rnd(), (r >> 8) % 4 == 0 ? rnd() & 0xfffff : 0, (uint16_t)l4len, proto, hl, src, dst);
	if ((r >> 10) % 16 == 0)
		p[4] ^= 0x01; /* a payload length that lies */
	if ((r >> 14) % 32 == 0)
		p[0] = 0x45;
	uint32_t len = 40 + l4len;
	if ((r >> 19) % 8 == 0 && len + 6 <= room)
		len += 6; /* L2 padding */
	if ((r >> 22) % 16 == 0)
		len = rnd() % (len + 1); /* truncated */
	return len;
}

static uint32_t build4(uint8_t *p, uint32_t room)
{
	uint8_t src[4], dst[4];
	uint32_t r = rnd();
	uint32_t ihl = (r >> 4) % 16 == 0 ? 24 : 20;
	uint32_t l4len = r % 4 == 0 ? rnd() % 1480 : rnd() % 64;

	if (ihl + l4len > room)
		l4len = room - ihl;
	pick4(src);
	pick4(dst);
	uint8_t ttl = (uint8_t)((r >> 8) % 3 == 0 ? rnd() % 4 : 64);
	uint16_t frag = 0;
	switch ((r >> 11) % 8) {
	case 0:
		frag = 0x2000; /* MF */
		break;
	case 1:
		frag = 0x0010; /* an offset */
		break;
	case 2: case 3:
		frag = 0x4000; /* DF */
		break;
	}
	if (ihl > 20)
		memset(p + 20, 1, ihl - 20); /* NOPs */
	uint8_t proto = put_l4(4, p + ihl, l4len, src, dst);
	put_ip4(p, ihl, (uint8_t)rnd(), (uint16_t)(ihl + l4len), (uint16_t)rnd(), frag, ttl, proto, src, dst);
	if ((r >> 14) % 16 == 0)
		p[10] ^= 0x40; /* a bad header checksum */
	if ((r >> 18) % 16 == 0)
		p[3] ^= 0x02; /* a total length that lies */
	uint32_t len = ihl + l4len;
	if ((r >> 22) % 8 == 0 && len + 6 <= room)
		len += 6;
	if ((r >> 25) % 16 == 0)
		len = rnd() % (len + 1);
	return len;
}

/*
 * RFC 1624 updates are where "zero" has two forms (0x0000 and 0xffff): set the
 * TCP/UDP checksum field so that the translated checksum sums to zero, which
 * only the incremental update decides (it does not read the payload), and
 * both paths must write the same form (UDP: all ones, RFC 768).
 */
static void aim_at_zero(int family, uint8_t *m, uint32_t len, const struct xlat_ctx *ref)
{
	static uint8_t scratch[BUFSZ];
	static uint64_t sc[XSTAT_MAX];
	uint8_t *p = m + HEADROOM;
	uint32_t l3 = family == 6 ? 40 : (p[0] & 15u) * 4u;
	uint8_t proto = len >= 20 ? (family == 6 ? p[6] : p[9]) : 0;

	if ((proto != 6 && proto != 17) || len < l3 + (proto == 6 ? 20 : 8))
		return;
	unsigned off = l3 + csum_off(proto);
	uint16_t x0 = (uint16_t)(p[off] << 8 | p[off + 1]);
	if (proto == 17 && x0 == 0)
		return;
	struct xlat_ctx c = *ref;
	c.counters = sc;
	memcpy(scratch, m, BUFSZ);
	struct xlat_pkt k = {
		.data = scratch + HEADROOM, .len = len, .headroom = HEADROOM,
		.tailroom = BUFSZ - HEADROOM - len, .family = family,
	};
	if (xlat_process(&c, &k) != XV_FORWARD || k.family == family || k.frag_size)
		return;
	unsigned noff = (family == 6 ? 20 : 40) + csum_off(proto);
	uint16_t c0 = (uint16_t)(k.data[noff] << 8 | k.data[noff + 1]);
	uint16_t x = oc_add(x0, (uint16_t)~c0);
	if (proto == 17 && x == 0)
		x = 0xffff;
	p[off] = (uint8_t)(x >> 8);
	p[off + 1] = (uint8_t)x;
}

#define SIIT_BURST 8

struct siit_tally {
	unsigned fast, slow, fast_partial, runs, multi;
};

/*
 * A packet the fast path took (verdict v) on xa: xlat_process() on xb must
 * give the same verdict, bytes and pkt fields (the counters and the random
 * state: once xb has caught up with the whole run, run() below).
 */
static void siit_took(struct xlat_ctx *xb, uint8_t *ma, uint8_t *mb, struct xlat_pkt *pa, struct xlat_pkt *pb, int v,
		      unsigned i)
{
	if (own_cb(NULL, pb->family, mb + HEADROOM + (pb->family == 6 ? 24 : 16)))
		fail_msg("packet %u: the fast path took a packet for the box itself", i);
	int w = xlat_process(xb, pb);
	if (v != w)
		fail_msg("packet %u: verdict %d, xlat_process %d", i, v, w);
	assert_int_equal(pa->data - ma, pb->data - mb);
	assert_int_equal(pa->len, pb->len);
	assert_int_equal(pa->family, pb->family);
	assert_int_equal(pa->headroom, pb->headroom);
	assert_int_equal(pa->frag_size, pb->frag_size);
	assert_int_equal(pa->route.nexthop, pb->route.nexthop);
	assert_int_equal(pa->route.mtu, pb->route.mtu);
	if (memcmp(ma, mb, BUFSZ) != 0) {
		for (unsigned k = 0; k < BUFSZ; k++)
			if (ma[k] != mb[k])
				fail_msg("packet %u (len %u): byte %d differs: fast %02x, xlat_process %02x", i, pa->len,
					 (int)k - (int)(pa->data - ma), ma[k], mb[k]);
	}
}

/*
 * The header settings the fast paths read once a run (struct fast_env), drawn
 * again with each new snapshot: TOS override, zeroized traffic class, the
 * lowest IPv6 MTU.
 */
static void draw_header_settings(void)
{
	cfg.g.override_tos = rnd() % 2;
	cfg.g.tos = (uint8_t)rnd();
	cfg.g.zeroize_traffic_class = rnd() % 2;
	cfg.g.lowest_ipv6_mtu = rnd() % 2 ? 1280 : 1500;
}

/*
 * Bursts of 1 to SIIT_BURST packets of one family: every other burst through
 * xlat_fast_run() (in order until the first it declines; that one must be
 * untouched, and so must those after it), the others packet by packet through
 * xlat_fast64/46(); what the fast side declines goes through xlat_process() on
 * both sides, what it takes through xlat_process() on xb, and all is compared.
 */
static void run(int family)
{
	static uint8_t ma[SIIT_BURST][BUFSZ], mb[SIIT_BURST][BUFSZ];
	static uint64_t ca[XSTAT_MAX], cb[XSTAT_MAX];
	struct xlat_ctx xa, xb;
	static struct xlat_fmemo memo;
	struct siit_tally t = { 0 };

	setup_cfg();
	xlat_fmemo_init(&memo);
	ctx_init(&xa, ca);
	ctx_init(&xb, cb);
	for (unsigned i = 0, burst = 0; i < ROUNDS; burst++) {
		unsigned nb = 1 + rnd() % SIIT_BURST;
		struct xlat_pkt pa[SIIT_BURST], pb[SIIT_BURST];
		if (i / 4096 != (i + nb) / 4096) { /* as a new configuration snapshot would */
			xlat_fmemo_reset(&memo);
			draw_header_settings();
		}
		for (unsigned k = 0; k < nb; k++) {
			memset(ma[k], 0x5a, BUFSZ);
			uint32_t room = BUFSZ - HEADROOM;
			uint32_t len = family == 6 ? build6(ma[k] + HEADROOM, room) : build4(ma[k] + HEADROOM, room);
			if (rnd() % 4 == 0)
				aim_at_zero(family, ma[k], len, &xb);
			memcpy(mb[k], ma[k], BUFSZ);
			pa[k] = (struct xlat_pkt){
				.data = ma[k] + HEADROOM, .len = len, .headroom = HEADROOM,
				.tailroom = BUFSZ - HEADROOM - len, .family = family,
			};
			pb[k] = pa[k];
			pb[k].data = mb[k] + HEADROOM;
		}
		for (unsigned k = 0; k < nb;) {
			uint8_t v[SIIT_BURST];
			uint64_t partial_before = ca[XLAT_CSUM_PARTIAL];
			unsigned took;
			if (burst % 2 == 0) {
				took = xlat_fast_run(&xa, pa + k, nb - k, &memo, v, -1);
				t.runs++;
				t.multi += took > 1;
			} else {
				int r = family == 6 ? xlat_fast64(&xa, &pa[k], &memo) : xlat_fast46(&xa, &pa[k], &memo);
				took = r != XF_SLOW;
				v[0] = (uint8_t)r;
			}
			t.fast += took;
			t.fast_partial += (unsigned)(ca[XLAT_CSUM_PARTIAL] - partial_before);
			for (unsigned j = 0; j < took; j++, k++, i++)
				siit_took(&xb, ma[k], mb[k], &pa[k], &pb[k], v[j], i);
			/* xb has caught up: the same counters, the same random draws */
			assert_memory_equal(ca, cb, sizeof(ca));
			assert_int_equal(xa.rand_state, xb.rand_state);
			if (k == nb)
				break;
			if (burst % 2 && took) /* packet by packet: the next one is tried on its own */
				continue;
			/* declined: it and every packet after it untouched, nothing counted, no random draw */
			t.slow++;
			for (unsigned j = k; j < nb; j++)
				if (memcmp(ma[j], mb[j], BUFSZ) != 0)
					fail_msg("packet %u: declined packet %u of a burst changed (or one after it)", i, j);
			if (memcmp(ca, cb, sizeof(ca)) != 0 || xa.rand_state != xb.rand_state)
				fail_msg("packet %u: declined but changed something", i);
			if (pa[k].len >= 40 && own_cb(NULL, family, ma[k] + HEADROOM + (family == 6 ? 24 : 16)))
				own_declined++;
			/* the general path then takes it, on both sides */
			xlat_process(&xa, &pa[k]);
			xlat_process(&xb, &pb[k]);
			memcpy(ma[k], mb[k], BUFSZ); /* the slow path's output is not what is compared here */
			assert_memory_equal(ca, cb, sizeof(ca));
			k++;
			i++;
		}
	}
	print_message("%s: %u packets through the fast path (%u with a partial checksum finished), %u declined "
		      "(%u super-frames); %u runs of xlat_fast_run() (%u took several)\n",
		      family == 6 ? "6->4" : "4->6", t.fast, t.fast_partial, t.slow,
		      (unsigned)(cb[XLAT_GSO_SEGMENTED] + cb[XLAT_GSO_REFUSED]), t.runs, t.multi);
	/* the mix must exercise both outcomes, or the comparison above says little */
	assert_true(t.fast > ROUNDS / 20);
	assert_true(t.multi > ROUNDS / 200);
	assert_true(t.slow > ROUNDS / 20);
	assert_true(own_declined > ROUNDS / 100);
	assert_true(t.fast_partial > ROUNDS / 200);
	assert_true(cb[XLAT_GSO_REFUSED] + cb[XLAT_GSO_SEGMENTED] > 0);
}

static void test_fast64_same_as_xlat_process(void **state)
{
	(void)state;
	run(6);
}

static void test_fast46_same_as_xlat_process(void **state)
{
	(void)state;
	run(4);
}

/* ---- NAT64 ---- */

#define NAT_ROUNDS 60000
#define NFLOWS 256

struct flow4 { /* what the IPv4 side has seen: a reply goes back to it */
	uint8_t proto;
	uint32_t local4, remote4; /* network order */
	uint16_t lport, rport;
};

static struct flow4 seen[NFLOWS];
static unsigned n_seen;

static void setup_nat_cfg(bool adf)
{
	xlat_config_init(&cfg, XLAT_MODE_NAT64);
	assert_int_equal(prefix6_parse("64:ff9b::/96", &cfg.g.pool6), 0);
	cfg.g.pool6_set = true;
	cfg.g.nat.address_dependent_filtering = adf;
	static const uint8_t protos[] = {6, 17, 1};
	for (unsigned i = 0; i < 3; i++) {
		struct pool4_entry *e = &cfg.pool4[cfg.n_pool4++];
		memset(e, 0, sizeof(*e));
		e->proto = protos[i];
		e->addr = be4("203.0.113.1");
		e->plen = 32;
		e->port_min = 61000;
		e->port_max = 61999;
	}
}

static void nat_l4(int fam, uint8_t *l4, uint32_t l4len, uint8_t proto, const uint8_t *src, const uint8_t *dst,
		   uint16_t sport, uint16_t dport)
{
	uint32_t r = rnd();

	for (uint32_t i = 0; i < l4len; i++)
		l4[i] = (uint8_t)rnd();
	if (proto == 1 || proto == 58) {
		l4[0] = proto == 58 ? 128 : (fam == 4 ? 0 : 8); /* IPv6 asks, IPv4 answers */
		l4[1] = 0;
		l4[4] = (uint8_t)(sport >> 8);
		l4[5] = (uint8_t)sport;
	} else {
		l4[0] = (uint8_t)(sport >> 8);
		l4[1] = (uint8_t)sport;
		l4[2] = (uint8_t)(dport >> 8);
		l4[3] = (uint8_t)dport;
		if (proto == 6) {
			static const uint8_t fl[] = {0x02, 0x10, 0x12, 0x18, 0x11, 0x04, 0x10, 0x10};
			l4[12] = 0x50;
			l4[13] = fl[r % sizeof(fl)];
		}
	}
	l4_set(fam, src, dst, proto, l4, l4len);
	unsigned off = csum_off(proto);
	if ((r >> 8) % 8 == 0 && aim_ok(proto)) {
		uint16_t c = csums[(r >> 12) % 5];
		l4[off] = (uint8_t)(c >> 8);
		l4[off + 1] = (uint8_t)c;
	} else if ((r >> 8) % 8 == 1 && (proto == 6 || proto == 17)) {
		/* left partial by the sender */
		uint16_t c = ref_fold(fam == 6 ? ref_ph6(src, dst, proto, l4len) : ref_ph4(src, dst, proto, l4len));
		l4[off] = (uint8_t)(c >> 8);
		l4[off + 1] = (uint8_t)c;
	}
}

/* An IPv6 client's packet to an IPv4 server through pool6, or an IPv4 server's (or a stranger's) back. */
static uint32_t build_nat(int family, uint8_t *p)
{
	uint32_t r = rnd();
	static const uint8_t protos4[] = {6, 6, 17, 17, 1}, last6[] = {1, 2, 3, 0xdd};
	uint8_t proto = protos4[r % 5];
	uint32_t l4len = (r >> 4) % 8 == 0 ? 1200 + rnd() % 300 : (proto == 6 ? 20 : 8) + rnd() % 40;

	if (family == 6) {
		uint8_t src[16], dst[16];
		memcpy(src, ip6("2001:db8:7::"), 16);
		src[15] = last6[(r >> 8) % 4];
		src[14] = (uint8_t)((r >> 10) % 4);
		memcpy(dst, ip6("64:ff9b::198.18.0.0"), 16);
		dst[15] = (uint8_t)((r >> 12) % 3 == 0 ? 0xee : (r >> 14) % 4); /* some without a route */
		uint16_t sport = (uint16_t)(40000 + (r >> 16) % 8), dport = (uint16_t)(80 + (r >> 20) % 2);
		nat_l4(6, p + 40, l4len, proto == 1 ? 58 : proto, src, dst, sport, dport);
		put_ip6(p, (uint8_t)rnd(), 0, (uint16_t)l4len, proto == 1 ? 58 : proto,
			(uint8_t)((r >> 24) % 16 == 0 ? 1 : 64), src, dst);
		return 40 + l4len;
	}
	struct flow4 f;
	if (n_seen && (r >> 8) % 8 != 0) {
		f = seen[(r >> 11) % n_seen];
	} else { /* a port nobody holds, or a stranger */
		f.proto = proto;
		f.local4 = be4("203.0.113.1");
		f.remote4 = be4("198.18.0.1");
		f.lport = (uint16_t)(61000 + (r >> 11) % 1000);
		f.rport = 80;
	}
	if ((r >> 22) % 16 == 0)
		f.remote4 = be4("198.18.0.9"); /* another server: ADF's question */
	proto = f.proto;
	if (proto == 6 && l4len < 20)
		l4len = 20;
	uint8_t src[4], dst[4];
	memcpy(src, &f.remote4, 4);
	memcpy(dst, &f.local4, 4);
	nat_l4(4, p + 20, l4len, proto, src, dst, f.rport, f.lport);
	if (proto == 1) { /* the identifier goes where the port would */
		p[20 + 4] = (uint8_t)(f.lport >> 8);
		p[20 + 5] = (uint8_t)f.lport;
		l4_set(4, src, dst, 1, p + 20, l4len);
	}
	put_ip4(p, 20, (uint8_t)rnd(), (uint16_t)(20 + l4len), (uint16_t)rnd(), (r >> 26) % 2 ? 0x4000 : 0,
		(uint8_t)((r >> 27) % 16 == 0 ? 1 : 64), proto, src, dst);
	return 20 + l4len;
}

/* Remember where a translated 6->4 packet went, for the IPv4 side's answers. */
static void learn(const struct xlat_pkt *k)
{
	const uint8_t *p = k->data;
	struct flow4 f = {.proto = p[9]};

	if (k->family != 4 || (p[9] == 1 && p[20] != 8))
		return;
	memcpy(&f.local4, p + 12, 4);
	memcpy(&f.remote4, p + 16, 4);
	f.lport = p[9] == 1 ? (uint16_t)(p[24] << 8 | p[25]) : (uint16_t)(p[20] << 8 | p[21]);
	f.rport = p[9] == 1 ? 0 : (uint16_t)(p[22] << 8 | p[23]);
	seen[n_seen < NFLOWS ? n_seen++ : rnd() % NFLOWS] = f;
}

/* What a NAT64 run counts, beside its comparisons. */
#define NAT_BURST 8

struct nat_tally {
	unsigned fast, slow, replies, frags, fast_partial, runs, multi;
};

/*
 * A packet the fast side took (verdict v, or the verdict of xlat_process() on
 * xa where it declined) against xlat_process() on xb: the same verdict, bytes
 * and pkt fields (the counters and the random state: nat_same() once xb has
 * caught up).
 */
static void nat_took(struct xlat_ctx *xb, struct xlat_pkt *pa, struct xlat_pkt *pb, int v, unsigned i,
		     struct nat_tally *n)
{
	int family = pb->family;
	int w = xlat_process(xb, pb);
	if (v != w)
		fail_msg("packet %u (%s, len %u): verdict %d, xlat_process %d", i, family == 6 ? "6->4" : "4->6",
			 pa->len, v, w);
	if (v == XV_DROP)
		return;
	assert_int_equal(pa->len, pb->len);
	assert_int_equal(pa->family, pb->family);
	assert_int_equal(pa->frag_size, pb->frag_size);
	assert_int_equal(pa->route.nexthop, pb->route.nexthop);
	if (memcmp(pa->data, pb->data, pa->len) != 0) {
		for (unsigned k = 0; k < pa->len; k++)
			if (pa->data[k] != pb->data[k]) {
				fail_msg("packet %u (%s): byte %u differs: %02x, xlat_process %02x", i,
					 family == 6 ? "6->4" : "4->6", k, pa->data[k], pb->data[k]);
			}
	}
	n->replies += v == XV_REPLY;
	n->frags += pa->frag_size != 0;
	if (v == XV_FORWARD && family == 6)
		learn(pb);
}

/* Both sides where they must be after the same packets: every counter, the random state. */
static void nat_same(const struct xlat_ctx *xa, const struct xlat_ctx *xb, const uint64_t *ca, const uint64_t *cb,
		     unsigned i)
{
	for (unsigned k = 0; k < XSTAT_MAX; k++)
		if (ca[k] != cb[k])
			fail_msg("packet %u: counter %u: %lu, xlat_process %lu", i, k, (unsigned long)ca[k],
				 (unsigned long)cb[k]);
	assert_int_equal(xa->rand_state, xb->rand_state);
}

/*
 * A burst's packets k.. (ma / mb: the same bytes; pa / pb their pkts) on xa:
 * through xlat_fast_run() (run: hint0 as a worker passes it, -1 without a
 * burst lookup), in order until the first it declines, or (!run) one packet
 * through xlat_fast64/46(); a declined packet, untouched with everything after
 * it, through xlat_process(). On xb each through xlat_process(); everything
 * compared. How many packets it took care of.
 */
static unsigned nat_step(struct xlat_ctx *xa, struct xlat_ctx *xb, uint64_t *ca, uint64_t *cb,
			 struct xlat_fmemo *memo, uint8_t (*ma)[BUFSZ], uint8_t (*mb)[BUFSZ], struct xlat_pkt *pa,
			 struct xlat_pkt *pb, unsigned k, unsigned nb, bool run, int hint0, unsigned i,
			 struct nat_tally *n)
{
	uint8_t v[NAT_BURST];
	uint64_t partial_before = ca[XLAT_CSUM_PARTIAL];
	unsigned took;

	if (run) {
		took = xlat_fast_run(xa, pa + k, nb - k, memo, v, hint0);
		n->runs++;
		n->multi += took > 1;
	} else {
		nat64_hint(xa, k);
		int r = pa[k].family == 6 ? xlat_fast64(xa, &pa[k], memo) : xlat_fast46(xa, &pa[k], memo);
		took = r != XF_SLOW;
		v[0] = (uint8_t)r;
	}
	n->fast += took;
	n->fast_partial += (unsigned)(ca[XLAT_CSUM_PARTIAL] - partial_before);
	for (unsigned j = 0; j < took; j++)
		nat_took(xb, &pa[k + j], &pb[k + j], v[j], i + j, n);
	nat_same(xa, xb, ca, cb, i + took);
	if (k + took == nb || (!run && took)) /* packet by packet: one at a time */
		return took;
	/* declined: it and the packets after it untouched, nothing counted, no random draw (nat_same above) */
	k += took;
	n->slow++;
	for (unsigned j = k; j < nb; j++)
		if (memcmp(ma[j], mb[j], BUFSZ) != 0)
			fail_msg("packet %u: declined packet %u of a burst changed (or one after it)", i + took, j);
	if (run)
		nat64_hint(xa, k); /* as the worker does before the general path */
	int r = xlat_process(xa, &pa[k]);
	nat_took(xb, &pa[k], &pb[k], r, i + took, n);
	nat_same(xa, xb, ca, cb, i + took + 1);
	return took + 1;
}

/*
 * The store's own consistency: every live session is found through both of
 * its indexes under its key's real hash, and its BIB entry through both of
 * its own (a session filed under another hash, e.g. a stale guess's, is found
 * by its recent-flow slot for a while, and lost when that is reused).
 */
static void check_indexes(const struct nat64_table *t)
{
	for (uint32_t i = 0; i < t->max; i++) {
		const struct session *s = &t->sess[i];
		struct nat64_key k;
		if (s->list == LIST_FREE)
			continue;
		key6_mk(&k, s->proto, s->a6, s->p6, s->remote4, s->rport);
		if (sess_find6(t, &k, hash_s6(t, &k)) != (int32_t)i)
			fail_msg("session %u: not found by its IPv6 side", i);
		key4_mk(&k, s->proto, s->a4, s->p4, s->remote4, s->rport);
		if (sess_find4(t, &k, hash_s4(t, s->proto, s->a4, s->p4, s->remote4, s->rport)) != (int32_t)i)
			fail_msg("session %u: not found by its IPv4 side", i);
		if (bib_find6(t, &k, hash_b6(t, s->proto, s->a6, s->p6)) != (int32_t)s->bib ||
		    bib_find4(t, s->proto, s->a4, s->p4) != (int32_t)s->bib)
			fail_msg("session %u: its BIB entry %u not found by both sides", i, s->bib);
	}
}

/*
 * The packets come in bursts of 1 to 8, and xa looks each burst up first
 * (nat64_lookup_burst, then nat64_hint per packet), as a worker does with a
 * large table: hints, the burst's misses and BIB lookups, its guesses of new
 * flows' ports and the candidates it hands the search must change nothing
 * (xb, without bursts); every third burst goes without, as with a small table
 * (nat64_burst_worth: each packet tries its recent-flow slot itself).
 */
static void run_nat(bool adf)
{
	static uint8_t ma[NAT_BURST][BUFSZ], mb[NAT_BURST][BUFSZ];
	static uint64_t ca[XSTAT_MAX], cb[XSTAT_MAX];
	struct xlat_ctx xa, xb;
	static struct xlat_fmemo memo;
	struct nat_tally n = { 0 };
	unsigned bursts = 0;
	char name[32];

	setup_nat_cfg(adf);
	xlat_fmemo_init(&memo);
	ctx_init(&xa, ca);
	ctx_init(&xb, cb);
	snprintf(name, sizeof(name), "fa%d%d", adf, (int)getpid());
	xa.nat = nat64_table_create(name, 4096, 0, 1, SOCKET_ID_ANY);
	snprintf(name, sizeof(name), "fb%d%d", adf, (int)getpid());
	xb.nat = nat64_table_create(name, 4096, 0, 1, SOCKET_ID_ANY);
	assert_non_null(xa.nat);
	assert_non_null(xb.nat);
	n_seen = 0;
	for (unsigned i = 0; i < NAT_ROUNDS; bursts++) {
		unsigned nb = 1 + rnd() % NAT_BURST;
		const uint8_t *l3[NAT_BURST];
		uint32_t len[NAT_BURST];
		if (i / 4096 != (i + nb) / 4096) { /* as a new configuration snapshot would */
			xlat_fmemo_reset(&memo);
			draw_header_settings();
			check_indexes(xa.nat);
		}
		if (i / 64 != (i + nb) / 64) { /* time goes on, sessions expire: the same on both sides */
			xa.now_ns = xb.now_ns += (rnd() % 20000) * 1000000ull;
			assert_int_equal(nat64_expire(xa.nat, &cfg, xa.now_ns / 1000000u, 1000),
					 nat64_expire(xb.nat, &cfg, xb.now_ns / 1000000u, 1000));
		}
		struct xlat_pkt pa[NAT_BURST], pb[NAT_BURST];
		for (unsigned k = 0; k < nb; k++) {
			int family = rnd() % 2 ? 6 : 4;
			memset(ma[k], 0x5a, BUFSZ);
			len[k] = build_nat(family, ma[k] + HEADROOM);
			memcpy(mb[k], ma[k], BUFSZ);
			l3[k] = ma[k] + HEADROOM;
			pa[k] = (struct xlat_pkt){
				.data = ma[k] + HEADROOM, .len = len[k], .headroom = HEADROOM,
				.tailroom = BUFSZ - HEADROOM - len[k], .family = family,
			};
			pb[k] = pa[k];
			pb[k].data = mb[k] + HEADROOM;
		}
		bool looked = bursts % 3 != 2;
		nat64_lookup_burst(&xa, l3, len, looked ? nb : 0);
		for (unsigned k = 0; k < nb;) {
			unsigned done = nat_step(&xa, &xb, ca, cb, &memo, ma, mb, pa, pb, k, nb, bursts % 2 == 0,
						 looked ? (int)k : -1, i, &n);
			k += done;
			i += done;
		}
	}
	print_message("NAT64%s: %u fast (%u with a partial checksum finished), %u declined, %u ICMP errors, "
		      "%u fragmented; %lu sessions made; %u bursts, %u runs of xlat_fast_run() (%u took several)\n",
		      adf ? " (ADF)" : "", n.fast, n.fast_partial, n.slow, n.replies, n.frags,
		      (unsigned long)cb[XLAT_NAT64_SESSION_CREATED], bursts, n.runs, n.multi);
	assert_true(n.multi > NAT_ROUNDS / 100);
	assert_true(n.fast > NAT_ROUNDS / 4);
	assert_true(n.fast_partial > NAT_ROUNDS / 100);
	assert_true(n.replies > 100);
	assert_true(n.frags > 10);
	check_indexes(xa.nat);
	check_indexes(xb.nat);
	nat64_table_free(xa.nat);
	nat64_table_free(xb.nat);
}

static void test_nat64_fast_same_as_xlat_process(void **state)
{
	(void)state;
	run_nat(false);
}

static void test_nat64_fast_same_as_xlat_process_adf(void **state)
{
	(void)state;
	run_nat(true);
}

/*
 * The caches in front of the tables are only as good as their slots: NAT64's
 * recent flows (nat64_db.h recent_hash6/4_of()) and the memo (xlat_fast.h
 * xlat_fm_slot4/6()). A wrong slot costs a lookup, never a wrong answer (each
 * is checked against the full key), so these are performance properties, with
 * the patterns real traffic and the benchmarks have: hosts, servers and ports
 * that count up. Two keys of a pattern must never share a slot and check (the
 * recent table would take one for the other, a miss every time), and
 * consecutive keys must fill the slots about as well as random ones would.
 */
#define HASH_KEYS 65536u

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* How many of the sorted v[0..n) are distinct. */
static unsigned distinct_u64(uint64_t *v, unsigned n)
{
	unsigned d = n ? 1 : 0;

	qsort(v, n, sizeof(*v), cmp_u64);
	for (unsigned i = 1; i < n; i++)
		d += v[i] != v[i - 1];
	return d;
}

/* Pattern p's flow i, IPv6 side: hosts, ports, servers counting up, or the benchmarks' mix. */
static uint64_t recent6_of_pattern(unsigned p, unsigned i)
{
	uint8_t a6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 7};
	uint16_t sport = 20000, host = 1;
	uint8_t s4[4] = {198, 18, 0, 1};

	if (p == 0)
		host = (uint16_t)i;
	else if (p == 1)
		sport = (uint16_t)i;
	else if (p == 2)
		s4[2] = (uint8_t)(i >> 8), s4[3] = (uint8_t)i;
	else
		host = (uint16_t)(i / 1024), s4[2] = (uint8_t)(i % 1024 >> 8), s4[3] = (uint8_t)(i % 1024);
	a6[14] = (uint8_t)(host >> 8);
	a6[15] = (uint8_t)host;
	uint32_t r4;
	memcpy(&r4, s4, 4);
	return recent_hash6_of(IPPROTO_UDP, a6, sport, r4, 53);
}

static uint64_t recent4_of_pattern(unsigned p, unsigned i)
{
	uint8_t l4[4] = {192, 0, 2, 1}, s4[4] = {198, 18, 0, 1};
	uint16_t p4 = 1024;
	uint32_t a, r;

	if (p == 0)
		p4 = (uint16_t)i;
	else if (p == 1)
		s4[2] = (uint8_t)(i >> 8), s4[3] = (uint8_t)i;
	else if (p == 2)
		l4[2] = (uint8_t)(i >> 8), l4[3] = (uint8_t)i;
	else
		p4 = (uint16_t)(1024 + i / 1024), s4[2] = (uint8_t)(i % 1024 >> 8), s4[3] = (uint8_t)(i % 1024);
	memcpy(&a, l4, 4);
	memcpy(&r, s4, 4);
	return recent_hash4_of(IPPROTO_UDP, a, p4, r, 53);
}

static void test_cache_slots(void **state)
{
	static uint64_t v[HASH_KEYS];
	(void)state;

	for (unsigned side = 0; side < 2; side++)
		for (unsigned p = 0; p < 4; p++) {
			/* slot and check: the hash's bits 19-63 (recent_slot(), recent_check()) */
			for (unsigned i = 0; i < HASH_KEYS; i++)
				v[i] = (side ? recent4_of_pattern(p, i) : recent6_of_pattern(p, i)) >> 19;
			unsigned d = distinct_u64(v, HASH_KEYS);
			/* the slots of as many consecutive flows as there are slots */
			for (unsigned i = 0; i < RECENT_SLOTS; i++)
				v[i] = (side ? recent4_of_pattern(p, i) : recent6_of_pattern(p, i)) >> (64 - RECENT_BITS);
			unsigned slots = distinct_u64(v, RECENT_SLOTS);
			print_message("recent%s pattern %u: %u of %u keys told apart, %u of %u slots filled\n",
				      side ? "4" : "6", p, d, HASH_KEYS, slots, RECENT_SLOTS);
			assert_int_equal(d, HASH_KEYS);
			assert_true(slots > RECENT_SLOTS / 2); /* random keys: 63%; measured 61-97% */
		}
	/* the memo: as many consecutive addresses as it has slots (a /96 pool6's IPv4 part, an IPv6 host's) */
	for (unsigned p = 0; p < 3; p++) {
		for (unsigned i = 0; i < XLAT_FMEMO_SLOTS; i++) {
			uint8_t a6[16] = {0x00, 0x64, 0xff, 0x9b};
			uint32_t a4 = rte_cpu_to_be_32(0xc6120000u + i);
			memcpy(a6 + 12, &a4, 4);
			if (p == 1)
				a6[1] = 0x20, a6[13] = 0;
			v[i] = p == 2 ? xlat_fm_slot4(a4) : xlat_fm_slot6(a6);
		}
		unsigned slots = distinct_u64(v, XLAT_FMEMO_SLOTS);
		print_message("memo pattern %u: %u of %u slots filled\n", p, slots, XLAT_FMEMO_SLOTS);
		assert_true(slots > XLAT_FMEMO_SLOTS * 8 / 10); /* measured: 87% */
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fast64_same_as_xlat_process),
		cmocka_unit_test(test_fast46_same_as_xlat_process),
		cmocka_unit_test(test_nat64_fast_same_as_xlat_process),
		cmocka_unit_test(test_nat64_fast_same_as_xlat_process_adf),
		cmocka_unit_test(test_cache_slots),
	};
	return EAL_TEST_RUN("txfast", "64", tests);
}
