/* SPDX-License-Identifier: BSD-3-Clause */
/* "denylist4": IPv4 prefixes the translator never translates (Jool's denylist4), changed live. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "config_load.h"

struct deny_args {
	const json_t *prefix;
	struct prefix4 p;
};

/* The canonical text of a prefix, for messages. */
static const char *fmt4(const struct prefix4 *p, char out[32])
{
	json_t *j = appcfg_prefix4_json(p);

	snprintf(out, 32, "%s", j ? json_string_value(j) : "?");
	json_decref(j);
	return out;
}

static int add_edit(struct xlat_config *cfg, void *arg, char *err, size_t errlen)
{
	struct deny_args *a = arg;

	for (unsigned i = 0; i < cfg->n_denylist4; i++)
		if (cfg->denylist4[i].addr == a->p.addr && cfg->denylist4[i].len == a->p.len) {
			char b[32];

			api_fail(err, errlen, "%s is already in denylist4", fmt4(&a->p, b));
			return -1;
		}
	return appcfg_denylist4_parse_entry(a->prefix, "denylist4 add", cfg, err, errlen);
}

static int remove_edit(struct xlat_config *cfg, void *arg, char *err, size_t errlen)
{
	struct deny_args *a = arg;

	for (unsigned i = 0; i < cfg->n_denylist4; i++)
		if (cfg->denylist4[i].addr == a->p.addr && cfg->denylist4[i].len == a->p.len) {
			memmove(&cfg->denylist4[i], &cfg->denylist4[i + 1],
				(cfg->n_denylist4 - i - 1) * sizeof(cfg->denylist4[0]));
			cfg->n_denylist4--;
			return 0;
		}
	char b[32];

	api_fail(err, errlen, "%s is not in denylist4 ({\"command\": \"denylist4\"} lists it)", fmt4(&a->p, b));
	return -1;
}

/* arg: how many prefixes went */
static int flush_edit(struct xlat_config *cfg, void *arg, char *err, size_t errlen)
{
	unsigned *flushed = arg;

	(void)err;
	(void)errlen;
	*flushed = cfg->n_denylist4;
	cfg->n_denylist4 = 0;
	return *flushed ? 0 : API_UNCHANGED;
}

static json_t *list(const struct xlat_config *c, unsigned *count)
{
	*count = c->n_denylist4;
	return appcfg_denylist4_json(c);
}

/* "add" or "remove" one prefix */
static json_t *deny_edit(const struct api_bridge *br, const json_t *req, const char *op, char *err, size_t errlen)
{
	static const char *const one[] = { "prefix", NULL };
	bool add = strcmp(op, "add") == 0;
	struct deny_args a;

	memset(&a, 0, sizeof(a));
	if (api_check_fields(req, add ? "denylist4 add" : "denylist4 remove", one, err, errlen))
		return NULL;
	a.prefix = json_object_get(req, "prefix");
	if (!a.prefix)
		return api_fail(err, errlen, "denylist4 %s needs \"prefix\", an IPv4 prefix such as \"192.0.2.0/24\"",
				op);
	if (appcfg_prefix4_parse(a.prefix, "prefix", &a.p, err, errlen) ||
	    br->xlat_update(br->opaque, add ? add_edit : remove_edit, &a, err, errlen) < 0)
		return NULL;
	return json_pack("{s:o}", add ? "added" : "removed", appcfg_prefix4_json(&a.p));
}

json_t *api_cmd_denylist4(void *opaque, const json_t *req, char *err, size_t errlen)
{
	static const struct api_op ops[] = {
		{ "list", NULL }, { "add", deny_edit }, { "remove", deny_edit }, { "flush", NULL }, { NULL, NULL },
	};
	static const struct api_table table = { "denylist4", XLAT_MAX_DENYLIST4, list, flush_edit };

	return api_run_op(opaque, req, "denylist4", ops, &table, err, errlen);
}
