#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# --help, --version, --dry-run, --dump and --verbose.

load helpers

@test "--help lists the options and exits 0" {
	run --separate-stderr "$PRIVRUN" --help
	assert_success
	assert_line --index 0 "Usage: privrun [OPTION]... [--] PROGRAM [ARG]..."
	for opt in --user --group --groups --keep-env --clear-env --env --revoke \
		--dry-run --dump --verbose --help --version; do
		assert_output --partial -- "$opt"
	done
}

@test "--version prints the version and exits 0" {
	run --separate-stderr "$PRIVRUN" -V
	assert_success
	assert_output --regexp '^privrun [0-9]+\.[0-9]+'
}

@test "--dry-run prints the plan and runs nothing" {
	marker=$PRIVRUN_TEST_ROOT/data/ran.$BATS_TEST_NUMBER
	run --separate-stderr "$PRIVRUN" -n -u prtest-a -- /bin/touch "$marker" 3>&-
	assert_success
	assert_line "user: prtest-a"
	assert_line "uid: 4001"
	assert_line "gid: 4001"
	assert_line "groups: 4100 4101"
	assert_line "mode: revoke"
	assert_line "cap_bounding: none"
	assert_line "securebits: 0xcf (noroot, no_setuid_fixup, no_cap_ambient_raise, all locked)"
	assert_line "no_new_privs: 1"
	assert_line "env: set HOME=/home/prtest-a"
	assert_line "program: /bin/touch $marker"
	[ ! -e "$marker" ]
}

@test "--dry-run still resolves users and refuses unknown ones" {
	run --separate-stderr "$PRIVRUN" --dry-run -u no-such-user -- /bin/true 3>&-
	assert_failure 125
	assert_equal "$stderr" "privrun: user: 'no-such-user': no such user"
}

@test "--dump needs no program and shows the state the program would start with" {
	run --separate-stderr "$PRIVRUN" -u prtest-b --dump 3>&-
	assert_success
	assert_line --regexp $'^Uid:\t4002\t4002\t4002\t4002$'
	assert_line --regexp $'^Groups:\t4100 ?$'
	assert_line --regexp $'^CapEff:\t0000000000000000$'
	assert_line --regexp $'^NoNewPrivs:\t1$'
	assert_line "Securebits:	0xcf"
}

@test "--dump with a program prints instead of running it" {
	run --separate-stderr "$PRIVRUN" -u nobody --dump -- "$PROBE" 3>&-
	assert_success
	refute_line --partial "Argv:"
	assert_line --regexp $'^Uid:\t65534'
}

@test "--verbose traces each transition with file and line" {
	run --separate-stderr "$PRIVRUN" -v -u nobody -- /bin/true 3>&-
	assert_success
	assert_equal "$(grep -c '^privrun: trace: privrun.c:[0-9]*: ' <<<"$stderr")" 4
	grep -q '^privrun: trace: privrun.c:[0-9]*: privs_keep: capabilities 0, no_new_privs$' <<<"$stderr"
	grep -q '^privrun: trace: privrun.c:[0-9]*: privs_setup: start root, target uid 65534 gid 65534, 0 supplementary groups$' <<<"$stderr"
	grep -q '^privrun: trace: privrun.c:[0-9]*: privs_revoke: verified uid 65534 gid 65534, capabilities empty, setuid(0) refused$' <<<"$stderr"
}

@test "without --verbose nothing is traced" {
	run --separate-stderr "$PRIVRUN" -u nobody -- /bin/true 3>&-
	assert_success
	assert_equal "$stderr" ""
}

@test "--dump names an unnamed unix socket (a socketpair on stdout) as such" {
	run python3 - "$PRIVRUN" <<'PY'
import socket, subprocess, sys
a, b = socket.socketpair()
p = subprocess.run([sys.argv[1], "-u", "nobody", "--dump"], stdout=b.fileno(), pass_fds=())
b.close()
data = b""
while True:
    chunk = a.recv(65536)
    if not chunk:
        break
    data += chunk
print(data.decode(), end="")
sys.exit(p.returncode)
PY
	assert_success
	assert_line --regexp '^fd 1: socket:\[[0-9]+\] unix unnamed$'
}

