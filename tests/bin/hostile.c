/* SPDX-License-Identifier: ISC */
/*
 * hostile.c: a program that attacks --intercept from inside, for
 * tests/intercept_hostile.bats.  Each mode prints what the kernel answered
 * and what it did, so that the test compares with the kernel's view (ss).
 *   swap PORT N       one thread binds a fresh tcp4 socket's fd number to
 *                     0.0.0.0:PORT N times while another dup2()s a udp4, a
 *                     tcp6 and a unix socket and a file over that number
 *   interrupt PORT N restart|norestart
 *                     bind tcp4 0.0.0.0:PORT N times under a SIGALRM timer
 *                     of 1 to 200 us (handler with or without SA_RESTART)
 *   userns PORT       unshare(CLONE_NEWUSER|CLONE_NEWNET), bind and listen
 *                     on tcp4 PORT there, then wait
 *   recv SOCKPATH PORT  bind the socket received over the unix socket
 *                     SOCKPATH to 0.0.0.0:PORT, listen, then wait
 *   odd PORT          odd calls: AF_UNSPEC, huge and 64-bit lengths, an
 *                     unaligned, a NULL and a half-mapped address, short
 *                     lengths, a v4 address on a v6 socket
 *   v6flip PORT N     bind tcp6 [::]:PORT N times while another thread
 *                     turns IPV6_V6ONLY on and off
 *   v6hold PORT N     as v6flip, with a process that shares the fd table
 *                     and outlives the program: it listens on a
 *                     dual-stack socket bound to PORT, for 5 seconds
 *   v6out PORT N SOCKPATH
 *                     as v6flip, but the flipper is flipout, a process
 *                     outside privrun, sent each socket over SOCKPATH
 *   flipout SOCKPATH  listen on the unix socket SOCKPATH; turn IPV6_V6ONLY
 *                     on and off on the last socket received, until the
 *                     sender closes
 *   ringhost          make an io_uring ring, print "PID FD", wait
 *   ringuse PID FD    take that ring (pidfd_getfd) and io_uring_enter it
 *   v6opt PORT        setsockopt(IPV6_V6ONLY) on and off, with a short
 *                     length, a NULL and a bad address, a bad fd, a
 *                     pipe, a tcp4 and a unix socket and a socket bound
 *                     to PORT; io_uring_setup
 *   killed PORT N     N children each bind PORT and are killed at once;
 *                     then bind PORT itself
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static int port;

static struct sockaddr_in any4(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
	    .sin_port = htons((uint16_t)port) };
	return a;
}

static int tcp4(void)
{
	int s = socket(AF_INET, SOCK_STREAM, 0), on = 1;

	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	return s;
}

/* The port sock is bound to, 0 if none or not an inet socket. */
static int bound_port(int sock)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	memset(&ss, 0, sizeof(ss));
	if (getsockname(sock, (struct sockaddr *)&ss, &len) != 0)
		return 0;
	return ss.ss_family == AF_INET || ss.ss_family == AF_INET6 ?
	    ntohs(((struct sockaddr_in *)&ss)->sin_port) : 0;
}

static const char *result(int rc, int err)
{
	return rc == 0 ? "ok" : strerrorname_np(err);
}

static int bind4(int sock)
{
	struct sockaddr_in a = any4();

	return bind(sock, (struct sockaddr *)&a, sizeof(a));
}

/* swap: the sources' fds stay at fixed numbers (main replaces them with
 * dup2), the swapper copies them over the target in turn. */
static int src[5], target;
static volatile int stop;

static void *swapper(void *arg)
{
	/* The tcp4 socket every other time, so that some binds are granted. */
	static const int order[] = { 0, 1, 0, 2, 0, 3, 0, 4 };
	unsigned i = 0;

	(void)arg;
	while (!stop)
		dup2(src[order[i++ % 8]], target);
	return NULL;
}

