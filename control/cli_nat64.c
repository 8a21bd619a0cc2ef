/* SPDX-License-Identifier: BSD-3-Clause */
/* xlat64ctl's NAT64 commands: pool4, bib, session. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"

/* ------------------------------------------------------------------ pool4 */

static json_t *build_pool4_add(struct cli_ctx *c, int argc, char **argv)
{
	json_t *req = json_pack("{s:s, s:s, s:s, s:s}", "command", "pool4", "op", "add", "protocol", argv[0], "prefix",
				argv[1]);

	(void)c;
	if (req && argc == 3)
		json_object_set_new(req, "port range", json_string(argv[2]));
	return req;
}

/* PREFIX [PROTO] [PORT-RANGE]: a range starts with a digit, a protocol does not */
static json_t *build_pool4_remove(struct cli_ctx *c, int argc, char **argv)
{
	json_t *req = json_pack("{s:s, s:s, s:s}", "command", "pool4", "op", "remove", "prefix", argv[0]);

	(void)c;
	for (int i = 1; req && i < argc; i++)
		json_object_set_new(req, isdigit((unsigned char)argv[i][0]) ? "port range" : "protocol",
				    json_string(argv[i]));
	return req;
}

static int print_pool4(struct cli_ctx *ctx, json_t *reply)
{
	static const struct cli_col cols[] = { { "PROTOCOL", "protocol", false }, { "PREFIX", "prefix", false },
					       { "PORTS", "port range", false }, { "MARK", "mark", true },
					       { "MAX-ITERATIONS", "max-iterations", true } };
	json_t *e;

	(void)ctx;
	if ((e = json_object_get(reply, "added")) != NULL) {
		printf("added %s %s ports %s\n", str(e, "protocol"), str(e, "prefix"), str(e, "port range"));
		return EXIT_OK;
	}
	if (json_is_integer(json_object_get(reply, "removed"))) {
		printf("removed %lld pool4 entries and %lld static BIB entries\n",
		       num(reply, "removed"), num(reply, "bib-removed"));
		return EXIT_OK;
	}
	print_rows(json_object_get(reply, "pool4"), cols, 5, true);
	printf("%lld entries (at most %lld)\n", num(reply, "count"), num(reply, "max"));
	return EXIT_OK;
}

/* -------------------------------------------------------------------- bib */

static json_t *build_bib_list(struct cli_ctx *c, int argc, char **argv)
{
	json_t *req = json_pack("{s:s, s:s}", "command", "bib", "op", "list");

	(void)c;
	for (int i = 0; req && i < argc; i++) {
		if (!strcmp(argv[i], "static"))
			json_object_set_new(req, "static-only", json_true());
		else
			json_object_set_new(req, "protocol", json_string(argv[i]));
	}
	return req;
}

/* PROTO and transport addresses, each under its family's key */
static json_t *build_bib_edit(struct cli_ctx *c, int argc, char **argv)
{
	json_t *req = json_pack("{s:s, s:s, s:s}", "command", "bib", "op", c->cmd->sub, "protocol", argv[0]);

	for (int i = 1; req && i < argc; i++)
		json_object_set_new(req, strchr(argv[i], ':') ? "ipv6 address" : "ipv4 address", json_string(argv[i]));
	return req;
}

static int print_bib(struct cli_ctx *ctx, json_t *reply)
{
	static const char *const hdr[] = { "PROTOCOL", "IPV6 ADDRESS", "IPV4 ADDRESS", "KIND" };
	json_t *e;
	size_t i;
	struct table t;

	(void)ctx;
	if ((e = json_object_get(reply, "added")) != NULL || (e = json_object_get(reply, "removed")) != NULL) {
		printf("%s %s %s <-> %s\n", json_object_get(reply, "added") ? "added" : "removed", str(e, "protocol"),
		       str(e, "ipv6 address"), str(e, "ipv4 address"));
		return EXIT_OK;
	}
	tbl_init(&t, 4, hdr);
	json_array_foreach(json_object_get(reply, "bib"), i, e) {
		const char *row[4] = { str(e, "protocol"), str(e, "ipv6 address"), str(e, "ipv4 address"),
				       json_is_true(json_object_get(e, "static")) ? "static" : "dynamic" };
		tbl_row(&t, row);
	}
	tbl_print(&t, json_array_size(json_object_get(reply, "bib")) ? "" : "# ");
	printf("%lld entries, %lld static (at most %lld static)\n",
	       num(reply, "count"),
	       num(reply, "static"), num(reply, "max-static"));
	return EXIT_OK;
}

/* ---------------------------------------------------------------- session */

/* The filters, in any order: a protocol, an address of either family, offset N, limit N. */
static json_t *build_session(struct cli_ctx *c, int argc, char **argv)
{
	json_t *req = json_pack("{s:s, s:s}", "command", "session", "op", "list");

	(void)c;
	for (int i = 0; req && i < argc; i++) {
		const char *a = argv[i];
		int pw = page_word(req, "session", argc, argv, &i);

		if (pw < 0) {
			json_decref(req);
			return NULL;
		} else if (pw > 0 || proto_word(req, a)) {
			continue;
		} else if (strchr(a, ':') || strchr(a, '.')) {
			json_object_set_new(req, strchr(a, ':') ? "ipv6" : "ipv4", json_string(a));
		} else {
			json_decref(req);
			die_usage("session: '%s' is not a protocol, an address, offset N or limit N", a);
			return NULL;
		}
	}
	return req;
}

