#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# Fault injection: privrun must never run a program with a privilege left.
# Each row of tests/faults.tsv makes one privileged system call fail or do
# nothing (tests/bin/faultinject.c); privrun must notice, from the call's
# result or from the kernel's view afterwards, exit 125 and run nothing.

load helpers

FAULTS=$BATS_TEST_DIRNAME/faults.tsv

setup() {
	D=$PRIVRUN_TEST_ROOT/data/faults.$BATS_TEST_NUMBER
	mkdir -p "$D"
	chmod 1777 "$D"
}

# A sanitizer build's runtime sets RLIMIT_CORE itself at start unless told
# not to, and would meet the fault meant for the monitor's.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}disable_coredump=0"

# The program: it writes the kernel's view of itself to $D/ran.
PROGRAM=(/bin/sh -c 'grep -E "^(Uid|Gid|Cap[A-Za-z]+|NoNewPrivs):" /proc/self/status >"$0"')

# run_row CALL FILTER FAULT MODE OPTIONS EXPECT: privrun under the fault
# (and under valgrind in make check-valgrind, but for a monitor that gets
# as far as its seccomp filter, the seccomp(2) rows and --intercept, which
# checks seccomp(2) first: valgrind 3.19 has no seccomp(2); nor the signal
# rows, which stop valgrind itself).
run_row() {
	local sys=$1 mode=$4 opts=() filter=() VALGRIND=("${VALGRIND[@]}")
	[[ "$5 $6" != *--monitor*" ran" && $5 != *--intercept* &&
	    $sys != seccomp && $sys != rt_sig* ]] ||
		VALGRIND=()
	case $sys in PR_*) sys=prctl ;; esac
	[ "$2" = - ] || read -ra filter <<<"$2"
	[ "$5" = - ] || read -ra opts <<<"${5//@D@/$D}"
	rm -f "$D/ran" "$D/s.sock"
	case $mode in
	root) run --separate-stderr "$FAULTINJECT" "$sys" "$3" "${filter[@]}" -- \
		"${VALGRIND[@]}" "$PRIVRUN" "${opts[@]}" -- "${PROGRAM[@]}" "$D/ran" 3>&- ;;
	ambient) run --separate-stderr "$FAULTINJECT" "$sys" "$3" "${filter[@]}" -- \
		/usr/bin/setpriv --inh-caps +net_raw --ambient-caps +net_raw -- \
		"${VALGRIND[@]}" "$PRIVRUN" "${opts[@]}" -- "${PROGRAM[@]}" "$D/ran" 3>&- ;;
	user) run --separate-stderr "$FAULTINJECT" -u 4001 "$sys" "$3" "${filter[@]}" -- \
		"${VALGRIND[@]}" "$PRIVRUN" "${opts[@]}" -- "${PROGRAM[@]}" "$D/ran" 3>&- ;;
	suid) run --separate-stderr "$FAULTINJECT" -u 4001 "$sys" "$3" "${filter[@]}" -- \
		"$PRIVRUN_SUID" "${opts[@]}" -- "${PROGRAM[@]}" "$D/ran" 3>&- ;;
	caps) run --separate-stderr "$FAULTINJECT" -u 4001 "$sys" "$3" "${filter[@]}" -- \
		"$PRIVRUN_CAPS" "${opts[@]}" -- "${PROGRAM[@]}" "$D/ran" 3>&- ;;
	api) run --separate-stderr "$FAULTINJECT" "$sys" "$3" "${filter[@]}" -- \
		"${VALGRIND[@]}" "$PRIVS_API" 4001 4001 3>&- ;;
	apiuser) run --separate-stderr "$FAULTINJECT" -u 4001 "$sys" "$3" "${filter[@]}" -- \
		"${VALGRIND[@]}" "$PRIVS_API" 4001 4001 3>&- ;;
	*) status=-1 stderr="faults.tsv: unknown mode $mode" ;;
	esac
}

