/* SPDX-License-Identifier: ISC */
/*
 * process.c: the process set-up options.  Limits and the chroot are applied
 * while privileged, before the drop (raising a hard limit needs
 * CAP_SYS_RESOURCE, chroot(2) CAP_SYS_CHROOT); the users were resolved
 * before, outside the new root.  The session, the working directory and the
 * umask are set after the drop, so --chdir is checked with the target's
 * permissions.  It changes no ids or capabilities: privs.c does.
 *
 * It also undoes, first thing, what a caller can leave in privrun's own
 * process state for it to trip over: ignored or blocked signals, and a stack
 * limit too small for privrun.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/param.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "die.h"
#include "ids.h"
#include "privs.h"
#include "process.h"

/* The stack privrun itself may need, with room for a sanitizer build's. */
#define STACK_NEED (256 * 1024)
#define INF RLIM_INFINITY

/*
 * The limits prlimit(1) knows, and the floor below which a program run as
 * another user or with capabilities for an untrusted caller does not start:
 * the kernel's own defaults for a process (INIT_RLIMITS), with 64 KiB of
 * locked memory (the default before Linux 5.16) and 1024 processes and
 * pending signals (the kernel derives its defaults from the memory size).
 */
static const struct {
	const char *name;
	int resource;
	rlim_t floor;
} limits[] = {
	{ "as", RLIMIT_AS, INF },		{ "core", RLIMIT_CORE, 0 },
	{ "cpu", RLIMIT_CPU, INF },		{ "data", RLIMIT_DATA, INF },
	{ "fsize", RLIMIT_FSIZE, INF },		{ "locks", RLIMIT_LOCKS, INF },
	{ "memlock", RLIMIT_MEMLOCK, 65536 },	{ "nice", RLIMIT_NICE, 0 },
	{ "msgqueue", RLIMIT_MSGQUEUE, 819200 },
	{ "nofile", RLIMIT_NOFILE, 1024 },	{ "nproc", RLIMIT_NPROC, 1024 },
	{ "rss", RLIMIT_RSS, INF },		{ "rtprio", RLIMIT_RTPRIO, 0 },
	{ "rttime", RLIMIT_RTTIME, INF },
	{ "sigpending", RLIMIT_SIGPENDING, 1024 },
	{ "stack", RLIMIT_STACK, 8 * 1024 * 1024 },
};

/*
 * Signals ignored or blocked by the caller survive execve(2): with SIGCHLD
 * ignored the monitor never learns that the program ended, with SIGXFSZ
 * ignored a program run as another user is cut short by RLIMIT_FSIZE
 * without dying.  Every signal goes back to its default and the mask is
 * emptied.  With rt_sigaction(2) itself: glibc's sigaction(2) refuses the
 * two signals it keeps for threads, which a caller can still leave ignored.
 * A zeroed kernel sigaction is SIG_DFL, no flags, an empty mask, on every
 * architecture, and a zeroed kernel sigset is empty; EINVAL is for SIGKILL
 * and SIGSTOP.
 */
static void reset_signals(void)
{
	static const unsigned long zero[4];
	int sig;

	for (sig = 1; sig < NSIG; sig++)
		if (syscall(SYS_rt_sigaction, sig, zero, NULL, (NSIG - 1) / 8)
		    != 0 && errno != EINVAL)
			die_errno("start", "resetting signal %d", sig);
	if (syscall(SYS_rt_sigprocmask, SIG_SETMASK, zero, NULL,
	    (NSIG - 1) / 8) != 0)
		die_errno("start", "emptying the signal mask");
}

/* Touch STACK_NEED bytes of stack from the top down (noinline: a frame of
 * its own, below main's). */
static __attribute__((noinline)) void touch_stack(void)
{
	volatile char below[STACK_NEED - 16384];
	size_t i;

	for (i = sizeof(below); i > 0; i -= 1024)
		below[i - 1] = 0;
}

/*
 * A caller can start privrun with a stack limit so small that it dies of
 * SIGSEGV half-way, or lower it at any moment with prlimit(2) (a
 * file-capability privrun has the caller's uids).  Raise the soft limit to
 * what privrun needs, map that much stack by touching it, and put the limit
 * back: the kernel does not check the limit again for mapped stack, and the
 * program gets the limit it would have had.  A hard limit below the need is
 * refused.
 */
