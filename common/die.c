/* SPDX-License-Identifier: ISC */
/*
 * die.c: error reporting and the --verbose trace.  Prints to stderr and
 * exits; it must never allocate, look anything up or touch privileges,
 * because it runs on every failure path, privileged or not.  The one
 * exception is the hook policy_log.c sets for an untrusted caller, which
 * logs the failure to syslog first.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "die.h"

static bool verbose;	/* set once from the options, read by trace_at */
die_hook *die_log_hook;

/*
 * One write(2) per message, so that the monitor's and the program's
 * process, failing at once, never interleave theirs; the buffer is static
 * to stay off a privileged stack.
 */
__attribute__((format(printf, 2, 0)))
static void vreport(const char *step, const char *fmt, va_list ap,
    const char *reason)
{
	static char body[1536], msg[2048];
	va_list copy;

	if (die_log_hook != NULL) {
		va_copy(copy, ap);
		die_log_hook(step, fmt, copy, reason);
		va_end(copy);
	}
	fflush(stdout);
	vsnprintf(body, sizeof(body), fmt, ap);
	snprintf(msg, sizeof(msg), "privrun: %s: %s%s%s\n", step, body,
	    reason ? ": " : "", reason ? reason : "");
	if (write(STDERR_FILENO, msg, strlen(msg)) < 0)
		return;	/* nowhere left to report it */
}

void die_errno(const char *step, const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	vreport(step, fmt, ap, strerror(saved));
	va_end(ap);
	_exit(EXIT_PRIVRUN);
}

void die(const char *step, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(step, fmt, ap, NULL);
	va_end(ap);
	_exit(EXIT_PRIVRUN);
}

void die_status(int status, const char *step, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(step, fmt, ap, NULL);
	va_end(ap);
	_exit(status);
}

void *must_alloc(void *p)
{
	if (p == NULL)
		die("memory", "out of memory");
	return p;
}

void die_usage(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("usage", fmt, ap, NULL);
	va_end(ap);
	fputs("Try 'privrun --help' for more information.\n", stderr);
	_exit(EXIT_PRIVRUN);
}

void trace_enable(void)
{
	verbose = true;
}

int error_into(char *buf, size_t len, int errnum, const char *fmt, ...)
{
	int saved = errno;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	if (errnum != 0 && n >= 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, ": %s", strerror(errnum));
	errno = saved;
	return -1;
}

/* One write(2) too: the monitor's seccomp allow list has no writev(2),
 * which musl's stdio uses. */
void trace_at(const char *file, int line, const char *fmt, ...)
{
	static char msg[2048];
	int saved = errno, n;
	va_list ap;

	if (!verbose)
		return;
	n = snprintf(msg, sizeof(msg) - 1, "privrun: trace: %s:%d: ", file,
	    line);
	n = n < 0 || n >= (int)sizeof(msg) - 1 ? 0 : n;
	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof(msg) - 1 - (size_t)n, fmt, ap);
	va_end(ap);
	n = (int)strlen(msg);
	msg[n] = '\n';
	if (write(STDERR_FILENO, msg, (size_t)n + 1) < 0) {
		/* nowhere to trace it */
	}
	errno = saved;
}
