#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Speak privrun's monitor protocol without the C client (privrun(1),
MONITOR PROTOCOL).  Run under privrun --monitor; asks for each SPEC given
("bind:tcp:8081", "open:/etc/ssl/private/key.pem") and prints what it got.

    privrun -u www-data --monitor --allow-bind tcp:8000-8099 -- \\
        python3 monitor_client.py bind:tcp:8081
"""
import os
import socket
import struct
import sys

HEADER = struct.Struct("=4sHHI")  # magic, version, type, payload length
TYPES = {"bind": 1, "open": 2}
REPLY = 0x100


def request(sock, kind, spec):
    """Return (fd, message); fd is None when the monitor refused."""
    payload = spec.encode()
    sock.send(HEADER.pack(b"PRVM", 1, TYPES[kind], len(payload)) + payload)
    data, fds, _flags, _addr = socket.recv_fds(sock, 4096, 1)
    magic, version, kind, length = HEADER.unpack_from(data)
    if magic != b"PRVM" or version != 1 or kind != REPLY:
        raise ValueError("not a reply from the monitor")
    (status,) = struct.unpack_from("=I", data, HEADER.size)
    message = data[HEADER.size + 4:HEADER.size + length].decode()
    if status != 0:
        for fd in fds:
            os.close(fd)
        return None, "status %d: %s" % (status, message)
    return fds[0], message


def main():
    fd = int(os.environ["PRIVRUN_MONITOR_FD"])
    sock = socket.socket(fileno=fd)
    for arg in sys.argv[1:]:
        kind, spec = arg.split(":", 1)
        got, message = request(sock, kind, spec)
        print("%s: %s" % ("fd %d" % got if got is not None else "refused",
                          message), flush=True)


if __name__ == "__main__":
    main()
