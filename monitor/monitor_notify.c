/* SPDX-License-Identifier: ISC */
/*
 * monitor_notify.c: --intercept, the monitor performing the program's own
 * bind(2) of a low port, and open(2) of a file, that its allow list
 * grants.  The child, after its drop (no_new_privs set), loads a seccomp
 * filter whose action for bind(2) (and, with --allow-open, open, openat
 * and openat2) is a user notification (seccomp_unotify(2)), and sends the
 * listener to the monitor before it execs.  For each notification the
 * monitor reads the address or path from the program's memory once, takes
 * a copy of the program's own socket (pidfd_getfd(2)), checks that the
 * call is still pending, and acts on its copies only: a granted address on
 * a socket of the monitor's own network namespace whose domain, type and
 * protocol the grant names is bound with CAP_NET_BIND_SERVICE raised
 * around bind(2) alone, so every option the program set on its socket
 * stays; another low port is refused with EACCES; a granted file is opened
 * as --allow-open does and the fd installed in the program as the call's
 * result (SECCOMP_ADDFD_FLAG_SEND); the program's IPV6_V6ONLY is set by
 * the monitor too, so it cannot change during a bind.  Anything else
 * (another namespace's socket too) continues as the program's own call,
 * with the program's own credentials, which grants nothing.  A call from
 * another architecture (i386, x32) kills the program.  Once the monitor is
 * gone, the kernel fails a notified call with ENOSYS.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/filter.h>
#include <linux/openat2.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <seccomp.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "compat.h"
#include "die.h"
#include "monitor.h"
#include "privs.h"

#define CONTINUE (-1)	/* the verdict: the program's own call goes on */
#define ANSWERED (-2)	/* answered already, or no longer pending */

/* Static, not on the stack of privileged code; room for a newer kernel's
 * larger structures (SECCOMP_GET_NOTIF_SIZES says). */
static union { struct seccomp_notif n; char room[512]; } req_buf;
static union { struct seccomp_notif_resp r; char room[128]; } resp_buf;
static struct seccomp_notif_sizes sizes;
static char path[PATH_MAX];
static uint64_t own_netns;	/* the monitor's network namespace's cookie */

/* A verdict, for --verbose: done, an error, or neither. */
static const char *verdict_name(int verdict)
{
	return verdict > 0 ? strerror(verdict) : verdict == 0 ? "done" :
	    verdict == CONTINUE ? "its own call" : "no longer pending";
}

static int open_pidfd(pid_t tid)
{
	return (int)syscall(SYS_pidfd_open, tid, PIDFD_THREAD);
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
	int pidfd;

#ifdef __NR_socketcall
	/* There a rule on bind's or setsockopt's arguments would compare
	 * socketcall's, which carries every socket call too. */
	die("intercept", "not on this architecture: its socket calls can go "
	    "through socketcall(2)");
#endif

	if (syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action) != 0)
		die_errno("intercept", "the kernel lacks seccomp user "
		    "notification (Linux 5.0)");
	/* Linux 6.9 has pidfd_getfd(2) and SECCOMP_ADDFD_FLAG_SEND too. */
	if ((pidfd = open_pidfd(gettid())) < 0)
		die_errno("intercept", "the kernel lacks pidfd_open(2) with "
		    "PIDFD_THREAD (Linux 6.9)");
	close(pidfd);
	if (!read_memory(getpid(), (uintptr_t)&action, &action, 1))
		die_errno("intercept", "the kernel lacks process_vm_readv(2)");
}

/*
 * Load ctx's filter with SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV, which
 * libseccomp 2.5 cannot set: once the monitor has received a call, only a
 * fatal signal ends the program's wait for the answer, so no bind is done
 * that the program was told was interrupted (EINTR) or that a restarted
 * call would meet (EINVAL).  A signal before that withdraws the call.
 * The listener, or -errno (EINVAL for a filter that did not export).
 */
