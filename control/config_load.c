/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * JSON configuration loader. The format is described in doc/configuration.md.
 *
 * Keys are matched case-insensitively, as Jool's file parser does, so a Jool
 * file ("IPv6 Prefix", "Global") loads unchanged; a "comment" key is allowed
 * in every object. Unknown keys are errors (with a suggestion when one is
 * close), and so are keys given twice. Nothing is applied piecemeal: the
 * result is either a complete struct appcfg or an error.
 *
 * This file is the top level: the sections a file may have, which go with
 * which mode, the order they are read in, the rules across them, and the
 * dump that loads back. Each section has its file (config_internal.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config_internal.h"
#include "xlat.h"

/* ------------------------------------------------------------------- mode */

static int parse_mode(struct ld *ld, const json_t *j, enum xlat_mode *mode)
{
	const char *s = "";
	char b1[SHOW_LEN];

	*mode = XLAT_MODE_SIIT;
	if (!j)
		return 0;
	if (cfg_get_string(ld, "mode", j, &s))
		return -1;
	if (strcasecmp(s, "siit") == 0)
		return 0;
	if (strcasecmp(s, "nat64") == 0) {
		*mode = XLAT_MODE_NAT64;
		return 0;
	}
	return cfg_fail(ld, "mode", "'%s' is not one of \"siit\", \"nat64\"", cfg_show(s, b1));
}

/* ------------------------------------------------------------- top level */

enum {
	TF_MODE,
	TF_INSTANCE,
	TF_FRAMEWORK,
	TF_GLOBAL,
	TF_EAMT,
	TF_DENYLIST4,
	TF_BLACKLIST4,
	TF_POOL4,
	TF_BIB,
	TF_EAL,
	TF_PORTS,
	TF_ROUTES,
	TF_CONTROL,
	TF_DATAPLANE,
	TF_CGN,
	TF_SYNC,
	TF_N
};

/* Does the file hold something only a SIIT has (non-empty EAMT or denylist4, a SIIT-only option)? */
static bool siit_only(const json_t *eamt, const json_t *deny, const json_t *black, const json_t *global)
{
	return json_array_size(eamt) || json_array_size(deny) || json_array_size(black) || cfg_global_siit_only(global);
}

/* Jool's "instance" and "framework": checked as Jool checks them, then ignored (one daemon is one instance). */
static int parse_jool_keys(struct ld *ld, const struct field *f)
{
	const char *s = "";
	char b1[SHOW_LEN];

	if (f[TF_INSTANCE].val) {
		if (cfg_get_string(ld, "instance", f[TF_INSTANCE].val, &s))
			return -1;
		/* Jool: INAME_MAX_SIZE 16, including the NUL. */
		if (!*s || strlen(s) > 15)
			return cfg_fail(ld, "instance", "'%s' must be 1 to 15 characters", cfg_show(s, b1));
	}
	if (f[TF_FRAMEWORK].val) {
		if (cfg_get_string(ld, "framework", f[TF_FRAMEWORK].val, &s))
			return -1;
		if (strcasecmp(s, "netfilter") != 0 && strcasecmp(s, "iptables") != 0)
			return cfg_fail(ld, "framework", "'%s' is not one of \"netfilter\", \"iptables\"", cfg_show(s, b1));
	}
	return 0;
}

/* The sections of the other translator, and denylist4 under both its names: refused before anything is read. */
static int check_mode_keys(struct ld *ld, const struct field *f, enum xlat_mode mode)
{
	if (mode == XLAT_MODE_SIIT && f[TF_POOL4].val)
		return cfg_fail(ld, "pool4", "pool4 is a NAT64 setting; this file's mode is siit%s",
				ld->mode_given ? "" : NO_MODE_HINT);
	if (mode == XLAT_MODE_SIIT && f[TF_BIB].val)
		return cfg_fail(ld, "bib", "bib is a NAT64 setting; this file's mode is siit%s",
				ld->mode_given ? "" : NO_MODE_HINT);
	if (mode == XLAT_MODE_NAT64 && f[TF_EAMT].val &&
	    !(json_is_array(f[TF_EAMT].val) && json_array_size(f[TF_EAMT].val) == 0))
		return cfg_fail(ld, "eamt", "eamt is a SIIT setting; this file's mode is nat64");
	if (f[TF_DENYLIST4].val && f[TF_BLACKLIST4].val)
		return cfg_fail(ld, NULL, "both \"denylist4\" and \"blacklist4\" are given; blacklist4 is the old name "
					  "of denylist4, keep one");
	return 0;
}

static int parse_denylist4(struct ld *ld, json_t *j)
{
	return cfg_parse_denylist4(ld, "denylist4", j);
}

static int parse_blacklist4(struct ld *ld, json_t *j)
{
	return cfg_parse_denylist4(ld, "blacklist4", j);
}

/* The sections, in the order they are read: pool4 before bib, ports before routes (their names). */
static const struct {
	unsigned key; /* TF_* */
	int (*parse)(struct ld *ld, json_t *j);
} sections[] = {
	{ TF_GLOBAL, cfg_parse_global },     { TF_EAMT, cfg_parse_eamt },	     { TF_POOL4, cfg_parse_pool4 },
	{ TF_BIB, cfg_parse_bib },	     { TF_DENYLIST4, parse_denylist4 },	     { TF_BLACKLIST4, parse_blacklist4 },
	{ TF_EAL, cfg_parse_eal },	     { TF_PORTS, cfg_parse_ports },	     { TF_ROUTES, cfg_parse_routes },
	{ TF_CONTROL, cfg_parse_control },   { TF_DATAPLANE, cfg_parse_dataplane }, { TF_CGN, cfg_parse_cgn },
	{ TF_SYNC, cfg_parse_sync },
};

static int parse_top(struct ld *ld, json_t *root)
{
	struct field f[TF_N] = {
		[TF_MODE] = KEY("mode"),	     [TF_INSTANCE] = KEY("instance"), [TF_FRAMEWORK] = KEY("framework"),
		[TF_GLOBAL] = KEY("global"),	     [TF_EAMT] = KEY("eamt"),	       [TF_DENYLIST4] = KEY("denylist4"),
		[TF_BLACKLIST4] = KEY("blacklist4"), [TF_POOL4] = KEY("pool4"),	       [TF_BIB] = KEY("bib"),
		[TF_EAL] = KEY("eal"),		     [TF_PORTS] = KEY("ports"),	       [TF_ROUTES] = KEY("routes"),
		[TF_CONTROL] = KEY("control"),	     [TF_DATAPLANE] = KEY("dataplane"), [TF_CGN] = KEY("cgn"),
		[TF_SYNC] = KEY("sync"),
	};
	struct appcfg *c = ld->cfg;
	enum xlat_mode mode;

	if (!json_is_object(root))
		return cfg_fail(ld, NULL, "the top level must be a JSON object, got %s", cfg_jtype(root));
	if (cfg_take_fields(ld, root, NULL, f, TF_N) || parse_mode(ld, f[TF_MODE].val, &mode))
		return -1;
	xlat_config_init(&c->xlat, mode);
	ld->mode_given = f[TF_MODE].val != NULL;
	if (parse_jool_keys(ld, f) || check_mode_keys(ld, f, mode))
		return -1;
	for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++)
		if (f[sections[i].key].val && sections[i].parse(ld, f[sections[i].key].val))
			return -1;
	/* the rules across sections */
	if (mode == XLAT_MODE_NAT64 && (cfg_nat64_finish(ld) || cfg_bib_check(ld)))
		return -1;
	if (c->xlat.cgn.enabled && cfg_cgn_check(ld, "cgn", &c->xlat))
		return -1;
	if (c->sync.configured && cfg_sync_check(ld))
		return -1;
	/*
	 * No mode and nothing only a SIIT has (EAMT, denylist4, SIIT options):
	 * Jool's NAT64 files look like this (docs/en/config-atomic.md's minimal
	 * one), so say which translator this is, and how a NAT64 file loads.
	 */
	if (!ld->mode_given && !siit_only(f[TF_EAMT].val, f[TF_DENYLIST4].val, f[TF_BLACKLIST4].val, f[TF_GLOBAL].val))
		cfg_note(ld, NULL, "no \"mode\": loaded as SIIT, the default. A file written for Jool's NAT64 (the jool "
				   "command, not jool_siit) needs \"mode\": \"nat64\" added");
	return 0;
}

