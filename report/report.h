/* SPDX-License-Identifier: ISC */
/*
 * report.h: the --dry-run plan and the --dump state, as text or JSON.
 */
#ifndef PRIVRUN_REPORT_H
#define PRIVRUN_REPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "env.h"
#include "ids.h"
#include "opts.h"
#include "process.h"
#include "resources.h"

/* Everything privrun has decided before it acts. */
struct run_plan {
	const struct options *o;
	const struct identity *id;
	const struct env_plan *env;
	struct resources *res;		/* opened in place */
	const struct process_plan *proc;
	uint64_t keep;		/* --keep-caps */
	bool guard;		/* the terminal guard will be installed */
	bool pty;		/* --pty, asked for or by default */
};

/* What would happen, from the resolved plan, as text or JSON; changes
 * nothing. */
void report_plan(const struct run_plan *plan, bool json);
/* What the program would start with, read back from the kernel. */
void report_state(bool json);

#endif