int cli_print_sessions(struct cli_ctx *ctx, json_t *reply)
{
	static const char *const hdr[] = { "PROTOCOL", "IPV6 ADDRESS", "IPV4 ADDRESS", "REMOTE IPV4", "STATE",
					   "EXPIRES", "WORKER" };
	json_t *e;
	size_t i;
	struct table t;
	char ex[32], w[16];
	long long off = json_integer_value(json_object_get(reply, "offset")),
		  cnt = json_integer_value(json_object_get(reply, "count"));

	(void)ctx;
	tbl_init(&t, 7, hdr);
	json_array_foreach(json_object_get(reply, "sessions"), i, e) {
		snprintf(ex, sizeof(ex), "%.1fs", (double)json_integer_value(json_object_get(e, "expires-in-ms")) / 1000);
		snprintf(w, sizeof(w), "%lld", num(e, "worker"));
		const char *row[7] = { str(e, "protocol"), str(e, "ipv6 address"), str(e, "ipv4 address"),
				       str(e, "remote ipv4"), str(e, "state"), ex, w };
		tbl_row(&t, row);
	}
	tbl_print(&t, cnt ? "" : "# ");
	if (cnt)
		printf("sessions %lld-%lld of %lld%s\n", off + 1, off + cnt,
		       num(reply, "total"), json_is_true(json_object_get(reply, "more")) ? " (more: offset N)" : "");
	else
		printf("no sessions (of %lld)\n", num(reply, "total"));
	return EXIT_OK;
}

const struct cli_cmd cli_nat64_cmds[] = {
	{ .cmd = "pool4", .sub = "list", .flags = CLI_DEFAULT | CLI_SHOW_DEFAULT, .max_args = 0,
	  .usage = "pool4 list/flush take no arguments", .bad_sub = "pool4: '%s' is not one of list, add, remove, flush",
	  .help = "NAT64 pool4 (PROTO: tcp, udp, icmp)", .build = cli_build_op, .print = print_pool4 },
	{ .cmd = "pool4", .sub = "add", .args = { { "PROTO", ARG_PROTO }, { "PREFIX", ARG_ANY }, { "[PORT-RANGE]", ARG_ANY } },
	  .min_args = 2, .max_args = 3, .usage = "pool4 add takes PROTO PREFIX [PORT-RANGE]",
	  .help = "add addresses (ports 61001-65535 by default)", .build = build_pool4_add, .print = print_pool4 },
	{ .cmd = "pool4", .sub = "remove",
	  .args = { { "PREFIX", ARG_ANY }, { "[PROTO]", ARG_PROTO }, { "[PORT-RANGE]", ARG_ANY } }, .min_args = 1,
	  .max_args = 3, .usage = "pool4 remove takes PREFIX [PROTO] [PORT-RANGE]",
	  .help = "remove them (dependent state goes too)", .build = build_pool4_remove, .print = print_pool4 },
	{ .cmd = "pool4", .sub = "flush", .max_args = 0, .usage = "pool4 list/flush take no arguments",
	  .help = "empty pool4, static BIB entries included", .build = cli_build_op, .print = print_pool4 },
	{ .cmd = "bib", .sub = "list", .flags = CLI_DEFAULT | CLI_SHOW_DEFAULT | CLI_BARE_ARGS,
	  .args = { { "[PROTO]", ARG_PROTO }, { "[static]", ARG_WORD } }, .max_args = -1,
	  .help = "NAT64 BIB (of one protocol; static only)", .build = build_bib_list, .print = print_bib },
	{ .cmd = "bib", .sub = "add", .args = { { "PROTO", ARG_PROTO }, { "IPV6#PORT", ARG_ANY }, { "IPV4#PORT", ARG_ANY } },
	  .min_args = 3, .max_args = 3, .usage = "bib add takes PROTO IPV6#PORT IPV4#PORT",
	  .help = "add a static entry (a port forward)", .build = build_bib_edit, .print = print_bib },
	{ .cmd = "bib", .sub = "remove",
	  .args = { { "PROTO", ARG_PROTO }, { "ADDR#PORT", ARG_ANY }, { "[ADDR#PORT]", ARG_ANY } }, .min_args = 2,
	  .max_args = 3, .usage = "bib remove takes PROTO and IPV6#PORT, IPV4#PORT or both",
	  .help = "remove a static entry", .build = build_bib_edit, .print = print_bib },
	{ .cmd = "session", .sub = "list", .flags = CLI_DEFAULT | CLI_SHOW_DEFAULT | CLI_BARE_ARGS,
	  .args = { { "[PROTO]", ARG_PROTO }, { "[ADDRESS]", ARG_ANY }, { "[offset N]", ARG_ANY }, { "[limit N]", ARG_ANY } },
	  .max_args = -1, .help = "NAT64 sessions (100 per page by default)", .build = build_session,
	  .print = cli_print_sessions },
	{ .cmd = NULL },
};
