/* SPDX-License-Identifier: BSD-3-Clause */
/* Header validation and extension-header walking (pkt_parse.c), for outer and inner (ICMP payload) packets. */
#ifndef XLAT_PKT_PARSE_H
#define XLAT_PKT_PARSE_H

#include <stdbool.h>
#include <stdint.h>

/* What the parsers learn about an IP header (outer packet or the one inside an ICMP error). */
struct pkt_info {
	uint32_t l3len;    /* IP header incl. extension headers / options */
	uint32_t pktlen;   /* length the header claims (may exceed the buffer for inner packets) */
	uint8_t proto;     /* upper-layer protocol */
	bool frag;         /* IPv6 fragment header present / IPv4 fragment (MF or offset) */
	bool mf;
	uint16_t frag_off; /* in 8-byte units */
	uint32_t frag_id;  /* IPv6 fragment id, or IPv4 id */
	uint32_t frag_hdr_pos; /* IPv6: offset of the fragment header, 0 if none */
	bool df;           /* IPv4 only */
	bool src_route;    /* IPv4: unexpired LSRR/SSRR option */
	uint32_t seg_left_ptr; /* IPv6: offset of a non-zero Segments Left field, 0 if none */
	bool ext_after_frag;
	bool two_frags;
};

/* Parse an IP header (chain). inner: the packet may be truncated (ICMP error payload). Returns XLAT_OK when
 * fine, else the counter that names the drop. */
enum xlat_stat pkt_parse6(const uint8_t *p, uint32_t len, bool inner, struct pkt_info *li);
enum xlat_stat pkt_parse4(const uint8_t *p, uint32_t len, bool inner, struct pkt_info *li);

#endif
