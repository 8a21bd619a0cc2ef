/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdio.h>
#include <unistd.h>

#include <rte_eal.h>

#include "eal_test.h"

int eal_test_start(const char *name, const char *mem_mb)
{
	char prefix[64];
	char *argv[] = { (char *)name, "-l", "0", "--no-huge", "-m", (char *)mem_mb, "--no-shconf", "--no-pci",
			 "--log-level", "*:error", "--file-prefix", prefix, NULL };

	snprintf(prefix, sizeof(prefix), "%s_%d", name, (int)getpid());
	if (rte_eal_init((int)(sizeof(argv) / sizeof(argv[0])) - 1, argv) < 0) {
		fprintf(stderr, "%s: rte_eal_init failed\n", name);
		return -1;
	}
	return 0;
}
