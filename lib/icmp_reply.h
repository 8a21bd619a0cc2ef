/* SPDX-License-Identifier: BSD-3-Clause */
/* Box-originated ICMP errors, built in place over the offending packet (icmp_reply.c). */
#ifndef XLAT_ICMP_REPLY_H
#define XLAT_ICMP_REPLY_H

#include <stdint.h>

#include "xlat.h"

enum xlat_verdict icmp_reply4(struct xlat_ctx *ctx, struct xlat_pkt *pkt, uint8_t type, uint8_t code,
			      uint32_t rest);
enum xlat_verdict icmp_reply6(struct xlat_ctx *ctx, struct xlat_pkt *pkt, uint8_t type, uint8_t code,
			      uint32_t rest);

#endif
