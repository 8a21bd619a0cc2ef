/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The "sync" section: session synchronisation's transport (doc/ha.md). What
 * is synchronised and when is the ss-* global options' (global_opts.c).
 *
 *   "sync": { "node-id": 1, "key-file": "/etc/xlat64/sync.key",
 *             "address": "192.0.2.1", "port": 6464,
 *             "peers": ["192.0.2.2"]                         (unicast, or:)
 *             "multicast": "ff02::6464", "interface": "sync0",
 *             "bulk-rate": 200000 }
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "config_internal.h"

enum { SF_NODE, SF_KEY_FILE, SF_ADDRESS, SF_PORT, SF_PEERS, SF_MULTICAST, SF_INTERFACE, SF_BULK_RATE, SF_N };

/* The key file: the key in hex (openssl rand -hex 32), 16 to 64 bytes, whitespace around it allowed. */
static int read_key(struct ld *ld, struct appcfg_sync *s)
{
	const char *p = "sync.key-file";
	char text[4 * APPCFG_SYNC_KEY_MAX];
	struct stat st;
	FILE *f = fopen(s->key_file, "r");

	if (!f)
		return cfg_fail(ld, p, "cannot open %s: %s", s->key_file, strerror(errno));
	size_t n = fread(text, 1, sizeof(text) - 1, f);
	bool more = fgetc(f) != EOF;
	if (fstat(fileno(f), &st) == 0 && (st.st_mode & 077))
		cfg_note(ld, p, "%s can be read by others than its owner: chmod 600 it (whoever has the key can "
				"forge sessions)", s->key_file);
	fclose(f);
	text[n] = '\0';
	if (more)
		return cfg_fail(ld, p, "%s is longer than a key (%u bytes in hex at most)", s->key_file,
				APPCFG_SYNC_KEY_MAX);
	char *t = text;
	while (*t == ' ' || *t == '\t' || *t == '\n' || *t == '\r')
		t++;
	size_t len = strlen(t);
	while (len && (t[len - 1] == ' ' || t[len - 1] == '\t' || t[len - 1] == '\n' || t[len - 1] == '\r'))
		t[--len] = '\0';
	if (len % 2 || len < 32 || len > 2 * APPCFG_SYNC_KEY_MAX)
		return cfg_fail(ld, p, "%s must hold 16 to %u bytes in hex (openssl rand -hex 32), not %zu characters",
				s->key_file, APPCFG_SYNC_KEY_MAX, len);
	for (size_t i = 0; i < len / 2; i++) {
		unsigned b;
		if (sscanf(t + 2 * i, "%2x", &b) != 1 || !strchr("0123456789abcdefABCDEF", t[2 * i]) ||
		    !strchr("0123456789abcdefABCDEF", t[2 * i + 1]))
			return cfg_fail(ld, p, "%s is not hexadecimal", s->key_file);
		s->key[i] = (uint8_t)b;
	}
	s->key_len = (unsigned)(len / 2);
	return 0;
}

static int parse_peer(struct ld *ld, const char *path, json_t *elem, void *arg)
{
	struct appcfg_sync *s = arg;
	int family;

	if (cfg_get_addr(ld, path, elem, &family, s->peers[s->n_peers]))
		return -1;
	if (family != s->family)
		return cfg_fail(ld, path, "an IPv%d peer for an IPv%d sync address", family, s->family);
	const char *bad = cfg_bad_unicast(family, s->peers[s->n_peers]);
	if (bad)
		return cfg_fail(ld, path, "%s cannot be a peer", bad);
	if (memcmp(s->peers[s->n_peers], s->address, 16) == 0)
		return cfg_fail(ld, path, "the box's own sync address");
	s->n_peers++;
	return 0;
}

static int parse_where(struct ld *ld, const struct field *f, struct appcfg_sync *s)
{
	const char *bad;

	if (cfg_get_addr(ld, "sync.address", f[SF_ADDRESS].val, &s->family, s->address))
		return -1;
	if ((bad = cfg_bad_unicast(s->family, s->address)))
		return cfg_fail(ld, "sync.address", "%s cannot be the sync address", bad);
	if (f[SF_PEERS].val && f[SF_MULTICAST].val)
		return cfg_fail(ld, "sync", "\"peers\" or \"multicast\", not both");
	if (!f[SF_PEERS].val && !f[SF_MULTICAST].val)
		return cfg_fail(ld, "sync", "missing \"peers\" (unicast) or \"multicast\" (a group): where to send");
	if (f[SF_PEERS].val)
		return cfg_each(ld, "sync.peers", f[SF_PEERS].val, APPCFG_MAX_SYNC_PEERS, "peers", parse_peer, s) ||
			       (s->n_peers == 0 && cfg_fail(ld, "sync.peers", "no peer"));
	int family;
	if (cfg_get_addr(ld, "sync.multicast", f[SF_MULTICAST].val, &family, s->group))
		return -1;
	if (family != s->family)
		return cfg_fail(ld, "sync.multicast", "an IPv%d group for an IPv%d sync address", family, s->family);
	if (family == 6 ? s->group[0] != 0xff : (s->group[0] & 0xf0) != 0xe0)
		return cfg_fail(ld, "sync.multicast", "not a multicast address");
	if (!f[SF_INTERFACE].val)
		return cfg_fail(ld, "sync", "missing \"interface\": the multicast group's");
	const char *ifn = "";
	if (cfg_get_string(ld, "sync.interface", f[SF_INTERFACE].val, &ifn) ||
	    cfg_copy_string(ld, "sync.interface", ifn, s->interface, IF_NAMESIZE))
		return -1;
	s->multicast = true;
	return 0;
}

