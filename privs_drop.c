/* SPDX-License-Identifier: ISC */
/*
 * privs_drop.c: the permanent drop, for privs.c's privs_revoke() and
 * privs_monitor(), and its proof.  Stateless: what the process must become
 * is a struct privs_expect.  The steps, in this order (capabilities(7),
 * prctl(2)):
 *   1. securebits NOROOT, NO_SETUID_FIXUP, NO_CAP_AMBIENT_RAISE and their
 *      locks, while CAP_SETPCAP is still effective;
 *   2. setgroups, setresgid, setresuid; with NO_SETUID_FIXUP the kernel
 *      leaves the capability sets alone, so CAP_SETPCAP is still there for
 *   3. the bounding set, then ambient, then effective/permitted/inheritable;
 *   4. not dumpable, no_new_privs;
 *   5. verify: ids, groups, the five capability sets, securebits,
 *      no_new_privs, and a setuid(0) that must fail.
 * With --keep-caps the kept set K stays in the permitted, inheritable,
 * effective, ambient and bounding sets; NO_CAP_AMBIENT_RAISE is then set and
 * locked only after K has been raised into the ambient set, with
 * CAP_SETPCAP held until that moment and dropped after it (unless kept).
 *
 * The capability sets are written whole, from the kept set, never from what
 * we had: capset(2) for effective/permitted/inheritable, prctl(2) for the
 * bounding and ambient sets.  Not libcap-ng's capng_apply() and
 * capng_get_caps_process(): each parses /proc/self/status, several times a
 * run, which was a third of privrun's start-up (bench/RESULTS.md); and its
 * capng_change_id() drops CAP_SETPCAP before the bounding set can be
 * emptied.  caps.c still uses libcap-ng for capability names.
 *
 * Step 5 is the proof.  It checks from
 * the kernel's point of view that the process is what the drop meant it to
 * be, independently of how the drop was made: one read of /proc/self/status
 * for the ids and the five capability sets (not capget(2), which the drop's
 * own capset(2) mirrors), getgroups(2), the securebits, and a setuid(0) that
 * must fail, as OpenSSH's permanently_set_uid().  It changes nothing unless
 * the drop failed, and then privrun dies.  Each check is needed: the fault
 * table of tests/faults.bats shows which drop step each one catches.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "die.h"
#include "ids.h"
#include "compat.h"
#include "privs_drop.h"
#include "proc_status.h"

/* Every step fails into the caller's err, with errno's text or without. */
#define FAIL(...)	error_into(err, errlen, errno, __VA_ARGS__)
#define FAILX(...)	error_into(err, errlen, 0, __VA_ARGS__)

/*
 * The highest capability the kernel knows: PR_CAPBSET_READ says EINVAL past
 * it.  It cannot change while we run, so it is probed once, by bisection
 * (6 prctl calls instead of about 40 on every use).
 */
int privs_last_cap(void)
{
	static int last;	/* probed once; not privilege state */
	int lo = 0, hi = 63;

	if (last > 0)
		return last;
	while (lo < hi) {	/* lo is known, hi + 1 is not */
		int mid = lo + (hi - lo + 1) / 2;
		if (prctl(PR_CAPBSET_READ, mid, 0, 0, 0) >= 0)
			lo = mid;
		else
			hi = mid - 1;
	}
	last = lo;
	return lo;
}

/*
 * The effective, permitted and inheritable sets, 64 bits each, through one
 * capget(2) or capset(2).  Not libcap-ng: its capng_get_caps_process() and
 * capng_apply() parse /proc/self/status for the bounding and ambient sets
 * on every call, which was a third of privrun's start-up
 * (bench/RESULTS.md); these sets are written whole, never from what we had.
 */
