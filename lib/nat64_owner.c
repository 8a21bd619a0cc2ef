/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Which worker owns a NAT64 flow (nat64.h): a pure function of the packet, so
 * that both directions of every session meet on one worker without locks; and
 * which IPv4 packets to an address NAT64 shares with the box are NAT64's.
 */
#include <stddef.h>
#include <string.h>

#include <rte_jhash.h>

#include "cgn.h"
#include "icmp_types.h"
#include "ip_hdr.h"
#include "l4.h"
#include "nat64.h"
#include "nat64_frag.h"
#include "nat64_pool4.h"
#include "nat64_redirect.h"

unsigned nat64_owner6(const struct xlat_config *cfg, const uint8_t src6[16], unsigned n)
{
	if (n <= 1)
		return 0;
	/* CGN: every flow of a subscriber on one worker, which keeps its counts and blocks (doc/cgn.md) */
	if (cfg->cgn.enabled)
		return cgn_owner6(src6, cfg->cgn.subscriber_plen, n);
	uint32_t key[4]; /* rte_jhash reads 32-bit words; a source address in a frame is 2-byte aligned */
	memcpy(key, src6, 16);
	return rte_jhash(key, 16, 0x6146) % n;
}

unsigned nat64_owner4(const struct xlat_config *cfg, uint8_t proto, uint32_t a4, uint16_t p4, unsigned n)
{
	if (n <= 1)
		return 0;
	/* A static entry's sessions live with its IPv6 side's owner. */
	const struct bib_static *b = nat64_static_by4(cfg, proto, a4, p4);
	if (b)
		return nat64_owner6(cfg, b->addr6, n);
	unsigned o;
	if (cfg->cgn.enabled && cgn_owner4(cfg, proto, a4, p4, n, &o))
		return o;
	/* HA: a port a peer with another worker count allocated lives with its IPv6 side's owner here */
	if (nat64_redirect_active(cfg->redirect)) {
		int r = nat64_redirect_get(cfg->redirect, proto, a4, p4);
		if (r >= 0 && (unsigned)r < n)
			return (unsigned)r;
	}
	return (p4 / 2u) % n;
}

/*
 * The owner of an unfragmented IPv4 packet (or a first fragment), from its
 * transport identifiers: the pool4 port it is sent to, an echo's identifier,
 * or, for an ICMP error, the pool4 port the packet it quotes left from.
 */
unsigned nat64_owner_ports(const struct xlat_config *cfg, const uint8_t *ip, uint32_t len, unsigned n)
{
	const struct rte_ipv4_hdr *ip4 = (const void *)ip;
	uint32_t ihl = rte_ipv4_hdr_len(ip4);
	const uint8_t *l4 = ip + ihl;

	if (ihl < sizeof(*ip4) || len < ihl + 8)
		return 0;
	if (ip4->next_proto_id == IPPROTO_TCP || ip4->next_proto_id == IPPROTO_UDP)
		return nat64_owner4(cfg, ip4->next_proto_id, ip4->dst_addr, rd16(l4 + l4_port_off(IPPROTO_UDP, true)), n);
	if (ip4->next_proto_id != IPPROTO_ICMP)
		return 0;
	if (icmp4_is_echo(l4[0]))
		return nat64_owner4(cfg, IPPROTO_ICMP, ip4->dst_addr, rd16(l4 + l4_port_off(IPPROTO_ICMP, true)), n);
	/* an ICMP error: the quoted packet left from a pool4 address and port */
	const struct rte_ipv4_hdr *in = (const void *)(l4 + ICMP_HDR_LEN);
	if (len < ihl + ICMP_HDR_LEN + sizeof(*in))
		return 0;
	uint32_t iihl = rte_ipv4_hdr_len(in);
	if (iihl < sizeof(*in) || len < ihl + ICMP_HDR_LEN + iihl + 6)
		return 0;
	const uint8_t *il4 = (const uint8_t *)in + iihl;
	return nat64_owner4(cfg, in->next_proto_id, in->src_addr, rd16(il4 + l4_port_off(in->next_proto_id, false)),
			    n);
}