static void ensure_stack(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_STACK, &rl) != 0)
		die_errno("start", "getrlimit(RLIMIT_STACK)");
	if (rl.rlim_max < STACK_NEED)
		die("start", "stack limit %llu bytes is below the %d privrun "
		    "needs (ulimit -s)", (unsigned long long)rl.rlim_max,
		    STACK_NEED);
	if (rl.rlim_cur < STACK_NEED && setrlimit(RLIMIT_STACK,
	    &(struct rlimit){ STACK_NEED, rl.rlim_max }) != 0)
		die_errno("start", "setrlimit(RLIMIT_STACK)");
	touch_stack();
	if (rl.rlim_cur < STACK_NEED && setrlimit(RLIMIT_STACK, &rl) != 0)
		die_errno("start", "setrlimit(RLIMIT_STACK)");
}

void process_start(void)
{
	static char line[1024];

	/* An unbuffered stderr makes each fprintf(3) take an 8 KiB buffer
	 * on the stack (glibc), too much at the stack limits refused here. */
	setvbuf(stderr, line, _IOLBF, sizeof(line));
	reset_signals();
	ensure_stack();
}

/* A limit value: decimal, or "unlimited"/"infinity" as prlimit(1) says. */
static bool parse_limit(const char *s, size_t len, rlim_t *out)
{
	char buf[32];
	unsigned long long v;

	if (len == 0 || len >= sizeof(buf))
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (strcmp(buf, "unlimited") == 0 || strcmp(buf, "infinity") == 0)
		v = RLIM_INFINITY;
	else if (!ids_parse_decimal(buf, (unsigned long long)RLIM_INFINITY - 1,
	    &v))
		return false;
	*out = (rlim_t)v;
	return true;
}

static void parse_rlimit(const char *arg, struct process_rlimit *r)
{
	const char *eq = strchr(arg, '='), *colon;
	struct rlimit cur;
	size_t i;

	for (i = 0; eq != NULL && i < sizeof(limits) / sizeof(*limits); i++)
		if (strlen(limits[i].name) == (size_t)(eq - arg) &&
		    strncmp(arg, limits[i].name, (size_t)(eq - arg)) == 0)
			break;
	if (eq == NULL || i == sizeof(limits) / sizeof(*limits))
		die_usage("--rlimit '%s': expected NAME=SOFT[:HARD] with a "
		    "NAME prlimit(1) knows", arg);
	r->resource = limits[i].resource;
	r->name = limits[i].name;
	colon = strchr(eq + 1, ':');
	if (getrlimit(r->resource, &cur) != 0)
		die_errno("rlimit", "%s", r->name);
	r->lim.rlim_max = cur.rlim_max;
	if (!parse_limit(eq + 1, colon ? (size_t)(colon - eq - 1) :
	    strlen(eq + 1), &r->lim.rlim_cur) || (colon != NULL &&
	    !parse_limit(colon + 1, strlen(colon + 1), &r->lim.rlim_max)))
		die_usage("--rlimit '%s': limits are decimal numbers or "
		    "'unlimited'", arg);
	if (r->lim.rlim_cur > r->lim.rlim_max)
		die_usage("--rlimit '%s': the soft limit is above the hard "
		    "limit", arg);
}

static bool parse_umask(const char *s, mode_t *out)
{
	size_t n = strlen(s);

	if (n == 0 || n > 4 || strspn(s, "01234567") != n)
		return false;
	*out = (mode_t)strtoul(s, NULL, 8);
	return *out <= 0777;
}

void process_plan(const struct options *o, struct process_plan *p)
{
	size_t i;

	memset(p, 0, sizeof(*p));
	if (o->nrlimits > PROCESS_MAX_RLIMITS)
		die_usage("--rlimit: more than %d given", PROCESS_MAX_RLIMITS);
	for (i = 0; i < o->nrlimits; i++)
		parse_rlimit(o->rlimits[i], &p->rl[p->nrl++]);
	if (o->umask != NULL) {
		if (!parse_umask(o->umask, &p->umask))
			die_usage("--umask '%s': expected an octal mode up "
			    "to 0777", o->umask);
		p->has_umask = true;
	}
	if (o->chroot_dir != NULL && o->chroot_dir[0] != '/')
		die_usage("--chroot '%s': must be an absolute path",
		    o->chroot_dir);
	p->chroot_dir = o->chroot_dir;
	p->chdir_dir = o->chdir_dir;
	p->new_session = o->new_session;
}

