/* SPDX-License-Identifier: ISC */
/*
 * monitor_serve.c: what the monitor may do for the program, and doing it.
 * The allow list is parsed before the fork, with the pure spec parser plus
 * port ranges ("tcp:8000-8099"), so nothing is looked up afterwards.  A
 * request is parsed with the same parser and must match an entry exactly:
 * same protocol, same address, port in the range; for a file the same path,
 * read-only or exactly the entry's flags.  Opening goes through
 * resources.c, with the effective capabilities raised only around it.
 * Unix sockets are not served: a node the monitor created would need an
 * owner looked up by name, and the program can create its own.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "die.h"
#include "ids.h"
#include "monitor_serve.h"
#include "privs.h"
#include "resources.h"

static unsigned port_start = 1024;	/* the kernel's default */
#define PORT_START "/proc/sys/net/ipv4/ip_unprivileged_port_start"

/* The sysctl net.ipv4.ip_unprivileged_port_start into port_start: NULL,
 * or why it could not be read (systemd's ProcSubset=pid hides /proc/sys). */
static const char *read_port_start(void)
{
	unsigned long long v;
	char buf[32] = "";
	FILE *f = fopen(PORT_START, "re");
	int err = f == NULL ? errno : 0;

	if (f != NULL && fgets(buf, sizeof(buf), f) != NULL)
		buf[strcspn(buf, "\n")] = '\0';
	if (f != NULL)
		fclose(f);
	if (!ids_parse_decimal(buf, 65536, &v))
		return err != 0 ? strerror(err) : "not a port number";
	port_start = (unsigned)v;
	return NULL;
}

unsigned monitor_port_start(void)
{
	return port_start;
}

static bool bind_entry(const char *arg, struct monitor_allow *a, char *err,
    size_t errlen)
{
	if (!spec_parse_range(arg, &a->spec, &a->port_lo, &a->port_hi, err,
	    errlen))
		return false;
	if (a->spec.family == AF_UNIX) {
		snprintf(err, errlen, "the monitor serves tcp and udp sockets "
		    "only");
		return false;
	}
	return true;
}

void monitor_allow_parse(const struct options *o, struct monitor_allowlist *l)
{
	const char *unknown = read_port_start();
	bool binds = false;
	char err[768];
	size_t i;

	l->n = 0;
	l->a = calloc(o->nallow + 1, sizeof(*l->a));
	if (l->a == NULL)
		die_errno("monitor", "calloc");
	for (i = 0; i < o->nallow; i++) {
		const struct opts_resource *r = &o->allow[i];
		struct monitor_allow *a = &l->a[l->n];
		bool ok = r->kind == SPEC_BIND ?
		    bind_entry(r->arg, a, err, sizeof(err)) :
		    spec_parse(SPEC_OPEN, r->arg, &a->spec, err, sizeof(err));
		if (!ok)
			die_usage("%s '%s': %s", r->kind == SPEC_BIND ?
			    "--allow-bind" : "--allow-open", r->arg, err);
		binds |= r->kind == SPEC_BIND;
		l->n++;
	}
	/* Root gets the kernel's default.  For a caller, a guess could let
	 * the monitor bind a low port no rule grants (a bind at start runs
	 * with the caller's own rights where no rule grants it). */
	if (unknown != NULL && binds && privs_untrusted_caller())
		die("ports", "%s: %s: which ports need a privilege is unknown",
		    PORT_START, unknown);
}

void monitor_allow_free(struct monitor_allowlist *l)
{
	size_t i;

	for (i = 0; l->a != NULL && i < l->n; i++)
		spec_free(&l->a[i].spec);
	free(l->a);
	l->a = NULL;
	l->n = 0;
}

static bool writes(const struct spec *s)
{
	return (s->oflags & O_ACCMODE) != O_RDONLY || (s->oflags & O_CREAT) ||
	    (s->oflags & O_TRUNC);
}

/* The capability an entry makes the monitor keep, for the table below. */
static uint64_t bind_needs(const struct monitor_allow *a)
{
	return a->port_lo < port_start && a->port_hi > 0 ?
	    UINT64_C(1) << CAP_NET_BIND_SERVICE : 0;
}

