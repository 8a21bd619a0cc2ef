/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Native forwarding (forward.h): a router's per-packet work for what the box
 * neither translates nor owns. In the order Linux's ip_forward()/ip6_forward()
 * take: header checks (RFC 1812 5.2.2, RFC 8200 3), addresses no router
 * forwards, what only the host kernel handles (IPv4 options, IPv6 hop-by-hop
 * options), the route and its type, the hop limit, the egress MTU, then the
 * decrement. ICMP errors are the box's own (icmp_reply.c: its sources, its
 * rate limit). No redirects: a packet that leaves by the port it came in on is
 * forwarded like any other.
 */
#include <string.h>

#include "checksum.h"
#include "forward.h"
#include "icmp_reply.h"
#include "icmp_types.h"
#include "ip_hdr.h"
#include "l4.h"
#include "xlat_step.h"

/* Not a counter: a step that hands the packet to the host kernel unchanged. */
#define FWD_TO_HOST XLAT_FWD_TO_HOST

/* RFC 1812 5.2.2: version, header length, total length, header checksum; the length trimmed to the header's (L2 padding). */
static enum xlat_stat check4(struct xlat_pkt *pkt)
{
	const struct rte_ipv4_hdr *h = (const void *)pkt->data;

	if (pkt->len < sizeof(*h) || ip_version(pkt->data) != 4)
		return XLAT_FWD_HDR;
	uint32_t ihl = rte_ipv4_hdr_len(h), tot = rte_be_to_cpu_16(h->total_length);
	if (ihl < sizeof(*h) || tot < ihl || tot > pkt->len)
		return XLAT_FWD_HDR;
	if (ihl == sizeof(*h) ? csum_ipv4_header20_be(pkt->data) != ld16(pkt->data + 10)
			      : csum_fold(csum_partial(pkt->data, ihl, 0)) != 0)
		return XLAT_FWD_HDR;
	pkt->len = tot;
	uint32_t s = rte_be_to_cpu_32(h->src_addr), d = rte_be_to_cpu_32(h->dst_addr);
	/*
	 * RFC 1812 5.3.7 and 4.2.2.11: no "this network" (0/8), loopback or class D/E
	 * source, none of those as destination (multicast is the host's, classified
	 * before); RFC 3927 7: link-local (169.254/16) never leaves its link.
	 */
	if ((s >> 24) == 0 || (s >> 24) == 127 || (s >> 28) >= 0xe || (s >> 16) == 0xa9fe || (d >> 24) == 0 ||
	    (d >> 24) == 127 || (d >> 28) >= 0xe || (d >> 16) == 0xa9fe)
		return XLAT_FWD_MARTIAN;
	/* options (record route, timestamps, source routes) are the host kernel's to process */
	if (ihl > sizeof(*h))
		return FWD_TO_HOST;
	return XLAT_OK;
}

/* ::, ::1 and IPv4-mapped ::ffff:0:0/96 (RFC 4291 2.5.2, 2.5.3, 2.5.5.2): never on a wire. */
static bool never_routed6(const uint8_t *a)
{
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };
	uint64_t hi, lo;

	memcpy(&hi, a, 8);
	memcpy(&lo, a + 8, 8);
	if (hi == 0 && (lo == 0 || lo == rte_cpu_to_be_64(1)))
		return true;
	return memcmp(a, mapped, 12) == 0;
}

static bool link_local6(const uint8_t *a)
{
	return a[0] == 0xfe && (a[1] & 0xc0) == 0x80;
}

/* RFC 8200 3 and 4: the header and its length; hop-by-hop options (the only header a router reads) are the host's. */
static enum xlat_stat check6(struct xlat_pkt *pkt)
{
	const struct rte_ipv6_hdr *h = (const void *)pkt->data;

