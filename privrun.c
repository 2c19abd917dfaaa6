/* SPDX-License-Identifier: ISC */
/*
 * privrun.c: main, which is the list of phases and nothing else.  Each
 * phase is one call that either succeeds or stops privrun with exit 125
 * before anything is executed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "caps.h"
#include "die.h"
#include "env.h"
#include "exec.h"
#include "fds.h"
#include "guard.h"
#include "ids.h"
#include "monitor.h"
#include "opts.h"
#include "policy.h"
#include "policy_log.h"
#include "privs.h"
#include "process.h"
#include "report.h"
#include "resources.h"
#include "supervise.h"
#include "target.h"

#ifndef PRIVRUN_VERSION
#define PRIVRUN_VERSION "0.1"
#endif

/*
 * execve with argc == 0 (CVE-2021-4034, pkexec) would shift argv onto envp.
 * Linux 5.18 and later turn it into argv[0] == "": refuse both.
 */
static void refuse_malformed_start(int argc, char **argv)
{
	if (argc < 1 || argv == NULL || argv[0] == NULL || argv[0][0] == '\0')
		die("start", "refusing an empty argument vector");
}

static void start_lookups(void)
{
	char err[128];

	if (!ids_init(err, sizeof(err)))
		die("start", "%s", err);
}

static void parse_options(int argc, char **argv, struct options *o)
{
	char err[512];

	if (!opts_parse(argc, argv, o, err, sizeof(err)))
		die_usage("%s", err);
	if (o->help) {
		opts_usage();
		exit(0);
	}
	if (o->version) {
		printf("privrun %s (%s)\n", PRIVRUN_VERSION, ids_source());
		exit(0);
	}
	if (!opts_validate(o, err, sizeof(err)))
		die_usage("%s", err);
	if (o->verbose)
		trace_enable();
	if (o->check_policy)
		exit(policy_show(o->argc > 0 ? o->argv[0] : NULL));
}

static uint64_t kept_capabilities(const struct options *o)
{
	uint64_t mask = 0;
	char err[256];

	if (o->keep_caps != NULL && !caps_parse(o->keep_caps, &mask, err,
	    sizeof(err)))
		die_usage("%s", err);
	return mask;
}

/*
 * The terminal guard is needed when the program could inject keystrokes
 * into a terminal that is not its own to use: another user's, or anyone's
 * when it keeps capabilities (CAP_SYS_ADMIN passes TIOCSTI's own check).
 */
static bool want_guard(const struct options *o, const struct identity *id,
    uint64_t keep)
{
	bool needed = guard_on_terminal() &&
	    (id->uid != privs_caller_uid() || keep != 0);

	if (needed && o->no_tty_guard && !o->new_session)
		fputs("privrun: warning: --no-tty-guard: the program can push "
		    "keystrokes into this terminal (TIOCSTI)\n", stderr);
	return needed && !o->no_tty_guard && !o->new_session;
}

/*
 * A new terminal for a program that runs as another user on the caller's
 * terminal, so that nothing it leaves behind can read the caller's next
 * keystrokes (privrun(1), --pty).
 */
static bool want_pty(const struct options *o, const struct identity *id)
{
	if (o->pty != 0)
		return o->pty == 'y';
	return (isatty(0) || isatty(1) || isatty(2)) &&
	    id->uid != privs_caller_uid();
}

/*
 * Open the resources between setup and revoke, set up the process, and drop
 * for good.  The guard needs CAP_SYS_ADMIN or no_new_privs to load: after
 * the drop when no_new_privs is set, else just before it.
 */
