/* SPDX-License-Identifier: ISC */
/*
 * syscost.c: what a few kernel operations cost on this machine, to explain
 * start-up times (bench/RESULTS.md): a trivial system call (getppid), a
 * capability drop from the bounding set (PR_CAPBSET_DROP: each one copies
 * and commits the process's credentials; privrun makes one per
 * capability, 41 on Linux 6.x), and a page fault on a fresh anonymous page.
 * Each measurement runs in a new child, as root, ROUNDS times; it prints the
 * median per operation in microseconds.  Benchmark only.
 *
 * usage: syscost [-n ROUNDS]
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define OPS 41

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* OPS operations of one kind; microseconds per operation. */
static double measure(int kind)
{
	char *p = NULL;
	double t0;
	int i;

	if (kind == 2 && (p = mmap(NULL, OPS * 4096L, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)) == MAP_FAILED)
		return -1;
	t0 = now_us();
	for (i = 0; i < OPS; i++) {
		if (kind == 0)
			syscall(SYS_getppid);
		else if (kind == 1 && prctl(PR_CAPBSET_DROP, i, 0, 0, 0) != 0)
			return -1;
		else if (kind == 2)
			p[i * 4096L] = 1;
	}
	return (now_us() - t0) / OPS;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	static const char *const what[] = { "syscall (getppid)",
		"PR_CAPBSET_DROP", "page fault (anonymous)" };
	int rounds = 200, kind, r, fd[2];

	if (argc == 3 && strcmp(argv[1], "-n") == 0)
		rounds = atoi(argv[2]);
	if (rounds < 1 || pipe(fd) != 0)
		return 2;
	printf("| operation | median us | p25-p75 us | rounds |\n");
	printf("|---|---:|---:|---:|\n");
	for (kind = 0; kind < 3; kind++) {
		double *v = calloc((size_t)rounds, sizeof(*v));

		if (v == NULL)
			return 2;
		for (r = 0; r < rounds; r++) {
			pid_t pid = fork();

			if (pid < 0)
				return 2;
			if (pid == 0) {
				double t = measure(kind);

				_exit(write(fd[1], &t, sizeof(t)) == sizeof(t) ?
				    0 : 1);
			}
			if (read(fd[0], &v[r], sizeof(v[r])) != sizeof(v[r]) ||
			    waitpid(pid, NULL, 0) != pid || v[r] < 0) {
				fprintf(stderr, "syscost: %s failed (root?)\n",
				    what[kind]);
				return 1;
			}
		}
		qsort(v, (size_t)rounds, sizeof(*v), cmp);
		printf("| %s | %.2f | %.2f-%.2f | %d |\n", what[kind],
		    v[rounds / 2], v[rounds / 4], v[rounds * 3 / 4], rounds);
		free(v);
	}
	return 0;
}
