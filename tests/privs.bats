#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# The privilege API (privs.h) on its own: nesting, the user and create_as
# states, revoke, and that nothing works after revoke, from the kernel's
# view (/proc/self/status CapEff and the fsuid column of Uid).

load helpers

# The capability mask that privs_root() raises: the bounding set at start.
full_caps() {
	sed -n 's/^CapBnd:\t//p' /proc/self/status
}

@test "started as root: raise, nested raise, only the outer relinquish lowers" {
	full=$(full_caps)
	run "${VALGRIND[@]}" "$PRIVS_API" 4001 4001
	assert_success
	assert_line "init rc=0 capeff=0000000000000000 uid=0	0	0	0"
	assert_line "root rc=0 capeff=$full uid=0	0	0	0"
	assert_line "root-nested rc=0 capeff=$full uid=0	0	0	0"
	assert_line "relinquish-inner rc=0 capeff=$full uid=0	0	0	0"
	assert_line "relinquish-outer rc=0 capeff=0000000000000000 uid=0	0	0	0"
	assert_line "relinquish-unbalanced rc=-1 capeff=0000000000000000 uid=0	0	0	0 error=privs_relinquish without privs_root"
}

@test "started as root: user switches the effective uid, create_as the fsuid; relinquish switches back" {
	full=$(full_caps)
	run "${VALGRIND[@]}" "$PRIVS_API" 4001 4001
	assert_line "user rc=0 capeff=0000000000000000 uid=0	4001	0	4001"
	assert_line "relinquish-user rc=0 capeff=0000000000000000 uid=0	0	0	0"
	assert_line "create_as rc=0 capeff=$full uid=0	0	0	4001"
	assert_line "relinquish-create rc=0 capeff=0000000000000000 uid=0	0	0	0"
}

@test "started as root: revoke drops for good, and every call after it fails" {
	run "${VALGRIND[@]}" "$PRIVS_API" 4001 4001
	assert_line "revoke rc=0 capeff=0000000000000000 uid=4001	4001	4001	4001"
	assert_line "root-after-revoke rc=-1 capeff=0000000000000000 uid=4001	4001	4001	4001 error=privs_root: privileges already revoked"
	assert_line "revoke-again rc=-1 capeff=0000000000000000 uid=4001	4001	4001	4001 error=privs_revoke: privileges already revoked"
}

@test "a raise that fails does not count: the next raise fails again instead of passing as nested, and no relinquish balances it" {
	# tests/bin/privs_api makes capset(2) fail with a seccomp filter.
	run "${VALGRIND[@]}" "$PRIVS_API" 4001 4001 capset-fails
	assert_success
	err="error=capset: raise effective capabilities: Operation not permitted"
	assert_line "root-fails rc=-1 capeff=0000000000000000 uid=0	0	0	0 $err"
	assert_line "relinquish-unbalanced rc=-1 capeff=0000000000000000 uid=0	0	0	0 error=privs_relinquish without privs_root"
	assert_line "root-fails-again rc=-1 capeff=0000000000000000 uid=0	0	0	0 $err"
	assert_line "create_as-fails rc=-1 capeff=0000000000000000 uid=0	0	0	0 $err"
	assert_line "relinquish-unbalanced-again rc=-1 capeff=0000000000000000 uid=0	0	0	0 error=privs_relinquish without privs_root"
	assert_line "user-fails rc=-1 capeff=0000000000000000 uid=0	0	0	0 $err"
	assert_line "revoke-fails rc=-1 capeff=0000000000000000 uid=0	0	0	0 $err"
}

@test "a failure on the way to or back from another user's ids is reported (privrun then stops)" {
	full=$(full_caps)
	run "${VALGRIND[@]}" "$PRIVS_API" 4001 4001 acting-fails
	assert_success
	assert_line "user rc=0 capeff=0000000000000000 uid=0	4001	0	4001"
	assert_line "relinquish-user-fails rc=-1 capeff=$full uid=0	0	0	0 error=capset: raise effective capabilities: Operation not permitted"
	# tests/bin/privs_api makes prctl(PR_SET_DUMPABLE) fail after the set-up.
	run "${VALGRIND[@]}" "$PRIVS_API" 4001 4001 dumpable-fails
	assert_success
	err="error=prctl(PR_SET_DUMPABLE): Operation not permitted"
	assert_line "user-fails rc=-1 capeff=0000000000000000 uid=0	4001	0	4001 $err"
	assert_line "relinquish-create-fails rc=-1 capeff=$full uid=0	4001	0	0 $err"
}

@test "calls out of order fail and say why: before privs_init, before privs_setup, an invalid target, after revoke" {
	local who
	for who in root user; do
		if [ $who = root ]; then
			run "${VALGRIND[@]}" "$PRIVS_API" 4001 4001 misuse
			ids="0	0	0	0"
		else
			run no_privileges "${VALGRIND[@]}" "$PRIVS_API" 4001 4001 misuse
			ids="4001	4001	4001	4001"
		fi
		assert_success
		assert_line --partial "root-before-init rc=-1 "
		assert_line --partial "error=privs_root: privs_init() was not called"
		assert_line "user-before-setup rc=-1 capeff=0000000000000000 uid=$ids error=privs_user before privs_setup"
		assert_line "monitor-before-setup rc=-1 capeff=0000000000000000 uid=$ids error=privs_monitor before privs_setup"
		assert_line "setup-invalid rc=-1 capeff=0000000000000000 uid=$ids error=privs_setup: invalid target uid 4294967295 gid 4001"
		for call in setup keep caller create_as; do
			assert_line "$call-after-revoke rc=-1 capeff=0000000000000000 uid=4001	4001	4001	4001 error=privs_$call: privileges already revoked"
		done
	done
	# Root: the monitor's drop; then revoke finds it done.
	run "${VALGRIND[@]}" "$PRIVS_API" 4001 4001 misuse
	assert_line "monitor-keeps rc=0 capeff=0000000000000000 uid=4001	4001	4001	4001"
	assert_line "revoke rc=-1 capeff=0000000000000000 uid=4001	4001	4001	4001 error=privs_revoke: privileges already revoked"
	# Without privileges, there is nothing for a monitor to keep.
	run no_privileges "${VALGRIND[@]}" "$PRIVS_API" 4001 4001 misuse
	assert_line "monitor-keeps rc=-1 capeff=0000000000000000 uid=4001	4001	4001	4001 error=the monitor cannot keep capabilities: privrun has no privileges"
	assert_line "revoke rc=0 capeff=0000000000000000 uid=4001	4001	4001	4001"
	assert_line "relinquish-after-revoke rc=-1 capeff=0000000000000000 uid=4001	4001	4001	4001 error=privs_relinquish: privileges already revoked"
}

