/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target: the packet quoted inside an ICMP error (RFC 7915 4.2/5.2,
 * RFC 4884). fuzz_xlat rarely gets there: a mutated ICMP error fails its
 * checksum (JSTAT64_ICMP_CSUM / JSTAT46_ICMP_CSUM) before the inner packet is
 * looked at. Here the fuzzer's bytes are only the quoted packet; the outer
 * IPv6/IPv4 header and ICMP error header around them are built valid, with a
 * correct checksum, so every input reaches the inner-packet translation.
 * Byte 0: bit 0 direction (IPv4 error), bits 1-3 which error type/code,
 * bit 4 RFC 4884 length field, bit 5 amend-udp-checksum-zero.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "xlat.h"

static struct xlat_config cfg;
static uint64_t counters[XSTAT_MAX];

/* RFC 1071 sum, folded, not complemented */
static uint32_t sum16(const uint8_t *p, size_t n, uint32_t s)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	return s;
}

static uint16_t fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static const uint8_t types6[8][2] = { { 1, 0 }, { 1, 3 }, { 1, 4 }, { 2, 0 }, { 3, 0 }, { 4, 0 }, { 4, 1 }, { 4, 2 } };
static const uint8_t types4[8][2] = { { 3, 0 }, { 3, 1 }, { 3, 3 }, { 3, 4 }, { 3, 13 }, { 11, 0 }, { 12, 0 }, { 12, 2 } };

/* src -> dst: an IPv6 router inside pool6 reports on a packet dst -> src */
static const uint8_t src6[16] = { 0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0, 203, 0, 113, 1 };
static const uint8_t dst6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t buf[4096];
	static int ready;
	const uint32_t headroom = 128;

	if (!ready) {
		fuzz_siit_config(&cfg);
		ready = 1;
	}
	if (size < 1 || size > 1400)
		return 0;
	uint8_t flags = data[0];
	const uint8_t *in = data + 1;
	size_t inlen = size - 1;
	int family = (flags & 1) ? 4 : 6;
	unsigned t = (flags >> 1) & 7;
	cfg.g.amend_udp_checksum_zero = flags & 0x20;

	memset(buf, 0xee, sizeof(buf));
	uint8_t *p = buf + headroom;
	uint32_t len;
	if (family == 6) {
		uint32_t plen = 8 + (uint32_t)inlen;
		memset(p, 0, 48);
		p[0] = 0x60;
		p[4] = (uint8_t)(plen >> 8);
		p[5] = (uint8_t)plen;
		p[6] = 58;
		p[7] = 64;
		memcpy(p + 8, src6, 16);
		memcpy(p + 24, dst6, 16);
		p[40] = types6[t][0];
		p[41] = types6[t][1];
		if (p[40] == 2)
			p[47] = 0x50, p[46] = 0x05; /* MTU 1360 */
		else if (p[40] == 4)
			p[47] = (uint8_t)(inlen ? in[0] % 48 : 0); /* a pointer into the quoted header */
		if ((flags & 0x10) && p[40] != 2 && p[40] != 4)
			p[44] = (uint8_t)(inlen / 8); /* RFC 4884 length, in 64-bit words */
		memcpy(p + 48, in, inlen);
		uint32_t s = sum16(p + 8, 32, 0) + plen + 58;
		uint16_t c = fold(sum16(p + 40, plen, s));
		p[42] = (uint8_t)(c >> 8);
		p[43] = (uint8_t)c;
		len = 40 + plen;
	} else {
		uint32_t tot = 28 + (uint32_t)inlen;
		memset(p, 0, 28);
		p[0] = 0x45;
		p[2] = (uint8_t)(tot >> 8);
		p[3] = (uint8_t)tot;
		p[8] = 64;
		p[9] = 1;
		p[12] = 198, p[13] = 51, p[14] = 100, p[15] = 7; /* a router out there */
		p[16] = 192, p[17] = 0, p[18] = 2, p[19] = 5;	 /* an EAMT host */
		uint16_t hc = fold(sum16(p, 20, 0));
		p[10] = (uint8_t)(hc >> 8);
		p[11] = (uint8_t)hc;
		p[20] = types4[t][0];
		p[21] = types4[t][1];
		if (p[20] == 3 && p[21] == 4)
			p[26] = 0x05, p[27] = 0x50; /* next-hop MTU 1360 */
		else if (p[20] == 12)
			p[24] = (uint8_t)(inlen ? in[0] % 40 : 0);
		if ((flags & 0x10) && p[20] != 12)
			p[25] = (uint8_t)(inlen / 4); /* RFC 4884 length, in 32-bit words */
		memcpy(p + 28, in, inlen);
		uint16_t c = fold(sum16(p + 20, 8 + inlen, 0));
		p[22] = (uint8_t)(c >> 8);
		p[23] = (uint8_t)c;
		len = tot;
	}
	struct xlat_ctx ctx = fuzz_ctx(&cfg, counters, fuzz_route, 1500, 1000000000ull);
	struct xlat_pkt pkt = {
		.data = p, .len = len, .headroom = headroom, .tailroom = (uint32_t)(sizeof(buf) - headroom - len),
		.family = family,
	};
	if (xlat_process(&ctx, &pkt) != XV_DROP) {
		if (pkt.data < buf || pkt.data + pkt.len > buf + sizeof(buf))
			abort();
		/* a translated error is a well-formed datagram of the other family */
		if (pkt.len < 28 || (pkt.data[0] >> 4) != (pkt.family == 4 ? 4 : 6))
			abort();
	}
	return 0;
}
