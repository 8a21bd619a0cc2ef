/* SPDX-License-Identifier: BSD-3-Clause */
/* The configuration's defaults (Jool 4.1's where Jool has the option). */
#include <string.h>

#include "xlat_config.h"

static void nat64_globals_init(struct nat64_globals *n)
{
	memset(n, 0, sizeof(*n));
	n->udp_timeout_ms = 5 * 60 * 1000;
	/* RFC 6146 4 / RFC 5382 REQ-5: at least 2 h 4 min (Jool ships 2 h) */
	n->tcp_est_timeout_ms = (2 * 3600 + 4 * 60) * 1000;
	n->tcp_trans_timeout_ms = 4 * 60 * 1000;
	n->icmp_timeout_ms = 60 * 1000;
	n->f_args = 11;
	n->source_icmpv6_errors_better = true;
	n->max_simultaneous_opens = 10;
	n->max_sessions = 65536; /* per worker; size with global.max-sessions-per-worker and -m */
	/* joold's (jool-reference.md), but ss-capacity: see global_opts.c */
	n->ss_flush_asap = true;
	n->ss_flush_deadline_ms = 2000;
	n->ss_capacity = 65536;
	n->ss_max_payload = 1452;
	n->ss_max_sessions_per_packet = 36;
}

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
	nat64_globals_init(&g->nat);
}


void xlat_config_init(struct xlat_config *cfg, enum xlat_mode mode)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->mode = mode;
	xlat_globals_init(&cfg->g);
	eamt_init(&cfg->eamt);
	cgn_config_init(&cfg->cgn);
}
