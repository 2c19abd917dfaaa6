#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""tests/bashwords.py LINE...: type each LINE and <Tab> into an interactive
bash on a pseudo-terminal, with a completion function for privrun that
records how bash itself split the line, and print, per LINE, one line
"CWORD WORD|WORD|...".  tests/completions.bats compares this with the
splitting that tests/bashcomplete.bash imitates."""
import os
import pty
import select
import sys
import tempfile
import time


def drain(fd, seconds):
    end = time.time() + seconds
    while time.time() < end:
        ready, _, _ = select.select([fd], [], [], 0.05)
        if ready:
            try:
                os.read(fd, 4096)
            except OSError:
                return


def main():
    out = tempfile.NamedTemporaryFile(prefix="bashwords.", delete=False)
    out.close()
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp("bash", ["bash", "--norc", "--noprofile", "-i"])
    record = ("_rec() { local IFS='|'; printf '%%s %%s\\n' \"$COMP_CWORD\" "
              "\"${COMP_WORDS[*]}\" >>%s; }; complete -F _rec privrun\n"
              % out.name)
    os.write(fd, record.encode())
    drain(fd, 0.5)
    for n, line in enumerate(sys.argv[1:], 1):
        os.write(fd, line.encode() + b"\t")
        # Wait for the record of this line, then clear the line (^U).
        for _ in range(100):
            with open(out.name) as f:
                if len(f.readlines()) >= n:
                    break
            drain(fd, 0.05)
        os.write(fd, b"\x15")
        drain(fd, 0.1)
    os.write(fd, b"exit\n")
    drain(fd, 0.3)
    os.waitpid(pid, 0)
    with open(out.name) as f:
        sys.stdout.write(f.read())
    os.unlink(out.name)


main()
