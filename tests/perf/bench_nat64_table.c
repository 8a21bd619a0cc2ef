/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The cost of lib/nat64_*.c's tables alone, in TSC cycles per operation, with
 * no packet I/O and no header translation around them: how much of a NAT64
 * packet's budget goes to finding (or making) its session.
 *
 *   established 6->4 / 4->6: nat64_out / nat64_in on live sessions, in a
 *                            random order (a real mix: no two packets in a
 *                            row share cache lines) and in creation order
 *   new:                     nat64_out creating a session (and its BIB entry)
 *   churn:                   steady state, a new session for every expired one
 *   new in bursts:           new sessions again (a new table) through
 *                            nat64_lookup_burst and nat64_hint, as the worker
 *                            makes them
 *
 * at 1 000, 100 000 and 1 000 000 live sessions. Run it through meson
 * (`meson test -C build --benchmark --suite perf -v`) or directly:
 *   build/tests/perf/bench_nat64_table [--no-huge] [max-sessions...]
 * It asserts nothing about time (this machine is shared); it fails only when
 * the table does not behave (a lookup that misses, a refused flow).
 */
#include <inttypes.h>
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_malloc.h>
#include <rte_random.h>

#include "nat64.h"
#include "stats.h"
#include "xlat.h"
#include "bytes.h"
#include "nat64_filter.h"

struct flow {
	uint8_t pkt6[48]; /* its IPv6/UDP header, for the burst lookups */
	uint8_t pkt4[28]; /* the reply's IPv4/UDP header */
	uint8_t src6[16];
	uint16_t sport;
	uint32_t dst4;
	uint32_t a4; /* the pool4 side, once made */
	uint16_t p4;
};

static struct xlat_config cfg;
static uint64_t ctr[XSTAT_MAX];

static void mkflow(struct flow *f, uint32_t i)
{
	static const uint8_t base[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };

	memcpy(f->src6, base, 16);
	f->src6[4] = (uint8_t)(i >> 24);
	f->src6[5] = (uint8_t)(i >> 16);
	f->src6[6] = (uint8_t)(i >> 8);
	f->src6[7] = (uint8_t)i;
	f->sport = (uint16_t)(1024 + i % 50000);
	f->dst4 = __builtin_bswap32(0xcb007100u | (i % 250)); /* 203.0.113.x */
	/* 2001:db8:<i>::1#sport -> 64:ff9b::203.0.113.x#53 */
	memset(f->pkt6, 0, sizeof(f->pkt6));
	f->pkt6[0] = 0x60;
	f->pkt6[5] = 8;
	f->pkt6[6] = 17;
	f->pkt6[7] = 64;
	memcpy(f->pkt6 + 8, f->src6, 16);
	f->pkt6[24] = 0x00;
	f->pkt6[25] = 0x64;
	f->pkt6[26] = 0xff;
	f->pkt6[27] = 0x9b;
	memcpy(f->pkt6 + 36, &f->dst4, 4);
	f->pkt6[40] = (uint8_t)(f->sport >> 8);
	f->pkt6[41] = (uint8_t)f->sport;
	f->pkt6[43] = 53;
}

/* once the session exists: 203.0.113.x#53 -> pool4 address#port */
static void mkreply(struct flow *f)
{
	memset(f->pkt4, 0, sizeof(f->pkt4));
	f->pkt4[0] = 0x45;
	f->pkt4[3] = 28;
	f->pkt4[8] = 64;
	f->pkt4[9] = 17;
	memcpy(f->pkt4 + 12, &f->dst4, 4);
	memcpy(f->pkt4 + 16, &f->a4, 4);
	f->pkt4[21] = 53;
	f->pkt4[22] = (uint8_t)(f->p4 >> 8);
	f->pkt4[23] = (uint8_t)f->p4;
}

#define BURST 32

/*
 * Each measured phase is its own function, kept out of line, so that
 * callgrind gives its instructions per operation (deterministic, where the
 * cycles are not on a shared machine):
 *   valgrind --tool=callgrind --toggle-collect='phase_*' \
 *            build/tests/perf/bench_nat64_table --no-huge 100000
 *   callgrind_annotate --inclusive=yes callgrind.out.* | grep phase_
 * and divide by the sessions (phase_est6 runs twice, in order and random;
 * churn: divide by min(sessions, 200000)).
 */
