#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Control API tests: xlat64d on net_pcap ports with a control socket in a temp dir, driven with
# xlat64ctl (every command's success and failure paths, exit codes), a raw client (tests/control/
# client.py: bad JSON, wrong types, unknown commands and fields, huge and half-sent requests,
# clients that vanish mid-reply, 100 clients at once), config dump -> reload -> dump, SIGHUP,
# DPDK telemetry, and a live lab test (scripts/lab.sh, under flock /tmp/xlat64-lab.lock): EAMT
# entries removed and re-added while pings flow.
#   tests/control/run.sh                   everything
#   CTL_ONLY='eamt|config' tests/control/run.sh   tests whose name matches
#   CTL_NOLAB=1                            skip the lab test (it is then reported as a failure)
#   XLAT64_BUILD=DIR                       build directory (default build/)
# Prints "PASS name" / "FAIL name" per test and "N passed, M failed" last; exit 1 on any failure.
# Why ~790 lines: one short test function per command and failure path, against one daemon; the
# raw-protocol client is tests/control/client.py.
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BUILD=${XLAT64_BUILD:-$ROOT/build}
XLAT64D=${XLAT64D:-$BUILD/dataplane/xlat64d}
XLAT64CTL=$BUILD/control/xlat64ctl
PY=/usr/bin/python3
ONLY=${CTL_ONLY:-.}

[[ $(id -u) -eq 0 ]] || { echo "control: run as root" >&2; echo "0 passed, 1 failed"; exit 1; }
for b in "$XLAT64D" "$XLAT64CTL"; do
	[[ -x $b ]] || { echo "control: $b not built" >&2; echo "0 passed, 1 failed"; exit 1; }
done

WORK=$(mktemp -d /tmp/xlat64-ctl.XXXXXX)
PREFIX=xlat64ctl$$
SOCK=$WORK/ctl.sock
CFG=$WORK/xlat64.json
DPID=
NPASS=0
NFAIL=0
FAILED=()

