#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# examples/: each example run as it is written, with a real server on port
# 80 reached with curl, and the server's credentials read from the kernel.
# The only adaptation is where the binaries are: privrun and the example
# scripts are found through PATH, which starts with a directory of copies
# ($EX), and the systemd unit's /usr/local/bin/ is mapped to that
# directory.  Docker and Kubernetes do not run here: their command lines
# are taken from the files and run directly, with the capability bounding
# set that the container would have (setpriv --bounding-set).

load helpers

# The user examples/Dockerfile creates, read from its useradd line.
app_user() {
	sed -n 's/.*useradd .*--uid \([0-9]*\) .* \([a-z][a-z0-9-]*\)$/\2 \1/p' \
		examples/Dockerfile
}

# The container's user is added to the suite's private /etc/passwd and
# /etc/group (tests/run bind-mounts a copy of /etc over the host's) for
# this file only.
setup_file() {
	# Only ever the suite's private copies (they hold its test users),
	# never the host's files.
	grep -q '^prtest-a:' /etc/passwd || return 1
	read -r name uid < <(app_user)
	[ -n "$uid" ] || return 1
	echo "$name:x:$uid:$uid:example app:/nonexistent:/usr/sbin/nologin" >>/etc/passwd
	echo "$name:x:$uid:" >>/etc/group
}

teardown_file() {
	local f rest
	grep -q '^prtest-a:' /etc/passwd || return 1
	read -r name uid < <(app_user)
	for f in /etc/passwd /etc/group; do
		rest=$(grep -v "^$name:x:$uid:" "$f")
		printf '%s\n' "$rest" >"$f"
	done
}

setup() {
	EX=$PRIVRUN_TEST_ROOT/examples.$BATS_TEST_NUMBER
	mkdir -p "$EX"
	chmod 0755 "$EX"
	ln -s "$PRIVRUN" "$EX/privrun"
	install -m 0755 examples/hello-server examples/hello-web.sh \
		examples/docker-entrypoint.sh "$EX/"
	export PATH=$EX:$PATH
}

# The servers are stopped, and they leave no connection on port 80 in
# TIME_WAIT, which would make a later test's bind(2) of port 80 fail.
teardown() {
	stop_background
	wait_for port_80_free
	run ss -Htan state time-wait 'sport = :80'
	assert_output ""
}

# assert_serves UID NAME PID: port 80 answers from the server, which is
# PID, and the kernel says PID runs as UID with no capability and
# no_new_privs set.
assert_serves() {
	wait_for curl -sf http://127.0.0.1/
	run curl -sf http://127.0.0.1/
	assert_success
	assert_output "hello from uid $1 ($2)"
	run ss -Htlnp 'sport = :80'
	assert_output --regexp "pid=$3,"
	run grep -E '^(Name|Uid|Gid|Cap(Inh|Prm|Eff|Bnd|Amb)|NoNewPrivs):' /proc/$3/status
	assert_line --regexp '^Name:.hello-server$'
	assert_line $'Uid:\t'"$1"$'\t'"$1"$'\t'"$1"$'\t'"$1"
	for set in CapInh CapPrm CapEff CapBnd CapAmb; do
		assert_line "$set:"$'\t0000000000000000'
	done
	assert_line $'NoNewPrivs:\t1'
}

port_80_free() {
	[ -z "$(ss -Htln 'sport = :80')" ]
}

# json_array KEY FILE: the JSON array on the line "KEY [...]" or
# "KEY: [...]" of FILE (a Dockerfile instruction or a YAML flow
# sequence), one element per line.
json_array() {
	sed -n "s/^[[:space:]]*$1:\\{0,1\\} \\(\\[.*\\]\\)\$/\\1/p" "$2" | jq -r '.[]'
}

@test "hello-web.sh, run as root, serves port 80 as www-data" {
	background hello-web.sh
	assert_serves 33 www-data "$LAST_PID"
}

@test "hello-web.sh USER PORT; it refuses an unknown user before anything runs, and a non-root start" {
	background hello-web.sh prtest-b 81
	pid=$LAST_PID
	wait_for curl -sf http://127.0.0.1:81/
	run curl -sf http://127.0.0.1:81/
	assert_output "hello from uid 4002 (prtest-b)"
	run --separate-stderr hello-web.sh no-such-user 3>&-
	assert_failure 125
	assert_output ""
	assert_equal "$stderr" "privrun: user: 'no-such-user': no such user"
	run --separate-stderr as_user 4001 "$EX/hello-web.sh" 3>&-
	assert_failure 1
	assert_equal "$stderr" "hello-web.sh: run me as root; privrun drops to www-data"
}

