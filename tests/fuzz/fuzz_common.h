/* SPDX-License-Identifier: BSD-3-Clause */
/* What the packet-path fuzz targets (fuzz_xlat, fuzz_icmp_inner, fuzz_nat64) share. */
#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#include <stdint.h>

#include "xlat.h"

/* Every destination routed, MTU 1280 or 1500 by its last bit, the egress port's address 0x42... */
int fuzz_route(void *opaque, int family, const uint8_t *dst, struct xlat_route *out);

/* SIIT: pool6 64:ff9b::/96, EAMT 2001:db8:6::/120 <-> 192.0.2.0/24, rfc6791v4 203.0.113.8. */
void fuzz_siit_config(struct xlat_config *cfg);

/* The EAL (no hugepages, one lcore) and a NAT64 configuration: pool6 64:ff9b::/96, pool4 192.0.2.0/30 with
 * ports 1000-1063 for TCP, UDP and ICMP (small, so that exhaustion and conflicts are reachable). */
void fuzz_nat64_start(struct xlat_config *cfg);

/* A worker's context on an ingress port of MTU in_mtu at now_ns, with ICMP error tokens to spare. */
struct xlat_ctx fuzz_ctx(const struct xlat_config *cfg, uint64_t *counters, xlat_route_fn route, uint16_t in_mtu,
			 uint64_t now_ns);

#endif
