/* SPDX-License-Identifier: BSD-3-Clause */
/* rtnetlink requests (rtnl.h): one request, its acknowledgement read back. */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

#include <rte_byteorder.h>
#include <rte_debug.h>

#include "rtnl.h"

/* Append an attribute to the request at req (cap bytes in all). */
static void nl_put(void *req, size_t cap, unsigned short type, const void *data, size_t len)
{
	struct nlmsghdr *nh = req;
	size_t off = NLMSG_ALIGN(nh->nlmsg_len);
	struct rtattr rta = { .rta_len = (unsigned short)RTA_LENGTH(len), .rta_type = type };

	RTE_VERIFY(off + RTA_ALIGN(rta.rta_len) <= cap);
	memcpy((char *)req + off, &rta, sizeof(rta));
	memcpy((char *)req + off + RTA_LENGTH(0), data, len);
	nh->nlmsg_len = (uint32_t)(off + RTA_ALIGN(rta.rta_len));
}

/* One rtnetlink request and its acknowledgement: 0, or a negative errno. */
static int nl_talk(struct nlmsghdr *nh)
{
	static uint32_t seq;
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	char buf[4096] __attribute__((aligned(4)));
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	int rc = -EIO;

	if (fd < 0)
		return -errno;
	nh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	nh->nlmsg_seq = ++seq;
	if (sendto(fd, nh, nh->nlmsg_len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		rc = -errno;
		goto out;
	}
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0 && errno == EINTR) /* net_tap's rx signal */
			continue;
		if (n <= 0) {
			rc = n < 0 ? -errno : -EIO;
			goto out;
		}
		size_t off = 0;
		while (off + sizeof(struct nlmsghdr) <= (size_t)n) {
			const struct nlmsghdr *r = (const struct nlmsghdr *)(void *)(buf + off);
			if (r->nlmsg_len < sizeof(*r) || off + r->nlmsg_len > (size_t)n)
				break;
			if (r->nlmsg_seq == nh->nlmsg_seq && r->nlmsg_type == NLMSG_ERROR &&
			    r->nlmsg_len >= NLMSG_LENGTH(sizeof(struct nlmsgerr))) {
				struct nlmsgerr e;
				memcpy(&e, NLMSG_DATA(r), sizeof(e));
				rc = e.error;
				goto out;
			}
			off += NLMSG_ALIGN(r->nlmsg_len);
		}
	}
out:
	close(fd);
	return rc;
}

static int addr_msg(int cmd, int ifindex, const struct appcfg_addr *a)
{
	struct {
		struct nlmsghdr nh;
		struct ifaddrmsg ifa;
		char attrs[96];
	} req;
	size_t alen = a->family == 4 ? 4 : 16;

	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifaddrmsg));
	req.nh.nlmsg_type = (uint16_t)cmd;
	req.nh.nlmsg_flags = cmd == RTM_NEWADDR ? NLM_F_CREATE | NLM_F_REPLACE : 0;
	req.ifa.ifa_family = a->family == 4 ? AF_INET : AF_INET6;
	req.ifa.ifa_prefixlen = a->plen;
	req.ifa.ifa_index = (unsigned)ifindex;
	req.ifa.ifa_scope = (a->family == 6 && a->addr[0] == 0xfe && (a->addr[1] & 0xc0) == 0x80) ? RT_SCOPE_LINK
												   : RT_SCOPE_UNIVERSE;
	/* The dataplane has used the address since start: no duplicate address detection delay. */
	if (a->family == 6)
		req.ifa.ifa_flags = IFA_F_NODAD;
	nl_put(&req, sizeof(req), IFA_LOCAL, a->addr, alen);
	nl_put(&req, sizeof(req), IFA_ADDRESS, a->addr, alen);
	if (a->family == 4 && a->plen < 31) {
		uint32_t b;
		memcpy(&b, a->addr, 4);
		b |= rte_cpu_to_be_32(a->plen ? ~0u >> a->plen : ~0u);
		nl_put(&req, sizeof(req), IFA_BROADCAST, &b, 4);
	}
	return nl_talk(&req.nh);
}

int rtnl_addr_add(int ifindex, const struct appcfg_addr *a)
{
	return addr_msg(RTM_NEWADDR, ifindex, a);
}

int rtnl_addr_del(int ifindex, const struct appcfg_addr *a)
{
	return addr_msg(RTM_DELADDR, ifindex, a);
}

int rtnl_neigh_add(int ifindex, const struct appcfg_neigh *n)
{
	struct {
		struct nlmsghdr nh;
		struct ndmsg nd;
		char attrs[64];
	} req;

	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct ndmsg));
	req.nh.nlmsg_type = RTM_NEWNEIGH;
	req.nh.nlmsg_flags = NLM_F_CREATE | NLM_F_REPLACE;
	req.nd.ndm_family = n->family == 4 ? AF_INET : AF_INET6;
	req.nd.ndm_ifindex = ifindex;
	req.nd.ndm_state = NUD_PERMANENT;
	nl_put(&req, sizeof(req), NDA_DST, n->addr, n->family == 4 ? 4 : 16);
	nl_put(&req, sizeof(req), NDA_LLADDR, n->mac, 6);
	return nl_talk(&req.nh);
}

int rtnl_route(int cmd, uint32_t table, int family, const uint8_t *prefix, uint8_t plen, const uint8_t *via,
	       int ifindex)
{
	struct {
		struct nlmsghdr nh;
		struct rtmsg rt;
		char attrs[128];
	} req;
	size_t alen = family == 4 ? 4 : 16;

	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct rtmsg));
	req.nh.nlmsg_type = (unsigned short)cmd;
	req.nh.nlmsg_flags = cmd == RTM_NEWROUTE ? NLM_F_CREATE | NLM_F_REPLACE : 0;
	req.rt.rtm_family = family == 4 ? AF_INET : AF_INET6;
	req.rt.rtm_dst_len = plen;
	req.rt.rtm_table = table < 256 ? (unsigned char)table : RT_TABLE_UNSPEC;
	req.rt.rtm_protocol = RTPROT_STATIC;
	req.rt.rtm_scope = via ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
	req.rt.rtm_type = RTN_UNICAST;
	if (table >= 256)
		nl_put(&req, sizeof(req), RTA_TABLE, &table, sizeof(table));
	nl_put(&req, sizeof(req), RTA_DST, prefix, alen);
	if (via)
		nl_put(&req, sizeof(req), RTA_GATEWAY, via, alen);
	nl_put(&req, sizeof(req), RTA_OIF, &ifindex, sizeof(ifindex));
	return nl_talk(&req.nh);
}
