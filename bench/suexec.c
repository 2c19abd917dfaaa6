/* SPDX-License-Identifier: ISC */
/*
 * suexec.c: the su-exec-like reference of bench/run, built with musl-gcc
 * -static (make bench): what the least a wrapper can do costs, with
 * musl's start-up instead of glibc's.  It sets the groups, the gid and
 * the uid, in that order, and execs; it verifies nothing, drops no
 * capability and sets no securebits or no_new_privs (privrun does all
 * three).  Like su-exec: USER is a name (groups from getgrouplist) or
 * UID:GID in numbers (no supplementary groups).  Benchmark only.
 *
 * usage: suexec USER|UID:GID PROGRAM [ARG]...
 */
#define _GNU_SOURCE
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	gid_t groups[64];
	int n = 0;
	uid_t uid;
	gid_t gid;
	char *colon;

	if (argc < 3)
		return 125;
	colon = strchr(argv[1], ':');
	if (colon != NULL) {
		uid = (uid_t)strtoul(argv[1], NULL, 10);
		gid = (gid_t)strtoul(colon + 1, NULL, 10);
	} else {
		struct passwd *pw = getpwnam(argv[1]);

		n = 64;
		if (pw == NULL || getgrouplist(pw->pw_name, pw->pw_gid, groups,
		    &n) < 0)
			return 125;
		uid = pw->pw_uid;
		gid = pw->pw_gid;
	}
	if (setgroups((size_t)n, groups) != 0 || setgid(gid) != 0 ||
	    setuid(uid) != 0) {
		perror("suexec");
		return 125;
	}
	execvp(argv[2], argv + 2);
	perror("suexec: exec");
	return 127;
}
