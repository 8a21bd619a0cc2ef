/* SPDX-License-Identifier: BSD-3-Clause */
/* Shared between the lib/ translation files; not part of the public API. */
#ifndef XLAT_INTERNAL_H
#define XLAT_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "checksum.h"
#include "xlat.h"

#define IPPROTO_HOPOPTS_ 0
#define IPPROTO_ICMP_ 1
#define IPPROTO_TCP_ 6
#define IPPROTO_UDP_ 17
#define IPPROTO_ROUTING_ 43
#define IPPROTO_FRAGMENT_ 44
#define IPPROTO_ICMPV6_ 58
#define IPPROTO_DSTOPTS_ 60

#define IPV4_DF 0x4000
#define IPV4_MF 0x2000
#define IPV4_OFFMASK 0x1fff

/* Big-endian fields at any alignment: one load or store and a byte swap (compilers do not merge byte stores). */
static inline uint16_t be16_(uint16_t v)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return __builtin_bswap16(v);
#else
	return v;
#endif
}
static inline uint32_t be32_(uint32_t v)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return __builtin_bswap32(v);
#else
	return v;
#endif
}
static inline uint16_t rd16(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return be16_(v); }
static inline uint32_t rd32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return be32_(v); }
static inline void wr16(uint8_t *p, uint16_t v) { v = be16_(v); memcpy(p, &v, 2); }
static inline void wr32(uint8_t *p, uint32_t v) { v = be32_(v); memcpy(p, &v, 4); }

/*
 * The fast paths' TCP/UDP checksum update for new addresses (and ports), from a
 * sum of csum_delta()s (checksum.h): the value l4_csum64/46 (+ l4_set_port)
 * compute. A zero UDP checksum stays zero (IPv4's "none"; the 4->6 fast path
 * never has one). False for anything else (ICMP: its type changes too).
 */
static inline bool l4_adjust(uint8_t proto, uint8_t *l4, uint32_t adj)
{
	if (proto == IPPROTO_TCP_) {
		wr16(l4 + 16, csum_adjust(rd16(l4 + 16), adj));
	} else if (proto == IPPROTO_UDP_) {
		uint16_t c = rd16(l4 + 6);
		if (c != 0) {
			c = csum_adjust(c, adj);
			wr16(l4 + 6, c ? c : 0xffff);
		}
	} else {
		return false;
	}
	return true;
}
static inline uint32_t ld32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; } /* network order kept */
static inline void st32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }

/* Bytes an upper-layer header needs before it can be translated (0: unknown protocol, copied as is). */
static inline uint32_t l4_min_len(uint8_t proto)
{
	return proto == 6 ? 20 : (proto == 17 || proto == 1 || proto == 58) ? 8 : 0;
}

static inline void count(struct xlat_ctx *ctx, enum xlat_stat s) { ctx->counters[s]++; }

/* Longer than the link it came in on (a super-frame, xlat.c oversize())? An in_mtu of 0 means unknown: never. */
static inline bool xlat_longer_than_link(const struct xlat_ctx *ctx, uint32_t len)
{
	return len - 1u > ctx->in_mtu - 1u; /* one compare; in_mtu 0 wraps to the largest value */
}

/* Does this TCP/UDP header's checksum field hold the partial value (checksum.h) for pseudo? */
static inline bool l4_csum_is_partial(uint8_t proto, const uint8_t *l4, uint32_t l4len, uint32_t pseudo)
{
	uint16_t f;

	if (proto == IPPROTO_TCP_ && l4len >= 20)
		f = rd16(l4 + 16);
	else if (proto == IPPROTO_UDP_ && l4len >= 8 && rd16(l4 + 6) != 0)
		f = rd16(l4 + 6);
	else
		return false;
	return f == csum_partial_value(pseudo);
}

/*
 * A whole TCP or UDP datagram (not a fragment, its header in l4len) whose
 * checksum the sender left partial (checksum.h) is finished before it is
 * translated, so that RFC 7915's incremental update (which keeps a wrong
 * checksum wrong) starts from the right one. pseudo: the pseudo-header sum of
 * the packet as it arrived. A UDP zero ("none" in IPv4) is never partial.
 */
void l4_csum_finish_counted(struct xlat_ctx *ctx, uint8_t proto, uint8_t *l4, uint32_t l4len, uint32_t pseudo);

static inline void l4_csum_offload(struct xlat_ctx *ctx, uint8_t proto, uint8_t *l4, uint32_t l4len, uint32_t pseudo)
{
	if (__builtin_expect(l4_csum_is_partial(proto, l4, l4len, pseudo), 0))
		l4_csum_finish_counted(ctx, proto, l4, l4len, pseudo);
}

/*
 * The fast paths' l4_csum_offload(), for a header they checked already: coff
 * is the checksum's offset in it (TCP 16, UDP 6; 0 for ICMP, never partial).
 * A UDP zero needs no test here: a partial value is never 0.
 */
static inline void l4_csum_offload_at(struct xlat_ctx *ctx, unsigned coff, uint8_t proto, uint8_t *l4, uint32_t l4len,
				      uint32_t pseudo)
{
	if (coff && __builtin_expect(rd16(l4 + coff) == csum_partial_value(pseudo), 0))
		l4_csum_finish_counted(ctx, proto, l4, l4len, pseudo);
}

