/* SPDX-License-Identifier: ISC */
/*
 * privrun_client.h: the client side of privrun's monitor protocol (privrun(1),
 * "MONITOR PROTOCOL"), for a program started by "privrun --monitor".  The
 * program asks the monitor on the socket named by PRIVRUN_MONITOR_FD for a
 * listening socket or an opened file, and gets the fd or the monitor's
 * reason for refusing.  The constants below are the wire format; they are
 * public so that a program can log the status it got.  This header must
 * stay self-contained: it is installed.
 */
#ifndef PRIVRUN_CLIENT_H
#define PRIVRUN_CLIENT_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Every message starts with this 12-byte header, integers in host order. */
#define PRIVRUN_PROTO_MAGIC	"PRVM"	/* 4 bytes, no NUL on the wire */
#define PRIVRUN_PROTO_VERSION	1
#define PRIVRUN_PROTO_HEADER	12	/* magic, u16 version, u16 type, u32 length */
#define PRIVRUN_PROTO_MAX_SPEC	511	/* request payload: the spec text */
#define PRIVRUN_PROTO_MAX_MESSAGE 1024	/* reply payload after the status */

/* Message types. */
#define PRIVRUN_REQ_BIND	1	/* payload: a --bind spec, e.g. tcp:8081 */
#define PRIVRUN_REQ_OPEN	2	/* payload: a --open spec, e.g. /etc/key */
#define PRIVRUN_REPLY		0x100	/* payload: u32 status, then a message */

/* Reply status codes; only PRIVRUN_OK comes with an fd (SCM_RIGHTS). */
#define PRIVRUN_OK		0
#define PRIVRUN_E_MALFORMED	1	/* short, bad magic, bad length, NUL */
#define PRIVRUN_E_VERSION	2	/* unsupported protocol version */
#define PRIVRUN_E_TOO_BIG	3	/* longer than the header + 511 bytes */
#define PRIVRUN_E_TYPE		4	/* unknown request type */
#define PRIVRUN_E_FDS		5	/* the request carried fds or other
					   control data (they were closed) */
#define PRIVRUN_E_SPEC		6	/* the spec does not parse */
#define PRIVRUN_E_DENIED	7	/* not in --allow-bind/--allow-open */
#define PRIVRUN_E_FAILED	8	/* allowed, but bind or open failed */

/*
 * Ask the monitor to bind (PRIVRUN_REQ_BIND) or open (PRIVRUN_REQ_OPEN)
 * spec.  monitor_fd is the socket, or -1 to take it from PRIVRUN_MONITOR_FD.
 * Returns the new fd, close-on-exec, or -1 with the reason in err (the
 * monitor's message, or the local error) and the status code in *status
 * when status is not NULL (-1 for a local error, errno then set).  One
 * request at a time per socket: callers in several threads must serialise.
 */
int privrun_request(int monitor_fd, int type, const char *spec, int *status,
    char *err, size_t errlen);

#ifdef __cplusplus
}
#endif

#endif
