/* SPDX-License-Identifier: BSD-3-Clause */
/* The entry point: which direction, hairpinning, totals. */
#include "addr_xlat.h"
#include "ip_hdr.h"
#include "nat64.h"
#include "rfc6052.h"
#include "xlat46.h"
#include "xlat64.h"
#include "xlat_step.h"

bool xlat_wants6(const struct xlat_config *cfg, const uint8_t dst6[16])
{
	if (cfg->g.pool6_set && prefix6_contains(&cfg->g.pool6, dst6))
		return true;
	return cfg->mode == XLAT_MODE_SIIT && eamt_has6(&cfg->eamt, dst6);
}

bool xlat_wants4(const struct xlat_config *cfg, uint32_t dst4_be)
{
	/* SIIT: every IPv4 address has an IPv6 form through EAMT or pool6, bar the denied ones. */
	if (cfg->mode == XLAT_MODE_NAT64)
		return nat64_pool4_has(cfg, dst4_be); /* RFC 6146: only what is addressed to pool4 */
	if (eamt_has4(&cfg->eamt, dst4_be))
		return true;
	return cfg->mode == XLAT_MODE_SIIT && cfg->g.pool6_set && !addr_denied4(cfg, dst4_be);
}

/*
 * A datagram longer than the link it came in on (ctx->in_mtu) was never on a
 * wire: a peer on the same kernel handed it over before segmentation (TSO, UDP
 * GSO), or a kernel merged it on the way in (GRO; af_packet's IPv4 defrag).
 * TCP is segmented after translation (pkt->gso); an IPv4 datagram with DF clear
 * is translated as RFC 7915 4.1 says (IPv6 fragments); anything else cannot be
 * cut without the segment size the sender chose, which no port type passes
 * (UDP GSO): refused (true).
 */
static bool oversize_refused(struct xlat_ctx *ctx, struct xlat_pkt *pkt)
{
	uint32_t iplen;
	bool tcp, df;

	if (!xlat_longer_than_link(ctx, pkt->len) || pkt->len < sizeof(struct rte_ipv4_hdr))
		return false;
	if (pkt->family == 6) {
		const struct rte_ipv6_hdr *ip6 = (const void *)pkt->data;
		if (pkt->len < sizeof(*ip6))
			return false;
		iplen = ip6_total_len(ip6);
		tcp = ip6->proto == IPPROTO_TCP;
		df = true; /* RFC 8200 5: nothing on the way fragments IPv6 */
	} else {
		const struct rte_ipv4_hdr *ip4 = (const void *)pkt->data;
		iplen = rte_be_to_cpu_16(ip4->total_length);
		tcp = ip4->next_proto_id == IPPROTO_TCP && !ip4_is_fragment(ip4);
		df = ip4_frag_field(ip4) & RTE_IPV4_HDR_DF_FLAG;
	}
	if (iplen <= ctx->in_mtu || iplen > pkt->len)
		return false; /* L2 padding, or a bogus length the parser drops */
	if (tcp) {
		pkt->gso = true;
		return false;
	}
	return df;
}

enum xlat_verdict xlat_process(struct xlat_ctx *ctx, struct xlat_pkt *pkt)
{
	enum xlat_verdict v;

	pkt->frag_size = 0;
	pkt->gso = false;
	pkt->seg_size = 0;
	if (!ctx->cfg->g.manually_enabled)
		return xlat_drop(ctx, JSTAT_XLATOR_DISABLED);
	if (__builtin_expect(oversize_refused(ctx, pkt), 0))
		return xlat_drop(ctx, XLAT_GSO_REFUSED);
	if (pkt->family == 6) {
		bool hairpin = false;
		xlat_count(ctx, JSTAT_RECEIVED6);
		v = xlat64(ctx, pkt, &hairpin);
		if (v == XV_FORWARD && hairpin) {
			xlat_count(ctx, XLAT_HAIRPIN);
			v = xlat46(ctx, pkt, true);
		}
	} else {
		xlat_count(ctx, JSTAT_RECEIVED4);
		v = xlat46(ctx, pkt, false);
	}
	if (v == XV_FORWARD) {
		xlat_count(ctx, JSTAT_SUCCESS);
		if (pkt->gso) {
			/* segments no longer than the sender's link would have carried them (translated: IPv4's
			 * header is 20 bytes shorter), nor than the egress link takes */
			uint32_t wire = pkt->family == 4 ? ctx->in_mtu - 20u : ctx->in_mtu + 20u;
			xlat_count(ctx, XLAT_GSO_SEGMENTED);
			pkt->seg_size = pkt->route.mtu < wire ? pkt->route.mtu : wire;
		}
	}
	return v;
}
