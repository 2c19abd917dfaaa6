# SPDX-License-Identifier: ISC
# bash completion for privrun(1), for the bash-completion package: installed
# as $(PREFIX)/share/bash-completion/completions/privrun, it is loaded on the
# first <Tab> after "privrun".  It completes privrun's options and their
# values (users, groups, capability names from capabilities(7), --bind
# protocols, rlimit names, files; the policy file after --check-policy),
# then, from the first operand or after "--", hands over to the completion of the program being run.  It only
# reads the line: nothing here runs privrun or changes anything.

# Capability names as privrun --keep-caps takes them (capabilities(7),
# without the "cap_" prefix, which privrun also accepts).
_privrun_caps="chown dac_override dac_read_search fowner fsetid kill setgid
setuid setpcap linux_immutable net_bind_service net_broadcast net_admin
net_raw ipc_lock ipc_owner sys_module sys_rawio sys_chroot sys_ptrace
sys_pacct sys_admin sys_boot sys_nice sys_resource sys_time sys_tty_config
mknod lease audit_write audit_control setfcap mac_override mac_admin syslog
wake_alarm block_suspend audit_read perfmon bpf checkpoint_restore"

# Resource names for --rlimit, as prlimit(1) spells them.
_privrun_rlimits="as core cpu data fsize locks memlock msgqueue nice nofile
nproc rss rtprio rttime sigpending stack"

_privrun_protocols="tcp: tcp4: tcp6: udp: udp4: udp6: unix: unix-dgram:"

_privrun_long_opts="--user= --group= --groups= --keep-env --clear-env --env=
--bind= --open= --pass-listen-fds --revoke --keep-caps= --monitor --intercept
--allow-bind= --allow-open= --allow-new-privs --new-session --no-tty-guard
--pty --no-pty --init --chroot= --chdir= --umask= --rlimit= --json
--verbose --dry-run --dump --check-policy --help --version"

# _privrun_list CANDIDATES: complete the last item of a comma-separated
# list in $cur; the items already typed stay as the prefix.
_privrun_list()
{
	local prefix= last=$cur
	if [[ $cur == *,* ]]; then
		prefix=${cur%,*},
		last=${cur##*,}
	fi
	COMPREPLY=($(compgen -P "$prefix" -W "$1" -- "$last"))
	[[ ${#COMPREPLY[@]} -eq 1 ]] && compopt -o nospace
}

# _privrun_value OPTION: complete the value of OPTION in $cur, as whole
# values; _privrun_trim_breaks then cuts them to what readline replaces.
_privrun_value()
{
	local name=
	case $1 in
	-u | --user)
		if [[ $cur == *:* ]]; then
			COMPREPLY=($(compgen -P "${cur%%:*}:" -g -- "${cur#*:}"))
		else
			COMPREPLY=($(compgen -u -- "$cur"))
		fi
		;;
	-g | --group) COMPREPLY=($(compgen -g -- "$cur")) ;;
	-G | --groups) _privrun_list "$(compgen -g)" ;;
	--keep-caps) _privrun_list "$_privrun_caps" ;;
	-b | --bind | --allow-bind)
		[[ $cur == *=* ]] && name=${cur%%=*}=
		case ${cur#"$name"} in
		unix:* | unix-dgram:*)
			local spec=${cur#"$name"}
			COMPREPLY=($(compgen -P "$name${spec%%:*}:" -f -- "${spec#*:}"))
			compopt -o filenames
			;;
		*)
			COMPREPLY=($(compgen -P "$name" -W "$_privrun_protocols" \
			    -- "${cur#"$name"}"))
			compopt -o nospace
			;;
		esac
		;;
	-o | --open | --allow-open)
		[[ $cur == *=* ]] && name=${cur%%=*}=
		COMPREPLY=($(compgen -P "$name" -f -- "${cur#"$name"}"))
		compopt -o filenames
		;;
	--chroot | --chdir)
		COMPREPLY=($(compgen -d -- "$cur"))
		compopt -o filenames
		;;
	--rlimit)
		if [[ $cur != *=* ]]; then
			COMPREPLY=($(compgen -S = -W "$_privrun_rlimits" -- "$cur"))
			compopt -o nospace
		fi
		;;
	--env)
		if [[ $cur != *=* ]]; then
			COMPREPLY=($(compgen -S = -e -- "$cur"))
			compopt -o nospace
		fi
		;;
	esac
}

