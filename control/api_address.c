/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * "address": the ports' addresses, configured and live (doc/control-api.md).
 *   {"op":"list"}                                   every port's, "live": true for those added at run time
 *   {"op":"add"|"remove","port":NAME,"address":"A/LEN"}
 * A live address is the box's own as a configured one is, on the dataplane
 * and on the port's TAP; a VRRP daemon's notify script moves its virtual
 * addresses with it (doc/ha.md). Configured addresses stay (a restart takes
 * them away); live ones are gone after a restart.
 */
#include <string.h>

#include "api.h"
#include "config_load.h"

struct walk {
	const struct api_bridge *br;
	json_t *list;
};

static void live_one(void *arg, unsigned port, const struct appcfg_addr *a)
{
	struct walk *w = arg;

	json_array_append_new(w->list, json_pack("{s:s, s:o, s:b}", "port", w->br->boot->ports[port].name, "address",
						 appcfg_ifaddr_json(a), "live", 1));
}

static json_t *op_list(const struct api_bridge *br, const json_t *req, const char *op, char *err, size_t errlen)
{
	struct walk w = { br, json_array() };

	(void)op;
	if (api_check_fields(req, "address list", (const char *const[]){ NULL }, err, errlen)) {
		json_decref(w.list);
		return NULL;
	}
	for (unsigned p = 0; p < br->boot->n_ports; p++) {
		const struct appcfg_port *pc = &br->boot->ports[p];
		for (unsigned i = 0; i < pc->n_addrs; i++)
			json_array_append_new(w.list, json_pack("{s:s, s:o, s:b}", "port", pc->name, "address",
								appcfg_ifaddr_json(&pc->addrs[i]), "live", 0));
	}
	if (br->addr_walk)
		br->addr_walk(br->opaque, live_one, &w);
	return json_pack("{s:o}", "addresses", w.list);
}

static json_t *op_change(const struct api_bridge *br, const json_t *req, const char *op, char *err, size_t errlen)
{
	static const char *const args[] = { "port", "address", NULL };
	bool add = strcmp(op, "add") == 0;
	const char *port = NULL;
	struct appcfg_addr a;
	char what[32];

	snprintf(what, sizeof(what), "address %s", op);
	if (api_check_fields(req, what, args, err, errlen) || api_get_string(req, "port", &port, err, errlen))
		return NULL;
	if (!port)
		return api_fail(err, errlen, "%s needs \"port\" (a port's name) and \"address\" (\"A/LEN\")", what);
	int p = api_port_index(br, port);
	if (p < 0)
		return api_fail(err, errlen, "%s: no port named '%.32s'", what, port);
	const json_t *j = json_object_get(req, "address");
	if (!j)
		return api_fail(err, errlen, "%s needs \"address\" (\"A/LEN\")", what);
	if (appcfg_ifaddr_parse(j, "address", &a, err, errlen))
		return NULL;
	if (!br->addr_change)
		return api_fail(err, errlen, "this daemon cannot change addresses");
	int rc = br->addr_change(br->opaque, (unsigned)p, &a, add, err, errlen);
	if (rc < 0)
		return NULL;
	return json_pack("{s:s, s:o, s:b}", "port", port, "address", appcfg_ifaddr_json(&a), "changed", rc == 0);
}

json_t *api_cmd_address(void *opaque, const json_t *req, char *err, size_t errlen)
{
	static const struct api_op ops[] = {
		{ "list", op_list }, { "add", op_change }, { "remove", op_change }, { NULL, NULL },
	};

	return api_run_op(opaque, req, "address", ops, NULL, err, errlen);
}
