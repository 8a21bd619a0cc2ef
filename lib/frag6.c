/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RFC 7915 4.1: an IPv4 packet with DF clear that is too big for the IPv6 side is
 * fragmented by the translator. xlat46 already wrote one IPv6 header plus a
 * Fragment header (offset/MF of the IPv4 packet, id = IPv4 id); here it is cut
 * into pieces of at most pkt->frag_size bytes, each payload a multiple of 8.
 */
#include <string.h>

#include "bytes.h"
#include "xlat.h"

static uint32_t per_piece(const struct xlat_pkt *pkt)
{
	return ((pkt->frag_size - 48) / 8) * 8;
}

unsigned xlat_frag6_count(const struct xlat_pkt *pkt)
{
	uint32_t data = pkt->len - 48, pp = per_piece(pkt);

	if (pkt->frag_size < 56 || pkt->len <= 48)
		return 0;
	return (unsigned)((data + pp - 1) / pp);
}

uint32_t xlat_frag6_write(const struct xlat_pkt *pkt, unsigned i, uint8_t *out)
{
	const uint8_t *p = pkt->data;
	uint32_t data = pkt->len - 48, pp = per_piece(pkt);
	uint32_t start = i * pp;
	uint32_t n = data - start < pp ? data - start : pp;
	uint16_t fo = rd16(p + 42);
	uint16_t base = fo >> 3;
	bool last = start + n >= data;
	bool mf = !last || (fo & 1);

	memcpy(out, p, 48);
	wr16(out + 4, (uint16_t)(8 + n));
	wr16(out + 42, (uint16_t)(((base + start / 8) << 3) | (mf ? 1 : 0)));
	memcpy(out + 48, p + 48 + start, n);
	return 48 + n;
}
