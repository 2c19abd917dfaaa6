/* SPDX-License-Identifier: ISC */
/*
 * monitor_notify.c: --intercept, the monitor performing the program's own
 * bind(2) of a low port, and open(2) of a file, that its allow list
 * grants.  The child, after its drop (no_new_privs set), loads a seccomp
 * filter whose action for bind(2) (and, with --allow-open, open, openat
 * and openat2) is a user notification (seccomp_unotify(2)) and sends the
 * listener to the monitor before it execs.  For each notification the
 * monitor reads the address or path from the program's memory once, takes
 * a copy of the program's own socket (pidfd_getfd(2)), checks that the
 * call is still pending, and acts on its copies only: a granted address is
 * bound with CAP_NET_BIND_SERVICE raised around bind(2) alone, so every
 * option the program set on its socket stays; another low port is refused
 * with EACCES; a granted file is opened as --allow-open does and the fd
 * installed in the program as the call's result (SECCOMP_ADDFD_FLAG_SEND).
 * Anything else continues as the program's own call, with the program's
 * own credentials, which grants nothing.  A call from another architecture
 * (i386, x32) kills the program.  Once the monitor is gone, the kernel
 * fails a notified call with ENOSYS.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "compat.h"
#include "die.h"
#include "monitor.h"
#include "privs.h"

#define VERDICT_CONTINUE (-1)	/* the program's own call goes ahead */
#define VERDICT_GONE (-2)	/* the call was interrupted: no answer */

/* The bits of open(2)'s flags that a grant is about. */
#define OPEN_GRANT_FLAGS (O_ACCMODE | O_APPEND | O_CREAT | O_TRUNC)

static struct seccomp_notif *req;
static struct seccomp_notif_resp *resp;
static struct seccomp_notif_sizes sizes;
static char path[PATH_MAX];	/* not on the stack of privileged code */

static int open_pidfd(pid_t tid)
{
	return (int)syscall(SYS_pidfd_open, tid, PIDFD_THREAD);
}

static int get_fd(int pidfd, int fd)
{
	return (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);
}

static bool read_memory(pid_t tid, uint64_t addr, void *buf, size_t len)
{
	struct iovec local = { buf, len };
	struct iovec remote = { (void *)(uintptr_t)addr, len };

	return process_vm_readv(tid, &local, 1, &remote, 1, 0) ==
	    (ssize_t)len;
}

void notify_check_kernel(void)
{
	unsigned action = SECCOMP_RET_USER_NOTIF;
	char byte = 0;
	int pidfd, fd;

	if (syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action) != 0)
		die_errno("intercept", "the kernel lacks seccomp user "
		    "notification (Linux 5.0)");
	pidfd = open_pidfd(gettid());
	if (pidfd < 0)
		die_errno("intercept", "the kernel lacks pidfd_open(2) with "
		    "PIDFD_THREAD (Linux 6.9)");
	fd = get_fd(pidfd, pidfd);
	if (fd < 0)
		die_errno("intercept", "the kernel lacks pidfd_getfd(2)");
	close(fd);
	close(pidfd);
	if (!read_memory(getpid(), (uintptr_t)&byte, &byte, 1))
		die_errno("intercept", "the kernel lacks process_vm_readv(2)");
}

static bool any_open(const struct monitor_allowlist *allow)
{
	size_t i;

	for (i = 0; i < allow->n; i++)
		if (allow->a[i].spec.kind == SPEC_OPEN)
			return true;
	return false;
}

static int notify_on(scmp_filter_ctx ctx, const struct monitor_allowlist *a)
{
	int rc = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(bind), 0);

	if (rc == 0 && any_open(a))
		rc = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(open), 0);
	if (rc == 0 && any_open(a))
		rc = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(openat), 0);
	if (rc == 0 && any_open(a))
		rc = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(openat2),
		    0);
	return rc;
}

