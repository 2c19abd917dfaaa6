#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# The build: a hardened binary, and an install (binary, man page,
# completions) that sets no privilege bits and that uninstall undoes.

load helpers

@test "the binary is PIE with full RELRO, stack protector and fortified calls" {
	run readelf -hdlW "$PRIVRUN"
	assert_output --regexp 'Type: +DYN \(Position-Independent Executable file\)'
	assert_output --regexp 'FLAGS_1\) +Flags: NOW PIE'
	assert_output --partial 'GNU_RELRO'
	assert_output --regexp 'GNU_STACK +(0x0+ +){5}RW '
	# A static build (make STATIC=1) has no dynamic symbols: its own.
	if is_static "$PRIVRUN"; then
		run nm "$PRIVRUN"
	else
		run nm -D "$PRIVRUN"
	fi
	assert_output --partial '__stack_chk_fail'
	assert_output --regexp '__[a-z]+_chk'
}

@test "make install puts binary, man pages, completions and monitor client under DESTDIR, with no setuid bit; uninstall removes them" {
	dest=$BATS_TEST_TMPDIR/dest
	run make -s install DESTDIR="$dest" PREFIX=/usr
	assert_success
	run bash -c 'find "$1" ! -type d -printf "%P %m\n" | sort' - "$dest"
	assert_output "usr/bin/privrun 755
usr/include/privrun_client.h 644
usr/lib/libprivrun-client.a 644
usr/lib/pkgconfig/privrun-client.pc 644
usr/share/bash-completion/completions/privrun 644
usr/share/fish/vendor_completions.d/privrun.fish 644
usr/share/man/man1/privrun.1 644
usr/share/man/man5/privrun.conf.5 644
usr/share/zsh/vendor-completions/_privrun 644"
	run getcap "$dest/usr/bin/privrun"
	assert_output ""
	# What is installed is the tree's file, byte for byte.
	run cmp completions/_privrun "$dest/usr/share/zsh/vendor-completions/_privrun"
	assert_success
	run make -s uninstall DESTDIR="$dest" PREFIX=/usr
	assert_success
	run find "$dest" ! -type d
	assert_output ""
}

@test "the completion directories are variables: another zsh directory, PREFIX by default" {
	dest=$BATS_TEST_TMPDIR/dest
	run make -s install DESTDIR="$dest" ZSHCOMPDIR=/usr/share/zsh/site-functions
	assert_success
	run bash -c 'find "$1" ! -type d -printf "%P\n" | sort' - "$dest"
	assert_output "usr/local/bin/privrun
usr/local/include/privrun_client.h
usr/local/lib/libprivrun-client.a
usr/local/lib/pkgconfig/privrun-client.pc
usr/local/share/bash-completion/completions/privrun
usr/local/share/fish/vendor_completions.d/privrun.fish
usr/local/share/man/man1/privrun.1
usr/local/share/man/man5/privrun.conf.5
usr/share/zsh/site-functions/_privrun"
	run make -s uninstall DESTDIR="$dest" ZSHCOMPDIR=/usr/share/zsh/site-functions
	assert_success
	run find "$dest" ! -type d
	assert_output ""
}

@test "make install-setuid and install-caps make the two privileged variants" {
	dest=$BATS_TEST_TMPDIR/dest
	run make -s install-setuid DESTDIR="$dest/s" PREFIX=/usr
	assert_success
	run stat -c '%a %U' "$dest/s/usr/bin/privrun"
	assert_output "4755 root"
	run make -s install-caps DESTDIR="$dest/c" PREFIX=/usr
	assert_success
	run stat -c '%a %U' "$dest/c/usr/bin/privrun"
	assert_output "755 root"
	run getcap "$dest/c/usr/bin/privrun"
	assert_output --partial "cap_dac_read_search,cap_setgid,cap_setuid,cap_setpcap,cap_net_bind_service=p"
}

@test "every option --help lists is documented in the man page" {
	run "$PRIVRUN" --help
	assert_success
	missing=()
	for opt in $(grep -o -- '--[a-z][a-z-]*' <<<"$output" | sort -u); do
		grep -qF -- "Fl \\${opt#-}" man/privrun.1 || missing+=("$opt")
	done
	assert_equal "${missing[*]}" ""
}

@test "the man page is mandoc -Tlint clean" {
	run mandoc -Tlint -Wwarning man/privrun.1
	assert_success
	assert_output ""
}

