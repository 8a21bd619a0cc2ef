/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * NAT64 table memory (issue #3): one worker's table sized for 1 000 000
 * sessions holds 1 000 000 live sessions, each with its own BIB entry (the
 * worst case: a BIB entry per session), in at most 256 bytes per session,
 * both lookups (IPv6 and IPv4 side) and every array included.
 *
 * Memory is what the DPDK heap handed out (rte_hash buckets, key stores and
 * free-slot rings, the entry arrays), measured from the heap's own counters
 * before the table is created and after it is full, so nothing is estimated.
 * The table then refuses the next flow (and keeps the old ones), and drains to
 * zero on expiry with the heap back where it was once it is freed.
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
#include <rte_malloc.h>
#include <rte_memory.h>

#include "nat64.h"
#include "stats.h"
#include "xlat.h"
#include "bytes.h"
#include "eal_test.h"
#include "nat64_filter.h"

#define N_SESSIONS 1000000u
#define BUDGET_PER_SESSION 256u

static size_t heap_used(void)
{
	struct rte_malloc_socket_stats st;
	size_t used = 0;

	for (int s = 0; s < RTE_MAX_NUMA_NODES; s++)
		if (rte_malloc_get_socket_stats(s, &st) == 0)
			used += st.heap_allocsz_bytes;
	return used;
}

/* Flow i: IPv6 source 2001:db8:<i>::1 port 1024 + i % 50000, to 198.51.100.<i % 250> port 53. */
static void flow(uint32_t i, uint8_t src6[16], uint16_t *sport, uint32_t *dst4)
{
	static const uint8_t base[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };

	memcpy(src6, base, 16);
	src6[4] = (uint8_t)(i >> 24);
	src6[5] = (uint8_t)(i >> 16);
	src6[6] = (uint8_t)(i >> 8);
	src6[7] = (uint8_t)i;
	*sport = (uint16_t)(1024 + i % 50000);
	*dst4 = __builtin_bswap32(0xc6336400u | (i % 250)); /* 198.51.100.x */
}

static void t_million_sessions_within_budget(void **state)
{
	static struct xlat_config cfg;
	static uint64_t ctr[XSTAT_MAX];
	struct xlat_ctx ctx;
	(void)state;

	xlat_config_init(&cfg, XLAT_MODE_NAT64);
	/* pool4 192.0.0.0/16, UDP 1024-65535: more ports than sessions */
	cfg.pool4[0] = (struct pool4_entry){ .proto = 17, .addr = __builtin_bswap32(0xc0000000u), .plen = 16,
					     .port_min = 1024, .port_max = 65535 };
	cfg.n_pool4 = 1;
	memset(&ctx, 0, sizeof(ctx));
	ctx.cfg = &cfg;
	ctx.counters = ctr;
	ctx.now_ns = 1000000000ull;

	size_t before = heap_used();
	struct nat64_table *t = nat64_table_create("tmem_", N_SESSIONS, 0, 1, SOCKET_ID_ANY);
	assert_non_null(t);
	ctx.nat = t;

	uint8_t a6[16];
	uint16_t sp, p4;
	uint32_t d4, a4;
	for (uint32_t i = 0; i < N_SESSIONS; i++) {
		flow(i, a6, &sp, &d4);
		enum xlat_stat r = nat64_out(&ctx, 17, a6, sp, d4, 53, 0, &a4, &p4);
		if (r != XLAT_OK)
			fail_msg("flow %u refused: %s", i, xlat_stat_name(r));
	}
	assert_int_equal(nat64_table_sessions(t), N_SESSIONS);
	assert_int_equal(nat64_table_bibs(t), N_SESSIONS);
	size_t used = heap_used() - before;
	double per = (double)used / N_SESSIONS;
	print_message("nat64 table: %u sessions (%u BIB entries) in %.1f MiB: %.1f bytes per session (budget %u)\n",
		      N_SESSIONS, N_SESSIONS, used / 1048576.0, per, BUDGET_PER_SESSION);
	assert_true(per <= BUDGET_PER_SESSION);

	/* full: the next flow is refused, counted, and every old one still translates */
	flow(N_SESSIONS, a6, &sp, &d4);
	assert_int_equal(nat64_out(&ctx, 17, a6, sp, d4, 53, 0, &a4, &p4), XLAT_NAT64_TABLE_FULL);
	for (uint32_t i = 0; i < N_SESSIONS; i += 99991) {
		flow(i, a6, &sp, &d4);
		assert_int_equal(nat64_out(&ctx, 17, a6, sp, d4, 53, 0, &a4, &p4), XLAT_OK);
	}

	/* udp-timeout later every session (and its BIB entry) is gone */
	uint64_t later = 1000 + cfg.g.nat.udp_timeout_ms + 1;
	while (nat64_expire(t, &cfg, later, 65536) > 0)
		;
	assert_int_equal(nat64_table_sessions(t), 0);
	assert_int_equal(nat64_table_bibs(t), 0);
	nat64_table_free(t);
	assert_int_equal(heap_used(), before);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_million_sessions_within_budget),
	};
	return EAL_TEST_RUN("tnat64m", "512", tests);
}
