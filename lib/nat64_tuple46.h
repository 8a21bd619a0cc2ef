/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * NAT64, IPv4 -> IPv6 (nat64_tuple46.c): the steps RFC 6146 adds to xlat46():
 * which IPv4 packets NAT64 takes, the session that gives the IPv6
 * destination and port (3.5), the session of the packet an ICMPv4 error
 * quotes, and what it says to a packet it refuses.
 */
#ifndef XLAT_NAT64_TUPLE46_H
#define XLAT_NAT64_TUPLE46_H

#include <stdbool.h>

#include "xlat.h"
#include "xlat46.h"

/* The source's and the TTL's checks, then the session: the IPv6 destination (s->dst6) and port (s->port6). */
enum xlat_verdict nat64_tuple46_dst(struct xlat_ctx *ctx, struct xlat_pkt *pkt, struct xlat46_state *s);
/* The packet an ICMPv4 error quotes: its session's addresses and port (the error's source, unless
 * source-icmpv6-errors-better). */
enum xlat_verdict nat64_tuple46_quoted(struct xlat_ctx *ctx, struct xlat46_state *s, struct xlat46_quote *q);
/* NAT64 found no state for an IPv4 packet (r): counted, and answered as RFC 6146 says (pkt: the whole datagram). */
enum xlat_verdict nat64_tuple46_refuse(struct xlat_ctx *ctx, struct xlat_pkt *pkt, enum xlat_stat r, bool icmp_err);

#endif
