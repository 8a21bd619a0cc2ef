/* SPDX-License-Identifier: BSD-3-Clause */
/* Counter aggregation for the control thread: per-lcore blocks summed on request. */
#include <time.h>

#include "dp.h"

void stats_sum(const struct dp *dp, uint64_t out[XSTAT_MAX])
{
	for (unsigned s = 0; s < XSTAT_MAX; s++) {
		uint64_t v = __atomic_load_n(&dp->slow_counters[s], __ATOMIC_RELAXED) +
			     __atomic_load_n(&dp->sync_counters[s], __ATOMIC_RELAXED);
		for (unsigned w = 0; w < dp->n_workers; w++)
			v += __atomic_load_n(&dp->workers[w].counters[s], __ATOMIC_RELAXED);
		out[s] = v;
	}
}

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}
