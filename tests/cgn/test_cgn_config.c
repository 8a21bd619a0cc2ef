/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The "cgn" configuration section (control/config_load.c, doc/configuration.md#cgn): values and
 * defaults, the dump loading back to the same thing, and each invalid section refused with a message
 * naming the field and the reason; appcfg_cgn_parse as the control API uses it. And the exporter
 * (control/natlog_export.c) sending to a socket of ours: template refresh, sequence numbers, syslog.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "appcfg.h"
#include "config_fixture.h"
#include "config_load.h"
#include "ipfix.h"
#include "natlog_export.h"

static char err[512];

#define HEAD "{\"mode\": \"nat64\", \"global\": {\"pool6\": \"64:ff9b::/96\"}, \"pool4\": [" \
	     "{\"protocol\": \"UDP\", \"prefix\": \"192.0.2.0/30\", \"port range\": \"1024-65535\"}," \
	     "{\"protocol\": \"TCP\", \"prefix\": \"192.0.2.0/30\", \"port range\": \"1024-65535\"}], "

static void t_values(void **st)
{
	(void)st;
	struct appcfg *c = cfgfx_load(HEAD "\"cgn\": {\"subscriber-prefix-length\": 60, \"max-sessions\": 10, "
				     "\"max-ports\": {\"tcp\": 3, \"UDP\": 4}, \"port-blocks\": {\"block-size\": 128}, "
				     "\"logging\": {\"ipfix\": \"2001:db8::9#4739\", \"syslog\": \"192.0.2.9#514\", "
				     "\"observation-domain\": 5, \"template-refresh-s\": 30}}}");
	const struct cgn_config *g = &c->xlat.cgn;
	assert_true(g->enabled);
	assert_int_equal(g->subscriber_plen, 60);
	assert_int_equal(g->max_sessions, 10);
	assert_int_equal(g->max_ports[CGN_TCP], 3);
	assert_int_equal(g->max_ports[CGN_UDP], 4);
	assert_int_equal(g->max_ports[CGN_ICMP], 0);
	assert_int_equal(g->block_size, 128);
	assert_int_equal(g->max_blocks, CGN_DEFAULT_MAX_BLOCKS);
	assert_int_equal(g->log_events, CGN_LOG_BLOCK | CGN_LOG_QUOTA); /* PBA: blocks, not entries */
	assert_true(g->ipfix.set && g->ipfix.family == 6 && g->ipfix.port == 4739);
	assert_true(g->syslog.set && g->syslog.family == 4 && g->syslog.port == 514);
	assert_int_equal(g->observation_domain, 5);
	assert_int_equal(g->template_refresh_s, 30);
	/* the dump loads back into the same section */
	json_t *d = appcfg_to_json(c);
	char *s = json_dumps(d, 0);
	struct appcfg *c2 = cfgfx_load(s);
	assert_memory_equal(&c2->xlat.cgn, &c->xlat.cgn, sizeof(c->xlat.cgn));
	free(s);
	json_decref(d);
	cfgfx_free(c2);
	cfgfx_free(c);
	/* no section: nothing enabled, and nothing in the dump */
	c = cfgfx_load(HEAD "\"cgn\": null}");
	assert_false(c->xlat.cgn.enabled);
	d = appcfg_to_json(c);
	assert_null(json_object_get(d, "cgn"));
	json_decref(d);
	cfgfx_free(c);
	/* an empty section: enabled (ownership by /56), defaults */
	c = cfgfx_load(HEAD "\"cgn\": {}}");
	assert_true(c->xlat.cgn.enabled);
	assert_int_equal(c->xlat.cgn.subscriber_plen, 56);
	assert_int_equal(c->xlat.cgn.log_events, CGN_LOG_BIB | CGN_LOG_QUOTA);
	cfgfx_free(c);
	/* deterministic: quota events only, range defaults to 1024-65535 */
	c = cfgfx_load(HEAD "\"cgn\": {\"deterministic\": {\"ipv6 prefix\": \"2001:db8:100::/48\", "
		      "\"ipv4 prefix\": \"192.0.2.0/30\"}}}");
	assert_true(c->xlat.cgn.det.enabled);
	assert_int_equal(c->xlat.cgn.det.port_min, 1024);
	assert_int_equal(c->xlat.cgn.det.port_max, 65535);
	assert_int_equal(c->xlat.cgn.log_events, CGN_LOG_QUOTA);
	d = appcfg_to_json(c);
	s = json_dumps(d, 0);
	c2 = cfgfx_load(s);
	assert_memory_equal(&c2->xlat.cgn, &c->xlat.cgn, sizeof(c->xlat.cgn));
	free(s);
	json_decref(d);
	cfgfx_free(c2);
	cfgfx_free(c);
}

struct bad {
	const char *json, *msg;
};

static const struct bad bad[] = {
	{ "{\"mode\": \"siit\", \"cgn\": {}}", "t.json: cgn: cgn is a NAT64 setting; this file's mode is siit" },
	{ HEAD "\"cgn\": {\"max-sesions\": 1}}", "t.json: cgn: unknown key 'max-sesions' (did you mean 'max-sessions'?)" },
	{ HEAD "\"cgn\": {\"subscriber-prefix-length\": 129}}",
	  "t.json: cgn.subscriber-prefix-length: 129 is out of range (32..128)" },
	{ HEAD "\"cgn\": {\"max-ports\": {\"SCTP\": 1}}}", "t.json: cgn.max-ports: unknown key 'SCTP' (did you mean 'TCP'?)" },
	{ HEAD "\"cgn\": {\"port-blocks\": {\"max-blocks\": 2}}}", "t.json: cgn.port-blocks: missing \"block-size\"" },
	{ HEAD "\"cgn\": {\"port-blocks\": {\"block-size\": 1}}}",
	  "t.json: cgn.port-blocks.block-size: 1 is out of range (2..32768)" },
	{ HEAD "\"cgn\": {\"logging\": {\"events\": [\"bib\", \"flows\"]}}}",
	  "t.json: cgn.logging.events[1]: 'flows' is not one of \"bib\", \"session\", \"block\", \"quota\"" },
	{ HEAD "\"cgn\": {\"logging\": {\"ipfix\": \"192.0.2.9\"}}}", "t.json: cgn.logging.ipfix: '192.0.2.9' is not ADDRESS#PORT" },
	{ HEAD "\"cgn\": {\"logging\": {\"syslog\": \"192.0.2.9#0\"}}}", "t.json: cgn.logging.syslog: port 0 is not a destination" },
	{ HEAD "\"cgn\": {\"port-blocks\": {\"block-size\": 64}, \"deterministic\": {\"ipv6 prefix\": "
	       "\"2001:db8:100::/48\", \"ipv4 prefix\": \"192.0.2.0/30\"}}}",
	  "t.json: cgn: \"port-blocks\" and \"deterministic\" exclude each other" },
	{ HEAD "\"cgn\": {\"deterministic\": {\"ipv6 prefix\": \"2001:db8::/31\", \"ipv4 prefix\": \"192.0.2.0/30\"}}}",
	  "t.json: cgn: deterministic: more than 2^24 subscribers (subscriber prefix length - ipv6 prefix length > 24)" },
	{ HEAD "\"cgn\": {\"deterministic\": {\"ipv6 prefix\": \"2001:db8:100::/40\", \"ipv4 prefix\": \"192.0.2.0/30\", "
	       "\"port range\": \"1024-1100\"}}}",
	  "t.json: cgn: deterministic: fewer ports than subscribers per address: a subscriber would get no port" },
	{ HEAD "\"cgn\": {\"deterministic\": {\"ipv6 prefix\": \"2001:db8:100::/48\", \"ipv4 prefix\": \"192.0.2.0/29\"}}}",
	  "t.json: cgn: deterministic: 192.0.2.0/29 ports 1024-65535 is not within one TCP pool4 entry" },
	{ HEAD "\"cgn\": {\"deterministic\": {\"ipv6 prefix\": \"2001:db8:100::/48\"}}}",
	  "t.json: cgn.deterministic: missing \"ipv4 prefix\"" },
};

static void t_bad(void **st)
{
	(void)st;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct appcfg *c = calloc(1, sizeof(*c));
		if (appcfg_load_string(bad[i].json, strlen(bad[i].json), "t.json", c, err, sizeof(err)) == 0)
			fail_msg("case %zu loaded; expected: %s", i, bad[i].msg);
		if (strcmp(err, bad[i].msg) != 0)
			fail_msg("case %zu:\n  got      %s\n  expected %s", i, err, bad[i].msg);
		cfgfx_free(c);
	}
}

