/* SPDX-License-Identifier: BSD-3-Clause */
/* ctl_query.c: the control API's NAT64 questions to the workers and its occupancy reads (api_bridge's). */
#ifndef XLAT_CTL_QUERY_H
#define XLAT_CTL_QUERY_H

#include "api.h"
#include "dp.h"

/* The workers' slots; -1 when the daemon has no NAT64 (or no memory for them). */
int ctl_query_init(struct dp *dp);
/* After each publication of the configuration (the workers purge, then recount). */
void ctl_query_published(void);

/* api_bridge's nat64_query, nat64_sessions, nat64_occupancy, nat64_addr_use */
int ctl_query_nat64(void *opaque, unsigned w, const struct api_query *q, union api_query_out *out, uint32_t *next,
		    char *err, size_t errlen);
int ctl_query_sessions(void *opaque, unsigned w, uint32_t pos, const struct api_session_filter *f,
		       struct nat64_session_info *out, unsigned max, uint32_t *next, char *err, size_t errlen);
int ctl_query_occupancy(void *opaque, unsigned w, struct nat64_occupancy *out);
int ctl_query_addr_use(void *opaque, unsigned w, struct nat64_addr_use *out, unsigned max);

#endif
