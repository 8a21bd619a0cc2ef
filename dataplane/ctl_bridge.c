/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The dataplane side of the control API (struct api_bridge, control/api.h):
 * the translator configuration in force and its RCU publication, counters per
 * worker, ports (link, counters, rates, xstats), the neighbour table; and the
 * same counters through DPDK telemetry (/xlat64/...), for dpdk-telemetry.py.
 *
 * Publication: workers load g_dp.xcfg once per poll round (acquire) and
 * report quiescence on g_dp.rcu every round. A change copies the
 * configuration in force, edits the copy, stores the new pointer (release),
 * waits for a grace period (rte_rcu_qsbr_synchronize) and frees the old one.
 * The control thread reads g_dp.xcfg too (slow path, ARP/ND for EAMT
 * addresses); it does so under cp_lock, which every change holds from the
 * copy to the free, so it never sees a freed configuration either. cp_lock
 * is only ever taken by control-plane threads.
 */
#include <limits.h>
#include <time.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_telemetry.h>
#include <rte_version.h>

#include "api.h"
#include "dp.h"

#define RATE_INTERVAL_NS 1000000000ull

static pthread_mutex_t cp_lock = PTHREAD_MUTEX_INITIALIZER;
static struct api_bridge bridge;
static uint64_t started_ns;

struct sample {
	bool valid;
	uint64_t t_ns, rx_p, tx_p, rx_b, tx_b;
};
/* The last two samples per port, taken by ctl_bridge_tick() under cp_lock. */
static struct sample s_prev[APPCFG_MAX_PORTS], s_last[APPCFG_MAX_PORTS];

void ctl_bridge_lock(void)
{
	pthread_mutex_lock(&cp_lock);
}

void ctl_bridge_unlock(void)
{
	pthread_mutex_unlock(&cp_lock);
}

/*
 * NAT64 requests to the workers. Only a worker touches its table, so the
 * control side asks: it fills a slot (under cp_lock) and sets state REQ
 * (release); the worker, once per poll round, claims it (REQ -> BUSY), does
 * a bounded amount of work and sets DONE (release); the control side waits
 * at most SESS_WAIT_MS. On a timeout it takes back a request not yet claimed
 * (REQ -> IDLE); one claimed is always finished, so it waits for that.
 */
enum { SLOT_IDLE, SLOT_REQ, SLOT_BUSY, SLOT_DONE };
#define SESS_SCAN_MAX 65536 /* table positions a worker looks at per request */
#define SESS_WAIT_MS 1000

struct sess_slot {
	uint32_t state;
	uint32_t pos, next;
	unsigned max, n;
	struct api_session_filter f;
	struct nat64_session_info buf[API_SESSION_BATCH];
	uint64_t seen_gen; /* the worker's: the configuration generation it last purged for */
} __rte_cache_aligned;

static struct sess_slot *slots;
static unsigned n_slots;
static uint64_t cfg_gen; /* bumped by every publication */

static bool sess_match(const struct api_session_filter *f, const struct nat64_session_info *s)
{
	if (f->proto && s->proto != f->proto)
		return false;
	if (f->has6 && memcmp(f->addr6, s->addr6, 16) != 0)
		return false;
	if (f->has4 && f->addr4 != s->local4 && f->addr4 != s->remote4)
		return false;
	return true;
}

