/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The slow path, in the control thread: frames for the box itself and
 * packets waiting for a next hop to be resolved. It is the only writer of the
 * neighbour table and learns from the ARP/ND frames it sees, the kernel's
 * resolution traffic included, so that dataplane and host agree on next hops
 * (configured neighbours override). Frames it sends go to worker 0 through a
 * ring, so that only workers touch port queues.
 *
 * With the exception path (exception.c) a port's own addresses belong to the
 * host kernel: ARP/ND/ping for them and all other traffic for the box go to
 * the port's TAP. The dataplane still answers ARP for EAMT IPv4 addresses
 * (proxy) and ND for pool6/EAMT IPv6 addresses, which the kernel does not own.
 * Ports without a TAP (exception path off, replay devices) keep answering
 * ARP/ND/ping for the box here and drop anything else for it.
 */
#include <string.h>

#include <rte_arp.h>
#include <rte_ethdev.h>
#include <rte_icmp.h>
#include <rte_ip.h>

#include "checksum.h"
#include "dp.h"

#define PENDING_MAX 256
#define PENDING_PKTS 4
#define RESOLVE_TRIES 3
#define RESOLVE_INTERVAL_NS 1000000000ull

struct pending {
	bool used;
	uint16_t port;
	uint8_t family;
	uint8_t addr[16];
	struct rte_mbuf *pkts[PENDING_PKTS];
	unsigned n;
	unsigned tries;
	uint64_t next_ns;
};

static struct pending pend[PENDING_MAX];

static inline void cnt(struct dp *dp, enum xlat_stat s)
{
	__atomic_fetch_add(&dp->slow_counters[s], 1, __ATOMIC_RELAXED);
}

static void send_frame(struct dp *dp, struct rte_mbuf *m, uint16_t port)
{
	m->port = port;
	if (rte_ring_enqueue(dp->to_tx, m) != 0) {
		cnt(dp, XLAT_HOST_QUEUE_FULL);
		rte_pktmbuf_free(m);
	}
}

static struct rte_mbuf *new_frame(struct dp *dp, uint16_t port, const struct rte_ether_addr *dst, uint16_t et,
				  uint32_t len, uint8_t **payload)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(dp->pool);

	if (!m) {
		cnt(dp, XLAT_NO_MBUF);
		return NULL;
	}
	struct rte_ether_hdr *eh = (struct rte_ether_hdr *)rte_pktmbuf_append(m, (uint16_t)(14 + len));
	if (!eh) {
		rte_pktmbuf_free(m);
		cnt(dp, XLAT_NO_MBUF);
		return NULL;
	}
	dp_eth_hdr(eh, dst, port, et);
	*payload = (uint8_t *)(eh + 1);
	memset(*payload, 0, len);
	return m;
}

/* An IPv4 address of this port to speak from: the one on the target's subnet, else the first. */
static bool port_src4(struct dp *dp, uint16_t port, uint32_t target, uint32_t *src)
{
	const struct appcfg_port *pc = &dp->cfg.ports[port];
	bool found = false;

	for (unsigned i = 0; i < pc->n_addrs; i++) {
		if (pc->addrs[i].family != 4)
			continue;
		uint32_t a, mask = pc->addrs[i].plen ? rte_cpu_to_be_32(~0u << (32 - pc->addrs[i].plen)) : 0;
		memcpy(&a, pc->addrs[i].addr, 4);
		if (!found || ((a ^ target) & mask) == 0) {
			*src = a;
			found = true;
		}
	}
	return found;
}

static void send_arp(struct dp *dp, uint16_t port, uint16_t op, uint32_t sip, const struct rte_ether_addr *tha,
		     uint32_t tip, const struct rte_ether_addr *eth_dst)
{
	uint8_t *p;
	struct rte_mbuf *m = new_frame(dp, port, eth_dst, RTE_ETHER_TYPE_ARP, sizeof(struct rte_arp_hdr), &p);

	if (!m)
		return;
	struct rte_arp_hdr *a = (struct rte_arp_hdr *)p;
	a->arp_hardware = rte_cpu_to_be_16(RTE_ARP_HRD_ETHER);
	a->arp_protocol = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	a->arp_hlen = 6;
	a->arp_plen = 4;
	a->arp_opcode = rte_cpu_to_be_16(op);
	rte_ether_addr_copy(&dp->ports[port].mac, &a->arp_data.arp_sha);
	a->arp_data.arp_sip = sip;
	if (tha)
		rte_ether_addr_copy(tha, &a->arp_data.arp_tha);
	a->arp_data.arp_tip = tip;
	send_frame(dp, m, port);
}

