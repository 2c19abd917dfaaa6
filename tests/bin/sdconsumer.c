/* SPDX-License-Identifier: ISC */
/*
 * sdconsumer: a socket-activation consumer built on libsystemd's own
 * sd_listen_fds_with_names(3), as real daemons use it.  Prints
 * "sd_listen_fds: N" and then "fd FD name NAME KIND" for each fd, where KIND
 * is what sd_is_socket_inet(3), sd_is_socket_unix(3) and sd_is_fifo(3) say.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <systemd/sd-daemon.h>

static const char *kind(int fd)
{
	struct stat st;

	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
		return "file";
	if (sd_is_socket_inet(fd, AF_UNSPEC, SOCK_STREAM, 1, 0) > 0)
		return "inet-stream-listening";
	if (sd_is_socket_inet(fd, AF_UNSPEC, SOCK_DGRAM, -1, 0) > 0)
		return "inet-dgram";
	if (sd_is_socket_unix(fd, SOCK_STREAM, 1, NULL, 0) > 0)
		return "unix-stream-listening";
	if (sd_is_socket_unix(fd, SOCK_DGRAM, -1, NULL, 0) > 0)
		return "unix-dgram";
	if (sd_is_fifo(fd, NULL) > 0)
		return "fifo";
	return "other";
}

int main(void)
{
	char **names = NULL;
	int n = sd_listen_fds_with_names(1, &names), i;

	printf("sd_listen_fds: %d\n", n);
	for (i = 0; i < n; i++) {
		int fd = SD_LISTEN_FDS_START + i;
		printf("fd %d name %s %s\n", fd, names[i], kind(fd));
		free(names[i]);
	}
	free(names);
	return n < 0 ? 1 : 0;
}
