/* SPDX-License-Identifier: ISC */
/*
 * noargv PROGRAM: execve PROGRAM with an empty argument vector (argc == 0),
 * the start that CVE-2021-4034 (pkexec) abused.  The environment is kept.
 */
#include <stdio.h>
#include <unistd.h>

extern char **environ;

int main(int argc, char **argv)
{
	char *empty[] = { NULL };

	if (argc != 2) {
		fputs("usage: noargv PROGRAM\n", stderr);
		return 2;
	}
	execve(argv[1], empty, environ);
	perror("noargv: execve");
	return 2;
}
