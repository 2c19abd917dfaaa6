#!/bin/sh
# SPDX-License-Identifier: ISC
# docker-entrypoint.sh: the entry point of examples/Dockerfile.  The
# container starts as root; privrun binds port 80, drops to the user "app"
# for good and execs the command the image's CMD or "docker run IMAGE ..."
# gives, which finds the socket at fd 3 (LISTEN_FDS=1, LISTEN_FDNAMES=http).
# The environment is kept (privrun resets HOME, USER, LOGNAME and SHELL),
# so "docker run -e NAME=VALUE" still reaches the server.
# "exec" twice over: privrun replaces this shell and the command replaces
# privrun, so the server is PID 1 and gets "docker stop"'s SIGTERM.
set -eu
exec privrun --user app -b http=tcp:80 -- "$@"
