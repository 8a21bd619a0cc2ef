/* SPDX-License-Identifier: BSD-3-Clause */
/* The command table and the helpers every command group uses (api.h). */
#include "api.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_load.h"

#ifndef XLAT64_VERSION
#define XLAT64_VERSION "unknown"
#endif

/*
 * Every command the daemon serves, in "help" order. Adding one: a line here,
 * its handler in api_NAME.c, its declaration in api.h.
 */
static const struct {
	const char *name;
	ctl_handler_fn fn;
	const char *help;
} api_table[] = {
	{ "version", api_cmd_version, "daemon version, mode, workers, uptime" },
	{ "global", api_cmd_global,
	  "global options: {\"op\":\"get\"[,\"name\":N]} | {\"op\":\"set\",\"name\":N,\"value\":V} | "
	  "{\"op\":\"set\",\"values\":{N:V,...}}" },
	{ "pool6", api_cmd_pool6, "RFC 6052 prefix: {\"op\":\"get\"} | {\"op\":\"set\",\"prefix\":P|null}" },
	{ "eamt", api_cmd_eamt,
	  "EAM table: {\"op\":\"list\"} | {\"op\":\"add\"|\"remove\",\"ipv6 prefix\":P6,\"ipv4 prefix\":P4} | "
	  "{\"op\":\"flush\"}" },
	{ "denylist4", api_cmd_denylist4,
	  "IPv4 prefixes never translated: {\"op\":\"list\"} | {\"op\":\"add\"|\"remove\",\"prefix\":P} | "
	  "{\"op\":\"flush\"}" },
	{ "pool4", api_cmd_pool4,
	  "NAT64 pool4: {\"op\":\"list\"} | add {\"protocol\",\"prefix\",\"port range\",\"mark\",\"max-iterations\"} | "
	  "remove {\"prefix\",\"protocol\",\"port range\"} | flush" },
	{ "bib", api_cmd_bib,
	  "NAT64 BIB: {\"op\":\"list\",\"protocol\",\"static-only\"} | add/remove {\"protocol\",\"ipv6 address\":\"A#P\","
	  "\"ipv4 address\":\"A#P\"}" },
	{ "session", api_cmd_session,
	  "NAT64 sessions: {\"protocol\",\"ipv6\":ADDR,\"ipv4\":ADDR,\"offset\":N,\"limit\":N (100)}" },
	{ "stats", api_cmd_stats, "counters: {\"all\":bool (zeros too), \"per-core\":bool}" },
	{ "ports", api_cmd_ports, "ports: {\"name\":PORT, \"xstats\":bool}" },
	{ "address", api_cmd_address,
	  "port addresses: {\"op\":\"list\"} | {\"op\":\"add\"|\"remove\",\"port\":NAME,\"address\":\"A/LEN\"} "
	  "(live ones: a VRRP daemon's virtual addresses)" },
	{ "neighbors", api_cmd_neighbors, "neighbour table: {\"port\":PORT}" },
	{ "routes", api_cmd_routes, "routing table: {\"lookup\":ADDRESS}" },
	{ "cgn", api_cmd_cgn,
	  "carrier-grade NAT64: {\"op\":\"get\"} | {\"op\":\"set\",\"cgn\":{limits, logging}} | "
	  "{\"op\":\"who\",\"address\":IPV4,\"port\":P} (deterministic NAT)" },
	{ "sync", api_cmd_sync,
	  "session synchronisation (doc/ha.md): {\"op\":\"status\"} | {\"op\":\"ready\"} (an error until this box "
	  "holds its peers' sessions) | {\"op\":\"bulk\"} (ask the peers for their tables)" },
	{ "config", api_cmd_config,
	  "running configuration: {\"op\":\"dump\"} | {\"op\":\"reload\"[,\"path\":FILE|\"config\":{...}]"
	  "[,\"dry-run\":true]}" },
};

unsigned api_commands(const struct api_bridge *br, struct ctl_command *out, unsigned max)
{
	unsigned n = 0;

	for (size_t i = 0; i < sizeof(api_table) / sizeof(api_table[0]) && n < max; i++)
		out[n++] = (struct ctl_command){ api_table[i].name, api_table[i].fn, (void *)(uintptr_t)br,
						 api_table[i].help };
	return n;
}

json_t *api_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return NULL;
}

/* The list of names as "a, b, c" for messages. */
static void join(char *out, size_t cap, const char *const names[])
{
	size_t off = 0;

	out[0] = '\0';
	for (unsigned i = 0; names[i] && off < cap; i++) {
		int n = snprintf(out + off, cap - off, "%s\"%s\"", i ? ", " : "", names[i]);
		if (n < 0)
			break;
		off += (size_t)n;
	}
}

int api_check_fields(const json_t *req, const char *what, const char *const allowed[], char *err, size_t errlen)
{
	const char *key;
	json_t *val;

	json_object_foreach((json_t *)(uintptr_t)req, key, val) {
		unsigned i;

		if (strcmp(key, "command") == 0 || strcmp(key, "id") == 0 || strcmp(key, "op") == 0)
			continue;
		for (i = 0; allowed[i]; i++)
			if (strcmp(key, allowed[i]) == 0)
				break;
		if (!allowed[i]) {
			char list[256];

			join(list, sizeof(list), allowed);
			if (!allowed[0])
				api_fail(err, errlen, "%s takes no argument \"%.64s\"", what, key);
			else
				api_fail(err, errlen, "%s takes no argument \"%.64s\"; it takes %s", what, key, list);
			return -1;
		}
	}
	return 0;
}

