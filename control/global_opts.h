/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The global options: one table (global_opts.c), one row per option, as Jool
 * keeps its globals_metadata. Everything else about an option comes from its
 * row, none of it written a second time:
 *
 *   - the file's "global" section: which keys, their types, ranges and
 *     messages, where each value is stored (config_global.c);
 *   - the NAT64 options refused in a file that names no mode, and the SIIT
 *     ones that tell such a file is SIIT;
 *   - `global get` / `global set` and `pool6` over the API (api_global.c);
 *   - the "global" section of `config dump`;
 *   - doc/configuration.md's tables of options (xlat64-gendoc prints them;
 *     a test fails when the document differs), the defaults in them checked
 *     against lib's xlat_globals_init().
 *
 * Adding an option: a row in global_opts.c (and its field in struct
 * xlat_globals, lib/xlat.h), then `xlat64-gendoc --update .` for the document.
 */
#ifndef XLAT_GLOBAL_OPTS_H
#define XLAT_GLOBAL_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum gopt_type {
	GOPT_BOOL,     /* true / false */
	GOPT_UINT,     /* an integer in min..max, stored in a field of size bytes */
	GOPT_TIME,     /* Jool's "[HH:[MM:]]SS[.mmm]", min..max ms, stored as uint32_t ms */
	GOPT_ENUM,     /* one of values[] (any letter case), stored as its index */
	GOPT_PREFIX6,  /* an IPv6 prefix or null; the struct prefix6 at off, its "is set" bool at aux */
	GOPT_PREFIX4,  /* the same for IPv4 */
	GOPT_PLATEAUS, /* MTU plateaus: uint16_t[XLAT_MAX_PLATEAUS] at off, their count (uint8_t) at aux */
};

/* Which translator has the option (Jool's .xt: XT_ANY, XT_SIIT, XT_NAT64). */
enum gopt_scope { GOPT_BOTH, GOPT_SIIT, GOPT_NAT64 };

/* off of an option that is checked and then ignored (Jool files load; xlat64 has nothing to do with it). */
#define GOPT_UNSTORED SIZE_MAX

struct gopt {
	const char *name; /* Jool's name: the file's key and the API's */
	enum gopt_type type;
	enum gopt_scope scope;
	bool ours;              /* not one of Jool's */
	bool rfc6052;           /* GOPT_PREFIX6: a pool6 prefix (RFC 6052 2.2 lengths and u-octet) */
	uint64_t min, max;      /* GOPT_UINT; GOPT_TIME in ms */
	size_t off;             /* offset in struct xlat_globals; GOPT_UNSTORED */
	size_t size;            /* GOPT_UINT, GOPT_ENUM: the field's size in bytes */
	size_t aux;             /* GOPT_PREFIX*, GOPT_PLATEAUS: the companion field's offset */
	const char *const *values; /* GOPT_ENUM: the names by stored value, NULL-terminated */
	const char *dflt;       /* the default as JSON text ("true", "1280", "\"2:04:00\""), or words ("Jool's") */
	const char *unit;       /* GOPT_UINT, for the documentation ("ms", "bytes"); NULL */
	const char *doc;        /* what it does: doc/configuration.md's "meaning" (Markdown) */
};

/* A time as the file writes it: "2:04:00", "0:00:01.500" (config_global.c). */
void gopt_format_time(uint64_t ms, char *out, size_t cap);

/* The table, in the order of `global get` and of the dump; i < appcfg_global_count() (config_load.h). */
const struct gopt *gopt_get(unsigned i);

#endif
