#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""monitor_peer: programs for tests/monitor.bats, run under privrun --monitor.

  server OUT SPEC...   on SIGHUP ask the monitor to bind each SPEC; serve
                       HTTP ("port N") on what it got; log to OUT
  signals OUT          log each forwarded signal by name; exit 9 on SIGTERM
  hostile OUT GO       once file GO exists, send the monitor every kind of
                       bad request and 10,000 rapid ones; log statuses to OUT
It speaks the wire format itself (privrun(1), MONITOR PROTOCOL), not through
examples/monitor_client.py, so that malformed messages can be sent.
"""
import http.server
import os
import random
import signal
import socket
import struct
import sys
import threading
import time

HEADER = struct.Struct("=4sHHI")
BIND, OPEN, REPLY = 1, 2, 0x100


def monitor():
    return socket.socket(fileno=int(os.environ["PRIVRUN_MONITOR_FD"]))


def message(kind, payload, version=1, magic=b"PRVM", length=None):
    return HEADER.pack(magic, version, kind,
                       len(payload) if length is None else length) + payload


def reply(sock):
    """(status, text, fds) of the next reply."""
    data, fds, _, _ = socket.recv_fds(sock, 4096, 4)
    magic, version, kind, length = HEADER.unpack_from(data)
    assert (magic, version, kind) == (b"PRVM", 1, REPLY), data
    assert length == len(data) - HEADER.size, data
    (status,) = struct.unpack_from("=I", data, HEADER.size)
    return status, data[HEADER.size + 4:].decode(), fds


def ask(sock, raw, fds=()):
    if fds:
        socket.send_fds(sock, [raw], list(fds))
    else:
        sock.send(raw)
    status, text, got = reply(sock)
    for fd in got:
        os.close(fd)
    return status, text, len(got)


class Hello(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = ("port %d\n" % self.server.socket.getsockname()[1]).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def serve(fd):
    srv = http.server.HTTPServer(("", 0), Hello, bind_and_activate=False)
    srv.socket = socket.socket(fileno=fd)
    threading.Thread(target=srv.serve_forever, daemon=True).start()


def server(out, specs):
    sock = monitor()
    log = open(out, "a", buffering=1)

    def on_hup(_sig, _frame):
        for spec in specs:
            sock.send(message(BIND, spec.encode()))
            status, text, fds = reply(sock)
            if status == 0 and len(fds) == 1:
                serve(fds[0])
                log.write("ok %s\n" % spec)
            else:
                log.write("error %s %d %s\n" % (spec, status, text))
        log.write("ready\n")

    signal.signal(signal.SIGHUP, on_hup)
    log.write("waiting\n")
    while True:
        time.sleep(3600)


def hostile_cases(sock, log):
    null = os.open("/dev/null", os.O_RDONLY)
    r, w = os.pipe()
    valid = message(BIND, b"tcp:8081")
    cases = [
        ("zero-length", b"", ()),
        ("short", b"PRV", ()),
        ("header-only", HEADER.pack(b"PRVM", 1, BIND, 0), ()),
        ("oversized", message(BIND, b"x" * 600), ()),
        ("huge", message(BIND, b"x" * 65000), ()),
        ("garbage", random.Random(6).randbytes(100), ()),
        ("bad-magic", message(BIND, b"tcp:8081", magic=b"XXXX"), ()),
        ("bad-version", message(BIND, b"tcp:8081", version=2), ()),
        ("bad-length", message(BIND, b"tcp:8081", length=99), ()),
        ("nul", message(BIND, b"tcp:80\0"), ()),
        ("unknown-type", message(7, b"tcp:8081"), ()),
        ("reply-type", message(REPLY, b"tcp:8081"), ()),
        ("with-fds", valid, (null, r, w)),
        ("many-fds", valid, (null,) * 40),
        ("bad-spec", message(BIND, b"tcp:99999"), ()),
        ("unix", message(BIND, b"unix:/tmp/x.sock"), ()),
        ("disallowed-port", message(BIND, b"tcp:82"), ()),
        ("disallowed-addr", message(BIND, b"tcp:127.0.0.1:8081"), ()),
        ("disallowed-option", message(BIND, b"tcp:8081,mark=1"), ()),
        ("disallowed-file", message(OPEN, b"/etc/shadow"), ()),
        ("valid", valid, ()),
    ]
    for name, raw, fds in cases:
        status, text, nfds = ask(sock, raw, fds)
        log.write("%s %d %d %s\n" % (name, status, nfds, text))
    for fd in (null, r, w):
        os.close(fd)


def hostile_flood(sock, log):
    rng = random.Random(10000)
    counts = {}
    for i in range(10000):
        raw = message(BIND, b"tcp:8081") if i % 10 == 0 else \
            rng.randbytes(rng.randrange(1, 700))
        status, _, nfds = ask(sock, raw)
        key = "%d/%d" % (status, nfds)
        counts[key] = counts.get(key, 0) + 1
    log.write("flood %s\n" % " ".join(
        "%s=%d" % kv for kv in sorted(counts.items())))
    # Pipelined: 200 requests before reading any reply.
    for _ in range(200):
        sock.send(message(BIND, b"tcp:82"))
    statuses = [reply(sock)[0] for _ in range(200)]
    log.write("pipelined %d %s\n" % (len(statuses), sorted(set(statuses))))


def hostile(out, go):
    sock = monitor()
    log = open(out, "a", buffering=1)
    log.write("waiting\n")
    while not os.path.exists(go):
        time.sleep(0.05)
    hostile_cases(sock, log)
    hostile_flood(sock, log)
    log.write("done\n")
    while True:
        time.sleep(3600)


def signals(out):
    log = open(out, "a", buffering=1)

    def note(sig, _frame):
        log.write("%s\n" % signal.Signals(sig).name)
        if sig == signal.SIGTERM:
            sys.exit(9)

    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGQUIT,
                signal.SIGUSR1, signal.SIGUSR2, signal.SIGWINCH):
        signal.signal(sig, note)
    log.write("waiting\n")
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    if sys.argv[1] == "signals":
        signals(sys.argv[2])
    elif sys.argv[1] == "server":
        server(sys.argv[2], sys.argv[3:])
    elif sys.argv[1] == "hostile":
        hostile(sys.argv[2], sys.argv[3])
    sys.exit(2)
