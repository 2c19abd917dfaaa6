/* SPDX-License-Identifier: ISC */
/*
 * open.c: open what --bind and --open ask for, while privileged, and
 * place each at its final fd (3, 4, ... in command-line order, after any
 * --pass-listen-fds ones) with close-on-exec cleared on it and nothing else.
 *
 * It must never leave anything behind on failure: a unix socket node it
 * created is removed again before privrun exits 125.  Unix socket nodes are
 * created with their final owner and mode (fsuid/fsgid and umask at bind
 * time), never chown'ed or chmod'ed by path afterwards.  They are bound at
 * their real path, so that getsockname(2) (and sd_is_socket_unix(3)) sees
 * it; the stale-node check and the clean-up work through the directory's
 * fd.  The directory is trusted as root trusts it; an untrusted caller binds
 * with its own file system ids and no capability, so it can only create
 * what it could create itself.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/openat2.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/magic.h>

#include "die.h"
#include "fds.h"
#include "privs.h"
#include "resources.h"

/* A unix socket node created here, to remove if a later step fails. */
struct created {
	int dirfd;
	char base[108];
};

/* The rights a resource is opened with: see rights_for(). */
enum rights {
	RIGHTS_OWN,		/* privs_root() */
	RIGHTS_CALLER,		/* privs_caller(0) */
	RIGHTS_CALLER_BIND,	/* privs_caller(CAP_NET_BIND_SERVICE) */
};

struct opener {
	struct created *created;
	size_t ncreated;
	int high;		/* helper fds live at or above this number */
	bool raised;		/* a run of binds holds rights (see below) */
	enum rights rights;	/* which */
	size_t run_start;	/* the run's first resource */
	int cloexec;		/* O_CLOEXEC, or 0 for what is placed next */
	char err[1024];
};

/* The error rule of HACKING.md, into the opener's buffer. */
#define FAIL(op, ...) error_into((op)->err, sizeof((op)->err), 0, __VA_ARGS__)
#define FAIL_ERRNO(op, ...) \
	error_into((op)->err, sizeof((op)->err), errno, __VA_ARGS__)

/* socket(2) takes O_CLOEXEC as SOCK_CLOEXEC: op->cloexec serves both. */
_Static_assert(SOCK_CLOEXEC == O_CLOEXEC, "SOCK_CLOEXEC is O_CLOEXEC");

/*
 * Move fd, opened without close-on-exec, to exactly res->fd (dup3(2)
 * leaves the flag cleared there too).  On failure fd stays open: privrun
 * dies next.
 */
static int place(struct opener *op, const struct resource *res, int fd)
{
	if (fd != res->fd && dup3(fd, res->fd, 0) != res->fd)
		return FAIL_ERRNO(op, "%s: place on fd %d", res->spec.text,
		    res->fd);
	if (fd != res->fd)
		close(fd);
	return 0;
}

/* Keep a helper fd above every target number, out of place()'s way. */
static int move_high(struct opener *op, const struct spec *s, int fd)
{
	int high = fcntl(fd, F_DUPFD_CLOEXEC, op->high);

	close(fd);
	if (high < 0)
		return FAIL_ERRNO(op, "%s: fcntl(F_DUPFD_CLOEXEC)", s->text);
	return high;
}

/*
 * The options of a --bind spec (privrun(1)) that are socket options, set
 * in this order; v6only (0 or 1) is set on an IPv6 socket only.
 */
