/* SPDX-License-Identifier: ISC */
/*
 * monitor.c: the monitor of --monitor, privilege separation as in OpenSSH.
 * After the fork the parent drops to the target user keeping only the
 * capabilities its allow list needs, in the permitted set (raised to
 * effective only while it opens something), makes itself non-dumpable with
 * no core, closes every fd but 0-2 and its socket, installs a seccomp allow
 * list, and runs one poll loop over a signalfd and the socket:
 *   - forwarded signals go to the child (unless the terminal sent them to
 *     its process group already); SIGCHLD reaps every child (an
 *     orphan's too when we are PID 1) and the child's end ends the monitor
 *     with its status, or 128+N for signal N;
 *   - requests are served one at a time; while a reply cannot be sent, no
 *     request is read, so a client that stops reading cannot make the
 *     monitor block or queue without bound.
 * It never execs and never looks a name up after the fork: the allow list
 * and the target were resolved before.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "die.h"
#include "monitor.h"
#include "privs.h"
#include "supervise.h"

#define MONITOR_MAX_FDS_IN 16	/* control space for fds a client sends */

/* A reply the socket could not take yet, with its fd. */
struct pending {
	unsigned char buf[MONITOR_MAX_REPLY];
	size_t len;
	int fd;
	bool busy;
};

struct monitor {
	const struct monitor_allowlist *allow;
	pid_t child;
	int sock;		/* -1 once the program closed its end */
	int sigfd;
	int listener;		/* --intercept's seccomp listener, or -1 */
	struct pending out;
};

/* One message with fd (unless -1) attached. */
static ssize_t send_with_fd(int sock, const void *buf, size_t len, int fd,
    int flags)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { (void *)(uintptr_t)buf, len };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *c;

	if (fd >= 0) {
		memset(&ctl, 0, sizeof(ctl));
		m.msg_control = ctl.buf;
		m.msg_controllen = sizeof(ctl.buf);
		c = CMSG_FIRSTHDR(&m);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	return sendmsg(sock, &m, flags | MSG_NOSIGNAL);
}

/* Place the child's end at exactly child_fd; the monitor's end goes. */
static void place_child_end(int sv[2], int child_fd)
{
	if (sv[0] == child_fd) {
		if (fcntl(child_fd, F_SETFD, 0) != 0)
			die_errno("monitor", "fd %d: clear close-on-exec",
			    child_fd);
	} else {
		if (dup3(sv[0], child_fd, 0) != child_fd)
			die_errno("monitor", "place the socket on fd %d",
			    child_fd);
		close(sv[0]);
	}
	if (sv[1] != child_fd)
		close(sv[1]);
}

void monitor_child_attach(pid_t monitor, int fd,
    const struct monitor_allowlist *intercept)
{
	char ready = 0;

	supervise_attach("monitor", monitor);
	/* The program must not run while its monitor is still root.  No
	 * handler is installed: a signal cannot make recv(2) fail (EINTR). */
	if (recv(fd, &ready, 1, 0) != 1 || ready != 'R')
		die("monitor", "the monitor (pid %ld) is gone",
		    (long)monitor);
	if (intercept != NULL) {
		int listener = notify_install(intercept);
		if (send_with_fd(fd, "L", 1, listener, 0) != 1)
			die_errno("intercept", "send the filter to the monitor");
		close(listener);
	}
}

void monitor_export(int fd)
{
	char num[16];

	snprintf(num, sizeof(num), "%d", fd);
	if (setenv("PRIVRUN_MONITOR_FD", num, 1) != 0)
		die_errno("environment", "PRIVRUN_MONITOR_FD");
}

/*
 * Close every fd a message brought but the first, which goes to *keep when
 * keep is not NULL; say whether there was control data.
 */
static bool close_received(struct msghdr *m, int *keep)
{
	struct cmsghdr *c;
	bool any = false;

	for (c = CMSG_FIRSTHDR(m); c != NULL; c = CMSG_NXTHDR(m, c)) {
		any = true;
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
			size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int), i;
			for (i = 0; i < n; i++) {
				int fd;
				memcpy(&fd, CMSG_DATA(c) + i * sizeof(int),
				    sizeof(fd));
				if (keep != NULL && *keep < 0)
					*keep = fd;
				else
					close(fd);
			}
		}
	}
	return any;
}

/* Send the pending reply; false while the socket cannot take it. */
static bool flush_reply(struct monitor *mon)
{
	struct pending *p = &mon->out;
	ssize_t n = send_with_fd(mon->sock, p->buf, p->len, p->fd,
	    MSG_DONTWAIT);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return false;
	/* Sent, or the peer is gone (EPIPE ...): either way it is done. */
	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
	p->busy = false;
	return true;
}

static void queue_reply(struct monitor *mon, unsigned status,
    const char *msg, int fd)
{
	struct pending *p = &mon->out;

	/* Never 0: msg was cut to PRIVRUN_PROTO_MAX_MESSAGE, which fits. */
	p->len = privrun_proto_encode(PRIVRUN_REPLY, 1, status, msg, p->buf,
	    sizeof(p->buf));
	p->fd = fd;
	p->busy = true;
	flush_reply(mon);
}

/* A zero-length read is a zero-length request, or the peer's close. */
static bool peer_closed(int sock)
{
	struct pollfd p = { .fd = sock, .events = POLLIN };

	return poll(&p, 1, 0) > 0 && (p.revents & (POLLHUP | POLLERR));
}

