/* SPDX-License-Identifier: ISC */
/*
 * policy.c: what an untrusted caller may have.  When privrun runs
 * setuid-root or with file capabilities for an ordinary user, that user
 * gets by default only what it could do itself: run the program as itself,
 * with exactly the groups it has, bind ports at or above
 * net.ipv4.ip_unprivileged_port_start, and open and create what its own
 * rights allow (resources.c opens with the caller's ids).  Anything more
 * must be granted by a rule of the policy file (privrun.conf(5)).
 *
 * A rule applies to a request when its user or group is the caller's, its
 * "cmd" (if any) is the program, and the target is in its "as" list (or,
 * without one, is the caller).  The grants of the rules that apply add up;
 * grants of rules for another target or program never do.  Each decision is
 * logged (policy_log.c).  It decides; it never changes privileges, except
 * that the policy file is read with privrun's rights.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "caps.h"
#include "die.h"
#include "ids.h"
#include "monitor_serve.h"
#include "policy.h"
#include "policy_file.h"
#include "policy_log.h"
#include "privs.h"
#include "target.h"

/* One request and the rules that apply to it. */
struct decision {
	const struct options *o;
	const struct identity *id;
	struct resources *r;
	const struct process_plan *proc;
	uint64_t keep;
	struct policy pol;
	bool have_file;		/* a policy file exists */
	bool *applies;		/* per rule */
	struct identity caller;	/* its uid, and its groups from the kernel */
	char *who;		/* "uid 4001 (alice)" */
	char *request;		/* for the log: see describe_request() */
};

static const char *program(const struct decision *d)
{
	return d->o->argc > 0 ? d->o->argv[0] : "(--dump)";
}

/* Log a denial and stop with it. */
__attribute__((noreturn))
static void refuse(const struct decision *d, const char *reason)
{
	policy_log(false, "denied: %s; request: %s", reason, d->request);
	die("policy", "%s", reason);
}

__attribute__((noreturn, format(printf, 2, 3)))
static void deny(struct decision *d, const char *fmt, ...)
{
	char *why, *reason;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&why, fmt, ap) < 0 || asprintf(&reason, "%s may not "
	    "%s: %s", d->who, why, d->have_file ? "no rule in " PRIVRUN_CONF
	    " grants it" : "denied by default (no rule grants it)") < 0)
		die_errno("policy", "asprintf");
	va_end(ap);
	refuse(d, reason);
}

/*
 * "uid 4001 (alice) as uid 33 (www-data); bind tcp:80; open /etc/k", in
 * full however many resources there are (policy_log.c).
 */
static void describe_request(struct decision *d)
{
	char *name = ids_user_name(privs_caller_uid());
	size_t i, len;
	FILE *f;

	if (asprintf(&d->who, "uid %u (%s)", (unsigned)privs_caller_uid(),
	    name ? name : "unknown") < 0 ||
	    (f = open_memstream(&d->request, &len)) == NULL)
		die_errno("policy", "describe the request");
	free(name);
	fprintf(f, "%s as uid %u (%s)", d->who, (unsigned)d->id->uid,
	    d->id->name);
	for (i = 0; i < d->r->n; i++)
		fprintf(f, "; %s %s", d->r->res[i].spec.kind == SPEC_BIND ?
		    "bind" : "open", d->r->res[i].spec.text);
	if (ferror(f) | fclose(f))
		die("policy", "describe the request: out of memory");
}

/* Whether an error may quote the file: not if the caller cannot read it. */
static bool readable_by_all(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && (st.st_mode & S_IROTH);
}

