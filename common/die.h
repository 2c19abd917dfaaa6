/* SPDX-License-Identifier: ISC */
/*
 * die.h: privrun's one way to fail and its trace channel.  Every failure
 * of privrun itself exits 125 (privrun(1), EXIT STATUS), before anything runs.
 */
#ifndef PRIVRUN_DIE_H
#define PRIVRUN_DIE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#define EXIT_PRIVRUN	125	/* privrun itself failed */
#define EXIT_CANNOT_RUN	126	/* program found, not executable */
#define EXIT_NOT_FOUND	127	/* program not found */

/* "privrun: STEP: DETAIL: strerror(errno)", exit 125.  Saves errno first. */
__attribute__((noreturn, format(printf, 2, 3)))
void die_errno(const char *step, const char *fmt, ...);
/* "privrun: STEP: DETAIL", exit 125. */
__attribute__((noreturn, format(printf, 2, 3)))
void die(const char *step, const char *fmt, ...);
/* As die(), with an explicit exit status (126/127 after a failed exec). */
__attribute__((noreturn, format(printf, 3, 4)))
void die_status(int status, const char *step, const char *fmt, ...);
/* A usage error: "privrun: usage: DETAIL", exit 125. */
__attribute__((noreturn, format(printf, 1, 2)))
void die_usage(const char *fmt, ...);

/*
 * p itself, or "privrun: memory: out of memory", exit 125, when p is NULL:
 * for an allocation whose failure can only end privrun.
 */
void *must_alloc(void *p);

/*
 * The error rule of modules that return errors (HACKING.md): "DETAIL", or
 * "DETAIL: strerror(errnum)" when errnum is not 0, written into buf.
 * Returns -1, so that "return error_into(...)" fails the call; errno is
 * kept.
 */
__attribute__((format(printf, 4, 5)))
int error_into(char *buf, size_t len, int errnum, const char *fmt, ...);
/* Called with every failure's message before it is printed; NULL: none
 * (policy_log.c's, for an untrusted caller; the --pty relay's, which
 * restores the caller's terminal). */
typedef void die_hook(const char *step, const char *fmt, va_list ap,
    const char *reason);
extern die_hook *die_log_hook;

/* --verbose: "privrun: trace: FILE:LINE: MESSAGE" on stderr. */
void trace_enable(void);
__attribute__((format(printf, 3, 4)))
void trace_at(const char *file, int line, const char *fmt, ...);
#define trace(...) trace_at(__FILE__, __LINE__, __VA_ARGS__)

#endif
