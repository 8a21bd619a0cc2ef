/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One subscriber's carrier-grade NAT64 state for the control plane
 * (nat64_status.h): its counts, the flows its limits refused, its port
 * blocks. Run by the worker that owns the subscriber, like every reader of
 * its cgn_table.
 */
#include <string.h>

#include <rte_hash.h>

#include "cgn_table.h"
#include "nat64_status.h"

void cgn_subscriber_info(const struct cgn_table *c, const uint8_t sub[16], struct cgn_sub_info *out)
{
	uint8_t k[16];
	int32_t pos;

	memset(out, 0, sizeof(*out));
	memcpy(k, sub, 16);
	if (!c || (pos = rte_hash_lookup(c->subs, k)) < 0 || (uint32_t)pos >= c->max)
		return;
	const struct cgn_sub *s = &c->sub[pos];
	unsigned listed = 0;
	out->found = true;
	out->sessions = s->sessions;
	for (unsigned p = 0; p < CGN_NPROTO; p++) {
		out->bibs[p] = s->bibs[p];
		out->limit_hits[p] = s->limit_hits[p];
		out->n_blocks = (uint16_t)(out->n_blocks + s->nblk[p]);
		unsigned hops = 0; /* a list is as long as nblk; the bound only guards a broken one */
		for (uint32_t b = s->blk_head[p]; b != NIL && b < c->max_blk && hops <= s->nblk[p]; b = c->blk[b].next) {
			hops++;
			if (listed >= CGN_INFO_BLOCKS)
				continue;
			unsigned i = listed++;
			const struct cgn_block *blk = &c->blk[b];
			out->blk[i].proto = blk->proto;
			out->blk[i].addr4 = blk->addr4;
			out->blk[i].first = blk->first;
			out->blk[i].last = blk->last;
			out->blk[i].used = blk->used;
		}
	}
}
