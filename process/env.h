/* SPDX-License-Identifier: ISC */
/*
 * env.h: the program's environment, planned once (so --dry-run can show
 * it) and applied after the drop.
 */
#ifndef PRIVRUN_ENV_H
#define PRIVRUN_ENV_H

#include <stdbool.h>

#include "ids.h"
#include "opts.h"

struct env_change {
	char *name;
	char *value;		/* NULL: remove the variable */
};

struct env_plan {
	int clear;		/* start from an empty environment */
	struct env_change *change;	/* sized to what can be planned */
	size_t n, cap;
};

/*
 * Plan: remove inherited LISTEN_* and PRIVRUN_* (privrun sets its own),
 * optionally clear, set HOME/USER/LOGNAME/SHELL of the target unless
 * --keep-env, then the --env values in order.  With reset (an untrusted
 * caller's program run as another user or with capabilities), start from
 * an empty environment with only TERM, LANG, LANGUAGE and LC_* kept (values
 * without '/'), the safe PATH and the target's HOME, USER, LOGNAME, SHELL.
 */
void env_plan(const struct options *o, const struct identity *id,
    struct env_plan *plan, bool reset);
void env_apply(const struct env_plan *plan);
void env_free(struct env_plan *plan);
/* An untrusted caller's environment is hidden from the start until
 * env_apply(), and env_plan() plans from it (env.c says why). */
void env_hide(void);
/* The PATH the program will see, for the search of PROGRAM. */
const char *env_path(void);

#endif
