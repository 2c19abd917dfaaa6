/* SPDX-License-Identifier: ISC */
/*
 * spec.c: parser for --bind and --open specs.  Strict and pure: numbers by
 * ids_parse_decimal(), addresses by inet_pton() only (a host name would mean a
 * DNS lookup while privileged, and an answer an attacker may control), paths
 * absolute.  It never opens or resolves anything; the one thing it
 * allocates is the path of an --open, which spec_free() releases.
 *
 *   --bind [NAME=]PROTO:[ADDRESS:]PORT[,OPTION]...   tcp udp tcp4 tcp6 udp4 udp6
 *   --bind [NAME=]unix:PATH|unix:@NAME|unix-dgram:PATH[,OPTION]...
 *   --open [NAME=]PATH[,ro|rw|append|create|truncate|follow|fifo|device]...
 *
 * NAME= is recognised when the text before the first '=' holds none of
 * ", : / @ [": so "/srv/a=b" is a path and "tcp:80,backlog=5" has no name.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "die.h"
#include "ids.h"
#include "spec.h"

struct proto {
	const char *name;
	int family;
	int socktype;
};

static const struct proto protos[] = {
	{ "tcp",	SPEC_FAMILY_DUAL,	SOCK_STREAM },
	{ "tcp4",	AF_INET,		SOCK_STREAM },
	{ "tcp6",	AF_INET6,		SOCK_STREAM },
	{ "udp",	SPEC_FAMILY_DUAL,	SOCK_DGRAM },
	{ "udp4",	AF_INET,		SOCK_DGRAM },
	{ "udp6",	AF_INET6,		SOCK_DGRAM },
	{ "unix",	AF_UNIX,		SOCK_STREAM },
	{ "unix-dgram",	AF_UNIX,		SOCK_DGRAM },
};

#define FAIL(...) (error_into(err, errlen, 0, __VA_ARGS__), false)

bool spec_name_valid(const char *name)
{
	size_t len = strlen(name);

	if (len == 0 || len > SPEC_NAME_MAX)
		return false;
	for (; *name; name++)
		if (*name < 0x20 || *name > 0x7e || *name == ':')
			return false;
	return true;
}

unsigned spec_port(const struct spec *s)
{
	const struct sockaddr_in *in4 = (const void *)&s->addr;
	const struct sockaddr_in6 *in6 = (const void *)&s->addr;

	if (s->kind != SPEC_BIND || s->family == AF_UNIX)
		return 0;
	return ntohs(s->addr.ss_family == AF_INET ? in4->sin_port :
	    in6->sin6_port);
}

bool spec_same_ip(const struct sockaddr_storage *a,
    const struct sockaddr_storage *b)
{
	const struct sockaddr_in *a4 = (const void *)a, *b4 = (const void *)b;
	const struct sockaddr_in6 *a6 = (const void *)a, *b6 = (const void *)b;

	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET)
		return a4->sin_addr.s_addr == b4->sin_addr.s_addr;
	return memcmp(&a6->sin6_addr, &b6->sin6_addr,
	    sizeof(a6->sin6_addr)) == 0;
}

const char *spec_protocol(const struct spec *s)
{
	return s->proto;
}

/* Split off "NAME=" if the text before the first '=' can be a name. */
static bool take_name(const char **arg, struct spec *s, char *err,
    size_t errlen)
{
	const char *eq = strchr(*arg, '=');
	size_t len;

	if (eq == NULL || strcspn(*arg, ",:/@[") < (size_t)(eq - *arg))
		return true;
	len = (size_t)(eq - *arg);
	if (len == 0)
		return FAIL("'%s': empty name before '='", s->text);
	if (len > SPEC_NAME_MAX)
		return FAIL("'%s': name longer than %d bytes", s->text,
		    SPEC_NAME_MAX);
	s->name = strndup(*arg, len);
	if (s->name == NULL)
		return FAIL("'%s': out of memory", s->text);
	if (!spec_name_valid(s->name))
		return FAIL("'%s': name must be printable ASCII without ':'",
		    s->text);
	*arg = eq + 1;
	return true;
}

static bool parse_port(const char *p, struct spec *s, char *err,
    size_t errlen)
{
	unsigned long long port;

	if (!ids_parse_decimal(p, 65535, &port))
		return FAIL("'%s': '%s' is not a port (0 to 65535)", s->text,
		    p);
	if (s->addr.ss_family == AF_INET)
		((struct sockaddr_in *)&s->addr)->sin_port = htons(port);
	else
		((struct sockaddr_in6 *)&s->addr)->sin6_port = htons(port);
	return true;
}

static void set_family(struct spec *s, int family)
{
	s->addr.ss_family = (sa_family_t)family;
	s->addrlen = family == AF_INET ? sizeof(struct sockaddr_in) :
	    sizeof(struct sockaddr_in6);
}

