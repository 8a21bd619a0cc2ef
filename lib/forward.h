/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Native forwarding (forward.c): what is neither translated nor for the box
 * is routed as a router does (RFC 1812 for IPv4, RFC 8200 / RFC 4443 for
 * IPv6): header checks, the route, the hop limit, the egress MTU. Bytes in,
 * bytes out, as the translator: the caller classifies, looks routes up through
 * its callback and sends. A forwarded packet never meets the translator.
 */
#ifndef XLAT_FORWARD_H
#define XLAT_FORWARD_H

#include <stdint.h>

#include "xlat.h"

/* What a route says to do with a packet (the kernel's route types, RTN_*). */
enum fwd_kind {
	FWD_VIA_PORT = 0, /* out of a port (route.r: MTU, next hop) */
	FWD_HOST,         /* the host kernel has the route (an interface the dataplane does not drive) */
	FWD_BLACKHOLE,    /* dropped without a word */
	FWD_UNREACHABLE,  /* dropped, ICMP destination unreachable */
	FWD_PROHIBIT,     /* dropped, ICMP administratively prohibited */
};

struct fwd_route {
	struct xlat_route r; /* FWD_VIA_PORT: egress MTU, the next hop, the port's own address */
	enum fwd_kind kind;
};

/* The forwarder's route lookup: 0 and *out, or -1 when there is no route at all. */
typedef int (*fwd_route_fn)(void *opaque, int family, const uint8_t *dst, struct fwd_route *out);

enum fwd_verdict {
	FV_FORWARD, /* hop limit decremented: out to pkt->route (cut first: pkt->frag_size IPv4 fragments, pkt->seg_size TCP segments) */
	FV_REPLY,   /* pkt now holds an ICMP error for the sender (icmp_reply.c), out to pkt->route */
	FV_HOST,    /* the host kernel's to forward (its route, options, hop-by-hop): the packet is unchanged */
	FV_DROP,    /* counted */
};

/*
 * Forward one datagram (pkt->data: its IP header, pkt->family set) that the
 * classifier found neither translatable nor the box's own. ctx gives the
 * counters, the ICMP error budget and sources (the ingress port's addresses)
 * and the ingress MTU (super-frames); ctx->route routes the ICMP errors back.
 */
enum fwd_verdict fwd_process(struct xlat_ctx *ctx, struct xlat_pkt *pkt, fwd_route_fn route, void *opaque);

/*
 * IPv4 fragmentation (RFC 791 3.2, RFC 1812 5.2.6) of a datagram with DF clear
 * that is larger than pkt->frag_size (the egress MTU): the first piece keeps
 * every option, the others those with the copied flag; each piece's data a
 * multiple of 8 bytes but the last's; offsets and MF continue those of a
 * datagram that was a fragment already. Call xlat_frag4_count() (0: the MTU
 * cannot hold the header and 8 bytes), then xlat_frag4_write() for i in
 * [0, count), each into out (at least frag_size bytes), which returns its length.
 */
unsigned xlat_frag4_count(const struct xlat_pkt *pkt);
uint32_t xlat_frag4_write(const struct xlat_pkt *pkt, unsigned i, uint8_t *out);

#endif
