#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# --pty: a program run as another user from a terminal gets a new
# pseudo-terminal, relayed by a privrun parent with no capability, so that
# nothing it leaves behind can read the caller's terminal afterwards.
# tests/ptyrun.py plays the user at the terminal.

load helpers

CONF=/etc/privrun.conf

setup() {
	out=$BATS_TEST_TMPDIR/out
	# A directory every test user may write to.
	shared=$PRIVRUN_TEST_ROOT/data/pty.$BATS_TEST_NUMBER
	mkdir -p "$shared"
	chmod 1777 "$shared"
	# Leaves a process behind, in a session of its own, that reads fd 0
	# once the program has ended and writes down what it got.
	cat >"$shared/steal.py" <<'EOF'
import os, sys, time
if os.fork() == 0:
    os.setsid()
    time.sleep(0.5)
    try:
        msg = "read: %r\n" % os.read(0, 100)
    except OSError as e:
        msg = "read failed: %s\n" % e.strerror
    with open(sys.argv[1], "w") as f:
        f.write(msg)
EOF
	chmod 0755 "$shared/steal.py"
}

teardown() {
	rm -f "$CONF"
}

# steal PRIVRUN-COMMAND...: run it on a terminal with steal.py as the
# program; then type a "password" at the terminal, as at the next prompt.
steal() {
	rm -f "$shared/got"
	run "$PTYRUN" -a 'hunter2\n' "$out" "$@" -- /usr/bin/python3 "$shared/steal.py" "$shared/got"
	assert_success
	wait_for test -e "$shared/got"
	run cat "$shared/got"
}

@test "theft: what the caller types after privrun ended is not read by what the program left behind" {
	steal "$PRIVRUN" -u nobody
	assert_output "read: b''"
	# The control: without the pty the left-behind process reads it.
	steal "$PRIVRUN" -u nobody --no-pty
	assert_output "read: b'hunter2\\n'"
}

@test "theft, setuid copy: the same for an ordinary caller running a program as another user" {
	printf 'permit prtest-a as prtest-b cmd /usr/bin/python3\n' >"$CONF"
	chmod 0644 "$CONF"
	asb=(setpriv --reuid=4001 --regid=4001 --init-groups -- env ASAN_OPTIONS=detect_leaks=0)
	steal "${asb[@]}" "$PRIVRUN_SUID" -u prtest-b
	assert_output "read: b''"
	steal "${asb[@]}" "$PRIVRUN_SUID" -u prtest-b --no-pty
	assert_output "read: b'hunter2\\n'"
}

@test "on by default for another user only; --pty and --no-pty decide" {
	# Each run prints the caller's terminal, then the program's.
	for c in "-u nobody" "-u nobody --pty" "-u root --pty"; do
		run "$PTYRUN" "$out" /bin/sh -c 'tty; exec "$@"' - "$PRIVRUN" $c -- tty
		assert_success
		run cat "$out"
		assert_equal "${#lines[@]}" 2
		refute_line --index 1 "${lines[0]}"
		assert_line --index 1 --regexp '^/dev/pts/[0-9]+$'
	done
	for c in "-u root" "-u nobody --no-pty"; do
		run "$PTYRUN" "$out" /bin/sh -c 'tty; exec "$@"' - "$PRIVRUN" $c -- tty
		assert_success
		run cat "$out"
		assert_equal "${#lines[@]}" 2
		assert_line --index 1 "${lines[0]}"
	done
	# Not on without a terminal.
	run --separate-stderr "$PRIVRUN" -u nobody -- tty 3>&- </dev/null
	assert_output "not a tty"
	run --separate-stderr "$PRIVRUN" -u nobody -n -- true 3>&- </dev/null
	assert_line "pty: 0"
	run "$PTYRUN" "$out" "$PRIVRUN" -u nobody -n -- true
	run cat "$out"
	assert_line "pty: 1"
}

@test "--pty and --no-pty: the last one given counts" {
	run "$PTYRUN" "$out" "$PRIVRUN" -u nobody --pty --no-pty -n -- true
	run cat "$out"
	assert_line "pty: 0"
	run "$PTYRUN" "$out" "$PRIVRUN" -u root --no-pty --pty -n -- true
	run cat "$out"
	assert_line "pty: 1"
}

