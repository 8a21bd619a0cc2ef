/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Session synchronisation datagrams (lib/sync_wire.h): what one box signs, its
 * peer accepts once and only once; nothing forged, altered, cut, replayed or
 * from an older boot gets through; a restart (a newer epoch) does.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "sync_wire.h"

static struct sync_key key = { .k = "0123456789abcdef0123456789abcdef", .len = 32 };

static struct sync_session rec(unsigned i)
{
	struct sync_session s;

	memset(&s, 0, sizeof(s));
	s.op = SYNC_UPSERT;
	s.proto = i % 3 == 0 ? 6 : i % 3 == 1 ? 17 : 1;
	s.tcp_state = (uint8_t)(i % 7);
	inet_pton(AF_INET6, "2001:db8:6::2", s.addr6);
	s.addr6[15] = (uint8_t)i;
	s.port6 = (uint16_t)(40000 + i);
	inet_pton(AF_INET, "192.0.2.1", &s.addr4);
	s.port4 = (uint16_t)(2000 + i);
	inet_pton(AF_INET, "198.51.100.2", &s.remote4);
	s.rport = 80;
	s.expires_ms = 300000 - i;
	return s;
}

static size_t make(uint8_t *buf, size_t cap, uint32_t node, uint64_t epoch, uint64_t seq, unsigned n)
{
	struct sync_session r[64];
	struct sync_hdr h = { .type = SYNC_SESSIONS, .node = node, .epoch = epoch, .seq = seq };

	for (unsigned i = 0; i < n; i++)
		r[i] = rec(i);
	return sync_encode(&key, &h, r, n, buf, cap);
}

static void t_round_trip(void **state)
{
	uint8_t buf[4096];
	struct sync_replay rp;
	struct sync_hdr h;
	const uint8_t *recs;

	(void)state;
	memset(&rp, 0, sizeof(rp));
	size_t len = make(buf, sizeof(buf), 7, 1000, 1, 20);
	assert_int_equal(len, SYNC_HDR_LEN + 20 * SYNC_RECORD_LEN + SYNC_MAC_LEN);
	assert_int_equal(sync_accept(&key, &rp, 1, buf, len, &h, &recs), SYNC_OK);
	assert_int_equal(h.type, SYNC_SESSIONS);
	assert_int_equal(h.count, 20);
	assert_int_equal(h.node, 7);
	assert_int_equal(h.epoch, 1000);
	assert_int_equal(h.seq, 1);
	for (unsigned i = 0; i < 20; i++) {
		struct sync_session got, want = rec(i);
		assert_true(sync_record(recs, i, &got));
		assert_memory_equal(&got, &want, sizeof(got));
	}
	/* the header's bytes, as the format says */
	assert_memory_equal(buf, "X64S\x01\x01\x00\x14\x00\x00\x00\x07", 12);
}

static void t_fits(void **state)
{
	uint8_t buf[1500];

	(void)state;
	unsigned n = sync_max_records(1472); /* a UDP payload in 1500 bytes of IPv4 */
	assert_int_equal(n, (1472 - SYNC_HDR_LEN - SYNC_MAC_LEN) / SYNC_RECORD_LEN);
	assert_true(make(buf, 1472, 7, 1, 1, n) > 0);
	assert_int_equal(make(buf, 1472, 7, 1, 1, n + 1), 0);
	struct sync_key shortkey = { .len = SYNC_KEY_MIN - 1 };
	struct sync_hdr h = { .type = SYNC_BULK_REQUEST, .node = 1, .epoch = 1, .seq = 1 };
	assert_int_equal(sync_encode(&shortkey, &h, NULL, 0, buf, sizeof(buf)), 0);
}

/* Every single changed bit, anywhere, is refused; so is every shorter datagram. */
static void t_tampered_and_cut(void **state)
{
	uint8_t buf[512], bad[512];
	struct sync_replay rp;
	struct sync_hdr h;
	const uint8_t *recs;

	(void)state;
	size_t len = make(buf, sizeof(buf), 7, 1000, 1, 3);
	for (size_t i = 0; i < len; i++) {
		for (int b = 0; b < 8; b++) {
			memcpy(bad, buf, len);
			bad[i] ^= (uint8_t)(1 << b);
			memset(&rp, 0, sizeof(rp));
			enum sync_verdict v = sync_accept(&key, &rp, 1, bad, len, &h, &recs);
			if (v != SYNC_BAD_MAC && v != SYNC_MALFORMED)
				fail_msg("byte %zu bit %d flipped: %s", i, b, sync_verdict_name(v));
		}
	}
	for (size_t l = 0; l < len; l++) {
		memset(&rp, 0, sizeof(rp));
		assert_int_not_equal(sync_accept(&key, &rp, 1, buf, l, &h, &recs), SYNC_OK);
	}
	/* signed with another key: forged */
	struct sync_key other = key;
	other.k[0] ^= 1;
	memset(&rp, 0, sizeof(rp));
	assert_int_equal(sync_accept(&other, &rp, 1, buf, len, &h, &recs), SYNC_BAD_MAC);
}

