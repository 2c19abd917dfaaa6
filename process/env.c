/* SPDX-License-Identifier: ISC */
/*
 * env.c: the program's environment.  privrun's own behaviour never depends
 * on it: the environment is only passed on, changed as the options say.
 * Inherited LISTEN_* variables are always removed, since the fds they name
 * were closed (sd_listen_fds(3) would otherwise trust them).
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "compat.h"
#include "die.h"
#include "env.h"
#include "exec.h"

extern char **environ;

static char **caller;	/* the environment env_plan() plans from */

/*
 * An NSS module (nsswitch.conf) runs inside privrun, with its privileges,
 * and may read any variable with getenv(3): glibc clears only a fixed list
 * (LD_*, LOCALDOMAIN, HOSTALIASES, ...) in a secure start, and a module
 * need not use secure_getenv(3).  syslog(3) (policy_log.c) would stamp the
 * time in the caller's TZ.  So an untrusted caller's environment is out of
 * sight from the start until env_apply(), and only planned from.
 */
void env_hide(void)
{
	static char *none[] = { NULL };

	caller = environ;
	environ = none;
}

/* -fanalyzer loses the strings stored at plan->change[plan->n], a
 * symbolic index (env_free() frees them), and counts die() as a leak. */
ANALYZER_LEAKS_OFF
static void add(struct env_plan *plan, const char *name, size_t len,
    const char *value)
{
	struct env_change *c;

	if (plan->n == plan->cap)
		die("environment", "too many changes");
	c = &plan->change[plan->n++];
	c->name = must_alloc(strndup(name, len));
	c->value = value ? must_alloc(strdup(value)) : NULL;
}
ANALYZER_LEAKS_ON

static void plan_removals(struct env_plan *plan)
{
	char **e;

	for (e = caller; *e != NULL; e++) {
		size_t len = strcspn(*e, "=");

		if (opts_reserved_env(*e, len))
			add(plan, *e, len, NULL);
	}
}

/*
 * What sudo's env_reset keeps for the terminal and the language: no value
 * with a '/', which could name a file (a locale or terminfo of the
 * caller's choosing) for the program to load.
 */
static bool kept_on_reset(const char *entry, size_t len)
{
	const char *value = entry + len + 1;
	size_t i;

	if (entry[len] != '=' || strchr(value, '/') != NULL ||
	    strlen(value) > 255)
		return false;
	if ((len == 4 && strncmp(entry, "TERM", 4) == 0) ||
	    (len == 4 && strncmp(entry, "LANG", 4) == 0) ||
	    (len == 8 && strncmp(entry, "LANGUAGE", 8) == 0))
		return true;
	if (len < 4 || strncmp(entry, "LC_", 3) != 0)
		return false;
	for (i = 3; i < len; i++)
		if ((entry[i] < 'A' || entry[i] > 'Z') && entry[i] != '_')
			return false;
	return true;
}

static void plan_reset(struct env_plan *plan, bool keep_terminal)
{
	char **e;

	plan->clear = 1;
	add(plan, "PATH", 4, EXEC_SAFE_PATH);
	for (e = caller; keep_terminal && *e != NULL; e++) {
		size_t len = strcspn(*e, "=");
		if (kept_on_reset(*e, len))
			add(plan, *e, len, *e + len + 1);
	}
}

/*
 * The most changes a plan can hold: one per inherited variable (removed or
 * kept), PATH and the four of the target, and the --env values.  Sized so,
 * not fixed: a fixed list of 1,040 entries cost 16 KB of stack, four page
 * faults, on every start (bench/RESULTS.md).
 */
static size_t most_changes(const struct options *o)
{
	size_t n = 0;
	char **e;

	for (e = caller; *e != NULL; e++)
		n++;
	return n + 5 + o->nenv;
}

void env_plan(const struct options *o, const struct identity *id,
    struct env_plan *plan, bool reset)
{
	size_t i;

	memset(plan, 0, sizeof(*plan));
	if (caller == NULL)
		caller = environ;
	plan->cap = most_changes(o);
	plan->change = must_alloc(calloc(plan->cap, sizeof(*plan->change)));
	if (reset) {
		plan_reset(plan, !o->clear_env);
	} else if (o->clear_env) {
		plan->clear = 1;
		add(plan, "PATH", 4, EXEC_SAFE_PATH);
	} else {
		plan_removals(plan);
	}
	if (!o->keep_env || reset) {
		add(plan, "HOME", 4, id->home);
		add(plan, "USER", 4, id->name);
		add(plan, "LOGNAME", 7, id->name);
		add(plan, "SHELL", 5, id->shell);
	}
	for (i = 0; i < o->nenv; i++) {
		const char *eq = strchr(o->env[i], '=');
		add(plan, o->env[i], (size_t)(eq - o->env[i]), eq + 1);
	}
}

void env_apply(const struct env_plan *plan)
{
	size_t i;

	if (caller != NULL)
		environ = caller;
	if (plan->clear)
		clearenv();	/* it cannot fail (glibc, musl): environ = NULL */
	for (i = 0; i < plan->n; i++) {
		const struct env_change *c = &plan->change[i];
		int rc = c->value ? setenv(c->name, c->value, 1) :
		    unsetenv(c->name);
		if (rc != 0)
			die_errno("environment", "%s", c->name);
	}
}

void env_free(struct env_plan *plan)
{
	size_t i;

	for (i = 0; i < plan->n; i++) {
		free(plan->change[i].name);
		free(plan->change[i].value);
	}
	free(plan->change);
	plan->change = NULL;
	plan->n = 0;
	plan->cap = 0;
}

const char *env_path(void)
{
	const char *p = getenv("PATH");

	return p != NULL ? p : EXEC_SAFE_PATH;
}
