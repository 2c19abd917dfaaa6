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
 * nested), create_as, relinquish, user, revoke.
 * privs_api UID GID acting-fails: init, setup, user, then capset(2) fails:
 * the relinquish back to privrun's own ids fails.
 * privs_api UID GID dumpable-fails: init, setup, then prctl(PR_SET_DUMPABLE)
 * fails: user, create_as, relinquish.
 * privs_api UID GID misuse: the calls out of order: root before init, user
 * and monitor before setup, an invalid target, a monitor keeping
 * CAP_NET_BIND_SERVICE, then revoke and every call after it.
 */
#include <errno.h>
#include <linux/capability.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

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
static void fail_call(int sys, unsigned nargs, struct scmp_arg_cmp arg)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);

	if (ctx == NULL || seccomp_rule_add_array(ctx, SCMP_ACT_ERRNO(EPERM),
	    sys, nargs, &arg) != 0 || seccomp_load(ctx) != 0) {
		fputs("privs_api: cannot load the seccomp filter\n", stderr);
		exit(2);
	}
	seccomp_release(ctx);
}

static void fail_capset(void)
{
	fail_call(SCMP_SYS(capset), 0, SCMP_A0(SCMP_CMP_EQ, 0));
}

static void fail_dumpable(void)
{
	fail_call(SCMP_SYS(prctl), 1, SCMP_A0(SCMP_CMP_EQ, PR_SET_DUMPABLE));
}

static int acting_fails(uid_t uid, gid_t gid)
{
	show("init", privs_init());
	show("setup", privs_setup(uid, gid, NULL, 0));
	show("user", privs_user());
	fail_capset();
	show("relinquish-user-fails", privs_relinquish());
	return 0;
}

static int dumpable_fails(uid_t uid, gid_t gid)
{
	show("init", privs_init());
	show("setup", privs_setup(uid, gid, NULL, 0));
	fail_dumpable();
	show("user-fails", privs_user());
	show("create_as", privs_create_as(uid, gid));
	show("relinquish-create-fails", privs_relinquish());
	return 0;
}

static int misuse(uid_t uid, gid_t gid)
{
	show("root-before-init", privs_root());
	show("init", privs_init());
	show("user-before-setup", privs_user());
	show("monitor-before-setup", privs_monitor(0));
	show("setup-invalid", privs_setup((uid_t)-1, gid, NULL, 0));
	show("setup", privs_setup(uid, gid, NULL, 0));
	show("monitor-keeps", privs_monitor(UINT64_C(1) <<
	    CAP_NET_BIND_SERVICE));
	show("revoke", privs_revoke());
	show("setup-after-revoke", privs_setup(uid, gid, NULL, 0));
	show("keep-after-revoke", privs_keep(0, false));
	show("relinquish-after-revoke", privs_relinquish());
	show("caller-after-revoke", privs_caller(0));
	show("create_as-after-revoke", privs_create_as(uid, gid));
	return 0;
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
	show("user-fails", privs_user());
	show("revoke-fails", privs_revoke());
	return 0;
}

static const struct {
	const char *name;
	int (*run)(uid_t, gid_t);
} modes[] = {
	{ "monitor", monitor_states }, { "capset-fails", failing_raises },
	{ "acting-fails", acting_fails }, { "dumpable-fails", dumpable_fails },
	{ "misuse", misuse },
};

int main(int argc, char **argv)
{
	uid_t uid;
	gid_t gid;
	size_t i;

	if (argc != 3 && argc != 4) {
		fputs("usage: privs_api UID GID [monitor|capset-fails|"
		    "acting-fails|dumpable-fails|misuse]\n", stderr);
		return 2;
	}
	uid = (uid_t)atol(argv[1]);
	gid = (gid_t)atol(argv[2]);
	for (i = 0; argc == 4 && i < sizeof(modes) / sizeof(*modes); i++)
		if (strcmp(argv[3], modes[i].name) == 0)
			return modes[i].run(uid, gid);
	if (argc == 4) {
		fprintf(stderr, "privs_api: unknown mode %s\n", argv[3]);
		return 2;
	}
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
