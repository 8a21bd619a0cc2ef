/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The exception path (design.md section 1, "hand to the host"): for every port
 * a kernel TAP interface (DPDK net_tap) named "xlat-<port>", carrying the
 * port's MAC, MTU, addresses and static neighbours. Frames the dataplane
 * neither translates nor answers itself (ARP/ND for the box's own addresses,
 * traffic to them, multicast, routing protocols, SSH) are written to that
 * TAP, and what the kernel sends on it leaves through the port. The kernel
 * never sees translated packets.
 *
 * Threads: the control thread owns the TAP ports' queues (workers never poll
 * them); frames from the kernel reach worker 0 through g_dp.to_tx, like every
 * frame the slow path sends. Workers admit frames for the host through two
 * token buckets each (neighbour discovery, everything else), so that a flood
 * for the host costs them one comparison per frame and cannot fill the
 * slow-path queue or take the control thread's time from next-hop resolution.
 *
 * Kernel-side set-up (addresses, MTU, sysctls) happens once at start-up
 * through rtnetlink, ioctl and /proc/sys, never in the fast path.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

#include <rte_bus_vdev.h>
#include <rte_cycles.h>
#include <rte_ethdev.h>

#include "dp.h"
#include "rtnl.h"

#define TAP_RXD 64     /* net_tap keeps this many mbufs per rx queue (its scatter list) */
#define TAP_TXD 256
#define EXC_MBUFS_PER_TAP 1024

struct tap {
	bool created, on;
	uint16_t port_id;
	char ifname[IF_NAMESIZE];
	char vdev[32];
};

static struct tap taps[APPCFG_MAX_PORTS];
static struct rte_mempool *exc_pool;

/*
 * Rate limit, per worker and class, as a GCRA (virtual scheduling): a frame is
 * admitted when the bucket's theoretical arrival time is at most `slack`
 * cycles ahead of now, and then moves it `cost` cycles on. Integer-only, one
 * TSC read per frame for the host; each bucket has a single writer.
 */
enum { CLS_NEIGH, CLS_OTHER, CLS_N };
struct bucket {
	uint64_t tat[CLS_N];
} __rte_cache_aligned;
static struct bucket buckets[RTE_MAX_LCORE];
static uint64_t cost_cyc, slack_cyc;

static inline void cnt_add(struct dp *dp, enum xlat_stat s, uint64_t n)
{
	__atomic_fetch_add(&dp->slow_counters[s], n, __ATOMIC_RELAXED);
}

static int frame_class(const struct rte_mbuf *m)
{
	const uint8_t *f = rte_pktmbuf_mtod(m, const uint8_t *);
	uint16_t et;

	if (m->data_len < RTE_ETHER_HDR_LEN)
		return CLS_OTHER;
	et = (uint16_t)(f[12] << 8 | f[13]);
	if (et == RTE_ETHER_TYPE_ARP)
		return CLS_NEIGH;
	/* ICMPv6 router/neighbour solicitation/advertisement, redirect (RFC 4861: no extension headers) */
	if (et == RTE_ETHER_TYPE_IPV6 && m->data_len > RTE_ETHER_HDR_LEN + 40 && f[RTE_ETHER_HDR_LEN + 6] == 58 &&
	    f[RTE_ETHER_HDR_LEN + 40] >= 133 && f[RTE_ETHER_HDR_LEN + 40] <= 137)
		return CLS_NEIGH;
	return CLS_OTHER;
}

bool exception_admit(unsigned worker, const struct rte_mbuf *m)
{
	if (!cost_cyc)
		return true;
	uint64_t now = rte_get_tsc_cycles();
	uint64_t *tat = &buckets[worker].tat[frame_class(m)];
	uint64_t t = *tat > now ? *tat : now;
	if (t - now > slack_cyc)
		return false;
	*tat = t + cost_cyc;
	return true;
}

bool exception_has_tap(uint16_t port)
{
	return port < APPCFG_MAX_PORTS && taps[port].on;
}

int exception_ifindex(uint16_t port)
{
	return exception_has_tap(port) ? (int)if_nametoindex(taps[port].ifname) : 0;
}

/* ----------------------------------------------------------- kernel set-up */

