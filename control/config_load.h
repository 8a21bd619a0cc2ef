/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The JSON configuration file (doc/configuration.md) -> struct appcfg.
 *
 * Jool's `jool file handle` sections (global, eamt, denylist4, ...) load
 * unchanged; the appliance adds mode, eal, ports, routes, control, dataplane.
 * Options left out take their defaults. Every error names the file, the
 * field path and what is wrong, e.g.
 *   "lab.json: ports[1].addresses[0]: '2001:db8::1/129' is not an IPv6 prefix".
 */
#ifndef XLAT_CONFIG_LOAD_H
#define XLAT_CONFIG_LOAD_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "appcfg.h"

#define APPCFG_DEFAULT_SOCKET "/run/xlat64/control.sock"
#define APPCFG_DEFAULT_MBUFS 8191
#define APPCFG_DEFAULT_EXCEPTION_PPS 10000
#define APPCFG_DEFAULT_MTU 1500
/* Files larger than this are refused before parsing. */
#define APPCFG_MAX_FILE_SIZE (64u * 1024 * 1024)

/*
 * Each returns 0 with *out filled, or -1 with a one-line message in err
 * (always NUL-terminated when errlen > 0) and *out left empty (safe to pass to
 * appcfg_free). origin prefixes messages ("lab.json: ..."); NULL for none.
 * *out is always initialised, so appcfg_free() is safe after either result.
 */
int appcfg_load_file(const char *path, struct appcfg *out, char *err, size_t errlen);
int appcfg_load_string(const char *json, size_t len, const char *origin, struct appcfg *out, char *err,
		       size_t errlen);
/*
 * appcfg_load_file(), and the remarks on a file that loads but deserves a
 * word (no "mode" in what may be a Jool NAT64 file, ...) in notes: lines of
 * "PATH: note: ...", each ending in a newline; "" when none (and on error).
 * For `xlat64ctl check`.
 */
int appcfg_load_file_noted(const char *path, struct appcfg *out, char *err, size_t errlen, char *notes,
			   size_t noteslen);
/* Frees what the loader allocated (eal_args). Idempotent. */
void appcfg_free(struct appcfg *cfg);

/*
 * Pieces for the control API (control/api_*.c), so that a live change is
 * checked by exactly the rules a file is. Messages look like the file's,
 * with path in place of the field path ("global.tos: 300 is out of range").
 */
/* Global options (Jool's names) in the file's order; index < appcfg_global_count(). */
unsigned appcfg_global_count(void);
const char *appcfg_global_name(unsigned i);
/* false: accepted for Jool compatibility and validated, but not stored (no effect yet). */
bool appcfg_global_stored(unsigned i);
/* Index of the option (case-insensitive), or -1. */
int appcfg_global_find(const char *name);
/* A "global" object (all or some options, as in the file) applied onto g. 0, or -1 with err. */
int appcfg_globals_parse(const json_t *obj, const char *path, struct xlat_globals *g, char *err, size_t errlen);
/* One EAMT entry object {"ipv6 prefix", "ipv4 prefix"} added to t; one denylist4 prefix appended to x. */
int appcfg_eamt_parse_entry(const json_t *entry, const char *path, struct eamt *t, char *err, size_t errlen);
int appcfg_denylist4_parse_entry(const json_t *prefix, const char *path, struct xlat_config *x, char *err,
				 size_t errlen);
/* One pool4 entry (Jool's fields) appended to x; one static BIB entry appended to x (its IPv4 side in x's pool4). */
int appcfg_pool4_parse_entry(const json_t *entry, const char *path, struct xlat_config *x, char *err, size_t errlen);
int appcfg_bib_parse_entry(const json_t *entry, const char *path, struct xlat_config *x, char *err, size_t errlen);
/*
 * A "cgn" object (doc/cgn.md), all or some members, applied onto x->cgn and
 * checked against x (pool4). structural false refuses the members that need a
 * restart (subscriber prefix length, port blocks, deterministic NAT).
 */
int appcfg_cgn_parse(const json_t *obj, const char *path, struct xlat_config *x, bool structural, char *err,
		     size_t errlen);
/* A prefix string as the file takes it (host bits refused). */
int appcfg_prefix6_parse(const json_t *j, const char *path, struct prefix6 *p, char *err, size_t errlen);
int appcfg_prefix4_parse(const json_t *j, const char *path, struct prefix4 *p, char *err, size_t errlen);
/* A port address "A/LEN" (as the file's "addresses"), and its JSON form. */
int appcfg_ifaddr_parse(const json_t *j, const char *path, struct appcfg_addr *a, char *err, size_t errlen);
json_t *appcfg_ifaddr_json(const struct appcfg_addr *a);

/* JSON in the file's format (new references; NULL on allocation failure). */
json_t *appcfg_prefix6_json(const struct prefix6 *p);
json_t *appcfg_prefix4_json(const struct prefix4 *p);
/* One option's value; NULL for options that are not stored. */
json_t *appcfg_global_json(unsigned i, const struct xlat_globals *g);
json_t *appcfg_globals_json(const struct xlat_globals *g);
json_t *appcfg_eamt_json(const struct eamt *t);
json_t *appcfg_denylist4_json(const struct xlat_config *x);
json_t *appcfg_pool4_json(const struct xlat_config *x);
json_t *appcfg_bib_json(const struct xlat_config *x);
json_t *appcfg_cgn_json(const struct xlat_config *x);
/* A whole configuration file that loads back into the same struct appcfg. */
json_t *appcfg_to_json(const struct appcfg *c);

#endif
