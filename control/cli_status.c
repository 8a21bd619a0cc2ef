/* SPDX-License-Identifier: BSD-3-Clause */
/* xlat64ctl nat64 status: the NAT64 tables' occupancy, pool4 usage per address, the limits hit (issue 19). */
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* One row of sessions or BIB entries: its name, TCP, UDP, ICMP, total (and of max, how full). */
static void occ_row(struct table *t, const char *name, const json_t *by, long long max)
{
	char v[6][32];
	const char *row[6] = { name, v[1], v[2], v[3], v[4], v[5] };

	snprintf(v[1], sizeof(v[1]), "%lld", num(by, "tcp"));
	snprintf(v[2], sizeof(v[2]), "%lld", num(by, "udp"));
	snprintf(v[3], sizeof(v[3]), "%lld", num(by, "icmp"));
	snprintf(v[4], sizeof(v[4]), "%lld", num(by, "total"));
	if (max > 0)
		snprintf(v[5], sizeof(v[5]), "%lld (%.1f%%)", max, 100.0 * (double)num(by, "total") / (double)max);
	else
		snprintf(v[5], sizeof(v[5]), "-");
	tbl_row(t, row);
}

/* SESSIONS or BIB: a row per worker, then all of them. */
static void occupancy(const json_t *r, const char *what, const char *key)
{
	const char *hdr[6] = { what, "TCP", "UDP", "ICMP", "TOTAL", "OF MAX" };
	struct table t;
	json_t *w;
	size_t i;
	char name[32];
	bool sess = !strcmp(key, "sessions");

	tbl_init(&t, 6, hdr);
	for (unsigned c = 1; c < 6; c++)
		t.right[c] = true;
	json_array_foreach(json_object_get(r, "workers"), i, w) {
		snprintf(name, sizeof(name), "worker %lld", num(w, "worker"));
		occ_row(&t, name, json_object_get(w, key), sess ? num(w, "max-sessions") : 0);
	}
	occ_row(&t, "all", json_object_get(r, key), sess ? num(r, "max-sessions") : 0);
	tbl_print(&t, "");
}

static void pool4(const json_t *r)
{
	const char *hdr[5] = { "POOL4 ADDRESS", "PROTOCOL", "USED", "PORTS", "USE" };
	const json_t *list = json_object_get(r, "pool4");
	struct table t;
	json_t *e;
	size_t i;

	tbl_init(&t, 5, hdr);
	t.right[2] = t.right[3] = t.right[4] = true;
	json_array_foreach(list, i, e) {
		char u[24], p[24], pc[24];
		const char *row[5] = { str(e, "address"), str(e, "protocol"), u, p, pc };
		snprintf(u, sizeof(u), "%lld", num(e, "used"));
		snprintf(p, sizeof(p), "%lld", num(e, "ports"));
		snprintf(pc, sizeof(pc), "%.1f%%", num(e, "ports") ? 100.0 * (double)num(e, "used") / (double)num(e, "ports") : 0);
		tbl_row(&t, row);
	}
	tbl_print(&t, json_array_size(list) ? "" : "# ");
	if (!json_is_true(json_object_get(r, "pool4-complete")))
		printf("(pool4 has %lld address/protocol pairs: those with ports held are listed)\n",
		       num(r, "pool4-addresses"));
	if (num(r, "pool4-uncounted"))
		printf("(%lld BIB entries are counted in their protocol but not per address: more addresses than "
		       "the workers count)\n", num(r, "pool4-uncounted"));
}

static int print_status(struct cli_ctx *c, json_t *r)
{
	const char *k;
	json_t *v;
	bool first = true;

	(void)c;
	occupancy(r, "SESSIONS", "sessions");
	putchar('\n');
	occupancy(r, "BIB", "bib");
	putchar('\n');
	pool4(r);
	printf("\nlimits hit (flows refused):");
	json_object_foreach(json_object_get(r, "limits"), k, v) {
		printf("%s %s %lld", first ? "" : ",", k, (long long)json_integer_value(v));
		first = false;
	}
	putchar('\n');
	return EXIT_OK;
}

const struct cli_cmd cli_status_cmds[] = {
	{ .cmd = "nat64", .sub = "status", .flags = CLI_DEFAULT | CLI_SHOW_DEFAULT, .max_args = 0,
	  .usage = "nat64 status takes no arguments", .bad_sub = "nat64: '%s' is not status",
	  .help = "NAT64 tables: sessions and BIB entries per worker and\nprotocol, pool4 ports held per address, limits hit",
	  .build = cli_build_op, .print = print_status },
	{ .cmd = NULL },
};