/* A stale or unsafe policy is no policy: nothing at all is allowed. */
static void load_policy(struct decision *d)
{
	enum policy_load_result rc;
	char err[1024];

	if (privs_root() != 0)
		die("policy", "%s", privs_error());
	rc = policy_load(PRIVRUN_CONF, true, &d->pol, err, sizeof(err));
	if (privs_relinquish() != 0)
		die("policy", "%s", privs_error());
	d->have_file = rc != POLICY_ABSENT;
	if (rc != POLICY_UNUSABLE)
		return;
	policy_log(false, "denied: unusable policy: %s; request: %s", err,
	    d->request);
	if (!readable_by_all(PRIVRUN_CONF))
		die("policy", "%s is unusable (why is in the system log, since "
		    "you may not read it); denying everything", PRIVRUN_CONF);
	die("policy", "%s; denying everything", err);
}

static bool caller_is(const struct decision *d, const struct policy_rule *r)
{
	struct identity u;
	char err[256];
	gid_t gid;
	size_t i;
	bool match;

	if (!r->who_is_group) {
		if (!ids_resolve_user(r->who, &u, err, sizeof(err)))
			return false;
		match = u.uid == privs_caller_uid();
		identity_free(&u);
		return match;
	}
	if (!ids_resolve_group(r->who, &gid, err, sizeof(err)))
		return false;
	if (gid == privs_caller_gid())
		return true;
	for (i = 0; i < d->caller.ngroups; i++)
		if (d->caller.groups[i] == gid)
			return true;
	return false;
}

static bool targets(const struct decision *d, const struct policy_rule *r)
{
	struct identity u;
	char err[256];
	size_t i;
	bool match = false;

	if (r->nas == 0)
		return d->id->uid == privs_caller_uid();
	/* The entry itself, not only its uid: an alias with the same uid
	 * in passwd could bring another group and home (target.c takes them
	 * from the entry the caller named). */
	for (i = 0; i < r->nas && !match; i++) {
		if (!ids_resolve_user(r->as[i], &u, err, sizeof(err)))
			continue;
		match = u.uid == d->id->uid &&
		    strcmp(u.name, d->id->name) == 0;
		identity_free(&u);
	}
	return match;
}

/* "cmd PATH" allows any arguments; "cmd PATH ARGS..." exactly those. */
static bool runs_cmd(const struct decision *d, const struct policy_rule *r)
{
	size_t i;

	if (r->ncmd == 0)
		return true;
	if (d->o->argc < 1 || strcmp(d->o->argv[0], r->cmd[0]) != 0)
		return false;
	if (r->ncmd == 1)
		return true;
	if ((size_t)d->o->argc != r->ncmd)
		return false;
	for (i = 1; i < r->ncmd; i++)
		if (strcmp(d->o->argv[i], r->cmd[i]) != 0)
			return false;
	return true;
}

static void find_applying_rules(struct decision *d)
{
	size_t i;

	d->applies = calloc(d->pol.n + 1, sizeof(*d->applies));
	if (d->applies == NULL)
		die_errno("policy", "calloc");
	for (i = 0; i < d->pol.n; i++)
		d->applies[i] = caller_is(d, &d->pol.rule[i]) &&
		    targets(d, &d->pol.rule[i]) && runs_cmd(d, &d->pol.rule[i]);
}

static bool any_applies(const struct decision *d)
{
	size_t i;

	for (i = 0; i < d->pol.n; i++)
		if (d->applies[i])
			return true;
	return false;
}

static void check_own_identity(struct decision *d)
{
	const struct identity *id = d->id;
	bool same = d->caller.ngroups == id->ngroups;
	size_t i;

	if (id->gid != privs_caller_gid())
		deny(d, "run programs with gid %u", (unsigned)id->gid);
	/* Not even fewer groups: a group can be a deny list (mode 0604), and
	 * shedding it is what setgroups(2) is privileged for. */
	for (i = 0; same && i < id->ngroups; i++)
		same = d->caller.groups[i] == id->groups[i];
	if (!same)
		deny(d, "change its supplementary groups");
}

