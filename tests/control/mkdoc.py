#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Fill doc/control-api.md's examples from a real run.

usage: tests/control/mkdoc.py [--build DIR] [DOC]       (as root; DOC defaults to doc/control-api.md)

Starts xlat64d on net_pcap ports (the configuration tests/control/run.sh uses), then walks
the document in order:
  <!-- req -->     the ```json block after it is a request; the ```json block after
                   the next <!-- reply --> is replaced by the daemon's reply
  <!-- cli -->     the ```console block after it starts with "$ COMMAND" (xlat64ctl is the
                   build's): the rest of the block is replaced by that command's output (and
                   its exit status when it is not 0)
  <!-- do: SHELL -->  a shell command run at that point (set-up the reader does not need to see)
Requests run in document order against one daemon, so later examples see earlier changes.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))
import ctl  # noqa: E402  (the control socket's client)


def request(sock, req):
    return ctl.call(sock, req, 10)


def main():
    args = sys.argv[1:]
    build = os.path.join(ROOT, "build")
    if args[:1] == ["--build"]:
        build, args = args[1], args[2:]
    doc = args[0] if args else os.path.join(ROOT, "doc", "control-api.md")
    work = tempfile.mkdtemp(prefix="xlat64-doc.")
    sock = os.path.join(work, "ctl.sock")
    cfgf = os.path.join(work, "xlat64.json")
    subprocess.run(["/usr/bin/python3", "-c", "from scapy.all import wrpcap; wrpcap('%s/empty.pcap', [])" % work],
                   check=True, stderr=subprocess.DEVNULL)
    # the same configuration as tests/control/run.sh, with readable paths in the examples
    cfg = {
        "mode": "siit",
        "eal": ["-l", "0", "--no-huge", "-m", "512", "--no-shconf", "--no-pci", "--log-level", "lib.eal:error",
                "--file-prefix", "xlat64doc"],
        "ports": [
            {"name": "v6", "device": "net_pcap0,rx_pcap=%s/empty.pcap,tx_pcap=%s/out6.pcap" % (work, work),
             "mtu": 1500, "mac": "02:00:00:00:00:06", "addresses": ["2001:db8:6::1/64"],
             "neighbors": [{"address": "2001:db8:6::2", "mac": "02:00:00:00:01:06"}]},
            {"name": "v4", "device": "net_pcap1,rx_pcap=%s/empty.pcap,tx_pcap=%s/out4.pcap" % (work, work),
             "addresses": ["198.51.100.1/24"], "neighbors": [{"address": "198.51.100.2", "mac": "02:00:00:00:01:04"}]},
        ],
        "routes": [{"prefix": "203.0.113.0/24", "via": "198.51.100.2", "port": "v4"}],
        "control": {"socket": sock},
        "global": {"pool6": "64:ff9b::/96", "rfc6791v4-prefix": "198.51.100.1"},
        "eamt": [{"ipv6 prefix": "2001:db8:6::2/128", "ipv4 prefix": "192.0.2.2/32"}],
        "denylist4": ["192.168.0.0/16"],
    }
    json.dump(cfg, open(cfgf, "w"), indent=2)
    log = open(os.path.join(work, "xlat64d.log"), "w")
    d = subprocess.Popen([os.path.join(build, "dataplane", "xlat64d"), "--config", cfgf], stdout=log, stderr=log)
    try:
        for _ in range(300):
            if os.path.exists(sock):
                try:
                    request(sock, '{"command":"version"}')
                    break
                except OSError:
                    pass
            time.sleep(0.1)
        else:
            raise SystemExit("mkdoc: xlat64d did not start; see %s" % work)
        time.sleep(1.2)  # port rates need two samples
        text = open(doc).read()
        out = []
        pos = 0
        pending = None
        env = dict(os.environ, XLAT64_SOCKET=sock, WORK=work,
                   XLAT64CTL=os.path.join(build, "control", "xlat64ctl"),
                   PATH=os.path.join(build, "control") + ":" + os.environ.get("PATH", "/usr/bin:/bin"))
        pat = re.compile(r"<!-- (req|reply|cli|do: (.*?)) -->\n")
        while True:
            m = pat.search(text, pos)
            if not m:
                out.append(text[pos:])
                break
            out.append(text[pos:m.end()])
            pos = m.end()
            kind = m.group(1)
            if kind.startswith("do:"):
                subprocess.run(m.group(2), shell=True, check=True, env=env, cwd=work)
                continue
            fence = "```json\n" if kind in ("req", "reply") else "```console\n"
            if not text.startswith(fence, pos):
                raise SystemExit("mkdoc: %s marker without a %s block at %d" % (kind, fence.strip(), pos))
            end = text.index("```\n", pos + len(fence)) + 4
            block = text[pos + len(fence):end - 4]
            if kind == "req":
                req = json.loads(block)
                pending = request(sock, json.dumps(req).replace("/tmp/xlat64", work))
                out.append(fence + json.dumps(req) + "\n```\n")
            elif kind == "reply":
                if pending is None:
                    raise SystemExit("mkdoc: reply without a request at %d" % pos)
                out.append(fence + json.dumps(pending, indent=2) + "\n```\n")
                pending = None
            else:
                first = block.split("\n", 1)[0]
                if not first.startswith("$ "):
                    raise SystemExit("mkdoc: a cli block must start with '$ COMMAND': %r" % first)
                r = subprocess.run(["bash", "-c", first[2:].replace("/tmp/xlat64", work)], stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, env=env, cwd=work, text=True)
                res = r.stdout.replace(work, "/tmp/xlat64")
                if r.returncode:
                    res += "$ echo $?\n%d\n" % r.returncode
                out.append(fence + first + "\n" + res + ("" if res.endswith("\n") else "\n") + "```\n")
            pos = end
        result = "".join(out).replace(work, "/tmp/xlat64")
        open(doc, "w").write(result)
    finally:
        d.terminate()
        d.wait(20)
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree("/var/run/dpdk/xlat64doc", ignore_errors=True)  # the EAL's runtime directory


if __name__ == "__main__":
    main()
