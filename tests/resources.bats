#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# --bind and --open: each spec form and option, checked from the kernel
# (the probe's getsockopt/getsockname, ss, /proc/PID/fd), real consumers,
# and every error a user can hit.

load helpers

setup() {
	RUN=$PRIVRUN_TEST_ROOT/run.$BATS_TEST_NUMBER
	mkdir -p "$RUN"
	chmod 0755 "$RUN"
	BG_PIDS=()
}

teardown() {
	stop_background
	rm -f /etc/privrun.conf
}

# listening FILTER: ss lists a listening socket that matches (ss itself
# succeeds on an empty list, so it cannot be waited for alone).
listening() {
	ss -Htln "$1" | grep -q .
}

@test "the documented example: fds 0-6 with the right sockets and names" {
	key=$(make_secret)
	run --separate-stderr "$PRIVRUN" -u nobody -b http=tcp:80 -b dns=udp:53 \
		-b ctl=unix:$RUN/x.sock,mode=0660,owner=nobody -o key=$key -- "$PROBE" readfd 6 3>&-
	assert_success
	assert_equal "$(grep -c '^Fd: ' <<<"$output")" 7
	assert_line --regexp '^Sock: 3 inet6 \[::\]:80 type=stream listening=1 reuseaddr=1 .* v6only=0$'
	assert_line --regexp '^Sock: 4 inet6 \[::\]:53 type=dgram listening=0 '
	assert_line --regexp "^Sock: 5 unix $RUN/x.sock type=stream listening=1 "
	assert_line "Fd: 6 $key"
	assert_line "Read: 6 ok"
	pid=$(sed -n 's/^Pid: //p' <<<"$output")
	assert_line "Env: LISTEN_FDS=4"
	assert_line "Env: LISTEN_PID=$pid"
	assert_line "Env: LISTEN_FDNAMES=http:dns:ctl:key"
	for fd in 3 4 5 6; do
		refute_line --regexp "^Flags: $fd .*cloexec"
	done
	run stat -c '%A %U %G' "$RUN/x.sock"
	assert_output "srw-rw---- nobody nogroup"
}

@test "a libsystemd sd_listen_fds_with_names() consumer gets every fd with its name" {
	key=$(make_secret)
	run --separate-stderr "$PRIVRUN" -u nobody -b http=tcp:80 -b dns=udp:53 \
		-b ctl=unix:$RUN/x.sock -b log=unix-dgram:$RUN/log.sock \
		-b tcp4:127.0.0.1:81 -o key=$key -- "$SDCONSUMER" 3>&-
	assert_success
	assert_output "sd_listen_fds: 6
fd 3 name http inet-stream-listening
fd 4 name dns inet-dgram
fd 5 name ctl unix-stream-listening
fd 6 name log unix-dgram
fd 7 name tcp4-127.0.0.1-81 inet-stream-listening
fd 8 name key file"
}

@test "systemd-socket-proxyd on port 80 as nobody forwards to a real HTTP server" {
	www=$RUN/www
	mkdir -p "$www"
	echo "hello through privrun" >"$www/index.html"
	background python3 -m http.server 8080 --bind 127.0.0.1 --directory "$www"
	wait_for curl -sf http://127.0.0.1:8080/
	background "$PRIVRUN" -u nobody -b http=tcp:80 -- /lib/systemd/systemd-socket-proxyd 127.0.0.1:8080
	proxy=$LAST_PID
	wait_for curl -sf http://127.0.0.1/
	run curl -sf http://127.0.0.1/
	assert_success
	assert_output "hello through privrun"
	run grep -E '^(Uid|CapEff):' /proc/$proxy/status
	assert_line --regexp $'^Uid:\t65534\t65534\t65534\t65534$'
	assert_line --regexp $'^CapEff:\t0000000000000000$'
	run ss -Htlnp 'sport = :80'
	assert_output --partial 'systemd-socket-'
}

@test "ss sees the listening sockets in the program, which runs unprivileged" {
	background "$PRIVRUN" -u prtest-b -b tcp4:127.0.0.1:80 -b udp6:[::1]:53 -- sleep 30
	pid=$LAST_PID
	wait_for grep -q '^Name:.sleep' /proc/$pid/status
	run ss -Htlnp
	assert_output --regexp "127\.0\.0\.1:80 .*pid=$pid"
	run ss -Hulnp
	assert_output --regexp "\[::1\]:53 .*pid=$pid"
	run ls -l /proc/$pid/fd/3 /proc/$pid/fd/4
	assert_output --partial 'socket:'
	run grep '^Uid:' /proc/$pid/status
	assert_output $'Uid:\t4002\t4002\t4002\t4002'
}

@test "tcp:PORT is the IPv6 wildcard, dual-stack: IPv4 clients reach it" {
	background "$PRIVRUN" -u nobody -b tcp:8000 -- sleep 30
	wait_for listening 'sport = :8000'
	run ss -Htln 'sport = :8000'
	assert_output --partial '*:8000'
	run bash -c 'exec 5<>/dev/tcp/127.0.0.1/8000'
	assert_success
}

@test "v6only keeps IPv4 clients out" {
	run --separate-stderr "$PRIVRUN" -u nobody -b tcp:8001,v6only -- "$PROBE" 3>&-
	assert_line --regexp '^Sock: 3 inet6 \[::\]:8001 .* v6only=1$'
	background "$PRIVRUN" -u nobody -b tcp:8001,v6only -- sleep 30
	wait_for listening 'sport = :8001'
	run bash -c 'exec 5<>/dev/tcp/127.0.0.1/8001'
	assert_failure
	run bash -c 'exec 5<>/dev/tcp/::1/8001'
	assert_success
}

