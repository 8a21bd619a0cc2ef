/* SPDX-License-Identifier: BSD-3-Clause */
/* Address translation policy: EAMT first (RFC 7757 3.3), then pool6 (RFC 6052), denylist4 for pool6 only. */
#include <arpa/inet.h>

#include <string.h>

#include "addr_xlat.h"
#include "rfc6052.h"

static bool denylisted4(const struct xlat_config *cfg, uint32_t a4);

bool addr_reserved4(uint32_t a4)
{
	/* Never translated through pool6 (Jool's list): this-network, loopback, link-local, multicast/class E. */
	uint32_t h = ntohl(a4);

	return (h >> 24) == 0 || (h >> 24) == 127 || (h >> 16) == 0xa9fe || (h >> 28) >= 0xe;
}

bool addr_denied4(const struct xlat_config *cfg, uint32_t a4)
{
	return addr_reserved4(a4) || denylisted4(cfg, a4);
}

bool addr_unforwardable6(const uint8_t a[16])
{
	/* RFC 4291 2.5.2, 2.5.3, 2.5.6, 2.7: unspecified, loopback, link-local, multicast */
	static const uint8_t zero[15];

	return a[0] == 0xff || (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) || (memcmp(a, zero, 15) == 0 && a[15] <= 1);
}

static int pool6_to4(const struct xlat_config *cfg, const uint8_t a6[16], uint32_t *a4)
{
	if (!cfg->g.pool6_set || rfc6052_6to4(&cfg->g.pool6, a6, a4) != 0)
		return ADDR_MAP_NONE;
	return addr_denied4(cfg, *a4) ? ADDR_MAP_DENIED : ADDR_MAP_POOL6;
}

int addr_map64(const struct xlat_config *cfg, const uint8_t a6[16], uint32_t *a4)
{
	if (eamt_6to4(&cfg->eamt, a6, a4) == 0)
		return ADDR_MAP_EAMT;
	return pool6_to4(cfg, a6, a4);
}

int addr_map46(const struct xlat_config *cfg, uint32_t a4, uint8_t a6[16])
{
	if (eamt_4to6(&cfg->eamt, a4, a6) == 0)
		return 0;
	if (!cfg->g.pool6_set || addr_denied4(cfg, a4))
		return -1;
	rfc6052_4to6(&cfg->g.pool6, a4, a6);
	return 0;
}

/* RFC 7915 4.1 does not exclude odd router addresses from ICMPv4 error sources (Jool's "ha" vectors). */
static bool denylisted4(const struct xlat_config *cfg, uint32_t a4)
{
	for (unsigned i = 0; i < cfg->n_denylist4; i++)
		if (prefix4_contains(&cfg->denylist4[i], a4))
			return true;
	return false;
}

int addr_map46_errsrc(const struct xlat_config *cfg, uint32_t a4, uint8_t a6[16])
{
	if (eamt_4to6(&cfg->eamt, a4, a6) == 0)
		return 0;
	if (!cfg->g.pool6_set || denylisted4(cfg, a4))
		return -1;
	rfc6052_4to6(&cfg->g.pool6, a4, a6);
	return 0;
}

int addr_map46_hairpin(const struct xlat_config *cfg, uint32_t a4, uint8_t a6[16], bool use_pool6)
{
	if (use_pool6 && cfg->g.pool6_set) {
		rfc6052_4to6(&cfg->g.pool6, a4, a6);
		return 0;
	}
	if (!use_pool6 && eamt_4to6(&cfg->eamt, a4, a6) == 0)
		return 0;
	return addr_map46(cfg, a4, a6);
}
