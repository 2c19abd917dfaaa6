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
"\n"
"Identity:\n"
"  -u, --user USER[:GROUP]  run as USER (login name or decimal uid)\n"
"  -g, --group GROUP        primary group (name or decimal gid)\n"
"  -G, --groups LIST        supplementary groups, comma separated; '' clears\n"
"      --keep-env           leave HOME, USER, LOGNAME and SHELL as they are\n"
"      --clear-env          start PROGRAM with an empty environment\n"
"      --env NAME=VALUE     add one variable to PROGRAM's environment\n"
"\n"
"Resources, opened while privileged, passed as fds 3, 4, ... (sd_listen_fds):\n"
"  -b, --bind [NAME=]SPEC[,OPTION]...\n"
"                           listen on tcp:[ADDR:]PORT, udp:..., tcp4:, tcp6:,\n"
"                           udp4:, udp6:, unix:PATH, unix:@NAME, unix-dgram:PATH\n"
"  -o, --open [NAME=]PATH[,ro|rw|append|create|truncate|follow|fifo|device]\n"
"                           open a file with privrun's privileges\n"
"      --pass-listen-fds    pass on the fds privrun got by socket activation\n"
"\n"
"After the drop (one of):\n"
"      --revoke             drop every privilege for good (the default)\n"
"      --keep-caps CAP[,CAP]...\n"
"                           keep these capabilities (permitted, inheritable,\n"
"                           ambient); PROGRAM may lower and raise them\n"
"      --monitor            privilege separation: keep a monitor process that\n"
"                           opens what --allow-bind/--allow-open permit when\n"
"                           PROGRAM asks on the socket in PRIVRUN_MONITOR_FD\n"
"      --intercept          --monitor, and the monitor also performs\n"
"                           PROGRAM's own bind(2) of an allowed low port\n"
"      --allow-bind SPEC    the monitor may bind SPEC (tcp:, udp:, ... with\n"
"                           a port or a port range, e.g. tcp:8000-8099)\n"
"      --allow-open PATH[,FLAG]...\n"
"                           the monitor may open PATH (at most as FLAGs say)\n"
"\n"
"Hardening and process set-up:\n"
"      --allow-new-privs    do not set no_new_privs\n"
"      --new-session        detach from the terminal with setsid()\n"
"      --no-tty-guard       do not block TIOCSTI/TIOCLINUX on a terminal\n"
"      --pty, --no-pty      PROGRAM on a new pseudo-terminal (default: on a\n"
"                           terminal, as another user), or not\n"
"      --init               stay as PROGRAM's parent (a container's PID 1)\n"
"      --chroot DIR         change the root directory (users resolved first)\n"
"      --chdir DIR          change directory, as the target user\n"
"      --umask MODE         set the umask (octal)\n"
"      --rlimit NAME=SOFT[:HARD]\n"
"                           set a resource limit (nofile, core, nproc, ...)\n"
"\n"
"Diagnostics:\n"
"  -n, --dry-run            print the plan; open and change nothing\n"
"      --dump               do everything, then print the resulting state\n"
"                           instead of running PROGRAM\n"
"      --json               --dry-run or --dump output as one JSON object\n"
"  -v, --verbose            trace each privilege transition to stderr\n"
"      --check-policy [FILE]\n"
"                           check the policy file (or FILE) and print its\n"
"                           rules; runs nothing\n"
"  -h, --help               print this help\n"
"  -V, --version            print the version\n"
"\n"
"Exit status: 125 privrun failed, 126 PROGRAM not executable,\n"
"127 PROGRAM not found, else PROGRAM's own status.\n", stdout);
}

/* Name of the option argv[optind - 1] held, for messages.  musl leaves
 * optind one past argc when the last option lacks its value. */
static const char *current_option(char **argv, int argc, int idx)
{
	if (idx > argc)
		idx = argc;
	return idx > 0 ? argv[idx - 1] : "?";
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
	case OPT_ALLOW_BIND:
	case OPT_ALLOW_OPEN:
		o->allow[o->nallow].kind = c == OPT_ALLOW_BIND ? SPEC_BIND :
		    SPEC_OPEN;
		o->allow[o->nallow++].arg = optarg;
		return true;
	}
	snprintf(err, errlen, "internal error: option %d", c);
	return false;
}

bool opts_parse(int argc, char **argv, struct options *o,
    char *err, size_t errlen)
{
	int c;

	memset(o, 0, sizeof(*o));
	/* At most one resource per argument: no limit to check later. */
	o->res = calloc((size_t)(argc > 0 ? argc : 1), sizeof(*o->res));
	o->rlimits = calloc((size_t)(argc > 0 ? argc : 1), sizeof(char *));
	o->allow = calloc((size_t)(argc > 0 ? argc : 1), sizeof(*o->allow));
	o->env = calloc((size_t)(argc > 0 ? argc : 1), sizeof(char *));
	if (o->res == NULL || o->rlimits == NULL || o->allow == NULL ||
	    o->env == NULL) {
		free(o->res);
		free(o->rlimits);
		free(o->allow);
		free(o->env);
		snprintf(err, errlen, "out of memory");
		return false;
	}
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
				    current_option(argv, argc, optind));
			return false;
		}
		if (c == ':') {
			snprintf(err, errlen, "option '%s' needs a value",
			    current_option(argv, argc, optind));
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
	free(o->rlimits);
	free(o->allow);
	free(o->env);
	o->res = NULL;
	o->rlimits = NULL;
	o->allow = NULL;
	o->env = NULL;
	o->nres = 0;
	o->nrlimits = 0;
	o->nallow = 0;
	o->nenv = 0;
}

/* --monitor needs something to allow, and the allow list needs --monitor. */
static bool monitor_valid(const struct options *o, char *err, size_t errlen)
{
	if (o->monitor && o->nallow == 0) {
		snprintf(err, errlen, "--monitor needs at least one "
		    "--allow-bind or --allow-open");
		return false;
	}
	if (!o->monitor && o->nallow > 0) {
		snprintf(err, errlen, "--allow-bind and --allow-open need "
		    "--monitor");
		return false;
	}
	return true;
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
	if (conflict != NULL) {
		snprintf(err, errlen, "%s are mutually exclusive", conflict);
		return false;
	}
	if (o->check_policy) {
		if (o->argc > 1)
			snprintf(err, errlen, "--check-policy takes at most "
			    "one FILE");
		return o->argc <= 1;
	}
	if (!monitor_valid(o, err, errlen))
		return false;
	if (o->json && !o->dry_run && !o->dump) {
		snprintf(err, errlen, "--json needs --dry-run or --dump");
		return false;
	}
	if (o->argc == 0 && !o->dump) {
		snprintf(err, errlen, "no PROGRAM given");
		return false;
	}
	return true;
}
