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
#include <netinet/in.h>
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
#include "policy_log.h"
#include "privs.h"
#include "target.h"

/* One request and the rules that apply to it. */
struct decision {
	const struct options *o;
	const struct identity *id;
	struct policy pol;
	bool have_file;		/* a policy file exists */
	const struct policy_rule **rule;	/* the rules that apply, */
	size_t n;
	uint64_t keep;		/* the capabilities they grant, */
	bool monitor;		/* and whether one says "monitor" */
	struct identity caller;	/* its uid, and its groups from the kernel */
	char *who;		/* "uid 4001 (alice)" */
	char *request;		/* for the log: see describe_request() */
};

/* vasprintf(3); out of memory ends privrun. */
static char *vformat(const char *fmt, va_list ap)
{
	char *s;

	return must_alloc(vasprintf(&s, fmt, ap) < 0 ? NULL : s);
}

/* Log a denial and stop with it. */
__attribute__((noreturn, format(printf, 2, 3)))
static void refuse(const struct decision *d, const char *fmt, ...)
{
	va_list ap;
	char *reason;

	va_start(ap, fmt);
	reason = vformat(fmt, ap);
	va_end(ap);
	policy_log(false, "denied: %s; request: %s", reason, d->request);
	die("policy", "%s", reason);
}

__attribute__((noreturn, format(printf, 2, 3)))
static void deny(const struct decision *d, const char *fmt, ...)
{
	va_list ap;
	char *why;

	va_start(ap, fmt);
	why = vformat(fmt, ap);
	va_end(ap);
	refuse(d, "%s may not %s: %s", d->who, why, d->have_file ?
	    "no rule in " PRIVRUN_CONF " grants it" :
	    "denied by default (no rule grants it)");
}

/*
 * "uid 4001 (alice) as uid 33 (www-data); bind tcp:80; open /etc/k", in
 * full however many resources there are (policy_log.c).
 */
static void describe_request(struct decision *d, const struct resources *r)
{
	char *name = ids_user_name(privs_caller_uid());
	size_t i, len;
	FILE *f = must_alloc(open_memstream(&d->request, &len));

	d->who = must_alloc(asprintf(&d->who, "uid %u (%s)",
	    (unsigned)privs_caller_uid(), name ? name : "unknown") < 0 ?
	    NULL : d->who);
	free(name);
	fprintf(f, "%s as uid %u (%s)", d->who, (unsigned)d->id->uid,
	    d->id->name);
	for (i = 0; i < r->n; i++)
		fprintf(f, "; %s %s", r->res[i].spec.kind == SPEC_BIND ?
		    "bind" : "open", r->res[i].spec.text);
	d->request = must_alloc(ferror(f) | fclose(f) ? NULL : d->request);
}

/* A stale or unsafe policy is no policy: nothing at all is allowed. */
static void load_policy(struct decision *d)
{
	enum policy_load_result rc;
	static char err[1024];
	struct stat st;

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
	/* The error may quote the file: not if the caller cannot read it. */
	if (stat(PRIVRUN_CONF, &st) != 0 || !(st.st_mode & S_IROTH))
		die("policy", "%s is unusable (why is in the system log, since "
		    "you may not read it); denying everything", PRIVRUN_CONF);
	die("policy", "%s; denying everything", err);
}

/* Whether name is uid in passwd (and, with entry, that very entry). */
static bool user_is(const char *name, uid_t uid, const char *entry)
{
	struct identity u;
	char err[256];
	bool match;

	if (!ids_resolve_user(name, &u, err, sizeof(err)))
		return false;
	match = u.uid == uid && (entry == NULL || strcmp(u.name, entry) == 0);
	identity_free(&u);
	return match;
}

static bool caller_is(const struct decision *d, const struct policy_rule *r)
{
	char err[256];
	gid_t gid;
	size_t i;

	if (!r->who_is_group)
		return user_is(r->who, privs_caller_uid(), NULL);
	if (!ids_resolve_group(r->who, &gid, err, sizeof(err)))
		return false;
	for (i = 0; i < d->caller.ngroups; i++)
		if (d->caller.groups[i] == gid)
			return true;
	return gid == privs_caller_gid();
}

static bool targets(const struct decision *d, const struct policy_rule *r)
{
	size_t i;

	if (r->nas == 0)
		return d->id->uid == privs_caller_uid();
	/* The entry itself, not only its uid: an alias with the same uid
	 * in passwd could bring another group and home (target.c takes them
	 * from the entry the caller named). */
	for (i = 0; i < r->nas; i++)
		if (user_is(r->as[i], d->id->uid, d->id->name))
			return true;
	return false;
}

/* "cmd PATH" allows any arguments; "cmd PATH ARGS..." exactly those. */
static bool runs_cmd(const struct decision *d, const struct policy_rule *r)
{
	size_t i;

	if (r->ncmd == 0)
		return true;
	if (d->o->argc < 1 || (r->ncmd > 1 && (size_t)d->o->argc != r->ncmd))
		return false;
	for (i = 0; i < r->ncmd; i++)
		if (strcmp(d->o->argv[i], r->cmd[i]) != 0)
			return false;
	return true;
}

