/* SPDX-License-Identifier: BSD-3-Clause */
/* The IPv4 and IPv6 header writers (ip_hdr.h). */
#include <string.h>

#include "checksum.h"
#include "ip_hdr.h"

void ip4_hdr_write(uint8_t *h, uint8_t tos, uint16_t totlen, uint16_t id, uint16_t frag, uint8_t ttl, uint8_t proto,
		   uint32_t src, uint32_t dst)
{
	struct rte_ipv4_hdr *ip = (void *)h;

	ip4_hdr_fields(ip, tos, totlen, id, frag, ttl, proto, src, dst);
	ip->hdr_checksum = rte_cpu_to_be_16(csum_ipv4_header(h, sizeof(*ip)));
}

void ip6_hdr_write(uint8_t *h, uint8_t tclass, uint16_t paylen, uint8_t nexthdr, uint8_t hlim, const uint8_t src[16],
		   const uint8_t dst[16])
{
	struct rte_ipv6_hdr *ip = (void *)h;

	/* RFC 7915 4.1: flow label 0. */
	ip->vtc_flow = rte_cpu_to_be_32(6u << 28 | (uint32_t)tclass << RTE_IPV6_HDR_TC_SHIFT);
	ip->payload_len = rte_cpu_to_be_16(paylen);
	ip->proto = nexthdr;
	ip->hop_limits = hlim;
	memcpy(ip->src_addr, src, 16);
	memcpy(ip->dst_addr, dst, 16);
}
