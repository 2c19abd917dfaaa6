/* SPDX-License-Identifier: ISC */
/*
 * policy.c: what an untrusted caller may ask for.  When privrun runs
 * setuid-root or with file capabilities for an ordinary user, nothing that
 * user asks for is granted unless a rule says so; with no rules (there is
 * no policy file yet) the caller may only do what it could do itself: run
 * the program as itself, with exactly the groups it has, and bind ports at or
 * above net.ipv4.ip_unprivileged_port_start.  Resources are then opened
 * with the caller's own file system ids and no capability (resources.c).
 * It decides; it never changes privileges.
 */
#include <stdio.h>
#include <string.h>

#include "die.h"
#include "ids.h"
#include "policy.h"
#include "privs.h"
#include "target.h"

static void deny(const char *what)
{
	char *caller = ids_user_name(privs_caller_uid());

	die("policy", "uid %u (%s) may not %s: denied by default (no rule "
	    "grants it)", (unsigned)privs_caller_uid(),
	    caller ? caller : "unknown", what);
}

static void check_identity(const struct identity *id)
{
	struct identity cur;
	size_t i;
	bool same;
	char what[128];

	if (id->uid != privs_caller_uid()) {
		snprintf(what, sizeof(what), "run programs as uid %u (%s)",
		    (unsigned)id->uid, id->name);
		deny(what);
	}
	if (id->gid != privs_caller_gid()) {
		snprintf(what, sizeof(what), "run programs with gid %u",
		    (unsigned)id->gid);
		deny(what);
	}
	/* Not even fewer groups: a group can be a deny list (mode 0604), and
	 * shedding it is what setgroups(2) is privileged for. */
	memset(&cur, 0, sizeof(cur));
	target_current_groups(&cur);
	same = cur.ngroups == id->ngroups;
	for (i = 0; same && i < id->ngroups; i++)
		same = cur.groups[i] == id->groups[i];
	if (!same)
		deny("change its supplementary groups");
	identity_free(&cur);
}

/* sysctl net.ipv4.ip_unprivileged_port_start (ip-sysctl.rst). */
static unsigned unprivileged_port_start(void)
{
	unsigned long long v = 1024;
	char buf[32] = "";
	FILE *f = fopen("/proc/sys/net/ipv4/ip_unprivileged_port_start", "re");

	if (f != NULL) {
		if (fgets(buf, sizeof(buf), f) != NULL)
			buf[strcspn(buf, "\n")] = '\0';
		fclose(f);
	}
	if (!parse_decimal(buf, 65536, &v))
		v = 1024;
	return (unsigned)v;
}

static void check_resources(const struct options *o,
    const struct resources *r)
{
	unsigned start = unprivileged_port_start();
	char what[600];
	size_t i;

	if (o->pass_listen_fds)
		deny("use --pass-listen-fds");
	for (i = 0; i < r->n; i++) {
		const struct spec *s = &r->res[i].spec;
		unsigned port = spec_port(s);
		if (s->kind == SPEC_BIND && s->family == AF_UNIX &&
		    (r->res[i].owner != privs_caller_uid() ||
		    r->res[i].group != privs_caller_gid())) {
			snprintf(what, sizeof(what), "create %s owned by "
			    "uid %u gid %u", s->text, (unsigned)r->res[i].owner,
			    (unsigned)r->res[i].group);
			deny(what);
		}
		if (s->kind != SPEC_BIND || s->family == AF_UNIX ||
		    port == 0 || port >= start)
			continue;
		snprintf(what, sizeof(what), "bind %s (ports below %u are "
		    "privileged)", s->text, start);
		deny(what);
	}
}

/* Options that give more than the caller has (SPEC section 4). */
static void check_process(const struct options *o, const struct identity *id,
    const struct process_plan *proc, uint64_t keep)
{
	const char *limit = process_raises_hard_limit(proc);
	char what[128];

	if (keep != 0)
		deny("keep capabilities (--keep-caps)");
	if (o->monitor)
		deny("use --monitor");
	if (proc->chroot_dir != NULL)
		deny("use --chroot");
	if (o->allow_new_privs && id->uid != privs_caller_uid())
		deny("use --allow-new-privs with another user");
	if (limit != NULL) {
		snprintf(what, sizeof(what), "raise the hard limit of %s",
		    limit);
		deny(what);
	}
}

void policy_check(const struct options *o, const struct identity *id,
    const struct resources *r, const struct process_plan *proc,
    uint64_t keep)
{
	if (!privs_untrusted_caller())
		return;
	check_identity(id);
	check_resources(o, r);
	check_process(o, id, proc, keep);
}
