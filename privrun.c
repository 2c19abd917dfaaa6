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
#include "policy.h"
#include "privs.h"
#include "report.h"
#include "resources.h"
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

/* Open the resources between setup and revoke, then drop for good. */
static void open_and_drop(const struct identity *id, struct resources *res)
{
	if (privs_setup(id->uid, id->gid, id->groups, id->ngroups) != 0)
		die("drop", "%s", privs_error());
	resources_open(res);
	if (privs_revoke() != 0)
		die("drop", "%s", privs_error());
}

int main(int argc, char **argv)
{
	struct options o;
	struct identity id;
	struct env_plan env;
	struct resources res;
	const char *path;

	refuse_malformed_start(argc, argv);
	fds_tidy_at_start();
	if (privs_init() != 0)
		die("start", "%s", privs_error());
	parse_options(argc, argv, &o);
	target_resolve(&o, &id);
	resources_parse(&o, &id, &res);
	policy_check(&o, &id, &res);
	if (o.pass_listen_fds)
		resources_take_inherited(&res);
	env_plan(&o, &id, &env);
	if (o.dry_run) {
		report_plan(&o, &id, &env, &res);
		env_free(&env);
		identity_free(&id);
		resources_free(&res);
		opts_free(&o);
		return 0;
	}
	open_and_drop(&id, &res);
	/* An untrusted caller's PATH does not choose what runs (SPEC 4). */
	path = privs_untrusted_caller() ? EXEC_SAFE_PATH : NULL;
	env_apply(&env);
	resources_export(&res);
	fds_close_from(resources_end(&res));
	env_free(&env);
	if (o.dump) {
		report_state();
		identity_free(&id);
		resources_free(&res);
		opts_free(&o);
		return 0;
	}
	exec_program(o.argv, path ? path : env_path());
}
