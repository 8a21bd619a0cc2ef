/* SPDX-License-Identifier: BSD-3-Clause */
/* Dataplane state shared by main, workers and the slow path. */
#ifndef XLAT_DP_H
#define XLAT_DP_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_errno.h>
#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>
#include <rte_ring.h>
#include <rte_rcu_qsbr.h>
#include <jansson.h>

#include "appcfg.h"
#include "phase.h"
#include "cgn.h"
#include "nat64.h"
#include "forward.h"
#include "xlat.h"

#define DP_BURST 32
#define DP_MAX_WORKERS RTE_MAX_LCORE

struct dp_port {
	uint16_t port_id;
	uint16_t mtu;
	struct rte_ether_addr mac;
	bool has4, has6;
	uint32_t self4;      /* first IPv4 address, network order */
	uint8_t self6[16];   /* first global IPv6 address */
	uint8_t ll6[16];     /* link-local, derived from the MAC (RFC 4291 2.5.1) */
	/*
	 * Frames of rx_cap bytes or more may have been cut by the port (af_packet:
	 * its ring's frame size); UINT32_MAX where a port cannot cut. Ports whose
	 * frames may be longer than the packet pool's mbufs (af_packet taking
	 * 64 KiB super-frames whole) receive into rx_pool_big, and the worker
	 * copies what fits into the packet pool at once (rx_copy).
	 */
	uint32_t rx_cap;
	bool rx_copy;
	struct rte_mempool *rx_pool_big;
	/*
	 * 802.1Q (appcfg_port): a VLAN sub-interface shares its parent's DPDK port
	 * (port_id, MAC, receive buffers; phys is the parent's index) and adds its
	 * tag on the way out; a port that carries VLANs maps each id it carries to
	 * its interface (vlan_if, 0xff: not one of ours) and its workers take the tag
	 * off on the way in. Untagged frames are the port's own.
	 */
	bool is_vlan, has_vlans;
	uint8_t phys;
	uint16_t vlan;
	uint8_t *vlan_if; /* 4096 entries, for a port that carries VLANs */
};

/* Per-packet metadata in an mbuf dynfield: what the slow path must do with it. */
enum dp_meta_reason { META_HOST = 0, META_RESOLVE = 1 };
struct dp_meta {
	uint8_t reason;
	uint8_t family;
	uint16_t port;       /* egress port for META_RESOLVE, ingress port for META_HOST */
	uint8_t addr[16];    /* the next hop to resolve */
};

struct dp_worker {
	uint64_t counters[XSTAT_MAX];
	unsigned index;     /* queue index on every port */
	unsigned lcore;
	struct xlat_ctx ctx[APPCFG_MAX_PORTS]; /* per ingress port: ICMP error sources, MTU */
	struct rte_eth_dev_tx_buffer *txb[APPCFG_MAX_PORTS];
	/* NAT64: this worker's BIB/sessions, and the ring other workers hand its flows to (MP/SC). */
	struct nat64_table *nat;
	struct rte_ring *handoff;
	/* the current burst's handoffs, enqueued per owner together (handoff.c: dp_handoff_flush) */
	struct rte_mbuf *ho[DP_BURST];
	uint16_t ho_to[DP_BURST];
	unsigned n_ho;
	int pre_owner; /* the current packet's owner, computed before its lookup; -1: not yet */
	struct dp_fwd_memo *fwd_memo; /* native forwarding's remembered destinations (worker.h, in the fast path's memo) */
	uint64_t ho_blocked_ns; /* since when held handoffs have stopped this worker's receiving; 0: not */
	/* CGN (doc/cgn.md): subscriber table, NAT event ring (SP/SC, drained by the control thread), clock origin */
	struct cgn_table *cgn;
	struct rte_ring *natlog;
	uint64_t tsc0;
	uint64_t rounds; /* poll rounds done: the control thread tells a stuck worker by it (announce.c) */
	/* HA (sync.c): session events out (SP/SC), a peer's sessions in (SP/SC), and this worker's share of a bulk */
	struct rte_ring *sync_out, *sync_in;
	uint32_t bulk_seen, bulk_done; /* the bulk generation last started, and last finished */
	uint32_t bulk_pos;
	uint64_t bulk_allow, bulk_walked; /* sessions the sync thread allows the walk (at bulk-rate), and walked */
	/* VLAN sub-interfaces' own counters (a port's are its DPDK statistics): frames and bytes in and out */
	uint64_t if_rx[APPCFG_MAX_PORTS], if_rx_bytes[APPCFG_MAX_PORTS];
	uint64_t if_tx[APPCFG_MAX_PORTS], if_tx_bytes[APPCFG_MAX_PORTS];
#ifdef XLAT64_PHASE_CLOCK
	struct dp_phase_clock phase; /* phase.h: -Dphase_clock=true builds only */
#endif
} __rte_cache_aligned;

