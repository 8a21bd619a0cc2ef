/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * xlat64ctl: talks to xlat64d over its control socket (doc/control-api.md).
 *
 *   xlat64ctl [--socket PATH] [--json] [--timeout SEC] COMMAND [ARGS]
 *
 * One subcommand per API command, human-readable tables by default, the
 * daemon's reply as one JSON line with --json. Exit status: 0 ok, 1 the
 * daemon answered with an error, 2 usage or connection problems (--timeout
 * passed included: it bounds connecting, sending and waiting together).
 *
 * This file is main(): the options, then the command, which the command
 * table runs (cli.h; one file per command group).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#ifndef XLAT64_VERSION
#define XLAT64_VERSION "unknown"
#endif

#define DEFAULT_SOCKET "/run/xlat64/control.sock"

static void usage(FILE *f)
{
	fprintf(f, "Usage: %s [OPTIONS] COMMAND [ARGS]\n\n", prog);
	cli_help_commands(f);
	fprintf(f,
		"\n"
		"Options:\n"
		"  -s, --socket PATH   control socket (default $XLAT64_SOCKET or %s)\n"
		"  -j, --json          print the daemon's reply as JSON, one line\n"
		"  -a, --all           stats: list zero counters too\n"
		"  -c, --per-core      stats: one column per worker, and the control thread\n"
		"  -x, --xstats        ports: the DPDK extended statistics too\n"
		"  -n, --dry-run       config reload: check only, change nothing\n"
		"  -t, --timeout SEC   give up after SEC seconds in all: connecting, sending, waiting for\n"
		"                      the reply (default 10; exit status 2)\n"
		"  -h, --help          this text\n"
		"  -V, --version       xlat64ctl's own version\n"
		"\n"
		"Values for global set are JSON when they parse as JSON (5, true, null, [1280, 1500]),\n"
		"strings otherwise (64:ff9b::/96, 2:00:00).\n"
		"Exit status: 0 ok, 1 the daemon answered with an error (check: the file is invalid),\n"
		"2 usage or connection error.\n",
		DEFAULT_SOCKET);
}

/* The options that go with some commands only: given with another, a usage error. */
static int check_option_use(const struct cli_opts *o, const char *cmd)
{
	if ((o->all || o->per_core) && !cli_takes_option(cmd, OPT_ALL | OPT_PER_CORE))
		return die_usage("%s", "--all and --per-core go with stats");
	if (o->xstats && !cli_takes_option(cmd, OPT_XSTATS))
		return die_usage("%s", "--xstats goes with ports");
	if (o->dry_run && !cli_takes_option(cmd, OPT_DRY_RUN))
		return die_usage("%s", "--dry-run goes with config reload");
	return EXIT_OK;
}

/* --timeout SEC: (0, 3600] seconds, kept to the millisecond (at least 1 ms). */
static int parse_timeout(const char *s, struct cli_opts *o)
{
	char *end;
	double t = strtod(s, &end);

	if (*end || !(t > 0) || t > 3600)
		return die_usage("--timeout: '%s' is not a number of seconds (0..3600]", s);
	o->timeout_ms = (int)(t * 1000);
	if (o->timeout_ms < 1)
		o->timeout_ms = 1;
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "socket", required_argument, NULL, 's' }, { "json", no_argument, NULL, 'j' },
		{ "all", no_argument, NULL, 'a' },	    { "per-core", no_argument, NULL, 'c' },
		{ "xstats", no_argument, NULL, 'x' },	    { "dry-run", no_argument, NULL, 'n' },
		{ "timeout", required_argument, NULL, 't' }, { "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },	    { NULL, 0, NULL, 0 },
	};
	struct cli_opts o = { .socket = DEFAULT_SOCKET, .timeout_ms = 10000 };
	const char *env = getenv("XLAT64_SOCKET");
	const char *cmd;
	int c;

	if (env && *env)
		o.socket = env;
	while ((c = getopt_long(argc, argv, "s:jacxnt:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			o.socket = optarg;
			break;
		case 'j':
			o.json = true;
			break;
		case 'a':
			o.all = true;
			break;
		case 'c':
			o.per_core = true;
			break;
		case 'x':
			o.xstats = true;
			break;
		case 'n':
			o.dry_run = true;
			break;
		case 't':
			if (parse_timeout(optarg, &o) != EXIT_OK)
				return EXIT_USAGE;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		case 'V':
			printf("xlat64ctl %s\n", XLAT64_VERSION);
			return EXIT_OK;
		default:
			fprintf(stderr, "Try '%s --help'.\n", prog);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc)
		return die_usage("%s", "no command given");
	cmd = argv[optind++];
	if (strcmp(cmd, "neighbours") == 0)
		cmd = "neighbors";
	if (check_option_use(&o, cmd) != EXIT_OK)
		return EXIT_USAGE;
	return cli_dispatch(&o, cmd, argc - optind, argv + optind);
}
