/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include "xlat.h"

void xlat_globals_init(struct xlat_globals *g)
{
	/* Jool 4.1 defaults (jool-reference.md). */
	static const uint16_t plateaus[] = { 65535, 32000, 17914, 8166, 4352, 2002, 1492, 1006, 508, 296, 68 };

	memset(g, 0, sizeof(*g));
	g->manually_enabled = true;
	g->lowest_ipv6_mtu = 1280;
	memcpy(g->mtu_plateaus, plateaus, sizeof(plateaus));
	g->n_plateaus = sizeof(plateaus) / sizeof(plateaus[0]);
	g->eam_hairpin_mode = EAM_HAIRPIN_INTRINSIC;
	g->randomize_rfc6791 = true;
	g->icmp_errors_per_sec = 1000;
}

void xlat_config_init(struct xlat_config *cfg, enum xlat_mode mode)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->mode = mode;
	xlat_globals_init(&cfg->g);
	eamt_init(&cfg->eamt);
}
