/* SPDX-License-Identifier: BSD-3-Clause */
/* What the command groups share: usage errors, replies as JSON or as an error, text tables, cells. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"

const char *prog = "xlat64ctl";

int die_usage(const char *fmt, const char *arg)
{
	fprintf(stderr, "%s: ", prog);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry '%s --help'.\n", prog);
	return EXIT_USAGE;
}

int print_error_reply(const json_t *reply)
{
	json_t *e = json_object_get(reply, "error");
	const char *msg = json_string_value(json_object_get(e, "message"));
	const char *code = json_string_value(json_object_get(e, "code"));

	fprintf(stderr, "%s: error: %s%s%s%s\n", prog, msg ? msg : "(no message)", code ? " (" : "", code ? code : "",
		code ? ")" : "");
	return EXIT_ERROR_REPLY;
}

void print_json_line(const json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT);

	if (s) {
		puts(s);
		free(s);
	}
}

/* ---------------------------------------------------------------- tables */

void tbl_init(struct table *t, unsigned ncols, const char *const *header)
{
	memset(t, 0, sizeof(*t));
	t->ncols = ncols;
	t->cap = 16;
	t->cells = calloc((size_t)t->cap * ncols, sizeof(char *));
	for (unsigned c = 0; t->cells && c < ncols; c++)
		t->cells[c] = strdup(header[c]);
	t->nrows = 1;
}

void tbl_row(struct table *t, const char *const *vals)
{
	if (!t->cells)
		return;
	if (t->nrows == t->cap) {
		char **nc = realloc(t->cells, (size_t)t->cap * 2 * t->ncols * sizeof(char *));
		if (!nc)
			return;
		t->cells = nc;
		t->cap *= 2;
	}
	for (unsigned c = 0; c < t->ncols; c++)
		t->cells[t->nrows * t->ncols + c] = strdup(vals[c] ? vals[c] : "-");
	t->nrows++;
}

void tbl_print(struct table *t, const char *indent)
{
	int w[TBL_COLS] = { 0 };

	if (!t->cells)
		return;
	for (unsigned r = 0; r < t->nrows; r++)
		for (unsigned c = 0; c < t->ncols; c++) {
			const char *s = t->cells[r * t->ncols + c];
			int n = s ? (int)strlen(s) : 0;
			if (n > w[c])
				w[c] = n;
		}
	for (unsigned r = 0; r < t->nrows; r++) {
		fputs(indent, stdout);
		for (unsigned c = 0; c < t->ncols; c++) {
			const char *s = t->cells[r * t->ncols + c];
			bool last = c + 1 == t->ncols;

			if (t->right[c])
				printf("%*s%s", w[c], s ? s : "", last ? "" : "  ");
			else if (last)
				printf("%s", s ? s : "");
			else
				printf("%-*s  ", w[c], s ? s : "");
		}
		putchar('\n');
	}
	for (unsigned i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	t->cells = NULL;
}

char *cell(const json_t *v, char *buf, size_t cap)
{
	char *s;

	if (!v || json_is_null(v))
		snprintf(buf, cap, "-");
	else if (json_is_string(v))
		snprintf(buf, cap, "%s", json_string_value(v));
	else if (json_is_integer(v))
		snprintf(buf, cap, "%lld", (long long)json_integer_value(v));
	else if ((s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY)) != NULL) {
		snprintf(buf, cap, "%s", s);
		free(s);
	} else
		snprintf(buf, cap, "?");
	return buf;
}

const char *str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "-";
}

const char *human(double v, char *buf, size_t cap)
{
	if (v >= 1e9)
		snprintf(buf, cap, "%.2fG", v / 1e9);
	else if (v >= 1e6)
		snprintf(buf, cap, "%.2fM", v / 1e6);
	else if (v >= 1e3)
		snprintf(buf, cap, "%.2fk", v / 1e3);
	else
		snprintf(buf, cap, "%.0f", v);
	return buf;
}

long long num(const json_t *o, const char *key)
{
	return (long long)json_integer_value(json_object_get(o, key));
}

json_t *value_arg(const char *s)
{
	json_t *v = json_loads(s, JSON_DECODE_ANY, NULL);

	return v ? v : json_string(s);
}

void print_rows(const json_t *list, const struct cli_col *cols, unsigned ncols, bool comment_empty)
{
	const char *hdr[TBL_COLS], *row[TBL_COLS];
	char bufs[TBL_COLS][256];
	struct table t;
	json_t *e;
	size_t i;

	for (unsigned c = 0; c < ncols && c < TBL_COLS; c++)
		hdr[c] = cols[c].head;
	tbl_init(&t, ncols, hdr);
	json_array_foreach(list, i, e) {
		for (unsigned c = 0; c < ncols && c < TBL_COLS; c++)
			row[c] = cols[c].any ? cell(json_object_get(e, cols[c].key), bufs[c], sizeof(bufs[c]))
					     : str(e, cols[c].key);
		tbl_row(&t, row);
	}
	tbl_print(&t, comment_empty && !json_array_size(list) ? "# " : "");
}

void print_members(const json_t *obj, const char *name_head, const char *value_head, bool right, const char *indent)
{
	const char *hdr[2] = { name_head, value_head }, *name;
	struct table t;
	json_t *v;

	tbl_init(&t, 2, hdr);
	t.right[1] = right;
	json_object_foreach((json_t *)obj, name, v) {
		char b[512];
		const char *row[2] = { name, cell(v, b, sizeof(b)) };

		tbl_row(&t, row);
	}
	tbl_print(&t, indent);
}

int page_word(json_t *req, const char *cmd, int argc, char **argv, int *i)
{
	const char *a = argv[*i];
	char *end;

	if ((strcmp(a, "offset") && strcmp(a, "limit")) || *i + 1 >= argc)
		return 0;
	long long v = strtoll(argv[*i + 1], &end, 10);
	if (*end || end == argv[*i + 1] || v < 0) {
		fprintf(stderr, "%s: %s: offset and limit take a number, not '%s'\nTry '%s --help'.\n", prog, cmd,
			argv[*i + 1], prog);
		return -1;
	}
	json_object_set_new(req, a, json_integer(v));
	(*i)++;
	return 1;
}

bool proto_word(json_t *req, const char *a)
{
	if (strcasecmp(a, "tcp") && strcasecmp(a, "udp") && strcasecmp(a, "icmp"))
		return false;
	json_object_set_new(req, "protocol", json_string(a));
	return true;
}