/* A correctly signed datagram whose count does not match its length is malformed, not trusted. */
static void t_count_mismatch(void **state)
{
	uint8_t buf[512];
	struct sync_replay rp;
	struct sync_hdr h;
	const uint8_t *recs;
	unsigned olen;

	(void)state;
	memset(&rp, 0, sizeof(rp));
	size_t len = make(buf, sizeof(buf), 7, 1000, 1, 3);
	buf[7] = 4; /* count 4, three records */
	HMAC(EVP_sha256(), key.k, (int)key.len, buf, len - SYNC_MAC_LEN, buf + len - SYNC_MAC_LEN, &olen);
	assert_int_equal(sync_accept(&key, &rp, 1, buf, len, &h, &recs), SYNC_MALFORMED);
}

static void t_replay(void **state)
{
	uint8_t d[200][512];
	size_t l[200];
	struct sync_replay rp;
	struct sync_hdr h;
	const uint8_t *recs;

	(void)state;
	memset(&rp, 0, sizeof(rp));
	for (unsigned i = 0; i < 200; i++)
		l[i] = make(d[i], sizeof(d[i]), 7, 1000, i + 1, 1);
	/* in order: each once */
	for (unsigned i = 0; i < 100; i++) {
		assert_int_equal(sync_accept(&key, &rp, 1, d[i], l[i], &h, &recs), SYNC_OK);
		assert_int_equal(sync_accept(&key, &rp, 1, d[i], l[i], &h, &recs), SYNC_REPLAYED);
	}
	/* out of order within the window: 150 first, then 120..149 once each */
	assert_int_equal(sync_accept(&key, &rp, 1, d[149], l[149], &h, &recs), SYNC_OK);
	for (unsigned i = 119; i < 149; i++)
		assert_int_equal(sync_accept(&key, &rp, 1, d[i], l[i], &h, &recs), SYNC_OK);
	for (unsigned i = 119; i < 150; i++)
		assert_int_equal(sync_accept(&key, &rp, 1, d[i], l[i], &h, &recs), SYNC_REPLAYED);
	/* 101 (skipped) is late but inside the window (150 - 101 < 64): once; 86 is older than it */
	assert_int_equal(sync_accept(&key, &rp, 1, d[100], l[100], &h, &recs), SYNC_OK);
	assert_int_equal(sync_accept(&key, &rp, 1, d[100], l[100], &h, &recs), SYNC_REPLAYED);
	assert_int_equal(sync_accept(&key, &rp, 1, d[85], l[85], &h, &recs), SYNC_REPLAYED);
	assert_int_equal(sync_accept(&key, &rp, 1, d[150], l[150], &h, &recs), SYNC_OK);
}

/* A restart is a newer epoch: accepted, numbering from 1 again; the old boot's datagrams are not. */
static void t_epochs(void **state)
{
	uint8_t a[512], b[512], c[512];
	struct sync_replay rp;
	struct sync_hdr h;
	const uint8_t *recs;

	(void)state;
	memset(&rp, 0, sizeof(rp));
	size_t la = make(a, sizeof(a), 7, 1000, 50, 1), lb = make(b, sizeof(b), 7, 2000, 1, 1),
	       lc = make(c, sizeof(c), 7, 1000, 51, 1);
	assert_int_equal(sync_accept(&key, &rp, 1, a, la, &h, &recs), SYNC_OK);
	assert_int_equal(sync_accept(&key, &rp, 1, b, lb, &h, &recs), SYNC_OK);
	assert_int_equal(sync_accept(&key, &rp, 1, c, lc, &h, &recs), SYNC_REPLAYED);
	/* our own datagram (multicast loops back) */
	assert_int_equal(sync_accept(&key, &rp, 7, b, lb, &h, &recs), SYNC_SELF);
	/* sequence 0 never comes from a sender */
	size_t l0 = make(c, sizeof(c), 8, 5, 0, 1);
	assert_int_equal(sync_accept(&key, &rp, 1, c, l0, &h, &recs), SYNC_REPLAYED);
}

static void t_many_peers_and_bad_records(void **state)
{
	uint8_t buf[512];
	struct sync_replay rp;
	struct sync_hdr h;
	const uint8_t *recs;

	(void)state;
	memset(&rp, 0, sizeof(rp));
	for (uint32_t n = 100; n < 100 + SYNC_MAX_PEERS; n++) {
		size_t l = make(buf, sizeof(buf), n, 1, 1, 0);
		assert_int_equal(sync_accept(&key, &rp, 1, buf, l, &h, &recs), SYNC_OK);
	}
	size_t l = make(buf, sizeof(buf), 999, 1, 1, 0);
	assert_int_equal(sync_accept(&key, &rp, 1, buf, l, &h, &recs), SYNC_TOO_MANY_PEERS);
	/* a record with an unknown op or protocol is reported as such */
	struct sync_session s = rec(0), got;
	s.op = 9;
	struct sync_hdr hh = { .type = SYNC_SESSIONS, .node = 100, .epoch = 1, .seq = 2 };
	l = sync_encode(&key, &hh, &s, 1, buf, sizeof(buf));
	assert_int_equal(sync_accept(&key, &rp, 1, buf, l, &h, &recs), SYNC_OK);
	assert_false(sync_record(recs, 0, &got));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_round_trip),	    cmocka_unit_test(t_fits),  cmocka_unit_test(t_tampered_and_cut),
		cmocka_unit_test(t_count_mismatch), cmocka_unit_test(t_replay), cmocka_unit_test(t_epochs),
		cmocka_unit_test(t_many_peers_and_bad_records),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