@test "keystrokes and output pass; the terminal's modes and window size follow, resizes too" {
	# The program says "new" when its terminal is not the caller's ($T).
	run "$PTYRUN" -s 30x100 -w 'first' -s 40x120 -t 'go\n' - /bin/sh -c \
		'exec "$0" -u nobody --env T="$(tty)" -- sh -c "$1"' "$PRIVRUN" \
		'[ "$(tty)" = "$T" ] || echo new; stty size; stty -a | grep -o " -\?icanon"; echo first; read x; stty size; echo "got $x"'
	assert_success
	assert_output "Master: b'new\\r\\n30 100\\r\\n icanon\\r\\nfirst\\r\\ngo\\r\\n40 120\\r\\ngot go\\r\\n'"
}

@test "exit status: the program's code, 128+N for its signal N, and forwarded signals reach it" {
	run "$PTYRUN" "$out" "$PRIVRUN" -u nobody -- sh -c 'exit 7'
	assert_failure 7
	run "$PTYRUN" "$out" "$PRIVRUN" -u nobody -- sh -c 'kill -TERM $$'
	assert_failure 143
	# TERM sent to privrun reaches the program, which says so.
	run "$PTYRUN" "$out" /bin/sh -c '"$0" -u nobody --pty -- sh -c "trap \"echo got TERM; exit 5\" TERM; echo ready; while :; do sleep 0.1; done" & sleep 1; kill -TERM $!; wait $!' "$PRIVRUN"
	assert_failure 5
	run cat "$out"
	assert_output "ready
got TERM"
	# Ctrl-C at the terminal reaches it through the pty.
	run "$PTYRUN" -w ready -t '\x03' - "$PRIVRUN" -u nobody -- \
		sh -c 'trap "echo got INT; exit 6" INT; echo ready; while :; do sleep 0.1; done'
	assert_failure 6
	assert_output --partial 'got INT'
}

@test "Ctrl-Z stops the program and privrun for the shell; fg continues both" {
	run "$PTYRUN" -w ready -t '\x1a' -w 'status 148' -t 'hello\n' - /bin/bash -c \
		'set -m; "$0" -u nobody --env T="$(tty)" -- sh -c "$1"; echo "status $?"; fg; echo "after $?"' "$PRIVRUN" \
		'[ "$(tty)" = "$T" ] || echo new; echo ready; read x; echo "got $x"; exit 4'
	assert_success
	assert_output --partial 'new\r\nready'
	assert_output --partial 'Stopped'
	assert_output --partial 'status 148'
	assert_output --partial 'got hello\r\nafter 4\r\n'
}

# The program's view of the relay (its grandparent) and of the session
# leader (its parent), as it tries to stop, kill, renice and pin them.
REACH='l=$PPID; r=$(awk "/^PPid/ {print \$2}" /proc/$l/status)
	for p in $r $l; do
		# The parent may still be dropping when the program starts.
		until grep -q "^NoNewPrivs:.1" /proc/$p/status; do sleep 0.05; done
		grep -E "^(Uid|Gid|Cap...|NoNewPrivs)" /proc/$p/status
		for s in STOP KILL 0; do
			kill -$s $p 2>/dev/null && echo "kill $s: yes" || echo "kill $s: no"
		done
	done
	renice -n 10 -p $r >/dev/null 2>&1 && echo "renice: yes" || echo "renice: no"
	taskset -p 1 $r >/dev/null 2>&1 && echo "taskset: yes" || echo "taskset: no"
	awk "{print \"nice:\", \$19}" /proc/$r/stat
	grep -c "^State:.[RSD]" /proc/$r/status'

# reach_checks RELAY-UID LEADER-UID GID: what REACH wrote to $out.
reach_checks() {
	run cat "$out"
	assert_line --index 0 "Uid:	$1	$1	$1	$1"
	assert_line --index 1 "Gid:	$3	$3	$3	$3"
	assert_line --index 11 "Uid:	$1	$2	$1	$2"
	assert_line --index 12 "Gid:	$3	$3	$3	$3"
	assert_equal "$(grep -c '^Cap...:	0000000000000000$' "$out")" 10
	assert_equal "$(grep -c '^NoNewPrivs:	1$' "$out")" 2
	assert_equal "$(grep -c '^kill [A-Z0]*: no$' "$out")" 6
	assert_line "renice: no"
	assert_line "taskset: no"
	# The kernel's view: the relay still runs (not stopped), at its own
	# priority.
	assert_line "nice: 0"
	assert_line --index 25 1
}

@test "the relay: the caller's ids, no capability; the program can neither signal, renice nor pin it" {
	run "$PTYRUN" "$out" "$PRIVRUN" -u nobody -- sh -c "$REACH"
	assert_success
	reach_checks 0 65534 0
	# Setuid and file capabilities: the caller's ids; the leader has the
	# target's effective uid.
	printf 'permit prtest-a as prtest-b cmd /bin/sh\n' >"$CONF"
	chmod 0644 "$CONF"
	for copy in "$PRIVRUN_SUID" "$PRIVRUN_CAPS"; do
		run "$PTYRUN" "$out" setpriv --reuid=4001 --regid=4001 --init-groups -- \
			env ASAN_OPTIONS=detect_leaks=0 "$copy" -u prtest-b -- /bin/sh -c "$REACH"
		assert_success
		reach_checks 4001 4002 4001
	done
}

