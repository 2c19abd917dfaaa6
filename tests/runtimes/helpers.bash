# SPDX-License-Identifier: ISC
# Shared by tests/runtimes/*.bats, which run under tests/runtimes/run: it
# exports BUILD (the build directory), RT_CACHE (where the Debian roots are
# kept), RT_SCRATCH (a scratch directory removed at the end), RT_CGROUP (the
# cgroup every runtime's cgroups go under) and podman's private
# CONTAINERS_CONF and CONTAINERS_STORAGE_CONF.

bats_require_minimum_version 1.5.0

load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'

if [ -z "${RT_SCRATCH:-}" ]; then
	echo "run these through tests/runtimes/run (make check-runtimes)" >&2
	exit 1
fi

# The host's apt sources for Debian 12, each file an mmdebstrap MIRROR
# argument (its contents become the root's sources): the root comes from
# the mirrors the host's own packages come from.
debian_sources() {
	grep -lE '^[^#]*\<bookworm\>' /etc/apt/sources.list \
		/etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources \
		2>/dev/null || true
}

# debian_root NAME [PACKAGE...]: the path of a tarball of a minimal Debian
# 12 root with PACKAGEs, made once by mmdebstrap and kept in $RT_CACHE.
# Like Debian's container images (debian:12-slim), dpkg in it skips fsync
# and documentation, and apt keeps no lists or archives.
debian_root() {
	local name=$1 tar=$RT_CACHE/$1.tar includes sources
	shift
	includes=$(
		IFS=,
		echo "$*"
	)
	if [ ! -f "$tar" ]; then
		mapfile -t sources < <(debian_sources)
		mmdebstrap --variant=minbase --format=tar ${includes:+--include="$includes"} \
			--dpkgopt=force-unsafe-io \
			--dpkgopt='path-exclude=/usr/share/doc/*' \
			--dpkgopt='path-include=/usr/share/doc/*/copyright' \
			--dpkgopt='path-exclude=/usr/share/man/*' \
			--dpkgopt='path-exclude=/usr/share/locale/*' \
			bookworm "$tar.tmp" "${sources[@]}" \
			>"$RT_CACHE/$name.log" 2>&1 || {
			tail -n 20 "$RT_CACHE/$name.log" >&2
			rm -f "$tar.tmp"
			return 1
		}
		mv "$tar.tmp" "$tar"
	fi
	echo "$tar"
}

# status_fields: the lines of a /proc/PID/status on stdin that say who
# the process is and what it may do, for assert_dropped.
status_fields() {
	grep -E '^(Name|Uid|Gid|Groups|Cap(Inh|Prm|Eff|Bnd|Amb)|NoNewPrivs):'
}

# assert_dropped UID GID: $output, a status_fields listing, is a process
# with these ids in all four slots, no supplementary group, no capability
# in any set and no_new_privs set.
assert_dropped() {
	local set
	assert_line $'Uid:\t'"$1"$'\t'"$1"$'\t'"$1"$'\t'"$1"
	assert_line $'Gid:\t'"$2"$'\t'"$2"$'\t'"$2"$'\t'"$2"
	assert_line --regexp $'^Groups:[\t ]*$'
	for set in CapInh CapPrm CapEff CapBnd CapAmb; do
		assert_line "$set:"$'\t0000000000000000'
	done
	assert_line $'NoNewPrivs:\t1'
}

# retry SECONDS CMD...: run CMD every 0.1 s until it succeeds, at most for
# SECONDS; then once more, for its output and status.
retry() {
	local deadline=$((SECONDS + $1))
	shift
	while [ "$SECONDS" -lt "$deadline" ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	"$@"
}

# cgroups_left: the cgroups under $RT_CGROUP in any hierarchy, one a line.
cgroups_left() {
	find /sys/fs/cgroup/*/"$RT_CGROUP" -mindepth 1 -type d 2>/dev/null || true
}

# remove_cgroups: remove $RT_CGROUP and everything under it, in every
# hierarchy; it fails if a process is still in one of them.
remove_cgroups() {
	local d
	for d in /sys/fs/cgroup/*/"$RT_CGROUP"; do
		[ -d "$d" ] || continue
		find "$d" -depth -type d -exec rmdir {} + || return 1
	done
}

# mounts_under DIR: the mount points at or below DIR in this mount namespace.
mounts_under() {
	awk -v d="$1" '$5 == d || index($5, d "/") == 1 { print $5 }' \
		/proc/self/mountinfo
}
