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
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "api.h"
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
	bool per_core;
	bool xstats;
	bool dry_run;
	int timeout_ms;
};

static const char *prog = "xlat64ctl";

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: %s [OPTIONS] COMMAND [ARGS]\n"
		"\n"
		"Commands (the daemon's; doc/control-api.md):\n"
		"  version                          the daemon's version, mode, workers, uptime\n"
		"  help                             the commands the daemon knows\n"
		"  stats [--all] [--per-core]       counters (non-zero ones unless --all)\n"
		"  global [get [NAME]]              global options\n"
		"  global set NAME VALUE [NAME VALUE]...   change options (all or none)\n"
		"  pool6 [get] | pool6 set PREFIX|none\n"
		"  eamt [list] | eamt add IPV6-PREFIX IPV4-PREFIX | eamt remove PREFIX [PREFIX] | eamt flush\n"
		"  denylist4 [list] | denylist4 add|remove PREFIX | denylist4 flush\n"
		"  pool4 [list] | pool4 add PROTO PREFIX [PORT-RANGE] | pool4 remove PREFIX [PROTO] [PORT-RANGE]\n"
		"        | pool4 flush              NAT64 pool4 (PROTO: tcp, udp, icmp; removing drops dependent state)\n"
		"  bib [list] [PROTO] [static] | bib add PROTO IPV6#PORT IPV4#PORT | bib remove PROTO ADDR#PORT [ADDR#PORT]\n"
		"  session [list] [PROTO] [ADDRESS] [offset N] [limit N]   NAT64 sessions (100 per page by default)\n"
		"  ports [NAME] [--xstats]          link, counters, rates (and DPDK xstats)\n"
		"  neighbors [PORT]                 the neighbour table (ARP/ND)\n"
		"  routes [lookup ADDRESS]          the routing table, or the route to ADDRESS\n"
		"  cgn [get] | cgn set JSON         carrier-grade NAT64 section; set changes limits/logging live,\n"
		"                                   e.g. cgn set '{\"max-sessions\": 2000}' (doc/cgn.md)\n"
		"  cgn who IPV4 PORT [FILE]         deterministic NAT: the subscriber that had IPV4 PORT (with FILE:\n"
		"                                   from that configuration file, no daemon needed)\n"
		"  config dump [FILE]               the running configuration, as a file that loads back\n"
		"  config reload [FILE] [--dry-run] apply FILE (default: the daemon's --config) whole or not at all\n"
		"  raw JSON                         send JSON as a request and print the reply\n"
		"Offline:\n"
		"  check FILE                       validate a configuration file (no daemon needed)\n"
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

/* Milliseconds left until deadline (a now_ms() time), 0 once it has passed. */
static int ms_left(long long deadline)
{
	long long left = deadline - now_ms();

	return left > 0 ? (int)left : 0;
}

/*
 * connect() that gives up at deadline: 0, or -1 with errno (ETIMEDOUT once the deadline
 * has passed). A UNIX stream connect to a listener whose backlog is full waits until the
 * listener accepts, for ever if it never does (a stopped or hung daemon); a non-blocking
 * one fails at once with EAGAIN (AF_UNIX has no EINPROGRESS). The kernel bounds that wait
 * with the socket's SO_SNDTIMEO and then fails with EAGAIN, so the timeout is set to what
 * is left before each try.
 */
static int connect_by(int fd, const struct sockaddr_un *sa, long long deadline)
{
	for (;;) {
		int left = ms_left(deadline);
		struct timeval tv;

		if (left <= 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		/* at least 1 ms here: a zero timeval would mean no timeout at all */
		tv.tv_sec = left / 1000;
		tv.tv_usec = (left % 1000) * 1000;
		if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) != 0)
			return -1;
		if (connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0)
			return 0;
		if (errno == EINTR)
			continue; /* a timed wait ends with EINTR when the process is stopped and continued */
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return -1;
		/* the backlog stayed full for the whole wait; try again while time is left */
		if (ms_left(deadline) > 0)
			poll(NULL, 0, ms_left(deadline) < 10 ? ms_left(deadline) : 10);
	}
}

/* "2", "0.5": --timeout as given (to the millisecond). */
static double timeout_s(const struct opts *o)
{
	return o->timeout_ms / 1000.0;
}

/*
 * Send one request line, read one reply line, all within --timeout: connecting, sending and
 * waiting for the reply share one deadline. Returns the parsed reply, or NULL after printing
 * why (connection, timeout, malformed reply).
 */
