/* SPDX-License-Identifier: ISC */
/*
 * policy.h: whether an untrusted caller may have what it asks for, the
 * administrator's view of the policy file, and its safe reading.
 */
#ifndef PRIVRUN_POLICY_H
#define PRIVRUN_POLICY_H

#include <stdbool.h>
#include <stdint.h>

#include "ids.h"
#include "monitor_serve.h"
#include "opts.h"
#include "policy_parse.h"
#include "process.h"
#include "resources.h"

#ifndef PRIVRUN_CONF
#define PRIVRUN_CONF "/etc/privrun.conf"	/* set at build time */
#endif

/*
 * Dies (125, "privrun: policy: ...") when the request is denied; else
 * marks in r the resources a rule grants (opened with privileges).  Does
 * nothing for a trusted caller.
 */
void policy_check(const struct options *o, const struct identity *id,
    struct resources *r, const struct process_plan *proc, uint64_t keep,
    const struct monitor_allowlist *allow);
/* Whether the program gets a reset environment (sudo's env_reset). */
bool policy_resets_env(const struct identity *id, uint64_t keep);
/*
 * --check-policy [FILE]: parse FILE, or the installed policy with its
 * safety checks, with the caller's own rights; print the rules.  Returns
 * the exit status.
 */
int policy_show(const char *file);

/* policy_file.c: reading the file so that only root can have written what
 * privrun obeys. */
enum policy_load_result {
	POLICY_LOADED,
	POLICY_ABSENT,		/* no file: no rules, default deny */
	POLICY_UNUSABLE,	/* unsafe, unreadable or invalid: deny all */
};

/*
 * Read and parse path.  With check_safety, the file must be a regular file
 * owned by root, not writable by group or others, at most POLICY_MAX_SIZE
 * bytes, checked on the fd it was opened with (O_NOFOLLOW), and every
 * directory above it root's and writable by nobody else.  On
 * POLICY_UNUSABLE, err says which check failed or which line is wrong.
 */
enum policy_load_result policy_load(const char *path, bool check_safety,
    struct policy *p, char *err, size_t errlen);

/*
 * Whether every directory above path is root's and writable by nobody
 * else, so that only root can put another file at path; else err says
 * which is not.
 */
bool policy_dirs_safe(const char *path, char *err, size_t errlen);

#endif
