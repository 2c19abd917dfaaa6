/* SPDX-License-Identifier: ISC */
/*
 * monitor_client.c: a program built on libprivrun-client, as a real
 * daemon would be: for each "bind:SPEC" or "open:SPEC" argument it asks the
 * monitor and prints "ok FD KIND" with what the kernel says the fd is
 * (a listening socket's port, a file's first line), or "error STATUS
 * MESSAGE".
 */
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <privrun_client.h>

static void describe(int fd)
{
	struct sockaddr_in6 sa;
	socklen_t len = sizeof(sa);
	int listening = 0;
	socklen_t ilen = sizeof(listening);
	char line[256];
	ssize_t n;

	if (getsockname(fd, (struct sockaddr *)&sa, &len) == 0) {
		getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &ilen);
		printf("ok %d socket port %u listening %d\n", fd,
		    (unsigned)ntohs(sa.sin6_port), listening);
		return;
	}
	n = read(fd, line, sizeof(line) - 1);
	line[n > 0 ? n : 0] = '\0';
	line[strcspn(line, "\n")] = '\0';
	printf("ok %d file %s\n", fd, line);
}

int main(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		int open = strncmp(argv[i], "open:", 5) == 0, status, fd;
		char err[1100];

		fd = privrun_request(-1, open ? PRIVRUN_REQ_OPEN :
		    PRIVRUN_REQ_BIND, argv[i] + 5, &status, err, sizeof(err));
		if (fd < 0) {
			printf("error %d %s\n", status, err);
			continue;
		}
		describe(fd);
		close(fd);
	}
	return 0;
}