static json_t *call(const struct opts *o, json_t *req)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char *line = json_dumps(req, JSON_COMPACT);
	char *buf = NULL;
	size_t len = 0, cap = 0, sent = 0, linelen;
	long long deadline = now_ms() + o->timeout_ms;
	int send_errno = 0;
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
	if (connect_by(fd, &sa, deadline) != 0) {
		int e = errno;

		if (e == ETIMEDOUT)
			fprintf(stderr,
				"%s: timed out after %g s connecting to %s (xlat64d is not accepting connections: "
				"stopped, hung, or its listen backlog is full)\n",
				prog, timeout_s(o), o->socket);
		else
			fprintf(stderr, "%s: cannot connect to %s: %s%s\n", prog, o->socket, strerror(e),
				(e == ENOENT || e == ECONNREFUSED) ? " (is xlat64d running? --socket picks another socket)"
								   : "");
		goto out;
	}
	/* From here on, every wait is a poll() bounded by the deadline. */
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) != 0) {
		fprintf(stderr, "%s: fcntl: %s\n", prog, strerror(errno));
		goto out;
	}

	linelen = strlen(line);
	line[linelen] = '\n'; /* the NUL goes; linelen + 1 bytes are sent */
	while (sent < linelen + 1) {
		ssize_t n = send(fd, line + sent, linelen + 1 - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
		struct pollfd p = { fd, POLLOUT, 0 };

		if (n > 0) {
			sent += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EPIPE || errno == ECONNRESET)) {
			/* Closed by the daemon, which may have said why first (too_many_clients,
			 * request_too_large): read that below. */
			send_errno = errno;
			break;
		}
		if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
			fprintf(stderr, "%s: sending to %s: %s\n", prog, o->socket, n ? strerror(errno) : "nothing sent");
			goto out;
		}
		if (ms_left(deadline) <= 0) {
			fprintf(stderr, "%s: timed out after %g s sending the request to %s (xlat64d is not reading it)\n",
				prog, timeout_s(o), o->socket);
			goto out;
		}
		if (poll(&p, 1, ms_left(deadline)) < 0 && errno != EINTR) {
			fprintf(stderr, "%s: poll: %s\n", prog, strerror(errno));
			goto out;
		}
	}

	for (;;) {
		struct pollfd p = { fd, POLLIN, 0 };
		ssize_t n;
		char *nl;

		if (ms_left(deadline) <= 0) {
			fprintf(stderr, "%s: timed out after %g s waiting for the reply from %s\n", prog, timeout_s(o),
				o->socket);
			goto out;
		}
		n = poll(&p, 1, ms_left(deadline));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, "%s: poll: %s\n", prog, strerror(errno));
			goto out;
		}
		if (n == 0)
			continue; /* the deadline: reported above */
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
		n = recv(fd, buf + len, cap - len - 1, MSG_DONTWAIT);
		if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
			continue;
		if (n <= 0 && send_errno) {
			/* closed without a word while we were still sending */
			fprintf(stderr, "%s: sending to %s: %s\n", prog, o->socket, strerror(send_errno));
			goto out;
		}
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

/* ---------------------------------------------------------------- tables */

#define TBL_COLS 12

struct table {
	unsigned ncols, nrows, cap;
	char **cells; /* nrows x ncols, row 0 is the header */
	bool right[TBL_COLS];
};

static void tbl_init(struct table *t, unsigned ncols, const char *const *header)
{
	memset(t, 0, sizeof(*t));
	t->ncols = ncols;
	t->cap = 16;
	t->cells = calloc((size_t)t->cap * ncols, sizeof(char *));
	for (unsigned c = 0; t->cells && c < ncols; c++)
		t->cells[c] = strdup(header[c]);
	t->nrows = 1;
}

/* Append a row of ncols strings (copied; NULL shows as "-"). */
static void tbl_row(struct table *t, const char *const *vals)
{
	if (!t->cells)
		return;
	if (t->nrows == t->cap) {
		char **nc = realloc(t->cells, (size_t)t->cap * 2 * t->ncols * sizeof(char *));
		if (!nc)
			return;
		t->cells = nc;
		t->cap *= 2;
	}
	for (unsigned c = 0; c < t->ncols; c++)
		t->cells[t->nrows * t->ncols + c] = strdup(vals[c] ? vals[c] : "-");
	t->nrows++;
}

static void tbl_print(struct table *t, const char *indent)
{
	int w[TBL_COLS] = { 0 };

	if (!t->cells)
		return;
	for (unsigned r = 0; r < t->nrows; r++)
		for (unsigned c = 0; c < t->ncols; c++) {
			const char *s = t->cells[r * t->ncols + c];
			int n = s ? (int)strlen(s) : 0;
			if (n > w[c])
				w[c] = n;
		}
	for (unsigned r = 0; r < t->nrows; r++) {
		fputs(indent, stdout);
		for (unsigned c = 0; c < t->ncols; c++) {
			const char *s = t->cells[r * t->ncols + c];
			bool last = c + 1 == t->ncols;

			if (t->right[c])
				printf("%*s%s", w[c], s ? s : "", last ? "" : "  ");
			else if (last)
				printf("%s", s ? s : "");
			else
				printf("%-*s  ", w[c], s ? s : "");
		}
		putchar('\n');
	}
	for (unsigned i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	t->cells = NULL;
}

/* A JSON value as text for a table cell: strings bare, null as "-", the rest compact JSON. */
static char *cell(const json_t *v, char *buf, size_t cap)
{
	char *s;

	if (!v || json_is_null(v))
		snprintf(buf, cap, "-");
	else if (json_is_string(v))
		snprintf(buf, cap, "%s", json_string_value(v));
	else if (json_is_integer(v))
		snprintf(buf, cap, "%lld", (long long)json_integer_value(v));
	else if ((s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY)) != NULL) {
		snprintf(buf, cap, "%s", s);
		free(s);
	} else
		snprintf(buf, cap, "?");
	return buf;
}

static const char *str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "-";
}

/* 1234567 -> "1.23M" (rates). */
static const char *human(double v, char *buf, size_t cap)
{
	if (v >= 1e9)
		snprintf(buf, cap, "%.2fG", v / 1e9);
	else if (v >= 1e6)
		snprintf(buf, cap, "%.2fM", v / 1e6);
	else if (v >= 1e3)
		snprintf(buf, cap, "%.2fk", v / 1e3);
	else
		snprintf(buf, cap, "%.0f", v);
	return buf;
}

/* ------------------------------------------------------------- printers */

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
				 (long long)json_integer_value(json_object_get(c, "worker")),
				 (long long)json_integer_value(json_object_get(c, "lcore")));
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

static void print_global(json_t *reply)
{
	static const char *const hdr[] = { "OPTION", "VALUE" };
	json_t *g = json_object_get(reply, "global"), *v;
	const char *name;
	struct table t;

	tbl_init(&t, 2, hdr);
	json_object_foreach(g, name, v) {
		char b[512];
		const char *row[2] = { name, cell(v, b, sizeof(b)) };
		tbl_row(&t, row);
	}
	tbl_print(&t, "");
}