static void appcfg_defaults(struct appcfg *c)
{
	memset(c, 0, sizeof(*c));
	xlat_config_init(&c->xlat, XLAT_MODE_SIIT);
	snprintf(c->control_socket, sizeof(c->control_socket), "%s", APPCFG_DEFAULT_SOCKET);
	c->mbufs_per_port = APPCFG_DEFAULT_MBUFS;
	c->idle_sleep_us = 0;
	c->exception_path = true;
	c->exception_pps = APPCFG_DEFAULT_EXCEPTION_PPS;
}

void appcfg_free(struct appcfg *cfg)
{
	if (!cfg)
		return;
	for (unsigned i = 0; i < cfg->n_eal_args && i < APPCFG_MAX_EAL_ARGS; i++) {
		free(cfg->eal_args[i]);
		cfg->eal_args[i] = NULL;
	}
	cfg->n_eal_args = 0;
}

static int load_string(const char *json, size_t len, const char *origin, struct appcfg *out, char *err,
		       size_t errlen, char *notes, size_t noteslen)
{
	struct ld ld = { origin, err, errlen, out, notes, noteslen, false };
	json_error_t jerr;
	json_t *root;
	int rc;

	if (err && errlen)
		err[0] = '\0';
	if (notes && noteslen)
		notes[0] = '\0';
	appcfg_defaults(out);
	if (!json)
		return cfg_fail(&ld, NULL, "no configuration text");
	/* Repeated keys are valid JSON: cfg_scan_repeated_keys() judges them, not the parser. */
	root = json_loadb(json, len, 0, &jerr);
	if (!root) {
		if (jerr.line > 0)
			return cfg_fail(&ld, NULL, "line %d, column %d: invalid JSON: %s", jerr.line, jerr.column,
				    jerr.text);
		return cfg_fail(&ld, NULL, "invalid JSON: %s", jerr.text);
	}
	rc = cfg_scan_repeated_keys(&ld, json, len);
	if (rc == 0)
		rc = parse_top(&ld, root);
	json_decref(root);
	if (rc) {
		appcfg_free(out);
		appcfg_defaults(out);
		if (notes && noteslen)
			notes[0] = '\0'; /* a refused file has its error, not notes */
	}
	return rc;
}

