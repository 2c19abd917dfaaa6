#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# After the drop and process set-up: --keep-caps, --allow-new-privs, the
# terminal guard, --new-session, --chroot, --chdir, --umask, --rlimit.

load helpers

bin=$PRIVRUN_TEST_ROOT/bin

# 0x400 is CAP_NET_BIND_SERVICE (10), 0x2000 CAP_NET_RAW (13).
@test "--keep-caps: exactly the kept capability in every set, effective at start" {
	run --separate-stderr "$PRIVRUN" -u nobody --keep-caps net_bind_service -- "$PROBE" 3>&-
	assert_success
	for set in CapInh CapPrm CapEff CapBnd CapAmb; do
		assert_line "$set: 0000000000000400"
	done
	assert_line "Uid: 65534 65534 65534 65534"
	assert_line "Securebits: 0xcf"
	assert_line "NoNewPrivs: 1"
	assert_line "Env: PRIVRUN_CAPS=cap_net_bind_service"
	assert_line "Regain-setuid0: Operation not permitted"
}

@test "--keep-caps: the program lowers and raises it, and can gain no other" {
	run --separate-stderr "$PRIVRUN" -u nobody --keep-caps CAP_NET_BIND_SERVICE -- \
		"$PROBE" bind 80 caps-lower bind 81 caps-raise 10 bind 82 caps-raise 13 ambient 13 3>&-
	assert_success
	assert_line "Bind 80: ok"
	assert_line "Caps-lower: ok"
	assert_line "Bind 81: Permission denied"
	assert_line "Caps-raise 10: ok"
	assert_line "Bind 82: ok"
	assert_line "Caps-raise 13: Operation not permitted"
	assert_line "Ambient 13: Operation not permitted"
}

@test "--keep-caps: names with or without cap_, any case; several at once" {
	run --separate-stderr "$PRIVRUN" -u nobody --keep-caps cap_net_raw,Net_Bind_Service -- "$PROBE" 3>&-
	assert_success
	assert_line "CapAmb: 0000000000002400"
	assert_line "Env: PRIVRUN_CAPS=cap_net_bind_service,cap_net_raw"
}

@test "--keep-caps: an unknown name, an empty one, and --revoke with it are refused" {
	refuse "privrun: usage: --keep-caps: unknown capability 'net_bind_servic'" \
		"$PRIVRUN" -u nobody --keep-caps net_bind_servic -- "$PROBE"
	refuse "privrun: usage: --keep-caps 'net_raw,,': empty or overlong capability name" \
		"$PRIVRUN" -u nobody --keep-caps net_raw,, -- "$PROBE"
	refuse "privrun: usage: --revoke and --keep-caps are mutually exclusive" \
		"$PRIVRUN" -u nobody --revoke --keep-caps net_raw -- "$PROBE"
}

@test "a file-capability helper run by the program gains nothing" {
	run getcap "$bin/probe-netraw" "$bin/probe-netraw-p"
	assert_line --partial "probe-netraw cap_net_raw=ep"
	assert_line --partial "probe-netraw-p cap_net_raw=p"
	# =ep: the kernel will not start it with less than it asks for.
	run --separate-stderr "$PRIVRUN" -u nobody --keep-caps net_bind_service -- "$bin/probe-netraw" 3>&-
	assert_failure 126
	assert_equal "$stderr" "privrun: exec: $bin/probe-netraw: Operation not permitted"
	# =p: it starts, without CAP_NET_RAW (no_new_privs, bounding set), and
	# even without the kept one: exec of a file with file capabilities
	# clears the ambient set (capabilities(7)).
	run --separate-stderr "$PRIVRUN" -u nobody --keep-caps net_bind_service -- "$bin/probe-netraw-p" 3>&-
	assert_success
	assert_line "CapPrm: 0000000000000000"
	assert_line "CapAmb: 0000000000000000"
	assert_line "CapBnd: 0000000000000400"
	run --separate-stderr "$PRIVRUN" -u nobody -- "$bin/probe-netraw-p" 3>&-
	assert_success
	assert_line "CapPrm: 0000000000000000"
}