static void replace(int i, int fd)
{
	dup2(fd, src[i]);
	close(fd);
}

static int swap(int n)
{
	int ok = 0, refused = 0, other = 0, wrong = 0, i, f;
	pthread_t t;
	struct sockaddr_un un = { .sun_family = AF_UNIX };

	src[0] = tcp4();
	src[1] = socket(AF_INET, SOCK_DGRAM, 0);
	src[2] = socket(AF_INET6, SOCK_STREAM, 0);
	src[3] = socket(AF_UNIX, SOCK_STREAM, 0);
	src[4] = open("/dev/null", O_RDONLY);
	target = dup(src[0]);
	pthread_create(&t, NULL, swapper, NULL);
	for (i = 0; i < n; i++) {
		int rc = bind4(target), err = errno;
		if (rc == 0)
			ok++;
		else if (err == EACCES)
			refused++;
		else
			other++;
		/* Only the tcp4 socket may ever be bound. */
		for (f = 1; f < 4; f++)
			if (bound_port(src[f]) != 0 || (f == 3 &&
			    getsockname(src[3], (struct sockaddr *)&un,
			    &(socklen_t){ sizeof(un) }) == 0 &&
			    un.sun_path[0] != '\0'))
				wrong++;
		if (bound_port(src[0]) != 0)
			replace(0, tcp4());
	}
	stop = 1;
	pthread_join(t, NULL);
	printf("swap %d: ok %d eacces %d other %d wrong %d\n", n, ok,
	    refused, other, wrong);
	return 0;
}

static volatile sig_atomic_t alarms;

static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

static int interrupt(int n, int restart)
{
	struct sigaction sa = { .sa_handler = on_alarm,
	    .sa_flags = restart ? SA_RESTART : 0 };
	int ok = 0, eintr = 0, bound_eintr = 0, unbound_ok = 0, einval = 0;
	int other = 0, i;

	sigaction(SIGALRM, &sa, NULL);
	for (i = 0; i < n; i++) {
		struct itimerval t = { .it_value = { 0, 1 + i % 200 } };
		int s = tcp4(), rc, err, bound;
		setitimer(ITIMER_REAL, &t, NULL);
		rc = bind4(s);
		err = errno;
		t.it_value.tv_usec = 0;
		setitimer(ITIMER_REAL, &t, NULL);
		bound = bound_port(s) == port;
		if (rc == 0)
			bound ? ok++ : unbound_ok++;
		else if (err == EINTR)
			bound ? bound_eintr++ : eintr++;
		else if (err == EINVAL)
			einval++;
		else
			other++;
		close(s);
	}
	printf("interrupt %d: ok %d eintr %d bound-after-eintr %d "
	    "unbound-after-ok %d einval %d other %d\n", n, ok, eintr,
	    bound_eintr, unbound_ok, einval, other);
	printf("alarms %s\n", alarms > 0 ? "some" : "none");
	return 0;
}

/* The fd sent over c, -1 if none yet (flags MSG_DONTWAIT), -2 at the
 * end or on an error. */
static int recv_fd(int c, int flags)
{
	char byte, ctl[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { &byte, 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
	    .msg_control = ctl, .msg_controllen = sizeof(ctl) };
	ssize_t n = recvmsg(c, &m, flags);
	int fd;

	if (n < 0 && errno == EAGAIN)
		return -1;
	if (n != 1 || CMSG_FIRSTHDR(&m) == NULL)
		return -2;
	memcpy(&fd, CMSG_DATA(CMSG_FIRSTHDR(&m)), sizeof(fd));
	return fd;
}

static int connect_unix(const char *path)
{
	struct sockaddr_un un = { .sun_family = AF_UNIX };
	int c = socket(AF_UNIX, SOCK_STREAM, 0);

	snprintf(un.sun_path, sizeof(un.sun_path), "%s", path);
	return connect(c, (struct sockaddr *)&un, sizeof(un)) == 0 ? c : -1;
}

static void send_fd(int c, int fd)
{
	char ctl[CMSG_SPACE(sizeof(int))], byte = 'x';
	struct iovec iov = { &byte, 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
	    .msg_control = ctl, .msg_controllen = sizeof(ctl) };
	struct cmsghdr *h = CMSG_FIRSTHDR(&m);

	h->cmsg_level = SOL_SOCKET;
	h->cmsg_type = SCM_RIGHTS;
	h->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(h), &fd, sizeof(fd));
	if (sendmsg(c, &m, 0) != 1)
		perror("hostile: sendmsg");
}

