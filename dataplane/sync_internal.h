/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The sync thread's state (doc/ha.md), shared by its files: sync.c (the
 * thread: out, in, joining, setup, the workers' side), sync_socket.c (its UDP
 * socket) and sync_status.c (what the control API asks).
 */
#ifndef DP_SYNC_INTERNAL_H
#define DP_SYNC_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <time.h>

#include "dp.h"
#include "nat64_redirect.h"
#include "nat64_sync.h"
#include "sync_wire.h"

#define SYNC_JOIN_MS 3000          /* nobody answered a bulk request this long: alone */
#define SYNC_REQUEST_EVERY_MS 1000 /* while joining, the request again */
#define SYNC_INSTALL_RING 65536    /* each worker's install queue */
#define SYNC_BATCH_MAX 1600        /* records per datagram at most (ss-max-sessions-per-packet's maximum) */
#define SYNC_RX_BURST 64           /* datagrams read per round at most */

enum sync_state { SS_OFF, SS_JOINING, SS_SYNCED, SS_ALONE };
extern const char *const sync_state_names[];

struct sync_peer_seen {
	uint32_t node;
	uint64_t epoch;
	uint8_t addr[16];
	uint64_t last_ns;
	uint64_t datagrams, sessions;
	bool bulk_asked; /* a bulk was asked of this epoch of the peer */
};

struct dp_sync {
	struct dp *dp;
	const struct appcfg_sync *conf;
	struct sync_key key;
	int fd;
	struct sockaddr_storage dst[APPCFG_MAX_SYNC_PEERS];
	socklen_t dlen;
	unsigned n_dst;
	uint64_t epoch, seq;
	struct sync_replay replay;
	struct nat64_redirect *redirect;
	pthread_t tid;
	bool started;
	uint64_t *counters; /* dp->sync_counters */
	/* what goes out */
	struct sync_session batch[SYNC_BATCH_MAX];
	unsigned n_batch;
	uint64_t batch_since_ns;
	uint8_t out[65536];
	/* settings of the round (the snapshot's ss-* options) */
	bool enabled, asap;
	uint64_t deadline_ns;
	unsigned per_packet;
	/* serving a bulk: the generation asked of the workers (dp_worker.bulk_seen / bulk_done) */
	uint32_t bulk_gen;
	bool serving;
	uint64_t pace_ns;
	/* joining */
	uint32_t state; /* enum sync_state, read by the control socket's thread */
	uint64_t join_ns, asked_ns;
	struct sync_peer_seen peers[SYNC_MAX_PEERS];
	unsigned n_peers;
	pthread_mutex_t peers_lock; /* the peer list: the sync thread writes it, `sync status` reads it */
};

extern struct dp_sync *g_sync; /* the one sync thread's state (sync_init) */

static inline uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static inline void count(struct dp_sync *s, enum xlat_stat c, uint64_t n)
{
	__atomic_store_n(&s->counters[c], s->counters[c] + n, __ATOMIC_RELAXED);
}

/* sync_socket.c: the socket bound to sync.address (and the group joined), the peers' addresses in s->dst */
int sync_open_socket(struct dp_sync *s, char *err, size_t errlen);

#endif
