/* SPDX-License-Identifier: ISC */
/*
 * proc_status.h: the credentials of this process as the kernel reports
 * them in /proc/self/status (proc(5)), read once, for the verification
 * after a drop.  One read of the kernel's own account of every id, every
 * capability set and no_new_privs, instead of a system call per
 * capability.
 */
#ifndef PRIVRUN_PROC_STATUS_H
#define PRIVRUN_PROC_STATUS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct proc_status {
	uid_t uid[4];		/* real, effective, saved, file system */
	gid_t gid[4];
	uint64_t cap_inh, cap_prm, cap_eff, cap_bnd, cap_amb;
	int no_new_privs;
};

/*
 * Read /proc/self/status.  Returns 0, or -1 with a message in err (and
 * errno set when a system call failed) when the file cannot be read, is
 * not on procfs, or lacks one of the lines above.
 */
int proc_status_read(struct proc_status *ps, char *err, size_t errlen);

/* Parse the text of a status file; the same contract.  For tests. */
int proc_status_parse(const char *text, size_t len, struct proc_status *ps,
    char *err, size_t errlen);

#endif
