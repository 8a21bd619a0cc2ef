/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Which worker owns a NAT64 flow (nat64.h): a pure function of the packet, so
 * that both directions of every session meet on one worker without locks.
 */
#include <string.h>

#include <rte_jhash.h>

#include "cgn.h"
#include "nat64.h"
#include "nat64_pool4.h"

unsigned nat64_owner6(const struct xlat_config *cfg, const uint8_t src6[16], unsigned n)
{
	if (n <= 1)
		return 0;
	/* CGN: every flow of a subscriber on one worker, which keeps its counts and blocks (doc/cgn.md) */
	if (cfg->cgn.enabled)
		return cgn_owner6(src6, cfg->cgn.subscriber_plen, n);
	uint32_t key[4]; /* rte_jhash reads 32-bit words; a source address in a frame is 2-byte aligned */
	memcpy(key, src6, 16);
	return rte_jhash(key, 16, 0x6146) % n;
}

unsigned nat64_owner4(const struct xlat_config *cfg, uint8_t proto, uint32_t a4, uint16_t p4, unsigned n)
{
	if (n <= 1)
		return 0;
	/* A static entry's sessions live with its IPv6 side's owner. */
	const struct bib_static *b = nat64_static_by4(cfg, proto, a4, p4);
	if (b)
		return nat64_owner6(cfg, b->addr6, n);
	unsigned o;
	if (cfg->cgn.enabled && cgn_owner4(cfg, proto, a4, p4, n, &o))
		return o;
	return (p4 / 2u) % n;
}
