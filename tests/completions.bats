#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# The shell completions in completions/, loaded and driven in the real
# shells: bash through bash-completion with COMP_WORDS/COMP_CWORD
# (tests/bashcomplete.bash), zsh through compinit on a pseudo-terminal
# (tests/zshcomplete.zsh), fish through "complete -C".  Users and groups
# come from the suite's private /etc/passwd and /etc/group.

load helpers

SHELLS="bash zsh fish"

setup() {
	# fish and zsh keep state under HOME and XDG directories: give them
	# scratch ones, so that the tests change nothing on the host.
	export HOME=$BATS_TEST_TMPDIR/home
	export XDG_CONFIG_HOME=$HOME/.config XDG_DATA_HOME=$HOME/.local/share
	export XDG_CACHE_HOME=$HOME/.cache
	mkdir -p "$HOME"
	# fish loads a command's completion only if the command is in PATH.
	export PATH=$PRIVRUN_TEST_ROOT/bin:$PATH
}

# raw_complete SHELL LINE: what SHELL offers for <Tab> at the end of LINE.
raw_complete() {
	case $1 in
	bash) bash tests/bashcomplete.bash completions/privrun.bash "$2" |
		grep -vx nospace ;;
	zsh) zsh -f tests/zshcomplete.zsh completions "$2" ;;
	fish) fish -c 'set -p fish_complete_path $argv[1]
		complete -C"$argv[2]"' "$PWD/completions" "$2" | cut -f1 ;;
	esac
}

# complete_in SHELL LINE: the candidates in one form for all three shells.
# bash offers only the text after the last ":" or "=" (what readline
# replaces), fish the whole word, zsh the part after the prefix the
# completion set aside; so keep what follows the last "=", ":", "," or
# "/" that is not at the end, and drop a trailing "/" or "=" (zsh adds
# those as a suffix after the match, the others as part of it).
complete_in() {
	raw_complete "$@" | sed -E 's/^.*[=:,/](.)/\1/; s/[/=]$//' |
		sort -u
}

# expect LINE EXPECTED: every shell offers exactly EXPECTED (sorted lines).
expect() {
	local sh
	for sh in $SHELLS; do
		run complete_in "$sh" "$1"
		assert_success
		assert_equal "$sh: $output" "$sh: $2"
	done
}

# help_long_options: the long options privrun --help lists, one per line.
help_long_options() {
	"$PRIVRUN" --help | grep -oE -- '--[a-z][a-z-]*' | sort -u
}

@test "bash: the completion registers itself for privrun" {
	run bash -c 'source /usr/share/bash-completion/bash_completion
		source completions/privrun.bash && complete -p privrun'
	assert_success
	assert_output "complete -F _privrun privrun"
}

@test "bash: the test driver splits lines into COMP_WORDS as an interactive bash does" {
	inputs=("privrun --" "privrun -u prtest-a:prtest-s" "privrun --user=prtest-"
		"privrun --keep-caps=net_raw,sys_ch" "privrun --bind=dns=ud"
		"privrun -b ctl=unix:/tmp/so" "privrun --rlimit " "privrun -b "
		"privrun -nu nobody -- ls --colo")
	run python3 tests/bashwords.py "${inputs[@]}"
	assert_success
	real=$output
	assert_equal "${#lines[@]}" "${#inputs[@]}"
	run bash -c 'for l; do bash tests/bashcomplete.bash --words "$l"; done' - "${inputs[@]}"
	assert_success
	assert_equal "$output" "$real"
}

@test "zsh: compinit finds _privrun in fpath and registers it for privrun" {
	run zsh -f -c 'fpath=(completions $fpath)
		autoload -U compinit && compinit -u -d "$1/zcompdump"
		print -r -- $_comps[privrun]; whence -w _privrun' - "$BATS_TEST_TMPDIR"
	assert_success
	assert_output "_privrun
_privrun: function"
}

@test "fish: the completion parses and is loaded for privrun" {
	run fish --no-execute completions/privrun.fish
	assert_success
	# complete -C loads it from fish_complete_path; complete -c lists it.
	run fish -c 'set -p fish_complete_path $argv[1]
		complete -C"privrun --" >/dev/null; complete -c privrun' \
		"$PWD/completions"
	assert_success
	assert_line --regexp "^complete --exclusive privrun -l keep-caps .*-a '\\(__privrun_caps\\)'"
}

