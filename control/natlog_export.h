/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * NAT event export (doc/cgn.md): the control thread hands it the events it
 * drained from the workers' rings; it sends them as IPFIX messages (RFC 7011
 * over UDP, RFC 8158 elements, lib/ipfix.h) to cgn.logging.ipfix and/or as
 * syslog lines (RFC 5424 format over UDP, RFC 5426) to cgn.logging.syslog.
 * Non-blocking sockets: a datagram the kernel does not take is counted, never
 * waited for.
 */
#ifndef XLAT_NATLOG_EXPORT_H
#define XLAT_NATLOG_EXPORT_H

#include <stdint.h>

#include "cgn.h"
#include "natlog.h"
#include "stats.h"

struct natlog_exporter;

struct natlog_exporter *natlog_exporter_new(void);
void natlog_exporter_free(struct natlog_exporter *x);

/*
 * Send ev[0..n) (time_ms already wall-clock milliseconds since the epoch) to
 * the targets c names. now_s: wall-clock seconds (export time, template
 * refresh). counters: the control thread's (XLAT_NATLOG_MSGS, _SEND_FAILED).
 */
void natlog_export(struct natlog_exporter *x, const struct cgn_config *c, const struct natlog_event *ev, unsigned n,
		   uint64_t now_s, uint64_t counters[XSTAT_MAX]);

#endif