static int load_killable(scmp_filter_ctx ctx)
{
	static struct sock_filter code[BPF_MAXINSNS];	/* 32 KiB: fits a pipe */
	struct sock_fprog prog = { 0, code };
	ssize_t n = -1;
	int p[2];

	if (pipe2(p, O_CLOEXEC) != 0)
		return -errno;
	if (seccomp_export_bpf(ctx, p[1]) == 0)
		n = read(p[0], code, sizeof(code));
	close(p[0]);
	close(p[1]);
	prog.len = n > 0 ? (unsigned short)(n / sizeof(*code)) : 0;
	n = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
	    SECCOMP_FILTER_FLAG_NEW_LISTENER |
	    SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV, &prog);
	return n < 0 ? -errno : (int)n;
}

int notify_install(const struct monitor_allowlist *allow)
{
	const int opens[] = { SCMP_SYS(open), SCMP_SYS(openat),
	    SCMP_SYS(openat2) };
	const int rings[] = { SCMP_SYS(io_uring_setup),
	    SCMP_SYS(io_uring_enter), SCMP_SYS(io_uring_register) };
	scmp_filter_ctx ctx = must_alloc(seccomp_init(SCMP_ACT_ALLOW));
	bool any_open = false;
	size_t i;
	int rc;

	/* Native calls only: i386's and x32's bind, or socketcall(2),
	 * would pass unseen, so another architecture kills. */
	rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH,
	    SCMP_ACT_KILL_PROCESS);
	if (rc == 0)	/* no_new_privs is privs.c's, and already set */
		rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	if (rc == 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(bind), 0);
	/* IPV6_V6ONLY is set by the monitor (answer_v6only()); the kernel
	 * reads level and name as ints: 32 bits compared. */
	if (rc == 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(setsockopt),
		    2, SCMP_A1(SCMP_CMP_MASKED_EQ, UINT32_MAX, IPPROTO_IPV6),
		    SCMP_A2(SCMP_CMP_MASKED_EQ, UINT32_MAX, IPV6_V6ONLY));
	/* io_uring's setsockopt (Linux 6.7) is not seen by seccomp, nor by a
	 * ring taken from another process (pidfd_getfd(2)). */
	for (i = 0; i < 3 && rc == 0; i++)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), rings[i], 0);
	for (i = 0; i < allow->n; i++)
		any_open = any_open || allow->a[i].spec.kind == SPEC_OPEN;
	for (i = 0; i < 3 && any_open && rc == 0; i++)
		rc = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, opens[i], 0);
	if (rc == 0)
		rc = load_killable(ctx);
	seccomp_release(ctx);
	if (rc < 0) {
		errno = -rc;
		die_errno("intercept", "load the seccomp filter");
	}
	/* The monitor woken on the program's CPU, and the program on the
	 * monitor's: a bind waits for one switch, not two cross-CPU
	 * wake-ups. */
	if (ioctl(rc, SECCOMP_IOCTL_NOTIF_SET_FLAGS,
	    SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP) != 0)
		die_errno("intercept", "SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP");
	return rc;
}

/* The cookie of the network namespace sock was made in; 0 if none. */
static uint64_t netns_of(int sock)
{
	uint64_t cookie = 0;
	socklen_t len = sizeof(cookie);

	return getsockopt(sock, SOL_SOCKET, SO_NETNS_COOKIE, &cookie, &len) ==
	    0 ? cookie : 0;
}

void notify_prepare(int sock)
{
	if ((own_netns = netns_of(sock)) == 0)
		die_errno("intercept", "getsockopt(SO_NETNS_COOKIE)");
	if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) != 0)
		die_errno("intercept", "seccomp(SECCOMP_GET_NOTIF_SIZES)");
	if (sizes.seccomp_notif > sizeof(req_buf) ||
	    sizes.seccomp_notif_resp > sizeof(resp_buf))
		die("intercept", "the kernel's notifications are too large");
}

