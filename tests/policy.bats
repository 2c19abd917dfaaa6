#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# The policy file (privrun.conf(5)) as ordinary users meet it through a
# setuid-root and a file-capability copy of privrun.  /etc is the private
# copy tests/run bind-mounts, so /etc/privrun.conf and the mode of /etc can
# be changed here without touching the host.

load helpers

CONF=/etc/privrun.conf

# policy LINE...: install a policy file, root's and mode 0644.
policy() {
	printf '%s\n' "$@" >"$CONF"
	chown root:root "$CONF"
	chmod 0644 "$CONF"
}

teardown() {
	rm -f "$CONF"
	chown root:root /etc
	chmod 0755 /etc
	if [ -f "$BATS_TEST_TMPDIR/passwd.saved" ]; then
		cat "$BATS_TEST_TMPDIR/passwd.saved" >/etc/passwd
	fi
}

# denied_by_rules WHO WHAT: the message when no rule grants WHAT.
denied_by_rules() {
	echo "privrun: policy: $1 may not $2: no rule in $CONF grants it"
}

@test "no policy file: low port denied by default, 8080 allowed, as the caller only" {
	for copy in "$PRIVRUN_SUID" "$PRIVRUN_CAPS"; do
		refuse "privrun: policy: uid 4001 (prtest-a) may not bind tcp:80 (ports below 1024 are privileged): denied by default (no rule grants it)" \
			as_user 4001 "$copy" -b tcp:80 -- "$PROBE"
		run --separate-stderr as_user 4001 "$copy" -b tcp:8080 -- "$PROBE" 3>&-
		assert_success
		assert_dropped_to 4001 4001 "4001 4100 4101"
		assert_line --regexp '^Sock: 3 inet6 \[::\]:8080 type=stream listening=1 '
	done
}

@test "a rule grants port 80 to its user on both copies, and not to another user" {
	policy "permit prtest-a bind tcp:80"
	for copy in "$PRIVRUN_SUID" "$PRIVRUN_CAPS"; do
		run --separate-stderr as_user 4001 "$copy" -b http=tcp:80 -- "$PROBE" 3>&-
		assert_success
		assert_dropped_to 4001 4001 "4001 4100 4101"
		assert_line --regexp '^Sock: 3 inet6 \[::\]:80 type=stream listening=1 reuseaddr=1 .* v6only=0$'
		assert_line "Env: LISTEN_FDNAMES=http"
		refuse "$(denied_by_rules "uid 4002 (prtest-b)" "bind tcp:80 (ports below 1024 are privileged)")" \
			as_user 4002 "$copy" -b tcp:80 -- "$PROBE"
	done
}

@test "a granted port is bound with the caller's ids and CAP_NET_BIND_SERVICE alone" {
	policy "permit prtest-a bind tcp:80"
	# IP_TRANSPARENT needs CAP_NET_ADMIN, which root has and the grant not.
	refuse "privrun: bind: tcp:80,transparent: transparent: Operation not permitted" \
		as_user 4001 "$PRIVRUN_SUID" -b tcp:80,transparent -- "$PROBE"
	# A socket created while acting as the caller is the caller's.
	# Not through as_user: $! must be the process that becomes sleep.
	setpriv --reuid=4001 --regid=4001 --init-groups -- \
		"$PRIVRUN_SUID" -b tcp4:127.0.0.1:80 -- sleep 30 >/dev/null 2>&1 3>&- &
	pid=$!
	for _ in $(seq 100); do
		ss -Hltn 'sport = :80' | grep -q . && break
		sleep 0.05
	done
	run ss -Hltne 'sport = :80'
	kill "$pid"
	wait "$pid" || true
	assert_output --regexp ' uid:4001 '
}

@test "a :group rule grants its members, by their kernel groups, and nobody else" {
	policy "permit :prtest-shared bind tcp:81"
	for uid in 4001 4002; do
		run --separate-stderr as_user "$uid" "$PRIVRUN_SUID" -b tcp:81 -- "$PROBE" 3>&-
		assert_success
		assert_line --regexp '^Sock: 3 inet6 \[::\]:81 '
	done
	refuse "$(denied_by_rules "uid 65534 (nobody)" "bind tcp:81 (ports below 1024 are privileged)")" \
		as_user 65534 "$PRIVRUN_SUID" -b tcp:81 -- "$PROBE"
	# Membership is what the kernel says, not the group database.
	refuse "$(denied_by_rules "uid 4001 (prtest-a)" "bind tcp:81 (ports below 1024 are privileged)")" \
		setpriv --reuid=4001 --regid=4001 --clear-groups -- "$PRIVRUN_SUID" -G '' -b tcp:81 -- "$PROBE"
}

@test "a :group rule matches the caller's own gid with no other group; a group that does not resolve matches nobody" {
	policy "permit :prtest-a bind tcp:81" "permit :no-such-group bind tcp:82"
	run --separate-stderr setpriv --reuid=4001 --regid=4001 --clear-groups -- \
		"$PRIVRUN_SUID" -G '' -b tcp:81 -- "$PROBE" 3>&-
	assert_success
	assert_dropped_to 4001 4001 ""
	assert_line --regexp '^Sock: 3 inet6 \[::\]:81 '
	refuse "$(denied_by_rules "uid 4002 (prtest-b)" "bind tcp:81 (ports below 1024 are privileged)")" \
		as_user 4002 "$PRIVRUN_SUID" -b tcp:81 -- "$PROBE"
	refuse "$(denied_by_rules "uid 4001 (prtest-a)" "bind tcp:82 (ports below 1024 are privileged)")" \
		as_user 4001 "$PRIVRUN_SUID" -b tcp:82 -- "$PROBE"
}

@test "port ranges, addresses, families and protocols are matched exactly" {
	policy "permit prtest-a bind tcp:100-199 tcp4:127.0.0.1:300 udp:53"
	for spec in tcp:100 tcp:199 tcp6:150 tcp4:127.0.0.1:300 udp:53 udp4:127.0.0.1:53; do
		run --separate-stderr as_user 4001 "$PRIVRUN_SUID" -b "$spec" -- "$PROBE" 3>&-
		assert_success
		assert_line --regexp '^Sock: 3 inet'
	done
	for spec in tcp:99 tcp:200 tcp:300 tcp4:127.0.0.2:300 tcp:53; do
		refuse "$(denied_by_rules "uid 4001 (prtest-a)" "bind $spec (ports below 1024 are privileged)")" \
			as_user 4001 "$PRIVRUN_SUID" -b "$spec" -- "$PROBE"
	done
}

@test "an IPv6 grant covers only sockets that take no IPv4: v6only, no v4-mapped address" {
	policy "permit prtest-a bind tcp6:80 tcp:[::1]:81"
	run --separate-stderr as_user 4001 "$PRIVRUN_SUID" -b tcp6:80,v6only -b 'tcp:[::1]:81' -- "$PROBE" 3>&-
	assert_success
	assert_line --regexp '^Sock: 3 inet6 \[::\]:80 .* v6only=1$'
	assert_line --regexp '^Sock: 4 inet6 \[::1\]:81 '
	for spec in tcp6:80 'tcp6:[::ffff:127.0.0.1]:80' tcp:80; do
		refuse "$(denied_by_rules "uid 4001 (prtest-a)" "bind $spec (ports below 1024 are privileged)")" \
			as_user 4001 "$PRIVRUN_SUID" -b "$spec" -- "$PROBE"
	done
}

