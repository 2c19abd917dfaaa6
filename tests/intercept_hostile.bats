#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# --intercept against a hostile program (tests/bin/hostile.c): a socket of
# another network namespace, an fd swapped by a thread while the monitor
# works, a signal during the notification, odd addresses and lengths,
# callers killed mid-call.  Each asks the kernel (ss) what was bound.

load helpers

setup() {
	RUN=$PRIVRUN_TEST_ROOT/hostile.$BATS_TEST_NUMBER
	mkdir -p "$RUN"
	chown 4001:4001 "$RUN"
	BG_PIDS=()
}

teardown() {
	local p
	for p in "${BG_PIDS[@]}"; do
		pkill -KILL -P "$p" 2>/dev/null || true
		kill -KILL "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
}

# background CMD...: start CMD with fd 3 closed, its output in $RUN/out.
background() {
	"$@" 3>&- >"$RUN/out" 2>"$RUN/err" &
	BG_PIDS+=($!)
	LAST_PID=$!
}

# bound_80 [CMD...]: the tcp and udp sockets on port 80, as ss sees them
# (after CMD, e.g. nsenter), but for the connections other tests' servers
# left in TIME-WAIT.
bound_80() {
	"$@" ss -Htuan 'sport = :80' | grep -v '^tcp *TIME-WAIT' || true
}

# send_socket [unshare --net] TYPE: root (in a new network namespace with
# unshare) makes an AF_INET socket of TYPE (SOCK_STREAM, SOCK_RAW) and hands
# it to whoever connects to $RUN/sock; the sender's pid is SENDER.
send_socket() {
	"${@:1:$#-1}" python3 -c '
import os, socket, sys, time
s = socket.socket(socket.AF_INET, getattr(socket, sys.argv[2]), socket.IPPROTO_TCP)
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(sys.argv[1]); os.chmod(sys.argv[1], 0o777); srv.listen(1)
c, _ = srv.accept()
socket.send_fds(c, [b"x"], [s.fileno()])
time.sleep(100)
' "$RUN/sock" "${@: -1}" 3>&- &
	BG_PIDS+=($!)
	SENDER=$!
	wait_for test -S "$RUN/sock"
}

@test "a socket of another network namespace: the monitor does not bind it, the call is the program's own (EACCES)" {
	send_socket unshare --net SOCK_STREAM
	background "$PRIVRUN" -u prtest-a --intercept --allow-bind tcp:80 -- \
		"$HOSTILE" recv "$RUN/sock" 80
	wait_for grep -q '^bind' "$RUN/out"
	run cat "$RUN/out"
	assert_output "bind EACCES"
	# The other namespace's view: nothing bound to port 80 there.
	run bound_80 nsenter --net="/proc/$SENDER/ns/net"
	assert_output ""
	run bound_80
	assert_output ""
}

@test "a raw socket with protocol tcp (received from root) is not a tcp socket: EACCES" {
	send_socket SOCK_RAW
	background "$PRIVRUN" -u prtest-a --intercept --allow-bind tcp:80 -- \
		"$HOSTILE" recv "$RUN/sock" 80
	wait_for grep -q '^bind' "$RUN/out"
	run cat "$RUN/out"
	assert_output "bind EACCES"
}

@test "the program's own user and network namespace: its bind there is its own call, nothing is bound in the monitor's" {
	background "$PRIVRUN" -u prtest-a --intercept --allow-bind tcp:80 -- \
		"$HOSTILE" userns 80
	wait_for grep -q '^bind' "$RUN/out"
	run cat "$RUN/out"
	assert_output "bind ok"
	prog=$(pgrep -f "^$HOSTILE userns")
	run nsenter --net="/proc/$prog/ns/net" ss -Htln 'sport = :80'
	assert_output --regexp "^LISTEN .*:80 "
	run bound_80
	assert_output ""
}

@test "an fd swapped by a thread during bind: only the granted tcp socket is ever bound, never udp, tcp6 or unix" {
	run --separate-stderr "$PRIVRUN" -u prtest-a --intercept \
		--allow-bind tcp4:80 -- "$HOSTILE" swap 80 3000 3>&-
	assert_success
	assert_output --regexp "^swap 3000: ok [1-9][0-9]* eacces [1-9][0-9]* other [0-9]+ wrong 0$"
	run ss -Huan 'sport = :80'
	assert_output ""
}

@test "a signal during the notification: a bind the program is told was interrupted bound nothing; a restarted one never gets EINVAL" {
	for mode in restart norestart; do
		run --separate-stderr "$PRIVRUN" -u prtest-a --intercept \
			--allow-bind tcp4:80 -- "$HOSTILE" interrupt 80 3000 $mode 3>&-
		assert_success
		assert_line --regexp "^interrupt 3000: ok [1-9][0-9]* eintr [0-9]+ bound-after-eintr 0 unbound-after-ok 0 einval 0 other 0$"
		assert_line "alarms some"
	done
}

