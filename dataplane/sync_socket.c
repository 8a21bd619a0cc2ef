/* SPDX-License-Identifier: BSD-3-Clause */
/* The sync thread's UDP socket (doc/ha.md): bound to sync.address, a multicast group joined, the peers'
 * addresses to send to. */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sync_internal.h"

static void sockaddr_of(const struct dp_sync *s, const uint8_t *a, struct sockaddr_storage *ss, socklen_t *len)
{
	memset(ss, 0, sizeof(*ss));
	if (s->conf->family == 6) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(s->conf->port);
		memcpy(&in6->sin6_addr, a, 16);
		*len = sizeof(*in6);
	} else {
		struct sockaddr_in *in = (struct sockaddr_in *)ss;
		in->sin_family = AF_INET;
		in->sin_port = htons(s->conf->port);
		memcpy(&in->sin_addr, a, 4);
		*len = sizeof(*in);
	}
}

static int join_group(struct dp_sync *s, char *err, size_t errlen)
{
	const struct appcfg_sync *c = s->conf;
	unsigned ifx = if_nametoindex(c->interface);
	int zero = 0, one = 1;

	if (!ifx) {
		snprintf(err, errlen, "sync.interface %s: %s", c->interface, strerror(errno));
		return -1;
	}
	if (c->family == 6) {
		struct ipv6_mreq m = { .ipv6mr_interface = ifx };
		memcpy(&m.ipv6mr_multiaddr, c->group, 16);
		if (setsockopt(s->fd, IPPROTO_IPV6, IPV6_JOIN_GROUP, &m, sizeof(m)) ||
		    setsockopt(s->fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &ifx, sizeof(ifx)) ||
		    setsockopt(s->fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &zero, sizeof(zero)) ||
		    setsockopt(s->fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &one, sizeof(one)))
			goto fail;
	} else {
		struct ip_mreqn m = { .imr_ifindex = (int)ifx };
		memcpy(&m.imr_multiaddr, c->group, 4);
		memcpy(&m.imr_address, c->address, 4);
		unsigned char ttl = 1, loop = 0;
		if (setsockopt(s->fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &m, sizeof(m)) ||
		    setsockopt(s->fd, IPPROTO_IP, IP_MULTICAST_IF, &m, sizeof(m)) ||
		    setsockopt(s->fd, IPPROTO_IP, IP_MULTICAST_LOOP, &loop, sizeof(loop)) ||
		    setsockopt(s->fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof(ttl)))
			goto fail;
	}
	return 0;
fail:
	snprintf(err, errlen, "sync: joining the multicast group on %s: %s", c->interface, strerror(errno));
	return -1;
}

int sync_open_socket(struct dp_sync *s, char *err, size_t errlen)
{
	const struct appcfg_sync *c = s->conf;
	struct sockaddr_storage ss;
	socklen_t len;
	int buf = 8 << 20, one = 1;

	s->fd = socket(c->family == 6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->fd < 0) {
		snprintf(err, errlen, "sync: socket: %s", strerror(errno));
		return -1;
	}
	/* a bulk arrives faster than the default buffers take while the thread sleeps between rounds */
	if (setsockopt(s->fd, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof(buf)))
		setsockopt(s->fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
	if (setsockopt(s->fd, SOL_SOCKET, SO_SNDBUFFORCE, &buf, sizeof(buf)))
		setsockopt(s->fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof(buf));
	setsockopt(s->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	/* bound to the group (multicast: receives what is sent to it) or to our unicast address */
	sockaddr_of(s, c->multicast && c->family == 4 ? (const uint8_t[16]){ 0 } : c->address, &ss, &len);
	if (c->multicast && c->family == 6)
		sockaddr_of(s, (const uint8_t[16]){ 0 }, &ss, &len);
	if (bind(s->fd, (struct sockaddr *)&ss, len) != 0) {
		char a[INET6_ADDRSTRLEN];
		inet_ntop(c->family == 6 ? AF_INET6 : AF_INET, c->address, a, sizeof(a));
		snprintf(err, errlen, "sync: cannot listen on %s port %u: %s", a, c->port, strerror(errno));
		return -1;
	}
	if (c->multicast) {
		if (join_group(s, err, errlen))
			return -1;
		sockaddr_of(s, c->group, &s->dst[0], &s->dlen);
		s->n_dst = 1;
	} else {
		for (unsigned i = 0; i < c->n_peers; i++)
			sockaddr_of(s, c->peers[i], &s->dst[i], &s->dlen);
		s->n_dst = c->n_peers;
	}
	return 0;
}

