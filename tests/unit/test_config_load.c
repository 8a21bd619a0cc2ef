/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * control/config_load.c: valid files load with the right values; each
 * invalid file is refused with a message that names the field and the reason.
 *
 * Optional argument: paths of configuration files that must load (the
 * examples in config/).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <cmocka.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "appcfg.h"
#include "config_load.h"
#include "icmp_map.h" /* icmp_mtu46(): what the translator makes of the plateaus */

static char err[512];

/* The head of a NAT64 file, whose options are checked there (without "mode" they are refused). */
#define N64 "{\"mode\": \"nat64\", \"global\": {\"pool6\": \"64:ff9b::/96\", "

static struct appcfg *load(const char *json)
{
	struct appcfg *c = malloc(sizeof(*c));

	assert_non_null(c);
	if (appcfg_load_string(json, strlen(json), "t.json", c, err, sizeof(err)) != 0)
		fail_msg("expected success, got: %s", err);
	return c;
}

static void release(struct appcfg *c)
{
	appcfg_free(c);
	free(c);
}

static uint32_t v4(const char *s)
{
	uint32_t a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a;
}

static void assert_v6(const uint8_t *got, const char *s)
{
	uint8_t a[16];

	assert_int_equal(inet_pton(AF_INET6, s, a), 1);
	assert_memory_equal(got, a, 16);
}

/* --------------------------------------------------------------- valid */

static void test_defaults(void **state)
{
	struct appcfg *c = load("{}");

	(void)state;
	assert_int_equal(c->xlat.mode, XLAT_MODE_SIIT);
	assert_string_equal(c->control_socket, "/run/xlat64/control.sock");
	assert_int_equal(c->mbufs_per_port, 8191);
	assert_int_equal(c->idle_sleep_us, 0);
	assert_int_equal(c->n_ports, 0);
	assert_int_equal(c->n_routes, 0);
	assert_int_equal(c->n_eal_args, 0);
	/* Jool 4.1 defaults */
	assert_true(c->xlat.g.manually_enabled);
	assert_false(c->xlat.g.pool6_set);
	assert_int_equal(c->xlat.g.lowest_ipv6_mtu, 1280);
	assert_false(c->xlat.g.zeroize_traffic_class);
	assert_false(c->xlat.g.override_tos);
	assert_int_equal(c->xlat.g.tos, 0);
	assert_int_equal(c->xlat.g.n_plateaus, 11);
	assert_int_equal(c->xlat.g.mtu_plateaus[0], 65535);
	assert_int_equal(c->xlat.g.mtu_plateaus[10], 68);
	assert_false(c->xlat.g.amend_udp_checksum_zero);
	assert_int_equal(c->xlat.g.eam_hairpin_mode, EAM_HAIRPIN_INTRINSIC);
	assert_true(c->xlat.g.randomize_rfc6791);
	assert_false(c->xlat.g.rfc6791v4_set);
	assert_false(c->xlat.g.rfc6791v6_set);
	assert_int_equal(c->xlat.eamt.n, 0);
	assert_int_equal(c->xlat.n_denylist4, 0);
	release(c);
}

static const char full_config[] = "{\n"
	"  \"comment\": \"everything\",\n"
	"  \"mode\": \"siit\", \"instance\": \"default\", \"framework\": \"netfilter\",\n"
	"  \"eal\": [\"-l\", \"0,1\", \"--in-memory\"],\n"
	"  \"ports\": [\n"
	"    {\"name\": \"v6\", \"device\": \"net_af_packet0,iface=p6\", \"mtu\": 1500, \"mac\": \"02:00:00:00:00:06\",\n"
	"     \"addresses\": [\"2001:db8:6::1/64\", \"fe80::1/64\"],\n"
	"     \"neighbors\": [{\"address\": \"2001:db8:6::2\", \"mac\": \"02:00:00:00:01:06\", \"comment\": \"host\"}]},\n"
	"    {\"name\": \"v4\", \"device\": \"net_pcap1,rx_pcap=in4.pcap,tx_pcap=out4.pcap\", \"mtu\": 576,\n"
	"     \"addresses\": [\"198.51.100.1/24\"]}\n"
	"  ],\n"
	"  \"routes\": [{\"prefix\": \"203.0.113.0/24\", \"via\": \"198.51.100.2\", \"port\": \"v4\"},\n"
	"             {\"prefix\": \"2001:db8:7::/48\", \"port\": \"v6\"},\n"
	"             {\"prefix\": \"0.0.0.0/0\", \"via\": \"198.51.100.254\", \"port\": \"v4\"}],\n"
	"  \"control\": {\"socket\": \"/tmp/xlat-test.sock\"},\n"
	"  \"dataplane\": {\"mbufs-per-port\": 4095, \"idle-sleep-us\": 10},\n"
	"  \"global\": {\"pool6\": \"64:ff9b::/96\", \"lowest-ipv6-mtu\": 1400, \"amend-udp-checksum-zero\": true,\n"
	"     \"rfc6791v4-prefix\": \"203.0.113.8\", \"rfc6791v6-prefix\": \"2001:db8:ffff::/64\",\n"
	"     \"mtu-plateaus\": [1280, 1500, 1500, 9000], \"eam-hairpin-mode\": \"simple\", \"tos\": 7,\n"
	"     \"override-tos\": true, \"zeroize-traffic-class\": true, \"randomize-rfc6791-addresses\": false,\n"
	"     \"manually-enabled\": false, \"icmp-errors-per-sec\": 50, \"logging-debug\": true,\n"
	"     \"tcp-est-timeout\": \"2:00:00\", \"tcp-trans-timeout\": \"0:04:00\", \"udp-timeout\": \"0:05:00.500\",\n"
	"     \"icmp-timeout\": \"60\", \"f-args\": 11, \"maximum-simultaneous-opens\": 10, \"ss-enabled\": false,\n"
	"     \"comment\": \"globals\"},\n"
	"  \"eamt\": [{\"ipv6 prefix\": \"2001:db8:6::2/128\", \"ipv4 prefix\": \"192.0.2.2/32\"},\n"
	"           {\"ipv6 prefix\": \"2001:db8:3::/120\", \"ipv4 prefix\": \"1.0.0.0/24\", \"comment\": \"x\"}],\n"
	"  \"denylist4\": [\"198.51.100.0/24\", \"192.0.2.128/25\"]\n"
	"}\n";

