/* SPDX-License-Identifier: ISC */
/*
 * policy_log.c: one syslog line (authpriv, as sudo and doas log) for every
 * request an untrusted caller makes: allowed, denied by the policy, or
 * refused by any other failure from the start until the drop (die.h's
 * hook), such as a bad spec or an unknown user.  The line is "DECISION;
 * request: REQUEST; command line: ARGS": the decision and the request
 * (target, binds, opens) come first and are never cut in an allowed
 * request's line (LINE_ROOM); the command line is, to COMMAND_MAX bytes,
 * and the cut is marked "...[cut]".
 * Everything the caller chose is escaped, so that it cannot forge a second
 * log line or hide in control characters.  The log socket is opened and
 * closed around each message: it must never be open while privrun places
 * the resources at fds 3, 4, ...  syslog(3) stamps local time, which the
 * caller's TZ would choose: the caller's environment is hidden (env.h) all
 * the while.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/param.h>
#include <syslog.h>

#include "die.h"
#include "policy_log.h"
#include "privs.h"

#define CUT "...[cut]"
#define COMMAND_MAX 1024	/* the escaped command line, CUT and NUL too */
#define MUSL_ROOM 960		/* the line, for musl's syslog(3) */
/*
 * The escaped decision and request, at most: with the command line, the
 * pid and a header of up to 64 bytes within rsyslog's default 8 KiB, or
 * musl's 1024.  A log daemon may cut a longer message, and syslog(3)
 * drops one beyond the socket's buffer unseen: a longer request that
 * would be allowed is refused instead, a longer denial is logged cut.
 */
#ifdef PRIVRUN_MUSL
#define LINE_ROOM (MUSL_ROOM - 64)
#else
#define LINE_ROOM (8192 - 64 - 16 - COMMAND_MAX)
#endif

static char **saved_argv;	/* privrun's own, NULL-terminated */

/* Append src to dst (len bytes, *used of them used), control bytes, '\'
 * and non-ASCII as \xNN; false where the next one did not fit. */
static bool escape(char *dst, size_t len, size_t *used, const char *src)
{
	for (; *src != '\0'; src++) {
		unsigned char c = (unsigned char)*src;
		int n = snprintf(dst + *used, len - *used, c < 0x20 ||
		    c >= 0x7f || c == '\\' ? "\\x%02x" : "%c", c);
		if (n < 0 || *used + (size_t)n >= len) {
			dst[*used] = '\0';
			return false;
		}
		*used += (size_t)n;
	}
	return true;
}

void policy_log(bool allowed, const char *fmt, ...)
{
	static char command[COMMAND_MAX];
	size_t used = 0, len, room = COMMAND_MAX - strlen(CUT);
	char *raw, *line;
	va_list ap;
	int i;

	/* Logged: the die() that follows a denial must not log it again. */
	if (!allowed)
		die_log_hook = NULL;
	va_start(ap, fmt);
	raw = must_alloc(vasprintf(&raw, fmt, ap) < 0 ? NULL : raw);
	va_end(ap);
	line = must_alloc(malloc(len = strlen(raw) * 4 + 1));
	escape(line, len, &used, raw);
	if (used > LINE_ROOM && allowed)
		die("policy", "the request is too long to log (%zu bytes "
		    "escaped, at most %d)", used, LINE_ROOM);
	if (used > LINE_ROOM)
		strcpy(line + (used = LINE_ROOM) - strlen(CUT), CUT);
#ifdef PRIVRUN_MUSL
	/* The command line gets what the rest leaves of 960. */
	room = MIN(room, MUSL_ROOM - used - 16 - strlen(CUT));
#endif
	used = 0;
	command[0] = '\0';
	for (i = 1; saved_argv != NULL && saved_argv[i] != NULL; i++)
		if (!escape(command, room, &used, i > 1 ? " " : "") ||
		    !escape(command, room, &used, saved_argv[i])) {
			strcpy(command + used, CUT);
			break;
		}
	openlog("privrun", LOG_PID, LOG_AUTHPRIV);
	syslog(allowed ? LOG_INFO : LOG_NOTICE, "%s; command line: %s", line,
	    command);
	closelog();
	free(raw);
	free(line);
}

/* die.h's hook: privrun is about to exit 125 with this message. */
static void log_failure(const char *step, const char *fmt, va_list ap,
    const char *reason)
{
	char *msg;

	msg = vasprintf(&msg, fmt, ap) < 0 ? NULL : msg;
	policy_log(false, "refused: privrun: %s: %s%s%s; request: uid %u",
	    step, msg ? msg : fmt, reason ? ": " : "", reason ? reason : "",
	    (unsigned)privs_caller_uid());
	free(msg);
}

void policy_log_start(char **argv)
{
	saved_argv = argv;
	die_log_hook = log_failure;
}