/* Another user, as a rule allows: with that user's own groups only. */
static void check_identity(struct decision *d)
{
	const struct options *o = d->o;

	if (d->id->uid == privs_caller_uid()) {
		check_own_identity(d);
		return;
	}
	/* One message whether or not a rule names this target for another
	 * program: the caller learns nothing of rules it cannot use. */
	if (!any_applies(d))
		deny(d, "run %s as uid %u (%s)", program(d),
		    (unsigned)d->id->uid, d->id->name);
	if (o->group != NULL || o->user_group != NULL || o->groups_given)
		deny(d, "choose the groups of uid %u (%s) (-g, -G, "
		    "USER:GROUP)", (unsigned)d->id->uid, d->id->name);
}

static bool bind_granted(const struct decision *d, const struct spec *s)
{
	size_t i, j;

	for (i = 0; i < d->pol.n; i++)
		for (j = 0; d->applies[i] && j < d->pol.rule[i].nbind; j++)
			if (policy_bind_covers(&d->pol.rule[i].bind[j], s))
				return true;
	return false;
}

static bool open_granted(const struct decision *d, const struct spec *s)
{
	size_t i, j;

	for (i = 0; i < d->pol.n; i++)
		for (j = 0; d->applies[i] && j < d->pol.rule[i].nopen; j++)
			if (policy_open_matches(&d->pol.rule[i].open[j], s))
				return true;
	return false;
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
	if (!ids_parse_decimal(buf, 65536, &v))
		v = 1024;
	return (unsigned)v;
}

static void check_unix_owner(struct decision *d, const struct resource *res)
{
	if (res->owner != privs_caller_uid() ||
	    res->group != privs_caller_gid())
		deny(d, "create %s owned by uid %u gid %u", res->spec.text,
		    (unsigned)res->owner, (unsigned)res->group);
}

/*
 * A granted file is opened with privrun's rights: only root may be able to
 * put something else at its path (a hard link to another root-only file in
 * a directory the caller can write, say).
 */
static void check_granted_path(struct decision *d, const struct spec *s)
{
	static char err[1024];
	char *reason;

	if (policy_dirs_safe(s->path, err, sizeof(err)))
		return;
	if (asprintf(&reason, "open %s: a rule grants it, but %s; refusing "
	    "it", s->text, err) < 0)
		die_errno("policy", "asprintf");
	refuse(d, reason);
}

/* Mark what the rules grant; a low port nobody grants is denied. */
static void check_resources(struct decision *d)
{
	unsigned start = unprivileged_port_start();
	size_t i;

	if (d->o->pass_listen_fds)
		deny(d, "use --pass-listen-fds");
	for (i = 0; i < d->r->n; i++) {
		struct resource *res = &d->r->res[i];
		const struct spec *s = &res->spec;
		unsigned port = spec_port(s);
		if (s->kind == SPEC_OPEN) {
			res->granted = open_granted(d, s);
			if (res->granted)
				check_granted_path(d, s);
		} else if (s->family == AF_UNIX) {
			check_unix_owner(d, res);
		} else if (port != 0 && port < start) {
			res->granted = bind_granted(d, s);
			if (!res->granted)
				deny(d, "bind %s (ports below %u are "
				    "privileged)", s->text, start);
		}
	}
}

static void check_kept(struct decision *d)
{
	uint64_t granted = 0;
	char names[1024];
	size_t i;

	for (i = 0; i < d->pol.n; i++)
		if (d->applies[i])
			granted |= d->pol.rule[i].keep;
	if ((d->keep & ~granted) == 0)
		return;
	caps_format(d->keep & ~granted, names, sizeof(names));
	deny(d, "keep %s (--keep-caps)", names);
}

/* Options that give more than the caller has (privrun(1), "Start modes"). */
static void check_process(struct decision *d)
{
	const char *limit = process_raises_hard_limit(d->proc);

	if (d->proc->chroot_dir != NULL)
		deny(d, "use --chroot");
	/* Without no_new_privs the program could exec setuid-root programs
	 * in a state no user can make alone: securebits locked, bounding set
	 * empty, so their setuid(getuid()) keeps the saved uid 0. */
	if (d->o->allow_new_privs)
		deny(d, "use --allow-new-privs");
	if (limit != NULL)
		deny(d, "raise the hard limit of %s", limit);
	if (policy_resets_env(d->id, d->keep) &&
	    (d->o->keep_env || d->o->nenv > 0))
		deny(d, "choose the environment of a program run as another "
		    "user or with capabilities (--env, --keep-env)");
	if (policy_resets_env(d->id, d->keep) && d->proc->nrl > 0)
		deny(d, "set the limits of a program run as another user or "
		    "with capabilities (--rlimit)");
}

