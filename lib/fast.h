/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What every fast path (xlat_fast.h) shares, inline in each (fast64.c,
 * fast64_nat64.c, fast46.c, fast46_nat64.c): the tests they all make first
 * (a whole datagram without extension headers or options, not fragmented, TTL
 * left, TCP, UDP or an echo; false: not one for them, nothing changed), the
 * memo's entries filled in, and the translated packet handed back.
 */
#ifndef XLAT_FAST_INTERNAL_H
#define XLAT_FAST_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <rte_tcp.h>
#include <rte_udp.h>

#include "bytes.h"
#include "checksum.h"
#include "icmp_map.h"
#include "ip_hdr.h"
#include "nat64.h"
#include "xlat46.h"
#include "xlat64.h"
#include "xlat_fast.h"
#include "xlat_step.h"

/*
 * What the fast paths' first checks learn of a datagram's upper layer. (An
 * ICMP echo's mapping goes apart, in a struct icmp_map: its address is
 * passed on, and this one is better kept in registers.)
 */
struct fast_l4 {
	uint8_t *l4;   /* its header; len bytes of it to the end of the datagram */
	uint32_t len;
	uint8_t proto;
	unsigned coff; /* where its TCP/UDP checksum is (0: an ICMP echo, mapped in *im) */
};

/*
 * What the fast paths read of their context that a burst does not change, read
 * once a run (fast_run()) or once a packet (xlat_fast64/46()): the snapshot,
 * ctx->in_mtu - 1 (xlat_longer_than_link()), the clock in ms (NAT64's
 * timers: a division saved per packet), and the settings each packet's header
 * applies. (Stores into packet bytes may alias anything, so the compiler
 * would load these again after each packet.)
 */
struct fast_env {
	const struct xlat_config *cfg;
	uint32_t in_mtu_m1;
	uint64_t now_ms;
	struct xlat_tos_rule tos64, tclass46; /* xlat64_tos_rule(), xlat46_tclass_rule() */
	uint16_t lowest_ipv6_mtu;             /* global.lowest-ipv6-mtu (xlat46_fit()) */
};

/* The env of ctx; false where the translator is off (global.manually-enabled false: every packet declined). */
static inline bool fast_env_init(struct fast_env *e, const struct xlat_ctx *ctx)
{
	e->cfg = ctx->cfg;
	e->in_mtu_m1 = ctx->in_mtu - 1u;
	e->now_ms = ctx->now_ns / 1000000u;
	e->tos64 = xlat64_tos_rule(e->cfg);
	e->tclass46 = xlat46_tclass_rule(e->cfg);
	e->lowest_ipv6_mtu = e->cfg->g.lowest_ipv6_mtu;
	return e->cfg->g.manually_enabled;
}

/* xlat_longer_than_link() with the env's copy of in_mtu. */
static inline bool fast_longer_than_link(const struct fast_env *e, uint32_t len)
{
	return len - 1u > e->in_mtu_m1;
}

/* TCP, or UDP, whose header the len bytes hold: where its checksum is (u->coff); false for anything else. */
static inline bool fast_tcp_udp(struct fast_l4 *u, uint8_t pr, uint32_t len)
{
	if (pr == IPPROTO_UDP && len >= sizeof(struct rte_udp_hdr)) {
		u->coff = offsetof(struct rte_udp_hdr, dgram_cksum);
		return true;
	}
	if (pr == IPPROTO_TCP && len >= sizeof(struct rte_tcp_hdr)) {
		u->coff = offsetof(struct rte_tcp_hdr, cksum);
		return true;
	}
	return false;
}

/* An IPv6 datagram the fast paths take (u: its upper layer), the translator on (fast_env_init()). */
static inline bool fast64_accept(const struct fast_env *env, struct xlat_pkt *pkt, struct fast_l4 *u,
				 struct icmp_map *im)
{
	const struct rte_ipv6_hdr *ip6 = (const void *)pkt->data;

