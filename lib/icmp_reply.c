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

/* RFC 1812 4.3.2.5: the errors a router sends carry precedence 6 (internetwork control). */
#define ICMP4_ERR_TOS 0xc0
/* RFC 1700 / RFC 4443: the default TTL and hop limit of the box's own packets. */
#define ICMP_ERR_TTL 64

enum xlat_verdict icmp_reply4(struct xlat_ctx *ctx, struct xlat_pkt *pkt, uint8_t type, uint8_t code,
			      uint32_t rest)
{
	const struct rte_ipv4_hdr *o = (const void *)pkt->data;
	const uint32_t hdrs = sizeof(struct rte_ipv4_hdr) + ICMP_HDR_LEN, ihl = rte_ipv4_hdr_len(o);
	uint32_t to = o->src_addr; /* the error goes back to the sender */
	uint32_t h = rte_be_to_cpu_32(to);

	/* RFC 1122 3.2.2: never about ICMP errors, non-first fragments, or to non-unicast sources. */
	if ((o->next_proto_id == IPPROTO_ICMP && ihl < pkt->len && icmp4_is_error(pkt->data[ihl])) ||
	    (ip4_frag_field(o) & RTE_IPV4_HDR_OFFSET_MASK) || (h >> 24) == 0 || (h >> 28) >= 0xe || (h >> 24) == 127)
		return XV_DROP;
	if (!ctx->in_self4_set || pkt->headroom < hdrs || !ratelimit_ok(ctx) ||
	    ctx->route(ctx->route_opaque, 4, (const uint8_t *)&to, &pkt->route) != 0)
		return xlat_drop(ctx, JSTAT_ICMP4ERR_FAILURE);
	uint32_t quoted = trim(pkt->len, hdrs, ICMP4_ERR_MAX);
	pkt->data -= hdrs;
	pkt->headroom -= hdrs;
	pkt->len = hdrs + quoted;
	uint8_t *icmp = pkt->data + sizeof(struct rte_ipv4_hdr);
	ip4_hdr_write(pkt->data, ICMP4_ERR_TOS, (uint16_t)pkt->len, (uint16_t)xlat_rand(ctx), 0, ICMP_ERR_TTL,
		      IPPROTO_ICMP, ctx->in_self4, to);
	icmp_hdr_write(icmp, type, code, rest);
	wr16(icmp + 2, csum_fold(csum_partial(icmp, pkt->len - sizeof(struct rte_ipv4_hdr), 0)));
	pkt->family = 4;
	xlat_count(ctx, JSTAT_ICMP4ERR_SUCCESS);
	return XV_REPLY;
}

enum xlat_verdict icmp_reply6(struct xlat_ctx *ctx, struct xlat_pkt *pkt, uint8_t type, uint8_t code,
			      uint32_t rest)
{
	const struct rte_ipv6_hdr *o = (const void *)pkt->data;
	const uint32_t hdrs = sizeof(struct rte_ipv6_hdr) + ICMP_HDR_LEN;
	uint8_t to[16]; /* the error goes back to the sender */
	struct pkt_info li;

	memcpy(to, o->src_addr, 16);
	/* RFC 4443 2.4 (e): not about errors, not to multicast or unspecified sources. */
	if (to[0] == 0xff || (pkt_parse6(pkt->data, pkt->len, true, &li) == XLAT_OK && li.proto == IPPROTO_ICMPV6 &&
			      li.frag_off == 0 && li.l3len < pkt->len && icmp6_is_error(pkt->data[li.l3len])))
		return XV_DROP;
	static const uint8_t zero[16];
	if (memcmp(to, zero, 16) == 0)
		return XV_DROP;
	if (!ctx->in_self6_set || pkt->headroom < hdrs || !ratelimit_ok(ctx) ||
	    ctx->route(ctx->route_opaque, 6, to, &pkt->route) != 0)
		return xlat_drop(ctx, JSTAT_ICMP6ERR_FAILURE);
	uint32_t quoted = trim(pkt->len, hdrs, ICMP6_ERR_MAX);
	pkt->data -= hdrs;
	pkt->headroom -= hdrs;
	pkt->len = hdrs + quoted;
	const struct rte_ipv6_hdr *n = (const void *)pkt->data;
	uint8_t *icmp = pkt->data + sizeof(*n);
	uint32_t icmp_len = pkt->len - (uint32_t)sizeof(*n);
	ip6_hdr_write(pkt->data, 0, (uint16_t)icmp_len, IPPROTO_ICMPV6, ICMP_ERR_TTL, ctx->in_self6, to);
	icmp_hdr_write(icmp, type, code, rest);
	uint32_t sum = csum_pseudo6(n->src_addr, n->dst_addr, IPPROTO_ICMPV6, icmp_len);
	wr16(icmp + 2, csum_fold(csum_partial(icmp, icmp_len, sum)));
	pkt->family = 6;
	xlat_count(ctx, JSTAT_ICMP6ERR_SUCCESS);
	return XV_REPLY;
}
