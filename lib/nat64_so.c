/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Simultaneous open (RFC 6146 3.5.2.2): an IPv4 SYN with no BIB entry is held
 * for 6 s; an IPv6 SYN of the same connection in that time takes its pool4
 * address and port, else an ICMP port unreachable goes back.
 */
#include <string.h>

#include "icmp_reply.h"
#include "icmp_types.h"
#include "nat64_db.h"
#include "nat64_so.h"
#include "xlat_step.h"

/*
 * RFC 6146 3.5.2.2: an IPv4 SYN with no BIB entry is kept (its first bytes) for
 * 6 s; an IPv6 SYN of the same connection in that time completes a simultaneous
 * open, else ICMP port unreachable goes back (nat64_so_expired). The caller
 * copies the packet in with nat64_so_keep() when this returns JSTAT_TYPE1PKT.
 */
enum xlat_stat nat64_so_store(struct nat64_table *t, const struct nat64_globals *g, uint32_t remote4, uint16_t rport,
			      uint32_t local4, uint16_t lport, uint64_t now)
{
	unsigned max = g->max_simultaneous_opens < SO_MAX ? g->max_simultaneous_opens : SO_MAX, used = 0;
	struct stored_syn *free_slot = NULL;

	for (unsigned i = 0; i < SO_MAX; i++) {
		struct stored_syn *e = &t->so[i];
		if (!e->used) {
			if (!free_slot)
				free_slot = e;
			continue;
		}
		used++;
		if (e->remote4 == remote4 && e->rport == rport && e->local4 == local4 && e->lport == lport)
			return JSTAT_SO_EXISTS;
	}
	if (used >= max || !free_slot)
		return JSTAT_SO_FULL;
	memset(free_slot, 0, sizeof(*free_slot));
	free_slot->used = true;
	free_slot->remote4 = remote4;
	free_slot->rport = rport;
	free_slot->local4 = local4;
	free_slot->lport = lport;
	free_slot->expires_ms = now + SO_TIMEOUT_MS;
	t->so_last = free_slot;
	t->so_used++;
	return JSTAT_TYPE1PKT;
}

void nat64_so_keep(struct xlat_ctx *ctx, const uint8_t *pkt, uint32_t len)
{
	struct stored_syn *e = ctx->nat->so_last;

	if (!e)
		return;
	e->len = (uint16_t)(len < SO_BYTES ? len : SO_BYTES);
	memcpy(e->pkt, pkt, e->len);
	ctx->nat->so_last = NULL;
}

uint32_t nat64_so_expired(struct nat64_table *t, uint64_t now_ms, uint8_t *out)
{
	if (!t->so_used) /* asked every poll round: most have none */
		return 0;
	for (unsigned i = 0; i < SO_MAX; i++) {
		struct stored_syn *e = &t->so[i];
		if (e->used && e->expires_ms <= now_ms) {
			e->used = false;
			t->so_used--;
			memcpy(out, e->pkt, e->len);
			return e->len;
		}
	}
	return 0;
}

/* An IPv6 SYN towards remote4:rport: was an IPv4 SYN from there waiting? Take it, and its pool4 port. */
bool nat64_so_claim(struct nat64_table *t, uint32_t remote4, uint16_t rport, uint32_t *local4, uint16_t *lport)
{
	for (unsigned i = 0; i < SO_MAX; i++) {
		struct stored_syn *e = &t->so[i];
		if (e->used && e->remote4 == remote4 && e->rport == rport) {
			e->used = false;
			t->so_used--;
			*local4 = e->local4;
			*lport = e->lport;
			return true;
		}
	}
	return false;
}

enum xlat_verdict nat64_so_reply(struct xlat_ctx *ctx, struct xlat_pkt *pkt)
{
	/* RFC 6146 3.5.2.2: ICMP Destination Unreachable, port unreachable */
	return icmp_refuse4(ctx, pkt, XLAT_SO_EXPIRED, ICMPV4_DEST_UNREACH, ICMPV4_PORT_UNREACH, 0);
}
