/* SPDX-License-Identifier: ISC */
/*
 * monitor.h: --monitor (privrun(1), "Monitor mode").  privrun forks once
 * its resources are open: the child goes on to drop for good and exec the
 * program, the parent becomes the monitor and never returns.
 */
#ifndef PRIVRUN_MONITOR_H
#define PRIVRUN_MONITOR_H

#include <stdbool.h>
#include <sys/types.h>

#include "monitor_serve.h"

/*
 * Fork.  In the child, returns the monitor's pid with the child's end of
 * the monitor socket at fd child_fd (not close-on-exec) and the signal
 * mask as it was.  In the parent, drops to the target keeping only the
 * capabilities the allow list needs and serves requests until the child
 * ends, then exits with its status; it never returns.
 */
pid_t monitor_fork(const struct monitor_allowlist *allow, int child_fd,
    bool intercept);
/*
 * In the child, after its drop (which clears the parent-death signal):
 * die with the monitor, wait until it has dropped too (else exit 125),
 * and for --intercept (intercept not NULL) load the program's filter and
 * hand the monitor its listener over fd.
 */
void monitor_child_attach(pid_t monitor, int fd,
    const struct monitor_allowlist *intercept);
/* PRIVRUN_MONITOR_FD=fd for the program. */
void monitor_export(int fd);

/* The monitor's seccomp allow list (monitor_filter.c); dies on failure. */
void monitor_filter_install(pid_t child, bool intercept);

/* --intercept (monitor_notify.c); each dies (125) on failure. */
void notify_check_kernel(void);		/* what it needs, before the fork */
int notify_install(const struct monitor_allowlist *allow); /* listener */
void notify_prepare(int sock);	/* the monitor, before its filter */
void notify_serve(const struct monitor_allowlist *allow, int listener);

#endif
