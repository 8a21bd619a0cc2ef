#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Reserve N 2 MiB hugepages (default 512, or $1) and mount hugetlbfs at /dev/hugepages.
# Idempotent: never lowers an existing reservation, never mounts twice.
set -euo pipefail

want=${1:-${HUGEPAGES:-512}}
[[ "$want" =~ ^[0-9]+$ ]] || { echo "usage: $0 [pages]" >&2; exit 2; }
sysfs=/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages
[[ -w "$sysfs" ]] || { echo "hugepages: $sysfs not writable (need root, 2 MiB pages)" >&2; exit 1; }

have=$(cat "$sysfs")
if ((have >= want)); then
	echo "hugepages: $have x 2 MiB already reserved (wanted $want)"
else
	echo "$want" >"$sysfs"
	got=$(cat "$sysfs")
	echo "hugepages: reserved $got x 2 MiB (was $have, wanted $want)"
	if ((got < want)); then
		echo "hugepages: warning: kernel gave only $got pages (memory fragmented?)" >&2
	fi
fi

if awk '$2 == "/dev/hugepages" && $3 == "hugetlbfs" { f = 1 } END { exit !f }' /proc/mounts; then
	echo "hugepages: hugetlbfs already mounted at /dev/hugepages"
else
	mkdir -p /dev/hugepages
	mount -t hugetlbfs -o pagesize=2M nodev /dev/hugepages
	echo "hugepages: mounted hugetlbfs at /dev/hugepages"
fi
grep -E '^HugePages_(Total|Free)' /proc/meminfo | tr -s ' ' | paste -sd' ' | sed 's/^/hugepages: /'
