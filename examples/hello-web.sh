#!/bin/sh
# SPDX-License-Identifier: ISC
# hello-web.sh [USER [PORT]]: run as root, serve HTTP on PORT (default 80)
# as USER (default www-data), with examples/hello-server.  It shows the plan
# first with privrun -n, which opens and changes nothing, then hands over to
# privrun for real; privrun exits 125 before anything runs if the user is
# unknown, the port is taken or any step of the drop fails.
set -eu
user=${1:-www-data}
port=${2:-80}

if [ "$(id -u)" != 0 ]; then
	echo "hello-web.sh: run me as root; privrun drops to $user" >&2
	exit 1
fi
privrun -n --user "$user" -b "http=tcp:$port" -- hello-server
exec privrun --user "$user" -b "http=tcp:$port" -- hello-server