/* What the slow path did with a frame for the box. */
enum verdict {
	V_PASS,     /* the host's: to the port's TAP, or dropped where there is none */
	V_ANSWERED, /* answered here with a new frame; free it */
	V_CONSUMED, /* reused for the answer */
};

/* The dataplane answers ARP for the IPv4 side of EAMT entries (proxy ARP), and for its own addresses only
 * where no host kernel sits behind the port. */
static bool answers4(struct dp *dp, bool host, uint32_t a)
{
	return eamt_has4(&dp->xcfg->eamt, a) || (dp->xcfg->mode == XLAT_MODE_NAT64 && nat64_pool4_has(dp->xcfg, a)) ||
	       (!host && dp_is_own4(dp, a));
}

/* ND likewise: pool6/EAMT IPv6 addresses always (the kernel does not own them), our own without a host. */
static bool answers6(struct dp *dp, bool host, const uint8_t *a)
{
	return xlat_wants6(dp->xcfg, a) || (!host && dp_is_own6(dp, a));
}

/* A held (already translated) datagram leaves once its next hop's MAC is known. */
static void send_ip(struct dp *dp, struct rte_mbuf *m, uint16_t port, int family, const struct rte_ether_addr *mac)
{
	struct rte_ether_hdr *eh = (struct rte_ether_hdr *)rte_pktmbuf_prepend(m, 14);

	if (!eh) {
		cnt(dp, XLAT_NO_MBUF);
		rte_pktmbuf_free(m);
		return;
	}
	dp_eth_hdr(eh, mac, port, dp_ethertype(family));
	m->ol_flags = 0;
	send_frame(dp, m, port);
}

static void release_pending(struct dp *dp, uint16_t port, int family, const uint8_t *addr,
			    const struct rte_ether_addr *mac)
{
	for (unsigned i = 0; i < PENDING_MAX; i++) {
		struct pending *pe = &pend[i];
		if (!pe->used || pe->port != port || pe->family != family ||
		    memcmp(pe->addr, addr, family == 4 ? 4 : 16) != 0)
			continue;
		for (unsigned k = 0; k < pe->n; k++)
			send_ip(dp, pe->pkts[k], port, family, mac);
		pe->used = false;
		pe->n = 0;
	}
}

static void learn(struct dp *dp, uint16_t port, int family, const uint8_t *addr, const struct rte_ether_addr *mac)
{
	int rc = neigh_learn(port, family, addr, mac);
	if (rc < 0) {
		cnt(dp, XLAT_NEIGH_FULL);
		return;
	}
	if (rc > 0) { /* a configured neighbour: learning never overrides it */
		cnt(dp, XLAT_NEIGH_STATIC_KEPT);
		return;
	}
	cnt(dp, XLAT_NEIGH_LEARNED);
	release_pending(dp, port, family, addr, mac);
}

static enum verdict handle_arp(struct dp *dp, struct rte_mbuf *m, uint16_t port, bool host)
{
	if (m->data_len < 14 + sizeof(struct rte_arp_hdr))
		return V_PASS;
	const struct rte_arp_hdr *a = rte_pktmbuf_mtod_offset(m, const struct rte_arp_hdr *, 14);
	if (a->arp_hardware != rte_cpu_to_be_16(RTE_ARP_HRD_ETHER) ||
	    a->arp_protocol != rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4) || a->arp_hlen != 6 || a->arp_plen != 4)
		return V_PASS;
	uint32_t sip = a->arp_data.arp_sip, tip = a->arp_data.arp_tip;
	struct rte_ether_addr sha = a->arp_data.arp_sha, known;
	bool answer = answers4(dp, host, tip);

	/* RFC 826: merge the sender when we know it; add it when the frame is for the box (its own or a
	 * proxied address, whoever answers) or is a reply (to us or to the host's kernel). */
	if (sip != 0 && (answer || dp_is_own4(dp, tip) || a->arp_opcode == rte_cpu_to_be_16(RTE_ARP_OP_REPLY) ||
			 neigh_lookup(port, 4, (const uint8_t *)&sip, &known)))
		learn(dp, port, 4, (const uint8_t *)&sip, &sha);
	if (a->arp_opcode == rte_cpu_to_be_16(RTE_ARP_OP_REQUEST) && answer) {
		send_arp(dp, port, RTE_ARP_OP_REPLY, tip, &sha, sip, &sha);
		cnt(dp, XLAT_ARP_REPLIED);
		return V_ANSWERED;
	}
	return V_PASS;
}

