/* SPDX-License-Identifier: BSD-3-Clause */
/* The Explicit Address Mapping Table (RFC 7757). */
#ifndef XLAT_EAMT_H
#define XLAT_EAMT_H

#include <stdbool.h>
#include <stdint.h>

#include "prefix.h"

struct eamt_entry {
	struct prefix6 p6;
	struct prefix4 p4;
};

#define EAMT_MAX 1024

/*
 * Two views of the same entries, each sorted by prefix length (longest first)
 * so that the first match is the longest-prefix match (RFC 7757 3.2).
 */
struct eamt {
	struct eamt_entry by6[EAMT_MAX];
	struct eamt_entry by4[EAMT_MAX];
	unsigned n;
};

void eamt_init(struct eamt *t);
/* 0, or -1 with *why set: table full, bad prefix, suffix lengths differ, overlap. */
int eamt_add(struct eamt *t, const struct prefix6 *p6, const struct prefix4 *p4, const char **why);
int eamt_remove(struct eamt *t, const struct prefix6 *p6, const struct prefix4 *p4);

/* RFC 7757 3.2: longest match, then the host bits carried over as suffix. 0 on hit, -1 on miss. */
int eamt_6to4(const struct eamt *t, const uint8_t a6[16], uint32_t *a4_be);
int eamt_4to6(const struct eamt *t, uint32_t a4_be, uint8_t a6[16]);
bool eamt_has6(const struct eamt *t, const uint8_t a6[16]);
bool eamt_has4(const struct eamt *t, uint32_t a4_be);

#endif