@test "--allow-new-privs leaves no_new_privs unset, so a setuid helper's euid applies" {
	# A setuid probe cannot run LeakSanitizer (see as_user in helpers.bash).
	export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
	run --separate-stderr "$PRIVRUN" -u nobody -- "$bin/probe-suid" 3>&-
	assert_success
	assert_line "NoNewPrivs: 1"
	assert_line "Uid: 65534 65534 65534 65534"
	run --separate-stderr "$PRIVRUN" -u nobody --allow-new-privs -- "$bin/probe-suid" 3>&-
	assert_success
	assert_line "NoNewPrivs: 0"
	assert_line "Uid: 65534 0 0 0"
	# ...but root's capabilities stay out of reach (securebits, bounding set).
	assert_line "CapPrm: 0000000000000000"
	assert_line "CapBnd: 0000000000000000"
}

@test "terminal guard: TIOCSTI fails with EPERM, plain and with upper bits set; nothing is injected" {
	# --no-pty: the caller's own terminal, as without --pty (tests/pty.bats).
	out=$BATS_TEST_TMPDIR/out
	run "$PTYRUN" "$out" "$PRIVRUN" -u nobody --no-pty -- "$PROBE" tiocsti Z
	assert_success
	assert_output "Master: b''"
	run cat "$out"
	assert_line "Seccomp: 2"
	assert_line "Tiocsti-plain: Operation not permitted"
	assert_line "Tiocsti-high: Operation not permitted"
}

@test "terminal guard: it holds against CAP_SYS_ADMIN too, and --no-tty-guard shows the test can fail" {
	out=$BATS_TEST_TMPDIR/out
	run "$PTYRUN" "$out" "$PRIVRUN" -u nobody --no-pty --keep-caps sys_admin -- "$PROBE" tiocsti Z
	assert_success
	assert_output "Master: b''"
	run cat "$out"
	assert_line "Tiocsti-plain: Operation not permitted"
	assert_line "Tiocsti-high: Operation not permitted"
	run "$PTYRUN" "$out" "$PRIVRUN" -u nobody --no-pty --keep-caps sys_admin --no-tty-guard -- "$PROBE" tiocsti Z
	assert_success
	assert_output "Master: b'ZZ'"
	run cat "$out"
	assert_line "privrun: warning: --no-tty-guard: the program can push keystrokes into this terminal (TIOCSTI)"
	assert_line "Seccomp: 0"
	assert_line "Tiocsti-plain: ok"
	assert_line "Tiocsti-high: ok"
}

@test "terminal guard: with --allow-new-privs too, loaded while privileged since no_new_privs is not set" {
	out=$BATS_TEST_TMPDIR/out
	run "$PTYRUN" "$out" "$PRIVRUN" -u nobody --no-pty --allow-new-privs -- "$PROBE" tiocsti Z
	assert_success
	assert_output "Master: b''"
	run cat "$out"
	assert_line "NoNewPrivs: 0"
	assert_line "Seccomp: 2"
	assert_line "Tiocsti-plain: Operation not permitted"
	assert_line "Tiocsti-high: Operation not permitted"
}

@test "terminal guard: stdio away from the terminal still gets it, since /dev/tty is the terminal" {
	out=$BATS_TEST_TMPDIR/out
	run "$PTYRUN" "$out" /bin/sh -c 'exec "$0" "$@" </dev/null' \
		"$PRIVRUN" -u nobody --no-pty -- "$PROBE" tiocsti-tty Z
	assert_success
	assert_output "Master: b''"
	run cat "$out"
	assert_line "Seccomp: 2"
	assert_line "Tiocsti-plain: Operation not permitted"
	assert_line "Tiocsti-high: Operation not permitted"
	# The control: without the guard the same program injects.
	run "$PTYRUN" "$out" /bin/sh -c 'exec "$0" "$@" </dev/null' \
		"$PRIVRUN" -u nobody --no-pty --no-tty-guard -- "$PROBE" tiocsti-tty Z
	assert_success
	assert_output "Master: b'ZZ'"
}

@test "terminal guard: not installed without a terminal, nor for the caller itself" {
	run --separate-stderr "$PRIVRUN" -u nobody -- "$PROBE" 3>&-
	assert_line "Seccomp: 0"
	out=$BATS_TEST_TMPDIR/out
	run "$PTYRUN" "$out" "$PRIVRUN" -u root -- "$PROBE"
	run cat "$out"
	assert_line "Seccomp: 0"
}

