/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The tests every fast path makes first (xlat_fast.h), SIIT and NAT64 alike:
 * a whole datagram without extension headers or options, not fragmented, TTL
 * left, TCP, UDP or an echo; inline in each fast path (fast64.c,
 * fast64_nat64.c, fast46.c, fast46_nat64.c). False: the packet is not one for
 * them (nothing changed).
 */
#ifndef XLAT_FAST_H_INTERNAL
#define XLAT_FAST_H_INTERNAL

#include <stdbool.h>
#include <stdint.h>

#include "bytes.h"
#include "checksum.h"
#include "icmp_map.h"
#include "ip_hdr.h"
#include "xlat_fast.h"
#include "xlat_step.h"

/* IPv6: *l4 and *l4len its upper layer, *coff where its TCP/UDP checksum is (0: ICMPv6 echo, mapped in *im). */
static inline bool fast64_accept(struct xlat_ctx *ctx, struct xlat_pkt *pkt, uint8_t **l4, uint32_t *l4len,
				 uint8_t *proto, unsigned *coff, struct icmp_map *im)
{
	const struct xlat_config *cfg = ctx->cfg;
	uint8_t *p = pkt->data;

	if (!cfg->g.manually_enabled || pkt->len < 40 || (p[0] >> 4) != 6 || xlat_longer_than_link(ctx, pkt->len))
		return false;
	uint32_t len = rd16(p + 4);
	uint8_t pr = p[6];
	uint8_t *u = p + 40;
	/* a whole datagram in the buffer (L2 padding allowed), its whole L4 header, hop limit left */
	if (40 + len > pkt->len || p[7] <= 1)
		return false;
	if (pr == IPPROTO_UDP_) {
		if (len < 8)
			return false;
		*coff = 6;
	} else if (pr == IPPROTO_TCP_) {
		if (len < 20)
			return false;
		*coff = 16;
	} else if (pr == IPPROTO_ICMPV6_) {
		if (len < 8 || (u[0] != 128 && u[0] != 129) || icmp_map64(u[0], u[1], u + 4, im) != XLAT_OK)
			return false;
		*coff = 0;
	} else {
		return false;
	}
	*l4 = u;
	*l4len = len;
	*proto = pr;
	return true;
}

/* IPv4, the same; its header checksum verified, and room for the IPv6 header's 20 more bytes. */
static inline bool fast46_accept(struct xlat_ctx *ctx, struct xlat_pkt *pkt, uint8_t **l4, uint32_t *l4len,
				 uint8_t *proto, unsigned *coff, struct icmp_map *im)
{
	const struct xlat_config *cfg = ctx->cfg;
	uint8_t *p = pkt->data;

	/* version 4, no options, not a fragment (DF may be set), TTL left, a valid header checksum */
	if (!cfg->g.manually_enabled || pkt->len < 20 || xlat_longer_than_link(ctx, pkt->len) || p[0] != 0x45 ||
	    (rd16(p + 6) & (IPV4_MF | IPV4_OFFMASK)) != 0 || p[8] <= 1)
		return false;
	uint32_t totlen = rd16(p + 2);
	if (totlen < 20 || totlen > pkt->len || csum_ipv4_header20(p) != rd16(p + 10))
		return false;
	uint32_t len = totlen - 20;
	uint8_t pr = p[9];
	uint8_t *u = p + 20;
	if (pr == IPPROTO_UDP_) {
		if (len < 8 || rd16(u + 6) == 0) /* a zero checksum: computed or refused, RFC 7915 4.5 */
			return false;
		*coff = 6;
	} else if (pr == IPPROTO_TCP_) {
		if (len < 20)
			return false;
		*coff = 16;
	} else if (pr == IPPROTO_ICMP_) {
		if (len < 8 || (u[0] != 0 && u[0] != 8) || icmp_map46(u[0], u[1], u + 4, im) != XLAT_OK)
			return false;
		*coff = 0;
	} else {
		return false;
	}
	if (pkt->headroom < 20)
		return false;
	*l4 = u;
	*l4len = len;
	*proto = pr;
	return true;
}

#endif
