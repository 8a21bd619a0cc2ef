/* SPDX-License-Identifier: BSD-3-Clause */
/* Ports: virtual devices created after EAL init (so their queue count can follow the worker count), queues, MACs. */
#include <errno.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <inttypes.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include <rte_bus_vdev.h>
#include <rte_ethdev.h>
#include <rte_malloc.h>

#include "dp.h"

#define RX_DESC 1024
#define TX_DESC 1024

/*
 * af_packet's ring (TPACKET_V2) has frames of one size, and the kernel cuts
 * longer packets to it. A sender on the same kernel hands over TCP segments of
 * up to 64 KiB (TSO, GRO), so by default the ring takes those whole: frames of
 * 65408 bytes (the kernel's header and alignment take 66 of them, leaving
 * 65342 for the packet, more than Linux's largest GSO frame of 64 KiB less its
 * TCP header reserve), 32 to a block of 511 pages (a block must be a multiple
 * of both the page and the frame size), 128 frames: 8 MiB for each of the rx
 * and tx rings of each queue, against 1 MiB each for the PMD's default of 512
 * frames of 2048 bytes. A device string that sets framesz keeps its own.
 */
#define AFP_FRAMESZ 65408u
#define AFP_BLOCKSZ (32u * AFP_FRAMESZ)
#define AFP_FRAMECNT 128u
#define AFP_FRAMESZ_PMD 2048u
#define AFP_FRAME_HDR 66u    /* TPACKET_ALIGN(TPACKET2_HDRLEN + 16) - ETH_HLEN: where the frame starts */
#define AFP_MBUF_HDR 32u     /* the PMD's own arithmetic: framesz - (TPACKET2_HDRLEN - sizeof(sockaddr_ll)) */

static bool is_vdev(const char *dev)
{
	return strncmp(dev, "net_", 4) == 0;
}

static bool is_af_packet(const char *dev)
{
	return strncmp(dev, "net_af_packet", 13) == 0 || strncmp(dev, "eth_af_packet", 13) == 0;
}

/* The value of key=... in a device's arguments ("iface=p6,qpairs=2"), in out; false when absent. */
static bool dev_arg(const char *args, const char *key, char *out, size_t outlen)
{
	size_t k = strlen(key);

	for (const char *p = args; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL) {
		if (strncmp(p, key, k) == 0 && p[k] == '=') {
			size_t n = strcspn(p + k + 1, ",");
			if (n >= outlen)
				return false;
			memcpy(out, p + k + 1, n);
			out[n] = '\0';
			return true;
		}
	}
	return false;
}

/* The af_packet frame size the device string asks for (0: not given). */
static unsigned afp_framesz_arg(const char *args)
{
	char v[16];

	return dev_arg(args, "framesz", v, sizeof(v)) ? (unsigned)strtoul(v, NULL, 10) : 0;
}

/*
 * af_xdp binds one socket to each of a NIC's combined channels (DPDK 22.11's
 * PMD counts those only), and every worker needs a queue: -1 when the
 * interface has fewer (0 is what a veth shows, with separate rx/tx channels).
 */
static int afxdp_check_queues(const char *args, unsigned queues, char *err, size_t errlen)
{
	struct ethtool_channels ch = { .cmd = ETHTOOL_GCHANNELS };
	struct ifreq ifr;
	char ifname[IF_NAMESIZE];
	int fd;

	if (!dev_arg(args, "iface", ifname, sizeof(ifname)) || queues <= 1)
		return 0;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 0;
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, ifname, strlen(ifname) + 1);
	ifr.ifr_data = (void *)&ch;
	int rc = ioctl(fd, SIOCETHTOOL, &ifr);
	close(fd);
	unsigned have = rc == 0 ? ch.combined_count : 1;
	if (have >= queues)
		return 0;
	snprintf(err, errlen,
		 "af_xdp on %s: %u workers need %u queues, and the interface shows %u combined channel(s) (ethtool -L "
		 "%s combined %u; a veth shows none: run one worker on it)",
		 ifname, queues, queues, have, ifname, queues);
	return -1;
}