/* flipout: outside privrun, so outside its filter. */
static int flipout(const char *path)
{
	struct sockaddr_un un = { .sun_family = AF_UNIX };
	int l = socket(AF_UNIX, SOCK_STREAM, 0), c, fd, cur = -1, on = 0;
	long got = 0;

	snprintf(un.sun_path, sizeof(un.sun_path), "%s", path);
	if (bind(l, (struct sockaddr *)&un, sizeof(un)) != 0 ||
	    listen(l, 1) != 0 || (c = accept(l, NULL, NULL)) < 0)
		return 1;
	while ((fd = recv_fd(c, MSG_DONTWAIT)) != -2) {
		if (fd >= 0) {
			close(cur);
			cur = fd;
			got++;
		}
		setsockopt(cur, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on));
		on = !on;
	}
	printf("flipout: %ld sockets\n", got);
	return 0;
}

/* ringhost and ringuse: a ring made outside privrun's filter. */
static int ring(int argc, char **argv)
{
	char params[120] = { 0 };	/* struct io_uring_params */
	long fd;

	if (argc == 2) {
		fd = syscall(SYS_io_uring_setup, 4, params);
		printf("%d %ld\n", getpid(), fd);
		fflush(stdout);
		pause();
		return 0;
	}
	fd = syscall(SYS_pidfd_getfd, (int)syscall(SYS_pidfd_open,
	    atoi(argv[2]), 0), atoi(argv[3]), 0);
	printf("pidfd_getfd: %s\n", fd >= 0 ? "ok" : strerrorname_np(errno));
	fd = syscall(SYS_io_uring_enter, (int)fd, 0, 0, 0, NULL, 0);
	printf("io_uring_enter: %s\n", fd >= 0 ? "ok" :
	    strerrorname_np(errno));
	return 0;
}

/* v6flip: a thread turns IPV6_V6ONLY on and off on the socket that the
 * main thread binds to [::]:PORT; a dual-stack socket bound is counted. */
static int flip_fd;	/* a number that stays: dup2() renews the socket */

static void *flipper(void *arg)
{
	int on = 0;

	(void)arg;
	while (!stop) {
		setsockopt(flip_fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on));
		on = !on;
	}
	return NULL;
}

/* v6hold: shares the fd table (CLONE_FILES), so it sees the socket at
 * flip_fd whatever happens to the program (killed with its monitor). */
static pid_t hold_dual_stack(void)
{
	struct sockaddr_in6 a;
	socklen_t len;
	int v6only = 1, i;
	pid_t pid = (pid_t)syscall(SYS_clone, CLONE_FILES | SIGCHLD, NULL,
	    NULL, NULL, 0);

	if (pid != 0)
		return pid;
	for (i = 0; i < 300000; i++) {
		len = sizeof(a);
		if (getsockname(flip_fd, (struct sockaddr *)&a, &len) == 0 &&
		    ntohs(a.sin6_port) == port && getsockopt(flip_fd,
		    IPPROTO_IPV6, IPV6_V6ONLY, &v6only,
		    &(socklen_t){ sizeof(v6only) }) == 0 && !v6only &&
		    listen(flip_fd, 1) == 0) {
			sleep(5);
			_exit(0);
		}
		usleep(100);
	}
	_exit(1);
}