# The benchmark harness (bench/, `make bench`) is not run here, it takes
# minutes and needs the peers; but it must keep working (make check builds it).
@test "the bench harness builds; rr times commands round-robin into a table of medians and ratios" {
	run --separate-stderr "$BUILD/bench/rr" -n 3 -w 1 -r echo true=/bin/true \
		"echo=/bin/echo a '' b" "exec=$BUILD/bench/execfloor /bin/true"
	assert_success
	assert_line --index 0 '| command | median us | p25-p75 us | overhead us | echo/this | CPU overhead us | echo/this (CPU) | max RSS KiB |'
	assert_line --regexp '^\| true \| [0-9]+ \| [0-9]+-[0-9]+ \| 0 \| - \| 0 \| - \| [0-9]+ \|$'
	assert_line --regexp '^\| echo \| [0-9]+ \| [0-9]+-[0-9]+ \| -?[0-9]+ \| ([0-9.]+|-) \| -?[0-9]+ \| ([0-9.]+|-) \| [0-9]+ \|$'
	assert_line --regexp '^\| exec \| [0-9]+ \| [0-9]+-[0-9]+ \| -?[0-9]+ \| ([0-9.]+|-) \| -?[0-9]+ \| ([0-9.]+|-) \| [0-9]+ \|$'
	assert_line '3 rounds, round-robin; overhead = median of (command - true) within a round'
	assert_equal "$stderr" ""
}

@test "rr stops at a command that fails rather than time it" {
	run --separate-stderr "$BUILD/bench/rr" -n 2 -w 0 true=/bin/true false=/bin/false
	assert_failure 1
	assert_equal "$stderr" "rr: false: exit status 1; stopping"
	assert_output ""
}

@test "bindloop passes N listening sockets; scm_rights round-trips an fd with and without a bind" {
	run "$BUILD/bench/bindloop" 3 47100 /usr/bin/ss -Hltn 'sport >= :47100 and sport <= :47102' 3>&-
	assert_success
	assert_equal "$(grep -c '127.0.0.1:4710[012] ' <<<"$output")" 3
	run --separate-stderr "$BUILD/bench/scm_rights" -n 200 -p 47200
	assert_success
	assert_line --regexp '^\| raw SCM_RIGHTS, pinned to one CPU \| [0-9]+ \| [0-9]+-[0-9]+ \| 1\.00 \|$'
	assert_line --regexp '^\| SCM_RIGHTS \+ bind, unpinned \| [0-9]+ \| [0-9]+-[0-9]+ \| [0-9.]+ \|$'
}

@test "execrss reads a wrapper's resident set at its exec; sockdrive connects once, waits, and returns the command's status; syscost prints its three costs" {
	run --separate-stderr "$BUILD/bench/execrss" "$BUILD/bench/execfloor" /bin/true
	assert_success
	assert_output --regexp '^[1-9][0-9]* [1-9][0-9]*$'
	run --separate-stderr "$BUILD/bench/execrss" /bin/true
	assert_failure 1
	assert_equal "$stderr" "execrss: /bin/true failed or never exec'd"
	run "$BUILD/bench/sockdrive" 27300 /bin/sh -c 'exit 7'
	assert_failure 7
	# It waits for the one connection sockdrive makes, then execs ss.
	run "$BUILD/bench/sockdrive" 27300 "$(command -v systemd-socket-activate)" \
		-l 127.0.0.1:27300 /usr/bin/ss -Htn state established 'dport = :27300' 3>&-
	assert_success
	run --separate-stderr "$BUILD/bench/syscost" -n 3
	assert_success
	assert_line --regexp '^\| PR_CAPBSET_DROP \| [0-9.]+ \| [0-9.]+-[0-9.]+ \| 3 \|$'
	assert_line --regexp '^\| page fault \(anonymous\) \| [0-9.]+ \| [0-9.]+-[0-9.]+ \| 3 \|$'
}