/* "[V6]:PORT", "V4:PORT" or "PORT", for a family of tcp/udp/tcp4/... */
static bool parse_inet(char *rest, struct spec *s, char *err, size_t errlen)
{
	char *port = rest, *addr = NULL, *colon;
	int fam = AF_INET6;	/* wildcard of a bare or v6 port */

	if (rest[0] == '[') {
		char *close = strchr(rest, ']');
		if (close == NULL || close[1] != ':')
			return FAIL("'%s': expected [IPV6]:PORT", s->text);
		*close = '\0';
		addr = rest + 1;
		port = close + 2;
	} else if ((colon = strrchr(rest, ':')) != NULL) {
		*colon = '\0';
		addr = rest;
		port = colon + 1;
		fam = AF_INET;
	} else if (s->family == AF_INET) {
		fam = AF_INET;
	}
	if (addr != NULL && s->family != SPEC_FAMILY_DUAL && s->family != fam)
		return FAIL("'%s': address family does not match the "
		    "protocol", s->text);
	set_family(s, fam);
	if (addr != NULL && inet_pton(fam, addr, fam == AF_INET ?
	    (void *)&((struct sockaddr_in *)&s->addr)->sin_addr :
	    (void *)&((struct sockaddr_in6 *)&s->addr)->sin6_addr) != 1)
		return FAIL("'%s': '%s' is not an IPv%c address (no host "
		    "names; IPv6 goes in brackets)", s->text, addr,
		    fam == AF_INET ? '4' : '6');
	if (addr != NULL || s->family != SPEC_FAMILY_DUAL)
		s->family = fam;
	return parse_port(port, s, err, errlen);
}

static bool parse_unix(const char *path, struct spec *s, char *err,
    size_t errlen)
{
	struct sockaddr_un *un = (struct sockaddr_un *)&s->addr;
	size_t len = strlen(path);

	un->sun_family = AF_UNIX;
	if (path[0] == '@') {
		if (len < 2 || len > sizeof(un->sun_path))
			return FAIL("'%s': abstract name must be 1 to %zu "
			    "bytes", s->text, sizeof(un->sun_path) - 1);
		s->abstract = true;
		memcpy(un->sun_path + 1, path + 1, len - 1);  /* sun_path[0]=0 */
		s->addrlen = (socklen_t)(offsetof(struct sockaddr_un,
		    sun_path) + len);
		return true;
	}
	if (path[0] != '/')
		return FAIL("'%s': unix socket path must be absolute",
		    s->text);
	if (len >= sizeof(un->sun_path))
		return FAIL("'%s': unix socket path longer than %zu bytes",
		    s->text, sizeof(un->sun_path) - 1);
	if (path[len - 1] == '/')
		return FAIL("'%s': unix socket path names a directory",
		    s->text);
	memcpy(un->sun_path, path, len + 1);
	s->addrlen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
	    len + 1);
	return true;
}

static bool parse_address(char *body, struct spec *s, char *err,
    size_t errlen)
{
	char *colon = strchr(body, ':');
	size_t i;

	if (colon == NULL || colon == body)
		return FAIL("'%s': expected PROTOCOL:ADDRESS (tcp, udp, "
		    "tcp4, tcp6, udp4, udp6, unix, unix-dgram)", s->text);
	*colon = '\0';
	for (i = 0; i < sizeof(protos) / sizeof(*protos); i++)
		if (strcmp(body, protos[i].name) == 0)
			break;
	if (i == sizeof(protos) / sizeof(*protos))
		return FAIL("'%s': unknown protocol '%s'", s->text, body);
	s->proto = protos[i].name;
	s->family = protos[i].family;
	s->socktype = protos[i].socktype;
	if (s->family == AF_UNIX)
		return parse_unix(colon + 1, s, err, errlen);
	return parse_inet(colon + 1, s, err, errlen);
}

static bool parse_number(const char *v, unsigned long long max,
    unsigned long long *out, const struct spec *s, const char *opt,
    char *err, size_t errlen)
{
	if (v == NULL || !ids_parse_decimal(v, max, out))
		return FAIL("'%s': %s needs a number from 0 to %llu", s->text,
		    opt, max);
	return true;
}

/* One to four octal digits, at most 0777. */
static bool parse_mode(const char *v, struct spec *s, char *err,
    size_t errlen)
{
	if (v == NULL || *v == '\0' || strlen(v) > 4 ||
	    v[strspn(v, "01234567")] != '\0' || strtol(v, NULL, 8) > 0777)
		return FAIL("'%s': mode needs an octal number up to 0777",
		    s->text);
	s->mode = (int)strtol(v, NULL, 8);
	return true;
}

