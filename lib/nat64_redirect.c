/* SPDX-License-Identifier: BSD-3-Clause */
/* The redirected ports' map (nat64_redirect.h): an rte_hash with lock-free readers and RCU reclamation. */
#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>

#include "nat64_redirect.h"

struct nat64_redirect {
	struct rte_hash *h;
	uint32_t n; /* entries: written by the one writer, read by everyone */
};

struct rd_key {
	uint8_t proto, pad;
	uint16_t port4;
	uint32_t addr4;
};

struct nat64_redirect *nat64_redirect_create(const char *name, uint32_t max, int socket, struct rte_rcu_qsbr *rcu)
{
	struct nat64_redirect *rd = rte_zmalloc_socket(name, sizeof(*rd), 0, socket);
	struct rte_hash_parameters p = {
		.name = name,
		.entries = max < 8 ? 8 : max,
		.key_len = sizeof(struct rd_key),
		.hash_func = rte_hash_crc,
		.socket_id = socket,
		/* one writer, readers that never lock: deleted slots wait for the readers' grace period */
		.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF | RTE_HASH_EXTRA_FLAGS_EXT_TABLE,
	};

	if (!rd)
		return NULL;
	rd->h = rte_hash_create(&p);
	if (!rd->h) {
		rte_free(rd);
		return NULL;
	}
	if (rcu) {
		struct rte_hash_rcu_config rc = { .v = rcu, .mode = RTE_HASH_QSBR_MODE_DQ };
		if (rte_hash_rcu_qsbr_add(rd->h, &rc) != 0) {
			nat64_redirect_free(rd);
			return NULL;
		}
	}
	return rd;
}

void nat64_redirect_free(struct nat64_redirect *rd)
{
	if (!rd)
		return;
	rte_hash_free(rd->h);
	rte_free(rd);
}

static void key_of(struct rd_key *k, uint8_t proto, uint32_t a4, uint16_t p4)
{
	memset(k, 0, sizeof(*k));
	k->proto = proto;
	k->port4 = p4;
	k->addr4 = a4;
}

int nat64_redirect_set(struct nat64_redirect *rd, uint8_t proto, uint32_t a4, uint16_t p4, unsigned w)
{
	struct rd_key k;

	key_of(&k, proto, a4, p4);
	bool had = rte_hash_lookup(rd->h, &k) >= 0;
	if (rte_hash_add_key_data(rd->h, &k, (void *)(uintptr_t)w) != 0)
		return -1;
	if (!had)
		__atomic_store_n(&rd->n, rd->n + 1, __ATOMIC_RELEASE);
	return 0;
}

void nat64_redirect_del(struct nat64_redirect *rd, uint8_t proto, uint32_t a4, uint16_t p4)
{
	struct rd_key k;

	key_of(&k, proto, a4, p4);
	if (rte_hash_del_key(rd->h, &k) >= 0)
		__atomic_store_n(&rd->n, rd->n - 1, __ATOMIC_RELEASE);
}

uint32_t nat64_redirect_count(const struct nat64_redirect *rd)
{
	return __atomic_load_n(&rd->n, __ATOMIC_ACQUIRE);
}

int nat64_redirect_get(const struct nat64_redirect *rd, uint8_t proto, uint32_t a4, uint16_t p4)
{
	struct rd_key k;
	void *data;

	key_of(&k, proto, a4, p4);
	if (rte_hash_lookup_data(rd->h, &k, &data) < 0)
		return -1;
	return (int)(uintptr_t)data;
}
