/* SPDX-License-Identifier: ISC */
/*
 * privs_api UID GID: walks privs.c's API through its states and prints,
 * after each call, its result and what /proc/self/status says of the
 * effective capabilities and the fsuid, so that a test can check the
 * nesting and the transitions from the kernel's view:
 *   init, setup, root, root (nested), relinquish, relinquish, user,
 *   relinquish, create_as, relinquish, revoke, root (must fail).
 * privs_api UID GID monitor: the monitor's states instead: init, setup,
 * monitor (keeping CAP_NET_BIND_SERVICE), root, relinquish, then user and
 * revoke (both must fail).
 * privs_api UID GID capset-fails: after init and setup, a seccomp filter
 * makes capset(2) fail; then a raise fails, and must not count: root,
 * relinquish (unbalanced), root again (must fail again, not pass as
 * nested), create_as, relinquish.
 */
#include <errno.h>
#include <linux/capability.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "die.h"
#include "privs.h"

static void show(const char *step, int rc)
{
	char line[256], uid[256] = "", eff[256] = "";
	FILE *f = fopen("/proc/self/status", "re");

	while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, "Uid:", 4) == 0)
			snprintf(uid, sizeof(uid), "%s", line + 5);
		if (strncmp(line, "CapEff:", 7) == 0)
			snprintf(eff, sizeof(eff), "%s", line + 8);
	}
	if (f != NULL)
		fclose(f);
	printf("%s rc=%d capeff=%s uid=%s%s%s\n", step, rc, eff, uid,
	    rc ? " error=" : "", rc ? privs_error() : "");
}

static int monitor_states(uid_t uid, gid_t gid)
{
	show("init", privs_init());
	show("setup", privs_setup(uid, gid, NULL, 0));
	show("monitor", privs_monitor(UINT64_C(1) << CAP_NET_BIND_SERVICE));
	show("root", privs_root());
	show("relinquish", privs_relinquish());
	show("user-after-monitor", privs_user());
	show("revoke-after-monitor", privs_revoke());
	return 0;
}

/* With no_new_privs (libseccomp's default): privs_init() has lowered the
 * effective set, so CAP_SYS_ADMIN is not there to load it without. */
static void fail_capset(void)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);

	if (ctx == NULL || seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM),
	    SCMP_SYS(capset), 0) != 0 || seccomp_load(ctx) != 0) {
		fputs("privs_api: cannot load the seccomp filter\n", stderr);
		exit(2);
	}
	seccomp_release(ctx);
}

static int failing_raises(uid_t uid, gid_t gid)
{
	show("init", privs_init());
	show("setup", privs_setup(uid, gid, NULL, 0));
	fail_capset();
	show("root-fails", privs_root());
	show("relinquish-unbalanced", privs_relinquish());
	show("root-fails-again", privs_root());
	show("create_as-fails", privs_create_as(uid, gid));
	show("relinquish-unbalanced-again", privs_relinquish());
	return 0;
}

int main(int argc, char **argv)
{
	uid_t uid;
	gid_t gid;

	if (argc != 3 && !(argc == 4 && (strcmp(argv[3], "monitor") == 0 ||
	    strcmp(argv[3], "capset-fails") == 0))) {
		fputs("usage: privs_api UID GID [monitor|capset-fails]\n",
		    stderr);
		return 2;
	}
	uid = (uid_t)atol(argv[1]);
	gid = (gid_t)atol(argv[2]);
	if (argc == 4 && strcmp(argv[3], "monitor") == 0)
		return monitor_states(uid, gid);
	if (argc == 4)
		return failing_raises(uid, gid);
	show("init", privs_init());
	show("setup", privs_setup(uid, gid, NULL, 0));
	show("root", privs_root());
	show("root-nested", privs_root());
	show("relinquish-inner", privs_relinquish());
	show("relinquish-outer", privs_relinquish());
	show("relinquish-unbalanced", privs_relinquish());
	show("user", privs_user());
	show("relinquish-user", privs_relinquish());
	show("create_as", privs_create_as(uid, gid));
	show("relinquish-create", privs_relinquish());
	show("revoke", privs_revoke());
	show("root-after-revoke", privs_root());
	show("revoke-again", privs_revoke());
	return 0;
}
