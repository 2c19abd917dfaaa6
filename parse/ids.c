/* SPDX-License-Identifier: ISC */
/*
 * ids.c: users, groups and the numbers that name them.  Numbers from the
 * command line are parsed with explicit bounds (su-exec's strtol flaw turns
 * 4294967296 into uid 0); names are looked up with the reentrant functions
 * so that "no such user" is told apart from a failed lookup.  Nothing here
 * changes privileges.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#ifndef PRIVRUN_MUSL
#include <nss.h>
#endif
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "die.h"
#include "ids.h"

/* uid_t and gid_t are 32-bit; (id_t)-1 means "unchanged" to the kernel. */
#define ID_MAX 4294967294ULL

/*
 * A static privrun must never dlopen an NSS module: static glibc would load
 * it with a libc of its own, whose heap is not the program's (an
 * initgroups_dyn module may grow the group list it is handed with realloc:
 * the interface lets it, and glibc's own files module does), and whose
 * internals must match the glibc privrun was linked with.  __nss_configure_lookup(3) replaces nsswitch.conf's
 * services for a database in this process: "files" is built into libc.
 * nscd is not asked either, for a database configured so.
 */
bool ids_init(char *err, size_t errlen)
{
#if defined(PRIVRUN_FILES_ONLY) && !defined(PRIVRUN_MUSL)
	static const char *const db[] = { "passwd", "group", "initgroups" };
	size_t i;

	for (i = 0; i < sizeof(db) / sizeof(db[0]); i++)
		if (__nss_configure_lookup(db[i], "files") != 0) {
			snprintf(err, errlen, "cannot restrict the %s "
			    "database to files", db[i]);
			return false;
		}
#else
	(void)err;
	(void)errlen;
#endif
	return true;
}

const char *ids_source(void)
{
#if defined(PRIVRUN_MUSL)
	return "static, musl: users and groups from /etc/passwd and /etc/group, "
	    "then nscd if it runs";
#elif defined(PRIVRUN_FILES_ONLY)
	return "static: users and groups from /etc/passwd and /etc/group only";
#else
	return "users and groups as nsswitch.conf says";
#endif
}

