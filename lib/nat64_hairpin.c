/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * NAT64 hairpinning (RFC 6146 3.8): an IPv6 host that talks to another one
 * through its pool4 address. Its packet is translated to IPv4 (the session
 * of its IPv6 source), and since pool4 is this box, it comes back in as IPv4
 * and is translated again (the session of the other host's BIB entry), as
 * Jool's handling_hairpinning does; the dataplane feeds it back.
 */
#include "checksum.h"
#include "ip_hdr.h"
#include "nat64.h"

bool nat64_hairpin(const struct xlat_config *cfg, const struct xlat_pkt *pkt)
{
	const struct rte_ipv4_hdr *ip4 = (const void *)pkt->data;

	return cfg->mode == XLAT_MODE_NAT64 && pkt->family == 4 && nat64_pool4_has(cfg, ip4->dst_addr);
}

void nat64_hairpin_reenter(uint8_t *ip)
{
	struct rte_ipv4_hdr *ip4 = (void *)ip;

	/* RFC 7915 4.1 / 5.1 each take one: the packet crosses the box once, and loses one */
	ip4->time_to_live++;
	ip4->hdr_checksum = rte_cpu_to_be_16(csum_ipv4_header(ip, rte_ipv4_hdr_len(ip4)));
}
