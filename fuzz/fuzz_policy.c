/* SPDX-License-Identifier: ISC */
/*
 * fuzz_policy.c: libFuzzer target for policy_parse(), the parser of the
 * policy file.  The file is root's, but a parser that crashes or accepts
 * nonsense turns an administrator's typo into a hole.  It checks what
 * policy.c relies on when it matches a request, and that what
 * --check-policy prints of an accepted file parses again into the same
 * rules.  It never calls anything that opens, binds or looks up.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond) do { if (!(cond)) __builtin_trap(); } while (0)

static void check_rule(const struct policy_rule *r)
{
	size_t i;

	CHECK(r->line >= 1);
	CHECK(r->who != NULL && r->who[0] != '\0');
	/* Another user or capabilities only for a named program. */
	CHECK((r->nas == 0 && r->keep == 0) || r->ncmd > 0);
	CHECK(r->ncmd == 0 || r->cmd[0][0] == '/');
	for (i = 0; i < r->nbind; i++) {
		CHECK(r->bind[i].lo <= r->bind[i].hi);
		CHECK(r->bind[i].hi <= 65535);
		CHECK(r->bind[i].family != AF_UNIX);
	}
	for (i = 0; i < r->nopen; i++)
		CHECK(r->open[i].path[0] == '/');
}

/* What policy_print() wrote, less its "line N: " prefixes, parses again. */
static void check_round_trip(const struct policy *p)
{
	char *out = NULL, *line, *save = NULL, *colon;
	size_t len = 0, n = 0;
	FILE *f = open_memstream(&out, &len);
	struct policy again;
	char err[1024];

	if (f == NULL)
		return;
	policy_print(p, f);
	fclose(f);
	for (line = strtok_r(out, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save), n++) {
		colon = strchr(line, ':');
		CHECK(colon != NULL);
		CHECK(policy_parse(colon + 2, strlen(colon + 2), "printed",
		    &again, err, sizeof(err)));
		CHECK(again.n == 1);
		CHECK(again.rule[0].nbind == p->rule[n].nbind);
		CHECK(again.rule[0].nopen == p->rule[n].nopen);
		CHECK(again.rule[0].keep == p->rule[n].keep);
		CHECK(again.rule[0].ncmd == p->rule[n].ncmd);
		policy_free(&again);
	}
	CHECK(n == p->n);
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct policy p;
	char err[1024];
	size_t i;

	memset(err, 'X', sizeof(err));
	if (!policy_parse((const char *)data, size, "fuzz", &p, err,
	    sizeof(err))) {
		CHECK(memchr(err, '\0', sizeof(err)) != NULL);
		CHECK(strncmp(err, "fuzz:", 5) == 0);
		CHECK(p.n == 0 && p.rule == NULL);
		return 0;
	}
	for (i = 0; i < p.n; i++)
		check_rule(&p.rule[i]);
	check_round_trip(&p);
	policy_free(&p);
	return 0;
}
