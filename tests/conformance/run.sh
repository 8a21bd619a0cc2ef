#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Conformance replay of Jool's graybox vectors (tests/conformance/vectors, GPL-2.0; or $CONFORMANCE_VECTORS)
# against build/dataplane/xlat64d (or $XLAT64D). Builds nothing. See doc/conformance.md.
# Without an --expect-pass argument, tests/conformance/expected-pass.txt is the regression guard.
here=$(cd "$(dirname "$0")" && pwd)
case " $* " in
*" --expect-pass"*) ;;
*) [ -f "$here/expected-pass.txt" ] && set -- --expect-pass "$here/expected-pass.txt" "$@" ;;
esac
# NAT64 rows too, now that the mode exists
exec /usr/bin/python3 "$here/run.py" --nat64 "$@"
