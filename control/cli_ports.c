/* SPDX-License-Identifier: BSD-3-Clause */
/* xlat64ctl's network commands: ports, neighbors, routes. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static json_t *build_ports(struct cli_ctx *c, int argc, char **argv)
{
	json_t *req = json_pack("{s:s, s:b}", "command", "ports", "xstats", c->o->xstats);

	if (req && argc == 1)
		json_object_set_new(req, "name", json_string(argv[0]));
	return req;
}

static int print_ports(struct cli_ctx *ctx, json_t *reply)
{
	static const char *const hdr[] = { "NAME", "ID", "DRIVER", "MAC", "MTU", "LINK", "RX-PKTS", "TX-PKTS",
					   "RX-BYTES", "TX-BYTES", "RX-PPS", "TX-PPS" };
	json_t *p;
	size_t i;
	struct table t;

	(void)ctx;
	tbl_init(&t, 12, hdr);
	for (unsigned c = 6; c < 12; c++)
		t.right[c] = true;
	t.right[1] = t.right[4] = true;
	json_array_foreach(json_object_get(reply, "ports"), i, p) {
		json_t *link = json_object_get(p, "link"), *rates = json_object_get(p, "rates");
		char id[16], mtu[16], lk[48], c[4][24], r[2][24];
		const char *keys[4] = { "rx-packets", "tx-packets", "rx-bytes", "tx-bytes" };

		snprintf(id, sizeof(id), "%lld", num(p, "port-id"));
		snprintf(mtu, sizeof(mtu), "%lld", num(p, "mtu"));
		if (json_is_true(json_object_get(link, "up")))
			snprintf(lk, sizeof(lk), "up %lldM/%s", num(link, "speed-mbps"), str(link, "duplex"));
		else
			snprintf(lk, sizeof(lk), "down");
		for (int k = 0; k < 4; k++)
			snprintf(c[k], sizeof(c[k]), "%lld", num(p, keys[k]));
		if (json_is_object(rates)) {
			human(json_real_value(json_object_get(rates, "rx-pps")), r[0], sizeof(r[0]));
			human(json_real_value(json_object_get(rates, "tx-pps")), r[1], sizeof(r[1]));
		} else {
			snprintf(r[0], sizeof(r[0]), "-");
			snprintf(r[1], sizeof(r[1]), "-");
		}
		char drv[64];
		if (json_object_get(p, "vlan")) /* a VLAN sub-interface: where its frames go */
			snprintf(drv, sizeof(drv), "vlan %lld of %s", num(p, "vlan"), str(p, "parent"));
		else
			snprintf(drv, sizeof(drv), "%s", str(p, "driver"));
		const char *row[12] = { str(p, "name"), id, drv, str(p, "mac"), mtu, lk, c[0], c[1], c[2], c[3],
					r[0], r[1] };
		tbl_row(&t, row);
	}
	tbl_print(&t, "");
	json_array_foreach(json_object_get(reply, "ports"), i, p) {
		if (!json_is_object(json_object_get(p, "xstats")))
			continue;
		printf("\n%s (port %lld) extended statistics:\n", str(p, "name"), num(p, "port-id"));
		print_members(json_object_get(p, "xstats"), "XSTAT", "VALUE", true, "  ");
	}
	return EXIT_OK;
}

static json_t *build_neighbors(struct cli_ctx *c, int argc, char **argv)
{
	json_t *req = json_pack("{s:s}", "command", "neighbors");

	(void)c;
	if (req && argc == 1)
		json_object_set_new(req, "port", json_string(argv[0]));
	return req;
}

static int print_neighbors(struct cli_ctx *ctx, json_t *reply)
{
	static const struct cli_col cols[] = {
		{ "PORT", "port", false }, { "ADDRESS", "address", false }, { "MAC", "mac", false }, { "TYPE", "type", false }
	};

	(void)ctx;
	print_rows(json_object_get(reply, "neighbors"), cols, 4, true);
	printf("%lld entries\n", num(reply, "count"));
	return EXIT_OK;
}

/* "routes" alone: the table; "routes lookup ADDRESS": the route to it */
static json_t *build_routes(struct cli_ctx *c, int argc, char **argv)
{
	(void)argc;
	if (c->bare)
		return json_pack("{s:s}", "command", "routes");
	return json_pack("{s:s, s:s}", "command", "routes", "lookup", argv[0]);
}

static int print_routes(struct cli_ctx *ctx, json_t *reply)
{
	static const struct cli_col cols[] = {
		{ "PREFIX", "prefix", false }, { "VIA", "via", false }, { "PORT", "port", false }, { "TYPE", "type", false }
	};
	json_t *r = json_object_get(reply, "route");

	(void)ctx;
	if (!r) {
		print_rows(json_object_get(reply, "routes"), cols, 4, false);
		return EXIT_OK;
	}
	if (json_is_string(json_object_get(r, "via")))
		printf("%s: %s via %s, port %s (%s)\n", str(reply, "lookup"), str(r, "prefix"), str(r, "via"),
		       str(r, "port"), str(r, "type"));
	else
		printf("%s: %s directly connected, port %s (%s)\n", str(reply, "lookup"), str(r, "prefix"), str(r, "port"),
		       str(r, "type"));
	return EXIT_OK;
}

const struct cli_cmd cli_ports_cmds[] = {
	{ .cmd = "ports", .args = { { "[NAME]", ARG_PORT } }, .max_args = 1, .usage = "ports takes at most a port name",
	  .opts = OPT_XSTATS, .help = "link, counters, rates (and DPDK xstats)", .build = build_ports,
	  .print = print_ports },
	{ .cmd = "neighbors", .args = { { "[PORT]", ARG_PORT } }, .max_args = 1,
	  .usage = "neighbors takes at most a port name", .help = "the neighbour table (ARP/ND)",
	  .build = build_neighbors, .print = print_neighbors },
	{ .cmd = "routes", .sub = "lookup", .flags = CLI_DEFAULT | CLI_SHOW_DEFAULT, .args = { { "ADDRESS", ARG_ANY } },
	  .min_args = 1, .max_args = 1, .usage = "routes takes nothing, or 'lookup ADDRESS'",
	  .bad_sub = "routes takes nothing, or 'lookup ADDRESS'", .help = "the routing table, or the route to ADDRESS",
	  .build = build_routes, .print = print_routes },
	{ .cmd = NULL },
};