/* "net_af_packet0,iface=p6" -> name "net_af_packet0", args "iface=p6" (+ qpairs for af_packet). */
static int create_vdev(const char *dev, unsigned queues, char *name, size_t namelen, char *err, size_t errlen)
{
	char args[APPCFG_STR_LEN + 32];
	const char *comma = strchr(dev, ',');
	size_t n = comma ? (size_t)(comma - dev) : strlen(dev);

	if (n >= namelen) {
		snprintf(err, errlen, "device name too long: %s", dev);
		return -1;
	}
	memcpy(name, dev, n);
	name[n] = '\0';
	snprintf(args, sizeof(args), "%s", comma ? comma + 1 : "");
	/* af_packet fans a socket out per queue pair, af_xdp binds one per NIC queue: one per worker
	 * (af_xdp: the NIC needs that many channels from start_queue on, ethtool -L IFACE combined N). */
	if (is_af_packet(name) && !strstr(args, "qpairs="))
		snprintf(args + strlen(args), sizeof(args) - strlen(args), "%sqpairs=%u", args[0] ? "," : "", queues);
	if (is_af_packet(name) && !afp_framesz_arg(args))
		snprintf(args + strlen(args), sizeof(args) - strlen(args), ",framesz=%u,blocksz=%u,framecnt=%u",
			 AFP_FRAMESZ, AFP_BLOCKSZ, AFP_FRAMECNT);
	if (strncmp(name, "net_af_xdp", 10) == 0 && !strstr(args, "queue_count=") &&
	    afxdp_check_queues(args, queues, err, errlen) != 0)
		return -1;
	if (strncmp(name, "net_af_xdp", 10) == 0 && !strstr(args, "queue_count="))
		snprintf(args + strlen(args), sizeof(args) - strlen(args), "%squeue_count=%u", args[0] ? "," : "",
			 queues);
	int rc = rte_vdev_init(name, args);
	if (rc != 0) {
		snprintf(err, errlen, "cannot create device %s (%s): %s", name, args, rte_strerror(-rc));
		return -1;
	}
	return 0;
}

static void link_local(const struct rte_ether_addr *mac, uint8_t ll[16])
{
	/* RFC 4291 2.5.1 / appendix A: modified EUI-64 interface identifier. */
	memset(ll, 0, 16);
	ll[0] = 0xfe;
	ll[1] = 0x80;
	ll[8] = mac->addr_bytes[0] ^ 0x02;
	ll[9] = mac->addr_bytes[1];
	ll[10] = mac->addr_bytes[2];
	ll[11] = 0xff;
	ll[12] = 0xfe;
	ll[13] = mac->addr_bytes[3];
	ll[14] = mac->addr_bytes[4];
	ll[15] = mac->addr_bytes[5];
}

/* The port's first address of each family: the source of what it sends itself (ICMP errors, ARP, ND). */
static void set_self(struct dp_port *port, const struct appcfg_port *pc)
{
	for (unsigned a = 0; a < pc->n_addrs; a++) {
		const struct appcfg_addr *ad = &pc->addrs[a];
		if (ad->family == 4 && !port->has4) {
			memcpy(&port->self4, ad->addr, 4);
			port->has4 = true;
		} else if (ad->family == 6 && !port->has6 && !(ad->addr[0] == 0xfe && (ad->addr[1] & 0xc0) == 0x80)) {
			memcpy(port->self6, ad->addr, 16);
			port->has6 = true;
		}
	}
}

