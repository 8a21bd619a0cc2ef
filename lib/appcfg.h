/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The appliance configuration as plain data: what control/config_load.c
 * produces from the JSON file and the dataplane consumes. No logic here.
 */
#ifndef XLAT_APPCFG_H
#define XLAT_APPCFG_H

#include <stdbool.h>
#include <stdint.h>

#include "xlat.h"
/*
 * Not needed by the types below: control/ (api.h, config_load.c) reaches the
 * NAT64 and CGN interfaces through this header since xlat.h stopped including
 * them; they belong in control/'s own includes.
 */
#include "cgn.h"
#include "nat64.h"

#define APPCFG_MAX_PORTS 32 /* ports and their VLAN sub-interfaces together */
#define APPCFG_MAX_ADDRS 8
#define APPCFG_MAX_NEIGH 32
#define APPCFG_MAX_ROUTES 256
#define APPCFG_MAX_EAL_ARGS 64
#define APPCFG_NAME_LEN 32
#define APPCFG_STR_LEN 512

struct appcfg_addr {
	int family; /* 4 or 6 */
	uint8_t addr[16]; /* v4 in the first 4 bytes, network order */
	uint8_t plen;
};

struct appcfg_neigh {
	int family;
	uint8_t addr[16];
	uint8_t mac[6];
};

/*
 * A port: a device of its own, or a VLAN sub-interface of one (802.1Q on a
 * trunk): is_vlan, parent (the index of that port, listed before it) and vlan.
 * Either way an interface with its own addresses, neighbours, routes, MTU,
 * counters and exception-path TAP.
 */
struct appcfg_port {
	char name[APPCFG_NAME_LEN];   /* referenced by routes */
	char device[APPCFG_STR_LEN];  /* "net_af_packet0,iface=p6", "net_pcap0,rx_pcap=..", or a PCI address; "" for a VLAN */
	bool is_vlan;
	unsigned parent;              /* VLAN: index of the port that carries it */
	uint16_t vlan;                /* VLAN: 802.1Q VLAN id, 1-4094 */
	uint16_t mtu;                 /* default 1500 */
	bool mac_set;
	uint8_t mac[6];
	struct appcfg_addr addrs[APPCFG_MAX_ADDRS];
	unsigned n_addrs;
	struct appcfg_neigh neigh[APPCFG_MAX_NEIGH];
	unsigned n_neigh;
};

struct appcfg_route {
	int family;
	uint8_t prefix[16];
	uint8_t plen;
	bool via_set; /* false: connected (the destination itself is the neighbour) */
	uint8_t via[16];
	unsigned port; /* index into ports[] */
};

/*
 * Session synchronisation's transport (doc/ha.md): this box's node id, the
 * pair's key, the UDP address and port it listens on, and where it sends:
 * unicast peers, or a multicast group on an interface. The key is read from
 * key_file when the configuration loads; the file's name, never the key, is
 * what a dump shows.
 */
#define APPCFG_MAX_SYNC_PEERS 8
#define APPCFG_SYNC_KEY_MAX 64
#define APPCFG_DEFAULT_SYNC_PORT 6464
#define APPCFG_DEFAULT_SYNC_BULK_RATE 200000
struct appcfg_sync {
	bool configured; /* the file has a "sync" section */
	uint32_t node_id;
	char key_file[APPCFG_STR_LEN];
	uint8_t key[APPCFG_SYNC_KEY_MAX];
	unsigned key_len;
	int family; /* of address, peers and group */
	uint8_t address[16];
	uint16_t port;
	uint8_t peers[APPCFG_MAX_SYNC_PEERS][16];
	unsigned n_peers;
	bool multicast;
	uint8_t group[16];
	char interface[APPCFG_NAME_LEN];
	uint32_t bulk_rate; /* sessions per second a bulk sends at most */
};

struct appcfg {
	struct xlat_config xlat; /* mode, global, eamt, denylist4 */
	char *eal_args[APPCFG_MAX_EAL_ARGS];
	unsigned n_eal_args;
	struct appcfg_port ports[APPCFG_MAX_PORTS];
	unsigned n_ports;
	struct appcfg_route routes[APPCFG_MAX_ROUTES];
	unsigned n_routes;
	char control_socket[APPCFG_STR_LEN]; /* default /run/xlat64/control.sock; "" disables */
	uint32_t mbufs_per_port;             /* default 8191 */
	uint32_t idle_sleep_us;              /* worker sleeps this long after an empty poll round; 0 = busy poll */
	bool exception_path;                 /* a TAP per port towards the host kernel; default true */
	uint32_t exception_pps;              /* frames per second each worker may hand to the host; 0 = no limit */
	struct appcfg_sync sync;
};

#endif