int privs_capsets_get(struct capsets *c)
{
	struct __user_cap_header_struct head = {
		.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3] = { 0 };

	if (syscall(SYS_capget, &head, d) != 0)
		return -1;
	c->eff = (uint64_t)d[1].effective << 32 | d[0].effective;
	c->prm = (uint64_t)d[1].permitted << 32 | d[0].permitted;
	c->inh = (uint64_t)d[1].inheritable << 32 | d[0].inheritable;
	return 0;
}

int privs_capsets_set(const struct capsets *c)
{
	struct __user_cap_header_struct head = {
		.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];
	int i;

	for (i = 0; i < _LINUX_CAPABILITY_U32S_3; i++) {
		d[i].effective = (uint32_t)(c->eff >> (32 * i));
		d[i].permitted = (uint32_t)(c->prm >> (32 * i));
		d[i].inheritable = (uint32_t)(c->inh >> (32 * i));
	}
	return syscall(SYS_capset, &head, d) == 0 ? 0 : -1;
}

static bool kept(const struct privs_expect *x, int cap)
{
	return cap < 64 && (x->keep & (UINT64_C(1) << cap)) != 0;
}

int privs_groups_match(const gid_t *groups, size_t n, bool *match, char *err,
    size_t errlen)
{
	int count = getgroups(0, NULL);
	gid_t *cur;
	size_t ncur;

	cur = count < 0 ? NULL : calloc((size_t)count + 1, sizeof(*cur));
	if (cur == NULL || (count = getgroups(count, cur)) < 0) {
		free(cur);
		return FAIL("getgroups");
	}
	ncur = ids_normalise(cur, (size_t)count);
	*match = ncur == n && (n == 0 || memcmp(cur, groups, n * sizeof(*cur))
	    == 0);
	free(cur);
	return 0;
}

/* All four uids and gids (real, effective, saved, file system), groups. */
static int verify_ids(const struct proc_status *ps,
    const struct privs_expect *x, char *err, size_t errlen)
{
	bool same;
	int i;

	for (i = 0; i < 4; i++) {
		/* privs_stay(): real and saved uid (0, 2) the caller's */
		uid_t uid = x->stay && i % 2 == 0 ? x->caller_uid : x->uid;
		gid_t gid = x->stay ? x->caller_gid : x->gid;
		if (ps->uid[i] != uid)
			return FAILX("verify: uids are %u/%u/%u/%u, not %u",
			    (unsigned)ps->uid[0], (unsigned)ps->uid[1],
			    (unsigned)ps->uid[2], (unsigned)ps->uid[3],
			    (unsigned)uid);
		if (ps->gid[i] != gid)
			return FAILX("verify: gids are %u/%u/%u/%u, not %u",
			    (unsigned)ps->gid[0], (unsigned)ps->gid[1],
			    (unsigned)ps->gid[2], (unsigned)ps->gid[3],
			    (unsigned)gid);
	}
	if (x->stay)		/* the caller's groups, as they were */
		return 0;
	if (privs_groups_match(x->groups, x->ngroups, &same, err, errlen) != 0)
		return -1;
	if (!same)
		return FAILX("verify: supplementary "
		    "groups differ from the target's");
	return 0;
}

/*
 * The kept set in permitted and bounding; in effective, inheritable and
 * ambient the set in use: the kept set after a revoke with --keep-caps,
 * nothing in the monitor, which raises its capabilities only around a step.
 */
static int verify_capabilities(const struct proc_status *ps,
    const struct privs_expect *x, char *err, size_t errlen)
{
	const char *what = x->in_use ? "as kept" : "empty";

	if (ps->cap_eff != x->in_use)
		return FAILX("verify: the effective set "
		    "is not %s", what);
	if (ps->cap_prm != x->keep)
		return FAILX("verify: the permitted set "
		    "is not as kept");
	if (ps->cap_inh != x->in_use)
		return FAILX("verify: the inheritable "
		    "set is not %s", what);
	if (x->privileged && ps->cap_bnd != x->keep)
		return FAILX("verify: the bounding set "
		    "is not as kept");
	if (ps->cap_amb != x->in_use)
		return FAILX("verify: the ambient set is "
		    "not %s", what);
	return 0;
}

