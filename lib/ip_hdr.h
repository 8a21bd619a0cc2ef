/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv4 and IPv6 headers: protocol numbers, flag bits, and the writers every
 * path that builds a header shares (translated packets, ICMP errors, the
 * box's own ICMP errors).
 */
#ifndef XLAT_IP_HDR_H
#define XLAT_IP_HDR_H

#include <stdbool.h>
#include <stdint.h>

#include "bytes.h"

#define IPPROTO_HOPOPTS_ 0
#define IPPROTO_ICMP_ 1
#define IPPROTO_TCP_ 6
#define IPPROTO_UDP_ 17
#define IPPROTO_ROUTING_ 43
#define IPPROTO_FRAGMENT_ 44
#define IPPROTO_ICMPV6_ 58
#define IPPROTO_DSTOPTS_ 60

#define IPV4_DF 0x4000
#define IPV4_MF 0x2000
#define IPV4_OFFMASK 0x1fff


/* A 20-byte IPv4 header, its checksum computed. Addresses in network order. */
void ip4_hdr_write(uint8_t *h, uint8_t tos, uint16_t totlen, uint16_t id, uint16_t frag, uint8_t ttl, uint8_t proto,
		   uint32_t src, uint32_t dst);
/*
 * ip4_hdr_write() with the addresses' part of the header checksum known (asum:
 * csum_a4 of both, from the memo): the same bytes, without summing the header.
 */
static inline void ip4_hdr_write_sum(uint8_t *h, uint8_t tos, uint16_t totlen, uint16_t id, uint16_t frag, uint8_t ttl,
				     uint8_t proto, uint32_t src, uint32_t dst, uint32_t asum)
{
	uint32_t s = (0x4500u | tos) + totlen + id + frag + ((uint32_t)ttl << 8 | proto) + asum;

	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	h[0] = 0x45;
	h[1] = tos;
	wr16(h + 2, totlen);
	wr16(h + 4, id);
	wr16(h + 6, frag);
	h[8] = ttl;
	h[9] = proto;
	wr16(h + 10, (uint16_t)~s);
	st32(h + 12, src);
	st32(h + 16, dst);
}

/* A 40-byte IPv6 header (flow label 0). */
void ip6_hdr_write(uint8_t *h, uint8_t tclass, uint16_t paylen, uint8_t nexthdr, uint8_t hlim, const uint8_t src[16],
		   const uint8_t dst[16]);

/* An IPv6 Fragment header (RFC 8200 4.5): offset in 8-byte units. */
static inline void ip6_frag_hdr_write(uint8_t *f, uint8_t nexthdr, uint16_t off, bool mf, uint32_t id)
{
	f[0] = nexthdr;
	f[1] = 0;
	wr16(f + 2, (uint16_t)(off << 3 | (mf ? 1 : 0)));
	wr32(f + 4, id);
}

#endif