@test "--new-session: no controlling terminal, so TIOCSTI fails without the filter" {
	out=$BATS_TEST_TMPDIR/out
	run "$PTYRUN" "$out" "$PRIVRUN" -u nobody --new-session -- "$PROBE" tiocsti Z
	assert_success
	assert_output "Master: b''"
	run cat "$out"
	assert_line "Ctty: No such device or address"
	assert_line "Seccomp: 0"
	assert_line "Tiocsti-plain: Operation not permitted"
	# Without it, the program has the terminal as its controlling one.
	run "$PTYRUN" "$out" "$PRIVRUN" -u nobody -- "$PROBE"
	run cat "$out"
	assert_line "Ctty: yes"
}

@test "--chroot: the program runs inside the new root, seen from /proc/PID/root" {
	root=$BATS_TEST_TMPDIR/root
	mkdir -p "$root/bin" "$root/proc"
	cp "$PROBE" "$root/bin/probe"
	for lib in $(ldd "$PROBE" | grep -o '/[^ ]*'); do
		cp --parents "$lib" "$root"
	done
	chmod -R a+rX "$root"
	chmod a+x "$BATS_TEST_TMPDIR"
	mount -t proc proc "$root/proc"
	# The build directory at its own path inside: a coverage build writes
	# its counts there after the chroot (tests/coverage/flush.c).
	mkdir -p "$root$BUILD"
	mount --bind "$BUILD" "$root$BUILD"
	"$PRIVRUN" -u nobody --chroot "$root" --chdir /bin -- /bin/probe sleep 30 >"$BATS_TEST_TMPDIR/out" 3>&- &
	pid=$!
	for _ in $(seq 100); do
		grep -q '^Cwd: ' "$BATS_TEST_TMPDIR/out" 2>/dev/null && break
		sleep 0.05
	done
	run readlink /proc/$pid/root /proc/$pid/cwd
	kill "$pid"
	umount "$root/proc" "$root$BUILD"
	assert_output "$root
$root/bin"
	run grep -E '^(Uid|Cwd):' "$BATS_TEST_TMPDIR/out"
	assert_output "Uid: 65534 65534 65534 65534
Cwd: /bin"
}

@test "--chroot to a missing directory is refused" {
	refuse "privrun: chroot: /nonexistent: No such file or directory" \
		"$PRIVRUN" -u nobody --chroot /nonexistent -- /bin/true
	refuse "privrun: usage: --chroot 'relative': must be an absolute path" \
		"$PRIVRUN" -u nobody --chroot relative -- /bin/true
}

@test "--chdir changes directory as the target user, and says why it cannot" {
	run --separate-stderr "$PRIVRUN" -u nobody --chdir /tmp -- "$PROBE" 3>&-
	assert_success
	assert_line "Cwd: /tmp"
	private=$BATS_TEST_TMPDIR/private
	mkdir -m 0700 "$private"
	refuse "privrun: chdir: $private: Permission denied" \
		"$PRIVRUN" -u nobody --chdir "$private" -- "$PROBE"
}

@test "--umask sets the program's umask" {
	run --separate-stderr "$PRIVRUN" -u nobody --umask 027 -- "$PROBE" 3>&-
	assert_success
	assert_line "Umask: 0027"
	for bad in 0800 8 '' 77777 -1; do
		run --separate-stderr "$PRIVRUN" -u nobody --umask "$bad" -- "$PROBE" 3>&-
		assert_failure 125
		assert_equal "$(sed -n 1p <<<"$stderr")" "privrun: usage: --umask '$bad': expected an octal mode up to 0777"
	done
}

@test "--rlimit sets soft and hard limits; SOFT alone keeps the hard limit" {
	run --separate-stderr "$PRIVRUN" -u nobody --rlimit nofile=100:200 -- "$PROBE" 3>&-
	assert_success
	assert_line "Limit: nofile 100 200"
	hard=$(ulimit -Hn)
	run --separate-stderr bash -c 'ulimit -Sn 50; exec "$@" 3>&-' - \
		"$PRIVRUN" -u nobody --rlimit nofile=$hard -- "$PROBE"
	assert_success
	assert_line "Limit: nofile $hard $hard"
	run --separate-stderr "$PRIVRUN" -u nobody --rlimit nofile=64 --rlimit core=0:0 -- "$PROBE" 3>&-
	assert_line "Limit: nofile 64 $hard"
}

