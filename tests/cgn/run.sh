#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Carrier-grade NAT64 tests (doc/cgn.md) that need more than cmocka: IPFIX decoded by tshark's
# IPFIX dissector, and xlat64d on net_pcap ports with per-subscriber limits, port blocks and an
# IPFIX collector on the loopback. Builds nothing: expects $XLAT64_BUILD (default build/).
# Usage: run.sh [-k SUBSTR]... [-v]
set -e
here=$(cd "$(dirname "$0")" && pwd)
: "${XLAT64_BUILD:=$here/../../build}"
: "${XLAT64D:=$XLAT64_BUILD/dataplane/xlat64d}"
export XLAT64_BUILD XLAT64D
exec /usr/bin/python3 "$here/run.py" "$@"
