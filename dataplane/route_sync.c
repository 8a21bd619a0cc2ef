/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The host's routes in the dataplane (doc/architecture.md, "Forwarding"): the
 * kernel's main table, read at start and then followed through rtnetlink
 * notifications, is the learnt part of fib.c's table, so that what a routing
 * daemon on the host installs (BIRD, FRR) is what the workers forward by.
 *
 *  - A route through an exception-path TAP is the dataplane's: out of that
 *    TAP's port, to its gateway (the first path through a TAP, for a multipath
 *    route). A route through any other interface (a management port) is the
 *    host's: the forwarder hands it the packets. Blackhole, unreachable and
 *    prohibit routes are answered as the kernel answers them.
 *  - Left out: other tables (the box's announcements in table 6464), the
 *    connected routes of the TAPs' own addresses and any prefix the
 *    configuration routes (fib.c keeps those), link-local and multicast
 *    prefixes, cached clones and TOS-specific routes.
 *  - Bounded: fib.c refuses what passes dataplane.max-kernel-routes (counted,
 *    logged). A burst of changes becomes one publication (every COMMIT_NS at
 *    most); notifications lost to a flood (ENOBUFS) make a full re-read.
 *
 * Control thread only; the sockets never block it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/rtnetlink.h>

#include "dp.h"

#define COMMIT_NS (10ull * 1000000ull)
#define POLL_BUDGET 64 /* datagrams read per call: the control thread has other work */
#define RCVBUF (8 << 20)

static int ev_fd = -1;
static int tap_if[APPCFG_MAX_PORTS];
static bool resync;
static uint64_t committed_at;

/* The port whose TAP has this interface index; -1: not one of ours. */
static int port_of(const struct dp *dp, int ifindex)
{
	for (unsigned p = 0; ifindex > 0 && p < dp->n_ports; p++)
		if (tap_if[p] == ifindex)
			return (int)p;
	return -1;
}

struct rt_attrs {
	const struct rtattr *a[RTA_MAX + 1];
};

static void parse_attrs(const struct rtattr *rta, int len, struct rt_attrs *out)
{
	memset(out, 0, sizeof(*out));
	for (; RTA_OK(rta, len); rta = RTA_NEXT(rta, len))
		if (rta->rta_type <= RTA_MAX)
			out->a[rta->rta_type] = rta;
}

static uint32_t attr_u32(const struct rtattr *a, uint32_t dflt)
{
	uint32_t v;

	if (!a || RTA_PAYLOAD(a) < 4)
		return dflt;
	memcpy(&v, RTA_DATA(a), 4);
	return v;
}

/* A gateway of the route's own family into hop (a different one, RFC 5549's RTA_VIA, is the host's to use). */
static bool take_gw(const struct rtattr *gw, const struct rtattr *via, unsigned alen, struct fib_hop *hop)
{
	if (via)
		return false;
	if (gw) {
		if (RTA_PAYLOAD(gw) != alen)
			return false;
		memcpy(hop->gw, RTA_DATA(gw), alen);
		hop->has_gw = true;
	}
	return true;
}

/* The first path of a multipath route that goes through a TAP; its interface in *oif (the first path's if none). */
static void multipath_hop(const struct dp *dp, const struct rtattr *mp, unsigned alen, struct fib_hop *hop, int *oif)
{
	const struct rtnexthop *nh = RTA_DATA(mp);
	int len = (int)RTA_PAYLOAD(mp);

	*oif = len >= (int)sizeof(*nh) ? nh->rtnh_ifindex : 0;
	for (; RTNH_OK(nh, len); len -= NLMSG_ALIGN(nh->rtnh_len), nh = RTNH_NEXT(nh)) {
		int port = port_of(dp, nh->rtnh_ifindex);
		struct rt_attrs at;
		if (port < 0)
			continue;
		parse_attrs(RTNH_DATA(nh), nh->rtnh_len - (int)sizeof(*nh), &at);
		if (take_gw(at.a[RTA_GATEWAY], at.a[RTA_VIA], alen, hop)) {
			hop->kind = FWD_VIA_PORT;
			hop->port = (uint16_t)port;
			return;
		}
	}
}

/* What the route says to do (fib.c), from its type and interfaces. False: a route the dataplane leaves out. */
static bool hop_of(const struct dp *dp, const struct rtmsg *rt, const struct rt_attrs *at, unsigned alen,
		   struct fib_hop *hop, int *oif)
{
	memset(hop, 0, sizeof(*hop));
	*oif = (int)attr_u32(at->a[RTA_OIF], 0);
	switch (rt->rtm_type) {
	case RTN_BLACKHOLE:
		hop->kind = FWD_BLACKHOLE;
		return true;
	case RTN_UNREACHABLE:
		hop->kind = FWD_UNREACHABLE;
		return true;
	case RTN_PROHIBIT:
		hop->kind = FWD_PROHIBIT;
		return true;
	case RTN_UNICAST:
		break;
	default: /* local, broadcast, anycast, multicast, throw, nat: not routes to forward by */
		return false;
	}
	hop->kind = FWD_HOST;
	if (at->a[RTA_MULTIPATH]) {
		multipath_hop(dp, at->a[RTA_MULTIPATH], alen, hop, oif);
		return true;
	}
	int port = port_of(dp, *oif);
	if (port >= 0 && take_gw(at->a[RTA_GATEWAY], at->a[RTA_VIA], alen, hop)) {
		hop->kind = FWD_VIA_PORT;
		hop->port = (uint16_t)port;
	}
	return true;
}

/* Prefixes that are never forwarded by a route: IPv6 link-local and multicast, IPv4 multicast. */
static bool unroutable(int family, const uint8_t *p, uint8_t plen)
{
	if (family == 4)
		return plen >= 4 && (p[0] & 0xf0) == 0xe0;
	return (plen >= 10 && p[0] == 0xfe && (p[1] & 0xc0) == 0x80) || (plen >= 8 && p[0] == 0xff);
}

static void handle_route(struct dp *dp, const struct nlmsghdr *nh)
{
	const struct rtmsg *rt = NLMSG_DATA(nh);
	int len = (int)nh->nlmsg_len - (int)NLMSG_LENGTH(sizeof(*rt));
	int family = rt->rtm_family == AF_INET ? 4 : rt->rtm_family == AF_INET6 ? 6 : 0, oif;
	unsigned alen = family == 4 ? 4 : 16;
	uint8_t prefix[16] = { 0 };
	struct rt_attrs at;
	struct fib_hop hop;

	if (len < 0 || !family || rt->rtm_dst_len > alen * 8 || rt->rtm_tos || (rt->rtm_flags & RTM_F_CLONED))
		return;
	parse_attrs(RTM_RTA(rt), len, &at);
	if (attr_u32(at.a[RTA_TABLE], rt->rtm_table) != RT_TABLE_MAIN)
		return;
	if (at.a[RTA_DST]) {
		if (RTA_PAYLOAD(at.a[RTA_DST]) != alen)
			return;
		memcpy(prefix, RTA_DATA(at.a[RTA_DST]), alen);
	}
	if (unroutable(family, prefix, rt->rtm_dst_len) || !hop_of(dp, rt, &at, alen, &hop, &oif))
		return;
	uint32_t metric = attr_u32(at.a[RTA_PRIORITY], 0);
	if (nh->nlmsg_type == RTM_DELROUTE) {
		fib_unlearn(family, prefix, rt->rtm_dst_len, metric, oif);
		return;
	}
	/* the connected routes of the TAPs' addresses: the box's own (the configuration's, in fib.c already) */
	if (rt->rtm_protocol == RTPROT_KERNEL && port_of(dp, oif) >= 0)
		return;
	fib_learn(family, prefix, rt->rtm_dst_len, metric, oif, &hop);
}

/* Every message of a datagram; false when a dump ended (NLMSG_DONE) or failed. interrupted: NLM_F_DUMP_INTR seen. */
static bool handle_msgs(struct dp *dp, const char *buf, size_t n, bool *interrupted)
{
	for (const struct nlmsghdr *nh = (const void *)buf; NLMSG_OK(nh, n); nh = NLMSG_NEXT(nh, n)) {
		if (nh->nlmsg_flags & NLM_F_DUMP_INTR)
			*interrupted = true;
		if (nh->nlmsg_type == NLMSG_DONE || nh->nlmsg_type == NLMSG_ERROR)
			return false;
		if (nh->nlmsg_type == RTM_NEWROUTE || nh->nlmsg_type == RTM_DELROUTE)
			handle_route(dp, nh);
	}
	return true;
}

/* The whole main table of one family (a dump on a socket of its own); -1 when it could not be read whole. */
static int dump(struct dp *dp, int family)
{
	static char buf[65536] __attribute__((aligned(4)));
	struct {
		struct nlmsghdr nh;
		struct rtmsg rt;
	} req = {
		.nh = { .nlmsg_len = NLMSG_LENGTH(sizeof(struct rtmsg)), .nlmsg_type = RTM_GETROUTE,
			.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP, .nlmsg_seq = 1 },
		.rt = { .rtm_family = (unsigned char)(family == 4 ? AF_INET : AF_INET6) },
	};
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE), rc = -1;
	struct timeval tv = { .tv_sec = 5 };
	bool intr = false;

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (sendto(fd, &req, req.nh.nlmsg_len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		goto out;
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0 && errno == EINTR) /* net_tap's rx signal */
			continue;
		if (n <= 0)
			goto out;
		if (!handle_msgs(dp, buf, (size_t)n, &intr))
			break;
	}
	rc = intr ? -1 : 0;
out:
	close(fd);
	return rc;
}

