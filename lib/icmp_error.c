/* SPDX-License-Identifier: BSD-3-Clause */
/* The tail of every translated ICMP error: RFC 4884 extensions laid out again, the size limits, the checksum. */
#include <stdbool.h>
#include <string.h>

#include "bytes.h"
#include "checksum.h"
#include "icmp_error.h"
#include "icmp_types.h"
#include "ip_hdr.h"

uint32_t icmp_error_relayout_ext(uint8_t *icmp, uint32_t quote, uint32_t ext_len, unsigned unit, uint32_t max_icmp,
				 const uint8_t *buf_end, uint8_t *lenfield)
{
	/*
	 * RFC 4884 4/5: the original-datagram field is padded with zeros to a
	 * multiple of the length unit and to at least 128 bytes; the extension
	 * structure follows it. A translated quote changes size, so the
	 * extension moves. Our quote is cut (never padded) to a unit boundary.
	 */
	uint32_t newq;

	if (quote < 128)
		newq = 128;
	else
		newq = quote - quote % unit;
	/* Too big for the error size limit: the quote gives way, the extension stays (Jool's priority). */
	if (8 + newq + ext_len > max_icmp && max_icmp >= 8 + ext_len + 128) {
		newq = max_icmp - 8 - ext_len;
		newq -= newq % unit;
	}
	uint8_t *src = icmp + 8 + quote, *dst = icmp + 8 + newq;
	if (ext_len == 0 || 8 + newq + ext_len > max_icmp || newq < 128 || dst + ext_len > buf_end) {
		/* No room: send the quote without the extension (length field zero means "none"). */
		*lenfield = 0;
		return 8 + quote;
	}
	memmove(dst, src, ext_len);
	if (newq > quote)
		memset(src, 0, newq - quote);
	*lenfield = (uint8_t)(newq / unit);
	return 8 + newq + ext_len;
}

uint32_t icmp_error_finish(uint8_t *icmp, uint8_t type, uint8_t code, uint32_t rest, uint32_t quote, uint32_t ext_len,
			   const uint8_t *buf_end, const uint8_t *src6, const uint8_t *dst6)
{
	bool v6 = src6 != NULL;
	uint32_t max_icmp = v6 ? ICMP6_ERR_MAX - sizeof(struct rte_ipv6_hdr)
			       : ICMP4_ERR_MAX - sizeof(struct rte_ipv4_hdr);
	uint32_t len = ICMP_HDR_LEN + quote;

	icmp_hdr_write(icmp, type, code, rest);
	/* RFC 4884 length field: ICMPv6 Destination Unreachable / Time Exceeded (byte 4, 64-bit words),
	 * ICMPv4 Destination Unreachable / Time Exceeded (byte 5, 32-bit words) */
	if (ext_len && (v6 ? (type == ICMPV6_DEST_UNREACH || type == ICMPV6_TIME_EXCEEDED)
			  : (type == ICMPV4_DEST_UNREACH || type == ICMPV4_TIME_EXCEEDED)))
		len = icmp_error_relayout_ext(icmp, quote, ext_len, v6 ? 8 : 4, max_icmp, buf_end, &icmp[v6 ? 4 : 5]);
	if (len > max_icmp)
		len = max_icmp;
	uint32_t sum = v6 ? csum_pseudo6(src6, dst6, IPPROTO_ICMPV6, len) : 0;
	wr16(icmp + 2, csum_fold(csum_partial(icmp, len, sum)));
	return len;
}
