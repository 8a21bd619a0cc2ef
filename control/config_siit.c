/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The SIIT sections: "eamt" (RFC 7757: {"ipv6 prefix", "ipv4 prefix"}
 * entries, lib/eamt.c judges overlaps) and "denylist4" (Jool's old name
 * "blacklist4" too: the top level passes the name in use).
 */
#include <stdint.h>
#include <string.h>

#include "config_internal.h"
#include "eamt.h"

/* One {"ipv6 prefix": .., "ipv4 prefix": ..} object, added to t. */
static int parse_eamt_entry(struct ld *ld, const char *p, json_t *j, void *arg)
{
	struct eamt *t = arg;
	struct field f[] = { KEY_REQUIRED("ipv6 prefix"), KEY_REQUIRED("ipv4 prefix") };
	struct prefix6 p6;
	struct prefix4 p4;
	const char *why = "rejected";
	char pk[PATH_LEN];

	if (cfg_take_fields(ld, j, p, f, 2))
		return -1;
	cfg_path_key(pk, p, "ipv6 prefix");
	if (cfg_get_prefix6(ld, pk, f[0].val, &p6))
		return -1;
	cfg_path_key(pk, p, "ipv4 prefix");
	if (cfg_get_prefix4(ld, pk, f[1].val, &p4))
		return -1;
	if (eamt_add(t, &p6, &p4, &why) != 0)
		return cfg_fail(ld, p, "%s", why);
	return 0;
}

/* One denylist4 prefix, appended to x (duplicates and a full list refused). */
static int parse_denylist4_entry(struct ld *ld, const char *p, json_t *j, void *arg)
{
	struct xlat_config *x = arg;
	struct prefix4 d;
	char b1[SHOW_LEN];

	if (cfg_get_prefix4(ld, p, j, &d))
		return -1;
	for (unsigned k = 0; k < x->n_denylist4; k++)
		if (x->denylist4[k].addr == d.addr && x->denylist4[k].len == d.len)
			return cfg_fail(ld, p, "'%s' is listed twice", cfg_show(json_string_value(j), b1));
	if (x->n_denylist4 >= XLAT_MAX_DENYLIST4)
		return cfg_fail(ld, p, "denylist4 is full (%d prefixes); remove one first", XLAT_MAX_DENYLIST4);
	x->denylist4[x->n_denylist4++] = d;
	return 0;
}

int cfg_parse_eamt(struct ld *ld, json_t *j)
{
	return cfg_each(ld, "eamt", j, EAMT_MAX, "entries", parse_eamt_entry, &ld->cfg->xlat.eamt);
}

int cfg_parse_denylist4(struct ld *ld, const char *name, json_t *j)
{
	return cfg_each(ld, name, j, XLAT_MAX_DENYLIST4, "entries", parse_denylist4_entry, &ld->cfg->xlat);
}

/* ------------------------------------------------------- for the API, dump */

int appcfg_eamt_parse_entry(const json_t *entry, const char *path, struct eamt *t, char *err, size_t errlen)
{
	struct ld ld = cfg_ld_api(err, errlen);

	return parse_eamt_entry(&ld, path ? path : "eamt", (json_t *)(uintptr_t)entry, t);
}

int appcfg_denylist4_parse_entry(const json_t *prefix, const char *path, struct xlat_config *x, char *err,
				 size_t errlen)
{
	struct ld ld = cfg_ld_api(err, errlen);

	return parse_denylist4_entry(&ld, path ? path : "denylist4", (json_t *)(uintptr_t)prefix, x);
}

json_t *appcfg_eamt_json(const struct eamt *t)
{
	json_t *a = json_array();

	for (unsigned i = 0; a && i < t->n && i < EAMT_MAX; i++)
		json_array_append_new(a, json_pack("{s:o, s:o}", "ipv6 prefix", appcfg_prefix6_json(&t->by6[i].p6),
						   "ipv4 prefix", appcfg_prefix4_json(&t->by6[i].p4)));
	return a;
}

json_t *appcfg_denylist4_json(const struct xlat_config *x)
{
	json_t *a = json_array();

	for (unsigned i = 0; a && i < x->n_denylist4 && i < XLAT_MAX_DENYLIST4; i++)
		json_array_append_new(a, appcfg_prefix4_json(&x->denylist4[i]));
	return a;
}