cleanup() {
	local rc=$?
	daemon_stop
	if ((NFAIL > 0)) || [[ -n ${CTL_KEEP:-} ]]; then
		echo "control: work directory kept: $WORK"
	else
		rm -rf "$WORK"
	fi
	rm -rf "/var/run/dpdk/$PREFIX"
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ------------------------------------------------------------ helpers

CUR=
OUT=$WORK/out
# t NAME FUNC [ARGS]: one test; its output is shown only when it fails
t() {
	local name=$1
	shift
	[[ $name =~ $ONLY ]] || return 0
	CUR=$name
	if "$@" >"$WORK/t.log" 2>&1; then
		NPASS=$((NPASS + 1))
		echo "PASS $name"
		grep '^  - ' "$WORK/t.log" || true
	else
		NFAIL=$((NFAIL + 1))
		FAILED+=("$name")
		echo "FAIL $name"
		sed 's/^/     | /' "$WORK/t.log" | tail -n 40
	fi
}

ctl() { timeout 20 "$XLAT64CTL" --socket "$SOCK" "$@"; }

# ok CMD...: xlat64ctl must succeed; its output is in $OUT
ok() {
	if ! ctl "$@" >"$OUT" 2>&1; then
		echo "expected success: xlat64ctl $*"
		cat "$OUT"
		return 1
	fi
}

# err RC REGEX CMD...: xlat64ctl must exit with RC and print something matching REGEX
err() {
	local want=$1 re=$2 rc
	shift 2
	ctl "$@" >"$OUT" 2>&1
	rc=$?
	if ((rc != want)); then
		echo "expected exit $want, got $rc: xlat64ctl $*"
		cat "$OUT"
		return 1
	fi
	if ! grep -Eq -- "$re" "$OUT"; then
		echo "expected /$re/ from: xlat64ctl $*"
		cat "$OUT"
		return 1
	fi
}

# has REGEX: the last output matches
has() {
	grep -Eq -- "$1" "$OUT" || {
		echo "expected /$1/ in:"
		cat "$OUT"
		return 1
	}
}

hasnt() {
	! grep -Eq -- "$1" "$OUT" || {
		echo "did not expect /$1/ in:"
		cat "$OUT"
		return 1
	}
}

# jq-like: jget FILE EXPR (python expression on d)
jget() { $PY -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"; }

raw() { timeout 20 $PY "$HERE/client.py" "$SOCK" request "$1"; }

write_config() { # OUT [python statements changing c]
	$PY - "$1" "$WORK" "$PREFIX" "${2:-}" <<'EOF'
import json, sys
out, work, prefix, change = sys.argv[1:5]
c = {
  "mode": "siit",
  "eal": ["-l", "0", "--no-huge", "-m", "512", "--no-shconf", "--no-pci", "--log-level", "lib.eal:error",
          "--file-prefix", prefix],
  "ports": [
    {"name": "v6", "device": "net_pcap0,rx_pcap=%s/empty.pcap,tx_pcap=%s/out6.pcap" % (work, work), "mtu": 1500,
     "mac": "02:00:00:00:00:06", "addresses": ["2001:db8:6::1/64"],
     "neighbors": [{"address": "2001:db8:6::2", "mac": "02:00:00:00:01:06"}]},
    {"name": "v4", "device": "net_pcap1,rx_pcap=%s/empty.pcap,tx_pcap=%s/out4.pcap" % (work, work),
     "addresses": ["198.51.100.1/24"], "neighbors": [{"address": "198.51.100.2", "mac": "02:00:00:00:01:04"}]}
  ],
  "routes": [{"prefix": "203.0.113.0/24", "via": "198.51.100.2", "port": "v4"},
             {"prefix": "2001:db8:60::/48", "via": "2001:db8:6::2", "port": "v6"}],
  "control": {"socket": work + "/ctl.sock"},
  "dataplane": {"idle-sleep-us": 100},
  "global": {"pool6": "64:ff9b::/96", "rfc6791v4-prefix": "198.51.100.1"},
  "eamt": [{"ipv6 prefix": "2001:db8:6::2/128", "ipv4 prefix": "192.0.2.2/32"}],
  "denylist4": ["192.168.0.0/16"]
}
exec(change)
with open(out, "w") as f:
    json.dump(c, f, indent=2)
EOF
}

daemon_start() {
	rm -f "$SOCK"
	"$XLAT64D" --config "$CFG" >"$WORK/xlat64d.log" 2>&1 &
	DPID=$!
	local i
	for i in $(seq 1 300); do
		kill -0 "$DPID" 2>/dev/null || {
			echo "xlat64d exited early:"
			cat "$WORK/xlat64d.log"
			DPID=
			return 1
		}
		[[ -S $SOCK ]] && ctl version >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	echo "xlat64d did not answer within 30 s"
	return 1
}

daemon_stop() {
	[[ -n $DPID ]] || return 0
	kill -CONT "$DPID" 2>/dev/null # (a test that stopped it failed half-way)
	kill -TERM "$DPID" 2>/dev/null
	local i
	for i in $(seq 1 100); do
		kill -0 "$DPID" 2>/dev/null || break
		sleep 0.1
	done
	kill -9 "$DPID" 2>/dev/null
	wait "$DPID" 2>/dev/null
	DPID=
}

alive() {
	kill -0 "$DPID" 2>/dev/null || {
		echo "xlat64d is gone; log:"
		tail -n 20 "$WORK/xlat64d.log"
		return 1
	}
	ctl version >/dev/null || { echo "xlat64d does not answer"; return 1; }
}

# ---------------------------------------------------------------- tests

test_version() {
	ok version && has '^xlat64d [0-9]' && has 'mode siit' && has 'DPDK' && has 'xlat64ctl'
	ok --json version && has '"ok":true' && has '"workers":1' && has '"config-file":"'"$CFG"'"'
}

test_help() {
	ok help
	local c
	for c in version global pool6 eamt denylist4 stats ports neighbors routes config help; do
		has "^  $c " || return 1
	done
}

test_stats() {
	ok stats && has 'All [0-9]+ counters are zero|NAME'
	ok stats --all && has '^JSTAT_RECEIVED6 +0' && has 'XLAT_RX'
	ok --json stats --all && has '"JSTAT_SUCCESS":0'
	ok stats --per-core --all && has 'W0/L0' && has 'control' && has '^JSTAT_RECEIVED4 '
	ok --json stats --per-core && has '"per-core":\[\{"worker":0,"lcore":0'
	err 2 'takes no arguments' stats foo
	err 2 'go with stats' version --all
}

test_global() {
	ok global && has '^pool6 +64:ff9b::/96' && has '^lowest-ipv6-mtu +1280' && has '^mtu-plateaus +\[65535'
	hasnt 'logging-debug'
	ok global get tos && has '^tos +0'
	ok --json global get pool6 && has '"global":\{"pool6":"64:ff9b::/96"\}'
	err 1 "no global option 'bogus'" global get bogus
	err 1 'has no effect in xlat64d' global get logging-debug
	ok global set tos 7 && has '^tos: 0 -> 7'
	ok global set tos 7 && has 'Nothing changed'
	ok global set override-tos true zeroize-traffic-class true && has 'override-tos: false -> true' &&
		has 'zeroize-traffic-class: false -> true'
	ok global set mtu-plateaus '[1500, 1280, 9000, 1500]' && has 'mtu-plateaus: .* -> \[9000,1500,1280\]'
	ok global set eam-hairpin-mode simple && has 'intrinsic -> simple'
	ok global set rfc6791v6-prefix 2001:db8:6791::/64 rfc6791v4-prefix null &&
		has 'rfc6791v6-prefix: - -> 2001:db8:6791::/64' && has 'rfc6791v4-prefix: 198.51.100.1/32 -> -'
	ok global set icmp-errors-per-sec 10 lowest-ipv6-mtu 1400 manually-enabled false
	# errors: the file's rules and messages, and nothing applied
	err 1 'global.tos: 300 is out of range \(0\.\.255\)' global set tos 300
	err 1 "unknown key 'tso' \(did you mean 'tos'\?\)" global set tso 1
	err 1 'global.lowest-ipv6-mtu: 1000 is out of range' global set tos 1 lowest-ipv6-mtu 1000
	ok global get tos && has '^tos +7' # all or nothing: tos was not set to 1
	err 1 'expected true or false' global set override-tos yes
	err 1 'no effect in xlat64d' global set logging-debug true
	err 1 'is not one of "off", "simple", "intrinsic"' global set eam-hairpin-mode sometimes
	err 1 'bits 64 to 71 \(the u-octet\)' global set pool6 64:ff9b:0:0:ff00::/64
	err 2 'NAME VALUE pairs' global set tos
	err 2 'not get or set' global put tos 1
	# back to the start
	ok global set tos 0 override-tos false zeroize-traffic-class false mtu-plateaus \
		'[65535,32000,17914,8166,4352,2002,1492,1006,508,296,68]' eam-hairpin-mode intrinsic \
		rfc6791v6-prefix null rfc6791v4-prefix 198.51.100.1 icmp-errors-per-sec 1000 lowest-ipv6-mtu 1280 \
		manually-enabled true
}

test_pool6() {
	ok pool6 && has '^pool6 64:ff9b::/96$'
	ok pool6 set 2001:db8:64::/64 && has 'pool6 2001:db8:64::/64'
	ok pool6 set 2001:db8:64::/64 && has '\(unchanged\)'
	ok pool6 set none && has 'pool6 unset'
	ok --json pool6 && has '"pool6":null'
	err 1 'prefix length 120 is not one of 32, 40, 48, 56, 64, 96' pool6 set 64:ff9b::/120
	err 1 'not an IPv6 prefix' pool6 set 192.0.2.0/24
	err 1 'did you mean 64:ff9b::/96' pool6 set 64:ff9b::1/96
	err 2 'one prefix' pool6 set
	ok pool6 set 64:ff9b::/96
}

test_eamt() {
	ok eamt && has '^2001:db8:6::2/128 +192.0.2.2/32' && has '^1 entries \(at most 1024\)'
	ok eamt add 2001:db8:6:100::/120 203.0.113.0/24 && has 'added 2001:db8:6:100::/120 <-> 203.0.113.0/24'
	ok eamt add 2001:DB8:7::5 198.18.0.5 && has 'added 2001:db8:7::5/128 <-> 198.18.0.5/32'
	ok --json eamt list && has '"count":3'
	err 1 'already in the EAMT' eamt add 2001:db8:6:100::/120 203.0.114.0/24
	err 1 'already in the EAMT' eamt add 2001:db8:9::/120 203.0.113.0/24
	err 1 'fewer suffix bits than the IPv4 prefix needs' eamt add 2001:db8:8::/127 10.8.0.0/24
	err 1 'did you mean 2001:db8:8::/120' eamt add 2001:db8:8::1/120 10.8.0.0/24
	err 1 "ipv4 prefix: '10.8.0.0/33' is not an IPv4 prefix" eamt add 2001:db8:8::/120 10.8.0.0/33
	err 2 'an IPv6 prefix and an IPv4 prefix' eamt add 2001:db8:8::/120
	err 2 'two ipv4 prefix given' eamt add 10.0.0.0/24 10.1.0.0/24
	ok eamt remove 203.0.113.0/24 && has 'removed 2001:db8:6:100::/120 <-> 203.0.113.0/24'
	ok eamt remove 2001:db8:7::5 && has 'removed 2001:db8:7::5/128 <-> 198.18.0.5/32'
	err 1 'no EAMT entry with IPv4 prefix 203.0.113.0/24' eamt remove 203.0.113.0/24
	err 1 'no EAMT entry 2001:db8:6::2/128 <-> 192.0.2.3/32; the table has 2001:db8:6::2/128 <-> 192.0.2.2/32' \
		eamt remove 2001:db8:6::2 192.0.2.3
	ok eamt remove 2001:db8:6::2/128 192.0.2.2/32 && has 'removed 2001:db8:6::2/128 <-> 192.0.2.2/32'
	ok eamt && has '^0 entries'
	ok eamt flush && has 'removed 0 entries'
	ok eamt add 2001:db8:6::2 192.0.2.2
	ok eamt add 2001:db8:6::3 192.0.2.3
	ok eamt flush && has 'removed 2 entries'
	ok eamt add 2001:db8:6::2 192.0.2.2
	err 2 "'move' is not one of list, add, remove, flush" eamt move x
	# a full table: 1024 entries through one connection, then one too many
	$PY - "$SOCK" <<'EOF' || return 1
import json, socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); f = s.makefile("rwb")
for i in range(1, 1024):
    f.write(json.dumps({"command": "eamt", "op": "add", "ipv6 prefix": "2001:db8:aa::%x" % i,
                        "ipv4 prefix": "10.170.%d.%d" % (i // 256, i % 256)}).encode() + b"\n")
f.flush()
for i in range(1, 1024):
    r = json.loads(f.readline())
    assert r["ok"], r
f.write(b'{"command": "eamt", "op": "add", "ipv6 prefix": "2001:db8:ab::1", "ipv4 prefix": "10.171.0.1"}\n'); f.flush()
r = json.loads(f.readline())
assert not r["ok"] and "full" in r["error"]["message"], r
print("  - 1024 entries, the 1025th refused:", r["error"]["message"])
EOF
	ok --json eamt && has '"count":1024'
	ok eamt flush && has 'removed 1024 entries'
	ok eamt add 2001:db8:6::2 192.0.2.2
}

test_denylist4() {
	ok denylist4 && has '^192.168.0.0/16$' && has '^1 prefixes \(at most 64\)'
	ok denylist4 add 10.0.0.0/8 && has 'added 10.0.0.0/8'
	ok denylist4 add 172.16.0.1 && has 'added 172.16.0.1/32'
	err 1 '10.0.0.0/8 is already in denylist4' denylist4 add 10.0.0.0/8
	err 1 'did you mean 10.0.0.0/8' denylist4 add 10.1.0.0/8
	err 1 'not an IPv4 prefix' denylist4 add 2001:db8::/32
	ok denylist4 remove 10.0.0.0/8 && has 'removed 10.0.0.0/8'
	err 1 '10.0.0.0/8 is not in denylist4' denylist4 remove 10.0.0.0/8
	ok denylist4 flush && has 'removed 2 prefixes'
	local i
	for i in $(seq 0 63); do ctl denylist4 add "10.$i.0.0/16" >/dev/null || return 1; done
	err 1 'denylist4 is full \(64 prefixes\)' denylist4 add 11.0.0.0/8
	ok denylist4 flush && has 'removed 64 prefixes'
	ok denylist4 add 192.168.0.0/16
	err 2 'one IPv4 prefix' denylist4 add
}

test_ports() {
	ok ports && has '^NAME +ID +DRIVER' && has '^v6 +0 +net_pcap +02:00:00:00:00:06 +1500 +up' && has '^v4 +1 +net_pcap'
	sleep 1.2 # two rate samples
	ok --json ports v4 && has '"name":"v4"' && has '"addresses":\["198.51.100.1/24"\]' && has '"rates":\{"rx-pps"' &&
		hasnt '"name":"v6"' && hasnt xstats
	ok ports --xstats v6 && has 'extended statistics' && has 'rx_good_packets'
	err 1 "no port named 'v5'" ports v5
	err 2 'at most a port name' ports v4 v6
	err 2 'goes with ports' stats --xstats
}

test_neighbors() {
	ok neighbors && has '^v6 +2001:db8:6::2 +02:00:00:00:01:06 +static' && has '^v4 +198.51.100.2 +02:00:00:00:01:04 +static' &&
		has '^2 entries'
	ok --json neighbors v4 && has '"count":1' && hasnt '"v6"'
	err 1 "no port named 'v9'" neighbors v9
}

test_routes() {
	ok routes && has '^2001:db8:6::/64 +- +v6 +connected' && has '^198.51.100.0/24 +- +v4 +connected' &&
		has '^203.0.113.0/24 +198.51.100.2 +v4 +static' && has '^2001:db8:60::/48 +2001:db8:6::2 +v6 +static'
	ok routes lookup 203.0.113.77 && has '203.0.113.0/24 via 198.51.100.2, port v4'
	ok routes lookup 2001:db8:60:1::9 && has '2001:db8:60::/48 via 2001:db8:6::2, port v6'
	ok routes lookup 198.51.100.9 && has 'directly connected, port v4'
	err 1 'no route to 8.8.8.8' routes lookup 8.8.8.8
	err 1 'not an IPv4 or IPv6 address' routes lookup example.com
	err 2 "lookup ADDRESS" routes show
}

# dump -> reload -> dump: identical; and a reload brings back what changed live
test_config_roundtrip() {
	ok global set tos 9 override-tos true
	ok eamt add 2001:db8:6:200::/120 198.18.1.0/24
	ok denylist4 add 198.18.2.0/24
	ok config dump "$WORK/dump1.json"
	$PY -c 'import json,sys; json.load(open(sys.argv[1]))' "$WORK/dump1.json" || return 1
	# the dump is a configuration file that xlat64ctl check (and xlat64d) accepts
	ok check "$WORK/dump1.json" && has 'ok: mode siit, 2 port'
	ok config reload "$WORK/dump1.json" && has 'same as the running configuration'
	ok config dump "$WORK/dump2.json"
	cmp "$WORK/dump1.json" "$WORK/dump2.json" || { diff "$WORK/dump1.json" "$WORK/dump2.json"; return 1; }
	# change things live, then reload the dump: everything back, in one step
	ok global set tos 0 override-tos false
	ok eamt flush
	ok denylist4 flush
	ok pool6 set none
	ok config reload --dry-run "$WORK/dump1.json" && has 'valid; a reload would change global, eamt, denylist4'
	ok --json eamt && has '"count":0' # dry run: nothing applied
	ok config reload "$WORK/dump1.json" && has 'reloaded; changed global, eamt, denylist4'
	ok config dump "$WORK/dump3.json"
	cmp "$WORK/dump1.json" "$WORK/dump3.json" || { diff "$WORK/dump1.json" "$WORK/dump3.json"; return 1; }
	# the dump to stdout is the same document
	ok config dump
	$PY -c 'import json,sys; assert json.load(open(sys.argv[1])) == json.load(open(sys.argv[2]))' "$OUT" \
		"$WORK/dump1.json" || return 1
	# the daemon's own file: back to how it started
	ok config reload && has "$CFG: reloaded; changed global, eamt, denylist4"
	ok global get tos && has '^tos +0'
	# a restarted daemon with the dump behaves the same: same dump
	cp "$WORK/dump1.json" "$WORK/restart.json"
	local old=$CFG
	CFG=$WORK/restart.json
	daemon_stop && daemon_start || { CFG=$old; return 1; }
	ok config dump "$WORK/dump4.json"
	$PY - "$WORK/dump1.json" "$WORK/dump4.json" <<'EOF' || { CFG=$old; daemon_stop; daemon_start; return 1; }
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
assert a == b, "restart with the dump gives a different configuration"
EOF
	CFG=$old
	daemon_stop && daemon_start
}

# sections that need a restart are refused, by name, and nothing is applied
test_config_restart_sections() {
	local what
	for what in \
		'ports:c["ports"][0]["mtu"] = 1400' \
		'ports:c["ports"][1]["neighbors"] = []' \
		'routes:c["routes"].pop()' \
		'eal:c["eal"].append("--log-level=pmd:error")' \
		'control:c["control"]["socket"] = "/tmp/other.sock"' \
		'dataplane:c["dataplane"]["idle-sleep-us"] = 5' \
		'mode:c["mode"] = "nat64"'; do
		local sec=${what%%:*}
		write_config "$WORK/bad.json" "${what#*:}
c['global']['tos'] = 99
c['eamt'] = []"
		# (mode nat64 may also be refused by the loader itself while NAT64 is incomplete)
		err 1 "section \"$sec\" differs from the running configuration and requires a restart; nothing was changed|mode nat64 is not implemented" \
			config reload "$WORK/bad.json" || return 1
		ok global get tos && has '^tos +0' || return 1
		ok --json eamt && has '"count":1' || return 1
		echo "  - $sec (${what#*:}): refused"
	done
	# an invalid file: the loader's message, nothing applied
	printf '{"global": {"tos": 1}, "eamt": [' >"$WORK/broken.json"
	err 1 'broken.json: line 1, column [0-9]+: invalid JSON' config reload "$WORK/broken.json"
	write_config "$WORK/bad2.json" 'c["eamt"].append({"ipv6 prefix": "2001:db8:6::9", "ipv4 prefix": "192.0.2.2"})'
	err 1 'bad2.json: eamt\[1\]: the IPv4 prefix is already in the EAMT' config reload "$WORK/bad2.json"
	err 1 'cannot open: No such file' config reload "$WORK/missing.json"
	err 1 'not a regular file' config reload /dev/null
	ok global get tos && has '^tos +0'
}

test_sighup() {
	cp "$CFG" "$WORK/cfg.orig"
	write_config "$CFG" 'c["eamt"].append({"ipv6 prefix": "2001:db8:6::7", "ipv4 prefix": "192.0.2.7"}); c["global"]["tos"] = 3'
	kill -HUP "$DPID"
	local i
	for i in $(seq 1 50); do
		grep -q 'SIGHUP: reloaded' "$WORK/xlat64d.log" && break
		sleep 0.1
	done
	grep 'SIGHUP' "$WORK/xlat64d.log" | tail -n 1 | sed 's/^/  - /'
	grep -q "SIGHUP: reloaded $CFG; changed sections: \[\"global\",\"eamt\"\]" "$WORK/xlat64d.log" || return 1
	ok eamt && has '^2001:db8:6::7/128 +192.0.2.7/32'
	ok global get tos && has '^tos +3'
	# a bad file on SIGHUP: refused, logged, nothing changed, still running
	write_config "$CFG" 'c["ports"][0]["mtu"] = 9000'
	kill -HUP "$DPID"
	for i in $(seq 1 50); do
		grep -q 'SIGHUP: reload refused' "$WORK/xlat64d.log" && break
		sleep 0.1
	done
	grep 'SIGHUP: reload refused' "$WORK/xlat64d.log" | tail -n 1 | sed 's/^/  - /'
	grep -q 'SIGHUP: reload refused: .*section "ports" differs' "$WORK/xlat64d.log" || return 1
	ok eamt && has '^2001:db8:6::7/128'
	cp "$WORK/cfg.orig" "$CFG"
	kill -HUP "$DPID"
	sleep 0.5
	ok eamt && hasnt '2001:db8:6::7'
	alive
}

test_raw_requests() {
	raw '{"command": "version"}' >"$OUT" && has '"ok": true'
	! raw '{"command": "nope"}' >"$OUT" && has '"code": "unknown_command"' && has '"help" lists the commands'
	! raw '{"command": "eamt", "op": "add", "ipv6 prefix": "2001:db8::/120", "ipv4 prefix": "10.0.0.0/24", "extra": 1}' \
		>"$OUT" && has 'eamt add takes no argument \\"extra\\"; it takes \\"ipv6 prefix\\", \\"ipv4 prefix\\"'
	! raw '{"command": "config", "op": "reload", "config": {"global": {"pool6": "1.2.3.4"}}}' >"$OUT" &&
		has 'config: global.pool6'
	raw '{"command": "config", "op": "reload", "dry-run": true, "config": '"$(cat "$WORK/dump1.json")"'}' >"$OUT" &&
		has '"dry-run": true'
	ok raw '{"command": "stats", "all": true}' && has '"JSTAT_RECEIVED6": 0'
	err 1 'unknown_command' raw '{"command": "bogus"}'
	err 2 'invalid JSON' raw '{bad'
	err 2 'must be a JSON object' raw '[1]'
	err 2 'raw: the request must be a JSON object' raw 42
	err 2 'raw: the request must be a JSON object' raw '"stats"'
	err 2 'raw: invalid JSON at column' raw 'stats'
}

test_cli_errors() {
	err 2 'no command given'
	err 2 "unknown command 'frobnicate'" frobnicate
	err 2 'cannot connect to /nonexistent.sock' --socket /nonexistent.sock version
	err 2 'not a number of seconds' --timeout x version
	ok --help && has 'config reload \[FILE\]'
}

# within RC REGEX MIN_S MAX_S CMD...: like err, and the command must end between MIN_S and MAX_S seconds
within() {
	local want=$1 re=$2 min=$3 max=$4 t0 t1
	shift 4
	t0=$EPOCHREALTIME
	err "$want" "$re" "$@" || return 1
	t1=$EPOCHREALTIME
	$PY - "$t0" "$t1" "$min" "$max" "$OUT" <<'EOF'
import sys
t0, t1, lo, hi = (float(x) for x in sys.argv[1:5])
msg = open(sys.argv[5]).read().strip().splitlines()[0]
print("  - %.2f s (expected %g..%g): %s" % (t1 - t0, lo, hi, msg[:150]))
sys.exit(0 if lo <= t1 - t0 <= hi else 1)
EOF
}

# --timeout bounds the whole command (connect, send, reply) against a daemon that is stopped (SIGSTOP):
# its listen queue still takes connections, so first the reply and a big request's send time out;
# then, with the queue filled by connections nobody accepts, the connect itself
cli_timeout_stopped() {
	local big i args=()
	big=$(head -c 120000 /dev/zero | tr '\0' x)
	for i in $(seq 1 10); do args+=("x$i" "$big"); done # a 1.2 MB request: more than a socket buffer holds
	within 2 "^xlat64ctl: timed out after 2 s waiting for the reply from $SOCK\$" 1.9 3 --timeout 2 version &&
		within 2 "^xlat64ctl: timed out after 0.5 s waiting for the reply from $SOCK\$" 0.45 1.5 --timeout 0.5 stats &&
		within 2 "^xlat64ctl: timed out after 2 s sending the request to $SOCK \(xlat64d is not reading it\)\$" 1.9 3 \
			--timeout 2 global set "${args[@]}" || return 1
	# the stopped daemon's queue now holds those connections, closed; let it take them, then stop it again
	kill -CONT "$DPID"
	alive || return 1
	kill -STOP "$DPID"
	$PY - "$SOCK" "$XLAT64CTL" <<'EOF'
import resource, socket, subprocess, sys, time
sock, ctl = sys.argv[1:3]
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 20000)), hard))
held = []
while True:  # fill the listen queue: non-blocking connects until the kernel says EAGAIN
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.setblocking(False)
    try:
        s.connect(sock)
    except BlockingIOError:
        s.close()
        break
    held.append(s)
    assert len(held) < 10000, "the listen queue never filled"
# the listen backlog is CTL_LISTEN_BACKLOG (1024), capped by net.core.somaxconn; Linux queues one more
backlog = min(1024, int(open("/proc/sys/net/core/somaxconn").read()))
print("  - the stopped daemon's listen queue is full after %d connections (backlog %d)" % (len(held), backlog))
assert backlog <= len(held) <= backlog + 1, "expected a backlog of %d" % backlog
t0 = time.monotonic()
r = subprocess.run([ctl, "--socket", sock, "--timeout", "2", "version"], stdout=subprocess.PIPE,
                   stderr=subprocess.STDOUT, text=True, timeout=20)
t = time.monotonic() - t0
print("  - %.2f s, exit %d: %s" % (t, r.returncode, r.stdout.strip()))
want = ("xlat64ctl: timed out after 2 s connecting to %s (xlat64d is not accepting connections: stopped, hung, "
        "or its listen backlog is full)\n" % sock)
assert r.returncode == 2 and r.stdout == want, "expected exit 2 and %r" % want
assert 1.9 <= t <= 3, "took %.2f s, not about 2" % t
for s in held:
    s.close()
EOF
}

test_cli_timeout() {
	kill -STOP "$DPID" || return 1
	cli_timeout_stopped
	local rc=$?
	kill -CONT "$DPID"
	((rc == 0)) && alive
}

# past the server's 64 clients, xlat64ctl prints the daemon's too_many_clients answer (exit 1), whether its
# request went out before the server closed the connection or not (then the send fails with EPIPE)
test_cli_too_many_clients() {
	$PY - "$SOCK" "$XLAT64CTL" <<'EOF'
import json, socket, subprocess, sys
sock, ctl = sys.argv[1:3]
held = []
for i in range(64):  # every slot, each one accepted (a round trip)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(10)
    s.connect(sock)
    s.sendall(b'{"command": "version"}\n')
    r = json.loads(s.makefile("rb").readline())
    assert r["ok"], "client %d: %r" % (i, r)
    held.append(s)
want = "xlat64ctl: error: too many control clients; try again later (too_many_clients)\n"
for i in range(30):
    r = subprocess.run([ctl, "--socket", sock, "--timeout", "5", "version"], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True, timeout=20)
    assert r.returncode == 1 and r.stdout == want, "run %d: exit %d, %r" % (i, r.returncode, r.stdout)
print("  - 64 clients held: xlat64ctl told too_many_clients 30 times out of 30 (exit 1)")
for s in held:
    s.close()
EOF
}

test_telemetry() {
	if [[ ! -x /usr/bin/dpdk-telemetry.py ]]; then
		echo "  - /usr/bin/dpdk-telemetry.py absent: skipped"
		return 0
	fi
	echo /xlat64/stats | timeout 10 $PY /usr/bin/dpdk-telemetry.py -f "$PREFIX" >"$OUT" 2>&1
	has '"/xlat64/stats": \{"JSTAT_RECEIVED6": 0' || return 1
	printf '/xlat64/info\n/xlat64/stats_core,0\n/xlat64/stats_core,control\n/\n' |
		timeout 10 $PY /usr/bin/dpdk-telemetry.py -f "$PREFIX" >"$OUT" 2>&1
	has '"/xlat64/info": \{"version": "[0-9.]+", "mode": "siit", "workers": 1, "ports": 2' &&
		has '"/xlat64/stats_core": \{"JSTAT_RECEIVED6"' && has '"/xlat64/stats_core"'
	echo "  - dpdk-telemetry.py -f $PREFIX: /xlat64/stats, /xlat64/stats_core,N, /xlat64/info"
}

test_nat64_siit_refused() {
	err 1 'pool4 is a NAT64 command; this daemon runs in siit mode' pool4 || return 1
	err 1 'bib is a NAT64 command' bib || return 1
	err 1 'session is a NAT64 command' session || return 1
	err 1 'nat64 is a NAT64 command; this daemon runs in siit mode' nat64 status || return 1
	err 1 'subscriber is a NAT64 command; this daemon runs in siit mode' subscriber top
}

# ------------------------------------------------------------------ NAT64

# A nat64-mode daemon whose IPv6 port replays a pcap that creates 8 sessions: UDP from 2001:db8:6::2
# ports 1000-1004, a TCP SYN from port 4000, an ICMP echo (id 77), and UDP from 2001:db8:6::3#53 through
# the static BIB entry 2001:db8:6::3#53 <-> 192.0.2.1#2053.
nat64_start() {
	$PY - "$WORK/nat64in.pcap" <<'EOF' || return 1
import sys
from scapy.all import Ether, IPv6, UDP, TCP, ICMPv6EchoRequest, wrpcap
e = Ether(src="02:00:00:00:01:06", dst="02:00:00:00:00:06")
d = "64:ff9b::203.0.113.5"
p = [e / IPv6(src="2001:db8:6::2", dst=d) / UDP(sport=1000 + i, dport=53) / b"q" for i in range(5)]
p.append(e / IPv6(src="2001:db8:6::2", dst=d) / TCP(sport=4000, dport=80, flags="S"))
p.append(e / IPv6(src="2001:db8:6::2", dst=d) / ICMPv6EchoRequest(id=77, seq=1))
p.append(e / IPv6(src="2001:db8:6::3", dst=d) / UDP(sport=53, dport=5353) / b"r")
wrpcap(sys.argv[1], p)
EOF
	write_config "$WORK/nat64.json" 'c["mode"] = "nat64"; del c["eamt"]; del c["denylist4"]
c["ports"][0]["device"] = "net_pcap0,rx_pcap=%s/nat64in.pcap,tx_pcap=%s/out6.pcap" % (work, work)
c["pool4"] = [{"protocol": p, "prefix": "192.0.2.1/32", "port range": "2000-3000"} for p in ("TCP", "UDP", "ICMP")]
c["bib"] = [{"protocol": "UDP", "ipv6 address": "2001:db8:6::3#53", "ipv4 address": "192.0.2.1#2053"}]'
	CFG=$WORK/nat64.json
	daemon_stop # the siit one, still running when CTL_ONLY skipped alive_at_end
	daemon_start || return 1
	local i
	for i in $(seq 1 50); do
		ctl --json session >"$OUT" 2>&1 && has '"total": ?8' >/dev/null && return 0
		sleep 0.1
	done
	echo "the pcap did not create 8 sessions:"
	cat "$OUT"
	return 1
}

test_nat64_session() {
	ok session && has 'sessions 1-8 of 8' && has '^UDP +2001:db8:6::2#1000 +192\.0\.2\.1#[0-9]+ +203\.0\.113\.5#53 ' || return 1
	cat "$OUT"
	ok session tcp && has '^TCP +2001:db8:6::2#4000 .* V6_INIT ' && has 'sessions 1-1 of 1' || return 1
	ok session icmp && has '^ICMP +2001:db8:6::2#77 ' || return 1
	ok session udp 2001:db8:6::3 && has '^UDP +2001:db8:6::3#53 +192\.0\.2\.1#2053 +203\.0\.113\.5#5353' &&
		has 'sessions 1-1 of 1' || return 1
	ok session 203.0.113.5 limit 3 offset 2 && has 'sessions 3-5 of 8 \(more' || return 1
	ok session 198.51.100.99 && has 'no sessions \(of 0\)' || return 1
	ok --json session udp offset 5 && has '"count": ?1' && has '"more": ?false' || return 1
	err 1 'protocol: .sctp. is not one of' raw '{"command": "session", "protocol": "sctp"}' || return 1
	err 1 'ipv6: .1.2.3.4. is not an IPv6 address' raw '{"command": "session", "ipv6": "1.2.3.4"}' || return 1
	err 1 '"limit\\?" must be an integer from 0 to 10000' raw '{"command": "session", "limit": 100000}' || return 1
	err 1 'session list takes no argument' raw '{"command": "session", "port": 1}' || return 1
	err 2 "session: 'bogus' is not a protocol" session bogus
}

# issue 19: the tables' occupancy against the sessions the pcap made (session list: the tables' own walk)
# nat64_status_check PORTS PAIRS: "nat64 status" and "session" now; pool4 has PAIRS (protocol, address) pairs on
# 192.0.2.1 of PORTS ports each
nat64_status_check() {
	ok --json nat64 status && cp "$OUT" "$WORK/status.json" || return 1
	ok --json session limit 10000 && cp "$OUT" "$WORK/sessions.json" || return 1
	$PY - "$WORK/status.json" "$WORK/sessions.json" "$1" "$2" <<'EOF'
import json, sys
st, se, ports, pairs = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), int(sys.argv[3]), int(sys.argv[4])
want = {"tcp": 0, "udp": 0, "icmp": 0}
bibs = {}
for s in se["sessions"]:
    want[s["protocol"].lower()] += 1
    bibs.setdefault(s["protocol"].lower(), set()).add(s["ipv4 address"])
wb = {p: len(bibs.get(p, ())) for p in want}
w0 = st["workers"][0]
for p in want:
    assert st["sessions"][p] == w0["sessions"][p] == want[p], (p, st["sessions"], want)
    assert st["bib"][p] == w0["bib"][p] == wb[p], (p, st["bib"], wb)
assert st["sessions"]["total"] == se["total"], (st["sessions"], se["total"])
assert st["max-sessions"] == w0["max-sessions"] == 65536, st["max-sessions"]
assert all(v == 0 for v in st["limits"].values()), st["limits"]
pool = {(e["protocol"].lower(), e["address"]): e for e in st["pool4"]}
assert st["pool4-complete"] and st["pool4-addresses"] == len(pool) == pairs and st["pool4-uncounted"] == 0, st
for p in want:
    e = pool.get((p, "192.0.2.1"), {"ports": ports, "used": 0})
    assert e["ports"] == ports and e["used"] == wb[p], (p, e, wb)
print("  - sessions %s, BIB entries %s, pool4 192.0.2.1 %s of %d ports: as the session list says"
      % (st["sessions"], st["bib"], {p: pool[(p, "192.0.2.1")]["used"] for p in want if (p, "192.0.2.1") in pool},
         ports))
EOF
}

