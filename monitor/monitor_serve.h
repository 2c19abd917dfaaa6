/* SPDX-License-Identifier: ISC */
/*
 * monitor_serve.h: the monitor's allow list (--allow-bind, --allow-open),
 * the capabilities it needs, and serving one request against it.
 */
#ifndef PRIVRUN_MONITOR_SERVE_H
#define PRIVRUN_MONITOR_SERVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "monitor_proto.h"
#include "opts.h"
#include "spec.h"

struct monitor_allow {
	struct spec spec;	/* a bind entry holds its lowest port */
	unsigned port_lo, port_hi;
};

struct monitor_allowlist {
	struct monitor_allow *a;
	size_t n;
};

/* Parse every --allow-bind/--allow-open; a bad one is a usage error. */
void monitor_allow_parse(const struct options *o, struct monitor_allowlist *l);
/* The capabilities (bit N = capability N) the allow list needs. */
uint64_t monitor_allow_caps(const struct monitor_allowlist *l);
void monitor_allow_free(struct monitor_allowlist *l);
/*
 * Check req against the list and perform it: returns the new fd
 * (close-on-exec) with *status PRIVRUN_OK, or -1 with the error status and
 * a message in msg.
 */
int monitor_serve(const struct monitor_allowlist *l,
    const struct monitor_request *req, unsigned *status, char *msg,
    size_t msglen);

/* Ports below this need CAP_NET_BIND_SERVICE: the sysctl
 * net.ipv4.ip_unprivileged_port_start, as monitor_allow_parse() read it. */
unsigned monitor_port_start(void);

/*
 * --intercept: whether an entry allows a socket of socktype to be bound to
 * ss: the same family and address, or for a bare port ("tcp:80") the
 * wildcard address of either family, and the port in range.
 */
bool monitor_bind_granted(const struct monitor_allowlist *l, int socktype,
    const struct sockaddr_storage *ss);

/* [::], which a socket without IPV6_V6ONLY binds dual-stack. */
bool monitor_any6(const struct sockaddr_storage *ss);

/* Whether a bind of ss needs IPV6_V6ONLY: [::] takes 0.0.0.0 too without
 * it, which must then be granted as well. */
bool monitor_needs_v6only(const struct monitor_allowlist *l, int socktype,
    const struct sockaddr_storage *ss);

/*
 * --intercept: open path with oflags (access mode, O_APPEND, O_TRUNC)
 * for the program if an entry allows it, as for a request, adding how
 * (O_SYNC, O_DSYNC, O_DIRECT, which no entry names): the fd, -1 with
 * errno on failure, or -2 when no entry allows it.
 */
int monitor_open_for(const struct monitor_allowlist *l, char *path,
    int oflags, int how);

#endif