static void test_full(void **state)
{
	struct appcfg *c = load(full_config);
	const struct xlat_globals *g = &c->xlat.g;
	uint32_t a;

	(void)state;
	/* eal */
	assert_int_equal(c->n_eal_args, 3);
	assert_string_equal(c->eal_args[0], "-l");
	assert_string_equal(c->eal_args[1], "0,1");
	assert_string_equal(c->eal_args[2], "--in-memory");
	/* ports */
	assert_int_equal(c->n_ports, 2);
	assert_string_equal(c->ports[0].name, "v6");
	assert_string_equal(c->ports[0].device, "net_af_packet0,iface=p6");
	assert_int_equal(c->ports[0].mtu, 1500);
	assert_true(c->ports[0].mac_set);
	assert_memory_equal(c->ports[0].mac, "\x02\x00\x00\x00\x00\x06", 6);
	assert_int_equal(c->ports[0].n_addrs, 2);
	assert_int_equal(c->ports[0].addrs[0].family, 6);
	assert_int_equal(c->ports[0].addrs[0].plen, 64);
	assert_v6(c->ports[0].addrs[0].addr, "2001:db8:6::1");
	assert_v6(c->ports[0].addrs[1].addr, "fe80::1");
	assert_int_equal(c->ports[0].n_neigh, 1);
	assert_int_equal(c->ports[0].neigh[0].family, 6);
	assert_v6(c->ports[0].neigh[0].addr, "2001:db8:6::2");
	assert_memory_equal(c->ports[0].neigh[0].mac, "\x02\x00\x00\x00\x01\x06", 6);
	assert_string_equal(c->ports[1].name, "v4");
	assert_int_equal(c->ports[1].mtu, 576); /* IPv4-only port: below 1280 is fine */
	assert_false(c->ports[1].mac_set);
	assert_int_equal(c->ports[1].n_addrs, 1);
	assert_int_equal(c->ports[1].addrs[0].family, 4);
	assert_int_equal(c->ports[1].addrs[0].plen, 24);
	memcpy(&a, c->ports[1].addrs[0].addr, 4);
	assert_int_equal(a, v4("198.51.100.1"));
	assert_int_equal(c->ports[1].n_neigh, 0);
	/* routes */
	assert_int_equal(c->n_routes, 3);
	assert_int_equal(c->routes[0].family, 4);
	assert_int_equal(c->routes[0].plen, 24);
	memcpy(&a, c->routes[0].prefix, 4);
	assert_int_equal(a, v4("203.0.113.0"));
	assert_true(c->routes[0].via_set);
	memcpy(&a, c->routes[0].via, 4);
	assert_int_equal(a, v4("198.51.100.2"));
	assert_int_equal(c->routes[0].port, 1);
	assert_int_equal(c->routes[1].family, 6);
	assert_int_equal(c->routes[1].plen, 48);
	assert_v6(c->routes[1].prefix, "2001:db8:7::");
	assert_false(c->routes[1].via_set);
	assert_int_equal(c->routes[1].port, 0);
	assert_int_equal(c->routes[2].plen, 0);
	/* control, dataplane */
	assert_string_equal(c->control_socket, "/tmp/xlat-test.sock");
	assert_int_equal(c->mbufs_per_port, 4095);
	assert_int_equal(c->idle_sleep_us, 10);
	/* globals */
	assert_true(g->pool6_set);
	assert_int_equal(g->pool6.len, 96);
	assert_v6(g->pool6.addr, "64:ff9b::");
	assert_int_equal(g->lowest_ipv6_mtu, 1400);
	assert_true(g->amend_udp_checksum_zero);
	assert_true(g->rfc6791v4_set);
	assert_int_equal(g->rfc6791v4.addr, v4("203.0.113.8"));
	assert_int_equal(g->rfc6791v4.len, 32);
	assert_true(g->rfc6791v6_set);
	assert_int_equal(g->rfc6791v6.len, 64);
	assert_v6(g->rfc6791v6.addr, "2001:db8:ffff::");
	assert_int_equal(g->n_plateaus, 3); /* sorted, deduplicated */
	assert_int_equal(g->mtu_plateaus[0], 9000);
	assert_int_equal(g->mtu_plateaus[1], 1500);
	assert_int_equal(g->mtu_plateaus[2], 1280);
	assert_int_equal(g->eam_hairpin_mode, EAM_HAIRPIN_SIMPLE);
	assert_int_equal(g->tos, 7);
	assert_true(g->override_tos);
	assert_true(g->zeroize_traffic_class);
	assert_false(g->randomize_rfc6791);
	assert_false(g->manually_enabled);
	assert_int_equal(g->icmp_errors_per_sec, 50);
	/* eamt, denylist4 */
	assert_int_equal(c->xlat.eamt.n, 2);
	assert_true(eamt_has4(&c->xlat.eamt, v4("192.0.2.2")));
	assert_true(eamt_has4(&c->xlat.eamt, v4("1.0.0.77")));
	assert_false(eamt_has4(&c->xlat.eamt, v4("1.0.1.0")));
	assert_int_equal(c->xlat.n_denylist4, 2);
	assert_int_equal(c->xlat.denylist4[0].addr, v4("198.51.100.0"));
	assert_int_equal(c->xlat.denylist4[0].len, 24);
	assert_int_equal(c->xlat.denylist4[1].len, 25);
	release(c);
}

/* A file written for Jool (`jool_siit file handle`) loads: key case, old names, null prefixes. */
static void test_jool_file(void **state)
{
	struct appcfg *c = load("{ \"instance\": \"default\", \"framework\": \"iptables\",\n"
				"  \"global\": { \"pool6\": \"64:ff9b::/96\", \"rfc6791v4-prefix\": null,\n"
				"    \"rfc6791v6-prefix\": \"null\", \"eam-hairpin-mode\": \"off\" },\n"
				"  \"EAMT\": [ { \"IPv6 Prefix\": \"2001:db8:3::/120\", \"IPv4 Prefix\": \"1.0.0.0/24\" } ],\n"
				"  \"blacklist4\": [ \"192.0.2.0/24\" ] }");

	(void)state;
	assert_true(c->xlat.g.pool6_set);
	assert_false(c->xlat.g.rfc6791v4_set);
	assert_false(c->xlat.g.rfc6791v6_set);
	assert_int_equal(c->xlat.g.eam_hairpin_mode, EAM_HAIRPIN_OFF);
	assert_int_equal(c->xlat.eamt.n, 1);
	assert_int_equal(c->xlat.n_denylist4, 1);
	release(c);
}

/*
 * Jool allows any number of "comment" members in every object, of any type
 * (docs/en/config-atomic.md); its own examples repeat them at the top level
 * and put compound comments in entries. What a comment holds is not looked at,
 * repeated keys inside it included.
 */
static void test_comments(void **state)
{
	struct appcfg *c = load("{ \"comment\": \"one\", \"mode\": \"siit\", \"COMMENT\": [\"two\"],\n"
				"  \"global\": { \"comment\": 1, \"pool6\": \"64:ff9b::/96\", \"Comment\": null, \"comment\": {} },\n"
				"  \"comment\": { \"text\": \"three\", \"text\": \"again\", \"x\": [{\"y\": 1, \"y\": 2}] },\n"
				"  \"eamt\": [ { \"comment\": \"a\", \"ipv6 prefix\": \"2001:db8::/128\", \"comment\": \"b\",\n"
				"              \"ipv4 prefix\": \"192.0.2.1\" } ],\n"
				"  \"ports\": [ { \"comment\": 1, \"name\": \"a\", \"device\": \"d\", \"comment\": 2,\n"
				"               \"neighbors\": [ { \"address\": \"192.0.2.9\", \"comment\": \"x\",\n"
				"                               \"mac\": \"02:00:00:00:00:01\", \"comment\": \"y\" } ] } ] }");

	(void)state;
	assert_true(c->xlat.g.pool6_set);
	assert_int_equal(c->xlat.eamt.n, 1);
	assert_int_equal(c->n_ports, 1);
	assert_int_equal(c->ports[0].n_neigh, 1);
	release(c);
}

/*
 * mtu-plateaus as Jool takes them (any 16-bit values but all zeros; Jool's
 * own examples use [1, 2, 3, 4, 5, 6]): sorted, zeros and duplicates
 * dropped. Small plateaus only lower the guess for a Fragmentation Needed
 * without MTU: the translated Packet Too Big still never says less than 1280
 * (RFC 8200 5, RFC 7915 4.2).
 */
static void test_plateaus_jool(void **state)
{
	struct appcfg *c = load("{\"global\": {\"mtu-plateaus\": [1, 2, 3, 4, 5, 6]}}");
	const struct xlat_globals *g = &c->xlat.g;

	(void)state;
	assert_int_equal(g->n_plateaus, 6);
	assert_int_equal(g->mtu_plateaus[0], 6);
	assert_int_equal(g->mtu_plateaus[5], 1);
	/* MTU field 0, a 1500-byte packet quoted, 1500 both ways: plateau 6 -> 26 -> the IPv6 minimum */
	assert_int_equal(icmp_mtu46(g, 0, 1500, 1500, 1500), 1280);
	/* nothing below the quoted length 1: the last resort 68 -> 1280 */
	assert_int_equal(icmp_mtu46(g, 0, 1, 1500, 1500), 1280);
	release(c);

	c = load("{\"global\": {\"mtu-plateaus\": [0, 1500, 0, 1500, 9000]}}");
	g = &c->xlat.g;
	assert_int_equal(g->n_plateaus, 2);
	assert_int_equal(g->mtu_plateaus[0], 9000);
	assert_int_equal(g->mtu_plateaus[1], 1500);
	assert_int_equal(icmp_mtu46(g, 0, 4000, 9000, 9000), 1520);
	release(c);
}

/*
 * The mode of a file that names none is SIIT. A NAT64-only option (or pool4,
 * bib, cgn) in such a file is refused with what to add; with "mode": "siit"
 * written, NAT64 options are checked and ignored, as jool_siit ignores them.
 * A file that loads as SIIT by default and holds nothing only a SIIT has
 * (Jool's minimal NAT64 example is one) gets a note saying so.
 */
