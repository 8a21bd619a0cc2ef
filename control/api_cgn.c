/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Carrier-grade NAT64 (doc/cgn.md): "cgn" get / set / who. get shows the
 * section in force; set changes limits and logging live (an RCU publication,
 * like every translator change); the members that decide which worker owns a
 * flow (subscriber prefix length, port blocks, deterministic NAT) need a
 * restart. who answers "which subscriber had IPv4 address A, port P" from the
 * configuration alone, which deterministic NAT (RFC 7422) makes possible.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "cgn.h"
#include "config_load.h"

json_t *api_cgn_who(const struct cgn_config *c, const char *addr, json_int_t port, char *err, size_t errlen)
{
	uint32_t a4;
	uint8_t sub[16];
	char s[INET6_ADDRSTRLEN + 8], a[INET6_ADDRSTRLEN], r[16];

	if (!addr || inet_pton(AF_INET, addr, &a4) != 1)
		return api_fail(err, errlen, "cgn who: \"address\" must be an IPv4 address");
	if (port < 0 || port > 65535)
		return api_fail(err, errlen, "cgn who: \"port\" must be 0..65535");
	if (!c->enabled || !c->det.enabled)
		return api_fail(err, errlen, "cgn who answers from the configuration with deterministic NAT only "
					     "(cgn.deterministic); otherwise search the exported NAT events (IPFIX, syslog)");
	json_t *o = json_pack("{s:s, s:I}", "address", addr, "port", port);
	if (!cgn_det_reverse(c, a4, (uint16_t)port, sub)) {
		json_object_set_new(o, "subscriber", json_null());
		return o;
	}
	uint32_t fa;
	uint16_t first, last;
	cgn_det_forward(c, sub, &fa, &first, &last);
	inet_ntop(AF_INET6, sub, a, sizeof(a));
	snprintf(s, sizeof(s), "%s/%u", a, c->subscriber_plen);
	snprintf(r, sizeof(r), "%u-%u", first, last);
	json_object_set_new(o, "subscriber", json_string(s));
	json_object_set_new(o, "port range", json_string(r));
	return o;
}

struct set_arg {
	const json_t *obj;
	json_t *before;
};

static int set_edit(struct xlat_config *cfg, void *arg, char *err, size_t errlen)
{
	struct set_arg *a = arg;

	if (appcfg_cgn_parse(a->obj, "cgn", cfg, false, err, errlen))
		return -1;
	json_t *after = appcfg_cgn_json(cfg);
	int same = json_equal(after, a->before);
	json_decref(after);
	return same ? API_UNCHANGED : 0;
}

json_t *api_cmd_cgn(void *opaque, const json_t *req, char *err, size_t errlen)
{
	const struct api_bridge *br = opaque;
	static const char *const ops[] = { "get", "set", "who", NULL };
	static const char *const f_get[] = { NULL };
	static const char *const f_set[] = { "cgn", NULL };
	static const char *const f_who[] = { "address", "port", NULL };
	const char *op;

	if (api_get_op(req, "cgn", ops, "get", &op, err, errlen))
		return NULL;
	if (br->boot->xlat.mode != XLAT_MODE_NAT64)
		return api_fail(err, errlen, "cgn is a NAT64 command; this daemon runs in %s mode",
				api_mode_name(br->boot->xlat.mode));
	if (api_check_fields(req, op[0] == 'g' ? "cgn get" : op[0] == 's' ? "cgn set" : "cgn who",
			     op[0] == 'g' ? f_get : op[0] == 's' ? f_set : f_who, err, errlen))
		return NULL;
	struct xlat_config *x = api_xlat_copy(br, err, errlen);
	if (!x)
		return NULL;
	json_t *res = NULL;
	if (!strcmp(op, "get")) {
		res = json_pack("{s:b, s:o}", "enabled", x->cgn.enabled,
				"cgn", x->cgn.enabled ? appcfg_cgn_json(x) : json_null());
		if (x->cgn.enabled && br->counters && br->n_workers) {
			/* what the workers hold now (their gauges), and the refusals so far */
			uint64_t v[XSTAT_MAX];
			json_t *per = json_array();
			for (unsigned w = 0; w < br->n_workers(br->opaque); w++) {
				br->counters(br->opaque, (int)w, v);
				json_array_append_new(per, json_pack("{s:I, s:I}", "subscribers",
								     (json_int_t)v[XLAT_CGN_SUBSCRIBERS], "blocks",
								     (json_int_t)v[XLAT_CGN_BLOCKS]));
			}
			br->counters(br->opaque, API_COUNT_ALL, v);
			json_object_set_new(res, "state",
					    json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:o}", "subscribers",
						      (json_int_t)v[XLAT_CGN_SUBSCRIBERS], "blocks", (json_int_t)v[XLAT_CGN_BLOCKS],
						      "refused", (json_int_t)(v[XLAT_CGN_SESSION_LIMIT] + v[XLAT_CGN_PORT_LIMIT] +
									      v[XLAT_CGN_BLOCK_LIMIT] + v[XLAT_CGN_DET_OUTSIDE]),
						      "events", (json_int_t)v[XLAT_NATLOG_EVENTS], "events-dropped",
						      (json_int_t)v[XLAT_NATLOG_DROPPED], "messages-sent",
						      (json_int_t)v[XLAT_NATLOG_MSGS], "workers", per));
		}
	} else if (!strcmp(op, "who")) {
		const char *addr = NULL;
		const json_t *p = json_object_get(req, "port");
		if (api_get_string(req, "address", &addr, err, errlen) == 0) {
			if (!json_is_integer(p))
				api_fail(err, errlen, "cgn who: \"port\" must be an integer");
			else
				res = api_cgn_who(&x->cgn, addr, json_integer_value(p), err, errlen);
		}
	} else {
		const json_t *obj = json_object_get(req, "cgn");
		if (!x->cgn.enabled) {
			api_fail(err, errlen, "cgn set: no \"cgn\" section was configured at start (it decides which worker "
					      "owns a flow): add one to the file and restart");
		} else if (!json_is_object(obj)) {
			api_fail(err, errlen, "cgn set: \"cgn\" must be an object of the section's members");
		} else {
			struct set_arg a = { obj, appcfg_cgn_json(x) };
			int rc = br->xlat_update(br->opaque, set_edit, &a, err, errlen);
			json_decref(a.before);
			if (rc >= 0) {
				free(x);
				x = api_xlat_copy(br, err, errlen);
				if (x)
					res = json_pack("{s:b, s:o}", "changed", rc == 0, "cgn", appcfg_cgn_json(x));
			}
		}
	}
	free(x);
	return res;
}