test_nat64_status() {
	nat64_status_check 1001 3 || return 1
	ok nat64 status && has '^worker 0 +1 +6 +1 +8 +65536 \(0\.0%\)$' && has '^all +1 +6 +1 +8 ' &&
		has '^BIB +TCP' && has '^192\.0\.2\.1 +UDP +6 +1001 +0\.6%$' && has '^192\.0\.2\.1 +ICMP +1 +1001 +0\.1%$' &&
		has '^limits hit \(flows refused\): table-full 0, pool4-exhausted 0, cgn-session-limit 0' || return 1
	cat "$OUT"
	ok nat64 && has '^SESSIONS' || return 1
	err 1 'nat64 status takes no argument "x"' raw '{"command": "nat64", "op": "status", "x": 1}' || return 1
	err 1 'nat64 has no operation "bogus"; "op" is one of "status"' raw '{"command": "nat64", "op": "bogus"}' || return 1
	err 1 'nat64: "op" must be a string' raw '{"command": "nat64", "op": 5}' || return 1
	err 2 "nat64: 'bogus' is not status" nat64 bogus || return 1
	err 2 'nat64 status takes no arguments' nat64 status 1
}

# after test_nat64_pool4: UDP's pool4 entry and sessions went, and came back (config reload) with none
test_nat64_status_reconfigured() {
	nat64_status_check 1001 3 || return 1
	ok nat64 status && has '^192\.0\.2\.1 +UDP +0 +1001 +0\.0%$'
}

