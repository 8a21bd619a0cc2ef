/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * xlat64ctl: talks to xlat64d over its control socket.
 *
 *   xlat64ctl [--socket PATH] [--json] [--timeout SEC] <command> [args]
 *
 * Exit status: 0 ok, 1 the daemon answered with an error, 2 usage or
 * connection problems.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "config_load.h"
#include "stats.h"

#ifndef XLAT64_VERSION
#define XLAT64_VERSION "unknown"
#endif

#define DEFAULT_SOCKET "/run/xlat64/control.sock"
#define MAX_REPLY (64 * 1024 * 1024)

enum { EXIT_OK = 0, EXIT_ERROR_REPLY = 1, EXIT_USAGE = 2 };

struct opts {
	const char *socket;
	bool json;
	bool all;
	int timeout_ms;
};

static const char *prog = "xlat64ctl";

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: %s [OPTIONS] COMMAND [ARGS]\n"
		"\n"
		"Commands:\n"
		"  stats [--all]   counters, non-zero ones unless --all\n"
		"  version         the daemon's version\n"
		"  help            the commands the daemon knows\n"
		"  raw JSON        send JSON as a request and print the reply\n"
		"  check FILE      validate a configuration file (no daemon needed)\n"
		"\n"
		"Options:\n"
		"  -s, --socket PATH   control socket (default $XLAT64_SOCKET or %s)\n"
		"  -j, --json          print the daemon's reply as JSON, one line\n"
		"  -a, --all           stats: list zero counters too\n"
		"  -t, --timeout SEC   give up waiting for the daemon after SEC seconds (default 10)\n"
		"  -h, --help          this text\n"
		"  -V, --version       xlat64ctl's own version\n"
		"\n"
		"Exit status: 0 ok, 1 the daemon answered with an error (check: the file is invalid),\n"
		"2 usage or connection error.\n",
		prog, DEFAULT_SOCKET);
}

static int die_usage(const char *fmt, const char *arg)
{
	fprintf(stderr, "%s: ", prog);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry '%s --help'.\n", prog);
	return EXIT_USAGE;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Send one request line, read one reply line. Returns the parsed reply, or
 * NULL after printing why (connection, timeout, malformed reply).
 */
static json_t *call(const struct opts *o, json_t *req)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char *line = json_dumps(req, JSON_COMPACT);
	char *buf = NULL;
	size_t len = 0, cap = 0, sent = 0, linelen;
	long long deadline = now_ms() + o->timeout_ms;
	json_error_t je;
	json_t *reply = NULL;
	int fd = -1;

	if (!line) {
		fprintf(stderr, "%s: cannot encode the request\n", prog);
		return NULL;
	}
	if (strlen(o->socket) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "%s: socket path too long: %s\n", prog, o->socket);
		goto out;
	}
	memcpy(sa.sun_path, o->socket, strlen(o->socket) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		fprintf(stderr, "%s: socket: %s\n", prog, strerror(errno));
		goto out;
	}
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		int e = errno;

		fprintf(stderr, "%s: cannot connect to %s: %s%s\n", prog, o->socket, strerror(e),
			(e == ENOENT || e == ECONNREFUSED) ? " (is xlat64d running? --socket picks another socket)" : "");
		goto out;
	}

	linelen = strlen(line);
	line[linelen] = '\n'; /* the NUL goes; linelen + 1 bytes are sent */
	while (sent < linelen + 1) {
		ssize_t n = send(fd, line + sent, linelen + 1 - sent, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			fprintf(stderr, "%s: sending to %s: %s\n", prog, o->socket, strerror(errno));
			goto out;
		}
		sent += (size_t)n;
	}

	for (;;) {
		struct pollfd p = { fd, POLLIN, 0 };
		long long left = deadline - now_ms();
		ssize_t n;
		char *nl;

		if (left <= 0) {
			fprintf(stderr, "%s: no reply from %s within %d s\n", prog, o->socket, o->timeout_ms / 1000);
			goto out;
		}
		n = poll(&p, 1, (int)left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, "%s: poll: %s\n", prog, strerror(errno));
			goto out;
		}
		if (n == 0)
			continue; /* timeout: reported above */
		if (len + 65536 + 1 > cap) {
			char *nb;

			cap = cap ? cap * 2 : 131072;
			if (cap > MAX_REPLY) {
				fprintf(stderr, "%s: reply larger than %d bytes\n", prog, MAX_REPLY);
				goto out;
			}
			nb = realloc(buf, cap);
			if (!nb) {
				fprintf(stderr, "%s: out of memory\n", prog);
				goto out;
			}
			buf = nb;
		}
		n = recv(fd, buf + len, cap - len - 1, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, "%s: reading from %s: %s\n", prog, o->socket, strerror(errno));
			goto out;
		}
		if (n == 0) {
			fprintf(stderr, "%s: %s closed the connection without a reply\n", prog, o->socket);
			goto out;
		}
		nl = memchr(buf + len, '\n', (size_t)n);
		len += (size_t)n;
		if (nl) {
			len = (size_t)(nl - buf);
			break;
		}
	}
	reply = json_loadb(buf, len, 0, &je);
	if (!reply)
		fprintf(stderr, "%s: malformed reply: %s\n", prog, je.text);
	else if (!json_is_object(reply)) {
		fprintf(stderr, "%s: malformed reply: not an object\n", prog);
		json_decref(reply);
		reply = NULL;
	}
