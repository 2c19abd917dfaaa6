/* SPDX-License-Identifier: ISC */
/*
 * privs_drop.h: the kernel's side of privs.c, for privs.c only: the
 * capability sets, and the permanent drop with its proof.  Stateless; each
 * call returns 0, or -1 with errno or with the reason in err.
 */
#ifndef PRIVRUN_PRIVS_DROP_H
#define PRIVRUN_PRIVS_DROP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The effective, permitted and inheritable sets, 64 bits each. */
struct capsets {
	uint64_t eff, prm, inh;
};

/* One capget(2) or capset(2) of this process; -1 with errno. */
int privs_capsets_get(struct capsets *c);
int privs_capsets_set(const struct capsets *c);
/* The highest capability the kernel knows. */
int privs_last_cap(void);
/* Not dumpable, read back. */
int privs_undumpable(char *err, size_t errlen);

/* What the process must be after the drop. */
struct privs_expect {
	uid_t uid;		/* all four uids */
	gid_t gid;		/* all four gids */
	const gid_t *groups;	/* sorted and unique (ids_normalise()) */
	size_t ngroups;
	uint64_t keep;		/* the permitted and bounding sets */
	uint64_t in_use;	/* the effective, inheritable, ambient sets */
	bool privileged;	/* the bounding set and securebits are ours */
	unsigned securebits;	/* bits that must be set, when privileged */
	bool no_new_privs;
	/* privs_stay(): the real and saved uid, every gid and the groups
	 * stay the caller's; only the effective and fs uid are uid (the
	 * caller's too for PRIVS_STAY_CALLER). */
	bool stay;
	uid_t caller_uid;
	gid_t caller_gid;
};

/* Steps 1 to 5 (privs_drop.c), with CAP_SETPCAP effective when privileged. */
int privs_drop(const struct privs_expect *x, char *err, size_t errlen);
/* Step 5 alone. */
int privs_verify(const struct privs_expect *x, char *err, size_t errlen);
/* Whether the kernel's supplementary groups are exactly these. */
int privs_groups_match(const gid_t *groups, size_t n, bool *match, char *err,
    size_t errlen);

#endif
