/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The general path's classification ("packet thievery"): what is for the
 * translator's pools is translated (translate.c), what is for the box itself
 * goes to the host kernel (to_host.c), any other IP packet is routed
 * (forward.c; dropped and counted as not ours where dataplane.forwarding is
 * off for its family), anything else is dropped and counted. Each packet
 * takes one of these ways only. The common case never comes here: fastpath.h
 * takes it first.
 */
#include <string.h>

#include "addr_xlat.h"
#include "worker.h"

/*
 * A frame as long as the port's receive buffers (dp_port.rx_cap) whose IP
 * header says it was longer: the port cut it (af_packet with frames smaller
 * than a sender's super-frame). Told apart from a malformed packet, which the
 * translator counts as such, so that the operator learns what to change
 * (ports_watch).
 */
static bool cut_by_port(const uint8_t *f, uint32_t flen, uint16_t et)
{
	if (et == RTE_ETHER_TYPE_IPV6 && flen >= ETH_HLEN + 40)
		return ETH_HLEN + 40u + dp_rd16(f + ETH_HLEN + 4) > flen;
	if (et == RTE_ETHER_TYPE_IPV4 && flen >= ETH_HLEN + 20)
		return ETH_HLEN + (uint32_t)dp_rd16(f + ETH_HLEN + 2) > flen;
	return false;
}

/* IPv6 extension headers an ICMPv6 error may sit behind (RFC 8200 4.1): the translator reads past them. */
static bool ext_hdr6(uint8_t nh)
{
	return nh == IPPROTO_HOPOPTS || nh == IPPROTO_ROUTING || nh == IPPROTO_FRAGMENT || nh == IPPROTO_DSTOPTS;
}

/*
 * SIIT takes what it can translate, both addresses (RFC 7915; Jool calls the
 * rest untranslatable and leaves it to the kernel, which routes it). Where the
 * destination is a native host that the translator maps -- an EAMT IPv6
 * address, an IPv4 address pool6 maps -- a source with no form in the other
 * family makes the packet native traffic (an IPv6 host behind an EAMT entry
 * talking to a native IPv6 host, a reply from a denylist4 network), routed
 * when forwarding is on. An ICMP error from such a source is the translator's
 * (RFC 6791 gives it a source) when the packet it quotes went to a translated
 * destination; what must be parsed further to tell stays the translator's.
 * The translator's own address space stays its own whatever the source:
 * pool6, and EAMT IPv4 prefixes. NAT64 maps any IPv6 source and owns its pool4.
 */
static bool siit_native6(const struct xlat_config *cfg, const uint8_t *ip, uint32_t len)
{
	uint32_t a4;

	if (cfg->mode != XLAT_MODE_SIIT || (cfg->g.pool6_set && prefix6_contains(&cfg->g.pool6, ip + 24)) ||
	    addr_map64(cfg, ip + 8, &a4) >= 0)
		return false;
	if (ip[6] != IPPROTO_ICMPV6)
		return !ext_hdr6(ip[6]);
	if (len <= 40 || ip[40] >= 128) /* informational (RFC 4443 2.1) */
		return len > 40;
	/* an error: the quoted IPv6 header after the 8-byte ICMPv6 header, its destination at 24 */
	return len >= 40 + 8 + 40 && addr_map64(cfg, ip + 40 + 8 + 24, &a4) < 0;
}

static bool siit_native4(const struct xlat_config *cfg, const uint8_t *ip, uint32_t len)
{
	uint32_t a4, ihl = (ip[0] & 0xfu) * 4u;
	uint8_t a6[16];

	memcpy(&a4, ip + 16, 4);
	if (cfg->mode != XLAT_MODE_SIIT || eamt_has4(&cfg->eamt, a4))
		return false;
	memcpy(&a4, ip + 12, 4);
	if (addr_map46(cfg, a4, a6) == 0)
		return false;
	/* RFC 792: types 3, 4, 5, 11, 12 are errors */
	if (ip[9] != IPPROTO_ICMP || ihl >= len ||
	    (ip[ihl] != 3 && ip[ihl] != 4 && ip[ihl] != 5 && ip[ihl] != 11 && ip[ihl] != 12))
		return true;
	if (len < ihl + 8 + 20) /* the quoted IPv4 header, its destination at 16 */
		return false;
	memcpy(&a4, ip + ihl + 8 + 16, 4);
	return addr_map46(cfg, a4, a6) != 0;
}

