/* SPDX-License-Identifier: BSD-3-Clause */
/* xlat64ctl sync [status | ready | bulk]: session synchronisation (doc/ha.md). */
#include <stdio.h>

#include "cli.h"

static int print_status(struct cli_ctx *c, json_t *r)
{
	static const struct cli_col cols[] = {
		{ "NODE", "node-id", true }, { "ADDRESS", "address", false }, { "HEARD (ms ago)", "last-heard-ms", true },
		{ "DATAGRAMS", "datagrams", true }, { "SESSIONS", "sessions", true },
	};

	(void)c;
	printf("state %s, node %lld, %s port %lld\n", str(r, "state"), num(r, "node-id"), str(r, "address"),
	       num(r, "port"));
	printf("queued %lld, redirected ports %lld%s\n", num(r, "queued"), num(r, "redirected-ports"),
	       json_is_true(json_object_get(r, "serving-bulk")) ? ", sending a bulk" : "");
	print_rows(json_object_get(r, "peers"), cols, 5, true);
	return EXIT_OK;
}

static int print_ready(struct cli_ctx *c, json_t *r)
{
	(void)c;
	(void)r;
	printf("ready\n");
	return EXIT_OK;
}

static int print_bulk(struct cli_ctx *c, json_t *r)
{
	(void)c;
	(void)r;
	printf("bulk requested from the peers\n");
	return EXIT_OK;
}

const struct cli_cmd cli_sync_cmds[] = {
	{ .cmd = "sync", .sub = "status", .flags = CLI_DEFAULT | CLI_SHOW_DEFAULT, .max_args = 0,
	  .usage = "sync status takes no arguments", .bad_sub = "sync: '%s' is not status, ready or bulk",
	  .help = "session synchronisation: state, peers (doc/ha.md)", .build = cli_build_op, .print = print_status },
	{ .cmd = "sync", .sub = "ready", .max_args = 0, .usage = "sync ready takes no arguments",
	  .help = "exit 0 once this box holds its peers' sessions\n(keepalived's track script)", .build = cli_build_op,
	  .print = print_ready },
	{ .cmd = "sync", .sub = "bulk", .max_args = 0, .usage = "sync bulk takes no arguments",
	  .help = "ask the peers for their whole tables again", .build = cli_build_op, .print = print_bulk },
	{ .cmd = NULL },
};
