/* SPDX-License-Identifier: ISC */
/*
 * opts.c: GNU-style option parsing into struct options.  It must stay free
 * of side effects (no lookups, no privileges, no exit) so that it can be
 * fuzzed and so that nothing happens before the whole command is known.
 * The option string starts with '+': options end at the first operand, so
 * the program's own options are never taken for privrun's, whatever
 * POSIXLY_CORRECT says.
 */
#include <getopt.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opts.h"

enum {
	OPT_KEEP_ENV = 256,
	OPT_CLEAR_ENV,
	OPT_ENV,
	OPT_DUMP,
	OPT_REVOKE,
	OPT_PASS_LISTEN_FDS,
	OPT_KEEP_CAPS,
	OPT_ALLOW_NEW_PRIVS,
	OPT_NEW_SESSION,
	OPT_NO_TTY_GUARD,
	OPT_CHROOT,
	OPT_CHDIR,
	OPT_UMASK,
	OPT_RLIMIT,
	OPT_JSON,
	OPT_CHECK_POLICY,
	OPT_MONITOR,
	OPT_INTERCEPT,
	OPT_ALLOW_BIND,
	OPT_ALLOW_OPEN,
	OPT_PTY,
	OPT_NO_PTY,
	OPT_INIT,
};

static const struct option long_opts[] = {
	{ "user",	required_argument,	NULL, 'u' },
	{ "group",	required_argument,	NULL, 'g' },
	{ "groups",	required_argument,	NULL, 'G' },
	{ "keep-env",	no_argument,		NULL, OPT_KEEP_ENV },
	{ "clear-env",	no_argument,		NULL, OPT_CLEAR_ENV },
	{ "env",	required_argument,	NULL, OPT_ENV },
	{ "bind",	required_argument,	NULL, 'b' },
	{ "open",	required_argument,	NULL, 'o' },
	{ "pass-listen-fds", no_argument,	NULL, OPT_PASS_LISTEN_FDS },
	{ "revoke",	no_argument,		NULL, OPT_REVOKE },
	{ "keep-caps",	required_argument,	NULL, OPT_KEEP_CAPS },
	{ "allow-new-privs", no_argument,	NULL, OPT_ALLOW_NEW_PRIVS },
	{ "new-session", no_argument,		NULL, OPT_NEW_SESSION },
	{ "no-tty-guard", no_argument,		NULL, OPT_NO_TTY_GUARD },
	{ "pty",	no_argument,		NULL, OPT_PTY },
	{ "no-pty",	no_argument,		NULL, OPT_NO_PTY },
	{ "init",	no_argument,		NULL, OPT_INIT },
	{ "chroot",	required_argument,	NULL, OPT_CHROOT },
	{ "chdir",	required_argument,	NULL, OPT_CHDIR },
	{ "umask",	required_argument,	NULL, OPT_UMASK },
	{ "rlimit",	required_argument,	NULL, OPT_RLIMIT },
	{ "json",	no_argument,		NULL, OPT_JSON },
	{ "check-policy", no_argument,		NULL, OPT_CHECK_POLICY },
	{ "monitor",	no_argument,		NULL, OPT_MONITOR },
	{ "intercept",	no_argument,		NULL, OPT_INTERCEPT },
	{ "allow-bind",	required_argument,	NULL, OPT_ALLOW_BIND },
	{ "allow-open",	required_argument,	NULL, OPT_ALLOW_OPEN },
	{ "verbose",	no_argument,		NULL, 'v' },
	{ "dry-run",	no_argument,		NULL, 'n' },
	{ "dump",	no_argument,		NULL, OPT_DUMP },
	{ "help",	no_argument,		NULL, 'h' },
	{ "version",	no_argument,		NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static const char short_opts[] = "+:u:g:G:b:o:vnhV";

void opts_usage(void)
{
	fputs(
"Usage: privrun [OPTION]... [--] PROGRAM [ARG]...\n"
"Open privileged resources, drop privileges for good, exec PROGRAM.\n"
"privrun(1) describes every option.\n"
"\n"
"Identity:    -u, --user USER[:GROUP]  -g, --group GROUP  -G, --groups LIST\n"
"             --keep-env  --clear-env  --env NAME=VALUE\n"
"Resources:   -b, --bind [NAME=]SPEC[,OPTION]...  --pass-listen-fds\n"
"             -o, --open [NAME=]PATH[,FLAG]...\n"
"Privileges:  --revoke (the default)  --keep-caps CAP[,CAP]...\n"
"             --allow-new-privs\n"
"Monitor:     --monitor  --intercept  --allow-bind SPEC\n"
"             --allow-open PATH[,FLAG]...\n"
"Process:     --new-session  --no-tty-guard  --pty  --no-pty  --init\n"
"             --chroot DIR  --chdir DIR  --umask MODE  --rlimit NAME=SOFT[:HARD]\n"
"Diagnostics: -n, --dry-run  --dump  --json  -v, --verbose  -h, --help\n"
"             -V, --version  --check-policy [FILE]\n"
"\n"
"Exit status: 125 privrun failed, 126 PROGRAM not executable,\n"
"127 PROGRAM not found, else PROGRAM's own status.\n", stdout);
}

/* The option argv[optind - 1] held, for messages (optind is at least 1
 * then).  musl leaves optind one past argc when the last option lacks its
 * value. */
static const char *current_option(char **argv, int argc)
{
	return argv[(optind > argc ? argc : optind) - 1];
}

static bool set_user(struct options *o, const char *arg, char *err,
    size_t errlen)
{
	char *colon;

	if (strlen(arg) >= sizeof(o->user_buf)) {
		snprintf(err, errlen, "--user: value too long");
		return false;
	}
	strcpy(o->user_buf, arg);
	o->user = o->user_buf;
	o->user_group = NULL;
	colon = strchr(o->user_buf, ':');
	if (colon != NULL) {
		*colon = '\0';
		o->user_group = colon + 1;
	}
	return true;
}

static bool add_env(struct options *o, const char *arg, char *err,
    size_t errlen)
{
	const char *eq = strchr(arg, '=');

	if (eq == NULL || eq == arg) {
		snprintf(err, errlen, "--env '%s': expected NAME=VALUE", arg);
		return false;
	}
	if (opts_reserved_env(arg, (size_t)(eq - arg))) {
		snprintf(err, errlen, "--env '%.*s': set by privrun itself",
		    (int)(eq - arg), arg);
		return false;
	}
	if (o->nenv == OPTS_MAX_ENV) {
		snprintf(err, errlen, "--env: more than %d variables",
		    OPTS_MAX_ENV);
		return false;
	}
	o->env[o->nenv++] = arg;
	return true;
}

bool opts_reserved_env(const char *name, size_t len)
{
	return (len >= 7 && strncmp(name, "LISTEN_", 7) == 0) ||
	    (len >= 8 && strncmp(name, "PRIVRUN_", 8) == 0);
}

#define FIELD(name) offsetof(struct options, name)

/* The options that only set a flag, or only keep their value. */
static const struct {
	int opt;
	size_t field;
	bool value;	/* a const char *, else a bool set to true */
} simple[] = {
	{ 'g', FIELD(group), true }, { OPT_KEEP_CAPS, FIELD(keep_caps), true },
	{ OPT_CHROOT, FIELD(chroot_dir), true },
	{ OPT_CHDIR, FIELD(chdir_dir), true },
	{ OPT_UMASK, FIELD(umask), true },
	{ OPT_KEEP_ENV, FIELD(keep_env), false },
	{ OPT_CLEAR_ENV, FIELD(clear_env), false },
	{ OPT_PASS_LISTEN_FDS, FIELD(pass_listen_fds), false },
	{ OPT_REVOKE, FIELD(revoke), false },
	{ OPT_ALLOW_NEW_PRIVS, FIELD(allow_new_privs), false },
	{ OPT_NEW_SESSION, FIELD(new_session), false },
	{ OPT_NO_TTY_GUARD, FIELD(no_tty_guard), false },
	{ OPT_INIT, FIELD(init), false }, { OPT_JSON, FIELD(json), false },
	{ OPT_CHECK_POLICY, FIELD(check_policy), false },
	{ OPT_MONITOR, FIELD(monitor), false }, { 'v', FIELD(verbose), false },
	{ 'n', FIELD(dry_run), false }, { OPT_DUMP, FIELD(dump), false },
	{ 'h', FIELD(help), false }, { 'V', FIELD(version), false },
};

static bool parse_simple(int c, struct options *o)
{
	size_t i;

	for (i = 0; i < sizeof(simple) / sizeof(*simple); i++) {
		void *field = (char *)o + simple[i].field;
		if (simple[i].opt != c)
			continue;
		if (simple[i].value)
			*(const char **)field = optarg;
		else
			*(bool *)field = true;
		return true;
	}
	return false;
}

static bool parse_one(int c, struct options *o, char *err, size_t errlen)
{
	if (parse_simple(c, o))
		return true;
	switch (c) {
	case 'u':
		return set_user(o, optarg, err, errlen);
	case 'G':
		o->groups = optarg;
		o->groups_given = true;
		return true;
	case OPT_ENV:
		return add_env(o, optarg, err, errlen);
	case 'b':
	case 'o':
		o->res[o->nres].kind = c == 'b' ? SPEC_BIND : SPEC_OPEN;
		o->res[o->nres++].arg = optarg;
		return true;
	case OPT_PTY:
	case OPT_NO_PTY:
		o->pty = c == OPT_PTY ? 'y' : 'n';
		return true;
	case OPT_RLIMIT:
		o->rlimits[o->nrlimits++] = optarg;
		return true;
	case OPT_INTERCEPT:	/* --intercept is a kind of --monitor */
		o->monitor = o->intercept = true;
		return true;
	default:	/* OPT_ALLOW_BIND, OPT_ALLOW_OPEN: getopt_long()
			 * returns no value but long_opts' and '?', ':' */
		o->allow[o->nallow].kind = c == OPT_ALLOW_BIND ? SPEC_BIND :
		    SPEC_OPEN;
		o->allow[o->nallow++].arg = optarg;
		return true;
	}
}

bool opts_parse(int argc, char **argv, struct options *o,
    char *err, size_t errlen)
{
	size_t n = (size_t)(argc > 0 ? argc : 1);
	int c;

	/* At most one entry per argument in each list: no limit to check
	 * later.  One block holds the four lists; opts_free() frees it. */
	memset(o, 0, sizeof(*o));
	o->res = calloc(n, 2 * sizeof(*o->res) + 2 * sizeof(char *));
	if (o->res == NULL) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	o->allow = o->res + n;
	o->rlimits = (const char **)(o->allow + n);
	o->env = o->rlimits + n;
	opterr = 0;
	optind = 0;	/* full reinitialisation, so a second parse works */
	while ((c = getopt_long(argc, argv, short_opts, long_opts,
	    NULL)) != -1) {
		if (c == '?') {
			if (optopt != 0)
				snprintf(err, errlen, "unknown option '-%c'",
				    optopt);
			else
				snprintf(err, errlen, "unknown option '%s'",
				    current_option(argv, argc));
			return false;
		}
		if (c == ':') {
			snprintf(err, errlen, "option '%s' needs a value",
			    current_option(argv, argc));
			return false;
		}
		if (!parse_one(c, o, err, errlen))
			return false;
	}
	o->argv = argv + optind;
	o->argc = argc - optind;
	return true;
}

void opts_free(struct options *o)
{
	free(o->res);
	memset(o, 0, sizeof(*o));
}

bool opts_validate(const struct options *o, char *err, size_t errlen)
{
	const char *conflict = NULL;

	if (o->keep_env && o->clear_env)
		conflict = "--keep-env and --clear-env";
	else if (o->user_group != NULL && o->group != NULL)
		conflict = "--user USER:GROUP and --group";
	else if (o->dry_run && o->dump)
		conflict = "--dry-run and --dump";
	else if (o->revoke && o->keep_caps != NULL)
		conflict = "--revoke and --keep-caps";
	else if (o->monitor && o->keep_caps != NULL)
		conflict = "--monitor and --keep-caps";
	else if (o->intercept && o->allow_new_privs)
		conflict = "--intercept and --allow-new-privs";
	if (conflict != NULL)
		snprintf(err, errlen, "%s are mutually exclusive", conflict);
	else if (o->check_policy && o->argc > 1)
		snprintf(err, errlen, "--check-policy takes at most one FILE");
	else if (o->check_policy)
		return true;	/* it runs nothing: the rest does not apply */
	else if (o->monitor && o->nallow == 0)	/* nothing to allow */
		snprintf(err, errlen, "--monitor needs at least one "
		    "--allow-bind or --allow-open");
	else if (!o->monitor && o->nallow > 0)
		snprintf(err, errlen, "--allow-bind and --allow-open need "
		    "--monitor");
	else if (o->json && !o->dry_run && !o->dump)
		snprintf(err, errlen, "--json needs --dry-run or --dump");
	else if (o->argc == 0 && !o->dump)
		snprintf(err, errlen, "no PROGRAM given");
	else
		return true;
	return false;
}