/* Replay and test devices have no link behind them: nothing for the host to talk to. */
static bool linkless(const char *device)
{
	return strncmp(device, "net_pcap", 8) == 0 || strncmp(device, "net_null", 8) == 0 ||
	       strncmp(device, "net_ring", 8) == 0;
}

/* The device under a port: its own, or its parent's for a VLAN sub-interface. */
static const char *port_device(const struct appcfg *c, unsigned p)
{
	return c->ports[p].is_vlan ? c->ports[c->ports[p].parent].device : c->ports[p].device;
}

/* "xlat-<port>"; a name too long for IFNAMSIZ becomes "xlat<index>-<start of name>" (still unique). */
static void tap_ifname(const char *port, unsigned idx, char out[IF_NAMESIZE])
{
	size_t n = strlen(port);

	if (5 + n < IF_NAMESIZE) {
		memcpy(out, "xlat-", 5);
		memcpy(out + 5, port, n + 1);
		return;
	}
	out[0] = 'x', out[1] = 'l', out[2] = 'a', out[3] = 't';
	out[4] = (char)('0' + idx % 10);
	out[5] = '-';
	memcpy(out + 6, port, IF_NAMESIZE - 7);
	out[IF_NAMESIZE - 1] = '\0';
}

static void tap_sysctl(const char *ifname, const char *family, const char *key, const char *val)
{
	char path[128];
	int fd;

	snprintf(path, sizeof(path), "/proc/sys/net/%s/conf/%s/%s", family, ifname, key);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, val, strlen(val)) < 0)
		RTE_LOG(DEBUG, XLAT64, "%s: cannot set %s=%s: %s\n", ifname, path, val, strerror(errno));
	if (fd >= 0)
		close(fd);
}

/*
 * The configuration's routes are the dataplane's (fib.c); the host gets them
 * too, through the TAPs of their ports, so that what runs on the box (ping,
 * a routing daemon, management traffic) sees the table the dataplane uses.
 * A route the kernel refuses is a warning, not a reason to stop.
 */
static void host_routes(struct dp *dp)
{
	unsigned n = 0;

	for (unsigned i = 0; i < dp->cfg.n_routes; i++) {
		const struct appcfg_route *r = &dp->cfg.routes[i];
		char txt[64];
		int ifindex = exception_ifindex((uint16_t)r->port);
		if (ifindex <= 0)
			continue;
		inet_ntop(r->family == 4 ? AF_INET : AF_INET6, r->prefix, txt, sizeof(txt));
		int rc = rtnl_route(RTM_NEWROUTE, RT_TABLE_MAIN, r->family, r->prefix, r->plen, r->via_set ? r->via : NULL,
				    ifindex);
		if (rc != 0)
			RTE_LOG(WARNING, XLAT64, "route %s/%u not set in the host's table (TAP %s): %s\n", txt, r->plen,
				taps[r->port].ifname, strerror(-rc));
		else
			n++;
	}
	if (n)
		RTE_LOG(INFO, XLAT64, "%u configured route(s) set in the host's main table too\n", n);
}

static int set_mtu(const char *ifname, unsigned mtu)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), rc = 0;

	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, ifname, IF_NAMESIZE);
	ifr.ifr_mtu = (int)mtu;
	if (ioctl(fd, SIOCSIFMTU, &ifr) < 0)
		rc = -errno;
	close(fd);
	return rc;
}

/*
 * An af_packet port is a kernel interface too, and the kernel would answer on it as well as on the TAP (a
 * second echo reply, a second SYN): with the TAP up, the kernel must not use that interface itself. DPDK
 * gets every frame before the kernel's protocol handlers, so those settings do not touch the dataplane.
 * (vfio-pci ports are invisible to the kernel; af_xdp steals the frames in XDP before the kernel sees them.)
 */