@test "every long option of privrun --help is in the man page and each completion file" {
	run help_long_options
	assert_success
	[ "${#lines[@]}" -gt 20 ]
	missing=()
	for opt in "${lines[@]}"; do
		name=${opt#--}
		grep -qE -- "Fl \\\\-$name([^a-z-]|\$)" man/privrun.1 ||
			missing+=("man:$opt")
		grep -qE -- "(^|[^a-z-])--$name([^a-z-]|\$)" completions/privrun.bash ||
			missing+=("bash:$opt")
		grep -qE -- "(^|[^a-z-])--$name([^a-z-]|\$)" completions/_privrun ||
			missing+=("zsh:$opt")
		grep -qE -- "-l $name([^a-z-]|\$)" completions/privrun.fish ||
			missing+=("fish:$opt")
	done
	assert_equal "${missing[*]}" ""
}

@test "each shell completes exactly the long options privrun --help lists" {
	expect "privrun --" "$(help_long_options)"
}

@test "capability names after --keep-caps, alone and in a comma list" {
	expect "privrun --keep-caps net_" "net_admin
net_bind_service
net_broadcast
net_raw"
	expect "privrun --keep-caps net_raw,sys_ch" "sys_chroot"
	expect "privrun --keep-caps=net_raw,sys_ch" "sys_chroot"
}

@test "every capability name a completion offers is one privrun accepts" {
	for sh in $SHELLS; do
		run complete_in "$sh" "privrun --keep-caps "
		assert_success
		# capabilities(7) lists 41 on Linux 5.9 and later.
		assert_equal "$sh: ${#lines[@]}" "$sh: 41"
		caps=$(IFS=,; echo "${lines[*]}")
		run --separate-stderr "$PRIVRUN" -n -u nobody --keep-caps "$caps" -- /bin/true 3>&-
		assert_success
		assert_line --partial cap_checkpoint_restore
	done
}

@test "user names after -u and --user, group names after USER:" {
	expect "privrun -u prtest-" "prtest-a
prtest-b"
	expect "privrun --user=prtest-" "prtest-a
prtest-b"
	expect "privrun -u prtest-a:prtest-s" "prtest-shared"
	expect "privrun --user prtest-b:prtest-e" "prtest-extra"
}

@test "group names after -g and in the comma list of -G" {
	expect "privrun -g prtest-s" "prtest-shared"
	expect "privrun --group=prtest-e" "prtest-extra"
	expect "privrun -G prtest-a,prtest-s" "prtest-shared"
}

@test "protocols after -b and --bind, with and without a NAME=" {
	expect "privrun -b " "tcp4:
tcp6:
tcp:
udp4:
udp6:
udp:
unix-dgram:
unix:"
	expect "privrun -b http=tc" "tcp4:
tcp6:
tcp:"
	expect "privrun --bind=dns=ud" "udp4:
udp6:
udp:"
}

@test "the monitor's allow list: protocols after --allow-bind, files after --allow-open" {
	d=$BATS_TEST_TMPDIR/t
	mkdir -p "$d"
	: >"$d/site.key"
	expect "privrun --monitor --allow-bind tc" "tcp4:
tcp6:
tcp:"
	expect "privrun --allow-open=$d/si" "site.key"
}

@test "files after -o and unix:, directories after --chdir and --chroot" {
	d=$BATS_TEST_TMPDIR/t
	mkdir -p "$d/subdir"
	: >"$d/site.key"
	: >"$d/sock-file"
	expect "privrun -o key=$d/si" "site.key"
	expect "privrun --open $d/si" "site.key"
	expect "privrun -b ctl=unix:$d/so" "sock-file"
	expect "privrun --chdir $d/" "subdir"
	expect "privrun --chroot=$d/s" "subdir"
}

@test "rlimit names after --rlimit, each one privrun accepts" {
	expect "privrun --rlimit n" "nice
nofile
nproc"
	for sh in $SHELLS; do
		run complete_in "$sh" "privrun --rlimit "
		assert_success
		assert_equal "$sh: ${#lines[@]}" "$sh: 16"
		args=()
		for r in "${lines[@]}"; do
			args+=(--rlimit "$r=0")
		done
		run --separate-stderr "$PRIVRUN" -n -u nobody "${args[@]}" -- /bin/true 3>&-
		assert_success
	done
}

@test "the program after --, or at the first operand, then its own completion" {
	expect "privrun -u nobody -- setpri" "setpriv"
	expect "privrun -u nobody setpri" "setpriv"
	expect "privrun -nu nobody -- ls --colo" "--color"
	d=$BATS_TEST_TMPDIR/t
	mkdir -p "$d"
	: >"$d/only-file"
	expect "privrun -u nobody -- cat $d/on" "only-file"
	# After the program, privrun's own options are the program's words.
	for sh in $SHELLS; do
		run complete_in "$sh" "privrun -u nobody cat --keep-ca"
		refute_output --partial "--keep-caps"
	done
}

@test "privrun(1) FILES names each completion where make install PREFIX=/usr puts it" {
	dest=$BATS_TEST_TMPDIR/dest
	run make -s install DESTDIR="$dest" PREFIX=/usr
	assert_success
	run bash -c 'cd "$1" && find usr/share/bash-completion usr/share/zsh usr/share/fish -type f | sort' - "$dest"
	assert_success
	assert_equal "${#lines[@]}" 3
	for f in "${lines[@]}"; do
		grep -qx "\\.It Pa /$f" man/privrun.1
	done
}

@test "after --check-policy, a policy file name, not a program" {
	d=$BATS_TEST_TMPDIR/t
	mkdir -p "$d"
	: >"$d/policy.conf"
	expect "privrun --check-policy $d/pol" "policy.conf"
}
