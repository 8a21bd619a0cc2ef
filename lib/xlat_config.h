/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The translator's configuration: one immutable snapshot (struct xlat_config)
 * that the workers read through RCU and the control plane replaces whole.
 * Plain data and its defaults (xlat_config.c); no logic.
 */
#ifndef XLAT_CONFIG_H
#define XLAT_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "cgn_config.h"
#include "eamt.h"
#include "nat64_config.h"

struct nat64_redirect;

enum xlat_mode { XLAT_MODE_SIIT = 0, XLAT_MODE_NAT64 = 1 };

enum eam_hairpin_mode { EAM_HAIRPIN_OFF = 0, EAM_HAIRPIN_SIMPLE = 1, EAM_HAIRPIN_INTRINSIC = 2 };

#define XLAT_MAX_PLATEAUS 16
#define XLAT_MAX_DENYLIST4 64

/* Global options, named after Jool's (jool-reference.md), defaults in xlat_globals_init(). */
struct xlat_globals {
	bool manually_enabled;
	bool pool6_set;
	struct prefix6 pool6;
	uint16_t lowest_ipv6_mtu;
	bool zeroize_traffic_class;
	bool override_tos;
	uint8_t tos;
	uint16_t mtu_plateaus[XLAT_MAX_PLATEAUS]; /* descending */
	uint8_t n_plateaus;
	bool amend_udp_checksum_zero;
	enum eam_hairpin_mode eam_hairpin_mode;
	bool randomize_rfc6791;
	bool rfc6791v6_set;
	struct prefix6 rfc6791v6;
	bool rfc6791v4_set;
	struct prefix4 rfc6791v4;
	/* Ours: ICMP errors the box itself originates, per worker, per second. */
	uint32_t icmp_errors_per_sec;
	struct nat64_globals nat;
};

/* Immutable translator configuration; workers read it through RCU. */
struct xlat_config {
	/* the snapshot's generation: whoever publishes a changed copy bumps it (the fast path's memo keys on it) */
	uint64_t gen;
	enum xlat_mode mode;
	struct xlat_globals g;
	struct eamt eamt;
	struct prefix4 denylist4[XLAT_MAX_DENYLIST4];
	unsigned n_denylist4;
	/* NAT64 (RFC 6146); its options are in g.nat */
	struct pool4_entry pool4[POOL4_MAX];
	unsigned n_pool4;
	struct bib_static bib[BIB_STATIC_MAX];
	unsigned n_bib;
	/* Carrier-grade NAT64 (doc/cgn.md): subscriber limits, port blocks, deterministic NAT, event logging */
	struct cgn_config cgn;
	/* HA: pool4 ports living with another worker than their number's (nat64_redirect.h); NULL without sync.
	 * Not configuration: the dataplane's map, which every snapshot points at. */
	struct nat64_redirect *redirect;
};

void xlat_globals_init(struct xlat_globals *g);
void xlat_config_init(struct xlat_config *cfg, enum xlat_mode mode);

#endif
