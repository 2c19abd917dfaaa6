/* SPDX-License-Identifier: ISC */
/*
 * flush.c: linked into privrun by `make coverage` only, never into a build
 * that is installed.  libgcov writes a process's counts at exit(3); a
 * process that execs or ends with _exit(2) (every die(), the monitor, the
 * parent that stays) would lose them.  The linker's --wrap=execve and
 * --wrap=_exit send those calls here first: write the counts, then zero
 * them, so that the path after a failed execve is counted at the _exit
 * that follows.  The .gcda files are made writable by everyone beforehand
 * (`make coverage`), since the process may be any test user by then.
 *
 * Not written where libgcov could not write them and would say so on
 * stderr, which tests read: the build directory out of reach (--chroot, no
 * fd left), or a file size limit.  Only system calls that the monitor's
 * seccomp filter allows (monitor_filter.c): openat, read, close, and
 * libgcov's own (openat, fcntl, read, write, lseek, close).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

void __gcov_dump(void);
void __gcov_reset(void);
int __real_execve(const char *path, char *const argv[], char *const envp[]);
void __real__exit(int status) __attribute__((noreturn));
int __wrap_execve(const char *path, char *const argv[], char *const envp[]);
void __wrap__exit(int status) __attribute__((noreturn));

/*
 * "Max file size   unlimited   unlimited   bytes" in /proc/self/limits: the
 * monitor's filter allows no getrlimit(2).  Without procfs (a test mounts
 * another file system there), getrlimit(2): no monitor runs there.
 */
static int fsize_unlimited(void)
{
	static char buf[4096];
	struct rlimit rl;
	int fd = open("/proc/self/limits", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	const char *line;

	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return getrlimit(RLIMIT_FSIZE, &rl) == 0 &&
		    rl.rlim_cur == RLIM_INFINITY;
	buf[n] = '\0';
	line = strstr(buf, "Max file size");
	return line != NULL && strncmp(line + strspn(line + 13, " ") + 13,
	    "unlimited", 9) == 0;
}

static void flush(void)
{
	int fd = open(COVERAGE_DIR, O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return;
	close(fd);
	if (!fsize_unlimited())
		return;
	__gcov_dump();
	__gcov_reset();
}

int __wrap_execve(const char *path, char *const argv[], char *const envp[])
{
	flush();
	return __real_execve(path, argv, envp);
}

void __wrap__exit(int status)
{
	flush();
	__real__exit(status);
}
