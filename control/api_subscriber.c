/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * "subscriber" (issue 19): one subscriber's NAT64 state, a subscriber being an
 * IPv6 prefix (a host is a /128): "show" (its sessions and BIB entries per
 * protocol, the pool4 ports it holds per address, and with CGN its port
 * blocks and the flows its limits refused), "sessions" and "bib" (its
 * entries, paged), and "top" (subscribers by sessions, paged).
 *
 * Answered by the workers that own the subscriber's flows, the way "session"
 * is (api_bridge.nat64_query: each worker walks its own table, a bounded
 * number of positions per question). A prefix within one CGN subscriber, or a
 * single host, has one owner; a shorter prefix asks every worker.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "cgn.h"
#include "config_load.h"

#define PAGE_MAX 10000 /* entries per page (as "session") */
#define TOP_MAX 1000   /* subscribers per page of "top" */

struct sub_req {
	struct xlat_config *cfg;
	struct prefix6 pfx;
	bool has_pfx;
	uint8_t proto;
	unsigned offset, limit;
	int owner; /* the one worker that owns the prefix's flows; -1: it may be any */
};

static bool asks(const struct sub_req *r, unsigned w)
{
	return r->owner < 0 || (unsigned)r->owner == w;
}

/* The workers that own the flows of the prefix (every worker when it spans several owners). */
static void owners(const struct api_bridge *br, struct sub_req *r)
{
	unsigned n = br->n_workers(br->opaque);
	const struct cgn_config *c = &r->cfg->cgn;

	r->owner = -1;
	if (r->has_pfx && c->enabled && r->pfx.len >= c->subscriber_plen)
		r->owner = (int)cgn_owner6(r->pfx.addr, c->subscriber_plen, n);
	else if (r->has_pfx && r->pfx.len == 128)
		r->owner = (int)nat64_owner6(r->cfg, r->pfx.addr, n);
}

static json_t *owners_json(const struct api_bridge *br, const struct sub_req *r)
{
	json_t *a = json_array();

	for (unsigned w = 0; a && w < br->n_workers(br->opaque); w++)
		if (asks(r, w))
			json_array_append_new(a, json_integer(w));
	return a;
}

/* The request's members; NULL with err. */
static struct sub_req *parse(const struct api_bridge *br, const json_t *req, const char *what,
			     const char *const fields[], bool need_pfx, unsigned dflt_limit, unsigned max_limit,
			     char *err, size_t errlen)
{
	struct sub_req *r = calloc(1, sizeof(*r));
	const json_t *jp = json_object_get(req, "prefix");

	if (!r) {
		api_fail(err, errlen, "out of memory");
		return NULL;
	}
	if (api_check_fields(req, what, fields, err, errlen) || api_get_proto(req, &r->proto, err, errlen) ||
	    api_get_uint(req, "offset", 0, UINT32_MAX / 2, &r->offset, err, errlen) ||
	    api_get_uint(req, "limit", dflt_limit, max_limit, &r->limit, err, errlen))
		goto fail;
	if (need_pfx && !jp) {
		api_fail(err, errlen, "%s needs \"prefix\": the subscriber's IPv6 prefix (a host: ADDRESS or ADDRESS/128)",
			 what);
		goto fail;
	}
	if (jp && appcfg_prefix6_parse(jp, "prefix", &r->pfx, err, errlen))
		goto fail;
	r->has_pfx = jp != NULL;
	if (!br->nat64_query || !(r->cfg = api_xlat_copy(br, err, errlen))) {
		if (!br->nat64_query)
			api_fail(err, errlen, "this daemon has no NAT64 tables");
		goto fail;
	}
	owners(br, r);
	return r;
fail:
	free(r);
	return NULL;
}

static void sub_free(struct sub_req *r)
{
	if (r)
		free(r->cfg);
	free(r);
}

static struct nat64_filter filter_of(const struct sub_req *r)
{
	struct nat64_filter f = { .proto = r->proto, .has6 = r->has_pfx, .plen6 = r->pfx.len };

	memcpy(f.addr6, r->pfx.addr, 16);
	return f;
}

/*
 * Every answer of the owners to q, from position 0 to the end: fn(arg, worker,
 * entries, n) for each batch. 0, or -1 with err.
 */
static int walk(const struct api_bridge *br, const struct sub_req *r, struct api_query *q,
		void (*fn)(void *arg, unsigned w, const union api_query_out *out, int n), void *arg, char *err,
		size_t errlen)
{
	union api_query_out *out = malloc(sizeof(*out));

	if (!out) {
		api_fail(err, errlen, "out of memory");
		return -1;
	}
	for (unsigned w = 0; w < br->n_workers(br->opaque); w++) {
		if (!asks(r, w))
			continue;
		uint32_t next;
		q->pos = 0;
		do {
			int n = br->nat64_query(br->opaque, w, q, out, &next, err, errlen);
			if (n < 0) {
				free(out);
				return -1;
			}
			fn(arg, w, out, n);
			q->pos = next;
		} while (next);
	}
	free(out);
	return 0;
}

