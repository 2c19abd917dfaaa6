/* SPDX-License-Identifier: ISC */
/*
 * caps.h: capability names for --keep-caps, as capabilities(7) spells
 * them, with or without "cap_", in any case.  Pure: no privileges.
 */
#ifndef PRIVRUN_CAPS_H
#define PRIVRUN_CAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Parse "net_bind_service,CAP_SYS_TIME" into a bit mask (bit N = cap N). */
bool caps_parse(const char *list, uint64_t *mask, char *err, size_t errlen);
/* "cap_net_bind_service,cap_sys_time", or "" for none. */
void caps_format(uint64_t mask, char *buf, size_t len);

#endif
