/* SPDX-License-Identifier: ISC */
/*
 * scm_rights.c: the floor for a monitor round trip.  A client sends a small
 * request over a SOCK_SEQPACKET socketpair; a server process answers with
 * one fd passed by SCM_RIGHTS: either a dup of /dev/null (the raw round
 * trip) or a fresh TCP socket it has just bound and put to listen on
 * 127.0.0.1 (what a monitor does for a --allow-bind request).  Each
 * configuration runs with both processes pinned to CPU 0 and unpinned, in
 * blocks interleaved round-robin, and the table gives the median per round
 * trip and its ratio to the raw one.  privrun's monitor mode is to be
 * measured against the "+ bind" rows (target: at most 1.5 times).
 * Benchmark only; it never changes privileges.
 *
 * usage: scm_rights [-n ITERATIONS] [-p PORT]
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define BLOCK 200

struct cfg {
	const char *name;
	bool bind;
	bool pin;
	int port;
	int sock;	/* client end */
	pid_t server;
	double *ns;
};

static void fatal(const char *what)
{
	perror(what);
	exit(2);
}

static void pin(bool on)
{
	cpu_set_t set;
	long i, ncpu = sysconf(_SC_NPROCESSORS_CONF);

	CPU_ZERO(&set);
	for (i = 0; i < (on ? 1 : ncpu) && i < CPU_SETSIZE; i++)
		CPU_SET((int)i, &set);
	if (sched_setaffinity(0, sizeof(set), &set) != 0)
		fatal("sched_setaffinity");
}

/* What the server hands out: a listening socket, or /dev/null. */
static int make_fd(const struct cfg *c)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int one = 1, fd;

	if (!c->bind)
		return open("/dev/null", O_RDONLY | O_CLOEXEC);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	sin.sin_port = htons((unsigned short)c->port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one,
	    sizeof(one)) != 0 || bind(fd, (struct sockaddr *)&sin,
	    sizeof(sin)) != 0 || listen(fd, SOMAXCONN) != 0)
		fatal("server: bind");
	return fd;
}

static void send_fd(int sock, int fd)
{
	char data = 'k';
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { &data, 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
	    .msg_control = u.buf, .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&m);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	if (sendmsg(sock, &m, 0) != 1)
		fatal("server: sendmsg");
}

static void serve(struct cfg *c, int sock)
{
	char req[64];

	pin(c->pin);
	for (;;) {
		ssize_t n = recv(sock, req, sizeof(req), 0);
		int fd;

		if (n <= 0)
			_exit(0);
		fd = make_fd(c);
		if (fd < 0)
			fatal("server: open");
		send_fd(sock, fd);
		close(fd);
	}
}

static int recv_fd(int sock)
{
	char data;
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { &data, 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
	    .msg_control = u.buf, .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *cm;
	int fd;

	if (recvmsg(sock, &m, MSG_CMSG_CLOEXEC) != 1)
		fatal("client: recvmsg");
	cm = CMSG_FIRSTHDR(&m);
	if (cm == NULL || cm->cmsg_type != SCM_RIGHTS)
		fatal("client: no fd");
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void start(struct cfg *c, int n)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
		fatal("socketpair");
	c->ns = calloc((size_t)n, sizeof(double));
	if (c->ns == NULL)
		fatal("calloc");
	c->server = fork();
	if (c->server < 0)
		fatal("fork");
	if (c->server == 0) {
		close(sv[0]);
		serve(c, sv[1]);
	}
	close(sv[1]);
	c->sock = sv[0];
}

static void block(struct cfg *c, int from, int count)
{
	static const char req[] = "bind tcp4:127.0.0.1";
	int i;

	pin(c->pin);
	for (i = from; i < from + count; i++) {
		double t0 = now_ns();
		if (send(c->sock, req, sizeof(req), 0) != sizeof(req))
			fatal("client: send");
		close(recv_fd(c->sock));
		c->ns[i] = now_ns() - t0;
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	struct cfg cfgs[] = {
		{ "raw SCM_RIGHTS, pinned to one CPU", false, true, 0, 0, 0, 0 },
		{ "raw SCM_RIGHTS, unpinned", false, false, 0, 0, 0, 0 },
		{ "SCM_RIGHTS + bind, pinned to one CPU", true, true, 0, 0, 0, 0 },
		{ "SCM_RIGHTS + bind, unpinned", true, false, 0, 0, 0, 0 },
	};
	int ncfg = (int)(sizeof(cfgs) / sizeof(cfgs[0])), n = 20000;
	int port = 47000, opt, i, done;

	while ((opt = getopt(argc, argv, "n:p:")) != -1) {
		if (opt == 'n')
			n = atoi(optarg);
		else if (opt == 'p')
			port = atoi(optarg);
		else {
			fprintf(stderr, "usage: scm_rights [-n N] [-p PORT]\n");
			return 2;
		}
	}
	if (n < BLOCK)
		n = BLOCK;
	n -= n % BLOCK;
	for (i = 0; i < ncfg; i++) {
		cfgs[i].port = port + i;
		start(&cfgs[i], n);
	}
	for (done = 0; done < n; done += BLOCK)
		for (i = 0; i < ncfg; i++)
			block(&cfgs[i], done, BLOCK);
	printf("| round trip | median ns | p25-p75 ns | ratio to raw "
	    "(same pinning) |\n|---|---:|---:|---:|\n");
	for (i = 0; i < ncfg; i++)
		qsort(cfgs[i].ns, (size_t)n, sizeof(double), cmp_double);
	for (i = 0; i < ncfg; i++) {
		double *v = cfgs[i].ns, *raw = cfgs[i % 2].ns;
		printf("| %s | %.0f | %.0f-%.0f | %.2f |\n", cfgs[i].name,
		    v[n / 2], v[n / 4], v[3 * n / 4], v[n / 2] / raw[n / 2]);
	}
	printf("\n%d round trips each, in blocks of %d interleaved "
	    "round-robin\n", n, BLOCK);
	/* Each server also holds the client ends made before it: stop them
	 * by signal rather than wait for an end of file. */
	for (i = 0; i < ncfg; i++) {
		kill(cfgs[i].server, SIGTERM);
		waitpid(cfgs[i].server, NULL, 0);
	}
	return 0;
}
