/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ICMPv4 (RFC 792, RFC 1191, RFC 1812) and ICMPv6 (RFC 4443) types and the
 * codes the translator reads or writes, by name. DPDK's rte_icmp.h names only
 * the echo types, and glibc's netinet/ip_icmp.h and netinet/icmp6.h spell the
 * two families differently; these are ours (ICMPV4_*, ICMPV6_*).
 */
#ifndef XLAT_ICMP_TYPES_H
#define XLAT_ICMP_TYPES_H

#include <stdbool.h>
#include <stdint.h>

#include "bytes.h"

/* The ICMP header: type, code, checksum, then 4 bytes that depend on the type (RFC 792, RFC 4443 2.1). */
#define ICMP_HDR_LEN 8
/* The longest ICMP error, IP header included: RFC 1812 4.3.2.3 for ICMPv4, RFC 4443 2.4 (c) for ICMPv6. */
#define ICMP4_ERR_MAX 576
#define ICMP6_ERR_MAX 1280
/*
 * RFC 4884: the error types that say how long their quote is (ICMPv4
 * Destination Unreachable, Time Exceeded, Parameter Problem; ICMPv6
 * Destination Unreachable, Time Exceeded) say it in this byte of the header,
 * in units of this many bytes; an extension structure may follow the quote.
 */
#define ICMP4_LEN_OFF 5
#define ICMP4_LEN_UNIT 4
#define ICMP6_LEN_OFF 4
#define ICMP6_LEN_UNIT 8

enum icmpv4_type {
	ICMPV4_ECHO_REPLY = 0,
	ICMPV4_DEST_UNREACH = 3,
	ICMPV4_SOURCE_QUENCH = 4,
	ICMPV4_REDIRECT = 5,
	ICMPV4_ECHO_REQUEST = 8,
	ICMPV4_TIME_EXCEEDED = 11,
	ICMPV4_PARAM_PROBLEM = 12,
};

/* Destination Unreachable codes (RFC 792, RFC 1122 3.2.2.1, RFC 1812 5.2.7.1). */
enum icmpv4_unreach_code {
	ICMPV4_NET_UNREACH = 0,
	ICMPV4_HOST_UNREACH = 1,
	ICMPV4_PROTO_UNREACH = 2,
	ICMPV4_PORT_UNREACH = 3,
	ICMPV4_FRAG_NEEDED = 4, /* RFC 1191: the next-hop MTU in bytes 6-7 */
	ICMPV4_SOURCE_ROUTE_FAILED = 5,
	ICMPV4_NET_UNKNOWN = 6,
	ICMPV4_HOST_UNKNOWN = 7,
	ICMPV4_HOST_ISOLATED = 8,
	ICMPV4_NET_PROHIBITED = 9,
	ICMPV4_HOST_PROHIBITED = 10,
	ICMPV4_NET_TOS_UNREACH = 11,
	ICMPV4_HOST_TOS_UNREACH = 12,
	ICMPV4_ADMIN_PROHIBITED = 13,
	ICMPV4_HOST_PRECEDENCE = 14,
	ICMPV4_PRECEDENCE_CUTOFF = 15,
};

/* Time Exceeded codes. */
enum icmpv4_time_code {
	ICMPV4_TTL_EXCEEDED = 0,
	ICMPV4_REASSEMBLY_EXCEEDED = 1,
};

/* Parameter Problem codes (RFC 792, RFC 1812 5.2.7.2). */
enum icmpv4_param_code {
	ICMPV4_POINTER = 0, /* the pointer in byte 4 says where */
	ICMPV4_MISSING_OPTION = 1,
	ICMPV4_BAD_LENGTH = 2,
};

enum icmpv6_type {
	ICMPV6_DEST_UNREACH = 1,
	ICMPV6_PKT_TOO_BIG = 2,
	ICMPV6_TIME_EXCEEDED = 3,
	ICMPV6_PARAM_PROBLEM = 4,
	ICMPV6_INFO_MIN = 128, /* RFC 4443 2.1: types below are errors, these informational */
	ICMPV6_ECHO_REQUEST = 128,
	ICMPV6_ECHO_REPLY = 129,
};

/* Destination Unreachable codes (RFC 4443 3.1). */
enum icmpv6_unreach_code {
	ICMPV6_NO_ROUTE = 0,
	ICMPV6_ADMIN_PROHIBITED = 1,
	ICMPV6_BEYOND_SCOPE = 2,
	ICMPV6_ADDR_UNREACH = 3,
	ICMPV6_PORT_UNREACH = 4,
};

/* Time Exceeded codes (RFC 4443 3.3). */
enum icmpv6_time_code {
	ICMPV6_HOP_LIMIT_EXCEEDED = 0,
	ICMPV6_REASSEMBLY_EXCEEDED = 1,
};

/* Parameter Problem codes (RFC 4443 3.4): the pointer in bytes 4-7 says where. */
enum icmpv6_param_code {
	ICMPV6_ERRONEOUS_HEADER = 0,
	ICMPV6_UNKNOWN_NEXT_HEADER = 1,
	ICMPV6_UNKNOWN_OPTION = 2,
};

/* An ICMP header (both families): its checksum field zero, for the caller to compute. */
static inline void icmp_hdr_write(uint8_t *icmp, uint8_t type, uint8_t code, uint32_t rest)
{
	icmp[0] = type;
	icmp[1] = code;
	wr16(icmp + 2, 0);
	wr32(icmp + 4, rest);
}

/* The ICMPv4 errors (RFC 1122 3.2.2): the others are queries and answers. */
static inline bool icmp4_is_error(uint8_t type)
{
	return type == ICMPV4_DEST_UNREACH || type == ICMPV4_SOURCE_QUENCH || type == ICMPV4_REDIRECT ||
	       type == ICMPV4_TIME_EXCEEDED || type == ICMPV4_PARAM_PROBLEM;
}

static inline bool icmp6_is_error(uint8_t type)
{
	return type < ICMPV6_INFO_MIN;
}

/* Echo requests and replies: the ICMP messages NAT64 maps by their identifier (RFC 6146 3.5.3). */
static inline bool icmp4_is_echo(uint8_t type)
{
	return type == ICMPV4_ECHO_REPLY || type == ICMPV4_ECHO_REQUEST;
}

static inline bool icmp6_is_echo(uint8_t type)
{
	return type == ICMPV6_ECHO_REQUEST || type == ICMPV6_ECHO_REPLY;
}

#endif
