/* SPDX-License-Identifier: ISC */
/*
 * faultinject [-u ID] SYSCALL FAULT [aN=VALUE]... -- PROGRAM [ARG]...: run
 * PROGRAM with one system call made to misbehave, for tests/faults.bats.
 *   FAULT fail: the call fails with EPERM;
 *         noop: the call does nothing and returns 0, as if it had worked;
 *         enosys: the call fails with ENOSYS, as on a kernel without it.
 *   aN=VALUE: only when argument N (0 to 5) is VALUE, compared on its low
 *         32 bits; VALUE is a number or one of the PR_* names below.
 * A seccomp filter does it, for PROGRAM and everything it runs.  It is
 * loaded without no_new_privs, which needs CAP_SYS_ADMIN: run as root.
 * With no_new_privs set, the PR_SET_NO_NEW_PRIVS faults would test nothing,
 * and a setuid PROGRAM would not gain root.
 *   -u ID: run PROGRAM as uid and gid ID, no other group, to start a setuid
 *         copy as an ordinary user: the groups and gid are set before the
 *         filter is loaded, the uid after it (with CAP_SYS_ADMIN still
 *         held), so a filter matching setresuid(ID, ID, ID) breaks this.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

static const struct {
	const char *name;
	unsigned long value;
} names[] = {
	{ "PR_SET_PDEATHSIG", PR_SET_PDEATHSIG },
	{ "RLIMIT_FSIZE", RLIMIT_FSIZE },
	{ "PR_SET_CHILD_SUBREAPER", PR_SET_CHILD_SUBREAPER },
	{ "PR_SET_DUMPABLE", PR_SET_DUMPABLE },
	{ "PR_CAPBSET_DROP", PR_CAPBSET_DROP },
	{ "PR_SET_SECUREBITS", PR_SET_SECUREBITS },
	{ "PR_GET_SECUREBITS", PR_GET_SECUREBITS },
	{ "PR_SET_NO_NEW_PRIVS", PR_SET_NO_NEW_PRIVS },
	{ "PR_CAP_AMBIENT", PR_CAP_AMBIENT },
	{ "PR_CAP_AMBIENT_RAISE", PR_CAP_AMBIENT_RAISE },
	{ "PR_CAP_AMBIENT_CLEAR_ALL", PR_CAP_AMBIENT_CLEAR_ALL },
};

static void usage(void)
{
	fputs("usage: faultinject [-u ID] SYSCALL[,SYSCALL] fail|noop|enosys "
	    "[aN=VALUE|aN!=VALUE]... -- PROGRAM [ARG]...\n", stderr);
	exit(2);
}

static unsigned long value_of(const char *text)
{
	char *end;
	unsigned long v;
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(*names); i++)
		if (strcmp(text, names[i].name) == 0)
			return names[i].value;
	errno = 0;
	v = strtoul(text, &end, 0);
	if (errno != 0 || end == text || *end != '\0')
		usage();
	return v;
}

int main(int argc, char **argv)
{
	struct scmp_arg_cmp cmp[6];
	unsigned ncmp = 0;
	scmp_filter_ctx ctx;
	int sys, second = -1, i, err;
	char *comma;
	long id = -1;
	gid_t g;

	if (argc > 2 && strcmp(argv[1], "-u") == 0) {
		id = (long)value_of(argv[2]);
		g = (gid_t)id;
		if (setgroups(1, &g) != 0 || setresgid(g, g, g) != 0) {
			perror("faultinject: setgroups/setresgid");
			return 2;
		}
		argv += 2;
		argc -= 2;
	}
	if (argc < 5)
		usage();
	/* SYSCALL,SYSCALL: one call that C libraries make differently
	 * (glibc's fork(2) is clone(2), musl's is fork). */
	if ((comma = strchr(argv[1], ',')) != NULL) {
		*comma = '\0';
		second = seccomp_syscall_resolve_name(comma + 1);
		if (second == __NR_SCMP_ERROR)
			usage();
	}
	sys = seccomp_syscall_resolve_name(argv[1]);
	err = strcmp(argv[2], "fail") == 0 ? EPERM :
	    strcmp(argv[2], "enosys") == 0 ? ENOSYS :
	    strcmp(argv[2], "noop") == 0 ? 0 : -1;
	if (sys == __NR_SCMP_ERROR || err < 0)
		usage();
	for (i = 3; i < argc && strcmp(argv[i], "--") != 0; i++) {
		/* aN=VALUE (low 32 bits), or aN!=VALUE (all 64: a2!=0 is
		 * "argument 2 is not a NULL pointer"). */
		bool ne = argv[i][0] == 'a' && strncmp(argv[i] + 2, "!=", 2) == 0;
		if (ncmp == 6 || argv[i][0] != 'a' || argv[i][1] < '0' ||
		    argv[i][1] > '5' || (argv[i][2] != '=' && !ne))
			usage();
		cmp[ncmp++] = ne ? (struct scmp_arg_cmp){
			.arg = (unsigned)(argv[i][1] - '0'), .op = SCMP_CMP_NE,
			.datum_a = value_of(argv[i] + 4) } :
		    (struct scmp_arg_cmp){
			.arg = (unsigned)(argv[i][1] - '0'),
			.op = SCMP_CMP_MASKED_EQ, .datum_a = 0xffffffff,
			.datum_b = value_of(argv[i] + 3) & 0xffffffff };
	}
	if (i + 1 >= argc)
		usage();
	ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (ctx == NULL || seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0) != 0 ||
	    seccomp_rule_add_array(ctx, SCMP_ACT_ERRNO((unsigned)err), sys,
	    ncmp, cmp) != 0 || (second >= 0 && seccomp_rule_add_array(ctx,
	    SCMP_ACT_ERRNO((unsigned)err), second, ncmp, cmp) != 0) ||
	    seccomp_load(ctx) != 0) {
		fputs("faultinject: cannot load the seccomp filter\n", stderr);
		return 2;
	}
	if (id >= 0 && setresuid((uid_t)id, (uid_t)id, (uid_t)id) != 0) {
		perror("faultinject: setresuid");
		return 2;
	}
	execv(argv[i + 1], argv + i + 1);
	perror("faultinject: execv");
	return 2;
}