@test "every inet spec form binds the address and family it names" {
	run --separate-stderr "$PRIVRUN" -u nobody -b tcp:80 -b tcp:127.0.0.1:81 -b 'tcp:[::1]:82' \
		-b tcp4:83 -b tcp6:84 -b udp:85 -b udp:127.0.0.1:86 -b 'udp:[::1]:87' \
		-b udp4:88 -b udp6:89 -b tcp4:127.0.0.1:90 -b 'tcp6:[::1]:91' -- "$PROBE" 3>&-
	assert_success
	assert_line --regexp '^Sock: 3 inet6 \[::\]:80 type=stream listening=1 .* v6only=0$'
	assert_line --regexp '^Sock: 4 inet 127\.0\.0\.1:81 type=stream listening=1 '
	assert_line --regexp '^Sock: 5 inet6 \[::1\]:82 type=stream listening=1 '
	assert_line --regexp '^Sock: 6 inet 0\.0\.0\.0:83 type=stream '
	assert_line --regexp '^Sock: 7 inet6 \[::\]:84 type=stream '
	assert_line --regexp '^Sock: 8 inet6 \[::\]:85 type=dgram .* v6only=0$'
	assert_line --regexp '^Sock: 9 inet 127\.0\.0\.1:86 type=dgram '
	assert_line --regexp '^Sock: 10 inet6 \[::1\]:87 type=dgram '
	assert_line --regexp '^Sock: 11 inet 0\.0\.0\.0:88 type=dgram '
	assert_line --regexp '^Sock: 12 inet6 \[::\]:89 type=dgram '
	assert_line --regexp '^Sock: 13 inet 127\.0\.0\.1:90 type=stream '
	assert_line --regexp '^Sock: 14 inet6 \[::1\]:91 type=stream '
	assert_line "Env: LISTEN_FDNAMES=tcp-80:tcp-127.0.0.1-81:tcp-[--1]-82:tcp4-83:tcp6-84:udp-85:udp-127.0.0.1-86:udp-[--1]-87:udp4-88:udp6-89:tcp4-127.0.0.1-90:tcp6-[--1]-91"
}

@test "socket options reach the kernel: backlog, reuseport, freebind, transparent, buffers, device, mark" {
	run --separate-stderr "$PRIVRUN" -u nobody \
		-b a=tcp4:127.0.0.1:80,backlog=7,reuseport,rcvbuf=65536,sndbuf=32768,device=lo,mark=42 \
		-b b=tcp6:[2001:db8::1]:81,freebind,transparent \
		-b c=udp4:192.0.2.7:82,freebind -- "$PROBE" 3>&-
	assert_success
	assert_line --regexp '^Sock: 3 inet 127\.0\.0\.1:80 type=stream listening=1 reuseaddr=1 reuseport=1 rcvbuf=131072 sndbuf=65536 mark=42 device=lo freebind=0 transparent=0$'
	assert_line --regexp '^Sock: 4 inet6 \[2001:db8::1\]:81 .* freebind=1 transparent=1 v6only=1$'
	assert_line --regexp '^Sock: 5 inet 192\.0\.2\.7:82 type=dgram .* freebind=1 transparent=0$'
	# The listen backlog shows as Send-Q of the listening socket.
	background "$PRIVRUN" -u nobody -b tcp4:127.0.0.1:80,backlog=7 -- sleep 30
	wait_for listening 'sport = :80'
	run ss -Htln 'sport = :80'
	assert_output --regexp '^LISTEN +0 +7 +127\.0\.0\.1:80 '
}

@test "unix sockets: path, dgram and abstract; owner, group and mode from birth" {
	run --separate-stderr "$PRIVRUN" -u prtest-a \
		-b unix:$RUN/s.sock -b unix-dgram:$RUN/d.sock,mode=0600 \
		-b ctl=unix:$RUN/o.sock,owner=prtest-b,group=prtest-shared,mode=0640 \
		-b abs=unix:@privrun-test-abstract -- "$PROBE" 3>&-
	assert_success
	assert_line --regexp "^Sock: 3 unix $RUN/s.sock type=stream listening=1 "
	assert_line --regexp "^Sock: 4 unix $RUN/d.sock type=dgram listening=0 "
	assert_line --regexp "^Sock: 5 unix $RUN/o.sock type=stream listening=1 "
	assert_line --regexp "^Sock: 6 unix @privrun-test-abstract type=stream listening=1 "
	run stat -c '%n %A %U %G' "$RUN/s.sock" "$RUN/d.sock" "$RUN/o.sock"
	assert_line "$RUN/s.sock srw-rw-rw- prtest-a prtest-a"
	assert_line "$RUN/d.sock srw------- prtest-a prtest-a"
	assert_line "$RUN/o.sock srw-r----- prtest-b prtest-shared"
}

@test "a stale unix socket node is replaced; a live one is refused" {
	background "$PRIVRUN" -u nobody -b unix:$RUN/live.sock -- sleep 30
	wait_for test -S "$RUN/live.sock"
	refuse "privrun: bind: unix:$RUN/live.sock: address already in use" \
		"$PRIVRUN" -u nobody -b unix:$RUN/live.sock -- "$PROBE"
	# A node nobody listens on any more is stale.
	"$PRIVRUN" -u nobody -b unix:$RUN/stale.sock -- /bin/true 3>&-
	test -S "$RUN/stale.sock"
	old=$(stat -c %i "$RUN/stale.sock")
	run --separate-stderr "$PRIVRUN" -u nobody -b unix:$RUN/stale.sock -- "$PROBE" 3>&-
	assert_success
	assert_line --regexp "^Sock: 3 unix $RUN/stale.sock type=stream listening=1 "
	[ "$(stat -c %i "$RUN/stale.sock")" != "$old" ]
}

@test "a regular file or a symlink at a unix socket path is refused and left alone" {
	echo keep >"$RUN/file"
	ln -s "$RUN/file" "$RUN/link"
	refuse "privrun: bind: unix:$RUN/file: exists and is not a socket" \
		"$PRIVRUN" -u nobody -b unix:$RUN/file -- "$PROBE"
	refuse "privrun: bind: unix:$RUN/link: exists and is not a socket" \
		"$PRIVRUN" -u nobody -b unix:$RUN/link -- "$PROBE"
	run cat "$RUN/file"
	assert_output keep
	test -L "$RUN/link"
}

@test "--open: a root-only file is readable through the fd, not by path" {
	key=$(make_secret)
	run --separate-stderr "$PRIVRUN" -u nobody -o key=$key -- "$PROBE" readfd 3 read "$key" 3>&-
	assert_success
	assert_line "Fd: 3 $key"
	assert_line "Flags: 3 ro"
	assert_line "Read: 3 ok"
	assert_line "Read: $key Permission denied"
	assert_line "Env: LISTEN_FDNAMES=key"
}