/*
 * Whether the allow list grants binding sock to ss: by the socket's own
 * domain, type and protocol (tcp or udp), whatever the address said.  A
 * dual-stack socket bound to [::] takes 0.0.0.0 too: unless that is
 * granted as well, [::] is granted only with IPV6_V6ONLY set.
 */
static bool granted(const struct monitor_allowlist *allow, int sock,
    const struct sockaddr_storage *ss)
{
	int domain = -1, type = -1, proto = -1, v6only = 0;
	socklen_t len = sizeof(int);

	if (getsockopt(sock, SOL_SOCKET, SO_DOMAIN, &domain, &len) != 0 ||
	    getsockopt(sock, SOL_SOCKET, SO_TYPE, &type, &len) != 0 ||
	    getsockopt(sock, SOL_SOCKET, SO_PROTOCOL, &proto, &len) != 0 ||
	    domain != ss->ss_family || proto != (type == SOCK_STREAM ?
	    IPPROTO_TCP : type == SOCK_DGRAM ? IPPROTO_UDP : -1) ||
	    !monitor_bind_granted(allow, type, ss))
		return false;
	return !monitor_needs_v6only(allow, type, ss) ||
	    (getsockopt(sock, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, &len) == 0 &&
	    v6only);
}

/* bind(2) with the capability raised around it alone: 0 or an errno. */
static int bind_raised(int sock, const struct sockaddr_storage *ss,
    socklen_t len)
{
	int err = privs_root() != 0 ? -1 :
	    bind(sock, (const struct sockaddr *)ss, len) == 0 ? 0 : errno;

	if (privs_relinquish() != 0 || err < 0)	/* lowered either way */
		die("intercept", "%s", privs_error());
	return err;
}

/*
 * The monitor's copy of the program's fd, or -1.  The calling thread's
 * pidfd is kept for its next call: pidfd_open(2) and its close(2) were a
 * sixth of an intercepted bind (bench/RESULTS.md).  A pidfd names its
 * thread, never a later one given the same number: that fails with ESRCH,
 * and the number is opened again.
 */
static int copy_fd(const struct seccomp_notif *n, uint64_t fd)
{
	static int pidfd = -1;
	static pid_t tid;
	int copy = -1;

	if (pidfd >= 0 && tid == (pid_t)n->pid)
		copy = (int)syscall(SYS_pidfd_getfd, pidfd, (int)fd, 0);
	if (copy < 0 && (pidfd < 0 || tid != (pid_t)n->pid ||
	    errno == ESRCH)) {
		if (pidfd >= 0)
			close(pidfd);
		tid = (pid_t)n->pid;
		pidfd = open_pidfd(tid);
		copy = pidfd < 0 ? -1 :
		    (int)syscall(SYS_pidfd_getfd, pidfd, (int)fd, 0);
	}
	return copy;
}

static int answer_bind(const struct seccomp_notif *n,
    const struct monitor_allowlist *allow, int listener)
{
	unsigned char buf[sizeof(struct sockaddr_storage)];
	struct sockaddr_storage ss;
	uint64_t len = n->data.args[2];
	int port, sock, verdict = CONTINUE;

	if (len > sizeof(buf) || !read_memory((pid_t)n->pid, n->data.args[1],
	    buf, len))
		return CONTINUE;	/* the kernel fails it */
	port = privrun_proto_sockaddr(buf, len, &ss);
	if (port <= 0 || (unsigned)port >= monitor_port_start())
		return CONTINUE;	/* nothing to grant */
	sock = copy_fd(n, n->data.args[0]);
	/* Still pending: the tid was not another's, nor the fd.  No socket
	 * (the kernel says EBADF or ENOTSOCK), or another network namespace's:
	 * the program's own call, with its own rights there. */
	if (ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &n->id) != 0)
		verdict = ANSWERED;
	else if (netns_of(sock) == own_netns)
		verdict = granted(allow, sock, &ss) ?
		    bind_raised(sock, &ss, (socklen_t)len) : EACCES;
	/* The program's setsockopt(IPV6_V6ONLY) waits for the monitor; a
	 * process outside privrun that holds the socket too (sent it, or
	 * took it with pidfd_getfd(2)) may still turn the option off before
	 * the bind, which froze it: a grant exceeded ends the service,
	 * loudly.  (A filter dropping IPv4 on the socket would need
	 * CAP_NET_ADMIN for tcp.) */
	if (verdict == 0 && monitor_any6(&ss) && !granted(allow, sock, &ss))
		die("intercept", "pid %u's socket was made dual-stack during "
		    "its bind to port %d: 0.0.0.0 is not granted", n->pid,
		    port);
	if (sock >= 0)
		close(sock);
	trace("monitor: pid %u: bind of a family %d socket to port %d: %s",
	    n->pid, ss.ss_family, port, verdict_name(verdict));
	return verdict;
}

