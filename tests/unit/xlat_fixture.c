/* SPDX-License-Identifier: BSD-3-Clause */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "eamt.h"
#include "stats.h"
#include "xlat_fixture.h"

void xlat_fixture_siit(struct xlat_config *cfg)
{
	struct prefix6 a;
	struct prefix4 b;
	const char *why = NULL;

	xlat_config_init(cfg, XLAT_MODE_SIIT);
	assert_int_equal(prefix6_parse("2001:db8:100::/40", &cfg->g.pool6), 0);
	cfg->g.pool6_set = true;
	assert_int_equal(prefix6_parse("2001:db8:3::/120", &a), 0);
	assert_int_equal(prefix4_parse("1.0.0.0/24", &b), 0);
	assert_int_equal(eamt_add(&cfg->eamt, &a, &b, &why), 0);
}

void xlat_fixture_ctx(struct xlat_ctx *ctx, const struct xlat_config *cfg, uint64_t *ctr, xlat_route_fn route)
{
	memset(ctr, 0, sizeof(uint64_t) * XSTAT_MAX);
	memset(ctx, 0, sizeof(*ctx));
	ctx->cfg = cfg;
	ctx->counters = ctr;
	ctx->route = route;
	ctx->rand_state = 0x2545f491;
	ctx->in_mtu = 1500;
}
