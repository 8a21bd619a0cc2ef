/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Simultaneous open (RFC 6146 3.5.2.2, nat64_so.c): IPv4 SYNs held for 6 s,
 * waiting for the IPv6 side.
 */
#ifndef XLAT_NAT64_SO_H
#define XLAT_NAT64_SO_H

#include <stdbool.h>
#include <stdint.h>

#include "nat64_db.h"

/*
 * RFC 6146 3.5.2.2: an IPv4 SYN with no BIB entry is kept (its first bytes) for
 * 6 s; an IPv6 SYN of the same connection in that time completes a simultaneous
 * open, else ICMP port unreachable goes back (nat64_so_expired). The caller
 * copies the packet in with nat64_so_keep() when this returns JSTAT_TYPE1PKT.
 */
enum xlat_stat nat64_so_store(struct nat64_table *t, const struct nat64_globals *g, uint32_t remote4, uint16_t rport,
			      uint32_t local4, uint16_t lport, uint64_t now);
/* An IPv6 SYN towards remote4:rport: was an IPv4 SYN from there waiting? Take it, and its pool4 port. */
bool nat64_so_claim(struct nat64_table *t, uint32_t remote4, uint16_t rport, uint32_t *local4, uint16_t *lport);

#endif