# issue 19: one subscriber (a /128, the /64), its pages, the top ones: against the session list
test_nat64_subscriber() {
	ok --json session limit 10000 && cp "$OUT" "$WORK/sessions.json" || return 1
	local p
	for p in 2001:db8:6::2 2001:db8:6::/64 2001:db8:6::3/128; do
		ok --json subscriber show "$p" && cp "$OUT" "$WORK/sub.json" || return 1
		$PY - "$WORK/sub.json" "$WORK/sessions.json" "$p" <<'EOF' || return 1
import ipaddress, json, sys
r, se, p = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), sys.argv[3]
net = ipaddress.ip_network(p if "/" in p else p + "/128")
mine = [s for s in se["sessions"] if ipaddress.ip_address(s["ipv6 address"].split("#")[0]) in net]
sess = {"tcp": 0, "udp": 0, "icmp": 0}
bibs, held = {}, {}
for s in mine:
    sess[s["protocol"].lower()] += 1
    bibs.setdefault(s["protocol"].lower(), set()).add(s["ipv4 address"])
for pr, b in bibs.items():
    for a in b:
        k = (pr.upper(), a.split("#")[0])
        held[k] = held.get(k, 0) + 1
assert r["prefix"] == str(net), r["prefix"]
for pr in sess:
    assert r["sessions"][pr] == sess[pr], (pr, r["sessions"], sess)
    assert r["bib"][pr] == len(bibs.get(pr, ())), (pr, r["bib"], bibs)
