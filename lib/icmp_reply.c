/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ICMP errors the translator originates (TTL/hop limit expiry, MTU, source
 * route, UDP zero checksum, extension headers after a fragment header). Built
 * in place over the offending packet: the new headers go into the headroom,
 * the quoted packet is what is already there, truncated to the RFC limits.
 */
#include <string.h>

#include "checksum.h"
#include "icmp_map.h"
#include "icmp_reply.h"
#include "ip_hdr.h"
#include "pkt_parse.h"
#include "xlat_step.h"

#define ICMP4_ERR_MAX 576  /* RFC 1812 4.3.2.3 */
#define ICMP6_ERR_MAX 1280 /* RFC 4443 2.4 (c) */

/* Per-worker token bucket: never more than icmp_errors_per_sec, bursts of up to that many. */
static bool ratelimit_ok(struct xlat_ctx *ctx)
{
	uint32_t rate = ctx->cfg->g.icmp_errors_per_sec;
	uint64_t elapsed = ctx->now_ns - ctx->icmp_rl.tokens_at;

	if (elapsed > 1000000000ull) /* a full bucket after a second; also keeps elapsed * rate in range */
		elapsed = 1000000000ull;

	if (rate == 0)
		return false;
	if (elapsed >= 1000000000ull / rate) {
		uint64_t add = elapsed * rate / 1000000000ull;
		uint64_t t = ctx->icmp_rl.tokens + add;
		ctx->icmp_rl.tokens = (uint32_t)(t > rate ? rate : t);
		ctx->icmp_rl.tokens_at = ctx->now_ns;
	}
	if (ctx->icmp_rl.tokens == 0)
		return false;
	ctx->icmp_rl.tokens--;
	return true;
}

static uint32_t trim(uint32_t len, uint32_t hdr, uint32_t max)
{
	return hdr + len > max ? max - hdr : len;
}

enum xlat_verdict icmp_reply4(struct xlat_ctx *ctx, struct xlat_pkt *pkt, uint8_t type, uint8_t code,
			      uint32_t rest)
{
	uint8_t *o = pkt->data;
	uint32_t dst = ld32(o + 12);
	uint32_t h = __builtin_bswap32(dst);

	/* RFC 1122 3.2.2: never about ICMP errors, non-first fragments, or to non-unicast sources. */
	if ((o[9] == IPPROTO_ICMP_ && (o[0] & 0xf) * 4u < pkt->len && icmp4_is_error(o[(o[0] & 0xf) * 4])) ||
	    (rd16(o + 6) & IPV4_OFFMASK) || (h >> 24) == 0 || (h >> 28) >= 0xe || (h >> 24) == 127)
		return XV_DROP;
	if (!ctx->in_self4_set || pkt->headroom < 28 || !ratelimit_ok(ctx) ||
	    ctx->route(ctx->route_opaque, 4, (const uint8_t *)&dst, &pkt->route) != 0)
		return xlat_drop(ctx, JSTAT_ICMP4ERR_FAILURE);
	uint32_t quoted = trim(pkt->len, 28, ICMP4_ERR_MAX);
	pkt->data -= 28;
	pkt->headroom -= 28;
	pkt->len = 28 + quoted;
	uint8_t *n = pkt->data;
	ip4_hdr_write(n, 0xc0, (uint16_t)pkt->len, (uint16_t)xlat_rand(ctx), 0, 64, IPPROTO_ICMP_, ctx->in_self4, dst);
	uint8_t *icmp = n + 20;
	icmp[0] = type;
	icmp[1] = code;
	wr16(icmp + 2, 0);
	wr32(icmp + 4, rest);
	wr16(icmp + 2, csum_fold(csum_partial(icmp, pkt->len - 20, 0)));
	pkt->family = 4;
	xlat_count(ctx, JSTAT_ICMP4ERR_SUCCESS);
	return XV_REPLY;
}

enum xlat_verdict icmp_reply6(struct xlat_ctx *ctx, struct xlat_pkt *pkt, uint8_t type, uint8_t code,
			      uint32_t rest)
{
	uint8_t *o = pkt->data;
	uint8_t dst[16];
	struct pkt_info li;

	memcpy(dst, o + 8, 16);
	/* RFC 4443 2.4 (e): not about errors, not to multicast or unspecified sources. */
	if (dst[0] == 0xff || (pkt_parse6(o, pkt->len, true, &li) == XLAT_OK && li.proto == IPPROTO_ICMPV6_ &&
			       li.frag_off == 0 && li.l3len < pkt->len && icmp6_is_error(o[li.l3len])))
		return XV_DROP;
	static const uint8_t zero[16];
	if (memcmp(dst, zero, 16) == 0)
		return XV_DROP;
	if (!ctx->in_self6_set || pkt->headroom < 48 || !ratelimit_ok(ctx) ||
	    ctx->route(ctx->route_opaque, 6, dst, &pkt->route) != 0)
		return xlat_drop(ctx, JSTAT_ICMP6ERR_FAILURE);
	uint32_t quoted = trim(pkt->len, 48, ICMP6_ERR_MAX);
	pkt->data -= 48;
	pkt->headroom -= 48;
	pkt->len = 48 + quoted;
	uint8_t *n = pkt->data;
	ip6_hdr_write(n, 0, (uint16_t)(pkt->len - 40), IPPROTO_ICMPV6_, 64, ctx->in_self6, dst);
	uint8_t *icmp = n + 40;
	icmp[0] = type;
	icmp[1] = code;
	wr16(icmp + 2, 0);
	wr32(icmp + 4, rest);
	uint32_t sum = csum_pseudo6(n + 8, n + 24, IPPROTO_ICMPV6_, pkt->len - 40);
	wr16(icmp + 2, csum_fold(csum_partial(icmp, pkt->len - 40, sum)));
	pkt->family = 6;
	xlat_count(ctx, JSTAT_ICMP6ERR_SUCCESS);
	return XV_REPLY;
}