# bench/run's monitor case, small: monitor_rt must get from privrun's
# monitor a listening socket on each port it asks for (it checks each fd),
# label its pinning from the kernel's affinity of both processes, stop at a
# refusal, and monitor-table must divide its median by scm_rights'.
@test "monitor_rt times bind round trips through privrun --monitor; monitor-table gives the ratio to the target" {
	dir=$PRIVRUN_TEST_ROOT/bench.$BATS_TEST_NUMBER
	mkdir -p "$dir"
	install -m 0755 "$BUILD/bench/monitor_rt" "$dir/monitor_rt"
	mon=("$PRIVRUN" -u 65534:65534 -G '' --monitor
		--allow-bind tcp4:127.0.0.1:20000-29999 -- "$dir/monitor_rt")
	run --separate-stderr "${mon[@]}" -w 2 -c 5 20 3>&-
	assert_success
	if [ "$(nproc)" -gt 1 ]; then
		unpinned=unpinned
	else
		unpinned="pinned to one CPU"
	fi
	assert_output --regexp "^\| privrun --monitor bind, $unpinned \| [0-9]+ \| [0-9]+-[0-9]+ \|\$"
	assert_equal "$stderr" ""
	printf '%s\n' "$output" >"$dir/rows"
	run --separate-stderr taskset -c 0 "${mon[@]}" -w 0 -p 20100 12 3>&-
	assert_success
	assert_output --regexp '^\| privrun --monitor bind, pinned to one CPU \| [0-9]+ \| [0-9]+-[0-9]+ \|$'
	printf '%s\n' "$output" >>"$dir/rows"
	# A port outside --allow-bind: the monitor refuses, and nothing is timed.
	run --separate-stderr "${mon[@]}" -w 0 -p 30000 1 3>&-
	assert_failure 1
	assert_output ""
	assert_equal "$stderr" "monitor_rt: request: tcp4:127.0.0.1:30000: not in the monitor's allow list"
	run "$BUILD/bench/scm_rights" -n 200 -p 27300
	assert_success
	printf '%s\n' "$output" >>"$dir/rows"
	run --separate-stderr bench/monitor-table <"$dir/rows"
	assert_success
	assert_line --index 0 '| round trip | median ns (median of the runs) | range of the runs ns | runs | ratio to raw | ratio to raw + bind |'
	assert_line --regexp '^\| SCM_RIGHTS \+ bind, pinned to one CPU \| [0-9]+ \| [0-9]+-[0-9]+ \| 1 \| [0-9.]+ \| 1\.00 \|$'
	assert_line --regexp '^\| privrun --monitor bind, unpinned \| [0-9]+ \| [0-9]+-[0-9]+ \| 1 \| [0-9.]+ \| [0-9.]+ \|$'
	assert_line --regexp '^Target, pinned to one CPU: monitor / \(SCM_RIGHTS \+ bind\) = [0-9.]+, at most 1\.50: (met|missed)$'
	assert_line --regexp '^Target, unpinned: monitor / \(SCM_RIGHTS \+ bind\) = [0-9.]+, at most 1\.50: (met|missed)$'
	# Without the monitor's rows it fails rather than report a verdict.
	run --separate-stderr bench/monitor-table < <(grep -v 'privrun --monitor' "$dir/rows")
	assert_failure 1
	assert_equal "$stderr" 'monitor-table: no rows for "pinned to one CPU"
monitor-table: no rows for "unpinned"'
	refute_line --partial 'Target,'
}

# What examples/Dockerfile relies on: a static build (make MUSL=1, or
# STATIC=1) is one file that runs in an image holding nothing else
# (FROM scratch), given the /proc that container runtimes mount, and its
# users in /etc/passwd and /etc/group.  A dynamic build needs its loader.
@test "a static build runs alone in an empty root with /proc; a dynamic one finds no loader there" {
	root=$PRIVRUN_TEST_ROOT/data/scratch.$BATS_TEST_NUMBER
	mkdir -p "$root/bin" "$root/etc" "$root/proc"
	cp "$PRIVRUN" "$root/bin/privrun"
	echo 'app:x:10001:10001:app:/nonexistent:/sbin/nologin' >"$root/etc/passwd"
	echo 'app:x:10001:' >"$root/etc/group"
	# chroot: 127 when the program cannot be executed (no loader).
	rc=127
	if is_static "$PRIVRUN"; then
		rc=0
	fi
	run "-$rc" --separate-stderr unshare --mount --propagation private -- sh -c '
		mount -t proc proc "$1/proc" &&
		exec chroot "$1" /bin/privrun -u app -b http=tcp:80 --dump -- /bin/privrun
	' - "$root" 3>&-
	if [ "$rc" = 0 ]; then
		assert_line $'Uid:\t10001\t10001\t10001\t10001'
		assert_line $'CapBnd:\t0000000000000000'
		assert_line --regexp '^fd 3: socket:\[[0-9]+\] tcp6 \[::\]:80 listening$'
	fi
}
