/* SPDX-License-Identifier: ISC */
/*
 * monitor_rt.c: privrun's monitor round trip, for bench/run (issue 8).  Run
 * as the program of "privrun --monitor --allow-bind tcp4:127.0.0.1:A-B", it
 * asks the monitor for N listening sockets through the client library
 * (privrun_client.h), each on the next port from FIRST, wrapping after
 * COUNT ports, and closes each one.  It times the request until the fd is
 * in hand plus its close, the same span bench/scm_rights times for its raw
 * SCM_RIGHTS round trip, so the two medians can be divided.  Every fd is
 * checked outside the timed span: a TCP socket listening on the port it
 * asked for, or the run stops (a refusal is never timed as a fast answer).
 * The label says whether this process and the monitor (its parent) are
 * each pinned to one CPU, as the kernel reports their affinity.
 * Benchmark only; it never changes privileges.
 *
 * usage: monitor_rt [-p FIRST] [-c COUNT] [-w WARMUP] N
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "privrun_client.h"

static void fatal(const char *what, const char *why)
{
	fprintf(stderr, "monitor_rt: %s: %s\n", what, why);
	exit(1);
}

/* A number in [min, max], or the usage error. */
static long number(const char *s, long min, long max)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s < '0' || *s > '9' || *end != '\0' || v < min || v > max)
		fatal("bad number", s);
	return v;
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* The fd must be a listening TCP socket on 127.0.0.1:port. */
static void check_fd(int fd, int port)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int listening = 0, type = 0;
	socklen_t ilen = sizeof(int);

	if (getsockname(fd, (struct sockaddr *)&sin, &len) != 0 ||
	    sin.sin_family != AF_INET || ntohs(sin.sin_port) != port ||
	    sin.sin_addr.s_addr != htonl(INADDR_LOOPBACK))
		fatal("check", "the fd is not bound to the port asked for");
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &ilen) != 0 ||
	    type != SOCK_STREAM || getsockopt(fd, SOL_SOCKET,
	    SO_ACCEPTCONN, &listening, &ilen) != 0 || !listening)
		fatal("check", "the fd is not a listening TCP socket");
}

/* One timed round trip on port; its nanoseconds. */
static double round_trip(int port)
{
	char spec[64], err[PRIVRUN_PROTO_MAX_MESSAGE + 128];
	double t0, t1, t2, t3;
	int fd, status;

	snprintf(spec, sizeof(spec), "tcp4:127.0.0.1:%d", port);
	t0 = now_ns();
	fd = privrun_request(-1, PRIVRUN_REQ_BIND, spec, &status, err,
	    sizeof(err));
	t1 = now_ns();
	if (fd < 0)
		fatal("request", err);
	check_fd(fd, port);
	t2 = now_ns();
	close(fd);
	t3 = now_ns();
	return (t1 - t0) + (t3 - t2);
}

/* "pinned to one CPU" only when both this process and the monitor are
 * allowed exactly the same single CPU. */
static const char *pinning(void)
{
	cpu_set_t self, monitor;

	if (sched_getaffinity(0, sizeof(self), &self) != 0 ||
	    sched_getaffinity(getppid(), sizeof(monitor), &monitor) != 0)
		fatal("sched_getaffinity", "failed");
	if (CPU_COUNT(&self) == 1 && CPU_EQUAL(&self, &monitor))
		return "pinned to one CPU";
	if (CPU_COUNT(&self) > 1 && CPU_COUNT(&monitor) > 1)
		return "unpinned";
	return "pinned differently";
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	long first = 20000, count = 10000, warmup = 50, n, i;
	double *ns;
	int opt;

	while ((opt = getopt(argc, argv, "p:c:w:")) != -1) {
		switch (opt) {
		case 'p': first = number(optarg, 1, 65535); break;
		case 'c': count = number(optarg, 1, 65535); break;
		case 'w': warmup = number(optarg, 0, 1000000); break;
		default: goto usage;
		}
	}
	if (optind != argc - 1)
		goto usage;
	n = number(argv[optind], 1, 10000000);
	if (first + count - 1 > 65535)
		fatal("bad port range", "FIRST + COUNT - 1 is above 65535");
	ns = calloc((size_t)n, sizeof(*ns));
	if (ns == NULL)
		fatal("calloc", "out of memory");
	for (i = 0; i < warmup; i++)
		round_trip((int)(first + i % count));
	for (i = 0; i < n; i++)
		ns[i] = round_trip((int)(first + (warmup + i) % count));
	qsort(ns, (size_t)n, sizeof(*ns), cmp_double);
	printf("| privrun --monitor bind, %s | %.0f | %.0f-%.0f |\n",
	    pinning(), ns[n / 2], ns[n / 4], ns[3 * n / 4]);
	free(ns);
	return 0;
usage:
	fprintf(stderr, "usage: monitor_rt [-p FIRST] [-c COUNT] [-w WARMUP] "
	    "N\n");
	return 2;
}
