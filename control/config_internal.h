/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The configuration loader's own kit, shared by its files and by nothing
 * else (the rest of the program uses config_load.h):
 *
 *   config_load.c      the top level: which sections, in which order, load_*, the dump
 *   config_repeated.c  keys given twice in one object (a walk over the text)
 *   config_util.c      messages, field paths, key tables, scalars
 *   config_addr.c      addresses, prefixes, MACs, protocols, ports, ADDRESS#PORT
 *   config_global.c    "global": what the option table (global_opts.c) implies
 *   config_siit.c      "eamt", "denylist4"
 *   config_nat64.c     "pool4", "bib"
 *   config_cgn.c       "cgn"
 *   config_ports.c     "ports", "routes"
 *   config_daemon.c    "eal", "control", "dataplane"
 *
 * Every parser takes the loader state (struct ld), returns 0, or -1 after
 * cfg_fail() has written the message ("ORIGIN: PATH: WHAT"); each section
 * file also holds the emitter that writes its section back for `config dump`.
 */
#ifndef XLAT_CONFIG_INTERNAL_H
#define XLAT_CONFIG_INTERNAL_H

#include <arpa/inet.h>
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config_load.h"

#define PATH_LEN 192
#define SHOW_LEN 96
#define PFX_LEN (INET6_ADDRSTRLEN + 8) /* "addr/len" */
#define U32MAX 4294967295ull

/* Loader state: where errors (and notes) go and what is being filled. */
struct ld {
	const char *origin;
	char *err;
	size_t errlen;
	struct appcfg *cfg;
	char *notes; /* NULL: nobody reads them */
	size_t noteslen;
	bool mode_given; /* the file has a "mode" key */
};

/* The state for one of config_load.h's pieces for the control API: messages in err (cleared), no origin. */
static inline struct ld cfg_ld_api(char *err, size_t errlen)
{
	if (err && errlen)
		err[0] = '\0';
	return (struct ld){ .err = err, .errlen = errlen };
}

/*
 * The refusal of a NAT64 setting in a file that names no mode: SIIT is only
 * the default. Jool knows a NAT64 file from the command it is given to
 * (jool, not jool_siit), so its NAT64 files have no "mode" key.
 */
#define NO_MODE_HINT                                                                                         \
	" (the file has no \"mode\", and siit is the default; a file for Jool's NAT64, the jool command rather " \
	"than jool_siit, needs \"mode\": \"nat64\")"

/* ---- config_util.c */

