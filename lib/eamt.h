/* SPDX-License-Identifier: BSD-3-Clause */
/* Address prefixes and the Explicit Address Mapping Table (RFC 7757). */
#ifndef XLAT_EAMT_H
#define XLAT_EAMT_H

#include <stdbool.h>
#include <stdint.h>

struct prefix6 {
	uint8_t addr[16];
	uint8_t len;
};

struct prefix4 {
	uint32_t addr; /* network order */
	uint8_t len;
};

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

/* Prefix helpers (also used by config validation). */
bool prefix6_contains(const struct prefix6 *p, const uint8_t a[16]);
bool prefix4_contains(const struct prefix4 *p, uint32_t a_be);
/* Does the prefix have host bits set? */
bool prefix6_has_host_bits(const struct prefix6 *p);
bool prefix4_has_host_bits(const struct prefix4 *p);
/* Text forms, "2001:db8::/32" and "192.0.2.0/24"; a missing length means /128 or /32. 0 or -1. */
int prefix6_parse(const char *s, struct prefix6 *p);
int prefix4_parse(const char *s, struct prefix4 *p);

#endif
