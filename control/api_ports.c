/* SPDX-License-Identifier: BSD-3-Clause */
/* "ports", "neighbors", "routes": what the dataplane's ports, neighbour table and routing table hold. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "api.h"

static json_t *mac_json(const uint8_t m[6])
{
	char s[18];

	snprintf(s, sizeof(s), "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
	return json_string(s);
}

static json_t *addr_json(int family, const uint8_t *a)
{
	char s[INET6_ADDRSTRLEN] = "?";

	inet_ntop(family == 6 ? AF_INET6 : AF_INET, a, s, sizeof(s));
	return json_string(s);
}

static json_t *prefix_json(int family, const uint8_t *a, unsigned len)
{
	char s[INET6_ADDRSTRLEN] = "?", out[INET6_ADDRSTRLEN + 8];

	inet_ntop(family == 6 ? AF_INET6 : AF_INET, a, s, sizeof(s));
	snprintf(out, sizeof(out), "%s/%u", s, len);
	return json_string(out);
}

/* -------------------------------------------------------------------- ports */

static json_t *port_json(const struct api_bridge *br, unsigned idx, bool xstats, char *err, size_t errlen)
{
	const struct appcfg_port *pc = &br->boot->ports[idx];
	struct api_port_info pi;
	json_t *o, *addrs;

	memset(&pi, 0, sizeof(pi));
	if (br->port_info(br->opaque, idx, &pi, err, errlen) != 0)
		return NULL;
	addrs = json_array();
	for (unsigned a = 0; addrs && a < pc->n_addrs; a++)
		json_array_append_new(addrs, prefix_json(pc->addrs[a].family, pc->addrs[a].addr, pc->addrs[a].plen));
	o = json_pack("{s:s, s:i, s:s, s:s, s:o, s:i, s:o, s:{s:b, s:i, s:s, s:b}, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
		      "name", pc->name, "port-id", (int)pi.port_id, "device", pc->device, "driver", pi.driver, "mac",
		      mac_json(pi.mac), "mtu", (int)pi.mtu, "addresses", addrs, "link", "up", pi.link_up, "speed-mbps",
		      (int)pi.speed_mbps, "duplex", pi.full_duplex ? "full" : "half", "autoneg", pi.autoneg,
		      "rx-packets", (json_int_t)pi.rx_packets, "tx-packets", (json_int_t)pi.tx_packets, "rx-bytes",
		      (json_int_t)pi.rx_bytes, "tx-bytes", (json_int_t)pi.tx_bytes, "rx-missed",
		      (json_int_t)pi.rx_missed, "rx-errors", (json_int_t)pi.rx_errors, "tx-errors",
		      (json_int_t)pi.tx_errors, "rx-nombuf", (json_int_t)pi.rx_nombuf);
	if (!o)
		return api_fail(err, errlen, "out of memory");
	if (pc->is_vlan) { /* a VLAN sub-interface: its parent's device and link, its own frames */
		json_object_set_new(o, "device", json_string(br->boot->ports[pc->parent].device));
		json_object_set_new(o, "parent", json_string(br->boot->ports[pc->parent].name));
		json_object_set_new(o, "vlan", json_integer(pc->vlan));
	}
	if (pi.rates_valid)
		json_object_set_new(o, "rates",
				    json_pack("{s:f, s:f, s:f, s:f, s:i}", "rx-pps", pi.rx_pps, "tx-pps", pi.tx_pps,
					      "rx-bps", pi.rx_bps, "tx-bps", pi.tx_bps, "interval-ms",
					      (int)pi.rate_interval_ms));
	else
		json_object_set_new(o, "rates", json_null());
	if (xstats) {
		json_t *x = br->port_xstats ? br->port_xstats(br->opaque, idx, err, errlen) : NULL;

		if (!x) {
			json_decref(o);
			if (!br->port_xstats)
				return api_fail(err, errlen, "extended statistics are not available here");
			return NULL;
		}
		json_object_set_new(o, "xstats", x);
	}
	return o;
}