#define PHASE __attribute__((noinline))

static PHASE int phase_new(struct xlat_ctx *ctx, struct flow *fl, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		struct flow *f = &fl[i];
		if (nat64_out(ctx, 17, f->src6, f->sport, f->dst4, 53, 0, &f->a4, &f->p4) != XLAT_OK) {
			fprintf(stderr, "flow %u refused\n", i);
			return 1;
		}
	}
	return 0;
}

static PHASE int phase_est6(struct xlat_ctx *ctx, struct flow *fl, const uint32_t *order, uint32_t n)
{
	uint32_t a4;
	uint16_t p4;
	int rc = 0;

	for (uint32_t i = 0; i < n; i++) {
		struct flow *f = &fl[order ? order[i] : i];
		rc |= nat64_out(ctx, 17, f->src6, f->sport, f->dst4, 53, 0, &a4, &p4) != XLAT_OK;
	}
	return rc;
}

static PHASE int phase_est4(struct xlat_ctx *ctx, struct flow *fl, const uint32_t *order, uint32_t n)
{
	uint16_t p6;
	uint8_t a6[16];
	int rc = 0;

	for (uint32_t i = 0; i < n; i++) {
		struct flow *f = &fl[order[i]];
		rc |= nat64_in(ctx, 17, f->dst4, 53, f->a4, f->p4, 0, a6, &p6) != XLAT_OK;
	}
	return rc;
}

/* The oldest session expires as each new one comes (its timer is due one step later each time). */
static PHASE int phase_churn(struct xlat_ctx *ctx, uint32_t n, uint32_t churn, uint64_t base_ms)
{
	uint32_t a4;
	uint16_t p4;

	for (uint32_t i = 0; i < churn; i++) {
		struct flow f;
		mkflow(&f, n + 1 + i);
		ctx->now_ns += 1000000u; /* 1 ms a step; the sessions above were all made at the start */
		nat64_expire(ctx->nat, &cfg, base_ms + 1 + i, 1);
		if (nat64_out(ctx, 17, f.src6, f.sport, f.dst4, 53, 0, &a4, &p4) != XLAT_OK) {
			fprintf(stderr, "churn flow %u refused\n", i);
			return 1;
		}
	}
	return 0;
}

/* Established traffic in bursts, as the worker runs it: nat64_lookup_burst, then each packet. */
static inline int burst_pass(struct xlat_ctx *ctx, struct flow *fl, const uint32_t *order, uint32_t n, int family)
{
	const uint8_t *l3[BURST];
	uint32_t len[BURST], a4;
	uint16_t p4, p6;
	uint8_t a6[16];
	int bad = 0;

	for (uint32_t b = 0; b < n; b += BURST) {
		unsigned m = n - b < BURST ? n - b : BURST;
		for (unsigned i = 0; i < m; i++) {
			struct flow *f = &fl[order[b + i]];
			l3[i] = family == 6 ? f->pkt6 : f->pkt4;
			len[i] = family == 6 ? 48 : 28;
		}
		nat64_lookup_burst(ctx, l3, len, m);
		for (unsigned i = 0; i < m; i++) {
			struct flow *f = &fl[order[b + i]];
			nat64_hint(ctx, i);
			if (family == 6)
				bad |= nat64_out(ctx, 17, f->src6, f->sport, f->dst4, 53, 0, &a4, &p4) != XLAT_OK;
			else
				bad |= nat64_in(ctx, 17, f->dst4, 53, f->a4, f->p4, 0, a6, &p6) != XLAT_OK;
		}
	}
	return bad;
}

