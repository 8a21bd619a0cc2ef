/* SPDX-License-Identifier: BSD-3-Clause */
/* The IPv4 header writer (ip_hdr.h); the IPv6 one is inline there. */
#include <string.h>

#include "checksum.h"
#include "ip_hdr.h"

void ip4_hdr_write(uint8_t *h, uint8_t tos, uint16_t totlen, uint16_t id, uint16_t frag, uint8_t ttl, uint8_t proto,
		   uint32_t src, uint32_t dst)
{
	struct rte_ipv4_hdr *ip = (void *)h;

	ip4_hdr_fields(ip, tos, totlen, id, frag, ttl, proto, src, dst);
	ip->hdr_checksum = be16_(csum_ipv4_header(h, sizeof(*ip)));
}