static void test_mode_default(void **state)
{
	static const struct {
		const char *json;
		bool note; /* the "no mode" note expected */
	} cases[] = {
		{ "{\"instance\": \"nat64-minimal\", \"framework\": \"netfilter\", \"global\": {\"pool6\": \"64:ff9b::/96\"}}", true },
		{ "{}", true },
		{ "{\"global\": {\"tos\": 1, \"mtu-plateaus\": [1500]}}", true },
		{ "{\"eamt\": [{\"ipv6 prefix\": \"2001:db8::/128\", \"ipv4 prefix\": \"192.0.2.1\"}]}", false },
		{ "{\"denylist4\": [\"192.0.2.0/24\"]}", false },
		{ "{\"blacklist4\": [\"192.0.2.0/24\"]}", false },
		{ "{\"global\": {\"pool6\": \"64:ff9b::/96\", \"eam-hairpin-mode\": \"off\"}}", false },
		{ "{\"mode\": \"siit\", \"global\": {\"pool6\": \"64:ff9b::/96\", \"udp-timeout\": \"0:05:00\"}}", false },
		{ "{\"mode\": \"nat64\", \"global\": {\"pool6\": \"64:ff9b::/96\"}}", false },
	};
	char path[] = "/tmp/test_config_load_XXXXXX", notes[1024];
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		FILE *f = fopen(path, "w");
		struct appcfg *c = malloc(sizeof(*c));

		assert_non_null(f);
		assert_non_null(c);
		fputs(cases[i].json, f);
		fclose(f);
		memset(notes, 'x', sizeof(notes));
		if (appcfg_load_file_noted(path, c, err, sizeof(err), notes, sizeof(notes)) != 0)
			fail_msg("case %zu: refused: %s", i, err);
		if (cases[i].note) {
			char expect[256];

			snprintf(expect, sizeof(expect), "%s: note: no \"mode\": loaded as SIIT, the default. A file written "
				 "for Jool's NAT64 (the jool command, not jool_siit) needs \"mode\": \"nat64\" added\n", path);
			if (strcmp(notes, expect) != 0)
				fail_msg("case %zu: notes:\n%s\nexpected:\n%s", i, notes, expect);
		} else if (notes[0]) {
			fail_msg("case %zu: unexpected notes: %s", i, notes);
		}
		release(c);
	}
	/* a refused file has an error, no notes; a tiny notes buffer takes no cut line */
	{
		FILE *f = fopen(path, "w");
		struct appcfg c;

		assert_non_null(f);
		fputs("{\"pool4\": []}", f);
		fclose(f);
		memset(notes, 'x', sizeof(notes));
		assert_int_equal(appcfg_load_file_noted(path, &c, err, sizeof(err), notes, sizeof(notes)), -1);
		assert_string_equal(notes, "");
		f = fopen(path, "w");
		assert_non_null(f);
		fputs("{}", f);
		fclose(f);
		assert_int_equal(appcfg_load_file_noted(path, &c, err, sizeof(err), notes, 16), 0);
		assert_string_equal(notes, "");
		appcfg_free(&c);
	}
	unlink(path);
}

/*
 * A static BIB entry's IPv4 address must be in pool4 for its protocol; an
 * empty pool4 is the ports' IPv4 addresses (Jool: the node's own). Jool also
 * wants the port inside a pool4 port range (xlator_replace()); we take such
 * an entry as a port forward, and `xlat64ctl check` notes it (Jool's 4.0/4.1
 * NAT64 example has one: TCP 192.0.2.2#80 with ports 61001-65535).
 */
static void test_bib_pool4(void **state)
{
	static const char *const files[] = {
		/* the address in pool4, the port outside its range: loads, noted */
		"{\"mode\": \"nat64\", \"global\": {\"pool6\": \"64:ff9b::/96\"}, \"pool4\": [{\"protocol\": \"TCP\", "
		"\"prefix\": \"192.0.2.2/31\"}], \"bib\": [{\"protocol\": \"TCP\", \"ipv6 address\": \"2001:db8::1#80\", "
		"\"ipv4 address\": \"192.0.2.2#80\"}]}",
		/* empty pool4: the port's address, ports 61001-65535 */
		"{\"mode\": \"nat64\", \"global\": {\"pool6\": \"64:ff9b::/96\"}, \"ports\": [{\"name\": \"v4\", "
		"\"device\": \"d\", \"addresses\": [\"192.0.2.9/24\"]}], \"bib\": [{\"protocol\": \"UDP\", "
		"\"ipv6 address\": \"2001:db8::5#53\", \"ipv4 address\": \"192.0.2.9#61053\"}, {\"protocol\": \"UDP\", "
		"\"ipv6 address\": \"2001:db8::5#54\", \"ipv4 address\": \"192.0.2.9#54\"}]}",
	};
	static const char *const notes_expected[] = {
		"note: bib[0]: 192.0.2.2#80 is outside the TCP port ranges of pool4 for 192.0.2.2: taken as a port forward "
		"(dynamic allocation never uses the port); Jool refuses such an entry (its pool4 must hold the port too)\n",
		"note: bib[1]: 192.0.2.9#54 is outside the UDP port ranges of pool4 for 192.0.2.9",
	};
	char path[] = "/tmp/test_config_load_XXXXXX", notes[1024];
	int fd = mkstemp(path);
	struct xlat_config *x;

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	for (size_t i = 0; i < 2; i++) {
		FILE *f = fopen(path, "w");
		struct appcfg *c = malloc(sizeof(*c));

		assert_non_null(f);
		assert_non_null(c);
		fputs(files[i], f);
		fclose(f);
		if (appcfg_load_file_noted(path, c, err, sizeof(err), notes, sizeof(notes)) != 0)
			fail_msg("file %zu refused: %s", i, err);
		if (!strstr(notes, notes_expected[i]) || strncmp(notes, path, strlen(path)) != 0)
			fail_msg("file %zu: notes:\n%s\nexpected:\n%s", i, notes, notes_expected[i]);
		assert_int_equal(c->xlat.n_bib, i + 1);
		if (i == 1) /* the port outside the default range only: one note */
			assert_null(strstr(notes, "bib[0]"));
		release(c);
	}
	unlink(path);

	/* the control API checks an entry against the running pool4 at once, with the same words */
	x = calloc(1, sizeof(*x));
	assert_non_null(x);
	xlat_config_init(x, XLAT_MODE_NAT64);
	x->n_pool4 = 1;
	x->pool4[0] = (struct pool4_entry){ .proto = 17, .addr = v4("192.0.2.1"), .plen = 32, .port_min = 2000,
					    .port_max = 3000 };
	json_t *e = json_pack("{s:s, s:s, s:s}", "protocol", "UDP", "ipv6 address", "2001:db8::5#5", "ipv4 address",
			      "198.51.100.7#5");
	assert_int_equal(appcfg_bib_parse_entry(e, "bib add", x, err, sizeof(err)), -1);
	assert_string_equal(err, "bib add.ipv4 address: the IPv4 address is not in pool4 for this protocol: no UDP pool4 "
				 "entry holds 198.51.100.7");
	json_decref(e);
	e = json_pack("{s:s, s:s, s:s}", "protocol", "UDP", "ipv6 address", "2001:db8::5#5", "ipv4 address",
		      "192.0.2.1#5");
	assert_int_equal(appcfg_bib_parse_entry(e, "bib add", x, err, sizeof(err)), 0); /* a port forward */
	json_decref(e);
	free(x);
}

static void test_pool6_lengths(void **state)
{
	static const char *const ok[] = { "2001:db8::/32", "2001:db8:100::/40", "2001:db8:122::/48",
					  "2001:db8:122:300::/56", "2001:db8:122:344::/64", "64:ff9b::/96" };
	char buf[256];

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		struct appcfg *c;

		snprintf(buf, sizeof(buf), "{\"global\": {\"pool6\": \"%s\"}}", ok[i]);
		c = load(buf);
		assert_true(c->xlat.g.pool6_set);
		release(c);
	}
	/* null unsets it */
	{
		struct appcfg *c = load("{\"global\": {\"pool6\": null}}");
		assert_false(c->xlat.g.pool6_set);
		release(c);
	}
}

static void test_timeouts(void **state)
{
	static const char *const ok[] = { "2:00:00", "02:00:00", "2:00:00.000", "7200", "120:00", "1000:00:00.5" };
	char buf[256];

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		struct appcfg *c;

		snprintf(buf, sizeof(buf), N64 "\"tcp-est-timeout\": \"%s\"}}", ok[i]);
		c = load(buf);
		release(c);
	}
}

/* ------------------------------------------------------------- invalid */

struct bad {
	const char *name;
	const char *json;
	const char *expect;  /* substring of the message */
	const char *expect2; /* and this one, when set */
};

#define PORTS2 "\"ports\": [{\"name\": \"v6\", \"device\": \"d6\", \"addresses\": [\"2001:db8:6::1/64\"]}, " \
	       "{\"name\": \"v4\", \"device\": \"d4\", \"addresses\": [\"198.51.100.1/24\"]}]"

