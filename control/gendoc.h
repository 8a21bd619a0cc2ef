/* SPDX-License-Identifier: BSD-3-Clause */
/* xlat64-gendoc's parts (gendoc.c says what the tool does). */
#ifndef XLAT_GENDOC_H
#define XLAT_GENDOC_H

#include <stdio.h>

struct gendoc_part {
	const char *name;        /* what `xlat64-gendoc NAME` prints */
	const char *file;        /* where it goes, from the source root */
	const char *comment;     /* how that file starts a comment: the marker lines are comments */
	const char *comment_end; /* and ends it ("" for a line comment) */
	void (*generate)(FILE *out);
	int (*check)(void); /* the table against the code it describes: 0, or 1 after messages; may be NULL */
};

/* gendoc_globals.c: doc/configuration.md's tables of global options, from global_opts.c */
void gendoc_globals(FILE *out);
int gendoc_globals_check(void);
/* gendoc_completion.c: config/xlat64ctl.bash-completion's data, from xlat64ctl's command table */
void gendoc_completion(FILE *out);

#endif
