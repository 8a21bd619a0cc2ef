/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Counters. Names follow Jool's `jool stats display` where the same thing is
 * counted (jool-reference.md); ours start with XLAT_ (dataplane events Jool has
 * no name for).
 */
#ifndef XLAT_STATS_H
#define XLAT_STATS_H

#include <stdint.h>

#define XLAT_STATS(X)                                                          \
	X(JSTAT_RECEIVED6, "IPv6 packets the translator took")                 \
	X(JSTAT_RECEIVED4, "IPv4 packets the translator took")                 \
	X(JSTAT_SUCCESS, "packets translated and handed to output")            \
	X(JSTAT_XLATOR_DISABLED, "dropped: translator disabled")               \
	X(JSTAT_POOL6_UNSET, "dropped: pool6 needed but unset")                \
	X(JSTAT_SKB_TRUNCATED, "dropped: packet shorter than its headers")     \
	X(JSTAT_HDR6, "dropped: malformed IPv6 header")                       \
	X(JSTAT_HDR4, "dropped: malformed IPv4 header")                       \
	X(JSTAT_UNKNOWN_L4_PROTO, "dropped: unknown inner L4 protocol")        \
	X(JSTAT_UNKNOWN_ICMP6_TYPE, "dropped: untranslatable ICMPv6 type")     \
	X(JSTAT_UNKNOWN_ICMP4_TYPE, "dropped: untranslatable ICMPv4 type")     \
	X(JSTAT_DOUBLE_ICMP6_ERROR, "dropped: ICMPv6 error inside ICMPv6 error") \
	X(JSTAT_DOUBLE_ICMP4_ERROR, "dropped: ICMPv4 error inside ICMPv4 error") \
	X(JSTAT_UNKNOWN_PROTO_INNER, "dropped: unknown protocol in ICMP error payload") \
	X(JSTAT_HAIRPIN_LOOP, "dropped: hairpin would loop")                   \
	X(JSTAT_POOL6_MISMATCH, "dropped: IPv6 destination not in pool6/EAMT") \
	X(JSTAT_UNTRANSLATABLE_DST6, "dropped: IPv6 destination untranslatable") \
	X(JSTAT_UNTRANSLATABLE_DST4, "dropped: IPv4 destination untranslatable") \
	X(JSTAT64_SRC, "dropped: IPv6 source untranslatable")                  \
	X(JSTAT64_DST, "dropped: IPv6 destination untranslatable")             \
	X(JSTAT64_6791_ENOENT, "ICMPv6 error source untranslatable, no rfc6791v4 address") \
	X(JSTAT64_ICMP_CSUM, "dropped: ICMPv6 error with bad checksum")        \
	X(JSTAT64_UNTRANSLATABLE_PARAM_PROB_PTR, "dropped: untranslatable parameter problem pointer") \
	X(JSTAT64_TTL, "dropped: hop limit exceeded (ICMPv6 time exceeded sent)") \
	X(JSTAT64_FRAGMENTED_ICMP, "dropped: fragmented ICMPv6")               \
	X(JSTAT64_2XFRAG, "dropped: two fragment headers")                     \
	X(JSTAT64_FRAG_THEN_EXT, "dropped: extension header after fragment header") \
	X(JSTAT64_SEGMENTS_LEFT, "dropped: routing header with segments left") \
	X(JSTAT46_SRC, "dropped: IPv4 source untranslatable")                  \
	X(JSTAT46_DST, "dropped: IPv4 destination untranslatable")             \
	X(JSTAT46_6791_ENOENT, "ICMPv4 error source untranslatable, no rfc6791v6 address") \
	X(JSTAT46_ICMP_CSUM, "dropped: ICMPv4 error with bad checksum")        \
	X(JSTAT46_UNTRANSLATABLE_PARAM_PROBLEM_PTR, "dropped: untranslatable parameter problem pointer") \
	X(JSTAT46_TTL, "dropped: TTL exceeded (ICMPv4 time exceeded sent)")    \
	X(JSTAT46_FRAGMENTED_ICMP, "dropped: fragmented ICMPv4 error")         \
	X(JSTAT46_SRC_ROUTE, "dropped: unexpired IPv4 source route")           \
	X(JSTAT46_FRAGMENTED_ZERO_CSUM, "dropped: fragmented UDP with zero checksum") \
	X(JSTAT46_BAD_MTU, "dropped: unusable MTU in ICMP error")              \
	X(JSTAT_FAILED_ROUTES, "dropped: no route for translated packet")      \
	X(JSTAT_PKT_TOO_BIG, "dropped: too big for egress MTU (ICMP error sent)") \
	X(JSTAT_ICMP6ERR_SUCCESS, "ICMPv6 errors originated")                  \
	X(JSTAT_ICMP6ERR_FAILURE, "ICMPv6 errors not originated (rate limit, no route/address)") \
	X(JSTAT_ICMP4ERR_SUCCESS, "ICMPv4 errors originated")                  \
	X(JSTAT_ICMP4ERR_FAILURE, "ICMPv4 errors not originated (rate limit, no route/address)") \
	X(XLAT_UDP_ZERO_CSUM, "dropped: IPv4 UDP zero checksum, amend-udp-checksum-zero off") \
	X(XLAT_ICMP_TOO_SHORT, "dropped: ICMP error payload too short to translate") \
	X(XLAT_DENYLIST4, "dropped: IPv4 address in denylist4 or reserved")    \
	X(XLAT_FRAG6_OUT, "IPv6 fragments emitted by the translator")          \
	X(XLAT_HAIRPIN, "packets hairpinned through EAMT")                     \
	/* hosts as they come: offloads of senders on the same kernel (doc/operations.md) */ \
	X(XLAT_CSUM_PARTIAL, "TCP/UDP checksums completed: left partial for offload by the sender") \
	X(XLAT_GSO_SEGMENTED, "TCP super-frames (TSO/GRO) translated and cut to the egress MTU") \
	X(XLAT_GSO_SEGMENTS, "segments cut from TCP super-frames")              \
	X(XLAT_GSO_REFUSED, "dropped: longer than the ingress MTU and not segmentable (UDP GSO, IPv6 or DF set)") \
	X(JSTAT_BIB6_NOT_FOUND, "dropped: no BIB entry for the IPv6 packet")    \
	X(JSTAT_BIB4_NOT_FOUND, "dropped: no BIB entry for the IPv4 packet (ICMP port unreachable sent)") \
	X(JSTAT_SESSION_NOT_FOUND, "dropped: ICMP error about a packet with no session") \
	X(JSTAT_ADF, "dropped: address-dependent filtering")                   \
	X(JSTAT_V4_SYN, "dropped: IPv4-initiated TCP SYN with no BIB entry or not allowed") \
	X(JSTAT_TYPE1PKT, "IPv4-initiated SYNs stored waiting for the IPv6 side (RFC 6146 3.5.2.2)") \
	X(JSTAT_SO_EXISTS, "stored SYN already held for that connection")          \
	X(JSTAT_SO_FULL, "dropped: stored SYNs at maximum-simultaneous-opens")      \
	X(XLAT_SO_OPENED, "simultaneous opens completed from a stored SYN")         \
	X(XLAT_SO_EXPIRED, "stored SYNs timed out (ICMP port unreachable sent)")    \
	X(JSTAT_SYN6_EXPECTED, "dropped: TCP from IPv6 without session, not a SYN") \
	X(JSTAT_SYN4_EXPECTED, "dropped: TCP from IPv4 without session, not a SYN") \
	X(JSTAT_ICMP6_FILTER, "dropped: ICMPv6 informational filtered (drop-icmpv6-info)") \
	X(XLAT_POOL4_EXHAUSTED, "refused: no free pool4 port for a new BIB entry") \
	X(XLAT_NAT64_TABLE_FULL, "refused: worker session/BIB table full")     \
	X(XLAT_NAT64_BIB_CREATED, "BIB entries created")                        \
	X(XLAT_NAT64_SESSION_CREATED, "sessions created")                       \
	X(XLAT_NAT64_EXPIRED, "sessions expired")                               \
	X(XLAT_NAT64_FRAGMENT, "dropped: NAT64 later fragment whose first fragment was not seen (or expired)") \
	X(XLAT_HANDOFF_OUT, "packets handed to the worker that owns their flow") \
	X(XLAT_HANDOFF_FULL, "dropped: handoff ring full (the owner not keeping up)") \
	/* carrier-grade NAT64 (doc/cgn.md) */                                 \
	X(XLAT_CGN_SESSION_LIMIT, "refused: subscriber at cgn.max-sessions")    \
	X(XLAT_CGN_PORT_LIMIT, "refused: subscriber at cgn.max-ports for the protocol") \
	X(XLAT_CGN_BLOCK_LIMIT, "refused: subscriber's port blocks full, at cgn.port-blocks.max-blocks (or its deterministic range full)") \
	X(XLAT_CGN_DET_OUTSIDE, "refused: IPv6 source outside cgn.deterministic ipv6 prefix") \
	X(XLAT_CGN_BLOCK_ALLOCATED, "port blocks allocated")                   \
	X(XLAT_CGN_BLOCK_FREED, "port blocks freed (their last BIB entry went)") \
	X(XLAT_CGN_SUBSCRIBERS, "gauge: subscribers with sessions, BIB entries or blocks") \
	X(XLAT_CGN_BLOCKS, "gauge: port blocks allocated")                     \
	X(XLAT_NATLOG_EVENTS, "NAT events queued for the exporter")            \
	X(XLAT_NATLOG_DROPPED, "NAT events dropped: event ring full")          \
	X(XLAT_NATLOG_MSGS, "IPFIX messages and syslog lines sent (control thread)") \
	X(XLAT_NATLOG_SEND_FAILED, "IPFIX messages or syslog lines the socket refused (control thread)") \
	/* dataplane events */                                                 \
	X(XLAT_RX, "frames received")                                         \
	X(XLAT_TX, "frames transmitted")                                      \
	X(XLAT_TX_DROP, "dropped: transmit queue full")                       \
	X(XLAT_BUSY_CYCLES, "TSC cycles of worker poll rounds that found work (load)") \
	X(XLAT_RX_BAD_L2, "dropped: runt or unsupported L2 frame")            \
	X(XLAT_RX_MULTISEG, "dropped: multi-segment frame")                   \
	X(XLAT_RX_TRUNCATED, "dropped: frame cut short by the port (longer than its receive buffers)") \
	X(XLAT_VLAN_UNKNOWN, "dropped: 802.1Q tag of a VLAN the port does not carry (or 802.1ad)") \
	X(XLAT_NOT_OURS, "dropped: not addressed to a translated prefix")     \
	X(XLAT_TO_HOST, "frames for the box itself (ARP, ND, own addresses)") \
	X(XLAT_HOST_QUEUE_FULL, "dropped: slow-path queue full")              \
	X(XLAT_NO_NEIGHBOR, "dropped: next hop not resolved yet")             \
	X(XLAT_NO_MBUF, "dropped: mbuf pool empty or no headroom")              \
	X(XLAT_ARP_REPLIED, "ARP requests answered")                            \
	X(XLAT_ND_REPLIED, "neighbour solicitations answered")                  \
	X(XLAT_PING_REPLIED, "echo requests to the box answered")               \
	X(XLAT_HOST_DROPPED, "frames for the box that nothing handles (exception path off)") \
	X(XLAT_NEIGH_LEARNED, "neighbour entries learnt or refreshed")           \
	X(XLAT_NEIGH_FULL, "neighbours not learnt: table full")                 \
	X(XLAT_RESOLVE_SENT, "ARP requests / neighbour solicitations sent")     \
	X(XLAT_RESOLVE_HELD, "packets held while their next hop resolves")      \
	X(XLAT_RESOLVE_FAILED, "dropped: next hop did not answer")              \
	/* exception path (TAP per port towards the host kernel) */            \
	X(XLAT_EXC_TO_HOST, "frames handed to the host kernel through a TAP")   \
	X(XLAT_EXC_FROM_HOST, "frames the host kernel sent out of a port")      \
	X(XLAT_EXC_RATE_LIMITED, "dropped: over the exception-path rate (dataplane.exception-pps)") \
	X(XLAT_EXC_TAP_DROP, "dropped: the host's TAP interface did not take the frame") \
	X(XLAT_NEIGH_STATIC_KEPT, "learnt neighbour ignored: a static entry overrides it") \
	X(XLAT_MBUF_IN_USE, "gauge: mbufs of the packet pool in use")           \
	X(XLAT_EXC_MBUF_IN_USE, "gauge: mbufs of the exception-path pool in use") \
	X(XLAT_SYNC_QUEUE_FULL, "sync: session events lost, a worker's queue was full (ss-capacity)") \
	X(XLAT_SYNC_INSTALLED, "sync: a peer's sessions installed") \
	X(XLAT_SYNC_UPDATED, "sync: a peer's sessions updated (state, timer)") \
	X(XLAT_SYNC_CONFLICT, "sync: a peer's sessions refused: this box maps the IPv6 or IPv4 side otherwise") \
	X(XLAT_SYNC_INSTALL_FULL, "sync: a peer's sessions refused: the table is full") \
	X(XLAT_SYNC_INVALID, "sync: a peer's records refused: not this box's pool4 (configurations differ) or nonsense") \
	X(XLAT_SYNC_INSTALL_QUEUE_FULL, "sync: a peer's sessions lost: a worker's install queue was full") \
	X(XLAT_SYNC_REDIRECT_FULL, "sync: a peer's sessions lost: the redirected-port map is full") \
	X(XLAT_SYNC_TX_DATAGRAMS, "sync: datagrams sent") \
	X(XLAT_SYNC_TX_SESSIONS, "sync: session records sent") \
	X(XLAT_SYNC_TX_ERRORS, "sync: datagrams the socket refused") \
	X(XLAT_SYNC_RX_DATAGRAMS, "sync: datagrams accepted from peers") \
	X(XLAT_SYNC_RX_SESSIONS, "sync: session records received from peers") \
	X(XLAT_SYNC_RX_MALFORMED, "sync: datagrams refused: malformed") \
	X(XLAT_SYNC_RX_BAD_MAC, "sync: datagrams refused: HMAC wrong (forged, corrupted, another key)") \
	X(XLAT_SYNC_RX_REPLAYED, "sync: datagrams refused: replayed or from an older epoch") \
	X(XLAT_SYNC_RX_SELF, "sync: datagrams of this box's own (multicast loop)") \
	X(XLAT_SYNC_RX_TOO_MANY_PEERS, "sync: datagrams refused: more senders than the replay state holds") \
	X(XLAT_SYNC_RX_DISABLED, "sync: datagrams ignored: ss-enabled is false") \
	X(XLAT_SYNC_BULK_SERVED, "sync: bulk transfers of the whole table sent to joining peers") \
	X(XLAT_SYNC_BULK_SESSIONS, "sync: session records a worker walked for a bulk")

enum xlat_stat {
#define XLAT_STAT_ENUM(name, desc) name,
	XLAT_STATS(XLAT_STAT_ENUM)
#undef XLAT_STAT_ENUM
	XSTAT_MAX, /* how many counters there are: the size of a counter array */
	/*
	 * Not a counter: what a step of lib/ that may refuse a packet returns when
	 * it lets the packet go on (a refusal returns the counter that names it).
	 */
	XLAT_OK,
};

const char *xlat_stat_name(enum xlat_stat s);
const char *xlat_stat_desc(enum xlat_stat s);

#endif
