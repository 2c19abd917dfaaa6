/* SPDX-License-Identifier: ISC */
/*
 * privs.c: the privilege state and every change of it (privs.h lists the
 * calls and their order).  With privs_drop.c, the only place where privrun
 * changes ids, groups, capabilities, securebits or no_new_privs.  Modelled
 * on ProFTPD's privs.c, but every call checks every system call and
 * returns an error instead of going on.  The permanent drop itself is
 * privs_drop.c's; this file decides when, and with what target.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/fsuid.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "caps.h"
#include "compat.h"
#include "die.h"
#include "ids.h"
#include "privs.h"
#include "privs_drop.h"

/* The privilege state: the only mutable globals privrun has besides die.c. */
static struct {
	enum privs_start start;
	bool untrusted;
	bool initialised;
	bool have_target;
	enum { ACT_SELF, ACT_USER, ACT_CREATE } acting;	/* see privs_user */
	bool revoked;
	bool monitor;		/* privs_monitor(): root/relinquish still work */
	unsigned depth;		/* nesting of privs_root() */
	uid_t ruid, euid;
	gid_t rgid, egid;
	uint64_t keep;		/* capabilities revoke keeps */
	bool allow_new_privs;	/* revoke leaves no_new_privs unset */
	uid_t uid;		/* target */
	gid_t gid;
	gid_t *groups;
	size_t ngroups;
	char error[256];
} st;

/* Record why a call failed, with errno's text (fail) or without (failx). */
#define fail(...)	error_into(st.error, sizeof(st.error), errno, __VA_ARGS__)
#define failx(...)	error_into(st.error, sizeof(st.error), 0, __VA_ARGS__)

const char *privs_error(void)
{
	return st.error;
}

const char *privs_start_name(enum privs_start mode)
{
	switch (mode) {
	case PRIVS_START_ROOT:		return "root";
	case PRIVS_START_SETUID:	return "setuid-root";
	case PRIVS_START_FILECAPS:	return "file-capabilities";
	case PRIVS_START_NONE:		break;
	}
	return "unprivileged";
}

enum privs_start privs_start_mode(void)
{
	return st.start;
}

bool privs_untrusted_caller(void)
{
	return st.untrusted;
}

bool privs_monitoring(void)
{
	return st.monitor;
}

uid_t privs_caller_uid(void)
{
	return st.ruid;
}

gid_t privs_caller_gid(void)
{
	return st.rgid;
}

/*
 * Effective set = the permitted capabilities that are in mask; permitted
 * and inheritable are untouched.  This runs around every resource opened.
 */
static int set_effective_mask(uint64_t mask)
{
	struct capsets c;

	if (privs_capsets_get(&c) != 0)
		return fail("capget");
	c.eff = c.prm & mask;
	if (privs_capsets_set(&c) != 0)
		return fail("capset: %s effective capabilities",
		    mask ? "raise" : "lower");
	return 0;
}

/* Effective set = permitted (on) or empty (off). */
static int set_effective(bool on)
{
	return set_effective_mask(on ? UINT64_MAX : 0);
}

/*
 * The permitted set: whether a start without euid 0 has capabilities (file
 * capabilities, or inherited ambient ones), and what a kept set can come
 * from.  Not libcap-ng's capng_have_capabilities(), which looks at the
 * effective set only: a "+p" file capability would read as empty.
 */
static int get_permitted(uint64_t *mask)
{
	struct capsets c;

	if (privs_capsets_get(&c) != 0)
		return fail("capget");
	*mask = c.prm;
	return 0;
}

/* After any change of ids (privs_drop.c's privs_undumpable()). */
static int keep_undumpable(void)
{
	return privs_undumpable(st.error, sizeof(st.error));
}

static bool privileged(void)
{
	return st.start != PRIVS_START_NONE;
}

static int check_usable(const char *call)
{
	if (!st.initialised)
		return failx("%s: privs_init() was not called", call);
	if (st.revoked || st.monitor)
		return failx("%s: privileges already revoked", call);
	return 0;
}

