/* SPDX-License-Identifier: BSD-3-Clause */
#include "eamt.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t mask4(unsigned len)
{
	return len ? htonl(~0u << (32 - len)) : 0;
}

bool prefix4_contains(const struct prefix4 *p, uint32_t a_be)
{
	return ((a_be ^ p->addr) & mask4(p->len)) == 0;
}

bool prefix6_contains(const struct prefix6 *p, const uint8_t a[16])
{
	unsigned full = p->len / 8, rem = p->len % 8;

	if (memcmp(a, p->addr, full) != 0)
		return false;
	if (rem) {
		uint8_t m = (uint8_t)(0xff << (8 - rem));
		if ((a[full] ^ p->addr[full]) & m)
			return false;
	}
	return true;
}

bool prefix4_has_host_bits(const struct prefix4 *p)
{
	return (p->addr & ~mask4(p->len)) != 0;
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

void eamt_init(struct eamt *t)
{
	t->n = 0;
}

/* Insert keeping the array sorted by the given prefix length, longest first. */
static void insert_sorted(struct eamt_entry *arr, unsigned n, const struct eamt_entry *e, bool by6)
{
	unsigned i = n;
	unsigned elen = by6 ? e->p6.len : e->p4.len;

	while (i > 0 && (by6 ? arr[i - 1].p6.len : arr[i - 1].p4.len) < elen) {
		arr[i] = arr[i - 1];
		i--;
	}
	arr[i] = *e;
}

int eamt_add(struct eamt *t, const struct prefix6 *p6, const struct prefix4 *p4, const char **why)
{
	struct eamt_entry e = { *p6, *p4 };

	if (t->n >= EAMT_MAX) {
		*why = "the EAM table is full";
		return -1;
	}
	/* RFC 7757 3.2: the IPv4 suffix must fit in the bits after the IPv6 prefix. */
	if (32 - p4->len > 128 - p6->len) {
		*why = "the IPv6 prefix leaves fewer suffix bits than the IPv4 prefix needs (RFC 7757 3.2)";
		return -1;
	}
	if (prefix6_has_host_bits(p6) || prefix4_has_host_bits(p4)) {
		*why = "a prefix has bits set after its length";
		return -1;
	}
	/*
	 * RFC 7757 3.2 resolves nested prefixes by longest match, so those are
	 * fine; the same prefix twice on one side would make one direction ambiguous.
	 */
	for (unsigned i = 0; i < t->n; i++) {
		if (t->by4[i].p4.len == p4->len && t->by4[i].p4.addr == p4->addr) {
			*why = "the IPv4 prefix is already in the EAMT";
			return -1;
		}
		if (t->by6[i].p6.len == p6->len && memcmp(t->by6[i].p6.addr, p6->addr, 16) == 0) {
			*why = "the IPv6 prefix is already in the EAMT";
			return -1;
		}
	}
	insert_sorted(t->by6, t->n, &e, true);
	insert_sorted(t->by4, t->n, &e, false);
	t->n++;
	return 0;
}

static int remove_from(struct eamt_entry *arr, unsigned n, const struct prefix6 *p6, const struct prefix4 *p4)
{
	for (unsigned i = 0; i < n; i++) {
		if (arr[i].p6.len == p6->len && arr[i].p4.len == p4->len && arr[i].p4.addr == p4->addr &&
		    memcmp(arr[i].p6.addr, p6->addr, 16) == 0) {
			memmove(&arr[i], &arr[i + 1], (n - i - 1) * sizeof(arr[0]));
			return 0;
		}
	}
	return -1;
}

int eamt_remove(struct eamt *t, const struct prefix6 *p6, const struct prefix4 *p4)
{
	if (remove_from(t->by6, t->n, p6, p4) != 0)
		return -1;
	remove_from(t->by4, t->n, p6, p4);
	t->n--;
	return 0;
}

int eamt_6to4(const struct eamt *t, const uint8_t a6[16], uint32_t *a4_be)
{
	for (unsigned i = 0; i < t->n; i++) {
		const struct eamt_entry *e = &t->by6[i];
		if (!prefix6_contains(&e->p6, a6))
			continue;
		/* RFC 7757 3.2: the IPv4 suffix is the bits right after the IPv6 prefix; any further bits are ignored. */
		uint32_t suffix = 0;
		unsigned nbits = 32 - e->p4.len;
		for (unsigned b = 0; b < nbits; b++) {
			unsigned bit = e->p6.len + b;
			suffix = (suffix << 1) | ((a6[bit / 8] >> (7 - bit % 8)) & 1);
		}
		*a4_be = e->p4.addr | htonl(suffix);
		return 0;
	}
	return -1;
}

int eamt_4to6(const struct eamt *t, uint32_t a4_be, uint8_t a6[16])
{
	for (unsigned i = 0; i < t->n; i++) {
		const struct eamt_entry *e = &t->by4[i];
		if (!prefix4_contains(&e->p4, a4_be))
			continue;
		unsigned nbits = 32 - e->p4.len;
		uint32_t suffix = nbits ? ntohl(a4_be) & (nbits == 32 ? ~0u : ((1u << nbits) - 1)) : 0;
		memcpy(a6, e->p6.addr, 16);
		for (unsigned b = 0; b < nbits; b++) {
			unsigned bit = e->p6.len + b;
			if ((suffix >> (nbits - 1 - b)) & 1)
				a6[bit / 8] |= (uint8_t)(0x80 >> (bit % 8));
		}
		return 0;
	}
	return -1;
}

bool eamt_has6(const struct eamt *t, const uint8_t a6[16])
{
	for (unsigned i = 0; i < t->n; i++)
		if (prefix6_contains(&t->by6[i].p6, a6))
			return true;
	return false;
}

bool eamt_has4(const struct eamt *t, uint32_t a4_be)
{
	for (unsigned i = 0; i < t->n; i++)
		if (prefix4_contains(&t->by4[i].p4, a4_be))
			return true;
	return false;
}