# no_privileges CMD...: as uid/gid 4001 with no supplementary groups.
no_privileges() {
	setpriv --reuid=4001 --regid=4001 --clear-groups -- "$@"
}

@test "started without privileges: every call is a no-op that succeeds" {
	run no_privileges "${VALGRIND[@]}" "$PRIVS_API" 4001 4001
	assert_success
	for step in init setup root root-nested relinquish-inner relinquish-outer \
		user relinquish-user create_as relinquish-create revoke; do
		assert_line "$step rc=0 capeff=0000000000000000 uid=4001	4001	4001	4001"
	done
}

@test "started without privileges: a target that is not the caller is an error" {
	run no_privileges "${VALGRIND[@]}" "$PRIVS_API" 4002 4002
	assert_line "setup rc=-1 capeff=0000000000000000 uid=4001	4001	4001	4001 error=cannot switch to uid 4002 gid 4002: privrun has no privileges (start it as root, setuid-root or with file capabilities)"
}

# The verification after a drop reads /proc/self/status (proc_status.c).
@test "the reader of /proc/self/status agrees with the kernel's own calls, dropped or not, and refuses broken texts" {
	run "${VALGRIND[@]}" "$PROC_STATUS_TEST"
	assert_success
	refute_line --partial FAIL
	assert_line "ok bounding"
	assert_line "ok a whole text parses"
	assert_line "ok a Uid line twice"
	assert_equal "$(grep -c '^ok ' <<<"$output")" 21
	# Dropped, and with a kept capability in all five sets.
	run "${VALGRIND[@]}" "$PRIVRUN" -u 4001:4001 --groups= "$PROC_STATUS_TEST" 3>&-
	assert_success
	assert_equal "$(grep -c '^ok ' <<<"$output")" 21
	run "${VALGRIND[@]}" "$PRIVRUN" -u 4001:4001 --groups= --keep-caps net_bind_service \
		"$PROC_STATUS_TEST" 3>&-
	assert_success
	assert_equal "$(grep -c '^ok ' <<<"$output")" 21
}

@test "a drop to 2,000 supplementary groups is verified: the long Groups line before the capability lines is read past" {
	groups=$(seq -s, 20000 21999)
	run --separate-stderr "${VALGRIND[@]}" "$PRIVRUN" -u 4001:4001 --groups="$groups" \
		sh -c 'grep "^Groups:" /proc/self/status | wc -w; grep "^Cap" /proc/self/status' 3>&-
	assert_success
	assert_equal "$stderr" ""
	assert_line 2001
	assert_line "CapEff:	0000000000000000"
	assert_line "CapBnd:	0000000000000000"
}

@test "--keep-caps cap_setpcap: kept in every set, no_new_privs set" {
	run --separate-stderr "${VALGRIND[@]}" "$PRIVRUN" -u 4001:4001 --groups= \
		--keep-caps setpcap -- grep -E "^(Cap|NoNewPrivs)" /proc/self/status 3>&-
	assert_success
	assert_equal "$stderr" ""
	for set in CapInh CapPrm CapEff CapBnd CapAmb; do
		assert_line "$set:	0000000000000100"
	done
	assert_line "NoNewPrivs:	1"
}

# A /proc where the verification cannot trust /proc/self/status: privrun
# stops before the program runs.  Not under valgrind, which needs procfs.
@test "no procfs at /proc, or a file on another file system there: the drop cannot be verified" {
	run --separate-stderr unshare --mount --propagation private -- sh -c '
		mount -t tmpfs tmpfs /proc && exec "$0" "$@"' \
		"$PRIVRUN" -u 4001:4001 -- /bin/true 3>&-
	assert_failure 125
	# (Its last line: a sanitizer build warns first that /proc is gone.)
	assert_equal "$(tail -n 1 <<<"$stderr")" "privrun: drop: verify: /proc/self/status: open: No such file or directory"
	run --separate-stderr unshare --mount --propagation private -- sh -c '
		mount -t tmpfs tmpfs /proc && mkdir /proc/self &&
		printf "Uid:\t4001\t4001\t4001\t4001\n" >/proc/self/status &&
		exec "$0" "$@"' \
		"$PRIVRUN" -u 4001:4001 -- /bin/true 3>&-
	assert_failure 125
	# (strerror(EXDEV): glibc's "Invalid cross-device link", musl's
	# "Cross-device link".)
	[[ "$(tail -n 1 <<<"$stderr")" =~ ^"privrun: drop: verify: /proc/self/status: not on procfs: "(Invalid\ c|C)"ross-device link"$ ]]
}