@test "odd calls: AF_UNSPEC, huge, 64-bit, short and empty lengths, unaligned, NULL and half-mapped addresses, a v4 address on a v6 socket" {
	run --separate-stderr "$PRIVRUN" -u prtest-a --intercept \
		--allow-bind tcp:80 -- "$HOSTILE" odd 80 3>&-
	assert_success
	assert_equal "$output" "AF_UNSPEC 0.0.0.0: EACCES, bound to 0
length 4096: EINVAL, bound to 0
length 1<<32 | 16: EACCES, bound to 0
length 15: EINVAL, bound to 0
length 1: EINVAL, bound to 0
length 0: EINVAL, bound to 0
length 128: ok, bound to 80
unaligned: ok, bound to 80
NULL: EFAULT, bound to 0
half mapped: EFAULT, bound to 0
v4 address, v6 socket: EACCES, bound to 0"
}

@test "callers killed during their bind: the monitor goes on serving" {
	run --separate-stderr "$PRIVRUN" -u prtest-a --intercept \
		--allow-bind tcp:80 -- "$HOSTILE" killed 80 300 3>&-
	assert_success
	assert_output "after 300 killed: bind ok"
	run bound_80
	assert_output ""
}

@test "a program that does not read its replies: the monitor stops reading its requests, then answers every one" {
	run --separate-stderr "$PRIVRUN" -u prtest-a --intercept \
		--allow-bind tcp:81 -- python3 -c '
import os, socket, struct, time
s = socket.socket(fileno=int(os.environ["PRIVRUN_MONITOR_FD"]))
sent = 0
while sent < 5000:
	req = struct.pack("=4sHHI", b"PRVM", 1, 99, 5) + b"%05d" % sent
	try:
		s.send(req, socket.MSG_DONTWAIT)
	except BlockingIOError:
		break
	sent += 1
	if sent % 20 == 0:	# the monitor keeps up: its replies fill the socket
		time.sleep(0.01)
s.settimeout(5)
replies = [s.recv(1024) for _ in range(sent)]
print("all answered" if all(r.endswith(b"unknown request type") for r in replies) else replies[:3])
print("stopped reading" if sent < 5000 else "read %d" % sent)
' 3>&-
	assert_success
	assert_output "all answered
stopped reading"
}

@test "the client library against a broken monitor: a short reply, a bad magic; a spec longer than 511 bytes is not sent" {
	run --separate-stderr python3 - "$MONITOR_CLIENT" <<-'PY'
	import os, socket, struct, subprocess, sys
	for reply in (b"PRVM", struct.pack("=4sHHII", b"XXXX", 1, 0x100, 4, 0)):
	    a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
	    p = subprocess.Popen([sys.argv[1], "bind:tcp:80"], pass_fds=[b.fileno()],
	                         env=dict(os.environ, PRIVRUN_MONITOR_FD=str(b.fileno())),
	                         stdout=subprocess.PIPE, text=True)
	    b.close()
	    a.recv(1024)
	    a.send(reply)
	    print(p.communicate()[0].strip())
	PY
	assert_success
	assert_output "error -1 bad reply from the monitor
error -1 bad reply from the monitor"
	run --separate-stderr "$PRIVRUN" -u prtest-a --monitor --allow-bind tcp:81 -- \
		"$MONITOR_CLIENT" "bind:tcp:$(printf '%0600d' 81)" 3>&-
	assert_success
	assert_output "error -1 spec longer than 511 bytes"
}

@test "a dual-stack [::] socket takes 0.0.0.0 too: tcp6:80 alone does not grant it, tcp6:80 with tcp4:80 or tcp:80 does" {
	for grant in "tcp6:80" "tcp6:80 --allow-bind tcp4:80" "tcp:80"; do
		run --separate-stderr "$PRIVRUN" -u prtest-a --intercept \
			--allow-bind $grant -- python3 -c '
import errno, socket
for v6only in (1, 0):
	s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
	s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
	s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, v6only)
	try:
		s.bind(("::", 80))
		print("v6only", v6only, "ok")
	except OSError as e:
		print("v6only", v6only, errno.errorcode[e.errno])
	s.close()
' 3>&-
		assert_success
		if [ "$grant" = tcp6:80 ]; then
			assert_equal "$output" "v6only 1 ok
v6only 0 EACCES"
		else
			assert_equal "$output" "v6only 1 ok
v6only 0 ok"
		fi
	done
	run bound_80
	assert_output ""
}