@test "--dump names unix sockets by path and abstract name, and gives no address for a socket of another family" {
	dir=$PRIVRUN_TEST_ROOT/data/dump.$BATS_TEST_NUMBER
	mkdir -p "$dir"
	for json in "" --json; do
		rm -f "$dir"/*.sock
		# A netlink socket on stdin: getsockname(2) works, but the family
		# is neither internet nor unix.
		run --separate-stderr python3 - "$PRIVRUN" $json -u nobody --dump \
			-b unix:$dir/s.sock -b unix:@privrun-dump-$BATS_TEST_NUMBER \
			-b unix-dgram:$dir/d.sock <<'PY'
import socket, subprocess, sys
n = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0)
sys.exit(subprocess.run(sys.argv[1:], stdin=n.fileno(), pass_fds=()).returncode)
PY
		assert_success
		if [ -z "$json" ]; then
			assert_line --regexp '^fd 0: socket:\[[0-9]+\]$'
			assert_line --regexp "^fd 3: socket:\[[0-9]+\] unix $dir/s.sock listening\$"
			assert_line --regexp "^fd 4: socket:\[[0-9]+\] unix @privrun-dump-$BATS_TEST_NUMBER listening\$"
			assert_line --regexp "^fd 5: socket:\[[0-9]+\] unix-dgram $dir/d.sock\$"
		else
			run jq -c '[.fds[] | select(.fd == 0 or .fd >= 3) | [.fd, (.target | test("^socket:")), .address]]' <<<"$output"
			assert_success
			assert_output "[[0,true,null],[3,true,\"unix $dir/s.sock listening\"],[4,true,\"unix @privrun-dump-$BATS_TEST_NUMBER listening\"],[5,true,\"unix-dgram $dir/d.sock\"]]"
		fi
	done
}

@test "--json needs --dry-run or --dump" {
	run --separate-stderr "$PRIVRUN" --json -u nobody -- /bin/true 3>&-
	assert_failure 125
	assert_equal "$(sed -n 1p <<<"$stderr")" "privrun: usage: --json needs --dry-run or --dump"
}

@test "--dry-run --json is one JSON object with the plan" {
	run --separate-stderr "$PRIVRUN" -n --json -u prtest-a -b http=tcp:80 -o /etc/hostname \
		--keep-caps net_bind_service --rlimit nofile=10:20 --umask 027 --env 'Q=a"b\c' -- /bin/echo 'x y' 3>&-
	assert_success
	run jq -c '[.user, .uid, .gid, .groups, .mode, .capabilities.ambient, .capabilities.bounding,
		.securebits, .no_new_privs, .tty_guard, .rlimits, .umask,
		[.resources[] | [.fd, .name, .kind, .spec]],
		[.environment[] | select(.name == "Q" or .name == "HOME")], .program]' <<<"$output"
	assert_success
	assert_output '["prtest-a",4001,4001,[4100,4101],"keep-caps",["cap_net_bind_service"],["cap_net_bind_service"],207,true,false,[{"name":"nofile","soft":10,"hard":20}],"0027",[[3,"http","bind","http=tcp:80"],[4,"hostname","open","/etc/hostname"]],[{"op":"set","name":"HOME","value":"/home/prtest-a"},{"op":"set","name":"Q","value":"a\"b\\c"}],["/bin/echo","x y"]]'
}

# plan ARGS...: privrun -n ARGS as root, in an environment of only PATH
# and PRIVRUN_X=1, off any terminal (no pty, no terminal guard); with
# --pass-listen-fds, fd 3 is passed, named "inh".
plan() {
	run --separate-stderr env -i PATH=/usr/bin:/bin PRIVRUN_X=1 bash -c '
		case " $* " in
		*" --pass-listen-fds "*)
			export LISTEN_FDS=1 LISTEN_FDNAMES=inh LISTEN_PID=$$ ;;
		esac
		exec "$@" 3</dev/null' plan "$PRIVRUN" -n "$@" </dev/null
	assert_success
	assert_equal "$stderr" ""
}

@test "--dry-run: every line of the plan, in text and in JSON" {
	set -- --pass-listen-fds -u prtest-a:prtest-b -G prtest-shared --monitor \
		--allow-bind tcp:8000-8099 --allow-open /etc/hostname,ro \
		--rlimit nofile=100:200 --umask 027 --chroot / --chdir /tmp \
		--new-session --init --no-pty --no-tty-guard --allow-new-privs \
		--clear-env --env A=1 -b web=tcp:80 -o /etc/hostname -- /bin/echo 'a b'
	plan "$@"
	assert_equal "$output" "start: root
user: prtest-a
uid: 4001
gid: 4002
groups: 4100
mode: monitor
monitor_allow: bind tcp:8000-8099
monitor_allow: open /etc/hostname,ro
cap_effective: none
cap_permitted: none
cap_inheritable: none
cap_ambient: none
cap_bounding: none
securebits: 0xcf (noroot, no_setuid_fixup, no_cap_ambient_raise, all locked)
no_new_privs: 0
tty_guard: 0
pty: 0
init: 1
rlimit: nofile 100 200
umask: 0027
chroot: /
chdir: /tmp
new_session: 1
resource: fd 3 name inh: inherited
resource: fd 4 name web: bind web=tcp:80
resource: fd 5 name hostname: open /etc/hostname
env: clear
env: set PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
env: set HOME=/home/prtest-a
env: set USER=prtest-a
env: set LOGNAME=prtest-a
env: set SHELL=/bin/bash
env: set A=1
program: /bin/echo a b"
	plan --json "$@"
	assert_equal "$output" '{"start":"root","user":"prtest-a","uid":4001,"gid":4002,"groups":[4100],"mode":"monitor","monitor_allow":[{"kind":"bind","spec":"tcp:8000-8099"},{"kind":"open","spec":"/etc/hostname,ro"}],"capabilities":{"effective":[],"permitted":[],"inheritable":[],"ambient":[],"bounding":[]},"securebits":207,"no_new_privs":false,"tty_guard":false,"rlimits":[{"name":"nofile","soft":100,"hard":200}],"umask":"0027","chroot":"/","chdir":"/tmp","new_session":true,"resources":[{"fd":3,"name":"inh","kind":"inherited","spec":null},{"fd":4,"name":"web","kind":"bind","spec":"web=tcp:80"},{"fd":5,"name":"hostname","kind":"open","spec":"/etc/hostname"}],"environment":[{"op":"clear"},{"op":"set","name":"PATH","value":"/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"},{"op":"set","name":"HOME","value":"/home/prtest-a"},{"op":"set","name":"USER","value":"prtest-a"},{"op":"set","name":"LOGNAME","value":"prtest-a"},{"op":"set","name":"SHELL","value":"/bin/bash"},{"op":"set","name":"A","value":"1"}],"program":["/bin/echo","a b"]}'
	set -- -u prtest-a --keep-caps net_raw,net_bind_service --env 'Q=a"b\c' -- /bin/true
	plan "$@"
	assert_equal "$output" 'start: root
user: prtest-a
uid: 4001
gid: 4001
groups: 4100 4101
mode: keep-caps
cap_effective: cap_net_bind_service,cap_net_raw
cap_permitted: cap_net_bind_service,cap_net_raw
cap_inheritable: cap_net_bind_service,cap_net_raw
cap_ambient: cap_net_bind_service,cap_net_raw
cap_bounding: cap_net_bind_service,cap_net_raw
securebits: 0xcf (noroot, no_setuid_fixup, no_cap_ambient_raise, all locked)
no_new_privs: 1
tty_guard: 0
pty: 0
init: 0
resources: none
env: unset PRIVRUN_X
env: set HOME=/home/prtest-a
env: set USER=prtest-a
env: set LOGNAME=prtest-a
env: set SHELL=/bin/bash
env: set Q=a"b\c
program: /bin/true'
	plan --json "$@"
	assert_equal "$output" '{"start":"root","user":"prtest-a","uid":4001,"gid":4001,"groups":[4100,4101],"mode":"keep-caps","monitor_allow":[],"capabilities":{"effective":["cap_net_bind_service","cap_net_raw"],"permitted":["cap_net_bind_service","cap_net_raw"],"inheritable":["cap_net_bind_service","cap_net_raw"],"ambient":["cap_net_bind_service","cap_net_raw"],"bounding":["cap_net_bind_service","cap_net_raw"]},"securebits":207,"no_new_privs":true,"tty_guard":false,"rlimits":[],"umask":null,"chroot":null,"chdir":null,"new_session":false,"resources":[],"environment":[{"op":"unset","name":"PRIVRUN_X"},{"op":"set","name":"HOME","value":"/home/prtest-a"},{"op":"set","name":"USER","value":"prtest-a"},{"op":"set","name":"LOGNAME","value":"prtest-a"},{"op":"set","name":"SHELL","value":"/bin/bash"},{"op":"set","name":"Q","value":"a\"b\\c"}],"program":["/bin/true"]}'
}

@test "--dry-run without privileges: the bounding set and securebits are left as they are" {
	run --separate-stderr as_user 4001 env -i PATH=/usr/bin:/bin \
		"$PRIVRUN" -n -- /bin/true 3>&- </dev/null
	assert_success
	assert_equal "$output" "start: unprivileged
user: prtest-a
uid: 4001
gid: 4001
groups: 4001 4100 4101
mode: revoke
cap_effective: none
cap_permitted: none
cap_inheritable: none
cap_ambient: none
cap_bounding: unchanged (no privileges to drop it)
securebits: unchanged
no_new_privs: 1
tty_guard: 0
pty: 0
init: 0
resources: none
env: set HOME=/home/prtest-a
env: set USER=prtest-a
env: set LOGNAME=prtest-a
env: set SHELL=/bin/bash
program: /bin/true"
}

@test "--dry-run --json without privileges: no bounding set or securebits promised; inherited fds, a cleared environment, control characters escaped" {
	run --separate-stderr as_user 4001 sh -c 'LISTEN_PID=$$ LISTEN_FDS=1 LISTEN_FDNAMES=inh \
		exec "$0" -n --json --pass-listen-fds --clear-env --env "X=a	b" -- /bin/true 3</dev/null' \
		"$PRIVRUN"
	assert_success
	assert_output --partial '"value":"a\u0009b"'
	run jq -c '[.start, .capabilities.bounding, .securebits, .resources,
		.environment[0], (.environment[] | select(.name == "X") | .value)]' <<<"$output"
	assert_success
	assert_output '["unprivileged",null,null,[{"fd":3,"name":"inh","kind":"inherited","spec":null}],{"op":"clear"},"a\tb"]'
}

@test "--dump --json is one JSON object with the state read from the kernel" {
	run --separate-stderr "$PRIVRUN" --dump --json -u prtest-b -b web=tcp4:127.0.0.1:80 3>&-
	assert_success
	run jq -c '[.uid, .gid, .groups, .capabilities.permitted, .capabilities.bounding,
		.no_new_privs, .seccomp, .securebits, [.fds[] | select(.fd >= 3) | [.fd, .address]],
		.environment.LISTEN_FDS, .environment.LISTEN_FDNAMES]' <<<"$output"
	assert_success
	assert_output '[[4002,4002,4002,4002],[4002,4002,4002,4002],[4100],"0000000000000000","0000000000000000",true,0,207,[[3,"tcp4 127.0.0.1:80 listening"]],"1","web"]'
}
