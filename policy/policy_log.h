/* SPDX-License-Identifier: ISC */
/*
 * policy_log.h: the audit trail of untrusted callers' requests.
 */
#ifndef PRIVRUN_POLICY_LOG_H
#define PRIVRUN_POLICY_LOG_H

#include <stdbool.h>
#include <stddef.h>

/* Copy src to dst (len bytes), control bytes, '\' and non-ASCII as \xNN. */
void policy_log_escape(char *dst, size_t len, const char *src);
/* One line to syslog, facility authpriv; fmt's result must be escaped. */
__attribute__((format(printf, 2, 3)))
void policy_log(bool allowed, const char *fmt, ...);

#endif
