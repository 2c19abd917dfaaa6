/* SPDX-License-Identifier: ISC */
/*
 * fuzz_spec.c: libFuzzer target for spec_parse(), the parser of the
 * untrusted --bind and --open arguments.  It checks that every accepted spec
 * satisfies what resources.c relies on when it opens the resource while
 * privileged, and that every rejection comes with a message.  It must never
 * call anything that opens, binds or looks up: spec_parse() is pure, and so
 * is this harness.
 *
 * Input format: the first byte chooses the kind, the rest is the argument.
 * An even first byte means --bind, an odd one --open, so every input is
 * usable; the seeds in fuzz/corpus/spec use 'b' (0x62) and 'o' (0x6f).
 * Arguments holding a NUL cannot come from argv and are skipped.
 */
#include <fcntl.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "spec.h"

#define FUZZ_MAX_ARG 4096

/* Not in any header: libFuzzer supplies main() and calls this. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A violated invariant is a bug: stop where the fuzzer can see it. */
#define CHECK(cond) do { if (!(cond)) __builtin_trap(); } while (0)

/* True when buf holds a NUL within its size. */
static bool terminated(const char *buf, size_t size)
{
	return memchr(buf, '\0', size) != NULL;
}

static void check_unix(const struct spec *s)
{
	const struct sockaddr_un *un = (const void *)&s->addr;

	CHECK(s->addr.ss_family == AF_UNIX);
	CHECK(s->addrlen > offsetof(struct sockaddr_un, sun_path));
	CHECK(s->addrlen <= sizeof(struct sockaddr_un));
	if (s->abstract) {
		/* bind(2) takes addrlen literally: sun_path[0] == 0, name after. */
		CHECK(un->sun_path[0] == '\0');
		CHECK(s->addrlen >= offsetof(struct sockaddr_un, sun_path) + 2);
		return;
	}
	CHECK(terminated(un->sun_path, sizeof(un->sun_path)));
	CHECK(un->sun_path[0] == '/');
	CHECK(un->sun_path[strlen(un->sun_path) - 1] != '/');
	CHECK(s->addrlen == offsetof(struct sockaddr_un, sun_path) +
	    strlen(un->sun_path) + 1);
	CHECK(terminated(s->owner, sizeof(s->owner)));
	CHECK(terminated(s->group, sizeof(s->group)));
	CHECK(s->mode >= -1 && s->mode <= 0777);
}

static void check_inet(const struct spec *s)
{
	/* A bare port on tcp/udp binds the IPv6 wildcard, dual-stack. */
	int want = s->family == SPEC_FAMILY_DUAL ? AF_INET6 : s->family;

	CHECK(s->family == SPEC_FAMILY_DUAL || s->family == AF_INET ||
	    s->family == AF_INET6);
	CHECK(s->addr.ss_family == want);
	CHECK(s->addrlen == (want == AF_INET ? sizeof(struct sockaddr_in) :
	    sizeof(struct sockaddr_in6)));
	CHECK(!s->abstract);
	CHECK(terminated(s->device, sizeof(s->device)));
	CHECK(s->v6only == -1 || (s->v6only == 1 && s->family != AF_INET));
	CHECK(spec_port(s) <= 65535);
}

static void check_bind(const struct spec *s)
{
	CHECK(s->proto != NULL);
	CHECK(strcmp(s->proto, "file") != 0);
	CHECK(s->socktype == SOCK_STREAM || s->socktype == SOCK_DGRAM);
	CHECK(s->backlog >= 0);
	CHECK(s->rcvbuf >= 0 && s->sndbuf >= 0);
	CHECK(s->path == NULL);
	if (s->family == AF_UNIX)
		check_unix(s);
	else
		check_inet(s);
}

static void check_open(const struct spec *s)
{
	int acc = s->oflags & O_ACCMODE;

	/* Heap-allocated, and no longer than the spec it came from. */
	CHECK(s->path != NULL);
	CHECK(strlen(s->path) <= SPEC_TEXT_MAX);
	CHECK(s->path[0] == '/');
	CHECK(s->path[strlen(s->path) - 1] != '/');
	/* O_WRONLY|O_RDWR is no access mode at all. */
	CHECK(acc != O_ACCMODE);
	CHECK(!s->ro || s->oflags == O_RDONLY);
	CHECK(s->oflags == (s->oflags & (O_ACCMODE | O_APPEND | O_CREAT |
	    O_TRUNC)));
}

static void check_spec(enum spec_kind kind, const char *arg,
    const struct spec *s)
{
	CHECK(s->kind == kind);
	/* Both on the heap, set by every accepted spec. */
	CHECK(s->name != NULL && s->text != NULL);
	CHECK(strlen(s->name) <= SPEC_NAME_MAX);
	CHECK(spec_name_valid(s->name));
	CHECK(strlen(s->text) <= SPEC_TEXT_MAX);
	CHECK(strcmp(s->text, arg) == 0);
	if (kind == SPEC_BIND)
		check_bind(s);
	else
		check_open(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum spec_kind kind;
	struct spec s;
	char err[512], *arg;

	if (size < 1 || size - 1 > FUZZ_MAX_ARG ||
	    memchr(data + 1, '\0', size - 1) != NULL)
		return 0;
	kind = data[0] & 1 ? SPEC_OPEN : SPEC_BIND;
	/* An exact-size heap copy, so ASan sees any read past the NUL. */
	arg = malloc(size);
	if (arg == NULL)
		return 0;
	memcpy(arg, data + 1, size - 1);
	arg[size - 1] = '\0';
	/* Not NUL: a failure that writes no message leaves it unterminated. */
	memset(err, 'X', sizeof(err));
	if (spec_parse(kind, arg, &s, err, sizeof(err))) {
		check_spec(kind, arg, &s);
		spec_free(&s);
		CHECK(s.path == NULL && s.name == NULL && s.text == NULL);
	} else {
		CHECK(terminated(err, sizeof(err)) && err[0] != '\0');
		/* A rejected spec holds nothing: libFuzzer's leak check
		 * would see a string left behind. */
		CHECK(s.path == NULL && s.name == NULL && s.text == NULL);
	}
	free(arg);
	return 0;
}