out:
	if (fd >= 0)
		close(fd);
	free(line);
	free(buf);
	return reply;
}

/* The daemon said no: print its message, exit 1. */
static int error_reply(json_t *reply)
{
	json_t *e = json_object_get(reply, "error");
	const char *msg = json_string_value(json_object_get(e, "message"));
	const char *code = json_string_value(json_object_get(e, "code"));

	fprintf(stderr, "%s: error: %s%s%s%s\n", prog, msg ? msg : "(no message)", code ? " (" : "", code ? code : "",
		code ? ")" : "");
	return EXIT_ERROR_REPLY;
}

static void print_json_line(json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT);

	if (s) {
		puts(s);
		free(s);
	}
}

/* ------------------------------------------------------------- commands */

static const char *stat_desc(const char *name)
{
	for (int i = 0; i < XSTAT_MAX; i++)
		if (strcmp(xlat_stat_name((enum xlat_stat)i), name) == 0)
			return xlat_stat_desc((enum xlat_stat)i);
	return "";
}

static void print_stats(json_t *reply, bool all)
{
	json_t *counters = json_object_get(reply, "counters"), *v;
	const char *name;
	int namew = 4, valw = 5, shown = 0, zero = 0;
	char num[32];

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
		w = snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(v));
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

static int run(const struct opts *o, json_t *req, const char *cmd)
{
	json_t *reply = call(o, req);
	int rc = EXIT_OK;

	json_decref(req);
	if (!reply)
		return EXIT_USAGE;
	if (!json_is_true(json_object_get(reply, "ok"))) {
		if (o->json)
			print_json_line(reply);
		rc = error_reply(reply);
		json_decref(reply);
		return rc;
	}
	if (o->json) {
		print_json_line(reply);
	} else if (strcmp(cmd, "stats") == 0) {
		print_stats(reply, o->all);
	} else if (strcmp(cmd, "version") == 0) {
		const char *v = json_string_value(json_object_get(reply, "version"));
		const char *mode = json_string_value(json_object_get(reply, "mode"));

		printf("xlat64d %s%s%s%s\nxlat64ctl %s\n", v ? v : "(unknown)", mode ? " (mode " : "", mode ? mode : "",
		       mode ? ")" : "", XLAT64_VERSION);
	} else if (strcmp(cmd, "help") == 0) {
		json_t *list = json_object_get(reply, "commands"), *c;
		size_t i;
		int w = 4;

		json_array_foreach(list, i, c) {
			const char *n = json_string_value(json_object_get(c, "name"));
			if (n && (int)strlen(n) > w)
				w = (int)strlen(n);
		}
		printf("Commands of the daemon at %s:\n", o->socket);
		json_array_foreach(list, i, c) {
			const char *n = json_string_value(json_object_get(c, "name"));
			const char *h = json_string_value(json_object_get(c, "help"));
			printf("  %-*s  %s\n", w, n ? n : "?", h ? h : "");
		}
		printf("(xlat64ctl has its own output for stats, version and help; others: xlat64ctl raw "
		       "'{\"command\": \"NAME\", ...}')\n");
	} else {
		char *s = json_dumps(reply, JSON_INDENT(2));
		if (s) {
			puts(s);
			free(s);
		}
	}
	json_decref(reply);
	return rc;
}

