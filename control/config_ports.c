/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The network sections: "ports" (devices, VLAN sub-interfaces, their
 * addresses and static neighbours) and "routes" (static routes by port name).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdint.h>
#include <string.h>

#include "config_internal.h"

/* ------------------------------------------------------------------ ports */

static bool valid_port_name(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-' && *s != '.')
			return false;
	return true;
}

/* The port (index) that already has this address, or -1. Ports up to and including nports are searched. */
static int addr_owner(const struct appcfg *c, unsigned nports, int family, const uint8_t *a)
{
	for (unsigned i = 0; i <= nports && i < APPCFG_MAX_PORTS; i++)
		for (unsigned k = 0; k < c->ports[i].n_addrs; k++)
			if (c->ports[i].addrs[k].family == family && memcmp(c->ports[i].addrs[k].addr, a, 16) == 0)
				return (int)i;
	return -1;
}

/* One of "neighbors" (arg: the port) */
static int parse_neighbor(struct ld *ld, const char *path, json_t *j, void *arg)
{
	struct appcfg_port *pt = arg;
	struct field f[] = { KEY_REQUIRED("address"), KEY_REQUIRED("mac") };
	struct appcfg_neigh *n = &pt->neigh[pt->n_neigh];
	char p[PATH_LEN], a[INET6_ADDRSTRLEN];
	const char *why;

	if (cfg_take_fields(ld, j, path, f, 2))
		return -1;
	cfg_path_key(p, path, "address");
	if (cfg_get_addr(ld, p, f[0].val, &n->family, n->addr))
		return -1;
	why = cfg_bad_unicast(n->family, n->addr);
	inet_ntop(n->family == 6 ? AF_INET6 : AF_INET, n->addr, a, sizeof(a));
	if (why)
		return cfg_fail(ld, p, "%s is %s, not usable as a neighbour", a, why);
	for (unsigned k = 0; k < pt->n_neigh; k++)
		if (pt->neigh[k].family == n->family && memcmp(pt->neigh[k].addr, n->addr, 16) == 0)
			return cfg_fail(ld, p, "%s is listed twice", a);
	cfg_path_key(p, path, "mac");
	if (cfg_get_mac(ld, p, f[1].val, n->mac))
		return -1;
	pt->n_neigh++;
	return 0;
}

enum { PF_NAME, PF_DEVICE, PF_MTU, PF_MAC, PF_ADDRESSES, PF_NEIGHBORS, PF_PARENT, PF_VLAN, PF_N };

/*
 * A VLAN sub-interface: "parent" names a port listed before it that has a
 * device of its own, "vlan" is its 802.1Q id (once per parent). It has the
 * parent's MAC, and its MTU (default: the parent's) fits in the parent's.
 */
static int parse_vlan_of(struct ld *ld, const char *path, struct field *f, struct appcfg_port *pt)
{
	struct appcfg *c = ld->cfg;
	char p[PATH_LEN], b1[SHOW_LEN];
	const char *s = "";
	uint64_t u;
	unsigned i;

	if (f[PF_DEVICE].val)
		return cfg_fail(ld, path, "a VLAN sub-interface (\"parent\") has no \"device\": its parent's carries it");
	if (f[PF_MAC].val)
		return cfg_fail(ld, path, "a VLAN sub-interface speaks with its parent's MAC: no \"mac\"");
	cfg_path_key(p, path, "parent");
	if (cfg_get_string(ld, p, f[PF_PARENT].val, &s))
		return -1;
	for (i = 0; i < c->n_ports && strcmp(c->ports[i].name, s) != 0; i++)
		;
	if (i == c->n_ports)
		return cfg_fail(ld, p, "no port named '%s' before this one", cfg_show(s, b1));
	if (c->ports[i].is_vlan)
		return cfg_fail(ld, p, "'%s' is itself a VLAN sub-interface (no VLAN stacking)", cfg_show(s, b1));
	if (!f[PF_VLAN].val)
		return cfg_fail(ld, path, "missing \"vlan\" (the 802.1Q VLAN id, 1-4094)");
	cfg_path_key(p, path, "vlan");
	if (cfg_get_uint(ld, p, f[PF_VLAN].val, 1, 4094, &u))
		return -1;
	for (unsigned k = 0; k < c->n_ports; k++)
		if (c->ports[k].is_vlan && c->ports[k].parent == i && c->ports[k].vlan == u)
			return cfg_fail(ld, p, "VLAN %u of '%s' is already port '%s'", (unsigned)u, c->ports[i].name,
				    c->ports[k].name);
	pt->is_vlan = true;
	pt->parent = i;
	pt->vlan = (uint16_t)u;
	pt->mtu = c->ports[i].mtu;
	return 0;
}

