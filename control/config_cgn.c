/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The "cgn" section (doc/cgn.md): subscriber limits, port blocks,
 * deterministic NAT (RFC 7422) and NAT event logging; the file's whole
 * section, or a live change of part of it (`cgn set`: no member that decides
 * which worker owns a flow).
 */
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "cgn.h"
#include "config_internal.h"
#include "xlat.h"

static const char *const cgn_event_names[] = { "bib", "session", "block", "quota" };

/* "ADDRESS#PORT" of either family, or null (none). */
static int parse_cgn_target(struct ld *ld, const char *path, const json_t *j, struct cgn_target *t)
{
	memset(t, 0, sizeof(*t));
	if (json_is_null(j))
		return 0;
	const char *s = json_is_string(j) ? json_string_value(j) : "";
	t->family = strchr(s, ':') ? 6 : 4;
	if (cfg_parse_taddr(ld, path, j, t->family, t->addr, &t->port))
		return -1;
	if (t->port == 0)
		return cfg_fail(ld, path, "port 0 is not a destination");
	t->set = true;
	return 0;
}

static int parse_cgn_logging(struct ld *ld, const char *p, json_t *j, struct cgn_config *c, bool *events_given)
{
	char q[PATH_LEN], r[PATH_LEN], b1[SHOW_LEN];
	struct field f[] = { KEY("events"), KEY("ipfix"), KEY("syslog"), KEY("observation-domain"),
			     KEY("template-refresh-s") };
	uint64_t v;

	if (cfg_take_fields(ld, j, p, f, sizeof(f) / sizeof(f[0])))
		return -1;
	if (f[0].val) {
		cfg_path_key(q, p, "events");
		if (cfg_get_array(ld, q, f[0].val, 8, "events"))
			return -1;
		c->log_events = 0;
		for (size_t i = 0; i < json_array_size(f[0].val); i++) {
			const char *s;
			unsigned k;
			cfg_path_idx(r, q, i);
			if (cfg_get_string(ld, r, json_array_get(f[0].val, i), &s))
				return -1;
			for (k = 0; k < 4 && strcasecmp(s, cgn_event_names[k]) != 0; k++)
				;
			if (k == 4)
				return cfg_fail(ld, r, "'%s' is not one of \"bib\", \"session\", \"block\", \"quota\"", cfg_show(s, b1));
			c->log_events |= (uint8_t)(1u << k);
		}
		*events_given = true;
	}
	cfg_path_key(q, p, "ipfix");
	if (f[1].val && parse_cgn_target(ld, q, f[1].val, &c->ipfix))
		return -1;
	cfg_path_key(q, p, "syslog");
	if (f[2].val && parse_cgn_target(ld, q, f[2].val, &c->syslog))
		return -1;
	cfg_path_key(q, p, "observation-domain");
	if (f[3].val) {
		if (cfg_get_uint(ld, q, f[3].val, 0, U32MAX, &v))
			return -1;
		c->observation_domain = (uint32_t)v;
	}
	cfg_path_key(q, p, "template-refresh-s");
	if (f[4].val) {
		if (cfg_get_uint(ld, q, f[4].val, 1, 86400, &v))
			return -1;
		c->template_refresh_s = (uint32_t)v;
	}
	return 0;
}

/* "max-ports": {"TCP": n, "UDP": n, "ICMP": n}, each optional */
static int parse_cgn_max_ports(struct ld *ld, const char *q, json_t *j, struct cgn_config *c)
{
	struct field g[] = { KEY("TCP"), KEY("UDP"), KEY("ICMP") };
	uint64_t v;

	if (cfg_take_fields(ld, j, q, g, 3))
		return -1;
	for (unsigned i = 0; i < 3; i++) {
		if (!g[i].val)
			continue;
		if (cfg_field_uint(ld, q, &g[i], 0, U32MAX, &v))
			return -1;
		c->max_ports[i] = (uint32_t)v; /* CGN_TCP, CGN_UDP, CGN_ICMP */
	}
	return 0;
}

/* "port-blocks": {"block-size", "max-blocks"}, or null for none */
static int parse_cgn_blocks(struct ld *ld, const char *q, json_t *j, struct cgn_config *c)
{
	struct field g[] = { KEY_REQUIRED("block-size"), KEY("max-blocks") };
	uint64_t v;

	c->block_size = 0;
	if (json_is_null(j))
		return 0;
	if (cfg_take_fields(ld, j, q, g, 2) || cfg_field_uint(ld, q, &g[0], 2, 32768, &v))
		return -1;
	c->block_size = (uint16_t)v;
	if (g[1].val) {
		if (cfg_field_uint(ld, q, &g[1], 1, 65535, &v))
			return -1;
		c->max_blocks = (uint16_t)v;
	}
	return 0;
}

