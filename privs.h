/* SPDX-License-Identifier: ISC */
/*
 * privs.h: privrun's privilege API, after ProFTPD's privs.h.  Every change
 * of ids, groups, capabilities, securebits or no_new_privs goes through
 * these calls; nothing else in privrun makes them.
 * Each call returns 0 on success and -1 on failure, with privs_error()
 * describing the step that failed; the caller must stop (exit 125).
 * Each call is traced under --verbose with the caller's file and line.
 *
 * The calls, in the order privrun goes through them:
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
 *   privs_revoke()      the permanent drop (privs_drop.c), verified from the
 *                       kernel's point of view; after it, every call fails
 *   privs_monitor()     instead of privs_revoke(), for the monitor of
 *                       --monitor: the same drop keeping a set in the
 *                       permitted and bounding sets only; after it only
 *                       privs_root() and privs_relinquish() still work
 */
#ifndef PRIVRUN_PRIVS_H
#define PRIVRUN_PRIVS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* How privrun was started, which decides what a drop can and must do. */
enum privs_start {
	PRIVS_START_NONE,	/* no privileges: every call is a no-op */
	PRIVS_START_ROOT,	/* real uid 0 (systemd unit, container) */
	PRIVS_START_SETUID,	/* effective uid 0 from the setuid bit */
	PRIVS_START_FILECAPS,	/* capabilities from file capabilities */
};

/*
 * Detect how privrun was started and lower the effective privileges until a
 * step raises them.  Must be the first call.
 */
int privs_init(void);
enum privs_start privs_start_mode(void);
const char *privs_start_name(enum privs_start mode);
/* True when the caller is not trusted: AT_SECURE, or real != effective. */
bool privs_untrusted_caller(void);
/* True in the monitor, after privs_monitor(). */
bool privs_monitoring(void);
/* The caller's real uid and gid, as found at start. */
uid_t privs_caller_uid(void);
gid_t privs_caller_gid(void);

int privs_setup_at(const char *file, int line, uid_t uid, gid_t gid,
    const gid_t *groups, size_t ngroups);
/*
 * What privs_revoke() keeps: the capabilities in mask (bit N = capability
 * N) in the permitted, inheritable, ambient and bounding sets, and
 * no_new_privs unless allow_new_privs.  The default is nothing, and
 * no_new_privs.
 */
int privs_keep_at(const char *file, int line, uint64_t mask,
    bool allow_new_privs);
int privs_root_at(const char *file, int line);
int privs_relinquish_at(const char *file, int line);
int privs_user_at(const char *file, int line);
/*
 * As privs_user(), but acting as the caller (its real uid and gid), with
 * exactly the capabilities in caps effective: what an untrusted caller's
 * resources are opened with (privrun(1), "Start modes").
 * privs_relinquish() ends it.
 */
int privs_caller_at(const char *file, int line, uint64_t caps);
int privs_revoke_at(const char *file, int line);
/*
 * The monitor's drop (--monitor): ids and groups as privs_revoke(), the
 * capabilities in mask kept in the permitted and bounding sets only (not
 * effective, inheritable or ambient), securebits locked, no_new_privs, all
 * verified.  Afterwards privs_root() and privs_relinquish() raise and lower
 * the effective set within mask; every other call fails.
 */
int privs_monitor_at(const char *file, int line, uint64_t mask);
/*
 * The parent that stays for --pty and --init (supervise.c): no capability
 * in any set, securebits locked, no_new_privs, not dumpable, all verified,
 * as one of three (privrun(1), --pty).  Afterwards every call fails or,
 * like privs_root(), changes nothing.
 */
enum privs_stay {
	PRIVS_STAY_TARGET,	/* --init: the target's ids and groups */
	/* --pty's session leader, the program's parent: the caller's real
	 * and saved uid, gid and groups, the target's effective uid, so that
	 * it may signal the program and the program may not signal it */
	PRIVS_STAY_LEADER,
	/* --pty's relay, on the caller's terminal: the caller's ids and
	 * groups, all of them, out of the program's reach */
	PRIVS_STAY_CALLER,
};
int privs_stay_at(const char *file, int line, enum privs_stay as);
/*
 * As privs_root(), but files are created owned by uid:gid (the fsuid and
 * fsgid), with the directory access of the privileges we hold: for a unix
 * socket node that must belong to its owner from the moment it exists.
 * privs_relinquish() ends it.
 */
int privs_create_as_at(const char *file, int line, uid_t uid, gid_t gid);

#define privs_setup(uid, gid, groups, n) \
	privs_setup_at(__FILE__, __LINE__, (uid), (gid), (groups), (n))
#define privs_keep(mask, anp) privs_keep_at(__FILE__, __LINE__, (mask), (anp))
#define privs_root()		privs_root_at(__FILE__, __LINE__)
#define privs_relinquish()	privs_relinquish_at(__FILE__, __LINE__)
#define privs_user()		privs_user_at(__FILE__, __LINE__)
#define privs_caller(caps)	privs_caller_at(__FILE__, __LINE__, (caps))
#define privs_revoke()		privs_revoke_at(__FILE__, __LINE__)
#define privs_monitor(mask)	privs_monitor_at(__FILE__, __LINE__, (mask))
#define privs_stay(as)	privs_stay_at(__FILE__, __LINE__, (as))
#define privs_create_as(uid, gid) \
	privs_create_as_at(__FILE__, __LINE__, (uid), (gid))

/* What the last failing call could not do, e.g. "setresuid(1000): EPERM". */
const char *privs_error(void);

#endif