int api_get_op(const json_t *req, const char *cmd, const char *const ops[], const char *dflt, const char **op,
	       char *err, size_t errlen)
{
	json_t *j = json_object_get(req, "op");
	char list[256];

	join(list, sizeof(list), ops);
	if (!j) {
		if (!dflt) {
			api_fail(err, errlen, "%s needs \"op\": one of %s", cmd, list);
			return -1;
		}
		*op = dflt;
		return 0;
	}
	if (json_is_string(j))
		for (unsigned i = 0; ops[i]; i++)
			if (strcmp(json_string_value(j), ops[i]) == 0) {
				*op = ops[i];
				return 0;
			}
	if (json_is_string(j))
		api_fail(err, errlen, "%s has no operation \"%.64s\"; \"op\" is one of %s", cmd, json_string_value(j), list);
	else
		api_fail(err, errlen, "%s: \"op\" must be a string, one of %s", cmd, list);
	return -1;
}

json_t *api_run_op(const struct api_bridge *br, const json_t *req, const char *cmd, const struct api_op *ops,
		   const struct api_table *t, char *err, size_t errlen)
{
	const char *names[16], *op;
	unsigned n = 0;

	while (ops[n].name && n < sizeof(names) / sizeof(names[0]) - 1) {
		names[n] = ops[n].name;
		n++;
	}
	names[n] = NULL;
	char what[64];
	unsigned flushed = 0;

	if (api_get_op(req, cmd, names, names[0], &op, err, errlen))
		return NULL;
	for (unsigned i = 0; i < n; i++) {
		if (op != names[i])
			continue;
		if (ops[i].fn)
			return ops[i].fn(br, req, op, err, errlen);
		snprintf(what, sizeof(what), "%s %s", cmd, op);
		if (t && strcmp(op, "list") == 0)
			return api_list(br, req, what, t->key, t->list, t->max, err, errlen);
		if (t && strcmp(op, "flush") == 0)
			return api_flush(br, req, what, t->flush, &flushed, &flushed, err, errlen);
	}
	return api_fail(err, errlen, "internal: %s has no operation %s", cmd, op);
}

int api_get_bool(const json_t *req, const char *key, bool dflt, bool *out, char *err, size_t errlen)
{
	json_t *j = json_object_get(req, key);

	if (!j) {
		*out = dflt;
		return 0;
	}
	if (!json_is_boolean(j)) {
		api_fail(err, errlen, "\"%s\" must be true or false", key);
		return -1;
	}
	*out = json_is_true(j);
	return 0;
}

int api_get_string(const json_t *req, const char *key, const char **out, char *err, size_t errlen)
{
	json_t *j = json_object_get(req, key);

	*out = NULL;
	if (!j)
		return 0;
	if (!json_is_string(j) || strlen(json_string_value(j)) != json_string_length(j)) {
		api_fail(err, errlen, "\"%s\" must be a string", key);
		return -1;
	}
	*out = json_string_value(j);
	return 0;
}

struct xlat_config *api_xlat_copy(const struct api_bridge *br, char *err, size_t errlen)
{
	struct xlat_config *c = malloc(sizeof(*c));

	if (!c) {
		api_fail(err, errlen, "out of memory");
		return NULL;
	}
	br->xlat_read(br->opaque, c);
	return c;
}

json_t *api_list(const struct api_bridge *br, const json_t *req, const char *what, const char *key,
		 json_t *(*list)(const struct xlat_config *c, unsigned *count), int max, char *err, size_t errlen)
{
	static const char *const none[] = { NULL };
	struct xlat_config *c;
	unsigned n = 0;
	json_t *l, *r;

	if (api_check_fields(req, what, none, err, errlen) || !(c = api_xlat_copy(br, err, errlen)))
		return NULL;
	l = list(c, &n);
	r = json_pack("{s:o, s:i, s:i}", key, l, "count", (int)n, "max", max);
	free(c);
	return r;
}

json_t *api_flush(const struct api_bridge *br, const json_t *req, const char *what, api_edit_fn edit, void *arg,
		  const unsigned *removed, char *err, size_t errlen)
{
	static const char *const none[] = { NULL };

	if (api_check_fields(req, what, none, err, errlen) || br->xlat_update(br->opaque, edit, arg, err, errlen) < 0)
		return NULL;
	return json_pack("{s:i}", "removed", (int)*removed);
}

const char *api_mode_name(int mode)
{
	return mode == XLAT_MODE_NAT64 ? "nat64" : "siit";
}

int api_port_index(const struct api_bridge *br, const char *name)
{
	for (unsigned i = 0; i < br->boot->n_ports; i++)
		if (strcmp(br->boot->ports[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* ----------------------------------------------------------------- version */

json_t *api_cmd_version(void *opaque, const json_t *req, char *err, size_t errlen)
{
	const struct api_bridge *br = opaque;
	static const char *const none[] = { NULL };
	json_t *r;

	if (api_check_fields(req, "version", none, err, errlen))
		return NULL;
	if (json_object_get(req, "op"))
		return api_fail(err, errlen, "version takes no \"op\"");
	r = json_pack("{s:s, s:s}", "version", XLAT64_VERSION, "mode", api_mode_name(br->boot->xlat.mode));
	if (r && br->info) {
		json_t *extra = br->info(br->opaque);

		if (extra)
			json_object_update_missing(r, extra);
		json_decref(extra);
	}
	return r;
}