/* The kernel's answer to a bad address: EFAULT on an IPv6 socket; on
 * anything else the option's error there (ENOPROTOOPT, EOPNOTSUPP,
 * ENOTSOCK), which the kernel checks before it reads the value, and which
 * a setsockopt of the monitor's own value gets. */
static int bad_address(int sock)
{
	int domain = 0, off = 0;
	socklen_t len = sizeof(domain);

	if (getsockopt(sock, SOL_SOCKET, SO_DOMAIN, &domain, &len) == 0 &&
	    domain == AF_INET6)
		return EFAULT;
	return setsockopt(sock, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off))
	    != 0 ? errno : EFAULT;
}

/*
 * setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, ...), done by the monitor on
 * its copy of the socket, one notification at a time: a thread of the
 * program cannot turn a socket dual-stack between a bind's check and the
 * bind.  The program's own call, let go on, would run at a time the monitor
 * does not choose.  The kernel refuses a length below an int, and then
 * changes nothing.
 */
static int answer_v6only(const struct seccomp_notif *n, int listener)
{
	int on = 0, sock = -1, verdict;	/* NULL reads as 0 */

	if ((int)n->data.args[4] < (int)sizeof(on))
		verdict = CONTINUE;
	else if ((sock = copy_fd(n, n->data.args[0])) < 0)
		verdict = errno;
	else if (ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &n->id) != 0)
		verdict = ANSWERED;
	else if (n->data.args[3] != 0 && !read_memory((pid_t)n->pid,
	    n->data.args[3], &on, sizeof(on)))
		verdict = bad_address(sock);
	else
		verdict = setsockopt(sock, IPPROTO_IPV6, IPV6_V6ONLY, &on,
		    sizeof(on)) == 0 ? 0 : errno;
	if (sock >= 0)
		close(sock);
	trace("monitor: pid %u: IPV6_V6ONLY on fd %d: %s", n->pid,
	    (int)n->data.args[0], verdict_name(verdict));
	return verdict;
}

/* The absolute path at addr.  The read may stop at an unmapped page, so
 * the remote iovecs split where a page ends: a string that ends before
 * it is read whole. */
static bool read_path(pid_t tid, uint64_t addr)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t first = page - addr % page < sizeof(path) ?
	    page - addr % page : sizeof(path);
	struct iovec local = { path, sizeof(path) };
	struct iovec remote[2] = { { (void *)(uintptr_t)addr, first },
	    { (void *)(uintptr_t)(addr + first), sizeof(path) - first } };
	ssize_t n = process_vm_readv(tid, &local, 1, remote, 2, 0);

	return n > 0 && privrun_proto_path(path, (size_t)n) >= 0;
}

/* The path's address and the flags of open, openat or openat2 (an int
 * for the first two, as the kernel reads it); false for openat2 with
 * RESOLVE_ flags or an open_how of another size. */
