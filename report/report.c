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
	printf("mode: %s\n", p->o->monitor ? "monitor" : p->keep ?
	    "keep-caps" : "revoke");
	for (i = 0; i < (int)p->o->nallow; i++)
		printf("monitor_allow: %s %s\n", p->o->allow[i].kind ==
		    SPEC_BIND ? "bind" : "open", p->o->allow[i].arg);
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
	printf("tty_guard: %d\npty: %d\ninit: %d\n", p->guard, p->pty,
	    p->o->init);
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

/* "tcp6 [::]:80 listening": what getsockname(2) says of a socket fd. */
bool report_socket_address(int fd, char *buf, size_t size)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss), ilen = sizeof(int);
	int type = 0, listening = 0;
	char addr[INET6_ADDRSTRLEN] = "";
	const struct sockaddr_un *un = (const void *)&ss;
	const char *kind, *ux;
	size_t n = 0;

	memset(&ss, 0, sizeof(ss));
	if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0 ||
	    getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &ilen) != 0)
		return false;
	ilen = sizeof(int);
	getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &ilen);
	kind = type == SOCK_STREAM ? "tcp" : type == SOCK_DGRAM ? "udp" : "?";
	ux = type == SOCK_STREAM ? "unix" : "unix-dgram";
	buf[0] = '\0';
	if (ss.ss_family == AF_INET) {
		const struct sockaddr_in *in4 = (const void *)&ss;
		inet_ntop(AF_INET, &in4->sin_addr, addr, sizeof(addr));
		n = (size_t)snprintf(buf, size, "%s4 %s:%u", kind, addr,
		    ntohs(in4->sin_port));
	} else if (ss.ss_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const void *)&ss;
		inet_ntop(AF_INET6, &in6->sin6_addr, addr, sizeof(addr));
		n = (size_t)snprintf(buf, size, "%s6 [%s]:%u", kind, addr,
		    ntohs(in6->sin6_port));
	} else if (ss.ss_family == AF_UNIX &&
	    len <= offsetof(struct sockaddr_un, sun_path)) {
		n = (size_t)snprintf(buf, size, "%s unnamed", ux);
	} else if (ss.ss_family == AF_UNIX && un->sun_path[0] == '\0') {
		n = (size_t)snprintf(buf, size, "%s @%.*s", ux, (int)(len -
		    offsetof(struct sockaddr_un, sun_path) - 1),
		    un->sun_path + 1);
	} else if (ss.ss_family == AF_UNIX) {
		n = (size_t)snprintf(buf, size, "%s %s", ux, un->sun_path);
	}
	if (listening && n < size)
		snprintf(buf + n, size - n, " listening");
	return buf[0] != '\0';
}

void report_each_fd(void (*fn)(int fd, const char *target,
    const char *address, void *arg), void *arg)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	char path[300], target[PATH_MAX], address[256];

	if (d == NULL)
		die_errno("dump", "/proc/self/fd");
	while ((e = readdir(d)) != NULL) {
		ssize_t n;
		int fd = atoi(e->d_name);
		if (e->d_name[0] == '.' || fd == dirfd(d))
			continue;
		snprintf(path, sizeof(path), "/proc/self/fd/%s", e->d_name);
		n = readlink(path, target, sizeof(target) - 1);
		target[n > 0 ? n : 0] = '\0';
		fn(fd, target, report_socket_address(fd, address,
		    sizeof(address)) ? address : NULL, arg);
	}
	closedir(d);
}

static void print_fd(int fd, const char *target, const char *address,
    void *arg)
{
	(void)arg;
	printf("fd %d: %s%s%s\n", fd, target, address ? " " : "",
	    address ? address : "");
}

void report_state(void)
{
	char **e;
	int bits = prctl(PR_GET_SECUREBITS, 0, 0, 0, 0);

	report_status();
	printf("Securebits:\t%#x\n", bits < 0 ? 0 : (unsigned)bits);
	report_each_fd(print_fd, NULL);
	for (e = environ; *e != NULL; e++)
		if (strncmp(*e, "LISTEN_", 7) == 0 ||
		    strncmp(*e, "PRIVRUN_", 8) == 0)
			printf("env: %s\n", *e);
}