	if (pkt->len < sizeof(*h) || ip_version(pkt->data) != 6)
		return XLAT_FWD_HDR;
	if (h->proto == IPPROTO_HOPOPTS)
		return FWD_TO_HOST; /* before the length: a jumbogram (RFC 2675) says 0 there */
	if (ip6_total_len(h) > pkt->len)
		return XLAT_FWD_HDR;
	pkt->len = ip6_total_len(h);
	/* RFC 4291 2.5.6: link-local addresses stay on their link; 2.7: no multicast source */
	if (never_routed6(h->src_addr) || never_routed6(h->dst_addr) || h->src_addr[0] == 0xff ||
	    h->dst_addr[0] == 0xff || link_local6(h->src_addr) || link_local6(h->dst_addr))
		return XLAT_FWD_MARTIAN;
	return XLAT_OK;
}

/* Refused with an ICMP error of the box's own (rate-limited; none about errors). */
static enum fwd_verdict refuse(struct xlat_ctx *ctx, struct xlat_pkt *pkt, enum xlat_stat why, uint8_t type4,
			       uint8_t code4, uint8_t type6, uint8_t code6, uint32_t rest)
{
	enum xlat_verdict v = pkt->family == 4 ? icmp_refuse4(ctx, pkt, why, type4, code4, rest)
					       : icmp_refuse6(ctx, pkt, why, type6, code6, rest);
	return v == XV_REPLY ? FV_REPLY : FV_DROP;
}

/* The route's type (RFC 1812 5.2.7.1 codes for IPv4, RFC 4443 3.1 for IPv6), as the kernel answers for it. */
static enum fwd_verdict refused_route(struct xlat_ctx *ctx, struct xlat_pkt *pkt, enum fwd_kind kind)
{
	switch (kind) {
	case FWD_HOST:
		xlat_count(ctx, XLAT_FWD_TO_HOST);
		return FV_HOST;
	case FWD_UNREACHABLE:
		return refuse(ctx, pkt, XLAT_FWD_REJECTED, ICMPV4_DEST_UNREACH, ICMPV4_HOST_UNREACH, ICMPV6_DEST_UNREACH,
			      ICMPV6_NO_ROUTE, 0);
	case FWD_PROHIBIT:
		return refuse(ctx, pkt, XLAT_FWD_REJECTED, ICMPV4_DEST_UNREACH, ICMPV4_ADMIN_PROHIBITED,
			      ICMPV6_DEST_UNREACH, ICMPV6_ADMIN_PROHIBITED, 0);
	default: /* FWD_BLACKHOLE */
		xlat_count(ctx, XLAT_FWD_REJECTED);
		return FV_DROP;
	}
}

/* A TCP segment tso.c can cut: IPv4 (no options here) or IPv6 without extension headers. */
static bool plain_tcp(const struct xlat_pkt *pkt)
{
	return pkt->data[pkt->family == 4 ? 9 : 6] == IPPROTO_TCP &&
	       (pkt->family == 6 || !ip4_is_fragment((const void *)pkt->data));
}

/*
 * The egress MTU: XLAT_OK when the packet leaves whole, or cut (pkt->seg_size:
 * a TCP super-frame, as the sender's NIC would have cut it; pkt->frag_size:
 * IPv4 without DF, RFC 1812 5.2.6), else the refusal: too big (ICMP), or a
 * super-frame that cannot be cut (UDP GSO: no segment size came with it).
 */
static enum xlat_stat fit_mtu(const struct xlat_ctx *ctx, struct xlat_pkt *pkt, uint32_t mtu)
{
	if (pkt->len <= mtu)
		return XLAT_OK;
	bool super = xlat_longer_than_link(ctx, pkt->len);
	if (super && plain_tcp(pkt)) {
		pkt->gso = true;
		pkt->seg_size = mtu < ctx->in_mtu ? mtu : ctx->in_mtu;
		return xlat_tso_count(pkt) ? XLAT_OK : XLAT_GSO_REFUSED; /* 0: no room for the headers */
	}
	if (pkt->family == 4 && !ip4_df((const void *)pkt->data)) {
		pkt->frag_size = mtu;
		return xlat_frag4_count(pkt) ? XLAT_OK : XLAT_FWD_HDR; /* 0: offsets past 13 bits */
	}
	return super ? XLAT_GSO_REFUSED : XLAT_FWD_TOO_BIG;
}

