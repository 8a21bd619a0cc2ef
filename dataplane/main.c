/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * xlat64d: EAL, ports, workers on every EAL lcore, and the control thread
 * (slow path, control socket, shutdown).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf_dyn.h>

#include "config_load.h"
#include "api.h"
#include "ctl_server.h"
#include "dp.h"

struct dp g_dp;

static struct {
	const char *config;
	long idle_exit_ms;
	const char *stats_out;
} opts = { .idle_exit_ms = -1 };

static void usage(FILE *f)
{
	fprintf(f, "usage: xlat64d --config FILE [--idle-exit MS] [--stats-out FILE]\n"
		   "  --config FILE     JSON configuration (doc/configuration.md)\n"
		   "  --idle-exit MS    exit once no frame arrived for MS milliseconds (tests, pcap replays)\n"
		   "  --stats-out FILE  write every counter as JSON at exit\n"
		   "  --version\n");
}

static int parse_args(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "config", required_argument, NULL, 'c' }, { "idle-exit", required_argument, NULL, 'i' },
		{ "stats-out", required_argument, NULL, 's' }, { "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' }, { NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "c:h", lo, NULL)) != -1) {
		switch (c) {
		case 'c':
			opts.config = optarg;
			break;
		case 'i': {
			char *end;
			opts.idle_exit_ms = strtol(optarg, &end, 10);
			if (*end || opts.idle_exit_ms < 0) {
				fprintf(stderr, "xlat64d: --idle-exit: '%s' is not a number of milliseconds\n", optarg);
				return -1;
			}
			break;
		}
		case 's':
			opts.stats_out = optarg;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case 'V':
			printf("xlat64d %s\n", XLAT64_VERSION);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind != argc || !opts.config) {
		usage(stderr);
		return -1;
	}
	return 0;
}

/* SIGHUP: reload the --config file (control thread, same path as "config reload"). */
static volatile sig_atomic_t hup;

static void on_hup(int sig)
{
	(void)sig;
	hup = 1;
}

static void on_signal(int sig)
{
	(void)sig;
	__atomic_store_n(&g_dp.quit, true, __ATOMIC_RELAXED);
}

static json_t *counters_json(bool all)
{
	uint64_t sum[XSTAT_MAX];
	json_t *o = json_object();

	stats_sum(&g_dp, sum);
	for (unsigned s = 0; s < XSTAT_MAX; s++)
		if (all || sum[s])
			json_object_set_new(o, xlat_stat_name(s), json_integer((json_int_t)sum[s]));
	return o;
}

static void write_stats(const char *path)
{
	json_t *o = json_object();

	json_object_set_new(o, "counters", counters_json(true));
	if (json_dump_file(o, path, JSON_INDENT(2) | JSON_SORT_KEYS) != 0)
		RTE_LOG(ERR, XLAT64, "cannot write %s: %s\n", path, strerror(errno));
	json_decref(o);
}

/* The control thread: slow path, neighbour retries, idle-exit watch. The socket has its own thread. */
static uint32_t control_main(void *arg)
{
	struct dp *dp = arg;
	uint64_t last_rx = 0, last_change = now_ns(), last_timer = 0, started = last_change;

	while (!__atomic_load_n(&dp->quit, __ATOMIC_RELAXED)) {
		uint64_t now = now_ns();
		if (hup) {
			char msg[1100];
			hup = 0;
			int r = ctl_bridge_reload(msg, sizeof(msg));
			rte_log(r ? RTE_LOG_WARNING : RTE_LOG_NOTICE, RTE_LOGTYPE_XLAT64, "XLAT64: SIGHUP: %s%s\n",
				r ? "reload refused: " : "", msg);
		}
		ctl_bridge_lock(); /* the slow path reads dp->xcfg; configuration changes hold this lock */
		slowpath_poll(dp);
		natlog_poll(dp);
		if (now - last_timer > 10000000ull) {
			last_timer = now;
			slowpath_timer(dp, now);
			ports_watch(dp, now);
			announce_tick(dp, now);
			ctl_bridge_unlock();
			ctl_bridge_tick(now);
			ctl_bridge_lock();
			if (opts.idle_exit_ms >= 0) {
				uint64_t rx = 0;
				for (unsigned w = 0; w < dp->n_workers; w++)
					rx += __atomic_load_n(&dp->workers[w].counters[XLAT_RX], __ATOMIC_RELAXED);
				bool busy = rte_ring_count(dp->to_slow) || rte_ring_count(dp->to_tx);
				if (rx != last_rx || busy) {
					last_rx = rx;
					last_change = now;
				} else if (now - last_change > (uint64_t)opts.idle_exit_ms * 1000000ull &&
					   (rx > 0 || now - started > 12000000000ull)) {
					/* idle: but a loaded machine may be slow to start polling, so wait
					 * for the first frame (or 12 s) before idleness counts */
					__atomic_store_n(&dp->quit, true, __ATOMIC_RELAXED);
				}
			}
		}
		ctl_bridge_unlock();
		route_sync_poll(dp, now); /* the host's routes into the dataplane's table */
		if (rte_ring_empty(dp->to_slow))
			usleep(200);
	}
	return 0;
}

