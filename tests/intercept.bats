#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# --intercept: unmodified servers bind their own low ports, and open their
# root-only files, through the monitor, hold no capability while they
# serve, and are refused what the allow list does not grant; started as
# root and setuid-root under a policy; the program's filter, a dead
# monitor, the order of the monitor's drop and the program's start,
# SO_REUSEPORT with a start socket, the policy in setuid and
# file-capability installs, and the kernel features it needs.

load helpers

setup() {
	RUN=$PRIVRUN_TEST_ROOT/intercept.$BATS_TEST_NUMBER
	mkdir -p "$RUN"
	chown 4001:4001 "$RUN"
	echo "a page" >"$RUN/index.html"
	BG_PIDS=()
}

# tree PID: PID and its descendants (nginx's workers, forked servers).
tree() {
	local c
	echo "$1"
	for c in $(cat /proc/"$1"/task/*/children 2>/dev/null); do
		tree "$c"
	done
}

# Every server of a test is gone, and its ports free, before the next.
teardown() {
	local p all=()
	for p in "${BG_PIDS[@]}"; do
		all+=($(tree "$p"))
	done
	[ ${#BG_PIDS[@]} -eq 0 ] || end_gently "${BG_PIDS[@]}"
	kill -KILL "${all[@]}" 2>/dev/null || true
	for p in "${all[@]}"; do
		wait_for test ! -d "/proc/$p/fd/0" || true
	done
	rm -f /etc/privrun.conf
}

# background CMD...: start CMD with fd 3 closed; its pid is LAST_PID.
background() {
	"$@" 3>&- >"$RUN/bg.out" 2>"$RUN/bg.err" &
	BG_PIDS+=($!)
	LAST_PID=$!
}

child_of() {
	cat "/proc/$1/task/$1/children" | tr -d ' '
}

status_field() {
	sed -n "s/^$2:[[:space:]]*//p" "/proc/$1/status"
}

# assert_served_by PID URL BODY: curl gets BODY from URL, and the program
# PID serving it holds no capability in any of its five sets.
assert_served() {
	local set
	run curl -sS --max-time 5 "$2"
	assert_success
	assert_output "$3"
	for set in CapInh CapPrm CapEff CapBnd CapAmb; do
		assert_equal "$(status_field "$1" $set)" "0000000000000000"
	done
	assert_equal "$(status_field "$1" NoNewPrivs)" 1
}

# lines_match N REGEXP FILE: exactly N lines of FILE match (for wait_for).
lines_match() {
	test "$(grep -c "$2" "$3")" = "$1"
}

# port_free PORT: nothing listens on tcp PORT.
port_free() {
	test -z "$(ss -Htln "sport = :$1")"
}

# listening PORT: the pids that listen on tcp PORT, as ss sees them.
listeners() {
	ss -Htlnp "sport = :$1" | grep -o 'pid=[0-9]*' | sort -u | tr '\n' ' '
}

# assert_no_caps NAME PID...: each PID of server NAME holds no capability
# in any of its five sets, with no_new_privs set (NAME names a failure).
assert_no_caps() {
	local name=$1 p set
	shift
	for p in "$@"; do
		for set in CapInh CapPrm CapEff CapBnd CapAmb; do
			[ "$(status_field "$p" $set)" = 0000000000000000 ] ||
				fail "$name: pid $p: $set $(status_field "$p" $set)"
		done
		[ "$(status_field "$p" NoNewPrivs)" = 1 ] ||
			fail "$name: pid $p: no_new_privs not set"
	done
}

# go_httpd: tests/bin/gohttpd.go, built once a run; its path.
go_httpd() {
	local bin=$PRIVRUN_TEST_ROOT/gohttpd
	if [ ! -x "$bin" ]; then
		GOCACHE=$PRIVRUN_TEST_ROOT/gocache GOPATH=$PRIVRUN_TEST_ROOT/go \
			go build -o "$bin" "$BATS_TEST_DIRNAME/bin/gohttpd.go" >&2
		chmod 0755 "$bin"
	fi
	echo "$bin"
}

# nginx_conf LISTEN...: $RUN/nginx/nginx.conf, one server with these
# listen directives (a directive's text, "443 ssl"), serving $RUN.
nginx_conf() {
	local l
	mkdir -p "$RUN/nginx"
	{
		printf 'daemon off;\nmaster_process on;\nworker_processes 2;\n'
		printf 'pid %s;\nerror_log stderr;\nevents {}\nhttp {\n' "$RUN/nginx/nginx.pid"
		printf '\taccess_log off;\n'
		for l in client_body proxy fastcgi uwsgi scgi; do
			printf '\t%s_temp_path %s;\n' $l "$RUN/nginx"
		done
		printf '\tserver {\n\t\troot %s;\n' "$RUN"
		[ -z "${CERT:-}" ] || printf '\t\tssl_certificate %s;\n\t\tssl_certificate_key %s;\n' "$CERT" "$KEY"
		for l in "$@"; do
			printf '\t\tlisten %s;\n' "$l"
		done
		printf '\t}\n}\n'
	} >"$RUN/nginx/nginx.conf"
	chown -R 4001:4001 "$RUN/nginx"
}

@test "python3 -m http.server 80, unchanged: bound by the monitor, served with no capability, as prtest-a" {
	background "$PRIVRUN" -u prtest-a --intercept --allow-bind tcp:80 -- \
		python3 -m http.server -d "$RUN" 80
	mon=$LAST_PID
	wait_for curl -sS -o /dev/null http://127.0.0.1:80/
	child=$(child_of "$mon")
	assert_served "$child" http://127.0.0.1:80/index.html "a page"
	assert_equal "$(status_field "$child" Uid | tr -s '\t' ' ')" "4001 4001 4001 4001"
	# The socket is the program's own, bound where it asked.
	assert_equal "$(listeners 80)" "pid=$child "
	assert_equal "$(status_field "$child" Seccomp)" 2
}

@test "busybox httpd -p 80, unchanged" {
	background "$PRIVRUN" -u prtest-a --intercept --allow-bind tcp:80 -- \
		busybox httpd -f -p 80 -h "$RUN"
	mon=$LAST_PID
	wait_for curl -sS -o /dev/null http://127.0.0.1:80/
	assert_served "$(child_of "$mon")" http://127.0.0.1:80/index.html "a page"
}

@test "nginx with 'listen 80;', unchanged, its master as prtest-a" {
	nginx_conf 80
	background "$PRIVRUN" -u prtest-a --intercept --allow-bind tcp:80 -- \
		nginx -c "$RUN/nginx/nginx.conf" -e stderr
	mon=$LAST_PID
	wait_for curl -sS -o /dev/null http://127.0.0.1:80/
	assert_served "$(child_of "$mon")" http://127.0.0.1:80/index.html "a page"
}

@test "nginx 'listen [::]:443 ssl' with a root-only key and certificate opened through interception, then 'nginx -s reload' onto a new granted port; root and setuid-root" {
	KEY=$PRIVRUN_TEST_ROOT/data/tls.$BATS_TEST_NUMBER.key
	CERT=$PRIVRUN_TEST_ROOT/data/tls.$BATS_TEST_NUMBER.crt
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
		-nodes -days 1 -subj /CN=localhost -keyout "$KEY" -out "$CERT" 2>/dev/null
	chmod 0600 "$KEY" "$CERT"
	printf 'permit prtest-a monitor bind tcp:443 tcp:444 open %s %s\n' \
		"$KEY" "$CERT" >/etc/privrun.conf
	for mode in root setuid; do
		rm -f "$RUN/nginx/nginx.pid"
		nginx_conf "443 ssl" "[::]:443 ssl"
		start=("$PRIVRUN" -u prtest-a)
		[ $mode = root ] || start=(as_user 4001 "$PRIVRUN_SUID")
		BG_PIDS=()
		background "${start[@]}" --intercept --allow-bind tcp:443 \
			--allow-bind tcp:444 --allow-open "$KEY" --allow-open "$CERT" -- \
			nginx -c "$RUN/nginx/nginx.conf" -e stderr
		mon=$LAST_PID
		wait_for curl -sSk -o /dev/null 'https://[::1]:443/'
		master=$(cat "$RUN/nginx/nginx.pid")
		for url in 'https://[::1]:443/index.html' https://127.0.0.1:443/index.html; do
			run curl -sSk --max-time 5 "$url"
			assert_success
			assert_output "a page"
		done
		assert_equal "$(status_field "$master" Uid | tr -s '\t' ' ')" "4001 4001 4001 4001"
		# The master and its two workers.
		pids=($(tree "$master"))
		assert_equal "${#pids[@]}" 3
		assert_no_caps "nginx ($mode)" "${pids[@]}"
		# The program could not read the key itself.
		run as_user 4001 cat "$KEY"
		assert_failure
		# A reload re-reads the key and binds the new port.
		run curl -sSk --max-time 5 -o /dev/null https://127.0.0.1:444/
		assert_failure 7	# not listening
		nginx_conf "443 ssl" "[::]:443 ssl" "444 ssl"
		run nginx -c "$RUN/nginx/nginx.conf" -e stderr -s reload
		assert_success
		wait_for curl -sSk -o /dev/null https://127.0.0.1:444/
		run curl -sSk --max-time 5 https://127.0.0.1:444/index.html
		assert_output "a page"
		# The master holds the new socket (and hands it to new workers).
		run listeners 444
		assert_output --partial "pid=$master "
		assert_no_caps "nginx ($mode, reloaded)" $(listeners 444 | sed 's/pid=//g')
		end_gently "$master"
		wait "$mon" || true
		wait_for port_free 443
	done
}

@test "a static C binary (no shared libc) binds 0.0.0.0:80 itself" {
	background "$PRIVRUN" -u prtest-a --intercept --allow-bind tcp:80 -- \
		"$TINYHTTPD" 80
	mon=$LAST_PID
	wait_for curl -sS -o /dev/null http://127.0.0.1:80/
	assert_served "$(child_of "$mon")" http://127.0.0.1:80/ "tiny 80"
}

@test "a Go program (net/http on :80), unchanged" {
	gohttpd=$(go_httpd)
	background "$PRIVRUN" -u prtest-a --intercept --allow-bind tcp:80 -- \
		"$gohttpd" 80
	mon=$LAST_PID
	wait_for curl -sS -o /dev/null http://127.0.0.1:80/
	assert_served "$(child_of "$mon")" http://127.0.0.1:80/ "go 80"
	run curl -sS 'http://[::1]:80/'
	assert_output "go 80"
	run "$PRIVRUN" -u prtest-a --intercept --allow-bind tcp:81 -- \
		"$gohttpd" 80 3>&-
	assert_failure 1
	assert_output "listen tcp :80: bind: permission denied"
}

@test "net.ipv4.ip_unprivileged_port_start at 2000: the monitor binds 1500 for the program; at 0, the program binds 80 itself" {
	bind_in_ns() {
		unshare --mount --net -- sh -c 'echo "$1" >/proc/sys/net/ipv4/ip_unprivileged_port_start &&
			shift && exec "$@"' sh "$@"
	}
	script='
import socket, sys
s = socket.socket()
try:
	s.bind(("0.0.0.0", int(sys.argv[1])))
	print("bound", s.getsockname()[1])
except OSError as e:
	print("bind", e.strerror)
'
	run --separate-stderr bind_in_ns 2000 "$PRIVRUN" -u prtest-a -v --intercept \
		--allow-bind tcp:1500 -- python3 -c "$script" 1500 3>&-
	assert_success
	assert_output "bound 1500"
	# The trace says the monitor bound it.
	[[ "$stderr" == *"bind of a family 2 socket to port 1500: done"* ]]
	run --separate-stderr bind_in_ns 2000 "$PRIVRUN" -u prtest-a --intercept \
		--allow-bind tcp:1500 -- python3 -c "$script" 1501 3>&-
	assert_success
	assert_output "bind Permission denied"
	# Nothing is privileged: the program's own call, which the monitor
	# does not take (nor trace), and which it keeps no capability for.
	run --separate-stderr bind_in_ns 0 "$PRIVRUN" -u prtest-a -v --intercept \
		--allow-bind tcp:80 -- sh -c 'grep "^CapPrm" /proc/$PPID/status; exec python3 -c "$1" 80' sh "$script" 3>&-
	assert_success
	assert_output $'CapPrm:\t0000000000000000\nbound 80'
	[[ "$stderr" != *"to port 80"* ]]
}

@test "a multi-threaded server: the bind from a second thread is served" {
	background "$PRIVRUN" -u prtest-a --intercept --allow-bind tcp4:80 -- \
		"$INTERCEPT_SERVER" threaded "$RUN/log" 80
	mon=$LAST_PID
	wait_for grep -qx ready "$RUN/log"
	run cat "$RUN/log"
	main=$(sed -n 's/^main //p' "$RUN/log")
	assert_line --regexp "^thread [0-9]+: ok$"
	refute_line "thread $main: ok"
	assert_served "$(child_of "$mon")" http://127.0.0.1:80/ "threaded 80"
}

@test "SO_REUSEPORT workers: three forked processes each bind their own socket to port 80" {
	background "$PRIVRUN" -u prtest-a --intercept --allow-bind tcp4:80 -- \
		"$INTERCEPT_SERVER" workers "$RUN/log" 80 3
	mon=$LAST_PID
	wait_for lines_match 3 ': ok$' "$RUN/log"
	run ss -Htln 'sport = :80'
	assert_equal "${#lines[@]}" 3
	for w in $(sed -n 's/^worker \([0-9]*\): ok$/\1/p' "$RUN/log"); do
		assert_served "$w" http://127.0.0.1:80/ "worker 80"
	done
}

@test "reload: SIGHUP re-binds; granted low ports bound, another low port EACCES, high ports and unix sockets are the program's own" {
	background "$PRIVRUN" -u prtest-a --intercept --allow-bind tcp:81 \
		--allow-bind tcp:8080-8089 -- "$INTERCEPT_SERVER" reload "$RUN/log" \
		81 82 8081 9000
	mon=$LAST_PID
	wait_for grep -qx waiting "$RUN/log"
	child=$(child_of "$mon")
	kill -HUP "$mon"
	wait_for grep -qx ready "$RUN/log"
	run cat "$RUN/log"
	assert_line "ok 81"
	assert_line "error 82 EACCES"
	assert_line "ok 8081"
	assert_line "ok 9000"
	assert_served "$child" http://127.0.0.1:81/ "port 81"
	assert_served "$child" 'http://[::1]:9000/' "port 9000"
	# Again: every SO_REUSEPORT socket of the same owner joins the group.
	kill -HUP "$mon"
	wait_for lines_match 2 '^ready$' "$RUN/log"
	assert_equal "$(grep -c '^ok 81$' "$RUN/log")" 2
	assert_equal "$(grep -c '^error 82 EACCES$' "$RUN/log")" 2
	# A unix socket is not intercepted: the program binds it itself.
	run --separate-stderr "$PRIVRUN" -u prtest-a --intercept \
		--allow-bind tcp:81 -- python3 -c 'import socket
s = socket.socket(socket.AF_UNIX)
s.bind("'"$RUN/sock"'")
print("unix ok")' 3>&-
	assert_success
	assert_output "unix ok"
	assert_equal "$(stat -c %u "$RUN/sock")" 4001
}

@test "what an entry grants: a bare port either wildcard, tcp4 and tcp6 one family, an address itself, udp only udp" {
	run --separate-stderr "$PRIVRUN" -u prtest-a --intercept \
		--allow-bind tcp:80 --allow-bind tcp4:81 --allow-bind tcp6:82 \
		--allow-bind tcp4:127.0.0.1:83 --allow-bind udp:53 -- python3 -c '
import errno, socket
T, U, V4, V6 = socket.SOCK_STREAM, socket.SOCK_DGRAM, socket.AF_INET, socket.AF_INET6
for fam, kind, addr, port in ((V6, T, "::", 80), (V4, T, "0.0.0.0", 80),
		(V4, T, "127.0.0.1", 80), (V4, T, "0.0.0.0", 81), (V6, T, "::", 81),
		(V6, T, "::", 82), (V4, T, "0.0.0.0", 82), (V4, T, "127.0.0.1", 83),
		(V4, T, "0.0.0.0", 83), (V6, U, "::", 53), (V4, T, "0.0.0.0", 53)):
	s = socket.socket(fam, kind)
	# Earlier tests leave connections in TIME_WAIT on these ports.
	s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
	if fam == V6:
		s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
	try:
		s.bind((addr, port))
		print(kind.name, addr, port, "ok")
	except OSError as e:
		print(kind.name, addr, port, errno.errorcode[e.errno])
' 3>&-
	assert_success
	assert_equal "$output" "SOCK_STREAM :: 80 ok
SOCK_STREAM 0.0.0.0 80 ok
SOCK_STREAM 127.0.0.1 80 EACCES
SOCK_STREAM 0.0.0.0 81 ok
SOCK_STREAM :: 81 EACCES
SOCK_STREAM :: 82 ok
SOCK_STREAM 0.0.0.0 82 EACCES
SOCK_STREAM 127.0.0.1 83 ok
SOCK_STREAM 0.0.0.0 83 EACCES
SOCK_DGRAM :: 53 ok
SOCK_STREAM 0.0.0.0 53 EACCES"
}

@test "SO_REUSEPORT: a start socket (-b tcp:80,reuseport) and the program's own, bound by the monitor, share port 80" {
	background "$PRIVRUN" -u prtest-a -b tcp:80,reuseport --intercept \
		--allow-bind tcp:80 -- "$INTERCEPT_SERVER" reload "$RUN/log" 80
	mon=$LAST_PID
	wait_for grep -qx waiting "$RUN/log"
	kill -HUP "$mon"
	wait_for grep -qx ready "$RUN/log"
	run cat "$RUN/log"
	assert_line "ok 80"
	run ss -Htln 'sport = :80'
	assert_equal "${#lines[@]}" 2
}

@test "SO_REUSEPORT: a start socket and one the monitor opens on request (the client library) share the port" {
	run --separate-stderr "$PRIVRUN" -u prtest-a -b tcp:8085,reuseport \
		--monitor --allow-bind tcp:8085 -- "$MONITOR_CLIENT" \
		bind:tcp:8085,reuseport 3>&-
	assert_success
	assert_output --regexp "^ok [0-9]+ socket port 8085 listening 1$"
}

@test "the program's filter: a call through the i386 or x32 entry kills it (SIGSYS); without --intercept the i386 call returns" {
	run "$PRIVRUN" -u prtest-a --intercept --allow-bind tcp:80 -- \
		"$OTHERARCH" i386 3>&-
	assert_failure 159	# 128 + SIGSYS
	assert_output ""
	run "$PRIVRUN" -u prtest-a --monitor --allow-bind tcp:80 -- \
		"$OTHERARCH" i386 3>&-
	assert_success
	assert_output --regexp "^returned [0-9]+$"
	run "$PRIVRUN" -u prtest-a --intercept --allow-bind tcp:80 -- \
		"$OTHERARCH" x32 3>&-
	assert_failure 159
}

@test "a dead monitor: the program's later intercepted bind fails with ENOSYS, never unchecked" {
	background "$PRIVRUN" -u prtest-a --intercept --allow-bind tcp:80-81 -- \
		"$INTERCEPT_SERVER" orphan "$RUN/log"
	mon=$LAST_PID
	wait_for grep -qx "first 80 ok" "$RUN/log"
	kill -KILL "$mon"
	touch "$RUN/log.go"
	wait_for grep -q "^then 81" "$RUN/log"
	run cat "$RUN/log"
	assert_line "then 81 ENOSYS"
	run ss -Htln 'sport = :81'
	assert_output ""
}

@test "the program starts only after its monitor has dropped, even when the monitor is slow to run" {
	export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
	for mode in --monitor --intercept; do
		# The monitor (the parent) is held for half a second as it
		# returns from fork(); the child is not.
		run --separate-stderr strace -f -qq -o /dev/null -e trace=clone,clone3 \
			-e inject=clone:delay_exit=500000 \
			-e inject=clone3:delay_exit=500000 \
			"$PRIVRUN" -u prtest-a $mode --allow-bind tcp:80 -- python3 -c '
import os
status = open("/proc/%d/status" % os.getppid()).read().splitlines()
print("\n".join(l for l in status if l.split(":")[0] in ("Uid", "CapEff", "CapPrm")))' 3>&-
		assert_success
		assert_line --regexp "^Uid:[[:space:]]+4001[[:space:]]+4001[[:space:]]+4001[[:space:]]+4001$"
		assert_line --regexp "^CapEff:[[:space:]]+0000000000000000$"
		assert_line --regexp "^CapPrm:[[:space:]]+0000000000000400$"
	done
}

@test "open: a granted root-only file is opened by the monitor and installed in the program, O_CLOEXEC honoured; the rest is the program's own" {
	key=$(make_secret)
	# A bind entry first: an open is matched against open entries only.
	run --separate-stderr "$PRIVRUN" -u prtest-a --intercept --allow-bind tcp:80 \
		--allow-open "$key" --allow-open /proc/self/status \
		--allow-open "$key.gone" -- python3 -c '
import ctypes, fcntl, os, struct, sys
key = sys.argv[1]
with open(key) as f:
	print("read", f.read().strip(), "cloexec", fcntl.fcntl(f.fileno(), fcntl.F_GETFD))
for path, mode in ((key, "w"), (key, "a"), ("/etc/shadow", "r"), (key + ".none", "r"),
		("/proc/self/status", "r"), (key + ".gone", "r")):
	try:
		open(path, mode)
		print(path, mode, "opened")
	except OSError as e:
		print(path, mode, os.strerror(e.errno))
libc = ctypes.CDLL(None, use_errno=True)
# openat2(2) (437): served without RESOLVE_ flags, with the open_how
# size the monitor knows and flags that fit an int; else the program own.
for name, flags, resolve, size in (("plain", 0, 0, 24), ("resolve", 0, 4, 24),
		("size32", 0, 0, 32), ("flag40", 1 << 40, 0, 24)):
	how = ctypes.create_string_buffer(struct.pack("QQQQ", flags, 0, resolve, 0))
	fd = libc.syscall(437, -100, key.encode(), how, ctypes.c_size_t(size))
	print("openat2", name, os.read(fd, 6).decode() if fd >= 0 else os.strerror(ctypes.get_errno()))
# O_PATH is the program own call: the fd reads nothing.
fd = os.open(key, os.O_PATH)
try:
	os.read(fd, 6)
except OSError as e:
	print("O_PATH", os.strerror(e.errno))
# So are O_EXCL and O_DIRECTORY: the kernel fails both.
for name, flags in (("O_EXCL", os.O_CREAT | os.O_EXCL), ("O_DIRECTORY", os.O_DIRECTORY)):
	try:
		os.open(key, flags)
	except OSError as e:
		print(name, os.strerror(e.errno))
# An address the monitor cannot read: the kernel fails the call.
how = ctypes.create_string_buffer(struct.pack("QQQQ", 0, 0, 0, 0))
libc.syscall(437, -100, ctypes.c_void_p(8), how, ctypes.c_size_t(24))
print("unreadable", os.strerror(ctypes.get_errno()))
os.chdir(os.path.dirname(key))
try:
	open(os.path.basename(key))
except OSError as e:
	print("relative", os.strerror(e.errno))
# No free fd under RLIMIT_NOFILE: the monitor cannot install its fd.
import resource
free = os.open("/dev/null", os.O_RDONLY)
os.close(free)
resource.setrlimit(resource.RLIMIT_NOFILE, (free, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))
try:
	os.open(key, os.O_RDONLY)
except OSError as e:
	print("no free fd", os.strerror(e.errno))
' "$key" 3>&-
	assert_success
	assert_line "read secret cloexec 1"
	assert_line "$key w Permission denied"
	assert_line "$key a Permission denied"
	assert_line "/etc/shadow r Permission denied"
	assert_line "$key.none r No such file or directory"
	# The checks of a request: never a file of privrun's own /proc/PID.
	assert_line "/proc/self/status r Permission denied"
	# A granted file the monitor fails to open: its error.
	assert_line "$key.gone r No such file or directory"
	assert_line "openat2 plain secret"
	assert_line "openat2 resolve Permission denied"
	assert_line "openat2 size32 Permission denied"
	assert_line "openat2 flag40 Invalid argument"
	assert_line "O_PATH Bad file descriptor"
	assert_line "O_EXCL File exists"
	assert_line "O_DIRECTORY Not a directory"
	assert_line "unreadable Bad address"
	assert_line "relative Permission denied"
	assert_line "no free fd Too many open files"
	# A shell's redirection has no O_CLOEXEC: the fd survives exec.
	run --separate-stderr "$PRIVRUN" -u prtest-a --intercept \
		--allow-open "$key" -- sh -c 'exec 5<"$1"; exec cat <&5 /proc/self/fdinfo/5 -' sh "$key" 3>&-
	assert_success
	assert_line "secret"
	# fdinfo shows O_CLOEXEC (02000000) only for a close-on-exec fd.
	assert_line --regexp "^flags:[[:space:]]+0[0-7]{6}$"
	# Write access only as granted: an append-only entry.
	log=$PRIVRUN_TEST_ROOT/data/append.$BATS_TEST_NUMBER
	: >"$log"
	chmod 0600 "$log"
	run --separate-stderr "$PRIVRUN" -u prtest-a --intercept \
		--allow-open "$log,append" -- sh -c 'echo line >>"$1" && echo appended; cat "$1" || true' sh "$log" 3>&-
	assert_success
	assert_line "appended"
	assert_equal "$(cat "$log")" "line"
	assert_equal "$stderr" "cat: $log: Permission denied"
	# A read-write entry: read-write when asked, else read-only.
	: >"$log"
	run --separate-stderr "$PRIVRUN" -u prtest-a --intercept \
		--allow-open "$log,rw" -- python3 -c '
import os, sys
with open(sys.argv[1], "r+") as f:
	f.write("rw\n")
try:
	os.write(os.open(sys.argv[1], os.O_RDONLY), b"no")
except OSError as e:
	print("read-only", os.strerror(e.errno))
' "$log" 3>&-
	assert_success
	assert_output "read-only Bad file descriptor"
	assert_equal "$(cat "$log")" "rw"
}

@test "setuid-root and file capabilities: --intercept needs a policy rule for the monitor, the port and the file" {
	for bin in "$PRIVRUN_SUID" "$PRIVRUN_CAPS"; do
		refuse "privrun: policy: uid 4001 (prtest-a) may not use --monitor: denied by default (no rule grants it)" \
			as_user 4001 "$bin" --intercept --allow-bind tcp:80 -- true
	done
	printf 'permit prtest-a monitor bind tcp:80\n' >/etc/privrun.conf
	for bin in "$PRIVRUN_SUID" "$PRIVRUN_CAPS"; do
		refuse "privrun: policy: uid 4001 (prtest-a) may not let the monitor bind tcp:81 (ports below 1024 are privileged): no rule in /etc/privrun.conf grants it" \
			as_user 4001 "$bin" --intercept --allow-bind tcp:81 -- true
		refuse "privrun: policy: uid 4001 (prtest-a) may not let the monitor open /etc/shadow: no rule in /etc/privrun.conf grants it" \
			as_user 4001 "$bin" --intercept --allow-bind tcp:80 --allow-open /etc/shadow -- true
		rm -f "$RUN/log"
		BG_PIDS=()
		background as_user 4001 "$bin" --intercept --allow-bind tcp:80 -- \
			python3 -m http.server -d "$RUN" 80
		mon=$LAST_PID
		wait_for curl -sS -o /dev/null http://127.0.0.1:80/
		prog=$(ss -Htlnp 'sport = :80' | grep -o 'pid=[0-9]*' | cut -d= -f2)
		assert_served "$prog" http://127.0.0.1:80/index.html "a page"
		kill -TERM "$prog"	# the monitor ends with it
		wait "$mon" || true
		wait_for port_free 80
	done
}

# listening_procs PORT N: N processes listen on tcp PORT (for wait_for).
listening_procs() {
	test "$(listeners "$1" | wc -w)" = "$2"
}

# suid_serves NAME PROCS PATH BODY CMD...: CMD, started through the setuid
# copy by prtest-a, binds port 80 itself; PROCS processes listen there,
# each as prtest-a with no capability, and GET PATH answers BODY.  Every
# failure names the server.
suid_serves() {
	local name=$1 procs=$2 path=$3 body=$4 p pids all
	shift 4
	rm -f "$RUN/log"
	BG_PIDS=()
	background as_user 4001 "$PRIVRUN_SUID" --intercept --allow-bind tcp:80 -- "$@"
	wait_for listening_procs 80 "$procs" ||
		fail "$name: not $procs processes listening on port 80: $(listeners 80); $(cat "$RUN/bg.err")"
	run curl -sS --max-time 5 "http://127.0.0.1:80$path"
	[ "$status" = 0 ] && [ "$output" = "$body" ] ||
		fail "$name: curl: status $status: $output"
	pids=$(listeners 80 | sed 's/pid=//g')
	for p in $pids; do
		[ "$(status_field "$p" Uid | tr -s '\t' ' ')" = "4001 4001 4001 4001" ] ||
			fail "$name: pid $p: Uid $(status_field "$p" Uid)"
	done
	assert_no_caps "$name" $pids
	all=$(tree "$LAST_PID")
	end_gently $all
	wait "$LAST_PID" || true
	wait_for port_free 80 || fail "$name: port 80 still bound after it ended"
}

@test "setuid-root: every server binds port 80 itself through the setuid copy, as prtest-a under a policy rule, with no capability" {
	printf 'permit prtest-a monitor bind tcp:80\n' >/etc/privrun.conf
	gohttpd=$(go_httpd)
	nginx_conf 80
	suid_serves "python3 -m http.server" 1 /index.html "a page" \
		python3 -m http.server -d "$RUN" 80
	suid_serves "busybox httpd" 1 /index.html "a page" \
		busybox httpd -f -p 80 -h "$RUN"
	# The master and its two workers share the socket.
	suid_serves "nginx" 3 /index.html "a page" \
		nginx -c "$RUN/nginx/nginx.conf" -e stderr
	suid_serves "threaded server" 1 / "threaded 80" \
		"$INTERCEPT_SERVER" threaded "$RUN/log" 80
	suid_serves "SO_REUSEPORT workers" 3 / "worker 80" \
		"$INTERCEPT_SERVER" workers "$RUN/log" 80 3
	suid_serves "static C binary" 1 / "tiny 80" "$TINYHTTPD" 80
	suid_serves "Go net/http" 1 / "go 80" "$gohttpd" 80
}

@test "a kernel without what --intercept needs: exit 125 naming it, nothing run" {
	export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
	run --separate-stderr strace -f -qq -o /dev/null -e trace=pidfd_open \
		-e inject=pidfd_open:error=ENOSYS \
		"$PRIVRUN" -u prtest-a --intercept --allow-bind tcp:80 -- echo ran 3>&-
	assert_failure 125
	assert_output ""
	assert_equal "$stderr" "privrun: intercept: the kernel lacks pidfd_open(2) with PIDFD_THREAD (Linux 6.9): Function not implemented"
	run --separate-stderr strace -f -qq -o /dev/null -e trace=seccomp \
		-e inject=seccomp:error=EINVAL \
		"$PRIVRUN" -u prtest-a --intercept --allow-bind tcp:80 -- echo ran 3>&-
	assert_failure 125
	assert_output ""
	assert_equal "$stderr" "privrun: intercept: the kernel lacks seccomp user notification (Linux 5.0): Invalid argument"
}

@test "usage: --intercept with --allow-new-privs, or without an allow list" {
	refuse "privrun: usage: --intercept and --allow-new-privs are mutually exclusive" \
		"$PRIVRUN" -u prtest-a --intercept --allow-new-privs --allow-bind tcp:80 -- true
	refuse "privrun: usage: --monitor needs at least one --allow-bind or --allow-open" \
		"$PRIVRUN" -u prtest-a --intercept -- true
}

@test "open: an entry with create serves fopen's \"w\" and \"a\", which ask O_CREAT, creating the file (0600, the program's user); without create only a file that exists" {
	log=$PRIVRUN_TEST_ROOT/data/create.$BATS_TEST_NUMBER
	rm -f "$log" "$log.2"
	# data/ is root's: only the monitor can create there.
	run --separate-stderr "$PRIVRUN" -u prtest-a --intercept \
		--allow-open "$log,create,append" --allow-open "$log.2,create,truncate" \
		-- python3 -c '
import sys
for path, mode in ((sys.argv[1], "a"), (sys.argv[1] + ".2", "w")):
	with open(path, mode) as f:
		f.write(mode + "\n")
	print(mode, "written")
' "$log" 3>&-
	assert_success
	assert_output $'a written\nw written'
	assert_equal "$(stat -c '%a %u' "$log" "$log.2")" $'600 4001\n600 4001'
	assert_equal "$(cat "$log" "$log.2")" $'a\nw'
	# Without create: a file that exists is opened, none is created.
	rm -f "$log.2"
	run --separate-stderr "$PRIVRUN" -u prtest-a --intercept \
		--allow-open "$log,append" --allow-open "$log.2,append" -- python3 -c '
import sys
for path in sys.argv[1:]:
	try:
		open(path, "a").write("again\n")
		print(path, "appended")
	except OSError as e:
		print(path, e.strerror)
' "$log" "$log.2" 3>&-
	assert_success
	assert_output "$log appended
$log.2 No such file or directory"
	assert [ ! -e "$log.2" ]
	assert_equal "$(cat "$log")" $'a\nagain'
	# Both entries: the one with create serves a call that asks it.
	run --separate-stderr "$PRIVRUN" -u prtest-a --intercept \
		--allow-open "$log.2,append" --allow-open "$log.2,create,append" \
		-- sh -c 'echo created >>"$1"' sh "$log.2" 3>&-
	assert_success
	assert_equal "$(cat "$log.2")" "created"
	# Setuid-root, as the rule grants it.  (The test's file-capability
	# copy lacks cap_dac_override, which an entry that writes needs.)
	printf 'permit prtest-a monitor open %s\n' "$log.3,create,append" >/etc/privrun.conf
	rm -f "$log.3"
	run --separate-stderr as_user 4001 "$PRIVRUN_SUID" --intercept \
		--allow-open "$log.3,create,append" -- sh -c 'echo setuid >>"$1"' sh "$log.3" 3>&-
	assert_success
	assert_equal "$stderr" ""
	assert_equal "$(stat -c '%a %u' "$log.3")" "600 4001"
	assert_equal "$(cat "$log.3")" "setuid"
}

@test "open: O_NONBLOCK the program asks is kept on a granted FIFO: a read with nothing written fails with EAGAIN, never blocks" {
	fifo=$PRIVRUN_TEST_ROOT/data/fifo.$BATS_TEST_NUMBER
	rm -f "$fifo"
	mkfifo -m 0600 "$fifo"
	# A writer that writes nothing: a blocking read would wait for it.
	exec 7<>"$fifo"
	run --separate-stderr "$PRIVRUN" -u prtest-a --intercept \
		--allow-open "$fifo,fifo" -- python3 -c '
import fcntl, os, signal, sys
signal.alarm(5)
fd = os.open(sys.argv[1], os.O_RDONLY | os.O_NONBLOCK)
print("O_NONBLOCK", bool(fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_NONBLOCK))
try:
	os.read(fd, 1)
except OSError as e:
	print("read", e.strerror)
fd = os.open(sys.argv[1], os.O_RDONLY)
print("blocking", not fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_NONBLOCK)
' "$fifo" 3>&- 7>&-
	exec 7>&-
	assert_success
	assert_output $'O_NONBLOCK True\nread Resource temporarily unavailable\nblocking True'
}

@test "open: O_SYNC, O_DSYNC and O_DIRECT the program asks are kept on a granted file, as a native open keeps them" {
	log=$PRIVRUN_TEST_ROOT/data/sync.$BATS_TEST_NUMBER
	: >"$log"
	chmod 0600 "$log"
	# Each flag as F_GETFL reports it, or the open's error (O_DIRECT on a
	# file system without it): O_NONBLOCK's F_SETFL must not clear O_DIRECT.
	script='
import fcntl, os, sys
for name in ("O_SYNC", "O_DSYNC", "O_DIRECT", "O_DIRECT|O_NONBLOCK"):
	flag = 0
	for part in name.split("|"):
		flag |= getattr(os, part)
	try:
		fd = os.open(sys.argv[1], os.O_WRONLY | os.O_APPEND | flag)
	except OSError as e:
		print(name, e.strerror)
		continue
	print(name, fcntl.fcntl(fd, fcntl.F_GETFL) & flag == flag)
	os.close(fd)
'
	native=$(python3 -c "$script" "$log")
	run --separate-stderr "$PRIVRUN" -u prtest-a --intercept \
		--allow-open "$log,append" -- python3 -c "$script" "$log" 3>&-
	assert_success
	assert_equal "$stderr" ""
	assert_line "O_SYNC True"
	assert_line "O_DSYNC True"
	assert_equal "$output" "$native"
}

@test "open: only the path spelled as the entry is served; //, /./, .., a trailing slash and the program's own symbolic link to it are the program's own calls; a dirfd beside an absolute path is ignored" {
	key=$(make_secret)
	dir=$(dirname "$key") base=$(basename "$key")
	run --separate-stderr "$PRIVRUN" -u prtest-a --intercept \
		--allow-open "$key" -- python3 -c '
import os, sys
key, dir, base, run = sys.argv[1:]
os.symlink(key, run + "/link")
for path in (dir + "//" + base, dir + "/./" + base, dir + "/../" + os.path.basename(dir) + "/" + base, key + "/", run + "/link"):
	try:
		os.open(path, os.O_RDONLY)
		print(path, "opened")
	except OSError as e:
		print(path, e.strerror)
fd = os.open(key, os.O_RDONLY, dir_fd=os.open(run, os.O_PATH))
print("dirfd", os.read(fd, 6).decode())
' "$key" "$dir" "$base" "$RUN" 3>&-
	assert_success
	assert_output "$dir//$base Permission denied
$dir/./$base Permission denied
$dir/../$(basename "$dir")/$base Permission denied
$key/ Not a directory
$RUN/link Permission denied
dirfd secret"
}

@test "open: once the monitor has ended with the program, a worker left running fails every open, granted or not, with ENOSYS" {
	key=$(make_secret)
	# The worker reports on an fd opened while the monitor still served.
	run --separate-stderr "$PRIVRUN" -u prtest-a --intercept --allow-open "$key" -- python3 -c '
import os, sys, time
out = os.open(sys.argv[2], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
parent = os.getpid()
if os.fork() == 0:
	while os.getppid() == parent:
		time.sleep(0.05)
	time.sleep(0.5)
	for path in ("/etc/hostname", sys.argv[1]):
		try:
			os.open(path, os.O_RDONLY)
			os.write(out, b"%s opened\n" % path.encode())
		except OSError as e:
			os.write(out, b"%s %s\n" % (path.encode(), e.strerror.encode()))
	os._exit(0)
' "$key" "$RUN/worker" 3>&-
	assert_success
	wait_for grep -q "^$key" "$RUN/worker"
	assert_equal "$(cat "$RUN/worker")" "/etc/hostname Function not implemented
$key Function not implemented"
}
