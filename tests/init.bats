#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# --init: privrun stays as the program's parent with no capability, as a
# container's PID 1 (in a PID namespace of its own here) or as the child
# subreaper: it forwards signals, reaps orphans and exits with the
# program's status.

load helpers

setup() {
	shared=$PRIVRUN_TEST_ROOT/data/init.$BATS_TEST_NUMBER
	mkdir -p "$shared"
	chmod 1777 "$shared"
}

teardown() {
	stop_background
}

# in_pid_ns CMD...: CMD as PID 1 of a new PID namespace, with its /proc.
in_pid_ns() {
	exec unshare --pid --fork --mount-proc "$@"
}

# status_of PID: wait for a background job; $status is its exit status.
status_of() {
	status=0
	wait "$1" || status=$?
}

# pid1 UNSHARE-PID: the host pid of the namespace's PID 1.
pid1() {
	wait_for pgrep -P "$1" >/dev/null
	pgrep -P "$1"
}

@test "PID 1: SIGTERM from outside reaches the program (143), which as PID 1 itself ignores it" {
	background in_pid_ns "$PRIVRUN" --init -u 4001 -- sleep 30
	bg=$LAST_PID
	p=$(pid1 "$bg")
	run cat "/proc/$p/comm"
	assert_output "privrun"
	kill -TERM "$p"
	status_of "$bg"
	assert_equal "$status" 143
	# The control: the program as PID 1 does not get it at all.
	background in_pid_ns "$PRIVRUN" -u 4001 -- sleep 30
	bg=$LAST_PID
	p=$(pid1 "$bg")
	run cat "/proc/$p/comm"
	assert_output "sleep"
	kill -TERM "$p"
	sleep 0.5
	run cat "/proc/$p/comm"
	assert_output "sleep"
}

@test "PID 1: a program that traps the signal ends with its own status; every forwarded signal arrives" {
	for sig in TERM INT HUP QUIT USR1 USR2 WINCH; do
		background in_pid_ns "$PRIVRUN" --init -u 4001 -- \
			sh -c "trap 'exit 3' $sig; echo >$shared/ready; while :; do sleep 0.1; done"
		bg=$LAST_PID
		p=$(pid1 "$bg")
		wait_for test -e "$shared/ready"
		rm "$shared/ready"
		kill -"$sig" "$p"
		status_of "$bg"
		assert_equal "$sig: $status" "$sig: 3"
	done
}

@test "PID 1: exit status and 128+N pass through" {
	run in_pid_ns "$PRIVRUN" --init -u 4001 -- sh -c 'exit 7' 3>&-
	assert_failure 7
	run in_pid_ns "$PRIVRUN" --init -u 4001 -- sh -c 'kill -KILL $$' 3>&-
	assert_failure 137
}

@test "PID 1: orphans are reaped; the program as PID 1 leaves a zombie" {
	for init in --init ""; do
		background in_pid_ns "$PRIVRUN" $init -u 4001 -- sh -c '(sleep 0.2 &); exec sleep 1.5'
		p=$(pid1 "$LAST_PID")
		sleep 0.8
		run ps -o stat=,comm= --ppid "$p"
		if [ -n "$init" ]; then
			assert_output --regexp '^S +sleep$'
		else
			assert_line --regexp '^Z +sleep$'
		fi
	done
}

@test "PID 1: privrun holds no privilege at all: the target's ids, no capability, no_new_privs, not dumpable" {
	run in_pid_ns "$PRIVRUN" --init -u 4001 -- \
		sh -c 'until grep -q "^NoNewPrivs:.1" /proc/1/status; do sleep 0.05; done
			grep -E "^(Uid|Gid|Cap...|NoNewPrivs):" /proc/1/status
			cat /proc/1/environ 2>/dev/null || echo "environ: unreadable"' 3>&-
	assert_success
	assert_line "Uid:	4001	4001	4001	4001"
	assert_line "Gid:	4001	4001	4001	4001"
	for set in CapInh CapPrm CapEff CapBnd CapAmb; do
		assert_line "$set:	0000000000000000"
	done
	assert_line "NoNewPrivs:	1"
	# Not dumpable: the program, as the same user, cannot read or trace it.
	assert_line "environ: unreadable"
}

