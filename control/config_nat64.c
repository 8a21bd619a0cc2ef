/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The NAT64 sections (RFC 6146): "pool4" and the static "bib" entries, in
 * Jool's shapes; the rules across the two (a BIB entry's IPv4 side in pool4)
 * and an empty pool4 made of the ports' addresses, as in Jool.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "config_internal.h"
#include "xlat.h"

/* Jool's pool4 entries: {"mark", "protocol", "prefix", "port range", "max-iterations"}; one appended to x. */
static int parse_pool4_entry(struct ld *ld, const char *p, json_t *e, void *arg)
{
	struct xlat_config *x = arg;
	char q[PATH_LEN];
	struct pool4_entry pe = { .port_min = 61001, .port_max = 65535 };
	struct prefix4 pfx;
	struct field f[] = { KEY("mark"), KEY("protocol"), KEY("prefix"), KEY("port range"), KEY("max-iterations") };

	if (cfg_take_fields(ld, e, p, f, sizeof(f) / sizeof(f[0])))
		return -1;
	if (x->n_pool4 >= POOL4_MAX)
		return cfg_fail(ld, p, "too many pool4 entries (at most %d)", POOL4_MAX);
	if (!f[1].val || !f[2].val)
		return cfg_fail(ld, p, "missing \"%s\"", f[1].val ? "prefix" : "protocol");
	cfg_path_key(q, p, "protocol");
	if (cfg_parse_proto(ld, q, f[1].val, &pe.proto))
		return -1;
	cfg_path_key(q, p, "prefix");
	if (cfg_get_prefix4(ld, q, f[2].val, &pfx))
		return -1;
	if (pfx.len < 16)
		return cfg_fail(ld, q, "a pool4 prefix must be /16 or longer");
	pe.addr = pfx.addr;
	pe.plen = pfx.len;
	if (f[3].val) {
		cfg_path_key(q, p, "port range");
		if (cfg_parse_port_range(ld, q, f[3].val, &pe.port_min, &pe.port_max))
			return -1;
	}
	if (f[0].val) {
		uint64_t m;
		cfg_path_key(q, p, "mark");
		if (cfg_get_uint(ld, q, f[0].val, 0, U32MAX, &m))
			return -1;
		pe.mark = (uint32_t)m;
	}
	if (f[4].val && !(json_is_string(f[4].val) && strcasecmp(json_string_value(f[4].val), "auto") == 0)) {
		uint64_t m;
		cfg_path_key(q, p, "max-iterations");
		if (cfg_get_uint(ld, q, f[4].val, 1, U32MAX, &m))
			return -1;
		pe.max_iterations = (uint32_t)m;
	}
	x->pool4[x->n_pool4++] = pe;
	return 0;
}

/* as many as the array holds: parse_pool4_entry() refuses the one too many */
int cfg_parse_pool4(struct ld *ld, json_t *j)
{
	return cfg_each(ld, "pool4", j, SIZE_MAX, "entries", parse_pool4_entry, &ld->cfg->xlat);
}

/*
 * A static BIB entry's IPv4 side against pool4. Our rule: pool4 holds the
 * address for that protocol (a prefix of a pool4 entry of the protocol).
 * Jool's is stricter (xlator_replace() -> basic_replace_validations() ->
 * pool4db_contains(), src/mod/common/xlator.c): the port must lie in one of
 * that address's port ranges too (the mark is not looked at; an empty pool4
 * stands for the node's own addresses, ports 61001-65535). We take an entry
 * outside the ranges as a port forward: dynamic allocation never hands its
 * port out, and the dataplane claims it (nat64_pool4_port()), so nothing
 * collides; doc/configuration.md lists the difference, and `xlat64ctl check`
 * notes such an entry (cfg_bib_check()). 0, or -1 after cfg_fail() on path.
 */
