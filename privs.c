/* SPDX-License-Identifier: ISC */
/*
 * privs.c: the only place where privrun changes ids, groups, capabilities,
 * securebits or no_new_privs.  Modelled on ProFTPD's privs.c, but every
 * call checks every system call and returns an error instead of going on.
 *
 * The phases, in the order privrun goes through them:
 *
 *   privs_init()        find out how we were started (root, setuid-root,
 *                       file capabilities, nothing) and clear the effective
 *                       capability set, so that privileges are used only
 *                       inside an explicit privs_root() ... privs_relinquish()
 *   privs_setup()       record the target identity
 *   privs_root()        raise: effective = permitted (nested, counted)
 *   privs_user()        act as the target: its effective uid and gid, so
 *                       that what is opened carries its credentials
 *                       (SO_PEERCRED, file credentials), no capability
 *   privs_create_as()   create files owned by uid:gid (fsuid and fsgid),
 *                       with the privileges held (root-started only)
 *   privs_relinquish()  lower again; only the outermost call lowers
 *   privs_revoke()      the permanent drop, then verification from the
 *                       kernel's point of view; after it, every call fails
 *   privs_monitor()     instead of privs_revoke(), for the monitor of
 *                       --monitor: the same drop keeping a set in the
 *                       permitted and bounding sets only; after it only
 *                       privs_root() and privs_relinquish() still work
 *
 * With --keep-caps the kept set K stays in the permitted, inheritable,
 * effective, ambient and bounding sets; NO_CAP_AMBIENT_RAISE is then set and
 * locked only after K has been raised into the ambient set, with
 * CAP_SETPCAP held until that moment and dropped after it (unless kept).
 *
 * The drop, in this order (capabilities(7), prctl(2)):
 *   1. securebits NOROOT, NO_SETUID_FIXUP, NO_CAP_AMBIENT_RAISE and their
 *      locks, while CAP_SETPCAP is still effective;
 *   2. setgroups, setresgid, setresuid; with NO_SETUID_FIXUP the kernel
 *      leaves the capability sets alone, so CAP_SETPCAP is still there for
 *   3. the bounding set, then ambient, then effective/permitted/inheritable;
 *   4. no_new_privs;
 *   5. verify: ids, groups, five empty capability sets, securebits,
 *      no_new_privs, and a setuid(0) that must fail.
 *
 * The capability sets are written whole, from the kept set, never from what
 * we had: capset(2) for effective/permitted/inheritable, prctl(2) for the
 * bounding and ambient sets.  Not libcap-ng's capng_apply() and
 * capng_get_caps_process(): each parses /proc/self/status, several times a
 * run, which was a third of privrun's start-up (bench/RESULTS.md); and its
 * capng_change_id() drops CAP_SETPCAP before the bounding set can be
 * emptied.  caps.c still uses libcap-ng for capability names.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <stdarg.h>
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
#include "proc_status.h"

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
	int last_cap;		/* the kernel's, once probed (last_cap()) */
	char error[256];
} st;

