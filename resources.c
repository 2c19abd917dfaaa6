/* SPDX-License-Identifier: ISC */
/*
 * resources.c: open what --bind and --open ask for, while privileged, and
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
#include <libgen.h>
#include <linux/capability.h>
#include <linux/openat2.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

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
	char err[1024];
};

#define FAIL(op, ...) \
	(snprintf((op)->err, sizeof((op)->err), __VA_ARGS__), -1)
#define FAIL_ERRNO(op, ...) fail_errno(op, __VA_ARGS__)

__attribute__((format(printf, 2, 3)))
static int fail_errno(struct opener *op, const char *fmt, ...)
{
	int saved = errno, n;
	va_list ap;

	va_start(ap, fmt);
	n = vsnprintf(op->err, sizeof(op->err), fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < sizeof(op->err))
		snprintf(op->err + n, sizeof(op->err) - (size_t)n, ": %s",
		    strerror(saved));
	return -1;
}

/*
 * The owner of a unix socket node: the target, or with an untrusted caller
 * the caller itself, whose rights create the node (SPEC section 4).
 */
static void resolve_owner(struct resource *r, const struct identity *id)
{
	struct identity owner;
	char err[256];

	r->owner = privs_untrusted_caller() ? privs_caller_uid() : id->uid;
	r->group = privs_untrusted_caller() ? privs_caller_gid() : id->gid;
	if (r->spec.owner[0] != '\0') {
		if (!ids_resolve_user(r->spec.owner, &owner, err, sizeof(err)))
			die("bind", "%s: owner %s", r->spec.text, err);
		r->owner = owner.uid;
		if (owner.has_passwd)
			r->group = owner.gid;
		identity_free(&owner);
	}
	if (r->spec.group[0] != '\0' && !ids_resolve_group(r->spec.group,
	    &r->group, err, sizeof(err)))
		die("bind", "%s: group %s", r->spec.text, err);
}

static int by_name(const void *a, const void *b)
{
	const struct resource *ra = *(const struct resource *const *)a;
	const struct resource *rb = *(const struct resource *const *)b;
	int c = strcmp(ra->spec.name, rb->spec.name);

	/* Equal names stay in command-line order: the array is r->res. */
	return c != 0 ? c : (ra > rb) - (ra < rb);
}

/*
 * The first resource, in command-line order, whose name an earlier one
 * already has, and that earlier one: *dup is n when every name is
 * distinct.  Sorted by name (and order) rather than compared pairwise, so
 * that a thousand --bind take n log n comparisons, not n squared.
 */
static void find_duplicate(const struct resource *res, size_t n,
    size_t *dup, size_t *first)
{
	const struct resource **sorted;
	size_t i;

	*dup = n;
	if (n < 2)
		return;
	sorted = calloc(n, sizeof(*sorted));
	if (sorted == NULL)
		die_errno("resources", "calloc");
	for (i = 0; i < n; i++)
		sorted[i] = &res[i];
	qsort(sorted, n, sizeof(*sorted), by_name);
	/* In a run of equal names, the second one (the earliest repeat) has
	 * the first one (the earliest use) just before it. */
	for (i = 1; i < n; i++)
		if ((size_t)(sorted[i] - res) < *dup &&
		    strcmp(sorted[i]->spec.name,
		    sorted[i - 1]->spec.name) == 0) {
			*dup = (size_t)(sorted[i] - res);
			*first = (size_t)(sorted[i - 1] - res);
		}
	free(sorted);
}

static const char *step_of(enum spec_kind kind)
{
	return kind == SPEC_BIND ? "bind" : "open";
}

/*
 * The resource array, zeroed, in pages faulted in all at once
 * (MAP_POPULATE): the parse writes every one of its ~1 KB entries, and on
 * a virtual machine a page fault costs about 10 us, a third of the cost of
 * a socket in a thousand (bench/RESULTS.md).
 */
static struct resource *map_resources(size_t n, size_t *bytes)
{
	void *p;

	if (n > SIZE_MAX / sizeof(struct resource))
		die("resources", "too many resources");
	*bytes = n * sizeof(struct resource);
	p = mmap(NULL, *bytes, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (p == MAP_FAILED)
		die_errno("resources", "mmap");
	return p;
}

/*
 * Errors come in the order a check of one resource after another would
 * give them: for each in turn, its spec, then its name against the earlier
 * ones, then its unix socket owner.
 */
void resources_parse(const struct options *o, const struct identity *id,
    struct resources *r)
{
	char err[640];
	size_t i, dup, first = 0;
	bool bad = false;

