/* SPDX-License-Identifier: BSD-3-Clause */
/* The tail of every translated ICMP error (icmp_error.c): RFC 4884 extensions, the size limits, the checksum. */
#ifndef XLAT_ICMP_EXT_H
#define XLAT_ICMP_EXT_H

#include <stdint.h>

/*
 * RFC 4884: lay an ICMP extension structure out again after a translated quote.
 * icmp: the new ICMP header; the quote (quote bytes) starts at icmp + 8 and the
 * extension (ext_len bytes) right after it. unit: 4 (ICMPv4) or 8 (ICMPv6).
 * Returns the new ICMP message length and sets *lenfield (0: extension dropped).
 */
uint32_t icmp_error_relayout_ext(uint8_t *icmp, uint32_t quote, uint32_t ext_len, unsigned unit, uint32_t max_icmp,
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

#endif
