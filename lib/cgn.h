/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Carrier-grade NAT64 duties (RFC 6888, RFC 7422, RFC 8158): per-subscriber
 * limits, port block allocation (PBA), deterministic NAT and NAT event
 * logging. Design and decisions: doc/cgn.md.
 *
 * A subscriber is the IPv6 source prefix of cfg->cgn.subscriber_plen bits.
 * With "cgn" configured every flow of one subscriber is owned by one worker
 * (nat64_owner6 hashes the subscriber prefix), so each worker keeps its
 * subscribers' counts and blocks in its own struct cgn_table, with no shared
 * state and no locks, exactly as it keeps its BIB and sessions.
 */
#ifndef XLAT_CGN_H
#define XLAT_CGN_H

#include <stdbool.h>
#include <stdint.h>

#include "cgn_config.h"
#include "eamt.h"
#include "natlog.h"

/* The index of per-protocol arrays (cgn_config.h): TCP, UDP, ICMP; -1 for anything else. */
static inline int cgn_proto_idx(uint8_t proto)
{
	return proto == 6 ? CGN_TCP : proto == 17 ? CGN_UDP : proto == 1 ? CGN_ICMP : -1;
}

/* The subscriber prefix of an IPv6 address: its first plen bits, the rest zero. */
void cgn_subscriber(const uint8_t a6[16], uint8_t plen, uint8_t out[16]);
/* The worker a subscriber's flows belong to (a hash of its prefix). */
unsigned cgn_owner6(const uint8_t src6[16], uint8_t plen, unsigned n_workers);

/* ---- RFC 7422 deterministic NAT: a pure function of the configuration ---- */

/*
 * Subscriber i (the bits of the address between prefix6's length and
 * subscriber_plen) gets IPv4 address number i % A of prefix4 (A addresses)
 * and the range number i / A of k = ceil(S / A) equal ranges of
 * [port_min, port_max] (S subscribers), each of P = (port_max - port_min + 1) / k
 * ports. Ranges spread subscribers over every address before doubling up.
 */
struct cgn_det_geometry {
	uint32_t subscribers, addresses, per_address, ports;
};
/* NULL when the configuration can give every subscriber at least one port; else why not. */
const char *cgn_det_geometry(const struct cgn_config *c, struct cgn_det_geometry *g);
/* The range of the subscriber of src6: false when src6 is outside prefix6. */
bool cgn_det_forward(const struct cgn_config *c, const uint8_t src6[16], uint32_t *addr4, uint16_t *first,
		     uint16_t *last);
/* Who had addr4 port (the subscriber prefix, in sub6): false when nobody can. */
bool cgn_det_reverse(const struct cgn_config *c, uint32_t addr4, uint16_t port, uint8_t sub6[16]);

/* ---- per-worker state ---- */

struct xlat_config;
struct cgn_table;
struct rte_ring;

/*
 * For max BIB entries (subscribers and blocks are bounded by them); the block table only when pba
 * (port blocks configured at start: it is fixed then). NULL on failure.
 */
struct cgn_table *cgn_table_create(const char *name, uint32_t max, bool pba, unsigned worker, unsigned n_workers,
				   int socket);
void cgn_table_free(struct cgn_table *c);
/*
 * Where events go: a ring of struct natlog_event (single producer: this
 * worker), and the worker's counters (XLAT_NATLOG_*, XLAT_CGN_*). Either may be
 * NULL (events are then dropped / not counted).
 */
void cgn_set_output(struct cgn_table *c, struct rte_ring *ring, uint64_t *counters);
uint32_t cgn_table_subscribers(const struct cgn_table *c);
uint32_t cgn_table_blocks(const struct cgn_table *c);

/* The current time for events that have no packet (expiry, purge); set on every call that has one. */
void cgn_clock(struct cgn_table *c, uint64_t now_ms);

/* Emit one event (time stamped with the table's clock): a ring copy, or a counted drop. */
void cgn_log(struct cgn_table *c, struct natlog_event *e);

/*
 * May the subscriber of addr6 have one more BIB entry / session of proto?
 * XLAT_OK when yes, else the counter naming the refusal
 * (a Quota Exceeded event is logged, at most once a second per subscriber).
 */
enum xlat_stat cgn_admit_bib(struct cgn_table *c, const struct xlat_config *cfg, uint8_t proto,
			     const uint8_t addr6[16]);
enum xlat_stat cgn_admit_session(struct cgn_table *c, const struct xlat_config *cfg, uint8_t proto,
				 const uint8_t addr6[16]);

/* Accounting and events of BIB entries and sessions, created (up) or deleted. */
void cgn_bib_event(struct cgn_table *c, const struct xlat_config *cfg, bool up, uint8_t proto, const uint8_t addr6[16],
		   uint16_t port6, uint32_t addr4, uint16_t port4);
void cgn_session_event(struct cgn_table *c, const struct xlat_config *cfg, bool up, uint8_t proto,
		       const uint8_t addr6[16], uint16_t port6, uint32_t addr4, uint16_t port4, uint32_t remote4,
		       uint16_t rport);

/* Is this pool4 port free (no BIB entry, no static entry)? The NAT64 table answers. */
typedef bool (*cgn_port_free_fn)(void *arg, uint8_t proto, uint32_t addr4, uint16_t port4);

/* Does cgn_alloc() give new BIB entries their ports (PBA or deterministic NAT configured)? Else pool4 does. */
bool cgn_allocates(const struct xlat_config *cfg);
/*
 * Allocation under PBA or deterministic NAT (cgn_allocates()): a port for a new
 * BIB entry of (proto, addr6, sport), searched from start (a hash). XLAT_OK
 * with *addr4 and *port4, or the counter naming why not.
 */
enum xlat_stat cgn_alloc(struct cgn_table *c, const struct xlat_config *cfg, uint8_t proto, const uint8_t addr6[16],
			 uint16_t sport, uint32_t start, cgn_port_free_fn port_free, void *arg, uint32_t *addr4,
			 uint16_t *port4);

/*
 * The worker owning pool4 (proto, addr4, port4) under PBA (the block's) or
 * deterministic NAT (its subscriber's). false: the usual rule applies.
 */
bool cgn_owner4(const struct xlat_config *cfg, uint8_t proto, uint32_t addr4, uint16_t port4, unsigned n_workers,
		unsigned *owner);
/* May this worker hold a dynamic BIB entry on that port (purge after a configuration change)? -1: usual rule. */
int cgn_port_valid(const struct xlat_config *cfg, uint8_t proto, uint32_t addr4, uint16_t port4, unsigned worker,
		   unsigned n_workers);

#endif
