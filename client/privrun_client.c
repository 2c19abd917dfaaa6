/* SPDX-License-Identifier: ISC */
/*
 * privrun_client.c: the one call a program under "privrun --monitor" needs
 * (privrun_client.h).  It sends one request and reads one reply on the
 * SOCK_SEQPACKET socket, taking the fd with MSG_CMSG_CLOEXEC so it never
 * leaks into a program the caller execs, and closing any fd a reply brings
 * that it does not return.  It keeps no state.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "monitor_proto.h"
#include "privrun_client.h"

/* PRIVRUN_MONITOR_FD, strictly: a decimal fd number and nothing else. */
static int env_fd(void)
{
	const char *s = getenv("PRIVRUN_MONITOR_FD");
	char *end;
	long v;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v > 65535)
		return -1;
	return (int)v;
}

static int local_error(int *status, char *err, size_t errlen,
    const char *what)
{
	int saved = errno;

	if (status != NULL)
		*status = -1;
	snprintf(err, errlen, "%s%s%s", what, saved ? ": " : "",
	    saved ? strerror(saved) : "");
	errno = saved;
	return -1;
}

/* Take the first fd of the reply and close any others. */
static int take_fd(struct msghdr *m)
{
	struct cmsghdr *c;
	int got = -1;

	for (c = CMSG_FIRSTHDR(m); c != NULL; c = CMSG_NXTHDR(m, c)) {
		size_t n, i;
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < n; i++) {
			int fd;
			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(fd));
			if (got < 0)
				got = fd;
			else
				close(fd);
		}
	}
	return got;
}

static ssize_t receive(int sock, unsigned char *buf, size_t size, int *fd)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * 4)];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { buf, size };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
	    .msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf) };
	ssize_t n;

	do
		n = recvmsg(sock, &m, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	*fd = n < 0 ? -1 : take_fd(&m);
	return n;
}

int privrun_request(int monitor_fd, int type, const char *spec, int *status,
    char *err, size_t errlen)
{
	unsigned char req[MONITOR_MAX_REQUEST], rep[MONITOR_MAX_REPLY];
	char msg[PRIVRUN_PROTO_MAX_MESSAGE + 1];
	uint32_t code;
	size_t len;
	ssize_t n;
	int fd;

	errno = 0;
	if (monitor_fd < 0 && (monitor_fd = env_fd()) < 0)
		return local_error(status, err, errlen,
		    "PRIVRUN_MONITOR_FD is not set (not run by privrun "
		    "--monitor?)");
	if (type != PRIVRUN_REQ_BIND && type != PRIVRUN_REQ_OPEN)
		return local_error(status, err, errlen, "unknown request type");
	/* 0 when spec is longer than req leaves room for. */
	len = privrun_proto_encode((unsigned)type, 0, 0, spec, req, sizeof(req));
	if (len == 0)
		return local_error(status, err, errlen,
		    "spec longer than 511 bytes");
	do
		n = send(monitor_fd, req, len, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return local_error(status, err, errlen, "send to the monitor");
	n = receive(monitor_fd, rep, sizeof(rep), &fd);
	if (n <= 0 || privrun_proto_reply(rep, (size_t)n, &code, msg,
	    sizeof(msg)) != 0) {
		if (fd >= 0)
			close(fd);
		if (n == 0)
			errno = ECONNRESET;
		return local_error(status, err, errlen, n < 0 ?
		    "receive from the monitor" : "bad reply from the monitor");
	}
	if (status != NULL)
		*status = (int)code;
	snprintf(err, errlen, "%s", msg);
	if (code == PRIVRUN_OK && fd >= 0)
		return fd;
	if (fd >= 0)
		close(fd);
	errno = code == PRIVRUN_OK ? EPROTO : EACCES;
	return -1;
}