static bool rule_monitors(const struct decision *d)
{
	size_t i;

	for (i = 0; i < d->pol.n; i++)
		if (d->applies[i] && d->pol.rule[i].monitor)
			return true;
	return false;
}

/* A low port range of the allow list: one rule's bind must cover it. */
static bool range_granted(const struct decision *d,
    const struct monitor_allow *a, unsigned hi)
{
	size_t i, j;

	for (i = 0; i < d->pol.n; i++)
		for (j = 0; d->applies[i] && j < d->pol.rule[i].nbind; j++)
			if (policy_bind_covers_range(&d->pol.rule[i].bind[j],
			    &a->spec, a->port_lo, hi))
				return true;
	return false;
}

/*
 * --monitor: a rule that applies says "monitor", and the monitor may serve
 * nothing the rules would not give the caller at start: its low ports lie
 * within their binds, its files are files they name.
 */
static void check_monitor(struct decision *d,
    const struct monitor_allowlist *allow, unsigned start)
{
	size_t i;

	if (!d->o->monitor)
		return;
	if (!rule_monitors(d))
		deny(d, "use --monitor");
	for (i = 0; i < allow->n; i++) {
		const struct monitor_allow *a = &allow->a[i];
		unsigned hi = a->port_hi < start ? a->port_hi : start - 1;
		if (a->spec.kind == SPEC_OPEN) {
			if (!open_granted(d, &a->spec))
				deny(d, "let the monitor open %s", a->spec.text);
			check_granted_path(d, &a->spec);
		} else if (a->port_lo < start && a->port_hi != 0 &&
		    !range_granted(d, a, hi)) {
			deny(d, "let the monitor bind %s (ports below %u are "
			    "privileged)", d->o->allow[i].arg, start);
		}
	}
}

static void log_allowed(struct decision *d)
{
	char *lines;
	size_t i, len;
	FILE *f = open_memstream(&lines, &len);

	if (f == NULL)
		die_errno("policy", "open_memstream");
	for (i = 0; i < d->pol.n; i++)
		if (d->applies[i])
			fprintf(f, "%s%u", ftell(f) ? "," : "",
			    d->pol.rule[i].line);
	if (ferror(f) | fclose(f))
		die("policy", "log: out of memory");
	if (len > 0)
		policy_log(true, "allowed by %s line %s; request: %s",
		    PRIVRUN_CONF, lines, d->request);
	else
		policy_log(true, "allowed (the caller's own rights); "
		    "request: %s", d->request);
	free(lines);
}

bool policy_resets_env(const struct identity *id, uint64_t keep)
{
	return privs_untrusted_caller() &&
	    (id->uid != privs_caller_uid() || keep != 0);
}

void policy_check(const struct options *o, const struct identity *id,
    struct resources *r, const struct process_plan *proc, uint64_t keep,
    const struct monitor_allowlist *allow)
{
	struct decision d = { .o = o, .id = id, .r = r, .proc = proc,
	    .keep = keep };

	if (!privs_untrusted_caller())
		return;
	target_current_groups(&d.caller);
	describe_request(&d);
	load_policy(&d);
	find_applying_rules(&d);
	check_identity(&d);
	check_resources(&d);
	check_kept(&d);
	check_monitor(&d, allow, unprivileged_port_start());
	check_process(&d);
	log_allowed(&d);
	free(d.applies);
	free(d.who);
	free(d.request);
	identity_free(&d.caller);
	policy_free(&d.pol);
}
