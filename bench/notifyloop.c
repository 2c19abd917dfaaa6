/* SPDX-License-Identifier: ISC */
/*
 * notifyloop.c: the cost of --intercept to a program (bench/intercept).
 *   bind N PORT   N times: socket, SO_REUSEADDR, bind 0.0.0.0:PORT, close
 *   calls N       N getppid() calls, a system call the filter lets through
 *   reads N       N read(2)s of 4096 bytes from /dev/zero
 *   calls|reads N anyfilter
 *                 the same under the cheapest filter there is, one
 *                 instruction that allows everything: the kernel's cost
 *                 of any seccomp filter, the floor of privrun's
 *   floor N       N getppid() calls notified to a parent that answers each
 *                 at once (SECCOMP_USER_NOTIF_FLAG_CONTINUE), its listener
 *                 set as privrun's: the floor of an intercepted call
 * Prints the mean microseconds per iteration.  Benchmark only.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP 1
#endif

static double now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

/* A filter whose action for getppid is notify (or, with notify false,
 * none); everything else allowed.  The listener, or -1. */
static int load(int notify)
{
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		    offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getppid, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { notify ? 4 : 1, notify ? code : code + 3 };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return -1;
	return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
	    notify ? SECCOMP_FILTER_FLAG_NEW_LISTENER : 0, &prog);
}

/* floor: the child makes the calls; the parent answers, as privrun's
 * monitor would if it did nothing (and polled no other fd). */
static int floor_loop(long n)
{
	struct seccomp_notif req;
	struct seccomp_notif_resp resp;
	int listener = -1;
	pid_t pid;
	int p[2];

	if (pipe(p) != 0)
		return 1;
	if ((pid = fork()) == 0) {
		double t0;
		long i;
		int l = load(1);

		if (l < 0 || ioctl(l, SECCOMP_IOCTL_NOTIF_SET_FLAGS,
		    SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP) != 0 ||
		    write(p[1], &l, sizeof(l)) != sizeof(l))
			_exit(1);
		t0 = now_us();
		for (i = 0; i < n; i++)
			syscall(SYS_getppid);
		printf("%.3f\n", (now_us() - t0) / (double)n);
		fflush(stdout);
		_exit(0);
	}
	if (read(p[0], &listener, sizeof(listener)) != sizeof(listener))
		return 1;
	listener = (int)syscall(SYS_pidfd_getfd,
	    (int)syscall(SYS_pidfd_open, pid, 0), listener, 0);
	while (listener >= 0) {
		memset(&req, 0, sizeof(req));
		if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &req) != 0)
			break;
		memset(&resp, 0, sizeof(resp));
		resp.id = req.id;
		resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
		(void)ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp);
	}
	return waitpid(pid, p, 0) == pid && WIFEXITED(p[0]) ?
	    WEXITSTATUS(p[0]) : 1;
}

int main(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	long n, i;
	static char buf[4096];
	int one = 1, s;
	double t0;

	if (argc < 3 || (strcmp(argv[1], "bind") == 0 && argc < 4))
		return 2;
	n = strtol(argv[2], NULL, 10);
	if (strcmp(argv[1], "floor") == 0)
		return floor_loop(n);
	if (argc > 3 && strcmp(argv[3], "anyfilter") == 0 && load(0) != 0)
		return 1;
	t0 = now_us();
	for (i = 0; i < n && argv[1][0] == 'b'; i++) {
		sa.sin_port = htons((unsigned short)atoi(argv[3]));
		s = socket(AF_INET, SOCK_STREAM, 0);
		setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(s, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
			perror("notifyloop: bind");
			return 1;
		}
		close(s);
	}
	for (i = 0; i < n && argv[1][0] == 'c'; i++)
		syscall(SYS_getppid);
	s = argv[1][0] == 'r' ? open("/dev/zero", O_RDONLY) : -1;
	for (i = 0; i < n && s >= 0; i++)
		if (read(s, buf, sizeof(buf)) != (ssize_t)sizeof(buf))
			return 1;
	printf("%.3f\n", (now_us() - t0) / (double)n);
	return 0;
}