static int verify_flags(const struct proc_status *ps,
    const struct privs_expect *x, char *err, size_t errlen)
{
	int bits = prctl(PR_GET_SECUREBITS, 0, 0, 0, 0);

	if (bits < 0)
		return FAIL("verify: "
		    "prctl(PR_GET_SECUREBITS)");
	if (x->privileged && ((unsigned)bits & x->securebits) != x->securebits)
		return FAILX("verify: securebits are %#x",
		    (unsigned)bits);
	if (ps->no_new_privs != x->no_new_privs)
		return FAILX("verify: no_new_privs is %s",
		    x->no_new_privs ? "not set" : "set");
	return 0;
}

/* Try to get root back; it must fail, unless a kept capability allows it. */
static int verify_no_regain(const struct privs_expect *x, char *err,
    size_t errlen)
{
	/* After privs_stay() a caller that is root may take euid 0 back,
	 * with no capability (securebits): a setuid(0) changes nothing. */
	if (x->uid != 0 && !kept(x, CAP_SETUID) &&
	    !(x->stay && x->caller_uid == 0) &&
	    (setuid(0) == 0 || seteuid(0) == 0))
		return FAILX("verify: setuid(0) "
		    "succeeded after the drop");
	if (x->gid != 0 && !kept(x, CAP_SETGID) &&
	    !(x->stay && x->caller_gid == 0) &&
	    (setgid(0) == 0 || setegid(0) == 0))
		return FAILX("verify: setgid(0) "
		    "succeeded after the drop");
	return 0;
}

int privs_verify(const struct privs_expect *x, char *err, size_t errlen)
{
	struct proc_status ps = { 0 };	/* cppcheck: not read before set */
	char why[160];

	if (proc_status_read(&ps, why, sizeof(why)) != 0)
		return FAILX("verify: %s", why);
	if (verify_ids(&ps, x, err, errlen) != 0 ||
	    verify_capabilities(&ps, x, err, errlen) != 0 ||
	    verify_flags(&ps, x, err, errlen) != 0 ||
	    verify_no_regain(x, err, errlen) != 0)
		return -1;
	return 0;
}

/* All three sets at once, for the drop. */
static int set_sets(uint64_t eff, uint64_t prm, uint64_t inh, char *err,
    size_t errlen)
{
	struct capsets c = { eff, prm, inh };

	if (privs_capsets_set(&c) != 0)
		return FAIL("capset(effective %#llx, permitted %#llx, "
		    "inheritable %#llx)", (unsigned long long)eff,
		    (unsigned long long)prm, (unsigned long long)inh);
	return 0;
}

/*
 * Step 1: securebits NOROOT, NO_SETUID_FIXUP and their locks, while
 * CAP_SETPCAP is still effective.  NO_CAP_AMBIENT_RAISE would forbid
 * raising a kept set into the ambient set: finish_kept() adds it after.
 */
static int drop_securebits(bool raise_ambient, char *err, size_t errlen)
{
	int bits = raise_ambient ? PRIVRUN_SECUREBITS &
	    ~(SECBIT_NO_CAP_AMBIENT_RAISE |
	    SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED) : PRIVRUN_SECUREBITS;

	if (prctl(PR_SET_SECUREBITS, bits, 0, 0, 0) != 0)
		return FAIL("prctl(PR_SET_SECUREBITS)");
	return 0;
}

/*
 * Step 2: groups, gid, uid (setresuid(2): all three, so none is kept), or
 * for privs_stay() the caller's gid and real and saved uid, with uid
 * effective.
 */
