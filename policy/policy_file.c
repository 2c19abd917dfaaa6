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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "die.h"
#include "policy_file.h"

#define FAIL(...) (error_into(err, errlen, 0, __VA_ARGS__), POLICY_UNUSABLE)

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
static enum policy_load_result check_directories(const char *path,
    char *err, size_t errlen)
{
	static char dir[4096];
	struct stat st;
	const char *why;
	char *slash;

	if (path[0] != '/' || strlen(path) >= sizeof(dir))
		return FAIL("%s: not an absolute path", path);
	strcpy(dir, path);
	while ((slash = strrchr(dir, '/')) != NULL) {
		slash[slash == dir] = '\0';	/* "/etc" -> "/" stays "/" */
		if (fstatat(AT_FDCWD, dir, &st, AT_SYMLINK_NOFOLLOW) != 0)
			return FAIL("%s: directory %s: %s", path, dir,
			    strerror(errno));
		if (!S_ISDIR(st.st_mode))
			return FAIL("%s: %s is not a directory (a symbolic "
			    "link?)", path, dir);
		if ((why = unsafe_mode(&st)) != NULL)
			return FAIL("%s: directory %s %s", path, dir, why);
		if (strcmp(dir, "/") == 0)
			break;
	}
	return POLICY_LOADED;
}

static enum policy_load_result check_file(const char *path, int fd,
    char *err, size_t errlen)
{
	struct stat st;
	const char *why;

	if (fstat(fd, &st) != 0)
		return FAIL("%s: fstat: %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return FAIL("%s: not a regular file", path);
	if ((why = unsafe_mode(&st)) != NULL)
		return FAIL("%s: %s", path, why);
	if (st.st_size > POLICY_MAX_SIZE)
		return FAIL("%s: larger than %d bytes", path, POLICY_MAX_SIZE);
	return POLICY_LOADED;
}

/* Read at most POLICY_MAX_SIZE bytes; one more means the file grew. */
static enum policy_load_result read_all(const char *path, int fd, char *buf,
    size_t *len, char *err, size_t errlen)
{
	ssize_t n;

	*len = 0;
	do {
		n = read(fd, buf + *len, POLICY_MAX_SIZE + 1 - *len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return FAIL("%s: read: %s", path, strerror(errno));
		*len += (size_t)n;
	} while (n > 0 && *len <= POLICY_MAX_SIZE);
	if (*len > POLICY_MAX_SIZE)
		return FAIL("%s: larger than %d bytes", path, POLICY_MAX_SIZE);
	return POLICY_LOADED;
}

static int open_policy(const char *path)
{
	/* O_NONBLOCK: a FIFO put there must not hang privrun. */
	return open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY |
	    O_NONBLOCK);
}

enum policy_load_result policy_load(const char *path, bool check_safety,
    struct policy *p, char *err, size_t errlen)
{
	enum policy_load_result rc = POLICY_LOADED;
	char *buf;
	size_t len = 0;
	int fd;

	memset(p, 0, sizeof(*p));
	fd = open_policy(path);
	if (fd < 0 && errno == ENOENT)
		return POLICY_ABSENT;
	if (fd < 0 && errno == ELOOP)
		return FAIL("%s: is a symbolic link", path);
	if (fd < 0)
		return FAIL("%s: %s", path, strerror(errno));
	buf = malloc(POLICY_MAX_SIZE + 1);
	if (buf == NULL)
		rc = FAIL("%s: out of memory", path);
	if (rc == POLICY_LOADED && check_safety)
		rc = check_file(path, fd, err, errlen);
	if (rc == POLICY_LOADED && check_safety)
		rc = check_directories(path, err, errlen);
	if (rc == POLICY_LOADED)
		rc = read_all(path, fd, buf, &len, err, errlen);
	if (rc == POLICY_LOADED && !policy_parse(buf, len, path, p, err,
	    errlen))
		rc = POLICY_UNUSABLE;
	free(buf);
	close(fd);
	return rc;
}

bool policy_dirs_safe(const char *path, char *err, size_t errlen)
{
	return check_directories(path, err, errlen) == POLICY_LOADED;
}
