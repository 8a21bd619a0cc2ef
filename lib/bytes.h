/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Big-endian fields at any alignment: one load or store and a byte swap (compilers do not merge byte stores).
 * be16_() is also what the fast paths use instead of rte_be_to_cpu_16(): DPDK swaps a non-constant 16-bit
 * value with inline asm (xchgb), which the compiler can neither fold nor schedule.
 */
#ifndef XLAT_BYTES_H
#define XLAT_BYTES_H

#include <stdint.h>
#include <string.h>

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
static inline uint16_t ld16(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return v; } /* network order kept */
static inline void st16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static inline uint32_t ld32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; } /* the same, 4 bytes */
static inline uint64_t ld64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; } /* the same, 8 bytes */
static inline void st32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }

#endif
