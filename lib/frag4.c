/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv4 fragmentation by a router (forward.h: xlat_frag4_*; RFC 791 3.2 "An
 * Example Fragmentation Procedure", RFC 1812 5.2.6): a DF-clear datagram
 * larger than the egress MTU (pkt->frag_size) cut into pieces. The first
 * keeps the whole header; the others carry only the options whose copied flag
 * is set (RFC 791 3.1), padded to a 32-bit boundary. Every piece but the last
 * carries a multiple of 8 data bytes; the offsets continue the datagram's own
 * and its MF stays on the last piece, so a fragment can be cut again.
 */
#include <string.h>

#include <netinet/ip.h> /* IPOPT_EOL, IPOPT_NOP, IPOPT_COPIED() */

#include "checksum.h"
#include "forward.h"
#include "ip_hdr.h"

struct frag4_layout {
	uint32_t hdr0, hdrn; /* header length of the first piece, of the others */
	uint32_t data;       /* data bytes (after the header) of the datagram */
	uint32_t first, per; /* data bytes in the first piece, in each of the others */
	uint8_t opts[40];    /* the others' options: the copied ones, padded with EOL */
	uint32_t nopts;
};

/* The options the later pieces repeat (RFC 791 3.1: copied flag set); a malformed option ends the list. */
static void copied_options(const uint8_t *ip, uint32_t ihl, struct frag4_layout *l)
{
	uint32_t i = sizeof(struct rte_ipv4_hdr);

	l->nopts = 0;
	while (i < ihl && ip[i] != IPOPT_EOL) {
		if (ip[i] == IPOPT_NOP) {
			i++;
			continue;
		}
		uint32_t len = i + 1 < ihl ? ip[i + 1] : 0;
		if (len < 2 || i + len > ihl)
			break;
		if (IPOPT_COPIED(ip[i])) {
			memcpy(l->opts + l->nopts, ip + i, len);
			l->nopts += len;
		}
		i += len;
	}
	while (l->nopts % 4)
		l->opts[l->nopts++] = IPOPT_EOL;
}

static bool layout(const struct xlat_pkt *pkt, struct frag4_layout *l)
{
	const struct rte_ipv4_hdr *h = (const void *)pkt->data;

	if (pkt->len < sizeof(*h))
		return false;
	l->hdr0 = rte_ipv4_hdr_len(h);
	if (l->hdr0 < sizeof(*h) || pkt->len < l->hdr0)
		return false;
	copied_options(pkt->data, l->hdr0, l);
	l->hdrn = (uint32_t)sizeof(*h) + l->nopts;
	l->data = pkt->len - l->hdr0;
	if (pkt->frag_size < l->hdr0 + 8 || pkt->frag_size < l->hdrn + 8)
		return false;
	l->first = (pkt->frag_size - l->hdr0) / 8 * 8;
	l->per = (pkt->frag_size - l->hdrn) / 8 * 8;
	/* RFC 791: the offset is 13 bits of 8-byte units; a datagram that would pass it is not cut */
	uint32_t base = ip4_frag_field(h) & RTE_IPV4_HDR_OFFSET_MASK;
	return base + (l->data + 7) / 8 <= RTE_IPV4_HDR_OFFSET_MASK + 1u;
}

unsigned xlat_frag4_count(const struct xlat_pkt *pkt)
{
	struct frag4_layout l;

	if (!layout(pkt, &l))
		return 0;
	if (l.data <= l.first)
		return 1;
	return 1 + (l.data - l.first + l.per - 1) / l.per;
}

uint32_t xlat_frag4_write(const struct xlat_pkt *pkt, unsigned i, uint8_t *out)
{
	const struct rte_ipv4_hdr *in = (const void *)pkt->data;
	struct rte_ipv4_hdr *o = (void *)out;
	struct frag4_layout l;

	if (!layout(pkt, &l))
		return 0;
	uint32_t start = i == 0 ? 0 : l.first + (i - 1) * l.per;
	if (start >= l.data && !(i == 0 && l.data == 0))
		return 0;
	uint32_t room = i == 0 ? l.first : l.per, n = l.data - start < room ? l.data - start : room;
	uint32_t hdr = i == 0 ? l.hdr0 : l.hdrn;
	uint16_t orig = ip4_frag_field(in);
	bool mf = start + n < l.data || (orig & RTE_IPV4_HDR_MF_FLAG);
	uint16_t off = (uint16_t)((orig & RTE_IPV4_HDR_OFFSET_MASK) + start / 8);

	memcpy(out, pkt->data, sizeof(*o));
	if (i == 0)
		memcpy(out + sizeof(*o), pkt->data + sizeof(*o), l.hdr0 - sizeof(*o));
	else
		memcpy(out + sizeof(*o), l.opts, l.nopts);
	o->version_ihl = (uint8_t)(0x40 | hdr / 4);
	o->total_length = rte_cpu_to_be_16((uint16_t)(hdr + n));
	o->fragment_offset = rte_cpu_to_be_16((uint16_t)((orig & RTE_IPV4_HDR_DF_FLAG) | (mf ? RTE_IPV4_HDR_MF_FLAG : 0) | off));
	o->hdr_checksum = rte_cpu_to_be_16(csum_ipv4_header(out, hdr));
	memcpy(out + hdr, pkt->data + l.hdr0 + start, n);
	return hdr + n;
}
