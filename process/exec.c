/* SPDX-License-Identifier: ISC */
/*
 * exec.c: the final execve and its exit status (126 found but not
 * executable, 127 not found), as env(1) and the shells report them.  It runs
 * after the drop, so the search sees the file system as the target user.
 * There is no /bin/sh fallback for ENOEXEC: privrun runs exactly the file
 * named.
 */
#include <errno.h>
#include <stdbool.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "die.h"
#include "exec.h"

extern char **environ;

static int status_for(int err)
{
	return err == ENOENT || err == ENOTDIR || err == ENAMETOOLONG ||
	    err == ELOOP ? EXIT_NOT_FOUND : EXIT_CANNOT_RUN;
}

/*
 * Whether a failed execve in a PATH search found a file that cannot run.
 * EACCES also comes from a PATH directory the user may not search; then
 * stat fails too, and the program was simply not found there.
 */
static bool found_but_cannot_run(const char *file, int err)
{
	struct stat sb;

	if (status_for(err) == EXIT_NOT_FOUND)
		return false;
	return err != EACCES || stat(file, &sb) == 0;
}

void exec_program(char **argv, const char *path)
{
	const char *prog = argv[0], *dir = path;
	char file[PATH_MAX];
	int first_err = 0;

	if (strchr(prog, '/') != NULL) {
		execve(prog, argv, environ);
		first_err = errno;
		die_status(status_for(first_err), "exec", "%s: %s", prog,
		    strerror(first_err));
	}
	while (prog[0] != '\0' && dir != NULL) {
		const char *end = strchr(dir, ':');
		size_t len = end ? (size_t)(end - dir) : strlen(dir);
		int n = snprintf(file, sizeof(file), "%.*s%s%s", (int)len, dir,
		    len ? "/" : "", prog);

		if (n > 0 && (size_t)n < sizeof(file)) {
			execve(file, argv, environ);
			/* Keep looking past missing entries; remember why a
			 * found one could not run (execvp(3) does the same). */
			int err = errno;
			if (first_err == 0 && found_but_cannot_run(file, err))
				first_err = err;
		}
		dir = end ? end + 1 : NULL;
	}
	if (first_err != 0)
		die_status(EXIT_CANNOT_RUN, "exec", "%s: %s", prog,
		    strerror(first_err));
	die_status(EXIT_NOT_FOUND, "exec", "%s: command not found in PATH",
	    prog);
}
