/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Announce only while translating (doc/operations.md, "Scaling out"). The
 * prefixes the box translates for -- pool6 and, in NAT64, pool4; in SIIT the
 * EAMT's IPv4 prefixes -- are routes in a kernel table of their own
 * (ANNOUNCE_TABLE), through the TAPs, protocol static: a routing daemon on the
 * host (BIRD's kernel protocol with `learn`, FRR's `table` import) exports them
 * to the routers. They are there only while the box translates:
 *  - the configuration turns translation off (global manually-enabled false),
 *    or a worker stops turning (no poll round for STUCK_NS: the routers cannot
 *    see that): the control thread takes them out, and puts them back when the
 *    workers turn again;
 *  - xlat64d stops: announce_close() takes them out;
 *  - xlat64d dies (a crash, kill -9): its TAPs go with its file descriptors,
 *    and the kernel takes every route through them out by itself.
 * The set follows live configuration changes (pool4, EAMT over the API).
 * An EAMT entry's IPv6 side is not announced: in the usual use (RFC 7757 in a
 * data centre, SIIT-DC) it is where IPv6 hosts live, routed natively, and the
 * box must not draw their traffic; its IPv4 side is the address they are
 * reached at, which only the translator serves.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <linux/rtnetlink.h>

#include "dp.h"
#include "rtnl.h"

#define ANNOUNCE_MAX 128
#define CHECK_NS (100ull * 1000000ull)
#define STUCK_NS (500ull * 1000000ull)

struct route {
	int family;
	uint8_t prefix[16];
	uint8_t plen;
	int ifindex;
};

static struct route cur[ANNOUNCE_MAX];
static unsigned n_cur;
static uint64_t checked_at, seen_rounds[DP_MAX_WORKERS], moved_at[DP_MAX_WORKERS];
static bool was_healthy = true;

/* The TAP that carries a family's announcements: the first port with an address of it. */
static int family_ifindex(const struct dp *dp, int family)
{
	for (unsigned p = 0; p < dp->n_ports; p++) {
		const struct appcfg_port *pc = &dp->cfg.ports[p];
		for (unsigned a = 0; a < pc->n_addrs; a++)
			if (pc->addrs[a].family == family)
				return exception_ifindex((uint16_t)p);
	}
	return 0;
}

static void want(struct route *w, unsigned *n, int family, const void *prefix, uint8_t plen, int ifindex)
{
	if (!ifindex || *n >= ANNOUNCE_MAX)
		return;
	for (unsigned i = 0; i < *n; i++)
		if (w[i].family == family && w[i].plen == plen && !memcmp(w[i].prefix, prefix, family == 4 ? 4 : 16))
			return;
	memset(&w[*n], 0, sizeof(w[*n]));
	w[*n].family = family;
	memcpy(w[*n].prefix, prefix, family == 4 ? 4 : 16);
	w[*n].plen = plen;
	w[*n].ifindex = ifindex;
	(*n)++;
}

/* What the configuration in force translates for. */
static unsigned desired(const struct dp *dp, struct route *w)
{
	const struct xlat_config *c = __atomic_load_n(&dp->xcfg, __ATOMIC_ACQUIRE);
	int if6 = family_ifindex(dp, 6), if4 = family_ifindex(dp, 4);
	unsigned n = 0;

	if (c->g.pool6_set)
		want(w, &n, 6, c->g.pool6.addr, c->g.pool6.len, if6);
	if (c->mode == XLAT_MODE_NAT64) {
		for (unsigned i = 0; i < c->n_pool4; i++)
			want(w, &n, 4, &c->pool4[i].addr, c->pool4[i].plen, if4);
		return n;
	}
	for (unsigned i = 0; i < c->eamt.n; i++)
		want(w, &n, 4, &c->eamt.by6[i].p4.addr, c->eamt.by6[i].p4.len, if4);
	return n;
}

/* Every worker has done a poll round in the last STUCK_NS. */
static bool workers_turn(const struct dp *dp, uint64_t now)
{
	bool ok = true;

	for (unsigned i = 0; i < dp->n_workers && i < DP_MAX_WORKERS; i++) {
		uint64_t r = __atomic_load_n(&dp->workers[i].rounds, __ATOMIC_RELAXED);
		if (r != seen_rounds[i] || !moved_at[i]) {
			seen_rounds[i] = r;
			moved_at[i] = now;
		} else if (now - moved_at[i] > STUCK_NS) {
			ok = false;
		}
	}
	return ok;
}

static void route_log(const char *what, const struct route *r, int rc)
{
	char txt[INET6_ADDRSTRLEN];

	inet_ntop(r->family == 4 ? AF_INET : AF_INET6, r->prefix, txt, sizeof(txt));
	if (rc)
		RTE_LOG(WARNING, XLAT64, "announce: cannot %s %s/%u in table %d: %s\n", what, txt, r->plen,
			ANNOUNCE_TABLE, strerror(-rc));
	else
		RTE_LOG(DEBUG, XLAT64, "announce: %s %s/%u (table %d)\n", what, txt, r->plen, ANNOUNCE_TABLE);
}

static bool listed(const struct route *set, unsigned n, const struct route *r)
{
	for (unsigned i = 0; i < n; i++)
		if (!memcmp(&set[i], r, sizeof(*r)))
			return true;
	return false;
}

/* The table made to hold exactly w[0..n): what is gone taken out, what is new put in. */
static void sync_routes(const struct route *w, unsigned n)
{
	unsigned k = 0;

	for (unsigned i = 0; i < n_cur; i++) {
		if (listed(w, n, &cur[i])) {
			cur[k++] = cur[i];
			continue;
		}
		int rc = rtnl_route(RTM_DELROUTE, ANNOUNCE_TABLE, cur[i].family, cur[i].prefix, cur[i].plen, NULL,
				    cur[i].ifindex);
		route_log("withdraw", &cur[i], rc == -ESRCH ? 0 : rc);
	}
	n_cur = k;
	for (unsigned i = 0; i < n; i++) {
		if (listed(cur, n_cur, &w[i]))
			continue;
		int rc = rtnl_route(RTM_NEWROUTE, ANNOUNCE_TABLE, w[i].family, w[i].prefix, w[i].plen, NULL, w[i].ifindex);
		route_log("announce", &w[i], rc);
		if (!rc)
			cur[n_cur++] = w[i];
	}
}

void announce_tick(struct dp *dp, uint64_t now)
{
	static struct route w[ANNOUNCE_MAX];

	if (!dp->cfg.exception_path || now - checked_at < CHECK_NS)
		return;
	checked_at = now;
	const struct xlat_config *c = __atomic_load_n(&dp->xcfg, __ATOMIC_ACQUIRE);
	bool turning = workers_turn(dp, now), healthy = turning && c->g.manually_enabled;
	if (healthy != was_healthy)
		rte_log(healthy ? RTE_LOG_NOTICE : RTE_LOG_WARNING, RTE_LOGTYPE_XLAT64, "XLAT64: announce: %s\n",
			healthy ? "translating again: prefixes announced"
			: !turning ? "a worker has stopped turning: prefixes withdrawn"
				   : "translation disabled (manually-enabled false): prefixes withdrawn");
	was_healthy = healthy;
	sync_routes(w, healthy ? desired(dp, w) : 0);
}

void announce_close(struct dp *dp)
{
	(void)dp;
	sync_routes(NULL, 0);
}
