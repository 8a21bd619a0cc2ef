/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target: arbitrary bytes as an IPv6 or IPv4 datagram through
 * xlat_process, with a realistic SIIT configuration (pool6, EAMT, rfc6791,
 * denylist). The first input byte picks the direction and a few options,
 * the ingress MTU among them (a small one makes most inputs super-frames:
 * translated without the size rules, then cut by xlat_tso_*). The output
 * must stay inside the buffer and be a well-formed length; fragments and
 * segments no longer than their size. The exception path's partial-checksum
 * finishing (xlat_csum_finish_partial) gets every input too.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "rfc6052.h"
#include "xlat.h"

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
