/* SPDX-License-Identifier: ISC */
/*
 * policy_parse.c: the policy file's grammar (privrun.conf(5)).  One rule a
 * line; '#' at the start of a word comments out the rest of the line:
 *
 *   permit WHO [as USER...] [bind SPEC...] [open PATH...]
 *              [keep-caps CAP[,CAP]...] [monitor] [cmd PATH [ARG...]]
 *
 * WHO is a user name, a decimal uid, or ':' and a group.  Parsing is strict,
 * as doas(1) is about doas.conf: an unknown word, a bad number, a bad spec, a
 * clause given twice or a rule that grants another user or capabilities
 * without naming its program is an error, and one error anywhere makes the
 * whole file deny everything.  Pure: nothing is looked up or opened here.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "caps.h"
#include "compat.h"
#include "ids.h"
#include "policy_parse.h"

#define ID_MAX 4294967294ULL	/* (id_t)-1 means "unchanged" to the kernel */
#define NAME_MAX_LEN 64

/* Where the parser is, for "FILE:LINE: ..." messages. */
struct cursor {
	const char *file;
	unsigned line;
	char *err;
	size_t errlen;
};

__attribute__((format(printf, 2, 3)))
static bool syntax(struct cursor *c, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(c->err, c->errlen, "%s:%u: ", c->file, c->line);
	if (n < 0 || (size_t)n >= c->errlen)
		return false;
	va_start(ap, fmt);
	vsnprintf(c->err + n, c->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return false;
}

static const char *const keywords[] = {
	"as", "bind", "open", "keep-caps", "monitor", "cmd",
};
enum clause { C_AS, C_BIND, C_OPEN, C_KEEP, C_MONITOR, C_CMD, C_NONE };

static enum clause clause_of(const char *w)
{
	size_t i;

	for (i = 0; i < C_NONE; i++)
		if (strcmp(w, keywords[i]) == 0)
			return (enum clause)i;
	return C_NONE;
}

/*
 * A user or group as the command line takes it: digits are always a number
 * (and must be a valid id), anything else a name of portable characters
 * (useradd(8)'s NAME_REGEX, plus '.'), which never starts with '-'.
 */
static bool valid_id_word(struct cursor *c, const char *w, const char *what)
{
	unsigned long long n;
	size_t i, len = strlen(w);

	if (ids_is_numeric(w)) {
		if (!ids_parse_decimal(w, ID_MAX, &n))
			return syntax(c, "%s '%s' is not a valid id (0 to "
			    "%llu, decimal, no leading zero)", what, w, ID_MAX);
		return true;
	}
	if (len == 0 || len > NAME_MAX_LEN || w[0] == '-')
		return syntax(c, "%s '%s' is not a valid name", what, w);
	for (i = 0; i < len; i++) {
		char ch = w[i];
		bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '_' || ch == '-' ||
		    ch == '.' || (ch == '$' && i == len - 1);
		if (!ok)
			return syntax(c, "%s '%s' is not a valid name", what,
			    w);
	}
	return true;
}

bool policy_parse_bind(const char *word, struct policy_bind *b, char *err,
    size_t errlen)
{
	struct spec s;

	memset(b, 0, sizeof(*b));
	if (strlen(word) >= sizeof(b->text)) {
		snprintf(err, errlen, "'%.40s...': longer than %zu bytes", word,
		    sizeof(b->text) - 1);
		return false;
	}
	if (!spec_parse_range(word, &s, &b->lo, &b->hi, err, errlen))
		return false;
	if (s.family == AF_UNIX) {
		spec_free(&s);
		snprintf(err, errlen, "'%s': unix sockets are always created "
		    "with the caller's own rights; no rule can grant them",
		    word);
		return false;
	}
	b->socktype = s.socktype;
	/* An address was given when the first ':' is not the last. */
	b->has_addr = strchr(word, ':') != strrchr(word, ':');
	b->family = s.family;
	b->addr = s.addr;
	strcpy(b->text, word);
	spec_free(&s);
	return true;
}

/*
 * Whether a spec's socket takes IPv4 too: a bare port, or an IPv6 socket
 * without v6only on the wildcard or a v4-mapped address (ipv6(7)).
 */
static bool takes_ipv4_too(const struct spec *s)
{
	const struct in6_addr *a =
	    &((const struct sockaddr_in6 *)&s->addr)->sin6_addr;

	if (s->family == SPEC_FAMILY_DUAL)
		return true;
	return s->family == AF_INET6 && s->v6only != 1 &&
	    (IN6_IS_ADDR_UNSPECIFIED(a) || IN6_IS_ADDR_V4MAPPED(a));
}

bool policy_bind_covers_range(const struct policy_bind *b,
    const struct spec *s, unsigned lo, unsigned hi)
{
	if (s->kind != SPEC_BIND || s->family == AF_UNIX ||
	    s->socktype != b->socktype || lo < b->lo || hi > b->hi)
		return false;
	/* tcp/udp without an address: any family. */
	if (b->family == SPEC_FAMILY_DUAL)
		return true;
	/* Otherwise one family, so no socket that takes the other too. */
	if (b->family != s->family || (b->family == AF_INET6 &&
	    takes_ipv4_too(s)))
		return false;
	return !b->has_addr || spec_same_ip(&s->addr, &b->addr);
}

bool policy_bind_covers(const struct policy_bind *b, const struct spec *s)
{
	unsigned port = spec_port(s);

	return policy_bind_covers_range(b, s, port, port);
}

bool policy_open_matches(const struct policy_open *o, const struct spec *s)
{
	return s->kind == SPEC_OPEN && strcmp(o->path, s->path) == 0 &&
	    o->oflags == s->oflags && o->allow_fifo == s->allow_fifo &&
	    o->allow_device == s->allow_device && !s->follow;
}

static bool parse_open(struct cursor *c, const char *w,
    struct policy_open *o)
{
	struct spec s;
	char err[600];

	if (w[0] != '/')
		return syntax(c, "open '%s': a policy open takes an absolute "
		    "path, with no NAME=", w);
	if (!spec_parse(SPEC_OPEN, w, &s, err, sizeof(err)))
		return syntax(c, "open %s", err);
	if (s.follow) {
		spec_free(&s);
		return syntax(c, "open '%s': 'follow' is not allowed in a "
		    "policy: name the file itself", w);
	}
	o->text = strdup(w);
	if (o->text == NULL) {
		spec_free(&s);
		return syntax(c, "out of memory");
	}
	/* The rule takes the spec's path over: policy_free() frees it. */
	o->path = s.path;
	s.path = NULL;
	o->oflags = s.oflags;
	o->allow_fifo = s.allow_fifo;
	o->allow_device = s.allow_device;
	spec_free(&s);
	return true;
}

static bool copy_words(struct cursor *c, char **w, size_t n, char ***out,
    size_t *nout)
{
	size_t i;

	*out = calloc(n, sizeof(**out));
	if (*out == NULL)
		return syntax(c, "out of memory");
	for (i = 0; i < n; i++)
		if (((*out)[i] = strdup(w[i])) == NULL)
			return syntax(c, "out of memory");
	*nout = n;
	return true;
}

/* One clause's words w[0..n-1] (the keyword itself not included). */
static bool parse_clause(struct cursor *c, enum clause k, char **w, size_t n,
    struct policy_rule *r)
{
	char err[600];
	size_t i;

	if (n == 0 && k != C_MONITOR)
		return syntax(c, "'%s' needs at least one value", keywords[k]);
	switch (k) {
	case C_AS:
		for (i = 0; i < n; i++)
			if (!valid_id_word(c, w[i], "as: user"))
				return false;
		return copy_words(c, w, n, &r->as, &r->nas);
	case C_BIND:
		if ((r->bind = calloc(n, sizeof(*r->bind))) == NULL)
			return syntax(c, "out of memory");
		for (i = 0; i < n; i++, r->nbind++)
			if (!policy_parse_bind(w[i], &r->bind[i], err,
			    sizeof(err)))
				return syntax(c, "bind %s", err);
		return true;
	case C_OPEN:
		if ((r->open = calloc(n, sizeof(*r->open))) == NULL)
			return syntax(c, "out of memory");
		for (i = 0; i < n; i++, r->nopen++)
			if (!parse_open(c, w[i], &r->open[i]))
				return false;
		return true;
	case C_KEEP:
		for (i = 0; i < n; i++) {
			uint64_t mask;
			if (!caps_parse(w[i], &mask, err, sizeof(err)))
				return syntax(c, "keep-caps: %s", err);
			r->keep |= mask;
		}
		return true;
	case C_MONITOR:
		if (n != 0)
			return syntax(c, "unknown word '%s' after 'monitor'",
			    w[0]);
		r->monitor = true;
		return true;
	case C_CMD:
		if (w[0][0] != '/')
			return syntax(c, "cmd '%s': the program must be an "
			    "absolute path", w[0]);
		return copy_words(c, w, n, &r->cmd, &r->ncmd);
	case C_NONE:
		break;
	}
	return syntax(c, "internal error: clause %d", (int)k);
}

/* -fanalyzer loses r->who: r is p->rule[p->n - 1], a symbolic index
 * (policy_free() frees it). */
ANALYZER_LEAKS_OFF
static bool parse_who(struct cursor *c, const char *w, struct policy_rule *r)
{
	r->who_is_group = w[0] == ':';
	if (!valid_id_word(c, w + r->who_is_group, r->who_is_group ?
	    "group" : "user"))
		return false;
	r->who = strdup(w + r->who_is_group);
	return r->who != NULL || syntax(c, "out of memory");
}
ANALYZER_LEAKS_ON

/* Whoever picks the program that gets another uid or capabilities has them. */
static bool check_rule(struct cursor *c, const struct policy_rule *r)
{
	if ((r->nas > 0 || r->keep != 0) && r->ncmd == 0)
		return syntax(c, "a rule with '%s' must name its program with "
		    "'cmd' (whoever chooses the program holds what it is "
		    "given)", r->nas > 0 ? "as" : "keep-caps");
	return true;
}

/* "permit WHO CLAUSE..." in words w[0..n-1]. */
static bool parse_rule(struct cursor *c, char **w, size_t n,
    struct policy_rule *r)
{
	bool seen[C_NONE] = { false };
	size_t i = 2;

	r->line = c->line;
	if (strcmp(w[0], "permit") != 0)
		return syntax(c, "unknown word '%s' (a rule starts with "
		    "'permit')", w[0]);
	if (n < 2)
		return syntax(c, "'permit' needs a user or :group");
	if (!parse_who(c, w[1], r))
		return false;
	while (i < n) {
		enum clause k = clause_of(w[i]);
		size_t end = i + 1;
		if (k == C_NONE)
			return syntax(c, "unknown word '%s' (expected as, bind, "
			    "open, keep-caps, monitor or cmd)", w[i]);
		if (seen[k])
			return syntax(c, "'%s' given twice", keywords[k]);
		seen[k] = true;
		/* cmd takes the rest of the line: its arguments are words. */
		while (end < n && (k == C_CMD || clause_of(w[end]) == C_NONE))
			end++;
		if (!parse_clause(c, k, w + i + 1, end - i - 1, r))
			return false;
		i = end;
	}
	return check_rule(c, r);
}

/* Split a line into words at blanks, up to a '#' that starts a word. */
static bool split_words(struct cursor *c, char *line, char **w, size_t *n)
{
	char *p = line;

	*n = 0;
	for (;;) {
		p += strspn(p, " \t");
		if (*p == '\0' || *p == '#')
			return true;
		if (*n == POLICY_MAX_WORDS)
			return syntax(c, "more than %d words in one rule",
			    POLICY_MAX_WORDS);
		w[(*n)++] = p;
		p += strcspn(p, " \t");
		if (*p != '\0')
			*p++ = '\0';
	}
}

/* Only printable text and blanks: no NUL, no CR, no other control bytes. */
static bool check_bytes(struct cursor *c, const char *line, size_t len)
{
	size_t i;

	if (len >= POLICY_MAX_LINE)
		return syntax(c, "line longer than %d bytes",
		    POLICY_MAX_LINE - 1);
	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)line[i];
		if (ch == '\r')
			return syntax(c, "carriage return (DOS line endings?)");
		if ((ch < 0x20 && ch != '\t') || ch == 0x7f)
			return syntax(c, "control character 0x%02x", ch);
	}
	return true;
}