static int port_setup(struct dp *dp, unsigned idx, char *err, size_t errlen)
{
	const struct appcfg_port *pc = &dp->cfg.ports[idx];
	struct dp_port *port = &dp->ports[idx];
	char name[128];
	uint16_t pid;
	unsigned nq = dp->n_workers;
	int rc;

	if (is_vdev(pc->device)) {
		if (create_vdev(pc->device, nq, name, sizeof(name), err, errlen))
			return -1;
	} else {
		snprintf(name, sizeof(name), "%s", pc->device);
	}
	if (rte_eth_dev_get_port_by_name(name, &pid) != 0) {
		snprintf(err, errlen, "ports[%u] (%s): no such DPDK port '%s' (bound to a DPDK driver? allowed with -a?)",
			 idx, pc->name, name);
		return -1;
	}
	port->port_id = pid;
	port->mtu = pc->mtu;
	port->rx_cap = UINT32_MAX;
	struct rte_mempool *rx_pool = dp->pool;
	if (is_af_packet(pc->device)) {
		const char *args = strchr(pc->device, ',');
		unsigned fsz = args ? afp_framesz_arg(args + 1) : 0;
		if (!fsz)
			fsz = AFP_FRAMESZ;
		if (fsz <= AFP_FRAME_HDR) {
			snprintf(err, errlen, "ports[%u] (%s): framesz=%u leaves no room for a frame", idx, pc->name, fsz);
			return -1;
		}
		if (RTE_PKTMBUF_HEADROOM + fsz - AFP_MBUF_HDR > UINT16_MAX) {
			snprintf(err, errlen, "ports[%u] (%s): framesz=%u is longer than an mbuf can be (at most %u)", idx,
				 pc->name, fsz, UINT16_MAX - RTE_PKTMBUF_HEADROOM + AFP_MBUF_HDR);
			return -1;
		}
		port->rx_cap = fsz - AFP_FRAME_HDR;
		if (fsz - AFP_MBUF_HDR > (unsigned)rte_pktmbuf_data_room_size(dp->pool) - RTE_PKTMBUF_HEADROOM) {
			/* mbufs as long as the ring's frames, few of them: the worker copies what fits the packet
			 * pool out at once, so only super-frames hold one, while they are cut (rx.c) */
			char pname[RTE_MEMPOOL_NAMESIZE];
			unsigned n = 128 + 64 * nq;
			snprintf(pname, sizeof(pname), "rxbig%u", idx);
			port->rx_pool_big = rte_pktmbuf_pool_create(pname, n, 0, 0,
								    (uint16_t)(RTE_PKTMBUF_HEADROOM + fsz - AFP_MBUF_HDR),
								    (int)rte_socket_id());
			if (!port->rx_pool_big) {
				snprintf(err, errlen, "ports[%u] (%s): cannot create %u receive buffers of %u bytes for "
						      "af_packet's %u-byte frames: %s (hugepages? -m? framesz=2048 in the "
						      "device takes no super-frames and needs none)",
					 idx, pc->name, n, fsz, fsz, rte_strerror(rte_errno));
				return -1;
			}
			rx_pool = port->rx_pool_big;
			port->rx_copy = true;
		}
	}

	struct rte_eth_conf conf;
	memset(&conf, 0, sizeof(conf));
	/*
	 * One rx queue per worker: a NIC spreads flows over them only with RSS
	 * (with mq_mode left at NONE most PMDs deliver everything to queue 0).
	 * Hash on addresses and ports where the NIC can; fragments hash on
	 * addresses, so every fragment of a datagram meets on one queue, as the
	 * NAT64 fragment tracking expects (lib/nat64_owner.c). Virtual devices
	 * (net_pcap, af_packet fanout, af_xdp) spread by themselves.
	 */
	struct rte_eth_dev_info info;
	if (nq > 1 && rte_eth_dev_info_get(pid, &info) == 0) {
		uint64_t hf = (RTE_ETH_RSS_IP | RTE_ETH_RSS_TCP | RTE_ETH_RSS_UDP) & info.flow_type_rss_offloads;
		if (hf) {
			conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
			conf.rx_adv_conf.rss_conf.rss_hf = hf;
		} else if (!is_vdev(pc->device)) {
			RTE_LOG(WARNING, XLAT64, "ports[%u] (%s): no RSS: every packet arrives on queue 0 (worker 0)\n",
				idx, pc->name);
		}
	}
	rc = rte_eth_dev_configure(pid, (uint16_t)nq, (uint16_t)nq, &conf);
	if (rc != 0) {
		snprintf(err, errlen, "ports[%u] (%s): cannot configure %u queue pairs: %s", idx, pc->name, nq,
			 rte_strerror(-rc));
		return -1;
	}
	uint16_t nrx = RX_DESC, ntx = TX_DESC;
	rte_eth_dev_adjust_nb_rx_tx_desc(pid, &nrx, &ntx);
	int socket = rte_eth_dev_socket_id(pid);
	for (unsigned q = 0; q < nq; q++) {
		rc = rte_eth_rx_queue_setup(pid, (uint16_t)q, nrx, (unsigned)socket, NULL, rx_pool);
		if (rc == 0)
			rc = rte_eth_tx_queue_setup(pid, (uint16_t)q, ntx, (unsigned)socket, NULL);
		if (rc != 0) {
			snprintf(err, errlen, "ports[%u] (%s): queue %u setup: %s", idx, pc->name, q, rte_strerror(-rc));
			return -1;
		}
	}
	/* Physical NICs need the MTU programmed; virtual ones follow their kernel/pcap side. */
	if (!is_vdev(pc->device) && (rc = rte_eth_dev_set_mtu(pid, pc->mtu)) != 0)
		RTE_LOG(WARNING, XLAT64, "ports[%u] (%s): cannot set MTU %u: %s (continuing)\n", idx, pc->name,
			pc->mtu, rte_strerror(-rc));
	if (pc->mac_set) {
		struct rte_ether_addr mac;
		memcpy(mac.addr_bytes, pc->mac, 6);
		/* Some virtual devices (pcap) cannot change it; we still speak with the configured one. */
		if ((rc = rte_eth_dev_default_mac_addr_set(pid, &mac)) != 0 && rc != -ENOTSUP)
			RTE_LOG(WARNING, XLAT64, "ports[%u] (%s): cannot set MAC: %s (continuing)\n", idx, pc->name,
				rte_strerror(-rc));
	}
	rc = rte_eth_dev_start(pid);
	if (rc != 0) {
		snprintf(err, errlen, "ports[%u] (%s): cannot start: %s", idx, pc->name, rte_strerror(-rc));
		return -1;
	}
	/* We filter by destination MAC ourselves; multicast (ND) must reach us. */
	rte_eth_promiscuous_enable(pid);
	rte_eth_macaddr_get(pid, &port->mac);
	if (pc->mac_set) /* some virtual devices ignore a MAC change: the configured one is what we answer with */
		memcpy(port->mac.addr_bytes, pc->mac, 6);
	link_local(&port->mac, port->ll6);
	set_self(port, pc);
	RTE_LOG(INFO, XLAT64, "port %s: %s, DPDK port %u, MAC " RTE_ETHER_ADDR_PRT_FMT ", MTU %u, %u queue pair(s)\n",
		pc->name, pc->device, pid, RTE_ETHER_ADDR_BYTES(&port->mac), port->mtu, nq);
	if (port->rx_cap != UINT32_MAX)
		RTE_LOG(INFO, XLAT64, "port %s: frames up to %u bytes arrive whole%s\n", pc->name, port->rx_cap,
			port->rx_cap >= 65535 - 1024 ? " (TSO/GRO super-frames are segmented)"
						     : "; longer ones are cut by af_packet and dropped (XLAT_RX_TRUNCATED)");
	return 0;
}