@test "the systemd unit's ExecStart= line serves port 80 as www-data, and the unit verifies" {
	# systemd joins a line ending in a backslash with the next one.
	cmdline=$(sed -e ':a' -e '/\\$/{N;s/\\\n/ /;ba}' examples/privrun-web.service |
		sed -n 's/^ExecStart=//p')
	[ -n "$cmdline" ]
	read -r -a argv <<<"${cmdline//\/usr\/local\/bin\//$EX/}"
	assert_equal "${argv[0]}" "$EX/privrun"
	background "${argv[@]}"
	assert_serves 33 www-data "$LAST_PID"
	# The unit file itself, with the same paths, as systemd would load it.
	sed "s#/usr/local/bin/#$EX/#g" examples/privrun-web.service >"$EX/privrun-web.service"
	run systemd-analyze verify "$EX/privrun-web.service"
	assert_success
	assert_output ""
}

@test "the Dockerfile's ENTRYPOINT and CMD serve port 80 as its user, with Docker's default capabilities" {
	read -r name uid < <(app_user)
	mapfile -t entry < <(json_array ENTRYPOINT examples/Dockerfile)
	mapfile -t cmd < <(json_array CMD examples/Dockerfile)
	assert_equal "${entry[*]}" "docker-entrypoint.sh"
	assert_equal "${cmd[*]}" "hello-server"
	# What the Dockerfile copies into the image is in the tree.
	for f in $(sed -n 's/^COPY \(examples\/[^ ]*\( examples\/[^ ]*\)*\) .*/\1/p' examples/Dockerfile); do
		[ -f "$f" ]
	done
	# Docker's default capability set (docker run reference, "Runtime
	# privilege and Linux capabilities").
	background setpriv --bounding-set=-all,+chown,+dac_override,+fsetid,+fowner,+mknod,+net_raw,+setgid,+setuid,+setfcap,+setpcap,+net_bind_service,+sys_chroot,+kill,+audit_write \
		-- "${entry[@]}" "${cmd[@]}"
	# privrun --init stays as the server's parent, with no capability,
	# and passes it docker stop's SIGTERM.
	wait_for pgrep -P "$LAST_PID"
	assert_serves "$uid" "$name" "$(pgrep -P "$LAST_PID")"
	wait_for grep -q "^NoNewPrivs:.1" "/proc/$LAST_PID/status"
	run grep -E '^(Name|CapPrm|CapBnd):' "/proc/$LAST_PID/status"
	assert_output $'Name:\tprivrun\nCapPrm:\t0000000000000000\nCapBnd:\t0000000000000000'
	kill -TERM "$LAST_PID"
	status=0
	wait "$LAST_PID" || status=$?
	assert_equal "$status" 143
}

@test "the Dockerfile's ENTRYPOINT with another command (docker run IMAGE CMD...) passes it the socket" {
	read -r name uid < <(app_user)
	mapfile -t entry < <(json_array ENTRYPOINT examples/Dockerfile)
	run --separate-stderr "${entry[@]}" "$PROBE" 3>&-
	assert_success
	assert_dropped_to "$uid" "$uid" ""
	assert_line --regexp '^Sock: 3 inet6 \[::\]:80 type=stream listening=1 '
	assert_line "Env: LISTEN_FDS=1"
	assert_line "Env: LISTEN_FDNAMES=http"
}

@test "the pod spec's command and args serve port 80 with exactly its capabilities, and not with NET_BIND_SERVICE alone" {
	read -r name uid < <(app_user)
	mapfile -t command < <(json_array command examples/pod.yaml)
	mapfile -t args < <(json_array args examples/pod.yaml)
	mapfile -t add < <(json_array add examples/pod.yaml)
	assert_equal "${command[0]}" privrun
	assert_equal "${args[*]}" hello-server
	assert_equal "$(json_array drop examples/pod.yaml)" ALL
	bset=-all$(printf ',+%s' "${add[@],,}")
	assert_equal "$bset" "-all,+net_bind_service,+setuid,+setgid,+setpcap"
	# runAsUser: 0 with drop ALL and these added; allowPrivilegeEscalation:
	# false is no_new_privs.
	background setpriv --bounding-set="$bset" --no-new-privs -- "${command[@]}" "${args[@]}"
	assert_serves "$uid" "$name" "$LAST_PID"
	# What the comment says: NET_BIND_SERVICE alone is not enough to
	# change users, and privrun stops before running anything.
	stop_background
	wait_for port_80_free
	run --separate-stderr setpriv --bounding-set=-all,+net_bind_service --no-new-privs \
		-- "${command[@]}" "$PROBE" 3>&-
	assert_failure 125
	assert_output ""
	assert_equal "$stderr" "privrun: drop: prctl(PR_SET_SECUREBITS): Operation not permitted"
}

@test "privrun(1) and the README describe every file in examples/" {
	missing=()
	for f in examples/*; do
		name=${f#examples/}
		grep -qE "^\\.(It|Pq) .*Pa $name( |\$)" man/privrun.1 || missing+=("man:$name")
		grep -qF "(examples/$name)" README.md || missing+=("README:$name")
	done
	assert_equal "${missing[*]}" ""
}
