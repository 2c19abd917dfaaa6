/* SPDX-License-Identifier: ISC */
/*
 * proc_status_test: proc_status.c against the kernel and against broken
 * texts.  First what proc_status_read() reports is compared with what
 * getresuid(2), getresgid(2), setfsuid(2), capget(2) and prctl(2) report
 * for this process; then proc_status_parse() must refuse each text that
 * lacks a line, repeats one or spoils one.  Prints one line per check and
 * exits 1 if any failed.
 */
#define _GNU_SOURCE
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "proc_status.h"

static int failed;

static void check(const char *what, int ok)
{
	printf("%s %s\n", ok ? "ok" : "FAIL", what);
	failed |= !ok;
}

static uint64_t capset_of(const struct __user_cap_data_struct *d, int which)
{
	uint32_t lo = which == 0 ? d[0].effective : which == 1 ?
	    d[0].permitted : d[0].inheritable;
	uint32_t hi = which == 0 ? d[1].effective : which == 1 ?
	    d[1].permitted : d[1].inheritable;

	return (uint64_t)hi << 32 | lo;
}

static void against_kernel(void)
{
	struct __user_cap_header_struct head = {
		.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = { 0 };
	struct proc_status ps;
	uid_t r, e, s;
	gid_t rg, eg, sg;
	uint64_t amb = 0, bnd = 0;
	char err[160];
	int c;

	check("read /proc/self/status", proc_status_read(&ps, err,
	    sizeof(err)) == 0);
	if (getresuid(&r, &e, &s) != 0 || getresgid(&rg, &eg, &sg) != 0 ||
	    syscall(SYS_capget, &head, data) != 0) {
		perror("proc_status_test");
		exit(2);
	}
	for (c = 0; c < 64 && prctl(PR_CAPBSET_READ, c, 0, 0, 0) >= 0; c++) {
		if (prctl(PR_CAPBSET_READ, c, 0, 0, 0) == 1)
			bnd |= UINT64_C(1) << c;
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, c, 0, 0) == 1)
			amb |= UINT64_C(1) << c;
	}
	check("uids", ps.uid[0] == r && ps.uid[1] == e && ps.uid[2] == s &&
	    ps.uid[3] == (uid_t)setfsuid((uid_t)-1));
	check("gids", ps.gid[0] == rg && ps.gid[1] == eg && ps.gid[2] == sg &&
	    ps.gid[3] == (gid_t)setfsgid((gid_t)-1));
	check("effective", ps.cap_eff == capset_of(data, 0));
	check("permitted", ps.cap_prm == capset_of(data, 1));
	check("inheritable", ps.cap_inh == capset_of(data, 2));
	check("bounding", ps.cap_bnd == bnd);
	check("ambient", ps.cap_amb == amb);
	check("no_new_privs", ps.no_new_privs ==
	    prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
}

#define GOOD_IDS "Uid:\t1\t2\t3\t4\nGid:\t5\t6\t7\t8\n"
#define GOOD_CAPS "CapInh:\t0000000000000000\nCapPrm:\t0000000000000400\n" \
	"CapEff:\t0000000000000000\nCapBnd:\t000001ffffffffff\n" \
	"CapAmb:\t0000000000000000\n"
#define GOOD_NNP "NoNewPrivs:\t1\n"

static int parses(const char *text)
{
	struct proc_status ps;
	char err[160];

	return proc_status_parse(text, strlen(text), &ps, err,
	    sizeof(err)) == 0;
}

static void against_texts(void)
{
	struct proc_status ps;
	char err[160];
	const char *good = "Name:\tx\n" GOOD_IDS "Groups:\t1 2\n" GOOD_CAPS
	    GOOD_NNP "Seccomp:\t0\n";

	check("a whole text parses", proc_status_parse(good, strlen(good),
	    &ps, err, sizeof(err)) == 0 && ps.uid[0] == 1 && ps.uid[3] == 4 &&
	    ps.gid[2] == 7 && ps.cap_prm == 0x400 &&
	    ps.cap_bnd == UINT64_C(0x1ffffffffff) && ps.no_new_privs == 1);
	check("no CapAmb line", !parses(GOOD_IDS
	    "CapInh:\t0\nCapPrm:\t0\nCapEff:\t0\nCapBnd:\t0\n" GOOD_NNP));
	check("no NoNewPrivs line", !parses(GOOD_IDS GOOD_CAPS));
	check("no Uid line", !parses("Gid:\t5\t6\t7\t8\n" GOOD_CAPS GOOD_NNP));
	check("a Uid line twice", !parses(GOOD_IDS "Uid:\t0\t0\t0\t0\n"
	    GOOD_CAPS GOOD_NNP));
	check("three uids", !parses("Uid:\t1\t2\t3\nGid:\t5\t6\t7\t8\n"
	    GOOD_CAPS GOOD_NNP));
	check("five gids", !parses("Uid:\t1\t2\t3\t4\nGid:\t5\t6\t7\t8\t9\n"
	    GOOD_CAPS GOOD_NNP));
	check("a uid past 32 bits", !parses("Uid:\t1\t2\t3\t4294967296\n"
	    "Gid:\t5\t6\t7\t8\n" GOOD_CAPS GOOD_NNP));
	check("a set past 64 bits", !parses(GOOD_IDS
	    "CapInh:\t10000000000000000\nCapPrm:\t0\nCapEff:\t0\n"
	    "CapBnd:\t0\nCapAmb:\t0\n" GOOD_NNP));
	check("a set with a stray character", !parses(GOOD_IDS
	    "CapInh:\t0\nCapPrm:\t0\nCapEff:\t00z\nCapBnd:\t0\nCapAmb:\t0\n"
	    GOOD_NNP));
	check("an empty set", !parses(GOOD_IDS
	    "CapInh:\t0\nCapPrm:\t0\nCapEff:\t\nCapBnd:\t0\nCapAmb:\t0\n"
	    GOOD_NNP));
	check("NoNewPrivs 2", !parses(GOOD_IDS GOOD_CAPS "NoNewPrivs:\t2\n"));
}

int main(void)
{
	against_kernel();
	against_texts();
	return failed;
}