	memset(r, 0, sizeof(*r));
	if (o->nres == 0)
		return;		/* no mapping to make for nothing */
	r->res = map_resources(o->nres, &r->res_bytes);
	/* r->n counts the parsed ones: a bad spec ends the list there. */
	while (r->n < o->nres && !bad) {
		struct resource *res = &r->res[r->n];
		res->fd = -1;
		bad = !spec_parse(o->res[r->n].kind, o->res[r->n].arg,
		    &res->spec, err, sizeof(err));
		if (!bad)
			r->n++;
	}
	find_duplicate(r->res, r->n, &dup, &first);
	for (i = 0; i < r->n && i < dup; i++)
		if (r->res[i].spec.kind == SPEC_BIND &&
		    r->res[i].spec.family == AF_UNIX)
			resolve_owner(&r->res[i], id);
	if (dup < r->n)
		die(step_of(r->res[dup].spec.kind), "'%s': name '%s' is "
		    "already used by '%s'", r->res[dup].spec.text,
		    r->res[dup].spec.name, r->res[first].spec.text);
	if (bad)
		die(step_of(o->res[r->n].kind), "%s", err);
}

/* LISTEN_FDS / LISTEN_PID as sd_listen_fds(3) reads them, strictly. */
void resources_take_inherited(struct resources *r)
{
	const char *pid = getenv("LISTEN_PID"), *fds = getenv("LISTEN_FDS");
	const char *names = getenv("LISTEN_FDNAMES");
	unsigned long long p, n, i;

	if (pid == NULL || fds == NULL)
		die("pass-listen-fds", "LISTEN_PID and LISTEN_FDS are not set: "
		    "privrun was not started by socket activation");
	if (!parse_decimal(pid, 4194304, &p) || p != (unsigned long long)getpid())
		die("pass-listen-fds", "LISTEN_PID is '%s', not privrun's pid "
		    "%ld", pid, (long)getpid());
	if (!parse_decimal(fds, 65536, &n))
		die("pass-listen-fds", "LISTEN_FDS '%s' is not a number", fds);
	r->inherited_names = calloc(n + 1, sizeof(char *));
	if (r->inherited_names == NULL)
		die_errno("pass-listen-fds", "calloc");
	for (i = 0; i < n; i++) {
		int fd = FDS_FIRST_PASSED + (int)i;
		const char *end = names ? strchr(names, ':') : NULL;
		size_t len = names ? (end ? (size_t)(end - names) :
		    strlen(names)) : 0;

		/* Open, and passed on: undo fds_tidy_at_start()'s cloexec. */
		if (fcntl(fd, F_SETFD, 0) != 0)
			die_errno("pass-listen-fds", "inherited fd %d", fd);
		r->inherited_names[i] = names && len ? strndup(names, len) :
		    strdup("unknown");
		if (r->inherited_names[i] == NULL)
			die_errno("pass-listen-fds", "strdup");
		names = end ? end + 1 : NULL;
	}
	r->inherited = n;
}

int resources_end(const struct resources *r)
{
	return FDS_FIRST_PASSED + (int)(r->inherited + r->n);
}

/* Move fd to exactly want, without close-on-exec (dup3(2) clears it). */
static int place(struct opener *op, int fd, int want, bool cloexec)
{
	if (fd == want) {
		if (cloexec && fcntl(fd, F_SETFD, 0) != 0)
			return FAIL_ERRNO(op, "fd %d: clear close-on-exec", fd);
		return 0;
	}
	if (dup3(fd, want, 0) != want) {
		int saved = errno;
		close(fd);
		errno = saved;
		return FAIL_ERRNO(op, "place on fd %d", want);
	}
	close(fd);
	return 0;
}

/* Keep a helper fd above every target number, out of place()'s way. */
static int move_high(struct opener *op, int fd)
{
	int high = fcntl(fd, F_DUPFD_CLOEXEC, op->high);

	close(fd);
	if (high < 0)
		return FAIL_ERRNO(op, "fcntl(F_DUPFD_CLOEXEC)");
	return high;
}

static int set_int(struct opener *op, const struct spec *s, int fd,
    int level, int name, int value, const char *what)
{
	if (setsockopt(fd, level, name, &value, sizeof(value)) != 0)
		return FAIL_ERRNO(op, "%s: %s", s->text, what);
	return 0;
}

/* The options of SPEC section 2 that are socket options. */
static int apply_sockopts(struct opener *op, const struct spec *s, int fd,
    int fam)
{
	int v6 = fam == AF_INET6;

	if ((s->socktype == SOCK_STREAM && fam != AF_UNIX &&
	    set_int(op, s, fd, SOL_SOCKET, SO_REUSEADDR, 1, "SO_REUSEADDR")) ||
	    (s->reuseport &&
	    set_int(op, s, fd, SOL_SOCKET, SO_REUSEPORT, 1, "reuseport")) ||
	    (s->freebind && set_int(op, s, fd, v6 ? SOL_IPV6 : SOL_IP,
	    v6 ? IPV6_FREEBIND : IP_FREEBIND, 1, "freebind")) ||
	    (s->transparent && set_int(op, s, fd, v6 ? SOL_IPV6 : SOL_IP,
	    v6 ? IPV6_TRANSPARENT : IP_TRANSPARENT, 1, "transparent")) ||
	    (s->rcvbuf && set_int(op, s, fd, SOL_SOCKET, SO_RCVBUF,
	    s->rcvbuf, "rcvbuf")) ||
	    (s->sndbuf && set_int(op, s, fd, SOL_SOCKET, SO_SNDBUF,
	    s->sndbuf, "sndbuf")) ||
	    (s->has_mark && set_int(op, s, fd, SOL_SOCKET, SO_MARK,
	    (int)s->mark, "mark")))
		return -1;
	if (s->device[0] != '\0' && setsockopt(fd, SOL_SOCKET,
	    SO_BINDTODEVICE, s->device, (socklen_t)strlen(s->device)) != 0)
		return FAIL_ERRNO(op, "%s: device %s", s->text, s->device);
	return 0;
}

static int bind_and_listen(struct opener *op, const struct spec *s, int fd,
    const struct sockaddr *sa, socklen_t len)
{
	if (bind(fd, sa, len) != 0) {
		if (errno == EADDRINUSE)
			return FAIL(op, "%s: address already in use", s->text);
		if (errno == EADDRNOTAVAIL)
			return FAIL(op, "%s: address not available on this "
			    "host", s->text);
		if (errno == EACCES && s->family != AF_UNIX)
			return FAIL(op, "%s: permission denied: a privileged "
			    "port needs privrun run as root, setuid-root with a "
			    "bind rule, or with file capabilities", s->text);
		return FAIL_ERRNO(op, "%s: bind", s->text);
	}
	if (s->socktype == SOCK_STREAM && listen(fd, s->backlog) != 0)
		return FAIL_ERRNO(op, "%s: listen", s->text);
	return 0;
}

/* flags: SOCK_CLOEXEC, or 0 for a socket placed at once (open_in_run()). */
static int open_inet(struct opener *op, const struct spec *s, int flags)
{
	struct sockaddr_storage ss = s->addr;
	socklen_t len = s->addrlen;
	int fam = ss.ss_family, fd;
	int v6only = s->v6only >= 0 ? s->v6only :
	    s->family == SPEC_FAMILY_DUAL ? 0 : -1;

	fd = socket(fam, s->socktype | flags, 0);
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
		fd = socket(fam, s->socktype | flags, 0);
	}
	if (fd < 0)
		return FAIL_ERRNO(op, "%s: socket", s->text);
	if ((fam == AF_INET6 && v6only >= 0 && set_int(op, s, fd, SOL_IPV6,
	    IPV6_V6ONLY, v6only, "v6only")) ||
	    apply_sockopts(op, s, fd, fam) != 0 ||
	    bind_and_listen(op, s, fd, (struct sockaddr *)&ss, len) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * A stale socket node (nobody accepts on it) may be replaced; a live one,
 * or anything that is not a socket, may not.
 */
static int clear_stale_node(struct opener *op, const struct spec *s,
    int dirfd, const char *base, const char *via)
{
	struct sockaddr_un un = { .sun_family = AF_UNIX };
	struct stat st;
	int probe, live;

	if (fstatat(dirfd, base, &st, AT_SYMLINK_NOFOLLOW) != 0) {
		if (errno == ENOENT)
			return 0;
		return FAIL_ERRNO(op, "%s: stat", s->text);
	}
	if (!S_ISSOCK(st.st_mode))
		return FAIL(op, "%s: exists and is not a socket", s->text);
	strcpy(un.sun_path, via);
	probe = socket(AF_UNIX, s->socktype | SOCK_CLOEXEC, 0);
	if (probe < 0)
		return FAIL_ERRNO(op, "%s: socket", s->text);
	live = connect(probe, (struct sockaddr *)&un, sizeof(un)) == 0;
	close(probe);
	if (live)
		return FAIL(op, "%s: address already in use", s->text);
	if (unlinkat(dirfd, base, 0) != 0)
		return FAIL_ERRNO(op, "%s: remove stale socket", s->text);
	return 0;
}

/* Bind a unix socket node into dirfd, with its owner and mode from birth. */
static int bind_unix_node(struct opener *op, struct resource *r, int fd,
    int dirfd, const char *base)
{
	const struct spec *s = &r->spec;
	struct sockaddr_un un = { .sun_family = AF_UNIX };
	mode_t old;
	int rc;

	strcpy(un.sun_path, ((const struct sockaddr_un *)&s->addr)->sun_path);
	if (clear_stale_node(op, s, dirfd, base, un.sun_path) != 0)
		return -1;
	if (!privs_untrusted_caller() &&
	    privs_create_as(r->owner, r->group) != 0)
		return FAIL(op, "%s: %s", s->text, privs_error());
	old = umask(0777 & ~(mode_t)(s->mode >= 0 ? s->mode : 0666));
	rc = bind_and_listen(op, s, fd, (struct sockaddr *)&un, sizeof(un));
	umask(old);
	if (!privs_untrusted_caller() && privs_relinquish() != 0 && rc == 0)
		rc = FAIL(op, "%s: %s", s->text, privs_error());
	return rc;
}

static int remember_node(struct opener *op, int dirfd, const char *base)
{
	struct created *c = &op->created[op->ncreated];

	c->dirfd = move_high(op, dirfd);
	if (c->dirfd < 0)
		return -1;
	snprintf(c->base, sizeof(c->base), "%s", base);
	op->ncreated++;
	return 0;
}

static int open_unix(struct opener *op, struct resource *r)
{
	const struct spec *s = &r->spec;
	char dir[108], file[108];
	int fd, dirfd;

	fd = socket(AF_UNIX, s->socktype | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return FAIL_ERRNO(op, "%s: socket", s->text);
	if (apply_sockopts(op, s, fd, AF_UNIX) != 0)
		goto fail;
	if (s->abstract) {
		struct sockaddr_storage ss = s->addr;
		if (bind_and_listen(op, s, fd, (struct sockaddr *)&ss,
		    s->addrlen) != 0)
			goto fail;
		return fd;
	}
	strcpy(dir, ((const struct sockaddr_un *)&s->addr)->sun_path);
	strcpy(file, dir);
	dirfd = open(dirname(dir), O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0) {
		FAIL_ERRNO(op, "%s: directory %s", s->text, dir);
		goto fail;
	}
	if (bind_unix_node(op, r, fd, dirfd, basename(file)) != 0) {
		close(dirfd);
		goto fail;
	}
	if (remember_node(op, dirfd, basename(file)) != 0)
		goto fail;
	return fd;
fail:
	close(fd);
	return -1;
}

static int file_type_allowed(struct opener *op, const struct spec *s, int fd)
{
	struct stat st;

	if (fstat(fd, &st) != 0)
		return FAIL_ERRNO(op, "%s: fstat", s->text);
	if (S_ISREG(st.st_mode))
		return 0;
	if (S_ISDIR(st.st_mode))
		return FAIL(op, "%s: is a directory", s->text);
	if (S_ISFIFO(st.st_mode) && !s->allow_fifo)
		return FAIL(op, "%s: is a FIFO (add ,fifo to allow it)",
		    s->text);
	if ((S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) && !s->allow_device)
		return FAIL(op, "%s: is a device (add ,device to allow it)",
		    s->text);
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
		.flags = (unsigned)(s->oflags | O_CLOEXEC | O_NOCTTY |
		    O_NONBLOCK | (s->follow ? 0 : O_NOFOLLOW)),
		.mode = (s->oflags & O_CREAT) ? 0600 : 0,
		/* A file a rule grants to an untrusted caller is opened
		 * with privileges: no symlink anywhere may redirect it. */
		.resolve = RESOLVE_NO_MAGICLINKS | (r->granted &&
		    privs_untrusted_caller() ? RESOLVE_NO_SYMLINKS : 0),
	};
	int fd, fl;

	fd = (int)syscall(SYS_openat2, AT_FDCWD, s->path, &how, sizeof(how));
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
	if (file_type_allowed(op, s, fd) != 0 ||
	    (fl = fcntl(fd, F_GETFL)) < 0 ||
	    fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) != 0) {
		if (op->err[0] == '\0')
			FAIL_ERRNO(op, "%s: fcntl", s->text);
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * The rights a resource is opened with.  An untrusted caller gets what it
 * could open itself (SPEC 4): its own ids and no capability, unless a
 * policy rule granted this resource: then CAP_NET_BIND_SERVICE alone for a
 * low port (still as the caller, so SO_REUSEPORT cannot join another
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

static int raise_rights(enum rights rights)
{
	if (rights == RIGHTS_OWN)
		return privs_root();
	return privs_caller(rights == RIGHTS_CALLER_BIND ?
	    UINT64_C(1) << CAP_NET_BIND_SERVICE : 0);
}

static int open_one(struct opener *op, struct resource *r)
{
	const struct spec *s = &r->spec;
	int fd;

	if (raise_rights(rights_for(r)) != 0)
		return FAIL(op, "%s: %s", s->text, privs_error());
	if (s->kind == SPEC_OPEN)
		fd = open_file(op, r);
	else if (s->family == AF_UNIX)
		fd = open_unix(op, r);
	else
		fd = open_inet(op, s, SOCK_CLOEXEC);
	if (privs_relinquish() != 0 && fd >= 0) {
		close(fd);
		return FAIL(op, "%s: %s", s->text, privs_error());
	}
	if (fd >= 0)
		trace("opened %s as fd %d, name %s", s->text, fd, s->name);
	return fd;
}

/*
 * One internet socket or file, for the monitor: opened as the resources
 * are, left close-on-exec where it lands, never placed.  Unix sockets are
 * refused: their node clean-up needs the opener's bookkeeping.
 */
int resources_open_single(const struct spec *s, char *err, size_t errlen)
{
	struct opener op = { .high = FDS_FIRST_PASSED };
	struct resource r = { .fd = -1 };
	int fd;

	if (s->kind == SPEC_BIND && s->family == AF_UNIX) {
		snprintf(err, errlen, "%s: unix sockets are not opened here",
		    s->text);
		return -1;
	}
	r.spec = *s;		/* shares s's path: s's owner frees it */
	r.granted = true;	/* the allow list, within the policy, says so */
	fd = open_one(&op, &r);
	if (fd < 0)
		snprintf(err, errlen, "%s", op.err);
	return fd;
}

/*
 * Remove the nodes created so far.  For an untrusted caller, as the caller:
 * with privrun's own uid the sticky bit of a /tmp-like directory would not
 * protect another user's node swapped in meanwhile.
 */
static void cleanup_and_die(struct opener *op, const char *step)
{
	size_t i;

	/* Root's rights for a trusted start: the node may sit in a directory
	 * only the target (or a capability) can write.  privrun exits next,
	 * so nothing is relinquished. */
	if (op->ncreated > 0 && (privs_untrusted_caller() ? privs_caller(0) :
	    privs_root()) != 0)
		die(step, "%s", privs_error());
	for (i = 0; i < op->ncreated; i++) {
		struct created *c = &op->created[i];
		struct stat st;
		if (fstatat(c->dirfd, c->base, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISSOCK(st.st_mode))
			unlinkat(c->dirfd, c->base, 0);
	}
	die(step, "%s", op->err);
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
 * of those keeps its own raise and relinquish (open_one()).
 */
static bool shares_raise(const struct resource *r)
{
	return r->spec.kind == SPEC_BIND && r->spec.family != AF_UNIX;
}

static int open_in_run(struct opener *op, const struct resources *r,
    size_t i)
{
	const struct resource *res = &r->res[i];
	enum rights rights = rights_for(res);

	if (!op->raised) {
		if (raise_rights(rights) != 0)
			return FAIL(op, "%s: %s", res->spec.text,
			    privs_error());
		op->raised = true;
		op->rights = rights;
		op->run_start = i;
	}
	/* Without close-on-exec: place() puts it at its fd next, with
	 * nothing run or forked between, and the flag would only be
	 * cleared again there (one fcntl(2) per socket). */
	return open_inet(op, &res->spec, 0);
}

/* Lower what the run before resource end held; trace what it opened. */
static int end_run(struct opener *op, const struct resources *r, size_t end)
{
	size_t i;

	if (!op->raised)
		return 0;
	op->raised = false;
	if (privs_relinquish() != 0)
		return -1;
	for (i = op->run_start; i < end; i++)
		trace("opened %s as fd %d, name %s", r->res[i].spec.text,
		    r->res[i].fd, r->res[i].spec.name);
	return 0;
}

static void end_run_or_die(struct opener *op, const struct resources *r,
    size_t end)
{
	const struct spec *last = &r->res[end - 1].spec;

	if (end_run(op, r, end) == 0)
		return;
	snprintf(op->err, sizeof(op->err), "%s: %s", last->text,
	    privs_error());
	cleanup_and_die(op, step_of(last->kind));
}

/* Resource i failed: lower a run's rights first, then clean up. */
static void die_opening(struct opener *op, const struct resources *r,
    size_t i)
{
	size_t len;

	if (end_run(op, r, i) != 0) {
		len = strlen(op->err);
		snprintf(op->err + len, sizeof(op->err) - len, "; then %s",
		    privs_error());
	}
	cleanup_and_die(op, step_of(r->res[i].spec.kind));
}

void resources_open(struct resources *r)
{
	struct opener op = { .high = resources_end(r) + 4 };
	size_t i;

	if (r->n == 0)
		return;
	check_fd_limit(r);
	op.created = calloc(r->n, sizeof(*op.created));
	if (op.created == NULL)
		die_errno("resources", "calloc");
	for (i = 0; i < r->n; i++) {
		struct resource *res = &r->res[i];
		int want = FDS_FIRST_PASSED + (int)(r->inherited + i);
		int fd;

		if (op.raised && (!shares_raise(res) ||
		    rights_for(res) != op.rights))
			end_run_or_die(&op, r, i);
		fd = shares_raise(res) ? open_in_run(&op, r, i) :
		    open_one(&op, res);
		if (fd < 0 || place(&op, fd, want, !shares_raise(res)) != 0)
			die_opening(&op, r, i);
		res->fd = want;
	}
	end_run_or_die(&op, r, r->n);
	for (i = 0; i < op.ncreated; i++)
		close(op.created[i].dirfd);
	free(op.created);
}

/* The LISTEN_FDNAMES entry of passed fd 3 + i. */
static const char *name_of(const struct resources *r, size_t i)
{
	return i < r->inherited ? r->inherited_names[i] :
	    r->res[i - r->inherited].spec.name;
}

void resources_export(const struct resources *r)
{
	size_t i, total = r->inherited + r->n, len = 1, l;
	char num[32], *names, *p;

	if (total == 0)
		return;
	for (i = 0; i < total; i++)
		len += strlen(name_of(r, i)) + 1;
	names = p = calloc(len, 1);
	if (names == NULL)
		die_errno("environment", "calloc");
	/* memcpy, not sprintf: with a thousand names, parsing a format
	 * for each cost more than all the copying (callgrind). */
	for (i = 0; i < total; i++) {
		l = strlen(name_of(r, i));
		if (i > 0)
			*p++ = ':';
		memcpy(p, name_of(r, i), l);
		p += l;
	}
	*p = '\0';
	snprintf(num, sizeof(num), "%zu", total);
	if (setenv("LISTEN_FDS", num, 1) != 0 ||
	    setenv("LISTEN_FDNAMES", names, 1) != 0)
		die_errno("environment", "LISTEN_FDS");
	/* privrun execs in place: the program will have our pid. */
	snprintf(num, sizeof(num), "%ld", (long)getpid());
	if (setenv("LISTEN_PID", num, 1) != 0)
		die_errno("environment", "LISTEN_PID");
	free(names);
}

void resources_print_plan(const struct resources *r)
{
	size_t i;

	if (r->inherited + r->n == 0)
		fputs("resources: none\n", stdout);
	for (i = 0; i < r->inherited; i++)
		printf("resource: fd %zu name %s: inherited\n",
		    FDS_FIRST_PASSED + i, r->inherited_names[i]);
	for (i = 0; i < r->n; i++)
		printf("resource: fd %zu name %s: %s %s\n",
		    FDS_FIRST_PASSED + r->inherited + i, r->res[i].spec.name,
		    step_of(r->res[i].spec.kind),
		    r->res[i].spec.text);
}

void resources_free(struct resources *r)
{
	size_t i;

	for (i = 0; i < r->inherited; i++)
		free(r->inherited_names[i]);
	free(r->inherited_names);
	for (i = 0; i < r->n; i++)
		spec_free(&r->res[i].spec);
	if (r->res != NULL && munmap(r->res, r->res_bytes) != 0)
		die_errno("resources", "munmap");
	memset(r, 0, sizeof(*r));
}
