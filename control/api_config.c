/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * "config": the running configuration as a file ("dump"), and "reload": a
 * file (or inline text) applied whole or not at all.
 *
 * What reload may change live is the translator configuration (the sections
 * in live_sections); any other section that differs from the running one
 * (ports, routes, eal, control, dataplane, mode) is refused, naming the
 * section, because only a restart applies it. The comparison is done on the
 * dumps (appcfg_to_json), so a section added to the dump is covered here
 * without a change.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "api.h"
#include "config_load.h"

/*
 * Sections of the file that a reload applies live (the translator configuration, struct xlat_config).
 * NAT64: "pool4" and "bib" too: after the publication every worker drops the sessions and BIB entries
 * that depended on a removed pool4 entry or static BIB entry (nat64_purge), as Jool does.
 */
static const char *const live_sections[] = { "global", "eamt", "denylist4", "pool4", "bib", NULL };
#define LIVE_SECTIONS_TEXT "global, eamt, denylist4, pool4 and bib"

static bool is_live(const char *section)
{
	for (unsigned i = 0; live_sections[i]; i++)
		if (strcmp(section, live_sections[i]) == 0)
			return true;
	return false;
}

/* The dump of the boot configuration with x as its translator part. */
static json_t *dump_with(const struct appcfg *boot, const struct xlat_config *x)
{
	struct appcfg *tmp = malloc(sizeof(*tmp));
	json_t *j;

	if (!tmp)
		return NULL;
	*tmp = *boot; /* shallow: eal_args stay the boot's, and are not freed here */
	tmp->xlat = *x;
	j = appcfg_to_json(tmp);
	free(tmp);
	return j;
}

json_t *api_config_dump(const struct api_bridge *br)
{
	struct xlat_config *x = api_xlat_copy(br, NULL, 0);
	json_t *j;

	if (!x)
		return NULL;
	j = dump_with(br->boot, x);
	free(x);
	return j;
}

static int replace_edit(struct xlat_config *cfg, void *arg, char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	*cfg = *(const struct xlat_config *)arg;
	return 0;
}

/*
 * The sections of next (the new file's dump) against now (the running one's):
 * the live ones that differ go into changed; any other that differs, or is
 * gone, refuses the reload (what names the file in the message). 0, or -1 with err.
 */
static int compare_sections(const json_t *now, const json_t *next, const char *what, json_t *changed, char *err,
			    size_t errlen)
{
	const char *key;
	json_t *val;

	json_object_foreach((json_t *)(uintptr_t)next, key, val) {
		json_t *cur = json_object_get(now, key);

		if (is_live(key)) {
			if (!cur || !json_equal(cur, val))
				json_array_append_new(changed, json_string(key));
			continue;
		}
		if (!cur || !json_equal(cur, val)) {
			api_fail(err, errlen,
				 "%s: section \"%s\" differs from the running configuration and requires a restart; "
				 "nothing was changed (only %s reload live)",
				 what, key, LIVE_SECTIONS_TEXT);
			return -1;
		}
	}
	json_object_foreach((json_t *)(uintptr_t)now, key, val) {
		if (!json_object_get(next, key) && !is_live(key)) {
			api_fail(err, errlen, "%s: section \"%s\" is missing; it requires a restart; nothing was changed",
				 what, key);
			return -1;
		}
	}
	return 0;
}

int api_config_reload(const struct api_bridge *br, const char *path, const char *text, size_t textlen, bool dry_run,
		      json_t **result, char *err, size_t errlen)
{
	struct appcfg *nc = NULL;
	json_t *now = NULL, *next = NULL, *changed = NULL;
	struct stat st;
	int rc = -1;

	if (result)
		*result = NULL;
	if (!text) {
		if (!path)
			path = br->config_path;
		if (!path || !*path) {
			api_fail(err, errlen, "no file to reload: give \"path\" (the daemon was not started with --config)");
			return -1;
		}
		/* Only regular files: a FIFO or a device would block or never end. */
		if (stat(path, &st) != 0) {
			api_fail(err, errlen, "%s: cannot open: %s", path, strerror(errno));
			return -1;
		}
		if (!S_ISREG(st.st_mode)) {
			api_fail(err, errlen, "%s: not a regular file", path);
			return -1;
		}
	}
	nc = malloc(sizeof(*nc));
	changed = json_array();
	if (!nc || !changed) {
		api_fail(err, errlen, "out of memory");
		goto out;
	}
	if (text ? appcfg_load_string(text, textlen, "config", nc, err, errlen)
		 : appcfg_load_file(path, nc, err, errlen)) {
		appcfg_free(nc);
		goto out;
	}
	now = api_config_dump(br);
	next = appcfg_to_json(nc);
	if (!now || !next) {
		api_fail(err, errlen, "out of memory");
		goto out_free;
	}
	/* Every section must be as it runs, except the live ones. */
	if (compare_sections(now, next, text ? "config" : path, changed, err, errlen))
		goto out_free;
	if (!dry_run && json_array_size(changed) &&
	    br->xlat_update(br->opaque, replace_edit, &nc->xlat, err, errlen) < 0)
		goto out_free;
	rc = 0;
	if (result) {
		*result = json_pack("{s:o, s:O, s:b}", "path", text ? json_null() : json_string(path), "changed", changed,
				    "dry-run", dry_run);
	}
out_free:
	appcfg_free(nc);
out:
	free(nc);
	json_decref(now);
	json_decref(next);
	json_decref(changed);
	return rc;
}

json_t *api_cmd_config(void *opaque, const json_t *req, char *err, size_t errlen)
{
	static const char *const ops[] = { "dump", "reload", NULL };
	static const char *const none[] = { NULL };
	static const char *const reload_args[] = { "path", "config", "dry-run", NULL };
	const struct api_bridge *br = opaque;
	const char *op, *path;
	json_t *inline_cfg, *r = NULL;
	char *text = NULL;
	bool dry;

	if (api_get_op(req, "config", ops, "dump", &op, err, errlen))
		return NULL;
	if (strcmp(op, "dump") == 0) {
		json_t *c;

		if (api_check_fields(req, "config dump", none, err, errlen))
			return NULL;
		c = api_config_dump(br);
		if (!c)
			return api_fail(err, errlen, "out of memory");
		return json_pack("{s:o}", "config", c);
	}
	if (api_check_fields(req, "config reload", reload_args, err, errlen) ||
	    api_get_string(req, "path", &path, err, errlen) || api_get_bool(req, "dry-run", false, &dry, err, errlen))
		return NULL;
	inline_cfg = json_object_get(req, "config");
	if (inline_cfg) {
		if (path)
			return api_fail(err, errlen, "config reload takes \"path\" or \"config\", not both");
		if (!json_is_object(inline_cfg))
			return api_fail(err, errlen, "\"config\" must be an object: a whole configuration file");
		text = json_dumps(inline_cfg, JSON_COMPACT);
		if (!text)
			return api_fail(err, errlen, "out of memory");
	}
	if (path && !*path)
		return api_fail(err, errlen, "\"path\" is empty");
	if (api_config_reload(br, path, text, text ? strlen(text) : 0, dry, &r, err, errlen) != 0)
		r = NULL;
	free(text);
	return r;
}
