/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * JSON configuration loader. The format is described in doc/configuration.md.
 *
 * Keys are matched case-insensitively, as Jool's file parser does, so a Jool
 * file ("IPv6 Prefix", "Global") loads unchanged; a "comment" key is allowed
 * in every object. Unknown keys are errors (with a suggestion when one is
 * close), and so are keys given twice. Nothing is applied piecemeal: the
 * result is either a complete struct appcfg or an error.
 */
#include "config_load.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "eamt.h"
#include "rfc6052.h"
#include "xlat.h"

#define PATH_LEN 192
#define SHOW_LEN 96
#define PFX_LEN (INET6_ADDRSTRLEN + 8) /* "addr/len" */

/* Loader state: where errors (and notes) go and what is being filled. */
struct ld {
	const char *origin;
	char *err;
	size_t errlen;
	struct appcfg *cfg;
	char *notes; /* NULL: nobody reads them */
	size_t noteslen;
	bool mode_given; /* the file has a "mode" key */
};

/* ------------------------------------------------------------------ errors */

static int fail(struct ld *ld, const char *path, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int fail(struct ld *ld, const char *path, const char *fmt, ...)
{
	size_t off = 0;
	int n;
	va_list ap;

	if (!ld->err || ld->errlen == 0)
		return -1;
	ld->err[0] = '\0';
	if (ld->origin && *ld->origin) {
		n = snprintf(ld->err, ld->errlen, "%s: ", ld->origin);
		off = n > 0 ? (size_t)n : 0;
	}
	if (path && *path && off < ld->errlen) {
		n = snprintf(ld->err + off, ld->errlen - off, "%s: ", path);
		off += n > 0 ? (size_t)n : 0;
	}
	if (off < ld->errlen) {
		va_start(ap, fmt);
		vsnprintf(ld->err + off, ld->errlen - off, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/*
 * A remark on a file that loads but deserves a word (xlat64ctl check prints
 * them): one line "ORIGIN: note: PATH: TEXT" appended to ld->notes.
 */
static void note(struct ld *ld, const char *path, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void note(struct ld *ld, const char *path, const char *fmt, ...)
{
	char line[512];
	size_t off, n;
	int k;
	va_list ap;

	if (!ld->notes || ld->noteslen == 0)
		return;
	k = snprintf(line, sizeof(line), "%s%snote: %s%s", ld->origin ? ld->origin : "", ld->origin ? ": " : "",
		     path ? path : "", path ? ": " : "");
	if (k < 0 || (size_t)k >= sizeof(line))
		return;
	va_start(ap, fmt);
	vsnprintf(line + k, sizeof(line) - (size_t)k, fmt, ap);
	va_end(ap);
	/* a whole line or nothing: a cut note would read as a different one */
	off = strlen(ld->notes);
	n = strlen(line);
	if (off + n + 2 > ld->noteslen)
		return;
	memcpy(ld->notes + off, line, n);
	ld->notes[off + n] = '\n';
	ld->notes[off + n + 1] = '\0';
}

/*
 * The refusal of a NAT64 setting in a file that names no mode: SIIT is only
 * the default. Jool knows a NAT64 file from the command it is given to
 * (jool, not jool_siit), so its NAT64 files have no "mode" key.
 */
#define NO_MODE_HINT                                                                                         \
	" (the file has no \"mode\", and siit is the default; a file for Jool's NAT64, the jool command rather " \
	"than jool_siit, needs \"mode\": \"nat64\")"

/* A user string made safe to quote in a message: printable, bounded. */
static const char *show(const char *s, char buf[SHOW_LEN])
{
	size_t i, n = 0;

	for (i = 0; s[i] && n < SHOW_LEN - 4; i++)
		buf[n++] = isprint((unsigned char)s[i]) ? s[i] : '?';
	if (s[i]) {
		memcpy(buf + n, "...", 3);
		n += 3;
	}
	buf[n] = '\0';
	return buf;
}

static const char *jtype(const json_t *j)
{
	switch (json_typeof(j)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
		return "an integer";
	case JSON_REAL:
		return "a real number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	case JSON_NULL:
		return "null";
	}
	return "something else";
}

/* Append src to the path in out, truncating (a path that long is a curiosity, not an error). */
static void path_append(char out[PATH_LEN], size_t *len, const char *src)
{
	size_t n = strlen(src);

	if (n > PATH_LEN - 1 - *len)
		n = PATH_LEN - 1 - *len;
	memcpy(out + *len, src, n);
	*len += n;
	out[*len] = '\0';
}

/* out = parent.key (or key at the top level). out must not alias parent. */
static void path_key(char out[PATH_LEN], const char *parent, const char *key)
{
	size_t len = 0;

	out[0] = '\0';
	if (parent && *parent) {
		path_append(out, &len, parent);
		path_append(out, &len, ".");
	}
	path_append(out, &len, key);
}

/* out = parent[i] */
static void path_idx(char out[PATH_LEN], const char *parent, size_t i)
{
	char idx[32];
	size_t len = 0;
	int n = snprintf(idx, sizeof(idx), "[%zu]", i);

	out[0] = '\0';
	path_append(out, &len, parent);
	if (n > 0 && (size_t)n < sizeof(idx))
		path_append(out, &len, idx);
}

/* ------------------------------------------------------------- key tables */

/* Levenshtein distance, case-insensitive, for "did you mean". Short strings only. */
static unsigned edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned row[64], prev, tmp;

	if (la >= 63 || lb >= 63)
		return 99;
	for (size_t j = 0; j <= lb; j++)
		row[j] = (unsigned)j;
	for (size_t i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = (unsigned)i;
		for (size_t j = 1; j <= lb; j++) {
			unsigned cost = tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]);
			unsigned best = prev + cost;
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			tmp = row[j];
			row[j] = best;
			prev = tmp;
		}
	}
	return row[lb];
}

struct field {
	const char *name;
	json_t *val; /* filled by take_fields(); NULL when absent */
};

/*
 * Sort obj's members into fields[] by name. Unknown keys, keys given twice
 * (in two letter cases) and non-object values are errors; "comment" is
 * skipped, as many times as it comes (Jool: any number, in every object).
 */
static int take_fields(struct ld *ld, json_t *obj, const char *path, struct field *fields, size_t n)
{
	const char *key;
	json_t *val;
	char b1[SHOW_LEN];

	if (!json_is_object(obj))
		return fail(ld, path, "expected an object, got %s", jtype(obj));
	for (size_t i = 0; i < n; i++)
		fields[i].val = NULL;
	json_object_foreach(obj, key, val) {
		size_t i;

		if (strcasecmp(key, "comment") == 0)
			continue;
		for (i = 0; i < n; i++)
			if (strcasecmp(key, fields[i].name) == 0)
				break;
		if (i == n) {
			const char *best = NULL;
			unsigned bestd = 3;
			char hint[SHOW_LEN + 32] = "";

			for (size_t j = 0; j < n; j++) {
				unsigned d = edit_distance(key, fields[j].name);

				/* "idle-sleep" for "idle-sleep-us": a truncated name */
				if (strlen(key) >= 4 && strncasecmp(fields[j].name, key, strlen(key)) == 0)
					d = 1;
				if (d < bestd) {
					bestd = d;
					best = fields[j].name;
				}
			}
			if (best && bestd < strlen(key))
				snprintf(hint, sizeof(hint), " (did you mean '%s'?)", best);
			if (!path || !*path)
				return fail(ld, NULL, "unknown key '%s' at top level%s", show(key, b1), hint);
			return fail(ld, path, "unknown key '%s'%s", show(key, b1), hint);
		}
		if (fields[i].val) {
			/* the same key in two letter cases (the same spelling twice is caught by scan_repeated_keys) */
			const char *first = fields[i].name, *k;
			json_t *v;
			char b2[SHOW_LEN];

			json_object_foreach(obj, k, v)
				if (v == fields[i].val)
					first = k;
			if (!path || !*path)
				return fail(ld, NULL, "key '%s' appears twice at top level (as '%s' and '%s': keys are matched "
						      "whatever their letter case)", fields[i].name, show(first, b1), show(key, b2));
			return fail(ld, path, "key '%s' appears twice (as '%s' and '%s': keys are matched whatever their "
					      "letter case)", fields[i].name, show(first, b1), show(key, b2));
		}
		fields[i].val = val;
	}
	return 0;
}

/* ------------------------------------------------------------ scalar types */

static int get_bool(struct ld *ld, const char *path, const json_t *j, bool *out)
{
	if (!json_is_boolean(j))
		return fail(ld, path, "expected true or false, got %s", jtype(j));
	*out = json_is_true(j);
	return 0;
}

static int get_uint(struct ld *ld, const char *path, const json_t *j, uint64_t min, uint64_t max, uint64_t *out)
{
	json_int_t v;

	if (!json_is_integer(j))
		return fail(ld, path, "expected an integer, got %s", jtype(j));
	v = json_integer_value(j);
	if (v < 0 || (uint64_t)v < min || (uint64_t)v > max)
		return fail(ld, path, "%lld is out of range (%llu..%llu)", (long long)v, (unsigned long long)min,
			    (unsigned long long)max);
	*out = (uint64_t)v;
	return 0;
}

static int get_string(struct ld *ld, const char *path, const json_t *j, const char **out)
{
	if (!json_is_string(j))
		return fail(ld, path, "expected a string, got %s", jtype(j));
	*out = json_string_value(j);
	if (strlen(*out) != json_string_length(j))
		return fail(ld, path, "the string contains a NUL character");
	return 0;
}

static int get_array(struct ld *ld, const char *path, const json_t *j, size_t max, const char *what)
{
	if (!json_is_array(j))
		return fail(ld, path, "expected an array, got %s", jtype(j));
	if (json_array_size(j) > max)
		return fail(ld, path, "%zu %s, at most %zu supported", json_array_size(j), what, max);
	return 0;
}

static int copy_string(struct ld *ld, const char *path, const char *s, char *dst, size_t cap)
{
	size_t n = strlen(s);

	if (n >= cap)
		return fail(ld, path, "longer than %zu characters", cap - 1);
	memcpy(dst, s, n + 1);
	return 0;
}

/* ---------------------------------------------------- addresses, prefixes */

static bool looks_v6(const char *s)
{
	return strchr(s, ':') != NULL;
}

static void format_prefix(int family, const void *addr, unsigned len, char out[PFX_LEN])
{
	char a[INET6_ADDRSTRLEN] = "?";

	inet_ntop(family == 6 ? AF_INET6 : AF_INET, addr, a, sizeof(a));
	snprintf(out, PFX_LEN, "%s/%u", a, len & 0xff);
}

static void mask6(uint8_t a[16], unsigned len)
{
	for (unsigned bit = len; bit < 128; bit++)
		a[bit / 8] &= (uint8_t)~(0x80 >> (bit % 8));
}

static uint32_t mask4_be(unsigned len)
{
	return len ? htonl(~0u << (32 - len)) : 0;
}

/* "2001:db8::/32"; a missing length means /128. Host bits are refused. */
static int get_prefix6(struct ld *ld, const char *path, const json_t *j, struct prefix6 *p)
{
	const char *s = "";
	char b1[SHOW_LEN], fix[PFX_LEN];

	if (get_string(ld, path, j, &s))
		return -1;
	if (prefix6_parse(s, p) != 0)
		return fail(ld, path, "'%s' is not an IPv6 prefix", show(s, b1));
	if (prefix6_has_host_bits(p)) {
		struct prefix6 m = *p;
		mask6(m.addr, m.len);
		format_prefix(6, m.addr, m.len, fix);
		return fail(ld, path, "'%s' has bits set after the prefix length (did you mean %s?)", show(s, b1), fix);
	}
	return 0;
}

/* "192.0.2.0/24"; a missing length means /32. Host bits are refused. */
static int get_prefix4(struct ld *ld, const char *path, const json_t *j, struct prefix4 *p)
{
	const char *s = "";
	char b1[SHOW_LEN], fix[PFX_LEN];

	if (get_string(ld, path, j, &s))
		return -1;
	if (prefix4_parse(s, p) != 0)
		return fail(ld, path, "'%s' is not an IPv4 prefix", show(s, b1));
	if (prefix4_has_host_bits(p)) {
		uint32_t m = p->addr & mask4_be(p->len);
		format_prefix(4, &m, p->len, fix);
		return fail(ld, path, "'%s' has bits set after the prefix length (did you mean %s?)", show(s, b1), fix);
	}
	return 0;
}

/* A plain address of either family (no length). */
static int get_addr(struct ld *ld, const char *path, const json_t *j, int *family, uint8_t addr[16])
{
	const char *s = "";
	char b1[SHOW_LEN];

	if (get_string(ld, path, j, &s))
		return -1;
	memset(addr, 0, 16);
	if (looks_v6(s)) {
		if (inet_pton(AF_INET6, s, addr) != 1)
			return fail(ld, path, "'%s' is not an IPv6 address", show(s, b1));
		*family = 6;
	} else {
		if (inet_pton(AF_INET, s, addr) != 1)
			return fail(ld, path, "'%s' is not an IPv4 address", show(s, b1));
		*family = 4;
	}
	return 0;
}

/* Addresses a port or a neighbour can not have. NULL when fine. */
static const char *bad_unicast(int family, const uint8_t a[16])
{
	static const uint8_t zero[16];

	if (family == 6) {
		if (memcmp(a, zero, 16) == 0)
			return "the unspecified address";
		if (memcmp(a, zero, 15) == 0 && a[15] == 1)
			return "the loopback address";
		if (a[0] == 0xff)
			return "a multicast address";
		return NULL;
	}
	if (a[0] == 0)
		return "in 0.0.0.0/8 (\"this network\")";
	if (a[0] == 127)
		return "a loopback address";
	if (a[0] >= 224 && a[0] < 240)
		return "a multicast address";
	if (a[0] == 255 && a[1] == 255 && a[2] == 255 && a[3] == 255)
		return "the broadcast address";
	if (a[0] >= 240)
		return "in the reserved 240.0.0.0/4";
	return NULL;
}

/* An interface address with its prefix length: "2001:db8:6::1/64", "198.51.100.1/24". */
static int get_ifaddr(struct ld *ld, const char *path, const json_t *j, struct appcfg_addr *out)
{
	const char *s, *slash;
	char b1[SHOW_LEN], a[INET6_ADDRSTRLEN + 1], *end;
	size_t n;
	unsigned long len;
	const char *why;
	int v6;

	if (get_string(ld, path, j, &s))
		return -1;
	v6 = looks_v6(s);
	slash = strchr(s, '/');
	if (!slash)
		return fail(ld, path, "'%s' needs a prefix length (e.g. '%s/%s')", show(s, b1), s, v6 ? "64" : "24");
	n = (size_t)(slash - s);
	if (n == 0 || n >= sizeof(a))
		return fail(ld, path, "'%s' is not an %s prefix", show(s, b1), v6 ? "IPv6" : "IPv4");
	memcpy(a, s, n);
	a[n] = '\0';
	memset(out->addr, 0, sizeof(out->addr));
	errno = 0;
	len = (slash[1] >= '0' && slash[1] <= '9') ? strtoul(slash + 1, &end, 10) : 1000;
	if (len == 1000 || errno || *end || len > (v6 ? 128u : 32u) ||
	    inet_pton(v6 ? AF_INET6 : AF_INET, a, out->addr) != 1)
		return fail(ld, path, "'%s' is not an %s prefix", show(s, b1), v6 ? "IPv6" : "IPv4");
	if (len == 0)
		return fail(ld, path, "'%s': an interface address needs a prefix length above 0", show(s, b1));
	out->family = v6 ? 6 : 4;
	out->plen = (uint8_t)len;
	why = bad_unicast(out->family, out->addr);
	if (why)
		return fail(ld, path, "'%s' is %s, not usable as a port address", show(s, b1), why);
	return 0;
}

/* "02:00:00:00:00:06"; unicast only. */
static int get_mac(struct ld *ld, const char *path, const json_t *j, uint8_t mac[6])
{
	const char *s = "";
	char b1[SHOW_LEN];
	unsigned v[6];
	int used = -1;

	if (get_string(ld, path, j, &s))
		return -1;
	if (strlen(s) != 17 ||
	    sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%n", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &used) != 6 ||
	    used != 17)
		return fail(ld, path, "'%s' is not a MAC address (xx:xx:xx:xx:xx:xx)", show(s, b1));
	for (int i = 0; i < 17; i++)
		if ((i % 3 == 2) != (s[i] == ':') || (i % 3 != 2 && !isxdigit((unsigned char)s[i])))
			return fail(ld, path, "'%s' is not a MAC address (xx:xx:xx:xx:xx:xx)", show(s, b1));
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)v[i];
	if (mac[0] & 1)
		return fail(ld, path, "'%s' is a multicast MAC address", s);
	if ((mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]) == 0)
		return fail(ld, path, "'%s' is the all-zero MAC address", s);
	return 0;
}

