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
 * of its own, thread id n_workers) and never touches a worker's table.
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
static const char *const state_names[] = { "off", "joining", "synced", "alone" };

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

static struct dp_sync *g_sync;

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void count(struct dp_sync *s, enum xlat_stat c, uint64_t n)
{
	__atomic_store_n(&s->counters[c], s->counters[c] + n, __ATOMIC_RELAXED);
}

/* ------------------------------------------------------------------ socket */

static void sockaddr_of(const struct dp_sync *s, const uint8_t *a, struct sockaddr_storage *ss, socklen_t *len)
{
	memset(ss, 0, sizeof(*ss));
	if (s->conf->family == 6) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(s->conf->port);
		memcpy(&in6->sin6_addr, a, 16);
		*len = sizeof(*in6);
	} else {
		struct sockaddr_in *in = (struct sockaddr_in *)ss;
		in->sin_family = AF_INET;
		in->sin_port = htons(s->conf->port);
		memcpy(&in->sin_addr, a, 4);
		*len = sizeof(*in);
	}
}

static int join_group(struct dp_sync *s, char *err, size_t errlen)
{
	const struct appcfg_sync *c = s->conf;
	unsigned ifx = if_nametoindex(c->interface);
	int zero = 0, one = 1;

	if (!ifx) {
		snprintf(err, errlen, "sync.interface %s: %s", c->interface, strerror(errno));
		return -1;
	}
	if (c->family == 6) {
		struct ipv6_mreq m = { .ipv6mr_interface = ifx };
		memcpy(&m.ipv6mr_multiaddr, c->group, 16);
		if (setsockopt(s->fd, IPPROTO_IPV6, IPV6_JOIN_GROUP, &m, sizeof(m)) ||
		    setsockopt(s->fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &ifx, sizeof(ifx)) ||
		    setsockopt(s->fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &zero, sizeof(zero)) ||
		    setsockopt(s->fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &one, sizeof(one)))
			goto fail;
	} else {
		struct ip_mreqn m = { .imr_ifindex = (int)ifx };
		memcpy(&m.imr_multiaddr, c->group, 4);
		memcpy(&m.imr_address, c->address, 4);
		unsigned char ttl = 1, loop = 0;
		if (setsockopt(s->fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &m, sizeof(m)) ||
		    setsockopt(s->fd, IPPROTO_IP, IP_MULTICAST_IF, &m, sizeof(m)) ||
		    setsockopt(s->fd, IPPROTO_IP, IP_MULTICAST_LOOP, &loop, sizeof(loop)) ||
		    setsockopt(s->fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof(ttl)))
			goto fail;
	}
	return 0;
fail:
	snprintf(err, errlen, "sync: joining the multicast group on %s: %s", c->interface, strerror(errno));
	return -1;
}

static int open_socket(struct dp_sync *s, char *err, size_t errlen)
{
	const struct appcfg_sync *c = s->conf;
	struct sockaddr_storage ss;
	socklen_t len;
	int buf = 8 << 20, one = 1;

	s->fd = socket(c->family == 6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->fd < 0) {
		snprintf(err, errlen, "sync: socket: %s", strerror(errno));
		return -1;
	}
	/* a bulk arrives faster than the default buffers take while the thread sleeps between rounds */
	if (setsockopt(s->fd, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof(buf)))
		setsockopt(s->fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
	if (setsockopt(s->fd, SOL_SOCKET, SO_SNDBUFFORCE, &buf, sizeof(buf)))
		setsockopt(s->fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof(buf));
	setsockopt(s->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	/* bound to the group (multicast: receives what is sent to it) or to our unicast address */
	sockaddr_of(s, c->multicast && c->family == 4 ? (const uint8_t[16]){ 0 } : c->address, &ss, &len);
	if (c->multicast && c->family == 6)
		sockaddr_of(s, (const uint8_t[16]){ 0 }, &ss, &len);
	if (bind(s->fd, (struct sockaddr *)&ss, len) != 0) {
		char a[INET6_ADDRSTRLEN];
		inet_ntop(c->family == 6 ? AF_INET6 : AF_INET, c->address, a, sizeof(a));
		snprintf(err, errlen, "sync: cannot listen on %s port %u: %s", a, c->port, strerror(errno));
		return -1;
	}
	if (c->multicast) {
		if (join_group(s, err, errlen))
			return -1;
		sockaddr_of(s, c->group, &s->dst[0], &s->dlen);
		s->n_dst = 1;
	} else {
		for (unsigned i = 0; i < c->n_peers; i++)
			sockaddr_of(s, c->peers[i], &s->dst[i], &s->dlen);
		s->n_dst = c->n_peers;
	}
	return 0;
}

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
	return open_socket(s, err, errlen);
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

/* ------------------------------------------------------------- control API */

json_t *sync_status_json(void)
{
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
			      state_names[__atomic_load_n(&s->state, __ATOMIC_ACQUIRE)], "node-id",
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

int sync_ready(char *err, size_t errlen)
{
	struct dp_sync *s = g_sync;

	if (!s) {
		snprintf(err, errlen, "no \"sync\" section: nothing to wait for");
		return 0;
	}
	uint32_t st = __atomic_load_n(&s->state, __ATOMIC_ACQUIRE);
	if (st == SS_SYNCED || st == SS_ALONE)
		return 0;
	snprintf(err, errlen, "sync is %s%s", state_names[st],
		 st == SS_OFF ? " (global ss-enabled is false)" : ": waiting for a peer's table");
	return -1;
}

int sync_request_bulk(char *err, size_t errlen)
{
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