/* ------------------------------------------------------- sessions, bib */

struct page {
	const struct sub_req *r;
	bool bib;
	unsigned total;
	json_t *list;
};

static void page_add(void *arg, unsigned w, const union api_query_out *out, int n)
{
	struct page *p = arg;

	for (int i = 0; i < n; i++, p->total++) {
		if (p->total < p->r->offset || p->total - p->r->offset >= p->r->limit)
			continue;
		if (p->bib) {
			const struct nat64_bib_info *b = &out->bib[i];
			bool st = nat64_static4(p->r->cfg, b->proto, b->addr4, b->port4);
			json_t *o = api_bib_json(b->proto, b->addr6, b->port6, b->addr4, b->port4, st);
			json_object_set_new(o, "worker", json_integer(w));
			json_array_append_new(p->list, o);
		} else {
			json_array_append_new(p->list, api_session_json(&out->sess[i], w));
		}
	}
}

static json_t *list_op(const struct api_bridge *br, const json_t *req, const char *op, char *err, size_t errlen)
{
	static const char *const f[] = { "prefix", "protocol", "offset", "limit", NULL };
	bool bib = !strcmp(op, "bib");
	struct sub_req *r = parse(br, req, bib ? "subscriber bib" : "subscriber sessions", f, true, 100, PAGE_MAX, err,
				  errlen);
	if (!r)
		return NULL;
	struct page p = { .r = r, .bib = bib, .list = json_array() };
	struct api_query q = { .kind = bib ? API_Q_BIBS : API_Q_SESSIONS, .f = filter_of(r), .max = API_SESSION_BATCH };
	json_t *res = NULL;
	if (p.list && walk(br, r, &q, page_add, &p, err, errlen) == 0)
		res = json_pack("{s:o, s:O, s:i, s:i, s:i, s:b, s:o}", "prefix", appcfg_prefix6_json(&r->pfx),
				bib ? "bib" : "sessions", p.list, "offset", (int)r->offset, "count",
				(int)json_array_size(p.list), "total", (int)p.total, "more",
				p.total > r->offset && p.total - r->offset > json_array_size(p.list), "workers",
				owners_json(br, r));
	json_decref(p.list);
	sub_free(r);
	return res;
}

/* ----------------------------------------------------------- counting */

/* Per-prefix counts gathered from the workers' answers (a prefix may come in several batches). */
struct counts {
	struct nat64_sub_count *v;
	size_t n, cap;
	bool oom;
};

static void counts_add(void *arg, unsigned w, const union api_query_out *out, int n)
{
	struct counts *c = arg;

	(void)w;
	if (c->n + (size_t)n > c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 1024;
		while (cap < c->n + (size_t)n)
			cap *= 2;
		struct nat64_sub_count *nv = realloc(c->v, cap * sizeof(*nv));
		if (!nv) {
			c->oom = true;
			return;
		}
		c->v = nv;
		c->cap = cap;
	}
	memcpy(c->v + c->n, out->sub, sizeof(*c->v) * (size_t)n);
	c->n += (size_t)n;
}

static int cmp_prefix(const void *a, const void *b)
{
	return memcmp(((const struct nat64_sub_count *)a)->prefix, ((const struct nat64_sub_count *)b)->prefix, 16);
}

static uint64_t total_of(const uint32_t v[CGN_NPROTO])
{
	return (uint64_t)v[CGN_TCP] + v[CGN_UDP] + v[CGN_ICMP];
}

/* Most sessions first, then most BIB entries, then by prefix. */
static int cmp_top(const void *a, const void *b)
{
	const struct nat64_sub_count *x = a, *y = b;
	uint64_t sx = total_of(x->sess), sy = total_of(y->sess), bx = total_of(x->bib), by = total_of(y->bib);

	if (sx != sy)
		return sx > sy ? -1 : 1;
	if (bx != by)
		return bx > by ? -1 : 1;
	return cmp_prefix(a, b);
}

