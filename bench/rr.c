/* SPDX-License-Identifier: ISC */
/*
 * rr.c: a round-robin timer.  It runs several commands in turn, A B C A B C
 * ..., each by fork+exec+wait4, so that whatever else the machine is doing
 * (other builds, frequency changes) lands on all of them alike, and prints
 * one markdown table from that one run: the median wall time of each, its
 * overhead over the first command (the baseline, e.g. /bin/true run
 * directly), and the ratio of the reference command's overhead to each
 * one's.  The overhead is the median over rounds of (command - baseline in
 * the same round), which cancels drift slower than one round; the same is
 * given for the CPU time (user + system) each run used.  Every run
 * must exit 0: a command that fails is reported and stops the benchmark,
 * so that a broken command is never timed as a fast one.  It measures; it
 * never changes privileges itself.
 *
 * usage: rr [-n ROUNDS] [-w WARMUP] [-t] [-r REF] NAME=COMMAND...
 *   COMMAND is split at spaces; the word '' is an empty argument.
 *   -t  give every command a pseudo-terminal as stdin (the terminal guard).
 *   -r  the reference command (default: the second one).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct cmd {
	const char *name;
	char **argv;
	double *t;		/* wall time of each round, microseconds */
	double *cpu;		/* user + system time of each round, us */
	long maxrss;		/* KiB, the largest over all rounds */
};

static void fatal(const char *what)
{
	perror(what);
	exit(2);
}

/* Split "prog a '' b" into argv; '' stands for an empty word. */
static char **split(char *s)
{
	size_t n = 0, cap = 8;
	char **v = malloc(cap * sizeof(*v)), *tok, *save = NULL;

	if (v == NULL)
		fatal("malloc");
	for (tok = strtok_r(s, " ", &save); tok; tok = strtok_r(NULL, " ",
	    &save)) {
		if (n + 2 > cap && (v = realloc(v, (cap *= 2) * sizeof(*v))) ==
		    NULL)
			fatal("realloc");
		v[n++] = strcmp(tok, "''") == 0 ? tok + 2 : tok;
	}
	v[n] = NULL;
	if (n == 0) {
		fprintf(stderr, "rr: empty command\n");
		exit(2);
	}
	return v;
}

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* One run of c with stdin on in_fd and stdout on /dev/null; *cpu gets
 * its user + system time (wait4(2)), which waiting for a CPU on a busy
 * machine does not inflate as it does the wall time. */
static double run_once(struct cmd *c, int in_fd, int null_fd, double *cpu)
{
	struct rusage ru;
	double t0 = now_us(), t1;
	int status;
	pid_t pid = fork();

	if (pid < 0)
		fatal("fork");
	if (pid == 0) {
		if (dup2(in_fd, 0) < 0 || dup2(null_fd, 1) < 0)
			_exit(120);
		execv(c->argv[0], c->argv);
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) != pid)
		fatal("wait4");
	t1 = now_us();
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "rr: %s: %s %d; stopping\n", c->name,
		    WIFEXITED(status) ? "exit status" : "killed by signal",
		    WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
		exit(1);
	}
	if (ru.ru_maxrss > c->maxrss)
		c->maxrss = ru.ru_maxrss;
	*cpu = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e6 +
	    (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
	return t1 - t0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The q-quantile (0..1) of n values, sorting a copy. */
static double quantile(const double *v, int n, double q)
{
	double *s = malloc((size_t)n * sizeof(*s)), r;
	int i;

	if (s == NULL)
		fatal("malloc");
	memcpy(s, v, (size_t)n * sizeof(*s));
	qsort(s, (size_t)n, sizeof(*s), cmp_double);
	i = (int)(q * (n - 1) + 0.5);
	r = s[i];
	free(s);
	return r;
}

/* Median over rounds of (a - b) in the same round. */
static double paired_overhead(const double *a, const double *b, int rounds)
{
	double *d = malloc((size_t)rounds * sizeof(*d)), r;
	int i;

	if (d == NULL)
		fatal("malloc");
	for (i = 0; i < rounds; i++)
		d[i] = a[i] - b[i];
	r = quantile(d, rounds, 0.5);
	free(d);
	return r;
}

/* A pty's slave end, opened without becoming our controlling terminal. */
static int open_pty(void)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC), s;

	if (m < 0 || grantpt(m) != 0 || unlockpt(m) != 0)
		fatal("posix_openpt");
	s = open(ptsname(m), O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (s < 0)
		fatal("open pty slave");
	return s;	/* the master stays open (leaked on purpose) */
}

