/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The NAT64 fast paths (fast64_nat64.c, fast46_nat64.c): what
 * xlat_fast64/46() are in NAT64 mode (xlat_fast.h, same contract).
 */
#ifndef XLAT_FAST_NAT64_H
#define XLAT_FAST_NAT64_H

#include <stdint.h>

#include "xlat_fast.h"

int xlat_fast64_nat64(struct xlat_ctx *ctx, struct xlat_pkt *pkt, struct xlat_fmemo *m);
int xlat_fast46_nat64(struct xlat_ctx *ctx, struct xlat_pkt *pkt, struct xlat_fmemo *m);

#endif