unsigned nat64_owner(struct xlat_ctx *ctx, const uint8_t *ip, uint32_t len, int family, unsigned n)
{
	const struct xlat_config *cfg = ctx->cfg;

	if (family == 6) {
		const struct rte_ipv6_hdr *ip6 = (const void *)ip;
		const uint8_t *l4 = ip + sizeof(*ip6);
		/* an ICMPv6 error: the quoted packet went to this IPv6 host */
		if (ip6->proto == IPPROTO_ICMPV6 && len >= 2 * sizeof(*ip6) + ICMP_HDR_LEN && icmp6_is_error(l4[0]))
			return nat64_owner6(cfg, ((const struct rte_ipv6_hdr *)(const void *)(l4 + ICMP_HDR_LEN))->dst_addr,
					    n);
		return nat64_owner6(cfg, ip6->src_addr, n);
	}
	const struct rte_ipv4_hdr *ip4 = (const void *)ip;
	uint32_t ihl = rte_ipv4_hdr_len(ip4);
	if (ihl < sizeof(*ip4) || len < ihl + 8)
		return 0;
	uint16_t fo = ip4_frag_field(ip4);
	if (!(fo & (RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK)))
		return nat64_owner_ports(cfg, ip, len, n);
	/*
	 * A fragment: every fragment of a datagram reaches this worker (RSS and
	 * fanout hash fragments on addresses), but only the first has ports. Remember
	 * where the first went, and send the others after it.
	 */
	uint32_t o = 0, id = rte_be_to_cpu_16(ip4->packet_id);
	const uint8_t *src = ip + offsetof(struct rte_ipv4_hdr, src_addr), *dst = ip + offsetof(struct rte_ipv4_hdr, dst_addr);
	if (fo & RTE_IPV4_HDR_OFFSET_MASK)
		return nat64_frag_get(ctx, NAT64_FRAG_OWNER, ip4->next_proto_id, id, src, dst, &o, NULL) == 0 ? o : 0;
	o = nat64_owner_ports(cfg, ip, len, n);
	nat64_frag_put(ctx, NAT64_FRAG_OWNER, ip4->next_proto_id, id, src, dst, o, NULL);
	return o;
}

bool nat64_claims4(const struct xlat_config *cfg, const uint8_t *ip, uint32_t len)
{
	const struct rte_ipv4_hdr *ip4 = (const void *)ip;
	uint32_t ihl = rte_ipv4_hdr_len(ip4);
	const uint8_t *l4 = ip + ihl;

	if (ihl < sizeof(*ip4) || len < ihl + 8)
		return true; /* malformed: the translator counts and drops it */
	if (ip4_frag_field(ip4) & RTE_IPV4_HDR_OFFSET_MASK)
		return true; /* a later fragment: no port to look at */
	uint8_t proto = ip4->next_proto_id;
	if (proto == IPPROTO_TCP || proto == IPPROTO_UDP)
		return nat64_pool4_port(cfg, proto, ip4->dst_addr, rd16(l4 + l4_port_off(proto, true)));
	if (proto != IPPROTO_ICMP)
		return false;
	uint16_t id = rd16(l4 + l4_port_off(IPPROTO_ICMP, true));
	if (l4[0] == ICMPV4_ECHO_REPLY) /* an answer to a query NAT64 sent */
		return nat64_pool4_port(cfg, IPPROTO_ICMP, ip4->dst_addr, id);
	if (l4[0] == ICMPV4_ECHO_REQUEST) /* a query: only a static BIB entry makes one NAT64's, not the box's */
		return nat64_static4(cfg, IPPROTO_ICMP, ip4->dst_addr, id);
	/* an error: about a packet that left from a pool4 port */
	const struct rte_ipv4_hdr *in = (const void *)(l4 + ICMP_HDR_LEN);
	uint32_t iihl = rte_ipv4_hdr_len(in);
	if (len < ihl + ICMP_HDR_LEN + sizeof(*in) || iihl < sizeof(*in) || len < ihl + ICMP_HDR_LEN + iihl + 6)
		return true;
	const uint8_t *il4 = (const uint8_t *)in + iihl;
	return nat64_pool4_port(cfg, in->next_proto_id, in->src_addr, rd16(il4 + l4_port_off(in->next_proto_id, false)));
}