static const struct bad bad_cases[] = {
	{ "json syntax", "{\"mode\": \"siit\",\n}", "t.json: line 2, column 1: invalid JSON", NULL },
	{ "json truncated", "{\"global\": {", "invalid JSON", NULL },
	/* a repeated key is valid JSON, but means one of the two values is lost: refused, but not as invalid JSON */
	{ "key twice", "{\"mode\": \"siit\", \"mode\": \"siit\"}", "t.json: key 'mode' appears twice at top level",
	  NULL },
	{ "key twice in global", "{\"global\": {\"pool6\": \"64:ff9b::/96\", \"tos\": 1, \"pool6\": null}}",
	  "t.json: global: key 'pool6' appears twice", NULL },
	{ "key twice in an entry",
	  "{\"eamt\": [{\"ipv6 prefix\": \"2001:db8::/128\", \"ipv4 prefix\": \"192.0.2.1\"}, "
	  "{\"ipv6 prefix\": \"2001:db8::1/128\", \"ipv4 prefix\": \"192.0.2.2\", \"ipv4 prefix\": \"192.0.2.3\"}]}",
	  "t.json: eamt[1]: key 'ipv4 prefix' appears twice", NULL },
	{ "key twice, escaped",
	  "{\"ports\": [{\"name\": \"a\", \"device\": \"d\", \"neighbors\": [{\"address\": \"192.0.2.9\", "
	  "\"mac\": \"02:00:00:00:00:01\", \"m\\u0061c\": \"02:00:00:00:00:02\"}]}]}",
	  "t.json: ports[0].neighbors[0]: key 'mac' appears twice", NULL },
	{ "top not object", "[1, 2]", "t.json: the top level must be a JSON object, got an array", NULL },
	{ "unknown top key", "{\"pool7\": []}", "t.json: unknown key 'pool7' at top level", NULL },
	{ "suggestion", "{\"globl\": {}}", "unknown key 'globl' at top level (did you mean 'global'?)", NULL },
	{ "key twice (case)", "{\"global\": {}, \"Global\": {}}",
	  "t.json: key 'global' appears twice at top level (as 'global' and 'Global'", NULL },
	{ "key twice (case), nested", "{\"global\": {\"TOS\": 1, \"tos\": 2}}",
	  "t.json: global: key 'tos' appears twice (as 'TOS' and 'tos'", NULL },
	{ "bad mode", "{\"mode\": \"nat46\"}", "mode: 'nat46' is not one of \"siit\", \"nat64\"", NULL },
	{ "nat64 without pool6", "{\"mode\": \"nat64\"}", "global.pool6: nat64 mode needs pool6", NULL },
	{ "pool4 in siit", "{\"mode\": \"siit\", \"pool4\": []}", "t.json: pool4: pool4 is a NAT64 setting; this file's mode is siit",
	  NULL },
	{ "bib in siit", "{\"mode\": \"siit\", \"bib\": []}", "t.json: bib: bib is a NAT64 setting; this file's mode is siit", NULL },
	/* Jool's NAT64 files have no "mode" (Jool knows them by the command, jool, not jool_siit): say what they need */
	{ "pool4 without mode", "{\"pool4\": []}", "t.json: pool4: pool4 is a NAT64 setting; this file's mode is siit (the "
	  "file has no \"mode\", and siit is the default;", "needs \"mode\": \"nat64\")" },
	{ "bib without mode", "{\"bib\": []}", "t.json: bib: bib is a NAT64 setting; this file's mode is siit (the file has no",
	  "needs \"mode\": \"nat64\")" },
	{ "nat64 option without mode", "{\"global\": {\"pool6\": \"64:ff9b::/96\", \"tcp-est-timeout\": \"2:00:00\"}}",
	  "t.json: global.tcp-est-timeout: a NAT64 option, but this file's mode is siit (the file has no \"mode\"",
	  "needs \"mode\": \"nat64\")" },
	{ "nat64 option without mode, any case", "{\"Global\": {\"SS-Enabled\": false}}",
	  "t.json: global.ss-enabled: a NAT64 option, but this file's mode is siit", NULL },
	{ "ours, nat64 only, without mode", "{\"global\": {\"max-sessions-per-worker\": 1024}}",
	  "t.json: global.max-sessions-per-worker: a NAT64 option", NULL },
	{ "eamt in nat64",
	  "{\"mode\": \"nat64\", \"global\": {\"pool6\": \"64:ff9b::/96\"}, \"eamt\": [{\"ipv6 prefix\": "
	  "\"2001:db8::/128\", \"ipv4 prefix\": \"192.0.2.1/32\"}]}",
	  "eamt: eamt is a SIIT setting", NULL },
	{ "pool4 protocol",
	  "{\"mode\": \"nat64\", \"global\": {\"pool6\": \"64:ff9b::/96\"}, \"pool4\": [{\"protocol\": \"SCTP\", "
	  "\"prefix\": \"192.0.2.1/32\"}]}",
	  "pool4[0].protocol: 'SCTP' is not one of", NULL },
	{ "pool4 port range",
	  "{\"mode\": \"nat64\", \"global\": {\"pool6\": \"64:ff9b::/96\"}, \"pool4\": [{\"protocol\": \"TCP\", "
	  "\"prefix\": \"192.0.2.1/32\", \"port range\": \"3000-1\"}]}",
	  "pool4[0].port range: '3000-1' is not a port range", NULL },
	{ "bib outside pool4",
	  "{\"mode\": \"nat64\", \"global\": {\"pool6\": \"64:ff9b::/96\"}, \"pool4\": [{\"protocol\": \"UDP\", "
	  "\"prefix\": \"192.0.2.1/32\"}], \"bib\": [{\"protocol\": \"UDP\", \"ipv6 address\": \"2001:db8::5#53\", "
	  "\"ipv4 address\": \"192.0.2.9#53\"}]}",
	  "t.json: bib[0].ipv4 address: the IPv4 address is not in pool4 for this protocol: no UDP pool4 entry holds "
	  "192.0.2.9", NULL },
	{ "bib outside pool4's protocol",
	  "{\"mode\": \"nat64\", \"global\": {\"pool6\": \"64:ff9b::/96\"}, \"pool4\": [{\"protocol\": \"TCP\", "
	  "\"prefix\": \"192.0.2.0/24\"}], \"bib\": [{\"protocol\": \"UDP\", \"ipv6 address\": \"2001:db8::5#53\", "
	  "\"ipv4 address\": \"192.0.2.9#53\"}]}",
	  "t.json: bib[0].ipv4 address: the IPv4 address is not in pool4 for this protocol: no UDP pool4 entry", NULL },
	{ "bib with an empty pool4 and no address",
	  "{\"mode\": \"nat64\", \"global\": {\"pool6\": \"64:ff9b::/96\"}, \"bib\": [{\"protocol\": \"UDP\", "
	  "\"ipv6 address\": \"2001:db8::5#53\", \"ipv4 address\": \"192.0.2.9#61053\"}]}",
	  "t.json: bib[0].ipv4 address: the IPv4 address is not in pool4 for this protocol: pool4 is empty, which means "
	  "the ports' IPv4 addresses", NULL },
	{ "bib bad address",
	  "{\"mode\": \"nat64\", \"global\": {\"pool6\": \"64:ff9b::/96\"}, \"bib\": [{\"protocol\": \"UDP\", "
	  "\"ipv6 address\": \"2001:db8::5\", \"ipv4 address\": \"192.0.2.9#53\"}]}",
	  "bib[0].ipv6 address: '2001:db8::5' is not ADDRESS#PORT", NULL },
	{ "udp timeout minimum",
	  "{\"mode\": \"nat64\", \"global\": {\"pool6\": \"64:ff9b::/96\", \"udp-timeout\": \"0:01:00\"}}",
	  "global.udp-timeout: ", "below the minimum" },
	{ "framework", "{\"framework\": \"nftables\"}", "framework: 'nftables' is not one of", NULL },
	{ "instance", "{\"instance\": \"a-very-long-instance-name\"}", "instance: ", "1 to 15 characters" },
	{ "global not object", "{\"global\": []}", "global: expected an object, got an array", NULL },
	{ "unknown global", "{\"global\": {\"pool7\": 1}}", "global: unknown key 'pool7'", NULL },
	{ "bool type", "{\"global\": {\"manually-enabled\": \"yes\"}}",
	  "global.manually-enabled: expected true or false, got a string", NULL },
	{ "tos range", "{\"global\": {\"tos\": 256}}", "global.tos: 256 is out of range (0..255)", NULL },
	{ "tos negative", "{\"global\": {\"tos\": -1}}", "global.tos: -1 is out of range (0..255)", NULL },
	{ "int type real", "{\"global\": {\"tos\": 1.5}}", "global.tos: expected an integer, got a real number", NULL },
	{ "lowest-ipv6-mtu", "{\"global\": {\"lowest-ipv6-mtu\": 1279}}",
	  "global.lowest-ipv6-mtu: 1279 is out of range (1280..65535)", NULL },
	{ "pool6 length", "{\"global\": {\"pool6\": \"64:ff9b::/33\"}}",
	  "t.json: global.pool6: prefix length 33 is not one of 32, 40, 48, 56, 64, 96 (RFC 6052 2.2)", NULL },
	{ "pool6 syntax", "{\"global\": {\"pool6\": \"64:ff9b::/129\"}}",
	  "global.pool6: '64:ff9b::/129' is not an IPv6 prefix", NULL },
	{ "pool6 v4", "{\"global\": {\"pool6\": \"192.0.2.0/24\"}}", "global.pool6: '192.0.2.0/24' is not an IPv6 prefix",
	  NULL },
	{ "pool6 u-octet", "{\"global\": {\"pool6\": \"64:ff9b:0:0:ff00::/96\"}}", "global.pool6: ", "u-octet" },
	{ "pool6 host bits", "{\"global\": {\"pool6\": \"64:ff9b::1/96\"}}",
	  "global.pool6: '64:ff9b::1/96' has bits set after the prefix length (did you mean 64:ff9b::/96?)", NULL },
	{ "pool6 type", "{\"global\": {\"pool6\": 64}}", "global.pool6: expected a string (an IPv6 prefix) or null", NULL },
	{ "plateau range", "{\"global\": {\"mtu-plateaus\": [1500, 65536]}}",
	  "global.mtu-plateaus[1]: 65536 is out of range (0..65535)", NULL },
	{ "plateau negative", "{\"global\": {\"mtu-plateaus\": [-1]}}",
	  "global.mtu-plateaus[0]: -1 is out of range (0..65535)", NULL },
	{ "plateaus all zero", "{\"global\": {\"mtu-plateaus\": [0, 0]}}",
	  "global.mtu-plateaus: the list holds nothing but zeros", NULL },
	{ "plateaus empty", "{\"global\": {\"mtu-plateaus\": []}}", "global.mtu-plateaus: the list can not be empty", NULL },
	{ "plateaus type", "{\"global\": {\"mtu-plateaus\": \"1500,1280\"}}",
	  "global.mtu-plateaus: expected an array of integers, got a string", NULL },
	{ "hairpin mode", "{\"global\": {\"eam-hairpin-mode\": \"sometimes\"}}",
	  "global.eam-hairpin-mode: 'sometimes' is not one of \"off\", \"simple\", \"intrinsic\"", NULL },
	{ "timeout syntax", N64 "\"udp-timeout\": \"5 minutes\"}}",
	  "global.udp-timeout: '5 minutes' is not a time", NULL },
	{ "timeout minutes", N64 "\"udp-timeout\": \"1:61:00\"}}", "global.udp-timeout: '1:61:00' is not a time",
	  NULL },
	{ "timeout millis", N64 "\"udp-timeout\": \"0:05:00.1234\"}}", "is not a time", NULL },
	{ "timeout minimum", N64 "\"udp-timeout\": \"0:01:00\"}}",
	  "global.udp-timeout: 0:01:00 is below the minimum 0:02:00", NULL },
	{ "timeout tcp-est minimum", N64 "\"tcp-est-timeout\": \"1:00:00\"}}",
	  "global.tcp-est-timeout: 1:00:00 is below the minimum 2:00:00", NULL },
	{ "timeout type", N64 "\"icmp-timeout\": 60}}", "global.icmp-timeout: expected a time string", NULL },
	{ "f-args", N64 "\"f-args\": 16}}", "global.f-args: 16 is out of range (0..15)", NULL },
	{ "rfc6791v4", "{\"global\": {\"rfc6791v4-prefix\": \"203.0.113.300\"}}",
	  "global.rfc6791v4-prefix: '203.0.113.300' is not an IPv4 prefix", NULL },
	{ "rfc6791v6", "{\"global\": {\"rfc6791v6-prefix\": 5}}", "global.rfc6791v6-prefix: expected a string", NULL },
	{ "icmp-errors-per-sec", "{\"global\": {\"icmp-errors-per-sec\": 2000000}}",
	  "global.icmp-errors-per-sec: 2000000 is out of range", NULL },
	{ "ports type", "{\"ports\": {}}", "ports: expected an array, got an object", NULL },
	{ "port missing device or parent", "{\"ports\": [{\"name\": \"a\"}]}",
	  "ports[0]: missing \"device\" (or \"parent\" and \"vlan\" for a VLAN sub-interface)", NULL },
	{ "vlan parent unknown", "{\"ports\": [{\"name\": \"a\", \"parent\": \"t\", \"vlan\": 10}]}",
	  "ports[0].parent: no port named 't' before this one", NULL },
	{ "vlan parent later",
	  "{\"ports\": [{\"name\": \"a\", \"parent\": \"t\", \"vlan\": 10}, {\"name\": \"t\", \"device\": \"d\"}]}",
	  "ports[0].parent: no port named 't' before this one", NULL },
	{ "vlan of a vlan",
	  "{\"ports\": [{\"name\": \"t\", \"device\": \"d\"}, {\"name\": \"a\", \"parent\": \"t\", \"vlan\": 10}, "
	  "{\"name\": \"b\", \"parent\": \"a\", \"vlan\": 20}]}",
	  "ports[2].parent: 'a' is itself a VLAN sub-interface (no VLAN stacking)", NULL },
	{ "vlan missing id", "{\"ports\": [{\"name\": \"t\", \"device\": \"d\"}, {\"name\": \"a\", \"parent\": \"t\"}]}",
	  "ports[1]: missing \"vlan\" (the 802.1Q VLAN id, 1-4094)", NULL },
	{ "vlan id range",
	  "{\"ports\": [{\"name\": \"t\", \"device\": \"d\"}, {\"name\": \"a\", \"parent\": \"t\", \"vlan\": 4095}]}",
	  "ports[1].vlan: 4095 is out of range (1..4094)", NULL },
	{ "vlan twice",
	  "{\"ports\": [{\"name\": \"t\", \"device\": \"d\"}, {\"name\": \"a\", \"parent\": \"t\", \"vlan\": 7}, "
	  "{\"name\": \"b\", \"parent\": \"t\", \"vlan\": 7}]}",
	  "ports[2].vlan: VLAN 7 of 't' is already port 'a'", NULL },
	{ "vlan with device",
	  "{\"ports\": [{\"name\": \"t\", \"device\": \"d\"}, {\"name\": \"a\", \"parent\": \"t\", \"vlan\": 7, "
	  "\"device\": \"e\"}]}",
	  "ports[1]: a VLAN sub-interface (\"parent\") has no \"device\": its parent's carries it", NULL },
	{ "vlan with mac",
	  "{\"ports\": [{\"name\": \"t\", \"device\": \"d\"}, {\"name\": \"a\", \"parent\": \"t\", \"vlan\": 7, "
	  "\"mac\": \"02:00:00:00:00:01\"}]}",
	  "ports[1]: a VLAN sub-interface speaks with its parent's MAC: no \"mac\"", NULL },
	{ "vlan without parent", "{\"ports\": [{\"name\": \"t\", \"device\": \"d\", \"vlan\": 7}]}",
	  "ports[0]: \"vlan\" without \"parent\": name the port that carries the VLAN", NULL },
	{ "vlan mtu above parent",
	  "{\"ports\": [{\"name\": \"t\", \"device\": \"d\", \"mtu\": 1500}, {\"name\": \"a\", \"parent\": \"t\", "
	  "\"vlan\": 7, \"mtu\": 9000}]}",
	  "ports[1].mtu: 9000 is above the MTU of its parent 't' (1500)", NULL },
	{ "port unknown key", "{\"ports\": [{\"name\": \"a\", \"device\": \"d\", \"nmae\": \"x\"}]}",
	  "ports[0]: unknown key 'nmae' (did you mean 'name'?)", NULL },
	{ "port missing name", "{\"ports\": [{\"device\": \"d\"}]}", "ports[0]: missing \"name\"", NULL },
	{ "port bad name", "{\"ports\": [{\"name\": \"a b\", \"device\": \"d\"}]}",
	  "ports[0].name: 'a b' is not a valid port name", NULL },
	{ "port name long", "{\"ports\": [{\"name\": \"abcdefghijabcdefghijabcdefghijabc\", \"device\": \"d\"}]}",
	  "ports[0].name: longer than 31 characters", NULL },
	{ "dup port name", "{\"ports\": [{\"name\": \"a\", \"device\": \"d1\"}, {\"name\": \"a\", \"device\": \"d2\"}]}",
	  "ports[1].name: 'a' is already the name of ports[0]", NULL },
	{ "dup port device", "{\"ports\": [{\"name\": \"a\", \"device\": \"d\"}, {\"name\": \"b\", \"device\": \"d\"}]}",
	  "ports[1].device: 'd' is already the device of port 'a'", NULL },
	{ "dup vdev name",
	  "{\"ports\": [{\"name\": \"a\", \"device\": \"net_pcap0,rx_pcap=a.pcap\"}, "
	  "{\"name\": \"b\", \"device\": \"net_pcap0,rx_pcap=b.pcap\"}]}",
	  "ports[1].device: virtual device 'net_pcap0' is already used by port 'a'", NULL },
	{ "port mtu range", "{\"ports\": [{\"name\": \"a\", \"device\": \"d\", \"mtu\": 9001}]}",
	  "ports[0].mtu: 9001 is out of range (68..9000)", NULL },
	{ "port mtu type", "{\"ports\": [{\"name\": \"a\", \"device\": \"d\", \"mtu\": \"1500\"}]}",
	  "ports[0].mtu: expected an integer, got a string", NULL },
	{ "port mtu v6 minimum",
	  "{\"ports\": [{\"name\": \"a\", \"device\": \"d\", \"mtu\": 1000, \"addresses\": [\"2001:db8::1/64\"]}]}",
	  "ports[0].mtu: 1000 is below 1280", NULL },
	{ "port bad mac", "{\"ports\": [{\"name\": \"a\", \"device\": \"d\", \"mac\": \"02:00:00:00:00\"}]}",
	  "ports[0].mac: '02:00:00:00:00' is not a MAC address", NULL },
	{ "port bad mac chars", "{\"ports\": [{\"name\": \"a\", \"device\": \"d\", \"mac\": \"02:00:00:00:00:0g\"}]}",
	  "ports[0].mac: '02:00:00:00:00:0g' is not a MAC address", NULL },
	{ "port mac separators", "{\"ports\": [{\"name\": \"a\", \"device\": \"d\", \"mac\": \"02-00-00-00-00-06\"}]}",
	  "is not a MAC address", NULL },
	{ "port multicast mac", "{\"ports\": [{\"name\": \"a\", \"device\": \"d\", \"mac\": \"01:00:5e:00:00:01\"}]}",
	  "ports[0].mac: '01:00:5e:00:00:01' is a multicast MAC address", NULL },
	{ "address /129",
	  "{\"ports\": [{\"name\": \"a\", \"device\": \"d\"}, {\"name\": \"b\", \"device\": \"e\", "
	  "\"addresses\": [\"2001:db8::1/129\"]}]}",
	  "t.json: ports[1].addresses[0]: '2001:db8::1/129' is not an IPv6 prefix", NULL },
	{ "address v4 /33", "{\"ports\": [{\"name\": \"a\", \"device\": \"d\", \"addresses\": [\"192.0.2.1/33\"]}]}",
	  "ports[0].addresses[0]: '192.0.2.1/33' is not an IPv4 prefix", NULL },
	{ "address no length", "{\"ports\": [{\"name\": \"a\", \"device\": \"d\", \"addresses\": [\"192.0.2.1\"]}]}",
	  "ports[0].addresses[0]: '192.0.2.1' needs a prefix length", NULL },
	{ "address multicast", "{\"ports\": [{\"name\": \"a\", \"device\": \"d\", \"addresses\": [\"224.0.0.1/24\"]}]}",
	  "ports[0].addresses[0]: '224.0.0.1/24' is a multicast address", NULL },
	{ "address twice",
	  "{\"ports\": [{\"name\": \"a\", \"device\": \"d\", \"addresses\": [\"192.0.2.1/24\"]}, "
	  "{\"name\": \"b\", \"device\": \"e\", \"addresses\": [\"192.0.2.1/25\"]}]}",
	  "ports[1].addresses[0]: 192.0.2.1 is already an address of port 'a'", NULL },
	{ "neighbor missing address", "{\"ports\": [{\"name\": \"a\", \"device\": \"d\", \"neighbors\": [{\"mac\": "
				      "\"02:00:00:00:00:01\"}]}]}",
	  "ports[0].neighbors[0]: missing \"address\"", NULL },
	{ "neighbor bad mac", "{\"ports\": [{\"name\": \"a\", \"device\": \"d\", \"neighbors\": [{\"address\": "
			      "\"192.0.2.2\", \"mac\": \"nope\"}]}]}",
	  "ports[0].neighbors[0].mac: 'nope' is not a MAC address", NULL },
	{ "neighbor bad address", "{\"ports\": [{\"name\": \"a\", \"device\": \"d\", \"neighbors\": [{\"address\": "
				  "\"192.0.2.2/24\", \"mac\": \"02:00:00:00:00:01\"}]}]}",
	  "ports[0].neighbors[0].address: '192.0.2.2/24' is not an IPv4 address", NULL },
	{ "routes unknown port", "{" PORTS2 ", \"routes\": [{\"prefix\": \"203.0.113.0/24\", \"port\": \"v9\"}]}",
	  "routes[0].port: no port named 'v9'", NULL },
	{ "routes missing port", "{" PORTS2 ", \"routes\": [{\"prefix\": \"203.0.113.0/24\"}]}",
	  "routes[0]: missing \"port\"", NULL },
	{ "routes family mismatch",
	  "{" PORTS2 ", \"routes\": [{\"prefix\": \"203.0.113.0/24\", \"via\": \"2001:db8:6::2\", \"port\": \"v4\"}]}",
	  "routes[0].via: '2001:db8:6::2' is IPv6 but the prefix is IPv4", NULL },
	{ "routes host bits", "{" PORTS2 ", \"routes\": [{\"prefix\": \"203.0.113.1/24\", \"port\": \"v4\"}]}",
	  "routes[0].prefix: '203.0.113.1/24' has bits set after the prefix length (did you mean 203.0.113.0/24?)",
	  NULL },
	{ "routes bad prefix", "{" PORTS2 ", \"routes\": [{\"prefix\": \"2001:db8::/200\", \"port\": \"v6\"}]}",
	  "routes[0].prefix: '2001:db8::/200' is not an IPv6 prefix", NULL },
	{ "routes duplicate",
	  "{" PORTS2 ", \"routes\": [{\"prefix\": \"203.0.113.0/24\", \"port\": \"v4\"}, "
	  "{\"prefix\": \"203.0.113.0/24\", \"via\": \"198.51.100.9\", \"port\": \"v4\"}]}",
	  "routes[1].prefix: 203.0.113.0/24 is already the prefix of routes[0]", NULL },
	/* RFC 7757 3.2: nested prefixes are resolved by longest match; the same prefix twice is ambiguous. */
	{ "eamt duplicate v4 prefix",
	  "{\"eamt\": [{\"ipv6 prefix\": \"2001:db8::/120\", \"ipv4 prefix\": \"192.0.2.0/24\"}, "
	  "{\"ipv6 prefix\": \"2001:db8:1::/120\", \"ipv4 prefix\": \"192.0.2.0/24\"}]}",
	  "eamt[1]: ", "already in the EAMT" },
	{ "eamt suffix too short", "{\"eamt\": [{\"ipv6 prefix\": \"2001:db8::/121\", \"ipv4 prefix\": \"192.0.2.0/24\"}]}",
	  "eamt[0]: ", "suffix" },
	{ "eamt missing v4", "{\"eamt\": [{\"ipv6 prefix\": \"2001:db8::/120\"}]}", "eamt[0]: missing \"ipv4 prefix\"",
	  NULL },
	{ "eamt bad v6", "{\"eamt\": [{\"ipv6 prefix\": \"2001:db8::g/120\", \"ipv4 prefix\": \"192.0.2.0/24\"}]}",
	  "eamt[0].ipv6 prefix: '2001:db8::g/120' is not an IPv6 prefix", NULL },
	{ "eamt entry type", "{\"eamt\": [\"2001:db8::/120\"]}", "eamt[0]: expected an object, got a string", NULL },
	{ "denylist4 bad", "{\"denylist4\": [\"10.0.0.0/33\"]}", "denylist4[0]: '10.0.0.0/33' is not an IPv4 prefix",
	  NULL },
	{ "denylist4 twice", "{\"denylist4\": [\"10.0.0.0/8\", \"10.0.0.0/8\"]}", "denylist4[1]: '10.0.0.0/8' is listed twice",
	  NULL },
	{ "denylist4 and blacklist4", "{\"denylist4\": [], \"blacklist4\": []}", "blacklist4 is the old name", NULL },
	{ "eal type", "{\"eal\": [\"-l\", 1]}", "eal[1]: expected a string, got an integer", NULL },
	{ "control unknown", "{\"control\": {\"path\": \"/x\"}}", "control: unknown key 'path'", NULL },
	{ "control socket long",
	  "{\"control\": {\"socket\": \"/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.sock\"}}",
	  "control.socket: a UNIX socket path can have at most 107 characters", NULL },
	{ "mbufs", "{\"dataplane\": {\"mbufs-per-port\": 10}}", "dataplane.mbufs-per-port: 10 is out of range", NULL },
	{ "dataplane unknown", "{\"dataplane\": {\"idle-sleep\": 10}}",
	  "dataplane: unknown key 'idle-sleep' (did you mean 'idle-sleep-us'?)", NULL },
	{ "nul in string", "{\"instance\": \"a\\u0000b\"}", "t.json: line 1, column", "invalid JSON" },
};

