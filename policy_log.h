/* SPDX-License-Identifier: ISC */
/*
 * policy_log.h: the audit trail of untrusted callers' requests.
 */
#ifndef PRIVRUN_POLICY_LOG_H
#define PRIVRUN_POLICY_LOG_H

#include <stdbool.h>

/*
 * One line to syslog, facility authpriv: the decision (fmt's result), the
 * request, then privrun's command line; this escapes all three.  A denial
 * also ends policy_log_start()'s logging of failures.
 */
__attribute__((format(printf, 3, 4)))
void policy_log(bool allowed, const char *request, const char *fmt, ...);
/* From now on an untrusted caller's failure (die.h) is logged, with argv. */
void policy_log_start(int argc, char **argv);
/* No more: privrun is about to drop, or to become the monitor. */
void policy_log_stop(void);

#endif
