/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * config/xlat64ctl.bash-completion's data, made from xlat64ctl's command
 * table (cli.h): the commands, each one's subcommands, and what the
 * arguments of each form are, as bash variables that the completion's
 * hand-written logic reads:
 *
 *   cmds              the commands, in --help's order
 *   subs[CMD]         its subcommands
 *   kinds[CMD SUB]    its arguments, a word each: proto, file, option (a
 *                     global option's name), port (a port's name), a word
 *                     offered as it is, or - (nothing to offer); a last "..."
 *                     repeats the list (NAME VALUE pairs); no entry when
 *                     none has anything to offer
 *   kinds[CMD]        the arguments that may follow CMD alone ("bib tcp",
 *                     "ports v6", "check FILE")
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "gendoc.h"

#define MAX_FORMS 128

struct forms {
	const struct cli_cmd *e[MAX_FORMS];
	unsigned n;
};

static void collect(const struct cli_cmd *e, void *arg)
{
	struct forms *f = arg;

	if (f->n < MAX_FORMS)
		f->e[f->n++] = e;
}

/* Is form i the first of its command (each command once, in the table's order)? */
static bool first_of_cmd(const struct forms *f, unsigned i)
{
	for (unsigned k = 0; k < i; k++)
		if (strcmp(f->e[k]->cmd, f->e[i]->cmd) == 0)
			return false;
	return true;
}

/* "proto - -", "option - ...": what e's arguments are; false when none has anything to offer */
static bool kinds(const struct cli_cmd *e, FILE *out)
{
	bool offers = false;
	static const char *const names[] = { [ARG_ANY] = "-",	      [ARG_PROTO] = "proto", [ARG_FILE] = "file",
					     [ARG_OPTION] = "option", [ARG_PORT] = "port" };
	unsigned k;

	for (k = 0; k < CLI_MAX_ARGS && e->args[k].name; k++) {
		const struct cli_arg *a = &e->args[k];

		fputs(k ? " " : "", out);
		offers |= a->kind != ARG_ANY;
		if (a->kind == ARG_WORD) /* "[static]" offers "static" */
			fprintf(out, "%.*s", (int)strcspn(a->name + (a->name[0] == '['), "]"), a->name + (a->name[0] == '['));
		else
			fputs(names[a->kind], out);
	}
	if (k && (e->flags & CLI_REPEAT))
		fputs(" ...", out);
	return offers;
}

static void print_cmds(const struct forms *f, FILE *out)
{
	bool any = false;

	fputs("\tlocal cmds=\"", out);
	for (int offline = 0; offline < 2; offline++)
		for (unsigned i = 0; i < f->n; i++)
			if (!(f->e[i]->flags & CLI_OFFLINE) == !offline && first_of_cmd(f, i)) {
				fprintf(out, "%s%s", any ? " " : "", f->e[i]->cmd);
				any = true;
			}
	fputs("\"\n", out);
}

static void print_subs(const struct forms *f, FILE *out)
{
	fputs("\tlocal -A subs=(\n", out);
	for (unsigned i = 0; i < f->n; i++) {
		bool any = false;

		if (!first_of_cmd(f, i))
			continue;
		for (unsigned k = i; k < f->n; k++) {
			if (strcmp(f->e[k]->cmd, f->e[i]->cmd) != 0 || !f->e[k]->sub)
				continue;
			fprintf(out, any ? " %s" : "\t\t[\"%s\"]=\"%s", any ? f->e[k]->sub : f->e[i]->cmd, f->e[k]->sub);
			any = true;
		}
		if (any)
			fputs("\"\n", out);
	}
	fputs("\t)\n", out);
}

/* A line [KEY]="KINDS" when some argument of e has something to offer. */
static void print_kinds_of(const struct cli_cmd *e, const char *key1, const char *key2, FILE *out)
{
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	bool has = m && kinds(e, m);

	if (m)
		fclose(m);
	if (has)
		fprintf(out, "\t\t[\"%s%s%s\"]=\"%s\"\n", key1, key2 ? " " : "", key2 ? key2 : "", text);
	free(text);
}

void gendoc_completion(FILE *out)
{
	struct forms f = { .n = 0 };

	cli_foreach(collect, &f);
	fputs("\t# from xlat64ctl's command table: the commands, their subcommands, what their arguments are\n", out);
	print_cmds(&f, out);
	print_subs(&f, out);
	fputs("\tlocal -A kinds=(\n", out);
	for (unsigned i = 0; i < f.n; i++) {
		const struct cli_cmd *e = f.e[i];

		if (e->sub)
			print_kinds_of(e, e->cmd, e->sub, out);
		if (!e->sub || (e->flags & CLI_BARE_ARGS))
			print_kinds_of(e, e->cmd, NULL, out);
	}
	fputs("\t)\n", out);
}
