#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Fold a `perf report --stdio --sort dso,sym` listing by function.

Debian's perf (6.1) cannot read the symbol table of our binary ("cannot get
elf header") and prints raw addresses for it; this maps those addresses to
functions with `nm -n` (static functions included) and sums the percentages.

usage: perf report -i perf.data --no-children --stdio --sort dso,sym 2>/dev/null |
       perfsym.py BINARY [TOP]
"""
import bisect
import collections
import os
import re
import subprocess
import sys


def load_syms(binary):
    out = subprocess.run(["nm", "-n", "--defined-only", binary], capture_output=True, text=True,
                         check=True).stdout
    addrs, names = [], []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "tTwW":
            addrs.append(int(parts[0], 16))
            names.append(parts[2])
    return addrs, names


def main():
    binary = sys.argv[1]
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    base = os.path.basename(binary)
    addrs, names = load_syms(binary)
    acc = collections.Counter()
    line_re = re.compile(r"^\s+([0-9.]+)%\s+(\S+)\s+\[(.)\]\s+(.*?)\s*$")
    for line in sys.stdin:
        m = line_re.match(line)
        if not m:
            continue
        pct, dso, _kind, sym = float(m.group(1)), m.group(2), m.group(3), m.group(4)
        if dso == base and sym.startswith("0x"):
            i = bisect.bisect_right(addrs, int(sym, 16)) - 1
            sym = names[i] if i >= 0 else sym
        elif sym.startswith("0x"):
            sym = "(%s)" % dso
        acc[(dso, sym)] += pct
    for (dso, sym), pct in acc.most_common(top):
        print("%6.2f%%  %-28s %s" % (pct, dso[:28], sym))


if __name__ == "__main__":
    main()
