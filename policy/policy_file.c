/* SPDX-License-Identifier: ISC */
/*
 * policy_file.c: open and check the policy file, as doas(1) checks
 * doas.conf: the checks are made with fstat(2) on the fd that is read, so
 * the file cannot be swapped between check and read, and the directories
 * above it are checked too, since whoever can write one of them can replace
 * the file.  Any failed check makes the file unusable, which denies
 * everything: a policy that might have been written by someone other than
 * root is no policy.  It reads; it never changes privileges (its caller
 * decides with which rights the file is opened).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "die.h"
#include "policy.h"

/* An error with strerror(errnum) unless 0, and false. */
#define FAIL(errnum, ...) (error_into(err, errlen, errnum, __VA_ARGS__), false)

/* Root's, and writable by no one else (not even a sticky /tmp). */
static const char *unsafe_mode(const struct stat *st)
{
	if (st->st_uid != 0)
		return "is not owned by root";
	if (st->st_mode & S_IWOTH)
		return "is writable by others";
	if (st->st_mode & S_IWGRP)
		return "is writable by its group";
	return NULL;
}

/* Every directory above path, from its parent up to "/". */
bool policy_dirs_safe(const char *path, char *err, size_t errlen)
{
	static char dir[4096];
	struct stat st;
	const char *why;
	char *slash;

	if (path[0] != '/' || strlen(path) >= sizeof(dir))
		return FAIL(0, "%s: not an absolute path", path);
	strcpy(dir, path);
	while ((slash = strrchr(dir, '/')) != NULL) {
		slash[slash == dir] = '\0';	/* "/etc" -> "/" stays "/" */
		if (fstatat(AT_FDCWD, dir, &st, AT_SYMLINK_NOFOLLOW) != 0)
			return FAIL(errno, "%s: directory %s", path, dir);
		if (!S_ISDIR(st.st_mode))
			return FAIL(0, "%s: %s is not a directory (a symbolic "
			    "link?)", path, dir);
		if ((why = unsafe_mode(&st)) != NULL)
			return FAIL(0, "%s: directory %s %s", path, dir, why);
		if (strcmp(dir, "/") == 0)
			break;
	}
	return true;
}

static bool file_safe(const char *path, int fd, char *err, size_t errlen)
{
	struct stat st;
	const char *why;

	if (fstat(fd, &st) != 0)
		return FAIL(errno, "%s: fstat", path);
	if (!S_ISREG(st.st_mode))
		return FAIL(0, "%s: not a regular file", path);
	if ((why = unsafe_mode(&st)) != NULL)
		return FAIL(0, "%s: %s", path, why);
	return true;
}

/* Read at most POLICY_MAX_SIZE bytes; one more means the file is larger. */
static bool read_all(const char *path, int fd, char *buf, size_t *len,
    char *err, size_t errlen)
{
	ssize_t n = 1;

	for (*len = 0; n > 0 && *len <= POLICY_MAX_SIZE; *len += (size_t)n)
		if ((n = read(fd, buf + *len, POLICY_MAX_SIZE + 1 - *len)) < 0)
			return FAIL(errno, "%s: read", path);
	if (*len > POLICY_MAX_SIZE)
		return FAIL(0, "%s: larger than %d bytes", path,
		    POLICY_MAX_SIZE);
	return true;
}

enum policy_load_result policy_load(const char *path, bool check_safety,
    struct policy *p, char *err, size_t errlen)
{
	static char buf[POLICY_MAX_SIZE + 1];
	size_t len;
	bool ok;
	int fd;

	memset(p, 0, sizeof(*p));
	/* O_NONBLOCK: a FIFO put there must not hang privrun. */
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY |
	    O_NONBLOCK);
	if (fd < 0 && errno == ENOENT)
		return POLICY_ABSENT;
	if (fd < 0) {
		error_into(err, errlen, errno == ELOOP ? 0 : errno, "%s%s",
		    path, errno == ELOOP ? ": is a symbolic link" : "");
		return POLICY_UNUSABLE;
	}
	ok = (!check_safety || (file_safe(path, fd, err, errlen) &&
	    policy_dirs_safe(path, err, errlen))) &&
	    read_all(path, fd, buf, &len, err, errlen) &&
	    policy_parse(buf, len, path, p, err, errlen);
	close(fd);
	return ok ? POLICY_LOADED : POLICY_UNUSABLE;
}
