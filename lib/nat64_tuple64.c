/* SPDX-License-Identifier: BSD-3-Clause */
/* NAT64, IPv6 -> IPv4: refusals (RFC 6146 3.5). */
#include "icmp_reply.h"
#include "icmp_types.h"
#include "nat64_tuple64.h"
#include "xlat_step.h"

enum xlat_verdict nat64_tuple64_refuse(struct xlat_ctx *ctx, struct xlat_pkt *pkt, enum xlat_stat r)
{
	/* RFC 6146 3.5.1.1: no port left -> ICMPv6 Destination Unreachable, address unreachable */
	if (r == XLAT_POOL4_EXHAUSTED || r == XLAT_NAT64_TABLE_FULL)
		return icmp_refuse6(ctx, pkt, r, ICMPV6_DEST_UNREACH, ICMPV6_ADDR_UNREACH, 0);
	return xlat_drop(ctx, r);
}
