/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What every step of the translation pipeline uses: counting what happens to
 * a packet, the per-worker random numbers, the super-frame test.
 */
#ifndef XLAT_STEP_H
#define XLAT_STEP_H

#include <stdbool.h>
#include <stdint.h>

#include "xlat.h"

/* Something happened to this packet: one more of counter s (this worker's). */
static inline void xlat_count(struct xlat_ctx *ctx, enum xlat_stat s)
{
	ctx->counters[s]++;
}

/* The packet goes no further, for the reason the counter why names: counted, and dropped. */
static inline enum xlat_verdict xlat_drop(struct xlat_ctx *ctx, enum xlat_stat why)
{
	ctx->counters[why]++;
	return XV_DROP;
}

/* Longer than the link it came in on (a super-frame, xlat.c oversize_refused())? An in_mtu of 0 means unknown: never. */
static inline bool xlat_longer_than_link(const struct xlat_ctx *ctx, uint32_t len)
{
	return len - 1u > ctx->in_mtu - 1u; /* one compare; in_mtu 0 wraps to the largest value */
}
/*
 * What a header's TOS / traffic class byte becomes (RFC 7915 4.1, 5.1): the
 * packet's, zeroed, or the operator's, as (v & keep) | set, so that the fast
 * paths can read the rule once a run (struct fast_env) and apply it in two
 * instructions. xlat64_tos_rule() and xlat46_tclass_rule() make it.
 */
struct xlat_tos_rule {
	uint8_t keep, set;
};

static inline uint8_t xlat_tos_apply(struct xlat_tos_rule r, uint8_t v)
{
	return (uint8_t)((v & r.keep) | r.set);
}

/*
 * IPv4 identifications and RFC 6791 hosts (no secrecy needed: the xorshift this
 * replaced was as predictable), one per small 6->4 packet: a 32-bit LCG
 * (Numerical Recipes' constants, full period), rotated so that its strong high
 * half comes out as the low 16 bits the callers use. Four instructions where
 * xorshift32 took fourteen.
 */
static inline uint32_t xlat_rand(struct xlat_ctx *ctx)
{
	uint32_t x = ctx->rand_state * 1664525u + 1013904223u;

	ctx->rand_state = x;
	return x >> 16 | x << 16;
}

#endif