static void test_bad(void **state)
{
	const struct bad *b = *state;
	struct appcfg *c = malloc(sizeof(*c));

	assert_non_null(c);
	memset(err, 0, sizeof(err));
	if (appcfg_load_string(b->json, strlen(b->json), "t.json", c, err, sizeof(err)) == 0)
		fail_msg("%s: loaded, but should have failed", b->name);
	if (!strstr(err, b->expect) || (b->expect2 && !strstr(err, b->expect2)))
		fail_msg("%s:\n  got:      %s\n  expected: %s%s%s", b->name, err, b->expect, b->expect2 ? " ... " : "",
			 b->expect2 ? b->expect2 : "");
	if (strncmp(err, "t.json: ", 8) != 0)
		fail_msg("%s: message does not start with the origin: %s", b->name, err);
	/* The result is left at defaults and safe to free. */
	assert_int_equal(c->n_eal_args, 0);
	assert_int_equal(c->n_ports, 0);
	release(c);
}

/* Ports and VLAN sub-interfaces share one limit (APPCFG_MAX_PORTS). */
static void test_too_many_ports(void **state)
{
	char j[8192], want[64];
	size_t n = 0;
	struct appcfg *c = malloc(sizeof(*c));

	(void)state;
	assert_non_null(c);
	n += (size_t)snprintf(j + n, sizeof(j) - n, "{\"ports\": [{\"name\": \"t\", \"device\": \"d\"}");
	for (unsigned i = 1; i <= APPCFG_MAX_PORTS; i++)
		n += (size_t)snprintf(j + n, sizeof(j) - n, ", {\"name\": \"v%u\", \"parent\": \"t\", \"vlan\": %u}", i, i);
	snprintf(j + n, sizeof(j) - n, "]}");
	snprintf(want, sizeof(want), "ports: %u ports, at most %u supported", APPCFG_MAX_PORTS + 1, APPCFG_MAX_PORTS);
	assert_int_equal(appcfg_load_string(j, strlen(j), "t.json", c, err, sizeof(err)), -1);
	if (!strstr(err, want))
		fail_msg("got: %s, expected: %s", err, want);
	release(c);
}