static void silence_kernel_iface(const char *device)
{
	char ifname[IF_NAMESIZE];
	const char *p = strstr(device, ",iface=");
	size_t n;

	if (strncmp(device, "net_af_packet", 13) != 0 || !p)
		return;
	p += 7;
	n = strcspn(p, ",");
	if (n == 0 || n >= sizeof(ifname))
		return;
	memcpy(ifname, p, n);
	ifname[n] = '\0';
	tap_sysctl(ifname, "ipv6", "disable_ipv6", "1"); /* no ND, MLD or IPv6 delivery on it */
	tap_sysctl(ifname, "ipv4", "arp_ignore", "8");   /* no ARP replies from it */
	tap_sysctl(ifname, "ipv4", "rp_filter", "1");    /* IPv4 for the box arrives through the TAP only */
	RTE_LOG(INFO, XLAT64, "%s: af_packet port: the kernel's own IPv4/IPv6/ARP on it turned off (the TAP "
			      "speaks for it)\n", ifname);
}

/* The port's addresses on its TAP, and its static neighbours as permanent entries in the kernel. */
static int tap_addresses(const struct appcfg_port *pc, unsigned idx, const char *ifname, char *err, size_t errlen)
{
	int rc, ifindex = (int)if_nametoindex(ifname);

	if (ifindex <= 0) {
		snprintf(err, errlen, "ports[%u] (%s): TAP %s vanished: %s", idx, pc->name, ifname,
			 strerror(errno));
		return -1;
	}
	for (unsigned a = 0; a < pc->n_addrs; a++) {
		char txt[64];
		inet_ntop(pc->addrs[a].family == 4 ? AF_INET : AF_INET6, pc->addrs[a].addr, txt, sizeof(txt));
		if ((rc = rtnl_addr_add(ifindex, &pc->addrs[a])) != 0) {
			snprintf(err, errlen, "ports[%u] (%s): cannot put %s/%u on TAP %s: %s", idx, pc->name, txt,
				 pc->addrs[a].plen, ifname, strerror(-rc));
			return -1;
		}
	}
	/* Static neighbours override on both sides: the kernel gets them as permanent entries. */
	for (unsigned i = 0; i < pc->n_neigh; i++)
		if ((rc = rtnl_neigh_add(ifindex, &pc->neigh[i])) != 0)
			RTE_LOG(WARNING, XLAT64, "port %s: TAP %s: static neighbour %u not set in the kernel: %s\n",
				pc->name, ifname, i, strerror(-rc));
	return 0;
}