/* What the parsers learn about an IP header (outer packet or the one inside an ICMP error). */
struct l3info {
	uint32_t l3len;    /* IP header incl. extension headers / options */
	uint32_t pktlen;   /* length the header claims (may exceed the buffer for inner packets) */
	uint8_t proto;     /* upper-layer protocol */
	bool frag;         /* IPv6 fragment header present / IPv4 fragment (MF or offset) */
	bool mf;
	uint16_t frag_off; /* in 8-byte units */
	uint32_t frag_id;  /* IPv6 fragment id, or IPv4 id */
	uint32_t frag_hdr_pos; /* IPv6: offset of the fragment header, 0 if none */
	bool df;           /* IPv4 only */
	bool src_route;    /* IPv4: unexpired LSRR/SSRR option */
	uint32_t seg_left_ptr; /* IPv6: offset of a non-zero Segments Left field, 0 if none */
	bool ext_after_frag;
	bool two_frags;
};

/* Parse an IP header (chain). inner: the packet may be truncated (ICMP error payload). Returns XSTAT_MAX when
 * fine, else the counter that names the drop. */
int parse6(const uint8_t *p, uint32_t len, bool inner, struct l3info *li);
int parse4(const uint8_t *p, uint32_t len, bool inner, struct l3info *li);

/* Address mapping (addr_xlat.c). Return 0 or -1. */
/* IPv6 -> IPv4: EAMT, else pool6; says which, or why not. */
enum map_result { MAP_NONE = -2, MAP_DENIED = -1, MAP_EAMT = 0, MAP_POOL6 = 1 };
int map64(const struct xlat_config *cfg, const uint8_t a6[16], uint32_t *a4);
int map_addr46(const struct xlat_config *cfg, uint32_t a4, uint8_t a6[16]);
bool denied4(const struct xlat_config *cfg, uint32_t a4);
/* Sources a router never forwards (NAT64 keeps no state for them): IPv4 reserved ranges, IPv6
 * unspecified/loopback/link-local/multicast. */
bool reserved4(uint32_t a4);
bool unforwardable6(const uint8_t a[16]);
/* The source of an ICMPv4 error: EAMT, else pool6 without the reserved-range check. */
int map_errsrc46(const struct xlat_config *cfg, uint32_t a4, uint8_t a6[16]);
/*
 * RFC 7757 appendix B (intrinsic hairpinning), second pass: the addresses that
 * were pool6 on the way in (outer source, inner destination) go back out through
 * pool6, the others through EAMT.
 */
int map_hairpin46(const struct xlat_config *cfg, uint32_t a4, uint8_t a6[16], bool use_pool6);
/* xorshift32: IPv4 identifications and RFC 6791 hosts (no secrecy needed); inline, one per 6->4 packet. */
static inline uint32_t xrand(struct xlat_ctx *ctx)
{
	uint32_t x = ctx->rand_state ? ctx->rand_state : 0x9e3779b9u;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	ctx->rand_state = x;
	return x;
}

/* ICMP type/code mapping (xlat_icmp.c), RFC 7915 4.2 and 5.2. */
enum icmp_rest { REST_COPY, REST_MTU, REST_PTR, REST_ZERO };
struct icmp_map {
	uint8_t type, code;
	enum icmp_rest rest; /* what to do with bytes 4-7 of the ICMP header */
	uint32_t ptr;        /* REST_PTR: the translated pointer */
};
/* Return XSTAT_MAX when translatable, else the counter naming why not. */
int icmp46_map(uint8_t type, uint8_t code, const uint8_t rest[4], struct icmp_map *m);
int icmp64_map(uint8_t type, uint8_t code, const uint8_t rest[4], struct icmp_map *m);
/* RFC 7915 4.2: PTB MTU for a Fragmentation Needed; 5.2: the other way. */
uint32_t mtu46(const struct xlat_globals *g, uint16_t mtu4_field, uint32_t inner_totlen, uint32_t out6_mtu,
	       uint32_t in4_mtu);
uint32_t mtu64(uint32_t mtu6_field, uint32_t out4_mtu, uint32_t in6_mtu);
/*
 * RFC 4884: lay an ICMP extension structure out again after a translated quote.
 * icmp: the new ICMP header; the quote (quote bytes) starts at icmp + 8 and the
 * extension (ext_len bytes) right after it. unit: 4 (ICMPv4) or 8 (ICMPv6).
 * Returns the new ICMP message length and sets *lenfield (0: extension dropped).
 */
uint32_t icmp_ext_relayout(uint8_t *icmp, uint32_t quote, uint32_t ext_len, unsigned unit, uint32_t max_icmp,
			   const uint8_t *buf_end, uint8_t *lenfield);
/*
 * The tail of every translated ICMP error (RFC 7915 4.3, 5.3): the new header at icmp (type, code,
 * bytes 4-7 = rest) before a quote of quote bytes and ext_len bytes of RFC 4884 extension, the
 * extension laid out again where the new type has a length field, the message cut to the error size
 * limit, and its checksum. src6/dst6: the ICMPv6 pseudo-header addresses, NULL for ICMPv4.
 * Returns the ICMP message's length.
 */