@test "as USER cmd PATH: that program as that user, with that user's groups, and nothing else" {
	policy "permit prtest-a as prtest-b cmd $PROBE" "permit prtest-a as prtest-b cmd /bin/echo hello"
	for copy in "$PRIVRUN_SUID" "$PRIVRUN_CAPS"; do
		run --separate-stderr as_user 4001 "$copy" -u prtest-b -- "$PROBE" 3>&-
		assert_success
		assert_dropped_to 4002 4002 "4100"
	done
	run --separate-stderr as_user 4001 "$PRIVRUN_SUID" -u prtest-b -- /bin/echo hello 3>&-
	assert_success
	assert_output "hello"
	refuse "$(denied_by_rules "uid 4001 (prtest-a)" "run /bin/echo as uid 4002 (prtest-b)")" \
		as_user 4001 "$PRIVRUN_SUID" -u prtest-b -- /bin/echo bye
	refuse "$(denied_by_rules "uid 4001 (prtest-a)" "run /bin/echo as uid 4002 (prtest-b)")" \
		as_user 4001 "$PRIVRUN_SUID" -u prtest-b -- /bin/echo hello world
	refuse "$(denied_by_rules "uid 4001 (prtest-a)" "run /bin/sh as uid 4002 (prtest-b)")" \
		as_user 4001 "$PRIVRUN_SUID" -u prtest-b -- /bin/sh -c id
	# The program is the path as given: no PATH search can stand in for it.
	refuse "$(denied_by_rules "uid 4001 (prtest-a)" "run echo as uid 4002 (prtest-b)")" \
		as_user 4001 "$PRIVRUN_SUID" -u prtest-b -- echo hello
	refuse "$(denied_by_rules "uid 4001 (prtest-a)" "choose the groups of uid 4002 (prtest-b) (-g, -G, USER:GROUP)")" \
		as_user 4001 "$PRIVRUN_SUID" -u prtest-b -G prtest-extra -- "$PROBE"
	refuse "$(denied_by_rules "uid 4001 (prtest-a)" "choose the groups of uid 4002 (prtest-b) (-g, -G, USER:GROUP)")" \
		as_user 4001 "$PRIVRUN_SUID" -u prtest-b:prtest-a -- "$PROBE"
	refuse "$(denied_by_rules "uid 4002 (prtest-b)" "run $PROBE as uid 4001 (prtest-a)")" \
		as_user 4002 "$PRIVRUN_SUID" -u prtest-a -- "$PROBE"
	refuse "$(denied_by_rules "uid 4001 (prtest-a)" "run $PROBE as uid 0 (root)")" \
		as_user 4001 "$PRIVRUN_SUID" -u root -- "$PROBE"
}

@test "grants of a rule for another target or program do not add up" {
	policy "permit prtest-a as prtest-b cmd $PROBE" "permit prtest-a bind tcp:80"
	run --separate-stderr as_user 4001 "$PRIVRUN_SUID" -b tcp:80 -- "$PROBE" 3>&-
	assert_success
	refuse "$(denied_by_rules "uid 4001 (prtest-a)" "bind tcp:80 (ports below 1024 are privileged)")" \
		as_user 4001 "$PRIVRUN_SUID" -u prtest-b -b tcp:80 -- "$PROBE"
}

@test "keep-caps only where a rule grants it, for its program, and by name" {
	policy "permit prtest-a keep-caps net_bind_service cmd $PROBE"
	for copy in "$PRIVRUN_SUID" "$PRIVRUN_CAPS"; do
		run --separate-stderr as_user 4001 "$copy" --keep-caps net_bind_service -- "$PROBE" 3>&-
		assert_success
		assert_line "Uid: 4001 4001 4001 4001"
		assert_line "CapPrm: 0000000000000400"
		assert_line "CapAmb: 0000000000000400"
		assert_line "CapBnd: 0000000000000400"
		assert_line "Env: PRIVRUN_CAPS=cap_net_bind_service"
		refuse "$(denied_by_rules "uid 4001 (prtest-a)" "keep cap_net_raw (--keep-caps)")" \
			as_user 4001 "$copy" --keep-caps net_bind_service,net_raw -- "$PROBE"
		refuse "$(denied_by_rules "uid 4001 (prtest-a)" "keep cap_net_bind_service (--keep-caps)")" \
			as_user 4001 "$copy" --keep-caps net_bind_service -- /bin/true
		refuse "$(denied_by_rules "uid 4002 (prtest-b)" "keep cap_net_bind_service (--keep-caps)")" \
			as_user 4002 "$copy" --keep-caps net_bind_service -- "$PROBE"
	done
}

@test "a granted capability the file-capability copy does not hold is refused by name" {
	policy "permit prtest-a keep-caps sys_time cmd $PROBE"
	refuse "privrun: drop: cannot keep cap_sys_time: privrun does not hold it (file-capabilities start)" \
		as_user 4001 "$PRIVRUN_CAPS" --keep-caps sys_time -- "$PROBE"
	run --separate-stderr as_user 4001 "$PRIVRUN_SUID" --keep-caps sys_time -- "$PROBE" 3>&-
	assert_success
	assert_line "CapAmb: 0000000002000000"
}

@test "open grants a root-only file, exactly as named, and only that" {
	secret=$(make_secret)
	policy "permit prtest-a open $secret"
	for copy in "$PRIVRUN_SUID" "$PRIVRUN_CAPS"; do
		run --separate-stderr as_user 4001 "$copy" -o "key=$secret" -- "$PROBE" readfd 3 3>&-
		assert_success
		assert_line "Read: 3 ok"
		assert_dropped_to 4001 4001 "4001 4100 4101"
	done
	# Another access mode is not what the rule grants: opened as the caller.
	refuse "privrun: open: $secret,rw: permission denied to uid 4001: an open rule in /etc/privrun.conf can grant it" \
		as_user 4001 "$PRIVRUN_SUID" -o "$secret,rw" -- "$PROBE"
	refuse "privrun: open: $secret: permission denied to uid 4002: an open rule in /etc/privrun.conf can grant it" \
		as_user 4002 "$PRIVRUN_SUID" -o "$secret" -- "$PROBE"
	# The same file by another path is another path.
	dir=$PRIVRUN_TEST_ROOT/data/link.$BATS_TEST_NUMBER
	mkdir -m 0755 "$dir"
	chown 4001 "$dir"
	as_user 4001 ln -s "$secret" "$dir/k"
	refuse "privrun: open: $dir/k,follow: permission denied to uid 4001: an open rule in /etc/privrun.conf can grant it" \
		as_user 4001 "$PRIVRUN_SUID" -o "$dir/k,follow" -- "$PROBE"
}

@test "a granted file is opened with no symbolic link anywhere in its path" {
	secret=$(make_secret)
	ln -s "$(dirname "$secret")" "$PRIVRUN_TEST_ROOT/data/dirlink.$BATS_TEST_NUMBER"
	via=$PRIVRUN_TEST_ROOT/data/dirlink.$BATS_TEST_NUMBER/$(basename "$secret")
	policy "permit prtest-a open $via"
	run --separate-stderr as_user 4001 "$PRIVRUN_SUID" -o "$via" -- "$PROBE" readfd 3 3>&-
	assert_failure 125
	assert_equal "$output" ""
	assert_equal "$stderr" "privrun: policy: open $via: a rule grants it, but $via: $(dirname "$via") is not a directory (a symbolic link?); refusing it"
}

