#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# A hostile caller's process state: ignored and blocked signals, lowered
# resource limits, a group database privrun cannot read.  In every install
# mode privrun runs the program with exactly the right identity and a clean
# signal state, or exits 125 with a message: never a signal death, never a
# partial group list.  The root-started copy runs as root, the setuid and
# file-capability copies as prtest-b (4002) under a policy that lets it run
# the program as prtest-a (4001).

load helpers

CONF=/etc/privrun.conf
MODES="root suid caps"

teardown() {
	rm -f "$CONF"
	chown root:root /etc/group
	chmod 0644 /etc/group
	stop_background
}

policy() {
	printf '%s\n' "$@" >"$CONF"
	chmod 0644 "$CONF"
}

# copy_of MODE: the privrun copy that MODE starts.
copy_of() {
	case $1 in
	root) echo "$PRIVRUN" ;;
	suid) echo "$PRIVRUN_SUID" ;;
	caps) echo "$PRIVRUN_CAPS" ;;
	esac
}

# as_caller MODE CMD...: CMD as MODE's caller: root, or prtest-b.
as_caller() {
	local mode=$1
	shift
	if [ "$mode" = root ]; then
		"$@"
	else
		as_user 4002 "$@"
	fi
}

caller_of() {
	[ "$1" = root ] && echo root || echo prtest-b
}

