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

@test "a user in 100 groups, more than privrun's first guess of 64, gets all of them" {
	local g want
	cp /etc/passwd "$BATS_TEST_TMPDIR/passwd"
	cp /etc/group "$BATS_TEST_TMPDIR/group"
	echo "prtest-many:x:4010:4010::/:/bin/sh" >>/etc/passwd
	for g in $(seq 5000 5099); do
		echo "many$g:x:$g:prtest-many" >>/etc/group
	done
	run --separate-stderr "$PRIVRUN" -u prtest-many -- "$PROBE" 3>&-
	cp "$BATS_TEST_TMPDIR/passwd" /etc/passwd
	cp "$BATS_TEST_TMPDIR/group" /etc/group
	assert_success
	want=$(seq -s ' ' 5000 5099)
	assert_line "Groups: $want"
	assert_line "Uid: 4010 4010 4010 4010"
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

# with_nsswitch LINE CMD...: CMD with /etc/nsswitch.conf holding only
# LINE for passwd, group and initgroups, in a mount namespace of its own.
with_nsswitch() {
	local conf=$BATS_TEST_TMPDIR/nsswitch.conf line=$1
	shift
	printf 'passwd: %s\ngroup: %s\ninitgroups: %s\n' "$line" "$line" \
		"$line" >"$conf"
	unshare --mount --propagation private -- sh -c \
		'mount --bind "$0" /etc/nsswitch.conf && exec "$@"' "$conf" "$@"
}

@test "users and groups: the static build reads only /etc/passwd and /etc/group and loads no NSS module, the musl one asks nscd at most; the dynamic one follows nsswitch.conf" {
	run --separate-stderr with_nsswitch "files prnomodule" \
		strace -f -e trace=open,openat,connect -o "$BATS_TEST_TMPDIR/trace" \
		"$PRIVRUN" -u no-such-user -- /bin/true 3>&-
	assert_failure 125
	assert_equal "$stderr" "privrun: user: 'no-such-user': no such user"
	run cat "$BATS_TEST_TMPDIR/trace"
	assert_output --partial '"/etc/passwd"'
	version="privrun $(sed -n 's/^VERSION *= *//p' "$BATS_TEST_DIRNAME/../Makefile")"
	run "$PRIVRUN" --version
	if is_musl "$PRIVRUN"; then
		# musl asks nscd, at its fixed socket, for a name the files lack.
		assert_output "$version (static, musl: users and groups from /etc/passwd and /etc/group, then nscd if it runs)"
		run grep -v '"/var/run/nscd/socket"' "$BATS_TEST_TMPDIR/trace"
		refute_output --partial 'prnomodule'
		refute_output --partial '.so'
		refute_output --partial 'nscd'
		run grep -c '"/var/run/nscd/socket"' "$BATS_TEST_TMPDIR/trace"
		assert_output 1
	elif is_static "$PRIVRUN"; then
		assert_output "$version (static: users and groups from /etc/passwd and /etc/group only)"
		run cat "$BATS_TEST_TMPDIR/trace"
		refute_output --partial 'prnomodule'
		refute_output --partial '.so'
		refute_output --partial 'nscd'
	else
		assert_output --partial '(users and groups as nsswitch.conf says)'
		run cat "$BATS_TEST_TMPDIR/trace"
		assert_output --partial 'libnss_prnomodule.so.2'
	fi
	# Either way a user in /etc/passwd, and its groups from /etc/group.
	run with_nsswitch "files prnomodule" "$PRIVRUN" -u prtest-a -- \
		"$PROBE" 3>&-
	assert_success
	assert_dropped_to 4001 4001 "4100 4101"
}

@test "a failed user lookup fails closed: exit 125 with its reason, never a bare uid, for root and for the setuid copy" {
	# passwd unreadable (privrun looks up with no capability effective)
	# and nothing but files asked: the lookup fails, rather than finding
	# nobody.
	cp /etc/passwd "$BATS_TEST_TMPDIR/passwd"
	chmod 000 "$BATS_TEST_TMPDIR/passwd"
	unreadable() {
		ASAN_OPTIONS=detect_leaks=0 with_nsswitch files sh -c 'mount --bind "$0" /etc/passwd && exec "$@"' \
			"$BATS_TEST_TMPDIR/passwd" "$@"
	}
	for who in prtest-b 4002 4999; do
		refuse "privrun: user: '$who': user lookup failed: Permission denied" \
			unreadable "$PRIVRUN" -u "$who" -g 4002 -- "$PROBE"
		refuse "privrun: user: '$who': user lookup failed: Permission denied" \
			unreadable setpriv --reuid=4001 --regid=4001 --clear-groups -- \
			"$PRIVRUN_SUID" -u "$who" -- "$PROBE"
	done
	# The caller itself, whose entry privrun reads for HOME and SHELL.
	refuse "privrun: user: '4001': user lookup failed: Permission denied" \
		unreadable setpriv --reuid=4001 --regid=4001 --clear-groups -- \
		"$PRIVRUN_SUID" -- "$PROBE"
}

@test "a failed group lookup fails closed: exit 125 with its reason, for -g, -u USER:GROUP and -G" {
	# As for the user lookup above: /etc/group unreadable, files only.
	cp /etc/group "$BATS_TEST_TMPDIR/group"
	chmod 000 "$BATS_TEST_TMPDIR/group"
	unreadable() {
		ASAN_OPTIONS=detect_leaks=0 with_nsswitch files sh -c 'mount --bind "$0" /etc/group && exec "$@"' \
			"$BATS_TEST_TMPDIR/group" "$@"
	}
	refuse "privrun: group: 'prtest-b': group lookup failed: Permission denied" \
		unreadable "$PRIVRUN" -u 4001 -g prtest-b -- "$PROBE"
	refuse "privrun: group: 'prtest-b': group lookup failed: Permission denied" \
		unreadable "$PRIVRUN" -u 4001:prtest-b -- "$PROBE"
	refuse "privrun: groups: 'prtest-b': group lookup failed: Permission denied" \
		unreadable "$PRIVRUN" -u 4001 -g 4001 -G 4100,prtest-b -- "$PROBE"
}

# huge_entry FILE START END CMD...: a copy of /etc/FILE with one more entry,
# START, 1.2 MiB of a comma list, END, bind-mounted over it for CMD.
huge_entry() {
	local file=$1 start=$2 end=$3
	shift 3
	cp "/etc/$file" "$BATS_TEST_TMPDIR/$file"
	python3 -c 'import sys; print(sys.argv[1] + ",".join("m%07d" % i for i in range(140000)) + sys.argv[2])' \
		"$start" "$end" >>"$BATS_TEST_TMPDIR/$file"
	with_nsswitch files sh -c 'mount --bind "$0" "$1" && shift && exec "$@"' \
		"$BATS_TEST_TMPDIR/$file" "/etc/$file" "$@"
}

@test "a passwd or group entry over 1 MiB is a failed lookup with its reason, never a missing entry" {
	nomem="Cannot allocate memory"
	if is_musl "$PRIVRUN"; then
		nomem="Out of memory"
	fi
	# A lookup buffer grows from 1 KiB to 1 MiB and no further.
	refuse "privrun: group: 'prtest-huge': group lookup failed: $nomem" \
		huge_entry group "prtest-huge:x:4020:" "" "$PRIVRUN" -u prtest-a -g prtest-huge -- "$PROBE"
	refuse "privrun: user: 'prtest-huge': user lookup failed: $nomem" \
		huge_entry passwd "prtest-huge:x:4020:4020:" ":/:/bin/sh" "$PRIVRUN" -u prtest-huge -- "$PROBE"
}