static void print_changed(json_t *reply)
{
	json_t *ch = json_object_get(reply, "changed"), *v;
	const char *name;

	if (!json_object_size(ch)) {
		printf("Nothing changed: the options already had these values.\n");
		return;
	}
	json_object_foreach(ch, name, v) {
		char a[256], b[256];
		printf("%s: %s -> %s\n", name, cell(json_object_get(v, "old"), a, sizeof(a)),
		       cell(json_object_get(v, "new"), b, sizeof(b)));
	}
}

static void print_eamt(json_t *reply)
{
	static const char *const hdr[] = { "IPV6 PREFIX", "IPV4 PREFIX" };
	json_t *e;
	size_t i;
	struct table t;

	if (json_object_get(reply, "added")) {
		e = json_object_get(reply, "added");
		printf("added %s <-> %s\n", str(e, "ipv6 prefix"), str(e, "ipv4 prefix"));
		return;
	}
	if (json_is_object(json_object_get(reply, "removed"))) {
		e = json_object_get(reply, "removed");
		printf("removed %s <-> %s\n", str(e, "ipv6 prefix"), str(e, "ipv4 prefix"));
		return;
	}
	if (json_is_integer(json_object_get(reply, "removed"))) {
		printf("removed %lld entries\n", (long long)json_integer_value(json_object_get(reply, "removed")));
		return;
	}
	tbl_init(&t, 2, hdr);
	json_array_foreach(json_object_get(reply, "eamt"), i, e) {
		const char *row[2] = { str(e, "ipv6 prefix"), str(e, "ipv4 prefix") };
		tbl_row(&t, row);
	}
	if (json_array_size(json_object_get(reply, "eamt")))
		tbl_print(&t, "");
	else
		tbl_print(&t, "# ");
	printf("%lld entries (at most %lld)\n", (long long)json_integer_value(json_object_get(reply, "count")),
	       (long long)json_integer_value(json_object_get(reply, "max")));
}

static void print_pool4(json_t *reply)
{
	static const char *const hdr[] = { "PROTOCOL", "PREFIX", "PORTS", "MARK", "MAX-ITERATIONS" };
	json_t *e;
	size_t i;
	struct table t;
	char m[32], it[32];

	if ((e = json_object_get(reply, "added")) != NULL) {
		printf("added %s %s ports %s\n", str(e, "protocol"), str(e, "prefix"), str(e, "port range"));
		return;
	}
	if (json_is_integer(json_object_get(reply, "removed"))) {
		printf("removed %lld pool4 entries and %lld static BIB entries\n",
		       (long long)json_integer_value(json_object_get(reply, "removed")),
		       (long long)json_integer_value(json_object_get(reply, "bib-removed")));
		return;
	}
	tbl_init(&t, 5, hdr);
	json_array_foreach(json_object_get(reply, "pool4"), i, e) {
		const char *row[5] = { str(e, "protocol"), str(e, "prefix"), str(e, "port range"),
				       cell(json_object_get(e, "mark"), m, sizeof(m)),
				       cell(json_object_get(e, "max-iterations"), it, sizeof(it)) };
		tbl_row(&t, row);
	}
	tbl_print(&t, json_array_size(json_object_get(reply, "pool4")) ? "" : "# ");
	printf("%lld entries (at most %lld)\n", (long long)json_integer_value(json_object_get(reply, "count")),
	       (long long)json_integer_value(json_object_get(reply, "max")));
}

static void print_bib(json_t *reply)
{
	static const char *const hdr[] = { "PROTOCOL", "IPV6 ADDRESS", "IPV4 ADDRESS", "KIND" };
	json_t *e;
	size_t i;
	struct table t;

	if ((e = json_object_get(reply, "added")) != NULL || (e = json_object_get(reply, "removed")) != NULL) {
		printf("%s %s %s <-> %s\n", json_object_get(reply, "added") ? "added" : "removed", str(e, "protocol"),
		       str(e, "ipv6 address"), str(e, "ipv4 address"));
		return;
	}
	tbl_init(&t, 4, hdr);
	json_array_foreach(json_object_get(reply, "bib"), i, e) {
		const char *row[4] = { str(e, "protocol"), str(e, "ipv6 address"), str(e, "ipv4 address"),
				       json_is_true(json_object_get(e, "static")) ? "static" : "dynamic" };
		tbl_row(&t, row);
	}
	tbl_print(&t, json_array_size(json_object_get(reply, "bib")) ? "" : "# ");
	printf("%lld entries, %lld static (at most %lld static)\n",
	       (long long)json_integer_value(json_object_get(reply, "count")),
	       (long long)json_integer_value(json_object_get(reply, "static")),
	       (long long)json_integer_value(json_object_get(reply, "max-static")));
}