/* New sessions as the worker makes them: a burst's lookups (all misses), then each packet with its hint. */
static PHASE int phase_new_burst(struct xlat_ctx *ctx, struct flow *fl, uint32_t n)
{
	const uint8_t *l3[BURST];
	uint32_t len[BURST];

	for (uint32_t b = 0; b < n; b += BURST) {
		unsigned m = n - b < BURST ? n - b : BURST;
		for (unsigned i = 0; i < m; i++) {
			l3[i] = fl[b + i].pkt6;
			len[i] = 48;
		}
		nat64_lookup_burst(ctx, l3, len, m);
		for (unsigned i = 0; i < m; i++) {
			struct flow *f = &fl[b + i];
			nat64_hint(ctx, i);
			if (nat64_out(ctx, 17, f->src6, f->sport, f->dst4, 53, 0, &f->a4, &f->p4) != XLAT_OK) {
				fprintf(stderr, "flow %u refused (bursts)\n", b + i);
				return 1;
			}
		}
	}
	return 0;
}

static PHASE int phase_burst6(struct xlat_ctx *ctx, struct flow *fl, const uint32_t *order, uint32_t n)
{
	return burst_pass(ctx, fl, order, n, 6);
}

static PHASE int phase_burst4(struct xlat_ctx *ctx, struct flow *fl, const uint32_t *order, uint32_t n)
{
	return burst_pass(ctx, fl, order, n, 4);
}

static void shuffle(uint32_t *v, uint32_t n)
{
	for (uint32_t i = n - 1; i > 0; i--) {
		uint32_t j = (uint32_t)(rte_rand() % (i + 1));
		uint32_t t = v[i];
		v[i] = v[j];
		v[j] = t;
	}
}

/*
 * Time is this thread's CPU time (CLOCK_THREAD_CPUTIME_ID), in TSC cycles:
 * on a shared machine the wall clock counts the time other processes had the
 * core, the thread's own clock does not (their cache pollution still counts).
 */
static double tsc_ghz;

static uint64_t now_cycles(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)((ts.tv_sec * 1e9 + ts.tv_nsec) * tsc_ghz);
}

static double per_op(uint64_t cycles, uint32_t n)
{
	return (double)cycles / n;
}

static int run(uint32_t n)
{
	struct xlat_ctx ctx;
	struct flow *fl = rte_malloc(NULL, sizeof(*fl) * (n + 1), 64);
	uint32_t *order = rte_malloc(NULL, sizeof(*order) * n, 64);
	struct nat64_table *t = nat64_table_create("bench_", n, 0, 1, SOCKET_ID_ANY);
	int rc = 0;

	if (!fl || !order || !t) {
		fprintf(stderr, "out of memory for %u sessions (-m?)\n", n);
		return 1;
	}
	memset(&ctx, 0, sizeof(ctx));
	ctx.cfg = &cfg;
	ctx.counters = ctr;
	ctx.nat = t;
	ctx.now_ns = 1000000000ull;
	for (uint32_t i = 0; i < n; i++) {
		mkflow(&fl[i], i);
		order[i] = i;
	}
	shuffle(order, n);

	/* new sessions, into an empty table */
	uint64_t c0 = now_cycles();
	if ((rc = phase_new(&ctx, fl, n)) != 0)
		goto out;
	double c_new = per_op(now_cycles() - c0, n);
	for (uint32_t i = 0; i < n; i++)
		mkreply(&fl[i]);

	/* established, creation order, then random order, both directions */
	double c_seq6, c_rnd6, c_rnd4;
	c0 = now_cycles();
	rc |= phase_est6(&ctx, fl, NULL, n);
	c_seq6 = per_op(now_cycles() - c0, n);
	c0 = now_cycles();
	rc |= phase_est6(&ctx, fl, order, n);
	c_rnd6 = per_op(now_cycles() - c0, n);
	c0 = now_cycles();
	rc |= phase_est4(&ctx, fl, order, n);
	c_rnd4 = per_op(now_cycles() - c0, n);
	double c_b6, c_b4;
	c0 = now_cycles();
	rc |= phase_burst6(&ctx, fl, order, n);
	c_b6 = per_op(now_cycles() - c0, n);
	c0 = now_cycles();
	rc |= phase_burst4(&ctx, fl, order, n);
	c_b4 = per_op(now_cycles() - c0, n);
	if (rc) {
		fprintf(stderr, "an established flow missed its session\n");
		goto out;
	}

	/* churn: the oldest session expires as each new one comes (its timer is due one step later each time) */
	uint32_t churn = n < 200000 ? n : 200000;
	uint64_t base_ms = ctx.now_ns / 1000000u + cfg.g.nat.udp_timeout_ms;
	c0 = now_cycles();
	if ((rc = phase_churn(&ctx, n, churn, base_ms)) != 0)
		goto out;
	double c_churn = per_op(now_cycles() - c0, churn);

	/* new sessions again, into a new empty table, in bursts as the worker makes them */
	nat64_table_free(t);
	t = ctx.nat = nat64_table_create("bench_", n, 0, 1, SOCKET_ID_ANY);
	if (!t) {
		fprintf(stderr, "out of memory for a second table of %u sessions\n", n);
		rc = 1;
		goto out;
	}
	ctx.now_ns = 1000000000ull;
	c0 = now_cycles();
	if ((rc = phase_new_burst(&ctx, fl, n)) != 0)
		goto out;
	double c_newb = per_op(now_cycles() - c0, n);

	double hz = (double)rte_get_tsc_hz();
	printf("%9u sessions: new %6.0f cyc (%5.2f M/s) | est 6->4 in order %5.0f cyc, random %5.0f cyc (%5.2f Mpps)"
	       " | est 4->6 random %5.0f cyc | random in bursts of %d (nat64_lookup_burst): 6->4 %5.0f cyc (%5.2f Mpps),"
	       " 4->6 %5.0f cyc | churn (expire+new) %6.0f cyc (%5.2f M/s) | new in bursts %6.0f cyc (%5.2f M/s)\n",
	       n, c_new, hz / c_new / 1e6, c_seq6, c_rnd6, hz / c_rnd6 / 1e6, c_rnd4, BURST, c_b6, hz / c_b6 / 1e6, c_b4,
	       c_churn, hz / c_churn / 1e6, c_newb, hz / c_newb / 1e6);
out:
	nat64_table_free(t);
	rte_free(fl);
	rte_free(order);
	return rc;
}

