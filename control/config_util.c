/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The loader's kit (config_internal.h): messages and notes, field paths, the
 * key table of an object (unknown keys with "did you mean", keys in two
 * letter cases), and the scalar types.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "config_internal.h"

/* ---------------------------------------------------------------- messages */

int cfg_fail(struct ld *ld, const char *path, const char *fmt, ...)
{
	size_t off = 0;
	int n;
	va_list ap;

	if (!ld->err || ld->errlen == 0)
		return -1;
	ld->err[0] = '\0';
	if (ld->origin && *ld->origin) {
		n = snprintf(ld->err, ld->errlen, "%s: ", ld->origin);
		off = n > 0 ? (size_t)n : 0;
	}
	if (path && *path && off < ld->errlen) {
		n = snprintf(ld->err + off, ld->errlen - off, "%s: ", path);
		off += n > 0 ? (size_t)n : 0;
	}
	if (off < ld->errlen) {
		va_start(ap, fmt);
		vsnprintf(ld->err + off, ld->errlen - off, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/*
 * A remark on a file that loads but deserves a word (xlat64ctl check prints
 * them): one line "ORIGIN: note: PATH: TEXT" appended to ld->notes.
 */
void cfg_note(struct ld *ld, const char *path, const char *fmt, ...)
{
	char line[512];
	size_t off, n;
	int k;
	va_list ap;

	if (!ld->notes || ld->noteslen == 0)
		return;
	k = snprintf(line, sizeof(line), "%s%snote: %s%s", ld->origin ? ld->origin : "", ld->origin ? ": " : "",
		     path ? path : "", path ? ": " : "");
	if (k < 0 || (size_t)k >= sizeof(line))
		return;
	va_start(ap, fmt);
	vsnprintf(line + k, sizeof(line) - (size_t)k, fmt, ap);
	va_end(ap);
	/* a whole line or nothing: a cut note would read as a different one */
	off = strlen(ld->notes);
	n = strlen(line);
	if (off + n + 2 > ld->noteslen)
		return;
	memcpy(ld->notes + off, line, n);
	ld->notes[off + n] = '\n';
	ld->notes[off + n + 1] = '\0';
}

/* A user string made safe to quote in a message: printable, bounded. */
const char *cfg_show(const char *s, char buf[SHOW_LEN])
{
	size_t i, n = 0;

	for (i = 0; s[i] && n < SHOW_LEN - 4; i++)
		buf[n++] = isprint((unsigned char)s[i]) ? s[i] : '?';
	if (s[i]) {
		memcpy(buf + n, "...", 3);
		n += 3;
	}
	buf[n] = '\0';
	return buf;
}

/*
 * "expected X, got Y": what a value is. An integer and a real number are told
 * apart (the file's types are strict: 1.0 is no integer), where the control
 * socket's own messages (ctl_server.c) say "a number" for both.
 */
const char *cfg_jtype(const json_t *j)
{
	static const char *const names[] = {
		[JSON_OBJECT] = "an object",   [JSON_ARRAY] = "an array",	  [JSON_STRING] = "a string",
		[JSON_INTEGER] = "an integer", [JSON_REAL] = "a real number", [JSON_TRUE] = "a boolean",
		[JSON_FALSE] = "a boolean",    [JSON_NULL] = "null",
	};
	unsigned t = (unsigned)json_typeof(j);

	return t < sizeof(names) / sizeof(names[0]) && names[t] ? names[t] : "something else";
}

/* Append src to the path in out, truncating (a path that long is a curiosity, not an error). */
static void path_append(char out[PATH_LEN], size_t *len, const char *src)
{
	size_t n = strlen(src);

	if (n > PATH_LEN - 1 - *len)
		n = PATH_LEN - 1 - *len;
	memcpy(out + *len, src, n);
	*len += n;
	out[*len] = '\0';
}

/* out = parent.key (or key at the top level). out must not alias parent. */
void cfg_path_key(char out[PATH_LEN], const char *parent, const char *key)
{
	size_t len = 0;

	out[0] = '\0';
	if (parent && *parent) {
		path_append(out, &len, parent);
		path_append(out, &len, ".");
	}
	path_append(out, &len, key);
}

/* out = parent[i] */
void cfg_path_idx(char out[PATH_LEN], const char *parent, size_t i)
{
	char idx[32];
	size_t len = 0;
	int n = snprintf(idx, sizeof(idx), "[%zu]", i);

	out[0] = '\0';
	path_append(out, &len, parent);
	if (n > 0 && (size_t)n < sizeof(idx))
		path_append(out, &len, idx);
}

/* ------------------------------------------------------------- key tables */

/* Levenshtein distance, case-insensitive, for "did you mean". Short strings only. */
static unsigned edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned row[64], prev, tmp;

	if (la >= 63 || lb >= 63)
		return 99;
	for (size_t j = 0; j <= lb; j++)
		row[j] = (unsigned)j;
	for (size_t i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = (unsigned)i;
		for (size_t j = 1; j <= lb; j++) {
			unsigned cost = tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]);
			unsigned best = prev + cost;
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			tmp = row[j];
			row[j] = best;
			prev = tmp;
		}
	}
	return row[lb];
}

/*
 * Sort obj's members into fields[] by name. Unknown keys, keys given twice
 * (in two letter cases) and non-object values are errors; "comment" is
 * skipped, as many times as it comes (Jool: any number, in every object).
 */
