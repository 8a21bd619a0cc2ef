/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * xlat64-gendoc: the text that is made from the code's tables, so that the
 * documents cannot drift from what the programs do. Built, not installed.
 *
 *   xlat64-gendoc PART            print a generated part (globals, completion)
 *   xlat64-gendoc --check SRCDIR  exit 1 when a file's generated part is not
 *                                 what the tables give, or a table disagrees
 *                                 with lib (meson test gendoc)
 *   xlat64-gendoc --update SRCDIR rewrite the generated parts in place
 *
 * A generated part sits in its file between two marker lines, the first
 * naming the part ("generated: xlat64-gendoc globals"), the second "end of
 * generated text"; what lies outside them is written by hand.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gendoc.h"

static const struct gendoc_part parts[] = {
	{ "globals", "doc/configuration.md", "<!-- ", " -->", gendoc_globals, gendoc_globals_check },
	{ "completion", "config/xlat64ctl.bash-completion", "# ", "", gendoc_completion, NULL },
};
#define N_PARTS (sizeof(parts) / sizeof(parts[0]))

/* The whole file (malloc'd, NUL-terminated) and its length; NULL with errno. */
static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *text = NULL;
	long n = -1;

	if (f && fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (text = malloc((size_t)n + 1)) != NULL && fread(text, 1, (size_t)n, f) == (size_t)n) {
		text[n] = '\0';
		*len = (size_t)n;
	} else {
		free(text);
		text = NULL;
		errno = errno ? errno : EIO;
	}
	if (f)
		fclose(f);
	return text;
}

/* What part p's generator writes, as a string (malloc'd); NULL when memory runs out. */
static char *generate(const struct gendoc_part *p, size_t *len)
{
	char *text = NULL;
	FILE *f = open_memstream(&text, len);

	if (!f)
		return NULL;
	p->generate(f);
	if (fclose(f) != 0) {
		free(text);
		return NULL;
	}
	return text;
}

/* ------------------------------------------------------------ the markers */

/*
 * Where part p's text lies in the file's text: [*start, *end), between the
 * end of the opening marker's line and the start of the closing one's.
 */
static int find_part(const struct gendoc_part *p, const char *text, size_t *start, size_t *end)
{
	char open[160], close[160];
	const char *a, *b;

	snprintf(open, sizeof(open), "%sgenerated: xlat64-gendoc %s", p->comment, p->name);
	snprintf(close, sizeof(close), "%send of generated text%s", p->comment, p->comment_end);
	a = strstr(text, open);
	if (!a)
		return -1;
	a = strchr(a, '\n');
	b = a ? strstr(a, close) : NULL;
	if (!b)
		return -1;
	while (b > a && b[-1] != '\n') /* the closing marker's line, indented or not, is not the part's */
		b--;
	*start = (size_t)(a + 1 - text);
	*end = (size_t)(b - text);
	return 0;
}

/* The first line where have (the file's part) and want differ, for the message. */
static void first_difference(const char *have, size_t hlen, const char *want)
{
	unsigned line = 1;
	size_t i = 0, ls = 0, wlen = strlen(want), hl, wl;

	while (i < hlen && i < wlen && have[i] == want[i]) {
		if (have[i] == '\n') {
			line++;
			ls = i + 1;
		}
		i++;
	}
	hl = ls < hlen ? strcspn(have + ls, "\n") : 0;
	wl = strcspn(want + ls, "\n");
	printf("  first difference at line %u of the part:\n    file: %.*s\n    want: %.*s\n", line,
	       (int)(hl > 300 ? 300 : hl), have + ls, (int)(wl > 300 ? 300 : wl), want + ls);
}

/* Compare (update false) or rewrite (update true) part p of its file under srcdir. 0, or 1 after a message. */
static int do_part(const struct gendoc_part *p, const char *srcdir, bool update)
{
	char path[4096], *text, *want;
	size_t len = 0, wlen = 0, start, end;
	int rc = 0;

	snprintf(path, sizeof(path), "%s/%s", srcdir, p->file);
	text = read_file(path, &len);
	if (!text) {
		fprintf(stderr, "xlat64-gendoc: %s: %s\n", path, strerror(errno));
		return 1;
	}
	want = generate(p, &wlen);
	if (!want || find_part(p, text, &start, &end) != 0) {
		fprintf(stderr, "xlat64-gendoc: %s: %s\n", path,
			!want ? "out of memory" : "no generated part (its marker lines are missing)");
		free(text);
		free(want);
		return 1;
	}
	if (end - start == wlen && memcmp(text + start, want, wlen) == 0) {
		printf("ok   %s: %s\n", p->file, p->name);
	} else if (update) {
		FILE *f = fopen(path, "w");

		if (!f || fwrite(text, 1, start, f) != start || fwrite(want, 1, wlen, f) != wlen ||
		    fwrite(text + end, 1, len - end, f) != len - end || fclose(f) != 0) {
			fprintf(stderr, "xlat64-gendoc: cannot write %s: %s\n", path, strerror(errno));
			rc = 1;
		} else {
			printf("updated %s: %s\n", p->file, p->name);
		}
	} else {
		printf("FAIL %s: the %s part differs from what the code's table gives\n", p->file, p->name);
		first_difference(text + start, end - start, want);
		printf("  (xlat64-gendoc --update SRCDIR rewrites it; edit the table, not the text)\n");
		rc = 1;
	}
	free(text);
	free(want);
	return rc;
}

static int usage(FILE *f, int rc)
{
	fprintf(f, "usage: xlat64-gendoc PART | --check SRCDIR | --update SRCDIR\nparts:");
	for (size_t i = 0; i < N_PARTS; i++)
		fprintf(f, " %s (%s)", parts[i].name, parts[i].file);
	fprintf(f, "\n");
	return rc;
}

int main(int argc, char **argv)
{
	int rc = 0;

	if (argc == 3 && (strcmp(argv[1], "--check") == 0 || strcmp(argv[1], "--update") == 0)) {
		bool update = argv[1][2] == 'u';

		for (size_t i = 0; i < N_PARTS; i++) {
			if (parts[i].check && parts[i].check() != 0)
				rc = 1;
			if (do_part(&parts[i], argv[2], update) != 0)
				rc = 1;
		}
		return rc;
	}
	if (argc == 2) {
		for (size_t i = 0; i < N_PARTS; i++) {
			if (strcmp(argv[1], parts[i].name) != 0)
				continue;
			parts[i].generate(stdout);
			return fflush(stdout) == 0 ? 0 : 1;
		}
	}
	return usage(stderr, 2);
}
