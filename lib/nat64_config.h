/* SPDX-License-Identifier: BSD-3-Clause */
/* The NAT64 part of the configuration (RFC 6146): pool4, static BIB entries, Jool's NAT64 options. Plain data. */
#ifndef XLAT_NAT64_CONFIG_H
#define XLAT_NAT64_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#define POOL4_MAX 64
#define BIB_STATIC_MAX 1024

struct pool4_entry {
	uint8_t proto; /* 6, 17 or 1 (ICMP: the range is of query identifiers) */
	uint32_t addr; /* network order */
	uint8_t plen;
	uint16_t port_min, port_max;
	uint32_t mark;
	uint32_t max_iterations; /* 0: automatic */
};

struct bib_static {
	uint8_t proto;
	uint8_t addr6[16];
	uint16_t port6;
	uint32_t addr4; /* network order */
	uint16_t port4;
};

/* Jool's NAT64 options (jool-reference.md), in milliseconds where timed. */
struct nat64_globals {
	bool address_dependent_filtering;
	bool drop_externally_initiated_tcp;
	bool drop_icmpv6_info;
	bool handle_rst_during_fin_rcv;
	bool source_icmpv6_errors_better; /* off: a translated ICMPv4 error leaves from pool6(quoted dst) */
	uint32_t udp_timeout_ms;
	uint32_t tcp_est_timeout_ms;
	uint32_t tcp_trans_timeout_ms;
	uint32_t icmp_timeout_ms;
	uint32_t f_args;
	uint32_t max_simultaneous_opens;
	/* Ours: the bound of each worker's tables. */
	uint32_t max_sessions;
	/* Session synchronisation (Jool's joold options; doc/ha.md). */
	bool ss_enabled;
	bool ss_flush_asap;
	uint32_t ss_flush_deadline_ms;
	uint32_t ss_capacity;           /* each worker's event queue, in sessions (the start's value holds) */
	uint32_t ss_max_payload;        /* bytes of UDP payload per datagram */
	uint32_t ss_max_sessions_per_packet;
};

#endif
