/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * NAT64, IPv6 -> IPv4 (nat64_tuple64.c): the steps RFC 6146 adds to
 * xlat64(): which IPv6 packets NAT64 takes, the session that gives the IPv4
 * source and port (3.5), the session of the packet an ICMPv6 error quotes,
 * and what it says to a packet it refuses.
 */
#ifndef XLAT_NAT64_TUPLE64_H
#define XLAT_NAT64_TUPLE64_H

#include <stdint.h>

#include "ip_hdr.h"
#include "xlat.h"
#include "xlat64.h"

/* The IPv4 destination (s->dst4: pool6 only), the source's checks, and whether it hairpins (RFC 6146 3.8). */
enum xlat_verdict nat64_tuple64_dst(struct xlat_ctx *ctx, struct xlat64_state *s, const struct rte_ipv6_hdr *ip6);
/* A datagram's BIB entry and session (s->src4 and its port written into the L4 header); src6/dst6: its addresses. */
enum xlat_verdict nat64_tuple64_session(struct xlat_ctx *ctx, struct xlat_pkt *pkt, struct xlat64_state *s,
					const uint8_t src6[16], const uint8_t dst6[16]);
/* The packet an ICMPv6 error quotes: its session's addresses and port; the error leaves from its pool4 address. */
enum xlat_verdict nat64_tuple64_quoted(struct xlat_ctx *ctx, struct xlat64_state *s, struct xlat64_quote *q);
/* nat64_out() refused the packet (r): counted, and answered as RFC 6146 says (pkt: the whole datagram). */
enum xlat_verdict nat64_tuple64_refuse(struct xlat_ctx *ctx, struct xlat_pkt *pkt, enum xlat_stat r);

#endif
