/* SPDX-License-Identifier: BSD-3-Clause */
/* IPv4 and IPv6 prefixes: containment, host bits, their text forms. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "prefix.h"

bool prefix4_contains(const struct prefix4 *p, uint32_t a_be)
{
	return ((a_be ^ p->addr) & prefix_mask4(p->len)) == 0;
}

bool prefix6_contains(const struct prefix6 *p, const uint8_t a[16])
{
	uint64_t a0 = prefix_ld_be64(a), p0 = prefix_ld_be64(p->addr);

	if (p->len <= 64)
		return ((a0 ^ p0) & prefix_mask64(p->len)) == 0;
	return a0 == p0 && ((prefix_ld_be64(a + 8) ^ prefix_ld_be64(p->addr + 8)) & prefix_mask64(p->len - 64u)) == 0;
}

bool prefix4_has_host_bits(const struct prefix4 *p)
{
	return (p->addr & ~prefix_mask4(p->len)) != 0;
}

bool prefix6_has_host_bits(const struct prefix6 *p)
{
	for (unsigned bit = p->len; bit < 128; bit++)
		if (p->addr[bit / 8] & (0x80 >> (bit % 8)))
			return true;
	return false;
}

static int parse_len(const char *slash, unsigned max, uint8_t *len)
{
	char *end;
	unsigned long v;

	if (!slash) {
		*len = (uint8_t)max;
		return 0;
	}
	if (slash[1] < '0' || slash[1] > '9')
		return -1;
	v = strtoul(slash + 1, &end, 10);
	if (*end != '\0' || v > max)
		return -1;
	*len = (uint8_t)v;
	return 0;
}

static int split_prefix(const char *s, char *addr, size_t cap, const char **slash)
{
	size_t n;

	*slash = strchr(s, '/');
	n = *slash ? (size_t)(*slash - s) : strlen(s);
	if (n == 0 || n >= cap)
		return -1;
	memcpy(addr, s, n);
	addr[n] = '\0';
	return 0;
}

int prefix6_parse(const char *s, struct prefix6 *p)
{
	char a[INET6_ADDRSTRLEN + 1];
	const char *slash;

	if (split_prefix(s, a, sizeof(a), &slash) || inet_pton(AF_INET6, a, p->addr) != 1)
		return -1;
	return parse_len(slash, 128, &p->len);
}

int prefix4_parse(const char *s, struct prefix4 *p)
{
	char a[INET_ADDRSTRLEN + 1];
	const char *slash;

	if (split_prefix(s, a, sizeof(a), &slash) || inet_pton(AF_INET, a, &p->addr) != 1)
		return -1;
	return parse_len(slash, 32, &p->len);
}