int cfg_parse_sync(struct ld *ld, json_t *j)
{
	struct field f[SF_N] = {
		[SF_NODE] = KEY_REQUIRED("node-id"), [SF_KEY_FILE] = KEY_REQUIRED("key-file"),
		[SF_ADDRESS] = KEY_REQUIRED("address"), [SF_PORT] = KEY("port"), [SF_PEERS] = KEY("peers"),
		[SF_MULTICAST] = KEY("multicast"), [SF_INTERFACE] = KEY("interface"), [SF_BULK_RATE] = KEY("bulk-rate"),
	};
	struct appcfg_sync *s = &ld->cfg->sync;
	const char *kf = "";
	uint64_t u;

	memset(s, 0, sizeof(*s));
	s->port = APPCFG_DEFAULT_SYNC_PORT;
	s->bulk_rate = APPCFG_DEFAULT_SYNC_BULK_RATE;
	if (cfg_take_fields(ld, j, "sync", f, SF_N))
		return -1;
	if (cfg_field_uint(ld, "sync", &f[SF_NODE], 1, UINT32_MAX, &u))
		return -1;
	s->node_id = (uint32_t)u;
	if (f[SF_PORT].val) {
		if (cfg_field_uint(ld, "sync", &f[SF_PORT], 1, 65535, &u))
			return -1;
		s->port = (uint16_t)u;
	}
	if (f[SF_BULK_RATE].val) {
		if (cfg_field_uint(ld, "sync", &f[SF_BULK_RATE], 1000, 100000000, &u))
			return -1;
		s->bulk_rate = (uint32_t)u;
	}
	if (f[SF_INTERFACE].val && !f[SF_MULTICAST].val)
		return cfg_fail(ld, "sync.interface", "only with \"multicast\"");
	if (parse_where(ld, f, s))
		return -1;
	if (cfg_get_string(ld, "sync.key-file", f[SF_KEY_FILE].val, &kf) ||
	    cfg_copy_string(ld, "sync.key-file", kf, s->key_file, sizeof(s->key_file)) || read_key(ld, s))
		return -1;
	s->configured = true;
	return 0;
}

/* The rules with the other sections: NAT64's, without CGN (its port blocks are not synchronised yet). */
int cfg_sync_check(struct ld *ld)
{
	const struct appcfg *c = ld->cfg;

	if (c->xlat.mode != XLAT_MODE_NAT64)
		return cfg_fail(ld, "sync", "session synchronisation is NAT64's (a SIIT has no state to share)");
	if (c->xlat.cgn.enabled)
		return cfg_fail(ld, "sync", "not with \"cgn\": its port blocks and limits are not synchronised "
					    "(doc/ha.md)");
	if (!c->xlat.g.nat.ss_enabled)
		cfg_note(ld, "sync", "global ss-enabled is false: nothing is synchronised until it is true "
				     "(`xlat64ctl global set ss-enabled true`)");
	return 0;
}

json_t *cfg_sync_json(const struct appcfg *c)
{
	const struct appcfg_sync *s = &c->sync;
	json_t *o = json_pack("{s:I, s:s, s:o, s:I, s:I}", "node-id", (json_int_t)s->node_id, "key-file", s->key_file,
			      "address", cfg_addr_json(s->family, s->address), "port", (json_int_t)s->port,
			      "bulk-rate", (json_int_t)s->bulk_rate);

	if (!o)
		return NULL;
	if (s->multicast) {
		json_object_set_new(o, "multicast", cfg_addr_json(s->family, s->group));
		json_object_set_new(o, "interface", json_string(s->interface));
	} else {
		json_t *a = json_array();
		for (unsigned i = 0; i < s->n_peers; i++)
			json_array_append_new(a, cfg_addr_json(s->family, s->peers[i]));
		json_object_set_new(o, "peers", a);
	}
	return o;
}
