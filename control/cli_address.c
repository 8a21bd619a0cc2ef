/* SPDX-License-Identifier: BSD-3-Clause */
/* xlat64ctl address [list | add PORT A/LEN | remove PORT A/LEN]: the ports' addresses, live ones too. */
#include <stdio.h>

#include "cli.h"

static json_t *build_change(struct cli_ctx *c, int argc, char **argv)
{
	(void)argc;
	return json_pack("{s:s, s:s, s:s, s:s}", "command", "address", "op", c->cmd->sub, "port", argv[0], "address",
			 argv[1]);
}

static int print_list(struct cli_ctx *c, json_t *r)
{
	static const struct cli_col cols[] = { { "PORT", "port", false }, { "ADDRESS", "address", false },
					       { "LIVE", "live", true } };

	(void)c;
	print_rows(json_object_get(r, "addresses"), cols, 3, true);
	return EXIT_OK;
}

static int print_change(struct cli_ctx *c, json_t *r)
{
	printf("%s %s %s%s\n", c->cmd->sub, str(r, "port"), str(r, "address"),
	       json_is_false(json_object_get(r, "changed")) ? " (nothing to do: it was already so)" : "");
	return EXIT_OK;
}

const struct cli_cmd cli_address_cmds[] = {
	{ .cmd = "address", .sub = "list", .flags = CLI_DEFAULT | CLI_SHOW_DEFAULT, .max_args = 0,
	  .usage = "address list takes no arguments", .bad_sub = "address: '%s' is not list, add or remove",
	  .help = "the ports' addresses, configured and live", .build = cli_build_op, .print = print_list },
	{ .cmd = "address", .sub = "add", .args = { { "PORT", ARG_PORT }, { "A/LEN", ARG_ANY } }, .min_args = 2,
	  .max_args = 2, .usage = "address add takes a port and an address with its prefix length",
	  .help = "add a live address (dataplane and TAP),\ne.g. a VRRP virtual address (doc/ha.md)",
	  .build = build_change, .print = print_change },
	{ .cmd = "address", .sub = "remove", .args = { { "PORT", ARG_PORT }, { "A/LEN", ARG_ANY } }, .min_args = 2,
	  .max_args = 2, .usage = "address remove takes a port and an address with its prefix length",
	  .help = "remove a live address", .build = build_change, .print = print_change },
	{ .cmd = NULL },
};
