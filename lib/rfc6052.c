/* SPDX-License-Identifier: BSD-3-Clause */
/* RFC 6052 IPv4-embedded IPv6 addresses: the prefix lengths it defines, both ways. */
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

	if (p->len == 96) { /* the usual case: the prefix, then the address as the last 32 bits */
		memcpy(out, p->addr, 12);
		memcpy(out + 12, &a4_be, 4);
		return;
	}
	memset(out, 0, 16);
	memcpy(out, p->addr, p->len / 8);
	for (unsigned i = 0; i < 4; i++)
		out[v4_byte_pos(p->len, i)] = a4[i];
}

int rfc6052_6to4(const struct prefix6 *p, const uint8_t a6[16], uint32_t *a4_be)
{
	uint8_t *a4 = (uint8_t *)a4_be;

	if (p->len == 96) { /* the usual case, without a call to memcmp */
		uint64_t x0, y0;
		uint32_t x1, y1;
		memcpy(&x0, a6, 8);
		memcpy(&y0, p->addr, 8);
		memcpy(&x1, a6 + 8, 4);
		memcpy(&y1, p->addr + 8, 4);
		if (((x0 ^ y0) | (x1 ^ y1)) != 0)
			return -1;
		memcpy(a4_be, a6 + 12, 4);
		return 0;
	}
	if (memcmp(a6, p->addr, p->len / 8) != 0)
		return -1;
	for (unsigned i = 0; i < 4; i++)
		a4[i] = a6[v4_byte_pos(p->len, i)];
	return 0;
}
