/* SPDX-License-Identifier: BSD-3-Clause */
/* What several unit tests of the translator set up alike (xlat_fixture.c). */
#ifndef XLAT_FIXTURE_H
#define XLAT_FIXTURE_H

#include <stdint.h>

#include "xlat.h"

/* SIIT: pool6 2001:db8:100::/40 and one EAM, 2001:db8:3::/120 <-> 1.0.0.0/24. */
void xlat_fixture_siit(struct xlat_config *cfg);
/* One worker's context for cfg: counters ctr (XSTAT_MAX of them, zeroed), route, a fixed seed, a 1500-byte link in. */
void xlat_fixture_ctx(struct xlat_ctx *ctx, const struct xlat_config *cfg, uint64_t *ctr, xlat_route_fn route);

#endif
