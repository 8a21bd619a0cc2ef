/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the control API's request handling: the input is one
 * or more request lines, parsed as the control socket does (ctl_server.c) and
 * handed to the real handlers (control/api_*.c) over a bridge made of plain
 * memory. NAT64's commands (pool4, bib, session, cgn, nat64, subscriber) go to
 * a second bridge, a nat64-mode daemon with CGN port blocks whose workers
 * answer the tables' questions with made-up entries (each kind, paged).
 * Every request must be answered (a reply object, or a message), and
 * whatever the requests did, the configuration must stay consistent: both
 * EAMT views hold the same entries in longest-prefix order, the lists stay in
 * bounds, and the running configuration dumps to a file that loads back.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "cgn.h"
#include "config_load.h"

static const char base_config[] =
	"{\"mode\": \"siit\", \"eal\": [\"-l\", \"0\"],"
	" \"ports\": [{\"name\": \"v6\", \"device\": \"net_null0\", \"addresses\": [\"2001:db8:6::1/64\"],"
	"   \"neighbors\": [{\"address\": \"2001:db8:6::2\", \"mac\": \"02:00:00:00:01:06\"}]},"
	"  {\"name\": \"v4\", \"device\": \"net_null1\", \"addresses\": [\"198.51.100.1/24\"]}],"
	" \"routes\": [{\"prefix\": \"203.0.113.0/24\", \"via\": \"198.51.100.2\", \"port\": \"v4\"}],"
	" \"control\": {\"socket\": \"/tmp/fuzz.sock\"},"
	" \"global\": {\"pool6\": \"64:ff9b::/96\"},"
	" \"eamt\": [{\"ipv6 prefix\": \"2001:db8:6::2\", \"ipv4 prefix\": \"192.0.2.2\"},"
	"          {\"ipv6 prefix\": \"2001:db8:6:100::/120\", \"ipv4 prefix\": \"203.0.113.0/24\"}],"
	" \"denylist4\": [\"192.168.0.0/16\"]}";

static const char nat64_config[] =
	"{\"mode\": \"nat64\", \"eal\": [\"-l\", \"0\"],"
	" \"ports\": [{\"name\": \"v6\", \"device\": \"net_null0\", \"addresses\": [\"2001:db8:6::1/64\"]},"
	"  {\"name\": \"v4\", \"device\": \"net_null1\", \"addresses\": [\"198.51.100.1/24\"]}],"
	" \"routes\": [{\"prefix\": \"203.0.113.0/24\", \"via\": \"198.51.100.2\", \"port\": \"v4\"}],"
	" \"control\": {\"socket\": \"/tmp/fuzz64.sock\"},"
	" \"global\": {\"pool6\": \"64:ff9b::/96\"},"
	" \"pool4\": [{\"protocol\": \"UDP\", \"prefix\": \"192.0.2.0/30\", \"port range\": \"2000-2999\"},"
	"            {\"protocol\": \"TCP\", \"prefix\": \"192.0.2.1/32\"}],"
	" \"bib\": [{\"protocol\": \"UDP\", \"ipv6 address\": \"2001:db8:6::3#53\", \"ipv4 address\": \"192.0.2.1#53\"}],"
	" \"cgn\": {\"port-blocks\": {\"block-size\": 64}, \"max-ports\": {\"UDP\": 100}}}";

static struct appcfg boot, boot64;
static struct xlat_config cur, work, cur64;
static struct api_bridge br, br64;
static struct ctl_command cmds[32], cmds64[32];
static unsigned n_cmds, n_cmds64;

/* opaque: the configuration in force of that bridge (cur or cur64) */
static void m_read(void *o, struct xlat_config *out)
{
	*out = *(struct xlat_config *)o;
}

static int m_update(void *o, api_edit_fn fn, void *arg, char *err, size_t errlen)
{
	int rc;

	work = *(struct xlat_config *)o;
	rc = fn(&work, arg, err, errlen);
	if (rc == 0)
		*(struct xlat_config *)o = work;
	return rc < 0 ? -1 : rc;
}

/* ---- the NAT64 bridge's workers: a few made-up entries per question, three pages of them */

static void m_session(struct nat64_session_info *s, uint32_t i, const struct nat64_filter *f)
{
	memset(s, 0, sizeof(*s));
	s->proto = f->proto ? f->proto : (uint8_t[]){ 6, 17, 1 }[i % 3];
	memcpy(s->addr6, f->addr6, 16);
	s->addr6[15] ^= (uint8_t)(f->plen6 < 128 ? i : 0);
	s->port6 = (uint16_t)(1000 + i);
	s->local4 = f->has4 ? f->addr4 : 0x010200c0u;
	s->lport = (uint16_t)(2000 + i);
	s->remote4 = 0x057100cbu;
	s->rport = 53;
	s->state = (uint8_t)(i % 9); /* 8: a state no name is known for */
	s->expires_ms = i * 1000u;
}

