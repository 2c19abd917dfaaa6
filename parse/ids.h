/* SPDX-License-Identifier: ISC */
/*
 * ids.h: strict parsing of numeric ids and lookups of users and groups.
 * Pure functions of their input and the user/group databases: nothing here
 * changes privileges.
 */
#ifndef PRIVRUN_IDS_H
#define PRIVRUN_IDS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define IDS_MAX_GROUPS 65536	/* NGROUPS_MAX of current kernels */

/* A resolved target identity. */
struct identity {
	uid_t uid;
	gid_t gid;
	gid_t *groups;		/* supplementary groups, sorted, unique */
	size_t ngroups;
	char *name;		/* login name, or the decimal uid */
	char *home;		/* "/" when the uid has no passwd entry */
	char *shell;		/* "/bin/sh" when it has none */
	bool has_passwd;	/* the uid has a passwd entry */
};

/*
 * Set up the user and group databases; false with a message on failure.
 * A static build (make STATIC=1) reads /etc/passwd and /etc/group only.
 */
bool ids_init(char *err, size_t errlen);
/* Where users and groups come from, for --version. */
const char *ids_source(void);

/*
 * Parse a decimal number in [0, max]: digits only, no sign, no blanks, no
 * leading zero (so "010" is never read as octal by one tool and decimal by
 * another).  Returns false on anything else.
 */
bool ids_parse_decimal(const char *s, unsigned long long max,
    unsigned long long *out);
/* True when s is all ASCII digits (so it names an id, never a name). */
bool ids_is_numeric(const char *s);

/*
 * Resolve a user given as a login name or a decimal uid.  On failure returns
 * false and writes a message to err; "no such user" and a failed lookup
 * give different messages.
 */
bool ids_resolve_user(const char *spec, struct identity *id,
    char *err, size_t errlen);
bool ids_resolve_group(const char *spec, gid_t *gid, char *err, size_t errlen);
/* Supplementary groups of a named user, as initgroups(3) would set them. */
bool ids_user_groups(const struct identity *id, gid_t **groups, size_t *n,
    char *err, size_t errlen);
/* Sort and remove duplicates; returns the new count. */
size_t ids_normalise(gid_t *groups, size_t n);
/* A uid's login name for messages, or NULL. */
char *ids_user_name(uid_t uid);
void identity_free(struct identity *id);

#endif