@test "--open modes: rw, append, create, truncate" {
	f=$RUN/data
	echo old >"$f"
	run --separate-stderr "$PRIVRUN" -u nobody -o a=$f,rw -o b=$f,append \
		-o c=$RUN/new,create -o d=$RUN/new2,rw,create,truncate -- "$PROBE" 3>&-
	assert_success
	assert_line "Flags: 3 rw"
	assert_line "Flags: 4 wo append"
	assert_line "Flags: 5 wo"
	assert_line "Flags: 6 rw"
	run stat -c '%A %U' "$RUN/new"
	assert_output "-rw------- root"
	"$PRIVRUN" -u nobody -o $f,truncate -- /bin/true 3>&-
	[ ! -s "$f" ]
}

@test "--open refuses a symlink unless follow, and a FIFO, device or directory unless asked" {
	key=$(make_secret)
	ln -s "$key" "$RUN/link"
	mkfifo "$RUN/fifo"
	refuse "privrun: open: $RUN/link: is a symbolic link (add ,follow to follow it)" \
		"$PRIVRUN" -u nobody -o $RUN/link -- "$PROBE"
	refuse "privrun: open: $RUN/fifo: is a FIFO (add ,fifo to allow it)" \
		"$PRIVRUN" -u nobody -o $RUN/fifo -- "$PROBE"
	refuse "privrun: open: /dev/null: is a device (add ,device to allow it)" \
		"$PRIVRUN" -u nobody -o /dev/null -- "$PROBE"
	refuse "privrun: open: $RUN: is a directory" \
		"$PRIVRUN" -u nobody -o $RUN -- "$PROBE"
	run --separate-stderr "$PRIVRUN" -u nobody -o $RUN/link,follow -o $RUN/fifo,fifo \
		-o /dev/null,device -- "$PROBE" readfd 3 3>&-
	assert_success
	assert_line "Fd: 3 $key"
	assert_line "Read: 3 ok"
	assert_line --regexp "^Fd: 4 pipe:|^Fd: 4 $RUN/fifo"
	assert_line "Flags: 4 ro"
	assert_line "Fd: 5 /dev/null"
}

@test "--open of a missing file names the file and the reason" {
	refuse "privrun: open: /nonexistent/key: No such file or directory" \
		"$PRIVRUN" -u nobody -o /nonexistent/key -- "$PROBE"
}

@test "--open of procfs and sysfs: root may pass them, never a file of privrun's own /proc/PID; nobody else may" {
	for path in /proc/self/status /proc/thread-self/status /proc/self/maps; do
		refuse "privrun: open: $path: is in privrun's own /proc/PID, which is never passed" \
			"$PRIVRUN" -u nobody -o "$path" -- "$PROBE"
	done
	# By number: the shell's pid is privrun's once it execs it.
	pidfile=$PRIVRUN_TEST_ROOT/data/pid.$BATS_TEST_NUMBER
	run --separate-stderr bash -c 'echo $$ >"$1"; exec "$2" -u nobody -o /proc/$$/maps -- "$3" 3>&-' \
		- "$pidfile" "$PRIVRUN" "$PROBE"
	assert_failure 125
	assert_equal "$stderr" "privrun: open: /proc/$(cat "$pidfile")/maps: is in privrun's own /proc/PID, which is never passed"
	# Through a symbolic link of the caller's: what was opened counts.
	ln -sfn /proc/self "$PRIVRUN_TEST_ROOT/data/self.$BATS_TEST_NUMBER"
	refuse "privrun: open: $PRIVRUN_TEST_ROOT/data/self.$BATS_TEST_NUMBER/status: is in privrun's own /proc/PID, which is never passed" \
		"$PRIVRUN" -u nobody -o "$PRIVRUN_TEST_ROOT/data/self.$BATS_TEST_NUMBER/status" -- "$PROBE"
	# Root may pass the rest of procfs and sysfs.
	run --separate-stderr "$PRIVRUN" -u nobody -o /proc/cpuinfo -o /proc/1/status \
		-o /sys/kernel/uevent_seqnum -- "$PROBE" readfd 3 3>&-
	assert_success
	assert_line "Fd: 3 /proc/cpuinfo"
	assert_line "Fd: 4 /proc/1/status"
	assert_line "Fd: 5 /sys/kernel/uevent_seqnum"
	assert_line "Read: 3 ok"
	# An ordinary user may not, not even through the plain copy.
	for copy in "$PRIVRUN" "$PRIVRUN_SUID" "$PRIVRUN_CAPS"; do
		for path in /proc/cpuinfo /sys/kernel/uevent_seqnum /proc/self/status; do
			refuse "privrun: open: $path: is on procfs or sysfs, which only root starting privrun may pass" \
				as_user 4001 "$copy" -o "$path" -- "$PROBE"
		done
	done
}

@test "a port already in use is refused, and nothing runs" {
	background "$PRIVRUN" -u nobody -b tcp4:127.0.0.1:80 -- sleep 30
	wait_for listening 'sport = :80'
	refuse "privrun: bind: tcp4:127.0.0.1:80: address already in use" \
		"$PRIVRUN" -u nobody -b tcp4:127.0.0.1:80 -- "$PROBE"
	refuse "privrun: bind: tcp:127.0.0.1:9: address already in use" \
		"$PRIVRUN" -u nobody -b a=tcp:127.0.0.1:9 -b tcp:127.0.0.1:9 -- "$PROBE"
}

@test "an address not on this host is refused" {
	refuse "privrun: bind: tcp:192.0.2.1:80: address not available on this host" \
		"$PRIVRUN" -u nobody -b tcp:192.0.2.1:80 -- "$PROBE"
	refuse "privrun: bind: udp6:[2001:db8::1]:53: address not available on this host" \
		"$PRIVRUN" -u nobody -b 'udp6:[2001:db8::1]:53' -- "$PROBE"
}