static int apply_sockopts(struct opener *op, const struct spec *s, int fd,
    int fam, int v6only)
{
	int v6 = fam == AF_INET6, ip = v6 ? SOL_IPV6 : SOL_IP;
	const struct {
		bool on;
		int level, name, value;
		const char *what;
	} o[] = {
		{ v6 && v6only >= 0, SOL_IPV6, IPV6_V6ONLY, v6only, "v6only" },
		{ s->socktype == SOCK_STREAM && fam != AF_UNIX, SOL_SOCKET,
		    SO_REUSEADDR, 1, "SO_REUSEADDR" },
		{ s->reuseport, SOL_SOCKET, SO_REUSEPORT, 1, "reuseport" },
		{ s->freebind, ip, v6 ? IPV6_FREEBIND : IP_FREEBIND, 1,
		    "freebind" },
		{ s->transparent, ip, v6 ? IPV6_TRANSPARENT : IP_TRANSPARENT,
		    1, "transparent" },
		{ s->rcvbuf != 0, SOL_SOCKET, SO_RCVBUF, s->rcvbuf, "rcvbuf" },
		{ s->sndbuf != 0, SOL_SOCKET, SO_SNDBUF, s->sndbuf, "sndbuf" },
		{ s->has_mark, SOL_SOCKET, SO_MARK, (int)s->mark, "mark" },
	};
	size_t i;

	for (i = 0; i < sizeof(o) / sizeof(*o); i++)
		if (o[i].on && setsockopt(fd, o[i].level, o[i].name,
		    &o[i].value, sizeof(o[i].value)) != 0)
			return FAIL_ERRNO(op, "%s: %s", s->text, o[i].what);
	if (s->device[0] != '\0' && setsockopt(fd, SOL_SOCKET,
	    SO_BINDTODEVICE, s->device, (socklen_t)strlen(s->device)) != 0)
		return FAIL_ERRNO(op, "%s: device %s", s->text, s->device);
	return 0;
}

static int bind_to(struct opener *op, const struct spec *s, int fd,
    const struct sockaddr *sa, socklen_t len)
{
	if (bind(fd, sa, len) == 0)
		return 0;
	if (errno == EADDRINUSE)
		return FAIL(op, "%s: address already in use", s->text);
	if (errno == EADDRNOTAVAIL)
		return FAIL(op, "%s: address not available on this host",
		    s->text);
	if (errno == EACCES && s->family != AF_UNIX)
		return FAIL(op, "%s: permission denied: a privileged port "
		    "needs privrun run as root, setuid-root with a bind rule, "
		    "or with file capabilities", s->text);
	return FAIL_ERRNO(op, "%s: bind", s->text);
}

/* A stream socket listens; a datagram socket has nothing more to do. */
static int listen_on(struct opener *op, const struct spec *s, int fd)
{
	if (s->socktype == SOCK_STREAM && listen(fd, s->backlog) != 0)
		return FAIL_ERRNO(op, "%s: listen", s->text);
	return 0;
}

