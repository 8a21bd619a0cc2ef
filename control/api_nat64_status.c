/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * "nat64 status" (issue 19): how full the NAT64 tables are, per worker and
 * protocol (sessions, BIB entries, capacity), how much of each pool4 address
 * is held (ports used of ports configured, per protocol), and the limits hit
 * (table full, pool4 exhausted, the CGN limits). Read from the workers'
 * occupancy counts without asking them (api_bridge.nat64_occupancy,
 * nat64_addr_use: lock-free, lib/nat64_status.h), so it answers at once and
 * even while a worker is stuck; xlat64-exporter asks it on every scrape.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "cgn.h"
#include "prefix.h"

/* pool4 (protocol, address) pairs listed one by one, at most; past it, those with ports held. */
#define POOL4_LIST_MAX 4096
/* (protocol, address) pairs read from one worker, at most (its table counts no more: NAT64_USE_KEYS_MAX). */
#define USE_READ_MAX (3u * 65536u)

static json_t *by_proto(const uint32_t v[CGN_NPROTO])
{
	return json_pack("{s:I, s:I, s:I, s:I}", "tcp", (json_int_t)v[CGN_TCP], "udp", (json_int_t)v[CGN_UDP], "icmp",
			 (json_int_t)v[CGN_ICMP], "total", (json_int_t)v[CGN_TCP] + v[CGN_UDP] + v[CGN_ICMP]);
}

/* The limits a worker (or all: API_COUNT_ALL) hit: flows refused, by why. */
static json_t *limits(const struct api_bridge *br, int who)
{
	static const struct {
		const char *key;
		enum xlat_stat s;
	} m[] = {
		{ "table-full", XLAT_NAT64_TABLE_FULL },     { "pool4-exhausted", XLAT_POOL4_EXHAUSTED },
		{ "cgn-session-limit", XLAT_CGN_SESSION_LIMIT }, { "cgn-port-limit", XLAT_CGN_PORT_LIMIT },
		{ "cgn-block-limit", XLAT_CGN_BLOCK_LIMIT }, { "cgn-outside-deterministic", XLAT_CGN_DET_OUTSIDE },
	};
	uint64_t v[XSTAT_MAX];
	json_t *o = json_object();

	br->counters(br->opaque, who, v);
	for (size_t i = 0; o && i < sizeof(m) / sizeof(m[0]); i++)
		json_object_set_new(o, m[i].key, json_integer((json_int_t)v[m[i].s]));
	return o;
}

/* -------------------------------------------------------------- pool4 */

static int cmp_use(const void *a, const void *b)
{
	const struct nat64_addr_use *x = a, *y = b;

	if (x->proto != y->proto)
		return x->proto < y->proto ? -1 : 1;
	return x->addr4 == y->addr4 ? 0 : ntohl(x->addr4) < ntohl(y->addr4) ? -1 : 1;
}

/* Sorted by (protocol, address), one entry per pair (counts added up): the new count. */
static size_t merge(struct nat64_addr_use *u, size_t n)
{
	size_t k = 0;

	qsort(u, n, sizeof(*u), cmp_use);
	for (size_t i = 0; i < n; i++) {
		if (k && !cmp_use(&u[k - 1], &u[i]))
			u[k - 1].used += u[i].used;
		else
			u[k++] = u[i];
	}
	return k;
}

static int cmp_range(const void *a, const void *b)
{
	const uint16_t *x = a, *y = b;

	return x[0] - y[0];
}

/* Ports (ICMP: identifiers) pool4 gives proto on address a4: the union of its entries' ranges there. */
static uint32_t ports_of(const struct xlat_config *c, uint8_t proto, uint32_t a4)
{
	uint16_t r[POOL4_MAX][2];
	unsigned n = 0;
	uint32_t ports = 0, end = 0; /* end: one past the last port counted */

	for (unsigned i = 0; i < c->n_pool4; i++) {
		const struct pool4_entry *e = &c->pool4[i];
		struct prefix4 p = { e->addr, e->plen };
		if (e->proto == proto && prefix4_contains(&p, a4)) {
			r[n][0] = e->port_min;
			r[n++][1] = e->port_max;
		}
	}
	qsort(r, n, sizeof(r[0]), cmp_range);
	for (unsigned i = 0; i < n; i++) {
		uint32_t lo = r[i][0] > end ? r[i][0] : end, hi = (uint32_t)r[i][1] + 1;
		if (hi > lo) {
			ports += hi - lo;
			end = hi;
		}
	}
	return ports;
}

/* Every pool4 (protocol, address) pair, sorted, once each; NULL when there are more than max (*n: how many). */
static struct nat64_addr_use *pool4_pairs(const struct xlat_config *c, size_t max, size_t *n)
{
	uint64_t total = 0;

	for (unsigned i = 0; i < c->n_pool4; i++)
		total += 1ull << (32 - c->pool4[i].plen);
	*n = (size_t)total;
	if (total > max)
		return NULL;
	struct nat64_addr_use *u = calloc(total ? total : 1, sizeof(*u));
	size_t k = 0;
	for (unsigned i = 0; u && i < c->n_pool4; i++)
		for (uint64_t j = 0; j < 1ull << (32 - c->pool4[i].plen); j++)
			u[k++] = (struct nat64_addr_use){ c->pool4[i].proto, htonl(ntohl(c->pool4[i].addr) + (uint32_t)j), 0 };
	if (u)
		*n = merge(u, k);
	return u;
}

