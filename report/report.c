/* SPDX-License-Identifier: ISC */
/*
 * report.c: --dry-run and --dump output, as "key: value" lines or, with
 * --json, as one JSON object on one line (both are described in
 * privrun(1)).  One walk over the plan or the state writes both: each step
 * gives out() a format for the text and one for JSON, with the same
 * arguments, and out() writes the one asked for.  --dump reads everything
 * back from the kernel (/proc/self/status, prctl, /proc/self/fd) rather
 * than from privrun's own idea of what it did.  JSON strings are escaped
 * per RFC 8259, bytes outside printable ASCII as \u00XX, so the output is
 * valid JSON whatever bytes a path or a user name holds.  Nothing here
 * changes anything: it only reads and prints.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <limits.h>
#include <stdarg.h>
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
#include "fds.h"
#include "privs.h"
#include "report.h"

struct out {
	bool json;
	char last;	/* the last character or conversion out() handled */
};

/* A string: as it is in text, escaped or null in JSON. */
static void put_str(const struct out *o, const char *s)
{
	if (!o->json || s == NULL) {
		fputs(s ? s : o->json ? "null" : "", stdout);
		return;
	}
	for (putchar('"'); *s; s++) {
		unsigned char c = (unsigned char)*s;
		printf(c == '"' || c == '\\' ? "\\%c" : c < 0x20 || c > 0x7e ?
		    "\\u%04x" : "%c", c);
	}
	putchar('"');
}

/*
 * A capability set: "cap_a,cap_b" or "none" in text, an array in JSON
 * (capability names are plain ASCII: nothing to escape).
 */
static void put_caps(const struct out *o, uint64_t mask)
{
	char names[1024], *p, *save = NULL;

	caps_format(mask, names, sizeof(names));
	if (!o->json)
		fputs(names[0] ? names : "none", stdout);
	for (p = strtok_r(names, ",", &save); o->json && p;
	    p = strtok_r(NULL, ",", &save))
		printf("%s\"%s\"", p == names ? "[" : ",", p);
	if (o->json)
		fputs(names[0] ? "]" : "[]", stdout);
}

/* One conversion of out()'s (below): false if it leaves no trace. */
static bool convert(const struct out *o, char c, va_list *ap)
{
	static const char *const bools[2][2] = { { "0", "1" },
	    { "false", "true" } };

	switch (c) {
	case 's': put_str(o, va_arg(*ap, const char *)); break;
	case 'r': fputs(va_arg(*ap, const char *), stdout); break;
	case '-': (void)va_arg(*ap, const char *); return false;
	case 'u': printf("%u", va_arg(*ap, unsigned)); break;
	case 'U': printf("%llu", va_arg(*ap, unsigned long long)); break;
	case 'x': printf(o->json ? "%d" : "%#x", va_arg(*ap, int)); break;
	case 'b': fputs(bools[o->json][va_arg(*ap, int) != 0], stdout); break;
	case 'C': put_caps(o, va_arg(*ap, uint64_t)); break;
	case ',': fputs(strchr("[{", o->last) ? "" : ",", stdout); break;
	}
	return true;
}

/*
 * printf(3) for both formats: TEXT or JSON, whichever o asks for, takes the
 * arguments; the other format's conversions say how to read the ones it
 * does not print.  %s a string (put_str), %r a string as it is, %- a
 * string skipped, %u unsigned, %U unsigned long long, %x int (in
 * hexadecimal in text), %b a bool (1 or true), %C a capability mask
 * (put_caps), and %, a JSON comma unless first in an array or object
 * (just after a '[' or '{' of the format).  The formats are this file's
 * string literals: a name, path or argument from outside is only ever an
 * argument, never a format.
 */
static void out(struct out *o, const char *text, const char *json, ...)
{
	const char *f = o->json ? json : text;
	va_list ap;

	va_start(ap, json);
	for (; *f; f++)
		if (*f != '%')
			putchar(o->last = *f);
		else if (convert(o, *++f, &ap))
			o->last = *f;
	va_end(ap);
}

/*
 * The process set-up, the resources and the environment: text has a line
 * for each thing given, JSON every key (null or an empty array if unset).
 */
