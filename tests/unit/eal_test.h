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

#endif
