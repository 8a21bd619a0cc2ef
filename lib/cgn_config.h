/* SPDX-License-Identifier: BSD-3-Clause */
/* The carrier-grade NAT64 section of the configuration ("cgn", doc/cgn.md): plain data, its defaults. */
#ifndef XLAT_CGN_CONFIG_H
#define XLAT_CGN_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "eamt.h"

/* Per-protocol arrays: TCP, UDP, ICMP. */
enum { CGN_TCP, CGN_UDP, CGN_ICMP, CGN_NPROTO };

/* Which events are logged (cgn.logging.events). */
#define CGN_LOG_BIB 0x1
#define CGN_LOG_SESSION 0x2
#define CGN_LOG_BLOCK 0x4
#define CGN_LOG_QUOTA 0x8

/* A UDP destination for the exporter (IPFIX collector, syslog server). */
struct cgn_target {
	bool set;
	int family; /* 4 or 6 */
	uint8_t addr[16];
	uint16_t port;
};

/* RFC 7422 deterministic NAT: subscribers of prefix6 share prefix4's ports in fixed ranges. */
struct cgn_det {
	bool enabled;
	struct prefix6 prefix6; /* the subscribers' aggregate: its /subscriber_plen sub-prefixes */
	struct prefix4 prefix4;
	uint16_t port_min, port_max;
};

struct cgn_config {
	bool enabled;           /* a "cgn" section was configured (fixed at start: ownership depends on it) */
	uint8_t subscriber_plen; /* default 56 */
	uint32_t max_sessions;  /* per subscriber; 0: no limit */
	uint32_t max_ports[CGN_NPROTO]; /* BIB entries (pool4 ports) per subscriber and protocol; 0: no limit */
	uint16_t block_size;    /* PBA: ports per block; 0: PBA off */
	uint16_t max_blocks;    /* PBA: blocks per subscriber and protocol */
	struct cgn_det det;
	/* logging */
	uint8_t log_events;     /* CGN_LOG_* */
	struct cgn_target ipfix, syslog;
	uint32_t observation_domain;
	uint32_t template_refresh_s;
};

#define CGN_DEFAULT_PLEN 56
#define CGN_DEFAULT_MAX_BLOCKS 4
#define CGN_DEFAULT_TEMPLATE_REFRESH_S 60
/* Quota events are rate-limited per subscriber (a refused flow retries). */
#define CGN_QUOTA_LOG_INTERVAL_MS 1000

void cgn_config_init(struct cgn_config *c);

#endif
