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

#include <stddef.h>

#include "appcfg.h"

#define APPCFG_DEFAULT_SOCKET "/run/xlat64/control.sock"
#define APPCFG_DEFAULT_MBUFS 8191
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
/* Frees what the loader allocated (eal_args). Idempotent. */
void appcfg_free(struct appcfg *cfg);

#endif
