/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What carrier-grade NAT64 derives from the configuration alone (doc/cgn.md):
 * its defaults, a subscriber's prefix and owner, RFC 7422 deterministic NAT's
 * ranges both ways, and which worker owns a pool4 port.
 */
#include <string.h>

#include <rte_jhash.h>

#include "cgn.h"
#include "xlat.h"

void cgn_config_init(struct cgn_config *c)
{
	memset(c, 0, sizeof(*c));
	c->subscriber_plen = CGN_DEFAULT_PLEN;
	c->max_blocks = CGN_DEFAULT_MAX_BLOCKS;
	c->log_events = CGN_LOG_BIB | CGN_LOG_QUOTA;
	c->observation_domain = 1;
	c->template_refresh_s = CGN_DEFAULT_TEMPLATE_REFRESH_S;
}

void cgn_subscriber(const uint8_t a6[16], uint8_t plen, uint8_t out[16])
{
	for (unsigned i = 0; i < 16; i++) {
		unsigned bits = plen > i * 8 ? plen - i * 8 : 0;
		out[i] = bits >= 8 ? a6[i] : (uint8_t)(a6[i] & (0xff00u >> bits));
	}
}

unsigned cgn_owner6(const uint8_t src6[16], uint8_t plen, unsigned n)
{
	uint8_t s[16] __attribute__((aligned(4))); /* rte_jhash reads words */

	if (n <= 1)
		return 0;
	cgn_subscriber(src6, plen, s);
	return rte_jhash(s, 16, 0x6146) % n;
}

/* ---- deterministic NAT (RFC 7422) ---- */

const char *cgn_det_geometry(const struct cgn_config *c, struct cgn_det_geometry *g)
{
	const struct cgn_det *d = &c->det;

	if (c->subscriber_plen < d->prefix6.len)
		return "the subscriber prefix length is shorter than the ipv6 prefix";
	if (c->subscriber_plen - d->prefix6.len > 24)
		return "more than 2^24 subscribers (subscriber prefix length - ipv6 prefix length > 24)";
	if (d->prefix4.len < 16)
		return "more than 65536 IPv4 addresses (ipv4 prefix shorter than /16)";
	if (d->port_min > d->port_max || d->port_min == 0)
		return "the port range is empty or starts at 0";
	g->subscribers = 1u << (c->subscriber_plen - d->prefix6.len);
	g->addresses = 1u << (32 - d->prefix4.len);
	g->per_address = (g->subscribers + g->addresses - 1) / g->addresses;
	g->ports = ((uint32_t)d->port_max - d->port_min + 1) / g->per_address;
	if (g->ports == 0)
		return "fewer ports than subscribers per address: a subscriber would get no port";
	return NULL;
}

/* Bits [from, from + n) of a (n <= 24), as an integer. */
static uint32_t get_bits(const uint8_t a[16], unsigned from, unsigned n)
{
	uint32_t v = 0;

	for (unsigned b = from; b < from + n; b++)
		v = v << 1 | ((a[b / 8] >> (7 - b % 8)) & 1u);
	return v;
}

static void set_bits(uint8_t a[16], unsigned from, unsigned n, uint32_t v)
{
	for (unsigned k = 0; k < n; k++) {
		unsigned b = from + k;
		uint8_t m = (uint8_t)(0x80u >> (b % 8));
		if ((v >> (n - 1 - k)) & 1u)
			a[b / 8] |= m;
		else
			a[b / 8] &= (uint8_t)~m;
	}
}

bool cgn_det_forward(const struct cgn_config *c, const uint8_t src6[16], uint32_t *addr4, uint16_t *first,
		     uint16_t *last)
{
	const struct cgn_det *d = &c->det;
	struct cgn_det_geometry g;

	if (!d->enabled || cgn_det_geometry(c, &g) || !prefix6_contains(&d->prefix6, src6))
		return false;
	uint32_t i = get_bits(src6, d->prefix6.len, c->subscriber_plen - d->prefix6.len);
	uint32_t a = i % g.addresses, slot = i / g.addresses;
	*addr4 = __builtin_bswap32(__builtin_bswap32(d->prefix4.addr) + a);
	*first = (uint16_t)(d->port_min + slot * g.ports);
	*last = (uint16_t)(*first + g.ports - 1);
	return true;
}

bool cgn_det_reverse(const struct cgn_config *c, uint32_t addr4, uint16_t port, uint8_t sub6[16])
{
	const struct cgn_det *d = &c->det;
	struct cgn_det_geometry g;

	if (!d->enabled || cgn_det_geometry(c, &g) || !prefix4_contains(&d->prefix4, addr4) || port < d->port_min ||
	    port > d->port_max)
		return false;
	uint32_t a = __builtin_bswap32(addr4) - __builtin_bswap32(d->prefix4.addr);
	uint32_t slot = (uint32_t)(port - d->port_min) / g.ports;
	if (slot >= g.per_address)
		return false; /* the remainder of the range nobody has */
	uint32_t i = slot * g.addresses + a;
	if (i >= g.subscribers)
		return false;
	memcpy(sub6, d->prefix6.addr, 16);
	set_bits(sub6, d->prefix6.len, c->subscriber_plen - d->prefix6.len, i);
	for (unsigned b = c->subscriber_plen; b < 128; b++)
		sub6[b / 8] &= (uint8_t)~(0x80u >> (b % 8));
	return true;
}

bool cgn_owner4(const struct xlat_config *cfg, uint8_t proto, uint32_t addr4, uint16_t port4, unsigned n,
		unsigned *owner)
{
	(void)proto;
	if (!cfg->cgn.enabled)
		return false;
	if (cfg->cgn.det.enabled) {
		uint8_t s[16];
		*owner = cgn_det_reverse(&cfg->cgn, addr4, port4, s) ? cgn_owner6(s, cfg->cgn.subscriber_plen, n) : 0;
		return true;
	}
	if (cfg->cgn.block_size) {
		*owner = n <= 1 ? 0 : (unsigned)(port4 / cfg->cgn.block_size) % n;
		return true;
	}
	return false;
}

int cgn_port_valid(const struct xlat_config *cfg, uint8_t proto, uint32_t addr4, uint16_t port4, unsigned worker,
		   unsigned n)
{
	unsigned o;

	if (!cgn_owner4(cfg, proto, addr4, port4, n, &o))
		return -1;
	return o == worker;
}
