# SPDX-License-Identifier: ISC
# Shared by every .bats file.  The suite runs under tests/run, which exports
# PRIVRUN, PRIVRUN_SUID, PRIVRUN_CAPS, PROBE, NOARGV and PRIVRUN_TEST_ROOT.
#
# bats uses fd 3 itself (HACKING.md); privrun closes every fd >= 3 anyway,
# but each command below is run with 3>&- so that no test depends on it.

bats_require_minimum_version 1.5.0

load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'

if [ -z "${PRIVRUN_TEST_ROOT:-}" ]; then
	echo "run the suite through tests/run (make check)" >&2
	exit 1
fi

# make check-valgrind: the command (valgrind and its options) that
# tests/privs.bats and tests/faults.bats put before privrun and the privs
# API helpers they start as root or as a plain user; empty otherwise.
# valgrind is not setuid: the setuid and file-capability copies run as they
# are.
# (faultinject runs it without a PATH search.)
read -ra VALGRIND <<<"${PRIVRUN_TEST_VALGRIND:-}"
[ ${#VALGRIND[@]} -eq 0 ] || VALGRIND[0]=$(command -v "${VALGRIND[0]}")

# The five capability sets of a fully dropped process, as the probe prints.
assert_no_capabilities() {
	local set
	for set in CapInh CapPrm CapEff CapBnd CapAmb; do
		assert_line "$set: 0000000000000000"
	done
}

# assert_dropped_to UID GID "GROUPS": ids, groups, capabilities,
# securebits, no_new_privs and a failed regain, as the probe saw them.
assert_dropped_to() {
	assert_line "Uid: $1 $1 $1 $1"
	assert_line "Gid: $2 $2 $2 $2"
	assert_line "Groups:${3:+ $3}"
	assert_no_capabilities
	assert_line "NoNewPrivs: 1"
	assert_line "Securebits: 0xcf"
	if [ "$1" != 0 ]; then
		assert_line "Regain-setuid0: Operation not permitted"
	fi
}

# as_user UID CMD...: run CMD as an ordinary user with that user's groups,
# through util-linux setpriv (not privrun, which is under test).
# LeakSanitizer works by ptrace, which a setuid or file-capability process
# does not allow: in a sanitizer build, leaks are checked in the root-started
# runs only (ASAN_OPTIONS means nothing to a build without ASan).
as_user() {
	local uid=$1
	shift
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		setpriv --reuid="$uid" --regid="$uid" --init-groups -- "$@"
}

# A root-only file the target user must not be able to read.
make_secret() {
	local f=$PRIVRUN_TEST_ROOT/data/secret.$BATS_TEST_NUMBER
	printf 'secret\n' >"$f"
	chmod 0600 "$f"
	echo "$f"
}

# refuse MESSAGE CMD...: CMD must exit 125 having run nothing (no output),
# with MESSAGE as the first line on stderr and, after it, at most the
# usage hint that usage errors add.
refuse() {
	local message=$1 rest
	shift
	run --separate-stderr "$@" 3>&-
	assert_failure 125
	assert_equal "$output" ""
	assert_equal "$(sed -n 1p <<<"$stderr")" "$message"
	rest=$(sed 1d <<<"$stderr")
	if [ -n "$rest" ]; then
		assert_equal "$rest" "Try 'privrun --help' for more information."
	fi
}

# background CMD...: start CMD with fd 3 closed, remember it for
# stop_background (a test file's teardown); $LAST_PID is its pid.
BG_PIDS=()
background() {
	"$@" 3>&- >/dev/null 2>&1 &
	BG_PIDS+=($!)
	LAST_PID=$!
}

# end_gently PID...: SIGTERM, then SIGKILL to any not gone within 2 seconds.
# A monitor forwards SIGTERM and ends through _exit(2), where a coverage
# build writes its counts (HACKING.md, "Coverage"); SIGKILL would lose them.
end_gently() {
	local p _ left
	kill "$@" 2>/dev/null || true
	for _ in $(seq 40); do
		left=0
		for p in "$@"; do
			case $(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null) in
			'' | Z*) ;;
			*) left=1 ;;
			esac
		done
		[ "$left" = 0 ] && break
		sleep 0.05
	done
	kill -KILL "$@" 2>/dev/null || true
}

stop_background() {
	local p
	for p in "${BG_PIDS[@]}"; do
		kill "$p" 2>/dev/null || true
	done
	BG_PIDS=()
}

# wait_for CMD...: retry CMD for up to 5 seconds.
wait_for() {
	local _
	for _ in $(seq 100); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.05
	done
	"$@"
}

# is_static BINARY: linked without a dynamic loader (make STATIC=1 or
# make MUSL=1).
is_static() {
	! readelf -lW "$1" | grep -q 'INTERP'
}

# is_musl BINARY: linked with musl (make MUSL=1): its start-up function.
is_musl() {
	nm "$1" 2>/dev/null | grep -qw __init_libc
}