assert {(e["protocol"], e["address"]): e["used"] for e in r["pool4"]} == held, (r["pool4"], held)
assert r["cgn"] is None and r["workers"] == [0], r
print("  - %s: sessions %s, pool4 ports %s, as the session list says" % (p, r["sessions"], r["pool4"]))
EOF
	done
	ok subscriber 2001:db8:6::2 && has '^subscriber 2001:db8:6::2/128 \(workers \[0\]\)$' &&
		has '^sessions +1 +5 +1 +7$' && has '^BIB +1 +5 +1 +7$' && has '^192\.0\.2\.1 +UDP +5$' || return 1
	cat "$OUT"
	# pages of one subscriber's sessions and BIB entries
	ok subscriber sessions 2001:db8:6::/64 udp limit 2 offset 1 && has 'sessions 2-3 of 6 \(more' &&
		has '^UDP +2001:db8:6::' && hasnt '^TCP' || return 1
	ok subscriber sessions 2001:db8:6::2 tcp && has '^TCP +2001:db8:6::2#4000 .* V6_INIT ' && has 'sessions 1-1 of 1$' || return 1
	ok subscriber bib 2001:db8:6::3 && has '^UDP +2001:db8:6::3#53 +192\.0\.2\.1#2053 +static +0$' &&
		has '^BIB entries 1-1 of 1$' || return 1
	ok --json subscriber bib 2001:db8:6::/64 offset 7 && has '"count": ?1' && has '"total": ?8' && has '"more": ?false' || return 1
	ok subscriber sessions 2001:db8:7::/64 && has '^no sessions \(of 0\)' || return 1
	# the top subscribers: per host, per /56 (the default without CGN), paged
	ok subscriber top /128 && has '^2001:db8:6::2/128 +7 +1 +5 +1 +7 +1 +5 +1$' && has '^2001:db8:6::3/128 +1 +0 +1 +0 +1 ' &&
		has 'subscribers \(/128\) 1-2 of 2$' || return 1
	cat "$OUT"
	ok --json subscriber top && has '"prefix-length": ?56' && has '"prefix": ?"2001:db8:6::/56"' || return 1
	ok subscriber top /128 limit 1 offset 1 && has '^2001:db8:6::3/128 ' && has 'subscribers \(/128\) 2-2 of 2$' || return 1
	ok subscriber top /128 2001:db8:6::2/127 icmp && has '^2001:db8:6::2/128 +1 +0 +0 +1 +1 +0 +0 +1$' &&
		has 'subscribers \(/128\) 1-1 of 1$' || return 1
	ok subscriber top /128 2001:db8:7::/64 && has '^# PREFIX' && has 'no subscribers \(/128\) \(of 0\)' || return 1
	# bad requests: a clear message each
	err 1 "prefix: '1\.2\.3\.4' is not an IPv6 prefix" raw '{"command": "subscriber", "prefix": "1.2.3.4"}' || return 1
	err 1 "prefix: '2001:db8:6::1/64' has bits set after the prefix length \(did you mean 2001:db8:6::/64\?\)" \
		subscriber 2001:db8:6::1/64 || return 1
	err 1 'prefix: expected a string, got an integer' raw '{"command": "subscriber", "prefix": 5}' || return 1
	err 1 'subscriber show needs "prefix"' raw '{"command": "subscriber"}' || return 1
	err 1 'subscriber sessions needs "prefix"' raw '{"command": "subscriber", "op": "sessions"}' || return 1
	err 1 '"limit" must be an integer from 0 to 10000' raw '{"command": "subscriber", "op": "sessions", "prefix": "2001:db8::/32", "limit": 100001}' || return 1
	err 1 '"limit" must be an integer from 0 to 1000' raw '{"command": "subscriber", "op": "top", "limit": 5000}' || return 1
	err 1 '"offset" must be an integer' raw '{"command": "subscriber", "op": "bib", "prefix": "2001:db8::/32", "offset": -1}' || return 1
	err 1 '"prefix-length" must be an integer from 0 to 128' raw '{"command": "subscriber", "op": "top", "prefix-length": 200}' || return 1
	err 1 '"prefix-length" must be an integer from 0 to 128' raw '{"command": "subscriber", "op": "top", "prefix-length": "64"}' || return 1
	err 1 '"prefix-length" 48 is shorter than the prefix.s own \(/64\)' raw '{"command": "subscriber", "op": "top", "prefix-length": 48, "prefix": "2001:db8::/64"}' || return 1
	err 1 'subscriber has no operation "drop"' raw '{"command": "subscriber", "op": "drop"}' || return 1
	err 1 'subscriber show takes no argument "limit"' raw '{"command": "subscriber", "prefix": "2001:db8::/32", "limit": 1}' || return 1
	err 1 "protocol: 'sctp' is not one of" raw '{"command": "subscriber", "op": "top", "protocol": "sctp"}' || return 1
	err 2 'subscriber \[show\] takes PREFIX' subscriber || return 1
	err 2 "subscriber: 'bogus' is not an IPv6 prefix, a protocol" subscriber sessions 2001:db8::/32 bogus || return 1
	err 2 "subscriber top: '/x' is not /LENGTH" subscriber top /x || return 1
	err 2 'subscriber top: offset and limit take a number, not .many.' subscriber top limit many
}

