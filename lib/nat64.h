/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Stateful NAT64 (RFC 6146): pool4, BIB and sessions.
 *
 * Every worker owns one struct nat64_table: hash indexes for both sides of
 * the BIB and of the sessions, preallocated entries, per-timeout FIFO expiry
 * lists (lib/nat64_db.h). Only its worker touches it (no locks, no concurrency flags); other
 * threads ask the worker. Which worker owns a flow is a pure function of the
 * packet (nat64_owner6 / nat64_owner4), so both directions of every session,
 * and every flow of one IPv6 source (endpoint-independent mapping, paired
 * pooling), meet on the same worker: IPv6 by a hash of the source address,
 * IPv4 by the pool4 port, because each worker allocates only ports p with
 * (p / 2) % n_workers == its index (pairs keep RFC 4787 port parity).
 */
#ifndef XLAT_NAT64_H
#define XLAT_NAT64_H

#include <stdbool.h>
#include <stdint.h>

#include "nat64_config.h"
#include "xlat.h"

enum tcp_state {
	TCP_CLOSED = 0,
	TCP_V6_INIT,
	TCP_V4_INIT,
	TCP_ESTABLISHED,
	TCP_V4_FIN_RCV,
	TCP_V6_FIN_RCV,
	TCP_V4_FIN_V6_FIN_RCV,
	TCP_TRANS,
};

#define TCPF_FIN 0x01
#define TCPF_SYN 0x02
#define TCPF_RST 0x04

/* RFC 6146 3.5.2: the next state for a segment seen in a direction, and whether it is allowed at all. */
enum tcp_state nat64_tcp_next(enum tcp_state s, bool from_v6, uint8_t flags, bool handle_rst_fin);

struct nat64_table;

/* One table per worker; max entries bound both BIB and sessions. NULL on failure (rte_errno). */
struct nat64_table *nat64_table_create(const char *name, uint32_t max_sessions, unsigned worker, unsigned n_workers,
				       int socket);
void nat64_table_free(struct nat64_table *t);
/* Carrier-grade NAT64 state (lib/cgn.h) for this table, when "cgn" is configured at start; the caller frees it. */
struct cgn_table;
void nat64_attach_cgn(struct nat64_table *t, struct cgn_table *c);
uint32_t nat64_table_sessions(const struct nat64_table *t);
uint32_t nat64_table_bibs(const struct nat64_table *t);

/* Who owns a flow: by IPv6 source (6->4), by pool4 address and port (4->6). */
/* With "cgn" configured, IPv6 by subscriber prefix and IPv4 by port block / deterministic range (lib/cgn.h). */
unsigned nat64_owner6(const struct xlat_config *cfg, const uint8_t src6[16], unsigned n_workers);
unsigned nat64_owner4(const struct xlat_config *cfg, uint8_t proto, uint32_t addr4, uint16_t port4,
		      unsigned n_workers);
bool nat64_pool4_has(const struct xlat_config *cfg, uint32_t addr4);
/*
 * The worker that owns a packet's flow (ip: the datagram, len bytes, family 4
 * or 6): IPv6 by source address, IPv4 by pool4 port, an ICMP error by the
 * packet it quotes (nat64_owner6 / nat64_owner4). An IPv4 fragment goes where
 * its datagram's first fragment went (remembered in ctx->nat), a packet too
 * short to tell to worker 0, whose translator drops it with a reason.
 */
unsigned nat64_owner(struct xlat_ctx *ctx, const uint8_t *ip, uint32_t len, int family, unsigned n_workers);
/* The same for an IPv4 packet that is no fragment (or a first one), with no side effect. */
unsigned nat64_owner_ports(const struct xlat_config *cfg, const uint8_t *ip, uint32_t len, unsigned n_workers);
/*
 * NAT64 shares pool4 addresses with the box (Jool's default: its own address):
 * of the IPv4 packets to such an address (ip, len bytes), it claims only what
 * falls in pool4's port ranges (or a static BIB entry), echo replies, and
 * errors about such packets; the rest of the address's traffic is the host's.
 * A packet too short or malformed to tell is claimed (the translator counts and
 * drops it).
 */
bool nat64_claims4(const struct xlat_config *cfg, const uint8_t *ip, uint32_t len);
/*
 * RFC 6146 3.8 hairpinning: a packet xlat_process() made IPv4 (pkt) that is
 * addressed to pool4 goes back in as if it had arrived on the IPv4 side
 * (nat64_hairpin_reenter() first), never out.
 */
