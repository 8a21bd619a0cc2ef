/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Session synchronisation between boxes (doc/ha.md): the datagrams a box sends
 * its peers and how a receiver accepts them. No I/O here: bytes in, bytes out.
 *
 * A datagram (all fields big-endian):
 *
 *   0  "X64S"          magic
 *   4  version         1
 *   5  type            SYNC_SESSIONS, SYNC_BULK_REQUEST, SYNC_BULK_END
 *   6  count           records that follow (SYNC_SESSIONS only)
 *   8  node            the sender's node id (the configuration's sync.node-id)
 *  12  epoch           the sender's boot id: milliseconds since 1970 when it started
 *  20  seq             the sender's datagram number in this epoch, from 1
 *  28  records         count x SYNC_RECORD_LEN bytes
 *   N  HMAC-SHA256     of bytes [0, N) under the pair's shared key
 *
 * Authenticity: nothing is read from a datagram before its HMAC is checked
 * (constant-time compare). Replay: a receiver keeps, per sender, the newest
 * epoch it accepted and a 64-datagram window of sequence numbers; an older
 * epoch, a number already seen or one older than the window is refused. A
 * newer epoch (the peer restarted) resets the window.
 */
#ifndef XLAT_SYNC_WIRE_H
#define XLAT_SYNC_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SYNC_MAGIC "X64S"
#define SYNC_VERSION 1
#define SYNC_HDR_LEN 28
#define SYNC_MAC_LEN 32
#define SYNC_RECORD_LEN 40
#define SYNC_KEY_MIN 16 /* bytes of shared key, at least */
#define SYNC_KEY_MAX 64
#define SYNC_MAX_PEERS 16
#define SYNC_WINDOW 64

enum sync_type { SYNC_SESSIONS = 1, SYNC_BULK_REQUEST = 2, SYNC_BULK_END = 3 };
enum sync_op { SYNC_UPSERT = 1, SYNC_DELETE = 2 };

/* One NAT64 session as the peers exchange it: enough to rebuild its BIB entry and session. */
struct sync_session {
	uint8_t op;        /* enum sync_op */
	uint8_t proto;     /* 6, 17 or 1 (ICMP: the "ports" are the query identifier) */
	uint8_t tcp_state; /* the session's RFC 6146 state, as lib/nat64.h numbers it */
	uint8_t flags;
	uint8_t addr6[16]; /* the IPv6 host */
	uint16_t port6;
	uint32_t addr4;    /* its pool4 address (network order) */
	uint16_t port4;
	uint32_t remote4;  /* the IPv4 peer (network order) */
	uint16_t rport;
	uint32_t expires_ms; /* time left before the session expires */
};

struct sync_key {
	uint8_t k[SYNC_KEY_MAX];
	unsigned len;
};

struct sync_hdr {
	uint8_t type;
	uint16_t count;
	uint32_t node;
	uint64_t epoch, seq;
};

/*
 * A datagram of the given header and n records (n <= count that fits: see
 * sync_max_records) into out (cap bytes), signed. Returns its length, 0 when
 * it does not fit.
 */
size_t sync_encode(const struct sync_key *key, const struct sync_hdr *h, const struct sync_session *recs, unsigned n,
		   uint8_t *out, size_t cap);
/* How many records fit a datagram of at most payload bytes (the UDP payload). */
unsigned sync_max_records(size_t payload);

/* A receiver's replay state for its peers. */
struct sync_peer {
	bool used;
	uint32_t node;
	uint64_t epoch, top;
	uint64_t seen; /* bit i: top - i accepted */
};
struct sync_replay {
	struct sync_peer peer[SYNC_MAX_PEERS];
};

enum sync_verdict {
	SYNC_OK = 0,
	SYNC_MALFORMED,  /* too short, bad magic or version, count that does not match the length */
	SYNC_BAD_MAC,    /* not signed with our key: forged or corrupted */
	SYNC_REPLAYED,   /* a number already seen, older than the window, or an older epoch */
	SYNC_SELF,       /* our own (multicast loops back) */
	SYNC_TOO_MANY_PEERS,
};

/*
 * Check a datagram (len bytes): the HMAC first, then the replay window (which it
 * updates only for an accepted one). On SYNC_OK *h is its header and *recs
 * points at its first record (read them with sync_record()).
 */
enum sync_verdict sync_accept(const struct sync_key *key, struct sync_replay *rp, uint32_t self_node,
			      const uint8_t *buf, size_t len, struct sync_hdr *h, const uint8_t **recs);
/* Record i of an accepted datagram. False for a record that makes no sense (unknown op or protocol). */
bool sync_record(const uint8_t *recs, unsigned i, struct sync_session *s);

const char *sync_verdict_name(enum sync_verdict v);

#endif
