/* SPDX-License-Identifier: ISC */
/*
 * policy_show.c: --check-policy, for administrators.  The file is read
 * with the caller's own rights, never privrun's, so that a setuid privrun
 * shows nobody a file they could not read themselves.  A FILE named on the
 * command line is checked for its syntax (a draft before it is installed);
 * the installed file also for the ownership and mode privrun demands.
 */
#include <stdio.h>

#include "die.h"
#include "policy.h"
#include "privs.h"

int policy_show(const char *file)
{
	const char *path = file ? file : PRIVRUN_CONF;
	enum policy_load_result rc;
	struct policy p;
	char err[1024];

	if (privs_caller(0) != 0)
		die("check-policy", "%s", privs_error());
	rc = policy_load(path, file == NULL, &p, err, sizeof(err));
	if (privs_relinquish() != 0)
		die("check-policy", "%s", privs_error());
	if (rc == POLICY_ABSENT && file == NULL) {
		printf("%s: no policy file: untrusted callers get only their "
		    "own rights\n", path);
		return 0;
	}
	if (rc == POLICY_ABSENT)
		die("check-policy", "%s: no such file", path);
	if (rc == POLICY_UNUSABLE)
		die("check-policy", "%s; privrun would deny everything", err);
	printf("%s: %zu rule%s%s\n", path, p.n, p.n == 1 ? "" : "s",
	    file ? " (syntax checked; ownership and mode are checked only "
	    "for the installed file)" : "");
	policy_print(&p, stdout);
	policy_free(&p);
	return 0;
}
