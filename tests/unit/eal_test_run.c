/* SPDX-License-Identifier: BSD-3-Clause */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <rte_eal.h>

#include "eal_test.h"

int eal_test_run(const char *name, const char *mem_mb, const struct CMUnitTest *tests, size_t n)
{
	if (eal_test_start(name, mem_mb) != 0)
		return 1;
	int rc = _cmocka_run_group_tests(name, tests, n, NULL, NULL);
	rte_eal_cleanup();
	return rc;
}