static int open_inet(struct opener *op, const struct spec *s)
{
	struct sockaddr_storage ss = s->addr;
	socklen_t len = s->addrlen;
	int fam = ss.ss_family, fd;
	int v6only = s->v6only >= 0 ? s->v6only :
	    s->family == SPEC_FAMILY_DUAL ? 0 : -1;

	fd = socket(fam, s->socktype | op->cloexec, 0);
	if (fd < 0 && errno == EAFNOSUPPORT && s->family == SPEC_FAMILY_DUAL &&
	    s->v6only < 0) {
		/* No IPv6 in this kernel: a bare port means IPv4's wildcard. */
		struct sockaddr_in *in4 = (struct sockaddr_in *)&ss;
		in_port_t port = ((const struct sockaddr_in6 *)&s->addr)->sin6_port;
		memset(&ss, 0, sizeof(ss));
		in4->sin_family = AF_INET;
		in4->sin_port = port;
		fam = AF_INET;
		len = sizeof(*in4);
		fd = socket(fam, s->socktype | op->cloexec, 0);
	}
	if (fd < 0)
		return FAIL_ERRNO(op, "%s: socket", s->text);
	if (apply_sockopts(op, s, fd, fam, v6only) != 0 ||
	    bind_to(op, s, fd, (struct sockaddr *)&ss, len) != 0 ||
	    listen_on(op, s, fd) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * A stale socket node (nobody accepts on it) may be replaced; a live one,
 * or anything that is not a socket, may not.  The probe is made
 * close-on-exec, unlike the socket it makes way for.
 */
static int clear_stale_node(struct opener *op, const struct spec *s,
    const struct created *c)
{
	struct stat st;
	int probe, live;

	if (fstatat(c->dirfd, c->base, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return errno == ENOENT ? 0 :
		    FAIL_ERRNO(op, "%s: stat", s->text);
	if (!S_ISSOCK(st.st_mode))
		return FAIL(op, "%s: exists and is not a socket", s->text);
	probe = socket(AF_UNIX, s->socktype | SOCK_CLOEXEC, 0);
	if (probe < 0)
		return FAIL_ERRNO(op, "%s: socket", s->text);
	live = connect(probe, (const struct sockaddr *)&s->addr,
	    s->addrlen) == 0;
	close(probe);
	if (live)
		return FAIL(op, "%s: address already in use", s->text);
	if (unlinkat(c->dirfd, c->base, 0) != 0)
		return FAIL_ERRNO(op, "%s: remove stale socket", s->text);
	return 0;
}

/*
 * Bind a unix socket node into its directory with its owner and mode from
 * birth, and count it as created once it exists: a later failure, even of
 * its own listen(2), removes it.
 */
static int bind_node(struct opener *op, const struct resource *r, int fd)
{
	const struct spec *s = &r->spec;
	mode_t old;
	int rc;

	if (clear_stale_node(op, s, &op->created[op->ncreated]) != 0)
		return -1;
	if (!privs_untrusted_caller() &&
	    privs_create_as(r->owner, r->group) != 0)
		return FAIL(op, "%s: %s", s->text, privs_error());
	old = umask(0777 & ~(mode_t)(s->mode >= 0 ? s->mode : 0666));
	rc = bind_to(op, s, fd, (const struct sockaddr *)&s->addr, s->addrlen);
	umask(old);
	if (rc == 0)
		op->ncreated++;
	return privs_untrusted_caller() || privs_relinquish() == 0 || rc != 0 ?
	    rc : FAIL(op, "%s: %s", s->text, privs_error());
}

/*
 * A unix socket.  For a node, the directory's fd first, moved above the
 * target fds once the socket is made (the clean-up works through it).  On
 * failure the socket is left open: only resources_open() opens unix
 * sockets, and privrun dies next.
 */
static int open_unix(struct opener *op, const struct resource *r)
{
	const struct spec *s = &r->spec;
	const char *path = ((const struct sockaddr_un *)&s->addr)->sun_path;
	const char *slash = strrchr(path, '/');
	struct created *c;
	char dir[108];
	int fd, dirfd = -1;

	/* resources_open_single() keeps no nodes: monitor_serve.c refuses
	 * unix sockets before it. */
	if (op->created == NULL)
		return FAIL(op, "%s: not opened here", s->text);
	c = &op->created[op->ncreated];
	if (!s->abstract) {
		snprintf(dir, sizeof(dir), "%.*s",
		    slash == path ? 1 : (int)(slash - path), path);
		snprintf(c->base, sizeof(c->base), "%s", slash + 1);
		dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (dirfd < 0)
			return FAIL_ERRNO(op, "%s: directory %s", s->text,
			    dir);
	}
	fd = socket(AF_UNIX, s->socktype | op->cloexec, 0);
	if (fd < 0)
		return FAIL_ERRNO(op, "%s: socket", s->text);
	if ((!s->abstract && (c->dirfd = move_high(op, s, dirfd)) < 0) ||
	    apply_sockopts(op, s, fd, AF_UNIX, -1) != 0 ||
	    (s->abstract ? bind_to(op, s, fd, (const struct sockaddr *)
	    &s->addr, s->addrlen) : bind_node(op, r, fd)) != 0 ||
	    listen_on(op, s, fd) != 0)
		return -1;
	return fd;
}

/*
 * A regular file, or a FIFO or device when the spec allows it.  Not one on
 * procfs or sysfs, which describe the processes and the kernel rather than
 * hold data: /proc/self/maps opened before --monitor forks shows the
 * program the monitor's live mappings.  Only root (by its real uid) may
 * pass such a file, and never one in privrun's own /proc/PID (the monitor
 * keeps privrun's pid).  That is judged by the path the kernel gives the
 * fd, with "self", "thread-self" and every symbolic link resolved: a
 * component that is privrun's pid counts wherever it is, and so does a
 * path that cannot be read.
 */
static int file_allowed(struct opener *op, const struct spec *s, int fd)
{
	char link[32], path[512], pid[32];
	struct statfs fs;
	struct stat st;
	ssize_t n;

	if (fstat(fd, &st) != 0 || fstatfs(fd, &fs) != 0)
		return FAIL_ERRNO(op, "%s: fstat", s->text);
	if (S_ISDIR(st.st_mode))
		return FAIL(op, "%s: is a directory", s->text);
	if (S_ISFIFO(st.st_mode) && !s->allow_fifo)
		return FAIL(op, "%s: is a FIFO (add ,fifo to allow it)",
		    s->text);
	if ((S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) && !s->allow_device)
		return FAIL(op, "%s: is a device (add ,device to allow it)",
		    s->text);
	if (fs.f_type != PROC_SUPER_MAGIC && fs.f_type != SYSFS_MAGIC)
		return 0;
	if (privs_start_mode() != PRIVS_START_ROOT || privs_untrusted_caller())
		return FAIL(op, "%s: is on procfs or sysfs, which only root "
		    "starting privrun may pass", s->text);
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	snprintf(pid, sizeof(pid), "/%ld/", (long)getpid());
	n = readlinkat(AT_FDCWD, link, path, sizeof(path) - 1);
	if (n < 0 || (size_t)n >= sizeof(path) - 1 ||
	    (path[n] = '\0', strstr(path, pid) != NULL))
		return FAIL(op, "%s: is in privrun's own /proc/PID, which is "
		    "never passed", s->text);
	return 0;
}

/*
 * O_NONBLOCK so that a FIFO or a terminal cannot block us before fstat has
 * said what it is; it is cleared again before the program gets the fd.
 */
static int open_file(struct opener *op, const struct resource *r)
{
	const struct spec *s = &r->spec;
	struct open_how how = {
		.flags = (unsigned)(s->oflags | op->cloexec | O_NOCTTY |
		    O_NONBLOCK | (s->follow ? 0 : O_NOFOLLOW)),
		.mode = (s->oflags & O_CREAT) ? 0600 : 0,
		/* A file a rule grants to an untrusted caller is opened
		 * with privileges: no symlink anywhere may redirect it. */
		.resolve = RESOLVE_NO_MAGICLINKS | (r->granted &&
		    privs_untrusted_caller() ? RESOLVE_NO_SYMLINKS : 0),
	};
	int fd;

	fd = (int)syscall(SYS_openat2, AT_FDCWD, s->path, &how, sizeof(how));
	/* Without openat2(2) (a seccomp sandbox, valgrind 3.19): open(2),
	 * but not for a granted file. */
	if (fd < 0 && errno == ENOSYS && (how.resolve & RESOLVE_NO_SYMLINKS))
		return FAIL(op, "%s: openat2 is not available, and without it "
		    "a granted file cannot be opened safely", s->text);
	if (fd < 0 && errno == ENOSYS)
		fd = open(s->path, (int)how.flags, (mode_t)how.mode);
	if (fd < 0 && errno == ELOOP && !s->follow)
		return FAIL(op, "%s: is a symbolic link (add ,follow to "
		    "follow it)", s->text);
	/* Opened as the caller, since no rule granted it: say what would. */
	if (fd < 0 && errno == EACCES && privs_untrusted_caller() &&
	    !r->granted)
		return FAIL(op, "%s: permission denied to uid %u: an open "
		    "rule in " PRIVRUN_CONF " can grant it", s->text,
		    (unsigned)privs_caller_uid());
	if (fd < 0)
		return FAIL_ERRNO(op, "%s", s->text);
	/* The status flags are how.flags's: F_SETFL changes O_NONBLOCK. */
	if (file_allowed(op, s, fd) != 0 ||
	    (fcntl(fd, F_SETFL, (int)how.flags & ~O_NONBLOCK) != 0 &&
	    FAIL_ERRNO(op, "%s: fcntl", s->text))) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * The rights a resource is opened with.  An untrusted caller gets what it could
 * open itself (privrun(1), "Start modes"): its own ids and no capability,
 * unless a policy rule granted this resource: then CAP_NET_BIND_SERVICE alone
 * for a low port (still as the caller, so SO_REUSEPORT cannot join another
 * user's group and nothing else privileged rides along), or privrun's own
 * privileges for a file the rule names.  Otherwise, privrun's own.
 */
static enum rights rights_for(const struct resource *r)
{
	/* The monitor holds only what its allow list, which the policy
	 * bounds, needs: privs_root() raises just that. */
	if (!privs_untrusted_caller() || privs_monitoring())
		return RIGHTS_OWN;
	if (!r->granted)
		return RIGHTS_CALLER;
	if (r->spec.kind == SPEC_OPEN)
		return RIGHTS_OWN;
	return RIGHTS_CALLER_BIND;
}

/*
 * An internet socket belongs to whoever creates it (its fsuid), and
 * SO_REUSEPORT joins only sockets of the same owner: a reuseport socket
 * is the target's, as the monitor's (--monitor, --intercept) and the
 * program's own are.
 */
static int raise_rights(enum rights rights, const struct resource *r)
{
	if (rights == RIGHTS_OWN && r->spec.kind == SPEC_BIND &&
	    r->spec.reuseport && !privs_monitoring())
		return privs_create_as(r->owner, r->group);
	if (rights == RIGHTS_OWN)
		return privs_root();
	return privs_caller(rights == RIGHTS_CALLER_BIND ?
	    UINT64_C(1) << CAP_NET_BIND_SERVICE : 0);
}

static void check_fd_limit(const struct resources *r)
{
	struct rlimit rl;
	/* The placed fds, plus a few for sockets and directories in flight
	 * and one helper fd per unix socket node. */
	rlim_t need = (rlim_t)resources_end(r) + 8 + r->n;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		die_errno("resources", "getrlimit(RLIMIT_NOFILE)");
	if (need > rl.rlim_cur)
		die("resources", "%zu resources need %llu fds, more than the "
		    "fd limit of %llu (ulimit -n)", r->n,
		    (unsigned long long)need,
		    (unsigned long long)rl.rlim_cur);
}

/*
 * A tcp or udp socket needs nothing while raised but socket(2),
 * setsockopt(2), bind(2) and listen(2), and place() after them: a run of
 * them that needs the same rights shares one raise and one relinquish
 * (two capget/capset pairs fewer per socket).  A unix socket changes its
 * file system ids around the bind, and a file is looked up by path: each
 * of those is a run of its own, and so is a reuseport socket, made as its
 * owner.
 */
static bool shares_raise(const struct resource *r)
{
	return r->spec.kind == SPEC_BIND && r->spec.family != AF_UNIX &&
	    !r->spec.reuseport;	/* made as its owner: raise_rights() */
}

/* Lower what the run before resource end held; trace what it opened. */
static int end_run(struct opener *op, const struct resources *r, size_t end)
{
	size_t i;

	if (!op->raised)
		return 0;
	op->raised = false;
	if (privs_relinquish() != 0)
		return -1;	/* the caller says which, with privs_error() */
	for (i = op->run_start; i < end; i++)
		trace("opened %s as fd %d, name %s", r->res[i].spec.text,
		    r->res[i].fd, r->res[i].spec.name);
	return 0;
}

/*
 * The one raise path of privrun's resources: resource i is opened in a run
 * that holds its rights (rights_for()), ending the run before it unless
 * both share a raise.  What resources_open() opens is made without
 * close-on-exec: place() puts it at its fd next, with nothing run or
 * forked between, and the flag would only be cleared again there.
 */
static int open_in_run(struct opener *op, const struct resources *r,
    size_t i)
{
	struct resource *res = &r->res[i];
	enum rights rights = rights_for(res);

	if (op->raised && (!shares_raise(res) || rights != op->rights) &&
	    end_run(op, r, i) != 0)
		return FAIL(op, "%s: %s", r->res[i - 1].spec.text,
		    privs_error());
	if (!op->raised) {
		if (raise_rights(rights, res) != 0)
			return FAIL(op, "%s: %s", res->spec.text,
			    privs_error());
		op->raised = true;
		op->rights = rights;
		op->run_start = i;
	}
	if (res->spec.kind == SPEC_OPEN)
		return open_file(op, res);
	if (res->spec.family == AF_UNIX)
		return open_unix(op, res);
	return open_inet(op, &res->spec);
}

/*
 * Resource i failed: lower a run's rights first, then remove the nodes
 * created so far.  For an untrusted caller, as the caller: with privrun's
 * own uid the sticky bit of a /tmp-like directory would not protect
 * another user's node swapped in meanwhile.  Root's rights for a trusted
 * start: the node may sit in a directory only the target (or a capability)
 * can write.  privrun exits next, so nothing is relinquished.  Without
 * them, nothing is removed.
 */
static void die_opening(struct opener *op, const struct resources *r,
    size_t i)
{
	const char *step = resources_step(r->res[i].spec.kind);
	size_t n, len = strlen(op->err);

	if (end_run(op, r, i) != 0)
		snprintf(op->err + len, sizeof(op->err) - len, "; then %s",
		    privs_error());
	if (op->ncreated > 0 && (privs_untrusted_caller() ? privs_caller(0) :
	    privs_root()) != 0)
		die(step, "%s; the socket nodes made are left: %s", op->err,
		    privs_error());
	for (n = 0; n < op->ncreated; n++) {
		struct created *c = &op->created[n];
		struct stat st;
		if (fstatat(c->dirfd, c->base, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISSOCK(st.st_mode))
			unlinkat(c->dirfd, c->base, 0);
	}
	die(step, "%s", op->err);
}

void resources_open(struct resources *r)
{
	struct opener op = { .high = resources_end(r) + 4 };
	size_t i;

	if (r->n == 0)
		return;
	check_fd_limit(r);
	op.created = must_alloc(calloc(r->n, sizeof(*op.created)));
	for (i = 0; i < r->n; i++) {
		struct resource *res = &r->res[i];
		int fd = open_in_run(&op, r, i);

		/* Opened, placed, and the run lowered if it ends here. */
		res->fd = FDS_FIRST_PASSED + (int)(r->inherited + i);
		if (fd < 0 || place(&op, res, fd) != 0 ||
		    ((i + 1 == r->n || !shares_raise(res)) &&
		    end_run(&op, r, i + 1) != 0 &&
		    FAIL(&op, "%s: %s", res->spec.text, privs_error())))
			die_opening(&op, r, i);
	}
	for (i = 0; i < op.ncreated; i++)
		close(op.created[i].dirfd);
	free(op.created);
}

/*
 * One internet socket or file, for the monitor: opened as the resources
 * are, left close-on-exec where it lands, never placed.  Unix sockets are
 * refused (open_unix()): their node clean-up needs the opener's
 * bookkeeping.
 */
int resources_open_single(const struct spec *s, char *err, size_t errlen)
{
	struct opener op = { .cloexec = O_CLOEXEC };
	struct resource one = { .fd = -1, .spec = *s, .granted = true };
	struct resources r = { .res = &one, .n = 1 };

	/* one shares s's path (s's owner frees it); the allow list, within
	 * the policy, granted it.  A monitor that could not lower its
	 * capabilities again must not serve on. */
	one.fd = open_in_run(&op, &r, 0);
	if (end_run(&op, &r, 1) != 0)
		die("monitor", "%s: %s", s->text, privs_error());
	if (one.fd < 0)
		snprintf(err, errlen, "%s", op.err);
	return one.fd;
}
