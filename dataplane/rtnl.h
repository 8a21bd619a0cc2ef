/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rtnetlink requests to the host's kernel (control thread only: start-up, the
 * exception path's TAPs, the announced prefixes). Each returns 0, or a negative
 * errno (the kernel's answer).
 */
#ifndef XLAT_RTNL_H
#define XLAT_RTNL_H

#include <stdint.h>

#include "appcfg.h"

int rtnl_addr_add(int ifindex, const struct appcfg_addr *a);
int rtnl_addr_del(int ifindex, const struct appcfg_addr *a);
int rtnl_neigh_add(int ifindex, const struct appcfg_neigh *n);
/*
 * RTM_NEWROUTE (replacing) or RTM_DELROUTE of family/prefix/plen in table,
 * through ifindex, via a gateway (4 or 16 bytes) or on-link (via NULL); protocol
 * "static", so that a routing daemon learns it as an administrator's route.
 */
int rtnl_route(int cmd, uint32_t table, int family, const uint8_t *prefix, uint8_t plen, const uint8_t *via,
	       int ifindex);

#endif
