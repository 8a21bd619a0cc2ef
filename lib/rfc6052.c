/* SPDX-License-Identifier: BSD-3-Clause */
#include "rfc6052.h"

#include <string.h>

bool rfc6052_valid_len(unsigned len)
{
	return len == 32 || len == 40 || len == 48 || len == 56 || len == 64 || len == 96;
}

bool rfc6052_prefix_ok(const struct prefix6 *p)
{
	/* RFC 6052 2.2: bits 64 to 71 must be zero; only relevant when the prefix covers them. */
	return rfc6052_valid_len(p->len) && (p->len < 72 ? true : p->addr[8] == 0);
}

/*
 * RFC 6052 2.2 figure 1: the IPv4 address fills the bytes after the prefix,
 * skipping byte 8 (the u-octet, bits 64-71).
 */
static unsigned v4_byte_pos(unsigned plen, unsigned i)
{
	unsigned pos = plen / 8 + i;

	return (plen <= 64 && pos >= 8) ? pos + 1 : pos;
}

void rfc6052_4to6(const struct prefix6 *p, uint32_t a4_be, uint8_t out[16])
{
	const uint8_t *a4 = (const uint8_t *)&a4_be;

	memset(out, 0, 16);
	memcpy(out, p->addr, p->len / 8);
	for (unsigned i = 0; i < 4; i++)
		out[v4_byte_pos(p->len, i)] = a4[i];
}

int rfc6052_6to4(const struct prefix6 *p, const uint8_t a6[16], uint32_t *a4_be)
{
	uint8_t *a4 = (uint8_t *)a4_be;

	if (memcmp(a6, p->addr, p->len / 8) != 0)
		return -1;
	for (unsigned i = 0; i < 4; i++)
		a4[i] = a6[v4_byte_pos(p->len, i)];
	return 0;
}