static void find_applying_rules(struct decision *d)
{
	size_t i;

	d->rule = must_alloc(calloc(d->pol.n + 1, sizeof(*d->rule)));
	for (i = 0; i < d->pol.n; i++) {
		const struct policy_rule *r = &d->pol.rule[i];
		if (!caller_is(d, r) || !targets(d, r) || !runs_cmd(d, r))
			continue;
		d->rule[d->n++] = r;
		d->keep |= r->keep;
		d->monitor |= r->monitor;
	}
}

/*
 * Another user, as a rule allows: with that user's own groups only.  The
 * caller itself: with exactly its own gid and groups.
 */
static void check_identity(const struct decision *d)
{
	const struct identity *id = d->id;
	const struct options *o = d->o;
	bool same = d->caller.ngroups == id->ngroups;
	size_t i;

	if (id->uid != privs_caller_uid()) {
		/* One message whether or not a rule names this target for
		 * another program: the caller learns nothing of rules it
		 * cannot use. */
		if (d->n == 0)
			deny(d, "run %s as uid %u (%s)", o->argc > 0 ?
			    o->argv[0] : "(--dump)", (unsigned)id->uid,
			    id->name);
		if (o->group != NULL || o->user_group != NULL ||
		    o->groups_given)
			deny(d, "choose the groups of uid %u (%s) (-g, -G, "
			    "USER:GROUP)", (unsigned)id->uid, id->name);
		return;
	}
	if (id->gid != privs_caller_gid())
		deny(d, "run programs with gid %u", (unsigned)id->gid);
	/* Not even fewer groups: a group can be a deny list (mode 0604), and
	 * shedding it is what setgroups(2) is privileged for. */
	for (i = 0; same && i < id->ngroups; i++)
		same = d->caller.groups[i] == id->groups[i];
	if (!same)
		deny(d, "change its supplementary groups");
}

/*
 * Whether a rule's bind covers the ports lo..hi of a requested bind s.  A
 * bind of one family covers no socket that takes the other too: an IPv6
 * one without v6only on the wildcard or a v4-mapped address (ipv6(7)).
 */
static bool bind_covers(const struct policy_bind *b, const struct spec *s,
    unsigned lo, unsigned hi)
{
	const struct in6_addr *a =
	    &((const struct sockaddr_in6 *)&s->addr)->sin6_addr;

	if (s->kind != SPEC_BIND || s->family == AF_UNIX ||
	    s->socktype != b->socktype || lo < b->lo || hi > b->hi)
		return false;
	/* tcp/udp without an address: any family. */
	if (b->family == SPEC_FAMILY_DUAL)
		return true;
	if (b->family != s->family || (s->family == AF_INET6 &&
	    s->v6only != 1 && (IN6_IS_ADDR_UNSPECIFIED(a) ||
	    IN6_IS_ADDR_V4MAPPED(a))))
		return false;
	return !b->has_addr || spec_same_ip(&s->addr, &b->addr);
}

/* Whether a rule's open is exactly a requested --open spec s. */
static bool open_matches(const struct policy_open *o, const struct spec *s)
{
	return s->kind == SPEC_OPEN && strcmp(o->path, s->path) == 0 &&
	    o->oflags == s->oflags && o->allow_fifo == s->allow_fifo &&
	    o->allow_device == s->allow_device && !s->follow;
}

/* Whether a rule that applies grants s: a file, or a bind's ports lo..hi. */
static bool granted(const struct decision *d, const struct spec *s,
    unsigned lo, unsigned hi)
{
	size_t i, j;

	for (i = 0; i < d->n; i++) {
		for (j = 0; j < d->rule[i]->nbind; j++)
			if (bind_covers(&d->rule[i]->bind[j], s, lo, hi))
				return true;
		for (j = 0; j < d->rule[i]->nopen; j++)
			if (open_matches(&d->rule[i]->open[j], s))
				return true;
	}
	return false;
}

/*
 * A granted file is opened with privrun's rights: only root may be able to
 * put something else at its path (a hard link to another root-only file in
 * a directory the caller can write, say).
 */
static void check_granted_path(const struct decision *d, const struct spec *s)
{
	static char err[1024];

	if (!policy_dirs_safe(s->path, err, sizeof(err)))
		refuse(d, "open %s: a rule grants it, but %s; refusing it",
		    s->text, err);
}

