/* SPDX-License-Identifier: BSD-3-Clause */
/* xlat_fast_run() (xlat_fast.h): a burst through the fast paths, one run of a family at a time. */
#include "fast_nat64.h"
#include "xlat_fast.h"

unsigned xlat_fast_run(struct xlat_ctx *ctx, struct xlat_pkt *pkts, unsigned n, struct xlat_fmemo *m, uint8_t *v,
		       int hint0)
{
	const bool nat64 = ctx->cfg->mode == XLAT_MODE_NAT64;
	unsigned done = 0;

	while (done < n) {
		struct xlat_pkt *p = pkts + done;
		unsigned left = n - done, k;
		int h = hint0 < 0 ? -1 : hint0 + (int)done;

		if (p->family == 6)
			k = nat64 ? xlat_fast64_nat64_run(ctx, p, left, m, v + done, h)
				  : xlat_fast64_siit_run(ctx, p, left, m, v + done);
		else if (p->family == 4)
			k = nat64 ? xlat_fast46_nat64_run(ctx, p, left, m, v + done, h)
				  : xlat_fast46_siit_run(ctx, p, left, m, v + done);
		else
			break;
		if (!k)
			break;
		done += k;
	}
	return done;
}
