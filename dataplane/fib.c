/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Routing tables per family (rte_lpm, rte_lpm6). Next hops are a small fixed
 * array: port plus gateway, or "connected" (the destination is the neighbour).
 * Built once at start; lookups are lock-free reads.
 */
#include <stdio.h>
#include <string.h>

#include <rte_lpm.h>
#include <rte_lpm6.h>

#include "dp.h"

#define FIB_MAX_NH 1024

struct nexthop {
	uint16_t port;
	bool has_gw;
	uint8_t gw[16];
};

static struct rte_lpm *lpm4;
static struct rte_lpm6 *lpm6;
static struct nexthop nhs[FIB_MAX_NH];
static unsigned n_nh;
/* the default routes (0.0.0.0/0, ::/0): rte_lpm/rte_lpm6 take depths from 1 on; -1 when there is none */
static int def4 = -1, def6 = -1;

static int add_route(int family, const uint8_t *prefix, uint8_t plen, unsigned port, const uint8_t *gw, char *err,
		     size_t errlen)
{
	if (n_nh >= FIB_MAX_NH) {
		snprintf(err, errlen, "too many routes (max %d)", FIB_MAX_NH);
		return -1;
	}
	struct nexthop *nh = &nhs[n_nh];
	nh->port = (uint16_t)port;
	nh->has_gw = gw != NULL;
	if (gw)
		memcpy(nh->gw, gw, family == 4 ? 4 : 16);
	int rc;
	if (plen == 0) {
		*(family == 4 ? &def4 : &def6) = (int)n_nh;
		rc = 0;
	} else if (family == 4) {
		uint32_t a;
		memcpy(&a, prefix, 4);
		rc = rte_lpm_add(lpm4, rte_be_to_cpu_32(a), plen, n_nh);
	} else {
		rc = rte_lpm6_add(lpm6, prefix, plen, n_nh);
	}
	if (rc != 0) {
		snprintf(err, errlen, "cannot add route (%s)", rte_strerror(-rc));
		return -1;
	}
	n_nh++;
	return 0;
}

int fib_init(struct dp *dp, char *err, size_t errlen)
{
	struct rte_lpm_config c4 = { .max_rules = 1024, .number_tbl8s = 256 };
	struct rte_lpm6_config c6 = { .max_rules = 1024, .number_tbl8s = 1024 };

	lpm4 = rte_lpm_create("fib4", SOCKET_ID_ANY, &c4);
	lpm6 = rte_lpm6_create("fib6", SOCKET_ID_ANY, &c6);
	if (!lpm4 || !lpm6) {
		snprintf(err, errlen, "cannot create routing tables: %s", rte_strerror(rte_errno));
		return -1;
	}
	/* Connected routes first: every port address's prefix. */
	for (unsigned p = 0; p < dp->cfg.n_ports; p++) {
		const struct appcfg_port *pc = &dp->cfg.ports[p];
		for (unsigned a = 0; a < pc->n_addrs; a++) {
			struct appcfg_addr ad = pc->addrs[a];
			unsigned bytes = ad.family == 4 ? 4 : 16;
			for (unsigned bit = ad.plen; bit < bytes * 8; bit++)
				ad.addr[bit / 8] &= (uint8_t)~(0x80 >> (bit % 8));
			if (add_route(ad.family, ad.addr, ad.plen, p, NULL, err, errlen))
				return -1;
		}
	}
	for (unsigned r = 0; r < dp->cfg.n_routes; r++) {
		const struct appcfg_route *rc = &dp->cfg.routes[r];
		if (add_route(rc->family, rc->prefix, rc->plen, rc->port, rc->via_set ? rc->via : NULL, err, errlen))
			return -1;
	}
	return 0;
}

int fib_route(void *opaque, int family, const uint8_t *dst, struct xlat_route *out)
{
	struct dp *dp = opaque;
	uint32_t nh;

	if (family == 4) {
		uint32_t a;
		memcpy(&a, dst, 4);
		if (rte_lpm_lookup(lpm4, rte_be_to_cpu_32(a), &nh) != 0) {
			if (def4 < 0)
				return -1;
			nh = (uint32_t)def4;
		}
	} else if (rte_lpm6_lookup(lpm6, dst, &nh) != 0) {
		if (def6 < 0)
			return -1;
		nh = (uint32_t)def6;
	}
	const struct dp_port *port = &dp->ports[nhs[nh].port];
	out->nexthop = nh;
	out->mtu = port->mtu;
	if (family == 4) {
		out->self_set = port->has4;
		memcpy(out->self, &port->self4, 4);
	} else {
		out->self_set = port->has6;
		memcpy(out->self, port->self6, 16);
	}
	return 0;
}

void fib_neighbor_addr(uint32_t nexthop, int family, const uint8_t *dst, uint8_t out[16], uint16_t *port)
{
	const struct nexthop *nh = &nhs[nexthop];
	unsigned len = family == 4 ? 4 : 16;

	memset(out, 0, 16);
	memcpy(out, nh->has_gw ? nh->gw : dst, len);
	*port = nh->port;
}