bool ids_is_numeric(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

bool ids_parse_decimal(const char *s, unsigned long long max,
    unsigned long long *out)
{
	unsigned long long v = 0;

	if (!ids_is_numeric(s) || (s[0] == '0' && s[1] != '\0'))
		return false;
	for (; *s != '\0'; s++) {
		unsigned d = (unsigned)(*s - '0');
		if (v > (max - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

static char *xstrdup(const char *s)
{
	return must_alloc(strdup(s));
}

/* A buffer for the _r functions, grown on ERANGE. */
struct lookup_buf {
	char *buf;
	size_t len;
};

/* 0, or ENOMEM once the buffer is 1 MiB: no sane entry is longer. */
static int grow(struct lookup_buf *b)
{
	if (b->len >= (1U << 20))
		return ENOMEM;
	b->len = b->len ? b->len * 2 : 1024;
	b->buf = must_alloc(realloc(b->buf, b->len));
	return 0;
}

/* getpwnam_r/getpwuid_r: 0 found, ENOENT none, else errno of the lookup. */
static int lookup_passwd(const char *name, uid_t uid, struct passwd *pw,
    struct lookup_buf *b)
{
	struct passwd *res = NULL;
	int rc = ERANGE;

	while (rc == ERANGE && (rc = grow(b)) == 0)
		rc = name != NULL ? getpwnam_r(name, pw, b->buf, b->len, &res) :
		    getpwuid_r(uid, pw, b->buf, b->len, &res);
	return rc != 0 ? rc : res != NULL ? 0 : ENOENT;
}

/* getgrnam_r: the same. */
static int lookup_group(const char *name, struct group *gr,
    struct lookup_buf *b)
{
	struct group *res = NULL;
	int rc = ERANGE;

	while (rc == ERANGE && (rc = grow(b)) == 0)
		rc = getgrnam_r(name, gr, b->buf, b->len, &res);
	return rc != 0 ? rc : res != NULL ? 0 : ENOENT;
}

static void fill_from_passwd(struct identity *id, const struct passwd *pw)
{
	id->uid = pw->pw_uid;
	id->gid = pw->pw_gid;
	id->name = xstrdup(pw->pw_name);
	id->home = xstrdup(pw->pw_dir[0] != '\0' ? pw->pw_dir : "/");
	id->shell = xstrdup(pw->pw_shell[0] != '\0' ? pw->pw_shell : "/bin/sh");
	id->has_passwd = true;
}

bool ids_resolve_user(const char *spec, struct identity *id,
    char *err, size_t errlen)
{
	struct lookup_buf b = { NULL, 0 };
	struct passwd pw;
	unsigned long long n = 0;
	bool numeric = ids_is_numeric(spec);
	int rc;

	memset(id, 0, sizeof(*id));
	if (numeric && !ids_parse_decimal(spec, ID_MAX, &n)) {
		snprintf(err, errlen, "'%s': not a valid uid (0 to %llu, "
		    "decimal, no leading zero)", spec, ID_MAX);
		return false;
	}
	if (!numeric && spec[0] == '\0') {
		snprintf(err, errlen, "empty user name");
		return false;
	}
	rc = lookup_passwd(numeric ? NULL : spec, (uid_t)n, &pw, &b);
	if (rc == 0) {
		fill_from_passwd(id, &pw);
	} else if (rc == ENOENT && numeric) {
		/* A bare uid is allowed; its group must then be explicit. */
		id->uid = (uid_t)n;
		id->gid = (gid_t)-1;
		id->name = xstrdup(spec);
		id->home = xstrdup("/");
		id->shell = xstrdup("/bin/sh");
	} else if (rc == ENOENT) {
		snprintf(err, errlen, "'%s': no such user", spec);
	} else {
		snprintf(err, errlen, "'%s': user lookup failed: %s", spec,
		    strerror(rc));
	}
	free(b.buf);
	return rc == 0 || (rc == ENOENT && numeric);
}

bool ids_resolve_group(const char *spec, gid_t *gid, char *err, size_t errlen)
{
	struct lookup_buf b = { NULL, 0 };
	struct group gr;
	unsigned long long n;
	int rc;

	if (ids_is_numeric(spec)) {
		if (!ids_parse_decimal(spec, ID_MAX, &n)) {
			snprintf(err, errlen, "'%s': not a valid gid (0 to "
			    "%llu, decimal, no leading zero)", spec, ID_MAX);
			return false;
		}
		/* A gid needs no group entry, as with setpriv --regid. */
		*gid = (gid_t)n;
		return true;
	}
	if (spec[0] == '\0') {
		snprintf(err, errlen, "empty group name");
		return false;
	}
	rc = lookup_group(spec, &gr, &b);
	if (rc == 0)
		*gid = gr.gr_gid;
	else if (rc == ENOENT)
		snprintf(err, errlen, "'%s': no such group", spec);
	else
		snprintf(err, errlen, "'%s': group lookup failed: %s", spec,
		    strerror(rc));
	free(b.buf);
	return rc == 0;
}

static int cmp_gid(const void *a, const void *b)
{
	gid_t x = *(const gid_t *)a, y = *(const gid_t *)b;

	return (x > y) - (x < y);
}

/*
 * getgrouplist(3) reports no error, nor does getgrent(3): a service that
 * could not be read (too few fds, no memory, a file it may not read) just
 * leaves out its groups, and one of them may be a group that denies access.
 * /etc/group, read here where every error is seen, must agree: each group
 * in it that lists the user is in the sorted list, or the lookup fails.
 */
static int files_agree(const char *user, const gid_t *list, size_t n)
{
	FILE *f = fopen("/etc/group", "re");
	struct group *gr;
	int rc = 0;
	char **m;

	if (f == NULL)
		return errno;
	while (rc == 0) {
		/* fgetgrent(3): NULL with errno 0 (musl) or ENOENT (glibc) at
		 * the end, any other errno for an error. */
		errno = 0;
		if ((gr = fgetgrent(f)) == NULL)
			rc = errno == 0 ? ENOENT : errno;
		for (m = gr != NULL ? gr->gr_mem : NULL; m && *m; m++)
			if (strcmp(*m, user) == 0 && bsearch(&gr->gr_gid, list,
			    n, sizeof(*list), cmp_gid) == NULL)
				rc = -1;	/* a group was left out */
	}
	if (rc == ENOENT)	/* the end, unless a read failed */
		rc = ferror(f) ? EIO : 0;
	fclose(f);
	return rc;
}

bool ids_user_groups(const struct identity *id, gid_t **groups, size_t *n,
    char *err, size_t errlen)
{
	gid_t one;
	int want = 0, rc = -2;

	errno = 0;	/* musl's getgrouplist(3) fails with it set */
	getgrouplist(id->name, id->gid, &one, &want);	/* how many */
	*groups = want > 0 && want <= IDS_MAX_GROUPS ?
	    malloc((size_t)want * sizeof(**groups)) : NULL;
	/* The caller frees *groups, also on failure. */
	if (*groups != NULL &&
	    getgrouplist(id->name, id->gid, *groups, &want) >= 0) {
		*n = ids_normalise(*groups, (size_t)want);
		rc = files_agree(id->name, *groups, *n);
	}
	/* -2: the lookup failed, no memory, or more groups than a moment
	 * ago; else what /etc/group said. */
	if (rc == -2)
		snprintf(err, errlen, "'%s': group list lookup failed%s%s",
		    id->name, errno ? ": " : "", errno ? strerror(errno) : "");
	else
		snprintf(err, errlen, "'%s': group list lookup failed: "
		    "/etc/group: %s", id->name, rc == -1 ? "it lists a group "
		    "the lookup left out" : strerror(rc));
	return rc == 0;
}

size_t ids_normalise(gid_t *groups, size_t n)
{
	size_t i, out = 0;

	if (n == 0)
		return 0;
	qsort(groups, n, sizeof(*groups), cmp_gid);
	for (i = 0; i < n; i++)
		if (out == 0 || groups[out - 1] != groups[i])
			groups[out++] = groups[i];
	return out;
}

char *ids_user_name(uid_t uid)
{
	struct lookup_buf b = { NULL, 0 };
	struct passwd pw;
	char *name = NULL;

	if (lookup_passwd(NULL, uid, &pw, &b) == 0)
		name = xstrdup(pw.pw_name);
	free(b.buf);
	return name;
}

void identity_free(struct identity *id)
{
	free(id->groups);
	free(id->name);
	free(id->home);
	free(id->shell);
	memset(id, 0, sizeof(*id));
}