struct dp {
	struct appcfg cfg;
	struct dp_port ports[APPCFG_MAX_PORTS];
	unsigned n_ports;
	struct rte_mempool *pool;
	/* The translator configuration in force, published for RCU readers (workers). */
	struct xlat_config *xcfg;
	struct rte_rcu_qsbr *rcu;
	struct dp_worker *workers;
	unsigned n_workers;
	struct rte_ring *to_slow;  /* workers -> slow path (MP/SC) */
	struct rte_ring *to_tx;    /* slow path -> worker 0 transmit (SP/SC) */
	int meta_off;              /* dynfield offset of struct dp_meta */
	uint64_t slow_counters[XSTAT_MAX];
	uint64_t sync_counters[XSTAT_MAX]; /* the sync thread's (sync.c) */
	uint64_t tsc_ns_mult;              /* dp_tsc_ns(): nanoseconds per TSC cycle, 32.32 fixed point */
	volatile bool quit;
};

extern struct dp g_dp;

/*
 * The workers' clock: TSC cycles since a worker's start in nanoseconds. One
 * multiply, where the two 64-bit divisions it replaces cost a worker about a
 * cycle a packet; the 32.32 fixed point is off by less than one part in
 * tsc_ns_mult (2 * 10^9 at a 2.1 GHz TSC: 15 ms in a year). natlog.c reads the
 * workers' clock the same way.
 */
__extension__ typedef unsigned __int128 dp_u128;

static inline uint64_t dp_tsc_ns(uint64_t cyc)
{
	return (uint64_t)(((dp_u128)cyc * g_dp.tsc_ns_mult) >> 32);
}

/* dp_tsc_ns()'s factor for a TSC of hz cycles a second (rte_get_tsc_hz()), before any worker starts. */
static inline void dp_tsc_ns_init(uint64_t hz)
{
	g_dp.tsc_ns_mult = (1000000000ull << 32) / hz;
}

static inline struct dp_meta *dp_meta(struct rte_mbuf *m)
{
	return RTE_MBUF_DYNFIELD(m, g_dp.meta_off, struct dp_meta *);
}

/* An Ethernet header at eh, from port's MAC to dst. */
static inline void dp_eth_hdr(void *eh, const struct rte_ether_addr *dst, uint16_t port, uint16_t ethertype)
{
	struct rte_ether_hdr *h = eh;

	rte_ether_addr_copy(dst, &h->dst_addr);
	rte_ether_addr_copy(&g_dp.ports[port].mac, &h->src_addr);
	h->ether_type = rte_cpu_to_be_16(ethertype);
}

/* An IP version's EtherType. */
static inline uint16_t dp_ethertype(int family)
{
	return family == 4 ? RTE_ETHER_TYPE_IPV4 : RTE_ETHER_TYPE_IPV6;
}

/* service.c: our rte_log type "xlat64" (RTE_LOG(INFO, XLAT64, ...); EAL --log-level xlat64:debug) and
 * readiness for the service manager (sd_notify protocol over $NOTIFY_SOCKET, no libsystemd). */
extern int xlat_logtype;
#define RTE_LOGTYPE_XLAT64 xlat_logtype
void service_log_init(void); /* after rte_eal_init */
void service_notify(const char *state);

