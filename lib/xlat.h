/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The translation core's public interface: per-call context, the datagram,
 * the verdict and the single entry point xlat_process() (the configuration
 * snapshot it reads: xlat_config.h).
 *
 * lib/ does no I/O. It works on one contiguous IP datagram (no L2 header) in a
 * buffer with headroom, rewrites it in place (headers grow into the headroom
 * or shrink), asks the caller's route callback where the result goes, and
 * returns a verdict. The dataplane maps that onto mbufs; the unit tests map it
 * onto plain arrays.
 */
#ifndef XLAT_H
#define XLAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stats.h"
#include "xlat_config.h"

/* Where a datagram goes: filled by the caller's route callback. */
struct xlat_route {
	uint16_t mtu;     /* egress link MTU */
	uint32_t nexthop; /* opaque to lib: the dataplane's next-hop index */
	uint8_t self[16]; /* the egress port's own address of that family (v4: first 4 bytes) */
	bool self_set;
};

/* Returns 0 and fills *out, or -1 when there is no route. dst is 4 or 16 bytes, network order. */
typedef int (*xlat_route_fn)(void *opaque, int family, const uint8_t *dst, struct xlat_route *out);
/* Is this address (4 or 16 bytes, network order) one of the box's own? The fast path leaves those alone. */
typedef bool (*xlat_own_fn)(void *opaque, int family, const uint8_t *addr);

/* Leaky-bucket state for ICMP errors the box originates (per worker). */
struct xlat_ratelimit {
	uint64_t tokens_at; /* time (ns) the bucket was last refilled */
	uint32_t tokens;
};

struct xlat_ctx {
	const struct xlat_config *cfg;
	uint64_t *counters; /* XSTAT_MAX entries, owned by one lcore */
	xlat_route_fn route;
	void *route_opaque;
	xlat_own_fn own; /* with route_opaque; NULL: nothing is the box's own */
	uint64_t now_ns; /* caller's clock, for rate limiting */
	uint32_t rand_state; /* xlat_rand()'s LCG: any value */
	struct xlat_ratelimit icmp_rl;
	/* Addresses of the port the packet arrived on; sources of ICMP errors sent back there. */
	uint8_t in_self6[16];
	bool in_self6_set;
	uint32_t in_self4; /* network order */
	bool in_self4_set;
	uint16_t in_mtu; /* MTU of the port the packet arrived on (RFC 7915 PTB arithmetic) */
	struct nat64_table *nat; /* NAT64: this worker's BIB and sessions */
};

/* A datagram in a buffer: data points at the IP header; headroom bytes before it may be used. */
struct xlat_pkt {
	uint8_t *data;
	uint32_t len;
	uint32_t headroom;
	uint32_t tailroom;
	int family; /* 4 or 6; updated on translation */
	/* Set by xlat_process on XV_FORWARD / XV_REPLY */
	struct xlat_route route;
	/* > 0 when the (IPv6) result must be cut into fragments of at most this many bytes each (xlat_frag6_*). */
	uint32_t frag_size;
	/*
	 * A TCP super-frame (longer than ctx->in_mtu: a TSO peer's segment, or frames
	 * GRO merged; xlat_process() tells): translated without RFC 7915's size rules,
	 * then cut into segments of at most seg_size bytes (xlat_tso_*) as the NIC
	 * the sender counted on would have. gso is set by xlat_process(); seg_size is
	 * the smaller of the egress MTU and what the ingress MTU carries translated
	 * (the sender's own segments were no longer) when gso is set, 0 otherwise.
	 */
	bool gso;
	uint32_t seg_size;
};

enum xlat_verdict {
	XV_FORWARD = 0, /* translated; send to pkt->route */
	XV_REPLY,       /* pkt now holds an ICMP error for the sender; send to pkt->route */
	XV_DROP,        /* counted; free it */
	XV_CONTINUE,    /* inside lib/ only: a step let the packet go on (never returned by the API) */
};

/* Translate one datagram that the classifier decided is ours. */
enum xlat_verdict xlat_process(struct xlat_ctx *ctx, struct xlat_pkt *pkt);

/* Is this destination one the translator takes ("thievery")? Used by the classifier. */
bool xlat_wants6(const struct xlat_config *cfg, const uint8_t dst6[16]);
bool xlat_wants4(const struct xlat_config *cfg, uint32_t dst4_be);

/*
 * IPv6 fragmentation of a translated packet that carries a Fragment header
 * (RFC 7915 4.1: DF clear and too big for the next hop / lowest-ipv6-mtu).
 * Call xlat_frag6_count() then xlat_frag6_write() for i in [0, count).
 * Each piece is written to out (capacity >= frag_size) and its length returned.
 */
unsigned xlat_frag6_count(const struct xlat_pkt *pkt);
uint32_t xlat_frag6_write(const struct xlat_pkt *pkt, unsigned i, uint8_t *out);

/*
 * TCP segmentation of a translated super-frame (pkt->gso, pkt->seg_size): the
 * payload cut into segments that fit seg_size, each with the headers copied
 * and its own lengths, sequence number, flags (FIN and PSH on the last only,
 * CWR on the first only), IPv4 identification and a checksum computed afresh
 * (the super-frame's own was left to offload, or went stale in GRO).
 * xlat_tso_count() is 0 when seg_size cannot hold the headers and a byte of data.
 */
unsigned xlat_tso_count(const struct xlat_pkt *pkt);
uint32_t xlat_tso_write(const struct xlat_pkt *pkt, unsigned i, uint8_t *out);

/*
 * A frame for the box itself (the exception path): finish a TCP/UDP checksum
 * the sender left to offload (checksum.h), as xlat_process() does for what it
 * translates. ip: the datagram as it arrived; true when one was finished.
 */
bool xlat_csum_finish_partial(uint8_t *ip, uint32_t len, int family);

/* Headroom the core may need in front of a datagram (ICMP error growth). */
#define XLAT_HEADROOM_NEEDED 96

#endif