/*
 * A TCP/UDP checksum a sender on the same kernel left to an offload that never
 * comes (checksum.h): finished, or the next host drops the packet as corrupt.
 * Whole datagrams with the transport header right after the IP header only.
 */
static void finish_partial(struct xlat_ctx *ctx, struct xlat_pkt *pkt)
{
	uint32_t l3, pseudo;
	uint8_t proto;

	if (pkt->family == 4) {
		const struct rte_ipv4_hdr *h = (const void *)pkt->data;
		if (ip4_is_fragment(h))
			return;
		l3 = sizeof(*h);
		proto = h->next_proto_id;
		pseudo = csum_addr4(h->src_addr, h->dst_addr);
	} else {
		const struct rte_ipv6_hdr *h = (const void *)pkt->data;
		l3 = sizeof(*h);
		proto = h->proto;
		pseudo = csum_addr6(h->src_addr, h->dst_addr);
	}
	if (proto != IPPROTO_TCP && proto != IPPROTO_UDP)
		return;
	l4_csum_offload(ctx, proto, pkt->data + l3, pkt->len - l3, pseudo + proto + (pkt->len - l3));
}

/* RFC 1812 5.3.1 / RFC 8200 3: one less; the IPv4 header checksum updated (RFC 1624 eqn. 3). */
static void decrement(struct xlat_pkt *pkt)
{
	uint8_t *p = pkt->data;

	if (pkt->family == 6) {
		p[7]--;
		return;
	}
	uint32_t old = (uint32_t)p[8] << 8 | p[9];
	p[8]--;
	wr16(p + 10, csum_adjust(rd16(p + 10), csum_delta(old, (uint32_t)p[8] << 8 | p[9])));
}

enum fwd_verdict fwd_process(struct xlat_ctx *ctx, struct xlat_pkt *pkt, fwd_route_fn route, void *opaque)
{
	const bool v4 = pkt->family == 4;
	enum xlat_stat why = v4 ? check4(pkt) : check6(pkt);
	struct fwd_route fr;

	if (why != XLAT_OK) {
		if (why == FWD_TO_HOST) {
			xlat_count(ctx, XLAT_FWD_TO_HOST);
			return FV_HOST;
		}
		xlat_count(ctx, why);
		return FV_DROP;
	}
	if (route(opaque, pkt->family, pkt->data + (v4 ? 16 : 24), &fr) != 0)
		return refuse(ctx, pkt, XLAT_FWD_NO_ROUTE, ICMPV4_DEST_UNREACH, ICMPV4_NET_UNREACH, ICMPV6_DEST_UNREACH,
			      ICMPV6_NO_ROUTE, 0);
	if (fr.kind != FWD_VIA_PORT)
		return refused_route(ctx, pkt, fr.kind);
	/* RFC 1812 5.3.1, RFC 8200 3: a packet that would leave with 0 is answered, not forwarded */
	if (pkt->data[v4 ? 8 : 7] <= 1)
		return refuse(ctx, pkt, XLAT_FWD_TTL, ICMPV4_TIME_EXCEEDED, ICMPV4_TTL_EXCEEDED, ICMPV6_TIME_EXCEEDED,
			      ICMPV6_HOP_LIMIT_EXCEEDED, 0);
	why = fit_mtu(ctx, pkt, fr.r.mtu);
	if (why == XLAT_FWD_TOO_BIG) /* RFC 1191 / RFC 4443 3.2: the next hop's MTU in the message */
		return refuse(ctx, pkt, why, ICMPV4_DEST_UNREACH, ICMPV4_FRAG_NEEDED, ICMPV6_PKT_TOO_BIG, 0, fr.r.mtu);
	if (why != XLAT_OK) {
		xlat_count(ctx, why);
		return FV_DROP;
	}
	if (!pkt->gso) /* segments get their checksums afresh (tso.c) */
		finish_partial(ctx, pkt);
	decrement(pkt);
	pkt->route = fr.r;
	xlat_count(ctx, v4 ? XLAT_FWD4 : XLAT_FWD6);
	return FV_FORWARD;
}
