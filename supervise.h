/* SPDX-License-Identifier: ISC */
/*
 * supervise.h: the parent that stays, for --pty and --init, and the signal
 * and exit-status handling it shares with the monitor of --monitor.
 */
#ifndef PRIVRUN_SUPERVISE_H
#define PRIVRUN_SUPERVISE_H

#include <signal.h>
#include <stdbool.h>
#include <sys/signalfd.h>
#include <sys/types.h>

/*
 * Fork.  The child returns the parent's pid: with pty, in a new session
 * whose controlling terminal is a new pseudo-terminal, on each of fds 0-2
 * that was a terminal.  The parent drops every privilege, relays the
 * terminal (pty), forwards signals, reaps every child (init: as the
 * child subreaper too) and exits with the program's status; it never
 * returns.
 */
pid_t supervise_fork(bool pty, bool init);
/*
 * In the child, after its drop (which clears the parent-death signal):
 * die with the parent, and make sure it is still there (else exit 125).
 */
void supervise_attach(const char *step, pid_t parent);

/* The signals forwarded to the program, and SIGCHLD. */
void supervise_signal_set(sigset_t *set);
/* Block them (old: the mask before) before a fork; SIGCHLD as default. */
void supervise_block(sigset_t *set, sigset_t *old);
/* Forward one to child, unless the terminal sent it to child already. */
void supervise_forward(pid_t child, const struct signalfd_siginfo *si);
/*
 * Reap every child there is (orphans too, as PID 1 or subreaper); the
 * wait status of child when it ended (or stopped, with WUNTRACED in
 * flags), else -1.
 */
int supervise_reap(pid_t child, int flags);
/* Exit with the program's status: its code, or 128+N for signal N. */
__attribute__((noreturn)) void supervise_exit(int wstatus);

#endif
