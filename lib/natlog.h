/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * NAT event logging (RFC 6888 REQ-12, RFC 8158): the fixed-size record a
 * worker writes into its single-producer / single-consumer event ring for the
 * control thread, which exports it as IPFIX (lib/ipfix.h) and/or syslog
 * lines. Producing an event is a copy into the ring; when the ring is full the
 * event is dropped and counted (XLAT_NATLOG_DROPPED): logging never blocks or
 * slows the fast path beyond that copy.
 */
#ifndef XLAT_NATLOG_H
#define XLAT_NATLOG_H

#include <stddef.h>
#include <stdint.h>

/* natEvent (IPFIX IE 230) values, RFC 8158 section 2 / IANA "NAT Event Type". */
enum natlog_type {
	NATLOG_SESSION_CREATE = 6,  /* NAT64 session create */
	NATLOG_SESSION_DELETE = 7,  /* NAT64 session delete */
	NATLOG_BIB_CREATE = 10,     /* NAT64 BIB create */
	NATLOG_BIB_DELETE = 11,     /* NAT64 BIB delete */
	NATLOG_QUOTA_EXCEEDED = 13, /* Quota Exceeded (natQuotaExceededEvent says which) */
	NATLOG_BLOCK_ALLOC = 16,    /* Port block allocation */
	NATLOG_BLOCK_FREE = 17,     /* Port block de-allocation */
};

/* natQuotaExceededEvent (IE 466) values, RFC 8158 section 2: ours is "Maximum entries per user". */
#define NATLOG_QUOTA_PER_USER 3

/*
 * One event, 64 bytes (ring element size: a multiple of 4). Addresses in
 * network order, ports in host order. Which fields mean something depends on
 * the type: sessions have all; BIB entries no remote; blocks proto, addr6
 * (the subscriber prefix), addr4, port4 (first port) and port_last; quota
 * events proto, addr6 (the subscriber prefix) and limit.
 */
struct natlog_event {
	uint64_t time_ms; /* worker clock (ctx->now_ns / 1e6); the control thread makes it wall-clock time */
	uint8_t type;     /* enum natlog_type */
	uint8_t proto;    /* 6, 17, 1 */
	uint16_t port6;
	uint32_t addr4;
	uint8_t addr6[16];
	uint16_t port4;
	uint16_t port_last; /* blocks: the last port of the block */
	uint32_t remote4;
	uint16_t rport;
	uint8_t quota; /* NATLOG_QUOTA_* */
	uint8_t pad;
	uint32_t limit; /* quota events: the limit that was hit */
	uint8_t pad2[12];
};

_Static_assert(sizeof(struct natlog_event) == 64, "natlog_event is one cache line");

/* The natEvent name, as IANA's registry spells it ("NAT64 BIB create"). */
const char *natlog_type_name(uint8_t type);

/*
 * One event as a syslog message body (no PRI/header), e.g.
 * "NAT64 BIB create proto=UDP src=[2001:db8::1]:5000 nat=192.0.2.1:61002".
 * Returns the length written (truncated to cap - 1).
 */
size_t natlog_format(const struct natlog_event *e, char *buf, size_t cap);

#endif