static uint16_t icmp6_csum(const uint8_t *ip6, const uint8_t *icmp, uint32_t len)
{
	return csum_fold(csum_partial(icmp, len, csum_pseudo6(ip6 + 8, ip6 + 24, 58, len)));
}

static void send_nd(struct dp *dp, uint16_t port, uint8_t type, const uint8_t *src, const uint8_t *dst,
		    const struct rte_ether_addr *eth_dst, const uint8_t *target, uint32_t flags)
{
	uint8_t *p;
	const uint32_t icmplen = 8 + 16 + 8;
	struct rte_mbuf *m = new_frame(dp, port, eth_dst, RTE_ETHER_TYPE_IPV6, 40 + icmplen, &p);

	if (!m)
		return;
	p[0] = 0x60;
	p[4] = 0;
	p[5] = (uint8_t)icmplen;
	p[6] = 58;
	p[7] = 255; /* RFC 4861 7.1.1: hop limit 255 */
	memcpy(p + 8, src, 16);
	memcpy(p + 24, dst, 16);
	uint8_t *icmp = p + 40;
	icmp[0] = type;
	icmp[4] = (uint8_t)(flags >> 24);
	memcpy(icmp + 8, target, 16);
	icmp[24] = type == 135 ? 1 : 2; /* source / target link-layer address option */
	icmp[25] = 1;
	memcpy(icmp + 26, dp->ports[port].mac.addr_bytes, 6);
	uint16_t c = icmp6_csum(p, icmp, icmplen);
	icmp[2] = (uint8_t)(c >> 8);
	icmp[3] = (uint8_t)c;
	send_frame(dp, m, port);
}

static const uint8_t *nd_option(const uint8_t *opt, uint32_t len, uint8_t type)
{
	while (len >= 8) {
		uint32_t olen = opt[1] * 8u;
		if (olen == 0 || olen > len)
			return NULL;
		if (opt[0] == type && olen >= 8)
			return opt + 2;
		opt += olen;
		len -= olen;
	}
	return NULL;
}

/* Reply to an echo request addressed to the box, in place: swap addresses, flip the type. False: malformed. */
static bool echo_reply(struct dp *dp, struct rte_mbuf *m, uint16_t port, int family)
{
	uint8_t *f = rte_pktmbuf_mtod(m, uint8_t *);
	uint8_t *ip = f + 14;
	uint32_t len = m->data_len - 14;
	struct rte_ether_addr tmp;

	if (family == 4) {
		uint32_t ihl = (ip[0] & 0xf) * 4u, tot = (uint32_t)(ip[2] << 8 | ip[3]), a;
		if (ihl < 20 || tot > len || tot < ihl + 8 || (ip[6] & 0x3f) || ip[7])
			return false;
		uint8_t *icmp = ip + ihl;
		if (csum_fold(csum_partial(icmp, tot - ihl, 0)) != 0)
			return false;
		memcpy(&a, ip + 12, 4);
		memcpy(ip + 12, ip + 16, 4);
		memcpy(ip + 16, &a, 4);
		ip[8] = 64;
		ip[10] = ip[11] = 0;
		uint16_t c = csum_ipv4_header(ip, ihl);
		ip[10] = (uint8_t)(c >> 8);
		ip[11] = (uint8_t)c;
		icmp[0] = 0;
		icmp[2] = icmp[3] = 0;
		c = csum_fold(csum_partial(icmp, tot - ihl, 0));
		icmp[2] = (uint8_t)(c >> 8);
		icmp[3] = (uint8_t)c;
		m->data_len = (uint16_t)(14 + tot);
	} else {
		uint32_t plen = (uint32_t)(ip[4] << 8 | ip[5]);
		uint8_t a[16];
		if (40 + plen > len || plen < 8)
			return false;
		uint8_t *icmp = ip + 40;
		if (icmp6_csum(ip, icmp, plen) != 0)
			return false;
		memcpy(a, ip + 8, 16);
		memcpy(ip + 8, ip + 24, 16);
		memcpy(ip + 24, a, 16);
		ip[7] = 64;
		icmp[0] = 129;
		icmp[2] = icmp[3] = 0;
		uint16_t c = icmp6_csum(ip, icmp, plen);
		icmp[2] = (uint8_t)(c >> 8);
		icmp[3] = (uint8_t)c;
		m->data_len = (uint16_t)(14 + 40 + plen);
	}
	m->pkt_len = m->data_len;
	struct rte_ether_hdr *eh = (struct rte_ether_hdr *)f;
	tmp = eh->src_addr;
	eh->src_addr = dp->ports[port].mac;
	eh->dst_addr = tmp;
	cnt(dp, XLAT_PING_REPLIED);
	send_frame(dp, m, port);
	return true;
}

