#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Hostile traffic tests for xlat64d on net_pcap ports (tests/hostile/run.py). Builds nothing:
# expects build/dataplane/xlat64d (or $XLAT64D). Usage: run.sh [-k SUBSTR]... [-j N] [-v] [--keep] [--list]
set -e
here=$(cd "$(dirname "$0")" && pwd)
: "${XLAT64D:=$here/../../build/dataplane/xlat64d}"
export XLAT64D
exec /usr/bin/python3 "$here/run.py" "$@"
