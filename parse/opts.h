/* SPDX-License-Identifier: ISC */
/*
 * opts.h: the command line, parsed into one struct with no side effects
 * (setpriv's habit), then checked for conflicts.  Parsing never resolves
 * names, opens anything or touches privileges.
 */
#ifndef PRIVRUN_OPTS_H
#define PRIVRUN_OPTS_H

#include <stdbool.h>
#include <stddef.h>

#include "spec.h"

#define OPTS_MAX_ENV 1024

/* One --bind or --open, kept as given: spec.c parses it. */
struct opts_resource {
	enum spec_kind kind;
	const char *arg;
};

struct options {
	const char *user;	/* -u, the USER part */
	const char *user_group;	/* -u, the GROUP after ':' */
	const char *group;	/* -g */
	const char *groups;	/* -G, comma separated; "" clears */
	bool groups_given;
	bool keep_env;
	bool clear_env;
	const char **env;	/* --env NAME=VALUE, in order */
	size_t nenv;
	struct opts_resource *res;	/* in command-line order */
	size_t nres;
	bool pass_listen_fds;
	const char *keep_caps;	/* --keep-caps LIST */
	bool revoke;		/* --revoke given */
	bool monitor;		/* --monitor, or --intercept */
	bool intercept;		/* --intercept */
	struct opts_resource *allow;	/* --allow-bind/--allow-open, in order */
	size_t nallow;
	bool allow_new_privs;
	bool new_session;
	bool no_tty_guard;
	char pty;		/* 'y' --pty, 'n' --no-pty (the last), or 0 */
	bool init;		/* --init */
	const char *chroot_dir;
	const char *chdir_dir;
	const char *umask;
	const char **rlimits;	/* NAME=SOFT[:HARD], in order */
	size_t nrlimits;
	bool json;
	bool check_policy;	/* --check-policy [FILE]: FILE is argv[0] */
	bool verbose;
	bool dry_run;
	bool dump;
	bool help;
	bool version;
	char **argv;		/* PROGRAM [ARG]..., NULL-terminated */
	int argc;
	char user_buf[256];	/* owns the split of "USER:GROUP" */
};

/* Parse argv into o.  On error returns false with a one-line message. */
bool opts_parse(int argc, char **argv, struct options *o,
    char *err, size_t errlen);
void opts_free(struct options *o);
/* Reject conflicting or incomplete combinations; same contract. */
bool opts_validate(const struct options *o, char *err, size_t errlen);
/* True for names privrun sets itself and --env may not override. */
bool opts_reserved_env(const char *name, size_t len);
void opts_usage(void);

#endif