@test "an unsafe policy file denies everything, saying why" {
	cases=(
		"chmod 0664 $CONF|$CONF: is writable by its group"
		"chmod 0646 $CONF|$CONF: is writable by others"
		"chown 4001 $CONF|$CONF: is not owned by root"
		"chmod 0757 /etc|$CONF: directory /etc is writable by others"
		"chmod 1777 /etc|$CONF: directory /etc is writable by others"
		"chown 4001 /etc|$CONF: directory /etc is not owned by root"
	)
	for c in "${cases[@]}"; do
		policy "permit prtest-a bind tcp:80"
		eval "${c%%|*}"
		for copy in "$PRIVRUN_SUID" "$PRIVRUN_CAPS"; do
			# Even what the caller may do by default is denied.
			refuse "privrun: policy: ${c#*|}; denying everything" \
				as_user 4001 "$copy" -- "$PROBE"
		done
		teardown
	done
}

@test "a policy file that is a symbolic link, a directory or a FIFO denies everything" {
	real=$PRIVRUN_TEST_ROOT/data/real.conf
	printf 'permit prtest-a bind tcp:80\n' >"$real"
	ln -s "$real" "$CONF"
	refuse "privrun: policy: $CONF: is a symbolic link; denying everything" \
		as_user 4001 "$PRIVRUN_SUID" -- "$PROBE"
	rm "$CONF"
	mkdir "$CONF"
	refuse "privrun: policy: $CONF: not a regular file; denying everything" \
		as_user 4001 "$PRIVRUN_SUID" -- "$PROBE"
	rmdir "$CONF"
	mkfifo -m 0644 "$CONF"
	refuse "privrun: policy: $CONF: not a regular file; denying everything" \
		timeout 10 setpriv --reuid=4001 --regid=4001 --init-groups -- "$PRIVRUN_SUID" -- "$PROBE"
}

@test "a syntax error on line 7 denies everything, naming file and line" {
	policy "# privrun policy" "" "permit prtest-a bind tcp:80" "permit :prtest-shared open /etc/hostname" \
		"   # indented comment" "permit prtest-b as nobody cmd /bin/true" \
		"permit prtest-a frobnicate bind tcp:81"
	for copy in "$PRIVRUN_SUID" "$PRIVRUN_CAPS"; do
		refuse "privrun: policy: $CONF:7: unknown word 'frobnicate' (expected as, bind, open, keep-caps, monitor or cmd); denying everything" \
			as_user 4001 "$copy" -- "$PROBE"
	done
}

@test "strict parsing: each bad rule denies everything with its reason" {
	while IFS='|' read -r rule why; do
		policy "$rule"
		refuse "privrun: policy: $CONF:1: $why; denying everything" \
			as_user 4001 "$PRIVRUN_SUID" -- "$PROBE"
	done <<'CASES'
deny prtest-a|unknown word 'deny' (a rule starts with 'permit')
permit|'permit' needs a user or :group
permit 4294967295 bind tcp:80|user '4294967295' is not a valid id (0 to 4294967294, decimal, no leading zero)
permit 4294967296 bind tcp:80|user '4294967296' is not a valid id (0 to 4294967294, decimal, no leading zero)
permit 04001 bind tcp:80|user '04001' is not a valid id (0 to 4294967294, decimal, no leading zero)
permit -1 bind tcp:80|user '-1' is not a valid name
permit +4001 bind tcp:80|user '+4001' is not a valid name
permit :-1 bind tcp:80|group '-1' is not a valid name
permit prtest-a bind tcp:-1|bind 'tcp:-1': '-1' is not a port (0 to 65535)
permit prtest-a bind tcp:65536|bind 'tcp:65536': '65536' is not a port (0 to 65535)
permit prtest-a bind tcp:+80|bind 'tcp:+80': '+80' is not a port (0 to 65535)
permit prtest-a bind tcp:0x50|bind 'tcp:0x50': '0x50' is not a port (0 to 65535)
permit prtest-a bind tcp:80abc|bind 'tcp:80abc': '80abc' is not a port (0 to 65535)
permit prtest-a bind tcp:080|bind 'tcp:080': '080' is not a port (0 to 65535)
permit prtest-a bind tcp:90-80|bind 'tcp:90-80': port range runs backwards
permit prtest-a bind tcp:80-65536|bind 'tcp:80-65536': '65536' is not a port (0 to 65535)
permit prtest-a bind tcp:80,reuseport|bind 'tcp:80,reuseport': no NAME= and no socket options here
permit prtest-a bind unix:/run/x.sock|bind 'unix:/run/x.sock': unix sockets are always created with the caller's own rights; no rule can grant them
permit prtest-a bind tcp:example.org:80|bind 'tcp:example.org:80': 'example.org' is not an IPv4 address (no host names; IPv6 goes in brackets)
permit prtest-a bind tcp:80 bind tcp:81|'bind' given twice
permit prtest-a bind|'bind' needs at least one value
permit prtest-a open etc/shadow|open 'etc/shadow': a policy open takes an absolute path, with no NAME=
permit prtest-a open /etc/shadow,follow|open '/etc/shadow,follow': 'follow' is not allowed in a policy: name the file itself
permit prtest-a open /etc/shadow,frob|open '/etc/shadow,frob': unknown option 'frob' (ro, rw, append, create, truncate, follow, fifo, device)
permit prtest-a as -x cmd /bin/true|as: user '-x' is not a valid name
permit prtest-a keep-caps net_bind_servic cmd /bin/true|keep-caps: --keep-caps: unknown capability 'net_bind_servic'
permit prtest-a keep-caps net_bind_service|a rule with 'keep-caps' must name its program with 'cmd' (whoever chooses the program holds what it is given)
permit prtest-a as prtest-b|a rule with 'as' must name its program with 'cmd' (whoever chooses the program holds what it is given)
permit prtest-a as prtest-b cmd bin/true|cmd 'bin/true': the program must be an absolute path
permit prtest-a monitor now|unknown word 'now' after 'monitor'
CASES
}

@test "control characters, carriage returns and overlong lines are errors" {
	printf 'permit prtest-a bind tcp:80\r\n' >"$CONF"
	refuse "privrun: policy: $CONF:1: carriage return (DOS line endings?); denying everything" \
		as_user 4001 "$PRIVRUN_SUID" -- "$PROBE"
	printf 'permit prtest-a\001 bind tcp:80\n' >"$CONF"
	refuse "privrun: policy: $CONF:1: control character 0x01; denying everything" \
		as_user 4001 "$PRIVRUN_SUID" -- "$PROBE"
	{ printf 'permit prtest-a cmd /bin/true '; head -c 5000 /dev/zero | tr '\0' x; echo; } >"$CONF"
	refuse "privrun: policy: $CONF:1: line longer than 4095 bytes; denying everything" \
		as_user 4001 "$PRIVRUN_SUID" -- "$PROBE"
	head -c 70000 /dev/zero | tr '\0' '#' >"$CONF"
	refuse "privrun: policy: $CONF: larger than 65536 bytes; denying everything" \
		as_user 4001 "$PRIVRUN_SUID" -- "$PROBE"
}