/* out: the unix socket of flipout, else a thread flips. */
static int v6flip(int n, bool hold, const char *out)
{
	struct sockaddr_in6 a = { .sin6_family = AF_INET6,
	    .sin6_port = htons((uint16_t)port) };
	int s = socket(AF_INET6, SOCK_STREAM, 0), ok = 0, dual = 0;
	int refused = 0, i, v6only, c = out ? connect_unix(out) : -1;
	pid_t holder = 0;
	pthread_t t;

	flip_fd = s;
	if (hold)
		holder = hold_dual_stack();
	if (c >= 0)
		send_fd(c, s);
	else
		pthread_create(&t, NULL, flipper, NULL);
	for (i = 0; i < n; i++) {
		int one = 1;
		setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(s, (struct sockaddr *)&a, sizeof(a)) == 0) {
			getsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &v6only,
			    &(socklen_t){ sizeof(v6only) });
			v6only ? ok++ : dual++;
			dup2(socket(AF_INET6, SOCK_STREAM, 0), s);
			if (c >= 0)
				send_fd(c, s);
		} else {
			refused++;
		}
	}
	stop = 1;
	if (c < 0)
		pthread_join(t, NULL);
	if (holder > 0)
		kill(holder, SIGKILL);
	printf("v6flip %d: ok %d eacces %d dual-stack %d\n", n, ok, refused,
	    dual);
	return 0;
}

static void listen_and_wait(int s, int rc, int err)
{
	printf("bind %s\n", result(rc, err));
	if (rc == 0)
		listen(s, 1);
	fflush(stdout);
	pause();
}

static int userns(void)
{
	int s, rc;

	if (unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0) {
		printf("unshare %s\n", strerrorname_np(errno));
		return 1;
	}
	s = tcp4();
	rc = bind4(s);
	listen_and_wait(s, rc, errno);
	return 0;
}

static int recv_bind(const char *path)
{
	int c = connect_unix(path), s = c < 0 ? -2 : recv_fd(c, 0), rc;

	if (s < 0) {
		printf("receive %s\n", strerrorname_np(errno));
		return 1;
	}
	rc = bind4(s);
	listen_and_wait(s, rc, errno);
	return 0;
}

static void odd_one(const char *what, int family, const void *addr,
    long len)
{
	int s = family == AF_INET6 ? socket(AF_INET6, SOCK_STREAM, 0) : tcp4();
	long rc = syscall(SYS_bind, s, addr, len);

	printf("%s: %s, bound to %d\n", what, result((int)rc, errno),
	    bound_port(s));
	close(s);
}

static int odd(void)
{
	struct sockaddr_in a = any4();
	long page = sysconf(_SC_PAGESIZE);
	char *mem = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct sockaddr_storage big;

	memset(&big, 0, sizeof(big));
	memcpy(&big, &a, sizeof(a));
	a.sin_family = AF_UNSPEC;
	odd_one("AF_UNSPEC 0.0.0.0", AF_INET, &a, sizeof(a));
	a.sin_family = AF_INET;
	odd_one("length 4096", AF_INET, mem, 4096);
	odd_one("length 1<<32 | 16", AF_INET, &a, (1L << 32) | 16);
	odd_one("length 15", AF_INET, &a, 15);
	odd_one("length 1", AF_INET, &a, 1);
	odd_one("length 0", AF_INET, &a, 0);
	odd_one("length 128", AF_INET, &big, sizeof(big));
	memcpy(mem + 1, &a, sizeof(a));
	odd_one("unaligned", AF_INET, mem + 1, sizeof(a));
	odd_one("NULL", AF_INET, NULL, sizeof(a));
	munmap(mem + page, page);
	memcpy(mem + page - 8, &a, 8);
	odd_one("half mapped", AF_INET, mem + page - 8, sizeof(a));
	odd_one("v4 address, v6 socket", AF_INET6, &a, sizeof(a));
	return 0;
}