static enum verdict handle_ip6(struct dp *dp, struct rte_mbuf *m, uint16_t port, bool host)
{
	const uint8_t *f = rte_pktmbuf_mtod(m, const uint8_t *);
	const uint8_t *ip = f + 14;
	uint32_t len = m->data_len - 14;

	if (len < 48 || ip[6] != 58)
		return V_PASS;
	uint32_t plen = (uint32_t)(ip[4] << 8 | ip[5]);
	if (40 + plen > len)
		return V_PASS;
	const uint8_t *icmp = ip + 40;
	if (icmp6_csum(ip, icmp, plen) != 0)
		return V_PASS;
	if (icmp[0] == 135 && ip[7] == 255 && plen >= 24) { /* neighbour solicitation (RFC 4861 7.1.1 checks) */
		const uint8_t *target = icmp + 8;
		static const uint8_t unspec[16];
		const uint8_t *slla = nd_option(icmp + 24, plen - 24, 1);
		bool dad = memcmp(ip + 8, unspec, 16) == 0;
		if (slla && !dad)
			learn(dp, port, 6, ip + 8, (const struct rte_ether_addr *)slla);
		if (!answers6(dp, host, target))
			return V_PASS;
		static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 1 };
		const struct rte_ether_addr mc = { { 0x33, 0x33, 0, 0, 0, 1 } };
		const struct rte_ether_addr *eth_dst = dad ? &mc : (const struct rte_ether_addr *)(f + 6);
		/* RFC 4861 7.2.4: solicited (unless DAD), override, from the target address */
		send_nd(dp, port, 136, target, dad ? all_nodes : ip + 8, eth_dst, target, dad ? 0x20000000 : 0x60000000);
		cnt(dp, XLAT_ND_REPLIED);
		return V_ANSWERED;
	}
	if (icmp[0] == 136 && ip[7] == 255 && plen >= 24) { /* neighbour advertisement (to us or to the host) */
		const uint8_t *tlla = nd_option(icmp + 24, plen - 24, 2);
		learn(dp, port, 6, icmp + 8, tlla ? (const struct rte_ether_addr *)tlla : (const struct rte_ether_addr *)(f + 6));
		return V_PASS;
	}
	if (!host && icmp[0] == 128 && dp_is_own6(dp, ip + 24))
		return echo_reply(dp, m, port, 6) ? V_CONSUMED : V_PASS;
	return V_PASS;
}

static enum verdict handle_ip4(struct dp *dp, struct rte_mbuf *m, uint16_t port, bool host)
{
	const uint8_t *ip = rte_pktmbuf_mtod_offset(m, const uint8_t *, 14);
	uint32_t len = m->data_len - 14, dst;

	if (host || len < 28 || (ip[0] >> 4) != 4 || ip[9] != 1)
		return V_PASS;
	uint32_t ihl = (ip[0] & 0xf) * 4u;
	memcpy(&dst, ip + 16, 4);
	if (ihl + 8 <= len && ip[ihl] == 8 && dp_is_own4(dp, dst) && dst != 0xffffffffu)
		return echo_reply(dp, m, port, 4) ? V_CONSUMED : V_PASS;
	return V_PASS;
}

static void handle_host(struct dp *dp, struct rte_mbuf *m, uint16_t port)
{
	const uint8_t *f = rte_pktmbuf_mtod(m, const uint8_t *);
	uint16_t et = (uint16_t)(f[12] << 8 | f[13]);
	bool host = exception_has_tap(port);
	enum verdict v = V_PASS;

	if (et == RTE_ETHER_TYPE_ARP)
		v = handle_arp(dp, m, port, host);
	else if (et == RTE_ETHER_TYPE_IPV6)
		v = handle_ip6(dp, m, port, host);
	else if (et == RTE_ETHER_TYPE_IPV4)
		v = handle_ip4(dp, m, port, host);
	if (v == V_CONSUMED)
		return;
	if (v == V_PASS && host) {
		exception_to_host(dp, m, port);
		return;
	}
	/* No host behind this port: ARP was handled above; anything else has nowhere to go. */
	if (v == V_PASS && et != RTE_ETHER_TYPE_ARP)
		cnt(dp, XLAT_HOST_DROPPED);
	rte_pktmbuf_free(m);
}

