/* SPDX-License-Identifier: BSD-3-Clause */
/* IPv4 -> IPv6: an ICMPv4 error and the packet it quotes (RFC 7915 4.3). */
#include <string.h>

#include "addr_xlat.h"
#include "checksum.h"
#include "icmp_error.h"
#include "icmp_types.h"
#include "ip_hdr.h"
#include "nat64_filter.h"
#include "nat64_tuple46.h"
#include "rfc6052.h"
#include "xlat46.h"
#include "xlat_step.h"

/* RFC 4884: ICMPv4 Destination Unreachable, Time Exceeded and Parameter Problem carry a length in 32-bit words. */
static bool icmp4_has_len(uint8_t type)
{
	return type == ICMPV4_DEST_UNREACH || type == ICMPV4_TIME_EXCEEDED || type == ICMPV4_PARAM_PROBLEM;
}

/* RFC 7915 4.3: an ICMPv4 error's outer and inner headers, both translated; truncated to 1280. */
enum xlat_verdict xlat46_icmp_error(struct xlat_ctx *ctx, struct xlat_pkt *pkt, const struct pkt_info *li,
				    const uint8_t src6[16], const uint8_t dst6[16], bool hairpin)
{
	const struct xlat_config *cfg = ctx->cfg;
	uint8_t *p = pkt->data;
	uint8_t *icmp = p + li->l3len;
	uint32_t icmplen = pkt->len - li->l3len;

	if (csum_fold(csum_partial(icmp, icmplen, 0)) != 0)
		return xlat_drop(ctx, JSTAT46_ICMP_CSUM);
	struct icmp_map im;
	enum xlat_stat r = icmp_map46(icmp[0], icmp[1], icmp + 4, &im);
	if (r != XLAT_OK)
		return xlat_drop(ctx, r);
	uint8_t *in = icmp + 8;
	uint32_t inlen = icmplen - 8;
	/* RFC 4884: with a length field, the quote ends there and an extension structure follows. */
	uint32_t ext_len = 0;
	if (icmp4_has_len(icmp[0]) && icmp[5] != 0 && icmp[5] * 4u < inlen) {
		ext_len = inlen - icmp[5] * 4u;
		inlen = icmp[5] * 4u;
	}
	const uint8_t *buf_end = p + pkt->len + pkt->tailroom;
	struct pkt_info ili;
	r = pkt_parse4(in, inlen, true, &ili);
	if (r != XLAT_OK)
		return xlat_drop(ctx, r == JSTAT_SKB_TRUNCATED ? XLAT_ICMP_TOO_SHORT : r);
	uint8_t *il4 = in + ili.l3len;
	uint32_t il4len = inlen - ili.l3len;
	if (ili.proto == IPPROTO_ICMP && ili.frag_off == 0 && il4len >= 1 && icmp4_is_error(il4[0]))
		return xlat_drop(ctx, JSTAT_DOUBLE_ICMP4_ERROR);
	uint32_t isrc4 = ld32(in + 12), idst4 = ld32(in + 16);
	uint8_t isrc6[16], idst6[16];
	uint16_t iport6 = 0;
	bool nat = cfg->mode == XLAT_MODE_NAT64;
	if (nat) {
		/* RFC 6146 3.5.3? / Jool: the quoted packet is one we sent: its source is a BIB entry. */
		uint16_t isport, idport;
		if (!l4_quoted_ports(ili.proto, il4, il4len, &isport, &idport) ||
		    nat64_find_in(ctx, ili.proto, isrc4, isport, idst4, idport, isrc6, &iport6) != 0)
			return xlat_drop(ctx, JSTAT_SESSION_NOT_FOUND);
		rfc6052_4to6(&cfg->g.pool6, idst4, idst6);
		/* Jool's source-icmpv6-errors-better off (its behaviour before issue 132): the error seems to
		 * come from the server the host tried, not from the router that sent it (RFC 7915 4.2 maps the
		 * real source: the default) */
		if (!cfg->g.nat.source_icmpv6_errors_better)
			src6 = idst6;
	} else if (hairpin ? (addr_map46_hairpin(cfg, isrc4, isrc6, false) != 0 || addr_map46_hairpin(cfg, idst4, idst6, true) != 0)
		    : (addr_map46(cfg, isrc4, isrc6) != 0 || addr_map46(cfg, idst4, idst6) != 0))
		return xlat_drop(ctx, JSTAT_UNTRANSLATABLE_DST4);

	uint32_t rest;
	switch (im.rest) {
	case ICMP_REST_MTU:
		rest = icmp_mtu46(&cfg->g, rd16(icmp + 6), rd16(in + 2), pkt->route.mtu, ctx->in_mtu);
		break;
	case ICMP_REST_PTR:
		rest = im.ptr;
		break;
	default:
		rest = 0;
		break;
	}
	uint8_t tc = xlat46_tclass(cfg, (const void *)p), hl = hairpin ? p[8] : (uint8_t)(p[8] - 1);
	uint8_t itc = xlat46_tclass(cfg, (const void *)in), ihl = in[8];
	uint8_t iproto = ili.proto == IPPROTO_ICMP ? IPPROTO_ICMPV6 : ili.proto;
	uint32_t iulen = ili.pktlen - ili.l3len; /* the original packet's upper-layer length */
	bool ifrag = ili.frag;
	struct icmp_map iim;
	bool inner_icmp = ili.proto == IPPROTO_ICMP && il4len >= 4 &&
			  icmp_map46(il4[0], il4[1], il4len >= 8 ? il4 + 4 : il4, &iim) == XLAT_OK;
	xlat46_l4_update(&ili, il4, il4len, iulen, isrc4, idst4, isrc6, idst6, inner_icmp ? &iim : NULL);
	if (nat)
		l4_set_port(ili.proto, il4, il4len, ili.proto == IPPROTO_ICMP ? 4 : 0, iport6);

	uint8_t *ih = il4 - 40 - (ifrag ? 8 : 0);
	uint8_t *nicmp = ih - 8;
	uint8_t *h = nicmp - 40;
	if ((uint32_t)(p - h) > pkt->headroom)
		return xlat_drop(ctx, XLAT_NO_MBUF);
	ip6_hdr_write(ih, itc, (uint16_t)(iulen + (ifrag ? 8 : 0)), ifrag ? IPPROTO_FRAGMENT : iproto, ihl, isrc6, idst6);
	if (ifrag)
		ip6_frag_hdr_write(ih + 40, iproto, ili.frag_off, ili.mf, ili.frag_id);
	uint32_t quote = (uint32_t)(il4 - ih) + il4len;
	/* 1280 also when lowest-ipv6-mtu is larger */
	uint32_t len = 40 + icmp_error_finish(nicmp, im.type, im.code, rest, quote, ext_len, buf_end, src6, dst6);
	ip6_hdr_write(h, tc, (uint16_t)(len - 40), IPPROTO_ICMPV6, hl, src6, dst6);
	xlat46_move(pkt, h, len);
	return XV_FORWARD;
}
