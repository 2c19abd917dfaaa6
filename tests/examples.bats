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
# PID itself (every example execs it) or a child of PID (an entry point
# with privrun --init, which stays as PID 1), and the kernel says the
# server runs as UID with no capability and no_new_privs set.
assert_serves() {
	local server
	wait_for curl -sf http://127.0.0.1/
	run curl -sf http://127.0.0.1/
	assert_success
	assert_output "hello from uid $1 ($2)"
	run ss -Htlnp 'sport = :80'
	assert_output --regexp 'users:\(\("hello-server",pid=[0-9]+,fd=3\)\)$'
	server=$(sed -n 's/.*"hello-server",pid=\([0-9]*\),.*/\1/p' <<<"$output")
	if [ "$server" != "$3" ]; then
		assert_equal "$(awk '{ print $4 }' "/proc/$server/stat")" "$3"
	fi
	run grep -E '^(Name|Uid|Gid|Cap(Inh|Prm|Eff|Bnd|Amb)|NoNewPrivs):' /proc/$server/status
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

# As in a container without an init: the server is PID 1 of its PID
# namespace, where the kernel drops every signal it has no handler for.
@test "the Dockerfile's ENTRYPOINT and CMD as PID 1: SIGTERM ends the server at once, with status 143" {
	mapfile -t entry < <(json_array ENTRYPOINT examples/Dockerfile)
	mapfile -t cmd < <(json_array CMD examples/Dockerfile)
	unshare --pid --fork -- "${entry[@]}" "${cmd[@]}" 3>&- >/dev/null 2>&1 &
	outer=$!
	wait_for curl -sf http://127.0.0.1/
	pid1=$(pgrep -P "$outer")
	run grep -E '^(Name|NSpid):' "/proc/$pid1/status"
	# The server, or privrun --init in front of it.
	assert_line --regexp $'^Name:\t(hello-server|privrun)$'
	assert_line --regexp $'^NSpid:\t[0-9]+\t1$'
	kill -TERM "$pid1"
	# At once: within a second, or it is killed and the test fails.
	for _ in $(seq 20); do
		kill -0 "$pid1" 2>/dev/null || break
		sleep 0.05
	done
	kill -KILL "$pid1" 2>/dev/null && fail "hello-server ignored SIGTERM"
	status=0
	wait "$outer" || status=$?
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

# pod_field KEY...: the value at KEY... in examples/pod.yaml's first
# container (a number is a list index), read with a YAML parser: a list one
# element a line, anything else as JSON.
pod_field() {
	/usr/bin/python3 - "$@" <<'EOF'
import json, sys, yaml
with open("examples/pod.yaml") as f:
    value = yaml.safe_load(f)["spec"]["containers"][0]
for key in sys.argv[1:]:
    value = value[int(key) if key.isdigit() else key]
if isinstance(value, list):
    print("\n".join(map(str, value)))
else:
    print(json.dumps(value))
EOF
}

@test "pod.yaml is one Kubernetes Pod to a YAML parser: the image's entry point, a root start, no_new_privs and the four capabilities" {
	run /usr/bin/python3 -c '
import yaml
docs = list(yaml.safe_load_all(open("examples/pod.yaml")))
pod = docs[0]
print(len(docs), pod["apiVersion"], pod["kind"], len(pod["spec"]["containers"]))
print(" ".join(sorted(pod["spec"]["containers"][0])))'
	assert_success
	# No command or args: the image's ENTRYPOINT and CMD run.
	assert_output $'1 v1 Pod 1\nimage name ports securityContext'
	run pod_field securityContext
	assert_success
	assert_output '{"runAsUser": 0, "runAsNonRoot": false, "allowPrivilegeEscalation": false, "capabilities": {"drop": ["ALL"], "add": ["NET_BIND_SERVICE", "SETUID", "SETGID", "SETPCAP"]}}'
	run pod_field ports 0
	assert_output '{"containerPort": 80, "name": "http"}'
}

@test "the pod's container (the image's ENTRYPOINT and CMD) serves port 80 with exactly its capabilities, and not with NET_BIND_SERVICE alone" {
	read -r name uid < <(app_user)
	mapfile -t command < <(json_array ENTRYPOINT examples/Dockerfile)
	mapfile -t args < <(json_array CMD examples/Dockerfile)
	mapfile -t add < <(pod_field securityContext capabilities add)
	assert_equal "$(pod_field securityContext capabilities drop)" ALL
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
	# The parent that stays (--init) fails its drop first; its child,
	# waiting for it, says it is gone and runs nothing.
	assert_equal "$(head -n 1 <<<"$stderr")" "privrun: drop: prctl(PR_SET_SECUREBITS): Operation not permitted"
	assert_equal "$(sed 1d <<<"$stderr" | sed 's/pid [0-9]*/pid N/')" \
		"privrun: fork: the parent process (pid N) is gone"
}

@test ".dockerignore lets into the image's build only the Makefile, the sources (the Makefile's SRCDIRS) and what the Dockerfile copies from examples/" {
	run grep -v -e '^#' -e '^$' .dockerignore
	assert_line --index 0 '*'
	for dir in $(sed -n 's/^SRCDIRS *= *//p' Makefile); do
		assert_line "!$dir"
	done
	for f in $(sed -n 's/^COPY \(examples\/[^ ]*\( examples\/[^ ]*\)*\) .*/\1/p' examples/Dockerfile); do
		assert_line "!$f"
	done
	assert_line '!Makefile'
	assert_line '!*.c'
	assert_line '!*.h'
	assert_line '!tools'	# the musl build's tools/musl-deps
	refute_line --regexp '^!(build|\.git|tests|debian)'
}

@test "the Dockerfile builds FROM \$BASE, debian:12-slim unless told, and its final stage installs nothing for privrun" {
	run grep -E '^(ARG|FROM) ' examples/Dockerfile
	assert_output $'ARG BASE=debian:12-slim\nFROM $BASE AS build\nFROM $BASE'
	# The packages of the last apt-get install: privrun is the static
	# musl build (one file), hello-server is Python.
	last=$(sed -e ':a' -e '/\\$/{N;s/\\\n/ /;ba}' examples/Dockerfile |
		grep 'apt-get install' | tail -n 1)
	run sed -e 's/[[:space:]]\+/ /g' -e 's/.*--no-install-recommends //' -e 's/ *&&.*//' <<<"$last"
	assert_output python3
	run grep -E '^RUN make' examples/Dockerfile
	assert_output 'RUN make -C /src MUSL=1 O=/build && strip /build/privrun'
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