uint32_t icmp_error_finish(uint8_t *icmp, uint8_t type, uint8_t code, uint32_t rest, uint32_t quote, uint32_t ext_len,
			   const uint8_t *buf_end, const uint8_t *src6, const uint8_t *dst6);
bool icmp4_is_error(uint8_t type);
bool icmp6_is_error(uint8_t type);

/* NAT64 (nat64.c). Ports and ids in host order, addresses in network order; XSTAT_MAX or a counter. */
int nat64_out(struct xlat_ctx *ctx, uint8_t proto, const uint8_t *src6, uint16_t sport, uint32_t dst4,
	      uint16_t dport, uint8_t flags, uint32_t *src4, uint16_t *sport4);
int nat64_in(struct xlat_ctx *ctx, uint8_t proto, uint32_t src4, uint16_t sport, uint32_t dst4, uint16_t dport,
	     uint8_t flags, uint8_t dst6[16], uint16_t *dport6);
/*
 * NAT64 fragment tracking: a datagram's first fragment records what it was
 * mapped to (6->4: the IPv4 source; 4->6: the IPv6 destination), keyed by the
 * original (family, proto, id, src, dst); the later fragments, which carry no
 * ports, look it up. A later fragment that arrives first is dropped (counted).
 * nat64_frag_put / nat64_frag_get are declared in nat64.h.
 */

/* Lookups for ICMP error payloads (no state change); 0 or -1. */
int nat64_find_in(struct xlat_ctx *ctx, uint8_t proto, uint32_t local4, uint16_t lport, uint32_t remote4,
		  uint16_t rport, uint8_t a6[16], uint16_t *p6);
int nat64_find_out(struct xlat_ctx *ctx, uint8_t proto, const uint8_t *a6, uint16_t p6, uint32_t remote4,
		   uint16_t rport, uint32_t *local4, uint16_t *lport);

/*
 * The transport identifiers NAT64 maps: TCP/UDP ports, or the ICMP echo
 * identifier (as both "ports"). proto is the IPv4 number (ICMPv6 given as 1).
 * False when the header has none.
 */
static inline bool l4_ports(uint8_t proto, const uint8_t *l4, uint32_t l4len, uint16_t *sport, uint16_t *dport,
			    uint8_t *flags)
{
	*flags = 0;
	if ((proto == IPPROTO_TCP_ && l4len >= 20) || (proto == IPPROTO_UDP_ && l4len >= 8)) {
		*sport = rd16(l4);
		*dport = rd16(l4 + 2);
		if (proto == IPPROTO_TCP_)
			*flags = l4[13];
		return true;
	}
	if (proto == IPPROTO_ICMP_ && l4len >= 8 && (l4[0] == 0 || l4[0] == 8 || l4[0] == 128 || l4[0] == 129)) {
		*sport = *dport = rd16(l4 + 4);
		return true;
	}
	return false;
}

/* NAT64: rewrite the port or id at byte off of an L4 header and fix its checksum (RFC 1624). */
void l4_set_port(uint8_t proto, uint8_t *l4, uint32_t l4len, unsigned off, uint16_t v);

/* Translate ICMP error payloads in place (xlat_64.c / xlat_46.c). */
enum xlat_verdict xlat64_icmp_error(struct xlat_ctx *ctx, struct xlat_pkt *pkt, const struct l3info *li,
				    uint32_t src4, uint32_t dst4);
enum xlat_verdict xlat46_icmp_error(struct xlat_ctx *ctx, struct xlat_pkt *pkt, const struct l3info *li,
				    const uint8_t src6[16], const uint8_t dst6[16], bool hairpin);

enum xlat_verdict xlat64(struct xlat_ctx *ctx, struct xlat_pkt *pkt, bool *hairpin);
/* hairpin: second pass of an EAM hairpin (no TTL decrement, RFC 7757 B address choice). */
enum xlat_verdict xlat46(struct xlat_ctx *ctx, struct xlat_pkt *pkt, bool hairpin);

/* Box-originated ICMP errors, built in place over the offending packet (icmp_err.c). */
enum xlat_verdict icmp4_error_reply(struct xlat_ctx *ctx, struct xlat_pkt *pkt, uint8_t type, uint8_t code,
				    uint32_t rest);
enum xlat_verdict icmp6_error_reply(struct xlat_ctx *ctx, struct xlat_pkt *pkt, uint8_t type, uint8_t code,
				    uint32_t rest);

/* The IPv4 header writer shared by 6->4 paths. */
void write_ipv4(uint8_t *h, uint8_t tos, uint16_t totlen, uint16_t id, uint16_t frag, uint8_t ttl, uint8_t proto,
		uint32_t src, uint32_t dst);
void write_ipv6(uint8_t *h, uint8_t tclass, uint16_t paylen, uint8_t nexthdr, uint8_t hlim, const uint8_t src[16],
		const uint8_t dst[16]);

#endif
