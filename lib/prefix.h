/* SPDX-License-Identifier: BSD-3-Clause */
/* IPv4 and IPv6 address prefixes (prefix.c), and the word-at-a-time helpers their lookups use. */
#ifndef XLAT_PREFIX_H
#define XLAT_PREFIX_H

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

struct prefix6 {
	uint8_t addr[16];
	uint8_t len;
};

struct prefix4 {
	uint32_t addr; /* network order */
	uint8_t len;
};

/* Is a inside p? */
bool prefix6_contains(const struct prefix6 *p, const uint8_t a[16]);
bool prefix4_contains(const struct prefix4 *p, uint32_t a_be);
/* Does the prefix have host bits set? */
bool prefix6_has_host_bits(const struct prefix6 *p);
bool prefix4_has_host_bits(const struct prefix4 *p);
/* Text forms, "2001:db8::/32" and "192.0.2.0/24"; a missing length means /128 or /32. 0 or -1. */
int prefix6_parse(const char *s, struct prefix6 *p);
int prefix4_parse(const char *s, struct prefix4 *p);

/* The network-order mask of an IPv4 prefix length. */
static inline uint32_t prefix_mask4(unsigned len)
{
	return len ? htonl(~0u << (32 - len)) : 0;
}

/* Big-endian 64-bit halves of an IPv6 address: prefixes become shifts and masks. */
static inline uint64_t prefix_ld_be64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

static inline void prefix_st_be64(uint8_t *p, uint64_t v)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	memcpy(p, &v, 8);
}

/* The top bits (0..64) of a 64-bit word. */
static inline uint64_t prefix_mask64(unsigned bits)
{
	return bits ? ~0ull << (64 - bits) : 0;
}

#endif
