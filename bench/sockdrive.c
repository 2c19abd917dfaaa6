/* SPDX-License-Identifier: ISC */
/*
 * sockdrive.c: runs a command that binds 127.0.0.1:PORT and connects to it
 * once, for bench/run's one-bind comparison: systemd-socket-activate binds
 * and then waits for the first connection before it execs its program, so
 * it needs a client.  The same driver runs every command of that table
 * (privrun's too, whose program may exit before a connection is made), so
 * that its own cost cancels out against the baseline "sockdrive PORT
 * /bin/true".  It retries a refused connect, yielding the CPU in between,
 * until the connect succeeds or the command has exited; it exits with the
 * command's status.  PORT must be below the ephemeral range
 * (net.ipv4.ip_local_port_range): there, a connect can pick PORT as its own
 * source port and connect to itself.  Benchmark only.
 *
 * usage: sockdrive PORT PROGRAM [ARG]...
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

/* One connect to 127.0.0.1:port; true if it was accepted into a backlog. */
static int try_connect(int port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
		.sin_port = htons((unsigned short)port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), ok;

	if (fd < 0)
		return 0;
	ok = connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0;
	close(fd);
	return ok;
}

int main(int argc, char **argv)
{
	int port, status;
	pid_t pid, r;

	if (argc < 3 || (port = atoi(argv[1])) <= 0 || port > 65535)
		return 2;
	pid = fork();
	if (pid < 0)
		return 2;
	if (pid == 0) {
		execv(argv[2], argv + 2);
		_exit(127);
	}
	while ((r = waitpid(pid, &status, WNOHANG)) == 0) {
		if (try_connect(port)) {
			r = waitpid(pid, &status, 0);
			break;
		}
		sched_yield();
	}
	if (r != pid)
		return 2;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
