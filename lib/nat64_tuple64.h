/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * NAT64, IPv6 -> IPv4 (nat64_tuple64.c): what RFC 6146 says to an IPv6 packet
 * it has no state for.
 */
#ifndef XLAT_NAT64_TUPLE64_H
#define XLAT_NAT64_TUPLE64_H

#include "xlat.h"

/* nat64_out() refused the packet (r): counted, and answered as RFC 6146 says (pkt: the whole datagram). */
enum xlat_verdict nat64_tuple64_refuse(struct xlat_ctx *ctx, struct xlat_pkt *pkt, enum xlat_stat r);

#endif
