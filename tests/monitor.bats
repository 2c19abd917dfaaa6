#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# --monitor: the monitor's own state from the kernel's view, a server that
# gets low ports on reload while holding no capability, a hostile client,
# process management as PID 1 of a PID namespace, the C client (built from
# the installed library too), the Python example, and the usage errors.

load helpers

setup() {
	RUN=$PRIVRUN_TEST_ROOT/monitor.$BATS_TEST_NUMBER
	mkdir -p "$RUN"
	chown 4001:4001 "$RUN"
	BG_PIDS=()
}

teardown() {
	[ ${#BG_PIDS[@]} -eq 0 ] || end_gently "${BG_PIDS[@]}"
}

# background CMD...: start CMD with fd 3 closed; its pid is LAST_PID.
background() {
	"$@" 3>&- >"$RUN/bg.out" 2>"$RUN/bg.err" &
	BG_PIDS+=($!)
	LAST_PID=$!
}

# wait_for comes from helpers.bash.

# The monitor has finished its set-up once its seccomp filter is in.
monitor_ready() {
	grep -q '^Seccomp:[[:space:]]*2$' "/proc/$1/status"
}

# child_of PID: the one child of PID.
child_of() {
	cat "/proc/$1/task/$1/children" | tr -d ' '
}

# status_field PID NAME: one field of /proc/PID/status.
status_field() {
	sed -n "s/^$2:[[:space:]]*//p" "/proc/$1/status" | tr -s '\t ' ' ' |
		sed 's/ $//'
}

# wait_status PID: wait for a background job; its status in $status.
wait_status() {
	status=0
	wait "$1" || status=$?
}

# assert_gone PID: PID has ended (at most a zombie not yet reaped).
assert_gone() {
	local state
	state=$(sed -n 's/^State:[[:space:]]*//p' "/proc/$1/status" 2>/dev/null ||
		true)
	if [ -n "$state" ] && [ "${state#Z}" = "$state" ]; then
		fail "pid $1 is still there: $state"
	fi
}

fd_count() {
	ls "/proc/$1/fd" | wc -l
}

@test "the monitor: target uid, only the allowed capabilities, permitted only, no_new_privs, seccomp" {
	key=$(make_secret)
	background "$PRIVRUN" -u prtest-a --monitor --allow-bind tcp:81 \
		--allow-open "$key" -- sleep 30
	mon=$LAST_PID
	wait_for monitor_ready "$mon"
	assert_equal "$(status_field "$mon" Uid)" "4001 4001 4001 4001"
	assert_equal "$(status_field "$mon" Gid)" "4001 4001 4001 4001"
	assert_equal "$(status_field "$mon" Groups)" "4100 4101"
	# CAP_NET_BIND_SERVICE (10) and CAP_DAC_READ_SEARCH (2), nothing else.
	assert_equal "$(status_field "$mon" CapPrm)" "0000000000000404"
	assert_equal "$(status_field "$mon" CapBnd)" "0000000000000404"
	assert_equal "$(status_field "$mon" CapEff)" "0000000000000000"
	assert_equal "$(status_field "$mon" CapInh)" "0000000000000000"
	assert_equal "$(status_field "$mon" CapAmb)" "0000000000000000"
	assert_equal "$(status_field "$mon" NoNewPrivs)" "1"
	assert_equal "$(status_field "$mon" Seccomp)" "2"
	run grep '^Max core file size' "/proc/$mon/limits"
	assert_output --regexp '^Max core file size +0 +0 +bytes *$'
	# Only fds 0-2, the socket and the signalfd.
	run bash -c 'cd /proc/$1/fd && for fd in *; do echo "$fd $(readlink $fd)"; done' - "$mon"
	assert_line --index 3 --regexp '^3 socket:\[[0-9]+\]$'
	assert_line --index 4 '4 anon_inode:[signalfd]'
	assert_equal "${#lines[@]}" 5
	child=$(child_of "$mon")
	assert_equal "$(status_field "$child" CapPrm)" "0000000000000000"
	assert_equal "$(status_field "$child" CapBnd)" "0000000000000000"
	assert_equal "$(status_field "$child" Uid)" "4001 4001 4001 4001"
}

@test "privs_monitor: the kept set is raised and lowered around a step; every other call fails after it" {
	run "$PRIVS_API" 4001 4001 monitor
	assert_success
	assert_line --regexp '^monitor rc=0 capeff=0000000000000000 uid=4001.4001.4001.4001$'
	assert_line --regexp '^root rc=0 capeff=0000000000000400 uid=4001.4001.4001.4001$'
	assert_line --regexp '^relinquish rc=0 capeff=0000000000000000 uid=4001.4001.4001.4001$'
	assert_line --regexp '^user-after-monitor rc=-1 .* error=privs_user: privileges already revoked$'
	assert_line --regexp '^revoke-after-monitor rc=-1 .* error=privs_revoke: privileges already revoked$'
}

@test "as the child's uid, the monitor's environment cannot be read nor the monitor ptraced" {
	background "$PRIVRUN" -u prtest-a --monitor --allow-bind tcp:81 -- sleep 30
	mon=$LAST_PID
	wait_for monitor_ready "$mon"
	run --separate-stderr as_user 4001 cat "/proc/$mon/environ"
	assert_failure
	assert_equal "$stderr" "cat: /proc/$mon/environ: Permission denied"
	run as_user 4001 /usr/bin/python3 - "$mon" <<'PY'
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
PTRACE_ATTACH = 16
rc = libc.ptrace(PTRACE_ATTACH, int(sys.argv[1]), None, None)
print("attach", rc, os.strerror(ctypes.get_errno()))
PY
	assert_output "attach -1 Operation not permitted"
}

@test "a monitor its own user started cannot be ptraced by that user; its program can (Yama allows both)" {
	# The attacker starts privrun itself, so the monitor is its child and
	# Yama's ptrace_scope 1 does not decide the outcome: the monitor's
	# non-dumpable state does.
	run as_user 4001 /usr/bin/python3 - "$PRIVRUN" <<'PY'
import ctypes, os, subprocess, sys, time
libc = ctypes.CDLL(None, use_errno=True)
p = subprocess.Popen([sys.argv[1], "--monitor", "--allow-bind", "tcp:8080",
                      "--", "sleep", "30"], pass_fds=())
# Until the program runs: before its exec the child is privrun, not
# dumpable (slow to get there in a coverage build, which writes its counts).
for _ in range(100):
    status = open("/proc/%d/status" % p.pid).read()
    children = open("/proc/%d/task/%d/children" % (p.pid, p.pid)).read()
    if "Seccomp:\t2" in status and children.strip() and open(
            "/proc/%s/comm" % children.split()[0]).read() == "sleep\n":
        break
    time.sleep(0.05)
child = int(children.split()[0])
for name, pid in (("monitor", p.pid), ("program", child)):
    rc = libc.ptrace(16, pid, None, None)
    print(name, rc, os.strerror(ctypes.get_errno()) if rc else "attached")
    if rc == 0:
        os.waitpid(pid, 0)
        libc.ptrace(17, pid, None, None)   # PTRACE_DETACH
p.kill()
PY
	assert_line "monitor -1 Operation not permitted"
	assert_line "program 0 attached"
}

@test "a server with no capabilities gets tcp:8081 and tcp:81 from the monitor on SIGHUP; tcp:82 is refused" {
	background "$PRIVRUN" -u prtest-a --monitor --allow-bind tcp:8080-8089 \
		--allow-bind tcp:81 -- "$MONITOR_PEER" server "$RUN/log" \
		tcp:8081 tcp:81 tcp:82
	mon=$LAST_PID
	wait_for grep -qx waiting "$RUN/log"
	child=$(child_of "$mon")
	for set in CapInh CapPrm CapEff CapBnd CapAmb; do
		assert_equal "$(status_field "$child" $set)" "0000000000000000"
	done
	run ss -Htln
	refute_output --partial ':81 '
	kill -HUP "$mon"	# forwarded to the server
	wait_for grep -qx ready "$RUN/log"
	run cat "$RUN/log"
	assert_line "ok tcp:8081"
	assert_line "ok tcp:81"
	assert_line "error tcp:82 7 tcp:82: not in the monitor's allow list"
	run curl -sS http://127.0.0.1:8081/
	assert_output "port 8081"
	run curl -sS 'http://[::1]:81/'
	assert_output "port 81"
	# The listeners are the server's, not the monitor's.
	run ss -Htlnp
	assert_output --regexp ":81 .*pid=$child,"
	refute_output --partial "pid=$mon,"
	kill -TERM "$mon"
	wait_status "$mon"
	assert_equal "$status" 143	# 128 + SIGTERM, which killed the server
}

@test "a hostile client: every bad request answered with an error, the monitor alive with a stable fd count" {
	background "$PRIVRUN" -u prtest-a --monitor --allow-bind tcp:8081 \
		-- "$MONITOR_PEER" hostile "$RUN/log" "$RUN/go"
	mon=$LAST_PID
	wait_for grep -qx waiting "$RUN/log"
	wait_for monitor_ready "$mon"
	before=$(fd_count "$mon")
	touch "$RUN/go"
	for _ in $(seq 600); do
		grep -qx done "$RUN/log" && break
		sleep 0.1
	done
	run cat "$RUN/log"
	assert_line "zero-length 1 0 request shorter than the 12-byte header"
	assert_line "short 1 0 request shorter than the 12-byte header"
	assert_line "header-only 1 0 empty spec"
	assert_line "oversized 3 0 request longer than the 12-byte header and 511 bytes of spec"
	assert_line "huge 3 0 request longer than the 12-byte header and 511 bytes of spec"
	assert_line 'garbage 1 0 bad magic (not "PRVM")'
	assert_line 'bad-magic 1 0 bad magic (not "PRVM")'
	assert_line "bad-version 2 0 unsupported protocol version (this monitor speaks version 1)"
	assert_line "bad-length 1 0 length field does not match the payload"
	assert_line "nul 1 0 NUL byte in the spec"
	assert_line "unknown-type 4 0 unknown request type"
	assert_line "reply-type 4 0 unknown request type"
	assert_line "with-fds 5 0 requests carry no fds or control data (closed)"
	assert_line "many-fds 5 0 requests carry no fds or control data (closed)"
	assert_line "bad-spec 6 0 'tcp:99999': '99999' is not a port (0 to 65535)"
	assert_line "unix 7 0 unix:/tmp/x.sock: the monitor serves tcp and udp sockets only"
	assert_line "disallowed-port 7 0 tcp:82: not in the monitor's allow list"
	assert_line "disallowed-addr 7 0 tcp:127.0.0.1:8081: not in the monitor's allow list"
	assert_line "disallowed-option 7 0 tcp:8081,mark=1: this socket option is not served"
	assert_line "disallowed-file 7 0 /etc/shadow: not in the monitor's allow list"
	assert_line "valid 0 1 tcp:8081: ok"
	# 1,000 valid requests served with one fd each; 9,000 random ones
	# refused, none with an fd.
	assert_line --regexp '^flood 0/1=1000 1/0=[0-9]+ 3/0=[0-9]+$'
	flood=$(sed -n 's/^flood //p' "$RUN/log" | tr ' ' '\n' | cut -d= -f2 |
		awk '{ n += $1 } END { print n }')
	assert_equal "$flood" 10000
	assert_line "pipelined 200 [7]"
	assert_line done
	kill -0 "$mon"
	assert_equal "$(fd_count "$mon")" "$before"
	assert_equal "$(status_field "$mon" State)" "S (sleeping)"
}

@test "the monitor forwards SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH and SIGTERM, and exits with the program's status" {
	background "$PRIVRUN" -u prtest-a --monitor --allow-bind tcp:81 \
		-- "$MONITOR_PEER" signals "$RUN/log"
	mon=$LAST_PID
	wait_for grep -qx waiting "$RUN/log"
	wait_for monitor_ready "$mon"
	for sig in INT HUP QUIT USR1 USR2 WINCH; do
		kill -s "$sig" "$mon"
		wait_for grep -qx "SIG$sig" "$RUN/log"
	done
	kill -s TERM "$mon"
	wait_status "$mon"
	assert_equal "$status" 9
	run cat "$RUN/log"
	assert_output "waiting
SIGINT
SIGHUP
SIGQUIT
SIGUSR1
SIGUSR2
SIGWINCH
SIGTERM"
}

@test "a signal from the terminal reaches the program once, not again through the monitor" {
	run python3 - "$PRIVRUN" "$MONITOR_PEER" "$RUN/log" <<'PY'
import fcntl, os, pty, signal, struct, sys, termios, time
privrun, peer, log = sys.argv[1:4]
pid, master = pty.fork()
if pid == 0:
    # A session on the pty, privrun leading its foreground process group.
    os.execv(privrun, [privrun, "-u", "prtest-a", "--monitor",
                       "--allow-bind", "tcp:81", "--", peer, "signals", log])
def wait_for(line):
    for _ in range(100):
        if os.path.exists(log) and line in open(log).read().split():
            return
        time.sleep(0.05)
wait_for("waiting")
os.write(master, b"\x03")                      # Ctrl-C: SIGINT
wait_for("SIGINT")
fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 100, 0, 0))
wait_for("SIGWINCH")
time.sleep(0.5)                                 # room for a second copy
os.kill(pid, signal.SIGTERM)                    # kill(2): forwarded
try:
    while os.read(master, 4096):
        pass
except OSError:
    pass
_, st = os.waitpid(pid, 0)
print("status", os.waitstatus_to_exitcode(st))
print(open(log).read(), end="")
PY
	assert_output "status 9
waiting
SIGINT
SIGWINCH
SIGTERM"
}

