/* SPDX-License-Identifier: BSD-3-Clause */
/* ICMP type, code, pointer and MTU translation (icmp_map.c): RFC 7915 4.2 (v4->v6) and 5.2 (v6->v4). */
#ifndef XLAT_ICMP_MAP_H
#define XLAT_ICMP_MAP_H

#include <stdbool.h>
#include <stdint.h>

#include "icmp_types.h"
#include "stats.h"
#include "xlat_config.h"

enum icmp_rest { ICMP_REST_COPY, ICMP_REST_MTU, ICMP_REST_PTR, ICMP_REST_ZERO };
struct icmp_map {
	uint8_t type, code;
	enum icmp_rest rest; /* what to do with bytes 4-7 of the ICMP header */
	uint32_t ptr;        /* ICMP_REST_PTR: the translated pointer */
};
/* XLAT_OK when translatable, else the counter naming why not. */
enum xlat_stat icmp_map46(uint8_t type, uint8_t code, const uint8_t rest[4], struct icmp_map *m);
enum xlat_stat icmp_map64(uint8_t type, uint8_t code, const uint8_t rest[4], struct icmp_map *m);
/* RFC 7915 4.2: PTB MTU for a Fragmentation Needed; 5.2: the other way. */
uint32_t icmp_mtu46(const struct xlat_globals *g, uint16_t mtu4_field, uint32_t inner_totlen, uint32_t out6_mtu,
		    uint32_t in4_mtu);
uint32_t icmp_mtu64(uint32_t mtu6_field, uint32_t out4_mtu, uint32_t in6_mtu);

#endif
