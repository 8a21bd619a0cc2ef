/* SPDX-License-Identifier: BSD-3-Clause */
/* What the control API asks of the sync thread (api_sync.c through ctl_bridge.c): status, ready, bulk. */
#include <arpa/inet.h>
#include <stdio.h>

#include <jansson.h>
#include <rte_ring.h>

#include "sync_internal.h"

json_t *sync_status_json(void *opaque)
{
	(void)opaque;
	struct dp_sync *s = g_sync;

	if (!s)
		return NULL;
	const struct appcfg_sync *c = s->conf;
	char a[INET6_ADDRSTRLEN];
	uint64_t queued = 0, now = mono_ns();
	for (unsigned w = 0; w < s->dp->n_workers; w++)
		queued += rte_ring_count(s->dp->workers[w].sync_out);
	inet_ntop(c->family == 6 ? AF_INET6 : AF_INET, c->address, a, sizeof(a));
	json_t *o = json_pack("{s:s, s:I, s:s, s:I, s:I, s:I, s:I, s:b}", "state",
			      sync_state_names[__atomic_load_n(&s->state, __ATOMIC_ACQUIRE)], "node-id",
			      (json_int_t)c->node_id, "address", a, "port", (json_int_t)c->port, "epoch",
			      (json_int_t)s->epoch, "queued", (json_int_t)queued, "redirected-ports",
			      (json_int_t)nat64_redirect_count(s->redirect), "serving-bulk", s->serving);
	json_t *peers = json_array();
	pthread_mutex_lock(&s->peers_lock);
	for (unsigned i = 0; i < s->n_peers; i++) {
		const struct sync_peer_seen *p = &s->peers[i];
		inet_ntop(c->family == 6 ? AF_INET6 : AF_INET, p->addr, a, sizeof(a));
		json_array_append_new(peers, json_pack("{s:I, s:s, s:I, s:I, s:I, s:I}", "node-id", (json_int_t)p->node,
						       "address", a, "epoch", (json_int_t)p->epoch, "last-heard-ms",
						       (json_int_t)((now - p->last_ns) / 1000000u), "datagrams",
						       (json_int_t)p->datagrams, "sessions", (json_int_t)p->sessions));
	}
	pthread_mutex_unlock(&s->peers_lock);
	json_object_set_new(o, "peers", peers);
	return o;
}

int sync_ready(void *opaque, char *err, size_t errlen)
{
	(void)opaque;
	struct dp_sync *s = g_sync;

	if (!s) {
		snprintf(err, errlen, "no \"sync\" section: nothing to wait for");
		return 0;
	}
	uint32_t st = __atomic_load_n(&s->state, __ATOMIC_ACQUIRE);
	if (st == SS_SYNCED || st == SS_ALONE)
		return 0;
	snprintf(err, errlen, "sync is %s%s", sync_state_names[st],
		 st == SS_OFF ? " (global ss-enabled is false)" : ": waiting for a peer's table");
	return -1;
}

int sync_request_bulk(void *opaque, char *err, size_t errlen)
{
	(void)opaque;
	struct dp_sync *s = g_sync;

	if (!s) {
		snprintf(err, errlen, "no \"sync\" section in the configuration");
		return -1;
	}
	/* the sync thread owns the socket and the state: it sees the next settings() as a restart */
	__atomic_store_n(&s->state, SS_JOINING, __ATOMIC_RELEASE);
	s->join_ns = mono_ns();
	s->asked_ns = 0;
	return 0;
}