test_nat64_bib() {
	ok bib && has '^UDP +2001:db8:6::3#53 +192\.0\.2\.1#2053 +static' &&
		has '^TCP +2001:db8:6::2#4000 +192\.0\.2\.1#[0-9]+ +dynamic' && has '^8 entries, 1 static' || return 1
	cat "$OUT"
	ok bib static && has '^1 entries, 1 static' || return 1
	ok bib add udp 2001:db8:6::4#54 192.0.2.1#2054 && has 'added UDP 2001:db8:6::4#54 <-> 192.0.2.1#2054' || return 1
	ok bib udp static && has '^UDP +2001:db8:6::4#54 +192\.0\.2\.1#2054 +static' || return 1
	err 1 'bib add.ipv4 address: the IPv4 address is not in pool4 for this protocol' bib add udp 2001:db8:6::5#5 198.51.100.7#5 || return 1
	err 1 'bib add: clashes with bib\[0\]' bib add udp 2001:db8:6::3#53 192.0.2.1#2999 || return 1
	err 1 "bib add.ipv6 address: '2001:db8:6::5' is not ADDRESS#PORT" bib add udp 2001:db8:6::5 192.0.2.1#7 || return 1
	err 1 'bib add needs \\?"protocol' raw '{"command": "bib", "op": "add", "ipv6 address": "2001:db8::1#1"}' || return 1
	ok bib remove udp 192.0.2.1#2054 && has 'removed UDP 2001:db8:6::4#54 <-> 192.0.2.1#2054' || return 1
	err 1 'no static UDP BIB entry matches' bib remove udp 192.0.2.1#2054
}

