#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""intercept_server: unmodified-style servers for tests/intercept.bats.

Each binds its own ports with socket.bind(), as a server that knows nothing
of privrun does, logs what happened to OUT and serves HTTP ("NAME PORT").
  threaded OUT PORT     bind and serve from a second thread
  workers OUT PORT N    N forked workers, each its own SO_REUSEPORT socket
  reload OUT PORT...    on each SIGHUP bind every PORT ([::], SO_REUSEADDR,
                        and SO_REUSEPORT), log "ok PORT" or "error PORT ERRNO"
  orphan OUT            a grandchild binds port 80, then once OUT.go exists
                        (its parent and monitor killed) port 81; logs both
"""
import errno
import http.server
import os
import signal
import socket
import sys
import threading
import time


def log(out, line):
    with open(out, "a") as f:
        f.write(line + "\n")


def handler(name):
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = ("%s %d\n" % (name, self.server.server_address[1])).encode()
            self.send_response(200)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass
    return Handler


def serve(sock, name):
    """Serve HTTP on an already bound socket, in a thread."""
    server = http.server.ThreadingHTTPServer(sock.getsockname()[:2],
                                             handler(name),
                                             bind_and_activate=False)
    server.socket.close()
    server.socket = sock
    sock.listen(16)
    threading.Thread(target=server.serve_forever, daemon=True).start()


def try_bind(family, port, reuseport=False, v6only=None):
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if reuseport:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    if v6only is not None:
        sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, v6only)
    try:
        sock.bind(("::" if family == socket.AF_INET6 else "0.0.0.0", port))
    except OSError as e:
        sock.close()
        return None, errno.errorcode[e.errno]
    return sock, "ok"


def threaded(out, port):
    def run():
        sock, how = try_bind(socket.AF_INET, int(port))
        log(out, "thread %d: %s" % (threading.get_native_id(), how))
        if sock:
            serve(sock, "threaded")
    log(out, "main %d" % threading.get_native_id())
    t = threading.Thread(target=run)
    t.start()
    t.join()
    log(out, "ready")
    signal.pause()


def workers(out, port, n):
    for i in range(int(n)):
        if os.fork() == 0:
            sock, how = try_bind(socket.AF_INET, int(port), reuseport=True)
            log(out, "worker %d: %s" % (os.getpid(), how))
            if sock:
                serve(sock, "worker")
            signal.pause()
            os._exit(0)
    signal.pause()


def reload(out, *ports):
    def hup(signo, frame):
        for port in ports:
            sock, how = try_bind(socket.AF_INET6, int(port), reuseport=True,
                                 v6only=0)
            log(out, "%s %s" % (how, port) if sock else
                "error %s %s" % (port, how))
            if sock:
                serve(sock, "port")
        log(out, "ready")
    signal.signal(signal.SIGHUP, hup)
    log(out, "waiting")
    while True:
        signal.pause()


def orphan(out):
    if os.fork() == 0:
        sock, how = try_bind(socket.AF_INET, 80)
        log(out, "first 80 %s" % how)
        while not os.path.exists(out + ".go"):
            time.sleep(0.05)
        sock, how = try_bind(socket.AF_INET, 81)
        log(out, "then 81 %s" % how)
        os._exit(0)
    signal.pause()


if __name__ == "__main__":
    {"threaded": threaded, "workers": workers, "reload": reload,
     "orphan": orphan}[sys.argv[1]](*sys.argv[2:])
