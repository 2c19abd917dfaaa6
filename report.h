/* SPDX-License-Identifier: ISC */
/*
 * report.h: the human-readable --dry-run plan and --dump state.
 */
#ifndef PRIVRUN_REPORT_H
#define PRIVRUN_REPORT_H

#include "env.h"
#include "ids.h"
#include "opts.h"
#include "resources.h"

/* What would happen, from the resolved target and plan; changes nothing. */
void report_plan(const struct options *o, const struct identity *id,
    const struct env_plan *env, const struct resources *res);
/* What the program would start with, read back from the kernel. */
void report_state(void);

#endif