	if (pkt->len < sizeof(*ip6) || ip_version(pkt->data) != 6 || fast_longer_than_link(env, pkt->len))
		return false;
	uint32_t len = be16_(ip6->payload_len);
	uint8_t pr = ip6->proto;
	uint8_t *l4 = pkt->data + sizeof(*ip6);
	/* a whole datagram in the buffer (L2 padding allowed), its whole L4 header, hop limit left */
	if (sizeof(*ip6) + len > pkt->len || ip6->hop_limits <= 1)
		return false;
	if (!fast_tcp_udp(u, pr, len)) {
		if (pr != IPPROTO_ICMPV6 || len < ICMP_HDR_LEN || !icmp6_is_echo(l4[0]) ||
		    icmp_map64(l4[0], l4[1], l4 + 4, im) != XLAT_OK)
			return false;
		u->coff = 0;
	}
	u->l4 = l4;
	u->len = len;
	u->proto = pr;
	return true;
}

/* An IPv4 datagram, the same; its header checksum verified, and room for the IPv6 header's 20 more bytes. */
static inline bool fast46_accept(const struct fast_env *env, struct xlat_pkt *pkt, struct fast_l4 *u,
				 struct icmp_map *im)
{
	const struct rte_ipv4_hdr *ip4 = (const void *)pkt->data;

	/* version 4, no options, not a fragment (DF may be set), TTL left, a valid header checksum */
	if (pkt->len < sizeof(*ip4) || fast_longer_than_link(env, pkt->len) ||
	    ip4->version_ihl != RTE_IPV4_VHL_DEF || ip4_is_fragment(ip4) || ip4->time_to_live <= 1)
		return false;
	uint32_t totlen = be16_(ip4->total_length);
	if (totlen < sizeof(*ip4) || totlen > pkt->len ||
	    csum_ipv4_header20_be(pkt->data) != ip4->hdr_checksum)
		return false;
	uint32_t len = totlen - (uint32_t)sizeof(*ip4);
	uint8_t pr = ip4->next_proto_id;
	uint8_t *l4 = pkt->data + sizeof(*ip4);
	if (fast_tcp_udp(u, pr, len)) {
		/* a zero UDP checksum: computed or refused, RFC 7915 4.5 */
		if (pr == IPPROTO_UDP && ((const struct rte_udp_hdr *)(const void *)l4)->dgram_cksum == 0)
			return false;
	} else {
		if (pr != IPPROTO_ICMP || len < ICMP_HDR_LEN || !icmp4_is_echo(l4[0]) ||
		    icmp_map46(l4[0], l4[1], l4 + 4, im) != XLAT_OK)
			return false;
		u->coff = 0;
	}
	if (pkt->headroom < sizeof(struct rte_ipv6_hdr) - sizeof(*ip4))
		return false;
	u->l4 = l4;
	u->len = len;
	u->proto = pr;
	return true;
}

/*
 * The pseudo-header sum (network order, as l4_csum_offload_at() takes it) of
 * a datagram of protocol proto and upper-layer length len_be (network order)
 * between two addresses whose parts (csum_a*_be()) are a and b.
 */
static inline uint32_t fast_pseudo_be(uint16_t a, uint16_t b, uint8_t proto, uint16_t len_be)
{
	return (uint32_t)a + b + w16_be(0, proto) + len_be;
}

/* A memo entry for IPv6 address a6 mapped to v4, with its checksum parts (xlat_fast.h). */
static inline void fast_fm6(struct xlat_fm6 *e, uint32_t gen, const uint8_t a6[16], uint32_t v4)
{
	memcpy(e->key, a6, 16);
	e->val = v4;
	e->a = (uint16_t)csum_a6_be(a6);
	e->h = csum_a4_be(v4);
	e->adj = csum_delta(e->a, e->h);
	e->gen = gen;
}

/* The same for a destination, routed by rt. */
static inline void fast_fm6_dst(struct xlat_fm6 *d, uint32_t gen, const uint8_t a6[16], uint32_t d4,
				const struct xlat_route *rt)
{
	fast_fm6(d, gen, a6, d4);
	d->nexthop = rt->nexthop;
	d->mtu = rt->mtu;
}

/* A memo entry for IPv4 address a4 whose IPv6 form is already in its val. */
static inline void fast_fm4(struct xlat_fm4 *e, uint32_t gen, uint32_t a4)
{
	e->key = a4;
	e->a = (uint16_t)csum_a4_be(a4);
	e->adj = csum_delta(e->a, csum_a6_be(e->val));
	e->gen = gen;
}