static int bib_in_pool4(struct ld *ld, const char *path, const struct bib_static *b, const struct xlat_config *x)
{
	char a[INET_ADDRSTRLEN] = "?";

	for (unsigned k = 0; k < x->n_pool4; k++) {
		struct prefix4 pf = { x->pool4[k].addr, x->pool4[k].plen };

		if (x->pool4[k].proto == b->proto && prefix4_contains(&pf, b->addr4))
			return 0;
	}
	inet_ntop(AF_INET, &b->addr4, a, sizeof(a));
	if (x->n_pool4 == 0)
		return cfg_fail(ld, path, "the IPv4 address is not in pool4 for this protocol: pool4 is empty, which means the "
				      "ports' IPv4 addresses (as in Jool: the node's own), and no port has one");
	return cfg_fail(ld, path, "the IPv4 address is not in pool4 for this protocol: no %s pool4 entry holds %s",
		    cfg_proto_name(b->proto), a);
}

/*
 * Jool's static BIB entries: {"protocol", "ipv6 address": "A#P", "ipv4 address": "A#P"}; appended to x.
 * check_pool4: the IPv4 side is checked against x's pool4 now (the control API); a file's entries are
 * checked by parse_top() once pool4 is complete (an empty one becomes the ports' addresses).
 */
static int parse_bib_entry(struct ld *ld, json_t *e, const char *p, struct xlat_config *x, bool check_pool4)
{
	char q[PATH_LEN];
	struct bib_static b;
	struct field f[] = { KEY_REQUIRED("protocol"), KEY_REQUIRED("ipv6 address"), KEY_REQUIRED("ipv4 address") };

	memset(&b, 0, sizeof(b));
	if (cfg_take_fields(ld, e, p, f, 3))
		return -1;
	if (x->n_bib >= BIB_STATIC_MAX)
		return cfg_fail(ld, p, "too many static BIB entries (at most %d)", BIB_STATIC_MAX);
	cfg_path_key(q, p, "protocol");
	if (cfg_parse_proto(ld, q, f[0].val, &b.proto))
		return -1;
	cfg_path_key(q, p, "ipv6 address");
	if (cfg_parse_taddr(ld, q, f[1].val, 6, b.addr6, &b.port6))
		return -1;
	cfg_path_key(q, p, "ipv4 address");
	if (cfg_parse_taddr(ld, q, f[2].val, 4, (uint8_t *)&b.addr4, &b.port4))
		return -1;
	if (check_pool4 && bib_in_pool4(ld, q, &b, x))
		return -1;
	for (unsigned k = 0; k < x->n_bib; k++) {
		const struct bib_static *o = &x->bib[k];
		if (o->proto == b.proto && ((o->addr4 == b.addr4 && o->port4 == b.port4) ||
					    (o->port6 == b.port6 && memcmp(o->addr6, b.addr6, 16) == 0)))
			return cfg_fail(ld, p, "clashes with bib[%u]", k);
	}
	x->bib[x->n_bib++] = b;
	return 0;
}

/* a file's entry: checked against pool4 once the file's pool4 is complete (cfg_bib_check()) */
static int parse_file_bib_entry(struct ld *ld, const char *p, json_t *e, void *arg)
{
	return parse_bib_entry(ld, e, p, arg, false);
}

int cfg_parse_bib(struct ld *ld, json_t *j)
{
	return cfg_each(ld, "bib", j, SIZE_MAX, "entries", parse_file_bib_entry, &ld->cfg->xlat);
}

/*
 * The file's static BIB entries against its complete pool4 (bib_in_pool4()),
 * and a note for each whose port no pool4 range of its address holds: Jool
 * refuses those.
 */
int cfg_bib_check(struct ld *ld)
{
	const struct xlat_config *x = &ld->cfg->xlat;
	char p[PATH_LEN], q[PATH_LEN], a[INET_ADDRSTRLEN];

	for (unsigned i = 0; i < x->n_bib; i++) {
		const struct bib_static *b = &x->bib[i];
		bool port_in = false;

		cfg_path_idx(p, "bib", i);
		cfg_path_key(q, p, "ipv4 address");
		if (bib_in_pool4(ld, q, b, x))
			return -1;
		for (unsigned k = 0; k < x->n_pool4 && !port_in; k++) {
			const struct pool4_entry *e = &x->pool4[k];
			struct prefix4 pf = { e->addr, e->plen };

			port_in = e->proto == b->proto && prefix4_contains(&pf, b->addr4) && b->port4 >= e->port_min &&
				  b->port4 <= e->port_max;
		}
		if (!port_in) {
			inet_ntop(AF_INET, &b->addr4, a, sizeof(a));
			cfg_note(ld, p, "%s#%u is outside the %s port ranges of pool4 for %s: taken as a port forward "
				    "(dynamic allocation never uses the port); Jool refuses such an entry (its pool4 must hold "
				    "the port too)", a, b->port4, cfg_proto_name(b->proto), a);
		}
	}
	return 0;
}


