/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SIIT, IPv4 -> IPv6 (siit46.c): the addresses of a packet and of the one an
 * ICMPv4 error quotes, through EAMT and pool6 (RFC 7915 4.1, RFC 7757, RFC
 * 6052), RFC 7757 appendix B's choice for a hairpin's second pass, or RFC
 * 6791; steps of xlat46() and xlat46_icmp_error().
 */
#ifndef XLAT_SIIT46_H
#define XLAT_SIIT46_H

#include "xlat.h"
#include "xlat46.h"

/* The IPv6 destination (s->dst6). */
enum xlat_verdict siit46_dst(struct xlat_ctx *ctx, struct xlat46_state *s);
/* The IPv6 source (s->src6); an ICMPv4 error from an address with none: RFC 6791. */
enum xlat_verdict siit46_src(struct xlat_ctx *ctx, const struct xlat_pkt *pkt, struct xlat46_state *s);
/* Both addresses of the packet an ICMPv4 error quotes (q->src6, q->dst6). */
enum xlat_verdict siit46_quoted(struct xlat_ctx *ctx, const struct xlat46_state *s, struct xlat46_quote *q);

#endif
