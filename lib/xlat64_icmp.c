/* SPDX-License-Identifier: BSD-3-Clause */
/* IPv6 -> IPv4: an ICMPv6 error and the packet it quotes (RFC 7915 5.3). */
#include <string.h>

#include "checksum.h"
#include "icmp_error.h"
#include "icmp_types.h"
#include "ip_hdr.h"
#include "nat64_filter.h"
#include "rfc6052.h"
#include "addr_xlat.h"
#include "xlat64.h"
#include "xlat_step.h"

/* RFC 4884: ICMPv6 Destination Unreachable and Time Exceeded carry a length in 8-byte units. */
static bool icmp6_has_len(uint8_t type)
{
	return type == ICMPV6_DEST_UNREACH || type == ICMPV6_TIME_EXCEEDED;
}

/* RFC 7915 5.3: an ICMPv6 error's outer and inner headers, both translated; the quote truncated to 576. */
enum xlat_verdict xlat64_icmp_error(struct xlat_ctx *ctx, struct xlat_pkt *pkt, const struct pkt_info *li,
				    uint32_t src4, uint32_t dst4)
{
	const struct xlat_config *cfg = ctx->cfg;
	uint8_t *p = pkt->data;
	uint8_t *icmp = p + li->l3len;
	uint32_t icmplen = pkt->len - li->l3len;

	if (csum_fold(csum_partial(icmp, icmplen, csum_pseudo6(p + 8, p + 24, IPPROTO_ICMPV6, icmplen))) != 0)
		return xlat_drop(ctx, JSTAT64_ICMP_CSUM);
	struct icmp_map im;
	enum xlat_stat r = icmp_map64(icmp[0], icmp[1], icmp + 4, &im);
	if (r != XLAT_OK)
		return xlat_drop(ctx, r);

	uint8_t *in = icmp + 8;
	uint32_t inlen = icmplen - 8;
	/* RFC 4884: with a length field, the quote ends there and an extension structure follows. */
	uint32_t ext_len = 0;
	if (icmp6_has_len(icmp[0]) && icmp[4] != 0 && icmp[4] * 8u < inlen) {
		ext_len = inlen - icmp[4] * 8u;
		inlen = icmp[4] * 8u;
	}
	const uint8_t *buf_end = p + pkt->len + pkt->tailroom;
	struct pkt_info ili;
	r = pkt_parse6(in, inlen, true, &ili);
	if (r != XLAT_OK)
		return xlat_drop(ctx, r == JSTAT_SKB_TRUNCATED ? XLAT_ICMP_TOO_SHORT : r);
	if (ili.proto == IPPROTO_ICMPV6 && ili.frag_off == 0 && inlen > ili.l3len && icmp6_is_error(in[ili.l3len]))
		return xlat_drop(ctx, JSTAT_DOUBLE_ICMP6_ERROR);
	uint32_t isrc4, idst4;
	uint16_t iport4 = 0;
	bool nat = cfg->mode == XLAT_MODE_NAT64;
	if (nat) {
		/* The quoted packet is one we sent to the IPv6 host: its destination is a BIB entry. */
		uint8_t ip = ili.proto == IPPROTO_ICMPV6 ? IPPROTO_ICMP : ili.proto;
		const uint8_t *q = in + ili.l3len;
		uint32_t qlen = inlen - ili.l3len;
		uint16_t isport, idport;
		if ((ip == IPPROTO_ICMP ? qlen < 6 : qlen < 4) || rfc6052_6to4(&cfg->g.pool6, in + 8, &isrc4) != 0)
			return xlat_drop(ctx, XLAT_ICMP_TOO_SHORT);
		isport = ip == IPPROTO_ICMP ? rd16(q + 4) : rd16(q);
		idport = ip == IPPROTO_ICMP ? rd16(q + 4) : rd16(q + 2);
		if (nat64_find_out(ctx, ip, in + 24, idport, isrc4, isport, &idst4, &iport4) != 0)
			return xlat_drop(ctx, JSTAT_SESSION_NOT_FOUND);
		src4 = idst4; /* RFC 6146: the error comes from the NAT64's own (pool4) address */
	} else if (addr_map64(cfg, in + 8, &isrc4) < 0 || addr_map64(cfg, in + 24, &idst4) < 0)
		return xlat_drop(ctx, JSTAT_UNTRANSLATABLE_DST6);

	/* Everything read from the old headers before the new ones overwrite them. */
	uint8_t isrc6[16], idst6[16];
	memcpy(isrc6, in + 8, 16);
	memcpy(idst6, in + 24, 16);
	uint8_t itos = xlat64_tos(cfg, (const void *)in), ittl = in[7];
	uint8_t tos = xlat64_tos(cfg, (const void *)p), ttl = (uint8_t)(p[7] - 1);
	uint32_t rest;
	switch (im.rest) {
	case ICMP_REST_MTU:
		rest = icmp_mtu64(rd32(icmp + 4), pkt->route.mtu, ctx->in_mtu);
		break;
	case ICMP_REST_PTR:
		rest = im.ptr << 24;
		break;
	default:
		rest = 0;
		break;
	}
	uint8_t *il4 = in + ili.l3len;
	uint32_t il4len = inlen - ili.l3len;
	uint32_t itotlen = 20 + (ili.pktlen - ili.l3len); /* what the original packet's header said */
	uint16_t iid, ifrag;
	xlat64_id_flags(ctx, &ili, itotlen, &iid, &ifrag);
	struct icmp_map iim;
	bool inner_icmp = ili.proto == IPPROTO_ICMPV6 && il4len >= 4 &&
			  icmp_map64(il4[0], il4[1], il4len >= 8 ? il4 + 4 : il4, &iim) == XLAT_OK;
	xlat64_l4_update(&ili, il4, il4len, ili.pktlen - ili.l3len, isrc6, idst6, isrc4, idst4, inner_icmp ? &iim : NULL);
	if (nat)
		l4_set_port(ili.proto == IPPROTO_ICMPV6 ? IPPROTO_ICMP : ili.proto, il4, il4len,
			    ili.proto == IPPROTO_ICMPV6 ? 4 : 2, iport4);

	uint8_t *ih = il4 - 20;
	ip4_hdr_write(ih, itos, (uint16_t)itotlen, iid, ifrag, ittl,
		   ili.proto == IPPROTO_ICMPV6 ? IPPROTO_ICMP : ili.proto, isrc4, idst4);
	uint8_t *nicmp = ih - 8;
	uint8_t *h = nicmp - 20;
	uint32_t len = 20 + icmp_error_finish(nicmp, im.type, im.code, rest, 20 + il4len, ext_len, buf_end, NULL, NULL);
	uint16_t id, frag;
	xlat64_id_flags(ctx, li, len, &id, &frag);
	ip4_hdr_write(h, tos, (uint16_t)len, id, frag, ttl, IPPROTO_ICMP, src4, dst4);
	pkt->headroom += (uint32_t)(h - p);
	pkt->data = h;
	pkt->len = len;
	pkt->family = 4;
	return XV_FORWARD;
}
