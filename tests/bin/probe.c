/* SPDX-License-Identifier: ISC */
/*
 * probe: the program the tests run under privrun.  It prints what the
 * kernel says about it, one "Key: value" a line, with runs of blanks folded
 * to one space: its argv, the privilege lines of /proc/self/status,
 * securebits, its pid, its open fds (with their open flags, and for
 * sockets what getsockname(2) and getsockopt(2) say), its environment, and
 * whether it can get root back.  Then it performs the actions its arguments ask for:
 *   read PATH    open PATH read-only and say whether that worked
 *   readfd N     read from fd N and say whether that worked
 *   exit N       exit with status N (default 0)
 *   caps-lower   clear the effective capability set (capset(2))
 *   caps-raise N add capability N to the effective set
 *   ambient N    raise capability N in the ambient set
 *   bind PORT    bind a TCP socket to 127.0.0.1:PORT
 *   tiocsti C    push character C into fd 0's terminal with TIOCSTI, once
 *                with the plain request and once with bits above 32 set
 *   tiocsti-tty C  the same through /dev/tty, the controlling terminal,
 *                whatever fds 0-2 are
 *   sleep N      sleep N seconds (for tests that look at /proc/PID)
 * Each action prints one "Name: result" line.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <arpa/inet.h>
#include <limits.h>
#include <stddef.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

extern char **environ;

static void print_folded(const char *line)
{
	int blank = 0;

	for (; *line && *line != '\n'; line++) {
		if (*line == ' ' || *line == '\t') {
			blank = 1;
			continue;
		}
		if (blank)
			putchar(' ');
		blank = 0;
		putchar(*line);
	}
	putchar('\n');
}

static void print_status(void)
{
	static const char *const keys[] = { "Uid:", "Gid:", "Groups:",
	    "CapInh:", "CapPrm:", "CapEff:", "CapBnd:", "CapAmb:",
	    "NoNewPrivs:", "Seccomp:", "Umask:" };
	char line[4096];
	FILE *f = fopen("/proc/self/status", "re");
	size_t i;

	if (f == NULL) {
		perror("probe: /proc/self/status");
		exit(99);
	}
	while (fgets(line, sizeof(line), f))
		for (i = 0; i < sizeof(keys) / sizeof(*keys); i++)
			if (strncmp(line, keys[i], strlen(keys[i])) == 0)
				print_folded(line);
	fclose(f);
	printf("Securebits: %#x\n", (unsigned)prctl(PR_GET_SECUREBITS));
	printf("Dumpable: %d\n", prctl(PR_GET_DUMPABLE));
}

static int sockopt(int fd, int level, int name)
{
	int v = -1;
	socklen_t len = sizeof(v);

	if (getsockopt(fd, level, name, &v, &len) != 0)
		return -1;
	return v;
}

static void print_address(const struct sockaddr_storage *ss, socklen_t len)
{
	char addr[INET6_ADDRSTRLEN] = "";
	const struct sockaddr_in *in4 = (const void *)ss;
	const struct sockaddr_in6 *in6 = (const void *)ss;
	const struct sockaddr_un *un = (const void *)ss;
	size_t n = len > offsetof(struct sockaddr_un, sun_path) ?
	    len - offsetof(struct sockaddr_un, sun_path) : 0;

	if (ss->ss_family == AF_INET) {
		inet_ntop(AF_INET, &in4->sin_addr, addr, sizeof(addr));
		printf(" inet %s:%u", addr, ntohs(in4->sin_port));
	} else if (ss->ss_family == AF_INET6) {
		inet_ntop(AF_INET6, &in6->sin6_addr, addr, sizeof(addr));
		printf(" inet6 [%s]:%u", addr, ntohs(in6->sin6_port));
	} else if (ss->ss_family == AF_UNIX && n > 0 && un->sun_path[0] == 0) {
		printf(" unix @%.*s", (int)n - 1, un->sun_path + 1);
	} else if (ss->ss_family == AF_UNIX) {
		printf(" unix %s", un->sun_path);
	}
}

/* "Sock: FD FAMILY ADDRESS type=T listening=L reuseaddr=... ..." */
static void print_socket(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char dev[IF_NAMESIZE + 1] = "";
	socklen_t devlen = sizeof(dev);
	int v6 = 0;

	if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0)
		return;
	v6 = ss.ss_family == AF_INET6;
	printf("Sock: %d", fd);
	print_address(&ss, len);
	printf(" type=%s listening=%d reuseaddr=%d reuseport=%d",
	    sockopt(fd, SOL_SOCKET, SO_TYPE) == SOCK_STREAM ? "stream" :
	    "dgram", sockopt(fd, SOL_SOCKET, SO_ACCEPTCONN),
	    sockopt(fd, SOL_SOCKET, SO_REUSEADDR),
	    sockopt(fd, SOL_SOCKET, SO_REUSEPORT));
	printf(" rcvbuf=%d sndbuf=%d mark=%d",
	    sockopt(fd, SOL_SOCKET, SO_RCVBUF),
	    sockopt(fd, SOL_SOCKET, SO_SNDBUF),
	    sockopt(fd, SOL_SOCKET, SO_MARK));
	if (getsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, dev, &devlen) != 0)
		dev[0] = '\0';
	printf(" device=%s", dev[0] ? dev : "-");
	if (ss.ss_family == AF_INET || v6)
		printf(" freebind=%d transparent=%d",
		    sockopt(fd, v6 ? SOL_IPV6 : SOL_IP,
		    v6 ? IPV6_FREEBIND : IP_FREEBIND),
		    sockopt(fd, v6 ? SOL_IPV6 : SOL_IP,
		    v6 ? IPV6_TRANSPARENT : IP_TRANSPARENT));
	if (v6)
		printf(" v6only=%d", sockopt(fd, SOL_IPV6, IPV6_V6ONLY));
	putchar('\n');
}

