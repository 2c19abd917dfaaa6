#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# examples/Dockerfile under a real container runtime: podman (with runc)
# builds it as written, with only its base image replaced by a local Debian
# 12 root (--build-arg BASE), runs it with no network but its own loopback,
# and stops it.  Port 80 is reached from inside the container's network
# namespace; nothing is published on the host.  The tests run in order and
# share the image and the container.

load helpers

BASE_IMAGE=localhost/bookworm
BUILD_IMAGE=localhost/privrun-hello-build
IMAGE=localhost/privrun-hello
CTR=privrun-hello

# Every podman command that makes a cgroup puts it under $RT_CGROUP; no
# image is ever pulled from a registry.  A build's RUN steps run in the
# cgroup given (not under it), so builds and containers have one each: runc
# cannot set up a devices cgroup that has children.
pm_build() {
	podman build --quiet --pull=never --network=host \
		--cgroup-parent="/$RT_CGROUP/build" --build-arg BASE="$BASE_IMAGE" \
		-f examples/Dockerfile "$@" .
}

pm_run() {
	podman run --pull=never --network=none --cgroup-parent="/$RT_CGROUP/run" "$@"
}

setup_file() {
	local tar
	tar=$(debian_root bookworm)
	podman import --quiet "$tar" "$BASE_IMAGE" >/dev/null
}

# ctr_pid: the container's PID 1, as the host sees it.
ctr_pid() {
	podman inspect --format '{{.State.Pid}}' "$CTR"
}

@test "examples/Dockerfile builds FROM a local Debian 12 root, and .dockerignore keeps everything but the sources out of it" {
	# A host build exists ($BUILD/privrun, and the cached roots in
	# $BUILD/runtimes) for the COPY to leave out.
	[ -x "$BUILD/privrun" ] && [ -d "$BUILD/runtimes" ]
	run pm_build --target build -t "$BUILD_IMAGE"
	assert_success
	# What "COPY . /src" brought: the Makefile, the sources (the top
	# level's and the Makefile's SRCDIRS), tools/ for the musl build and
	# the two files the image installs from examples/; make built in /build.
	srcdirs=$(sed -n 's/^SRCDIRS *= *//p' Makefile)
	expected=$(printf '%s\n' Makefile examples tools ./*.[ch] $srcdirs |
		sed 's|^\./||' | sort)
	run pm_run --rm "$BUILD_IMAGE" ls -A /src
	assert_success
	assert_equal "$(sort <<<"$output")" "$expected"
	run pm_run --rm "$BUILD_IMAGE" ls -A /src/examples
	assert_equal "$(sort <<<"$output")" $'docker-entrypoint.sh\nhello-server'
	run pm_run --rm "$BUILD_IMAGE" test -e /src/build/runtimes
	assert_failure 1
	# The whole file, the final stage from the cached build stage.
	run pm_build -t "$IMAGE"
	assert_success
}

@test "the image's privrun is one static file: no interpreter, no library, the musl build" {
	ctr=$(podman create "$IMAGE")
	podman cp "$ctr:/usr/local/bin/privrun" "$BATS_TEST_TMPDIR/privrun"
	podman rm "$ctr" >/dev/null
	run readelf -lW "$BATS_TEST_TMPDIR/privrun"
	assert_success
	refute_output --partial 'INTERP'
	run readelf -dW "$BATS_TEST_TMPDIR/privrun"
	refute_output --partial 'NEEDED'
	run "$BATS_TEST_TMPDIR/privrun" --version
	assert_output --partial 'musl'
}

@test "podman runs the image: port 80 answers as app inside the container's network namespace, and PID 1 and the server hold no privilege" {
	run pm_run -d --name "$CTR" "$IMAGE" 3>&-
	assert_success
	pid=$(ctr_pid)
	[ "$pid" -gt 0 ]
	uid=$(podman exec "$CTR" id -u app)
	gid=$(podman exec "$CTR" id -g app)
	retry 10 nsenter -t "$pid" -n curl -sf http://127.0.0.1/
	run nsenter -t "$pid" -n curl -sf http://127.0.0.1/
	assert_success
	assert_output "hello from uid $uid (app)"
	# PID 1 of the container: the server, or privrun --init in front of it.
	run --separate-stderr podman exec "$CTR" cat /proc/1/status
	assert_success
	run status_fields <<<"$output"
	assert_line --regexp $'^Name:\t(hello-server|privrun)$'
	assert_dropped "$uid" "$gid"
	# The process that holds port 80, seen from the host.
	run nsenter -t "$pid" -n ss -Htlnp 'sport = :80'
	assert_output --regexp 'users:\(\("hello-server",pid=[0-9]+,fd=3\)\)'
	server=$(sed -n 's/.*"hello-server",pid=\([0-9]*\),.*/\1/p' <<<"$output")
	run status_fields <"/proc/$server/status"
	assert_line $'Name:\thello-server'
	assert_dropped "$uid" "$gid"
	# And as podman top reports every process of the container.
	run podman top "$CTR" user capeff
	assert_success
	assert_line --index 0 --regexp '^USER +EFFECTIVE CAPS$'
	processes=$(sed 1d <<<"$output")
	[ -n "$processes" ]
	run grep -vE '^app +none$' <<<"$processes"
	assert_output ""
}

# privrun --init will forward SIGTERM to the server and exit 128 + 15; until
# then the server, as PID 1, exits 143 itself (examples/hello-server).
@test "podman stop ends the container within 1 s, with status 143" {
	before=$EPOCHREALTIME
	# After 1 s podman would send SIGKILL, and the status would be 137.
	run podman stop --time 1 "$CTR"
	after=$EPOCHREALTIME
	assert_success
	echo "# podman stop took $(awk "BEGIN { print $after - $before }") s" >&3
	run podman inspect --format '{{.State.Status}} {{.State.ExitCode}}' "$CTR"
	assert_output "exited 143"
}

@test "podman removes the containers, images and storage, and leaves no cgroup or mount" {
	run podman rm --all --force
	assert_success
	run podman rmi --all --force
	assert_success
	run podman ps --all --quiet
	assert_output ""
	run podman images --quiet
	assert_output ""
	run podman system reset --force
	assert_success
	run mounts_under "$RT_SCRATCH"
	assert_output ""
	# rmdir fails on a cgroup that still has a process (conmon, say).
	run remove_cgroups
	assert_success
	run cgroups_left
	assert_output ""
	run ls -d /sys/fs/cgroup/*/"$RT_CGROUP"
	assert_failure
}
