/* SPDX-License-Identifier: ISC */
/*
 * probe: the program the tests run under privrun.  It prints what the
 * kernel says about it, one "Key: value" a line, with runs of blanks folded
 * to one space: its argv, the privilege lines of /proc/self/status,
 * securebits, its open fds, its environment, and whether it can get root
 * back.  Then it performs the actions its arguments ask for:
 *   read PATH    open PATH read-only and say whether that worked
 *   readfd N     read from fd N and say whether that worked
 *   exit N       exit with status N (default 0)
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
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
	    "NoNewPrivs:", "Seccomp:" };
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
	char **e;
	int i, status = 0;

	for (i = 0; i < argc; i++)
		printf("Argv: %d %s\n", i, argv[i]);
	print_status();
	print_fds();
	for (e = environ; *e; e++)
		printf("Env: %s\n", *e);
	for (i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "read") == 0)
			try_read(argv[i + 1], open(argv[i + 1], O_RDONLY));
		else if (strcmp(argv[i], "readfd") == 0)
			try_read(argv[i + 1], atoi(argv[i + 1]));
		else if (strcmp(argv[i], "exit") == 0)
			status = atoi(argv[i + 1]);
	}
	print_regain();
	fflush(stdout);
	return status;
}
