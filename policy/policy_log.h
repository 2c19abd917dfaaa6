/* SPDX-License-Identifier: ISC */
/*
 * policy_log.h: the audit trail of untrusted callers' requests.
 */
#ifndef PRIVRUN_POLICY_LOG_H
#define PRIVRUN_POLICY_LOG_H

#include <stdbool.h>

/*
 * One line to syslog, facility authpriv: fmt's result ("DECISION; request:
 * REQUEST"), in full, then privrun's command line; this escapes both.  A
 * denial also ends policy_log_start()'s logging of failures.
 */
__attribute__((format(printf, 2, 3)))
void policy_log(bool allowed, const char *fmt, ...);
/* From now on an untrusted caller's failure (die.h) is logged, with argv;
 * die_log_hook = NULL ends it. */
void policy_log_start(char **argv);

#endif
