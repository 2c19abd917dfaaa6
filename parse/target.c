/* SPDX-License-Identifier: ISC */
/*
 * target.c: the target identity.  The rule that keeps names and numbers
 * apart: a USER or GROUP made only of digits is always a decimal id and
 * never looked up as a name; anything else is always a name.  It resolves;
 * it never changes privileges (privs.c does, later).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "die.h"
#include "privs.h"
#include "target.h"

static void resolve_user(const struct options *o, struct identity *id)
{
	char err[256], num[16];
	const char *spec = o->user;

	if (spec == NULL && privs_caller_uid() == 0)
		die("user", "refusing to run the program as root: give "
		    "--user USER, or --user root to mean it");
	if (spec == NULL) {
		snprintf(num, sizeof(num), "%u", (unsigned)privs_caller_uid());
		spec = num;
	}
	if (!ids_resolve_user(spec, id, err, sizeof(err)))
		die("user", "%s", err);
	/* No --user: the caller as it is, its real gid included (after
	 * newgrp(1) that is not its passwd entry's group). */
	if (o->user == NULL)
		id->gid = privs_caller_gid();
}

static void resolve_group(const struct options *o, struct identity *id)
{
	const char *spec = o->user_group ? o->user_group : o->group;
	char err[256];

	if (spec != NULL && !ids_resolve_group(spec, &id->gid, err,
	    sizeof(err)))
		die("group", "%s", err);
	if (id->gid == (gid_t)-1)
		die("group", "uid %u has no passwd entry: give its group "
		    "with --user %u:GROUP or --group GROUP",
		    (unsigned)id->uid, (unsigned)id->uid);
}

static void resolve_group_list(const char *list, struct identity *id)
{
	char *copy = must_alloc(strdup(list)), *save = NULL, *tok;
	char err[256];
	size_t n = 0;

	/* Each group takes a byte and a comma at least. */
	id->groups = must_alloc(calloc(strlen(list) / 2 + 1,
	    sizeof(*id->groups)));
	if (list[0] != '\0' && (list[0] == ',' || list[strlen(list) - 1] == ','
	    || strstr(list, ",,") != NULL))
		die("groups", "'%s': empty group name in list", list);
	for (tok = strtok_r(copy, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		if (!ids_resolve_group(tok, &id->groups[n], err, sizeof(err)))
			die("groups", "%s", err);
		n++;
	}
	id->ngroups = ids_normalise(id->groups, n);
	free(copy);
}

void target_current_groups(struct identity *id)
{
	int n = getgroups(0, NULL);

	if (n < 0)
		die_errno("groups", "getgroups");
	id->groups = must_alloc(calloc((size_t)n + 1, sizeof(*id->groups)));
	n = getgroups(n, id->groups);
	if (n < 0)
		die_errno("groups", "getgroups");
	id->ngroups = ids_normalise(id->groups, (size_t)n);
}

/*
 * initgroups(3)'s list, without the primary group: the kernel checks that
 * as the effective gid already, and repeating it would make "-u nobody"
 * show a supplementary group nobody is not listed in.
 */
static void database_group_list(struct identity *id)
{
	char err[256];
	size_t i, out = 0;

	if (!ids_user_groups(id, &id->groups, &id->ngroups, err, sizeof(err)))
		die("groups", "%s", err);
	for (i = 0; i < id->ngroups; i++)
		if (id->groups[i] != id->gid)
			id->groups[out++] = id->groups[i];
	id->ngroups = out;
}

void target_resolve(const struct options *o, struct identity *id)
{
	resolve_user(o, id);
	resolve_group(o, id);
	if (o->groups_given)
		resolve_group_list(o->groups, id);
	else if ((privs_untrusted_caller() && id->uid == privs_caller_uid())
	    || privs_start_mode() == PRIVS_START_NONE)
		target_current_groups(id);	/* nothing to gain or lose */
	else if (id->has_passwd)
		database_group_list(id);
	else
		id->groups = must_alloc(calloc(1, sizeof(*id->groups)));
}
