#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# An ordinary user starts a setuid-root copy, a file-capability copy and a
# plain copy of privrun.  With no policy granting more, the caller may only
# run programs as itself, and then fully dropped.

load helpers

@test "setuid copy, run as the caller itself: fully dropped to the caller" {
	run --separate-stderr as_user 4001 "$PRIVRUN_SUID" -- "$PROBE" 3>&-
	assert_success
	assert_dropped_to 4001 4001 "4001 4100 4101"
}

@test "file-capability copy, run as the caller itself: fully dropped to the caller" {
	run getcap "$PRIVRUN_CAPS"
	assert_output --partial "cap_dac_read_search,cap_setgid,cap_setuid,cap_setpcap,cap_net_bind_service=p"
	run --separate-stderr as_user 4001 "$PRIVRUN_CAPS" -- "$PROBE" 3>&-
	assert_success
	assert_dropped_to 4001 4001 "4001 4100 4101"
}

@test "plain copy, unprivileged: runs as the caller with no_new_privs and nothing to drop" {
	run --separate-stderr as_user 4001 "$PRIVRUN" -- "$PROBE" 3>&-
	assert_success
	assert_line "Uid: 4001 4001 4001 4001"
	assert_line "Groups: 4001 4100 4101"
	assert_line "CapPrm: 0000000000000000"
	assert_line "CapAmb: 0000000000000000"
	assert_line "NoNewPrivs: 1"
}

@test "setuid and file-capability copies deny another target user by default" {
	for copy in "$PRIVRUN_SUID" "$PRIVRUN_CAPS"; do
		run --separate-stderr as_user 4001 "$copy" -u prtest-b -- "$PROBE" 3>&-
		assert_failure 125
		assert_equal "$output" ""
		assert_equal "$stderr" "privrun: policy: uid 4001 (prtest-a) may not run $PROBE as uid 4002 (prtest-b): denied by default (no rule grants it)"
	done
}

@test "the setuid copy denies root to an ordinary caller, by name or number" {
	for u in root 0; do
		run --separate-stderr as_user 4001 "$PRIVRUN_SUID" -u "$u" -- "$PROBE" 3>&-
		assert_failure 125
		assert_equal "$output" ""
		assert_equal "$stderr" "privrun: policy: uid 4001 (prtest-a) may not run $PROBE as uid 0 (root): denied by default (no rule grants it)"
	done
}

@test "the setuid copy denies another primary group" {
	run --separate-stderr as_user 4001 "$PRIVRUN_SUID" -g prtest-b -- "$PROBE" 3>&-
	assert_failure 125
	assert_equal "$output" ""
	assert_equal "$stderr" "privrun: policy: uid 4001 (prtest-a) may not run programs with gid 4002: denied by default (no rule grants it)"
}

@test "the setuid copy denies a supplementary group the caller does not have" {
	run --separate-stderr as_user 4001 "$PRIVRUN_SUID" -G 4001,4100,4101,0 -- "$PROBE" 3>&-
	assert_failure 125
	assert_equal "$output" ""
	assert_equal "$stderr" "privrun: policy: uid 4001 (prtest-a) may not change its supplementary groups: denied by default (no rule grants it)"
}

@test "the setuid copy denies shedding a group: a group can be a deny list" {
	banned=$PRIVRUN_TEST_ROOT/data/banned.$BATS_TEST_NUMBER
	echo secret >"$banned"
	chgrp 4101 "$banned"
	chmod 0604 "$banned"
	run as_user 4001 cat "$banned"
	assert_failure
	for copy in "$PRIVRUN_SUID" "$PRIVRUN_CAPS"; do
		run --separate-stderr as_user 4001 "$copy" -G 4001,4100 -- cat "$banned" 3>&-
		assert_failure 125
		assert_equal "$output" ""
		assert_equal "$stderr" "privrun: policy: uid 4001 (prtest-a) may not change its supplementary groups: denied by default (no rule grants it)"
	done
}

@test "the setuid copy keeps the caller's groups when -G names them all" {
	run --separate-stderr as_user 4001 "$PRIVRUN_SUID" -G 4101,4100,4001 -- "$PROBE" 3>&-
	assert_success
	assert_dropped_to 4001 4001 "4001 4100 4101"
}

@test "without --user the caller's real gid is kept, even when it is not its passwd group" {
	run --separate-stderr env ASAN_OPTIONS=detect_leaks=0 \
		setpriv --reuid=4001 --regid=4100 --init-groups -- "$PRIVRUN_SUID" -- "$PROBE" 3>&-
	assert_success
	assert_line "Uid: 4001 4001 4001 4001"
	assert_line "Gid: 4100 4100 4100 4100"
}

