/* SPDX-License-Identifier: ISC */
/*
 * supervise.c: the parent that stays, for --pty and --init.  privrun forks
 * before it opens anything: the child goes on as in a direct run; the
 * parent keeps only fds 0-2 and the pty's master, drops every capability
 * (privs_stay(): the caller's real uid, so that the program cannot signal
 * or trace it) and runs one poll loop over a signalfd and the terminals:
 *   - TERM, INT, HUP, QUIT, USR1, USR2 go to the program, and WINCH too
 *     without --pty; SIGCHLD reaps every child (orphans too, as PID 1 or
 *     as the child subreaper of --init), and the program's end ends
 *     privrun with its status, 128+N for signal N;
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
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "compat.h"
#include "die.h"
#include "privs.h"
#include "supervise.h"

#define MASTER_FD 3	/* where the parent keeps the master */

static const int forwarded[] = {
	SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH,
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
	char buf[4096];		/* keystrokes the master has not taken yet */
	size_t off, len;
};

void supervise_signal_set(sigset_t *set)
{
	size_t i;

	sigemptyset(set);
	sigaddset(set, SIGCHLD);
	for (i = 0; i < sizeof(forwarded) / sizeof(*forwarded); i++)
		sigaddset(set, forwarded[i]);
}

/*
 * A signal from the terminal (Ctrl-C, a resize, a hang-up: SI_KERNEL) went
 * to the whole foreground process group at once; when the child is still
 * in ours it has it already, and a second copy could read as "press again
 * to force".  Anything sent with kill(2) came to us alone.
 */
void supervise_forward(pid_t child, const struct signalfd_siginfo *si)
{
	if (si->ssi_code == SI_KERNEL && getpgid(child) == getpgrp())
		return;
	if (kill(child, (int)si->ssi_signo) != 0 && errno != ESRCH)
		die_errno("signal", "forward signal %u", si->ssi_signo);
}

int supervise_reap(pid_t child, int flags)
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

