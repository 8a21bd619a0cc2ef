/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The value formats of doc/configuration.md ("Value formats"): prefixes (host
 * bits refused, the fix suggested), addresses, interface addresses, MACs,
 * protocols, port ranges, "ADDRESS#PORT", and the same written back.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "config_internal.h"

/* ---------------------------------------------------- addresses, prefixes */

bool cfg_looks_v6(const char *s)
{
	return strchr(s, ':') != NULL;
}

void cfg_format_prefix(int family, const void *addr, unsigned len, char out[PFX_LEN])
{
	char a[INET6_ADDRSTRLEN] = "?";

	inet_ntop(family == 6 ? AF_INET6 : AF_INET, addr, a, sizeof(a));
	snprintf(out, PFX_LEN, "%s/%u", a, len & 0xff);
}

static void mask6(uint8_t a[16], unsigned len)
{
	for (unsigned bit = len; bit < 128; bit++)
		a[bit / 8] &= (uint8_t)~(0x80 >> (bit % 8));
}

static uint32_t mask4_be(unsigned len)
{
	return len ? htonl(~0u << (32 - len)) : 0;
}

/* "2001:db8::/32"; a missing length means /128. Host bits are refused. */
int cfg_get_prefix6(struct ld *ld, const char *path, const json_t *j, struct prefix6 *p)
{
	const char *s = "";
	char b1[SHOW_LEN], fix[PFX_LEN];

	if (cfg_get_string(ld, path, j, &s))
		return -1;
	if (prefix6_parse(s, p) != 0)
		return cfg_fail(ld, path, "'%s' is not an IPv6 prefix", cfg_show(s, b1));
	if (prefix6_has_host_bits(p)) {
		struct prefix6 m = *p;
		mask6(m.addr, m.len);
		cfg_format_prefix(6, m.addr, m.len, fix);
		return cfg_fail(ld, path, "'%s' has bits set after the prefix length (did you mean %s?)", cfg_show(s, b1), fix);
	}
	return 0;
}

/* "192.0.2.0/24"; a missing length means /32. Host bits are refused. */
int cfg_get_prefix4(struct ld *ld, const char *path, const json_t *j, struct prefix4 *p)
{
	const char *s = "";
	char b1[SHOW_LEN], fix[PFX_LEN];

	if (cfg_get_string(ld, path, j, &s))
		return -1;
	if (prefix4_parse(s, p) != 0)
		return cfg_fail(ld, path, "'%s' is not an IPv4 prefix", cfg_show(s, b1));
	if (prefix4_has_host_bits(p)) {
		uint32_t m = p->addr & mask4_be(p->len);
		cfg_format_prefix(4, &m, p->len, fix);
		return cfg_fail(ld, path, "'%s' has bits set after the prefix length (did you mean %s?)", cfg_show(s, b1), fix);
	}
	return 0;
}

/* A plain address of either family (no length). */
int cfg_get_addr(struct ld *ld, const char *path, const json_t *j, int *family, uint8_t addr[16])
{
	const char *s = "";
	char b1[SHOW_LEN];

	if (cfg_get_string(ld, path, j, &s))
		return -1;
	memset(addr, 0, 16);
	if (cfg_looks_v6(s)) {
		if (inet_pton(AF_INET6, s, addr) != 1)
			return cfg_fail(ld, path, "'%s' is not an IPv6 address", cfg_show(s, b1));
		*family = 6;
	} else {
		if (inet_pton(AF_INET, s, addr) != 1)
			return cfg_fail(ld, path, "'%s' is not an IPv4 address", cfg_show(s, b1));
		*family = 4;
	}
	return 0;
}

/* Addresses a port or a neighbour can not have. NULL when fine. */
const char *cfg_bad_unicast(int family, const uint8_t a[16])
{
	static const uint8_t zero[16];

	if (family == 6) {
		if (memcmp(a, zero, 16) == 0)
			return "the unspecified address";
		if (memcmp(a, zero, 15) == 0 && a[15] == 1)
			return "the loopback address";
		if (a[0] == 0xff)
			return "a multicast address";
		return NULL;
	}
	if (a[0] == 0)
		return "in 0.0.0.0/8 (\"this network\")";
	if (a[0] == 127)
		return "a loopback address";
	if (a[0] >= 224 && a[0] < 240)
		return "a multicast address";
	if (a[0] == 255 && a[1] == 255 && a[2] == 255 && a[3] == 255)
		return "the broadcast address";
	if (a[0] >= 240)
		return "in the reserved 240.0.0.0/4";
	return NULL;
}