# _privrun_trim_breaks: readline replaces only the text after the last
# character of COMP_WORDBREAKS in the word (":" and "=" by default), so
# cut that much off the front of each whole value.
_privrun_trim_breaks()
{
	local keep=$cur c
	for c in : =; do
		[[ $COMP_WORDBREAKS == *"$c"* ]] || continue
		[[ $keep == *"$c"* ]] && keep=${keep##*"$c"}
	done
	local head=${cur%"$keep"} i
	[[ -n $head ]] || return 0
	for i in "${!COMPREPLY[@]}"; do
		COMPREPLY[i]=${COMPREPLY[i]#"$head"}
	done
}

# _privrun_takes_value WORD: true if WORD is an option whose value is the
# next word (a long option without "=", or short options ending in one that
# takes a value, as getopt reads "-nu").
_privrun_takes_value()
{
	case $1 in
	--user | --group | --groups | --env | --bind | --open | --keep-caps | \
	    --allow-bind | --allow-open | --chroot | --chdir | --umask | \
	    --rlimit) return 0 ;;
	--*) return 1 ;;
	-*) [[ ${1#-} =~ ^[vnhV]*[ugGbo]$ ]] ;;
	*) return 1 ;;
	esac
}

# _privrun_program_index: print the index in words[] of the program, or
# nothing while the cursor is still among privrun's own options.
_privrun_program_index()
{
	local i
	for ((i = 1; i < cword; i++)); do
		case ${words[i]} in
		--) echo $((i + 1)); return ;;
		-?*) _privrun_takes_value "${words[i]}" && ((i++)) ;;
		*) echo $i; return ;;
		esac
	done
}

# _privrun_raw_index N: words[] joins what bash split at ":" and "=";
# COMP_WORDS, which _command_offset shifts, does not.  Map index N of
# words[] to COMP_WORDS by joining COMP_WORDS the same way.
_privrun_raw_index()
{
	local k r=0 joined
	for ((k = 0; k < $1; k++)); do
		joined=${COMP_WORDS[r++]}
		while [[ $joined != "${words[k]}" && $r -lt ${#COMP_WORDS[@]} ]]; do
			joined+=${COMP_WORDS[r++]}
		done
	done
	echo $r
}

_privrun()
{
	local cur prev words cword split
	_init_completion -s -n := || return

	# --check-policy runs nothing: its optional operand is a policy file.
	local i
	for ((i = 1; i < cword; i++)); do
		if [[ ${words[i]} == --check-policy ]]; then
			_filedir
			return
		fi
	done

	local prog
	prog=$(_privrun_program_index)
	if [[ -n $prog ]]; then
		_command_offset "$(_privrun_raw_index "$prog")"
		return
	fi
	if [[ $split == true ]] || _privrun_takes_value "$prev"; then
		[[ $prev == --* ]] || prev=-${prev: -1}
		_privrun_value "$prev"
		_privrun_trim_breaks
		return
	fi
	case $cur in
	--*)
		COMPREPLY=($(compgen -W "$_privrun_long_opts" -- "$cur"))
		[[ ${COMPREPLY-} == *= ]] && compopt -o nospace
		;;
	-*) COMPREPLY=($(compgen -W "-u -g -G -b -o -n -v -h -V --" -- "$cur")) ;;
	*)
		compopt -o filenames
		COMPREPLY=($(compgen -d -c -- "$cur"))
		;;
	esac
}
complete -F _privrun privrun