static bool parse_line(struct cursor *c, const char *text, size_t len,
    struct policy *p)
{
	static char buf[POLICY_MAX_LINE], *w[POLICY_MAX_WORDS];
	size_t n;

	if (!check_bytes(c, text, len))
		return false;
	memcpy(buf, text, len);
	buf[len] = '\0';
	if (!split_words(c, buf, w, &n))
		return false;
	if (n == 0)
		return true;
	if (p->n == POLICY_MAX_RULES)
		return syntax(c, "more than %d rules", POLICY_MAX_RULES);
	p->n++;
	return parse_rule(c, w, n, &p->rule[p->n - 1]);
}

bool policy_parse(const char *text, size_t len, const char *file,
    struct policy *p, char *err, size_t errlen)
{
	struct cursor c = { file, 0, err, errlen };
	size_t off = 0;

	memset(p, 0, sizeof(*p));
	if (len > POLICY_MAX_SIZE)
		return syntax(&c, "larger than %d bytes", POLICY_MAX_SIZE);
	p->rule = calloc(POLICY_MAX_RULES, sizeof(*p->rule));
	if (p->rule == NULL)
		return syntax(&c, "out of memory");
	while (off < len) {
		const char *nl = memchr(text + off, '\n', len - off);
		size_t l = nl ? (size_t)(nl - (text + off)) : len - off;
		c.line++;
		if (!parse_line(&c, text + off, l, p)) {
			policy_free(p);
			return false;
		}
		off += l + (nl != NULL);
	}
	return true;
}