static bool copy_word(char *dst, size_t size, const char *v,
    const struct spec *s, const char *opt, char *err, size_t errlen)
{
	if (v == NULL || *v == '\0' || strlen(v) >= size)
		return FAIL("'%s': %s needs a value of 1 to %zu bytes",
		    s->text, opt, size - 1);
	strcpy(dst, v);
	return true;
}

/* Whether o is a socket option of any protocol (privrun(1), --bind). */
static bool known_bind_option(const char *o)
{
	char key[16];

	return snprintf(key, sizeof(key), ",%s,", o) < (int)sizeof(key) &&
	    strstr(",backlog,reuseport,freebind,transparent,v6only,rcvbuf,"
	    "sndbuf,device,mark,mode,owner,group,", key) != NULL;
}

/* One socket option; v is the text after '=' or NULL. */
static bool bind_option(const char *o, const char *v, struct spec *s,
    char *err, size_t errlen)
{
	bool inet = s->family != AF_UNIX, path = !inet && !s->abstract;
	bool flag = v == NULL;
	unsigned long long n;

	if (strcmp(o, "backlog") == 0 && s->socktype == SOCK_STREAM) {
		if (!parse_number(v, INT_MAX, &n, s, o, err, errlen))
			return false;
		s->backlog = (int)n;
	} else if (strcmp(o, "reuseport") == 0 && inet && flag) {
		s->reuseport = true;
	} else if (strcmp(o, "freebind") == 0 && inet && flag) {
		s->freebind = true;
	} else if (strcmp(o, "transparent") == 0 && inet && flag) {
		s->transparent = true;
	} else if (strcmp(o, "v6only") == 0 && inet && flag &&
	    s->family != AF_INET) {
		s->v6only = 1;
	} else if ((strcmp(o, "rcvbuf") == 0 || strcmp(o, "sndbuf") == 0)) {
		if (!parse_number(v, INT_MAX / 2, &n, s, o, err, errlen))
			return false;
		*(o[0] == 'r' ? &s->rcvbuf : &s->sndbuf) = (int)n;
	} else if (strcmp(o, "device") == 0 && inet) {
		return copy_word(s->device, sizeof(s->device), v, s, o, err,
		    errlen);
	} else if (strcmp(o, "mark") == 0) {
		if (!parse_number(v, UINT32_MAX, &n, s, o, err, errlen))
			return false;
		s->mark = (uint32_t)n;
		s->has_mark = true;
	} else if (strcmp(o, "mode") == 0 && path) {
		return parse_mode(v, s, err, errlen);
	} else if (strcmp(o, "owner") == 0 && path) {
		return copy_word(s->owner, sizeof(s->owner), v, s, o, err,
		    errlen);
	} else if (strcmp(o, "group") == 0 && path) {
		return copy_word(s->group, sizeof(s->group), v, s, o, err,
		    errlen);
	} else if (!known_bind_option(o)) {
		return FAIL("'%s': unknown option '%s'", s->text, o);
	} else {
		return FAIL("'%s': option '%s%s%s' does not apply to %s",
		    s->text, o, v ? "=" : "", v ? v : "", spec_protocol(s));
	}
	return true;
}

static bool open_option(const char *o, const char *v, struct spec *s,
    char *err, size_t errlen)
{
	static const struct { const char *name; int flags; } modes[] = {
		{ "rw", O_RDWR }, { "append", O_APPEND },
		{ "create", O_CREAT }, { "truncate", O_TRUNC },
	};
	size_t i;

	if (v != NULL)
		return FAIL("'%s': option '%s' takes no value", s->text, o);
	if (strcmp(o, "ro") == 0)
		return s->ro = true;
	if (strcmp(o, "follow") == 0)
		return s->follow = true;
	if (strcmp(o, "fifo") == 0)
		return s->allow_fifo = true;
	if (strcmp(o, "device") == 0)
		return s->allow_device = true;
	for (i = 0; i < sizeof(modes) / sizeof(*modes); i++)
		if (strcmp(o, modes[i].name) == 0) {
			s->oflags |= modes[i].flags;
			return true;
		}
	return FAIL("'%s': unknown option '%s' (ro, rw, append, create, "
	    "truncate, follow, fifo, device)", s->text, o);
}

static bool parse_options(char *opts, struct spec *s, char *err,
    size_t errlen)
{
	char *save = NULL, *o;

	if (opts == NULL)
		return true;
	if (*opts == '\0' || *opts == ',' || opts[strlen(opts) - 1] == ',' ||
	    strstr(opts, ",,") != NULL)
		return FAIL("'%s': empty option", s->text);
	for (o = strtok_r(opts, ",", &save); o != NULL;
	    o = strtok_r(NULL, ",", &save)) {
		char *v = strchr(o, '=');
		bool ok;
		if (v != NULL)
			*v++ = '\0';
		ok = s->kind == SPEC_BIND ? bind_option(o, v, s, err, errlen) :
		    open_option(o, v, s, err, errlen);
		if (!ok)
			return false;
	}
	return true;
}