int appcfg_load_string(const char *json, size_t len, const char *origin, struct appcfg *out, char *err,
		       size_t errlen)
{
	return load_string(json, len, origin, out, err, errlen, NULL, 0);
}

int appcfg_load_file(const char *path, struct appcfg *out, char *err, size_t errlen)
{
	return appcfg_load_file_noted(path, out, err, errlen, NULL, 0);
}

int appcfg_load_file_noted(const char *path, struct appcfg *out, char *err, size_t errlen, char *notes,
			   size_t noteslen)
{
	struct ld ld = { path, err, errlen, out, NULL, 0, false };
	FILE *f;
	char *buf = NULL;
	size_t len = 0, cap = 0;
	int rc;

	if (err && errlen)
		err[0] = '\0';
	appcfg_defaults(out);
	f = fopen(path, "r");
	if (!f)
		return cfg_fail(&ld, NULL, "cannot open: %s", strerror(errno));
	for (;;) {
		size_t n;

		if (len == cap) {
			char *nb;

			if (cap >= APPCFG_MAX_FILE_SIZE) {
				free(buf);
				fclose(f);
				return cfg_fail(&ld, NULL, "larger than %u bytes", APPCFG_MAX_FILE_SIZE);
			}
			cap = cap ? cap * 2 : 16384;
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				fclose(f);
				return cfg_fail(&ld, NULL, "out of memory");
			}
			buf = nb;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (n == 0) {
			if (ferror(f)) {
				int e = errno;
				free(buf);
				fclose(f);
				return cfg_fail(&ld, NULL, "read error: %s", strerror(e));
			}
			break;
		}
	}
	fclose(f);
	rc = load_string(buf ? buf : "", len, path, out, err, errlen, notes, noteslen);
	free(buf);
	return rc;
}

/* ------------------------------------------------------------------ dump */

json_t *appcfg_to_json(const struct appcfg *c)
{
	json_t *o = json_object(), *eal = cfg_eal_json(c), *ports = cfg_ports_json(c), *routes = cfg_routes_json(c);

	if (!o || !eal || !ports || !routes) {
		json_decref(o);
		json_decref(eal);
		json_decref(ports);
		json_decref(routes);
		return NULL;
	}
	json_object_set_new(o, "mode", json_string(c->xlat.mode == XLAT_MODE_NAT64 ? "nat64" : "siit"));
	json_object_set_new(o, "eal", eal);
	json_object_set_new(o, "ports", ports);
	json_object_set_new(o, "routes", routes);
	json_object_set_new(o, "control", cfg_control_json(c));
	json_object_set_new(o, "dataplane", cfg_dataplane_json(c));
	json_object_set_new(o, "global", appcfg_globals_json(&c->xlat.g));
	json_object_set_new(o, "eamt", appcfg_eamt_json(&c->xlat.eamt));
	json_object_set_new(o, "denylist4", appcfg_denylist4_json(&c->xlat));
	if (c->xlat.mode == XLAT_MODE_NAT64) { /* the loader takes them in nat64 mode only */
		json_object_set_new(o, "pool4", appcfg_pool4_json(&c->xlat));
		json_object_set_new(o, "bib", appcfg_bib_json(&c->xlat));
	}
	if (c->xlat.cgn.enabled)
		json_object_set_new(o, "cgn", appcfg_cgn_json(&c->xlat));
	if (c->sync.configured)
		json_object_set_new(o, "sync", cfg_sync_json(c));
	return o;
}