/* exception.c: a TAP per port towards the host kernel, owned by the control thread (never by workers). */
int exception_init(struct dp *dp, char *err, size_t errlen);
void exception_close(struct dp *dp);
bool exception_has_tap(uint16_t port);                                 /* the host answers for the port */
void exception_to_host(struct dp *dp, struct rte_mbuf *m, uint16_t port); /* consumes m */
unsigned exception_poll(struct dp *dp);                                /* host -> ports, via to_tx */
void exception_timer(struct dp *dp);
/* Workers: may this frame for the host be queued? Per-worker token buckets (ARP/ND, the rest). */
bool exception_admit(unsigned worker, const struct rte_mbuf *m);

/*
 * fib.c: the routing table, in two copies published with RCU (workers read one per poll round, the control
 * thread changes the other). Routes are the configuration's, and those learnt from the host (route_sync.c).
 */
struct fib_hop {
	uint8_t kind;    /* enum fwd_kind: a port (and gateway), the host's, blackhole, unreachable, prohibit */
	bool has_gw;
	uint16_t port;   /* FWD_VIA_PORT: the egress interface */
	uint8_t gw[16];  /* the gateway, same family as the route */
};
int fib_init(struct dp *dp, char *err, size_t errlen);
uint64_t fib_round(void); /* worker, at the start of a poll round: the copy it reads until then; its generation */
int fib_route(void *opaque, int family, const uint8_t *dst, struct xlat_route *out);      /* translator: ports only */
int fib_route_fwd(void *opaque, int family, const uint8_t *dst, struct fwd_route *out);   /* forwarder: every kind */
/* The address to resolve for a next hop: the gateway, or the destination itself on connected routes. */
void fib_neighbor_addr(uint32_t nexthop, int family, const uint8_t *dst, uint8_t out[16], uint16_t *port);
/* Control thread: a route learnt (0; 1: the configuration routes that prefix; -1: refused, counted, logged) or
 * gone, keyed by prefix, metric and interface; a full re-read marks every learnt route, then sweeps the unseen. */
int fib_learn(int family, const uint8_t *prefix, uint8_t plen, uint32_t metric, int oif, const struct fib_hop *hop);
void fib_unlearn(int family, const uint8_t *prefix, uint8_t plen, uint32_t metric, int oif);
void fib_learn_mark_stale(void);
void fib_learn_sweep(void);
void fib_commit(struct dp *dp); /* publish what changed (waits for a grace period) */
unsigned fib_learnt(void);

/* route_sync.c: the host kernel's main table, followed over rtnetlink (control thread) */
int route_sync_init(struct dp *dp, char *err, size_t errlen);
void route_sync_poll(struct dp *dp, uint64_t now_ns);
void route_sync_close(void);

/* neigh.c: single writer (slow path), lock-free readers (workers). */
int neigh_init(struct dp *dp, char *err, size_t errlen);
bool neigh_lookup(uint16_t port, int family, const uint8_t *addr, struct rte_ether_addr *mac);
/* 0: learnt; 1: kept a static entry (configured neighbours override learning); -1: table full */
int neigh_learn(uint16_t port, int family, const uint8_t *addr, const struct rte_ether_addr *mac);
unsigned neigh_count(void);
/*
 * Moves (from 1) whenever an entry's MAC is learnt or changes: a worker that read the same value at the
 * start of two poll rounds may keep the L2 headers it derived from the table (fastpath.h, forward.c).
 */
uint64_t neigh_generation(void);
void neigh_foreach(void (*fn)(void *arg, uint16_t port, int family, const uint8_t *addr,
			      const struct rte_ether_addr *mac),
		   void *arg);

/*
 * ctl_bridge.c: the control API's view of the dataplane (control/api.h). Control-plane threads
 * (control socket, control thread) serialise on ctl_bridge_lock(); workers never take it.
 */
struct api_bridge;
const struct api_bridge *ctl_bridge_init(struct dp *dp, const char *config_path);
void ctl_bridge_lock(void);
void ctl_bridge_unlock(void);
void ctl_bridge_tick(uint64_t now_ns);   /* port rate samples, about once a second */
int ctl_bridge_reload(char *msg, size_t msglen); /* SIGHUP: "config reload" of the --config file */
/* Workers, once per poll round (NAT64): purge after a configuration change, answer session requests. */
void ctl_bridge_worker_poll(struct dp_worker *w, uint64_t now_ms);

