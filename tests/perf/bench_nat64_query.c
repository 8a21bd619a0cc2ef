/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What one control-plane question costs the worker that answers it (issue 19,
 * lib/nat64_status.h): the time of one bounded walk of QUERY positions of a
 * table (dataplane/ctl_query.c's QUERY_SCAN_MAX) for each kind of question,
 * a session list filtered by a /64, BIB entries, per-subscriber counts, on a
 * table full of sessions (each with its own BIB entry, 100 hosts per /64), from position 0: the
 * pause in that worker's poll round. And what the control thread's lock-free
 * reads cost (occupancy, the per-address counts).
 *
 *   build/tests/perf/bench_nat64_query [--no-huge] [sessions]   (default 65536)
 *
 * TSC cycles and microseconds, best of 5 (this machine is shared: the median
 * of a busy minute moves by 30% and more). Asserts behaviour only.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_memory.h>

#include "nat64.h"
#include "nat64_filter.h"
#include "nat64_status.h"
#include "stats.h"
#include "xlat.h"

#define QUERY 4096u /* dataplane/ctl_query.c: QUERY_SCAN_MAX */
#define BATCH 256u

static struct xlat_config cfg;
static uint64_t ctr[XSTAT_MAX];
static struct nat64_session_info sess[BATCH];
static struct nat64_bib_info bibs[BATCH];
static struct nat64_sub_count subs[BATCH];
static struct nat64_addr_use use[3 * 65536];

/* Host i: 2001:db8:<i / 100>::<i % 100 + 1>. */
static void host(uint32_t i, uint8_t a[16])
{
	memset(a, 0, 16);
	a[0] = 0x20, a[1] = 0x01, a[2] = 0x0d, a[3] = 0xb8;
	a[4] = (uint8_t)(i / 100 >> 8), a[5] = (uint8_t)(i / 100);
	a[14] = (uint8_t)((i % 100 + 1) >> 8), a[15] = (uint8_t)(i % 100 + 1);
}

enum kind { K_SESS, K_BIB, K_SUB_SESS, K_SUB_BIB, K_OCC, K_ADDR, K_N };
static const char *const kind_name[K_N] = {
	"sessions of a /64 (256 at most)", "BIB entries of a /64", "sessions per /64", "BIB entries per /64",
	"occupancy (control thread)", "pool4 counts (control thread)",
};

/* One question of kind k from position 0; its cycles. */
static uint64_t one(struct nat64_table *t, enum kind k, unsigned *n)
{
	struct nat64_filter f = { .has6 = true, .plen6 = 64 }, any = { 0 };
	struct nat64_occupancy o;
	uint32_t next;

	host(5000, f.addr6);
	uint64_t t0 = rte_rdtsc_precise();
	switch (k) {
	case K_SESS:
		*n = nat64_query_sessions(t, &f, 0, QUERY, sess, BATCH, &next);
		break;
	case K_BIB:
		*n = nat64_query_bibs(t, &f, 0, QUERY, bibs, BATCH, &next);
		break;
	case K_SUB_SESS:
	case K_SUB_BIB:
		*n = nat64_query_subs(t, &any, k == K_SUB_BIB, 64, 0, QUERY, subs, BATCH, &next);
		break;
	case K_OCC:
		nat64_occupancy(t, &o);
		*n = o.sess[1];
		break;
	default:
		*n = (unsigned)nat64_addr_use(t, use, 3 * 65536);
	}
	return rte_rdtsc_precise() - t0;
}

int main(int argc, char **argv)
{
	char *eal[] = { argv[0], "-l", "0", "--no-shconf", "--no-pci", "--log-level", "*:error", "--in-memory",
			"-m", "1024", NULL };
	int a = 1;
	uint32_t n = 65536;

	if (argc > a && !strcmp(argv[a], "--no-huge")) {
		eal[7] = "--no-huge"; /* instead of --in-memory, which it excludes */
		a++;
	}
	if (argc > a)
		n = (uint32_t)strtoul(argv[a], NULL, 10);
	if (rte_eal_init(10, eal) < 0)
		return 1;
	xlat_config_init(&cfg, XLAT_MODE_NAT64);
	cfg.pool4[0] = (struct pool4_entry){ .proto = 17, .addr = htonl(0xc0000200u), .plen = 24, .port_min = 1024,
					     .port_max = 65535 };
	cfg.n_pool4 = 1;
	struct xlat_ctx ctx = { .cfg = &cfg, .counters = ctr, .now_ns = 1000000000ull, .rand_state = 1 };
	struct nat64_table *t = nat64_table_create("bq_", n, 0, 1, SOCKET_ID_ANY);
	if (!t)
		return 1;
	ctx.nat = t;
	for (uint32_t i = 0; i < n; i++) {
		uint8_t a6[16];
		uint32_t a4;
		uint16_t p4;
		host(i, a6);
		if (nat64_out(&ctx, 17, a6, 1000, htonl(0xc6336402u), 53, 0, &a4, &p4) != XLAT_OK) {
			fprintf(stderr, "flow %u refused\n", i);
			return 1;
		}
	}
	printf("%u sessions (a BIB entry each), %u positions a question, TSC %" PRIu64 " Hz\n", n, QUERY,
	       rte_get_tsc_hz());
	for (int k = 0; k < K_N; k++) {
		uint64_t best = UINT64_MAX;
		unsigned got = 0;
		for (int r = 0; r < 5; r++) {
			uint64_t c = one(t, (enum kind)k, &got);
			best = c < best ? c : best;
		}
		printf("  %-32s %10" PRIu64 " cycles %8.1f us   (%u)\n", kind_name[k], best,
		       (double)best * 1e6 / (double)rte_get_tsc_hz(), got);
	}
	nat64_table_free(t);
	rte_eal_cleanup();
	return 0;
}
