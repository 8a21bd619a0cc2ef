/* SPDX-License-Identifier: BSD-3-Clause */
/* Session synchronisation datagrams (sync_wire.h): encoding, HMAC-SHA256, replay window. */
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "sync_wire.h"

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)(v >> 32));
	put32(p + 4, (uint32_t)v);
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

static uint64_t get64(const uint8_t *p)
{
	return (uint64_t)get32(p) << 32 | get32(p + 4);
}

static bool mac(const struct sync_key *key, const uint8_t *buf, size_t len, uint8_t out[SYNC_MAC_LEN])
{
	unsigned olen = 0;

	return HMAC(EVP_sha256(), key->k, (int)key->len, buf, len, out, &olen) && olen == SYNC_MAC_LEN;
}

unsigned sync_max_records(size_t payload)
{
	if (payload < SYNC_HDR_LEN + SYNC_MAC_LEN)
		return 0;
	size_t n = (payload - SYNC_HDR_LEN - SYNC_MAC_LEN) / SYNC_RECORD_LEN;
	return n > 0xffff ? 0xffff : (unsigned)n;
}

static void put_record(uint8_t *r, const struct sync_session *s)
{
	memset(r, 0, SYNC_RECORD_LEN);
	r[0] = s->op;
	r[1] = s->proto;
	r[2] = s->tcp_state;
	r[3] = s->flags;
	memcpy(r + 4, s->addr6, 16);
	put16(r + 20, s->port6);
	memcpy(r + 22, &s->addr4, 4); /* addresses stay in network order */
	put16(r + 26, s->port4);
	memcpy(r + 28, &s->remote4, 4);
	put16(r + 32, s->rport);
	put32(r + 34, s->expires_ms);
}

size_t sync_encode(const struct sync_key *key, const struct sync_hdr *h, const struct sync_session *recs, unsigned n,
		   uint8_t *out, size_t cap)
{
	size_t len = SYNC_HDR_LEN + (size_t)n * SYNC_RECORD_LEN;

	if (n > 0xffff || len + SYNC_MAC_LEN > cap || key->len < SYNC_KEY_MIN)
		return 0;
	memcpy(out, SYNC_MAGIC, 4);
	out[4] = SYNC_VERSION;
	out[5] = h->type;
	put16(out + 6, (uint16_t)n);
	put32(out + 8, h->node);
	put64(out + 12, h->epoch);
	put64(out + 20, h->seq);
	for (unsigned i = 0; i < n; i++)
		put_record(out + SYNC_HDR_LEN + (size_t)i * SYNC_RECORD_LEN, &recs[i]);
	if (!mac(key, out, len, out + len))
		return 0;
	return len + SYNC_MAC_LEN;
}

/* The replay window (as RFC 4303 3.4.3's, per sender and epoch): SYNC_OK, and recorded, when new. */
static enum sync_verdict replay_check(struct sync_replay *rp, const struct sync_hdr *h)
{
	int slot = -1, free_slot = -1;

	for (int i = 0; i < SYNC_MAX_PEERS; i++) {
		if (rp->peer[i].used && rp->peer[i].node == h->node)
			slot = i;
		else if (!rp->peer[i].used && free_slot < 0)
			free_slot = i;
	}
	if (slot < 0) {
		if (free_slot < 0)
			return SYNC_TOO_MANY_PEERS;
		slot = free_slot;
		rp->peer[slot].used = true;
		rp->peer[slot].node = h->node;
		rp->peer[slot].epoch = 0;
	}
	struct sync_peer *p = &rp->peer[slot];
	if (h->epoch < p->epoch || h->seq == 0)
		return SYNC_REPLAYED;
	if (h->epoch > p->epoch) { /* the peer (re)started: a new window */
		p->epoch = h->epoch;
		p->top = h->seq;
		p->seen = 1;
		return SYNC_OK;
	}
	if (h->seq > p->top) {
		uint64_t shift = h->seq - p->top;
		p->seen = shift >= SYNC_WINDOW ? 0 : p->seen << shift;
		p->seen |= 1;
		p->top = h->seq;
		return SYNC_OK;
	}
	uint64_t back = p->top - h->seq;
	if (back >= SYNC_WINDOW || (p->seen >> back) & 1)
		return SYNC_REPLAYED;
	p->seen |= (uint64_t)1 << back;
	return SYNC_OK;
}

enum sync_verdict sync_accept(const struct sync_key *key, struct sync_replay *rp, uint32_t self_node,
			      const uint8_t *buf, size_t len, struct sync_hdr *h, const uint8_t **recs)
{
	uint8_t want[SYNC_MAC_LEN];

	if (len < SYNC_HDR_LEN + SYNC_MAC_LEN || memcmp(buf, SYNC_MAGIC, 4) != 0 || buf[4] != SYNC_VERSION)
		return SYNC_MALFORMED;
	size_t body = len - SYNC_MAC_LEN;
	if (!mac(key, buf, body, want) || CRYPTO_memcmp(want, buf + body, SYNC_MAC_LEN) != 0)
		return SYNC_BAD_MAC;
	h->type = buf[5];
	h->count = get16(buf + 6);
	h->node = get32(buf + 8);
	h->epoch = get64(buf + 12);
	h->seq = get64(buf + 20);
	if (body != SYNC_HDR_LEN + (size_t)h->count * SYNC_RECORD_LEN || h->type < SYNC_SESSIONS ||
	    h->type > SYNC_BULK_END || (h->type != SYNC_SESSIONS && h->count))
		return SYNC_MALFORMED;
	if (h->node == self_node)
		return SYNC_SELF;
	enum sync_verdict v = replay_check(rp, h);
	if (v == SYNC_OK)
		*recs = buf + SYNC_HDR_LEN;
	return v;
}

bool sync_record(const uint8_t *recs, unsigned i, struct sync_session *s)
{
	const uint8_t *r = recs + (size_t)i * SYNC_RECORD_LEN;

	memset(s, 0, sizeof(*s));
	s->op = r[0];
	s->proto = r[1];
	s->tcp_state = r[2];
	s->flags = r[3];
	memcpy(s->addr6, r + 4, 16);
	s->port6 = get16(r + 20);
	memcpy(&s->addr4, r + 22, 4);
	s->port4 = get16(r + 26);
	memcpy(&s->remote4, r + 28, 4);
	s->rport = get16(r + 32);
	s->expires_ms = get32(r + 34);
	return (s->op == SYNC_UPSERT || s->op == SYNC_DELETE) && (s->proto == 6 || s->proto == 17 || s->proto == 1);
}

const char *sync_verdict_name(enum sync_verdict v)
{
	static const char *const names[] = { "ok", "malformed", "bad_mac", "replayed", "self", "too_many_peers" };

	return (unsigned)v < sizeof(names) / sizeof(names[0]) ? names[v] : "?";
}
