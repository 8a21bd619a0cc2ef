/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv6 -> IPv4 (RFC 7915 section 5): the pipeline of one IPv6 datagram
 * (xlat64.c), the translation of an ICMPv6 error and the packet it quotes
 * (xlat64_icmp.c), and the header rules both share.
 */
#ifndef XLAT_XLAT64_H
#define XLAT_XLAT64_H

#include <stdbool.h>
#include <stdint.h>

#include "icmp_map.h"
#include "l4.h"
#include "pkt_parse.h"
#include "xlat.h"
#include "xlat_step.h"

/* RFC 7915 5.1: TOS is the traffic class, unless the operator overrides it. */
static inline struct xlat_tos_rule xlat64_tos_rule(const struct xlat_config *cfg)
{
	struct xlat_tos_rule r = {.keep = 0xff, .set = 0};

	if (cfg->g.override_tos)
		r = (struct xlat_tos_rule){.keep = 0, .set = cfg->g.tos};
	return r;
}

static inline uint8_t xlat64_tos(const struct xlat_config *cfg, const struct rte_ipv6_hdr *ip6)
{
	return xlat_tos_apply(xlat64_tos_rule(cfg), ip6_tclass(ip6));
}

/* RFC 7915 5.1: an IPv4 packet longer than this (1280 bytes as IPv6) gets DF set, so that PMTUD works. */
#define XLAT64_DF_ABOVE 1260

/*
 * RFC 7915 5.1 for a whole datagram (no Fragment Header): DF and id 0 (RFC 6864
 * atomic datagram) above XLAT64_DF_ABOVE bytes; smaller ones get DF clear and a
 * random id.
 */
static inline void xlat64_id_flags_whole(struct xlat_ctx *ctx, uint32_t totlen, uint16_t *id, uint16_t *frag)
{
	if (totlen > XLAT64_DF_ABOVE) {
		*id = 0;
		*frag = RTE_IPV4_HDR_DF_FLAG;
	} else {
		*id = (uint16_t)xlat_rand(ctx);
		*frag = 0;
	}
}

/*
 * RFC 7915 5.1: Identification/flags. With a Fragment Header: low 16 bits of its
 * id, MF and offset copied, DF clear. Without: DF set when the IPv4 packet is
 * larger than 1260 bytes (so that PMTUD works), with id 0 (RFC 6864 atomic
 * datagram); smaller ones get DF clear and a random id.
 */
static inline void xlat64_id_flags(struct xlat_ctx *ctx, const struct pkt_info *li, uint32_t totlen, uint16_t *id,
				   uint16_t *frag)
{
	if (li->frag) {
		*id = (uint16_t)li->frag_id;
		*frag = (uint16_t)(li->frag_off | (li->mf ? RTE_IPV4_HDR_MF_FLAG : 0));
	} else {
		xlat64_id_flags_whole(ctx, totlen, id, frag);
	}
}

/* l4_csum64() for a whole datagram or first fragment (a later fragment has no L4 header). */
static inline void xlat64_l4_update(const struct pkt_info *li, uint8_t *l4, uint32_t l4len, uint32_t ulen,
				    const uint8_t *src6, const uint8_t *dst6, uint32_t src4, uint32_t dst4,
				    const struct icmp_map *im)
{
	if (li->frag_off != 0)
		return; /* no L4 header in a non-first fragment */
	l4_csum64(li->proto, l4, l4len, ulen, src6, dst6, src4, dst4, im);
}

/* One IPv6 datagram on its way to IPv4: what xlat64() and its steps learn of it. */
struct xlat64_state {
	struct pkt_info li;  /* its header chain */
	uint8_t *l4;         /* its upper layer, l4len bytes of it */
	uint32_t l4len;
	bool icmp_err;       /* an ICMPv6 error: the packet it quotes is translated too (xlat64_icmp.c) */
	struct icmp_map im;  /* an ICMPv6 message's ICMPv4 type and code */
	uint32_t src4, dst4; /* its IPv4 addresses (network order) */
	bool hairpin;        /* RFC 7757 appendix B: it goes back out as IPv6 (xlat_process()) */
	bool stays;          /* it never leaves as IPv4 (an EAM or a NAT64 hairpin): no route is asked */
};

/* The packet an ICMPv6 error quotes (RFC 4443 2.4 (c)), and what it becomes. */
struct xlat64_quote {
	uint8_t *in;         /* the quoted IPv6 packet, inlen bytes of it */
	uint32_t inlen;
	uint32_t ext_len;    /* RFC 4884: the extension structure after it */
	struct pkt_info li;  /* its header chain */
	uint32_t src4, dst4; /* its addresses, translated */
	uint16_t port4;      /* NAT64: its IPv4 side's port or query id (its session's) */
};

/* The translated packet now starts at h (inside the old headers) and is len bytes long. */
static inline void xlat64_move(struct xlat_pkt *pkt, uint8_t *h, uint32_t len)
{
	pkt->headroom += (uint32_t)(h - pkt->data);
	pkt->data = h;
	pkt->len = len;
	pkt->family = 4;
}

/* RFC 7915 section 5, one IPv6 datagram. *hairpin: RFC 7757 B, it must go through xlat46() too. */
enum xlat_verdict xlat64(struct xlat_ctx *ctx, struct xlat_pkt *pkt, bool *hairpin);
/* RFC 7915 5.3: an ICMPv6 error's outer and inner headers, both translated (xlat64_icmp.c). */
enum xlat_verdict xlat64_icmp_error(struct xlat_ctx *ctx, struct xlat_pkt *pkt, struct xlat64_state *s);

#endif
