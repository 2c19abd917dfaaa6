/* SPDX-License-Identifier: ISC */
/*
 * target.h: who the program will run as, from the options and the user and
 * group databases, and whether the caller may ask for it.
 */
#ifndef PRIVRUN_TARGET_H
#define PRIVRUN_TARGET_H

#include "ids.h"
#include "opts.h"

/* Resolve --user/--group/--groups into id; dies (125) on any error. */
void target_resolve(const struct options *o, struct identity *id);
/* The caller's current supplementary groups, sorted and unique. */
void target_current_groups(struct identity *id);

#endif