static int m_query(void *o, unsigned w, const struct api_query *q, union api_query_out *out, uint32_t *next,
		   char *err, size_t errlen)
{
	unsigned n = q->max < 3 ? q->max : 3;

	(void)o;
	if (w >= 2 || q->pos > 8) {
		snprintf(err, errlen, "worker %u: bad question", w);
		return -1;
	}
	if (q->kind == API_Q_CGN_SUB) { /* one answer, whatever max says */
		memset(&out->cgn, 0, sizeof(out->cgn));
		out->cgn.found = w == 1;
		out->cgn.n_blocks = 70; /* more than are listed */
		for (unsigned b = 0; b < CGN_INFO_BLOCKS; b++) {
			out->cgn.blk[b].proto = 17;
			out->cgn.blk[b].addr4 = 0x010200c0u;
			out->cgn.blk[b].first = (uint16_t)(2000 + 64 * b);
			out->cgn.blk[b].last = (uint16_t)(2063 + 64 * b);
			out->cgn.blk[b].used = b;
		}
		*next = 0;
		return 1;
	}
	*next = q->pos < 6 ? q->pos + 3 : 0;
	for (unsigned i = 0; i < n; i++) {
		uint32_t k = q->pos + i;
		struct nat64_session_info s;
		m_session(&s, k, &q->f);
		if (q->kind == API_Q_SESSIONS) {
			out->sess[i] = s;
		} else if (q->kind == API_Q_BIBS) {
			out->bib[i] = (struct nat64_bib_info){ .proto = s.proto, .port6 = s.port6, .addr4 = s.local4,
							       .port4 = s.lport };
			memcpy(out->bib[i].addr6, s.addr6, 16);
		} else {
			memset(&out->sub[i], 0, sizeof(out->sub[i]));
			cgn_subscriber(s.addr6, q->plen, out->sub[i].prefix);
			(q->kind == API_Q_SUB_BIBS ? out->sub[i].bib : out->sub[i].sess)[k % 3] = k + 1;
		}
	}
	return (int)n;
}

static int m_occupancy(void *o, unsigned w, struct nat64_occupancy *out)
{
	(void)o;
	*out = (struct nat64_occupancy){ .sess = { w, 2 * w, 3 }, .bib = { 1, w, 0 }, .max = 65536, .uncounted = w };
	return w < 2 ? 0 : -1;
}

static int m_addr_use(void *o, unsigned w, struct nat64_addr_use *out, unsigned max)
{
	static const struct nat64_addr_use u[] = { { 17, 0x010200c0u, 5 }, { 6, 0x010200c0u, 1 }, { 17, 0x090200c0u, 2 } };

	(void)o;
	if (max < 3)
		return -1;
	memcpy(out, u, sizeof(u));
	return 3 - (int)w;
}

static unsigned m_n_workers(void *o)
{
	(void)o;
	return 2;
}

static unsigned m_lcore(void *o, unsigned w)
{
	(void)o;
	return w * 2;
}

static void m_counters(void *o, int who, uint64_t out[XSTAT_MAX])
{
	(void)o;
	for (unsigned s = 0; s < XSTAT_MAX; s++)
		out[s] = (uint64_t)(s % 3) * (uint64_t)(who + 3);
}

static int m_port_info(void *o, unsigned idx, struct api_port_info *pi, char *err, size_t errlen)
{
	(void)o;
	if (idx >= boot.n_ports) {
		snprintf(err, errlen, "no port %u", idx);
		return -1;
	}
	pi->port_id = (uint16_t)idx;
	snprintf(pi->driver, sizeof(pi->driver), "net_null");
	pi->mtu = boot.ports[idx].mtu;
	pi->link_up = idx == 0;
	pi->rx_packets = 10 + idx;
	pi->rates_valid = idx == 1;
	pi->rx_pps = 1.5;
	return 0;
}

static json_t *m_xstats(void *o, unsigned idx, char *err, size_t errlen)
{
	(void)o;
	(void)err;
	(void)errlen;
	return json_pack("{s:I}", "rx_good_packets", (json_int_t)idx);
}

static void m_neigh_walk(void *o, void (*fn)(void *arg, const struct api_neigh *n), void *arg)
{
	struct api_neigh n = { .port = 1, .family = 4, .addr = { 198, 51, 100, 2 }, .mac = { 2, 0, 0, 0, 1, 4 } };

	(void)o;
	fn(arg, &n);
	n.port = 0;
	n.family = 6;
	memcpy(n.addr, boot.ports[0].neigh[0].addr, 16);
	fn(arg, &n);
	n.port = 7; /* out of range: must be ignored */
	fn(arg, &n);
}