/* ------------------------------------------------------------------- mode */

static int parse_mode(struct ld *ld, const json_t *j, enum xlat_mode *mode)
{
	const char *s = "";
	char b1[SHOW_LEN];

	*mode = XLAT_MODE_SIIT;
	if (!j)
		return 0;
	if (get_string(ld, "mode", j, &s))
		return -1;
	if (strcasecmp(s, "siit") == 0)
		return 0;
	if (strcasecmp(s, "nat64") == 0) {
		*mode = XLAT_MODE_NAT64;
		return 0;
	}
	return fail(ld, "mode", "'%s' is not one of \"siit\", \"nat64\"", show(s, b1));
}

/* ---------------------------------------------------------------- globals */

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

#define U32MAX 4294967295ull

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
		return fail(ld, path, "expected an array of integers, got %s", jtype(j));
	if (n == 0)
		return fail(ld, path, "the list can not be empty");
	if (n > sizeof(vals) / sizeof(vals[0]))
		return fail(ld, path, "%zu entries, at most %zu supported", n, sizeof(vals) / sizeof(vals[0]));
	for (size_t i = 0; i < n; i++) {
		uint64_t v;
		path_idx(p, path, i);
		if (get_uint(ld, p, json_array_get(j, i), 0, 65535, &v))
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
		return fail(ld, path, "the list holds nothing but zeros (Jool refuses it too)");
	if (k > XLAT_MAX_PLATEAUS)
		return fail(ld, path, "%zu distinct plateaus, at most %d supported", k, XLAT_MAX_PLATEAUS);
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
		return fail(ld, path, "expected a string (an IPv6 prefix) or null, got %s", jtype(j));
	if (prefix6_parse(json_string_value(j), &p) != 0)
		return fail(ld, path, "'%s' is not an IPv6 prefix", show(json_string_value(j), b1));
	if (!rfc6052_valid_len(p.len))
		return fail(ld, path, "prefix length %u is not one of 32, 40, 48, 56, 64, 96 (RFC 6052 2.2)", p.len);
	if (get_prefix6(ld, path, j, &p))
		return -1;
	if (!rfc6052_prefix_ok(&p))
		return fail(ld, path, "'%s': bits 64 to 71 (the u-octet) must be zero (RFC 6052 2.2)",
			    show(json_string_value(j), b1));
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
		if (get_bool(ld, path, j, &b))
			return -1;
		break;
	case GT_UINT:
		if (get_uint(ld, path, j, o->min, o->max, &u))
			return -1;
		break;
	case GT_TIMEOUT:
		if (!json_is_string(j))
			return fail(ld, path, "expected a time string like \"2:00:00\" ([HH:[MM:]]SS[.mmm]), got %s",
				    jtype(j));
		s = json_string_value(j);
		if (parse_timeout(s, &u) != 0)
			return fail(ld, path, "'%s' is not a time; the format is [HH:[MM:]]SS[.mmm], e.g. \"2:00:00\"",
				    show(s, b1));
		format_ms(u, t1, sizeof(t1));
		if (u < o->min) {
			format_ms(o->min, t2, sizeof(t2));
			return fail(ld, path, "%s is below the minimum %s", t1, t2);
		}
		if (u > o->max) {
			format_ms(o->max, t2, sizeof(t2));
			return fail(ld, path, "%s is above the maximum %s", t1, t2);
		}
		break;
	case GT_POOL6:
		return parse_pool6(ld, path, j, g);
	case GT_PLATEAUS:
		return parse_plateaus(ld, path, j, g);
	case GT_HAIRPIN:
		if (!json_is_string(j))
			return fail(ld, path, "expected \"off\", \"simple\" or \"intrinsic\", got %s", jtype(j));
		s = json_string_value(j);
		if (strcasecmp(s, "off") == 0)
			g->eam_hairpin_mode = EAM_HAIRPIN_OFF;
		else if (strcasecmp(s, "simple") == 0)
			g->eam_hairpin_mode = EAM_HAIRPIN_SIMPLE;
		else if (strcasecmp(s, "intrinsic") == 0)
			g->eam_hairpin_mode = EAM_HAIRPIN_INTRINSIC;
		else
			return fail(ld, path, "'%s' is not one of \"off\", \"simple\", \"intrinsic\"", show(s, b1));
		return 0;
	case GT_PREFIX6:
		if (json_is_null(j) || (json_is_string(j) && strcmp(json_string_value(j), "null") == 0)) {
			g->rfc6791v6_set = false;
			return 0;
		}
		if (!json_is_string(j))
			return fail(ld, path, "expected a string (an IPv6 prefix) or null, got %s", jtype(j));
		if (get_prefix6(ld, path, j, &g->rfc6791v6))
			return -1;
		g->rfc6791v6_set = true;
		return 0;
	case GT_PREFIX4:
		if (json_is_null(j) || (json_is_string(j) && strcmp(json_string_value(j), "null") == 0)) {
			g->rfc6791v4_set = false;
			return 0;
		}
		if (!json_is_string(j))
			return fail(ld, path, "expected a string (an IPv4 prefix) or null, got %s", jtype(j));
		if (get_prefix4(ld, path, j, &g->rfc6791v4))
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
	if (take_fields(ld, j, path, f, N_GOPTS))
		return -1;
	for (size_t i = 0; i < N_GOPTS; i++) {
		if (!f[i].val)
			continue;
		path_key(p, path, gopts[i].name);
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
static int parse_global(struct ld *ld, json_t *j)
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
			path_key(p, "global", gopts[i].name);
			return fail(ld, p, "a NAT64 option, but this file's mode is siit" NO_MODE_HINT);
		}
	}
	return parse_global_into(ld, j, "global", &ld->cfg->xlat.g);
}

/* ------------------------------------------------------- eamt, denylist4 */

/* ------------------------------------------------------------ pool4, bib */

