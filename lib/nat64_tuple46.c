/* SPDX-License-Identifier: BSD-3-Clause */
/* NAT64, IPv4 -> IPv6: the incoming tuple, the session it belongs to, refusals (RFC 6146 3.4, 3.5). */
#include <string.h>

#include "addr_xlat.h"
#include "icmp_reply.h"
#include "icmp_types.h"
#include "ip_hdr.h"
#include "l4.h"
#include "nat64.h"
#include "nat64_filter.h"
#include "nat64_frag.h"
#include "nat64_tuple46.h"
#include "pkt_parse.h"
#include "rfc6052.h"
#include "xlat_step.h"

/*
 * The session of an IPv4 packet (RFC 6146 3.5): found or made by nat64_in(),
 * for an ICMP error the session of the packet it quotes (no state change), for
 * a later fragment what its first fragment mapped to.
 */
static enum xlat_stat session46(struct xlat_ctx *ctx, struct xlat46_state *s)
{
	const struct pkt_info *li = &s->li;
	const uint8_t *src4 = (const uint8_t *)&s->src4, *dst4 = (const uint8_t *)&s->dst4;
	uint16_t sport, dport;
	uint8_t flags;

	if (li->frag_off != 0) { /* no ports in a later fragment: what did its first fragment map to? */
		uint32_t unused;
		return nat64_frag_get(ctx, 4, li->proto, li->frag_id, src4, dst4, &unused, s->dst6) == 0
			       ? XLAT_OK
			       : XLAT_NAT64_FRAGMENT;
	}
	if (s->icmp_err) {
		const uint8_t *in = s->l4 + ICMP_HDR_LEN;
		const struct rte_ipv4_hdr *in4 = (const void *)in;
		uint32_t inlen = s->l4len - ICMP_HDR_LEN;
		struct pkt_info ili;
		uint16_t p6;
		if (pkt_parse4(in, inlen, true, &ili) != XLAT_OK ||
		    !l4_quoted_ports(ili.proto, in + ili.l3len, inlen - ili.l3len, &sport, &dport))
			return XLAT_ICMP_TOO_SHORT;
		if (nat64_find_in(ctx, ili.proto, in4->src_addr, sport, in4->dst_addr, dport, s->dst6, &p6) != 0)
			return JSTAT_SESSION_NOT_FOUND;
		return XLAT_OK;
	}
	if (!l4_ports(li->proto, s->l4, s->l4len, &sport, &dport, &flags))
		return JSTAT_UNKNOWN_L4_PROTO;
	enum xlat_stat r = nat64_in(ctx, li->proto, s->src4, sport, s->dst4, dport, flags, s->dst6, &s->port6);
	if (r == XLAT_OK && li->mf)
		nat64_frag_put(ctx, 4, li->proto, li->frag_id, src4, dst4, 0, s->dst6);
	return r;
}

enum xlat_verdict nat64_tuple46_dst(struct xlat_ctx *ctx, struct xlat_pkt *pkt, struct xlat46_state *s)
{
	const struct rte_ipv4_hdr *ip4 = (const void *)pkt->data;

	if (addr_reserved4(s->src4)) /* a martian source (RFC 1812 5.3.7): no state, no reply */
		return xlat_drop(ctx, XLAT_DENYLIST4);
	if (ip4->time_to_live <= 1) /* before any state changes */
		return xlat46_ttl_expired(ctx, pkt, s);
	enum xlat_stat r = session46(ctx, s);
	return r == XLAT_OK ? XV_CONTINUE : nat64_tuple46_refuse(ctx, pkt, r, s->icmp_err);
}

enum xlat_verdict nat64_tuple46_quoted(struct xlat_ctx *ctx, struct xlat46_state *s, struct xlat46_quote *q)
{
	const struct xlat_config *cfg = ctx->cfg;
	const struct rte_ipv4_hdr *in = (const void *)q->in;
	uint16_t sport, dport;

	/* the quoted packet is one we sent: its source is a BIB entry (Jool) */
	if (!l4_quoted_ports(q->li.proto, q->in + q->li.l3len, q->inlen - q->li.l3len, &sport, &dport) ||
	    nat64_find_in(ctx, q->li.proto, in->src_addr, sport, in->dst_addr, dport, q->src6, &q->port6) != 0)
		return xlat_drop(ctx, JSTAT_SESSION_NOT_FOUND);
	rfc6052_4to6(&cfg->g.pool6, in->dst_addr, q->dst6);
	/* Jool's source-icmpv6-errors-better off (its behaviour before issue 132): the error seems to
	 * come from the server the host tried, not from the router that sent it (RFC 7915 4.2 maps the
	 * real source: the default) */
	if (!cfg->g.nat.source_icmpv6_errors_better)
		memcpy(s->src6, q->dst6, 16);
	return XV_CONTINUE;
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
