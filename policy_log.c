/* SPDX-License-Identifier: ISC */
/*
 * policy_log.c: one syslog line (authpriv, as sudo and doas log) for every
 * request an untrusted caller makes: allowed, denied by the policy, or
 * refused by any other failure from the start on (die.h's hook), such as a
 * bad spec or an unknown user.  The line is "DECISION; request: REQUEST;
 * command line: ARGS": the decision and the request (target, binds, opens)
 * come first and are never cut; only the command line is, at a bound, and
 * the cut is marked "...[cut]".  Everything the caller chose is escaped, so
 * that it cannot forge a second log line or hide in control characters.
 * The log socket is opened and closed around each message: it must never
 * be open while privrun places the resources at fds 3, 4, ...
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <syslog.h>
#include <time.h>

#include "die.h"
#include "policy_log.h"
#include "privs.h"

#define CUT "...[cut]"
#define COMMAND_MAX 1024	/* bytes of the escaped command line, CUT too */

static int saved_argc;
static char **saved_argv;

/* Append c escaped, if it fits in len bytes with the terminating NUL. */
static bool append_escaped(char *dst, size_t len, size_t *used,
    unsigned char c)
{
	char one[8];
	size_t n;

	if (c < 0x20 || c >= 0x7f || c == '\\')
		snprintf(one, sizeof(one), "\\x%02x", c);
	else
		snprintf(one, sizeof(one), "%c", c);
	n = strlen(one);
	if (*used + n >= len)
		return false;
	memcpy(dst + *used, one, n + 1);
	*used += n;
	return true;
}

/* src escaped, in full, on the heap. */
static char *escaped(const char *src)
{
	size_t len = strlen(src) * 4 + 1, used = 0;
	char *dst = malloc(len);

	if (dst == NULL)
		die_errno("log", "malloc");
	dst[0] = '\0';
	while (*src != '\0')
		append_escaped(dst, len, &used, (unsigned char)*src++);
	return dst;
}

/* privrun's arguments after argv[0], escaped, cut to COMMAND_MAX bytes. */
static void command_line(char *dst)
{
	size_t used = 0, room = COMMAND_MAX - strlen(CUT);
	const char *p;
	int i;

	dst[0] = '\0';
	for (i = 1; i < saved_argc; i++) {
		if (i > 1 && !append_escaped(dst, room, &used, ' '))
			goto cut;
		for (p = saved_argv[i]; *p != '\0'; p++)
			if (!append_escaped(dst, room, &used, (unsigned char)*p))
				goto cut;
	}
	return;
cut:
	memcpy(dst + used, CUT, sizeof(CUT));
}

void policy_log(bool allowed, const char *request, const char *fmt, ...)
{
	static char command[COMMAND_MAX];
	char *decision, *esc_decision, *esc_request, *tz;
	va_list ap;

	/* Logged: the die() that follows a denial must not log it again. */
	if (!allowed)
		die_set_hook(NULL);
	va_start(ap, fmt);
	if (vasprintf(&decision, fmt, ap) < 0)
		die_errno("log", "vasprintf");
	va_end(ap);
	esc_decision = escaped(decision);
	esc_request = escaped(request);
	command_line(command);
	/* syslog(3) stamps local time, which the caller's TZ would choose:
	 * log in the system's zone, and put TZ back for the program, which
	 * may keep the caller's environment. */
	tz = getenv("TZ") != NULL ? strdup(getenv("TZ")) : NULL;
	unsetenv("TZ");
	tzset();
	openlog("privrun", LOG_PID, LOG_AUTHPRIV);
	syslog(allowed ? LOG_INFO : LOG_NOTICE, "%s; request: %s; command "
	    "line: %s", esc_decision, esc_request, command);
	closelog();
	if (tz != NULL && setenv("TZ", tz, 1) != 0)
		die_errno("environment", "TZ");
	free(tz);
	free(decision);
	free(esc_decision);
	free(esc_request);
}

/* die.h's hook: privrun is about to exit 125 with this message. */
static void log_failure(const char *step, const char *fmt, va_list ap,
    const char *reason)
{
	char *msg, uid[32];

	die_set_hook(NULL);	/* a failure in here must not come back */
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	snprintf(uid, sizeof(uid), "uid %u", (unsigned)privs_caller_uid());
	policy_log(false, uid, "refused: privrun: %s: %s%s%s", step,
	    msg ? msg : fmt, reason ? ": " : "", reason ? reason : "");
	free(msg);
}

void policy_log_start(int argc, char **argv)
{
	saved_argc = argc;
	saved_argv = argv;
	die_set_hook(log_failure);
}

void policy_log_stop(void)
{
	die_set_hook(NULL);
}