static void print_session(json_t *reply)
{
	static const char *const hdr[] = { "PROTOCOL", "IPV6 ADDRESS", "IPV4 ADDRESS", "REMOTE IPV4", "STATE",
					   "EXPIRES", "WORKER" };
	json_t *e;
	size_t i;
	struct table t;
	char ex[32], w[16];
	long long off = json_integer_value(json_object_get(reply, "offset")),
		  cnt = json_integer_value(json_object_get(reply, "count"));

	tbl_init(&t, 7, hdr);
	json_array_foreach(json_object_get(reply, "sessions"), i, e) {
		snprintf(ex, sizeof(ex), "%.1fs", (double)json_integer_value(json_object_get(e, "expires-in-ms")) / 1000);
		snprintf(w, sizeof(w), "%lld", (long long)json_integer_value(json_object_get(e, "worker")));
		const char *row[7] = { str(e, "protocol"), str(e, "ipv6 address"), str(e, "ipv4 address"),
				       str(e, "remote ipv4"), str(e, "state"), ex, w };
		tbl_row(&t, row);
	}
	tbl_print(&t, cnt ? "" : "# ");
	if (cnt)
		printf("sessions %lld-%lld of %lld%s\n", off + 1, off + cnt,
		       (long long)json_integer_value(json_object_get(reply, "total")),
		       json_is_true(json_object_get(reply, "more")) ? " (more: offset N)" : "");
	else
		printf("no sessions (of %lld)\n", (long long)json_integer_value(json_object_get(reply, "total")));
}

static void print_denylist4(json_t *reply)
{
	json_t *e;
	size_t i;

	if (json_is_string(json_object_get(reply, "added"))) {
		printf("added %s\n", str(reply, "added"));
		return;
	}
	if (json_is_string(json_object_get(reply, "removed"))) {
		printf("removed %s\n", str(reply, "removed"));
		return;
	}
	if (json_is_integer(json_object_get(reply, "removed"))) {
		printf("removed %lld prefixes\n", (long long)json_integer_value(json_object_get(reply, "removed")));
		return;
	}
	printf("PREFIX\n");
	json_array_foreach(json_object_get(reply, "denylist4"), i, e)
		printf("%s\n", json_string_value(e));
	printf("%lld prefixes (at most %lld)\n", (long long)json_integer_value(json_object_get(reply, "count")),
	       (long long)json_integer_value(json_object_get(reply, "max")));
}

static void print_ports(json_t *reply)
{
	static const char *const hdr[] = { "NAME", "ID", "DRIVER", "MAC", "MTU", "LINK", "RX-PKTS", "TX-PKTS",
					   "RX-BYTES", "TX-BYTES", "RX-PPS", "TX-PPS" };
	json_t *p;
	size_t i;
	struct table t;

	tbl_init(&t, 12, hdr);
	for (unsigned c = 6; c < 12; c++)
		t.right[c] = true;
	t.right[1] = t.right[4] = true;
	json_array_foreach(json_object_get(reply, "ports"), i, p) {
		json_t *link = json_object_get(p, "link"), *rates = json_object_get(p, "rates");
		char id[16], mtu[16], lk[48], c[4][24], r[2][24];
		const char *keys[4] = { "rx-packets", "tx-packets", "rx-bytes", "tx-bytes" };

		snprintf(id, sizeof(id), "%lld", (long long)json_integer_value(json_object_get(p, "port-id")));
		snprintf(mtu, sizeof(mtu), "%lld", (long long)json_integer_value(json_object_get(p, "mtu")));
		if (json_is_true(json_object_get(link, "up")))
			snprintf(lk, sizeof(lk), "up %lldM/%s", (long long)json_integer_value(json_object_get(link, "speed-mbps")),
				 str(link, "duplex"));
		else
			snprintf(lk, sizeof(lk), "down");
		for (int k = 0; k < 4; k++)
			snprintf(c[k], sizeof(c[k]), "%lld", (long long)json_integer_value(json_object_get(p, keys[k])));
		if (json_is_object(rates)) {
			human(json_real_value(json_object_get(rates, "rx-pps")), r[0], sizeof(r[0]));
			human(json_real_value(json_object_get(rates, "tx-pps")), r[1], sizeof(r[1]));
		} else {
			snprintf(r[0], sizeof(r[0]), "-");
			snprintf(r[1], sizeof(r[1]), "-");
		}
		char drv[64];
		if (json_object_get(p, "vlan")) /* a VLAN sub-interface: where its frames go */
			snprintf(drv, sizeof(drv), "vlan %lld of %s", (long long)json_integer_value(json_object_get(p, "vlan")),
				 str(p, "parent"));
		else
			snprintf(drv, sizeof(drv), "%s", str(p, "driver"));
		const char *row[12] = { str(p, "name"), id, drv, str(p, "mac"), mtu, lk, c[0], c[1], c[2], c[3],
					r[0], r[1] };
		tbl_row(&t, row);
	}
	tbl_print(&t, "");
	json_array_foreach(json_object_get(reply, "ports"), i, p) {
		json_t *x = json_object_get(p, "xstats"), *v;
		const char *name;
		struct table xt;
		static const char *const xh[] = { "XSTAT", "VALUE" };

		if (!json_is_object(x))
			continue;
		printf("\n%s (port %lld) extended statistics:\n", str(p, "name"),
		       (long long)json_integer_value(json_object_get(p, "port-id")));
		tbl_init(&xt, 2, xh);
		xt.right[1] = true;
		json_object_foreach(x, name, v) {
			char b[32];
			const char *row[2] = { name, cell(v, b, sizeof(b)) };
			tbl_row(&xt, row);
		}
		tbl_print(&xt, "  ");
	}
}

static void print_neighbors(json_t *reply)
{
	static const char *const hdr[] = { "PORT", "ADDRESS", "MAC", "TYPE" };
	json_t *n;
	size_t i;
	struct table t;

	tbl_init(&t, 4, hdr);
	json_array_foreach(json_object_get(reply, "neighbors"), i, n) {
		const char *row[4] = { str(n, "port"), str(n, "address"), str(n, "mac"), str(n, "type") };
		tbl_row(&t, row);
	}
	tbl_print(&t, json_array_size(json_object_get(reply, "neighbors")) ? "" : "# ");
	printf("%lld entries\n", (long long)json_integer_value(json_object_get(reply, "count")));
}

