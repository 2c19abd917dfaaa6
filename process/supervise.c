/* SPDX-License-Identifier: ISC */
/*
 * supervise.c: the parent that stays, for --pty and --init.  privrun forks
 * before it opens anything: the child goes on as in a direct run; the
 * parent keeps only fds 0-2 and the pty's master, drops every privilege
 * (privs_stay(): to the target, as tini does; with --pty, which holds the
 * caller's terminal, to the caller, out of the program's reach, and the
 * pty's session leader in between, privs.h) and runs one poll loop over a
 * signalfd and the terminals:
 *   - TERM, INT, HUP, QUIT, USR1, USR2 go to the program, and WINCH and
 *     CONT too without --pty; SIGCHLD reaps every child (orphans too, as
 *     PID 1 or as the child subreaper of --init), and the program's end
 *     ends privrun with its status, 128+N for signal N;
 *   - --pty: the program's controlling terminal is a new pseudo-terminal.
 *     Keystrokes go from the caller's terminal (raw while privrun is in
 *     its foreground) to the master, output back; the window size follows
 *     the caller's; when the program stops (Ctrl-Z reached it through the
 *     pty), privrun stops too, for the shell's job control.  When the
 *     program ends the master is closed: anything it left behind holds a
 *     hung-up terminal, never the caller's.
 * The signal set, the reaping and the exit status are the monitor's too.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "compat.h"
#include "die.h"
#include "privs.h"
#include "supervise.h"

/* And SIGCHLD; SIGCONT too: with --pty, the parent takes the terminal back. */
static const int handled[] = {
	SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH, SIGCONT,
	SIGCHLD,
};

struct relay {
	pid_t child;
	int master;		/* -1 without --pty */
	int in, out;		/* the caller's terminal on fd 0, on 1/2/0 */
	int sigfd;
	bool job;		/* stop when the child stops */
	bool hungup;		/* no slave is open any more */
	bool raw;		/* in the foreground: raw, and read */
	struct termios saved;
};

void supervise_block(sigset_t *set, sigset_t *old)
{
	size_t i;

	sigemptyset(set);
	for (i = 0; i < sizeof(handled) / sizeof(*handled); i++)
		sigaddset(set, handled[i]);
	/* SIGCHLD is not ignored: process_start() reset every signal. */
	if (sigprocmask(SIG_BLOCK, set, old) != 0)
		die_errno("signal", "block signals");
}

/*
 * A signal from the terminal (Ctrl-C, a resize, a hang-up: SI_KERNEL) went
 * to the whole foreground process group at once; when the child is still
 * in ours it has it already, and a second copy could read as "press again
 * to force".  Anything sent with kill(2) came to us alone.
 */
static void forward(pid_t child, const struct signalfd_siginfo *si)
{
	if (si->ssi_code == SI_KERNEL && getpgid(child) == getpgrp())
		return;
	if (kill(child, (int)si->ssi_signo) != 0 && errno != ESRCH)
		die_errno("signal", "forward signal %u", si->ssi_signo);
}

static int reap(pid_t child, int flags)
{
	int wstatus;
	pid_t pid;

	while ((pid = waitpid(-1, &wstatus, WNOHANG | flags)) > 0)
		if (pid == child)
			return wstatus;
	if (pid < 0 && errno != ECHILD && errno != EINTR)
		die_errno("signal", "waitpid");
	return -1;
}

static __attribute__((noreturn)) void exit_like(int wstatus)
{
	/* _exit: no stdio or atexit work (e.g. a sanitizer's) after the
	 * monitor's seccomp filter, only the status. */
	if (WIFSIGNALED(wstatus))
		_exit(128 + WTERMSIG(wstatus));
	_exit(WEXITSTATUS(wstatus));
}

int supervise_keep(int fd, int *also)
{
	int next = fd >= 0 ? 4 : 3;

	if (fd > 3 && dup3(fd, 3, O_CLOEXEC) != 3)
		die_errno("fork", "move fd %d to fd 3", fd);
	/* also was made after fd, so it is above it and not 3 here. */
	if (also != NULL && *also != next &&
	    dup3(*also, next, O_CLOEXEC) != next)
		die_errno("fork", "move fd %d to fd %d", *also, next);
	if (also != NULL)
		*also = next++;
	if (close_range((unsigned)next, ~0U, 0) != 0)
		die_errno("fork", "close fds");
	return fd >= 0 ? 3 : -1;
}

void supervise_attach(const char *step, pid_t parent)
{
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0)
		die_errno(step, "prctl(PR_SET_PDEATHSIG)");
	/* Had the parent died before that, we were reparented already. */
	if (getppid() != parent)
		die(step, "the parent process (pid %ld) is gone",
		    (long)parent);
}