/* A VLAN sub-interface: its parent's port, MAC and buffers, its own MTU and addresses. */
static int vlan_setup(struct dp *dp, unsigned idx, char *err, size_t errlen)
{
	const struct appcfg_port *pc = &dp->cfg.ports[idx];
	struct dp_port *port = &dp->ports[idx], *parent = &dp->ports[pc->parent];

	if (!parent->vlan_if) {
		parent->vlan_if = rte_malloc("vlan_if", 4096, 0);
		if (!parent->vlan_if) {
			snprintf(err, errlen, "ports[%u] (%s): out of memory for its VLAN map", idx, pc->name);
			return -1;
		}
		memset(parent->vlan_if, 0xff, 4096);
		parent->has_vlans = true;
	}
	parent->vlan_if[pc->vlan] = (uint8_t)idx;
	port->port_id = parent->port_id;
	port->mac = parent->mac;
	memcpy(port->ll6, parent->ll6, 16);
	port->mtu = pc->mtu;
	port->rx_cap = parent->rx_cap;
	port->is_vlan = true;
	port->phys = (uint8_t)pc->parent;
	port->vlan = pc->vlan;
	set_self(port, pc);
	RTE_LOG(INFO, XLAT64, "port %s: VLAN %u of %s, MTU %u\n", pc->name, pc->vlan, dp->cfg.ports[pc->parent].name,
		port->mtu);
	return 0;
}

int ports_init(struct dp *dp, char *err, size_t errlen)
{
	dp->n_ports = dp->cfg.n_ports;
	for (unsigned i = 0; i < dp->n_ports; i++) {
		dp->ports[i].phys = (uint8_t)i;
		if ((dp->cfg.ports[i].is_vlan ? vlan_setup(dp, i, err, errlen) : port_setup(dp, i, err, errlen)) != 0)
			return -1;
	}
	/* the host's side of every port (TAP), once the ports' MACs are known */
	return exception_init(dp, err, errlen);
}