static bool open_args(const struct seccomp_notif *n, uint64_t *addr,
    uint64_t *flags)
{
	const __u64 *arg = n->data.args;
	struct open_how how = { 0 };

	*addr = n->data.nr == SCMP_SYS(open) ? arg[0] : arg[1];
	*flags = (unsigned)(n->data.nr == SCMP_SYS(open) ? arg[1] : arg[2]);
	if (n->data.nr == SCMP_SYS(openat2) && (arg[3] != sizeof(how) ||
	    !read_memory((pid_t)n->pid, arg[2], &how, sizeof(how)) ||
	    how.resolve != 0))
		return false;
	*flags = n->data.nr == SCMP_SYS(openat2) ? how.flags : *flags;
	return true;
}

/* A granted file, opened by the monitor, goes into the program as the
 * call's result, close-on-exec as the program asked. */
static int answer_open(const struct seccomp_notif *n,
    const struct monitor_allowlist *allow, int listener)
{
	struct seccomp_notif_addfd add = { .id = n->id,
	    .flags = SECCOMP_ADDFD_FLAG_SEND };
	uint64_t addr, flags;
	int grant, fd, verdict, how;

	if (!open_args(n, &addr, &flags) ||
	    (grant = privrun_proto_open_flags(flags)) < 0 ||
	    !read_path((pid_t)n->pid, addr))
		return CONTINUE;
	/* Still pending: the path is the one this call named. */
	if (ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &n->id) != 0)
		return ANSWERED;
	/* fopen(3)'s "w" and "a" always ask O_CREAT: an entry with create
	 * grants it, one without opens the file only if it exists.  How the
	 * program writes and reads (no entry names it) goes into the open:
	 * F_SETFL cannot set O_SYNC or O_DSYNC later. */
	how = (int)flags & (O_SYNC | O_DSYNC | O_DIRECT);
	fd = flags & O_CREAT ? monitor_open_for(allow, path, grant | O_CREAT,
	    how) : -2;
	if (fd == -2)
		fd = monitor_open_for(allow, path, grant, how);
	if (fd < 0)
		return fd == -2 ? CONTINUE : errno;
	add.srcfd = (unsigned)fd;
	add.newfd_flags = (unsigned)(flags & O_CLOEXEC);
	/* The open cleared O_NONBLOCK; a FIFO or device read the program
	 * asked not to block on must not (O_APPEND and O_DIRECT are the
	 * other flags F_SETFL sets). */
	if ((flags & O_NONBLOCK) && fcntl(fd, F_SETFL, O_NONBLOCK |
	    ((grant | how) & (O_APPEND | O_DIRECT))) != 0)
		verdict = errno;
	else	/* ENOENT: interrupted meanwhile, nothing installed. */
		verdict = ioctl(listener, SECCOMP_IOCTL_NOTIF_ADDFD, &add) >=
		    0 || errno == ENOENT ? ANSWERED : errno;
	close(fd);
	return verdict;
}

void notify_serve(const struct monitor_allowlist *allow, int listener)
{
	struct seccomp_notif *n = &req_buf.n;
	struct seccomp_notif_resp *r = &resp_buf.r;
	int verdict;

	memset(&req_buf, 0, sizeof(req_buf));
	if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, n) != 0)
		return;		/* ENOENT: the caller was interrupted */
	/* The filter notifies bind(2), setsockopt(2) of IPV6_V6ONLY, and
	 * with --allow-open the open family, of the native architecture
	 * alone (another kills). */
	verdict = n->data.arch != seccomp_arch_native() ? CONTINUE :
	    n->data.nr == SCMP_SYS(bind) ? answer_bind(n, allow, listener) :
	    n->data.nr == SCMP_SYS(setsockopt) ? answer_v6only(n, listener) :
	    answer_open(n, allow, listener);
	if (verdict == ANSWERED)
		return;
	memset(&resp_buf, 0, sizeof(resp_buf));
	r->id = n->id;
	r->flags = verdict == CONTINUE ? SECCOMP_USER_NOTIF_FLAG_CONTINUE : 0;
	r->error = verdict == CONTINUE ? 0 : -verdict;
	/* ENOENT: interrupted meanwhile; the kernel restarts or fails it. */
	(void)ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, r);
}
