#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""ptyrun OUT CMD...: run CMD on a new pseudo-terminal, as a shell job would
be: in a session whose controlling terminal is that pty, as a process that
does not lead the session.  CMD's stdin is the pty; its stdout and stderr go
to the file OUT.  Prints "Master: " and the repr of everything the terminal
showed (the echo of any keystroke pushed into it), and exits with CMD's
status."""
import os
import pty
import select
import sys

out, cmd = sys.argv[1], sys.argv[2:]
pid, master = pty.fork()
if pid == 0:
    child = os.fork()
    if child == 0:
        fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        os.execv(cmd[0], cmd)
    _, st = os.waitpid(child, 0)
    os._exit(os.waitstatus_to_exitcode(st) & 0xff)
seen = b""
while True:
    ready, _, _ = select.select([master], [], [], 10)
    if not ready:
        break
    try:
        data = os.read(master, 4096)
    except OSError:
        break
    if not data:
        break
    seen += data
_, st = os.waitpid(pid, 0)
print("Master: " + repr(seen))
sys.exit(os.waitstatus_to_exitcode(st) & 0xff)
