/* SPDX-License-Identifier: BSD-3-Clause */
/* "eamt": the Explicit Address Mapping Table (RFC 7757), changed live. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "config_load.h"
#include "eamt.h"

struct eamt_args {
	const json_t *entry;       /* add: {"ipv6 prefix", "ipv4 prefix"} */
	bool has6, has4;           /* remove: which prefixes were given */
	struct prefix6 p6;
	struct prefix4 p4;
	struct eamt_entry removed; /* out */
};

static int add_edit(struct xlat_config *cfg, void *arg, char *err, size_t errlen)
{
	struct eamt_args *a = arg;

	return appcfg_eamt_parse_entry(a->entry, "eamt add", &cfg->eamt, err, errlen);
}

static bool same6(const struct prefix6 *x, const struct prefix6 *y)
{
	return x->len == y->len && memcmp(x->addr, y->addr, 16) == 0;
}

static bool same4(const struct prefix4 *x, const struct prefix4 *y)
{
	return x->len == y->len && x->addr == y->addr;
}

static int remove_edit(struct xlat_config *cfg, void *arg, char *err, size_t errlen)
{
	struct eamt_args *a = arg;
	struct eamt *t = &cfg->eamt;
	char s6[64] = "", s4[32] = "";
	json_t *j;

	for (unsigned i = 0; i < t->n; i++) {
		const struct eamt_entry *e = &t->by6[i];

		if ((a->has6 && !same6(&e->p6, &a->p6)) || (a->has4 && !same4(&e->p4, &a->p4)))
			continue;
		/* a copy: eamt_remove() shifts the arrays that e points into */
		a->removed = *e;
		if (eamt_remove(t, &a->removed.p6, &a->removed.p4) != 0)
			break;
		return 0;
	}
	if ((j = appcfg_prefix6_json(&a->p6)) != NULL) {
		snprintf(s6, sizeof(s6), "%s", json_string_value(j));
		json_decref(j);
	}
	if ((j = appcfg_prefix4_json(&a->p4)) != NULL) {
		snprintf(s4, sizeof(s4), "%s", json_string_value(j));
		json_decref(j);
	}
	if (a->has6 && a->has4) {
		/* Say what the table holds for either side: the usual mistake is a mismatched pair. */
		for (unsigned i = 0; i < t->n; i++) {
			const struct eamt_entry *e = &t->by6[i];

			if (same6(&e->p6, &a->p6) || same4(&e->p4, &a->p4)) {
				json_t *o6 = appcfg_prefix6_json(&e->p6), *o4 = appcfg_prefix4_json(&e->p4);

				api_fail(err, errlen, "no EAMT entry %s <-> %s; the table has %s <-> %s", s6, s4,
					 o6 ? json_string_value(o6) : "?", o4 ? json_string_value(o4) : "?");
				json_decref(o6);
				json_decref(o4);
				return -1;
			}
		}
		api_fail(err, errlen, "no EAMT entry %s <-> %s ({\"command\": \"eamt\"} lists them)", s6, s4);
	} else {
		api_fail(err, errlen, "no EAMT entry with %s prefix %s ({\"command\": \"eamt\"} lists them)",
			 a->has6 ? "IPv6" : "IPv4", a->has6 ? s6 : s4);
	}
	return -1;
}

/* arg: how many entries went */
static int flush_edit(struct xlat_config *cfg, void *arg, char *err, size_t errlen)
{
	unsigned *flushed = arg;

	(void)err;
	(void)errlen;
	*flushed = cfg->eamt.n;
	eamt_init(&cfg->eamt);
	return *flushed ? 0 : API_UNCHANGED;
}

static json_t *entry_json(const struct eamt_entry *e)
{
	return json_pack("{s:o, s:o}", "ipv6 prefix", appcfg_prefix6_json(&e->p6), "ipv4 prefix",
			 appcfg_prefix4_json(&e->p4));
}

static json_t *list(const struct xlat_config *c, unsigned *count)
{
	*count = c->eamt.n;
	return appcfg_eamt_json(&c->eamt);
}

static const char *const pair[] = { "ipv6 prefix", "ipv4 prefix", NULL };

static json_t *op_add(const struct api_bridge *br, const json_t *req, const char *op, char *err, size_t errlen)
{
	const json_t *j6 = json_object_get(req, "ipv6 prefix"), *j4 = json_object_get(req, "ipv4 prefix");
	struct eamt_args a;
	json_t *entry;
	int rc;

	(void)op;
	memset(&a, 0, sizeof(a));
	if (api_check_fields(req, "eamt add", pair, err, errlen))
		return NULL;
	if (!j6 || !j4)
		return api_fail(err, errlen, "eamt add needs \"ipv6 prefix\" and \"ipv4 prefix\"");
	if (appcfg_prefix6_parse(j6, "ipv6 prefix", &a.p6, err, errlen) ||
	    appcfg_prefix4_parse(j4, "ipv4 prefix", &a.p4, err, errlen))
		return NULL;
	entry = json_pack("{s:O, s:O}", "ipv6 prefix", j6, "ipv4 prefix", j4);
	if (!entry)
		return api_fail(err, errlen, "out of memory");
	a.entry = entry;
	rc = br->xlat_update(br->opaque, add_edit, &a, err, errlen);
	json_decref(entry);
	if (rc < 0)
		return NULL;
	a.removed = (struct eamt_entry){ a.p6, a.p4 };
	return json_pack("{s:o}", "added", entry_json(&a.removed));
}

/* by either prefix, or by both (which must be one entry) */
static json_t *op_remove(const struct api_bridge *br, const json_t *req, const char *op, char *err, size_t errlen)
{
	const json_t *j6 = json_object_get(req, "ipv6 prefix"), *j4 = json_object_get(req, "ipv4 prefix");
	struct eamt_args a;

	(void)op;
	memset(&a, 0, sizeof(a));
	if (api_check_fields(req, "eamt remove", pair, err, errlen))
		return NULL;
	if (!j6 && !j4)
		return api_fail(err, errlen, "eamt remove needs \"ipv6 prefix\", \"ipv4 prefix\" or both");
	if (j6 && appcfg_prefix6_parse(j6, "ipv6 prefix", &a.p6, err, errlen))
		return NULL;
	if (j4 && appcfg_prefix4_parse(j4, "ipv4 prefix", &a.p4, err, errlen))
		return NULL;
	a.has6 = j6 != NULL;
	a.has4 = j4 != NULL;
	if (br->xlat_update(br->opaque, remove_edit, &a, err, errlen) < 0)
		return NULL;
	return json_pack("{s:o}", "removed", entry_json(&a.removed));
}

json_t *api_cmd_eamt(void *opaque, const json_t *req, char *err, size_t errlen)
{
	static const struct api_op ops[] = {
		{ "list", NULL }, { "add", op_add }, { "remove", op_remove }, { "flush", NULL }, { NULL, NULL },
	};
	static const struct api_table table = { "eamt", EAMT_MAX, list, flush_edit };

	return api_run_op(opaque, req, "eamt", ops, &table, err, errlen);
}
