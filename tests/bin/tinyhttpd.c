/* SPDX-License-Identifier: ISC */
/*
 * tinyhttpd.c: a minimal static HTTP server for tests/intercept.bats, built
 * with -static so that no libc of the system is involved: binds
 * 0.0.0.0:PORT itself, answers every request with "tiny PORT".
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	char buf[1024], reply[128];
	int s, c, one = 1;

	if (argc != 2)
		return 2;
	sa.sin_port = htons((unsigned short)atoi(argv[1]));
	s = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (s < 0 || bind(s, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    listen(s, 16) != 0) {
		perror("tinyhttpd: bind");
		return 1;
	}
	snprintf(reply, sizeof(reply), "HTTP/1.0 200 OK\r\n\r\ntiny %s\n",
	    argv[1]);
	for (;;) {
		if ((c = accept(s, NULL, NULL)) < 0)
			continue;
		(void)read(c, buf, sizeof(buf));
		(void)write(c, reply, strlen(reply));
		close(c);
	}
}
