# SPDX-License-Identifier: ISC
# fish completion for privrun(1); installed in fish's vendor_completions.d,
# it is loaded on the first <Tab> after "privrun".  It completes privrun's
# options and their values (users, groups, capability names from
# capabilities(7), --bind protocols, rlimit names, files), then the program
# and its own completion.  It only reads the command line.

# The options that take a value in the next word, as privrun's getopt
# reads them; every other word starting with "-" is a flag.
set -g __privrun_value_opts -u --user -g --group -G --groups --env \
    -b --bind -o --open --keep-caps --allow-bind --allow-open --chroot \
    --chdir --umask --rlimit

# Print the program and its arguments typed so far (one per line, the
# word under the cursor last), or nothing and fail while the cursor is
# still among privrun's options, its values, or on the program's name.
# Options end at "--" or at the first operand, as privrun's "+" getopt.
function __privrun_program_args
    set -l tokens (commandline -opc)
    set -l i 2
    while test $i -le (count $tokens)
        set -l tok $tokens[$i]
        if test "$tok" = --check-policy
            return 1
        else if test "$tok" = --
            set -e tokens[1..$i]
            printf '%s\n' $tokens (commandline -ct)
            return 0
        else if contains -- $tok $__privrun_value_opts
            or string match -qr -- '^-[vnhV]*[ugGbo]$' $tok
            set i (math $i + 2)
        else if string match -q -- '-*' $tok
            set i (math $i + 1)
        else
            set -e tokens[1..(math $i - 1)]
            printf '%s\n' $tokens (commandline -ct)
            return 0
        end
    end
    return 1
end

function __privrun_in_options
    not __privrun_program_args >/dev/null
end

function __privrun_complete_program
    set -l args (__privrun_program_args)
    if set -q args[2]
        __fish_complete_subcommand --commandline $args
    else
        __fish_complete_command
    end
end

# Complete the last item of a comma list in the current token.
function __privrun_list
    set -l tok (commandline -ct | string replace -r -- '^--[a-z-]+=' '')
    set -l head (string match -r -- '^.*,' $tok)
    for item in $argv
        printf '%s%s\n' "$head" $item
    end
end

function __privrun_caps
    __privrun_list chown dac_override dac_read_search fowner fsetid kill \
        setgid setuid setpcap linux_immutable net_bind_service \
        net_broadcast net_admin net_raw ipc_lock ipc_owner sys_module \
        sys_rawio sys_chroot sys_ptrace sys_pacct sys_admin sys_boot \
        sys_nice sys_resource sys_time sys_tty_config mknod lease \
        audit_write audit_control setfcap mac_override mac_admin syslog \
        wake_alarm block_suspend audit_read perfmon bpf checkpoint_restore
end

function __privrun_groups_list
    __privrun_list (__fish_complete_groups | string replace -r '\t.*' '')
end

# USER, or USER:GROUP once a colon is typed.
function __privrun_user
    set -l tok (commandline -ct | string replace -r -- '^--user=' '')
    if string match -q -- '*:*' $tok
        set -l user (string split -m1 : -- $tok)[1]
        __fish_complete_groups | string replace -r '^' "$user:"
    else
        __fish_complete_users
    end
end

# [NAME=]PROTOCOL:..., and file names after unix: and unix-dgram:.
function __privrun_bind
    set -l tok (commandline -ct | string replace -r -- '^--[a-z-]+=' '')
    set -l name (string match -r -- '^[^=:]*=' $tok)
    set -l spec (string replace -- "$name" '' $tok)
    if string match -qr -- '^unix(-dgram)?:' $spec
        set -l proto (string match -r -- '^[^:]*:' $spec)
        set -l path (string replace -- $proto '' $spec)
        __fish_complete_path $path | string replace -r '^' "$name$proto"
    else
        for p in tcp: tcp4: tcp6: udp: udp4: udp6: unix: unix-dgram:
            echo "$name$p"
        end
    end
end

function __privrun_open
    set -l tok (commandline -ct | string replace -r -- '^--[a-z-]+=' '')
    set -l name (string match -r -- '^[^=/]*=' $tok)
    __fish_complete_path (string replace -- "$name" '' $tok) |
        string replace -r '^' "$name"
end

function __privrun_rlimits
    for r in as core cpu data fsize locks memlock msgqueue nice nofile \
            nproc rss rtprio rttime sigpending stack
        echo $r=
    end
