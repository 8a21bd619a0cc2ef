/* SPDX-License-Identifier: BSD-3-Clause */
/* xlat64-gendoc's parts (gendoc.c says what the tool does). */
#ifndef XLAT_GENDOC_H
#define XLAT_GENDOC_H

#include <stdbool.h>
#include <stddef.h>

/* A growing text; failed once memory ran out (what follows is dropped). */
struct buf {
	char *s;
	size_t len, cap;
	bool failed;
};
void buf_add(struct buf *b, const char *s, size_t n);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

struct gendoc_part {
	const char *name;        /* what `xlat64-gendoc NAME` prints */
	const char *file;        /* where it goes, from the source root */
	const char *comment;     /* how that file starts a comment: the marker lines are comments */
	const char *comment_end; /* and ends it ("" for a line comment) */
	void (*generate)(struct buf *out);
	int (*check)(void); /* the table against the code it describes: 0, or 1 after messages; may be NULL */
};

/* gendoc_globals.c: doc/configuration.md's tables of global options, from global_opts.c */
void gendoc_globals(struct buf *out);
int gendoc_globals_check(void);

#endif
