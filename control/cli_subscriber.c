/* SPDX-License-Identifier: BSD-3-Clause */
/* xlat64ctl subscriber: one subscriber's NAT64 state, its sessions and BIB entries, the top subscribers (issue 19). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"

/*
 * The words after the prefix, in any order: a protocol, offset N, limit N; for top also /LEN (the
 * subscribers' prefix length) and an IPv6 prefix to look within.
 */
static json_t *build(struct cli_ctx *c, int argc, char **argv, bool top)
{
	json_t *req = json_pack("{s:s, s:s}", "command", "subscriber", "op", c->cmd->sub);

	for (int i = 0; req && i < argc; i++) {
		const char *a = argv[i];
		char *end;
		int pw = page_word(req, top ? "subscriber top" : "subscriber", argc, argv, &i);

		if (pw < 0) {
			json_decref(req);
			return NULL;
		} else if (pw > 0 || proto_word(req, a)) {
			continue;
		} else if (top && a[0] == '/' && a[1]) {
			long long v = strtoll(a + 1, &end, 10);
			if (*end || v < 0) {
				json_decref(req);
				die_usage("subscriber top: '%s' is not /LENGTH", a);
				return NULL;
			}
			json_object_set_new(req, "prefix-length", json_integer(v));
		} else if (strchr(a, ':') && !json_object_get(req, "prefix")) {
			json_object_set_new(req, "prefix", json_string(a));
		} else {
			json_decref(req);
			die_usage(top ? "subscriber top: '%s' is not /LENGTH, an IPv6 prefix, a protocol, offset N or limit N"
				      : "subscriber: '%s' is not an IPv6 prefix, a protocol, offset N or limit N",
				  a);
			return NULL;
		}
	}
	if (req && !top && !json_object_get(req, "prefix")) {
		json_decref(req);
		die_usage("%s", "subscriber: which one? Give its IPv6 prefix (a host: its address)");
		return NULL;
	}
	return req;
}

static json_t *build_one(struct cli_ctx *c, int argc, char **argv)
{
	return build(c, argc, argv, false);
}

static json_t *build_top(struct cli_ctx *c, int argc, char **argv)
{
	return build(c, argc, argv, true);
}

/* A row: name, then TCP, UDP, ICMP, total of by. */
static void proto_row(struct table *t, const char *name, const json_t *by)
{
	char v[4][24];
	const char *row[5] = { name, v[0], v[1], v[2], v[3] };
	static const char *const k[] = { "tcp", "udp", "icmp", "total" };

	for (int i = 0; i < 4; i++)
		snprintf(v[i], sizeof(v[i]), "%lld", num(by, k[i]));
	tbl_row(t, row);
}

static void print_cgn(const json_t *g)
{
	const json_t *d = json_object_get(g, "deterministic");
	const json_t *h = json_object_get(g, "limit-hits");

	printf("\nCGN subscriber %s (worker %lld)%s: %lld sessions; flows its limits refused: TCP %lld, UDP %lld, "
	       "ICMP %lld\n", str(g, "subscriber"), num(g, "worker"),
	       json_is_true(json_object_get(g, "found")) ? "" : ", no state held", num(g, "sessions"), num(h, "tcp"),
	       num(h, "udp"), num(h, "icmp"));
	if (json_array_size(json_object_get(g, "blocks"))) {
		static const struct cli_col cols[] = { { "BLOCK ADDRESS", "address", false }, { "PROTOCOL", "protocol", false },
						       { "PORTS", "ports", false }, { "SIZE", "size", true },
						       { "USED", "used", true } };
		print_rows(json_object_get(g, "blocks"), cols, 5, false);
		if (num(g, "blocks-total") > (long long)json_array_size(json_object_get(g, "blocks")))
			printf("(%lld blocks in all)\n", num(g, "blocks-total"));
	}
	if (d)
		printf("deterministic NAT: %s ports %s (%lld)\n", str(d, "address"), str(d, "port range"), num(d, "ports"));
}

static int print_show(struct cli_ctx *c, json_t *r)
{
	static const char *const hdr[5] = { "", "TCP", "UDP", "ICMP", "TOTAL" };
	static const struct cli_col cols[] = { { "POOL4 ADDRESS", "address", false }, { "PROTOCOL", "protocol", false },
					       { "PORTS HELD", "used", true } };
	struct table t;
	char *w = json_dumps(json_object_get(r, "workers"), JSON_COMPACT);

	(void)c;
	printf("subscriber %s (workers %s)\n", str(r, "prefix"), w ? w : "?");
	free(w);
	tbl_init(&t, 5, hdr);
	for (int i = 1; i < 5; i++)
		t.right[i] = true;
	proto_row(&t, "sessions", json_object_get(r, "sessions"));
	proto_row(&t, "BIB", json_object_get(r, "bib"));
	tbl_print(&t, "");
	if (json_array_size(json_object_get(r, "pool4"))) {
		putchar('\n');
		print_rows(json_object_get(r, "pool4"), cols, 3, false);
	}
	if (json_is_object(json_object_get(r, "cgn")))
		print_cgn(json_object_get(r, "cgn"));
	return EXIT_OK;
}