static const char *proto_name(uint8_t proto)
{
	return proto == 6 ? "TCP" : proto == 17 ? "UDP" : "ICMP";
}

static int parse_proto(struct ld *ld, const char *path, const json_t *j, uint8_t *proto)
{
	char b1[SHOW_LEN];

	if (!json_is_string(j))
		return fail(ld, path, "expected \"TCP\", \"UDP\" or \"ICMP\", got %s", jtype(j));
	const char *s = json_string_value(j);
	if (strcasecmp(s, "tcp") == 0)
		*proto = 6;
	else if (strcasecmp(s, "udp") == 0)
		*proto = 17;
	else if (strcasecmp(s, "icmp") == 0)
		*proto = 1;
	else
		return fail(ld, path, "'%s' is not one of \"TCP\", \"UDP\", \"ICMP\"", show(s, b1));
	return 0;
}

/* "A-B" or "P" */
static int parse_port_range(struct ld *ld, const char *path, const json_t *j, uint16_t *lo, uint16_t *hi)
{
	char b1[SHOW_LEN];
	unsigned long a, b;
	char *end;

	if (!json_is_string(j))
		return fail(ld, path, "expected a port range string like \"61001-65535\", got %s", jtype(j));
	const char *s = json_string_value(j);
	a = strtoul(s, &end, 10);
	if (end == s || a > 65535)
		return fail(ld, path, "'%s' is not a port range (\"A-B\", 0..65535)", show(s, b1));
	b = a;
	if (*end == '-') {
		const char *t = end + 1;
		b = strtoul(t, &end, 10);
		if (end == t || b > 65535)
			return fail(ld, path, "'%s' is not a port range (\"A-B\", 0..65535)", show(s, b1));
	}
	if (*end != '\0' || b < a)
		return fail(ld, path, "'%s' is not a port range (\"A-B\" with A <= B)", show(s, b1));
	*lo = (uint16_t)a;
	*hi = (uint16_t)b;
	return 0;
}

/* Jool's pool4 entries: {"mark", "protocol", "prefix", "port range", "max-iterations"}; one appended to x. */
static int parse_pool4_entry(struct ld *ld, json_t *e, const char *p, struct xlat_config *x)
{
	char q[PATH_LEN];
	{
		struct pool4_entry pe = { .port_min = 61001, .port_max = 65535 };
		struct prefix4 pfx;
		struct field f[] = { { "mark", NULL }, { "protocol", NULL }, { "prefix", NULL },
				     { "port range", NULL }, { "max-iterations", NULL } };
		if (take_fields(ld, e, p, f, sizeof(f) / sizeof(f[0])))
			return -1;
		if (x->n_pool4 >= POOL4_MAX)
			return fail(ld, p, "too many pool4 entries (at most %d)", POOL4_MAX);
		if (!f[1].val || !f[2].val)
			return fail(ld, p, "missing \"%s\"", f[1].val ? "prefix" : "protocol");
		path_key(q, p, "protocol");
		if (parse_proto(ld, q, f[1].val, &pe.proto))
			return -1;
		path_key(q, p, "prefix");
		if (get_prefix4(ld, q, f[2].val, &pfx))
			return -1;
		if (pfx.len < 16)
			return fail(ld, q, "a pool4 prefix must be /16 or longer");
		pe.addr = pfx.addr;
		pe.plen = pfx.len;
		if (f[3].val) {
			path_key(q, p, "port range");
			if (parse_port_range(ld, q, f[3].val, &pe.port_min, &pe.port_max))
				return -1;
		}
		if (f[0].val) {
			uint64_t m;
			path_key(q, p, "mark");
			if (get_uint(ld, q, f[0].val, 0, U32MAX, &m))
				return -1;
			pe.mark = (uint32_t)m;
		}
		if (f[4].val && !(json_is_string(f[4].val) && strcasecmp(json_string_value(f[4].val), "auto") == 0)) {
			uint64_t m;
			path_key(q, p, "max-iterations");
			if (get_uint(ld, q, f[4].val, 1, U32MAX, &m))
				return -1;
			pe.max_iterations = (uint32_t)m;
		}
		x->pool4[x->n_pool4++] = pe;
	}
	return 0;
}

static int parse_pool4(struct ld *ld, json_t *j)
{
	char p[PATH_LEN];

	if (!json_is_array(j))
		return fail(ld, "pool4", "expected an array, got %s", jtype(j));
	for (size_t i = 0; i < json_array_size(j); i++) {
		path_idx(p, "pool4", i);
		if (parse_pool4_entry(ld, json_array_get(j, i), p, &ld->cfg->xlat))
			return -1;
	}
	return 0;
}

/* "2001:db8::5#2000" / "192.0.2.2#2000" */
static int parse_taddr(struct ld *ld, const char *path, const json_t *j, int family, uint8_t *addr, uint16_t *port)
{
	char b1[SHOW_LEN], a[64];
	char *end;

	if (!json_is_string(j))
		return fail(ld, path, "expected \"ADDRESS#PORT\", got %s", jtype(j));
	const char *s = json_string_value(j), *hash = strrchr(s, '#');
	if (!hash || (size_t)(hash - s) >= sizeof(a))
		return fail(ld, path, "'%s' is not ADDRESS#PORT", show(s, b1));
	memcpy(a, s, (size_t)(hash - s));
	a[hash - s] = '\0';
	unsigned long v = strtoul(hash + 1, &end, 10);
	if (inet_pton(family == 4 ? AF_INET : AF_INET6, a, addr) != 1 || end == hash + 1 || *end || v > 65535)
		return fail(ld, path, "'%s' is not an IPv%d ADDRESS#PORT", show(s, b1), family);
	*port = (uint16_t)v;
	return 0;
}

/*
 * A static BIB entry's IPv4 side against pool4. Our rule: pool4 holds the
 * address for that protocol (a prefix of a pool4 entry of the protocol).
 * Jool's is stricter (xlator_replace() -> basic_replace_validations() ->
 * pool4db_contains(), src/mod/common/xlator.c): the port must lie in one of
 * that address's port ranges too (the mark is not looked at; an empty pool4
 * stands for the node's own addresses, ports 61001-65535). We take an entry
 * outside the ranges as a port forward: dynamic allocation never hands its
 * port out, and the dataplane claims it (nat64_pool4_port()), so nothing
 * collides; doc/configuration.md lists the difference, and `xlat64ctl check`
 * notes such an entry (bib_check()). 0, or -1 after fail() on path.
 */
static int bib_in_pool4(struct ld *ld, const char *path, const struct bib_static *b, const struct xlat_config *x)
{
	char a[INET_ADDRSTRLEN] = "?";

	for (unsigned k = 0; k < x->n_pool4; k++) {
		struct prefix4 pf = { x->pool4[k].addr, x->pool4[k].plen };

		if (x->pool4[k].proto == b->proto && prefix4_contains(&pf, b->addr4))
			return 0;
	}
	inet_ntop(AF_INET, &b->addr4, a, sizeof(a));
	if (x->n_pool4 == 0)
		return fail(ld, path, "the IPv4 address is not in pool4 for this protocol: pool4 is empty, which means the "
				      "ports' IPv4 addresses (as in Jool: the node's own), and no port has one");
	return fail(ld, path, "the IPv4 address is not in pool4 for this protocol: no %s pool4 entry holds %s",
		    proto_name(b->proto), a);
}

/*
 * Jool's static BIB entries: {"protocol", "ipv6 address": "A#P", "ipv4 address": "A#P"}; appended to x.
 * check_pool4: the IPv4 side is checked against x's pool4 now (the control API); a file's entries are
 * checked by parse_top() once pool4 is complete (an empty one becomes the ports' addresses).
 */
static int parse_bib_entry(struct ld *ld, json_t *e, const char *p, struct xlat_config *x, bool check_pool4)
{
	char q[PATH_LEN];
	struct bib_static b;
	struct field f[] = { { "protocol", NULL }, { "ipv6 address", NULL }, { "ipv4 address", NULL } };

	memset(&b, 0, sizeof(b));
	if (take_fields(ld, e, p, f, 3))
		return -1;
	if (!f[0].val || !f[1].val || !f[2].val)
		return fail(ld, p, "missing \"%s\"", !f[0].val ? "protocol" : !f[1].val ? "ipv6 address" : "ipv4 address");
	if (x->n_bib >= BIB_STATIC_MAX)
		return fail(ld, p, "too many static BIB entries (at most %d)", BIB_STATIC_MAX);
	path_key(q, p, "protocol");
	if (parse_proto(ld, q, f[0].val, &b.proto))
		return -1;
	path_key(q, p, "ipv6 address");
	if (parse_taddr(ld, q, f[1].val, 6, b.addr6, &b.port6))
		return -1;
	path_key(q, p, "ipv4 address");
	if (parse_taddr(ld, q, f[2].val, 4, (uint8_t *)&b.addr4, &b.port4))
		return -1;
	if (check_pool4 && bib_in_pool4(ld, q, &b, x))
		return -1;
	for (unsigned k = 0; k < x->n_bib; k++) {
		const struct bib_static *o = &x->bib[k];
		if (o->proto == b.proto && ((o->addr4 == b.addr4 && o->port4 == b.port4) ||
					    (o->port6 == b.port6 && memcmp(o->addr6, b.addr6, 16) == 0)))
			return fail(ld, p, "clashes with bib[%u]", k);
	}
	x->bib[x->n_bib++] = b;
	return 0;
}

static int parse_bib(struct ld *ld, json_t *j)
{
	char p[PATH_LEN];

	if (!json_is_array(j))
		return fail(ld, "bib", "expected an array, got %s", jtype(j));
	for (size_t i = 0; i < json_array_size(j); i++) {
		path_idx(p, "bib", i);
		if (parse_bib_entry(ld, json_array_get(j, i), p, &ld->cfg->xlat, false))
			return -1;
	}
	return 0;
}

/*
 * The file's static BIB entries against its complete pool4 (bib_in_pool4()),
 * and a note for each whose port no pool4 range of its address holds: Jool
 * refuses those.
 */
static int bib_check(struct ld *ld)
{
	const struct xlat_config *x = &ld->cfg->xlat;
	char p[PATH_LEN], q[PATH_LEN], a[INET_ADDRSTRLEN];

	for (unsigned i = 0; i < x->n_bib; i++) {
		const struct bib_static *b = &x->bib[i];
		bool port_in = false;

		path_idx(p, "bib", i);
		path_key(q, p, "ipv4 address");
		if (bib_in_pool4(ld, q, b, x))
			return -1;
		for (unsigned k = 0; k < x->n_pool4 && !port_in; k++) {
			const struct pool4_entry *e = &x->pool4[k];
			struct prefix4 pf = { e->addr, e->plen };

			port_in = e->proto == b->proto && prefix4_contains(&pf, b->addr4) && b->port4 >= e->port_min &&
				  b->port4 <= e->port_max;
		}
		if (!port_in) {
			inet_ntop(AF_INET, &b->addr4, a, sizeof(a));
			note(ld, p, "%s#%u is outside the %s port ranges of pool4 for %s: taken as a port forward "
				    "(dynamic allocation never uses the port); Jool refuses such an entry (its pool4 must hold "
				    "the port too)", a, b->port4, proto_name(b->proto), a);
		}
	}
	return 0;
}

/* ------------------------------------------------------------------- cgn */

static const char *const cgn_event_names[] = { "bib", "session", "block", "quota" };

