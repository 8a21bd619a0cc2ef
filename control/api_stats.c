/* SPDX-License-Identifier: BSD-3-Clause */
/* "stats": every counter (lib/stats.h), summed over the threads or per thread. */
#include <stdlib.h>

#include "api.h"

static json_t *counters_json(const uint64_t v[XSTAT_MAX], bool all)
{
	json_t *o = json_object();

	for (unsigned s = 0; o && s < XSTAT_MAX; s++)
		if (all || v[s])
			json_object_set_new(o, xlat_stat_name((enum xlat_stat)s), json_integer((json_int_t)v[s]));
	return o;
}

json_t *api_cmd_stats(void *opaque, const json_t *req, char *err, size_t errlen)
{
	static const char *const args[] = { "all", "per-core", NULL };
	const struct api_bridge *br = opaque;
	uint64_t v[XSTAT_MAX];
	bool all, per_core;
	json_t *r;

	if (json_object_get(req, "op"))
		return api_fail(err, errlen, "stats takes no \"op\"; its arguments are \"all\" and \"per-core\"");
	if (api_check_fields(req, "stats", args, err, errlen) || api_get_bool(req, "all", false, &all, err, errlen) ||
	    api_get_bool(req, "per-core", false, &per_core, err, errlen))
		return NULL;
	br->counters(br->opaque, API_COUNT_ALL, v);
	r = json_pack("{s:o}", "counters", counters_json(v, all));
	if (r && per_core) {
		json_t *cores = json_array();
		unsigned n = br->n_workers(br->opaque);

		for (unsigned w = 0; cores && w < n; w++) {
			br->counters(br->opaque, (int)w, v);
			json_array_append_new(cores, json_pack("{s:i, s:i, s:s, s:o}", "worker", (int)w, "lcore",
							       (int)br->worker_lcore(br->opaque, w), "thread", "worker",
							       "counters", counters_json(v, all)));
		}
		br->counters(br->opaque, API_COUNT_CONTROL, v);
		json_array_append_new(cores, json_pack("{s:s, s:o}", "thread", "control", "counters", counters_json(v, all)));
		json_object_set_new(r, "per-core", cores);
	}
	return r;
}