static void print_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	char path[300], target[PATH_MAX];

	if (d == NULL) {
		perror("probe: /proc/self/fd");
		exit(99);
	}
	while ((e = readdir(d)) != NULL) {
		ssize_t n;
		if (e->d_name[0] == '.' || atoi(e->d_name) == dirfd(d))
			continue;
		snprintf(path, sizeof(path), "/proc/self/fd/%s", e->d_name);
		n = readlink(path, target, sizeof(target) - 1);
		target[n > 0 ? n : 0] = '\0';
		printf("Fd: %s %s\n", e->d_name, target);
		if (atoi(e->d_name) > 2) {
			int fl = fcntl(atoi(e->d_name), F_GETFL);
			printf("Flags: %s %s%s%s%s\n", e->d_name,
			    (fl & O_ACCMODE) == O_RDONLY ? "ro" :
			    (fl & O_ACCMODE) == O_WRONLY ? "wo" : "rw",
			    fl & O_APPEND ? " append" : "",
			    fl & O_NONBLOCK ? " nonblock" : "",
			    fcntl(atoi(e->d_name), F_GETFD) & FD_CLOEXEC ?
			    " cloexec" : "");
			print_socket(atoi(e->d_name));
		}
	}
	closedir(d);
}

static void print_regain(void)
{
	/* Each attempt, if it worked, would show in the Uid line printed
	 * before; report it too, so a test can assert it plainly. */
	printf("Regain-setuid0: %s\n", setuid(0) == 0 ? "succeeded" :
	    strerror(errno));
	printf("Regain-setgid0: %s\n", setgid(0) == 0 ? "succeeded" :
	    strerror(errno));
}

static const char *result(int rc)
{
	return rc == 0 ? "ok" : strerror(errno);
}

/* capget/capset on the version-3 (64-bit) structures. */
static int change_effective(int cap, int add)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d) != 0)
		return -1;
	if (cap < 0) {
		d[0].effective = d[1].effective = 0;
	} else if (add) {
		d[cap / 32].effective |= 1U << (cap % 32);
	}
	return (int)syscall(SYS_capset, &h, d);
}