@test "PID 1 of a PID namespace: SIGTERM from inside is forwarded and the program's status 42 returned" {
	unshare -fp --mount-proc "$PRIVRUN" -u prtest-a --monitor \
		--allow-bind tcp:81 -- bash -c "trap 'exit 42' TERM; touch $RUN/started; while :; do sleep 0.1; done" \
		3>&- &
	ns=$!
	BG_PIDS+=($ns)
	wait_for test -e "$RUN/started"
	mon=$(child_of "$ns")
	wait_for monitor_ready "$mon"
	assert_equal "$(sed -n 's/^NSpid:[[:space:]]*//p' "/proc/$mon/status" | tr -s '\t' ' ')" "$mon 1"
	# kill(1) runs inside the namespace: when PID 1 exits at once, the
	# kernel may SIGKILL it before it exits itself (137); the status 42
	# below shows the signal arrived.
	nsenter -t "$mon" -p kill -TERM 1 || [ $? -eq 137 ]
	wait_status "$ns"
	assert_equal "$status" 42
}

@test "PID 1 of a PID namespace: an orphaned grandchild is reaped, no zombie left" {
	run unshare -fp --mount-proc "$PRIVRUN" -u prtest-a --monitor \
		--allow-bind tcp:81 -- bash -c '
		orphan=$( (sleep 0.5 >/dev/null 2>&1 & echo $!) )
		sleep 0.2
		echo "orphan parent: $(awk "/^PPid:/ {print \$2}" /proc/$orphan/status)"
		sleep 0.8
		[ -e /proc/$orphan ] && echo "orphan left: $(cut -d" " -f3 /proc/$orphan/stat)"
		echo "zombies: $(cat /proc/[0-9]*/stat | awk "\$3 == \"Z\"" | wc -l)"
		exit 3' 3>&-
	assert_equal "$status" 3
	assert_line "orphan parent: 1"
	refute_line --partial "orphan left"
	assert_line "zombies: 0"
}

