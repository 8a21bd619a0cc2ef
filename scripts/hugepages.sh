#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Reserve hugepages for xlat64d, NUMA node by node, and mount hugetlbfs.
#
# usage: hugepages.sh [options] [PAGES]
#   PAGES               pages in total, spread evenly over the nodes (default 512, or $HUGEPAGES)
#   -p, --per-node N    N pages on each selected node instead of a total
#   -s, --size 2M|1G    page size (default 2M)
#   -n, --nodes LIST    NUMA nodes, e.g. 0 or 0,1 or 0-3 (default: every node with memory)
#   -m, --mount DIR     hugetlbfs mount point (default /dev/hugepages for 2M, /dev/hugepages-1G for 1G)
#       --no-mount      reserve only
#       --status        show what every node has reserved and free, then exit
#       --dry-run       say what would be done
#
# Per node, through /sys/devices/system/node/nodeN/hugepages/hugepages-SIZEkB/nr_hugepages (the kernel's
# own NUMA interface; no libnuma needed), so that each socket's workers and NICs get local memory (DPDK
# allocates mbuf pools on the socket of the lcores and ports that use them). Kernels without NUMA fall
# back to /sys/kernel/mm/hugepages. Idempotent: never lowers a reservation, never mounts twice.
# 1 GiB pages are often impossible to find at run time once memory is fragmented: reserve them at boot
# (kernel command line: default_hugepagesz=1G hugepagesz=1G hugepages=N) and run this for the mount.
set -euo pipefail

size=2M per_node='' nodes='' mnt='' do_mount=1 dry=0 status=0 total=${HUGEPAGES:-512}

usage() { sed -n '3,15p' "$0" | sed 's/^# \{0,1\}//'; }
die() { echo "hugepages: $*" >&2; exit 1; }

while (($#)); do
	case $1 in
	-p | --per-node) per_node=${2:?}; shift ;;
	-s | --size) size=${2:?}; shift ;;
	-n | --nodes) nodes=${2:?}; shift ;;
	-m | --mount) mnt=${2:?}; shift ;;
	--no-mount) do_mount=0 ;;
	--status) status=1 ;;
	--dry-run) dry=1 ;;
	-h | --help) usage; exit 0 ;;
	-*) usage >&2; exit 2 ;;
	*) total=$1 ;;
	esac
	shift
done

case ${size^^} in
2M | 2048K | 2MB) kb=2048 size=2M ;;
1G | 1048576K | 1GB) kb=1048576 size=1G ;;
*) die "--size: '$size' is not 2M or 1G" ;;
esac
[[ "$total" =~ ^[0-9]+$ ]] || die "PAGES: '$total' is not a number"
[[ -z "$per_node" || "$per_node" =~ ^[0-9]+$ ]] || die "--per-node: '$per_node' is not a number"
[[ -n "$mnt" ]] || { [[ $size == 2M ]] && mnt=/dev/hugepages || mnt=/dev/hugepages-1G; }

# "0-2,4" -> one node per line
expand() {
	local part parts
	IFS=, read -ra parts <<<"$1"
	for part in "${parts[@]}"; do
		[[ -z "$part" ]] && continue
		if [[ $part == *-* ]]; then seq "${part%-*}" "${part#*-}"; else echo "$part"; fi
	done
}

nodedir=/sys/devices/system/node
numa=0
[[ -d $nodedir/node0/hugepages ]] && numa=1
if ((numa)); then
	if [[ -z "$nodes" ]]; then
		nodes=$(cat $nodedir/has_memory 2>/dev/null || cat $nodedir/online)
	fi
	mapfile -t node_list < <(expand "$nodes" | sort -nu)
	for n in "${node_list[@]}"; do
		[[ -d $nodedir/node$n ]] || die "NUMA node $n does not exist (nodes: $(cat $nodedir/online))"
	done
else
	[[ -z "$nodes" || "$nodes" == 0 ]] || die "this kernel has no NUMA nodes; --nodes makes no sense"
	node_list=(-)
fi

sysfs_for() { # NODE -> nr_hugepages file
	if [[ $1 == - ]]; then
		echo "/sys/kernel/mm/hugepages/hugepages-${kb}kB/nr_hugepages"
	else
		echo "$nodedir/node$1/hugepages/hugepages-${kb}kB/nr_hugepages"
	fi
}

show() {
	local n f label
	for n in "${node_list[@]}"; do
		f=$(sysfs_for "$n")
		label=$([[ $n == - ]] && echo "system" || echo "node $n")
		if [[ -r $f ]]; then
			echo "hugepages: $label: $(cat "$f") x $size reserved, $(cat "${f%nr_hugepages}free_hugepages") free"
		else
			echo "hugepages: $label: no $size pages on this system"
		fi
	done
	grep -E '^(HugePages_(Total|Free)|Hugepagesize)' /proc/meminfo | tr -s ' ' | paste -sd' ' | sed 's/^/hugepages: /'
	awk '$3 == "hugetlbfs" { print "hugepages: mounted " $2 " (" $4 ")" }' /proc/mounts
}

if ((status)); then
	show
	exit 0
fi

# pages wanted per node
declare -A want
if [[ -n "$per_node" ]]; then
	for n in "${node_list[@]}"; do want[$n]=$per_node; done
else
	k=${#node_list[@]}
	i=0
	for n in "${node_list[@]}"; do # an even split; the first nodes take the remainder
		want[$n]=$((total / k + (i < total % k ? 1 : 0)))
		i=$((i + 1))
	done
fi

short=0
for n in "${node_list[@]}"; do
	f=$(sysfs_for "$n")
	label=$([[ $n == - ]] && echo "system" || echo "node $n")
	[[ -e $f ]] || die "$label: no $size hugepages on this system ($f missing)"
	have=$(cat "$f")
	w=${want[$n]}
	if ((have >= w)); then
		echo "hugepages: $label: $have x $size already reserved (wanted $w)"
		continue
	fi
	if ((dry)); then
		echo "hugepages: $label: would reserve $w x $size (has $have)"
		continue
	fi
	[[ -w $f ]] || die "$f not writable (need root)"
	echo "$w" >"$f" 2>/dev/null || true
	got=$(cat "$f")
	echo "hugepages: $label: reserved $got x $size (was $have, wanted $w)"
	if ((got < w)); then
		echo "hugepages: warning: $label gave only $got x $size (memory fragmented?$([[ $size == 1G ]] && echo ' reserve 1G pages at boot'))" >&2
		short=1
	fi
done

if ((do_mount)); then
	if awk -v m="$mnt" '$2 == m && $3 == "hugetlbfs" { f = 1 } END { exit !f }' /proc/mounts; then
		echo "hugepages: hugetlbfs already mounted at $mnt"
	elif ((dry)); then
		echo "hugepages: would mount hugetlbfs (pagesize=$size) at $mnt"
	else
		mkdir -p "$mnt"
		mount -t hugetlbfs -o "pagesize=$size" nodev "$mnt"
		echo "hugepages: mounted hugetlbfs (pagesize=$size) at $mnt"
	fi
fi
((dry)) || show | grep -v ' reserved, ' || true
exit $short
