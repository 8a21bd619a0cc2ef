/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The configuration files Jool itself publishes (its documentation's
 * examples, the Debian package's samples, the files its client tests write;
 * tests/unit/jool-files/README.md says where each comes from) through
 * control/config_load.c, each with the outcome expected.tsv records: it
 * loads (in which mode), or it is refused with a message holding the
 * recorded text. A file for Jool's NAT64 (`jool`, not `jool_siit`) is also
 * loaded with "mode": "nat64" added, the one change doc/configuration.md
 * asks of such a file.
 *
 *   test_jool_files DIR      (DIR = tests/unit/jool-files)
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "appcfg.h"
#include "config_load.h"

#define MAX_ROWS 64

struct row {
	char file[128];
	char jool[16];      /* jool_siit, jool, or both: the Jool command the file is for */
	char as_is[256];    /* "ok siit", "ok nat64", or "error TEXT" */
	char as_nat64[256]; /* the same with "mode": "nat64" added, or "-" */
};

static const char *dir;
static struct row rows[MAX_ROWS];
static unsigned n_rows;

static void path_of(char *out, size_t cap, const char *file)
{
	snprintf(out, cap, "%s/%s", dir, file);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
		fclose(f);
		return NULL;
	}
	buf = malloc((size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	if (buf) {
		buf[n] = '\0';
		*len = (size_t)n;
	}
	return buf;
}

/* One tab-separated line of expected.tsv: file, jool, as-is, as-nat64, why (not checked). */
static int read_manifest(void)
{
	char path[512], line[2048];
	FILE *f;

	path_of(path, sizeof(path), "expected.tsv");
	f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "test_jool_files: cannot open %s\n", path);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char *fields[5] = { NULL }, *save = NULL, *p;
		unsigned n = 0;

		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		for (p = strtok_r(line, "\t", &save); p && n < 5; p = strtok_r(NULL, "\t", &save))
			fields[n++] = p;
		if (n < 4 || n_rows == MAX_ROWS) {
			fprintf(stderr, "test_jool_files: bad line in %s: %s\n", path, line);
			fclose(f);
			return -1;
		}
		struct row *r = &rows[n_rows++];
		snprintf(r->file, sizeof(r->file), "%s", fields[0]);
		snprintf(r->jool, sizeof(r->jool), "%s", fields[1]);
		snprintf(r->as_is, sizeof(r->as_is), "%s", fields[2]);
		snprintf(r->as_nat64, sizeof(r->as_nat64), "%s", fields[3]);
	}
	fclose(f);
	return 0;
}

/* Loaded (rc 0) or refused (err): does it match "ok MODE" / "error TEXT"? */
static void check(const char *what, const char *expect, int rc, const struct appcfg *c, const char *err)
{
	if (strncmp(expect, "ok ", 3) == 0) {
		const char *mode;

		if (rc != 0)
			fail_msg("%s: expected to load (%s), refused: %s", what, expect, err);
		mode = c->xlat.mode == XLAT_MODE_NAT64 ? "nat64" : "siit";
		if (strcmp(expect + 3, mode) != 0)
			fail_msg("%s: loaded in mode %s, expected %s", what, mode, expect + 3);
	} else if (strncmp(expect, "error ", 6) == 0) {
		if (rc == 0)
			fail_msg("%s: loaded, expected a refusal holding: %s", what, expect + 6);
		if (!strstr(err, expect + 6))
			fail_msg("%s:\n  got:      %s\n  expected: %s", what, err, expect + 6);
	} else {
		fail_msg("%s: expected.tsv outcome '%s' is neither \"ok MODE\" nor \"error TEXT\"", what, expect);
	}
}

