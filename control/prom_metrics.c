/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * xlat64-exporter's metrics (prom.h): one scrape of xlat64d's control socket
 * (version, stats per worker, ports, and for NAT64 the tables and CGN state)
 * turned into Prometheus' text exposition format, version 0.0.4: a HELP and a
 * TYPE line per family, counters named *_total, units in the names, labels for
 * the worker, the port, the protocol.
 *
 * The translator's counters (lib/stats.h) keep their names, lowercased, without
 * the XLAT_ prefix (Jool's JSTAT_ ones keep theirs, which Jool users know):
 * JSTAT_SUCCESS is xlat64_jstat_success_total{worker="0"}, XLAT_RX is
 * xlat64_rx_total. The few gauges among them have no _total.
 */
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "prom.h"
#include "stats.h"

const int prom_codes[PROM_N_CODES] = { 200, 400, 404, 405, 408, 431, 503, 0 };

void prom_count_response(struct prom *p, int code)
{
	unsigned i = 0;

	while (i < PROM_N_CODES - 1 && prom_codes[i] != code)
		i++;
	p->resp[i]++;
}

/* ------------------------------------------------------------ the socket */

/* One request and its reply, within p->timeout_ms in all (xlat64ctl's transport, cli_call.c); NULL with err. */
static json_t *call(const struct prom *p, const char *req, char *err, size_t errlen)
{
	struct cli_opts o = { .socket = p->socket, .timeout_ms = p->timeout_ms };
	json_t *rq = json_loads(req, 0, NULL), *r = rq ? cli_call(&o, rq) : NULL;

	json_decref(rq);
	if (!r || !json_is_true(json_object_get(r, "ok"))) {
		const char *m = json_string_value(json_object_get(json_object_get(r, "error"), "message"));
		snprintf(err, errlen, "%s: %s", p->socket, m ? m : "no reply (see above)");
		json_decref(r);
		return NULL;
	}
	return r;
}

/* ------------------------------------------------------------ the text */

struct out {
	char *b;
	size_t len, cap;
	bool oom;
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;

	for (;;) {
		va_start(ap, fmt);
		int n = vsnprintf(o->b + o->len, o->cap - o->len, fmt, ap);
		va_end(ap);
		if (n < 0)
			return;
		if (o->len + (size_t)n < o->cap) {
			o->len += (size_t)n;
			return;
		}
		size_t cap = o->cap ? o->cap * 2 : 65536;
		while (cap <= o->len + (size_t)n)
			cap *= 2;
		char *nb = realloc(o->b, cap);
		if (!nb) {
			o->oom = true;
			return;
		}
		o->b = nb;
		o->cap = cap;
	}
}

static void family(struct out *o, const char *name, const char *type, const char *help)
{
	put(o, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static bool is_gauge(enum xlat_stat s)
{
	return s == XLAT_MBUF_IN_USE || s == XLAT_EXC_MBUF_IN_USE || s == XLAT_CGN_SUBSCRIBERS || s == XLAT_CGN_BLOCKS;
}

/* xlat64_<counter, lowercased, without XLAT_>[_total] */
static void stat_name(enum xlat_stat s, char *out, size_t len)
{
	const char *n = xlat_stat_name(s);
	size_t k = 0;

	if (!strncmp(n, "XLAT_", 5))
		n += 5;
	k = (size_t)snprintf(out, len, "xlat64_");
	for (; *n && k + 1 < len; n++)
		out[k++] = (char)(*n >= 'A' && *n <= 'Z' ? *n + 32 : *n);
	out[k] = '\0';
	if (!is_gauge(s))
		snprintf(out + k, len - k, "_total");
}

static void counters(struct out *o, json_t *stats)
{
	json_t *cores = json_object_get(stats, "per-core");

	for (unsigned s = 0; s < XSTAT_MAX; s++) {
		char name[96];
		stat_name((enum xlat_stat)s, name, sizeof(name));
		family(o, name, is_gauge((enum xlat_stat)s) ? "gauge" : "counter", xlat_stat_desc((enum xlat_stat)s));
		size_t i;
		json_t *c;
		json_array_foreach(cores, i, c) {
			json_int_t v = json_integer_value(json_object_get(json_object_get(c, "counters"),
								     xlat_stat_name((enum xlat_stat)s)));
			json_t *w = json_object_get(c, "worker");
			if (w)
				put(o, "%s{thread=\"worker\",worker=\"%lld\"} %lld\n", name, (long long)json_integer_value(w),
				    (long long)v);
			else
				put(o, "%s{thread=\"control\"} %lld\n", name, (long long)v);
		}
	}
}

/*
 * Every drop reason in one family, summed over the threads: what a dashboard's
 * "drops by reason" panel asks (sum by (reason) (rate(...))) without naming
 * each counter. The reason is the counter's metric name without xlat64_ and _total.
 */
static void drops(struct out *o, json_t *stats)
{
	json_t *sum = json_object_get(stats, "counters");

	family(o, "xlat64_dropped_packets_total", "counter",
	       "packets dropped or refused, by reason (each a counter above, summed over the threads)");
	for (unsigned s = 0; s < XSTAT_MAX; s++) {
		char name[96];
		if (!xlat_stat_is_drop((enum xlat_stat)s))
			continue;
		stat_name((enum xlat_stat)s, name, sizeof(name));
		size_t len = strlen(name) - strlen("_total");
		put(o, "xlat64_dropped_packets_total{reason=\"%.*s\"} %lld\n", (int)(len - strlen("xlat64_")),
		    name + strlen("xlat64_"),
		    (long long)json_integer_value(json_object_get(sum, xlat_stat_name((enum xlat_stat)s))));
	}
}

static void ports(struct out *o, json_t *reply)
{
	static const struct {
		const char *key, *name, *type, *help;
	} m[] = {
		{ "rx-packets", "xlat64_port_receive_packets_total", "counter", "frames received on the port" },
		{ "tx-packets", "xlat64_port_transmit_packets_total", "counter", "frames sent on the port" },
		{ "rx-bytes", "xlat64_port_receive_bytes_total", "counter", "bytes received on the port" },
		{ "tx-bytes", "xlat64_port_transmit_bytes_total", "counter", "bytes sent on the port" },
		{ "rx-missed", "xlat64_port_receive_missed_packets_total", "counter",
		  "frames the port dropped: its receive queue full (the workers behind)" },
		{ "rx-errors", "xlat64_port_receive_errors_total", "counter", "receive errors the port reports" },
		{ "tx-errors", "xlat64_port_transmit_errors_total", "counter", "transmit errors the port reports" },
		{ "rx-nombuf", "xlat64_port_receive_nombuf_total", "counter", "frames lost for want of an mbuf" },
		{ "mtu", "xlat64_port_mtu_bytes", "gauge", "the port's MTU (largest IP packet)" },
	};
	json_t *list = json_object_get(reply, "ports");

	for (size_t k = 0; k < sizeof(m) / sizeof(m[0]); k++) {
		family(o, m[k].name, m[k].type, m[k].help);
		size_t i;
		json_t *pt;
		json_array_foreach(list, i, pt)
			put(o, "%s{port=\"%s\"} %lld\n", m[k].name, json_string_value(json_object_get(pt, "name")),
			    (long long)json_integer_value(json_object_get(pt, m[k].key)));
	}
	size_t i;
	json_t *pt;
	/*
	 * DPDK's extended statistics, as the PMD names them (per queue, per size, the NIC's own): only in a
	 * reply with "xstats", and under the parent's name only (a VLAN sub-interface shares its device's).
	 */
	bool head = false;
	json_array_foreach(list, i, pt) {
		const char *name = json_string_value(json_object_get(pt, "name")), *key;
		json_t *v;
		if (json_object_get(pt, "parent"))
			continue;
		json_object_foreach(json_object_get(pt, "xstats"), key, v) {
			if (!head) {
				family(o, "xlat64_port_xstat", "untyped",
				       "the port's DPDK extended statistics (rte_eth_xstats_get), by the PMD's name for each");
				head = true;
			}
			put(o, "xlat64_port_xstat{port=\"%s\",name=\"%s\"} %lld\n", name, key,
			    (long long)json_integer_value(v));
		}
	}
	family(o, "xlat64_port_up", "gauge", "1 while the port's link is up");
	json_array_foreach(list, i, pt)
		put(o, "xlat64_port_up{port=\"%s\"} %d\n", json_string_value(json_object_get(pt, "name")),
		    json_is_true(json_object_get(json_object_get(pt, "link"), "up")));
}

/* NAT64: the tables per worker and protocol, pool4 addresses' ports in use ("nat64 status", if it answers). */
static void nat64(struct out *o, json_t *st)
{
	json_t *w = json_object_get(st, "workers");
	size_t i;
	json_t *x;
	static const char *const protos[] = { "tcp", "udp", "icmp" };

	family(o, "xlat64_nat64_sessions", "gauge", "NAT64 sessions in a worker's table, by protocol");
	json_array_foreach(w, i, x)
		for (unsigned k = 0; k < 3; k++)
			put(o, "xlat64_nat64_sessions{worker=\"%zu\",protocol=\"%s\"} %lld\n", i, protos[k],
			    (long long)json_integer_value(json_object_get(json_object_get(x, "sessions"), protos[k])));
	family(o, "xlat64_nat64_bib_entries", "gauge", "NAT64 BIB entries in a worker's table, by protocol");
	json_array_foreach(w, i, x)
		for (unsigned k = 0; k < 3; k++)
			put(o, "xlat64_nat64_bib_entries{worker=\"%zu\",protocol=\"%s\"} %lld\n", i, protos[k],
			    (long long)json_integer_value(json_object_get(json_object_get(x, "bib"), protos[k])));
	family(o, "xlat64_nat64_sessions_max", "gauge", "NAT64 sessions a worker's table holds at most");
	json_array_foreach(w, i, x)
		put(o, "xlat64_nat64_sessions_max{worker=\"%zu\"} %lld\n", i,
		    (long long)json_integer_value(json_object_get(x, "max-sessions")));
	family(o, "xlat64_pool4_ports_used", "gauge",
	       "pool4 ports (ICMP: identifiers) held by BIB entries, by address and protocol");
	family(o, "xlat64_pool4_ports", "gauge", "pool4 ports (ICMP: identifiers) configured, by address and protocol");
	json_array_foreach(json_object_get(st, "pool4"), i, x) {
		const char *a = json_string_value(json_object_get(x, "address"));
		const char *pr = json_string_value(json_object_get(x, "protocol"));
		char lc[8] = "";
		for (unsigned k = 0; pr && pr[k] && k + 1 < sizeof(lc); k++) /* "TCP" -> "tcp", as the tables' labels */
			lc[k] = (char)(pr[k] >= 'A' && pr[k] <= 'Z' ? pr[k] + 32 : pr[k]);
		put(o, "xlat64_pool4_ports_used{address=\"%s\",protocol=\"%s\"} %lld\n", a, lc,
		    (long long)json_integer_value(json_object_get(x, "used")));
		put(o, "xlat64_pool4_ports{address=\"%s\",protocol=\"%s\"} %lld\n", a, lc,
		    (long long)json_integer_value(json_object_get(x, "ports")));
	}
}

static void self(struct out *o, const struct prom *p, bool up, json_t *version)
{
	family(o, "xlat64_up", "gauge", "1 when xlat64d answered the last scrape");
	put(o, "xlat64_up %d\n", up);
	if (version) {
		family(o, "xlat64_info", "gauge", "the daemon's version and mode (always 1)");
		put(o, "xlat64_info{version=\"%s\",mode=\"%s\",dpdk=\"%s\"} 1\n",
		    json_string_value(json_object_get(version, "version")), json_string_value(json_object_get(version, "mode")),
		    json_string_value(json_object_get(version, "dpdk")));
		family(o, "xlat64_uptime_seconds", "gauge", "seconds since xlat64d started");
		put(o, "xlat64_uptime_seconds %lld\n", (long long)json_integer_value(json_object_get(version, "uptime-s")));
		family(o, "xlat64_workers", "gauge", "worker lcores");
		put(o, "xlat64_workers %lld\n", (long long)json_integer_value(json_object_get(version, "workers")));
		family(o, "xlat64_tsc_hertz", "gauge",
		       "TSC cycles per second: a worker's load is rate(xlat64_busy_cycles_total) / xlat64_tsc_hertz");
		put(o, "xlat64_tsc_hertz %lld\n", (long long)json_integer_value(json_object_get(version, "tsc-hz")));
	}
	family(o, "xlat64_exporter_scrapes_total", "counter", "scrapes of xlat64d's control socket");
	put(o, "xlat64_exporter_scrapes_total %llu\n", (unsigned long long)p->scrapes);
	family(o, "xlat64_exporter_scrape_errors_total", "counter", "scrapes that got no whole answer");
	put(o, "xlat64_exporter_scrape_errors_total %llu\n", (unsigned long long)p->scrape_errors);
	family(o, "xlat64_exporter_http_responses_total", "counter", "HTTP responses by status code (other: 0)");
	for (unsigned i = 0; i < PROM_N_CODES; i++)
		put(o, "xlat64_exporter_http_responses_total{code=\"%d\"} %llu\n", prom_codes[i],
		    (unsigned long long)p->resp[i]);
}

static void scrape(struct prom *p)
{
	struct out o = { 0 };
	char err[512];
	json_t *version, *stats = NULL, *pt = NULL, *st = NULL;

	p->scrapes++;
	version = call(p, "{\"command\":\"version\"}", err, sizeof(err));
	if (version && (stats = call(p, "{\"command\":\"stats\",\"all\":true,\"per-core\":true}", err, sizeof(err))) &&
	    /* the ports without their xstats rather than no scrape, if a PMD cannot give them this time */
	    ((p->xstats && (pt = call(p, "{\"command\":\"ports\",\"xstats\":true}", err, sizeof(err)))) ||
	     (pt = call(p, "{\"command\":\"ports\"}", err, sizeof(err))))) {
		counters(&o, stats);
		drops(&o, stats);
		ports(&o, pt);
		const char *mode = json_string_value(json_object_get(version, "mode"));
		if (mode && !strcmp(mode, "nat64") &&
		    (st = call(p, "{\"command\":\"nat64\",\"op\":\"status\"}", err, sizeof(err))))
			nat64(&o, st);
	} else {
		p->scrape_errors++;
		fprintf(stderr, "xlat64-exporter: %s\n", err);
	}
	self(&o, p, version && stats && pt, version);
	json_decref(version);
	json_decref(stats);
	json_decref(pt);
	json_decref(st);
	if (o.oom) {
		free(o.b);
		return; /* keep the last body */
	}
	free(p->body);
	p->body = o.b;
	p->body_len = o.len;
	p->have_body = true;
	p->body_at_ms = prom_now_ms();
}

const char *prom_metrics(struct prom *p, size_t *len)
{
	if (!p->have_body || prom_now_ms() - p->body_at_ms >= PROM_MIN_INTERVAL_MS)
		scrape(p);
	*len = p->have_body ? p->body_len : 0;
	return p->have_body ? p->body : "";
}