int cfg_take_fields(struct ld *ld, json_t *obj, const char *path, struct field *fields, size_t n)
{
	const char *key;
	json_t *val;
	char b1[SHOW_LEN];

	if (!json_is_object(obj))
		return cfg_fail(ld, path, "expected an object, got %s", cfg_jtype(obj));
	for (size_t i = 0; i < n; i++)
		fields[i].val = NULL;
	json_object_foreach(obj, key, val) {
		size_t i;

		if (strcasecmp(key, "comment") == 0)
			continue;
		for (i = 0; i < n; i++)
			if (strcasecmp(key, fields[i].name) == 0)
				break;
		if (i == n) {
			const char *best = NULL;
			unsigned bestd = 3;
			char hint[SHOW_LEN + 32] = "";

			for (size_t j = 0; j < n; j++) {
				unsigned d = edit_distance(key, fields[j].name);

				/* "idle-sleep" for "idle-sleep-us": a truncated name */
				if (strlen(key) >= 4 && strncasecmp(fields[j].name, key, strlen(key)) == 0)
					d = 1;
				if (d < bestd) {
					bestd = d;
					best = fields[j].name;
				}
			}
			if (best && bestd < strlen(key))
				snprintf(hint, sizeof(hint), " (did you mean '%s'?)", best);
			if (!path || !*path)
				return cfg_fail(ld, NULL, "unknown key '%s' at top level%s", cfg_show(key, b1), hint);
			return cfg_fail(ld, path, "unknown key '%s'%s", cfg_show(key, b1), hint);
		}
		if (fields[i].val) {
			/* the same key in two letter cases (the same spelling twice is caught by scan_repeated_keys) */
			const char *first = fields[i].name, *k;
			json_t *v;
			char b2[SHOW_LEN];

			json_object_foreach(obj, k, v)
				if (v == fields[i].val)
					first = k;
			if (!path || !*path)
				return cfg_fail(ld, NULL, "key '%s' appears twice at top level (as '%s' and '%s': keys are matched "
						      "whatever their letter case)", fields[i].name, cfg_show(first, b1), cfg_show(key, b2));
			return cfg_fail(ld, path, "key '%s' appears twice (as '%s' and '%s': keys are matched whatever their "
					      "letter case)", fields[i].name, cfg_show(first, b1), cfg_show(key, b2));
		}
		fields[i].val = val;
	}
	for (size_t i = 0; i < n; i++)
		if (fields[i].required && !fields[i].val)
			return cfg_fail(ld, path, "missing \"%s\"", fields[i].name);
	return 0;
}

/* ------------------------------------------------------------ scalar types */

int cfg_get_bool(struct ld *ld, const char *path, const json_t *j, bool *out)
{
	if (!json_is_boolean(j))
		return cfg_fail(ld, path, "expected true or false, got %s", cfg_jtype(j));
	*out = json_is_true(j);
	return 0;
}

int cfg_get_uint(struct ld *ld, const char *path, const json_t *j, uint64_t min, uint64_t max, uint64_t *out)
{
	json_int_t v;

	if (!json_is_integer(j))
		return cfg_fail(ld, path, "expected an integer, got %s", cfg_jtype(j));
	v = json_integer_value(j);
	if (v < 0 || (uint64_t)v < min || (uint64_t)v > max)
		return cfg_fail(ld, path, "%lld is out of range (%llu..%llu)", (long long)v, (unsigned long long)min,
			    (unsigned long long)max);
	*out = (uint64_t)v;
	return 0;
}

int cfg_field_uint(struct ld *ld, const char *parent, const struct field *f, uint64_t min, uint64_t max,
		   uint64_t *out)
{
	char p[PATH_LEN];

	cfg_path_key(p, parent, f->name);
	return cfg_get_uint(ld, p, f->val, min, max, out);
}

int cfg_get_string(struct ld *ld, const char *path, const json_t *j, const char **out)
{
	if (!json_is_string(j))
		return cfg_fail(ld, path, "expected a string, got %s", cfg_jtype(j));
	*out = json_string_value(j);
	if (strlen(*out) != json_string_length(j))
		return cfg_fail(ld, path, "the string contains a NUL character");
	return 0;
}

int cfg_get_array(struct ld *ld, const char *path, const json_t *j, size_t max, const char *what)
{
	if (!json_is_array(j))
		return cfg_fail(ld, path, "expected an array, got %s", cfg_jtype(j));
	if (json_array_size(j) > max)
		return cfg_fail(ld, path, "%zu %s, at most %zu supported", json_array_size(j), what, max);
	return 0;
}

int cfg_each(struct ld *ld, const char *name, json_t *j, size_t max, const char *what, cfg_elem_fn fn, void *arg)
{
	char p[PATH_LEN];

	if (cfg_get_array(ld, name, j, max, what))
		return -1;
	for (size_t i = 0; i < json_array_size(j); i++) {
		cfg_path_idx(p, name, i);
		if (fn(ld, p, json_array_get(j, i), arg))
			return -1;
	}
	return 0;
}

int cfg_copy_string(struct ld *ld, const char *path, const char *s, char *dst, size_t cap)
{
	size_t n = strlen(s);

	if (n >= cap)
		return cfg_fail(ld, path, "longer than %zu characters", cap - 1);
	memcpy(dst, s, n + 1);
	return 0;
}