static char **eal_argv(const struct appcfg *cfg, const char *argv0, int *argc)
{
	char **v = calloc(cfg->n_eal_args + 2 * APPCFG_MAX_PORTS + 3, sizeof(char *));
	int n = 0;

	v[n++] = (char *)argv0;
	for (unsigned i = 0; i < cfg->n_eal_args; i++)
		v[n++] = cfg->eal_args[i];
	/* PCI ports are probed by EAL; virtual ones are created later (port.c). */
	bool pci = false;
	for (unsigned p = 0; p < cfg->n_ports; p++) {
		if (!cfg->ports[p].is_vlan && strncmp(cfg->ports[p].device, "net_", 4) != 0) {
			v[n++] = (char *)"-a";
			v[n++] = (char *)cfg->ports[p].device;
			pci = true;
		}
	}
	/* Without a PCI port of ours, EAL would probe every device bound to a DPDK driver (or try to take
	 * the machine's NIC): none is ours unless the "eal" list names it. */
	bool eal_pci = false;
	for (unsigned i = 0; i < cfg->n_eal_args; i++) {
		const char *a = cfg->eal_args[i];
		eal_pci |= !strcmp(a, "-a") || !strcmp(a, "-b") || !strncmp(a, "--allow", 7) || !strncmp(a, "--block", 7) ||
			   !strcmp(a, "--no-pci");
	}
	if (!pci && !eal_pci)
		v[n++] = (char *)"--no-pci";
	v[n] = NULL;
	*argc = n;
	return v;
}

/*
 * What the set-up took of DPDK's memory, every socket's heap together (mempools, tables and rings all come
 * from them), so that an operator can size -m or the hugepages: without hugepages -m is all there is.
 */
static void log_memory(void)
{
	uint64_t used = 0, total = 0;

	for (unsigned i = 0; i < rte_socket_count(); i++) {
		struct rte_malloc_socket_stats st;
		if (rte_malloc_get_socket_stats(rte_socket_id_by_idx(i), &st) == 0) {
			used += st.heap_allocsz_bytes;
			total += st.heap_totalsz_bytes;
		}
	}
	RTE_LOG(NOTICE, XLAT64, "memory: %" PRIu64 " MiB of DPDK's in use, %" PRIu64 " MiB free%s\n", used >> 20,
		(total - used) >> 20,
		rte_eal_has_hugepages() ? " of what it has mapped (on hugepages it maps more as it needs)"
					: " (no hugepages: -m is all it has)");
}