static int fail(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/* Record why a call failed; errno's text is appended when it is set. */
static int fail(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(st.error, sizeof(st.error), fmt, ap);
	va_end(ap);
	if (saved != 0 && n >= 0 && (size_t)n < sizeof(st.error))
		snprintf(st.error + n, sizeof(st.error) - (size_t)n, ": %s",
		    strerror(saved));
	errno = saved;
	return -1;
}

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
 * The highest capability the kernel knows: PR_CAPBSET_READ says EINVAL past
 * it.  It cannot change while we run, so it is probed once, by bisection
 * (6 prctl calls instead of about 40 on every use).
 */
static int last_cap(void)
{
	int lo = 0, hi = 63;

	if (st.last_cap > 0)
		return st.last_cap;
	while (lo < hi) {	/* lo is known, hi + 1 is not */
		int mid = lo + (hi - lo + 1) / 2;
		if (prctl(PR_CAPBSET_READ, mid, 0, 0, 0) >= 0)
			lo = mid;
		else
			hi = mid - 1;
	}
	st.last_cap = lo;
	return lo;
}

/*
 * Effective set = the permitted capabilities that are in mask; permitted
 * and inheritable are untouched.  One capget and one capset (capget(2)):
 * this runs twice for every resource opened, and libcap-ng's
 * capng_get_caps_process() would re-read /proc/self/status and the
 * bounding and ambient sets each time, none of which this step uses or
 * changes.
 */
static int set_effective_mask(uint64_t mask)
{
	struct __user_cap_header_struct head = {
		.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
	int i;

	if (syscall(SYS_capget, &head, data) != 0)
		return fail("capget");
	for (i = 0; i < _LINUX_CAPABILITY_U32S_3; i++)
		data[i].effective = data[i].permitted &
		    (uint32_t)(mask >> (32 * i));
	if (syscall(SYS_capset, &head, data) != 0)
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
 * The permitted set, as capget(2) reports it: whether a start without
 * euid 0 has capabilities (file capabilities, or inherited ambient ones),
 * and what a kept set can come from.  Not libcap-ng's
 * capng_have_capabilities(): for CAPNG_SELECT_CAPS it looks at the
 * effective set only, so a permitted-only set (a "+p" file capability)
 * would read as empty; and its capng_get_caps_process() parses
 * /proc/self/status for sets this check does not need.
 */
static int get_permitted(uint64_t *mask)
{
	struct __user_cap_header_struct head = {
		.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];

	if (syscall(SYS_capget, &head, data) != 0)
		return fail("capget");
	*mask = (uint64_t)data[1].permitted << 32 | data[0].permitted;
	return 0;
}

/*
 * Every change of ids resets the dumpable flag to fs.suid_dumpable
 * (prctl(2)), which an administrator may have set to 1: set it again, and
 * read it back, since only the flag keeps the monitor from being traced
 * by its own uid.
 */
static int keep_undumpable(void)
{
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
		return fail("prctl(PR_SET_DUMPABLE)");
	if (prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != 0) {
		errno = 0;
		return fail("verify: still dumpable after prctl(PR_SET_DUMPABLE)");
	}
	return 0;
}

static bool privileged(void)
{
	return st.start != PRIVS_START_NONE;
}

static int check_usable(const char *call)
{
	if (!st.initialised) {
		errno = 0;
		return fail("%s: privs_init() was not called", call);
	}
	if (st.revoked || st.monitor) {
		errno = 0;
		return fail("%s: privileges already revoked", call);
	}
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

static bool same_groups(const gid_t *a, size_t na, const gid_t *b, size_t nb)
{
	return na == nb && (na == 0 || memcmp(a, b, na * sizeof(*a)) == 0);
}

/* The kernel's supplementary groups, sorted and unique, for comparisons. */
static int current_groups(gid_t **out, size_t *n)
{
	int count = getgroups(0, NULL);
	gid_t *list;

	if (count < 0)
		return fail("getgroups");
	list = calloc((size_t)count + 1, sizeof(*list));
	if (list == NULL)
		return fail("getgroups");
	count = getgroups(count, list);
	if (count < 0) {
		free(list);
		return fail("getgroups");
	}
	*out = list;
	*n = ids_normalise(list, (size_t)count);
	return 0;
}

/* Whether the kernel's supplementary groups are exactly the target's. */
static int groups_match_target(bool *match)
{
	gid_t *cur = NULL;
	size_t n = 0;

	if (current_groups(&cur, &n) != 0)
		return -1;
	*match = same_groups(cur, n, st.groups, st.ngroups);
	free(cur);
	return 0;
}

static int check_target(const char *call)
{
	if (check_usable(call) != 0)
		return -1;
	if (!st.have_target) {
		errno = 0;
		return fail("%s before privs_setup", call);
	}
	return 0;
}

/* Without privileges nothing can change: the target must be what we are. */
static int setup_unprivileged(void)
{
	bool same;

	if (st.uid != st.ruid || st.uid != st.euid || st.gid != st.rgid ||
	    st.gid != st.egid) {
		errno = 0;
		return fail("cannot switch to uid %u gid %u: privrun has no "
		    "privileges (start it as root, setuid-root or with file "
		    "capabilities)", (unsigned)st.uid, (unsigned)st.gid);
	}
	if (groups_match_target(&same) != 0)
		return -1;
	if (!same) {
		errno = 0;
		return fail("cannot change supplementary groups: privrun "
		    "has no privileges");
	}
	return 0;
}

int privs_setup_at(const char *file, int line, uid_t uid, gid_t gid,
    const gid_t *groups, size_t ngroups)
{
	if (check_usable("privs_setup") != 0)
		return -1;
	if (uid == (uid_t)-1 || gid == (gid_t)-1) {
		errno = 0;
		return fail("privs_setup: invalid target uid %u gid %u",
		    (unsigned)uid, (unsigned)gid);
	}
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

int privs_keep_at(const char *file, int line, uint64_t mask,
    bool allow_new_privs)
{
	uint64_t held = 0;

	if (check_usable("privs_keep") != 0)
		return -1;
	trace_at(file, line, "privs_keep: capabilities %#llx, %s",
	    (unsigned long long)mask, allow_new_privs ?
	    "new privileges allowed" : "no_new_privs");
	if (mask != 0 && !privileged()) {
		errno = 0;
		return fail("cannot keep capabilities: privrun has no "
		    "privileges");
	}
	if (mask != 0 && get_permitted(&held) != 0)
		return -1;
	if ((mask & ~held) != 0) {
		char names[1024];
		caps_format(mask & ~held, names, sizeof(names));
		errno = 0;
		return fail("cannot keep %s: privrun does not hold it (%s "
		    "start)", names, privs_start_name(st.start));
	}
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
	if (st.depth == 0 && st.acting == ACT_SELF) {
		errno = 0;
		return fail("privs_relinquish without privs_root");
	}
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

/* privs_user() and privs_caller(); privs_relinquish() ends it (and
 * balances it when unprivileged too). */
static int act_as(uid_t uid, gid_t gid, uint64_t caps)
{
	if (privileged() && ((st.acting != ACT_SELF &&
	    restore_own_ids() != 0) || set_acting_eids(uid, gid, caps) != 0))
		return -1;
	st.acting = ACT_USER;
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

/* Steps 2: groups, gid, uid (setresuid(2): all three, so none is kept). */
static int drop_ids(void)
{
	bool same;

	if (groups_match_target(&same) != 0)
		return -1;
	/* setgroups needs CAP_SETGID even to set the same list. */
	if (!same && setgroups(st.ngroups, st.groups) != 0)
		return fail("setgroups(%zu groups)", st.ngroups);
	if (setresgid(st.gid, st.gid, st.gid) != 0)
		return fail("setresgid(%u)", (unsigned)st.gid);
	if (setresuid(st.uid, st.uid, st.uid) != 0)
		return fail("setresuid(%u)", (unsigned)st.uid);
	return 0;
}

static bool kept(int c)
{
	return c < 64 && (st.keep & (UINT64_C(1) << c));
}

/*
 * The effective, permitted and inheritable sets, all three at once: one
 * capset(2).  Not libcap-ng: each of its capng_apply() calls here parsed
 * /proc/self/status for the bounding set again (bench/RESULTS.md).
 */
static int set_sets(uint64_t eff, uint64_t prm, uint64_t inh)
{
	struct __user_cap_header_struct head = {
		.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
	int i;

	for (i = 0; i < _LINUX_CAPABILITY_U32S_3; i++) {
		data[i].effective = (uint32_t)(eff >> (32 * i));
		data[i].permitted = (uint32_t)(prm >> (32 * i));
		data[i].inheritable = (uint32_t)(inh >> (32 * i));
	}
	if (syscall(SYS_capset, &head, data) != 0)
		return fail("capset(effective %#llx, permitted %#llx, "
		    "inheritable %#llx)", (unsigned long long)eff,
		    (unsigned long long)prm, (unsigned long long)inh);
	return 0;
}

/*
 * Steps 1 and 2: securebits (with CAP_SETPCAP raised), then groups and ids.
 * Without privileges, nothing to drop but an inheritable set we may hold.
 */
static int drop_start(int securebits)
{
	if (!privileged())
		return set_sets(0, 0, 0);
	if (set_effective(true) != 0)
		return -1;
	if (prctl(PR_SET_SECUREBITS, securebits, 0, 0, 0) != 0)
		return fail("prctl(PR_SET_SECUREBITS)");
	return drop_ids();
}

/* Every capability the kernel knows but K leaves the bounding set. */
static int reduce_bounding(void)
{
	int c, last = last_cap();

	for (c = 0; c <= last; c++)
		if (!kept(c) && prctl(PR_CAPBSET_DROP, c, 0, 0, 0) != 0)
			return fail("prctl(PR_CAPBSET_DROP, %d)", c);
	return 0;
}

/*
 * The bounding set, then ambient, then the others: K in permitted, and in
 * effective and inheritable too unless only_permitted (the monitor);
 * CAP_SETPCAP stays effective and permitted with plus_setpcap, for
 * finish_kept().
 */
static int reduce_sets(bool only_permitted, bool plus_setpcap)
{
	uint64_t setpcap = plus_setpcap ? UINT64_C(1) << CAP_SETPCAP : 0;
	uint64_t in_use = only_permitted ? 0 : st.keep;

	if (reduce_bounding() != 0)
		return -1;
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0)
		return fail("prctl(PR_CAP_AMBIENT_CLEAR_ALL)");
	return set_sets(in_use | setpcap, st.keep | setpcap, in_use);
}

/*
 * Step 3: bounding set first (needs CAP_SETPCAP), then ambient, then
 * effective/permitted/inheritable.  With a kept set, CAP_SETPCAP stays
 * until finish_kept() has locked the securebits.
 */
static int drop_capabilities(void)
{
	int c, last = last_cap();

	if (reduce_sets(false, st.keep != 0) != 0)
		return -1;
	for (c = 0; c <= last; c++)
		if (kept(c) && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE,
		    c, 0, 0) != 0)
			return fail("prctl(PR_CAP_AMBIENT_RAISE, %d)", c);
	return 0;
}

/* With a kept set: lock NO_CAP_AMBIENT_RAISE, then let CAP_SETPCAP go. */
static int finish_kept(void)
{
	if (st.keep == 0)
		return 0;
	if (prctl(PR_SET_SECUREBITS, PRIVRUN_SECUREBITS, 0, 0, 0) != 0)
		return fail("prctl(PR_SET_SECUREBITS)");
	if (kept(CAP_SETPCAP))
		return 0;
	return set_sets(st.keep, st.keep, st.keep);
}

/* All four uids and gids (real, effective, saved, file system). */
static int verify_ids(const struct proc_status *ps)
{
	bool same;
	int i;

	errno = 0;
	for (i = 0; i < 4; i++) {
		if (ps->uid[i] != st.uid)
			return fail("verify: uids are %u/%u/%u/%u, not %u",
			    (unsigned)ps->uid[0], (unsigned)ps->uid[1],
			    (unsigned)ps->uid[2], (unsigned)ps->uid[3],
			    (unsigned)st.uid);
		if (ps->gid[i] != st.gid)
			return fail("verify: gids are %u/%u/%u/%u, not %u",
			    (unsigned)ps->gid[0], (unsigned)ps->gid[1],
			    (unsigned)ps->gid[2], (unsigned)ps->gid[3],
			    (unsigned)st.gid);
	}
	if (groups_match_target(&same) != 0)
		return -1;
	if (!same) {
		errno = 0;
		return fail("verify: supplementary groups differ from the "
		    "target's");
	}
	return 0;
}

/*
 * The kept set K in permitted and bounding; in effective, inheritable and
 * ambient the set "in_use": K after a revoke with --keep-caps, nothing in
 * the monitor, which raises its capabilities only around a step.
 */
static int verify_capabilities(const struct proc_status *ps, uint64_t in_use)
{
	const char *what = in_use ? "as kept" : "empty";

	errno = 0;
	if (ps->cap_eff != in_use)
		return fail("verify: the effective set is not %s", what);
	if (ps->cap_prm != st.keep)
		return fail("verify: the permitted set is not as kept");
	if (ps->cap_inh != in_use)
		return fail("verify: the inheritable set is not %s", what);
	if (privileged() && ps->cap_bnd != st.keep)
		return fail("verify: the bounding set is not as kept");
	if (ps->cap_amb != in_use)
		return fail("verify: the ambient set is not %s", what);
	return 0;
}

static int verify_flags(const struct proc_status *ps)
{
	int bits = prctl(PR_GET_SECUREBITS, 0, 0, 0, 0);

	if (bits < 0)
		return fail("verify: prctl(PR_GET_SECUREBITS)");
	errno = 0;
	if (privileged() && (bits & PRIVRUN_SECUREBITS) != PRIVRUN_SECUREBITS)
		return fail("verify: securebits are %#x", (unsigned)bits);
	if (ps->no_new_privs != !st.allow_new_privs)
		return fail("verify: no_new_privs is %s",
		    st.allow_new_privs ? "set" : "not set");
	return 0;
}

/* OpenSSH's permanently_set_uid(): try to get root back; it must fail. */
static int verify_no_regain(void)
{
	/* A kept CAP_SETUID or CAP_SETGID is asked for: then it may. */
	if (st.uid != 0 && !kept(CAP_SETUID) &&
	    (setuid(0) == 0 || seteuid(0) == 0)) {
		errno = 0;
		return fail("verify: setuid(0) succeeded after the drop");
	}
	if (st.gid != 0 && !kept(CAP_SETGID) &&
	    (setgid(0) == 0 || setegid(0) == 0)) {
		errno = 0;
		return fail("verify: setgid(0) succeeded after the drop");
	}
	return 0;
}

/*
 * Step 5, from the kernel's point of view: one read of /proc/self/status
 * for the ids and capability sets, then securebits and a setuid(0) that
 * must fail.  Independent of how the drop was made: not capget(2), which
 * the drop's own capset(2) mirrors.
 */
static int verify(uint64_t in_use)
{
	struct proc_status ps = { 0 };	/* cppcheck: not read before it is set */
	char err[160];

	if (proc_status_read(&ps, err, sizeof(err)) != 0)
		return fail("verify: %s", err);
	if (verify_ids(&ps) != 0 || verify_capabilities(&ps, in_use) != 0 ||
	    verify_flags(&ps) != 0 || verify_no_regain() != 0)
		return -1;
	return 0;
}

int privs_revoke_at(const char *file, int line)
{
	if (check_target("privs_revoke") != 0)
		return -1;
	trace_at(file, line, "privs_revoke: to uid %u gid %u, %zu groups, "
	    "no capabilities", (unsigned)st.uid, (unsigned)st.gid,
	    st.ngroups);
	st.revoked = true;	/* from here on, every other call fails */
	/* NO_CAP_AMBIENT_RAISE would forbid raising a kept set:
	 * finish_kept() adds it once the ambient set is in place. */
	if (drop_start(st.keep ? PRIVRUN_SECUREBITS &
	    ~(SECBIT_NO_CAP_AMBIENT_RAISE | SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED) :
	    PRIVRUN_SECUREBITS) != 0 || (privileged() &&
	    (drop_capabilities() != 0 || finish_kept() != 0)))
		return -1;
	if (!st.allow_new_privs &&
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return fail("prctl(PR_SET_NO_NEW_PRIVS)");
	if (verify(st.keep) != 0)
		return -1;
	trace_at(file, line, "privs_revoke: verified uid %u gid %u, "
	    "capabilities %s, setuid(0) refused", (unsigned)st.uid,
	    (unsigned)st.gid, st.keep ? "as kept" : "empty");
	return 0;
}

int privs_monitor_at(const char *file, int line, uint64_t mask)
{
	if (check_target("privs_monitor") != 0)
		return -1;
	trace_at(file, line, "privs_monitor: to uid %u gid %u, %zu groups, "
	    "capabilities %#llx permitted only", (unsigned)st.uid,
	    (unsigned)st.gid, st.ngroups, (unsigned long long)mask);
	if (mask != 0 && !privileged()) {
		errno = 0;
		return fail("the monitor cannot keep capabilities: privrun has "
		    "no privileges");
	}
	st.monitor = true;
	st.keep = mask;
	st.allow_new_privs = false;
	/* The bounding set reduced to the kept set (CAP_SETPCAP is still
	 * effective), no ambient, the kept set in permitted only. */
	if (drop_start(PRIVRUN_SECUREBITS) != 0 ||
	    (privileged() && reduce_sets(true, false) != 0))
		return -1;
	/* The monitor lives on after its change of ids: not dumpable. */
	if (keep_undumpable() != 0)
		return -1;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return fail("prctl(PR_SET_NO_NEW_PRIVS)");
	if (verify(0) != 0)
		return -1;
	st.depth = 0;
	trace_at(file, line, "privs_monitor: verified uid %u gid %u, "
	    "setuid(0) refused", (unsigned)st.uid, (unsigned)st.gid);
	return 0;
}
