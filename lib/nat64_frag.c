/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * NAT64 fragment tracking ("virtual reassembly"): a datagram's first fragment
 * records what it was mapped to (6->4: the IPv4 source; 4->6: the IPv6
 * destination), keyed by the original (family, proto, id, src, dst); the later
 * fragments, which carry no ports, look it up. A later fragment that arrives
 * first is dropped (counted by the caller). RFC 6146 3.5 asks for at least 2 s.
 */
#include <string.h>

#include <rte_hash.h>

#include "nat64_db.h"
#include "nat64_frag.h"

static void frag_key(struct frag_key *k, int family, uint8_t proto, uint32_t id, const uint8_t *src,
		     const uint8_t *dst)
{
	memset(k, 0, sizeof(*k));
	k->family = (uint8_t)family;
	k->proto = proto;
	k->id = id;
	memcpy(k->src, src, family == 6 ? 16 : 4);
	memcpy(k->dst, dst, family == 6 ? 16 : 4);
}

void nat64_frag_put(struct xlat_ctx *ctx, int family, uint8_t proto, uint32_t id, const uint8_t *src,
		    const uint8_t *dst, uint32_t a4, const uint8_t *a6)
{
	struct nat64_table *t = ctx->nat;
	struct frag_key k;

	frag_key(&k, family, proto, id, src, dst);
	if (t->frag_n >= FRAG_MAX) { /* full: the oldest datagram's entry goes */
		struct frag_key old;
		const void *kp;
		void *dp;
		int32_t pos = t->frag_fifo[t->frag_head];
		if (rte_hash_get_key_with_position(t->frag, pos, (void **)&kp) == 0) {
			memcpy(&old, kp, sizeof(old));
			rte_hash_del_key(t->frag, &old);
		}
		(void)dp;
		t->frag_head = (t->frag_head + 1) % FRAG_MAX;
		t->frag_n--;
	}
	int32_t pos = rte_hash_add_key(t->frag, &k);
	if (pos < 0)
		return;
	if (pos >= FRAG_MAX) {
		rte_hash_del_key(t->frag, &k);
		return;
	}
	struct frag_val *v = &t->fvals[pos];
	v->a4 = a4;
	if (a6)
		memcpy(v->a6, a6, 16);
	v->expires_ms = ctx->now_ns / 1000000u + FRAG_TIMEOUT_MS;
	t->frag_fifo[(t->frag_head + t->frag_n) % FRAG_MAX] = pos;
	t->frag_n++;
}

int nat64_frag_get(struct xlat_ctx *ctx, int family, uint8_t proto, uint32_t id, const uint8_t *src,
		   const uint8_t *dst, uint32_t *a4, uint8_t *a6)
{
	struct nat64_table *t = ctx->nat;
	struct frag_key k;

	frag_key(&k, family, proto, id, src, dst);
	int32_t pos = rte_hash_lookup(t->frag, &k);
	if (pos < 0 || t->fvals[pos].expires_ms < ctx->now_ns / 1000000u)
		return -1;
	*a4 = t->fvals[pos].a4;
	if (a6)
		memcpy(a6, t->fvals[pos].a6, 16);
	return 0;
}