/* The ports every worker's BIB entries hold, per (protocol, address), sorted; NULL with err. */
static struct nat64_addr_use *held(const struct api_bridge *br, size_t *n, uint64_t *uncounted, char *err,
				   size_t errlen)
{
	unsigned nw = br->n_workers(br->opaque);
	struct nat64_addr_use *u = malloc(sizeof(*u) * USE_READ_MAX * (nw ? nw : 1));
	size_t k = 0;

	if (!u) {
		api_fail(err, errlen, "out of memory");
		return NULL;
	}
	for (unsigned w = 0; w < nw; w++) {
		int got = br->nat64_addr_use(br->opaque, w, u + k, USE_READ_MAX);
		struct nat64_occupancy o;
		if (got < 0 || br->nat64_occupancy(br->opaque, w, &o) != 0) {
			free(u);
			api_fail(err, errlen, "worker %u: its pool4 counts are being rebuilt (a configuration change); "
					      "try again", w);
			return NULL;
		}
		k += (size_t)got;
		*uncounted += o.uncounted;
	}
	*n = merge(u, k);
	return u;
}

static json_t *pool4_entry(const struct xlat_config *c, const struct nat64_addr_use *p, uint32_t used)
{
	char a[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &p->addr4, a, sizeof(a));
	return json_pack("{s:s, s:s, s:I, s:I}", "protocol", api_proto_name(p->proto), "address", a, "ports",
			 (json_int_t)ports_of(c, p->proto, p->addr4), "used", (json_int_t)used);
}

/*
 * "pool4": every pool4 address and protocol with its ports and those held,
 * or, when pool4 has more than POOL4_LIST_MAX of them, those with ports held.
 */
static int pool4_usage(const struct api_bridge *br, json_t *r, char *err, size_t errlen)
{
	struct xlat_config *c = api_xlat_copy(br, err, errlen);
	size_t n_pairs = 0, n_held = 0, listed = 0;
	uint64_t uncounted = 0;
	struct nat64_addr_use *pairs, *use;
	json_t *arr = json_array();

	if (!c || !arr || !(use = held(br, &n_held, &uncounted, err, errlen))) {
		free(c);
		json_decref(arr);
		return -1;
	}
	pairs = pool4_pairs(c, POOL4_LIST_MAX, &n_pairs);
	for (size_t i = 0, j = 0; pairs && i < n_pairs; i++, listed++) {
		while (j < n_held && cmp_use(&use[j], &pairs[i]) < 0)
			j++;
		json_array_append_new(arr, pool4_entry(c, &pairs[i],
						       j < n_held && !cmp_use(&use[j], &pairs[i]) ? use[j].used : 0));
	}
	for (size_t j = 0; !pairs && j < n_held && listed < POOL4_LIST_MAX; j++)
		if (nat64_pool4_has(c, use[j].addr4) && ports_of(c, use[j].proto, use[j].addr4)) {
			json_array_append_new(arr, pool4_entry(c, &use[j], use[j].used));
			listed++;
		}
	json_object_set_new(r, "pool4", arr);
	json_object_set_new(r, "pool4-addresses", json_integer((json_int_t)n_pairs));
	json_object_set_new(r, "pool4-complete", json_boolean(pairs != NULL));
	json_object_set_new(r, "pool4-uncounted", json_integer((json_int_t)uncounted));
	free(pairs);
	free(use);
	free(c);
	return 0;
}

/* ------------------------------------------------------------- status */

static json_t *status(const struct api_bridge *br, const json_t *req, const char *op, char *err, size_t errlen)
{
	static const char *const none[] = { NULL };
	uint32_t sess[CGN_NPROTO] = { 0 }, bib[CGN_NPROTO] = { 0 };
	uint64_t max = 0;
	json_t *workers, *r;

	(void)op;
	if (api_check_fields(req, "nat64 status", none, err, errlen))
		return NULL;
	if (!br->nat64_occupancy || !br->nat64_addr_use)
		return api_fail(err, errlen, "this daemon has no NAT64 tables");
	workers = json_array();
	for (unsigned w = 0; workers && w < br->n_workers(br->opaque); w++) {
		struct nat64_occupancy o;
		if (br->nat64_occupancy(br->opaque, w, &o) != 0) {
			json_decref(workers);
			return api_fail(err, errlen, "worker %u has no NAT64 table", w);
		}
		for (int p = 0; p < CGN_NPROTO; p++) {
			sess[p] += o.sess[p];
			bib[p] += o.bib[p];
		}
		max += o.max;
		json_array_append_new(workers, json_pack("{s:i, s:o, s:o, s:I, s:o}", "worker", (int)w, "sessions",
							 by_proto(o.sess), "bib", by_proto(o.bib), "max-sessions",
							 (json_int_t)o.max, "limits", limits(br, (int)w)));
	}
	r = json_pack("{s:o, s:o, s:I, s:o, s:o}", "sessions", by_proto(sess), "bib", by_proto(bib), "max-sessions",
		      (json_int_t)max, "limits", limits(br, API_COUNT_ALL), "workers", workers);
	if (r && pool4_usage(br, r, err, errlen) != 0) {
		json_decref(r);
		return NULL;
	}
	return r;
}

json_t *api_cmd_nat64(void *opaque, const json_t *req, char *err, size_t errlen)
{
	static const struct api_op ops[] = { { "status", status }, { NULL, NULL } };
	const struct api_bridge *br = opaque;

	if (api_need_nat64(br, "nat64", err, errlen))
		return NULL;
	return api_run_op(br, req, "nat64", ops, NULL, err, errlen);
}