# check_row MODE EXPECT: empty if the run did what the row expects, else
# why not.
check_row() {
	local expect=${2//@D@/$D} set line
	if [ "$1" = api ] || [ "$1" = apiuser ]; then
		while read -r line; do
			[[ $line == "${expect%% *} rc=-1 "*" ${expect#* }" ]] && return
		done <<<"$output"
		echo "no line '$expect' in: $output"
		return
	fi
	if [ "$expect" = ran ]; then
		[ "$status" -eq 0 ] || { echo "status $status: $stderr"; return; }
		[ -e "$D/ran" ] || { echo "the program did not run"; return; }
		for set in CapInh CapPrm CapEff CapBnd CapAmb; do
			grep -qx "$set:	0000000000000000" "$D/ran" ||
				echo "the program ran with $(grep "^$set:" "$D/ran")"
		done
		grep -qx "NoNewPrivs:	1" "$D/ran" || echo "no_new_privs not set"
		grep -qE "^Uid:	0	" "$D/ran" && echo "the program ran as root"
		return 0
	fi
	[ ! -e "$D/ran" ] && [ "$status" -eq 125 ] &&
		grep -qxF -- "$expect" <<<"$stderr" && return
	echo "status $status, program $([ -e "$D/ran" ] && echo ran || echo "did not run"), stderr: $stderr"
}

@test "every row of tests/faults.tsv: the fault is caught (125, nothing run), or changes nothing" {
	local call filter fault mode opts expect cap caps rows=0 bad=0 why
	# The capabilities in this process's bounding set: one not there
	# (a container may lack some) is not privrun's to drop.
	caps=$(bnd=$((16#$(sed -n 's/^CapBnd:\t//p' /proc/self/status)))
		for c in $(seq 0 "$(cat /proc/sys/kernel/cap_last_cap)"); do
			[ $((bnd >> c & 1)) -eq 0 ] || echo "$c"
		done)
	while IFS=$'\t' read -r call filter fault mode opts expect; do
		case $call in '#'* | '') continue ;; esac
		for cap in $(case $filter in *@cap@*) echo "$caps" ;; *) echo - ;; esac); do
			run_row "$call" "${filter//@cap@/$cap}" "$fault" "$mode" "$opts" "$expect"
			why=$(check_row "$mode" "${expect//@cap@/$cap}")
			rows=$((rows + 1))
			if [ -n "$why" ]; then
				bad=$((bad + 1))
				echo "FAIL $call ${filter//@cap@/$cap} $fault $mode $opts: $why"
			else
				echo "ok   $call ${filter//@cap@/$cap} $fault $mode $opts"
			fi
		done
	done <"$FAULTS"
	echo "$rows rows, $bad failed"
	[ "$rows" -gt 150 ]
	[ "$bad" -eq 0 ]
}

# The privileged calls of privs.c, privs_drop.c, the monitor and the parent
# that stays (supervise.c), as "setresuid" or, for
# prctl(2), its option: each must have a row in tests/faults.tsv.
@test "every privileged call in privs.c, privs_drop.c, the monitor and supervise.c has a fault row" {
	local call missing=0
	calls=$(cd "$BATS_TEST_DIRNAME/.." && cat privs.c privs_drop.c monitor/*.c process/supervise.c |
		grep -oE '\b(setgroups|setres[ug]id|setfs[ug]id|SYS_capset|prctl\(PR_[A-Z_]+(, PR_CAP_AMBIENT_[A-Z_]+)?)' |
		sed -e 's/^SYS_//' -e 's/^prctl(PR_CAP_AMBIENT, //' -e 's/^prctl(//' |
		grep -vE '^PR_(GET_|CAPBSET_READ)' | sort -u)
	[ "$(wc -l <<<"$calls")" -ge 12 ]
	for call in $calls; do
		if ! cut -f1 "$FAULTS" | grep -qx "$call"; then
			echo "no row in tests/faults.tsv for $call"
			missing=1
		fi
	done
	[ "$missing" -eq 0 ]
}
