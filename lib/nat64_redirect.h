/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ports that live with another worker than the one their number gives
 * (nat64.h: worker (port / 2) % n owns a pool4 port). Only session
 * synchronisation makes such ports (doc/ha.md): a peer box with another worker
 * count allocated them, and the session they carry lives here with the owner
 * of its IPv6 side. Shared by every worker: one writer (the sync thread),
 * lock-free readers (the workers' owner function and allocators), entries
 * reclaimed after the readers' grace period (RCU). Empty, and never looked at,
 * when both boxes run the same number of workers.
 */
#ifndef XLAT_NAT64_REDIRECT_H
#define XLAT_NAT64_REDIRECT_H

#include <stdbool.h>
#include <stdint.h>

struct nat64_redirect;
struct rte_rcu_qsbr;

/* max entries; rcu: the readers' QSBR variable (entries deleted are reused after their grace period). */
struct nat64_redirect *nat64_redirect_create(const char *name, uint32_t max, int socket, struct rte_rcu_qsbr *rcu);
void nat64_redirect_free(struct nat64_redirect *rd);

/* Writer: port (proto, a4, p4) lives with worker w. 0, or -1 when the map is full. */
int nat64_redirect_set(struct nat64_redirect *rd, uint8_t proto, uint32_t a4, uint16_t p4, unsigned w);
void nat64_redirect_del(struct nat64_redirect *rd, uint8_t proto, uint32_t a4, uint16_t p4);

/* Readers: how many entries (0: nothing to look up), and the worker of a port (-1: its number's). */
uint32_t nat64_redirect_count(const struct nat64_redirect *rd);
int nat64_redirect_get(const struct nat64_redirect *rd, uint8_t proto, uint32_t a4, uint16_t p4);

/* The owner function's test, inline: a NULL or empty map costs a load and a branch. */
static inline bool nat64_redirect_active(const struct nat64_redirect *rd)
{
	return rd && __builtin_expect(nat64_redirect_count(rd) != 0, 0);
}

#endif
