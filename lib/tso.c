/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP segmentation of translated super-frames (xlat.h: xlat_tso_*), what a
 * NIC's TSO does for the sender that handed the box a 64 KiB segment: the data
 * cut at MSS boundaries, the headers repeated (RFC 9293 3.7.4: any segmentation
 * of the byte stream is valid TCP). The packet is one the translator wrote: an
 * IPv4 header (options allowed) or a 40-byte IPv6 header, then TCP.
 */
#include <string.h>

#include <rte_tcp.h>

#include "bytes.h"
#include "checksum.h"
#include "ip_hdr.h"
#include "xlat.h"

struct tso_layout {
	uint32_t l3, hdrs, data, mss;
};

static bool layout(const struct xlat_pkt *pkt, struct tso_layout *t)
{
	const uint8_t *p = pkt->data;

	if (pkt->len < sizeof(struct rte_ipv4_hdr))
		return false;
	if (pkt->family == 4) {
		const struct rte_ipv4_hdr *ip4 = (const void *)p;
		t->l3 = rte_ipv4_hdr_len(ip4);
		if (ip4->next_proto_id != IPPROTO_TCP)
			return false;
	} else {
		const struct rte_ipv6_hdr *ip6 = (const void *)p;
		t->l3 = sizeof(*ip6);
		if (pkt->len < sizeof(*ip6) || ip6->proto != IPPROTO_TCP)
			return false;
	}
	if (t->l3 < sizeof(struct rte_ipv4_hdr) || pkt->len < t->l3 + sizeof(struct rte_tcp_hdr))
		return false;
	const struct rte_tcp_hdr *tcp = (const void *)(p + t->l3);
	uint32_t thl = (uint32_t)(tcp->data_off >> 4) * 4u; /* RFC 9293 3.1: Data Offset, in 32-bit words */
	t->hdrs = t->l3 + thl;
	if (thl < sizeof(*tcp) || pkt->len < t->hdrs || pkt->seg_size <= t->hdrs)
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
	struct rte_tcp_hdr *tcp = (void *)(out + t.l3);

	memcpy(out, p, t.hdrs);
	memcpy(out + t.hdrs, p + t.hdrs + start, chunk);
	tcp->sent_seq = rte_cpu_to_be_32(rte_be_to_cpu_32(tcp->sent_seq) + start);
	if (i + 1 < n)
		tcp->tcp_flags &= (uint8_t)~(RTE_TCP_FIN_FLAG | RTE_TCP_PSH_FLAG);
	if (i > 0)
		tcp->tcp_flags &= (uint8_t)~RTE_TCP_CWR_FLAG;
	uint32_t pseudo;
	if (pkt->family == 4) {
		const struct rte_ipv4_hdr *in4 = (const void *)p;
		struct rte_ipv4_hdr *o4 = (void *)out;
		uint16_t id = rte_be_to_cpu_16(in4->packet_id);
		o4->total_length = rte_cpu_to_be_16((uint16_t)len);
		/* RFC 6864: an atomic datagram (DF, id 0) keeps id 0; others count up, as Linux's TSO */
		if (!((ip4_frag_field(in4) & RTE_IPV4_HDR_DF_FLAG) && id == 0))
			o4->packet_id = rte_cpu_to_be_16((uint16_t)(id + i));
		o4->hdr_checksum = rte_cpu_to_be_16(csum_ipv4_header(out, t.l3));
		pseudo = csum_pseudo4(o4->src_addr, o4->dst_addr, IPPROTO_TCP, len - t.l3);
	} else {
		struct rte_ipv6_hdr *o6 = (void *)out;
		o6->payload_len = rte_cpu_to_be_16((uint16_t)(len - sizeof(*o6)));
		pseudo = csum_pseudo6(o6->src_addr, o6->dst_addr, IPPROTO_TCP, len - (uint32_t)sizeof(*o6));
	}
	tcp->cksum = 0;
	tcp->cksum = rte_cpu_to_be_16(csum_fold(csum_partial(tcp, len - t.l3, pseudo)));
	return len;
}
