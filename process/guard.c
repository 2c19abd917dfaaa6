/* SPDX-License-Identifier: ISC */
/*
 * guard.c: a seccomp filter against terminal injection.  A program running
 * as another user on the caller's terminal could push keystrokes into the
 * caller's shell with TIOCSTI, or with TIOCLINUX on a virtual console (the
 * su/runuser, bubblewrap CVE-2017-5226 and gosu bugs).  The filter makes
 * exactly those two ioctls fail with EPERM; job control, Ctrl-C and every
 * other ioctl keep working.
 *
 * The kernel reads the ioctl request as a 32-bit unsigned int, but seccomp
 * sees the whole 64-bit register: a filter comparing all 64 bits would let
 * "TIOCSTI | 1 << 32" through (CVE-2019-10063, flatpak).  So the request
 * is compared under a 32-bit mask.
 */
#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "die.h"
#include "guard.h"

/*
 * A terminal on fds 0-2, or a controlling terminal at all: a program with
 * stdio on /dev/null can still open /dev/tty (mode 0666) and inject there.
 */
bool guard_on_terminal(void)
{
	int fd;

	if (isatty(0) || isatty(1) || isatty(2))
		return true;
	fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return false;
	close(fd);
	return true;
}

/* libseccomp's calls return 0 or -errno. */
static void check(int rc, const char *step, const char *what)
{
	if (rc != 0) {
		errno = -rc;
		die_errno(step, "%s", what);
	}
}

static void deny_ioctl(scmp_filter_ctx ctx, unsigned long request,
    const char *what)
{
	check(seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(ioctl), 1,
	    SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffUL, request)), "tty-guard",
	    what);
}

scmp_filter_ctx guard_filter_new(uint32_t default_action, const char *step)
{
	scmp_filter_ctx ctx = seccomp_init(default_action);

	if (ctx == NULL)
		die(step, "seccomp_init failed");
	/* no_new_privs is privs.c's business, not libseccomp's. */
	check(seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0), step,
	    "seccomp_attr_set");
	return ctx;
}

void guard_filter_load(scmp_filter_ctx ctx, const char *step)
{
	int rc = seccomp_load(ctx);

	seccomp_release(ctx);
	check(rc, step, "seccomp_load");
}

void guard_install(void)
{
	scmp_filter_ctx ctx = guard_filter_new(SCMP_ACT_ALLOW, "tty-guard");

	deny_ioctl(ctx, TIOCSTI, "seccomp rule for TIOCSTI");
	deny_ioctl(ctx, TIOCLINUX, "seccomp rule for TIOCLINUX");
	guard_filter_load(ctx, "tty-guard");
	trace("terminal guard installed: TIOCSTI and TIOCLINUX fail with "
	    "EPERM");
}
