/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The NAT64 fast paths (fast64_nat64.c, fast46_nat64.c): what
 * xlat_fast64/46() are in NAT64 mode (xlat_fast.h, same contract); and
 * every mode's runs, which xlat_fast_run() (fast_run.c) strings together.
 */
#ifndef XLAT_FAST_NAT64_H
#define XLAT_FAST_NAT64_H

#include <stdint.h>

#include "xlat_fast.h"

int xlat_fast64_nat64(struct xlat_ctx *ctx, struct xlat_pkt *pkt, struct xlat_fmemo *m);
int xlat_fast46_nat64(struct xlat_ctx *ctx, struct xlat_pkt *pkt, struct xlat_fmemo *m);

/* xlat_fast_run()'s parts (fast_run() in fast.h): each mode's and family's run of packets. */
unsigned xlat_fast64_siit_run(struct xlat_ctx *ctx, struct xlat_pkt *pkts, unsigned n, struct xlat_fmemo *m,
			      uint8_t *v);
unsigned xlat_fast46_siit_run(struct xlat_ctx *ctx, struct xlat_pkt *pkts, unsigned n, struct xlat_fmemo *m,
			      uint8_t *v);
unsigned xlat_fast64_nat64_run(struct xlat_ctx *ctx, struct xlat_pkt *pkts, unsigned n, struct xlat_fmemo *m,
			       uint8_t *v, int hint0);
unsigned xlat_fast46_nat64_run(struct xlat_ctx *ctx, struct xlat_pkt *pkts, unsigned n, struct xlat_fmemo *m,
			       uint8_t *v, int hint0);

#endif
