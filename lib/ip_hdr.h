/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv4 and IPv6 headers, read through DPDK's structs (rte_ip.h: packed, so at
 * any alignment) and written by the writers every path that builds a header
 * shares (translated packets, ICMP errors, the box's own ICMP errors).
 * Protocol numbers are <netinet/in.h>'s IPPROTO_*, flag bits rte_ip.h's.
 */
#ifndef XLAT_IP_HDR_H
#define XLAT_IP_HDR_H

#include <stdbool.h>
#include <stdint.h>

#include <netinet/in.h>

#include <rte_ip.h>

#include "bytes.h"

/* RFC 8200 5: every IPv6 link carries at least this much; no IPv6 host takes a smaller PTB. */
#define IPV6_MIN_MTU 1280

/* The version nibble both families start with (RFC 791 3.1, RFC 8200 3). */
static inline unsigned ip_version(const uint8_t *p)
{
	return p[0] >> 4;
}

/* IPv6's traffic class (RFC 8200 7). */
static inline uint8_t ip6_tclass(const struct rte_ipv6_hdr *h)
{
	return (uint8_t)(rte_be_to_cpu_32(h->vtc_flow) >> RTE_IPV6_HDR_TC_SHIFT);
}

/* An IPv6 datagram's length as its header says: the fixed header and the payload after it. */
static inline uint32_t ip6_total_len(const struct rte_ipv6_hdr *h)
{
	return (uint32_t)sizeof(*h) + be16_(h->payload_len);
}

/* IPv4's flags and fragment offset field (RFC 791 3.1), host order. */
static inline uint16_t ip4_frag_field(const struct rte_ipv4_hdr *h)
{
	return be16_(h->fragment_offset);
}

/* DF (RFC 791 3.1), tested in network order: one load and a mask. */
static inline bool ip4_df(const struct rte_ipv4_hdr *h)
{
	return (h->fragment_offset & be16_(RTE_IPV4_HDR_DF_FLAG)) != 0;
}

/* A fragment of a larger IPv4 datagram (MF set or an offset): not a whole one. */
static inline bool ip4_is_fragment(const struct rte_ipv4_hdr *h)
{
	return (ip4_frag_field(h) & (RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK)) != 0;
}

/* The fields of a 20-byte IPv4 header (RFC 791 3.1) but its checksum. Addresses in network order. */
static inline void ip4_hdr_fields(struct rte_ipv4_hdr *ip, uint8_t tos, uint16_t totlen, uint16_t id, uint16_t frag,
				  uint8_t ttl, uint8_t proto, uint32_t src, uint32_t dst)
{
	ip->version_ihl = RTE_IPV4_VHL_DEF; /* no options */
	ip->type_of_service = tos;
	ip->total_length = be16_(totlen);
	ip->packet_id = be16_(id);
	ip->fragment_offset = be16_(frag);
	ip->time_to_live = ttl;
	ip->next_proto_id = proto;
	ip->src_addr = src;
	ip->dst_addr = dst;
}

/* A 20-byte IPv4 header, its checksum computed. Addresses in network order. */
void ip4_hdr_write(uint8_t *h, uint8_t tos, uint16_t totlen, uint16_t id, uint16_t frag, uint8_t ttl, uint8_t proto,
		   uint32_t src, uint32_t dst);
/* The 16-bit word whose bytes in memory are hi, lo (network order: as ld16() loads it). */
static inline uint16_t w16_be(uint8_t hi, uint8_t lo)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return (uint16_t)((uint32_t)lo << 8 | hi);
#else
	return (uint16_t)((uint32_t)hi << 8 | lo);
#endif
}

/*
 * ip4_hdr_write() with the addresses' part of the header checksum known (asum_be:
 * csum_a4_be() of both, from the memo): the same bytes, without summing the
 * header, and summed in network order, as the fields are stored (no swap for
 * the checksum).
 */
static inline void ip4_hdr_write_sum(uint8_t *h, uint8_t tos, uint16_t totlen, uint16_t id, uint16_t frag, uint8_t ttl,
				     uint8_t proto, uint32_t src, uint32_t dst, uint32_t asum_be)
{
	struct rte_ipv4_hdr *ip = (void *)h;
	uint32_t s = (uint32_t)w16_be(RTE_IPV4_VHL_DEF, tos) + be16_(totlen) + be16_(id) + be16_(frag) +
		     w16_be(ttl, proto) + asum_be;

	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	ip4_hdr_fields(ip, tos, totlen, id, frag, ttl, proto, src, dst);
	ip->hdr_checksum = (uint16_t)~s;
}

/* A 40-byte IPv6 header (flow label 0); inline, as the 4->6 fast paths write one a packet. */
static inline void ip6_hdr_write(uint8_t *h, uint8_t tclass, uint16_t paylen, uint8_t nexthdr, uint8_t hlim,
				 const uint8_t src[16], const uint8_t dst[16])
{
	struct rte_ipv6_hdr *ip = (void *)h;

	/* RFC 7915 4.1: flow label 0. */
	ip->vtc_flow = be32_(6u << 28 | (uint32_t)tclass << RTE_IPV6_HDR_TC_SHIFT);
	ip->payload_len = be16_(paylen);
	ip->proto = nexthdr;
	ip->hop_limits = hlim;
	memcpy(ip->src_addr, src, 16);
	memcpy(ip->dst_addr, dst, 16);
}

/* An IPv6 Fragment header (RFC 8200 4.5): offset in 8-byte units. */
static inline void ip6_frag_hdr_write(uint8_t *f, uint8_t nexthdr, uint16_t off, bool mf, uint32_t id)
{
	struct rte_ipv6_fragment_ext *fh = (void *)f;

	fh->next_header = nexthdr;
	fh->reserved = 0;
	fh->frag_data = be16_((uint16_t)(off << 3 | (mf ? RTE_IPV6_EHDR_MF_MASK : 0)));
	fh->id = rte_cpu_to_be_32(id);
}

#endif
