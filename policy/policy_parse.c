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
 * The words of the rules stay in one copy of the file, split in place.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "caps.h"
#include "die.h"
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
	size_t words;		/* of the policy's word array, used so far */
};

__attribute__((format(printf, 2, 3)))
static bool syntax(struct cursor *c, const char *fmt, ...)
{
	static char detail[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	snprintf(c->err, c->errlen, "%s:%u: %s", c->file, c->line, detail);
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
	size_t len = strlen(w), ok = strspn(w, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.");
	unsigned long long n;

	if (ids_is_numeric(w))
		return ids_parse_decimal(w, ID_MAX, &n) || syntax(c, "%s '%s' "
		    "is not a valid id (0 to %llu, decimal, no leading zero)",
		    what, w, ID_MAX);
	/* A '$' may end it (a Samba machine account). */
	if (len == 0 || len > NAME_MAX_LEN || w[0] == '-' || (ok < len &&
	    (ok < len - 1 || w[ok] != '$')))
		return syntax(c, "%s '%s' is not a valid name", what, w);
	return true;
}

/* "PROTO:[ADDRESS:]PORT[-PORT]", with spec_parse_range() as --allow-bind. */
static bool parse_bind(struct cursor *c, const char *w, struct policy_bind *b)
{
	static char err[600];
	struct spec s;

	if (!spec_parse_range(w, &s, &b->lo, &b->hi, err, sizeof(err)))
		return syntax(c, "bind %s", err);
	b->socktype = s.socktype;
	b->family = s.family;
	b->addr = s.addr;
	/* An address was given when the first ':' is not the last. */
	b->has_addr = strchr(w, ':') != strrchr(w, ':');
	b->text = w;
	spec_free(&s);
	return b->family != AF_UNIX || syntax(c, "bind '%s': unix sockets "
	    "are always created with the caller's own rights; no rule can "
	    "grant them", w);
}

static bool parse_open(struct cursor *c, const char *w,
    struct policy_open *o)
{
	static char err[600];
	struct spec s;

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
	/* The rule takes the spec's path over: policy_free() frees it. */
	o->path = s.path;
	s.path = NULL;
	o->oflags = s.oflags;
	o->allow_fifo = s.allow_fifo;
	o->allow_device = s.allow_device;
	o->text = w;
	spec_free(&s);
	return true;
}

/* One clause's words w[0..n-1] (the keyword itself not included). */
static bool parse_clause(struct cursor *c, enum clause k, char **w, size_t n,
    struct policy_rule *r)
{
	static char err[600];
	uint64_t mask = 0;
	size_t i;

	if (n == 0 && k != C_MONITOR)
		return syntax(c, "'%s' needs at least one value", keywords[k]);
	switch (k) {
	case C_AS:
		for (i = 0; i < n; i++)
			if (!valid_id_word(c, w[i], "as: user"))
				return false;
		r->as = w;
		r->nas = n;
		return true;
	case C_BIND:
		r->bind = must_alloc(calloc(n, sizeof(*r->bind)));
		for (; r->nbind < n; r->nbind++)
			if (!parse_bind(c, w[r->nbind], &r->bind[r->nbind]))
				return false;
		return true;
	case C_OPEN:
		r->open = must_alloc(calloc(n, sizeof(*r->open)));
		for (; r->nopen < n; r->nopen++)
			if (!parse_open(c, w[r->nopen], &r->open[r->nopen]))
				return false;
		return true;
	case C_KEEP:
		for (i = 0; i < n; i++, r->keep |= mask)
			if (!caps_parse(w[i], &mask, err, sizeof(err)))
				return syntax(c, "keep-caps: %s", err);
		return true;
	case C_MONITOR:
		r->monitor = true;
		return n == 0 || syntax(c, "unknown word '%s' after "
		    "'monitor'", w[0]);
	default:	/* C_CMD: parse_rule() passes no C_NONE */
		r->cmd = w;
		r->ncmd = n;
		return w[0][0] == '/' || syntax(c, "cmd '%s': the program "
		    "must be an absolute path", w[0]);
	}
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
	r->who_is_group = w[1][0] == ':';
	r->who = w[1] + r->who_is_group;
	if (!valid_id_word(c, r->who, r->who_is_group ? "group" : "user"))
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
	/* Whoever picks the program that gets another uid or capabilities
	 * has them. */
	if ((r->nas > 0 || r->keep != 0) && r->ncmd == 0)
		return syntax(c, "a rule with '%s' must name its program with "
		    "'cmd' (whoever chooses the program holds what it is "
		    "given)", r->nas > 0 ? "as" : "keep-caps");
	return true;
}

/* Split a line into words at blanks, up to a '#' that starts a word. */
static bool split_words(struct cursor *c, char *p, char **w, size_t *n)
{
	for (*n = 0;;) {
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

/* One line, len bytes and a NUL, which it splits in place. */
static bool parse_line(struct cursor *c, char *line, size_t len,
    struct policy *p)
{
	char **w = p->word + c->words;
	size_t n;

	if (!check_bytes(c, line, len) || !split_words(c, line, w, &n))
		return false;
	if (n == 0)
		return true;
	if (p->n == POLICY_MAX_RULES)
		return syntax(c, "more than %d rules", POLICY_MAX_RULES);
	c->words += n;
	return parse_rule(c, w, n, &p->rule[p->n++]);
}

bool policy_parse(const char *text, size_t len, const char *file,
    struct policy *p, char *err, size_t errlen)
{
	struct cursor c = { file, 0, err, errlen, 0 };
	char *line, *end;

	memset(p, 0, sizeof(*p));
	p->rule = must_alloc(calloc(POLICY_MAX_RULES, sizeof(*p->rule)));
	p->text = must_alloc(malloc(len + 1));
	/* A word and a blank or newline after it: at most len / 2 + 1. */
	p->word = must_alloc(calloc(len / 2 + 1, sizeof(*p->word)));
	memcpy(p->text, text, len);
	p->text[len] = '\0';
	for (line = p->text; line < p->text + len; line = end + 1) {
		end = memchr(line, '\n', (size_t)(p->text + len - line));
		if (end == NULL)
			end = p->text + len;
		*end = '\0';
		c.line++;
		if (!parse_line(&c, line, (size_t)(end - line), p)) {
			policy_free(p);
			return false;
		}
	}
	return true;
}

void policy_free(struct policy *p)
{
	size_t i, j;

	for (i = 0; i < p->n; i++) {
		for (j = 0; j < p->rule[i].nopen; j++)
			free(p->rule[i].open[j].path);
		free(p->rule[i].open);
		free(p->rule[i].bind);
	}
	free(p->rule);
	free(p->text);
	free(p->word);
	memset(p, 0, sizeof(*p));
}

static void print_words(FILE *out, const char *kw, char **w, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		fprintf(out, "%s %s", i ? "" : kw, w[i]);
}

void policy_print(const struct policy *p, FILE *out)
{
	size_t i, j;
	char caps[1024];

	for (i = 0; i < p->n; i++) {
		const struct policy_rule *r = &p->rule[i];
		fprintf(out, "line %u: permit %s%s", r->line,
		    r->who_is_group ? ":" : "", r->who);
		print_words(out, " as", r->as, r->nas);
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
		print_words(out, " cmd", r->cmd, r->ncmd);
		fputc('\n', out);
	}
}
