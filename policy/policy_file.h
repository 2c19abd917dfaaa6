/* SPDX-License-Identifier: ISC */
/*
 * policy_file.h: reading the policy file so that only root can have
 * written what privrun obeys.
 */
#ifndef PRIVRUN_POLICY_FILE_H
#define PRIVRUN_POLICY_FILE_H

#include <stdbool.h>
#include <stddef.h>

#include "policy_parse.h"

#ifndef PRIVRUN_CONF
#define PRIVRUN_CONF "/etc/privrun.conf"	/* set at build time */
#endif

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