const char *process_raises_hard_limit(const struct process_plan *p)
{
	struct rlimit cur;
	size_t i;

	for (i = 0; i < p->nrl; i++)
		if (getrlimit(p->rl[i].resource, &cur) == 0 &&
		    p->rl[i].lim.rlim_max > cur.rlim_max)
			return p->rl[i].name;
	return NULL;
}

/*
 * A program run as another user or with capabilities for an untrusted
 * caller: no limit below its floor.  The caller may have lowered its own
 * limits to make the program fail half-way (a file cut short at
 * RLIMIT_FSIZE); higher ones are the administrator's gift to the caller and
 * stay.  Raising a hard limit needs CAP_SYS_RESOURCE; without it, exit 125.
 * After the drop (raise false) they are checked again: a file-capability
 * privrun has the caller's uids until then, and the caller may prlimit(2)
 * it while it runs.
 */
static void floors(bool raise)
{
	struct rlimit rl;
	size_t i;

	for (i = 0; i < sizeof(limits) / sizeof(*limits); i++) {
		rlim_t floor = limits[i].floor;

		if (getrlimit(limits[i].resource, &rl) != 0)
			die_errno("rlimit", "%s", limits[i].name);
		if (rl.rlim_cur >= floor)
			continue;
		if (!raise)
			die("rlimit", "%s: lowered below its floor while privrun "
			    "ran", limits[i].name);
		if (setrlimit(limits[i].resource,
		    &(struct rlimit){ floor, MAX(floor, rl.rlim_max) }) != 0)
			die_errno("rlimit", "%s: raising the caller's limit to "
			    "the floor for another user", limits[i].name);
	}
}

void process_apply_privileged(const struct process_plan *p)
{
	/* A failure to raise or lower names the step it was for. */
	const char *step = p->nrl > 0 || p->floor_limits ? "rlimit" : "chroot";
	size_t i;

	if (p->nrl == 0 && p->chroot_dir == NULL && !p->floor_limits)
		return;
	if (privs_root() != 0)
		die(step, "%s", privs_error());
	if (p->floor_limits)
		floors(true);
	for (i = 0; i < p->nrl; i++) {
		if (setrlimit(p->rl[i].resource, &p->rl[i].lim) != 0)
			die_errno("rlimit", "%s", p->rl[i].name);
		trace("set rlimit %s", p->rl[i].name);
	}
	if (p->chroot_dir != NULL) {
		if (chroot(p->chroot_dir) != 0)
			die_errno("chroot", "%s", p->chroot_dir);
		if (chdir("/") != 0)
			die_errno("chroot", "chdir / in %s", p->chroot_dir);
		trace("chroot %s", p->chroot_dir);
	}
	if (privs_relinquish() != 0)
		die(step, "%s", privs_error());
}

/*
 * --new-session: setsid(2) fails (EPERM, its only error) for a process
 * group leader, which is what a shell makes of every job; then give up the controlling terminal with
 * TIOCNOTTY (tty_ioctl(4)), which for a process that does not lead its
 * session detaches only that process, and for a session leader hangs up
 * the session, so SIGHUP is ignored meanwhile.
 */
static void detach_terminal(void)
{
	int tty;

	if (setsid() >= 0)
		return;
	tty = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (tty < 0)
		return;		/* ENXIO: there is no controlling terminal */
	signal(SIGHUP, SIG_IGN);
	signal(SIGCONT, SIG_IGN);
	if (ioctl(tty, TIOCNOTTY) != 0)
		die_errno("new-session", "ioctl(TIOCNOTTY)");
	signal(SIGHUP, SIG_DFL);
	signal(SIGCONT, SIG_DFL);
	close(tty);
}

void process_apply_unprivileged(const struct process_plan *p)
{
	if (p->floor_limits)
		floors(false);
	if (p->new_session)
		detach_terminal();
	if (p->chdir_dir != NULL && chdir(p->chdir_dir) != 0)
		die_errno("chdir", "%s", p->chdir_dir);
	if (p->has_umask)
		umask(p->umask);
}

void process_floor_umask(struct process_plan *p, mode_t floor)
{
	mode_t current = umask(0);

	umask(current);
	if (!p->has_umask)
		p->umask = current;
	p->umask |= floor;
	p->has_umask = true;
}