/* In the child: the filter, and its listener to the monitor on sock. */
void notify_install(int sock, const struct monitor_allowlist *allow)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl = { .buf = { 0 } };
	char tag = 'L';
	struct iovec iov = { &tag, 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
	    .msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	int rc, fd;

	if (ctx == NULL)
		die("intercept", "seccomp_init failed");
	/* Native calls only: i386's and x32's bind, or socketcall(2),
	 * would pass unseen, so another architecture kills. */
	rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH,
	    SCMP_ACT_KILL_PROCESS);
	if (rc == 0)	/* no_new_privs is privs.c's, and already set */
		rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	if (rc == 0)
		rc = notify_on(ctx, allow);
	if (rc == 0)
		rc = seccomp_load(ctx);
	fd = rc == 0 ? seccomp_notify_fd(ctx) : rc;
	seccomp_release(ctx);
	if (fd < 0) {
		errno = -fd;
		die_errno("intercept", "load the seccomp filter");
	}
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	if (sendmsg(sock, &m, MSG_NOSIGNAL) != 1)
		die_errno("intercept", "send the listener to the monitor");
	close(fd);
}

/* In the monitor, before its own filter: buffers of the kernel's sizes. */
void notify_prepare(void)
{
	if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) != 0)
		die_errno("intercept", "seccomp(SECCOMP_GET_NOTIF_SIZES)");
	req = calloc(1, sizes.seccomp_notif > sizeof(*req) ?
	    sizes.seccomp_notif : sizeof(*req));
	resp = calloc(1, sizes.seccomp_notif_resp > sizeof(*resp) ?
	    sizes.seccomp_notif_resp : sizeof(*resp));
	if (req == NULL || resp == NULL)
		die_errno("intercept", "calloc");
}

/* The listener the child sends first, or -1 if it died before. */
int notify_receive_listener(int sock)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	char byte;
	struct iovec iov = { &byte, 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
	    .msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf) };
	struct cmsghdr *c;
	ssize_t n;
	int fd = -1;

	do
		n = recvmsg(sock, &m, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	c = n == 1 ? CMSG_FIRSTHDR(&m) : NULL;
	if (c != NULL && c->cmsg_level == SOL_SOCKET &&
	    c->cmsg_type == SCM_RIGHTS && c->cmsg_len == CMSG_LEN(sizeof(int)))
		memcpy(&fd, CMSG_DATA(c), sizeof(int));
	trace("monitor: seccomp listener %d", fd);
	return fd;
}

/* tcp (SOCK_STREAM) or udp (SOCK_DGRAM) of family, else -1. */
static int socket_kind(int sock, int family)
{
	int domain = -1, type = -1, proto = -1;
	socklen_t len = sizeof(int);

	if (getsockopt(sock, SOL_SOCKET, SO_DOMAIN, &domain, &len) != 0 ||
	    getsockopt(sock, SOL_SOCKET, SO_TYPE, &type, &len) != 0 ||
	    getsockopt(sock, SOL_SOCKET, SO_PROTOCOL, &proto, &len) != 0 ||
	    domain != family)
		return -1;
	if ((type == SOCK_STREAM && proto == IPPROTO_TCP) ||
	    (type == SOCK_DGRAM && proto == IPPROTO_UDP))
		return type;
	return -1;
}

/* bind(2) with the capability raised around it alone: 0 or an errno. */
static int bind_raised(int sock, const struct sockaddr_storage *ss,
    socklen_t len)
{
	int err;

	if (privs_root() != 0)
		die("intercept", "%s", privs_error());
	err = bind(sock, (const struct sockaddr *)ss, len) == 0 ? 0 : errno;
	if (privs_relinquish() != 0)
		die("intercept", "%s", privs_error());
	return err;
}

/* Copies of the caller's address and socket, taken while it waits. */
static int answer_bind(const struct monitor_allowlist *allow, int listener)
{
	unsigned char buf[sizeof(struct sockaddr_storage)];
	struct sockaddr_storage ss;
	uint64_t len = req->data.args[2];
	int port, pidfd, sock, kind, verdict;

	if (len > sizeof(buf) || !read_memory((pid_t)req->pid,
	    req->data.args[1], buf, len))
		return VERDICT_CONTINUE;	/* the kernel fails it */
	port = privrun_proto_sockaddr(buf, len, &ss);
	if (port <= 0 || port >= PRIVILEGED_PORTS)
		return VERDICT_CONTINUE;	/* nothing to grant */
	pidfd = open_pidfd((pid_t)req->pid);
	sock = pidfd < 0 ? -1 : get_fd(pidfd, (int)req->data.args[0]);
	if (pidfd >= 0)
		close(pidfd);
	if (ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &req->id) != 0) {
		verdict = VERDICT_GONE;	/* the tid may be another's now */
	} else if (sock < 0) {
		verdict = VERDICT_CONTINUE;	/* EBADF, from the kernel */
	} else {
		kind = socket_kind(sock, ss.ss_family);
		verdict = kind >= 0 && monitor_bind_granted(allow, kind, &ss) ?
		    bind_raised(sock, &ss, (socklen_t)len) : EACCES;
	}
	if (sock >= 0)
		close(sock);
	trace("monitor: pid %u: bind of a family %d socket to port %d: %s",
	    req->pid, ss.ss_family, port, verdict == 0 ? "done" :
	    verdict > 0 ? strerror(verdict) : "not answered");
	return verdict;
}