/* An interface address with its prefix length: "2001:db8:6::1/64", "198.51.100.1/24". */
int cfg_get_ifaddr(struct ld *ld, const char *path, const json_t *j, struct appcfg_addr *out)
{
	const char *s, *slash;
	char b1[SHOW_LEN], a[INET6_ADDRSTRLEN + 1], *end;
	size_t n;
	unsigned long len;
	const char *why;
	int v6;

	if (cfg_get_string(ld, path, j, &s))
		return -1;
	v6 = cfg_looks_v6(s);
	slash = strchr(s, '/');
	if (!slash)
		return cfg_fail(ld, path, "'%s' needs a prefix length (e.g. '%s/%s')", cfg_show(s, b1), s, v6 ? "64" : "24");
	n = (size_t)(slash - s);
	if (n == 0 || n >= sizeof(a))
		return cfg_fail(ld, path, "'%s' is not an %s prefix", cfg_show(s, b1), v6 ? "IPv6" : "IPv4");
	memcpy(a, s, n);
	a[n] = '\0';
	memset(out->addr, 0, sizeof(out->addr));
	errno = 0;
	len = (slash[1] >= '0' && slash[1] <= '9') ? strtoul(slash + 1, &end, 10) : 1000;
	if (len == 1000 || errno || *end || len > (v6 ? 128u : 32u) ||
	    inet_pton(v6 ? AF_INET6 : AF_INET, a, out->addr) != 1)
		return cfg_fail(ld, path, "'%s' is not an %s prefix", cfg_show(s, b1), v6 ? "IPv6" : "IPv4");
	if (len == 0)
		return cfg_fail(ld, path, "'%s': an interface address needs a prefix length above 0", cfg_show(s, b1));
	out->family = v6 ? 6 : 4;
	out->plen = (uint8_t)len;
	why = cfg_bad_unicast(out->family, out->addr);
	if (why)
		return cfg_fail(ld, path, "'%s' is %s, not usable as a port address", cfg_show(s, b1), why);
	return 0;
}

/* "02:00:00:00:00:06"; unicast only. */
int cfg_get_mac(struct ld *ld, const char *path, const json_t *j, uint8_t mac[6])
{
	const char *s = "";
	char b1[SHOW_LEN];
	unsigned v[6];
	int used = -1;

	if (cfg_get_string(ld, path, j, &s))
		return -1;
	if (strlen(s) != 17 ||
	    sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%n", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &used) != 6 ||
	    used != 17)
		return cfg_fail(ld, path, "'%s' is not a MAC address (xx:xx:xx:xx:xx:xx)", cfg_show(s, b1));
	for (int i = 0; i < 17; i++)
		if ((i % 3 == 2) != (s[i] == ':') || (i % 3 != 2 && !isxdigit((unsigned char)s[i])))
			return cfg_fail(ld, path, "'%s' is not a MAC address (xx:xx:xx:xx:xx:xx)", cfg_show(s, b1));
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)v[i];
	if (mac[0] & 1)
		return cfg_fail(ld, path, "'%s' is a multicast MAC address", s);
	if ((mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]) == 0)
		return cfg_fail(ld, path, "'%s' is the all-zero MAC address", s);
	return 0;
}

/* ------------------------------------------- protocols, ports, ADDRESS#PORT */

const char *cfg_proto_name(uint8_t proto)
{
	return proto == 6 ? "TCP" : proto == 17 ? "UDP" : "ICMP";
}

int cfg_parse_proto(struct ld *ld, const char *path, const json_t *j, uint8_t *proto)
{
	char b1[SHOW_LEN];

	if (!json_is_string(j))
		return cfg_fail(ld, path, "expected \"TCP\", \"UDP\" or \"ICMP\", got %s", cfg_jtype(j));
	const char *s = json_string_value(j);
	if (strcasecmp(s, "tcp") == 0)
		*proto = 6;
	else if (strcasecmp(s, "udp") == 0)
		*proto = 17;
	else if (strcasecmp(s, "icmp") == 0)
		*proto = 1;
	else
		return cfg_fail(ld, path, "'%s' is not one of \"TCP\", \"UDP\", \"ICMP\"", cfg_show(s, b1));
	return 0;
}