test_nat64_pool4() {
	ok pool4 && has '^UDP +192\.0\.2\.1/32 +2000-3000 +0 +auto' && has '^3 entries \(at most 64\)' || return 1
	cat "$OUT"
	ok pool4 add tcp 192.0.2.9/32 7000-7100 && has 'added TCP 192.0.2.9/32 ports 7000-7100' || return 1
	err 1 'pool4 already has this entry' pool4 add tcp 192.0.2.9/32 7000-7100 || return 1
	err 1 "pool4 add.*is not a port range" pool4 add tcp 192.0.2.9/32 7000-1 || return 1
	err 1 'a pool4 prefix must be /16 or longer' pool4 add udp 10.0.0.0/8 || return 1
	err 1 'is not one of .*TCP' pool4 add sctp 192.0.2.9/32 || return 1
	ok pool4 remove 192.0.2.9/32 && has 'removed 1 pool4 entries and 0 static BIB entries' || return 1
	err 1 'no pool4 entry matches' pool4 remove 192.0.2.9/32 || return 1
	# removing the UDP range takes the UDP sessions, their BIB entries and the static entry on it
	ok pool4 remove 192.0.2.1/32 udp && has 'removed 1 pool4 entries and 1 static BIB entries' || return 1
	ok --json session udp && has '"total": ?0' || return 1
	ok session && has 'sessions 1-2 of 2' || return 1
	nat64_status_check 1001 2 || return 1 # (issue 19) UDP's sessions, BIB entries and pool4 line went
	ok bib && has '^2 entries, 0 static' || return 1
	grep 'NAT64 sessions removed' "$WORK/xlat64d.log" | sed 's/^/  - /'
	# config reload brings pool4 and bib back (live sections now)
	ok config reload && has 'changed pool4, bib' || return 1
	ok bib static && has '^UDP +2001:db8:6::3#53 +192\.0\.2\.1#2053 +static' || return 1
	ok pool4 flush && has 'removed 3 pool4 entries and 1 static BIB entries' || return 1
	ok --json session && has '"total": ?0' || return 1
	ok config reload && has 'changed pool4, bib'
}