@test "the setuid copy searches PROGRAM in a fixed PATH, not the caller's" {
	evil=$PRIVRUN_TEST_ROOT/data/evil
	mkdir -p "$evil"
	chmod 0755 "$evil"
	printf '#!/bin/sh\necho EVIL\n' >"$evil/id"
	chmod 0755 "$evil/id"
	# The plain copy follows the caller's PATH: the trap is real...
	run --separate-stderr as_user 4001 env PATH="$evil:/usr/bin:/bin" "$PRIVRUN" -- id 3>&-
	assert_output "EVIL"
	# ...and the setuid copy does not fall into it.
	run --separate-stderr as_user 4001 env PATH="$evil:/usr/bin:/bin" "$PRIVRUN_SUID" -- id -u 3>&-
	assert_success
	assert_output "4001"
}

@test "the setuid copy drops before the exec: a root-only program cannot run" {
	f=$PRIVRUN_TEST_ROOT/data/root-only-prog
	cp "$PROBE" "$f"
	chmod 0700 "$f"
	run --separate-stderr as_user 4001 "$PRIVRUN_SUID" -- "$f" 3>&-
	assert_failure 126
	assert_equal "$stderr" "privrun: exec: $f: Permission denied"
}

@test "the setuid copy's --dump shows the dropped state" {
	run --separate-stderr as_user 4001 "$PRIVRUN_SUID" --dump 3>&-
	assert_success
	assert_line --regexp $'^Uid:\t4001\t4001\t4001\t4001$'
	assert_line --regexp $'^CapBnd:\t0000000000000000$'
	assert_line "Securebits:	0xcf"
}

@test "each start mode is recognised: root, setuid-root, file capabilities, unprivileged" {
	run --separate-stderr "$PRIVRUN" -n -u nobody -- /bin/true
	assert_line "start: root"
	run --separate-stderr as_user 4001 "$PRIVRUN_SUID" -n -- /bin/true
	assert_line "start: setuid-root"
	run --separate-stderr as_user 4001 "$PRIVRUN_CAPS" -n -- /bin/true
	assert_line "start: file-capabilities"
	assert_line "cap_bounding: none"
	run --separate-stderr as_user 4001 "$PRIVRUN" -n -- /bin/true
	assert_line "start: unprivileged"
	assert_line "cap_bounding: unchanged (no privileges to drop it)"
}

@test "setuid and file-capability copies deny a privileged port to an ordinary caller" {
	for copy in "$PRIVRUN_SUID" "$PRIVRUN_CAPS"; do
		run --separate-stderr as_user 4001 "$copy" -b tcp:80 -- "$PROBE" 3>&-
		assert_failure 125
		assert_equal "$output" ""
		assert_equal "$stderr" "privrun: policy: uid 4001 (prtest-a) may not bind tcp:80 (ports below 1024 are privileged): denied by default (no rule grants it)"
	done
}

@test "the setuid copy binds an unprivileged port for the caller" {
	run --separate-stderr as_user 4001 "$PRIVRUN_SUID" -b web=tcp4:127.0.0.1:8080 -- "$PROBE" 3>&-
	assert_success
	assert_dropped_to 4001 4001 "4001 4100 4101"
	assert_line --regexp '^Sock: 3 inet 127\.0\.0\.1:8080 type=stream listening=1 '
	assert_line "Env: LISTEN_FDNAMES=web"
}

@test "the setuid copy opens files only as the caller could, and says a rule can grant more" {
	secret=$(make_secret)
	for copy in "$PRIVRUN_SUID" "$PRIVRUN_CAPS"; do
		run --separate-stderr as_user 4001 "$copy" -o "$secret" -- "$PROBE" 3>&-
		assert_failure 125
		assert_equal "$output" ""
		assert_equal "$stderr" "privrun: open: $secret: permission denied to uid 4001: an open rule in /etc/privrun.conf can grant it"
	done
	mine=$PRIVRUN_TEST_ROOT/data/mine.$BATS_TEST_NUMBER
	echo mine >"$mine"
	chown 4001:4001 "$mine"
	chmod 0600 "$mine"
	run --separate-stderr as_user 4001 "$PRIVRUN_SUID" -o "$mine" -- "$PROBE" readfd 3 3>&-
	assert_success
	assert_line "Read: 3 ok"
}

