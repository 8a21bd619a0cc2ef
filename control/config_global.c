/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The "global" section: Jool's global options (and two of ours), parsed,
 * checked against the mode, and written back; the control API's `global`
 * and `pool6` commands use the same pieces (config_load.h).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config_internal.h"
#include "rfc6052.h"
#include "xlat.h"

enum gtype { GT_BOOL, GT_UINT, GT_TIMEOUT, GT_PREFIX6, GT_PREFIX4, GT_POOL6, GT_PLATEAUS, GT_HAIRPIN };

/* Where a global goes; GF_NONE: validated, not used yet (NAT64, logging). */
enum gfield {
	GF_NONE,
	GF_ENABLED,
	GF_POOL6,
	GF_LOWEST_MTU,
	GF_ZEROIZE_TC,
	GF_OVERRIDE_TOS,
	GF_TOS,
	GF_PLATEAUS,
	GF_AMEND_UDP,
	GF_HAIRPIN,
	GF_RANDOMIZE,
	GF_6791V6,
	GF_6791V4,
	GF_ICMP_RATE,
	/* NAT64 */
	GF_ADF,
	GF_DROP_EXT_TCP,
	GF_DROP_ICMP6_INFO,
	GF_F_ARGS,
	GF_HANDLE_RST,
	GF_SRC_ICMP6_BETTER,
	GF_TCP_EST,
	GF_TCP_TRANS,
	GF_UDP_TIMEOUT,
	GF_ICMP_TIMEOUT,
	GF_MAX_SO,
	GF_MAX_SESSIONS,
};

/* Which translator an option belongs to (Jool's .xt of each global: XT_ANY, XT_SIIT, XT_NAT64). */
enum gscope { GS_BOTH, GS_SIIT, GS_NAT64 };

struct gopt {
	const char *name;
	enum gtype type;
	enum gfield field;
	uint64_t min, max; /* integers; timeouts in ms */
	enum gscope scope;
};

