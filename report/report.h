/* SPDX-License-Identifier: ISC */
/*
 * report.h: the human-readable --dry-run plan and --dump state.
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

/* What would happen, from the resolved plan; changes nothing. */
void report_plan(const struct run_plan *plan);
/* What the program would start with, read back from the kernel. */
void report_state(void);
/* The same two as one JSON object each (--json). */
void report_plan_json(const struct run_plan *plan);
void report_state_json(void);

/* Shared by both formats: a socket's address, and every open fd. */
bool report_socket_address(int fd, char *buf, size_t size);
void report_each_fd(void (*fn)(int fd, const char *target,
    const char *address, void *arg), void *arg);

#endif