@test "after SIGKILL of the monitor the program is gone within a second (PID 1 and not)" {
	background "$PRIVRUN" -u prtest-a --monitor --allow-bind tcp:81 -- sleep 30
	mon=$LAST_PID
	wait_for monitor_ready "$mon"
	child=$(child_of "$mon")
	assert_equal "$(status_field "$child" PPid)" "$mon"
	kill -KILL "$mon"
	sleep 1
	assert_gone "$child"

	unshare -fp --mount-proc "$PRIVRUN" -u prtest-a --monitor \
		--allow-bind tcp:81 -- sleep 30 3>&- &
	ns=$!
	BG_PIDS+=($ns)
	# A function, so that wait_for asks again each time.
	has_child() { test -n "$(child_of "$1")"; }
	wait_for has_child "$ns"
	mon=$(child_of "$ns")
	wait_for monitor_ready "$mon"
	child=$(child_of "$mon")
	kill -KILL "$mon"
	sleep 1
	assert_gone "$child"
}

@test "the C client: a socket and a root-only file from the monitor, an error for what is not allowed" {
	key=$(make_secret)
	run --separate-stderr "$PRIVRUN" -u prtest-a --monitor --allow-bind tcp:81 \
		--allow-open "$key" --allow-open "$RUN/missing" -- "$MONITOR_CLIENT" \
		bind:tcp:81 "open:$key" bind:tcp:82 "open:$key,rw" \
		"open:$RUN/missing" 3>&-
	assert_success
	assert_line --index 0 "ok 4 socket port 81 listening 1"
	assert_line --index 1 "ok 4 file secret"
	assert_line --index 2 "error 7 tcp:82: not in the monitor's allow list"
	assert_line --index 3 "error 7 $key,rw: not in the monitor's allow list"
	assert_line --index 4 "error 8 $RUN/missing: No such file or directory"
	# Without the monitor, the client says so.
	run "$MONITOR_CLIENT" bind:tcp:81
	assert_output "error -1 PRIVRUN_MONITOR_FD is not set (not run by privrun --monitor?)"
}

