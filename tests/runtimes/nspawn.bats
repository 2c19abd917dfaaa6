#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# examples/privrun-web.service under systemd as PID 1: a Debian 12 root
# with systemd, privrun ($BUILD/privrun), hello-server and the unit
# installed as the unit's comments say, booted by systemd-nspawn with a
# private network (loopback only).  systemctl and curl run inside the
# container's namespaces (nsenter).  The tests run in order on one boot.

load helpers

UNIT=privrun-web.service

setup_file() {
	local tar
	tar=$(debian_root bookworm-systemd systemd-sysv python3)
	export ROOT=$RT_SCRATCH/nspawn-root
	mkdir "$ROOT"
	tar -xf "$tar" -C "$ROOT"
	install -m 0755 "$BUILD/privrun" examples/hello-server "$ROOT/usr/local/bin/"
	install -m 0644 examples/$UNIT "$ROOT/etc/systemd/system/"
	boot
}

teardown_file() {
	local pid
	pid=$(cat "$RT_SCRATCH/nspawn.pid" 2>/dev/null) || return 0
	kill -KILL "$pid" 2>/dev/null || true
}

# The cgroup hierarchies where nspawn makes the container's cgroups: the
# unified one, and on a hybrid or v1 layout systemd's named one.
nspawn_hierarchies() {
	if [ -f /sys/fs/cgroup/cgroup.procs ]; then
		echo /sys/fs/cgroup
		return
	fi
	local h
	for h in /sys/fs/cgroup/systemd /sys/fs/cgroup/unified; do
		[ -f "$h/cgroup.procs" ] && echo "$h"
	done
}

# boot: start systemd-nspawn in the background, in a cgroup of its own
# under $RT_CGROUP: with no systemd on the host to register with, it
# keeps the cgroup it started in (--register=no --keep-unit) and makes the
# container's below it.  Sets LEADER, the container's PID 1 as the host
# sees it, once systemd has finished starting up.
boot() {
	local h pid state _
	for h in $(nspawn_hierarchies); do
		mkdir -p "$h/$RT_CGROUP/nspawn"
	done
	(
		for h in $(nspawn_hierarchies); do
			echo "$BASHPID" >"$h/$RT_CGROUP/nspawn/cgroup.procs"
		done
		exec systemd-nspawn --quiet --directory="$ROOT" --boot \
			--register=no --keep-unit --private-network \
			--console=passive --machine=privrun-web
	) </dev/null >"$RT_SCRATCH/nspawn.log" 2>&1 3>&- &
	pid=$!
	echo "$pid" >"$RT_SCRATCH/nspawn.pid"
	retry 10 pgrep -P "$pid" >/dev/null
	export LEADER
	LEADER=$(pgrep -P "$pid")
	# Until systemd listens, systemctl cannot connect; then it waits for
	# the start-up to finish.
	for _ in $(seq 300); do
		state=$(in_container systemctl is-system-running --wait 2>&1) && break
		[ "$state" = degraded ] && break
		sleep 0.1
	done
	if [ "$state" != running ] && [ "$state" != degraded ]; then
		echo "the container did not start: $state" >&2
		tail -n 20 "$RT_SCRATCH/nspawn.log" >&2
		return 1
	fi
}

# in_container CMD...: run CMD in all the container's namespaces and root.
in_container() {
	nsenter --target "$LEADER" --mount --uts --ipc --net --pid --cgroup \
		--root --wd -- "$@"
}

# in_netns CMD...: run the host's CMD in the container's network namespace.
in_netns() {
	nsenter --target "$LEADER" --net -- "$@"
}

# unit_show PROPERTY...: the unit's properties, "NAME=VALUE" one a line, in
# the order asked.
unit_show() {
	local p
	for p in "$@"; do
		in_container systemctl show --property="$p" "$UNIT"
	done
}

# gone PID: PID has exited (a zombie too: the process that started it,
# setup_file's, may not have reaped it yet).
gone() {
	[ ! -e "/proc/$1" ] || [ "$(awk '{ print $3 }' "/proc/$1/stat")" = Z ]
}

# unit_is STATE: the unit's ActiveState is STATE.
unit_is() {
	[ "$(in_container systemctl show --property=ActiveState --value "$UNIT")" = "$1" ]
}