/*
 * NAT64 needs pool6 (RFC 6146 uses it for every IPv4 address). An empty pool4
 * means, as in Jool, the box's own IPv4 addresses with ports 61001-65535.
 */
int cfg_nat64_finish(struct ld *ld)
{
	struct appcfg *c = ld->cfg;
	struct xlat_config *x = &c->xlat;
	static const uint8_t protos[] = { 6, 17, 1 };

	if (!x->g.pool6_set)
		return cfg_fail(ld, "global.pool6", "nat64 mode needs pool6 (e.g. \"64:ff9b::/96\")");
	if (x->n_pool4)
		return 0;
	for (unsigned p = 0; p < c->n_ports; p++) {
		for (unsigned a = 0; a < c->ports[p].n_addrs; a++) {
			if (c->ports[p].addrs[a].family != 4)
				continue;
			for (unsigned k = 0; k < 3; k++) {
				if (x->n_pool4 >= POOL4_MAX)
					return 0;
				struct pool4_entry *e = &x->pool4[x->n_pool4++];
				memset(e, 0, sizeof(*e));
				e->proto = protos[k];
				memcpy(&e->addr, c->ports[p].addrs[a].addr, 4);
				e->plen = 32;
				e->port_min = 61001;
				e->port_max = 65535;
			}
		}
	}
	return 0;
}


/* ------------------------------------------------------- for the API, dump */

int appcfg_pool4_parse_entry(const json_t *entry, const char *path, struct xlat_config *x, char *err, size_t errlen)
{
	struct ld ld = cfg_ld_api(err, errlen);

	return parse_pool4_entry(&ld, path ? path : "pool4", (json_t *)(uintptr_t)entry, x);
}

int appcfg_bib_parse_entry(const json_t *entry, const char *path, struct xlat_config *x, char *err, size_t errlen)
{
	struct ld ld = cfg_ld_api(err, errlen);

	return parse_bib_entry(&ld, (json_t *)(uintptr_t)entry, path ? path : "bib", x, true);
}

json_t *appcfg_pool4_json(const struct xlat_config *x)
{
	json_t *a = json_array();

	for (unsigned i = 0; a && i < x->n_pool4 && i < POOL4_MAX; i++) {
		const struct pool4_entry *e = &x->pool4[i];
		struct prefix4 p = { e->addr, e->plen };
		char range[16];

		snprintf(range, sizeof(range), "%u-%u", e->port_min, e->port_max);
		json_array_append_new(a, json_pack("{s:I, s:s, s:o, s:s, s:o}", "mark", (json_int_t)e->mark, "protocol",
						   cfg_proto_name(e->proto), "prefix", appcfg_prefix4_json(&p), "port range",
						   range, "max-iterations",
						   e->max_iterations ? json_integer(e->max_iterations) : json_string("auto")));
	}
	return a;
}

json_t *appcfg_bib_json(const struct xlat_config *x)
{
	json_t *a = json_array();

	for (unsigned i = 0; a && i < x->n_bib && i < BIB_STATIC_MAX; i++) {
		const struct bib_static *b = &x->bib[i];

		json_array_append_new(a, json_pack("{s:s, s:o, s:o}", "protocol", cfg_proto_name(b->proto), "ipv6 address",
						   cfg_taddr_json(6, b->addr6, b->port6), "ipv4 address",
						   cfg_taddr_json(4, &b->addr4, b->port4)));
	}
	return a;
}
