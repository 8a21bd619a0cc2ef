/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The SIIT fast paths (lib/fast64.c, lib/fast46.c) alone, in TSC cycles per
 * packet, with no port around them: what the translation of one small UDP
 * datagram costs beside the copy a receive makes, in each direction, without
 * the spread of the port benchmark (bench.sh: up to 1.8x between runs on a
 * shared VM). Each round copies a 32-frame burst into mbuf-like buffers
 * (2 KiB each, the frame at 128 bytes of headroom, as DPDK's and net_pcap's
 * receive leave it), translates it with xlat_fast_run() and, as the worker's
 * output pass does (dataplane/fastpath.h fp_stage()), writes the L2 header in
 * front and reads the destination back for the neighbour test. The copy alone
 * is measured the same way and reported beside it.
 *
 *   build/tests/perf/bench_xlat_fast [rounds]
 *
 * It asserts that every packet was translated, never a time.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>

#include "eamt.h"
#include "pktbuild.h"
#include "stats.h"
#include "xlat.h"
#include "xlat_fast.h"
#include "xlat_fixture.h"

#define BURST 32
#define BUFSZ 2048
#define HEADROOM 128
#define ETH 14
#define PAYLOAD 18 /* 80-byte IPv6 frames, 60-byte IPv4 ones: bench.sh's */
#define REPS 15

static struct xlat_config cfg;
static uint64_t ctr[XSTAT_MAX];
static uint8_t bufs[BURST][BUFSZ] __attribute__((aligned(64)));

static int route_cb(void *opaque, int family, const uint8_t *dst, struct xlat_route *out)
{
	(void)opaque;
	(void)family;
	(void)dst;
	memset(out, 0, sizeof(*out));
	out->mtu = 1500;
	return 0;
}

/* An Ethernet + IP + UDP frame from src to dst (EAMT addresses both), checksums right; its length. */
static uint32_t frame(uint8_t *f, int fam)
{
	uint8_t *l3 = f + ETH, *l4;
	uint32_t l3len;

	memset(f, 0, ETH);
	f[12] = fam == 6 ? 0x86 : 0x08;
	f[13] = fam == 6 ? 0xdd : 0x00;
	if (fam == 6) {
		l3len = 40 + 8 + PAYLOAD;
		put_ip6(l3, 0, 0, 8 + PAYLOAD, 17, 64, ip6("2001:db8:3::5"), ip6("2001:db8:3::9"));
		l4 = l3 + 40;
	} else {
		l3len = 20 + 8 + PAYLOAD;
		put_ip4(l3, 20, 0, (uint16_t)l3len, 1, 0x4000, 64, 17, ip4("1.0.0.9"), ip4("1.0.0.5"));
		l4 = l3 + 20;
	}
	l4[0] = 0x30;
	l4[1] = 0x39;
	l4[2] = 0x00;
	l4[3] = 0x35;
	l4[4] = 0;
	l4[5] = 8 + PAYLOAD;
	fill(l4 + 8, PAYLOAD);
	if (fam == 6)
		l4_set(6, l3 + 8, l3 + 24, 17, l4, 8 + PAYLOAD);
	else
		l4_set(4, l3 + 12, l3 + 16, 17, l4, 8 + PAYLOAD);
	return ETH + l3len;
}

/* The burst received: each frame copied into its buffer, as a receive does. */
static void receive(const uint8_t *tmpl, uint32_t flen, struct xlat_pkt *xp, int fam)
{
	for (unsigned i = 0; i < BURST; i++) {
		memcpy(bufs[i] + HEADROOM, tmpl, flen);
		xp[i].data = bufs[i] + HEADROOM + ETH;
		xp[i].len = flen - ETH;
		xp[i].headroom = HEADROOM + ETH;
		xp[i].tailroom = 0;
		xp[i].family = fam;
	}
}

static const uint8_t l2[ETH] = {2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x08, 0x00};

/*
 * Cycles per packet, the best of REPS: the copy alone (xlat false) or the copy,
 * the translation and the output pass's L2 header and neighbour read.
 */
static double cycles(int fam, bool xlat, unsigned rounds)
{
	struct xlat_ctx ctx;
	struct xlat_fmemo *m = aligned_alloc(64, (sizeof(*m) + 63) / 64 * 64);
	struct xlat_pkt xp[BURST];
	uint8_t v[BURST], tmpl[128];
	uint32_t flen = frame(tmpl, fam);
	double best = 1e30;
	volatile uint64_t sink = 0;

	if (!m) {
		fprintf(stderr, "no memory for the memo\n");
		exit(1);
	}
	xlat_fixture_ctx(&ctx, &cfg, ctr, route_cb);
	xlat_fmemo_init(m);
	for (unsigned r = 0; r < REPS; r++) {
		uint64_t t0 = rte_rdtsc();
		for (unsigned it = 0; it < rounds; it++) {
			receive(tmpl, flen, xp, fam);
			if (!xlat)
				continue;
			unsigned k = xlat_fast_run(&ctx, xp, BURST, m, v, -1);
			if (k != BURST) {
				fprintf(stderr, "%d: the fast path took %u of %u\n", fam, k, BURST);
				exit(1);
			}
			uint64_t acc = 0;
			for (unsigned i = 0; i < BURST; i++) {
				uint64_t d;
				memcpy(xp[i].data - ETH, l2, ETH);
				memcpy(&d, xp[i].data + (xp[i].family == 4 ? 16 : 24), 8);
				acc += d;
			}
			sink += acc;
		}
		double c = (double)(rte_rdtsc() - t0) / ((double)rounds * BURST);
		if (c < best)
			best = c;
	}
	free(m);
	(void)sink;
	return best;
}

int main(int argc, char **argv)
{
	unsigned rounds = argc > 1 ? (unsigned)atoi(argv[1]) : 100000;

	xlat_fixture_siit(&cfg);
	printf("SIIT fast path, one flow, %u bursts of %u, best of %u, TSC cycles per packet\n", rounds, BURST, REPS);
	for (int fam = 6; fam >= 4; fam -= 2) {
		double copy = cycles(fam, false, rounds), all = cycles(fam, true, rounds);
		printf("  %s: copy %.1f, copy + translate + L2 %.1f, translation %.1f\n", fam == 6 ? "6->4" : "4->6",
		       copy, all, all - copy);
	}
	return 0;
}
