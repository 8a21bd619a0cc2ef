/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * "global" and "pool6": the global options, with the configuration file's
 * names, types and rules (config_load.c parses both), applied live.
 */
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "config_load.h"

/* Options that the file accepts for Jool compatibility but nothing stores can be neither read nor set. */
static json_t *not_stored(const char *name, char *err, size_t errlen)
{
	return api_fail(err, errlen,
			"global option '%s' is accepted in configuration files for Jool compatibility but has no "
			"effect in xlat64d, so it has no value to get or set",
			name);
}

struct set_args {
	const json_t *values; /* {name: value, ...}, as in the file's "global" section */
	json_t *changed;      /* out: {name: {"old": .., "new": ..}} */
};

static int set_edit(struct xlat_config *cfg, void *arg, char *err, size_t errlen)
{
	struct set_args *a = arg;
	struct xlat_globals old = cfg->g;
	const char *key;
	json_t *val;

	if (appcfg_globals_parse(a->values, "global", &cfg->g, err, errlen) != 0)
		return -1;
	json_object_foreach((json_t *)(uintptr_t)a->values, key, val) {
		int i = appcfg_global_find(key);
		json_t *o, *n;

		(void)val;
		if (i < 0)
			continue; /* "comment" */
		o = appcfg_global_json((unsigned)i, &old);
		n = appcfg_global_json((unsigned)i, &cfg->g);
		if (o && n && !json_equal(o, n)) {
			json_object_set_new(a->changed, appcfg_global_name((unsigned)i),
					    json_pack("{s:O, s:O}", "old", o, "new", n));
		}
		json_decref(o);
		json_decref(n);
	}
	return json_object_size(a->changed) ? 0 : API_UNCHANGED;
}

/* Apply values (a partial "global" section); returns the changes, or NULL with err. */
static json_t *global_set(const struct api_bridge *br, const json_t *values, char *err, size_t errlen)
{
	struct set_args a = { values, json_object() };
	const char *key;
	json_t *val;
	int rc;

	if (!a.changed)
		return api_fail(err, errlen, "out of memory");
	json_object_foreach((json_t *)(uintptr_t)values, key, val) {
		int i = appcfg_global_find(key);

		(void)val;
		if (i >= 0 && !appcfg_global_stored((unsigned)i)) {
			json_decref(a.changed);
			return not_stored(appcfg_global_name((unsigned)i), err, errlen);
		}
	}
	rc = br->xlat_update(br->opaque, set_edit, &a, err, errlen);
	if (rc < 0) {
		json_decref(a.changed);
		return NULL;
	}
	return a.changed;
}

json_t *api_cmd_global(void *opaque, const json_t *req, char *err, size_t errlen)
{
	static const char *const ops[] = { "get", "set", NULL };
	static const char *const get_args[] = { "name", NULL };
	static const char *const set_args[] = { "name", "value", "values", NULL };
	const struct api_bridge *br = opaque;
	const char *op, *name;
	json_t *r;

	if (api_get_op(req, "global", ops, "get", &op, err, errlen))
		return NULL;
	if (strcmp(op, "get") == 0) {
		struct xlat_config *c;
		json_t *g;
		int i = -1;

		if (api_check_fields(req, "global get", get_args, err, errlen) ||
		    api_get_string(req, "name", &name, err, errlen))
			return NULL;
		if (name) {
			i = appcfg_global_find(name);
			if (i < 0)
				return api_fail(err, errlen, "no global option '%.64s'; {\"command\": \"global\"} lists them",
						name);
			if (!appcfg_global_stored((unsigned)i))
				return not_stored(appcfg_global_name((unsigned)i), err, errlen);
		}
		c = api_xlat_copy(br, err, errlen);
		if (!c)
			return NULL;
		if (i >= 0)
			g = json_pack("{s:o}", appcfg_global_name((unsigned)i), appcfg_global_json((unsigned)i, &c->g));
		else
			g = appcfg_globals_json(&c->g);
		free(c);
		return json_pack("{s:o}", "global", g);
	}

	/* set */
	json_t *values = json_object_get(req, "values"), *value = json_object_get(req, "value");
	if (api_check_fields(req, "global set", set_args, err, errlen) ||
	    api_get_string(req, "name", &name, err, errlen))
		return NULL;
	if (values) {
		if (name || value)
			return api_fail(err, errlen, "global set takes either \"values\" or \"name\" and \"value\", not both");
		if (!json_is_object(values))
			return api_fail(err, errlen, "\"values\" must be an object {option: value, ...}");
		if (json_object_size(values) == 0)
			return api_fail(err, errlen, "\"values\" is empty: nothing to set");
		json_incref(values);
	} else {
		if (!name)
			return api_fail(err, errlen, "global set needs \"name\" and \"value\" (or \"values\": {...})");
		if (!value)
			return api_fail(err, errlen, "global set of '%.64s' needs a \"value\"", name);
		values = json_object();
		if (!values || json_object_set(values, name, value) != 0) {
			json_decref(values);
			return api_fail(err, errlen, "out of memory");
		}
	}
	r = global_set(br, values, err, errlen);
	json_decref(values);
	return r ? json_pack("{s:o}", "changed", r) : NULL;
}

json_t *api_cmd_pool6(void *opaque, const json_t *req, char *err, size_t errlen)
{
	static const char *const ops[] = { "get", "set", NULL };
	static const char *const none[] = { NULL };
	static const char *const set_args[] = { "prefix", NULL };
	const struct api_bridge *br = opaque;
	int i = appcfg_global_find("pool6");
	const char *op;
	json_t *values, *changed, *prefix;
	struct xlat_config *c;

	if (i < 0)
		return api_fail(err, errlen, "internal: no pool6 option");
	if (api_get_op(req, "pool6", ops, "get", &op, err, errlen))
		return NULL;
	if (strcmp(op, "get") == 0) {
		if (api_check_fields(req, "pool6 get", none, err, errlen))
			return NULL;
		c = api_xlat_copy(br, err, errlen);
		if (!c)
			return NULL;
		values = json_pack("{s:o}", "pool6", appcfg_global_json((unsigned)i, &c->g));
		free(c);
		return values;
	}
	if (api_check_fields(req, "pool6 set", set_args, err, errlen))
		return NULL;
	prefix = json_object_get(req, "prefix");
	if (!prefix)
		return api_fail(err, errlen, "pool6 set needs \"prefix\": an RFC 6052 prefix such as \"64:ff9b::/96\", "
					     "or null to unset pool6");
	values = json_pack("{s:O}", "pool6", prefix);
	if (!values)
		return api_fail(err, errlen, "out of memory");
	changed = global_set(br, values, err, errlen);
	json_decref(values);
	if (!changed)
		return NULL;
	c = api_xlat_copy(br, err, errlen);
	if (!c) {
		json_decref(changed);
		return NULL;
	}
	values = json_pack("{s:o, s:b}", "pool6", appcfg_global_json((unsigned)i, &c->g), "changed",
			   json_object_size(changed) > 0);
	free(c);
	json_decref(changed);
	return values;
}
