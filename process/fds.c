/* SPDX-License-Identifier: ISC */
/*
 * fds.c: what privrun does with the fds it inherits.  A setuid privrun is
 * handed its fds by an untrusted caller: a closed fd 1 would let a file we
 * open later become the program's stdout (OpenSSH's sanitise_stdfd()), and
 * any fd >= 3 may be something the program must not get.  So 0-2 are opened
 * on /dev/null (read-write) when closed, in every start mode, and
 * everything else is close-on-exec from the start and closed outright
 * before the exec.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "compat.h"
#include "die.h"
#include "fds.h"

void fds_tidy_at_start(void)
{
	struct stat st;
	int fd, got, fl;

	for (fd = 0; fd < FDS_FIRST_PASSED; fd++) {
		/* What glibc opens on a closed fd 0-2 of an AT_SECURE process
		 * before main() (/dev/full write-only on 0, /dev/null
		 * read-only on 1 and 2) is O_NOFOLLOW, which no shell
		 * redirection sets: closed again, so that the program finds
		 * the same /dev/null whichever way privrun runs. */
		fl = fcntl(fd, F_GETFL);
		if (getauxval(AT_SECURE) != 0 && fl >= 0 && (fl & O_NOFOLLOW) &&
		    fstat(fd, &st) == 0 && S_ISCHR(st.st_mode) &&
		    major(st.st_rdev) == 1)
			close(fd);
		else if (fl >= 0 || errno != EBADF)
			continue;
		/* The lowest free fd is exactly this one: 0..fd-1 are open. */
		got = open("/dev/null", O_RDWR | O_NOCTTY);
		if (got != fd)
			die_errno("start", "open /dev/null as fd %d", fd);
	}
	if (close_range(FDS_FIRST_PASSED, ~0U, CLOSE_RANGE_CLOEXEC) != 0)
		die_errno("start", "mark inherited fds close-on-exec");
}

void fds_close_from(int first)
{
	if (close_range((unsigned)first, ~0U, 0) != 0)
		die_errno("exec", "close fds from %d on", first);
}