/* Sessions and BIB entries of the request's prefix counted per prefix of plen bits, one entry each. */
static int count(const struct api_bridge *br, const struct sub_req *r, uint8_t plen, struct counts *c, char *err,
		 size_t errlen)
{
	struct api_query q = { .f = filter_of(r), .plen = plen, .max = API_SESSION_BATCH };
	size_t k = 0;

	for (int bibs = 0; bibs < 2; bibs++) {
		q.kind = bibs ? API_Q_SUB_BIBS : API_Q_SUB_SESSIONS;
		if (walk(br, r, &q, counts_add, c, err, errlen))
			return -1;
	}
	if (c->oom) {
		api_fail(err, errlen, "out of memory");
		return -1;
	}
	if (c->n)
		qsort(c->v, c->n, sizeof(*c->v), cmp_prefix);
	for (size_t i = 0; i < c->n; i++) {
		if (k && !cmp_prefix(&c->v[k - 1], &c->v[i])) {
			for (int p = 0; p < CGN_NPROTO; p++) {
				c->v[k - 1].sess[p] += c->v[i].sess[p];
				c->v[k - 1].bib[p] += c->v[i].bib[p];
			}
		} else {
			c->v[k++] = c->v[i];
		}
	}
	c->n = k;
	return 0;
}

static json_t *by_proto(const uint32_t v[CGN_NPROTO])
{
	return json_pack("{s:I, s:I, s:I, s:I}", "tcp", (json_int_t)v[CGN_TCP], "udp", (json_int_t)v[CGN_UDP], "icmp",
			 (json_int_t)v[CGN_ICMP], "total", (json_int_t)total_of(v));
}

static json_t *sub_json(const struct nat64_sub_count *s, uint8_t plen)
{
	struct prefix6 p = { .len = plen };

	memcpy(p.addr, s->prefix, 16);
	return json_pack("{s:o, s:o, s:o}", "prefix", appcfg_prefix6_json(&p), "sessions", by_proto(s->sess), "bib",
			 by_proto(s->bib));
}

static json_t *top(const struct api_bridge *br, const json_t *req, const char *op, char *err, size_t errlen)
{
	static const char *const f[] = { "prefix-length", "prefix", "protocol", "offset", "limit", NULL };
	struct sub_req *r = parse(br, req, "subscriber top", f, false, 20, TOP_MAX, err, errlen);
	struct counts c = { 0 };
	unsigned plen;
	json_t *list, *res = NULL;

	(void)op;
	if (!r)
		return NULL;
	if (api_get_uint(req, "prefix-length", r->cfg->cgn.enabled ? r->cfg->cgn.subscriber_plen : CGN_DEFAULT_PLEN,
			 128, &plen, err, errlen))
		goto out;
	if (r->has_pfx && plen < r->pfx.len) {
		api_fail(err, errlen, "subscriber top: \"prefix-length\" %u is shorter than the prefix's own (/%u)", plen,
			 r->pfx.len);
		goto out;
	}
	if (count(br, r, (uint8_t)plen, &c, err, errlen) || !(list = json_array()))
		goto out;
	if (c.n)
		qsort(c.v, c.n, sizeof(*c.v), cmp_top);
	for (size_t i = r->offset; i < c.n && i - r->offset < r->limit; i++)
		json_array_append_new(list, sub_json(&c.v[i], (uint8_t)plen));
	res = json_pack("{s:o, s:i, s:i, s:i, s:i, s:b, s:o}", "subscribers", list, "prefix-length", (int)plen, "offset",
			(int)r->offset, "count", (int)json_array_size(list), "total", (int)c.n, "more",
			c.n > r->offset && c.n - r->offset > json_array_size(list), "workers", owners_json(br, r));
	if (r->has_pfx)
		json_object_set_new(res, "prefix", appcfg_prefix6_json(&r->pfx));
out:
	free(c.v);
	sub_free(r);
	return res;
}

/* --------------------------------------------------------------- show */

/* The pool4 ports the subscriber holds, per (protocol, address): its BIB entries, gathered. */
struct held {
	json_t *by; /* "PROTO ADDRESS" -> count */
};

static void held_add(void *arg, unsigned w, const union api_query_out *out, int n)
{
	struct held *h = arg;
	char a[INET_ADDRSTRLEN], k[32];

	(void)w;
	for (int i = 0; i < n; i++) {
		inet_ntop(AF_INET, &out->bib[i].addr4, a, sizeof(a));
		snprintf(k, sizeof(k), "%s %s", api_proto_name(out->bib[i].proto), a);
		json_t *v = json_object_get(h->by, k);
		json_object_set_new(h->by, k, json_integer(json_integer_value(v) + 1));
	}
}

static json_t *held_json(const struct held *h)
{
	json_t *a = json_array(), *v;
	const char *k;

	json_object_foreach(h->by, k, v) {
		char proto[8], addr[INET_ADDRSTRLEN];
		if (sscanf(k, "%7s %15s", proto, addr) == 2)
			json_array_append_new(a, json_pack("{s:s, s:s, s:O}", "protocol", proto, "address", addr, "used", v));
	}
	return a;
}

