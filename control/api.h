/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control API: the commands xlat64d serves on its control socket
 * (protocol in ctl_server.h, every command in doc/control-api.md).
 *
 * The handlers (control/api_*.c, one file per command group) know nothing of
 * DPDK: they reach the dataplane through struct api_bridge, which xlat64d
 * implements in dataplane/ctl_bridge.c and the fuzz target with plain memory.
 *
 * Adding a command: write api_NAME.c with a ctl_handler_fn, declare it below,
 * add one line to the table in api_common.c and the file to control/meson.build.
 *
 * Request conventions: {"command": NAME, "op": OPERATION, ...arguments}.
 * "op" picks the operation where a command has several (its default is the
 * read-only one: get or list); unknown members are refused, so a typo never
 * passes silently. Translator changes are transactions: the handler edits a
 * private copy of the configuration in force (struct xlat_config) with the
 * same validation as the configuration file (config_load.h), and the bridge
 * publishes it whole (RCU) or not at all.
 */
#ifndef XLAT_API_H
#define XLAT_API_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "appcfg.h"
#include "ctl_server.h"
#include "stats.h"

/* What "ports" reports about one port (the dataplane fills it). */
struct api_port_info {
	uint16_t port_id;   /* DPDK port id */
	char driver[48];
	uint8_t mac[6];     /* the MAC the daemon speaks with */
	uint16_t mtu;       /* the configured MTU, the one the translator uses */
	bool link_up, full_duplex, autoneg;
	uint32_t speed_mbps; /* 0: unknown */
	uint64_t rx_packets, tx_packets, rx_bytes, tx_bytes;
	uint64_t rx_missed, rx_errors, tx_errors, rx_nombuf;
	/* Rates over the last sampling interval (about a second); rates_valid false until two samples exist. */
	bool rates_valid;
	double rx_pps, tx_pps, rx_bps, tx_bps; /* bits per second */
	uint32_t rate_interval_ms;
};

/* One neighbour table entry. */
struct api_neigh {
	unsigned port; /* index into boot->ports */
	int family;    /* 4 or 6 */
	uint8_t addr[16];
	uint8_t mac[6];
};

/*
 * Edits a private copy of the configuration in force: 0 to publish it,
 * API_UNCHANGED when the edit changed nothing (nothing is published),
 * -1 (message in err) to change nothing.
 */
#define API_UNCHANGED 1

/* Which NAT64 sessions "session list" wants (api_bridge.nat64_sessions). */
struct api_session_filter {
	uint8_t proto; /* 0: every protocol */
	bool has6, has4;
	uint8_t addr6[16]; /* the IPv6 host */
	uint32_t addr4;    /* network order: the pool4 (local) or the remote IPv4 address */
};
#define API_SESSION_BATCH 256
typedef int (*api_edit_fn)(struct xlat_config *cfg, void *arg, char *err, size_t errlen);

/* Who counted: every thread summed, the control thread (slow path), or worker 0, 1, ... */
#define API_COUNT_ALL (-1)
#define API_COUNT_CONTROL (-2)