static uint64_t open_needs(const struct monitor_allow *a)
{
	return UINT64_C(1) << (writes(&a->spec) ? CAP_DAC_OVERRIDE :
	    CAP_DAC_READ_SEARCH);
}

static bool same_address(const struct spec *a, const struct spec *b)
{
	return a->family == b->family && a->socktype == b->socktype &&
	    spec_same_ip(&a->addr, &b->addr);
}

static bool bind_allowed(const struct monitor_allow *a, const struct spec *s)
{
	unsigned port = spec_port(s);

	return same_address(&a->spec, s) &&
	    strcmp(a->spec.proto, s->proto) == 0 &&
	    port >= a->port_lo && port <= a->port_hi;
}

/* A bare port is either family's wildcard address. */
static bool address_granted(const struct spec *e,
    const struct sockaddr_storage *ss)
{
	const struct sockaddr_in *in4 = (const void *)ss;

	return spec_same_ip(&e->addr, ss) || (e->family == SPEC_FAMILY_DUAL &&
	    ss->ss_family == AF_INET && in4->sin_addr.s_addr == INADDR_ANY);
}

bool monitor_bind_granted(const struct monitor_allowlist *l, int socktype,
    const struct sockaddr_storage *ss)
{
	unsigned port = ntohs(((const struct sockaddr_in *)ss)->sin_port);
	size_t i;

	for (i = 0; i < l->n; i++) {
		const struct monitor_allow *a = &l->a[i];
		if (a->spec.kind == SPEC_BIND && a->spec.socktype == socktype &&
		    address_granted(&a->spec, ss) && port >= a->port_lo &&
		    port <= a->port_hi)
			return true;
	}
	return false;
}

/* Read-only when the entry can read, else exactly the entry's flags. */
static bool open_allowed(const struct monitor_allow *a, const struct spec *s)
{
	const struct spec *e = &a->spec;
	bool readable = (e->oflags & O_ACCMODE) != O_WRONLY;

	if (strcmp(e->path, s->path) != 0 ||
	    (s->follow && !e->follow) || (s->allow_fifo && !e->allow_fifo) ||
	    (s->allow_device && !e->allow_device))
		return false;
	if (s->oflags == O_RDONLY)
		return readable;
	return s->oflags == e->oflags;
}

int monitor_open_for(const struct monitor_allowlist *l, char *path,
    int oflags, int how)
{
	struct spec s = { .kind = SPEC_OPEN, .path = path, .oflags = oflags };
	char err[256];
	size_t i;
	int fd, saved;

	for (i = 0; i < l->n && (l->a[i].spec.kind != SPEC_OPEN ||
	    !open_allowed(&l->a[i], &s)); i++)
		;
	if (i == l->n)
		return -2;
	s = l->a[i].spec;	/* shares the entry's path, not freed here */
	s.oflags = oflags | how;	/* O_RDONLY or the entry's own flags */
	errno = 0;
	fd = resources_open_single(&s, err, sizeof(err));
	/* EACCES for a type the entry does not allow; kept past the trace,
	 * whose stdio may set errno. */
	saved = errno != 0 ? errno : EACCES;
	trace("monitor: open %s: %s", path, fd >= 0 ? "ok" : err);
	errno = saved;
	return fd;
}

/* Socket options that would need privileges the monitor does not hold. */
static const char *forbidden_option(const struct spec *s)
{
	if (s->transparent)
		return "transparent";
	if (s->device[0] != '\0')
		return "device";
	if (s->has_mark)
		return "mark";
	return NULL;
}

static int refuse(unsigned code, unsigned *status, char *msg, size_t msglen,
    const char *text, const char *why)
{
	*status = code;
	snprintf(msg, msglen, "%s: %s", text, why);
	return -1;
}

/*
 * Everything the monitor serves, on one screen, as OpenSSH's mon_dispatch:
 * each request, the kind of allow-list entry that grants it, how a request
 * matches an entry, and the capability each such entry makes the monitor
 * keep, indexed by that kind.  A request no row names is refused.
 * --intercept's binds are matched by address (monitor_bind_granted())
 * against the same bind entries.
 */
