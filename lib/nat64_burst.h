/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A burst's NAT64 lookups (nat64_burst.c) as nat64_out() / nat64_in() take
 * them: one hint each, checked before use.
 */
#ifndef XLAT_NAT64_BURST_H
#define XLAT_NAT64_BURST_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "nat64_db.h"
#include "nat64_filter.h"

/* A hint is used once, and only if its session is still this flow's (sessions may have gone since). */
static inline int32_t take_hint(struct nat64_table *t, int *idx)
{
	int32_t h = t->hint_cur;

	*idx = t->hint_idx;
	t->hint_cur = -1;
	t->hint_idx = -1;
	return h;
}

/* The session's line holds both 5-tuples: the hint is checked where it was prefetched, nowhere else. */
static inline bool hint_is6(const struct nat64_table *t, int32_t si, uint8_t proto, const uint8_t *a6, uint16_t p6,
			    uint32_t remote4, uint16_t rport)
{
	const struct session *s = &t->sess[si];

	return s->list != LIST_FREE && s->remote4 == remote4 && s->rport == rport && s->p6 == p6 &&
	       s->proto == proto && same16(s->a6, a6);
}

static inline bool hint_is4(const struct nat64_table *t, int32_t si, uint8_t proto, uint32_t local4, uint16_t lport,
			    uint32_t remote4, uint16_t rport)
{
	const struct session *s = &t->sess[si];

	return s->list != LIST_FREE && s->remote4 == remote4 && s->rport == rport && s->a4 == local4 &&
	       s->p4 == lport && s->proto == proto;
}

/* A packet of session i's flow seen at now (ms: ctx->now_ns / 10^6): its TCP state (RFC 6146 3.5.2.2), or its timer. */
static inline void nat64_touch(struct xlat_ctx *ctx, uint64_t now, uint32_t i, uint8_t proto, bool v6, uint8_t flags)
{
	if (proto == IPPROTO_TCP)
		nat64_tcp_update(ctx->nat, ctx->cfg, i, v6, flags, now);
	else
		refresh(ctx->nat, &ctx->cfg->g.nat, i, proto, now);
}

/*
 * nat64_out() / nat64_in() for the fast paths: the common case inline (the
 * burst's hint is this flow's session: its timer, or its TCP state, and the
 * other side's address and port), everything else through the functions
 * themselves, which take the hint the same way. Same outcome, without a call
 * and its prologue per packet of an established flow. now_ms: ctx->now_ns in
 * ms, which the fast paths work out once a run (struct fast_env).
 */
static inline enum xlat_stat nat64_out_fast(struct xlat_ctx *ctx, uint64_t now_ms, uint8_t proto,
					    const uint8_t *src6, uint16_t sport, uint32_t dst4, uint16_t dport,
					    uint8_t flags, uint32_t *src4, uint16_t *sport4)
{
	struct nat64_table *t = ctx->nat;
	uint16_t rport = proto == IPPROTO_ICMP ? 0 : dport;
	int32_t si = t->hint_cur;

	if (!t->hint_n) /* no burst lookup (nat64_burst_worth): the recent-flow slot, here */
		si = recent_get(t->recent6, recent_hash6_of(proto, src6, sport, dst4, rport));
	if (si < 0 || !hint_is6(t, si, proto, src6, sport, dst4, rport))
		return nat64_out(ctx, proto, src6, sport, dst4, dport, flags, src4, sport4);
	t->hint_cur = -1;
	t->hint_idx = -1;
	nat64_touch(ctx, now_ms, (uint32_t)si, proto, true, flags);
	*src4 = t->sess[si].a4;
	*sport4 = t->sess[si].p4;
	return XLAT_OK;
}

static inline enum xlat_stat nat64_in_fast(struct xlat_ctx *ctx, uint64_t now_ms, uint8_t proto, uint32_t src4,
					   uint16_t sport, uint32_t dst4, uint16_t dport, uint8_t flags,
					   uint8_t dst6[16], uint16_t *dport6)
{
	struct nat64_table *t = ctx->nat;
	uint16_t rport = proto == IPPROTO_ICMP ? 0 : sport;
	int32_t si = t->hint_cur;

	if (!t->hint_n) /* no burst lookup (nat64_burst_worth): the recent-flow slot, here */
		si = recent_get(t->recent4, recent_hash4_of(proto, dst4, dport, src4, rport));
	if (si < 0 || !hint_is4(t, si, proto, dst4, dport, src4, rport))
		return nat64_in(ctx, proto, src4, sport, dst4, dport, flags, dst6, dport6);
	t->hint_cur = -1;
	t->hint_idx = -1;
	nat64_touch(ctx, now_ms, (uint32_t)si, proto, false, flags);
	memcpy(dst6, t->sess[si].a6, 16);
	*dport6 = t->sess[si].p6;
	return XLAT_OK;
}

#endif
