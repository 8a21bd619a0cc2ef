# SPDX-License-Identifier: BSD-3-Clause
"""What the suites that run the daemon on net_pcap ports share (packet, hostile, conformance): the
daemon binary, a run of it on a configuration, pcap files of raw Ethernet frames (without scapy)."""
import json
import os
import struct
import subprocess
import sys
import tempfile
import time

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


def select(items, keys):
    """The cases (dicts with a "name") whose name contains one of keys (-k); all of them without keys."""
    return [c for c in items if not keys or any(k in c["name"] for k in keys)]


def find_daemon(who):
    """$XLAT64D or the build's xlat64d, absolute; None, said on stderr, when it is not there."""
    daemon = os.path.abspath(os.environ.get("XLAT64D") or os.path.join(REPO, "build", "dataplane", "xlat64d"))
    if not os.access(daemon, os.X_OK):
        print("%s: no xlat64d at %s (build it, or set XLAT64D)" % (who, daemon), file=sys.stderr)
        return None
    return daemon


def start(items, args, who, show, prefix):
    """A suite's start: the cases -k picks (args.k); with --list (args.list) each printed as show(case), and
    the suite exits 0; otherwise (cases, daemon, a fresh work directory), the suite exiting 2 without a daemon."""
    sel = select(items, args.k)
    if args.list:
        for c in sel:
            print(show(c))
        sys.exit(0)
    daemon = find_daemon(who)
    if not daemon:
        sys.exit(2)
    return sel, daemon, tempfile.mkdtemp(prefix=prefix)


def run_daemon(daemon, work, cfg, idle_ms, timeout, env=None):
    """The daemon on cfg (written to work/cfg.json) until its ports have been idle for idle_ms, killed
    after timeout s: (its CompletedProcess, its output as text (also work/daemon.log), the seconds it
    took, the path of its --stats-out file)."""
    with open(os.path.join(work, "cfg.json"), "w") as f:
        json.dump(cfg, f, indent=1)
    stats = os.path.join(work, "stats.json")
    cmd = ["timeout", str(timeout), daemon, "--config", os.path.join(work, "cfg.json"),
           "--idle-exit", str(idle_ms), "--stats-out", stats]
    t0 = time.time()
    pr = subprocess.run(cmd, cwd=work, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
    dt = time.time() - t0
    with open(os.path.join(work, "daemon.log"), "wb") as f:
        f.write(pr.stdout)
    return pr, pr.stdout.decode(errors="replace"), dt, stats


def write_pcap(path, frames):
    """frames (bytes) as a pcap file of Ethernet frames, 1 us apart."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i, fr in enumerate(frames):
            f.write(struct.pack("<IIII", 1, i, len(fr), len(fr)))
            f.write(fr)


def read_pcap(path):
    """Frames of a pcap file, or None when it is missing or unreadable."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return None
    if len(data) < 24:
        return []
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):  # usec or nsec timestamps
        e = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        e = ">"
    else:
        return None
    out, off = [], 24
    while off + 16 <= len(data):
        _, _, incl, _ = struct.unpack(e + "IIII", data[off:off + 16])
        off += 16
        out.append(data[off:off + incl])
        off += incl
    return out
