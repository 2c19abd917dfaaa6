/* SPDX-License-Identifier: ISC */
/*
 * report.c: --dry-run and --dump output, one "key: value" a line on stdout.
 * --dump reads everything back from the kernel (/proc/self/status, prctl,
 * /proc/self/fd) rather than from privrun's own idea of what it did.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "caps.h"
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

void report_plan(const struct run_plan *p)
{
	bool none = privs_start_mode() == PRIVS_START_NONE;
	char caps[1024];
	int i;

	caps_format(p->keep, caps, sizeof(caps));
	if (caps[0] == '\0')
		snprintf(caps, sizeof(caps), "none");
	printf("start: %s\n", privs_start_name(privs_start_mode()));
	printf("user: %s\nuid: %u\ngid: %u\n", p->id->name,
	    (unsigned)p->id->uid, (unsigned)p->id->gid);
	print_groups(p->id->groups, p->id->ngroups);
	printf("mode: %s\n", p->keep ? "keep-caps" : "revoke");
	printf("cap_effective: %s\ncap_permitted: %s\ncap_inheritable: %s\n"
	    "cap_ambient: %s\n", caps, caps, caps, caps);
	printf("cap_bounding: %s\n", none ?
	    "unchanged (no privileges to drop it)" : caps);
	if (none)
		fputs("securebits: unchanged\n", stdout);
	else
		printf("securebits: %#x (noroot, no_setuid_fixup, "
		    "no_cap_ambient_raise, all locked)\n", PRIVRUN_SECUREBITS);
	printf("no_new_privs: %d\n", !p->o->allow_new_privs);
	printf("tty_guard: %d\n", p->guard);
	process_print_plan(p->proc);
	resources_print_plan(p->res);
	env_print(p->env, stdout);
	fputs("program:", stdout);
	for (i = 0; i < p->o->argc; i++)
		printf(" %s", p->o->argv[i]);
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

/* " tcp6 [::]:80 listening": what getsockname(2) says of a socket fd. */
static void describe_socket(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int type = 0, listening = 0;
	socklen_t ilen = sizeof(int);
	char addr[INET6_ADDRSTRLEN] = "";
	const struct sockaddr_un *un = (const void *)&ss;
	const char *kind;

	memset(&ss, 0, sizeof(ss));
	if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0 ||
	    getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &ilen) != 0)
		return;
	ilen = sizeof(int);
	getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &ilen);
	kind = type == SOCK_STREAM ? "tcp" : type == SOCK_DGRAM ? "udp" : "?";
	if (ss.ss_family == AF_INET) {
		const struct sockaddr_in *in4 = (const void *)&ss;
		inet_ntop(AF_INET, &in4->sin_addr, addr, sizeof(addr));
		printf(" %s4 %s:%u", kind, addr, ntohs(in4->sin_port));
	} else if (ss.ss_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const void *)&ss;
		inet_ntop(AF_INET6, &in6->sin6_addr, addr, sizeof(addr));
		printf(" %s6 [%s]:%u", kind, addr, ntohs(in6->sin6_port));
	} else if (ss.ss_family == AF_UNIX &&
	    len <= offsetof(struct sockaddr_un, sun_path)) {
		printf(" %s unnamed", type == SOCK_STREAM ? "unix" :
		    "unix-dgram");
	} else if (ss.ss_family == AF_UNIX) {
		printf(" %s %s%.*s", type == SOCK_STREAM ? "unix" :
		    "unix-dgram", un->sun_path[0] ? "" : "@",
		    (int)(len - offsetof(struct sockaddr_un, sun_path) -
		    (un->sun_path[0] ? 1 : 1)), un->sun_path[0] ?
		    un->sun_path : un->sun_path + 1);
	}
	if (listening)
		fputs(" listening", stdout);
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
		printf("fd %s: %s", e->d_name, target);
		describe_socket(atoi(e->d_name));
		fputc('\n', stdout);
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
