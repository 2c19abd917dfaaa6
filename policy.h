/* SPDX-License-Identifier: ISC */
/*
 * policy.h: whether an untrusted caller may have what it asks for.
 */
#ifndef PRIVRUN_POLICY_H
#define PRIVRUN_POLICY_H

#include "ids.h"
#include <stdint.h>

#include "opts.h"
#include "process.h"
#include "resources.h"

/* Dies (125, "privrun: policy: ...") when the request is denied. */
void policy_check(const struct options *o, const struct identity *id,
    const struct resources *r, const struct process_plan *proc,
    uint64_t keep);

#endif