/* Worker i on lcore: a translator context and a transmit buffer per port, NAT64's tables and handoff ring. */
static int worker_init(struct dp *dp, unsigned i, unsigned lcore, char *err, size_t errlen)
{
	struct dp_worker *w = &dp->workers[i];

	w->index = i;
	w->lcore = lcore;
	for (unsigned p = 0; p < dp->n_ports; p++) {
		struct xlat_ctx *c = &w->ctx[p];
		const struct dp_port *port = &dp->ports[p];
		c->cfg = dp->xcfg;
		c->counters = w->counters;
		c->route = fib_route;
		c->route_opaque = dp;
		c->own = dp_own;
		c->rand_state = 0x2545f491u * (i + 1) + p * 7919u + (uint32_t)rte_rdtsc();
		c->icmp_rl.tokens = dp->cfg.xlat.g.icmp_errors_per_sec;
		c->in_self4 = port->self4;
		c->in_self4_set = port->has4;
		memcpy(c->in_self6, port->has6 ? port->self6 : port->ll6, 16);
		c->in_self6_set = true;
		c->in_mtu = port->mtu;
		w->txb[p] = rte_zmalloc_socket("txb", RTE_ETH_TX_BUFFER_SIZE(DP_BURST), 0,
					       rte_eth_dev_socket_id(port->port_id));
		if (!w->txb[p]) {
			snprintf(err, errlen, "out of memory for tx buffers");
			return -1;
		}
		rte_eth_tx_buffer_init(w->txb[p], DP_BURST);
	}
	if (dp->cfg.xlat.mode == XLAT_MODE_NAT64) {
		char name[32];
		snprintf(name, sizeof(name), "nat%u", i);
		w->nat = nat64_table_create(name, dp->cfg.xlat.g.nat.max_sessions, i, dp->n_workers,
					    (int)rte_lcore_to_socket_id(lcore));
		snprintf(name, sizeof(name), "handoff%u", i);
		w->handoff = rte_ring_create(name, 4096, (int)rte_lcore_to_socket_id(lcore), RING_F_SC_DEQ);
		if (!w->nat || !w->handoff) {
			snprintf(err, errlen, "worker %u: cannot create NAT64 tables for %u sessions: %s "
					      "(hugepages? -m? global.max-sessions-per-worker?)",
				 i, dp->cfg.xlat.g.nat.max_sessions, rte_strerror(rte_errno));
			return -1;
		}
		for (unsigned p = 0; p < dp->n_ports; p++)
			w->ctx[p].nat = w->nat;
		if (natlog_worker_init(dp, w, err, errlen))
			return -1;
	}
	return 0;
}