static int tap_create(struct dp *dp, unsigned idx, char *err, size_t errlen)
{
	const struct appcfg_port *pc = &dp->cfg.ports[idx];
	const struct dp_port *port = &dp->ports[idx];
	struct tap *t = &taps[idx];
	struct rte_eth_conf conf;
	char args[96];
	bool v6 = false;
	int rc;

	tap_ifname(pc->name, idx, t->ifname);
	snprintf(t->vdev, sizeof(t->vdev), "net_tap_xlat%u", idx);
	snprintf(args, sizeof(args), "iface=%s,mac=" RTE_ETHER_ADDR_PRT_FMT, t->ifname,
		 RTE_ETHER_ADDR_BYTES(&port->mac));
	rc = rte_vdev_init(t->vdev, args);
	if (rc != 0) {
		snprintf(err, errlen,
			 "ports[%u] (%s): cannot create the exception-path TAP %s: %s (needs /dev/net/tun and "
			 "CAP_NET_ADMIN, and no other interface of that name; \"dataplane\": {\"exception-path\": "
			 "false} runs without one)",
			 idx, pc->name, t->ifname, rte_strerror(rc < 0 ? -rc : rc));
		return -1;
	}
	t->created = true;
	if (rte_eth_dev_get_port_by_name(t->vdev, &t->port_id) != 0) {
		snprintf(err, errlen, "ports[%u] (%s): TAP %s has no DPDK port", idx, pc->name, t->ifname);
		return -1;
	}

	/* The kernel owns exactly the configured addresses: no SLAAC, no RA-learnt routes; ARP only for
	 * addresses of this interface; the link-local address from the MAC (EUI-64), as the dataplane computes it. */
	for (unsigned a = 0; a < pc->n_addrs; a++)
		v6 |= pc->addrs[a].family == 6;
	if (v6)
		tap_sysctl(t->ifname, "ipv6", "disable_ipv6", "0");
	tap_sysctl(t->ifname, "ipv6", "addr_gen_mode", "0");
	tap_sysctl(t->ifname, "ipv6", "accept_ra", "0");
	tap_sysctl(t->ifname, "ipv6", "autoconf", "0");
	tap_sysctl(t->ifname, "ipv6", "accept_dad", "0");
	tap_sysctl(t->ifname, "ipv4", "arp_ignore", "1");
	tap_sysctl(t->ifname, "ipv4", "arp_announce", "2");
	/* The kernel is the forwarder's slow path (doc/architecture.md, "Forwarding"): what the dataplane hands
	 * it from this TAP to route (its own routes, options) it forwards, as the dataplane does, without redirects
	 * (IPv6 on kernels from 6.17: force_forwarding; before, net.ipv6.conf.all.forwarding decides). */
	if (dp->cfg.forwarding4)
		tap_sysctl(t->ifname, "ipv4", "forwarding", "1");
	if (dp->cfg.forwarding6) {
		tap_sysctl(t->ifname, "ipv6", "forwarding", "1");
		tap_sysctl(t->ifname, "ipv6", "force_forwarding", "1");
	}
	tap_sysctl(t->ifname, "ipv4", "send_redirects", "0");

	memset(&conf, 0, sizeof(conf));
	int socket = rte_eth_dev_socket_id(t->port_id);
	if ((rc = rte_eth_dev_configure(t->port_id, 1, 1, &conf)) != 0 ||
	    (rc = rte_eth_rx_queue_setup(t->port_id, 0, TAP_RXD, (unsigned)socket, NULL, exc_pool)) != 0 ||
	    (rc = rte_eth_tx_queue_setup(t->port_id, 0, TAP_TXD, (unsigned)socket, NULL)) != 0) {
		snprintf(err, errlen, "ports[%u] (%s): TAP %s queue set-up: %s", idx, pc->name, t->ifname,
			 rte_strerror(-rc));
		return -1;
	}
	/* net_tap's own MTU call stops at 1500 (its max_rx_pktlen): ask the kernel directly. */
	if ((rc = set_mtu(t->ifname, port->mtu)) != 0) {
		snprintf(err, errlen, "ports[%u] (%s): TAP %s: cannot set MTU %u: %s", idx, pc->name, t->ifname,
			 port->mtu, strerror(-rc));
		return -1;
	}
	rc = rte_eth_dev_start(t->port_id); /* sets the interface up */
	if (rc != 0) {
		snprintf(err, errlen, "ports[%u] (%s): cannot start TAP %s: %s", idx, pc->name, t->ifname,
			 rte_strerror(-rc));
		return -1;
	}
	t->on = true;
	silence_kernel_iface(pc->device);
	if (tap_addresses(pc, idx, t->ifname, err, errlen))
		return -1;
	RTE_LOG(INFO, XLAT64, "port %s: exception path through TAP %s (MAC " RTE_ETHER_ADDR_PRT_FMT
			      ", MTU %u, %u address(es), %u static neighbour(s))\n",
		pc->name, t->ifname, RTE_ETHER_ADDR_BYTES(&port->mac), port->mtu, pc->n_addrs, pc->n_neigh);
	return 0;
}