@test "at most 1024 rules and 256 words a rule" {
	# 256 words: permit, the user, cmd, its path and 252 arguments.
	policy "permit prtest-a cmd /bin/true$(printf ' a%.0s' $(seq 252))"
	run --separate-stderr as_user 4001 "$PRIVRUN" --check-policy 3>&-
	assert_success
	assert_line "$CONF: 1 rule"
	policy "permit prtest-a cmd /bin/true$(printf ' a%.0s' $(seq 253))"
	refuse "privrun: policy: $CONF:1: more than 256 words in one rule; denying everything" \
		as_user 4001 "$PRIVRUN_SUID" -- "$PROBE"
	# Words after a comment do not count.
	policy "permit prtest-a cmd /bin/true # $(printf ' a%.0s' $(seq 300))"
	run --separate-stderr as_user 4001 "$PRIVRUN" --check-policy 3>&-
	assert_success
	mapfile -t rules < <(yes 'permit prtest-a' | head -n 1024)
	policy "${rules[@]}"
	run --separate-stderr as_user 4001 "$PRIVRUN" --check-policy 3>&-
	assert_success
	assert_line "$CONF: 1024 rules"
	assert_line "line 1024: permit prtest-a"
	printf 'permit prtest-b\n' >>"$CONF"
	refuse "privrun: policy: $CONF:1025: more than 1024 rules; denying everything" \
		as_user 4001 "$PRIVRUN_SUID" -- "$PROBE"
}

@test "a user named like a number: digits in the policy are always the uid" {
	# User "4003" has uid 4050; "permit 4003" means uid 4003.
	policy "permit 4003 bind tcp:82"
	refuse "$(denied_by_rules "uid 4050 (4003)" "bind tcp:82 (ports below 1024 are privileged)")" \
		as_user 4050 "$PRIVRUN_SUID" -b tcp:82 -- "$PROBE"
	# Not setpriv --reuid=4003: it too would take "4003" for the name.
	run --separate-stderr python3 -I -c 'import os, sys
os.setgroups([]); os.setresgid(4003, 4003, 4003); os.setresuid(4003, 4003, 4003)
os.execv(sys.argv[1], sys.argv[1:])' "$PRIVRUN_SUID" -G '' -b tcp:82 -- "$PROBE" 3>&-
	assert_success
	assert_dropped_to 4003 4003 ""
}

@test "a name that does not resolve makes its rule match nobody" {
	policy "permit no-such-user bind tcp:80" "permit prtest-a as no-such-user cmd $PROBE"
	refuse "$(denied_by_rules "uid 4001 (prtest-a)" "bind tcp:80 (ports below 1024 are privileged)")" \
		as_user 4001 "$PRIVRUN_SUID" -b tcp:80 -- "$PROBE"
	run --separate-stderr as_user 4001 "$PRIVRUN_SUID" -- "$PROBE" 3>&-
	assert_success
}

@test "hostile environment: nothing reaches a program run as another user" {
	evil=$PRIVRUN_TEST_ROOT/data/evil.$BATS_TEST_NUMBER
	mkdir -m 0755 "$evil"
	printf '#include <stdio.h>\n__attribute__((constructor)) static void pwn(void) { FILE *f = fopen("%s/pwned", "a"); if (f) { fputs("pwned\\n", f); fclose(f); } }\n' "$evil" >"$evil/evil.c"
	cc -shared -fPIC -o "$evil/evil.so" "$evil/evil.c"
	chmod 0777 "$evil"
	printf '#!/bin/sh\necho attacker\n' >"$evil/probe"
	chmod 0755 "$evil/probe"
	policy "permit prtest-a as prtest-b cmd $PROBE"
	for copy in "$PRIVRUN_SUID" "$PRIVRUN_CAPS"; do
		run --separate-stderr as_user 4001 env -i LD_PRELOAD="$evil/evil.so" \
			GCONV_PATH="$evil" LOCPATH="$evil" NLSPATH="$evil/%N" PATH="$evil:/usr/bin:/bin" \
			PRIVRUN_CAPS=cap_sys_admin LISTEN_FDS=1 LISTEN_PID=1 HOME=/root FOO=bar \
			TERM=xterm LANG=C.UTF-8 LC_ALL=/tmp/x LC_TIME=C "$copy" -u prtest-b -- "$PROBE" 3>&-
		assert_success
		assert_dropped_to 4002 4002 "4100"
		# Exactly the reset environment, in any order.
		run grep '^Env: ' <<<"$output"
		assert_equal "$(sort <<<"$output")" "$(sort <<EOF
Env: HOME=/home/prtest-b
Env: LANG=C.UTF-8
Env: LC_TIME=C
Env: LOGNAME=prtest-b
Env: PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
Env: SHELL=/bin/sh
Env: TERM=xterm
Env: USER=prtest-b
EOF
)"
	done
	[ ! -e "$evil/pwned" ]
	refuse "$(denied_by_rules "uid 4001 (prtest-a)" "choose the environment of a program run as another user or with capabilities (--env, --keep-env)")" \
		as_user 4001 "$PRIVRUN_SUID" -u prtest-b --env LD_PRELOAD="$evil/evil.so" -- "$PROBE"
	refuse "$(denied_by_rules "uid 4001 (prtest-a)" "choose the environment of a program run as another user or with capabilities (--env, --keep-env)")" \
		as_user 4001 "$PRIVRUN_SUID" -u prtest-b --keep-env -- "$PROBE"
	# The control: a plain program run as the caller does load it.
	run env LD_PRELOAD="$evil/evil.so" /bin/true
	[ -e "$evil/pwned" ]
}

@test "kept capabilities get the reset environment too" {
	policy "permit prtest-a keep-caps net_bind_service cmd $PROBE"
	run --separate-stderr as_user 4001 env LD_PRELOAD=/nonexistent.so FOO=bar \
		"$PRIVRUN_SUID" --keep-caps net_bind_service -- "$PROBE" 3>&-
	assert_success
	refute_line --partial "Env: LD_PRELOAD"
	refute_line --partial "Env: FOO"
	assert_line "Env: USER=prtest-a"
}

@test "--check-policy prints the rules as understood, with no privileges needed" {
	policy "# a comment" "permit prtest-a bind tcp:80 tcp:8000-8099 # trailing" \
		"permit :prtest-shared as prtest-b keep-caps CAP_NET_RAW cmd /usr/bin/env -i" \
		"	permit 4002	monitor open /etc/hostname /srv/log,append"
	for p in "$PRIVRUN" "$PRIVRUN_SUID"; do
		run --separate-stderr as_user 4001 "$p" --check-policy 3>&-
		assert_success
		assert_output "$CONF: 3 rules
line 2: permit prtest-a bind tcp:80 tcp:8000-8099
line 3: permit :prtest-shared as prtest-b keep-caps cap_net_raw cmd /usr/bin/env -i
line 4: permit 4002 open /etc/hostname /srv/log,append monitor"
	done
	chmod 0666 "$CONF"
	refuse "privrun: check-policy: $CONF: is writable by others; privrun would deny everything" \
		as_user 4001 "$PRIVRUN" --check-policy
	rm "$CONF"
	run --separate-stderr as_user 4001 "$PRIVRUN_SUID" --check-policy 3>&-
	assert_success
	assert_output "$CONF: no policy file: untrusted callers get only their own rights"
}

