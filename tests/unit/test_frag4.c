/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv4 fragmentation by the forwarder (lib/frag4.c, RFC 791 3.2), on bytes:
 * every piece's header field by field, the options each carries, and the
 * data put back together by offset equal to what was cut.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdbool.h>
#include <string.h>

#include "bytes.h"
#include "forward.h"
#include "pktbuild.h"

static uint8_t in[70000], out[70000], joined[70000];
static struct xlat_pkt pkt;

/* An IPv4 UDP datagram: header of ihl bytes (options already at in + 20), n data bytes after it (00 01 02 ...). */
static void datagram(unsigned ihl, uint16_t frag, uint32_t n, uint32_t mtu)
{
	put_ip4(in, ihl, 0x28, (uint16_t)(ihl + n), 0xbeef, frag, 63, 17, ip4("198.51.100.2"), ip4("203.0.113.2"));
	fill(in + ihl, n);
	memset(&pkt, 0, sizeof(pkt));
	pkt.data = in;
	pkt.len = ihl + n;
	pkt.family = 4;
	pkt.frag_size = mtu;
}

/*
 * Cut pkt, check each piece against RFC 791 and the first piece's header for
 * the rest, and return the number of pieces. opts_n/opts: the options every
 * piece after the first must carry (padded).
 */
static unsigned cut_and_check(unsigned ihl, const uint8_t *opts_n, unsigned opts_n_len, uint16_t base_off,
			      bool last_mf)
{
	unsigned n = xlat_frag4_count(&pkt);
	uint32_t data = pkt.len - ihl, seen = 0;

	assert_true(n > 1);
	memset(joined, 0, sizeof(joined));
	for (unsigned i = 0; i < n; i++) {
		uint32_t len = xlat_frag4_write(&pkt, i, out);
		unsigned hl = (out[0] & 0xf) * 4u;
		uint16_t f = rd16(out + 6);
		uint32_t off = (uint32_t)(f & 0x1fff) * 8 - base_off * 8u, dlen = len - hl;

		assert_true(len <= pkt.frag_size);
		assert_int_equal(out[0] >> 4, 4);
		assert_true(ip4_hdr_ok(out));
		assert_int_equal(rd16(out + 2), len);
		assert_memory_equal(out + 1, in + 1, 1);  /* TOS */
		assert_memory_equal(out + 4, in + 4, 2);  /* identification */
		assert_memory_equal(out + 8, in + 8, 2);  /* TTL, protocol */
		assert_memory_equal(out + 12, in + 12, 8); /* addresses */
		assert_int_equal(f & 0x4000, 0);          /* DF stays clear */
		if (i == 0) {
			assert_int_equal(hl, ihl);
			assert_memory_equal(out + 20, in + 20, ihl - 20); /* every option */
		} else {
			assert_int_equal(hl, 20 + opts_n_len);
			if (opts_n_len)
				assert_memory_equal(out + 20, opts_n, opts_n_len);
		}
		if (i + 1 < n) {
			assert_int_equal(dlen % 8, 0);
			assert_true(f & 0x2000); /* MF */
		} else {
			assert_int_equal(!!(f & 0x2000), last_mf);
		}
		assert_int_equal(off, seen);
		memcpy(joined + off, out + hl, dlen);
		seen += dlen;
	}
	assert_int_equal(seen, data);
	assert_memory_equal(joined, in + ihl, data);
	return n;
}

static void fragments_1500_to_576(void **state)
{
	(void)state;
	datagram(20, 0, 1480, 576);
	/* 1480 bytes of data, 552 per piece: 552 + 552 + 376 */
	assert_int_equal(cut_and_check(20, NULL, 0, 0, false), 3);
	assert_int_equal(xlat_frag4_write(&pkt, 0, out), 572);
	assert_int_equal(xlat_frag4_write(&pkt, 2, out), 20 + 376);
}

static void fragments_exact_multiple(void **state)
{
	(void)state;
	datagram(20, 0, 1600, 820); /* 800 data bytes each: two full pieces */
	assert_int_equal(cut_and_check(20, NULL, 0, 0, false), 2);
	datagram(20, 0, 800, 820); /* fits: one piece, the datagram unchanged */
	assert_int_equal(xlat_frag4_count(&pkt), 1);
	assert_int_equal(xlat_frag4_write(&pkt, 0, out), 820);
	assert_memory_equal(out, in, 820);
}

static void options_copied_flag(void **state)
{
	(void)state;
	/* record route (not copied), NOP, loose source route (copied), EOL: 16 bytes of options */
	static const uint8_t opts[16] = { 7, 7, 4, 0, 0, 0, 0, 1, 0x83, 7, 4, 192, 0, 2, 1, 0 };
	static const uint8_t later[8] = { 0x83, 7, 4, 192, 0, 2, 1, 0 };
	memcpy(in + 20, opts, sizeof(opts));
	datagram(36, 0, 2000, 600);
	/* first piece: (600 - 36) / 8 * 8 = 560 bytes; later ones (600 - 28) / 8 * 8 = 568 */
	assert_int_equal(cut_and_check(36, later, 8, 0, false), 1 + (2000 - 560 + 567) / 568);
}

static void fragment_cut_again(void **state)
{
	(void)state;
	/* a middle fragment (offset 185 * 8, MF): its pieces continue the offsets, all keep MF */
	datagram(20, 0x2000 | 185, 1000, 400);
	assert_int_equal(cut_and_check(20, NULL, 0, 185, true), 3);
	/* the last fragment (offset, no MF): only its last piece ends the datagram */
	datagram(20, 185, 1000, 400);
	assert_int_equal(cut_and_check(20, NULL, 0, 185, false), 3);
}

static void refused(void **state)
{
	(void)state;
	datagram(20, 0, 100, 27); /* no room for 8 data bytes */
	assert_int_equal(xlat_frag4_count(&pkt), 0);
	datagram(20, 0x1fff, 100, 60); /* the offsets would pass 13 bits */
	assert_int_equal(xlat_frag4_count(&pkt), 0);
	datagram(20, 0, 100, 28);
	assert_int_equal(xlat_frag4_count(&pkt), 13);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fragments_1500_to_576),
		cmocka_unit_test(fragments_exact_multiple),
		cmocka_unit_test(options_copied_flag),
		cmocka_unit_test(fragment_cut_again),
		cmocka_unit_test(refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
