/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * NAT64, IPv4 -> IPv6 (nat64_tuple46.c): the incoming tuple of an IPv4 packet,
 * its session (RFC 6146 3.5), and the answer to one NAT64 refuses.
 */
#ifndef XLAT_NAT64_TUPLE46_H
#define XLAT_NAT64_TUPLE46_H

#include <stdbool.h>
#include <stdint.h>

#include "pkt_parse.h"
#include "xlat.h"

/*
 * NAT64, IPv4 -> IPv6: the IPv6 destination (and port) from the session table.
 * For an ICMP error, from the session of the packet it quotes (no state change).
 */
enum xlat_stat nat64_tuple46_dst(struct xlat_ctx *ctx, const struct pkt_info *li, const uint8_t *l4, uint32_t l4len,
				 bool icmp_err, uint32_t src4, uint32_t dst4, uint8_t dst6[16], uint16_t *nport);
/* NAT64 found no state for an IPv4 packet (r): counted, and answered as RFC 6146 says (pkt: the whole datagram). */
enum xlat_verdict nat64_tuple46_refuse(struct xlat_ctx *ctx, struct xlat_pkt *pkt, enum xlat_stat r, bool icmp_err);

#endif
