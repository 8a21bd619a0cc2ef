/* SPDX-License-Identifier: BSD-3-Clause */
/* The upper-layer header helpers that are not inline (l4.h). */
#include "l4.h"
#include "xlat_step.h"

void l4_set_port(uint8_t proto, uint8_t *l4, uint32_t l4len, unsigned off, uint16_t v)
{
	uint16_t old = rd16(l4 + off);
	unsigned coff = proto == IPPROTO_TCP ? 16 : proto == IPPROTO_UDP ? 6 : 2;

	if (old == v)
		return;
	wr16(l4 + off, v);
	if (l4len < coff + 2u)
		return;
	uint16_t c = rd16(l4 + coff);
	if (proto == IPPROTO_UDP && c == 0)
		return;
	c = csum_replace(c, old, v);
	wr16(l4 + coff, (proto == IPPROTO_UDP && c == 0) ? 0xffff : c);
}

/* Out of line: the translator's rare case (a partial checksum) costs its callers one compare. */
void l4_csum_finish_counted(struct xlat_ctx *ctx, uint8_t proto, uint8_t *l4, uint32_t l4len, uint32_t pseudo)
{
	if (csum_l4_finish(proto, l4, l4len, pseudo))
		xlat_count(ctx, XLAT_CSUM_PARTIAL);
}