/* Offline: load the file as xlat64d would, report the first problem or a summary. */
static int check_config(const struct opts *o, const char *path)
{
	struct appcfg *c = malloc(sizeof(*c));
	char err[1024];
	unsigned n6 = 0, n4 = 0;

	if (!c) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return EXIT_USAGE;
	}
	if (appcfg_load_file(path, c, err, sizeof(err)) != 0) {
		if (o->json) {
			json_t *j = json_pack("{s:b, s:{s:s, s:s}}", "ok", 0, "error", "code", "invalid_config", "message", err);
			print_json_line(j);
			json_decref(j);
		}
		fprintf(stderr, "%s\n", err);
		appcfg_free(c);
		free(c);
		return EXIT_ERROR_REPLY;
	}
	for (unsigned i = 0; i < c->n_routes; i++)
		if (c->routes[i].family == 6)
			n6++;
		else
			n4++;
	if (o->json) {
		json_t *j = json_pack("{s:b, s:s, s:i, s:i, s:i, s:i}", "ok", 1, "mode",
				      c->xlat.mode == XLAT_MODE_SIIT ? "siit" : "nat64", "ports", (int)c->n_ports, "routes",
				      (int)c->n_routes, "eamt", (int)c->xlat.eamt.n, "denylist4", (int)c->xlat.n_denylist4);
		print_json_line(j);
		json_decref(j);
	} else {
		char p6[64] = "unset";

		if (c->xlat.g.pool6_set) {
			char a[INET6_ADDRSTRLEN];
			inet_ntop(AF_INET6, c->xlat.g.pool6.addr, a, sizeof(a));
			snprintf(p6, sizeof(p6), "%s/%u", a, c->xlat.g.pool6.len);
		}
		printf("%s: ok: mode %s, %u port(s), %u IPv6 + %u IPv4 route(s), pool6 %s, %u EAMT entr%s, "
		       "%u denylist4 prefix(es)\n",
		       path, c->xlat.mode == XLAT_MODE_SIIT ? "siit" : "nat64", c->n_ports, n6, n4, p6, c->xlat.eamt.n,
		       c->xlat.eamt.n == 1 ? "y" : "ies", c->xlat.n_denylist4);
		if (c->n_ports == 0)
			printf("%s: note: no ports; xlat64d needs at least one\n", path);
	}
	appcfg_free(c);
	free(c);
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "socket", required_argument, NULL, 's' }, { "json", no_argument, NULL, 'j' },
		{ "all", no_argument, NULL, 'a' },	    { "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },	    { "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o = { .socket = DEFAULT_SOCKET, .timeout_ms = 10000 };
	const char *env = getenv("XLAT64_SOCKET");
	const char *cmd;
	json_t *req;
	int c;

	if (env && *env)
		o.socket = env;
	while ((c = getopt_long(argc, argv, "s:jat:hV", longopts, NULL)) != -1) {
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
		case 't': {
			char *end;
			double t = strtod(optarg, &end);

			if (*end || !(t > 0) || t > 3600)
				return die_usage("--timeout: '%s' is not a number of seconds (0..3600]", optarg);
			o.timeout_ms = (int)(t * 1000);
			if (o.timeout_ms < 1)
				o.timeout_ms = 1;
			break;
		}
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

	if (strcmp(cmd, "stats") == 0 || strcmp(cmd, "version") == 0 || strcmp(cmd, "help") == 0) {
		if (optind < argc)
			return die_usage("unexpected argument '%s'", argv[optind]);
		if (o.all && strcmp(cmd, "stats") != 0)
			return die_usage("%s", "--all goes with stats");
		req = strcmp(cmd, "stats") == 0 ? json_pack("{s:s, s:b}", "command", cmd, "all", o.all)
						 : json_pack("{s:s}", "command", cmd);
	} else if (strcmp(cmd, "raw") == 0) {
		json_error_t je;

		if (optind + 1 != argc)
			return die_usage("%s", "raw takes exactly one argument, a JSON object");
		req = json_loads(argv[optind], 0, &je);
		if (!req) {
			fprintf(stderr, "%s: raw: invalid JSON at column %d: %s\n", prog, je.column, je.text);
			return EXIT_USAGE;
		}
		if (!json_is_object(req)) {
			json_decref(req);
			return die_usage("%s", "raw: the request must be a JSON object");
		}
	} else if (strcmp(cmd, "check") == 0) {
		if (optind + 1 != argc)
			return die_usage("%s", "check takes exactly one argument, a configuration file");
		return check_config(&o, argv[optind]);
	} else {
		return die_usage("unknown command '%s'", cmd);
	}
	if (!req) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return EXIT_USAGE;
	}
	return run(&o, req, cmd);
}
