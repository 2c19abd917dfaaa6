/* SPDX-License-Identifier: ISC */
/*
 * spec.h: the resources of --bind and --open, parsed from their specs
 * (privrun(1), --bind and --open).  Parsing is pure:
 * no lookups, no sockets, no files, so it can be fuzzed.
 */
#ifndef PRIVRUN_SPEC_H
#define PRIVRUN_SPEC_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/un.h>

#define SPEC_NAME_MAX 255	/* sd_listen_fds_with_names(3) */
#define SPEC_TEXT_MAX 511	/* the longest spec accepted */
#define SPEC_OWNER_MAX 64

enum spec_kind { SPEC_BIND, SPEC_OPEN };

/* An internet socket with a bare port: IPv6 dual-stack, else IPv4. */
#define SPEC_FAMILY_DUAL (-1)

struct spec {
	enum spec_kind kind;
	const char *proto;	/* "tcp", "udp6", "unix-dgram", "file", ... */
	/* Strings on the heap, owned by the spec (spec_free()): a
	 * thousand resources fit in a quarter of the pages (RESULTS.md). */
	char *name;		/* LISTEN_FDNAMES entry */
	char *text;		/* the spec as given, for messages */

	/* --bind */
	int family;		/* AF_INET, AF_INET6, AF_UNIX, SPEC_FAMILY_DUAL */
	int socktype;		/* SOCK_STREAM or SOCK_DGRAM */
	struct sockaddr_storage addr;	/* port and address (inet), path */
	socklen_t addrlen;
	bool abstract;		/* unix:@NAME */
	int backlog;
	bool reuseport, freebind, transparent;
	int v6only;		/* -1: kernel default (0 for a bare port) */
	int rcvbuf, sndbuf;	/* 0: unchanged */
	char device[IF_NAMESIZE];
	bool has_mark;
	uint32_t mark;
	int mode;		/* unix socket node mode, -1: from umask */
	char owner[SPEC_OWNER_MAX], group[SPEC_OWNER_MAX];

	/* --open: from the heap, so that a spec of a socket stays small
	 * (a thousand --bind are a thousand specs); NULL for --bind */
	char *path;
	int oflags;		/* O_RDONLY, O_RDWR|..., O_WRONLY|O_APPEND ... */
	bool ro;		/* "ro" was given */
	bool follow;		/* follow a symlink in the last component */
	bool allow_fifo, allow_device;
};

/*
 * Parse "[NAME=]SPEC[,OPTION]..." for --bind or "[NAME=]PATH[,OPTION]..."
 * for --open.  On error returns false with a one-line message in err, and
 * s holds nothing to free.  A parsed spec owns its path: spec_free() it
 * once, whichever copy of the struct it is done on.
 */
bool spec_parse(enum spec_kind kind, const char *arg, struct spec *s,
    char *err, size_t errlen);
/* Free what spec_parse() allocated; the spec may be freed again. */
void spec_free(struct spec *s);
/*
 * "PROTO:[ADDRESS:]PORT[-PORT]", for allow lists and policy rules: s gets
 * the spec of the lowest port, lo and hi the range.  No NAME=, no options;
 * the caller decides about unix sockets.  Same error contract.
 */
bool spec_parse_range(const char *arg, struct spec *s, unsigned *lo,
    unsigned *hi, char *err, size_t errlen);
/* Whether a name is a valid sd_listen_fds name (printable ASCII, no ':'). */
bool spec_name_valid(const char *name);
/* The port of an internet spec, for messages and policy. */
/* Whether two internet addresses are the same (family and address). */
bool spec_same_ip(const struct sockaddr_storage *a,
    const struct sockaddr_storage *b);
unsigned spec_port(const struct spec *s);
/* "tcp", "udp6", "unix", "unix-dgram", "file": for messages. */
const char *spec_protocol(const struct spec *s);

#endif
