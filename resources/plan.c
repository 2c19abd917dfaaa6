/* SPDX-License-Identifier: ISC */
/*
 * plan.c: the resources before and after they are opened, all of it
 * unprivileged: the plan parsed from the options (owners resolved, names
 * checked for repeats, the array mapped), the inherited LISTEN_FDS taken
 * over, and the LISTEN_* environment and --dry-run lines made from it.
 * Opening them, the only privileged part, is open.c's.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "compat.h"
#include "die.h"
#include "fds.h"
#include "privs.h"
#include "resources.h"

/*
 * The owner of a unix socket node: the target, or with an untrusted caller
 * the caller itself, whose rights create the node (privrun(1), "Start modes").
 */
static void resolve_owner(struct resource *r, const struct identity *id)
{
	struct identity owner;
	char err[256];

	r->owner = privs_untrusted_caller() ? privs_caller_uid() : id->uid;
	r->group = privs_untrusted_caller() ? privs_caller_gid() : id->gid;
	if (r->spec.owner[0] != '\0') {
		if (!ids_resolve_user(r->spec.owner, &owner, err, sizeof(err)))
			die("bind", "%s: owner %s", r->spec.text, err);
		r->owner = owner.uid;
		if (owner.has_passwd)
			r->group = owner.gid;
		identity_free(&owner);
	}
	if (r->spec.group[0] != '\0' && !ids_resolve_group(r->spec.group,
	    &r->group, err, sizeof(err)))
		die("bind", "%s: group %s", r->spec.text, err);
}

static int by_name(const void *a, const void *b)
{
	const struct resource *ra = *(const struct resource *const *)a;
	const struct resource *rb = *(const struct resource *const *)b;
	int c = strcmp(ra->spec.name, rb->spec.name);

	/* Equal names stay in command-line order: the array is r->res. */
	return c != 0 ? c : (ra > rb) - (ra < rb);
}

/*
 * The first resource, in command-line order, whose name an earlier one
 * already has, and that earlier one: *dup is n when every name is
 * distinct.  Sorted by name (and order) rather than compared pairwise, so
 * that a thousand --bind take n log n comparisons, not n squared.
 */
static void find_duplicate(const struct resource *res, size_t n,
    size_t *dup, size_t *first)
{
	const struct resource **sorted;
	size_t i;

	*dup = n;
	if (n < 2)
		return;
	sorted = must_alloc(calloc(n, sizeof(*sorted)));
	for (i = 0; i < n; i++)
		sorted[i] = &res[i];
	qsort(sorted, n, sizeof(*sorted), by_name);
	/* In a run of equal names, the second one (the earliest repeat) has
	 * the first one (the earliest use) just before it. */
	for (i = 1; i < n; i++)
		if ((size_t)(sorted[i] - res) < *dup &&
		    strcmp(sorted[i]->spec.name,
		    sorted[i - 1]->spec.name) == 0) {
			*dup = (size_t)(sorted[i] - res);
			*first = (size_t)(sorted[i - 1] - res);
		}
	free(sorted);
}

const char *resources_step(enum spec_kind kind)
{
	return kind == SPEC_BIND ? "bind" : "open";
}

/*
 * The resource array, zeroed, in pages faulted in all at once
 * (MAP_POPULATE): the parse writes every one of its ~1 KB entries, and on
 * a virtual machine a page fault costs about 10 us, a third of the cost of
 * a socket in a thousand (bench/RESULTS.md).
 */
static struct resource *map_resources(size_t n, size_t *bytes)
{
	void *p;

	/* A size past the address space fails as out of memory. */
	*bytes = n > SIZE_MAX / sizeof(struct resource) ? SIZE_MAX :
	    n * sizeof(struct resource);
	p = mmap(NULL, *bytes, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (p == MAP_FAILED)
		die_errno("resources", "mmap");
	return p;
}

/*
 * Errors come in the order a check of one resource after another would
 * give them: for each in turn, its spec, then its name against the earlier
 * ones, then its unix socket owner.
 */
void resources_parse(const struct options *o, const struct identity *id,
    struct resources *r)
{
	char err[640];
	size_t i, dup, first = 0;
	bool bad = false;