/* "deterministic": {"ipv6 prefix", "ipv4 prefix", "port range"}, or null for none (RFC 7422) */
static int parse_cgn_det(struct ld *ld, const char *q, json_t *j, struct cgn_config *c)
{
	struct field g[] = { KEY_REQUIRED("ipv6 prefix"), KEY_REQUIRED("ipv4 prefix"), KEY("port range") };
	char r[PATH_LEN];

	memset(&c->det, 0, sizeof(c->det));
	if (json_is_null(j))
		return 0;
	if (cfg_take_fields(ld, j, q, g, 3))
		return -1;
	cfg_path_key(r, q, "ipv6 prefix");
	if (cfg_get_prefix6(ld, r, g[0].val, &c->det.prefix6))
		return -1;
	cfg_path_key(r, q, "ipv4 prefix");
	if (cfg_get_prefix4(ld, r, g[1].val, &c->det.prefix4))
		return -1;
	c->det.port_min = 1024;
	c->det.port_max = 65535;
	cfg_path_key(r, q, "port range");
	if (g[2].val && cfg_parse_port_range(ld, r, g[2].val, &c->det.port_min, &c->det.port_max))
		return -1;
	c->det.enabled = true;
	return 0;
}

enum { CF_PLEN, CF_SESSIONS, CF_PORTS, CF_BLOCKS, CF_DET, CF_LOGGING, CF_N };

/*
 * The "cgn" object (doc/cgn.md) applied onto x->cgn: every member optional.
 * structural: whether members that decide which worker owns a flow (subscriber
 * prefix length, port blocks, deterministic NAT) may change (the file: yes; a
 * live change: no, they need a restart).
 */
static int parse_cgn_into(struct ld *ld, json_t *j, const char *p, struct xlat_config *x, bool structural)
{
	static const unsigned fixed[] = { CF_PLEN, CF_BLOCKS, CF_DET };
	struct field f[CF_N] = { KEY("subscriber-prefix-length"), KEY("max-sessions"), KEY("max-ports"),
				 KEY("port-blocks"), KEY("deterministic"), KEY("logging") };
	struct cgn_config *c = &x->cgn;
	bool events_given = false;
	char q[PATH_LEN];
	uint64_t v;

	if (cfg_take_fields(ld, j, p, f, CF_N))
		return -1;
	for (unsigned i = 0; !structural && i < 3; i++)
		if (f[fixed[i]].val)
			return cfg_fail(ld, p, "\"%s\" decides which worker owns a flow: change it in the file and restart",
					f[fixed[i]].name);
	c->enabled = true;
	if (f[CF_PLEN].val) {
		if (cfg_field_uint(ld, p, &f[CF_PLEN], 32, 128, &v))
			return -1;
		c->subscriber_plen = (uint8_t)v;
	}
	if (f[CF_SESSIONS].val) {
		if (cfg_field_uint(ld, p, &f[CF_SESSIONS], 0, U32MAX, &v))
			return -1;
		c->max_sessions = (uint32_t)v;
	}
	for (unsigned i = CF_PORTS; i <= CF_LOGGING; i++) {
		static int (*const parse[])(struct ld *, const char *, json_t *, struct cgn_config *) = {
			[CF_PORTS] = parse_cgn_max_ports, [CF_BLOCKS] = parse_cgn_blocks, [CF_DET] = parse_cgn_det };

		cfg_path_key(q, p, f[i].name);
		if (f[i].val && (i == CF_LOGGING ? parse_cgn_logging(ld, q, f[i].val, c, &events_given)
						 : parse[i](ld, q, f[i].val, c)))
			return -1;
	}
	/* RFC 7422: with port blocks a block is logged, not each entry; deterministic NAT needs no log at all */
	if (!events_given && (f[CF_BLOCKS].val || f[CF_DET].val))
		c->log_events = c->det.enabled ? CGN_LOG_QUOTA
			      : c->block_size ? (CGN_LOG_BLOCK | CGN_LOG_QUOTA) : (CGN_LOG_BIB | CGN_LOG_QUOTA);
	return 0;
}

