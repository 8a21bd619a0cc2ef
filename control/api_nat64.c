/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * NAT64 (RFC 6146): "pool4" add/remove/flush/list, "bib" add/remove/list
 * (static entries, changed live; the list adds the workers' dynamic ones) and
 * "session" list (paged, filtered). Changes go through the RCU publication of
 * the configuration; each worker then purges the BIB entries and sessions
 * that depended on what was removed (nat64_purge). Sessions are read by the
 * workers themselves on request (api_bridge.nat64_sessions).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api.h"
#include "config_load.h"
#include "nat64.h"

/* ------------------------------------------------------------- pool4 */

struct p4_args {
	const json_t *entry;
	uint8_t proto;
	struct prefix4 pfx;
	bool has_range;
	uint16_t lo, hi;
	unsigned removed, bib_removed;
};

/* Static BIB entries whose IPv4 side left pool4 go too (the loader's rule: they must be in pool4). */
static unsigned drop_orphan_bibs(struct xlat_config *c)
{
	unsigned n = 0, k = 0;

	for (unsigned i = 0; i < c->n_bib; i++) {
		bool in = false;
		for (unsigned j = 0; j < c->n_pool4 && !in; j++) {
			struct prefix4 p = { c->pool4[j].addr, c->pool4[j].plen };
			in = c->pool4[j].proto == c->bib[i].proto && prefix4_contains(&p, c->bib[i].addr4);
		}
		if (in)
			c->bib[k++] = c->bib[i];
		else
			n++;
	}
	c->n_bib = k;
	return n;
}

static bool same_pool4(const struct pool4_entry *a, const struct pool4_entry *b)
{
	return a->proto == b->proto && a->addr == b->addr && a->plen == b->plen && a->port_min == b->port_min &&
	       a->port_max == b->port_max && a->mark == b->mark;
}

static int p4_add(struct xlat_config *c, void *arg, char *err, size_t errlen)
{
	struct p4_args *a = arg;

	if (appcfg_pool4_parse_entry(a->entry, "pool4 add", c, err, errlen))
		return -1;
	for (unsigned i = 0; i + 1 < c->n_pool4; i++)
		if (same_pool4(&c->pool4[i], &c->pool4[c->n_pool4 - 1])) {
			api_fail(err, errlen, "pool4 already has this entry");
			return -1;
		}
	return 0;
}

static int p4_remove(struct xlat_config *c, void *arg, char *err, size_t errlen)
{
	struct p4_args *a = arg;
	unsigned k = 0;

	for (unsigned i = 0; i < c->n_pool4; i++) {
		const struct pool4_entry *e = &c->pool4[i];
		bool hit = e->addr == a->pfx.addr && e->plen == a->pfx.len && (!a->proto || e->proto == a->proto) &&
			   (!a->has_range || (e->port_min == a->lo && e->port_max == a->hi));
		if (hit)
			a->removed++;
		else
			c->pool4[k++] = *e;
	}
	c->n_pool4 = k;
	if (!a->removed) {
		api_fail(err, errlen, "no pool4 entry matches ({\"command\": \"pool4\"} lists them)");
		return -1;
	}
	a->bib_removed = drop_orphan_bibs(c);
	return 0;
}

static int p4_flush(struct xlat_config *c, void *arg, char *err, size_t errlen)
{
	struct p4_args *a = arg;

	(void)err;
	(void)errlen;
	a->removed = c->n_pool4;
	a->bib_removed = c->n_bib;
	c->n_pool4 = 0;
	c->n_bib = 0;
	return a->removed || a->bib_removed ? 0 : API_UNCHANGED;
}

static json_t *p4_list(const struct xlat_config *c, unsigned *count)
{
	*count = c->n_pool4;
	return appcfg_pool4_json(c);
}

/* add: the request's members are Jool's pool4 entry; the reply shows it as the dump does */
static json_t *pool4_add(const struct api_bridge *br, const json_t *req, struct p4_args *a, char *err, size_t errlen)
{
	static const char *const add_f[] = { "mark", "protocol", "prefix", "port range", "max-iterations", NULL };
	struct xlat_config *c;
	json_t *e, *all, *r;
	int rc;

	if (api_check_fields(req, "pool4 add", add_f, err, errlen))
		return NULL;
	e = json_deep_copy(req);
	if (!e)
		return api_fail(err, errlen, "out of memory");
	json_object_del(e, "command");
	json_object_del(e, "op");
	json_object_del(e, "id");
	a->entry = e;
	rc = br->xlat_update(br->opaque, p4_add, a, err, errlen);
	json_decref(e);
	if (rc < 0 || !(c = api_xlat_copy(br, err, errlen)))
		return NULL;
	all = appcfg_pool4_json(c);
	r = json_pack("{s:O}", "added", json_array_get(all, json_array_size(all) - 1));
	json_decref(all);
	free(c);
	return r;
}

/* A "port range" read by the loader's rules (a one-entry pool4 parsed): 0, or -1 with err. */
static int port_range(const json_t *prefix, const json_t *range, struct p4_args *a, char *err, size_t errlen)
{
	struct xlat_config *tmp = calloc(1, sizeof(*tmp));
	json_t *e = json_pack("{s:s, s:O, s:O}", "protocol", "TCP", "prefix", prefix, "port range", range);
	int rc = tmp && e ? appcfg_pool4_parse_entry(e, "pool4 remove", tmp, err, errlen) : -1;

	if (rc == 0) {
		a->lo = tmp->pool4[0].port_min;
		a->hi = tmp->pool4[0].port_max;
		a->has_range = true;
	} else if (!tmp || !e) {
		api_fail(err, errlen, "out of memory");
	}
	free(tmp);
	json_decref(e);
	return rc;
}

/* remove: by prefix, optionally narrowed by protocol and port range */
static json_t *pool4_remove(const struct api_bridge *br, const json_t *req, struct p4_args *a, char *err,
			    size_t errlen)
{
	static const char *const rm_f[] = { "protocol", "prefix", "port range", NULL };
	const json_t *jp = json_object_get(req, "prefix"), *jr = json_object_get(req, "port range");

	if (api_check_fields(req, "pool4 remove", rm_f, err, errlen))
		return NULL;
	if (!jp)
		return api_fail(err, errlen, "pool4 remove needs \"prefix\" (and optionally \"protocol\", \"port range\")");
	if (appcfg_prefix4_parse(jp, "prefix", &a->pfx, err, errlen) || api_get_proto(req, &a->proto, err, errlen) ||
	    (jr && port_range(jp, jr, a, err, errlen)) || br->xlat_update(br->opaque, p4_remove, a, err, errlen) < 0)
		return NULL;
	return json_pack("{s:i, s:i}", "removed", (int)a->removed, "bib-removed", (int)a->bib_removed);
}

json_t *api_cmd_pool4(void *opaque, const json_t *req, char *err, size_t errlen)
{
	static const char *const ops[] = { "list", "add", "remove", "flush", NULL };
	const struct api_bridge *br = opaque;
	struct p4_args a;
	const char *op;
	json_t *r;

	memset(&a, 0, sizeof(a));
	if (api_get_op(req, "pool4", ops, "list", &op, err, errlen) || api_need_nat64(br, "pool4", err, errlen))
		return NULL;
	if (!strcmp(op, "list"))
		return api_list(br, req, "pool4 list", "pool4", p4_list, POOL4_MAX, err, errlen);
	if (!strcmp(op, "flush")) {
		/* the static BIB entries go with pool4 (they must be in it) */
		r = api_flush(br, req, "pool4 flush", p4_flush, &a, &a.removed, err, errlen);
		if (r)
			json_object_set_new(r, "bib-removed", json_integer((int)a.bib_removed));
		return r;
	}
	if (!strcmp(op, "add"))
		return pool4_add(br, req, &a, err, errlen);
	return pool4_remove(br, req, &a, err, errlen);
}

/* --------------------------------------------------------------- bib */

struct bib_args {
	const json_t *entry;
	uint8_t proto;
	bool has6, has4;
	uint8_t a6[16];
	uint16_t p6, p4;
	uint32_t a4;
	struct bib_static removed;
};

static int bib_add_edit(struct xlat_config *c, void *arg, char *err, size_t errlen)
{
	struct bib_args *a = arg;

	if (appcfg_bib_parse_entry(a->entry, "bib add", c, err, errlen))
		return -1;
	a->removed = c->bib[c->n_bib - 1];
	return 0;
}

static int bib_remove_edit(struct xlat_config *c, void *arg, char *err, size_t errlen)
{
	struct bib_args *a = arg;

	for (unsigned i = 0; i < c->n_bib; i++) {
		const struct bib_static *b = &c->bib[i];
		if (b->proto != a->proto || (a->has6 && (b->port6 != a->p6 || memcmp(b->addr6, a->a6, 16))) ||
		    (a->has4 && (b->addr4 != a->a4 || b->port4 != a->p4)))
			continue;
		a->removed = *b;
		memmove(&c->bib[i], &c->bib[i + 1], sizeof(c->bib[0]) * (c->n_bib - i - 1));
		c->n_bib--;
		return 0;
	}
	api_fail(err, errlen, "no static %s BIB entry matches ({\"command\": \"bib\"} lists them)",
		 api_proto_name(a->proto));
	return -1;
}

json_t *api_bib_json(uint8_t proto, const uint8_t *a6, uint16_t p6, uint32_t a4, uint16_t p4, bool is_static)
{
	return json_pack("{s:s, s:o, s:o, s:b}", "protocol", api_proto_name(proto), "ipv6 address", api_taddr(6, a6, p6),
			 "ipv4 address", api_taddr(4, &a4, p4), "static", is_static);
}

/* "A#P" with the loader's rules (a throwaway static entry parsed against a pool4 that takes anything). */
static int parse_pair(const json_t *req, struct bib_args *a, char *err, size_t errlen)
{
	const json_t *j6 = json_object_get(req, "ipv6 address"), *j4 = json_object_get(req, "ipv4 address");
	struct xlat_config *tmp;
	json_t *e;
	int rc;

	if (!j6 && !j4) {
		api_fail(err, errlen, "bib remove needs \"protocol\" and \"ipv6 address\", \"ipv4 address\" or both");
		return -1;
	}
	tmp = calloc(1, sizeof(*tmp));
	e = json_pack("{s:s, s:o, s:o}", "protocol", api_proto_name(a->proto), "ipv6 address",
		      j6 ? json_incref((json_t *)(uintptr_t)j6) : json_string("::#0"), "ipv4 address",
		      j4 ? json_incref((json_t *)(uintptr_t)j4) : json_string("0.0.0.0#0"));
	if (!tmp || !e) {
		free(tmp);
		json_decref(e);
		api_fail(err, errlen, "out of memory");
		return -1;
	}
	tmp->n_pool4 = 1;
	tmp->pool4[0] = (struct pool4_entry){ .proto = a->proto, .addr = 0, .plen = 0, .port_min = 0, .port_max = 65535 };
	rc = appcfg_bib_parse_entry(e, "bib remove", tmp, err, errlen);
	if (rc == 0) {
		a->has6 = j6 != NULL;
		a->has4 = j4 != NULL;
		memcpy(a->a6, tmp->bib[0].addr6, 16);
		a->p6 = tmp->bib[0].port6;
		a->a4 = tmp->bib[0].addr4;
		a->p4 = tmp->bib[0].port4;
	}
	free(tmp);
	json_decref(e);
	return rc;
}

/* Dynamic BIB entries: those of the sessions (a dynamic entry lives as long as it has sessions). */
static int bib_dynamic(const struct api_bridge *br, uint8_t proto, const struct xlat_config *c, json_t *arr,
		       char *err, size_t errlen)
{
	struct api_session_filter f = { .proto = proto };
	struct nat64_session_info *buf = malloc(sizeof(*buf) * API_SESSION_BATCH);
	json_t *seen = json_object();

	if (!buf || !seen) {
		free(buf);
		json_decref(seen);
		api_fail(err, errlen, "out of memory");
		return -1;
	}
	for (unsigned w = 0; br->nat64_sessions && w < br->n_workers(br->opaque); w++) {
		uint32_t pos = 0, next;
		do {
			int n = br->nat64_sessions(br->opaque, w, pos, &f, buf, API_SESSION_BATCH, &next, err, errlen);
			if (n < 0) {
				free(buf);
				json_decref(seen);
				return -1;
			}
			for (int i = 0; i < n; i++) {
				const struct nat64_session_info *s = &buf[i];
				bool st = false;
				char key[96];

				for (unsigned k = 0; k < c->n_bib && !st; k++)
					st = c->bib[k].proto == s->proto && c->bib[k].addr4 == s->local4 &&
					     c->bib[k].port4 == s->lport && c->bib[k].port6 == s->port6 &&
					     !memcmp(c->bib[k].addr6, s->addr6, 16);
				if (st)
					continue;
				snprintf(key, sizeof(key), "%u/%08x/%u", s->proto, s->local4, s->lport);
				if (json_object_get(seen, key))
					continue;
				json_object_set_new(seen, key, json_true());
				json_t *o = api_bib_json(s->proto, s->addr6, s->port6, s->local4, s->lport, false);
				json_object_set_new(o, "worker", json_integer(w));
				json_array_append_new(arr, o);
			}
			pos = next;
		} while (pos);
	}
	free(buf);
	json_decref(seen);
	return 0;
}

json_t *api_cmd_bib(void *opaque, const json_t *req, char *err, size_t errlen)
{
	static const char *const ops[] = { "list", "add", "remove", NULL };
	static const char *const list_f[] = { "protocol", "static-only", NULL };
	static const char *const f3[] = { "protocol", "ipv6 address", "ipv4 address", NULL };
	const struct api_bridge *br = opaque;
	struct bib_args a;
	const char *op;

	memset(&a, 0, sizeof(a));
	if (api_get_op(req, "bib", ops, "list", &op, err, errlen) || api_need_nat64(br, "bib", err, errlen))
		return NULL;
	if (!strcmp(op, "list")) {
		struct xlat_config *c;
		bool static_only;
		json_t *arr, *r;
		unsigned n_static = 0;

		if (api_check_fields(req, "bib list", list_f, err, errlen) || api_get_proto(req, &a.proto, err, errlen) ||
		    api_get_bool(req, "static-only", false, &static_only, err, errlen) ||
		    !(c = api_xlat_copy(br, err, errlen)))
			return NULL;
		arr = json_array();
		for (unsigned i = 0; arr && i < c->n_bib; i++) {
			const struct bib_static *b = &c->bib[i];
			if (a.proto && b->proto != a.proto)
				continue;
			json_array_append_new(arr, api_bib_json(b->proto, b->addr6, b->port6, b->addr4, b->port4, true));
			n_static++;
		}
		if (!arr || (!static_only && bib_dynamic(br, a.proto, c, arr, err, errlen))) {
			json_decref(arr);
			free(c);
			return arr ? NULL : api_fail(err, errlen, "out of memory");
		}
		r = json_pack("{s:o, s:i, s:i, s:i}", "bib", arr, "count", (int)json_array_size(arr), "static",
			      (int)n_static, "max-static", BIB_STATIC_MAX);
		free(c);
		return r;
	}
	if (api_check_fields(req, !strcmp(op, "add") ? "bib add" : "bib remove", f3, err, errlen))
		return NULL;
	if (!json_object_get(req, "protocol"))
		return api_fail(err, errlen, "bib %s needs \"protocol\" (\"TCP\", \"UDP\" or \"ICMP\")", op);
	if (api_get_proto(req, &a.proto, err, errlen))
		return NULL;
	if (!strcmp(op, "add")) {
		json_t *e = json_deep_copy(req);
		int rc;

		if (!e)
			return api_fail(err, errlen, "out of memory");
		json_object_del(e, "command");
		json_object_del(e, "op");
		json_object_del(e, "id");
		a.entry = e;
		rc = br->xlat_update(br->opaque, bib_add_edit, &a, err, errlen);
		json_decref(e);
		if (rc < 0)
			return NULL;
		return json_pack("{s:o}", "added", api_bib_json(a.removed.proto, a.removed.addr6, a.removed.port6,
							     a.removed.addr4, a.removed.port4, true));
	}
	if (parse_pair(req, &a, err, errlen) || br->xlat_update(br->opaque, bib_remove_edit, &a, err, errlen) < 0)
		return NULL;
	return json_pack("{s:o}", "removed", api_bib_json(a.removed.proto, a.removed.addr6, a.removed.port6,
						      a.removed.addr4, a.removed.port4, true));
}

/* ----------------------------------------------------------- session */

static const char *tcp_state_name(uint8_t s)
{
	static const char *const n[] = { "CLOSED", "V6_INIT", "V4_INIT", "ESTABLISHED", "V4_FIN_RCV",
					  "V6_FIN_RCV", "V4_FIN_V6_FIN_RCV", "TRANS" };
	return s < sizeof(n) / sizeof(n[0]) ? n[s] : "?";
}

json_t *api_session_json(const struct nat64_session_info *si, unsigned worker)
{
	json_t *o = json_pack("{s:s, s:o, s:o, s:o, s:I, s:i}", "protocol", api_proto_name(si->proto), "ipv6 address",
			      api_taddr(6, si->addr6, si->port6), "ipv4 address", api_taddr(4, &si->local4, si->lport),
			      "remote ipv4", api_taddr(4, &si->remote4, si->rport), "expires-in-ms",
			      (json_int_t)si->expires_ms, "worker", (int)worker);

	if (o && si->proto == 6)
		json_object_set_new(o, "state", json_string(tcp_state_name(si->state)));
	return o;
}

#define SESSION_LIMIT_MAX 10000

json_t *api_cmd_session(void *opaque, const json_t *req, char *err, size_t errlen)
{
	static const char *const ops[] = { "list", NULL };
	static const char *const f[] = { "protocol", "ipv6", "ipv4", "offset", "limit", NULL };
	const struct api_bridge *br = opaque;
	struct api_session_filter flt;
	struct nat64_session_info *buf;
	const char *op, *s6, *s4;
	unsigned offset, limit, total = 0;
	json_t *arr;

	memset(&flt, 0, sizeof(flt));
	if (api_get_op(req, "session", ops, "list", &op, err, errlen) || api_need_nat64(br, "session", err, errlen) ||
	    api_check_fields(req, "session list", f, err, errlen) || api_get_proto(req, &flt.proto, err, errlen) ||
	    api_get_string(req, "ipv6", &s6, err, errlen) || api_get_string(req, "ipv4", &s4, err, errlen) ||
	    api_get_uint(req, "offset", 0, UINT32_MAX / 2, &offset, err, errlen) ||
	    api_get_uint(req, "limit", 100, SESSION_LIMIT_MAX, &limit, err, errlen))
		return NULL;
	if (s6 && inet_pton(AF_INET6, s6, flt.addr6) != 1)
		return api_fail(err, errlen, "ipv6: '%.60s' is not an IPv6 address", s6);
	if (s4 && inet_pton(AF_INET, s4, &flt.addr4) != 1)
		return api_fail(err, errlen, "ipv4: '%.60s' is not an IPv4 address", s4);
	flt.has6 = s6 != NULL;
	flt.has4 = s4 != NULL;
	if (!br->nat64_sessions)
		return api_fail(err, errlen, "this daemon has no NAT64 session tables");
	buf = malloc(sizeof(*buf) * API_SESSION_BATCH);
	arr = json_array();
	if (!buf || !arr) {
		free(buf);
		json_decref(arr);
		return api_fail(err, errlen, "out of memory");
	}
	for (unsigned w = 0; w < br->n_workers(br->opaque); w++) {
		uint32_t pos = 0, next;
		do {
			int n = br->nat64_sessions(br->opaque, w, pos, &flt, buf, API_SESSION_BATCH, &next, err, errlen);
			if (n < 0) {
				free(buf);
				json_decref(arr);
				return NULL;
			}
			for (int i = 0; i < n; i++, total++) {
				if (total < offset || total - offset >= limit)
					continue;
				json_array_append_new(arr, api_session_json(&buf[i], w));
			}
			pos = next;
		} while (pos);
	}
	free(buf);
	return json_pack("{s:o, s:i, s:i, s:i, s:b}", "sessions", arr, "offset", (int)offset, "count",
			 (int)json_array_size(arr), "total", (int)total, "more",
			 total > offset && total - offset > json_array_size(arr));
}
