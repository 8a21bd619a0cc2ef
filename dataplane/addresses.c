/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Port addresses added and removed while the box runs ("address" in the
 * control API), beside the configured ones: what a VRRP daemon's notify script
 * moves between two boxes (doc/ha.md). A live address is the box's own as a
 * configured one is (dp_is_own4/6: frames for it go to the host), and is put
 * on the port's TAP too, so that the kernel answers for it.
 *
 * The set is a small immutable snapshot the readers (workers, slow path) load
 * with one atomic read; the control side replaces it whole and frees the old
 * one after the readers' grace period (RCU), then publishes a configuration
 * generation so that the fast path's memo forgets what it knew of addresses.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include <rte_malloc.h>

#include "dp.h"
#include "rtnl.h"

struct dp_live_addrs {
	unsigned n;
	struct {
		uint16_t port;
		struct appcfg_addr a;
	} e[DP_MAX_LIVE_ADDRS];
};

static const struct dp_live_addrs empty;
static const struct dp_live_addrs *live = &empty;

static const struct dp_live_addrs *snapshot(void)
{
	return __atomic_load_n(&live, __ATOMIC_ACQUIRE);
}

bool addr_live_own(int family, const uint8_t *a)
{
	const struct dp_live_addrs *l = snapshot();

	for (unsigned i = 0; i < l->n; i++)
		if (l->e[i].a.family == family && memcmp(l->e[i].a.addr, a, family == 4 ? 4 : 16) == 0)
			return true;
	return false;
}

static int find(const struct dp_live_addrs *l, uint16_t port, const struct appcfg_addr *a)
{
	for (unsigned i = 0; i < l->n; i++)
		if (l->e[i].port == port && l->e[i].a.family == a->family && l->e[i].a.plen == a->plen &&
		    memcmp(l->e[i].a.addr, a->addr, 16) == 0)
			return (int)i;
	return -1;
}

static bool configured(const struct dp *dp, uint16_t port, const struct appcfg_addr *a)
{
	const struct appcfg_port *pc = &dp->cfg.ports[port];

	for (unsigned i = 0; i < pc->n_addrs; i++)
		if (pc->addrs[i].family == a->family && memcmp(pc->addrs[i].addr, a->addr, 16) == 0)
			return true;
	return false;
}

/* Control side, under ctl_bridge_lock(): publish nl, free the old set once no reader holds it. */
static void publish(struct dp *dp, struct dp_live_addrs *nl)
{
	const struct dp_live_addrs *old = snapshot();

	__atomic_store_n(&live, nl, __ATOMIC_RELEASE);
	rte_rcu_qsbr_synchronize(dp->rcu, RTE_QSBR_THRID_INVALID);
	if (old != &empty)
		rte_free((void *)(uintptr_t)old);
}

static void on_tap(uint16_t port, const struct appcfg_addr *a, bool add)
{
	int ifx = exception_ifindex(port), rc;

	if (ifx <= 0)
		return;
	rc = add ? rtnl_addr_add(ifx, a) : rtnl_addr_del(ifx, a);
	if (rc != 0 && rc != -EEXIST && rc != -EADDRNOTAVAIL && rc != -ENOENT)
		RTE_LOG(WARNING, XLAT64, "port %u: address %s the TAP: %s\n", port, add ? "not put on" : "not taken off",
			strerror(-rc));
}

int addr_live_change(struct dp *dp, uint16_t port, const struct appcfg_addr *a, bool add, char *err, size_t errlen)
{
	const struct dp_live_addrs *l = snapshot();
	int at = find(l, port, a);

	if (port >= dp->n_ports) {
		snprintf(err, errlen, "no port %u", port);
		return -1;
	}
	if (add && (at >= 0 || configured(dp, port, a)))
		return ADDR_UNCHANGED;
	if (!add && at < 0) {
		snprintf(err, errlen, configured(dp, port, a) ? "a configured address: edit the file and restart to "
								"take it away"
							      : "no such live address on that port");
		return -1;
	}
	if (add && l->n == DP_MAX_LIVE_ADDRS) {
		snprintf(err, errlen, "%u live addresses already: remove one first", DP_MAX_LIVE_ADDRS);
		return -1;
	}
	struct dp_live_addrs *nl = rte_malloc("live_addrs", sizeof(*nl), 0);
	if (!nl) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	*nl = *l;
	if (add) {
		nl->e[nl->n].port = port;
		nl->e[nl->n++].a = *a;
	} else {
		nl->e[at] = nl->e[--nl->n];
	}
	publish(dp, nl);
	on_tap(port, a, add);
	return 0;
}

void addr_live_walk(void (*fn)(void *arg, uint16_t port, const struct appcfg_addr *a), void *arg)
{
	const struct dp_live_addrs *l = snapshot();

	for (unsigned i = 0; i < l->n; i++)
		fn(arg, l->e[i].port, &l->e[i].a);
}