@test "a failure leaves nothing behind: unix socket nodes made before it are removed" {
	refuse "privrun: bind: tcp:192.0.2.1:80: address not available on this host" \
		"$PRIVRUN" -u nobody -b unix:$RUN/a.sock -b unix-dgram:$RUN/b.sock \
		-b tcp:192.0.2.1:80 -- "$PROBE"
	run ls -A "$RUN"
	assert_output ""
}

@test "a failure removes a node in a directory only the target can write" {
	dir=$RUN/private
	mkdir -m 0700 "$dir"
	chown 4001:4001 "$dir"
	refuse "privrun: bind: tcp:192.0.2.1:80: address not available on this host" \
		"$PRIVRUN" -u prtest-a -b unix:$dir/a.sock -b tcp:192.0.2.1:80 -- "$PROBE"
	run ls -A "$dir"
	assert_output ""
}

@test "bad specs are refused with the spec and the reason" {
	refuse "privrun: bind: 'tcp': expected PROTOCOL:ADDRESS (tcp, udp, tcp4, tcp6, udp4, udp6, unix, unix-dgram)" \
		"$PRIVRUN" -u nobody -b tcp -- "$PROBE"
	refuse "privrun: bind: 'sctp:80': unknown protocol 'sctp'" \
		"$PRIVRUN" -u nobody -b sctp:80 -- "$PROBE"
	for port in 65536 -1 +80 0x50 80abc '' 080; do
		refuse "privrun: bind: 'tcp:$port': '$port' is not a port (0 to 65535)" \
			"$PRIVRUN" -u nobody -b "tcp:$port" -- "$PROBE"
	done
	refuse "privrun: bind: 'tcp:localhost:80': 'localhost' is not an IPv4 address (no host names; IPv6 goes in brackets)" \
		"$PRIVRUN" -u nobody -b tcp:localhost:80 -- "$PROBE"
	refuse "privrun: bind: 'tcp4:[::1]:80': address family does not match the protocol" \
		"$PRIVRUN" -u nobody -b 'tcp4:[::1]:80' -- "$PROBE"
	refuse "privrun: bind: 'tcp6:127.0.0.1:80': address family does not match the protocol" \
		"$PRIVRUN" -u nobody -b tcp6:127.0.0.1:80 -- "$PROBE"
	refuse "privrun: bind: 'unix:run/x.sock': unix socket path must be absolute" \
		"$PRIVRUN" -u nobody -b unix:run/x.sock -- "$PROBE"
	long=/$(printf 'x%.0s' $(seq 120))
	refuse "privrun: bind: 'unix:$long': unix socket path longer than 107 bytes" \
		"$PRIVRUN" -u nobody -b "unix:$long" -- "$PROBE"
	refuse "privrun: open: 'etc/key': path must be absolute and name a file" \
		"$PRIVRUN" -u nobody -o etc/key -- "$PROBE"
}

@test "bad options in a spec are refused" {
	refuse "privrun: bind: 'tcp:80,backlog=x': backlog needs a number from 0 to 2147483647" \
		"$PRIVRUN" -u nobody -b tcp:80,backlog=x -- "$PROBE"
	refuse "privrun: bind: 'udp:53,backlog=5': option 'backlog=5' does not apply to udp" \
		"$PRIVRUN" -u nobody -b udp:53,backlog=5 -- "$PROBE"
	refuse "privrun: bind: 'tcp:80,mode=0600': option 'mode=0600' does not apply to tcp" \
		"$PRIVRUN" -u nobody -b tcp:80,mode=0600 -- "$PROBE"
	refuse "privrun: bind: 'tcp4:80,v6only': option 'v6only' does not apply to tcp4" \
		"$PRIVRUN" -u nobody -b tcp4:80,v6only -- "$PROBE"
	refuse "privrun: bind: 'unix:/run/x,mode=0800': mode needs an octal number up to 0777" \
		"$PRIVRUN" -u nobody -b unix:/run/x,mode=0800 -- "$PROBE"
	refuse "privrun: bind: 'tcp:80,,reuseport': empty option" \
		"$PRIVRUN" -u nobody -b tcp:80,,reuseport -- "$PROBE"
	refuse "privrun: bind: 'tcp:80,frobnicate': unknown option 'frobnicate'" \
		"$PRIVRUN" -u nobody -b tcp:80,frobnicate -- "$PROBE"
	refuse "privrun: bind: 'tcp:80,foo=1': unknown option 'foo'" \
		"$PRIVRUN" -u nobody -b tcp:80,foo=1 -- "$PROBE"
	refuse "privrun: bind: ':80': expected PROTOCOL:ADDRESS (tcp, udp, tcp4, tcp6, udp4, udp6, unix, unix-dgram)" \
		"$PRIVRUN" -u nobody -b :80 -- "$PROBE"
	refuse "privrun: open: '/etc/hostname,ro,rw': ro conflicts with rw, append, create and truncate" \
		"$PRIVRUN" -u nobody -o /etc/hostname,ro,rw -- "$PROBE"
	refuse "privrun: open: '/etc/hostname,exec': unknown option 'exec' (ro, rw, append, create, truncate, follow, fifo, device)" \
		"$PRIVRUN" -u nobody -o /etc/hostname,exec -- "$PROBE"
	refuse "privrun: bind: unix:$RUN/x.sock,owner=no-such-user: owner 'no-such-user': no such user" \
		"$PRIVRUN" -u nobody -b unix:$RUN/x.sock,owner=no-such-user -- "$PROBE"
	refuse "privrun: bind: unix:$RUN/x.sock,group=no-such-group: group 'no-such-group': no such group" \
		"$PRIVRUN" -u nobody -b unix:$RUN/x.sock,group=no-such-group -- "$PROBE"
}