int exception_init(struct dp *dp, char *err, size_t errlen)
{
	const struct appcfg *cfg = &dp->cfg;
	unsigned want = 0;

	if (cfg->exception_pps) {
		uint64_t burst = cfg->exception_pps / 20;
		burst = burst < 32 ? 32 : burst > 512 ? 512 : burst;
		cost_cyc = rte_get_tsc_hz() / cfg->exception_pps;
		if (!cost_cyc)
			cost_cyc = 1;
		slack_cyc = cost_cyc * (burst - 1);
	}
	if (!cfg->exception_path) {
		RTE_LOG(INFO, XLAT64, "exception path off: the dataplane answers ARP/ND/ping for its addresses "
				      "and drops other traffic for the box\n");
		return 0;
	}
	for (unsigned p = 0; p < dp->n_ports; p++)
		want += !linkless(port_device(cfg, p));
	if (!want)
		return 0;
	exc_pool = dp_pktmbuf_pool_create("exc_mbufs", want * EXC_MBUFS_PER_TAP, 32,
					  rte_pktmbuf_data_room_size(dp->pool), (int)rte_socket_id());
	if (!exc_pool) {
		snprintf(err, errlen, "cannot create the exception-path pool of %u mbufs: %s", want * EXC_MBUFS_PER_TAP,
			 rte_strerror(rte_errno));
		return -1;
	}
	for (unsigned p = 0; p < dp->n_ports; p++) {
		if (linkless(port_device(cfg, p))) {
			RTE_LOG(INFO, XLAT64, "port %s: replay device, no TAP: the dataplane answers ARP/ND/ping itself\n",
				cfg->ports[p].name);
			continue;
		}
		/* net_tap logs at ERR what is harmless here (no multiq qdisc for rte_flow, no secondary
		 * process to tell): quiet it while the TAP is made, unless its debug output was asked for. */
		int tap_log = rte_log_register("pmd.net.tap");
		int level = tap_log >= 0 ? rte_log_get_level((uint32_t)tap_log) : -1;
		if (level >= 0 && level <= (int)RTE_LOG_NOTICE)
			rte_log_set_level((uint32_t)tap_log, RTE_LOG_CRIT);
		int rc = tap_create(dp, p, err, errlen);
		if (level >= 0)
			rte_log_set_level((uint32_t)tap_log, (uint32_t)level);
		if (rc != 0)
			return -1;
	}
	host_routes(dp);
	return 0;
}

void exception_close(struct dp *dp)
{
	for (unsigned p = 0; p < dp->n_ports && p < APPCFG_MAX_PORTS; p++) {
		struct tap *t = &taps[p];
		if (!t->created)
			continue;
		if (t->on)
			rte_eth_dev_stop(t->port_id);
		/* closes the TAP file descriptors: the kernel removes the interface */
		int rc = rte_vdev_uninit(t->vdev);
		if (rc != 0)
			RTE_LOG(WARNING, XLAT64, "TAP %s: cannot remove: %s\n", t->ifname, rte_strerror(-rc));
		else
			RTE_LOG(INFO, XLAT64, "TAP %s removed\n", t->ifname);
		t->on = t->created = false;
	}
}

/* ----------------------------------------------------------- the path itself */

void exception_to_host(struct dp *dp, struct rte_mbuf *m, uint16_t port)
{
	m->ol_flags = 0;
	if (rte_eth_tx_burst(taps[port].port_id, 0, &m, 1) == 1) {
		cnt_add(dp, XLAT_EXC_TO_HOST, 1);
		return;
	}
	cnt_add(dp, XLAT_EXC_TAP_DROP, 1);
	rte_pktmbuf_free(m);
}

unsigned exception_poll(struct dp *dp)
{
	struct rte_mbuf *pkts[DP_BURST];
	unsigned total = 0;

	if (!exc_pool)
		return 0;
	for (unsigned p = 0; p < dp->n_ports; p++) {
		if (!taps[p].on)
			continue;
		uint16_t n = rte_eth_rx_burst(taps[p].port_id, 0, pkts, DP_BURST);
		if (!n)
			continue;
		for (uint16_t i = 0; i < n; i++) {
			pkts[i]->port = (uint16_t)p;
			pkts[i]->ol_flags = 0;
		}
		unsigned q = rte_ring_enqueue_burst(dp->to_tx, (void **)pkts, n, NULL);
		cnt_add(dp, XLAT_EXC_FROM_HOST, q);
		if (q < n) {
			cnt_add(dp, XLAT_HOST_QUEUE_FULL, n - q);
			rte_pktmbuf_free_bulk(pkts + q, n - q);
		}
		total += n;
	}
	return total;
}

void exception_timer(struct dp *dp)
{
	__atomic_store_n(&dp->slow_counters[XLAT_MBUF_IN_USE], (uint64_t)rte_mempool_in_use_count(dp->pool),
			 __ATOMIC_RELAXED);
	if (exc_pool)
		__atomic_store_n(&dp->slow_counters[XLAT_EXC_MBUF_IN_USE],
				 (uint64_t)rte_mempool_in_use_count(exc_pool), __ATOMIC_RELAXED);
}