/*
 * The caller's terminal raw (take), or as it was.  Raw only while we are in
 * its foreground: elsewhere tcsetattr would stop us (SIGTTOU).
 */
static void terminal_raw(struct relay *r, bool take)
{
	struct termios raw = r->saved;

	if (r->raw && !take)
		tcsetattr(r->in, TCSADRAIN, &r->saved);
	r->raw = take && r->in >= 0 && tcgetpgrp(r->in) == getpgrp();
	cfmakeraw(&raw);
	if (r->raw && tcsetattr(r->in, TCSADRAIN, &raw) != 0)
		die_errno("pty", "raw mode");
}

/* The relay, for a die() in it: the caller's terminal as it was. */
static const struct relay *dying;

static void restore_terminal(const char *step, const char *fmt, va_list ap,
    const char *reason)
{
	(void)step, (void)fmt, (void)ap, (void)reason;
	if (dying->raw)
		tcsetattr(dying->in, TCSADRAIN, &dying->saved);
}

static void copy_window_size(const struct relay *r)
{
	struct winsize ws;

	if (ioctl(r->in >= 0 ? r->in : r->out, TIOCGWINSZ, &ws) == 0)
		ioctl(r->master, TIOCSWINSZ, &ws);
}

/* At start and whenever we are continued. */
static void resume(struct relay *r)
{
	terminal_raw(r, true);
	copy_window_size(r);
	if (kill(-r->child, SIGCONT) != 0 && errno != ESRCH)
		die_errno("pty", "continue the program");
}

/*
 * The child stopped: so do we, for the shell's job control; then continue
 * it.  The session leader's group is orphaned, where the kernel ignores a
 * SIGTSTP: it stops with SIGSTOP.
 */
static void stop_too(struct relay *r)
{
	terminal_raw(r, false);
	raise(r->master >= 0 ? SIGTSTP : SIGSTOP);
	resume(r);
}

/* One read of the program's output, to the caller's terminal. */
static bool copy_out(struct relay *r)
{
	char buf[4096];
	ssize_t n = read(r->master, buf, sizeof(buf));

	if (n == 0 || (n < 0 && errno != EAGAIN))
		r->hungup = true;	/* EIO: no slave is open */
	/* A blocking write to a terminal takes it all, or fails. */
	if (n > 0 && r->out >= 0 && write(r->out, buf, (size_t)n) < 0)
		r->out = -1;
	return n > 0;
}

/* As at a terminal, keystrokes its full input buffer cannot take are lost. */
static void copy_in(struct relay *r)
{
	char buf[4096];
	ssize_t n = read(r->in, buf, sizeof(buf));

	if (n <= 0)		/* hung up or failing: not read again */
		terminal_raw(r, false);
	else if (write(r->master, buf, (size_t)n) != n)
		trace("pty: keystrokes lost");
}

static __attribute__((noreturn)) void finish(struct relay *r, int wstatus)
{
	while (r->master >= 0 && !r->hungup && copy_out(r))
		;
	terminal_raw(r, false);
	exit_like(wstatus);
}

static void handle_signals(struct relay *r)
{
	bool pty = r->master >= 0;
	struct signalfd_siginfo si;
	int ws;

	while (read(r->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGCHLD) {
			ws = reap(r->child, r->job ? WUNTRACED : 0);
			if (ws >= 0 && WIFSTOPPED(ws))
				stop_too(r);
			else if (ws >= 0)
				finish(r, ws);
		} else if (pty && si.ssi_signo == SIGCONT) {
			resume(r);
		} else if (pty && si.ssi_signo == SIGWINCH) {
			copy_window_size(r);
		} else {
			forward(r->child, &si);
		}
	}
}

void supervise_signals(int sigfd, pid_t child)
{
	struct relay r = { .child = child, .master = -1, .in = -1, .out = -1,
	    .sigfd = sigfd };

	handle_signals(&r);
}

static __attribute__((noreturn)) void loop(struct relay *r)
{
	struct pollfd p[3] = { { .fd = r->sigfd, .events = POLLIN },
	    { .events = POLLIN }, { .events = POLLIN } };

	for (;;) {
		p[1].fd = r->hungup ? -1 : r->master;
		p[2].fd = r->raw ? r->in : -1;
		if (poll(p, 3, -1) < 0 && errno != EINTR)
			die_errno("pty", "poll");
		/* Signals first: once the program has ended, no keystroke
		 * may go on to the master for what it left behind. */
		if (p[0].revents)
			handle_signals(r);
		if (p[1].revents)
			copy_out(r);
		if (p[2].revents)
			copy_in(r);
	}
}