void ctl_bridge_worker_poll(struct dp_worker *w, uint64_t now_ms)
{
	struct sess_slot *sl;
	uint32_t st = SLOT_REQ;

	if (!w->nat || !slots || w->index >= n_slots)
		return;
	sl = &slots[w->index];
	uint64_t gen = __atomic_load_n(&cfg_gen, __ATOMIC_ACQUIRE);
	if (gen != sl->seen_gen) {
		/* a new configuration: drop what depends on removed pool4 / static BIB entries */
		const struct xlat_config *cfg = __atomic_load_n(&g_dp.xcfg, __ATOMIC_ACQUIRE);
		unsigned n = nat64_purge(w->nat, cfg);

		sl->seen_gen = gen;
		if (n)
			RTE_LOG(INFO, XLAT64, "worker %u: %u NAT64 sessions removed with the configuration change\n",
				w->index, n);
	}
	if (!__atomic_compare_exchange_n(&sl->state, &st, SLOT_BUSY, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		return;
	uint32_t pos = sl->pos, scanned_from = pos;
	unsigned n = 0;
	struct nat64_session_info si;

	while (n < sl->max && pos - scanned_from < SESS_SCAN_MAX) {
		uint32_t nx = nat64_session_next(w->nat, pos, &si);
		if (!nx) {
			pos = 0;
			break;
		}
		if (sess_match(&sl->f, &si)) {
			/* the worker's clock means nothing elsewhere: how long is left */
			si.expires_ms = si.expires_ms > now_ms ? si.expires_ms - now_ms : 0;
			sl->buf[n++] = si;
		}
		pos = nx;
	}
	sl->n = n;
	sl->next = pos;
	__atomic_store_n(&sl->state, SLOT_DONE, __ATOMIC_RELEASE);
}

static int b_nat64_sessions(void *opaque, unsigned w, uint32_t pos, const struct api_session_filter *f,
			    struct nat64_session_info *out, unsigned max, uint32_t *next, char *err, size_t errlen)
{
	struct dp *dp = opaque;
	struct sess_slot *sl;
	struct timespec t0, t;
	uint32_t st;
	int n;

	if (w >= dp->n_workers || w >= n_slots || !dp->workers[w].nat) {
		snprintf(err, errlen, "worker %u has no NAT64 table", w);
		return -1;
	}
	if (max > API_SESSION_BATCH)
		max = API_SESSION_BATCH;
	sl = &slots[w];
	ctl_bridge_lock();
	sl->pos = pos;
	sl->max = max;
	sl->f = *f;
	__atomic_store_n(&sl->state, SLOT_REQ, __ATOMIC_RELEASE);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		st = __atomic_load_n(&sl->state, __ATOMIC_ACQUIRE);
		if (st == SLOT_DONE)
			break;
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (st == SLOT_REQ && (t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000 > SESS_WAIT_MS) {
			if (__atomic_compare_exchange_n(&sl->state, &st, SLOT_IDLE, false, __ATOMIC_ACQUIRE,
							__ATOMIC_RELAXED)) {
				ctl_bridge_unlock();
				snprintf(err, errlen, "worker %u did not answer within %d ms (is it stuck?)", w,
					 SESS_WAIT_MS);
				return -1;
			}
			continue; /* claimed meanwhile: it finishes */
		}
		rte_delay_us_sleep(20);
	}
	n = (int)sl->n;
	memcpy(out, sl->buf, sizeof(*out) * sl->n);
	*next = sl->next;
	__atomic_store_n(&sl->state, SLOT_IDLE, __ATOMIC_RELAXED);
	ctl_bridge_unlock();
	return n;
}

/* ------------------------------------------------------ configuration */

static void b_xlat_read(void *opaque, struct xlat_config *out)
{
	struct dp *dp = opaque;

	ctl_bridge_lock();
	*out = *dp->xcfg;
	ctl_bridge_unlock();
}

static int b_xlat_update(void *opaque, api_edit_fn fn, void *arg, char *err, size_t errlen)
{
	struct dp *dp = opaque;
	struct xlat_config *old, *nc = rte_malloc("xlat_config", sizeof(*nc), RTE_CACHE_LINE_SIZE);
	int rc;

	if (!nc) {
		snprintf(err, errlen, "out of memory for a copy of the configuration (%zu bytes of DPDK memory)",
			 sizeof(*nc));
		return -1;
	}
	ctl_bridge_lock();
	old = dp->xcfg;
	*nc = *old;
	rc = fn(nc, arg, err, errlen);
	if (rc != 0) {
		ctl_bridge_unlock();
		rte_free(nc);
		return rc < 0 ? -1 : rc;
	}
	nc->gen = old->gen + 1;
	__atomic_store_n(&dp->xcfg, nc, __ATOMIC_RELEASE);
	/* after the pointer: a worker that sees this generation loads nc or a newer one (ctl_bridge_worker_poll) */
	__atomic_add_fetch(&cfg_gen, 1, __ATOMIC_RELEASE);
	/* Every worker has finished the poll round that might have used old. */
	rte_rcu_qsbr_synchronize(dp->rcu, RTE_QSBR_THRID_INVALID);
	ctl_bridge_unlock();
	rte_free(old);
	return 0;
}

/* ----------------------------------------------------------- counters */

static unsigned b_n_workers(void *opaque)
{
	return ((struct dp *)opaque)->n_workers;
}

static unsigned b_worker_lcore(void *opaque, unsigned w)
{
	struct dp *dp = opaque;

	return w < dp->n_workers ? dp->workers[w].lcore : 0;
}

static void b_counters(void *opaque, int who, uint64_t out[XSTAT_MAX])
{
	struct dp *dp = opaque;

	if (who == API_COUNT_ALL) {
		stats_sum(dp, out);
		return;
	}
	for (unsigned s = 0; s < XSTAT_MAX; s++) {
		if (who == API_COUNT_CONTROL)
			out[s] = __atomic_load_n(&dp->slow_counters[s], __ATOMIC_RELAXED);
		else if (who >= 0 && (unsigned)who < dp->n_workers)
			out[s] = __atomic_load_n(&dp->workers[who].counters[s], __ATOMIC_RELAXED);
		else
			out[s] = 0;
	}
}

/* -------------------------------------------------------------- ports */

/*
 * A port's frames and bytes in and out: its DPDK statistics, or for a VLAN
 * sub-interface the workers' own counters of it (dp_worker.if_*).
 */
static int port_counts(const struct dp *dp, unsigned idx, struct rte_eth_stats *st)
{
	memset(st, 0, sizeof(*st));
	if (!dp->ports[idx].is_vlan)
		return rte_eth_stats_get(dp->ports[idx].port_id, st);
	for (unsigned w = 0; w < dp->n_workers; w++) {
		const struct dp_worker *wk = &dp->workers[w];
		st->ipackets += __atomic_load_n(&wk->if_rx[idx], __ATOMIC_RELAXED);
		st->ibytes += __atomic_load_n(&wk->if_rx_bytes[idx], __ATOMIC_RELAXED);
		st->opackets += __atomic_load_n(&wk->if_tx[idx], __ATOMIC_RELAXED);
		st->obytes += __atomic_load_n(&wk->if_tx_bytes[idx], __ATOMIC_RELAXED);
	}
	return 0;
}

static int b_port_info(void *opaque, unsigned idx, struct api_port_info *pi, char *err, size_t errlen)
{
	struct dp *dp = opaque;
	struct rte_eth_dev_info info;
	struct rte_eth_link link;
	struct rte_eth_stats st;
	uint16_t pid;
	int rc;

	if (idx >= dp->n_ports) {
		snprintf(err, errlen, "no port %u", idx);
		return -1;
	}
	pid = dp->ports[idx].port_id;
	memset(pi, 0, sizeof(*pi));
	pi->port_id = pid;
	pi->mtu = dp->ports[idx].mtu;
	memcpy(pi->mac, dp->ports[idx].mac.addr_bytes, 6);
	if (rte_eth_dev_info_get(pid, &info) == 0 && info.driver_name)
		snprintf(pi->driver, sizeof(pi->driver), "%s", info.driver_name);
	memset(&link, 0, sizeof(link));
	if (rte_eth_link_get_nowait(pid, &link) == 0) {
		pi->link_up = link.link_status == RTE_ETH_LINK_UP;
		pi->full_duplex = link.link_duplex == RTE_ETH_LINK_FULL_DUPLEX;
		pi->autoneg = link.link_autoneg == RTE_ETH_LINK_AUTONEG;
		pi->speed_mbps = link.link_speed == RTE_ETH_SPEED_NUM_UNKNOWN ? 0 : link.link_speed;
	}
	rc = port_counts(dp, idx, &st);
	if (rc != 0) {
		snprintf(err, errlen, "port %s: cannot read its statistics: %s", dp->cfg.ports[idx].name,
			 rte_strerror(-rc));
		return -1;
	}
	pi->rx_packets = st.ipackets;
	pi->tx_packets = st.opackets;
	pi->rx_bytes = st.ibytes;
	pi->tx_bytes = st.obytes;
	pi->rx_missed = st.imissed;
	pi->rx_errors = st.ierrors;
	pi->tx_errors = st.oerrors;
	pi->rx_nombuf = st.rx_nombuf;
	ctl_bridge_lock();
	if (s_prev[idx].valid && s_last[idx].valid && s_last[idx].t_ns > s_prev[idx].t_ns) {
		double dt = (double)(s_last[idx].t_ns - s_prev[idx].t_ns) / 1e9;

		pi->rates_valid = true;
		pi->rx_pps = (double)(s_last[idx].rx_p - s_prev[idx].rx_p) / dt;
		pi->tx_pps = (double)(s_last[idx].tx_p - s_prev[idx].tx_p) / dt;
		pi->rx_bps = (double)(s_last[idx].rx_b - s_prev[idx].rx_b) * 8 / dt;
		pi->tx_bps = (double)(s_last[idx].tx_b - s_prev[idx].tx_b) * 8 / dt;
		pi->rate_interval_ms = (uint32_t)(dt * 1000 + 0.5);
	}
	ctl_bridge_unlock();
	return 0;
}

static json_t *b_port_xstats(void *opaque, unsigned idx, char *err, size_t errlen)
{
	struct dp *dp = opaque;
	struct rte_eth_xstat_name *names = NULL;
	struct rte_eth_xstat *vals = NULL;
	json_t *o = NULL;
	uint16_t pid;
	int n, m;

	if (idx >= dp->n_ports) {
		snprintf(err, errlen, "no port %u", idx);
		return NULL;
	}
	pid = dp->ports[idx].port_id;
	n = rte_eth_xstats_get_names(pid, NULL, 0);
	if (n < 0) {
		snprintf(err, errlen, "port %s: no extended statistics: %s", dp->cfg.ports[idx].name, rte_strerror(-n));
		return NULL;
	}
	names = calloc((size_t)n + 1, sizeof(*names));
	vals = calloc((size_t)n + 1, sizeof(*vals));
	o = json_object();
	if (!names || !vals || !o) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	if (rte_eth_xstats_get_names(pid, names, (unsigned)n) != n || (m = rte_eth_xstats_get(pid, vals, (unsigned)n)) < 0 ||
	    m > n) {
		snprintf(err, errlen, "port %s: the extended statistics changed while being read; try again",
			 dp->cfg.ports[idx].name);
		goto fail;
	}
	for (int i = 0; i < m; i++)
		if (vals[i].id < (uint64_t)n)
			json_object_set_new(o, names[vals[i].id].name, json_integer((json_int_t)vals[i].value));
	free(names);
	free(vals);
	return o;
fail:
	free(names);
	free(vals);
	json_decref(o);
	return NULL;
}

void ctl_bridge_tick(uint64_t now)
{
	struct dp *dp = &g_dp;

	if (s_last[0].valid && now - s_last[0].t_ns < RATE_INTERVAL_NS)
		return;
	ctl_bridge_lock();
	for (unsigned i = 0; i < dp->n_ports && i < APPCFG_MAX_PORTS; i++) {
		struct rte_eth_stats st;

		if (port_counts(dp, i, &st) != 0)
			continue;
		s_prev[i] = s_last[i];
		s_last[i] = (struct sample){ true, now, st.ipackets, st.opackets, st.ibytes, st.obytes };
	}
	ctl_bridge_unlock();
}

/* -------------------------------------------------------- neighbours */

struct nwalk {
	void (*fn)(void *arg, const struct api_neigh *n);
	void *arg;
};

static void neigh_cb(void *arg, uint16_t port, int family, const uint8_t *addr, const struct rte_ether_addr *mac)
{
	struct nwalk *w = arg;
	struct api_neigh n;

	memset(&n, 0, sizeof(n));
	n.port = port;
	n.family = family;
	memcpy(n.addr, addr, family == 4 ? 4 : 16);
	memcpy(n.mac, mac->addr_bytes, 6);
	w->fn(w->arg, &n);
}

static void b_neigh_walk(void *opaque, void (*fn)(void *arg, const struct api_neigh *n), void *arg)
{
	struct nwalk w = { fn, arg };

	(void)opaque;
	/* the slow path, the table's only writer, runs under the same lock */
	ctl_bridge_lock();
	neigh_foreach(neigh_cb, &w);
	ctl_bridge_unlock();
}

/* --------------------------------------------------------------- info */

/* HA (sync.c): the sync thread's view; it keeps its own state, no lock of ours needed */
static json_t *b_sync_status(void *opaque)
{
	(void)opaque;
	return sync_status_json();
}

static int b_sync_ready(void *opaque, char *err, size_t errlen)
{
	(void)opaque;
	return sync_ready(err, errlen);
}

static int b_sync_bulk(void *opaque, char *err, size_t errlen)
{
	(void)opaque;
	return sync_request_bulk(err, errlen);
}

/* Live addresses (addresses.c); a new configuration generation after, for the fast path's memo. */
static int gen_bump(struct xlat_config *cfg, void *arg, char *err, size_t errlen)
{
	(void)cfg;
	(void)arg;
	(void)err;
	(void)errlen;
	return 0;
}

static int b_addr_change(void *opaque, unsigned port, const struct appcfg_addr *a, bool add, char *err, size_t errlen)
{
	struct dp *dp = opaque;

	ctl_bridge_lock();
	int rc = addr_live_change(dp, (uint16_t)port, a, add, err, errlen);
	ctl_bridge_unlock();
	if (rc == ADDR_UNCHANGED)
		return API_UNCHANGED;
	if (rc == 0 && b_xlat_update(opaque, gen_bump, NULL, err, errlen) != 0)
		RTE_LOG(WARNING, XLAT64, "address changed, but no new configuration generation: %s\n", err);
	return rc;
}

struct addr_walk_arg {
	void (*fn)(void *arg, unsigned port, const struct appcfg_addr *a);
	void *arg;
};

static void addr_walk_one(void *arg, uint16_t port, const struct appcfg_addr *a)
{
	struct addr_walk_arg *w = arg;

	w->fn(w->arg, port, a);
}

static void b_addr_walk(void *opaque, void (*fn)(void *arg, unsigned port, const struct appcfg_addr *a), void *arg)
{
	struct addr_walk_arg w = { fn, arg };

	(void)opaque;
	addr_live_walk(addr_walk_one, &w);
}

static json_t *b_info(void *opaque)
{
	struct dp *dp = opaque;

	return json_pack("{s:s, s:i, s:i, s:I, s:I, s:o}", "dpdk", rte_version(), "workers", (int)dp->n_workers, "ports",
			 (int)dp->n_ports, "uptime-s", (json_int_t)((now_ns() - started_ns) / 1000000000ull), "tsc-hz",
			 (json_int_t)rte_get_tsc_hz(),
			 "config-file", bridge.config_path ? json_string(bridge.config_path) : json_null());
}

int ctl_bridge_reload(char *msg, size_t msglen)
{
	json_t *res = NULL;
	char err[1024];

	if (api_config_reload(&bridge, NULL, NULL, 0, false, &res, err, sizeof(err)) != 0) {
		snprintf(msg, msglen, "%s", err);
		return -1;
	}
	json_t *ch = json_object_get(res, "changed");
	char *s = json_dumps(ch, JSON_COMPACT);
	snprintf(msg, msglen, "reloaded %s; changed sections: %s", bridge.config_path ? bridge.config_path : "?",
		 json_array_size(ch) ? (s ? s : "?") : "none");
	free(s);
	json_decref(res);
	return 0;
}

/* ---------------------------------------------------------- telemetry */

static void tel_counters(struct rte_tel_data *d, int who)
{
	uint64_t v[XSTAT_MAX];

	b_counters(&g_dp, who, v);
	rte_tel_data_start_dict(d);
	for (unsigned s = 0; s < XSTAT_MAX; s++)
		rte_tel_data_add_dict_u64(d, xlat_stat_name((enum xlat_stat)s), v[s]);
}

/* /xlat64/stats: every counter, summed. */
static int tel_stats(const char *cmd, const char *params, struct rte_tel_data *d)
{
	(void)cmd;
	(void)params;
	tel_counters(d, API_COUNT_ALL);
	return 0;
}

/* /xlat64/stats_core,N: worker N's counters; "control": the control thread's. */
static int tel_stats_core(const char *cmd, const char *params, struct rte_tel_data *d)
{
	char *end;
	unsigned long w;

	(void)cmd;
	if (params && strcmp(params, "control") == 0) {
		tel_counters(d, API_COUNT_CONTROL);
		return 0;
	}
	if (!params || !*params)
		return -1;
	w = strtoul(params, &end, 10);
	if (*end || w >= g_dp.n_workers)
		return -1;
	tel_counters(d, (int)w);
	return 0;
}

static int tel_info(const char *cmd, const char *params, struct rte_tel_data *d)
{
	(void)cmd;
	(void)params;
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "version", XLAT64_VERSION);
	rte_tel_data_add_dict_string(d, "mode", api_mode_name(g_dp.cfg.xlat.mode));
	rte_tel_data_add_dict_int(d, "workers", (int)g_dp.n_workers);
	rte_tel_data_add_dict_int(d, "ports", (int)g_dp.n_ports);
	rte_tel_data_add_dict_u64(d, "uptime_s", (now_ns() - started_ns) / 1000000000ull);
	return 0;
}

static void telemetry_init(void)
{
	if (rte_telemetry_register_cmd("/xlat64/stats", tel_stats, "Every xlat64 counter, summed. No parameters") ||
	    rte_telemetry_register_cmd("/xlat64/stats_core", tel_stats_core,
				       "One thread's xlat64 counters. Parameters: worker index, or \"control\"") ||
	    rte_telemetry_register_cmd("/xlat64/info", tel_info, "xlat64d version, mode, workers, ports. No parameters"))
		fprintf(stderr, "xlat64d: cannot register the telemetry commands (continuing)\n");
}

const struct api_bridge *ctl_bridge_init(struct dp *dp, const char *config_path)
{
	static char abs_path[PATH_MAX];

	started_ns = now_ns();
	/* SIGHUP and "config reload" find the file even if the working directory changes. */
	if (config_path && realpath(config_path, abs_path))
		config_path = abs_path;
	bridge = (struct api_bridge){
		.opaque = dp,
		.boot = &dp->cfg,
		.config_path = config_path,
		.xlat_read = b_xlat_read,
		.xlat_update = b_xlat_update,
		.n_workers = b_n_workers,
		.worker_lcore = b_worker_lcore,
		.counters = b_counters,
		.port_info = b_port_info,
		.port_xstats = b_port_xstats,
		.neigh_walk = b_neigh_walk,
		.info = b_info,
		.nat64_sessions = dp->n_workers && dp->workers[0].nat ? b_nat64_sessions : NULL,
		.sync_status = b_sync_status,
		.sync_ready = b_sync_ready,
		.sync_bulk = b_sync_bulk,
		.addr_change = b_addr_change,
		.addr_walk = b_addr_walk,
	};
	if (dp->n_workers && dp->workers[0].nat) {
		slots = rte_zmalloc("nat64_ctl_slots", sizeof(*slots) * dp->n_workers, RTE_CACHE_LINE_SIZE);
		if (slots)
			n_slots = dp->n_workers;
		else
			bridge.nat64_sessions = NULL;
	}
	telemetry_init();
	return &bridge;
}
