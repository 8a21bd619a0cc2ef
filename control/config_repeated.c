/* SPDX-License-Identifier: BSD-3-Clause */
/* Keys given twice in one object of the configuration file (the reason is below). */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config_internal.h"

/*
 * A key repeated in one object is valid JSON (RFC 8259 4: names SHOULD be
 * unique), and Jool's files repeat "comment": its parser skips every
 * "comment" member before its own "Multiple '%s' tags" check, and its
 * documentation allows any number of them in every object (config-atomic.md).
 * jansson offers to keep the last of a repeated key (hiding a mistake such as
 * pool6 given twice) or to refuse the whole text as invalid JSON
 * (JSON_REJECT_DUPLICATES). Neither fits, so the text jansson accepted is
 * walked once more: "comment" may repeat and what a comment holds is not
 * looked at; any other key given twice in one object is refused, with the
 * object's path. jansson has checked the syntax, so the walk only follows it.
 */
struct scan_frame {
	bool obj;        /* an object; else an array */
	bool quiet;      /* inside a comment's value: not checked */
	bool want_key;   /* object: the next string is a key */
	bool comment;    /* object: the current member is a comment */
	size_t index;    /* array: the current element */
	const char *key; /* object: the current member's key token, quotes included */
	size_t key_len;
	json_t *seen;    /* object: its keys so far, as a set */
};

/* A key token ("...", escapes and all) as text: malloc'd, NULL when out of memory. */
static char *key_text(const char *tok, size_t len)
{
	json_t *j;
	char *s;

	if (!memchr(tok, '\\', len)) {
		s = malloc(len - 1);
		if (s) {
			memcpy(s, tok + 1, len - 2);
			s[len - 2] = '\0';
		}
		return s;
	}
	j = json_loadb(tok, len, JSON_DECODE_ANY, NULL);
	s = j && json_is_string(j) ? strdup(json_string_value(j)) : NULL;
	json_decref(j);
	return s;
}

/* The path of frames[0..n-1]'s current members, as the loader writes paths ("ports[1].neighbors[0]"). */
static void scan_path(const struct scan_frame *f, size_t n, char out[PATH_LEN])
{
	char tmp[PATH_LEN];

	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (f[i].obj) {
			char *k = key_text(f[i].key, f[i].key_len);

			cfg_path_key(tmp, out, k ? k : "?");
			free(k);
		} else {
			cfg_path_idx(tmp, out, f[i].index);
		}
		memcpy(out, tmp, PATH_LEN);
	}
}

/* A new frame on top of the stack f (grown as needed); NULL when out of memory. */
static struct scan_frame *push(struct scan_frame **f, size_t *depth, size_t *cap)
{
	if (*depth == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		struct scan_frame *nf = realloc(*f, ncap * sizeof(**f));

		if (!nf)
			return NULL;
		*f = nf;
		*cap = ncap;
	}
	return &(*f)[(*depth)++];
}

/* The key token tok of the object on top of f[0..depth-1]: remembered, and refused when given before. */
static int scan_key(struct ld *ld, struct scan_frame *f, size_t depth, const char *tok, size_t toklen)
{
	struct scan_frame *top = &f[depth - 1];
	char path[PATH_LEN], b1[SHOW_LEN], *k;
	int rc = 0;

	top->want_key = false;
	top->key = tok;
	top->key_len = toklen;
	k = key_text(tok, toklen);
	if (!k)
		return cfg_fail(ld, NULL, "out of memory");
	top->comment = strcasecmp(k, "comment") == 0;
	if (!top->quiet && !top->comment) {
		if (!top->seen)
			top->seen = json_object();
		if (!top->seen) {
			rc = cfg_fail(ld, NULL, "out of memory");
		} else if (json_object_get(top->seen, k)) {
			scan_path(f, depth - 1, path);
			if (depth == 1)
				rc = cfg_fail(ld, NULL, "key '%s' appears twice at top level", cfg_show(k, b1));
			else
				rc = cfg_fail(ld, path, "key '%s' appears twice", cfg_show(k, b1));
		} else if (json_object_set_new(top->seen, k, json_true()) != 0) {
			rc = cfg_fail(ld, NULL, "out of memory");
		}
	}
	free(k);
	return rc;
}

int cfg_scan_repeated_keys(struct ld *ld, const char *s, size_t len)
{
	struct scan_frame *f = NULL, *nf;
	size_t depth = 0, cap = 0, i = 0;
	int rc = 0;

	while (i < len && rc == 0) {
		struct scan_frame *top = depth ? &f[depth - 1] : NULL;
		bool quiet = top && (top->quiet || (top->obj && top->comment));
		char c = s[i];

		if (c == '{' || c == '[') {
			nf = push(&f, &depth, &cap);
			if (!nf) {
				rc = cfg_fail(ld, NULL, "out of memory");
				break;
			}
			*nf = (struct scan_frame){ .obj = c == '{', .want_key = c == '{', .quiet = quiet };
			i++;
		} else if (c == '}' || c == ']') {
			if (depth) {
				json_decref(f[depth - 1].seen);
				depth--;
			}
			i++;
		} else if (c == ',') {
			if (top && top->obj)
				top->want_key = true;
			else if (top)
				top->index++;
			i++;
		} else if (c == '"') {
			size_t start = i++;

			while (i < len && s[i] != '"')
				i += s[i] == '\\' ? 2 : 1;
			i++; /* the closing quote */
			if (i > len)
				break; /* cannot happen: jansson parsed it */
			if (top && top->obj && top->want_key) /* else a value */
				rc = scan_key(ld, f, depth, s + start, i - start);
		} else {
			i++; /* whitespace, ':', numbers, true/false/null */
		}
	}
	while (depth)
		json_decref(f[--depth].seen);
	free(f);
	return rc;
}
