/* SPDX-License-Identifier: ISC */
/*
 * fuzz_opts.c: libFuzzer target for opts_parse() and opts_validate(), the
 * parser of privrun's untrusted command line.  It checks that a parsed
 * struct options only points into the argv it was given, that the limits
 * opts.c promises hold, and that every rejection comes with a message.  Like
 * opts.c it must stay free of side effects: no lookups, no privileges.
 *
 * Input format: the arguments after argv[0], separated by NUL bytes (a
 * trailing NUL ends the last one; it does not add an empty one), at most
 * FUZZ_MAX_ARGS in all.  argv[0] is always "privrun".  The seeds in
 * fuzz/corpus/opts are written that way: printf 'a\0b\0' > FILE.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "opts.h"

#define FUZZ_MAX_ARGS 64	/* argc, argv[0] included */
#define FUZZ_MAX_INPUT 4096

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond) do { if (!(cond)) __builtin_trap(); } while (0)

static bool terminated(const char *buf, size_t size)
{
	return memchr(buf, '\0', size) != NULL;
}

/*
 * True when p lies in [base, base + len).  Compared as integers: relational
 * operators on pointers into different objects are undefined in C.
 */
static bool within(const char *p, const char *base, size_t len)
{
	uintptr_t a = (uintptr_t)p, b = (uintptr_t)base;

	return a >= b && a - b < len;
}

/* True when p is one of argv's strings, or points inside one. */
static bool in_argv(const char *p, int argc, char **argv)
{
	int i;

	for (i = 0; i < argc; i++)
		if (within(p, argv[i], strlen(argv[i]) + 1))
			return true;
	return false;
}

/* user and user_group live in user_buf, the rest in argv. */
static bool owned(const char *p, const struct options *o, int argc,
    char **argv)
{
	return p == NULL || in_argv(p, argc, argv) ||
	    within(p, o->user_buf, sizeof(o->user_buf));
}

static void check_parsed(const struct options *o, int argc, char **argv)
{
	size_t i;

	CHECK(o->argc >= 0 && o->argc < argc);
	CHECK(o->argv == argv + (argc - o->argc));
	CHECK(o->argv[o->argc] == NULL);
	CHECK(o->nres < (size_t)argc);
	CHECK(o->nres == 0 || o->res != NULL);
	for (i = 0; i < o->nres; i++) {
		CHECK(o->res[i].kind == SPEC_BIND ||
		    o->res[i].kind == SPEC_OPEN);
		CHECK(o->res[i].arg != NULL && in_argv(o->res[i].arg, argc,
		    argv));
	}
	CHECK(o->nenv <= OPTS_MAX_ENV);
	for (i = 0; i < o->nenv; i++) {
		const char *eq = strchr(o->env[i], '=');
		CHECK(in_argv(o->env[i], argc, argv));
		CHECK(eq != NULL && eq != o->env[i]);
		CHECK(!opts_reserved_env(o->env[i],
		    (size_t)(eq - o->env[i])));
	}
	CHECK(terminated(o->user_buf, sizeof(o->user_buf)));
	CHECK(o->user_group == NULL || o->user != NULL);
	CHECK(owned(o->user, o, argc, argv));
	CHECK(owned(o->user_group, o, argc, argv));
	CHECK(owned(o->group, o, argc, argv));
	CHECK(owned(o->groups, o, argc, argv));
	CHECK(o->groups == NULL || o->groups_given);
}

/*
 * Split data into heap copies, one per argument, so ASan sees overreads.
 * Returns argc, 0 when out of memory.
 */
static int split(const uint8_t *data, size_t size, char **argv)
{
	int argc = 1;
	size_t start = 0, i;

	argv[0] = strdup("privrun");
	if (argv[0] == NULL)
		return 0;
	for (i = 0; i <= size && argc < FUZZ_MAX_ARGS; i++) {
		if (i < size && data[i] != '\0')
			continue;
		if (i == size && start == size)
			break;	/* nothing after the last NUL */
		argv[argc] = malloc(i - start + 1);
		if (argv[argc] == NULL)
			break;
		memcpy(argv[argc], data + start, i - start);
		argv[argc++][i - start] = '\0';
		start = i + 1;
	}
	argv[argc] = NULL;
	return argc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *argv[FUZZ_MAX_ARGS + 1], *copy[FUZZ_MAX_ARGS];
	struct options o;
	char err[512];
	int argc, i;

	if (size > FUZZ_MAX_INPUT)
		return 0;
	argc = split(data, size, argv);
	if (argc == 0)
		return 0;
	/* getopt_long may permute argv: remember what to free. */
	memcpy(copy, argv, (size_t)argc * sizeof(*argv));
	memset(err, 'X', sizeof(err));
	if (opts_parse(argc, argv, &o, err, sizeof(err))) {
		check_parsed(&o, argc, argv);
		memset(err, 'X', sizeof(err));
		/* A PROGRAM, or --dump, or --check-policy [FILE]. */
		if (opts_validate(&o, err, sizeof(err)))
			CHECK(o.check_policy ? o.argc <= 1 :
			    o.argc > 0 || o.dump);
		else
			CHECK(terminated(err, sizeof(err)) && err[0] != '\0');
	} else {
		CHECK(terminated(err, sizeof(err)) && err[0] != '\0');
	}
	opts_free(&o);
	CHECK(o.res == NULL && o.nres == 0);
	for (i = 0; i < argc; i++)
		free(copy[i]);
	return 0;
}
