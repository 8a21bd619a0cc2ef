/* SPDX-License-Identifier: BSD-3-Clause */
/* RFC 6052 IPv4-embedded IPv6 addresses. */
#ifndef XLAT_RFC6052_H
#define XLAT_RFC6052_H

#include <stdbool.h>
#include <stdint.h>

#include "eamt.h"

/* RFC 6052 2.2: only these prefix lengths are defined. */
bool rfc6052_valid_len(unsigned len);
/* RFC 6052 2.2: bits 64-71 (the u-octet) must be zero in the prefix. */
bool rfc6052_prefix_ok(const struct prefix6 *p);

/* Embed a4 (network order) in prefix p. The u-octet and suffix are zero. */
void rfc6052_4to6(const struct prefix6 *p, uint32_t a4_be, uint8_t out[16]);
/* Extract; -1 if a6 is not inside p. The u-octet and suffix are not checked (RFC 6052 2.2 says ignore). */
int rfc6052_6to4(const struct prefix6 *p, const uint8_t a6[16], uint32_t *a4_be);

#endif