int privs_init(void)
{
	uid_t suid;
	gid_t sgid;
	uint64_t permitted = 0;

	memset(&st, 0, sizeof(st));
	if (getresuid(&st.ruid, &st.euid, &suid) != 0 ||
	    getresgid(&st.rgid, &st.egid, &sgid) != 0)
		return fail("getresuid");
	st.untrusted = getauxval(AT_SECURE) != 0 || st.ruid != st.euid ||
	    st.rgid != st.egid;
	if (get_permitted(&permitted) != 0)
		return -1;
	if (st.euid == 0)
		st.start = st.ruid == 0 ? PRIVS_START_ROOT : PRIVS_START_SETUID;
	else if (permitted != 0)
		st.start = PRIVS_START_FILECAPS;
	st.initialised = true;
	if (!privileged())
		return 0;
	/* No core dump or ptrace of a privileged privrun (prctl(2)). */
	if (keep_undumpable() != 0)
		return -1;
	return set_effective(false);
}

/* Whether the kernel's supplementary groups are exactly the target's. */
static int groups_match_target(bool *match)
{
	return privs_groups_match(st.groups, st.ngroups, match, st.error,
	    sizeof(st.error));
}

/* Without privileges nothing can change: the target must be what we are. */
static int setup_unprivileged(void)
{
	bool same;

	if (st.uid != st.ruid || st.uid != st.euid || st.gid != st.rgid ||
	    st.gid != st.egid)
		return failx("cannot switch to uid %u gid %u: privrun has no "
		    "privileges (start it as root, setuid-root or with file "
		    "capabilities)", (unsigned)st.uid, (unsigned)st.gid);
	if (groups_match_target(&same) != 0)
		return -1;
	if (!same)
		return failx("cannot change supplementary groups: privrun "
		    "has no privileges");
	return 0;
}

int privs_setup_at(const char *file, int line, uid_t uid, gid_t gid,
    const gid_t *groups, size_t ngroups)
{
	if (check_usable("privs_setup") != 0)
		return -1;
	if (uid == (uid_t)-1 || gid == (gid_t)-1)
		return failx("privs_setup: invalid target uid %u gid %u",
		    (unsigned)uid, (unsigned)gid);
	free(st.groups);
	st.groups = calloc(ngroups + 1, sizeof(*groups));
	if (st.groups == NULL)
		return fail("privs_setup");
	if (ngroups > 0)
		memcpy(st.groups, groups, ngroups * sizeof(*groups));
	st.ngroups = ids_normalise(st.groups, ngroups);
	st.uid = uid;
	st.gid = gid;
	st.have_target = true;
	trace_at(file, line, "privs_setup: start %s, target uid %u gid %u, "
	    "%zu supplementary groups", privs_start_name(st.start),
	    (unsigned)uid, (unsigned)gid, st.ngroups);
	return privileged() ? 0 : setup_unprivileged();
}

/* Set the file system ids; setfsuid(2) reports failure only by its result. */
static int set_fsids(uid_t uid, gid_t gid)
{
	setfsgid(gid);
	setfsuid(uid);
	errno = EPERM;
	if ((gid_t)setfsgid((gid_t)-1) != gid)
		return fail("setfsgid(%u)", (unsigned)gid);
	if ((uid_t)setfsuid((uid_t)-1) != uid)
		return fail("setfsuid(%u)", (unsigned)uid);
	return 0;
}

/* Whether mask is all in the permitted set; who names the keeper in the
 * message ("" for the program). */
static int check_held(uint64_t mask, const char *who)
{
	uint64_t held = 0;
	char names[1024];

	if (mask == 0)
		return 0;
	if (!privileged())
		return failx("%scannot keep capabilities: privrun has no "
		    "privileges", who);
	if (get_permitted(&held) != 0)
		return -1;
	if ((mask & ~held) == 0)
		return 0;
	caps_format(mask & ~held, names, sizeof(names));
	return failx("%scannot keep %s: privrun does not hold it (%s start)",
	    who, names, privs_start_name(st.start));
}

int privs_keep_at(const char *file, int line, uint64_t mask,
    bool allow_new_privs)
{
	if (check_usable("privs_keep") != 0)
		return -1;
	trace_at(file, line, "privs_keep: capabilities %#llx, %s",
	    (unsigned long long)mask, allow_new_privs ?
	    "new privileges allowed" : "no_new_privs");
	if (check_held(mask, "") != 0)
		return -1;
	st.keep = mask;
	st.allow_new_privs = allow_new_privs;
	return 0;
}


/*
 * Effective ids uid:gid for privs_user() and privs_caller(); the fsuid
 * follows (setfsuid(2)).  Leaving euid 0 empties the effective set
 * (capabilities(7)); then exactly the capabilities in caps are raised again,
 * from the permitted set, which the saved uid 0 (or the file capabilities)
 * keeps.
 */