/* "... 1-20 of 57 (more: offset N)" */
static void page_footer(const json_t *r, const char *what)
{
	long long off = num(r, "offset"), cnt = num(r, "count");

	if (cnt)
		printf("%s %lld-%lld of %lld%s\n", what, off + 1, off + cnt, num(r, "total"),
		       json_is_true(json_object_get(r, "more")) ? " (more: offset N)" : "");
	else
		printf("no %s (of %lld)\n", what, num(r, "total"));
}

static int print_bib(struct cli_ctx *c, json_t *r)
{
	static const char *const hdr[5] = { "PROTOCOL", "IPV6 ADDRESS", "IPV4 ADDRESS", "KIND", "WORKER" };
	const json_t *list = json_object_get(r, "bib");
	struct table t;
	json_t *e;
	size_t i;

	(void)c;
	tbl_init(&t, 5, hdr);
	json_array_foreach(list, i, e) {
		char w[16];
		snprintf(w, sizeof(w), "%lld", num(e, "worker"));
		const char *row[5] = { str(e, "protocol"), str(e, "ipv6 address"), str(e, "ipv4 address"),
				       json_is_true(json_object_get(e, "static")) ? "static" : "dynamic", w };
		tbl_row(&t, row);
	}
	tbl_print(&t, json_array_size(list) ? "" : "# ");
	page_footer(r, "BIB entries");
	return EXIT_OK;
}

static int print_top(struct cli_ctx *c, json_t *r)
{
	static const char *const hdr[9] = { "PREFIX", "SESSIONS", "TCP", "UDP", "ICMP", "BIB", "TCP", "UDP", "ICMP" };
	const json_t *list = json_object_get(r, "subscribers");
	struct table t;
	json_t *e;
	size_t i;

	(void)c;
	tbl_init(&t, 9, hdr);
	for (int k = 1; k < 9; k++)
		t.right[k] = true;
	json_array_foreach(list, i, e) {
		char v[8][24];
		const char *row[9] = { str(e, "prefix"), v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7] };
		static const char *const k[] = { "total", "tcp", "udp", "icmp" };
		for (int j = 0; j < 4; j++) {
			snprintf(v[j], sizeof(v[j]), "%lld", num(json_object_get(e, "sessions"), k[j]));
			snprintf(v[4 + j], sizeof(v[4 + j]), "%lld", num(json_object_get(e, "bib"), k[j]));
		}
		tbl_row(&t, row);
	}
	tbl_print(&t, json_array_size(list) ? "" : "# ");
	char what[48];
	snprintf(what, sizeof(what), "subscribers (/%lld)", num(r, "prefix-length"));
	page_footer(r, what);
	return EXIT_OK;
}

const struct cli_cmd cli_subscriber_cmds[] = {
	{ .cmd = "subscriber", .sub = "show", .flags = CLI_DEFAULT | CLI_SHOW_DEFAULT | CLI_BARE_ARGS,
	  .args = { { "PREFIX", ARG_ANY } }, .min_args = 1, .max_args = 1, .usage = "subscriber [show] takes PREFIX",
	  .help = "one subscriber (an IPv6 prefix; a host: its address):\nsessions, BIB entries, pool4 ports, CGN "
		  "blocks and limit hits",
	  .build = build_one, .print = print_show },
	{ .cmd = "subscriber", .sub = "sessions",
	  .args = { { "PREFIX", ARG_ANY }, { "[PROTO]", ARG_PROTO }, { "[offset N]", ARG_ANY }, { "[limit N]", ARG_ANY } },
	  .min_args = 1, .max_args = 6, .usage = "subscriber sessions takes PREFIX [PROTO] [offset N] [limit N]",
	  .help = "its sessions (100 per page by default)", .build = build_one, .print = cli_print_sessions },
	{ .cmd = "subscriber", .sub = "bib",
	  .args = { { "PREFIX", ARG_ANY }, { "[PROTO]", ARG_PROTO }, { "[offset N]", ARG_ANY }, { "[limit N]", ARG_ANY } },
	  .min_args = 1, .max_args = 6, .usage = "subscriber bib takes PREFIX [PROTO] [offset N] [limit N]",
	  .help = "its BIB entries (100 per page by default)", .build = build_one, .print = print_bib },
	{ .cmd = "subscriber", .sub = "top",
	  .args = { { "[/LEN]", ARG_ANY }, { "[PREFIX]", ARG_ANY }, { "[PROTO]", ARG_PROTO }, { "[offset N]", ARG_ANY },
		    { "[limit N]", ARG_ANY } },
	  .max_args = 8, .usage = "subscriber top takes [/LEN] [PREFIX] [PROTO] [offset N] [limit N]",
	  .help = "subscribers by sessions (prefixes of /LEN: the CGN\nsubscriber length, else 56; 20 per page)",
	  .build = build_top, .print = print_top },
	{ .cmd = NULL },
};