/* The NUL-terminated path at addr, read a page at a time: a string may
 * end just before an unmapped page. */
static bool read_path(pid_t tid, uint64_t addr)
{
	size_t got = 0, page = (size_t)sysconf(_SC_PAGESIZE), n;

	while (got < sizeof(path)) {
		n = page - (size_t)((addr + got) % page);
		if (n > sizeof(path) - got)
			n = sizeof(path) - got;
		if (!read_memory(tid, addr + got, path + got, n))
			return false;
		if (memchr(path + got, '\0', n) != NULL)
			return privrun_proto_path(path, sizeof(path)) >= 0;
		got += n;
	}
	return false;
}

/* open, openat or openat2: the path's address and the flags, or false
 * for a call to leave alone (openat2 with RESOLVE_ flags, O_PATH). */
static bool open_args(pid_t tid, uint64_t *addr, int *flags)
{
	const __u64 *arg = req->data.args;
	struct open_how how;

	*addr = req->data.nr == SCMP_SYS(open) ? arg[0] : arg[1];
	if (req->data.nr == SCMP_SYS(open))
		*flags = (int)arg[1];
	else if (req->data.nr == SCMP_SYS(openat))
		*flags = (int)arg[2];
	else if (arg[3] < sizeof(how) ||
	    !read_memory(tid, arg[2], &how, sizeof(how)) || how.resolve != 0)
		return false;
	else
		*flags = (int)how.flags;
	return (*flags & O_PATH) == 0;
}

/* The file, opened by the monitor and installed in the program (which
 * answers the call), or the verdict for the answer still to give. */
static int answer_open(const struct monitor_allowlist *allow, int listener)
{
	struct seccomp_notif_addfd add = { .id = req->id,
	    .flags = SECCOMP_ADDFD_FLAG_SEND };
	pid_t tid = (pid_t)req->pid;
	uint64_t addr;
	int flags, fd, verdict;

	if (!open_args(tid, &addr, &flags) || !read_path(tid, addr))
		return VERDICT_CONTINUE;
	if (ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &req->id) != 0)
		return VERDICT_GONE;
	fd = monitor_open_for(allow, path, flags & OPEN_GRANT_FLAGS);
	if (fd == -2)
		return VERDICT_CONTINUE;
	if (fd < 0)
		return errno;
	add.srcfd = (unsigned)fd;
	add.newfd_flags = (unsigned)(flags & O_CLOEXEC);
	verdict = ioctl(listener, SECCOMP_IOCTL_NOTIF_ADDFD, &add) >= 0 ||
	    errno == ENOENT ? VERDICT_GONE : errno;
	close(fd);
	return verdict;
}

void notify_serve(const struct monitor_allowlist *allow, int listener)
{
	int verdict;

	memset(req, 0, sizes.seccomp_notif);
	if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, req) != 0)
		return;		/* ENOENT: the caller was interrupted */
	if (req->data.nr == SCMP_SYS(bind))
		verdict = answer_bind(allow, listener);
	else if (req->data.nr == SCMP_SYS(open) ||
	    req->data.nr == SCMP_SYS(openat) ||
	    req->data.nr == SCMP_SYS(openat2))
		verdict = answer_open(allow, listener);
	else
		verdict = VERDICT_CONTINUE;
	if (verdict == VERDICT_GONE)
		return;
	memset(resp, 0, sizes.seccomp_notif_resp);
	resp->id = req->id;
	if (verdict == VERDICT_CONTINUE)
		resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	else
		resp->error = -verdict;
	/* ENOENT: interrupted meanwhile; the kernel restarts or fails it. */
	(void)ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, resp);
}
