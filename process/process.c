/* SPDX-License-Identifier: ISC */
/*
 * process.c: the process set-up options.  Limits and the chroot are applied
 * while privileged, before the drop (raising a hard limit needs
 * CAP_SYS_RESOURCE, chroot(2) CAP_SYS_CHROOT); the users were resolved
 * before, outside the new root.  The session, the working directory and the
 * umask are set after the drop, so --chdir is checked with the target's
 * permissions.  It changes no ids or capabilities: privs.c does.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "die.h"
#include "ids.h"
#include "privs.h"
#include "process.h"

static const struct {
	const char *name;
	int resource;
} limits[] = {
	{ "as", RLIMIT_AS },		{ "core", RLIMIT_CORE },
	{ "cpu", RLIMIT_CPU },		{ "data", RLIMIT_DATA },
	{ "fsize", RLIMIT_FSIZE },	{ "locks", RLIMIT_LOCKS },
	{ "memlock", RLIMIT_MEMLOCK },	{ "msgqueue", RLIMIT_MSGQUEUE },
	{ "nice", RLIMIT_NICE },	{ "nofile", RLIMIT_NOFILE },
	{ "nproc", RLIMIT_NPROC },	{ "rss", RLIMIT_RSS },
	{ "rtprio", RLIMIT_RTPRIO },	{ "rttime", RLIMIT_RTTIME },
	{ "sigpending", RLIMIT_SIGPENDING }, { "stack", RLIMIT_STACK },
};

/* A limit value: decimal, or "unlimited"/"infinity" as prlimit(1) says. */
static bool parse_limit(const char *s, size_t len, rlim_t *out)
{
	char buf[32];
	unsigned long long v;

	if (len == 0 || len >= sizeof(buf))
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (strcmp(buf, "unlimited") == 0 || strcmp(buf, "infinity") == 0) {
		*out = RLIM_INFINITY;
		return true;
	}
	if (!parse_decimal(buf, (unsigned long long)RLIM_INFINITY - 1, &v))
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
	mode_t m = 0;
	size_t n = strlen(s);

	if (n == 0 || n > 4)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '7')
			return false;
		m = (mode_t)(m * 8 + (mode_t)(*s - '0'));
	}
	if (m > 0777)
		return false;
	*out = m;
	return true;
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

void process_apply_privileged(const struct process_plan *p)
{
	size_t i;

	if (p->nrl == 0 && p->chroot_dir == NULL)
		return;
	if (privs_root() != 0)
		die("rlimit", "%s", privs_error());
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
		die("rlimit", "%s", privs_error());
}

/*
 * --new-session: setsid(2) fails for a process group leader, which is what
 * a shell makes of every job; then give up the controlling terminal with
 * TIOCNOTTY (tty_ioctl(4)), which for a process that does not lead its
 * session detaches only that process, and for a session leader hangs up
 * the session, so SIGHUP is ignored meanwhile.
 */
static void detach_terminal(void)
{
	int tty;

	if (setsid() >= 0)
		return;
	if (errno != EPERM)
		die_errno("new-session", "setsid");
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
	if (p->new_session)
		detach_terminal();
	if (p->chdir_dir != NULL && chdir(p->chdir_dir) != 0)
		die_errno("chdir", "%s", p->chdir_dir);
	if (p->has_umask)
		umask(p->umask);
}

void process_print_plan(const struct process_plan *p)
{
	size_t i;

	for (i = 0; i < p->nrl; i++)
		printf("rlimit: %s %llu %llu\n", p->rl[i].name,
		    (unsigned long long)p->rl[i].lim.rlim_cur,
		    (unsigned long long)p->rl[i].lim.rlim_max);
	if (p->has_umask)
		printf("umask: %04o\n", (unsigned)p->umask);
	if (p->chroot_dir)
		printf("chroot: %s\n", p->chroot_dir);
	if (p->chdir_dir)
		printf("chdir: %s\n", p->chdir_dir);
	if (p->new_session)
		fputs("new_session: 1\n", stdout);
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
