#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# The program's environment: target's HOME/USER/LOGNAME/SHELL, --keep-env,
# --clear-env, --env, and inherited LISTEN_*/PRIVRUN_* always removed.

load helpers

@test "the target's HOME, USER, LOGNAME and SHELL replace the caller's; the rest passes" {
	run --separate-stderr env HOME=/root USER=root LOGNAME=root SHELL=/bin/zsh FOO=bar \
		"$PRIVRUN" -u prtest-a -- "$PROBE" 3>&-
	assert_success
	assert_line "Env: HOME=/home/prtest-a"
	assert_line "Env: USER=prtest-a"
	assert_line "Env: LOGNAME=prtest-a"
	assert_line "Env: SHELL=/bin/bash"
	assert_line "Env: FOO=bar"
	refute_line "Env: HOME=/root"
}

@test "--keep-env leaves HOME, USER, LOGNAME and SHELL alone" {
	run --separate-stderr env HOME=/root USER=root LOGNAME=root SHELL=/bin/zsh \
		"$PRIVRUN" -u prtest-a --keep-env -- "$PROBE" 3>&-
	assert_success
	assert_line "Env: HOME=/root"
	assert_line "Env: USER=root"
	assert_line "Env: SHELL=/bin/zsh"
}

@test "--clear-env leaves exactly PATH and the target's variables" {
	run --separate-stderr env FOO=bar "$PRIVRUN" -u prtest-b --clear-env -- "$PROBE" 3>&-
	assert_success
	run grep '^Env: ' <<<"$output"
	assert_output "Env: PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
Env: HOME=/home/prtest-b
Env: USER=prtest-b
Env: LOGNAME=prtest-b
Env: SHELL=/bin/sh"
}

@test "--env adds variables in order; a later one wins; values may hold '='" {
	run --separate-stderr "$PRIVRUN" -u nobody --env A=1 --env B=x=y --env A=2 \
		--env HOME=/srv -- "$PROBE" 3>&-
	assert_success
	assert_line "Env: A=2"
	assert_line "Env: B=x=y"
	assert_line "Env: HOME=/srv"
	refute_line "Env: A=1"
}

@test "inherited LISTEN_* and PRIVRUN_* variables never reach the program" {
	run --separate-stderr env LISTEN_FDS=2 LISTEN_PID=1 LISTEN_FDNAMES=a:b \
		LISTEN_PIDFDID=7 PRIVRUN_MONITOR_FD=9 LISTENER=kept \
		"$PRIVRUN" -u nobody -- "$PROBE" 3>&-
	assert_success
	refute_line --regexp '^Env: (LISTEN_|PRIVRUN_)'
	assert_line "Env: LISTENER=kept"
}

@test "a reset environment keeps TERM, LANG, LANGUAGE and LC_ names in capitals only" {
	printf 'permit prtest-a as prtest-b cmd %s\n' "$PROBE" >/etc/privrun.conf
	chmod 0644 /etc/privrun.conf
	run --separate-stderr as_user 4001 env -i LANGUAGE=de LC_TIME=C LC_time=C \
		LC_9=C "$PRIVRUN_SUID" -u prtest-b -- "$PROBE" 3>&-
	rm -f /etc/privrun.conf
	assert_success
	assert_line "Env: LANGUAGE=de"
	assert_line "Env: LC_TIME=C"
	refute_line --regexp '^Env: LC_(time|9)='
}

@test "--dry-run shows what the environment plan clears and sets" {
	run --separate-stderr "$PRIVRUN" -n -u prtest-b --clear-env --env A=1 -- true 3>&-
	assert_success
	assert_line "env: clear"
	assert_line "env: set PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
	assert_line "env: set A=1"
}
