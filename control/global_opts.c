/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The global options' table (global_opts.h says what comes from it). Jool
 * 4.1's options in its order (globals_metadata in its src/common/global.c;
 * scope = its .xt), then ours. The order is that of `global get` and of
 * the dump; doc strings are Markdown for doc/configuration.md.
 */
#include "global_opts.h"

#include "xlat.h"

#define U32MAX 4294967295ull

/* where in struct xlat_globals, and how wide */
#define FIELD(f) .off = offsetof(struct xlat_globals, f), .size = sizeof(((struct xlat_globals *)0)->f)
#define AUX(f) .aux = offsetof(struct xlat_globals, f)
#define UNSTORED .off = GOPT_UNSTORED

/* GOPT_ENUM values are stored by index: the names in the enum's order. */
static const char *const hairpin_modes[] = { "off", "simple", "intrinsic", NULL };
_Static_assert(EAM_HAIRPIN_OFF == 0 && EAM_HAIRPIN_SIMPLE == 1 && EAM_HAIRPIN_INTRINSIC == 2,
	       "hairpin_modes[] follows enum eam_hairpin_mode");

static const struct gopt table[] = {
	/* both translators */
	{ .name = "manually-enabled", .type = GOPT_BOOL, .scope = GOPT_BOTH, FIELD(manually_enabled), .dflt = "true",
	  .doc = "`false`: packets for the translator are dropped (counter `JSTAT_XLATOR_DISABLED`)" },
	{ .name = "pool6", .type = GOPT_PREFIX6, .scope = GOPT_BOTH, .rfc6052 = true, FIELD(pool6), AUX(pool6_set),
	  .dflt = "null",
	  .doc = "RFC 6052 prefix: IPv4 address X is IPv6 `pool6 + X`. Length 32, 40, 48, 56, 64 or 96 (RFC 6052 2.2); "
		 "bits 64-71 (the u-octet) must be zero; no bits after the length. `null` (or the string `\"null\"`, as "
		 "Jool accepts) unsets it. Well-known prefix: `64:ff9b::/96` (RFC 6052 2.1)" },
	{ .name = "lowest-ipv6-mtu", .type = GOPT_UINT, .scope = GOPT_BOTH, .min = 1280, .max = 65535,
	  FIELD(lowest_ipv6_mtu), .dflt = "1280",
	  .doc = "smallest MTU expected on the IPv6 side; IPv4 packets without DF that would not fit are fragmented to "
		 "this size (RFC 7915 4.1)" },
	{ .name = "logging-debug", .type = GOPT_BOOL, .scope = GOPT_BOTH, UNSTORED, .dflt = "false",
	  .doc = "Jool's debug log switch" },
	{ .name = "zeroize-traffic-class", .type = GOPT_BOOL, .scope = GOPT_BOTH, FIELD(zeroize_traffic_class),
	  .dflt = "false",
	  .doc = "IPv4 to IPv6: set the Traffic Class to 0 instead of copying the TOS (RFC 7915 4.1)" },
	{ .name = "override-tos", .type = GOPT_BOOL, .scope = GOPT_BOTH, FIELD(override_tos), .dflt = "false",
	  .doc = "IPv6 to IPv4: set the TOS to `tos` instead of copying the Traffic Class (RFC 7915 5.1)" },
	{ .name = "tos", .type = GOPT_UINT, .scope = GOPT_BOTH, .min = 0, .max = 255, FIELD(tos), .dflt = "0",
	  .doc = "the TOS written when `override-tos` is on" },
	{ .name = "mtu-plateaus", .type = GOPT_PLATEAUS, .scope = GOPT_BOTH, FIELD(mtu_plateaus), AUX(n_plateaus),
	  .dflt = "[65535, 32000, 17914, 8166, 4352, 2002, 1492, 1006, 508, 296, 68]",
	  .doc = "MTUs guessed for ICMPv4 \"Fragmentation Needed\" messages that carry no MTU (RFC 1191 7); sorted "
		 "descending, zeros and duplicates dropped on load (Jool's rule), at most 16 distinct. Any value is "
		 "safe: a plateau is only the guess, and the translated Packet Too Big never says less than 1280 (RFC "
		 "8200 5, RFC 7915 4.2), so Jool's old examples' `[1, 2, 3, 4, 5, 6]` load" },
	/* SIIT */
	{ .name = "amend-udp-checksum-zero", .type = GOPT_BOOL, .scope = GOPT_SIIT, FIELD(amend_udp_checksum_zero),
	  .dflt = "false",
	  .doc = "IPv4 UDP with checksum 0 (legal in IPv4, not in IPv6): `true` computes it, `false` drops the packet "
		 "(RFC 7915 4.5; counter `XLAT_UDP_ZERO_CSUM`). Fragmented ones are always dropped" },
	{ .name = "eam-hairpin-mode", .type = GOPT_ENUM, .scope = GOPT_SIIT, FIELD(eam_hairpin_mode),
	  .values = hairpin_modes, .dflt = "\"intrinsic\"",
	  .doc = "EAMT hairpinning (RFC 7757 4.2): traffic from one EAMT IPv6 host to another's IPv4 address" },
	{ .name = "randomize-rfc6791-addresses", .type = GOPT_BOOL, .scope = GOPT_SIIT, FIELD(randomize_rfc6791),
	  .dflt = "true", .doc = "pick the RFC 6791 source at random from `rfc6791v4-prefix` (else by hop limit)" },
	{ .name = "rfc6791v6-prefix", .type = GOPT_PREFIX6, .scope = GOPT_SIIT, FIELD(rfc6791v6), AUX(rfc6791v6_set),
	  .dflt = "null",
	  .doc = "source of translated ICMPv6 errors whose IPv4 source has no IPv6 form; unset: the port's own IPv6 "
		 "address" },
	{ .name = "rfc6791v4-prefix", .type = GOPT_PREFIX4, .scope = GOPT_SIIT, FIELD(rfc6791v4), AUX(rfc6791v4_set),
	  .dflt = "null",
	  .doc = "source of translated ICMPv4 errors whose IPv6 source has no IPv4 form (RFC 6791); unset: the port's "
		 "own IPv4 address" },
	/* NAT64: filtering */
	{ .name = "address-dependent-filtering", .type = GOPT_BOOL, .scope = GOPT_NAT64,
	  FIELD(nat.address_dependent_filtering), .dflt = "false",
	  .doc = "restricted-cone instead of full-cone filtering" },
	{ .name = "drop-externally-initiated-tcp", .type = GOPT_BOOL, .scope = GOPT_NAT64,
	  FIELD(nat.drop_externally_initiated_tcp), .dflt = "false", .doc = "refuse TCP connections opened from IPv4" },
	{ .name = "drop-icmpv6-info", .type = GOPT_BOOL, .scope = GOPT_NAT64, FIELD(nat.drop_icmpv6_info),
	  .dflt = "false", .doc = "drop ICMPv6 informational messages" },
	{ .name = "source-icmpv6-errors-better", .type = GOPT_BOOL, .scope = GOPT_NAT64,
	  FIELD(nat.source_icmpv6_errors_better), .dflt = "true",
	  .doc = "NAT64, 4-to-6 ICMP errors: `true` translates the error's own source (RFC 7915 4.2: the router that sent it, "
		 "through pool6); `false` (Jool's behaviour before its issue 132) makes the error seem to come from the "
		 "quoted packet's destination" },
	{ .name = "f-args", .type = GOPT_UINT, .scope = GOPT_NAT64, .min = 0, .max = 15, FIELD(nat.f_args),
	  .dflt = "11",
	  .doc = "which of source address, source port, destination address, destination port (bits 3..0) feed RFC "
		 "6056's F()" },
	{ .name = "handle-rst-during-fin-rcv", .type = GOPT_BOOL, .scope = GOPT_NAT64,
	  FIELD(nat.handle_rst_during_fin_rcv), .dflt = "false",
	  .doc = "a RST in V4/V6 FIN RCV moves to the transitory timer" },
	/* NAT64: timeouts (RFC 6146 3.5 minimums, as Jool enforces them) */
	{ .name = "tcp-est-timeout", .type = GOPT_TIME, .scope = GOPT_NAT64, .min = 2 * 3600 * 1000ull, .max = U32MAX,
	  FIELD(nat.tcp_est_timeout_ms), .dflt = "\"2:04:00\"",
	  .doc = "established TCP session lifetime (RFC 6146 4 / RFC 5382 REQ-5 ask for 2 h 4 min; Jool ships 2:00:00). "
		 "When it runs out the session gets the transitory timer, as in Jool" },
	{ .name = "tcp-trans-timeout", .type = GOPT_TIME, .scope = GOPT_NAT64, .min = 4 * 60 * 1000ull, .max = U32MAX,
	  FIELD(nat.tcp_trans_timeout_ms), .dflt = "\"0:04:00\"", .doc = "transitory TCP session lifetime" },
	{ .name = "udp-timeout", .type = GOPT_TIME, .scope = GOPT_NAT64, .min = 2 * 60 * 1000ull, .max = U32MAX,
	  FIELD(nat.udp_timeout_ms), .dflt = "\"0:05:00\"", .doc = "UDP session lifetime (RFC 6146 3.5.1)" },
	{ .name = "icmp-timeout", .type = GOPT_TIME, .scope = GOPT_NAT64, .min = 0, .max = U32MAX,
	  FIELD(nat.icmp_timeout_ms), .dflt = "\"0:01:00\"", .doc = "ICMP query session lifetime" },
	/* NAT64: logging (ours is the cgn section's), simultaneous open */
	{ .name = "logging-bib", .type = GOPT_BOOL, .scope = GOPT_NAT64, UNSTORED, .dflt = "false",
	  .doc = "log BIB entries as they come and go (xlat64 logs NAT events as the `cgn` section says, doc/cgn.md)" },
	{ .name = "logging-session", .type = GOPT_BOOL, .scope = GOPT_NAT64, UNSTORED, .dflt = "false",
	  .doc = "log sessions as they come and go (see `logging-bib`)" },
	{ .name = "maximum-simultaneous-opens", .type = GOPT_UINT, .scope = GOPT_NAT64, .min = 0, .max = U32MAX,
	  FIELD(nat.max_simultaneous_opens), .dflt = "10",
	  .doc = "IPv4-initiated SYNs stored while waiting for the IPv6 side" },
	/* NAT64: session synchronisation (joold's options; the transport is the "sync" section, doc/ha.md) */
	{ .name = "ss-enabled", .type = GOPT_BOOL, .scope = GOPT_NAT64, FIELD(nat.ss_enabled), .dflt = "false",
	  .doc = "synchronise sessions with the peers of the `sync` section (doc/ha.md); live: `false` stops sending "
		 "and installing, `true` starts again (ask for a bulk with `sync bulk` after a long pause)" },
	{ .name = "ss-flush-asap", .type = GOPT_BOOL, .scope = GOPT_NAT64, FIELD(nat.ss_flush_asap), .dflt = "true",
	  .doc = "send what the workers queued at once (within a millisecond), in as few datagrams as it fills; "
		 "`false`: only full datagrams, or what waited `ss-flush-deadline`" },
	{ .name = "ss-flush-deadline", .type = GOPT_UINT, .scope = GOPT_NAT64, .min = 0, .max = 60000, .unit = "ms",
	  FIELD(nat.ss_flush_deadline_ms), .dflt = "2000",
	  .doc = "with `ss-flush-asap` off, the longest a queued session waits for a datagram to fill" },
	{ .name = "ss-capacity", .type = GOPT_UINT, .scope = GOPT_NAT64, .min = 1, .max = 1u << 24,
	  FIELD(nat.ss_capacity), .dflt = "65536",
	  .doc = "each worker's queue of session events, in sessions (the power of two at least this and 512; read at start). "
		 "A full queue loses events (counter `XLAT_SYNC_QUEUE_FULL`), never slows a worker. Jool's default "
		 "is 512 for its one kernel queue; a worker creating 2 M sessions/s needs more" },
	{ .name = "ss-max-payload", .type = GOPT_UINT, .scope = GOPT_NAT64, .min = 100, .max = 65507, .unit = "bytes",
	  FIELD(nat.ss_max_payload), .dflt = "1452",
	  .doc = "UDP payload of a sync datagram at most (28-byte header, 40 bytes per session, 32-byte HMAC): "
		 "1452 fits a 1500-byte IPv6 link" },
	{ .name = "ss-max-sessions-per-packet", .type = GOPT_UINT, .scope = GOPT_NAT64, .min = 1, .max = 1600,
	  FIELD(nat.ss_max_sessions_per_packet), .dflt = "36",
	  .doc = "sessions per sync datagram at most (Jool 4.1's name); the smaller of this and `ss-max-payload` "
		 "holds" },
	/* ours */
	{ .name = "icmp-errors-per-sec", .type = GOPT_UINT, .scope = GOPT_BOTH, .ours = true, .min = 0, .max = 1000000,
	  FIELD(icmp_errors_per_sec), .dflt = "1000",
	  .doc = "most ICMP errors the box itself originates (TTL expiry, Packet Too Big, ...) per worker and second, "
		 "bursts up to that many; 0 sends none. Translated ICMP errors are not limited" },
	{ .name = "max-sessions-per-worker", .type = GOPT_UINT, .scope = GOPT_NAT64, .ours = true, .min = 1024,
	  .max = 1u << 26, FIELD(nat.max_sessions), .dflt = "65536",
	  .doc = "NAT64: the size of each worker's BIB and session tables (preallocated at start; 176 bytes per "
		 "session, its BIB entry included, measured at 1 000 000; the four indexes round their buckets up to a "
		 "power of two, so other sizes take ~160-210 bytes (see nat64.md), so size `-m`/hugepages to match). A "
		 "full table refuses new flows (counter `XLAT_NAT64_TABLE_FULL`, ICMPv6 1/3 back) and keeps the old ones" },
};

unsigned appcfg_global_count(void)
{
	return sizeof(table) / sizeof(table[0]);
}

const struct gopt *gopt_get(unsigned i)
{
	return i < appcfg_global_count() ? &table[i] : NULL;
}
