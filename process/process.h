/* SPDX-License-Identifier: ISC */
/*
 * process.h: process set-up around the drop: --rlimit, --umask, --chroot,
 * --chdir and --new-session, parsed up front and applied in fixed places.
 */
#ifndef PRIVRUN_PROCESS_H
#define PRIVRUN_PROCESS_H

#include <stdbool.h>
#include <sys/resource.h>
#include <sys/types.h>

#include "opts.h"

#define PROCESS_MAX_RLIMITS 32

struct process_rlimit {
	int resource;
	const char *name;
	struct rlimit lim;
};

struct process_plan {
	struct process_rlimit rl[PROCESS_MAX_RLIMITS];
	size_t nrl;
	bool has_umask;
	mode_t umask;
	const char *chroot_dir;
	const char *chdir_dir;
	bool new_session;
	bool floor_limits;	/* no limit below the kernel's defaults */
};

/* First thing: signals to default, empty mask, enough stack; or exit 125. */
void process_start(void);

/* Parse the options into plan; dies (125) on a bad value. */
void process_plan(const struct options *o, struct process_plan *p);
/* Whether any limit raises a hard limit above the current one. */
const char *process_raises_hard_limit(const struct process_plan *p);
/* While privileged, before the drop: limits, then chroot. */
void process_apply_privileged(const struct process_plan *p);
/* After the drop, as the target: new session, chdir, umask. */
void process_apply_unprivileged(const struct process_plan *p);
/*
 * At least these bits in the program's umask, from --umask or the one
 * inherited: an untrusted caller must not make another user's files
 * writable for itself (sudo ORs 022 the same way).
 */
void process_floor_umask(struct process_plan *p, mode_t floor);

#endif