/*
 * NAT64 4->6: the route to the IPv6 host a session names, and its checksum
 * part, from the memo or asked and kept; NULL: none.
 */
static inline const struct xlat_fr6 *fast_fr6(struct xlat_ctx *ctx, struct xlat_fmemo *m, const uint8_t dst6[16])
{
	struct xlat_fr6 *rc = &m->r6[xlat_fm_slot6(dst6)];
	struct xlat_route rt;

	if (rc->gen == m->gen && xlat_same16(rc->key, dst6))
		return rc;
	if (ctx->route(ctx->route_opaque, 6, dst6, &rt) != 0)
		return NULL;
	memcpy(rc->key, dst6, 16);
	rc->nexthop = rt.nexthop;
	rc->mtu = rt.mtu;
	rc->a = (uint16_t)csum_a6_be(dst6);
	rc->gen = m->gen;
	return rc;
}

/* What the caller reads of a forwarded packet's route (xlat_fast.h): the next hop and its MTU. */
static inline void fast_route(struct xlat_pkt *pkt, uint32_t nexthop, uint16_t mtu)
{
	pkt->frag_size = 0;
	pkt->route.nexthop = nexthop;
	pkt->route.mtu = mtu;
}

/*
 * Counted once a run, n packets at a time, not in the loop (where stores into
 * packet bytes would make the compiler load ctx->counters again for each):
 * every packet a fast path takes (not XF_SLOW) is one xlat_process() counts
 * as received (fast_one(), fast_run()), and every packet SIIT's take is
 * forwarded (XV_FORWARD), a success; NAT64's count their successes themselves.
 */
static inline void fast_count_received(struct xlat_ctx *ctx, int family, unsigned n)
{
	ctx->counters[family == 6 ? JSTAT_RECEIVED6 : JSTAT_RECEIVED4] += n;
}

static inline void fast_count_siit_success(struct xlat_ctx *ctx, unsigned n)
{
	ctx->counters[JSTAT_SUCCESS] += n;
}

/* A mode's and a family's fast path, for one packet. */
typedef int fast_one_fn(struct xlat_ctx *ctx, const struct fast_env *env, struct xlat_pkt *pkt,
			struct xlat_fmemo *m);

/* One packet of family through one fast path (xlat_fast64/46()), its env read for it. */
static inline __attribute__((always_inline)) int fast_one(fast_one_fn *one, int family, struct xlat_ctx *ctx,
							  struct xlat_pkt *pkt, struct xlat_fmemo *m)
{
	struct fast_env env;

	if (!fast_env_init(&env, ctx))
		return XF_SLOW;
	int v = one(ctx, &env, pkt, m);
	fast_count_received(ctx, family, v != XF_SLOW);
	return v;
}

/*
 * One fast path (one: a mode's and a family's, inlined) over a run of packets
 * of its family, in order, until the first it declines (xlat_fast_run());
 * hint0 >= 0: NAT64's burst lookup saw pkts[j] as its packet hint0 + j
 * (nat64_hint() before each). How many it took; their verdicts in v[].
 */
static inline __attribute__((always_inline)) unsigned fast_run(fast_one_fn *one, int family, struct xlat_ctx *ctx,
							     struct xlat_pkt *pkts, unsigned n,
							     struct xlat_fmemo *m, uint8_t *v, int hint0)
{
	struct fast_env env;
	unsigned j;

	if (!fast_env_init(&env, ctx))
		return 0;
	for (j = 0; j < n && pkts[j].family == family; j++) {
		if (hint0 >= 0)
			nat64_hint(ctx, (unsigned)hint0 + j);
		int r = one(ctx, &env, &pkts[j], m);
		if (r == XF_SLOW)
			break;
		v[j] = (uint8_t)r;
	}
	fast_count_received(ctx, family, j);
	return j;
}

/* IPv6 -> IPv4: the datagram now starts at its new 20-byte header h, totlen bytes long. */
static inline void fast64_move(struct xlat_pkt *pkt, uint8_t *h, uint32_t totlen)
{
	pkt->headroom += (uint32_t)(sizeof(struct rte_ipv6_hdr) - sizeof(struct rte_ipv4_hdr));
	pkt->data = h;
	pkt->len = totlen;
	pkt->family = 4;
}

#endif
