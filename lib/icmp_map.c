/* SPDX-License-Identifier: BSD-3-Clause */
/* ICMP type, code, pointer and MTU translation: RFC 7915 4.2 (v4->v6) and 5.2 (v6->v4). */
#include "bytes.h"
#include "icmp_map.h"

bool icmp4_is_error(uint8_t type)
{
	return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
}

bool icmp6_is_error(uint8_t type)
{
	return type < 128;
}

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
	case 0: /* echo reply */
		set(m, 129, 0, ICMP_REST_COPY);
		return XLAT_OK;
	case 8: /* echo request */
		set(m, 128, 0, ICMP_REST_COPY);
		return XLAT_OK;
	case 3: /* destination unreachable */
		switch (code) {
		case 0: case 1: case 5: case 6: case 7: case 8: case 11: case 12:
			set(m, 1, 0, ICMP_REST_ZERO);
			return XLAT_OK;
		case 2: /* protocol unreachable -> parameter problem, pointer to next header */
			set(m, 4, 1, ICMP_REST_PTR);
			m->ptr = 6;
			return XLAT_OK;
		case 3:
			set(m, 1, 4, ICMP_REST_ZERO);
			return XLAT_OK;
		case 4:
			set(m, 2, 0, ICMP_REST_MTU);
			return XLAT_OK;
		case 9: case 10: case 13: case 15:
			set(m, 1, 1, ICMP_REST_ZERO);
			return XLAT_OK;
		default: /* 14 (host precedence violation) and unknown codes: silently dropped */
			return JSTAT_UNKNOWN_ICMP4_TYPE;
		}
	case 11: /* time exceeded: code unchanged */
		set(m, 3, code, ICMP_REST_ZERO);
		return XLAT_OK;
	case 12: /* parameter problem */
		if (code != 0 && code != 2)
			return JSTAT_UNKNOWN_ICMP4_TYPE;
		int p = ptr46(rest[0]);
		if (p < 0)
			return JSTAT46_UNTRANSLATABLE_PARAM_PROBLEM_PTR;
		set(m, 4, 0, ICMP_REST_PTR);
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
	case 128:
		set(m, 8, 0, ICMP_REST_COPY);
		return XLAT_OK;
	case 129:
		set(m, 0, 0, ICMP_REST_COPY);
		return XLAT_OK;
	case 1: /* destination unreachable */
		switch (code) {
		case 0: case 2: case 3:
			set(m, 3, 1, ICMP_REST_ZERO);
			return XLAT_OK;
		case 1:
			set(m, 3, 10, ICMP_REST_ZERO);
			return XLAT_OK;
		case 4:
			set(m, 3, 3, ICMP_REST_ZERO);
			return XLAT_OK;
		default:
			return JSTAT_UNKNOWN_ICMP6_TYPE;
		}
	case 2: /* packet too big -> fragmentation needed */
		set(m, 3, 4, ICMP_REST_MTU);
		return XLAT_OK;
	case 3:
		set(m, 11, code, ICMP_REST_ZERO);
		return XLAT_OK;
	case 4: /* parameter problem */
		if (code == 1) { /* unrecognized next header -> protocol unreachable */
			set(m, 3, 2, ICMP_REST_ZERO);
			return XLAT_OK;
		}
		if (code != 0)
			return JSTAT_UNKNOWN_ICMP6_TYPE;
		int p = ptr64(rd32(rest));
		if (p < 0)
			return JSTAT64_UNTRANSLATABLE_PARAM_PROB_PTR;
		set(m, 12, 0, ICMP_REST_PTR);
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