static int set_acting_eids(uid_t uid, gid_t gid, uint64_t caps)
{
	if (set_effective(true) != 0)
		return -1;
	errno = EPERM;	/* for a call that returned 0 but changed nothing */
	if (setresgid((gid_t)-1, gid, (gid_t)-1) != 0 || getegid() != gid)
		return fail("setresgid(-1, %u, -1)", (unsigned)gid);
	if (setresuid((uid_t)-1, uid, (uid_t)-1) != 0 || geteuid() != uid)
		return fail("setresuid(-1, %u, -1)", (unsigned)uid);
	if (keep_undumpable() != 0)
		return -1;
	return set_effective_mask(caps);
}

/*
 * Back from privs_user() or privs_create_as() to privrun's own ids.  The
 * uid first: the saved uid (0, or the caller's for a file-capability start)
 * allows it, and an effective uid of 0 brings the permitted set back into
 * the effective one, which the gid then needs.
 */
static int restore_own_ids(void)
{
	errno = EPERM;	/* for a call that returned 0 but changed nothing */
	if (st.acting == ACT_USER && (setresuid((uid_t)-1, st.euid,
	    (uid_t)-1) != 0 || geteuid() != st.euid))
		return fail("setresuid(-1, %u, -1)", (unsigned)st.euid);
	if (set_effective(true) != 0)
		return -1;
	errno = EPERM;
	if (st.acting == ACT_USER && (setresgid((gid_t)-1, st.egid,
	    (gid_t)-1) != 0 || getegid() != st.egid))
		return fail("setresgid(-1, %u, -1)", (unsigned)st.egid);
	if (set_fsids(st.euid, st.egid) != 0 || keep_undumpable() != 0)
		return -1;
	st.acting = ACT_SELF;
	return 0;
}

/* After privs_monitor(), only raising and lowering the kept set is left. */
static int check_raise_lower(const char *call)
{
	if (st.monitor && st.initialised && !st.revoked)
		return 0;
	return check_usable(call);
}

/*
 * A monitor that kept nothing has an empty permitted set, verified by
 * privs_monitor() and unable to grow: raising it would change nothing, and
 * the capget/capset pair each way was a sixth of a monitor request
 * (bench/RESULTS.md).
 */
static bool nothing_to_raise(void)
{
	return st.monitor && st.keep == 0;
}

/*
 * A raise that failed does not count: otherwise the next privs_root()
 * would pass as nested without raising anything, and a privs_relinquish()
 * would balance a raise that never was.
 */
static int not_raised(void)
{
	st.depth--;
	return -1;
}

int privs_root_at(const char *file, int line)
{
	if (check_raise_lower("privs_root") != 0)
		return -1;
	st.depth++;
	trace_at(file, line, "privs_root: depth %u", st.depth);
	if (!privileged() || st.depth > 1 || nothing_to_raise())
		return 0;
	if ((st.acting != ACT_SELF && restore_own_ids() != 0) ||
	    set_effective(true) != 0)
		return not_raised();
	return 0;
}

int privs_relinquish_at(const char *file, int line)
{
	if (check_raise_lower("privs_relinquish") != 0)
		return -1;
	if (st.depth == 0 && st.acting == ACT_SELF)
		return failx("privs_relinquish without privs_root");
	if (st.depth > 0)
		st.depth--;
	trace_at(file, line, "privs_relinquish: depth %u", st.depth);
	if (st.depth > 0)
		return 0;
	if (!privileged() || nothing_to_raise()) {
		st.acting = ACT_SELF;
		return 0;
	}
	if (st.acting != ACT_SELF && restore_own_ids() != 0)
		return -1;
	return set_effective(false);
}

/* privs_user() and privs_caller(): privs_relinquish() ends it. */
static int act_as(uid_t uid, gid_t gid, uint64_t caps)
{
	if (privileged() && ((st.acting != ACT_SELF &&
	    restore_own_ids() != 0) || set_acting_eids(uid, gid, caps) != 0))
		return -1;
	st.acting = ACT_USER;	/* unprivileged too, so relinquish balances */
	return 0;
}

/* check_usable(), and privs_setup() was called. */
static int check_target(const char *call)
{
	if (check_usable(call) != 0)
		return -1;
	if (!st.have_target)
		return failx("%s before privs_setup", call);
	return 0;
}

int privs_user_at(const char *file, int line)
{
	if (check_target("privs_user") != 0)
		return -1;
	trace_at(file, line, "privs_user: euid %u egid %u, no capabilities",
	    (unsigned)st.uid, (unsigned)st.gid);
	return act_as(st.uid, st.gid, 0);
}