@test "--rlimit errors: unknown name, bad number, soft above hard" {
	for arg in nofiles=10 nofile nofile=-1 nofile=10:x nofile=0x10; do
		run --separate-stderr "$PRIVRUN" -u nobody --rlimit "$arg" -- "$PROBE" 3>&-
		assert_failure 125
		assert_output ""
	done
	run --separate-stderr "$PRIVRUN" -u nobody --rlimit nofiles=10 -- "$PROBE" 3>&-
	assert_equal "$(sed -n 1p <<<"$stderr")" "privrun: usage: --rlimit 'nofiles=10': expected NAME=SOFT[:HARD] with a NAME prlimit(1) knows"
	run --separate-stderr "$PRIVRUN" -u nobody --rlimit nofile=10:x -- "$PROBE" 3>&-
	assert_equal "$(sed -n 1p <<<"$stderr")" "privrun: usage: --rlimit 'nofile=10:x': limits are decimal numbers or 'unlimited'"
	run --separate-stderr "$PRIVRUN" -u nobody --rlimit nofile=20:10 -- "$PROBE" 3>&-
	assert_equal "$(sed -n 1p <<<"$stderr")" "privrun: usage: --rlimit 'nofile=20:10': the soft limit is above the hard limit"
}

@test "an untrusted caller may not keep capabilities, chroot or raise a hard limit" {
	hard=$(ulimit -Hn)
	for copy in "$PRIVRUN_SUID" "$PRIVRUN_CAPS"; do
		run --separate-stderr as_user 4001 "$copy" --keep-caps net_bind_service -- "$PROBE" 3>&-
		assert_failure 125
		assert_equal "$stderr" "privrun: policy: uid 4001 (prtest-a) may not keep cap_net_bind_service (--keep-caps): denied by default (no rule grants it)"
		run --separate-stderr as_user 4001 "$copy" --chroot / -- "$PROBE" 3>&-
		assert_failure 125
		assert_equal "$stderr" "privrun: policy: uid 4001 (prtest-a) may not use --chroot: denied by default (no rule grants it)"
		run --separate-stderr as_user 4001 "$copy" --rlimit nofile=10:$((hard + 1)) -- "$PROBE" 3>&-
		assert_failure 125
		assert_equal "$stderr" "privrun: policy: uid 4001 (prtest-a) may not raise the hard limit of nofile: denied by default (no rule grants it)"
	done
	run --separate-stderr as_user 4001 "$PRIVRUN_SUID" --rlimit nofile=10:20 --umask 077 -- "$PROBE" 3>&-
	assert_success
	assert_line "Limit: nofile 10 20"
	assert_line "Umask: 0077"
}

@test "--dry-run shows the kept set, no_new_privs, the guard and the process set-up" {
	run --separate-stderr "$PRIVRUN" -n -u nobody --keep-caps net_bind_service --allow-new-privs \
		--rlimit nofile=10:20 --umask 027 --chdir /tmp --chroot / --new-session -- /bin/true 3>&-
	assert_success
	assert_line "mode: keep-caps"
	assert_line "cap_ambient: cap_net_bind_service"
	assert_line "cap_bounding: cap_net_bind_service"
	assert_line "no_new_privs: 0"
	assert_line "tty_guard: 0"
	assert_line "rlimit: nofile 10 20"
	assert_line "umask: 0027"
	assert_line "chdir: /tmp"
	assert_line "chroot: /"
	assert_line "new_session: 1"
}

@test "--new-session outside a terminal: the program leads a new session of its own" {
	run --separate-stderr "$PRIVRUN" -u nobody --new-session -- /bin/sh -c \
		'sed "s/.*) //" /proc/$$/stat | cut -d" " -f4; echo $$' 3>&-
	assert_success
	assert_equal "${lines[0]}" "${lines[1]}"
}
