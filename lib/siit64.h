/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SIIT, IPv6 -> IPv4 (siit64.c): the addresses of a packet and of the one an
 * ICMPv6 error quotes, through EAMT and pool6 (RFC 7915 5.1, RFC 7757, RFC
 * 6052) or RFC 6791; steps of xlat64() and xlat64_icmp_error().
 */
#ifndef XLAT_SIIT64_H
#define XLAT_SIIT64_H

#include "ip_hdr.h"
#include "xlat.h"
#include "xlat64.h"

/* The IPv4 destination (s->dst4), and whether it hairpins (RFC 7757 appendix B). */
enum xlat_verdict siit64_dst(struct xlat_ctx *ctx, struct xlat64_state *s, const struct rte_ipv6_hdr *ip6);
/* The IPv4 source (s->src4); an ICMPv6 error from an address with none: RFC 6791. */
enum xlat_verdict siit64_src(struct xlat_ctx *ctx, const struct xlat_pkt *pkt, struct xlat64_state *s,
			     const struct rte_ipv6_hdr *ip6);
/* Both addresses of the packet an ICMPv6 error quotes (q->src4, q->dst4). */
enum xlat_verdict siit64_quoted(struct xlat_ctx *ctx, struct xlat64_quote *q);

#endif