/* "ADDRESS#PORT" of either family, or null (none). */
static int parse_cgn_target(struct ld *ld, const char *path, const json_t *j, struct cgn_target *t)
{
	memset(t, 0, sizeof(*t));
	if (json_is_null(j))
		return 0;
	const char *s = json_is_string(j) ? json_string_value(j) : "";
	t->family = strchr(s, ':') ? 6 : 4;
	if (parse_taddr(ld, path, j, t->family, t->addr, &t->port))
		return -1;
	if (t->port == 0)
		return fail(ld, path, "port 0 is not a destination");
	t->set = true;
	return 0;
}

static int parse_cgn_logging(struct ld *ld, const char *p, json_t *j, struct cgn_config *c, bool *events_given)
{
	char q[PATH_LEN], r[PATH_LEN], b1[SHOW_LEN];
	struct field f[] = { { "events", NULL }, { "ipfix", NULL }, { "syslog", NULL }, { "observation-domain", NULL },
			     { "template-refresh-s", NULL } };
	uint64_t v;

	if (take_fields(ld, j, p, f, sizeof(f) / sizeof(f[0])))
		return -1;
	if (f[0].val) {
		path_key(q, p, "events");
		if (get_array(ld, q, f[0].val, 8, "events"))
			return -1;
		c->log_events = 0;
		for (size_t i = 0; i < json_array_size(f[0].val); i++) {
			const char *s;
			unsigned k;
			path_idx(r, q, i);
			if (get_string(ld, r, json_array_get(f[0].val, i), &s))
				return -1;
			for (k = 0; k < 4 && strcasecmp(s, cgn_event_names[k]) != 0; k++)
				;
			if (k == 4)
				return fail(ld, r, "'%s' is not one of \"bib\", \"session\", \"block\", \"quota\"", show(s, b1));
			c->log_events |= (uint8_t)(1u << k);
		}
		*events_given = true;
	}
	path_key(q, p, "ipfix");
	if (f[1].val && parse_cgn_target(ld, q, f[1].val, &c->ipfix))
		return -1;
	path_key(q, p, "syslog");
	if (f[2].val && parse_cgn_target(ld, q, f[2].val, &c->syslog))
		return -1;
	path_key(q, p, "observation-domain");
	if (f[3].val) {
		if (get_uint(ld, q, f[3].val, 0, U32MAX, &v))
			return -1;
		c->observation_domain = (uint32_t)v;
	}
	path_key(q, p, "template-refresh-s");
	if (f[4].val) {
		if (get_uint(ld, q, f[4].val, 1, 86400, &v))
			return -1;
		c->template_refresh_s = (uint32_t)v;
	}
	return 0;
}

/*
 * The "cgn" object (doc/cgn.md) applied onto x->cgn: every member optional.
 * structural: whether members that decide which worker owns a flow (subscriber
 * prefix length, port blocks, deterministic NAT) may change (the file: yes; a
 * live change: no, they need a restart).
 */
static int parse_cgn_into(struct ld *ld, json_t *j, const char *p, struct xlat_config *x, bool structural)
{
	char q[PATH_LEN], r[PATH_LEN];
	struct field f[] = { { "subscriber-prefix-length", NULL }, { "max-sessions", NULL }, { "max-ports", NULL },
			     { "port-blocks", NULL }, { "deterministic", NULL }, { "logging", NULL } };
	struct cgn_config *c = &x->cgn;
	bool events_given = false;
	uint64_t v;

	if (take_fields(ld, j, p, f, sizeof(f) / sizeof(f[0])))
		return -1;
	if (!structural) {
		static const char *const fixed[] = { "subscriber-prefix-length", "port-blocks", "deterministic" };
		for (unsigned i = 0; i < 3; i++)
			if (f[i == 0 ? 0 : i + 2].val)
				return fail(ld, p, "\"%s\" decides which worker owns a flow: change it in the file and restart",
					    fixed[i]);
	}
	c->enabled = true;
	if (f[0].val) {
		path_key(q, p, "subscriber-prefix-length");
		if (get_uint(ld, q, f[0].val, 32, 128, &v))
			return -1;
		c->subscriber_plen = (uint8_t)v;
	}
	if (f[1].val) {
		path_key(q, p, "max-sessions");
		if (get_uint(ld, q, f[1].val, 0, U32MAX, &v))
			return -1;
		c->max_sessions = (uint32_t)v;
	}
	if (f[2].val) {
		struct field g[] = { { "TCP", NULL }, { "UDP", NULL }, { "ICMP", NULL } };
		path_key(q, p, "max-ports");
		if (take_fields(ld, f[2].val, q, g, 3))
			return -1;
		for (unsigned i = 0; i < 3; i++) {
			if (!g[i].val)
				continue;
			path_key(r, q, g[i].name);
			if (get_uint(ld, r, g[i].val, 0, U32MAX, &v))
				return -1;
			c->max_ports[i] = (uint32_t)v; /* CGN_TCP, CGN_UDP, CGN_ICMP */
		}
	}
	if (f[3].val) {
		path_key(q, p, "port-blocks");
		c->block_size = 0;
		if (!json_is_null(f[3].val)) {
			struct field g[] = { { "block-size", NULL }, { "max-blocks", NULL } };
			if (take_fields(ld, f[3].val, q, g, 2))
				return -1;
			if (!g[0].val)
				return fail(ld, q, "missing \"block-size\"");
			path_key(r, q, "block-size");
			if (get_uint(ld, r, g[0].val, 2, 32768, &v))
				return -1;
			c->block_size = (uint16_t)v;
			if (g[1].val) {
				path_key(r, q, "max-blocks");
				if (get_uint(ld, r, g[1].val, 1, 65535, &v))
					return -1;
				c->max_blocks = (uint16_t)v;
			}
		}
	}
	if (f[4].val) {
		path_key(q, p, "deterministic");
		memset(&c->det, 0, sizeof(c->det));
		if (!json_is_null(f[4].val)) {
			struct field g[] = { { "ipv6 prefix", NULL }, { "ipv4 prefix", NULL }, { "port range", NULL } };
			if (take_fields(ld, f[4].val, q, g, 3))
				return -1;
			if (!g[0].val || !g[1].val)
				return fail(ld, q, "missing \"%s\"", g[0].val ? "ipv4 prefix" : "ipv6 prefix");
			path_key(r, q, "ipv6 prefix");
			if (get_prefix6(ld, r, g[0].val, &c->det.prefix6))
				return -1;
			path_key(r, q, "ipv4 prefix");
			if (get_prefix4(ld, r, g[1].val, &c->det.prefix4))
				return -1;
			c->det.port_min = 1024;
			c->det.port_max = 65535;
			path_key(r, q, "port range");
			if (g[2].val && parse_port_range(ld, r, g[2].val, &c->det.port_min, &c->det.port_max))
				return -1;
			c->det.enabled = true;
		}
	}
	if (f[5].val) {
		path_key(q, p, "logging");
		if (parse_cgn_logging(ld, q, f[5].val, c, &events_given))
			return -1;
	}
	/* RFC 7422: with port blocks a block is logged, not each entry; deterministic NAT needs no log at all */
	if (!events_given && (f[3].val || f[4].val))
		c->log_events = c->det.enabled ? CGN_LOG_QUOTA
			      : c->block_size ? (CGN_LOG_BLOCK | CGN_LOG_QUOTA) : (CGN_LOG_BIB | CGN_LOG_QUOTA);
	return 0;
}

/* Rules across members and sections (pool4 is known by now). */
static int cgn_check(struct ld *ld, const char *p, const struct xlat_config *x)
{
	const struct cgn_config *c = &x->cgn;
	char b1[PFX_LEN];
	struct cgn_det_geometry g;

	if (c->block_size && c->det.enabled)
		return fail(ld, p, "\"port-blocks\" and \"deterministic\" exclude each other");
	if (!c->det.enabled)
		return 0;
	const char *why = cgn_det_geometry(c, &g);
	if (why)
		return fail(ld, p, "deterministic: %s", why);
	/* The dataplane takes IPv4 packets by pool4: the deterministic ports must be in it, per protocol used. */
	static const uint8_t protos[] = { 6, 17, 1 };
	for (unsigned k = 0; k < 3; k++) {
		bool used = false, covered = false;
		for (unsigned i = 0; i < x->n_pool4; i++) {
			const struct pool4_entry *e = &x->pool4[i];
			if (e->proto != protos[k])
				continue;
			used = true;
			struct prefix4 pe = { e->addr, e->plen };
			if (e->plen <= c->det.prefix4.len && prefix4_contains(&pe, c->det.prefix4.addr) &&
			    e->port_min <= c->det.port_min && e->port_max >= c->det.port_max)
				covered = true;
		}
		if (used && !covered) {
			format_prefix(4, &c->det.prefix4.addr, c->det.prefix4.len, b1);
			return fail(ld, p, "deterministic: %s ports %u-%u is not within one %s pool4 entry", b1,
				    c->det.port_min, c->det.port_max, protos[k] == 6 ? "TCP" : protos[k] == 17 ? "UDP" : "ICMP");
		}
	}
	return 0;
}

static int parse_cgn(struct ld *ld, json_t *j)
{
	if (ld->cfg->xlat.mode != XLAT_MODE_NAT64)
		return fail(ld, "cgn", "cgn is a NAT64 setting; this file's mode is siit%s",
			    ld->mode_given ? "" : NO_MODE_HINT);
	if (json_is_null(j))
		return 0;
	return parse_cgn_into(ld, j, "cgn", &ld->cfg->xlat, true);
}

/*
 * NAT64 needs pool6 (RFC 6146 uses it for every IPv4 address). An empty pool4
 * means, as in Jool, the box's own IPv4 addresses with ports 61001-65535.
 */
static int nat64_finish(struct ld *ld)
{
	struct appcfg *c = ld->cfg;
	struct xlat_config *x = &c->xlat;
	static const uint8_t protos[] = { 6, 17, 1 };

	if (!x->g.pool6_set)
		return fail(ld, "global.pool6", "nat64 mode needs pool6 (e.g. \"64:ff9b::/96\")");
	if (x->n_pool4)
		return 0;
	for (unsigned p = 0; p < c->n_ports; p++) {
		for (unsigned a = 0; a < c->ports[p].n_addrs; a++) {
			if (c->ports[p].addrs[a].family != 4)
				continue;
			for (unsigned k = 0; k < 3; k++) {
				if (x->n_pool4 >= POOL4_MAX)
					return 0;
				struct pool4_entry *e = &x->pool4[x->n_pool4++];
				memset(e, 0, sizeof(*e));
				e->proto = protos[k];
				memcpy(&e->addr, c->ports[p].addrs[a].addr, 4);
				e->plen = 32;
				e->port_min = 61001;
				e->port_max = 65535;
			}
		}
	}
	return 0;
}

/* One {"ipv6 prefix": .., "ipv4 prefix": ..} object, added to t. */
static int parse_eamt_entry(struct ld *ld, const char *p, json_t *j, struct eamt *t)
{
	struct field f[] = { { "ipv6 prefix", NULL }, { "ipv4 prefix", NULL } };
	struct prefix6 p6;
	struct prefix4 p4;
	const char *why = "rejected";
	char pk[PATH_LEN];

	if (take_fields(ld, j, p, f, 2))
		return -1;
	if (!f[0].val)
		return fail(ld, p, "missing \"ipv6 prefix\"");
	if (!f[1].val)
		return fail(ld, p, "missing \"ipv4 prefix\"");
	path_key(pk, p, "ipv6 prefix");
	if (get_prefix6(ld, pk, f[0].val, &p6))
		return -1;
	path_key(pk, p, "ipv4 prefix");
	if (get_prefix4(ld, pk, f[1].val, &p4))
		return -1;
	if (eamt_add(t, &p6, &p4, &why) != 0)
		return fail(ld, p, "%s", why);
	return 0;
}