/* A trunk with two VLAN sub-interfaces: each an interface of its own; config dump writes them back the same. */
static void test_vlans(void **state)
{
	const char *j = "{\"ports\": ["
			"{\"name\": \"trunk\", \"device\": \"net_af_packet0,iface=p4\", \"mtu\": 1500},"
			"{\"name\": \"v10\", \"parent\": \"trunk\", \"vlan\": 10, \"addresses\": [\"198.51.100.1/24\"]},"
			"{\"name\": \"v20\", \"parent\": \"trunk\", \"vlan\": 20, \"mtu\": 1400,"
			" \"addresses\": [\"203.0.113.1/24\"]}],"
			"\"routes\": [{\"prefix\": \"0.0.0.0/0\", \"via\": \"203.0.113.254\", \"port\": \"v20\"}]}";
	struct appcfg *c = load(j), *d;

	(void)state;
	assert_int_equal(c->n_ports, 3);
	assert_false(c->ports[0].is_vlan);
	assert_true(c->ports[1].is_vlan);
	assert_int_equal(c->ports[1].parent, 0);
	assert_int_equal(c->ports[1].vlan, 10);
	assert_int_equal(c->ports[1].mtu, 1500); /* the parent's */
	assert_string_equal(c->ports[1].device, "");
	assert_int_equal(c->ports[2].vlan, 20);
	assert_int_equal(c->ports[2].mtu, 1400);
	assert_int_equal(c->routes[0].port, 2);
	json_t *o = appcfg_to_json(c);
	char *s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	assert_non_null(strstr(s, "\"name\":\"v10\",\"parent\":\"trunk\",\"vlan\":10"));
	d = load(s);
	free(s);
	assert_int_equal(d->n_ports, 3);
	for (unsigned i = 0; i < 3; i++) {
		assert_string_equal(d->ports[i].name, c->ports[i].name);
		assert_int_equal(d->ports[i].is_vlan, c->ports[i].is_vlan);
		assert_int_equal(d->ports[i].parent, c->ports[i].parent);
		assert_int_equal(d->ports[i].vlan, c->ports[i].vlan);
		assert_int_equal(d->ports[i].mtu, c->ports[i].mtu);
	}
	release(c);
	release(d);
}