static void open_and_drop(const struct run_plan *p,
    const struct monitor_allowlist *allow)
{
	const struct identity *id = p->id;
	pid_t monitor = 0, parent = 0;

	if (privs_setup(id->uid, id->gid, id->groups, id->ngroups) != 0 ||
	    privs_keep(p->keep, p->o->allow_new_privs) != 0)
		die("drop", "%s", privs_error());
	/* --pty, --init: from here on, this is the child (supervise.h). */
	if (p->pty || p->o->init)
		parent = supervise_fork(p->pty, p->o->init);
	resources_open(p->res);
	process_apply_privileged(p->proc);
	die_log_hook = NULL;	/* the monitor may not log, the drop need not */
	/* --monitor: from here on, this is the child (monitor.h). */
	if (p->o->monitor)
		monitor = monitor_fork(allow, resources_end(p->res),
		    p->o->intercept);
	if (p->guard && p->o->allow_new_privs) {
		if (privs_root() != 0)
			die("tty-guard", "%s", privs_error());
		guard_install();
		if (privs_relinquish() != 0)
			die("tty-guard", "%s", privs_error());
	}
	if (privs_revoke() != 0)
		die("drop", "%s", privs_error());
	if (p->guard && !p->o->allow_new_privs)
		guard_install();
	if (monitor != 0)
		monitor_child_attach(monitor, resources_end(p->res),
		    p->o->intercept ? allow : NULL);
	else if (parent != 0)
		supervise_attach(p->pty ? "pty" : "init", parent);
}

/* PRIVRUN_CAPS names the kept capabilities for the program. */
static void export_kept(uint64_t keep)
{
	char names[1024];

	if (keep == 0)
		return;
	caps_format(keep, names, sizeof(names));
	if (setenv("PRIVRUN_CAPS", names, 1) != 0)
		die_errno("environment", "PRIVRUN_CAPS");
}

static void free_all(struct options *o, struct identity *id,
    struct env_plan *env, struct resources *res,
    struct monitor_allowlist *allow)
{
	monitor_allow_free(allow);
	env_free(env);
	identity_free(id);
	resources_free(res);
	opts_free(o);
}

int main(int argc, char **argv)
{
	/* Static, not on the stack: process_start() checks the stack. */
	static struct options o;
	static struct identity id;
	static struct env_plan env;
	static struct resources res;
	static struct process_plan proc;
	static struct run_plan plan = { &o, &id, &env, &res, &proc, 0, false,
		false };
	static struct monitor_allowlist allow;
	const char *path;
	int end;

	process_start();
	refuse_malformed_start(argc, argv);
	fds_tidy_at_start();
	if (privs_init() != 0)
		die("start", "%s", privs_error());
	if (privs_untrusted_caller()) {
		env_hide();	/* first: policy_log.c's time stamps */
		policy_log_start(argv);
	}
	start_lookups();
	parse_options(argc, argv, &o);
	target_resolve(&o, &id);
	resources_parse(&o, &id, &res);
	monitor_allow_parse(&o, &allow);
	plan.keep = kept_capabilities(&o);
	process_plan(&o, &proc);
	policy_check(&o, &id, &res, &proc, plan.keep, &allow);
	if (policy_resets_env(&id, 0))	/* another user, for a caller */
		process_floor_umask(&proc, 022);
	proc.floor_limits = policy_resets_env(&id, plan.keep);
	if (o.pass_listen_fds)
		resources_take_inherited(&res);
	env_plan(&o, &id, &env, policy_resets_env(&id, plan.keep));
	plan.guard = want_guard(&o, &id, plan.keep);
	plan.pty = want_pty(&o, &id);
	if (o.dry_run) {
		report_plan(&plan, o.json);
		free_all(&o, &id, &env, &res, &allow);
		return 0;
	}
	open_and_drop(&plan, &allow);
	/* An untrusted caller's PATH does not choose what runs (privrun(1)). */
	path = privs_untrusted_caller() ? EXEC_SAFE_PATH : NULL;
	env_apply(&env);
	resources_export(&res);
	export_kept(plan.keep);
	end = resources_end(&res);
	if (o.monitor)
		monitor_export(end++);	/* not counted in LISTEN_FDS */
	process_apply_unprivileged(&proc);
	fds_close_from(end);
	if (o.dump) {
		report_state(o.json);
		free_all(&o, &id, &env, &res, &allow);
		return 0;
	}
	exec_program(o.argv, path ? path : env_path());
}
