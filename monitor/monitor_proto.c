/* SPDX-License-Identifier: ISC */
/*
 * monitor_proto.c: the monitor protocol on the wire (privrun(1), "MONITOR
 * PROTOCOL").  One SOCK_SEQPACKET message is one request or one reply: a
 * 12-byte header (magic "PRVM", u16 version, u16 type, u32 payload length,
 * host byte order) and the payload.  The request parser trusts nothing: the
 * sender is the unprivileged program, possibly taken over.  It checks the
 * size before reading a field, the length field against what arrived, and
 * that the spec is text, and it never allocates.  Everything here is pure;
 * what is allowed is monitor_serve.c's business.
 */
#define _GNU_SOURCE	/* O_PATH, O_TMPFILE */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <string.h>

#include "monitor_proto.h"

/* The shortest AF_INET6 address inet6_bind() takes (RFC 2133's, with no
 * sin6_scope_id). */
#define SOCKADDR_IN6_MIN 24

struct header {
	char magic[4];
	uint16_t version;
	uint16_t type;
	uint32_t length;
};

_Static_assert(sizeof(struct header) == PRIVRUN_PROTO_HEADER,
    "the header is 12 bytes with no padding");

static unsigned reject(const char **why, const char *text, unsigned status)
{
	*why = text;
	return status;
}

/* The order decides which error a client sees first: the envelope, then
 * the header, then the payload. */
unsigned privrun_proto_parse(const struct monitor_received *in,
    struct monitor_request *req, const char **why)
{
	struct header h;
	size_t n;

	memset(req, 0, sizeof(*req));
	if (in->control)
		return reject(why, "requests carry no fds or control data "
		    "(closed)", PRIVRUN_E_FDS);
	if (in->truncated || in->len > MONITOR_MAX_REQUEST)
		return reject(why, "request longer than the 12-byte header "
		    "and 511 bytes of spec", PRIVRUN_E_TOO_BIG);
	if (in->len < sizeof(h))
		return reject(why, "request shorter than the 12-byte header",
		    PRIVRUN_E_MALFORMED);
	memcpy(&h, in->buf, sizeof(h));
	if (memcmp(h.magic, PRIVRUN_PROTO_MAGIC, sizeof(h.magic)) != 0)
		return reject(why, "bad magic (not \"PRVM\")",
		    PRIVRUN_E_MALFORMED);
	if (h.version != PRIVRUN_PROTO_VERSION)
		return reject(why, "unsupported protocol version (this monitor "
		    "speaks version 1)", PRIVRUN_E_VERSION);
	n = in->len - sizeof(h);
	if (h.length != n)
		return reject(why, "length field does not match the payload",
		    PRIVRUN_E_MALFORMED);
	if (h.type != PRIVRUN_REQ_BIND && h.type != PRIVRUN_REQ_OPEN)
		return reject(why, "unknown request type", PRIVRUN_E_TYPE);
	if (n == 0)
		return reject(why, "empty spec", PRIVRUN_E_MALFORMED);
	if (memchr(in->buf + sizeof(h), '\0', n) != NULL)
		return reject(why, "NUL byte in the spec", PRIVRUN_E_MALFORMED);
	req->type = h.type;
	memcpy(req->spec, in->buf + sizeof(h), n);
	req->spec[n] = '\0';
	*why = "ok";
	return PRIVRUN_OK;
}

size_t privrun_proto_encode(unsigned type, int is_reply, uint32_t status,
    const char *text, unsigned char *buf, size_t size)
{
	struct header h;
	size_t tlen = strlen(text), pre = is_reply ? sizeof(status) : 0;

	if (type > UINT16_MAX || tlen > UINT32_MAX - pre ||
	    size < sizeof(h) + pre || size - sizeof(h) - pre < tlen)
		return 0;
	memcpy(h.magic, PRIVRUN_PROTO_MAGIC, sizeof(h.magic));
	h.version = PRIVRUN_PROTO_VERSION;
	h.type = (uint16_t)type;
	h.length = (uint32_t)(pre + tlen);
	memcpy(buf, &h, sizeof(h));
	if (is_reply)
		memcpy(buf + sizeof(h), &status, sizeof(status));
	memcpy(buf + sizeof(h) + pre, text, tlen);
	return sizeof(h) + pre + tlen;
}

int privrun_proto_reply(const unsigned char *buf, size_t len,
    uint32_t *status, char *msg, size_t msglen)
{
	struct header h;
	size_t n;

	if (len < sizeof(h) + sizeof(*status))
		return -1;
	memcpy(&h, buf, sizeof(h));
	n = len - sizeof(h) - sizeof(*status);
	if (memcmp(h.magic, PRIVRUN_PROTO_MAGIC, sizeof(h.magic)) != 0 ||
	    h.version != PRIVRUN_PROTO_VERSION || h.type != PRIVRUN_REPLY ||
	    h.length != len - sizeof(h) || n >= msglen)
		return -1;
	memcpy(status, buf + sizeof(h), sizeof(*status));
	memcpy(msg, buf + sizeof(h) + sizeof(*status), n);
	msg[n] = '\0';
	return 0;
}

int privrun_proto_sockaddr(const unsigned char *buf, size_t len,
    struct sockaddr_storage *ss)
{
	sa_family_t family;
	size_t need, size;

	if (len < sizeof(family))
		return -1;
	memcpy(&family, buf, sizeof(family));
	need = family == AF_INET ? sizeof(struct sockaddr_in) :
	    family == AF_INET6 ? SOCKADDR_IN6_MIN : 0;
	size = family == AF_INET ? sizeof(struct sockaddr_in) :
	    sizeof(struct sockaddr_in6);
	if (need == 0 || len < need)
		return -1;
	memset(ss, 0, sizeof(*ss));
	memcpy(ss, buf, len < size ? len : size);
	return ntohs(((const struct sockaddr_in *)ss)->sin_port);
}

int privrun_proto_path(const char *buf, size_t size)
{
	const char *end = memchr(buf, '\0', size);

	if (end == NULL || buf[0] != '/')
		return -1;
	return (int)(end - buf);
}

int privrun_proto_open_flags(uint64_t flags)
{
	if (flags > UINT32_MAX || (flags & (O_PATH | O_EXCL | O_TMPFILE)) != 0)
		return -1;
	return (int)flags & (O_ACCMODE | O_APPEND | O_TRUNC);
}