@test "the setuid copy creates unix sockets only where and as the caller could" {
	root_dir=$PRIVRUN_TEST_ROOT/data/rootdir.$BATS_TEST_NUMBER
	user_dir=$PRIVRUN_TEST_ROOT/data/userdir.$BATS_TEST_NUMBER
	mkdir -m 0755 "$root_dir"
	mkdir -m 0755 "$user_dir"
	chown 4001 "$user_dir"
	run --separate-stderr as_user 4001 "$PRIVRUN_SUID" -b unix:$root_dir/s.sock -- "$PROBE" 3>&-
	assert_failure 125
	assert_equal "$stderr" "privrun: bind: unix:$root_dir/s.sock: bind: Permission denied"
	run --separate-stderr as_user 4001 "$PRIVRUN_SUID" -b unix:$user_dir/s.sock -- "$PROBE" 3>&-
	assert_success
	run stat -c '%U %G' "$user_dir/s.sock"
	assert_output "prtest-a prtest-a"
}

@test "sockets the setuid copy creates carry the caller's credentials, not root's" {
	dir=$PRIVRUN_TEST_ROOT/data/peer.$BATS_TEST_NUMBER
	mkdir -m 0755 "$dir"
	chown 4001 "$dir"
	as_user 4001 "$PRIVRUN_SUID" -b unix:$dir/s.sock -b unix:@peercred-test -- sleep 30 3>&- &
	pid=$!
	for _ in $(seq 100); do
		[ -S "$dir/s.sock" ] && grep -q '^Name:.sleep' /proc/$pid/status && break
		sleep 0.05
	done
	run python3 - "$dir/s.sock" <<'PY'
import socket, struct, sys
for addr in (sys.argv[1], "\0peercred-test"):
    c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    c.connect(addr)
    pid, uid, gid = struct.unpack("3i", c.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12))
    print("peer uid=%d gid=%d" % (uid, gid))
PY
	kill "$pid"
	assert_success
	assert_output "peer uid=4001 gid=4001
peer uid=4001 gid=4001"
}

@test "the setuid copy denies a unix socket owned by someone else" {
	dir=$PRIVRUN_TEST_ROOT/data/own.$BATS_TEST_NUMBER
	mkdir -m 0755 "$dir"
	chown 4001 "$dir"
	run --separate-stderr as_user 4001 "$PRIVRUN_SUID" -b unix:$dir/o.sock,owner=root,group=root -- "$PROBE" 3>&-
	assert_failure 125
	assert_equal "$stderr" "privrun: policy: uid 4001 (prtest-a) may not create unix:$dir/o.sock,owner=root,group=root owned by uid 0 gid 0: denied by default (no rule grants it)"
	[ ! -e "$dir/o.sock" ]
}

@test "the setuid copy refuses --pass-listen-fds" {
	run --separate-stderr as_user 4001 env LISTEN_PID=1 LISTEN_FDS=1 "$PRIVRUN_SUID" --pass-listen-fds -- "$PROBE" 3>&-
	assert_failure 125
	assert_equal "$stderr" "privrun: policy: uid 4001 (prtest-a) may not use --pass-listen-fds: denied by default (no rule grants it)"
}

