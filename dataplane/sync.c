/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Session synchronisation between boxes (doc/ha.md): the sync thread.
 *
 * Out: it drains the workers' event rings (lib/nat64_sync.h), packs the
 * records into datagrams (ss-max-payload, ss-max-sessions-per-packet), signs
 * them (lib/sync_wire.h) and sends them to the peers or the group, at once
 * (ss-flush-asap) or when full or ss-flush-deadline old.
 *
 * In: it checks each datagram (HMAC, replay window), and hands each session to
 * the worker that owns its IPv6 side here, through that worker's install ring;
 * a port whose number gives another worker here (the peer runs another worker
 * count) is first redirected to that owner (lib/nat64_redirect.h).
 *
 * Joining: at start, and on hearing a peer it has not heard in that peer's
 * current epoch, it asks for a bulk (SYNC_BULK_REQUEST); a peer answers with
 * its whole table, paced at sync.bulk-rate by its workers, then
 * SYNC_BULK_END. The box is "synced" once a bulk ended, "alone" when nobody
 * answered within SYNC_JOIN_MS: either way ready (`sync ready`, which
 * keepalived's track script asks before it lets this box become master).
 *
 * The thread reads the configuration snapshot as the workers do (an RCU reader
 * of its own, thread id n_workers) and never touches a worker's table. Its
 * socket is sync_socket.c's, the control API's questions sync_status.c's.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "sync_internal.h"

struct dp_sync *g_sync;
const char *const sync_state_names[] = { "off", "joining", "synced", "alone" };

/* ------------------------------------------------------------------- out */

static void send_datagram(struct dp_sync *s, enum sync_type type, const struct sync_session *recs, unsigned n,
			  const struct sockaddr_storage *to)
{
	struct sync_hdr h = { .type = (uint8_t)type, .count = (uint16_t)n, .node = s->conf->node_id,
			      .epoch = s->epoch, .seq = ++s->seq };
	size_t len = sync_encode(&s->key, &h, recs, n, s->out, sizeof(s->out));

	if (!len) {
		count(s, XLAT_SYNC_TX_ERRORS, 1);
		return;
	}
	for (unsigned i = 0; i < (to ? 1u : s->n_dst); i++) {
		if (sendto(s->fd, s->out, len, 0, (const struct sockaddr *)(to ? to : &s->dst[i]), s->dlen) < 0)
			count(s, XLAT_SYNC_TX_ERRORS, 1);
		else
			count(s, XLAT_SYNC_TX_DATAGRAMS, 1);
	}
	if (type == SYNC_SESSIONS)
		count(s, XLAT_SYNC_TX_SESSIONS, n);
}

static void flush(struct dp_sync *s)
{
	if (s->n_batch)
		send_datagram(s, SYNC_SESSIONS, s->batch, s->n_batch, NULL);
	s->n_batch = 0;
}

/* The workers' events into datagrams; local notes (a redirected port's BIB entry gone) done here. */
static void drain_workers(struct dp_sync *s, uint64_t now)
{
	struct dp *dp = s->dp;
	struct sync_session ev[64];

	for (unsigned w = 0; w < dp->n_workers; w++) {
		unsigned n;
		while ((n = rte_ring_sc_dequeue_burst_elem(dp->workers[w].sync_out, ev, sizeof(ev[0]), RTE_DIM(ev),
							   NULL)) != 0) {
			for (unsigned i = 0; i < n; i++) {
				if (ev[i].op == SYNC_LOCAL_BIB_GONE) {
					nat64_redirect_del(s->redirect, ev[i].proto, ev[i].addr4, ev[i].port4);
					continue;
				}
				if (!s->n_batch)
					s->batch_since_ns = now;
				s->batch[s->n_batch++] = ev[i];
				if (s->n_batch >= s->per_packet)
					flush(s);
			}
		}
	}
	if (s->n_batch && (s->asap || now - s->batch_since_ns >= s->deadline_ns))
		flush(s);
}

/* A bulk being served: the workers' walk allowance grows at bulk-rate; BULK_END once all walked and sent. */
static void serve_bulk(struct dp_sync *s, uint64_t now)
{
	struct dp *dp = s->dp;
	bool done = true;

	if (!s->serving)
		return;
	uint64_t dt = now - s->pace_ns;
	uint64_t grant = dt * s->conf->bulk_rate / 1000000000ull / dp->n_workers;
	if (grant) {
		s->pace_ns = now;
		for (unsigned w = 0; w < dp->n_workers; w++)
			__atomic_add_fetch(&dp->workers[w].bulk_allow, grant, __ATOMIC_RELEASE);
	}
	for (unsigned w = 0; w < dp->n_workers; w++)
		done &= __atomic_load_n(&dp->workers[w].bulk_done, __ATOMIC_ACQUIRE) == s->bulk_gen &&
			rte_ring_empty(dp->workers[w].sync_out);
	if (!done)
		return;
	drain_workers(s, now);
	flush(s);
	send_datagram(s, SYNC_BULK_END, NULL, 0, NULL);
	s->serving = false;
	count(s, XLAT_SYNC_BULK_SERVED, 1);
	RTE_LOG(NOTICE, XLAT64, "sync: bulk sent\n");
}

static void start_bulk(struct dp_sync *s, uint64_t now)
{
	if (s->serving)
		return; /* one walk answers every peer that asked meanwhile: the end goes to all */
	s->serving = true;
	s->pace_ns = now;
	__atomic_store_n(&s->bulk_gen, s->bulk_gen + 1, __ATOMIC_RELEASE);
}

/* -------------------------------------------------------------------- in */

static struct sync_peer_seen *peer_of(struct dp_sync *s, const struct sync_hdr *h, const uint8_t *addr)
{
	struct sync_peer_seen *p = NULL;

	for (unsigned i = 0; i < s->n_peers; i++)
		if (s->peers[i].node == h->node)
			p = &s->peers[i];
	pthread_mutex_lock(&s->peers_lock);
	if (!p && s->n_peers < SYNC_MAX_PEERS)
		p = &s->peers[s->n_peers++];
	if (p) {
		if (p->node != h->node || p->epoch != h->epoch) { /* new, or restarted: its table is another */
			memset(p, 0, sizeof(*p));
			p->node = h->node;
			p->epoch = h->epoch;
			/* while we join, the request we send to every peer covers this one too */
			p->bulk_asked = __atomic_load_n(&s->state, __ATOMIC_RELAXED) == SS_JOINING;
		}
		memcpy(p->addr, addr, 16);
		p->last_ns = mono_ns();
		p->datagrams++;
		p->sessions += h->type == SYNC_SESSIONS ? h->count : 0;
	}
	pthread_mutex_unlock(&s->peers_lock);
	return p;
}

/* A peer's session to the worker that owns its IPv6 side here. */
static void hand_over(struct dp_sync *s, const struct xlat_config *cfg, struct sync_session *r)
{
	struct dp *dp = s->dp;
	unsigned n = dp->n_workers, o6 = nat64_owner6(cfg, r->addr6, n);

	if (n > 1 && nat64_owner4(cfg, r->proto, r->addr4, r->port4, n) != o6 &&
	    nat64_redirect_set(s->redirect, r->proto, r->addr4, r->port4, o6) != 0) {
		count(s, XLAT_SYNC_REDIRECT_FULL, 1);
		return;
	}
	if (rte_ring_sp_enqueue_elem(dp->workers[o6].sync_in, r, sizeof(*r)) != 0)
		count(s, XLAT_SYNC_INSTALL_QUEUE_FULL, 1);
}

static void ask_bulk(struct dp_sync *s, uint64_t now, const struct sockaddr_storage *to)
{
	s->asked_ns = now;
	send_datagram(s, SYNC_BULK_REQUEST, NULL, 0, to);
}

static void on_datagram(struct dp_sync *s, const struct xlat_config *cfg, const uint8_t *buf, size_t len,
			const struct sockaddr_storage *from, uint64_t now)
{
	static const enum xlat_stat refused[] = {
		[SYNC_MALFORMED] = XLAT_SYNC_RX_MALFORMED, [SYNC_BAD_MAC] = XLAT_SYNC_RX_BAD_MAC,
		[SYNC_REPLAYED] = XLAT_SYNC_RX_REPLAYED, [SYNC_SELF] = XLAT_SYNC_RX_SELF,
		[SYNC_TOO_MANY_PEERS] = XLAT_SYNC_RX_TOO_MANY_PEERS,
	};
	struct sync_hdr h;
	const uint8_t *recs;
	enum sync_verdict v = sync_accept(&s->key, &s->replay, s->conf->node_id, buf, len, &h, &recs);

	if (v != SYNC_OK) {
		count(s, refused[v], 1);
		return;
	}
	count(s, XLAT_SYNC_RX_DATAGRAMS, 1);
	uint8_t addr[16] = { 0 };
	if (from->ss_family == AF_INET6)
		memcpy(addr, &((const struct sockaddr_in6 *)from)->sin6_addr, 16);
	else
		memcpy(addr, &((const struct sockaddr_in *)from)->sin_addr, 4);
	struct sync_peer_seen *p = peer_of(s, &h, addr);
	switch (h.type) {
	case SYNC_SESSIONS:
		count(s, XLAT_SYNC_RX_SESSIONS, h.count);
		for (unsigned i = 0; i < h.count; i++) {
			struct sync_session r;
			if (!sync_record(recs, i, &r))
				count(s, XLAT_SYNC_INVALID, 1);
			else
				hand_over(s, cfg, &r);
		}
		/* a peer we have not asked in this life of its: its table may hold what ours lacks */
		if (p && !p->bulk_asked) {
			p->bulk_asked = true;
			ask_bulk(s, now, from);
		}
		break;
	case SYNC_BULK_REQUEST:
		RTE_LOG(NOTICE, XLAT64, "sync: node %" PRIu32 " asks for the table\n", h.node);
		if (p)
			p->bulk_asked = true; /* it has just started: nothing to ask it for */
		start_bulk(s, now);
		break;
	case SYNC_BULK_END:
		if (p)
			p->bulk_asked = true;
		if (__atomic_load_n(&s->state, __ATOMIC_RELAXED) != SS_SYNCED)
			RTE_LOG(NOTICE, XLAT64, "sync: node %" PRIu32 "'s table received\n", h.node);
		__atomic_store_n(&s->state, SS_SYNCED, __ATOMIC_RELEASE);
		break;
	}
}

static void receive(struct dp_sync *s, const struct xlat_config *cfg, uint64_t now)
{
	static uint8_t buf[65536];

	for (unsigned i = 0; i < SYNC_RX_BURST; i++) {
		struct sockaddr_storage from;
		socklen_t flen = sizeof(from);
		ssize_t n = recvfrom(s->fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen);
		if (n < 0)
			return;
		if (!s->enabled) {
			count(s, XLAT_SYNC_RX_DISABLED, 1);
			continue;
		}
		on_datagram(s, cfg, buf, (size_t)n, &from, now);
	}
}

/* ---------------------------------------------------------------- thread */

static void settings(struct dp_sync *s, const struct xlat_config *cfg, uint64_t now)
{
	const struct nat64_globals *g = &cfg->g.nat;
	bool was = s->enabled;

	s->enabled = g->ss_enabled;
	s->asap = g->ss_flush_asap;
	s->deadline_ns = (uint64_t)g->ss_flush_deadline_ms * 1000000ull;
	unsigned fit = sync_max_records(g->ss_max_payload);
	s->per_packet = g->ss_max_sessions_per_packet < fit ? g->ss_max_sessions_per_packet : fit;
	if (s->per_packet > SYNC_BATCH_MAX)
		s->per_packet = SYNC_BATCH_MAX;
	if (!s->per_packet)
		s->per_packet = 1;
	if (s->enabled && !was) { /* (re)started: ask the peers for their tables */
		__atomic_store_n(&s->state, SS_JOINING, __ATOMIC_RELEASE);
		s->join_ns = now;
		ask_bulk(s, now, NULL);
	} else if (!s->enabled) {
		__atomic_store_n(&s->state, SS_OFF, __ATOMIC_RELEASE);
		s->n_batch = 0;
	}
}

static void joining(struct dp_sync *s, uint64_t now)
{
	if (__atomic_load_n(&s->state, __ATOMIC_RELAXED) != SS_JOINING)
		return;
	if (now - s->join_ns >= SYNC_JOIN_MS * 1000000ull) {
		RTE_LOG(NOTICE, XLAT64, "sync: no peer answered in %u ms: alone, ready\n", SYNC_JOIN_MS);
		__atomic_store_n(&s->state, SS_ALONE, __ATOMIC_RELEASE);
	} else if (now - s->asked_ns >= SYNC_REQUEST_EVERY_MS * 1000000ull) {
		ask_bulk(s, now, NULL);
	}
}

static void *sync_main(void *arg)
{
	struct dp_sync *s = arg;
	struct dp *dp = s->dp;
	const unsigned rcu_id = dp->n_workers;
	struct pollfd pfd = { .fd = s->fd, .events = POLLIN };

	rte_rcu_qsbr_thread_register(dp->rcu, rcu_id);
	rte_rcu_qsbr_thread_online(dp->rcu, rcu_id);
	while (!__atomic_load_n(&dp->quit, __ATOMIC_RELAXED)) {
		uint64_t now = mono_ns();
		const struct xlat_config *cfg = __atomic_load_n(&dp->xcfg, __ATOMIC_ACQUIRE);
		settings(s, cfg, now);
		receive(s, cfg, now);
		if (s->enabled) {
			drain_workers(s, now);
			serve_bulk(s, now);
			joining(s, now);
		}
		rte_rcu_qsbr_quiescent(dp->rcu, rcu_id);
		/* offline while asleep: a configuration change never waits for this thread's sleep */
		rte_rcu_qsbr_thread_offline(dp->rcu, rcu_id);
		poll(&pfd, 1, s->n_batch || s->serving ? 0 : 1);
		rte_rcu_qsbr_thread_online(dp->rcu, rcu_id);
	}
	rte_rcu_qsbr_thread_offline(dp->rcu, rcu_id);
	rte_rcu_qsbr_thread_unregister(dp->rcu, rcu_id);
	return NULL;
}

/* ------------------------------------------------------------------ setup */

static unsigned pow2_at_least(uint32_t v)
{
	unsigned p = 512;

	while (p < v && p < (1u << 24))
		p <<= 1;
	return p;
}

int sync_init(struct dp *dp, char *err, size_t errlen)
{
	const struct appcfg_sync *c = &dp->cfg.sync;

	if (!c->configured)
		return 0;
	struct dp_sync *s = rte_zmalloc("sync", sizeof(*s), RTE_CACHE_LINE_SIZE);
	if (!s) {
		snprintf(err, errlen, "sync: out of memory");
		return -1;
	}
	s->dp = dp;
	s->conf = c;
	s->fd = -1;
	s->counters = dp->sync_counters;
	memcpy(s->key.k, c->key, c->key_len);
	s->key.len = c->key_len;
	pthread_mutex_init(&s->peers_lock, NULL);
	struct timespec rt;
	clock_gettime(CLOCK_REALTIME, &rt);
	s->epoch = (uint64_t)rt.tv_sec * 1000u + (uint64_t)rt.tv_nsec / 1000000u;
	g_sync = s;
	/* the redirect map: as many ports as one worker's table holds sessions */
	s->redirect = nat64_redirect_create("sync_redirect", dp->cfg.xlat.g.nat.max_sessions, (int)rte_socket_id(),
					    dp->rcu);
	if (!s->redirect) {
		snprintf(err, errlen, "sync: cannot create the redirect map: %s", rte_strerror(rte_errno));
		return -1;
	}
	dp->cfg.xlat.redirect = s->redirect;
	dp->xcfg->redirect = s->redirect;
	unsigned cap = pow2_at_least(dp->cfg.xlat.g.nat.ss_capacity);
	for (unsigned i = 0; i < dp->n_workers; i++) {
		struct dp_worker *w = &dp->workers[i];
		char name[32];
		int sock = (int)rte_lcore_to_socket_id(w->lcore);
		snprintf(name, sizeof(name), "sync_out%u", i);
		w->sync_out = rte_ring_create_elem(name, sizeof(struct sync_session), cap, sock,
						   RING_F_SP_ENQ | RING_F_SC_DEQ | RING_F_EXACT_SZ);
		snprintf(name, sizeof(name), "sync_in%u", i);
		w->sync_in = rte_ring_create_elem(name, sizeof(struct sync_session), SYNC_INSTALL_RING, sock,
						  RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (!w->sync_out || !w->sync_in) {
			snprintf(err, errlen, "sync: cannot create worker %u's rings (ss-capacity %u): %s", i, cap,
				 rte_strerror(rte_errno));
			return -1;
		}
	}
	return sync_open_socket(s, err, errlen);
}

int sync_start(struct dp *dp)
{
	struct dp_sync *s = g_sync;

	if (!s)
		return 0;
	if (rte_ctrl_thread_create(&s->tid, "xlat-sync", NULL, sync_main, s) != 0)
		return -1;
	s->started = true;
	(void)dp;
	return 0;
}

void sync_stop(struct dp *dp)
{
	struct dp_sync *s = g_sync;

	(void)dp;
	if (!s)
		return;
	if (s->started)
		pthread_join(s->tid, NULL);
	if (s->fd >= 0)
		close(s->fd);
}

/* --------------------------------------------------------------- workers */

/*
 * A worker, once per round: events on or off as ss-enabled says, a peer's
 * sessions installed, and its share of a bulk walked (within the allowance
 * the sync thread grants at bulk-rate, and leaving half the event ring to the
 * live events).
 */
void sync_worker_poll(struct dp_worker *w, const struct xlat_config *cfg, uint64_t now_ms)
{
	static const enum xlat_stat result[] = {
		[NAT64_INSTALL_NEW] = XLAT_SYNC_INSTALLED,     [NAT64_INSTALL_UPDATED] = XLAT_SYNC_UPDATED,
		[NAT64_INSTALL_CONFLICT] = XLAT_SYNC_CONFLICT, [NAT64_INSTALL_FULL] = XLAT_SYNC_INSTALL_FULL,
		[NAT64_INSTALL_INVALID] = XLAT_SYNC_INVALID,
	};
	struct sync_session recs[64];
	bool on = cfg->g.nat.ss_enabled;

	nat64_sync_attach(w->nat, on ? w->sync_out : NULL);
	w->counters[XLAT_SYNC_QUEUE_FULL] = nat64_sync_dropped(w->nat);
	unsigned n = rte_ring_sc_dequeue_burst_elem(w->sync_in, recs, sizeof(recs[0]), RTE_DIM(recs), NULL);
	for (unsigned i = 0; i < n; i++)
		w->counters[result[nat64_sync_install(w->nat, cfg, &recs[i], now_ms)]]++;
	if (!on || !g_sync)
		return;
	uint32_t gen = __atomic_load_n(&g_sync->bulk_gen, __ATOMIC_ACQUIRE);
	if (gen != w->bulk_seen) { /* a bulk asked: from the start of the table */
		w->bulk_seen = gen;
		w->bulk_pos = 0;
		w->bulk_walked = __atomic_load_n(&w->bulk_allow, __ATOMIC_ACQUIRE);
	}
	if (__atomic_load_n(&w->bulk_done, __ATOMIC_RELAXED) == gen)
		return;
	uint64_t allow = __atomic_load_n(&w->bulk_allow, __ATOMIC_ACQUIRE) - w->bulk_walked;
	unsigned room = rte_ring_free_count(w->sync_out), half = rte_ring_get_capacity(w->sync_out) / 2;
	unsigned budget = room > half ? room - half : 0;
	if (budget > 64)
		budget = 64;
	if (budget > allow)
		budget = (unsigned)allow;
	if (!budget)
		return;
	unsigned emitted;
	bool more = nat64_sync_walk(w->nat, &w->bulk_pos, budget, &emitted);
	w->bulk_walked += emitted;
	w->counters[XLAT_SYNC_BULK_SESSIONS] += emitted;
	if (!more)
		__atomic_store_n(&w->bulk_done, gen, __ATOMIC_RELEASE);
}