int main(int argc, char **argv)
{
	char prefix[40];
	/* hugepages by default (4 KiB pages add a TLB miss to every random access); --no-huge to do without */
	char *eal[] = { "bench_nat64_table", "-l", "0", "--in-memory", "-m", "1024", "--no-pci",
			"--log-level", "*:error", "--file-prefix", prefix, NULL, NULL };
	uint32_t sizes[8] = { 1000, 100000, 1000000 };
	int n_sizes = 0, rc = 0, n_eal = 11;

	snprintf(prefix, sizeof(prefix), "bnat64_%d", (int)getpid());
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--no-huge") == 0) {
			eal[3] = "--no-huge";
			eal[n_eal++] = "--no-shconf";
		} else if (n_sizes < 8) {
			sizes[n_sizes++] = (uint32_t)strtoul(argv[i], NULL, 0);
		}
	}
	if (n_sizes == 0)
		n_sizes = 3;
	if (rte_eal_init(n_eal, eal) < 0) {
		fprintf(stderr, "rte_eal_init failed (hugepages? try --no-huge)\n");
		return 1;
	}
	tsc_ghz = rte_get_tsc_hz() / 1e9;
	xlat_config_init(&cfg, XLAT_MODE_NAT64);
	cfg.pool4[0] = (struct pool4_entry){ .proto = 17, .addr = __builtin_bswap32(0xc0000000u), .plen = 16,
					     .port_min = 1024, .port_max = 65535 };
	cfg.n_pool4 = 1;
	cfg.g.pool6_set = true;
	memset(cfg.g.pool6.addr, 0, 16);
	cfg.g.pool6.addr[1] = 0x64;
	cfg.g.pool6.addr[2] = 0xff;
	cfg.g.pool6.addr[3] = 0x9b;
	cfg.g.pool6.len = 96;
	printf("TSC %.2f GHz; cycles (of thread CPU time) per operation on one core, lib/nat64_*.c alone\n", rte_get_tsc_hz() / 1e9);
	for (int i = 0; i < n_sizes; i++)
		rc |= run(sizes[i]);
	rte_eal_cleanup();
	return rc;
}
