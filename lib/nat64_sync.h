/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Session synchronisation, the table's side (doc/ha.md). No I/O: a worker's
 * table tells what changed into a ring of struct sync_session (sync_wire.h)
 * that the sync thread drains and sends, and installs what a peer sent, handed
 * to its worker through another ring.
 *
 * What goes out (SYNC_UPSERT, one record per event, the session whole):
 * - a new UDP or ICMP session, a TCP session's every state change;
 * - a refresh, coalesced: a session's timer is sent again only when it has
 *   moved past a multiple of half its timeout, so a busy flow costs one record
 *   per T/2 (UDP: every 2.5 minutes), never one per packet, and the peer's copy
 *   always has at least T/2 left when the next one arrives;
 * - the bulk: every session, at the sync thread's request (a peer joining).
 * Nothing goes out when a session ends: both boxes expire their copies by the
 * same timers (the peer's runs out first: it holds an older deadline), so that
 * a lost datagram can never end a live session on the peer.
 */
#ifndef XLAT_NAT64_SYNC_H
#define XLAT_NAT64_SYNC_H

#include <stdbool.h>
#include <stdint.h>

#include "nat64.h"
#include "sync_wire.h"

struct rte_ring;

/*
 * Not a wire operation (sync_record() refuses it): the table dropped the BIB
 * entry of a redirected port (nat64_redirect.h), which the sync thread then
 * takes out of the map.
 */
#define SYNC_LOCAL_BIB_GONE 0x81

/*
 * Events of table t into ring (single producer: t's worker; elements of
 * sizeof(struct sync_session)); NULL stops them. A full ring drops the event
 * and counts it (nat64_sync_dropped): the worker never waits.
 */
void nat64_sync_attach(struct nat64_table *t, struct rte_ring *ring);
uint64_t nat64_sync_dropped(const struct nat64_table *t);

enum nat64_install {
	NAT64_INSTALL_NEW,      /* a session (and maybe its BIB entry) created */
	NAT64_INSTALL_UPDATED,  /* an existing session's state and timer set */
	NAT64_INSTALL_CONFLICT, /* this box maps the IPv6 or the IPv4 side otherwise: ours kept */
	NAT64_INSTALL_FULL,     /* the table is full */
	NAT64_INSTALL_INVALID,  /* not a port pool4 has here (configurations differ), or nonsense */
};

/*
 * A peer's session into t (its worker's thread), at time now_ms: the BIB
 * entry made or found, the session made or updated, its TCP state and its
 * timer (what the peer had left, at most the timeout here). Creates no event.
 */
enum nat64_install nat64_sync_install(struct nat64_table *t, const struct xlat_config *cfg,
				      const struct sync_session *s, uint64_t now_ms);

/*
 * The bulk: events for t's sessions from position *pos on, at most budget of
 * them (*emitted: how many); *pos moves on. False once every session was sent.
 */
bool nat64_sync_walk(struct nat64_table *t, uint32_t *pos, unsigned budget, unsigned *emitted);

const char *nat64_install_name(enum nat64_install r);

#endif