/* Classify: translate what is ours, hand the box's own traffic to the slow path, route the rest (or drop it, counted). */
void dp_classify(struct dp_worker *w, struct rte_mbuf *m, unsigned pidx, const struct xlat_config *cfg, uint64_t now)
{
	const uint8_t *f = rte_pktmbuf_mtod(m, const uint8_t *);
	uint32_t flen = m->data_len;

	if (unlikely(m->nb_segs != 1)) {
		dp_count(w, XLAT_RX_MULTISEG);
		goto drop;
	}
	if (unlikely(flen < ETH_HLEN)) {
		dp_count(w, XLAT_RX_BAD_L2);
		goto drop;
	}
	/* Unicast frames for other stations (promiscuous ports, shared segments) are not ours. */
	if (!(f[0] & 1) && !rte_is_same_ether_addr((const struct rte_ether_addr *)f, &g_dp.ports[pidx].mac)) {
		dp_count(w, XLAT_NOT_OURS);
		goto drop;
	}
	uint16_t et = (uint16_t)(f[12] << 8 | f[13]);
	if (unlikely(flen >= g_dp.ports[pidx].rx_cap) && cut_by_port(f, flen, et)) {
		dp_count(w, XLAT_RX_TRUNCATED);
		goto drop;
	}
	if (et == RTE_ETHER_TYPE_IPV6) {
		if (unlikely(flen < ETH_HLEN + 40)) {
			dp_count(w, JSTAT_SKB_TRUNCATED);
			goto drop;
		}
		const uint8_t *ip = f + ETH_HLEN, *dst = ip + 24;
		if (dst[0] == 0xff || dp_is_own6(&g_dp, dst) ||
		    (ip[6] == 58 && flen > ETH_HLEN + 40 && ip[40] >= 133 && ip[40] <= 137)) {
			dp_to_slowpath(w, m, META_HOST, (uint16_t)pidx, 6, NULL);
			return;
		}
		bool wanted = xlat_wants6(cfg, dst);
		if (likely(wanted) && !(g_dp.cfg.forwarding6 && siit_native6(cfg, ip, flen - ETH_HLEN))) {
			dp_dispatch(w, m, pidx, 6, cfg, now);
			return;
		}
		if (g_dp.cfg.forwarding6) { /* native by its destination alone: its route may be remembered */
			dp_forward(w, m, pidx, 6, now, !wanted);
			return;
		}
		dp_count(w, XLAT_NOT_OURS);
		goto drop;
	}
	if (et == RTE_ETHER_TYPE_IPV4) {
		if (unlikely(flen < ETH_HLEN + 20)) {
			dp_count(w, JSTAT_SKB_TRUNCATED);
			goto drop;
		}
		uint32_t dst;
		memcpy(&dst, f + ETH_HLEN + 16, 4);
		if (cfg->mode == XLAT_MODE_NAT64 && nat64_pool4_has(cfg, dst) &&
		    (!dp_is_own4(&g_dp, dst) || nat64_claims4(cfg, f + ETH_HLEN, flen - ETH_HLEN))) {
			dp_dispatch(w, m, pidx, 4, cfg, now);
			return;
		}
		if (dp_is_own4(&g_dp, dst) || (f[ETH_HLEN + 16] & 0xf0) == 0xe0) {
			dp_to_slowpath(w, m, META_HOST, (uint16_t)pidx, 4, NULL);
			return;
		}
		bool wanted = xlat_wants4(cfg, dst);
		if (likely(wanted) && !(g_dp.cfg.forwarding4 && siit_native4(cfg, f + ETH_HLEN, flen - ETH_HLEN))) {
			dp_dispatch(w, m, pidx, 4, cfg, now);
			return;
		}
		if (g_dp.cfg.forwarding4) {
			dp_forward(w, m, pidx, 4, now, !wanted);
			return;
		}
		dp_count(w, XLAT_NOT_OURS);
		goto drop;
	}
	/* 802.1Q/802.1ad on a port that carries no VLANs (dp_vlan_demux() takes those of the ones that do) */
	if (et == RTE_ETHER_TYPE_VLAN || et == RTE_ETHER_TYPE_QINQ) {
		dp_count(w, XLAT_VLAN_UNKNOWN);
		goto drop;
	}
	/* ARP and anything else non-IP belongs to the host side. */
	dp_to_slowpath(w, m, META_HOST, (uint16_t)pidx, 0, NULL);
	return;
drop:
	rte_pktmbuf_free(m);
}