/* Jool 4.1's global options (globals_metadata in its src/common/global.c; scope = its .xt), plus ours at the end. */
static const struct gopt gopts[] = {
	{ "manually-enabled", GT_BOOL, GF_ENABLED, 0, 0, GS_BOTH },
	{ "pool6", GT_POOL6, GF_POOL6, 0, 0, GS_BOTH },
	{ "lowest-ipv6-mtu", GT_UINT, GF_LOWEST_MTU, 1280, 65535, GS_BOTH },
	{ "logging-debug", GT_BOOL, GF_NONE, 0, 0, GS_BOTH },
	{ "zeroize-traffic-class", GT_BOOL, GF_ZEROIZE_TC, 0, 0, GS_BOTH },
	{ "override-tos", GT_BOOL, GF_OVERRIDE_TOS, 0, 0, GS_BOTH },
	{ "tos", GT_UINT, GF_TOS, 0, 255, GS_BOTH },
	{ "mtu-plateaus", GT_PLATEAUS, GF_PLATEAUS, 0, 65535, GS_BOTH },
	/* SIIT */
	{ "amend-udp-checksum-zero", GT_BOOL, GF_AMEND_UDP, 0, 0, GS_SIIT },
	{ "eam-hairpin-mode", GT_HAIRPIN, GF_HAIRPIN, 0, 0, GS_SIIT },
	{ "randomize-rfc6791-addresses", GT_BOOL, GF_RANDOMIZE, 0, 0, GS_SIIT },
	{ "rfc6791v6-prefix", GT_PREFIX6, GF_6791V6, 0, 0, GS_SIIT },
	{ "rfc6791v4-prefix", GT_PREFIX4, GF_6791V4, 0, 0, GS_SIIT },
	/* NAT64: filtering */
	{ "address-dependent-filtering", GT_BOOL, GF_ADF, 0, 0, GS_NAT64 },
	{ "drop-externally-initiated-tcp", GT_BOOL, GF_DROP_EXT_TCP, 0, 0, GS_NAT64 },
	{ "drop-icmpv6-info", GT_BOOL, GF_DROP_ICMP6_INFO, 0, 0, GS_NAT64 },
	{ "source-icmpv6-errors-better", GT_BOOL, GF_SRC_ICMP6_BETTER, 0, 0, GS_NAT64 },
	{ "f-args", GT_UINT, GF_F_ARGS, 0, 15, GS_NAT64 },
	{ "handle-rst-during-fin-rcv", GT_BOOL, GF_HANDLE_RST, 0, 0, GS_NAT64 },
	/* NAT64: timeouts (RFC 6146 3.5 minimums, as Jool enforces them) */
	{ "tcp-est-timeout", GT_TIMEOUT, GF_TCP_EST, 2 * 3600 * 1000ull, U32MAX, GS_NAT64 },
	{ "tcp-trans-timeout", GT_TIMEOUT, GF_TCP_TRANS, 4 * 60 * 1000ull, U32MAX, GS_NAT64 },
	{ "udp-timeout", GT_TIMEOUT, GF_UDP_TIMEOUT, 2 * 60 * 1000ull, U32MAX, GS_NAT64 },
	{ "icmp-timeout", GT_TIMEOUT, GF_ICMP_TIMEOUT, 0, U32MAX, GS_NAT64 },
	/* NAT64: logging, simultaneous open */
	{ "logging-bib", GT_BOOL, GF_NONE, 0, 0, GS_NAT64 },
	{ "logging-session", GT_BOOL, GF_NONE, 0, 0, GS_NAT64 },
	{ "maximum-simultaneous-opens", GT_UINT, GF_MAX_SO, 0, U32MAX, GS_NAT64 },
	/* NAT64: session synchronisation (joold) */
	{ "ss-enabled", GT_BOOL, GF_NONE, 0, 0, GS_NAT64 },
	{ "ss-flush-asap", GT_BOOL, GF_NONE, 0, 0, GS_NAT64 },
	{ "ss-flush-deadline", GT_UINT, GF_NONE, 0, U32MAX, GS_NAT64 },
	{ "ss-capacity", GT_UINT, GF_NONE, 0, U32MAX, GS_NAT64 },
	{ "ss-max-payload", GT_UINT, GF_NONE, 0, U32MAX, GS_NAT64 },
	{ "ss-max-sessions-per-packet", GT_UINT, GF_NONE, 0, U32MAX, GS_NAT64 },
	/* ours */
	{ "icmp-errors-per-sec", GT_UINT, GF_ICMP_RATE, 0, 1000000, GS_BOTH },
	{ "max-sessions-per-worker", GT_UINT, GF_MAX_SESSIONS, 1024, 1u << 26, GS_NAT64 },
};

#define N_GOPTS (sizeof(gopts) / sizeof(gopts[0]))

static void format_ms(uint64_t ms, char *out, size_t cap)
{
	uint64_t s = ms / 1000;

	if (ms % 1000)
		snprintf(out, cap, "%llu:%02llu:%02llu.%03llu", (unsigned long long)(s / 3600),
			 (unsigned long long)(s / 60 % 60), (unsigned long long)(s % 60),
			 (unsigned long long)(ms % 1000));
	else
		snprintf(out, cap, "%llu:%02llu:%02llu", (unsigned long long)(s / 3600),
			 (unsigned long long)(s / 60 % 60), (unsigned long long)(s % 60));
}

/* Jool's time format: [HH:[MM:]]SS[.mmm]. 0 with *ms, or -1. */
static int parse_timeout(const char *s, uint64_t *ms)
{
	uint64_t part[3], frac = 0;
	unsigned n = 0;
	const char *p = s;

	for (;;) {
		uint64_t v = 0;
		unsigned digits = 0;

		while (*p >= '0' && *p <= '9') {
			if (++digits > 9)
				return -1;
			v = v * 10 + (uint64_t)(*p++ - '0');
		}
		if (digits == 0 || n == 3)
			return -1;
		part[n++] = v;
		if (*p == ':') {
			p++;
			continue;
		}
		if (*p == '.') {
			unsigned fd = 0;

			p++;
			while (*p >= '0' && *p <= '9') {
				if (++fd > 3)
					return -1;
				frac = frac * 10 + (uint64_t)(*p++ - '0');
			}
			if (fd == 0)
				return -1;
			for (; fd < 3; fd++)
				frac *= 10;
		}
		if (*p != '\0')
			return -1;
		break;
	}
	/* Minutes and seconds below a larger unit must be < 60. */
	if (n >= 2 && part[n - 1] >= 60)
		return -1;
	if (n == 3 && part[1] >= 60)
		return -1;
	{
		uint64_t h = n == 3 ? part[0] : 0;
		uint64_t m = n == 3 ? part[1] : (n == 2 ? part[0] : 0);
		uint64_t sec = part[n - 1];
		*ms = ((h * 60 + m) * 60 + sec) * 1000 + frac;
	}
	return 0;
}

