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