/* Rules across members and sections (pool4 is known by now). */
int cfg_cgn_check(struct ld *ld, const char *p, const struct xlat_config *x)
{
	const struct cgn_config *c = &x->cgn;
	char b1[PFX_LEN];
	struct cgn_det_geometry g;

	if (c->block_size && c->det.enabled)
		return cfg_fail(ld, p, "\"port-blocks\" and \"deterministic\" exclude each other");
	if (!c->det.enabled)
		return 0;
	const char *why = cgn_det_geometry(c, &g);
	if (why)
		return cfg_fail(ld, p, "deterministic: %s", why);
	/* The dataplane takes IPv4 packets by pool4: the deterministic ports must be in it, per protocol used. */
	static const uint8_t protos[] = { 6, 17, 1 };
	for (unsigned k = 0; k < 3; k++) {
		bool used = false, covered = false;
		for (unsigned i = 0; i < x->n_pool4; i++) {
			const struct pool4_entry *e = &x->pool4[i];
			if (e->proto != protos[k])
				continue;
			used = true;
			struct prefix4 pe = { e->addr, e->plen };
			if (e->plen <= c->det.prefix4.len && prefix4_contains(&pe, c->det.prefix4.addr) &&
			    e->port_min <= c->det.port_min && e->port_max >= c->det.port_max)
				covered = true;
		}
		if (used && !covered) {
			cfg_format_prefix(4, &c->det.prefix4.addr, c->det.prefix4.len, b1);
			return cfg_fail(ld, p, "deterministic: %s ports %u-%u is not within one %s pool4 entry", b1,
				    c->det.port_min, c->det.port_max, protos[k] == 6 ? "TCP" : protos[k] == 17 ? "UDP" : "ICMP");
		}
	}
	return 0;
}

int cfg_parse_cgn(struct ld *ld, json_t *j)
{
	if (ld->cfg->xlat.mode != XLAT_MODE_NAT64)
		return cfg_fail(ld, "cgn", "cgn is a NAT64 setting; this file's mode is siit%s",
			    ld->mode_given ? "" : NO_MODE_HINT);
	if (json_is_null(j))
		return 0;
	return parse_cgn_into(ld, j, "cgn", &ld->cfg->xlat, true);
}

/* ------------------------------------------------------- for the API, dump */

int appcfg_cgn_parse(const json_t *obj, const char *path, struct xlat_config *x, bool structural, char *err,
		     size_t errlen)
{
	struct ld ld = cfg_ld_api(err, errlen);
	const char *p = path ? path : "cgn";

	if (parse_cgn_into(&ld, (json_t *)(uintptr_t)obj, p, x, structural))
		return -1;
	return cfg_cgn_check(&ld, p, x);
}

static json_t *cgn_target_json(const struct cgn_target *t)
{
	return t->set ? cfg_taddr_json(t->family, t->addr, t->port) : json_null();
}

json_t *appcfg_cgn_json(const struct xlat_config *x)
{
	const struct cgn_config *c = &x->cgn;
	json_t *ev = json_array(), *o;
	char b[PFX_LEN], r[16];

	for (unsigned k = 0; ev && k < 4; k++)
		if (c->log_events & (1u << k))
			json_array_append_new(ev, json_string(cgn_event_names[k]));
	o = json_pack("{s:i, s:I, s:{s:I, s:I, s:I}, s:o, s:o, s:{s:o, s:o, s:o, s:I, s:I}}", "subscriber-prefix-length",
		      (int)c->subscriber_plen, "max-sessions", (json_int_t)c->max_sessions, "max-ports", "TCP",
		      (json_int_t)c->max_ports[CGN_TCP], "UDP", (json_int_t)c->max_ports[CGN_UDP], "ICMP",
		      (json_int_t)c->max_ports[CGN_ICMP], "port-blocks",
		      c->block_size ? json_pack("{s:i, s:i}", "block-size", (int)c->block_size, "max-blocks",
						(int)c->max_blocks)
				    : json_null(),
		      "deterministic", json_null(), "logging", "events", ev ? ev : json_array(), "ipfix",
		      cgn_target_json(&c->ipfix), "syslog", cgn_target_json(&c->syslog), "observation-domain",
		      (json_int_t)c->observation_domain, "template-refresh-s", (json_int_t)c->template_refresh_s);
	if (o && c->det.enabled) {
		json_t *d = json_object();
		cfg_format_prefix(6, c->det.prefix6.addr, c->det.prefix6.len, b);
		json_object_set_new(d, "ipv6 prefix", json_string(b));
		cfg_format_prefix(4, &c->det.prefix4.addr, c->det.prefix4.len, b);
		json_object_set_new(d, "ipv4 prefix", json_string(b));
		snprintf(r, sizeof(r), "%u-%u", c->det.port_min, c->det.port_max);
		json_object_set_new(d, "port range", json_string(r));
		json_object_set_new(o, "deterministic", d);
	}
	return o;
}