/* One denylist4 prefix, appended to x (duplicates and a full list refused). */
static int parse_denylist4_entry(struct ld *ld, const char *p, const json_t *j, struct xlat_config *x)
{
	struct prefix4 d;
	char b1[SHOW_LEN];

	if (get_prefix4(ld, p, j, &d))
		return -1;
	for (unsigned k = 0; k < x->n_denylist4; k++)
		if (x->denylist4[k].addr == d.addr && x->denylist4[k].len == d.len)
			return fail(ld, p, "'%s' is listed twice", show(json_string_value(j), b1));
	if (x->n_denylist4 >= XLAT_MAX_DENYLIST4)
		return fail(ld, p, "denylist4 is full (%d prefixes); remove one first", XLAT_MAX_DENYLIST4);
	x->denylist4[x->n_denylist4++] = d;
	return 0;
}

static int parse_eamt(struct ld *ld, json_t *j)
{
	char p[PATH_LEN];

	if (get_array(ld, "eamt", j, EAMT_MAX, "entries"))
		return -1;
	for (size_t i = 0; i < json_array_size(j); i++) {
		path_idx(p, "eamt", i);
		if (parse_eamt_entry(ld, p, json_array_get(j, i), &ld->cfg->xlat.eamt))
			return -1;
	}
	return 0;
}

