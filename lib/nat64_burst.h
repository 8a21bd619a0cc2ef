/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A burst's NAT64 lookups (nat64_burst.c) as nat64_out() / nat64_in() take
 * them: one hint each, checked before use.
 */
#ifndef XLAT_NAT64_BURST_H
#define XLAT_NAT64_BURST_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "nat64_db.h"

/* A hint is used once, and only if its session is still this flow's (sessions may have gone since). */
static inline int32_t take_hint(struct nat64_table *t, int *idx)
{
	int32_t h = t->hint_cur;

	*idx = t->hint_idx;
	t->hint_cur = -1;
	t->hint_idx = -1;
	return h;
}

/* The session's line holds both 5-tuples: the hint is checked where it was prefetched, nowhere else. */
static inline bool hint_is6(const struct nat64_table *t, int32_t si, uint8_t proto, const uint8_t *a6, uint16_t p6,
			    uint32_t remote4, uint16_t rport)
{
	const struct session *s = &t->sess[si];

	return s->list != LIST_FREE && s->remote4 == remote4 && s->rport == rport && s->p6 == p6 &&
	       s->proto == proto && same16(s->a6, a6);
}

static inline bool hint_is4(const struct nat64_table *t, int32_t si, uint8_t proto, uint32_t local4, uint16_t lport,
			    uint32_t remote4, uint16_t rport)
{
	const struct session *s = &t->sess[si];

	return s->list != LIST_FREE && s->remote4 == remote4 && s->rport == rport && s->a4 == local4 &&
	       s->p4 == lport && s->proto == proto;
}

#endif