struct api_bridge {
	void *opaque;
	/* The configuration the daemon started with (ports, routes, eal, control, dataplane never change). */
	const struct appcfg *boot;
	/* The --config file: what "config reload" and SIGHUP read when no path is given. NULL: none. */
	const char *config_path;
	/* Copy the translator configuration in force into *out. */
	void (*xlat_read)(void *opaque, struct xlat_config *out);
	/*
	 * A transaction on the translator configuration: fn edits a copy of the one
	 * in force; on 0 the copy is published (workers see the old one or the new
	 * one, never a mix) and the old one freed after a grace period. Changes are
	 * serialised. Returns fn's result (or -1 with err when memory runs out).
	 */
	int (*xlat_update)(void *opaque, api_edit_fn fn, void *arg, char *err, size_t errlen);
	/* Workers and their EAL lcores. */
	unsigned (*n_workers)(void *opaque);
	unsigned (*worker_lcore)(void *opaque, unsigned worker);
	/* Counters of one thread (a worker index, API_COUNT_CONTROL) or of all (API_COUNT_ALL). */
	void (*counters)(void *opaque, int who, uint64_t out[XSTAT_MAX]);
	/* Live state of port idx (< boot->n_ports). 0, or -1 with err. */
	int (*port_info)(void *opaque, unsigned idx, struct api_port_info *out, char *err, size_t errlen);
	/* The DPDK extended statistics of port idx as a JSON object name -> value; NULL with err. May be NULL. */
	json_t *(*port_xstats)(void *opaque, unsigned idx, char *err, size_t errlen);
	/* Calls fn for every neighbour table entry. */
	void (*neigh_walk)(void *opaque, void (*fn)(void *arg, const struct api_neigh *n), void *arg);
	/*
	 * NAT64: up to max (<= API_SESSION_BATCH) sessions of worker w matching f,
	 * from table position pos on, copied into out by the worker itself
	 * (request/response with a bounded wait); *next: where to go on, 0 at the
	 * end; their expires_ms is the time left. Returns how many, or -1 with err.
	 * NULL when the daemon has no NAT64.
	 */
	int (*nat64_sessions)(void *opaque, unsigned w, uint32_t pos, const struct api_session_filter *f,
			      struct nat64_session_info *out, unsigned max, uint32_t *next, char *err, size_t errlen);
	/* Members added to the "version" reply (DPDK version, workers, uptime); may be NULL. */
	json_t *(*info)(void *opaque);
	/*
	 * Session synchronisation (doc/ha.md); NULL members where the daemon has
	 * none. sync_status: NULL without a "sync" section; sync_ready: 0 when
	 * this box may become master, else -1 with why; sync_bulk: ask the peers
	 * for their tables.
	 */
	json_t *(*sync_status)(void *opaque);
	/*
	 * Live port addresses (doc/ha.md: a VRRP daemon's virtual addresses):
	 * add or remove one (0, API_UNCHANGED, or -1 with err), and walk them.
	 * NULL: the daemon cannot.
	 */
	int (*addr_change)(void *opaque, unsigned port, const struct appcfg_addr *a, bool add, char *err, size_t errlen);
	void (*addr_walk)(void *opaque, void (*fn)(void *arg, unsigned port, const struct appcfg_addr *a), void *arg);
	int (*sync_ready)(void *opaque, char *err, size_t errlen);
	int (*sync_bulk)(void *opaque, char *err, size_t errlen);
};

/*
 * Fill out[] (room for max) with every API command, bound to br (which must
 * outlive the server). Returns how many; "help" is the server's own.
 */
unsigned api_commands(const struct api_bridge *br, struct ctl_command *out, unsigned max);

/*
 * "config reload": load path (NULL: br->config_path) or the inline
 * configuration text, refuse it whole if it is invalid or changes a section
 * that needs a restart, else apply every live section in one publication.
 * On success *result (may be NULL) gets {"path", "changed": [...], "dry-run"}.
 * Used by the command and by xlat64d on SIGHUP.
 */
int api_config_reload(const struct api_bridge *br, const char *path, const char *text, size_t textlen, bool dry_run,
		      json_t **result, char *err, size_t errlen);

/* The running configuration as a file: boot sections plus the translator configuration in force. */
json_t *api_config_dump(const struct api_bridge *br);