static int bind_port(int port)
{
	struct sockaddr_in in = { .sin_family = AF_INET,
	    .sin_port = htons((uint16_t)port),
	    .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, SOCK_STREAM, 0), rc, one = 1;

	if (fd < 0)
		return -1;
	/* A connection of an earlier test may still be in TIME_WAIT on the
	 * port: that is not what this bind asks about. */
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	rc = bind(fd, (struct sockaddr *)&in, sizeof(in));
	close(fd);
	return rc;
}

/* The kernel takes the request as 32 bits; seccomp sees all 64. */
static void tiocsti(int fd, char c)
{
	unsigned long high = (unsigned long)TIOCSTI | (1UL << 32);

	printf("Tiocsti-plain: %s\n", result(ioctl(fd, TIOCSTI, &c)));
	printf("Tiocsti-high: %s\n",
	    result((int)syscall(SYS_ioctl, fd, high, &c)));
}

static void print_limits(void)
{
	struct rlimit r;

	if (getrlimit(RLIMIT_NOFILE, &r) == 0)
		printf("Limit: nofile %llu %llu\n",
		    (unsigned long long)r.rlim_cur,
		    (unsigned long long)r.rlim_max);
}

static void print_session(void)
{
	int tty = open("/dev/tty", O_RDWR | O_NOCTTY);

	printf("Session: %s\n", getsid(0) == getpid() ? "leader" : "member");
	printf("Ctty: %s\n", tty >= 0 ? "yes" : strerror(errno));
	if (tty >= 0)
		close(tty);
}

static void try_read(const char *what, int fd)
{
	char c;

	if (fd < 0) {
		printf("Read: %s %s\n", what, strerror(errno));
		return;
	}
	if (read(fd, &c, 1) < 0)
		printf("Read: %s %s\n", what, strerror(errno));
	else
		printf("Read: %s ok\n", what);
}

int main(int argc, char **argv)
{
	char **e, cwd[PATH_MAX];
	int i, status = 0;

	for (i = 0; i < argc; i++)
		printf("Argv: %d %s\n", i, argv[i]);
	print_status();
	printf("Pid: %ld\n", (long)getpid());
	print_fds();
	for (e = environ; *e; e++)
		printf("Env: %s\n", *e);
	print_limits();
	print_session();
	printf("Cwd: %s\n", getcwd(cwd, sizeof(cwd)) ? cwd : strerror(errno));
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "caps-lower") == 0) {
			printf("Caps-lower: %s\n", result(change_effective(-1, 0)));
			continue;
		}
		if (i + 1 >= argc)
			break;
		if (strcmp(argv[i], "caps-raise") == 0)
			printf("Caps-raise %s: %s\n", argv[i + 1],
			    result(change_effective(atoi(argv[i + 1]), 1)));
		else if (strcmp(argv[i], "ambient") == 0)
			printf("Ambient %s: %s\n", argv[i + 1],
			    result(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE,
			    atoi(argv[i + 1]), 0, 0)));
		else if (strcmp(argv[i], "bind") == 0)
			printf("Bind %s: %s\n", argv[i + 1],
			    result(bind_port(atoi(argv[i + 1]))));
		else if (strcmp(argv[i], "tiocsti") == 0)
			tiocsti(0, argv[i + 1][0]);
		else if (strcmp(argv[i], "tiocsti-tty") == 0)
			tiocsti(open("/dev/tty", O_RDWR | O_CLOEXEC),
			    argv[i + 1][0]);
		else if (strcmp(argv[i], "sleep") == 0) {
			fflush(stdout);
			sleep((unsigned)atoi(argv[i + 1]));
		}
		else if (strcmp(argv[i], "read") == 0)
			try_read(argv[i + 1], open(argv[i + 1], O_RDONLY));
		else if (strcmp(argv[i], "readfd") == 0)
			try_read(argv[i + 1], atoi(argv[i + 1]));
		else if (strcmp(argv[i], "exit") == 0)
			status = atoi(argv[i + 1]);
		else
			continue;
		i++;
	}
	print_regain();
	fflush(stdout);
	return status;
}