void ports_close(struct dp *dp)
{
	exception_close(dp);
	for (unsigned i = 0; i < dp->n_ports; i++) {
		if (dp->ports[i].is_vlan)
			continue;
		rte_eth_dev_stop(dp->ports[i].port_id);
		rte_eth_dev_close(dp->ports[i].port_id);
		rte_mempool_free(dp->ports[i].rx_pool_big);
		dp->ports[i].rx_pool_big = NULL;
		rte_free(dp->ports[i].vlan_if);
		dp->ports[i].vlan_if = NULL;
	}
}

/*
 * Frames a port cut short, and super-frames that cannot be segmented, are
 * dropped where they arrive (counted: the workers do not log); the operator
 * learns here what to change, at most once a minute while they go on.
 */
void ports_watch(struct dp *dp, uint64_t now)
{
	static uint64_t seen_cut, seen_refused, logged_at, checked_at;
	uint64_t sum[XSTAT_MAX];

	if (now - checked_at < 1000000000ull || (logged_at && now - logged_at < 60ull * 1000000000ull))
		return;
	checked_at = now;
	stats_sum(dp, sum);
	if (sum[XLAT_RX_TRUNCATED] > seen_cut) {
		RTE_LOG(WARNING, XLAT64, "%" PRIu64 " frame(s) longer than a port's receive buffers were cut and "
			"dropped (XLAT_RX_TRUNCATED): a sender on the same kernel hands over TSO/GRO super-frames; "
			"leave framesz out of an af_packet device (64 KiB frames are taken whole), use af_xdp, or turn "
			"segmentation offload off on the sender (ethtool -K IFACE tso off gso off)\n",
			sum[XLAT_RX_TRUNCATED] - seen_cut);
		logged_at = now;
	}
	if (sum[XLAT_GSO_REFUSED] > seen_refused) {
		RTE_LOG(WARNING, XLAT64, "%" PRIu64 " datagram(s) longer than their port's MTU could not be "
			"segmented (XLAT_GSO_REFUSED: UDP GSO, or not TCP with DF set): the segment size the sender chose "
			"is not on the wire; turn UDP segmentation offload off on the sender (ethtool -K IFACE "
			"tx-udp-segmentation off), or use af_xdp ports (the kernel segments for XDP)\n",
			sum[XLAT_GSO_REFUSED] - seen_refused);
		logged_at = now;
	}
	seen_cut = sum[XLAT_RX_TRUNCATED];
	seen_refused = sum[XLAT_GSO_REFUSED];
}

bool dp_is_own4(const struct dp *dp, uint32_t a4)
{
	if (a4 == 0xffffffffu)
		return true;
	for (unsigned p = 0; p < dp->cfg.n_ports; p++) {
		const struct appcfg_port *pc = &dp->cfg.ports[p];
		for (unsigned i = 0; i < pc->n_addrs; i++) {
			if (pc->addrs[i].family != 4)
				continue;
			uint32_t own, mask = pc->addrs[i].plen ? rte_cpu_to_be_32(~0u << (32 - pc->addrs[i].plen)) : 0;
			memcpy(&own, pc->addrs[i].addr, 4);
			/* our address, or its subnet's broadcast */
			if (a4 == own || (pc->addrs[i].plen < 31 && a4 == (own | ~mask)))
				return true;
		}
	}
	return addr_live_own(4, (const uint8_t *)&a4);
}

/* 16-byte equality without a call to memcmp (per packet, per port address). */
static inline bool same6(const uint8_t *a, const uint8_t *b)
{
	uint64_t a0, a1, b0, b1;

	memcpy(&a0, a, 8);
	memcpy(&a1, a + 8, 8);
	memcpy(&b0, b, 8);
	memcpy(&b1, b + 8, 8);
	return ((a0 ^ b0) | (a1 ^ b1)) == 0;
}

bool dp_own(void *opaque, int family, const uint8_t *addr)
{
	uint32_t a4;

	if (family == 6)
		return dp_is_own6(opaque, addr);
	memcpy(&a4, addr, 4);
	return dp_is_own4(opaque, a4);
}

bool dp_is_own6(const struct dp *dp, const uint8_t a6[16])
{
	for (unsigned p = 0; p < dp->n_ports; p++) {
		if (same6(a6, dp->ports[p].ll6))
			return true;
		const struct appcfg_port *pc = &dp->cfg.ports[p];
		for (unsigned i = 0; i < pc->n_addrs; i++)
			if (pc->addrs[i].family == 6 && same6(pc->addrs[i].addr, a6))
				return true;
	}
	return addr_live_own(6, a6);
}