static const struct served {
	unsigned request;	/* PRIVRUN_REQ_* */
	enum spec_kind kind;
	bool (*matches)(const struct monitor_allow *, const struct spec *);
	uint64_t (*needs)(const struct monitor_allow *);
} served[] = {
	[SPEC_BIND] = { PRIVRUN_REQ_BIND, SPEC_BIND, bind_allowed, bind_needs },
	[SPEC_OPEN] = { PRIVRUN_REQ_OPEN, SPEC_OPEN, open_allowed, open_needs },
};

#define NSERVED (sizeof(served) / sizeof(*served))

static const struct served *served_request(unsigned request)
{
	size_t i;

	for (i = 0; i < NSERVED && served[i].request != request; i++)
		continue;
	return i < NSERVED ? &served[i] : NULL;
}

uint64_t monitor_allow_caps(const struct monitor_allowlist *l)
{
	uint64_t mask = 0;
	size_t i;

	for (i = 0; i < l->n; i++)
		mask |= served[l->a[i].spec.kind].needs(&l->a[i]);
	return mask;
}

/* Whether the allow list lets the program have s, and if not why not. */
static const char *refusal(const struct monitor_allowlist *l,
    const struct served *row, const struct spec *s)
{
	size_t i;

	if (s->kind == SPEC_BIND && s->family == AF_UNIX)
		return "the monitor serves tcp and udp sockets only";
	if (s->kind == SPEC_BIND && forbidden_option(s) != NULL)
		return "this socket option is not served";
	for (i = 0; i < l->n; i++)
		if (l->a[i].spec.kind == row->kind &&
		    row->matches(&l->a[i], s))
			return NULL;
	return "not in the monitor's allow list";
}

bool monitor_any6(const struct sockaddr_storage *ss)
{
	return ss->ss_family == AF_INET6 && IN6_IS_ADDR_UNSPECIFIED(
	    &((const struct sockaddr_in6 *)ss)->sin6_addr);
}

bool monitor_needs_v6only(const struct monitor_allowlist *l, int socktype,
    const struct sockaddr_storage *ss)
{
	struct sockaddr_storage any4;
	struct sockaddr_in *in4 = (struct sockaddr_in *)&any4;

	if (!monitor_any6(ss))
		return false;
	memset(&any4, 0, sizeof(any4));
	in4->sin_family = AF_INET;
	in4->sin_port = ((const struct sockaddr_in6 *)ss)->sin6_port;
	return !monitor_bind_granted(l, socktype, &any4);
}

/* A request gets IPV6_V6ONLY where it needs it, as an intercepted bind
 * must have it and as a policy rule for tcp6: asks. */
static void pin_v6only(const struct monitor_allowlist *l, struct spec *s)
{
	if (s->kind == SPEC_BIND && s->family == AF_INET6 && s->v6only < 0 &&
	    monitor_needs_v6only(l, s->socktype, &s->addr))
		s->v6only = 1;
}

int monitor_serve(const struct monitor_allowlist *l,
    const struct monitor_request *req, unsigned *status, char *msg,
    size_t msglen)
{
	const struct served *row = served_request(req->type);
	struct spec s;
	char err[1024];
	const char *why;
	int fd;

	if (row == NULL || !spec_parse(row->kind, req->spec, &s, err,
	    sizeof(err))) {
		*status = PRIVRUN_E_SPEC;
		snprintf(msg, msglen, "%s", row ? err : "unknown request");
		return -1;
	}
	why = refusal(l, row, &s);
	pin_v6only(l, &s);
	if (why != NULL) {
		fd = refuse(PRIVRUN_E_DENIED, status, msg, msglen, s.text, why);
	} else if ((fd = resources_open_single(&s, err, sizeof(err))) < 0) {
		*status = PRIVRUN_E_FAILED;
		snprintf(msg, msglen, "%s", err);
	} else {
		*status = PRIVRUN_OK;
		snprintf(msg, msglen, "%s: ok", s.text);
	}
	spec_free(&s);
	return fd;
}