@test "--check-policy FILE checks a draft's syntax, and reads it only with the caller's rights" {
	draft=$PRIVRUN_TEST_ROOT/data/draft.$BATS_TEST_NUMBER
	printf 'permit prtest-a bind tcp:80\npermit prtest-b bind tcp:x\n' >"$draft"
	chmod 0644 "$draft"
	refuse "privrun: check-policy: $draft:2: bind 'tcp:x': 'x' is not a port (0 to 65535); privrun would deny everything" \
		as_user 4001 "$PRIVRUN" --check-policy "$draft"
	# No newline at the end: the last line is a line too.
	printf 'permit prtest-a bind tcp:80' >"$draft"
	chmod 0600 "$draft"
	run --separate-stderr "$PRIVRUN" --check-policy "$draft" 3>&-
	assert_success
	assert_line "line 1: permit prtest-a bind tcp:80"
	# A root-only file stays unreadable through the setuid copy.
	for copy in "$PRIVRUN_SUID" "$PRIVRUN_CAPS"; do
		refuse "privrun: check-policy: $draft: Permission denied; privrun would deny everything" \
			as_user 4001 "$copy" --check-policy "$draft"
	done
	refuse "privrun: check-policy: $draft.missing: no such file" \
		"$PRIVRUN" --check-policy "$draft.missing"
	# A directory opens, but does not read; a draft over the size limit.
	refuse "privrun: check-policy: $PRIVRUN_TEST_ROOT/data: read: Is a directory; privrun would deny everything" \
		"$PRIVRUN" --check-policy "$PRIVRUN_TEST_ROOT/data"
	{ printf 'permit prtest-a bind tcp:80\n'; head -c 65536 /dev/zero | tr '\0' '\n'; } >"$draft"
	refuse "privrun: check-policy: $draft: larger than 65536 bytes; privrun would deny everything" \
		"$PRIVRUN" --check-policy "$draft"
	refuse "privrun: usage: --check-policy takes at most one FILE" \
		"$PRIVRUN" --check-policy a b
}

# with_log CMD...: run the python script on stdin with a private /dev whose
# log socket (syslog(3) writes to /dev/log) the script reads, as "log".
# The script defines its calls with caller(*ARGS) (the setuid copy as uid
# 4001) and prints the log lines with dump_log().
with_log() {
	local script
	script=$(cat)
	run unshare --mount --propagation private -- python3 -c "import os, socket, subprocess, sys, tempfile
d = tempfile.mkdtemp()
subprocess.run(['mount', '-t', 'tmpfs', '-o', 'mode=0755', 'tmpfs', d], check=True)
for n in ('null', 'zero', 'urandom', 'full'):
    open(os.path.join(d, n), 'w').close()
    subprocess.run(['mount', '--bind', '/dev/' + n, os.path.join(d, n)], check=True)
subprocess.run(['mount', '--bind', d, '/dev'], check=True)
log = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
log.bind('/dev/log')
os.chmod('/dev/log', 0o666)
env = dict(os.environ, ASAN_OPTIONS='detect_leaks=0')
def caller(*args):
    cmd = ['setpriv', '--reuid=4001', '--regid=4001', '--init-groups', '--', sys.argv[1]]
    return subprocess.run(cmd + list(args), env=env, capture_output=True).returncode
def dump_log():
    log.settimeout(2)
    try:
        while True:
            print(log.recv(65536).decode())
    except socket.timeout:
        pass
$script" "$PRIVRUN_SUID"
}

@test "every request of an untrusted caller is logged to authpriv, allowed or denied, decision and grants first" {
	policy "permit prtest-a bind tcp:80"
	with_log <<'PY'
print("status", caller("-b", "tcp:80", "--", "/bin/true", "a\nb"))
print("status", caller("-b", "tcp:81", "--", "/bin/true"))
print("status", caller("-u", "prtest-b", "--", "/bin/x\n<85>forged"))
dump_log()
PY
	assert_success
	assert_line "status 0"
	assert_line "status 125"
	refute_line --regexp '^<85>forged'
	assert_line --regexp '^<85>.*privrun\[[0-9]+\]: denied: uid 4001 \(prtest-a\) may not run /bin/x\\x0a<85>forged as uid 4002 \(prtest-b\): no rule in /etc/privrun.conf grants it; request: uid 4001 \(prtest-a\) as uid 4002 \(prtest-b\); command line: -u prtest-b -- /bin/x\\x0a<85>forged$'
	assert_line --regexp '^<86>.*privrun\[[0-9]+\]: allowed by /etc/privrun.conf line 1; request: uid 4001 \(prtest-a\) as uid 4001 \(prtest-a\); bind tcp:80; command line: -b tcp:80 -- /bin/true a\\x0ab$'
	assert_line --regexp '^<85>.*privrun\[[0-9]+\]: denied: uid 4001 \(prtest-a\) may not bind tcp:81 \(ports below 1024 are privileged\): no rule in /etc/privrun.conf grants it; request: uid 4001 \(prtest-a\) as uid 4001 \(prtest-a\); bind tcp:81; command line: -b tcp:81 -- /bin/true$'
}

@test "a long command line cannot push the grant or the decision out of the log line; the cut is marked" {
	secret=$(make_secret)
	policy "permit prtest-a bind tcp:80 open $secret"
	with_log <<PY
big = "x" * 3000
print("status", caller("-b", "tcp:80", "-o", "$secret", "--", "/bin/true", big, "y" * 10, "tail"))
print("status", caller("-b", "tcp:81", "--", "/bin/true", "\\n" * 1500))
dump_log()
PY
	assert_success
	assert_line "status 0"
	assert_line "status 125"
	assert_line --regexp "^<86>.*privrun\[[0-9]+\]: allowed by /etc/privrun.conf line 1; request: uid 4001 \(prtest-a\) as uid 4001 \(prtest-a\); bind tcp:80; open $secret; command line: -b tcp:80 -o $secret -- /bin/true x+\.\.\.\[cut\]\$"
	assert_line --regexp '^<85>.*privrun\[[0-9]+\]: denied: uid 4001 \(prtest-a\) may not bind tcp:81 \(ports below 1024 are privileged\): no rule in /etc/privrun.conf grants it; request: uid 4001 \(prtest-a\) as uid 4001 \(prtest-a\); bind tcp:81; command line: -b tcp:81 -- /bin/true (\\x0a)+\.\.\.\[cut\]$'
	# Each command line is cut to 1023 bytes, the marker included; with
	# musl, whose syslog(3) cuts at 1024 with its header, the whole line
	# stays within 960.
	run grep -o 'command line: .*' <<<"$output"
	assert_equal "${#lines[@]}" 2
	for line in "${lines[@]}"; do
		if is_musl "$PRIVRUN"; then
			[ "$(( ${#line} - 14 ))" -lt 960 ]
		else
			assert_equal "$(( ${#line} - 14 ))" 1023
		fi
	done
}

