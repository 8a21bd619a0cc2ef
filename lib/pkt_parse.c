/* SPDX-License-Identifier: BSD-3-Clause */
/* Header validation and extension-header walking, for outer and inner (ICMP payload) packets. */
#include <stddef.h>
#include <string.h>

#include <netinet/ip.h>
#include <netinet/ip6.h>

#include "bytes.h"
#include "checksum.h"
#include "ip_hdr.h"
#include "pkt_parse.h"
#include "stats.h"

static bool is_ext6(uint8_t nh)
{
	/* RFC 7915 5.1: the headers the translator skips; anything else is upper layer. */
	return nh == IPPROTO_HOPOPTS || nh == IPPROTO_ROUTING || nh == IPPROTO_DSTOPTS || nh == IPPROTO_FRAGMENT;
}

enum xlat_stat pkt_parse6(const uint8_t *p, uint32_t len, bool inner, struct pkt_info *li)
{
	const struct rte_ipv6_hdr *ip6 = (const void *)p;

	memset(li, 0, sizeof(*li));
	if (len < sizeof(*ip6))
		return JSTAT_SKB_TRUNCATED;
	if (ip_version(p) != 6)
		return JSTAT_HDR6;
	li->pktlen = ip6_total_len(ip6);
	if (li->pktlen == sizeof(*ip6) && ip6->proto == IPPROTO_HOPOPTS)
		return JSTAT_HDR6; /* jumbogram (RFC 2675): never translatable to IPv4 */
	if (!inner && li->pktlen > len)
		return JSTAT_SKB_TRUNCATED;
	uint32_t avail = li->pktlen < len ? li->pktlen : len;

	uint8_t nh = ip6->proto;
	uint32_t off = sizeof(*ip6);
	while (is_ext6(nh)) {
		/* RFC 8200 4: every extension header is a multiple of 8 bytes, at least 8 */
		if (off + 8 > avail)
			return JSTAT_SKB_TRUNCATED;
		if (nh == IPPROTO_FRAGMENT) {
			const struct rte_ipv6_fragment_ext *fh = (const void *)(p + off);
			if (li->frag) {
				li->two_frags = true;
				return JSTAT64_2XFRAG;
			}
			uint16_t fo = rte_be_to_cpu_16(fh->frag_data);
			li->frag = true;
			li->frag_hdr_pos = off;
			li->frag_off = fo >> RTE_IPV6_EHDR_FO_SHIFT;
			li->mf = fo & RTE_IPV6_EHDR_MF_MASK;
			li->frag_id = rte_be_to_cpu_32(fh->id);
			nh = fh->next_header;
			off += sizeof(*fh);
			if (li->frag_off != 0)
				break; /* a non-first fragment carries no further headers */
			continue;
		}
		if (li->frag)
			li->ext_after_frag = true;
		const struct ip6_rthdr *rh = (const void *)(p + off); /* its first two bytes: any header's */
		if (nh == IPPROTO_ROUTING && rh->ip6r_segleft != 0 && !li->seg_left_ptr)
			li->seg_left_ptr = off + (uint32_t)offsetof(struct ip6_rthdr, ip6r_segleft);
		uint32_t hlen = 8u + 8u * rh->ip6r_len;
		uint8_t next = rh->ip6r_nxt;
		off += hlen;
		if (off > avail)
			return JSTAT_SKB_TRUNCATED;
		nh = next;
	}
	li->proto = nh;
	li->l3len = off;
	return XLAT_OK;
}

/* RFC 7915 4.1: an unexpired Loose/Strict Source Route option makes the packet untranslatable. */
static bool has_source_route(const uint8_t *p, uint32_t ihl)
{
	uint32_t i = sizeof(struct rte_ipv4_hdr);

	while (i < ihl) {
		uint8_t t = p[i + IPOPT_OPTVAL];
		if (t == IPOPT_EOL)
			break;
		if (t == IPOPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= ihl)
			break;
		uint8_t olen = p[i + IPOPT_OLEN];
		if (olen < 2 || i + olen > ihl)
			break;
		/* RFC 791 3.1: the pointer (from 4) passes the end of the route once it is used up */
		if ((t == IPOPT_LSRR || t == IPOPT_SSRR) && olen >= 3 && p[i + IPOPT_OFFSET] <= olen)
			return true;
		i += olen;
	}
	return false;
}

enum xlat_stat pkt_parse4(const uint8_t *p, uint32_t len, bool inner, struct pkt_info *li)
{
	const struct rte_ipv4_hdr *ip4 = (const void *)p;

	memset(li, 0, sizeof(*li));
	if (len < sizeof(*ip4))
		return JSTAT_SKB_TRUNCATED;
	if (ip_version(p) != 4)
		return JSTAT_HDR4;
	uint32_t ihl = rte_ipv4_hdr_len(ip4);
	if (ihl < sizeof(*ip4))
		return JSTAT_HDR4;
	if (ihl > len)
		return JSTAT_SKB_TRUNCATED;
	li->pktlen = rte_be_to_cpu_16(ip4->total_length);
	if (li->pktlen < ihl)
		return JSTAT_HDR4;
	if (!inner) {
		if (li->pktlen > len)
			return JSTAT_SKB_TRUNCATED;
		if (csum_ipv4_header(p, ihl) != rte_be_to_cpu_16(ip4->hdr_checksum))
			return JSTAT_HDR4;
	}
	uint16_t fo = ip4_frag_field(ip4);
	li->df = fo & RTE_IPV4_HDR_DF_FLAG;
	li->mf = fo & RTE_IPV4_HDR_MF_FLAG;
	li->frag_off = fo & RTE_IPV4_HDR_OFFSET_MASK;
	li->frag = li->mf || li->frag_off;
	li->frag_id = rte_be_to_cpu_16(ip4->packet_id);
	li->proto = ip4->next_proto_id;
	li->l3len = ihl;
	li->src_route = ihl > sizeof(*ip4) && has_source_route(p, ihl);
	return XLAT_OK;
}
