/* SPDX-License-Identifier: BSD-3-Clause */
/* Configurations the loader's tests (test_config_load.c, tests/cgn/test_cgn_config.c) load and free. */
#ifndef CONFIG_FIXTURE_H
#define CONFIG_FIXTURE_H

#include "appcfg.h"

/* A configuration the loader must accept from json: the test fails with the loader's message if it does not. */
struct appcfg *cfgfx_load(const char *json);
void cfgfx_free(struct appcfg *c);

#endif
