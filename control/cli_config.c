/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * xlat64ctl's configuration commands: the running configuration dumped to a
 * file, a file reloaded (whole or not at all), and a file checked offline
 * by the loader xlat64d uses.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "config_load.h"

static json_t *build_dump(struct cli_ctx *c, int argc, char **argv)
{
	c->file = argc == 1 ? argv[0] : NULL;
	return json_pack("{s:s, s:s}", "command", "config", "op", "dump");
}

/* The dump into FILE (or on stdout), indented like a hand-written file. */
static int write_dump(struct cli_ctx *c, json_t *reply)
{
	const char *path = c->file;
	json_t *cfg = json_object_get(reply, "config");
	char *txt = json_dumps(cfg, JSON_INDENT(2));
	FILE *f;

	if (!txt) {
		fprintf(stderr, "%s: the reply has no configuration\n", prog);
		return EXIT_ERROR_REPLY;
	}
	if (!path || strcmp(path, "-") == 0) {
		puts(txt);
		free(txt);
		return EXIT_OK;
	}
	f = fopen(path, "w");
	if (!f || fprintf(f, "%s\n", txt) < 0 || fclose(f) != 0) {
		fprintf(stderr, "%s: cannot write %s: %s\n", prog, path, strerror(errno));
		free(txt);
		return EXIT_USAGE;
	}
	free(txt);
	fprintf(stderr, "%s: configuration written to %s\n", prog, path);
	return EXIT_OK;
}

static json_t *build_reload(struct cli_ctx *c, int argc, char **argv)
{
	json_t *req = json_pack("{s:s, s:s, s:b}", "command", "config", "op", "reload", "dry-run", c->o->dry_run);
	char abs[PATH_MAX];

	/* the daemon has its own working directory: send an absolute path */
	if (req && argc == 1)
		json_object_set_new(req, "path", json_string(realpath(argv[0], abs) ? abs : argv[0]));
	return req;
}

static int print_reload(struct cli_ctx *ctx, json_t *reply)
{
	json_t *ch = json_object_get(reply, "changed"), *c;
	const char *path = json_is_string(json_object_get(reply, "path")) ? str(reply, "path") : "the configuration";
	bool dry = json_is_true(json_object_get(reply, "dry-run"));
	size_t i;

	(void)ctx;
	if (!json_array_size(ch)) {
		printf("%s: %s the running configuration; nothing %s\n", path, "same as", dry ? "would change" : "changed");
		return EXIT_OK;
	}
	printf("%s: %s ", path, dry ? "valid; a reload would change" : "reloaded; changed");
	json_array_foreach(ch, i, c)
		printf("%s%s", i ? ", " : "", json_string_value(c));
	printf("\n");
	return EXIT_OK;
}

/* ------------------------------------------------------------------ check */

/* check --json: {"ok", "mode", counts, "notes": the loader's notes, a string each} */
static void print_check_json(const struct appcfg *c, const char *notes)
{
	json_t *j = json_pack("{s:b, s:s, s:i, s:i, s:i, s:i}", "ok", 1, "mode",
			      c->xlat.mode == XLAT_MODE_SIIT ? "siit" : "nat64", "ports", (int)c->n_ports, "routes",
			      (int)c->n_routes, "eamt", (int)c->xlat.eamt.n, "denylist4", (int)c->xlat.n_denylist4);
	json_t *jn = json_array();

	for (const char *l = notes; jn && *l;) {
		const char *e = strchr(l, '\n');
		size_t n = e ? (size_t)(e - l) : strlen(l);

		json_array_append_new(jn, json_stringn(l, n));
		l += n + (e ? 1 : 0);
	}
	if (j && jn && json_array_size(jn))
		json_object_set(j, "notes", jn);
	json_decref(jn);
	print_json_line(j);
	json_decref(j);
}

/* check: one line of what loaded, then the loader's notes ("PATH: note: ...", a line each) */
static void print_check_summary(const char *path, const struct appcfg *c, const char *notes)
{
	unsigned n6 = 0, n4 = 0;
	char p6[64] = "unset";

	for (unsigned i = 0; i < c->n_routes; i++)
		if (c->routes[i].family == 6)
			n6++;
		else
			n4++;
	if (c->xlat.g.pool6_set) {
		char a[INET6_ADDRSTRLEN];
		inet_ntop(AF_INET6, c->xlat.g.pool6.addr, a, sizeof(a));
		snprintf(p6, sizeof(p6), "%s/%u", a, c->xlat.g.pool6.len);
	}
	printf("%s: ok: mode %s, %u port(s), %u IPv6 + %u IPv4 route(s), pool6 %s, %u EAMT entr%s, "
	       "%u denylist4 prefix(es)\n",
	       path, c->xlat.mode == XLAT_MODE_SIIT ? "siit" : "nat64", c->n_ports, n6, n4, p6, c->xlat.eamt.n,
	       c->xlat.eamt.n == 1 ? "y" : "ies", c->xlat.n_denylist4);
	fputs(notes, stdout);
	if (c->n_ports == 0)
		printf("%s: note: no ports; xlat64d needs at least one\n", path);
}

/* Offline: load the file as xlat64d would, report the first problem or a summary. */
static int run_check(struct cli_ctx *ctx, int argc, char **argv)
{
	struct appcfg *c = malloc(sizeof(*c));
	char err[1024], notes[4096];
	const char *path = argv[0];

	(void)argc;
	if (!c) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return EXIT_USAGE;
	}
	if (appcfg_load_file_noted(path, c, err, sizeof(err), notes, sizeof(notes)) != 0) {
		if (ctx->o->json) {
			json_t *j = json_pack("{s:b, s:{s:s, s:s}}", "ok", 0, "error", "code", "invalid_config", "message", err);
			print_json_line(j);
			json_decref(j);
		}
		fprintf(stderr, "%s\n", err);
		appcfg_free(c);
		free(c);
		return EXIT_ERROR_REPLY;
	}
	if (ctx->o->json)
		print_check_json(c, notes);
	else
		print_check_summary(path, c, notes);
	appcfg_free(c);
	free(c);
	return EXIT_OK;
}

const struct cli_cmd cli_config_cmds[] = {
	{ .cmd = "config", .sub = "dump", .flags = CLI_DEFAULT, .args = { { "[FILE]", ARG_FILE } }, .max_args = 1,
	  .usage = "config dump takes at most a file name", .bad_sub = "config: '%s' is not dump or reload",
	  .help = "the running configuration, as a file that loads back", .build = build_dump, .print = write_dump },
	{ .cmd = "config", .sub = "reload", .args = { { "[FILE]", ARG_FILE } }, .max_args = 1,
	  .usage = "config reload takes at most a file name", .opts = OPT_DRY_RUN,
	  .help = "apply FILE (default: the daemon's --config)\nwhole or not at all", .build = build_reload,
	  .print = print_reload },
	{ .cmd = "check", .flags = CLI_OFFLINE, .args = { { "FILE", ARG_FILE } }, .min_args = 1, .max_args = 1,
	  .usage = "check takes exactly one argument, a configuration file",
	  .help = "validate a configuration file (no daemon needed)", .run = run_check },
	{ .cmd = NULL },
};
