/* SPDX-License-Identifier: ISC */
/*
 * report.c: --dry-run and --dump output, one "key: value" a line on stdout.
 * --dump reads everything back from the kernel (/proc/self/status, prctl,
 * /proc/self/fd) rather than from privrun's own idea of what it did.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "compat.h"
#include "die.h"
#include "privs.h"
#include "report.h"

extern char **environ;

static void print_groups(const gid_t *groups, size_t n)
{
	size_t i;

	fputs("groups:", stdout);
	for (i = 0; i < n; i++)
		printf(" %u", (unsigned)groups[i]);
	fputc('\n', stdout);
}

void report_plan(const struct options *o, const struct identity *id,
    const struct env_plan *env)
{
	int i;

	printf("start: %s\n", privs_start_name(privs_start_mode()));
	printf("user: %s\nuid: %u\ngid: %u\n", id->name, (unsigned)id->uid,
	    (unsigned)id->gid);
	print_groups(id->groups, id->ngroups);
	fputs("mode: revoke\n", stdout);
	fputs("cap_effective: none\ncap_permitted: none\n"
	    "cap_inheritable: none\ncap_ambient: none\n", stdout);
	printf("cap_bounding: %s\n", privs_start_mode() == PRIVS_START_NONE ?
	    "unchanged (no privileges to drop it)" : "none");
	if (privs_start_mode() == PRIVS_START_NONE)
		fputs("securebits: unchanged\n", stdout);
	else
		printf("securebits: %#x (noroot, no_setuid_fixup, "
		    "no_cap_ambient_raise, all locked)\n", PRIVRUN_SECUREBITS);
	fputs("no_new_privs: 1\nresources: none\n", stdout);
	env_print(env, stdout);
	fputs("program:", stdout);
	for (i = 0; i < o->argc; i++)
		printf(" %s", o->argv[i]);
	fputc('\n', stdout);
}

/* Copy the lines of /proc/self/status that describe privileges. */
static void report_status(void)
{
	static const char *const keys[] = { "Uid:", "Gid:", "Groups:",
	    "CapInh:", "CapPrm:", "CapEff:", "CapBnd:", "CapAmb:",
	    "NoNewPrivs:", "Seccomp:" };
	char line[512];
	FILE *f = fopen("/proc/self/status", "re");
	size_t i;

	if (f == NULL)
		die_errno("dump", "/proc/self/status");
	while (fgets(line, sizeof(line), f) != NULL)
		for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			if (strncmp(line, keys[i], strlen(keys[i])) == 0)
				fputs(line, stdout);
	fclose(f);
}

static void report_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	char path[300], target[PATH_MAX];

	if (d == NULL)
		die_errno("dump", "/proc/self/fd");
	while ((e = readdir(d)) != NULL) {
		ssize_t n;
		if (e->d_name[0] == '.' || atoi(e->d_name) == dirfd(d))
			continue;
		snprintf(path, sizeof(path), "/proc/self/fd/%s", e->d_name);
		n = readlink(path, target, sizeof(target) - 1);
		target[n > 0 ? n : 0] = '\0';
		printf("fd %s: %s\n", e->d_name, target);
	}
	closedir(d);
}

void report_state(void)
{
	char **e;
	int bits = prctl(PR_GET_SECUREBITS, 0, 0, 0, 0);

	report_status();
	printf("Securebits:\t%#x\n", bits < 0 ? 0 : (unsigned)bits);
	report_fds();
	for (e = environ; *e != NULL; e++)
		if (strncmp(*e, "LISTEN_", 7) == 0 ||
		    strncmp(*e, "PRIVRUN_", 8) == 0)
			printf("env: %s\n", *e);
}