static void v6opt_one(const char *what, int fd, const void *val,
    socklen_t len)
{
	int rc = setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, val, len);
	int err = errno, now = -1;

	getsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &now,
	    &(socklen_t){ sizeof(now) });
	printf("v6only %s: %s, now %d\n", what, result(rc, err), now);
}

/* v6opt: what the kernel answers, for the test to compare with the
 * monitor's answers under --intercept. */
static int v6opt(void)
{
	struct sockaddr_in6 a = { .sin6_family = AF_INET6,
	    .sin6_port = htons((uint16_t)port) };
	int s = socket(AF_INET6, SOCK_STREAM, 0), p[2], on = 1, off = 0;
	long rc;

	v6opt_one("on", s, &on, sizeof(on));
	v6opt_one("off", s, &off, sizeof(off));
	v6opt_one("on, 8 bytes", s, &(long){ 1 }, sizeof(long));
	v6opt_one("on, 2 bytes", s, &on, 2);
	v6opt_one("on", s, &on, sizeof(on));
	v6opt_one("NULL", s, NULL, sizeof(on));
	v6opt_one("address 8", s, (void *)8, sizeof(on));
	v6opt_one("fd 1000", 1000, &on, sizeof(on));
	if (pipe(p) != 0)
		return 1;
	v6opt_one("a pipe", p[0], &on, sizeof(on));
	v6opt_one("tcp4", socket(AF_INET, SOCK_STREAM, 0), &on, sizeof(on));
	v6opt_one("tcp4, address 8", socket(AF_INET, SOCK_STREAM, 0),
	    (void *)8, sizeof(on));
	v6opt_one("unix", socket(AF_UNIX, SOCK_STREAM, 0), &on, sizeof(on));
	printf("bind: %s\n", result(bind(s, (struct sockaddr *)&a,
	    sizeof(a)), errno));
	v6opt_one("on, bound", s, &on, sizeof(on));
	rc = syscall(SYS_io_uring_setup, 1, NULL);
	printf("io_uring_setup: %s\n", rc >= 0 ? "ok" : strerrorname_np(errno));
	return 0;
}

static int killed(int n)
{
	int i, s;

	for (i = 0; i < n; i++) {
		pid_t pid = fork();
		if (pid == 0) {
			bind4(tcp4());
			_exit(0);
		}
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	s = tcp4();
	printf("after %d killed: bind %s\n", n, result(bind4(s), errno));
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 2 && strcmp(argv[1], "ringhost") == 0)
		return ring(argc, argv);
	if (argc < 3)
		return 2;
	port = atoi(argv[2]);
	if (strcmp(argv[1], "swap") == 0 && argc == 4)
		return swap(atoi(argv[3]));
	if (strcmp(argv[1], "interrupt") == 0 && argc == 5)
		return interrupt(atoi(argv[3]), strcmp(argv[4], "restart") == 0);
	if (strcmp(argv[1], "userns") == 0)
		return userns();
	if (strcmp(argv[1], "recv") == 0 && argc == 4)
		return port = atoi(argv[3]), recv_bind(argv[2]);
	if (strcmp(argv[1], "v6out") == 0 && argc == 5)
		return v6flip(atoi(argv[3]), false, argv[4]);
	if (strncmp(argv[1], "v6", 2) == 0 && argc == 4)	/* flip, hold */
		return v6flip(atoi(argv[3]), strcmp(argv[1], "v6hold") == 0,
		    NULL);
	if (strcmp(argv[1], "flipout") == 0)
		return flipout(argv[2]);
	if (strcmp(argv[1], "ringuse") == 0 && argc == 4)
		return ring(argc, argv);
	if (strcmp(argv[1], "odd") == 0)
		return odd();
	if (strcmp(argv[1], "v6opt") == 0)
		return v6opt();
	if (strcmp(argv[1], "killed") == 0 && argc == 4)
		return killed(atoi(argv[3]));
	return 2;
}
