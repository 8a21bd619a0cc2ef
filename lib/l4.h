/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The upper-layer header as the translator sees it (l4.c): how much of it a
 * translation needs, the ports or ICMP identifier NAT64 maps, and the TCP/UDP
 * checksum: its incremental updates and the one a sender left partial.
 */
#ifndef XLAT_L4_H
#define XLAT_L4_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_icmp.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include "bytes.h"
#include "checksum.h"
#include "icmp_map.h"
#include "ip_hdr.h"
#include "xlat.h"

/*
 * The fast paths' TCP/UDP checksum update for new addresses (and ports), from a
 * sum of csum_delta()s in network order (adj_be, checksum.h): the value
 * l4_csum64/46 (+ l4_set_port) compute. A zero UDP checksum stays zero (IPv4's
 * "none"; the 4->6 fast path never has one). False for anything else (ICMP: its
 * type changes too).
 */
static inline bool l4_adjust(uint8_t proto, uint8_t *l4, uint32_t adj_be)
{
	if (proto == IPPROTO_TCP) {
		st16(l4 + 16, csum_adjust(ld16(l4 + 16), adj_be));
	} else if (proto == IPPROTO_UDP) {
		uint16_t c = ld16(l4 + 6);
		if (c != 0) {
			c = csum_adjust(c, adj_be);
			st16(l4 + 6, c ? c : 0xffff);
		}
	} else {
		return false;
	}
	return true;
}

/* Bytes an upper-layer header needs before it can be translated (0: unknown protocol, copied as is). */
static inline uint32_t l4_min_len(uint8_t proto)
{
	return proto == 6 ? 20 : (proto == 17 || proto == 1 || proto == 58) ? 8 : 0;
}

/* Does this TCP/UDP header's checksum field hold the partial value (checksum.h) for pseudo? */
static inline bool l4_csum_is_partial(uint8_t proto, const uint8_t *l4, uint32_t l4len, uint32_t pseudo)
{
	uint16_t f;

	if (proto == IPPROTO_TCP && l4len >= 20)
		f = rd16(l4 + 16);
	else if (proto == IPPROTO_UDP && l4len >= 8 && rd16(l4 + 6) != 0)
		f = rd16(l4 + 6);
	else
		return false;
	return f == csum_partial_value(pseudo);
}

/*
 * A whole TCP or UDP datagram (not a fragment, its header in l4len) whose
 * checksum the sender left partial (checksum.h) is finished before it is
 * translated, so that RFC 7915's incremental update (which keeps a wrong
 * checksum wrong) starts from the right one. pseudo: the pseudo-header sum of
 * the packet as it arrived. A UDP zero ("none" in IPv4) is never partial.
 */
void l4_csum_finish_counted(struct xlat_ctx *ctx, uint8_t proto, uint8_t *l4, uint32_t l4len, uint32_t pseudo);

static inline void l4_csum_offload(struct xlat_ctx *ctx, uint8_t proto, uint8_t *l4, uint32_t l4len, uint32_t pseudo)
{
	if (__builtin_expect(l4_csum_is_partial(proto, l4, l4len, pseudo), 0))
		l4_csum_finish_counted(ctx, proto, l4, l4len, pseudo);
}

/*
 * The fast paths' l4_csum_offload(), for a header they checked already: coff
 * is the checksum's offset in it (TCP 16, UDP 6; 0 for ICMP, never partial);
 * pseudo_be, the pseudo-header sum in network order (the memo's parts). A UDP
 * zero needs no test here: a partial value is never 0.
 */
static inline void l4_csum_offload_at(struct xlat_ctx *ctx, unsigned coff, uint8_t proto, uint8_t *l4, uint32_t l4len,
				      uint32_t pseudo_be)
{
	uint16_t p = csum_partial_value(pseudo_be);

	if (coff && __builtin_expect(ld16(l4 + coff) == p, 0))
		l4_csum_finish_counted(ctx, proto, l4, l4len, be16_(p));
}

/*
 * The transport identifiers NAT64 maps: TCP/UDP ports, or the ICMP echo
 * identifier (as both "ports"). proto is the IPv4 number (ICMPv6 given as 1).
 * False when the header has none.
 */
static inline bool l4_ports(uint8_t proto, const uint8_t *l4, uint32_t l4len, uint16_t *sport, uint16_t *dport,
			    uint8_t *flags)
{
	*flags = 0;
	if ((proto == IPPROTO_TCP && l4len >= 20) || (proto == IPPROTO_UDP && l4len >= 8)) {
		*sport = rd16(l4);
		*dport = rd16(l4 + 2);
		if (proto == IPPROTO_TCP)
			*flags = l4[13];
		return true;
	}
	if (proto == IPPROTO_ICMP && l4len >= 8 && (icmp4_is_echo(l4[0]) || icmp6_is_echo(l4[0]))) {
		*sport = *dport = rd16(l4 + 4);
		return true;
	}
	return false;
}