@test "while the setuid copy is privileged, the caller can neither read its environ nor ptrace it" {
	# The kernel makes a setuid exec non-dumpable by itself; privrun's own
	# PR_SET_DUMPABLE 0 is belt and braces here, so this checks the
	# property, not that call.
	# Hold privrun at its first read of /etc/nsswitch.conf (the first
	# lookup of a dynamic build, the start of a static one): a FIFO over
	# it, in a mount namespace of this test's own.  Not /etc/passwd: glibc
	# seeks in that, which a FIFO refuses.  The caller's ids are set by
	# plain system calls (setpriv would look the user up, and block too).
	# musl reads no nsswitch.conf, and /etc/passwd without seeking.
	held=/etc/nsswitch.conf
	if is_musl "$PRIVRUN_SUID"; then
		held=/etc/passwd
	fi
	fifo=$BATS_TEST_TMPDIR/nsswitch.fifo
	mkfifo -m 0666 "$fifo"
	chmod a+x "$BATS_TEST_TMPDIR"
	cp "$held" "$BATS_TEST_TMPDIR/nsswitch.real"
	run timeout 30 unshare --mount --propagation private -- bash -c '
		mount --bind "$1" "$4"
		as4001() {
			/usr/bin/python3 -I -c "import os, sys
os.setgroups([]); os.setresgid(4001, 4001, 4001); os.setresuid(4001, 4001, 4001)
os.execvp(sys.argv[1], sys.argv[1:])" "$@"
		}
		# Not through as4001: $! would be the subshell running it.
		/usr/bin/python3 -I -c "import os, sys
os.setgroups([]); os.setresgid(4001, 4001, 4001); os.setresuid(4001, 4001, 4001)
os.execv(sys.argv[1], sys.argv[1:])" "$2" -- /bin/true 3>&- &
		pid=$!
		for _ in $(seq 100); do
			[ "$(stat -c %u /proc/$pid/exe 2>/dev/null)" = 0 ] &&
				grep -q "^Name:.privrun-suid" /proc/$pid/status && break
			sleep 0.05
		done
		sleep 0.2
		grep "^Uid:" /proc/$pid/status
		as4001 cat /proc/$pid/environ 2>&1 >/dev/null || true
		as4001 python3 -c "
import ctypes, sys
libc = ctypes.CDLL(None, use_errno=True)
PTRACE_ATTACH = 16
r = libc.ptrace(PTRACE_ATTACH, int(sys.argv[1]), 0, 0)
print(\"ptrace:\", \"attached\" if r == 0 else ctypes.get_errno())
" "$pid"
		# nsswitch.conf may be read more than once: feed it each time
		# until privrun is done.
		while kill -0 "$pid" 2>/dev/null; do
			timeout 1 sh -c "cat \"\$0\" >\"\$1\"" "$3" "$1"
		done &
		wait "$pid"
		echo "status $?"
	' - "$fifo" "$PRIVRUN_SUID" "$BATS_TEST_TMPDIR/nsswitch.real" "$held"
	assert_success
	assert_line --regexp $'^Uid:\t4001\t0\t0\t0$'
	assert_line --regexp '^cat: /proc/[0-9]+/environ: Permission denied$'
	assert_line "ptrace: 1"
	assert_line "status 0"
}

# with_nss_module CMD...: CMD with an NSS module of the test's in place of
# libnss_hesiod (bind-mounted, in a mount namespace of its own), asked
# after files for passwd.  The module reports a lookup of "nss-only", and
# the whole environment it sees, on stderr, and finds nobody.
with_nss_module() {
	local dir=$BATS_TEST_TMPDIR/nss lib
	lib=$(ldconfig -p | sed -n 's/^[[:space:]]*libnss_hesiod\.so\.2 (libc6,x86-64) => //p' | head -n 1)
	[ -n "$lib" ] || lib=$(ldconfig -p | sed -n 's/^[[:space:]]*libnss_hesiod\.so\.2 ([^)]*) => //p' | head -n 1)
	mkdir -p "$dir"
	cat >"$dir/module.c" <<'C'
#include <errno.h>
#include <nss.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
extern char **environ;
enum nss_status _nss_hesiod_getpwnam_r(const char *name, struct passwd *pw,
    char *buf, size_t len, int *errnop)
{
	char **e;
	(void)pw; (void)buf; (void)len;
	*errnop = ENOENT;
	if (strcmp(name, "nss-only") != 0)	/* setpriv's lookups */
		return NSS_STATUS_NOTFOUND;
	fprintf(stderr, "nss: lookup %s\n", name);
	for (e = environ; *e != NULL; e++)
		fprintf(stderr, "nss: env %s\n", *e);
	return NSS_STATUS_NOTFOUND;
}
C
	cc -shared -fPIC -o "$dir/module.so" "$dir/module.c"
	printf 'passwd: files hesiod\ngroup: files\n' >"$dir/nsswitch.conf"
	chmod 0755 "$dir" "$dir/module.so"
	chmod 0644 "$dir/nsswitch.conf"
	unshare --mount --propagation private -- sh -c \
		'mount --bind "$0/module.so" "$1" && mount --bind "$0/nsswitch.conf" /etc/nsswitch.conf && shift && exec "$@"' \
		"$dir" "$lib" "$@"
}

@test "an NSS module in a setuid or file-capability privrun sees none of the caller's environment" {
	for copy in "$PRIVRUN_SUID" "$PRIVRUN_CAPS"; do
		run --separate-stderr with_nss_module setpriv --reuid=4001 --regid=4001 --init-groups -- \
			env -i PRTEST_NSS=1 SYSTEMD_NSS_BYPASS_BUS=1 SYSTEMD_BYPASS_USERDB=1 NSS_FOO=1 \
			LOCALDOMAIN=evil HOSTALIASES=/tmp/x LD_LIBRARY_PATH=/tmp TZ=UTC \
			"$copy" -u nss-only -- "$PROBE" 3>&-
		assert_failure 125
		assert_output ""
		if is_static "$copy"; then
			# The static build asks no module at all.
			assert_equal "$stderr" "privrun: user: 'nss-only': no such user"
		else
			assert_equal "$stderr" "nss: lookup nss-only
privrun: user: 'nss-only': no such user"
		fi
	done
	# The control: root's privrun is trusted with its environment, and the
	# module sees it.
	run --separate-stderr with_nss_module env -i PRTEST_NSS=1 "$PRIVRUN" -u nss-only -- "$PROBE" 3>&-
	assert_failure 125
	if ! is_static "$PRIVRUN"; then
		assert_equal "$stderr" "nss: lookup nss-only
nss: env PRTEST_NSS=1
privrun: user: 'nss-only': no such user"
	fi
}