@test "systemctl enable --now privrun-web (as the unit says): port 80 answers as www-data, from a server with every privilege dropped" {
	run in_container systemctl enable --now privrun-web
	assert_success
	run in_container systemctl is-enabled "$UNIT"
	assert_output enabled
	retry 10 in_netns curl -sf http://127.0.0.1/
	run in_netns curl -sf http://127.0.0.1/
	assert_success
	assert_output "hello from uid 33 (www-data)"
	main=$(in_container systemctl show --property=MainPID --value "$UNIT")
	[ "$main" -gt 0 ]
	run in_container cat "/proc/$main/status"
	assert_success
	run status_fields <<<"$output"
	assert_line $'Name:\thello-server'
	assert_dropped 33 33
	run in_netns ss -Htlnp 'sport = :80'
	assert_output --regexp 'users:\(\("hello-server",pid=[0-9]+,fd=3\)\)'
}

@test "systemctl stop: the server ends on SIGTERM and the unit's result is success" {
	unit_is active
	run in_container systemctl stop "$UNIT"
	assert_success
	run unit_show ActiveState Result
	assert_output $'ActiveState=inactive\nResult=success'
}

@test "a killed server is started again (Restart=on-failure)" {
	run in_container systemctl start "$UNIT"
	assert_success
	retry 10 in_netns curl -sf http://127.0.0.1/
	old=$(in_container systemctl show --property=MainPID --value "$UNIT")
	run in_container systemctl kill --kill-who=main --signal=KILL "$UNIT"
	assert_success
	retry 10 eval '[ "$(in_container systemctl show --property=NRestarts --value "$UNIT")" = 1 ]'
	retry 10 in_netns curl -sf http://127.0.0.1/
	run in_netns curl -sf http://127.0.0.1/
	assert_output "hello from uid 33 (www-data)"
	run unit_show ActiveState NRestarts
	assert_output $'ActiveState=active\nNRestarts=1'
	new=$(in_container systemctl show --property=MainPID --value "$UNIT")
	[ "$new" -gt 0 ] && [ "$new" != "$old" ]
	run in_container systemctl stop "$UNIT"
	assert_success
}

# drop_in NAME TEXT: add a drop-in to the unit and reload systemd.
drop_in() {
	mkdir -p "$ROOT/etc/systemd/system/$UNIT.d"
	printf '[Service]\n%s\n' "$2" >"$ROOT/etc/systemd/system/$UNIT.d/$1.conf"
	in_container systemctl daemon-reload
}

@test "privrun failing before the server starts (an unknown --user) exits 125, and systemd does not restart it" {
	drop_in broken-user $'ExecStart=\nExecStart=/usr/local/bin/privrun --user no-such-user -b http=tcp:80 -- /usr/local/bin/hello-server'
	run in_container systemctl start "$UNIT"
	assert_success
	retry 10 unit_is failed
	# Restart= would have started it again after RestartSec=, 100 ms.
	sleep 1
	run unit_show ActiveState Result ExecMainStatus NRestarts
	assert_output $'ActiveState=failed\nResult=exit-code\nExecMainStatus=125\nNRestarts=0'
	run in_container journalctl --unit="$UNIT" --output=cat --no-pager
	assert_line "privrun: user: 'no-such-user': no such user"
	# It is RestartPreventExitStatus=125 that keeps systemd from it.
	in_container systemctl reset-failed "$UNIT"
	drop_in restart-any $'RestartPreventExitStatus='
	run in_container systemctl start "$UNIT"
	assert_success
	retry 10 eval '[ "$(in_container systemctl show --property=NRestarts --value "$UNIT")" -ge 1 ]'
	in_container systemctl stop "$UNIT"
	rm -r "$ROOT/etc/systemd/system/$UNIT.d"
	in_container systemctl daemon-reload
}

@test "the container powers off on SIGTERM and leaves no cgroup or mount" {
	pid=$(cat "$RT_SCRATCH/nspawn.pid")
	kill -TERM "$pid"
	retry 30 gone "$pid"
	rm "$RT_SCRATCH/nspawn.pid"
	run mounts_under "$ROOT"
	assert_output ""
	run remove_cgroups
	assert_success
	run cgroups_left
	assert_output ""
	rm -r --one-file-system "$ROOT"
}