@test "a request too long for one log line is refused, and that is logged; a denial that long is logged cut" {
	dir=$PRIVRUN_TEST_ROOT/data/long.$BATS_TEST_NUMBER
	mkdir -m 0755 "$dir"
	# Eight opens of a name of 250 bytes 0xff, each escaped as \xff: 8 KiB
	# of request, which the caller's own rights would allow.
	with_log <<PY
name = b"$dir/" + b"\xff" * 250
open(name, "w").close()
os.chmod(name, 0o644)
opens = []
for i in range(8):
    opens += [b"-o", b"f%d=" % i + name]
print("status", caller(*opens, "--", "/bin/true"))
print("status", caller("-u", "prtest-b", *opens, "--", "/bin/true"))
dump_log()
PY
	assert_success
	assert_equal "$(grep -c '^status 125$' <<<"$output")" 2
	assert_line --regexp '^<85>.*privrun\[[0-9]+\]: refused: privrun: policy: the request is too long to log \([0-9]{4,} bytes escaped, at most (7088|896)\); request: uid 4001; command line: -o f0=.*$'
	assert_line --regexp '^<85>.*privrun\[[0-9]+\]: denied: uid 4001 \(prtest-a\) may not run /bin/true as uid 4002 \(prtest-b\): .*; request: uid 4001 \(prtest-a\) as uid 4002 \(prtest-b\); open f0=.*\.\.\.\[cut\]; command line: -u prtest-b -o f0=.*$'
	refute_line --partial "allowed"
	assert_equal "$(grep -c 'privrun\[' <<<"$output")" 2
}

@test "a request refused before the policy step is logged too, with its reason" {
	with_log <<'PY'
print("status", caller("-b", "tcp:80,frob", "--", "/bin/true"))
print("status", caller("-u", "no-such-user", "--", "/bin/true"))
print("status", caller("--frob"))
print("status", caller("-o", "/proc/cpuinfo", "--", "/bin/true"))
dump_log()
PY
	assert_success
	assert_line --regexp '^<85>.*privrun\[[0-9]+\]: refused: privrun: bind: .tcp:80,frob.: unknown option .frob.; request: uid 4001; command line: -b tcp:80,frob -- /bin/true$'
	assert_line --regexp "^<85>.*privrun\[[0-9]+\]: refused: privrun: user: 'no-such-user': no such user; request: uid 4001; command line: -u no-such-user -- /bin/true$"
	assert_line --regexp '^<85>.*privrun\[[0-9]+\]: refused: privrun: usage: .*; request: uid 4001; command line: --frob$'
	# After the policy step allowed it, a failure is logged as well.
	assert_line --regexp '^<86>.*privrun\[[0-9]+\]: allowed \(the caller.s own rights\); request: uid 4001 \(prtest-a\) as uid 4001 \(prtest-a\); open /proc/cpuinfo; command line: -o /proc/cpuinfo -- /bin/true$'
	assert_line --regexp '^<85>.*privrun\[[0-9]+\]: refused: privrun: open: /proc/cpuinfo: is on procfs or sysfs, which only root starting privrun may pass; request: uid 4001; command line: -o /proc/cpuinfo -- /bin/true$'
	assert_equal "$(grep -c 'privrun\[' <<<"$output")" 5
}

@test "tiny limits: privrun fails closed or runs the program fully dropped" {
	policy "permit prtest-a bind tcp:80"
	# RLIMIT_NOFILE 4: too few fds to place a resource safely; nothing runs.
	refuse "privrun: resources: 1 resources need 13 fds, more than the fd limit of 4 (ulimit -n)" \
		setpriv --reuid=4001 --regid=4001 --init-groups -- prlimit --nofile=4 -- \
		"$PRIVRUN_SUID" -b tcp:80 -- "$PROBE"
	# RLIMIT_NPROC 0: privrun holds CAP_SYS_RESOURCE when it changes uid,
	# so the kernel does not fail the exec (setresuid(2), execve(2)); the
	# program runs, and runs fully dropped.
	# LeakSanitizer, in a sanitizer build, needs a thread at exit: off.
	run --separate-stderr env ASAN_OPTIONS=detect_leaks=0 \
		setpriv --reuid=4001 --regid=4001 --init-groups -- prlimit --nproc=0 -- \
		"$PRIVRUN_SUID" -b tcp:80 -- "$PROBE" 3>&-
	assert_success
	assert_dropped_to 4001 4001 "4001 4100 4101"
}

@test "closed fds 0-2 and argc == 0 against the setuid copy with a policy" {
	policy "permit prtest-a bind tcp:80"
	run --separate-stderr as_user 4001 "$NOARGV" "$PRIVRUN_SUID" 3>&-
	assert_failure 125
	assert_equal "$stderr" "privrun: start: refusing an empty argument vector"
	dir=$PRIVRUN_TEST_ROOT/data/closed.$BATS_TEST_NUMBER
	mkdir -m 0755 "$dir"
	chown 4001 "$dir"
	# Read before the output file is opened, so it cannot take a slot.
	show='import os, sys
links = [os.readlink("/proc/self/fd/%d" % n) for n in range(4)]
open(sys.argv[1], "w").write("\n".join(links) + "\n")'
	run bash -c 'exec setpriv --reuid=4001 --regid=4001 --init-groups -- "$1" -b tcp:80 -- /usr/bin/python3 -I -c "$2" "$3" <&- >&- 2>&- 3>&-' \
		- "$PRIVRUN_SUID" "$show" "$dir/out"
	assert_success
	run cat "$dir/out"
	# Not glibc's write-only /dev/full: privrun's own /dev/null (fds.bats).
	assert_line --index 0 /dev/null
	assert_line --index 1 /dev/null
	assert_line --index 2 /dev/null
	assert_line --index 3 --regexp '^socket:\[[0-9]+\]$'
}

@test "--allow-new-privs is refused to an untrusted caller, even for itself" {
	# Without no_new_privs the program could run setuid-root programs with
	# securebits locked and no capabilities, where setuid(getuid()) keeps
	# the saved uid 0.
	for copy in "$PRIVRUN_SUID" "$PRIVRUN_CAPS"; do
		refuse "privrun: policy: uid 4001 (prtest-a) may not use --allow-new-privs: denied by default (no rule grants it)" \
			as_user 4001 "$copy" --allow-new-privs -- "$PROBE"
	done
}

@test "a program run as another user gets at least umask 022" {
	policy "permit prtest-a as prtest-b cmd $PROBE"
	run --separate-stderr as_user 4001 sh -c 'umask 000; exec "$@"' - \
		"$PRIVRUN_SUID" -u prtest-b -- "$PROBE" 3>&-
	assert_success
	assert_line "Umask: 0022"
	run --separate-stderr as_user 4001 "$PRIVRUN_SUID" -u prtest-b --umask 0007 -- "$PROBE" 3>&-
	assert_success
	assert_line "Umask: 0027"
	# As itself the caller's umask is its own business.
	run --separate-stderr as_user 4001 sh -c 'umask 000; exec "$@"' - "$PRIVRUN_SUID" -- "$PROBE" 3>&-
	assert_success
	assert_line "Umask: 0000"
}

@test "an alias of the target's uid in passwd does not bring its group" {
	cp /etc/passwd "$BATS_TEST_TMPDIR/passwd.saved"
	echo "prtest-b-alias:x:4002:0:alias:/root:/bin/sh" >>/etc/passwd
	policy "permit prtest-a as prtest-b cmd $PROBE"
	refuse "$(denied_by_rules "uid 4001 (prtest-a)" "run $PROBE as uid 4002 (prtest-b-alias)")" \
		as_user 4001 "$PRIVRUN_SUID" -u prtest-b-alias -- "$PROBE"
	run --separate-stderr as_user 4001 "$PRIVRUN_SUID" -u prtest-b -- "$PROBE" 3>&-
	assert_success
	assert_dropped_to 4002 4002 "4100"
}