static int cmp_desc_u16(const void *a, const void *b)
{
	uint16_t x = *(const uint16_t *)a, y = *(const uint16_t *)b;

	return (x < y) - (x > y);
}

/*
 * Jool's rule (validate_plateaus(), src/mod/common/nl/attribute.c): any
 * 16-bit values, sorted descending, zeros and duplicates dropped, a list of
 * nothing but zeros refused. Small values are harmless: a plateau only
 * guesses the MTU of an ICMPv4 "Fragmentation Needed" that carries none
 * (RFC 1191 7), and mtu46() never advertises less than 1280 in the
 * translated Packet Too Big (RFC 8200 5, RFC 7915 4.2), so Jool's old
 * examples' [1, 2, 3, 4, 5, 6] load as they do in Jool.
 */
static int parse_plateaus(struct ld *ld, const char *path, const json_t *j, struct xlat_globals *g)
{
	uint16_t vals[XLAT_MAX_PLATEAUS * 4];
	size_t n = json_array_size(j), k = 0;
	char p[PATH_LEN];

	if (!json_is_array(j))
		return cfg_fail(ld, path, "expected an array of integers, got %s", cfg_jtype(j));
	if (n == 0)
		return cfg_fail(ld, path, "the list can not be empty");
	if (n > sizeof(vals) / sizeof(vals[0]))
		return cfg_fail(ld, path, "%zu entries, at most %zu supported", n, sizeof(vals) / sizeof(vals[0]));
	for (size_t i = 0; i < n; i++) {
		uint64_t v;
		cfg_path_idx(p, path, i);
		if (cfg_get_uint(ld, p, json_array_get(j, i), 0, 65535, &v))
			return -1;
		vals[i] = (uint16_t)v;
	}
	qsort(vals, n, sizeof(vals[0]), cmp_desc_u16);
	for (size_t i = 0; i < n; i++) {
		if (vals[i] == 0 || (k && vals[k - 1] == vals[i]))
			continue;
		vals[k++] = vals[i];
	}
	if (k == 0)
		return cfg_fail(ld, path, "the list holds nothing but zeros (Jool refuses it too)");
	if (k > XLAT_MAX_PLATEAUS)
		return cfg_fail(ld, path, "%zu distinct plateaus, at most %d supported", k, XLAT_MAX_PLATEAUS);
	memcpy(g->mtu_plateaus, vals, k * sizeof(vals[0]));
	g->n_plateaus = (uint8_t)k;
	return 0;
}

/* pool6: an RFC 6052 prefix, or null / "null" for none. */
static int parse_pool6(struct ld *ld, const char *path, const json_t *j, struct xlat_globals *g)
{
	struct prefix6 p;
	char b1[SHOW_LEN];

	if (json_is_null(j) || (json_is_string(j) && strcmp(json_string_value(j), "null") == 0)) {
		g->pool6_set = false;
		memset(&g->pool6, 0, sizeof(g->pool6));
		return 0;
	}
	if (!json_is_string(j))
		return cfg_fail(ld, path, "expected a string (an IPv6 prefix) or null, got %s", cfg_jtype(j));
	if (prefix6_parse(json_string_value(j), &p) != 0)
		return cfg_fail(ld, path, "'%s' is not an IPv6 prefix", cfg_show(json_string_value(j), b1));
	if (!rfc6052_valid_len(p.len))
		return cfg_fail(ld, path, "prefix length %u is not one of 32, 40, 48, 56, 64, 96 (RFC 6052 2.2)", p.len);
	if (cfg_get_prefix6(ld, path, j, &p))
		return -1;
	if (!rfc6052_prefix_ok(&p))
		return cfg_fail(ld, path, "'%s': bits 64 to 71 (the u-octet) must be zero (RFC 6052 2.2)",
			    cfg_show(json_string_value(j), b1));
	g->pool6 = p;
	g->pool6_set = true;
	return 0;
}

