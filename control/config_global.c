/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The "global" section and the API's global options: everything the option
 * table (global_opts.c) implies. A value goes file -> struct gval (parsed and
 * checked by its type) -> struct xlat_globals (at the row's offset), and back
 * the same way for `global get` and the dump; there is no per-option code.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config_internal.h"
#include "global_opts.h"
#include "rfc6052.h"
#include "xlat.h"

#define N_GOPTS appcfg_global_count()

/* One option's value on its way between JSON and struct xlat_globals. */
struct gval {
	uint64_t u;  /* GOPT_BOOL (0, 1), GOPT_UINT, GOPT_TIME (ms), GOPT_ENUM (the index) */
	bool set;    /* GOPT_PREFIX*: false for null */
	struct prefix6 p6;
	struct prefix4 p4;
	uint16_t plateaus[XLAT_MAX_PLATEAUS];
	uint8_t n_plateaus;
};

/* ------------------------------------------------------------------- time */

void gopt_format_time(uint64_t ms, char *out, size_t cap)
{
	uint64_t s = ms / 1000;

	if (ms % 1000)
		snprintf(out, cap, "%llu:%02llu:%02llu.%03llu", (unsigned long long)(s / 3600),
			 (unsigned long long)(s / 60 % 60), (unsigned long long)(s % 60),
			 (unsigned long long)(ms % 1000));
	else
		snprintf(out, cap, "%llu:%02llu:%02llu", (unsigned long long)(s / 3600),
			 (unsigned long long)(s / 60 % 60), (unsigned long long)(s % 60));
}

/* Jool's time format: [HH:[MM:]]SS[.mmm]. 0 with *ms, or -1. */
static int parse_timeout(const char *s, uint64_t *ms)
{
	uint64_t part[3], frac = 0;
	unsigned n = 0;
	const char *p = s;

	for (;;) {
		uint64_t v = 0;
		unsigned digits = 0;

		while (*p >= '0' && *p <= '9') {
			if (++digits > 9)
				return -1;
			v = v * 10 + (uint64_t)(*p++ - '0');
		}
		if (digits == 0 || n == 3)
			return -1;
		part[n++] = v;
		if (*p == ':') {
			p++;
			continue;
		}
		if (*p == '.') {
			unsigned fd = 0;

			p++;
			while (*p >= '0' && *p <= '9') {
				if (++fd > 3)
					return -1;
				frac = frac * 10 + (uint64_t)(*p++ - '0');
			}
			if (fd == 0)
				return -1;
			for (; fd < 3; fd++)
				frac *= 10;
		}
		if (*p != '\0')
			return -1;
		break;
	}
	/* Minutes and seconds below a larger unit must be < 60. */
	if (n >= 2 && part[n - 1] >= 60)
		return -1;
	if (n == 3 && part[1] >= 60)
		return -1;
	{
		uint64_t h = n == 3 ? part[0] : 0;
		uint64_t m = n == 3 ? part[1] : (n == 2 ? part[0] : 0);
		uint64_t sec = part[n - 1];
		*ms = ((h * 60 + m) * 60 + sec) * 1000 + frac;
	}
	return 0;
}

/* --------------------------------------------------- parsing, by type */

static int parse_time(struct ld *ld, const struct gopt *o, const char *path, const json_t *j, struct gval *v)
{
	const char *s;
	char b1[SHOW_LEN], t1[32], t2[32];

	if (!json_is_string(j))
		return cfg_fail(ld, path, "expected a time string like \"2:00:00\" ([HH:[MM:]]SS[.mmm]), got %s",
				cfg_jtype(j));
	s = json_string_value(j);
	if (parse_timeout(s, &v->u) != 0)
		return cfg_fail(ld, path, "'%s' is not a time; the format is [HH:[MM:]]SS[.mmm], e.g. \"2:00:00\"",
				cfg_show(s, b1));
	gopt_format_time(v->u, t1, sizeof(t1));
	if (v->u < o->min) {
		gopt_format_time(o->min, t2, sizeof(t2));
		return cfg_fail(ld, path, "%s is below the minimum %s", t1, t2);
	}
	if (v->u > o->max) {
		gopt_format_time(o->max, t2, sizeof(t2));
		return cfg_fail(ld, path, "%s is above the maximum %s", t1, t2);
	}
	return 0;
}

/* "\"off\", \"simple\"" and then last_sep and the last name: the values of an enum for a message. */
static void enum_names(const char *const *values, const char *last_sep, char *out, size_t cap)
{
	size_t off = 0;

	out[0] = '\0';
	for (unsigned i = 0; values[i] && off < cap; i++) {
		int n = snprintf(out + off, cap - off, "%s\"%s\"", i == 0 ? "" : values[i + 1] ? ", " : last_sep,
				 values[i]);

		off += n > 0 ? (size_t)n : 0;
	}
}

static int parse_enum(struct ld *ld, const struct gopt *o, const char *path, const json_t *j, struct gval *v)
{
	char names[256], b1[SHOW_LEN];
	const char *s;

	if (!json_is_string(j)) {
		enum_names(o->values, " or ", names, sizeof(names));
		return cfg_fail(ld, path, "expected %s, got %s", names, cfg_jtype(j));
	}
	s = json_string_value(j);
	for (v->u = 0; o->values[v->u]; v->u++)
		if (strcasecmp(s, o->values[v->u]) == 0)
			return 0;
	enum_names(o->values, ", ", names, sizeof(names));
	return cfg_fail(ld, path, "'%s' is not one of %s", cfg_show(s, b1), names);
}

/*
 * A prefix, or null (the string "null" too, as Jool takes it) for none. A
 * pool6 prefix (rfc6052) has its length checked before its host bits: "/33"
 * is told which lengths RFC 6052 allows, not which bits to clear.
 */
static int parse_prefix(struct ld *ld, const struct gopt *o, const char *path, const json_t *j, struct gval *v)
{
	bool v6 = o->type == GOPT_PREFIX6;
	char b1[SHOW_LEN];

	if (json_is_null(j) || (json_is_string(j) && strcmp(json_string_value(j), "null") == 0))
		return 0; /* v->set false, the prefix zero */
	if (!json_is_string(j))
		return cfg_fail(ld, path, "expected a string (an IPv%d prefix) or null, got %s", v6 ? 6 : 4, cfg_jtype(j));
	if (o->rfc6052) {
		if (prefix6_parse(json_string_value(j), &v->p6) != 0)
			return cfg_fail(ld, path, "'%s' is not an IPv6 prefix", cfg_show(json_string_value(j), b1));
		if (!rfc6052_valid_len(v->p6.len))
			return cfg_fail(ld, path, "prefix length %u is not one of 32, 40, 48, 56, 64, 96 (RFC 6052 2.2)",
					v->p6.len);
	}
	if (v6 ? cfg_get_prefix6(ld, path, j, &v->p6) : cfg_get_prefix4(ld, path, j, &v->p4))
		return -1;
	if (o->rfc6052 && !rfc6052_prefix_ok(&v->p6))
		return cfg_fail(ld, path, "'%s': bits 64 to 71 (the u-octet) must be zero (RFC 6052 2.2)",
				cfg_show(json_string_value(j), b1));
	v->set = true;
	return 0;
}

static int cmp_desc_u16(const void *a, const void *b)
{
	uint16_t x = *(const uint16_t *)a, y = *(const uint16_t *)b;

	return (x < y) - (x > y);
}

/*
 * Jool's rule (validate_plateaus(), src/mod/common/nl/attribute.c): any
 * 16-bit values, sorted descending, zeros and duplicates dropped, a list of
 * nothing but zeros refused. Small values are harmless: a plateau only
 * guesses the MTU of an ICMPv4 "Fragmentation Needed" that carries none
 * (RFC 1191 7), and icmp_mtu46() (lib/icmp_map.c) never advertises less
 * than 1280 in the translated Packet Too Big (RFC 8200 5, RFC 7915 4.2), so
 * Jool's old examples' [1, 2, 3, 4, 5, 6] load as they do in Jool.
 */
static int parse_plateaus(struct ld *ld, const char *path, const json_t *j, struct gval *v)
{
	uint16_t vals[XLAT_MAX_PLATEAUS * 4];
	size_t n = json_array_size(j), k = 0;
	char p[PATH_LEN];

	if (!json_is_array(j))
		return cfg_fail(ld, path, "expected an array of integers, got %s", cfg_jtype(j));
	if (n == 0)
		return cfg_fail(ld, path, "the list can not be empty");
	if (n > sizeof(vals) / sizeof(vals[0]))
		return cfg_fail(ld, path, "%zu entries, at most %zu supported", n, sizeof(vals) / sizeof(vals[0]));
	for (size_t i = 0; i < n; i++) {
		uint64_t u;

		cfg_path_idx(p, path, i);
		if (cfg_get_uint(ld, p, json_array_get(j, i), 0, 65535, &u))
			return -1;
		vals[i] = (uint16_t)u;
	}
	qsort(vals, n, sizeof(vals[0]), cmp_desc_u16);
	for (size_t i = 0; i < n; i++) {
		if (vals[i] == 0 || (k && vals[k - 1] == vals[i]))
			continue;
		vals[k++] = vals[i];
	}
	if (k == 0)
		return cfg_fail(ld, path, "the list holds nothing but zeros (Jool refuses it too)");
	if (k > XLAT_MAX_PLATEAUS)
		return cfg_fail(ld, path, "%zu distinct plateaus, at most %d supported", k, XLAT_MAX_PLATEAUS);
	memcpy(v->plateaus, vals, k * sizeof(vals[0]));
	v->n_plateaus = (uint8_t)k;
	return 0;
}

/* j as option o's value; path names it in messages. */
static int parse_value(struct ld *ld, const struct gopt *o, const char *path, const json_t *j, struct gval *v)
{
	bool b;

	memset(v, 0, sizeof(*v));
	switch (o->type) {
	case GOPT_BOOL:
		if (cfg_get_bool(ld, path, j, &b))
			return -1;
		v->u = b;
		return 0;
	case GOPT_UINT:
		return cfg_get_uint(ld, path, j, o->min, o->max, &v->u);
	case GOPT_TIME:
		return parse_time(ld, o, path, j, v);
	case GOPT_ENUM:
		return parse_enum(ld, o, path, j, v);
	case GOPT_PREFIX6:
	case GOPT_PREFIX4:
		return parse_prefix(ld, o, path, j, v);
	case GOPT_PLATEAUS:
		return parse_plateaus(ld, path, j, v);
	}
	return cfg_fail(ld, path, "internal: option type %d", (int)o->type);
}

/* ------------------------------------ the value in struct xlat_globals */

/* An unsigned integer field of size bytes (the table's FIELD()), through memcpy: any alignment, no aliasing. */
static void put_uint(void *dst, size_t size, uint64_t u)
{
	uint8_t u8 = (uint8_t)u;
	uint16_t u16 = (uint16_t)u;
	uint32_t u32 = (uint32_t)u;

	memcpy(dst, size == 1 ? (void *)&u8 : size == 2 ? (void *)&u16 : size == 4 ? (void *)&u32 : (void *)&u,
	       size);
}

static uint64_t get_uint(const void *src, size_t size)
{
	uint8_t u8 = 0;
	uint16_t u16 = 0;
	uint32_t u32 = 0;
	uint64_t u64 = 0;

	memcpy(size == 1 ? (void *)&u8 : size == 2 ? (void *)&u16 : size == 4 ? (void *)&u32 : (void *)&u64, src,
	       size);
	return size == 1 ? u8 : size == 2 ? u16 : size == 4 ? u32 : u64;
}

/* v into g at o's place (nothing for an option that is not stored). */
static void store(const struct gopt *o, const struct gval *v, struct xlat_globals *g)
{
	uint8_t *base = (uint8_t *)g;
	bool b = v->u != 0;

	if (o->off == GOPT_UNSTORED)
		return;
	switch (o->type) {
	case GOPT_BOOL:
		memcpy(base + o->off, &b, sizeof(b));
		break;
	case GOPT_UINT:
	case GOPT_TIME:
	case GOPT_ENUM:
		put_uint(base + o->off, o->size, v->u);
		break;
	case GOPT_PREFIX6:
		memcpy(base + o->off, &v->p6, sizeof(v->p6));
		memcpy(base + o->aux, &v->set, sizeof(v->set));
		break;
	case GOPT_PREFIX4:
		memcpy(base + o->off, &v->p4, sizeof(v->p4));
		memcpy(base + o->aux, &v->set, sizeof(v->set));
		break;
	case GOPT_PLATEAUS:
		memcpy(base + o->off, v->plateaus, sizeof(v->plateaus));
		memcpy(base + o->aux, &v->n_plateaus, sizeof(v->n_plateaus));
		break;
	}
}

/* o's value in g; false for an option that is not stored. */
static bool load(const struct gopt *o, const struct xlat_globals *g, struct gval *v)
{
	const uint8_t *base = (const uint8_t *)g;
	bool b;

	memset(v, 0, sizeof(*v));
	if (o->off == GOPT_UNSTORED)
		return false;
	switch (o->type) {
	case GOPT_BOOL:
		memcpy(&b, base + o->off, sizeof(b));
		v->u = b;
		break;
	case GOPT_UINT:
	case GOPT_TIME:
	case GOPT_ENUM:
		v->u = get_uint(base + o->off, o->size);
		break;
	case GOPT_PREFIX6:
		memcpy(&v->p6, base + o->off, sizeof(v->p6));
		memcpy(&v->set, base + o->aux, sizeof(v->set));
		break;
	case GOPT_PREFIX4:
		memcpy(&v->p4, base + o->off, sizeof(v->p4));
		memcpy(&v->set, base + o->aux, sizeof(v->set));
		break;
	case GOPT_PLATEAUS:
		memcpy(v->plateaus, base + o->off, sizeof(v->plateaus));
		memcpy(&v->n_plateaus, base + o->aux, sizeof(v->n_plateaus));
		break;
	}
	return true;
}

/* v as the file writes it (a new reference). */
static json_t *value_json(const struct gopt *o, const struct gval *v)
{
	char t[32];
	json_t *a;
	unsigned n = 0;

	switch (o->type) {
	case GOPT_BOOL:
		return json_boolean(v->u);
	case GOPT_UINT:
		return json_integer((json_int_t)v->u);
	case GOPT_TIME:
		gopt_format_time(v->u, t, sizeof(t));
		return json_string(t);
	case GOPT_ENUM:
		while (o->values[n] && n < v->u)
			n++;
		return json_string(o->values[n] ? o->values[n] : "?");
	case GOPT_PREFIX6:
		return v->set ? appcfg_prefix6_json(&v->p6) : json_null();
	case GOPT_PREFIX4:
		return v->set ? appcfg_prefix4_json(&v->p4) : json_null();
	case GOPT_PLATEAUS:
		a = json_array();
		for (unsigned k = 0; a && k < v->n_plateaus && k < XLAT_MAX_PLATEAUS; k++)
			json_array_append_new(a, json_integer(v->plateaus[k]));
		return a;
	}
	return NULL;
}

/* ------------------------------------------------------------ the section */

/* A "global" object (the file's section, or part of it) into g; path names it in messages. */
static int parse_global_into(struct ld *ld, json_t *j, const char *path, struct xlat_globals *g)
{
	struct field f[N_GOPTS];
	char p[PATH_LEN];
	struct gval v;

	for (unsigned i = 0; i < N_GOPTS; i++)
		f[i] = (struct field)KEY(gopt_get(i)->name);
	if (cfg_take_fields(ld, j, path, f, N_GOPTS))
		return -1;
	for (unsigned i = 0; i < N_GOPTS; i++) {
		if (!f[i].val)
			continue;
		cfg_path_key(p, path, f[i].name);
		if (parse_value(ld, gopt_get(i), p, f[i].val, &v))
			return -1;
		store(gopt_get(i), &v, g);
	}
	return 0;
}

/* The first key of a "global" object that names an option of this scope; NULL when none does. */
static const struct gopt *first_of_scope(const json_t *global, enum gopt_scope scope)
{
	const char *key;
	json_t *val;

	json_object_foreach((json_t *)(uintptr_t)global, key, val) {
		int i = appcfg_global_find(key);

		(void)val;
		if (i >= 0 && gopt_get((unsigned)i)->scope == scope)
			return gopt_get((unsigned)i);
	}
	return NULL;
}

/*
 * The file's "global". A NAT64-only option in a file that says no mode is
 * refused: the file was most likely written for Jool's NAT64 (jool, not
 * jool_siit, which is how Jool tells the two apart), and loading it as SIIT,
 * the default, would run the wrong translator with nothing said. With
 * "mode": "siit" written, such options are checked and ignored, as jool_siit
 * ignores them (Jool's global_update() skips globals of the other type).
 */
int cfg_parse_global(struct ld *ld, json_t *j)
{
	const struct gopt *o;
	char p[PATH_LEN];

	if (!ld->mode_given && ld->cfg->xlat.mode == XLAT_MODE_SIIT && (o = first_of_scope(j, GOPT_NAT64)) != NULL) {
		cfg_path_key(p, "global", o->name);
		return cfg_fail(ld, p, "a NAT64 option, but this file's mode is siit" NO_MODE_HINT);
	}
	return parse_global_into(ld, j, "global", &ld->cfg->xlat.g);
}

bool cfg_global_siit_only(const json_t *global)
{
	return first_of_scope(global, GOPT_SIIT) != NULL;
}

/* ---------------------------------------------------- for the API, the dump */

const char *appcfg_global_name(unsigned i)
{
	return i < N_GOPTS ? gopt_get(i)->name : NULL;
}

bool appcfg_global_stored(unsigned i)
{
	return i < N_GOPTS && gopt_get(i)->off != GOPT_UNSTORED;
}

int appcfg_global_find(const char *name)
{
	for (unsigned i = 0; i < N_GOPTS; i++)
		if (strcasecmp(gopt_get(i)->name, name) == 0)
			return (int)i;
	return -1;
}

int appcfg_globals_parse(const json_t *obj, const char *path, struct xlat_globals *g, char *err, size_t errlen)
{
	struct ld ld = cfg_ld_api(err, errlen);

	return parse_global_into(&ld, (json_t *)(uintptr_t)obj, path ? path : "global", g);
}

json_t *appcfg_global_json(unsigned i, const struct xlat_globals *g)
{
	struct gval v;

	if (i >= N_GOPTS || !load(gopt_get(i), g, &v))
		return NULL;
	return value_json(gopt_get(i), &v);
}

json_t *appcfg_globals_json(const struct xlat_globals *g)
{
	json_t *o = json_object();

	for (unsigned i = 0; o && i < N_GOPTS; i++) {
		json_t *v = appcfg_global_json(i, g);

		if (v)
			json_object_set_new(o, gopt_get(i)->name, v);
	}
	return o;
}
