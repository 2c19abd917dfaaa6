/* SPDX-License-Identifier: ISC */
/*
 * guard.h: the terminal guard (privrun(1), SECURITY CONSIDERATIONS,
 * "Terminal injection").
 */
#ifndef PRIVRUN_GUARD_H
#define PRIVRUN_GUARD_H

#include <seccomp.h>
#include <stdbool.h>
#include <stdint.h>

/* Whether one of fds 0-2 is a terminal, or there is a controlling one. */
bool guard_on_terminal(void);
/*
 * Make ioctl(TIOCSTI) and ioctl(TIOCLINUX) fail with EPERM from now on, in
 * this process and everything it execs.  Needs CAP_SYS_ADMIN or
 * no_new_privs: call it inside privs_root().  Dies on failure.
 */
void guard_install(void);
/*
 * A seccomp filter (libseccomp) with default_action, leaving no_new_privs
 * to privs.c, and its load: the guard's and the monitor's.  Both die
 * naming step on failure; the load releases ctx.
 */
scmp_filter_ctx guard_filter_new(uint32_t default_action, const char *step);
void guard_filter_load(scmp_filter_ctx ctx, const char *step);

#endif
