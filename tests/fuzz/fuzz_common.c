/* SPDX-License-Identifier: BSD-3-Clause */
/* The packet-path fuzz targets' route, SIIT configuration and context (fuzz_common.h). */
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>

#include "fuzz_common.h"
#include "nat64.h"
#include "rfc6052.h"

void fuzz_nat64_start(struct xlat_config *cfg)
{
	char *eal[] = { "fuzz", "-l", "0", "--no-huge", "-m", "128", "--no-shconf", "--no-pci",
			"--log-level", "*:error", NULL };
	static const uint8_t protos[] = { 6, 17, 1 };
	struct prefix4 p;

	if (rte_eal_init(10, eal) < 0)
		abort();
	xlat_config_init(cfg, XLAT_MODE_NAT64);
	prefix6_parse("64:ff9b::/96", &cfg->g.pool6);
	cfg->g.pool6_set = true;
	prefix4_parse("192.0.2.0/30", &p);
	for (unsigned i = 0; i < 3; i++)
		cfg->pool4[cfg->n_pool4++] = (struct pool4_entry){ .proto = protos[i], .addr = p.addr, .plen = 30,
								  .port_min = 1000, .port_max = 1063 };
}

int fuzz_route(void *opaque, int family, const uint8_t *dst, struct xlat_route *out)
{
	(void)opaque;
	out->mtu = (dst[family == 4 ? 3 : 15] & 1) ? 1280 : 1500;
	out->nexthop = 0;
	out->self_set = true;
	memset(out->self, 0x42, 16);
	return 0;
}

void fuzz_siit_config(struct xlat_config *cfg)
{
	struct prefix6 p6;
	struct prefix4 p4;
	const char *why;

	xlat_config_init(cfg, XLAT_MODE_SIIT);
	prefix6_parse("64:ff9b::/96", &cfg->g.pool6);
	cfg->g.pool6_set = true;
	prefix6_parse("2001:db8:6::/120", &p6);
	prefix4_parse("192.0.2.0/24", &p4);
	eamt_add(&cfg->eamt, &p6, &p4, &why);
	prefix4_parse("203.0.113.8/32", &cfg->g.rfc6791v4);
	cfg->g.rfc6791v4_set = true;
}

struct xlat_ctx fuzz_ctx(const struct xlat_config *cfg, uint64_t *counters, xlat_route_fn route, uint16_t in_mtu,
			 uint64_t now_ns)
{
	struct xlat_ctx ctx = {
		.cfg = cfg, .counters = counters, .route = route, .rand_state = 1, .now_ns = now_ns,
		.in_self4 = 0x0100a8c0, .in_self4_set = true, .in_self6_set = true, .in_mtu = in_mtu,
	};
	ctx.icmp_rl.tokens = 100;
	return ctx;
}
