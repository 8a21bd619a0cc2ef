/* SPDX-License-Identifier: BSD-3-Clause */
/* ICMP type, code, pointer and MTU translation: RFC 7915 4.2 (v4->v6) and 5.2 (v6->v4). */
#include "bytes.h"
#include "icmp_map.h"
#include "icmp_types.h"

static void set(struct icmp_map *m, uint8_t type, uint8_t code, enum icmp_rest rest)
{
	m->type = type;
	m->code = code;
	m->rest = rest;
	m->ptr = 0;
}

/* RFC 7915 4.2 figure 3: IPv4 header byte -> IPv6 header byte; -1 where none exists. */
static int ptr46(uint8_t p)
{
	static const int8_t map[20] = { 0, 1, 4, 4, -1, -1, -1, -1, 7, 6, -1, -1, 8, 8, 8, 8, 24, 24, 24, 24 };

	return p < 20 ? map[p] : -1;
}

enum xlat_stat icmp_map46(uint8_t type, uint8_t code, const uint8_t rest[4], struct icmp_map *m)
{
	switch (type) {
	case ICMPV4_ECHO_REPLY:
		set(m, ICMPV6_ECHO_REPLY, 0, ICMP_REST_COPY);
		return XLAT_OK;
	case ICMPV4_ECHO_REQUEST:
		set(m, ICMPV6_ECHO_REQUEST, 0, ICMP_REST_COPY);
		return XLAT_OK;
	case ICMPV4_DEST_UNREACH:
		switch (code) {
		case ICMPV4_NET_UNREACH: case ICMPV4_HOST_UNREACH: case ICMPV4_SOURCE_ROUTE_FAILED:
		case ICMPV4_NET_UNKNOWN: case ICMPV4_HOST_UNKNOWN: case ICMPV4_HOST_ISOLATED:
		case ICMPV4_NET_TOS_UNREACH: case ICMPV4_HOST_TOS_UNREACH:
			set(m, ICMPV6_DEST_UNREACH, ICMPV6_NO_ROUTE, ICMP_REST_ZERO);
			return XLAT_OK;
		case ICMPV4_PROTO_UNREACH: /* -> parameter problem, pointer to the IPv6 Next Header field */
			set(m, ICMPV6_PARAM_PROBLEM, ICMPV6_UNKNOWN_NEXT_HEADER, ICMP_REST_PTR);
			m->ptr = 6;
			return XLAT_OK;
		case ICMPV4_PORT_UNREACH:
			set(m, ICMPV6_DEST_UNREACH, ICMPV6_PORT_UNREACH, ICMP_REST_ZERO);
			return XLAT_OK;
		case ICMPV4_FRAG_NEEDED:
			set(m, ICMPV6_PKT_TOO_BIG, 0, ICMP_REST_MTU);
			return XLAT_OK;
		case ICMPV4_NET_PROHIBITED: case ICMPV4_HOST_PROHIBITED: case ICMPV4_ADMIN_PROHIBITED:
		case ICMPV4_PRECEDENCE_CUTOFF:
			set(m, ICMPV6_DEST_UNREACH, ICMPV6_ADMIN_PROHIBITED, ICMP_REST_ZERO);
			return XLAT_OK;
		default: /* ICMPV4_HOST_PRECEDENCE and unknown codes: silently dropped */
			return JSTAT_UNKNOWN_ICMP4_TYPE;
		}
	case ICMPV4_TIME_EXCEEDED: /* the code unchanged */
		set(m, ICMPV6_TIME_EXCEEDED, code, ICMP_REST_ZERO);
		return XLAT_OK;
	case ICMPV4_PARAM_PROBLEM:
		if (code != ICMPV4_POINTER && code != ICMPV4_BAD_LENGTH)
			return JSTAT_UNKNOWN_ICMP4_TYPE;
		int p = ptr46(rest[0]);
		if (p < 0)
			return JSTAT46_UNTRANSLATABLE_PARAM_PROBLEM_PTR;
		set(m, ICMPV6_PARAM_PROBLEM, ICMPV6_ERRONEOUS_HEADER, ICMP_REST_PTR);
		m->ptr = (uint32_t)p;
		return XLAT_OK;
	default: /* timestamps, info, router, redirect, source quench: single-hop or obsolete */
		return JSTAT_UNKNOWN_ICMP4_TYPE;
	}
}