end

complete -c privrun -n __privrun_in_options -s u -l user -x \
    -a '(__privrun_user)' -d 'run as USER[:GROUP]'
complete -c privrun -n __privrun_in_options -s g -l group -x \
    -a '(__fish_complete_groups)' -d 'primary group'
complete -c privrun -n __privrun_in_options -s G -l groups -x \
    -a '(__privrun_groups_list)' -d 'supplementary groups, comma separated'
complete -c privrun -n __privrun_in_options -l keep-env \
    -d 'leave HOME, USER, LOGNAME and SHELL as they are'
complete -c privrun -n __privrun_in_options -l clear-env \
    -d 'start the program with an empty environment'
complete -c privrun -n __privrun_in_options -l env -x \
    -a '(set -xn | string replace -r \'$\' =)' -d 'add NAME=VALUE'
complete -c privrun -n __privrun_in_options -s b -l bind -x \
    -a '(__privrun_bind)' -d 'listen on [NAME=]SPEC, passed as an fd'
complete -c privrun -n __privrun_in_options -s o -l open -x \
    -a '(__privrun_open)' -d 'open [NAME=]PATH, passed as an fd'
complete -c privrun -n __privrun_in_options -l pass-listen-fds \
    -d 'pass on socket-activation fds'
complete -c privrun -n __privrun_in_options -l revoke \
    -d 'drop every privilege for good (default)'
complete -c privrun -n __privrun_in_options -l keep-caps -x \
    -a '(__privrun_caps)' -d 'keep these capabilities'
complete -c privrun -n __privrun_in_options -l monitor \
    -d 'keep a monitor that opens what the allow list permits'
complete -c privrun -n __privrun_in_options -l intercept \
    -d 'monitor that also serves the program\'s own bind and open'
complete -c privrun -n __privrun_in_options -l allow-bind -x \
    -a '(__privrun_bind)' -d 'the monitor may bind SPEC'
complete -c privrun -n __privrun_in_options -l allow-open -x \
    -a '(__privrun_open)' -d 'the monitor may open PATH'
complete -c privrun -n __privrun_in_options -l allow-new-privs \
    -d 'do not set no_new_privs'
complete -c privrun -n __privrun_in_options -l new-session \
    -d 'detach from the terminal with setsid()'
complete -c privrun -n __privrun_in_options -l no-tty-guard \
    -d 'do not block TIOCSTI/TIOCLINUX'
complete -c privrun -n __privrun_in_options -l pty \
    -d 'run the program on a new pseudo-terminal'
complete -c privrun -n __privrun_in_options -l no-pty \
    -d 'run the program on the caller\'s terminal'
complete -c privrun -n __privrun_in_options -l init \
    -d 'stay as the program\'s parent: forward signals, reap orphans'
complete -c privrun -n __privrun_in_options -l chroot -x \
    -a '(__fish_complete_directories)' -d 'change the root directory'
complete -c privrun -n __privrun_in_options -l chdir -x \
    -a '(__fish_complete_directories)' -d 'change directory'
complete -c privrun -n __privrun_in_options -l umask -x -d 'umask (octal)'
complete -c privrun -n __privrun_in_options -l rlimit -x \
    -a '(__privrun_rlimits)' -d 'set a resource limit NAME=SOFT[:HARD]'
complete -c privrun -n __privrun_in_options -l json -d 'output as JSON'
complete -c privrun -n __privrun_in_options -s v -l verbose \
    -d 'trace each privilege transition'
complete -c privrun -n __privrun_in_options -s n -l dry-run \
    -d 'print the plan; open and change nothing'
complete -c privrun -n __privrun_in_options -l dump \
    -d 'do everything, then print the resulting state'
# --check-policy runs nothing: its optional operand is a policy file.
complete -c privrun -n __privrun_in_options -l check-policy \
    -d 'check the policy file (or FILE) and print its rules'
complete -c privrun -n '__fish_seen_argument -l check-policy' -F
complete -c privrun -n __privrun_in_options -s h -l help -d 'print the help'
complete -c privrun -n __privrun_in_options -s V -l version \
    -d 'print the version'
# The program: a command name at the first operand, then its own
# completion for its arguments.
complete -c privrun -n __privrun_in_options -f -a '(__fish_complete_command)'
complete -c privrun -n 'not __privrun_in_options' -x \
    -a '(__privrun_complete_program)'