@test "more malformed specs: a directory, an abstract name too long, modes, values, names, lengths" {
	local abs long
	abs=$(printf 'a%.0s' $(seq 108))
	long=$(printf 'a%.0s' $(seq 256))
	refuse "privrun: bind: 'unix:/tmp/': unix socket path names a directory" \
		"$PRIVRUN" -u nobody -b unix:/tmp/ -- "$PROBE"
	refuse "privrun: bind: 'unix:@$abs': abstract name must be 1 to 107 bytes" \
		"$PRIVRUN" -u nobody -b "unix:@$abs" -- "$PROBE"
	refuse "privrun: bind: 'unix:/run/x,mode=01777': mode needs an octal number up to 0777" \
		"$PRIVRUN" -u nobody -b unix:/run/x,mode=01777 -- "$PROBE"
	refuse "privrun: bind: 'unix:/run/x,mode=9': mode needs an octal number up to 0777" \
		"$PRIVRUN" -u nobody -b unix:/run/x,mode=9 -- "$PROBE"
	refuse "privrun: bind: 'tcp:[::1]': expected [IPV6]:PORT" \
		"$PRIVRUN" -u nobody -b 'tcp:[::1]' -- "$PROBE"
	refuse "privrun: bind: 'tcp:80,device=': device needs a value of 1 to 15 bytes" \
		"$PRIVRUN" -u nobody -b tcp:80,device= -- "$PROBE"
	refuse "privrun: bind: 'é=tcp:80': name must be printable ASCII without ':'" \
		"$PRIVRUN" -u nobody -b 'é=tcp:80' -- "$PROBE"
	refuse "privrun: open: '/etc/hostname,ro=1': option 'ro' takes no value" \
		"$PRIVRUN" -u nobody -o /etc/hostname,ro=1 -- "$PROBE"
	refuse "privrun: open: '/tmp/ééé': no valid default name: give NAME=" \
		"$PRIVRUN" -u nobody -o /tmp/ééé -- "$PROBE"
	refuse "privrun: open: '/tmp/$long': default name too long: give NAME=" \
		"$PRIVRUN" -u nobody -o "/tmp/$long" -- "$PROBE"
	refuse "privrun: open: '/tmp/${long:0:35}...': longer than 511 bytes" \
		"$PRIVRUN" -u nobody -o "/tmp/$long$long" -- "$PROBE"
}

@test "names: valid sd_listen_fds names only, at most 255 bytes, never twice" {
	name=$(printf 'n%.0s' $(seq 256))
	refuse "privrun: bind: '$name=tcp:80': name longer than 255 bytes" \
		"$PRIVRUN" -u nobody -b "$name=tcp:80" -- "$PROBE"
	refuse "privrun: bind: '=tcp:80': empty name before '='" \
		"$PRIVRUN" -u nobody -b =tcp:80 -- "$PROBE"
	refuse "privrun: open: 'web=/etc/hostname': name 'web' is already used by 'web=tcp:80'" \
		"$PRIVRUN" -u nobody -b web=tcp:80 -o web=/etc/hostname -- "$PROBE"
	refuse "privrun: bind: 'tcp:81': name 'tcp-81' is already used by 'tcp:81'" \
		"$PRIVRUN" -u nobody -b tcp:81 -b tcp:81 -- "$PROBE"
	run --separate-stderr "$PRIVRUN" -u nobody -b "${name:1}=tcp:80" -b 'with space=udp:53' -- "$PROBE" 3>&-
	assert_success
	assert_line "Env: LISTEN_FDNAMES=${name:1}:with space"
}

@test "more resources than the fd limit allows is refused before anything is opened" {
	run --separate-stderr bash -c 'ulimit -n 16; exec "$PRIVRUN" -u nobody -b unix:'"$RUN"'/a.sock -b tcp:1 -b tcp:2 -b tcp:3 -b tcp:4 -b tcp:5 -- "$PROBE" 3>&-'
	assert_failure 125
	assert_equal "$stderr" "privrun: resources: 6 resources need 23 fds, more than the fd limit of 16 (ulimit -n)"
	run ls -A "$RUN"
	assert_output ""
}

@test "1000 ports in one call" {
	args=()
	for i in $(seq 1000); do
		args+=(-b "tcp4:127.0.0.1:$((20000 + i))")
	done
	run --separate-stderr bash -c 'ulimit -n 4096; exec "$@" 3>&-' - \
		"$PRIVRUN" -u nobody "${args[@]}" -- "$PROBE"
	assert_success
	assert_line "Env: LISTEN_FDS=1000"
	assert_equal "$(grep -c '^Sock: .* type=stream listening=1 ' <<<"$output")" 1000
	assert_line --regexp '^Sock: 3 inet 127\.0\.0\.1:20001 '
	assert_line --regexp '^Sock: 1002 inet 127\.0\.0\.1:21000 '
}

@test "--dry-run lists each resource with its fd and name, and opens nothing" {
	run --separate-stderr "$PRIVRUN" -n -u nobody -b http=tcp:80 -b unix:$RUN/x.sock -o /etc/hostname -- "$PROBE" 3>&-
	assert_success
	assert_line "resource: fd 3 name http: bind http=tcp:80"
	assert_line "resource: fd 4 name unix-$RUN/x.sock: bind unix:$RUN/x.sock"
	assert_line "resource: fd 5 name hostname: open /etc/hostname"
	refute_line --partial "Argv:"
	run ls -A "$RUN"
	assert_output ""
}

@test "--dump shows each passed fd with its address, and the LISTEN_ variables" {
	run --separate-stderr "$PRIVRUN" -u nobody -b http=tcp:80 -b unix:@dump-test -o /etc/hostname --dump 3>&-
	assert_success
	assert_line --regexp '^fd 3: socket:\[[0-9]+\] tcp6 \[::\]:80 listening$'
	assert_line --regexp '^fd 4: socket:\[[0-9]+\] unix @dump-test listening$'
	assert_line "fd 5: /etc/hostname"
	assert_line "env: LISTEN_FDS=3"
	assert_line "env: LISTEN_FDNAMES=http:unix-@dump-test:hostname"
	assert_line --regexp '^env: LISTEN_PID=[0-9]+$'
}

# sockact ARGS...: start privrun as systemd socket activation would, with a
# listening socket on fd 3 and LISTEN_FDS/LISTEN_PID/LISTEN_FDNAMES set:
# LISTEN_FDS=$SOCKACT_FDS (1 unless set), LISTEN_FDNAMES="activated", or
# not set at all when SOCKACT_NAMES is set and empty.
sockact() {
	python3 - "$@" <<'PY'
import os, socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 7000)); s.listen()
os.dup2(s.fileno(), 3)
os.environ.update(LISTEN_FDS=os.environ.get("SOCKACT_FDS", "1"),
                  LISTEN_PID=str(os.getpid()), LISTEN_FDNAMES="activated")
