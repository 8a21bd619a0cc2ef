/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the JSON configuration loader (control/config_load.c)
 * and its dump (appcfg_to_json): any input either fails with a message or
 * loads; whatever loads must dump to a file that loads back into the same
 * configuration and dumps identically (what "config dump" promises).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_load.h"

static struct appcfg c1, c2;

static bool same6(const struct prefix6 *x, const struct prefix6 *y)
{
	return x->len == y->len && memcmp(x->addr, y->addr, 16) == 0;
}

static bool same4(const struct prefix4 *x, const struct prefix4 *y)
{
	return x->len == y->len && x->addr == y->addr;
}

static void differ(const char *txt)
{
	fprintf(stderr, "the dump loads into a different translator configuration:\n%s\n", txt);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512];
	json_t *d1, *d2;
	char *txt;

	if (size > 256 * 1024)
		return 0;
	if (appcfg_load_string((const char *)data, size, "fuzz", &c1, err, sizeof(err)) != 0) {
		if (!err[0])
			abort(); /* every failure says why */
		appcfg_free(&c1);
		return 0;
	}
	d1 = appcfg_to_json(&c1);
	if (!d1)
		abort();
	txt = json_dumps(d1, JSON_COMPACT);
	if (!txt)
		abort();
	if (appcfg_load_string(txt, strlen(txt), "dump", &c2, err, sizeof(err)) != 0) {
		fprintf(stderr, "the dump does not load back: %s\n%s\n", err, txt);
		abort();
	}
	d2 = appcfg_to_json(&c2);
	if (!d2 || !json_equal(d1, d2)) {
		char *t2 = d2 ? json_dumps(d2, JSON_COMPACT) : NULL;
		fprintf(stderr, "the dump changes on reload:\n%s\n%s\n", txt, t2 ? t2 : "(null)");
		abort();
	}
	/* The translator part must be the same (the EAMT's IPv4-sorted view may order equal lengths differently). */
	if (memcmp(&c1.xlat.g, &c2.xlat.g, sizeof(c1.xlat.g)) != 0 || c1.xlat.eamt.n != c2.xlat.eamt.n ||
	    c1.xlat.n_denylist4 != c2.xlat.n_denylist4 || c1.xlat.mode != c2.xlat.mode)
		differ(txt);
	for (unsigned i = 0; i < c1.xlat.eamt.n; i++) {
		const struct eamt_entry *a = &c1.xlat.eamt.by6[i], *b = &c2.xlat.eamt.by6[i];

		if (!same6(&a->p6, &b->p6) || !same4(&a->p4, &b->p4))
			differ(txt);
	}
	for (unsigned i = 0; i < c1.xlat.n_denylist4; i++)
		if (!same4(&c1.xlat.denylist4[i], &c2.xlat.denylist4[i]))
			differ(txt);
	if (c1.xlat.n_pool4 != c2.xlat.n_pool4 || c1.xlat.n_bib != c2.xlat.n_bib)
		differ(txt);
	for (unsigned i = 0; i < c1.xlat.n_pool4; i++) {
		const struct pool4_entry *a = &c1.xlat.pool4[i], *b = &c2.xlat.pool4[i];

		if (a->proto != b->proto || a->addr != b->addr || a->plen != b->plen || a->port_min != b->port_min ||
		    a->port_max != b->port_max || a->mark != b->mark || a->max_iterations != b->max_iterations)
			differ(txt);
	}
	for (unsigned i = 0; i < c1.xlat.n_bib; i++) {
		const struct bib_static *a = &c1.xlat.bib[i], *b = &c2.xlat.bib[i];

		if (a->proto != b->proto || memcmp(a->addr6, b->addr6, 16) != 0 || a->port6 != b->port6 ||
		    a->addr4 != b->addr4 || a->port4 != b->port4)
			differ(txt);
	}
	free(txt);
	json_decref(d1);
	json_decref(d2);
	appcfg_free(&c1);
	appcfg_free(&c2);
	return 0;
}
