/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The translator's common case without the general machinery (doc/performance.md):
 * a whole datagram (IPv6 without extension headers, IPv4 without options, not
 * fragmented), TCP, UDP with a checksum or ICMP echo, TTL > 1, no hairpin, fits
 * the egress MTU; SIIT both ways with both addresses mapped (EAMT or pool6), and
 * NAT64 6->4 to a pool6 destination.
 *
 * xlat_fast64/46() either do exactly what xlat_process() would have done for
 * such a packet (same bytes, same counters, same pkt fields; of pkt->route only
 * nexthop and mtu, all the worker reads of a forwarded packet) and return its
 * verdict, or return XF_SLOW having changed nothing (packet, counters, the
 * random state, NAT64 state): the caller then runs xlat_process(), which counts
 * and handles whatever it is. NAT64 commits once nat64_out() is called: a refused
 * flow then comes back as xlat_process() would return it (XV_DROP counted, or
 * XV_REPLY with an ICMPv6 error). The memo keeps the last destination's mapping and
 * route and the last source's mapping: valid for one configuration snapshot
 * (the caller resets it whenever it loads ctx->cfg).
 */
#ifndef XLAT_FAST_H
#define XLAT_FAST_H

#include "xlat.h"

#define XF_SLOW (-1)

struct xlat_fmemo {
	bool d6_ok, s6_ok, d4_ok, s4_ok;
	/* 6->4: destination (and its route), source */
	uint8_t d6_key[16], s6_key[16];
	uint32_t d6_val, s6_val;
	/* checksum work that depends on one address only (checksum.h): L4 pseudo-header deltas, IPv4 sums */
	uint32_t d6_adj, s6_adj, d6_h, s6_h;
	struct xlat_route d6_route;
	/* 4->6 */
	uint32_t d4_key, s4_key;
	uint8_t d4_val[16], s4_val[16];
	uint32_t d4_adj, s4_adj;
	struct xlat_route d4_route;
};

static inline void xlat_fmemo_reset(struct xlat_fmemo *m)
{
	m->d6_ok = m->s6_ok = m->d4_ok = m->s4_ok = false;
}

int xlat_fast64(struct xlat_ctx *ctx, struct xlat_pkt *pkt, struct xlat_fmemo *m);
int xlat_fast46(struct xlat_ctx *ctx, struct xlat_pkt *pkt, struct xlat_fmemo *m);

#endif
