#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""ptyrun [ACTION]... OUT CMD...: run CMD on a new pseudo-terminal, as a
shell job would be: in a session whose controlling terminal is that pty, as a
process that does not lead the session.  CMD's stdin is the pty; its stdout
and stderr go to the file OUT, or stay on the pty when OUT is "-".  Prints
"Master: " and the repr of everything the terminal showed (the echo of any
keystroke pushed into it), and exits with CMD's status.

While CMD runs, the ACTIONs are done in order, as a user at the terminal:
  -s ROWSxCOLS  set the terminal's window size (also before CMD starts)
  -w TEXT       wait (up to 10 s) until the terminal has shown TEXT
  -t KEYS       type KEYS (Python escapes: '\\x1a' is Ctrl-Z)
  -a KEYS       once CMD has ended, while the session lives on as it would
                under a shell, type KEYS and watch the terminal one second."""
import fcntl
import os
import pty
import select
import struct
import sys
import termios
import time

args = sys.argv[1:]
actions, after = [], None
while args and args[0] in ("-s", "-w", "-t", "-a"):
    flag, value = args[0], args[1].encode().decode("unicode_escape")
    if flag == "-a":
        after = value
    else:
        actions.append((flag, value))
    args = args[2:]
out, cmd = args[0], args[1:]


def set_size(fd, value):
    rows, cols = (int(x) for x in value.split("x"))
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


done_r, done_w = os.pipe()
pid, master = pty.fork()
if pid == 0:
    os.close(done_r)
    child = os.fork()
    if child == 0:
        if out != "-":
            fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            os.dup2(fd, 1)
            os.dup2(fd, 2)
        os.execvp(cmd[0], cmd)
    _, st = os.waitpid(child, 0)
    os.write(done_w, bytes([os.waitstatus_to_exitcode(st) & 0xff]))
    # The session lives on, as under a shell, until ptyrun is done.
    time.sleep(30)
    os._exit(0)
os.close(done_w)
for flag, value in actions:
    if flag == "-s":
        set_size(master, value)
seen, status = b"", None


def pump(timeout):
    """Read what the terminal shows for up to timeout seconds; False once
    CMD has ended and its status is known."""
    global seen, status
    ready, _, _ = select.select([master, done_r], [], [], timeout)
    if master in ready:
        try:
            seen += os.read(master, 4096)
        except OSError:
            pass
    if done_r in ready:
        status = os.read(done_r, 1)[0]
    return status is None


for flag, value in actions:
    if flag == "-s":
        set_size(master, value)
    elif flag == "-t":
        os.write(master, value.encode())
    elif flag == "-w":
        limit = time.time() + 10
        while value.encode() not in seen and time.time() < limit:
            if not pump(0.1) and value.encode() not in seen:
                break
limit = time.time() + 30
while status is None and time.time() < limit:
    pump(0.2)
# Whatever the terminal still shows of CMD's last output.
while select.select([master], [], [], 0.2)[0]:
    try:
        seen += os.read(master, 4096)
    except OSError:
        break
if after is not None:
    os.write(master, after.encode())
    limit = time.time() + 1
    while time.time() < limit:
        pump(0.1)
os.kill(pid, 9)
os.waitpid(pid, 0)
print("Master: " + repr(seen))
sys.exit(255 if status is None else status)
