/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * "sync": session synchronisation with the peer boxes (doc/ha.md).
 *   {"op":"status"}  state (off, joining, synced, alone), node, peers heard, queued records, redirected ports
 *   {"op":"ready"}   an error unless synced or alone: keepalived's track script asks it before this box may
 *                    become master (xlat64ctl exits 1 on an error)
 *   {"op":"bulk"}    ask the peers for their whole tables again
 */
#include "api.h"

static json_t *op_status(const struct api_bridge *br, const json_t *req, const char *op, char *err, size_t errlen)
{
	(void)op;
	if (api_check_fields(req, "sync status", (const char *const[]){ NULL }, err, errlen))
		return NULL;
	json_t *s = br->sync_status ? br->sync_status(br->opaque) : NULL;
	return s ? s : api_fail(err, errlen, "no \"sync\" section in the configuration (doc/ha.md)");
}

static json_t *op_ready(const struct api_bridge *br, const json_t *req, const char *op, char *err, size_t errlen)
{
	(void)op;
	if (api_check_fields(req, "sync ready", (const char *const[]){ NULL }, err, errlen))
		return NULL;
	if (!br->sync_ready)
		return json_pack("{s:b}", "ready", 1);
	if (br->sync_ready(br->opaque, err, errlen) != 0)
		return NULL;
	return json_pack("{s:b}", "ready", 1);
}

static json_t *op_bulk(const struct api_bridge *br, const json_t *req, const char *op, char *err, size_t errlen)
{
	(void)op;
	if (api_check_fields(req, "sync bulk", (const char *const[]){ NULL }, err, errlen))
		return NULL;
	if (!br->sync_bulk)
		return api_fail(err, errlen, "no \"sync\" section in the configuration (doc/ha.md)");
	if (br->sync_bulk(br->opaque, err, errlen) != 0)
		return NULL;
	return json_pack("{s:s}", "bulk", "requested");
}

json_t *api_cmd_sync(void *opaque, const json_t *req, char *err, size_t errlen)
{
	static const struct api_op ops[] = {
		{ "status", op_status }, { "ready", op_ready }, { "bulk", op_bulk }, { NULL, NULL },
	};

	return api_run_op(opaque, req, "sync", ops, NULL, err, errlen);
}
