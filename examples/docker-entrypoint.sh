#!/bin/sh
# SPDX-License-Identifier: ISC
# docker-entrypoint.sh: the entry point of examples/Dockerfile.  The
# container starts as root; privrun binds port 80, drops to the user "app"
# for good and execs the command the image's CMD or "docker run IMAGE ..."
# gives, which finds the socket at fd 3 (LISTEN_FDS=1, LISTEN_FDNAMES=http).
# The environment is kept (privrun resets HOME, USER, LOGNAME and SHELL),
# so "docker run -e NAME=VALUE" still reaches the server.
# privrun replaces this shell as PID 1 and, with --init, stays there with
# no privilege at all: the server is its child, so "docker stop"'s SIGTERM,
# which the kernel would not deliver to a PID 1 that does not handle it,
# reaches the server through privrun, and orphans are reaped.
set -eu
exec privrun --init --user app -b http=tcp:80 -- "$@"
