/* SPDX-License-Identifier: ISC */
/*
 * monitor_proto.h: the monitor protocol's wire format (constants in
 * privrun_client.h), as pure functions on buffers: decoding a request the
 * monitor received and encoding the messages both sides send.  No I/O here,
 * so the request parser can be fuzzed (fuzz/fuzz_monitor.c).
 */
#ifndef PRIVRUN_MONITOR_PROTO_H
#define PRIVRUN_MONITOR_PROTO_H

#include <stddef.h>
#include <stdint.h>

#include <sys/socket.h>

#include "privrun_client.h"

/* The largest valid request; a buffer of this size detects bigger ones. */
#define MONITOR_MAX_REQUEST (PRIVRUN_PROTO_HEADER + PRIVRUN_PROTO_MAX_SPEC)
#define MONITOR_MAX_REPLY (PRIVRUN_PROTO_HEADER + 4 + PRIVRUN_PROTO_MAX_MESSAGE)

struct monitor_request {
	unsigned type;				/* PRIVRUN_REQ_BIND or _OPEN */
	char spec[PRIVRUN_PROTO_MAX_SPEC + 1];	/* NUL-terminated */
};

/* What recvmsg(2) said besides the bytes, for privrun_proto_parse(). */
struct monitor_received {
	const unsigned char *buf;
	size_t len;
	int truncated;		/* MSG_TRUNC: the datagram was bigger */
	int control;		/* fds or other control data came with it,
				   or MSG_CTRUNC */
};

/*
 * Decode one received request.  Returns PRIVRUN_OK with req filled in, or
 * an error status with a static message in *why.
 */
unsigned privrun_proto_parse(const struct monitor_received *in,
    struct monitor_request *req, const char **why);
/*
 * Encode a message of type with payload (status first when is_reply).
 * Returns its length, or 0 if it does not fit in size.
 */
size_t privrun_proto_encode(unsigned type, int is_reply, uint32_t status,
    const char *text, unsigned char *buf, size_t size);
/*
 * Decode a reply: returns 0 with *status and the message (NUL-terminated
 * into msg), or -1 when it is not a valid reply or its message does not
 * fit in msglen.
 */
int privrun_proto_reply(const unsigned char *buf, size_t len,
    uint32_t *status, char *msg, size_t msglen);

/*
 * --intercept: the address of a bind(2), as len bytes read from the
 * program.  An AF_INET or AF_INET6 address long enough for the kernel
 * goes to *ss (the rest zeroed); returns its port, or -1 for anything else.
 */
int privrun_proto_sockaddr(const unsigned char *buf, size_t len,
    struct sockaddr_storage *ss);

/*
 * --intercept: the path of an open(2), as up to size bytes read from the
 * program: its length if it is absolute and NUL-terminated within them,
 * else -1.
 */
int privrun_proto_path(const char *buf, size_t size);

/*
 * --intercept: what an open(2), openat(2) or openat2(2) with flags asks
 * of a grant: its access mode, O_APPEND and O_TRUNC; or -1 for a call the
 * monitor leaves to the program: O_PATH, O_EXCL (a file to create), and
 * O_DIRECTORY or O_TMPFILE (a granted file is no directory), bits beyond
 * an int.  Never O_CREAT: answer_open() adds back the O_CREAT a call asks,
 * which only an entry that says create matches.
 */
int privrun_proto_open_flags(uint64_t flags);

#endif