/* "name": valid and unique */
static int parse_port_name(struct ld *ld, const char *path, const struct field *f, struct appcfg_port *pt)
{
	struct appcfg *c = ld->cfg;
	char p[PATH_LEN], b1[SHOW_LEN];
	const char *s = "";

	cfg_path_key(p, path, "name");
	if (cfg_get_string(ld, p, f[PF_NAME].val, &s))
		return -1;
	if (!valid_port_name(s))
		return cfg_fail(ld, p, "'%s' is not a valid port name (letters, digits, '_', '-', '.')", cfg_show(s, b1));
	if (cfg_copy_string(ld, p, s, pt->name, sizeof(pt->name)))
		return -1;
	for (unsigned i = 0; i < c->n_ports; i++)
		if (strcmp(c->ports[i].name, pt->name) == 0)
			return cfg_fail(ld, p, "'%s' is already the name of ports[%u]", pt->name, i);
	return 0;
}

/* A port of its own (not a VLAN): "device", unique, and "mac" */
static int parse_port_device(struct ld *ld, const char *path, const struct field *f, struct appcfg_port *pt)
{
	struct appcfg *c = ld->cfg;
	char p[PATH_LEN], b1[SHOW_LEN];
	const char *s = "";

	if (f[PF_VLAN].val)
		return cfg_fail(ld, path, "\"vlan\" without \"parent\": name the port that carries the VLAN");
	if (!f[PF_DEVICE].val)
		return cfg_fail(ld, path, "missing \"device\" (or \"parent\" and \"vlan\" for a VLAN sub-interface)");
	cfg_path_key(p, path, "device");
	if (cfg_get_string(ld, p, f[PF_DEVICE].val, &s))
		return -1;
	if (!*s)
		return cfg_fail(ld, p, "the device can not be empty");
	if (cfg_copy_string(ld, p, s, pt->device, sizeof(pt->device)))
		return -1;
	for (unsigned i = 0; i < c->n_ports; i++) {
		const char *o = c->ports[i].device;
		size_t n1 = strcspn(o, ","), n2 = strcspn(pt->device, ",");

		if (strcmp(o, pt->device) == 0)
			return cfg_fail(ld, p, "'%s' is already the device of port '%s'", cfg_show(s, b1), c->ports[i].name);
		/* Virtual devices are named by what precedes the first comma; EAL wants each name once. */
		if (strncmp(pt->device, "net_", 4) == 0 && n1 == n2 && strncmp(o, pt->device, n1) == 0)
			return cfg_fail(ld, p, "virtual device '%.*s' is already used by port '%s' (number them: net_pcap0, "
					       "net_pcap1, ...)",
					(int)(n2 > 64 ? 64 : n2), pt->device, c->ports[i].name);
	}
	if (f[PF_MAC].val) {
		cfg_path_key(p, path, "mac");
		if (cfg_get_mac(ld, p, f[PF_MAC].val, pt->mac))
			return -1;
		pt->mac_set = true;
	}
	return 0;
}

/* One of "addresses" (arg: the port), no other port's */
static int parse_port_address(struct ld *ld, const char *path, json_t *j, void *arg)
{
	struct appcfg_port *pt = arg;
	struct appcfg_addr *ad = &pt->addrs[pt->n_addrs];
	char txt[INET6_ADDRSTRLEN];
	int owner;

	if (cfg_get_ifaddr(ld, path, j, ad))
		return -1;
	owner = addr_owner(ld->cfg, ld->cfg->n_ports, ad->family, ad->addr);
	inet_ntop(ad->family == 6 ? AF_INET6 : AF_INET, ad->addr, txt, sizeof(txt));
	if (owner >= 0)
		return cfg_fail(ld, path, "%s is already an address of port '%s'", txt, ld->cfg->ports[owner].name);
	pt->n_addrs++;
	return 0;
}

