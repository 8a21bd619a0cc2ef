/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * doc/configuration.md's tables of global options, made from the option
 * table (global_opts.c), and the table checked against lib: each stored
 * option's default must be what xlat_globals_init() sets, and each row's
 * field must be one the option's type can be stored in.
 */
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "config_load.h"
#include "gendoc.h"
#include "global_opts.h"
#include "xlat.h"

/* The document's four tables: Jool's options by translator, then ours. */
static const struct {
	const char *title;
	bool ours;
	enum gopt_scope scope; /* Jool's options of this scope; ours: all scopes */
} sections[] = {
	{ "Both modes", false, GOPT_BOTH },
	{ "SIIT", false, GOPT_SIIT },
	{ "NAT64", false, GOPT_NAT64 },
	{ "Ours", true, GOPT_BOTH },
};

/* The "type" column: what the loader takes (config_global.c's parse_value()). */
static void type_text(const struct gopt *o, FILE *b)
{
	char t[32];

	switch (o->type) {
	case GOPT_BOOL:
		fprintf(b, "boolean");
		break;
	case GOPT_UINT:
		fprintf(b, "integer %llu..%llu", (unsigned long long)o->min, (unsigned long long)o->max);
		if (o->unit)
			fprintf(b, " (%s)", o->unit);
		break;
	case GOPT_TIME:
		gopt_format_time(o->min, t, sizeof(t));
		fprintf(b, o->min ? "time, at least `%s`" : "time", t);
		break;
	case GOPT_ENUM:
		for (unsigned i = 0; o->values[i]; i++)
			fprintf(b, "%s`\"%s\"`", i ? " \\| " : "", o->values[i]);
		break;
	case GOPT_PREFIX6:
	case GOPT_PREFIX4:
		fprintf(b, "IPv%d prefix or `null`", o->type == GOPT_PREFIX6 ? 6 : 4);
		break;
	case GOPT_PLATEAUS:
		fprintf(b, "array of integers 0..65535, not all zero");
		break;
	}
}

/* The "default" column: JSON in code type, a number as it is, words (a default Jool keeps) as they are. */
static void default_text(const struct gopt *o, FILE *b)
{
	json_t *j = json_loads(o->dflt, JSON_DECODE_ANY, NULL);

	fprintf(b, j && !json_is_integer(j) ? "`%s`" : "%s", o->dflt);
	json_decref(j);
}

/* Markdown table cell text: a '|' would end the cell. */
static void cell_text(const char *s, FILE *b)
{
	for (; *s; s++) {
		if (*s == '|')
			fputc('\\', b);
		fputc(*s, b);
	}
}

void gendoc_globals(FILE *out)
{
	for (size_t s = 0; s < sizeof(sections) / sizeof(sections[0]); s++) {
		fprintf(out, "%s### %s\n\n", s ? "\n" : "", sections[s].title);
		fprintf(out, "| option | type | default | used | meaning |\n|---|---|---|---|---|\n");
		for (unsigned i = 0; i < appcfg_global_count(); i++) {
			const struct gopt *o = gopt_get(i);

			if (o->ours != sections[s].ours || (!o->ours && o->scope != sections[s].scope))
				continue;
			fprintf(out, "| `%s` | ", o->name);
			type_text(o, out);
			fprintf(out, " | ");
			default_text(o, out);
			fprintf(out, " | %s | ", appcfg_global_stored(i) ? "yes" : "no");
			cell_text(o->doc, out);
			fprintf(out, " |\n");
		}
	}
}

/* Can the row's field hold what its type stores? NULL, or why not. */
static const char *layout_problem(const struct gopt *o)
{
	uint64_t most = o->size >= 8 ? UINT64_MAX : (1ull << (8 * o->size)) - 1;
	unsigned n = 0;

	if (o->off == GOPT_UNSTORED)
		return NULL;
	if (o->off >= sizeof(struct xlat_globals) || o->aux >= sizeof(struct xlat_globals))
		return "its offset is outside struct xlat_globals";
	switch (o->type) {
	case GOPT_BOOL:
		return o->size == sizeof(bool) ? NULL : "a boolean option's field is not a bool";
	case GOPT_UINT:
	case GOPT_TIME:
		if (o->size != 1 && o->size != 2 && o->size != 4 && o->size != 8)
			return "its field is not an integer of 1, 2, 4 or 8 bytes";
		return o->max <= most ? NULL : "its maximum does not fit in its field";
	case GOPT_ENUM:
		while (o->values && o->values[n])
			n++;
		return n && (o->size == 1 || o->size == 2 || o->size == 4) && n - 1 <= most ? NULL
											     : "its field can not hold its values";
	case GOPT_PREFIX6:
	case GOPT_PREFIX4:
	case GOPT_PLATEAUS:
		return o->aux ? NULL : "it has no companion field (aux)";
	}
	return "unknown type";
}

/* One stored option: its default is lib's, and loads back as itself. 0, or 1 after a message. */
static int check_default(unsigned i, const struct xlat_globals *init)
{
	const struct gopt *o = gopt_get(i);
	json_t *want = json_loads(o->dflt, JSON_DECODE_ANY, NULL), *have = appcfg_global_json(i, init);
	json_t *obj = json_object(), *back = NULL;
	struct xlat_globals g;
	char err[256] = "", *h = have ? json_dumps(have, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;
	int rc = 1;

	if (!want) {
		printf("FAIL global option '%s': its default '%s' is not JSON\n", o->name, o->dflt);
	} else if (!json_equal(want, have)) {
		printf("FAIL global option '%s': the table's default %s is not lib's (xlat_globals_init): %s\n", o->name,
		       o->dflt, h ? h : "?");
	} else {
		/* loaded onto lib's defaults it would prove nothing: onto a zeroed struct */
		memset(&g, 0, sizeof(g));
		if (obj && json_object_set(obj, o->name, want) == 0 &&
		    appcfg_globals_parse(obj, "global", &g, err, sizeof(err)) == 0)
			back = appcfg_global_json(i, &g);
		if (back && json_equal(want, back))
			rc = 0;
		else
			printf("FAIL global option '%s': its default does not load back as itself %s\n", o->name, err);
	}
	free(h);
	json_decref(back);
	json_decref(obj);
	json_decref(want);
	json_decref(have);
	return rc;
}

int gendoc_globals_check(void)
{
	struct xlat_globals init;
	int rc = 0;

	xlat_globals_init(&init);
	for (unsigned i = 0; i < appcfg_global_count(); i++) {
		const struct gopt *o = gopt_get(i);
		const char *why = layout_problem(o);

		if (why) {
			printf("FAIL global option '%s': %s\n", o->name, why);
			rc = 1;
		} else if (appcfg_global_stored(i) && check_default(i, &init) != 0) {
			rc = 1;
		}
	}
	if (!rc)
		printf("ok   global options: %u rows, their fields and defaults as lib has them\n", appcfg_global_count());
	return rc;
}
