/* SPDX-License-Identifier: ISC */
/*
 * execrss.c: the resident set of a wrapper at the moment it execs its
 * target: Rss and Pss from /proc/PID/smaps_rollup, read at the entry of
 * the wrapper's execve(2) under ptrace, in KiB.  wait4(2)'s ru_maxrss
 * cannot tell small wrappers apart: a forked child's count starts at the
 * RSS of the process that forked it, and the kernel's per-CPU counters
 * round small processes down (a static musl program reads 0 KiB here).
 * smaps_rollup walks the page tables, so it is exact.  As root.
 * Benchmark only.
 *
 * usage: execrss [-m] PROGRAM [ARG]...
 *   -m  also each mapping's Rss, from /proc/PID/smaps, before the total.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/ptrace.h>

/* Each mapping of PID with its "Rss:", one line each. */
static void print_maps(pid_t pid)
{
	char path[64], line[512], map[512] = "";
	unsigned long lo, hi;
	long rss;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/smaps", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2)
			snprintf(map, sizeof(map), "%s", line);
		else if (sscanf(line, "Rss: %ld", &rss) == 1)
			printf("%6ld KiB  %s", rss, map);
	}
	fclose(f);
}

/* "Rss:" and "Pss:" of PID's smaps_rollup, printed on one line. */
static int print_rss(pid_t pid)
{
	char path[64], line[256];
	long rss = -1, pss = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/smaps_rollup", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		sscanf(line, "Rss: %ld", &rss);
		sscanf(line, "Pss: %ld", &pss);
	}
	fclose(f);
	if (rss < 0)
		return -1;
	printf("%ld %ld\n", rss, pss);
	return 0;
}

int main(int argc, char **argv)
{
	struct ptrace_syscall_info info;
	int status, execs = 0, null, maps = 0;
	pid_t pid;

	if (argc > 1 && strcmp(argv[1], "-m") == 0) {
		maps = 1;
		argv++;
		argc--;
	}
	if (argc < 2)
		return 2;
	pid = fork();
	if (pid == 0) {
		null = open("/dev/null", O_RDWR);
		if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 ||
		    ptrace(PTRACE_TRACEME, 0, NULL, NULL) != 0)
			_exit(126);
		raise(SIGSTOP);
		execv(argv[1], argv + 1);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid ||
	    ptrace(PTRACE_SETOPTIONS, pid, NULL, PTRACE_O_TRACESYSGOOD |
	    PTRACE_O_EXITKILL) != 0)
		return 2;
	for (;;) {
		if (ptrace(PTRACE_SYSCALL, pid, NULL, NULL) != 0 ||
		    waitpid(pid, &status, 0) != pid || !WIFSTOPPED(status))
			break;
		if (WSTOPSIG(status) != (SIGTRAP | 0x80) ||
		    ptrace(PTRACE_GET_SYSCALL_INFO, pid, sizeof(info),
		    &info) <= 0 || info.op != PTRACE_SYSCALL_INFO_ENTRY ||
		    info.entry.nr != SYS_execve)
			continue;
		/* The first execve is our child's own, of the wrapper. */
		if (++execs == 2) {
			if (maps)
				print_maps(pid);
			if (print_rss(pid) != 0)
				return 1;
			ptrace(PTRACE_DETACH, pid, NULL, NULL);
			break;
		}
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0 || execs != 2) {
		fprintf(stderr, "execrss: %s failed or never exec'd\n", argv[1]);
		return 1;
	}
	return 0;
}
