#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The Debian package, end to end, as an operator meets it (sudo tests/package/run.sh):
#   1. build: dpkg-buildpackage -us -uc -b in a copy of the tree under /tmp (it writes ../*.deb), the
#      version that of meson.build, lintian -I -E --pedantic without a tag (overrides explained in
#      debian/xlat64.lintian-overrides), Depends naming libjansson, libnuma and every DPDK plugin xlat64d
#      loads for the lab (af_packet, af_xdp, TAP, mempool ring, buses), the files in their FHS places;
#   2. apt-get install ./xlat64_*.deb: the unit enabled and pointing at /usr/sbin/xlat64d,
#      systemd-analyze verify (and of xlat64-exporter.service: installed, hardened, not enabled), the
#      conffile checked by the installed xlat64ctl and refused as "no ports yet" by the unit's
#      ExecCondition, the examples valid (the monitoring ones too: promtool check rules,
#      the dashboard), man xlat64d / xlat64ctl / xlat64-exporter / xlat64d.json,
#      the bash completion; an operator's edit of the conffile kept across a reinstall;
#   3. the installed /usr/sbin/xlat64d runs the lab demo (config/lab-siit.json on scripts/lab.sh, under
#      flock /tmp/xlat64-lab.lock): the installed xlat64ctl asks it, pings cross it both ways, SIGTERM
#      stops it with status 0;
#   4. apt-get remove keeps the conffile; apt-get purge leaves nothing: no file of the package, no
#      /etc/xlat64, no enablement symlink or deb-systemd-helper state, no dpkg record, no user or group.
# Refuses to start when xlat64 is installed or /etc/xlat64 exists (it would purge them); whatever happens,
# it leaves the package purged and the lab down. Prints "N passed, M failed"; exit 1 on a failure.
# env: PKG_KEEP=1 keeps the work directory (the .deb, logs).
# The checks are bash -c '...' snippets with their arguments after them, expanded by that shell:
# shellcheck disable=SC2016
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
ROOT=$PWD

[[ $(id -u) -eq 0 ]] || { echo "package: run as root: sudo $0" >&2; exit 1; }

PASS=0
FAIL=0
ok() { PASS=$((PASS + 1)); echo "ok   $1"; }
fail() { FAIL=$((FAIL + 1)); echo "FAIL $1${2:+: $2}"; }
# t NAME CMD...: passes when CMD exits 0
t() {
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then ok "$name"; else fail "$name" "$(tail -n 5 <<<"$out")"; fi
}
finish() {
	echo "$PASS passed, $FAIL failed"
	((FAIL == 0))
}

