/* SPDX-License-Identifier: ISC */
/*
 * policy_log.c: one syslog line (authpriv, as sudo and doas log) for every
 * request an untrusted caller makes, allowed or denied.  What the caller
 * chose (program, arguments, specs) is escaped, so that it cannot forge a
 * second log line or hide in control characters.  The log socket is opened
 * and closed around each message: it must never be open while privrun
 * places the resources at fds 3, 4, ...
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <syslog.h>
#include <time.h>

#include "die.h"
#include "policy_log.h"

void policy_log_escape(char *dst, size_t len, const char *src)
{
	size_t used = 0;

	if (len == 0)
		return;
	for (; *src != '\0'; src++) {
		unsigned char c = (unsigned char)*src;
		char one[8];
		size_t n;
		if (c < 0x20 || c >= 0x7f || c == '\\')
			snprintf(one, sizeof(one), "\\x%02x", c);
		else
			snprintf(one, sizeof(one), "%c", c);
		n = strlen(one);
		if (used + n >= len)
			break;
		memcpy(dst + used, one, n);
		used += n;
	}
	dst[used] = '\0';
}

void policy_log(bool allowed, const char *fmt, ...)
{
	static char msg[4096], *tz;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* syslog(3) stamps local time, which the caller's TZ would choose:
	 * log in the system's zone, and put TZ back for the program, which
	 * may keep the caller's environment. */
	tz = getenv("TZ") != NULL ? strdup(getenv("TZ")) : NULL;
	unsetenv("TZ");
	tzset();
	openlog("privrun", LOG_PID, LOG_AUTHPRIV);
	syslog(allowed ? LOG_INFO : LOG_NOTICE, "%s", msg);
	closelog();
	if (tz != NULL && setenv("TZ", tz, 1) != 0)
		die_errno("environment", "TZ");
	free(tz);
}