static void init(void)
{
	char err[512];

	if (appcfg_load_string(base_config, sizeof(base_config) - 1, "base", &boot, err, sizeof(err)) != 0) {
		fprintf(stderr, "base configuration: %s\n", err);
		abort();
	}
	br = (struct api_bridge){
		.opaque = &cur,
		.boot = &boot,
		.config_path = NULL,
		.xlat_read = m_read,
		.xlat_update = m_update,
		.n_workers = m_n_workers,
		.worker_lcore = m_lcore,
		.counters = m_counters,
		.port_info = m_port_info,
		.port_xstats = m_xstats,
		.neigh_walk = m_neigh_walk,
	};
	n_cmds = api_commands(&br, cmds, 32);
	if (appcfg_load_string(nat64_config, sizeof(nat64_config) - 1, "nat64", &boot64, err, sizeof(err)) != 0) {
		fprintf(stderr, "NAT64 configuration: %s\n", err);
		abort();
	}
	br64 = br;
	br64.opaque = &cur64;
	br64.boot = &boot64;
	br64.nat64_query = m_query;
	br64.nat64_occupancy = m_occupancy;
	br64.nat64_addr_use = m_addr_use;
	n_cmds64 = api_commands(&br64, cmds64, 32);
}

/* NAT64's commands go to the nat64-mode bridge. */
static bool nat64_command(const char *name)
{
	static const char *const n[] = { "pool4", "bib", "session", "cgn", "nat64", "subscriber", NULL };

	for (unsigned i = 0; n[i]; i++)
		if (!strcmp(name, n[i]))
			return true;
	return false;
}

static void check_eamt(const struct eamt *t)
{
	if (t->n > EAMT_MAX)
		abort();
	for (unsigned i = 0; i < t->n; i++) {
		unsigned k;

		if (i && (t->by6[i - 1].p6.len < t->by6[i].p6.len || t->by4[i - 1].p4.len < t->by4[i].p4.len))
			abort(); /* not longest-first */
		for (k = 0; k < t->n; k++)
			if (t->by4[k].p4.addr == t->by6[i].p4.addr && t->by4[k].p4.len == t->by6[i].p4.len &&
			    t->by4[k].p6.len == t->by6[i].p6.len && memcmp(t->by4[k].p6.addr, t->by6[i].p6.addr, 16) == 0)
				break;
		if (k == t->n)
			abort(); /* the two views disagree */
	}
}

static void check_state(void)
{
	static struct appcfg back;
	json_t *dump;
	char *txt, err[512];

	check_eamt(&cur.eamt);
	if (cur.n_denylist4 > XLAT_MAX_DENYLIST4 || cur64.n_pool4 > POOL4_MAX || cur64.n_bib > BIB_STATIC_MAX)
		abort();
	dump = api_config_dump(&br);
	txt = dump ? json_dumps(dump, JSON_COMPACT) : NULL;
	if (!txt)
		abort();
	if (appcfg_load_string(txt, strlen(txt), "dump", &back, err, sizeof(err)) != 0) {
		fprintf(stderr, "the running configuration does not load back: %s\n%s\n", err, txt);
		abort();
	}
	appcfg_free(&back);
	free(txt);
	json_decref(dump);
}

static void one_request(const char *line, size_t len)
{
	json_error_t je;
	/* the flags ctl_server.c decodes with: any JSON value; a non-object is refused below, as there */
	json_t *req = json_loadb(line, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &je), *cmd, *res;
	char err[512];

	if (!req)
		return;
	cmd = json_object_get(req, "command");
	/* the fuzzer does not get to read files */
	if (!json_is_object(req) || !json_is_string(cmd) || json_object_get(req, "path")) {
		json_decref(req);
		return;
	}
	bool n64 = nat64_command(json_string_value(cmd));
	const struct ctl_command *tab = n64 ? cmds64 : cmds;
	for (unsigned i = 0; i < (n64 ? n_cmds64 : n_cmds); i++) {
		if (strcmp(tab[i].name, json_string_value(cmd)) != 0)
			continue;
		err[0] = '\0';
		res = tab[i].fn(tab[i].opaque, req, err, sizeof(err));
		if (res) {
			char *s;

			if (!json_is_object(res))
				abort();
			s = json_dumps(res, JSON_COMPACT); /* the reply must serialise */
			if (!s)
				abort();
			free(s);
			json_decref(res);
		} else if (!err[0] || !memchr(err, '\0', sizeof(err))) {
			fprintf(stderr, "a request failed without a message: %.*s\n", (int)len, line);
			abort();
		}
		break;
	}
	json_decref(req);
	check_state();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	const char *p = (const char *)data, *end = p + size;

	if (!ready) {
		init();
		ready = true;
	}
	if (size > 64 * 1024)
		return 0;
	/* every input starts from the base configuration */
	cur = boot.xlat;
	cur64 = boot64.xlat;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);

		one_request(p, len);
		p += len + 1;
	}
	return 0;
}
