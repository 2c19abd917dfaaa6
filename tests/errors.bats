#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# Every error a user can hit: the message, exit status 125, and that the
# program did not run (the probe would print "Argv:" lines).

load helpers

@test "root without --user is refused" {
	refuse "privrun: user: refusing to run the program as root: give --user USER, or --user root to mean it" \
		"$PRIVRUN" -- "$PROBE"
}

@test "an unknown user is refused" {
	refuse "privrun: user: 'no-such-user': no such user" \
		"$PRIVRUN" -u no-such-user -- "$PROBE"
}

@test "an unknown group in -u USER:GROUP, -g and -G is refused" {
	refuse "privrun: group: 'no-such-group': no such group" \
		"$PRIVRUN" -u nobody:no-such-group -- "$PROBE"
	refuse "privrun: group: 'no-such-group': no such group" \
		"$PRIVRUN" -u nobody -g no-such-group -- "$PROBE"
	refuse "privrun: groups: 'no-such-group': no such group" \
		"$PRIVRUN" -u nobody -G 4100,no-such-group -- "$PROBE"
}

@test "an empty name in the -G list is refused" {
	for list in ',4100' '4100,' '4100,,4101'; do
		refuse "privrun: groups: '$list': empty group name in list" \
			"$PRIVRUN" -u nobody -G "$list" -- "$PROBE"
	done
}

@test "uids out of range or with a leading zero are refused, not wrapped" {
	for uid in 4294967295 4294967296 18446744073709551616 080 00; do
		refuse "privrun: user: '$uid': not a valid uid (0 to 4294967294, decimal, no leading zero)" \
			"$PRIVRUN" -u "$uid:0" -- "$PROBE"
	done
}

@test "gids out of range or with a leading zero are refused" {
	for gid in 4294967295 4294967296 0100; do
		refuse "privrun: group: '$gid': not a valid gid (0 to 4294967294, decimal, no leading zero)" \
			"$PRIVRUN" -u nobody -g "$gid" -- "$PROBE"
	done
}

@test "signs, blanks, hex and trailing junk are never numbers" {
	# Not all digits, so each is a name, and no such user exists.
	for uid in -1 +80 ' 80' '80 ' 0x50 80abc; do
		refuse "privrun: user: '$uid': no such user" \
			"$PRIVRUN" -u "$uid" -- "$PROBE"
	done
	refuse "privrun: group: '-1': no such group" \
		"$PRIVRUN" -u nobody -g -1 -- "$PROBE"
}

@test "an empty user or group is refused" {
	refuse "privrun: user: empty user name" "$PRIVRUN" -u '' -- "$PROBE"
	refuse "privrun: group: empty group name" "$PRIVRUN" -u nobody -g '' -- "$PROBE"
}

@test "a uid without a passwd entry needs a group" {
	refuse "privrun: group: uid 5000 has no passwd entry: give its group with --user 5000:GROUP or --group GROUP" \
		"$PRIVRUN" -u 5000 -- "$PROBE"
}

@test "unknown options are usage errors naming the option" {
	refuse "privrun: usage: unknown option '--frobnicate'" \
		"$PRIVRUN" --frobnicate -u nobody -- "$PROBE"
	refuse "privrun: usage: unknown option '-x'" \
		"$PRIVRUN" -x -u nobody -- "$PROBE"
	assert_equal "$(sed -n 2p <<<"$stderr")" "Try 'privrun --help' for more information."
}

@test "a missing value is a usage error naming the option" {
	refuse "privrun: usage: option '--user' needs a value" "$PRIVRUN" --user
	refuse "privrun: usage: option '-u' needs a value" "$PRIVRUN" -u
	refuse "privrun: usage: option '--env' needs a value" "$PRIVRUN" -u nobody --env
}

@test "conflicting options are usage errors" {
	refuse "privrun: usage: --keep-env and --clear-env are mutually exclusive" \
		"$PRIVRUN" -u nobody --keep-env --clear-env -- "$PROBE"
	refuse "privrun: usage: --user USER:GROUP and --group are mutually exclusive" \
		"$PRIVRUN" -u nobody:nogroup -g nogroup -- "$PROBE"
	refuse "privrun: usage: --dry-run and --dump are mutually exclusive" \
		"$PRIVRUN" -u nobody --dry-run --dump -- "$PROBE"
}

@test "no program is a usage error" {
	refuse "privrun: usage: no PROGRAM given" "$PRIVRUN" -u nobody
	refuse "privrun: usage: no PROGRAM given" "$PRIVRUN" -u nobody --
}

@test "--env needs NAME=VALUE and may not set privrun's own variables" {
	refuse "privrun: usage: --env 'FOO': expected NAME=VALUE" \
		"$PRIVRUN" -u nobody --env FOO -- "$PROBE"
	refuse "privrun: usage: --env '=x': expected NAME=VALUE" \
		"$PRIVRUN" -u nobody --env =x -- "$PROBE"
	refuse "privrun: usage: --env 'LISTEN_FDS': set by privrun itself" \
		"$PRIVRUN" -u nobody --env LISTEN_FDS=3 -- "$PROBE"
	refuse "privrun: usage: --env 'PRIVRUN_CAPS': set by privrun itself" \
		"$PRIVRUN" -u nobody --env PRIVRUN_CAPS=all -- "$PROBE"
}

@test "limits of the command line: a --user value too long, more than 1024 --env" {
	local args=() i
	refuse "privrun: usage: --user: value too long" \
		"$PRIVRUN" -u "$(printf 'a%.0s' $(seq 300))" -- "$PROBE"
	for i in $(seq 1025); do
		args+=(--env "V$i=x")
	done
	refuse "privrun: usage: --env: more than 1024 variables" \
		"$PRIVRUN" -u nobody "${args[@]}" -- "$PROBE"
}

@test "an unprivileged privrun cannot switch users, and says why" {
	run --separate-stderr as_user 4001 "$PRIVRUN" -u prtest-b -- "$PROBE" 3>&-
	assert_failure 125
	assert_equal "$output" ""
	assert_equal "$stderr" "privrun: drop: cannot switch to uid 4002 gid 4002: privrun has no privileges (start it as root, setuid-root or with file capabilities)"
}

@test "an unprivileged privrun cannot change its groups, and says why" {
	run --separate-stderr as_user 4001 "$PRIVRUN" -G '' -- "$PROBE" 3>&-
	assert_failure 125
	assert_equal "$output" ""
	assert_equal "$stderr" "privrun: drop: cannot change supplementary groups: privrun has no privileges"
}

@test "an unprivileged privrun cannot keep capabilities, and says why" {
	run --separate-stderr bash -c 'exec setpriv --reuid=4001 --regid=4001 --clear-groups -- "$@" 3>&-' - \
		"$PRIVRUN" --keep-caps net_bind_service -G '' -- "$PROBE"
	assert_failure 125
	assert_equal "$output" ""
	assert_equal "$stderr" "privrun: drop: cannot keep capabilities: privrun has no privileges"
}