APT=(apt-get -y -q -o DPkg::Lock::Timeout=300 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
export DEBIAN_FRONTEND=noninteractive
PKG=xlat64
pkg_status() { dpkg-query -W -f='${db:Status-Status}' "$PKG" 2>/dev/null || echo not-installed; }

# ---- preconditions: nothing of an operator's to lose
for tool in dpkg-buildpackage dh lintian man python3 apt-get; do
	command -v "$tool" >/dev/null || { fail "tool $tool present" "run scripts/deps.sh"; finish; exit 1; }
done
if [[ $(pkg_status) != not-installed ]]; then
	fail "xlat64 not installed before the test" "status $(pkg_status): this test purges it; remove it first (apt-get purge xlat64)"
	finish
	exit 1
fi
if [[ -e /etc/xlat64 ]]; then
	fail "/etc/xlat64 absent before the test" "purge would remove files there; move them away first"
	finish
	exit 1
fi

WORK=$(mktemp -d /tmp/xlat64-pkg.XXXXXX)
INSTALLED=0
LAB_UP=0
DAEMON_PID=
cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	if [[ -n "$DAEMON_PID" ]] && kill -0 "$DAEMON_PID" 2>/dev/null; then
		kill -TERM "$DAEMON_PID" 2>/dev/null
		timeout 15 tail --pid="$DAEMON_PID" -f /dev/null || kill -9 "$DAEMON_PID" 2>/dev/null
	fi
	if ((LAB_UP)); then scripts/lab.sh down >/dev/null 2>&1; fi
	if ((INSTALLED)) && [[ $(pkg_status) != not-installed ]]; then
		echo "package: purging $PKG (cleanup)"
		"${APT[@]}" purge "$PKG" >>"$WORK/apt.log" 2>&1 || dpkg --purge "$PKG" >>"$WORK/apt.log" 2>&1
	fi
	if [[ -n "${PKG_KEEP:-}" ]]; then echo "package: kept $WORK"; else rm -rf "$WORK"; fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- 1. build
mkdir -p "$WORK/src"
if git -C "$ROOT" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	# the tree as it is (committed or not), without build directories and other ignored files
	git -C "$ROOT" ls-files -co --exclude-standard -z | tar -C "$ROOT" --null -T - -cf - | tar -xf - -C "$WORK/src"
else
	tar -C "$ROOT" --exclude='./build*' --exclude=./.git -cf - . | tar -xf - -C "$WORK/src"
fi
echo "package: dpkg-buildpackage in $WORK/src (log $WORK/build.log)"
if (cd "$WORK/src" && dpkg-buildpackage -us -uc -b) >"$WORK/build.log" 2>&1; then
	ok "dpkg-buildpackage -us -uc -b"
else
	fail "dpkg-buildpackage -us -uc -b" "$(tail -n 20 "$WORK/build.log")"
	finish
	exit 1
fi
VERSION=$(sed -n "s/^ *version *: *'\([^']*\)'.*/\1/p" meson.build | head -n1)
ARCH=$(dpkg --print-architecture)
DEB=$WORK/${PKG}_${VERSION}_$ARCH.deb
t "the package's version is meson.build's ($VERSION)" test -f "$DEB"
[[ -f "$DEB" ]] || { finish; exit 1; }

# lintian as an unprivileged user where one exists (it warns when run as root)
# shellcheck disable=SC2054 # a comma-separated option value
LINTIAN=(lintian -I -E --pedantic --fail-on error,warning,info,pedantic)
chmod 755 "$WORK"
if id nobody >/dev/null 2>&1 && runuser -u nobody -- true 2>/dev/null; then
	LINTIAN=(env HOME="$WORK" runuser -u nobody -- "${LINTIAN[@]}")
fi
if out=$("${LINTIAN[@]}" "$WORK/${PKG}_${VERSION}_$ARCH.changes" 2>&1); then
	ok "lintian -I -E --pedantic: no tag"
else
	fail "lintian -I -E --pedantic: no tag" "$out"
fi

depends=$(dpkg-deb -f "$DEB" Depends)
missing=()
for p in libjansson4 libnuma1 librte-eal23 librte-ethdev23; do
	grep -Eq "(^|, )$p( |,|$)" <<<"$depends" || missing+=("$p")
done
# the DPDK plugins EAL loads at run time for the lab's ports: the package that has each must be a dependency
MA=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch)
for lib in librte_net_af_packet librte_net_af_xdp librte_net_tap librte_mempool_ring librte_bus_vdev librte_bus_pci; do
	owner=$(dpkg -S "/usr/lib/$MA/$lib.so.23" 2>/dev/null | head -n1 | cut -d: -f1)
	if [[ -z "$owner" ]]; then
		missing+=("(no package has $lib.so.23)")
	elif ! grep -Eq "(^|, )$owner( |,|$)" <<<"$depends"; then
		missing+=("$owner ($lib)")
	fi