static int parse_global_opt(struct ld *ld, const struct gopt *o, const char *path, const json_t *j,
			    struct xlat_globals *g)
{
	bool b = false;
	uint64_t u = 0;
	const char *s = "";
	char b1[SHOW_LEN], t1[32], t2[32];

	switch (o->type) {
	case GT_BOOL:
		if (cfg_get_bool(ld, path, j, &b))
			return -1;
		break;
	case GT_UINT:
		if (cfg_get_uint(ld, path, j, o->min, o->max, &u))
			return -1;
		break;
	case GT_TIMEOUT:
		if (!json_is_string(j))
			return cfg_fail(ld, path, "expected a time string like \"2:00:00\" ([HH:[MM:]]SS[.mmm]), got %s",
				    cfg_jtype(j));
		s = json_string_value(j);
		if (parse_timeout(s, &u) != 0)
			return cfg_fail(ld, path, "'%s' is not a time; the format is [HH:[MM:]]SS[.mmm], e.g. \"2:00:00\"",
				    cfg_show(s, b1));
		format_ms(u, t1, sizeof(t1));
		if (u < o->min) {
			format_ms(o->min, t2, sizeof(t2));
			return cfg_fail(ld, path, "%s is below the minimum %s", t1, t2);
		}
		if (u > o->max) {
			format_ms(o->max, t2, sizeof(t2));
			return cfg_fail(ld, path, "%s is above the maximum %s", t1, t2);
		}
		break;
	case GT_POOL6:
		return parse_pool6(ld, path, j, g);
	case GT_PLATEAUS:
		return parse_plateaus(ld, path, j, g);
	case GT_HAIRPIN:
		if (!json_is_string(j))
			return cfg_fail(ld, path, "expected \"off\", \"simple\" or \"intrinsic\", got %s", cfg_jtype(j));
		s = json_string_value(j);
		if (strcasecmp(s, "off") == 0)
			g->eam_hairpin_mode = EAM_HAIRPIN_OFF;
		else if (strcasecmp(s, "simple") == 0)
			g->eam_hairpin_mode = EAM_HAIRPIN_SIMPLE;
		else if (strcasecmp(s, "intrinsic") == 0)
			g->eam_hairpin_mode = EAM_HAIRPIN_INTRINSIC;
		else
			return cfg_fail(ld, path, "'%s' is not one of \"off\", \"simple\", \"intrinsic\"", cfg_show(s, b1));
		return 0;
	case GT_PREFIX6:
		if (json_is_null(j) || (json_is_string(j) && strcmp(json_string_value(j), "null") == 0)) {
			g->rfc6791v6_set = false;
			return 0;
		}
		if (!json_is_string(j))
			return cfg_fail(ld, path, "expected a string (an IPv6 prefix) or null, got %s", cfg_jtype(j));
		if (cfg_get_prefix6(ld, path, j, &g->rfc6791v6))
			return -1;
		g->rfc6791v6_set = true;
		return 0;
	case GT_PREFIX4:
		if (json_is_null(j) || (json_is_string(j) && strcmp(json_string_value(j), "null") == 0)) {
			g->rfc6791v4_set = false;
			return 0;
		}
		if (!json_is_string(j))
			return cfg_fail(ld, path, "expected a string (an IPv4 prefix) or null, got %s", cfg_jtype(j));
		if (cfg_get_prefix4(ld, path, j, &g->rfc6791v4))
			return -1;
		g->rfc6791v4_set = true;
		return 0;
	}

