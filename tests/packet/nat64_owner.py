# SPDX-License-Identifier: BSD-3-Clause
"""Which worker owns a NAT64 flow, as lib/nat64_owner.c computes it (no "cgn" section), for the tests
and benchmarks that choose their IPv6 hosts per worker (tests/packet/nat64_cases.py,
scripts/bench/scaling.py)."""
import ipaddress
import struct

M32 = 0xFFFFFFFF


def _rot(x, k):
    return ((x << k) | (x >> (32 - k))) & M32


def jhash16(key, init):
    """rte_jhash(key, 16, init) (rte_jhash.h, lookup3 hashlittle), on a little-endian CPU."""
    k = struct.unpack("<4I", key)
    a = b = c = (0xDEADBEEF + 16 + init) & M32
    a, b, c = (a + k[0]) & M32, (b + k[1]) & M32, (c + k[2]) & M32
    # __rte_jhash_mix
    a = (a - c) & M32; a ^= _rot(c, 4); c = (c + b) & M32  # noqa: E702
    b = (b - a) & M32; b ^= _rot(a, 6); a = (a + c) & M32  # noqa: E702
    c = (c - b) & M32; c ^= _rot(b, 8); b = (b + a) & M32  # noqa: E702
    a = (a - c) & M32; a ^= _rot(c, 16); c = (c + b) & M32  # noqa: E702
    b = (b - a) & M32; b ^= _rot(a, 19); a = (a + c) & M32  # noqa: E702
    c = (c - b) & M32; c ^= _rot(b, 4); b = (b + a) & M32  # noqa: E702
    a = (a + k[3]) & M32
    # __rte_jhash_final
    c ^= b; c = (c - _rot(b, 14)) & M32  # noqa: E702
    a ^= c; a = (a - _rot(c, 11)) & M32  # noqa: E702
    b ^= a; b = (b - _rot(a, 25)) & M32  # noqa: E702
    c ^= b; c = (c - _rot(b, 16)) & M32  # noqa: E702
    a ^= c; a = (a - _rot(c, 4)) & M32  # noqa: E702
    b ^= a; b = (b - _rot(a, 14)) & M32  # noqa: E702
    c ^= b; c = (c - _rot(b, 24)) & M32  # noqa: E702
    return c


# rte_jhash("2001:db8:7::", 16, 0x6146): checked against rte_jhash.h (DPDK 22.11) when this was written
assert jhash16(ipaddress.IPv6Address("2001:db8:7::").packed, 0x6146) == 3362788056


def owner6(addr, n):
    """nat64_owner6(): the worker of an IPv6 source (text or 16 bytes) among n."""
    return 0 if n <= 1 else jhash16(ipaddress.IPv6Address(addr).packed, 0x6146) % n
