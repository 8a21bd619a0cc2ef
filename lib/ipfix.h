/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPFIX (RFC 7011) messages carrying NAT events with the RFC 8158
 * information elements. Encoding only (no I/O): the control thread sends the
 * bytes to the collector over UDP (control/natlog_export.c).
 *
 * Templates (one per event family, all in one Template Set):
 *   256 NAT64 session: observationTimeMilliseconds(323) natEvent(230) protocolIdentifier(4)
 *       sourceIPv6Address(27) sourceTransportPort(7) postNATSourceIPv4Address(225)
 *       postNAPTSourceTransportPort(227) destinationIPv4Address(12) destinationTransportPort(11)
 *   257 NAT64 BIB: the same without the destination
 *   258 port block: 323 230 4 27 (the subscriber prefix) 225 portRangeStart(361) portRangeEnd(362)
 *   259 quota exceeded: 323 230 4 natQuotaExceededEvent(466) 27 maxEntriesPerUser(473)
 */
#ifndef XLAT_IPFIX_H
#define XLAT_IPFIX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "natlog.h"

#define IPFIX_VERSION 10
#define IPFIX_TPL_SESSION 256
#define IPFIX_TPL_BIB 257
#define IPFIX_TPL_BLOCK 258
#define IPFIX_TPL_QUOTA 259
/* Messages stay below a typical path MTU over UDP (RFC 7011 10.3.3: no IP fragmentation). */
#define IPFIX_MAX_MSG 1400

/* One exporting process's stream state (RFC 7011 3.1). */
struct ipfix_stream {
	uint32_t domain; /* Observation Domain ID */
	uint32_t seq;    /* data records sent so far, modulo 2^32 */
};

/* The template id an event type is exported with (0: none). */
uint16_t ipfix_template_of(uint8_t natlog_type);

/*
 * Encode one message into buf (cap >= 64): header, the Template Set when
 * with_templates, then Data Sets for as many of ev[0..n) as fit in cap and
 * IPFIX_MAX_MSG. ev[].time_ms must already be wall-clock milliseconds since
 * the epoch. *used gets how many events went in; the stream's sequence number
 * advances by that. Returns the message length.
 */
size_t ipfix_encode(struct ipfix_stream *st, uint32_t export_time_s, bool with_templates,
		    const struct natlog_event *ev, unsigned n, unsigned *used, uint8_t *buf, size_t cap);

#endif