	switch (o->field) {
	case GF_ENABLED:
		g->manually_enabled = b;
		break;
	case GF_LOWEST_MTU:
		g->lowest_ipv6_mtu = (uint16_t)u;
		break;
	case GF_ZEROIZE_TC:
		g->zeroize_traffic_class = b;
		break;
	case GF_OVERRIDE_TOS:
		g->override_tos = b;
		break;
	case GF_TOS:
		g->tos = (uint8_t)u;
		break;
	case GF_AMEND_UDP:
		g->amend_udp_checksum_zero = b;
		break;
	case GF_RANDOMIZE:
		g->randomize_rfc6791 = b;
		break;
	case GF_ICMP_RATE:
		g->icmp_errors_per_sec = (uint32_t)u;
		break;
	case GF_ADF:
		g->nat.address_dependent_filtering = b;
		break;
	case GF_DROP_EXT_TCP:
		g->nat.drop_externally_initiated_tcp = b;
		break;
	case GF_DROP_ICMP6_INFO:
		g->nat.drop_icmpv6_info = b;
		break;
	case GF_F_ARGS:
		g->nat.f_args = (uint32_t)u;
		break;
	case GF_HANDLE_RST:
		g->nat.handle_rst_during_fin_rcv = b;
		break;
	case GF_SRC_ICMP6_BETTER:
		g->nat.source_icmpv6_errors_better = b;
		break;
	case GF_TCP_EST:
		g->nat.tcp_est_timeout_ms = (uint32_t)u;
		break;
	case GF_TCP_TRANS:
		g->nat.tcp_trans_timeout_ms = (uint32_t)u;
		break;
	case GF_UDP_TIMEOUT:
		g->nat.udp_timeout_ms = (uint32_t)u;
		break;
	case GF_ICMP_TIMEOUT:
		g->nat.icmp_timeout_ms = (uint32_t)u;
		break;
	case GF_MAX_SO:
		g->nat.max_simultaneous_opens = (uint32_t)u;
		break;
	case GF_MAX_SESSIONS:
		g->nat.max_sessions = (uint32_t)u;
		break;
	default: /* handled above, or not used yet */
		break;
	}
	return 0;
}

/* A "global" object (the file's section, or part of it) into g; path names it in messages. */
static int parse_global_into(struct ld *ld, json_t *j, const char *path, struct xlat_globals *g)
{
	struct field f[N_GOPTS];
	char p[PATH_LEN];

	for (size_t i = 0; i < N_GOPTS; i++)
		f[i].name = gopts[i].name;
	if (cfg_take_fields(ld, j, path, f, N_GOPTS))
		return -1;
	for (size_t i = 0; i < N_GOPTS; i++) {
		if (!f[i].val)
			continue;
		cfg_path_key(p, path, gopts[i].name);
		if (parse_global_opt(ld, &gopts[i], p, f[i].val, g))
			return -1;
	}
	return 0;
}

/*
 * The file's "global". A NAT64-only option in a file that says no mode is
 * refused: the file was most likely written for Jool's NAT64 (jool, not
 * jool_siit, which is how Jool tells the two apart), and loading it as SIIT,
 * the default, would run the wrong translator with nothing said. With
 * "mode": "siit" written, such options are checked and ignored, as jool_siit
 * ignores them (Jool's global_update() skips globals of the other type).
 */
int cfg_parse_global(struct ld *ld, json_t *j)
{
	if (!ld->mode_given && ld->cfg->xlat.mode == XLAT_MODE_SIIT && json_is_object(j)) {
		const char *key;
		json_t *val;
		char p[PATH_LEN];

		json_object_foreach(j, key, val) {
			int i = appcfg_global_find(key);

			(void)val;
			if (i < 0 || gopts[i].scope != GS_NAT64)
				continue;
			cfg_path_key(p, "global", gopts[i].name);
			return cfg_fail(ld, p, "a NAT64 option, but this file's mode is siit" NO_MODE_HINT);
		}
	}
	return parse_global_into(ld, j, "global", &ld->cfg->xlat.g);
}

bool cfg_global_siit_only(const json_t *global)
{
	const char *key;
	json_t *val;

	json_object_foreach((json_t *)(uintptr_t)global, key, val) {
		int i = appcfg_global_find(key);

		(void)val;
		if (i >= 0 && gopts[i].scope == GS_SIIT)
			return true;
	}
	return false;
}

/* ------------------------------------------ pieces for the control API */

unsigned appcfg_global_count(void)
{
	return N_GOPTS;
}

const char *appcfg_global_name(unsigned i)
{
	return i < N_GOPTS ? gopts[i].name : NULL;
}

bool appcfg_global_stored(unsigned i)
{
	return i < N_GOPTS && gopts[i].field != GF_NONE;
}