done
if ((${#missing[@]} == 0)); then ok "Depends: jansson, libnuma, DPDK libraries and plugins"; else fail "Depends: jansson, libnuma, DPDK libraries and plugins" "missing ${missing[*]} in: $depends"; fi

contents=$(dpkg-deb -c "$DEB" | awk '{ print $6 }' | sed 's|^\./|/|')
want=(
	/usr/sbin/xlat64d /usr/bin/xlat64ctl /lib/systemd/system/xlat64d.service
	/usr/libexec/xlat64/xlat64d-configured /usr/libexec/xlat64/hugepages.sh /usr/libexec/xlat64/xlat64-vrrp-notify.sh
	/usr/share/doc/xlat64/examples/ha/keepalived-a.conf /usr/share/doc/xlat64/ha.md
	/usr/share/bash-completion/completions/xlat64ctl
	/usr/share/man/man8/xlat64d.8.gz /usr/share/man/man8/xlat64ctl.8.gz /usr/share/man/man5/xlat64d.json.5.gz
	/usr/share/man/man8/xlat64-exporter.8.gz /usr/share/doc/xlat64/examples/prometheus/xlat64-rules.yml
	/usr/share/doc/xlat64/examples/siit-example.json /usr/share/doc/xlat64/examples/lab-siit.json
	/usr/share/doc/xlat64/examples/lab-nat64.json /usr/share/doc/xlat64/operations.md
	/usr/bin/xlat64-exporter /usr/share/doc/xlat64/examples/grafana/xlat64-dashboard.json
	/lib/systemd/system/xlat64-exporter.service
	/usr/share/doc/xlat64/configuration.md /usr/share/doc/xlat64/copyright /etc/xlat64/xlat64d.json
)
missing=()
for f in "${want[@]}"; do grep -qx "$f" <<<"$contents" || missing+=("$f"); done
if ((${#missing[@]} == 0)); then ok "the package has its ${#want[@]} files in their places"; else fail "the package has its files in their places" "missing ${missing[*]}"; fi
t "no file under /usr/local, /opt or /home" bash -c '! grep -Eq "^/(usr/local|opt|home)/" <<<"$1"' _ "$contents"
t "/etc/xlat64/xlat64d.json is a conffile" bash -c 'dpkg-deb -I "$1" conffiles | grep -qx /etc/xlat64/xlat64d.json' _ "$DEB"

# ---- 2. install
echo "package: apt-get install $DEB"
INSTALLED=1
if (cd "$WORK" && "${APT[@]}" install "./$(basename "$DEB")") >"$WORK/apt.log" 2>&1 && [[ $(pkg_status) == installed ]]; then
	ok "apt-get install ./$(basename "$DEB")"
else
	fail "apt-get install ./$(basename "$DEB")" "$(tail -n 20 "$WORK/apt.log")"
	finish
	exit 1
fi
FILES=$(dpkg -L "$PKG")

t "xlat64d --version is $VERSION" bash -c '[[ $(/usr/sbin/xlat64d --version) == "xlat64d $1" ]]' _ "$VERSION"
t "xlat64ctl on the PATH, --version $VERSION" bash -c '[[ $(command -v xlat64ctl) == /usr/bin/xlat64ctl && $(xlat64ctl --version) == *"$1"* ]]' _ "$VERSION"
UNIT=/lib/systemd/system/xlat64d.service
t "unit: ExecStart=/usr/sbin/xlat64d --config \${XLAT64_CONFIG}" grep -qx 'ExecStart=/usr/sbin/xlat64d --config ${XLAT64_CONFIG}' "$UNIT"
t "unit: XLAT64_CONFIG=/etc/xlat64/xlat64d.json" grep -qx 'Environment=XLAT64_CONFIG=/etc/xlat64/xlat64d.json' "$UNIT"
t "unit: ExecCondition is the installed helper" grep -qx 'ExecCondition=/usr/libexec/xlat64/xlat64d-configured ${XLAT64_CONFIG}' "$UNIT"
t "unit: no path outside the package's" bash -c '! grep -E "^[A-Za-z]+=.*/usr/local/" "$1"' _ "$UNIT"
if command -v systemd-analyze >/dev/null; then
	t "systemd-analyze verify xlat64d.service" systemd-analyze verify "$UNIT"
fi
EUNIT=/lib/systemd/system/xlat64-exporter.service
t "exporter unit: ExecStart=/usr/bin/xlat64-exporter \$XLAT64_EXPORTER_ARGS" grep -qx 'ExecStart=/usr/bin/xlat64-exporter $XLAT64_EXPORTER_ARGS' "$EUNIT"
t "exporter unit: root without a capability, no new privileges" bash -c 'grep -qx "CapabilityBoundingSet=" "$1" && grep -qx "NoNewPrivileges=yes" "$1" && grep -qx "User=root" "$1"' _ "$EUNIT"
if command -v systemd-analyze >/dev/null; then
	t "systemd-analyze verify xlat64-exporter.service" systemd-analyze verify "$EUNIT"
fi
t "the exporter's unit is not enabled (no listening socket unasked)" bash -c '! ls /etc/systemd/system/*.wants/xlat64-exporter.service 2>/dev/null | grep -q .'
t "xlat64-exporter --version is $VERSION" bash -c '[[ $(xlat64-exporter --version) == "xlat64-exporter $1" ]]' _ "$VERSION"
t "the unit is enabled (multi-user.target.wants)" bash -c '[[ $(readlink /etc/systemd/system/multi-user.target.wants/xlat64d.service) == /lib/systemd/system/xlat64d.service ]]'
if command -v systemctl >/dev/null; then
	t "systemctl is-enabled xlat64d: enabled" bash -c '[[ $(systemctl is-enabled xlat64d 2>/dev/null) == enabled ]]'
fi

t "xlat64ctl check /etc/xlat64/xlat64d.json" bash -c 'xlat64ctl check /etc/xlat64/xlat64d.json | grep -q "ok: mode siit, 0 port"'
for ex in siit-example.json lab-siit.json lab-nat64.json; do
	t "xlat64ctl check examples/$ex" xlat64ctl check "/usr/share/doc/xlat64/examples/$ex"
done
# the monitoring examples (doc/operations.md, "Watching it"), as installed: uncompressed, usable as they are
EX=/usr/share/doc/xlat64/examples
t "xlat64-exporter on the PATH, --help" bash -c '[[ $(command -v xlat64-exporter) == /usr/bin/xlat64-exporter ]] && xlat64-exporter --help 2>&1 | grep -q -- --listen'
if command -v promtool >/dev/null; then
	t "promtool check rules examples/prometheus/xlat64-rules.yml" promtool check rules "$EX/prometheus/xlat64-rules.yml"
fi
t "examples/grafana/xlat64-dashboard.json is a dashboard" python3 -c \
	'import json, sys; d = json.load(open(sys.argv[1])); sys.exit(not d["panels"] or not d["title"])' "$EX/grafana/xlat64-dashboard.json"
COND=/usr/libexec/xlat64/xlat64d-configured
t "ExecCondition: the shipped default (no ports) is skipped, saying why" bash -c 'out=$("$1" /etc/xlat64/xlat64d.json); [[ $? == 1 && $out == *"has no ports yet"* ]]' _ "$COND"
t "ExecCondition: the service's default file is the conffile" bash -c 'out=$("$1"); [[ $? == 1 && $out == *"/etc/xlat64/xlat64d.json has no ports"* ]]' _ "$COND"
t "ExecCondition: a missing file is skipped" bash -c 'out=$("$1" /etc/xlat64/nothing.json); [[ $? == 1 && $out == *"does not exist"* ]]' _ "$COND"
t "ExecCondition: a file with ports starts" "$COND" /usr/share/doc/xlat64/examples/siit-example.json
echo '{"ports": [' >"$WORK/broken.json"
t "ExecCondition: a broken file starts (xlat64d then fails saying why)" "$COND" "$WORK/broken.json"

t "man -w xlat64d: /usr/share/man/man8/xlat64d.8.gz" bash -c '[[ $(man -w xlat64d) == /usr/share/man/man8/xlat64d.8.gz ]]'
t "man -w xlat64ctl" bash -c '[[ $(man -w xlat64ctl) == /usr/share/man/man8/xlat64ctl.8.gz ]]'
t "man -w 5 xlat64d.json" bash -c '[[ $(man -w 5 xlat64d.json) == /usr/share/man/man5/xlat64d.json.5.gz ]]'
t "man -w xlat64-exporter" bash -c '[[ $(man -w xlat64-exporter) == /usr/share/man/man8/xlat64-exporter.8.gz ]]'
t "man xlat64d shows the page" bash -c 'LC_ALL=C MANPAGER=cat MANWIDTH=80 man xlat64d 2>&1 | grep -q "SIIT and NAT64 translator on DPDK"'
t "man xlat64d.json: the configuration reference, installed paths" bash -c \
	'out=$(LC_ALL=C MANPAGER=cat MANWIDTH=200 man 5 xlat64d.json 2>&1); grep -q "mbufs-per-port" <<<"$out" && grep -q "/usr/share/doc/xlat64/examples/siit-example.json" <<<"$out"'
t "man xlat64ctl lists pool4 add" bash -c 'LC_ALL=C MANPAGER=cat MANWIDTH=200 man xlat64ctl 2>&1 | grep -q "pool4 add PROTO PREFIX"'
t "bash completion: 'xlat64ctl ea<TAB>' gives eamt" bash -c \
	'source /usr/share/bash-completion/completions/xlat64ctl && COMP_WORDS=(xlat64ctl ea) COMP_CWORD=1 && _xlat64ctl && [[ "${COMPREPLY[*]}" == eamt ]]'
t "man xlat64ctl lists subscriber top and top" bash -c \
	'out=$(LC_ALL=C MANPAGER=cat MANWIDTH=200 man xlat64ctl 2>&1); grep -q "subscriber top" <<<"$out" && grep -q "^ *top \\[FRAMES\\]" <<<"$out"'
t "bash completion: 'xlat64ctl subscriber <TAB>' gives its views" bash -c \
	'source /usr/share/bash-completion/completions/xlat64ctl && COMP_WORDS=(xlat64ctl subscriber "") COMP_CWORD=2 && _xlat64ctl && [[ "${COMPREPLY[*]}" == "show sessions bib top" ]]'

# the conffile: an operator's edit survives a reinstall (dpkg keeps it, no prompt, the old one untouched)
python3 - <<'EOF' || fail "edit the conffile"
import json
p = "/etc/xlat64/xlat64d.json"
c = json.load(open(p))
c["comment"] = "edited by tests/package/run.sh"
json.dump(c, open(p, "w"), indent=2)
EOF
if (cd "$WORK" && "${APT[@]}" install --reinstall "./$(basename "$DEB")") >>"$WORK/apt.log" 2>&1; then
	ok "apt-get install --reinstall"
else
	fail "apt-get install --reinstall" "$(tail -n 10 "$WORK/apt.log")"
fi
t "the operator's edit of the conffile survives a reinstall" grep -q "edited by tests/package/run.sh" /etc/xlat64/xlat64d.json
t "no .dpkg-dist/.dpkg-new beside it" bash -c '! ls /etc/xlat64/*.dpkg-* 2>/dev/null | grep -q .'

# ---- 3. the installed daemon on the lab demo configuration
hugepages_free_mb() {
	awk '/^HugePages_Free/ { f = $2 } /^Hugepagesize/ { s = $2 } END { print int(f * s / 1024) }' /proc/meminfo
}
lab_demo() {
	local cfg=$WORK/lab-siit.json sock=$WORK/ctl.sock log=$WORK/xlat64d.log extra=() rc
	# the lab's own config, its socket ours; without hugepages --no-huge (tests/e2e/lib.sh does the same)
	if (($(hugepages_free_mb) < 300)); then extra+=(nohuge=1); fi
	python3 tests/e2e/ctl.py mkconfig config/lab-siit.json "$cfg" "socket=$sock" "${extra[@]}" ||
		{ fail "lab: configuration"; return; }
	t "ExecCondition: the lab configuration starts" "$COND" "$cfg"
	LAB_UP=1
	if ! scripts/lab.sh up >"$WORK/lab.log" 2>&1; then
		fail "lab: scripts/lab.sh up" "$(tail -n 5 "$WORK/lab.log")"
		return
	fi
	ip netns exec x64-box /usr/sbin/xlat64d --config "$cfg" >"$log" 2>&1 9>&- &
	DAEMON_PID=$!
	for _ in $(seq 1 300); do
		kill -0 "$DAEMON_PID" 2>/dev/null || break
		[[ -S "$sock" ]] && timeout 5 xlat64ctl --socket "$sock" version >/dev/null 2>&1 && break
		sleep 0.1
	done
	if timeout 5 xlat64ctl --socket "$sock" version >"$WORK/version.out" 2>&1; then
		ok "installed xlat64d runs config/lab-siit.json; installed xlat64ctl asks it"
	else
		fail "installed xlat64d runs config/lab-siit.json; installed xlat64ctl asks it" "$(tail -n 8 "$log")"
		return
	fi
	t "the daemon says version $VERSION, mode siit" bash -c 'grep -q "$1" "$2" && grep -qi siit "$2"' _ "$VERSION" "$WORK/version.out"
	t "ping IPv6 host -> IPv4 host (64:ff9b::198.51.100.2)" timeout 30 ip netns exec x64-h6 ping -n -c 3 -i 0.2 -W 2 64:ff9b::198.51.100.2
	t "ping IPv4 host -> IPv6 host (192.0.2.2, EAMT)" timeout 30 ip netns exec x64-h4 ping -n -c 3 -i 0.2 -W 2 192.0.2.2
	t "xlat64ctl stats: JSTAT_SUCCESS counts the 12 translated pings" bash -c \
		'timeout 5 xlat64ctl --socket "$1" --json stats | python3 -c "import json,sys; sys.exit(json.load(sys.stdin)[\"counters\"].get(\"JSTAT_SUCCESS\", 0) < 12)"' _ "$sock"
	kill -TERM "$DAEMON_PID"
	timeout 15 tail --pid="$DAEMON_PID" -f /dev/null
	wait "$DAEMON_PID"
	rc=$?
	DAEMON_PID=
	t "SIGTERM stops it with status 0" test "$rc" -eq 0
	t "its control socket is removed" test ! -e "$sock"
	scripts/lab.sh down >/dev/null 2>&1
	LAB_UP=0
}
# the lab's namespaces are shared by every suite: take them in turn
exec 9>/tmp/xlat64-lab.lock
if flock -w 900 9; then
	lab_demo
	flock -u 9
else
	fail "lab: flock /tmp/xlat64-lab.lock" "held by another suite for 15 minutes"
fi
exec 9>&-

# ---- 4. remove, purge
if "${APT[@]}" remove "$PKG" >>"$WORK/apt.log" 2>&1 && [[ $(pkg_status) == config-files ]]; then
	ok "apt-get remove"
else
	fail "apt-get remove" "status $(pkg_status); $(tail -n 10 "$WORK/apt.log")"
fi
t "after remove: binaries gone" test ! -e /usr/sbin/xlat64d -a ! -e /usr/bin/xlat64ctl
t "after remove: the edited conffile kept" grep -q "edited by tests/package/run.sh" /etc/xlat64/xlat64d.json
if "${APT[@]}" purge "$PKG" >>"$WORK/apt.log" 2>&1 && [[ $(pkg_status) == not-installed ]]; then
	ok "apt-get purge"
	INSTALLED=0
else
	fail "apt-get purge" "status $(pkg_status); $(tail -n 10 "$WORK/apt.log")"
fi
left=()
while read -r f; do
	# a path of the package still there that no other package has (shared directories stay)
	[[ -n "$f" && $f != /. ]] && [[ -e "$f" || -L "$f" ]] && ! dpkg -S "$f" >/dev/null 2>&1 && left+=("$f")
done <<<"$FILES"
if ((${#left[@]} == 0)); then ok "after purge: no file of the package left ($(wc -l <<<"$FILES") paths)"; else fail "after purge: no file of the package left" "${left[*]}"; fi
t "after purge: /etc/xlat64 gone" test ! -e /etc/xlat64
t "after purge: the units' enablement gone" bash -c '! ls /etc/systemd/system/*.wants/xlat64*.service /etc/systemd/system/xlat64*.service 2>/dev/null | grep -q .'
t "after purge: no deb-systemd-helper state" bash -c '! find /var/lib/systemd/deb-systemd-helper-enabled /var/lib/systemd/deb-systemd-helper-masked -name "*xlat64*" 2>/dev/null | grep -q .'
t "after purge: no dpkg record" bash -c '! ls /var/lib/dpkg/info/xlat64.* 2>/dev/null | grep -q .'
t "after purge: man xlat64d gone" bash -c '! man -w xlat64d >/dev/null 2>&1'
t "after purge: no xlat64 user or group" bash -c '! getent passwd xlat64 && ! getent group xlat64'

finish
