/* SPDX-License-Identifier: ISC */
/*
 * bindloop.c: the floor for binding N sockets before an exec.  It does
 * what privrun does per TCP socket, with nothing around it: socket,
 * SO_REUSEADDR, bind to 127.0.0.1:PORT+i, listen(SOMAXCONN), for i < N, and
 * then execs PROGRAM with the sockets on fds 3.. (socket(2) gives the
 * lowest free fd).  The per-socket cost of privrun -b is compared with
 * this one's in the same round-robin run.  Benchmark only; it never
 * changes privileges.
 *
 * usage: bindloop N PORT PROGRAM [ARG]...
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

static void fatal(const char *what, long i)
{
	fprintf(stderr, "bindloop: socket %ld: ", i);
	perror(what);
	exit(125);
}

int main(int argc, char **argv)
{
	long n, port, i;
	int one = 1;

	if (argc < 4) {
		fprintf(stderr, "usage: bindloop N PORT PROGRAM [ARG]...\n");
		return 125;
	}
	n = strtol(argv[1], NULL, 10);
	port = strtol(argv[2], NULL, 10);
	if (n < 0 || port < 1 || port + n > 65536) {
		fprintf(stderr, "bindloop: bad N or PORT\n");
		return 125;
	}
	for (i = 0; i < n; i++) {
		struct sockaddr_in sin = { .sin_family = AF_INET };
		int fd = socket(AF_INET, SOCK_STREAM, 0);

		if (fd < 0)
			fatal("socket", i);
		sin.sin_port = htons((unsigned short)(port + i));
		sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one,
		    sizeof(one)) != 0)
			fatal("setsockopt", i);
		if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0)
			fatal("bind", i);
		if (listen(fd, SOMAXCONN) != 0)
			fatal("listen", i);
	}
	execv(argv[3], argv + 3);
	perror(argv[3]);
	return 127;
}
