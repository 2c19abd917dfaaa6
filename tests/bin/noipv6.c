/* SPDX-License-Identifier: ISC */
/*
 * noipv6 PROGRAM [ARG]...: run PROGRAM as if the kernel had no IPv6:
 * socket(AF_INET6, ...) fails with EAFNOSUPPORT, as with ipv6.disable=1.
 * A seccomp filter (loaded with CAP_SYS_ADMIN, so no_new_privs stays
 * unset) does it, for PROGRAM and everything it runs.
 */
#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);

	if (argc < 2 || ctx == NULL) {
		fputs("usage: noipv6 PROGRAM [ARG]...\n", stderr);
		return 2;
	}
	if (seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0) != 0 ||
	    seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EAFNOSUPPORT),
	    SCMP_SYS(socket), 1, SCMP_A0(SCMP_CMP_EQ, AF_INET6)) != 0 ||
	    seccomp_load(ctx) != 0) {
		fputs("noipv6: cannot load the seccomp filter\n", stderr);
		return 2;
	}
	execv(argv[1], argv + 1);
	perror("noipv6: execv");
	return 2;
}
