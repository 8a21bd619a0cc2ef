/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP segmentation of translated super-frames (xlat.h: xlat_tso_*), what a
 * NIC's TSO does for the sender that handed the box a 64 KiB segment: the data
 * cut at MSS boundaries, the headers repeated (RFC 9293 3.7.4: any segmentation
 * of the byte stream is valid TCP). The packet is one the translator wrote: an
 * IPv4 header (options allowed) or a 40-byte IPv6 header, then TCP.
 */
#include <string.h>

#include "bytes.h"
#include "checksum.h"
#include "ip_hdr.h"
#include "xlat.h"

#define TCP_FIN 0x01
#define TCP_PSH 0x08
#define TCP_CWR 0x80

struct tso_layout {
	uint32_t l3, hdrs, data, mss;
};

static bool layout(const struct xlat_pkt *pkt, struct tso_layout *t)
{
	const uint8_t *p = pkt->data;

	if (pkt->len < 20)
		return false;
	if (pkt->family == 4) {
		t->l3 = (p[0] & 0xfu) * 4u;
		if (p[9] != IPPROTO_TCP_)
			return false;
	} else {
		t->l3 = 40;
		if (pkt->len < 40 || p[6] != IPPROTO_TCP_)
			return false;
	}
	if (t->l3 < 20 || pkt->len < t->l3 + 20)
		return false;
	uint32_t thl = (uint32_t)(p[t->l3 + 12] >> 4) * 4u;
	t->hdrs = t->l3 + thl;
	if (thl < 20 || pkt->len < t->hdrs || pkt->seg_size <= t->hdrs)
		return false;
	t->data = pkt->len - t->hdrs;
	t->mss = pkt->seg_size - t->hdrs;
	return true;
}

unsigned xlat_tso_count(const struct xlat_pkt *pkt)
{
	struct tso_layout t;

	if (!layout(pkt, &t))
		return 0;
	return t.data ? (unsigned)((t.data + t.mss - 1) / t.mss) : 1;
}

uint32_t xlat_tso_write(const struct xlat_pkt *pkt, unsigned i, uint8_t *out)
{
	const uint8_t *p = pkt->data;
	struct tso_layout t;

	if (!layout(pkt, &t))
		return 0;
	unsigned n = t.data ? (unsigned)((t.data + t.mss - 1) / t.mss) : 1;
	uint32_t start = i * t.mss, chunk = t.data - start < t.mss ? t.data - start : t.mss;
	uint32_t len = t.hdrs + chunk;
	uint8_t *tcp = out + t.l3;

	memcpy(out, p, t.hdrs);
	memcpy(out + t.hdrs, p + t.hdrs + start, chunk);
	wr32(tcp + 4, rd32(tcp + 4) + start);
	if (i + 1 < n)
		tcp[13] &= (uint8_t)~(TCP_FIN | TCP_PSH);
	if (i > 0)
		tcp[13] &= (uint8_t)~TCP_CWR;
	uint32_t pseudo;
	if (pkt->family == 4) {
		wr16(out + 2, (uint16_t)len);
		/* RFC 6864: an atomic datagram (DF, id 0) keeps id 0; others count up, as Linux's TSO */
		if (!((rd16(p + 6) & IPV4_DF) && rd16(p + 4) == 0))
			wr16(out + 4, (uint16_t)(rd16(p + 4) + i));
		wr16(out + 10, csum_ipv4_header(out, t.l3));
		pseudo = csum_pseudo4(ld32(out + 12), ld32(out + 16), IPPROTO_TCP_, len - t.l3);
	} else {
		wr16(out + 4, (uint16_t)(len - 40));
		pseudo = csum_pseudo6(out + 8, out + 24, IPPROTO_TCP_, len - 40);
	}
	wr16(tcp + 16, 0);
	wr16(tcp + 16, csum_fold(csum_partial(tcp, len - t.l3, pseudo)));
	return len;
}
