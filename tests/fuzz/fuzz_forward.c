/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target: arbitrary bytes as an IPv6 or IPv4 datagram through the
 * forwarder (lib/forward.c) and, where it says so, the IPv4 fragmenter
 * (frag4.c) or the TCP segmenter (tso.c). The first input byte picks the
 * family, the ingress MTU (a small one makes most inputs super-frames) and
 * the kind of route; the route's MTU follows the destination. Checked: the
 * output stays inside the buffer; a forwarded packet left with exactly one
 * hop less and, for IPv4, a header that still verifies; a packet for the
 * host is untouched; fragments and segments fit their size, and fragments
 * carry the datagram's data whole, in order, once.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "checksum.h"
#include "forward.h"

static struct xlat_config cfg;
static uint64_t counters[XSTAT_MAX];
static uint8_t kind;

static int route_fwd(void *opaque, int family, const uint8_t *dst, struct fwd_route *out)
{
	(void)opaque;
	if (family == 4 && dst[0] == 10)
		return -1; /* some destinations have no route */
	memset(out, 0, sizeof(*out));
	out->kind = (enum fwd_kind)(kind % 5);
	out->r.mtu = (dst[family == 4 ? 3 : 15] & 1) ? 1280 : 1500;
	if (family == 4 && (dst[3] & 2))
		out->r.mtu = 68; /* RFC 791: the smallest an IPv4 link may be */
	return 0;
}

static int route_back(void *opaque, int family, const uint8_t *dst, struct xlat_route *out)
{
	(void)opaque;
	(void)family;
	(void)dst;
	memset(out, 0, sizeof(*out));
	out->mtu = 1500;
	return 0;
}

static void check_fragments(const struct xlat_pkt *pkt)
{
	static uint8_t piece[4096], joined[70000];
	const uint32_t ihl = (pkt->data[0] & 0xfu) * 4u, data = pkt->len - ihl;
	const uint32_t base = (uint32_t)((pkt->data[6] & 0x1f) << 8 | pkt->data[7]) * 8;
	unsigned n = xlat_frag4_count(pkt);
	uint32_t seen = 0;

	if (!n)
		abort(); /* the forwarder refuses what cannot be cut */
	for (unsigned i = 0; i < n; i++) {
		uint32_t len = xlat_frag4_write(pkt, i, piece), hl = (piece[0] & 0xfu) * 4u;
		uint32_t off = (uint32_t)((piece[6] & 0x1f) << 8 | piece[7]) * 8 - base;
		if (len > pkt->frag_size || len < hl || off != seen || csum_fold(csum_partial(piece, hl, 0)) != 0)
			abort();
		memcpy(joined + off, piece + hl, len - hl);
		seen += len - hl;
	}
	if (seen != data || memcmp(joined, pkt->data + ihl, data) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t buf[70000 + 256], orig[70000];
	static int ready;
	const uint32_t headroom = 128;

	if (!ready) {
		xlat_config_init(&cfg, XLAT_MODE_SIIT);
		cfg.g.icmp_errors_per_sec = 100;
		ready = 1;
	}
	if (size < 1 || size - 1 > sizeof(orig))
		return 0;
	uint8_t flags = data[0];
	kind = (flags >> 4) & 7;
	memset(buf, 0xee, sizeof(buf));
	memcpy(buf + headroom, data + 1, size - 1);
	memcpy(orig, data + 1, size - 1);
	struct xlat_ctx ctx = {
		.cfg = &cfg, .counters = counters, .route = route_back, .rand_state = 1, .now_ns = 1000000000ull,
		.in_self4 = 0x0100a8c0, .in_self4_set = true, .in_self6_set = true,
		.in_mtu = (flags & 2) ? 576 : 1500,
	};
	ctx.icmp_rl.tokens = 100;
	struct xlat_pkt pkt = {
		.data = buf + headroom, .len = (uint32_t)(size - 1), .headroom = headroom,
		.tailroom = (uint32_t)(sizeof(buf) - headroom - (size - 1)), .family = (flags & 1) ? 4 : 6,
	};
	enum fwd_verdict v = fwd_process(&ctx, &pkt, route_fwd, NULL);
	if (v == FV_DROP)
		return 0;
	if (pkt.data < buf || pkt.data + pkt.len > buf + sizeof(buf))
		abort();
	if (v == FV_HOST) {
		if (memcmp(buf + headroom, orig, size - 1) != 0)
			abort();
		return 0;
	}
	if (v == FV_REPLY)
		return 0;
	/* forwarded: one hop less, nothing else in the header changed but the IPv4 checksum */
	const unsigned hl = pkt.family == 4 ? 8 : 7;
	if (pkt.data != buf + headroom || pkt.data[hl] + 1 != orig[hl] || memcmp(pkt.data, orig, hl) != 0)
		abort();
	if (pkt.family == 4 && csum_fold(csum_partial(pkt.data, (pkt.data[0] & 0xfu) * 4u, 0)) != 0)
		abort();
	if (pkt.frag_size)
		check_fragments(&pkt);
	if (pkt.seg_size) {
		static uint8_t seg[4096];
		unsigned n = xlat_tso_count(&pkt);
		if (!n)
			abort();
		for (unsigned i = 0; i < n; i++)
			if (xlat_tso_write(&pkt, i, seg) > pkt.seg_size)
				abort();
	}
	return 0;
}