static void plan_setup(struct out *o, const struct process_plan *pp,
    const struct resources *r, const struct env_plan *env)
{
	char umask_s[8];
	size_t i;

	for (i = 0; i < pp->nrl; i++)
		out(o, "rlimit: %s %U %U\n",
		    "%,{\"name\":%s,\"soft\":%U,\"hard\":%U}", pp->rl[i].name,
		    (unsigned long long)pp->rl[i].lim.rlim_cur,
		    (unsigned long long)pp->rl[i].lim.rlim_max);
	snprintf(umask_s, sizeof(umask_s), "%04o", (unsigned)pp->umask);
	out(o, pp->has_umask ? "umask: %s\n" : "", "],\"umask\":%s",
	    pp->has_umask ? umask_s : NULL);
	out(o, pp->chroot_dir ? "chroot: %s\n" : "", ",\"chroot\":%s",
	    pp->chroot_dir);
	out(o, pp->chdir_dir ? "chdir: %s\n" : "", ",\"chdir\":%s",
	    pp->chdir_dir);
	out(o, pp->new_session ? "new_session: 1\n" : "",
	    ",\"new_session\":%b", pp->new_session);
	out(o, r->inherited + r->n ? "" : "resources: none\n",
	    ",\"resources\":[");
	for (i = 0; i < r->inherited; i++)
		out(o, "resource: fd %u name %s: inherited\n", "%,{\"fd\":%u,"
		    "\"name\":%s,\"kind\":\"inherited\",\"spec\":null}",
		    (unsigned)(FDS_FIRST_PASSED + i), r->inherited_names[i]);
	for (i = 0; i < r->n; i++)
		out(o, "resource: fd %u name %s: %s %s\n", "%,{\"fd\":%u,"
		    "\"name\":%s,\"kind\":%s,\"spec\":%s}",
		    (unsigned)(FDS_FIRST_PASSED + r->inherited + i),
		    r->res[i].spec.name, resources_step(r->res[i].spec.kind),
		    r->res[i].spec.text);
	out(o, env->clear ? "env: clear\n" : "", env->clear ?
	    "],\"environment\":[{\"op\":\"clear\"}" : "],\"environment\":[");
	for (i = 0; i < env->n; i++)
		out(o, env->change[i].value ? "env: set %r=%r\n" :
		    "env: unset %r\n", env->change[i].value ?
		    "%,{\"op\":\"set\",\"name\":%s,\"value\":%s}" :
		    "%,{\"op\":\"unset\",\"name\":%s}", env->change[i].name,
		    env->change[i].value);
}

void report_plan(const struct run_plan *p, bool json)
{
	struct out o = { json, 0 };
	size_t i;

	out(&o, "start: %s\nuser: %s\nuid: %u\ngid: %u\ngroups:",
	    "{\"start\":%s,\"user\":%s,\"uid\":%u,\"gid\":%u,\"groups\":[",
	    privs_start_name(privs_start_mode()), p->id->name,
	    (unsigned)p->id->uid, (unsigned)p->id->gid);
	for (i = 0; i < p->id->ngroups; i++)
		out(&o, " %u", "%,%u", (unsigned)p->id->groups[i]);
	out(&o, "\nmode: %s\n", "],\"mode\":%s,\"monitor_allow\":[",
	    p->o->monitor ? "monitor" : p->keep ? "keep-caps" : "revoke");
	for (i = 0; i < p->o->nallow; i++)
		out(&o, "monitor_allow: %s %s\n",
		    "%,{\"kind\":%s,\"spec\":%s}",
		    resources_step(p->o->allow[i].kind), p->o->allow[i].arg);
	out(&o, "cap_effective: %C\ncap_permitted: %C\ncap_inheritable: %C\n"
	    "cap_ambient: %C\ncap_bounding: ", "],\"capabilities\":{"
	    "\"effective\":%C,\"permitted\":%C,\"inheritable\":%C,"
	    "\"ambient\":%C,\"bounding\":", p->keep, p->keep, p->keep, p->keep);
	if (privs_start_mode() == PRIVS_START_NONE)
		out(&o, "unchanged (no privileges to drop it)\n"
		    "securebits: unchanged\n", "null},\"securebits\":null");
	else
		out(&o, "%C\nsecurebits: %x (noroot, no_setuid_fixup, "
		    "no_cap_ambient_raise, all locked)\n",
		    "%C},\"securebits\":%x", p->keep, PRIVRUN_SECUREBITS);
	out(&o, "no_new_privs: %b\ntty_guard: %b\npty: %b\ninit: %b\n",
	    ",\"no_new_privs\":%b,\"tty_guard\":%b,\"rlimits\":[",
	    !p->o->allow_new_privs, p->guard, p->pty, p->o->init);
	plan_setup(&o, p->proc, p->res, p->env);
	out(&o, "program:", "],\"program\":[");
	for (i = 0; i < (size_t)p->o->argc; i++)
		out(&o, " %r", "%,%s", p->o->argv[i]);
	out(&o, "\n", "]}\n");
}

/* "tcp6 [::]:80 listening": what getsockname(2) says of a socket fd. */
static bool socket_address(int fd, char *buf, size_t size)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss), ilen = sizeof(int);
	int type = 0, listening = 0, v4, at;
	char addr[INET6_ADDRSTRLEN];
	const struct sockaddr_un *un = (const void *)&ss;
	const struct sockaddr_in *in4 = (const void *)&ss;
	const struct sockaddr_in6 *in6 = (const void *)&ss;
	const char *kind, *ux, *l;
	size_t path = offsetof(struct sockaddr_un, sun_path);

	memset(&ss, 0, sizeof(ss));
	if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0 ||
	    getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &ilen) != 0)
		return false;
	/* SO_TYPE left ilen at sizeof(int); if this fails, "not listening". */
	getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &ilen);
	kind = type == SOCK_STREAM ? "tcp" : type == SOCK_DGRAM ? "udp" : "?";
	ux = type == SOCK_STREAM ? "unix" : "unix-dgram";
	l = listening ? " listening" : "";
	v4 = ss.ss_family == AF_INET;
	at = un->sun_path[0] == '\0';	/* an abstract name (unix(7)) */
	if (v4 || ss.ss_family == AF_INET6)
		snprintf(buf, size, v4 ? "%s4 %s:%u%s" : "%s6 [%s]:%u%s", kind,
		    inet_ntop(ss.ss_family, v4 ? (const void *)&in4->sin_addr :
		    (const void *)&in6->sin6_addr, addr, sizeof(addr)),
		    ntohs(v4 ? in4->sin_port : in6->sin6_port), l);
	else if (ss.ss_family == AF_UNIX && len <= path)
		snprintf(buf, size, "%s unnamed%s", ux, l);
	else if (ss.ss_family == AF_UNIX)
		snprintf(buf, size, "%s %s%.*s%s", ux, at ? "@" : "",
		    (int)(len - path - (size_t)at), un->sun_path + at, l);
	else
		snprintf(buf, size, "%s", l);
	return buf[0] != '\0';
}

