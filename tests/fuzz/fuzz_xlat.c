/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target: arbitrary bytes as an IPv6 or IPv4 datagram through
 * xlat_process, with a realistic SIIT configuration (pool6, EAMT, rfc6791,
 * denylist). The first input byte picks the direction and a few options,
 * the ingress MTU among them (a small one makes most inputs super-frames:
 * translated without the size rules, then cut by xlat_tso_*). The output
 * must stay inside the buffer and be a well-formed length; fragments and
 * segments no longer than their size. The exception path's partial-checksum
 * finishing (xlat_csum_finish_partial) gets every input too. And the fast
 * paths (xlat_fast_run(), a burst of two copies of the input, the memo kept
 * across inputs of the same options): what they take must be byte for byte,
 * verdict and counters what xlat_process() makes of the same two copies.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "rfc6052.h"
#include "xlat.h"
#include "xlat_fast.h"

static struct xlat_config cfg;
static uint64_t counters[XSTAT_MAX];

static int route(void *opaque, int family, const uint8_t *dst, struct xlat_route *out)
{
	if (family == 4 && dst[0] == 10)
		return -1; /* some destinations have no route */
	return fuzz_route(opaque, family, dst, out);
}

static void setup(void)
{
	fuzz_siit_config(&cfg);
	prefix4_parse("198.51.100.128/25", &cfg.denylist4[0]);
	cfg.n_denylist4 = 1;
}

/*
 * Two copies of the input through xlat_fast_run() on a context of its own,
 * then, for each it took, the same copy through xlat_process() in the same
 * order on another: the same verdict, bytes, length and counters (declined:
 * untouched, and the rest left to the general path on both sides).
 */
static void fast_same(const uint8_t *in, uint32_t len, int family, uint16_t in_mtu, uint8_t opts)
{
	static uint8_t fa[2][4096], fb[2][4096];
	static uint64_t ca[XSTAT_MAX], cb[XSTAT_MAX];
	static struct xlat_fmemo memo;
	static int opts_seen = -1;
	const uint32_t headroom = 128;
	struct xlat_pkt pa[2], pb[2];
	uint8_t v[2];

	if (opts_seen != opts) { /* the memo is one configuration's (xlat_fast.h) */
		xlat_fmemo_init(&memo);
		opts_seen = opts;
	}
	memset(ca, 0, sizeof(ca));
	memset(cb, 0, sizeof(cb));
	struct xlat_ctx xa = fuzz_ctx(&cfg, ca, route, in_mtu, 1000000000ull);
	struct xlat_ctx xb = fuzz_ctx(&cfg, cb, route, in_mtu, 1000000000ull);
	for (unsigned k = 0; k < 2; k++) {
		memset(fa[k], 0xee, sizeof(fa[k]));
		memcpy(fa[k] + headroom, in, len);
		memcpy(fb[k], fa[k], sizeof(fb[k]));
		pa[k] = (struct xlat_pkt){
			.data = fa[k] + headroom, .len = len, .headroom = headroom,
			.tailroom = (uint32_t)(sizeof(fa[k]) - headroom - len), .family = family,
		};
		pb[k] = pa[k];
		pb[k].data = fb[k] + headroom;
	}
	for (unsigned k = 0; k < 2;) {
		unsigned took = xlat_fast_run(&xa, pa + k, 2 - k, &memo, v + k, -1);
		for (unsigned j = k; j < k + took; j++) {
			if ((int)v[j] != (int)xlat_process(&xb, &pb[j]) || pa[j].len != pb[j].len ||
			    pa[j].data - fa[j] != pb[j].data - fb[j] || memcmp(fa[j], fb[j], sizeof(fa[j])) != 0)
				abort();
		}
		k += took;
		if (memcmp(ca, cb, sizeof(ca)) != 0 || xa.rand_state != xb.rand_state)
			abort();
		if (k == 2)
			break;
		if (memcmp(fa[k], fb[k], sizeof(fa[k])) != 0) /* declined: untouched */
			abort();
		xlat_process(&xa, &pa[k]);
		xlat_process(&xb, &pb[k]);
		k++;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t buf[4096];
	static int ready;
	const uint32_t headroom = 128;

	if (!ready) {
		setup();
		ready = 1;
	}
	if (size < 1 || size > sizeof(buf) - headroom - 64)
		return 0;
	uint8_t flags = data[0];
	cfg.g.amend_udp_checksum_zero = flags & 2;
	cfg.g.lowest_ipv6_mtu = (flags & 4) ? 1500 : 1280;
	cfg.g.eam_hairpin_mode = (flags & 8) ? EAM_HAIRPIN_OFF : EAM_HAIRPIN_INTRINSIC;

	memset(buf, 0xee, sizeof(buf));
	memcpy(buf + headroom, data + 1, size - 1);
	struct xlat_ctx ctx = fuzz_ctx(&cfg, counters, route, (flags & 16) ? 576 : 1500, 1000000000ull);
	struct xlat_pkt pkt = {
		.data = buf + headroom, .len = (uint32_t)(size - 1), .headroom = headroom,
		.tailroom = (uint32_t)(sizeof(buf) - headroom - (size - 1)), .family = (flags & 1) ? 4 : 6,
	};
	fast_same(data + 1, (uint32_t)(size - 1), (flags & 1) ? 4 : 6, (flags & 16) ? 576 : 1500, flags & 0x1e);
	static uint8_t copy[4096];
	memcpy(copy, data + 1, size - 1);
	xlat_csum_finish_partial(copy, (uint32_t)(size - 1), (flags & 1) ? 4 : 6);
	enum xlat_verdict v = xlat_process(&ctx, &pkt);
	if (v != XV_DROP) {
		if (pkt.data < buf || pkt.data + pkt.len > buf + sizeof(buf))
			abort();
		if (pkt.frag_size) {
			static uint8_t piece[4096];
			unsigned n = xlat_frag6_count(&pkt);
			for (unsigned i = 0; i < n; i++)
				if (xlat_frag6_write(&pkt, i, piece) > pkt.frag_size)
					abort();
		}
		if (pkt.seg_size) {
			static uint8_t seg[4096];
			unsigned n = xlat_tso_count(&pkt);
			for (unsigned i = 0; i < n; i++)
				if (xlat_tso_write(&pkt, i, seg) > pkt.seg_size)
					abort();
		}
	}
	return 0;
}
