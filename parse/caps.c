/* SPDX-License-Identifier: ISC */
/*
 * caps.c: capability names to bits and back, through libcap-ng's table of
 * the names this system knows.  An unknown name is an error, never ignored:
 * a typo must not silently keep less (or, later, more) than asked for.
 */
#include <cap-ng.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "caps.h"

bool caps_parse(const char *list, uint64_t *mask, char *err, size_t errlen)
{
	char name[64];
	const char *p = list;

	*mask = 0;
	for (;;) {
		size_t len = strcspn(p, ",");
		const char *bare = p;
		int cap;

		if (len == 0 || len >= sizeof(name)) {
			snprintf(err, errlen, "--keep-caps '%s': empty or "
			    "overlong capability name", list);
			return false;
		}
		if (len > 4 && strncasecmp(p, "cap_", 4) == 0) {
			bare += 4;
			len -= 4;
		}
		memcpy(name, bare, len);
		name[len] = '\0';
		cap = capng_name_to_capability(name);
		if (cap < 0 || cap > 63) {
			snprintf(err, errlen, "--keep-caps: unknown capability "
			    "'%.*s'", (int)strcspn(p, ","), p);
			return false;
		}
		*mask |= UINT64_C(1) << cap;
		p += strcspn(p, ",");
		if (*p == '\0')
			return true;
		p++;
	}
}

void caps_format(uint64_t mask, char *buf, size_t len)
{
	size_t used = 0;
	int c;

	buf[0] = '\0';
	for (c = 0; c < 64; c++) {
		const char *n;
		int w;

		if (!(mask & (UINT64_C(1) << c)))
			continue;
		n = capng_capability_to_name((unsigned)c);
		w = snprintf(buf + used, len - used, "%scap_%s",
		    used ? "," : "", n ? n : "unknown");
		if (w < 0 || (size_t)w >= len - used)
			return;
		used += (size_t)w;
	}
}
