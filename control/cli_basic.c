/* SPDX-License-Identifier: BSD-3-Clause */
/* xlat64ctl's basic commands: version, help (the daemon's list), stats, raw. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "stats.h"

#ifndef XLAT64_VERSION
#define XLAT64_VERSION "unknown"
#endif

static int print_version(struct cli_ctx *c, json_t *reply)
{
	const char *v = json_string_value(json_object_get(reply, "version"));
	const char *mode = json_string_value(json_object_get(reply, "mode"));

	(void)c;
	printf("xlat64d %s%s%s%s\n", v ? v : "(unknown)", mode ? " (mode " : "", mode ? mode : "", mode ? ")" : "");
	if (json_object_get(reply, "dpdk"))
		printf("  %s, %lld worker(s), %lld port(s), up %llds, config %s\n", str(reply, "dpdk"), num(reply, "workers"),
		       num(reply, "ports"), num(reply, "uptime-s"), str(reply, "config-file"));
	printf("xlat64ctl %s\n", XLAT64_VERSION);
	return EXIT_OK;
}

static int print_help(struct cli_ctx *ctx, json_t *reply)
{
	json_t *list = json_object_get(reply, "commands"), *c;
	size_t i;
	int w = 4;

	json_array_foreach(list, i, c) {
		const char *n = json_string_value(json_object_get(c, "name"));
		if (n && (int)strlen(n) > w)
			w = (int)strlen(n);
	}
	printf("Commands of the daemon at %s (requests: doc/control-api.md):\n", ctx->o->socket);
	json_array_foreach(list, i, c) {
		const char *n = json_string_value(json_object_get(c, "name"));
		const char *h = json_string_value(json_object_get(c, "help"));
		printf("  %-*s  %s\n", w, n ? n : "?", h ? h : "");
	}
	printf("(xlat64ctl --help shows the subcommands; xlat64ctl raw '{\"command\": ...}' sends any request)\n");
	return EXIT_OK;
}

/* ------------------------------------------------------------------ stats */

static json_t *build_stats(struct cli_ctx *c, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return json_pack("{s:s, s:b, s:b}", "command", "stats", "all", c->o->all, "per-core", c->o->per_core);
}

static const char *stat_desc(const char *name)
{
	for (int i = 0; i < XSTAT_MAX; i++)
		if (strcmp(xlat_stat_name((enum xlat_stat)i), name) == 0)
			return xlat_stat_desc((enum xlat_stat)i);
	return "";
}

static void print_stats_sum(json_t *reply, bool all)
{
	json_t *counters = json_object_get(reply, "counters"), *v;
	const char *name;
	int namew = 4, valw = 5, shown = 0, zero = 0;
	char digits[32];

	if (!json_is_object(counters)) {
		printf("(the reply has no counters)\n");
		return;
	}
	json_object_foreach(counters, name, v) {
		int w;

		if (!json_is_integer(v) || (!all && json_integer_value(v) == 0))
			continue;
		w = (int)strlen(name);
		if (w > namew)
			namew = w;
		w = snprintf(digits, sizeof(digits), "%lld", (long long)json_integer_value(v));
		if (w > valw)
			valw = w;
	}
	json_object_foreach(counters, name, v) {
		if (!json_is_integer(v))
			continue;
		if (!all && json_integer_value(v) == 0) {
			zero++;
			continue;
		}
		if (!shown)
			printf("%-*s  %*s  %s\n", namew, "NAME", valw, "VALUE", "DESCRIPTION");
		printf("%-*s  %*lld  %s\n", namew, name, valw, (long long)json_integer_value(v), stat_desc(name));
		shown++;
	}
	if (!shown)
		printf("All %d counters are zero (--all lists them).\n", zero);
}

static void print_stats_per_core(json_t *reply, bool all)
{
	json_t *sum = json_object_get(reply, "counters"), *cores = json_object_get(reply, "per-core"), *c, *v;
	const char *hdr[TBL_COLS] = { "NAME", "TOTAL" };
	unsigned n = 2, shown = 0;
	size_t i;
	const char *name;
	struct table t;
	char head[TBL_COLS][24];

	json_array_foreach(cores, i, c) {
		if (n == TBL_COLS - 1)
			break;
		if (json_object_get(c, "worker"))
			snprintf(head[n], sizeof(head[n]), "W%lld/L%lld",
				 num(c, "worker"), num(c, "lcore"));
		else
			snprintf(head[n], sizeof(head[n]), "%s", str(c, "thread"));
		hdr[n] = head[n];
		n++;
	}
	tbl_init(&t, n, hdr);
	for (unsigned k = 1; k < n; k++)
		t.right[k] = true;
	/* every counter any thread has, in the daemon's order (the sum lists them all with --all) */
	json_object_foreach(sum, name, v) {
		char vals[TBL_COLS][24];
		const char *row[TBL_COLS];

		if (!all && json_integer_value(v) == 0)
			continue;
		row[0] = name;
		snprintf(vals[1], sizeof(vals[1]), "%lld", (long long)json_integer_value(v));
		row[1] = vals[1];
		for (unsigned k = 2; k < n; k++) {
			json_t *cv = json_object_get(json_object_get(json_array_get(cores, k - 2), "counters"), name);
			snprintf(vals[k], sizeof(vals[k]), "%lld", (long long)json_integer_value(cv));
			row[k] = vals[k];
		}
		tbl_row(&t, row);
		shown++;
	}
	if (shown)
		tbl_print(&t, "");
	else {
		tbl_print(&t, "# ");
		printf("All counters are zero (--all lists them).\n");
	}
}

static int print_stats(struct cli_ctx *c, json_t *reply)
{
	if (c->o->per_core)
		print_stats_per_core(reply, c->o->all);
	else
		print_stats_sum(reply, c->o->all);
	return EXIT_OK;
}

/* -------------------------------------------------------------------- raw */

static int run_raw(struct cli_ctx *c, int argc, char **argv)
{
	json_error_t je;
	json_t *req;

	(void)argc;
	/* any JSON value, so that 42 or "stats" is told it is not an object, as the daemon would */
	req = json_loads(argv[0], JSON_DECODE_ANY, &je);
	if (!req) {
		fprintf(stderr, "%s: raw: invalid JSON at column %d: %s\n", prog, je.column, je.text);
		return EXIT_USAGE;
	}
	if (!json_is_object(req)) {
		json_decref(req);
		return die_usage("%s", "raw: the request must be a JSON object");
	}
	return cli_send(c, req); /* the reply as indented JSON */
}

const struct cli_cmd cli_basic_cmds[] = {
	{ .cmd = "version", .max_args = 0, .usage = "this command takes no arguments",
	  .help = "the daemon's version, mode, workers, uptime", .build = cli_build_plain, .print = print_version },
	{ .cmd = "help", .max_args = 0, .usage = "this command takes no arguments",
	  .help = "the commands the daemon knows", .build = cli_build_plain, .print = print_help },
	{ .cmd = "stats", .max_args = 0, .usage = "stats takes no arguments (options: --all, --per-core)",
	  .opts = OPT_ALL | OPT_PER_CORE, .help = "counters (non-zero ones unless --all)", .build = build_stats,
	  .print = print_stats },
	{ .cmd = NULL },
};

/* last in --help: any request */
const struct cli_cmd cli_raw_cmds[] = {
	{ .cmd = "raw", .args = { { "JSON", ARG_ANY } }, .min_args = 1, .max_args = 1,
	  .usage = "raw takes exactly one argument, a JSON object", .help = "send JSON as a request and print the reply",
	  .run = run_raw },
	{ .cmd = NULL },
};