/* Ports of a quoted (possibly truncated) packet: only the first 4 (6 for an ICMP id) bytes are needed. */
static inline bool l4_quoted_ports(uint8_t proto, const uint8_t *l4, uint32_t l4len, uint16_t *sport,
				   uint16_t *dport)
{
	if ((proto == IPPROTO_TCP || proto == IPPROTO_UDP) && l4len >= 4) {
		*sport = rd16(l4);
		*dport = rd16(l4 + 2);
		return true;
	}
	if (proto == IPPROTO_ICMP && l4len >= 6) {
		*sport = *dport = rd16(l4 + 4);
		return true;
	}
	return false;
}

/*
 * Where NAT64 rewrites a transport identifier (RFC 6146 3.5): the source or
 * destination port of TCP and UDP, the query identifier of an ICMP echo
 * (either way). proto is the IPv4 number.
 */
static inline unsigned l4_port_off(uint8_t proto, bool dst)
{
	if (proto == IPPROTO_ICMP)
		return offsetof(struct rte_icmp_hdr, icmp_ident);
	return dst ? offsetof(struct rte_udp_hdr, dst_port) : offsetof(struct rte_udp_hdr, src_port);
}

/* NAT64: rewrite the port or id at byte off of an L4 header and fix its checksum (RFC 1624). */
void l4_set_port(uint8_t proto, uint8_t *l4, uint32_t l4len, unsigned off, uint16_t v);

/*
 * Update the L4 checksum of a TCP/UDP/ICMP header for the new addresses (RFC
 * 1624, so a wrong checksum stays wrong the same way), IPv6 -> IPv4. l4len is
 * what the buffer holds; ulen is the upper-layer length the pseudo-header carries.
 */
static inline void l4_csum64(uint8_t proto, uint8_t *l4, uint32_t l4len, uint32_t ulen, const uint8_t *src6,
			     const uint8_t *dst6, uint32_t src4, uint32_t dst4, const struct icmp_map *im)
{
	if (proto == IPPROTO_TCP && l4len >= 18) {
		wr16(l4 + 16, csum_replace(rd16(l4 + 16), csum_addr6(src6, dst6), csum_addr4(src4, dst4)));
	} else if (proto == IPPROTO_UDP && l4len >= 8) {
		uint16_t c = rd16(l4 + 6);
		if (c == 0)
			return; /* invalid in IPv6; in IPv4 it reads as "no checksum" */
		c = csum_replace(c, csum_addr6(src6, dst6), csum_addr4(src4, dst4));
		wr16(l4 + 6, c ? c : 0xffff);
	} else if (proto == IPPROTO_ICMPV6 && im && l4len >= 4) {
		/* ICMPv4 has no pseudo-header: take it out, and swap the type/code word. */
		uint32_t old = csum_pseudo6(src6, dst6, IPPROTO_ICMPV6, ulen) + rd16(l4);
		l4[0] = im->type;
		l4[1] = im->code;
		wr16(l4 + 2, csum_replace(rd16(l4 + 2), old, rd16(l4)));
	}
}

/* The same, IPv4 -> IPv6. */
static inline void l4_csum46(uint8_t proto, uint8_t *l4, uint32_t l4len, uint32_t ulen, uint32_t src4,
			     uint32_t dst4, const uint8_t *src6, const uint8_t *dst6, const struct icmp_map *im)
{
	if (proto == IPPROTO_TCP && l4len >= 18) {
		wr16(l4 + 16, csum_replace(rd16(l4 + 16), csum_addr4(src4, dst4), csum_addr6(src6, dst6)));
	} else if (proto == IPPROTO_UDP && l4len >= 8) {
		uint16_t c = rd16(l4 + 6);
		if (c == 0)
			return; /* handled by the caller (amend-udp-checksum-zero) or left as quoted */
		c = csum_replace(c, csum_addr4(src4, dst4), csum_addr6(src6, dst6));
		wr16(l4 + 6, c ? c : 0xffff);
	} else if (proto == IPPROTO_ICMP && im && l4len >= 4) {
		/* ICMPv6 adds the pseudo-header (RFC 4443 2.3) and a new type/code. */
		uint32_t old = rd16(l4);
		l4[0] = im->type;
		l4[1] = im->code;
		wr16(l4 + 2, csum_replace(rd16(l4 + 2), old, csum_pseudo6(src6, dst6, IPPROTO_ICMPV6, ulen) + rd16(l4)));
	}
}

#endif