@test "IPV6_V6ONLY turned off by another thread during the monitor's bind: never a dual-stack socket on a tcp6 grant alone (the monitor sets the option itself)" {
	run --separate-stderr "$PRIVRUN" -u prtest-a --intercept \
		--allow-bind tcp6:80 -- "$HOSTILE" v6flip 80 10000 3>&-
	assert_success
	assert_output --regexp "^v6flip 10000: ok [0-9]+ eacces [0-9]+ dual-stack 0$"
	[[ "$output" =~ ok\ [1-9] ]]	# the monitor's binds were tried
	assert_equal "$stderr" ""
	run bound_80
	assert_output ""
}

@test "IPV6_V6ONLY turned off by a thread while a process sharing the fd table waits: no dual-stack socket outlives the program" {
	# The holder outlives the program and would listen on the socket at
	# once if it ever saw it dual-stack and bound to port 80.
	background "$PRIVRUN" -u prtest-a --intercept --allow-bind tcp6:80 -- \
		"$HOSTILE" v6hold 80 20000
	local rc=0
	wait "$LAST_PID" || rc=$?
	assert_equal "$rc" 0
	run bound_80
	assert_output ""
	run cat "$RUN/err" "$RUN/out"
	assert_output --regexp "^v6flip 20000: ok [0-9]+ eacces [0-9]+ dual-stack 0$"
}

@test "IPV6_V6ONLY turned off by a process outside privrun that was sent the socket: the monitor sees it after the bind and ends the service (125)" {
	# flipout runs as the same user outside privrun's filter, as a
	# setuid caller's own shell could; its setsockopt does not wait.
	as_user 4001 "$HOSTILE" flipout "$RUN/flip" >"$RUN/flipout" 2>&1 &
	BG_PIDS+=($!)
	local i
	for i in $(seq 50); do [ -S "$RUN/flip" ] && break; sleep 0.1; done
	run --separate-stderr "$PRIVRUN" -u prtest-a --intercept \
		--allow-bind tcp6:80 -- "$HOSTILE" v6out 80 20000 "$RUN/flip" 3>&-
	assert_equal "$status" 125
	[[ "$stderr" =~ ^"privrun: intercept: pid "[0-9]+"'s socket was made dual-stack during its bind to port 80: 0.0.0.0 is not granted"$ ]]
	assert_output ""	# ended before its count
	run bound_80
	assert_output ""
}

@test "setsockopt(IPV6_V6ONLY), done by the monitor, answers as the kernel does (short length, NULL and bad addresses, bad fd, pipe, tcp4, unix, bound); io_uring_setup is refused (EPERM)" {
	run as_user 4001 "$HOSTILE" v6opt 8080
	assert_success
	local native=$output
	# Natively not refused: the test would prove nothing with io_uring off.
	assert_line --regexp "^io_uring_setup: (ok|EFAULT)$"
	run --separate-stderr "$PRIVRUN" -u prtest-a --intercept -v \
		--allow-bind tcp6:80 -- "$HOSTILE" v6opt 8080 3>&-
	assert_success
	assert_equal "$output" "${native%: *}: EPERM"
	# The monitor answered all but the short length, the kernel's (fd 3
	# is the program's end of the monitor's socket; musl's messages are
	# put in glibc's words).
	stderr=${stderr//Not a socket/Socket operation on non-socket}
	run grep -o 'IPV6_V6ONLY .*' <<<"${stderr//Not supported/Operation not supported}"
	assert_output "IPV6_V6ONLY on fd 4: done
IPV6_V6ONLY on fd 4: done
IPV6_V6ONLY on fd 4: done
IPV6_V6ONLY on fd 4: its own call
IPV6_V6ONLY on fd 4: done
IPV6_V6ONLY on fd 4: done
IPV6_V6ONLY on fd 4: Bad address
IPV6_V6ONLY on fd 1000: Bad file descriptor
IPV6_V6ONLY on fd 5: Socket operation on non-socket
IPV6_V6ONLY on fd 7: Protocol not available
IPV6_V6ONLY on fd 8: Protocol not available
IPV6_V6ONLY on fd 9: Operation not supported
IPV6_V6ONLY on fd 4: Invalid argument"
}

@test "an io_uring ring taken from a process outside privrun (pidfd_getfd) cannot be entered: EPERM, so no setsockopt goes unseen" {
	as_user 4001 "$HOSTILE" ringhost >"$RUN/ring" &
	BG_PIDS+=($!)
	local i
	for i in $(seq 50); do [ -s "$RUN/ring" ] && break; sleep 0.1; done
	read -r host ring <"$RUN/ring"
	[ "$ring" -ge 0 ]
	run as_user 4001 "$HOSTILE" ringuse "$host" "$ring"
	assert_output "pidfd_getfd: ok
io_uring_enter: ok"
	run --separate-stderr "$PRIVRUN" -u prtest-a --intercept \
		--allow-bind tcp6:80 -- "$HOSTILE" ringuse "$host" "$ring" 3>&-
	assert_success
	assert_output "pidfd_getfd: ok
io_uring_enter: EPERM"
}
