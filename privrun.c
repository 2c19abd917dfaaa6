/* SPDX-License-Identifier: ISC */
/*
 * privrun.c: main, which is the list of phases and nothing else.  Each
 * phase is one call that either succeeds or stops privrun with exit 125
 * before anything is executed.
 */
#include <stdio.h>
#include <stdlib.h>

#include "die.h"
#include "env.h"
#include "exec.h"
#include "fds.h"
#include "opts.h"
#include "privs.h"
#include "target.h"
#include "report.h"

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
		printf("privrun %s\n", PRIVRUN_VERSION);
		exit(0);
	}
	if (!opts_validate(o, err, sizeof(err)))
		die_usage("%s", err);
	if (o->verbose)
		trace_enable();
}

static void drop_privileges(const struct identity *id)
{
	if (privs_setup(id->uid, id->gid, id->groups, id->ngroups) != 0)
		die("drop", "%s", privs_error());
	/* Resources (--bind, --open) are opened here, between setup and
	 * revoke, each inside privs_root() ... privs_relinquish(). */
	if (privs_revoke() != 0)
		die("drop", "%s", privs_error());
}

int main(int argc, char **argv)
{
	struct options o;
	struct identity id;
	struct env_plan env;
	const char *path;

	refuse_malformed_start(argc, argv);
	fds_tidy_at_start();
	if (privs_init() != 0)
		die("start", "%s", privs_error());
	parse_options(argc, argv, &o);
	target_resolve(&o, &id);
	target_check_default_policy(&id);
	env_plan(&o, &id, &env);
	if (o.dry_run) {
		report_plan(&o, &id, &env);
		env_free(&env);
		identity_free(&id);
		return 0;
	}
	drop_privileges(&id);
	/* An untrusted caller's PATH does not choose what runs (SPEC 4). */
	path = privs_untrusted_caller() ? EXEC_SAFE_PATH : NULL;
	env_apply(&env);
	fds_close_from(FDS_FIRST_PASSED);
	env_free(&env);
	if (o.dump) {
		report_state();
		identity_free(&id);
		return 0;
	}
	exec_program(o.argv, path ? path : env_path());
}