@test "the client library as installed: header, static library and pkg-config file build a working program" {
	dest=$BATS_TEST_TMPDIR/prefix
	run make -s install PREFIX="$dest"
	assert_success
	flags=$(PKG_CONFIG_PATH="$dest/lib/pkgconfig" pkg-config --cflags --libs privrun-client)
	assert_equal "$(echo $flags)" "-I$dest/include -L$dest/lib -lprivrun-client"
	# A sanitizer build's library needs the sanitizer runtimes to link.
	san=
	if nm "$dest/lib/libprivrun-client.a" | grep -q __asan; then
		san=-fsanitize=address,undefined
	fi
	# A coverage build's (make coverage) needs libgcov, after it.
	gcov=
	if nm "$dest/lib/libprivrun-client.a" | grep -q __gcov_; then
		gcov=-lgcov
	fi
	cc $san -o "$RUN/client" tests/bin/monitor_client.c \
		$(PKG_CONFIG_PATH="$dest/lib/pkgconfig" pkg-config --cflags --libs privrun-client) $gcov
	chmod 0755 "$RUN/client"
	run "$PRIVRUN" -u prtest-a --monitor --allow-bind tcp:81 -- "$RUN/client" bind:tcp:81 3>&-
	assert_success
	assert_output "ok 4 socket port 81 listening 1"
	make -s uninstall PREFIX="$dest"
	run find "$dest" -type f
	assert_output ""
}