/* Mark what the rules grant; a low port nobody grants is denied. */
static void check_resources(const struct decision *d, struct resources *r,
    unsigned start)
{
	size_t i;

	if (d->o->pass_listen_fds)
		deny(d, "use --pass-listen-fds");
	for (i = 0; i < r->n; i++) {
		struct resource *res = &r->res[i];
		const struct spec *s = &res->spec;
		unsigned port = spec_port(s);
		if (s->kind == SPEC_OPEN) {
			res->granted = granted(d, s, 0, 0);
			if (res->granted)
				check_granted_path(d, s);
		} else if (s->family == AF_UNIX) {
			if (res->owner != privs_caller_uid() ||
			    res->group != privs_caller_gid())
				deny(d, "create %s owned by uid %u gid %u",
				    s->text, (unsigned)res->owner,
				    (unsigned)res->group);
		} else if (port != 0 && port < start) {
			res->granted = granted(d, s, port, port);
			if (!res->granted)
				deny(d, "bind %s (ports below %u are "
				    "privileged)", s->text, start);
		}
	}
}

static void check_kept(const struct decision *d, uint64_t keep)
{
	char names[1024];

	if ((keep & ~d->keep) == 0)
		return;
	caps_format(keep & ~d->keep, names, sizeof(names));
	deny(d, "keep %s (--keep-caps)", names);
}

/* The monitor binds [::] with IPV6_V6ONLY unless 0.0.0.0 is on its list
 * too, under a rule of its own (monitor_serve.c, monitor_notify.c). */
static const struct spec *as_monitor_binds(struct spec *e)
{
	if (e->family == AF_INET6 && monitor_any6(&e->addr))
		e->v6only = 1;
	return e;
}

/*
 * --monitor: a rule that applies says "monitor", and the monitor may serve
 * nothing the rules would not give the caller at start: its low ports lie
 * within their binds, its files are files they name.
 */
static void check_monitor(const struct decision *d,
    const struct monitor_allowlist *allow, unsigned start)
{
	size_t i;

	if (!d->o->monitor)
		return;
	if (!d->monitor)
		deny(d, "use --monitor");
	for (i = 0; i < allow->n; i++) {
		const struct monitor_allow *a = &allow->a[i];
		unsigned hi = a->port_hi < start ? a->port_hi : start - 1;
		struct spec e = a->spec;	/* shares its strings */
		if (a->spec.kind == SPEC_OPEN) {
			if (!granted(d, &a->spec, 0, 0))
				deny(d, "let the monitor open %s",
				    a->spec.text);
			check_granted_path(d, &a->spec);
		} else if (a->port_lo < start && a->port_hi != 0 &&
		    !granted(d, as_monitor_binds(&e), a->port_lo, hi)) {
			deny(d, "let the monitor bind %s (ports below %u are "
			    "privileged)", d->o->allow[i].arg, start);
		}
	}
}

/* Options that give more than the caller has (privrun(1), "Start modes"). */
static void check_process(const struct decision *d,
    const struct process_plan *proc, uint64_t keep)
{
	const char *limit = process_raises_hard_limit(proc);
	bool reset = policy_resets_env(d->id, keep);

	if (proc->chroot_dir != NULL)
		deny(d, "use --chroot");
	/* Without no_new_privs the program could exec setuid-root programs
	 * in a state no user can make alone: securebits locked, bounding set
	 * empty, so their setuid(getuid()) keeps the saved uid 0. */
	if (d->o->allow_new_privs)
		deny(d, "use --allow-new-privs");
	if (limit != NULL)
		deny(d, "raise the hard limit of %s", limit);
	if (reset && (d->o->keep_env || d->o->nenv > 0))
		deny(d, "choose the environment of a program run as another "
		    "user or with capabilities (--env, --keep-env)");
	if (reset && proc->nrl > 0)
		deny(d, "set the limits of a program run as another user or "
		    "with capabilities (--rlimit)");
}

static void log_allowed(const struct decision *d)
{
	/* A rule's line is at most 65536 (POLICY_MAX_SIZE): 6 bytes each. */
	static char lines[POLICY_MAX_RULES * 6 + 1];
	size_t i, used = 0;

	for (i = 0; i < d->n; i++)
		used += (size_t)snprintf(lines + used, sizeof(lines) - used,
		    "%s%u", i ? "," : "", d->rule[i]->line);
	if (d->n > 0)
		policy_log(true, "allowed by %s line %s; request: %s",
		    PRIVRUN_CONF, lines, d->request);
	else
		policy_log(true, "allowed (the caller's own rights); "
		    "request: %s", d->request);
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
	struct decision d = { .o = o, .id = id };
	unsigned start;

	if (!privs_untrusted_caller())
		return;
	start = monitor_port_start();
	target_current_groups(&d.caller);
	describe_request(&d, r);
	load_policy(&d);
	find_applying_rules(&d);
	check_identity(&d);
	check_resources(&d, r, start);
	check_kept(&d, keep);
	check_monitor(&d, allow, start);
	check_process(&d, proc, keep);
	log_allowed(&d);
	free(d.rule);
	free(d.who);
	free(d.request);
	identity_free(&d.caller);
	policy_free(&d.pol);
}