/* A comment nested 17 deep loads (the repeated-key scan freed a node it then read: found by fuzz_config, ASan). */
static void test_deep_comment(void **state)
{
	char j[256];
	size_t n = (size_t)snprintf(j, sizeof(j), "{\"comment\": ");

	(void)state;
	for (int i = 0; i < 17; i++)
		j[n++] = '[';
	for (int i = 0; i < 17; i++)
		j[n++] = ']';
	snprintf(j + n, sizeof(j) - n, ", \"comment\": {\"a\": [[[{\"b\": 1}]]]}, \"mode\": \"siit\"}");
	release(load(j));
}

/* An error after eal args were allocated frees them (run under valgrind/ASan to see). */
static void test_bad_after_eal(void **state)
{
	const char *j = "{\"eal\": [\"-l\", \"0\"], \"ports\": 5}";
	struct appcfg c;

	(void)state;
	assert_int_equal(appcfg_load_string(j, strlen(j), NULL, &c, err, sizeof(err)), -1);
	assert_string_equal(err, "ports: expected an array, got an integer");
	assert_int_equal(c.n_eal_args, 0);
	appcfg_free(&c);
	appcfg_free(&c);
}

/* --------------------------------------------------------------- files */

static void test_file(void **state)
{
	char path[] = "/tmp/test_config_load_XXXXXX";
	int fd = mkstemp(path);
	const char *bad = "{\n  \"mode\": \"siit\",\n  \"global\": {\"pool6\": \"64:ff9b::/33\"}\n}\n";
	struct appcfg c;
	char expect[256];

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, full_config, strlen(full_config)), (ssize_t)strlen(full_config));
	close(fd);
	assert_int_equal(appcfg_load_file(path, &c, err, sizeof(err)), 0);
	assert_int_equal(c.n_ports, 2);
	appcfg_free(&c);

	fd = open(path, O_WRONLY | O_TRUNC);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, bad, strlen(bad)), (ssize_t)strlen(bad));
	close(fd);
	assert_int_equal(appcfg_load_file(path, &c, err, sizeof(err)), -1);
	snprintf(expect, sizeof(expect), "%s: global.pool6: prefix length 33 is not one of", path);
	if (!strstr(err, expect))
		fail_msg("got: %s", err);

	fd = open(path, O_WRONLY | O_TRUNC);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "{\n\n  \"a\": tru\n}", 15), 15);
	close(fd);
	assert_int_equal(appcfg_load_file(path, &c, err, sizeof(err)), -1);
	snprintf(expect, sizeof(expect), "%s: line 3, column", path);
	if (!strstr(err, expect) || !strstr(err, "invalid JSON"))
		fail_msg("got: %s", err);

	unlink(path);
	assert_int_equal(appcfg_load_file(path, &c, err, sizeof(err)), -1);
	if (!strstr(err, "cannot open: No such file or directory"))
		fail_msg("got: %s", err);
	appcfg_free(&c);
}

/* Tiny error buffers are fine (truncated, terminated). */
static void test_small_errbuf(void **state)
{
	char small[8];
	struct appcfg c;

	(void)state;
	memset(small, 'x', sizeof(small));
	assert_int_equal(appcfg_load_string("[]", 2, "origin.json", &c, small, sizeof(small)), -1);
	assert_int_equal(strlen(small), sizeof(small) - 1);
	assert_int_equal(appcfg_load_string("[]", 2, "origin.json", &c, NULL, 0), -1);
}

static const char *const *extra_files;
static int n_extra_files;

static void test_example_files(void **state)
{
	(void)state;
	if (n_extra_files == 0)
		skip();
	for (int i = 0; i < n_extra_files; i++) {
		struct appcfg c;

		if (appcfg_load_file(extra_files[i], &c, err, sizeof(err)) != 0)
			fail_msg("%s", err);
		assert_true(c.n_ports > 0);
		appcfg_free(&c);
	}
}

/* The "sync" section (doc/ha.md): a key file read in hex, the transport's addresses checked, the rules with
 * the other sections, and config dump writing it back so that it loads again alike. */
static char sync_dir[] = "/tmp/test_config_sync.XXXXXX";

static const char *key_file(const char *name, const char *text, mode_t mode)
{
	static char path[128];
	snprintf(path, sizeof(path), "%s/%s", sync_dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(path, mode), 0);
	return path;
}

static void sync_refused(const char *json, const char *expect)
{
	struct appcfg *c = malloc(sizeof(*c));

	assert_non_null(c);
	if (appcfg_load_string(json, strlen(json), "t.json", c, err, sizeof(err)) == 0)
		fail_msg("loaded, but should have failed: %s", json);
	if (!strstr(err, expect))
		fail_msg("got: %s\nexpected: %s", err, expect);
	release(c);
}