@test "the Python example speaks the protocol without the C client" {
	key=$(make_secret)
	run --separate-stderr "$PRIVRUN" -u prtest-a --monitor --allow-bind tcp:8000-8099 \
		--allow-open "$key" -- python3 "$MONITOR_PY" bind:tcp:8081 \
		"open:$key" bind:udp:8081 3>&-
	assert_success
	assert_line --index 0 "fd 4: tcp:8081: ok"
	assert_line --index 1 "fd 5: $key: ok"
	assert_line --index 2 "refused: status 7: udp:8081: not in the monitor's allow list"
}

@test "allow-list matching: range ends, same protocol and address only; an append-only file is not readable nor writable otherwise" {
	log=$RUN/app.log
	touch "$log"
	chmod 0600 "$log"
	run --separate-stderr "$PRIVRUN" -u prtest-a --monitor --allow-bind tcp:8080-8089 \
		--allow-bind 'udp6:[::1]:53' --allow-open "$log,append" -- python3 "$MONITOR_PY" \
		bind:tcp:8080 bind:tcp:8089 bind:tcp:8079 bind:tcp:8090 \
		bind:tcp6:8085 'bind:udp6:[::1]:53' bind:udp6:53 \
		"open:$log,append" "open:$log" "open:$log,rw" 3>&-
	assert_success
	assert_output "fd 4: tcp:8080: ok
fd 5: tcp:8089: ok
refused: status 7: tcp:8079: not in the monitor's allow list
refused: status 7: tcp:8090: not in the monitor's allow list
refused: status 7: tcp6:8085: not in the monitor's allow list
fd 6: udp6:[::1]:53: ok
refused: status 7: udp6:53: not in the monitor's allow list
fd 7: $log,append: ok
refused: status 7: $log: not in the monitor's allow list
refused: status 7: $log,rw: not in the monitor's allow list"
}

