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
/*
 * An untrusted caller (setuid or file-capability start) may, with no
 * policy granting more, run the program only as itself: its own uid and
 * gid, and a subset of the groups it already has.  Dies when denied.
 */
void target_check_default_policy(const struct identity *id);

#endif
