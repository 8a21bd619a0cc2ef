/* SPDX-License-Identifier: BSD-3-Clause */
/* Box-originated ICMP errors, built in place over the offending packet (icmp_reply.c). */
#ifndef XLAT_ICMP_REPLY_H
#define XLAT_ICMP_REPLY_H

#include <stdint.h>

#include "xlat.h"
#include "xlat_step.h"

enum xlat_verdict icmp_reply4(struct xlat_ctx *ctx, struct xlat_pkt *pkt, uint8_t type, uint8_t code,
			      uint32_t rest);
enum xlat_verdict icmp_reply6(struct xlat_ctx *ctx, struct xlat_pkt *pkt, uint8_t type, uint8_t code,
			      uint32_t rest);

/*
 * The translator refuses the packet for the reason the counter why names
 * (counted), and answers its sender with an ICMP error of its own.
 */
static inline enum xlat_verdict icmp_refuse4(struct xlat_ctx *ctx, struct xlat_pkt *pkt, enum xlat_stat why,
					     uint8_t type, uint8_t code, uint32_t rest)
{
	xlat_count(ctx, why);
	return icmp_reply4(ctx, pkt, type, code, rest);
}

static inline enum xlat_verdict icmp_refuse6(struct xlat_ctx *ctx, struct xlat_pkt *pkt, enum xlat_stat why,
					     uint8_t type, uint8_t code, uint32_t rest)
{
	xlat_count(ctx, why);
	return icmp_reply6(ctx, pkt, type, code, rest);
}

#endif