int privs_caller_at(const char *file, int line, uint64_t caps)
{
	if (check_usable("privs_caller") != 0)
		return -1;
	trace_at(file, line, "privs_caller: euid %u egid %u, capabilities "
	    "%#llx", (unsigned)st.ruid, (unsigned)st.rgid,
	    (unsigned long long)caps);
	return act_as(st.ruid, st.rgid, caps);
}

int privs_create_as_at(const char *file, int line, uid_t uid, gid_t gid)
{
	if (check_usable("privs_create_as") != 0)
		return -1;
	st.depth++;
	trace_at(file, line, "privs_create_as: depth %u, fsuid %u fsgid %u",
	    st.depth, (unsigned)uid, (unsigned)gid);
	if (!privileged())
		return 0;
	if (st.acting != ACT_SELF && restore_own_ids() != 0)
		return not_raised();
	/* A non-zero fsuid clears the file capabilities from the effective
	 * set (capabilities(7)): raise them again after the switch. */
	if (set_effective(true) != 0 || set_fsids(uid, gid) != 0 ||
	    set_effective(true) != 0)
		return not_raised();
	st.acting = ACT_CREATE;
	return 0;
}

/*
 * The drop of privs_revoke(), privs_monitor() and privs_stay()
 * (privs_drop.c); in_use is what stays in the effective, inheritable and
 * ambient sets: K after a revoke, nothing in the monitor.
 */
static int drop(uint64_t in_use, enum privs_stay as)
{
	struct privs_expect x = { as == PRIVS_STAY_CALLER ? st.ruid : st.uid,
		st.gid, st.groups, st.ngroups, st.keep, in_use, privileged(),
		PRIVRUN_SECUREBITS, !st.allow_new_privs,
		as != PRIVS_STAY_TARGET, st.ruid, st.rgid };

	/* Step 1 needs CAP_SETPCAP effective. */
	if (privileged() && set_effective(true) != 0)
		return -1;
	return privs_drop(&x, st.error, sizeof(st.error));
}

int privs_revoke_at(const char *file, int line)
{
	if (check_target("privs_revoke") != 0)
		return -1;
	trace_at(file, line, "privs_revoke: to uid %u gid %u, %zu groups, "
	    "no capabilities", (unsigned)st.uid, (unsigned)st.gid,
	    st.ngroups);
	st.revoked = true;	/* from here on, every other call fails */
	if (drop(st.keep, PRIVS_STAY_TARGET) != 0)
		return -1;
	trace_at(file, line, "privs_revoke: verified uid %u gid %u, "
	    "capabilities %s, setuid(0) refused", (unsigned)st.uid,
	    (unsigned)st.gid, st.keep ? "as kept" : "empty");
	return 0;
}

/*
 * privs_monitor() keeping mask, or privs_stay() as (mask is 0).  kill(2)
 * lets a sender whose real or effective uid is the receiver's real or
 * saved uid signal it; setpriority(2) and sched_setaffinity(2) compare the
 * sender's effective uid with the receiver's real or effective one; ptrace
 * needs all three uids the same and a dumpable process.  So the leader
 * (the caller's real and saved uid, the target's effective one) may signal
 * the program and the program may not signal it; and the relay, whose
 * uids are all the caller's, is out of the program's reach.
 */
static int live_on(const char *file, int line, const char *call,
    uint64_t mask, enum privs_stay as)
{
	if (check_target(call) != 0)
		return -1;
	trace_at(file, line, "%s: to uid %u gid %u, %zu groups, capabilities "
	    "%#llx permitted only", call, (unsigned)st.uid, (unsigned)st.gid,
	    st.ngroups, (unsigned long long)mask);
	if (check_held(mask, "the monitor ") != 0)
		return -1;
	st.monitor = true;
	st.keep = mask;
	st.allow_new_privs = false;
	if (drop(0, as) != 0)
		return -1;
	st.depth = 0;
	trace_at(file, line, "%s: verified uid %u gid %u, setuid(0) refused",
	    call, (unsigned)st.uid, (unsigned)st.gid);
	return 0;
}

int privs_monitor_at(const char *file, int line, uint64_t mask)
{
	return live_on(file, line, "privs_monitor", mask, PRIVS_STAY_TARGET);
}

int privs_stay_at(const char *file, int line, enum privs_stay as)
{
	return live_on(file, line, "privs_stay", 0, as);
}
