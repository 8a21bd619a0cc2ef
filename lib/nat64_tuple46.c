/* SPDX-License-Identifier: BSD-3-Clause */
/* NAT64, IPv4 -> IPv6: the incoming tuple, the session it belongs to, refusals (RFC 6146 3.5). */
#include <string.h>

#include "icmp_reply.h"
#include "icmp_types.h"
#include "l4.h"
#include "nat64.h"
#include "nat64_filter.h"
#include "nat64_tuple46.h"
#include "pkt_parse.h"
#include "xlat_step.h"

/*
 * NAT64, IPv4 -> IPv6: the IPv6 destination (and port) from the session table.
 * For an ICMP error, from the session of the packet it quotes (no state change).
 */
enum xlat_stat nat64_tuple46_dst(struct xlat_ctx *ctx, const struct pkt_info *li, const uint8_t *l4, uint32_t l4len,
				 bool icmp_err, uint32_t src4, uint32_t dst4, uint8_t dst6[16], uint16_t *nport)
{
	uint16_t sport, dport;
	uint8_t flags;

	if (li->frag_off != 0) { /* no ports in a later fragment: what did its first fragment map to? */
		uint32_t unused;
		uint8_t s4[4], d4[4];
		memcpy(s4, &src4, 4);
		memcpy(d4, &dst4, 4);
		return nat64_frag_get(ctx, 4, li->proto, li->frag_id, s4, d4, &unused, dst6) == 0 ? XLAT_OK
													 : XLAT_NAT64_FRAGMENT;
	}
	if (icmp_err) {
		struct pkt_info ili;
		const uint8_t *in = l4 + 8;
		if (pkt_parse4(in, l4len - 8, true, &ili) != XLAT_OK ||
		    !l4_quoted_ports(ili.proto, in + ili.l3len, l4len - 8 - ili.l3len, &sport, &dport))
			return XLAT_ICMP_TOO_SHORT;
		uint16_t p6;
		if (nat64_find_in(ctx, ili.proto, ld32(in + 12), sport, ld32(in + 16), dport, dst6, &p6) != 0)
			return JSTAT_SESSION_NOT_FOUND;
		return XLAT_OK;
	}
	if (!l4_ports(li->proto, l4, l4len, &sport, &dport, &flags))
		return JSTAT_UNKNOWN_L4_PROTO;
	enum xlat_stat r = nat64_in(ctx, li->proto, src4, sport, dst4, dport, flags, dst6, nport);
	if (r == XLAT_OK && li->mf) {
		uint8_t s4[4], d4[4];
		memcpy(s4, &src4, 4);
		memcpy(d4, &dst4, 4);
		nat64_frag_put(ctx, 4, li->proto, li->frag_id, s4, d4, 0, dst6);
	}
	return r;
}

/* NAT64 found no state for an IPv4 packet (r): counted, and answered as RFC 6146 says (pkt: the whole datagram). */
enum xlat_verdict nat64_tuple46_refuse(struct xlat_ctx *ctx, struct xlat_pkt *pkt, enum xlat_stat r, bool icmp_err)
{
	/* RFC 6146 3.5.1/3.5.3: nothing maps there -> ICMPv4 port unreachable (Jool's "bibless") */
	if (r == JSTAT_TYPE1PKT) { /* held for a simultaneous open; it is answered later if at all */
		nat64_so_keep(ctx, pkt->data, pkt->len);
		return xlat_drop(ctx, r);
	}
	/* no BIB: port unreachable; drop-externally-initiated-tcp: a silent discard, as policy asks */
	if (!icmp_err && r == JSTAT_BIB4_NOT_FOUND)
		return icmp_refuse4(ctx, pkt, r, ICMPV4_DEST_UNREACH, ICMPV4_PORT_UNREACH, 0);
	/* RFC 6146 3.5.1: refused by address-dependent filtering -> Destination Unreachable,
	 * Communication Administratively Prohibited (as Jool) */
	if (!icmp_err && r == JSTAT_ADF)
		return icmp_refuse4(ctx, pkt, r, ICMPV4_DEST_UNREACH, ICMPV4_ADMIN_PROHIBITED, 0);
	return xlat_drop(ctx, r);
}