if os.environ.get("SOCKACT_NAMES", "x") == "":
    del os.environ["LISTEN_FDNAMES"]
os.execv(sys.argv[1], sys.argv[1:])
PY
}

@test "--pass-listen-fds passes socket-activation fds first, then privrun's own" {
	run --separate-stderr sockact "$PRIVRUN" --pass-listen-fds -u nobody -b own=tcp4:127.0.0.1:7001 -- "$SDCONSUMER"
	assert_success
	assert_output "sd_listen_fds: 2
fd 3 name activated inet-stream-listening
fd 4 name own inet-stream-listening"
}

@test "--pass-listen-fds without LISTEN_FDNAMES: the inherited fd is named unknown, in --dry-run too" {
	run --separate-stderr env SOCKACT_NAMES= bash -c "$(declare -f sockact); sockact \"\$@\"" - \
		"$PRIVRUN" --pass-listen-fds -u nobody -b own=tcp4:127.0.0.1:7001 -- "$SDCONSUMER"
	assert_success
	assert_output "sd_listen_fds: 2
fd 3 name unknown inet-stream-listening
fd 4 name own inet-stream-listening"
	run --separate-stderr env SOCKACT_NAMES= bash -c "$(declare -f sockact); sockact \"\$@\"" - \
		"$PRIVRUN" -n --pass-listen-fds -u nobody -b own=tcp4:127.0.0.1:7001 -- "$SDCONSUMER"
	assert_success
	assert_line "resource: fd 3 name unknown: inherited"
	assert_line "resource: fd 4 name own: bind own=tcp4:127.0.0.1:7001"
	refute_line --partial "sd_listen_fds"
}

@test "--pass-listen-fds with LISTEN_FDS naming an fd that is not open is refused" {
	run --separate-stderr env SOCKACT_FDS=2 bash -c "$(declare -f sockact); sockact \"\$@\"" - \
		"$PRIVRUN" --pass-listen-fds -u nobody -- "$PROBE" 4>&-
	assert_failure 125
	assert_equal "$output" ""
	assert_equal "$stderr" "privrun: pass-listen-fds: inherited fd 4: Bad file descriptor"
}

@test "without --pass-listen-fds, inherited activation fds and variables are dropped" {
	run --separate-stderr sockact "$PRIVRUN" -u nobody -- "$PROBE"
	assert_success
	refute_line --regexp '^Fd: 3 '
	refute_line --regexp '^Env: LISTEN_'
}

@test "--pass-listen-fds without socket activation, or for another pid, is refused" {
	refuse "privrun: pass-listen-fds: LISTEN_PID and LISTEN_FDS are not set: privrun was not started by socket activation" \
		"$PRIVRUN" --pass-listen-fds -u nobody -- "$PROBE"
	run --separate-stderr env LISTEN_PID=1 LISTEN_FDS=1 "$PRIVRUN" --pass-listen-fds -u nobody -- "$PROBE" 3>&-
	assert_failure 125
	assert_equal "$output" ""
	assert_regex "$stderr" "^privrun: pass-listen-fds: LISTEN_PID is '1', not privrun's pid [0-9]+$"
}

@test "an unprivileged plain privrun cannot bind a privileged port, and says how it could" {
	run --separate-stderr as_user 4001 "$PRIVRUN" -b tcp:80 -- "$PROBE" 3>&-
	assert_failure 125
	assert_equal "$output" ""
	assert_equal "$stderr" "privrun: bind: tcp:80: permission denied: a privileged port needs privrun run as root, setuid-root with a bind rule, or with file capabilities"
}

@test "where the kernel has no IPv6, a bare port binds the IPv4 wildcard" {
	run --separate-stderr "$NOIPV6" "$PRIVRUN" -u nobody -b tcp:80 -b udp:53 -- "$PROBE" 3>&-
	assert_success
	assert_line --regexp '^Sock: 3 inet 0\.0\.0\.0:80 type=stream listening=1 '
	assert_line --regexp '^Sock: 4 inet 0\.0\.0\.0:53 type=dgram '
	# Pinned IPv6, or v6only, has nothing to fall back to.
	refuse "privrun: bind: tcp6:81: socket: Address family not supported by protocol" \
		"$NOIPV6" "$PRIVRUN" -u nobody -b tcp6:81 -- "$PROBE"
	refuse "privrun: bind: tcp:82,v6only: socket: Address family not supported by protocol" \
		"$NOIPV6" "$PRIVRUN" -u nobody -b tcp:82,v6only -- "$PROBE"
}

@test "--pass-listen-fds with a malformed LISTEN_FDS is refused" {
	run --separate-stderr python3 - "$PRIVRUN" "$PROBE" <<'PY'
import os, sys
os.environ.update(LISTEN_FDS="1x", LISTEN_PID=str(os.getpid()))
os.execv(sys.argv[1], [sys.argv[1], "--pass-listen-fds", "-u", "nobody", "--", sys.argv[2]])
PY
	assert_failure 125
	assert_equal "$output" ""
	assert_equal "$stderr" "privrun: pass-listen-fds: LISTEN_FDS '1x' is not a number"
}