static void print_routes(json_t *reply)
{
	static const char *const hdr[] = { "PREFIX", "VIA", "PORT", "TYPE" };
	json_t *r;
	size_t i;
	struct table t;

	if (json_object_get(reply, "route")) {
		r = json_object_get(reply, "route");
		if (json_is_string(json_object_get(r, "via")))
			printf("%s: %s via %s, port %s (%s)\n", str(reply, "lookup"), str(r, "prefix"), str(r, "via"),
			       str(r, "port"), str(r, "type"));
		else
			printf("%s: %s directly connected, port %s (%s)\n", str(reply, "lookup"), str(r, "prefix"),
			       str(r, "port"), str(r, "type"));
		return;
	}
	tbl_init(&t, 4, hdr);
	json_array_foreach(json_object_get(reply, "routes"), i, r) {
		const char *row[4] = { str(r, "prefix"), str(r, "via"), str(r, "port"), str(r, "type") };
		tbl_row(&t, row);
	}
	tbl_print(&t, "");
}

static void print_reload(json_t *reply)
{
	json_t *ch = json_object_get(reply, "changed"), *c;
	const char *path = json_is_string(json_object_get(reply, "path")) ? str(reply, "path") : "the configuration";
	bool dry = json_is_true(json_object_get(reply, "dry-run"));
	size_t i;

	if (!json_array_size(ch)) {
		printf("%s: %s the running configuration; nothing %s\n", path, "same as", dry ? "would change" : "changed");
		return;
	}
	printf("%s: %s ", path, dry ? "valid; a reload would change" : "reloaded; changed");
	json_array_foreach(ch, i, c)
		printf("%s%s", i ? ", " : "", json_string_value(c));
	printf("\n");
}

static void print_help(const struct opts *o, json_t *reply)
{
	json_t *list = json_object_get(reply, "commands"), *c;
	size_t i;
	int w = 4;

	json_array_foreach(list, i, c) {
		const char *n = json_string_value(json_object_get(c, "name"));
		if (n && (int)strlen(n) > w)
			w = (int)strlen(n);
	}
	printf("Commands of the daemon at %s (requests: doc/control-api.md):\n", o->socket);
	json_array_foreach(list, i, c) {
		const char *n = json_string_value(json_object_get(c, "name"));
		const char *h = json_string_value(json_object_get(c, "help"));
		printf("  %-*s  %s\n", w, n ? n : "?", h ? h : "");
	}
	printf("(xlat64ctl --help shows the subcommands; xlat64ctl raw '{\"command\": ...}' sends any request)\n");
}

/* ------------------------------------------------------------- commands */

/* Write the dump to path (or stdout), indented like a hand-written file. */
static int write_dump(json_t *reply, const char *path)
{
	json_t *cfg = json_object_get(reply, "config");
	char *txt = json_dumps(cfg, JSON_INDENT(2));
	FILE *f;

	if (!txt) {
		fprintf(stderr, "%s: the reply has no configuration\n", prog);
		return EXIT_ERROR_REPLY;
	}
	if (!path || strcmp(path, "-") == 0) {
		puts(txt);
		free(txt);
		return EXIT_OK;
	}
	f = fopen(path, "w");
	if (!f || fprintf(f, "%s\n", txt) < 0 || fclose(f) != 0) {
		fprintf(stderr, "%s: cannot write %s: %s\n", prog, path, strerror(errno));
		free(txt);
		return EXIT_USAGE;
	}
	free(txt);
	fprintf(stderr, "%s: configuration written to %s\n", prog, path);
	return EXIT_OK;
}

static void print_who(const json_t *r);

static int run(const struct opts *o, json_t *req, const char *cmd, const char *dump_path)
{
	json_t *reply = call(o, req);
	const char *op = json_string_value(json_object_get(req, "op"));
	int rc = EXIT_OK;

	if (!reply) {
		json_decref(req);
		return EXIT_USAGE;
	}
	if (!json_is_true(json_object_get(reply, "ok"))) {
		if (o->json)
			print_json_line(reply);
		rc = error_reply(reply);
		goto out;
	}
	if (o->json) {
		print_json_line(reply);
	} else if (strcmp(cmd, "stats") == 0) {
		if (o->per_core)
			print_stats_per_core(reply, o->all);
		else
			print_stats(reply, o->all);
	} else if (strcmp(cmd, "version") == 0) {
		const char *v = json_string_value(json_object_get(reply, "version"));
		const char *mode = json_string_value(json_object_get(reply, "mode"));

		printf("xlat64d %s%s%s%s\n", v ? v : "(unknown)", mode ? " (mode " : "", mode ? mode : "", mode ? ")" : "");
		if (json_object_get(reply, "dpdk"))
			printf("  %s, %lld worker(s), %lld port(s), up %llds, config %s\n", str(reply, "dpdk"),
			       (long long)json_integer_value(json_object_get(reply, "workers")),
			       (long long)json_integer_value(json_object_get(reply, "ports")),
			       (long long)json_integer_value(json_object_get(reply, "uptime-s")), str(reply, "config-file"));
		printf("xlat64ctl %s\n", XLAT64_VERSION);
	} else if (strcmp(cmd, "help") == 0) {
		print_help(o, reply);
	} else if (strcmp(cmd, "global") == 0) {
		if (op && strcmp(op, "set") == 0)
			print_changed(reply);
		else
			print_global(reply);
	} else if (strcmp(cmd, "pool6") == 0) {
		char b[128];
		printf("pool6 %s%s\n", json_is_null(json_object_get(reply, "pool6")) ? "unset" : cell(json_object_get(reply, "pool6"), b, sizeof(b)),
		       json_is_false(json_object_get(reply, "changed")) ? " (unchanged)" : "");
	} else if (strcmp(cmd, "eamt") == 0) {
		print_eamt(reply);
	} else if (strcmp(cmd, "denylist4") == 0) {
		print_denylist4(reply);
	} else if (strcmp(cmd, "pool4") == 0) {
		print_pool4(reply);
	} else if (strcmp(cmd, "bib") == 0) {
		print_bib(reply);
	} else if (strcmp(cmd, "session") == 0) {
		print_session(reply);
	} else if (strcmp(cmd, "ports") == 0) {
		print_ports(reply);
	} else if (strcmp(cmd, "neighbors") == 0) {
		print_neighbors(reply);
	} else if (strcmp(cmd, "routes") == 0) {
		print_routes(reply);
	} else if (strcmp(cmd, "cgn") == 0 && op && strcmp(op, "who") == 0) {
		print_who(reply);
	} else if (strcmp(cmd, "config") == 0) {
		if (op && strcmp(op, "reload") == 0)
			print_reload(reply);
		else
			rc = write_dump(reply, dump_path);
	} else {
		char *s = json_dumps(reply, JSON_INDENT(2));
		if (s) {
			puts(s);
			free(s);
		}
	}
out:
	json_decref(req);
	json_decref(reply);
	return rc;
}