static int setup(struct dp *dp, char *err, size_t errlen)
{
	static const struct rte_mbuf_dynfield meta_desc = {
		.name = "xlat64_meta", .size = sizeof(struct dp_meta), .align = __alignof__(struct dp_meta),
	};

	dp->meta_off = rte_mbuf_dynfield_register(&meta_desc);
	if (dp->meta_off < 0) {
		snprintf(err, errlen, "cannot register mbuf field: %s", rte_strerror(rte_errno));
		return -1;
	}
	dp->n_workers = rte_lcore_count();
	dp->workers = rte_zmalloc("workers", sizeof(struct dp_worker) * dp->n_workers, RTE_CACHE_LINE_SIZE);
	dp->xcfg = rte_malloc("xlat_config", sizeof(struct xlat_config), RTE_CACHE_LINE_SIZE);
	/* readers: the workers, and the sync thread (sync.c, thread id n_workers) */
	size_t rcu_sz = rte_rcu_qsbr_get_memsize(dp->n_workers + 1);
	dp->rcu = rte_zmalloc("rcu", rcu_sz, RTE_CACHE_LINE_SIZE);
	if (!dp->workers || !dp->xcfg || !dp->rcu) {
		snprintf(err, errlen, "out of memory (hugepages? -m?)");
		return -1;
	}
	*dp->xcfg = dp->cfg.xlat;
	rte_rcu_qsbr_init(dp->rcu, dp->n_workers + 1);

	unsigned nb = dp->cfg.mbufs_per_port * dp->cfg.n_ports + dp->n_workers * 1024;
	/* One segment per frame: the data room follows the largest port MTU (jumbo frames stay linear). */
	unsigned room = RTE_MBUF_DEFAULT_DATAROOM;
	for (unsigned p = 0; p < dp->cfg.n_ports; p++)
		if (dp->cfg.ports[p].mtu + 18u + 64u > room)
			room = dp->cfg.ports[p].mtu + 18u + 64u;
	dp->pool = dp_pktmbuf_pool_create("mbufs", nb, 256, (uint16_t)(RTE_PKTMBUF_HEADROOM + room),
					  (int)rte_socket_id());
	if (!dp->pool) {
		snprintf(err, errlen, "cannot create a pool of %u mbufs: %s (hugepages? -m?)", nb,
			 rte_strerror(rte_errno));
		return -1;
	}
	dp->to_slow = rte_ring_create("to_slow", 4096, (int)rte_socket_id(), RING_F_SC_DEQ);
	dp->to_tx = rte_ring_create("to_tx", 4096, (int)rte_socket_id(), RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (!dp->to_slow || !dp->to_tx) {
		snprintf(err, errlen, "cannot create rings: %s", rte_strerror(rte_errno));
		return -1;
	}
	if (ports_init(dp, err, errlen) || fib_init(dp, err, errlen) || neigh_init(dp, err, errlen) ||
	    route_sync_init(dp, err, errlen))
		return -1;

	unsigned i = 0, lcore;
	RTE_LCORE_FOREACH(lcore) {
		if (worker_init(dp, i, lcore, err, errlen))
			return -1;
		i++;
	}
	return sync_init(dp, err, errlen);
}

int main(int argc, char **argv)
{
	struct dp *dp = &g_dp;
	char err[1024];
	int eargc, rc = 1;

	if (parse_args(argc, argv) != 0)
		return 2;
	static char notes[4096];
	if (appcfg_load_file_noted(opts.config, &dp->cfg, err, sizeof(err), notes, sizeof(notes)) != 0) {
		fprintf(stderr, "xlat64d: %s\n", err);
		return 1;
	}
	if (!dp->cfg.n_ports) {
		fprintf(stderr, "xlat64d: %s has no ports: nothing to translate on (a Jool file? add \"ports\", "
				"doc/configuration.md)\n", opts.config);
		return 1;
	}
	char **eargv = eal_argv(&dp->cfg, argv[0], &eargc);
	if (rte_eal_init(eargc, eargv) < 0) {
		fprintf(stderr, "xlat64d: EAL initialisation failed: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	service_log_init();
	/* what `xlat64ctl check` says of a file that loads but deserves a word (a Jool NAT64 file without "mode") */
	for (char *line = strtok(notes, "\n"); line; line = strtok(NULL, "\n"))
		RTE_LOG(WARNING, XLAT64, "%s\n", line);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGHUP, on_hup);
	if (setup(dp, err, sizeof(err)) != 0) {
		RTE_LOG(ERR, XLAT64, "%s\n", err);
		goto out;
	}

	struct ctl_command cmds[32];
	unsigned n_cmds = api_commands(ctl_bridge_init(dp, opts.config), cmds, 32);
	struct ctl_server *ctl = NULL;
	if (dp->cfg.control_socket[0] &&
	    ctl_server_start(&ctl, dp->cfg.control_socket, cmds, n_cmds, err,
			     sizeof(err)) != 0) {
		RTE_LOG(ERR, XLAT64, "control socket: %s\n", err);
		goto out_ports;
	}
	dp_tsc_ns_init(rte_get_tsc_hz()); /* the workers' clock, before any reader starts */
	pthread_t ctl_tid;
	if (rte_ctrl_thread_create(&ctl_tid, "xlat-ctl", NULL, (void *(*)(void *))(uintptr_t)control_main, dp) != 0) {
		RTE_LOG(ERR, XLAT64, "cannot start the control thread\n");
		goto out_ctl;
	}
	if (sync_start(dp) != 0) {
		RTE_LOG(ERR, XLAT64, "cannot start the sync thread\n");
		__atomic_store_n(&dp->quit, true, __ATOMIC_RELAXED);
		pthread_join(ctl_tid, NULL);
		goto out_ctl;
	}
	/* ports (and their TAPs) are up, the socket listens: tell the service manager (Type=notify) */
	log_memory();
	RTE_LOG(NOTICE, XLAT64, "TSC %" PRIu64 " Hz (XLAT_BUSY_CYCLES are these cycles)\n", rte_get_tsc_hz());
	RTE_LOG(NOTICE, XLAT64, "ready: mode %s, %u worker(s), %u port(s)\n",
		dp->cfg.xlat.mode == XLAT_MODE_SIIT ? "siit" : "nat64", dp->n_workers, dp->n_ports);
	service_notify("READY=1");

	rte_eal_mp_remote_launch(worker_main, NULL, CALL_MAIN);
	rte_eal_mp_wait_lcore();
	__atomic_store_n(&dp->quit, true, __ATOMIC_RELAXED);
	service_notify("STOPPING=1");
	pthread_join(ctl_tid, NULL);
	sync_stop(dp);
	rc = 0;
out_ctl:
	if (ctl)
		ctl_server_stop(ctl);
out_ports:
	route_sync_close();
	announce_close(dp);
	ports_close(dp);
	if (opts.stats_out && rc == 0)
		write_stats(opts.stats_out);
out:
	rte_eal_cleanup();
	appcfg_free(&dp->cfg);
	free(eargv);
	if (rc == 0)
		printf("xlat64d: stopped\n");
	return rc;
}
