#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# Socket activation with real servers, unchanged: each takes the socket
# privrun bound (-b) from LISTEN_FDS, or nginx's own NGINX variable, and
# serves it with no capability, as the commands of README.md and privrun(1)
# ("Servers that bind their own ports") give them, on port 98 rather than
# 80: a server that closes first leaves its side of a connection in
# TIME_WAIT, and tests/examples.bats wants none on port 80.

load helpers

setup() {
	RUN=$PRIVRUN_TEST_ROOT/activation.$BATS_TEST_NUMBER
	mkdir -p "$RUN/www"
	echo "a page" >"$RUN/www/index.html"
	chown -R 4001:4001 "$RUN"
	cat >"$RUN/app.py" <<-'EOF'
		def application(environ, start_response):
		    start_response('200 OK', [('Content-Type', 'text/plain')])
		    return [b'a wsgi page\n']
	EOF
}

teardown() {
	[ ${#BG_PIDS[@]} -eq 0 ] || end_gently "${BG_PIDS[@]}"
	pkill -KILL -u 4001 || true
	wait_for sh -c '! pgrep -u 4001'
}

# serves BODY ARG...: privrun -u prtest-a ARG... (options, --, the
# server), as root; curl on 127.0.0.1:98 gets BODY, and every process
# listening on port 98 is prtest-a's with no capability in any set.
serves() {
	local body=$1 pid pids set
	shift
	"$PRIVRUN" -u prtest-a "$@" 3>&- >"$RUN/out" 2>&1 &
	BG_PIDS+=($!)
	wait_for curl -sf --max-time 1 -o /dev/null http://127.0.0.1:98/ ||
		{ cat "$RUN/out" >&2; false; }
	run curl -sS --max-time 5 http://127.0.0.1:98/
	assert_success
	assert_output "$body"
	pids=$(ss -Htlnp "sport = :98" | grep -o 'pid=[0-9]*' | cut -d= -f2 |
		sort -u)
	assert [ -n "$pids" ]
	for pid in $pids; do
		run grep -E '^(Uid|CapInh|CapPrm|CapEff|CapBnd|CapAmb):' \
			"/proc/$pid/status"
		assert_line "Uid:	4001	4001	4001	4001"
		for set in CapInh CapPrm CapEff CapBnd CapAmb; do
			assert_line "$set:	0000000000000000"
		done
	done
}

@test "gunicorn takes LISTEN_FDS" {
	serves "a wsgi page" -b tcp:98 -- gunicorn --chdir "$RUN" app:application
}

@test "uwsgi takes LISTEN_FDS, with --protocol http" {
	serves "a wsgi page" -b tcp:98 -- uwsgi --plugin python3 --protocol http \
		--chdir "$RUN" --wsgi-file "$RUN/app.py"
}

@test "node listens on fd 3" {
	echo 'require("http").createServer((q, r) => r.end("a node page\n")).listen({ fd: 3 });' \
		>"$RUN/server.js"
	serves "a node page" -b tcp:98 -- node "$RUN/server.js"
}

@test "nginx takes NGINX=3; with tcp4:98 for its 'listen 98;' (0.0.0.0:98)" {
	cat >"$RUN/nginx.conf" <<-EOF
		pid $RUN/nginx.pid;
		error_log stderr;
		events {}
		http {
		    access_log off;
		    client_body_temp_path $RUN/t1; proxy_temp_path $RUN/t2;
		    fastcgi_temp_path $RUN/t3; uwsgi_temp_path $RUN/t4;
		    scgi_temp_path $RUN/t5;
		    server { listen 98; root $RUN/www; }
		}
	EOF
	serves "a page" -b tcp4:98 --env 'NGINX=3;' -- \
		nginx -c "$RUN/nginx.conf" -g 'daemon off;'
	run grep -c 'using inherited sockets from "3;"' "$RUN/out"
	assert_output 1
}

@test "lighttpd with server.systemd-socket-activation, -b matching its server.port" {
	cat >"$RUN/lighttpd.conf" <<-EOF
		server.document-root = "$RUN/www"
		server.port = 98
		server.systemd-socket-activation = "enable"
		index-file.names = ("index.html")
		mimetype.assign = (".html" => "text/html")
	EOF
	serves "a page" -b tcp4:98 -- lighttpd -D -f "$RUN/lighttpd.conf"
}
