/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * An EAL for the unit tests of lib/'s rte_hash tables (NAT64, CGN): one
 * lcore, no hugepages, no PCI, no shared configuration, a file prefix of the
 * test's own (its name and pid, so that runs in parallel never meet).
 */
#ifndef EAL_TEST_H
#define EAL_TEST_H

/* mem_mb: the heap, in MB (as EAL's -m). 0, or -1 with a line on stderr. */
int eal_test_start(const char *name, const char *mem_mb);

#include <stddef.h>

struct CMUnitTest;

/*
 * A test's main(): the EAL (eal_test_start()), the tests as one cmocka group
 * named name, the EAL cleaned up; main()'s return value (eal_test_run.c, so
 * that a program without cmocka can use eal_test_start() alone).
 */
int eal_test_run(const char *name, const char *mem_mb, const struct CMUnitTest *tests, size_t n);
#define EAL_TEST_RUN(name, mem_mb, tests) eal_test_run(name, mem_mb, tests, sizeof(tests) / sizeof((tests)[0]))

#endif