@test "a request for [::] on a tcp6: entry gets IPV6_V6ONLY unless 0.0.0.0 is granted too, as an intercepted bind must have it" {
	run --separate-stderr "$PRIVRUN" -u prtest-a --monitor --allow-bind tcp6:80 \
		--allow-bind tcp6:81 --allow-bind tcp4:81 -- python3 -c '
import importlib.util, os, socket, sys
spec = importlib.util.spec_from_file_location("client", sys.argv[1])
client = importlib.util.module_from_spec(spec)
spec.loader.exec_module(client)
monitor = socket.socket(fileno=int(os.environ["PRIVRUN_MONITOR_FD"]))
for req in ("tcp6:80", "tcp6:81", "tcp6:80,v6only"):
	fd, message = client.request(monitor, "bind", req)
	s = socket.socket(fileno=fd)
	print(message, "v6only", s.getsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY))
	s.close()
' "$MONITOR_PY" 3>&-
	assert_success
	assert_output "tcp6:80: ok v6only 1
tcp6:81: ok v6only 0
tcp6:80,v6only: ok v6only 1"
}

@test "PRIVRUN_MONITOR_FD names the fd after the resources, which LISTEN_FDS does not count" {
	run --separate-stderr "$PRIVRUN" -u prtest-a -b tcp:80 -b udp:53 --monitor \
		--allow-bind tcp:81 -- "$PROBE" 3>&-
	assert_success
	assert_line "Env: PRIVRUN_MONITOR_FD=5"
	assert_line "Env: LISTEN_FDS=2"
	assert_line --regexp '^Sock: 5 unix '
	refute_line --regexp '^Flags: 5 .*cloexec'
	refute_line --regexp '^Fd: 6 '
	assert_dropped_to 4001 4001 "4100 4101"
}

@test "--dry-run shows monitor mode and the allow list, in text and JSON" {
	run --separate-stderr "$PRIVRUN" -n -u prtest-a --monitor --allow-bind tcp:8000-8099 \
		--allow-open /etc/shadow -- true 3>&-
	assert_success
	assert_line "mode: monitor"
	assert_line "monitor_allow: bind tcp:8000-8099"
	assert_line "monitor_allow: open /etc/shadow"
	run --separate-stderr "$PRIVRUN" -n --json -u prtest-a --monitor \
		--allow-bind tcp:81 -- true 3>&-
	assert_success
	run jq -c '{mode, monitor_allow}' <<<"$output"
	assert_output '{"mode":"monitor","monitor_allow":[{"kind":"bind","spec":"tcp:81"}]}'
}

