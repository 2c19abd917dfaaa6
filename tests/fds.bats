#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# fd hygiene (privrun(1), "File descriptors and start-up"): only fds 0-2 reach the program; closed
# standard fds are opened on /dev/null.

load helpers

# The fd numbers the probe reported, space separated.
probe_fds() {
	grep '^Fd: ' <<<"$output" | cut -d' ' -f2 | tr '\n' ' ' | sed 's/ $//'
}

@test "an fd open on a root-only file before privrun does not reach the program" {
	secret=$(make_secret)
	run --separate-stderr "$PRIVRUN" -u nobody -- "$PROBE" readfd 7 read "$secret" 7<"$secret" 3>&-
	assert_success
	assert_equal "$(probe_fds)" "0 1 2"
	assert_line "Read: 7 Bad file descriptor"
	assert_line "Read: $secret Permission denied"
}

@test "many inherited fds, high numbers included, are all closed" {
	secret=$(make_secret)
	exec 20<"$secret" 21<"$secret" 255<"$secret" 1000<"$secret"
	run --separate-stderr "$PRIVRUN" -u nobody -- "$PROBE" readfd 1000 3>&-
	exec 20<&- 21<&- 255<&- 1000<&-
	assert_success
	assert_equal "$(probe_fds)" "0 1 2"
	assert_line "Read: 1000 Bad file descriptor"
}

@test "the setuid copy gives the program none of the caller's fds either" {
	f=$PRIVRUN_TEST_ROOT/data/caller-file
	echo data >"$f"
	chmod 0644 "$f"
	run --separate-stderr as_user 4001 "$PRIVRUN_SUID" -- "$PROBE" readfd 9 9<"$f" 3>&-
	assert_success
	assert_equal "$(probe_fds)" "0 1 2"
	assert_line "Read: 9 Bad file descriptor"
}

# bats' run gives the command a stdin of its own: close fds in a shell.
@test "a closed stdin is opened on /dev/null" {
	run --separate-stderr bash -c 'exec "$PRIVRUN" -u nobody -- "$PROBE" 0<&- 3>&-'
	assert_success
	assert_line "Fd: 0 /dev/null"
}

@test "a closed stderr is opened on /dev/null, so nothing else lands on fd 2" {
	run bash -c 'exec "$PRIVRUN" -u nobody -- "$PROBE" 2>&- 3>&-'
	assert_success
	assert_line "Fd: 2 /dev/null"
}

@test "all three closed: the program still gets exactly fds 0-2, on /dev/null" {
	out=$PRIVRUN_TEST_ROOT/data/out.$BATS_TEST_NUMBER
	# stdout is closed, so the probe writes its report through a shell
	# that redirects after privrun has started it.
	"$PRIVRUN" -u root -- /bin/sh -c "exec $PROBE >$out" 0<&- 1>&- 2>&- 3>&-
	run cat "$out"
	assert_line "Fd: 0 /dev/null"
	assert_line "Fd: 2 /dev/null"
	assert_line --regexp "^Fd: 1 $out"
}

@test "--dump reports only fds 0-2 as well" {
	run --separate-stderr "$PRIVRUN" -u nobody --dump 7</dev/null 3>&-
	assert_success
	run grep '^fd ' <<<"$output"
	assert_output --regexp '^fd 0: .*
fd 1: .*
fd 2: .*$'
}

@test "closed fds 0-2 are /dev/null read-write in every start mode, not what glibc stands in for them in a setuid program" {
	dir=$PRIVRUN_TEST_ROOT/data/closed.$BATS_TEST_NUMBER
	mkdir -m 0777 "$dir"
	# The kernel's view of fds 0-2, before the output file takes a slot.
	show='import os, sys
fds = ["%d %s %s" % (n, os.readlink("/proc/self/fd/%d" % n),
       [l.split()[1] for l in open("/proc/self/fdinfo/%d" % n) if l.startswith("flags:")][0][-2:])
       for n in range(3)]
open(sys.argv[1], "w").write("\n".join(fds) + "\n")'
	for copy in "$PRIVRUN" "$PRIVRUN_SUID" "$PRIVRUN_CAPS"; do
		rm -f "$dir/out"
		bash -c 'exec setpriv --reuid=4001 --regid=4001 --init-groups -- "$1" -- /usr/bin/python3 -I -c "$2" "$3" <&- >&- 2>&- 3>&-' \
			- "$copy" "$show" "$dir/out"
		# Octal flags, last two digits: 02 is O_RDWR.
		run cat "$dir/out"
		assert_output "0 /dev/null 02
1 /dev/null 02
2 /dev/null 02"
	done
	# A /dev/full the caller gives as stdin itself is its choice, and kept.
	rm -f "$dir/out"
	bash -c 'exec setpriv --reuid=4001 --regid=4001 --init-groups -- "$1" -- /usr/bin/python3 -I -c "$2" "$3" 0>/dev/full 3>&-' \
		- "$PRIVRUN_SUID" "$show" "$dir/out"
	run cat "$dir/out"
	assert_line --index 0 "0 /dev/full 01"
}

@test "a closed fd 0-2 that cannot be opened on /dev/null: exit 125" {
	# O_RDWR | O_NOCTTY: privrun's open of /dev/null alone (musl: open(2),
	# with O_LARGEFILE).
	local fault=(openat fail a2=0x102)
	! is_musl "$PRIVRUN" || fault=(open fail a1=0x8102)
	run --separate-stderr bash -c 'exec "$@" 0<&- 3>&-' - "$FAULTINJECT" "${fault[@]}" -- \
		"$PRIVRUN" -u nobody -- touch "$BATS_TEST_TMPDIR/ran"
	assert_failure 125
	assert_equal "$stderr" "privrun: start: open /dev/null as fd 0: Operation not permitted"
	assert [ ! -e "$BATS_TEST_TMPDIR/ran" ]
}