static int parse_denylist4(struct ld *ld, const char *name, json_t *j)
{
	char p[PATH_LEN];

	if (get_array(ld, name, j, XLAT_MAX_DENYLIST4, "entries"))
		return -1;
	for (size_t i = 0; i < json_array_size(j); i++) {
		path_idx(p, name, i);
		if (parse_denylist4_entry(ld, p, json_array_get(j, i), &ld->cfg->xlat))
			return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------- eal */

static int parse_eal(struct ld *ld, json_t *j)
{
	struct appcfg *c = ld->cfg;
	char p[PATH_LEN];

	if (get_array(ld, "eal", j, APPCFG_MAX_EAL_ARGS, "arguments"))
		return -1;
	for (size_t i = 0; i < json_array_size(j); i++) {
		const char *s = "";

		path_idx(p, "eal", i);
		if (get_string(ld, p, json_array_get(j, i), &s))
			return -1;
		if (!*s)
			return fail(ld, p, "an EAL argument can not be empty");
		c->eal_args[c->n_eal_args] = strdup(s);
		if (!c->eal_args[c->n_eal_args])
			return fail(ld, p, "out of memory");
		c->n_eal_args++;
	}
	return 0;
}

/* ------------------------------------------------------------------ ports */

static bool valid_port_name(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-' && *s != '.')
			return false;
	return true;
}

/* The port (index) that already has this address, or -1. Ports up to and including nports are searched. */
static int addr_owner(const struct appcfg *c, unsigned nports, int family, const uint8_t *a)
{
	for (unsigned i = 0; i <= nports && i < APPCFG_MAX_PORTS; i++)
		for (unsigned k = 0; k < c->ports[i].n_addrs; k++)
			if (c->ports[i].addrs[k].family == family && memcmp(c->ports[i].addrs[k].addr, a, 16) == 0)
				return (int)i;
	return -1;
}

static int parse_neighbor(struct ld *ld, const char *path, json_t *j, struct appcfg_port *pt)
{
	struct field f[] = { { "address", NULL }, { "mac", NULL } };
	struct appcfg_neigh *n = &pt->neigh[pt->n_neigh];
	char p[PATH_LEN], a[INET6_ADDRSTRLEN];
	const char *why;

	if (take_fields(ld, j, path, f, 2))
		return -1;
	if (!f[0].val)
		return fail(ld, path, "missing \"address\"");
	if (!f[1].val)
		return fail(ld, path, "missing \"mac\"");
	path_key(p, path, "address");
	if (get_addr(ld, p, f[0].val, &n->family, n->addr))
		return -1;
	why = bad_unicast(n->family, n->addr);
	inet_ntop(n->family == 6 ? AF_INET6 : AF_INET, n->addr, a, sizeof(a));
	if (why)
		return fail(ld, p, "%s is %s, not usable as a neighbour", a, why);
	for (unsigned k = 0; k < pt->n_neigh; k++)
		if (pt->neigh[k].family == n->family && memcmp(pt->neigh[k].addr, n->addr, 16) == 0)
			return fail(ld, p, "%s is listed twice", a);
	path_key(p, path, "mac");
	if (get_mac(ld, p, f[1].val, n->mac))
		return -1;
	pt->n_neigh++;
	return 0;
}

enum { PF_NAME, PF_DEVICE, PF_MTU, PF_MAC, PF_ADDRESSES, PF_NEIGHBORS, PF_PARENT, PF_VLAN, PF_N };

/*
 * A VLAN sub-interface: "parent" names a port listed before it that has a
 * device of its own, "vlan" is its 802.1Q id (once per parent). It has the
 * parent's MAC, and its MTU (default: the parent's) fits in the parent's.
 */
static int parse_vlan_of(struct ld *ld, const char *path, struct field *f, struct appcfg_port *pt)
{
	struct appcfg *c = ld->cfg;
	char p[PATH_LEN], b1[SHOW_LEN];
	const char *s = "";
	uint64_t u;
	unsigned i;

	if (f[PF_DEVICE].val)
		return fail(ld, path, "a VLAN sub-interface (\"parent\") has no \"device\": its parent's carries it");
	if (f[PF_MAC].val)
		return fail(ld, path, "a VLAN sub-interface speaks with its parent's MAC: no \"mac\"");
	path_key(p, path, "parent");
	if (get_string(ld, p, f[PF_PARENT].val, &s))
		return -1;
	for (i = 0; i < c->n_ports && strcmp(c->ports[i].name, s) != 0; i++)
		;
	if (i == c->n_ports)
		return fail(ld, p, "no port named '%s' before this one", show(s, b1));
	if (c->ports[i].is_vlan)
		return fail(ld, p, "'%s' is itself a VLAN sub-interface (no VLAN stacking)", show(s, b1));
	if (!f[PF_VLAN].val)
		return fail(ld, path, "missing \"vlan\" (the 802.1Q VLAN id, 1-4094)");
	path_key(p, path, "vlan");
	if (get_uint(ld, p, f[PF_VLAN].val, 1, 4094, &u))
		return -1;
	for (unsigned k = 0; k < c->n_ports; k++)
		if (c->ports[k].is_vlan && c->ports[k].parent == i && c->ports[k].vlan == u)
			return fail(ld, p, "VLAN %u of '%s' is already port '%s'", (unsigned)u, c->ports[i].name,
				    c->ports[k].name);
	pt->is_vlan = true;
	pt->parent = i;
	pt->vlan = (uint16_t)u;
	pt->mtu = c->ports[i].mtu;
	return 0;
}

static int parse_port(struct ld *ld, const char *path, json_t *j)
{
	struct appcfg *c = ld->cfg;
	struct appcfg_port *pt = &c->ports[c->n_ports];
	struct field f[PF_N] = { { "name", NULL },    { "device", NULL },    { "mtu", NULL },
				 { "mac", NULL },     { "addresses", NULL }, { "neighbors", NULL },
				 { "parent", NULL },  { "vlan", NULL } };
	char p[PATH_LEN], pi[PATH_LEN], b1[SHOW_LEN];
	const char *s = "";
	uint64_t u;
	bool has6 = false;

	memset(pt, 0, sizeof(*pt));
	pt->mtu = APPCFG_DEFAULT_MTU;
	if (take_fields(ld, j, path, f, PF_N))
		return -1;

	if (!f[PF_NAME].val)
		return fail(ld, path, "missing \"name\"");
	path_key(p, path, "name");
	if (get_string(ld, p, f[PF_NAME].val, &s))
		return -1;
	if (!valid_port_name(s))
		return fail(ld, p, "'%s' is not a valid port name (letters, digits, '_', '-', '.')", show(s, b1));
	if (copy_string(ld, p, s, pt->name, sizeof(pt->name)))
		return -1;
	for (unsigned i = 0; i < c->n_ports; i++)
		if (strcmp(c->ports[i].name, pt->name) == 0)
			return fail(ld, p, "'%s' is already the name of ports[%u]", pt->name, i);

	if (f[PF_PARENT].val) {
		if (parse_vlan_of(ld, path, f, pt))
			return -1;
		goto addresses;
	}
	if (f[PF_VLAN].val)
		return fail(ld, path, "\"vlan\" without \"parent\": name the port that carries the VLAN");
	if (!f[PF_DEVICE].val)
		return fail(ld, path, "missing \"device\" (or \"parent\" and \"vlan\" for a VLAN sub-interface)");
	path_key(p, path, "device");
	if (get_string(ld, p, f[PF_DEVICE].val, &s))
		return -1;
	if (!*s)
		return fail(ld, p, "the device can not be empty");
	if (copy_string(ld, p, s, pt->device, sizeof(pt->device)))
		return -1;
	for (unsigned i = 0; i < c->n_ports; i++) {
		const char *o = c->ports[i].device;
		size_t n1 = strcspn(o, ","), n2 = strcspn(pt->device, ",");

		if (strcmp(o, pt->device) == 0)
			return fail(ld, p, "'%s' is already the device of port '%s'", show(s, b1), c->ports[i].name);
		/* Virtual devices are named by what precedes the first comma; EAL wants each name once. */
		if (strncmp(pt->device, "net_", 4) == 0 && n1 == n2 && strncmp(o, pt->device, n1) == 0)
			return fail(ld, p, "virtual device '%.*s' is already used by port '%s' (number them: net_pcap0, "
					   "net_pcap1, ...)",
				    (int)(n2 > 64 ? 64 : n2), pt->device, c->ports[i].name);
	}

	if (f[PF_MAC].val) {
		path_key(p, path, "mac");
		if (get_mac(ld, p, f[PF_MAC].val, pt->mac))
			return -1;
		pt->mac_set = true;
	}

addresses:
	if (f[PF_ADDRESSES].val) {
		json_t *a = f[PF_ADDRESSES].val;

		path_key(p, path, "addresses");
		if (get_array(ld, p, a, APPCFG_MAX_ADDRS, "addresses"))
			return -1;
		for (size_t i = 0; i < json_array_size(a); i++) {
			struct appcfg_addr *ad = &pt->addrs[pt->n_addrs];
			char txt[INET6_ADDRSTRLEN];
			int owner;

			path_idx(pi, p, i);
			if (get_ifaddr(ld, pi, json_array_get(a, i), ad))
				return -1;
			owner = addr_owner(c, c->n_ports, ad->family, ad->addr);
			inet_ntop(ad->family == 6 ? AF_INET6 : AF_INET, ad->addr, txt, sizeof(txt));
			if (owner >= 0)
				return fail(ld, pi, "%s is already an address of port '%s'", txt, c->ports[owner].name);
			if (ad->family == 6)
				has6 = true;
			pt->n_addrs++;
		}
	}

	if (f[PF_MTU].val) {
		path_key(p, path, "mtu");
		if (get_uint(ld, p, f[PF_MTU].val, 68, 9000, &u))
			return -1;
		pt->mtu = (uint16_t)u;
		if (pt->is_vlan && pt->mtu > c->ports[pt->parent].mtu)
			return fail(ld, p, "%u is above the MTU of its parent '%s' (%u)", pt->mtu, c->ports[pt->parent].name,
				    c->ports[pt->parent].mtu);
	}
	if (has6 && pt->mtu < 1280) {
		path_key(p, path, "mtu");
		return fail(ld, p, "%u is below 1280, the IPv6 minimum (RFC 8200 5), and the port has IPv6 addresses",
			    pt->mtu);
	}

	if (f[PF_NEIGHBORS].val) {
		json_t *a = f[PF_NEIGHBORS].val;

		path_key(p, path, "neighbors");
		if (get_array(ld, p, a, APPCFG_MAX_NEIGH, "neighbours"))
			return -1;
		for (size_t i = 0; i < json_array_size(a); i++) {
			path_idx(pi, p, i);
			if (parse_neighbor(ld, pi, json_array_get(a, i), pt))
				return -1;
		}
	}
	c->n_ports++;
	return 0;
}

static int parse_ports(struct ld *ld, json_t *j)
{
	char p[PATH_LEN];

	if (get_array(ld, "ports", j, APPCFG_MAX_PORTS, "ports"))
		return -1;
	for (size_t i = 0; i < json_array_size(j); i++) {
		path_idx(p, "ports", i);
		if (parse_port(ld, p, json_array_get(j, i)))
			return -1;
	}
	return 0;
}

/* ----------------------------------------------------------------- routes */

static int parse_route(struct ld *ld, const char *path, json_t *j)
{
	struct appcfg *c = ld->cfg;
	struct appcfg_route *r = &c->routes[c->n_routes];
	struct field f[] = { { "prefix", NULL }, { "via", NULL }, { "port", NULL } };
	char p[PATH_LEN], b1[SHOW_LEN], txt[PFX_LEN];
	const char *s = "";
	unsigned i;

	memset(r, 0, sizeof(*r));
	if (take_fields(ld, j, path, f, 3))
		return -1;
	if (!f[0].val)
		return fail(ld, path, "missing \"prefix\"");
	if (!f[2].val)
		return fail(ld, path, "missing \"port\"");

	path_key(p, path, "prefix");
	if (get_string(ld, p, f[0].val, &s))
		return -1;
	if (looks_v6(s)) {
		struct prefix6 p6;
		if (get_prefix6(ld, p, f[0].val, &p6))
			return -1;
		r->family = 6;
		memcpy(r->prefix, p6.addr, 16);
		r->plen = p6.len;
	} else {
		struct prefix4 p4;
		if (get_prefix4(ld, p, f[0].val, &p4))
			return -1;
		r->family = 4;
		memcpy(r->prefix, &p4.addr, 4);
		r->plen = p4.len;
	}
	for (i = 0; i < c->n_routes; i++)
		if (c->routes[i].family == r->family && c->routes[i].plen == r->plen &&
		    memcmp(c->routes[i].prefix, r->prefix, 16) == 0) {
			format_prefix(r->family, r->prefix, r->plen, txt);
			return fail(ld, p, "%s is already the prefix of routes[%u]", txt, i);
		}

	if (f[1].val) {
		int fam;
		const char *why;

		path_key(p, path, "via");
		if (get_addr(ld, p, f[1].val, &fam, r->via))
			return -1;
		if (fam != r->family)
			return fail(ld, p, "'%s' is IPv%d but the prefix is IPv%d", show(json_string_value(f[1].val), b1),
				    fam, r->family);
		why = bad_unicast(fam, r->via);
		if (why)
			return fail(ld, p, "'%s' is %s, not usable as a next hop", show(json_string_value(f[1].val), b1),
				    why);
		r->via_set = true;
	}

	path_key(p, path, "port");
	if (get_string(ld, p, f[2].val, &s))
		return -1;
	for (i = 0; i < c->n_ports; i++)
		if (strcmp(c->ports[i].name, s) == 0)
			break;
	if (i == c->n_ports)
		return fail(ld, p, "no port named '%s'", show(s, b1));
	r->port = i;
	c->n_routes++;
	return 0;
}

static int parse_routes(struct ld *ld, json_t *j)
{
	char p[PATH_LEN];

	if (get_array(ld, "routes", j, APPCFG_MAX_ROUTES, "routes"))
		return -1;
	for (size_t i = 0; i < json_array_size(j); i++) {
		path_idx(p, "routes", i);
		if (parse_route(ld, p, json_array_get(j, i)))
			return -1;
	}
	return 0;
}

/* ------------------------------------------------------- control, dataplane */

static int parse_control(struct ld *ld, json_t *j)
{
	struct field f[] = { { "socket", NULL } };
	const char *s = "";
	size_t max = sizeof(((struct sockaddr_un *)0)->sun_path) - 1;

	if (take_fields(ld, j, "control", f, 1))
		return -1;
	if (!f[0].val)
		return 0;
	if (json_is_null(f[0].val)) {
		ld->cfg->control_socket[0] = '\0';
		return 0;
	}
	if (get_string(ld, "control.socket", f[0].val, &s))
		return -1;
	if (strlen(s) > max)
		return fail(ld, "control.socket", "a UNIX socket path can have at most %zu characters", max);
	return copy_string(ld, "control.socket", s, ld->cfg->control_socket, sizeof(ld->cfg->control_socket));
}

static int parse_dataplane(struct ld *ld, json_t *j)
{
	struct field f[] = { { "mbufs-per-port", NULL }, { "idle-sleep-us", NULL }, { "exception-path", NULL },
			     { "exception-pps", NULL } };
	uint64_t u;

	if (take_fields(ld, j, "dataplane", f, 4))
		return -1;
	if (f[2].val && get_bool(ld, "dataplane.exception-path", f[2].val, &ld->cfg->exception_path))
		return -1;
	if (f[3].val) {
		if (get_uint(ld, "dataplane.exception-pps", f[3].val, 0, 100000000, &u))
			return -1;
		ld->cfg->exception_pps = (uint32_t)u;
	}
	if (f[0].val) {
		if (get_uint(ld, "dataplane.mbufs-per-port", f[0].val, 1023, 16777215, &u))
			return -1;
		ld->cfg->mbufs_per_port = (uint32_t)u;
	}
	if (f[1].val) {
		if (get_uint(ld, "dataplane.idle-sleep-us", f[1].val, 0, 1000000, &u))
			return -1;
		ld->cfg->idle_sleep_us = (uint32_t)u;
	}
	return 0;
}

/* ------------------------------------------------------------- top level */

enum {
	TF_MODE,
	TF_INSTANCE,
	TF_FRAMEWORK,
	TF_GLOBAL,
	TF_EAMT,
	TF_DENYLIST4,
	TF_BLACKLIST4,
	TF_POOL4,
	TF_BIB,
	TF_EAL,
	TF_PORTS,
	TF_ROUTES,
	TF_CONTROL,
	TF_DATAPLANE,
	TF_CGN,
	TF_N
};

/* Does the file hold something only a SIIT has (non-empty EAMT or denylist4, a SIIT-only option)? */
static bool siit_only(const json_t *eamt, const json_t *deny, const json_t *black, const json_t *global)
{
	const char *key;
	json_t *val;

	if (json_array_size(eamt) || json_array_size(deny) || json_array_size(black))
		return true;
	json_object_foreach((json_t *)global, key, val) {
		int i = appcfg_global_find(key);

		(void)val;
		if (i >= 0 && gopts[i].scope == GS_SIIT)
			return true;
	}
	return false;
}

static int parse_top(struct ld *ld, json_t *root)
{
	struct field f[TF_N] = {
		[TF_MODE] = { "mode", NULL },		[TF_INSTANCE] = { "instance", NULL },
		[TF_FRAMEWORK] = { "framework", NULL }, [TF_GLOBAL] = { "global", NULL },
		[TF_EAMT] = { "eamt", NULL },		[TF_DENYLIST4] = { "denylist4", NULL },
		[TF_BLACKLIST4] = { "blacklist4", NULL }, [TF_POOL4] = { "pool4", NULL },
		[TF_BIB] = { "bib", NULL },		[TF_EAL] = { "eal", NULL },
		[TF_PORTS] = { "ports", NULL },		[TF_ROUTES] = { "routes", NULL },
		[TF_CONTROL] = { "control", NULL },	[TF_DATAPLANE] = { "dataplane", NULL },
		[TF_CGN] = { "cgn", NULL },
	};
	struct appcfg *c = ld->cfg;
	enum xlat_mode mode;
	const char *s = "";
	char b1[SHOW_LEN];

	if (!json_is_object(root))
		return fail(ld, NULL, "the top level must be a JSON object, got %s", jtype(root));
	if (take_fields(ld, root, NULL, f, TF_N))
		return -1;
	if (parse_mode(ld, f[TF_MODE].val, &mode))
		return -1;
	xlat_config_init(&c->xlat, mode);

	if (f[TF_INSTANCE].val) {
		if (get_string(ld, "instance", f[TF_INSTANCE].val, &s))
			return -1;
		/* Jool: INAME_MAX_SIZE 16, including the NUL. */
		if (!*s || strlen(s) > 15)
			return fail(ld, "instance", "'%s' must be 1 to 15 characters", show(s, b1));
	}
	if (f[TF_FRAMEWORK].val) {
		if (get_string(ld, "framework", f[TF_FRAMEWORK].val, &s))
			return -1;
		if (strcasecmp(s, "netfilter") != 0 && strcasecmp(s, "iptables") != 0)
			return fail(ld, "framework", "'%s' is not one of \"netfilter\", \"iptables\"", show(s, b1));
	}
	ld->mode_given = f[TF_MODE].val != NULL;
	if (mode == XLAT_MODE_SIIT && f[TF_POOL4].val)
		return fail(ld, "pool4", "pool4 is a NAT64 setting; this file's mode is siit%s",
			    ld->mode_given ? "" : NO_MODE_HINT);
	if (mode == XLAT_MODE_SIIT && f[TF_BIB].val)
		return fail(ld, "bib", "bib is a NAT64 setting; this file's mode is siit%s",
			    ld->mode_given ? "" : NO_MODE_HINT);
	if (mode == XLAT_MODE_NAT64 && f[TF_EAMT].val && !(json_is_array(f[TF_EAMT].val) && json_array_size(f[TF_EAMT].val) == 0))
		return fail(ld, "eamt", "eamt is a SIIT setting; this file's mode is nat64");
	if (f[TF_DENYLIST4].val && f[TF_BLACKLIST4].val)
		return fail(ld, NULL, "both \"denylist4\" and \"blacklist4\" are given; blacklist4 is the old name "
				      "of denylist4, keep one");

	if (f[TF_GLOBAL].val && parse_global(ld, f[TF_GLOBAL].val))
		return -1;
	if (f[TF_EAMT].val && parse_eamt(ld, f[TF_EAMT].val))
		return -1;
	if (f[TF_POOL4].val && parse_pool4(ld, f[TF_POOL4].val))
		return -1;
	if (f[TF_BIB].val && parse_bib(ld, f[TF_BIB].val))
		return -1;
	if (f[TF_DENYLIST4].val && parse_denylist4(ld, "denylist4", f[TF_DENYLIST4].val))
		return -1;
	if (f[TF_BLACKLIST4].val && parse_denylist4(ld, "blacklist4", f[TF_BLACKLIST4].val))
		return -1;
	if (f[TF_EAL].val && parse_eal(ld, f[TF_EAL].val))
		return -1;
	if (f[TF_PORTS].val && parse_ports(ld, f[TF_PORTS].val))
		return -1;
	if (f[TF_ROUTES].val && parse_routes(ld, f[TF_ROUTES].val))
		return -1;
	if (f[TF_CONTROL].val && parse_control(ld, f[TF_CONTROL].val))
		return -1;
	if (f[TF_DATAPLANE].val && parse_dataplane(ld, f[TF_DATAPLANE].val))
		return -1;
	if (f[TF_CGN].val && parse_cgn(ld, f[TF_CGN].val))
		return -1;
	if (mode == XLAT_MODE_NAT64 && (nat64_finish(ld) || bib_check(ld)))
		return -1;
	if (c->xlat.cgn.enabled && cgn_check(ld, "cgn", &c->xlat))
		return -1;
	/*
	 * No mode and nothing only a SIIT has (EAMT, denylist4, SIIT options):
	 * Jool's NAT64 files look like this (docs/en/config-atomic.md's minimal
	 * one), so say which translator this is, and how a NAT64 file loads.
	 */
	if (!ld->mode_given && !siit_only(f[TF_EAMT].val, f[TF_DENYLIST4].val, f[TF_BLACKLIST4].val, f[TF_GLOBAL].val))
		note(ld, NULL, "no \"mode\": loaded as SIIT, the default. A file written for Jool's NAT64 (the jool "
			       "command, not jool_siit) needs \"mode\": \"nat64\" added");
	return 0;
}

/* --------------------------------------------------------- repeated keys */

/*
 * A key repeated in one object is valid JSON (RFC 8259 4: names SHOULD be
 * unique), and Jool's files repeat "comment": its parser skips every
 * "comment" member before its own "Multiple '%s' tags" check, and its
 * documentation allows any number of them in every object (config-atomic.md).
 * jansson offers to keep the last of a repeated key (hiding a mistake such as
 * pool6 given twice) or to refuse the whole text as invalid JSON
 * (JSON_REJECT_DUPLICATES). Neither fits, so the text jansson accepted is
 * walked once more: "comment" may repeat and what a comment holds is not
 * looked at; any other key given twice in one object is refused, with the
 * object's path. jansson has checked the syntax, so the walk only follows it.
 */
struct scan_frame {
	bool obj;        /* an object; else an array */
	bool quiet;      /* inside a comment's value: not checked */
	bool want_key;   /* object: the next string is a key */
	bool comment;    /* object: the current member is a comment */
	size_t index;    /* array: the current element */
	const char *key; /* object: the current member's key token, quotes included */
	size_t key_len;
	json_t *seen;    /* object: its keys so far, as a set */
};

/* A key token ("...", escapes and all) as text: malloc'd, NULL when out of memory. */
static char *key_text(const char *tok, size_t len)
{
	json_t *j;
	char *s;

	if (!memchr(tok, '\\', len)) {
		s = malloc(len - 1);
		if (s) {
			memcpy(s, tok + 1, len - 2);
			s[len - 2] = '\0';
		}
		return s;
	}
	j = json_loadb(tok, len, JSON_DECODE_ANY, NULL);
	s = j && json_is_string(j) ? strdup(json_string_value(j)) : NULL;
	json_decref(j);
	return s;
}

/* The path of frames[0..n-1]'s current members, as the loader writes paths ("ports[1].neighbors[0]"). */
static void scan_path(const struct scan_frame *f, size_t n, char out[PATH_LEN])
{
	char tmp[PATH_LEN];

	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (f[i].obj) {
			char *k = key_text(f[i].key, f[i].key_len);

			path_key(tmp, out, k ? k : "?");
			free(k);
		} else {
			path_idx(tmp, out, f[i].index);
		}
		memcpy(out, tmp, PATH_LEN);
	}
}

static int scan_repeated_keys(struct ld *ld, const char *s, size_t len)
{
	struct scan_frame *f = NULL;
	size_t depth = 0, cap = 0, i = 0;
	int rc = 0;

	while (i < len && rc == 0) {
		struct scan_frame *top = depth ? &f[depth - 1] : NULL;
		char c = s[i];

		if (c == '{' || c == '[') {
			if (depth == cap) {
				size_t ncap = cap ? cap * 2 : 16;
				struct scan_frame *nf = realloc(f, ncap * sizeof(*f));

				if (!nf) {
					rc = fail(ld, NULL, "out of memory");
					break;
				}
				f = nf;
				cap = ncap;
			}
			f[depth] = (struct scan_frame){ .obj = c == '{', .want_key = c == '{',
							 .quiet = top && (top->quiet || (top->obj && top->comment)) };
			depth++;
			i++;
		} else if (c == '}' || c == ']') {
			if (depth) {
				json_decref(f[depth - 1].seen);
				depth--;
			}
			i++;
		} else if (c == ',') {
			if (top && top->obj)
				top->want_key = true;
			else if (top)
				top->index++;
			i++;
		} else if (c == '"') {
			size_t start = i++;

			while (i < len && s[i] != '"')
				i += s[i] == '\\' ? 2 : 1;
			i++; /* the closing quote */
			if (i > len)
				break; /* cannot happen: jansson parsed it */
			if (!top || !top->obj || !top->want_key)
				continue; /* a value */
			top->want_key = false;
			top->key = s + start;
			top->key_len = i - start;
			char *k = key_text(top->key, top->key_len);
			if (!k) {
				rc = fail(ld, NULL, "out of memory");
				break;
			}
			top->comment = strcasecmp(k, "comment") == 0;
			if (!top->quiet && !top->comment) {
				char path[PATH_LEN], b1[SHOW_LEN];

				if (!top->seen)
					top->seen = json_object();
				if (!top->seen) {
					rc = fail(ld, NULL, "out of memory");
				} else if (json_object_get(top->seen, k)) {
					scan_path(f, depth - 1, path);
					if (depth == 1)
						rc = fail(ld, NULL, "key '%s' appears twice at top level", show(k, b1));
					else
						rc = fail(ld, path, "key '%s' appears twice", show(k, b1));
				} else if (json_object_set_new(top->seen, k, json_true()) != 0) {
					rc = fail(ld, NULL, "out of memory");
				}
			}
			free(k);
		} else {
			i++; /* whitespace, ':', numbers, true/false/null */
		}
	}
	while (depth)
		json_decref(f[--depth].seen);
	free(f);
	return rc;
}

static void appcfg_defaults(struct appcfg *c)
{
	memset(c, 0, sizeof(*c));
	xlat_config_init(&c->xlat, XLAT_MODE_SIIT);
	snprintf(c->control_socket, sizeof(c->control_socket), "%s", APPCFG_DEFAULT_SOCKET);
	c->mbufs_per_port = APPCFG_DEFAULT_MBUFS;
	c->idle_sleep_us = 0;
	c->exception_path = true;
	c->exception_pps = APPCFG_DEFAULT_EXCEPTION_PPS;
}

void appcfg_free(struct appcfg *cfg)
{
	if (!cfg)
		return;
	for (unsigned i = 0; i < cfg->n_eal_args && i < APPCFG_MAX_EAL_ARGS; i++) {
		free(cfg->eal_args[i]);
		cfg->eal_args[i] = NULL;
	}
	cfg->n_eal_args = 0;
}

static int load_string(const char *json, size_t len, const char *origin, struct appcfg *out, char *err,
		       size_t errlen, char *notes, size_t noteslen)
{
	struct ld ld = { origin, err, errlen, out, notes, noteslen, false };
	json_error_t jerr;
	json_t *root;
	int rc;

	if (err && errlen)
		err[0] = '\0';
	if (notes && noteslen)
		notes[0] = '\0';
	appcfg_defaults(out);
	if (!json)
		return fail(&ld, NULL, "no configuration text");
	/* Repeated keys are valid JSON: scan_repeated_keys() judges them, not the parser. */
	root = json_loadb(json, len, 0, &jerr);
	if (!root) {
		if (jerr.line > 0)
			return fail(&ld, NULL, "line %d, column %d: invalid JSON: %s", jerr.line, jerr.column,
				    jerr.text);
		return fail(&ld, NULL, "invalid JSON: %s", jerr.text);
	}
	rc = scan_repeated_keys(&ld, json, len);
	if (rc == 0)
		rc = parse_top(&ld, root);
	json_decref(root);
	if (rc) {
		appcfg_free(out);
		appcfg_defaults(out);
		if (notes && noteslen)
			notes[0] = '\0'; /* a refused file has its error, not notes */
	}
	return rc;
}

int appcfg_load_string(const char *json, size_t len, const char *origin, struct appcfg *out, char *err,
		       size_t errlen)
{
	return load_string(json, len, origin, out, err, errlen, NULL, 0);
}

int appcfg_load_file(const char *path, struct appcfg *out, char *err, size_t errlen)
{
	return appcfg_load_file_noted(path, out, err, errlen, NULL, 0);
}

int appcfg_load_file_noted(const char *path, struct appcfg *out, char *err, size_t errlen, char *notes,
			   size_t noteslen)
{
	struct ld ld = { path, err, errlen, out, NULL, 0, false };
	FILE *f;
	char *buf = NULL;
	size_t len = 0, cap = 0;
	int rc;

	if (err && errlen)
		err[0] = '\0';
	appcfg_defaults(out);
	f = fopen(path, "r");
	if (!f)
		return fail(&ld, NULL, "cannot open: %s", strerror(errno));
	for (;;) {
		size_t n;

		if (len == cap) {
			char *nb;

			if (cap >= APPCFG_MAX_FILE_SIZE) {
				free(buf);
				fclose(f);
				return fail(&ld, NULL, "larger than %u bytes", APPCFG_MAX_FILE_SIZE);
			}
			cap = cap ? cap * 2 : 16384;
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				fclose(f);
				return fail(&ld, NULL, "out of memory");
			}
			buf = nb;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (n == 0) {
			if (ferror(f)) {
				int e = errno;
				free(buf);
				fclose(f);
				return fail(&ld, NULL, "read error: %s", strerror(e));
			}
			break;
		}
	}
	fclose(f);
	rc = load_string(buf ? buf : "", len, path, out, err, errlen, notes, noteslen);
	free(buf);
	return rc;
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
	struct ld ld = { .err = err, .errlen = errlen };

	if (err && errlen)
		err[0] = '\0';
	return parse_global_into(&ld, (json_t *)(uintptr_t)obj, path ? path : "global", g);
}

int appcfg_eamt_parse_entry(const json_t *entry, const char *path, struct eamt *t, char *err, size_t errlen)
{
	struct ld ld = { .err = err, .errlen = errlen };

	if (err && errlen)
		err[0] = '\0';
	return parse_eamt_entry(&ld, path ? path : "eamt", (json_t *)(uintptr_t)entry, t);
}

int appcfg_denylist4_parse_entry(const json_t *prefix, const char *path, struct xlat_config *x, char *err,
				 size_t errlen)
{
	struct ld ld = { .err = err, .errlen = errlen };

	if (err && errlen)
		err[0] = '\0';
	return parse_denylist4_entry(&ld, path ? path : "denylist4", prefix, x);
}

int appcfg_pool4_parse_entry(const json_t *entry, const char *path, struct xlat_config *x, char *err, size_t errlen)
{
	struct ld ld = { .err = err, .errlen = errlen };

	if (err && errlen)
		err[0] = '\0';
	return parse_pool4_entry(&ld, (json_t *)(uintptr_t)entry, path ? path : "pool4", x);
}

int appcfg_bib_parse_entry(const json_t *entry, const char *path, struct xlat_config *x, char *err, size_t errlen)
{
	struct ld ld = { .err = err, .errlen = errlen };

	if (err && errlen)
		err[0] = '\0';
	return parse_bib_entry(&ld, (json_t *)(uintptr_t)entry, path ? path : "bib", x, true);
}

int appcfg_cgn_parse(const json_t *obj, const char *path, struct xlat_config *x, bool structural, char *err,
		     size_t errlen)
{
	struct ld ld = { .origin = NULL, .err = err, .errlen = errlen, .cfg = NULL };
	const char *p = path ? path : "cgn";

	if (parse_cgn_into(&ld, (json_t *)(uintptr_t)obj, p, x, structural))
		return -1;
	return cgn_check(&ld, p, x);
}

int appcfg_prefix6_parse(const json_t *j, const char *path, struct prefix6 *p, char *err, size_t errlen)
{
	struct ld ld = { .err = err, .errlen = errlen };

	if (err && errlen)
		err[0] = '\0';
	return get_prefix6(&ld, path, j, p);
}

int appcfg_prefix4_parse(const json_t *j, const char *path, struct prefix4 *p, char *err, size_t errlen)
{
	struct ld ld = { .err = err, .errlen = errlen };

	if (err && errlen)
		err[0] = '\0';
	return get_prefix4(&ld, path, j, p);
}

json_t *appcfg_prefix6_json(const struct prefix6 *p)
{
	char s[PFX_LEN];

	format_prefix(6, p->addr, p->len, s);
	return json_string(s);
}

json_t *appcfg_prefix4_json(const struct prefix4 *p)
{
	char s[PFX_LEN];

	format_prefix(4, &p->addr, p->len, s);
	return json_string(s);
}

static json_t *addr_json(int family, const uint8_t *a)
{
	char s[INET6_ADDRSTRLEN] = "?";

	inet_ntop(family == 6 ? AF_INET6 : AF_INET, a, s, sizeof(s));
	return json_string(s);
}

static json_t *mac_json(const uint8_t m[6])
{
	char s[18];

	snprintf(s, sizeof(s), "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
	return json_string(s);
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

json_t *appcfg_eamt_json(const struct eamt *t)
{
	json_t *a = json_array();

	for (unsigned i = 0; a && i < t->n && i < EAMT_MAX; i++)
		json_array_append_new(a, json_pack("{s:o, s:o}", "ipv6 prefix", appcfg_prefix6_json(&t->by6[i].p6),
						   "ipv4 prefix", appcfg_prefix4_json(&t->by6[i].p4)));
	return a;
}

json_t *appcfg_denylist4_json(const struct xlat_config *x)
{
	json_t *a = json_array();

	for (unsigned i = 0; a && i < x->n_denylist4 && i < XLAT_MAX_DENYLIST4; i++)
		json_array_append_new(a, appcfg_prefix4_json(&x->denylist4[i]));
	return a;
}

json_t *appcfg_pool4_json(const struct xlat_config *x)
{
	json_t *a = json_array();

	for (unsigned i = 0; a && i < x->n_pool4 && i < POOL4_MAX; i++) {
		const struct pool4_entry *e = &x->pool4[i];
		struct prefix4 p = { e->addr, e->plen };
		char range[16];

		snprintf(range, sizeof(range), "%u-%u", e->port_min, e->port_max);
		json_array_append_new(a, json_pack("{s:I, s:s, s:o, s:s, s:o}", "mark", (json_int_t)e->mark, "protocol",
						   proto_name(e->proto), "prefix", appcfg_prefix4_json(&p), "port range",
						   range, "max-iterations",
						   e->max_iterations ? json_integer(e->max_iterations) : json_string("auto")));
	}
	return a;
}

static json_t *taddr_json(int family, const void *addr, uint16_t port)
{
	char a[INET6_ADDRSTRLEN] = "?", s[INET6_ADDRSTRLEN + 8];

	inet_ntop(family == 6 ? AF_INET6 : AF_INET, addr, a, sizeof(a));
	snprintf(s, sizeof(s), "%s#%u", a, port);
	return json_string(s);
}

json_t *appcfg_bib_json(const struct xlat_config *x)
{
	json_t *a = json_array();

	for (unsigned i = 0; a && i < x->n_bib && i < BIB_STATIC_MAX; i++) {
		const struct bib_static *b = &x->bib[i];

		json_array_append_new(a, json_pack("{s:s, s:o, s:o}", "protocol", proto_name(b->proto), "ipv6 address",
						   taddr_json(6, b->addr6, b->port6), "ipv4 address",
						   taddr_json(4, &b->addr4, b->port4)));
	}
	return a;
}

static json_t *cgn_target_json(const struct cgn_target *t)
{
	return t->set ? taddr_json(t->family, t->addr, t->port) : json_null();
}

json_t *appcfg_cgn_json(const struct xlat_config *x)
{
	const struct cgn_config *c = &x->cgn;
	json_t *ev = json_array(), *o;
	char b[PFX_LEN], r[16];

	for (unsigned k = 0; ev && k < 4; k++)
		if (c->log_events & (1u << k))
			json_array_append_new(ev, json_string(cgn_event_names[k]));
	o = json_pack("{s:i, s:I, s:{s:I, s:I, s:I}, s:o, s:o, s:{s:o, s:o, s:o, s:I, s:I}}", "subscriber-prefix-length",
		      (int)c->subscriber_plen, "max-sessions", (json_int_t)c->max_sessions, "max-ports", "TCP",
		      (json_int_t)c->max_ports[CGN_TCP], "UDP", (json_int_t)c->max_ports[CGN_UDP], "ICMP",
		      (json_int_t)c->max_ports[CGN_ICMP], "port-blocks",
		      c->block_size ? json_pack("{s:i, s:i}", "block-size", (int)c->block_size, "max-blocks",
						(int)c->max_blocks)
				    : json_null(),
		      "deterministic", json_null(), "logging", "events", ev ? ev : json_array(), "ipfix",
		      cgn_target_json(&c->ipfix), "syslog", cgn_target_json(&c->syslog), "observation-domain",
		      (json_int_t)c->observation_domain, "template-refresh-s", (json_int_t)c->template_refresh_s);
	if (o && c->det.enabled) {
		json_t *d = json_object();
		format_prefix(6, c->det.prefix6.addr, c->det.prefix6.len, b);
		json_object_set_new(d, "ipv6 prefix", json_string(b));
		format_prefix(4, &c->det.prefix4.addr, c->det.prefix4.len, b);
		json_object_set_new(d, "ipv4 prefix", json_string(b));
		snprintf(r, sizeof(r), "%u-%u", c->det.port_min, c->det.port_max);
		json_object_set_new(d, "port range", json_string(r));
		json_object_set_new(o, "deterministic", d);
	}
	return o;
}

static json_t *port_json(const struct appcfg *c, const struct appcfg_port *pt)
{
	json_t *o = json_object(), *a = json_array(), *n = json_array();

	json_object_set_new(o, "name", json_string(pt->name));
	if (pt->is_vlan) {
		json_object_set_new(o, "parent", json_string(c->ports[pt->parent].name));
		json_object_set_new(o, "vlan", json_integer(pt->vlan));
	} else {
		json_object_set_new(o, "device", json_string(pt->device));
	}
	json_object_set_new(o, "mtu", json_integer(pt->mtu));
	if (pt->mac_set)
		json_object_set_new(o, "mac", mac_json(pt->mac));
	for (unsigned i = 0; i < pt->n_addrs && i < APPCFG_MAX_ADDRS; i++) {
		char s[PFX_LEN];

		format_prefix(pt->addrs[i].family, pt->addrs[i].addr, pt->addrs[i].plen, s);
		json_array_append_new(a, json_string(s));
	}
	json_object_set_new(o, "addresses", a);
	for (unsigned i = 0; i < pt->n_neigh && i < APPCFG_MAX_NEIGH; i++)
		json_array_append_new(n, json_pack("{s:o, s:o}", "address",
						   addr_json(pt->neigh[i].family, pt->neigh[i].addr), "mac",
						   mac_json(pt->neigh[i].mac)));
	json_object_set_new(o, "neighbors", n);
	return o;
}

json_t *appcfg_to_json(const struct appcfg *c)
{
	json_t *o = json_object(), *eal = json_array(), *ports = json_array(), *routes = json_array();

	if (!o || !eal || !ports || !routes) {
		json_decref(o);
		json_decref(eal);
		json_decref(ports);
		json_decref(routes);
		return NULL;
	}
	json_object_set_new(o, "mode", json_string(c->xlat.mode == XLAT_MODE_NAT64 ? "nat64" : "siit"));
	for (unsigned i = 0; i < c->n_eal_args && i < APPCFG_MAX_EAL_ARGS; i++)
		json_array_append_new(eal, json_string(c->eal_args[i]));
	json_object_set_new(o, "eal", eal);
	for (unsigned i = 0; i < c->n_ports && i < APPCFG_MAX_PORTS; i++)
		json_array_append_new(ports, port_json(c, &c->ports[i]));
	json_object_set_new(o, "ports", ports);
	for (unsigned i = 0; i < c->n_routes && i < APPCFG_MAX_ROUTES; i++) {
		const struct appcfg_route *r = &c->routes[i];
		json_t *ro = json_object();
		char s[PFX_LEN];

		format_prefix(r->family, r->prefix, r->plen, s);
		json_object_set_new(ro, "prefix", json_string(s));
		if (r->via_set)
			json_object_set_new(ro, "via", addr_json(r->family, r->via));
		json_object_set_new(ro, "port", json_string(r->port < c->n_ports ? c->ports[r->port].name : "?"));
		json_array_append_new(routes, ro);
	}
	json_object_set_new(o, "routes", routes);
	json_object_set_new(o, "control", json_pack("{s:o}", "socket",
						    c->control_socket[0] ? json_string(c->control_socket) : json_null()));
	json_object_set_new(o, "dataplane", json_pack("{s:I, s:I, s:b, s:I}", "mbufs-per-port",
						      (json_int_t)c->mbufs_per_port, "idle-sleep-us",
						      (json_int_t)c->idle_sleep_us, "exception-path", c->exception_path,
						      "exception-pps", (json_int_t)c->exception_pps));
	json_object_set_new(o, "global", appcfg_globals_json(&c->xlat.g));
	json_object_set_new(o, "eamt", appcfg_eamt_json(&c->xlat.eamt));
	json_object_set_new(o, "denylist4", appcfg_denylist4_json(&c->xlat));
	if (c->xlat.mode == XLAT_MODE_NAT64) { /* the loader takes them in nat64 mode only */
		json_object_set_new(o, "pool4", appcfg_pool4_json(&c->xlat));
		json_object_set_new(o, "bib", appcfg_bib_json(&c->xlat));
	}
	if (c->xlat.cgn.enabled)
		json_object_set_new(o, "cgn", appcfg_cgn_json(&c->xlat));
	return o;
}
