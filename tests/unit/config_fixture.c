/* SPDX-License-Identifier: BSD-3-Clause */
/* The loader tests' load and free (config_fixture.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "config_fixture.h"
#include "config_load.h"

struct appcfg *cfgfx_load(const char *json)
{
	struct appcfg *c = calloc(1, sizeof(*c));
	char err[512];

	assert_non_null(c);
	if (appcfg_load_string(json, strlen(json), "t.json", c, err, sizeof(err)) != 0)
		fail_msg("expected success, got: %s", err);
	return c;
}

void cfgfx_free(struct appcfg *c)
{
	appcfg_free(c);
	free(c);
}
