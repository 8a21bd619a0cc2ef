/* SPDX-License-Identifier: BSD-3-Clause */
/* NAT event names and syslog text (no I/O: the control thread sends them). */
#include <arpa/inet.h>
#include <stdio.h>

#include "natlog.h"

const char *natlog_type_name(uint8_t type)
{
	switch (type) {
	case NATLOG_SESSION_CREATE:
		return "NAT64 session create";
	case NATLOG_SESSION_DELETE:
		return "NAT64 session delete";
	case NATLOG_BIB_CREATE:
		return "NAT64 BIB create";
	case NATLOG_BIB_DELETE:
		return "NAT64 BIB delete";
	case NATLOG_QUOTA_EXCEEDED:
		return "Quota Exceeded";
	case NATLOG_BLOCK_ALLOC:
		return "Port block allocation";
	case NATLOG_BLOCK_FREE:
		return "Port block de-allocation";
	}
	return "?";
}

static const char *pname(uint8_t p)
{
	return p == 6 ? "TCP" : p == 17 ? "UDP" : p == 1 ? "ICMP" : "?";
}

size_t natlog_format(const struct natlog_event *e, char *buf, size_t cap)
{
	char a6[INET6_ADDRSTRLEN], a4[INET_ADDRSTRLEN], r4[INET_ADDRSTRLEN];
	int n;

	if (!cap)
		return 0;
	inet_ntop(AF_INET6, e->addr6, a6, sizeof(a6));
	inet_ntop(AF_INET, &e->addr4, a4, sizeof(a4));
	inet_ntop(AF_INET, &e->remote4, r4, sizeof(r4));
	switch (e->type) {
	case NATLOG_SESSION_CREATE:
	case NATLOG_SESSION_DELETE:
		n = snprintf(buf, cap, "%s proto=%s src=[%s]:%u nat=%s:%u dst=%s:%u", natlog_type_name(e->type),
			     pname(e->proto), a6, e->port6, a4, e->port4, r4, e->rport);
		break;
	case NATLOG_BIB_CREATE:
	case NATLOG_BIB_DELETE:
		n = snprintf(buf, cap, "%s proto=%s src=[%s]:%u nat=%s:%u", natlog_type_name(e->type), pname(e->proto),
			     a6, e->port6, a4, e->port4);
		break;
	case NATLOG_BLOCK_ALLOC:
	case NATLOG_BLOCK_FREE:
		n = snprintf(buf, cap, "%s proto=%s subscriber=%s nat=%s ports=%u-%u", natlog_type_name(e->type),
			     pname(e->proto), a6, a4, e->port4, e->port_last);
		break;
	case NATLOG_QUOTA_EXCEEDED:
		n = snprintf(buf, cap, "%s proto=%s subscriber=%s limit=%u", natlog_type_name(e->type), pname(e->proto),
			     a6, e->limit);
		break;
	default:
		n = snprintf(buf, cap, "event %u", e->type);
	}
	if (n < 0)
		n = 0;
	return (size_t)n < cap ? (size_t)n : cap - 1;
}
