/* SPDX-License-Identifier: ISC */
/*
 * exec.h: replace privrun with the program; never returns.
 */
#ifndef PRIVRUN_EXEC_H
#define PRIVRUN_EXEC_H

/* The PATH searched, and given to the program, when none can be trusted. */
#define EXEC_SAFE_PATH \
	"/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/*
 * execve argv[0], searched in path when it has no '/'.  On failure prints
 * "privrun: exec: PROGRAM: REASON" and exits 127 (not found) or 126.
 */
__attribute__((noreturn))
void exec_program(char **argv, const char *path);

#endif