bool nat64_hairpin(const struct xlat_config *cfg, const struct xlat_pkt *pkt);
/* Its TTL back up by the one the translation took: a trip through the box costs one (header checksum kept). */
void nat64_hairpin_reenter(uint8_t *ip4);
/* How many addresses pool4 has for proto; address number idx of them (in configuration order) and its entry. */
uint32_t nat64_pool4_count(const struct xlat_config *cfg, uint8_t proto);
const struct pool4_entry *nat64_pool4_addr(const struct xlat_config *cfg, uint8_t proto, uint32_t idx, uint32_t *a4);
/* Is (proto, address, port) one that NAT64 translates (a pool4 range or a static BIB entry)? */
bool nat64_pool4_port(const struct xlat_config *cfg, uint8_t proto, uint32_t addr4, uint16_t port);
bool nat64_static4(const struct xlat_config *cfg, uint8_t proto, uint32_t addr4, uint16_t port);

/*
 * Burst lookups, for the fast path: the sessions of a burst's packets (l3[i]:
 * packet i from its IP header, len[i] bytes; NULL to skip one) looked up
 * together, in stages (keys and buckets, then the entries the buckets name,
 * then for new flows their BIB entry), so that the cache misses of a burst overlap instead of coming
 * one packet at a time. Before translating packet i, nat64_hint(ctx, i) hands
 * its result to the next nat64 lookup, which checks it still belongs to that
 * flow (else, or for a packet that had none, it looks up as usual).
 */
#define NAT64_BURST_MAX 64
void nat64_lookup_burst(struct xlat_ctx *ctx, const uint8_t *const l3[], const uint32_t len[], unsigned n);
void nat64_hint(struct xlat_ctx *ctx, unsigned i);
/*
 * Whether a burst lookup is worth its cost: not while the table is small
 * enough to sit in the caches (NAT64_BURST_MIN_SESSIONS), where there are no
 * misses to overlap and the pass costs ~120 instructions a packet. Without
 * one (nat64_lookup_burst with n = 0), each packet tries its flow's
 * recent-flow slot itself, then the indexes.
 */
#define NAT64_BURST_MIN_SESSIONS 4096
bool nat64_burst_worth(const struct nat64_table *t);

/*
 * A session's timer runs out at least its timeout T after its last packet (RFC
 * 6146's timeouts are minimums) and at most T + NAT64_TIMER_SLACK(T) after it:
 * a packet relinks its session in the expiry lists only once the timer is
 * closer than T, and then sets it to T + slack (lib/nat64_db.h, refresh()).
 */
#define NAT64_TIMER_SLACK(t_ms) ((t_ms) / 64u)

/* Remove sessions whose time has come (at most budget of them); BIBs go with their last session. */
unsigned nat64_expire(struct nat64_table *t, const struct xlat_config *cfg, uint64_t now_ms, unsigned budget);

/* Stored IPv4 SYNs: keep the packet just refused with JSTAT_TYPE1PKT; take one whose 6 s ran out (its length, 0: none). */
void nat64_so_keep(struct xlat_ctx *ctx, const uint8_t *pkt, uint32_t len);
uint32_t nat64_so_expired(struct nat64_table *t, uint64_t now_ms, uint8_t *out);
/* The ICMPv4 port unreachable for an expired stored SYN (pkt holds its bytes, with headroom). */
enum xlat_verdict nat64_so_reply(struct xlat_ctx *ctx, struct xlat_pkt *pkt);

/*
 * After a configuration change: remove the sessions whose BIB entry's IPv4
 * address and port are no longer in pool4 nor a static BIB entry (or now
 * belong to another static entry), and static BIB entries no longer
 * configured, as Jool does. Returns how many sessions went.
 */
unsigned nat64_purge(struct nat64_table *t, const struct xlat_config *cfg);

/* A session as the control plane sees it (dumped by the owning worker). */
struct nat64_session_info {
	uint8_t proto, state;
	uint8_t addr6[16];
	uint16_t port6;
	uint32_t local4;
	uint16_t lport;
	uint32_t remote4;
	uint16_t rport;
	uint64_t expires_ms;
};
/* Iterate: returns the next position to pass back, 0 when done. */
uint32_t nat64_session_next(const struct nat64_table *t, uint32_t pos, struct nat64_session_info *out);

#endif
