/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A worker's NAT64 table occupancy (nat64_usage.h): its address table made,
 * freed and rebuilt, and read by other threads (nat64_status.h).
 */
#include <string.h>

#include <rte_common.h>
#include <rte_malloc.h>

#include "nat64_db.h"
#include "nat64_status.h"
#include "nat64_usage.h"

int nat64_usage_init(struct nat64_usage *u, uint32_t max, int socket)
{
	uint32_t keys = RTE_MIN(max, NAT64_USE_KEYS_MAX);
	uint32_t slots = rte_align32pow2(2 * RTE_MAX(keys, 32u));

	memset(u, 0, sizeof(*u));
	u->slot = rte_zmalloc_socket("nat64_use", sizeof(*u->slot) * slots, 64, socket);
	if (!u->slot)
		return -1;
	u->mask = slots - 1;
	return 0;
}

void nat64_usage_free(struct nat64_usage *u)
{
	rte_free(u->slot);
	u->slot = NULL;
}

void nat64_use_new_key(struct nat64_usage *u, uint32_t i, uint64_t key)
{
	if (u->keys >= (u->mask + 1) / 2) { /* half full: probes would grow long */
		nat64_use_set(&u->uncounted, 1);
		return;
	}
	__atomic_store_n(&u->slot[i], key << 30 | 1, __ATOMIC_RELAXED);
	nat64_use_set(&u->keys, 1);
}

/*
 * Seqlock (Boehm, "Can seqlocks get along with programming language memory
 * models?", 2012): the writer makes seq odd, then changes the slots; readers
 * that saw seq change, or odd, read again.
 */
void nat64_usage_rebuild(struct nat64_table *t)
{
	struct nat64_usage *u = &t->use;

	__atomic_store_n(&u->seq, u->seq + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	for (uint32_t i = 0; i <= u->mask; i++)
		__atomic_store_n(&u->slot[i], 0, __ATOMIC_RELAXED);
	__atomic_store_n(&u->keys, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&u->uncounted, 0, __ATOMIC_RELAXED);
	for (int p = 0; p < CGN_NPROTO; p++)
		__atomic_store_n(&u->bib[p], 0, __ATOMIC_RELAXED);
	for (uint32_t i = 0; i < t->max; i++) /* proto 0: a free line */
		if (t->bibs[i].proto)
			nat64_use_bib(u, t->bibs[i].proto, t->bibs[i].a4, 1);
	__atomic_store_n(&u->seq, u->seq + 1, __ATOMIC_RELEASE);
}

void nat64_occupancy(const struct nat64_table *t, struct nat64_occupancy *out)
{
	const struct nat64_usage *u = &t->use;

	for (int p = 0; p < CGN_NPROTO; p++) {
		out->sess[p] = __atomic_load_n(&u->sess[p], __ATOMIC_RELAXED);
		out->bib[p] = __atomic_load_n(&u->bib[p], __ATOMIC_RELAXED);
	}
	out->max = t->max;
	out->uncounted = __atomic_load_n(&u->uncounted, __ATOMIC_RELAXED);
}

#define READ_TRIES 8

int nat64_addr_use(const struct nat64_table *t, struct nat64_addr_use *out, unsigned max)
{
	static const uint8_t proto[] = { [CGN_TCP] = 6, [CGN_UDP] = 17, [CGN_ICMP] = 1 };
	const struct nat64_usage *u = &t->use;

	for (int tries = 0; tries < READ_TRIES; tries++) {
		uint32_t s1 = __atomic_load_n(&u->seq, __ATOMIC_ACQUIRE);
		unsigned n = 0;

		if (s1 & 1) {
			rte_pause();
			continue;
		}
		for (uint32_t i = 0; i <= u->mask && n < max; i++) {
			uint64_t s = __atomic_load_n(&u->slot[i], __ATOMIC_RELAXED);
			if (!(s & USE_PORTS_MASK))
				continue;
			out[n].proto = proto[((s >> 30) & 3) - 1];
			out[n].addr4 = (uint32_t)(s >> 32);
			out[n].used = (uint32_t)(s & USE_PORTS_MASK);
			n++;
		}
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (__atomic_load_n(&u->seq, __ATOMIC_RELAXED) == s1)
			return (int)n;
	}
	return -1;
}