/* "mtu": within the parent's for a VLAN, 1280 or more with IPv6 (the addresses are known by now) */
static int parse_port_mtu(struct ld *ld, const char *path, const struct field *f, struct appcfg_port *pt)
{
	const struct appcfg *c = ld->cfg;
	char p[PATH_LEN];
	bool has6 = false;
	uint64_t u;

	cfg_path_key(p, path, "mtu");
	if (f[PF_MTU].val) {
		if (cfg_get_uint(ld, p, f[PF_MTU].val, 68, 9000, &u))
			return -1;
		pt->mtu = (uint16_t)u;
		if (pt->is_vlan && pt->mtu > c->ports[pt->parent].mtu)
			return cfg_fail(ld, p, "%u is above the MTU of its parent '%s' (%u)", pt->mtu,
					c->ports[pt->parent].name, c->ports[pt->parent].mtu);
	}
	for (unsigned i = 0; i < pt->n_addrs; i++)
		has6 |= pt->addrs[i].family == 6;
	if (has6 && pt->mtu < 1280)
		return cfg_fail(ld, p, "%u is below 1280, the IPv6 minimum (RFC 8200 5), and the port has IPv6 addresses",
				pt->mtu);
	return 0;
}

static int parse_port(struct ld *ld, const char *path, json_t *j, void *arg)
{
	struct appcfg *c = ld->cfg;
	struct appcfg_port *pt = &c->ports[c->n_ports];
	struct field f[PF_N] = { KEY_REQUIRED("name"), KEY("device"),	 KEY("mtu"),	KEY("mac"),
				 KEY("addresses"),     KEY("neighbors"), KEY("parent"), KEY("vlan") };
	char p[PATH_LEN];

	(void)arg;
	memset(pt, 0, sizeof(*pt));
	pt->mtu = APPCFG_DEFAULT_MTU;
	if (cfg_take_fields(ld, j, path, f, PF_N) || parse_port_name(ld, path, f, pt))
		return -1;
	if (f[PF_PARENT].val ? parse_vlan_of(ld, path, f, pt) : parse_port_device(ld, path, f, pt))
		return -1;
	cfg_path_key(p, path, "addresses");
	if (f[PF_ADDRESSES].val && cfg_each(ld, p, f[PF_ADDRESSES].val, APPCFG_MAX_ADDRS, "addresses",
					    parse_port_address, pt))
		return -1;
	if (parse_port_mtu(ld, path, f, pt))
		return -1;
	cfg_path_key(p, path, "neighbors");
	if (f[PF_NEIGHBORS].val &&
	    cfg_each(ld, p, f[PF_NEIGHBORS].val, APPCFG_MAX_NEIGH, "neighbours", parse_neighbor, pt))
		return -1;
	c->n_ports++;
	return 0;
}

int cfg_parse_ports(struct ld *ld, json_t *j)
{
	return cfg_each(ld, "ports", j, APPCFG_MAX_PORTS, "ports", parse_port, NULL);
}

/* ----------------------------------------------------------------- routes */