/* ro is the default; a write flag without rw means write-only. */
static bool settle_open_flags(struct spec *s, char *err, size_t errlen)
{
	int writes = s->oflags & (O_APPEND | O_CREAT | O_TRUNC);

	if (s->ro && (writes || (s->oflags & O_RDWR)))
		return FAIL("'%s': ro conflicts with rw, append, create and "
		    "truncate", s->text);
	if (writes && !(s->oflags & O_RDWR))
		s->oflags |= O_WRONLY;
	return true;
}

static bool default_name(struct spec *s, const char *body, char *err,
    size_t errlen)
{
	const char *src = body;
	size_t i;

	if (s->name != NULL)
		return true;
	if (s->kind == SPEC_OPEN)
		src = strrchr(body, '/') + 1;	/* body is absolute */
	if (strlen(src) > SPEC_NAME_MAX)
		return FAIL("'%s': default name too long: give NAME=",
		    s->text);
	s->name = strdup(src);
	if (s->name == NULL)
		return FAIL("'%s': out of memory", s->text);
	for (i = 0; src[i]; i++)
		if (s->name[i] == ':')
			s->name[i] = '-';
	if (!spec_name_valid(s->name))
		return FAIL("'%s': no valid default name: give NAME=",
		    s->text);
	return true;
}

static bool parse_spec(enum spec_kind kind, const char *arg, struct spec *s,
    char *err, size_t errlen)
{
	char body[SPEC_TEXT_MAX + 1], *opts;

	memset(s, 0, sizeof(*s));
	s->kind = kind;
	s->proto = "file";
	s->v6only = -1;
	s->mode = -1;
	s->backlog = SOMAXCONN;
	if (strlen(arg) > SPEC_TEXT_MAX)
		return FAIL("'%.40s...': longer than %d bytes", arg,
		    SPEC_TEXT_MAX);
	s->text = strdup(arg);
	if (s->text == NULL)
		return FAIL("'%.40s': out of memory", arg);
	if (!take_name(&arg, s, err, errlen))
		return false;
	strcpy(body, arg);
	opts = strchr(body, ',');
	if (opts != NULL)
		*opts++ = '\0';
	if (kind == SPEC_OPEN) {
		if (body[0] != '/' || body[strlen(body) - 1] == '/')
			return FAIL("'%s': path must be absolute and name a "
			    "file", s->text);
		s->path = strdup(body);
		if (s->path == NULL)
			return FAIL("'%s': out of memory", s->text);
	}
	if (!default_name(s, body, err, errlen))
		return false;
	if (kind == SPEC_BIND && !parse_address(body, s, err, errlen))
		return false;
	if (!parse_options(opts, s, err, errlen))
		return false;
	return kind == SPEC_BIND || settle_open_flags(s, err, errlen);
}

bool spec_parse(enum spec_kind kind, const char *arg, struct spec *s,
    char *err, size_t errlen)
{
	if (parse_spec(kind, arg, s, err, errlen))
		return true;
	spec_free(s);
	return false;
}

void spec_free(struct spec *s)
{
	free(s->path);
	free(s->name);
	free(s->text);
	s->path = s->name = s->text = NULL;
}

bool spec_parse_range(const char *arg, struct spec *s, unsigned *lo,
    unsigned *hi, char *err, size_t errlen)
{
	char base[SPEC_TEXT_MAX + 1], *colon, *dash = NULL;
	unsigned long long n;

	if (strpbrk(arg, ",=") != NULL)
		return FAIL("'%s': no NAME= and no socket options here", arg);
	if (strlen(arg) >= sizeof(base))
		return FAIL("'%.40s...': longer than %zu bytes", arg,
		    sizeof(base) - 1);
	strcpy(base, arg);
	/* "tcp:-1" is a bad port for spec_parse() to name, not a range. */
	colon = strrchr(base, ':');
	if (colon != NULL && colon[1] != '-')
		dash = strchr(colon, '-');
	if (dash != NULL)
		*dash = '\0';
	if (!spec_parse(SPEC_BIND, base, s, err, errlen))
		return false;
	*lo = *hi = spec_port(s);
	if (dash == NULL)
		return true;
	/* A bad range: the spec is freed, as after a failed spec_parse(). */
	if (!ids_parse_decimal(dash + 1, 65535, &n)) {
		spec_free(s);
		return FAIL("'%s': '%s' is not a port (0 to 65535)", arg,
		    dash + 1);
	}
	if (n < *lo) {
		spec_free(s);
		return FAIL("'%s': port range runs backwards", arg);
	}
	*hi = (unsigned)n;
	return true;
}