	memset(r, 0, sizeof(*r));
	if (o->nres == 0)
		return;		/* no mapping to make for nothing */
	r->res = map_resources(o->nres, &r->res_bytes);
	/* r->n counts the parsed ones: a bad spec ends the list there. */
	while (r->n < o->nres && !bad) {
		struct resource *res = &r->res[r->n];
		res->fd = -1;
		bad = !spec_parse(o->res[r->n].kind, o->res[r->n].arg,
		    &res->spec, err, sizeof(err));
		if (!bad)
			r->n++;
	}
	find_duplicate(r->res, r->n, &dup, &first);
	for (i = 0; i < r->n && i < dup; i++)
		if (r->res[i].spec.kind == SPEC_BIND)
			resolve_owner(&r->res[i], id);
	if (dup < r->n)
		die(resources_step(r->res[dup].spec.kind), "'%s': name '%s' is "
		    "already used by '%s'", r->res[dup].spec.text,
		    r->res[dup].spec.name, r->res[first].spec.text);
	if (bad)
		die(resources_step(o->res[r->n].kind), "%s", err);
}

/*
 * LISTEN_FDS / LISTEN_PID as sd_listen_fds(3) reads them, strictly.
 * -fanalyzer loses the names stored at inherited_names[i], a symbolic
 * index (resources_free() frees them).
 */
ANALYZER_LEAKS_OFF
void resources_take_inherited(struct resources *r)
{
	const char *pid = getenv("LISTEN_PID"), *fds = getenv("LISTEN_FDS");
	const char *names = getenv("LISTEN_FDNAMES");
	unsigned long long p, n, i;

	if (pid == NULL || fds == NULL)
		die("pass-listen-fds", "LISTEN_PID and LISTEN_FDS are not set: "
		    "privrun was not started by socket activation");
	if (!ids_parse_decimal(pid, 4194304, &p) ||
	    p != (unsigned long long)getpid())
		die("pass-listen-fds", "LISTEN_PID is '%s', not privrun's pid "
		    "%ld", pid, (long)getpid());
	if (!ids_parse_decimal(fds, 65536, &n))
		die("pass-listen-fds", "LISTEN_FDS '%s' is not a number", fds);
	r->inherited_names = must_alloc(calloc(n + 1, sizeof(char *)));
	for (i = 0; i < n; i++) {
		int fd = FDS_FIRST_PASSED + (int)i;
		const char *end = names ? strchr(names, ':') : NULL;
		size_t len = names ? (end ? (size_t)(end - names) :
		    strlen(names)) : 0;

		/* Open, and passed on: undo fds_tidy_at_start()'s cloexec. */
		if (fcntl(fd, F_SETFD, 0) != 0)
			die_errno("pass-listen-fds", "inherited fd %d", fd);
		r->inherited_names[i] = must_alloc(len ? strndup(names, len) :
		    strdup("unknown"));
		names = end ? end + 1 : NULL;
	}
	r->inherited = n;
}
ANALYZER_LEAKS_ON

int resources_end(const struct resources *r)
{
	return FDS_FIRST_PASSED + (int)(r->inherited + r->n);
}

/* The LISTEN_FDNAMES entry of passed fd 3 + i. */
static const char *name_of(const struct resources *r, size_t i)
{
	return i < r->inherited ? r->inherited_names[i] :
	    r->res[i - r->inherited].spec.name;
}

void resources_export(const struct resources *r)
{
	size_t i, total = r->inherited + r->n, len = 1, l;
	char num[32], pid[32], *names, *p;

	if (total == 0)
		return;
	for (i = 0; i < total; i++)
		len += strlen(name_of(r, i)) + 1;
	names = p = must_alloc(calloc(len, 1));	/* ends in a '\0' */
	/* memcpy, not sprintf: with a thousand names, parsing a format
	 * for each cost more than all the copying (callgrind). */
	for (i = 0; i < total; i++) {
		l = strlen(name_of(r, i));
		if (i > 0)
			*p++ = ':';
		memcpy(p, name_of(r, i), l);
		p += l;
	}
	/* privrun execs in place: the program will have our pid. */
	snprintf(num, sizeof(num), "%zu", total);
	snprintf(pid, sizeof(pid), "%ld", (long)getpid());
	if (setenv("LISTEN_FDS", num, 1) != 0 ||
	    setenv("LISTEN_PID", pid, 1) != 0 ||
	    setenv("LISTEN_FDNAMES", names, 1) != 0)
		die_errno("environment", "LISTEN_*");
	free(names);
}

void resources_free(struct resources *r)
{
	size_t i;

	for (i = 0; i < r->inherited; i++)
		free(r->inherited_names[i]);
	free(r->inherited_names);
	for (i = 0; i < r->n; i++)
		spec_free(&r->res[i].spec);
	if (r->res != NULL)	/* a whole mapping: munmap(2) cannot fail */
		munmap(r->res, r->res_bytes);
	memset(r, 0, sizeof(*r));
}
