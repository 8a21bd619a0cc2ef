#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# keepalived's notify script for an xlat64 HA pair (doc/ha.md): the master holds the virtual address on
# the dataplane's port as well as on its TAP (keepalived puts it there), so that the box answers for it;
# a backup or a faulty box gives it up.
#   notify "/usr/lib/xlat64/xlat64-vrrp-notify.sh SOCKET PORT ADDRESS/LEN"
# keepalived appends: TYPE NAME STATE PRIORITY.
set -u
sock=$1 port=$2 addr=$3 state=${6:-}
ctl=${XLAT64CTL:-/usr/sbin/xlat64ctl}
case $state in
MASTER) exec "$ctl" --socket "$sock" --timeout 2000 address add "$port" "$addr" ;;
BACKUP | FAULT | STOP) exec "$ctl" --socket "$sock" --timeout 2000 address remove "$port" "$addr" ;;
esac
