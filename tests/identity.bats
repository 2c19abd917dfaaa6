#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# Identity: every form of --user/--group/--groups, checked from the kernel.

load helpers

@test "-u nobody: ids, no groups, five empty capability sets, securebits, no_new_privs" {
	run --separate-stderr "$PRIVRUN" -u nobody -- "$PROBE" 3>&-
	assert_success
	assert_dropped_to 65534 65534 ""
	assert_line "Regain-setgid0: Operation not permitted"
}

@test "the drop as seen from outside, in /proc/PID/status of the running program" {
	"$PRIVRUN" -u prtest-b -- sleep 30 3>&- &
	pid=$!
	for _ in $(seq 100); do
		[ "$(cat /proc/$pid/comm 2>/dev/null)" = sleep ] && break
		sleep 0.05
	done
	status_file=$(cat /proc/$pid/status)
	kill "$pid"
	run grep -E '^(Uid|Gid|Groups|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs):' <<<"$status_file"
	assert_line --regexp $'^Uid:\t4002\t4002\t4002\t4002$'
	assert_line --regexp $'^Gid:\t4002\t4002\t4002\t4002$'
	assert_line --regexp $'^Groups:\t4100 ?$'
	assert_line --regexp $'^CapPrm:\t0000000000000000$'
	assert_line --regexp $'^CapBnd:\t0000000000000000$'
	assert_line --regexp $'^NoNewPrivs:\t1$'
}

@test "a named user gets its group-database groups, without the primary group" {
	run --separate-stderr "$PRIVRUN" -u prtest-a -- "$PROBE" 3>&-
	assert_success
	assert_dropped_to 4001 4001 "4100 4101"
}

@test "-u USER:GROUP sets the primary group" {
	run --separate-stderr "$PRIVRUN" -u prtest-a:prtest-shared -- "$PROBE" 3>&-
	assert_success
	assert_dropped_to 4001 4100 "4101"
}

@test "-g GROUP by number sets the primary group" {
	run --separate-stderr "$PRIVRUN" -u prtest-a -g 4101 -- "$PROBE" 3>&-
	assert_success
	assert_dropped_to 4001 4101 "4100"
}

@test "-G LIST sets exactly these groups, names and numbers mixed" {
	run --separate-stderr "$PRIVRUN" -u prtest-a -G prtest-b,4101,7777 -- "$PROBE" 3>&-
	assert_success
	assert_dropped_to 4001 4001 "4002 4101 7777"
}

@test "-G '' clears the supplementary groups" {
	run --separate-stderr "$PRIVRUN" -u prtest-a -G '' -- "$PROBE" 3>&-
	assert_success
	assert_dropped_to 4001 4001 ""
}

@test "a numeric uid with a passwd entry uses that entry" {
	run --separate-stderr "$PRIVRUN" -u 4002 -- "$PROBE" 3>&-
	assert_success
	assert_dropped_to 4002 4002 "4100"
	assert_line "Env: HOME=/home/prtest-b"
	assert_line "Env: USER=prtest-b"
}

@test "a numeric uid without a passwd entry runs with the explicit group and no groups" {
	run --separate-stderr "$PRIVRUN" -u 5000:5001 -- "$PROBE" 3>&-
	assert_success
	assert_dropped_to 5000 5001 ""
	assert_line "Env: HOME=/"
	assert_line "Env: USER=5000"
	assert_line "Env: LOGNAME=5000"
	assert_line "Env: SHELL=/bin/sh"
}

@test "digits are an id, never a name: user '4003' (uid 4050) is not uid 4003" {
	run --separate-stderr "$PRIVRUN" -u 4003:4003 -- "$PROBE" 3>&-
	assert_success
	assert_dropped_to 4003 4003 ""
}

@test "digits are an id, never a name: group '4102' (gid 4060) is not gid 4102" {
	run --separate-stderr "$PRIVRUN" -u prtest-b -g 4102 -G 4102 -- "$PROBE" 3>&-
	assert_success
	assert_dropped_to 4002 4102 "4102"
}

@test "--user root runs as uid 0 with no capabilities: a mode 000 file stays closed" {
	secret=$(make_secret)
	chmod 000 "$secret"
	run --separate-stderr "$PRIVRUN" --user root -- "$PROBE" read "$secret" 3>&-
	assert_success
	assert_dropped_to 0 0 ""
	assert_line "Read: $secret Permission denied"
	# The same probe as plain root can: the denial is the dropped capability.
	run "$PROBE" read "$secret"
	assert_line "Read: $secret ok"
}

@test "-u 0 is as explicit as --user root" {
	run --separate-stderr "$PRIVRUN" -u 0 -- "$PROBE" 3>&-
	assert_success
	assert_dropped_to 0 0 ""
}
