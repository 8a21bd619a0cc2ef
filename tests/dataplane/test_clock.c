/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The workers' clock (dataplane/dp.h dp_tsc_ns()): TSC cycles to nanoseconds
 * in one multiply, never ahead of the exact value and behind it by at most
 * cyc / 2^32 + 1 ns (the factor's truncation), for TSCs from an ARM generic
 * timer's 25 MHz to 5 GHz and times from a cycle to ten years.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "dp.h"

struct dp g_dp;

static void test_tsc_ns_exact_within_bound(void **state)
{
	static const uint64_t hzs[] = {25000000ull,   1000000000ull, 2096000000ull, 2100000000ull,
				       2596000000ull, 3700000000ull, 5000000000ull};
	(void)state;
	for (unsigned h = 0; h < sizeof(hzs) / sizeof(hzs[0]); h++) {
		const uint64_t hz = hzs[h];
		const uint64_t cycs[] = {0, 1, 999, hz - 1, hz, hz + 1, 12345678901ull, hz * 3600, hz * 86400 * 365,
					 hz * 86400 * 3650};

		dp_tsc_ns_init(hz);
		for (unsigned c = 0; c < sizeof(cycs) / sizeof(cycs[0]); c++) {
			const uint64_t cyc = cycs[c];
			const uint64_t exact = (uint64_t)((dp_u128)cyc * 1000000000u / hz), got = dp_tsc_ns(cyc);

			if (got > exact || exact - got > cyc / (1ull << 32) + 1)
				fail_msg("hz %llu, %llu cycles: %llu ns, exact %llu", (unsigned long long)hz,
					 (unsigned long long)cyc, (unsigned long long)got, (unsigned long long)exact);
		}
		/* a second is a second to within a nanosecond */
		assert_true(1000000000u - dp_tsc_ns(hz) <= 1);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tsc_ns_exact_within_bound),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
