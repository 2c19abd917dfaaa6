/* SPDX-License-Identifier: ISC */
/*
 * compat.h: kernel constants that older userspace headers may lack, and
 * the one compiler switch `make analyze` needs, and the one system call
 * musl (make MUSL=1) has no wrapper for.  No logic and no
 * per-distribution #ifdefs.
 */
#ifndef PRIVRUN_COMPAT_H
#define PRIVRUN_COMPAT_H

#include <fcntl.h>
#include <linux/securebits.h>
#include <sys/prctl.h>

#ifndef SECBIT_NO_CAP_AMBIENT_RAISE
#define SECBIT_NO_CAP_AMBIENT_RAISE		(1 << 6)
#define SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED	(1 << 7)
#endif
#ifndef PR_CAP_AMBIENT
#define PR_CAP_AMBIENT			47
#define PR_CAP_AMBIENT_IS_SET		1
#define PR_CAP_AMBIENT_CLEAR_ALL	4
#endif
#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC		(1U << 2)
#endif
#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS	/* Linux 6.6 */
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS	SECCOMP_IOW(4, __u64)
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP	1UL
#endif
#ifndef SO_NETNS_COOKIE
#define SO_NETNS_COOKIE			71	/* Linux 5.14 */
#endif
#ifndef PIDFD_THREAD
#define PIDFD_THREAD			O_EXCL	/* Linux 6.9 */
#endif

/*
 * Around a function where gcc's -fanalyzer reports a leak that is not one
 * (the reason is given where it is used); nothing for other compilers.
 */
#if defined(__GNUC__) && !defined(__clang__)
#define ANALYZER_LEAKS_OFF _Pragma("GCC diagnostic push") \
	_Pragma("GCC diagnostic ignored \"-Wanalyzer-malloc-leak\"")
#define ANALYZER_LEAKS_ON _Pragma("GCC diagnostic pop")
#else
#define ANALYZER_LEAKS_OFF
#define ANALYZER_LEAKS_ON
#endif
#ifdef PRIVRUN_MUSL
#include <sys/syscall.h>
#include <unistd.h>
#define close_range(first, last, flags) \
	syscall(SYS_close_range, (first), (last), (flags))
#endif

/* The securebits a permanent drop sets and locks (capabilities(7)). */
#define PRIVRUN_SECUREBITS \
	(SECBIT_NOROOT | SECBIT_NOROOT_LOCKED | \
	 SECBIT_NO_SETUID_FIXUP | SECBIT_NO_SETUID_FIXUP_LOCKED | \
	 SECBIT_NO_CAP_AMBIENT_RAISE | SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED)

#endif