int appcfg_global_find(const char *name)
{
	for (unsigned i = 0; i < N_GOPTS; i++)
		if (strcasecmp(gopts[i].name, name) == 0)
			return (int)i;
	return -1;
}

int appcfg_globals_parse(const json_t *obj, const char *path, struct xlat_globals *g, char *err, size_t errlen)
{
	struct ld ld = cfg_ld_api(err, errlen);

	return parse_global_into(&ld, (json_t *)(uintptr_t)obj, path ? path : "global", g);
}

json_t *appcfg_global_json(unsigned i, const struct xlat_globals *g)
{
	static const char *const hairpin[] = { "off", "simple", "intrinsic" };

	if (i >= N_GOPTS)
		return NULL;
	switch (gopts[i].field) {
	case GF_ENABLED:
		return json_boolean(g->manually_enabled);
	case GF_POOL6:
		return g->pool6_set ? appcfg_prefix6_json(&g->pool6) : json_null();
	case GF_LOWEST_MTU:
		return json_integer(g->lowest_ipv6_mtu);
	case GF_ZEROIZE_TC:
		return json_boolean(g->zeroize_traffic_class);
	case GF_OVERRIDE_TOS:
		return json_boolean(g->override_tos);
	case GF_TOS:
		return json_integer(g->tos);
	case GF_PLATEAUS: {
		json_t *a = json_array();

		for (unsigned k = 0; a && k < g->n_plateaus && k < XLAT_MAX_PLATEAUS; k++)
			json_array_append_new(a, json_integer(g->mtu_plateaus[k]));
		return a;
	}
	case GF_AMEND_UDP:
		return json_boolean(g->amend_udp_checksum_zero);
	case GF_HAIRPIN:
		return json_string(g->eam_hairpin_mode <= EAM_HAIRPIN_INTRINSIC ? hairpin[g->eam_hairpin_mode] : "?");
	case GF_RANDOMIZE:
		return json_boolean(g->randomize_rfc6791);
	case GF_6791V6:
		return g->rfc6791v6_set ? appcfg_prefix6_json(&g->rfc6791v6) : json_null();
	case GF_6791V4:
		return g->rfc6791v4_set ? appcfg_prefix4_json(&g->rfc6791v4) : json_null();
	case GF_ICMP_RATE:
		return json_integer(g->icmp_errors_per_sec);
	case GF_ADF:
		return json_boolean(g->nat.address_dependent_filtering);
	case GF_DROP_EXT_TCP:
		return json_boolean(g->nat.drop_externally_initiated_tcp);
	case GF_DROP_ICMP6_INFO:
		return json_boolean(g->nat.drop_icmpv6_info);
	case GF_F_ARGS:
		return json_integer(g->nat.f_args);
	case GF_HANDLE_RST:
		return json_boolean(g->nat.handle_rst_during_fin_rcv);
	case GF_SRC_ICMP6_BETTER:
		return json_boolean(g->nat.source_icmpv6_errors_better);
	case GF_TCP_EST:
	case GF_TCP_TRANS:
	case GF_UDP_TIMEOUT:
	case GF_ICMP_TIMEOUT: {
		char t[32];
		uint32_t ms = gopts[i].field == GF_TCP_EST     ? g->nat.tcp_est_timeout_ms
			      : gopts[i].field == GF_TCP_TRANS ? g->nat.tcp_trans_timeout_ms
			      : gopts[i].field == GF_UDP_TIMEOUT ? g->nat.udp_timeout_ms
								 : g->nat.icmp_timeout_ms;
		format_ms(ms, t, sizeof(t));
		return json_string(t);
	}
	case GF_MAX_SO:
		return json_integer(g->nat.max_simultaneous_opens);
	case GF_MAX_SESSIONS:
		return json_integer(g->nat.max_sessions);
	case GF_NONE:
		break;
	}
	return NULL;
}

json_t *appcfg_globals_json(const struct xlat_globals *g)
{
	json_t *o = json_object();

	for (unsigned i = 0; o && i < N_GOPTS; i++) {
		json_t *v = appcfg_global_json(i, g);

		if (v)
			json_object_set_new(o, gopts[i].name, v);
	}
	return o;
}
