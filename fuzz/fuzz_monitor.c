/* SPDX-License-Identifier: ISC */
/*
 * fuzz_monitor.c: libFuzzer target for the monitor's request parser,
 * privrun_proto_parse(), which reads what the unprivileged program sends.
 * It checks that an accepted request is what the monitor relies on (a known
 * type, a NUL-terminated spec of 1 to 511 bytes without NUL inside, equal
 * to the payload), that every rejection has a status and a message, that
 * an accepted spec goes through spec_parse() as the monitor would, and that
 * the reply encoder and decoder agree.  With bit 2 of the first byte set,
 * the rest is instead what --intercept reads from the program's memory,
 * given to privrun_proto_sockaddr() and privrun_proto_path(), which must
 * accept only a whole address of the family and an absolute,
 * NUL-terminated path, and its first 8 bytes are the flags of an open
 * given to privrun_proto_open_flags(), which must leave O_PATH, O_EXCL,
 * O_DIRECTORY and bits beyond an int to the program and never ask for
 * O_CREAT.  Pure: no
 * sockets, no files.
 *
 * Input format: the first byte sets what recvmsg(2) would have reported
 * (bit 0 MSG_TRUNC, bit 1 control data); the rest is the datagram.  The
 * seeds in fuzz/corpus/monitor start with 0x00, or 0x04 for --intercept.
 */
#define _GNU_SOURCE	/* O_PATH, O_TMPFILE */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "monitor_proto.h"
#include "spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond) do { if (!(cond)) __builtin_trap(); } while (0)

static void check_accepted(const struct monitor_received *in,
    const struct monitor_request *req)
{
	size_t n = strlen(req->spec);
	struct spec s;
	char err[1024];

	CHECK(req->type == PRIVRUN_REQ_BIND || req->type == PRIVRUN_REQ_OPEN);
	CHECK(n >= 1 && n <= PRIVRUN_PROTO_MAX_SPEC);
	CHECK(!in->truncated && !in->control);
	CHECK(in->len == PRIVRUN_PROTO_HEADER + n);
	CHECK(memcmp(in->buf + PRIVRUN_PROTO_HEADER, req->spec, n) == 0);
	err[0] = '\0';
	if (!spec_parse(req->type == PRIVRUN_REQ_BIND ? SPEC_BIND : SPEC_OPEN,
	    req->spec, &s, err, sizeof(err)))
		CHECK(err[0] != '\0');
	else
		spec_free(&s);
}

/* Encoding a reply with the message and decoding it gives both back. */
static void check_reply(unsigned status, const char *why)
{
	unsigned char buf[MONITOR_MAX_REPLY];
	char msg[PRIVRUN_PROTO_MAX_MESSAGE + 1];
	uint32_t got;
	size_t len = privrun_proto_encode(PRIVRUN_REPLY, 1, status, why, buf,
	    sizeof(buf));

	CHECK(len == PRIVRUN_PROTO_HEADER + 4 + strlen(why));
	CHECK(privrun_proto_reply(buf, len, &got, msg, sizeof(msg)) == 0);
	CHECK(got == status && strcmp(msg, why) == 0);
}

static void check_notification(const uint8_t *buf, size_t len)
{
	struct sockaddr_storage ss;
	sa_family_t family;
	int port = privrun_proto_sockaddr(buf, len, &ss);
	int n = privrun_proto_path((const char *)buf, len);
	uint64_t flags = 0;
	int grant;

	memcpy(&flags, buf, len < sizeof(flags) ? len : sizeof(flags));
	grant = privrun_proto_open_flags(flags);
	if (grant >= 0) {
		CHECK(flags <= UINT32_MAX &&
		    !(flags & (O_PATH | O_EXCL | O_DIRECTORY)));
		CHECK((grant & ~(O_ACCMODE | O_APPEND | O_TRUNC)) == 0);
		CHECK((uint64_t)grant == (flags & (O_ACCMODE | O_APPEND |
		    O_TRUNC)));
	} else {
		CHECK(flags > UINT32_MAX ||
		    (flags & (O_PATH | O_EXCL | O_TMPFILE)));
	}
	if (port >= 0) {
		memcpy(&family, buf, sizeof(family));
		CHECK(ss.ss_family == family);
		CHECK(len >= (family == AF_INET ? sizeof(struct sockaddr_in) :
		    24));
		CHECK(port == ntohs(((struct sockaddr_in *)&ss)->sin_port));
	}
	if (n >= 0) {
		CHECK((size_t)n < len && buf[0] == '/' && buf[n] == '\0');
		CHECK(memchr(buf, '\0', (size_t)n) == NULL);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct monitor_received in;
	struct monitor_request req;
	const char *why = NULL;
	unsigned status;
	uint8_t *copy;

	if (size == 0)
		return 0;
	/* An exact-size heap copy, so that ASan sees any read past it. */
	copy = malloc(size - 1 ? size - 1 : 1);
	if (copy == NULL)
		return 0;
	memcpy(copy, data + 1, size - 1);
	if (data[0] & 4) {
		check_notification(copy, size - 1);
		free(copy);
		return 0;
	}
	in.buf = copy;
	in.len = size - 1;
	in.truncated = data[0] & 1;
	in.control = (data[0] >> 1) & 1;
	status = privrun_proto_parse(&in, &req, &why);
	CHECK(why != NULL && why[0] != '\0');
	if (status == PRIVRUN_OK)
		check_accepted(&in, &req);
	else
		CHECK((status >= PRIVRUN_E_MALFORMED &&
		    status <= PRIVRUN_E_TYPE) ||
		    status == PRIVRUN_E_FDS);
	check_reply(status, why);
	free(copy);
	return 0;
}
