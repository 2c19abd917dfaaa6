/* SPDX-License-Identifier: ISC */
/*
 * proc_status.c: read this process's ids, capability sets and
 * no_new_privs from /proc/self/status, in one pass over the file.
 *
 * The file is read whole, onto the heap (a "Groups:" line can hold
 * thousands of groups).  Every wanted line must be there once and be well
 * formed, or the read fails: the verification that relies on it must not
 * pass on a short read.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "proc_status.h"

enum field {
	F_UID, F_GID, F_CAPINH, F_CAPPRM, F_CAPEFF, F_CAPBND, F_CAPAMB, F_NNP,
	F_COUNT
};

#define KEY(k) { k, sizeof(k) - 1 }
static const struct {
	const char *text;
	size_t len;
} field_key[F_COUNT] = {
	KEY("Uid:"), KEY("Gid:"), KEY("CapInh:"), KEY("CapPrm:"),
	KEY("CapEff:"), KEY("CapBnd:"), KEY("CapAmb:"), KEY("NoNewPrivs:"),
};

struct parser {
	struct proc_status *ps;
	unsigned seen;		/* bit per field */
	char *err;
	size_t errlen;
};

static int parse_fail(struct parser *p, const char *what)
{
	snprintf(p->err, p->errlen, "/proc/self/status: %s", what);
	errno = 0;
	return -1;
}

/* One number in base 10 or 16 after tabs or spaces; *s moves past it. */
static bool number(const char **s, const char *end, unsigned base,
    uint64_t max, uint64_t *out)
{
	const char *c = *s;
	uint64_t v = 0;
	bool any = false;

	while (c < end && (*c == '\t' || *c == ' '))
		c++;
	for (; c < end; c++) {
		unsigned d;
		if (*c >= '0' && *c <= '9')
			d = (unsigned)(*c - '0');
		else if (base == 16 && *c >= 'a' && *c <= 'f')
			d = (unsigned)(*c - 'a' + 10);
		else
			break;
		if (v > (max - d) / base)
			return false;
		v = v * base + d;
		any = true;
	}
	*s = c;
	*out = v;
	return any;
}

/* Four ids, as the Uid: and Gid: lines give them. */
static bool four_ids(const char *s, const char *end, uint32_t out[4])
{
	uint64_t v;
	int i;

	for (i = 0; i < 4; i++) {
		if (!number(&s, end, 10, UINT32_MAX, &v))
			return false;
		out[i] = (uint32_t)v;
	}
	return s == end;
}

static bool one_number(const char *s, const char *end, unsigned base,
    uint64_t *out)
{
	return number(&s, end, base, UINT64_MAX, out) && s == end;
}

static bool parse_field(struct parser *p, enum field f, const char *s,
    const char *end)
{
	struct proc_status *ps = p->ps;
	uint64_t nnp;

	switch (f) {
	case F_UID:	return four_ids(s, end, ps->uid);
	case F_GID:	return four_ids(s, end, ps->gid);
	case F_CAPINH:	return one_number(s, end, 16, &ps->cap_inh);
	case F_CAPPRM:	return one_number(s, end, 16, &ps->cap_prm);
	case F_CAPEFF:	return one_number(s, end, 16, &ps->cap_eff);
	case F_CAPBND:	return one_number(s, end, 16, &ps->cap_bnd);
	case F_CAPAMB:	return one_number(s, end, 16, &ps->cap_amb);
	default:	/* F_NNP: feed_line() passes no F_COUNT */
		if (!one_number(s, end, 10, &nnp) || nnp > 1)
			return false;
		ps->no_new_privs = (int)nnp;
		return true;
	}
}

/* Which field a line holds, F_COUNT for none. */
static enum field field_of(const char *line, size_t len)
{
	enum field f;

	for (f = 0; f < F_COUNT; f++)
		if (len >= field_key[f].len &&
		    memcmp(line, field_key[f].text, field_key[f].len) == 0)
			return f;
	return F_COUNT;
}

static bool complete(const struct parser *p)
{
	return p->seen == (1u << F_COUNT) - 1;
}

/* One line, without its newline. */
static int feed_line(struct parser *p, const char *line, size_t len)
{
	enum field f = field_of(line, len);

	if (f == F_COUNT)
		return 0;
	if (p->seen & (1u << f))
		return parse_fail(p, "a line appears twice");
	if (!parse_field(p, f, line + field_key[f].len, line + len))
		return parse_fail(p, "malformed line");
	p->seen |= 1u << f;
	return 0;
}

int proc_status_parse(const char *text, size_t len, struct proc_status *ps,
    char *err, size_t errlen)
{
	struct parser p = { ps, 0, err, errlen };
	const char *end = text + len;

	memset(ps, 0, sizeof(*ps));
	while (text < end && !complete(&p)) {
		const char *nl = memchr(text, '\n', (size_t)(end - text));
		const char *stop = nl ? nl : end;
		if (feed_line(&p, text, (size_t)(stop - text)) != 0)
			return -1;
		text = nl ? nl + 1 : end;
	}
	if (!complete(&p))
		return parse_fail(&p, "ids, capabilities or NoNewPrivs missing");
	return 0;
}

static int read_fail(char *err, size_t errlen, const char *what)
{
	int saved = errno;

	snprintf(err, errlen, "/proc/self/status: %s: %s", what,
	    strerror(saved));
	errno = saved;
	return -1;
}

/* The file must be procfs's: anything else mounted there could lie. */
static int open_status(char *err, size_t errlen)
{
	struct statfs sf;
	int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0)
		return read_fail(err, errlen, "open");
	if (fstatfs(fd, &sf) != 0) {
		read_fail(err, errlen, "fstatfs");
	} else if (sf.f_type != PROC_SUPER_MAGIC) {
		errno = EXDEV;
		read_fail(err, errlen, "not on procfs");
	} else {
		return fd;
	}
	close(fd);
	return -1;
}

/* Most a status file can be: 65536 groups of up to 10 digits, and more. */
#define STATUS_MAX (1 << 20)

int proc_status_read(struct proc_status *ps, char *err, size_t errlen)
{
	size_t size = 4096, len = 0;
	char *buf = malloc(size), *grown;
	int fd = open_status(err, errlen), rc = -1;
	ssize_t n = buf == NULL ? -1 : 1;

	while (fd >= 0 && n != 0) {
		grown = len < size ? buf : size < STATUS_MAX ?
		    realloc(buf, size *= 2) : NULL;
		if (grown == NULL) {
			n = -1;
			break;
		}
		buf = grown;
		n = read(fd, buf + len, size - len);
		if (n < 0 && errno != EINTR)
			break;
		len += n > 0 ? (size_t)n : 0;
	}
	if (fd >= 0 && n == 0)
		rc = proc_status_parse(buf, len, ps, err, errlen);
	else if (fd >= 0)
		read_fail(err, errlen, "read");
	if (fd >= 0)
		close(fd);
	free(buf);
	return rc;
}
