/* SPDX-License-Identifier: BSD-3-Clause */
/* xlat64ctl's translator commands: global, pool6, eamt, denylist4. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static bool is_v6(const char *s)
{
	return strchr(s, ':') != NULL;
}

/* ----------------------------------------------------------------- global */

static json_t *build_global_get(struct cli_ctx *c, int argc, char **argv)
{
	json_t *req = json_pack("{s:s, s:s}", "command", "global", "op", "get");

	(void)c;
	if (req && argc == 1)
		json_object_set_new(req, "name", json_string(argv[0]));
	return req;
}

/* NAME VALUE pairs (their number checked by the table: CLI_REPEAT) as one "values" object: all or none */
static json_t *build_global_set(struct cli_ctx *c, int argc, char **argv)
{
	json_t *vals = json_object();

	(void)c;
	for (int i = 0; vals && i + 1 < argc; i += 2)
		json_object_set_new(vals, argv[i], value_arg(argv[i + 1]));
	return json_pack("{s:s, s:s, s:o}", "command", "global", "op", "set", "values", vals);
}

static int print_global(struct cli_ctx *ctx, json_t *reply)
{
	(void)ctx;
	print_members(json_object_get(reply, "global"), "OPTION", "VALUE", false, "");
	return EXIT_OK;
}

static int print_changed(struct cli_ctx *ctx, json_t *reply)
{
	json_t *ch = json_object_get(reply, "changed"), *v;
	const char *name;

	(void)ctx;
	if (!json_object_size(ch)) {
		printf("Nothing changed: the options already had these values.\n");
		return EXIT_OK;
	}
	json_object_foreach(ch, name, v) {
		char a[256], b[256];
		printf("%s: %s -> %s\n", name, cell(json_object_get(v, "old"), a, sizeof(a)),
		       cell(json_object_get(v, "new"), b, sizeof(b)));
	}
	return EXIT_OK;
}

/* ------------------------------------------------------------------ pool6 */

static json_t *build_pool6_set(struct cli_ctx *c, int argc, char **argv)
{
	(void)c;
	(void)argc;
	return json_pack("{s:s, s:s, s:o}", "command", "pool6", "op", "set", "prefix",
			 strcmp(argv[0], "none") == 0 || strcmp(argv[0], "null") == 0 ? json_null() : json_string(argv[0]));
}

static int print_pool6(struct cli_ctx *c, json_t *reply)
{
	char b[128];

	(void)c;
	printf("pool6 %s%s\n",
	       json_is_null(json_object_get(reply, "pool6")) ? "unset" : cell(json_object_get(reply, "pool6"), b, sizeof(b)),
	       json_is_false(json_object_get(reply, "changed")) ? " (unchanged)" : "");
	return EXIT_OK;
}

/* ------------------------------------------------------- eamt, denylist4 */

/* eamt add/remove: each prefix under its family's key, given once */
static json_t *build_eamt_edit(struct cli_ctx *c, int argc, char **argv)
{
	json_t *req = json_pack("{s:s, s:s}", "command", "eamt", "op", c->cmd->sub);

	for (int i = 0; req && i < argc; i++) {
		const char *key = is_v6(argv[i]) ? "ipv6 prefix" : "ipv4 prefix";

		if (json_object_get(req, key)) {
			json_decref(req);
			die_usage("two %s given", key);
			return NULL;
		}
		json_object_set_new(req, key, json_string(argv[i]));
	}
	return req;
}

static json_t *build_denylist4_edit(struct cli_ctx *c, int argc, char **argv)
{
	(void)argc;
	return json_pack("{s:s, s:s, s:s}", "command", "denylist4", "op", c->cmd->sub, "prefix", argv[0]);
}

static int print_eamt(struct cli_ctx *ctx, json_t *reply)
{
	static const struct cli_col cols[] = { { "IPV6 PREFIX", "ipv6 prefix", false },
					       { "IPV4 PREFIX", "ipv4 prefix", false } };
	json_t *e;

	(void)ctx;
	if (json_object_get(reply, "added")) {
		e = json_object_get(reply, "added");
		printf("added %s <-> %s\n", str(e, "ipv6 prefix"), str(e, "ipv4 prefix"));
		return EXIT_OK;
	}
	if (json_is_object(json_object_get(reply, "removed"))) {
		e = json_object_get(reply, "removed");
		printf("removed %s <-> %s\n", str(e, "ipv6 prefix"), str(e, "ipv4 prefix"));
		return EXIT_OK;
	}
	if (json_is_integer(json_object_get(reply, "removed"))) {
		printf("removed %lld entries\n", num(reply, "removed"));
		return EXIT_OK;
	}
	print_rows(json_object_get(reply, "eamt"), cols, 2, true);
	printf("%lld entries (at most %lld)\n", num(reply, "count"), num(reply, "max"));
	return EXIT_OK;
}