/* Everything (again: what the dumps do not show any more is forgotten). */
static void full_read(struct dp *dp)
{
	fib_learn_mark_stale();
	bool ok = dump(dp, 4) == 0 && dump(dp, 6) == 0;
	if (ok)
		fib_learn_sweep();
	resync = !ok; /* a dump cut short: again at the next poll */
}

int route_sync_init(struct dp *dp, char *err, size_t errlen)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = RTMGRP_IPV4_ROUTE | RTMGRP_IPV6_ROUTE };
	int size = RCVBUF;
	bool any = false;

	if (!dp->cfg.exception_path || !dp->cfg.kernel_routes)
		return 0;
	for (unsigned p = 0; p < dp->n_ports; p++)
		any |= (tap_if[p] = exception_ifindex((uint16_t)p)) > 0;
	if (!any) /* no TAP (replay devices): no route goes through the dataplane's ports */
		return 0;
	ev_fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE);
	if (ev_fd < 0 || bind(ev_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		snprintf(err, errlen, "cannot follow the host's routes (rtnetlink): %s", strerror(errno));
		return -1;
	}
	/* room for a burst; past it the kernel says ENOBUFS and everything is read again */
	if (setsockopt(ev_fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		setsockopt(ev_fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	full_read(dp);
	fib_commit(dp);
	RTE_LOG(INFO, XLAT64, "routes: %u learnt from the host's main table; following its changes\n", fib_learnt());
	return 0;
}

void route_sync_poll(struct dp *dp, uint64_t now)
{
	static char buf[65536] __attribute__((aligned(4)));
	bool intr = false;

	if (ev_fd < 0)
		return;
	for (unsigned i = 0; i < POLL_BUDGET; i++) {
		ssize_t n = recv(ev_fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0 && errno == ENOBUFS) { /* notifications lost: read it all again */
			RTE_LOG(WARNING, XLAT64, "routes: notifications from the host lost (a burst of changes): reading "
						 "its table again\n");
			resync = true;
			continue;
		}
		if (n <= 0)
			break;
		handle_msgs(dp, buf, (size_t)n, &intr);
	}
	if (resync) {
		__atomic_fetch_add(&dp->slow_counters[XLAT_FIB_RESYNCS], 1, __ATOMIC_RELAXED);
		full_read(dp);
	}
	if (now - committed_at >= COMMIT_NS) {
		committed_at = now;
		fib_commit(dp);
	}
}

void route_sync_close(void)
{
	if (ev_fd >= 0)
		close(ev_fd);
	ev_fd = -1;
}
