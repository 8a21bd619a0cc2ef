#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""HTTP server for the e2e lab: GET serves files from a directory, PUT/POST answers with the
sha256 (hex) and length of the body it received.

usage: httpsink.py BIND_ADDR PORT DIR
"""
import hashlib
import http.server
import socket
import sys


class Handler(http.server.SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _sink(self):
        n = int(self.headers.get("Content-Length", "0"))
        h = hashlib.sha256()
        left = n
        while left > 0:
            chunk = self.rfile.read(min(left, 65536))
            if not chunk:
                break
            h.update(chunk)
            left -= len(chunk)
        body = f"{h.hexdigest()} {n - left}\n".encode()
        self.send_response(200 if left == 0 else 400)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_PUT = _sink
    do_POST = _sink

    def log_message(self, fmt, *args):
        sys.stderr.write("httpsink: " + (fmt % args) + "\n")


def main():
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    addr, port, root = sys.argv[1], int(sys.argv[2]), sys.argv[3]

    class Server(http.server.ThreadingHTTPServer):
        address_family = socket.AF_INET6 if ":" in addr else socket.AF_INET
        allow_reuse_address = True

    def handler(*a, **kw):
        return Handler(*a, directory=root, **kw)

    Server((addr, port), handler).serve_forever()


if __name__ == "__main__":
    main()
