/* SPDX-License-Identifier: ISC */
/*
 * otherarch.c: make one system call through another architecture's entry,
 * for tests/intercept.bats: "i386" is getpid by int $0x80 (i386 numbers,
 * as socketcall(2) would go), "x32" is getpid with __X32_SYSCALL_BIT.
 * Prints "returned N" if the call came back.
 */
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long rc = -1;

	if (argc != 2)
		return 2;
#if defined(__x86_64__)
	if (strcmp(argv[1], "i386") == 0) {
		long nr = 20;	/* i386 getpid */
		__asm__ volatile ("int $0x80" : "=a"(rc) : "a"(nr) : "memory");
	} else if (strcmp(argv[1], "x32") == 0) {
		rc = syscall(0x40000000L | SYS_getpid);
	}
#endif
	printf("returned %ld\n", rc);
	return 0;
}