static void test_row(void **state)
{
	const struct row *r = *state;
	char path[512], err[1024], what[600], notes[2048];
	struct appcfg *c = malloc(sizeof(*c));
	int rc;

	assert_non_null(c);
	path_of(path, sizeof(path), r->file);

	/* as Jool users have it */
	rc = appcfg_load_file_noted(path, c, err, sizeof(err), notes, sizeof(notes));
	snprintf(what, sizeof(what), "%s (as it is)", r->file);
	check(what, r->as_is, rc, c, err);
	if (rc != 0 && strncmp(err, path, strlen(path)) != 0)
		fail_msg("%s: the message does not start with the file name: %s", what, err);
	/* a file for Jool's NAT64 that loads as SIIT, the default, does not do so without a word */
	if (rc == 0 && c->xlat.mode == XLAT_MODE_SIIT && strcmp(r->jool, "jool_siit") != 0 &&
	    !strstr(notes, "note: no \"mode\": loaded as SIIT, the default. A file written for Jool's NAT64 (the jool "
			   "command, not jool_siit) needs \"mode\": \"nat64\" added"))
		fail_msg("%s: loads as SIIT without the note on \"mode\"; notes: '%s'", what, notes);
	appcfg_free(c);

	/* a file for Jool's NAT64, with the one line doc/configuration.md asks for */
	if (strcmp(r->as_nat64, "-") != 0) {
		size_t len = 0, at, m;
		char *text = slurp(path, &len), *edited;
		const char *mode;

		assert_non_null(text);
		at = strspn(text, " \t\r\n");
		assert_true(at < len && text[at] == '{');
		/* "{}" takes no comma after the new member */
		mode = text[at + 1 + strspn(text + at + 1, " \t\r\n")] == '}' ? "\"mode\": \"nat64\"" : "\"mode\": \"nat64\", ";
		m = strlen(mode);
		edited = malloc(len + m + 1);
		assert_non_null(edited);
		memcpy(edited, text, at + 1);
		memcpy(edited + at + 1, mode, m);
		memcpy(edited + at + 1 + m, text + at + 1, len - at - 1);
		rc = appcfg_load_string(edited, len + m, r->file, c, err, sizeof(err));
		snprintf(what, sizeof(what), "%s (with \"mode\": \"nat64\")", r->file);
		check(what, r->as_nat64, rc, c, err);
		appcfg_free(c);
		free(edited);
		free(text);
	} else if (strcmp(r->jool, "jool_siit") != 0) {
		fail_msg("%s: a file for %s needs an outcome with \"mode\": \"nat64\"", r->file, r->jool);
	}
	free(c);
}

/* Every file of the folder has a row, and every row a file: nothing is kept untested. */
static void test_manifest_complete(void **state)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	unsigned files = 0;

	(void)state;
	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		unsigned i;

		if (e->d_name[0] == '.' || strcmp(e->d_name, "README.md") == 0 || strcmp(e->d_name, "expected.tsv") == 0)
			continue;
		files++;
		for (i = 0; i < n_rows; i++)
			if (strcmp(rows[i].file, e->d_name) == 0)
				break;
		if (i == n_rows)
			fail_msg("%s/%s has no line in expected.tsv", dir, e->d_name);
	}
	closedir(d);
	if (files != n_rows)
		fail_msg("expected.tsv has %u lines, the folder %u files", n_rows, files);
}

int main(int argc, char **argv)
{
	struct CMUnitTest *tests;
	int rc;

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR (tests/unit/jool-files)\n", argv[0]);
		return 2;
	}
	dir = argv[1];
	if (read_manifest() != 0)
		return 1;
	tests = calloc(n_rows + 1, sizeof(*tests));
	if (!tests)
		return 1;
	tests[0] = (struct CMUnitTest)cmocka_unit_test(test_manifest_complete);
	for (unsigned i = 0; i < n_rows; i++) {
		tests[i + 1].name = rows[i].file;
		tests[i + 1].test_func = test_row;
		tests[i + 1].initial_state = &rows[i];
	}
	rc = _cmocka_run_group_tests("jool_files", tests, n_rows + 1, NULL, NULL);
	free(tests);
	return rc;
}