@test "the terminal guard still applies to the program on the pty" {
	run "$PTYRUN" "$out" "$PRIVRUN" -u nobody --pty -- "$PROBE" tiocsti Z
	assert_success
	run cat "$out"
	assert_line "Seccomp: 2"
	assert_line "Tiocsti-plain: Operation not permitted"
}

# relay_fails FAULT... -- MESSAGE: privrun on a terminal with the relay's
# system call failing; it exits 125 with MESSAGE and leaves the terminal
# as it found it (canonical mode, echo), as the shell then sees it.
relay_fails() {
	local fault=()
	while [ "$1" != -- ]; do fault+=("$1"); shift; done
	run "$PTYRUN" "$out" /bin/sh -c '"$@"; echo "status $?"; stty -a' - \
		"$FAULTINJECT" "${fault[@]}" -- "$PRIVRUN" -u nobody -- sleep 1
	run cat "$out"
	assert_line "$2"
	assert_line "status 125"
	assert_output --regexp ' icanon .* echo '
}

@test "a relay that fails leaves the caller's terminal as it found it" {
	relay_fails poll,ppoll fail -- "privrun: pty: poll: Operation not permitted"
	relay_fails kill fail a1=18 -- "privrun: pty: continue the program: Operation not permitted"
	# TCSETSW: the raw mode itself.
	relay_fails ioctl fail a1=0x5403 -- "privrun: pty: raw mode: Operation not permitted"
}

@test "the terminal's modes cannot be copied to the pty: exit 125 before the program runs" {
	# TCSETS: only that copy uses it.
	run "$PTYRUN" "$out" "$FAULTINJECT" ioctl fail a1=0x5402 -- "$PRIVRUN" -u nobody -- touch "$shared/ran"
	assert_failure 125
	run cat "$out"
	assert_output "privrun: pty: copy the terminal's modes: Operation not permitted"
	assert [ ! -e "$shared/ran" ]
}

@test "the relay's master not at fd 3 is moved there; a failed move: exit 125" {
	# An fd 3 left open by the caller (close-on-exec in privrun) puts the
	# master above it.  The relay lets the child go on only once it is
	# set up: after a failed move the program never runs.
	run --separate-stderr "$FAULTINJECT" dup3 fail -- "$PRIVRUN" -u nobody --pty -- \
		touch "$shared/ran" 3</dev/null
	assert_failure 125
	run printf '%s\n' "$stderr"
	assert_line --regexp '^privrun: fork: move fd [0-9]+ to fd 3: Operation not permitted$'
	sleep 0.2
	assert [ ! -e "$shared/ran" ]
	# With the master at fd 3 already, the ready pipe's move to fd 4 is
	# the first dup3(2): it fails, and the program never runs either.
	run --separate-stderr "$FAULTINJECT" dup3 fail -- "$PRIVRUN" -u nobody --pty -- \
		touch "$shared/ran" 3>&-
	assert_failure 125
	run printf '%s\n' "$stderr"
	assert_line --regexp '^privrun: fork: move fd [0-9]+ to fd 4: Operation not permitted$'
	sleep 0.2
	assert [ ! -e "$shared/ran" ]
}

@test "keystrokes the pty does not take are lost, as at a terminal; a terminal that fails to read gets its modes back" {
	run "$PTYRUN" -w ready -t 'xy' - "$FAULTINJECT" write fail a0=3 a2=2 -- \
		"$PRIVRUN" -v -u nobody -- sh -c 'echo ready; sleep 1; echo done'
	assert_success
	assert_output --partial 'privrun: trace: process/supervise.c:'
	assert_output --partial ': pty: keystrokes lost'
	assert_output --partial 'done'
	# Its modes are given back at once, and so stay after privrun.
	run "$PTYRUN" -w ready -t 'xy' "$out" /bin/sh -c '"$@"; echo "status $?"; stty -a' - \
		"$FAULTINJECT" read fail a0=0 -- "$PRIVRUN" -u nobody -- sh -c 'echo ready >/dev/tty; sleep 1; echo done'
	run cat "$out"
	assert_line --partial 'done'
	assert_line 'status 0'
	assert_output --regexp ' icanon .* echo '
}