static int print_denylist4(struct cli_ctx *ctx, json_t *reply)
{
	json_t *e;
	size_t i;

	(void)ctx;
	if (json_is_string(json_object_get(reply, "added"))) {
		printf("added %s\n", str(reply, "added"));
		return EXIT_OK;
	}
	if (json_is_string(json_object_get(reply, "removed"))) {
		printf("removed %s\n", str(reply, "removed"));
		return EXIT_OK;
	}
	if (json_is_integer(json_object_get(reply, "removed"))) {
		printf("removed %lld prefixes\n", num(reply, "removed"));
		return EXIT_OK;
	}
	printf("PREFIX\n");
	json_array_foreach(json_object_get(reply, "denylist4"), i, e)
		printf("%s\n", json_string_value(e));
	printf("%lld prefixes (at most %lld)\n", num(reply, "count"), num(reply, "max"));
	return EXIT_OK;
}

#define NOT_A_SUB "'%s' is not one of list, add, remove, flush"

const struct cli_cmd cli_xlat_cmds[] = {
	{ .cmd = "global", .sub = "get", .flags = CLI_DEFAULT | CLI_SHOW_DEFAULT, .args = { { "[NAME]", ARG_OPTION } },
	  .max_args = 1, .usage = "global get takes at most one option name", .bad_sub = "global: '%s' is not get or set",
	  .help = "global options", .build = build_global_get, .print = print_global },
	{ .cmd = "global", .sub = "set", .flags = CLI_REPEAT, .args = { { "NAME", ARG_OPTION }, { "VALUE", ARG_ANY } },
	  .min_args = 2, .max_args = -1, .usage = "global set takes NAME VALUE pairs", .help = "change options (all or none)",
	  .build = build_global_set, .print = print_changed },
	{ .cmd = "pool6", .sub = "get", .flags = CLI_DEFAULT | CLI_SHOW_DEFAULT, .max_args = 0,
	  .usage = "pool6 get takes no arguments", .bad_sub = "pool6: '%s' is not get or set",
	  .help = "the RFC 6052 prefix", .build = cli_build_plain, .print = print_pool6 },
	{ .cmd = "pool6", .sub = "set", .args = { { "PREFIX|none", ARG_ANY } }, .min_args = 1, .max_args = 1,
	  .usage = "pool6 set takes one prefix, or 'none'", .help = "set the RFC 6052 prefix, or unset it",
	  .build = build_pool6_set, .print = print_pool6 },
	{ .cmd = "eamt", .sub = "list", .flags = CLI_DEFAULT | CLI_SHOW_DEFAULT, .max_args = 0,
	  .usage = "list takes no arguments", .bad_sub = NOT_A_SUB, .help = "the EAM table (SIIT)",
	  .build = cli_build_op, .print = print_eamt },
	{ .cmd = "eamt", .sub = "add", .args = { { "IPV6-PREFIX", ARG_ANY }, { "IPV4-PREFIX", ARG_ANY } },
	  .min_args = 2, .max_args = 2, .usage = "eamt add takes an IPv6 prefix and an IPv4 prefix",
	  .help = "add a mapping", .build = build_eamt_edit, .print = print_eamt },
	{ .cmd = "eamt", .sub = "remove", .args = { { "PREFIX", ARG_ANY }, { "[PREFIX]", ARG_ANY } }, .min_args = 1,
	  .max_args = 2, .usage = "eamt remove takes an IPv6 prefix, an IPv4 prefix, or both",
	  .help = "remove the mapping with this prefix (or both)", .build = build_eamt_edit, .print = print_eamt },
	{ .cmd = "eamt", .sub = "flush", .max_args = 0, .usage = "flush takes no arguments", .help = "empty the EAMT",
	  .build = cli_build_op, .print = print_eamt },
	{ .cmd = "denylist4", .sub = "list", .flags = CLI_DEFAULT | CLI_SHOW_DEFAULT, .max_args = 0,
	  .usage = "list takes no arguments", .bad_sub = NOT_A_SUB, .help = "IPv4 prefixes pool6 must not translate",
	  .build = cli_build_op, .print = print_denylist4 },
	{ .cmd = "denylist4", .sub = "add", .args = { { "PREFIX", ARG_ANY } }, .min_args = 1, .max_args = 1,
	  .usage = "denylist4 add/remove take one IPv4 prefix", .help = "add a prefix", .build = build_denylist4_edit,
	  .print = print_denylist4 },
	{ .cmd = "denylist4", .sub = "remove", .args = { { "PREFIX", ARG_ANY } }, .min_args = 1, .max_args = 1,
	  .usage = "denylist4 add/remove take one IPv4 prefix", .help = "remove a prefix", .build = build_denylist4_edit,
	  .print = print_denylist4 },
	{ .cmd = "denylist4", .sub = "flush", .max_args = 0, .usage = "flush takes no arguments", .help = "empty the list",
	  .build = cli_build_op, .print = print_denylist4 },
	{ .cmd = NULL },
};