/* RFC 7915 5.2 figure 6: IPv6 header byte -> IPv4 header byte. */
static int ptr64(uint32_t p)
{
	if (p == 0 || p == 1)
		return (int)p;
	if (p == 4 || p == 5)
		return 2;
	if (p == 6)
		return 9;
	if (p == 7)
		return 8;
	if (p >= 8 && p <= 23)
		return 12;
	if (p >= 24 && p <= 39)
		return 16;
	return -1;
}

enum xlat_stat icmp_map64(uint8_t type, uint8_t code, const uint8_t rest[4], struct icmp_map *m)
{
	switch (type) {
	case ICMPV6_ECHO_REQUEST:
		set(m, ICMPV4_ECHO_REQUEST, 0, ICMP_REST_COPY);
		return XLAT_OK;
	case ICMPV6_ECHO_REPLY:
		set(m, ICMPV4_ECHO_REPLY, 0, ICMP_REST_COPY);
		return XLAT_OK;
	case ICMPV6_DEST_UNREACH:
		switch (code) {
		case ICMPV6_NO_ROUTE: case ICMPV6_BEYOND_SCOPE: case ICMPV6_ADDR_UNREACH:
			set(m, ICMPV4_DEST_UNREACH, ICMPV4_HOST_UNREACH, ICMP_REST_ZERO);
			return XLAT_OK;
		case ICMPV6_ADMIN_PROHIBITED:
			set(m, ICMPV4_DEST_UNREACH, ICMPV4_HOST_PROHIBITED, ICMP_REST_ZERO);
			return XLAT_OK;
		case ICMPV6_PORT_UNREACH:
			set(m, ICMPV4_DEST_UNREACH, ICMPV4_PORT_UNREACH, ICMP_REST_ZERO);
			return XLAT_OK;
		default:
			return JSTAT_UNKNOWN_ICMP6_TYPE;
		}
	case ICMPV6_PKT_TOO_BIG:
		set(m, ICMPV4_DEST_UNREACH, ICMPV4_FRAG_NEEDED, ICMP_REST_MTU);
		return XLAT_OK;
	case ICMPV6_TIME_EXCEEDED: /* the code unchanged */
		set(m, ICMPV4_TIME_EXCEEDED, code, ICMP_REST_ZERO);
		return XLAT_OK;
	case ICMPV6_PARAM_PROBLEM:
		if (code == ICMPV6_UNKNOWN_NEXT_HEADER) {
			set(m, ICMPV4_DEST_UNREACH, ICMPV4_PROTO_UNREACH, ICMP_REST_ZERO);
			return XLAT_OK;
		}
		if (code != ICMPV6_ERRONEOUS_HEADER)
			return JSTAT_UNKNOWN_ICMP6_TYPE;
		int p = ptr64(rd32(rest));
		if (p < 0)
			return JSTAT64_UNTRANSLATABLE_PARAM_PROB_PTR;
		set(m, ICMPV4_PARAM_PROBLEM, ICMPV4_POINTER, ICMP_REST_PTR);
		m->ptr = (uint32_t)p;
		return XLAT_OK;
	default: /* MLD, ND, and unknown informational messages are single-hop: not translated */
		return JSTAT_UNKNOWN_ICMP6_TYPE;
	}
}

static uint32_t min32(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

uint32_t icmp_mtu46(const struct xlat_globals *g, uint16_t mtu4_field, uint32_t inner_totlen, uint32_t out6_mtu,
		    uint32_t in4_mtu)
{
	uint32_t mtu = mtu4_field;

	if (mtu == 0) {
		/* RFC 7915 4.2 / RFC 1191 5: the greatest plateau below the returned Total Length. */
		for (unsigned i = 0; i < g->n_plateaus; i++) {
			if (g->mtu_plateaus[i] < inner_totlen) {
				mtu = g->mtu_plateaus[i];
				break;
			}
		}
		if (mtu == 0)
			mtu = 68;
	}
	mtu = min32(mtu + 20, min32(out6_mtu, in4_mtu + 20));
	/* IPv6 links never go below 1280 (RFC 8200 5); an IPv6 host ignores a smaller PTB anyway. */
	return mtu < 1280 ? 1280 : mtu;
}

uint32_t icmp_mtu64(uint32_t mtu6_field, uint32_t out4_mtu, uint32_t in6_mtu)
{
	uint32_t m = mtu6_field > 20 ? mtu6_field - 20 : 0;

	m = min32(m, out4_mtu);
	return min32(m, in6_mtu > 20 ? in6_mtu - 20 : 0);
}