@test "a granted file in a directory the caller could write is refused" {
	dir=$PRIVRUN_TEST_ROOT/data/granted.$BATS_TEST_NUMBER
	mkdir -m 0755 "$dir"
	chown 4001 "$dir"
	secret=$(make_secret)
	ln "$secret" "$dir/k"
	policy "permit prtest-a open $dir/k"
	refuse "privrun: policy: open $dir/k: a rule grants it, but $dir/k: directory $dir is not owned by root; refusing it" \
		as_user 4001 "$PRIVRUN_SUID" -o "$dir/k" -- "$PROBE" readfd 3
}

@test "a granted file in a directory that does not exist is refused, saying why" {
	missing=$PRIVRUN_TEST_ROOT/data/missing.$BATS_TEST_NUMBER
	policy "permit prtest-a open $missing/k"
	refuse "privrun: policy: open $missing/k: a rule grants it, but $missing/k: directory $missing: No such file or directory; refusing it" \
		as_user 4001 "$PRIVRUN_SUID" -o "$missing/k" -- "$PROBE"
}

@test "--check-policy stops when the switch to the caller's rights or back fails" {
	policy "permit prtest-a bind tcp:80"
	# A switch that fails, or that did nothing, is caught: --check-policy
	# never reads with privrun's rights.
	for fault in fail noop; do
		refuse "privrun: check-policy: setresuid(-1, 4001, -1): Operation not permitted" \
			"$FAULTINJECT" -u 4001 setresuid "$fault" a0=0xffffffff a1=4001 -- \
			"$PRIVRUN_SUID" --check-policy
		refuse "privrun: check-policy: setresuid(-1, 0, -1): Operation not permitted" \
			"$FAULTINJECT" -u 4001 setresuid "$fault" a0=0xffffffff a1=0 -- \
			"$PRIVRUN_SUID" --check-policy
	done
}

@test "an error in a policy file the caller may not read is not quoted to it" {
	policy "permit prtest-a bind tcp:secret-word"
	chmod 0600 "$CONF"
	refuse "privrun: policy: $CONF is unusable (why is in the system log, since you may not read it); denying everything" \
		as_user 4001 "$PRIVRUN_SUID" -- "$PROBE"
}

@test "monitor: only with a rule that says so, and bounded by the rules' grants" {
	key=$(make_secret)
	# No rule says monitor: denied, even for what the caller could bind.
	policy "permit prtest-a bind tcp:81"
	refuse "$(denied_by_rules "uid 4001 (prtest-a)" "use --monitor")" \
		as_user 4001 "$PRIVRUN_SUID" --monitor --allow-bind tcp:8080 -- /bin/true
	policy "permit prtest-a monitor bind tcp:81 open $key"
	for copy in "$PRIVRUN_SUID" "$PRIVRUN_CAPS"; do
		run --separate-stderr as_user 4001 "$copy" --monitor --allow-bind tcp:81 \
			--allow-bind tcp:8000-8099 --allow-open "$key" -- \
			python3 "$MONITOR_PY" bind:tcp:81 bind:tcp:8081 "open:$key" bind:tcp:82 3>&-
		assert_success
		assert_line --index 0 "fd 4: tcp:81: ok"
		assert_line --index 1 "fd 5: tcp:8081: ok"
		assert_line --index 2 "fd 6: $key: ok"
		assert_line --index 3 "refused: status 7: tcp:82: not in the monitor's allow list"
		refuse "$(denied_by_rules "uid 4001 (prtest-a)" "let the monitor bind tcp:80-81 (ports below 1024 are privileged)")" \
			as_user 4001 "$copy" --monitor --allow-bind tcp:80-81 -- /bin/true
		refuse "$(denied_by_rules "uid 4001 (prtest-a)" "let the monitor open $key,rw")" \
			as_user 4001 "$copy" --monitor --allow-open "$key,rw" -- /bin/true
	done
	refuse "$(denied_by_rules "uid 4002 (prtest-b)" "use --monitor")" \
		as_user 4002 "$PRIVRUN_SUID" --monitor --allow-bind tcp:81 -- /bin/true
}

@test "monitor: a tcp6: rule grants a tcp6: entry, whose [::] the monitor binds with IPV6_V6ONLY" {
	policy "permit prtest-a monitor bind tcp6:80"
	run --separate-stderr as_user 4001 "$PRIVRUN_SUID" --monitor --allow-bind tcp6:80 -- python3 -c '
import importlib.util, os, socket, sys
spec = importlib.util.spec_from_file_location("client", sys.argv[1])
client = importlib.util.module_from_spec(spec)
spec.loader.exec_module(client)
monitor = socket.socket(fileno=int(os.environ["PRIVRUN_MONITOR_FD"]))
fd, message = client.request(monitor, "bind", "tcp6:80")
s = socket.socket(fileno=fd)
print(message, "v6only", s.getsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY))
' "$MONITOR_PY" 3>&-
	assert_success
	assert_output "tcp6:80: ok v6only 1"
	# 0.0.0.0 beside it, dual-stack: that needs a rule of its own.
	refuse "$(denied_by_rules "uid 4001 (prtest-a)" "let the monitor bind tcp4:80 (ports below 1024 are privileged)")" \
		as_user 4001 "$PRIVRUN_SUID" --monitor --allow-bind tcp6:80 --allow-bind tcp4:80 -- /bin/true
	refuse "$(denied_by_rules "uid 4001 (prtest-a)" "let the monitor bind tcp:80 (ports below 1024 are privileged)")" \
		as_user 4001 "$PRIVRUN_SUID" --monitor --allow-bind tcp:80 -- /bin/true
}

# in_port_ns FILE UID CMD...: CMD as UID (0: root) in new network and mount
# namespaces whose net.ipv4.ip_unprivileged_port_start is 2000, or with FILE
# mounted over the sysctl (- for none).
in_port_ns() {
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		unshare --mount --net -- sh -c '
		f=/proc/sys/net/ipv4/ip_unprivileged_port_start
		echo 2000 >$f || exit 1
		[ "$1" = - ] || mount --bind "$1" $f || exit 1
		uid=$2
		shift 2
		[ "$uid" = 0 ] && exec "$@"
		exec setpriv --reuid="$uid" --regid="$uid" --init-groups -- "$@"' sh "$@"
}

