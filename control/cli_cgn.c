/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * xlat64ctl's cgn commands (doc/cgn.md): the section, a live change of its
 * limits and logging, and deterministic NAT's reverse lookup, from the
 * daemon or, given the configuration file, without one.
 */
#include <stdio.h>
#include <stdlib.h>

#include "api.h"
#include "cli.h"
#include "config_load.h"

static json_t *build_cgn_set(struct cli_ctx *c, int argc, char **argv)
{
	(void)c;
	(void)argc;
	return json_pack("{s:s, s:s, s:o}", "command", "cgn", "op", "set", "cgn", value_arg(argv[0]));
}

/* "cgn who": one line, or the reply as JSON (with --json). */
void print_who(const json_t *r)
{
	const json_t *s = json_object_get(r, "subscriber");

	if (json_is_string(s))
		printf("%s port %lld: subscriber %s (its range on that address: %s)\n", str(r, "address"),
		       num(r, "port"), json_string_value(s), str(r, "port range"));
	else
		printf("%s port %lld: nobody (outside every subscriber's range)\n", str(r, "address"), num(r, "port"));
}

static int print_who_reply(struct cli_ctx *c, json_t *reply)
{
	(void)c;
	print_who(reply);
	return EXIT_OK;
}

/* Offline "cgn who ADDRESS PORT FILE": the configuration file answers (deterministic NAT, RFC 7422). */
static int who_offline(const struct cli_opts *o, const char *addr, const char *port, const char *path)
{
	struct appcfg *c = malloc(sizeof(*c));
	char err[1024], *end;
	long p = strtol(port, &end, 10);
	int rc = EXIT_OK;

	if (!c)
		return EXIT_USAGE;
	if (*end || p < 0 || p > 65535) {
		free(c);
		return die_usage("cgn who: '%s' is not a port", port);
	}
	if (appcfg_load_file(path, c, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		free(c);
		return EXIT_ERROR_REPLY;
	}
	json_t *r = api_cgn_who(&c->xlat.cgn, addr, p, err, sizeof(err));
	if (!r) {
		fprintf(stderr, "%s: %s\n", prog, err);
		rc = EXIT_ERROR_REPLY;
	} else if (o->json) {
		print_json_line(r);
	} else {
		print_who(r);
	}
	json_decref(r);
	appcfg_free(c);
	free(c);
	return rc;
}

/* cgn who IPV4 PORT: the daemon answers; with FILE, the file does */
static int run_who(struct cli_ctx *c, int argc, char **argv)
{
	json_t *req;
	char *end;
	long p;

	if (argc == 3)
		return who_offline(c->o, argv[0], argv[1], argv[2]);
	p = strtol(argv[1], &end, 10);
	if (*end || p < 0 || p > 65535)
		return die_usage("%s", c->cmd->usage);
	req = json_pack("{s:s, s:s, s:s, s:i}", "command", "cgn", "op", "who", "address", argv[0], "port", (int)p);
	return req ? cli_send(c, req) : EXIT_USAGE;
}

const struct cli_cmd cli_cgn_cmds[] = {
	{ .cmd = "cgn", .sub = "get", .flags = CLI_DEFAULT | CLI_SHOW_DEFAULT, .max_args = 0,
	  .usage = "cgn get takes no arguments", .bad_sub = "cgn: '%s' is not get, set or who",
	  .help = "carrier-grade NAT64 section (doc/cgn.md)", .build = cli_build_op },
	{ .cmd = "cgn", .sub = "set", .args = { { "JSON", ARG_ANY } }, .min_args = 1, .max_args = 1,
	  .usage = "cgn set takes one JSON object, e.g. '{\"max-sessions\": 2000}'",
	  .help = "change limits and logging live,\ne.g. cgn set '{\"max-sessions\": 2000}'", .build = build_cgn_set },
	{ .cmd = "cgn", .sub = "who", .args = { { "IPV4", ARG_ANY }, { "PORT", ARG_ANY }, { "[FILE]", ARG_FILE } },
	  .min_args = 2, .max_args = 3,
	  .usage = "cgn who takes an IPv4 address and a port (and, offline, a configuration file)",
	  .help = "deterministic NAT: who had IPV4 PORT\n(with FILE: from that file, no daemon needed)",
	  .print = print_who_reply, .run = run_who },
	{ .cmd = NULL },
};
