/* SPDX-License-Identifier: BSD-3-Clause */
/* The Explicit Address Mapping Table (RFC 7757): two sorted views, longest prefix first. */
#include "eamt.h"
#include "prefix.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void eamt_init(struct eamt *t)
{
	t->n = 0;
}

/*
 * The order of both views: prefix length, longest first (so the first match is the
 * longest, RFC 7757 3.2), then address, so that each length's entries can be
 * binary-searched (eamt_add keeps host bits out, so an entry is its masked address).
 */
static bool before(const struct eamt_entry *a, const struct eamt_entry *b, bool by6)
{
	if (by6) {
		if (a->p6.len != b->p6.len)
			return a->p6.len > b->p6.len;
		return memcmp(a->p6.addr, b->p6.addr, 16) < 0;
	}
	if (a->p4.len != b->p4.len)
		return a->p4.len > b->p4.len;
	return ntohl(a->p4.addr) < ntohl(b->p4.addr);
}

static void insert_sorted(struct eamt_entry *arr, unsigned n, const struct eamt_entry *e, bool by6)
{
	unsigned i = n;

	while (i > 0 && before(e, &arr[i - 1], by6)) {
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

/* Up to this many entries a straight scan beats the binary searches. */
#define EAMT_LINEAR 8

/* The longest by6 entry that holds a6 (index), or -1. */
static int find6(const struct eamt *t, const uint8_t a6[16])
{
	unsigned n = t->n;

	uint64_t a0 = prefix_ld_be64(a6), a1 = prefix_ld_be64(a6 + 8);
	if (n <= EAMT_LINEAR) { /* the prefix test inline, the address loaded once */
		for (unsigned i = 0; i < n; i++) {
			const struct prefix6 *p = &t->by6[i].p6;
			uint64_t d0 = a0 ^ prefix_ld_be64(p->addr);
			uint64_t d1 = a1 ^ prefix_ld_be64(p->addr + 8);
			bool hit = p->len <= 64 ? (d0 & prefix_mask64(p->len)) == 0
						: d0 == 0 && (d1 & prefix_mask64(p->len - 64u)) == 0;
			if (hit)
				return (int)i;
		}
		return -1;
	}
	for (unsigned i = 0; i < n;) {
		unsigned len = t->by6[i].p6.len, lo = i, hi = n;
		/* [i, end): the entries of this length */
		while (lo < hi) {
			unsigned mid = lo + (hi - lo) / 2;
			if (t->by6[mid].p6.len >= len)
				lo = mid + 1;
			else
				hi = mid;
		}
		unsigned end = lo;
		uint64_t k0 = a0 & prefix_mask64(len < 64 ? len : 64), k1 = a1 & prefix_mask64(len > 64 ? len - 64 : 0);
		lo = i;
		hi = end;
		while (lo < hi) {
			unsigned mid = lo + (hi - lo) / 2;
			uint64_t e0 = prefix_ld_be64(t->by6[mid].p6.addr), e1 = prefix_ld_be64(t->by6[mid].p6.addr + 8);
			if (e0 == k0 && e1 == k1)
				return (int)mid;
			if (e0 < k0 || (e0 == k0 && e1 < k1))
				lo = mid + 1;
			else
				hi = mid;
		}
		i = end;
	}
	return -1;
}

/* The longest by4 entry that holds a4 (index), or -1. */
static int find4(const struct eamt *t, uint32_t a4_be)
{
	unsigned n = t->n;

	if (n <= EAMT_LINEAR) {
		for (unsigned i = 0; i < n; i++)
			if (((a4_be ^ t->by4[i].p4.addr) & prefix_mask4(t->by4[i].p4.len)) == 0)
				return (int)i;
		return -1;
	}
	uint32_t a = ntohl(a4_be);
	for (unsigned i = 0; i < n;) {
		unsigned len = t->by4[i].p4.len, lo = i, hi = n;
		while (lo < hi) {
			unsigned mid = lo + (hi - lo) / 2;
			if (t->by4[mid].p4.len >= len)
				lo = mid + 1;
			else
				hi = mid;
		}
		unsigned end = lo;
		uint32_t k = a & ntohl(prefix_mask4(len));
		lo = i;
		hi = end;
		while (lo < hi) {
			unsigned mid = lo + (hi - lo) / 2;
			uint32_t e = ntohl(t->by4[mid].p4.addr);
			if (e == k)
				return (int)mid;
			if (e < k)
				lo = mid + 1;
			else
				hi = mid;
		}
		i = end;
	}
	return -1;
}

__extension__ typedef unsigned __int128 eamt_u128;

int eamt_6to4(const struct eamt *t, const uint8_t a6[16], uint32_t *a4_be)
{
	int i = find6(t, a6);

	if (i < 0)
		return -1;
	const struct eamt_entry *e = &t->by6[i];
	/* RFC 7757 3.2: the IPv4 suffix is the bits right after the IPv6 prefix; any further bits are ignored. */
	unsigned nbits = 32u - e->p4.len;
	uint32_t suffix = 0;
	if (nbits) {
		eamt_u128 a = (eamt_u128)prefix_ld_be64(a6) << 64 | prefix_ld_be64(a6 + 8);
		suffix = (uint32_t)((a << e->p6.len) >> (128 - nbits));
	}
	*a4_be = e->p4.addr | htonl(suffix);
	return 0;
}

int eamt_4to6(const struct eamt *t, uint32_t a4_be, uint8_t a6[16])
{
	int i = find4(t, a4_be);

	if (i < 0)
		return -1;
	const struct eamt_entry *e = &t->by4[i];
	unsigned nbits = 32u - e->p4.len;
	uint64_t hi = prefix_ld_be64(e->p6.addr), lo = prefix_ld_be64(e->p6.addr + 8);
	if (nbits) {
		uint32_t suffix = ntohl(a4_be) & (nbits == 32 ? ~0u : ((1u << nbits) - 1));
		eamt_u128 s = (eamt_u128)suffix << (128 - e->p6.len - nbits);
		hi |= (uint64_t)(s >> 64);
		lo |= (uint64_t)s;
	}
	prefix_st_be64(a6, hi);
	prefix_st_be64(a6 + 8, lo);
	return 0;
}

bool eamt_has6(const struct eamt *t, const uint8_t a6[16])
{
	return find6(t, a6) >= 0;
}

bool eamt_has4(const struct eamt *t, uint32_t a4_be)
{
	return find4(t, a4_be) >= 0;
}