@test "not PID 1: privrun is the child subreaper, and reaps the orphans" {
	# The orphan lives 2 s: long enough to be seen under load; then up
	# to 10 s for it to be reaped (a zombie keeps its /proc entry).
	prog='(sleep 2 & echo $! >'$shared'/orphan); sleep 0.1; o=$(cat '$shared'/orphan)
		awk "/^PPid/ {print \"orphan of privrun: \" (\$2 == $PPID ? \"yes\" : \"no\")}" /proc/$o/status
		for i in $(seq 120); do [ -e /proc/$o ] || break; sleep 0.1; done
		[ -e /proc/$o ] && echo "orphan: left" || echo "orphan: gone"'
	run --separate-stderr "$PRIVRUN" --init -u 4001 -- sh -c "$prog" 3>&-
	assert_success
	assert_output "orphan of privrun: yes
orphan: gone"
	run --separate-stderr "$PRIVRUN" -u 4001 -- sh -c "$prog" 3>&-
	assert_line "orphan of privrun: no"
	# In privrun's own status: the subreaper, no capability.
	background "$PRIVRUN" --init -u 4001 -- sleep 30
	wait_for grep -q "^NoNewPrivs:.1" "/proc/$LAST_PID/status"
	run grep -E "^(Uid|CapEff|CapBnd|NoNewPrivs):" "/proc/$LAST_PID/status"
	assert_output "Uid:	4001	4001	4001	4001
CapEff:	0000000000000000
CapBnd:	0000000000000000
NoNewPrivs:	1"
	kill -TERM "$LAST_PID"
	status_of "$LAST_PID"
	assert_equal "$status" 143
}

@test "--init with the setuid and file-capability copies: the same parent, as the target" {
	printf 'permit prtest-a as prtest-b cmd /bin/sh\n' >/etc/privrun.conf
	chmod 0644 /etc/privrun.conf
	for copy in "$PRIVRUN_SUID" "$PRIVRUN_CAPS"; do
		run --separate-stderr as_user 4001 "$copy" --init -u prtest-b -- \
			/bin/sh -c 'until grep -q "^NoNewPrivs:.1" /proc/$PPID/status; do sleep 0.05; done
				grep -E "^(Uid|CapPrm|CapBnd|NoNewPrivs):" /proc/$PPID/status; exit 9' 3>&-
		assert_failure 9
		assert_output "Uid:	4002	4002	4002	4002
CapPrm:	0000000000000000
CapBnd:	0000000000000000
NoNewPrivs:	1"
	done
	rm -f /etc/privrun.conf
}

@test "--dry-run shows --init" {
	run --separate-stderr "$PRIVRUN" -n --init -u 4001 -- true 3>&-
	assert_line "init: 1"
	run --separate-stderr "$PRIVRUN" -n -u 4001 -- true 3>&-
	assert_line "init: 0"
}

@test "the parent that stays fails: exit 125 with the step, and the program dies with it" {
	# The program ends; reaping it fails.
	run --separate-stderr "$FAULTINJECT" wait4 fail -- "$PRIVRUN" -u 4001 --init -- true 3>&-
	assert_failure 125
	assert_equal "$stderr" "privrun: signal: waitpid: Operation not permitted"
	# No signalfd: the parent fails before it lets the child go on, so
	# the program never runs.
	run --separate-stderr "$FAULTINJECT" signalfd4 fail -- "$PRIVRUN" -u 4001 --init -- sh -c 'touch "$1"; exec sleep 31' sh "$shared/ran" 3>&-
	assert_failure 125
	run printf '%s\n' "$stderr"
	assert_line "privrun: signal: signalfd: Operation not permitted"
	sleep 0.2
	assert [ ! -e "$shared/ran" ]
	# (a zombie, until reaped, has no command line)
	wait_for sh -c '! pgrep -u 4001 -fx "sleep 31"'
	# A forwarded signal that cannot be sent.
	"$FAULTINJECT" kill fail a1=15 -- "$PRIVRUN" -u 4001 --init -- \
		sh -c 'echo ready; exec sleep 30' 2>"$shared/err" >"$shared/out" 3>&- &
	bg=$!
	BG_PIDS+=("$bg")
	wait_for grep -q ready "$shared/out"
	kill -TERM "$bg"
	status_of "$bg"
	assert_equal "$status" 125
	run cat "$shared/err"
	assert_output "privrun: signal: forward signal 15: Operation not permitted"
}
