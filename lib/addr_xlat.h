/* SPDX-License-Identifier: BSD-3-Clause */
/* Address translation policy (addr_xlat.c): EAMT first (RFC 7757 3.3), then pool6 (RFC 6052), denylist4. */
#ifndef XLAT_ADDR_XLAT_H
#define XLAT_ADDR_XLAT_H

#include <stdbool.h>
#include <stdint.h>

#include "xlat_config.h"

/* Address mapping (addr_xlat.c). Return 0 or -1. */
/* IPv6 -> IPv4: EAMT, else pool6; says which, or why not. */
enum addr_map_result { ADDR_MAP_NONE = -2, ADDR_MAP_DENIED = -1, ADDR_MAP_EAMT = 0, ADDR_MAP_POOL6 = 1 };
int addr_map64(const struct xlat_config *cfg, const uint8_t a6[16], uint32_t *a4);
int addr_map46(const struct xlat_config *cfg, uint32_t a4, uint8_t a6[16]);
bool addr_denied4(const struct xlat_config *cfg, uint32_t a4);
/* Sources a router never forwards (NAT64 keeps no state for them): IPv4 reserved ranges, IPv6
 * unspecified/loopback/link-local/multicast. */
bool addr_reserved4(uint32_t a4);
bool addr_unforwardable6(const uint8_t a[16]);
/* The source of an ICMPv4 error: EAMT, else pool6 without the reserved-range check. */
int addr_map46_errsrc(const struct xlat_config *cfg, uint32_t a4, uint8_t a6[16]);
/*
 * RFC 7757 appendix B (intrinsic hairpinning), second pass: the addresses that
 * were pool6 on the way in (outer source, inner destination) go back out through
 * pool6, the others through EAMT.
 */
int addr_map46_hairpin(const struct xlat_config *cfg, uint32_t a4, uint8_t a6[16], bool use_pool6);

#endif