@test "a name repeated among 1000 resources names the earliest repeat and its first use" {
	args=()
	for i in $(seq 0 999); do
		case $i in
		100) args+=(-b "api=tcp4:127.0.0.1:$((20000 + i))") ;;
		600) args+=(-b "web=tcp4:127.0.0.1:$((20000 + i))") ;;
		650) args+=(-o "web=/etc/hostname") ;;
		700) args+=(-b "web=udp4:127.0.0.1:$((20000 + i))") ;;
		900) args+=(-b "api=udp4:127.0.0.1:$((20000 + i))") ;;
		950) args+=(-b "tcp4:127.0.0.1:99999") ;;
		*) args+=(-b "tcp4:127.0.0.1:$((20000 + i))") ;;
		esac
	done
	refuse "privrun: open: 'web=/etc/hostname': name 'web' is already used by 'web=tcp4:127.0.0.1:20600'" \
		bash -c 'ulimit -n 4096; exec "$@"' - "$PRIVRUN" -u nobody "${args[@]}" -- "$PROBE"
	# A default name repeated: the text of both, in command-line order.
	args[$((2 * 999 + 1))]=tcp4:127.0.0.1:20998
	args[$((2 * 950 + 1))]=tcp4:127.0.0.1:20950
	args[$((2 * 650))]=-b
	args[$((2 * 650 + 1))]=tcp4:127.0.0.1:20650
	args[$((2 * 900 + 1))]=udp4:127.0.0.1:20900
	refuse "privrun: bind: 'web=udp4:127.0.0.1:20700': name 'web' is already used by 'web=tcp4:127.0.0.1:20600'" \
		bash -c 'ulimit -n 4096; exec "$@"' - "$PRIVRUN" -u nobody "${args[@]}" -- "$PROBE"
	args[$((2 * 700 + 1))]=udp4:127.0.0.1:20700
	refuse "privrun: bind: 'tcp4:127.0.0.1:20998': name 'tcp4-127.0.0.1-20998' is already used by 'tcp4:127.0.0.1:20998'" \
		bash -c 'ulimit -n 4096; exec "$@"' - "$PRIVRUN" -u nobody "${args[@]}" -- "$PROBE"
	run ss -Htuln
	assert_output ""
}

@test "errors come in command-line order: a bad spec, a repeated name, an unknown owner" {
	refuse "privrun: bind: 'tcp:99999': '99999' is not a port (0 to 65535)" \
		"$PRIVRUN" -u nobody -b tcp:81 -b tcp:99999 -b tcp:81 -- "$PROBE"
	refuse "privrun: bind: 'tcp:81': name 'tcp-81' is already used by 'tcp:81'" \
		"$PRIVRUN" -u nobody -b tcp:81 -b tcp:81 -b tcp:99999 -- "$PROBE"
	refuse "privrun: bind: unix:$RUN/x.sock,owner=no-such-user: owner 'no-such-user': no such user" \
		"$PRIVRUN" -u nobody -b unix:$RUN/x.sock,owner=no-such-user -b tcp:81 -b tcp:81 -- "$PROBE"
	refuse "privrun: bind: 'tcp:81': name 'tcp-81' is already used by 'tcp:81'" \
		"$PRIVRUN" -u nobody -b tcp:81 -b tcp:81 -b unix:$RUN/x.sock,owner=no-such-user -- "$PROBE"
	run ls -A "$RUN"
	assert_output ""
}

@test "binds in a row share one raise; a unix socket and a file each keep their own" {
	key=$(make_secret)
	run --separate-stderr "$PRIVRUN" -v -u prtest-a -b a=tcp4:127.0.0.1:80 -b b=udp4:127.0.0.1:53 \
		-b c=unix:$RUN/c.sock,mode=0600 -b d=tcp6:[::1]:81 -o e=$key \
		-b f=tcp:82 -b g=unix-dgram:$RUN/g.sock -- "$PROBE" readfd 7 3>&-
	assert_success
	assert_line --regexp '^Sock: 3 inet 127\.0\.0\.1:80 type=stream listening=1 '
	assert_line --regexp '^Sock: 4 inet 127\.0\.0\.1:53 type=dgram '
	assert_line --regexp "^Sock: 5 unix $RUN/c.sock type=stream listening=1 "
	assert_line --regexp '^Sock: 6 inet6 \[::1\]:81 type=stream listening=1 '
	assert_line "Fd: 7 $key"
	assert_line "Read: 7 ok"
	assert_line --regexp '^Sock: 8 inet6 \[::\]:82 type=stream listening=1 .* v6only=0$'
	assert_line --regexp "^Sock: 9 unix $RUN/g.sock type=dgram "
	assert_line "Env: LISTEN_FDNAMES=a:b:c:d:e:f:g"
	for fd in 3 4 5 6 7 8 9; do
		refute_line --regexp "^Flags: $fd .*cloexec"
	done
	run stat -c '%n %A %U %G' "$RUN/c.sock" "$RUN/g.sock"
	assert_line "$RUN/c.sock srw------- prtest-a prtest-a"
	assert_line "$RUN/g.sock srw-rw-rw- prtest-a prtest-a"
	# The raises and what each opened, in order, without file and line.
	trace=$(sed -n 's/^privrun: trace: resources\/[a-z_]*\.c:[0-9]*: //p' <<<"$stderr" |
		sed 's/, fsuid.*//; s/ as fd .*//')
	assert_equal "$trace" "privs_root: depth 1
privs_relinquish: depth 0
opened a=tcp4:127.0.0.1:80
opened b=udp4:127.0.0.1:53
privs_root: depth 1
privs_create_as: depth 2
privs_relinquish: depth 1
privs_relinquish: depth 0
opened c=unix:$RUN/c.sock,mode=0600
privs_root: depth 1
privs_relinquish: depth 0
opened d=tcp6:[::1]:81
privs_root: depth 1
privs_relinquish: depth 0
opened e=$key
privs_root: depth 1
privs_relinquish: depth 0
opened f=tcp:82
privs_root: depth 1
privs_create_as: depth 2
privs_relinquish: depth 1
privs_relinquish: depth 0
opened g=unix-dgram:$RUN/g.sock"
}

@test "1000 binds land on fds 3 to 1002 in order, as the kernel sees them" {
	args=()
	names=()
	for i in $(seq 1000); do
		args+=(-b "p$i=tcp4:127.0.0.1:$((20000 + i))")
		names+=("p$i")
	done
	background bash -c 'ulimit -n 4096; exec "$@"' - "$PRIVRUN" -u nobody "${args[@]}" -- sleep 30
	pid=$LAST_PID
	wait_for grep -q '^Name:.sleep' /proc/$pid/status
	# ss: each port with the fd it is on in the program.
	run bash -c "ss -Htlnp | sed -n 's/.*127\.0\.0\.1:\([0-9]*\) .*pid=$pid,fd=\([0-9]*\)).*/\1 \2/p' | sort -n"
	assert_success
	assert_equal "$(wc -l <<<"$output")" 1000
	assert_equal "$(awk '$2 != $1 - 19998' <<<"$output")" ""
	run tr '\0' '\n' </proc/$pid/environ
	assert_line "LISTEN_FDS=1000"
	assert_line "LISTEN_FDNAMES=$(IFS=:; echo "${names[*]}")"
	assert_line "LISTEN_PID=$pid"
	run ls /proc/$pid/fd
	assert_equal "$(sort -n <<<"$output" | tr '\n' ' ')" "$(seq 0 1002 | tr '\n' ' ')"
}