# A python3 that ignores and blocks signals, then execs its arguments.
# glibc refuses its own two (32 and 33): rt_sigaction(2) itself (x86-64).
HOSTILE=(/usr/bin/python3 -c 'import ctypes, os, signal, sys
for s in (signal.SIGCHLD, signal.SIGTERM, signal.SIGXFSZ, signal.SIGHUP,
          signal.SIGINT, signal.SIGUSR1):
    signal.signal(s, signal.SIG_IGN)
ign = (ctypes.c_ulong * 4)(1, 0, 0, 0)
for s in (32, 33):
    assert ctypes.CDLL(None).syscall(13, s, ign, None, 8) == 0
signal.pthread_sigmask(signal.SIG_BLOCK,
    {signal.SIGCHLD, signal.SIGTERM, signal.SIGUSR2, signal.SIGALRM})
os.execv(sys.argv[1], sys.argv[1:])')

# The bounding set holds CAP_SYS_RESOURCE (24): a setuid-root privrun can
# raise a hard limit (some containers leave it out).
can_raise_hard_limits() {
	local bnd
	bnd=$(sed -n 's/^CapBnd:[[:space:]]*//p' /proc/self/status)
	(((0x$bnd >> 24) & 1))
}

# not_partial WHAT: after "run --separate-stderr" of privrun running
# $STATUS (cat /proc/self/status) as prtest-a, the outcome was that program
# with all of prtest-a's groups, or privrun's own refusal (125, a message;
# 126 when the kernel refuses the exec over RLIMIT_NPROC, which a root
# caller may leave low), or a refusal to start privrun at all: the dynamic
# loader's (its 127, made 227 by LIMITED), or in a sanitizer build
# AddressSanitizer's, which cannot map its shadow memory under RLIMIT_AS
# and aborts before privrun's first instruction.  Never another signal.
STATUS=(/usr/bin/cat /proc/self/status)
not_partial() {
	if [ "$status" = 0 ]; then
		assert_line --regexp '^Uid:\s+4001\s+4001\s+4001\s+4001$'
		assert_line --regexp '^Groups:\s+4100 4101\s*$'
	elif [ "$status" = 125 ]; then
		assert_equal "$output" ""
		assert_regex "$stderr" '^privrun: [a-z-]+: '
	elif [ "$status" = 126 ]; then
		assert_equal "$output" ""
		assert_regex "$stderr" '^privrun: exec: .*: Resource temporarily unavailable$'
	elif [ "$status" = 227 ] && ! is_static "$PRIVRUN"; then
		assert_equal "$output" ""
		assert_regex "$stderr" 'error while loading shared libraries'
	elif [[ $status =~ ^(1|134)$ ]] && is_asan "$PRIVRUN"; then
		assert_equal "$output" ""
		assert_regex "$stderr" 'ERROR: AddressSanitizer failed to allocate'
	else
		fail "$1: status $status: $stderr"
	fi
}

# is_asan BINARY: a sanitizer build.
is_asan() {
	readelf -dW "$1" | grep -q 'NEEDED.*libasan'
}

@test "the program starts with every signal at its default and an empty mask" {
	policy "permit prtest-b as prtest-a cmd /usr/bin/grep"
	for mode in $MODES; do
		run --separate-stderr as_caller $mode "${HOSTILE[@]}" \
			"$(copy_of $mode)" -u prtest-a -- /usr/bin/grep -E \
			'^Sig(Blk|Ign):' /proc/self/status 3>&-
		assert_success
		assert_line --regexp '^SigBlk:[[:space:]]+0000000000000000$'
		assert_line --regexp '^SigIgn:[[:space:]]+0000000000000000$'
	done
}

@test "a lowered RLIMIT_FSIZE with SIGXFSZ ignored cannot cut another user's file short" {
	policy "permit prtest-b as prtest-a cmd /usr/bin/dd"
	dir=$PRIVRUN_TEST_ROOT/data/fsize.$BATS_TEST_NUMBER
	mkdir -m 0755 "$dir"
	chown 4001 "$dir"
	lower='ulimit -S -f 1; trap "" XFSZ; exec "$@"'
	for mode in suid caps; do
		file=$dir/$mode
		run --separate-stderr as_user 4002 bash -c "$lower" - \
			"$(copy_of $mode)" -u prtest-a -- /usr/bin/dd \
			if=/dev/zero of="$file" bs=8192 count=1 3>&-
		assert_success
		assert_equal "$(stat -c '%s %u' "$file")" "8192 4001"
	done
	# The hard limit too: raised with CAP_SYS_RESOURCE, else refused.
	lower='ulimit -f 1; trap "" XFSZ; exec "$@"'
	for mode in suid caps; do
		file=$dir/$mode-hard
		run --separate-stderr as_user 4002 bash -c "$lower" - \
			"$(copy_of $mode)" -u prtest-a -- /usr/bin/dd \
			if=/dev/zero of="$file" bs=8192 count=1 3>&-
		if [ $mode = suid ] && can_raise_hard_limits; then
			assert_success
			assert_equal "$(stat -c %s "$file")" 8192
		else
			assert_failure 125
			assert_equal "$stderr" "privrun: rlimit: fsize: raising the caller's limit to the floor for another user: Operation not permitted"
			assert [ ! -e "$file" ]
		fi
	done
}

@test "another user's program: no limit below the floor, higher ones kept; root's caller keeps its own" {
	policy "permit prtest-b as prtest-a cmd $PROBE"
	hard=$(ulimit -Hn)
	for mode in suid caps; do
		run --separate-stderr as_user 4002 prlimit --nofile=100:"$hard" \
			"$(copy_of $mode)" -u prtest-a -- "$PROBE" 3>&-
		assert_success
		assert_line "Limit: nofile 1024 $hard"
		run --separate-stderr as_user 4002 prlimit --nofile=2000:"$hard" \
			"$(copy_of $mode)" -u prtest-a -- "$PROBE" 3>&-
		assert_line "Limit: nofile 2000 $hard"
		# As the caller itself: the caller's own limits.
		run --separate-stderr as_user 4002 prlimit --nofile=100:"$hard" \
			"$(copy_of $mode)" -- "$PROBE" 3>&-
		assert_success
		assert_line "Limit: nofile 100 $hard"
	done
	run --separate-stderr prlimit --nofile=100:200 "$PRIVRUN" -u prtest-a \
		-- "$PROBE" 3>&-
	assert_success
	assert_line "Limit: nofile 100 200"
}

@test "--rlimit for another user's program is refused to an untrusted caller" {
	policy "permit prtest-b as prtest-a cmd $PROBE"
	for mode in suid caps; do
		refuse "privrun: policy: uid 4002 (prtest-b) may not set the limits of a program run as another user or with capabilities (--rlimit): no rule in /etc/privrun.conf grants it" \
			as_user 4002 "$(copy_of $mode)" -u prtest-a \
			--rlimit fsize=1 -- "$PROBE"
	done
}

@test "--monitor with SIGCHLD and SIGTERM ignored and blocked: the program's exit and SIGTERM still reach it" {
	policy "permit prtest-b as prtest-a monitor cmd /bin/sh"
	dir=$PRIVRUN_TEST_ROOT/data/monitor.$BATS_TEST_NUMBER
	mkdir -m 0755 "$dir"
	chown 4001 "$dir"
	for mode in $MODES; do
		run --separate-stderr as_caller $mode timeout -s KILL 20 \
			"${HOSTILE[@]}" "$(copy_of $mode)" -u prtest-a --monitor \
			--allow-bind tcp:8081 -- /bin/sh -c 'exit 7' 3>&-
		assert_failure 7
		background as_caller $mode "${HOSTILE[@]}" "$(copy_of $mode)" \
			-u prtest-a --monitor --allow-bind tcp:8081 -- \
			/bin/sh -c "echo \$\$ >$dir/$mode; exec sleep 30"
		wait_for test -s "$dir/$mode"
		program=$(cat "$dir/$mode")
		monitor=$(ps -o ppid= -p "$program" | tr -d ' ')
		kill -TERM "$monitor"
		if ! timeout 10 tail --pid="$monitor" -f /dev/null; then
			kill -KILL "$program" "$monitor"
			fail "$mode: the monitor did not end on SIGTERM"
		fi
		status=0
		wait "$LAST_PID" || status=$?
		assert_equal "$status" 143	# the program's: killed by SIGTERM
	done
}

# A file-capability privrun has all of the caller's uids until the drop,
# so the caller may stop it after the floors are raised, lower a limit
# again with prlimit(2) and let it go on.  privrun reads every limit again
# after the drop; here the floor's own setrlimit(2) is made to do nothing,
# which leaves the limit as such a caller would (deterministic, no race).
@test "file capabilities: a limit lowered again while privrun runs is found after the drop, 125" {
	policy "permit prtest-b as prtest-a cmd $PROBE"
	# (4096 bytes: the message itself goes to a file under that limit.)
	run --separate-stderr prlimit --fsize=4096:unlimited \
		"$FAULTINJECT" -u 4002 prlimit64 noop a0=0 a1=RLIMIT_FSIZE 'a2!=0' -- \
		"$PRIVRUN_CAPS" -u prtest-a -- "$PROBE" 3>&-
	assert_failure 125
	assert_output ""
	assert_equal "$stderr" "privrun: rlimit: fsize: lowered below its floor while privrun ran"
	# The same run without the fault: the floor holds, the program runs.
	run --separate-stderr as_user 4002 prlimit --fsize=4096:unlimited \
		"$PRIVRUN_CAPS" -u prtest-a -- "$PROBE" 3>&-
	assert_success
	assert_line "Uid: 4001 4001 4001 4001"
}

@test "a group database privrun cannot read: exit 125, never a shorter group list" {
	policy "permit prtest-b as prtest-a cmd $PROBE"
	chown 65534 /etc/group
	chmod 0600 /etc/group
	# glibc's getgrouplist(3) hides the error (privrun then reads
	# /etc/group itself); musl's reports it.
	where="/etc/group: "
	if is_musl "$PRIVRUN"; then
		where=""
	fi
	for mode in $MODES; do
		refuse "privrun: groups: 'prtest-a': group list lookup failed: ${where}Permission denied" \
			as_caller $mode "$(copy_of $mode)" -u prtest-a -- "$PROBE"
	done
}

# The caller of the file-capability copy owns it (all its uids are the
# caller's), so it may prlimit(2) it at any moment: this lowers its
# RLIMIT_NOFILE to 3..40 again and again while it runs, 1000 times, and
# fails on a run that is neither the whole identity nor privrun's refusal
# (after a sanitizer build's own warnings, which too few fds bring).
# Before the check against /etc/group, about 1 run in 60 lost the groups.
RACE='import random, resource, subprocess, sys
hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
bad = 0
for i in range(1000):
    p = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    while p.poll() is None:
        try:
            resource.prlimit(p.pid, resource.RLIMIT_NOFILE,
                             (random.randint(3, 40), hard))
        except OSError:
            break
    out, err = p.communicate()
    groups = [l.split()[1:] for l in out.decode().splitlines()
              if l.startswith("Groups:")]
    if not ((p.returncode == 0 and groups == [["4100", "4101"]]) or
            (p.returncode == 125 and not out and b"\nprivrun: " in b"\n" + err)
            or (p.returncode == 127 and b"shared libraries" in err)):
        bad += 1
        print("status", p.returncode, groups, err.decode().strip())
sys.exit(bad != 0)'

@test "file-capability copy: RLIMIT_NOFILE lowered by the caller while privrun runs gives the whole identity or 125" {
	policy "permit prtest-b as prtest-a cmd ${STATUS[0]}"
	run --separate-stderr as_user 4002 /usr/bin/python3 -c "$RACE" \
		"$PRIVRUN_CAPS" -u prtest-a -- "${STATUS[@]}" 3>&-
	assert_success
	assert_output ""
}

# $SMALL bash -c "$LIMITED" LIMIT CMD...: CMD under "ulimit LIMIT", with
# bats's fd 3 closed and a small environment: the environment's strings
# are on the stack, and bats's would leave a sanitizer build's runtime too
# little of a small one.  The loader's 127 becomes 227: bats takes 127 for
# a missing command.  $NPROC execs instead: a caller over RLIMIT_NPROC
# cannot fork.
SMALL=(env -i PATH=/usr/bin:/bin
	"ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0")
LIMITED='exec 3>&-; ulimit $0; "$@"; s=$?; exit $((s == 127 ? 227 : s))'
NPROC='exec 3>&-; ulimit -u $0; exec "$@"'
@test "sweep RLIMIT_NOFILE 3 to 64, soft and hard: the whole identity or 125" {
	policy "permit prtest-b as prtest-a cmd ${STATUS[0]}"
	for mode in $MODES; do
		for n in $(seq 3 64); do
			run --separate-stderr as_caller $mode "${SMALL[@]}" bash -c \
				"$LIMITED" "-S -n $n" \
				"$(copy_of $mode)" -u prtest-a -- "${STATUS[@]}"
			not_partial "$mode nofile soft $n"
		done
		for n in 3 4 5 6 7 8 10 12 16 24 32 64; do
			run --separate-stderr as_caller $mode "${SMALL[@]}" bash -c \
				"$LIMITED" "-n $n" \
				"$(copy_of $mode)" -u prtest-a -- "${STATUS[@]}"
			not_partial "$mode nofile $n"
		done
	done
}

@test "sweep RLIMIT_STACK, RLIMIT_AS and RLIMIT_NPROC: the whole identity or 125" {
	policy "permit prtest-b as prtest-a cmd ${STATUS[0]}"
	# Below about 16 KiB (more with a large environment) the C library's
	# start-up code (the dynamic loader, or a static build's) dies of
	# SIGSEGV before main, in any program: in privrun, and in the program,
	# which keeps the soft limit of a root caller.  16 to 20 KiB used to
	# kill the setuid and file-capability copies while privileged.
	sizes="$(seq 16 2 24) $(seq 28 4 64) 256 512"
	for mode in $MODES; do
		for limit in $(printf -- '-Ss_%s ' $sizes) \
		    $(printf -- '-s_%s ' $sizes); do
			run --separate-stderr as_caller $mode "${SMALL[@]}" bash -c \
				"$LIMITED" "${limit/_/ }" \
				"$(copy_of $mode)" -u prtest-a -- "${STATUS[@]}"
			not_partial "$mode stack $limit"
		done
		for kib in 16384 32768 65536 131072 262144 1048576; do
			run --separate-stderr as_caller $mode "${SMALL[@]}" bash -c \
				"$LIMITED" "-v $kib" \
				"$(copy_of $mode)" -u prtest-a -- "${STATUS[@]}"
			not_partial "$mode as $kib"
		done
		for n in 0 1 2 5 10 100; do
			run --separate-stderr as_caller $mode "${SMALL[@]}" bash -c \
				"$NPROC" "$n" \
				"$(copy_of $mode)" -u prtest-a -- "${STATUS[@]}"
			not_partial "$mode nproc $n"
		done
	done
}

@test "a stack hard limit below privrun's need: exit 125 with a message, in every mode" {
	policy "permit prtest-b as prtest-a cmd $PROBE"
	for mode in $MODES; do
		refuse "privrun: start: stack limit 32768 bytes is below the 262144 privrun needs (ulimit -s)" \
			as_caller $mode "${SMALL[@]}" bash -c "$LIMITED" "-s 32" \
			"$(copy_of $mode)" -u prtest-a -- "$PROBE"
		# A soft limit alone is raised for privrun and put back.
		run --separate-stderr as_caller $mode "${SMALL[@]}" bash -c "$LIMITED" \
			"-S -s 32" "$(copy_of $mode)" -u "$(caller_of $mode)" \
			-- /usr/bin/grep '^Max stack size' /proc/self/limits
		assert_success
		assert_output --regexp '^Max stack size +32768 '
	done
}