/* "A-B" or "P" */
int cfg_parse_port_range(struct ld *ld, const char *path, const json_t *j, uint16_t *lo, uint16_t *hi)
{
	char b1[SHOW_LEN];
	unsigned long a, b;
	char *end;

	if (!json_is_string(j))
		return cfg_fail(ld, path, "expected a port range string like \"61001-65535\", got %s", cfg_jtype(j));
	const char *s = json_string_value(j);
	a = strtoul(s, &end, 10);
	if (end == s || a > 65535)
		return cfg_fail(ld, path, "'%s' is not a port range (\"A-B\", 0..65535)", cfg_show(s, b1));
	b = a;
	if (*end == '-') {
		const char *t = end + 1;
		b = strtoul(t, &end, 10);
		if (end == t || b > 65535)
			return cfg_fail(ld, path, "'%s' is not a port range (\"A-B\", 0..65535)", cfg_show(s, b1));
	}
	if (*end != '\0' || b < a)
		return cfg_fail(ld, path, "'%s' is not a port range (\"A-B\" with A <= B)", cfg_show(s, b1));
	*lo = (uint16_t)a;
	*hi = (uint16_t)b;
	return 0;
}

/* "2001:db8::5#2000" / "192.0.2.2#2000" */
int cfg_parse_taddr(struct ld *ld, const char *path, const json_t *j, int family, uint8_t *addr, uint16_t *port)
{
	char b1[SHOW_LEN], a[64];
	char *end;

	if (!json_is_string(j))
		return cfg_fail(ld, path, "expected \"ADDRESS#PORT\", got %s", cfg_jtype(j));
	const char *s = json_string_value(j), *hash = strrchr(s, '#');
	if (!hash || (size_t)(hash - s) >= sizeof(a))
		return cfg_fail(ld, path, "'%s' is not ADDRESS#PORT", cfg_show(s, b1));
	memcpy(a, s, (size_t)(hash - s));
	a[hash - s] = '\0';
	unsigned long v = strtoul(hash + 1, &end, 10);
	if (inet_pton(family == 4 ? AF_INET : AF_INET6, a, addr) != 1 || end == hash + 1 || *end || v > 65535)
		return cfg_fail(ld, path, "'%s' is not an IPv%d ADDRESS#PORT", cfg_show(s, b1), family);
	*port = (uint16_t)v;
	return 0;
}

/* ------------------------------------------------ for the API, JSON forms */

int appcfg_prefix6_parse(const json_t *j, const char *path, struct prefix6 *p, char *err, size_t errlen)
{
	struct ld ld = cfg_ld_api(err, errlen);

	return cfg_get_prefix6(&ld, path, j, p);
}

int appcfg_prefix4_parse(const json_t *j, const char *path, struct prefix4 *p, char *err, size_t errlen)
{
	struct ld ld = cfg_ld_api(err, errlen);

	return cfg_get_prefix4(&ld, path, j, p);
}

int appcfg_ifaddr_parse(const json_t *j, const char *path, struct appcfg_addr *a, char *err, size_t errlen)
{
	struct ld ld = cfg_ld_api(err, errlen);

	return cfg_get_ifaddr(&ld, path, j, a);
}

json_t *appcfg_ifaddr_json(const struct appcfg_addr *a)
{
	char s[PFX_LEN];

	cfg_format_prefix(a->family, a->addr, a->plen, s);
	return json_string(s);
}

json_t *appcfg_prefix6_json(const struct prefix6 *p)
{
	char s[PFX_LEN];

	cfg_format_prefix(6, p->addr, p->len, s);
	return json_string(s);
}

json_t *appcfg_prefix4_json(const struct prefix4 *p)
{
	char s[PFX_LEN];

	cfg_format_prefix(4, &p->addr, p->len, s);
	return json_string(s);
}

json_t *cfg_addr_json(int family, const uint8_t *a)
{
	char s[INET6_ADDRSTRLEN] = "?";

	inet_ntop(family == 6 ? AF_INET6 : AF_INET, a, s, sizeof(s));
	return json_string(s);
}

json_t *cfg_mac_json(const uint8_t m[6])
{
	char s[18];

	snprintf(s, sizeof(s), "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
	return json_string(s);
}

json_t *cfg_taddr_json(int family, const void *addr, uint16_t port)
{
	char a[INET6_ADDRSTRLEN] = "?", s[INET6_ADDRSTRLEN + 8];

	inet_ntop(family == 6 ? AF_INET6 : AF_INET, addr, a, sizeof(a));
	snprintf(s, sizeof(s), "%s#%u", a, port);
	return json_string(s);
}