@test "a bind failing in the middle of a run of binds leaves nothing behind" {
	background "$PRIVRUN" -u nobody -b tcp4:127.0.0.1:20502 -- sleep 30
	wait_for listening 'sport = :20502'
	args=(-b unix:$RUN/a.sock)
	for i in $(seq 1000); do
		args+=(-b "tcp4:127.0.0.1:$((20000 + i))")
	done
	args+=(-b unix-dgram:$RUN/b.sock)
	refuse "privrun: bind: tcp4:127.0.0.1:20502: address already in use" \
		bash -c 'ulimit -n 4096; exec "$@"' - "$PRIVRUN" -u nobody "${args[@]}" -- "$PROBE"
	run ls -A "$RUN"
	assert_output ""
	run ss -Htln
	assert_output --regexp '^LISTEN .* 127\.0\.0\.1:20502 '
	assert_equal "$(wc -l <<<"$output")" 1
}

@test "a socket option the kernel refuses is refused, naming the resource: a device that is not there" {
	refuse "privrun: bind: tcp:80,device=nosuchdev0: device nosuchdev0: No such device" \
		"$PRIVRUN" -u nobody -b tcp:80,device=nosuchdev0 -- "$PROBE"
	run ss -Htln
	assert_output ""
}

@test "an abstract unix socket name already bound is refused" {
	refuse "privrun: bind: b=unix:@privrun-test-twice: address already in use" \
		"$PRIVRUN" -u nobody -b a=unix:@privrun-test-twice -b b=unix:@privrun-test-twice -- "$PROBE"
}

@test "a unix socket in a directory that is not there, or that the caller cannot search, is refused" {
	refuse "privrun: bind: unix:$RUN/none/s.sock: directory $RUN/none: No such file or directory" \
		"$PRIVRUN" -u nobody -b unix:$RUN/none/s.sock -- "$PROBE"
	mkdir -m 0666 "$RUN/closed"
	refuse "privrun: bind: unix:$RUN/closed/s.sock: stat: Permission denied" \
		as_user 4001 "$PRIVRUN" -b unix:$RUN/closed/s.sock -- "$PROBE"
}

@test "another user's stale unix socket in a sticky directory is not replaced" {
	mkdir -m 1777 "$RUN/tmp"
	"$PRIVRUN" -u prtest-b -b unix:$RUN/tmp/s.sock -- /bin/true 3>&-
	for copy in "$PRIVRUN" "$PRIVRUN_SUID"; do
		refuse "privrun: bind: unix:$RUN/tmp/s.sock: remove stale socket: Operation not permitted" \
			as_user 4001 "$copy" -b unix:$RUN/tmp/s.sock -- "$PROBE"
	done
	run stat -c '%F %U' "$RUN/tmp/s.sock"
	assert_output "socket prtest-b"
}

# The unix socket node is made before what fails here: it must be gone.
@test "a unix socket node is removed when its own listen, its move to its fd or the fd for its directory fails" {
	local call
	# An fd 3 the caller left open (close-on-exec in privrun) keeps the
	# socket off fd 3, so that it is moved there with dup3(2) with any C
	# library (musl opens nothing that would do the same, and makes dup3(2)
	# without flags a dup2(2)).
	for call in "listen fail" "dup3,dup2 fail" "fcntl fail a1=1030"; do
		read -ra fault <<<"$call"
		run --separate-stderr "$FAULTINJECT" "${fault[@]}" -- \
			"$PRIVRUN" -u prtest-a -b unix:$RUN/a.sock -b b=unix:@privrun-test-node -- "$PROBE" 3</dev/null
		assert_failure 125
		assert_equal "$output" ""
		assert_regex "$stderr" "^privrun: bind: unix:$RUN/a.sock: (listen|place on fd 3|fcntl\(F_DUPFD_CLOEXEC\)): Operation not permitted$"
		run ls -A "$RUN"
		assert_output ""
	done
}

# Neither can be a row of tests/faults.tsv, which also runs under
# valgrind: valgrind answers getrlimit(RLIMIT_NOFILE) itself, and maps
# memory with flags of its own.
@test "the fd limit unreadable, or no memory for the resources, is refused" {
	refuse "privrun: resources: getrlimit(RLIMIT_NOFILE): Operation not permitted" \
		"$FAULTINJECT" prlimit64 fail a1=7 a2=0 -- "$PRIVRUN" -u nobody -b tcp:80 -- "$PROBE"
	# MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE: the resources' array
	# (musl's mmap(3) reports the EPERM of an anonymous map as ENOMEM).
	run --separate-stderr "$FAULTINJECT" mmap fail a3=0x8022 -- "$PRIVRUN" -u nobody -b tcp:80 -- "$PROBE" 3>&-
	assert_failure 125
	assert_equal "$output" ""
	assert_regex "$stderr" "^privrun: resources: mmap: (Operation not permitted|Out of memory)$"
}

@test "without openat2(2), a file is opened with open(2), but not a file a rule grants" {
	key=$(make_secret)
	printf 'permit prtest-a open %s\n' "$key" >/etc/privrun.conf
	chmod 0644 /etc/privrun.conf
	refuse "privrun: open: $key: openat2 is not available, and without it a granted file cannot be opened safely" \
		"$FAULTINJECT" -u 4001 openat2 enosys -- "$PRIVRUN_SUID" -o "$key" -- "$PROBE"
	# The caller's own file, with the caller's rights.
	run --separate-stderr "$FAULTINJECT" -u 4001 openat2 enosys -- \
		"$PRIVRUN_SUID" -o /etc/hostname -- "$PROBE" readfd 3 3>&-
	assert_success
	assert_line "Fd: 3 /etc/hostname"
	assert_line "Read: 3 ok"
	assert_line "Flags: 3 ro"
}