json_t *api_cmd_ports(void *opaque, const json_t *req, char *err, size_t errlen)
{
	static const char *const args[] = { "name", "xstats", NULL };
	const struct api_bridge *br = opaque;
	const char *name;
	bool xstats;
	json_t *list;
	int only = -1;

	if (json_object_get(req, "op"))
		return api_fail(err, errlen, "ports takes no \"op\"; its arguments are \"name\" and \"xstats\"");
	if (api_check_fields(req, "ports", args, err, errlen) || api_get_string(req, "name", &name, err, errlen) ||
	    api_get_bool(req, "xstats", false, &xstats, err, errlen))
		return NULL;
	if (name && (only = api_port_index(br, name)) < 0)
		return api_fail(err, errlen, "no port named '%.64s' ({\"command\": \"ports\"} lists them)", name);
	list = json_array();
	if (!list)
		return api_fail(err, errlen, "out of memory");
	for (unsigned i = 0; i < br->boot->n_ports; i++) {
		json_t *p;

		if (only >= 0 && (unsigned)only != i)
			continue;
		p = port_json(br, i, xstats, err, errlen);
		if (!p) {
			json_decref(list);
			return NULL;
		}
		json_array_append_new(list, p);
	}
	return json_pack("{s:o}", "ports", list);
}

/* ---------------------------------------------------------------- neighbors */

struct walk {
	const struct api_bridge *br;
	int only; /* port index or -1 */
	json_t *list;
};

/* Entries from the configuration file are static; the rest were learnt (ARP, ND). */
static bool is_static(const struct appcfg *c, const struct api_neigh *n)
{
	const struct appcfg_port *pc = &c->ports[n->port];

	for (unsigned i = 0; i < pc->n_neigh; i++)
		if (pc->neigh[i].family == n->family &&
		    memcmp(pc->neigh[i].addr, n->addr, n->family == 4 ? 4 : 16) == 0)
			return true;
	return false;
}

static void neigh_cb(void *arg, const struct api_neigh *n)
{
	struct walk *w = arg;

	if (n->port >= w->br->boot->n_ports || (w->only >= 0 && (unsigned)w->only != n->port))
		return;
	json_array_append_new(w->list, json_pack("{s:s, s:o, s:o, s:s}", "port", w->br->boot->ports[n->port].name,
						 "address", addr_json(n->family, n->addr), "mac", mac_json(n->mac),
						 "type", is_static(w->br->boot, n) ? "static" : "learnt"));
}

/* Sort: port, family, address, so that the output does not follow hash order. */
static int neigh_cmp(const void *a, const void *b)
{
	json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	int c = strcmp(json_string_value(json_object_get(x, "port")), json_string_value(json_object_get(y, "port")));
	const char *ax = json_string_value(json_object_get(x, "address"));
	const char *ay = json_string_value(json_object_get(y, "address"));
	bool x6 = strchr(ax, ':') != NULL, y6 = strchr(ay, ':') != NULL;
	uint8_t bx[16] = { 0 }, by[16] = { 0 };

	if (c)
		return c;
	if (x6 != y6)
		return x6 ? 1 : -1;
	inet_pton(x6 ? AF_INET6 : AF_INET, ax, bx);
	inet_pton(y6 ? AF_INET6 : AF_INET, ay, by);
	return memcmp(bx, by, 16);
}

json_t *api_cmd_neighbors(void *opaque, const json_t *req, char *err, size_t errlen)
{
	static const char *const args[] = { "port", NULL };
	const struct api_bridge *br = opaque;
	struct walk w = { br, -1, NULL };
	const char *port;
	json_t **items, *sorted;
	size_t n;

	if (json_object_get(req, "op"))
		return api_fail(err, errlen, "neighbors takes no \"op\"; its argument is \"port\"");
	if (api_check_fields(req, "neighbors", args, err, errlen) || api_get_string(req, "port", &port, err, errlen))
		return NULL;
	if (port && (w.only = api_port_index(br, port)) < 0)
		return api_fail(err, errlen, "no port named '%.64s' ({\"command\": \"ports\"} lists them)", port);
	w.list = json_array();
	if (!w.list)
		return api_fail(err, errlen, "out of memory");
	if (br->neigh_walk)
		br->neigh_walk(br->opaque, neigh_cb, &w);
	n = json_array_size(w.list);
	items = calloc(n ? n : 1, sizeof(*items));
	sorted = json_array();
	if (!items || !sorted) {
		free(items);
		json_decref(sorted);
		json_decref(w.list);
		return api_fail(err, errlen, "out of memory");
	}
	for (size_t i = 0; i < n; i++)
		items[i] = json_array_get(w.list, i);
	qsort(items, n, sizeof(*items), neigh_cmp);
	for (size_t i = 0; i < n; i++)
		json_array_append(sorted, items[i]);
	free(items);
	json_decref(w.list);
	return json_pack("{s:o, s:i}", "neighbors", sorted, "count", (int)n);
}