static void free_words(char **w, size_t n)
{
	size_t i;

	for (i = 0; w != NULL && i < n; i++)
		free(w[i]);
	free(w);
}

void policy_free(struct policy *p)
{
	size_t i, j;

	for (i = 0; p->rule != NULL && i < p->n; i++) {
		struct policy_rule *r = &p->rule[i];
		free(r->who);
		free_words(r->as, r->nas);
		free(r->bind);
		for (j = 0; r->open != NULL && j < r->nopen; j++) {
			free(r->open[j].path);
			free(r->open[j].text);
		}
		free(r->open);
		free_words(r->cmd, r->ncmd);
	}
	free(p->rule);
	memset(p, 0, sizeof(*p));
}

static void print_words(FILE *out, const char *kw, char **w, size_t n)
{
	size_t i;

	if (n == 0)
		return;
	fprintf(out, " %s", kw);
	for (i = 0; i < n; i++)
		fprintf(out, " %s", w[i]);
}

void policy_print(const struct policy *p, FILE *out)
{
	size_t i, j;
	char caps[1024];

	for (i = 0; i < p->n; i++) {
		const struct policy_rule *r = &p->rule[i];
		fprintf(out, "line %u: permit %s%s", r->line,
		    r->who_is_group ? ":" : "", r->who);
		print_words(out, "as", r->as, r->nas);
		for (j = 0; j < r->nbind; j++)
			fprintf(out, "%s %s", j ? "" : " bind", r->bind[j].text);
		for (j = 0; j < r->nopen; j++)
			fprintf(out, "%s %s", j ? "" : " open", r->open[j].text);
		if (r->keep != 0) {
			caps_format(r->keep, caps, sizeof(caps));
			fprintf(out, " keep-caps %s", caps);
		}
		if (r->monitor)
			fputs(" monitor", out);
		print_words(out, "cmd", r->cmd, r->ncmd);
		fputc('\n', out);
	}
}