/*
 * The privilege lines of /proc/self/status, as they are in text; in JSON
 * the ids and groups as arrays of numbers, the capability sets as their
 * hexadecimal strings (report_state() gives NoNewPrivs and Seccomp from
 * prctl(2)).  The kernel writes them in this order (a key's JSON opening
 * closes the array before it), and privrun checked after the drop that
 * they are there (proc_status.c).
 */
static void state_status(struct out *o)
{
	static const char *const keys[][2] = { { "Uid:", "{\"uid\":[" },
	    { "Gid:", "],\"gid\":[" }, { "Groups:", "],\"groups\":[" },
	    { "CapInh:", "],\"capabilities\":{\"inheritable\":" },
	    { "CapPrm:", ",\"permitted\":" }, { "CapEff:", ",\"effective\":" },
	    { "CapBnd:", ",\"bounding\":" }, { "CapAmb:", ",\"ambient\":" },
	    { "NoNewPrivs:", "" }, { "Seccomp:", "" } };
	char line[512], *v, *save = NULL;
	FILE *f = fopen("/proc/self/status", "re");
	size_t i;

	if (f == NULL)
		die_errno("dump", "/proc/self/status");
	while (fgets(line, sizeof(line), f) != NULL)
		for (i = 0; i < 10; i++) {
			if (strncmp(line, keys[i][0], strlen(keys[i][0])) != 0)
				continue;
			out(o, "%r", keys[i][1], line);
			v = line + strlen(keys[i][0]);
			v[strcspn(v, "\n")] = '\0';
			if (o->json && i >= 3 && i < 8)
				out(o, "", "%s", v + strspn(v, " \t"));
			if (o->json && i < 3)
				for (v = strtok_r(v, " \t", &save); v;
				    v = strtok_r(NULL, " \t", &save))
					out(o, "", "%,%r", v);
		}
	fclose(f);
}

/* "fd 3: socket:[123] tcp4 0.0.0.0:80 listening", or a JSON object. */
static void state_fds(struct out *o)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	char target[PATH_MAX], address[256];
	bool sock;

	if (d == NULL)
		die_errno("dump", "/proc/self/fd");
	out(o, "", ",\"fds\":[");
	while ((e = readdir(d)) != NULL) {
		int fd = atoi(e->d_name);
		ssize_t n = readlinkat(dirfd(d), e->d_name, target,
		    sizeof(target) - 1);
		if (e->d_name[0] == '.' || fd == dirfd(d))
			continue;
		target[n > 0 ? n : 0] = '\0';
		sock = socket_address(fd, address, sizeof(address));
		out(o, "fd %u: %r%r%s\n", "%,{\"fd\":%u,\"target\":%s,"
		    "\"address\":%-%s}", (unsigned)fd, target, sock ? " " : "",
		    sock ? address : NULL);
	}
	out(o, "", "]");
	closedir(d);
}

void report_state(bool json)
{
	struct out o = { json, 0 };
	int bits = prctl(PR_GET_SECUREBITS, 0, 0, 0, 0);
	char **e, name[256];

	state_status(&o);
	/* PR_GET_SECCOMP: 0 none, 2 filter (the ioctl is allowed by ours). */
	out(&o, "", "},\"no_new_privs\":%b,\"seccomp\":%x",
	    prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1,
	    prctl(PR_GET_SECCOMP, 0, 0, 0, 0));
	out(&o, "Securebits:\t%x\n", ",\"securebits\":%x",
	    bits < 0 && !json ? 0 : bits);
	state_fds(&o);
	out(&o, "", ",\"environment\":{");
	for (e = environ; *e != NULL; e++) {
		size_t n = strcspn(*e, "=");
		if (strncmp(*e, "LISTEN_", 7) != 0 &&
		    strncmp(*e, "PRIVRUN_", 8) != 0)
			continue;
		snprintf(name, sizeof(name), "%.*s", (int)n, *e);
		out(&o, "env: %r\n", "%-%,%s:%s", *e, name,
		    (*e)[n] ? *e + n + 1 : "");
	}
	out(&o, "", "}}\n");
}