/* The control API's live change: limits and logging yes, ownership members no; the rest left as it was. */
static void t_live(void **st)
{
	(void)st;
	struct appcfg *c = cfgfx_load(HEAD "\"cgn\": {\"max-sessions\": 10, \"port-blocks\": {\"block-size\": 64}}}");
	json_error_t je;
	json_t *j = json_loads("{\"max-sessions\": 20, \"logging\": {\"events\": [\"quota\"]}}", 0, &je);
	assert_int_equal(appcfg_cgn_parse(j, "cgn", &c->xlat, false, err, sizeof(err)), 0);
	json_decref(j);
	assert_int_equal(c->xlat.cgn.max_sessions, 20);
	assert_int_equal(c->xlat.cgn.block_size, 64);
	assert_int_equal(c->xlat.cgn.log_events, CGN_LOG_QUOTA);
	j = json_loads("{\"subscriber-prefix-length\": 64}", 0, &je);
	assert_int_equal(appcfg_cgn_parse(j, "cgn", &c->xlat, false, err, sizeof(err)), -1);
	assert_string_equal(err, "cgn: \"subscriber-prefix-length\" decides which worker owns a flow: change it in the "
				 "file and restart");
	json_decref(j);
	j = json_loads("{\"deterministic\": null}", 0, &je);
	assert_int_equal(appcfg_cgn_parse(j, "cgn", &c->xlat, false, err, sizeof(err)), -1);
	json_decref(j);
	assert_int_equal(c->xlat.cgn.subscriber_plen, 56);
	cfgfx_free(c);
}

