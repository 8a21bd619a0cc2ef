/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target: session synchronisation datagrams (lib/sync_wire.h) as a
 * box receives them. The first byte picks the mode: as they come (almost all
 * refused at the HMAC: a forger has no key), or signed here with the pair's key
 * first, so that what an authenticated but malformed or hostile peer sends is
 * parsed too (counts, types, records, the replay window kept across inputs).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "sync_wire.h"

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
	struct sync_hdr h;
	const uint8_t *recs;
	if (sync_accept(&key, &rp, 1, buf, len, &h, &recs) != SYNC_OK)
		return 0;
	if (h.type != SYNC_SESSIONS && h.count)
		abort(); /* only session datagrams carry records */
	if (SYNC_HDR_LEN + (size_t)h.count * SYNC_RECORD_LEN + SYNC_MAC_LEN != len)
		abort(); /* the count must match what arrived */
	for (unsigned i = 0; i < h.count; i++) {
		struct sync_session s;
		(void)sync_record(recs, i, &s);
	}
	return 0;
}
