/* SPDX-License-Identifier: ISC */
/*
 * policy_parse.h: the grammar of the policy file (privrun.conf(5)), parsed
 * from a buffer into rules.  Pure: no lookups, no files, no privileges, so
 * it can be fuzzed.  Names stay names here; policy.c resolves them when it
 * matches a request.
 */
#ifndef PRIVRUN_POLICY_PARSE_H
#define PRIVRUN_POLICY_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>

#include "spec.h"

#define POLICY_MAX_SIZE	(64 * 1024)	/* bytes in the whole file */
#define POLICY_MAX_LINE	4096		/* bytes in one line */
#define POLICY_MAX_WORDS 256		/* words in one rule */
#define POLICY_MAX_RULES 1024

/* "tcp:80", "udp4:10.0.0.1:53", "tcp:[::1]:8000-8099" */
struct policy_bind {
	int socktype;		/* SOCK_STREAM or SOCK_DGRAM */
	int family;		/* SPEC_FAMILY_DUAL: any, or AF_INET/AF_INET6 */
	bool has_addr;		/* else any address */
	struct sockaddr_storage addr;	/* the address part only */
	unsigned lo, hi;	/* port range, inclusive */
	const char *text;	/* the word of the rule */
};

/* "/etc/ssl/private/k.pem", "/var/log/x.log,append" */
struct policy_open {
	char *path;
	int oflags;
	bool allow_fifo, allow_device;
	const char *text;	/* the word of the rule */
};

/* Every string of a rule but an open's path points into the policy's text. */
struct policy_rule {
	unsigned line;
	char *who;		/* user name or decimal uid ... */
	bool who_is_group;	/* ... or, after ':', a group */
	char **as;		/* target users; none: the caller itself */
	size_t nas;
	struct policy_bind *bind;
	size_t nbind;
	struct policy_open *open;
	size_t nopen;
	uint64_t keep;		/* keep-caps, bit N = capability N */
	bool monitor;
	char **cmd;		/* PATH [ARGS...]; none: any program */
	size_t ncmd;
};

struct policy {
	struct policy_rule *rule;
	size_t n;
	char *text;		/* a copy of the file, split into words */
	char **word;		/* every word of the file, in order */
};

/*
 * Parse text (len bytes, not NUL-terminated) from file (for messages).
 * On error returns false, with "FILE:LINE: what is wrong" in err, and
 * leaves p empty: one error denies everything.  Out of memory ends privrun
 * (must_alloc()).
 */
bool policy_parse(const char *text, size_t len, const char *file,
    struct policy *p, char *err, size_t errlen);
void policy_free(struct policy *p);
/* The rules as privrun understood them, one line each (--check-policy). */
void policy_print(const struct policy *p, FILE *out);

#endif