static void solicit(struct dp *dp, struct pending *pe)
{
	static const struct rte_ether_addr bcast = { { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } };

	if (pe->family == 4) {
		uint32_t tip, sip;
		memcpy(&tip, pe->addr, 4);
		if (!port_src4(dp, pe->port, tip, &sip))
			return;
		send_arp(dp, pe->port, RTE_ARP_OP_REQUEST, sip, NULL, tip, &bcast);
	} else {
		/* RFC 4861 7.2.2: to the solicited-node multicast address of the target. */
		uint8_t snm[16] = { 0xff, 0x02, [11] = 1, [12] = 0xff };
		memcpy(snm + 13, pe->addr + 13, 3);
		struct rte_ether_addr mc = { { 0x33, 0x33, 0xff, pe->addr[13], pe->addr[14], pe->addr[15] } };
		const struct dp_port *p = &dp->ports[pe->port];
		send_nd(dp, pe->port, 135, p->has6 ? p->self6 : p->ll6, snm, &mc, pe->addr, 0);
	}
	cnt(dp, XLAT_RESOLVE_SENT);
}

static void hold(struct dp *dp, struct rte_mbuf *m, uint64_t now)
{
	const struct dp_meta *meta = dp_meta(m);
	struct rte_ether_addr mac;
	struct pending *free_slot = NULL;

	/* It may have been learnt since the worker looked. */
	if (neigh_lookup(meta->port, meta->family, meta->addr, &mac)) {
		send_ip(dp, m, meta->port, meta->family, &mac);
		return;
	}
	for (unsigned i = 0; i < PENDING_MAX; i++) {
		struct pending *pe = &pend[i];
		if (!pe->used) {
			if (!free_slot)
				free_slot = pe;
			continue;
		}
		if (pe->port == meta->port && pe->family == meta->family && memcmp(pe->addr, meta->addr, 16) == 0) {
			if (pe->n < PENDING_PKTS) {
				pe->pkts[pe->n++] = m;
			} else {
				cnt(dp, XLAT_RESOLVE_FAILED);
				rte_pktmbuf_free(m);
			}
			return;
		}
	}
	if (!free_slot) {
		cnt(dp, XLAT_RESOLVE_FAILED);
		rte_pktmbuf_free(m);
		return;
	}
	memset(free_slot, 0, sizeof(*free_slot));
	free_slot->used = true;
	free_slot->port = meta->port;
	free_slot->family = meta->family;
	memcpy(free_slot->addr, meta->addr, 16);
	free_slot->pkts[0] = m;
	free_slot->n = 1;
	free_slot->tries = 1;
	free_slot->next_ns = now + RESOLVE_INTERVAL_NS;
	solicit(dp, free_slot);
}

void slowpath_poll(struct dp *dp)
{
	struct rte_mbuf *pkts[DP_BURST];
	unsigned n = rte_ring_dequeue_burst(dp->to_slow, (void **)pkts, DP_BURST, NULL);
	uint64_t now = now_ns();

	exception_poll(dp);

	for (unsigned i = 0; i < n; i++) {
		const struct dp_meta *meta = dp_meta(pkts[i]);
		if (meta->reason == META_RESOLVE)
			hold(dp, pkts[i], now);
		else
			handle_host(dp, pkts[i], meta->port);
	}
}

void slowpath_timer(struct dp *dp, uint64_t now)
{
	exception_timer(dp);
	for (unsigned i = 0; i < PENDING_MAX; i++) {
		struct pending *pe = &pend[i];
		if (!pe->used || now < pe->next_ns)
			continue;
		if (pe->tries >= RESOLVE_TRIES) {
			for (unsigned k = 0; k < pe->n; k++) {
				cnt(dp, XLAT_RESOLVE_FAILED);
				rte_pktmbuf_free(pe->pkts[k]);
			}
			pe->used = false;
			pe->n = 0;
			continue;
		}
		pe->tries++;
		pe->next_ns = now + RESOLVE_INTERVAL_NS;
		solicit(dp, pe);
	}
}