static int drop_ids(const struct privs_expect *x, char *err, size_t errlen)
{
	uid_t ruid = x->stay ? x->caller_uid : x->uid;
	gid_t gid = x->stay ? x->caller_gid : x->gid;
	bool same = x->stay;

	if (!x->stay && privs_groups_match(x->groups, x->ngroups, &same, err,
	    errlen) != 0)
		return -1;
	/* setgroups needs CAP_SETGID even to set the same list. */
	if (!same && setgroups(x->ngroups, x->groups) != 0)
		return FAIL("setgroups(%zu groups)", x->ngroups);
	if (setresgid(gid, gid, gid) != 0)
		return FAIL("setresgid(%u)", (unsigned)gid);
	if (setresuid(ruid, x->uid, ruid) != 0)
		return FAIL("setresuid(%u)", (unsigned)x->uid);
	return 0;
}

/*
 * Step 3: the bounding set first (it needs CAP_SETPCAP), then ambient,
 * then effective/permitted/inheritable: the kept set K in permitted, and in
 * the sets in use (in_use: K after a revoke, nothing in the monitor).  With
 * K raised into the ambient set, CAP_SETPCAP stays until finish_kept().
 */
static int drop_capabilities(const struct privs_expect *x, char *err,
    size_t errlen)
{
	uint64_t in_use = x->in_use;
	uint64_t setpcap = in_use ? UINT64_C(1) << CAP_SETPCAP : 0;
	int c, last = privs_last_cap();

	for (c = 0; c <= last; c++)
		if (!kept(x, c) && prctl(PR_CAPBSET_DROP, c, 0, 0, 0) != 0)
			return FAIL("prctl(PR_CAPBSET_DROP, %d)", c);
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0)
		return FAIL("prctl(PR_CAP_AMBIENT_CLEAR_ALL)");
	if (set_sets(in_use | setpcap, x->keep | setpcap, in_use, err, errlen) != 0)
		return -1;
	for (c = 0; c <= last && in_use; c++)
		if (kept(x, c) && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE,
		    c, 0, 0) != 0)
			return FAIL("prctl(PR_CAP_AMBIENT_RAISE, %d)", c);
	return 0;
}

/* With K in the ambient set: lock NO_CAP_AMBIENT_RAISE, drop CAP_SETPCAP. */
static int finish_kept(const struct privs_expect *x, char *err, size_t errlen)
{
	if (x->in_use == 0)
		return 0;
	if (prctl(PR_SET_SECUREBITS, PRIVRUN_SECUREBITS, 0, 0, 0) != 0)
		return FAIL("prctl(PR_SET_SECUREBITS)");
	if (kept(x, CAP_SETPCAP))
		return 0;
	return set_sets(x->keep, x->keep, x->keep, err, errlen);
}

/*
 * Every change of ids resets the dumpable flag to fs.suid_dumpable
 * (prctl(2)), which an administrator may have set to 1: set it again, and
 * read it back, since only the flag keeps privrun from being traced by its
 * own uid.
 */
int privs_undumpable(char *err, size_t errlen)
{
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
		return FAIL("prctl(PR_SET_DUMPABLE)");
	if (prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != 0)
		return FAILX("verify: still dumpable after "
		    "prctl(PR_SET_DUMPABLE)");
	return 0;
}

int privs_drop(const struct privs_expect *x, char *err, size_t errlen)
{
	if (x->privileged) {
		if (drop_securebits(x->in_use != 0, err, errlen) != 0 ||
		    drop_ids(x, err, errlen) != 0 ||
		    drop_capabilities(x, err, errlen) != 0 ||
		    finish_kept(x, err, errlen) != 0)
			return -1;
	} else if (set_sets(0, 0, 0, err, errlen) != 0) {
		return -1;	/* nothing else to drop: an inheritable set */
	}
	if (privs_undumpable(err, errlen) != 0)
		return -1;
	if (x->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return error_into(err, errlen, errno,
		    "prctl(PR_SET_NO_NEW_PRIVS)");
	return privs_verify(x, err, errlen);
}