static int udp_listener(uint16_t *port)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t l = sizeof(a);
	struct timeval tv = { .tv_sec = 2 };

	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &l), 0);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	*port = ntohs(a.sin_port);
	return fd;
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void t_exporter(void **st)
{
	(void)st;
	uint16_t port, sport;
	int fd = udp_listener(&port), sfd = udp_listener(&sport);
	struct cgn_config c;
	uint64_t counters[XSTAT_MAX] = { 0 };
	struct natlog_event ev[3] = { { .time_ms = 1700000000001ull, .type = NATLOG_BIB_CREATE, .proto = 17, .port6 = 5,
				       .port4 = 2000 } };
	uint8_t buf[2048];

	cgn_config_init(&c);
	c.enabled = true;
	c.ipfix = (struct cgn_target){ .set = true, .family = 4, .port = port };
	c.syslog = (struct cgn_target){ .set = true, .family = 4, .port = sport };
	inet_pton(AF_INET, "127.0.0.1", c.ipfix.addr);
	inet_pton(AF_INET, "127.0.0.1", c.syslog.addr);
	c.observation_domain = 77;
	c.template_refresh_s = 60;
	inet_pton(AF_INET6, "2001:db8::1", ev[0].addr6);
	ev[1] = ev[0];
	ev[2] = ev[0];
	struct natlog_exporter *x = natlog_exporter_new();
	assert_non_null(x);
	/* first message: templates; 30 s later none; 61 s after the first, templates again */
	static const struct {
		uint64_t now;
		unsigned n;
		bool tpl;
		uint32_t seq;
	} steps[] = { { 1000, 1, true, 0 }, { 1030, 2, false, 1 }, { 1061, 1, true, 3 } };
	for (unsigned i = 0; i < 3; i++) {
		natlog_export(x, &c, ev, steps[i].n, steps[i].now, counters);
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		assert_true(n > 16);
		assert_int_equal(buf[0] << 8 | buf[1], 10);
		assert_int_equal(be32(buf + 4), steps[i].now);
		assert_int_equal(be32(buf + 8), steps[i].seq);
		assert_int_equal(be32(buf + 12), 77);
		assert_int_equal((buf[16] << 8 | buf[17]) == 2, steps[i].tpl);
	}
	/* a new collector gets the templates at once */
	uint16_t port2;
	int fd2 = udp_listener(&port2);
	c.ipfix.port = port2;
	natlog_export(x, &c, ev, 1, 1062, counters);
	ssize_t n = recv(fd2, buf, sizeof(buf), 0);
	assert_true(n > 20);
	assert_int_equal(buf[16] << 8 | buf[17], 2);
	/* syslog: one RFC 5424 line per event */
	char line[600];
	unsigned lines = 0;
	while ((n = recv(sfd, line, sizeof(line) - 1, MSG_DONTWAIT)) > 0) {
		line[n] = '\0';
		assert_non_null(strstr(line, "<134>1 2023-11-14T22:13:20.001Z "));
		assert_non_null(strstr(line, " xlat64d - NAT - NAT64 BIB create proto=UDP src=[2001:db8::1]:5 nat=0.0.0.0:2000"));
		lines++;
	}
	assert_int_equal(lines, 5);
	assert_int_equal(counters[XLAT_NATLOG_MSGS], 4 + 5);
	assert_int_equal(counters[XLAT_NATLOG_SEND_FAILED], 0);
	natlog_exporter_free(x);
	close(fd);
	close(fd2);
	close(sfd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_values),
		cmocka_unit_test(t_bad),
		cmocka_unit_test(t_live),
		cmocka_unit_test(t_exporter),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
