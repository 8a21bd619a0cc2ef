/* SPDX-License-Identifier: BSD-3-Clause */
/* The counters' names and descriptions, from the X-macro list in stats.h. */
#include <string.h>

#include "stats.h"

static const char *const names[XSTAT_MAX] = {
#define XLAT_STAT_NAME(name, desc) #name,
	XLAT_STATS(XLAT_STAT_NAME)
#undef XLAT_STAT_NAME
};

static const char *const descs[XSTAT_MAX] = {
#define XLAT_STAT_DESC(name, desc) desc,
	XLAT_STATS(XLAT_STAT_DESC)
#undef XLAT_STAT_DESC
};

const char *xlat_stat_name(enum xlat_stat s)
{
	return (unsigned)s < XSTAT_MAX ? names[s] : "?";
}

const char *xlat_stat_desc(enum xlat_stat s)
{
	return (unsigned)s < XSTAT_MAX ? descs[s] : "?";
}

bool xlat_stat_is_drop(enum xlat_stat s)
{
	const char *d = xlat_stat_desc(s);

	return !strncmp(d, "dropped:", 8) || !strncmp(d, "refused:", 8);
}
