/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Frames for the box itself (the exception path's TAP) from senders that left
 * their TCP/UDP checksum to an offload (checksum.h, CHECKSUM_PARTIAL): the TAP
 * hands the kernel no flag that says so, and the kernel would drop them as
 * corrupt. Finished here as the NIC would have; anything else is left alone.
 */
#include "ip_hdr.h"
#include "l4.h"
#include "pkt_parse.h"
#include "xlat.h"

bool xlat_csum_finish_partial(uint8_t *ip, uint32_t len, int family)
{
	struct pkt_info li;
	uint32_t pseudo;

	if (family == 6) {
		const struct rte_ipv6_hdr *ip6 = (const void *)ip;
		if (pkt_parse6(ip, len, false, &li) != XLAT_OK || li.frag)
			return false;
		pseudo = csum_pseudo6(ip6->src_addr, ip6->dst_addr, li.proto, li.pktlen - li.l3len);
	} else {
		const struct rte_ipv4_hdr *ip4 = (const void *)ip;
		if (pkt_parse4(ip, len, false, &li) != XLAT_OK || li.frag)
			return false;
		pseudo = csum_pseudo4(ip4->src_addr, ip4->dst_addr, li.proto, li.pktlen - li.l3len);
	}
	uint8_t *l4 = ip + li.l3len;
	uint32_t l4len = li.pktlen - li.l3len;
	return l4_csum_is_partial(li.proto, l4, l4len, pseudo) && csum_l4_finish(li.proto, l4, l4len, pseudo);
}
