/* SPDX-License-Identifier: BSD-3-Clause */
/* NAT64, IPv6 -> IPv4: the incoming tuple, the session it belongs to, refusals (RFC 6146 3.4, 3.5). */
#include "addr_xlat.h"
#include "icmp_reply.h"
#include "icmp_types.h"
#include "l4.h"
#include "nat64.h"
#include "nat64_filter.h"
#include "nat64_frag.h"
#include "nat64_tuple64.h"
#include "rfc6052.h"
#include "xlat_step.h"

enum xlat_verdict nat64_tuple64_dst(struct xlat_ctx *ctx, struct xlat64_state *s, const struct rte_ipv6_hdr *ip6)
{
	const struct xlat_config *cfg = ctx->cfg;

	/* RFC 6146 3.5: NAT64 destinations are pool6 addresses only. */
	if (!cfg->g.pool6_set || rfc6052_6to4(&cfg->g.pool6, ip6->dst_addr, &s->dst4) != 0)
		return xlat_drop(ctx, JSTAT_POOL6_MISMATCH);
	/* a pool6 source comes back here once translated (Jool: hairpinning loop); no state for
	 * sources no router forwards */
	if (prefix6_contains(&cfg->g.pool6, ip6->src_addr))
		return xlat_drop(ctx, JSTAT_HAIRPIN_LOOP);
	if (addr_unforwardable6(ip6->src_addr))
		return xlat_drop(ctx, JSTAT64_SRC);
	s->hairpin = false;
	/* RFC 6146 3.8: to pool4, it comes back in as IPv4 (the dataplane's re-entry, nat64_hairpin()) */
	s->stays = nat64_pool4_has(cfg, s->dst4);
	s->src4 = 0; /* from the session, below (or from the quoted packet's, for errors) */
	return XV_CONTINUE;
}

enum xlat_verdict nat64_tuple64_session(struct xlat_ctx *ctx, struct xlat_pkt *pkt, struct xlat64_state *s,
					const uint8_t src6[16], const uint8_t dst6[16])
{
	const struct pkt_info *li = &s->li;
	uint8_t proto = li->proto == IPPROTO_ICMPV6 ? IPPROTO_ICMP : li->proto;
	uint16_t sport, dport, nport;
	uint8_t flags;

	if (li->frag_off != 0) {
		/* a later fragment: no ports; its datagram's first fragment told us the IPv4 source */
		if (nat64_frag_get(ctx, 6, proto, li->frag_id, src6, dst6, &s->src4, NULL) != 0)
			return xlat_drop(ctx, XLAT_NAT64_FRAGMENT);
		return XV_CONTINUE;
	}
	/* RFC 6146 3.5.1-3.5.3: BIB and session, then the source port (or query id) they give. */
	if (!l4_ports(proto, s->l4, s->l4len, &sport, &dport, &flags))
		return xlat_drop(ctx, JSTAT_UNKNOWN_L4_PROTO);
	if (proto == IPPROTO_ICMP && ctx->cfg->g.nat.drop_icmpv6_info)
		return xlat_drop(ctx, JSTAT_ICMP6_FILTER);
	enum xlat_stat r = nat64_out(ctx, proto, src6, sport, s->dst4, dport, flags, &s->src4, &nport);
	if (r != XLAT_OK)
		return nat64_tuple64_refuse(ctx, pkt, r);
	l4_set_port(proto, s->l4, s->l4len, l4_port_off(proto, false), nport);
	if (li->mf)
		nat64_frag_put(ctx, 6, proto, li->frag_id, src6, dst6, s->src4, NULL);
	return XV_CONTINUE;
}

enum xlat_verdict nat64_tuple64_quoted(struct xlat_ctx *ctx, struct xlat64_state *s, struct xlat64_quote *q)
{
	const struct rte_ipv6_hdr *in = (const void *)q->in;
	uint8_t proto = q->li.proto == IPPROTO_ICMPV6 ? IPPROTO_ICMP : q->li.proto;
	const uint8_t *l4 = q->in + q->li.l3len;
	uint32_t l4len = q->inlen - q->li.l3len;

	/* The quoted packet is one we sent to the IPv6 host: its destination is a BIB entry. */
	if ((proto == IPPROTO_ICMP ? l4len < 6 : l4len < 4) ||
	    rfc6052_6to4(&ctx->cfg->g.pool6, in->src_addr, &q->src4) != 0)
		return xlat_drop(ctx, XLAT_ICMP_TOO_SHORT);
	uint16_t sport = rd16(l4 + l4_port_off(proto, false)), dport = rd16(l4 + l4_port_off(proto, true));
	if (nat64_find_out(ctx, proto, in->dst_addr, dport, q->src4, sport, &q->dst4, &q->port4) != 0)
		return xlat_drop(ctx, JSTAT_SESSION_NOT_FOUND);
	s->src4 = q->dst4; /* RFC 6146: the error comes from the NAT64's own (pool4) address */
	return XV_CONTINUE;
}

enum xlat_verdict nat64_tuple64_refuse(struct xlat_ctx *ctx, struct xlat_pkt *pkt, enum xlat_stat r)
{
	/* RFC 6146 3.5.1.1: no port left -> ICMPv6 Destination Unreachable, address unreachable */
	if (r == XLAT_POOL4_EXHAUSTED || r == XLAT_NAT64_TABLE_FULL)
		return icmp_refuse6(ctx, pkt, r, ICMPV6_DEST_UNREACH, ICMPV6_ADDR_UNREACH, 0);
	return xlat_drop(ctx, r);
}
