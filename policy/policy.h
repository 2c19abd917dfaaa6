/* SPDX-License-Identifier: ISC */
/*
 * policy.h: whether an untrusted caller may have what it asks for, and the
 * administrator's view of the policy file.
 */
#ifndef PRIVRUN_POLICY_H
#define PRIVRUN_POLICY_H

#include <stdbool.h>
#include <stdint.h>

#include "ids.h"
#include "monitor_serve.h"
#include "opts.h"
#include "process.h"
#include "resources.h"

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

#endif