@test "usage errors: --monitor with --keep-caps, without an allow list, bad allow specs; allow list without --monitor" {
	refuse "privrun: usage: --monitor and --keep-caps are mutually exclusive" \
		"$PRIVRUN" -u prtest-a --monitor --allow-bind tcp:81 --keep-caps net_bind_service -- true
	refuse "privrun: usage: --monitor needs at least one --allow-bind or --allow-open" \
		"$PRIVRUN" -u prtest-a --monitor -- true
	refuse "privrun: usage: --allow-bind and --allow-open need --monitor" \
		"$PRIVRUN" -u prtest-a --allow-bind tcp:81 -- true
	refuse "privrun: usage: --allow-bind 'tcp:8099-8000': 'tcp:8099-8000': port range runs backwards" \
		"$PRIVRUN" -u prtest-a --monitor --allow-bind tcp:8099-8000 -- true
	refuse "privrun: usage: --allow-bind 'tcp:80-99999': 'tcp:80-99999': '99999' is not a port (0 to 65535)" \
		"$PRIVRUN" -u prtest-a --monitor --allow-bind tcp:80-99999 -- true
	refuse "privrun: usage: --allow-bind 'tcp:www': 'tcp:www': 'www' is not a port (0 to 65535)" \
		"$PRIVRUN" -u prtest-a --monitor --allow-bind tcp:www -- true
	refuse "privrun: usage: --allow-bind 'unix:/run/x.sock': the monitor serves tcp and udp sockets only" \
		"$PRIVRUN" -u prtest-a --monitor --allow-bind unix:/run/x.sock -- true
	refuse "privrun: usage: --allow-bind 'tcp:80,reuseport': 'tcp:80,reuseport': no NAME= and no socket options here" \
		"$PRIVRUN" -u prtest-a --monitor --allow-bind tcp:80,reuseport -- true
	refuse "privrun: usage: --allow-open 'etc/key': 'etc/key': path must be absolute and name a file" \
		"$PRIVRUN" -u prtest-a --monitor --allow-open etc/key -- true
}

@test "setuid-root and file capabilities: --monitor is denied by the policy" {
	for bin in "$PRIVRUN_SUID" "$PRIVRUN_CAPS"; do
		refuse "privrun: policy: uid 4001 (prtest-a) may not use --monitor: denied by default (no rule grants it)" \
			as_user 4001 "$bin" --monitor --allow-bind tcp:8080 -- true
	done
}

@test "a monitor that keeps no capability serves its requests without raising or lowering anything; one that keeps a capability raises it for each" {
	trace=$BATS_TEST_TMPDIR/trace
	# LeakSanitizer cannot work under strace's ptrace (sanitizer builds).
	export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
	# Ports 1024 and up: the monitor keeps nothing.
	run --separate-stderr strace -f -qq -e trace=capget,capset -o "$trace" \
		"$PRIVRUN" -u prtest-a --monitor --allow-bind tcp:20000-20010 -- \
		"$MONITOR_CLIENT" bind:tcp:20001 bind:tcp:20002 bind:tcp:20003 3>&-
	assert_success
	assert_line --index 0 "ok 4 socket port 20001 listening 1"
	assert_line --index 2 "ok 4 socket port 20003 listening 1"
	high=$(grep -c 'capset(' "$trace")
	# Port 81: the monitor keeps CAP_NET_BIND_SERVICE and raises it.
	run --separate-stderr strace -f -qq -e trace=capget,capset -o "$trace" \
		"$PRIVRUN" -u prtest-a --monitor --allow-bind tcp:81 -- \
		"$MONITOR_CLIENT" bind:tcp:81 bind:tcp:81 bind:tcp:81 3>&-
	assert_success
	assert_line --index 2 "ok 4 socket port 81 listening 1"
	low=$(grep -c 'capset(' "$trace")
	# Two capsets a request (raise, lower) with a kept set, none without.
	assert_equal "$((low - high))" 6
}

@test "the monitor opens no file of its own /proc/PID, even for root; other procfs files only for root" {
	run --separate-stderr "$PRIVRUN" -u prtest-a --monitor --allow-open /proc/self/status \
		--allow-open /proc/thread-self/maps --allow-open /proc/cpuinfo -- python3 "$MONITOR_PY" \
		open:/proc/self/status open:/proc/thread-self/maps open:/proc/cpuinfo 3>&-
	assert_success
	assert_output "refused: status 8: /proc/self/status: is in privrun's own /proc/PID, which is never passed
refused: status 8: /proc/thread-self/maps: is in privrun's own /proc/PID, which is never passed
fd 4: /proc/cpuinfo: ok"
}
