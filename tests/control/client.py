#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Raw control-socket client for tests/control/run.sh.

client.py SOCKET request JSON        send one request line, print the reply line (exit 0 if "ok")
client.py SOCKET abuse [NAME...]     the robustness checks below; prints "PASS name" / "FAIL name: why"

Every check ends by making sure the daemon still answers a plain request. With XLAT64D_PID (the
daemon's pid; run.sh sets it), connect_burst also stops the daemon (SIGSTOP) while its clients connect.
"""
import json
import os
import signal
import socket
import sys
import threading
import time

SOCK = None
TIMEOUT = 10


def connect(timeout=TIMEOUT):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    # a blocking connect waits while the listen backlog is full (a non-blocking one says EAGAIN), as xlat64ctl's does
    s.connect(SOCK)
    s.settimeout(timeout)
    return s


def read_lines(s, n, timeout=TIMEOUT):
    """Read n reply lines (parsed); fewer if the server closes."""
    buf = b""
    out = []
    deadline = time.monotonic() + timeout
    while len(out) < n:
        while b"\n" in buf and len(out) < n:
            line, buf = buf.split(b"\n", 1)
            out.append(json.loads(line))
        if len(out) >= n:
            break
        s.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            chunk = s.recv(1 << 20)
        except (socket.timeout, ConnectionResetError):
            break
        if not chunk:
            break
        buf += chunk
    return out


def request(req, raw=False):
    s = connect()
    try:
        try:
            s.sendall((req if raw else json.dumps(req)).encode() + b"\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server may have said too_many_clients and closed: read that
        r = read_lines(s, 1)
        return r[0] if r else None
    finally:
        s.close()


def well_formed(r):
    """Every reply is {"ok": true, ...} or {"ok": false, "error": {"code": str, "message": non-empty str}}."""
    if not isinstance(r, dict) or not isinstance(r.get("ok"), bool):
        return False
    if r["ok"]:
        return "error" not in r
    e = r.get("error")
    return (isinstance(e, dict) and isinstance(e.get("code"), str) and e["code"]
            and isinstance(e.get("message"), str) and len(e["message"]) > 5)


class Fail(Exception):
    pass


def expect(cond, why):
    if not cond:
        raise Fail(why)


def expect_error(r, code, text=None):
    expect(r is not None, "no reply")
    expect(well_formed(r), "malformed reply %r" % (r,))
    expect(r["ok"] is False, "expected an error, got %r" % (r,))
    expect(r["error"]["code"] == code, "code %r, expected %r (%s)" % (r["error"]["code"], code, r["error"]["message"]))
    if text:
        expect(text.lower() in r["error"]["message"].lower(),
               "message %r does not mention %r" % (r["error"]["message"], text))


def alive():
    r = request({"command": "version"})
    expect(r and r.get("ok") and r.get("version"), "the daemon no longer answers: %r" % (r,))


# ------------------------------------------------------------------ checks

def c_invalid_json():
    # malformed text is invalid_json; valid JSON that is not an object is invalid_request, whatever its type
    lines = [
        (b'{"command": "version"', "invalid_json", "invalid JSON at column"),
        (b'{not json at all}', "invalid_json", "invalid JSON at column"),
        (b'stats', "invalid_json", "invalid JSON at column"),
        (b'42 43', "invalid_json", "invalid JSON at column"),
        (b'["stats"]', "invalid_request", "must be a JSON object ({\"command\": NAME, ...}), not an array"),
        (b'42', "invalid_request", "must be a JSON object ({\"command\": NAME, ...}), not a number"),
        (b'"stats"', "invalid_request", "must be a JSON object ({\"command\": NAME, ...}), not a string"),
        (b'null', "invalid_request", "must be a JSON object ({\"command\": NAME, ...}), not null"),
        (b'true', "invalid_request", "must be a JSON object ({\"command\": NAME, ...}), not true"),
    ]
    s = connect()
    s.sendall(b"".join(x[0] + b"\n" for x in lines) + b'{"command": "version"}\n')
    r = read_lines(s, len(lines) + 1)
    s.close()
    expect(len(r) == len(lines) + 1, "expected %d replies on one connection, got %d" % (len(lines) + 1, len(r)))
    for (line, code, text), x in zip(lines, r):
        try:
            expect_error(x, code, text)
        except Fail as e:
            raise Fail("%s -> %s" % (line.decode(), e))
    expect(r[-1].get("ok") is True, "the connection stopped serving after bad JSON")


def c_bad_requests():
    cases = [
        ({}, "missing_command", "command"),
        ({"command": 5}, "invalid_request", "string"),
        ({"command": None}, "invalid_request", "string"),
        ({"command": "no-such-command"}, "unknown_command", "help"),
        ({"command": "EAMT"}, "unknown_command", None),
        ({"command": "stats", "all": "yes"}, "command_failed", "true or false"),
        ({"command": "stats", "per-core": 1}, "command_failed", "true or false"),
        ({"command": "stats", "bogus": 1}, "command_failed", "bogus"),
        ({"command": "stats", "op": "get"}, "command_failed", "op"),
        ({"command": "version", "verbose": True}, "command_failed", "verbose"),
        ({"command": "global", "op": 5}, "command_failed", "string"),
        ({"command": "global", "op": "delete"}, "command_failed", "get"),
        ({"command": "global", "op": "get", "name": 5}, "command_failed", "string"),
        ({"command": "global", "op": "get", "name": "no-such-option"}, "command_failed", "no global option"),
        ({"command": "global", "op": "get", "value": 1}, "command_failed", "value"),
        ({"command": "global", "op": "set"}, "command_failed", "name"),
        ({"command": "global", "op": "set", "name": "tos"}, "command_failed", "value"),
        ({"command": "global", "op": "set", "values": []}, "command_failed", "object"),
        ({"command": "global", "op": "set", "values": {}}, "command_failed", "empty"),
        ({"command": "global", "op": "set", "values": {"tos": 1}, "name": "tos"}, "command_failed", "not both"),
        ({"command": "global", "op": "set", "name": "tos", "value": "5"}, "command_failed", "integer"),
        ({"command": "global", "op": "set", "name": "tos", "value": -1}, "command_failed", "range"),
        ({"command": "global", "op": "set", "name": "manually-enabled", "value": 1}, "command_failed", "true or false"),
        ({"command": "global", "op": "set", "name": "mtu-plateaus", "value": []}, "command_failed", "empty"),
        ({"command": "global", "op": "set", "name": "mtu-plateaus", "value": [1500, "x"]}, "command_failed",
         "mtu-plateaus[1]"),
        ({"command": "global", "op": "set", "name": "eam-hairpin-mode", "value": "sometimes"}, "command_failed",
         "intrinsic"),
        ({"command": "global", "op": "set", "name": "pool6", "value": "64:ff9b::1/96"}, "command_failed",
         "did you mean 64:ff9b::/96"),
        ({"command": "pool6", "op": "set"}, "command_failed", "prefix"),
        ({"command": "pool6", "op": "set", "prefix": 64}, "command_failed", "ipv6 prefix"),
        ({"command": "pool6", "op": "set", "prefix": "64:ff9b::/128"}, "command_failed", "rfc 6052"),
        ({"command": "pool6", "op": "flush"}, "command_failed", "op"),
        ({"command": "eamt", "op": "add"}, "command_failed", "ipv6 prefix"),
        ({"command": "eamt", "op": "add", "ipv6 prefix": "2001:db8::/120"}, "command_failed", "ipv4 prefix"),
        ({"command": "eamt", "op": "add", "ipv6 prefix": 1, "ipv4 prefix": "192.0.2.0/24"}, "command_failed",
         "string"),
        ({"command": "eamt", "op": "add", "ipv6 prefix": "2001:db8::/120", "ipv4 prefix": "192.0.2.0/33"},
         "command_failed", "not an ipv4 prefix"),
        ({"command": "eamt", "op": "add", "ipv6 prefix": "192.0.2.0/24", "ipv4 prefix": "192.0.2.0/24"},
         "command_failed", "not an ipv6 prefix"),
        ({"command": "eamt", "op": "add", "ipv6 prefix": "2001:db8::/120", "ipv4 prefix": "192.0.2.0/24",
          "ipv6": "x"}, "command_failed", "\"ipv6\""),
        ({"command": "eamt", "op": "remove"}, "command_failed", "ipv6 prefix"),
        ({"command": "eamt", "op": "list", "all": True}, "command_failed", "all"),
        ({"command": "denylist4", "op": "add"}, "command_failed", "prefix"),
        ({"command": "denylist4", "op": "add", "prefix": "2001:db8::/32"}, "command_failed", "ipv4 prefix"),
        ({"command": "denylist4", "op": "add", "prefix": ["10.0.0.0/8"]}, "command_failed", "string"),
        ({"command": "denylist4", "op": "add", "prefix": "10.0.0.1/8"}, "command_failed", "did you mean 10.0.0.0/8"),
        ({"command": "ports", "name": 7}, "command_failed", "string"),
        ({"command": "ports", "xstats": "yes"}, "command_failed", "true or false"),
        ({"command": "neighbors", "port": "nope"}, "command_failed", "no port"),
        ({"command": "routes", "lookup": "not-an-address"}, "command_failed", "not an ipv4 or ipv6"),
        ({"command": "config", "op": "reload", "config": "x"}, "command_failed", "object"),
        ({"command": "config", "op": "reload", "config": {}, "path": "/x"}, "command_failed", "not both"),
        ({"command": "config", "op": "reload", "path": ""}, "command_failed", "empty"),
        ({"command": "config", "op": "reload", "path": "/dev/null"}, "command_failed", "regular file"),
        ({"command": "config", "op": "reload", "path": "/nonexistent/x.json"}, "command_failed", "cannot open"),
        ({"command": "config", "op": "reload", "config": {"global": {"tos": 1000}}}, "command_failed",
         "global.tos"),
        ({"command": "config", "op": "reload", "config": {"bogus": 1}}, "command_failed", "unknown key"),
        ({"command": "config", "op": "reload", "dry-run": "no"}, "command_failed", "true or false"),
        ({"command": "config", "op": "save"}, "command_failed", "dump"),
        ({"command": "global", "op": "set", "name": "tos\u0000x", "value": 1}, "invalid_json", "\\u0000"),
        ({"command": "global", "op": "set", "values": {"tos": 1, "tos ": 2}}, "command_failed", "unknown key 'tos '"),
    ]
    s = connect()
    s.sendall(b"".join(json.dumps(c[0]).encode() + b"\n" for c in cases))
    replies = read_lines(s, len(cases))
    s.close()
    expect(len(replies) == len(cases), "%d replies to %d requests" % (len(replies), len(cases)))
    for (req, code, text), r in zip(cases, replies):
        try:
            expect_error(r, code, text)
        except Fail as e:
            raise Fail("%s -> %s" % (json.dumps(req), e))


def c_id_echo():
    for ident in (42, "abc", [1, {"x": None}], None):
        r = request({"command": "version", "id": ident})
        expect(r.get("ok") and "id" in r and r["id"] == ident, "id %r not echoed: %r" % (ident, r))
    r = request({"command": "nope", "id": 7})
    expect(r.get("id") == 7 and r.get("ok") is False, "id not echoed on an error: %r" % (r,))


def c_pipelined():
    s = connect()
    n = 200
    s.sendall(b"".join(json.dumps({"command": "version", "id": i}).encode() + b"\n" for i in range(n)))
    r = read_lines(s, n)
    s.close()
    expect(len(r) == n, "%d of %d pipelined replies" % (len(r), n))
    expect([x.get("id") for x in r] == list(range(n)), "replies out of order")


def c_blank_and_crlf():
    s = connect()
    s.sendall(b'\n\r\n   \n{"command": "version", "id": 1}\r\n\n{"command":"version","id":2}\n')
    r = read_lines(s, 2)
    s.close()
    expect([x.get("id") for x in r] == [1, 2], "blank lines / CRLF not handled: %r" % (r,))


def c_no_newline_then_eof():
    s = connect()
    s.sendall(b'{"command": "version", "id": "last"}')
    s.shutdown(socket.SHUT_WR)
    r = read_lines(s, 1)
    s.close()
    expect(r and r[0].get("id") == "last", "a last request without newline was not answered: %r" % (r,))


def c_huge_request():
    s = connect()
    big = b'{"command": "version", "pad": "' + b"x" * (70 * 1024) + b'"}\n'
    try:
        s.sendall(big)
    except (BrokenPipeError, ConnectionResetError):
        pass
    r = read_lines(s, 1)
    # the server closes the connection after saying why
    rest = b""
    try:
        s.settimeout(5)
        rest = s.recv(100)
    except ConnectionResetError:
        rest = b""  # closed with our unread bytes in its buffer
    except socket.timeout:
        rest = b"?"
    s.close()
    expect_error(r[0] if r else None, "request_too_large", "at most")
    expect(rest == b"", "the connection stayed open after request_too_large")
    # a huge line that never ends: refused as soon as it passes the limit
    s = connect()
    try:
        for _ in range(20):
            s.sendall(b"[" * 8192)
    except (BrokenPipeError, ConnectionResetError):
        pass
    r = read_lines(s, 1)
    s.close()
    expect_error(r[0] if r else None, "request_too_large")
    # just under the limit is served (an inline configuration, as big as a real one)
    cfg = request({"command": "config", "op": "dump"})["config"]
    cfg["comment"] = "y" * (60 * 1024 - len(json.dumps(cfg)))
    r = request({"command": "config", "op": "reload", "dry-run": True, "config": cfg})
    expect(r and r.get("ok"), "a 60 KB request was not served: %r" % (r,))


def c_half_sent():
    a = connect()
    a.sendall(b'{"command": "vers')
    time.sleep(0.5)
    # others are served while a's request is incomplete
    t0 = time.monotonic()
    alive()
    expect(time.monotonic() - t0 < 2, "a half-sent request stalled another client")
    a.sendall(b'ion", "id": "done"}\n')
    r = read_lines(a, 1)
    a.close()
    expect(r and r[0].get("id") == "done", "the completed request was not answered: %r" % (r,))
    # half a request, then gone
    b = connect()
    b.sendall(b'{"command": "config", "op": "du')
    b.close()
    c = connect()
    c.sendall(b'{"command": "stats"')
    c.shutdown(socket.SHUT_WR)
    r = read_lines(c, 1)
    c.close()
    expect_error(r[0] if r else None, "invalid_json")


def c_disconnect_mid_reply():
    # many large replies queued, then the client vanishes without reading
    for _ in range(5):
        s = connect()
        s.sendall(b'{"command": "config", "op": "dump"}\n' * 500 + b'{"command": "stats", "all": true}\n' * 500)
        time.sleep(0.05)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")  # RST on close
        s.close()
    # read a little of a big reply, then go
    s = connect()
    s.sendall(b'{"command": "ports", "xstats": true}\n' * 200)
    s.recv(100)
    s.close()


def c_slow_reader():
    # a client that never reads must not stall the others
    lazy = connect()
    lazy.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    try:
        lazy.settimeout(2)
        for _ in range(2000):
            lazy.sendall(b'{"command": "stats", "all": true, "per-core": true}\n')
    except (socket.timeout, BlockingIOError, BrokenPipeError, ConnectionResetError):
        pass
    t0 = time.monotonic()
    for _ in range(20):
        alive()
    expect(time.monotonic() - t0 < 5, "other clients were slow while one did not read")
    lazy.close()


def c_many_clients():
    n = 100
    socks = []
    for _ in range(n):
        socks.append(connect())
    for i, s in enumerate(socks):
        try:
            s.sendall(json.dumps({"command": "version", "id": i}).encode() + b"\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # told too_many_clients and closed already: the message is waiting to be read
    ok = busy = other = 0
    for s in socks:
        r = read_lines(s, 1)
        if r and r[0].get("ok"):
            ok += 1
        elif r and well_formed(r[0]) and r[0]["error"]["code"] == "too_many_clients":
            busy += 1
        else:
            other += 1
        s.close()
    expect(other == 0, "%d of %d clients got no clear answer" % (other, n))
    expect(ok >= 64, "only %d of %d clients were served" % (ok, n))
    # 100 clients at once, each with its own thread, doing real work
    errors = []

    def worker(i):
        try:
            for _ in range(5):
                r = request({"command": "stats", "per-core": True})
                if not (r and (r.get("ok") or r["error"]["code"] == "too_many_clients")):
                    errors.append(r)
        except Exception as e:  # noqa: BLE001
            errors.append(repr(e))

    th = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in th:
        t.start()
    for t in th:
        t.join(60)
    expect(not errors, "%d failures, first: %r" % (len(errors), errors[:1]))
    print("  - %d served, %d told too_many_clients (the server's limit is 64 at once)" % (ok, busy))


def c_connect_burst():
    # 100 clients connect at once, non-blocking and without retrying (the issue 21 client got 67 EAGAIN
    # with a backlog of 32): the listen backlog holds them all, so the kernel refuses none; the server
    # serves 64 and tells the other 36 too_many_clients. Once with the daemon running, and once (with
    # $XLAT64D_PID, as run.sh gives it) stopped while they connect, so that it accepts none meanwhile.
    pid = int(os.environ.get("XLAT64D_PID", "0"))
    for stop in ([False, True] if pid else [False]):
        n = 100
        time.sleep(0.2)  # the earlier clients are gone from the server
        socks = [socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) for _ in range(n)]
        try:
            if stop:
                os.kill(pid, signal.SIGSTOP)
            try:
                for i, s in enumerate(socks):
                    s.setblocking(False)
                    try:
                        s.connect(SOCK)
                    except OSError as e:
                        raise Fail("connect %d of %d%s: %s" % (i + 1, n, " (daemon stopped)" if stop else "", e))
            finally:
                if stop:
                    os.kill(pid, signal.SIGCONT)
            for i, s in enumerate(socks):
                s.setblocking(True)
                try:
                    s.sendall(json.dumps({"command": "version", "id": i}).encode() + b"\n")
                except (BrokenPipeError, ConnectionResetError):
                    pass  # told too_many_clients and closed already: the message is waiting to be read
            ok = busy = 0
            for i, s in enumerate(socks):
                r = read_lines(s, 1)
                if r and r[0].get("ok") and r[0].get("id") == i:
                    ok += 1
                elif r and well_formed(r[0]) and r[0]["error"]["code"] == "too_many_clients":
                    busy += 1
                else:
                    raise Fail("client %d: %r" % (i + 1, r))
        finally:
            for s in socks:
                s.close()
        expect((ok, busy) == (64, 36), "%d served and %d told too_many_clients, expected 64 and 36" % (ok, busy))
        print("  - %d connected at once (the daemon %s): %d served, %d told too_many_clients, no connect refused"
              % (n, "stopped while they connected" if stop else "running", ok, busy))
    if not pid:
        print("  - XLAT64D_PID not set: not checked with the daemon stopped")


def c_concurrent_changes():
    # 8 clients add and remove their own EAMT entries at the same time; the table ends as it began
    before = request({"command": "eamt"})["eamt"]
    errors = []

    def worker(k):
        try:
            for i in range(25):
                e = {"ipv6 prefix": "2001:db8:77:%x::%x/128" % (k, i), "ipv4 prefix": "10.77.%d.%d/32" % (k, i)}
                r = request(dict(e, command="eamt", op="add"))
                if not r.get("ok"):
                    errors.append(r)
            for i in range(25):
                r = request({"command": "eamt", "op": "remove", "ipv4 prefix": "10.77.%d.%d" % (k, i)})
                if not r.get("ok"):
                    errors.append(r)
        except Exception as e:  # noqa: BLE001
            errors.append(repr(e))

    th = [threading.Thread(target=worker, args=(k,)) for k in range(8)]
    for t in th:
        t.start()
    for t in th:
        t.join(120)
    expect(not errors, "%d failures, first: %r" % (len(errors), errors[:1]))
    after = request({"command": "eamt"})["eamt"]
    expect(after == before, "the EAMT changed: %r -> %r" % (before, after))


def c_random_garbage():
    import random
    rnd = random.Random(1234)
    s = connect()
    lines = []
    for i in range(300):
        n = rnd.randint(0, 200)
        b = bytes(rnd.randint(0, 255) for _ in range(n)).replace(b"\n", b" ")
        lines.append(b)
    s.sendall(b"\n".join(lines) + b"\n")
    time.sleep(0.5)
    s.close()
    # and random but valid JSON objects
    keys = ["command", "op", "name", "value", "values", "prefix", "ipv6 prefix", "ipv4 prefix", "all", "per-core",
            "path", "config", "lookup", "port", "xstats", "dry-run", "id"]
    cmds = ["version", "global", "pool6", "eamt", "denylist4", "stats", "ports", "neighbors", "routes", "config", "help"]
    vals = [None, True, False, 0, -1, 2 ** 70, 1.5, "", "x", "list", "get", "dump", "2001:db8::/120",
            "192.0.2.0/24", [], {}, [1, 2], {"tos": 3}]
    s = connect()
    reqs = []
    for i in range(300):
        o = {"command": rnd.choice(cmds)}
        for _ in range(rnd.randint(0, 3)):
            k = rnd.choice(keys)
            if k == "command":
                continue
            o[k] = rnd.choice(vals)
        if o.get("op") in ("set", "add", "remove", "flush", "reload") or o["command"] == "config":
            o["op"] = rnd.choice(["get", "list", "dump", "bogus", 5])
        reqs.append(o)
    s.sendall(b"".join(json.dumps(o).encode() + b"\n" for o in reqs))
    r = read_lines(s, len(reqs), timeout=30)
    s.close()
    expect(len(r) == len(reqs), "%d replies to %d requests" % (len(r), len(reqs)))
    bad = [(q, x) for q, x in zip(reqs, r) if not well_formed(x)]
    expect(not bad, "malformed replies: %r" % (bad[:2],))


CHECKS = [
    ("invalid_json", c_invalid_json),
    ("bad_requests", c_bad_requests),
    ("id_echo", c_id_echo),
    ("pipelined", c_pipelined),
    ("blank_lines_crlf", c_blank_and_crlf),
    ("no_newline_then_eof", c_no_newline_then_eof),
    ("huge_request", c_huge_request),
    ("half_sent_request", c_half_sent),
    ("disconnect_mid_reply", c_disconnect_mid_reply),
    ("slow_reader", c_slow_reader),
    ("many_clients", c_many_clients),
    ("connect_burst", c_connect_burst),
    ("concurrent_changes", c_concurrent_changes),
    ("random_garbage", c_random_garbage),
]


def main():
    global SOCK
    if len(sys.argv) >= 4 and sys.argv[2] == "request":
        SOCK = sys.argv[1]
        r = request(sys.argv[3], raw=True)
        print(json.dumps(r))
        sys.exit(0 if r and r.get("ok") else 1)
    if len(sys.argv) >= 3 and sys.argv[2] == "abuse":
        SOCK = sys.argv[1]
        only = sys.argv[3:]
        fails = 0
        for name, fn in CHECKS:
            if only and name not in only:
                continue
            try:
                fn()
                alive()
                print("PASS raw_%s" % name)
            except Fail as e:
                fails += 1
                print("FAIL raw_%s: %s" % (name, e))
            except Exception as e:  # noqa: BLE001
                fails += 1
                print("FAIL raw_%s: %r" % (name, e))
            sys.stdout.flush()
        sys.exit(1 if fails else 0)
    print(__doc__, file=sys.stderr)
    sys.exit(2)


if __name__ == "__main__":
    main()
