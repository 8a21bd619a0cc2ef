/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target: arbitrary bytes through xlat_process in NAT64 mode, with
 * one worker's real BIB/session tables (rte_hash) kept across inputs, so that
 * sequences of packets reach sessions, state changes, fragments and expiry.
 * First byte: direction and flags; the clock moves forward with every input.
 * The same inputs go through the fast paths (xlat_fast_run(), after a burst
 * lookup for half of them, else xlat_process()) on a second worker's tables:
 * each input's verdict, bytes and counters, and the sessions expired, must be
 * the first worker's.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>

#include "fuzz_common.h"
#include "nat64.h"
#include "xlat.h"
#include "xlat_fast.h"

static struct xlat_config cfg;
static uint64_t counters[XSTAT_MAX];
static struct nat64_table *table, *table_fast;
static uint64_t counters_fast[XSTAT_MAX];
static uint64_t clock_ns = 1000000000ull;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct prefix4 p;

	(void)argc;
	(void)argv;
	fuzz_nat64_start(&cfg);
	prefix4_parse("192.0.2.0/30", &p);
	struct bib_static b = { .proto = 17, .port6 = 53, .port4 = 1000, .addr4 = p.addr };
	struct prefix6 a6;
	prefix6_parse("2001:db8::5", &a6);
	memcpy(b.addr6, a6.addr, 16);
	cfg.bib[cfg.n_bib++] = b;
	cfg.g.nat.udp_timeout_ms = 120000;
	table = nat64_table_create("fz", 2048, 0, 1, -1);
	table_fast = nat64_table_create("fzf", 2048, 0, 1, -1);
	if (!table || !table_fast)
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t buf[4096];
	const uint32_t headroom = 128;

	if (size < 1 || size > sizeof(buf) - headroom - 64)
		return 0;
	uint8_t flags = data[0];
	cfg.g.nat.address_dependent_filtering = flags & 2;
	cfg.g.nat.drop_externally_initiated_tcp = flags & 4;
	clock_ns += (flags & 8) ? 200000000000ull : 1000000ull; /* sometimes jump past the timeouts */

	memset(buf, 0xee, sizeof(buf));
	memcpy(buf + headroom, data + 1, size - 1);
	struct xlat_ctx ctx = fuzz_ctx(&cfg, counters, fuzz_route, 1500, clock_ns);
	ctx.nat = table;
	struct xlat_pkt pkt = {
		.data = buf + headroom, .len = (uint32_t)(size - 1), .headroom = headroom,
		.tailroom = (uint32_t)(sizeof(buf) - headroom - (size - 1)), .family = (flags & 1) ? 4 : 6,
	};
	/* the fast side: the same bytes, its own tables and counters */
	static uint8_t fbuf[4096];
	static struct xlat_fmemo memo;
	static int opts_seen = -1;
	if (opts_seen != (flags & 6)) { /* the memo is one configuration's (xlat_fast.h) */
		xlat_fmemo_init(&memo);
		opts_seen = flags & 6;
	}
	memcpy(fbuf, buf, sizeof(fbuf));
	struct xlat_ctx fctx = fuzz_ctx(&cfg, counters_fast, fuzz_route, 1500, clock_ns);
	fctx.nat = table_fast;
	struct xlat_pkt fpkt = pkt;
	fpkt.data = fbuf + headroom;
	const uint8_t *l3 = fpkt.data;
	uint32_t l3len = fpkt.len;
	bool looked = flags & 16;
	nat64_lookup_burst(&fctx, &l3, &l3len, looked ? 1 : 0);
	uint8_t fv;
	int fr;
	if (xlat_fast_run(&fctx, &fpkt, 1, &memo, &fv, looked ? 0 : -1) == 1) {
		fr = fv;
	} else {
		if (memcmp(fbuf, buf, sizeof(buf)) != 0) /* declined: untouched */
			abort();
		nat64_hint(&fctx, 0);
		fr = xlat_process(&fctx, &fpkt);
	}

	enum xlat_verdict v = xlat_process(&ctx, &pkt);
	if (v != XV_DROP && (pkt.data < buf || pkt.data + pkt.len > buf + sizeof(buf)))
		abort();
	if (fr != (int)v || memcmp(counters, counters_fast, sizeof(counters)) != 0 || fctx.rand_state != ctx.rand_state)
		abort();
	if (v != XV_DROP && (fpkt.len != pkt.len || fpkt.data - fbuf != pkt.data - buf || fpkt.frag_size != pkt.frag_size ||
			     memcmp(fpkt.data, pkt.data, pkt.len) != 0))
		abort();
	if (nat64_expire(table, &cfg, clock_ns / 1000000u, 64) != nat64_expire(table_fast, &cfg, clock_ns / 1000000u, 64))
		abort();
	return 0;
}
