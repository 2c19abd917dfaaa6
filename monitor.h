/* SPDX-License-Identifier: ISC */
/*
 * monitor.h: --monitor (SPEC section 6).  privrun forks once its resources
 * are open: the child goes on to drop for good and exec the program, the
 * parent becomes the monitor and never returns.
 */
#ifndef PRIVRUN_MONITOR_H
#define PRIVRUN_MONITOR_H

#include <sys/types.h>

#include "monitor_serve.h"

/*
 * Fork.  In the child, returns the monitor's pid with the child's end of
 * the monitor socket at fd child_fd (not close-on-exec) and the signal
 * mask as it was.  In the parent, drops to the target keeping only the
 * capabilities the allow list needs and serves requests until the child
 * ends, then exits with its status; it never returns.
 */
pid_t monitor_fork(const struct monitor_allowlist *allow, int child_fd);
/* PRIVRUN_MONITOR_FD=fd for the program. */
void monitor_export(int fd);

/* The monitor's seccomp allow list (monitor_filter.c); dies on failure. */
void monitor_filter_install(pid_t child);

#endif