/* slowpath.c: ARP, ND, ping to the box, next-hop resolution; runs in the control thread. */
void slowpath_poll(struct dp *dp);
void slowpath_timer(struct dp *dp, uint64_t now_ns);

/* natlog.c: CGN tables and event rings per worker (setup), and their drain into the exporter (control thread). */
int natlog_worker_init(struct dp *dp, struct dp_worker *w, char *err, size_t errlen);
void natlog_poll(struct dp *dp);

/*
 * announce.c: the prefixes the box translates for (pool6, pool4, EAMT), as routes
 * in a kernel table of their own (ANNOUNCE_TABLE) through the TAPs, while it
 * translates and its workers turn: for a routing daemon on the host to export.
 */
#define ANNOUNCE_TABLE 6464
void announce_tick(struct dp *dp, uint64_t now_ns);
void announce_close(struct dp *dp);
int exception_ifindex(uint16_t port); /* the TAP's kernel interface index, 0 without one */

/* mbuf_pool.c: rte_pktmbuf_pool_create(), packed where there are no hugepages (why: there) */
struct rte_mempool *dp_pktmbuf_pool_create(const char *name, unsigned n, unsigned cache, uint16_t room, int socket);

/* worker.c: the loop; tx.c: dp_send_eth() */
int worker_main(void *arg);
void dp_send_eth(struct dp_worker *w, struct rte_mbuf *m, uint16_t port, const struct rte_ether_addr *dst,
		 uint16_t ethertype);

/*
 * sync.c: session synchronisation with the peers of the "sync" section
 * (doc/ha.md). sync_init() before the workers start (rings, redirect map,
 * socket), sync_start() the thread; the RCU variable has a reader slot for it
 * (thread id n_workers).
 */
int sync_init(struct dp *dp, char *err, size_t errlen);
int sync_start(struct dp *dp);
void sync_stop(struct dp *dp);
void sync_worker_poll(struct dp_worker *w, const struct xlat_config *cfg, uint64_t now_ms);
/* control API (ctl_bridge.c): NULL without a "sync" section */
/* the control API's (struct api_bridge's sync_status, sync_ready, sync_bulk; opaque unused) */
json_t *sync_status_json(void *opaque);
int sync_ready(void *opaque, char *err, size_t errlen);        /* 0: synced, alone or no sync; -1: joining or off */
int sync_request_bulk(void *opaque, char *err, size_t errlen); /* ask the peers for their tables again */

/*
 * addresses.c: port addresses added and removed live (a VRRP daemon's virtual
 * addresses), RCU-published; the box's own as configured ones are. Changes
 * under ctl_bridge_lock(): 0, ADDR_UNCHANGED (already there), or -1 with err.
 */
#define DP_MAX_LIVE_ADDRS 32
#define ADDR_UNCHANGED 1
bool addr_live_own(int family, const uint8_t *addr);
int addr_live_change(struct dp *dp, uint16_t port, const struct appcfg_addr *a, bool add, char *err, size_t errlen);
void addr_live_walk(void *opaque, void (*fn)(void *arg, unsigned port, const struct appcfg_addr *a), void *arg);

/* port.c */
int ports_init(struct dp *dp, char *err, size_t errlen);
void ports_close(struct dp *dp);
/* Control thread, every few seconds: says in the log (at most once a minute) when frames were cut by a port or
 * super-frames refused, and which setting to change. */
void ports_watch(struct dp *dp, uint64_t now_ns);
bool dp_is_own4(const struct dp *dp, uint32_t a4);
bool dp_is_own6(const struct dp *dp, const uint8_t a6[16]);
/* xlat_own_fn for the translator's fast path (opaque: struct dp) */
bool dp_own(void *opaque, int family, const uint8_t *addr);

/* stats.c */
void stats_sum(const struct dp *dp, uint64_t out[XSTAT_MAX]);
uint64_t now_ns(void);

#endif
