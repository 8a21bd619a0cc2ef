/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * NAT64 filtering and updating of binding and session information (RFC 6146
 * 3.5, nat64_filter.c): what the translation paths ask of a worker's tables.
 */
#ifndef XLAT_NAT64_FILTER_H
#define XLAT_NAT64_FILTER_H

#include <stdint.h>

#include "xlat.h"

/* Ports and ids in host order, addresses in network order; XLAT_OK or the counter naming the refusal. */
enum xlat_stat nat64_out(struct xlat_ctx *ctx, uint8_t proto, const uint8_t *src6, uint16_t sport, uint32_t dst4,
			 uint16_t dport, uint8_t flags, uint32_t *src4, uint16_t *sport4);
enum xlat_stat nat64_in(struct xlat_ctx *ctx, uint8_t proto, uint32_t src4, uint16_t sport, uint32_t dst4,
			uint16_t dport, uint8_t flags, uint8_t dst6[16], uint16_t *dport6);
/*
 * NAT64 fragment tracking: a datagram's first fragment records what it was
 * mapped to (6->4: the IPv4 source; 4->6: the IPv6 destination), keyed by the
 * original (family, proto, id, src, dst); the later fragments, which carry no
 * ports, look it up. A later fragment that arrives first is dropped (counted).
 * nat64_frag_put / nat64_frag_get are declared in nat64.h.
 */

/* Lookups for ICMP error payloads (no state change); 0 or -1. */
int nat64_find_in(struct xlat_ctx *ctx, uint8_t proto, uint32_t local4, uint16_t lport, uint32_t remote4,
		  uint16_t rport, uint8_t a6[16], uint16_t *p6);
int nat64_find_out(struct xlat_ctx *ctx, uint8_t proto, const uint8_t *a6, uint16_t p6, uint32_t remote4,
		   uint16_t rport, uint32_t *local4, uint16_t *lport);

#endif