static void print_table(struct cmd *c, int n, int ref, int rounds)
{
	double ref_over = paired_overhead(c[ref].t, c[0].t, rounds);
	double ref_cpu = paired_overhead(c[ref].cpu, c[0].cpu, rounds);
	int i;

	printf("| command | median us | p25-p75 us | overhead us | "
	    "%s/this | CPU overhead us | %s/this (CPU) | max RSS KiB |\n",
	    c[ref].name, c[ref].name);
	printf("|---|---:|---:|---:|---:|---:|---:|---:|\n");
	for (i = 0; i < n; i++) {
		double over = paired_overhead(c[i].t, c[0].t, rounds);
		double cpu = paired_overhead(c[i].cpu, c[0].cpu, rounds);
		char ratio[32] = "-", cratio[32] = "-";

		/* A ratio of overheads means something only when both are
		 * above the noise, i.e. positive; else "-". */
		if (i > 0 && over > 0 && ref_over > 0)
			snprintf(ratio, sizeof(ratio), "%.2f", ref_over / over);
		if (i > 0 && cpu > 0 && ref_cpu > 0)
			snprintf(cratio, sizeof(cratio), "%.2f", ref_cpu / cpu);
		printf("| %s | %.0f | %.0f-%.0f | %.0f | %s | %.0f | %s | %ld |\n",
		    c[i].name, quantile(c[i].t, rounds, 0.5),
		    quantile(c[i].t, rounds, 0.25),
		    quantile(c[i].t, rounds, 0.75), i ? over : 0.0, ratio,
		    i ? cpu : 0.0, cratio, c[i].maxrss);
	}
	printf("\n%d rounds, round-robin; overhead = median of (command - "
	    "%s) within a round\n", rounds, c[0].name);
}

int main(int argc, char **argv)
{
	int rounds = 200, warmup = 10, ref = 1, tty = 0, opt, n, i, r;
	const char *refname = NULL;
	struct cmd *c;
	int in_fd, null_fd;

	while ((opt = getopt(argc, argv, "+n:w:tr:")) != -1) {
		switch (opt) {
		case 'n': rounds = atoi(optarg); break;
		case 'w': warmup = atoi(optarg); break;
		case 't': tty = 1; break;
		case 'r': refname = optarg; break;
		default: goto usage;
		}
	}
	n = argc - optind;
	if (n < 2 || rounds < 1 || warmup < 0)
		goto usage;
	c = calloc((size_t)n, sizeof(*c));
	if (c == NULL)
		fatal("calloc");
	for (i = 0; i < n; i++) {
		char *eq = strchr(argv[optind + i], '=');
		if (eq == NULL)
			goto usage;
		*eq = '\0';
		c[i].name = argv[optind + i];
		c[i].argv = split(eq + 1);
		c[i].t = calloc((size_t)rounds, sizeof(double));
		c[i].cpu = calloc((size_t)rounds, sizeof(double));
		if (c[i].t == NULL || c[i].cpu == NULL)
			fatal("calloc");
		if (refname && strcmp(refname, c[i].name) == 0)
			ref = i;
	}
	null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	in_fd = tty ? open_pty() : null_fd;
	if (null_fd < 0)
		fatal("/dev/null");
	for (r = -warmup; r < rounds; r++)
		for (i = 0; i < n; i++) {
			double cpu, t = run_once(&c[i], in_fd, null_fd, &cpu);
			if (r >= 0) {
				c[i].t[r] = t;
				c[i].cpu[r] = cpu;
			}
		}
	print_table(c, n, ref, rounds);
	return 0;
usage:
	fprintf(stderr, "usage: rr [-n ROUNDS] [-w WARMUP] [-t] [-r REF] "
	    "NAME=COMMAND NAME=COMMAND...\n");
	return 2;
}