/* ---- command handlers (ctl_handler_fn; opaque is the struct api_bridge) */
json_t *api_cmd_version(void *opaque, const json_t *req, char *err, size_t errlen);
json_t *api_cmd_global(void *opaque, const json_t *req, char *err, size_t errlen);
json_t *api_cmd_pool6(void *opaque, const json_t *req, char *err, size_t errlen);
json_t *api_cmd_eamt(void *opaque, const json_t *req, char *err, size_t errlen);
json_t *api_cmd_denylist4(void *opaque, const json_t *req, char *err, size_t errlen);
json_t *api_cmd_stats(void *opaque, const json_t *req, char *err, size_t errlen);
json_t *api_cmd_ports(void *opaque, const json_t *req, char *err, size_t errlen);
json_t *api_cmd_neighbors(void *opaque, const json_t *req, char *err, size_t errlen);
json_t *api_cmd_routes(void *opaque, const json_t *req, char *err, size_t errlen);
json_t *api_cmd_pool4(void *opaque, const json_t *req, char *err, size_t errlen);
json_t *api_cmd_bib(void *opaque, const json_t *req, char *err, size_t errlen);
json_t *api_cmd_session(void *opaque, const json_t *req, char *err, size_t errlen);
json_t *api_cmd_config(void *opaque, const json_t *req, char *err, size_t errlen);
json_t *api_cmd_cgn(void *opaque, const json_t *req, char *err, size_t errlen);
json_t *api_cmd_sync(void *opaque, const json_t *req, char *err, size_t errlen);
json_t *api_cmd_address(void *opaque, const json_t *req, char *err, size_t errlen);
struct cgn_config;
/* Deterministic NAT's reverse lookup as the "cgn who" reply (also xlat64ctl's offline "cgn who ... FILE"). */
json_t *api_cgn_who(const struct cgn_config *c, const char *addr, json_int_t port, char *err, size_t errlen);

/* ---- helpers for handlers (api_common.c) */

/* printf into err; returns NULL so that handlers can `return api_fail(...)`. */
json_t *api_fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/*
 * Every member of req other than "command", "id" and "op" must be in allowed
 * (NULL-terminated). what names the request in the message ("eamt add").
 */
int api_check_fields(const json_t *req, const char *what, const char *const allowed[], char *err, size_t errlen);
/*
 * The "op" member: one of ops (NULL-terminated); dflt when absent. -1 with
 * err when it is not a string or not one of them.
 */
int api_get_op(const json_t *req, const char *cmd, const char *const ops[], const char *dflt, const char **op,
	       char *err, size_t errlen);
/* One operation of a command: its "op" name and what serves it (op: that name). */
typedef json_t *(*api_op_fn)(const struct api_bridge *br, const json_t *req, const char *op, char *err,
			     size_t errlen);
struct api_op {
	const char *name;
	api_op_fn fn; /* NULL: "list" or "flush" of the command's table (struct api_table) */
};
/* A command that is a table of the configuration: its "list" and "flush" need no code of their own. */
struct api_table {
	const char *key; /* the list's member in the reply: {"eamt": [...], "count": N, "max": M} */
	int max;
	json_t *(*list)(const struct xlat_config *c, unsigned *count);
	api_edit_fn flush; /* empties the table; its arg: an unsigned, how many entries went */
};
/*
 * Serves req with the operation its "op" names among ops (ended by a NULL
 * name; the first is the default, the read-only one), api_get_op()'s
 * messages for a wrong one. t: the table behind the ops without a function.
 */
json_t *api_run_op(const struct api_bridge *br, const json_t *req, const char *cmd, const struct api_op *ops,
		   const struct api_table *t, char *err, size_t errlen);
/* Optional members of a given type; absent gives dflt / NULL. -1 with err on a wrong type. */
int api_get_bool(const json_t *req, const char *key, bool dflt, bool *out, char *err, size_t errlen);
int api_get_string(const json_t *req, const char *key, const char **out, char *err, size_t errlen);
/*
 * The "list" operation of a table: {key: list(copy), "count": N, "max": max}
 * from a copy of the configuration in force (list sets N); what names the
 * request in messages ("eamt list"). NULL with err.
 */
json_t *api_list(const struct api_bridge *br, const json_t *req, const char *what, const char *key,
		 json_t *(*list)(const struct xlat_config *c, unsigned *count), int max, char *err, size_t errlen);
/* The "flush" operation: edit empties the table, *removed says how much went; {"removed": *removed}. NULL with err. */
json_t *api_flush(const struct api_bridge *br, const json_t *req, const char *what, api_edit_fn edit, void *arg,
		  const unsigned *removed, char *err, size_t errlen);
/* A heap copy of the translator configuration in force (free() it); NULL with err. */
struct xlat_config *api_xlat_copy(const struct api_bridge *br, char *err, size_t errlen);
/* "siit" / "nat64" */
const char *api_mode_name(int mode);
/* The index of the port named name, or -1. */
int api_port_index(const struct api_bridge *br, const char *name);

#endif