void supervise_exit(int wstatus)
{
	/* _exit: no stdio or atexit work (e.g. a sanitizer's) after the
	 * monitor's seccomp filter, only the status. */
	if (WIFSIGNALED(wstatus))
		_exit(128 + WTERMSIG(wstatus));
	_exit(WEXITSTATUS(wstatus));
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

/* Raw mode only in the foreground: elsewhere it would stop us (SIGTTOU). */
static void terminal_take(struct relay *r)
{
	struct termios raw = r->saved;

	r->raw = r->in >= 0 && tcgetpgrp(r->in) == getpgrp();
	cfmakeraw(&raw);
	if (r->raw && tcsetattr(r->in, TCSADRAIN, &raw) != 0)
		die_errno("pty", "raw mode");
}

static void terminal_give_back(struct relay *r)
{
	if (r->raw)
		tcsetattr(r->in, TCSADRAIN, &r->saved);
	r->raw = false;
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
	terminal_take(r);
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
	terminal_give_back(r);
	raise(r->master >= 0 ? SIGTSTP : SIGSTOP);
	resume(r);
}

/* One read of the program's output, to the caller's terminal. */
static bool copy_out(struct relay *r)
{
	char buf[4096];
	ssize_t n = read(r->master, buf, sizeof(buf)), done = 0, w = 0;

	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
		r->hungup = true;	/* EIO: no slave is open */
	while (r->out >= 0 && done < n && (w = write(r->out, buf + done,
	    (size_t)(n - done))) > 0)
		done += w;
	if (w < 0 && errno != EINTR)
		r->out = -1;		/* the caller's terminal is gone */
	return n > 0;
}

static void copy_in(struct relay *r)
{
	ssize_t n;

	if (r->off == r->len) {
		n = read(r->in, r->buf, sizeof(r->buf));
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
			r->in = -1;	/* end of input, or hung up */
		r->off = 0;
		r->len = n > 0 ? (size_t)n : 0;
	}
	n = write(r->master, r->buf + r->off, r->len - r->off);
	if (n > 0)
		r->off += (size_t)n;
	else if (n < 0 && errno != EAGAIN && errno != EINTR)
		r->off = r->len;
}

static __attribute__((noreturn)) void finish(struct relay *r, int wstatus)
{
	while (r->master >= 0 && !r->hungup && copy_out(r))
		;
	terminal_give_back(r);
	supervise_exit(wstatus);
}

static void handle_signals(struct relay *r)
{
	bool pty = r->master >= 0;
	struct signalfd_siginfo si;
	int ws;

	while (read(r->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGCHLD) {
			ws = supervise_reap(r->child, r->job ? WUNTRACED : 0);
			if (ws >= 0 && WIFSTOPPED(ws))
				stop_too(r);
			else if (ws >= 0)
				finish(r, ws);
		} else if (pty && si.ssi_signo == SIGCONT) {
			resume(r);
		} else if (pty && si.ssi_signo == SIGWINCH) {
			copy_window_size(r);
		} else if (si.ssi_signo != SIGCONT) {
			supervise_forward(r->child, &si);
		}
	}
}

static __attribute__((noreturn)) void loop(struct relay *r)
{
	struct pollfd p[3];

	for (;;) {
		bool pending = r->off < r->len;
		p[0] = (struct pollfd){ .fd = r->sigfd, .events = POLLIN };
		p[1] = (struct pollfd){ .fd = r->hungup ? -1 : r->master,
		    .events = POLLIN | (pending ? POLLOUT : 0) };
		p[2] = (struct pollfd){ .fd = r->raw && !pending ? r->in : -1,
		    .events = POLLIN };
		if (poll(p, 3, -1) < 0 && errno != EINTR)
			die_errno("pty", "poll");
		if (p[1].revents & ~POLLOUT)
			copy_out(r);
		if ((p[1].revents & POLLOUT) || p[2].revents)
			copy_in(r);
		if (p[0].revents)
			handle_signals(r);
	}
}

static __attribute__((noreturn)) void stay(pid_t child, int master,
    bool job, const sigset_t *set)
{
	struct relay r = { .child = child, .master = -1, .in = -1, .out = -1,
	    .job = job };

	if (master >= 0) {
		if (master != MASTER_FD && dup3(master, MASTER_FD,
		    O_CLOEXEC) != MASTER_FD)
			die_errno("pty", "move the master to fd %d", MASTER_FD);
		r.master = MASTER_FD;
		r.in = isatty(0) && tcgetattr(0, &r.saved) == 0 ? 0 : -1;
		r.out = isatty(1) ? 1 : isatty(2) ? 2 : r.in;
	}
	if (close_range(master >= 0 ? MASTER_FD + 1 : 3, ~0U, 0) != 0)
		die_errno("supervise", "close fds");
	if (privs_stay() != 0)
		die("drop", "%s", privs_error());
	/* A closed stderr must not kill us in a --verbose trace. */
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		die_errno("supervise", "ignore SIGPIPE");
	r.sigfd = signalfd(-1, set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (r.sigfd < 0)
		die_errno("supervise", "signalfd");
	trace("supervise: pid %ld%s", (long)child, master >= 0 ? " on a pty" :
	    "");
	if (master >= 0)
		resume(&r);
	loop(&r);
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
	if (master < 0)
		die_errno("pty", "/dev/ptmx");
	if (ioctl(master, TIOCSPTLCK, &unlock) != 0)
		die_errno("pty", "unlock the slave");
	*slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (*slave < 0)
		die_errno("pty", "open the slave");
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
	pid_t leader = getpid(), pid;
	int fd;

	if (setsid() < 0 || ioctl(slave, TIOCSCTTY, 0) != 0)
		die_errno("pty", "make it the controlling terminal");
	for (fd = 0; fd <= 2; fd++)
		if (isatty(fd) && dup2(slave, fd) != fd)
			die_errno("pty", "place it on fd %d", fd);
	pid = fork();
	if (pid < 0)
		die_errno("pty", "fork");
	if (pid > 0)
		stay(pid, -1, true, set);
	if (setpgid(0, 0) != 0 || signal(SIGTTOU, SIG_IGN) == SIG_ERR ||
	    tcsetpgrp(slave, getpid()) != 0 || signal(SIGTTOU, SIG_DFL) ==
	    SIG_ERR)
		die_errno("pty", "the foreground process group");
	close(slave);
	return leader;
}

void supervise_block(sigset_t *set, sigset_t *old)
{
	supervise_signal_set(set);
	/* An ignored SIGCHLD would reap the program before we could. */
	if (signal(SIGCHLD, SIG_DFL) == SIG_ERR ||
	    sigprocmask(SIG_BLOCK, set, old) != 0)
		die_errno("signal", "block signals");
}

pid_t supervise_fork(bool pty, bool init)
{
	pid_t parent = getpid(), pid;
	int master = -1, slave = -1;
	sigset_t set, old;

	if (pty)
		master = open_pty(&slave);
	if (init && prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0)
		die_errno("init", "prctl(PR_SET_CHILD_SUBREAPER)");
	supervise_block(&set, &old);
	sigaddset(&set, SIGCONT);	/* the parent's only, for resume() */
	if (sigprocmask(SIG_BLOCK, &set, NULL) != 0)
		die_errno("signal", "block SIGCONT");
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		die_errno("supervise", "fork");
	if (pid > 0) {
		if (pty)
			close(slave);
		stay(pid, master, pty, &set);
	}
	if (pty) {
		close(master);
		parent = take_slave(slave, &set);
	}
	if (sigprocmask(SIG_SETMASK, &old, NULL) != 0)
		die_errno("supervise", "sigprocmask");
	return parent;
}
