/* SPDX-License-Identifier: ISC */
/*
 * monitor_filter.c: the monitor's seccomp allow list (libseccomp, as
 * guard.c).  After set-up the monitor only polls, reads signals, receives
 * and answers requests, opens sockets and files, raises and lowers its
 * effective capabilities around that, signals and reaps its child, and
 * exits.  Everything else kills it (SCMP_ACT_KILL_PROCESS), and the child
 * dies with it (PR_SET_PDEATHSIG).  Killing rather than failing with
 * EPERM: a system call outside this list means the monitor is running code
 * it was not written to run, i.e. it has been taken over; it must not stay
 * alive to probe what else it may do, and a loud end of the service is the
 * right signal to the administrator.  The list includes what glibc and the
 * sanitizers need for memory and for reporting a fatal error.
 */
#include <errno.h>
#include <linux/capability.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "die.h"
#include "guard.h"
#include "monitor.h"

static void rule(scmp_filter_ctx ctx, int nr, const char *name,
    unsigned count, const struct scmp_arg_cmp *args)
{
	int rc = seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, nr, count, args);

	if (rc != 0) {
		errno = -rc;
		die_errno("monitor", "seccomp rule for %s", name);
	}
}

#define ALLOW(ctx, name) rule(ctx, SCMP_SYS(name), #name, 0, NULL)
#define ALLOW_IF(ctx, name, cmp) do { \
	struct scmp_arg_cmp a_[] = { cmp }; \
	rule(ctx, SCMP_SYS(name), #name, 1, a_); \
} while (0)

/* The loop, its signals, its children and its exit. */
static void allow_loop(scmp_filter_ctx ctx, pid_t child)
{
	ALLOW(ctx, poll);
	ALLOW(ctx, ppoll);
	ALLOW(ctx, read);
	ALLOW(ctx, write);	/* stderr: --verbose and fatal errors */
	ALLOW(ctx, recvmsg);
	ALLOW(ctx, sendmsg);
	ALLOW(ctx, close);
	ALLOW(ctx, wait4);
	ALLOW(ctx, waitid);
	ALLOW_IF(ctx, kill, SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)child));
	ALLOW_IF(ctx, tgkill, SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)getpid()));
	ALLOW(ctx, getpid);
	ALLOW(ctx, getpgid);
	ALLOW(ctx, getpgrp);
	ALLOW(ctx, gettid);
	ALLOW(ctx, rt_sigprocmask);
	ALLOW(ctx, rt_sigreturn);
	ALLOW(ctx, restart_syscall);
	ALLOW(ctx, exit);
	ALLOW(ctx, exit_group);
}

/* Memory for glibc's malloc and the sanitizers' allocators. */
static void allow_memory(scmp_filter_ctx ctx)
{
	ALLOW(ctx, brk);
	ALLOW(ctx, mmap);
	ALLOW(ctx, munmap);
	ALLOW(ctx, mremap);
	ALLOW(ctx, madvise);
	ALLOW(ctx, mprotect);
	ALLOW(ctx, clock_gettime);
	ALLOW(ctx, sched_yield);
	ALLOW(ctx, futex);
	ALLOW(ctx, sigaltstack);	/* the sanitizers, at exit */
}

/* Serving a request: resources.c's open path, and privs.c's raise and
 * lower of the effective set (capget/capset, PR_CAPBSET_READ). */
static void allow_serving(scmp_filter_ctx ctx)
{
	ALLOW_IF(ctx, socket, SCMP_A0(SCMP_CMP_EQ, AF_INET));
	ALLOW_IF(ctx, socket, SCMP_A0(SCMP_CMP_EQ, AF_INET6));
	ALLOW(ctx, setsockopt);
	ALLOW(ctx, bind);
	ALLOW(ctx, listen);
	ALLOW(ctx, openat2);
	ALLOW(ctx, openat);
	ALLOW(ctx, fcntl);
	ALLOW(ctx, fstat);
	ALLOW(ctx, fstatfs);	/* procfs and sysfs are refused */
	ALLOW(ctx, readlinkat);
	ALLOW(ctx, newfstatat);
	ALLOW(ctx, lseek);
	ALLOW(ctx, capget);
	ALLOW(ctx, capset);
	ALLOW_IF(ctx, prctl, SCMP_A0(SCMP_CMP_EQ, PR_CAPBSET_READ));
}

/* --intercept: answering notifications (monitor_notify.c); the ioctls
 * are the listener's own. */
static void allow_notify(scmp_filter_ctx ctx)
{
	const scmp_datum_t ioctls[] = { SECCOMP_IOCTL_NOTIF_RECV,
	    SECCOMP_IOCTL_NOTIF_SEND, SECCOMP_IOCTL_NOTIF_ID_VALID,
	    SECCOMP_IOCTL_NOTIF_ADDFD };
	size_t i;

	for (i = 0; i < sizeof(ioctls) / sizeof(*ioctls); i++)
		/* The kernel reads the request as 32 bits; musl passes an
		 * int, which a negative request sign-extends. */
		ALLOW_IF(ctx, ioctl, SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffUL,
		    ioctls[i]));
	ALLOW(ctx, pidfd_open);
	ALLOW(ctx, pidfd_getfd);
	ALLOW(ctx, process_vm_readv);
	ALLOW(ctx, getsockopt);
}

void monitor_filter_install(pid_t child, bool intercept)
{
	scmp_filter_ctx ctx = guard_filter_new(SCMP_ACT_KILL_PROCESS,
	    "monitor");

	allow_loop(ctx, child);
	allow_memory(ctx);
	allow_serving(ctx);
	if (intercept)
		allow_notify(ctx);
	guard_filter_load(ctx, "monitor");
	trace("monitor: seccomp allow list installed");
}