test_nat64_stop() {
	alive
	daemon_stop
	grep -q 'xlat64d: stopped' "$WORK/xlat64d.log" || { tail "$WORK/xlat64d.log"; return 1; }
}

test_alive_at_end() {
	alive
	daemon_stop
	grep -q 'xlat64d: stopped' "$WORK/xlat64d.log" || { tail "$WORK/xlat64d.log"; return 1; }
}

# ------------------------------------------------------------------- lab

test_lab_live_eamt() {
	if [[ -n ${CTL_NOLAB:-} ]]; then
		echo "CTL_NOLAB set: not run"
		return 1
	fi
	XLAT64D=$XLAT64D XLAT64CTL=$XLAT64CTL WORK=$WORK timeout 300 flock /tmp/xlat64-lab.lock "$HERE/lab.sh"
}

# issue 19 on the NAT64 lab: nat64 status and the subscriber views against real flows, top in tmux
test_lab_ops() {
	if [[ -n ${CTL_NOLAB:-} ]]; then
		echo "CTL_NOLAB set: not run"
		return 1
	fi
	XLAT64D=$XLAT64D XLAT64CTL=$XLAT64CTL WORK=$WORK timeout 300 flock /tmp/xlat64-lab.lock "$HERE/lab_ops.sh"
}

# ---------------------------------------------------------------- main

$PY -c 'from scapy.all import wrpcap; wrpcap("'"$WORK"'/empty.pcap", [])' 2>/dev/null ||
	printf '\xd4\xc3\xb2\xa1\x02\x00\x04\x00\x00\x00\x00\x00\x00\x00\x00\x00\xff\xff\x00\x00\x01\x00\x00\x00' >"$WORK/empty.pcap"
write_config "$CFG"
if ! daemon_start; then
	echo "FAIL daemon_start"
	echo "0 passed, 1 failed"
	exit 1
fi
t version test_version
t help test_help
t stats test_stats
t global test_global
t pool6 test_pool6
t eamt test_eamt
t denylist4 test_denylist4
t ports test_ports
t neighbors test_neighbors
t routes test_routes
t config_roundtrip test_config_roundtrip
t config_restart_sections test_config_restart_sections
t sighup test_sighup
t raw_requests test_raw_requests
t cli_errors test_cli_errors
t cli_timeout test_cli_timeout
t cli_too_many_clients test_cli_too_many_clients
t telemetry test_telemetry
if [[ "raw_abuse" =~ $ONLY ]]; then
	# the raw client's checks, one line each, counted like the others
	# (XLAT64D_PID: connect_burst stops the daemon while 100 clients connect)
	XLAT64D_PID=$DPID timeout 300 $PY "$HERE/client.py" "$SOCK" abuse >"$WORK/abuse.out" 2>&1
	while IFS= read -r line; do
		case $line in
		"PASS "*) NPASS=$((NPASS + 1)) ;;
		"FAIL "*) NFAIL=$((NFAIL + 1)) FAILED+=("${line#FAIL }") ;;
		*) line="  $line" ;;
		esac
		echo "$line"
	done <"$WORK/abuse.out"
	grep -q '^PASS raw_' "$WORK/abuse.out" || { NFAIL=$((NFAIL + 1)) FAILED+=(raw_abuse); echo "FAIL raw_abuse"; }
fi
t nat64_siit_refused test_nat64_siit_refused
t alive_at_end test_alive_at_end
if [[ "nat64_session nat64_status nat64_subscriber nat64_bib nat64_pool4 nat64_status_reconfigured nat64_stop" =~ $ONLY ]]; then
	if nat64_start >"$WORK/t.log" 2>&1; then
		t nat64_session test_nat64_session
		t nat64_status test_nat64_status
		t nat64_subscriber test_nat64_subscriber
		t nat64_bib test_nat64_bib
		t nat64_pool4 test_nat64_pool4
		t nat64_status_reconfigured test_nat64_status_reconfigured
		t nat64_stop test_nat64_stop
	else
		NFAIL=$((NFAIL + 1)) FAILED+=(nat64_start)
		echo "FAIL nat64_start"
		sed 's/^/     | /' "$WORK/t.log" | tail -n 40
		daemon_stop
	fi
fi
t lab_live_eamt test_lab_live_eamt
t lab_ops test_lab_ops

echo
((NFAIL == 0)) || echo "failed: ${FAILED[*]}"
echo "$NPASS passed, $NFAIL failed"
((NFAIL == 0))
