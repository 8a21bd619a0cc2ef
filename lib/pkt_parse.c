/* SPDX-License-Identifier: BSD-3-Clause */
/* Header validation and extension-header walking, for outer and inner (ICMP payload) packets. */
#include <string.h>

#include "bytes.h"
#include "checksum.h"
#include "ip_hdr.h"
#include "pkt_parse.h"
#include "stats.h"

static bool is_ext6(uint8_t nh)
{
	/* RFC 7915 5.1: the headers the translator skips; anything else is upper layer. */
	return nh == IPPROTO_HOPOPTS_ || nh == IPPROTO_ROUTING_ || nh == IPPROTO_DSTOPTS_ || nh == IPPROTO_FRAGMENT_;
}

enum xlat_stat pkt_parse6(const uint8_t *p, uint32_t len, bool inner, struct pkt_info *li)
{
	memset(li, 0, sizeof(*li));
	if (len < 40)
		return JSTAT_SKB_TRUNCATED;
	if ((p[0] >> 4) != 6)
		return JSTAT_HDR6;
	li->pktlen = 40u + rd16(p + 4);
	if (li->pktlen == 40 && p[6] == IPPROTO_HOPOPTS_)
		return JSTAT_HDR6; /* jumbogram (RFC 2675): never translatable to IPv4 */
	if (!inner && li->pktlen > len)
		return JSTAT_SKB_TRUNCATED;
	uint32_t avail = li->pktlen < len ? li->pktlen : len;

	uint8_t nh = p[6];
	uint32_t off = 40;
	while (is_ext6(nh)) {
		if (off + 8 > avail)
			return JSTAT_SKB_TRUNCATED;
		if (nh == IPPROTO_FRAGMENT_) {
			if (li->frag) {
				li->two_frags = true;
				return JSTAT64_2XFRAG;
			}
			uint16_t fo = rd16(p + off + 2);
			li->frag = true;
			li->frag_hdr_pos = off;
			li->frag_off = fo >> 3;
			li->mf = fo & 1;
			li->frag_id = rd32(p + off + 4);
			nh = p[off];
			off += 8;
			if (li->frag_off != 0)
				break; /* a non-first fragment carries no further headers */
			continue;
		}
		if (li->frag)
			li->ext_after_frag = true;
		if (nh == IPPROTO_ROUTING_ && p[off + 3] != 0 && !li->seg_left_ptr)
			li->seg_left_ptr = off + 3;
		uint32_t hlen = 8u + 8u * p[off + 1];
		uint8_t next = p[off];
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
	uint32_t i = 20;

	while (i < ihl) {
		uint8_t t = p[i];
		if (t == 0) /* end of options */
			break;
		if (t == 1) { /* no-op */
			i++;
			continue;
		}
		if (i + 1 >= ihl)
			break;
		uint8_t olen = p[i + 1];
		if (olen < 2 || i + olen > ihl)
			break;
		if ((t == 131 || t == 137) && olen >= 3 && p[i + 2] <= olen)
			return true;
		i += olen;
	}
	return false;
}

enum xlat_stat pkt_parse4(const uint8_t *p, uint32_t len, bool inner, struct pkt_info *li)
{
	memset(li, 0, sizeof(*li));
	if (len < 20)
		return JSTAT_SKB_TRUNCATED;
	if ((p[0] >> 4) != 4)
		return JSTAT_HDR4;
	uint32_t ihl = (p[0] & 0xf) * 4u;
	if (ihl < 20)
		return JSTAT_HDR4;
	if (ihl > len)
		return JSTAT_SKB_TRUNCATED;
	li->pktlen = rd16(p + 2);
	if (li->pktlen < ihl)
		return JSTAT_HDR4;
	if (!inner) {
		if (li->pktlen > len)
			return JSTAT_SKB_TRUNCATED;
		if (csum_ipv4_header(p, ihl) != rd16(p + 10))
			return JSTAT_HDR4;
	}
	uint16_t fo = rd16(p + 6);
	li->df = fo & IPV4_DF;
	li->mf = fo & IPV4_MF;
	li->frag_off = fo & IPV4_OFFMASK;
	li->frag = li->mf || li->frag_off;
	li->frag_id = rd16(p + 4);
	li->proto = p[9];
	li->l3len = ihl;
	li->src_route = ihl > 20 && has_source_route(p, ihl);
	return XLAT_OK;
}
