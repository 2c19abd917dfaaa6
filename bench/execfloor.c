/* SPDX-License-Identifier: ISC */
/*
 * execfloor.c: the physical floor of any wrapper, one extra execve.  Built
 * static (no dynamic loader, no libc start-up beyond the minimum), it execs
 * its arguments and does nothing else.  The reference figure for
 * this is about 0.44 ms over /bin/true.  Benchmark only.
 *
 * usage: execfloor PROGRAM [ARG]...
 */
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 2)
		return 125;
	execv(argv[1], argv + 1);
	return 127;
}
