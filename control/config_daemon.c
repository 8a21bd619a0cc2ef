/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The daemon's own sections: "eal" (arguments for rte_eal_init()), "control"
 * (the API socket) and "dataplane" (buffers, polling, the exception path).
 * None of them can change while xlat64d runs (config reload refuses them).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "config_internal.h"

/* ------------------------------------------------------------------- eal */

int cfg_parse_eal(struct ld *ld, json_t *j)
{
	struct appcfg *c = ld->cfg;
	char p[PATH_LEN];

	if (cfg_get_array(ld, "eal", j, APPCFG_MAX_EAL_ARGS, "arguments"))
		return -1;
	for (size_t i = 0; i < json_array_size(j); i++) {
		const char *s = "";

		cfg_path_idx(p, "eal", i);
		if (cfg_get_string(ld, p, json_array_get(j, i), &s))
			return -1;
		if (!*s)
			return cfg_fail(ld, p, "an EAL argument can not be empty");
		c->eal_args[c->n_eal_args] = strdup(s);
		if (!c->eal_args[c->n_eal_args])
			return cfg_fail(ld, p, "out of memory");
		c->n_eal_args++;
	}
	return 0;
}

/* ------------------------------------------------------- control, dataplane */

int cfg_parse_control(struct ld *ld, json_t *j)
{
	struct field f[] = { KEY("socket") };
	const char *s = "";
	size_t max = sizeof(((struct sockaddr_un *)0)->sun_path) - 1;

	if (cfg_take_fields(ld, j, "control", f, 1))
		return -1;
	if (!f[0].val)
		return 0;
	if (json_is_null(f[0].val)) {
		ld->cfg->control_socket[0] = '\0';
		return 0;
	}
	if (cfg_get_string(ld, "control.socket", f[0].val, &s))
		return -1;
	if (strlen(s) > max)
		return cfg_fail(ld, "control.socket", "a UNIX socket path can have at most %zu characters", max);
	return cfg_copy_string(ld, "control.socket", s, ld->cfg->control_socket, sizeof(ld->cfg->control_socket));
}

/* "forwarding": true or false for both families, or {"ipv4": BOOL, "ipv6": BOOL} (a family left out: true). */
static int parse_forwarding(struct ld *ld, json_t *j)
{
	struct field f[] = { KEY("ipv4"), KEY("ipv6") };
	struct appcfg *c = ld->cfg;

	if (json_is_boolean(j)) {
		c->forwarding4 = c->forwarding6 = json_is_true(j);
		return 0;
	}
	if (!json_is_object(j))
		return cfg_fail(ld, "dataplane.forwarding", "expected true, false or {\"ipv4\": BOOL, \"ipv6\": BOOL}, got %s",
				cfg_jtype(j));
	if (cfg_take_fields(ld, j, "dataplane.forwarding", f, 2))
		return -1;
	if (f[0].val && cfg_get_bool(ld, "dataplane.forwarding.ipv4", f[0].val, &c->forwarding4))
		return -1;
	if (f[1].val && cfg_get_bool(ld, "dataplane.forwarding.ipv6", f[1].val, &c->forwarding6))
		return -1;
	return 0;
}

int cfg_parse_dataplane(struct ld *ld, json_t *j)
{
	struct field f[] = { KEY("mbufs-per-port"), KEY("idle-sleep-us"), KEY("exception-path"), KEY("exception-pps"),
			     KEY("forwarding"), KEY("kernel-routes"), KEY("max-kernel-routes") };
	uint64_t u;

	if (cfg_take_fields(ld, j, "dataplane", f, 7))
		return -1;
	if (f[4].val && parse_forwarding(ld, f[4].val))
		return -1;
	if (f[5].val && cfg_get_bool(ld, "dataplane.kernel-routes", f[5].val, &ld->cfg->kernel_routes))
		return -1;
	if (f[6].val) {
		if (cfg_get_uint(ld, "dataplane.max-kernel-routes", f[6].val, 0, APPCFG_MAX_KERNEL_ROUTES, &u))
			return -1;
		ld->cfg->max_kernel_routes = (uint32_t)u;
	}
	if (f[2].val && cfg_get_bool(ld, "dataplane.exception-path", f[2].val, &ld->cfg->exception_path))
		return -1;
	if (f[3].val) {
		if (cfg_get_uint(ld, "dataplane.exception-pps", f[3].val, 0, 100000000, &u))
			return -1;
		ld->cfg->exception_pps = (uint32_t)u;
	}
	if (f[0].val) {
		if (cfg_get_uint(ld, "dataplane.mbufs-per-port", f[0].val, 1023, 16777215, &u))
			return -1;
		ld->cfg->mbufs_per_port = (uint32_t)u;
	}
	if (f[1].val) {
		if (cfg_get_uint(ld, "dataplane.idle-sleep-us", f[1].val, 0, 1000000, &u))
			return -1;
		ld->cfg->idle_sleep_us = (uint32_t)u;
	}
	return 0;
}


/* ------------------------------------------------------------------- dump */

json_t *cfg_eal_json(const struct appcfg *c)
{
	json_t *eal = json_array();

	for (unsigned i = 0; eal && i < c->n_eal_args && i < APPCFG_MAX_EAL_ARGS; i++)
		json_array_append_new(eal, json_string(c->eal_args[i]));
	return eal;
}

json_t *cfg_control_json(const struct appcfg *c)
{
	return json_pack("{s:o}", "socket", c->control_socket[0] ? json_string(c->control_socket) : json_null());
}

json_t *cfg_dataplane_json(const struct appcfg *c)
{
	return json_pack("{s:I, s:I, s:b, s:I, s:{s:b, s:b}, s:b, s:I}", "mbufs-per-port", (json_int_t)c->mbufs_per_port,
			 "idle-sleep-us", (json_int_t)c->idle_sleep_us, "exception-path", c->exception_path,
			 "exception-pps", (json_int_t)c->exception_pps, "forwarding", "ipv4", c->forwarding4, "ipv6",
			 c->forwarding6, "kernel-routes", c->kernel_routes, "max-kernel-routes",
			 (json_int_t)c->max_kernel_routes);
}