static __attribute__((noreturn)) void stay(pid_t child, int master,
    bool job, const sigset_t *set, int ready)
{
	struct relay r = { .child = child, .in = -1, .out = -1, .job = job };

	/* Dropped before the child may go on (fork_to_stay()). */
	if (privs_stay(master >= 0 ? PRIVS_STAY_CALLER : job ?
	    PRIVS_STAY_LEADER : PRIVS_STAY_TARGET) != 0)
		die("drop", "%s", privs_error());
	/* An allowed run: not a refusal from here, but a failure must
	 * leave the caller's terminal as it was. */
	dying = &r;
	die_log_hook = restore_terminal;
	/* Whatever may fail is done before the child may go on: a failure
	 * here ends the child before its program runs. */
	r.master = supervise_keep(master, &ready);
	r.sigfd = signalfd(-1, set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (r.sigfd < 0)
		die_errno("signal", "signalfd");
	if (write(ready, "R", 1) != 1)
		die_errno("fork", "let the child go on");
	close(ready);
	if (master >= 0) {
		r.in = isatty(0) && tcgetattr(0, &r.saved) == 0 ? 0 : -1;
		r.out = isatty(1) ? 1 : isatty(2) ? 2 : r.in;
		resume(&r);
	}
	loop(&r);
}

/*
 * Fork: the parent stays (and never returns), the child gets its pid once
 * the parent has dropped: nothing the program does may ever see it
 * privileged.
 */
static pid_t fork_to_stay(int master, bool job, const sigset_t *set)
{
	pid_t parent = getpid(), pid;
	int ready[2];
	char byte = 0;

	fflush(NULL);
	if (pipe2(ready, O_CLOEXEC) != 0 || (pid = fork()) < 0)
		die_errno("fork", "the parent that stays");
	if (pid > 0) {
		close(ready[0]);
		stay(pid, master, job, set, ready[1]);
	}
	close(ready[1]);
	/* No handler is installed (process_start()): no EINTR. */
	if (read(ready[0], &byte, 1) != 1 || byte != 'R')
		die("fork", "the parent process (pid %ld) is gone",
		    (long)parent);
	close(ready[0]);
	return parent;
}

/*
 * A new pty, opened as the target so that the slave is its own, as a
 * login's terminal is; the slave by TIOCGPTPEER, not by name.  Its modes
 * are those of the caller's terminal.
 */
static int open_pty(int *slave)
{
	struct termios t;
	int master, unlock = 0, term = isatty(0) ? 0 : isatty(1) ? 1 : 2;

	if (privs_user() != 0)
		die("pty", "%s", privs_error());
	master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
	if (master < 0 || ioctl(master, TIOCSPTLCK, &unlock) != 0 ||
	    (*slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY |
	    O_CLOEXEC)) < 0)
		die_errno("pty", "open a pseudo-terminal (/dev/ptmx)");
	if (privs_relinquish() != 0)
		die("pty", "%s", privs_error());
	if (tcgetattr(term, &t) == 0 && tcsetattr(*slave, TCSANOW, &t) != 0)
		die_errno("pty", "copy the terminal's modes");
	return master;
}

/*
 * The slave as controlling terminal, and on each of fds 0-2 that was one.
 * A session leader's process group is orphaned, and a terminal's Ctrl-Z
 * cannot stop it: so this process leads the session and stays, as the
 * program's parent, and the program runs in a process group of its own,
 * in the foreground of the pty.  The leader's pid is returned.
 */
static pid_t take_slave(int slave, const sigset_t *set)
{
	pid_t leader;
	int fd;

	if (setsid() < 0 || ioctl(slave, TIOCSCTTY, 0) != 0)
		die_errno("pty", "make it the controlling terminal");
	for (fd = 0; fd <= 2; fd++)
		if (isatty(fd) && dup2(slave, fd) != fd)
			die_errno("pty", "place it on fd %d", fd);
	leader = fork_to_stay(-1, true, set);
	/* From a background group, tcsetpgrp would stop us with SIGTTOU. */
	signal(SIGTTOU, SIG_IGN);
	if (setpgid(0, 0) != 0 || tcsetpgrp(slave, getpid()) != 0)
		die_errno("pty", "the foreground process group");
	signal(SIGTTOU, SIG_DFL);
	close(slave);
	return leader;
}

pid_t supervise_fork(bool pty, bool init)
{
	int master = -1, slave = -1;
	sigset_t set, old;
	pid_t parent;

	if (pty)
		master = open_pty(&slave);
	if (init && prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0)
		die_errno("init", "prctl(PR_SET_CHILD_SUBREAPER)");
	supervise_block(&set, &old);
	/* The parent keeps the master only (supervise_keep()). */
	parent = fork_to_stay(master, pty, &set);
	if (pty) {
		close(master);
		parent = take_slave(slave, &set);
	}
	/* What process_start() left: no signal blocked. */
	if (sigprocmask(SIG_UNBLOCK, &set, NULL) != 0)
		die_errno("signal", "sigprocmask");
	return parent;
}
