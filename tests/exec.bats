#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# The exec: PROGRAM's status, 126 and 127, argv passed intact, PATH search,
# and the argc == 0 start.

load helpers

@test "privrun's status is the program's own" {
	run --separate-stderr "$PRIVRUN" -u nobody -- "$PROBE" exit 7 3>&-
	assert_failure 7
	assert_line "Uid: 65534 65534 65534 65534"
}

@test "argv reaches the program intact, privrun-looking options included" {
	run --separate-stderr "$PRIVRUN" -u nobody "$PROBE" -u root -- --dump '' 'a b' 3>&-
	assert_success
	assert_line "Argv: 1 -u"
	assert_line "Argv: 2 root"
	assert_line "Argv: 3 --"
	assert_line "Argv: 4 --dump"
	assert_line "Argv: 5 "
	assert_line "Argv: 6 a b"
	assert_line "Uid: 65534 65534 65534 65534"
}

@test "a program that does not exist: 127, by name and by path" {
	run -127 --separate-stderr "$PRIVRUN" -u nobody -- no-such-program-here 3>&-
	assert_failure 127
	assert_equal "$stderr" "privrun: exec: no-such-program-here: command not found in PATH"
	run -127 --separate-stderr "$PRIVRUN" -u nobody -- /nonexistent/prog 3>&-
	assert_failure 127
	assert_equal "$stderr" "privrun: exec: /nonexistent/prog: No such file or directory"
}

@test "a program that is not executable: 126, by path and found in PATH" {
	f=$PRIVRUN_TEST_ROOT/data/not-executable
	printf '#!/bin/sh\necho ran\n' >"$f"
	chmod 0644 "$f"
	run --separate-stderr "$PRIVRUN" -u nobody -- "$f" 3>&-
	assert_failure 126
	assert_equal "$output" ""
	assert_equal "$stderr" "privrun: exec: $f: Permission denied"
	run --separate-stderr "$PRIVRUN" -u nobody --env PATH="$PRIVRUN_TEST_ROOT/data" -- not-executable 3>&-
	assert_failure 126
	assert_equal "$stderr" "privrun: exec: not-executable: Permission denied"
}

@test "a program only root may execute: 126 after the drop" {
	f=$PRIVRUN_TEST_ROOT/data/root-only
	cp "$PROBE" "$f"
	chmod 0700 "$f"
	run --separate-stderr "$PRIVRUN" -u nobody -- "$f" 3>&-
	assert_failure 126
	assert_equal "$output" ""
	assert_equal "$stderr" "privrun: exec: $f: Permission denied"
}

@test "PROGRAM is searched in the PATH the program gets" {
	run --separate-stderr "$PRIVRUN" -u nobody --env PATH="$PRIVRUN_TEST_ROOT/bin" -- probe 3>&-
	assert_success
	assert_line "Argv: 0 probe"
	assert_line "Uid: 65534 65534 65534 65534"
}

@test "an empty argument vector (argc == 0) is refused" {
	for p in "$PRIVRUN" "$PRIVRUN_SUID"; do
		run --separate-stderr "$NOARGV" "$p" 3>&-
		assert_failure 125
		assert_equal "$stderr" "privrun: start: refusing an empty argument vector"
	done
	run --separate-stderr as_user 4001 "$NOARGV" "$PRIVRUN_SUID" 3>&-
	assert_failure 125
	assert_equal "$stderr" "privrun: start: refusing an empty argument vector"
}

@test "--rlimit: 'unlimited' and 'infinity', an empty or overlong value, and at most 32" {
	run --separate-stderr "$PRIVRUN" -n -u nobody --rlimit core=unlimited \
		--rlimit cpu=10:infinity -- true 3>&-
	assert_success
	assert_line "rlimit: core 18446744073709551615 18446744073709551615"
	assert_line "rlimit: cpu 10 18446744073709551615"
	for bad in nofile= nofile=1: "nofile=$(printf '1%.0s' $(seq 40))"; do
		refuse "privrun: usage: --rlimit '$bad': limits are decimal numbers or 'unlimited'" \
			"$PRIVRUN" -u nobody --rlimit "$bad" -- true
	done
	many=()
	for _ in $(seq 33); do many+=(--rlimit core=0); done
	refuse "privrun: usage: --rlimit: more than 32 given" "$PRIVRUN" -u nobody "${many[@]}" -- true
}

@test "a small stack limit that cannot be raised for privrun's own use: exit 125" {
	run --separate-stderr sh -c 'ulimit -S -s 64; exec "$@"' - \
		"$FAULTINJECT" prlimit64 fail a1=3 a2!=0 -- "$PRIVRUN" -u nobody -- touch "$BATS_TEST_TMPDIR/ran" 3>&-
	assert_failure 125
	assert_equal "$stderr" "privrun: start: setrlimit(RLIMIT_STACK): Operation not permitted"
	assert [ ! -e "$BATS_TEST_TMPDIR/ran" ]
}

@test "--new-session from a process group leader that cannot give up its terminal: exit 125" {
	# In a shell with job control, privrun leads its own process group,
	# where setsid(2) fails; then TIOCNOTTY (here made to fail).
	out=$BATS_TEST_TMPDIR/out
	run "$PTYRUN" "$out" /bin/bash -c 'set -m; "$@"; echo "status $?"' - \
		"$FAULTINJECT" ioctl fail a1=0x5422 -- "$PRIVRUN" --new-session --no-pty -u nobody -- touch "$BATS_TEST_TMPDIR/ran"
	run cat "$out"
	assert_output "privrun: new-session: ioctl(TIOCNOTTY): Operation not permitted
status 125"
	assert [ ! -e "$BATS_TEST_TMPDIR/ran" ]
}
