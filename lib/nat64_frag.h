/* SPDX-License-Identifier: BSD-3-Clause */
/* NAT64 fragment tracking ("virtual reassembly", nat64_frag.c). */
#ifndef XLAT_NAT64_FRAG_H
#define XLAT_NAT64_FRAG_H

#include <stdint.h>

#include "xlat.h"

/*
 * Fragment tracking (nat64_frag.c): what a datagram's first fragment was
 * mapped to (6->4: a4, the IPv4 source; 4->6: a6, the IPv6 destination), by
 * the original (family, proto, id, src, dst), for the fragments after it.
 * nat64_owner() keeps which worker a first fragment went to the same way
 * (family NAT64_FRAG_OWNER: a4 holds the worker index).
 */
#define NAT64_FRAG_OWNER 44
void nat64_frag_put(struct xlat_ctx *ctx, int family, uint8_t proto, uint32_t id, const uint8_t *src,
		    const uint8_t *dst, uint32_t a4, const uint8_t *a6);
int nat64_frag_get(struct xlat_ctx *ctx, int family, uint8_t proto, uint32_t id, const uint8_t *src,
		   const uint8_t *dst, uint32_t *a4, uint8_t *a6);

#endif