static void test_sync(void **state)
{
	char j[1024], k[256];
	(void)state;
	assert_non_null(mkdtemp(sync_dir));
	const char *key = key_file("ok.key", "  00112233445566778899aabbccddeeff00112233445566778899AABBCCDDEEFF\n", 0600);
	snprintf(k, sizeof(k), "%s", key);

	snprintf(j, sizeof(j), N64 "\"ss-enabled\": true}, \"pool4\": [{\"protocol\": \"UDP\", \"prefix\": \"192.0.2.1/32\"}], "
		 "\"sync\": {\"node-id\": 7, \"key-file\": \"%s\", \"address\": \"10.64.0.1\", "
		 "\"peers\": [\"10.64.0.2\", \"10.64.0.3\"], \"bulk-rate\": 5000}}", k);
	struct appcfg *c = load(j);
	assert_true(c->sync.configured);
	assert_int_equal(c->sync.node_id, 7);
	assert_int_equal(c->sync.key_len, 32);
	assert_int_equal(c->sync.key[0], 0x00);
	assert_int_equal(c->sync.key[1], 0x11);
	assert_int_equal(c->sync.key[31], 0xff);
	assert_int_equal(c->sync.family, 4);
	assert_int_equal(c->sync.port, APPCFG_DEFAULT_SYNC_PORT);
	assert_int_equal(c->sync.n_peers, 2);
	assert_false(c->sync.multicast);
	assert_int_equal(c->sync.bulk_rate, 5000);
	uint32_t a;
	memcpy(&a, c->sync.peers[1], 4);
	assert_int_equal(a, v4("10.64.0.3"));
	/* config dump: the section as written (the key stays in its file), and it loads again alike */
	json_t *d = appcfg_to_json(c);
	char *text = json_dumps(d, 0);
	json_decref(d);
	struct appcfg *c2 = load(text);
	free(text);
	assert_true(c2->sync.configured);
	assert_int_equal(c2->sync.node_id, 7);
	assert_int_equal(c2->sync.n_peers, 2);
	assert_int_equal(c2->sync.bulk_rate, 5000);
	assert_memory_equal(c2->sync.key, c->sync.key, 32);
	release(c2);
	release(c);

	/* multicast on IPv6, and a key readable by others loads with a note */
	const char *open_key = key_file("open.key", "0123456789abcdef0123456789abcdef", 0644);
	snprintf(j, sizeof(j), N64 "\"ss-enabled\": true}, \"pool4\": [{\"protocol\": \"UDP\", \"prefix\": \"192.0.2.1/32\"}], "
		 "\"sync\": {\"node-id\": 1, \"key-file\": \"%s\", \"address\": \"2001:db8::1\", \"port\": 7000, "
		 "\"multicast\": \"ff02::6464\", \"interface\": \"sync0\"}}", open_key);
	c = load(j);
	assert_true(c->sync.multicast);
	assert_int_equal(c->sync.family, 6);
	assert_int_equal(c->sync.port, 7000);
	assert_int_equal(c->sync.key_len, 16);
	assert_v6(c->sync.group, "ff02::6464");
	assert_string_equal(c->sync.interface, "sync0");
	release(c);

	const char *bad_keys[][2] = {
		{ "short.key", "0011223344" }, { "odd.key", "00112233445566778899aabbccddeeff0" },
		{ "hex.key", "00112233445566778899aabbccddeeffzz" },
	};
	const char *bad_msgs[] = { "must hold 16 to", "must hold 16 to", "not hexadecimal" };
	for (unsigned i = 0; i < 3; i++) {
		const char *p = key_file(bad_keys[i][0], bad_keys[i][1], 0600);
		snprintf(j, sizeof(j), N64 "\"ss-enabled\": true}, \"pool4\": [{\"protocol\": \"UDP\", \"prefix\": \"192.0.2.1/32\"}], "
			 "\"sync\": {\"node-id\": 1, \"key-file\": \"%s\", \"address\": \"10.64.0.1\", "
			 "\"peers\": [\"10.64.0.2\"]}}", p);
		sync_refused(j, bad_msgs[i]);
	}
	char nokey[200];
	snprintf(nokey, sizeof(nokey), "%s/absent.key", sync_dir);
	snprintf(j, sizeof(j), N64 "\"ss-enabled\": true}, \"pool4\": [{\"protocol\": \"UDP\", \"prefix\": \"192.0.2.1/32\"}], "
		 "\"sync\": {\"node-id\": 1, \"key-file\": \"%s\", \"address\": \"10.64.0.1\", \"peers\": [\"10.64.0.2\"]}}",
		 nokey);
	sync_refused(j, "cannot open");

	/* the transport's rules, each with its own message (the key is good) */
	const struct { const char *rest, *expect; } rules[] = {
		{ "\"address\": \"10.64.0.1\"", "missing \"peers\" (unicast) or \"multicast\"" },
		{ "\"address\": \"10.64.0.1\", \"peers\": [\"10.64.0.2\"], \"multicast\": \"239.1.1.1\", \"interface\": \"s\"",
		  "\"peers\" or \"multicast\", not both" },
		{ "\"address\": \"10.64.0.1\", \"peers\": [\"2001:db8::2\"]", "an IPv6 peer for an IPv4 sync address" },
		{ "\"address\": \"10.64.0.1\", \"peers\": [\"10.64.0.1\"]", "the box's own sync address" },
		{ "\"address\": \"10.64.0.1\", \"peers\": []", "no peer" },
		{ "\"address\": \"10.64.0.1\", \"multicast\": \"10.1.1.1\", \"interface\": \"s\"", "not a multicast address" },
		{ "\"address\": \"10.64.0.1\", \"multicast\": \"239.1.1.1\"", "missing \"interface\"" },
		{ "\"address\": \"10.64.0.1\", \"peers\": [\"10.64.0.2\"], \"interface\": \"s\"", "only with \"multicast\"" },
		{ "\"address\": \"10.64.0.1\", \"peers\": [\"10.64.0.2\"], \"port\": 0", "sync.port: 0 is out of range (1..65535)" },
		{ "\"address\": \"10.64.0.1\", \"peers\": [\"10.64.0.2\"], \"bulk-rate\": 10", "sync.bulk-rate: 10 is out of range (1000..100000000)" },
		{ "\"address\": \"10.64.0.1\", \"peers\": [\"10.64.0.2\"], \"colour\": 1", "unknown key 'colour'" },
	};
	for (unsigned i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		snprintf(j, sizeof(j), N64 "\"ss-enabled\": true}, \"pool4\": [{\"protocol\": \"UDP\", \"prefix\": \"192.0.2.1/32\"}], "
			 "\"sync\": {\"node-id\": 1, \"key-file\": \"%s\", %s}}", k, rules[i].rest);
		sync_refused(j, rules[i].expect);
	}
	/* with the other sections: NAT64's only, not with cgn */
	snprintf(j, sizeof(j), "{\"sync\": {\"node-id\": 1, \"key-file\": \"%s\", \"address\": \"10.64.0.1\", "
		 "\"peers\": [\"10.64.0.2\"]}}", k);
	sync_refused(j, "session synchronisation is NAT64's");
	snprintf(j, sizeof(j), N64 "\"ss-enabled\": true}, \"pool4\": [{\"protocol\": \"UDP\", \"prefix\": \"192.0.2.1/32\"}], \"cgn\": {}, "
		 "\"sync\": {\"node-id\": 1, \"key-file\": \"%s\", \"address\": \"10.64.0.1\", \"peers\": [\"10.64.0.2\"]}}", k);
	sync_refused(j, "not with \"cgn\"");
	char cmd[160];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", sync_dir);
	assert_int_equal(system(cmd), 0);
}

int main(int argc, char **argv)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_defaults),      cmocka_unit_test(test_full),
		cmocka_unit_test(test_jool_file),     cmocka_unit_test(test_comments),
		cmocka_unit_test(test_plateaus_jool), cmocka_unit_test(test_mode_default),
		cmocka_unit_test(test_bib_pool4),
		cmocka_unit_test(test_pool6_lengths), cmocka_unit_test(test_too_many_ports),
		cmocka_unit_test(test_vlans),         cmocka_unit_test(test_deep_comment),
		cmocka_unit_test(test_timeouts),      cmocka_unit_test(test_bad_after_eal),
		cmocka_unit_test(test_file),	      cmocka_unit_test(test_small_errbuf),
		cmocka_unit_test(test_example_files), cmocka_unit_test(test_sync),
	};
	const size_t nfixed = sizeof(fixed) / sizeof(fixed[0]);
	const size_t nbad = sizeof(bad_cases) / sizeof(bad_cases[0]);
	struct CMUnitTest *tests = calloc(nfixed + nbad, sizeof(*tests));
	int rc;

	extra_files = (const char *const *)(argv + 1);
	n_extra_files = argc - 1;
	if (!tests)
		return 1;
	memcpy(tests, fixed, sizeof(fixed));
	for (size_t i = 0; i < nbad; i++) {
		tests[nfixed + i].name = bad_cases[i].name;
		tests[nfixed + i].test_func = test_bad;
		tests[nfixed + i].initial_state = (void *)&bad_cases[i];
	}
	rc = _cmocka_run_group_tests("config_load", tests, nfixed + nbad, NULL, NULL);
	free(tests);
	return rc;
}
