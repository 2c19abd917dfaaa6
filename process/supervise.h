/* SPDX-License-Identifier: ISC */
/*
 * supervise.h: the parent that stays, for --pty and --init, and the signal
 * and exit-status handling it shares with the monitor of --monitor.
 */
#ifndef PRIVRUN_SUPERVISE_H
#define PRIVRUN_SUPERVISE_H

#include <signal.h>
#include <stdbool.h>
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
/* Close every fd but 0-2, fd, which moves to 3 (its new number, or -1
 * for none), and *also if not NULL, which moves to the next (4, or 3). */
int supervise_keep(int fd, int *also);
/*
 * In the child, after its drop (which clears the parent-death signal):
 * die with the parent, and make sure it is still there (else exit 125).
 */
void supervise_attach(const char *step, pid_t parent);

/*
 * Before a fork: block the signals forwarded to the program (TERM, INT,
 * HUP, QUIT, USR1, USR2, WINCH, CONT) and SIGCHLD, set (old: the mask
 * before).
 */
void supervise_block(sigset_t *set, sigset_t *old);
/*
 * Read the signals from sigfd (from supervise_block()'s set): forward
 * each to child, unless the terminal sent it to child already; reap every
 * child (orphans too, as PID 1 or subreaper), and exit with the status of
 * child once it ended: its code, or 128+N for signal N.
 */
void supervise_signals(int sigfd, pid_t child);

#endif
