/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target: session synchronisation datagrams (lib/sync_wire.h) as a
 * box receives them, and what they do to its tables. The first byte picks the
 * mode: as they come (almost all refused at the HMAC: a forger has no key), or
 * signed here with the pair's key first, so that what an authenticated but
 * malformed or hostile peer sends is parsed and installed too: records go to
 * the owner of their IPv6 side among two workers' real tables (rte_hash), with
 * the redirect map for ports of the other worker's number, as the sync thread
 * does (dataplane/sync.c); the clock moves and sessions expire. After every
 * input each table's session count must match its entries.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <rte_eal.h>

#include "nat64.h"
#include "nat64_redirect.h"
#include "nat64_sync.h"
#include "sync_wire.h"
#include "xlat.h"

#define WORKERS 2
#define TABLE 1024

static struct xlat_config cfg;
static struct nat64_table *tables[WORKERS];
static uint64_t now_ms = 1000;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char *eal[] = { "fuzz", "-l", "0", "--no-huge", "-m", "128", "--no-shconf", "--no-pci",
			"--log-level", "*:error", NULL };
	static const uint8_t protos[] = { 6, 17, 1 };
	struct prefix4 p;

	(void)argc;
	(void)argv;
	if (rte_eal_init(10, eal) < 0)
		abort();
	xlat_config_init(&cfg, XLAT_MODE_NAT64);
	prefix6_parse("64:ff9b::/96", &cfg.g.pool6);
	cfg.g.pool6_set = true;
	prefix4_parse("192.0.2.0/30", &p);
	for (unsigned i = 0; i < 3; i++) /* small, so that conflicts and a full table are reachable */
		cfg.pool4[cfg.n_pool4++] = (struct pool4_entry){ .proto = protos[i], .addr = p.addr, .plen = 30,
								 .port_min = 1000, .port_max = 1063 };
	cfg.redirect = nat64_redirect_create("fz_rd", 256, -1, NULL);
	for (unsigned w = 0; w < WORKERS; w++) {
		char name[8] = { 'f', 'z', (char)('0' + w), 0 };
		tables[w] = nat64_table_create(name, TABLE, w, WORKERS, -1);
		if (!tables[w])
			abort();
	}
	if (!cfg.redirect)
		abort();
	return 0;
}

static void check(const struct nat64_table *t)
{
	struct nat64_session_info si;
	uint32_t pos = 0, n = 0;

	while ((pos = nat64_session_next(t, pos, &si)) != 0)
		n++;
	if (n != nat64_table_sessions(t) || nat64_table_bibs(t) > nat64_table_sessions(t))
		abort(); /* the counters and the entries disagree: a table corrupted by a peer's records */
}

/* As the sync thread hands a record over: to the owner of its IPv6 side, its port redirected if need be. */
static void install(struct sync_session *r)
{
	unsigned o6 = nat64_owner6(&cfg, r->addr6, WORKERS);

	if (nat64_owner4(&cfg, r->proto, r->addr4, r->port4, WORKERS) != o6 &&
	    nat64_redirect_set(cfg.redirect, r->proto, r->addr4, r->port4, o6) != 0)
		return;
	enum nat64_install res = nat64_sync_install(tables[o6], &cfg, r, now_ms);
	if ((unsigned)res > NAT64_INSTALL_INVALID)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct sync_key key = { .k = "fuzz-key-0123456789abcdef", .len = 24 };
	static struct sync_replay rp;
	static uint8_t buf[70000];

	if (size < 1 || size - 1 + SYNC_MAC_LEN > sizeof(buf))
		return 0;
	size_t len = size - 1;
	memcpy(buf, data + 1, len);
	if (data[0] & 1) {
		unsigned olen;
		HMAC(EVP_sha256(), key.k, (int)key.len, buf, len, buf + len, &olen);
		len += SYNC_MAC_LEN;
	}
	now_ms += (data[0] & 2) ? 400000 : 10; /* sometimes past every timeout */
	for (unsigned w = 0; w < WORKERS; w++)
		nat64_expire(tables[w], &cfg, now_ms, 256);
	struct sync_hdr h;
	const uint8_t *recs;
	if (sync_accept(&key, &rp, 1, buf, len, &h, &recs) == SYNC_OK) {
		if (h.type != SYNC_SESSIONS && h.count)
			abort(); /* only session datagrams carry records */
		if (SYNC_HDR_LEN + (size_t)h.count * SYNC_RECORD_LEN + SYNC_MAC_LEN != len)
			abort(); /* the count must match what arrived */
		for (unsigned i = 0; i < h.count; i++) {
			struct sync_session s;
			if (sync_record(recs, i, &s))
				install(&s);
		}
	}
	for (unsigned w = 0; w < WORKERS; w++)
		check(tables[w]);
	return 0;
}
