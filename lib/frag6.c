/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RFC 7915 4.1: an IPv4 packet with DF clear that is too big for the IPv6 side is
 * fragmented by the translator. xlat46 already wrote one IPv6 header plus a
 * Fragment header (offset/MF of the IPv4 packet, id = IPv4 id); here it is cut
 * into pieces of at most pkt->frag_size bytes, each payload a multiple of 8.
 */
#include <string.h>

#include "ip_hdr.h"
#include "xlat.h"

/* What every piece starts with: the IPv6 header and the Fragment header xlat46() wrote after it. */
#define FRAG6_HDRS (sizeof(struct rte_ipv6_hdr) + sizeof(struct rte_ipv6_fragment_ext))

/* RFC 8200 4.5: every piece but the last carries a multiple of 8 bytes. */
static uint32_t per_piece(const struct xlat_pkt *pkt)
{
	return ((pkt->frag_size - FRAG6_HDRS) / 8) * 8;
}

unsigned xlat_frag6_count(const struct xlat_pkt *pkt)
{
	uint32_t data = pkt->len - FRAG6_HDRS, pp = per_piece(pkt);

	if (pkt->frag_size < FRAG6_HDRS + 8 || pkt->len <= FRAG6_HDRS)
		return 0;
	return (unsigned)((data + pp - 1) / pp);
}

uint32_t xlat_frag6_write(const struct xlat_pkt *pkt, unsigned i, uint8_t *out)
{
	const struct rte_ipv6_fragment_ext *fh = (const void *)(pkt->data + sizeof(struct rte_ipv6_hdr));
	uint32_t data = pkt->len - FRAG6_HDRS, pp = per_piece(pkt);
	uint32_t start = i * pp;
	uint32_t n = data - start < pp ? data - start : pp;
	uint16_t fo = rte_be_to_cpu_16(fh->frag_data);
	uint16_t base = fo >> RTE_IPV6_EHDR_FO_SHIFT;
	bool last = start + n >= data;
	bool mf = !last || (fo & RTE_IPV6_EHDR_MF_MASK); /* an IPv4 fragment's pieces: the last one keeps its MF */
	struct rte_ipv6_hdr *o6 = (void *)out;
	struct rte_ipv6_fragment_ext *ofh = (void *)(out + sizeof(*o6));

	memcpy(out, pkt->data, FRAG6_HDRS);
	o6->payload_len = rte_cpu_to_be_16((uint16_t)(sizeof(*ofh) + n));
	ofh->frag_data = rte_cpu_to_be_16((uint16_t)(((base + start / 8) << RTE_IPV6_EHDR_FO_SHIFT) | (mf ? 1 : 0)));
	memcpy(out + FRAG6_HDRS, pkt->data + FRAG6_HDRS + start, n);
	return FRAG6_HDRS + n;
}
