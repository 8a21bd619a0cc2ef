/* SPDX-License-Identifier: BSD-3-Clause */
/* Internet checksum (RFC 1071) and incremental updates (RFC 1624). */
#ifndef XLAT_CHECKSUM_H
#define XLAT_CHECKSUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One's complement sum of buf folded to 32 bits (not inverted); start with init. */
uint32_t csum_partial(const void *buf, size_t len, uint32_t init);
/* Fold to 16 bits and invert: the value that goes on the wire. */
uint16_t csum_fold(uint32_t sum);
/* Pseudo-header sums (RFC 768 / RFC 8200 8.1), not inverted. Addresses in network order. */
uint32_t csum_pseudo4(uint32_t src_be, uint32_t dst_be, uint8_t proto, uint32_t len);
uint32_t csum_pseudo6(const uint8_t src[16], const uint8_t dst[16], uint8_t nexthdr, uint32_t len);
/*
 * RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'), where old_sum/new_sum are the
 * unfolded sums of the old and new covered fields. Keeps a wrong checksum
 * wrong by the same amount, which Jool's vectors check.
 */
uint16_t csum_replace(uint16_t check_be, uint32_t old_sum, uint32_t new_sum);
/* Header checksum of an IPv4 header of ihl*4 bytes (the checksum field is taken as zero). */
uint16_t csum_ipv4_header(const void *hdr, unsigned ihl_bytes);

/*
 * CHECKSUM_PARTIAL: a sender on the same kernel as the box (a veth or tap peer:
 * containers, namespaces, VMs on local taps) leaves the TCP/UDP checksum to the
 * NIC that never comes. Its field then holds the pseudo-header sum, folded and
 * not complemented (Linux: tcp_v4_send_check, udp4_hwcsum, __tcp_v6_send_check),
 * and af_packet/af_xdp pass no flag that says so. csum_partial_value() is that
 * value for a pseudo-header sum (csum_pseudo4/6, or the same sum from parts).
 *
 * csum_l4_finish(): the field equals that value; finish the checksum as the NIC
 * would have (the sum of the segment as it lies, complemented; a UDP zero sent
 * as 0xffff) and return true, unless the segment already verifies with it (a
 * complete checksum that happens to equal the partial value: 1 in 65536), which
 * is left alone. proto: 6 or 17 (IPv4 and IPv6 numbers alike).
 */
static inline uint16_t csum_partial_value(uint32_t pseudo)
{
	pseudo = (pseudo & 0xffff) + (pseudo >> 16);
	pseudo = (pseudo & 0xffff) + (pseudo >> 16);
	return (uint16_t)pseudo;
}
bool csum_l4_finish(uint8_t proto, uint8_t *l4, uint32_t l4len, uint32_t pseudo);

/*
 * The address parts of the pseudo-headers, for the per-packet RFC 1624 updates:
 * the same value as csum_partial over the addresses, folded to 16 bits. Inline
 * and branch-free: 32-bit halves summed in memory order. csum_fold_be_() leaves
 * the result as the bytes lie (what a 16-bit load of a checksum field reads:
 * the one's complement sum does not care which byte of a word is high, RFC 1071
 * 2(B)); csum_fold_mem_() swaps it into host order.
 */
static inline uint32_t csum_fold_be_(uint64_t s)
{
	s = (s & 0xffffffffu) + (s >> 32);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (uint32_t)s;
}

static inline uint32_t csum_fold_mem_(uint64_t s)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return __builtin_bswap16((uint16_t)csum_fold_be_(s));
#else
	return csum_fold_be_(s);
#endif
}

static inline uint32_t csum_addr6(const uint8_t src[16], const uint8_t dst[16])
{
	uint32_t w[8];
	uint64_t s = 0;

	__builtin_memcpy(w, src, 16);
	__builtin_memcpy(w + 4, dst, 16);
	for (unsigned i = 0; i < 8; i++)
		s += w[i];
	return csum_fold_mem_(s);
}

static inline uint32_t csum_addr4(uint32_t src_be, uint32_t dst_be)
{
	return csum_fold_mem_((uint64_t)src_be + dst_be);
}

/*
 * The fast paths' RFC 1624 updates, split per address so that each half can be
 * remembered with its address mapping: csum_a6_be/csum_a4_be are one address's
 * folded sum (as csum_addr6/4), csum_adjust applies a precomputed ~old + new.
 * The result is congruent to csum_replace's, and equal to it unless the whole
 * sum is 0 (which needs an all-zero new address). The fast paths keep every
 * part in network order, as the fields they load and store lie: no byte swap
 * for a checksum field, or for a part.
 */
static inline uint32_t csum_a6_be(const uint8_t a[16])
{
	uint32_t w[4];

	__builtin_memcpy(w, a, 16);
	return csum_fold_be_((uint64_t)w[0] + w[1] + w[2] + w[3]);
}

static inline uint32_t csum_a4_be(uint32_t a_be)
{
	return csum_fold_be_(a_be);
}

/*
 * ~old + new for one field pair, as csum_adjust takes it (old and new folded
 * 16-bit sums, both in host order or both in network order).
 */
static inline uint32_t csum_delta(uint32_t old16, uint32_t new16)
{
	return (uint16_t)~old16 + new16;
}

/*
 * The checksum check updated by adj, a sum of csum_delta()s (at most a few of
 * them): check and adj in the same byte order, the result in it too.
 */
static inline uint16_t csum_adjust(uint16_t check, uint32_t adj)
{
	uint32_t s = (uint16_t)~check + adj;

	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/*
 * The header checksum of a 20-byte IPv4 header (checksum field taken as zero),
 * inline for the fast paths, in network order (as a 16-bit load of the field
 * reads it).
 */
static inline uint16_t csum_ipv4_header20_be(const uint8_t *h)
{
	uint32_t w[5];

	__builtin_memcpy(w, h, 20);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	w[2] &= 0x0000ffffu;
#else
	w[2] &= 0xffff0000u;
#endif
	return (uint16_t)~csum_fold_be_((uint64_t)w[0] + w[1] + w[2] + w[3] + w[4]);
}

#endif