/* ------------------------------------------------------------------- routes */

struct route {
	int family;
	uint8_t prefix[16];
	unsigned plen;
	bool via_set;
	uint8_t via[16];
	unsigned port;
	bool connected;
};

static void mask(uint8_t a[16], int family, unsigned len)
{
	for (unsigned bit = len; bit < (family == 4 ? 32u : 128u); bit++)
		a[bit / 8] &= (uint8_t)~(0x80 >> (bit % 8));
}

/* Connected routes (every port address's prefix) first, then the configured ones: what dataplane/fib.c loads. */
static unsigned collect(const struct appcfg *c, struct route *out, unsigned max)
{
	unsigned n = 0;

	for (unsigned p = 0; p < c->n_ports; p++)
		for (unsigned a = 0; a < c->ports[p].n_addrs && n < max; a++) {
			const struct appcfg_addr *ad = &c->ports[p].addrs[a];
			struct route *r = &out[n++];

			memset(r, 0, sizeof(*r));
			r->family = ad->family;
			memcpy(r->prefix, ad->addr, 16);
			r->plen = ad->plen;
			mask(r->prefix, r->family, r->plen);
			r->port = p;
			r->connected = true;
		}
	for (unsigned i = 0; i < c->n_routes && n < max; i++) {
		const struct appcfg_route *cr = &c->routes[i];
		struct route *r = &out[n++];

		memset(r, 0, sizeof(*r));
		r->family = cr->family;
		memcpy(r->prefix, cr->prefix, 16);
		r->plen = cr->plen;
		r->via_set = cr->via_set;
		memcpy(r->via, cr->via, 16);
		r->port = cr->port;
	}
	return n;
}

static json_t *route_json(const struct appcfg *c, const struct route *r)
{
	return json_pack("{s:o, s:o, s:s, s:s}", "prefix", prefix_json(r->family, r->prefix, r->plen), "via",
			 r->via_set ? addr_json(r->family, r->via) : json_null(), "port",
			 r->port < c->n_ports ? c->ports[r->port].name : "?", "type",
			 r->connected ? "connected" : "static");
}

static bool matches(const struct route *r, int family, const uint8_t a[16])
{
	uint8_t m[16];

	if (r->family != family)
		return false;
	memcpy(m, a, 16);
	mask(m, family, r->plen);
	return memcmp(m, r->prefix, 16) == 0;
}

json_t *api_cmd_routes(void *opaque, const json_t *req, char *err, size_t errlen)
{
	static const char *const args[] = { "lookup", NULL };
	const struct api_bridge *br = opaque;
	const unsigned max = APPCFG_MAX_ROUTES + APPCFG_MAX_PORTS * APPCFG_MAX_ADDRS;
	struct route *rt;
	const char *lookup;
	unsigned n;
	json_t *r;

	if (json_object_get(req, "op"))
		return api_fail(err, errlen, "routes takes no \"op\"; its argument is \"lookup\"");
	if (api_check_fields(req, "routes", args, err, errlen) || api_get_string(req, "lookup", &lookup, err, errlen))
		return NULL;
	rt = calloc(max, sizeof(*rt));
	if (!rt)
		return api_fail(err, errlen, "out of memory");
	n = collect(br->boot, rt, max);
	if (lookup) {
		uint8_t a[16] = { 0 };
		int family = strchr(lookup, ':') ? 6 : 4;
		const struct route *best = NULL;

		if (inet_pton(family == 6 ? AF_INET6 : AF_INET, lookup, a) != 1) {
			free(rt);
			return api_fail(err, errlen, "lookup: '%.64s' is not an IPv4 or IPv6 address", lookup);
		}
		/* Longest prefix; on a tie the last loaded, since rte_lpm's add replaces an equal prefix (fib.c). */
		for (unsigned i = 0; i < n; i++)
			if (matches(&rt[i], family, a) && (!best || rt[i].plen >= best->plen))
				best = &rt[i];
		if (!best) {
			free(rt);
			return api_fail(err, errlen, "no route to %s", lookup);
		}
		r = json_pack("{s:s, s:o}", "lookup", lookup, "route", route_json(br->boot, best));
	} else {
		json_t *list = json_array();

		for (unsigned i = 0; list && i < n; i++)
			json_array_append_new(list, route_json(br->boot, &rt[i]));
		r = json_pack("{s:o}", "routes", list);
	}
	free(rt);
	return r;
}