static int parse_route(struct ld *ld, const char *path, json_t *j, void *arg)
{
	struct appcfg *c = ld->cfg;
	struct appcfg_route *r = &c->routes[c->n_routes];
	struct field f[] = { KEY_REQUIRED("prefix"), KEY("via"), KEY_REQUIRED("port") };
	char p[PATH_LEN], b1[SHOW_LEN], txt[PFX_LEN];
	const char *s = "";
	unsigned i;

	(void)arg;
	memset(r, 0, sizeof(*r));
	if (cfg_take_fields(ld, j, path, f, 3))
		return -1;

	cfg_path_key(p, path, "prefix");
	if (cfg_get_string(ld, p, f[0].val, &s))
		return -1;
	if (cfg_looks_v6(s)) {
		struct prefix6 p6;
		if (cfg_get_prefix6(ld, p, f[0].val, &p6))
			return -1;
		r->family = 6;
		memcpy(r->prefix, p6.addr, 16);
		r->plen = p6.len;
	} else {
		struct prefix4 p4;
		if (cfg_get_prefix4(ld, p, f[0].val, &p4))
			return -1;
		r->family = 4;
		memcpy(r->prefix, &p4.addr, 4);
		r->plen = p4.len;
	}
	for (i = 0; i < c->n_routes; i++)
		if (c->routes[i].family == r->family && c->routes[i].plen == r->plen &&
		    memcmp(c->routes[i].prefix, r->prefix, 16) == 0) {
			cfg_format_prefix(r->family, r->prefix, r->plen, txt);
			return cfg_fail(ld, p, "%s is already the prefix of routes[%u]", txt, i);
		}

	if (f[1].val) {
		int fam;
		const char *why;

		cfg_path_key(p, path, "via");
		if (cfg_get_addr(ld, p, f[1].val, &fam, r->via))
			return -1;
		if (fam != r->family)
			return cfg_fail(ld, p, "'%s' is IPv%d but the prefix is IPv%d", cfg_show(json_string_value(f[1].val), b1),
				    fam, r->family);
		why = cfg_bad_unicast(fam, r->via);
		if (why)
			return cfg_fail(ld, p, "'%s' is %s, not usable as a next hop", cfg_show(json_string_value(f[1].val), b1),
				    why);
		r->via_set = true;
	}

	cfg_path_key(p, path, "port");
	if (cfg_get_string(ld, p, f[2].val, &s))
		return -1;
	for (i = 0; i < c->n_ports; i++)
		if (strcmp(c->ports[i].name, s) == 0)
			break;
	if (i == c->n_ports)
		return cfg_fail(ld, p, "no port named '%s'", cfg_show(s, b1));
	r->port = i;
	c->n_routes++;
	return 0;
}

int cfg_parse_routes(struct ld *ld, json_t *j)
{
	return cfg_each(ld, "routes", j, APPCFG_MAX_ROUTES, "routes", parse_route, NULL);
}

/* ------------------------------------------------------------------ dump */

static json_t *port_json(const struct appcfg *c, const struct appcfg_port *pt)
{
	json_t *o = json_object(), *a = json_array(), *n = json_array();

	json_object_set_new(o, "name", json_string(pt->name));
	if (pt->is_vlan) {
		json_object_set_new(o, "parent", json_string(c->ports[pt->parent].name));
		json_object_set_new(o, "vlan", json_integer(pt->vlan));
	} else {
		json_object_set_new(o, "device", json_string(pt->device));
	}
	json_object_set_new(o, "mtu", json_integer(pt->mtu));
	if (pt->mac_set)
		json_object_set_new(o, "mac", cfg_mac_json(pt->mac));
	for (unsigned i = 0; i < pt->n_addrs && i < APPCFG_MAX_ADDRS; i++) {
		char s[PFX_LEN];

		cfg_format_prefix(pt->addrs[i].family, pt->addrs[i].addr, pt->addrs[i].plen, s);
		json_array_append_new(a, json_string(s));
	}
	json_object_set_new(o, "addresses", a);
	for (unsigned i = 0; i < pt->n_neigh && i < APPCFG_MAX_NEIGH; i++)
		json_array_append_new(n, json_pack("{s:o, s:o}", "address",
						   cfg_addr_json(pt->neigh[i].family, pt->neigh[i].addr), "mac",
						   cfg_mac_json(pt->neigh[i].mac)));
	json_object_set_new(o, "neighbors", n);
	return o;
}

json_t *cfg_ports_json(const struct appcfg *c)
{
	json_t *ports = json_array();

	for (unsigned i = 0; ports && i < c->n_ports && i < APPCFG_MAX_PORTS; i++)
		json_array_append_new(ports, port_json(c, &c->ports[i]));
	return ports;
}

json_t *cfg_routes_json(const struct appcfg *c)
{
	json_t *routes = json_array();

	for (unsigned i = 0; routes && i < c->n_routes && i < APPCFG_MAX_ROUTES; i++) {
		const struct appcfg_route *r = &c->routes[i];
		json_t *ro = json_object();
		char s[PFX_LEN];

		cfg_format_prefix(r->family, r->prefix, r->plen, s);
		json_object_set_new(ro, "prefix", json_string(s));
		if (r->via_set)
			json_object_set_new(ro, "via", cfg_addr_json(r->family, r->via));
		json_object_set_new(ro, "port", json_string(r->port < c->n_ports ? c->ports[r->port].name : "?"));
		json_array_append_new(routes, ro);
	}
	return routes;
}
