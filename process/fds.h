/* SPDX-License-Identifier: ISC */
/*
 * fds.h: file descriptor hygiene (privrun(1), SECURITY CONSIDERATIONS,
 * "File descriptors and start-up").  Only fds 0-2 and the passed resources
 * reach the program.
 */
#ifndef PRIVRUN_FDS_H
#define PRIVRUN_FDS_H

#define FDS_FIRST_PASSED 3	/* sd_listen_fds(3): SD_LISTEN_FDS_START */

/* Open fds 0-2 on /dev/null where closed; mark every fd >= 3 close-on-exec. */
void fds_tidy_at_start(void);
/* Close every fd from first on, just before exec. */
void fds_close_from(int first);

#endif
