/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The command table (cli.h): the groups in --help's order, finding the form
 * a command line names, checking its arguments, its synopsis and help, and
 * running it: one request, the reply printed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* The command groups (one cli_GROUP.c each), in the order --help lists them. */
static const struct cli_cmd *const groups[] = {
	cli_basic_cmds, cli_xlat_cmds, cli_nat64_cmds, cli_ports_cmds, cli_cgn_cmds, cli_address_cmds, cli_sync_cmds, cli_config_cmds, cli_raw_cmds,
};

#define HELP_COLUMN 35 /* where --help's descriptions start */

void cli_foreach(void (*fn)(const struct cli_cmd *e, void *arg), void *arg)
{
	for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++)
		for (const struct cli_cmd *e = groups[g]; e->cmd; e++)
			fn(e, arg);
}

/* The form of cmd whose subcommand is sub (NULL: the form without one, or the default). */
static const struct cli_cmd *find(const char *cmd, const char *sub)
{
	const struct cli_cmd *dflt = NULL;

	for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++)
		for (const struct cli_cmd *e = groups[g]; e->cmd; e++) {
			if (strcmp(e->cmd, cmd) != 0)
				continue;
			if (sub && e->sub && strcmp(e->sub, sub) == 0)
				return e;
			if (!e->sub || (e->flags & CLI_DEFAULT))
				dflt = e;
		}
	return sub ? NULL : dflt;
}

bool cli_takes_option(const char *cmd, unsigned opt)
{
	for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++)
		for (const struct cli_cmd *e = groups[g]; e->cmd; e++)
			if (strcmp(e->cmd, cmd) == 0 && (e->opts & opt))
				return true;
	return false;
}

/* ------------------------------------------------------------------- help */

/* out += s, within cap */
static void append(char *out, size_t cap, const char *s)
{
	size_t n = strlen(out);

	if (n < cap)
		snprintf(out + n, cap - n, "%s", s);
}

/* out += the names of e's arguments, separated by spaces; returns how many */
static unsigned append_args(const struct cli_cmd *e, char *out, size_t cap)
{
	unsigned n = 0;

	for (; n < CLI_MAX_ARGS && e->args[n].name; n++) {
		if (n)
			append(out, cap, " ");
		append(out, cap, e->args[n].name);
	}
	return n;
}

void cli_synopsis(const struct cli_cmd *e, char *out, size_t cap)
{
	static const char *const options[] = { " [--all]", " [--per-core]", " [--xstats]", " [--dry-run]" };
	bool bracket = e->sub && (e->flags & CLI_SHOW_DEFAULT), bare_args = e->flags & CLI_BARE_ARGS;
	char args[128] = "";

	if (append_args(e, args, sizeof(args)) && (e->flags & CLI_REPEAT)) {
		append(args, sizeof(args), " [");
		append_args(e, args, sizeof(args));
		append(args, sizeof(args), "]...");
	}
	snprintf(out, cap, "%s", e->cmd);
	if (e->sub) {
		/* the default shown: "global [get [NAME]]", or "bib [list] [PROTO]" when its arguments come alone too */
		append(out, cap, bracket ? " [" : " ");
		append(out, cap, e->sub);
		if (bracket && bare_args)
			append(out, cap, "]");
	}
	if (*args) {
		append(out, cap, " ");
		append(out, cap, args);
	}
	if (bracket && !bare_args)
		append(out, cap, "]");
	for (unsigned k = 0; k < sizeof(options) / sizeof(options[0]); k++)
		if (e->opts & (1u << k))
			append(out, cap, options[k]);
}

struct help_args {
	FILE *f;
	bool offline;
};

static void help_line(const struct cli_cmd *e, void *arg)
{
	struct help_args *h = arg;
	char syn[160];
	const char *d = e->help;

	if (!(e->flags & CLI_OFFLINE) != !h->offline)
		return;
	cli_synopsis(e, syn, sizeof(syn));
	/* a synopsis too long for the column has its description on the next line */
	if (strlen(syn) + 2 + 2 <= HELP_COLUMN)
		fprintf(h->f, "  %-*s", HELP_COLUMN - 2, syn);
	else
		fprintf(h->f, "  %s\n%*s", syn, HELP_COLUMN, "");
	while (d) {
		const char *nl = strchr(d, '\n');

		fprintf(h->f, "%.*s\n", (int)(nl ? (size_t)(nl - d) : strlen(d)), d);
		d = nl ? nl + 1 : NULL;
		if (d)
			fprintf(h->f, "%*s", HELP_COLUMN, "");
	}
}

void cli_help_commands(FILE *f)
{
	struct help_args h = { f, false };

	fprintf(f, "Commands (the daemon's; doc/control-api.md):\n");
	cli_foreach(help_line, &h);
	fprintf(f, "Offline:\n");
	h.offline = true;
	cli_foreach(help_line, &h);
}

/* ------------------------------------------------------------------- run */

/* Is n arguments what e takes? */
static bool arity_ok(const struct cli_cmd *e, int n)
{
	int group = 0;

	while (group < CLI_MAX_ARGS && e->args[group].name)
		group++;
	if (n < e->min_args || (e->max_args >= 0 && n > e->max_args))
		return false;
	return !(e->flags & CLI_REPEAT) || (group && n % group == 0);
}

int cli_dispatch(const struct cli_opts *o, const char *cmd, int argc, char **argv)
{
	struct cli_ctx c = { .o = o };
	json_t *req;

	c.cmd = argc > 0 ? find(cmd, argv[0]) : NULL;
	if (c.cmd) {
		argc--, argv++;
	} else {
		c.cmd = find(cmd, NULL);
		if (!c.cmd)
			return die_usage("unknown command '%s'", cmd);
		c.bare = c.cmd->sub != NULL;
		/* "pool4 foo": no subcommand, and the default form takes no arguments without its word */
		if (c.bare && argc > 0 && !(c.cmd->flags & CLI_BARE_ARGS))
			return die_usage(c.cmd->bad_sub, argv[0]);
	}
	/* the default form given alone ("routes", "global") takes no arguments: nothing to count */
	if ((!c.bare || (c.cmd->flags & CLI_BARE_ARGS)) && !arity_ok(c.cmd, argc))
		return die_usage("%s", c.cmd->usage);
	if (c.cmd->run)
		return c.cmd->run(&c, argc, argv);
	req = c.cmd->build(&c, argc, argv);
	if (!req)
		return EXIT_USAGE; /* the builder said why */
	return cli_send(&c, req);
}

int cli_send(struct cli_ctx *c, json_t *req)
{
	json_t *reply = cli_call(c->o, req);
	int rc = EXIT_OK;
	char *s;

	json_decref(req);
	if (!reply)
		return EXIT_USAGE;
	if (!json_is_true(json_object_get(reply, "ok"))) {
		if (c->o->json)
			print_json_line(reply);
		rc = print_error_reply(reply);
	} else if (c->o->json) {
		print_json_line(reply);
	} else if (c->cmd->print) {
		rc = c->cmd->print(c, reply);
	} else if ((s = json_dumps(reply, JSON_INDENT(2))) != NULL) {
		puts(s);
		free(s);
	}
	json_decref(reply);
	return rc;
}

/* ------------------------------------------------- builders many forms share */

json_t *cli_build_plain(struct cli_ctx *c, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return json_pack("{s:s}", "command", c->cmd->cmd);
}

json_t *cli_build_op(struct cli_ctx *c, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return json_pack("{s:s, s:s}", "command", c->cmd->cmd, "op", c->cmd->sub);
}
