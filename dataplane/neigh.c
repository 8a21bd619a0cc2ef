/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Neighbour table (ARP and ND results): rte_hash with lock-free readers
 * (RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF) and one writer, the slow path.
 * Entries are never deleted, only refreshed, so readers never see a freed
 * slot; the MAC is one 64-bit word, so a reader never sees half of it.
 */
#include <stdio.h>
#include <string.h>

#include <rte_hash.h>
#include <rte_jhash.h>
#include <rte_lcore.h>

#include "dp.h"

#define NEIGH_MAX 4096
#define NEIGH_VALID (1ull << 63)
#define NEIGH_STATIC (1ull << 62) /* configured: learning never overwrites it */

struct neigh_key {
	uint16_t port;
	uint8_t family;
	uint8_t pad;
	uint8_t addr[16];
};

static struct rte_hash *table;
static uint64_t macs[NEIGH_MAX];
static unsigned n_entries;
static uint64_t generation = 1; /* 0 stands for "never" in the workers' memos */

static int neigh_set(uint16_t port, int family, const uint8_t *addr, const struct rte_ether_addr *mac, bool stat);

static void make_key(struct neigh_key *k, uint16_t port, int family, const uint8_t *addr)
{
	memset(k, 0, sizeof(*k));
	k->port = port;
	k->family = (uint8_t)family;
	memcpy(k->addr, addr, family == 4 ? 4 : 16);
}

int neigh_init(struct dp *dp, char *err, size_t errlen)
{
	struct rte_hash_parameters hp = {
		.name = "neigh",
		.entries = NEIGH_MAX,
		.key_len = sizeof(struct neigh_key),
		.hash_func = rte_jhash,
		.socket_id = SOCKET_ID_ANY,
		.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF,
	};

	table = rte_hash_create(&hp);
	if (!table) {
		snprintf(err, errlen, "cannot create the neighbour table: %s", rte_strerror(rte_errno));
		return -1;
	}
	for (unsigned p = 0; p < dp->cfg.n_ports; p++) {
		const struct appcfg_port *pc = &dp->cfg.ports[p];
		for (unsigned i = 0; i < pc->n_neigh; i++) {
			struct rte_ether_addr mac;
			memcpy(mac.addr_bytes, pc->neigh[i].mac, 6);
			if (neigh_set((uint16_t)p, pc->neigh[i].family, pc->neigh[i].addr, &mac, true) < 0) {
				snprintf(err, errlen, "ports[%u].neighbors[%u]: table full", p, i);
				return -1;
			}
		}
	}
	return 0;
}

/*
 * Per-lcore cache of hash slots in front of rte_hash (a jhash and a bucket walk
 * per packet, the largest cost after the translation itself): direct-mapped,
 * keyed by the whole key. A key's slot never changes because entries are never
 * deleted (see the top of this file: a deletion would have to empty these
 * caches), and the MAC is still read from macs[] on every hit, so a refreshed
 * or not yet resolved entry reads as it does without the cache.
 */
#define NCACHE_SIZE 64
struct ncache_ent {
	struct neigh_key key;
	int32_t slot1; /* slot + 1; 0: empty */
};
static struct ncache_ent ncache[RTE_MAX_LCORE][NCACHE_SIZE] __rte_cache_aligned;

static inline bool same_key(const struct neigh_key *a, const struct neigh_key *b)
{
	uint64_t a0, a1, b0, b1;
	uint32_t a2, b2;

	memcpy(&a0, a, 8);
	memcpy(&a1, (const uint8_t *)a + 8, 8);
	memcpy(&a2, (const uint8_t *)a + 16, 4);
	memcpy(&b0, b, 8);
	memcpy(&b1, (const uint8_t *)b + 8, 8);
	memcpy(&b2, (const uint8_t *)b + 16, 4);
	return ((a0 ^ b0) | (a1 ^ b1) | (a2 ^ b2)) == 0;
}

static inline int32_t slot_of(const struct neigh_key *k)
{
	unsigned lcore = rte_lcore_id();

	if (unlikely(lcore >= RTE_MAX_LCORE)) /* control threads */
		return rte_hash_lookup(table, k);
	uint32_t h;
	memcpy(&h, k->addr + (k->family == 4 ? 0 : 12), 4);
	h = (h ^ k->port) * 0x9e3779b1u;
	struct ncache_ent *e = &ncache[lcore][h >> (32 - 6)];
	RTE_BUILD_BUG_ON(NCACHE_SIZE != 1 << 6);
	if (e->slot1 && same_key(&e->key, k))
		return e->slot1 - 1;
	int32_t pos = rte_hash_lookup(table, k);
	if (pos >= 0) {
		e->key = *k;
		e->slot1 = pos + 1;
	}
	return pos;
}

bool neigh_lookup(uint16_t port, int family, const uint8_t *addr, struct rte_ether_addr *mac)
{
	struct neigh_key k;

	make_key(&k, port, family, addr);
	int32_t pos = slot_of(&k);
	if (pos < 0)
		return false;
	uint64_t v = __atomic_load_n(&macs[pos], __ATOMIC_ACQUIRE);
	if (!(v & NEIGH_VALID))
		return false;
	for (int i = 0; i < 6; i++)
		mac->addr_bytes[i] = (uint8_t)(v >> (8 * (5 - i)));
	return true;
}

static int neigh_set(uint16_t port, int family, const uint8_t *addr, const struct rte_ether_addr *mac, bool stat)
{
	struct neigh_key k;
	uint64_t v = NEIGH_VALID | (stat ? NEIGH_STATIC : 0);

	make_key(&k, port, family, addr);
	int32_t pos = rte_hash_add_key(table, &k);
	if (pos < 0)
		return -1;
	for (int i = 0; i < 6; i++)
		v |= (uint64_t)mac->addr_bytes[i] << (8 * (5 - i));
	uint64_t old = __atomic_load_n(&macs[pos], __ATOMIC_RELAXED);
	if (!stat && (old & NEIGH_STATIC))
		return 1;
	if (!(old & NEIGH_VALID))
		n_entries++;
	if (old == v)
		return 0; /* a refresh: what the workers remember is still right */
	__atomic_store_n(&macs[pos], v, __ATOMIC_RELEASE);
	__atomic_fetch_add(&generation, 1, __ATOMIC_RELEASE);
	return 0;
}

uint64_t neigh_generation(void)
{
	return __atomic_load_n(&generation, __ATOMIC_ACQUIRE);
}

int neigh_learn(uint16_t port, int family, const uint8_t *addr, const struct rte_ether_addr *mac)
{
	return neigh_set(port, family, addr, mac, false);
}

unsigned neigh_count(void)
{
	return n_entries;
}

/* Every valid entry, for the control API; the caller serialises with the writer (the control-plane lock). */
void neigh_foreach(void (*fn)(void *arg, uint16_t port, int family, const uint8_t *addr,
			      const struct rte_ether_addr *mac),
		   void *arg)
{
	const void *key;
	void *data;
	uint32_t next = 0;
	int32_t pos;

	while ((pos = rte_hash_iterate(table, &key, &data, &next)) >= 0) {
		const struct neigh_key *k = key;
		uint64_t v = __atomic_load_n(&macs[pos], __ATOMIC_ACQUIRE);
		struct rte_ether_addr mac;

		if (!(v & NEIGH_VALID))
			continue;
		for (int i = 0; i < 6; i++)
			mac.addr_bytes[i] = (uint8_t)(v >> (8 * (5 - i)));
		fn(arg, k->port, k->family, k->addr, &mac);
	}
}