/* "ORIGIN: PATH: message" into ld->err; returns -1. */
int cfg_fail(struct ld *ld, const char *path, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* A remark on a file that loads but deserves a word: a line "ORIGIN: note: PATH: TEXT" in ld->notes. */
void cfg_note(struct ld *ld, const char *path, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* A user string made safe to quote in a message: printable, bounded. */
const char *cfg_show(const char *s, char buf[SHOW_LEN]);
/* "an object", "a string", ... for "expected X, got Y". */
const char *cfg_jtype(const json_t *j);
/* out = parent.key (key alone at the top level); out = parent[i]. out must not alias parent. */
void cfg_path_key(char out[PATH_LEN], const char *parent, const char *key);
void cfg_path_idx(char out[PATH_LEN], const char *parent, size_t i);

/* One known key of an object; val is filled by cfg_take_fields() (NULL when absent). */
struct field {
	const char *name;
	json_t *val;
	bool required; /* absent: "missing \"NAME\"" (the first such, in the table's order) */
};
#define KEY(name) { (name), NULL, false }
#define KEY_REQUIRED(name) { (name), NULL, true }
/* Sort obj's members into fields[] (unknown keys, a key in two letter cases, a non-object, a required key
 * missing: errors). */
int cfg_take_fields(struct ld *ld, json_t *obj, const char *path, struct field *fields, size_t n);

int cfg_get_bool(struct ld *ld, const char *path, const json_t *j, bool *out);
int cfg_get_uint(struct ld *ld, const char *path, const json_t *j, uint64_t min, uint64_t max, uint64_t *out);
/* A field's value (f->val, present) as an integer in min..max; its path is parent.NAME. */
int cfg_field_uint(struct ld *ld, const char *parent, const struct field *f, uint64_t min, uint64_t max,
		   uint64_t *out);
int cfg_get_string(struct ld *ld, const char *path, const json_t *j, const char **out);
/* An array of at most max elements (what names them in the message). */
int cfg_get_array(struct ld *ld, const char *path, const json_t *j, size_t max, const char *what);
/* Every element of the array j (at most max of them), handed to fn with its path "name[i]"; stops at a failure. */
typedef int (*cfg_elem_fn)(struct ld *ld, const char *path, json_t *elem, void *arg);
int cfg_each(struct ld *ld, const char *name, json_t *j, size_t max, const char *what, cfg_elem_fn fn, void *arg);
int cfg_copy_string(struct ld *ld, const char *path, const char *s, char *dst, size_t cap);

/* ---- config_addr.c */

bool cfg_looks_v6(const char *s);
void cfg_format_prefix(int family, const void *addr, unsigned len, char out[PFX_LEN]);
/* Prefixes as the file writes them (host bits refused); a plain address; an interface address; a MAC. */
int cfg_get_prefix6(struct ld *ld, const char *path, const json_t *j, struct prefix6 *p);
int cfg_get_prefix4(struct ld *ld, const char *path, const json_t *j, struct prefix4 *p);
int cfg_get_addr(struct ld *ld, const char *path, const json_t *j, int *family, uint8_t addr[16]);
int cfg_get_ifaddr(struct ld *ld, const char *path, const json_t *j, struct appcfg_addr *out);
int cfg_get_mac(struct ld *ld, const char *path, const json_t *j, uint8_t mac[6]);
/* Why a port or a neighbour can not have this address; NULL when it can. */
const char *cfg_bad_unicast(int family, const uint8_t a[16]);
/* "TCP" / "UDP" / "ICMP" <-> 6 / 17 / 1 */
const char *cfg_proto_name(uint8_t proto);
int cfg_parse_proto(struct ld *ld, const char *path, const json_t *j, uint8_t *proto);
/* "A-B" or "P" */
int cfg_parse_port_range(struct ld *ld, const char *path, const json_t *j, uint16_t *lo, uint16_t *hi);
/* "ADDRESS#PORT" of the given family */
int cfg_parse_taddr(struct ld *ld, const char *path, const json_t *j, int family, uint8_t *addr, uint16_t *port);
json_t *cfg_addr_json(int family, const uint8_t *a);
json_t *cfg_mac_json(const uint8_t m[6]);
json_t *cfg_taddr_json(int family, const void *addr, uint16_t port);

/* ---- the sections: each parses its part of the file into ld->cfg */

/* config_global.c */
int cfg_parse_global(struct ld *ld, json_t *j);
/* Does this "global" object name an option only a SIIT has? */
bool cfg_global_siit_only(const json_t *global);
/* config_siit.c */
int cfg_parse_eamt(struct ld *ld, json_t *j);
int cfg_parse_denylist4(struct ld *ld, const char *name, json_t *j);
/* config_nat64.c; cfg_nat64_finish(): pool6 required, an empty pool4 made of the ports' addresses */
int cfg_parse_pool4(struct ld *ld, json_t *j);
int cfg_parse_bib(struct ld *ld, json_t *j);
int cfg_nat64_finish(struct ld *ld);
int cfg_bib_check(struct ld *ld);
/* config_cgn.c */
int cfg_parse_cgn(struct ld *ld, json_t *j);
int cfg_cgn_check(struct ld *ld, const char *p, const struct xlat_config *x);
/* config_ports.c */
int cfg_parse_ports(struct ld *ld, json_t *j);
int cfg_parse_routes(struct ld *ld, json_t *j);
json_t *cfg_ports_json(const struct appcfg *c);
json_t *cfg_routes_json(const struct appcfg *c);
/* config_daemon.c */
/* config_sync.c: the "sync" section (doc/ha.md), and its rules with the others */
int cfg_parse_sync(struct ld *ld, json_t *j);
int cfg_sync_check(struct ld *ld);
json_t *cfg_sync_json(const struct appcfg *c);
int cfg_parse_eal(struct ld *ld, json_t *j);
int cfg_parse_control(struct ld *ld, json_t *j);
int cfg_parse_dataplane(struct ld *ld, json_t *j);
json_t *cfg_eal_json(const struct appcfg *c);
json_t *cfg_control_json(const struct appcfg *c);
json_t *cfg_dataplane_json(const struct appcfg *c);
/* config_repeated.c */
int cfg_scan_repeated_keys(struct ld *ld, const char *s, size_t len);

#endif