/* With CGN, the state of the subscriber the prefix lies in (null when it spans several). */
static json_t *cgn_json(const struct api_bridge *br, const struct sub_req *r, char *err, size_t errlen)
{
	const struct cgn_config *c = &r->cfg->cgn;
	struct api_query q = { .kind = API_Q_CGN_SUB };
	union api_query_out *out;
	struct prefix6 sp = { .len = c->subscriber_plen };
	uint32_t next;

	if (!c->enabled || r->pfx.len < c->subscriber_plen)
		return json_null();
	cgn_subscriber(r->pfx.addr, c->subscriber_plen, sp.addr);
	memcpy(q.sub, sp.addr, 16);
	unsigned w = cgn_owner6(sp.addr, c->subscriber_plen, br->n_workers(br->opaque));
	if (!(out = malloc(sizeof(*out))) || br->nat64_query(br->opaque, w, &q, out, &next, err, errlen) < 0) {
		if (!out)
			api_fail(err, errlen, "out of memory");
		free(out);
		return NULL;
	}
	const struct cgn_sub_info *s = &out->cgn;
	json_t *blocks = json_array();
	for (unsigned i = 0; i < s->n_blocks && i < CGN_INFO_BLOCKS; i++) {
		char a[INET_ADDRSTRLEN], range[16];
		inet_ntop(AF_INET, &s->blk[i].addr4, a, sizeof(a));
		snprintf(range, sizeof(range), "%u-%u", s->blk[i].first, s->blk[i].last);
		json_array_append_new(blocks, json_pack("{s:s, s:s, s:s, s:I, s:I}", "protocol", api_proto_name(s->blk[i].proto),
							"address", a, "ports", range, "size",
							(json_int_t)(s->blk[i].last - s->blk[i].first + 1), "used",
							(json_int_t)s->blk[i].used));
	}
	json_t *o = json_pack("{s:o, s:i, s:b, s:I, s:o, s:o, s:o, s:i}", "subscriber", appcfg_prefix6_json(&sp), "worker",
			      (int)w, "found", s->found, "sessions", (json_int_t)s->sessions, "bib", by_proto(s->bibs),
			      "limit-hits", by_proto(s->limit_hits), "blocks", blocks, "blocks-total", (int)s->n_blocks);
	uint32_t a4;
	uint16_t first, last;
	if (o && c->det.enabled && cgn_det_forward(c, sp.addr, &a4, &first, &last)) {
		char a[INET_ADDRSTRLEN], range[16];
		inet_ntop(AF_INET, &a4, a, sizeof(a));
		snprintf(range, sizeof(range), "%u-%u", first, last);
		json_object_set_new(o, "deterministic", json_pack("{s:s, s:s, s:I}", "address", a, "port range", range,
								  "ports", (json_int_t)(last - first + 1)));
	}
	free(out);
	return o;
}

static json_t *show(const struct api_bridge *br, const json_t *req, const char *op, char *err, size_t errlen)
{
	static const char *const f[] = { "prefix", NULL };
	struct sub_req *r = parse(br, req, "subscriber show", f, true, 0, 0, err, errlen);
	struct counts c = { 0 };
	struct held h = { json_object() };
	json_t *res = NULL, *cgn = NULL;

	(void)op;
	if (!r || !h.by)
		goto out;
	/* everything of the prefix counted as one subscriber of its own length */
	struct api_query q = { .kind = API_Q_BIBS, .f = filter_of(r), .max = API_SESSION_BATCH };
	if (count(br, r, r->pfx.len, &c, err, errlen) || walk(br, r, &q, held_add, &h, err, errlen) ||
	    !(cgn = cgn_json(br, r, err, errlen)))
		goto out;
	struct nat64_sub_count none = { 0 }, *s = c.n ? &c.v[0] : &none;
	res = json_pack("{s:o, s:o, s:o, s:o, s:O, s:o}", "prefix", appcfg_prefix6_json(&r->pfx), "sessions",
			by_proto(s->sess), "bib", by_proto(s->bib), "pool4", held_json(&h), "cgn", cgn, "workers",
			owners_json(br, r));
out:
	json_decref(cgn);
	json_decref(h.by);
	free(c.v);
	sub_free(r);
	return res;
}

json_t *api_cmd_subscriber(void *opaque, const json_t *req, char *err, size_t errlen)
{
	static const struct api_op ops[] = {
		{ "show", show }, { "sessions", list_op }, { "bib", list_op }, { "top", top }, { NULL, NULL },
	};
	const struct api_bridge *br = opaque;

	if (api_need_nat64(br, "subscriber", err, errlen))
		return NULL;
	return api_run_op(br, req, "subscriber", ops, NULL, err, errlen);
}
