#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Install everything xlat64 needs to build, test and demo on Debian 12.
# Idempotent: does nothing (no apt) when every package is already installed.
set -euo pipefail

PKGS=(
	libdpdk-dev dpdk libjansson-dev libnuma-dev libssl-dev meson ninja-build libcmocka-dev
	pkg-config gcc clang python3 python3-scapy
	tshark iperf3 iproute2 ethtool curl netcat-openbsd iputils-ping iputils-tracepath tcpdump
	unbound bind9-dnsutils bird2 prometheus keepalived
	build-essential debhelper lintian man-db
)

missing=()
for p in "${PKGS[@]}"; do
	st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[[ "$st" == installed ]] || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
	echo "deps: all ${#PKGS[@]} packages present"
	exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
	echo "deps: missing packages: ${missing[*]}; run as root (sudo $0)" >&2
	exit 1
fi

echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer it up front so it never blocks.
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
apt-get update -q
apt-get install -y -q --no-install-recommends -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
	"${missing[@]}"
echo "deps: done"