/* A command-line value as JSON: itself when it parses as JSON, else a string. */
static json_t *value_arg(const char *s)
{
	json_t *v = json_loads(s, JSON_DECODE_ANY, NULL);

	return v ? v : json_string(s);
}

static bool is_v6(const char *s)
{
	return strchr(s, ':') != NULL;
}

/* Build the request for COMMAND ARGS; NULL after a usage message (*rc set). */
static json_t *build(const struct opts *o, const char *cmd, int argc, char **argv, const char **dump_path, int *rc)
{
	const char *sub = argc > 0 ? argv[0] : NULL;
	json_t *req;

	*rc = EXIT_USAGE;
#define NARGS(n, what)                                                                                     \
	do {                                                                                               \
		if (argc != (n)) {                                                                         \
			die_usage("%s", what);                                                             \
			return NULL;                                                                       \
		}                                                                                          \
	} while (0)
	if (!strcmp(cmd, "version") || !strcmp(cmd, "help")) {
		NARGS(0, "this command takes no arguments");
		return json_pack("{s:s}", "command", cmd);
	}
	if (!strcmp(cmd, "stats")) {
		NARGS(0, "stats takes no arguments (options: --all, --per-core)");
		return json_pack("{s:s, s:b, s:b}", "command", cmd, "all", o->all, "per-core", o->per_core);
	}
	if (!strcmp(cmd, "global")) {
		if (!sub || !strcmp(sub, "get")) {
			if (argc > 2) {
				die_usage("%s", "global get takes at most one option name");
				return NULL;
			}
			req = json_pack("{s:s, s:s}", "command", cmd, "op", "get");
			if (argc == 2)
				json_object_set_new(req, "name", json_string(argv[1]));
			return req;
		}
		if (!strcmp(sub, "set")) {
			json_t *vals;

			if (argc < 3 || (argc - 1) % 2) {
				die_usage("%s", "global set takes NAME VALUE pairs");
				return NULL;
			}
			vals = json_object();
			for (int i = 1; i + 1 < argc; i += 2)
				json_object_set_new(vals, argv[i], value_arg(argv[i + 1]));
			return json_pack("{s:s, s:s, s:o}", "command", cmd, "op", "set", "values", vals);
		}
		die_usage("global: '%s' is not get or set", sub);
		return NULL;
	}
	if (!strcmp(cmd, "pool6")) {
		if (!sub || !strcmp(sub, "get")) {
			NARGS(sub ? 1 : 0, "pool6 get takes no arguments");
			return json_pack("{s:s}", "command", cmd);
		}
		if (!strcmp(sub, "set")) {
			NARGS(2, "pool6 set takes one prefix, or 'none'");
			return json_pack("{s:s, s:s, s:o}", "command", cmd, "op", "set", "prefix",
					 strcmp(argv[1], "none") == 0 || strcmp(argv[1], "null") == 0 ? json_null()
												: json_string(argv[1]));
		}
		die_usage("pool6: '%s' is not get or set", sub);
		return NULL;
	}
	if (!strcmp(cmd, "pool4")) {
		if (!sub || !strcmp(sub, "list") || !strcmp(sub, "flush")) {
			NARGS(sub ? 1 : 0, "pool4 list/flush take no arguments");
			return json_pack("{s:s, s:s}", "command", cmd, "op", sub ? sub : "list");
		}
		if (!strcmp(sub, "add")) {
			if (argc != 3 && argc != 4) {
				die_usage("%s", "pool4 add takes PROTO PREFIX [PORT-RANGE]");
				return NULL;
			}
			req = json_pack("{s:s, s:s, s:s, s:s}", "command", cmd, "op", sub, "protocol", argv[1], "prefix",
					argv[2]);
			if (argc == 4)
				json_object_set_new(req, "port range", json_string(argv[3]));
			return req;
		}
		if (!strcmp(sub, "remove")) {
			if (argc < 2 || argc > 4) {
				die_usage("%s", "pool4 remove takes PREFIX [PROTO] [PORT-RANGE]");
				return NULL;
			}
			req = json_pack("{s:s, s:s, s:s}", "command", cmd, "op", sub, "prefix", argv[1]);
			for (int i = 2; i < argc; i++)
				json_object_set_new(req, isdigit((unsigned char)argv[i][0]) ? "port range" : "protocol",
						    json_string(argv[i]));
			return req;
		}
		die_usage("pool4: '%s' is not one of list, add, remove, flush", sub);
		return NULL;
	}
	if (!strcmp(cmd, "bib")) {
		if (!sub || (strcmp(sub, "add") && strcmp(sub, "remove"))) {
			req = json_pack("{s:s, s:s}", "command", cmd, "op", "list");
			for (int i = sub && !strcmp(sub, "list") ? 1 : 0; i < argc; i++) {
				if (!strcmp(argv[i], "static"))
					json_object_set_new(req, "static-only", json_true());
				else
					json_object_set_new(req, "protocol", json_string(argv[i]));
			}
			return req;
		}
		if (!strcmp(sub, "add") || !strcmp(sub, "remove")) {
			bool add = sub[0] == 'a';
			if (add ? argc != 4 : (argc != 3 && argc != 4)) {
				die_usage("%s", add ? "bib add takes PROTO IPV6#PORT IPV4#PORT"
						    : "bib remove takes PROTO and IPV6#PORT, IPV4#PORT or both");
				return NULL;
			}
			req = json_pack("{s:s, s:s, s:s}", "command", cmd, "op", sub, "protocol", argv[1]);
			for (int i = 2; i < argc; i++)
				json_object_set_new(req, is_v6(argv[i]) ? "ipv6 address" : "ipv4 address",
						    json_string(argv[i]));
			return req;
		}
	}
	if (!strcmp(cmd, "session")) {
		req = json_pack("{s:s, s:s}", "command", cmd, "op", "list");
		for (int i = sub && !strcmp(sub, "list") ? 1 : 0; i < argc; i++) {
			const char *a = argv[i];
			if ((!strcmp(a, "offset") || !strcmp(a, "limit")) && i + 1 < argc) {
				char *end;
				long long v = strtoll(argv[i + 1], &end, 10);
				if (*end || end == argv[i + 1] || v < 0) {
					json_decref(req);
					die_usage("session: offset and limit take a number, not '%s'", argv[i + 1]);
					return NULL;
				}
				json_object_set_new(req, a, json_integer(v));
				i++;
			} else if (!strcasecmp(a, "tcp") || !strcasecmp(a, "udp") || !strcasecmp(a, "icmp")) {
				json_object_set_new(req, "protocol", json_string(a));
			} else if (strchr(a, ':') || strchr(a, '.')) {
				json_object_set_new(req, is_v6(a) ? "ipv6" : "ipv4", json_string(a));
			} else {
				json_decref(req);
				die_usage("session: '%s' is not a protocol, an address, offset N or limit N", a);
				return NULL;
			}
		}
		return req;
	}
	if (!strcmp(cmd, "eamt") || !strcmp(cmd, "denylist4")) {
		bool eamt = cmd[0] == 'e';

		if (!sub || !strcmp(sub, "list")) {
			NARGS(sub ? 1 : 0, "list takes no arguments");
			return json_pack("{s:s, s:s}", "command", cmd, "op", "list");
		}
		if (!strcmp(sub, "flush")) {
			NARGS(1, "flush takes no arguments");
			return json_pack("{s:s, s:s}", "command", cmd, "op", "flush");
		}
		if (strcmp(sub, "add") && strcmp(sub, "remove")) {
			die_usage("'%s' is not one of list, add, remove, flush", sub);
			return NULL;
		}
		req = json_pack("{s:s, s:s}", "command", cmd, "op", sub);
		if (!eamt) {
			NARGS(2, "denylist4 add/remove take one IPv4 prefix");
			json_object_set_new(req, "prefix", json_string(argv[1]));
			return req;
		}
		if (!strcmp(sub, "add")) {
			if (argc != 3) {
				json_decref(req);
				die_usage("%s", "eamt add takes an IPv6 prefix and an IPv4 prefix");
				return NULL;
			}
		} else if (argc != 2 && argc != 3) {
			json_decref(req);
			die_usage("%s", "eamt remove takes an IPv6 prefix, an IPv4 prefix, or both");
			return NULL;
		}
		for (int i = 1; i < argc; i++) {
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
	if (!strcmp(cmd, "ports")) {
		if (argc > 1) {
			die_usage("%s", "ports takes at most a port name");
			return NULL;
		}
		req = json_pack("{s:s, s:b}", "command", cmd, "xstats", o->xstats);
		if (argc == 1)
			json_object_set_new(req, "name", json_string(argv[0]));
		return req;
	}
	if (!strcmp(cmd, "neighbors")) {
		if (argc > 1) {
			die_usage("%s", "neighbors takes at most a port name");
			return NULL;
		}
		req = json_pack("{s:s}", "command", "neighbors");
		if (argc == 1)
			json_object_set_new(req, "port", json_string(argv[0]));
		return req;
	}
	if (!strcmp(cmd, "routes")) {
		if (!sub)
			return json_pack("{s:s}", "command", cmd);
		if (strcmp(sub, "lookup") || argc != 2) {
			die_usage("%s", "routes takes nothing, or 'lookup ADDRESS'");
			return NULL;
		}
		return json_pack("{s:s, s:s}", "command", cmd, "lookup", argv[1]);
	}
	if (!strcmp(cmd, "cgn")) {
		if (!sub || !strcmp(sub, "get")) {
			NARGS(sub ? 1 : 0, "cgn get takes no arguments");
			return json_pack("{s:s, s:s}", "command", cmd, "op", "get");
		}
		if (!strcmp(sub, "set")) {
			NARGS(2, "cgn set takes one JSON object, e.g. '{\"max-sessions\": 2000}'");
			return json_pack("{s:s, s:s, s:o}", "command", cmd, "op", "set", "cgn", value_arg(argv[1]));
		}
		if (!strcmp(sub, "who")) {
			char *end;
			long p = argc == 3 ? strtol(argv[2], &end, 10) : -1;
			if (argc != 3 || *end || p < 0 || p > 65535) {
				die_usage("%s", "cgn who takes an IPv4 address and a port (and, offline, a configuration file)");
				return NULL;
			}
			return json_pack("{s:s, s:s, s:s, s:i}", "command", cmd, "op", "who", "address", argv[1], "port",
					 (int)p);
		}
		die_usage("cgn: '%s' is not get, set or who", sub);
		return NULL;
	}
	if (!strcmp(cmd, "config")) {
		if (!sub || !strcmp(sub, "dump")) {
			if (argc > 2) {
				die_usage("%s", "config dump takes at most a file name");
				return NULL;
			}
			*dump_path = argc == 2 ? argv[1] : NULL;
			return json_pack("{s:s, s:s}", "command", cmd, "op", "dump");
		}
		if (!strcmp(sub, "reload")) {
			char abs[PATH_MAX];

			if (argc > 2) {
				die_usage("%s", "config reload takes at most a file name");
				return NULL;
			}
			req = json_pack("{s:s, s:s, s:b}", "command", cmd, "op", "reload", "dry-run", o->dry_run);
			/* the daemon has its own working directory: send an absolute path */
			if (argc == 2)
				json_object_set_new(req, "path", json_string(realpath(argv[1], abs) ? abs : argv[1]));
			return req;
		}
		die_usage("config: '%s' is not dump or reload", sub);
		return NULL;
	}
#undef NARGS
	die_usage("unknown command '%s'", cmd);
	return NULL;
}

/* "cgn who": one line, or the reply as JSON (with --json). */
static void print_who(const json_t *r)
{
	const json_t *s = json_object_get(r, "subscriber");

	if (json_is_string(s))
		printf("%s port %lld: subscriber %s (its range on that address: %s)\n", str(r, "address"),
		       (long long)json_integer_value(json_object_get(r, "port")), json_string_value(s),
		       str(r, "port range"));
	else
		printf("%s port %lld: nobody (outside every subscriber's range)\n", str(r, "address"),
		       (long long)json_integer_value(json_object_get(r, "port")));
}

/* Offline "cgn who ADDRESS PORT FILE": the configuration file answers (deterministic NAT, RFC 7422). */
static int who_offline(const struct opts *o, const char *addr, const char *port, const char *path)
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

/* Offline: load the file as xlat64d would, report the first problem or a summary. */
static int check_config(const struct opts *o, const char *path)
{
	struct appcfg *c = malloc(sizeof(*c));
	char err[1024], notes[4096];
	unsigned n6 = 0, n4 = 0;

	if (!c) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return EXIT_USAGE;
	}
	if (appcfg_load_file_noted(path, c, err, sizeof(err), notes, sizeof(notes)) != 0) {
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
		json_t *jn = json_array();

		/* the loader's notes (config_load.h), one string each */
		for (const char *l = notes; jn && *l;) {
			const char *e = strchr(l, '\n');
			size_t n = e ? (size_t)(e - l) : strlen(l);

			json_array_append_new(jn, json_stringn(l, n));
			l += n + (e ? 1 : 0);
		}
		if (j && jn && json_array_size(jn))
			json_object_set(j, "notes", jn);
		json_decref(jn);
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
		fputs(notes, stdout); /* the loader's notes: "PATH: note: ...", a line each */
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
		{ "all", no_argument, NULL, 'a' },	    { "per-core", no_argument, NULL, 'c' },
		{ "xstats", no_argument, NULL, 'x' },	    { "dry-run", no_argument, NULL, 'n' },
		{ "timeout", required_argument, NULL, 't' }, { "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },	    { NULL, 0, NULL, 0 },
	};
	struct opts o = { .socket = DEFAULT_SOCKET, .timeout_ms = 10000 };
	const char *env = getenv("XLAT64_SOCKET");
	const char *cmd, *dump_path = NULL;
	json_t *req;
	int c, rc;

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
	if (strcmp(cmd, "neighbours") == 0)
		cmd = "neighbors";
	if ((o.all || o.per_core) && strcmp(cmd, "stats") != 0)
		return die_usage("%s", "--all and --per-core go with stats");
	if (o.xstats && strcmp(cmd, "ports") != 0)
		return die_usage("%s", "--xstats goes with ports");
	if (o.dry_run && strcmp(cmd, "config") != 0)
		return die_usage("%s", "--dry-run goes with config reload");

	if (strcmp(cmd, "raw") == 0) {
		json_error_t je;

		if (optind + 1 != argc)
			return die_usage("%s", "raw takes exactly one argument, a JSON object");
		/* any JSON value, so that 42 or "stats" is told it is not an object, as the daemon would */
		req = json_loads(argv[optind], JSON_DECODE_ANY, &je);
		if (!req) {
			fprintf(stderr, "%s: raw: invalid JSON at column %d: %s\n", prog, je.column, je.text);
			return EXIT_USAGE;
		}
		if (!json_is_object(req)) {
			json_decref(req);
			return die_usage("%s", "raw: the request must be a JSON object");
		}
		return run(&o, req, "raw", NULL);
	}
	if (strcmp(cmd, "check") == 0) {
		if (optind + 1 != argc)
			return die_usage("%s", "check takes exactly one argument, a configuration file");
		return check_config(&o, argv[optind]);
	}
	if (strcmp(cmd, "cgn") == 0 && argc - optind == 4 && strcmp(argv[optind], "who") == 0)
		return who_offline(&o, argv[optind + 1], argv[optind + 2], argv[optind + 3]);
	req = build(&o, cmd, argc - optind, argv + optind, &dump_path, &rc);
	if (!req)
		return rc;
	return run(&o, req, cmd, dump_path);
}
