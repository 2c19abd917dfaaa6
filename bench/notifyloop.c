/* SPDX-License-Identifier: ISC */
/*
 * notifyloop.c: the cost of --intercept to a program (bench/intercept).
 *   bind N PORT   N times: socket, SO_REUSEADDR, bind 0.0.0.0:PORT, close
 *   calls N       N getppid() calls, a system call the filter lets through
 *   reads N       N read(2)s of 4096 bytes from /dev/zero
 * Prints the mean microseconds per iteration.  Benchmark only.
 */
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static double now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
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