/* Read and answer one request; false when the program closed its end. */
static bool serve_one(struct monitor *mon)
{
	unsigned char buf[MONITOR_MAX_REQUEST];
	union {
		char buf[CMSG_SPACE(sizeof(int) * MONITOR_MAX_FDS_IN)];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
	    .msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf) };
	struct monitor_received in;
	struct monitor_request req;
	char msg[PRIVRUN_PROTO_MAX_MESSAGE + 1];
	const char *why;
	unsigned status;
	ssize_t n;
	int fd = -1;

	n = recvmsg(mon->sock, &m, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	if (n < 0)
		return errno == EAGAIN || errno == EINTR;
	in.control = close_received(&m, NULL) || (m.msg_flags & MSG_CTRUNC);
	if (n == 0 && !in.control && peer_closed(mon->sock))
		return false;
	in.buf = buf;
	in.len = (size_t)n;
	in.truncated = (m.msg_flags & MSG_TRUNC) != 0;
	status = privrun_proto_parse(&in, &req, &why);
	if (status == PRIVRUN_OK)
		fd = monitor_serve(mon->allow, &req, &status, msg, sizeof(msg));
	else
		snprintf(msg, sizeof(msg), "%s", why);
	trace("monitor: request of %zd bytes: status %u: %s", n, status, msg);
	queue_reply(mon, status, msg, fd);
	return true;
}

static __attribute__((noreturn)) void loop(struct monitor *mon)
{
	struct pollfd p[3];

	for (;;) {
		/* poll(2) skips an entry whose fd is -1. */
		p[0] = (struct pollfd){ .fd = mon->sigfd, .events = POLLIN };
		p[1] = (struct pollfd){ .fd = mon->sock,
		    .events = mon->out.busy ? POLLOUT : POLLIN };
		p[2] = (struct pollfd){ .fd = mon->listener, .events = POLLIN };
		/* On EINTR every revents is 0: nothing is done. */
		if (poll(p, 3, -1) < 0 && errno != EINTR)
			die_errno("monitor", "poll");
		if (p[0].revents)
			supervise_signals(mon->sigfd, mon->child);
		if (p[2].revents & POLLIN)
			notify_serve(mon->allow, mon->listener);
		else if (p[2].revents)	/* no process uses the filter now */
			mon->listener = close(mon->listener) - 1;
		if (mon->sock < 0 || p[1].revents == 0)
			continue;
		if (mon->out.busy ? !flush_reply(mon) &&
		    (p[1].revents & (POLLHUP | POLLERR)) : !serve_one(mon)) {
			close(mon->sock);
			mon->sock = -1;
		}
	}
}

/* The listener of the program's filter, sent first, or -1 if the child
 * died before: that is seen at SIGCHLD. */
static int receive_listener(int sock)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	char byte;
	struct iovec iov = { &byte, 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
	    .msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf) };
	int fd = -1;

	/* Signals are blocked (signalfd) or ignored: no EINTR. */
	if (recvmsg(sock, &m, MSG_CMSG_CLOEXEC) > 0)
		close_received(&m, &fd);
	return fd;
}

static __attribute__((noreturn)) void run(const struct monitor_allowlist *allow,
    pid_t child, int sock, const sigset_t *set, bool intercept)
{
	struct monitor mon = { .allow = allow, .child = child,
	    .listener = -1, .out = { .fd = -1 } };
	struct rlimit none = { 0, 0 };

	mon.sock = supervise_keep(sock, NULL);	/* fds 3.. were the child's */
	/* privs_monitor() leaves the monitor non-dumpable after the change
	 * of ids (prctl(2), "PR_SET_DUMPABLE"); no core to leak memory. */
	if (privs_monitor(monitor_allow_caps(allow)) != 0)
		die("monitor", "%s", privs_error());
	if (setrlimit(RLIMIT_CORE, &none) != 0)
		die_errno("monitor", "setrlimit(RLIMIT_CORE)");
	/* A closed stderr must not kill the monitor in a --verbose trace. */
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		die_errno("monitor", "ignore SIGPIPE");
	mon.sigfd = signalfd(-1, set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (mon.sigfd < 0)
		die_errno("monitor", "signalfd");
	if (intercept)
		notify_prepare(mon.sock);
	monitor_filter_install(child, intercept);
	/* Only now may the child go on to exec the program: a child gone
	 * already is seen at SIGCHLD. */
	(void)send_with_fd(mon.sock, "R", 1, -1, 0);
	if (intercept)
		mon.listener = receive_listener(mon.sock);
	trace("monitor: serving pid %ld", (long)child);
	loop(&mon);
}

pid_t monitor_fork(const struct monitor_allowlist *allow, int child_fd,
    bool intercept)
{
	pid_t monitor = getpid(), pid;
	sigset_t set, old;
	int sv[2];

	if (intercept)
		notify_check_kernel();
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
		die_errno("monitor", "socketpair");
	/* Blocked before the fork, so no signal is lost before signalfd. */
	supervise_block(&set, &old);
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		die_errno("monitor", "fork");
	if (pid > 0) {
		close(sv[0]);
		run(allow, pid, sv[1], &set, intercept);
	}
	if (sigprocmask(SIG_SETMASK, &old, NULL) != 0)
		die_errno("monitor", "sigprocmask");
	place_child_end(sv, child_fd);
	return monitor;
}