@test "monitor: with ip_unprivileged_port_start at 2000, tcp:1500 needs a rule and the monitor serves it; unreadable, a caller's run ends with 125" {
	policy "permit prtest-a monitor bind tcp:8080"
	refuse "$(denied_by_rules "uid 4001 (prtest-a)" "let the monitor bind tcp:1500 (ports below 2000 are privileged)")" \
		in_port_ns - 4001 "$PRIVRUN_SUID" --monitor --allow-bind tcp:1500 -- /bin/true
	policy "permit prtest-a monitor bind tcp:1500"
	for copy in "$PRIVRUN_SUID" "$PRIVRUN_CAPS"; do
		run --separate-stderr in_port_ns - 4001 "$copy" --monitor \
			--allow-bind tcp:1500 -- python3 "$MONITOR_PY" bind:tcp:1500 3>&-
		assert_success
		assert_output "fd 4: tcp:1500: ok"
	done
	# Unreadable or not a number: never guessed for a caller's monitor.
	unreadable=$BATS_TEST_TMPDIR/unreadable
	: >"$unreadable"
	chmod 0 "$unreadable"
	refuse "privrun: ports: /proc/sys/net/ipv4/ip_unprivileged_port_start: Permission denied: which ports need a privilege is unknown" \
		in_port_ns "$unreadable" 4001 "$PRIVRUN_SUID" --monitor --allow-bind tcp:1500 -- /bin/true
	echo x >"$BATS_TEST_TMPDIR/garbage"
	refuse "privrun: ports: /proc/sys/net/ipv4/ip_unprivileged_port_start: not a port number: which ports need a privilege is unknown" \
		in_port_ns "$BATS_TEST_TMPDIR/garbage" 4001 "$PRIVRUN_CAPS" --monitor --allow-bind tcp:1500 -- /bin/true
	# A run with no monitor bind needs it not (a bind at start that no
	# rule grants has the caller's rights: the kernel says no itself).
	run --separate-stderr in_port_ns "$unreadable" 4001 "$PRIVRUN_SUID" \
		-b tcp:8080 -- sh -c 'echo ran' 3>&-
	assert_success
	assert_output "ran"
	run --separate-stderr in_port_ns "$unreadable" 4001 "$PRIVRUN_CAPS" -b tcp:1500 -- /bin/true 3>&-
	assert_failure 125
	assert_equal "$stderr" "privrun: bind: tcp:1500: permission denied: a privileged port needs privrun run as root, setuid-root with a bind rule, or with file capabilities"
	# Root starting privrun is told nothing it could not see: the
	# kernel's default, 1024.
	run --separate-stderr in_port_ns "$BATS_TEST_TMPDIR/garbage" 0 "$PRIVRUN" \
		-u prtest-a --monitor --allow-bind tcp:80 -- python3 "$MONITOR_PY" bind:tcp:80 3>&-
	assert_success
	assert_output "fd 4: tcp:80: ok"
}

@test "monitor: a write entry the policy grants needs cap_dac_override, which the file-capability copy lacks: exit 125 naming it, the program never run" {
	key=$(make_secret)
	policy "permit prtest-a monitor open $key,rw"
	local dir=$PRIVRUN_TEST_ROOT/dac.$BATS_TEST_NUMBER
	mkdir -p "$dir"
	chown 4001:4001 "$dir"
	as_user 4001 touch "$dir/can"	# the program could make its marker
	run --separate-stderr as_user 4001 "$PRIVRUN_CAPS" --monitor \
		--allow-open "$key,rw" -- touch "$dir/ran" 3>&-
	assert_failure 125
	assert_equal "$(sed -n 1p <<<"$stderr")" "privrun: monitor: the monitor cannot keep cap_dac_override: privrun does not hold it (file-capabilities start)"
	# Its child, waiting for the monitor's drop, sees it gone, or dies with
	# it first (PR_SET_PDEATHSIG).
	[[ "$(sed 1d <<<"$stderr")" =~ ^("privrun: monitor: the "("parent process"|monitor)" (pid "[0-9]+") is gone")?$ ]]
	[ ! -e "$dir/ran" ]
	# The setuid copy holds it.
	run --separate-stderr as_user 4001 "$PRIVRUN_SUID" --monitor \
		--allow-open "$key,rw" -- python3 "$MONITOR_PY" "open:$key,rw" 3>&-
	assert_success
	assert_output "fd 4: $key,rw: ok"
}

@test "a rule cannot grant a file on procfs or sysfs, at start or through the monitor" {
	policy "permit prtest-a monitor open /proc/cpuinfo /proc/1/status /sys/kernel/uevent_seqnum"
	for copy in "$PRIVRUN_SUID" "$PRIVRUN_CAPS"; do
		for path in /proc/cpuinfo /proc/1/status /sys/kernel/uevent_seqnum; do
			refuse "privrun: open: $path: is on procfs or sysfs, which only root starting privrun may pass" \
				as_user 4001 "$copy" -o "$path" -- "$PROBE"
		done
		run --separate-stderr as_user 4001 "$copy" --monitor --allow-open /proc/cpuinfo \
			--allow-open /proc/1/status -- python3 "$MONITOR_PY" open:/proc/cpuinfo open:/proc/1/status 3>&-
		assert_success
		assert_output "refused: status 8: /proc/cpuinfo: is on procfs or sysfs, which only root starting privrun may pass
refused: status 8: /proc/1/status: is on procfs or sysfs, which only root starting privrun may pass"
	done
	# /proc/self is a symbolic link, which no granted path may hold.
	policy "permit prtest-a open /proc/self/maps"
	refuse "privrun: policy: open /proc/self/maps: a rule grants it, but /proc/self/maps: /proc/self is not a directory (a symbolic link?); refusing it" \
		as_user 4001 "$PRIVRUN_SUID" -o /proc/self/maps -- "$PROBE"
}

@test "granted and ungranted binds in a row: each run with its own rights, all the caller's" {
	policy "permit prtest-a bind tcp:80-81"
	run --separate-stderr as_user 4001 "$PRIVRUN_SUID" -v -b tcp4:127.0.0.1:80 -b tcp4:127.0.0.1:81 \
		-b tcp4:127.0.0.1:8080 -b tcp4:127.0.0.1:8081 -b tcp4:127.0.0.1:79 -- "$PROBE" 3>&-
	assert_failure 125
	assert_equal "$output" ""
	assert_equal "$(grep -v '^privrun: trace: ' <<<"$stderr")" "$(denied_by_rules "uid 4001 (prtest-a)" "bind tcp4:127.0.0.1:79 (ports below 1024 are privileged)")"
	run --separate-stderr as_user 4001 "$PRIVRUN_SUID" -v -b tcp4:127.0.0.1:80 -b tcp4:127.0.0.1:81 \
		-b tcp4:127.0.0.1:8080 -b tcp4:127.0.0.1:8081 -b x=tcp4:127.0.0.1:81,reuseport -- "$PROBE" 3>&-
	assert_failure 125
	trace=$(sed -n 's/^privrun: trace: resources\/[a-z_]*\.c:[0-9]*: //p' <<<"$stderr" | sed 's/ as fd .*//')
	assert_equal "$trace" "privs_caller: euid 4001 egid 4001, capabilities 0x400
privs_relinquish: depth 0
opened tcp4:127.0.0.1:80
opened tcp4:127.0.0.1:81
privs_caller: euid 4001 egid 4001, capabilities 0
privs_relinquish: depth 0
opened tcp4:127.0.0.1:8080
opened tcp4:127.0.0.1:8081
privs_caller: euid 4001 egid 4001, capabilities 0x400
privs_relinquish: depth 0"
	assert_equal "$output" ""
	assert_equal "$(grep -v '^privrun: trace: ' <<<"$stderr")" "privrun: bind: x=tcp4:127.0.0.1:81,reuseport: address already in use"
	# Every socket is the caller's, in each run.
	setpriv --reuid=4001 --regid=4001 --init-groups -- \
		"$PRIVRUN_SUID" -b tcp4:127.0.0.1:80 -b tcp4:127.0.0.1:8080 -b tcp4:127.0.0.1:81 \
		-b tcp4:127.0.0.1:8081 -- sleep 30 >/dev/null 2>&1 3>&- &
	pid=$!
	for _ in $(seq 100); do
		[ "$(ss -Hltn 'sport >= :80 and sport <= :8081' | wc -l)" = 4 ] && break
		sleep 0.05
	done
	run ss -Hltne 'sport >= :80 and sport <= :8081'
	kill "$pid"
	wait "$pid" || true
	assert_equal "$(grep -c ' uid:4001 ' <<<"$output")" 4
}
